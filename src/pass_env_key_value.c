/*
 * pass_env_key_value.c - DF106 env-key-value: the legacy whitespace form of
 * ENV and LABEL becomes the `key=value` form (BuildKit's check
 * LegacyKeyValueFormat).
 *
 *   ENV PATH /opt/app/bin:$PATH         ->  ENV PATH=/opt/app/bin:$PATH
 *   ENV JAVA_OPTS "-Xmx1g -Xms1g"       ->  ENV JAVA_OPTS="-Xmx1g -Xms1g"
 *   LABEL description a small image     ->  LABEL description="a small image"
 *   ENV MSG say "hi" there              (refused: quotes and blanks mixed)
 *
 * What the builder does with each form (BuildKit parser.parseNameVal and
 * instructions.EnvCommand.Expand): the legacy form splits the arguments at
 * the first run of blanks, so the value is the rest of the line as written;
 * the new form splits the arguments into words (quotes and escapes kept) and
 * each word at its first `=`. Both then pass the value through the same
 * shell-word processing (ProcessWord: quotes removed, escapes processed,
 * `$VAR` expanded). So the rewrite must produce a word W with
 * ProcessWord(W) == ProcessWord(old value):
 *
 *   - when the old value is already a single word (no blank outside
 *     quotes), W is the old value, byte for byte: only the blanks after the
 *     key become `=`;
 *   - otherwise W is the old value in double quotes, which changes nothing
 *     for ProcessWord as long as the value holds no quote, no backslash and
 *     no backtick (inside double quotes `$` still expands, and older
 *     BuildKit releases treat `\\` there differently from newer ones).
 *     Anything else is refused, as is a non-backslash escape directive.
 *
 * The text is edited in place in the original bytes, so continuation lines
 * and comment lines inside the instruction stay where they are.
 */
#include <string.h>

#include "instr.h"
#include "pass.h"

static int is_blank_re(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* One text edit: replace src[at, at + del) with ins. */
typedef struct edit {
	uint32_t at, del;
	const char *ins;
} edit;

static int rewrite(dfx_pass_ctx *ctx, dfx_node *n, const edit *edits, size_t count)
{
	dffix_buf buf = DFFIX_BUF_INIT;
	uint32_t pos = n->start;
	int error = 0;
	for (size_t i = 0; i < count && error == 0; i++) {
		error = dffix_buf_put(&buf, n->src + pos, edits[i].at - pos);
		if (error == 0)
			error = dffix_buf_puts(&buf, edits[i].ins);
		pos = edits[i].at + edits[i].del;
	}
	if (error == 0)
		error = dffix_buf_put(&buf, n->src + pos, n->end - pos);
	if (error == 0)
		error = dfx_pass_replace(ctx, n, n, buf.ptr, buf.size, NULL);
	dffix_buf_dispose(&buf);
	return error;
}

/* Why the value cannot be double-quoted safely, or NULL. */
static const char *quote_problem(const char *v, size_t n, char escape)
{
	if (escape != '\\')
		return "the escape character is not `\\`";
	for (size_t i = 0; i < n; i++) {
		switch (v[i]) {
		case '"':
		case '\'':
			return "the value mixes quotes with unquoted blanks";
		case '\\':
			return "the value has backslashes";
		case '`':
			return "the value has backticks";
		case '\n':
			return "the value spans lines";
		default:
			break;
		}
	}
	return NULL;
}

static int convert(dfx_pass_ctx *ctx, const dfx_pass *self, dfx_node *n, const dfx_instr *in)
{
	const char *kw = dfx_keyword_name(in->keyword);
	const char *s = n->logical;
	char esc = ctx->doc->escape;
	dfx_span args = in->args;
	if (in->flag_count)
		return dfx_pass_refused(ctx, self, n, "legacy \"%s key value\" format not converted: %s has flags", kw,
					kw);
	uint32_t ke = args.start;
	while (ke < args.end && !is_blank_re(s[ke]))
		ke++;
	uint32_t vs = ke;
	while (vs < args.end && is_blank_re(s[vs]))
		vs++;
	uint32_t ve = args.end;
	if (vs >= ve)
		return 0; /* the parser rejects it already */
	for (uint32_t i = args.start; i < ke; i++)
		if (s[i] == '"' || s[i] == '\'' || s[i] == esc || s[i] == '=')
			return dfx_pass_refused(ctx, self, n,
						"legacy \"%s key value\" format not converted: the key `%.*s` has "
						"quotes or escapes, which the two forms read differently",
						kw, (int)(ke - args.start), s + args.start);

	/* The blanks between key and value must be one run of source bytes. */
	uint32_t sk = dfx_node_logical_to_src(n, ke), sv = dfx_node_logical_to_src(n, vs);
	if (sv < sk || sv - sk != vs - ke || memcmp(n->src + sk, s + ke, vs - ke))
		return dfx_pass_refused(ctx, self, n,
					"legacy \"%s key value\" format not converted: the value starts on a "
					"continuation line",
					kw);

	dfx_span *words;
	size_t count;
	int error = dfx_instr_words(&words, &count, &ctx->doc->arena, s, (dfx_span){vs, ve}, esc);
	if (error < 0)
		return error;
	edit edits[2];
	size_t ne = 0;
	if (count == 1 && words[0].start == vs && words[0].end == ve) {
		edits[ne++] = (edit){sk, sv - sk, "="};
	} else {
		const char *why = quote_problem(s + vs, ve - vs, esc);
		if (why)
			return dfx_pass_refused(ctx, self, n,
						"legacy \"%s key value\" format not converted: %s, so dffix cannot "
						"prove a quoted value equal",
						kw, why);
		edits[ne++] = (edit){sk, sv - sk, "=\""};
		edits[ne++] = (edit){dfx_node_logical_to_src(n, ve), 0, "\""};
	}
	error = rewrite(ctx, n, edits, ne);
	if (error == DFFIX_EPARSE)
		return dfx_pass_refused(ctx, self, n,
					"legacy \"%s key value\" format not converted: the rewritten text does not parse",
					kw);
	if (error < 0)
		return error;
	/* Reported at the replaced node: its offsets are the input's. */
	return dfx_pass_applied(ctx, self, n, "\"%s key=value\" should be used instead of legacy \"%s key value\" format",
				kw, kw);
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	int error = 0;
	for (dfx_node *n = ctx->doc->first, *next; n && error == 0; n = next) {
		next = n->next;
		const dfx_instr *in = dfx_node_instr(n, 1);
		if (!in || (in->keyword != DFX_KW_ENV && in->keyword != DFX_KW_LABEL))
			continue;
		dfx_span *words;
		size_t count;
		if ((error = dfx_instr_words(&words, &count, &ctx->doc->arena, n->logical, in->args, ctx->doc->escape)) <
		    0)
			return error;
		if (!count || memchr(n->logical + words[0].start, '=', words[0].end - words[0].start))
			continue;
		if (dfx_pass_suppressed(ctx, self, n))
			continue;
		error = convert(ctx, self, n, in);
	}
	return error;
}

const dfx_pass dfx_pass_env_key_value = {
	"env-key-value",
	"DF106",
	DFFIX_FIX_ENV_KEY_VALUE,
	"Use `ENV key=value` (and LABEL) instead of the legacy whitespace form.",
	"-",
	NULL,
	DFFIX_SEV_WARNING,
	run,
};
