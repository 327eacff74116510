/* parser.h - bytes to nodes: BuildKit's line reader (directives, comments,
 * continuations, heredoc bodies) without losing a byte. */
#ifndef DFX_PARSER_H
#define DFX_PARSER_H

#include "cst.h"

/* BuildKit's bufio.Scanner limit: a physical line longer than this is an error. */
#define DFX_MAX_LINE 65535u

/* 1 when text[0..len) holds a line (ended by '\n' or the end) longer than
 * DFX_MAX_LINE: text a pass or the formatter must not write. */
int dfx_has_long_line(const char *text, size_t len);

/*
 * Parses src[start..len) into a chain of nodes returned in *first and *last.
 * With `directives`, parser directives are recognized at the start (and may
 * change doc->escape); otherwise doc->escape is used as is. With `report`,
 * syntax diagnostics are added to the document. Returns 0, DFFIX_ENOMEM, or
 * DFFIX_EPARSE when any error-severity problem was found.
 */
int dfx_parse(dfx_node **first, dfx_node **last, dffix_doc *doc, const char *src, uint32_t start, uint32_t len,
	      int directives, int report);

#endif
