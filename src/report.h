/*
 * report.h - rendering diagnostics for people and tools: text, gnu, json,
 * sarif (2.1.0) and checkstyle.
 *
 * A report is streamed: dfx_report_begin() writes the header (the SARIF
 * rule list, the checkstyle root...), dfx_report_add_file() appends one
 * file's diagnostics, sorted by position, and dfx_report_end() closes what
 * begin opened. The caller feeds files in a stable order, and may write out
 * and dispose the output buffer between calls (the report keeps no pointer
 * into it). Every call returns 0 or DFFIX_ENOMEM.
 *
 *   text        path:line:col: severity: message [DF205 shell-form-cmd]
 *   gnu         path:line:col: severity: message
 *   json        [{"file", "line", "column", "end_line", "end_column", "rule",
 *                 "name", "severity", "message", "fixable"}, ...] for all files
 *   sarif       one run; driver "dffix" with every rule; columns in code points
 *   checkstyle  <checkstyle><file name=...><error .../></file></checkstyle>
 *
 * Parser messages (rule id "") are shown as rule DF000 "syntax".
 */
#ifndef DFX_REPORT_H
#define DFX_REPORT_H

#include <stddef.h>

#include "dffix.h"

typedef enum dfx_report_format {
	DFX_REPORT_TEXT = 0,
	DFX_REPORT_GNU,
	DFX_REPORT_JSON,
	DFX_REPORT_SARIF,
	DFX_REPORT_CHECKSTYLE
} dfx_report_format;

typedef struct dfx_report_options {
	dfx_report_format format;
	int color;                   /* text only: ANSI colours */
	unsigned kinds;              /* bits (1u << DFFIX_DIAG_*) to show; 0 = every kind */
	dffix_severity min_severity; /* show diagnostics at least this severe; DFFIX_SEV_STYLE = all */
} dfx_report_options;

#define DFX_REPORT_OPTIONS_INIT {DFX_REPORT_TEXT, 0, 0, DFFIX_SEV_STYLE}

typedef struct dfx_report {
	dffix_buf *out;
	dfx_report_options opts;
	size_t results;   /* diagnostics written so far */
	size_t counts[4]; /* of them, by severity (error, warning, info, style) */
} dfx_report;

/* "text", "gnu", "json", "sarif", "checkstyle" -> format; 0 or DFFIX_EINVAL. */
int dfx_report_format_parse(dfx_report_format *out, const char *name);

/* Starts a report written to `out`. `opts` may be NULL (text, no colour). */
int dfx_report_begin(dfx_report *r, dffix_buf *out, const dfx_report_options *opts);

/* Appends the diagnostics of one document (`path` as the user named it). */
int dfx_report_add_file(dfx_report *r, const char *path, const dffix_doc *doc);

/* Appends diagnostics that have no document, e.g. a file that could not be
 * read (columns are taken as given). */
int dfx_report_add_diags(dfx_report *r, const char *path, const dffix_diag *diags, size_t count);

/* Closes the report. */
int dfx_report_end(dfx_report *r);

#endif
