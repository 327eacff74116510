/* config.h - per-file options from `.editorconfig` and `.dffix.yaml`, plus
 * the parsers the command line shares with them (--fix, --pin, severities).
 *
 * Precedence, lowest first: the defaults passed in, `.editorconfig`, the
 * nearest `.dffix.yaml`; the CLI applies its flags on top, using set_mask to
 * know which fields a file chose.
 */
#ifndef DFX_CONFIG_H
#define DFX_CONFIG_H

#include <stddef.h>

#include "arena.h"
#include "dffix.h"

/* Bits of dfx_config.set_mask: which fields a config file set. */
enum {
	DFX_CONFIG_SET_INDENT = 1u << 0,
	DFX_CONFIG_SET_EOL = 1u << 1,
	DFX_CONFIG_SET_FINAL_NEWLINE = 1u << 2,
	DFX_CONFIG_SET_FIX = 1u << 3,
	DFX_CONFIG_SET_PINS = 1u << 4,
	DFX_CONFIG_SET_WRITABLE_DIRS = 1u << 5,
	DFX_CONFIG_SET_IGNORE = 1u << 6,
	DFX_CONFIG_SET_PROFILE = 1u << 7,
	DFX_CONFIG_SET_TRUSTED = 1u << 8,
	DFX_CONFIG_SET_SEVERITY = 1u << 9,
	DFX_CONFIG_SET_FAIL_LEVEL = 1u << 10
};

typedef struct dfx_config {
	dfx_arena arena;    /* owns every string and array below, defaults' copies too */
	dffix_options opts; /* filled from the files on top of the defaults passed in */
	unsigned set_mask;  /* DFX_CONFIG_SET_* bits of the fields a file set */
	int fail_level;     /* dffix_severity, or -1 when not set */
	char *yaml_path;    /* absolute path of the .dffix.yaml used, or NULL */
} dfx_config;

/*
 * Loads the configuration for the Dockerfile at `path` (NUL-terminated; may
 * be relative to the working directory and need not exist; for stdin the CLI
 * passes --stdin-filename or "<cwd>/Dockerfile"). `defaults` (NULL means
 * DFFIX_OPTIONS_INIT) is deep-copied first, so *out borrows nothing from it.
 * opts.context_dir is set to the file's directory when defaults leave it NULL.
 *
 * `.editorconfig` is read with libeditorconfig for the file's absolute path.
 * `.dffix.yaml` is looked for in the file's directory, then each parent up to
 * "/"; the first one found is the only one read.
 *
 * Returns 0, DFFIX_ENOMEM, DFFIX_EIO (a config file exists but cannot be
 * read) or DFFIX_EINVAL (bad config: unknown key, wrong type, bad value,
 * invalid YAML or .editorconfig). On error "FILE:LINE:COL: message" is
 * written to err (truncated to err_size; err may be NULL) and *out holds
 * nothing to dispose. On success dispose *out with dfx_config_dispose().
 */
int dfx_config_load(dfx_config *out, const char *path, const dffix_options *defaults, char *err,
		    size_t err_size);
/* Frees everything *cfg owns; safe on a zeroed struct and twice in a row. */
void dfx_config_dispose(dfx_config *cfg);

/*
 * Parses a --fix=LIST value into DFFIX_FIX_* bits. LIST is comma-separated
 * and applied left to right starting from no passes: "all", "none", a pass
 * name (pin-tag, pkg-clean, cache-order, merge-run, arbitrary-uid,
 * env-key-value, maintainer) adds it, "-NAME" removes it ("all,-merge-run").
 * Blanks around names are ignored. Returns 0 or DFFIX_EINVAL; then *bad
 * (may be NULL) points into `list` at the offending name, which runs to the
 * next ',' or the end (print it with "%.*s" and strcspn(*bad, ",")).
 */
int dfx_config_parse_fix_list(unsigned *out, const char *list, const char **bad);

/*
 * Parses "IMAGE=TAG[@DIGEST]" (or "IMAGE=@DIGEST") for --pin. TAG follows
 * the registry grammar [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}; DIGEST is
 * "algorithm:encoded". The strings are copied into `arena`. Returns 0,
 * DFFIX_EINVAL or DFFIX_ENOMEM.
 */
int dfx_config_parse_pin(dffix_pin *out, dfx_arena *arena, const char *arg);

/* Severity names: error, warning, info, style, none (lower case). Returns 0
 * or DFFIX_EINVAL. */
int dfx_config_parse_severity(dffix_severity *out, const char *name);

#endif
