/*
 * instr.h - what the builder makes of one logical line, following BuildKit's
 * frontend/dockerfile/parser (splitCommand, extractBuilderFlags, the dispatch
 * table, parseJSON, heredocsFromLine) so that dffix and docker agree.
 */
#ifndef DFX_INSTR_H
#define DFX_INSTR_H

#include "cst.h"

/* Analyzes logical[start..end) (one instruction, keyword first) into *out.
 * `escape` is the document's escape character. On a builder parse error
 * (a JSON array with a non-string, ENV without a value, ...) returns
 * DFFIX_EPARSE with a message in *err; out is still filled as far as it got.
 * Returns DFFIX_ENOMEM when the arena is exhausted. */
int dfx_instr_analyze(dfx_instr *out, dfx_arena *arena, const char *logical, uint32_t start, uint32_t end,
		      char escape, const char **err);

/* The heredoc markers of a logical line, as BuildKit's heredocsFromLine finds
 * them (only call for RUN/COPY/ADD, or ONBUILD of those, in shell form). The
 * array and names are arena-allocated; body fields are left zero. */
int dfx_instr_heredocs(dfx_heredoc **out, size_t *count, dfx_arena *arena, const char *logical, uint32_t len);

/* 1 when the instruction may carry heredocs (RUN/COPY/ADD or ONBUILD of one, not JSON). */
int dfx_instr_can_heredoc(const dfx_instr *instr);

/* Words as BuildKit's parseWords splits them (ENV/LABEL/ARG), quotes kept.
 * Spans into `logical`. */
int dfx_instr_words(dfx_span **out, size_t *count, dfx_arena *arena, const char *logical, dfx_span range,
		    char escape);

/* The i-th (0-based) word of logical[args), words split on blanks as
 * BuildKit's reWhitespace does. Returns 1 with its span in *out, or 0 when
 * there are fewer words. */
int dfx_instr_nth_word(dfx_span *out, const char *logical, dfx_span args, int i);

/* Decodes a JSON array of strings at text[0..len) (leading blanks allowed).
 * Returns 1 when it is one (values/spans filled; spans relative to text),
 * 0 when it is not JSON (shell form), 2 when it is a JSON array holding a
 * non-string (a builder error), or DFFIX_ENOMEM. */
int dfx_json_string_array(const char ***values, size_t **lengths, dfx_span **spans, size_t *count,
			  dfx_arena *arena, const char *text, size_t len);

/* ASCII whitespace as Go's unicode.IsSpace sees it for single bytes. */
static inline int dfx_is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

#endif
