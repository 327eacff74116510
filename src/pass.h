/*
 * pass.h - the rewriting passes.
 *
 * A pass looks at the tree, and for each place it could rewrite either
 * proves the rewrite safe and applies it (splicing in nodes parsed from the
 * text it built out of the original bytes, comments included), or leaves the
 * text alone. Each decision is a diagnostic: APPLIED with what changed, or
 * REFUSED with why. A pass must be idempotent: on its own output it finds
 * nothing more to do.
 */
#ifndef DFX_PASS_H
#define DFX_PASS_H

#include "cst.h"
#include "stage.h"

typedef struct dfx_pass dfx_pass;

typedef struct dfx_pass_ctx {
	dffix_doc *doc;
	const dffix_options *opts;
	dfx_stages stages; /* recomputed before each pass runs */
	int changed;       /* set by a pass that edited the tree */
	int quiet;         /* a second round: refusals were already reported */
} dfx_pass_ctx;

struct dfx_pass {
	const char *name;      /* stable, used in --fix=, pragmas and config: "merge-run" */
	const char *rule_id;   /* stable id of its findings: "DF101" */
	unsigned fix_bit;      /* DFFIX_FIX_* */
	const char *summary;   /* one line */
	const char *guideline; /* GUIDELINES.md row, e.g. "G6" */
	const char *const *aliases; /* hadolint codes it stands for, NULL-terminated (or NULL) */
	dffix_severity severity;    /* of its findings in lint mode */
	/* Runs over ctx->doc; returns 0 or a negative DFFIX_E* (never for a
	 * refusal: those are diagnostics). */
	int (*run)(dfx_pass_ctx *ctx, const dfx_pass *self);
};

/* Records an applied rewrite at `at` (a node of the current tree). */
int dfx_pass_applied(dfx_pass_ctx *ctx, const dfx_pass *pass, const dfx_node *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* Records a refusal at `at`, with the reason. */
int dfx_pass_refused(dfx_pass_ctx *ctx, const dfx_pass *pass, const dfx_node *at, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* 1 when an inline pragma switches the pass off for `node`. */
int dfx_pass_suppressed(dfx_pass_ctx *ctx, const dfx_pass *pass, const dfx_node *node);

/* The registry, in the order the passes run. */
const dfx_pass *const *dfx_passes(size_t *count);
const dfx_pass *dfx_pass_by_name(const char *name, size_t len);

/* Section - helpers shared by passes */

/* Replaces the nodes first..last (inclusive, linked) by the nodes parsed from
 * text. Returns 0, DFFIX_ENOMEM, or DFFIX_EPARSE (tree unchanged) when the
 * text does not parse cleanly. *new_first (may be NULL) gets the first new node. */
int dfx_pass_replace(dfx_pass_ctx *ctx, dfx_node *first, dfx_node *last, const char *text, size_t len,
		     dfx_node **new_first);

/* Inserts the nodes parsed from text before `before` (NULL: at the end). */
int dfx_pass_insert(dfx_pass_ctx *ctx, dfx_node *before, const char *text, size_t len, dfx_node **new_first);

/* The line ending to use for new text: the document's. */
const char *dfx_pass_eol(const dfx_pass_ctx *ctx);

/* Section - rewriting one RUN (merge-run, pkg-clean) */

/* The source offset where a RUN's text ends without trailing blanks, or 0
 * when its last line is not a plain content line. */
uint32_t dfx_pass_src_trim_end(const dfx_node *n);

/* 1 when both have the same flags, with the same values, in the same order. */
int dfx_pass_same_flags(const dfx_instr *a, const dfx_instr *b);

/* Parses the new text of a RUN on its own, in `scratch` (a trial parse must
 * not stay in the document's arena: one per RUN adds up on big files), and
 * checks it is one shell-form RUN without heredocs whose logical line is
 * `want`, with the flags of `flags`, and whose shell text scans cleanly.
 * Returns 1 when it is, 0 when not, or DFFIX_ENOMEM. */
int dfx_pass_check_run_text(dfx_pass_ctx *ctx, dfx_arena *scratch, const dffix_buf *text, const dffix_buf *want,
                            const dfx_instr *flags);

extern const dfx_pass dfx_pass_pin_tag;
extern const dfx_pass dfx_pass_pkg_clean;
extern const dfx_pass dfx_pass_cache_order;
extern const dfx_pass dfx_pass_merge_run;
extern const dfx_pass dfx_pass_arbitrary_uid;
extern const dfx_pass dfx_pass_env_key_value;
extern const dfx_pass dfx_pass_maintainer;

#endif
