/* arena.h - one bump allocator per document. Everything a document owns is
 * carved from its arena and released at once by dfx_arena_dispose(). */
#ifndef DFX_ARENA_H
#define DFX_ARENA_H

#include <stddef.h>

typedef struct dfx_arena_block dfx_arena_block;

typedef struct dfx_arena {
	dfx_arena_block *head; /* newest block first */
	size_t used;           /* bytes used in head */
	size_t total;          /* bytes allocated in all blocks, for benchmarks */
} dfx_arena;

#define DFX_ARENA_INIT {NULL, 0, 0}

/* Returns zeroed memory aligned for any type, or NULL when out of memory. */
void *dfx_arena_alloc(dfx_arena *arena, size_t size);
/* Copies `len` bytes and adds a NUL; NULL when out of memory. */
char *dfx_arena_strndup(dfx_arena *arena, const char *s, size_t len);
/* printf into the arena; NULL when out of memory. */
char *dfx_arena_printf(dfx_arena *arena, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;
void dfx_arena_dispose(dfx_arena *arena);

#endif
