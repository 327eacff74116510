/*
 * report.c - the renderers of report.h. One function per format writes one
 * diagnostic; begin/end write what surrounds them.
 */
#include "report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "cst.h"
#include "json_out.h"
#include "rules.h"

#define INFO_URI "https://github.com/dffix/dffix"
#define HELP_URI INFO_URI "/blob/main/docs/rules/"

int dfx_report_format_parse(dfx_report_format *out, const char *name)
{
	static const char *const names[] = {"text", "gnu", "json", "sarif", "checkstyle"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i])) {
			*out = (dfx_report_format)i;
			return 0;
		}
	return DFFIX_EINVAL;
}

/* What produced a finding: a rule or a pass (lint), a pass that refused, or the parser. */
static const char *kind_name(dffix_diag_kind kind)
{
	switch (kind) {
	case DFFIX_DIAG_SYNTAX: return "syntax";
	case DFFIX_DIAG_APPLIED: return "applied";
	case DFFIX_DIAG_REFUSED: return "refused";
	default: return "lint";
	}
}

static const char *diag_id(const dffix_diag *d)
{
	return d->rule_id && d->rule_id[0] ? d->rule_id : "DF000";
}

static const char *diag_name(const dffix_diag *d)
{
	return d->rule_name && d->rule_name[0] ? d->rule_name : "syntax";
}

static const char *sarif_level(dffix_severity sev)
{
	return sev == DFFIX_SEV_ERROR ? "error" : sev == DFFIX_SEV_WARNING ? "warning" : "note";
}

/* Section - XML */

/* Appends s with &<>"' escaped; bytes XML 1.0 forbids (controls, invalid
 * UTF-8) become U+FFFD. */
static int put_xml(dffix_buf *out, const char *s, size_t len)
{
	int error = 0;
	for (size_t i = 0; i < len && !error; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': error = dffix_buf_puts(out, "&amp;"); break;
		case '<': error = dffix_buf_puts(out, "&lt;"); break;
		case '>': error = dffix_buf_puts(out, "&gt;"); break;
		case '"': error = dffix_buf_puts(out, "&quot;"); break;
		case '\'': error = dffix_buf_puts(out, "&apos;"); break;
		case '\t': error = dffix_buf_puts(out, "&#9;"); break;
		case '\n': error = dffix_buf_puts(out, "&#10;"); break;
		case '\r': error = dffix_buf_puts(out, "&#13;"); break;
		default:
			if (c < 0x20 || c == 0x7f) {
				error = dffix_buf_puts(out, "\xEF\xBF\xBD");
			} else if (c >= 0x80) {
				size_t n = dfx_utf8_len((const unsigned char *)s + i, len - i);
				if (n) {
					error = dffix_buf_put(out, s + i, n);
					i += n - 1;
				} else {
					error = dffix_buf_puts(out, "\xEF\xBF\xBD");
				}
			} else {
				error = dffix_buf_put(out, s + i, 1);
			}
		}
	}
	return error;
}

static int put_xmls(dffix_buf *out, const char *s)
{
	return put_xml(out, s, strlen(s));
}

/* Section - SARIF */

/* A relative path stays relative; an absolute one becomes a file: URI.
 * Bytes outside RFC 3986's unreserved set and '/' are percent-encoded. */
static int put_uri(dffix_buf *out, const char *path)
{
	int error = dffix_buf_puts(out, "\"");
	if (!error && path[0] == '/')
		error = dffix_buf_puts(out, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p && !error; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
		    c == '_' || c == '~' || c == '/')
			error = dffix_buf_put(out, (const char *)p, 1);
		else
			error = dffix_buf_printf(out, "%%%02X", c);
	}
	return error ? error : dffix_buf_puts(out, "\"");
}

static int put_text_object(dffix_buf *out, const char *key, const char *text)
{
	int error = dffix_buf_printf(out, "\"%s\": {\"text\": ", key);
	if (!error)
		error = dfx_json_put_string(out, text, strlen(text));
	return error ? error : dffix_buf_puts(out, "}");
}

static int sarif_rules(dffix_buf *out)
{
	int error = 0;
	size_t n = dfx_rule_count();
	for (size_t i = 0; i < n && !error; i++) {
		dfx_rule r;
		dfx_rule_at(&r, i);
		char full[512];
		snprintf(full, sizeof(full), "%s (guideline %s; profile %s%s%s)", r.summary ? r.summary : "",
			 r.guideline, r.profile, r.fixable ? "; fixed by " : "", r.fixable ? r.fixable : "");
		error = dffix_buf_printf(out, "%s\n            {\"id\": \"%s\", \"name\": ", i ? "," : "", r.id);
		if (!error)
			error = dfx_json_put_string(out, r.name, strlen(r.name));
		if (!error)
			error = dffix_buf_puts(out, ", ");
		if (!error)
			error = put_text_object(out, "shortDescription", r.summary ? r.summary : r.name);
		if (!error)
			error = dffix_buf_puts(out, ", ");
		if (!error)
			error = put_text_object(out, "fullDescription", full);
		if (!error)
			error = dffix_buf_printf(out,
						 ", \"helpUri\": \"" HELP_URI "%s.md\", \"defaultConfiguration\": "
						 "{\"level\": \"%s\"}, \"properties\": {\"tags\": [\"%s\"",
						 r.id, sarif_level(r.severity), r.guideline);
		for (const char *const *a = r.aliases; a && *a && !error; a++) {
			error = dffix_buf_puts(out, ", ");
			if (!error)
				error = dfx_json_put_string(out, *a, strlen(*a));
		}
		if (!error && r.buildkit) {
			error = dffix_buf_puts(out, ", ");
			if (!error)
				error = dfx_json_put_string(out, r.buildkit, strlen(r.buildkit));
		}
		if (!error)
			error = dffix_buf_puts(out, "]}}");
	}
	return error;
}

/* Code points from the start of the line to `offset`, plus one. */
static uint32_t codepoint_column(const dffix_doc *doc, uint32_t offset, uint32_t byte_col)
{
	if (!doc || offset > doc->len || byte_col == 0 || byte_col - 1 > offset)
		return byte_col;
	uint32_t col = 1;
	for (uint32_t i = offset - (byte_col - 1); i < offset; i++)
		col += ((unsigned char)doc->src[i] & 0xC0) != 0x80;
	return col;
}

/* Section - one diagnostic per format */

static const char *color_of(dffix_severity sev)
{
	switch (sev) {
	case DFFIX_SEV_ERROR: return "\033[1;31m";
	case DFFIX_SEV_WARNING: return "\033[1;33m";
	case DFFIX_SEV_INFO: return "\033[1;36m";
	default: return "\033[1;35m";
	}
}

static int write_one(dfx_report *r, const char *path, const dffix_diag *d, const dffix_doc *doc)
{
	dffix_buf *out = r->out;
	const char *sev = dfx_severity_name(d->severity);
	int error = 0;
	switch (r->opts.format) {
	case DFX_REPORT_TEXT:
		if (r->opts.color)
			return dffix_buf_printf(out, "\033[1m%s:%u:%u:\033[0m %s%s:\033[0m %s \033[2m[%s %s]\033[0m\n", path,
						d->line, d->column, color_of(d->severity), sev, d->message, diag_id(d),
						diag_name(d));
		return dffix_buf_printf(out, "%s:%u:%u: %s: %s [%s %s]\n", path, d->line, d->column, sev, d->message,
					diag_id(d), diag_name(d));
	case DFX_REPORT_GNU:
		return dffix_buf_printf(out, "%s:%u:%u: %s: %s\n", path, d->line, d->column, sev, d->message);
	case DFX_REPORT_JSON:
		error = dffix_buf_puts(out, r->results ? ",\n  {\"file\": " : "\n  {\"file\": ");
		if (!error)
			error = dfx_json_put_string(out, path, strlen(path));
		if (!error)
			error = dffix_buf_printf(out,
						 ", \"line\": %u, \"column\": %u, \"end_line\": %u, \"end_column\": %u, "
						 "\"rule\": \"%s\", \"name\": ",
						 d->line, d->column, d->end_line, d->end_column, diag_id(d));
		if (!error)
			error = dfx_json_put_string(out, diag_name(d), strlen(diag_name(d)));
		if (!error)
			error = dffix_buf_printf(out, ", \"severity\": \"%s\", \"message\": ", sev);
		if (!error)
			error = dfx_json_put_string(out, d->message, strlen(d->message));
		if (!error)
			error = dffix_buf_printf(out, ", \"fixable\": %s, \"kind\": \"%s\"}", d->fixable ? "true" : "false",
						 kind_name(d->kind));
		return error;
	case DFX_REPORT_SARIF: {
		long index = dfx_rule_find(diag_id(d), strlen(diag_id(d)));
		error = dffix_buf_printf(out, "%s\n        {\"ruleId\": \"%s\", ", r->results ? "," : "", diag_id(d));
		if (!error && index >= 0)
			error = dffix_buf_printf(out, "\"ruleIndex\": %ld, ", index);
		if (!error)
			error = dffix_buf_printf(out, "\"level\": \"%s\", ", sarif_level(d->severity));
		if (!error)
			error = put_text_object(out, "message", d->message);
		if (!error)
			error = dffix_buf_puts(out, ", \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
		if (!error)
			error = put_uri(out, path);
		uint32_t sc = codepoint_column(doc, d->start, d->column);
		uint32_t ec = codepoint_column(doc, d->end, d->end_column);
		if (!error)
			error = dffix_buf_printf(out,
						 "}, \"region\": {\"startLine\": %u, \"startColumn\": %u, \"endLine\": %u, "
						 "\"endColumn\": %u}}}]}",
						 d->line, sc, d->end_line, ec);
		return error;
	}
	case DFX_REPORT_CHECKSTYLE:
		error = dffix_buf_printf(out, "    <error line=\"%u\" column=\"%u\" severity=\"%s\" message=\"", d->line,
					 d->column, d->severity == DFFIX_SEV_STYLE ? "info" : sev);
		if (!error)
			error = put_xmls(out, d->message);
		if (!error)
			error = dffix_buf_printf(out, "\" source=\"dffix.%s.", diag_id(d));
		if (!error)
			error = put_xmls(out, diag_name(d));
		return error ? error : dffix_buf_puts(out, "\"/>\n");
	}
	return 0;
}

/* Section - the stream */

int dfx_report_begin(dfx_report *r, dffix_buf *out, const dfx_report_options *opts)
{
	dfx_report_options defaults = DFX_REPORT_OPTIONS_INIT;
	memset(r, 0, sizeof(*r));
	r->out = out;
	r->opts = opts ? *opts : defaults;
	switch (r->opts.format) {
	case DFX_REPORT_JSON:
		return dffix_buf_puts(out, "[");
	case DFX_REPORT_SARIF: {
		int error = dffix_buf_puts(out, "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
						"  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
						"        \"driver\": {\n          \"name\": \"dffix\",\n"
						"          \"version\": \"" DFFIX_VERSION "\",\n"
						"          \"informationUri\": \"" INFO_URI "\",\n"
						"          \"rules\": [");
		if (!error)
			error = sarif_rules(out);
		if (!error)
			error = dffix_buf_puts(out, "\n          ]\n        }\n      },\n"
						    "      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [");
		return error;
	}
	case DFX_REPORT_CHECKSTYLE:
		return dffix_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n");
	default:
		return 0;
	}
}

static int wanted(const dfx_report *r, const dffix_diag *d)
{
	if (r->opts.kinds && !(r->opts.kinds & (1u << d->kind)))
		return 0;
	return d->severity <= r->opts.min_severity;
}

typedef struct sort_item {
	const dffix_diag *d;
	size_t index;
} sort_item;

static int by_position(const void *a, const void *b)
{
	const sort_item *x = a, *y = b;
	if (x->d->line != y->d->line)
		return x->d->line < y->d->line ? -1 : 1;
	if (x->d->column != y->d->column)
		return x->d->column < y->d->column ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static int add(dfx_report *r, const char *path, const dffix_diag *diags, size_t count, const dffix_doc *doc)
{
	int error = 0;
	if (r->opts.format == DFX_REPORT_CHECKSTYLE) {
		error = dffix_buf_puts(r->out, "  <file name=\"");
		if (!error)
			error = put_xmls(r->out, path);
		if (!error)
			error = dffix_buf_puts(r->out, "\">\n");
	}
	sort_item *items = count ? dfx_malloc(count * sizeof(sort_item)) : NULL;
	if (count && !items)
		return DFFIX_ENOMEM;
	size_t n = 0;
	for (size_t i = 0; i < count; i++)
		if (wanted(r, &diags[i]))
			items[n++] = (sort_item){&diags[i], i};
	if (n > 1)
		qsort(items, n, sizeof(sort_item), by_position);
	for (size_t i = 0; i < n && !error; i++) {
		error = write_one(r, path, items[i].d, doc);
		r->results++;
		if (items[i].d->severity <= DFFIX_SEV_STYLE)
			r->counts[items[i].d->severity]++;
	}
	dfx_free(items);
	if (!error && r->opts.format == DFX_REPORT_CHECKSTYLE)
		error = dffix_buf_puts(r->out, "  </file>\n");
	return error;
}

int dfx_report_add_file(dfx_report *r, const char *path, const dffix_doc *doc)
{
	return add(r, path, doc->diags.items, doc->diags.len, doc);
}

int dfx_report_add_diags(dfx_report *r, const char *path, const dffix_diag *diags, size_t count)
{
	return add(r, path, diags, count, NULL);
}

int dfx_report_end(dfx_report *r)
{
	switch (r->opts.format) {
	case DFX_REPORT_JSON:
		return dffix_buf_puts(r->out, r->results ? "\n]\n" : "]\n");
	case DFX_REPORT_SARIF:
		return dffix_buf_puts(r->out, r->results ? "\n      ]\n    }\n  ]\n}\n" : "]\n    }\n  ]\n}\n");
	case DFX_REPORT_CHECKSTYLE:
		return dffix_buf_puts(r->out, "</checkstyle>\n");
	default:
		return 0;
	}
}
