/* parser.c - bytes to nodes, line by line, as BuildKit's parser.Parse reads
 * them; see cst.h for the shape of the tree. */
#include "parser.h"

#include <stdio.h>
#include <string.h>

#include "array.h"
#include "instr.h"

typedef struct parser {
	dffix_doc *doc;
	const char *src;
	uint32_t len;
	uint32_t pos;
	int directives_done;
	unsigned seen; /* bit per directive key already seen */
	int report;
	int failed;
	dfx_node *first, *last;
} parser;

typedef struct line_view {
	uint32_t start, end; /* end: one past '\n' (or len) */
	uint32_t content_end; /* before the trailing "\r\n" characters */
} line_view;

static line_view next_line(const parser *p, uint32_t pos)
{
	line_view l;
	l.start = pos;
	const char *nl = memchr(p->src + pos, '\n', p->len - pos);
	l.end = nl ? (uint32_t)(nl - p->src) + 1 : p->len;
	l.content_end = l.end;
	/* trimNewline: bytes.TrimRight(line, "\r\n"). */
	while (l.content_end > l.start && (p->src[l.content_end - 1] == '\n' || p->src[l.content_end - 1] == '\r'))
		l.content_end--;
	return l;
}

static uint32_t eol_start(const parser *p, line_view l)
{
	uint32_t e = l.end;
	if (e > l.start && p->src[e - 1] == '\n') {
		e--;
		if (e > l.start && p->src[e - 1] == '\r')
			e--;
	}
	return e;
}

/* Skips Unicode white space (ASCII, NEL, NBSP) like bytes.TrimLeftFunc(unicode.IsSpace). */
static uint32_t skip_space(const char *s, uint32_t pos, uint32_t end)
{
	while (pos < end) {
		unsigned char c = (unsigned char)s[pos];
		if (dfx_is_space(c))
			pos++;
		else if (c == 0xC2 && pos + 1 < end &&
			 ((unsigned char)s[pos + 1] == 0x85 || (unsigned char)s[pos + 1] == 0xA0))
			pos += 2;
		else
			break;
	}
	return pos;
}

static int report(parser *p, dffix_severity sev, uint32_t start, uint32_t end, const char *msg)
{
	if (sev == DFFIX_SEV_ERROR)
		p->failed = 1;
	if (!p->report)
		return 0;
	return dfx_doc_add_diag(p->doc, DFFIX_DIAG_SYNTAX, sev, "", "syntax", 0, start, end, "%s", msg);
}

static dfx_node *new_node(parser *p, dfx_node_kind kind, uint32_t start, uint32_t end)
{
	dfx_node *n = dfx_arena_alloc(&p->doc->arena, sizeof(dfx_node));
	if (!n)
		return NULL;
	n->kind = kind;
	n->src = p->src;
	n->start = start;
	n->end = end;
	n->body_end = end;
	n->synthesized = !p->report;
	n->prev = p->last;
	if (p->last)
		p->last->next = n;
	else
		p->first = n;
	p->last = n;
	return n;
}

static int is_re_space(char c) /* RE2's \s: [\t\n\f\r ] */
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(char c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

enum { DIRECTIVE_SYNTAX = 1, DIRECTIVE_ESCAPE = 2, DIRECTIVE_CHECK = 4 };

/* ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$ on text[start..end). Returns
 * 1 with key and value spans when it matches. */
static int match_directive(const char *s, uint32_t start, uint32_t end, uint32_t *ks, uint32_t *ke, uint32_t *vs,
			   uint32_t *ve)
{
	uint32_t p = start;
	if (p >= end || s[p] != '#')
		return 0;
	p++;
	while (p < end && is_re_space(s[p]))
		p++;
	if (p >= end || !is_alpha(s[p]))
		return 0;
	*ks = p;
	while (p < end && is_alnum(s[p]))
		p++;
	*ke = p;
	while (p < end && is_re_space(s[p]))
		p++;
	if (p >= end || s[p] != '=')
		return 0;
	p++;
	while (p < end && is_re_space(s[p]))
		p++;
	uint32_t e = end;
	while (e > p && is_re_space(s[e - 1]))
		e--;
	if (e <= p)
		return 0;
	*vs = p;
	*ve = e;
	return 1;
}

/* Returns 1 when the line was consumed as a directive. */
static int try_directive(parser *p, line_view l, uint32_t text)
{
	uint32_t ks, ke, vs, ve;
	if (!match_directive(p->src, text, l.content_end, &ks, &ke, &vs, &ve)) {
		p->directives_done = 1;
		return 0;
	}
	char key[8];
	size_t klen = ke - ks;
	if (klen >= sizeof(key)) {
		p->directives_done = 1;
		return 0;
	}
	for (size_t i = 0; i < klen; i++) {
		char c = p->src[ks + i];
		key[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	key[klen] = '\0';
	unsigned bit = !strcmp(key, "syntax") ? DIRECTIVE_SYNTAX
		       : !strcmp(key, "escape") ? DIRECTIVE_ESCAPE
		       : !strcmp(key, "check")  ? DIRECTIVE_CHECK
						: 0;
	if (!bit) {
		p->directives_done = 1;
		return 0;
	}
	dfx_node *n = new_node(p, DFX_NODE_DIRECTIVE, l.start, l.end);
	if (!n)
		return -1;
	n->directive_key = bit == DIRECTIVE_SYNTAX ? "syntax" : bit == DIRECTIVE_ESCAPE ? "escape" : "check";
	n->value_start = vs;
	n->value_end = ve;
	if (p->seen & bit) {
		char msg[64];
		snprintf(msg, sizeof(msg), "only one %s parser directive can be used", n->directive_key);
		if (report(p, DFFIX_SEV_ERROR, l.start, l.content_end, msg) < 0)
			return -1;
		return 1;
	}
	p->seen |= bit;
	if (bit == DIRECTIVE_ESCAPE) {
		if (ve - vs == 1 && (p->src[vs] == '\\' || p->src[vs] == '`')) {
			p->doc->escape = p->src[vs];
		} else {
			char msg[96];
			snprintf(msg, sizeof(msg), "invalid escape token '%.*s' does not match ` or \\",
				 (int)((ve - vs) > 20 ? 20 : ve - vs), p->src + vs);
			if (report(p, DFFIX_SEV_ERROR, vs, ve, msg) < 0)
				return -1;
		}
	}
	return 1;
}

/* The continuation rule: ([^E])E[ \t]*$|^E[ \t]*$ on text[start..end).
 * Returns 1 and the offset of the escape character when it matches. */
static int continues(const char *s, uint32_t start, uint32_t end, char esc, uint32_t *at)
{
	uint32_t q = end;
	while (q > start && (s[q - 1] == ' ' || s[q - 1] == '\t'))
		q--;
	if (q <= start || s[q - 1] != esc)
		return 0;
	if (q - 1 > start && s[q - 2] == esc)
		return 0;
	*at = q - 1;
	return 1;
}

typedef DFX_ARRAY(dfx_segment) segment_array;
typedef DFX_ARRAY(char) char_array;

static int append_text(char_array *buf, const char *s, uint32_t len)
{
	while (buf->cap - buf->len < len)
		if (dfx_array__grow((void **)&buf->items, &buf->cap, 1) < 0)
			return DFFIX_ENOMEM;
	if (len)
		memcpy(buf->items + buf->len, s, len);
	buf->len += len;
	return 0;
}

static int read_heredoc_bodies(parser *p, dfx_node *n)
{
	for (size_t i = 0; i < n->heredoc_count; i++) {
		dfx_heredoc *h = &n->heredocs[i];
		h->body_start = p->pos;
		int terminated = 0;
		while (p->pos < p->len) {
			line_view l = next_line(p, p->pos);
			uint32_t t = l.start;
			if (h->strip_tabs)
				while (t < l.content_end && p->src[t] == '\t')
					t++;
			if (l.content_end - t == h->name_len && !memcmp(p->src + t, h->name, h->name_len)) {
				h->body_end = l.start;
				h->term_start = l.start;
				h->term_end = l.end;
				p->pos = l.end;
				terminated = 1;
				break;
			}
			p->pos = l.end;
		}
		if (!terminated) {
			h->body_end = h->term_start = h->term_end = p->len;
			n->kind = DFX_NODE_ERROR;
			uint32_t mark = dfx_node_logical_to_src(n, h->marker.start);
			if (report(p, DFFIX_SEV_ERROR, mark, mark + (uint32_t)(h->marker.end - h->marker.start),
				   "unterminated heredoc") < 0)
				return DFFIX_ENOMEM;
			return 0;
		}
	}
	return 0;
}

static int parse_instruction(parser *p, line_view first, uint32_t text)
{
	segment_array segs = DFX_ARRAY_INIT;
	char_array logical = DFX_ARRAY_INIT;
	int error = 0;
	char esc = p->doc->escape;

	dfx_segment seg;
	memset(&seg, 0, sizeof(seg));
	seg.kind = DFX_SEG_CONTENT;
	seg.start = first.start;
	seg.text_start = text;
	seg.eol_start = eol_start(p, first);
	seg.end = first.end;
	uint32_t at;
	int more = continues(p->src, text, first.content_end, esc, &at);
	seg.continues = more;
	seg.text_end = more ? at : first.content_end;
	seg.logical_start = 0;
	if (DFX_ARRAY_PUSH(&segs, seg) < 0 || append_text(&logical, p->src + text, seg.text_end - text) < 0)
		goto nomem;
	p->pos = first.end;

	while (more && p->pos < p->len) {
		line_view l = next_line(p, p->pos);
		memset(&seg, 0, sizeof(seg));
		seg.start = l.start;
		seg.eol_start = eol_start(p, l);
		seg.end = l.end;
		uint32_t t = skip_space(p->src, l.start, l.content_end);
		seg.text_start = seg.text_end = t;
		if (t < l.content_end && p->src[t] == '#') {
			seg.kind = DFX_SEG_COMMENT;
			seg.text_end = l.content_end;
		} else if (t >= l.content_end) {
			seg.kind = DFX_SEG_EMPTY;
		} else {
			seg.kind = DFX_SEG_CONTENT;
			seg.text_start = l.start;
			more = continues(p->src, l.start, l.content_end, esc, &at);
			seg.continues = more;
			seg.text_end = more ? at : l.content_end;
			seg.logical_start = (uint32_t)logical.len;
			if (append_text(&logical, p->src + l.start, seg.text_end - l.start) < 0)
				goto nomem;
		}
		if (DFX_ARRAY_PUSH(&segs, seg) < 0)
			goto nomem;
		p->pos = l.end;
	}

	dfx_node *n = new_node(p, DFX_NODE_INSTRUCTION, first.start, p->pos);
	if (!n)
		goto nomem;
	n->segments = dfx_arena_alloc(&p->doc->arena, segs.len * sizeof(dfx_segment));
	n->logical = dfx_arena_strndup(&p->doc->arena, logical.items ? logical.items : "", logical.len);
	if (!n->segments || !n->logical)
		goto nomem;
	memcpy(n->segments, segs.items, segs.len * sizeof(dfx_segment));
	n->segment_count = segs.len;
	n->logical_len = logical.len;

	const char *err = NULL;
	error = dfx_instr_analyze(&n->instr, &p->doc->arena, n->logical, 0, (uint32_t)n->logical_len, esc, &err);
	if (error == DFFIX_ENOMEM)
		goto nomem;
	if (error == DFFIX_EPARSE) {
		error = 0;
		n->kind = DFX_NODE_ERROR;
		if (report(p, DFFIX_SEV_ERROR, text, n->segments[n->segment_count - 1].eol_start, err) < 0)
			goto nomem;
	} else if (n->instr.keyword == DFX_KW_UNKNOWN ||
		   (n->instr.keyword == DFX_KW_ONBUILD && n->instr.sub && n->instr.sub->keyword == DFX_KW_UNKNOWN)) {
		const dfx_instr *bad = n->instr.keyword == DFX_KW_UNKNOWN ? &n->instr : n->instr.sub;
		uint32_t ks = dfx_node_logical_to_src(n, bad->keyword_span.start);
		char msg[96];
		int klen = (int)(bad->keyword_span.end - bad->keyword_span.start);
		snprintf(msg, sizeof(msg), "unknown instruction: %.*s", klen > 40 ? 40 : klen,
			 n->logical + bad->keyword_span.start);
		if (report(p, DFFIX_SEV_WARNING, ks, ks + (uint32_t)klen, msg) < 0)
			goto nomem;
	}

	if (n->kind == DFX_NODE_INSTRUCTION && dfx_instr_can_heredoc(&n->instr)) {
		if (dfx_instr_heredocs(&n->heredocs, &n->heredoc_count, &p->doc->arena, n->logical,
				       (uint32_t)n->logical_len) < 0)
			goto nomem;
		if (n->heredoc_count) {
			if ((error = read_heredoc_bodies(p, n)) < 0)
				goto cleanup;
			n->end = n->body_end = p->pos;
		}
	}
	goto cleanup;
nomem:
	error = DFFIX_ENOMEM;
cleanup:
	DFX_ARRAY_FREE(&segs);
	DFX_ARRAY_FREE(&logical);
	return error;
}

int dfx_parse(dfx_node **first, dfx_node **last, dffix_doc *doc, const char *src, uint32_t start, uint32_t len,
	      int directives, int report_diags)
{
	parser p;
	memset(&p, 0, sizeof(p));
	p.doc = doc;
	p.src = src;
	p.len = len;
	p.pos = start;
	p.directives_done = !directives;
	p.report = report_diags;
	int error = 0;

	while (p.pos < p.len) {
		line_view l = next_line(&p, p.pos);
		uint32_t text = skip_space(src, l.start, l.content_end);
		if (!p.directives_done) {
			int rc = try_directive(&p, l, text);
			if (rc < 0)
				return DFFIX_ENOMEM;
			if (rc == 1) {
				p.pos = l.end;
				continue;
			}
		}
		if (text >= l.content_end) {
			if (!new_node(&p, DFX_NODE_BLANK, l.start, l.end))
				return DFFIX_ENOMEM;
			p.pos = l.end;
			continue;
		}
		if (src[text] == '#') {
			if (!new_node(&p, DFX_NODE_COMMENT, l.start, l.end))
				return DFFIX_ENOMEM;
			p.pos = l.end;
			continue;
		}
		if ((error = parse_instruction(&p, l, text)) < 0)
			return error;
	}
	*first = p.first;
	*last = p.last;
	return p.failed ? DFFIX_EPARSE : 0;
}

int dfx_has_long_line(const char *text, size_t len)
{
	for (size_t ls = 0; ls < len;) {
		const char *nl = memchr(text + ls, '\n', len - ls);
		size_t le = nl ? (size_t)(nl - text) : len;
		if (le - ls > DFX_MAX_LINE)
			return 1;
		ls = le + 1;
	}
	return 0;
}
