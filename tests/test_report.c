/* test_report.c - the diagnostic renderers: text, gnu, json, sarif, checkstyle. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dffix.h"
#include "report.h"

/* "EXPOSE é 80/TCP": DF010 at the é (column 8), DF009 at 80/TCP (byte
 * column 11, code point column 10); a syntax error on line 3 (the
 * HEALTHCHECK keeps DF216 quiet). */
static const char INPUT[] = "FROM a:1\nEXPOSE \xC3\xA9 80/TCP\nENV a\nHEALTHCHECK NONE\n";

static dffix_doc *linted(void)
{
	dffix_doc *doc = NULL;
	dffix_doc_parse(&doc, INPUT, sizeof(INPUT) - 1);
	assert_non_null(doc);
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = 0;
	assert_int_equal(dffix_doc_lint(doc, &o), 0);
	return doc;
}

/* Renders the linted INPUT as `path` in `format`. */
static char *render(dfx_report_format format, int color, dffix_severity min, size_t *results)
{
	dffix_doc *doc = linted();
	dffix_buf buf = DFFIX_BUF_INIT;
	dfx_report r;
	dfx_report_options o = DFX_REPORT_OPTIONS_INIT;
	o.format = format;
	o.color = color;
	o.min_severity = min;
	assert_int_equal(dfx_report_begin(&r, &buf, &o), 0);
	assert_int_equal(dfx_report_add_file(&r, "dir/Docker file", doc), 0);
	assert_int_equal(dfx_report_end(&r), 0);
	if (results)
		*results = r.results;
	char *s = strdup(buf.ptr ? buf.ptr : "");
	dffix_buf_dispose(&buf);
	dffix_doc_free(doc);
	return s;
}

static void test_report__format_names(void **state)
{
	(void)state;
	dfx_report_format f;
	assert_int_equal(dfx_report_format_parse(&f, "sarif"), 0);
	assert_int_equal(f, DFX_REPORT_SARIF);
	assert_int_equal(dfx_report_format_parse(&f, "checkstyle"), 0);
	assert_int_equal(f, DFX_REPORT_CHECKSTYLE);
	assert_int_equal(dfx_report_format_parse(&f, "xml"), DFFIX_EINVAL);
}

static void test_report__text(void **state)
{
	(void)state;
	size_t n;
	char *s = render(DFX_REPORT_TEXT, 0, DFFIX_SEV_STYLE, &n);
	assert_string_equal(s, "dir/Docker file:2:8: warning: Invalid port '\xC3\xA9' in EXPOSE: expected "
			       "PORT[-PORT][/tcp|udp|sctp] with ports in 0-65535 [DF010 expose-invalid-format]\n"
			       "dir/Docker file:2:11: warning: Defined protocol '80/TCP' in EXPOSE instruction "
			       "should be lowercase [DF009 expose-proto-casing]\n"
			       "dir/Docker file:3:1: error: ENV must have two arguments [DF000 syntax]\n");
	assert_int_equal(n, 3);
	free(s);
}

static void test_report__text_color_and_filter(void **state)
{
	(void)state;
	char *s = render(DFX_REPORT_TEXT, 1, DFFIX_SEV_ERROR, NULL);
	assert_string_equal(s, "\033[1mdir/Docker file:3:1:\033[0m \033[1;31merror:\033[0m ENV must have two "
			       "arguments \033[2m[DF000 syntax]\033[0m\n");
	free(s);
}

static void test_report__gnu(void **state)
{
	(void)state;
	char *s = render(DFX_REPORT_GNU, 1, DFFIX_SEV_ERROR, NULL);
	assert_string_equal(s, "dir/Docker file:3:1: error: ENV must have two arguments\n");
	free(s);
}

static void test_report__json(void **state)
{
	(void)state;
	char *s = render(DFX_REPORT_JSON, 0, DFFIX_SEV_WARNING, NULL);
	const char *want =
		"[\n"
		"  {\"file\": \"dir/Docker file\", \"line\": 2, \"column\": 8, \"end_line\": 2, \"end_column\": 10, "
		"\"rule\": \"DF010\", \"name\": \"expose-invalid-format\", \"severity\": \"warning\", \"message\": "
		"\"Invalid port '\xC3\xA9' in EXPOSE: expected PORT[-PORT][/tcp|udp|sctp] with ports in 0-65535\", "
		"\"fixable\": false, \"kind\": \"lint\"},\n"
		"  {\"file\": \"dir/Docker file\", \"line\": 2, \"column\": 11, \"end_line\": 2, \"end_column\": 17, "
		"\"rule\": \"DF009\", \"name\": \"expose-proto-casing\", \"severity\": \"warning\", \"message\": "
		"\"Defined protocol '80/TCP' in EXPOSE instruction should be lowercase\", \"fixable\": false, \"kind\": \"lint\"},\n"
		"  {\"file\": \"dir/Docker file\", \"line\": 3, \"column\": 1, \"end_line\": 3, \"end_column\": 6, "
		"\"rule\": \"DF000\", \"name\": \"syntax\", \"severity\": \"error\", \"message\": \"ENV must have two "
		"arguments\", \"fixable\": false, \"kind\": \"syntax\"}\n"
		"]\n";
	assert_string_equal(s, want);
	free(s);
}

static void test_report__json_empty_and_many_files(void **state)
{
	(void)state;
	dffix_buf buf = DFFIX_BUF_INIT;
	dfx_report r;
	dfx_report_options o = DFX_REPORT_OPTIONS_INIT;
	o.format = DFX_REPORT_JSON;
	assert_int_equal(dfx_report_begin(&r, &buf, &o), 0);
	assert_int_equal(dfx_report_end(&r), 0);
	assert_string_equal(buf.ptr, "[]\n");
	dffix_buf_dispose(&buf);

	/* two files, fed one by one; the caller drains the buffer in between */
	dffix_diag d;
	memset(&d, 0, sizeof(d));
	d.rule_id = "DF205";
	d.rule_name = "shell-form-cmd";
	d.severity = DFFIX_SEV_WARNING;
	d.kind = DFFIX_DIAG_LINT;
	d.line = d.column = d.end_line = 1;
	d.end_column = 4;
	d.message = "tab\there \"quoted\" \\ \x01";
	assert_int_equal(dfx_report_begin(&r, &buf, &o), 0);
	assert_int_equal(dfx_report_add_diags(&r, "a", &d, 1), 0);
	char *first = strdup(buf.ptr);
	dffix_buf_dispose(&buf);
	assert_int_equal(dfx_report_add_diags(&r, "b", &d, 1), 0);
	assert_int_equal(dfx_report_end(&r), 0);
	assert_string_equal(first, "[\n  {\"file\": \"a\", \"line\": 1, \"column\": 1, \"end_line\": 1, \"end_column\": 4, "
				   "\"rule\": \"DF205\", \"name\": \"shell-form-cmd\", \"severity\": \"warning\", "
				   "\"message\": \"tab\\there \\\"quoted\\\" \\\\ \\u0001\", \"fixable\": false, \"kind\": \"lint\"}");
	assert_non_null(strstr(buf.ptr, ",\n  {\"file\": \"b\""));
	assert_int_equal(buf.ptr[buf.size - 2], ']');
	assert_int_equal(r.counts[DFFIX_SEV_WARNING], 2);
	free(first);
	dffix_buf_dispose(&buf);
}

static void test_report__sarif(void **state)
{
	(void)state;
	char *s = render(DFX_REPORT_SARIF, 0, DFFIX_SEV_STYLE, NULL);
	assert_non_null(strstr(s, "\"version\": \"2.1.0\""));
	assert_non_null(strstr(s, "\"name\": \"dffix\""));
	assert_non_null(strstr(s, "\"version\": \"" DFFIX_VERSION "\""));
	assert_non_null(strstr(s, "{\"id\": \"DF205\", \"name\": \"shell-form-cmd\", \"shortDescription\": {\"text\": "));
	assert_non_null(strstr(s, "\"helpUri\": \"https://github.com/dffix/dffix/blob/main/docs/rules/DF205.md\""));
	assert_non_null(strstr(s, "\"defaultConfiguration\": {\"level\": \"note\"}")); /* info rules */
	/* the syntax error is DF000, rule index 0, level error */
	assert_non_null(strstr(s, "{\"ruleId\": \"DF000\", \"ruleIndex\": 0, \"level\": \"error\", \"message\": "
				  "{\"text\": \"ENV must have two arguments\"}"));
	/* the path is a percent-encoded relative URI; columns count code points */
	assert_non_null(strstr(s, "\"uri\": \"dir/Docker%20file\"}, \"region\": {\"startLine\": 2, \"startColumn\": "
				  "10, \"endLine\": 2, \"endColumn\": 16}"));
	assert_non_null(strstr(s, "\"startColumn\": 8, \"endLine\": 2, \"endColumn\": 9}"));
	assert_non_null(strstr(s, "\"columnKind\": \"unicodeCodePoints\""));
	size_t len = strlen(s);
	assert_true(len > 3 && !strcmp(s + len - 3, "\n}\n"));
	free(s);
}

static void test_report__checkstyle(void **state)
{
	(void)state;
	dffix_buf buf = DFFIX_BUF_INIT;
	dfx_report r;
	dfx_report_options o = DFX_REPORT_OPTIONS_INIT;
	o.format = DFX_REPORT_CHECKSTYLE;
	dffix_diag d;
	memset(&d, 0, sizeof(d));
	d.rule_id = "DF201";
	d.rule_name = "scratch-distro";
	d.severity = DFFIX_SEV_STYLE;
	d.line = 4;
	d.column = 2;
	d.message = "a <b> & \"c\" 'd'\x01\xff";
	assert_int_equal(dfx_report_begin(&r, &buf, &o), 0);
	assert_int_equal(dfx_report_add_diags(&r, "x&y", &d, 1), 0);
	assert_int_equal(dfx_report_add_diags(&r, "clean", NULL, 0), 0);
	assert_int_equal(dfx_report_end(&r), 0);
	assert_string_equal(buf.ptr, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n"
				     "  <file name=\"x&amp;y\">\n"
				     "    <error line=\"4\" column=\"2\" severity=\"info\" message=\"a &lt;b&gt; &amp; "
				     "&quot;c&quot; &apos;d&apos;\xEF\xBF\xBD\xEF\xBF\xBD\" "
				     "source=\"dffix.DF201.scratch-distro\"/>\n"
				     "  </file>\n  <file name=\"clean\">\n  </file>\n</checkstyle>\n");
	dffix_buf_dispose(&buf);
}

static void test_report__sorted_and_kinds(void **state)
{
	(void)state;
	dffix_diag d[3];
	memset(d, 0, sizeof(d));
	const unsigned lines[3] = {5, 2, 2};
	const unsigned cols[3] = {1, 9, 3};
	const dffix_diag_kind kinds[3] = {DFFIX_DIAG_LINT, DFFIX_DIAG_REFUSED, DFFIX_DIAG_LINT};
	const char *msgs[3] = {"five", "two-nine", "two-three"};
	for (int i = 0; i < 3; i++) {
		d[i].rule_id = "DF101";
		d[i].rule_name = "pin-tag";
		d[i].severity = DFFIX_SEV_INFO;
		d[i].kind = kinds[i];
		d[i].line = d[i].end_line = lines[i];
		d[i].column = d[i].end_column = cols[i];
		d[i].message = msgs[i];
	}
	dffix_buf buf = DFFIX_BUF_INIT;
	dfx_report r;
	dfx_report_options o = DFX_REPORT_OPTIONS_INIT;
	o.format = DFX_REPORT_GNU;
	assert_int_equal(dfx_report_begin(&r, &buf, &o), 0);
	assert_int_equal(dfx_report_add_diags(&r, "f", d, 3), 0);
	assert_string_equal(buf.ptr, "f:2:3: info: two-three\nf:2:9: info: two-nine\nf:5:1: info: five\n");
	dffix_buf_dispose(&buf);
	o.kinds = 1u << DFFIX_DIAG_LINT;
	assert_int_equal(dfx_report_begin(&r, &buf, &o), 0);
	assert_int_equal(dfx_report_add_diags(&r, "f", d, 3), 0);
	assert_string_equal(buf.ptr, "f:2:3: info: two-three\nf:5:1: info: five\n");
	assert_int_equal(r.counts[DFFIX_SEV_INFO], 2);
	dffix_buf_dispose(&buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report__format_names),
		cmocka_unit_test(test_report__text),
		cmocka_unit_test(test_report__text_color_and_filter),
		cmocka_unit_test(test_report__gnu),
		cmocka_unit_test(test_report__json),
		cmocka_unit_test(test_report__json_empty_and_many_files),
		cmocka_unit_test(test_report__sarif),
		cmocka_unit_test(test_report__checkstyle),
		cmocka_unit_test(test_report__sorted_and_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
