/*
 * rules_common.c - what several rules need to know about instructions: the
 * commands a RUN/CMD/ENTRYPOINT runs, package-manager vocabulary, mounts,
 * stages and the servers an image starts. See rules.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "imageref.h"
#include "instr.h"
#include "rules.h"

const char *dfx_basename(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

static int is_posix_shell_name(const char *name)
{
	static const char *const shells[] = {"sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox", NULL};
	const char *b = dfx_basename(name);
	for (size_t i = 0; shells[i]; i++)
		if (!strcmp(b, shells[i]))
			return 1;
	return 0;
}

struct dfx_node_stage {
	uintptr_t node;
	size_t stage;
};

static int by_node(const void *a, const void *b)
{
	uintptr_t x = ((const struct dfx_node_stage *)a)->node, y = ((const struct dfx_node_stage *)b)->node;
	return x < y ? -1 : x > y;
}

/* The commands of one RUN, CMD or ENTRYPOINT (or ONBUILD trigger of one),
 * computed by the first dfx_rule_commands() that asks: several rules read
 * every RUN, and scanning it anew for each would cost memory per rule. */
struct dfx_cmd_cache {
	uintptr_t node; /* first: sorted with by_node like dfx_node_stage */
	const dfx_instr *in;
	int done;
	dfx_cmds cmds;
	int shell;     /* the last SHELL before the node: see dfx_rule_shell_before() */
	unsigned hops; /* how many stages up it stands */
};

static int cache_by_node(const void *a, const void *b)
{
	uintptr_t x = ((const struct dfx_cmd_cache *)a)->node, y = ((const struct dfx_cmd_cache *)b)->node;
	return x < y ? -1 : x > y;
}

/* The instruction whose commands a rule may ask for at n, or NULL. */
static const dfx_instr *command_instr(const dfx_node *n)
{
	const dfx_instr *in = dfx_node_instr(n, 1);
	if (!in || (in->keyword != DFX_KW_RUN && in->keyword != DFX_KW_CMD && in->keyword != DFX_KW_ENTRYPOINT))
		return NULL;
	return in;
}

static int is_posix_shell_instr(const dfx_instr *in)
{
	return in->json && in->json_count > 0 && is_posix_shell_name(in->json_values[0]);
}

static struct dfx_cmd_cache *cache_find(const dfx_rule_ctx *ctx, const dfx_node *node)
{
	if (!ctx->cmd_cache)
		return NULL;
	struct dfx_cmd_cache key;
	memset(&key, 0, sizeof(key));
	key.node = (uintptr_t)node;
	return bsearch(&key, ctx->cmd_cache, ctx->cmd_cache_count, sizeof(key), cache_by_node);
}

/* The SHELL in effect at each command node, in one walk over the stages
 * (each starts with what its parent stage ends with), so that asking for
 * it is not a walk back per node. */
static int index_shells(dfx_rule_ctx *ctx)
{
	if (!ctx->cmd_cache_count || !ctx->stages.count)
		return 0;
	int *end_shell = dfx_arena_alloc(&ctx->arena, ctx->stages.count * sizeof(int));
	unsigned *end_hops = dfx_arena_alloc(&ctx->arena, ctx->stages.count * sizeof(unsigned));
	if (!end_shell || !end_hops)
		return DFFIX_ENOMEM;
	for (size_t i = 0; i < ctx->stages.count; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		const dfx_stage *parent = dfx_rule_parent_stage(ctx, st);
		int shell = parent ? end_shell[parent->index] : -1;
		unsigned hops = parent ? end_hops[parent->index] + 1 : 0;
		for (const dfx_node *x = st->from; x; x = x->next) {
			struct dfx_cmd_cache *slot = command_instr(x) ? cache_find(ctx, x) : NULL;
			if (slot) {
				slot->shell = shell;
				slot->hops = shell < 0 ? 0 : hops;
			}
			const dfx_instr *in = dfx_node_instr(x, 0);
			if (in && in->keyword == DFX_KW_SHELL) {
				shell = is_posix_shell_instr(in);
				hops = 0;
			}
			if (x == st->last)
				break;
		}
		end_shell[i] = shell;
		end_hops[i] = hops;
	}
	return 0;
}

static int index_commands(dfx_rule_ctx *ctx)
{
	size_t n = 0;
	for (const dfx_node *x = ctx->doc->first; x; x = x->next)
		if (command_instr(x))
			n++;
	ctx->cmd_cache = NULL;
	ctx->cmd_cache_count = 0;
	if (!n)
		return 0;
	ctx->cmd_cache = dfx_arena_alloc(&ctx->arena, n * sizeof(struct dfx_cmd_cache));
	if (!ctx->cmd_cache)
		return DFFIX_ENOMEM;
	size_t k = 0;
	for (const dfx_node *x = ctx->doc->first; x; x = x->next) {
		const dfx_instr *in = command_instr(x);
		if (in) {
			ctx->cmd_cache[k].node = (uintptr_t)x;
			ctx->cmd_cache[k].in = in;
			ctx->cmd_cache[k].shell = -1;
			k++;
		}
	}
	ctx->cmd_cache_count = k;
	if (k > 1)
		qsort(ctx->cmd_cache, k, sizeof(struct dfx_cmd_cache), cache_by_node);
	return index_shells(ctx);
}

int dfx_rule_index(dfx_rule_ctx *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < ctx->stages.count; i++)
		for (const dfx_node *x = ctx->stages.items[i].from; x; x = x->next) {
			n++;
			if (x == ctx->stages.items[i].last)
				break;
		}
	ctx->node_stages = n ? dfx_arena_alloc(&ctx->arena, n * sizeof(struct dfx_node_stage)) : NULL;
	ctx->stage_has_shell = dfx_arena_alloc(&ctx->arena, ctx->stages.count + 1);
	if ((n && !ctx->node_stages) || !ctx->stage_has_shell)
		return DFFIX_ENOMEM;
	size_t k = 0;
	for (size_t i = 0; i < ctx->stages.count; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		const dfx_stage *parent = dfx_rule_parent_stage(ctx, st);
		if (parent)
			ctx->stage_has_shell[i] = ctx->stage_has_shell[parent->index];
		for (const dfx_node *x = st->from; x; x = x->next) {
			ctx->node_stages[k++] = (struct dfx_node_stage){(uintptr_t)x, i};
			if (x->kind == DFX_NODE_INSTRUCTION && x->instr.keyword == DFX_KW_SHELL)
				ctx->stage_has_shell[i] = 1;
			if (x == st->last)
				break;
		}
	}
	ctx->node_stage_count = k;
	if (k > 1)
		qsort(ctx->node_stages, k, sizeof(struct dfx_node_stage), by_node);
	return index_commands(ctx);
}

const dfx_stage *dfx_rule_stage(const dfx_rule_ctx *ctx, const dfx_node *node)
{
	if (!ctx->node_stages)
		return dfx_stages_find(&ctx->stages, node);
	struct dfx_node_stage key = {(uintptr_t)node, 0};
	const struct dfx_node_stage *hit =
		bsearch(&key, ctx->node_stages, ctx->node_stage_count, sizeof(key), by_node);
	return hit ? &ctx->stages.items[hit->stage] : NULL;
}

int dfx_rule_stage_has_shell(const dfx_rule_ctx *ctx, const dfx_stage *st)
{
	return !ctx->stage_has_shell || ctx->stage_has_shell[st->index];
}

const dfx_stage *dfx_rule_final_stage(const dfx_rule_ctx *ctx)
{
	return ctx->stages.count ? &ctx->stages.items[ctx->stages.count - 1] : NULL;
}

/* The stage a stage is built FROM, when that is an earlier stage. */
const dfx_stage *dfx_rule_parent_stage(const dfx_rule_ctx *ctx, const dfx_stage *st)
{
	(void)ctx;
	return st->parent;
}

int dfx_stage_next(const dfx_stage *st, dfx_node **node)
{
	dfx_node *n = *node;
	for (;;) {
		if (!n)
			n = st->from;
		else if (n == st->last)
			return 0;
		else
			n = n->next;
		if (!n)
			return 0;
		if (n->kind == DFX_NODE_INSTRUCTION) {
			*node = n;
			return 1;
		}
	}
}

/* The walk back that index_shells() spares: for nodes it did not index. */
static int shell_walk(const dfx_rule_ctx *ctx, const dfx_node *node, unsigned *hops)
{
	const dfx_stage *st = dfx_rule_stage(ctx, node);
	*hops = 0;
	if (!st || !dfx_rule_stage_has_shell(ctx, st))
		return -1;
	const dfx_node *from = node != st->from ? node->prev : NULL;
	for (unsigned h = 0; st; h++) {
		for (const dfx_node *n = from; n; n = n->prev) {
			const dfx_instr *in = dfx_node_instr(n, 0);
			if (in && in->keyword == DFX_KW_SHELL) {
				*hops = h;
				return is_posix_shell_instr(in);
			}
			if (n == st->from)
				break;
		}
		st = dfx_rule_parent_stage(ctx, st);
		from = st ? st->last : NULL;
	}
	return -1;
}

int dfx_rule_shell_before(const dfx_rule_ctx *ctx, const dfx_node *node, unsigned *hops)
{
	unsigned unused;
	if (!hops)
		hops = &unused;
	const struct dfx_cmd_cache *slot = cache_find(ctx, node);
	if (slot) {
		*hops = slot->hops;
		return slot->shell;
	}
	return shell_walk(ctx, node, hops);
}

/* 1 when shell-form commands at `node` run in a POSIX shell: the default
 * /bin/sh -c, or a SHELL (in the stage or the stages it is built from)
 * naming one. */
static int posix_shell_at(const dfx_rule_ctx *ctx, const dfx_node *node)
{
	return dfx_rule_shell_before(ctx, node, NULL) != 0;
}

/* Section - commands */

typedef DFX_ARRAY(dfx_cmd) cmd_array;

/* Scans text and adds its simple commands to arr. Everything (the scan, the
 * words) is in `scratch`; finish() copies what the commands keep. */
static int add_scanned(cmd_array *arr, dfx_arena *scratch, const char *text, size_t len, int *opaque)
{
	dfx_sh_script sc;
	int error = dfx_sh_scan(&sc, scratch, text, len);
	if (error == DFFIX_EINVAL) {
		*opaque = 1;
		return 0;
	}
	if (error < 0)
		return error;
	if (sc.unterminated || sc.syntax_error)
		*opaque = 1;
	for (size_t i = 0; i < sc.cmd_count; i++) {
		const dfx_sh_cmd *c = &sc.cmds[i];
		if (c->kind != DFX_SH_KIND_SIMPLE)
			continue;
		dfx_cmd cmd;
		memset(&cmd, 0, sizeof(cmd));
		cmd.argv = dfx_arena_alloc(scratch, (c->word_count + 1) * sizeof(char *));
		cmd.raw = dfx_arena_alloc(scratch, (c->word_count + 1) * sizeof(char *));
		if (!cmd.argv || !cmd.raw)
			return DFFIX_ENOMEM;
		int leading = 1;
		for (uint32_t k = 0; k < c->word_count; k++) {
			const dfx_sh_word *w = &sc.words[c->first_word + k];
			if (w->flags & (DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET))
				continue;
			if (leading && (w->flags & DFX_SH_WORD_ASSIGNMENT))
				continue;
			leading = 0;
			cmd.argv[cmd.argc] = dfx_sh_word_value(scratch, text, w);
			cmd.raw[cmd.argc] = dfx_arena_strndup(scratch, text + w->start, w->end - w->start);
			if (!cmd.raw[cmd.argc])
				return DFFIX_ENOMEM;
			cmd.argc++;
		}
		cmd.flags = c->flags;
		cmd.depth = c->depth;
		cmd.sep = c->sep;
		cmd.background = c->sep == DFX_SH_SEP_AMP;
		if (DFX_ARRAY_PUSH(arr, cmd) < 0)
			return DFFIX_ENOMEM;
	}
	return 0;
}

/* `sh -c STRING` (also -ec, -xc, -euxc ...): the index of STRING, or 0. */
static size_t shell_c_index(const char *const *argv, size_t argc)
{
	if (argc < 3 || !argv[0] || !is_posix_shell_name(argv[0]))
		return 0;
	for (size_t i = 1; i < argc - 1; i++) {
		const char *a = argv[i];
		if (!a || a[0] != '-')
			return 0;
		if (a[strlen(a) - 1] == 'c')
			return i + 1;
	}
	return 0;
}

static char *put_str(char **chars, const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = *chars;
	memcpy(p, s, n);
	*chars += n;
	return p;
}

/* Copies the commands into one block of the arena: the items, then their
 * argv and raw arrays (NULL-terminated), then the words, a word's value
 * sharing the raw text when they are the same. With `borrowed`, the
 * commands point at the instruction's own JSON values and only the items
 * are copied. Frees arr. */
static int finish(dfx_cmds *out, cmd_array *arr, dfx_arena *arena, int borrowed)
{
	out->items = NULL;
	out->count = arr->len;
	if (!arr->len) {
		DFX_ARRAY_FREE(arr);
		return 0;
	}
	size_t ptrs = 0, chars = 0;
	for (size_t i = 0; i < arr->len && !borrowed; i++) {
		const dfx_cmd *c = &arr->items[i];
		ptrs += 2 * (c->argc + 1);
		for (size_t k = 0; k < c->argc; k++) {
			chars += strlen(c->raw[k]) + 1;
			if (c->argv[k] && strcmp(c->argv[k], c->raw[k]))
				chars += strlen(c->argv[k]) + 1;
		}
	}
	size_t head = arr->len * sizeof(dfx_cmd); /* a multiple of the pointer alignment */
	char *block = dfx_arena_alloc(arena, head + ptrs * sizeof(char *) + chars);
	if (!block) {
		DFX_ARRAY_FREE(arr);
		return DFFIX_ENOMEM;
	}
	dfx_cmd *items = (dfx_cmd *)(void *)block;
	const char **p = (const char **)(void *)(block + head);
	char *text = (char *)(p + ptrs);
	memcpy(items, arr->items, head);
	for (size_t i = 0; i < arr->len && !borrowed; i++) {
		dfx_cmd *c = &items[i];
		const char **argv = p, **raw = p + c->argc + 1;
		p += 2 * (c->argc + 1);
		for (size_t k = 0; k < c->argc; k++) {
			raw[k] = put_str(&text, c->raw[k]);
			if (!c->argv[k])
				argv[k] = NULL;
			else if (!strcmp(c->argv[k], c->raw[k]))
				argv[k] = raw[k];
			else
				argv[k] = put_str(&text, c->argv[k]);
		}
		c->argv = argv;
		c->raw = raw;
	}
	out->items = items;
	DFX_ARRAY_FREE(arr);
	return 0;
}

int dfx_rule_commands_text(dfx_cmds *out, dfx_rule_ctx *ctx, const char *text, size_t len)
{
	cmd_array arr = DFX_ARRAY_INIT;
	dfx_arena scratch = DFX_ARENA_INIT;
	memset(out, 0, sizeof(*out));
	int error = add_scanned(&arr, &scratch, text, len, &out->opaque);
	if (error < 0)
		DFX_ARRAY_FREE(&arr);
	else
		error = finish(out, &arr, &ctx->arena, 0);
	dfx_arena_dispose(&scratch);
	return error;
}

static int compute_commands(dfx_cmds *out, dfx_rule_ctx *ctx, const dfx_node *node, const dfx_instr *in)
{
	dfx_arena scratch = DFX_ARENA_INIT;
	cmd_array arr = DFX_ARRAY_INIT;
	int error = 0, borrowed = 0;
	memset(out, 0, sizeof(*out));
	if (in->json) {
		size_t ci = shell_c_index(in->json_values, in->json_count);
		if (ci) {
			const char *s = in->json_values[ci];
			error = add_scanned(&arr, &scratch, s, strlen(s), &out->opaque);
		} else if (in->json_count) {
			dfx_cmd cmd;
			memset(&cmd, 0, sizeof(cmd));
			cmd.argv = (const char **)in->json_values;
			cmd.raw = (const char **)in->json_values;
			cmd.argc = in->json_count;
			cmd.sep = DFX_SH_SEP_END;
			borrowed = 1;
			if (DFX_ARRAY_PUSH(&arr, cmd) < 0)
				error = DFFIX_ENOMEM;
		}
	} else {
		if (!posix_shell_at(ctx, node))
			out->opaque = 1;
		error = add_scanned(&arr, &scratch, node->logical + in->args.start, in->args.end - in->args.start,
				    &out->opaque);
		/* A heredoc is a script when it is the whole command (RUN <<EOF)
		 * or the standard input of a shell (RUN bash <<EOF). */
		if (!error && node->heredoc_count && arr.len &&
		    (arr.items[0].argc == 0 || (arr.items[0].argv[0] && is_posix_shell_name(arr.items[0].argv[0]) &&
						arr.items[0].argc == 1))) {
			for (size_t h = 0; h < node->heredoc_count && !error; h++) {
				const dfx_heredoc *hd = &node->heredocs[h];
				error = add_scanned(&arr, &scratch, node->src + hd->body_start,
						    hd->body_end - hd->body_start, &out->opaque);
			}
		}
	}
	if (error < 0)
		DFX_ARRAY_FREE(&arr);
	else
		error = finish(out, &arr, &ctx->arena, borrowed);
	dfx_arena_dispose(&scratch);
	return error;
}

int dfx_rule_commands(dfx_cmds *out, dfx_rule_ctx *ctx, const dfx_node *node, const dfx_instr *in)
{
	struct dfx_cmd_cache *slot = cache_find(ctx, node);
	if (slot && slot->in != in)
		slot = NULL; /* asked about the ONBUILD itself, not its trigger */
	if (slot && slot->done) {
		*out = slot->cmds;
		return 0;
	}
	int error = compute_commands(out, ctx, node, in);
	if (error == 0 && slot) {
		slot->cmds = *out;
		slot->done = 1;
	}
	return error;
}

static int is_opt(const char *a)
{
	return a && a[0] == '-';
}

size_t dfx_cmd_name_index(const dfx_cmd *c)
{
	size_t i = 0;
	while (i < c->argc && c->argv[i]) {
		const char *b = dfx_basename(c->argv[i]);
		if (!strcmp(b, "sudo") || !strcmp(b, "exec") || !strcmp(b, "command") || !strcmp(b, "nohup") ||
		    !strcmp(b, "time") || !strcmp(b, "nice") || !strcmp(b, "stdbuf") || !strcmp(b, "tini") ||
		    !strcmp(b, "dumb-init") || !strcmp(b, "catatonit")) {
			i++;
			while (i < c->argc && is_opt(c->argv[i])) {
				const char *o = c->argv[i];
				int takes = (!strcmp(b, "sudo") && (!strcmp(o, "-u") || !strcmp(o, "-g"))) ||
					    (!strcmp(b, "exec") && !strcmp(o, "-a")) ||
					    (!strcmp(b, "nice") && !strcmp(o, "-n"));
				i += takes ? 2 : 1;
				if (!strcmp(o, "--"))
					break;
			}
			continue;
		}
		if (!strcmp(b, "env")) {
			i++;
			while (i < c->argc && c->argv[i] && (is_opt(c->argv[i]) || strchr(c->argv[i], '='))) {
				int takes = !strcmp(c->argv[i], "-u");
				i += takes ? 2 : 1;
			}
			continue;
		}
		if (!strcmp(b, "gosu") || !strcmp(b, "su-exec")) {
			i += 2; /* the user */
			continue;
		}
		break;
	}
	return i;
}

/* The first non-option word after argv[k], skipping the values of the
 * options in `with_value` (space-separated, e.g. "-o -c"). */
static size_t subcommand(const dfx_cmd *c, size_t k, const char *with_value)
{
	size_t i = k + 1;
	while (i < c->argc) {
		const char *a = c->argv[i];
		if (!a)
			return i;
		if (a[0] != '-')
			return i;
		size_t n = strlen(a);
		const char *p = strstr(with_value, a);
		int takes = p && (p == with_value || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0');
		i += takes ? 2 : 1;
	}
	return c->argc;
}

static int pm_family(const char *name)
{
	static const struct {
		const char *cmd;
		int pm;
	} pms[] = {{"apt-get", DFX_PM_APT}, {"apt", DFX_PM_APT},   {"aptitude", DFX_PM_APT}, {"yum", DFX_PM_YUM},
		   {"dnf", DFX_PM_YUM},     {"microdnf", DFX_PM_YUM}, {"tdnf", DFX_PM_YUM},    {"apk", DFX_PM_APK},
		   {"zypper", DFX_PM_ZYPPER}};
	for (size_t i = 0; i < sizeof(pms) / sizeof(pms[0]); i++)
		if (!strcmp(name, pms[i].cmd))
			return pms[i].pm;
	return DFX_PM_NONE;
}

static const char *pm_value_opts(int pm)
{
	switch (pm) {
	case DFX_PM_APT: return "-o -c -t -a";
	case DFX_PM_YUM: return "-c -d -e -x --installroot --releasever";
	case DFX_PM_APK: return "-X --repository -p --root";
	default: return "-r --repo -R --root";
	}
}

int dfx_cmd_installs(const dfx_cmd *c, size_t *first)
{
	size_t k = dfx_cmd_name_index(c);
	if (k >= c->argc || !c->argv[k])
		return DFX_PM_NONE;
	int pm = pm_family(dfx_basename(c->argv[k]));
	if (pm == DFX_PM_NONE)
		return pm;
	size_t s = subcommand(c, k, pm_value_opts(pm));
	if (s >= c->argc || !c->argv[s])
		return DFX_PM_NONE;
	const char *sub = c->argv[s];
	int yes = pm == DFX_PM_APK ? !strcmp(sub, "add")
		  : pm == DFX_PM_ZYPPER ? (!strcmp(sub, "install") || !strcmp(sub, "in"))
					: (!strcmp(sub, "install") || !strcmp(sub, "reinstall"));
	if (!yes)
		return DFX_PM_NONE;
	*first = s + 1;
	return pm;
}

static const struct {
	const char *prefix;
	int pm;
} cache_dirs[] = {
	{"/var/lib/apt/lists", DFX_PM_APT}, {"/var/cache/apt", DFX_PM_APT},     {"/var/cache/yum", DFX_PM_YUM},
	{"/var/cache/dnf", DFX_PM_YUM},     {"/var/cache/apk", DFX_PM_APK},     {"/var/cache/zypp", DFX_PM_ZYPPER},
	{"/var/cache/tdnf", DFX_PM_YUM},    {"/var/lib/dnf/repos", DFX_PM_YUM},
};

int dfx_cmd_cleans(const dfx_cmd *c, const char **dir)
{
	size_t k = dfx_cmd_name_index(c);
	const char *unused;
	if (!dir)
		dir = &unused;
	if (k >= c->argc || !c->argv[k])
		return DFX_PM_NONE;
	const char *name = dfx_basename(c->argv[k]);
	if (!strcmp(name, "rm")) {
		for (size_t i = k + 1; i < c->argc; i++) {
			const char *a = c->raw[i];
			for (size_t d = 0; d < sizeof(cache_dirs) / sizeof(cache_dirs[0]); d++) {
				size_t n = strlen(cache_dirs[d].prefix);
				if (!strncmp(a, cache_dirs[d].prefix, n) && (a[n] == '\0' || a[n] == '/')) {
					*dir = cache_dirs[d].prefix;
					return cache_dirs[d].pm;
				}
			}
		}
		return DFX_PM_NONE;
	}
	int pm = pm_family(name);
	if (pm == DFX_PM_NONE)
		return pm;
	size_t s = subcommand(c, k, pm_value_opts(pm));
	if (s >= c->argc || !c->argv[s])
		return DFX_PM_NONE;
	const char *sub = c->argv[s];
	switch (pm) {
	case DFX_PM_APT:
		*dir = "/var/cache/apt";
		return !strcmp(sub, "clean") || !strcmp(sub, "autoclean") ? pm : DFX_PM_NONE;
	case DFX_PM_YUM:
		*dir = !strcmp(name, "yum") ? "/var/cache/yum" : "/var/cache/dnf";
		return !strcmp(sub, "clean") ? pm : DFX_PM_NONE;
	case DFX_PM_APK:
		*dir = "/var/cache/apk";
		return !strcmp(sub, "cache") && s + 1 < c->argc && c->argv[s + 1] &&
				       (!strcmp(c->argv[s + 1], "clean") || !strcmp(c->argv[s + 1], "purge"))
			       ? pm
			       : DFX_PM_NONE;
	default:
		*dir = "/var/cache/zypp";
		return !strcmp(sub, "clean") || !strcmp(sub, "cc") ? pm : DFX_PM_NONE;
	}
}

/* Section - flags and arguments */

const char *dfx_instr_flag(const dfx_instr *in, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < in->flag_count; i++) {
		const char *f = in->flag_values[i];
		if (!strncmp(f, name, n) && (f[n] == '=' || f[n] == '\0'))
			return f[n] ? f + n + 1 : f + n;
	}
	return NULL;
}

/* Path prefix test on directory boundaries, ignoring trailing slashes. */
static int dir_contains(const char *outer, size_t on, const char *inner)
{
	while (on > 1 && outer[on - 1] == '/')
		on--;
	size_t in = strlen(inner);
	while (in > 1 && inner[in - 1] == '/')
		in--;
	if (on > in || strncmp(outer, inner, on))
		return 0;
	return on == in || inner[on] == '/' || (on == 1 && outer[0] == '/');
}

int dfx_run_mounts_dir(const dfx_instr *in, const char *dir)
{
	for (size_t i = 0; i < in->flag_count; i++) {
		const char *f = in->flag_values[i];
		if (strncmp(f, "--mount=", 8))
			continue;
		const char *p = f + 8;
		const char *type = "bind";
		size_t type_len = 4;
		const char *target = NULL;
		size_t target_len = 0;
		while (*p) {
			size_t n = strcspn(p, ",");
			if (n > 5 && !strncmp(p, "type=", 5)) {
				type = p + 5;
				type_len = n - 5;
			} else if (n > 7 && !strncmp(p, "target=", 7)) {
				target = p + 7;
				target_len = n - 7;
			} else if (n > 4 && !strncmp(p, "dst=", 4)) {
				target = p + 4;
				target_len = n - 4;
			} else if (n > 12 && !strncmp(p, "destination=", 12)) {
				target = p + 12;
				target_len = n - 12;
			}
			p += n;
			if (*p == ',')
				p++;
		}
		if (!target || !(dfx_span_eq(type, type_len, "cache") || dfx_span_eq(type, type_len, "tmpfs")))
			continue;
		if (dir_contains(target, target_len, dir))
			return 1;
	}
	return 0;
}

int dfx_instr_argv(const char ***out, size_t *count, dfx_rule_ctx *ctx, const dfx_node *node, const dfx_instr *in)
{
	return dfx_instr_argv_in(out, count, &ctx->arena, node, in);
}

int dfx_instr_argv_in(const char ***out, size_t *count, dfx_arena *arena, const dfx_node *node, const dfx_instr *in)
{
	if (in->json) {
		*out = (const char **)in->json_values;
		*count = in->json_count;
		return 0;
	}
	const char *s = node->logical;
	size_t n = 0;
	for (uint32_t p = in->args.start; p < in->args.end;) {
		while (p < in->args.end && dfx_is_space((unsigned char)s[p]))
			p++;
		if (p >= in->args.end)
			break;
		while (p < in->args.end && !dfx_is_space((unsigned char)s[p]))
			p++;
		n++;
	}
	const char **v = dfx_arena_alloc(arena, (n + 1) * sizeof(char *));
	if (!v)
		return DFFIX_ENOMEM;
	size_t k = 0;
	for (uint32_t p = in->args.start; p < in->args.end;) {
		while (p < in->args.end && dfx_is_space((unsigned char)s[p]))
			p++;
		if (p >= in->args.end)
			break;
		uint32_t w = p;
		while (p < in->args.end && !dfx_is_space((unsigned char)s[p]))
			p++;
		if (!(v[k++] = dfx_arena_strndup(arena, s + w, p - w)))
			return DFFIX_ENOMEM;
	}
	*out = v;
	*count = k;
	return 0;
}

/* Section - base images and servers */

int dfx_stage_base_is(const dfx_rule_ctx *ctx, const dfx_stage *st, const char *word)
{
	for (int hops = 0; st && hops < 64; hops++) {
		if (!st->base)
			return 0;
		if (st->base_is_stage) {
			st = dfx_rule_parent_stage(ctx, st);
			continue;
		}
		dfx_imageref ref;
		if (dfx_imageref_parse(&ref, st->base, strlen(st->base)) < 0 || ref.has_variable)
			return 0;
		const char *last = ref.path;
		for (size_t i = 0; i < ref.path_len; i++)
			if (ref.path[i] == '/')
				last = ref.path + i + 1;
		size_t n = (size_t)(ref.path + ref.path_len - last), w = strlen(word);
		for (size_t i = 0; i + w <= n; i++)
			if (!strncasecmp(last + i, word, w))
				return 1;
		return 0;
	}
	return 0;
}

/* Daemons commonly started as a container's main process. `image` lists
 * words of base image names that already run (and configure) them. */
static const struct {
	const char *cmd;
	const char *image;
} servers[] = {
	{"nginx", "nginx"},         {"httpd", "httpd apache"},    {"apache2", "httpd apache"},
	{"apache2ctl", "httpd apache"}, {"apachectl", "httpd apache"}, {"lighttpd", "lighttpd"},
	{"caddy", "caddy"},         {"haproxy", "haproxy"},       {"traefik", "traefik"},
	{"envoy", "envoy"},         {"redis-server", "redis"},    {"mysqld", "mysql mariadb percona"},
	{"mysqld_safe", "mysql mariadb percona"}, {"mariadbd", "mariadb"}, {"postgres", "postgres"},
	{"postmaster", "postgres"}, {"mongod", "mongo"},          {"memcached", "memcached"},
	{"rabbitmq-server", "rabbitmq"}, {"sshd", "ssh"},         {"php-fpm", "php"},
	{"gunicorn", ""},           {"uvicorn", ""},              {"hypercorn", ""},
	{"uwsgi", ""},              {"puma", ""},                 {"unicorn", ""},
	{"catalina.sh", "tomcat"},  {"named", "bind"},            {"dnsmasq", "dnsmasq"},
	{"vsftpd", "vsftpd"},       {"squid", "squid"},           {"influxd", "influxdb"},
	{"etcd", "etcd"},           {"elasticsearch", "elasticsearch"}, {"grafana-server", "grafana"},
	{"prometheus", "prometheus"}, {"slapd", "openldap"},      {"postfix", "postfix"},
};

/* The server a command starts (static name), or NULL. */
static const char *server_of(const dfx_cmd *c, const char **image)
{
	size_t k = dfx_cmd_name_index(c);
	if (k >= c->argc || !c->argv[k])
		return NULL;
	const char *b = dfx_basename(c->argv[k]);
	for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++) {
		size_t n = strlen(servers[i].cmd);
		/* php-fpm8.2, postgres-x: versioned names */
		if (!strncmp(b, servers[i].cmd, n) && (b[n] == '\0' || (b[n] >= '0' && b[n] <= '9'))) {
			*image = servers[i].image;
			return servers[i].cmd;
		}
	}
	return NULL;
}

/* 1 when one of the space-separated words of `words` is in the base image name. */
static int base_matches_any(const dfx_rule_ctx *ctx, const dfx_stage *st, const char *words)
{
	char w[32];
	while (*words) {
		size_t n = strcspn(words, " ");
		if (n && n < sizeof(w)) {
			memcpy(w, words, n);
			w[n] = '\0';
			if (dfx_stage_base_is(ctx, st, w))
				return 1;
		}
		words += n;
		while (*words == ' ')
			words++;
	}
	return 0;
}

void dfx_rule_final_cmd(const dfx_rule_ctx *ctx, const dfx_node **cmd, const dfx_node **ep)
{
	*cmd = *ep = NULL;
	for (const dfx_stage *st = dfx_rule_final_stage(ctx); st; st = dfx_rule_parent_stage(ctx, st)) {
		dfx_node *n = NULL;
		const dfx_node *c = NULL, *e = NULL;
		while (dfx_stage_next(st, &n)) {
			if (n->instr.keyword == DFX_KW_CMD)
				c = n;
			else if (n->instr.keyword == DFX_KW_ENTRYPOINT)
				e = n;
		}
		if (!*cmd)
			*cmd = c;
		if (!*ep)
			*ep = e;
		if (*cmd && *ep)
			break;
	}
}

int dfx_rule_server_name(dfx_rule_ctx *ctx, int any_base, const char **name, const dfx_node **at)
{
	const dfx_node *nodes[2];
	dfx_rule_final_cmd(ctx, &nodes[1], &nodes[0]);
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	for (int k = 0; k < 2; k++) {
		if (!nodes[k])
			continue;
		dfx_cmds cmds;
		if (dfx_rule_commands(&cmds, ctx, nodes[k], &nodes[k]->instr) < 0)
			return 0;
		for (size_t i = 0; i < cmds.count; i++) {
			const char *image;
			const char *s = server_of(&cmds.items[i], &image);
			if (!s)
				continue;
			if (!any_base && *image && final && base_matches_any(ctx, final, image))
				return 0; /* the base image is that server already */
			*name = s;
			*at = nodes[k];
			return 1;
		}
	}
	return 0;
}
