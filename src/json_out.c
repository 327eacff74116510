#include "json_out.h"

#include <stdio.h>

size_t dfx_utf8_len(const unsigned char *s, size_t left)
{
	if (s[0] < 0x80)
		return 1;
	size_t n;
	unsigned cp;
	if ((s[0] & 0xE0) == 0xC0) {
		n = 2;
		cp = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 3;
		cp = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (left < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp < 0xE000))
		return 0;
	return n;
}

int dfx_json_put_string(dffix_buf *out, const char *s, size_t len)
{
	int error;
	if ((error = dffix_buf_put(out, "\"", 1)) < 0)
		return error;
	size_t run = 0, i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char ubuf[8];
		size_t n = 1;
		if (c == '"')
			esc = "\\\"";
		else if (c == '\\')
			esc = "\\\\";
		else if (c == '\n')
			esc = "\\n";
		else if (c == '\r')
			esc = "\\r";
		else if (c == '\t')
			esc = "\\t";
		else if (c < 0x20 || c == 0x7f) {
			snprintf(ubuf, sizeof(ubuf), "\\u%04x", c);
			esc = ubuf;
		} else if (c >= 0x80) {
			n = dfx_utf8_len((const unsigned char *)s + i, len - i);
			if (n == 0) {
				esc = "\xEF\xBF\xBD";
				n = 1;
			}
		}
		if (esc) {
			if ((error = dffix_buf_put(out, s + i - run, run)) < 0 || (error = dffix_buf_puts(out, esc)) < 0)
				return error;
			run = 0;
		} else {
			run += n;
		}
		i += n;
	}
	if ((error = dffix_buf_put(out, s + len - run, run)) < 0)
		return error;
	return dffix_buf_put(out, "\"", 1);
}
