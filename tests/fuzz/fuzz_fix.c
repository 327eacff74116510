/*
 * fuzz_fix.c - libFuzzer target for the rewriting passes, all of them on,
 * with pins and a writable directory so pin-tag and arbitrary-uid have work.
 * For every input that parses without errors: fix + format succeeds, the
 * output parses with no error, every comment line of the input is still in
 * the output, and a second fix + format of the output changes nothing. The
 * lint rules run on the input too, for crashes and diagnostic spans.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const dffix_pin pins[] = {
	{"alpine", "3.19"},
	{"debian", "bookworm@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
	{"docker.io/library/ubuntu", "22.04"},
	{"registry.access.redhat.com/ubi9/ubi", "9.3"},
	{"node", "@sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"},
};
static const char *const writable[] = {"/app", "/data"};

/* Parses, fixes and formats `text` into `out`. Returns the document (the
 * caller frees it), or NULL when the text has errors or memory ran out;
 * *rc gets the first failing code. */
static dffix_doc *fix_format(dffix_buf *out, int *rc, const char *text, size_t len, const dffix_options *opts)
{
	dffix_doc *doc = NULL;
	int changed = 0;

	*rc = dffix_doc_parse(&doc, text, len);
	if (!doc || *rc < 0)
		return doc;
	if ((*rc = dffix_doc_fix(&changed, doc, opts)) < 0)
		return doc;
	if (dfx_cst_check(doc) < 0 && !changed)
		fuzz_fail("fix reported no change but edited the tree");
	*rc = dffix_doc_format(out, doc, opts);
	return doc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dffix_options opts = DFFIX_OPTIONS_INIT;
	dffix_doc *doc = NULL, *doc2 = NULL, *doc3 = NULL, *doc4 = NULL;
	dffix_buf out = DFFIX_BUF_INIT, out2 = DFFIX_BUF_INIT;
	fuzz_lines before = {0}, after = {0};
	int rc;

	fuzz_pick_options(&opts, fuzz_hash(data, size));
	opts.fix = DFFIX_FIX_ALL;
	opts.pins = pins;
	opts.pin_count = sizeof(pins) / sizeof(pins[0]);
	opts.writable_dirs = writable;
	opts.writable_dir_count = sizeof(writable) / sizeof(writable[0]);

	doc = fix_format(&out, &rc, (const char *)data, size, &opts);
	if (!doc || rc == DFFIX_ENOMEM || dffix_doc_has_errors(doc))
		goto done;
	if (rc < 0)
		fuzz_fail("fix + format returned %d", rc);

	/* Comments are collected from fresh parses (the fixed tree has moved);
	 * the lines point into doc3 and doc4, which live until the end. */
	rc = dffix_doc_parse(&doc3, (const char *)data, size);
	if (!doc3)
		goto done;
	fuzz_comment_lines(&before, doc3);
	/* The lint rules read the same tree (the CLI's --lint). */
	rc = dffix_doc_lint(doc3, &opts);
	if (rc < 0 && rc != DFFIX_ENOMEM)
		fuzz_fail("dffix_doc_lint returned %d", rc);
	fuzz_check_diags(doc3, size);

	doc2 = fix_format(&out2, &rc, out.ptr ? out.ptr : "", out.size, &opts);
	if (!doc2 || rc == DFFIX_ENOMEM)
		goto done;
	if (dffix_doc_has_errors(doc2))
		fuzz_fail("fixed output has a syntax error (%s)",
			  dffix_doc_diag_count(doc2) ? dffix_doc_diag(doc2, 0)->message : "?");
	if (rc < 0)
		fuzz_fail("fix + format of the fixed output returned %d", rc);
	rc = dffix_doc_parse(&doc4, out.ptr ? out.ptr : "", out.size);
	if (!doc4)
		goto done;
	fuzz_comment_lines(&after, doc4);
	fuzz_expect_comments_kept(&before, &after);
	fuzz_expect_same("fix + format is not idempotent", out.ptr, out.size, out2.ptr, out2.size);
done:
	fuzz_lines_free(&before);
	fuzz_lines_free(&after);
	dffix_buf_dispose(&out);
	dffix_buf_dispose(&out2);
	dffix_doc_free(doc);
	dffix_doc_free(doc2);
	dffix_doc_free(doc3);
	dffix_doc_free(doc4);
	return 0;
}
