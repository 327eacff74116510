/* diff.c - unified diff for `dffix -d`.
 *
 * The analysis follows GNU diffutils step by step, so that the output is the
 * same as `diff -u --label A --label B` (the tests compare against it):
 *
 *  1. Skip the identical leading and trailing lines, but keep `context` of
 *     them at each end of the compared region (GNU's "horizon"), so that a
 *     change next to them can still slide, and `context` more around it that
 *     hunks may print.
 *  2. Number the region's lines by equivalence class (a hash table), so the
 *     search compares integers. A line's bytes include its '\n', so a last
 *     line without one never equals a line with one.
 *  3. Set aside lines that match nothing on the other side, and runs of
 *     lines that match too many (GNU's discard_confusing_lines): they are
 *     changes anyway and would only slow the search.
 *  4. Myers' O(ND) search in linear space: find the middle snake, split,
 *     repeat on both halves (an explicit stack, not recursion). As in GNU,
 *     a search that passes `too_expensive` (about the square root of the
 *     input, at least 4096) stops at its furthest-reaching diagonal.
 *  5. Slide each run of changes to a canonical place (shift_boundaries).
 *  6. Group changes into hunks and print them.
 *
 * On top of GNU's heuristic a work budget, linear in the input, bounds the
 * search: once spent, every range still to compare becomes one block of
 * deletions and insertions. Memory is linear in the number of lines.
 */
#include "diff.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "array.h"

typedef ptrdiff_t lin;
#define LIN_MAX PTRDIFF_MAX

/* The search's per-line arrays hold 32-bit values, halving their memory;
 * a region of INT32_MAX lines or more skips the search (see below). */
typedef int32_t ix;
#define IX_MAX INT32_MAX

/* One side of the comparison. "Window" lines are the region plus up to
 * `context` identical lines on each side of it, all that hunks can print. */
struct file {
	const char *text;
	size_t *start;  /* wn + 1 offsets: window line w is text[start[w]..start[w+1]) */
	lin wn;         /* lines in the window */
	lin roff;       /* window index of the region's first line */
	lin n;          /* lines in the region, the part that is compared */
	ix *equiv;      /* class of each region line, from 1 */
	char *flags;    /* n + 2 bytes; changed == flags + 1 */
	char *changed;  /* 1 = deleted/inserted; changed[-1] and changed[n] stay 0 */
	ix *kept;       /* classes of the lines the search sees (not discarded) */
	ix *realindex;  /* region index of each kept line */
	lin nkept;
};

struct diff {
	struct file f[2];
	lin base;          /* 0-based file line number of window line 0, same in both */
	ix *fdiag, *bdiag;  /* indexed by diagonal, from -(nkept1 + 1) to nkept0 + 1 */
	lin too_expensive;
	uint64_t work, budget;
};

struct line_class {
	uint64_t hash;
	const char *line; /* the first line seen of the class */
	size_t len;
};

struct change {
	lin line0, line1;     /* window indices of the first deleted/inserted line */
	lin deleted, inserted;
};

/* Section - setup */

static void *alloc_array(size_t n, size_t size)
{
	if (n == 0)
		n = 1;
	if (n > SIZE_MAX / size)
		return NULL;
	return dfx_malloc(n * size);
}

static void *zalloc_array(size_t n, size_t size)
{
	return dfx_calloc(n ? n : 1, size);
}

/* Offset of the start of the k-th line before the line starting at off. */
static size_t back_lines(const char *s, size_t off, lin k)
{
	while (k-- > 0 && off > 0) {
		off--;
		while (off > 0 && s[off - 1] != '\n')
			off--;
	}
	return off;
}

/* Offset just past the k lines starting at off. */
static size_t forward_lines(const char *s, size_t len, size_t off, lin k)
{
	while (k-- > 0 && off < len) {
		const char *nl = memchr(s + off, '\n', len - off);
		off = nl ? (size_t)(nl - s) + 1 : len;
	}
	return off;
}

static lin count_newlines(const char *s, size_t len)
{
	lin k = 0;
	const char *p = s, *end = s + len;
	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		k++;
		p++;
	}
	return k;
}

/* Fills f->start with the lines of text[lo..hi), hi being a line end. */
static int index_lines(struct file *f, const char *text, size_t lo, size_t hi)
{
	lin n = count_newlines(text + lo, hi - lo);
	if (hi > lo && text[hi - 1] != '\n')
		n++; /* the last line of the file, without a newline */
	f->text = text;
	f->wn = n;
	f->start = alloc_array((size_t)n + 1, sizeof *f->start);
	if (!f->start)
		return DFFIX_ENOMEM;
	/* A plain loop: memchr per line costs more than it saves on short lines. */
	lin w = 0;
	f->start[0] = lo;
	for (size_t p = lo; p < hi; p++)
		if (text[p] == '\n')
			f->start[++w] = p + 1;
	f->start[n] = hi;
	return 0;
}

/*
 * Step 1: finds the identical leading and trailing lines and indexes the
 * window. The trailing scan stops at the region's start, as GNU's stops at
 * the start it kept for the prefix.
 */
static int find_region(struct diff *d, const char *a, size_t alen, const char *b, size_t blen,
		       lin horizon)
{
	size_t lim = alen < blen ? alen : blen, m = 0;
	while (m < lim && a[m] == b[m])
		m++;
	/* Lines wholly inside the common bytes, '\n' included, are common. */
	lin prefix = count_newlines(a, m);
	size_t off_p = m;
	while (off_p > 0 && a[off_p - 1] != '\n')
		off_p--;
	lin keep_p = prefix < horizon ? prefix : horizon;
	size_t off_r = back_lines(a, off_p, keep_p);

	size_t ea = alen, eb = blen;
	lin suffix = 0;
	while (ea > off_r && eb > off_r) {
		size_t la = ea - 1, lb = eb - 1;
		while (la > off_r && a[la - 1] != '\n')
			la--;
		while (lb > off_r && b[lb - 1] != '\n')
			lb--;
		if (ea - la != eb - lb || memcmp(a + la, b + lb, ea - la) != 0)
			break;
		ea = la;
		eb = lb;
		suffix++;
	}
	lin keep_s = suffix < horizon ? suffix : horizon;
	size_t ra = forward_lines(a, alen, ea, keep_s);
	size_t rb = forward_lines(b, blen, eb, keep_s);

	/* The window adds up to `horizon` more common lines on each side. */
	lin rs = prefix - keep_p;
	lin pre = rs < horizon ? rs : horizon;
	size_t wlo = back_lines(a, off_r, pre);
	size_t wa = forward_lines(a, alen, ra, horizon);
	size_t wb = forward_lines(b, blen, rb, horizon);
	d->base = rs - pre;

	int error;
	if ((error = index_lines(&d->f[0], a, wlo, wa)) < 0 ||
	    (error = index_lines(&d->f[1], b, wlo, wb)) < 0)
		return error;
	d->f[0].roff = d->f[1].roff = pre;
	d->f[0].n = count_newlines(a + off_r, ra - off_r) + (ra > off_r && a[ra - 1] != '\n');
	d->f[1].n = count_newlines(b + off_r, rb - off_r) + (rb > off_r && b[rb - 1] != '\n');
	return 0;
}

/* A word-at-a-time hash: lines are compared in full on a hash match, so
 * this only needs to spread well, and to be fast on 100 MB inputs. */
static uint64_t hash_bytes(const char *s, size_t n)
{
	const uint64_t mul = 0x9e3779b97f4a7c15u;
	uint64_t h = n * mul, w;
	while (n >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * mul;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ w) * mul;
	return h ^ (h >> 29);
}

struct classes {
	ix *slot;     /* open addressing: a class number, 0 = empty */
	size_t cap;   /* a power of two, at least twice the class count */
	DFX_ARRAY(struct line_class) items; /* class c is items[c - 1] */
};

/* Doubles the slot table; classes keep their numbers. */
static int grow_classes(struct classes *t)
{
	size_t cap = t->cap ? t->cap * 2 : 1024;
	ix *slot = zalloc_array(cap, sizeof *slot);
	if (!slot)
		return DFFIX_ENOMEM;
	for (size_t c = 0; c < t->items.len; c++) {
		size_t s = (size_t)t->items.items[c].hash & (cap - 1);
		while (slot[s] != 0)
			s = (s + 1) & (cap - 1);
		slot[s] = (ix)c + 1;
	}
	dfx_free(t->slot);
	t->slot = slot;
	t->cap = cap;
	return 0;
}

/* Step 2: gives each region line the number of its class of equal lines.
 * The table grows with the classes, not the lines: a huge file of few
 * distinct lines stays small. */
static int classify(struct diff *d, lin *nclass)
{
	struct classes t = {NULL, 0, DFX_ARRAY_INIT};
	int error = DFFIX_ENOMEM;
	if (grow_classes(&t) < 0)
		goto cleanup;

	for (int k = 0; k < 2; k++) {
		struct file *f = &d->f[k];
		f->equiv = alloc_array((size_t)f->n, sizeof *f->equiv);
		if (!f->equiv)
			goto cleanup;
		for (lin i = 0; i < f->n; i++) {
			struct line_class lc;
			lc.line = f->text + f->start[f->roff + i];
			lc.len = f->start[f->roff + i + 1] - f->start[f->roff + i];
			lc.hash = hash_bytes(lc.line, lc.len);
			size_t s = (size_t)lc.hash & (t.cap - 1);
			ix c;
			while ((c = t.slot[s]) != 0) {
				const struct line_class *o = &t.items.items[c - 1];
				if (o->hash == lc.hash && o->len == lc.len &&
				    memcmp(o->line, lc.line, lc.len) == 0)
					break;
				s = (s + 1) & (t.cap - 1);
			}
			if (c == 0) {
				if (DFX_ARRAY_PUSH(&t.items, lc) < 0)
					goto cleanup;
				c = (ix)t.items.len;
				t.slot[s] = c;
				if (t.items.len * 2 > t.cap && grow_classes(&t) < 0)
					goto cleanup;
			}
			f->equiv[i] = c;
		}
	}
	*nclass = (lin)t.items.len + 1;
	error = 0;
cleanup:
	dfx_free(t.slot);
	DFX_ARRAY_FREE(&t.items);
	return error;
}

/* Step 3, for one side: keeps discards (1) only in runs that start and end
 * with a line matching nothing, and cancels the doubtful ones (2) that are
 * too many or too near a run's ends to be worth setting aside. */
static void settle_discards(char *fl, lin n)
{
	for (lin i = 0; i < n; i++) {
		if (fl[i] == 2) {
			fl[i] = 0;
			continue;
		}
		if (fl[i] == 0)
			continue;

		lin j, provisional = 0;
		for (j = i; j < n && fl[j] != 0; j++)
			if (fl[j] == 2)
				provisional++;
		while (j > i && fl[j - 1] == 2) {
			fl[--j] = 0;
			provisional--;
		}
		lin length = j - i;

		if (provisional * 4 > length) {
			while (j > i)
				if (fl[--j] == 2)
					fl[j] = 0;
			continue;
		}

		/* Subruns of about sqrt(length / 4) doubtful lines stay. */
		lin minimum = 1, tem = length >> 2, consec = 0;
		while ((tem >>= 2) > 0)
			minimum <<= 1;
		minimum++;
		for (j = 0; j < length; j++) {
			if (fl[i + j] != 2)
				consec = 0;
			else if (minimum == ++consec)
				j -= consec; /* go back and cancel the whole subrun */
			else if (minimum < consec)
				fl[i + j] = 0;
		}

		/* Near each end, cancel doubtful lines until three definite
		 * ones in a row, or a definite one at least 8 lines in. */
		consec = 0;
		for (j = 0; j < length; j++) {
			if (j >= 8 && fl[i + j] == 1)
				break;
			if (fl[i + j] == 2) {
				consec = 0;
				fl[i + j] = 0;
			} else if (fl[i + j] == 0) {
				consec = 0;
			} else if (++consec == 3) {
				break;
			}
		}
		i += length - 1;
		consec = 0;
		for (j = 0; j < length; j++) {
			if (j >= 8 && fl[i - j] == 1)
				break;
			if (fl[i - j] == 2) {
				consec = 0;
				fl[i - j] = 0;
			} else if (fl[i - j] == 0) {
				consec = 0;
			} else if (++consec == 3) {
				break;
			}
		}
	}
}

static int discard_confusing(struct diff *d, lin nclass)
{
	lin *count = zalloc_array(2 * (size_t)nclass, sizeof *count);
	char *fl[2];
	fl[0] = zalloc_array((size_t)d->f[0].n + (size_t)d->f[1].n, 1);
	fl[1] = fl[0] ? fl[0] + d->f[0].n : NULL;
	int error = DFFIX_ENOMEM;
	if (!count || !fl[0])
		goto cleanup;

	for (int k = 0; k < 2; k++)
		for (lin i = 0; i < d->f[k].n; i++)
			count[k * nclass + d->f[k].equiv[i]]++;

	for (int k = 0; k < 2; k++) {
		const struct file *f = &d->f[k];
		const lin *other = count + (1 - k) * nclass;
		/* "Many" grows with the square root of the line count. */
		lin many = 5, tem = f->n / 64;
		while ((tem >>= 2) > 0)
			many *= 2;
		for (lin i = 0; i < f->n; i++) {
			lin matches = other[f->equiv[i]];
			if (matches == 0)
				fl[k][i] = 1;
			else if (matches > many)
				fl[k][i] = 2;
		}
	}

	for (int k = 0; k < 2; k++) {
		struct file *f = &d->f[k];
		settle_discards(fl[k], f->n);
		f->kept = alloc_array((size_t)f->n, sizeof *f->kept);
		f->realindex = alloc_array((size_t)f->n, sizeof *f->realindex);
		if (!f->kept || !f->realindex)
			goto cleanup;
		lin j = 0;
		for (lin i = 0; i < f->n; i++) {
			if (fl[k][i] == 0) {
				f->kept[j] = f->equiv[i];
				f->realindex[j++] = (ix)i;
			} else {
				f->changed[i] = 1;
			}
		}
		f->nkept = j;
	}
	error = 0;
cleanup:
	dfx_free(count);
	dfx_free(fl[0]);
	return error;
}

/* Section - the search (step 4) */

struct split {
	lin xmid, ymid;
	int lo_minimal, hi_minimal; /* search that half without the cutoff */
};

/*
 * Finds where a shortest edit script of kept0[xoff..xlim) -> kept1[yoff..ylim)
 * crosses its middle, searching forward from the top-left and backward from
 * the bottom-right until the two meet. The ranges' first lines differ, and so
 * do their last lines. Returns 0, or 1 when the work budget ran out.
 */
static int middle_snake(struct diff *d, lin xoff, lin xlim, lin yoff, lin ylim, int minimal,
			struct split *out)
{
	ix *fd = d->fdiag, *bd = d->bdiag;
	const ix *xv = d->f[0].kept, *yv = d->f[1].kept;
	const lin dmin = xoff - ylim, dmax = xlim - yoff;
	const lin fmid = xoff - yoff, bmid = xlim - ylim;
	lin fmin = fmid, fmax = fmid, bmin = bmid, bmax = bmid;
	const int odd = (fmid - bmid) % 2 != 0;

	fd[fmid] = (ix)xoff;
	bd[bmid] = (ix)xlim;
	for (lin c = 1;; c++) {
		/* One more edit forward on every diagonal in reach. */
		if (fmin > dmin)
			fd[--fmin - 1] = -1;
		else
			fmin++;
		if (fmax < dmax)
			fd[++fmax + 1] = -1;
		else
			fmax--;
		for (lin k = fmax; k >= fmin; k -= 2) {
			lin lo = fd[k - 1], hi = fd[k + 1];
			lin x = lo < hi ? hi : lo + 1;
			lin x0 = x, y = x - k;
			while (x < xlim && y < ylim && xv[x] == yv[y])
				x++, y++;
			d->work += 1 + (uint64_t)(x - x0);
			fd[k] = (ix)x;
			if (odd && bmin <= k && k <= bmax && bd[k] <= x) {
				*out = (struct split){x, y, 1, 1};
				return 0;
			}
		}

		/* And one more backward. */
		if (bmin > dmin)
			bd[--bmin - 1] = IX_MAX;
		else
			bmin++;
		if (bmax < dmax)
			bd[++bmax + 1] = IX_MAX;
		else
			bmax--;
		for (lin k = bmax; k >= bmin; k -= 2) {
			lin lo = bd[k - 1], hi = bd[k + 1];
			lin x = lo < hi ? lo : hi - 1;
			lin x0 = x, y = x - k;
			while (x > xoff && y > yoff && xv[x - 1] == yv[y - 1])
				x--, y--;
			d->work += 1 + (uint64_t)(x0 - x);
			bd[k] = (ix)x;
			if (!odd && fmin <= k && k <= fmax && x <= fd[k]) {
				*out = (struct split){x, y, 1, 1};
				return 0;
			}
		}

		if (d->work > d->budget)
			return 1;
		if (minimal || c < d->too_expensive)
			continue;

		/* Too expensive: split at whichever search got furthest. */
		lin fxybest = -1, fxbest = 0, bxybest = LIN_MAX, bxbest = 0;
		for (lin k = fmax; k >= fmin; k -= 2) {
			lin x = fd[k] < xlim ? fd[k] : xlim, y = x - k;
			if (ylim < y)
				x = ylim + k, y = ylim;
			if (fxybest < x + y)
				fxybest = x + y, fxbest = x;
		}
		for (lin k = bmax; k >= bmin; k -= 2) {
			lin x = bd[k] > xoff ? bd[k] : xoff, y = x - k;
			if (y < yoff)
				x = yoff + k, y = yoff;
			if (x + y < bxybest)
				bxybest = x + y, bxbest = x;
		}
		if ((xlim + ylim) - bxybest < fxybest - (xoff + yoff))
			*out = (struct split){fxbest, fxybest - fxbest, 1, 0};
		else
			*out = (struct split){bxbest, bxybest - bxbest, 0, 1};
		return 0;
	}
}

struct range {
	lin xoff, xlim, yoff, ylim;
	int minimal;
};

static void mark_changed(struct diff *d, const struct range *r)
{
	for (lin x = r->xoff; x < r->xlim; x++)
		d->f[0].changed[d->f[0].realindex[x]] = 1;
	for (lin y = r->yoff; y < r->ylim; y++)
		d->f[1].changed[d->f[1].realindex[y]] = 1;
}

static int compare(struct diff *d)
{
	const ix *xv = d->f[0].kept, *yv = d->f[1].kept;
	DFX_ARRAY(struct range) stack = DFX_ARRAY_INIT;
	struct range r = {0, d->f[0].nkept, 0, d->f[1].nkept, 0};
	int error = DFFIX_ENOMEM;
	if (DFX_ARRAY_PUSH(&stack, r) < 0)
		goto cleanup;

	while (stack.len > 0) {
		r = stack.items[--stack.len];
		lin x0 = r.xoff;
		while (r.xoff < r.xlim && r.yoff < r.ylim && xv[r.xoff] == yv[r.yoff])
			r.xoff++, r.yoff++;
		while (r.xoff < r.xlim && r.yoff < r.ylim && xv[r.xlim - 1] == yv[r.ylim - 1])
			r.xlim--, r.ylim--;
		d->work += (uint64_t)(r.xoff - x0);

		struct split s;
		if (r.xoff == r.xlim || r.yoff == r.ylim || d->work > d->budget ||
		    middle_snake(d, r.xoff, r.xlim, r.yoff, r.ylim, r.minimal, &s)) {
			mark_changed(d, &r);
			continue;
		}
		/* The low half goes on top, so it is done first, as in GNU. */
		struct range hi = {s.xmid, r.xlim, s.ymid, r.ylim, s.hi_minimal};
		struct range lo = {r.xoff, s.xmid, r.yoff, s.ymid, s.lo_minimal};
		if (DFX_ARRAY_PUSH(&stack, hi) < 0 || DFX_ARRAY_PUSH(&stack, lo) < 0)
			goto cleanup;
	}
	error = 0;
cleanup:
	DFX_ARRAY_FREE(&stack);
	return error;
}

/*
 * Step 5: moves each run of changes as far down as it goes, merging runs that
 * meet, then back up to line up with a run on the other side if one exists
 * there; this is what makes equal diffs print alike (GNU shift_boundaries).
 */
static void shift_boundaries(struct diff *d)
{
	for (int k = 0; k < 2; k++) {
		char *changed = d->f[k].changed;
		const char *other = d->f[1 - k].changed;
		const ix *eq = d->f[k].equiv;
		const lin n = d->f[k].n;
		lin i = 0, j = 0; /* j follows i's corresponding line on the other side */

		for (;;) {
			while (i < n && !changed[i]) {
				while (other[j++])
					;
				i++;
			}
			if (i == n)
				break;

			lin start = i, runlength, corresponding;
			while (changed[++i])
				;
			while (other[j])
				j++;

			do {
				runlength = i - start;
				/* Up while the line above equals the run's last. */
				while (start > 0 && eq[start - 1] == eq[i - 1]) {
					changed[--start] = 1;
					changed[--i] = 0;
					while (changed[start - 1])
						start--;
					while (other[--j])
						;
				}
				/* The last end where the run faces a change on the other side. */
				corresponding = other[j - 1] ? i : n;
				/* Down while the run's first line equals the line below. */
				while (i != n && eq[start] == eq[i]) {
					changed[start++] = 0;
					changed[i++] = 1;
					while (changed[i])
						i++;
					while (other[++j])
						corresponding = i;
				}
			} while (runlength != i - start);

			while (corresponding < i) {
				changed[--start] = 1;
				changed[--i] = 0;
				while (other[--j])
					;
			}
		}
	}
}

/* Section - output (step 6) */

#define BOLD "\033[1m"
#define RED "\033[31m"
#define GREEN "\033[32m"
#define CYAN "\033[36m"
#define RESET "\033[0m"

static int put_line(dffix_buf *out, const struct file *f, lin w, char sign, const char *color)
{
	const char *line = f->text + f->start[w];
	size_t len = f->start[w + 1] - f->start[w];
	int complete = len > 0 && line[len - 1] == '\n';
	int error;
	if (complete && !color) {
		/* The common case in two appends: the line keeps its '\n'. */
		if ((error = dffix_buf_put(out, &sign, 1)) < 0)
			return error;
		return dffix_buf_put(out, line, len);
	}
	if (complete)
		len--;
	if ((color && (error = dffix_buf_puts(out, color)) < 0) ||
	    (error = dffix_buf_put(out, &sign, 1)) < 0 ||
	    (error = dffix_buf_put(out, line, len)) < 0 ||
	    (color && (error = dffix_buf_puts(out, RESET)) < 0) ||
	    (error = dffix_buf_put(out, "\n", 1)) < 0)
		return error;
	if (!complete)
		return dffix_buf_puts(out, "\\ No newline at end of file\n");
	return 0;
}

/* "l,s" with GNU's shorthands: "l" when s is 1, and the line before the
 * (empty) range when s is 0. first is a 0-based file line number. */
static int put_range(dffix_buf *out, lin first, lin count)
{
	if (count == 0)
		return dffix_buf_printf(out, "%td,0", first);
	if (count == 1)
		return dffix_buf_printf(out, "%td", first + 1);
	return dffix_buf_printf(out, "%td,%td", first + 1, count);
}

static int put_hunk(dffix_buf *out, const struct diff *d, const struct change *c, size_t nc,
		    lin context, int color)
{
	const struct file *f0 = &d->f[0], *f1 = &d->f[1];
	const struct change *last = &c[nc - 1];
	lin first0 = c->line0 - context, first1 = c->line1 - context;
	if (first0 < 0 || first1 < 0) {
		lin cut = first0 < first1 ? -first0 : -first1;
		first0 += cut;
		first1 += cut;
	}
	lin end0 = last->line0 + last->deleted + context;
	lin end1 = last->line1 + last->inserted + context;
	if (end0 > f0->wn || end1 > f1->wn) {
		lin cut = end0 - f0->wn > end1 - f1->wn ? end0 - f0->wn : end1 - f1->wn;
		end0 -= cut;
		end1 -= cut;
	}

	int error;
	if ((color && (error = dffix_buf_puts(out, CYAN)) < 0) ||
	    (error = dffix_buf_puts(out, "@@ -")) < 0 ||
	    (error = put_range(out, d->base + first0, end0 - first0)) < 0 ||
	    (error = dffix_buf_puts(out, " +")) < 0 ||
	    (error = put_range(out, d->base + first1, end1 - first1)) < 0 ||
	    (error = dffix_buf_puts(out, " @@")) < 0 ||
	    (color && (error = dffix_buf_puts(out, RESET)) < 0) ||
	    (error = dffix_buf_put(out, "\n", 1)) < 0)
		return error;

	lin i = first0, j = first1;
	size_t k = 0;
	while (i < end0 || j < end1) {
		if (k == nc || i < c[k].line0) {
			if ((error = put_line(out, f0, i, ' ', NULL)) < 0)
				return error;
			i++, j++;
			continue;
		}
		for (lin n = 0; n < c[k].deleted; n++)
			if ((error = put_line(out, f0, i++, '-', color ? RED : NULL)) < 0)
				return error;
		for (lin n = 0; n < c[k].inserted; n++)
			if ((error = put_line(out, f1, j++, '+', color ? GREEN : NULL)) < 0)
				return error;
		k++;
	}
	return 0;
}

static int put_header(dffix_buf *out, const char *mark, const char *label, int color)
{
	int error;
	if ((color && (error = dffix_buf_puts(out, BOLD)) < 0) ||
	    (error = dffix_buf_puts(out, mark)) < 0 || (error = dffix_buf_puts(out, label)) < 0 ||
	    (color && (error = dffix_buf_puts(out, RESET)) < 0))
		return error;
	return dffix_buf_put(out, "\n", 1);
}

static int print_diff(dffix_buf *out, const struct diff *d, lin context, const char *old_label,
		      const char *new_label, int color)
{
	const struct file *f0 = &d->f[0], *f1 = &d->f[1];
	DFX_ARRAY(struct change) changes = DFX_ARRAY_INIT;
	int error = DFFIX_ENOMEM;

	/* Unchanged lines pair up, so both sides reach their ends together. */
	for (lin i0 = 0, i1 = 0; i0 < f0->n || i1 < f1->n;) {
		if (f0->changed[i0] || f1->changed[i1]) {
			struct change c = {i0 + f0->roff, i1 + f1->roff, 0, 0};
			while (f0->changed[i0])
				i0++;
			while (f1->changed[i1])
				i1++;
			c.deleted = i0 + f0->roff - c.line0;
			c.inserted = i1 + f1->roff - c.line1;
			if (DFX_ARRAY_PUSH(&changes, c) < 0)
				goto cleanup;
		}
		if (i0 < f0->n)
			i0++;
		if (i1 < f1->n)
			i1++;
	}

	error = 0;
	if (changes.len == 0)
		goto cleanup;
	if ((error = put_header(out, "--- ", old_label, color)) < 0 ||
	    (error = put_header(out, "+++ ", new_label, color)) < 0)
		goto cleanup;
	for (size_t h = 0; h < changes.len;) {
		/* A hunk takes the next change while at most 2 * context
		 * unchanged lines separate them. */
		size_t e = h + 1;
		while (e < changes.len && changes.items[e].line0 - (changes.items[e - 1].line0 +
								    changes.items[e - 1].deleted) <=
						  2 * context)
			e++;
		if ((error = put_hunk(out, d, changes.items + h, e - h, context, color)) < 0)
			goto cleanup;
		h = e;
	}
cleanup:
	DFX_ARRAY_FREE(&changes);
	return error;
}

/* Section - entry point */

static void dispose(struct diff *d)
{
	for (int k = 0; k < 2; k++) {
		struct file *f = &d->f[k];
		dfx_free(f->start);
		dfx_free(f->equiv);
		dfx_free(f->flags);
		dfx_free(f->kept);
		dfx_free(f->realindex);
	}
}

/* Steps 2 to 5: fills the changed flags of both regions. */
static int analyze(struct diff *d)
{
	lin nclass = 0;
	int error;

	if (d->f[0].n + d->f[1].n + 3 > IX_MAX) {
		/* Past what 32-bit indices hold (gigabytes of short lines):
		 * report the whole region as replaced rather than search it. */
		memset(d->f[0].changed, 1, (size_t)d->f[0].n);
		memset(d->f[1].changed, 1, (size_t)d->f[1].n);
		return 0;
	}
	if ((error = classify(d, &nclass)) < 0 || (error = discard_confusing(d, nclass)) < 0)
		return error;

	lin diags = d->f[0].nkept + d->f[1].nkept + 3;
	ix *diag = alloc_array(2 * (size_t)diags, sizeof *diag);
	if (!diag)
		return DFFIX_ENOMEM;
	d->fdiag = diag + d->f[1].nkept + 1;
	d->bdiag = diag + diags + d->f[1].nkept + 1;
	/* GNU's cutoff: about the square root of the input, at least 4096. */
	d->too_expensive = 1;
	for (lin t = diags; t != 0; t >>= 2)
		d->too_expensive <<= 1;
	if (d->too_expensive < 4096)
		d->too_expensive = 4096;
	/* Enough for GNU's answer on anything but inputs with hundreds of
	 * thousands of scattered changes; about a second of search at most. */
	d->budget = ((uint64_t)1 << 28) + 4 * (uint64_t)diags;

	error = compare(d);
	dfx_free(diag);
	d->fdiag = d->bdiag = NULL;
	if (error < 0)
		return error;
	shift_boundaries(d);
	return 0;
}

int dfx_diff_unified(dffix_buf *out, const char *a, size_t alen, const char *b, size_t blen,
		     const dfx_diff_options *opts)
{
	static const dfx_diff_options defaults = DFX_DIFF_OPTIONS_INIT;
	if (!opts)
		opts = &defaults;
	if (!a)
		a = "";
	if (!b)
		b = "";
	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return 0;

	lin context = opts->context < 0 ? 3 : opts->context;
	struct diff d;
	int error;
	memset(&d, 0, sizeof d);

	if ((error = find_region(&d, a, alen, b, blen, context)) < 0)
		goto cleanup;
	error = DFFIX_ENOMEM;
	for (int k = 0; k < 2; k++) {
		d.f[k].flags = zalloc_array((size_t)d.f[k].n + 2, 1);
		if (!d.f[k].flags)
			goto cleanup;
		d.f[k].changed = d.f[k].flags + 1;
	}
	if ((error = analyze(&d)) < 0)
		goto cleanup;
	error = print_diff(out, &d, context, opts->old_label ? opts->old_label : "a",
			   opts->new_label ? opts->new_label : "b", opts->color);
cleanup:
	dispose(&d);
	return error;
}
