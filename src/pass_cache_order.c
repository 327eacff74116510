/* pass_cache_order.c - PLACEHOLDER: being written; does nothing yet. */
#include "pass.h"

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	(void)ctx;
	(void)self;
	return 0;
}

const dfx_pass dfx_pass_cache_order = {"cache-order", "DF103", DFFIX_FIX_CACHE_ORDER, "placeholder", "G7", NULL, DFFIX_SEV_WARNING, run};
