/*
 * diff.c - the unified diff behind `dffix -d`.
 *
 * Written from the published description of E. W. Myers, "An O(ND)
 * Difference Algorithm and Its Variations" (Algorithmica 1, 1986): the greedy
 * search for furthest-reaching paths, run from both ends at once to find the
 * "middle snake" of a shortest edit script, and the divide-and-conquer that
 * solves the two halves on either side of it in linear space.
 *
 * The steps: split both texts into lines; set aside the lines they share at
 * the start and at the end; number the remaining lines so that equal lines
 * get equal numbers; search; print the lines the search marked as hunks.
 *
 * The search is bounded. Every diagonal probed and every pair of lines
 * compared costs a step; once the steps pass the budget, each region still
 * unsolved is reported as deleted and inserted whole. The diff stays correct,
 * only longer than necessary.
 */
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "diff.h"

/* The budget is a fixed allowance plus a few steps per line, so that the
 * snakes of two huge but similar files never run out of it. */
#define BUDGET_BASE     ((uint64_t)1 << 26)
#define BUDGET_PER_LINE 16u

#define NONE ((ptrdiff_t)-1) /* a diagonal no path reaches (yet) */

static const char BOLD[] = "\033[1m";
static const char RED[] = "\033[31m";
static const char GREEN[] = "\033[32m";
static const char CYAN[] = "\033[36m";
static const char RESET[] = "\033[m";

/* Section - lines */

typedef struct side {
	const char *text;
	size_t n;               /* number of lines */
	size_t *start;          /* n + 1 offsets: line i is text[start[i], start[i + 1]) */
	unsigned char *changed; /* n flags: deleted (old side) or inserted (new side) */
} side;

/* Allocates count elements of size bytes, or NULL on overflow or failure. */
static void *alloc_array(size_t count, size_t size, int zeroed)
{
	if (count == 0)
		count = 1;
	if (count > SIZE_MAX / size)
		return NULL;
	return zeroed ? dfx_calloc(count, size) : dfx_malloc(count * size);
}

/* Every line keeps its '\n'; only the last one may lack it. An empty text has
 * no lines at all. */
static int split_lines(side *s, const char *text, size_t len)
{
	const char *p = text, *end = len ? text + len : text; /* text may be NULL when empty */
	size_t n = 0;

	s->text = text;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
		n++;
	}
	s->n = n;
	s->start = alloc_array(n + 1, sizeof(*s->start), 0);
	s->changed = alloc_array(n, 1, 1);
	if (!s->start || !s->changed)
		return DFFIX_ENOMEM;
	p = text;
	for (size_t i = 0; i < n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		s->start[i] = (size_t)(p - text);
		p = nl ? nl + 1 : end;
	}
	s->start[n] = len;
	return 0;
}

static size_t line_len(const side *s, size_t i)
{
	return s->start[i + 1] - s->start[i];
}

static int same_line(const side *a, size_t i, const side *b, size_t j)
{
	size_t len = line_len(a, i);
	return len == line_len(b, j) && memcmp(a->text + a->start[i], b->text + b->start[j], len) == 0;
}

/* Section - numbering lines */

typedef struct uniq {
	uint64_t hash;
	const char *p;
	size_t len;
} uniq;

typedef struct interner {
	size_t *slot; /* open addressing; 0 = empty, else 1 + index into u */
	size_t mask;  /* slots - 1; slots is a power of two */
	int shift;    /* 64 - log2(slots) */
	uniq *u;      /* one entry per distinct line seen */
	size_t nu;
} interner;

static uint64_t hash_bytes(const char *p, size_t n)
{
	/* FNV-1a: cheap, and collisions only cost a memcmp. */
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

/* Returns the number of the line p[0, len): the same for equal lines. */
static size_t intern(interner *t, const char *p, size_t len)
{
	uint64_t h = hash_bytes(p, len);
	/* FNV's low bits are weak for lines that differ in a digit or two:
	 * take the slot from the top bits of h times 2^64 / phi. */
	size_t k = (size_t)((h * UINT64_C(0x9E3779B97F4A7C15)) >> t->shift);

	for (;;) {
		size_t s = t->slot[k];
		if (!s) {
			t->u[t->nu].hash = h;
			t->u[t->nu].p = p;
			t->u[t->nu].len = len;
			t->slot[k] = ++t->nu;
			return t->nu - 1;
		}
		const uniq *e = &t->u[s - 1];
		if (e->hash == h && e->len == len && memcmp(e->p, p, len) == 0)
			return s - 1;
		k = (k + 1) & t->mask;
	}
}

/* Fills ids[0, n) for lines first.. of a, then ids[n, n + m) for lines
 * first.. of b. */
static int number_lines(size_t *ids, const side *a, const side *b, size_t first, size_t n, size_t m)
{
	interner t = {NULL, 0, 60, NULL, 0};
	size_t cap = 16;
	int error = 0;

	/* At most half full, so probes stay short. */
	while (cap / 2 < n + m) {
		if (cap > SIZE_MAX / 2)
			return DFFIX_ENOMEM;
		cap *= 2;
		t.shift--;
	}
	t.mask = cap - 1;
	t.slot = alloc_array(cap, sizeof(*t.slot), 1);
	t.u = alloc_array(n + m, sizeof(*t.u), 0);
	if (!t.slot || !t.u) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = intern(&t, a->text + a->start[first + i], line_len(a, first + i));
	for (size_t j = 0; j < m; j++)
		ids[n + j] = intern(&t, b->text + b->start[first + j], line_len(b, first + j));
cleanup:
	dfx_free(t.slot);
	dfx_free(t.u);
	return error;
}

/* Section - the search */

typedef struct search {
	const size_t *a, *b;      /* line numbers of the region between the shared ends */
	unsigned char *del, *ins; /* the changed flags of those same lines */
	ptrdiff_t *fwd, *bwd;     /* furthest x per diagonal, centred: index -lim..lim */
	ptrdiff_t lim;            /* the search gives up before d reaches lim */
	uint64_t work, budget;    /* steps taken, steps allowed */
} search;

/* A snake from (x, y) to (u, v) that lies on a shortest path. */
typedef struct snake {
	ptrdiff_t x, y, u, v;
} snake;

/* Charges steps; says whether the budget is spent. */
static int spend(search *s, ptrdiff_t steps)
{
	s->work += (uint64_t)steps;
	return s->work > s->budget;
}

/*
 * Finds the middle snake of a shortest path from (x0, y0) to (x1, y1).
 *
 * Coordinates are relative to (x0, y0): x counts lines of a, y lines of b,
 * and diagonal k holds the points with x - y = k. Round d extends the
 * furthest-reaching paths with d edits from the top-left corner (fwd, by
 * diagonal k) and from the bottom-right corner (bwd, by c = k - delta where
 * delta = n - m is the corner's diagonal). When delta is odd the two fronts
 * can first meet in a forward step, otherwise in a backward one; the first
 * meeting gives a shortest path, and the snake just followed is its middle.
 * Moves that would leave the grid are never taken.
 *
 * Returns 0, or -1 when the budget or the arrays run out.
 */
static int middle_snake(search *s, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t y0, ptrdiff_t y1, snake *out)
{
	const size_t *a = s->a + x0, *b = s->b + y0;
	ptrdiff_t n = x1 - x0, m = y1 - y0, delta = n - m;
	ptrdiff_t *f = s->fwd + s->lim, *r = s->bwd + s->lim;
	int odd = delta % 2 != 0;

	for (ptrdiff_t d = 0; d <= (n + m + 1) / 2; d++) {
		if (d >= s->lim)
			return -1;
		for (ptrdiff_t k = -d; k <= d; k += 2) {
			ptrdiff_t x, y, x_start, c = k - delta;
			if (k < -m || k > n) {
				f[k] = NONE;
				if (spend(s, 1))
					return -1;
				continue;
			}
			if (d == 0) {
				x = 0;
			} else {
				x = NONE;
				/* Down, from diagonal k + 1: one line of b inserted. */
				if (k < d && f[k + 1] != NONE && f[k + 1] - (k + 1) < m)
					x = f[k + 1];
				/* Right, from diagonal k - 1: one line of a deleted. */
				if (k > -d && f[k - 1] != NONE && f[k - 1] < n && f[k - 1] + 1 > x)
					x = f[k - 1] + 1;
			}
			if (x == NONE) {
				f[k] = NONE;
				if (spend(s, 1))
					return -1;
				continue;
			}
			x_start = x;
			y = x - k;
			while (x < n && y < m && a[x] == b[y]) {
				x++;
				y++;
			}
			f[k] = x;
			if (spend(s, 1 + x - x_start))
				return -1;
			/* The backward fronts are from round d - 1 here. */
			if (odd && c >= -(d - 1) && c <= d - 1 && r[c] != NONE && x >= r[c]) {
				out->x = x0 + x_start;
				out->y = y0 + x_start - k;
				out->u = x0 + x;
				out->v = y0 + y;
				return 0;
			}
		}
		for (ptrdiff_t c = -d; c <= d; c += 2) {
			ptrdiff_t x, y, x_start, k = c + delta;
			if (k < -m || k > n) {
				r[c] = NONE;
				if (spend(s, 1))
					return -1;
				continue;
			}
			if (d == 0) {
				x = n;
			} else {
				x = NONE;
				/* Left, from diagonal k + 1: one line of a deleted. */
				if (c < d && r[c + 1] != NONE && r[c + 1] > 0)
					x = r[c + 1] - 1;
				/* Up, from diagonal k - 1: one line of b inserted. */
				if (c > -d && r[c - 1] != NONE && r[c - 1] - (k - 1) > 0 && (x == NONE || r[c - 1] < x))
					x = r[c - 1];
			}
			if (x == NONE) {
				r[c] = NONE;
				if (spend(s, 1))
					return -1;
				continue;
			}
			x_start = x;
			y = x - k;
			while (x > 0 && y > 0 && a[x - 1] == b[y - 1]) {
				x--;
				y--;
			}
			r[c] = x;
			if (spend(s, 1 + x_start - x))
				return -1;
			/* The forward fronts are from this same round. */
			if (!odd && k >= -d && k <= d && f[k] != NONE && f[k] >= x) {
				out->x = x0 + x;
				out->y = y0 + y;
				out->u = x0 + x_start;
				out->v = y0 + x_start - k;
				return 0;
			}
		}
	}
	return -1;
}

static void mark_all(search *s, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t y0, ptrdiff_t y1)
{
	if (x1 > x0)
		memset(s->del + x0, 1, (size_t)(x1 - x0));
	if (y1 > y0)
		memset(s->ins + y0, 1, (size_t)(y1 - y0));
}

/*
 * Marks a shortest edit script from a[x0, x1) to b[y0, y1). Each half of a
 * middle snake needs at most half the edits of the whole, so the recursion
 * is about log2(edits) deep; the second half is done by looping.
 */
static void solve(search *s, ptrdiff_t x0, ptrdiff_t x1, ptrdiff_t y0, ptrdiff_t y1)
{
	for (;;) {
		snake mid;
		while (x0 < x1 && y0 < y1 && s->a[x0] == s->b[y0]) {
			x0++;
			y0++;
		}
		while (x0 < x1 && y0 < y1 && s->a[x1 - 1] == s->b[y1 - 1]) {
			x1--;
			y1--;
		}
		if (x0 == x1 || y0 == y1) {
			mark_all(s, x0, x1, y0, y1);
			return;
		}
		/* Out of budget, or (never expected) a half as big as the whole:
		 * report the region as replaced rather than loop. */
		if (middle_snake(s, x0, x1, y0, y1, &mid) < 0 || (mid.x == x1 && mid.y == y1) ||
		    (mid.u == x0 && mid.v == y0)) {
			mark_all(s, x0, x1, y0, y1);
			return;
		}
		solve(s, x0, mid.x, y0, mid.y);
		x0 = mid.u;
		y0 = mid.v;
	}
}

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0;
	for (int bit = 31; bit >= 0; bit--) {
		uint64_t t = r | ((uint64_t)1 << bit);
		if (t * t <= v)
			r = t;
	}
	return r;
}

/* Marks the changed lines of a[first, first + n) and b[first, first + m). */
static int mark_changes(side *a, side *b, size_t first, size_t n, size_t m, uint64_t budget)
{
	search s;
	size_t *ids = NULL;
	ptrdiff_t *v = NULL;
	int error = 0;

	if (n == 0 || m == 0) {
		memset(a->changed + first, 1, n);
		memset(b->changed + first, 1, m);
		return 0;
	}
	if (n > (size_t)PTRDIFF_MAX / 4 || m > (size_t)PTRDIFF_MAX / 4)
		return DFFIX_ENOMEM;
	if (!(ids = alloc_array(n + m, sizeof(*ids), 0))) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	if ((error = number_lines(ids, a, b, first, n, m)) < 0)
		goto cleanup;

	memset(&s, 0, sizeof(s));
	s.a = ids;
	s.b = ids + n;
	s.del = a->changed + first;
	s.ins = b->changed + first;
	s.budget = budget ? budget : BUDGET_BASE + (uint64_t)BUDGET_PER_LINE * (n + m);
	/* Rounds 0..d cost at least (d + 1) * (d + 2) steps, so a round past
	 * sqrt(budget) is never reached, nor one past (n + m + 1) / 2: the
	 * arrays need no more diagonals than that. */
	uint64_t rounds = isqrt(s.budget) + 2, most = (n + m + 1) / 2 + 1;
	s.lim = (ptrdiff_t)(rounds < most ? rounds : most) + 1;
	if (!(v = alloc_array(2 * (2 * (size_t)s.lim + 1), sizeof(*v), 0))) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	s.fwd = v;
	s.bwd = v + 2 * s.lim + 1;
	solve(&s, 0, (ptrdiff_t)n, 0, (ptrdiff_t)m);
cleanup:
	dfx_free(ids);
	dfx_free(v);
	return error;
}

/* Section - printing */

/* Prints one line with its mark, and the note when it has no newline. */
static int put_line(dffix_buf *out, char mark, const side *s, size_t i, const char *color)
{
	const char *p = s->text + s->start[i];
	size_t len = line_len(s, i);
	int has_nl = p[len - 1] == '\n';
	int error;

	if (color && (error = dffix_buf_puts(out, color)) < 0)
		return error;
	if ((error = dffix_buf_put(out, &mark, 1)) < 0 || (error = dffix_buf_put(out, p, len - (size_t)has_nl)) < 0)
		return error;
	if (color && (error = dffix_buf_puts(out, RESET)) < 0)
		return error;
	if ((error = dffix_buf_put(out, "\n", 1)) < 0)
		return error;
	if (!has_nl)
		return dffix_buf_puts(out, "\\ No newline at end of file\n");
	return 0;
}

/* "l,s" with l 1-based; a count of 1 is left out, and an empty range names
 * the line before it. */
static int put_range(dffix_buf *out, size_t start, size_t count)
{
	if (count == 1)
		return dffix_buf_printf(out, "%zu", start + 1);
	return dffix_buf_printf(out, "%zu,%zu", count ? start + 1 : start, count);
}

static int put_header(dffix_buf *out, const char *prefix, const char *label, int color)
{
	return dffix_buf_printf(out, "%s%s%s%s\n", color ? BOLD : "", prefix, label, color ? RESET : "");
}

static int is_shared(const side *a, size_t i, const side *b, size_t j)
{
	return i < a->n && j < b->n && !a->changed[i] && !b->changed[j];
}

/* Moves (i, j) past shared lines to the next block of changes; says whether
 * there is one. Shared lines pair up in order, so when either side is at a
 * change or at its end, the other is at a change or its end too. */
static int next_block(const side *a, const side *b, size_t *i, size_t *j)
{
	while (is_shared(a, *i, b, *j)) {
		(*i)++;
		(*j)++;
	}
	return *i < a->n || *j < b->n;
}

static void skip_block(const side *a, const side *b, size_t *i, size_t *j)
{
	while (*i < a->n && a->changed[*i])
		(*i)++;
	while (*j < b->n && b->changed[*j])
		(*j)++;
}

/* Prints the hunk a[i0, i1) / b[j0, j1): shared lines as context, each block
 * of changes as its deletions then its insertions. */
static int put_hunk(dffix_buf *out, const side *a, const side *b, size_t i0, size_t i1, size_t j0, size_t j1, int color)
{
	int error;

	if ((color && (error = dffix_buf_puts(out, CYAN)) < 0) || (error = dffix_buf_puts(out, "@@ -")) < 0 ||
	    (error = put_range(out, i0, i1 - i0)) < 0 || (error = dffix_buf_puts(out, " +")) < 0 ||
	    (error = put_range(out, j0, j1 - j0)) < 0 || (error = dffix_buf_puts(out, " @@")) < 0 ||
	    (color && (error = dffix_buf_puts(out, RESET)) < 0) || (error = dffix_buf_put(out, "\n", 1)) < 0)
		return error;
	while (i0 < i1 || j0 < j1) {
		if (i0 < i1 && j0 < j1 && is_shared(a, i0, b, j0)) {
			if ((error = put_line(out, ' ', a, i0, NULL)) < 0)
				return error;
			i0++;
			j0++;
			continue;
		}
		size_t i = i0, j = j0;
		for (; i0 < i1 && a->changed[i0]; i0++)
			if ((error = put_line(out, '-', a, i0, color ? RED : NULL)) < 0)
				return error;
		for (; j0 < j1 && b->changed[j0]; j0++)
			if ((error = put_line(out, '+', b, j0, color ? GREEN : NULL)) < 0)
				return error;
		if (i == i0 && j == j0)
			break; /* unpaired shared lines: cannot happen, but never spin */
	}
	return 0;
}

/*
 * Groups the changes into hunks. Each block of changes gets up to `context`
 * shared lines on either side, and two blocks separated by at most
 * 2 * context shared lines go in one hunk, so hunks never overlap or touch.
 */
static int put_hunks(dffix_buf *out, const side *a, const side *b, const dfx_diff_options *opts)
{
	size_t ctx = opts->context < 0 ? 3 : (size_t)opts->context;
	size_t i = 0, j = 0, done = 0; /* done: lines of a up to the last hunk's end */
	int color = opts->color != 0, error;

	if (!next_block(a, b, &i, &j))
		return 0;
	if ((error = put_header(out, "--- ", opts->old_label ? opts->old_label : "a", color)) < 0 ||
	    (error = put_header(out, "+++ ", opts->new_label ? opts->new_label : "b", color)) < 0)
		return error;
	do {
		/* Shared lines before the block; the same count on both sides. */
		size_t before = i - done < ctx ? i - done : ctx;
		size_t hi = i - before, hj = j - before, ei = i, ej = j;
		for (;;) {
			size_t ni, nj;
			skip_block(a, b, &ei, &ej);
			ni = ei;
			nj = ej;
			if (!next_block(a, b, &ni, &nj) || ni - ei > 2 * ctx)
				break;
			ei = ni;
			ej = nj;
		}
		/* The next block, if any, is more than 2 * ctx lines away. */
		size_t after = a->n - ei < ctx ? a->n - ei : ctx;
		if ((error = put_hunk(out, a, b, hi, ei + after, hj, ej + after, color)) < 0)
			return error;
		i = done = ei + after;
		j = ej + after;
	} while (next_block(a, b, &i, &j));
	return 0;
}

/* Section - entry points */

int dfx_diff__unified_budget(dffix_buf *out, const char *a, size_t alen, const char *b, size_t blen,
                             const dfx_diff_options *opts, uint64_t budget)
{
	static const dfx_diff_options defaults = DFX_DIFF_OPTIONS_INIT;
	side sa = {NULL, 0, NULL, NULL}, sb = {NULL, 0, NULL, NULL};
	size_t pre = 0, suf = 0;
	int error;

	if (!opts)
		opts = &defaults;
	if (!a)
		alen = 0;
	if (!b)
		blen = 0;
	if ((error = split_lines(&sa, a, alen)) < 0 || (error = split_lines(&sb, b, blen)) < 0)
		goto cleanup;
	/* Lines shared at both ends are part of some shortest script: set
	 * them aside before numbering anything. */
	while (pre < sa.n && pre < sb.n && same_line(&sa, pre, &sb, pre))
		pre++;
	while (suf < sa.n - pre && suf < sb.n - pre && same_line(&sa, sa.n - 1 - suf, &sb, sb.n - 1 - suf))
		suf++;
	if (pre + suf == sa.n && pre + suf == sb.n)
		goto cleanup; /* equal: nothing to print */
	if ((error = mark_changes(&sa, &sb, pre, sa.n - pre - suf, sb.n - pre - suf, budget)) < 0)
		goto cleanup;
	error = put_hunks(out, &sa, &sb, opts);
cleanup:
	dfx_free(sa.start);
	dfx_free(sa.changed);
	dfx_free(sb.start);
	dfx_free(sb.changed);
	return error;
}

int dfx_diff_unified(dffix_buf *out, const char *a, size_t alen, const char *b, size_t blen,
                     const dfx_diff_options *opts)
{
	return dfx_diff__unified_budget(out, a, alen, b, blen, opts, 0);
}
