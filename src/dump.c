/* dump.c - `dffix --dump`: the instructions as the builder sees them, in the
 * shape documented in the README (close to ../shared/oracle's dfdump). */
#include <string.h>

#include "cst.h"
#include "instr.h"
#include "json_out.h"

typedef struct dumper {
	dffix_buf *out;
	const dffix_doc *doc;
	dfx_arena scratch; /* for word splitting; the document stays const */
	int error;
	int first_item;
} dumper;

static void put(dumper *d, const char *s)
{
	if (!d->error)
		d->error = dffix_buf_puts(d->out, s);
}

static void put_str(dumper *d, const char *s, size_t len)
{
	if (!d->error)
		d->error = dfx_json_put_string(d->out, s, len);
}

static void item(dumper *d)
{
	if (!d->first_item)
		put(d, ",");
	d->first_item = 0;
}

static int is_blank_re(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* reWhitespace.Split(args, -1) */
static void put_ws_split(dumper *d, const char *s, dfx_span a)
{
	uint32_t p = a.start;
	while (p < a.end) {
		uint32_t w = p;
		while (p < a.end && !is_blank_re(s[p]))
			p++;
		item(d);
		put_str(d, s + w, p - w);
		if (p < a.end) {
			while (p < a.end && is_blank_re(s[p]))
				p++;
			if (p == a.end) {
				item(d);
				put_str(d, "", 0);
			}
		}
	}
}


static void put_words(dumper *d, const char *s, dfx_span a, int split_eq)
{
	dfx_span *w;
	size_t n;
	if (d->error || (d->error = dfx_instr_words(&w, &n, &d->scratch, s, a, d->doc->escape)) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *ws = s + w[i].start;
		size_t wl = w[i].end - w[i].start;
		const char *eq = split_eq ? memchr(ws, '=', wl) : NULL;
		item(d);
		if (!eq) {
			put_str(d, ws, wl);
			continue;
		}
		put_str(d, ws, (size_t)(eq - ws));
		item(d);
		put_str(d, eq + 1, wl - (size_t)(eq - ws) - 1);
	}
}

static void put_json_or_string(dumper *d, const dfx_instr *in, const char *s, dfx_span a, int list)
{
	if (in->json) {
		for (size_t i = 0; i < in->json_count; i++) {
			item(d);
			put_str(d, in->json_values[i], in->json_lengths[i]);
		}
	} else if (list) {
		put_ws_split(d, s, a);
	} else if (a.end > a.start) {
		item(d);
		put_str(d, s + a.start, a.end - a.start);
	}
}

static void put_args(dumper *d, const dfx_instr *in, const char *s)
{
	dfx_span a = in->args;
	switch (in->keyword) {
	case DFX_KW_FROM:
	case DFX_KW_EXPOSE:
		put_ws_split(d, s, a);
		break;
	case DFX_KW_ADD:
	case DFX_KW_COPY:
	case DFX_KW_VOLUME:
		put_json_or_string(d, in, s, a, 1);
		break;
	case DFX_KW_RUN:
	case DFX_KW_CMD:
	case DFX_KW_ENTRYPOINT:
	case DFX_KW_SHELL:
	case DFX_KW_MAINTAINER:
	case DFX_KW_STOPSIGNAL:
	case DFX_KW_USER:
	case DFX_KW_WORKDIR:
		put_json_or_string(d, in, s, a, 0);
		break;
	case DFX_KW_ARG:
		put_words(d, s, a, 0);
		break;
	case DFX_KW_ENV:
	case DFX_KW_LABEL: {
		dfx_span *w;
		size_t n;
		if (d->error || (d->error = dfx_instr_words(&w, &n, &d->scratch, s, a, d->doc->escape)) < 0)
			return;
		if (n && !memchr(s + w[0].start, '=', w[0].end - w[0].start)) {
			/* Old form: name, then the rest as written. */
			uint32_t p = a.start;
			while (p < a.end && !is_blank_re(s[p]))
				p++;
			item(d);
			put_str(d, s + a.start, p - a.start);
			while (p < a.end && is_blank_re(s[p]))
				p++;
			item(d);
			put_str(d, s + p, a.end - p);
		} else {
			put_words(d, s, a, 1);
		}
		break;
	}
	case DFX_KW_HEALTHCHECK: {
		uint32_t p = a.start;
		while (p < a.end && !dfx_is_space((unsigned char)s[p]))
			p++;
		if (p == a.start)
			break;
		item(d);
		put_str(d, s + a.start, p - a.start);
		while (p < a.end && dfx_is_space((unsigned char)s[p]))
			p++;
		put_json_or_string(d, in, s, (dfx_span){p, a.end}, 0);
		break;
	}
	default:
		break;
	}
}

static void put_instr(dumper *d, const dfx_instr *in, const dfx_node *n, int top)
{
	const char *s = n->logical;
	put(d, "{\"keyword\":");
	/* The keyword upper-cased as written (any length). */
	size_t kl = in->keyword_span.end - in->keyword_span.start;
	char *kw = dfx_arena_strndup(&d->scratch, s + in->keyword_span.start, kl);
	if (!kw) {
		d->error = DFFIX_ENOMEM;
		return;
	}
	for (size_t i = 0; i < kl; i++)
		if (kw[i] >= 'a' && kw[i] <= 'z')
			kw[i] = (char)(kw[i] - 32);
	put_str(d, kw, kl);
	if (top && !d->error) {
		uint32_t line, end_line, col;
		dfx_doc_position(d->doc, n->start, &line, &col);
		uint32_t last = n->end > n->start ? n->end - 1 : n->start;
		dfx_doc_position(d->doc, last, &end_line, &col);
		d->error = dffix_buf_printf(d->out, ",\"line\":%u,\"end_line\":%u", line, end_line);
	}
	put(d, ",\"flags\":[");
	d->first_item = 1;
	for (size_t i = 0; i < in->flag_count; i++) {
		item(d);
		put_str(d, in->flag_values[i], strlen(in->flag_values[i]));
	}
	put(d, "],\"json\":");
	put(d, in->json ? "true" : "false");
	put(d, ",\"args\":[");
	d->first_item = 1;
	put_args(d, in, s);
	put(d, "],\"heredocs\":[");
	/* An ONBUILD trigger's heredocs are shown on the trigger. */
	if (!top || in->keyword != DFX_KW_ONBUILD) {
		for (size_t i = 0; i < n->heredoc_count; i++) {
			const dfx_heredoc *h = &n->heredocs[i];
			if (i)
				put(d, ",");
			put(d, "{\"name\":");
			put_str(d, h->name, h->name_len);
			if (!d->error)
				d->error = dffix_buf_printf(d->out, ",\"fd\":%u,\"strip_tabs\":%s,\"expand\":%s,\"content\":",
							    h->fd, h->strip_tabs ? "true" : "false",
							    h->expand ? "true" : "false");
			put_str(d, n->src + h->body_start, h->body_end - h->body_start);
			put(d, "}");
		}
	}
	put(d, "]");
	if (in->sub) {
		put(d, ",\"onbuild\":");
		put_instr(d, in->sub, n, 0);
	}
	put(d, "}");
}

int dffix_doc_dump(dffix_buf *out, const dffix_doc *doc)
{
	dumper d;
	memset(&d, 0, sizeof(d));
	d.out = out;
	d.doc = doc;
	put(&d, "{\"escape\":");
	put_str(&d, &doc->escape, 1);
	put(&d, ",\"directives\":{");
	int first = 1;
	for (const dfx_node *n = doc->first; n; n = n->next) {
		if (n->kind != DFX_NODE_DIRECTIVE)
			continue;
		if (!first)
			put(&d, ",");
		first = 0;
		put_str(&d, n->directive_key, strlen(n->directive_key));
		put(&d, ":");
		put_str(&d, n->src + n->value_start, n->value_end - n->value_start);
	}
	put(&d, "},\n\"instructions\":[");
	first = 1;
	for (const dfx_node *n = doc->first; n; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION)
			continue;
		put(&d, first ? "\n " : ",\n ");
		first = 0;
		put_instr(&d, &n->instr, n, 1);
	}
	put(&d, "],\n\"diagnostics\":[");
	for (size_t i = 0; i < doc->diags.len; i++) {
		const dffix_diag *g = &doc->diags.items[i];
		static const char *const sev[] = {"error", "warning", "info", "style", "none"};
		put(&d, i ? ",\n " : "\n ");
		if (!d.error)
			d.error = dffix_buf_printf(out, "{\"line\":%u,\"column\":%u,\"severity\":\"%s\",\"message\":",
						   g->line, g->column, sev[g->severity]);
		put_str(&d, g->message, strlen(g->message));
		put(&d, "}");
	}
	put(&d, "]}\n");
	dfx_arena_dispose(&d.scratch);
	return d.error;
}
