/*
 * pass_pin_tag.c - pin untagged and `:latest` images to a configured tag
 * (G2/G3; hadolint DL3006, DL3007).
 *
 *     FROM nginx                        FROM nginx:1.25
 *     FROM docker.io/nginx:latest   ->  FROM docker.io/nginx:1.25
 *     COPY --from=nginx:latest ...      COPY --from=nginx:1.25 ...
 *     RUN --mount=from=alpine,...       RUN --mount=from=alpine:3.19,...
 *     ARG BASE=nginx:latest             ARG BASE=nginx:1.25
 *     FROM ${BASE}                      FROM ${BASE}
 *
 * with pins nginx=1.25, alpine=3.19 (a pin's tag may also be
 * "1.25@sha256:..." or "@sha256:..."). Images match by repository, so
 * `nginx`, `library/nginx` and `docker.io/library/nginx` share a pin; the
 * registry and path stay as written and only the tag changes.
 *
 * Left alone: references that already carry a digest or a tag other than
 * `latest`, stage names, `scratch`. Refused (with the reason): no pin known,
 * an image given by a variable whose default cannot be found or that mixes
 * text and variables, and an ARG default that is used somewhere besides the
 * FROM image (changing it would change more than the base image).
 *
 * Only the bytes of the image word are replaced; the rest of the
 * instruction, comments and continuations included, is kept.
 */
#include <string.h>
#include <strings.h>

#include "instr.h"
#include "imageref.h"
#include "pass.h"

static const char *const aliases[] = {"DL3006", "DL3007", NULL};

/* Where an image reference stands. */
typedef enum site_kind { SITE_FROM, SITE_COPY, SITE_MOUNT } site_kind;

static const char *const site_names[] = {"FROM", "COPY --from", "RUN --mount from"};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

static int is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The first blank-separated word of a span, or an empty span. */
static dfx_span first_word(const char *s, dfx_span a)
{
	uint32_t p = a.start;
	while (p < a.end && is_blank(s[p]))
		p++;
	uint32_t w = p;
	while (p < a.end && !is_blank(s[p]))
		p++;
	return (dfx_span){w, p};
}

/* When s[0..len) is exactly `$NAME` or `${NAME}`, the name. */
static int exact_variable(const char *s, size_t len, const char **name, size_t *name_len)
{
	if (len >= 2 && s[0] == '$' && s[1] != '{') {
		for (size_t i = 1; i < len; i++)
			if (!is_ident(s[i]))
				return 0;
		*name = s + 1;
		*name_len = len - 1;
		return 1;
	}
	if (len >= 4 && s[0] == '$' && s[1] == '{' && s[len - 1] == '}') {
		for (size_t i = 2; i + 1 < len; i++)
			if (!is_ident(s[i]))
				return 0;
		*name = s + 2;
		*name_len = len - 3;
		return 1;
	}
	return 0;
}

/* Section - global ARG defaults */

typedef struct arg_default {
	dfx_node *node; /* the ARG instruction that declares it last */
	dfx_span value; /* the default's bytes in node->logical, quotes excluded */
	int has_default;
	int quoted_oddly; /* quotes or escapes we will not rewrite through */
} arg_default;

/* Finds the last declaration of `name` among the ARGs before the first FROM
 * (the only ones FROM can see). Returns 1 when declared, 0 when not, or a
 * negative error. */
static int find_global_arg(arg_default *out, dfx_pass_ctx *ctx, const char *name, size_t len)
{
	int found = 0;
	memset(out, 0, sizeof(*out));
	for (dfx_node *n = ctx->doc->first; n; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION)
			continue;
		if (n->instr.keyword == DFX_KW_FROM)
			break;
		if (n->instr.keyword != DFX_KW_ARG)
			continue;
		dfx_span *words;
		size_t count;
		int error =
		    dfx_instr_words(&words, &count, &ctx->doc->arena, n->logical, n->instr.args, ctx->doc->escape);
		if (error < 0)
			return error;
		for (size_t i = 0; i < count; i++) {
			const char *w = n->logical + words[i].start;
			size_t wl = words[i].end - words[i].start;
			const char *eq = memchr(w, '=', wl);
			size_t nl = eq ? (size_t)(eq - w) : wl;
			if (nl != len || memcmp(w, name, len) != 0)
				continue;
			found = 1;
			memset(out, 0, sizeof(*out));
			out->node = n;
			if (!eq)
				continue;
			out->has_default = 1;
			uint32_t vs = words[i].start + (uint32_t)nl + 1, ve = words[i].end;
			const char *v = n->logical + vs;
			size_t vl = ve - vs;
			if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
				vs++;
				ve--;
			}
			out->value = (dfx_span){vs, ve};
			for (uint32_t k = vs; k < ve; k++) {
				char c = n->logical[k];
				if (c == '"' || c == '\'' || c == ctx->doc->escape)
					out->quoted_oddly = 1;
			}
		}
	}
	return found;
}

/* Expands `$NAME` and `${NAME}` in text with global ARG defaults into out.
 * Returns 1 when every variable has a plain default, 0 otherwise. */
static int expand(dffix_buf *out, int *error, dfx_pass_ctx *ctx, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] != '$') {
			size_t j = i;
			while (j < len && s[j] != '$')
				j++;
			if ((*error = dffix_buf_put(out, s + i, j - i)) < 0)
				return 0;
			i = j;
			continue;
		}
		size_t ns, ne, next;
		if (i + 1 < len && s[i + 1] == '{') {
			ns = i + 2;
			ne = ns;
			while (ne < len && is_ident(s[ne]))
				ne++;
			if (ne >= len || s[ne] != '}')
				return 0; /* ${X:-y} and friends: not followed */
			next = ne + 1;
		} else {
			ns = i + 1;
			ne = ns;
			while (ne < len && is_ident(s[ne]))
				ne++;
			next = ne;
		}
		if (ne == ns)
			return 0;
		arg_default def;
		int rc = find_global_arg(&def, ctx, s + ns, ne - ns);
		if (rc < 0) {
			*error = rc;
			return 0;
		}
		if (!rc || !def.has_default || def.quoted_oddly ||
		    memchr(def.node->logical + def.value.start, '$', def.value.end - def.value.start))
			return 0;
		if ((*error =
		         dffix_buf_put(out, def.node->logical + def.value.start, def.value.end - def.value.start)) < 0)
			return 0;
		i = next;
	}
	return 1;
}

/* Whether `$name`/`${name}` appears in the document anywhere but as the
 * whole image word of a FROM. Sets *line to the first such line. */
static int used_elsewhere(dfx_pass_ctx *ctx, const char *name, size_t len, uint32_t *line)
{
	for (dfx_node *n = ctx->doc->first; n; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION && n->kind != DFX_NODE_ERROR)
			continue;
		const char *s;
		size_t sl;
		dfx_span skip = {0, 0};
		if (n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_FROM) {
			/* FROM has no heredocs or inner comments worth reading: scan its
			 * logical text, skipping an image word that is the variable. */
			s = n->logical;
			sl = n->logical_len;
			dfx_span w = first_word(s, n->instr.args);
			const char *vn;
			size_t vl;
			if (exact_variable(s + w.start, w.end - w.start, &vn, &vl) && vl == len &&
			    !memcmp(vn, name, len))
				skip = w;
		} else {
			s = n->src + n->start;
			sl = n->end - n->start;
		}
		for (size_t i = 0; i + 1 < sl; i++) {
			if (s[i] != '$' || (i >= skip.start && i < skip.end))
				continue;
			size_t p = i + 1;
			if (s[p] == '{')
				p++;
			if (sl - p < len || memcmp(s + p, name, len) != 0)
				continue;
			if (p + len < sl && is_ident(s[p + len]))
				continue;
			*line = n->line;
			return 1;
		}
	}
	return 0;
}

/* Section - pins */

/* The pin for an image, or NULL. */
static const dffix_pin *find_pin(const dfx_pass_ctx *ctx, const dfx_imageref *ref)
{
	for (size_t i = 0; i < ctx->opts->pin_count; i++) {
		const dffix_pin *pin = &ctx->opts->pins[i];
		if (!pin->image || !pin->tag)
			continue;
		dfx_imageref pr;
		if (dfx_imageref_parse(&pr, pin->image, strlen(pin->image)) < 0 || pr.has_variable)
			continue;
		if (dfx_imageref_same_repo(&pr, ref))
			return pin;
	}
	return NULL;
}

/* Builds the pinned reference: the name exactly as written plus the pin's
 * tag and/or digest. Returns 1 when it is a valid reference, 0 when the pin
 * is not usable, or a negative error. */
static int pinned_text(dffix_buf *out, const char *image, const dfx_imageref *ref, const char *tag)
{
	size_t name_len = (size_t)(ref->path + ref->path_len - image);
	int error;
	if ((error = dffix_buf_put(out, image, name_len)) < 0)
		return error;
	if (tag[0] != '@' && (error = dffix_buf_put(out, ":", 1)) < 0)
		return error;
	if ((error = dffix_buf_puts(out, tag)) < 0)
		return error;
	dfx_imageref check;
	if (dfx_imageref_parse(&check, out->ptr, out->size) < 0 || check.has_variable)
		return 0;
	/* The name must be unchanged, and the result pinned (not `latest`). */
	if ((size_t)(check.path + check.path_len - out->ptr) != name_len)
		return 0;
	if (!check.digest && (!check.tag || (check.tag_len == 6 && !memcmp(check.tag, "latest", 6))))
		return 0;
	return 1;
}

/* Section - rewriting */

/* Replaces logical[ls..le) of node by `word`, keeping every other byte.
 * Returns 1 when done, 0 when the word cannot be mapped to one run of source
 * bytes (split over lines) or the result does not parse, or an error. */
static int replace_word(dfx_node **out, dfx_pass_ctx *ctx, dfx_node *node, uint32_t ls, uint32_t le, const char *word,
                        size_t word_len)
{
	uint32_t s = dfx_node_logical_to_src(node, ls);
	uint32_t e = dfx_node_logical_to_src(node, le - 1) + 1;
	if (e < s || e - s != le - ls || memcmp(node->src + s, node->logical + ls, le - ls) != 0)
		return 0;
	dffix_buf text = DFFIX_BUF_INIT;
	int error;
	if ((error = dffix_buf_put(&text, node->src + node->start, s - node->start)) < 0 ||
	    (error = dffix_buf_put(&text, word, word_len)) < 0 ||
	    (error = dffix_buf_put(&text, node->src + e, node->end - e)) < 0)
		goto cleanup;
	error = dfx_pass_replace(ctx, node, node, text.ptr, text.size, out);
	if (error == DFFIX_EPARSE)
		error = 0;
	else if (error == 0)
		error = 1;
cleanup:
	dffix_buf_dispose(&text);
	return error;
}

static int is_latest(const dfx_imageref *ref)
{
	return ref->tag_len == 6 && !memcmp(ref->tag, "latest", 6);
}

/* 1 when `s` names a stage this site may refer to: for FROM only the
 * `stages_before` earlier stages (by name), for COPY --from and mounts any
 * stage, by name or index. */
static int names_stage(dfx_pass_ctx *ctx, size_t stages_before, site_kind kind, const char *s, size_t len)
{
	if (kind != SITE_FROM)
		return dfx_stages_lookup(&ctx->stages, s, len) != NULL;
	const dfx_stage *st = dfx_stages_lookup_before(&ctx->stages, stages_before, s, len);
	/* FROM takes stage names, not indexes. */
	return st && st->name && strlen(st->name) == len && !strncasecmp(st->name, s, len);
}

typedef struct decision {
	int needs_pin; /* untagged or `latest`, not a stage or scratch */
	dfx_imageref ref;
} decision;

/* Looks at a literal image: does it need a pin? */
static void judge(decision *out, dfx_pass_ctx *ctx, size_t stages_before, site_kind kind, const char *s, size_t len)
{
	memset(out, 0, sizeof(*out));
	if (len == 0 || names_stage(ctx, stages_before, kind, s, len))
		return;
	if (len == 7 && !strncasecmp(s, "scratch", 7))
		return;
	if (dfx_imageref_parse(&out->ref, s, len) < 0 || out->ref.has_variable)
		return; /* not a valid reference: other rules report it */
	if (out->ref.digest || (out->ref.tag && !is_latest(&out->ref)))
		return;
	out->needs_pin = 1;
}

static int refuse_no_pin(dfx_pass_ctx *ctx, const dfx_pass *self, dfx_node *at, const dfx_imageref *ref)
{
	size_t name_len = (size_t)(ref->path + ref->path_len - (ref->registry_len ? ref->registry : ref->path));
	const char *name = ref->registry_len ? ref->registry : ref->path;
	return dfx_pass_refused(ctx, self, at,
	                        "no pin configured for %.*s; pass --pin %.*s=TAG or add it to pins: in .dffix.yaml",
	                        (int)name_len, name, (int)name_len, name);
}

/*
 * Pins the image at logical[ls..le) of *node. On a rewrite *node becomes the
 * new node. `at` receives the diagnostics. `stages_before`: the FROMs before
 * this site (a FROM may name only those stages).
 */
static int pin_literal(dfx_pass_ctx *ctx, const dfx_pass *self, dfx_node **node, site_kind kind, uint32_t ls,
                       uint32_t le, dfx_node *at, size_t stages_before)
{
	dfx_node *n = *node;
	const char *s = n->logical + ls;
	size_t len = le - ls;
	decision d;
	judge(&d, ctx, stages_before, kind, s, len);
	if (!d.needs_pin)
		return 0;
	const dffix_pin *pin = find_pin(ctx, &d.ref);
	if (!pin)
		return refuse_no_pin(ctx, self, at, &d.ref);
	dffix_buf word = DFFIX_BUF_INIT;
	int error = pinned_text(&word, s, &d.ref, pin->tag);
	if (error < 0)
		goto cleanup;
	if (error == 0) {
		error = dfx_pass_refused(ctx, self, at, "the pin for %.*s (`%s`) is not a valid tag or digest",
		                         (int)len, s, pin->tag);
		goto cleanup;
	}
	char *old = dfx_arena_strndup(&ctx->doc->arena, s, len);
	if (!old) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	dfx_node *nn = NULL;
	error = replace_word(&nn, ctx, n, ls, le, word.ptr, word.size);
	if (error < 0)
		goto cleanup;
	if (error == 0) {
		error = dfx_pass_refused(ctx, self, at, "`%s` is split over lines; pin it by hand", old);
		goto cleanup;
	}
	*node = nn;
	error = dfx_pass_applied(ctx, self, at, "pinned %s `%s` to `%s`", site_names[kind], old, word.ptr);
cleanup:
	dffix_buf_dispose(&word);
	return error;
}

/* FROM with a variable: follow a global ARG default, or refuse. */
static int pin_variable_from(dfx_pass_ctx *ctx, const dfx_pass *self, dfx_node *from, dfx_span w, size_t stages_before)
{
	const char *s = from->logical + w.start;
	size_t len = w.end - w.start;
	const char *name;
	size_t name_len;
	int error = 0;
	if (!exact_variable(s, len, &name, &name_len)) {
		/* Text and variables mixed (`nginx:${TAG}`): judge the expansion. */
		dffix_buf exp = DFFIX_BUF_INIT;
		int ok = expand(&exp, &error, ctx, s, len);
		if (error < 0) {
			dffix_buf_dispose(&exp);
			return error;
		}
		if (!ok) {
			dffix_buf_dispose(&exp);
			return dfx_pass_refused(ctx, self, from,
			                        "image `%.*s` uses a variable whose default can't be found "
			                        "(no plain `ARG NAME=value` before the first FROM)",
			                        (int)len, s);
		}
		decision d;
		judge(&d, ctx, stages_before, SITE_FROM, exp.ptr ? exp.ptr : "", exp.size);
		if (d.needs_pin)
			error = dfx_pass_refused(
			    ctx, self, from, "image `%.*s` (`%s` by default) mixes text and variables; pin it by hand",
			    (int)len, s, exp.ptr);
		dffix_buf_dispose(&exp);
		return error;
	}
	arg_default def;
	int rc = find_global_arg(&def, ctx, name, name_len);
	if (rc < 0)
		return rc;
	if (!rc || !def.has_default || def.value.end == def.value.start)
		return dfx_pass_refused(
		    ctx, self, from,
		    "image `%.*s` is a variable with no default (no `ARG %.*s=...` before the first FROM)", (int)len, s,
		    (int)name_len, name);
	const char *v = def.node->logical + def.value.start;
	size_t vl = def.value.end - def.value.start;
	if (memchr(v, '$', vl))
		return dfx_pass_refused(ctx, self, from, "the default of ARG %.*s (`%.*s`) uses another variable",
		                        (int)name_len, name, (int)vl, v);
	decision d;
	judge(&d, ctx, stages_before, SITE_FROM, v, vl);
	if (!d.needs_pin)
		return 0;
	uint32_t line;
	if (used_elsewhere(ctx, name, name_len, &line)) {
		if (line)
			return dfx_pass_refused(ctx, self, from,
			                        "ARG %.*s is also used on line %u, not only as the FROM image; "
			                        "pinning its default would change more than the base image",
			                        (int)name_len, name, line);
		return dfx_pass_refused(ctx, self, from,
		                        "ARG %.*s is also used outside FROM; pinning its default would change more "
		                        "than the base image",
		                        (int)name_len, name);
	}
	if (def.quoted_oddly)
		return dfx_pass_refused(ctx, self, from,
		                        "the default of ARG %.*s has quotes or escapes inside; pin it by hand",
		                        (int)name_len, name);
	if (dfx_pass_suppressed(ctx, self, def.node))
		return 0;
	dfx_node *argn = def.node;
	return pin_literal(ctx, self, &argn, SITE_FROM, def.value.start, def.value.end, from, stages_before);
}

/* The `from=` field of a --mount flag: its value span in logical text. */
static int mount_from(const dfx_node *n, dfx_span flag, dfx_span *out)
{
	const char *s = n->logical;
	if (flag.end - flag.start < 8 || memcmp(s + flag.start, "--mount=", 8) != 0)
		return 0;
	uint32_t p = flag.start + 8;
	while (p < flag.end) {
		uint32_t fe = p;
		while (fe < flag.end && s[fe] != ',')
			fe++;
		if (fe - p > 5 && !memcmp(s + p, "from=", 5)) {
			*out = (dfx_span){p + 5, fe};
			return 1;
		}
		p = fe + 1;
	}
	return 0;
}

static int has_quote(const char *s, dfx_span sp, char escape)
{
	for (uint32_t i = sp.start; i < sp.end; i++)
		if (s[i] == '"' || s[i] == '\'' || s[i] == escape)
			return 1;
	return 0;
}

/* COPY --from= and RUN --mount=from=: literal images only. Flags are taken
 * last to first, so a rewrite never moves the ones still to look at; *node
 * follows the rewrites. */
static int pin_flags(dfx_pass_ctx *ctx, const dfx_pass *self, dfx_node **node)
{
	/* Diagnostics go to the original node: it keeps its input position. */
	dfx_node *orig = *node;
	const dfx_instr *in = dfx_node_instr(*node, 1);
	for (size_t i = in ? in->flag_count : 0; i-- > 0;) {
		dfx_node *n = *node;
		in = dfx_node_instr(n, 1);
		if (!in || i >= in->flag_count)
			break;
		dfx_span f = in->flags[i], v;
		site_kind kind;
		if (in->keyword == DFX_KW_COPY && f.end - f.start > 7 && !memcmp(n->logical + f.start, "--from=", 7)) {
			kind = SITE_COPY;
			v = (dfx_span){f.start + 7, f.end};
		} else if (in->keyword == DFX_KW_RUN && mount_from(n, f, &v)) {
			kind = SITE_MOUNT;
		} else {
			continue;
		}
		if (has_quote(n->logical, f, ctx->doc->escape))
			continue; /* the builder unquotes it: we could rewrite the wrong bytes */
		const char *s = n->logical + v.start;
		size_t len = v.end - v.start;
		int error;
		if (memchr(s, '$', len))
			error = dfx_pass_refused(ctx, self, orig,
			                         "image `%.*s` in %s is given by a variable; pin-tag only follows "
			                         "ARG defaults of FROM images",
			                         (int)len, s, site_names[kind]);
		else
			error = pin_literal(ctx, self, node, kind, v.start, v.end, orig, 0);
		if (error < 0)
			return error;
	}
	return 0;
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	int error = 0;
	size_t froms = 0; /* FROMs before n: rewrites keep their order */
	for (dfx_node *n = ctx->doc->first; n; n = n->next) {
		const dfx_instr *in = dfx_node_instr(n, 1);
		int is_from = in && in->keyword == DFX_KW_FROM && in == &n->instr;
		size_t stages_before = froms;
		froms += is_from;
		if (!in || dfx_pass_suppressed(ctx, self, n))
			continue;
		if (is_from) {
			dfx_span w = first_word(n->logical, in->args);
			if (w.end == w.start)
				continue;
			if (memchr(n->logical + w.start, '$', w.end - w.start))
				error = pin_variable_from(ctx, self, n, w, stages_before);
			else
				error = pin_literal(ctx, self, &n, SITE_FROM, w.start, w.end, n, stages_before);
		} else if (in->keyword == DFX_KW_COPY || in->keyword == DFX_KW_RUN) {
			error = pin_flags(ctx, self, &n);
		}
		if (error < 0)
			return error;
		error = 0;
	}
	return 0;
}

const dfx_pass dfx_pass_pin_tag = {
    .name = "pin-tag",
    .rule_id = "DF101",
    .fix_bit = DFFIX_FIX_PIN_TAG,
    .summary = "pin untagged and :latest images to the configured tag or digest",
    .guideline = "G2",
    .aliases = aliases,
    .severity = DFFIX_SEV_WARNING,
    .run = run,
};
