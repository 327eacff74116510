#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"

struct dfx_arena_block {
	dfx_arena_block *next;
	size_t size; /* usable bytes in data */
	max_align_t data[];
};

/* Small documents fit in one block; big ones grow geometrically so a 100 MB
 * input costs few blocks. */
#define FIRST_BLOCK 8192u

void *dfx_arena_alloc(dfx_arena *arena, size_t size)
{
	const size_t align = sizeof(max_align_t);
	size_t need = (size + align - 1) & ~(align - 1);
	if (need < size)
		return NULL;
	if (!arena->head || arena->used + need > arena->head->size) {
		size_t bsize = arena->head ? arena->head->size * 2 : FIRST_BLOCK;
		if (bsize < need)
			bsize = need;
		if (bsize > SIZE_MAX - sizeof(dfx_arena_block))
			return NULL;
		dfx_arena_block *b = dfx_malloc(sizeof(dfx_arena_block) + bsize);
		if (!b)
			return NULL;
		b->next = arena->head;
		b->size = bsize;
		arena->head = b;
		arena->used = 0;
		arena->total += bsize;
	}
	char *p = (char *)arena->head->data + arena->used;
	arena->used += need;
	memset(p, 0, size);
	return p;
}

char *dfx_arena_strndup(dfx_arena *arena, const char *s, size_t len)
{
	char *p = dfx_arena_alloc(arena, len + 1);
	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *dfx_arena_printf(dfx_arena *arena, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = dfx_arena_alloc(arena, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void dfx_arena_dispose(dfx_arena *arena)
{
	dfx_arena_block *b = arena->head;
	while (b) {
		dfx_arena_block *next = b->next;
		dfx_free(b);
		b = next;
	}
	arena->head = NULL;
	arena->used = 0;
	arena->total = 0;
}
