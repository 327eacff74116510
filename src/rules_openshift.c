/*
 * rules_openshift.c - rules of the OpenShift profile (GUIDELINES.md O1, O2,
 * O6), on only with `profile: openshift`:
 *
 *   an S2I builder without io.openshift.s2i.scripts-url   DF217 s2i-builder (info)
 *   EXPOSE 80                                             DF218 privileged-port
 *   USER root / USER app as the final USER                DF219 numeric-user
 *   no io.k8s.description, io.openshift.tags ...          DF220 openshift-labels (info)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "instr.h"
#include "rules.h"

/* Calls fn for each label key=value of the stage and the stages it is
 * built from; stops when fn returns non-zero and returns that. */
typedef int (*label_fn)(void *arg, const char *key, size_t kn, const char *val, size_t vn);

static void unquote(const char **s, size_t *n)
{
	if (*n >= 2 && ((*s)[0] == '"' || (*s)[0] == '\'') && (*s)[*n - 1] == (*s)[0]) {
		(*s)++;
		*n -= 2;
	}
}

static int each_label(dfx_rule_ctx *ctx, const dfx_stage *st, label_fn fn, void *arg)
{
	for (int hops = 0; st && hops < 64; hops++, st = dfx_rule_parent_stage(ctx, st)) {
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n)) {
			const dfx_instr *in = &n->instr;
			if (in->keyword != DFX_KW_LABEL)
				continue;
			const char *s = n->logical;
			dfx_span *w;
			size_t count;
			int rc = dfx_instr_words(&w, &count, &ctx->arena, s, in->args, ctx->doc->escape);
			if (rc < 0)
				return rc;
			if (!count)
				continue;
			if (!memchr(s + w[0].start, '=', w[0].end - w[0].start)) {
				uint32_t p = in->args.start;
				while (p < in->args.end && s[p] != ' ' && s[p] != '\t')
					p++;
				uint32_t v = p;
				while (v < in->args.end && (s[v] == ' ' || s[v] == '\t'))
					v++;
				const char *k = s + in->args.start, *val = s + v;
				size_t kn = p - in->args.start, vn = in->args.end - v;
				unquote(&k, &kn);
				unquote(&val, &vn);
				if ((rc = fn(arg, k, kn, val, vn)) != 0)
					return rc;
				continue;
			}
			for (size_t i = 0; i < count; i++) {
				const char *k = s + w[i].start;
				const char *eq = memchr(k, '=', w[i].end - w[i].start);
				if (!eq)
					continue;
				size_t kn = (size_t)(eq - k);
				const char *val = eq + 1;
				size_t vn = w[i].end - w[i].start - kn - 1;
				unquote(&k, &kn);
				unquote(&val, &vn);
				if ((rc = fn(arg, k, kn, val, vn)) != 0)
					return rc;
			}
		}
	}
	return 0;
}

/* Section - S2I builders (O1) */

typedef struct s2i_info {
	int builder;     /* labels say it is an S2I builder */
	int scripts_url; /* io.openshift.s2i.scripts-url is set */
} s2i_info;

static int s2i_label(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	s2i_info *info = arg;
	if (dfx_span_eq(k, kn, "io.openshift.s2i.scripts-url") || dfx_span_eq(k, kn, "io.s2i.scripts-url"))
		info->scripts_url = info->builder = 1;
	else if (dfx_span_has_prefix(k, kn, "io.openshift.s2i.") || dfx_span_has_prefix(k, kn, "io.s2i."))
		info->builder = 1;
	else if (dfx_span_eq(k, kn, "io.openshift.tags"))
		for (size_t i = 0; i + 7 <= vn; i++)
			if (!strncasecmp(v + i, "builder", 7))
				info->builder = 1;
	return 0;
}

/* The final USER of the stage chain, or NULL. */
static const dfx_node *final_user(dfx_rule_ctx *ctx, const dfx_stage *final)
{
	for (const dfx_stage *st = final; st; st = dfx_rule_parent_stage(ctx, st)) {
		const dfx_node *user = NULL;
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n))
			if (n->instr.keyword == DFX_KW_USER)
				user = n;
		if (user)
			return user;
	}
	return NULL;
}

/* The user part of USER's argument (before ':'). */
static void user_part(const dfx_node *n, const char **s, size_t *len)
{
	*s = n->logical + n->instr.args.start;
	*len = n->instr.args.end - n->instr.args.start;
	const char *colon = memchr(*s, ':', *len);
	if (colon)
		*len = (size_t)(colon - *s);
	unquote(s, len);
}

static int is_number(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

DFX_CHECK(dfx_check_s2i_builder)
{
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	if (!final)
		return 0;
	s2i_info info = {0, 0};
	int error = each_label(ctx, final, s2i_label, &info);
	if (error < 0)
		return error;
	/* Or it ships the S2I scripts. */
	dfx_node *n = NULL;
	while (!info.builder && dfx_stage_next(final, &n)) {
		if (n->instr.keyword != DFX_KW_COPY && n->instr.keyword != DFX_KW_ADD)
			continue;
		const char **argv;
		size_t argc;
		if ((error = dfx_instr_argv(&argv, &argc, ctx, n, &n->instr)) < 0)
			return error;
		for (size_t i = 0; i < argc; i++)
			if (strstr(argv[i], "/usr/libexec/s2i") || strstr(argv[i], "s2i/bin") || strstr(argv[i], ".s2i/"))
				info.builder = 1;
	}
	if (!info.builder || dfx_stage_base_is(ctx, final, "s2i"))
		return 0;
	if (!info.scripts_url &&
	    (error = dfx_rule_report_node(ctx, self, final->from,
					  "this S2I builder image does not set the io.openshift.s2i.scripts-url "
					  "label; S2I cannot find its assemble and run scripts")) < 0)
		return error;
	const dfx_node *user = final_user(ctx, final);
	const char *u;
	size_t un;
	if (!user)
		return dfx_rule_report_node(ctx, self, final->from,
					    "this S2I builder image sets no USER; S2I needs a numeric USER to run the "
					    "assemble script without root");
	user_part(user, &u, &un);
	if (!is_number(u, un) && !memchr(u, '$', un))
		return dfx_rule_report_node(ctx, self, user,
					    "this S2I builder image's USER `%.*s` is not numeric; S2I needs a numeric "
					    "USER to verify it is not root",
					    (int)un, u);
	return 0;
}

/* Section - arbitrary user IDs (O2) */

DFX_CHECK(dfx_check_privileged_port)
{
	int error = 0;
	for (const dfx_stage *st = dfx_rule_final_stage(ctx); st && !error; st = dfx_rule_parent_stage(ctx, st)) {
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n) && !error) {
			if (n->instr.keyword != DFX_KW_EXPOSE)
				continue;
			const char **argv;
			size_t argc;
			if ((error = dfx_instr_argv(&argv, &argc, ctx, n, &n->instr)) < 0)
				return error;
			for (size_t i = 0; i < argc && !error; i++) {
				char *end;
				unsigned long port = strtoul(argv[i], &end, 10);
				if (end == argv[i] || (*end && *end != '/' && *end != '-') || port >= 1024)
					continue;
				error = dfx_rule_report_node(ctx, self, n,
							     "port %lu is below 1024: a process running with an "
							     "arbitrary non-root UID cannot bind it; listen on a port "
							     "above 1023 (e.g. 8080)",
							     port);
			}
		}
	}
	return error;
}

DFX_CHECK(dfx_check_numeric_user)
{
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	const dfx_node *user = final ? final_user(ctx, final) : NULL;
	if (!user)
		return 0;
	const char *u;
	size_t un;
	user_part(user, &u, &un);
	if (!un || memchr(u, '$', un))
		return 0;
	if (dfx_span_eq(u, un, "root") || (is_number(u, un) && strtoul(u, NULL, 10) == 0 && un < 12))
		return dfx_rule_report_node(ctx, self, user,
					    "the image ends as root (USER %.*s); end with a numeric non-root USER "
					    "such as 1001",
					    (int)un, u);
	if (!is_number(u, un))
		return dfx_rule_report_node(ctx, self, user,
					    "USER `%.*s` is not numeric, so the platform cannot verify it is not root; "
					    "use its UID (e.g. USER 1001)",
					    (int)un, u);
	return 0;
}

/* Section - labels (O6) */

static const char *const wanted_labels[] = {"io.k8s.description", "io.k8s.display-name",
					    "io.openshift.expose-services", "io.openshift.tags"};

static int mark_label(void *arg, const char *k, size_t kn, const char *v, size_t vn)
{
	int *have = arg;
	(void)v;
	(void)vn;
	for (size_t i = 0; i < 4; i++)
		if (dfx_span_eq(k, kn, wanted_labels[i]))
			have[i] = 1;
	return 0;
}

DFX_CHECK(dfx_check_openshift_labels)
{
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	if (!final)
		return 0;
	int have[4] = {0, 0, 0, 0};
	int error = each_label(ctx, final, mark_label, have);
	if (error < 0)
		return error;
	char missing[160];
	size_t m = 0;
	missing[0] = '\0';
	for (size_t i = 0; i < 4; i++)
		if (!have[i])
			m += (size_t)snprintf(missing + m, sizeof(missing) - m, "%s%s", m ? ", " : "", wanted_labels[i]);
	if (!m)
		return 0;
	return dfx_rule_report_node(ctx, self, final->from,
				    "the final image lacks the label%s %s, which OpenShift uses to describe the image "
				    "and suggest others",
				    strchr(missing, ',') ? "s" : "", missing);
}
