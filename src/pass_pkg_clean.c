/*
 * pass_pkg_clean.c - pkg-clean (DF102, guideline G6; hadolint DL3009 apt
 * lists, DL3032 yum clean, DL3040 dnf clean, DL3019 apk --no-cache): clean
 * the package manager's cache in the same RUN that filled it, since a later
 * layer's `rm` does not make the image smaller.
 *
 *   RUN apt-get update && \                 RUN apt-get update && \
 *       apt-get install -y curl       =>        apt-get install -y curl && \
 *                                               rm -rf /var/lib/apt/lists/\*
 *   RUN yum install httpd             =>    RUN yum install -y httpd && \
 *                                               yum clean all
 *   RUN apk add curl                  =>    RUN apk add --no-cache curl
 *
 * (`\*` is `*`: a C comment cannot hold slash-star.)
 *
 * An install is a top-level command of a shell-form RUN (after env
 * assignments, `sudo` and `env`): apt-get/apt install, upgrade,
 * dist-upgrade, full-upgrade, build-dep; yum/dnf/microdnf/tdnf install,
 * groupinstall, group install, localinstall, reinstall, update, upgrade,
 * distro-sync, downgrade; zypper install/in, update/up, dist-upgrade/dup,
 * patch; apk add/upgrade. For each manager the cleanup is appended at the
 * end: `yum clean all`, `dnf clean all`, `microdnf clean all`, `tdnf clean
 * all`, `zypper clean --all`, `rm -rf /var/lib/apt/lists/\*` (with `sudo`
 * when the install used it); apk instead gets `--no-cache` after its verb.
 * yum/dnf/microdnf installs without -y/--assumeyes get `-y` after the verb
 * (without it they abort on the prompt; this is done in any stage).
 *
 * Why appending `&& C` is safe: as in merge-run (see pass_merge_run.c), the
 * RUN's text is lists L1; ...; Ln and `&& C` only extends Ln, which binds as
 * `(Ln) && C`. So C runs exactly when the RUN would have succeeded, whatever
 * `;`, `||`, `|`, `!` or `set +e` the text holds, and then the RUN's status
 * is C's. (`apt-get install x || true` + `&& C` runs C in both cases:
 * harmless.) Unsafe, hence refused: a trailing comment (it would swallow
 * `&& C`), a trailing `;` or `&` or any top-level `&` (C could run while the
 * install still runs), an `exit`/`exec` after the install outside a
 * subshell (C might never run), unterminated text or a shell here-document, and errexit (a
 * SHELL with -e or a `set` in the text) with a compound command in Ln:
 * left of `&&` errexit stops applying inside it.
 *
 * Nothing to do, silently: no install; the cleanup already follows the
 * last install (`rm` of the cache directory or a parent, `clean all`,
 * `--no-cache`); a `--mount=type=cache` or `type=tmpfs` covers the
 * directory the cleanup would empty (the cache is not in the layer; for apt
 * that is /var/lib/apt/lists, so a cache mount on /var/cache/apt alone
 * still gets the lists removed); a pragma for the pass or the manager's
 * hadolint code. Refused with a diagnostic: the stage is not in the final
 * image (info: its layers are not shipped); exec form or heredoc RUN that
 * installs; an install inside a subshell, group, if, loop or function; a
 * non-POSIX SHELL or the backtick escape.
 */
#include <stdio.h>
#include <string.h>

#include "instr.h"
#include "pass.h"
#include "shell.h"
#include "suppress.h"

#define INDENT    "    "
#define MAX_EDITS 32

typedef enum mgr { M_APT, M_YUM, M_DNF, M_MICRODNF, M_TDNF, M_ZYPPER, M_APK, M_COUNT } mgr;

typedef struct manager {
	const char *const *names;   /* command names */
	const char *const *verbs;   /* verbs that install or upgrade packages */
	const char *const *argopts; /* options before the verb that take the next word */
	const char *cleanup;        /* appended command; NULL for apk */
	const char *const *dirs;    /* what the cleanup empties: an `rm` of it counts, a mount on it skips */
	const char *const *aliases; /* hadolint codes */
	int yes;                    /* add -y when missing */
} manager;

#define L(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *const rpm_verbs[] = {"install", "groupinstall", "localinstall", "reinstall",      "update",
                                        "upgrade", "distro-sync",  "downgrade",    "update-minimal", NULL};
static const char *const rpm_argopts[] = {"-c",       "-d",        "-e",           "-R",
                                          "-x",       "--exclude", "--enablerepo", "--disablerepo",
                                          "--setopt", "--repo",    "--releasever", "--installroot",
                                          "--config", NULL};
static const char *const rpm_dirs[] = {"/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5", NULL};

static const manager managers[M_COUNT] = {
    [M_APT] = {L("apt-get", "apt"), L("install", "upgrade", "dist-upgrade", "full-upgrade", "build-dep"),
               L("-o", "-c", "-t", "-a", "--option", "--config-file", "--target-release"),
               "rm -rf /var/lib/apt/lists/*", L("/var/lib/apt/lists"), L("DL3009"), 0},
    [M_YUM] = {L("yum"), rpm_verbs, rpm_argopts, "yum clean all", rpm_dirs, L("DL3032"), 1},
    [M_DNF] = {L("dnf", "dnf5"), rpm_verbs, rpm_argopts, "dnf clean all", rpm_dirs, L("DL3040"), 1},
    [M_MICRODNF] = {L("microdnf"), rpm_verbs, rpm_argopts, "microdnf clean all", rpm_dirs, L("DL3040"), 1},
    [M_TDNF] = {L("tdnf"), rpm_verbs, rpm_argopts, "tdnf clean all", L("/var/cache/tdnf"), NULL, 0},
    [M_ZYPPER] = {L("zypper"), L("install", "in", "update", "up", "dist-upgrade", "dup", "patch"),
                  L("-R", "--root", "-c", "--config", "--reposd-dir", "--cache-dir"), "zypper clean --all",
                  L("/var/cache/zypp"), NULL, 0},
    [M_APK] = {L("apk"), L("add", "upgrade"),
               L("-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file"),
               NULL, L("/var/cache/apk", "/etc/apk/cache"), L("DL3019"), 0},
};

/* One install command found in the RUN. */
typedef struct install {
	mgr m;
	const dfx_sh_cmd *cmd;
	uint32_t verb_end; /* end of the verb word in the scanned text */
	const char *verb;  /* its value */
	int sudo;
	int has_yes;
	int has_no_cache;
	int top; /* a top-level command (pipelines allowed) */
} install;

/* One text edit: insert at a logical offset (src offset computed). */
typedef struct edit {
	uint32_t log; /* offset in the logical line */
	uint32_t src; /* offset in the node's source */
	const char *text;
	int append; /* the cleanup at the end: trailing blanks dropped */
} edit;

static int in_list(const char *s, const char *const *list)
{
	for (; list && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* Section - finding installs */

/* The word's text with quotes and backslashes dropped, into buf; 0 when it
 * does not fit. Good enough to compare paths that may hold a glob. */
static int raw_text(const char *text, const dfx_sh_word *w, char *buf, size_t cap)
{
	size_t n = 0;
	for (uint32_t i = w->start; i < w->end; i++) {
		char c = text[i];
		if (c == '\'' || c == '"' || c == '\\')
			continue;
		if (n + 1 >= cap)
			return 0;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 1;
}

/* The literal value of word k of c, or "" when it has none. */
static const char *word_at(dfx_arena *scratch, const char *text, const dfx_sh_script *s, const dfx_sh_cmd *c,
                           uint32_t k)
{
	const char *v = dfx_sh_word_value(scratch, text, &s->words[c->first_word + k]);
	return v ? v : "";
}

static int is_arg_word(const dfx_sh_script *s, const dfx_sh_cmd *c, uint32_t k)
{
	return !(s->words[c->first_word + k].flags & (DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET));
}

/* Index of the command-name word after assignments, `sudo` and `env` with
 * their options, or c->word_count. */
static uint32_t name_index(dfx_arena *scratch, const char *text, const dfx_sh_script *s, const dfx_sh_cmd *c, int *sudo)
{
	static const char *const sudo_argopts[] = {"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", NULL};
	static const char *const env_argopts[] = {"-u", "-C", "-S", "--unset", "--chdir", NULL};
	const char *const *argopts = NULL;
	*sudo = 0;
	for (uint32_t k = 0; k < c->word_count; k++) {
		if (!is_arg_word(s, c, k))
			continue;
		const dfx_sh_word *w = &s->words[c->first_word + k];
		if (w->flags & DFX_SH_WORD_ASSIGNMENT)
			continue;
		const char *v = word_at(scratch, text, s, c, k);
		if (argopts && v[0] == '-') {
			if (in_list(v, argopts))
				k++;
			continue;
		}
		if (argopts && strchr(v, '=') && v[0] != '=')
			continue; /* sudo VAR=x / env VAR=x */
		const char *b = base_name(v);
		if (!strcmp(b, "sudo")) {
			*sudo = 1;
			argopts = sudo_argopts;
			continue;
		}
		if (!strcmp(b, "env")) {
			argopts = env_argopts;
			continue;
		}
		return k;
	}
	return c->word_count;
}

/* Fills *out when c is an install; returns 1 then, else 0. */
static int find_install(install *out, dfx_arena *scratch, const char *text, const dfx_sh_script *s, const dfx_sh_cmd *c)
{
	if (c->kind != DFX_SH_KIND_SIMPLE)
		return 0;
	int sudo;
	uint32_t k = name_index(scratch, text, s, c, &sudo);
	if (k >= c->word_count)
		return 0;
	const char *name = base_name(word_at(scratch, text, s, c, k));
	int m = 0;
	while (m < M_COUNT && !in_list(name, managers[m].names))
		m++;
	if (m == M_COUNT)
		return 0;
	const manager *mg = &managers[m];
	uint32_t verb = c->word_count;
	for (k++; k < c->word_count; k++) {
		if (!is_arg_word(s, c, k))
			continue;
		const char *v = word_at(scratch, text, s, c, k);
		if (v[0] == '-') {
			if (in_list(v, mg->argopts))
				k++;
			continue;
		}
		verb = k;
		break;
	}
	if (verb >= c->word_count)
		return 0;
	const char *v = word_at(scratch, text, s, c, verb);
	/* `yum group install`, `dnf module install`. */
	if ((m != M_APT && m != M_APK && m != M_ZYPPER) && (!strcmp(v, "group") || !strcmp(v, "module"))) {
		for (k = verb + 1; k < c->word_count && !is_arg_word(s, c, k); k++)
			;
		if (k >= c->word_count)
			return 0;
		verb = k;
		v = word_at(scratch, text, s, c, verb);
		if (strcmp(v, "install") && strcmp(v, "update") && strcmp(v, "upgrade"))
			return 0;
	} else if (!in_list(v, mg->verbs)) {
		return 0;
	}
	memset(out, 0, sizeof(*out));
	out->m = (mgr)m;
	out->cmd = c;
	out->verb_end = s->words[c->first_word + verb].end;
	out->verb = v;
	out->sudo = sudo;
	out->top =
	    c->depth == 0 &&
	    !(c->flags & (DFX_SH_CMD_SUBSHELL | DFX_SH_CMD_COMPOUND_BODY | DFX_SH_CMD_FUNCDEF | DFX_SH_CMD_CMDSUBST));
	for (k = 0; k < c->word_count; k++) {
		const char *w = word_at(scratch, text, s, c, k);
		if (!strcmp(w, "--no-cache"))
			out->has_no_cache = 1;
		if (!strcmp(w, "--assumeyes") || !strcmp(w, "--assume-yes") || strstr(w, "assumeyes"))
			out->has_yes = 1;
		if (w[0] == '-' && w[1] && w[1] != '-' && strchr(w, 'y')) {
			int letters = 1;
			for (const char *p = w + 1; *p; p++)
				if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
					letters = 0;
			if (letters)
				out->has_yes = 1;
		}
	}
	return 1;
}

/* 1 when the path (trailing `*` and `/` dropped) is dir or a parent of it. */
static int covers(const char *path, const char *dir)
{
	size_t n = strlen(path);
	while (n && (path[n - 1] == '*' || path[n - 1] == '/'))
		n--;
	if (!n)
		return 0;
	size_t d = strlen(dir);
	return n <= d && !strncmp(path, dir, n) && (n == d || dir[n] == '/');
}

/* 1 when command c (after the last install) cleans manager m's cache. */
static int is_cleanup(dfx_arena *scratch, const char *text, const dfx_sh_script *s, const dfx_sh_cmd *c, mgr m)
{
	if (c->kind != DFX_SH_KIND_SIMPLE)
		return 0;
	int sudo;
	uint32_t k = name_index(scratch, text, s, c, &sudo);
	if (k >= c->word_count)
		return 0;
	const char *name = base_name(word_at(scratch, text, s, c, k));
	if (!strcmp(name, "rm")) {
		char buf[256];
		for (uint32_t j = k + 1; j < c->word_count; j++) {
			if (!is_arg_word(s, c, j) || !raw_text(text, &s->words[c->first_word + j], buf, sizeof(buf)))
				continue;
			for (const char *const *d = managers[m].dirs; *d; d++)
				if (covers(buf, *d))
					return 1;
		}
		return 0;
	}
	/* A manager's own clean command: the yum/dnf family shares its cache. */
	int own = in_list(name, managers[m].names);
	int rpm = m == M_YUM || m == M_DNF || m == M_MICRODNF;
	if (rpm && (in_list(name, managers[M_YUM].names) || in_list(name, managers[M_DNF].names) ||
	            in_list(name, managers[M_MICRODNF].names)))
		own = 1;
	if (!own)
		return 0;
	const char *verb = NULL, *arg = NULL;
	for (uint32_t j = k + 1; j < c->word_count; j++) {
		if (!is_arg_word(s, c, j))
			continue;
		const char *v = word_at(scratch, text, s, c, j);
		if (v[0] == '-')
			continue;
		if (!verb)
			verb = v;
		else if (!arg)
			arg = v;
	}
	if (!verb)
		return 0;
	switch (m) {
	case M_APT:
		return !strcmp(verb, "dist-clean");
	case M_ZYPPER:
		return !strcmp(verb, "clean") || !strcmp(verb, "cc");
	case M_APK:
		return !strcmp(verb, "cache") && arg && (!strcmp(arg, "clean") || !strcmp(arg, "purge"));
	default:
		return !strcmp(verb, "clean") && arg && !strcmp(arg, "all");
	}
}

/* 1 when a cache or tmpfs mount of the RUN covers one of m's directories. */
static int mount_covers(const dfx_instr *in, mgr m)
{
	for (size_t i = 0; i < in->flag_count; i++) {
		const char *v = in->flag_values[i];
		if (strncmp(v, "--mount=", 8))
			continue;
		v += 8;
		int cache = 0;
		char target[256] = "";
		while (*v) {
			size_t n = strcspn(v, ",");
			const char *eq = memchr(v, '=', n);
			size_t klen = eq ? (size_t)(eq - v) : n;
			size_t vlen = eq ? n - klen - 1 : 0;
			if (eq && klen == 4 && !memcmp(v, "type", 4))
				cache = (vlen == 5 && !memcmp(eq + 1, "cache", 5)) ||
				        (vlen == 5 && !memcmp(eq + 1, "tmpfs", 5));
			if (eq && vlen < sizeof(target) &&
			    ((klen == 6 && !memcmp(v, "target", 6)) || (klen == 3 && !memcmp(v, "dst", 3)) ||
			     (klen == 11 && !memcmp(v, "destination", 11)))) {
				memcpy(target, eq + 1, vlen);
				target[vlen] = '\0';
			}
			v += n;
			if (*v == ',')
				v++;
		}
		if (!cache || !target[0])
			continue;
		for (const char *const *d = managers[m].dirs; *d; d++)
			if (covers(target, *d))
				return 1;
	}
	return 0;
}

/* Section - detecting installs in exec form and heredocs (refused) */

static int text_installs(dfx_arena *scratch, const char *text, size_t len, int *error)
{
	dfx_sh_script s;
	if ((*error = dfx_sh_scan(&s, scratch, text, len)) < 0)
		return 0;
	install in;
	for (size_t k = 0; k < s.cmd_count; k++)
		if (find_install(&in, scratch, text, &s, &s.cmds[k]))
			return 1;
	return 0;
}

/* 1 when an exec-form or heredoc RUN installs packages. */
static int other_form_installs(dfx_arena *scratch, const dfx_node *n, int *error)
{
	const dfx_instr *in = &n->instr;
	*error = 0;
	if (in->json) {
		size_t len = 0;
		for (size_t i = 0; i < in->json_count; i++)
			len += strlen(in->json_values[i]) + 1;
		char *joined = dfx_arena_alloc(scratch, len + 1);
		if (!joined) {
			*error = DFFIX_ENOMEM;
			return 0;
		}
		for (size_t i = 0, p = 0; i < in->json_count; i++) {
			size_t l = strlen(in->json_values[i]);
			memcpy(joined + p, in->json_values[i], l);
			p += l;
			joined[p++] = ' ';
		}
		return text_installs(scratch, joined, len, error);
	}
	for (size_t i = 0; i < n->heredoc_count && !*error; i++) {
		const dfx_heredoc *h = &n->heredocs[i];
		if (text_installs(scratch, n->src + h->body_start, h->body_end - h->body_start, error))
			return 1;
	}
	if (*error)
		return 0;
	return text_installs(scratch, n->logical + in->args.start, n->logical_len - in->args.start, error);
}

/* Section - the rewrite */

/* Why appending `&& C` to the text is unsafe, or NULL. */
static const char *append_problem(dfx_arena *scratch, const char *text, const dfx_sh_script *s,
                                  const dfx_shell_state *sh, uint32_t after)
{
	if (s->ends_with_comment)
		return "the RUN ends with a shell comment, which would swallow `&& ...`";
	const dfx_sh_cmd *last = NULL;
	int any_set = 0;
	size_t list_start = 0;
	for (size_t k = 0; k < s->cmd_count; k++) {
		const dfx_sh_cmd *c = &s->cmds[k];
		if (c->sep == DFX_SH_SEP_AMP && c->depth == 0)
			return "the RUN starts a background job (`&`)";
		if (c->depth == 0) {
			last = c;
			if (c->sep == DFX_SH_SEP_SEMI || c->sep == DFX_SH_SEP_NEWLINE)
				list_start = k + 1;
		}
		if (c->kind != DFX_SH_KIND_SIMPLE)
			continue;
		int sudo;
		uint32_t ni = name_index(scratch, text, s, c, &sudo);
		const char *name = ni < c->word_count ? word_at(scratch, text, s, c, ni) : "";
		if (!strcmp(name, "set"))
			any_set = 1;
		if (!(c->flags & (DFX_SH_CMD_SUBSHELL | DFX_SH_CMD_CMDSUBST)) && c->start > after &&
		    (!strcmp(name, "exit") || !strcmp(name, "exec")))
			return "the RUN may `exit`/`exec` before a cleanup appended at its end";
	}
	if (!last || last->sep != DFX_SH_SEP_END)
		return "the RUN ends with `;`";
	if (sh->errexit || any_set)
		for (size_t k = list_start; k < s->cmd_count; k++)
			if (s->cmds[k].depth == 0 && s->cmds[k].kind != DFX_SH_KIND_SIMPLE)
				return "errexit may be on and the RUN's last command list holds a compound command, "
				       "where errexit would stop applying left of `&&`";
	return NULL;
}

/* Builds the new text and the logical line it must parse to. */
static int build(dffix_buf *text, dffix_buf *want, const dfx_node *n, const edit *edits, size_t count)
{
	uint32_t src = n->start, log = 0;
	int error = 0;
	for (size_t i = 0; i < count && error == 0; i++) {
		const edit *e = &edits[i];
		if ((error = dffix_buf_put(text, n->src + src, e->src - src)) < 0 ||
		    (error = dffix_buf_put(want, n->logical + log, e->log - log)) < 0)
			break;
		if (e->append) {
			/* " && \<eol>    cmd" in the text is " &&     cmd" in the logical line. */
			if ((error = dffix_buf_puts(text, e->text)) < 0)
				break;
			for (const char *p = e->text; *p && error == 0; p++) {
				if (*p == '\\' && (p[1] == '\r' || p[1] == '\n')) {
					p += p[1] == '\r' ? 2 : 1;
					continue;
				}
				error = dffix_buf_put(want, p, 1);
			}
			src = n->segments[n->segment_count - 1].eol_start;
			log = (uint32_t)n->logical_len;
		} else {
			if ((error = dffix_buf_puts(text, e->text)) < 0 || (error = dffix_buf_puts(want, e->text)) < 0)
				break;
			src = e->src;
			log = e->log;
		}
	}
	if (error == 0)
		error = dffix_buf_put(text, n->src + src, n->end - src);
	if (error == 0 && log < n->logical_len)
		error = dffix_buf_put(want, n->logical + log, n->logical_len - log);
	return error;
}

static int fix_run(dfx_pass_ctx *ctx, const dfx_pass *self, dfx_arena *scratch, dfx_node *n, const dfx_shell_state *sh,
                   int in_final, dfx_node **next)
{
	const dfx_instr *in = &n->instr;
	const char *text = n->logical + in->args.start;
	uint32_t len = (uint32_t)(n->logical_len - in->args.start);
	int error = 0;
	*next = n->next;
	if (in->json || n->heredoc_count) {
		if (other_form_installs(scratch, n, &error) && in_final && !dfx_pass_suppressed(ctx, self, n))
			return dfx_pass_refused(ctx, self, n, "no cleanup added: %s RUN",
			                        in->json ? "exec-form (JSON)" : "heredoc");
		return error;
	}
	dfx_sh_script s;
	if ((error = dfx_sh_scan(&s, scratch, text, len)) < 0)
		return error;
	install found[64];
	size_t count = 0;
	int overflow = 0;
	for (size_t k = 0; k < s.cmd_count; k++) {
		if (count == sizeof(found) / sizeof(found[0])) {
			overflow = 1;
			break;
		}
		if (find_install(&found[count], scratch, text, &s, &s.cmds[k]))
			count++;
	}
	if (!count)
		return 0;

	/* What each manager needs: a cleanup appended (order[]), and
	 * insertions after install verbs (edits[]). Pragmas count per
	 * manager: `# hadolint ignore=DL3009` only spares apt. */
	int sudo[M_COUNT] = {0};
	int nested_yes = 0, nested_cache = 0;
	mgr order[M_COUNT];
	size_t norder = 0;
	uint32_t after = 0;
	edit edits[MAX_EDITS];
	size_t nedits = 0;
	for (int m = 0; m < M_COUNT; m++) {
		const install *last = NULL;
		for (size_t i = 0; i < count; i++)
			if (found[i].m == (mgr)m)
				last = &found[i];
		if (!last || dfx_suppressed(ctx->doc, n, self->rule_id, self->name, managers[m].aliases))
			continue;
		int cached = mount_covers(in, (mgr)m); /* the cache is not in the layer */
		int done = cached;
		for (size_t k = 0; k < s.cmd_count && !done; k++)
			if (s.cmds[k].start > last->cmd->start && is_cleanup(scratch, text, &s, &s.cmds[k], (mgr)m))
				done = 1;
		for (size_t i = 0; i < count; i++) {
			const install *f = &found[i];
			if (f->m != (mgr)m)
				continue;
			int add_yes = managers[m].yes && !f->has_yes;
			int add_nc = m == M_APK && !done && !f->has_no_cache;
			if (!add_yes && !add_nc)
				continue;
			if (!f->top) {
				nested_yes |= add_yes;
				nested_cache |= add_nc;
				continue;
			}
			if (nedits + 1 >= MAX_EDITS) {
				overflow = 1;
				continue;
			}
			uint32_t lo = in->args.start + f->verb_end;
			edits[nedits++] =
			    (edit){lo, dfx_node_logical_to_src(n, lo - 1) + 1, add_yes ? " -y" : " --no-cache", 0};
		}
		if (!done && managers[m].cleanup) {
			for (size_t i = 0; i < count; i++)
				if (found[i].m == (mgr)m && !found[i].top)
					nested_cache = 1;
			sudo[m] = last->sudo;
			order[norder++] = (mgr)m;
			if (last->cmd->start > after)
				after = last->cmd->start;
		}
	}
	if (!norder && !nedits && !nested_yes && !nested_cache)
		return 0;

	const char *why = NULL;
	if (sh->refuse)
		why = sh->refuse;
	else if (s.unterminated || s.syntax_error)
		why = "the shell text cannot be followed (unterminated or a syntax error)";
	else if (s.has_heredoc)
		why = "the RUN has a shell here-document";
	else if (overflow)
		why = "too many install commands in one RUN";
	if (why)
		return dfx_pass_refused(ctx, self, n, "no cleanup added: %s", why);

	/* -y is needed in any stage; the cache only matters where the layers ship. */
	if ((norder || nested_cache || nedits > 0) && !in_final) {
		int cache_edit = nested_cache || norder;
		for (size_t i = 0; i < nedits;) {
			if (strcmp(edits[i].text, " -y")) {
				cache_edit = 1;
				edits[i] = edits[--nedits];
			} else {
				i++;
			}
		}
		if (cache_edit &&
		    (error = dfx_pass_refused(
		         ctx, self, n, "no cleanup added: builder stage: its layers are not in the final image")) < 0)
			return error;
		norder = 0;
		nested_cache = 0;
	}
	if (nested_yes || nested_cache)
		return dfx_pass_refused(ctx, self, n,
		                        "no cleanup added: install is not at the top level "
		                        "(inside a subshell, group, if, loop or function)");
	if (norder && (why = append_problem(scratch, text, &s, sh, after))) {
		if ((error = dfx_pass_refused(ctx, self, n, "no cleanup added: %s", why)) < 0)
			return error;
		norder = 0;
	}
	if (norder && !dfx_pass_src_trim_end(n)) {
		if ((error = dfx_pass_refused(ctx, self, n, "no cleanup added: unusual line layout")) < 0)
			return error;
		norder = 0;
	}
	if (!norder && !nedits)
		return 0;

	/* The appended cleanup: " && \<eol>    [sudo ]cmd" per manager. */
	dffix_buf app = DFFIX_BUF_INIT, newtext = DFFIX_BUF_INIT, want = DFFIX_BUF_INIT;
	const char *eol = dfx_pass_eol(ctx);
	for (size_t i = 0; i < norder && error == 0; i++)
		error = dffix_buf_printf(&app, " && %c%s" INDENT "%s%s", ctx->doc->escape, eol,
		                         sudo[order[i]] ? "sudo " : "", managers[order[i]].cleanup);
	if (error < 0)
		goto done;
	if (norder) {
		uint32_t tl = (uint32_t)n->logical_len;
		while (tl > in->args.start && is_blank(n->logical[tl - 1]))
			tl--;
		edits[nedits++] = (edit){tl, dfx_pass_src_trim_end(n), app.ptr, 1};
	}
	/* In source order (insertion sort: a handful of edits). */
	for (size_t i = 1; i < nedits; i++)
		for (size_t j = i; j > 0 && edits[j].log < edits[j - 1].log; j--) {
			edit t = edits[j];
			edits[j] = edits[j - 1];
			edits[j - 1] = t;
		}
	if ((error = build(&newtext, &want, n, edits, nedits)) < 0)
		goto done;
	if ((error = dfx_pass_check_run_text(ctx, scratch, &newtext, &want, in)) < 0)
		goto done;
	if (error == 0) {
		error =
		    dfx_pass_refused(ctx, self, n, "no cleanup added: the new text would not parse as the same RUN");
		goto done;
	}
	error = 0;
	for (size_t i = 0; i < nedits && error >= 0; i++) {
		if (edits[i].append)
			continue;
		const install *f = NULL;
		for (size_t k = 0; k < count; k++)
			if (in->args.start + found[k].verb_end == edits[i].log)
				f = &found[k];
		error = dfx_pass_applied(ctx, self, n, "added `%s` to `%s %s`", edits[i].text + 1,
		                         f ? managers[f->m].names[0] : "the", f ? f->verb : "install");
	}
	for (size_t i = 0; i < norder && error >= 0; i++)
		error = dfx_pass_applied(ctx, self, n, "appended `%s%s` to clean the package cache in the same layer",
		                         sudo[order[i]] ? "sudo " : "", managers[order[i]].cleanup);
	dfx_node *nn = NULL;
	if (error >= 0 && (error = dfx_pass_replace(ctx, n, n, newtext.ptr, newtext.size, &nn)) >= 0 && nn)
		*next = nn->next;
done:
	dffix_buf_dispose(&app);
	dffix_buf_dispose(&newtext);
	dffix_buf_dispose(&want);
	return error < 0 ? error : 0;
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	dfx_shell_walk shell;
	int error = 0;
	const char *backtick =
	    ctx->doc->escape != '\\' ? "the escape directive is the backtick (a Windows image)" : NULL;
	if ((error = dfx_shell_walk_init(&shell, &ctx->stages)) < 0)
		goto done;
	shell.state.refuse = backtick;
	for (dfx_node *n = ctx->doc->first; n;) {
		if (n->kind != DFX_NODE_INSTRUCTION) {
			n = n->next;
			continue;
		}
		/* BASHOPTS only holds shopt options, none of which turns errexit on. */
		if (!dfx_shell_walk_step(&shell, n) && (dfx_env_hazard(n) & (DFX_ENV_BASH_ENV | DFX_ENV_SHELLOPTS)))
			shell.state.errexit = 1;
		if (backtick)
			shell.state.refuse = backtick;
		if (n->instr.keyword != DFX_KW_RUN || !shell.stage) {
			n = n->next;
			continue;
		}
		/* Each RUN's scan, word values and trial parse go in its own
		 * arena, released once the RUN is decided: memory stays flat
		 * however many RUNs the file has. */
		dfx_arena step = DFX_ARENA_INIT;
		dfx_node *next;
		error = fix_run(ctx, self, &step, n, &shell.state, shell.stage->in_final, &next);
		dfx_arena_dispose(&step);
		if (error < 0)
			goto done;
		n = next;
	}
done:
	dfx_shell_walk_dispose(&shell);
	return error;
}

static const char *const aliases[] = {"DL3009", "DL3032", "DL3040", "DL3019", NULL};

const dfx_pass dfx_pass_pkg_clean = {
    "pkg-clean", "DF102", DFFIX_FIX_PKG_CLEAN, "clean the package cache in the RUN that installs",
    "G6",        aliases, DFFIX_SEV_WARNING,   run};
