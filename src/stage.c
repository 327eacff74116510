#include "stage.h"

#include <string.h>
#include <strings.h>

#include "instr.h"

static int flag_value(const dfx_instr *in, const char *name, const char **value)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < in->flag_count; i++) {
		const char *f = in->flag_values[i];
		if (!strncmp(f, name, n) && f[n] == '=') {
			*value = f + n + 1;
			return 1;
		}
	}
	return 0;
}

static uint32_t name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a over the lower-cased bytes */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static int name_is(const dfx_stage *st, const char *name, size_t len)
{
	return st->name && strlen(st->name) == len && !strncasecmp(st->name, name, len);
}

/* The first stage named `name`, or NULL. */
static const dfx_stage *by_name(const dfx_stages *stages, const char *name, size_t len)
{
	if (!stages->by_name_cap) {
		for (size_t i = 0; i < stages->count; i++)
			if (name_is(&stages->items[i], name, len))
				return &stages->items[i];
		return NULL;
	}
	size_t mask = stages->by_name_cap - 1;
	for (size_t slot = name_hash(name, len) & mask; stages->by_name[slot]; slot = (slot + 1) & mask) {
		const dfx_stage *st = &stages->items[stages->by_name[slot] - 1];
		if (name_is(st, name, len))
			return st;
	}
	return NULL;
}

const dfx_stage *dfx_stages_lookup_before(const dfx_stages *stages, size_t limit, const char *name, size_t len)
{
	if (limit > stages->count)
		limit = stages->count;
	const dfx_stage *st = by_name(stages, name, len);
	if (st && st->index < limit)
		return st;
	size_t idx = 0;
	if (len == 0)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (name[i] < '0' || name[i] > '9')
			return NULL;
		idx = idx * 10 + (size_t)(name[i] - '0');
		if (idx > limit)
			return NULL;
	}
	return idx < limit ? &stages->items[idx] : NULL;
}

const dfx_stage *dfx_stages_lookup(const dfx_stages *stages, const char *name, size_t len)
{
	return dfx_stages_lookup_before(stages, stages->count, name, len);
}

/* Fills the name table; stages named twice keep the first (BuildKit rejects
 * the second, and lint reports it). */
static int index_names(dfx_stages *stages, dfx_arena *arena)
{
	size_t cap = 8;
	while (cap < 2 * stages->count)
		cap *= 2;
	stages->by_name = dfx_arena_alloc(arena, cap * sizeof(uint32_t));
	if (!stages->by_name)
		return DFFIX_ENOMEM;
	stages->by_name_cap = cap;
	for (size_t i = 0; i < stages->count; i++) {
		const dfx_stage *st = &stages->items[i];
		if (!st->name)
			continue;
		size_t len = strlen(st->name), slot = name_hash(st->name, len) & (cap - 1);
		int seen = 0;
		for (; stages->by_name[slot]; slot = (slot + 1) & (cap - 1))
			if ((seen = name_is(&stages->items[stages->by_name[slot] - 1], st->name, len)))
				break;
		if (!seen)
			stages->by_name[slot] = (uint32_t)(i + 1);
	}
	return 0;
}

static void mark_used(dfx_stages *stages, const char *v, size_t n)
{
	const dfx_stage *st = dfx_stages_lookup(stages, v, n);
	if (st)
		((dfx_stage *)st)->used_by_copy = 1;
}

int dfx_stages_compute(dfx_stages *out, dffix_doc *doc)
{
	size_t n = 0;
	for (dfx_node *node = doc->first; node; node = node->next)
		if (node->kind == DFX_NODE_INSTRUCTION && node->instr.keyword == DFX_KW_FROM)
			n++;
	memset(out, 0, sizeof(*out));
	out->count = n;
	out->items = n ? dfx_arena_alloc(&doc->arena, n * sizeof(dfx_stage)) : NULL;
	if (n && !out->items)
		return DFFIX_ENOMEM;
	size_t i = 0;
	for (dfx_node *node = doc->first; node; node = node->next) {
		if (node->kind == DFX_NODE_INSTRUCTION && node->instr.keyword == DFX_KW_FROM) {
			dfx_stage *st = &out->items[i];
			st->from = node;
			st->index = i;
			dfx_span w;
			const dfx_instr *in = &node->instr;
			if (dfx_instr_nth_word(&w, node->logical, in->args, 0))
				st->base = dfx_arena_strndup(&doc->arena, node->logical + w.start, w.end - w.start);
			dfx_span as, name;
			if (dfx_instr_nth_word(&as, node->logical, in->args, 1) && as.end - as.start == 2 &&
			    !strncasecmp(node->logical + as.start, "as", 2) &&
			    dfx_instr_nth_word(&name, node->logical, in->args, 2)) {
				char *nm =
				    dfx_arena_strndup(&doc->arena, node->logical + name.start, name.end - name.start);
				if (!nm)
					return DFFIX_ENOMEM;
				for (char *c = nm; *c; c++)
					if (*c >= 'A' && *c <= 'Z')
						*c = (char)(*c + 32);
				st->name = nm;
			}
			if (i > 0)
				out->items[i - 1].last = node->prev;
			i++;
		}
	}
	if (n)
		out->items[n - 1].last = doc->last;
	int error = index_names(out, &doc->arena);
	if (error < 0)
		return error;
	/* Stage references: FROM <stage>, COPY --from=<stage>, RUN --mount=from=<stage>. */
	for (size_t k = 0; k < n; k++) {
		dfx_stage *st = &out->items[k];
		if (st->base) {
			st->parent = dfx_stages_lookup_before(out, k, st->base, strlen(st->base));
			st->base_is_stage = st->parent != NULL;
		}
		for (dfx_node *node = st->from; node; node = node->next) {
			const dfx_instr *in = dfx_node_instr(node, 1);
			if (in && in->keyword == DFX_KW_COPY) {
				const char *v;
				if (flag_value(in, "--from", &v))
					mark_used(out, v, strlen(v));
			}
			if (in && in->keyword == DFX_KW_RUN) {
				for (size_t f = 0; f < in->flag_count; f++) {
					const char *fv = in->flag_values[f];
					const char *p = strstr(fv, "from=");
					if (!strncmp(fv, "--mount=", 8) && p && (p == fv + 8 || p[-1] == ',')) {
						size_t len = strcspn(p + 5, ",");
						mark_used(out, p + 5, len);
					}
				}
			}
			if (node == st->last)
				break;
		}
	}
	/* The final image holds the last stage and its FROM ancestors. */
	if (n) {
		out->items[n - 1].is_final = 1;
		/* Parents come strictly earlier, so the chain ends. */
		for (dfx_stage *st = &out->items[n - 1]; st; st = (dfx_stage *)st->parent)
			st->in_final = 1;
	}
	return 0;
}

const dfx_stage *dfx_stages_find(const dfx_stages *stages, const dfx_node *node)
{
	const dfx_stage *found = NULL;
	for (size_t i = 0; i < stages->count; i++) {
		const dfx_stage *st = &stages->items[i];
		for (const dfx_node *n = st->from; n; n = n->next) {
			if (n == node)
				return st;
			if (n == st->last)
				break;
		}
	}
	return found;
}

/* Section - the shell that runs shell-form RUNs */

int dfx_shell_is_posix(const dfx_instr *in)
{
	static const char *const posix[] = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "busybox"};
	if (!in->json || in->json_count == 0)
		return 0;
	const char *prog = in->json_values[0];
	const char *slash = strrchr(prog, '/');
	if (slash)
		prog = slash + 1;
	for (size_t i = 0; i < sizeof(posix) / sizeof(posix[0]); i++)
		if (!strcmp(prog, posix[i]))
			return 1;
	return 0;
}

void dfx_shell_state_apply(dfx_shell_state *st, const dfx_instr *in)
{
	st->errexit = 0;
	st->refuse = "the stage's SHELL is not a POSIX shell";
	if (in->json_count < 2 || !dfx_shell_is_posix(in))
		return;
	st->refuse = "the stage's SHELL has options this pass does not know";
	for (size_t i = 1; i < in->json_count; i++) {
		const char *v = in->json_values[i];
		if ((v[0] != '-' && v[0] != '+') || !v[1] || v[1] == '-')
			return;
		for (const char *p = v + 1; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
				return;
		if (v[0] == '-' && strchr(v, 'e'))
			st->errexit = 1;
		if (i + 1 == in->json_count && (v[0] != '-' || !strchr(v, 'c')))
			return;
		/* `-euxo pipefail`: a cluster ending in o takes an option name. */
		if (v[strlen(v) - 1] == 'o') {
			if (i + 2 >= in->json_count)
				return;
			if (v[0] == '-' && !strcmp(in->json_values[i + 1], "errexit"))
				st->errexit = 1;
			i++;
		}
	}
	st->refuse = NULL;
}

unsigned dfx_env_hazard(const dfx_node *n)
{
	static const struct {
		const char *name;
		unsigned bit;
	} vars[] = {{"BASH_ENV", DFX_ENV_BASH_ENV}, {"SHELLOPTS", DFX_ENV_SHELLOPTS}, {"BASHOPTS", DFX_ENV_BASHOPTS}};
	const dfx_instr *in = &n->instr;
	if (n->kind != DFX_NODE_INSTRUCTION || (in->keyword != DFX_KW_ENV && in->keyword != DFX_KW_ARG))
		return 0;
	/* A plain substring search: a false alarm only makes passes careful. */
	const char *a = n->logical + in->args.start;
	size_t len = in->args.end - in->args.start;
	unsigned found = 0;
	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		size_t k = strlen(vars[i].name);
		for (size_t p = 0; p + k <= len; p++)
			if (!memcmp(a + p, vars[i].name, k)) {
				found |= vars[i].bit;
				break;
			}
	}
	return found;
}

int dfx_shell_walk_init(dfx_shell_walk *w, const dfx_stages *stages)
{
	memset(w, 0, sizeof(*w));
	w->stages = stages;
	if (stages->count && !(w->finals = dfx_arena_alloc(&w->arena, stages->count * sizeof(dfx_shell_state))))
		return DFFIX_ENOMEM;
	return 0;
}

int dfx_shell_walk_step(dfx_shell_walk *w, const dfx_node *n)
{
	if (n->kind != DFX_NODE_INSTRUCTION)
		return 0;
	if (n->instr.keyword == DFX_KW_SHELL) {
		dfx_shell_state_apply(&w->state, &n->instr);
		return 1;
	}
	if (n->instr.keyword != DFX_KW_FROM)
		return 0;
	if (w->stage)
		w->finals[w->stage->index] = w->state;
	/* FROM nodes are never replaced: the k-th FROM is stage k. */
	w->stage = w->next_stage < w->stages->count ? &w->stages->items[w->next_stage++] : NULL;
	w->state = (dfx_shell_state){NULL, 0};
	if (w->stage && w->stage->parent)
		w->state = w->finals[w->stage->parent->index];
	return 1;
}

void dfx_shell_walk_dispose(dfx_shell_walk *w)
{
	dfx_arena_dispose(&w->arena);
	w->finals = NULL;
}
