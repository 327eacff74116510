/*
 * fuzz_reprint.c - libFuzzer target for the lossless invariant: for every
 * input, reprinting the unedited tree gives the input back byte for byte, the
 * nodes tile the input, and every diagnostic points inside it. The JSON dump
 * must not fail on any document either.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dffix_doc *doc = NULL;
	dffix_buf out = DFFIX_BUF_INIT, dump = DFFIX_BUF_INIT;
	int rc = dffix_doc_parse(&doc, (const char *)data, size);

	if (!doc) {
		if (rc == DFFIX_ENOMEM)
			return 0;
		fuzz_fail("dffix_doc_parse returned %d and no document", rc);
	}
	if (rc != 0 && rc != DFFIX_EPARSE)
		fuzz_fail("dffix_doc_parse returned %d with a document", rc);
	if ((rc == DFFIX_EPARSE) != (dffix_doc_has_errors(doc) != 0))
		fuzz_fail("dffix_doc_parse returned %d but has_errors is %d", rc, dffix_doc_has_errors(doc));
	if (dfx_cst_check(doc) < 0)
		fuzz_fail("the nodes do not tile the input");
	fuzz_check_diags(doc, size);
	if (dffix_doc_reprint(&out, doc) < 0)
		fuzz_fail("dffix_doc_reprint failed");
	fuzz_expect_same("reprint differs from the input", (const char *)data, size, out.ptr, out.size);
	if (!dffix_doc_has_errors(doc) && dffix_doc_dump(&dump, doc) < 0)
		fuzz_fail("dffix_doc_dump failed");
	dffix_buf_dispose(&dump);
	dffix_buf_dispose(&out);
	dffix_doc_free(doc);
	return 0;
}
