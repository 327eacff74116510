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
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fileio.h"
#include "instr.h"
#include "rules.h"

/* 1 when a SHELL instruction comes before `node` in its stage or in the
 * stages it is built from, at most 63 stages up (BuildKit then stays quiet
 * about shell form). */
static int shell_set(const dfx_rule_ctx *ctx, const dfx_node *node)
{
	unsigned hops;
	return dfx_rule_shell_before(ctx, node, &hops) >= 0 && hops < 64;
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
static char *join_path(dfx_arena *arena, const char *base, const char *p)
{
	size_t bn = p[0] == '/' ? 0 : strlen(base), pn = strlen(p);
	char *tmp = dfx_arena_alloc(arena, bn + pn + 3);
	char *out = dfx_arena_alloc(arena, bn + pn + 3);
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

/*
 * DF206 walks each final stage once, from its oldest ancestor on, keeping
 * the WORKDIR in effect and the files the COPY/ADD instructions so far put
 * in the image (a later copy to the same path wins); each CMD/ENTRYPOINT of
 * the stage is looked up as the walk reaches it. Walking the stage again
 * for each CMD would be quadratic.
 */

/* A file a COPY/ADD put in the image, keyed by its path or its name. */
typedef struct src_slot {
	const char *key; /* NULL: free */
	script_src src;
	int usable; /* 0: a heredoc source whose body is missing: nothing to read */
} src_slot;

typedef struct src_map {
	src_slot *slots;
	size_t cap, len; /* cap is 0 or a power of two */
} src_map;

typedef struct script_walk {
	dfx_arena arena;  /* the stage's paths, words and maps */
	dffix_buf workdir; /* normalized, "" for the root */
	src_map by_path, by_name;
} script_walk;

static size_t hash_str(const char *s)
{
	uint64_t h = 14695981039346656037u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return (size_t)h;
}

static src_slot *map_slot(const src_map *m, const char *key)
{
	size_t i = hash_str(key) & (m->cap - 1);
	while (m->slots[i].key && strcmp(m->slots[i].key, key))
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static const src_slot *map_get(const src_map *m, const char *key)
{
	if (!m->cap)
		return NULL;
	const src_slot *slot = map_slot(m, key);
	return slot->key ? slot : NULL;
}

static int map_put(src_map *m, dfx_arena *arena, const char *key, const script_src *src, int usable)
{
	if (2 * (m->len + 1) > m->cap) {
		size_t ncap = m->cap ? 2 * m->cap : 64;
		src_slot *slots = ncap <= SIZE_MAX / sizeof(src_slot) ? dfx_arena_alloc(arena, ncap * sizeof(src_slot))
								       : NULL;
		if (!slots)
			return DFFIX_ENOMEM;
		src_map grown = {slots, ncap, m->len};
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i].key)
				*map_slot(&grown, m->slots[i].key) = m->slots[i];
		*m = grown;
	}
	src_slot *slot = map_slot(m, key);
	if (!slot->key)
		m->len++;
	slot->key = key;
	slot->src = *src;
	slot->usable = usable;
	return 0;
}

static const char *workdir_of(const script_walk *w)
{
	return w->workdir.size ? w->workdir.ptr : "/";
}

/* WORKDIR p: join_path(workdir, p) in place, so that a long run of
 * relative WORKDIRs costs no copies. */
static int workdir_push(dffix_buf *dir, const char *p, size_t len)
{
	const char *s = p, *end = p + len;
	int error = 0;
	if (len && p[0] == '/')
		dir->size = 0;
	while (s < end && error == 0) {
		while (s < end && *s == '/')
			s++;
		if (s >= end)
			break;
		const char *e = memchr(s, '/', (size_t)(end - s));
		size_t n = e ? (size_t)(e - s) : (size_t)(end - s);
		if (n == 1 && s[0] == '.') {
			/* skip */
		} else if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (dir->size > 0 && dir->ptr[dir->size - 1] != '/')
				dir->size--;
			if (dir->size > 0)
				dir->size--;
		} else if ((error = dffix_buf_put(dir, "/", 1)) == 0) {
			error = dffix_buf_put(dir, s, n);
		}
		s += n;
	}
	if (dir->ptr)
		dir->ptr[dir->size] = '\0';
	return error;
}

/* Records where a COPY/ADD puts each of its sources (and, for a directory
 * destination, the file of the same name in it). */
static int record_copy(script_walk *w, const dfx_node *n, const dfx_instr *in)
{
	const char **argv;
	size_t argc;
	int error = dfx_instr_argv_in(&argv, &argc, &w->arena, n, in);
	if (error < 0)
		return error;
	if (argc < 2 || has_meta(argv[argc - 1]))
		return 0;
	const char *dest = join_path(&w->arena, workdir_of(w), argv[argc - 1]);
	if (!dest)
		return DFFIX_ENOMEM;
	for (size_t i = 0; i + 1 < argc && error == 0; i++) {
		const char *src = argv[i];
		int heredoc = !strncmp(src, "<<", 2);
		if (!heredoc && has_meta(src))
			continue;
		const char *name = heredoc ? NULL : dfx_basename(src);
		const char *cands[2] = {dest, name ? join_path(&w->arena, dest, name) : NULL};
		if (name && !cands[1])
			return DFFIX_ENOMEM;
		for (int c = 0; c < 2 && error == 0; c++) {
			if (!cands[c])
				continue;
			script_src found;
			memset(&found, 0, sizeof(found));
			found.target = cands[c];
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
						found.text = n->src + hd->body_start;
						found.len = hd->body_end - hd->body_start;
					}
				}
			} else {
				found.path = src;
			}
			int usable = !heredoc || found.text;
			if ((error = map_put(&w->by_path, &w->arena, cands[c], &found, usable)) == 0)
				error = map_put(&w->by_name, &w->arena, dfx_basename(cands[c]), &found, usable);
		}
	}
	return error;
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

/* Reports the script the CMD/ENTRYPOINT `node` runs when it ends without exec. */
static int report_script(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_node *node, const script_src *src)
{
	dffix_buf buf = DFFIX_BUF_INIT;
	const char *text = src->text;
	size_t len = src->len;
	const char *shown = src->target;
	if (src->path) {
		const char *dir = ctx->opts->context_dir;
		if (!dir || src->path[0] == '/' || strstr(src->path, ".."))
			return 0;
		dffix_buf path = DFFIX_BUF_INIT;
		if (dffix_buf_printf(&path, "%s/%s", dir, src->path) < 0)
			return DFFIX_ENOMEM;
		const char *why;
		int rc = dfx_file_read(&buf, path.ptr, (size_t)1 << 20, &why);
		dffix_buf_dispose(&path);
		if (rc < 0)
			return 0; /* missing, unreadable or too large: nothing to say */
		text = buf.ptr;
		len = buf.size;
		shown = src->path;
	}
	int error = 0;
	uint32_t a, b;
	if (is_shell_script(text, len, src->target)) {
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

/* A CMD/ENTRYPOINT met by the walk: the script it runs, looked up among the
 * files copied so far. */
static int check_node(dfx_rule_ctx *ctx, const dfx_rule *self, const script_walk *w, const dfx_node *n)
{
	const dfx_instr *in = &n->instr;
	dfx_cmds cmds;
	int error = dfx_rule_commands(&cmds, ctx, n, in);
	if (error < 0)
		return error;
	if (!cmds.count || cmds.opaque)
		return 0;
	const dfx_cmd *c = &cmds.items[0];
	size_t k = dfx_cmd_name_index(c);
	if (k >= c->argc || !c->argv[k])
		return 0;
	const char *script = c->argv[k];
	if (is_shell_name(script)) {
		if (k + 1 >= c->argc || !c->argv[k + 1] || c->argv[k + 1][0] == '-')
			return 0;
		script = c->argv[k + 1];
	}
	if (has_meta(script))
		return 0;
	const src_slot *hit;
	if (!strchr(script, '/')) {
		hit = map_get(&w->by_name, script);
	} else {
		/* relative paths resolve against the WORKDIR in effect at the node */
		dfx_arena tmp = DFX_ARENA_INIT;
		const char *want = join_path(&tmp, workdir_of(w), script);
		hit = want ? map_get(&w->by_path, want) : NULL;
		dfx_arena_dispose(&tmp);
		if (!want)
			return DFFIX_ENOMEM;
	}
	if (!hit || !hit->usable)
		return 0;
	return report_script(ctx, self, n, &hit->src);
}

static int has_cmd(const dfx_stage *st)
{
	dfx_node *n = NULL;
	while (dfx_stage_next(st, &n))
		if (n->instr.keyword == DFX_KW_CMD || n->instr.keyword == DFX_KW_ENTRYPOINT)
			return 1;
	return 0;
}

/* The walk over one final stage: see script_walk. */
static int walk_stage(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_stage *st)
{
	const dfx_stage *chain[16];
	size_t depth = 0;
	for (const dfx_stage *s = st; s && depth < 16; s = dfx_rule_parent_stage(ctx, s))
		chain[depth++] = s;
	script_walk w;
	memset(&w, 0, sizeof(w));
	int error = 0;
	while (depth-- && error == 0) {
		dfx_node *n = NULL;
		while (error == 0 && dfx_stage_next(chain[depth], &n)) {
			const dfx_instr *in = &n->instr;
			if (depth == 0 && (in->keyword == DFX_KW_CMD || in->keyword == DFX_KW_ENTRYPOINT))
				error = check_node(ctx, self, &w, n);
			else if (in->keyword == DFX_KW_WORKDIR && in->args.end > in->args.start)
				error = workdir_push(&w.workdir, n->logical + in->args.start,
						     in->args.end - in->args.start);
			else if ((in->keyword == DFX_KW_COPY || in->keyword == DFX_KW_ADD) &&
				 !dfx_instr_flag(in, "--from"))
				error = record_copy(&w, n, in);
		}
	}
	dffix_buf_dispose(&w.workdir);
	dfx_arena_dispose(&w.arena);
	return error;
}

DFX_CHECK(dfx_check_script_exec)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (st->in_final && has_cmd(st))
			error = walk_stage(ctx, self, st);
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
