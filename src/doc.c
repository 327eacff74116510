/* doc.c - documents: parsing entry point, diagnostics, positions and the
 * edit primitives of cst.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "cst.h"
#include "parser.h"

static int build_line_table(dffix_doc *doc)
{
	size_t n = 1;
	for (const char *p = doc->src; (p = memchr(p, '\n', (size_t)(doc->src + doc->len - p))) != NULL; p++)
		n++;
	doc->line_starts = dfx_arena_alloc(&doc->arena, n * sizeof(uint32_t));
	if (!doc->line_starts)
		return DFFIX_ENOMEM;
	size_t i = 0;
	doc->line_starts[i++] = 0;
	const char *end = doc->src + doc->len;
	for (const char *p = doc->src; i < n && (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		doc->line_starts[i++] = (uint32_t)(p - doc->src) + 1;
	doc->line_count = i;
	return 0;
}

void dfx_doc_position(const dffix_doc *doc, uint32_t offset, uint32_t *line, uint32_t *col)
{
	size_t lo = 0, hi = doc->line_count;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (doc->line_starts[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	*line = (uint32_t)lo + 1;
	*col = offset - (doc->line_starts ? doc->line_starts[lo] : 0) + 1;
}

int dfx_doc_add_diag(dffix_doc *doc, dffix_diag_kind kind, dffix_severity sev, const char *rule_id,
		     const char *rule_name, int fixable, uint32_t start, uint32_t end, const char *fmt, ...)
{
	dfx_diag_list *list = &doc->diags;
	if (list->len == list->cap) {
		size_t ncap = list->cap ? list->cap * 2 : 16;
		dffix_diag *items = dfx_realloc(list->items, ncap * sizeof(dffix_diag));
		if (!items)
			return DFFIX_ENOMEM;
		list->items = items;
		list->cap = ncap;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DFFIX_EINVAL;
	/* A pass that rewrites every RUN says the same thing each time: share
	 * the text with the previous diagnostic instead of storing it again. */
	char small[256];
	const char *msg = NULL;
	if ((size_t)n < sizeof(small)) {
		va_start(ap, fmt);
		vsnprintf(small, sizeof(small), fmt, ap);
		va_end(ap);
		if (list->len && !strcmp(list->items[list->len - 1].message, small))
			msg = list->items[list->len - 1].message;
		else if (!(msg = dfx_arena_strndup(&doc->arena, small, (size_t)n)))
			return DFFIX_ENOMEM;
	} else {
		char *m = dfx_arena_alloc(&doc->arena, (size_t)n + 1);
		if (!m)
			return DFFIX_ENOMEM;
		va_start(ap, fmt);
		vsnprintf(m, (size_t)n + 1, fmt, ap);
		va_end(ap);
		msg = m;
	}
	if (end < start)
		end = start;
	dffix_diag *d = &list->items[list->len++];
	memset(d, 0, sizeof(*d));
	d->rule_id = rule_id ? rule_id : "";
	d->rule_name = rule_name ? rule_name : "";
	d->severity = sev;
	d->kind = kind;
	d->start = start;
	d->end = end;
	d->fixable = fixable;
	d->message = msg;
	/* Offsets count from the start of the input, BOM included. */
	dfx_doc_position(doc, start, &d->line, &d->column);
	dfx_doc_position(doc, end, &d->end_line, &d->end_column);
	return 0;
}

int dffix_doc_parse(dffix_doc **out, const char *data, size_t len)
{
	*out = NULL;
	if (len > UINT32_MAX - 1)
		return DFFIX_EINVAL;
	dffix_doc *doc = dfx_calloc(1, sizeof(dffix_doc));
	if (!doc)
		return DFFIX_ENOMEM;
	int error = 0;
	char *src = dfx_arena_alloc(&doc->arena, len + 1);
	if (!src) {
		error = DFFIX_ENOMEM;
		goto fail;
	}
	if (len)
		memcpy(src, data, len);
	src[len] = '\0';
	doc->src = src;
	doc->len = (uint32_t)len;
	doc->escape = '\\';
	doc->has_bom = len >= 3 && (unsigned char)src[0] == 0xEF && (unsigned char)src[1] == 0xBB &&
		       (unsigned char)src[2] == 0xBF;
	doc->final_newline = len > 0 && src[len - 1] == '\n';
	if ((error = build_line_table(doc)) < 0)
		goto fail;

	/* Line endings: CRLF when most lines end with one. */
	size_t crlf = 0, lf = 0;
	for (size_t i = 1; i < doc->line_count; i++) {
		uint32_t nl = doc->line_starts[i] - 1;
		if (nl > 0 && src[nl - 1] == '\r')
			crlf++;
		else
			lf++;
	}
	doc->crlf = crlf > lf;

	uint32_t start = doc->has_bom ? 3 : 0;
	const char *nul = memchr(src, '\0', len);
	if (nul) {
		/* A NUL byte means a binary file: keep it as one ERROR node so it still
		 * reprints, and reject it. */
		dfx_node *n = dfx_arena_alloc(&doc->arena, sizeof(dfx_node));
		if (!n) {
			error = DFFIX_ENOMEM;
			goto fail;
		}
		n->kind = DFX_NODE_ERROR;
		n->src = src;
		n->start = start;
		n->end = n->body_end = doc->len;
		doc->first = doc->last = n;
		doc->fatal = 1;
		uint32_t at = (uint32_t)(nul - src);
		if ((error = dfx_doc_add_diag(doc, DFFIX_DIAG_SYNTAX, DFFIX_SEV_ERROR, "", "syntax", 0, at, at + 1,
					      "binary file: NUL byte at offset %u", at)) < 0)
			goto fail;
		*out = doc;
		return DFFIX_EPARSE;
	}

	/* BuildKit's scanner refuses a physical line of more than 64 KiB - 1. */
	for (size_t i = 0; i < doc->line_count; i++) {
		uint32_t ls = doc->line_starts[i];
		uint32_t le = i + 1 < doc->line_count ? doc->line_starts[i + 1] - 1 : doc->len;
		if (le - ls > DFX_MAX_LINE &&
		    (error = dfx_doc_add_diag(doc, DFFIX_DIAG_SYNTAX, DFFIX_SEV_ERROR, "", "syntax", 0, ls, ls,
					      "dockerfile line greater than max allowed size of %u", DFX_MAX_LINE)) < 0)
			goto fail;
	}

	dfx_node *first = NULL, *last = NULL;
	error = dfx_parse(&first, &last, doc, src, start, doc->len, 1, 1);
	if (error == DFFIX_ENOMEM)
		goto fail;
	doc->first = first;
	doc->last = last;
	for (dfx_node *n = first; n; n = n->next)
		dfx_doc_position(doc, n->start, &n->line, &(uint32_t){0});
	*out = doc;
	return dffix_doc_has_errors(doc) ? DFFIX_EPARSE : 0;
fail:
	dffix_doc_free(doc);
	return error;
}

void dffix_doc_free(dffix_doc *doc)
{
	if (!doc)
		return;
	dfx_free(doc->diags.items);
	dfx_arena_dispose(&doc->arena);
	dfx_free(doc);
}

size_t dffix_doc_diag_count(const dffix_doc *doc)
{
	return doc->diags.len;
}

const dffix_diag *dffix_doc_diag(const dffix_doc *doc, size_t i)
{
	return i < doc->diags.len ? &doc->diags.items[i] : NULL;
}

int dffix_doc_has_errors(const dffix_doc *doc)
{
	for (size_t i = 0; i < doc->diags.len; i++)
		if (doc->diags.items[i].kind == DFFIX_DIAG_SYNTAX && doc->diags.items[i].severity == DFFIX_SEV_ERROR)
			return 1;
	return 0;
}

/* Section - edits */

void dfx_cst_unlink(dffix_doc *doc, dfx_node *node)
{
	if (node->prev)
		node->prev->next = node->next;
	else
		doc->first = node->next;
	if (node->next)
		node->next->prev = node->prev;
	else
		doc->last = node->prev;
	node->prev = node->next = NULL;
}

void dfx_cst_insert_chain_before(dffix_doc *doc, dfx_node *before, dfx_node *first, dfx_node *last)
{
	if (!first)
		return;
	dfx_node *after = before ? before->prev : doc->last;
	first->prev = after;
	last->next = before;
	if (after)
		after->next = first;
	else
		doc->first = first;
	if (before)
		before->prev = last;
	else
		doc->last = last;
}

void dfx_cst_insert_before(dffix_doc *doc, dfx_node *before, dfx_node *node)
{
	dfx_cst_insert_chain_before(doc, before, node, node);
}

int dfx_cst_parse_fragment(dfx_node **first, dfx_node **last, dffix_doc *doc, const char *text, size_t len)
{
	*first = *last = NULL;
	if (len > UINT32_MAX - 1)
		return DFFIX_EINVAL;
	char *copy = dfx_arena_strndup(&doc->arena, text, len);
	if (!copy)
		return DFFIX_ENOMEM;
	if (memchr(copy, '\0', len))
		return DFFIX_EPARSE;
	/* A pass must not write a line the builder's scanner refuses. */
	if (dfx_has_long_line(copy, len))
		return DFFIX_EPARSE;
	int error = dfx_parse(first, last, doc, copy, 0, (uint32_t)len, 0, 0);
	for (dfx_node *n = *first; n; n = n->next)
		n->synthesized = 1;
	if (error == 0)
		for (dfx_node *n = *first; n; n = n->next)
			if (n->kind == DFX_NODE_ERROR || (n->kind == DFX_NODE_INSTRUCTION &&
							  n->instr.keyword == DFX_KW_UNKNOWN))
				return DFFIX_EPARSE;
	return error;
}

int dfx_cst_check(const dffix_doc *doc)
{
	uint32_t at = doc->has_bom ? 3 : 0;
	for (const dfx_node *n = doc->first; n; n = n->next) {
		if (n->src != doc->src || n->start != at || n->end < n->start)
			return DFFIX_EPARSE;
		if (n->next && n->next->prev != n)
			return DFFIX_EPARSE;
		at = n->end;
	}
	return at == doc->len ? 0 : DFFIX_EPARSE;
}

uint32_t dfx_node_input_offset(const dfx_node *node)
{
	return node->synthesized ? node->origin : node->start;
}

uint32_t dfx_node_input_line(const dffix_doc *doc, const dfx_node *node)
{
	if (!node->synthesized)
		return node->line;
	uint32_t line, col;
	dfx_doc_position(doc, node->origin, &line, &col);
	return line;
}

uint32_t dfx_node_logical_to_src(const dfx_node *node, uint32_t off)
{
	const dfx_segment *best = NULL;
	for (size_t i = 0; i < node->segment_count; i++) {
		const dfx_segment *s = &node->segments[i];
		if (s->kind != DFX_SEG_CONTENT)
			continue;
		if (s->logical_start > off)
			break;
		best = s;
	}
	if (!best)
		return node->start;
	uint32_t rel = off - best->logical_start;
	uint32_t len = best->text_end - best->text_start;
	if (rel > len)
		rel = len;
	return best->text_start + rel;
}

const dfx_instr *dfx_node_instr(const dfx_node *node, int through_onbuild)
{
	if (!node || node->kind != DFX_NODE_INSTRUCTION)
		return NULL;
	if (through_onbuild && node->instr.keyword == DFX_KW_ONBUILD)
		return node->instr.sub;
	return &node->instr;
}

int dffix_doc_reprint(dffix_buf *out, const dffix_doc *doc)
{
	int error;
	if (doc->has_bom && (error = dffix_buf_put(out, doc->src, 3)) < 0)
		return error;
	for (const dfx_node *n = doc->first; n; n = n->next)
		if ((error = dffix_buf_put(out, n->src + n->start, n->end - n->start)) < 0)
			return error;
	return 0;
}
