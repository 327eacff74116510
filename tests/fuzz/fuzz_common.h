/*
 * fuzz_common.h - helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * The targets link every library source, so they may look inside the tree
 * (cst.h) to state their properties; they never print on success. A broken
 * property prints what broke and calls abort(), which libFuzzer records as
 * a crash with a reproducer file.
 */
#ifndef DFX_FUZZ_COMMON_H
#define DFX_FUZZ_COMMON_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cst.h"
#include "dffix.h"
#include "instr.h"
#include "parser.h"

/* The options of the running input, printed with a failure so that it can be
 * reproduced with the CLI (a harness may keep state; the library may not). */
static const dffix_options *fuzz_opts;

#if defined(__GNUC__)
__attribute__((noreturn, format(printf, 1, 2)))
#endif
static inline void fuzz_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("dffix fuzz property failed: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (fuzz_opts)
		fprintf(stderr, "options: indent %d, eol %d (0 keep, 1 LF, 2 CRLF), final_newline %d, profile %s, fix 0x%x\n",
			fuzz_opts->indent, fuzz_opts->eol, fuzz_opts->final_newline,
			fuzz_opts->profile ? fuzz_opts->profile : "(null)", fuzz_opts->fix);
	abort();
}

/* Offset of the first byte where a and b differ (the shorter length when one
 * is a prefix of the other). */
static inline size_t fuzz_first_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen, i;
	for (i = 0; i < n && a[i] == b[i]; i++)
		;
	return i;
}

static inline void fuzz_expect_same(const char *what, const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return;
	size_t at = fuzz_first_diff(a, alen, b, blen);
	fuzz_fail("%s: lengths %zu and %zu, first difference at byte %zu", what, alen, blen, at);
}

/* Every diagnostic span lies inside the input and its positions are 1-based. */
static inline void fuzz_check_diags(const dffix_doc *doc, size_t len)
{
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (!d || !d->message || !d->rule_id || !d->rule_name)
			fuzz_fail("diagnostic %zu has a NULL field", i);
		if (d->start > d->end || d->end > len)
			fuzz_fail("diagnostic %zu span [%u,%u) outside the %zu-byte input", i, d->start, d->end, len);
		if (d->line == 0 || d->column == 0 || d->end_line < d->line)
			fuzz_fail("diagnostic %zu position %u:%u-%u:%u", i, d->line, d->column, d->end_line,
				  d->end_column);
	}
}

/* Options chosen from a hash of the input, so a crash reproduces from the
 * input file alone and both runs of an idempotence check use the same ones. */
static inline uint32_t fuzz_hash(const uint8_t *data, size_t size)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 16777619u;
	return h;
}

static inline void fuzz_pick_options(dffix_options *o, uint32_t h)
{
	static const int indents[] = {4, 0, 2, 8};
	o->indent = indents[h & 3];
	o->eol = (int)((h >> 2) % 3);
	o->final_newline = (h >> 4) & 1 ? 0 : 1;
	o->profile = (h >> 5) & 1 ? "openshift" : "default";
	fuzz_opts = o;
}

/* Section - comment lines */

typedef struct fuzz_lines {
	const char **text;
	size_t *len;
	size_t count, cap;
} fuzz_lines;

static inline void fuzz_lines_push(fuzz_lines *l, const char *s, size_t n)
{
	if (l->count == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 32;
		l->text = realloc(l->text, ncap * sizeof(*l->text));
		l->len = realloc(l->len, ncap * sizeof(*l->len));
		if (!l->text || !l->len)
			abort();
		l->cap = ncap;
	}
	l->text[l->count] = s;
	l->len[l->count] = n;
	l->count++;
}

static inline void fuzz_lines_free(fuzz_lines *l)
{
	free(l->text);
	free(l->len);
	memset(l, 0, sizeof(*l));
}

static inline void fuzz_trim(const char **s, size_t *n)
{
	while (*n && dfx_is_space((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && dfx_is_space((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* The comment lines of a document, trimmed: comment nodes and comment lines
 * inside continuations (heredoc bodies are not comment lines). */
static inline void fuzz_comment_lines(fuzz_lines *out, const dffix_doc *doc)
{
	for (const dfx_node *n = doc->first; n; n = n->next) {
		if (n->kind == DFX_NODE_COMMENT) {
			const char *s = n->src + n->start;
			size_t len = n->end - n->start;
			fuzz_trim(&s, &len);
			fuzz_lines_push(out, s, len);
		} else if (n->kind == DFX_NODE_INSTRUCTION) {
			for (size_t i = 0; i < n->segment_count; i++) {
				const dfx_segment *g = &n->segments[i];
				if (g->kind != DFX_SEG_COMMENT)
					continue;
				const char *s = n->src + g->text_start;
				size_t len = g->text_end - g->text_start;
				fuzz_trim(&s, &len);
				fuzz_lines_push(out, s, len);
			}
		}
	}
}

/* Aborts unless every line of `before` occurs in `after` at least as often. */
static inline void fuzz_expect_comments_kept(const fuzz_lines *before, const fuzz_lines *after)
{
	char *used = calloc(after->count + 1, 1);
	if (!used)
		abort();
	for (size_t i = 0; i < before->count; i++) {
		size_t k;
		for (k = 0; k < after->count; k++)
			if (!used[k] && after->len[k] == before->len[i] &&
			    memcmp(after->text[k], before->text[i], before->len[i]) == 0)
				break;
		if (k == after->count) {
			int n = before->len[i] > 200 ? 200 : (int)before->len[i];
			free(used);
			fuzz_fail("comment line lost: \"%.*s\"", n, before->text[i]);
		}
		used[k] = 1;
	}
	free(used);
}

/* Section - meaning, roughly */

/* The builder's view of an instruction with every blank removed and ASCII
 * letters folded to lower case: the formatter may only change blanks and the
 * case of keywords, so this must not change. (The oracle
 * test checks the exact rule; this is a cheap tripwire for lost or
 * duplicated text.) */
static inline char *fuzz_squeezed_logical(const dfx_node *n, size_t *len)
{
	char *s = malloc(n->logical_len + 1);
	size_t k = 0;
	if (!s)
		abort();
	for (size_t i = 0; i < n->logical_len; i++)
		if (!dfx_is_space((unsigned char)n->logical[i])) {
			char c = n->logical[i];
			s[k++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
	s[k] = '\0';
	*len = k;
	return s;
}

static inline void fuzz_expect_same_meaning(const dffix_doc *a, const dffix_doc *b)
{
	const dfx_node *x = a->first, *y = b->first;
	size_t idx = 0;
	for (;;) {
		while (x && x->kind != DFX_NODE_INSTRUCTION)
			x = x->next;
		while (y && y->kind != DFX_NODE_INSTRUCTION)
			y = y->next;
		if (!x || !y)
			break;
		if (x->instr.keyword != y->instr.keyword)
			fuzz_fail("instruction %zu: keyword changed (%d -> %d)", idx, (int)x->instr.keyword,
				  (int)y->instr.keyword);
		if (x->instr.json != y->instr.json)
			fuzz_fail("instruction %zu (line %u): exec (JSON) form changed %d -> %d", idx, x->line,
				  x->instr.json, y->instr.json);
		if (x->heredoc_count != y->heredoc_count)
			fuzz_fail("instruction %zu: heredoc count changed", idx);
		size_t la, lb;
		char *sa = fuzz_squeezed_logical(x, &la), *sb = fuzz_squeezed_logical(y, &lb);
		if (la != lb || memcmp(sa, sb, la)) {
			size_t at = fuzz_first_diff(sa, la, sb, lb);
			free(sa);
			free(sb);
			fuzz_fail("instruction %zu (line %u): text other than blanks changed near byte %zu", idx,
				  x->line, at);
		}
		free(sa);
		free(sb);
		x = x->next;
		y = y->next;
		idx++;
	}
	if (x || y)
		fuzz_fail("instruction count changed (extra instruction after %zu)", idx);
}

#endif
