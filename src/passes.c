/* passes.c - the pass registry, the shared helpers of pass.h, and
 * dffix_doc_fix(). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "pass.h"
#include "shell.h"
#include "suppress.h"

/* DESIGN.md's order: pins first (other passes match image names), then
 * cleanups inside RUNs before RUNs move or merge, the user fix-up last. The
 * two modernisations only touch ENV and MAINTAINER. */
static const dfx_pass *const registry[] = {
	&dfx_pass_env_key_value, &dfx_pass_maintainer, &dfx_pass_pin_tag,      &dfx_pass_pkg_clean,
	&dfx_pass_cache_order,   &dfx_pass_merge_run,  &dfx_pass_arbitrary_uid,
};

const dfx_pass *const *dfx_passes(size_t *count)
{
	*count = sizeof(registry) / sizeof(registry[0]);
	return registry;
}

const dfx_pass *dfx_pass_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
		const dfx_pass *p = registry[i];
		if ((strlen(p->name) == len && !strncasecmp(p->name, name, len)) ||
		    (strlen(p->rule_id) == len && !strncasecmp(p->rule_id, name, len)))
			return p;
	}
	return NULL;
}

static int add(dfx_pass_ctx *ctx, dffix_diag_kind kind, const dfx_pass *pass, const dfx_node *at, const char *fmt,
	       va_list ap)
{
	char msg[1024];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	uint32_t off = at ? dfx_node_input_offset(at) : 0;
	uint32_t end = off;
	if (at && !at->synthesized) {
		/* Point at the instruction's first line, not its whole body. */
		end = at->kind == DFX_NODE_INSTRUCTION && at->segment_count ? at->segments[0].eol_start : at->end;
	}
	dffix_severity sev = kind == DFFIX_DIAG_REFUSED ? DFFIX_SEV_INFO : pass->severity;
	return dfx_doc_add_diag(ctx->doc, kind, sev, pass->rule_id, pass->name, 1, off, end, "%s", msg);
}

int dfx_pass_applied(dfx_pass_ctx *ctx, const dfx_pass *pass, const dfx_node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int error = add(ctx, DFFIX_DIAG_APPLIED, pass, at, fmt, ap);
	va_end(ap);
	ctx->changed = 1;
	return error;
}

int dfx_pass_refused(dfx_pass_ctx *ctx, const dfx_pass *pass, const dfx_node *at, const char *fmt, ...)
{
	if (ctx->quiet)
		return 0;
	va_list ap;
	va_start(ap, fmt);
	int error = add(ctx, DFFIX_DIAG_REFUSED, pass, at, fmt, ap);
	va_end(ap);
	return error;
}

int dfx_pass_suppressed(dfx_pass_ctx *ctx, const dfx_pass *pass, const dfx_node *node)
{
	return dfx_suppressed(ctx->doc, node, pass->rule_id, pass->name, pass->aliases);
}

const char *dfx_pass_eol(const dfx_pass_ctx *ctx)
{
	return ctx->doc->crlf ? "\r\n" : "\n";
}

uint32_t dfx_pass_src_trim_end(const dfx_node *n)
{
	if (!n->segment_count)
		return 0;
	const dfx_segment *sg = &n->segments[n->segment_count - 1];
	if (sg->kind != DFX_SEG_CONTENT || sg->continues)
		return 0;
	uint32_t e = sg->text_end;
	while (e > sg->text_start && (n->src[e - 1] == ' ' || n->src[e - 1] == '\t'))
		e--;
	return e > sg->text_start ? e : 0;
}

int dfx_pass_same_flags(const dfx_instr *a, const dfx_instr *b)
{
	if (a->flag_count != b->flag_count)
		return 0;
	for (size_t i = 0; i < a->flag_count; i++)
		if (strcmp(a->flag_values[i], b->flag_values[i]))
			return 0;
	return 1;
}

int dfx_pass_check_run_text(dfx_pass_ctx *ctx, dfx_arena *scratch, const dffix_buf *text, const dffix_buf *want,
                            const dfx_instr *flags)
{
	/* A fragment parse uses only the document's arena and escape character. */
	dffix_doc shadow;
	memset(&shadow, 0, sizeof(shadow));
	shadow.arena = *scratch;
	shadow.escape = ctx->doc->escape;
	dfx_node *nf, *nl;
	int error = dfx_cst_parse_fragment(&nf, &nl, &shadow, text->ptr, text->size);
	*scratch = shadow.arena;
	if (error == DFFIX_ENOMEM)
		return error;
	if (error < 0 || !nf || nf != nl || nf->kind != DFX_NODE_INSTRUCTION || nf->instr.keyword != DFX_KW_RUN ||
	    nf->instr.json || nf->heredoc_count || nf->logical_len != want->size ||
	    memcmp(nf->logical, want->ptr, want->size) || !dfx_pass_same_flags(&nf->instr, flags))
		return 0;
	dfx_sh_script s;
	const dfx_span a = nf->instr.args;
	if ((error = dfx_sh_scan(&s, scratch, nf->logical + a.start, nf->logical_len - a.start)) < 0)
		return error;
	return !s.unterminated && !s.syntax_error;
}

/* 1 when text placed right after `node` would join it: the node ends in a
 * continuation (the builder would read the next line as part of it) or has
 * no line ending (the end of the file). */
static int open_ended(const dfx_node *node)
{
	if (!node)
		return 0;
	if ((node->kind == DFX_NODE_INSTRUCTION || node->kind == DFX_NODE_ERROR) && !node->heredoc_count) {
		for (size_t i = node->segment_count; i-- > 0;)
			if (node->segments[i].kind == DFX_SEG_CONTENT)
				return node->segments[i].continues;
	}
	return 0;
}

/* Where text inserted after `prev` and before `before` stands in the input. */
static uint32_t insert_origin(const dfx_node *prev, const dfx_node *before)
{
	if (prev)
		return prev->synthesized ? prev->origin : prev->end;
	return before ? dfx_node_input_offset(before) : 0;
}

static void set_origin(dfx_node *first, uint32_t origin)
{
	for (dfx_node *n = first; n; n = n->next)
		n->origin = origin;
}

int dfx_pass_replace(dfx_pass_ctx *ctx, dfx_node *first, dfx_node *last, const char *text, size_t len,
		     dfx_node **new_first)
{
	/* New text after an open continuation would become part of it. */
	if (open_ended(first->prev))
		return DFFIX_EPARSE;
	dfx_node *nf, *nl;
	int error = dfx_cst_parse_fragment(&nf, &nl, ctx->doc, text, len);
	if (error < 0)
		return error;
	dfx_node *after = last->next;
	set_origin(nf, dfx_node_input_offset(first));
	for (dfx_node *n = first; n;) {
		dfx_node *next = n->next;
		int stop = n == last;
		dfx_cst_unlink(ctx->doc, n);
		if (stop)
			break;
		n = next;
	}
	dfx_cst_insert_chain_before(ctx->doc, after, nf, nl);
	if (new_first)
		*new_first = nf;
	return 0;
}

/* 1 when the node's bytes do not end with a line ending (the file's last line). */
static int lacks_eol(const dfx_node *node)
{
	return node && (node->end == node->start || node->src[node->end - 1] != '\n');
}

int dfx_pass_insert(dfx_pass_ctx *ctx, dfx_node *before, const char *text, size_t len, dfx_node **new_first)
{
	dfx_node *prev = before ? before->prev : ctx->doc->last;
	if (open_ended(prev))
		return DFFIX_EPARSE;
	uint32_t origin = insert_origin(prev, before);
	dfx_node *nf, *nl;
	int error;
	if (lacks_eol(prev)) {
		/* After a last line with no line ending, the new text starts with
		 * one: parsed, it is a BLANK node that closes that line (the printer
		 * treats it so), then the new nodes. */
		const char *eol = dfx_pass_eol(ctx);
		size_t el = strlen(eol);
		char *t = dfx_arena_alloc(&ctx->doc->arena, el + len + 1);
		if (!t)
			return DFFIX_ENOMEM;
		memcpy(t, eol, el);
		memcpy(t + el, text, len);
		error = dfx_cst_parse_fragment(&nf, &nl, ctx->doc, t, el + len);
		if (error >= 0 && nf && nf->kind == DFX_NODE_BLANK && new_first) {
			set_origin(nf, origin);
			dfx_cst_insert_chain_before(ctx->doc, before, nf, nl);
			*new_first = nf->next;
			return 0;
		}
	} else {
		error = dfx_cst_parse_fragment(&nf, &nl, ctx->doc, text, len);
	}
	if (error < 0)
		return error;
	set_origin(nf, origin);
	dfx_cst_insert_chain_before(ctx->doc, before, nf, nl);
	if (new_first)
		*new_first = nf;
	return 0;
}

static int run_pass(const dfx_pass *pass, dffix_doc *doc, const dffix_options *opts, int quiet, int *any)
{
	if (!(opts->fix & pass->fix_bit))
		return 0;
	dfx_pass_ctx ctx;
	memset(&ctx, 0, sizeof(ctx));
	ctx.doc = doc;
	ctx.opts = opts;
	ctx.quiet = quiet;
	int error = dfx_stages_compute(&ctx.stages, doc);
	if (error < 0 || (error = pass->run(&ctx, pass)) < 0)
		return error;
	if (ctx.changed)
		*any = 1;
	return 0;
}

int dffix_doc_fix(int *changed, dffix_doc *doc, const dffix_options *opts)
{
	dffix_options defaults = DFFIX_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (changed)
		*changed = 0;
	if (opts->version != DFFIX_OPTIONS_VERSION)
		return DFFIX_EINVAL;
	if (dffix_doc_has_errors(doc))
		return DFFIX_EPARSE;
	int error = 0, any = 0;
	for (size_t i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
		if ((error = run_pass(registry[i], doc, opts, 0, &any)) < 0)
			return error;
	}
	/* arbitrary-uid (and cache-order) can leave a new RUN next to another;
	 * one more merge-run round makes fix(fix(x)) == fix(x). Its refusals
	 * were reported in the first round. */
	if (any && (opts->fix & DFFIX_FIX_MERGE_RUN) && (error = run_pass(&dfx_pass_merge_run, doc, opts, 1, &any)) < 0)
		return error;
	if (changed)
		*changed = any;
	return 0;
}
