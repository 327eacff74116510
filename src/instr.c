/* instr.c - BuildKit's reading of one logical line: keyword, flags, JSON or
 * shell form, and heredoc markers. See instr.h. */
#define _GNU_SOURCE /* memmem */
#include "instr.h"

#include <string.h>

#include "array.h"

static const char *const keyword_names[DFX_KW__COUNT] = {
	[DFX_KW_UNKNOWN] = "",
	[DFX_KW_ADD] = "ADD",
	[DFX_KW_ARG] = "ARG",
	[DFX_KW_CMD] = "CMD",
	[DFX_KW_COPY] = "COPY",
	[DFX_KW_ENTRYPOINT] = "ENTRYPOINT",
	[DFX_KW_ENV] = "ENV",
	[DFX_KW_EXPOSE] = "EXPOSE",
	[DFX_KW_FROM] = "FROM",
	[DFX_KW_HEALTHCHECK] = "HEALTHCHECK",
	[DFX_KW_LABEL] = "LABEL",
	[DFX_KW_MAINTAINER] = "MAINTAINER",
	[DFX_KW_ONBUILD] = "ONBUILD",
	[DFX_KW_RUN] = "RUN",
	[DFX_KW_SHELL] = "SHELL",
	[DFX_KW_STOPSIGNAL] = "STOPSIGNAL",
	[DFX_KW_USER] = "USER",
	[DFX_KW_VOLUME] = "VOLUME",
	[DFX_KW_WORKDIR] = "WORKDIR",
};

dfx_keyword dfx_keyword_lookup(const char *s, size_t len)
{
	for (int kw = 1; kw < DFX_KW__COUNT; kw++) {
		const char *name = keyword_names[kw];
		if (strlen(name) != len)
			continue;
		size_t i = 0;
		while (i < len && (s[i] == name[i] || s[i] == name[i] + ('a' - 'A')))
			i++;
		if (i == len)
			return (dfx_keyword)kw;
	}
	return DFX_KW_UNKNOWN;
}

const char *dfx_keyword_name(dfx_keyword kw)
{
	return (kw > 0 && kw < DFX_KW__COUNT) ? keyword_names[kw] : "";
}

/* Go's regexp class [\t\v\f\r ] used by reWhitespace. */
static int is_blank_re(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

int dfx_instr_nth_word(dfx_span *out, const char *logical, dfx_span args, int i)
{
	uint32_t p = args.start;
	for (int k = 0;; k++) {
		while (p < args.end && is_blank_re((unsigned char)logical[p]))
			p++;
		if (p >= args.end)
			return 0;
		uint32_t w = p;
		while (p < args.end && !is_blank_re((unsigned char)logical[p]))
			p++;
		if (k == i) {
			*out = (dfx_span){w, p};
			return 1;
		}
	}
}

/* Bytes of a Unicode space at p (ASCII, or NEL/NBSP in UTF-8), else 0. */
static size_t unicode_space_len(const char *p, const char *end)
{
	unsigned char c = (unsigned char)*p;
	if (dfx_is_space(c))
		return 1;
	if (c == 0xC2 && p + 1 < end && ((unsigned char)p[1] == 0x85 || (unsigned char)p[1] == 0xA0))
		return 2;
	return 0;
}

static dfx_span trim_span(const char *s, dfx_span sp)
{
	const char *end = s + sp.end;
	size_t n;
	while (sp.start < sp.end && (n = unicode_space_len(s + sp.start, end)) > 0)
		sp.start += (uint32_t)n;
	while (sp.start < sp.end) {
		unsigned char c = (unsigned char)s[sp.end - 1];
		if (dfx_is_space(c))
			sp.end--;
		else if (sp.end - sp.start >= 2 && (unsigned char)s[sp.end - 2] == 0xC2 && (c == 0x85 || c == 0xA0))
			sp.end -= 2;
		else
			break;
	}
	return sp;
}

/* Section - JSON (encoding/json's grammar, as json.Unmarshal into []any) */

typedef struct json_reader {
	const char *p, *end;
	int depth;
} json_reader;

static void json_ws(json_reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(const char *p, const char *end, unsigned *out)
{
	if (end - p < 4)
		return -1;
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		int h = hexval(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + (unsigned)h;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xC0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xE0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Reads a string at r->p (on the opening quote). When `decoded` is not NULL,
 * the value goes into the arena. Returns 0, or -1 on a syntax error. */
static int json_string(json_reader *r, dfx_arena *arena, const char **decoded, size_t *decoded_len)
{
	const char *start = ++r->p;
	int simple = 1;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			simple = 0;
			if (r->p + 1 >= r->end)
				return -1;
			char e = r->p[1];
			if (e == 'u') {
				unsigned v;
				if (read_hex4(r->p + 2, r->end, &v) < 0)
					return -1;
				r->p += 6;
				continue;
			}
			if (!strchr("\"\\/bfnrt", e))
				return -1;
			r->p += 2;
			continue;
		}
		r->p++;
	}
	if (r->p >= r->end)
		return -1;
	const char *stop = r->p++;
	if (!decoded)
		return 0;
	if (simple) {
		*decoded = dfx_arena_strndup(arena, start, (size_t)(stop - start));
		*decoded_len = (size_t)(stop - start);
		return *decoded ? 0 : -2;
	}
	char *o = dfx_arena_alloc(arena, (size_t)(stop - start) * 2 + 1);
	if (!o)
		return -2;
	size_t n = 0;
	for (const char *p = start; p < stop;) {
		if (*p != '\\') {
			o[n++] = *p++;
			continue;
		}
		char e = p[1];
		p += 2;
		switch (e) {
		case 'b': o[n++] = '\b'; break;
		case 'f': o[n++] = '\f'; break;
		case 'n': o[n++] = '\n'; break;
		case 'r': o[n++] = '\r'; break;
		case 't': o[n++] = '\t'; break;
		case 'u': {
			unsigned v = 0, lo;
			read_hex4(p, stop, &v);
			p += 4;
			if (v >= 0xD800 && v < 0xDC00 && stop - p >= 6 && p[0] == '\\' && p[1] == 'u' &&
			    read_hex4(p + 2, stop, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
				v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			} else if (v >= 0xD800 && v < 0xE000) {
				v = 0xFFFD; /* a lone surrogate decodes to U+FFFD in Go */
			}
			n += put_utf8(o + n, v);
			break;
		}
		default: o[n++] = e; break;
		}
	}
	o[n] = '\0';
	*decoded = o;
	*decoded_len = n;
	return 0;
}

static int json_value(json_reader *r);

static int json_number(json_reader *r)
{
	const char *p = r->p;
	if (p < r->end && *p == '-')
		p++;
	if (p >= r->end)
		return -1;
	if (*p == '0')
		p++;
	else if (*p >= '1' && *p <= '9')
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	else
		return -1;
	if (p < r->end && *p == '.') {
		p++;
		if (p >= r->end || *p < '0' || *p > '9')
			return -1;
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < r->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < r->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= r->end || *p < '0' || *p > '9')
			return -1;
		while (p < r->end && *p >= '0' && *p <= '9')
			p++;
	}
	r->p = p;
	return 0;
}

static int json_literal(json_reader *r, const char *word)
{
	size_t n = strlen(word);
	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return -1;
	r->p += n;
	return 0;
}

/* Go's decoder gives up past 10000 levels of nesting. */
#define JSON_MAX_DEPTH 10000

static int json_container(json_reader *r, char close)
{
	if (++r->depth > JSON_MAX_DEPTH)
		return -1;
	r->p++;
	json_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		json_ws(r);
		if (close == '}') {
			if (r->p >= r->end || *r->p != '"' || json_string(r, NULL, NULL, NULL) < 0)
				return -1;
			json_ws(r);
			if (r->p >= r->end || *r->p != ':')
				return -1;
			r->p++;
			json_ws(r);
		}
		if (json_value(r) < 0)
			return -1;
		json_ws(r);
		if (r->p >= r->end)
			return -1;
		if (*r->p == ',') {
			r->p++;
			continue;
		}
		if (*r->p == close) {
			r->p++;
			r->depth--;
			return 0;
		}
		return -1;
	}
}

static int json_value(json_reader *r)
{
	if (r->p >= r->end)
		return -1;
	switch (*r->p) {
	case '"': return json_string(r, NULL, NULL, NULL);
	case '[': return json_container(r, ']');
	case '{': return json_container(r, '}');
	case 't': return json_literal(r, "true");
	case 'f': return json_literal(r, "false");
	case 'n': return json_literal(r, "null");
	default: return json_number(r);
	}
}

int dfx_json_string_array(const char ***values, size_t **lengths, dfx_span **spans, size_t *count,
			  dfx_arena *arena, const char *text, size_t len)
{
	json_reader r = {text, text + len, 0};
	*values = NULL;
	*lengths = NULL;
	*spans = NULL;
	*count = 0;
	while (r.p < r.end && unicode_space_len(r.p, r.end))
		r.p += unicode_space_len(r.p, r.end);
	if (r.p >= r.end || *r.p != '[')
		return 0;
	/* First pass: validate the whole text as one JSON value (json.Unmarshal
	 * rejects trailing data) and count the elements. */
	const char *open = r.p;
	if (json_value(&r) < 0)
		return 0;
	json_ws(&r);
	if (r.p != r.end)
		return 0;
	/* Second pass: the elements, each of which must be a string. */
	size_t n = 0, cap = 0;
	const char **vals = NULL;
	size_t *lens = NULL;
	dfx_span *sp = NULL;
	r.p = open + 1;
	r.depth = 0;
	json_ws(&r);
	int non_string = 0;
	while (r.p < r.end && *r.p != ']') {
		const char *elem = r.p;
		if (*r.p == '"') {
			if (n == cap) {
				size_t ncap = cap ? cap * 2 : 8;
				const char **nv = dfx_arena_alloc(arena, ncap * sizeof(*nv));
				size_t *nl = dfx_arena_alloc(arena, ncap * sizeof(*nl));
				dfx_span *ns = dfx_arena_alloc(arena, ncap * sizeof(*ns));
				if (!nv || !nl || !ns)
					return DFFIX_ENOMEM;
				if (n) {
					memcpy(nv, vals, n * sizeof(*nv));
					memcpy(nl, lens, n * sizeof(*nl));
					memcpy(ns, sp, n * sizeof(*ns));
				}
				vals = nv;
				lens = nl;
				sp = ns;
				cap = ncap;
			}
			int rc = json_string(&r, arena, &vals[n], &lens[n]);
			if (rc == -2)
				return DFFIX_ENOMEM;
			sp[n].start = (uint32_t)(elem - text);
			sp[n].end = (uint32_t)(r.p - text);
			n++;
		} else {
			non_string = 1;
			json_value(&r);
		}
		json_ws(&r);
		if (r.p < r.end && *r.p == ',') {
			r.p++;
			json_ws(&r);
		}
	}
	if (non_string)
		return 2;
	*values = vals;
	*lengths = lens;
	*spans = sp;
	*count = n;
	return 1;
}

/* Section - splitCommand and extractBuilderFlags */

typedef DFX_ARRAY(dfx_span) span_array;

/* Parses `--flags` at the start of logical[start..end); sets *rest to where
 * the arguments begin. Mirrors extractBuilderFlags: a flag word may hold
 * quotes and backslash escapes; a lone `--` ends the flags. */
static int extract_flags(dfx_instr *out, dfx_arena *arena, const char *s, uint32_t start, uint32_t end,
			 uint32_t *rest)
{
	span_array spans = DFX_ARRAY_INIT;
	DFX_ARRAY(const char *) values = DFX_ARRAY_INIT;
	int error = 0;
	uint32_t pos = start;
	*rest = end;
	char *word = NULL; /* allocated at the first flag: most lines have none */
	for (;;) {
		while (pos < end && dfx_is_space((unsigned char)s[pos]))
			pos++;
		if (pos >= end) {
			*rest = end;
			break;
		}
		if (!(s[pos] == '-' && pos + 1 < end && s[pos + 1] == '-')) {
			*rest = pos;
			break;
		}
		uint32_t wstart = pos;
		size_t wn = 0;
		char quote = 0;
		if (!word && !(word = dfx_arena_alloc(arena, end - pos + 1))) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		while (pos < end) {
			char c = s[pos];
			if (!quote && dfx_is_space((unsigned char)c))
				break;
			if (!quote && (c == '\'' || c == '"')) {
				quote = c;
				pos++;
				continue;
			}
			if (quote && c == quote) {
				quote = 0;
				pos++;
				continue;
			}
			if (c == '\\') {
				if (pos + 1 == end) {
					pos++;
					continue;
				}
				pos++;
				c = s[pos];
			}
			word[wn++] = c;
			pos++;
		}
		if (wn == 2 && word[0] == '-' && word[1] == '-') {
			*rest = pos;
			break;
		}
		dfx_span sp = {wstart, pos};
		const char *val = dfx_arena_strndup(arena, word, wn);
		if (!val || DFX_ARRAY_PUSH(&spans, sp) < 0 || DFX_ARRAY_PUSH(&values, val) < 0) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
	}
	if (spans.len) {
		out->flags = dfx_arena_alloc(arena, spans.len * sizeof(dfx_span));
		out->flag_values = dfx_arena_alloc(arena, spans.len * sizeof(char *));
		if (!out->flags || !out->flag_values) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		memcpy(out->flags, spans.items, spans.len * sizeof(dfx_span));
		memcpy(out->flag_values, values.items, spans.len * sizeof(char *));
		out->flag_count = spans.len;
	}
cleanup:
	DFX_ARRAY_FREE(&spans);
	DFX_ARRAY_FREE(&values);
	return error;
}

int dfx_instr_words(dfx_span **out, size_t *count, dfx_arena *arena, const char *s, dfx_span range, char escape)
{
	span_array words = DFX_ARRAY_INIT;
	int error = 0;
	uint32_t pos = range.start, end = range.end;
	const char *e = s + end;
	for (;;) {
		size_t n;
		while (pos < end && (n = unicode_space_len(s + pos, e)) > 0)
			pos += (uint32_t)n;
		if (pos >= end)
			break;
		uint32_t wstart = pos;
		char quote = 0;
		while (pos < end) {
			char c = s[pos];
			if (!quote && unicode_space_len(s + pos, e))
				break;
			if (quote) {
				if (c == quote)
					quote = 0;
				else if (c == escape && quote != '\'' && pos + 1 < end)
					pos++;
				pos++;
				continue;
			}
			if (c == '\'' || c == '"')
				quote = c;
			else if (c == escape && pos + 1 < end)
				pos++;
			pos++;
		}
		dfx_span sp = {wstart, pos};
		/* parseWords drops an escape character at the very end. */
		if (pos == end && sp.end > sp.start && s[sp.end - 1] == escape && !quote &&
		    (sp.end - 1 == sp.start || s[sp.end - 2] != escape))
			sp.end--;
		if (sp.end > sp.start && DFX_ARRAY_PUSH(&words, sp) < 0) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
	}
	*out = NULL;
	*count = words.len;
	if (words.len) {
		*out = dfx_arena_alloc(arena, words.len * sizeof(dfx_span));
		if (!*out) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		memcpy(*out, words.items, words.len * sizeof(dfx_span));
	}
cleanup:
	DFX_ARRAY_FREE(&words);
	return error;
}

static int has_byte(const char *s, dfx_span sp, char c)
{
	return memchr(s + sp.start, c, sp.end - sp.start) != NULL;
}

/* parseNameVal's checks (ENV, LABEL): the only parse-time errors besides JSON. */
static int check_name_val(dfx_arena *arena, const char *s, dfx_span args, char escape, const char *key,
			  const char **err)
{
	dfx_span *words;
	size_t n;
	int error = dfx_instr_words(&words, &n, arena, s, args, escape);
	if (error < 0)
		return error;
	if (n == 0)
		return 0;
	if (!has_byte(s, words[0], '=')) {
		/* Old format: KEY name value. */
		uint32_t p = args.start;
		while (p < args.end && !is_blank_re((unsigned char)s[p]))
			p++;
		while (p < args.end && is_blank_re((unsigned char)s[p]))
			p++;
		if (p >= args.end) {
			*err = dfx_arena_printf(arena, "%s must have two arguments", key);
			return DFFIX_EPARSE;
		}
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		if (!has_byte(s, words[i], '=')) {
			*err = dfx_arena_printf(arena,
						"Syntax error - can't find = in \"%.*s\". Must be of the form: name=value",
						(int)(words[i].end - words[i].start), s + words[i].start);
			return DFFIX_EPARSE;
		}
	}
	return 0;
}

static int analyze_json(dfx_instr *out, dfx_arena *arena, const char *s, dfx_span args, const char **err)
{
	const char **values;
	size_t *lengths;
	dfx_span *spans;
	size_t n;
	int rc = dfx_json_string_array(&values, &lengths, &spans, &n, arena, s + args.start, args.end - args.start);
	if (rc == DFFIX_ENOMEM)
		return rc;
	if (rc == 2) {
		*err = "when using JSON array syntax, arrays must be comprised of strings only";
		return DFFIX_EPARSE;
	}
	if (rc == 1) {
		out->json = 1;
		out->json_values = values;
		out->json_lengths = lengths;
		out->json_strings = spans;
		out->json_count = n;
		for (size_t i = 0; i < n; i++) {
			spans[i].start += args.start;
			spans[i].end += args.start;
		}
	}
	return 0;
}

int dfx_instr_analyze(dfx_instr *out, dfx_arena *arena, const char *s, uint32_t start, uint32_t end, char escape,
		      const char **err)
{
	memset(out, 0, sizeof(*out));
	dfx_span line = trim_span(s, (dfx_span){start, end});
	uint32_t p = line.start;
	while (p < line.end && !is_blank_re((unsigned char)s[p]))
		p++;
	out->keyword_span = (dfx_span){line.start, p};
	out->keyword = dfx_keyword_lookup(s + line.start, p - line.start);
	while (p < line.end && is_blank_re((unsigned char)s[p]))
		p++;
	uint32_t rest = p;
	int error = 0;
	if (p < line.end && (error = extract_flags(out, arena, s, p, line.end, &rest)) < 0)
		return error;
	out->args = trim_span(s, (dfx_span){rest, line.end});
	if (out->args.start > out->args.end)
		out->args.start = out->args.end;
	dfx_span args = out->args;

	switch (out->keyword) {
	case DFX_KW_ADD:
	case DFX_KW_COPY:
	case DFX_KW_VOLUME:
	case DFX_KW_CMD:
	case DFX_KW_ENTRYPOINT:
	case DFX_KW_RUN:
	case DFX_KW_SHELL:
		if (args.end > args.start)
			return analyze_json(out, arena, s, args, err);
		return 0;
	case DFX_KW_HEALTHCHECK: {
		uint32_t q = args.start;
		while (q < args.end && !dfx_is_space((unsigned char)s[q]))
			q++;
		while (q < args.end && dfx_is_space((unsigned char)s[q]))
			q++;
		if (q < args.end)
			return analyze_json(out, arena, s, (dfx_span){q, args.end}, err);
		return 0;
	}
	case DFX_KW_ENV:
		return check_name_val(arena, s, args, escape, "ENV", err);
	case DFX_KW_LABEL:
		return check_name_val(arena, s, args, escape, "LABEL", err);
	case DFX_KW_ONBUILD: {
		if (args.end <= args.start)
			return 0;
		/* BuildKit refuses these triggers; refusing them here also bounds
		 * the recursion (ONBUILD ONBUILD ... 100,000 times). */
		uint32_t w = args.start;
		while (w < args.end && !is_blank_re((unsigned char)s[w]))
			w++;
		dfx_keyword trigger = dfx_keyword_lookup(s + args.start, w - args.start);
		if (trigger == DFX_KW_ONBUILD) {
			*err = "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed";
			return DFFIX_EPARSE;
		}
		if (trigger == DFX_KW_FROM || trigger == DFX_KW_MAINTAINER) {
			*err = trigger == DFX_KW_FROM ? "FROM isn't allowed as an ONBUILD trigger"
						      : "MAINTAINER isn't allowed as an ONBUILD trigger";
			return DFFIX_EPARSE;
		}
		out->sub = dfx_arena_alloc(arena, sizeof(dfx_instr));
		if (!out->sub)
			return DFFIX_ENOMEM;
		return dfx_instr_analyze(out->sub, arena, s, args.start, args.end, escape, err);
	}
	default:
		return 0;
	}
}

int dfx_instr_can_heredoc(const dfx_instr *instr)
{
	if (instr->keyword == DFX_KW_ONBUILD && instr->sub)
		instr = instr->sub;
	if (instr->keyword != DFX_KW_RUN && instr->keyword != DFX_KW_COPY && instr->keyword != DFX_KW_ADD)
		return 0;
	return !instr->json;
}

/* Section - heredoc markers (heredocsFromLine + ParseHeredoc) */

int dfx_instr_heredocs(dfx_heredoc **out, size_t *count, dfx_arena *arena, const char *s, uint32_t len)
{
	DFX_ARRAY(dfx_heredoc) docs = DFX_ARRAY_INIT;
	int error = 0;
	uint32_t pos = 0;
	*out = NULL;
	*count = 0;
	/* Most lines have no heredoc at all. */
	if (!memmem(s, len, "<<", 2))
		return 0;
	for (;;) {
		/* Words as BuildKit's shell lexer splits them with raw quotes and
		 * raw escapes: blanks outside quotes separate, `\` escapes. */
		while (pos < len && dfx_is_space((unsigned char)s[pos]))
			pos++;
		if (pos >= len)
			break;
		uint32_t ws = pos;
		char quote = 0;
		while (pos < len) {
			char c = s[pos];
			if (!quote && dfx_is_space((unsigned char)c))
				break;
			if (quote) {
				if (c == quote)
					quote = 0;
				else if (c == '\\' && quote == '"' && pos + 1 < len)
					pos++;
			} else if (c == '\'' || c == '"') {
				quote = c;
			} else if (c == '\\' && pos + 1 < len) {
				pos++;
			}
			pos++;
		}
		/* ^(\d*)<<(-?)([^<]*)$ */
		uint32_t p = ws, we = pos;
		unsigned fd = 0;
		while (p < we && s[p] >= '0' && s[p] <= '9') {
			if (fd < 100000)
				fd = fd * 10 + (unsigned)(s[p] - '0');
			p++;
		}
		if (we - p < 2 || s[p] != '<' || s[p + 1] != '<')
			continue;
		p += 2;
		int chomp = 0;
		if (p < we && s[p] == '-') {
			chomp = 1;
			p++;
		}
		if (p >= we || memchr(s + p, '<', we - p))
			continue;
		/* The delimiter: quotes removed, escapes processed; quoted means no expansion. */
		char *name = dfx_arena_alloc(arena, we - p + 1);
		if (!name) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		size_t n = 0;
		int quoted = 0;
		char q = 0;
		for (uint32_t i = p; i < we; i++) {
			char c = s[i];
			if (q) {
				if (c == q) {
					q = 0;
					continue;
				}
				if (q == '"' && c == '\\' && i + 1 < we) {
					name[n++] = s[++i];
					continue;
				}
				name[n++] = c;
			} else if (c == '\'' || c == '"') {
				q = c;
				quoted = 1;
			} else if (c == '\\' && i + 1 < we) {
				name[n++] = s[++i];
			} else {
				name[n++] = c;
			}
		}
		if (n == 0)
			continue;
		dfx_heredoc h;
		memset(&h, 0, sizeof(h));
		h.name = name;
		h.name_len = n;
		h.fd = fd;
		h.strip_tabs = chomp;
		h.expand = !quoted;
		h.marker = (dfx_span){ws, we};
		if (DFX_ARRAY_PUSH(&docs, h) < 0) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
	}
	if (docs.len) {
		*out = dfx_arena_alloc(arena, docs.len * sizeof(dfx_heredoc));
		if (!*out) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		memcpy(*out, docs.items, docs.len * sizeof(dfx_heredoc));
		*count = docs.len;
	}
cleanup:
	DFX_ARRAY_FREE(&docs);
	return error;
}
