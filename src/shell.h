/* shell.h - a small POSIX-sh scanner for the text of shell-form RUN, CMD and
 * ENTRYPOINT instructions.
 *
 * It is not a shell parser. It splits the text into commands and words well
 * enough to prove a rewrite safe and to find commands, and it says so when it
 * cannot follow the text (`unterminated`, `syntax_error`). Callers must treat
 * those flags as "unknown, do not rewrite".
 *
 * Input: the logical command line, already joined by the caller (Dockerfile
 * continuations and comment lines removed). Literal newlines may remain; they
 * separate commands like in a script.
 *
 * Scanning is linear in the input and never recursive, so any input (deep
 * nesting, unterminated quotes, stray `)`, megabytes of text) is safe.
 *
 * Every array in a dfx_sh_script lives in the arena passed to dfx_sh_scan and
 * stays valid until that arena is disposed. Spans are byte offsets into the
 * scanned text, which the caller keeps.
 */
#ifndef DFX_SHELL_H
#define DFX_SHELL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dffix.h"

typedef enum dfx_sh_sep {
	DFX_SH_SEP_END = 0, /* end of the list: end of text or a closing ), }, fi, done, esac, ` */
	DFX_SH_SEP_AND,     /* && */
	DFX_SH_SEP_OR,      /* || */
	DFX_SH_SEP_SEMI,    /* ; */
	DFX_SH_SEP_PIPE,    /* | and bash's |& */
	DFX_SH_SEP_AMP,     /* & (run in the background) */
	DFX_SH_SEP_NEWLINE, /* a literal newline */
	DFX_SH_SEP_DSEMI    /* ;; ;& ;;& ending a case item */
} dfx_sh_sep;

/* Word flags. */
#define DFX_SH_WORD_QUOTED 0x001          /* has ', " or $'...' quoting */
#define DFX_SH_WORD_EXPANSION 0x002       /* has $..., ${...}, $(...), $((...)) or `...` */
#define DFX_SH_WORD_ASSIGNMENT 0x004      /* NAME=value or NAME+=value before the command name */
#define DFX_SH_WORD_REDIRECT 0x008        /* a redirection operator with its fd: >, 2>, >>, 2>&, <<, &> ... */
#define DFX_SH_WORD_REDIRECT_TARGET 0x010 /* the word after a redirection operator (file, fd, here-doc delimiter) */
#define DFX_SH_WORD_GLOB 0x020            /* unquoted *, ?, [...] or brace expansion {a,b} {1..3} */
#define DFX_SH_WORD_TILDE 0x040           /* unquoted ~ that the shell expands to a home directory */
#define DFX_SH_WORD_ARITH 0x080           /* $((...)), or the whole of a ((...)) command / for ((...)) header */
#define DFX_SH_WORD_ASSIGNS 0x100         /* expanding it assigns a variable: ${v:=x}, ${v=x}, $((v=1)), $((v++)) */

/* The command kinds. A compound command appears once as a unit at the depth
 * where it stands; the commands inside it follow it with depth + 1. */
typedef enum dfx_sh_kind {
	DFX_SH_KIND_SIMPLE = 0, /* words and redirections, also `(( expr ))` and `[[ ... ]]` */
	DFX_SH_KIND_SUBSHELL,   /* ( list ) */
	DFX_SH_KIND_BRACE,      /* { list; } */
	DFX_SH_KIND_IF,         /* if ... fi */
	DFX_SH_KIND_WHILE,      /* while/until ... done */
	DFX_SH_KIND_FOR,        /* for/select ... done */
	DFX_SH_KIND_CASE,       /* case ... esac */
	DFX_SH_KIND_FUNCDEF     /* name() body, function name body */
} dfx_sh_kind;

/* Command flags. They accumulate: a command inside { } inside ( ) has both
 * COMPOUND_BODY and SUBSHELL. A unit has the flags of the list it stands in. */
#define DFX_SH_CMD_SUBSHELL 0x01      /* inside ( ), so it runs in a subshell */
#define DFX_SH_CMD_COMPOUND_BODY 0x02 /* inside { } or if/while/until/for/case, run by the current shell */
#define DFX_SH_CMD_FUNCDEF 0x04       /* a function definition unit, or a command inside a function body */
#define DFX_SH_CMD_IN_PIPELINE 0x08   /* directly before or after a | */
#define DFX_SH_CMD_CMDSUBST 0x10      /* inside $( ) or backticks */
#define DFX_SH_CMD_NEGATED 0x20       /* preceded by ! */

typedef struct dfx_sh_word {
	uint32_t start, end; /* raw span in the text, quotes included */
	unsigned flags;      /* DFX_SH_WORD_* */
} dfx_sh_word;

/*
 * One simple command, or a compound one seen as a unit. A unit's words are
 * only its header (the `for` variable and list, the `case` subject, the
 * function name) and the redirections after its end; reserved words such as
 * `if`, `then`, `{` and `!` are not words. A redirection operator is one word
 * (`2>&`) and its target the next one (`1`).
 */
typedef struct dfx_sh_cmd {
	uint32_t start, end;             /* span in the text, without the separator */
	uint32_t first_word, word_count; /* into script.words, in source order */
	dfx_sh_sep sep;                  /* separator that follows it */
	unsigned depth;                  /* 0 = top level; > 0 inside ( ), { }, if/for/while/case, $( ) */
	unsigned flags;                  /* DFX_SH_CMD_* */
	dfx_sh_kind kind;
} dfx_sh_cmd;

typedef struct dfx_sh_script {
	dfx_sh_cmd *cmds; size_t cmd_count;    /* in source order (by start) */
	dfx_sh_word *words; size_t word_count; /* grouped by command */
	int unterminated;         /* an open quote, $(, `, (, {, if, a dangling && | || or a missing body at the end */
	int syntax_error;         /* something the scanner could not follow (stray `)`, `fi` without `if`, `&& &&` ...) */
	uint32_t error_pos;       /* where the first syntax error was seen */
	int ends_with_comment;    /* a `#` comment is the last thing in the text (only whitespace after it) */
	int ends_with_background; /* the last top-level separator is `&` */
	int has_heredoc;          /* a `<<` or `<<-` here-document operator appears */
	uint32_t comment_start;   /* start of that trailing comment, if any */
} dfx_sh_script;

/*
 * Scans text[0..len). All memory comes from the arena; *out is overwritten.
 * Returns 0, DFFIX_ENOMEM, or DFFIX_EINVAL when len does not fit the 32-bit
 * spans. Text the scanner cannot follow is not an error: it sets
 * `unterminated` or `syntax_error` and still returns 0.
 */
int dfx_sh_scan(dfx_sh_script *out, dfx_arena *arena, const char *text, size_t len);

/*
 * The literal value of a word with quotes and backslash escapes removed, or
 * NULL when it has an expansion ($VAR, $(...), `...`, ~), a glob, an
 * unterminated quote, or when the arena is out of memory. Arena-allocated and
 * NUL-terminated. A redirection word's value is its operator, e.g. "2>&".
 */
const char *dfx_sh_word_value(dfx_arena *arena, const char *text, const dfx_sh_word *word);

/*
 * The first command of the script that changes shell state a following
 * command (joined with " && ") would see, or NULL. When it returns a command,
 * *why (if why is not NULL) is set to a short static reason such as "`cd`
 * changes the working directory" or "variable assignment".
 *
 * Commands in a ( ) subshell or a $( ) substitution do not count; commands in
 * { }, if, while, until, for and case bodies, in pipelines and in the
 * background do. `VAR=x cmd` only counts when cmd is a special builtin. A
 * command name that is an expansion counts ("command name is an expansion").
 * A script that is unterminated or has a syntax error always counts: its
 * first command is returned (or an empty command at offset 0 when it has
 * none).
 */
const dfx_sh_cmd *dfx_sh_state_change(const dfx_sh_script *script, const char *text, const char **why);

#endif
