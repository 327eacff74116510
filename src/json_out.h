/* json_out.h - writing JSON strings (shared by the dump and the reports),
 * and the UTF-8 check that they and the XML reports use. */
#ifndef DFX_JSON_OUT_H
#define DFX_JSON_OUT_H

#include <stddef.h>

#include "dffix.h"

/* Appends s[0..len) as a quoted JSON string; invalid UTF-8 bytes become U+FFFD. */
int dfx_json_put_string(dffix_buf *out, const char *s, size_t len);

/* Length of the valid UTF-8 sequence at s[0..left) (no overlongs,
 * surrogates or code points past U+10FFFF): 1 for ASCII, 0 when invalid. */
size_t dfx_utf8_len(const unsigned char *s, size_t left);

#endif
