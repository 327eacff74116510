/*
 * rules_security.c - secrets and access (GUIDELINES.md G10, G11, O2, O5):
 *
 *   ENV DB_PASSWORD=changeme / ARG API_TOKEN=abc   DF210 secret-env
 *   RUN echo 'root:root' | chpasswd                DF211 literal-password
 *   RUN apt-get install openssh-server / EXPOSE 22 DF212 sshd
 *   RUN chmod g=u /etc/passwd                      DF214 passwd-permissions
 *
 * DF210 follows BuildKit's SecretsUsedInArgOrEnv: a name is secret-looking
 * when one of its `_`-separated words is apikey, auth, credential(s), key,
 * password, pword, passwd, secret or token, and none is `public`. dffix
 * also lets through names that point at a secret instead of holding one
 * (`_FILE`, `_PATH`, `_DIR`, `_URL`), GPG keys (`GPG_KEY`, and any `_KEY`
 * whose value is a key fingerprint) and sizes or types (`KEY_SIZE`), and
 * only reports values that are set:
 * `ARG TOKEN` without a default is how a build receives a secret argument.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "instr.h"
#include "rules.h"

static int word_in(const char *w, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (dfx_span_eq(w, n, list[i]))
			return 1;
	return 0;
}

/* Returns 2 when the only secret word is `key`: such a name may hold a
 * public key fingerprint instead (SWIFT_SIGNING_KEY=A62AE125...). */
static int secret_name(const char *s, size_t n)
{
	static const char *const secret[] = {"apikey", "auth",  "credential", "credentials", "key",
					     "password", "pword", "passwd",     "secret",      "token", NULL};
	static const char *const allow[] = {"public", "file", "path", "dir",  "url",    "uri",       "gpg",
					    "pgp",    "size", "length", "type", "format", "algorithm", NULL};
	int hit = 0, other = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && s[j] != '_' && s[j] != '-' && s[j] != '.')
			j++;
		if (word_in(s + i, j - i, allow))
			return 0;
		if (word_in(s + i, j - i, secret)) {
			hit = 1;
			other |= !dfx_span_eq(s + i, j - i, "key");
		}
		i = j + 1;
	}
	return hit ? (other ? 1 : 2) : 0;
}

/* A GPG key fingerprint or long key id: 40 or 16 hex digits, blanks allowed
 * between groups. */
static int is_fingerprint(const char *v, size_t n)
{
	size_t hex = 0;
	for (size_t i = 0; i < n; i++) {
		if (isxdigit((unsigned char)v[i]))
			hex++;
		else if (v[i] != ' ')
			return 0;
	}
	return hex == 40 || hex == 16;
}

static void unquote(const char **s, size_t *n)
{
	if (*n >= 2 && ((*s)[0] == '"' || (*s)[0] == '\'') && (*s)[*n - 1] == (*s)[0]) {
		(*s)++;
		*n -= 2;
	}
}

/* The default of the last `ARG name=...` before `at`, or NULL. */
static const char *arg_default(dfx_rule_ctx *ctx, const dfx_node *at, const char *name, size_t nn, size_t *len)
{
	const char *found = NULL;
	for (const dfx_node *n = ctx->doc->first; n && n != at; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 0);
		if (!in || in->keyword != DFX_KW_ARG)
			continue;
		const char *s = n->logical + in->args.start;
		size_t sn = in->args.end - in->args.start;
		if (sn > nn && !memcmp(s, name, nn) && s[nn] == '=') {
			found = s + nn + 1;
			*len = sn - nn - 1;
			unquote(&found, len);
		}
	}
	return found;
}

/* The name of a value that is just `$NAME` or `${NAME}`, or 0. */
static int pure_reference(const char *v, size_t n, const char **name, size_t *nn)
{
	if (n < 2 || v[0] != '$')
		return 0;
	int braced = v[1] == '{';
	*name = v + 1 + braced;
	*nn = n - 1 - 2 * (size_t)braced;
	if (braced && v[n - 1] != '}')
		return 0;
	for (size_t i = 0; i < *nn; i++)
		if (!isalnum((unsigned char)(*name)[i]) && (*name)[i] != '_')
			return 0;
	return *nn > 0;
}

static int report_secret(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_node *n, const dfx_instr *in,
			 const char *key, size_t kn, const char *val, size_t vn)
{
	unquote(&key, &kn);
	unquote(&val, &vn);
	int kind = secret_name(key, kn);
	if (!kind || vn == 0 || (kind == 2 && is_fingerprint(val, vn)))
		return 0;
	const char *ref, *def;
	size_t rn, dn;
	if (kind == 2 && pure_reference(val, vn, &ref, &rn) && (def = arg_default(ctx, n, ref, rn, &dn)) &&
	    is_fingerprint(def, dn))
		return 0; /* ENV X_KEY=$X_KEY after ARG X_KEY=<fingerprint> */
	if (dfx_span_has_prefix(val, vn, "/run/secrets/"))
		return 0; /* a path to a mounted secret, not the secret */
	int arg = in->keyword == DFX_KW_ARG;
	if (arg && memchr(val, '$', vn))
		return 0; /* a default taken from another variable */
	return dfx_rule_report_node(ctx, self, n,
				    "Do not use ARG or ENV instructions for sensitive data (%s \"%.*s\"): the value is "
				    "stored in the image; %s",
				    arg ? "ARG" : "ENV", (int)kn, key,
				    arg ? "pass it with --secret and RUN --mount=type=secret"
					: "pass it at run time (or use RUN --mount=type=secret to build)");
}

DFX_CHECK(dfx_check_secret_env)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 1);
		if (!in || (in->keyword != DFX_KW_ENV && in->keyword != DFX_KW_ARG))
			continue;
		const char *s = n->logical;
		dfx_span *words;
		size_t count;
		if ((error = dfx_instr_words(&words, &count, &ctx->arena, s, in->args, ctx->doc->escape)) < 0)
			return error;
		if (!count)
			continue;
		if (in->keyword == DFX_KW_ENV && !memchr(s + words[0].start, '=', words[0].end - words[0].start)) {
			/* legacy `ENV KEY value with spaces` */
			uint32_t p = in->args.start;
			while (p < in->args.end && s[p] != ' ' && s[p] != '\t')
				p++;
			uint32_t v = p;
			while (v < in->args.end && (s[v] == ' ' || s[v] == '\t'))
				v++;
			error = report_secret(ctx, self, n, in, s + in->args.start, p - in->args.start, s + v,
					      in->args.end - v);
			continue;
		}
		for (size_t i = 0; i < count && !error; i++) {
			const char *w = s + words[i].start;
			size_t wn = words[i].end - words[i].start;
			const char *eq = memchr(w, '=', wn);
			if (!eq)
				continue;
			error = report_secret(ctx, self, n, in, w, (size_t)(eq - w), eq + 1, wn - (size_t)(eq - w) - 1);
		}
	}
	return error;
}

/* Section - literal passwords */

static const char *cmd_name(const dfx_cmd *c, size_t *k)
{
	*k = dfx_cmd_name_index(c);
	return *k < c->argc && c->argv[*k] ? dfx_basename(c->argv[*k]) : NULL;
}

/* An `echo`/`printf` whose arguments are all literal: the data it pipes is
 * fixed in the Dockerfile. */
static int literal_echo(const dfx_cmd *c)
{
	size_t k;
	const char *name = cmd_name(c, &k);
	if (!name || (strcmp(name, "echo") && strcmp(name, "printf")) || k + 1 >= c->argc)
		return 0;
	for (size_t i = k + 1; i < c->argc; i++)
		if (!c->argv[i])
			return 0;
	return 1;
}

DFX_CHECK(dfx_check_literal_password)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 1);
		if (!in || in->keyword != DFX_KW_RUN)
			continue;
		dfx_cmds cmds;
		if ((error = dfx_rule_commands(&cmds, ctx, n, in)) < 0)
			return error;
		const char *what = NULL;
		for (size_t c = 0; c < cmds.count && !what; c++) {
			const dfx_cmd *cmd = &cmds.items[c];
			size_t k;
			const char *name = cmd_name(cmd, &k);
			if (!name)
				continue;
			int piped = c > 0 && cmds.items[c - 1].sep == DFX_SH_SEP_PIPE && literal_echo(&cmds.items[c - 1]);
			if (piped && (!strcmp(name, "chpasswd") || !strcmp(name, "passwd")))
				what = name;
			if ((!strcmp(name, "useradd") || !strcmp(name, "usermod") || !strcmp(name, "adduser")))
				for (size_t a = k + 1; a + 1 < cmd->argc; a++)
					if (cmd->argv[a] && (!strcmp(cmd->argv[a], "-p") || !strcmp(cmd->argv[a], "--password")) &&
					    cmd->argv[a + 1] && cmd->argv[a + 1][0])
						what = name;
		}
		if (what)
			error = dfx_rule_report_node(ctx, self, n,
						     "`%s` sets a literal password that every container of this image "
						     "shares; take it from the environment at start-up, or lock the account",
						     what);
	}
	return error;
}

/* Section - sshd */

DFX_CHECK(dfx_check_sshd)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->in_final)
			continue;
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n) && !error) {
			const dfx_instr *in = &n->instr;
			if (in->keyword == DFX_KW_EXPOSE) {
				const char **argv;
				size_t argc;
				if ((error = dfx_instr_argv(&argv, &argc, ctx, n, in)) < 0)
					return error;
				for (size_t a = 0; a < argc; a++)
					if (!strcmp(argv[a], "22") || !strncmp(argv[a], "22/", 3)) {
						error = dfx_rule_report_node(ctx, self, n,
									     "EXPOSE 22 publishes an SSH server; do not "
									     "run sshd in a container, use `podman exec` "
									     "or `oc rsh`");
						break;
					}
				continue;
			}
			if (in->keyword != DFX_KW_RUN && in->keyword != DFX_KW_CMD && in->keyword != DFX_KW_ENTRYPOINT)
				continue;
			dfx_cmds cmds;
			if ((error = dfx_rule_commands(&cmds, ctx, n, in)) < 0)
				return error;
			const char *what = NULL;
			for (size_t c = 0; c < cmds.count && !what; c++) {
				const dfx_cmd *cmd = &cmds.items[c];
				size_t first, k;
				const char *name = cmd_name(cmd, &k);
				if (in->keyword != DFX_KW_RUN) {
					if (name && !strcmp(name, "sshd"))
						what = "runs sshd";
					continue;
				}
				if (!dfx_cmd_installs(cmd, &first))
					continue;
				for (size_t a = first; a < cmd->argc; a++)
					if (cmd->argv[a] && (!strcmp(cmd->argv[a], "openssh-server") ||
							     !strcmp(cmd->argv[a], "dropbear")))
						what = "installs an SSH server";
			}
			if (what)
				error = dfx_rule_report_node(ctx, self, n,
							     "%s %s; do not run sshd in a container, use `podman exec` or "
							     "`oc rsh`",
							     dfx_keyword_name(in->keyword), what);
		}
	}
	return error;
}

/* Section - /etc/passwd */

DFX_CHECK(dfx_check_passwd_permissions)
{
	static const char *const files[] = {"/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", NULL};
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->in_final)
			continue;
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n) && !error) {
			if (n->instr.keyword != DFX_KW_RUN)
				continue;
			dfx_cmds cmds;
			if ((error = dfx_rule_commands(&cmds, ctx, n, &n->instr)) < 0)
				return error;
			for (size_t c = 0; c < cmds.count && !error; c++) {
				const dfx_cmd *cmd = &cmds.items[c];
				size_t k;
				const char *name = cmd_name(cmd, &k);
				if (!name || (strcmp(name, "chmod") && strcmp(name, "chgrp") && strcmp(name, "chown")))
					continue;
				int recursive = 0;
				const char *hit = NULL;
				for (size_t a = k + 1; a < cmd->argc; a++) {
					const char *v = cmd->argv[a];
					if (!v)
						continue;
					if (v[0] == '-' && (strchr(v, 'R') || !strcmp(v, "--recursive")))
						recursive = 1;
					for (size_t f = 0; files[f] && !hit; f++)
						if (!strcmp(v, files[f]))
							hit = files[f];
					if (!hit && (!strcmp(v, "/etc") || !strcmp(v, "/etc/")) && recursive)
						hit = "/etc";
				}
				if (hit)
					error = dfx_rule_report_node(ctx, self, n,
								     "`%s` changes the permissions of %s; do not loosen "
								     "it: the runtime adds the arbitrary user itself",
								     name, hit);
			}
		}
	}
	return error;
}
