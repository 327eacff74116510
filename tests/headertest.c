/* headertest.c - the public header stands alone: it compiles on its own
 * under -std=c11 -Wall -Wextra -Werror -pedantic (`make headertest`), with
 * its initializers and a use of each section's declarations. */
#include "dffix.h"

/* Including it twice is harmless. */
#include "dffix.h"

int headertest_format(const char *text, size_t len, dffix_buf *out);
int headertest_errors(const dffix_doc *doc);

int headertest_format(const char *text, size_t len, dffix_buf *out)
{
	dffix_options opts = DFFIX_OPTIONS_INIT;
	dffix_doc *doc = NULL;
	int changed = 0;
	int error;

	opts.indent = 0;
	opts.fix = DFFIX_FIX_ALL & ~(unsigned int)DFFIX_FIX_PIN_TAG;
	if ((error = dffix_doc_parse(&doc, text, len)) < 0 && error != DFFIX_EPARSE)
		return error;
	if ((error = dffix_doc_fix(&changed, doc, &opts)) < 0)
		goto cleanup;
	error = dffix_doc_format(out, doc, &opts);
cleanup:
	dffix_doc_free(doc);
	return error;
}

int headertest_errors(const dffix_doc *doc)
{
	dffix_buf msg = DFFIX_BUF_INIT;
	size_t i;
	int n = 0;

	for (i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (d->kind == DFFIX_DIAG_SYNTAX && d->severity == DFFIX_SEV_ERROR) {
			if (dffix_buf_printf(&msg, "%u:%u: %s\n", (unsigned)d->line, (unsigned)d->column, d->message) < 0)
				break;
			n++;
		}
	}
	dffix_buf_dispose(&msg);
	return n + dffix_doc_has_errors(doc) + (int)sizeof(DFFIX_VERSION);
}
