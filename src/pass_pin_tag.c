/* pass_pin_tag.c - PLACEHOLDER: being written; does nothing yet. */
#include "pass.h"

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	(void)ctx;
	(void)self;
	return 0;
}

const dfx_pass dfx_pass_pin_tag = {"pin-tag", "DF101", DFFIX_FIX_PIN_TAG, "placeholder", "G2", NULL, DFFIX_SEV_WARNING, run};
