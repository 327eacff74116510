/* stage.h - build stages: which FROM starts each, their names, whether
 * they end up in the final image, and the shell their RUNs run in. Passes
 * and lint rules share this view. */
#ifndef DFX_STAGE_H
#define DFX_STAGE_H

#include "cst.h"

typedef struct dfx_stage {
	dfx_node *from;       /* the FROM node (NULL for the global ARG section) */
	dfx_node *last;       /* last node of the stage (before the next FROM) */
	const char *name;     /* `AS name` lower-cased, or NULL */
	const char *base;     /* the image argument of FROM, NUL-terminated */
	size_t index;         /* 0-based among FROM stages */
	int is_final;         /* the last stage */
	int in_final;         /* the final image contains its layers: it is the final
				 stage or an ancestor through FROM <stage> */
	int used_by_copy;     /* some COPY --from / RUN --mount=from names it */
	int base_is_stage;    /* FROM names an earlier stage */
	const struct dfx_stage *parent; /* that earlier stage, or NULL */
} dfx_stage;

typedef struct dfx_stages {
	dfx_stage *items;
	size_t count;
	/* Open-addressing table of stage names (lower case): slot holds the
	 * 1-based index of the first stage of that name, 0 when empty. Makes
	 * lookups O(1) so that files with thousands of stages stay linear. */
	uint32_t *by_name;
	size_t by_name_cap; /* a power of two, or 0 */
} dfx_stages;

/* Computes the stages of the document's current tree (arena-allocated). */
int dfx_stages_compute(dfx_stages *out, dffix_doc *doc);

/* The stage holding `node`, or NULL before the first FROM. */
const dfx_stage *dfx_stages_find(const dfx_stages *stages, const dfx_node *node);

/* The stage named `name` (case-insensitive) or with that index ("0"). */
const dfx_stage *dfx_stages_lookup(const dfx_stages *stages, const char *name, size_t len);

/* The same among the first `limit` stages only: what `FROM name` in stage
 * `limit` may refer to. */
const dfx_stage *dfx_stages_lookup_before(const dfx_stages *stages, size_t limit, const char *name, size_t len);

/* Section - the shell that runs shell-form RUNs, stage by stage */

/* What a pass knows of that shell at one point of a stage. */
typedef struct dfx_shell_state {
	const char *refuse; /* non-NULL: why a pass may not reason about this shell */
	int errexit;        /* errexit may be on */
} dfx_shell_state;

/* 1 when a JSON-form SHELL names a POSIX shell (sh, bash, ash, dash, ...),
 * whatever its options. */
int dfx_shell_is_posix(const dfx_instr *in);

/* Sets *st from a SHELL instruction. refuse is NULL only for a POSIX shell
 * given option clusters (`-eu`, `+x`, `-o name`) that end with one holding
 * `c`; errexit comes from `-e` or `-o errexit`. */
void dfx_shell_state_apply(dfx_shell_state *st, const dfx_instr *in);

/* Variables that change how every shell of the stage starts. */
#define DFX_ENV_BASH_ENV  1u /* a file bash sources before the command */
#define DFX_ENV_SHELLOPTS 2u /* `set -o` options, errexit among them */
#define DFX_ENV_BASHOPTS  4u /* `shopt` options */

/* Which of those an ENV or ARG instruction names anywhere in its arguments
 * (DFX_ENV_* bits); 0 for other instructions. */
unsigned dfx_env_hazard(const dfx_node *n);

/* Follows the shell state through the instructions in document order: a
 * FROM starts from the state its parent stage had at its end (or a fresh
 * shell), a SHELL replaces it. A pass may adjust `state` between steps;
 * child stages inherit the adjusted state. */
typedef struct dfx_shell_walk {
	dfx_shell_state state;  /* after the last instruction stepped over */
	const dfx_stage *stage; /* the current stage, NULL before the first FROM */
	const dfx_stages *stages;
	size_t next_stage;       /* index of the stage the next FROM starts */
	dfx_shell_state *finals; /* each stage's state at its end, by index */
	dfx_arena arena;         /* holds finals */
} dfx_shell_walk;

/* Starts before the first node with a fresh shell. `stages` must describe
 * the tree walked and outlive the walk; FROM nodes must not be replaced
 * during it. Returns 0 or DFFIX_ENOMEM. */
int dfx_shell_walk_init(dfx_shell_walk *w, const dfx_stages *stages);

/* Takes node n into account. Returns 1 when n replaced the state (a FROM or
 * a SHELL), else 0. */
int dfx_shell_walk_step(dfx_shell_walk *w, const dfx_node *n);

/* Frees finals; safe after a failed init too. */
void dfx_shell_walk_dispose(dfx_shell_walk *w);

#endif
