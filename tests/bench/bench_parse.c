/*
 * bench_parse.c - in-process throughput and memory of libdffix over a corpus.
 *
 * usage: bench_parse [--seconds S] CORPUS_DIR [LIST]
 *
 * LIST (default CORPUS_DIR/MANIFEST.tsv) names one file per line, relative to
 * CORPUS_DIR, in its first tab-separated column. Every file is read into
 * memory first; then the library runs over all of them in rounds, timed
 * until at least S seconds (default 1.5) have passed for each measurement:
 *
 *   parse+reprint  dffix_doc_parse + dffix_doc_reprint + dffix_doc_free
 *   parse+format   dffix_doc_parse + dffix_doc_format (no passes) + free
 *   parse+fix+format  with every pass on (what `dffix FILE` does)
 *
 * Throughput is input bytes over this thread's CPU time (one core, robust
 * against other load on the machine); wall-clock figures are printed too.
 *
 * Memory: this program replaces malloc/calloc/realloc/free (glibc supports
 * that by symbol interposition) to count live heap bytes, so the peak heap
 * growth while one file goes through parse+fix+format+free is exact: arena
 * blocks, diagnostics, output buffer. The arena total (doc->arena.total, from
 * src/cst.h) is printed beside it.
 *
 * Output is figures only (key: value lines); it never fails on a target.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cst.h"
#include "dffix.h"

/* Section - counting allocator
 *
 * Interposed for the whole process. Single-threaded use only, which is all
 * this program does. The counters are the one piece of global state: the
 * allocator interface leaves no other place to keep them. */

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);

static long long heap_live;
static long long heap_peak;

static void heap_note(void *p, long long sign)
{
	if (!p)
		return;
	heap_live += sign * (long long)malloc_usable_size(p);
	if (heap_live > heap_peak)
		heap_peak = heap_live;
}

void *malloc(size_t size)
{
	void *p = __libc_malloc(size);
	heap_note(p, 1);
	return p;
}

void *calloc(size_t n, size_t size)
{
	void *p = __libc_calloc(n, size);
	heap_note(p, 1);
	return p;
}

void *realloc(void *old, size_t size)
{
	long long before = old ? (long long)malloc_usable_size(old) : 0;
	void *p = __libc_realloc(old, size);
	if (p || size == 0) {
		heap_live -= before;
		heap_note(p, 1);
	}
	return p;
}

void free(void *p)
{
	heap_note(p, -1);
	__libc_free(p);
}

/* Section - corpus */

typedef struct input {
	char *path;
	char *data;
	size_t len;
} input;

typedef struct corpus {
	input *files;
	size_t count, cap;
	size_t bytes;
	size_t largest;
	const char *largest_path;
	size_t unreadable;
} corpus;

static int read_file(const char *path, char **out, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t cap = 1 << 14, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (n < cap)
			break;
		char *bigger = realloc(buf, cap * 2);
		if (!bigger) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = bigger;
		cap *= 2;
	}
	int err = ferror(f);
	fclose(f);
	if (!buf || err) {
		free(buf);
		return -1;
	}
	*out = buf;
	*len = n;
	return 0;
}

static int load_corpus(corpus *out, const char *dir, const char *list)
{
	FILE *f = fopen(list, "r");
	if (!f) {
		fprintf(stderr, "bench_parse: %s: %s\n", list, strerror(errno));
		return -1;
	}
	char line[8192];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\t\r\n")] = '\0';
		if (!line[0])
			continue;
		char path[8192 + 4096];
		snprintf(path, sizeof(path), "%s/%s", dir, line);
		input in;
		if (read_file(path, &in.data, &in.len) < 0) {
			out->unreadable++;
			continue;
		}
		in.path = strdup(line);
		if (out->count == out->cap) {
			size_t cap = out->cap ? out->cap * 2 : 1024;
			input *files = realloc(out->files, cap * sizeof(*files));
			if (!files || !in.path) {
				fclose(f);
				return -1;
			}
			out->files = files;
			out->cap = cap;
		}
		out->files[out->count++] = in;
		out->bytes += in.len;
		if (in.len >= out->largest) {
			out->largest = in.len;
			out->largest_path = in.path;
		}
	}
	fclose(f);
	return 0;
}

/* Section - timing */

enum mode { MODE_REPRINT, MODE_FORMAT, MODE_FIX_FORMAT };

static double now(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass over every file; returns the number of library errors (not
 * syntax diagnostics: those are normal input). */
static size_t run_round(const corpus *c, enum mode mode, const dffix_options *fmt_opts,
			const dffix_options *fix_opts)
{
	size_t failures = 0;
	dffix_buf out = DFFIX_BUF_INIT;
	for (size_t i = 0; i < c->count; i++) {
		dffix_doc *doc = NULL;
		int rc = dffix_doc_parse(&doc, c->files[i].data, c->files[i].len);
		if (!doc) {
			failures++;
			continue;
		}
		(void)rc;
		out.size = 0;
		if (mode == MODE_REPRINT) {
			rc = dffix_doc_reprint(&out, doc);
		} else {
			if (mode == MODE_FIX_FORMAT && !dffix_doc_has_errors(doc))
				(void)dffix_doc_fix(NULL, doc, fix_opts);
			rc = dffix_doc_format(&out, doc, fmt_opts);
		}
		if (rc < 0)
			failures++;
		dffix_doc_free(doc);
	}
	dffix_buf_dispose(&out);
	return failures;
}

typedef struct figure {
	double cpu_mbs, wall_mbs; /* best batch */
	size_t rounds;
	size_t failures;
} figure;

/* Runs rounds in batches of ~0.3 s until `seconds` have passed and keeps the
 * best batch, so a burst of load from elsewhere does not skew the figure. */
static figure measure(const corpus *c, enum mode mode, double seconds, const dffix_options *fmt_opts,
		      const dffix_options *fix_opts)
{
	figure fig = {0, 0, 0, 0};
	fig.failures = run_round(c, mode, fmt_opts, fix_opts); /* warm-up */
	double start = now(CLOCK_MONOTONIC);
	while (now(CLOCK_MONOTONIC) - start < seconds || fig.rounds == 0) {
		double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
		size_t n = 0;
		do {
			run_round(c, mode, fmt_opts, fix_opts);
			n++;
		} while (now(CLOCK_MONOTONIC) - w0 < 0.3);
		double wall = now(CLOCK_MONOTONIC) - w0, cpu = now(CLOCK_THREAD_CPUTIME_ID) - c0;
		double mb = (double)c->bytes * (double)n / 1e6;
		if (cpu > 0 && mb / cpu > fig.cpu_mbs)
			fig.cpu_mbs = mb / cpu;
		if (wall > 0 && mb / wall > fig.wall_mbs)
			fig.wall_mbs = mb / wall;
		fig.rounds += n;
	}
	return fig;
}

/* Section - memory */

typedef struct mem_figures {
	long long peak;         /* max over files of peak heap growth */
	const char *peak_path;
	size_t peak_len;
	size_t arena_max;       /* max over files of doc->arena.total after fix */
	double worst_ratio;     /* max over files of peak / input size (inputs >= 4 KiB) */
	const char *worst_path;
	long long leaked;       /* heap bytes still live after all files */
} mem_figures;

static mem_figures measure_memory(const corpus *c, const dffix_options *fmt_opts, const dffix_options *fix_opts)
{
	mem_figures m = {0, NULL, 0, 0, 0, NULL, 0};
	dffix_buf out = DFFIX_BUF_INIT;
	long long base_all = heap_live;
	for (size_t i = 0; i < c->count; i++) {
		long long base = heap_live;
		heap_peak = heap_live;
		dffix_doc *doc = NULL;
		(void)dffix_doc_parse(&doc, c->files[i].data, c->files[i].len);
		if (doc) {
			if (!dffix_doc_has_errors(doc))
				(void)dffix_doc_fix(NULL, doc, fix_opts);
			(void)dffix_doc_format(&out, doc, fmt_opts);
			if (doc->arena.total > m.arena_max)
				m.arena_max = doc->arena.total;
			dffix_doc_free(doc);
		}
		dffix_buf_dispose(&out);
		long long grow = heap_peak - base;
		if (grow > m.peak) {
			m.peak = grow;
			m.peak_path = c->files[i].path;
			m.peak_len = c->files[i].len;
		}
		if (c->files[i].len >= 4096 && (double)grow / (double)c->files[i].len > m.worst_ratio) {
			m.worst_ratio = (double)grow / (double)c->files[i].len;
			m.worst_path = c->files[i].path;
		}
	}
	m.leaked = heap_live - base_all;
	return m;
}

static void print_figure(const char *name, const corpus *c, figure f)
{
	printf("%-22s %8.1f MB/s per core (CPU time)  %8.1f MB/s wall  %6.0f files/s  [%zu rounds%s]\n", name,
	       f.cpu_mbs, f.wall_mbs, f.cpu_mbs * 1e6 / ((double)c->bytes / (double)c->count), f.rounds,
	       f.failures ? ", LIBRARY ERRORS" : "");
}

int main(int argc, char **argv)
{
	double seconds = 1.5;
	int i = 1;
	if (i + 1 < argc && !strcmp(argv[i], "--seconds")) {
		seconds = atof(argv[i + 1]);
		i += 2;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: bench_parse [--seconds S] CORPUS_DIR [LIST]\n");
		return 2;
	}
	const char *dir = argv[i];
	char list[4096];
	if (i + 1 < argc)
		snprintf(list, sizeof(list), "%s", argv[i + 1]);
	else
		snprintf(list, sizeof(list), "%s/MANIFEST.tsv", dir);

	corpus c;
	memset(&c, 0, sizeof(c));
	if (load_corpus(&c, dir, list) < 0 || c.count == 0) {
		fprintf(stderr, "bench_parse: no input files\n");
		return 2;
	}
	dffix_options fmt_opts = DFFIX_OPTIONS_INIT;
	fmt_opts.fix = 0;
	dffix_options fix_opts = DFFIX_OPTIONS_INIT;

	printf("corpus: %zu files, %.2f MB (%zu unreadable), largest input %zu bytes (%s)\n", c.count,
	       (double)c.bytes / 1e6, c.unreadable, c.largest, c.largest_path);
	figure reprint = measure(&c, MODE_REPRINT, seconds, &fmt_opts, &fix_opts);
	figure format = measure(&c, MODE_FORMAT, seconds, &fmt_opts, &fix_opts);
	figure fixfmt = measure(&c, MODE_FIX_FORMAT, seconds, &fmt_opts, &fix_opts);
	print_figure("parse+reprint:", &c, reprint);
	print_figure("parse+format:", &c, format);
	print_figure("parse+fix+format:", &c, fixfmt);
	printf("target: >= 150 MB/s on one core: parse+reprint %.1fx, parse+format %.1fx of target\n",
	       reprint.cpu_mbs / 150.0, format.cpu_mbs / 150.0);

	mem_figures m = measure_memory(&c, &fmt_opts, &fix_opts);
	double limit = 4.0 * (double)c.largest + 2.0 * 1024 * 1024;
	printf("peak heap per file (parse+fix+format+free): max %lld bytes (%s, %zu-byte input); "
	       "max arena total %zu bytes\n",
	       m.peak, m.peak_path ? m.peak_path : "-", m.peak_len, m.arena_max);
	if (m.worst_path)
		printf("worst peak/input ratio (inputs >= 4 KiB): %.1fx (%s)\n", m.worst_ratio, m.worst_path);
	printf("target: peak < 4 x largest input + 2 MiB = %.0f bytes: peak is %.2f of the limit\n", limit,
	       (double)m.peak / limit);
	if (m.leaked)
		printf("note: %lld heap bytes still live after the memory round (leak?)\n", m.leaked);
	return 0;
}
