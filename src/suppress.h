/* suppress.h - inline pragmas that switch rules and passes off:
 *   # dffix ignore=merge-run,DF201        (the next instruction)
 *   # dffix global ignore=pin-tag          (the whole file)
 *   # hadolint ignore=DL3059 / # hadolint global ignore=DL3007
 * A pragma for the next instruction may stand anywhere in the block of
 * comment lines directly above it. */
#ifndef DFX_SUPPRESS_H
#define DFX_SUPPRESS_H

#include "cst.h"

/* 1 when the rule (by id, name, or one of its hadolint `aliases`, a
 * NULL-terminated list that may be NULL) is ignored for `node` (NULL: only
 * global pragmas count). */
int dfx_suppressed(dffix_doc *doc, const dfx_node *node, const char *rule_id, const char *rule_name,
		   const char *const *aliases);

/* Parses one comment line; returns 1 for a pragma and sets *global and the
 * list span [*list, *list + *list_len). Exposed for tests. */
int dfx_pragma_parse(const char *line, size_t len, int *global, const char **list, size_t *list_len);

#endif
