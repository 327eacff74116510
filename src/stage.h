/* stage.h - build stages: which FROM starts each, their names, and whether
 * they end up in the final image. Passes and lint rules share this view. */
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

#endif
