/*
 * pass_merge_run.c - merge-run (DF104, guideline G6, hadolint DL3059):
 * merge consecutive RUN instructions of a stage into one, so they make one
 * layer instead of several.
 *
 *   RUN mkdir /app                       RUN mkdir /app && \
 *   # fetch the sources            =>        # fetch the sources
 *   RUN touch /app/x                         touch /app/x
 *
 * Two RUNs are consecutive when only comment lines and blank lines stand
 * between them. The merged text is the first RUN as written (keyword, flags,
 * its own continuation lines), then ` && \`, then the comment lines that stood
 * between them as comment lines of the continuation (the builder drops
 * those, so they stay comments, in their place), then the second command
 * indented by 4 spaces with its own continuation lines. Blank lines between
 * them are dropped. A chain of three or more RUNs becomes one RUN.
 *
 * Why `A && \ B` is the same build as `RUN A` + `RUN B` (POSIX sh):
 * each RUN is `sh -c TEXT`, and the build stops at the first RUN whose exit
 * status is not 0. Write A as and-or lists L1; ...; Ln and an and-or list as
 * pipelines joined by && and ||, which have equal precedence and associate to
 * the left. Appending `&& B` to A only extends its last list: `L1; ...; Ln &&
 * B` parses as `L1; ...; (Ln) && B`. So whatever operators A holds, B runs
 * exactly when A's exit status (that of Ln) is 0, and the merged status is
 * A's when that is not 0, else B's. Hence, for the first command:
 *   - `;` (and newlines) between lists: fine, only the last list counts
 *     (`A; B` then `&& C`: C runs iff B succeeded, as before);
 *   - `||`: fine, `X || Y && B` is `(X || Y) && B`;
 *   - `|`: fine, a pipeline binds tighter than &&; its status is its last
 *     command's (or pipefail's), as before;
 *   - `!`: fine, it negates one pipeline, `! X && B` is `(! X) && B`;
 *   - `&` anywhere: refused. A background job of the first RUN dies when
 *     that RUN's container ends; merged it would run on beside B;
 *   - a trailing `;` (`A;` + ` && B` is a syntax error), a trailing comment
 *     (it would swallow `&& B`), unterminated text or a here-document:
 *     refused.
 * The second command is where operators do matter, because `A &&` binds to
 * its FIRST pipeline only: `A && X || Y` runs Y when A fails and may succeed,
 * `A && X; Y` and `A && X & Y` run Y whatever A did. So the second command
 * must be one and-or list using only && (pipes and `!` inside are fine, and a
 * single trailing `;`); its `||`, `;` between lists and `&` are refused.
 * Exit status and errexit: A's last list now stands left of `&&`, where
 * errexit (`sh -e`, `set -e`) is ignored, also inside compound commands and
 * subshells it contains (`(set -e; false; x) && B` runs x). So when errexit
 * may be on (a SHELL with -e, or any `set` in the first command) and the
 * last list of the first command holds a compound command ((...), {...},
 * if, while, for, case), the pair is refused. Simple commands are unaffected:
 * their failure still ends the RUN with a non-zero status.
 * Shell state: B must see the same shell state as in a fresh `sh -c`, so the
 * first command may not change it (dfx_sh_state_change: cd, export, set,
 * umask, assignments, functions, ...), and the second may not read `$_` or
 * `$!`, which the first command now sets.
 *
 * Also refused (a diagnostic, the text unchanged): exec-form or heredoc RUNs;
 * flags that differ in any way as the builder sees them; a tmpfs mount or a
 * writable bind mount (each RUN gets a fresh one); a non-POSIX SHELL, a SHELL
 * we cannot read, the backtick escape (Windows), BASH_ENV/SHELLOPTS in the
 * environment; consecutive ONBUILD RUNs (triggers are never merged); a
 * pragma comment between the RUNs (inside the merged RUN it would stop
 * applying); a merged logical line over BuildKit's 65535 bytes. A pragma
 * switching merge-run off on either RUN skips the pair silently.
 */
#include <stdio.h>
#include <string.h>

#include "array.h"
#include "instr.h"
#include "pass.h"
#include "shell.h"
#include "suppress.h"

#define MAX_LOGICAL 65535u
#define INDENT      "    "

static const char *const aliases[] = {"DL3059", NULL};

/* What we know about one RUN of a candidate pair. */
typedef struct run_info {
	dfx_node *node;
	const char *text;  /* the command: logical + args.start */
	uint32_t len;      /* its length in the logical line */
	uint32_t trim_len; /* without trailing blanks */
	dfx_sh_script sh;
	int scanned;
	/* Holds sh and the word values read from it: released as soon as the
	 * pairs this RUN is part of are decided (run_info_dispose). */
	dfx_arena arena;
} run_info;

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Section - analysis of the shell text */

static int scan_run(run_info *r)
{
	if (r->scanned)
		return 0;
	int error = dfx_sh_scan(&r->sh, &r->arena, r->text, r->len);
	if (error < 0)
		return error;
	r->scanned = 1;
	return 0;
}

static void run_info_init(run_info *r, dfx_node *n)
{
	memset(r, 0, sizeof(*r));
	r->node = n;
	const dfx_instr *in = &n->instr;
	r->text = n->logical + in->args.start;
	r->len = (uint32_t)(n->logical_len - in->args.start);
	r->trim_len = r->len;
	while (r->trim_len && is_blank(r->text[r->trim_len - 1]))
		r->trim_len--;
}

/* Drops the scan; the node and text fields stay valid. */
static void run_info_dispose(run_info *r)
{
	dfx_arena_dispose(&r->arena);
	memset(&r->sh, 0, sizeof(r->sh));
	r->scanned = 0;
}

/* The command name of a simple command (after assignments), or NULL. */
static const char *command_name(dfx_arena *scratch, const char *text, const dfx_sh_script *s, const dfx_sh_cmd *c)
{
	for (uint32_t k = 0; k < c->word_count; k++) {
		const dfx_sh_word *w = &s->words[c->first_word + k];
		if (w->flags & (DFX_SH_WORD_ASSIGNMENT | DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET))
			continue;
		return dfx_sh_word_value(scratch, text, w);
	}
	return NULL;
}

/* Index of the first command of the last top-level and-or list. */
static size_t last_list_start(const dfx_sh_script *s)
{
	size_t start = 0;
	for (size_t k = 0; k < s->cmd_count; k++) {
		const dfx_sh_cmd *c = &s->cmds[k];
		if (c->depth == 0 &&
		    (c->sep == DFX_SH_SEP_SEMI || c->sep == DFX_SH_SEP_NEWLINE || c->sep == DFX_SH_SEP_AMP))
			start = k + 1;
	}
	return start;
}

static const char *sep_text(dfx_sh_sep sep)
{
	switch (sep) {
	case DFX_SH_SEP_OR:
		return "||";
	case DFX_SH_SEP_SEMI:
		return ";";
	case DFX_SH_SEP_AMP:
		return "&";
	case DFX_SH_SEP_NEWLINE:
		return "a newline";
	case DFX_SH_SEP_DSEMI:
		return ";;";
	default:
		return "&&";
	}
}

/* Why the first command cannot take `&& B` after it, or NULL. `stmt` gets
 * the offending command for state changes. */
static const char *first_problem(run_info *a, const dfx_shell_state *sh, const dfx_sh_cmd **stmt)
{
	const dfx_sh_script *s = &a->sh;
	*stmt = NULL;
	if (s->unterminated)
		return "the first RUN's shell text is unterminated";
	if (s->syntax_error)
		return "the first RUN's shell text has a syntax error";
	if (s->has_heredoc)
		return "the first RUN has a shell here-document";
	if (s->ends_with_comment)
		return "the first RUN ends with a shell comment, which would swallow `&& ...`";
	const dfx_sh_cmd *last = NULL;
	int any_set = 0;
	for (size_t k = 0; k < s->cmd_count; k++) {
		const dfx_sh_cmd *c = &s->cmds[k];
		if (c->sep == DFX_SH_SEP_AMP)
			return "the first RUN starts a background job (`&`), which would run on beside the second";
		if (c->depth == 0)
			last = c;
		if (c->kind == DFX_SH_KIND_SIMPLE) {
			const char *name = command_name(&a->arena, a->text, s, c);
			if (name && !strcmp(name, "set"))
				any_set = 1;
		}
	}
	if (!last)
		return "the first RUN has no command";
	if (last->sep != DFX_SH_SEP_END)
		return "the first RUN ends with `;`";
	const char *why = NULL;
	const dfx_sh_cmd *c = dfx_sh_state_change(s, a->text, &why);
	if (c) {
		*stmt = c;
		return why;
	}
	if (sh->errexit || any_set) {
		for (size_t k = last_list_start(s); k < s->cmd_count; k++) {
			const dfx_sh_cmd *u = &s->cmds[k];
			if (u->depth == 0 && u->kind != DFX_SH_KIND_SIMPLE)
				return "errexit may be on, and the first RUN's last command list holds a compound "
				       "command: left of `&&` errexit would stop applying inside it";
		}
	}
	return NULL;
}

/* Why the second command cannot follow `A && `, or NULL. */
static const char *second_problem(run_info *b, const char **sep)
{
	const dfx_sh_script *s = &b->sh;
	*sep = NULL;
	if (s->unterminated)
		return "the second RUN's shell text is unterminated";
	if (s->syntax_error)
		return "the second RUN's shell text has a syntax error";
	if (s->has_heredoc)
		return "the second RUN has a shell here-document";
	const dfx_sh_cmd *last = NULL;
	for (size_t k = 0; k < s->cmd_count; k++)
		if (s->cmds[k].depth == 0)
			last = &s->cmds[k];
	if (!last)
		return "the second RUN has no command";
	for (size_t k = 0; k < s->cmd_count; k++) {
		const dfx_sh_cmd *c = &s->cmds[k];
		if (c->depth != 0 || c->sep == DFX_SH_SEP_AND || c->sep == DFX_SH_SEP_PIPE || c->sep == DFX_SH_SEP_END)
			continue;
		if (c == last && c->sep == DFX_SH_SEP_SEMI)
			continue;
		*sep = sep_text(c->sep);
		return "the second RUN has a top-level";
	}
	/* `$_` and `$!` read what the previous command left behind. */
	const char *t = b->text;
	for (uint32_t i = 0; i + 1 < b->len; i++) {
		if (t[i] != '$')
			continue;
		char n = t[i + 1];
		int word_end =
		    i + 2 >= b->len || !((t[i + 2] >= 'a' && t[i + 2] <= 'z') || (t[i + 2] >= 'A' && t[i + 2] <= 'Z') ||
		                         (t[i + 2] >= '0' && t[i + 2] <= '9') || t[i + 2] == '_');
		if ((n == '_' && word_end) || n == '!' ||
		    (n == '{' && i + 3 < b->len && (t[i + 2] == '_' || t[i + 2] == '!') && t[i + 3] == '}'))
			return "the second RUN reads `$_` or `$!`, which the first command would set";
	}
	return NULL;
}

/* Mount options whose contents do not carry from one RUN to the next. */
static const char *mount_problem(const dfx_instr *in)
{
	for (size_t i = 0; i < in->flag_count; i++) {
		const char *v = in->flag_values[i];
		if (strncmp(v, "--mount=", 8))
			continue;
		v += 8;
		const char *type = "bind";
		size_t type_len = 4;
		int writable = 0;
		while (*v) {
			size_t n = strcspn(v, ",");
			const char *eq = memchr(v, '=', n);
			size_t klen = eq ? (size_t)(eq - v) : n;
			const char *val = eq ? eq + 1 : "";
			size_t vlen = eq ? n - klen - 1 : 0;
			if (klen == 4 && !memcmp(v, "type", 4)) {
				type = val;
				type_len = vlen;
			}
			int no = vlen == 5 && !memcmp(val, "false", 5);
			if (((klen == 2 && !memcmp(v, "rw", 2)) || (klen == 9 && !memcmp(v, "readwrite", 9))) && !no)
				writable = 1;
			if (((klen == 2 && !memcmp(v, "ro", 2)) || (klen == 8 && !memcmp(v, "readonly", 8))) && no)
				writable = 1;
			v += n;
			if (*v == ',')
				v++;
		}
		if (type_len == 5 && !memcmp(type, "tmpfs", 5))
			return "a `--mount=type=tmpfs` starts empty for each RUN";
		if (type_len == 4 && !memcmp(type, "bind", 4) && writable)
			return "writes to a read-write bind mount are dropped after each RUN";
	}
	return NULL;
}

/* "`--network=none`" or "none", cut to fit. */
static void describe_flags(char *out, size_t size, const dfx_instr *in)
{
	size_t used = 0;
	out[0] = '\0';
	if (!in->flag_count) {
		snprintf(out, size, "none");
		return;
	}
	for (size_t i = 0; i < in->flag_count && used + 1 < size; i++) {
		int n = snprintf(out + used, size - used, "%s`%s`", i ? " " : "", in->flag_values[i]);
		if (n < 0 || (size_t)n >= size - used) {
			if (size > 4)
				memcpy(out + size - 4, "...", 4);
			return;
		}
		used += (size_t)n;
	}
}

/* Section - building the merged text */

static int put_comment(dffix_buf *b, const char *s, uint32_t start, uint32_t end, const char *eol)
{
	while (start < end && is_blank(s[start]))
		start++;
	while (end > start && dfx_is_space((unsigned char)s[end - 1]))
		end--;
	int error;
	if ((error = dffix_buf_puts(b, INDENT)) < 0 || (error = dffix_buf_put(b, s + start, end - start)) < 0)
		return error;
	return dffix_buf_puts(b, eol);
}

/* Appends ` && \`, the comments between prev and n, and n's command. For
 * the last RUN of the chain the text runs to its end (line ending
 * included); otherwise to its trimmed end. */
static int put_next(dffix_buf *b, dfx_pass_ctx *ctx, const dfx_node *prev, const dfx_node *n, int last)
{
	const char *eol = dfx_pass_eol(ctx);
	char cont[8] = " && ";
	size_t cl = strlen(cont);
	cont[cl] = ctx->doc->escape;
	cont[cl + 1] = '\0';
	int error;
	if ((error = dffix_buf_puts(b, cont)) < 0 || (error = dffix_buf_puts(b, eol)) < 0)
		return error;
	for (const dfx_node *m = prev->next; m != n; m = m->next)
		if (m->kind == DFX_NODE_COMMENT && (error = put_comment(b, m->src, m->start, m->end, eol)) < 0)
			return error;
	uint32_t from = dfx_node_logical_to_src(n, n->instr.args.start);
	for (size_t i = 0; i < n->segment_count; i++) {
		const dfx_segment *sg = &n->segments[i];
		if (sg->kind == DFX_SEG_COMMENT && sg->end <= from &&
		    (error = put_comment(b, n->src, sg->text_start, sg->text_end, eol)) < 0)
			return error;
	}
	uint32_t to = last ? n->end : dfx_pass_src_trim_end(n);
	if ((error = dffix_buf_puts(b, INDENT)) < 0)
		return error;
	return dffix_buf_put(b, n->src + from, to - from);
}

/* The logical line the merged text must have: each command joined by
 * " && " plus the indent of its continuation line. */
static int expected_logical(dffix_buf *b, run_info *chain, size_t count)
{
	const dfx_node *first = chain[0].node;
	int error = dffix_buf_put(b, first->logical, first->instr.args.start + chain[0].trim_len);
	for (size_t i = 1; i < count && error == 0; i++) {
		if ((error = dffix_buf_puts(b, " && " INDENT)) < 0)
			break;
		error = dffix_buf_put(b, chain[i].text, i + 1 == count ? chain[i].len : chain[i].trim_len);
	}
	return error;
}

/* Section - the pass */

static int is_run(const dfx_node *n)
{
	return n && n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_RUN;
}

static int is_onbuild_run(const dfx_node *n)
{
	const dfx_instr *in = dfx_node_instr(n, 1);
	return n && n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_ONBUILD && in &&
	       in->keyword == DFX_KW_RUN;
}

/* The next node after n that is not a comment or blank line. */
static dfx_node *next_significant(dfx_node *n)
{
	for (n = n->next; n && (n->kind == DFX_NODE_COMMENT || n->kind == DFX_NODE_BLANK); n = n->next)
		;
	return n;
}

/* Why the RUN `b` may not be merged into the chain ending with `a`, or NULL.
 * A non-NULL reason is reported; *silent asks to stop without a report. */
static const char *pair_problem(dfx_pass_ctx *ctx, const dfx_pass *self, run_info *a, run_info *b,
                                const dfx_shell_state *sh, size_t merged_len, char *msg, size_t msg_size, int *silent,
                                int *error)
{
	const dfx_node *an = a->node, *bn = b->node;
	const dfx_instr *ai = &an->instr, *bi = &bn->instr;
	*silent = 0;
	if (dfx_pass_suppressed(ctx, self, an) || dfx_pass_suppressed(ctx, self, bn)) {
		*silent = 1;
		return NULL;
	}
	for (const dfx_node *m = an->next; m != bn; m = m->next) {
		int global;
		const char *list;
		size_t len;
		if (m->kind == DFX_NODE_COMMENT &&
		    dfx_pragma_parse(m->src + m->start, m->end - m->start, &global, &list, &len))
			return "a pragma comment stands between the RUNs; inside the merged RUN it would stop applying";
	}
	if (sh->refuse)
		return sh->refuse;
	if (ai->json || bi->json)
		return "exec-form (JSON) RUN";
	if (an->heredoc_count || bn->heredoc_count)
		return "RUN with a heredoc";
	if (!dfx_pass_same_flags(ai, bi)) {
		char fa[200], fb[200];
		describe_flags(fa, sizeof(fa), ai);
		describe_flags(fb, sizeof(fb), bi);
		snprintf(msg, msg_size, "the RUNs have different flags (%s, then %s)", fa, fb);
		return msg;
	}
	const char *why = mount_problem(ai);
	if (why)
		return why;
	if (!dfx_pass_src_trim_end(an) || a->trim_len == 0 || b->trim_len == 0)
		return "unusual line layout";
	if ((*error = scan_run(a)) < 0 || (*error = scan_run(b)) < 0)
		return NULL;
	const dfx_sh_cmd *stmt;
	why = first_problem(a, sh, &stmt);
	if (why) {
		if (stmt && stmt->end > stmt->start) {
			uint32_t n = stmt->end - stmt->start;
			snprintf(msg, msg_size,
			         "`%.*s%s` in the first RUN changes shell state the second would see (%s)",
			         (int)(n > 40 ? 40 : n), a->text + stmt->start, n > 40 ? "..." : "", why);
			return msg;
		}
		return why;
	}
	const char *sep;
	why = second_problem(b, &sep);
	if (why) {
		if (sep) {
			snprintf(msg, msg_size, "%s `%s`: after `A &&` it would also run when the first RUN fails", why,
			         sep);
			return msg;
		}
		return why;
	}
	if (merged_len > MAX_LOGICAL) {
		snprintf(msg, msg_size, "the merged line would be %zu bytes, over BuildKit's %u-byte limit", merged_len,
		         MAX_LOGICAL);
		return msg;
	}
	return NULL;
}

/* Replaces the chain by one RUN. Returns 1 when merged, 0 when refused. */
static int merge_chain(dfx_pass_ctx *ctx, const dfx_pass *self, run_info *chain, size_t count, dfx_node **out)
{
	dffix_buf text = DFFIX_BUF_INIT, want = DFFIX_BUF_INIT;
	dfx_arena scratch = DFX_ARENA_INIT; /* the trial parse and scan */
	dfx_node *first = chain[0].node, *last = chain[count - 1].node;
	int error = dffix_buf_put(&text, first->src + first->start, dfx_pass_src_trim_end(first) - first->start);
	for (size_t i = 1; i < count && error == 0; i++)
		error = put_next(&text, ctx, chain[i - 1].node, chain[i].node, i + 1 == count);
	if (error == 0)
		error = expected_logical(&want, chain, count);
	if (error < 0)
		goto done;
	error = dfx_pass_check_run_text(ctx, &scratch, &text, &want, &first->instr);
	if (error < 0)
		goto done;
	if (error == 0) {
		error = dfx_pass_refused(ctx, self, chain[1].node,
		                         "not merged: the merged text would not parse as the same RUN");
		goto done;
	}
	for (size_t i = 1; i < count && error >= 0; i++)
		error = dfx_pass_applied(ctx, self, chain[i].node, "RUN merged into the RUN above it (one layer)");
	if (error >= 0)
		error = dfx_pass_replace(ctx, first, last, text.ptr, text.size, out);
	if (error >= 0)
		error = 1;
done:
	dffix_buf_dispose(&text);
	dffix_buf_dispose(&want);
	dfx_arena_dispose(&scratch);
	return error;
}

/* Releases the scans still held by the chain's RUNs. */
static void chain_dispose(run_info *chain, size_t count)
{
	for (size_t i = 0; i < count; i++)
		run_info_dispose(&chain[i]);
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	DFX_ARRAY(run_info) chain = DFX_ARRAY_INIT;
	dfx_shell_walk shell;
	int error = 0;
	char msg[512];
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
		/* The backtick reason comes back only at a FROM or SHELL: until
		 * then an ENV/ARG hazard's reason stands. */
		if (dfx_shell_walk_step(&shell, n)) {
			if (backtick)
				shell.state.refuse = backtick;
		} else if (dfx_env_hazard(n)) {
			shell.state.refuse = "BASH_ENV or SHELLOPTS is set, so the shell's start-up state is unknown";
		}
		if (is_onbuild_run(n)) {
			dfx_node *m = next_significant(n);
			if (is_onbuild_run(m) && !dfx_pass_suppressed(ctx, self, n) &&
			    !dfx_pass_suppressed(ctx, self, m) &&
			    (error = dfx_pass_refused(ctx, self, m, "not merged: ONBUILD triggers are never merged")) <
			        0)
				goto done;
			n = n->next;
			continue;
		}
		if (!is_run(n)) {
			n = n->next;
			continue;
		}
		/* Grow a chain of RUNs that may be merged, starting at n. Each
		 * RUN's scan lives in its own arena, released once it has been
		 * the first RUN of a pair: a chain of thousands of RUNs holds
		 * at most two scans at a time. */
		chain.len = 0;
		dfx_node *refused = NULL;
		char reason[512];
		run_info ri;
		run_info_init(&ri, n);
		if (DFX_ARRAY_PUSH(&chain, ri) < 0) {
			error = DFFIX_ENOMEM;
			goto done;
		}
		size_t merged_len = n->instr.args.start + ri.trim_len;
		for (;;) {
			dfx_node *m = next_significant(chain.items[chain.len - 1].node);
			if (!is_run(m))
				break;
			run_info_init(&ri, m);
			if (DFX_ARRAY_PUSH(&chain, ri) < 0) {
				error = DFFIX_ENOMEM;
				goto done;
			}
			run_info *a = &chain.items[chain.len - 2], *b = &chain.items[chain.len - 1];
			size_t total = merged_len + 4 + strlen(INDENT) + b->len;
			int silent;
			const char *why =
			    pair_problem(ctx, self, a, b, &shell.state, total, msg, sizeof(msg), &silent, &error);
			if (error < 0)
				goto done;
			/* a's scan is not needed again: the next pair starts at b. */
			run_info_dispose(a);
			if (why || silent) {
				/* Reported after the merge, to keep the diagnostics in order. */
				if (why) {
					refused = m;
					snprintf(reason, sizeof(reason), "%s", why);
				}
				run_info_dispose(b);
				chain.len--;
				break;
			}
			merged_len += 4 + strlen(INDENT) + b->trim_len;
		}
		chain_dispose(chain.items, chain.len);
		dfx_node *merged = NULL;
		if (chain.len >= 2 && (error = merge_chain(ctx, self, chain.items, chain.len, &merged)) < 0)
			goto done;
		if (refused && (error = dfx_pass_refused(ctx, self, refused, "not merged: %s", reason)) < 0)
			goto done;
		/* The next chain starts after this one (at the refused RUN, if any). */
		n = merged ? merged->next : chain.items[chain.len - 1].node->next;
		error = 0;
	}
done:
	chain_dispose(chain.items, chain.len);
	DFX_ARRAY_FREE(&chain);
	dfx_shell_walk_dispose(&shell);
	return error < 0 ? error : 0;
}

const dfx_pass dfx_pass_merge_run = {
    "merge-run", "DF104", DFFIX_FIX_MERGE_RUN, "merge consecutive RUN instructions into one",
    "G6",        aliases, DFFIX_SEV_WARNING,   run};
