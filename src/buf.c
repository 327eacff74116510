/* buf.c - the capped growable output buffer of dffix.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "dffix.h"

#define DEFAULT_CAP ((size_t)1 << 30)

static int grow(dffix_buf *buf, size_t extra)
{
	size_t cap = buf->cap ? buf->cap : DEFAULT_CAP;
	if (buf->toobig || extra > cap || buf->size > cap - extra) {
		dffix_buf_dispose(buf);
		buf->toobig = 1;
		return DFFIX_ENOMEM;
	}
	size_t need = buf->size + extra + 1;
	if (need <= buf->asize)
		return 0;
	size_t asize = buf->asize ? buf->asize : 256;
	while (asize < need)
		asize = asize + asize / 2 + 64;
	char *p = dfx_realloc(buf->ptr, asize);
	if (!p) {
		dffix_buf_dispose(buf);
		return DFFIX_ENOMEM;
	}
	buf->ptr = p;
	buf->asize = asize;
	return 0;
}

int dffix_buf_put(dffix_buf *buf, const char *data, size_t len)
{
	int error = grow(buf, len);
	if (error < 0)
		return error;
	if (len)
		memcpy(buf->ptr + buf->size, data, len);
	buf->size += len;
	buf->ptr[buf->size] = '\0';
	return 0;
}

int dffix_buf_puts(dffix_buf *buf, const char *str)
{
	return dffix_buf_put(buf, str, strlen(str));
}

int dffix_buf_printf(dffix_buf *buf, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return DFFIX_EINVAL;
	int error = grow(buf, (size_t)n);
	if (error < 0)
		return error;
	va_start(ap, fmt);
	vsnprintf(buf->ptr + buf->size, (size_t)n + 1, fmt, ap);
	va_end(ap);
	buf->size += (size_t)n;
	return 0;
}

void dffix_buf_dispose(dffix_buf *buf)
{
	dfx_free(buf->ptr);
	buf->ptr = NULL;
	buf->size = 0;
	buf->asize = 0;
}
