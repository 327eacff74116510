/*
 * dffix.h - the one public header of libdffix, a lossless Dockerfile
 * formatter and auto-fixer.
 *
 * Ownership rule (stated once, applies everywhere): every pointer returned by
 * a getter on a dffix_doc (diagnostics, messages, spans) is borrowed from the
 * document's arena and stays valid until dffix_doc_free(). Output text is
 * written into a caller-owned dffix_buf that the caller disposes with
 * dffix_buf_dispose(). Nothing in the library keeps global mutable state.
 *
 * Fallible functions return 0 or a negative DFFIX_E* code; out-parameters
 * come first and are named `out`.
 */
#ifndef DFFIX_H
#define DFFIX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && __GNUC__ >= 4
#define DFFIX_EXTERN(type) __attribute__((visibility("default"))) type
#else
#define DFFIX_EXTERN(type) type
#endif

#define DFFIX_VERSION "0.1.0"

/* Section - Errors */

enum {
	DFFIX_OK = 0,
	DFFIX_ENOMEM = -1, /**< an allocation failed or a buffer passed its cap */
	DFFIX_EIO = -2,    /**< reading or writing a file failed */
	DFFIX_EINVAL = -3, /**< a caller passed an invalid argument or option */
	DFFIX_EPARSE = -4  /**< the input cannot be handled; see the error diagnostics */
};

/* Section - Output buffer
 *
 * A growable byte buffer with a size cap: when an append would pass `cap`
 * (0 means the default of 1 GiB) the buffer frees itself, sets `toobig` and
 * the append returns DFFIX_ENOMEM.
 */
typedef struct dffix_buf {
	char *ptr;    /**< NUL-terminated after every successful append */
	size_t size;  /**< bytes used, not counting the NUL */
	size_t asize; /**< bytes allocated */
	size_t cap;   /**< largest allowed size; 0 = default */
	int toobig;   /**< set once an append passed the cap */
} dffix_buf;

#define DFFIX_BUF_INIT {NULL, 0, 0, 0, 0}

/** Appends `len` bytes. Returns 0 or DFFIX_ENOMEM. */
DFFIX_EXTERN(int) dffix_buf_put(dffix_buf *buf, const char *data, size_t len);
/** Appends a NUL-terminated string. */
DFFIX_EXTERN(int) dffix_buf_puts(dffix_buf *buf, const char *str);
/** Appends printf-formatted text. */
DFFIX_EXTERN(int) dffix_buf_printf(dffix_buf *buf, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
/** Frees the memory and resets the buffer to DFFIX_BUF_INIT (cap kept). */
DFFIX_EXTERN(void) dffix_buf_dispose(dffix_buf *buf);

/* Section - Diagnostics */

typedef enum dffix_severity {
	DFFIX_SEV_ERROR = 0, /**< the input cannot be processed */
	DFFIX_SEV_WARNING,
	DFFIX_SEV_INFO,
	DFFIX_SEV_STYLE,
	DFFIX_SEV_NONE /**< only as a fail level: never fail */
} dffix_severity;

typedef enum dffix_diag_kind {
	DFFIX_DIAG_SYNTAX = 0, /**< from the parser */
	DFFIX_DIAG_LINT,       /**< a rule finding; `fixable` says whether a pass can fix it */
	DFFIX_DIAG_APPLIED,    /**< a pass rewrote the text */
	DFFIX_DIAG_REFUSED     /**< a pass could have rewritten but refused; message says why */
} dffix_diag_kind;

typedef struct dffix_diag {
	const char *rule_id;   /**< stable id, e.g. "DF001"; "" for syntax errors */
	const char *rule_name; /**< e.g. "merge-run"; "syntax" for parser messages */
	dffix_severity severity;
	dffix_diag_kind kind;
	uint32_t start, end;       /**< byte span in the input */
	uint32_t line, column;     /**< 1-based, column in bytes */
	uint32_t end_line, end_column;
	const char *message; /**< NUL-terminated, no trailing newline */
	int fixable;         /**< a pass exists that fixes this finding */
} dffix_diag;

/* Section - Options */

#define DFFIX_OPTIONS_VERSION 1

/** The rewriting passes, as bits of dffix_options.fix. */
enum {
	DFFIX_FIX_PIN_TAG = 1u << 0,
	DFFIX_FIX_PKG_CLEAN = 1u << 1,
	DFFIX_FIX_CACHE_ORDER = 1u << 2,
	DFFIX_FIX_MERGE_RUN = 1u << 3,
	DFFIX_FIX_ARBITRARY_UID = 1u << 4,
	DFFIX_FIX_ENV_KEY_VALUE = 1u << 5,  /**< ENV key value -> ENV key=value */
	DFFIX_FIX_MAINTAINER = 1u << 6,     /**< MAINTAINER -> LABEL ...authors */
	DFFIX_FIX_EXEC_FORM = 1u << 7,      /**< reserved: shell-form CMD -> exec form */
	DFFIX_FIX_ALL = 0x7fu               /**< everything but reserved bits */
};

typedef struct dffix_pin {
	const char *image; /**< as written by the user, normalized when matched */
	const char *tag;   /**< "tag", "tag@sha256:..." or "@sha256:..." */
} dffix_pin;

typedef struct dffix_options {
	unsigned int version; /**< DFFIX_OPTIONS_VERSION */
	int indent;           /**< continuation indent in spaces; 0 = one tab */
	int eol;              /**< 0 = keep the input's, 1 = LF, 2 = CRLF */
	int final_newline;    /**< 1 = ensure one (default), 0 = keep as is */
	unsigned int fix;     /**< DFFIX_FIX_* bits of passes to run */
	const dffix_pin *pins;
	size_t pin_count;
	const char *const *writable_dirs; /**< extra dirs for arbitrary-uid */
	size_t writable_dir_count;
	const char *const *ignore; /**< rule ids or names never reported */
	size_t ignore_count;
	const char *profile;      /**< "default" or "openshift" */
	const char *context_dir;  /**< directory of the Dockerfile, for rules that read scripts; may be NULL */
	const char *const *trusted_registries;
	size_t trusted_registry_count;
	const char *const *severity_ids; /**< parallel arrays: rule -> severity override */
	const dffix_severity *severity_values;
	size_t severity_count;
} dffix_options;

#define DFFIX_OPTIONS_INIT                                                      \
	{DFFIX_OPTIONS_VERSION, 4, 0, 1, DFFIX_FIX_ALL, NULL, 0, NULL, 0, NULL, 0, \
	 "default", NULL, NULL, 0, NULL, NULL, 0}

/* Section - Documents */

typedef struct dffix_doc dffix_doc;

/**
 * Parses `len` bytes (not necessarily NUL-terminated; the data is copied
 * into the document's arena). Syntax problems become diagnostics and never
 * stop parsing; the document is always created unless memory runs out.
 * Returns 0, DFFIX_ENOMEM, or DFFIX_EPARSE when the document has at least
 * one error-severity diagnostic (it is still created and printable).
 * The caller owns *out and frees it with dffix_doc_free().
 */
DFFIX_EXTERN(int) dffix_doc_parse(dffix_doc **out, const char *data, size_t len);

/** Frees the document and everything borrowed from it. NULL is allowed. */
DFFIX_EXTERN(void) dffix_doc_free(dffix_doc *doc);

/** Appends the tree as it is, verbatim: for an unedited tree, the input. */
DFFIX_EXTERN(int) dffix_doc_reprint(dffix_buf *out, const dffix_doc *doc);

/** Appends the formatted document. */
DFFIX_EXTERN(int) dffix_doc_format(dffix_buf *out, const dffix_doc *doc, const dffix_options *opts);

/**
 * Runs the rewriting passes selected by opts->fix on the tree, adding an
 * APPLIED or REFUSED diagnostic for each decision. *changed (may be NULL)
 * is set to 1 when the tree was edited.
 */
DFFIX_EXTERN(int) dffix_doc_fix(int *changed, dffix_doc *doc, const dffix_options *opts);

/** Runs the lint rules and adds their findings as LINT diagnostics. */
DFFIX_EXTERN(int) dffix_doc_lint(dffix_doc *doc, const dffix_options *opts);

/** Appends the JSON dump of the instructions as a builder sees them. */
DFFIX_EXTERN(int) dffix_doc_dump(dffix_buf *out, const dffix_doc *doc);

/** Number of diagnostics collected so far, in the order they were added. */
DFFIX_EXTERN(size_t) dffix_doc_diag_count(const dffix_doc *doc);

/** The i-th diagnostic (borrowed), or NULL when out of range. */
DFFIX_EXTERN(const dffix_diag *) dffix_doc_diag(const dffix_doc *doc, size_t i);

/** 1 when any diagnostic has error severity and kind SYNTAX. */
DFFIX_EXTERN(int) dffix_doc_has_errors(const dffix_doc *doc);

#ifdef __cplusplus
}
#endif

#endif /* DFFIX_H */
