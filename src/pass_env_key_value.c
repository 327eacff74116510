/* pass_env_key_value.c - PLACEHOLDER: being written; does nothing yet. */
#include "pass.h"

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	(void)ctx;
	(void)self;
	return 0;
}

const dfx_pass dfx_pass_env_key_value = {"env-key-value", "DF106", DFFIX_FIX_ENV_KEY_VALUE, "placeholder", "-", NULL, DFFIX_SEV_WARNING, run};
