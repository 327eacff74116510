/*
 * pass_maintainer.c - DF107 maintainer: the deprecated MAINTAINER
 * instruction becomes the OCI authors label (BuildKit's check
 * MaintainerDeprecated, hadolint DL4000).
 *
 *   MAINTAINER Jane Doe <jane@example.com>
 *   ->  LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
 *
 * MAINTAINER takes the rest of the line literally (BuildKit parseString; no
 * variable expansion), while a LABEL value goes through shell-word
 * processing. So the value is written in double quotes with `"` and `$`
 * escaped (`\"`, `\$`, which every BuildKit release reads back as `"` and
 * `$`). A backslash followed by `\`, `"`, `$` or nothing is read differently
 * by older and newer releases, so such a value is refused, as are backticks
 * and a non-backslash escape directive.
 *
 * This is the change the pass exists to make: the image's `author` field is
 * no longer set; the label is. When the stage already sets that label the
 * MAINTAINER is reported, not converted (no duplicate label).
 */
#include <string.h>

#include "instr.h"
#include "pass.h"

static const char AUTHORS[] = "org.opencontainers.image.authors";

/* 1 when the LABEL node sets `key`. */
static int label_sets(dfx_pass_ctx *ctx, const dfx_node *n, const char *key, int *error)
{
	const dfx_instr *in = &n->instr;
	const char *s = n->logical;
	dfx_span *w;
	size_t count;
	size_t kn = strlen(key);
	if ((*error = dfx_instr_words(&w, &count, &ctx->doc->arena, s, in->args, ctx->doc->escape)) < 0 || !count)
		return 0;
	for (size_t i = 0; i < count; i++) {
		const char *k = s + w[i].start;
		const char *eq = memchr(k, '=', w[i].end - w[i].start);
		size_t len = eq ? (size_t)(eq - k) : (i == 0 ? w[i].end - w[i].start : 0);
		if (len >= 2 && (k[0] == '"' || k[0] == '\'') && k[len - 1] == k[0]) {
			k++;
			len -= 2;
		}
		if (len == kn && !memcmp(k, key, kn))
			return 1;
		if (!eq)
			break; /* legacy form: one key */
	}
	return 0;
}

/* 1 when the stage starting at `from` (up to the next FROM) has a LABEL
 * setting the authors key. */
static int stage_has_authors(dfx_pass_ctx *ctx, const dfx_node *from, int *error)
{
	for (const dfx_node *n = from->next; n; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION)
			continue;
		if (n->instr.keyword == DFX_KW_FROM)
			break;
		if (n->instr.keyword == DFX_KW_LABEL && label_sets(ctx, n, AUTHORS, error))
			return 1;
		if (*error < 0)
			return 0;
	}
	return 0;
}

/* Why the value cannot be written as a LABEL value, or NULL. */
static const char *value_problem(const char *v, size_t n, char escape)
{
	if (escape != '\\')
		return "the escape character is not `\\`";
	for (size_t i = 0; i < n; i++) {
		if (v[i] == '`')
			return "the value has backticks";
		if (v[i] == '\n')
			return "the value spans lines";
		if (v[i] == '\\' && (i + 1 == n || v[i + 1] == '\\' || v[i + 1] == '"' || v[i + 1] == '$'))
			return "a backslash before `\\`, `\"` or `$`, or at the end, reads differently across "
			       "BuildKit releases";
	}
	return NULL;
}

/* What the pass knows of the stage it is in. */
typedef struct stage_authors {
	const dfx_node *from; /* the stage's FROM; NULL before the first */
	int known;            /* has_label was computed */
	int has_label;        /* the stage sets the authors label */
} stage_authors;

static int convert(dfx_pass_ctx *ctx, const dfx_pass *self, dfx_node *n, stage_authors *sa)
{
	const dfx_instr *in = &n->instr;
	const char *v = n->logical + in->args.start;
	size_t vn = in->args.end - in->args.start;
	if (in->flag_count)
		return dfx_pass_refused(ctx, self, n, "MAINTAINER is deprecated; not converted: it has flags");
	if (vn == 0)
		return dfx_pass_refused(ctx, self, n, "MAINTAINER is deprecated; not converted: it has no value");
	for (size_t i = 0; i < n->segment_count; i++)
		if (n->segments[i].kind == DFX_SEG_COMMENT)
			return dfx_pass_refused(ctx, self, n,
						"MAINTAINER is deprecated; not converted: a comment line inside it "
						"would have no place in the LABEL");
	const char *why = value_problem(v, vn, ctx->doc->escape);
	if (why)
		return dfx_pass_refused(ctx, self, n, "MAINTAINER is deprecated; not converted: %s", why);
	int error = 0;
	if (!sa->from)
		return dfx_pass_refused(ctx, self, n,
					"MAINTAINER is deprecated; not converted: it comes before the first FROM");
	if (!sa->known) {
		/* Once per stage: thousands of MAINTAINERs stay linear. */
		sa->has_label = stage_has_authors(ctx, sa->from, &error);
		sa->known = 1;
	}
	if (error < 0)
		return error;
	if (sa->has_label)
		return dfx_pass_refused(ctx, self, n,
					"MAINTAINER is deprecated; not converted: the stage already sets the label %s",
					AUTHORS);

	/* Keep the keyword's case, the indentation and the line ending. */
	const char *kw = n->logical + in->keyword_span.start;
	int lower = kw[0] >= 'a' && kw[0] <= 'z';
	const dfx_segment *first = &n->segments[0], *last = &n->segments[n->segment_count - 1];
	dffix_buf buf = DFFIX_BUF_INIT;
	error = dffix_buf_put(&buf, n->src + n->start, first->text_start - n->start);
	if (!error)
		error = dffix_buf_printf(&buf, "%s %s=\"", lower ? "label" : "LABEL", AUTHORS);
	for (size_t i = 0; i < vn && !error; i++) {
		if (v[i] == '"' || v[i] == '$')
			error = dffix_buf_put(&buf, "\\", 1);
		if (!error)
			error = dffix_buf_put(&buf, v + i, 1);
	}
	if (!error)
		error = dffix_buf_puts(&buf, "\"");
	if (!error)
		error = dffix_buf_put(&buf, n->src + last->eol_start, last->end - last->eol_start);
	if (!error)
		error = dfx_pass_replace(ctx, n, n, buf.ptr, buf.size, NULL);
	dffix_buf_dispose(&buf);
	if (error == DFFIX_EPARSE)
		return dfx_pass_refused(ctx, self, n,
					"MAINTAINER is deprecated; not converted: the LABEL would not parse");
	if (error < 0)
		return error;
	sa->has_label = 1; /* the LABEL just written */
	/* Reported at the replaced node: its offsets are the input's. */
	return dfx_pass_applied(ctx, self, n,
				"Maintainer instruction is deprecated in favor of using label: use LABEL %s=...",
				AUTHORS);
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	int error = 0;
	stage_authors sa = {NULL, 0, 0};
	for (dfx_node *n = ctx->doc->first, *next; n && error == 0; n = next) {
		next = n->next;
		if (n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_FROM)
			sa = (stage_authors){n, 0, 0};
		if (n->kind != DFX_NODE_INSTRUCTION || n->instr.keyword != DFX_KW_MAINTAINER ||
		    dfx_pass_suppressed(ctx, self, n))
			continue;
		error = convert(ctx, self, n, &sa);
	}
	return error;
}

static const char *const aliases[] = {"DL4000", NULL};

const dfx_pass dfx_pass_maintainer = {
	"maintainer",
	"DF107",
	DFFIX_FIX_MAINTAINER,
	"Replace the deprecated MAINTAINER with LABEL org.opencontainers.image.authors.",
	"-",
	aliases,
	DFFIX_SEV_WARNING,
	run,
};
