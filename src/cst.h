/*
 * cst.h - the lossless concrete syntax tree.
 *
 * A document is a list of nodes that tile the input: every byte belongs to
 * exactly one node, so printing the nodes' bytes in order gives the input back.
 * A node never changes once parsed; a pass edits the tree by splicing nodes in
 * and out, and new nodes come from parsing text the pass built (with the
 * original bytes it kept, comments included) via dfx_cst_parse_fragment().
 * So a node's bytes always live in one contiguous source buffer: the input for
 * parsed nodes, an arena copy for synthesized ones.
 *
 * Inside an instruction, the physical lines are "segments". BuildKit joins the
 * content segments into one logical line (continuation characters removed,
 * comment lines and empty lines dropped, leading blanks of continuation lines
 * kept); `logical` holds that text and `segments` map it back to the source.
 */
#ifndef DFX_CST_H
#define DFX_CST_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "dffix.h"

typedef enum dfx_node_kind {
	DFX_NODE_DIRECTIVE,   /* `# syntax=...` before anything else */
	DFX_NODE_COMMENT,     /* a comment line between instructions */
	DFX_NODE_BLANK,       /* an empty or whitespace-only line */
	DFX_NODE_INSTRUCTION, /* one logical instruction with its heredoc bodies */
	DFX_NODE_ERROR        /* instruction-like text the builder rejects; printed verbatim */
} dfx_node_kind;

typedef enum dfx_seg_kind {
	DFX_SEG_CONTENT, /* a line that contributes to the logical line */
	DFX_SEG_COMMENT, /* a comment line inside a continuation (dropped by the builder) */
	DFX_SEG_EMPTY    /* a blank line inside a continuation (dropped, with a warning) */
} dfx_seg_kind;

/* One physical line of an instruction (heredoc bodies excluded). Offsets are
 * into the node's source buffer. */
typedef struct dfx_segment {
	dfx_seg_kind kind;
	uint32_t start;        /* first byte of the line */
	uint32_t text_start;   /* first byte that is content: for the first line after
				  leading blanks; for continuation lines == start */
	uint32_t text_end;     /* end of content: before the continuation character, or
				  before the line ending */
	int continues;         /* the line ends with the escape character */
	uint32_t eol_start;    /* first byte of the line ending ("\r\n", "\n", or == end) */
	uint32_t end;          /* one past the line ending */
	uint32_t logical_start;/* offset of this content in `logical` (CONTENT only) */
} dfx_segment;

typedef struct dfx_span {
	uint32_t start, end; /* into the instruction's `logical` text */
} dfx_span;

typedef struct dfx_heredoc {
	const char *name; /* delimiter word with quotes removed */
	size_t name_len;
	unsigned fd;      /* 3 in `3<<EOF`; 0 when absent */
	int strip_tabs;   /* `<<-` */
	int expand;       /* unquoted delimiter: variables are expanded */
	dfx_span marker;  /* `<<EOF` word in the logical line */
	uint32_t body_start, body_end; /* body bytes in the source (verbatim) */
	uint32_t term_start, term_end; /* the delimiter line, with its ending */
} dfx_heredoc;

/* Instruction keywords we know; anything else is DFX_KW_UNKNOWN. */
typedef enum dfx_keyword {
	DFX_KW_UNKNOWN = 0,
	DFX_KW_ADD, DFX_KW_ARG, DFX_KW_CMD, DFX_KW_COPY, DFX_KW_ENTRYPOINT,
	DFX_KW_ENV, DFX_KW_EXPOSE, DFX_KW_FROM, DFX_KW_HEALTHCHECK, DFX_KW_LABEL,
	DFX_KW_MAINTAINER, DFX_KW_ONBUILD, DFX_KW_RUN, DFX_KW_SHELL,
	DFX_KW_STOPSIGNAL, DFX_KW_USER, DFX_KW_VOLUME, DFX_KW_WORKDIR,
	DFX_KW__COUNT
} dfx_keyword;

/* What the builder makes of one logical line: BuildKit's splitCommand and
 * dispatch table. ONBUILD keeps its trigger in `sub`. All spans are into the
 * `logical` text of the owning node. */
typedef struct dfx_instr {
	dfx_keyword keyword;
	dfx_span keyword_span;
	dfx_span *flags;      /* raw `--name=value` words */
	const char **flag_values; /* as the builder sees them: quotes and escapes processed */
	size_t flag_count;
	dfx_span args;        /* the arguments, trimmed; may be empty */
	int json;             /* exec form: args parsed as a JSON array of strings */
	dfx_span *json_strings; /* raw string tokens including their quotes (json only) */
	const char **json_values; /* decoded strings (json only); may hold NUL bytes */
	size_t *json_lengths;     /* their lengths */
	size_t json_count;
	struct dfx_instr *sub; /* ONBUILD trigger, or NULL */
} dfx_instr;

typedef struct dfx_node dfx_node;
struct dfx_node {
	dfx_node_kind kind;
	dfx_node *prev, *next;
	const char *src;   /* the buffer holding this node's bytes */
	uint32_t start, end; /* the node's bytes: src[start..end) */
	uint32_t line;     /* 1-based first line in the input; 0 for synthesized nodes */
	int synthesized;   /* created by a pass */
	uint32_t origin;   /* synthesized: input offset of the text it replaced or follows */

	/* DFX_NODE_INSTRUCTION and DFX_NODE_ERROR only: */
	dfx_segment *segments;
	size_t segment_count;
	char *logical;     /* the joined logical line (NUL-terminated, arena) */
	size_t logical_len;
	dfx_instr instr;
	dfx_heredoc *heredocs;
	size_t heredoc_count;
	uint32_t body_end; /* end of the last heredoc terminator line, or == end */

	/* DFX_NODE_DIRECTIVE only: key (lower case) and value spans into src. */
	const char *directive_key;
	uint32_t value_start, value_end;
};

/* A diagnostic as the library stores it, before rendering. */
typedef struct dfx_diag_list {
	dffix_diag *items;
	size_t len, cap;
} dfx_diag_list;

struct dffix_doc {
	dfx_arena arena;
	const char *src;     /* the input, copied into the arena */
	uint32_t len;
	int has_bom;         /* input starts with EF BB BF (kept as a prefix, not in a node) */
	int crlf;            /* the input's dominant line ending is CRLF */
	int final_newline;   /* the input ends with a line ending */
	char escape;         /* '\\' or '`' */
	dfx_node *first, *last;
	uint32_t *line_starts; /* offsets of each line start in src, for line:col */
	size_t line_count;
	dfx_diag_list diags;
	int fatal;           /* the input was rejected as a whole (NUL bytes); one ERROR node */
	/* `# dffix global ignore=...` and `# hadolint global ignore=...` names,
	 * collected once by suppress.c. */
	int globals_scanned;
	const char **global_ignores;
	size_t global_ignore_count;
};

/* Section - Traversal and edits */

/* Unlinks `node` from the document (its memory stays in the arena). */
void dfx_cst_unlink(dffix_doc *doc, dfx_node *node);
/* Inserts `node` (already unlinked) before `before`; at the end when NULL. */
void dfx_cst_insert_before(dffix_doc *doc, dfx_node *before, dfx_node *node);
/* Inserts the chain first..last (linked through next/prev) before `before`. */
void dfx_cst_insert_chain_before(dffix_doc *doc, dfx_node *before, dfx_node *first, dfx_node *last);

/*
 * Parses `text` as Dockerfile lines with the document's escape character and
 * returns the chain of new nodes (marked synthesized) in *first and *last, not yet
 * linked into the document. The text is copied into the arena. Returns 0,
 * DFFIX_ENOMEM, or DFFIX_EPARSE when the text does not parse cleanly (the
 * pass must then refuse).
 */
int dfx_cst_parse_fragment(dfx_node **first, dfx_node **last, dffix_doc *doc, const char *text, size_t len);

/* Checks that the nodes of an unedited document tile the input. 0 or DFFIX_EPARSE. */
int dfx_cst_check(const dffix_doc *doc);

/* Section - Positions and diagnostics */

/* 1-based line and byte column of an input offset. */
void dfx_doc_position(const dffix_doc *doc, uint32_t offset, uint32_t *line, uint32_t *col);

/* Adds a diagnostic for the input span [start, end) (0,0 = start of file).
 * The message is formatted into the arena. Returns 0 or DFFIX_ENOMEM. */
int dfx_doc_add_diag(dffix_doc *doc, dffix_diag_kind kind, dffix_severity sev, const char *rule_id,
		     const char *rule_name, int fixable, uint32_t start, uint32_t end, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 9, 10)))
#endif
	;

/* The input offset of a node for diagnostics: its own offset when parsed
 * from the input, else where the pass put it (node->origin). O(1): passes
 * report at thousands of synthesized nodes. */
uint32_t dfx_node_input_offset(const dfx_node *node);
/* The 1-based input line of that offset. */
uint32_t dfx_node_input_line(const dffix_doc *doc, const dfx_node *node);

/* Section - Logical text helpers */

/* Maps an offset in node->logical back to an offset in node->src. */
uint32_t dfx_node_logical_to_src(const dfx_node *node, uint32_t logical_offset);

/* Keyword helpers. */
dfx_keyword dfx_keyword_lookup(const char *s, size_t len);
const char *dfx_keyword_name(dfx_keyword kw);

/* The instruction (ONBUILD's trigger when `through_onbuild`) of a node, or NULL. */
const dfx_instr *dfx_node_instr(const dfx_node *node, int through_onbuild);

#endif
