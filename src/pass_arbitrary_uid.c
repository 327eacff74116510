/* pass_arbitrary_uid.c - PLACEHOLDER: being written; does nothing yet. */
#include "pass.h"

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	(void)ctx;
	(void)self;
	return 0;
}

const dfx_pass dfx_pass_arbitrary_uid = {"arbitrary-uid", "DF105", DFFIX_FIX_ARBITRARY_UID, "placeholder", "O2", NULL, DFFIX_SEV_WARNING, run};
