/*
 * rules_runtime.c - how the container runs (GUIDELINES.md G5, O8, O9):
 *
 *   CMD node server.js                      DF205 shell-form-cmd: /bin/sh gets the signals
 *   ENTRYPOINT ["/entrypoint.sh"] whose
 *   last line is `node server.js`           DF206 script-exec: write `exec node server.js`
 *   CMD ["app", "--log=/var/log/app.log"]   DF215 log-to-file (info)
 *   a server image without HEALTHCHECK      DF216 no-healthcheck (info)
 *
 * DF206 reads the script from the build context (opts->context_dir) when a
 * COPY/ADD put it where the CMD/ENTRYPOINT runs it from, or from a COPY
 * heredoc; at most 1 MiB, shell scripts only.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "instr.h"
#include "rules.h"

/* 1 when a SHELL instruction comes before `node` in its stage or in the
 * stages it is built from (BuildKit then stays quiet about shell form). */
static int shell_set(const dfx_rule_ctx *ctx, const dfx_node *node)
{
	const dfx_stage *st = dfx_rule_stage(ctx, node);
	if (!st || !dfx_rule_stage_has_shell(ctx, st))
		return 0;
	const dfx_node *from = node->prev;
	for (int hops = 0; st && hops < 64; hops++) {
		for (const dfx_node *n = from; n; n = n->prev) {
			if (n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_SHELL)
				return 1;
			if (n == st->from)
				break;
		}
		st = dfx_rule_parent_stage(ctx, st);
		from = st ? st->last : NULL;
	}
	return 0;
}

DFX_CHECK(dfx_check_shell_form_cmd)
{
	int error = 0;
	for (const dfx_node *n = ctx->doc->first; n && !error; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 0);
		if (!in || (in->keyword != DFX_KW_CMD && in->keyword != DFX_KW_ENTRYPOINT) || in->json ||
		    in->args.end <= in->args.start || shell_set(ctx, n))
			continue;
		error = dfx_rule_report_node(ctx, self, n,
					     "JSON arguments recommended for %s to prevent unintended behavior related "
					     "to OS signals: in shell form /bin/sh runs as PID 1 and does not forward "
					     "SIGTERM",
					     dfx_keyword_name(in->keyword));
	}
	return error;
}

/* Section - wrapper scripts (G5) */

/* Normalized absolute path: base (a directory) joined with p, "." and
 * "//" removed, ".." resolved. Arena-allocated. */
static char *join_path(dfx_rule_ctx *ctx, const char *base, const char *p)
{
	size_t bn = p[0] == '/' ? 0 : strlen(base), pn = strlen(p);
	char *tmp = dfx_arena_alloc(&ctx->arena, bn + pn + 3);
	char *out = dfx_arena_alloc(&ctx->arena, bn + pn + 3);
	if (!tmp || !out)
		return NULL;
	memcpy(tmp, base, bn);
	tmp[bn] = '/';
	memcpy(tmp + bn + 1, p, pn + 1);
	size_t o = 0;
	for (char *s = tmp; *s;) {
		while (*s == '/')
			s++;
		if (!*s)
			break;
		size_t n = strcspn(s, "/");
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, s, n);
			o += n;
		}
		s += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return out;
}

static int has_meta(const char *s)
{
	return strpbrk(s, "$*?[") != NULL || strstr(s, "://") != NULL || !strncmp(s, "git@", 4);
}

typedef struct script_src {
	const char *path;   /* in the build context, or NULL for a heredoc */
	const char *text;   /* heredoc body */
	size_t len;
	const char *target; /* where it lands in the image */
} script_src;

/* Looks through the COPY/ADD instructions of the stage (and the stages it
 * is built from) before `before` for the file the image path `want` comes
 * from (or, when `bare`, a file of that name). */
static int find_source(dfx_rule_ctx *ctx, const dfx_stage *st, const dfx_node *before, const char *want, int bare,
		       script_src *out)
{
	int found = 0;
	const char *workdir = "/";
	/* Walk from the oldest ancestor so that WORKDIR and later COPYs win. */
	const dfx_stage *chain[16];
	size_t depth = 0;
	for (const dfx_stage *s = st; s && depth < 16; s = dfx_rule_parent_stage(ctx, s))
		chain[depth++] = s;
	while (depth--) {
		dfx_node *n = NULL;
		while (dfx_stage_next(chain[depth], &n) && n != before) {
			const dfx_instr *in = &n->instr;
			if (in->keyword == DFX_KW_WORKDIR && in->args.end > in->args.start) {
				char *w = dfx_arena_strndup(&ctx->arena, n->logical + in->args.start,
							    in->args.end - in->args.start);
				if (!w || !(workdir = join_path(ctx, workdir, w)))
					return DFFIX_ENOMEM;
				continue;
			}
			if ((in->keyword != DFX_KW_COPY && in->keyword != DFX_KW_ADD) || dfx_instr_flag(in, "--from"))
				continue;
			const char **argv;
			size_t argc;
			int error = dfx_instr_argv(&argv, &argc, ctx, n, in);
			if (error < 0)
				return error;
			if (argc < 2 || has_meta(argv[argc - 1]))
				continue;
			const char *dest = join_path(ctx, workdir, argv[argc - 1]);
			if (!dest)
				return DFFIX_ENOMEM;
			for (size_t i = 0; i + 1 < argc; i++) {
				const char *src = argv[i];
				int heredoc = !strncmp(src, "<<", 2);
				if (!heredoc && has_meta(src))
					continue;
				const char *name = heredoc ? NULL : dfx_basename(src);
				const char *cands[2] = {dest, name ? join_path(ctx, dest, name) : NULL};
				for (int c = 0; c < 2; c++) {
					if (!cands[c])
						continue;
					int match = bare ? !strcmp(dfx_basename(cands[c]), want) : !strcmp(cands[c], want);
					if (!match)
						continue;
					memset(out, 0, sizeof(*out));
					out->target = cands[c];
					if (heredoc) {
						/* the body of the heredoc named by this marker */
						char mark[64];
						size_t m = 0;
						for (const char *q = src + 2 + (src[2] == '-'); *q && m < 63; q++)
							if (*q != '"' && *q != '\'')
								mark[m++] = *q;
						mark[m] = '\0';
						for (size_t h = 0; h < n->heredoc_count; h++) {
							const dfx_heredoc *hd = &n->heredocs[h];
							if (hd->name_len == m && !memcmp(hd->name, mark, m)) {
								out->text = n->src + hd->body_start;
								out->len = hd->body_end - hd->body_start;
							}
						}
						if (!out->text)
							continue;
					} else {
						out->path = src;
					}
					found = 1;
				}
			}
		}
	}
	return found;
}

static int is_shell_script(const char *text, size_t len, const char *name)
{
	if (len >= 2 && text[0] == '#' && text[1] == '!') {
		size_t n = 2;
		while (n < len && text[n] != '\n')
			n++;
		char line[128];
		size_t m = n - 2 < sizeof(line) - 1 ? n - 2 : sizeof(line) - 1;
		memcpy(line, text + 2, m);
		line[m] = '\0';
		static const char *const shells[] = {"sh", "bash", "dash", "ash", "ksh", "zsh", "busybox", NULL};
		char *tok = line;
		while (*tok == ' ' || *tok == '\t')
			tok++;
		size_t t = strcspn(tok, " \t\r");
		char first[64];
		snprintf(first, sizeof(first), "%.*s", (int)t, tok);
		const char *interp = dfx_basename(first);
		if (!strcmp(interp, "env")) {
			tok += t;
			while (*tok == ' ' || *tok == '\t')
				tok++;
			t = strcspn(tok, " \t\r");
			snprintf(first, sizeof(first), "%.*s", (int)t, tok);
			interp = first;
		}
		for (size_t i = 0; shells[i]; i++)
			if (!strcmp(interp, shells[i]))
				return 1;
		return 0;
	}
	size_t nl = strlen(name);
	return nl > 3 && !strcmp(name + nl - 3, ".sh");
}

/* Commands after which a script is done without starting anything. */
static int is_quiet_builtin(const char *name)
{
	static const char *const names[] = {"exit", "return", "wait",   "true", "false", ":",    "echo",
					    "printf", "set",  "export", "unset", "trap", "shift", "cd",
					    "[",    "test",   "source", ".",    "read",  "local", "readonly",
					    "eval", "sleep",  "tail",   "exec", NULL};
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return 1;
	return 0;
}

/* The last top-level command of a script when it starts a program without
 * exec: 1 with its text in [*start, *end). */
static int scan_last(dfx_arena *scratch, const char *text, size_t len, uint32_t *start, uint32_t *end)
{
	dfx_sh_script sc;
	int error = dfx_sh_scan(&sc, scratch, text, len);
	if (error < 0)
		return error == DFFIX_EINVAL ? 0 : error;
	if (sc.unterminated || sc.syntax_error || sc.ends_with_background)
		return 0;
	const dfx_sh_cmd *last = NULL;
	for (size_t i = 0; i < sc.cmd_count; i++)
		if (sc.cmds[i].depth == 0)
			last = &sc.cmds[i];
	if (!last || last->kind != DFX_SH_KIND_SIMPLE || (last->flags & DFX_SH_CMD_IN_PIPELINE))
		return 0;
	const char *name = NULL;
	int unknown = 0;
	for (uint32_t k = 0; k < last->word_count; k++) {
		const dfx_sh_word *w = &sc.words[last->first_word + k];
		if (w->flags & (DFX_SH_WORD_ASSIGNMENT | DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET))
			continue;
		name = dfx_sh_word_value(scratch, text, w);
		unknown = name == NULL;
		break;
	}
	if (!name && !unknown)
		return 0; /* assignments only */
	if (name && is_quiet_builtin(dfx_basename(name)))
		return 0;
	*start = last->start;
	*end = last->end;
	return 1;
}

static int last_without_exec(const char *text, size_t len, uint32_t *start, uint32_t *end)
{
	/* The scan is only read here: it goes in an arena of its own. */
	dfx_arena scratch = DFX_ARENA_INIT;
	int rc = scan_last(&scratch, text, len, start, end);
	dfx_arena_dispose(&scratch);
	return rc;
}

static int check_script(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_node *node, const char *script)
{
	const dfx_stage *st = dfx_rule_stage(ctx, node);
	if (!st)
		return 0;
	int bare = !strchr(script, '/');
	const char *want = script;
	if (!bare) {
		/* relative paths resolve against the WORKDIR in effect at the node */
		const char *workdir = "/";
		const dfx_stage *chain[16];
		size_t depth = 0;
		for (const dfx_stage *s = st; s && depth < 16; s = dfx_rule_parent_stage(ctx, s))
			chain[depth++] = s;
		while (depth--) {
			dfx_node *n = NULL;
			while (dfx_stage_next(chain[depth], &n) && n != node) {
				if (n->instr.keyword != DFX_KW_WORKDIR || n->instr.args.end <= n->instr.args.start)
					continue;
				char *w = dfx_arena_strndup(&ctx->arena, n->logical + n->instr.args.start,
							    n->instr.args.end - n->instr.args.start);
				if (!w || !(workdir = join_path(ctx, workdir, w)))
					return DFFIX_ENOMEM;
			}
		}
		if (!(want = join_path(ctx, workdir, script)))
			return DFFIX_ENOMEM;
	}
	script_src src;
	int found = find_source(ctx, st, node, want, bare, &src);
	if (found <= 0)
		return found;
	dffix_buf buf = DFFIX_BUF_INIT;
	const char *text = src.text;
	size_t len = src.len;
	const char *shown = src.target;
	if (src.path) {
		const char *dir = ctx->opts->context_dir;
		if (!dir || src.path[0] == '/' || strstr(src.path, ".."))
			return 0;
		char *path = dfx_arena_printf(&ctx->arena, "%s/%s", dir, src.path);
		if (!path)
			return DFFIX_ENOMEM;
		const char *why;
		if (dfx_file_read(&buf, path, (size_t)1 << 20, &why) < 0)
			return 0; /* missing, unreadable or too large: nothing to say */
		text = buf.ptr;
		len = buf.size;
		shown = src.path;
	}
	int error = 0;
	uint32_t a, b;
	if (is_shell_script(text, len, src.target)) {
		int rc = last_without_exec(text, len, &a, &b);
		if (rc < 0)
			error = rc;
		else if (rc == 1) {
			size_t line = 1;
			for (uint32_t i = 0; i < a; i++)
				line += text[i] == '\n';
			/* one line of at most 60 bytes: continuations and tabs become blanks */
			char cmd[64];
			size_t m = 0;
			for (uint32_t i = a; i < b && m < 60; i++) {
				char ch = text[i];
				if (ch == '\\' && i + 1 < b && (text[i + 1] == '\n' || text[i + 1] == '\r'))
					continue;
				if ((unsigned char)ch < 0x20)
					ch = ' ';
				if (ch == ' ' && m && cmd[m - 1] == ' ')
					continue;
				cmd[m++] = ch;
			}
			cmd[m] = '\0';
			const char *more = m == 60 ? "..." : "";
			error = dfx_rule_report_node(ctx, self, node,
						     "%s ends (line %zu) with `%s%s` without `exec`: that process is "
						     "not PID 1 and gets no SIGTERM; write `exec %s%s`",
						     shown, line, cmd, more, cmd, more);
		}
	}
	dffix_buf_dispose(&buf);
	return error;
}

static int is_shell_name(const char *name)
{
	const char *b = dfx_basename(name);
	return !strcmp(b, "sh") || !strcmp(b, "bash") || !strcmp(b, "dash") || !strcmp(b, "ash");
}

DFX_CHECK(dfx_check_script_exec)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->in_final)
			continue;
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n) && !error) {
			const dfx_instr *in = &n->instr;
			if (in->keyword != DFX_KW_CMD && in->keyword != DFX_KW_ENTRYPOINT)
				continue;
			dfx_cmds cmds;
			if ((error = dfx_rule_commands(&cmds, ctx, n, in)) < 0)
				return error;
			if (!cmds.count || cmds.opaque)
				continue;
			const dfx_cmd *c = &cmds.items[0];
			size_t k = dfx_cmd_name_index(c);
			if (k >= c->argc || !c->argv[k])
				continue;
			const char *script = c->argv[k];
			if (is_shell_name(script)) {
				if (k + 1 >= c->argc || !c->argv[k + 1] || c->argv[k + 1][0] == '-')
					continue;
				script = c->argv[k + 1];
			}
			if (has_meta(script))
				continue;
			error = check_script(ctx, self, n, script);
		}
	}
	return error;
}

/* Section - logs (O8) */

static int is_path_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-' || c == '/';
}

/* Targets of `ln -s /dev/stdout|/dev/stderr TARGET` in the final image. */
typedef struct log_links {
	const char *items[64];
	size_t count;
} log_links;

static int collect_log_links(dfx_rule_ctx *ctx, log_links *out)
{
	out->count = 0;
	for (size_t i = 0; i < ctx->stages.count; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->in_final)
			continue;
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n)) {
			if (n->instr.keyword != DFX_KW_RUN)
				continue;
			dfx_cmds cmds;
			int error = dfx_rule_commands(&cmds, ctx, n, &n->instr);
			if (error < 0)
				return error;
			for (size_t c = 0; c < cmds.count; c++) {
				const dfx_cmd *cmd = &cmds.items[c];
				size_t k = dfx_cmd_name_index(cmd);
				if (k >= cmd->argc || !cmd->argv[k] || strcmp(dfx_basename(cmd->argv[k]), "ln"))
					continue;
				int to_std = 0;
				for (size_t a = k + 1; a < cmd->argc; a++)
					to_std |= cmd->argv[a] && (!strcmp(cmd->argv[a], "/dev/stdout") ||
								   !strcmp(cmd->argv[a], "/dev/stderr") ||
								   !strcmp(cmd->argv[a], "/proc/self/fd/1") ||
								   !strcmp(cmd->argv[a], "/proc/self/fd/2"));
				for (size_t a = k + 1; to_std && a < cmd->argc && out->count < 64; a++)
					if (cmd->argv[a] && cmd->argv[a][0] == '/' && strncmp(cmd->argv[a], "/dev/", 5) &&
					    strncmp(cmd->argv[a], "/proc/", 6))
						out->items[out->count++] = cmd->argv[a];
			}
		}
	}
	return 0;
}

/* 1 when a link covers the path: the link is the path, a directory above
 * it, or a file inside the directory it names. */
static int linked(const log_links *links, const char *p, size_t n)
{
	while (n > 1 && p[n - 1] == '/')
		n--;
	for (size_t i = 0; i < links->count; i++) {
		const char *l = links->items[i];
		size_t m = strlen(l);
		while (m > 1 && l[m - 1] == '/')
			m--;
		size_t k = m < n ? m : n;
		if (!strncmp(l, p, k) && (m == n || (m < n ? p[m] == '/' : l[n] == '/')))
			return 1;
	}
	return 0;
}

DFX_CHECK(dfx_check_log_to_file)
{
	log_links links;
	int error = collect_log_links(ctx, &links);
	if (error < 0)
		return error;
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	for (const dfx_stage *st = final; st; st = dfx_rule_parent_stage(ctx, st)) {
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n)) {
			const dfx_instr *in = &n->instr;
			if (in->keyword != DFX_KW_CMD && in->keyword != DFX_KW_ENTRYPOINT && in->keyword != DFX_KW_ENV)
				continue;
			const char *s = n->logical;
			for (uint32_t p = in->args.start; p + 9 < in->args.end; p++) {
				if (memcmp(s + p, "/var/log/", 9) || (p > 0 && is_path_char(s[p - 1])))
					continue;
				uint32_t e = p + 9;
				while (e < in->args.end && is_path_char(s[e]))
					e++;
				if (e == p + 9 || linked(&links, s + p, e - p)) {
					p = e;
					continue;
				}
				return dfx_rule_report_span(ctx, self, n, (dfx_span){p, e},
							    "`%.*s` keeps logs in a file inside the container; log to "
							    "standard output, or link the log file to /dev/stdout (`ln -sf "
							    "/dev/stdout FILE`)",
							    (int)(e - p), s + p);
			}
		}
	}
	return 0;
}

/* Section - health checks (O9) */

DFX_CHECK(dfx_check_no_healthcheck)
{
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	if (!final)
		return 0;
	const char *why = NULL, *name;
	const dfx_node *at;
	for (const dfx_stage *st = final; st; st = dfx_rule_parent_stage(ctx, st)) {
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n)) {
			if (n->instr.keyword == DFX_KW_HEALTHCHECK)
				return 0;
			if (n->instr.keyword == DFX_KW_EXPOSE && !why)
				why = "EXPOSEs a port";
		}
	}
	char buf[96];
	if (!why && dfx_rule_server_name(ctx, 1, &name, &at)) {
		snprintf(buf, sizeof(buf), "starts `%s`", name);
		why = buf;
	}
	if (!why)
		return 0;
	return dfx_rule_report_node(ctx, self, final->from,
				    "the final image %s but has no HEALTHCHECK; add one as an example for the "
				    "platform's liveness and readiness probes",
				    why);
}
