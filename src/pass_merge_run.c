/* pass_merge_run.c - PLACEHOLDER: being written; does nothing yet. */
#include "pass.h"

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	(void)ctx;
	(void)self;
	return 0;
}

const dfx_pass dfx_pass_merge_run = {"merge-run", "DF104", DFFIX_FIX_MERGE_RUN, "placeholder", "G6", NULL, DFFIX_SEV_WARNING, run};
