/* diff.h - unified diff for `dffix -d`, in the format of `diff -u` (with
 * labels instead of file names and times). */
#ifndef DFX_DIFF_H
#define DFX_DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "dffix.h"

typedef struct dfx_diff_options {
	const char *old_label, *new_label; /* e.g. "a/Dockerfile", "b/Dockerfile" (printed after ---/+++) */
	int context;                        /* lines of context: 3 in the INIT macro, 0 when zeroed; negative = 3 */
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
 * The search is Myers' O(ND) algorithm in its linear-space form, so memory
 * stays linear in the number of lines and the script is a shortest one;
 * when the work passes a budget (2^26 steps plus 16 per line), each region
 * not yet solved is reported as one deleted and inserted block (a correct,
 * not minimal, diff). Colour: headers bold, '-' red, '+' green, '@@' cyan,
 * each coloured line ending in "\033[m" before its newline.
 * Returns 0 or DFFIX_ENOMEM.
 */
int dfx_diff_unified(dffix_buf *out, const char *a, size_t alen, const char *b, size_t blen,
		     const dfx_diff_options *opts);

/* Semi-private, for tests of the fallback: dfx_diff_unified with the
 * search's work budget given in steps (0 = the default). A step is one
 * diagonal probed or one pair of lines compared. */
int dfx_diff__unified_budget(dffix_buf *out, const char *a, size_t alen, const char *b,
			     size_t blen, const dfx_diff_options *opts, uint64_t budget);

#endif
