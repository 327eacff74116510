/*
 * rules_buildkit.c - BuildKit's build checks (`docker build --check`) and the
 * instruction/flag validity the builder enforces, reported with BuildKit's
 * wording so that users recognise them:
 *
 *   from Alpine as Build       DF001 (from/as casing vs. the majority), DF002, DF003
 *   FROM a AS x / FROM b AS x  DF004 duplicate stage name
 *   RUN a \ <empty> b          DF006 empty continuation line
 *   FROM ${UNDECLARED}         DF007
 *   WORKDIR app                DF008 (no absolute WORKDIR before it)
 *   EXPOSE 80/TCP 8080:80      DF009, DF010
 *   FOO bar / COPY --chwon=x   DF011, DF012
 *   CMD a / CMD b              DF013 (only the last one counts)
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "instr.h"
#include "rules.h"

static int is_lower(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return 0;
	return 1;
}

static int is_upper(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			return 0;
	return 1;
}

#define SPAN_ARGS(node, sp) (int)((sp).end - (sp).start), (node)->logical + (sp).start

DFX_CHECK(dfx_check_instruction_casing)
{
	size_t lower = 0, upper = 0;
	for (const dfx_node *n = ctx->doc->first; n; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 0);
		if (!in || in->keyword == DFX_KW_UNKNOWN)
			continue;
		const char *k = n->logical + in->keyword_span.start;
		size_t len = in->keyword_span.end - in->keyword_span.start;
		if (is_lower(k, len))
			lower++;
		else if (is_upper(k, len))
			upper++;
	}
	int majority_lower = lower > upper;
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 0);
		if (!in || in->keyword == DFX_KW_UNKNOWN)
			continue;
		const char *k = n->logical + in->keyword_span.start;
		size_t len = in->keyword_span.end - in->keyword_span.start;
		if (majority_lower ? is_lower(k, len) : is_upper(k, len))
			continue;
		error = dfx_rule_report(ctx, self, n, dfx_node_logical_to_src(n, in->keyword_span.start),
					dfx_node_logical_to_src(n, in->keyword_span.end), 1,
					"Command '%.*s' should match the case of the command majority (%s)", (int)len, k,
					majority_lower ? "lowercase" : "uppercase");
	}
	return error;
}

DFX_CHECK(dfx_check_from_as_casing)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_node *n = ctx->stages.items[i].from;
		const dfx_instr *in = &n->instr;
		dfx_span as;
		if (!dfx_instr_nth_word(&as, n->logical, in->args, 1) || !dfx_span_eq(n->logical + as.start, 2, "as") ||
		    as.end - as.start != 2)
			continue;
		const char *k = n->logical + in->keyword_span.start;
		size_t klen = in->keyword_span.end - in->keyword_span.start;
		const char *a = n->logical + as.start;
		int bad;
		if (is_lower(k, klen))
			bad = !is_lower(a, 2);
		else if (is_upper(k, klen))
			bad = !is_upper(a, 2);
		else
			continue; /* FROM itself is mixed: DF001 says so */
		if (bad)
			error = dfx_rule_report(ctx, self, n, dfx_node_logical_to_src(n, as.start),
						dfx_node_logical_to_src(n, as.end), 1,
						"'%.*s' and '%.*s' keywords' casing do not match", SPAN_ARGS(n, as),
						(int)klen, k);
	}
	return error;
}

/* The stage name word as written, or 0. */
static int stage_name_span(const dfx_node *from, dfx_span *name)
{
	dfx_span as;
	return dfx_instr_nth_word(&as, from->logical, from->instr.args, 1) && as.end - as.start == 2 &&
	       dfx_span_eq(from->logical + as.start, 2, "as") &&
	       dfx_instr_nth_word(name, from->logical, from->instr.args, 2);
}

DFX_CHECK(dfx_check_stage_name_casing)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_node *n = ctx->stages.items[i].from;
		dfx_span name;
		if (stage_name_span(n, &name) && !is_lower(n->logical + name.start, name.end - name.start))
			error = dfx_rule_report_span(ctx, self, n, name, "Stage name '%.*s' should be lowercase",
						     SPAN_ARGS(n, name));
	}
	return error;
}

DFX_CHECK(dfx_check_duplicate_stage_name)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->name)
			continue;
		/* The name table keeps the first stage of each name. */
		const dfx_stage *first = dfx_stages_lookup(&ctx->stages, st->name, strlen(st->name));
		if (first && first->index < i) {
			dfx_span name;
			stage_name_span(st->from, &name);
			error = dfx_rule_report_span(ctx, self, st->from, name,
						     "Duplicate stage name \"%s\", stage names should be unique",
						     st->name);
		}
	}
	return error;
}

DFX_CHECK(dfx_check_reserved_stage_name)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->name || (strcmp(st->name, "scratch") && strcmp(st->name, "context")))
			continue;
		dfx_span name;
		stage_name_span(st->from, &name);
		error = dfx_rule_report_span(ctx, self, st->from, name,
					     "Stage name should not use the same name as reserved stage \"%s\"", st->name);
	}
	return error;
}

DFX_CHECK(dfx_check_empty_continuation)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION)
			continue;
		for (size_t i = 0; i < n->segment_count; i++) {
			const dfx_segment *sg = &n->segments[i];
			if (sg->kind != DFX_SEG_EMPTY)
				continue;
			/* An empty line only counts when content follows it. */
			int more = 0;
			for (size_t j = i + 1; j < n->segment_count; j++)
				more |= n->segments[j].kind == DFX_SEG_CONTENT;
			if (more)
				error = dfx_rule_report(ctx, self, n, sg->start, sg->eol_start, 1, "Empty continuation line");
			break;
		}
	}
	return error;
}

/* Section - FROM arguments */

static int predefined_arg(const char *s, size_t n)
{
	static const char *const names[] = {"BUILDPLATFORM", "BUILDOS",  "BUILDARCH",  "BUILDVARIANT",
					    "TARGETPLATFORM", "TARGETOS", "TARGETARCH", "TARGETVARIANT", NULL};
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !memcmp(names[i], s, n))
			return 1;
	return 0;
}

typedef struct arg_names {
	const char *s[256];
	size_t n[256];
	size_t count;
} arg_names;

static void collect_global_args(dfx_rule_ctx *ctx, arg_names *out)
{
	out->count = 0;
	for (const dfx_node *n = ctx->doc->first; n; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 0);
		if (!in)
			continue;
		if (in->keyword == DFX_KW_FROM)
			break;
		if (in->keyword != DFX_KW_ARG)
			continue;
		dfx_span w;
		for (int i = 0; dfx_instr_nth_word(&w, n->logical, in->args, i) && out->count < 256; i++) {
			const char *eq = memchr(n->logical + w.start, '=', w.end - w.start);
			out->s[out->count] = n->logical + w.start;
			out->n[out->count++] = eq ? (size_t)(eq - (n->logical + w.start)) : w.end - w.start;
		}
	}
}

static int is_name_char(char c, int first)
{
	return c == '_' || isalpha((unsigned char)c) || (!first && isdigit((unsigned char)c));
}

/* Reports the undeclared variables of logical[sp]. */
static int check_vars(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_node *n, dfx_span sp, const arg_names *args)
{
	const char *s = n->logical;
	for (uint32_t p = sp.start; p < sp.end; p++) {
		if (s[p] == '\\') {
			p++;
			continue;
		}
		if (s[p] != '$' || p + 1 >= sp.end)
			continue;
		uint32_t q = p + 1, name, end;
		int braced = s[q] == '{';
		if (braced)
			q++;
		name = q;
		while (q < sp.end && is_name_char(s[q], q == name))
			q++;
		end = q;
		if (end == name)
			continue;
		/* ${X:-default} and friends have a fallback: not reported. */
		if (braced && (q >= sp.end || s[q] != '}'))
			continue;
		if (predefined_arg(s + name, end - name))
			continue;
		int found = 0;
		const char *suggest = NULL;
		size_t suggest_len = 0;
		for (size_t i = 0; i < args->count && !found; i++) {
			if (args->n[i] == end - name && !memcmp(args->s[i], s + name, end - name))
				found = 1;
			else if (args->n[i] == end - name && !strncasecmp(args->s[i], s + name, end - name)) {
				suggest = args->s[i];
				suggest_len = args->n[i];
			}
		}
		if (found)
			continue;
		dfx_span at = {p, braced ? q + 1 : end};
		int error = suggest ? dfx_rule_report_span(ctx, self, n, at,
							   "FROM argument '%.*s' is not declared (did you mean %.*s?)",
							   (int)(end - name), s + name, (int)suggest_len, suggest)
				    : dfx_rule_report_span(ctx, self, n, at, "FROM argument '%.*s' is not declared",
							   (int)(end - name), s + name);
		if (error < 0)
			return error;
		p = end - 1;
	}
	return 0;
}

DFX_CHECK(dfx_check_undefined_arg_in_from)
{
	arg_names args;
	collect_global_args(ctx, &args);
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_node *n = ctx->stages.items[i].from;
		const dfx_instr *in = &n->instr;
		dfx_span base;
		if (dfx_instr_nth_word(&base, n->logical, in->args, 0))
			error = check_vars(ctx, self, n, base, &args);
		for (size_t f = 0; f < in->flag_count && !error; f++)
			if (dfx_span_has_prefix(n->logical + in->flags[f].start, in->flags[f].end - in->flags[f].start,
						"--platform="))
				error = check_vars(ctx, self, n, in->flags[f], &args);
	}
	return error;
}

/* Section - WORKDIR */

static int is_abs_path(const char *p, size_t n)
{
	if (n && (p[0] == '"' || p[0] == '\'')) {
		p++;
		n--;
	}
	if (n && (p[0] == '/' || p[0] == '\\' || p[0] == '$'))
		return 1;
	/* C:\ or C:/ on Windows images */
	return n >= 3 && isalpha((unsigned char)p[0]) && p[1] == ':' && (p[2] == '\\' || p[2] == '/');
}

DFX_CHECK(dfx_check_workdir_relative)
{
	int error = 0;
	unsigned char *abs_set = dfx_arena_alloc(&ctx->arena, ctx->stages.count + 1);
	if (!abs_set)
		return DFFIX_ENOMEM;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (st->parent)
			abs_set[i] = abs_set[st->parent->index];
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n) && !error) {
			const dfx_instr *in = &n->instr;
			if (in->keyword != DFX_KW_WORKDIR || in->args.end <= in->args.start)
				continue;
			const char *p = n->logical + in->args.start;
			size_t len = in->args.end - in->args.start;
			if (is_abs_path(p, len))
				abs_set[i] = 1;
			else if (!abs_set[i])
				error = dfx_rule_report_span(ctx, self, n, in->args,
							     "Relative workdir \"%.*s\" can have unexpected results if the "
							     "base image changes",
							     (int)len, p);
		}
	}
	return error;
}

/* Section - EXPOSE */

DFX_CHECK(dfx_check_expose_proto_casing)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 1);
		if (!in || in->keyword != DFX_KW_EXPOSE)
			continue;
		dfx_span w;
		for (int i = 0; dfx_instr_nth_word(&w, n->logical, in->args, i) && !error; i++) {
			const char *s = n->logical + w.start;
			size_t len = w.end - w.start;
			const char *slash = memchr(s, '/', len);
			if (slash && !is_lower(slash, len - (size_t)(slash - s)))
				error = dfx_rule_report_span(ctx, self, n, w,
							     "Defined protocol '%.*s' in EXPOSE instruction should be "
							     "lowercase",
							     (int)len, s);
		}
	}
	return error;
}

/* 1 when s[0..n) is a decimal number <= 65535. */
static int valid_port(const char *s, size_t n)
{
	if (n == 0 || n > 5)
		return 0;
	unsigned long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	return v <= 65535;
}

DFX_CHECK(dfx_check_expose_invalid_format)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 1);
		if (!in || in->keyword != DFX_KW_EXPOSE)
			continue;
		dfx_span w;
		for (int i = 0; dfx_instr_nth_word(&w, n->logical, in->args, i) && !error; i++) {
			const char *s = n->logical + w.start;
			size_t len = w.end - w.start;
			if (memchr(s, '$', len))
				continue;
			if (memchr(s, ':', len)) {
				error = dfx_rule_report_span(ctx, self, n, w,
							     "EXPOSE instruction should not define an IP address or "
							     "host-port mapping, found '%.*s'",
							     (int)len, s);
				continue;
			}
			const char *slash = memchr(s, '/', len);
			size_t plen = slash ? (size_t)(slash - s) : len;
			const char *dash = memchr(s, '-', plen);
			int ok = dash ? valid_port(s, (size_t)(dash - s)) &&
						valid_port(dash + 1, plen - (size_t)(dash - s) - 1)
				      : valid_port(s, plen);
			if (ok && slash) {
				const char *proto = slash + 1;
				size_t prlen = len - plen - 1;
				ok = dfx_span_eq(proto, prlen, "tcp") || dfx_span_eq(proto, prlen, "udp") ||
				     dfx_span_eq(proto, prlen, "sctp");
			}
			if (!ok)
				error = dfx_rule_report_span(ctx, self, n, w,
							     "Invalid port '%.*s' in EXPOSE: expected PORT[-PORT][/tcp|udp|"
							     "sctp] with ports in 0-65535",
							     (int)len, s);
		}
	}
	return error;
}

/* Section - what the builder rejects */

DFX_CHECK(dfx_check_unknown_instruction)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION)
			continue;
		const dfx_instr *bad = n->instr.keyword == DFX_KW_UNKNOWN ? &n->instr
				       : n->instr.keyword == DFX_KW_ONBUILD && n->instr.sub &&
						 n->instr.sub->keyword == DFX_KW_UNKNOWN
					       ? n->instr.sub
					       : NULL;
		if (!bad || bad->keyword_span.end <= bad->keyword_span.start)
			continue;
		char up[48];
		size_t len = bad->keyword_span.end - bad->keyword_span.start, k;
		for (k = 0; k < len && k < sizeof(up) - 1; k++)
			up[k] = (char)toupper((unsigned char)n->logical[bad->keyword_span.start + k]);
		up[k] = '\0';
		error = dfx_rule_report_span(ctx, self, n, bad->keyword_span, "unknown instruction: %s", up);
	}
	return error;
}

static const char *allowed_flags(dfx_keyword kw)
{
	switch (kw) {
	case DFX_KW_FROM: return " platform ";
	case DFX_KW_RUN: return " mount network security ";
	case DFX_KW_COPY: return " from chown chmod link parents exclude ";
	case DFX_KW_ADD: return " chown chmod link checksum keep-git-dir exclude unpack ";
	case DFX_KW_HEALTHCHECK: return " interval timeout start-period start-interval retries ";
	default: return " ";
	}
}

static int check_flags(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_node *n, const dfx_instr *in)
{
	const char *allowed = allowed_flags(in->keyword);
	for (size_t i = 0; i < in->flag_count; i++) {
		const char *f = in->flag_values[i];
		if (strncmp(f, "--", 2))
			continue;
		size_t len = strcspn(f + 2, "=");
		char name[64];
		int known = 0;
		if (len && len < sizeof(name) - 2) {
			name[0] = ' ';
			memcpy(name + 1, f + 2, len);
			name[len + 1] = ' ';
			name[len + 2] = '\0';
			known = strstr(allowed, name) != NULL;
		}
		if (known)
			continue;
		int error = dfx_rule_report_span(ctx, self, n, in->flags[i], "unknown flag: --%.*s for %s",
						 (int)(len > 60 ? 60 : len), f + 2, dfx_keyword_name(in->keyword));
		if (error < 0)
			return error;
	}
	return 0;
}

DFX_CHECK(dfx_check_unknown_flag)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION || n->instr.keyword == DFX_KW_UNKNOWN)
			continue;
		error = check_flags(ctx, self, n, &n->instr);
		if (!error && n->instr.keyword == DFX_KW_ONBUILD && n->instr.sub &&
		    n->instr.sub->keyword != DFX_KW_UNKNOWN)
			error = check_flags(ctx, self, n, n->instr.sub);
	}
	return error;
}

DFX_CHECK(dfx_check_multiple_instructions)
{
	static const dfx_keyword once[] = {DFX_KW_CMD, DFX_KW_ENTRYPOINT, DFX_KW_HEALTHCHECK};
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		for (size_t k = 0; k < 3 && !error; k++) {
			const dfx_node *prev = NULL;
			dfx_node *n = NULL;
			while (dfx_stage_next(st, &n) && !error) {
				if (n->instr.keyword != once[k])
					continue;
				if (prev)
					error = dfx_rule_report_node(ctx, self, prev,
								     "Multiple %s instructions should not be used in "
								     "the same stage because only the last one will be "
								     "used",
								     dfx_keyword_name(once[k]));
				prev = n;
			}
		}
	}
	return error;
}
