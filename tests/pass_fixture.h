/* pass_fixture.h - what the pass unit tests share: fix a Dockerfile held in
 * a string, look at the output and the diagnostics, and check a rewrite
 * (and that it is idempotent) or a refusal.
 *
 * Include it once per test program, after <cmocka.h> and "dffix.h". Each
 * test program is one translation unit, so the helpers are static inline:
 * a test that leaves some unused gets no warning. */
#ifndef PASS_FIXTURE_H
#define PASS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Section - one run */

/* The formatted text and the document, which holds the diagnostics. */
typedef struct pass_outcome {
	dffix_buf out;
	dffix_doc *doc;
} pass_outcome;

/* Parses `in`, fixes it with `opts` and formats it; any error fails the test. */
static inline void pass_outcome_run(pass_outcome *r, const char *in, const dffix_options *opts)
{
	dffix_buf init = DFFIX_BUF_INIT;
	r->out = init;
	assert_int_equal(dffix_doc_parse(&r->doc, in, strlen(in)), 0);
	int changed = 0;
	assert_int_equal(dffix_doc_fix(&changed, r->doc, opts), 0);
	assert_int_equal(dffix_doc_format(&r->out, r->doc, opts), 0);
}

static inline void pass_outcome_dispose(pass_outcome *r)
{
	dffix_buf_dispose(&r->out);
	dffix_doc_free(r->doc);
}

static inline size_t pass_count_kind(const dffix_doc *doc, dffix_diag_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++)
		n += dffix_doc_diag(doc, i)->kind == kind;
	return n;
}

/* The first diagnostic of `kind` whose message contains `needle`, or NULL. */
static inline const dffix_diag *pass_find_diag(const dffix_doc *doc, dffix_diag_kind kind, const char *needle)
{
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (d->kind == kind && strstr(d->message, needle))
			return d;
	}
	return NULL;
}

/* Section - the pass under test */

typedef struct pass_fixture {
	unsigned fix;                           /* its DFFIX_FIX_* bit: the only pass run */
	const char *rule_id;                    /* on each of its diagnostics: "DF104" */
	const char *rule_name;                  /* likewise: "merge-run" */
	const char *refused_prefix;             /* each refusal message starts so: "not merged: " */
	void (*configure)(dffix_options *opts); /* sets what else the pass needs (pins), or NULL */
	int formatted_inputs;                   /* text checks: inputs left alone must come out byte for byte */
} pass_fixture;

static inline void pass_fixture_run(pass_outcome *r, const pass_fixture *f, const char *in)
{
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = f->fix;
	if (f->configure)
		f->configure(&o);
	pass_outcome_run(r, in, &o);
}

/* Formats `in` with no pass on: what a pass that changes nothing leaves. */
static inline void pass_fixture_run_plain(pass_outcome *r, const char *in)
{
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = 0;
	pass_outcome_run(r, in, &o);
}

/* Fixing `in` gives `want` and applies something; fixing `want` again gives
 * `want` and applies nothing. */
static inline void pass_expect_fix(const pass_fixture *f, const char *in, const char *want)
{
	pass_outcome r, again;
	pass_fixture_run(&r, f, in);
	assert_string_equal(r.out.ptr, want);
	assert_true(pass_count_kind(r.doc, DFFIX_DIAG_APPLIED) > 0);
	pass_fixture_run(&again, f, r.out.ptr);
	assert_string_equal(again.out.ptr, want);
	assert_int_equal(pass_count_kind(again.doc, DFFIX_DIAG_APPLIED), 0);
	pass_outcome_dispose(&again);
	pass_outcome_dispose(&r);
}

/* Nothing changes but the formatting and nothing is applied; a refusal of
 * the pass, at info severity, contains `why` (NULL: no diagnostic at all). */
static inline void pass_expect_kept(const pass_fixture *f, const char *in, const char *why)
{
	pass_outcome r, plain;
	pass_fixture_run_plain(&plain, in);
	pass_fixture_run(&r, f, in);
	assert_string_equal(r.out.ptr, plain.out.ptr);
	assert_int_equal(pass_count_kind(r.doc, DFFIX_DIAG_APPLIED), 0);
	if (why) {
		const dffix_diag *d = pass_find_diag(r.doc, DFFIX_DIAG_REFUSED, why);
		assert_non_null(d);
		assert_string_equal(d->rule_id, f->rule_id);
		assert_string_equal(d->rule_name, f->rule_name);
		assert_int_equal(d->severity, DFFIX_SEV_INFO);
	} else {
		assert_int_equal(dffix_doc_diag_count(r.doc), 0);
	}
	pass_outcome_dispose(&plain);
	pass_outcome_dispose(&r);
}

/* Section - diagnostics as text lines */

/* Fixes `in`; returns the output and, in *diags, the applied and refused
 * diagnostics as lines "A|R line: message" (both malloc'd). Each must be
 * the pass's, at warning severity when applied and info when refused. */
static inline char *pass_fix_text(const pass_fixture *f, const char *in, char **diags)
{
	pass_outcome r;
	pass_fixture_run(&r, f, in);
	dffix_buf d = DFFIX_BUF_INIT;
	assert_int_equal(dffix_buf_puts(&d, ""), 0);
	for (size_t i = 0; i < dffix_doc_diag_count(r.doc); i++) {
		const dffix_diag *g = dffix_doc_diag(r.doc, i);
		if (g->kind != DFFIX_DIAG_APPLIED && g->kind != DFFIX_DIAG_REFUSED)
			continue;
		assert_string_equal(g->rule_id, f->rule_id);
		assert_string_equal(g->rule_name, f->rule_name);
		assert_int_equal(g->severity, g->kind == DFFIX_DIAG_REFUSED ? DFFIX_SEV_INFO : DFFIX_SEV_WARNING);
		assert_int_equal(
		    dffix_buf_printf(&d, "%c %u: %s\n", g->kind == DFFIX_DIAG_APPLIED ? 'A' : 'R', g->line, g->message),
		    0);
	}
	dffix_doc_free(r.doc);
	*diags = d.ptr;
	/* The caller owns the text: free() it, as the buffer is not disposed. */
	return r.out.ptr ? r.out.ptr : strdup("");
}

/* The number of lines of `diags` starting with `kind` ('A' or 'R'). */
static inline int pass_count_lines(const char *diags, char kind)
{
	int n = 0;
	for (const char *p = diags; *p;) {
		if (*p == kind)
			n++;
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

/* Fixing `in` gives `want` with `applied` changes and, if `refusal` is
 * given, a refusal containing it (else none); fixing the output again
 * changes and applies nothing. */
static inline void pass_expect_text(const pass_fixture *f, const char *in, const char *want, int applied,
                                    const char *refusal)
{
	char *diags;
	char *out = pass_fix_text(f, in, &diags);
	if (strcmp(out, want))
		fprintf(stderr, "input:\n%s\ngot:\n%s\nwant:\n%s\ndiags:\n%s", in, out, want, diags);
	assert_string_equal(out, want);
	if (pass_count_lines(diags, 'A') != applied)
		fprintf(stderr, "diags:\n%s", diags);
	assert_int_equal(pass_count_lines(diags, 'A'), applied);
	if (refusal) {
		if (!strstr(diags, refusal))
			fprintf(stderr, "diags:\n%s\nwanted: %s\n", diags, refusal);
		assert_non_null(strstr(diags, refusal));
		assert_true(pass_count_lines(diags, 'R') >= 1);
	} else {
		assert_int_equal(pass_count_lines(diags, 'R'), 0);
	}
	char *diags2;
	char *again = pass_fix_text(f, out, &diags2);
	assert_string_equal(again, out);
	assert_int_equal(pass_count_lines(diags2, 'A'), 0);
	free(again);
	free(diags2);
	free(out);
	free(diags);
}

/* Nothing is applied and a refusal (with the pass's prefix) contains `why`. */
static inline void pass_expect_refused_text(const pass_fixture *f, const char *in, const char *why)
{
	char *diags;
	char *out = pass_fix_text(f, in, &diags);
	if (f->formatted_inputs)
		assert_string_equal(out, in);
	assert_int_equal(pass_count_lines(diags, 'A'), 0);
	if (!strstr(diags, why))
		fprintf(stderr, "input:\n%s\ndiags:\n%s\nwanted: %s\n", in, diags, why);
	assert_non_null(strstr(diags, why));
	assert_non_null(strstr(diags, f->refused_prefix));
	free(out);
	free(diags);
}

/* Nothing is reported. */
static inline void pass_expect_untouched_text(const pass_fixture *f, const char *in)
{
	char *diags;
	char *out = pass_fix_text(f, in, &diags);
	if (f->formatted_inputs)
		assert_string_equal(out, in);
	if (diags[0])
		fprintf(stderr, "input:\n%s\ndiags:\n%s", in, diags);
	assert_string_equal(diags, "");
	free(out);
	free(diags);
}

#endif
