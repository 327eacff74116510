/*
 * pass_cache_order.c - copy build-context files after the package installs
 * that follow them, so editing a file does not re-run the installs (G7).
 *
 *     FROM alpine:3.19                  FROM alpine:3.19
 *     # the application                 RUN apk add --no-cache curl
 *     COPY app/ /srv/app/          ->   # the application
 *     RUN apk add --no-cache curl       COPY app/ /srv/app/
 *
 * Moved: a COPY or ADD of context files (no --from, no URL, no heredoc) with
 * the comment lines directly above it. It goes right after the last of the
 * RUNs directly following it that are plain installs of named packages
 * (yum, dnf, microdnf, apt-get, apt, apk, zypper; with their update/clean
 * steps and `rm` of cache directories). Nothing else moves, and only RUNs
 * are crossed.
 *
 * Refused (with the reason) when a package install follows but:
 *   - something other than such a RUN stands in between (a RUN that may read
 *     the files, mentions the destination or a source name, mounts the build
 *     context, creates users while the COPY has --chown; an ENV or ARG, above
 *     all one defining a variable the COPY uses; a WORKDIR; another COPY...);
 *   - the copied files configure the package manager (.repo, keys, *.rpm,
 *     *.deb, sources.list, requirement and lock files...), or land where
 *     packages install files (/etc, /usr, /var, /opt, /lib*, /home, /, ...): the
 *     install could write the same paths, and the order decides which wins;
 *   - the destination is relative and the working directory unknown, or the
 *     sources or destination use variables.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "instr.h"
#include "pass.h"
#include "shell.h"

typedef struct copy_info {
	const char **sources; /* as written */
	size_t source_count;
	const char *dest;     /* as written */
	const char *dest_abs; /* resolved and normalized; NULL when unknown */
	const char *chown;    /* --chown value or NULL */
} copy_info;

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

static int is_under(const char *a, const char *b)
{
	size_t bl = strlen(b);
	if (bl == 1 && b[0] == '/')
		return 1;
	return !strncmp(a, b, bl) && (a[bl] == '\0' || a[bl] == '/');
}

/* Joins a relative path to `base` and normalizes; NULL when relative
 * without a base or out of memory. */
static const char *norm_path(dfx_arena *arena, const char *base, const char *p, size_t len)
{
	int abs = len && p[0] == '/';
	if (!abs && !base)
		return NULL;
	size_t blen = abs ? 0 : strlen(base);
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

static uint32_t line_of(const dfx_pass_ctx *ctx, const dfx_node *n)
{
	return dfx_node_input_line(ctx->doc, n);
}

static const dfx_instr *instr_of(const dfx_node *n)
{
	return n && n->kind == DFX_NODE_INSTRUCTION ? &n->instr : NULL;
}

static int is_kw(const dfx_node *n, dfx_keyword kw)
{
	const dfx_instr *in = instr_of(n);
	return in && in->keyword == kw;
}

static const char *flag_value(const dfx_instr *in, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < in->flag_count; i++)
		if (!strncmp(in->flag_values[i], name, n) && in->flag_values[i][n] == '=')
			return in->flag_values[i] + n + 1;
	return NULL;
}

/* Section - the working directory */

/* Follows a WORKDIR: *cwd becomes the new directory, or NULL when it is
 * unknown (variables or quotes, relative to an unknown directory). */
static void apply_workdir(const char **cwd, dfx_arena *arena, const dfx_node *n, char escape)
{
	const char *s = n->logical + n->instr.args.start;
	size_t len = n->instr.args.end - n->instr.args.start;
	int plain = len > 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '$' || s[i] == '"' || s[i] == '\'' || s[i] == escape)
			plain = 0;
	*cwd = plain ? norm_path(arena, *cwd, s, len) : NULL;
}

/* Section - the COPY */

/* Fills *out; returns 1 for a COPY/ADD of context files, 0 otherwise. */
static int read_copy(copy_info *out, dfx_arena *arena, const dfx_node *n)
{
	const dfx_instr *in = instr_of(n);
	memset(out, 0, sizeof(*out));
	if (!in || (in->keyword != DFX_KW_COPY && in->keyword != DFX_KW_ADD) || n->heredoc_count)
		return 0;
	if (flag_value(in, "--from"))
		return 0;
	out->chown = flag_value(in, "--chown");
	const char **words;
	size_t count = 0;
	if (in->json) {
		words = in->json_values;
		count = in->json_count;
	} else {
		size_t cap = 0;
		for (uint32_t p = in->args.start; p < in->args.end; p++)
			if (!is_blank(n->logical[p]) && (p == in->args.start || is_blank(n->logical[p - 1])))
				cap++;
		words = dfx_arena_alloc(arena, (cap + 1) * sizeof(char *));
		if (!words)
			return 0;
		for (uint32_t p = in->args.start; p < in->args.end;) {
			while (p < in->args.end && is_blank(n->logical[p]))
				p++;
			uint32_t b = p;
			while (p < in->args.end && !is_blank(n->logical[p]))
				p++;
			if (p > b)
				words[count++] = dfx_arena_strndup(arena, n->logical + b, p - b);
		}
	}
	if (count < 2)
		return 0;
	for (size_t i = 0; i < count; i++) {
		if (!words[i])
			return 0;
		if (in->keyword == DFX_KW_ADD && i + 1 < count &&
		    (strstr(words[i], "://") || !strncmp(words[i], "git@", 4)))
			return 0; /* a URL or a repository, not context files */
	}
	out->sources = words;
	out->source_count = count - 1;
	out->dest = words[count - 1];
	return 1;
}

static const char *base_name(const char *p)
{
	size_t n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && p[b - 1] != '/')
		b--;
	/* Returned as a pointer into p; callers use it with its length. */
	return p + b;
}

static size_t base_len(const char *p)
{
	const char *b = base_name(p);
	size_t n = strlen(b);
	while (n > 1 && b[n - 1] == '/')
		n--;
	return n;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);
	return n >= k && !strncasecmp(s + n - k, suffix, k);
}

static int starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);
	return n >= k && !strncasecmp(s, prefix, k);
}

/* A file name or path that configures a package manager or lists what a
 * build installs. */
static int configures_packages(const char *p)
{
	/* clang-format off */
	static const char *const names[] = {
		"sources.list", "package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock",
		"pnpm-lock.yaml", "go.mod", "go.sum", "pom.xml", "pyproject.toml", "setup.py", "setup.cfg",
		"poetry.lock", "composer.json", "composer.lock", "cargo.toml", "cargo.lock", ".npmrc",
		".yarnrc", "pip.conf", ".pypirc", "repositories", "apt.conf", "dnf.conf", "yum.conf",
		"zypp.conf", "cpanfile", "environment.yml", "conda.yml", "mix.exs", "mix.lock", NULL
	};
	static const char *const suffixes[] = {
		".repo", ".rpm", ".deb", ".apk", ".gpg", ".pem", ".asc", ".key", ".crt", ".list", ".lock",
		".pub", ".sources", NULL
	};
	static const char *const prefixes[] = {
		"requirements", "constraints", "gemfile", "pipfile", "build.gradle", "settings.gradle", NULL
	};
	static const char *const dirs[] = {
		"/etc/yum.repos.d", "/etc/apt", "/etc/pki", "/etc/apk", "/etc/zypp", "/etc/dnf", "/etc/yum",
		"/etc/rpm", "/etc/ssl", "/usr/share/keyrings", "yum.repos.d", NULL
	};
	/* clang-format on */
	const char *b = base_name(p);
	size_t n = base_len(p);
	for (size_t i = 0; names[i]; i++)
		if (strlen(names[i]) == n && !strncasecmp(b, names[i], n))
			return 1;
	for (size_t i = 0; suffixes[i]; i++)
		if (ends_with(b, n, suffixes[i]))
			return 1;
	for (size_t i = 0; prefixes[i]; i++)
		if (starts_with(b, n, prefixes[i]))
			return 1;
	for (size_t i = 0; dirs[i]; i++) {
		const char *hit = strstr(p, dirs[i]);
		size_t k = strlen(dirs[i]);
		if (hit && (hit[k] == '\0' || hit[k] == '/') && (hit == p || hit[-1] == '/' || dirs[i][0] == '/'))
			return 1;
	}
	return 0;
}

/* Directories packages install into. */
static int package_tree(const char *p)
{
	/* clang-format off */
	static const char *const trees[] = {
		"/etc", "/usr", "/var", "/opt", "/bin", "/sbin", "/boot", "/root", "/home", "/run", "/proc",
		"/sys", "/dev", NULL
	};
	/* clang-format on */
	if (!strcmp(p, "/"))
		return 1;
	if (!strncmp(p, "/lib", 4))
		return 1;
	for (size_t i = 0; trees[i]; i++)
		if (is_under(p, trees[i]))
			return 1;
	return 0;
}

/* `word` occurs in text[0..len) not followed by a name character. */
static int mentions(const char *text, size_t len, const char *word, size_t wl)
{
	if (wl == 0)
		return 0;
	for (size_t i = 0; i + wl <= len; i++) {
		if (memcmp(text + i, word, wl) != 0)
			continue;
		if (i + wl < len && is_name_char(text[i + wl]))
			continue;
		if (word[0] != '/' && i > 0 && is_name_char(text[i - 1]))
			continue;
		return 1;
	}
	return 0;
}

/* Section - package-install RUNs */

/* clang-format off */
static const char *const managers[] = {
	"apt-get", "apt", "yum", "dnf", "microdnf", "apk", "zypper", "tdnf", NULL
};
/* clang-format on */

/* Subcommands that neither read local files nor run build scripts. */
/* clang-format off */
static const char *const subcommands[] = {
	"install", "add", "in", "update", "upgrade", "up", "dist-upgrade", "full-upgrade", "dup", "clean",
	"makecache", "autoremove", "remove", "purge", "erase", "del", "rm", "refresh", "ref", "reinstall",
	"distro-sync", "check-update", "autoclean", "cache", "all", "metadata", "packages", "-y", NULL
};
/* clang-format on */

static int in_list(const char *const *list, const char *s)
{
	for (size_t i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return 1;
	return 0;
}

static int is_install_word(const char *s)
{
	return !strcmp(s, "install") || !strcmp(s, "add") || !strcmp(s, "in") || !strcmp(s, "reinstall");
}

/* Cache and temporary directories an install RUN may clean. */
static int cache_path(const char *p)
{
	/* clang-format off */
	static const char *const dirs[] = {
		"/var/cache", "/var/lib/apt/lists", "/var/lib/yum", "/var/lib/dnf", "/var/log", "/tmp",
		"/var/tmp", "/root/.cache", "/usr/share/doc", "/usr/share/man", "/usr/share/info",
		"/etc/apk/cache", NULL
	};
	/* clang-format on */
	for (size_t i = 0; dirs[i]; i++)
		if (is_under(p, dirs[i]))
			return 1;
	return 0;
}

typedef struct run_facts {
	int installs;      /* a package manager installs something */
	int plain;         /* nothing but package-manager steps and cache cleanup */
	int creates_users; /* useradd, adduser, groupadd, addgroup */
	int binds_context; /* --mount of type bind without from= */
} run_facts;

/* The literal text of a word that may hold glob characters (no quotes or
 * expansions), or NULL. */
static const char *glob_text(dfx_arena *arena, const char *text, const dfx_sh_word *w)
{
	if (w->flags & ~(unsigned)DFX_SH_WORD_GLOB)
		return NULL;
	return dfx_arena_strndup(arena, text + w->start, w->end - w->start);
}

static int mount_binds_context(const char *v)
{
	/* --mount=type=bind,source=...; bind is the default type. */
	int bind = 1, from = 0;
	const char *p = v;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n >= 5 && !strncmp(p, "type=", 5))
			bind = n == 9 && !strncmp(p + 5, "bind", 4);
		if (n >= 5 && !strncmp(p, "from=", 5))
			from = 1;
		p += n;
		if (*p == ',')
			p++;
	}
	return bind && !from;
}

static int read_run(run_facts *out, dfx_arena *arena, const dfx_node *n, const char *dest_abs)
{
	const dfx_instr *in = instr_of(n);
	memset(out, 0, sizeof(*out));
	if (!in || in->keyword != DFX_KW_RUN)
		return 0;
	for (size_t i = 0; i < in->flag_count; i++)
		if (!strncmp(in->flag_values[i], "--mount=", 8) && mount_binds_context(in->flag_values[i] + 8))
			out->binds_context = 1;
	const char *text = n->logical + in->args.start;
	size_t len = in->args.end - in->args.start;
	if (in->json) {
		/* Exec form: look for users and installs, never call it plain. */
		for (size_t i = 0; i < in->json_count; i++) {
			const char *b = strrchr(in->json_values[i], '/');
			b = b ? b + 1 : in->json_values[i];
			if (i == 0 && in_list(managers, b))
				for (size_t k = 1; k < in->json_count; k++)
					out->installs |= is_install_word(in->json_values[k]);
		}
		return 0;
	}
	for (const char *const *u = (const char *const[]){"useradd", "adduser", "groupadd", "addgroup", NULL}; *u; u++)
		if (mentions(text, len, *u, strlen(*u)))
			out->creates_users = 1;
	dfx_sh_script sc;
	int error = dfx_sh_scan(&sc, arena, text, len);
	if (error < 0)
		return error;
	int plain = !n->heredoc_count && !sc.unterminated && !sc.syntax_error && !sc.has_heredoc;
	for (size_t c = 0; c < sc.cmd_count; c++) {
		const dfx_sh_cmd *cmd = &sc.cmds[c];
		if (cmd->kind != DFX_SH_KIND_SIMPLE || (cmd->flags & (DFX_SH_CMD_SUBSHELL | DFX_SH_CMD_CMDSUBST |
		                                                      DFX_SH_CMD_FUNCDEF | DFX_SH_CMD_COMPOUND_BODY)))
			plain = 0;
		const char *words[128];
		const dfx_sh_word *raw[128];
		size_t nw = 0;
		for (uint32_t k = 0; k < cmd->word_count; k++) {
			const dfx_sh_word *w = &sc.words[cmd->first_word + k];
			if (w->flags & DFX_SH_WORD_REDIRECT)
				continue;
			if (w->flags & DFX_SH_WORD_REDIRECT_TARGET) {
				const char *v = dfx_sh_word_value(arena, text, w);
				if (!v || (strcmp(v, "/dev/null") && strspn(v, "0123456789") != strlen(v)))
					plain = 0;
				continue;
			}
			if (w->flags & DFX_SH_WORD_ASSIGNMENT) {
				if (w->flags & (DFX_SH_WORD_EXPANSION | DFX_SH_WORD_ARITH | DFX_SH_WORD_ASSIGNS))
					plain = 0;
				continue;
			}
			if (nw == 128) {
				plain = 0;
				break;
			}
			raw[nw] = w;
			words[nw++] = dfx_sh_word_value(arena, text, w);
		}
		if (nw == 0)
			continue;
		if (!words[0]) {
			plain = 0;
			continue;
		}
		const char *name = strrchr(words[0], '/') ? strrchr(words[0], '/') + 1 : words[0];
		if (in_list(managers, name)) {
			int sub_seen = 0;
			for (size_t k = 1; k < nw; k++) {
				const char *w = words[k];
				if (!w || strchr(w, '/')) {
					plain = 0; /* a path or something unknown: may be a local file */
					continue;
				}
				if (w[0] == '-')
					continue;
				if (!sub_seen) {
					sub_seen = 1;
					if (is_install_word(w))
						out->installs = 1;
					if (!in_list(subcommands, w))
						plain = 0;
					continue;
				}
				if (ends_with(w, strlen(w), ".rpm") || ends_with(w, strlen(w), ".deb") ||
				    ends_with(w, strlen(w), ".apk"))
					plain = 0;
			}
			continue;
		}
		if (!strcmp(name, "rm")) {
			for (size_t k = 1; k < nw; k++) {
				const char *w = words[k] ? words[k] : glob_text(arena, text, raw[k]);
				if (!w) {
					plain = 0;
					continue;
				}
				if (w[0] == '-')
					continue;
				/* Clean the part before any glob character. */
				size_t pre = strcspn(w, "*?[");
				const char *p = norm_path(arena, NULL, w, pre);
				if (!p || w[0] != '/' || !cache_path(p) ||
				    (dest_abs && (is_under(p, dest_abs) || is_under(dest_abs, p))))
					plain = 0;
			}
			continue;
		}
		if (!strcmp(name, "true") || !strcmp(name, ":") || !strcmp(name, "echo") || !strcmp(name, "set") ||
		    !strcmp(name, "export")) {
			for (size_t k = 1; k < nw; k++)
				if (!words[k])
					plain = 0;
			continue;
		}
		plain = 0;
	}
	out->plain = plain;
	return 0;
}

/* Section - the pass */

/* Whether the ENV/ARG node declares a variable the COPY uses; the name in
 * *name. */
static int defines_used_var(dfx_pass_ctx *ctx, dfx_arena *tmp, const dfx_node *decl, const dfx_node *copy,
                            const char **name)
{
	dfx_span *words;
	size_t count;
	if (dfx_instr_words(&words, &count, tmp, decl->logical, decl->instr.args, ctx->doc->escape) < 0)
		return 1;
	if (decl->instr.keyword == DFX_KW_ENV && count &&
	    !memchr(decl->logical + words[0].start, '=', words[0].end - words[0].start))
		count = 1; /* ENV name value */
	const char *s = copy->logical;
	size_t len = copy->logical_len;
	for (size_t i = 0; i < count; i++) {
		const char *w = decl->logical + words[i].start;
		size_t wl = words[i].end - words[i].start;
		const char *eq = memchr(w, '=', wl);
		size_t nl = eq ? (size_t)(eq - w) : wl;
		for (size_t k = 0; k + 1 < len; k++) {
			if (s[k] != '$')
				continue;
			size_t p = k + 1 + (s[k + 1] == '{');
			if (len - p >= nl && !memcmp(s + p, w, nl) &&
			    (p + nl == len || !(is_name_char(s[p + nl]) && s[p + nl] != '.' && s[p + nl] != '-'))) {
				*name = dfx_arena_strndup(tmp, w, nl);
				return 1;
			}
		}
	}
	return 0;
}

/* A decision, reported once every COPY is done so that the diagnostics
 * come in source order. */
typedef struct verdict {
	int applied;
	const char *message; /* arena */
} verdict;

static int refuse(dfx_pass_ctx *ctx, verdict *v, const char *why)
{
	v->applied = 0;
	v->message = dfx_arena_printf(&ctx->doc->arena, "not moved after the package install: %s", why);
	return v->message ? 0 : DFFIX_ENOMEM;
}

/* Moves the COPY (with its comment block) right after `target`. */
static int move(dfx_pass_ctx *ctx, verdict *v, dfx_node *copy, dfx_node *target)
{
	dfx_node *first = copy;
	while (first->prev && first->prev->kind == DFX_NODE_COMMENT)
		first = first->prev;
	dffix_buf text = DFFIX_BUF_INIT;
	const char *eol = dfx_pass_eol(ctx);
	int error = 0;
	int glue = target->next == NULL && (target->end == target->start || target->src[target->end - 1] != '\n');
	if (glue && ((error = dffix_buf_put(&text, target->src + target->start, target->end - target->start)) < 0 ||
	             (error = dffix_buf_puts(&text, eol)) < 0))
		goto cleanup;
	for (dfx_node *n = first;; n = n->next) {
		if ((error = dffix_buf_put(&text, n->src + n->start, n->end - n->start)) < 0)
			goto cleanup;
		if (n == copy)
			break;
	}
	if (text.size && text.ptr[text.size - 1] != '\n' && (error = dffix_buf_puts(&text, eol)) < 0)
		goto cleanup;
	v->applied = 1;
	v->message = dfx_arena_printf(&ctx->doc->arena,
	                              "moved %s after the package install on line %u, so editing the copied files "
	                              "does not re-run the install",
	                              dfx_keyword_name(copy->instr.keyword), line_of(ctx, target));
	if (!v->message) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	if (glue)
		error = dfx_pass_replace(ctx, target, target, text.ptr, text.size, NULL);
	else
		error = dfx_pass_insert(ctx, target->next, text.ptr, text.size, NULL);
	if (error < 0)
		goto cleanup;
	for (dfx_node *n = first;;) {
		dfx_node *next = n->next;
		int stop = n == copy;
		dfx_cst_unlink(ctx->doc, n);
		if (stop)
			break;
		n = next;
	}
cleanup:
	dffix_buf_dispose(&text);
	return error;
}

/* Decides about one COPY: `cwd` is the working directory there (NULL when
 * unknown). Scratch data goes to `tmp`, freed by the caller. */
static int try_copy(dfx_pass_ctx *ctx, const dfx_pass *self, verdict *v, dfx_arena *tmp, dfx_node *copy,
                    const char *cwd)
{
	dfx_arena *arena = tmp;
	copy_info ci;
	if (!read_copy(&ci, arena, copy) || dfx_pass_suppressed(ctx, self, copy))
		return 0;
	int error;

	char why[512];
	ci.dest_abs = strchr(ci.dest, '$') ? NULL : norm_path(arena, cwd, ci.dest, strlen(ci.dest));

	/* Walk the RUNs that follow. */
	dfx_node *target = NULL;
	const char *blocker = NULL;
	for (dfx_node *n = copy->next; n && !is_kw(n, DFX_KW_FROM); n = n->next) {
		if (n->kind == DFX_NODE_COMMENT || n->kind == DFX_NODE_BLANK)
			continue;
		const dfx_instr *in = instr_of(n);
		if (!in) {
			blocker = "a line the builder rejects stands in between";
			break;
		}
		uint32_t ln = line_of(ctx, n);
		if (in->keyword != DFX_KW_RUN) {
			const char *vname = NULL;
			if ((in->keyword == DFX_KW_ENV || in->keyword == DFX_KW_ARG) &&
			    defines_used_var(ctx, tmp, n, copy, &vname))
				snprintf(why, sizeof(why), "%s on line %u defines %s, which the %s uses",
				         dfx_keyword_name(in->keyword), ln, vname ? vname : "a variable",
				         dfx_keyword_name(copy->instr.keyword));
			else if (in->keyword == DFX_KW_WORKDIR && ci.dest[0] != '/')
				snprintf(why, sizeof(why),
				         "WORKDIR on line %u changes where the relative "
				         "destination `%s` goes",
				         ln, ci.dest);
			else
				snprintf(why, sizeof(why), "%s on line %u stands in between; only RUNs are crossed",
				         dfx_keyword_name(in->keyword), ln);
			blocker = why;
			break;
		}
		run_facts rf;
		if ((error = read_run(&rf, arena, n, ci.dest_abs)) < 0)
			return error;
		const char *text = n->src + n->start;
		size_t tlen = n->end - n->start;
		const char *hit = NULL;
		if (ci.dest_abs && mentions(text, tlen, ci.dest_abs, strlen(ci.dest_abs)))
			hit = ci.dest_abs;
		else if (mentions(text, tlen, ci.dest, strlen(ci.dest)) && strcmp(ci.dest, ".") &&
		         strcmp(ci.dest, "./"))
			hit = ci.dest;
		for (size_t i = 0; !hit && i < ci.source_count; i++) {
			const char *b = base_name(ci.sources[i]);
			size_t bl = base_len(ci.sources[i]);
			if (bl && !(bl == 1 && b[0] == '.') && !strpbrk(b, "*?[") && mentions(text, tlen, b, bl) &&
			    !(bl == 1 && b[0] == '/'))
				hit = dfx_arena_strndup(arena, b, bl);
		}
		if (rf.binds_context) {
			snprintf(why, sizeof(why), "the RUN on line %u mounts the build context (--mount=type=bind)",
			         ln);
			blocker = why;
			break;
		}
		if (hit) {
			snprintf(why, sizeof(why), "the RUN on line %u mentions `%s`, which the %s writes", ln, hit,
			         dfx_keyword_name(copy->instr.keyword));
			blocker = why;
			break;
		}
		if (rf.creates_users && ci.chown) {
			snprintf(why, sizeof(why), "--chown=%s may name a user the RUN on line %u creates", ci.chown,
			         ln);
			blocker = why;
			break;
		}
		if (!rf.plain) {
			snprintf(why, sizeof(why),
			         "the RUN on line %u is not a plain install of named packages; it may read the "
			         "copied files",
			         ln);
			blocker = why;
			break;
		}
		if (rf.installs)
			target = n;
	}
	if (!target)
		return blocker ? refuse(ctx, v, blocker) : 0;

	/* What the COPY itself writes. */
	int var_src = 0;
	for (size_t i = 0; i < ci.source_count; i++)
		var_src |= strchr(ci.sources[i], '$') != NULL;
	if (var_src || strchr(ci.dest, '$'))
		return refuse(ctx, v,
		              "its sources or destination use variables, so what the install "
		              "may touch cannot be checked");
	for (size_t i = 0; i < ci.source_count; i++) {
		if (configures_packages(ci.sources[i])) {
			snprintf(why, sizeof(why),
			         "the copied files configure the package manager or list "
			         "packages (`%s`)",
			         ci.sources[i]);
			return refuse(ctx, v, why);
		}
	}
	if (!ci.dest_abs) {
		snprintf(why, sizeof(why), "the destination `%s` is relative and the working directory is unknown",
		         ci.dest);
		return refuse(ctx, v, why);
	}
	if (configures_packages(ci.dest_abs)) {
		snprintf(why, sizeof(why), "the copied files configure the package manager (destination %s)",
		         ci.dest_abs);
		return refuse(ctx, v, why);
	}
	if (package_tree(ci.dest_abs)) {
		snprintf(why, sizeof(why),
		         "the destination %s is where packages install files; the install could write the same "
		         "paths",
		         ci.dest_abs);
		return refuse(ctx, v, why);
	}

	return move(ctx, v, copy, target);
}

/* 1 when the RUN installs packages. */
static int installs_packages(int *out, const dfx_node *n)
{
	dfx_arena tmp = DFX_ARENA_INIT;
	run_facts rf;
	int error = read_run(&rf, &tmp, n, NULL);
	dfx_arena_dispose(&tmp);
	*out = error >= 0 && rf.installs;
	return error;
}

static int is_copy(const dfx_node *n)
{
	return is_kw(n, DFX_KW_COPY) || is_kw(n, DFX_KW_ADD);
}

/*
 * A COPY crosses only RUNs, comments and blank lines, so it never leaves its
 * "region": the stretch of those and COPYs between two other instructions.
 * Each COPY that moves lands after the install, where the COPY above it has
 * to cross every RUN it crossed again, so a region of k COPYs and r RUNs
 * costs k x r checks. Regions with more COPYs than this are refused as a
 * whole: the work stays linear, and since COPYs stay in their region (and
 * merging RUNs does not change their number) the refusal is the same on the
 * output, which keeps the fix idempotent. Real files have a few per region.
 */
enum { MAX_COPIES_PER_REGION = 32 };

static int bounds_region(const dfx_node *n)
{
	if (n->kind == DFX_NODE_ERROR)
		return 1;
	return n->kind == DFX_NODE_INSTRUCTION && !is_kw(n, DFX_KW_RUN) && !is_copy(n);
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	dfx_arena *arena = &ctx->doc->arena;
	size_t count = 0;
	for (dfx_node *n = ctx->doc->first; n; n = n->next)
		count += is_copy(n);
	if (!count || !ctx->stages.count)
		return 0;
	/* One walk down for what each COPY needs from above it (its working
	 * directory, inherited through FROM <stage>), one walk up for what it
	 * needs from below (is an install left in its stage?). */
	dfx_node **copies = dfx_arena_alloc(arena, count * sizeof(dfx_node *));
	const char **cwds = dfx_arena_alloc(arena, count * sizeof(char *));
	unsigned char *install_below = dfx_arena_alloc(arena, count);
	size_t *region = dfx_arena_alloc(arena, count * sizeof(size_t));
	const char **stage_end_cwd = dfx_arena_alloc(arena, ctx->stages.count * sizeof(char *));
	if (!copies || !cwds || !install_below || !region || !stage_end_cwd)
		return DFFIX_ENOMEM;
	size_t k = 0, stage = 0, regions = 0;
	int in_stage = 0;
	const char *cwd = NULL;
	for (dfx_node *n = ctx->doc->first; n; n = n->next) {
		regions += bounds_region(n);
		if (is_kw(n, DFX_KW_FROM) && stage < ctx->stages.count) {
			if (in_stage)
				stage_end_cwd[stage++] = cwd;
			in_stage = 1;
			const dfx_stage *parent = ctx->stages.items[stage].parent;
			cwd = parent ? stage_end_cwd[parent->index] : NULL;
		} else if (in_stage && is_kw(n, DFX_KW_WORKDIR)) {
			apply_workdir(&cwd, arena, n, ctx->doc->escape);
		} else if (in_stage && is_copy(n)) {
			copies[k] = n;
			region[k] = regions;
			cwds[k++] = cwd;
		}
	}
	/* region[]: from each COPY's region number to the number of COPYs in it
	 * (numbers do not decrease along copies[]). */
	for (size_t a = 0, b; a < k; a = b) {
		for (b = a; b < k && region[b] == region[a]; b++)
			;
		for (size_t i = a; i < b; i++)
			region[i] = b - a;
	}
	int below = 0;
	size_t j = k;
	for (dfx_node *n = ctx->doc->last; n && j > 0; n = n->prev) {
		if (n == copies[j - 1]) {
			install_below[--j] = (unsigned char)below;
		} else if (is_kw(n, DFX_KW_FROM)) {
			below = 0;
		} else if (is_kw(n, DFX_KW_RUN) && !below) {
			int error = installs_packages(&below, n);
			if (error < 0)
				return error;
		}
	}

	/* Taken last to first: a later COPY that moves lands right after the
	 * install, so an earlier one moving after it keeps its place before it. */
	verdict *verdicts = dfx_arena_alloc(arena, k * sizeof(verdict));
	if (!verdicts)
		return DFFIX_ENOMEM;
	for (size_t i = k; i-- > 0;) {
		if (!install_below[i])
			continue;
		if (region[i] > MAX_COPIES_PER_REGION) {
			char why[160];
			snprintf(why, sizeof(why),
			         "more than %d COPY/ADD lines stand among these RUNs with no other instruction "
			         "between; not checked",
			         MAX_COPIES_PER_REGION);
			int error = refuse(ctx, &verdicts[i], why);
			if (error < 0)
				return error;
			continue;
		}
		dfx_arena tmp = DFX_ARENA_INIT;
		int error = try_copy(ctx, self, &verdicts[i], &tmp, copies[i], cwds[i]);
		dfx_arena_dispose(&tmp);
		if (error < 0)
			return error;
	}
	/* A moved COPY's old node is unlinked but keeps its input position. */
	for (size_t i = 0; i < k; i++) {
		int error = 0;
		if (verdicts[i].message && verdicts[i].applied)
			error = dfx_pass_applied(ctx, self, copies[i], "%s", verdicts[i].message);
		else if (verdicts[i].message)
			error = dfx_pass_refused(ctx, self, copies[i], "%s", verdicts[i].message);
		if (error < 0)
			return error;
	}
	return 0;
}

const dfx_pass dfx_pass_cache_order = {
    .name = "cache-order",
    .rule_id = "DF103",
    .fix_bit = DFFIX_FIX_CACHE_ORDER,
    .summary = "copy build-context files after the package installs that follow them",
    .guideline = "G7",
    .aliases = NULL,
    .severity = DFFIX_SEV_WARNING,
    .run = run,
};
