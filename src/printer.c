/*
 * printer.c - the formatter.
 *
 * Formatting must not change what the builder sees. BuildKit joins the
 * content lines of an instruction with no separator and keeps the blanks of
 * continuation lines, so the printer only touches white space it can prove
 * insignificant: "gaps". A gap is a run of blanks (possibly empty, possibly
 * spanning line breaks) between tokens where the builder or the shell splits
 * words anyway. Gaps between the keyword, flags and arguments, and between
 * JSON tokens, are collapsed to a fixed text; blanks between shell or list
 * words are kept as written. A line break that falls inside a gap may be
 * re-indented; any other break (inside a word, inside quotes, or in an
 * instruction whose argument is taken verbatim such as WORKDIR) keeps the
 * exact bytes on both sides.
 */
#include "printer.h"

#include <string.h>
#include <strings.h>

#include "array.h"
#include "instr.h"
#include "parser.h"
#include "stage.h"

typedef enum gap_mode { GAP_KEEP, GAP_COLLAPSE } gap_mode;

typedef struct gap {
	uint32_t start, end; /* blanks in logical text; start == end for an empty gap */
	gap_mode mode;
	const char *text;    /* GAP_COLLAPSE: the replacement */
} gap;

typedef DFX_ARRAY(gap) gap_array;
typedef DFX_ARRAY(dfx_span) span_array;

typedef struct fmt_ctx {
	const char *s; /* node->logical */
	uint32_t len;
	gap_array gaps;
	span_array upper; /* spans printed upper-case: keywords, AS, HEALTHCHECK CMD */
	int posix_shell; /* shell-form commands run in a POSIX shell */
	int error;
} fmt_ctx;

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static void add_gap(fmt_ctx *c, uint32_t start, uint32_t end, gap_mode mode, const char *text)
{
	if (c->error)
		return;
	gap g = {start, end, mode, text};
	if (DFX_ARRAY_PUSH(&c->gaps, g) < 0)
		c->error = DFFIX_ENOMEM;
}

static void add_upper(fmt_ctx *c, dfx_span sp)
{
	if (!c->error && DFX_ARRAY_PUSH(&c->upper, sp) < 0)
		c->error = DFFIX_ENOMEM;
}

/* A gap between two header tokens is collapsed only when it holds nothing
 * but blanks; otherwise (odd white space such as \v) it is left alone. */
static void header_gap(fmt_ctx *c, uint32_t from, uint32_t to)
{
	for (uint32_t i = from; i < to; i++)
		if (!is_blank(c->s[i]))
			return;
	add_gap(c, from, to, GAP_COLLAPSE, " ");
}

/* Blank runs outside quotes, `${...}` and backslash escapes, as the
 * oracle's shellWS sees a shell command. */
static void shell_gaps(fmt_ctx *c, dfx_span a)
{
	const char *s = c->s;
	uint32_t i = a.start;
	while (i < a.end) {
		char ch = s[i];
		if (is_blank(ch)) {
			uint32_t st = i;
			while (i < a.end && is_blank(s[i]))
				i++;
			add_gap(c, st, i, GAP_KEEP, NULL);
			continue;
		}
		if (ch == '\\') {
			i += 2;
		} else if (ch == '\'') {
			const char *q = memchr(s + i + 1, '\'', a.end - i - 1);
			if (!q)
				return;
			i = (uint32_t)(q - s) + 1;
		} else if (ch == '"') {
			uint32_t j = i + 1;
			while (j < a.end && s[j] != '"')
				j += s[j] == '\\' ? 2 : 1;
			if (j >= a.end)
				return;
			i = j + 1;
		} else if (ch == '$' && i + 1 < a.end && s[i + 1] == '{') {
			int depth = 0;
			uint32_t j = i + 1;
			for (; j < a.end; j++) {
				if (s[j] == '\\')
					j++;
				else if (s[j] == '{')
					depth++;
				else if (s[j] == '}' && --depth == 0)
					break;
			}
			if (j >= a.end)
				return;
			i = j + 1;
		} else {
			i++;
		}
	}
}

/* Blank runs between words that the builder splits on white space
 * (parseWords for ENV/LABEL/ARG honours quotes and the escape character). */
static void word_gaps(fmt_ctx *c, dfx_span a, char escape, int quotes)
{
	const char *s = c->s;
	uint32_t i = a.start;
	char quote = 0;
	while (i < a.end) {
		char ch = s[i];
		if (quote) {
			if (ch == quote)
				quote = 0;
			else if (ch == escape && quote != '\'')
				i++;
			i++;
			continue;
		}
		if (is_blank(ch)) {
			uint32_t st = i;
			while (i < a.end && is_blank(s[i]))
				i++;
			add_gap(c, st, i, GAP_KEEP, NULL);
			continue;
		}
		if (quotes && (ch == '\'' || ch == '"'))
			quote = ch;
		else if (quotes && ch == escape)
			i++;
		i++;
	}
}

static void json_gaps(fmt_ctx *c, const dfx_instr *in, dfx_span a)
{
	const char *s = c->s;
	uint32_t open = a.start;
	while (open < a.end && s[open] != '[')
		open++;
	uint32_t close = a.end;
	while (close > open && s[close - 1] != ']')
		close--;
	if (close <= open)
		return;
	close--; /* on ']' */
	uint32_t prev = open + 1;
	for (size_t i = 0; i < in->json_count; i++) {
		dfx_span str = in->json_strings[i];
		if (i == 0) {
			header_gap(c, prev, str.start);
			if (c->gaps.len && c->gaps.items[c->gaps.len - 1].start == prev)
				c->gaps.items[c->gaps.len - 1].text = "";
		} else {
			/* prev is the end of the previous string: blanks, ',', blanks. */
			uint32_t comma = prev;
			while (comma < str.start && s[comma] != ',')
				comma++;
			header_gap(c, prev, comma);
			if (c->gaps.len && c->gaps.items[c->gaps.len - 1].start == prev &&
			    c->gaps.items[c->gaps.len - 1].end == comma)
				c->gaps.items[c->gaps.len - 1].text = "";
			header_gap(c, comma + 1, str.start);
		}
		prev = str.end;
	}
	header_gap(c, prev, close);
	if (c->gaps.len && c->gaps.items[c->gaps.len - 1].start == prev && c->gaps.items[c->gaps.len - 1].end == close)
		c->gaps.items[c->gaps.len - 1].text = "";
}

/* The gaps of one instruction (or ONBUILD trigger) from its keyword on. */
static void instr_gaps(fmt_ctx *c, const dfx_instr *in, char escape)
{
	add_upper(c, in->keyword_span);
	uint32_t prev = in->keyword_span.end;
	for (size_t i = 0; i < in->flag_count; i++) {
		header_gap(c, prev, in->flags[i].start);
		prev = in->flags[i].end;
	}
	dfx_span a = in->args;
	if (a.end <= a.start)
		return;
	header_gap(c, prev, a.start);
	if (in->sub) {
		instr_gaps(c, in->sub, escape);
		return;
	}
	const char *s = c->s;
	/* Arguments that start with `[` but are not a JSON array could become
	 * one if white space inside them changed (a tab inside quotes is not
	 * valid JSON; spaces are): keep their bytes exactly. */
	if (!in->json && s[a.start] == '[')
		return;
	switch (in->keyword) {
	case DFX_KW_RUN:
	case DFX_KW_CMD:
	case DFX_KW_ENTRYPOINT:
	case DFX_KW_SHELL:
		if (in->json)
			json_gaps(c, in, a);
		else if (in->keyword != DFX_KW_SHELL && c->posix_shell)
			shell_gaps(c, a);
		break;
	case DFX_KW_HEALTHCHECK: {
		uint32_t p = a.start;
		while (p < a.end && !dfx_is_space((unsigned char)s[p]))
			p++;
		dfx_span type = {a.start, p};
		if (p - a.start == 3 && !strncasecmp(s + a.start, "cmd", 3))
			add_upper(c, type);
		else if (p - a.start == 4 && !strncasecmp(s + a.start, "none", 4))
			add_upper(c, type);
		uint32_t q = p;
		while (q < a.end && dfx_is_space((unsigned char)s[q]))
			q++;
		if (q >= a.end)
			break;
		header_gap(c, p, q);
		if (!in->json && s[q] == '[')
			break; /* as above: keep a would-be JSON array exact */
		if (in->json)
			json_gaps(c, in, (dfx_span){q, a.end});
		else if (c->posix_shell)
			shell_gaps(c, (dfx_span){q, a.end});
		break;
	}
	case DFX_KW_COPY:
	case DFX_KW_ADD:
	case DFX_KW_VOLUME:
		if (in->json)
			json_gaps(c, in, a);
		else
			word_gaps(c, a, escape, 0);
		break;
	case DFX_KW_EXPOSE:
		word_gaps(c, a, escape, 0);
		break;
	case DFX_KW_FROM: {
		/* FROM image [AS name]: words split on blanks; `AS` upper-cased. */
		size_t before = c->gaps.len;
		word_gaps(c, a, escape, 0);
		for (size_t i = before; i < c->gaps.len; i++) {
			c->gaps.items[i].mode = GAP_COLLAPSE;
			c->gaps.items[i].text = " ";
		}
		if (c->gaps.len - before == 2) {
			dfx_span as = {c->gaps.items[before].end, c->gaps.items[before + 1].start};
			if (as.end - as.start == 2 && !strncasecmp(s + as.start, "as", 2))
				add_upper(c, as);
		}
		break;
	}
	case DFX_KW_ARG:
		word_gaps(c, a, escape, 1);
		break;
	case DFX_KW_ENV:
	case DFX_KW_LABEL: {
		/* Only the name=value form splits on blanks; the old form keeps
		 * its value verbatim. */
		uint32_t p = a.start;
		int has_eq = 0;
		while (p < a.end && !dfx_is_space((unsigned char)s[p])) {
			if (s[p] == '=')
				has_eq = 1;
			p++;
		}
		if (has_eq)
			word_gaps(c, a, escape, 1);
		break;
	}
	default:
		break;
	}
}

static int cmp_gap(const void *a, const void *b)
{
	const gap *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start ? 1 : 0;
}

/* The gap that contains logical offset p (start <= p <= end), or NULL. */
static const gap *gap_at(const fmt_ctx *c, uint32_t p)
{
	size_t lo = 0, hi = c->gaps.len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->gaps.items[mid].end < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < c->gaps.len && c->gaps.items[i].start <= p; i++)
		if (c->gaps.items[i].end >= p)
			return &c->gaps.items[i];
	return NULL;
}

typedef struct emitter {
	dffix_buf *out;
	size_t line_start; /* offset in out where the current output line began */
	int error;
} emitter;

static void emit(emitter *e, const char *s, size_t n)
{
	if (!e->error && n)
		e->error = dffix_buf_put(e->out, s, n);
}

static void emit_eol(emitter *e, const char *eol)
{
	emit(e, eol, strlen(eol));
	if (!e->error)
		e->line_start = e->out->size;
}

static void trim_line(emitter *e)
{
	if (e->error)
		return;
	while (e->out->size > e->line_start && is_blank(e->out->ptr[e->out->size - 1]))
		e->out->size--;
	e->out->ptr[e->out->size] = '\0';
}

/* Emits logical[from..to) as is, upper-casing the bytes inside `upper` spans. */
static void emit_run(emitter *e, const fmt_ctx *c, uint32_t from, uint32_t to)
{
	if (e->error || to <= from)
		return;
	size_t at = e->out->size;
	emit(e, c->s + from, to - from);
	if (e->error)
		return;
	for (size_t k = 0; k < c->upper.len; k++) {
		dfx_span u = c->upper.items[k];
		uint32_t a = u.start > from ? u.start : from, b = u.end < to ? u.end : to;
		for (uint32_t p = a; p < b; p++) {
			char *ch = &e->out->ptr[at + (p - from)];
			if (*ch >= 'a' && *ch <= 'z')
				*ch = (char)(*ch - 32);
		}
	}
}

/* The index of the first gap whose end is at or after p. */
static size_t first_gap_from(const fmt_ctx *c, uint32_t p)
{
	size_t lo = 0, hi = c->gaps.len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (c->gaps.items[mid].end < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Emits logical[from..to) applying the gaps: collapse gaps become their
 * text, keep gaps stay, and the blanks of a gap that touches a re-indented
 * break (brk_before / brk_after, when has_*) are dropped. Walks the sorted
 * gaps with a cursor and copies the text between them in runs. */
static void emit_piece(emitter *e, const fmt_ctx *c, uint32_t from, uint32_t to, uint32_t brk_before,
		       uint32_t brk_after, int has_before, int has_after)
{
	const gap *gaps = c->gaps.items;
	size_t n = c->gaps.len, gi = first_gap_from(c, from);
	uint32_t i = from;
	while (i < to && !e->error) {
		while (gi < n && (gaps[gi].end < i || (gaps[gi].end == i && gaps[gi].start < i)))
			gi++;
		const gap *g = gi < n ? &gaps[gi] : NULL;
		if (g && g->start <= i && i < g->end) {
			uint32_t gend = g->end < to ? g->end : to;
			int touches_break = (has_before && g->start <= brk_before && brk_before <= g->end) ||
					    (has_after && g->start <= brk_after && brk_after <= g->end);
			if (touches_break) {
				/* Blanks at a re-indented break are dropped. */
			} else if (g->mode == GAP_COLLAPSE) {
				emit(e, g->text, strlen(g->text));
			} else {
				emit(e, c->s + i, gend - i);
			}
			i = gend;
			continue;
		}
		if (g && g->start == i && g->end == i) {
			/* An empty gap here (between JSON tokens written with no blank)
			 * still gets its replacement, except right after a break. */
			if (g->mode == GAP_COLLAPSE && g->text[0] && i != from)
				emit(e, g->text, strlen(g->text));
			gi++;
			continue;
		}
		uint32_t stop = (g && g->start < to) ? g->start : to;
		emit_run(e, c, i, stop);
		i = stop;
	}
}

int dfx_print_instruction(dffix_buf *out, const dffix_doc *doc, const dfx_node *node, const char *eol,
			  const char *indent, int posix_shell)
{
	fmt_ctx c;
	memset(&c, 0, sizeof(c));
	c.posix_shell = posix_shell;
	c.s = node->logical;
	c.len = (uint32_t)node->logical_len;
	instr_gaps(&c, &node->instr, doc->escape);
	if (c.error)
		goto done;
	if (c.gaps.len > 1)
		qsort(c.gaps.items, c.gaps.len, sizeof(gap), cmp_gap);

	emitter e = {out, out->size, 0};
	char esc = doc->escape;
	int boundary_prev = 0;  /* the previous break was re-indented */
	int have_prev = 0;      /* a content line came before */
	uint32_t prev_brk = 0;
	for (size_t si = 0; si < node->segment_count && !e.error; si++) {
		const dfx_segment *sg = &node->segments[si];
		if (sg->kind == DFX_SEG_EMPTY)
			continue; /* the builder skips them; BuildKit warns */
		if (sg->kind == DFX_SEG_COMMENT) {
			emit(&e, indent, strlen(indent));
			uint32_t te = sg->text_end;
			while (te > sg->text_start && dfx_is_space((unsigned char)node->src[te - 1]))
				te--;
			emit(&e, node->src + sg->text_start, te - sg->text_start);
			emit_eol(&e, eol);
			continue;
		}
		uint32_t from = sg->logical_start;
		uint32_t to = from + (sg->text_end - sg->text_start);
		if (have_prev && boundary_prev) {
			emit(&e, indent, strlen(indent));
			/* Skip the blanks of the gap the break fell in. */
			const gap *g = gap_at(&c, from);
			if (g && g->start <= from && g->end > from)
				from = g->end < to ? g->end : to;
		}
		emit_piece(&e, &c, from, to, prev_brk, to, have_prev && boundary_prev, sg->continues);
		if (sg->continues) {
			const gap *g = gap_at(&c, to);
			int boundary = g != NULL;
			if (boundary) {
				trim_line(&e);
				if (!e.error && e.out->size > e.line_start)
					emit(&e, " ", 1);
			}
			emit(&e, &esc, 1);
			emit_eol(&e, eol);
			boundary_prev = boundary;
			prev_brk = to;
		} else {
			/* The builder trims all white space (\r, \v, \f too) at the end of
			 * the logical line; so may we, unless that would leave the escape
			 * character last and turn the line into a continuation. */
			size_t keep = e.out->size;
			while (!e.error && e.out->size > e.line_start && dfx_is_space((unsigned char)e.out->ptr[e.out->size - 1]))
				e.out->size--;
			size_t n = e.out->size - e.line_start;
			if (!e.error && n < keep - e.line_start && n >= 1) { /* n >= 1: ptr is not NULL */
				const char *t = e.out->ptr + e.line_start;
				if (t[n - 1] == esc && !(n >= 2 && t[n - 2] == esc))
					e.out->size = keep;
			}
			if (!e.error)
				e.out->ptr[e.out->size] = '\0';
			emit_eol(&e, eol);
		}
		have_prev = 1;
	}
	c.error = e.error;
done:
	DFX_ARRAY_FREE(&c.gaps);
	DFX_ARRAY_FREE(&c.upper);
	return c.error;
}

/* Section - documents */

/* 1 when `n` begins the block of a FROM: the FROM itself, or the first of
 * the comment lines directly above it. */
static int starts_from_block(const dfx_node *n)
{
	if (n->kind == DFX_NODE_INSTRUCTION)
		return n->instr.keyword == DFX_KW_FROM && !(n->prev && n->prev->kind == DFX_NODE_COMMENT);
	if (n->kind != DFX_NODE_COMMENT || (n->prev && n->prev->kind == DFX_NODE_COMMENT))
		return 0;
	for (const dfx_node *m = n; m; m = m->next) {
		if (m->kind == DFX_NODE_COMMENT)
			continue;
		return m->kind == DFX_NODE_INSTRUCTION && m->instr.keyword == DFX_KW_FROM;
	}
	return 0;
}

/* 1 when a comment line would be read as a parser directive if it came
 * first: `# syntax=`, `# escape=`, `# check=` in any case. */
static int looks_like_directive(const dfx_node *n)
{
	const char *p = n->src + n->start, *end = n->src + n->end;
	/* The builder trims Unicode white space (NBSP and NEL too) first. */
	while (p < end) {
		if (dfx_is_space((unsigned char)*p))
			p++;
		else if ((unsigned char)p[0] == 0xC2 && p + 1 < end &&
			 ((unsigned char)p[1] == 0xA0 || (unsigned char)p[1] == 0x85))
			p += 2;
		else
			break;
	}
	if (p >= end || *p++ != '#')
		return 0;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\f' || *p == '\r'))
		p++;
	static const char *const keys[] = {"syntax", "escape", "check"};
	for (size_t i = 0; i < 3; i++) {
		size_t k = strlen(keys[i]);
		if ((size_t)(end - p) > k && !strncasecmp(p, keys[i], k)) {
			const char *q = p + k;
			while (q < end && (*q == ' ' || *q == '\t'))
				q++;
			if (q < end && *q == '=')
				return 1;
		}
	}
	return 0;
}

/* 1 when the node's first bytes are a UTF-8 byte order mark, which the
 * builder strips only at the very start of the file. */
static int starts_with_bom(const dfx_node *n)
{
	return n->end - n->start >= 3 && !memcmp(n->src + n->start, "\xEF\xBB\xBF", 3);
}

/* Prints src[start..end) as written, except that each line's ending
 * (\n with any \r before it, which the builder strips anyway) becomes `eol`,
 * so a file's line endings stay uniform and formatting twice cannot flip the
 * majority. Sets *open when the last line has no ending. */
static void emit_verbatim(emitter *e, const char *src, uint32_t start, uint32_t end, const char *eol, int *open)
{
	uint32_t p = start;
	*open = 0;
	while (p < end && !e->error) {
		const char *nl = memchr(src + p, '\n', end - p);
		if (!nl) {
			/* The last line: trailing \r goes too (the builder strips it, and
			 * it would pair with the line ending added after it). */
			uint32_t ce = end;
			while (ce > p && src[ce - 1] == '\r')
				ce--;
			emit(e, src + p, ce - p);
			*open = 1;
			return;
		}
		uint32_t ce = (uint32_t)(nl - src);
		while (ce > p && src[ce - 1] == '\r')
			ce--;
		emit(e, src + p, ce - p);
		emit_eol(e, eol);
		p = (uint32_t)(nl - src) + 1;
	}
}

/* Unknown instructions are kept exactly as written. */
static int is_unknown(const dfx_node *n)
{
	return n->instr.keyword == DFX_KW_UNKNOWN ||
	       (n->instr.keyword == DFX_KW_ONBUILD && n->instr.sub && n->instr.sub->keyword == DFX_KW_UNKNOWN);
}

static int ends_with_eol(const dfx_node *n)
{
	uint32_t end = n->end;
	return end > n->start && n->src[end - 1] == '\n';
}

int dffix_doc_format(dffix_buf *out, const dffix_doc *doc, const dffix_options *opts)
{
	dffix_options defaults = DFFIX_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != DFFIX_OPTIONS_VERSION)
		return DFFIX_EINVAL;
	if (doc->fatal)
		return dffix_doc_reprint(out, doc);
	const char *eol = opts->eol == 1 ? "\n" : opts->eol == 2 ? "\r\n" : doc->crlf ? "\r\n" : "\n";
	char indent[65];
	if (opts->indent <= 0) {
		strcpy(indent, "\t");
	} else {
		int n = opts->indent > 64 ? 64 : opts->indent;
		memset(indent, ' ', (size_t)n);
		indent[n] = '\0';
	}
	emitter e = {out, out->size, 0};
	if (doc->has_bom)
		emit(&e, doc->src, 3);
	int printed = 0;      /* something was printed */
	int pending_blank = 0;
	int seen_from = 0;
	int open_line = 0;    /* the last node printed ended without a line ending */
	/* With the backtick escape (Windows images) or a non-POSIX SHELL, blanks
	 * in shell-form commands may matter (cmd.exe's echo keeps them), so
	 * their line breaks keep exact bytes. */
	int posix_shell = doc->escape == '\\';
	for (const dfx_node *n = doc->first; n && !e.error; n = n->next) {
		if (n->kind == DFX_NODE_BLANK) {
			if (n->prev && !ends_with_eol(n->prev)) {
				/* A pass appended after a last line that had no line ending:
				 * this blank line only ends that line. */
				if (open_line)
					emit_eol(&e, eol);
				open_line = 0;
			} else if (printed) {
				pending_blank = 1;
			}
			continue;
		}
		if (starts_from_block(n)) {
			if (seen_from)
				pending_blank = 1;
		}
		if (n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_FROM) {
			seen_from = 1;
			posix_shell = doc->escape == '\\';
		}
		if (n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_SHELL)
			posix_shell = doc->escape == '\\' && dfx_shell_is_posix(&n->instr);
		if (open_line)
			emit_eol(&e, eol);
		if (pending_blank && printed)
			emit_eol(&e, eol);
		/* A comment that only escaped being a directive because blank lines
		 * came first must keep one, or it would become a directive. */
		if (!printed && n->prev && !doc->has_bom &&
		    ((n->kind == DFX_NODE_COMMENT && looks_like_directive(n)) || starts_with_bom(n)))
			emit_eol(&e, eol);
		pending_blank = 0;
		open_line = 0;
		switch (n->kind) {
		case DFX_NODE_DIRECTIVE:
		case DFX_NODE_ERROR:
			emit_verbatim(&e, n->src, n->start, n->body_end > n->start && n->heredoc_count
								   ? n->heredocs[0].body_start
								   : n->end,
				      eol, &open_line);
			if (n->heredoc_count) {
				uint32_t bs = n->heredocs[0].body_start;
				emit(&e, n->src + bs, n->end - bs);
				open_line = !ends_with_eol(n);
			}
			break;
		case DFX_NODE_COMMENT: {
			uint32_t s = n->start, t = n->end;
			while (s < t && dfx_is_space((unsigned char)n->src[s]))
				s++;
			while (t > s && dfx_is_space((unsigned char)n->src[t - 1]))
				t--;
			emit(&e, n->src + s, t - s);
			emit_eol(&e, eol);
			break;
		}
		case DFX_NODE_INSTRUCTION: {
			/* Keywords split across lines are too odd to reformat safely. */
			const dfx_segment *first = &n->segments[0];
			int verbatim = n->instr.keyword_span.end > first->text_end - first->text_start || is_unknown(n);
			if (!verbatim) {
				size_t before = out->size;
				if (!e.error)
					e.error = dfx_print_instruction(out, doc, n, eol, indent, posix_shell);
				/* Spacing added to a line near the builder's limit (a long
				 * JSON array gets `, `) must not push it over: keep it as is. */
				verbatim = !e.error && dfx_has_long_line(out->ptr + before, out->size - before);
				if (verbatim) {
					out->size = before;
					out->ptr[before] = '\0';
				}
			}
			if (verbatim) {
				uint32_t bs = n->heredoc_count ? n->heredocs[0].body_start : n->end;
				emit_verbatim(&e, n->src, n->start, bs, eol, &open_line);
				if (n->heredoc_count) {
					emit(&e, n->src + bs, n->end - bs);
					open_line = !ends_with_eol(n);
				}
				break;
			}
			e.line_start = out->size;
			if (n->heredoc_count) {
				/* Bodies and terminators are printed exactly as written. */
				uint32_t bs = n->heredocs[0].body_start;
				emit(&e, n->src + bs, n->end - bs);
				open_line = !ends_with_eol(n);
			}
			break;
		}
		case DFX_NODE_BLANK:
			break;
		}
		printed = 1;
	}
	if (open_line && opts->final_newline)
		emit_eol(&e, eol);
	/* insert_final_newline = false: keep a missing final newline missing. */
	if (!e.error && !opts->final_newline && !doc->final_newline) {
		size_t n = strlen(eol);
		if (out->size >= n && !memcmp(out->ptr + out->size - n, eol, n)) {
			out->size -= n;
			out->ptr[out->size] = '\0';
		}
	}
	return e.error;
}
