/* json_out.h - writing JSON strings (shared by the dump and the reports). */
#ifndef DFX_JSON_OUT_H
#define DFX_JSON_OUT_H

#include <stddef.h>

#include "dffix.h"

/* Appends s[0..len) as a quoted JSON string; invalid UTF-8 bytes become U+FFFD. */
int dfx_json_put_string(dffix_buf *out, const char *s, size_t len);

#endif
