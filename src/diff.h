/* diff.h - unified diff for `dffix -d`, byte-identical to GNU `diff -u`
 * (with --label, and --color=always when colour is on). */
#ifndef DFX_DIFF_H
#define DFX_DIFF_H

#include <stddef.h>

#include "dffix.h"

typedef struct dfx_diff_options {
	const char *old_label, *new_label; /* e.g. "a/Dockerfile", "b/Dockerfile" (printed after ---/+++) */
	int context;                        /* lines of context, default 3; 0 is like diff -U0 */
	int color;                          /* 1 = ANSI colours: headers bold, - red, + green, @@ cyan */
} dfx_diff_options;

#define DFX_DIFF_OPTIONS_INIT {"a", "b", 3, 0}

/*
 * Appends a unified diff of a -> b to out; appends nothing when equal. Lines
 * are split on '\n' and keep their bytes (a '\r' before '\n' is part of the
 * line). When a side's last line has no newline, "\ No newline at end of
 * file" follows it, as diff(1) does. opts may be NULL (DFX_DIFF_OPTIONS_INIT);
 * a NULL label prints as "a" or "b"; a negative context means 3.
 *
 * The search is Myers' O(ND) algorithm in linear space with GNU diff's
 * heuristics, so memory stays linear in the number of lines; when the work
 * passes a bound proportional to the input, what is left is reported as
 * whole-block replacements (a correct, not minimal, diff).
 * Returns 0 or DFFIX_ENOMEM.
 */
int dfx_diff_unified(dffix_buf *out, const char *a, size_t alen, const char *b, size_t blen,
		     const dfx_diff_options *opts);

#endif
