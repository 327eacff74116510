/* pass_maintainer.c - PLACEHOLDER: being written; does nothing yet. */
#include "pass.h"

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	(void)ctx;
	(void)self;
	return 0;
}

const dfx_pass dfx_pass_maintainer = {"maintainer", "DF107", DFFIX_FIX_MAINTAINER, "placeholder", "-", NULL, DFFIX_SEV_WARNING, run};
