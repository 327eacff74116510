/* main.c - the dffix command line (temporary minimal driver; replaced by the
 * full CLI). */
#include <stdio.h>
#include <string.h>

#include "dffix.h"
#include "fileio.h"

static int run(const char *mode, const char *path)
{
	dffix_buf in = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
	const char *why = NULL;
	int rc = 0;
	if (dfx_file_read(&in, path, 0, &why) < 0) {
		fprintf(stderr, "%s: error: %s\n", path, why ? why : "cannot read");
		return 2;
	}
	dffix_doc *doc = NULL;
	int error = dffix_doc_parse(&doc, in.ptr ? in.ptr : "", in.size);
	if (!doc) {
		fprintf(stderr, "%s: error: out of memory\n", path);
		dffix_buf_dispose(&in);
		return 2;
	}
	if (!strcmp(mode, "--reprint"))
		error = dffix_doc_reprint(&out, doc);
	else if (!strcmp(mode, "--dump"))
		error = dffix_doc_dump(&out, doc);
	else
		error = dffix_doc_format(&out, doc, NULL);
	if (dffix_doc_has_errors(doc)) {
		for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
			const dffix_diag *d = dffix_doc_diag(doc, i);
			if (d->severity == DFFIX_SEV_ERROR)
				fprintf(stderr, "%s:%u:%u: error: %s\n", path, d->line, d->column, d->message);
		}
		rc = 2;
	} else if (error < 0) {
		rc = 2;
	} else {
		fwrite(out.ptr ? out.ptr : "", 1, out.size, stdout);
	}
	dffix_buf_dispose(&out);
	dffix_buf_dispose(&in);
	dffix_doc_free(doc);
	return rc;
}

int main(int argc, char **argv)
{
	const char *mode = "--format";
	int rc = 0;
	int files = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--reprint") || !strcmp(argv[i], "--dump")) {
			mode = argv[i];
			continue;
		}
		files++;
		int r = run(mode, argv[i]);
		if (r > rc)
			rc = r;
	}
	if (!files)
		rc = run(mode, "-");
	return rc;
}
