/* test_diff.c - unified diff output.
 *
 * Exact outputs are checked only where the diff is unambiguous (one shortest
 * script and one way to print it). Everything else is checked for what must
 * hold whatever the script: applying the diff to the old text gives the new
 * one, every hunk header counts its lines, context is as asked, and the
 * number of edits is the least possible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diff.h"

/* Section - helpers */

typedef struct span {
	const char *p;
	size_t len; /* with the '\n', if any */
} span;

/* Splits text into lines the way the diff does; the caller frees *out. */
static size_t split(const char *text, size_t len, span **out)
{
	size_t n = 0, cap = 16;
	span *v = malloc(cap * sizeof(*v));
	assert_non_null(v);
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t l = nl ? (size_t)(nl - (text + i)) + 1 : len - i;
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			assert_non_null(v);
		}
		v[n].p = text + i;
		v[n++].len = l;
		i += l;
	}
	*out = v;
	return n;
}

static int span_eq(span x, span y)
{
	return x.len == y.len && memcmp(x.p, y.p, x.len) == 0;
}

/* The least number of deleted plus inserted lines, by the textbook O(n*m)
 * longest-common-subsequence table. */
static size_t min_edits(const char *a, size_t alen, const char *b, size_t blen)
{
	span *la, *lb;
	size_t n = split(a, alen, &la), m = split(b, blen, &lb);
	size_t *prev = calloc(m + 1, sizeof(size_t)), *cur = calloc(m + 1, sizeof(size_t));
	assert_non_null(prev);
	assert_non_null(cur);
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			if (span_eq(la[i - 1], lb[j - 1]))
				cur[j] = prev[j - 1] + 1;
			else
				cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
		}
		size_t *t = prev;
		prev = cur;
		cur = t;
	}
	size_t lcs = prev[m];
	free(prev);
	free(cur);
	free(la);
	free(lb);
	return n + m - 2 * lcs;
}

static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

static size_t read_number(const char **p)
{
	char *e;
	unsigned long v = strtoul(*p, &e, 10);
	assert_true(e != *p);
	*p = e;
	return v;
}

/* Reads "@@ -l[,s] +l[,s] @@\n"; a missing count means 1. */
static void read_hunk_header(const char *p, size_t *l0, size_t *s0, size_t *l1, size_t *s1)
{
	assert_memory_equal(p, "@@ -", 4);
	p += 4;
	*l0 = read_number(&p);
	*s0 = 1;
	if (*p == ',') {
		p++;
		*s0 = read_number(&p);
		assert_true(*s0 != 1); /* a count of 1 is never written */
	}
	assert_memory_equal(p, " +", 2);
	p += 2;
	*l1 = read_number(&p);
	*s1 = 1;
	if (*p == ',') {
		p++;
		*s1 = read_number(&p);
		assert_true(*s1 != 1);
	}
	assert_memory_equal(p, " @@\n", 4);
}

/*
 * Applies an uncoloured unified diff to a and asserts the result is b. On
 * the way it checks every context and deleted line against a, every hunk's
 * counts and start lines, that hunks are in order with lines between them,
 * that each has a change and `ctx` lines of context on each side unless it
 * meets the start or end of the file. Returns the number of '-' and '+'
 * lines.
 */
static size_t check_patch(const char *a, size_t alen, const char *b, size_t blen, const char *diff, size_t dlen,
                          size_t ctx)
{
	span *la, *lb;
	size_t n = split(a, alen, &la), m = split(b, blen, &lb);
	const char *p = diff, *end = diff + dlen;
	size_t ai = 0, bj = 0, edits = 0, hunks = 0;

	if (dlen == 0) {
		assert_int_equal(alen, blen);
		if (alen)
			assert_memory_equal(a, b, alen);
		free(la);
		free(lb);
		return 0;
	}
	assert_memory_equal(p, "--- ", 4);
	p = next_line(p, end);
	assert_memory_equal(p, "+++ ", 4);
	p = next_line(p, end);
	assert_true(p < end);
	while (p < end) {
		size_t l0, s0, l1, s1, seen0 = 0, seen1 = 0, lead = 0, trail = 0;
		int changed = 0;
		read_hunk_header(p, &l0, &s0, &l1, &s1);
		p = next_line(p, end);
		/* An empty range names the line before it. */
		size_t start0 = s0 ? l0 - 1 : l0, start1 = s1 ? l1 - 1 : l1;
		assert_true(start0 >= ai);
		if (hunks)
			assert_true(start0 > ai); /* hunks neither overlap nor touch */
		/* Lines between hunks are shared. */
		while (ai < start0) {
			assert_true(bj < m);
			assert_true(span_eq(la[ai], lb[bj]));
			ai++;
			bj++;
		}
		assert_int_equal(bj, start1);
		while (p < end && *p != '@') {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			assert_non_null(eol);
			size_t body = (size_t)(eol - p) - 1;
			int no_newline = eol + 1 < end && eol[1] == '\\';
			span line = {p + 1, body + !no_newline};
			if (no_newline)
				assert_true(eol + 1 + 28 <= end &&
				            memcmp(eol + 1, "\\ No newline at end of file\n", 28) == 0);
			if (*p == ' ' || *p == '-') {
				assert_true(ai < n);
				/* The printed line minus its '\n' must be a's line. */
				assert_int_equal(la[ai].len, line.len);
				assert_memory_equal(la[ai].p, line.p, body);
				assert_int_equal(la[ai].p[la[ai].len - 1] == '\n', !no_newline);
			}
			if (*p == ' ' || *p == '+') {
				assert_true(bj < m);
				assert_int_equal(lb[bj].len, line.len);
				assert_memory_equal(lb[bj].p, line.p, body);
				assert_int_equal(lb[bj].p[lb[bj].len - 1] == '\n', !no_newline);
			}
			if (*p == ' ') {
				ai++;
				bj++;
				seen0++;
				seen1++;
				if (changed)
					trail++;
				else
					lead++;
			} else if (*p == '-') {
				ai++;
				seen0++;
				edits++;
				changed = 1;
				trail = 0;
			} else {
				assert_int_equal(*p, '+');
				bj++;
				seen1++;
				edits++;
				changed = 1;
				trail = 0;
			}
			p = no_newline ? eol + 1 + 28 : eol + 1;
		}
		assert_true(changed);
		assert_int_equal(seen0, s0);
		assert_int_equal(seen1, s1);
		assert_true(lead <= ctx && trail <= ctx);
		if (lead < ctx)
			assert_int_equal(start0, 0);
		if (trail < ctx)
			assert_true(ai == n && bj == m);
		hunks++;
	}
	while (ai < n) {
		assert_true(bj < m);
		assert_true(span_eq(la[ai], lb[bj]));
		ai++;
		bj++;
	}
	assert_int_equal(bj, m);
	free(la);
	free(lb);
	return edits;
}

static size_t count_hunks(const dffix_buf *out)
{
	size_t n = 0;
	for (const char *p = out->ptr; p && (p = strstr(p, "\n@@ -")) != NULL; p++)
		n++;
	return n;
}

/* Diffs with labels a/Dockerfile and b/Dockerfile and compares with want. */
static void expect_diff(const char *a, const char *b, int context, int color, const char *want)
{
	dfx_diff_options opts = {"a/Dockerfile", "b/Dockerfile", context, color};
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dfx_diff_unified(&out, a, strlen(a), b, strlen(b), &opts), 0);
	assert_string_equal(out.ptr ? out.ptr : "", want);
	if (!color)
		check_patch(a, strlen(a), b, strlen(b), out.ptr, out.size, context < 0 ? 3 : (size_t)context);
	dffix_buf_dispose(&out);
}

static uint32_t next_random(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 8;
}

/* Appends n lines drawn from `alpha` values, some CRLF; maybe drops the
 * final newline. */
static void random_text(dffix_buf *buf, uint32_t *seed, size_t n, uint32_t alpha)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t r = next_random(seed);
		assert_int_equal(dffix_buf_printf(buf, "l%u%s", r % alpha, (r >> 12) % 7 == 0 ? "\r\n" : "\n"), 0);
	}
	if (buf->size && next_random(seed) % 5 == 0)
		buf->ptr[--buf->size] = '\0';
}

/* Copies src line by line into dst with random deletions, insertions and
 * replacements: pairs that are mostly alike, as real edits are. */
static void mutate(dffix_buf *dst, const dffix_buf *src, uint32_t *seed, uint32_t alpha)
{
	span *l;
	size_t n = split(src->ptr ? src->ptr : "", src->size, &l);
	for (size_t i = 0; i <= n; i++) {
		uint32_t r = next_random(seed) % 10;
		if (r == 0)
			assert_int_equal(dffix_buf_printf(dst, "n%u\n", next_random(seed) % alpha), 0);
		if (i == n)
			break;
		if (r == 1)
			continue;
		if (r == 2)
			assert_int_equal(dffix_buf_printf(dst, "l%u\n", next_random(seed) % alpha), 0);
		else
			assert_int_equal(dffix_buf_put(dst, l[i].p, l[i].len), 0);
	}
	free(l);
}

/* Section - exact output where the diff is unambiguous */

static void test_diff__single_change(void **state)
{
	(void)state;
	expect_diff("FROM alpine\n"
	            "RUN apk add curl\n"
	            "RUN apk add git\n"
	            "COPY . /app\n"
	            "CMD [\"app\"]\n",
	            "FROM alpine\n"
	            "RUN apk add curl git\n"
	            "COPY . /app\n"
	            "CMD [\"app\"]\n",
	            3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,5 +1,4 @@\n"
	            " FROM alpine\n"
	            "-RUN apk add curl\n"
	            "-RUN apk add git\n"
	            "+RUN apk add curl git\n"
	            " COPY . /app\n"
	            " CMD [\"app\"]\n");
}

static void test_diff__one_line_each(void **state)
{
	(void)state;
	expect_diff("a\n", "b\n", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1 +1 @@\n"
	            "-a\n"
	            "+b\n");
}

static void test_diff__insert(void **state)
{
	(void)state;
	expect_diff("a\nb\n", "a\nnew\nb\n", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,2 +1,3 @@\n"
	            " a\n"
	            "+new\n"
	            " b\n");
	/* Without context the old side is empty and names the line before. */
	expect_diff("a\nb\n", "a\nnew\nb\n", 0, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,0 +2 @@\n"
	            "+new\n");
	expect_diff("b\nc\n", "a\nb\nc\n", 0, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -0,0 +1 @@\n"
	            "+a\n");
}

static void test_diff__insert_first_delete_last(void **state)
{
	(void)state;
	expect_diff("b\nc\nd\ne\n", "a\nb\nc\nd\n", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,4 +1,4 @@\n"
	            "+a\n"
	            " b\n"
	            " c\n"
	            " d\n"
	            "-e\n");
}

static void test_diff__empty_sides(void **state)
{
	(void)state;
	expect_diff("", "a\nb\n", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -0,0 +1,2 @@\n"
	            "+a\n"
	            "+b\n");
	expect_diff("a\nb\n", "", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,2 +0,0 @@\n"
	            "-a\n"
	            "-b\n");
	expect_diff("", "x", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -0,0 +1 @@\n"
	            "+x\n"
	            "\\ No newline at end of file\n");
}

static void test_diff__no_newline(void **state)
{
	(void)state;
	expect_diff("a\nb\nc", "a\nb\nc\n", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,3 +1,3 @@\n"
	            " a\n"
	            " b\n"
	            "-c\n"
	            "\\ No newline at end of file\n"
	            "+c\n");
	expect_diff("a\nb\nc\n", "a\nb\nc", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,3 +1,3 @@\n"
	            " a\n"
	            " b\n"
	            "-c\n"
	            "+c\n"
	            "\\ No newline at end of file\n");
	expect_diff("x\ny", "x\nz", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,2 +1,2 @@\n"
	            " x\n"
	            "-y\n"
	            "\\ No newline at end of file\n"
	            "+z\n"
	            "\\ No newline at end of file\n");
	/* A shared last line without newline is context, with the note. */
	expect_diff("a\nb\nc\nd\ne", "a\nB\nc\nd\ne", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,5 +1,5 @@\n"
	            " a\n"
	            "-b\n"
	            "+B\n"
	            " c\n"
	            " d\n"
	            " e\n"
	            "\\ No newline at end of file\n");
}

static void test_diff__crlf(void **state)
{
	(void)state;
	expect_diff("FROM a\r\nRUN x\r\nRUN y\r\n", "FROM a\r\nRUN x && y\r\n", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,3 +1,2 @@\n"
	            " FROM a\r\n"
	            "-RUN x\r\n"
	            "-RUN y\r\n"
	            "+RUN x && y\r\n");
	/* The '\r' is part of the line: "a\r\n" and "a\n" differ. */
	expect_diff("a\r\nb\r\n", "a\nb\r\n", 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,2 +1,2 @@\n"
	            "-a\r\n"
	            "+a\n"
	            " b\r\n");
}

/* Lines "l1".."l20", with the listed (1-based) lines upper-cased. */
static void numbered(char *buf, const int *upper, size_t nupper)
{
	char *p = buf;
	for (int i = 1; i <= 20; i++) {
		int up = 0;
		for (size_t k = 0; k < nupper; k++)
			up |= upper[k] == i;
		p += sprintf(p, "%c%d\n", up ? 'L' : 'l', i);
	}
}

static void test_diff__hunks_merge_or_split(void **state)
{
	(void)state;
	char a[256], b[256];
	numbered(a, NULL, 0);

	/* 12 shared lines between the changes: more than 2 * 3, two hunks. */
	numbered(b, (const int[]){2, 18}, 2);
	expect_diff(a, b, 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -1,5 +1,5 @@\n"
	            " l1\n"
	            "-l2\n"
	            "+L2\n"
	            " l3\n"
	            " l4\n"
	            " l5\n"
	            "@@ -15,6 +15,6 @@\n"
	            " l15\n"
	            " l16\n"
	            " l17\n"
	            "-l18\n"
	            "+L18\n"
	            " l19\n"
	            " l20\n");

	/* Exactly 2 * 3 shared lines between them: one hunk. */
	numbered(b, (const int[]){5, 12}, 2);
	expect_diff(a, b, 3, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -2,14 +2,14 @@\n"
	            " l2\n"
	            " l3\n"
	            " l4\n"
	            "-l5\n"
	            "+L5\n"
	            " l6\n"
	            " l7\n"
	            " l8\n"
	            " l9\n"
	            " l10\n"
	            " l11\n"
	            "-l12\n"
	            "+L12\n"
	            " l13\n"
	            " l14\n"
	            " l15\n");

	/* One more shared line: two hunks again. */
	numbered(b, (const int[]){5, 13}, 2);
	dffix_buf out = DFFIX_BUF_INIT;
	dfx_diff_options opts = {"a", "b", 3, 0};
	assert_int_equal(dfx_diff_unified(&out, a, strlen(a), b, strlen(b), &opts), 0);
	assert_int_equal(count_hunks(&out), 2);
	assert_non_null(strstr(out.ptr, "@@ -2,7 +2,7 @@\n"));
	assert_non_null(strstr(out.ptr, "@@ -10,7 +10,7 @@\n"));
	dffix_buf_dispose(&out);

	/* Context 1: two shared lines between changes merge. */
	numbered(b, (const int[]){3, 6}, 2);
	expect_diff(a, b, 1, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -2,6 +2,6 @@\n"
	            " l2\n"
	            "-l3\n"
	            "+L3\n"
	            " l4\n"
	            " l5\n"
	            "-l6\n"
	            "+L6\n"
	            " l7\n");
}

static void test_diff__context_zero(void **state)
{
	(void)state;
	expect_diff("a\nb\nc\nd\ne\n", "a\nc\nd\nX\ne\n", 0, 0,
	            "--- a/Dockerfile\n"
	            "+++ b/Dockerfile\n"
	            "@@ -2 +1,0 @@\n"
	            "-b\n"
	            "@@ -4,0 +4 @@\n"
	            "+X\n");
}

static void test_diff__color(void **state)
{
	(void)state;
	expect_diff("a\nb\nc\n", "a\nB\nc\nd", 3, 1,
	            "\033[1m--- a/Dockerfile\033[m\n"
	            "\033[1m+++ b/Dockerfile\033[m\n"
	            "\033[36m@@ -1,3 +1,4 @@\033[m\n"
	            " a\n"
	            "\033[31m-b\033[m\n"
	            "\033[32m+B\033[m\n"
	            " c\n"
	            "\033[32m+d\033[m\n"
	            "\\ No newline at end of file\n");
	/* The reset goes after a line's '\r', right before its newline. */
	expect_diff("a\r\n", "b\r\n", 0, 1,
	            "\033[1m--- a/Dockerfile\033[m\n"
	            "\033[1m+++ b/Dockerfile\033[m\n"
	            "\033[36m@@ -1 +1 @@\033[m\n"
	            "\033[31m-a\r\033[m\n"
	            "\033[32m+b\r\033[m\n");
}

/* Section - behaviour */

static void test_diff__equal_inputs_append_nothing(void **state)
{
	(void)state;
	const char *text = "FROM alpine\r\nRUN true";
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dffix_buf_puts(&out, "keep"), 0);
	assert_int_equal(dfx_diff_unified(&out, text, strlen(text), text, strlen(text), NULL), 0);
	assert_int_equal(dfx_diff_unified(&out, "", 0, NULL, 0, NULL), 0);
	assert_int_equal(dfx_diff_unified(&out, NULL, 0, NULL, 0, NULL), 0);
	assert_string_equal(out.ptr, "keep");
	dffix_buf_dispose(&out);
}

static void test_diff__defaults(void **state)
{
	(void)state;
	const char *a = "1\n2\n3\n4\n5\n", *b = "1\n2\n3\n4\nX\n";
	dffix_buf out = DFFIX_BUF_INIT;

	/* NULL options: labels "a" and "b", 3 lines of context. */
	assert_int_equal(dfx_diff_unified(&out, a, 10, b, 10, NULL), 0);
	assert_string_equal(out.ptr, "--- a\n+++ b\n@@ -2,4 +2,4 @@\n 2\n 3\n 4\n-5\n+X\n");
	dffix_buf_dispose(&out);

	/* NULL labels and a negative context mean the same; so does the INIT macro. */
	dfx_diff_options neg = {NULL, NULL, -1, 0}, init = DFX_DIFF_OPTIONS_INIT;
	assert_int_equal(dfx_diff_unified(&out, a, 10, b, 10, &neg), 0);
	assert_string_equal(out.ptr, "--- a\n+++ b\n@@ -2,4 +2,4 @@\n 2\n 3\n 4\n-5\n+X\n");
	dffix_buf_dispose(&out);
	assert_int_equal(dfx_diff_unified(&out, a, 10, b, 10, &init), 0);
	assert_string_equal(out.ptr, "--- a\n+++ b\n@@ -2,4 +2,4 @@\n 2\n 3\n 4\n-5\n+X\n");
	dffix_buf_dispose(&out);

	/* Zeroed options: no context. */
	dfx_diff_options zero;
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(dfx_diff_unified(&out, a, 10, b, 10, &zero), 0);
	assert_string_equal(out.ptr, "--- a\n+++ b\n@@ -5 +5 @@\n-5\n+X\n");
	dffix_buf_dispose(&out);
}

static void test_diff__appends_after_existing_text(void **state)
{
	(void)state;
	dfx_diff_options opts = DFX_DIFF_OPTIONS_INIT;
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dffix_buf_puts(&out, "first\n"), 0);
	assert_int_equal(dfx_diff_unified(&out, "a\n", 2, "b\n", 2, &opts), 0);
	assert_string_equal(out.ptr, "first\n--- a\n+++ b\n@@ -1 +1 @@\n-a\n+b\n");
	dffix_buf_dispose(&out);
}

static void test_diff__buffer_cap_is_enomem(void **state)
{
	(void)state;
	dffix_buf out = DFFIX_BUF_INIT;
	out.cap = 16;
	assert_int_equal(dfx_diff_unified(&out, "a\nb\nc\n", 6, "a\nB\nc\n", 6, NULL), DFFIX_ENOMEM);
	assert_true(out.toobig);
	assert_null(out.ptr);
	dffix_buf_dispose(&out);
}

/* Section - properties on random inputs */

/* Whatever the inputs and context, the diff applies and its headers count
 * its lines. */
static void test_diff__random_pairs_apply(void **state)
{
	(void)state;
	uint32_t seed = 42;
	for (int round = 0; round < 2000; round++) {
		dffix_buf a = DFFIX_BUF_INIT, b = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
		uint32_t alpha = 2 + (uint32_t)round % 13;
		random_text(&a, &seed, next_random(&seed) % 80, alpha);
		if (round % 2)
			mutate(&b, &a, &seed, alpha);
		else
			random_text(&b, &seed, next_random(&seed) % 80, alpha);
		int context = round % 5 - 1; /* -1 (3), 0, 1, 2, 3 */
		dfx_diff_options opts = {"a", "b", context, 0};
		assert_int_equal(dfx_diff_unified(&out, a.ptr, a.size, b.ptr, b.size, &opts), 0);
		check_patch(a.ptr ? a.ptr : "", a.size, b.ptr ? b.ptr : "", b.size, out.ptr ? out.ptr : "", out.size,
		            context < 0 ? 3 : (size_t)context);
		dffix_buf_dispose(&a);
		dffix_buf_dispose(&b);
		dffix_buf_dispose(&out);
	}
}

/* With the default budget the script is a shortest one. */
static void test_diff__minimal_on_small_inputs(void **state)
{
	(void)state;
	uint32_t seed = 7;
	for (int round = 0; round < 3000; round++) {
		dffix_buf a = DFFIX_BUF_INIT, b = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
		uint32_t alpha = 1 + (uint32_t)round % 8;
		random_text(&a, &seed, next_random(&seed) % 60, alpha);
		if (round % 3 == 0)
			mutate(&b, &a, &seed, alpha);
		else
			random_text(&b, &seed, next_random(&seed) % 60, alpha);
		assert_int_equal(dfx_diff_unified(&out, a.ptr, a.size, b.ptr, b.size, NULL), 0);
		size_t edits = check_patch(a.ptr ? a.ptr : "", a.size, b.ptr ? b.ptr : "", b.size,
		                           out.ptr ? out.ptr : "", out.size, 3);
		assert_int_equal(edits, min_edits(a.ptr ? a.ptr : "", a.size, b.ptr ? b.ptr : "", b.size));
		dffix_buf_dispose(&a);
		dffix_buf_dispose(&b);
		dffix_buf_dispose(&out);
	}
}

/* Any budget, however small, still gives a correct diff, never shorter than
 * a shortest one. */
static void test_diff__any_budget_is_correct(void **state)
{
	(void)state;
	uint32_t seed = 99;
	for (int round = 0; round < 1500; round++) {
		dffix_buf a = DFFIX_BUF_INIT, b = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
		uint32_t alpha = 2 + (uint32_t)round % 6;
		random_text(&a, &seed, next_random(&seed) % 60, alpha);
		mutate(&b, &a, &seed, alpha);
		uint64_t budget = 1 + next_random(&seed) % 400;
		dfx_diff_options opts = {"a", "b", 2, 0};
		assert_int_equal(dfx_diff__unified_budget(&out, a.ptr, a.size, b.ptr, b.size, &opts, budget), 0);
		size_t edits = check_patch(a.ptr ? a.ptr : "", a.size, b.ptr ? b.ptr : "", b.size,
		                           out.ptr ? out.ptr : "", out.size, 2);
		assert_true(edits >= min_edits(a.ptr ? a.ptr : "", a.size, b.ptr ? b.ptr : "", b.size));
		dffix_buf_dispose(&a);
		dffix_buf_dispose(&b);
		dffix_buf_dispose(&out);
	}
}

/* When the search runs out of budget the region becomes one replaced block. */
static void test_diff__budget_fallback_replaces_block(void **state)
{
	(void)state;
	dffix_buf a = DFFIX_BUF_INIT, b = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT, minimal = DFFIX_BUF_INIT;
	for (int i = 1; i <= 50; i++) {
		/* Lines 10 and 40 swap places: the ends 1..9 and 41..50 are
		 * shared, and the search has to find the rest. */
		int j = i == 10 ? 40 : i == 40 ? 10 : i;
		assert_int_equal(dffix_buf_printf(&a, "RUN step %d\n", i), 0);
		assert_int_equal(dffix_buf_printf(&b, "RUN step %d\n", j), 0);
	}
	dfx_diff_options opts = {"a", "b", 3, 0};
	assert_int_equal(dfx_diff__unified_budget(&out, a.ptr, a.size, b.ptr, b.size, &opts, 1), 0);
	/* Lines 10..40 deleted then inserted whole, with 3 lines of context. */
	assert_true(strncmp(out.ptr, "--- a\n+++ b\n@@ -7,37 +7,37 @@\n RUN step 7\n", 42) == 0);
	assert_non_null(strstr(out.ptr, " RUN step 9\n-RUN step 10\n-RUN step 11\n"));
	assert_non_null(strstr(out.ptr, "-RUN step 40\n+RUN step 40\n+RUN step 11\n"));
	assert_int_equal(check_patch(a.ptr, a.size, b.ptr, b.size, out.ptr, out.size, 3), 62);

	/* The default budget finds the two separate edits. */
	assert_int_equal(dfx_diff_unified(&minimal, a.ptr, a.size, b.ptr, b.size, &opts), 0);
	assert_int_equal(check_patch(a.ptr, a.size, b.ptr, b.size, minimal.ptr, minimal.size, 3), 4);
	assert_int_equal(count_hunks(&minimal), 2);
	dffix_buf_dispose(&a);
	dffix_buf_dispose(&b);
	dffix_buf_dispose(&out);
	dffix_buf_dispose(&minimal);
}

/* Section - large inputs */

/* Two 1M-line files with a handful of edits: only those hunks, exactly. */
static void test_diff__large_similar_files(void **state)
{
	(void)state;
	enum { LINES = 1000000 };
	dffix_buf a = DFFIX_BUF_INIT, b = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
	for (int i = 1; i <= LINES; i++) {
		assert_int_equal(dffix_buf_printf(&a, "line %d\n", i), 0);
		if (i == 10 || i == 999900)
			assert_int_equal(dffix_buf_printf(&b, "changed %d\n", i), 0);
		else if (i != 500000)
			assert_int_equal(dffix_buf_printf(&b, "line %d\n", i), 0);
		if (i == 700000)
			assert_int_equal(dffix_buf_puts(&b, "inserted\n"), 0);
	}
	assert_int_equal(dffix_buf_puts(&b, "tail"), 0);
	dfx_diff_options opts = {"a", "b", 3, 0};
	assert_int_equal(dfx_diff_unified(&out, a.ptr, a.size, b.ptr, b.size, &opts), 0);
	assert_int_equal(count_hunks(&out), 5);
	assert_non_null(strstr(out.ptr, "\n@@ -7,7 +7,7 @@\n line 7\n line 8\n line 9\n-line 10\n+changed 10\n"));
	assert_non_null(strstr(out.ptr, "\n@@ -499997,7 +499997,6 @@\n"));
	assert_non_null(strstr(out.ptr, "\n@@ -699998,6 +699997,7 @@\n line 699998\n line 699999\n"
	                                " line 700000\n+inserted\n line 700001\n"));
	assert_non_null(strstr(out.ptr, "\n@@ -999897,7 +999897,7 @@\n"));
	assert_non_null(strstr(out.ptr, "\n@@ -999998,3 +999998,4 @@\n line 999998\n line 999999\n"
	                                " line 1000000\n+tail\n\\ No newline at end of file\n"));
	assert_int_equal(check_patch(a.ptr, a.size, b.ptr, b.size, out.ptr, out.size, 3), 7);
	dffix_buf_dispose(&a);
	dffix_buf_dispose(&b);
	dffix_buf_dispose(&out);
}

/* Two unrelated 10 MB files of lines from 1000 values share many lines, but
 * a shortest script would need ~10^6 edits: far past the budget. The search
 * gives up and the whole text becomes one replaced block, still correct. */
static void test_diff__large_unrelated_files_hit_budget(void **state)
{
	(void)state;
	dffix_buf a = DFFIX_BUF_INIT, b = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
	uint32_t seed = 2024;
	while (a.size < 10u << 20)
		assert_int_equal(dffix_buf_printf(&a, "RUN apk add pkg%u --no-cache\n", next_random(&seed) % 1000), 0);
	while (b.size < 10u << 20)
		assert_int_equal(dffix_buf_printf(&b, "RUN apk add pkg%u --no-cache\n", next_random(&seed) % 1000), 0);
	assert_int_equal(dfx_diff_unified(&out, a.ptr, a.size, b.ptr, b.size, NULL), 0);
	assert_int_equal(count_hunks(&out), 1);
	size_t edits = check_patch(a.ptr, a.size, b.ptr, b.size, out.ptr, out.size, 3);
	/* All lines but at most the few shared at the very start and end. */
	span *la, *lb;
	size_t n = split(a.ptr, a.size, &la), m = split(b.ptr, b.size, &lb);
	free(la);
	free(lb);
	assert_true(edits + 2 * 6 >= n + m);
	dffix_buf_dispose(&a);
	dffix_buf_dispose(&b);
	dffix_buf_dispose(&out);
}

/* Nothing in common at all. */
static void test_diff__nothing_in_common(void **state)
{
	(void)state;
	dffix_buf a = DFFIX_BUF_INIT, b = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
	for (int i = 0; i < 20000; i++) {
		assert_int_equal(dffix_buf_printf(&a, "old %d\n", i), 0);
		assert_int_equal(dffix_buf_printf(&b, "new %d\n", i), 0);
	}
	assert_int_equal(dfx_diff_unified(&out, a.ptr, a.size, b.ptr, b.size, NULL), 0);
	assert_true(strncmp(out.ptr, "--- a\n+++ b\n@@ -1,20000 +1,20000 @@\n-old 0\n", 42) == 0);
	assert_int_equal(check_patch(a.ptr, a.size, b.ptr, b.size, out.ptr, out.size, 3), 40000);
	dffix_buf_dispose(&a);
	dffix_buf_dispose(&b);
	dffix_buf_dispose(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_diff__single_change),
	    cmocka_unit_test(test_diff__one_line_each),
	    cmocka_unit_test(test_diff__insert),
	    cmocka_unit_test(test_diff__insert_first_delete_last),
	    cmocka_unit_test(test_diff__empty_sides),
	    cmocka_unit_test(test_diff__no_newline),
	    cmocka_unit_test(test_diff__crlf),
	    cmocka_unit_test(test_diff__hunks_merge_or_split),
	    cmocka_unit_test(test_diff__context_zero),
	    cmocka_unit_test(test_diff__color),
	    cmocka_unit_test(test_diff__equal_inputs_append_nothing),
	    cmocka_unit_test(test_diff__defaults),
	    cmocka_unit_test(test_diff__appends_after_existing_text),
	    cmocka_unit_test(test_diff__buffer_cap_is_enomem),
	    cmocka_unit_test(test_diff__random_pairs_apply),
	    cmocka_unit_test(test_diff__minimal_on_small_inputs),
	    cmocka_unit_test(test_diff__any_budget_is_correct),
	    cmocka_unit_test(test_diff__budget_fallback_replaces_block),
	    cmocka_unit_test(test_diff__large_similar_files),
	    cmocka_unit_test(test_diff__large_unrelated_files_hit_budget),
	    cmocka_unit_test(test_diff__nothing_in_common),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
