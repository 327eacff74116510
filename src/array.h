/* array.h - the one generic growable array (tree-sitter's Array(T)).
 * Arrays here are heap-backed (dfx_realloc) and must be freed with
 * DFX_ARRAY_FREE, or arena-backed views copied out when done. */
#ifndef DFX_ARRAY_H
#define DFX_ARRAY_H

#include <stddef.h>

#include "alloc.h"

#define DFX_ARRAY(T)                                                           \
	struct {                                                               \
		T *items;                                                      \
		size_t len, cap;                                               \
	}

#define DFX_ARRAY_INIT {NULL, 0, 0}

/* Evaluates to 0 on success, -1 when out of memory. */
#define DFX_ARRAY_PUSH(a, v)                                                   \
	(((a)->len < (a)->cap || dfx_array__grow((void **)&(a)->items, &(a)->cap, \
						 sizeof(*(a)->items)) == 0) \
		 ? ((a)->items[(a)->len++] = (v), 0)                           \
		 : -1)

#define DFX_ARRAY_FREE(a)                                                      \
	do {                                                                   \
		dfx_free((a)->items);                                          \
		(a)->items = NULL;                                             \
		(a)->len = (a)->cap = 0;                                       \
	} while (0)

static inline int dfx_array__grow(void **items, size_t *cap, size_t elem)
{
	size_t ncap = *cap ? *cap * 2 : 8;
	void *p = dfx_realloc(*items, ncap * elem);
	if (!p)
		return -1;
	*items = p;
	*cap = ncap;
	return 0;
}

#endif
