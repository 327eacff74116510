/* test_printer.c - the formatter (dffix_doc_format) on small inputs, one
 * rule of DESIGN.md "Formatting" per test, each also checked for
 * idempotence. Passes are not involved: only parse + format. */
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
#include "printer.h"

/* Section - helpers */

/* Formats `len` bytes of `in` with `opts` (NULL: defaults) into *out (a
 * dffix_buf the caller disposes). Returns dffix_doc_format's result. */
static int format_len(dffix_buf *out, const char *in, size_t len, const dffix_options *opts)
{
	dffix_doc *doc = NULL;
	int rc = dffix_doc_parse(&doc, in, len);
	assert_true(rc == 0 || rc == DFFIX_EPARSE);
	assert_non_null(doc);
	rc = dffix_doc_format(out, doc, opts);
	dffix_doc_free(doc);
	return rc;
}

static void check_opts(const char *in, const char *want, const dffix_options *opts)
{
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(format_len(&out, in, strlen(in), opts), 0);
	const char *got = out.ptr ? out.ptr : "";
	int ok = !strcmp(got, want);
	if (!ok)
		print_error("input:\n%s\n--- got:\n%s\n--- want:\n%s\n", in, got, want);
	/* Invariant 3: formatting the result changes nothing. */
	dffix_buf again = DFFIX_BUF_INIT;
	int rc = format_len(&again, got, out.size, opts);
	if (ok && (rc != 0 || strcmp(again.ptr ? again.ptr : "", got))) {
		print_error("not idempotent:\n%s\n--- became:\n%s\n", got, again.ptr ? again.ptr : "");
		ok = 0;
	}
	dffix_buf_dispose(&again);
	dffix_buf_dispose(&out);
	if (!ok)
		fail();
}

static void check(const char *in, const char *want)
{
	check_opts(in, want, NULL);
}

/* The input is already formatted: it must come back byte for byte. */
static void check_kept(const char *in)
{
	check(in, in);
}

/* Section - keywords and spacing */

static void test_printer__keywords_upper(void **state)
{
	(void)state;
	check("from a\nrun b\nCoPy c d\nentrypoint [\"e\"]\nstopsignal 9\n",
	      "FROM a\nRUN b\nCOPY c d\nENTRYPOINT [\"e\"]\nSTOPSIGNAL 9\n");
}

static void test_printer__as_upper(void **state)
{
	(void)state;
	check("FROM a as b\n", "FROM a AS b\n");
	check("from a:1 As b\n", "FROM a:1 AS b\n");
	/* Only the AS of `FROM image AS name`, not an image called `as`. */
	check_kept("FROM as\n");
}

static void test_printer__header_spacing(void **state)
{
	(void)state;
	check("RUN    --network=none    --mount=type=tmpfs,target=/t    make\n",
	      "RUN --network=none --mount=type=tmpfs,target=/t make\n");
	check("FROM   a   AS   b\n", "FROM a AS b\n");
	check("\t  ENV\tA=1\n", "ENV A=1\n");
}

static void test_printer__shell_blanks_kept(void **state)
{
	(void)state;
	/* Blanks inside a shell command are the author's. */
	check_kept("RUN echo  a   &&  echo \"b   c\"\n");
	check_kept("ENV OLD  form  value\n");
	check_kept("LABEL a=\"x   y\"  b=z\n");
}

static void test_printer__healthcheck_and_onbuild(void **state)
{
	(void)state;
	check("healthcheck  --interval=5s   cmd   curl  -f x\n", "HEALTHCHECK --interval=5s CMD curl  -f x\n");
	check("healthcheck none\n", "HEALTHCHECK NONE\n");
	check("onbuild   run   echo  hi\n", "ONBUILD RUN echo  hi\n");
	check("ONBUILD copy --chown=a   x y\n", "ONBUILD COPY --chown=a x y\n");
}

/* Section - continuations */

static void test_printer__continuation_indent(void **state)
{
	(void)state;
	check("RUN a \\\n b \\\n\t\tc \\\n          d\n", "RUN a \\\n    b \\\n    c \\\n    d\n");
}

static void test_printer__indent_options(void **state)
{
	(void)state;
	dffix_options opts = DFFIX_OPTIONS_INIT;
	opts.indent = 2;
	check_opts("RUN a \\\n    # c\n    b\n", "RUN a \\\n  # c\n  b\n", &opts);
	opts.indent = 0;
	check_opts("RUN a \\\n    # c\n    b\n", "RUN a \\\n\t# c\n\tb\n", &opts);
	opts.indent = 8;
	check_opts("RUN a \\\n b\n", "RUN a \\\n        b\n", &opts);
}

static void test_printer__space_before_escape(void **state)
{
	(void)state;
	check("RUN a\\\n    b\n", "RUN a \\\n    b\n");
	check("RUN a    \\\n    b\n", "RUN a \\\n    b\n");
	check("RUN a\t\\  \n    b\n", "RUN a \\\n    b\n");
}

static void test_printer__break_inside_word_kept(void **state)
{
	(void)state;
	/* `light\` + `ning` is `lightning` to the builder: nothing may be added. */
	check_kept("RUN echo light\\\nning\n");
	check_kept("RUN apt-get install -y py\\\nthon3 \"x\"\\\n\"y\"\n");
}

static void test_printer__break_inside_quotes_kept(void **state)
{
	(void)state;
	check_kept("RUN echo \"a \\\n   b\"\n");
	check_kept("RUN echo 'a  \\\n b'\n");
	check_kept("RUN echo ${X:-a \\\n  b}\n");
}

static void test_printer__verbatim_values_kept(void **state)
{
	(void)state;
	/* WORKDIR, USER and friends take the joined text as it is. */
	check_kept("WORKDIR /a \\\n  b\n");
	check_kept("USER foo\\\n  bar\n");
	check_kept("STOPSIGNAL SIG\\\nTERM\n");
}

static void test_printer__comments_in_continuation(void **state)
{
	(void)state;
	check("RUN a \\\n# one   \n\t\t#   two\n  && b\n", "RUN a \\\n    # one\n    #   two\n    && b\n");
}

static void test_printer__empty_continuation_lines_removed(void **state)
{
	(void)state;
	check("RUN a \\\n\n  \t\n    && b \\\n\n    && c\n", "RUN a \\\n    && b \\\n    && c\n");
}

static void test_printer__continuation_joins_next_line(void **state)
{
	(void)state;
	/* The RUN b line belongs to the first RUN (the builder skips the empty
	 * line); it is printed as the continuation it is. */
	check("RUN a \\\n\nRUN b\n", "RUN a \\\n    RUN b\n");
}

static void test_printer__keyword_split_verbatim(void **state)
{
	(void)state;
	check_kept("RU\\\nN echo hi\n");
}

/* Section - lines */

static void test_printer__trailing_whitespace(void **state)
{
	(void)state;
	check("FROM a   \nRUN b \t\n# c   \nENV A=1  \n", "FROM a\nRUN b\n# c\nENV A=1\n");
}

static void test_printer__blank_lines(void **state)
{
	(void)state;
	check("\n\n# top\n\n\n\nFROM a\n\n \t\n\nRUN b\n\n\n", "# top\n\nFROM a\n\nRUN b\n");
}

static void test_printer__blank_before_later_from(void **state)
{
	(void)state;
	check("FROM a\nRUN x\nFROM b\nFROM c\n", "FROM a\nRUN x\n\nFROM b\n\nFROM c\n");
	/* No blank line before the first FROM, even after ARG. */
	check("ARG V=1\nFROM a\n", "ARG V=1\nFROM a\n");
}

static void test_printer__blank_before_from_comment_block(void **state)
{
	(void)state;
	/* The blank line goes above the comments that belong to the FROM. */
	check("FROM a\nRUN x\n# build stage\n# two\nFROM b\n", "FROM a\nRUN x\n\n# build stage\n# two\nFROM b\n");
	check("FROM a\n\n\n# c\nFROM b\n", "FROM a\n\n# c\nFROM b\n");
}

static void test_printer__final_newline(void **state)
{
	(void)state;
	check("FROM a\nRUN b", "FROM a\nRUN b\n");
	check("FROM a\n# c", "FROM a\n# c\n");
	dffix_options opts = DFFIX_OPTIONS_INIT;
	opts.final_newline = 0;
	check_opts("FROM a\nRUN b", "FROM a\nRUN b", &opts);
}

static void test_printer__line_endings(void **state)
{
	(void)state;
	check("from a\r\nrun b  \r\n\r\n\r\nRUN c \\\r\n  d\r\n", "FROM a\r\nRUN b\r\n\r\nRUN c \\\r\n    d\r\n");
	check("FROM a\r\nRUN b", "FROM a\r\nRUN b\r\n");
	dffix_options opts = DFFIX_OPTIONS_INIT;
	opts.eol = 1;
	check_opts("FROM a\r\nRUN b\r\n", "FROM a\nRUN b\n", &opts);
	opts.eol = 2;
	check_opts("FROM a\nRUN b\n", "FROM a\r\nRUN b\r\n", &opts);
}

static void test_printer__bom_kept(void **state)
{
	(void)state;
	check("\xef\xbb\xbf" "from a\n", "\xef\xbb\xbf" "FROM a\n");
}

/* Section - exec form, heredocs, directives, Windows */

static void test_printer__exec_form(void **state)
{
	(void)state;
	check("CMD [\"a\",\"b\"]\n", "CMD [\"a\", \"b\"]\n");
	check("ENTRYPOINT [ \"a\" ,   \"b\" ]\n", "ENTRYPOINT [\"a\", \"b\"]\n");
	check("CMD [  ]\n", "CMD []\n");
	check("SHELL [\"/bin/sh\",\"-c\"]\n", "SHELL [\"/bin/sh\", \"-c\"]\n");
	/* Strings are printed as written, escapes included. */
	check("CMD [\"a\\\"b\",\"\\u00e9\"]\n", "CMD [\"a\\\"b\", \"\\u00e9\"]\n");
	/* Not JSON: shell form, left alone. */
	check_kept("CMD [\"a\", 'b']\n");
	check_kept("CMD [\"a\"] trailing\n");
}

static void test_printer__heredoc_verbatim(void **state)
{
	(void)state;
	check("run  <<EOF\n\tif x;  then   \n  y\t\n\n\nEOF\nrun b\n", "RUN <<EOF\n\tif x;  then   \n  y\t\n\n\nEOF\nRUN b\n");
	check("RUN <<-EOF cat\n\tx  \n\tEOF", "RUN <<-EOF cat\n\tx  \n\tEOF\n");
}

static void test_printer__directives_verbatim(void **state)
{
	(void)state;
	check("#  SYNTAX  =  docker/dockerfile:1  \n#escape=\\\t\nfrom a\n",
	      "#  SYNTAX  =  docker/dockerfile:1  \n#escape=\\\t\nFROM a\n");
}

static void test_printer__directive_like_comment_stays_comment(void **state)
{
	(void)state;
	/* Dropping the leading blank line would turn the comment into a
	 * directive and change the escape character. */
	check_kept("\n# escape=`\nFROM a\nRUN b \\\n    c\n");
}

static void test_printer__windows_escape_exact(void **state)
{
	(void)state;
	check("# escape=`\nfrom a\nrun   cmd /S /C `\n        echo  a  `\n  &&  echo b\n",
	      "# escape=`\nFROM a\nRUN cmd /S /C `\n        echo  a  `\n  &&  echo b\n");
}

static void test_printer__non_posix_shell_exact(void **state)
{
	(void)state;
	check_kept("SHELL [\"powershell\", \"-Command\"]\nRUN echo  a \\\n      b\n");
	/* A later POSIX SHELL (or FROM) makes breaks re-indentable again. */
	check("SHELL [\"pwsh\"]\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a \\\n      b\n",
	      "SHELL [\"pwsh\"]\nSHELL [\"/bin/bash\", \"-c\"]\nRUN a \\\n    b\n");
}

static void test_printer__unknown_instruction_verbatim(void **state)
{
	(void)state;
	/* DESIGN.md: unknown instructions are kept verbatim. */
	check_kept("FROM a\nfoo  bar   baz\n");
}

static void test_printer__error_node_verbatim(void **state)
{
	(void)state;
	/* A document with errors still formats; the bad instruction is kept. */
	const char *in = "from a\ncmd [\"a\",  1]\n";
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(format_len(&out, in, strlen(in), NULL), 0);
	assert_string_equal(out.ptr, "FROM a\ncmd [\"a\",  1]\n");
	dffix_buf_dispose(&out);
	/* A binary document prints back unchanged. */
	static const char bin[] = "from a\n\0\n";
	assert_int_equal(format_len(&out, bin, sizeof(bin) - 1, NULL), 0);
	assert_int_equal(out.size, sizeof(bin) - 1);
	assert_memory_equal(out.ptr, bin, sizeof(bin) - 1);
	dffix_buf_dispose(&out);
}

/* Section - API */

static void test_printer__options_checked(void **state)
{
	(void)state;
	dffix_options opts = DFFIX_OPTIONS_INIT;
	opts.version = 999;
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(format_len(&out, "FROM a\n", 7, &opts), DFFIX_EINVAL);
	dffix_buf_dispose(&out);
	/* NULL options mean the defaults. */
	assert_int_equal(format_len(&out, "from a\nrun b \\\n c\n", 18, NULL), 0);
	assert_string_equal(out.ptr, "FROM a\nRUN b \\\n    c\n");
	dffix_buf_dispose(&out);
}

static void test_printer__buffer_cap(void **state)
{
	(void)state;
	dffix_buf out = DFFIX_BUF_INIT;
	out.cap = 8;
	assert_int_equal(format_len(&out, "FROM alpine:3.19\nRUN echo hello\n", 32, NULL), DFFIX_ENOMEM);
	assert_true(out.toobig);
	dffix_buf_dispose(&out);
}

static void test_printer__appends_to_buffer(void **state)
{
	(void)state;
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dffix_buf_puts(&out, "prefix|"), 0);
	assert_int_equal(format_len(&out, "from a\n", 7, NULL), 0);
	assert_string_equal(out.ptr, "prefix|FROM a\n");
	dffix_buf_dispose(&out);
}

static void test_printer__print_instruction(void **state)
{
	(void)state;
	const char *in = "run  a \\\n  # c\n b\n";
	dffix_doc *doc = NULL;
	assert_int_equal(dffix_doc_parse(&doc, in, strlen(in)), 0);
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dfx_print_instruction(&out, doc, doc->first, "\r\n", "  ", 1), 0);
	assert_string_equal(out.ptr, "RUN a \\\r\n  # c\r\n  b\r\n");
	dffix_buf_dispose(&out);
	/* Not a POSIX shell: the break keeps its exact bytes. */
	assert_int_equal(dfx_print_instruction(&out, doc, doc->first, "\n", "    ", 0), 0);
	assert_string_equal(out.ptr, "RUN a \\\n    # c\n b\n");
	dffix_buf_dispose(&out);
	dffix_doc_free(doc);
}

/* A JSON array on a line near BuildKit's 65,535-byte limit: the `, ` the
 * formatter would put between elements pushes it over, so the line is kept
 * as written; a shorter one is still spaced. */
static void test_printer__line_limit(void **state)
{
	(void)state;
	const char *head = "FROM alpine\nCMD [";
	size_t elems = 16000; /* "a", x 16000: 64,005 bytes; 80,004 with spaces */
	size_t len = strlen(head) + elems * 4 + 2;
	char *in = malloc(len + 1);
	assert_non_null(in);
	char *p = in + strlen(head);
	memcpy(in, head, strlen(head));
	for (size_t i = 0; i < elems; i++, p += 4)
		memcpy(p, i + 1 < elems ? "\"a\"," : "\"a\"]", 4);
	memcpy(p, "\n", 2);
	check_kept(in);
	free(in);
	check("FROM alpine\nCMD [\"a\",\"b\"]\n", "FROM alpine\nCMD [\"a\", \"b\"]\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printer__keywords_upper),
		cmocka_unit_test(test_printer__as_upper),
		cmocka_unit_test(test_printer__header_spacing),
		cmocka_unit_test(test_printer__shell_blanks_kept),
		cmocka_unit_test(test_printer__healthcheck_and_onbuild),
		cmocka_unit_test(test_printer__continuation_indent),
		cmocka_unit_test(test_printer__indent_options),
		cmocka_unit_test(test_printer__space_before_escape),
		cmocka_unit_test(test_printer__break_inside_word_kept),
		cmocka_unit_test(test_printer__break_inside_quotes_kept),
		cmocka_unit_test(test_printer__verbatim_values_kept),
		cmocka_unit_test(test_printer__comments_in_continuation),
		cmocka_unit_test(test_printer__empty_continuation_lines_removed),
		cmocka_unit_test(test_printer__continuation_joins_next_line),
		cmocka_unit_test(test_printer__keyword_split_verbatim),
		cmocka_unit_test(test_printer__trailing_whitespace),
		cmocka_unit_test(test_printer__blank_lines),
		cmocka_unit_test(test_printer__blank_before_later_from),
		cmocka_unit_test(test_printer__blank_before_from_comment_block),
		cmocka_unit_test(test_printer__final_newline),
		cmocka_unit_test(test_printer__line_endings),
		cmocka_unit_test(test_printer__bom_kept),
		cmocka_unit_test(test_printer__exec_form),
		cmocka_unit_test(test_printer__heredoc_verbatim),
		cmocka_unit_test(test_printer__directives_verbatim),
		cmocka_unit_test(test_printer__directive_like_comment_stays_comment),
		cmocka_unit_test(test_printer__windows_escape_exact),
		cmocka_unit_test(test_printer__non_posix_shell_exact),
		cmocka_unit_test(test_printer__unknown_instruction_verbatim),
		cmocka_unit_test(test_printer__error_node_verbatim),
		cmocka_unit_test(test_printer__options_checked),
		cmocka_unit_test(test_printer__buffer_cap),
		cmocka_unit_test(test_printer__appends_to_buffer),
		cmocka_unit_test(test_printer__print_instruction),
		cmocka_unit_test(test_printer__line_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
