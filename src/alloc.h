/* alloc.h - every allocation in libdffix goes through these, so tests can
 * route them to cmocka's leak-checking allocator (define DFFIX_TEST_ALLOC). */
#ifndef DFX_ALLOC_H
#define DFX_ALLOC_H

#include <stdlib.h>

#ifdef DFFIX_TEST_ALLOC
void *_test_malloc(size_t size, const char *file, int line);
void *_test_calloc(size_t n, size_t size, const char *file, int line);
void *_test_realloc(void *p, size_t size, const char *file, int line);
void _test_free(void *p, const char *file, int line);
#define dfx_malloc(n) _test_malloc((n), __FILE__, __LINE__)
#define dfx_calloc(n, s) _test_calloc((n), (s), __FILE__, __LINE__)
#define dfx_realloc(p, n) _test_realloc((p), (n), __FILE__, __LINE__)
#define dfx_free(p) _test_free((p), __FILE__, __LINE__)
#else
#define dfx_malloc(n) malloc(n)
#define dfx_calloc(n, s) calloc((n), (s))
#define dfx_realloc(p, n) realloc((p), (n))
#define dfx_free(p) free(p)
#endif

#endif
