/* test_parser.c - the lossless parser: node kinds, segments and logical
 * text, directives, continuations, heredocs, JSON vs shell form, flags,
 * keywords, ONBUILD, bytes (CRLF, lone CR, BOM, NUL, invalid UTF-8, long
 * lines) and errors with line:col. BuildKit's frontend/dockerfile/parser is
 * the reference for every expectation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cst.h"
#include "dffix.h"
#include "instr.h"

/* Section - helpers */

static dffix_doc *parse_rc(const char *text, size_t len, int want_rc)
{
	dffix_doc *doc = NULL;
	int rc = dffix_doc_parse(&doc, text, len);
	assert_int_equal(rc, want_rc);
	assert_non_null(doc);
	/* Invariant 1: the nodes tile the input and reprint it byte for byte. */
	if (!doc->fatal)
		assert_int_equal(dfx_cst_check(doc), 0);
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dffix_doc_reprint(&out, doc), 0);
	assert_int_equal(out.size, len);
	if (len)
		assert_memory_equal(out.ptr, text, len);
	dffix_buf_dispose(&out);
	return doc;
}

static dffix_doc *parse_ok(const char *text)
{
	return parse_rc(text, strlen(text), 0);
}

static dffix_doc *parse_err(const char *text)
{
	return parse_rc(text, strlen(text), DFFIX_EPARSE);
}

static size_t node_count(const dffix_doc *doc)
{
	size_t n = 0;
	for (const dfx_node *p = doc->first; p; p = p->next)
		n++;
	return n;
}

static const dfx_node *nth(const dffix_doc *doc, size_t i)
{
	const dfx_node *p = doc->first;
	while (p && i--)
		p = p->next;
	assert_non_null(p);
	return p;
}

/* The i-th node of kind INSTRUCTION or ERROR. */
static const dfx_node *instr_node(const dffix_doc *doc, size_t i)
{
	for (const dfx_node *p = doc->first; p; p = p->next)
		if ((p->kind == DFX_NODE_INSTRUCTION || p->kind == DFX_NODE_ERROR) && i-- == 0)
			return p;
	fail_msg("no instruction #%zu", i);
	return NULL;
}

static void assert_node_text(const dfx_node *n, const char *want)
{
	assert_int_equal(n->end - n->start, strlen(want));
	assert_memory_equal(n->src + n->start, want, strlen(want));
}

static void assert_span_text(const char *s, dfx_span sp, const char *want)
{
	assert_true(sp.end >= sp.start);
	if (sp.end - sp.start != strlen(want) || memcmp(s + sp.start, want, strlen(want)))
		fail_msg("span is \"%.*s\", want \"%s\"", (int)(sp.end - sp.start), s + sp.start, want);
}

static void assert_logical(const dfx_node *n, const char *want)
{
	assert_int_equal(n->logical_len, strlen(want));
	assert_memory_equal(n->logical, want, strlen(want));
}

/* The only error diagnostic: its line, column and message. */
static void assert_error(const dffix_doc *doc, unsigned line, unsigned col, const char *msg)
{
	const dffix_diag *found = NULL;
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (d->severity == DFFIX_SEV_ERROR) {
			assert_null(found);
			found = d;
		}
	}
	assert_non_null(found);
	assert_int_equal(found->kind, DFFIX_DIAG_SYNTAX);
	assert_int_equal(found->line, line);
	assert_int_equal(found->column, col);
	if (!strstr(found->message, msg))
		fail_msg("message \"%s\" lacks \"%s\"", found->message, msg);
	assert_true(dffix_doc_has_errors(doc));
}

/* Section - node kinds */

static void test_parser__node_kinds(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("# syntax=docker/dockerfile:1\n# a comment\n\n  \t\nFROM a\n   # indented\nRUN b\n");
	assert_int_equal(node_count(doc), 7);
	assert_int_equal(nth(doc, 0)->kind, DFX_NODE_DIRECTIVE);
	assert_int_equal(nth(doc, 1)->kind, DFX_NODE_COMMENT);
	assert_int_equal(nth(doc, 2)->kind, DFX_NODE_BLANK);
	assert_int_equal(nth(doc, 3)->kind, DFX_NODE_BLANK);
	assert_int_equal(nth(doc, 4)->kind, DFX_NODE_INSTRUCTION);
	assert_int_equal(nth(doc, 5)->kind, DFX_NODE_COMMENT);
	assert_int_equal(nth(doc, 6)->kind, DFX_NODE_INSTRUCTION);
	assert_node_text(nth(doc, 5), "   # indented\n");
	/* 1-based first lines. */
	assert_int_equal(nth(doc, 0)->line, 1);
	assert_int_equal(nth(doc, 4)->line, 5);
	assert_int_equal(nth(doc, 6)->line, 7);
	assert_false(dffix_doc_has_errors(doc));
	dffix_doc_free(doc);
}

static void test_parser__empty_input(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("");
	assert_null(doc->first);
	assert_int_equal(dffix_doc_diag_count(doc), 0);
	dffix_doc_free(doc);
}

static void test_parser__instruction_spans_and_keyword(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("  from   alpine:3   AS build  \n");
	const dfx_node *n = instr_node(doc, 0);
	assert_int_equal(n->instr.keyword, DFX_KW_FROM);
	assert_span_text(n->logical, n->instr.keyword_span, "from");
	assert_span_text(n->logical, n->instr.args, "alpine:3   AS build");
	assert_int_equal(n->instr.flag_count, 0);
	assert_int_equal(n->instr.json, 0);
	assert_int_equal(n->segment_count, 1);
	assert_int_equal(n->segments[0].kind, DFX_SEG_CONTENT);
	/* The first line's leading blanks are not content. */
	assert_int_equal(n->segments[0].text_start, 2);
	dffix_doc_free(doc);
}

/* Section - directives */

static void test_parser__directive_fields(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("#  SyNtAx =  docker/dockerfile:1.4  \n# ESCAPE=`\n#check=skip=all\nFROM a\n");
	const dfx_node *d = nth(doc, 0);
	assert_int_equal(d->kind, DFX_NODE_DIRECTIVE);
	assert_string_equal(d->directive_key, "syntax");
	assert_int_equal(d->value_end - d->value_start, strlen("docker/dockerfile:1.4"));
	assert_memory_equal(d->src + d->value_start, "docker/dockerfile:1.4", d->value_end - d->value_start);
	assert_int_equal(nth(doc, 1)->kind, DFX_NODE_DIRECTIVE);
	assert_string_equal(nth(doc, 1)->directive_key, "escape");
	assert_int_equal(nth(doc, 2)->kind, DFX_NODE_DIRECTIVE);
	assert_string_equal(nth(doc, 2)->directive_key, "check");
	assert_int_equal(doc->escape, '`');
	dffix_doc_free(doc);
}

static void test_parser__directive_escape_backtick(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("# escape=`\nFROM a\nRUN dir `\n    c:\\\nWORKDIR c:\\\n");
	assert_int_equal(doc->escape, '`');
	const dfx_node *run = instr_node(doc, 1);
	assert_int_equal(run->segment_count, 2);
	assert_true(run->segments[0].continues);
	assert_logical(run, "RUN dir     c:\\");
	/* With the backtick escape a trailing backslash does not continue. */
	assert_int_equal(instr_node(doc, 2)->instr.keyword, DFX_KW_WORKDIR);
	dffix_doc_free(doc);
}

static void test_parser__directive_only_at_top(void **state)
{
	(void)state;
	/* After a comment, a blank line or an instruction, `# escape=` is a comment. */
	static const char *const inputs[] = {
		"# hello\n# escape=`\nFROM a\n",
		"\n# escape=`\nFROM a\n",
		"FROM a\n# escape=`\n",
		"# unknown=directive\n# escape=`\nFROM a\n",
		"# escape=\nFROM a\n",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		dffix_doc *doc = parse_ok(inputs[i]);
		assert_int_equal(doc->escape, '\\');
		for (const dfx_node *n = doc->first; n; n = n->next)
			assert_int_not_equal(n->kind, DFX_NODE_DIRECTIVE);
		dffix_doc_free(doc);
	}
}

static void test_parser__directive_leading_blanks(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("  \t# escape=`\nFROM a\n");
	assert_int_equal(nth(doc, 0)->kind, DFX_NODE_DIRECTIVE);
	assert_int_equal(doc->escape, '`');
	dffix_doc_free(doc);
}

static void test_parser__directive_duplicate_error(void **state)
{
	(void)state;
	dffix_doc *doc = parse_err("# escape=`\n# Escape=\\\nFROM a\n");
	assert_error(doc, 2, 1, "only one escape parser directive can be used");
	dffix_doc_free(doc);
	doc = parse_err("# syntax=a\n#syntax=b\nFROM a\n");
	assert_error(doc, 2, 1, "only one syntax parser directive can be used");
	dffix_doc_free(doc);
}

static void test_parser__directive_invalid_escape_error(void **state)
{
	(void)state;
	dffix_doc *doc = parse_err("# escape=xy\nFROM a\n");
	assert_error(doc, 1, 10, "invalid escape token 'xy' does not match ` or \\");
	dffix_doc_free(doc);
}

/* Section - continuations */

static void test_parser__continuation_segments(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN a \\\n  # note \\\n\n   \n  && b\nRUN c\n");
	const dfx_node *n = instr_node(doc, 0);
	assert_int_equal(n->segment_count, 5);
	assert_int_equal(n->segments[0].kind, DFX_SEG_CONTENT);
	assert_true(n->segments[0].continues);
	assert_int_equal(n->segments[1].kind, DFX_SEG_COMMENT);
	assert_int_equal(n->segments[2].kind, DFX_SEG_EMPTY);
	assert_int_equal(n->segments[3].kind, DFX_SEG_EMPTY);
	assert_int_equal(n->segments[4].kind, DFX_SEG_CONTENT);
	assert_false(n->segments[4].continues);
	/* Comment and empty lines are dropped; the blanks of a continuation line are kept. */
	assert_logical(n, "RUN a   && b");
	assert_int_equal(n->segments[4].logical_start, strlen("RUN a "));
	assert_span_text(n->logical, n->instr.args, "a   && b");
	assert_int_equal(instr_node(doc, 1)->line, 6);
	dffix_doc_free(doc);
}

static void test_parser__continuation_trailing_blanks(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN a \\ \t \n b\n");
	const dfx_node *n = instr_node(doc, 0);
	assert_int_equal(node_count(doc), 1);
	assert_true(n->segments[0].continues);
	assert_logical(n, "RUN a  b");
	dffix_doc_free(doc);
}

static void test_parser__escaped_escape_ends_line(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN echo a \\\\\nRUN echo b \\\\\\\nRUN c\n");
	assert_int_equal(node_count(doc), 3);
	assert_logical(instr_node(doc, 0), "RUN echo a \\\\");
	assert_false(instr_node(doc, 0)->segments[0].continues);
	/* BuildKit's regexp cannot see `\\\` as escape + continuation either. */
	assert_logical(instr_node(doc, 1), "RUN echo b \\\\\\");
	dffix_doc_free(doc);
}

static void test_parser__continuation_at_eof(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM a\nRUN echo a \\");
	const dfx_node *n = instr_node(doc, 1);
	assert_int_equal(n->segment_count, 1);
	assert_true(n->segments[0].continues);
	assert_logical(n, "RUN echo a ");
	assert_int_equal(doc->final_newline, 0);
	dffix_doc_free(doc);
}

static void test_parser__continuation_swallows_next_line(void **state)
{
	(void)state;
	/* An empty or comment line does not end a continuation: the next
	 * instruction-looking line joins the RUN, as in BuildKit. */
	dffix_doc *doc = parse_ok("RUN a \\\n\nRUN b\nRUN c \\\n# x\nRUN d\n");
	assert_int_equal(node_count(doc), 2);
	assert_logical(instr_node(doc, 0), "RUN a RUN b");
	assert_logical(instr_node(doc, 1), "RUN c RUN d");
	dffix_doc_free(doc);
}

static void test_parser__break_inside_word(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN echo light\\\nning \"a \\\n  b\"\n");
	assert_logical(instr_node(doc, 0), "RUN echo lightning \"a   b\"");
	dffix_doc_free(doc);
}

static void test_parser__escape_only_line(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN a \\\n\\\n  b\n");
	const dfx_node *n = instr_node(doc, 0);
	assert_int_equal(n->segment_count, 3);
	assert_int_equal(n->segments[1].kind, DFX_SEG_CONTENT);
	assert_true(n->segments[1].continues);
	assert_logical(n, "RUN a   b");
	dffix_doc_free(doc);
}

/* Section - heredocs */

static void test_parser__heredoc_basic(void **state)
{
	(void)state;
	const char *text = "FROM a\nRUN <<EOF\n  echo  hi  \n# not a comment\nEOF\nRUN after\n";
	dffix_doc *doc = parse_ok(text);
	const dfx_node *n = instr_node(doc, 1);
	assert_int_equal(n->heredoc_count, 1);
	const dfx_heredoc *h = &n->heredocs[0];
	assert_int_equal(h->name_len, 3);
	assert_memory_equal(h->name, "EOF", 3);
	assert_int_equal(h->fd, 0);
	assert_false(h->strip_tabs);
	assert_true(h->expand);
	assert_span_text(n->logical, h->marker, "<<EOF");
	const char *body = "  echo  hi  \n# not a comment\n";
	assert_int_equal(h->body_end - h->body_start, strlen(body));
	assert_memory_equal(n->src + h->body_start, body, strlen(body));
	assert_memory_equal(n->src + h->term_start, "EOF\n", h->term_end - h->term_start);
	/* The node owns its body and terminator. */
	assert_int_equal(n->end, h->term_end);
	assert_int_equal(instr_node(doc, 2)->line, 6);
	dffix_doc_free(doc);
}

static void test_parser__heredoc_variants(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN <<-\"EOF\" 3<<'X' cat\n\tbody\n\tEOF\nx\nX\n");
	const dfx_node *n = instr_node(doc, 0);
	assert_int_equal(n->heredoc_count, 2);
	assert_memory_equal(n->heredocs[0].name, "EOF", 3);
	assert_true(n->heredocs[0].strip_tabs);
	assert_false(n->heredocs[0].expand);
	assert_int_equal(n->heredocs[0].fd, 0);
	assert_memory_equal(n->src + n->heredocs[0].body_start, "\tbody\n",
			    n->heredocs[0].body_end - n->heredocs[0].body_start);
	assert_int_equal(n->heredocs[1].name_len, 1);
	assert_memory_equal(n->heredocs[1].name, "X", 1);
	assert_int_equal(n->heredocs[1].fd, 3);
	assert_false(n->heredocs[1].strip_tabs);
	assert_false(n->heredocs[1].expand);
	assert_memory_equal(n->src + n->heredocs[1].body_start, "x\n", 2);
	assert_int_equal(n->end, strlen("RUN <<-\"EOF\" 3<<'X' cat\n\tbody\n\tEOF\nx\nX\n"));
	dffix_doc_free(doc);
}

static void test_parser__heredoc_copy_and_onbuild(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("COPY <<a.txt /d/\nhello\na.txt\nONBUILD RUN <<EOF\necho\nEOF\nCMD x\n");
	assert_int_equal(instr_node(doc, 0)->heredoc_count, 1);
	assert_memory_equal(instr_node(doc, 0)->heredocs[0].name, "a.txt", 5);
	const dfx_node *ob = instr_node(doc, 1);
	assert_int_equal(ob->instr.keyword, DFX_KW_ONBUILD);
	assert_int_equal(ob->heredoc_count, 1);
	assert_int_equal(instr_node(doc, 2)->instr.keyword, DFX_KW_CMD);
	dffix_doc_free(doc);
}

static void test_parser__heredoc_only_where_allowed(void **state)
{
	(void)state;
	/* JSON form, CMD and a quoted `<<EOF` start no heredoc. */
	dffix_doc *doc = parse_ok("RUN [\"cat\", \"<<EOF\"]\nCMD cat <<EOF\nRUN echo '<<EOF'\n");
	assert_int_equal(node_count(doc), 3);
	for (size_t i = 0; i < 3; i++)
		assert_int_equal(instr_node(doc, i)->heredoc_count, 0);
	dffix_doc_free(doc);
}

static void test_parser__heredoc_unterminated(void **state)
{
	(void)state;
	dffix_doc *doc = parse_err("FROM a\nRUN cat <<EOF\nbody\n");
	assert_error(doc, 2, 9, "unterminated heredoc");
	assert_int_equal(instr_node(doc, 1)->kind, DFX_NODE_ERROR);
	dffix_doc_free(doc);
}

/* Section - JSON and shell form */

static void test_parser__json_form(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("CMD [ \"a\" , \"b c\",\"\\u00e9\\\"\\n\" ]\n");
	const dfx_instr *in = &instr_node(doc, 0)->instr;
	assert_true(in->json);
	assert_int_equal(in->json_count, 3);
	assert_string_equal(in->json_values[0], "a");
	assert_string_equal(in->json_values[1], "b c");
	assert_string_equal(in->json_values[2], "\xc3\xa9\"\n");
	assert_span_text(instr_node(doc, 0)->logical, in->json_strings[2], "\"\\u00e9\\\"\\n\"");
	dffix_doc_free(doc);
}

static void test_parser__json_surrogate_pair(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("CMD [\"\\ud83d\\ude00\", \"\\ud800\"]\n");
	const dfx_instr *in = &instr_node(doc, 0)->instr;
	assert_true(in->json);
	assert_string_equal(in->json_values[0], "\xf0\x9f\x98\x80");
	/* A lone surrogate decodes to U+FFFD, as in Go. */
	assert_string_equal(in->json_values[1], "\xef\xbf\xbd");
	dffix_doc_free(doc);
}

static void test_parser__json_invalid_is_shell(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("CMD [\"a\", 'b']\nCMD [a]\nRUN [\"x\"\nCMD ['s']\nENTRYPOINT [\"a\"] trailing\n");
	for (size_t i = 0; i < 5; i++)
		assert_false(instr_node(doc, i)->instr.json);
	assert_span_text(instr_node(doc, 4)->logical, instr_node(doc, 4)->instr.args, "[\"a\"] trailing");
	dffix_doc_free(doc);
}

static void test_parser__json_empty_array(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("CMD []\nVOLUME [ ]\n");
	assert_true(instr_node(doc, 0)->instr.json);
	assert_int_equal(instr_node(doc, 0)->instr.json_count, 0);
	assert_true(instr_node(doc, 1)->instr.json);
	dffix_doc_free(doc);
}

static void test_parser__json_non_string_error(void **state)
{
	(void)state;
	static const char *const inputs[] = {
		"FROM a\nCMD [\"a\", 1]\n",
		"FROM a\nENTRYPOINT [[\"a\"]]\n",
		"FROM a\nRUN [null]\n",
		"FROM a\nONBUILD CMD [\"a\", true]\n",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		dffix_doc *doc = parse_err(inputs[i]);
		assert_error(doc, 2, 1, "arrays must be comprised of strings only");
		assert_int_equal(instr_node(doc, 1)->kind, DFX_NODE_ERROR);
		dffix_doc_free(doc);
	}
}

static void test_parser__error_position_continued(void **state)
{
	(void)state;
	dffix_doc *doc = parse_err("FROM a\n\n   ENV foo\n");
	assert_error(doc, 3, 4, "ENV must have two arguments");
	dffix_doc_free(doc);
	doc = parse_err("FROM a\nLABEL a=b \\\n  c\n");
	assert_error(doc, 2, 1, "can't find = in \"c\"");
	dffix_doc_free(doc);
}

/* Section - flags, keywords, ONBUILD, unknown instructions */

static void test_parser__flags(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN  --mount=\"type=secret,id=a b\" --network=none  echo hi\n");
	const dfx_node *n = instr_node(doc, 0);
	assert_int_equal(n->instr.flag_count, 2);
	assert_span_text(n->logical, n->instr.flags[0], "--mount=\"type=secret,id=a b\"");
	assert_string_equal(n->instr.flag_values[0], "--mount=type=secret,id=a b");
	assert_string_equal(n->instr.flag_values[1], "--network=none");
	assert_span_text(n->logical, n->instr.args, "echo hi");
	dffix_doc_free(doc);
}

static void test_parser__flags_end_and_any_instruction(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("RUN -- --not-a-flag\nEXPOSE --foo 80\nCOPY --chown='1:1' \\\n  --from=b a c\n");
	const dfx_node *run = instr_node(doc, 0);
	assert_int_equal(run->instr.flag_count, 0);
	assert_span_text(run->logical, run->instr.args, "--not-a-flag");
	const dfx_node *ex = instr_node(doc, 1);
	assert_int_equal(ex->instr.flag_count, 1);
	assert_string_equal(ex->instr.flag_values[0], "--foo");
	const dfx_node *cp = instr_node(doc, 2);
	assert_int_equal(cp->instr.flag_count, 2);
	assert_string_equal(cp->instr.flag_values[0], "--chown=1:1");
	assert_string_equal(cp->instr.flag_values[1], "--from=b");
	assert_span_text(cp->logical, cp->instr.args, "a c");
	dffix_doc_free(doc);
}

static void test_parser__keywords_any_case(void **state)
{
	(void)state;
	for (int kw = 1; kw < DFX_KW__COUNT; kw++) {
		const char *name = dfx_keyword_name((dfx_keyword)kw);
		char lower[32], mixed[32];
		size_t n = strlen(name);
		assert_true(n < sizeof(lower));
		for (size_t i = 0; i <= n; i++) {
			char c = name[i];
			lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
			mixed[i] = (i % 2 && c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
		}
		assert_int_equal(dfx_keyword_lookup(name, n), kw);
		assert_int_equal(dfx_keyword_lookup(lower, n), kw);
		assert_int_equal(dfx_keyword_lookup(mixed, n), kw);
	}
	assert_int_equal(dfx_keyword_lookup("RUNX", 4), DFX_KW_UNKNOWN);
	assert_int_equal(dfx_keyword_lookup("RU", 2), DFX_KW_UNKNOWN);
	dffix_doc *doc = parse_ok("fRoM a\nHeAlThChEcK cmd true\nsTopSignal 9\n");
	assert_int_equal(instr_node(doc, 0)->instr.keyword, DFX_KW_FROM);
	assert_int_equal(instr_node(doc, 1)->instr.keyword, DFX_KW_HEALTHCHECK);
	assert_int_equal(instr_node(doc, 2)->instr.keyword, DFX_KW_STOPSIGNAL);
	dffix_doc_free(doc);
}

static void test_parser__onbuild_sub(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("ONBUILD   copy --chown=a  x y\nONBUILD cmd [\"a\"]\nONBUILD\n");
	const dfx_node *n = instr_node(doc, 0);
	assert_int_equal(n->instr.keyword, DFX_KW_ONBUILD);
	assert_non_null(n->instr.sub);
	assert_int_equal(n->instr.sub->keyword, DFX_KW_COPY);
	assert_int_equal(n->instr.sub->flag_count, 1);
	assert_string_equal(n->instr.sub->flag_values[0], "--chown=a");
	assert_span_text(n->logical, n->instr.sub->args, "x y");
	assert_non_null(dfx_node_instr(n, 1));
	assert_int_equal(dfx_node_instr(n, 1)->keyword, DFX_KW_COPY);
	assert_int_equal(dfx_node_instr(n, 0)->keyword, DFX_KW_ONBUILD);
	const dfx_instr *cmd = instr_node(doc, 1)->instr.sub;
	assert_true(cmd->json);
	assert_string_equal(cmd->json_values[0], "a");
	assert_null(instr_node(doc, 2)->instr.sub);
	dffix_doc_free(doc);
}

static void test_parser__unknown_instruction_warning(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM a\n  foo bar\nONBUILD  baz x\n");
	const dfx_node *n = instr_node(doc, 1);
	assert_int_equal(n->kind, DFX_NODE_INSTRUCTION);
	assert_int_equal(n->instr.keyword, DFX_KW_UNKNOWN);
	assert_int_equal(dffix_doc_diag_count(doc), 2);
	const dffix_diag *d = dffix_doc_diag(doc, 0);
	assert_int_equal(d->severity, DFFIX_SEV_WARNING);
	assert_int_equal(d->line, 2);
	assert_int_equal(d->column, 3);
	assert_non_null(strstr(d->message, "unknown instruction: foo"));
	d = dffix_doc_diag(doc, 1);
	assert_int_equal(d->line, 3);
	assert_int_equal(d->column, 10);
	assert_non_null(strstr(d->message, "baz"));
	assert_false(dffix_doc_has_errors(doc));
	dffix_doc_free(doc);
}

/* Section - bytes and line endings */

static void test_parser__crlf(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM a\r\nRUN b \\\r\n  c\r\n");
	assert_true(doc->crlf);
	const dfx_node *n = instr_node(doc, 1);
	assert_logical(n, "RUN b   c");
	assert_int_equal(n->segments[0].eol_start, strlen("FROM a\r\nRUN b \\"));
	assert_int_equal(n->segments[0].end, strlen("FROM a\r\nRUN b \\\r\n"));
	dffix_doc_free(doc);
	doc = parse_ok("FROM a\nRUN b\r\nRUN c\n");
	assert_false(doc->crlf);
	dffix_doc_free(doc);
}

static void test_parser__lone_cr_is_not_a_line_break(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM a\rRUN b\nRUN c\r\r\n");
	assert_int_equal(node_count(doc), 2);
	assert_int_equal(instr_node(doc, 0)->instr.keyword, DFX_KW_FROM);
	assert_int_equal(instr_node(doc, 1)->line, 2);
	dffix_doc_free(doc);
}

static void test_parser__bom(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("\xef\xbb\xbf# escape=`\nFROM a\n");
	assert_true(doc->has_bom);
	assert_int_equal(nth(doc, 0)->start, 3);
	assert_int_equal(nth(doc, 0)->kind, DFX_NODE_DIRECTIVE);
	assert_int_equal(doc->escape, '`');
	assert_int_equal(instr_node(doc, 0)->line, 2);
	dffix_doc_free(doc);
}

static void test_parser__no_final_newline_and_tabs(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM\ta\n\tRUN\tb\tc");
	assert_false(doc->final_newline);
	const dfx_node *n = instr_node(doc, 1);
	assert_int_equal(n->instr.keyword, DFX_KW_RUN);
	assert_span_text(n->logical, n->instr.args, "b\tc");
	assert_int_equal(n->end, doc->len);
	dffix_doc_free(doc);
}

static void test_parser__invalid_utf8_passes_through(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM a\nRUN echo \xff\xfe caf\xc3\n# \x80\n");
	assert_int_equal(dffix_doc_diag_count(doc), 0);
	assert_int_equal(node_count(doc), 3);
	dffix_doc_free(doc);
}

static void test_parser__nul_rejected(void **state)
{
	(void)state;
	static const char text[] = "FROM a\nRUN \0x\n";
	dffix_doc *doc = parse_rc(text, sizeof(text) - 1, DFFIX_EPARSE);
	assert_true(doc->fatal);
	assert_int_equal(node_count(doc), 1);
	assert_int_equal(doc->first->kind, DFX_NODE_ERROR);
	assert_error(doc, 2, 5, "NUL byte");
	dffix_doc_free(doc);
}

static void test_parser__long_line(void **state)
{
	(void)state;
	/* BuildKit's scanner takes 65535 bytes plus the newline, no more. */
	size_t n = 7 + 65535 + 1;
	char *text = malloc(n + 2);
	assert_non_null(text);
	memcpy(text, "FROM a\n", 7);
	memset(text + 7, 'a', 65535);
	memcpy(text + 7, "RUN ", 4);
	text[n - 1] = '\n';
	dffix_doc *doc = parse_rc(text, n, 0);
	dffix_doc_free(doc);
	text[n - 1] = 'a';
	text[n] = '\n';
	doc = parse_rc(text, n + 1, DFFIX_EPARSE);
	assert_error(doc, 2, 1, "dockerfile line greater than max allowed size of 65535");
	dffix_doc_free(doc);
	free(text);
}

/* Section - positions, logical offsets and fragments */

static void test_parser__positions(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM a\nRUN b \\\n    c\n");
	uint32_t line, col;
	dfx_doc_position(doc, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	dfx_doc_position(doc, 7, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
	dfx_doc_position(doc, 19, &line, &col);
	assert_int_equal(line, 3);
	assert_int_equal(col, 5);
	/* `c` is at logical offset 10 ("RUN b " + "    "); it maps to line 3, column 5. */
	const dfx_node *n = instr_node(doc, 1);
	assert_int_equal(n->logical[10], 'c');
	assert_int_equal(dfx_node_logical_to_src(n, 10), 19);
	assert_int_equal(dfx_node_logical_to_src(n, 0), 7);
	dffix_doc_free(doc);
}

static void test_parser__parse_fragment(void **state)
{
	(void)state;
	dffix_doc *doc = parse_ok("FROM a\n");
	dfx_node *first = NULL, *last = NULL;
	const char *frag = "# added\nRUN x \\\n    && y\n";
	assert_int_equal(dfx_cst_parse_fragment(&first, &last, doc, frag, strlen(frag)), 0);
	assert_non_null(first);
	assert_int_equal(first->kind, DFX_NODE_COMMENT);
	assert_true(first->synthesized);
	assert_int_equal(last->kind, DFX_NODE_INSTRUCTION);
	assert_int_equal(last->instr.keyword, DFX_KW_RUN);
	assert_true(last->synthesized);
	/* Text that does not parse cleanly is refused. */
	const char *bad = "CMD [\"a\", 1]\n";
	assert_int_equal(dfx_cst_parse_fragment(&first, &last, doc, bad, strlen(bad)), DFFIX_EPARSE);
	const char *unknown = "FOO bar\n";
	assert_int_equal(dfx_cst_parse_fragment(&first, &last, doc, unknown, strlen(unknown)), DFFIX_EPARSE);
	/* The document's own diagnostics are untouched. */
	assert_int_equal(dffix_doc_diag_count(doc), 0);
	dffix_doc_free(doc);
}

static void test_parser__bad_input_never_crashes(void **state)
{
	(void)state;
	/* Odd inputs: every prefix of each parses and reprints. */
	static const char *const inputs[] = {
		"RUN <<", "RUN <<-", "RUN 3<<\"", "COPY <<'a' <<\"b\" /\na\nb\n", "# escape=`\nRUN `",
		"ONBUILD ONBUILD RUN <<EOF\nx\nEOF\n", "HEALTHCHECK", "CMD [\"\\u12\"]", "ENV a=\"b \\\n",
		"\\\n\\\n\\", "#\n#=\n# =x\n", "FROM a AS", "RUN [\"a\", \"b\"] \\\n# c\n",
	};
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		size_t len = strlen(inputs[i]);
		for (size_t k = 0; k <= len; k++) {
			dffix_doc *doc = NULL;
			int rc = dffix_doc_parse(&doc, inputs[i], k);
			assert_true(rc == 0 || rc == DFFIX_EPARSE);
			assert_non_null(doc);
			assert_int_equal(dfx_cst_check(doc), 0);
			dffix_buf out = DFFIX_BUF_INIT;
			assert_int_equal(dffix_doc_reprint(&out, doc), 0);
			assert_int_equal(out.size, k);
			if (k)
				assert_memory_equal(out.ptr, inputs[i], k);
			dffix_buf_dispose(&out);
			dffix_doc_free(doc);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser__node_kinds),
		cmocka_unit_test(test_parser__empty_input),
		cmocka_unit_test(test_parser__instruction_spans_and_keyword),
		cmocka_unit_test(test_parser__directive_fields),
		cmocka_unit_test(test_parser__directive_escape_backtick),
		cmocka_unit_test(test_parser__directive_only_at_top),
		cmocka_unit_test(test_parser__directive_leading_blanks),
		cmocka_unit_test(test_parser__directive_duplicate_error),
		cmocka_unit_test(test_parser__directive_invalid_escape_error),
		cmocka_unit_test(test_parser__continuation_segments),
		cmocka_unit_test(test_parser__continuation_trailing_blanks),
		cmocka_unit_test(test_parser__escaped_escape_ends_line),
		cmocka_unit_test(test_parser__continuation_at_eof),
		cmocka_unit_test(test_parser__continuation_swallows_next_line),
		cmocka_unit_test(test_parser__break_inside_word),
		cmocka_unit_test(test_parser__escape_only_line),
		cmocka_unit_test(test_parser__heredoc_basic),
		cmocka_unit_test(test_parser__heredoc_variants),
		cmocka_unit_test(test_parser__heredoc_copy_and_onbuild),
		cmocka_unit_test(test_parser__heredoc_only_where_allowed),
		cmocka_unit_test(test_parser__heredoc_unterminated),
		cmocka_unit_test(test_parser__json_form),
		cmocka_unit_test(test_parser__json_surrogate_pair),
		cmocka_unit_test(test_parser__json_invalid_is_shell),
		cmocka_unit_test(test_parser__json_empty_array),
		cmocka_unit_test(test_parser__json_non_string_error),
		cmocka_unit_test(test_parser__error_position_continued),
		cmocka_unit_test(test_parser__flags),
		cmocka_unit_test(test_parser__flags_end_and_any_instruction),
		cmocka_unit_test(test_parser__keywords_any_case),
		cmocka_unit_test(test_parser__onbuild_sub),
		cmocka_unit_test(test_parser__unknown_instruction_warning),
		cmocka_unit_test(test_parser__crlf),
		cmocka_unit_test(test_parser__lone_cr_is_not_a_line_break),
		cmocka_unit_test(test_parser__bom),
		cmocka_unit_test(test_parser__no_final_newline_and_tabs),
		cmocka_unit_test(test_parser__invalid_utf8_passes_through),
		cmocka_unit_test(test_parser__nul_rejected),
		cmocka_unit_test(test_parser__long_line),
		cmocka_unit_test(test_parser__positions),
		cmocka_unit_test(test_parser__parse_fragment),
		cmocka_unit_test(test_parser__bad_input_never_crashes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
