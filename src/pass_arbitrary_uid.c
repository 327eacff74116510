/*
 * pass_arbitrary_uid.c - let an arbitrary user ID write the directories the
 * final image's process writes (O2). OpenShift runs containers with a random
 * UID whose group is 0, so those directories must belong to group 0 and give
 * the group the owner's rights:
 *
 *     FROM ubi9                     FROM ubi9
 *     WORKDIR /app                  WORKDIR /app
 *     COPY . .                      COPY . .
 *     USER 1001               ->    RUN chgrp -R 0 /app && \
 *     CMD ["./run"]                     chmod -R g=u /app
 *                                   USER 1001
 *                                   CMD ["./run"]
 *
 *     RUN mkdir /var/lib/app        RUN mkdir /var/lib/app
 *     VOLUME /var/lib/app /cache -> RUN mkdir -p /cache && \
 *                                       chgrp -R 0 /var/lib/app /cache && \
 *                                       chmod -R g=u /var/lib/app /cache
 *                                   VOLUME /var/lib/app /cache
 *
 * The directories: every WORKDIR and VOLUME of the final stage plus the
 * configured writable_dirs. A directory is left out (with a diagnostic) when
 * it is a system path (/, /etc and everything under it so /etc/passwd is never
 * loosened, /usr, /var, /lib*, /tmp...), when a variable or an unknown base
 * directory hides it, or when a RUN after its last write already does
 * `chgrp -R 0` (or `chown -R x:0`) and `chmod -R g=u` (or g+rwX) on it or a
 * parent.
 *
 * Placement: after the last instruction that may write into the directory
 * (WORKDIR creating it, COPY/ADD into it, a RUN naming it, working in it, or
 * using variables; an unknown working directory counts as /) and before the
 * first of: a USER that is not root, CMD,
 * ENTRYPOINT, HEALTHCHECK, SHELL, or a VOLUME covering the directory. The
 * VOLUME rule: the classic builder discards what a RUN changes inside a
 * declared volume (docker's Dockerfile reference, VOLUME, "Changing the
 * volume from within the Dockerfile"; BuildKit keeps the changes), so the
 * RUN must come before the VOLUME line; when the directory is written after
 * its VOLUME line the pass refuses. Directories with different windows get
 * separate RUNs. The RUN needs root: when a non-root USER is in effect there
 * the pass refuses. A base image's own USER is unknown and assumed root.
 * `mkdir -p` is added for VOLUME and configured directories that no WORKDIR
 * or mkdir of the stage created, since chgrp fails on a missing path (a
 * VOLUME line does not create its directory); it leaves existing ones alone.
 */
#include <string.h>
#include <strings.h>

#include "instr.h"
#include "pass.h"
#include "shell.h"

enum { USER_ROOT, USER_OTHER, USER_UNKNOWN };

/* What the build has set up before an instruction. */
typedef struct state {
	const char *cwd;  /* normalized working directory; NULL when unknown */
	const char *user; /* USER text in effect; NULL: the base image's (assumed root) */
	int user_kind;
	const dfx_node *user_node;
	int shell_posix;
	const dfx_node *shell_node;
} state;

typedef struct path_list {
	const char **items;
	size_t len;
} path_list;

enum { SRC_WORKDIR, SRC_VOLUME, SRC_OPTION };

typedef struct dir {
	const char *path;    /* normalized, absolute */
	const dfx_node *src; /* where it was found (the FROM for configured ones) */
	int kind;
	int skip;        /* refused, covered by a parent, or handled */
	size_t cover;    /* 1 + index of the listed parent whose chgrp -R covers it; 0: none */
	long last_write; /* index of the last instruction writing it; -1: none */
	long limit;      /* index of the instruction the RUN must precede */
	int group;
} dir;

/* What a RUN may write, for the "last write" of a directory. Commands that
 * only chgrp/chown/chmod/mkdir literal absolute paths write exactly those
 * paths; the rest of the text is judged by the names it mentions. Reading
 * the pass's own `chgrp -R 0 /p && chmod -R g=u /p` that way instead would
 * count it as a write to /g (`g=u`), or to /app when /p is /usr/src/app, and
 * a second run would hand those to group 0 again. */
typedef struct run_writes {
	int scanned;      /* 0: not understood; judge the raw text */
	path_list paths;  /* what the exact commands write */
	const char *rest; /* flags and the other commands' text, exact commands blanked */
	size_t rest_len;
	int other_cmds;   /* a command not understood exactly: it may write in the working directory */
} run_writes;

typedef struct uid_ctx {
	dfx_pass_ctx *ctx;
	const dfx_pass *self;
	dfx_arena *arena;
	dfx_node **nodes; /* instructions of the final stage after its FROM */
	size_t n;
	state *before;        /* before[i]: state before nodes[i]; before[n]: at the end */
	const char **workdir; /* resolved WORKDIR of nodes[i], or NULL */
	path_list *made;      /* directories RUN nodes[i] creates with mkdir */
	run_writes *rw;       /* what RUN nodes[i] may write */
	dir *dirs;
	size_t ndirs, capdirs;
	int declared; /* WORKDIR/VOLUME lines seen, resolved or not */
} uid_ctx;

/* Section - paths */

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

/* Joins `p` to `base` when relative and removes `.`, `..`, repeated and
 * trailing slashes. NULL when relative without a base, or out of memory. */
static const char *norm_path(dfx_arena *arena, const char *base, const char *p, size_t len)
{
	size_t blen = (len && p[0] == '/') ? 0 : (base ? strlen(base) : 0);
	if (!(len && p[0] == '/') && !base)
		return NULL;
	char *out = dfx_arena_alloc(arena, blen + len + 3);
	if (!out)
		return NULL;
	size_t o = 0;
	out[o++] = '/';
	for (int part = 0; part < 2; part++) {
		const char *s = part == 0 ? base : p;
		size_t sl = part == 0 ? blen : len;
		size_t i = 0;
		while (i < sl) {
			while (i < sl && s[i] == '/')
				i++;
			size_t st = i;
			while (i < sl && s[i] != '/')
				i++;
			size_t cl = i - st;
			if (cl == 0 || (cl == 1 && s[st] == '.'))
				continue;
			if (cl == 2 && s[st] == '.' && s[st + 1] == '.') {
				while (o > 1 && out[o - 1] != '/')
					o--;
				if (o > 1)
					o--;
				continue;
			}
			if (o > 1)
				out[o++] = '/';
			memcpy(out + o, s + st, cl);
			o += cl;
		}
	}
	out[o] = '\0';
	return out;
}

/* 1 when `a` is `b` or lies inside it. */
static int is_under(const char *a, const char *b)
{
	size_t bl = strlen(b);
	if (bl == 1 && b[0] == '/')
		return 1;
	return !strncmp(a, b, bl) && (a[bl] == '\0' || a[bl] == '/');
}

static int overlaps(const char *a, const char *b)
{
	return is_under(a, b) || is_under(b, a);
}

/* Why a directory must not be changed, or NULL. */
static const char *system_reason(const char *p)
{
	/* clang-format off */
	static const char *const exact[] = {
		"/", "/home", "/media", "/mnt", "/opt", "/root", "/run", "/usr", "/var", "/usr/include",
		"/usr/libexec", "/usr/share", "/usr/src", "/usr/local", "/usr/local/bin", "/usr/local/sbin",
		"/usr/local/lib", "/usr/local/lib64", "/usr/local/include", "/usr/local/share",
		"/usr/local/etc", "/usr/local/libexec", "/var/lib", "/var/log", "/var/cache", "/var/spool",
		"/var/run", "/var/lock", "/var/mail", "/var/opt", "/var/local", "/var/backups", "/var/www",
		NULL
	};
	static const char *const tree[] = {
		"/etc", "/proc", "/sys", "/dev", "/boot", "/bin", "/sbin", "/usr/bin", "/usr/sbin", NULL
	};
	/* clang-format on */
	if (!strcmp(p, "/tmp") || !strcmp(p, "/var/tmp") || !strcmp(p, "/dev/shm"))
		return "is world-writable already";
	if (is_under(p, "/etc"))
		return "holds system configuration (and /etc/passwd is never loosened)";
	for (size_t i = 0; tree[i]; i++)
		if (is_under(p, tree[i]))
			return "is a system directory";
	/* /lib, /lib64, /usr/lib32... and what lies in them */
	if (!strncmp(p, "/lib", 4) || !strncmp(p, "/usr/lib", 8))
		return "is a system directory";
	for (size_t i = 0; exact[i]; i++)
		if (!strcmp(p, exact[i]))
			return "is a system directory";
	return NULL;
}

/* Paths we write into the RUN without quoting. */
static int shell_safe(const char *p)
{
	for (; *p; p++)
		if (!is_name_char(*p) && !strchr("/+@%,:=", *p))
			return 0;
	return 1;
}

/* Section - what each instruction does */

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

/* The WORKDIR/VOLUME word text has something the builder would process. */
static int needs_processing(const char *s, size_t n, char escape)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '$' || s[i] == '"' || s[i] == '\'' || s[i] == escape)
			return 1;
	return 0;
}

static int user_kind(const char *s, size_t n)
{
	size_t u = 0;
	while (u < n && s[u] != ':')
		u++;
	if (memchr(s, '$', n))
		return USER_UNKNOWN;
	if ((u == 4 && !memcmp(s, "root", 4)) || (u == 1 && s[0] == '0'))
		return USER_ROOT;
	return USER_OTHER;
}

static int shell_is_posix(const dfx_instr *in)
{
	if (!in->json || in->json_count == 0)
		return 0;
	const char *prog = in->json_values[0];
	const char *slash = strrchr(prog, '/');
	if (slash)
		prog = slash + 1;
	static const char *const posix[] = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox", NULL};
	for (size_t i = 0; posix[i]; i++)
		if (!strcmp(prog, posix[i]))
			return 1;
	return 0;
}

/* The resolved directory of a WORKDIR given the working directory before
 * it; NULL when unknown (*var set when a variable or quote hides it). */
static const char *workdir_path(dfx_arena *arena, const dfx_node *n, const char *cwd, char escape, int *var)
{
	const char *s = n->logical + n->instr.args.start;
	size_t len = n->instr.args.end - n->instr.args.start;
	*var = needs_processing(s, len, escape);
	if (*var || len == 0)
		return NULL;
	return norm_path(arena, cwd, s, len);
}

/* Updates *st for the instruction n (WORKDIR, USER, SHELL). */
static void step(state *st, dfx_arena *arena, const dfx_node *n, char escape)
{
	const dfx_instr *in = &n->instr;
	const char *s = n->logical + in->args.start;
	size_t len = in->args.end - in->args.start;
	int var;
	switch (in->keyword) {
	case DFX_KW_WORKDIR:
		st->cwd = workdir_path(arena, n, st->cwd, escape, &var);
		break;
	case DFX_KW_USER: {
		size_t w = 0;
		while (w < len && !is_blank(s[w]))
			w++;
		st->user = dfx_arena_strndup(arena, s, w);
		st->user_kind = user_kind(s, w);
		st->user_node = n;
		break;
	}
	case DFX_KW_SHELL:
		st->shell_posix = shell_is_posix(in);
		st->shell_node = n;
		break;
	default:
		break;
	}
}

/* The state at the end of a stage, following FROM <stage> chains. */
static void stage_end_state(state *st, dfx_pass_ctx *ctx, const dfx_stage *stage, int depth)
{
	memset(st, 0, sizeof(*st));
	st->shell_posix = 1;
	if (stage->base_is_stage && stage->base && depth < 64) {
		dfx_stages prior = {ctx->stages.items, stage->index};
		const dfx_stage *parent = dfx_stages_lookup(&prior, stage->base, strlen(stage->base));
		if (parent)
			stage_end_state(st, ctx, parent, depth + 1);
	}
	for (const dfx_node *n = stage->from->next; n; n = n->next) {
		if (n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_FROM)
			break;
		if (n->kind == DFX_NODE_INSTRUCTION)
			step(st, &ctx->doc->arena, n, ctx->doc->escape);
	}
}

/* The root of the FROM <stage> chain is `scratch`. */
static int from_scratch(dfx_pass_ctx *ctx, const dfx_stage *stage)
{
	for (int depth = 0; stage && depth < 64; depth++) {
		if (!stage->base)
			return 0;
		if (!stage->base_is_stage)
			return !strcasecmp(stage->base, "scratch");
		dfx_stages prior = {ctx->stages.items, stage->index};
		stage = dfx_stages_lookup(&prior, stage->base, strlen(stage->base));
	}
	return 0;
}

/* The last argument of COPY/ADD: its destination, resolved; NULL when
 * unknown. */
static const char *copy_dest(dfx_arena *arena, const dfx_node *n, const char *cwd, char escape)
{
	const dfx_instr *in = &n->instr;
	const char *s;
	size_t len;
	if (in->json) {
		if (in->json_count < 2)
			return NULL;
		s = in->json_values[in->json_count - 1];
		len = strlen(s);
	} else {
		uint32_t e = in->args.end, b;
		while (e > in->args.start && is_blank(n->logical[e - 1]))
			e--;
		b = e;
		while (b > in->args.start && !is_blank(n->logical[b - 1]))
			b--;
		s = n->logical + b;
		len = e - b;
		if (needs_processing(s, len, escape))
			return NULL;
	}
	if (len == 0 || memchr(s, '$', len))
		return NULL;
	return norm_path(arena, cwd, s, len);
}

/* Section - RUNs that already do the job */

static int recursive_option(const char *w)
{
	if (!strcmp(w, "--recursive"))
		return 1;
	return w[0] == '-' && w[1] != '-' && strchr(w, 'R') != NULL;
}

static int group_is_root(const char *g)
{
	return !strcmp(g, "0") || !strcmp(g, "root");
}

/* A chmod mode that gives the group at least the owner's read/write rights. */
static int mode_ok(const char *m)
{
	size_t n = strlen(m);
	if (n >= 3 && n <= 4 && strspn(m, "01234567") == n) {
		char u = m[n - 3], g = m[n - 2];
		return u == g && ((g - '0') & 2);
	}
	const char *p = m;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t cl = e ? (size_t)(e - p) : strlen(p);
		size_t who = strspn(p, "ugoa");
		int g = memchr(p, 'g', who) || memchr(p, 'a', who);
		if (g && who < cl) {
			char op = p[who];
			const char *perm = p + who + 1;
			size_t pl = cl - who - 1;
			if (op == '=' && pl == 1 && perm[0] == 'u')
				return 1;
			if (op == '+' && memchr(perm, 'r', pl) && memchr(perm, 'w', pl) &&
			    (memchr(perm, 'x', pl) || memchr(perm, 'X', pl)))
				return 1;
		}
		p += cl;
		if (*p == ',')
			p++;
	}
	return 0;
}

static int list_push(path_list *l, dfx_arena *arena, const char *p)
{
	const char **items = dfx_arena_alloc(arena, (l->len + 1) * sizeof(char *));
	if (!items)
		return DFFIX_ENOMEM;
	if (l->len)
		memcpy(items, l->items, l->len * sizeof(char *));
	items[l->len++] = p;
	l->items = items;
	return 0;
}

static int list_covers(const path_list *l, const char *p)
{
	for (size_t i = 0; i < l->len; i++)
		if (is_under(p, l->items[i]))
			return 1;
	return 0;
}

/* Collects the paths a RUN gives to group 0 recursively (chgrp/chown),
 * makes group-writable like the owner (chmod), and creates (mkdir). */
/* The shell scanner's arrays are large (kilobytes per RUN): each RUN is
 * scanned into `tmp`, freed right after, and only the paths found are kept
 * in `arena`, so memory stays proportional to the paths, not to the RUNs. */
static int scan_handler_in(path_list *grp, path_list *mod, path_list *made, dfx_arena *arena, dfx_arena *tmp,
                           const dfx_node *n, const char *cwd);

static int scan_handler(path_list *grp, path_list *mod, path_list *made, dfx_arena *arena, const dfx_node *n,
                        const char *cwd)
{
	dfx_arena tmp = DFX_ARENA_INIT;
	int error = scan_handler_in(grp, mod, made, arena, &tmp, n, cwd);
	dfx_arena_dispose(&tmp);
	return error;
}

static int scan_handler_in(path_list *grp, path_list *mod, path_list *made, dfx_arena *arena, dfx_arena *tmp,
                           const dfx_node *n, const char *cwd)
{
	const dfx_instr *in = &n->instr;
	memset(grp, 0, sizeof(*grp));
	memset(mod, 0, sizeof(*mod));
	memset(made, 0, sizeof(*made));
	if (in->json || n->heredoc_count || in->args.end <= in->args.start)
		return 0;
	const char *text = n->logical + in->args.start;
	dfx_sh_script sc;
	int error = dfx_sh_scan(&sc, tmp, text, in->args.end - in->args.start);
	if (error < 0)
		return error;
	if (sc.unterminated || sc.syntax_error)
		return 0;
	for (size_t c = 0; c < sc.cmd_count; c++) {
		const dfx_sh_cmd *cmd = &sc.cmds[c];
		if (cmd->kind != DFX_SH_KIND_SIMPLE)
			continue;
		const char *words[64];
		size_t nw = 0;
		int unknown = 0;
		for (uint32_t k = 0; k < cmd->word_count && nw < 64; k++) {
			const dfx_sh_word *w = &sc.words[cmd->first_word + k];
			if (w->flags & (DFX_SH_WORD_ASSIGNMENT | DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET))
				continue;
			const char *v = dfx_sh_word_value(tmp, text, w);
			if (!v) {
				unknown = 1;
				v = "";
			}
			words[nw++] = v;
		}
		if (nw < 2 || (unknown && nw == 0))
			continue;
		const char *name = strrchr(words[0], '/') ? strrchr(words[0], '/') + 1 : words[0];
		if (!strcmp(name, "mkdir")) {
			/* Directories it creates need no mkdir from us. */
			for (size_t k = 1; k < nw; k++) {
				if (!words[k][0] || words[k][0] == '-')
					continue;
				const char *p = norm_path(arena, cwd, words[k], strlen(words[k]));
				if (p && (error = list_push(made, arena, p)) < 0)
					return error;
			}
			continue;
		}
		if (nw < 3)
			continue;
		int is_chgrp = !strcmp(name, "chgrp"), is_chown = !strcmp(name, "chown"),
		    is_chmod = !strcmp(name, "chmod");
		if (!is_chgrp && !is_chown && !is_chmod)
			continue;
		size_t k = 1;
		int recursive = 0;
		for (; k < nw && words[k][0] == '-' && words[k][1]; k++) {
			if (!strcmp(words[k], "--")) {
				k++;
				break;
			}
			/* chmod -w and friends are modes, not options. */
			if (is_chmod && strspn(words[k] + 1, "rwxXst") == strlen(words[k] + 1))
				break;
			recursive |= recursive_option(words[k]);
		}
		if (!recursive || k + 1 >= nw)
			continue;
		const char *arg = words[k];
		int ok;
		if (is_chgrp) {
			ok = group_is_root(arg);
		} else if (is_chown) {
			const char *colon = strchr(arg, ':');
			ok = colon && group_is_root(colon + 1);
		} else {
			ok = mode_ok(arg);
		}
		if (!ok)
			continue;
		for (k++; k < nw; k++) {
			if (!words[k][0])
				continue;
			const char *p = norm_path(arena, cwd, words[k], strlen(words[k]));
			if (p && (error = list_push(is_chmod ? mod : grp, arena, p)) < 0)
				return error;
		}
	}
	return 0;
}

/* Section - writes */

/* The text mentions `p` or a parent of it as a path component (`/app`,
 * `app/x`, `./app`), or uses a variable or a command substitution. */
static int text_touches(const char *s, size_t len, const char *p)
{
	if (memchr(s, '$', len) || memchr(s, '`', len))
		return 1;
	/* Each component of p, bounded by non-name characters. */
	const char *c = p;
	while (*c) {
		while (*c == '/')
			c++;
		const char *e = c;
		while (*e && *e != '/')
			e++;
		size_t cl = (size_t)(e - c);
		for (size_t i = 0; cl && i + cl <= len; i++) {
			if (memcmp(s + i, c, cl) != 0)
				continue;
			if (i > 0 && is_name_char(s[i - 1]))
				continue;
			if (i + cl < len && is_name_char(s[i + cl]))
				continue;
			return 1;
		}
		c = e;
	}
	return 0;
}

/* The raw RUN text touches `p` (text_touches) or the RUN runs inside it. An
 * unknown working directory (the base image's) counts as `/`, the default:
 * counting it as "anywhere" would make every RUN before the first WORKDIR
 * write everywhere. */
static int run_touches(const dfx_node *n, const char *p, const char *cwd)
{
	if (cwd && is_under(cwd, p))
		return 1;
	return text_touches(n->src + n->start, n->end - n->start, p);
}

/* When cmd is a chgrp, chown, chmod or mkdir of literal absolute paths,
 * without redirections or assignments, appends those paths to *out and
 * returns 1; returns 0 for any other command (nothing appended). */
static int exact_targets(path_list *out, dfx_arena *arena, dfx_arena *tmp, const char *text,
                         const dfx_sh_script *sc, const dfx_sh_cmd *cmd)
{
	const char *words[64];
	size_t nw = cmd->word_count;
	if (cmd->kind != DFX_SH_KIND_SIMPLE || nw < 2 || nw > 64)
		return 0;
	for (size_t k = 0; k < nw; k++) {
		const dfx_sh_word *w = &sc->words[cmd->first_word + k];
		if (w->flags & (DFX_SH_WORD_ASSIGNMENT | DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET))
			return 0;
		if (!(words[k] = dfx_sh_word_value(tmp, text, w)))
			return 0;
	}
	const char *name = strrchr(words[0], '/') ? strrchr(words[0], '/') + 1 : words[0];
	int is_mkdir = !strcmp(name, "mkdir"), is_chmod = !strcmp(name, "chmod");
	if (!is_mkdir && !is_chmod && strcmp(name, "chgrp") && strcmp(name, "chown"))
		return 0;
	int operand = !is_mkdir; /* the owner, group or mode before the paths */
	size_t k = 1;
	for (; k < nw && words[k][0] == '-' && words[k][1]; k++) {
		const char *w = words[k];
		size_t wl = strlen(w);
		if (!strcmp(w, "--")) {
			k++;
			break;
		}
		/* chmod -w and friends are modes, not options. */
		if (is_chmod && strspn(w + 1, "rwxXst") == wl - 1)
			break;
		if (!strncmp(w, "--reference", 11))
			operand = 0;
		/* mkdir -m MODE, -pm MODE, --mode MODE: skip the mode. */
		if (is_mkdir && (!strcmp(w, "--mode") || (w[1] != '-' && w[wl - 1] == 'm')))
			k++;
	}
	if (operand)
		k++;
	if (k >= nw)
		return 0;
	/* Relative paths depend on the working directory, which a `cd` earlier
	 * in the RUN may have changed. */
	for (size_t j = k; j < nw; j++)
		if (words[j][0] != '/')
			return 0;
	for (size_t j = k; j < nw; j++) {
		const char *p = norm_path(arena, NULL, words[j], strlen(words[j]));
		if (!p || list_push(out, arena, p) < 0)
			return DFFIX_ENOMEM;
	}
	return 1;
}

/* Works out what the RUN n may write (see run_writes). */
static int scan_writes_in(run_writes *rw, dfx_arena *arena, dfx_arena *tmp, const dfx_node *n);

/* As scan_handler(): the scan itself lives in a temporary arena. */
static int scan_writes(run_writes *rw, dfx_arena *arena, const dfx_node *n)
{
	dfx_arena tmp = DFX_ARENA_INIT;
	int error = scan_writes_in(rw, arena, &tmp, n);
	dfx_arena_dispose(&tmp);
	return error;
}

static int scan_writes_in(run_writes *rw, dfx_arena *arena, dfx_arena *tmp, const dfx_node *n)
{
	const dfx_instr *in = &n->instr;
	memset(rw, 0, sizeof(*rw));
	if (in->json || n->heredoc_count || in->keyword_span.end > in->args.start || in->args.end < in->args.start)
		return 0;
	const char *text = n->logical + in->args.start;
	size_t len = in->args.end - in->args.start;
	dfx_sh_script sc;
	int error = dfx_sh_scan(&sc, tmp, text, len);
	if (error < 0)
		return error;
	if (sc.unterminated || sc.syntax_error || sc.has_heredoc)
		return 0;
	/* The flags (a --mount target, say) stay in the text judged by name. */
	size_t pre = in->args.start - in->keyword_span.end;
	char *rest = dfx_arena_strndup(arena, n->logical + in->keyword_span.end, pre + len);
	if (!rest)
		return DFFIX_ENOMEM;
	for (size_t c = 0; c < sc.cmd_count; c++) {
		const dfx_sh_cmd *cmd = &sc.cmds[c];
		int exact = exact_targets(&rw->paths, arena, tmp, text, &sc, cmd);
		if (exact < 0)
			return exact;
		if (exact)
			memset(rest + pre + cmd->start, ' ', cmd->end - cmd->start);
		else
			rw->other_cmds = 1;
	}
	rw->rest = rest;
	rw->rest_len = pre + len;
	rw->scanned = 1;
	return 0;
}

/* An instruction before nodes[i] of the stage created directory p (a
 * WORKDIR of it or inside it, or a mkdir of it or inside it). */
static int made_before(const uid_ctx *u, size_t i, const char *p)
{
	for (size_t j = 0; j < i; j++) {
		if (u->workdir[j] && is_under(u->workdir[j], p))
			return 1;
		for (size_t k = 0; k < u->made[j].len; k++)
			if (is_under(u->made[j].items[k], p))
				return 1;
	}
	return 0;
}

/* Whether instruction i may write into directory p. */
static int writes(uid_ctx *u, size_t i, const char *p, const path_list *grp, const path_list *mod)
{
	const dfx_node *n = u->nodes[i];
	const char *cwd = u->before[i].cwd;
	switch (n->instr.keyword) {
	case DFX_KW_WORKDIR:
		if (!u->workdir[i])
			return 1;
		/* It creates its directory, unless that exists already. */
		return is_under(u->workdir[i], p) && !made_before(u, i, u->workdir[i]);
	case DFX_KW_COPY:
	case DFX_KW_ADD: {
		const char *d = copy_dest(u->arena, n, cwd, u->ctx->doc->escape);
		return !d || overlaps(d, p);
	}
	case DFX_KW_RUN: {
		const run_writes *rw = &u->rw[i];
		if (list_covers(&grp[i], p) && list_covers(&mod[i], p))
			return 0; /* it hands the directory to group 0 itself */
		if (!rw->scanned)
			return run_touches(n, p, cwd);
		for (size_t k = 0; k < rw->paths.len; k++)
			if (overlaps(rw->paths.items[k], p))
				return 1;
		/* Only a command we do not follow may write in the working
		 * directory (the pass's own RUN never does). */
		if (rw->other_cmds && cwd && is_under(cwd, p))
			return 1;
		return text_touches(rw->rest, rw->rest_len, p);
	}
	default:
		return 0;
	}
}

static int add_dir(uid_ctx *u, const char *path, const dfx_node *src, int kind)
{
	for (size_t i = 0; i < u->ndirs; i++)
		if (!strcmp(u->dirs[i].path, path))
			return 0;
	if (u->ndirs == u->capdirs) {
		size_t ncap = u->capdirs ? u->capdirs * 2 : 8;
		dir *nd = dfx_arena_alloc(u->arena, ncap * sizeof(dir));
		if (!nd)
			return DFFIX_ENOMEM;
		if (u->ndirs)
			memcpy(nd, u->dirs, u->ndirs * sizeof(dir));
		u->dirs = nd;
		u->capdirs = ncap;
	}
	dir *d = &u->dirs[u->ndirs++];
	memset(d, 0, sizeof(*d));
	d->path = path;
	d->src = src;
	d->kind = kind;
	return 0;
}

static uint32_t line_of(const dfx_node *n)
{
	return n ? n->line : 0;
}

/* Section - the pass */

static int collect_dirs(uid_ctx *u, const dfx_stage *final)
{
	dfx_pass_ctx *ctx = u->ctx;
	int error;
	for (size_t i = 0; i < u->n; i++) {
		dfx_node *n = u->nodes[i];
		const dfx_instr *in = &n->instr;
		if (in->keyword == DFX_KW_WORKDIR || in->keyword == DFX_KW_VOLUME)
			u->declared = 1;
		if (in->keyword == DFX_KW_WORKDIR) {
			if (dfx_pass_suppressed(ctx, u->self, n))
				continue;
			const char *s = n->logical + in->args.start;
			int len = (int)(in->args.end - in->args.start);
			if (u->workdir[i]) {
				if ((error = add_dir(u, u->workdir[i], n, SRC_WORKDIR)) < 0)
					return error;
			} else if (needs_processing(s, (size_t)len, ctx->doc->escape)) {
				if ((error = dfx_pass_refused(ctx, u->self, n,
				                              "WORKDIR `%.*s` uses a variable or quotes; its directory "
				                              "is unknown",
				                              len, s)) < 0)
					return error;
			} else if (len) {
				if ((error =
				         dfx_pass_refused(ctx, u->self, n,
				                          "relative WORKDIR `%.*s`: the directory it is relative to "
				                          "is unknown",
				                          len, s)) < 0)
					return error;
			}
		} else if (in->keyword == DFX_KW_VOLUME) {
			if (dfx_pass_suppressed(ctx, u->self, n))
				continue;
			const char *s = n->logical + in->args.start;
			size_t len = in->args.end - in->args.start;
			size_t count = in->json ? in->json_count : 0;
			for (size_t k = 0, p = 0;; k++) {
				const char *w;
				size_t wl;
				if (in->json) {
					if (k >= count)
						break;
					w = in->json_values[k];
					wl = strlen(w);
				} else {
					while (p < len && is_blank(s[p]))
						p++;
					if (p >= len)
						break;
					w = s + p;
					while (p < len && !is_blank(s[p]))
						p++;
					wl = (size_t)(s + p - w);
					if (needs_processing(w, wl, ctx->doc->escape))
						wl = (size_t)-1;
				}
				if (wl == (size_t)-1 || memchr(w, '$', wl) || wl == 0 || w[0] != '/') {
					size_t show = wl == (size_t)-1 ? (size_t)(s + p - w) : wl;
					if ((error = dfx_pass_refused(ctx, u->self, n,
					                              "VOLUME `%.*s` is not a plain absolute path; its "
					                              "directory is unknown",
					                              (int)show, w)) < 0)
						return error;
					continue;
				}
				const char *path = norm_path(u->arena, NULL, w, wl);
				if (!path || (error = add_dir(u, path, n, SRC_VOLUME)) < 0)
					return DFFIX_ENOMEM;
			}
		}
	}
	for (size_t k = 0; k < ctx->opts->writable_dir_count; k++) {
		const char *w = ctx->opts->writable_dirs[k];
		if (!w || w[0] != '/') {
			if ((error = dfx_pass_refused(ctx, u->self, final->from,
			                              "writable directory `%s` is not an absolute path", w ? w : "")) <
			    0)
				return error;
			continue;
		}
		const char *path = norm_path(u->arena, NULL, w, strlen(w));
		if (!path || (error = add_dir(u, path, final->from, SRC_OPTION)) < 0)
			return DFFIX_ENOMEM;
	}
	return 0;
}

/* Marks directories that are system paths, need quoting, or lie inside
 * another directory of the list (its chgrp -R covers them). */
static int filter_dirs(uid_ctx *u)
{
	int error;
	for (size_t i = 0; i < u->ndirs; i++) {
		dir *d = &u->dirs[i];
		const char *why = system_reason(d->path);
		if (why || !shell_safe(d->path)) {
			d->skip = 1;
			if ((error = dfx_pass_refused(u->ctx, u->self, d->src, "not changing %s: it %s", d->path,
			                              why ? why : "has characters that need quoting")) < 0)
				return error;
		}
	}
	/* The outermost listed parent covers a directory. Its window lies inside
	 * the child's (every write or VOLUME that overlaps the child overlaps the
	 * parent), so the child only needs its mkdir in the parent's RUN. */
	for (size_t i = 0; i < u->ndirs; i++) {
		for (size_t j = 0; j < u->ndirs && !u->dirs[i].skip; j++) {
			if (i == j || u->dirs[j].skip || !is_under(u->dirs[i].path, u->dirs[j].path))
				continue;
			if (!u->dirs[i].cover || is_under(u->dirs[u->dirs[i].cover - 1].path, u->dirs[j].path))
				u->dirs[i].cover = j + 1;
		}
	}
	for (size_t i = 0; i < u->ndirs; i++)
		if (u->dirs[i].cover)
			u->dirs[i].skip = 1;
	return 0;
}

/* Instruction kinds the RUN must come before. */
static int is_limit(const uid_ctx *u, size_t i, const char *p)
{
	const dfx_node *n = u->nodes[i];
	const dfx_instr *in = &n->instr;
	switch (in->keyword) {
	case DFX_KW_CMD:
	case DFX_KW_ENTRYPOINT:
	case DFX_KW_HEALTHCHECK:
	case DFX_KW_SHELL:
		return 1;
	case DFX_KW_USER: {
		const char *s = n->logical + in->args.start;
		size_t w = 0, len = in->args.end - in->args.start;
		while (w < len && !is_blank(s[w]))
			w++;
		return user_kind(s, w) != USER_ROOT;
	}
	case DFX_KW_VOLUME: {
		/* Does this VOLUME cover p (or lie inside it)? */
		const char *s = n->logical + in->args.start;
		size_t len = in->args.end - in->args.start;
		if (in->json) {
			for (size_t k = 0; k < in->json_count; k++) {
				const char *v = in->json_values[k];
				const char *np = v[0] == '/' ? norm_path(u->arena, NULL, v, strlen(v)) : NULL;
				if (!np || overlaps(np, p))
					return 1;
			}
			return 0;
		}
		for (size_t q = 0; q < len;) {
			while (q < len && is_blank(s[q]))
				q++;
			size_t b = q;
			while (q < len && !is_blank(s[q]))
				q++;
			if (q == b)
				break;
			const char *np = s[b] == '/' && !needs_processing(s + b, q - b, u->ctx->doc->escape)
			                     ? norm_path(u->arena, NULL, s + b, q - b)
			                     : NULL;
			if (!np || overlaps(np, p))
				return 1;
		}
		return 0;
	}
	default:
		return 0;
	}
}

/* Builds and inserts the RUN for one group before nodes[limit]. */
static int insert_run(uid_ctx *u, int group, long limit)
{
	dfx_pass_ctx *ctx = u->ctx;
	const char *eol = dfx_pass_eol(ctx);
	char esc = ctx->doc->escape;
	dffix_buf list = DFFIX_BUF_INIT, mk = DFFIX_BUF_INIT, text = DFFIX_BUF_INIT;
	int error = 0;
	for (size_t i = 0; i < u->ndirs; i++) {
		dir *d = &u->dirs[i];
		if (d->skip || d->group != group)
			continue;
		if ((error = dffix_buf_printf(&list, " %s", d->path)) < 0)
			goto cleanup;
	}
	for (size_t i = 0; i < u->ndirs; i++) {
		dir *d = &u->dirs[i];
		const dir *top = d;
		while (top->cover)
			top = &u->dirs[top->cover - 1];
		if (top->skip || top->group != group || d->kind == SRC_WORKDIR)
			continue;
		if (!made_before(u, (size_t)limit, d->path) && (error = dffix_buf_printf(&mk, " %s", d->path)) < 0)
			goto cleanup;
	}
	if ((error = dffix_buf_puts(&text, "RUN ")) < 0)
		goto cleanup;
	if (mk.size && (error = dffix_buf_printf(&text, "mkdir -p%s && %c%s    ", mk.ptr, esc, eol)) < 0)
		goto cleanup;
	if ((error = dffix_buf_printf(&text, "chgrp -R 0%s && %c%s    chmod -R g=u%s%s", list.ptr, esc, eol, list.ptr,
	                              eol)) < 0)
		goto cleanup;

	/* Before the limit and the comment lines directly above it; at the end
	 * of the stage, right after its last instruction. */
	dfx_node *before;
	if ((size_t)limit < u->n) {
		before = u->nodes[limit];
		while (before->prev && before->prev->kind == DFX_NODE_COMMENT)
			before = before->prev;
	} else {
		dfx_node *last = u->n ? u->nodes[u->n - 1] : NULL;
		before = last ? last->next : NULL;
		/* A missing final line ending is added by dfx_pass_insert(). */
	}
	dfx_node *nn = NULL;
	error = dfx_pass_insert(ctx, before, text.ptr, text.size, &nn);
	if (error == DFFIX_EPARSE) {
		error = dfx_pass_refused(ctx, u->self, before ? before : ctx->doc->last,
					 "the RUN for%s cannot be inserted there: the line before it is still open "
					 "(a continuation or a missing line ending)",
					 list.ptr);
		goto cleanup;
	}
	if (error < 0)
		goto cleanup;
	error = dfx_pass_applied(ctx, u->self, nn,
	                         "added chgrp -R 0 and chmod -R g=u for%s so an arbitrary user "
	                         "ID in group 0 can write there",
	                         list.ptr);
cleanup:
	dffix_buf_dispose(&list);
	dffix_buf_dispose(&mk);
	dffix_buf_dispose(&text);
	return error;
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	if (ctx->stages.count == 0)
		return 0;
	const dfx_stage *final = &ctx->stages.items[ctx->stages.count - 1];
	if (dfx_pass_suppressed(ctx, self, final->from))
		return 0;
	uid_ctx u;
	memset(&u, 0, sizeof(u));
	u.ctx = ctx;
	u.self = self;
	u.arena = &ctx->doc->arena;
	int error = 0;

	for (dfx_node *n = final->from->next; n; n = n->next)
		if (n->kind == DFX_NODE_INSTRUCTION)
			u.n++;
	u.nodes = dfx_arena_alloc(u.arena, (u.n + 1) * sizeof(dfx_node *));
	u.before = dfx_arena_alloc(u.arena, (u.n + 1) * sizeof(state));
	u.workdir = dfx_arena_alloc(u.arena, (u.n + 1) * sizeof(char *));
	path_list *grp = dfx_arena_alloc(u.arena, (u.n + 1) * sizeof(path_list));
	path_list *mod = dfx_arena_alloc(u.arena, (u.n + 1) * sizeof(path_list));
	u.made = dfx_arena_alloc(u.arena, (u.n + 1) * sizeof(path_list));
	u.rw = dfx_arena_alloc(u.arena, (u.n + 1) * sizeof(run_writes));
	if (!u.nodes || !u.before || !u.workdir || !grp || !mod || !u.made || !u.rw)
		return DFFIX_ENOMEM;

	/* The state each instruction sees. */
	state st;
	memset(&st, 0, sizeof(st));
	st.shell_posix = 1;
	if (final->base_is_stage) {
		dfx_stages prior = {ctx->stages.items, final->index};
		const dfx_stage *parent = dfx_stages_lookup(&prior, final->base, strlen(final->base));
		if (parent)
			stage_end_state(&st, ctx, parent, 0);
	}
	size_t i = 0;
	for (dfx_node *n = final->from->next; n; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION)
			continue;
		u.nodes[i] = n;
		u.before[i] = st;
		if (n->instr.keyword == DFX_KW_WORKDIR) {
			int var;
			u.workdir[i] = workdir_path(u.arena, n, st.cwd, ctx->doc->escape, &var);
		}
		if (n->instr.keyword == DFX_KW_RUN &&
		    ((error = scan_handler(&grp[i], &mod[i], &u.made[i], u.arena, n, st.cwd)) < 0 ||
		     (error = scan_writes(&u.rw[i], u.arena, n)) < 0))
			return error;
		step(&st, u.arena, n, ctx->doc->escape);
		i++;
	}
	u.before[u.n] = st;

	if ((error = collect_dirs(&u, final)) < 0)
		return error;
	if (u.ndirs == 0 && !u.declared && ctx->opts->writable_dir_count == 0)
		return dfx_pass_refused(ctx, self, final->from,
		                        "no writable directory known: the final stage has no WORKDIR or VOLUME; "
		                        "list the directories the process writes in writable_dirs");
	if ((error = filter_dirs(&u)) < 0)
		return error;
	int any = 0;
	for (size_t k = 0; k < u.ndirs; k++)
		any |= !u.dirs[k].skip;
	if (any && from_scratch(ctx, final))
		return dfx_pass_refused(ctx, self, final->from,
		                        "FROM scratch has no chgrp; give the files group 0 and g=u when copying them "
		                        "(COPY --chown=UID:0 --chmod=...)");
	/* The backtick escape is the mark of Windows images (cmd.exe or
	 * PowerShell, no chgrp), as merge-run and pkg-clean also assume. */
	if (any && ctx->doc->escape == '`')
		return dfx_pass_refused(ctx, self, final->from,
		                        "the backtick escape marks a Windows image, which has no chgrp or chmod; "
		                        "not adding them");

	/* The window of each directory: after its last write, before its limit. */
	for (size_t k = 0; k < u.ndirs; k++) {
		dir *d = &u.dirs[k];
		if (d->skip)
			continue;
		d->last_write = -1;
		for (size_t j = 0; j < u.n; j++)
			if (writes(&u, j, d->path, grp, mod))
				d->last_write = (long)j;
		int handled = 0;
		for (size_t j = (size_t)(d->last_write + 1); j < u.n; j++)
			if (u.nodes[j]->instr.keyword == DFX_KW_RUN && list_covers(&grp[j], d->path) &&
			    list_covers(&mod[j], d->path))
				handled = 1;
		if (handled) {
			d->skip = 1;
			continue;
		}
		for (long j = 0; j < d->last_write; j++) {
			if (u.nodes[j]->instr.keyword == DFX_KW_VOLUME && is_limit(&u, (size_t)j, d->path)) {
				d->skip = 1;
				error =
				    dfx_pass_refused(ctx, self, d->src,
				                     "VOLUME on line %u comes before the last write to %s (line %u); "
				                     "the classic builder discards what a RUN changes in a volume "
				                     "after its VOLUME line",
				                     line_of(u.nodes[j]), d->path, line_of(u.nodes[d->last_write]));
				break;
			}
		}
		if (error < 0)
			return error;
		if (d->skip)
			continue;
		d->limit = (long)u.n;
		for (size_t j = (size_t)(d->last_write + 1); j < u.n; j++) {
			if (is_limit(&u, j, d->path)) {
				d->limit = (long)j;
				break;
			}
		}
	}

	/* Fewest RUNs: take the earliest limit, put in every directory whose
	 * last write comes before it, repeat. */
	int groups = 0;
	for (;;) {
		long limit = -1;
		for (size_t k = 0; k < u.ndirs; k++) {
			dir *d = &u.dirs[k];
			if (!d->skip && !d->group && (limit < 0 || d->limit < limit))
				limit = d->limit;
		}
		if (limit < 0)
			break;
		int g = ++groups;
		int members = 0;
		const state *at = &u.before[limit];
		for (size_t k = 0; k < u.ndirs; k++) {
			dir *d = &u.dirs[k];
			if (d->skip || d->group || d->last_write >= limit)
				continue;
			d->group = g;
			if (at->user_kind != USER_ROOT && at->user) {
				uint32_t ul = line_of(at->user_node);
				if (d->last_write >= 0 && at->user_node &&
				    dfx_stages_find(&ctx->stages, at->user_node) == final)
					error =
					    dfx_pass_refused(ctx, self, d->src,
					                     "USER %s (line %u) comes before the last write to %s "
					                     "(line %u); chgrp needs root",
					                     at->user, ul, d->path, line_of(u.nodes[d->last_write]));
				else
					error =
					    dfx_pass_refused(ctx, self, d->src,
					                     "USER %s (line %u) is in effect where %s would be handed "
					                     "to group 0; chgrp needs root",
					                     at->user, ul, d->path);
				d->skip = 1;
			} else if (!at->shell_posix) {
				error = dfx_pass_refused(
				    ctx, self, d->src, "SHELL on line %u is not a POSIX shell; not adding chgrp for %s",
				    line_of(at->shell_node), d->path);
				d->skip = 1;
			} else {
				members++;
			}
			if (error < 0)
				return error;
		}
		if (!members)
			continue;
		if ((size_t)limit < u.n && dfx_pass_suppressed(ctx, self, u.nodes[limit]))
			continue;
		if ((error = insert_run(&u, g, limit)) < 0)
			return error;
	}
	return 0;
}

const dfx_pass dfx_pass_arbitrary_uid = {
    .name = "arbitrary-uid",
    .rule_id = "DF105",
    .fix_bit = DFFIX_FIX_ARBITRARY_UID,
    .summary = "give the final stage's writable directories to group 0 with group rights equal to the owner's",
    .guideline = "O2",
    .aliases = NULL,
    .severity = DFFIX_SEV_WARNING,
    .run = run,
};
