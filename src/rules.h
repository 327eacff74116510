/*
 * rules.h - the lint rules: their metadata table, the context a rule check
 * runs in, and helpers the rule files (rules_*.c) share.
 *
 * Every finding dffix can report has a row in one table: the lint-only rules
 * implemented in rules_*.c, the passes (their findings in lint mode are the
 * rewrites they would apply), and "DF000 syntax" for the parser's messages.
 * `dffix --list-rules`, the SARIF rule list and docs/rules/ follow the table.
 *
 * dffix_doc_lint() (rules.c) runs the checks on the tree as parsed, then the
 * passes selected by opts->fix, turning their APPLIED diagnostics into LINT
 * findings. A check reports through dfx_rule_report*(), which applies inline
 * pragmas, opts->ignore, severity overrides and `# check=skip=` for it.
 */
#ifndef DFX_RULES_H
#define DFX_RULES_H

#include <stddef.h>

#include "cst.h"
#include "shell.h"
#include "stage.h"

typedef struct dfx_rule dfx_rule;
typedef struct dfx_rule_ctx dfx_rule_ctx;

/* Row of the rule table. Strings are static. */
struct dfx_rule {
	const char *id;             /* stable: "DF201" (guidelines), "DF0xx" (BuildKit checks), "DF1xx" (passes) */
	const char *name;           /* kebab-case, used in pragmas and config: "shell-form-cmd" */
	dffix_severity severity;    /* default severity */
	const char *fixable;        /* name of the pass (or "format") that fixes it, or NULL */
	const char *guideline;      /* GUIDELINES.md row ("G5", "O2") or "buildkit" */
	const char *profile;        /* "default" (always on) or "openshift" */
	const char *summary;        /* one-line rationale */
	const char *const *aliases; /* hadolint codes, NULL-terminated, or NULL */
	const char *buildkit;       /* BuildKit check name, or NULL */
	/* Runs over ctx->doc; NULL for pass rows and DF000. Returns 0 or a
	 * negative DFFIX_E* (never for a finding: those are diagnostics). */
	int (*check)(dfx_rule_ctx *ctx, const dfx_rule *self);
};

/* Number of rows in the table (rules, passes and DF000). */
size_t dfx_rule_count(void);
/* Row i (0 <= i < dfx_rule_count()) into *out; pass rows take their name,
 * severity, summary, guideline and aliases from the pass registry. */
void dfx_rule_at(dfx_rule *out, size_t i);
/* The row with this id, name or BuildKit name (case-insensitive); returns
 * its index or -1. */
long dfx_rule_find(const char *name, size_t len);

/* Appends the table for `dffix --list-rules`: id, name, severity, fixable,
 * guideline, profile. */
int dfx_rules_list(dffix_buf *out);

/* "error", "warning", "info", "style". */
const char *dfx_severity_name(dffix_severity sev);

/* Section - the check context */

struct dfx_rule_ctx {
	dffix_doc *doc;
	const dffix_options *opts;
	/* What the checks allocate (indexes, commands, word lists, paths):
	 * nothing in it outlives them, so dffix_doc_lint() releases it before
	 * the passes run. Findings are copied into the document. */
	dfx_arena arena;
	dfx_stages stages;        /* of the tree as parsed */
	int openshift;            /* opts->profile is "openshift" */
	dffix_severity severity;  /* of the rule being run, after overrides */
	const char *check_skip;   /* value list of `# check=skip=...`, or NULL */
	size_t check_skip_len;
	/* Built by dfx_rule_index() so that finding a node's stage is a binary
	 * search, not a walk (a Dockerfile may have thousands of RUNs). */
	struct dfx_node_stage *node_stages; /* sorted by node address */
	size_t node_stage_count;
	unsigned char *stage_has_shell;     /* per stage: a SHELL in it or a stage it is built from */
	/* Also built by dfx_rule_index(): dfx_rule_commands() answers each
	 * RUN/CMD/ENTRYPOINT once per lint, not once per rule. */
	struct dfx_cmd_cache *cmd_cache;    /* sorted by node address */
	size_t cmd_cache_count;
};

/* Indexes ctx->stages for dfx_rule_stage() and the command nodes for
 * dfx_rule_commands(); 0 or DFFIX_ENOMEM. */
int dfx_rule_index(dfx_rule_ctx *ctx);

/*
 * Reports a finding of `rule` about `node` for the input bytes [start, end).
 * Does nothing when the rule is switched off for that node by an inline
 * pragma. `fixable` says whether a pass fixes this very finding. The message
 * is printf-formatted. Returns 0 or DFFIX_ENOMEM.
 */
int dfx_rule_report(dfx_rule_ctx *ctx, const dfx_rule *rule, const dfx_node *node, uint32_t start, uint32_t end,
		    int fixable, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 7, 8)))
#endif
	;

/* The same at the first line of the node (keyword to end of that line). */
int dfx_rule_report_node(dfx_rule_ctx *ctx, const dfx_rule *rule, const dfx_node *node, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/* The same for a span of the node's logical text. */
int dfx_rule_report_span(dfx_rule_ctx *ctx, const dfx_rule *rule, const dfx_node *node, dfx_span logical,
			 const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;

/* Section - helpers shared by the rule files (rules_common.c) */

/* One simple command as a rule sees it: the literal words after leading
 * assignments, redirections removed. argv[i] is NULL when word i has an
 * expansion ($VAR, $(...), globs): its value is unknown. */
typedef struct dfx_cmd {
	const char **argv;
	const char **raw; /* the words as written, quotes included (never NULL) */
	size_t argc;
	unsigned flags;  /* DFX_SH_CMD_* */
	unsigned depth;  /* 0 = top level of its script */
	dfx_sh_sep sep;  /* separator after it */
	int background;  /* ends with `&` */
} dfx_cmd;

typedef struct dfx_cmds {
	dfx_cmd *items;
	size_t count;
	int opaque; /* some text could not be followed (unterminated, syntax error, non-POSIX SHELL) */
} dfx_cmds;

/*
 * The simple commands a RUN, CMD or ENTRYPOINT (`in`, which may be an
 * ONBUILD trigger of `node`) runs: shell form through the shell scanner
 * (heredoc bodies fed to the shell included), exec form as one command, and
 * `sh -c STRING` in exec form by scanning STRING. In ctx->arena, computed
 * once per node and lint (after dfx_rule_index()): callers share the
 * result and must not modify it. Returns 0 or DFFIX_ENOMEM.
 */
int dfx_rule_commands(dfx_cmds *out, dfx_rule_ctx *ctx, const dfx_node *node, const dfx_instr *in);

/* Scans shell text (for scripts read from the build context). */
int dfx_rule_commands_text(dfx_cmds *out, dfx_rule_ctx *ctx, const char *text, size_t len);

/* Index of the command name in argv after wrappers (sudo, env VAR=x, exec,
 * command, nohup, nice, time, stdbuf, su -c is not followed); argc when none. */
size_t dfx_cmd_name_index(const dfx_cmd *c);

/* Last path component of a command name ("/usr/bin/apt-get" -> "apt-get"). */
const char *dfx_basename(const char *path);

/* Package manager families. */
enum {
	DFX_PM_NONE = 0,
	DFX_PM_APT,    /* apt-get, apt, aptitude */
	DFX_PM_YUM,    /* yum, dnf, microdnf, tdnf */
	DFX_PM_APK,
	DFX_PM_ZYPPER
};

/* When the command installs packages, returns its DFX_PM_* family and sets
 * *first to the argv index where the package arguments start (options among
 * them start with '-'); returns DFX_PM_NONE otherwise. */
int dfx_cmd_installs(const dfx_cmd *c, size_t *first);

/* When the command removes a package manager's cache or lists (apt-get
 * clean, yum clean all, rm -rf /var/lib/apt/lists, apk cache clean ...),
 * returns the family; sets *dir (may be NULL) to the directory cleaned. */
int dfx_cmd_cleans(const dfx_cmd *c, const char **dir);

/* 1 when `in` (a RUN) has a --mount of type cache or tmpfs whose target is
 * `dir` or one of its parents. */
int dfx_run_mounts_dir(const dfx_instr *in, const char *dir);

/* The value of flag `--name` ("--from") of an instruction, or NULL. */
const char *dfx_instr_flag(const dfx_instr *in, const char *name);

/* Words of the arguments split on blanks (COPY/ADD/EXPOSE/VOLUME shell form)
 * or the JSON strings; NUL-terminated copies in ctx->arena. */
int dfx_instr_argv(const char ***out, size_t *count, dfx_rule_ctx *ctx, const dfx_node *node, const dfx_instr *in);
/* The same into `arena`, for a caller that releases its scratch early. */
int dfx_instr_argv_in(const char ***out, size_t *count, dfx_arena *arena, const dfx_node *node, const dfx_instr *in);

/* The stage that `node` belongs to, or NULL before the first FROM. */
const dfx_stage *dfx_rule_stage(const dfx_rule_ctx *ctx, const dfx_node *node);

/* 1 when a SHELL instruction stands in the stage or a stage it is built
 * from (so SHELL-dependent answers need a closer look). */
int dfx_rule_stage_has_shell(const dfx_rule_ctx *ctx, const dfx_stage *st);

/* The last SHELL before `node` in its stage or the stages it is built from:
 * -1 when there is none, 1 when it names a POSIX shell, 0 otherwise; *hops
 * (may be NULL) gets how many stages up it stands (0: the node's own). */
int dfx_rule_shell_before(const dfx_rule_ctx *ctx, const dfx_node *node, unsigned *hops);

/* The final stage, or NULL when there is no FROM. */
const dfx_stage *dfx_rule_final_stage(const dfx_rule_ctx *ctx);

/* Iterates the instruction nodes of a stage: first call with *node NULL.
 * Returns 1 while there is one (ERROR nodes are skipped). */
int dfx_stage_next(const dfx_stage *st, dfx_node **node);

/* 1 when the final image runs a server: CMD/ENTRYPOINT of the final stage
 * (ancestors included) starts a known daemon; *name gets it (static), *at the
 * CMD/ENTRYPOINT. Unless `any_base`, a base image that is that server's own
 * (FROM nginx + CMD nginx) does not count: it configures the server already. */
int dfx_rule_server_name(dfx_rule_ctx *ctx, int any_base, const char **name, const dfx_node **at);

/* The effective CMD and ENTRYPOINT nodes of the final image (either NULL). */
void dfx_rule_final_cmd(const dfx_rule_ctx *ctx, const dfx_node **cmd, const dfx_node **entrypoint);

/* The stage a stage is built FROM when that is an earlier stage, or NULL. */
const dfx_stage *dfx_rule_parent_stage(const dfx_rule_ctx *ctx, const dfx_stage *st);

/* 1 when the repository of the stage's base image (last path component)
 * contains `word`, e.g. "nginx" for "docker.io/library/nginx:1.25". */
int dfx_stage_base_is(const dfx_rule_ctx *ctx, const dfx_stage *st, const char *word);

/* Case-insensitive byte comparisons of a span with a NUL-terminated string. */
int dfx_span_eq(const char *s, size_t n, const char *lit);
int dfx_span_has_prefix(const char *s, size_t n, const char *lit);

/* Section - the checks (one function per rule, in rules_*.c) */

#define DFX_CHECK(fn) int fn(dfx_rule_ctx *ctx, const dfx_rule *self)

/* rules_buildkit.c */
DFX_CHECK(dfx_check_instruction_casing);
DFX_CHECK(dfx_check_from_as_casing);
DFX_CHECK(dfx_check_stage_name_casing);
DFX_CHECK(dfx_check_duplicate_stage_name);
DFX_CHECK(dfx_check_reserved_stage_name);
DFX_CHECK(dfx_check_empty_continuation);
DFX_CHECK(dfx_check_undefined_arg_in_from);
DFX_CHECK(dfx_check_workdir_relative);
DFX_CHECK(dfx_check_expose_proto_casing);
DFX_CHECK(dfx_check_expose_invalid_format);
DFX_CHECK(dfx_check_unknown_instruction);
DFX_CHECK(dfx_check_unknown_flag);
DFX_CHECK(dfx_check_multiple_instructions);
/* rules_structure.c */
DFX_CHECK(dfx_check_scratch_distro);
DFX_CHECK(dfx_check_latest_tag);
DFX_CHECK(dfx_check_untrusted_registry);
DFX_CHECK(dfx_check_multiple_processes);
DFX_CHECK(dfx_check_cleanup_separate_run);
DFX_CHECK(dfx_check_server_no_expose);
DFX_CHECK(dfx_check_repeated_version);
DFX_CHECK(dfx_check_data_dir_volume);
/* rules_runtime.c */
DFX_CHECK(dfx_check_shell_form_cmd);
DFX_CHECK(dfx_check_script_exec);
DFX_CHECK(dfx_check_log_to_file);
DFX_CHECK(dfx_check_no_healthcheck);
/* rules_security.c */
DFX_CHECK(dfx_check_secret_env);
DFX_CHECK(dfx_check_literal_password);
DFX_CHECK(dfx_check_sshd);
DFX_CHECK(dfx_check_passwd_permissions);
/* rules_openshift.c */
DFX_CHECK(dfx_check_s2i_builder);
DFX_CHECK(dfx_check_privileged_port);
DFX_CHECK(dfx_check_numeric_user);
DFX_CHECK(dfx_check_openshift_labels);

#endif
