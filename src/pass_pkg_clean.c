/* pass_pkg_clean.c - PLACEHOLDER: being written; does nothing yet. */
#include "pass.h"

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	(void)ctx;
	(void)self;
	return 0;
}

const dfx_pass dfx_pass_pkg_clean = {"pkg-clean", "DF102", DFFIX_FIX_PKG_CLEAN, "placeholder", "G6", NULL, DFFIX_SEV_WARNING, run};
