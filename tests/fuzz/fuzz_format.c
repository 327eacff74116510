/*
 * fuzz_format.c - libFuzzer target for the formatter. For every input that
 * parses without errors (the CLI refuses the others): formatting succeeds,
 * the output parses with no error, formatting it again changes nothing
 * (idempotence), and apart from blanks the builder sees the same
 * instructions. Inputs with errors are still formatted (ERROR nodes print
 * verbatim) to look for crashes, with no property checked. Options (indent,
 * line endings, final newline) come from a hash of the input.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dffix_options opts = DFFIX_OPTIONS_INIT;
	dffix_doc *doc = NULL, *doc2 = NULL;
	dffix_buf out = DFFIX_BUF_INIT, out2 = DFFIX_BUF_INIT;

	fuzz_pick_options(&opts, fuzz_hash(data, size));
	if (!dffix_doc_parse(&doc, (const char *)data, size) && !doc)
		return 0;
	if (!doc)
		return 0;
	int bad_input = dffix_doc_has_errors(doc);
	int rc = dffix_doc_format(&out, doc, &opts);
	if (bad_input || rc == DFFIX_ENOMEM)
		goto done;
	if (rc < 0)
		fuzz_fail("dffix_doc_format returned %d", rc);

	rc = dffix_doc_parse(&doc2, out.ptr ? out.ptr : "", out.size);
	if (!doc2)
		goto done;
	if (rc != 0) {
		const dffix_diag *d = NULL;
		for (size_t i = 0; i < dffix_doc_diag_count(doc2); i++)
			if (dffix_doc_diag(doc2, i)->severity == DFFIX_SEV_ERROR) {
				d = dffix_doc_diag(doc2, i);
				break;
			}
		fuzz_fail("formatted output has a syntax error at %u:%u: %s", d ? d->line : 0, d ? d->column : 0,
			  d ? d->message : "?");
	}
	fuzz_expect_same_meaning(doc, doc2);
	rc = dffix_doc_format(&out2, doc2, &opts);
	if (rc == DFFIX_ENOMEM)
		goto done;
	if (rc < 0)
		fuzz_fail("formatting the formatted output returned %d", rc);
	fuzz_expect_same("format is not idempotent", out.ptr, out.size, out2.ptr, out2.size);
done:
	dffix_buf_dispose(&out);
	dffix_buf_dispose(&out2);
	dffix_doc_free(doc);
	dffix_doc_free(doc2);
	return 0;
}
