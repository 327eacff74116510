/*
 * rules.c - the rule table, dffix_doc_lint(), and the reporting helpers of
 * rules.h.
 *
 * Lint mode runs the checks first, on the tree as parsed, then the passes
 * selected by opts->fix: a pass's APPLIED diagnostic is exactly a finding
 * that dffix can fix, so it becomes a LINT finding (fixable) with the pass's
 * severity; a REFUSED one stays as it is (info, with the reason). The
 * document is not printed in lint mode, so the passes may edit it.
 */
#include "rules.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pass.h"
#include "suppress.h"

/* A NULL-terminated list of hadolint codes. */
#define ALIASES(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Pass rows only carry what the pass registry does not know (BuildKit
 * name, profile); dfx_rule_at() fills in the rest from the pass. */
static const dfx_rule table[] = {
	{"DF000", "syntax", DFFIX_SEV_ERROR, NULL, "buildkit", "default",
	 "The builder cannot read this text (the parser's messages).", NULL, NULL, NULL},

	/* BuildKit's build checks. */
	{"DF001", "instruction-casing", DFFIX_SEV_WARNING, "format", "buildkit", "default",
	 "Instruction keywords should all use the same case.", NULL, "ConsistentInstructionCasing",
	 dfx_check_instruction_casing},
	{"DF002", "from-as-casing", DFFIX_SEV_WARNING, "format", "buildkit", "default",
	 "The AS keyword should have the case of its FROM.", NULL, "FromAsCasing", dfx_check_from_as_casing},
	{"DF003", "stage-name-casing", DFFIX_SEV_WARNING, NULL, "buildkit", "default",
	 "Stage names should be lower case.", NULL, "StageNameCasing", dfx_check_stage_name_casing},
	{"DF004", "duplicate-stage-name", DFFIX_SEV_ERROR, NULL, "buildkit", "default",
	 "Stage names must be unique.", ALIASES("DL3024"), "DuplicateStageName", dfx_check_duplicate_stage_name},
	{"DF005", "reserved-stage-name", DFFIX_SEV_ERROR, NULL, "buildkit", "default",
	 "`scratch` and `context` cannot be stage names.", NULL, "ReservedStageName",
	 dfx_check_reserved_stage_name},
	{"DF006", "empty-continuation", DFFIX_SEV_WARNING, "format", "buildkit", "default",
	 "Empty continuation lines will become errors in a future BuildKit release.", NULL, "NoEmptyContinuation",
	 dfx_check_empty_continuation},
	{"DF007", "undefined-arg-in-from", DFFIX_SEV_WARNING, NULL, "buildkit", "default",
	 "FROM must only use ARGs declared before the first FROM (or predefined ones).", NULL,
	 "UndefinedArgInFrom", dfx_check_undefined_arg_in_from},
	{"DF008", "workdir-relative-path", DFFIX_SEV_WARNING, NULL, "buildkit", "default",
	 "A relative WORKDIR depends on the base image's working directory.", ALIASES("DL3000"), "WorkdirRelativePath",
	 dfx_check_workdir_relative},
	{"DF009", "expose-proto-casing", DFFIX_SEV_WARNING, NULL, "buildkit", "default",
	 "EXPOSE protocols should be lower case (tcp, udp, sctp).", NULL, "ExposeProtoCasing",
	 dfx_check_expose_proto_casing},
	{"DF010", "expose-invalid-format", DFFIX_SEV_WARNING, NULL, "buildkit", "default",
	 "EXPOSE takes container ports only: no IP address, no host port, a port in 0-65535.", ALIASES("DL3011"),
	 "ExposeInvalidFormat", dfx_check_expose_invalid_format},
	{"DF011", "unknown-instruction", DFFIX_SEV_ERROR, NULL, "buildkit", "default",
	 "The builder rejects instructions it does not know.", NULL, NULL, dfx_check_unknown_instruction},
	{"DF012", "unknown-flag", DFFIX_SEV_ERROR, NULL, "buildkit", "default",
	 "The builder rejects flags an instruction does not take.", NULL, NULL, dfx_check_unknown_flag},
	{"DF013", "multiple-instructions", DFFIX_SEV_WARNING, NULL, "buildkit", "default",
	 "Only the last CMD, ENTRYPOINT or HEALTHCHECK of a stage takes effect.", ALIASES("DL4003", "DL4004", "DL3012"),
	 "MultipleInstructionsDisallowed", dfx_check_multiple_instructions},

	/* The passes (name, severity, summary, guideline, aliases from the registry). */
	{"DF101", NULL, 0, NULL, NULL, "default", NULL, NULL, NULL, NULL},
	{"DF102", NULL, 0, NULL, NULL, "default", NULL, NULL, NULL, NULL},
	{"DF103", NULL, 0, NULL, NULL, "default", NULL, NULL, NULL, NULL},
	{"DF104", NULL, 0, NULL, NULL, "default", NULL, NULL, NULL, NULL},
	{"DF105", NULL, 0, NULL, NULL, "default", NULL, NULL, NULL, NULL},
	{"DF106", NULL, 0, NULL, NULL, "default", NULL, NULL, "LegacyKeyValueFormat", NULL},
	{"DF107", NULL, 0, NULL, NULL, "default", NULL, NULL, "MaintainerDeprecated", NULL},

	/* The image guidelines (GUIDELINES.md). */
	{"DF201", "scratch-distro", DFFIX_SEV_INFO, NULL, "G1", "default",
	 "Build FROM a maintained base image instead of installing a distribution by hand on scratch.", NULL,
	 NULL, dfx_check_scratch_distro},
	{"DF202", "latest-tag", DFFIX_SEV_WARNING, "pin-tag", "G3", "default",
	 "`latest` and untagged base images change under you; name a tag (or digest).", ALIASES("DL3006", "DL3007"),
	 NULL, dfx_check_latest_tag},
	{"DF203", "untrusted-registry", DFFIX_SEV_WARNING, NULL, "G1", "default",
	 "Base images should come from the configured trusted registries.", ALIASES("DL3026"), NULL,
	 dfx_check_untrusted_registry},
	{"DF204", "multiple-processes", DFFIX_SEV_WARNING, NULL, "G4", "default",
	 "Run one service per container: no process supervisor, no backgrounded services.", NULL, NULL,
	 dfx_check_multiple_processes},
	{"DF205", "shell-form-cmd", DFFIX_SEV_WARNING, NULL, "G5", "default",
	 "Shell-form CMD/ENTRYPOINT runs under /bin/sh, which does not forward signals.", ALIASES("DL3025"),
	 "JSONArgsRecommended", dfx_check_shell_form_cmd},
	{"DF206", "script-exec", DFFIX_SEV_WARNING, NULL, "G5", "default",
	 "A wrapper script must `exec` the final process so that it runs as PID 1 and gets signals.", NULL, NULL,
	 dfx_check_script_exec},
	{"DF207", "cleanup-separate-run", DFFIX_SEV_WARNING, "merge-run", "G6", "default",
	 "Cleaning a package cache in a later RUN does not shrink the image; clean in the installing RUN.",
	 NULL, NULL, dfx_check_cleanup_separate_run},
	{"DF208", "server-no-expose", DFFIX_SEV_INFO, NULL, "G8", "default",
	 "Document the ports a server listens on with EXPOSE.", NULL, NULL, dfx_check_server_no_expose},
	{"DF209", "repeated-version", DFFIX_SEV_INFO, NULL, "G9", "default",
	 "Set a version repeated in several RUNs once, with ENV or ARG.", NULL, NULL, dfx_check_repeated_version},
	{"DF210", "secret-env", DFFIX_SEV_WARNING, NULL, "G10,O5", "default",
	 "ENV and ARG values are stored in the image; pass secrets at run time or with RUN --mount=type=secret.",
	 NULL, "SecretsUsedInArgOrEnv", dfx_check_secret_env},
	{"DF211", "literal-password", DFFIX_SEV_WARNING, NULL, "G10", "default",
	 "Do not bake a default password into the image (chpasswd/passwd with a literal).", NULL, NULL,
	 dfx_check_literal_password},
	{"DF212", "sshd", DFFIX_SEV_WARNING, NULL, "G11", "default",
	 "Do not run sshd in a container; use `podman exec` / `oc rsh`.", NULL, NULL, dfx_check_sshd},
	{"DF213", "data-dir-volume", DFFIX_SEV_INFO, NULL, "G12", "default",
	 "Declare the data directory of a database server with VOLUME.", NULL, NULL, dfx_check_data_dir_volume},
	{"DF214", "passwd-permissions", DFFIX_SEV_WARNING, NULL, "O2", "default",
	 "Do not loosen /etc/passwd or /etc/group: the runtime adds the arbitrary user itself.", NULL, NULL,
	 dfx_check_passwd_permissions},
	{"DF215", "log-to-file", DFFIX_SEV_INFO, NULL, "O8", "default",
	 "Log to standard output, or link the log file to /dev/stdout.", NULL, NULL, dfx_check_log_to_file},
	{"DF216", "no-healthcheck", DFFIX_SEV_INFO, NULL, "O9", "default",
	 "Give a server image a HEALTHCHECK (an example for the platform's probes).", NULL, NULL,
	 dfx_check_no_healthcheck},
	{"DF217", "s2i-builder", DFFIX_SEV_INFO, NULL, "O1", "openshift",
	 "An S2I builder image needs the io.openshift.s2i.scripts-url label and a numeric USER.", NULL, NULL,
	 dfx_check_s2i_builder},
	{"DF218", "privileged-port", DFFIX_SEV_WARNING, NULL, "O2", "openshift",
	 "A non-root process cannot bind ports below 1024.", NULL, NULL, dfx_check_privileged_port},
	{"DF219", "numeric-user", DFFIX_SEV_WARNING, NULL, "O2", "openshift",
	 "End with a numeric, non-root USER so the platform can verify it is not root.", ALIASES("DL3002"), NULL,
	 dfx_check_numeric_user},
	{"DF220", "openshift-labels", DFFIX_SEV_INFO, NULL, "O6", "openshift",
	 "Describe the image with the io.k8s.* and io.openshift.* labels.", NULL, NULL,
	 dfx_check_openshift_labels},
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

size_t dfx_rule_count(void)
{
	return TABLE_LEN;
}

void dfx_rule_at(dfx_rule *out, size_t i)
{
	*out = table[i];
	if (out->name)
		return;
	const dfx_pass *p = dfx_pass_by_name(out->id, strlen(out->id));
	if (!p) {
		out->name = "unknown-pass";
		return;
	}
	out->name = p->name;
	out->severity = p->severity;
	out->fixable = p->name;
	out->guideline = p->guideline && strcmp(p->guideline, "-") ? p->guideline : "buildkit";
	out->summary = p->summary;
	out->aliases = p->aliases;
}

int dfx_span_eq(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && !strncasecmp(s, lit, n);
}

int dfx_span_has_prefix(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n >= m && !strncasecmp(s, lit, m);
}

static int row_matches(const dfx_rule *r, const char *name, size_t len)
{
	if (dfx_span_eq(name, len, r->id) || (r->name && dfx_span_eq(name, len, r->name)) ||
	    (r->buildkit && dfx_span_eq(name, len, r->buildkit)))
		return 1;
	for (const char *const *a = r->aliases; a && *a; a++)
		if (dfx_span_eq(name, len, *a))
			return 1;
	return 0;
}

long dfx_rule_find(const char *name, size_t len)
{
	for (size_t i = 0; i < TABLE_LEN; i++) {
		dfx_rule r;
		dfx_rule_at(&r, i);
		if (row_matches(&r, name, len))
			return (long)i;
	}
	return -1;
}

const char *dfx_severity_name(dffix_severity sev)
{
	switch (sev) {
	case DFFIX_SEV_ERROR: return "error";
	case DFFIX_SEV_WARNING: return "warning";
	case DFFIX_SEV_INFO: return "info";
	case DFFIX_SEV_STYLE: return "style";
	default: return "none";
	}
}

int dfx_rules_list(dffix_buf *out)
{
	int error = dffix_buf_printf(out, "%-6s %-22s %-8s %-14s %-9s %s\n", "ID", "NAME", "SEVERITY", "FIXABLE",
				     "GUIDELINE", "PROFILE");
	for (size_t i = 0; i < TABLE_LEN && error == 0; i++) {
		dfx_rule r;
		dfx_rule_at(&r, i);
		error = dffix_buf_printf(out, "%-6s %-22s %-8s %-14s %-9s %s\n", r.id, r.name,
					 dfx_severity_name(r.severity), r.fixable ? r.fixable : "-", r.guideline,
					 r.profile);
	}
	return error;
}

/* Section - enabling and reporting */

/* `# check=skip=A,B;error=true`: the skip list, or "all". */
static void find_check_skip(dfx_rule_ctx *ctx)
{
	for (const dfx_node *n = ctx->doc->first; n && n->kind == DFX_NODE_DIRECTIVE; n = n->next) {
		if (strcmp(n->directive_key, "check"))
			continue;
		const char *v = n->src + n->value_start, *end = n->src + n->value_end;
		while (v < end) {
			const char *semi = memchr(v, ';', (size_t)(end - v));
			const char *e = semi ? semi : end;
			while (v < e && (*v == ' ' || *v == '\t'))
				v++;
			if (dfx_span_has_prefix(v, (size_t)(e - v), "skip=")) {
				ctx->check_skip = v + 5;
				ctx->check_skip_len = (size_t)(e - v - 5);
				while (ctx->check_skip_len &&
				       (ctx->check_skip[ctx->check_skip_len - 1] == ' ' ||
					ctx->check_skip[ctx->check_skip_len - 1] == '\t'))
					ctx->check_skip_len--;
			}
			v = e + 1;
		}
	}
}

static int check_skipped(const dfx_rule_ctx *ctx, const dfx_rule *r)
{
	if (!r->buildkit || !ctx->check_skip)
		return 0;
	const char *p = ctx->check_skip, *end = p + ctx->check_skip_len;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end;
		const char *a = p, *b = e;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (dfx_span_eq(a, (size_t)(b - a), "all") || dfx_span_eq(a, (size_t)(b - a), r->buildkit))
			return 1;
		p = e + 1;
	}
	return 0;
}

/* Whether the rule runs at all, and with which severity. */
static int rule_enabled(dfx_rule_ctx *ctx, const dfx_rule *r, dffix_severity *sev)
{
	const dffix_options *o = ctx->opts;
	if (!strcmp(r->profile, "openshift") && !ctx->openshift)
		return 0;
	for (size_t i = 0; i < o->ignore_count; i++)
		if (o->ignore[i] && row_matches(r, o->ignore[i], strlen(o->ignore[i])))
			return 0;
	if (check_skipped(ctx, r))
		return 0;
	*sev = r->severity;
	for (size_t i = 0; i < o->severity_count; i++)
		if (o->severity_ids && o->severity_values && o->severity_ids[i] &&
		    row_matches(r, o->severity_ids[i], strlen(o->severity_ids[i])))
			*sev = o->severity_values[i];
	return *sev != DFFIX_SEV_NONE;
}

/* Pragmas may name a rule by id, name, hadolint code or BuildKit name. */
static int suppressed(dfx_rule_ctx *ctx, const dfx_rule *r, const dfx_node *node)
{
	const char *names[16];
	size_t n = 0;
	for (const char *const *a = r->aliases; a && *a && n < 14; a++)
		names[n++] = *a;
	if (r->buildkit)
		names[n++] = r->buildkit;
	names[n] = NULL;
	return dfx_suppressed(ctx->doc, node, r->id, r->name, names);
}

static int vreport(dfx_rule_ctx *ctx, const dfx_rule *rule, const dfx_node *node, uint32_t start, uint32_t end,
		   int fixable, const char *fmt, va_list ap)
{
	if (node && suppressed(ctx, rule, node))
		return 0;
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	return dfx_doc_add_diag(ctx->doc, DFFIX_DIAG_LINT, ctx->severity, rule->id, rule->name, fixable, start, end,
				"%s", msg);
}

int dfx_rule_report(dfx_rule_ctx *ctx, const dfx_rule *rule, const dfx_node *node, uint32_t start, uint32_t end,
		    int fixable, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int error = vreport(ctx, rule, node, start, end, fixable, fmt, ap);
	va_end(ap);
	return error;
}

static void node_line(const dfx_node *node, uint32_t *start, uint32_t *end)
{
	*start = node->start;
	*end = node->end;
	if (node->segment_count) {
		*start = node->segments[0].text_start;
		*end = node->segments[0].eol_start;
	} else {
		while (*end > *start && (node->src[*end - 1] == '\n' || node->src[*end - 1] == '\r'))
			(*end)--;
	}
}

int dfx_rule_report_node(dfx_rule_ctx *ctx, const dfx_rule *rule, const dfx_node *node, const char *fmt, ...)
{
	uint32_t start, end;
	node_line(node, &start, &end);
	va_list ap;
	va_start(ap, fmt);
	int error = vreport(ctx, rule, node, start, end, 0, fmt, ap);
	va_end(ap);
	return error;
}

int dfx_rule_report_span(dfx_rule_ctx *ctx, const dfx_rule *rule, const dfx_node *node, dfx_span logical,
			 const char *fmt, ...)
{
	uint32_t start = dfx_node_logical_to_src(node, logical.start);
	uint32_t end = dfx_node_logical_to_src(node, logical.end);
	va_list ap;
	va_start(ap, fmt);
	int error = vreport(ctx, rule, node, start, end < start ? start : end, 0, fmt, ap);
	va_end(ap);
	return error;
}

/* Section - dffix_doc_lint */

/* DF011 reports unknown instructions under a rule id (so they can be
 * ignored or re-rated); the parser's own warning for them would say the same
 * thing twice. */
static void drop_parser_unknown(dffix_doc *doc, size_t upto)
{
	size_t w = 0;
	for (size_t i = 0; i < doc->diags.len; i++) {
		dffix_diag *d = &doc->diags.items[i];
		int drop = i < upto && d->kind == DFFIX_DIAG_SYNTAX && d->severity == DFFIX_SEV_WARNING &&
			   !strncmp(d->message, "unknown instruction:", 20);
		if (!drop)
			doc->diags.items[w++] = *d;
	}
	doc->diags.len = w;
}

/* Pass diagnostics from `mark` on become lint findings (APPLIED), stay
 * (REFUSED), or go (rule ignored or rated "none"). */
static void convert_pass_diags(dfx_rule_ctx *ctx, size_t mark)
{
	dffix_doc *doc = ctx->doc;
	size_t w = mark;
	for (size_t i = mark; i < doc->diags.len; i++) {
		dffix_diag d = doc->diags.items[i];
		long row = dfx_rule_find(d.rule_id, strlen(d.rule_id));
		dffix_severity sev = d.severity;
		if (row >= 0) {
			dfx_rule r;
			dfx_rule_at(&r, (size_t)row);
			if (!rule_enabled(ctx, &r, &sev))
				continue;
		}
		if (d.kind == DFFIX_DIAG_APPLIED) {
			d.kind = DFFIX_DIAG_LINT;
			d.fixable = 1;
			d.severity = sev;
		} else if (d.kind == DFFIX_DIAG_REFUSED) {
			d.fixable = 0;
		}
		doc->diags.items[w++] = d;
	}
	doc->diags.len = w;
}

int dffix_doc_lint(dffix_doc *doc, const dffix_options *opts)
{
	dffix_options defaults = DFFIX_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (opts->version != DFFIX_OPTIONS_VERSION)
		return DFFIX_EINVAL;
	if (doc->fatal)
		return 0;
	dfx_rule_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.doc = doc;
	ctx.opts = opts;
	ctx.openshift = opts->profile && !strcasecmp(opts->profile, "openshift");
	find_check_skip(&ctx);
	int error = dfx_stages_compute(&ctx.stages, doc);
	if (error >= 0)
		error = dfx_rule_index(&ctx);
	for (size_t i = 0; i < TABLE_LEN && error >= 0; i++) {
		const dfx_rule *r = &table[i];
		if (r->check && rule_enabled(&ctx, r, &ctx.severity))
			error = r->check(&ctx, r);
	}
	/* Before the passes: they build new nodes, and the checks' scratch
	 * (every RUN's commands) would only add to their peak. */
	dfx_arena_dispose(&ctx.arena);
	if (error < 0)
		return error;
	drop_parser_unknown(doc, doc->diags.len);

	size_t mark = doc->diags.len;
	if (opts->fix && !dffix_doc_has_errors(doc)) {
		error = dffix_doc_fix(NULL, doc, opts);
		if (error < 0 && error != DFFIX_EPARSE)
			return error;
	}
	convert_pass_diags(&ctx, mark);
	return 0;
}
