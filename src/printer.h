/* printer.h - CST to bytes. Verbatim printing lives in doc.c
 * (dffix_doc_reprint); this is the formatter. */
#ifndef DFX_PRINTER_H
#define DFX_PRINTER_H

#include "cst.h"

/* Appends the formatted text of one instruction node (without heredoc
 * bodies) using `eol` as line ending and `indent` for continuation lines.
 * `posix_shell` says whether shell-form commands run in a POSIX shell, where
 * blanks between words do not matter. */
int dfx_print_instruction(dffix_buf *out, const dffix_doc *doc, const dfx_node *node, const char *eol,
			  const char *indent, int posix_shell);

#endif
