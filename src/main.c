/*
 * main.c - the dffix command line, after gofmt and shfmt:
 *
 *   dffix [flags] [path ...]
 *
 * No path (or `-`): stdin to stdout. Files are fixed (the rewriting passes of
 * --fix) and formatted; -w writes them in place, -l lists those that would
 * change, -d prints a unified diff, --check exits 1 when any would change.
 * Directories are walked for Dockerfile names. Errors print as
 * `path:line:col: error: message` and leave the file untouched; processing
 * goes on with the next file. Exit 0 clean, 1 changes or findings, 2 errors.
 *
 * Files are processed by -j worker threads; each file's output is kept until
 * every earlier file has been printed, so the output order is stable.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dffix.h"
#include "diff.h"
#include "fileio.h"
#include "report.h"
#include "rules.h"
#include "walk.h"

#define STDIN_NAME "<standard input>"

typedef enum mode {
	MODE_FORMAT, /* fix + format (default) */
	MODE_REPRINT,
	MODE_DUMP,
	MODE_LINT
} mode;

/* Command-line options: the CLI may keep them global (the library may not). */
static struct cli {
	mode mode;
	int write, list, diff, check;
	int jobs;
	int color; /* resolved: 1 = ANSI colours on stdout */
	int color_err;
	const char *stdin_filename;
	const char *format; /* lint report format */
	int fail_level;     /* dffix_severity; -1 = from config or default (warning) */
	int quiet;
	int summary;        /* print the one-line summary at the end */
	/* Flags that beat config files: */
	int indent_set, indent;
	int fix_set;
	unsigned fix;
	int profile_set;
	const char *profile;
	dffix_pin *pins;
	size_t pin_count;
	const char **ignores;
	size_t ignore_count;
	int no_config;
	dfx_arena arena; /* pins and other argument copies */
} cli;

typedef struct job {
	const char *path;    /* as given or walked; "-" for stdin */
	int explicit;        /* named on the command line */
	dffix_buf out;       /* stdout text */
	dffix_buf err;       /* stderr text */
	int changed;
	int error;
	int findings_fail;   /* lint findings at or above the fail level */
	dffix_doc *doc;      /* lint: kept until the report reaches this file */
	int done;
} job;

static struct queue {
	job *jobs;
	size_t count;
	size_t next;    /* next job to take */
	size_t printed; /* jobs printed so far */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	dfx_report report; /* lint: files are added in order by flush_ready() */
	dffix_buf report_buf;
	struct timespec start;
	int progress;
	double last_progress;
} q = {.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};

static void usage(FILE *f)
{
	fputs("usage: dffix [flags] [path ...]\n"
	      "Format and fix Dockerfiles/Containerfiles. No path or '-': stdin to stdout.\n"
	      "\n"
	      "  -w                write result to the file instead of stdout\n"
	      "  -l                list files whose result differs\n"
	      "  -d                print a unified diff of the changes\n"
	      "  --check           exit 1 if any file would change (CI)\n"
	      "  --fix=LIST        passes to run: all (default), none, or names:\n"
	      "                    pin-tag,pkg-clean,cache-order,merge-run,arbitrary-uid,\n"
	      "                    env-key-value,maintainer (prefix - to drop one)\n"
	      "  --pin IMAGE=TAG   pin for pin-tag (TAG, TAG@sha256:..., @sha256:...)\n"
	      "  --lint            report findings only; --format=text|json|sarif|checkstyle|gnu\n"
	      "  --fail-level=L    error|warning|info|style|none (default warning)\n"
	      "  --profile=P       default|openshift      --list-rules  print the rules\n"
	      "  --ignore=LIST     rule ids or names to ignore\n"
	      "  --indent=N        continuation indent (0 = tab; default 4)\n"
	      "  -j N              parallel files (default: number of cores)\n"
	      "  --stdin-filename=NAME  name stdin for config lookup and messages\n"
	      "  --color=auto|always|never   --no-config   -q quiet   --summary\n"
	      "  --reprint         print the parse tree verbatim (lossless check)\n"
	      "  --dump            print the instructions as JSON (see README)\n"
	      "  -h, --help        --version\n"
	      "Exit: 0 clean, 1 changes or findings, 2 errors.\n",
	      f);
}

static double elapsed(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - q.start.tv_sec) + (double)(now.tv_nsec - q.start.tv_nsec) / 1e9;
}

/* Section - one file */

static const char *display_name(const job *j)
{
	if (strcmp(j->path, "-"))
		return j->path;
	return cli.stdin_filename ? cli.stdin_filename : STDIN_NAME;
}

static void print_syntax_errors(job *j, const dffix_doc *doc, int errors_only)
{
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (d->kind != DFFIX_DIAG_SYNTAX || (errors_only && d->severity != DFFIX_SEV_ERROR))
			continue;
		dffix_buf_printf(&j->err, "%s:%u:%u: %s: %s\n", display_name(j), d->line, d->column,
				 d->severity == DFFIX_SEV_ERROR ? "error" : "warning", d->message);
	}
}

/* Options for one file: its config files, then the command-line flags. */
static int file_options(dfx_config *cfg, job *j)
{
	dffix_options defaults = DFFIX_OPTIONS_INIT;
	char err[512];
	const char *cfg_path = j->path;
	char cwdfile[PATH_MAX + 16];
	if (!strcmp(j->path, "-")) {
		if (cli.stdin_filename) {
			cfg_path = cli.stdin_filename;
		} else {
			if (!getcwd(cwdfile, PATH_MAX))
				strcpy(cwdfile, ".");
			strcat(cwdfile, "/Dockerfile");
			cfg_path = cwdfile;
		}
	}
	if (cli.no_config) {
		memset(cfg, 0, sizeof(*cfg));
		cfg->opts = defaults;
		cfg->fail_level = -1;
	} else if (dfx_config_load(cfg, cfg_path, &defaults, err, sizeof(err)) < 0) {
		dffix_buf_printf(&j->err, "%s: error: %s\n", display_name(j), err);
		return -1;
	}
	dffix_options *o = &cfg->opts;
	if (cli.indent_set)
		o->indent = cli.indent;
	if (cli.fix_set)
		o->fix = cli.fix;
	if (cli.profile_set)
		o->profile = cli.profile;
	if (cli.pin_count) {
		/* Flag pins first: the first match wins. */
		size_t n = cli.pin_count + o->pin_count;
		dffix_pin *pins = dfx_arena_alloc(&cfg->arena, n * sizeof(dffix_pin));
		if (!pins)
			return -1;
		memcpy(pins, cli.pins, cli.pin_count * sizeof(dffix_pin));
		if (o->pin_count)
			memcpy(pins + cli.pin_count, o->pins, o->pin_count * sizeof(dffix_pin));
		o->pins = pins;
		o->pin_count = n;
	}
	if (cli.ignore_count) {
		size_t n = cli.ignore_count + o->ignore_count;
		const char **ign = dfx_arena_alloc(&cfg->arena, n * sizeof(char *));
		if (!ign)
			return -1;
		memcpy(ign, cli.ignores, cli.ignore_count * sizeof(char *));
		if (o->ignore_count)
			memcpy(ign + cli.ignore_count, o->ignore, o->ignore_count * sizeof(char *));
		o->ignore = ign;
		o->ignore_count = n;
	}
	return 0;
}

static int fail_level_for(const dfx_config *cfg)
{
	if (cli.fail_level >= 0)
		return cli.fail_level;
	if (cfg->fail_level >= 0)
		return cfg->fail_level;
	return DFFIX_SEV_WARNING;
}

static void process(job *j)
{
	dffix_buf in = DFFIX_BUF_INIT, out = DFFIX_BUF_INIT;
	dffix_doc *doc = NULL;
	dfx_config cfg;
	memset(&cfg, 0, sizeof(cfg));
	const char *name = display_name(j);
	const char *why = NULL;

	int rc = !strcmp(j->path, "-") ? dfx_fd_read(&in, 0, 0, &why) : dfx_file_read(&in, j->path, 0, &why);
	if (rc < 0) {
		dffix_buf_printf(&j->err, "%s: error: %s\n", name, why ? why : "cannot read");
		j->error = 1;
		goto done;
	}
	if (file_options(&cfg, j) < 0) {
		j->error = 1;
		goto done;
	}
	rc = dffix_doc_parse(&doc, in.ptr ? in.ptr : "", in.size);
	if (!doc) {
		dffix_buf_printf(&j->err, "%s: error: %s\n", name, rc == DFFIX_EINVAL ? "file too large" : "out of memory");
		j->error = 1;
		goto done;
	}
	int has_errors = dffix_doc_has_errors(doc);

	if (cli.mode == MODE_REPRINT) {
		/* The lossless proof: any text input prints back unchanged; only a
		 * binary file is refused. */
		print_syntax_errors(j, doc, 0);
		if (dffix_doc_diag_count(doc) && dffix_doc_diag(doc, 0)->kind == DFFIX_DIAG_SYNTAX &&
		    strstr(dffix_doc_diag(doc, 0)->message, "binary file")) {
			j->error = 1;
			goto done;
		}
		dffix_doc_reprint(&j->out, doc);
		goto done;
	}
	if (has_errors) {
		print_syntax_errors(j, doc, 1);
		j->error = 1;
		goto done;
	}
	if (cli.mode == MODE_DUMP) {
		dffix_doc_dump(&j->out, doc);
		goto done;
	}
	if (cli.mode == MODE_LINT) {
		if ((rc = dffix_doc_lint(doc, &cfg.opts)) < 0) {
			dffix_buf_printf(&j->err, "%s: error: lint failed (%d)\n", name, rc);
			j->error = 1;
			goto done;
		}
		int level = fail_level_for(&cfg);
		for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
			const dffix_diag *d = dffix_doc_diag(doc, i);
			if (d->kind == DFFIX_DIAG_LINT && level != DFFIX_SEV_NONE && (int)d->severity <= level)
				j->findings_fail = 1;
		}
		/* The report is written in file order by flush_ready(). */
		j->doc = doc;
		doc = NULL;
		goto done;
	}

	int changed = 0;
	if ((rc = dffix_doc_fix(&changed, doc, &cfg.opts)) < 0) {
		dffix_buf_printf(&j->err, "%s: error: fixing failed (%d)\n", name, rc);
		j->error = 1;
		goto done;
	}
	if ((rc = dffix_doc_format(&out, doc, &cfg.opts)) < 0) {
		dffix_buf_printf(&j->err, "%s: error: formatting failed (%d)\n", name, rc);
		j->error = 1;
		goto done;
	}
	const char *res = out.ptr ? out.ptr : "";
	j->changed = out.size != in.size || (in.size && memcmp(res, in.ptr, in.size) != 0);
	if (cli.list && j->changed)
		dffix_buf_printf(&j->out, "%s\n", name);
	if (cli.diff && j->changed) {
		dfx_diff_options dopt = DFX_DIFF_OPTIONS_INIT;
		char a[PATH_MAX + 8], b[PATH_MAX + 8];
		snprintf(a, sizeof(a), "%s.orig", name);
		snprintf(b, sizeof(b), "%s", name);
		dopt.old_label = a;
		dopt.new_label = b;
		dopt.color = cli.color;
		dfx_diff_unified(&j->out, in.ptr ? in.ptr : "", in.size, res, out.size, &dopt);
	}
	if (cli.write && j->changed) {
		char werr[256];
		if (dfx_file_write_atomic(j->path, res, out.size, werr, sizeof(werr)) < 0) {
			dffix_buf_printf(&j->err, "%s: error: %s\n", name, werr);
			j->error = 1;
		}
	}
	if (!cli.write && !cli.list && !cli.diff && !cli.check) {
		if (j->out.size == 0) {
			/* Hand the buffer over: a copy would cost the file's size again. */
			dffix_buf empty = DFFIX_BUF_INIT;
			dffix_buf_dispose(&j->out);
			j->out = out;
			out = empty;
		} else {
			dffix_buf_put(&j->out, res, out.size);
		}
	}
done:
	dffix_doc_free(doc);
	dfx_config_dispose(&cfg);
	dffix_buf_dispose(&in);
	dffix_buf_dispose(&out);
}

/* Section - workers and ordered output */

static void flush_ready(void)
{
	/* Called with the lock held. */
	while (q.printed < q.count && q.jobs[q.printed].done) {
		job *j = &q.jobs[q.printed];
		if (j->doc) {
			dfx_report_add_file(&q.report, display_name(j), j->doc);
			fwrite(q.report_buf.ptr ? q.report_buf.ptr : "", 1, q.report_buf.size, stdout);
			q.report_buf.size = 0;
			dffix_doc_free(j->doc);
			j->doc = NULL;
		}
		if (j->out.size)
			fwrite(j->out.ptr, 1, j->out.size, stdout);
		if (j->err.size) {
			if (q.progress)
				fputs("\r\033[K", stderr);
			fwrite(j->err.ptr, 1, j->err.size, stderr);
		}
		dffix_buf_dispose(&j->out);
		dffix_buf_dispose(&j->err);
		q.printed++;
	}
	if (isatty(2) && !cli.quiet && q.count > 1) {
		double t = elapsed();
		if (t > 1.0 && t - q.last_progress > 0.1) {
			fprintf(stderr, "\r\033[Kdffix: %zu/%zu files", q.printed, q.count);
			q.progress = 1;
			q.last_progress = t;
		}
	}
}

static void *worker(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&q.lock);
		if (q.next >= q.count) {
			pthread_mutex_unlock(&q.lock);
			return NULL;
		}
		job *j = &q.jobs[q.next++];
		pthread_mutex_unlock(&q.lock);
		process(j);
		pthread_mutex_lock(&q.lock);
		j->done = 1;
		flush_ready();
		pthread_mutex_unlock(&q.lock);
	}
}

/* Section - arguments */

static int parse_fix(const char *v)
{
	const char *bad = NULL;
	unsigned bits;
	if (dfx_config_parse_fix_list(&bits, v, &bad) < 0) {
		fprintf(stderr, "dffix: error: unknown pass in --fix: %.*s\n", bad ? (int)strcspn(bad, ",") : 0,
			bad ? bad : "");
		return -1;
	}
	cli.fix = bits;
	cli.fix_set = 1;
	return 0;
}

static int parse_pin(const char *v)
{
	dffix_pin pin;
	if (dfx_config_parse_pin(&pin, &cli.arena, v) < 0) {
		fprintf(stderr, "dffix: error: invalid --pin %s (want IMAGE=TAG[@DIGEST])\n", v);
		return -1;
	}
	dffix_pin *pins = dfx_arena_alloc(&cli.arena, (cli.pin_count + 1) * sizeof(dffix_pin));
	if (!pins)
		return -1;
	if (cli.pin_count)
		memcpy(pins, cli.pins, cli.pin_count * sizeof(dffix_pin));
	pins[cli.pin_count++] = pin;
	cli.pins = pins;
	return 0;
}

static int parse_ignore(const char *v)
{
	const char *p = v;
	while (*p) {
		size_t n = strcspn(p, ",");
		if (n) {
			const char **ign = dfx_arena_alloc(&cli.arena, (cli.ignore_count + 1) * sizeof(char *));
			char *s = dfx_arena_strndup(&cli.arena, p, n);
			if (!ign || !s)
				return -1;
			if (cli.ignore_count)
				memcpy(ign, cli.ignores, cli.ignore_count * sizeof(char *));
			ign[cli.ignore_count++] = s;
			cli.ignores = ign;
		}
		p += n;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Matches `--name=value` or `--name value`; returns the value or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static int add_job(job **jobs, size_t *count, size_t *cap, const char *path, int explicit)
{
	if (*count == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		job *nj = realloc(*jobs, ncap * sizeof(job));
		if (!nj)
			return -1;
		*jobs = nj;
		*cap = ncap;
	}
	job *j = &(*jobs)[(*count)++];
	memset(j, 0, sizeof(*j));
	j->path = path;
	j->explicit = explicit;
	return 0;
}

typedef struct real_entry {
	char *real; /* NULL for stdin or a path that does not resolve */
	size_t index;
} real_entry;

static int cmp_real(const void *a, const void *b)
{
	const real_entry *x = a, *y = b;
	int c = strcmp(x->real, y->real);
	return c ? c : (x->index < y->index ? -1 : x->index > y->index);
}

static int dedupe(job *jobs, size_t *count)
{
	size_t n = *count, m = 0;
	real_entry *e = calloc(n ? n : 1, sizeof(real_entry));
	char *drop = calloc(n ? n : 1, 1);
	if (!e || !drop) {
		free(e);
		free(drop);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(jobs[i].path, "-"))
			continue;
		char *r = realpath(jobs[i].path, NULL);
		if (r)
			e[m++] = (real_entry){r, i};
	}
	qsort(e, m, sizeof(real_entry), cmp_real);
	for (size_t i = 1; i < m; i++)
		if (!strcmp(e[i].real, e[i - 1].real))
			drop[e[i].index] = 1;
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!drop[i])
			jobs[k++] = jobs[i];
	*count = k;
	for (size_t i = 0; i < m; i++)
		free(e[i].real);
	free(e);
	free(drop);
	return 0;
}

/* What main() allocated; freed by finish() on every exit path. */
static struct {
	char **paths;
	job *jobs;
	dfx_walk_result walked;
} owned = {NULL, NULL, DFX_WALK_RESULT_INIT};

static int finish(int rc)
{
	dfx_walk_result_dispose(&owned.walked);
	free(owned.jobs);
	free(owned.paths);
	dfx_arena_dispose(&cli.arena);
	return rc;
}

int main(int argc, char **argv)
{
	cli.jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (cli.jobs < 1)
		cli.jobs = 1;
	cli.fail_level = -1;
	cli.format = "text";
	const char *color = "auto";
	int list_rules = 0;
	char **paths = owned.paths = calloc((size_t)argc + 1, sizeof(char *));
	size_t npaths = 0;
	int only_paths = 0;
	if (!paths)
		return finish(2);

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v;
		if (only_paths || a[0] != '-' || !strcmp(a, "-")) {
			paths[npaths++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_paths = 1;
		} else if (!strcmp(a, "-w") || !strcmp(a, "--write")) {
			cli.write = 1;
		} else if (!strcmp(a, "-l") || !strcmp(a, "--list")) {
			cli.list = 1;
		} else if (!strcmp(a, "-d") || !strcmp(a, "--diff")) {
			cli.diff = 1;
		} else if (!strcmp(a, "--check")) {
			cli.check = 1;
		} else if (!strcmp(a, "-r") || !strcmp(a, "--recursive")) {
			/* Directories are always walked; accepted for familiarity. */
		} else if (!strcmp(a, "--reprint")) {
			cli.mode = MODE_REPRINT;
		} else if (!strcmp(a, "--dump")) {
			cli.mode = MODE_DUMP;
		} else if (!strcmp(a, "--lint")) {
			cli.mode = MODE_LINT;
		} else if (!strcmp(a, "--list-rules")) {
			list_rules = 1;
		} else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			cli.quiet = 1;
		} else if (!strcmp(a, "--summary")) {
			cli.summary = 1;
		} else if (!strcmp(a, "--no-config")) {
			cli.no_config = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return finish(0);
		} else if (!strcmp(a, "--version")) {
			printf("dffix %s\n", DFFIX_VERSION);
			return finish(0);
		} else if ((v = opt_value(argc, argv, &i, "--fix"))) {
			if (parse_fix(v) < 0)
				return finish(2);
		} else if ((v = opt_value(argc, argv, &i, "--pin"))) {
			if (parse_pin(v) < 0)
				return finish(2);
		} else if ((v = opt_value(argc, argv, &i, "--ignore"))) {
			if (parse_ignore(v) < 0)
				return finish(2);
		} else if ((v = opt_value(argc, argv, &i, "--format"))) {
			cli.format = v;
		} else if ((v = opt_value(argc, argv, &i, "--fail-level"))) {
			dffix_severity s;
			if (dfx_config_parse_severity(&s, v) < 0) {
				fprintf(stderr, "dffix: error: invalid --fail-level %s\n", v);
				return finish(2);
			}
			cli.fail_level = (int)s;
		} else if ((v = opt_value(argc, argv, &i, "--profile"))) {
			if (strcmp(v, "default") && strcmp(v, "openshift")) {
				fprintf(stderr, "dffix: error: invalid --profile %s (default or openshift)\n", v);
				return finish(2);
			}
			cli.profile = v;
			cli.profile_set = 1;
		} else if ((v = opt_value(argc, argv, &i, "--indent"))) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 0 || n > 16) {
				fprintf(stderr, "dffix: error: invalid --indent %s (0 to 16; 0 = tab)\n", v);
				return finish(2);
			}
			cli.indent = (int)n;
			cli.indent_set = 1;
		} else if ((v = opt_value(argc, argv, &i, "-j")) || (v = opt_value(argc, argv, &i, "--jobs"))) {
			char *end;
			long n = strtol(v, &end, 10);
			if (*end || n < 1 || n > 256) {
				fprintf(stderr, "dffix: error: invalid -j %s (1 to 256)\n", v);
				return finish(2);
			}
			cli.jobs = (int)n;
		} else if (!strncmp(a, "-j", 2) && a[2] >= '0' && a[2] <= '9') {
			cli.jobs = atoi(a + 2) > 0 ? atoi(a + 2) : 1;
		} else if ((v = opt_value(argc, argv, &i, "--stdin-filename"))) {
			cli.stdin_filename = v;
		} else if ((v = opt_value(argc, argv, &i, "--color"))) {
			color = v;
		} else {
			fprintf(stderr, "dffix: error: unknown flag %s\n", a);
			usage(stderr);
			return finish(2);
		}
	}
	if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never")) {
		fprintf(stderr, "dffix: error: invalid --color %s (auto, always or never)\n", color);
		return finish(2);
	}
	cli.color = !strcmp(color, "always") || (!strcmp(color, "auto") && isatty(1) && getenv("NO_COLOR") == NULL);
	if (list_rules) {
		dffix_buf out = DFFIX_BUF_INIT;
		dfx_rules_list(&out);
		fwrite(out.ptr ? out.ptr : "", 1, out.size, stdout);
		dffix_buf_dispose(&out);
		return finish(0);
	}
	dfx_report_format fmt;
	if (dfx_report_format_parse(&fmt, cli.format) < 0) {
		fprintf(stderr, "dffix: error: invalid --format %s (text, json, sarif, checkstyle, gnu)\n",
			cli.format);
		return finish(2);
	}
	if (cli.mode != MODE_FORMAT && (cli.write || cli.list || cli.diff || cli.check)) {
		fprintf(stderr, "dffix: error: -w, -l, -d and --check go with formatting, not with --lint, "
				"--reprint or --dump\n");
		return finish(2);
	}

	/* Collect the files: explicit ones always, directories walked. */
	job *jobs = NULL;
	size_t count = 0, cap = 0;
	int bulk = 0, arg_errors = 0;
	if (npaths == 0)
		paths[npaths++] = "-";
	for (size_t i = 0; i < npaths; i++) {
		const char *p = paths[i];
		struct stat st;
		if (!strcmp(p, "-")) {
			if (cli.write) {
				fprintf(stderr, "dffix: error: cannot use -w with standard input\n");
				return finish(2);
			}
			{ add_job(&jobs, &count, &cap, p, 1); owned.jobs = jobs; }
			continue;
		}
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			bulk = 1;
			/* Unreadable subdirectories are listed in walked.errors. */
			if (dfx_walk(&owned.walked, p, NULL) == DFFIX_ENOMEM) {
				fprintf(stderr, "%s: error: out of memory while walking\n", p);
				arg_errors = 1;
			}
			continue;
		}
		{ add_job(&jobs, &count, &cap, p, 1); owned.jobs = jobs; }
	}
	for (size_t i = 0; i < owned.walked.error_count; i++) {
		fprintf(stderr, "%s\n", owned.walked.errors[i]);
		arg_errors = 1;
	}
	for (size_t i = 0; i < owned.walked.count; i++)
		{ add_job(&jobs, &count, &cap, owned.walked.paths[i], 0); owned.jobs = jobs; }

	/* The same file named twice is processed (and written) once: resolve
	 * each path once, sort by real path, keep the first of each. */
	if (dedupe(jobs, &count) < 0) {
		fprintf(stderr, "dffix: error: out of memory\n");
		return finish(2);
	}

	q.jobs = jobs;
	q.count = count;
	clock_gettime(CLOCK_MONOTONIC, &q.start);
	if (cli.mode == MODE_LINT) {
		dfx_report_options ropt = DFX_REPORT_OPTIONS_INIT;
		ropt.format = fmt;
		ropt.color = cli.color;
		dfx_report_begin(&q.report, &q.report_buf, &ropt);
	}

	int nthreads = cli.jobs < (int)count ? cli.jobs : (int)count;
	if (nthreads <= 1) {
		worker(NULL);
	} else {
		pthread_t *tids = calloc((size_t)nthreads, sizeof(pthread_t));
		int started = 0;
		for (int t = 0; tids && t < nthreads; t++)
			if (pthread_create(&tids[t], NULL, worker, NULL) == 0)
				started++;
		if (started == 0)
			worker(NULL);
		for (int t = 0; t < started; t++)
			pthread_join(tids[t], NULL);
		free(tids);
	}
	if (q.progress)
		fputs("\r\033[K", stderr);
	if (cli.mode == MODE_LINT) {
		dfx_report_end(&q.report);
		fwrite(q.report_buf.ptr ? q.report_buf.ptr : "", 1, q.report_buf.size, stdout);
		dffix_buf_dispose(&q.report_buf);
	}

	size_t changed = 0, errors = 0, failing = 0;
	for (size_t i = 0; i < count; i++) {
		changed += jobs[i].changed != 0;
		errors += jobs[i].error != 0;
		failing += jobs[i].findings_fail != 0;
	}
	if ((bulk || cli.summary) && !cli.quiet)
		fprintf(stderr, "dffix: %zu file%s, %zu %s, %zu error%s, %.2fs\n", count, count == 1 ? "" : "s",
			changed, cli.write ? "rewritten" : "would change", errors, errors == 1 ? "" : "s", elapsed());
	fflush(stdout);
	int rc = 0;
	if ((cli.list || cli.diff || cli.check) && changed)
		rc = 1;
	if (cli.mode == MODE_LINT && failing)
		rc = 1;
	if (errors || arg_errors)
		rc = 2;
	owned.jobs = jobs;
	return finish(rc);
}
