/* walk.c - directory walk and Dockerfile name matching; see walk.h.
 *
 * Each directory is read completely and closed before its subdirectories are
 * visited, so the walk holds one descriptor at a time whatever the depth.
 * Ignore rules follow gitignore(5): a path is checked against the
 * .gitignore files of its ancestors from the deepest up, each file's
 * patterns from the last up, and the first pattern that matches decides.
 * An excluded directory is not entered, which is also why, as in git, a
 * negation cannot re-include a file whose parent directory is excluded.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "alloc.h"
#include "arena.h"
#include "array.h"
#include "dffix.h"
#include "fileio.h"

/* A .gitignore bigger than this is not a real one. */
#define IGNORE_FILE_MAX ((size_t)8 << 20)

/* Section - Names */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* `lit` is lower case. */
static int eq_ci(const char *s, size_t n, const char *lit)
{
	size_t i;

	if (strlen(lit) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != lit[i])
			return 0;
	return 1;
}

static int prefix_ci(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n >= m && eq_ci(s, m, lit);
}

static int suffix_ci(const char *s, size_t n, const char *lit)
{
	size_t m = strlen(lit);
	return n >= m && eq_ci(s + n - m, m, lit);
}

int dfx_is_dockerfile_name(const char *base)
{
	size_t n = strlen(base);

	/* BuildKit reads <name>.dockerignore next to a Dockerfile: that is
	 * an ignore list, though "Dockerfile.*" would match it. */
	if (suffix_ci(base, n, ".dockerignore"))
		return 0;
	return eq_ci(base, n, "dockerfile") || eq_ci(base, n, "containerfile") ||
	       prefix_ci(base, n, "dockerfile.") || prefix_ci(base, n, "containerfile.") ||
	       suffix_ci(base, n, ".dockerfile") || suffix_ci(base, n, ".containerfile");
}

/* Section - Results */

/* Appends a copy of s[0..n) to a NULL-terminated array. */
static int push_string(char ***arr, size_t *count, size_t *cap, const char *s, size_t n)
{
	char *copy;

	if (*count + 1 >= *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		char **p = dfx_realloc(*arr, ncap * sizeof(*p));
		if (!p)
			return DFFIX_ENOMEM;
		*arr = p;
		*cap = ncap;
	}
	copy = dfx_malloc(n + 1);
	if (!copy)
		return DFFIX_ENOMEM;
	memcpy(copy, s, n);
	copy[n] = '\0';
	(*arr)[(*count)++] = copy;
	(*arr)[*count] = NULL;
	return 0;
}

static int add_error(dfx_walk_result *out, const char *path, const char *msg)
{
	size_t plen = strlen(path), mlen = strlen(msg);
	char *s = dfx_malloc(plen + 2 + mlen + 1);
	int error;

	if (!s)
		return DFFIX_ENOMEM;
	memcpy(s, path, plen);
	memcpy(s + plen, ": ", 2);
	memcpy(s + plen + 2, msg, mlen + 1);
	error = push_string(&out->errors, &out->error_count, &out->error_cap, s, plen + 2 + mlen);
	dfx_free(s);
	return error;
}

void dfx_walk_result_dispose(dfx_walk_result *r)
{
	size_t i;

	for (i = 0; i < r->count; i++)
		dfx_free(r->paths[i]);
	for (i = 0; i < r->error_count; i++)
		dfx_free(r->errors[i]);
	dfx_free(r->paths);
	dfx_free(r->errors);
	r->paths = r->errors = NULL;
	r->count = r->cap = r->error_count = r->error_cap = 0;
}

/* Section - gitignore */

typedef struct pattern {
	char **comps;  /* split at '/'; an unanchored pattern has one */
	size_t ncomps;
	int negate;    /* leading '!' */
	int dir_only;  /* trailing '/' */
	int anchored;  /* a '/' at the start or in the middle */
} pattern;

typedef struct ignore_file {
	size_t depth; /* components in the root-relative path of its directory */
	pattern *pats;
	size_t count;
} ignore_file;

typedef struct dir_id {
	dev_t dev;
	ino_t ino;
} dir_id;

typedef struct walker {
	dfx_walk_result *out;
	int follow;
	dfx_arena arena;                /* patterns of every .gitignore read */
	DFX_ARRAY(ignore_file) ignores; /* those of the current directory and its ancestors */
	DFX_ARRAY(dir_id) open_dirs;    /* the directories being walked, to stop cycles */
	dffix_buf path;                 /* the current path, root-joined */
	size_t rel_start;               /* where the root-relative part of `path` starts */
	dffix_buf scratch;              /* the relative path, split in place */
	DFX_ARRAY(const char *) comps;  /* its components */
} walker;

/* Parses one line (no newline) into *p. Returns 1 for a pattern, 0 for a
 * blank or comment line, DFFIX_ENOMEM. */
static int parse_pattern(pattern *p, dfx_arena *arena, const char *line, size_t len)
{
	char *copy, *s;
	size_t i, n;

	memset(p, 0, sizeof(*p));
	if (len && line[len - 1] == '\r')
		len--;
	if (len == 0 || line[0] == '#')
		return 0;
	/* Trailing spaces are dropped unless escaped with a backslash. */
	while (len && line[len - 1] == ' ' && !(len >= 2 && line[len - 2] == '\\'))
		len--;
	if (len && line[0] == '!') {
		p->negate = 1;
		line++;
		len--;
	}
	if (len && line[len - 1] == '/') {
		p->dir_only = 1;
		len--;
	}
	p->anchored = memchr(line, '/', len) != NULL;
	if (len && line[0] == '/') {
		line++;
		len--;
	}
	if (len == 0)
		return 0;

	copy = dfx_arena_strndup(arena, line, len);
	if (!copy)
		return DFFIX_ENOMEM;
	n = 1;
	for (i = 0; i < len; i++)
		n += copy[i] == '/';
	p->comps = dfx_arena_alloc(arena, n * sizeof(*p->comps));
	if (!p->comps)
		return DFFIX_ENOMEM;
	/* "a//b" is "a/b": empty components are dropped. */
	for (s = copy;;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		if (*s)
			p->comps[p->ncomps++] = s;
		if (!slash)
			break;
		s = slash + 1;
	}
	return p->ncomps > 0;
}

/* Reads the .gitignore of the directory in w->path (at `depth`) and pushes
 * its patterns. Returns 1 when pushed, 0 when empty or unreadable (an
 * error is recorded), DFFIX_ENOMEM. */
static int load_ignore(walker *w, size_t depth)
{
	dffix_buf buf = DFFIX_BUF_INIT;
	size_t save = w->path.size, lines = 1, i, count = 0;
	const char *why = NULL, *s, *end;
	pattern *pats;
	int error;

	if (dffix_buf_puts(&w->path, "/.gitignore") < 0)
		return DFFIX_ENOMEM;
	error = dfx_file_read(&buf, w->path.ptr, IGNORE_FILE_MAX, &why);
	/* An unreadable .gitignore is reported and the walk goes on without it. */
	if (error < 0 && error != DFFIX_ENOMEM)
		error = add_error(w->out, w->path.ptr, why);
	w->path.size = save;
	w->path.ptr[save] = '\0';
	if (error < 0 || !buf.ptr)
		return error;

	s = buf.ptr;
	end = buf.ptr + buf.size;
	/* git skips a UTF-8 byte order mark. */
	if (buf.size >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3;
	for (i = 0; i < buf.size; i++)
		lines += buf.ptr[i] == '\n';
	pats = dfx_arena_alloc(&w->arena, lines * sizeof(*pats));
	if (!pats) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
		error = parse_pattern(&pats[count], &w->arena, s, len);
		if (error < 0)
			goto cleanup;
		count += (size_t)error;
		s += len + (nl != NULL);
	}
	error = 0;
	if (count) {
		ignore_file f = {depth, pats, count};
		error = DFX_ARRAY_PUSH(&w->ignores, f) < 0 ? DFFIX_ENOMEM : 1;
	}
cleanup:
	dffix_buf_dispose(&buf);
	return error;
}

/* Matches pattern components against path components. A "**" component
 * spans zero or more directories, except at the end where it spans one or
 * more: a trailing "**" after "dir" matches what is inside dir, not dir. */
static int match_comps(char *const *pc, size_t np, const char *const *c, size_t n)
{
	size_t k;

	if (np == 0)
		return n == 0;
	if (strcmp(pc[0], "**") == 0) {
		if (np == 1)
			return n >= 1;
		for (k = 0; k <= n; k++)
			if (match_comps(pc + 1, np - 1, c + k, n - k))
				return 1;
		return 0;
	}
	if (n == 0 || fnmatch(pc[0], c[0], 0) != 0)
		return 0;
	return match_comps(pc + 1, np - 1, c + 1, n - 1);
}

/* 1 when the entry in w->path is excluded, 0 when not, DFFIX_ENOMEM. */
static int is_ignored(walker *w, int is_dir)
{
	const char *rel = w->path.ptr + w->rel_start;
	size_t i, j, n;
	char *s;

	if (w->ignores.len == 0)
		return 0;
	w->scratch.size = 0;
	w->comps.len = 0;
	if (dffix_buf_puts(&w->scratch, rel) < 0)
		return DFFIX_ENOMEM;
	for (s = w->scratch.ptr;;) {
		char *slash = strchr(s, '/');
		if (slash)
			*slash = '\0';
		if (DFX_ARRAY_PUSH(&w->comps, (const char *)s) < 0)
			return DFFIX_ENOMEM;
		if (!slash)
			break;
		s = slash + 1;
	}
	n = w->comps.len;

	for (i = w->ignores.len; i-- > 0;) {
		const ignore_file *f = &w->ignores.items[i];
		const char *const *sub = w->comps.items + f->depth;
		size_t nsub = n - f->depth;
		for (j = f->count; j-- > 0;) {
			const pattern *p = &f->pats[j];
			int hit;
			if (p->dir_only && !is_dir)
				continue;
			if (p->anchored)
				hit = match_comps(p->comps, p->ncomps, sub, nsub);
			else
				hit = fnmatch(p->comps[0], w->comps.items[n - 1], 0) == 0;
			if (hit)
				return !p->negate;
		}
	}
	return 0;
}

/* Section - Walk */

enum { KIND_FILE = 1, KIND_DIR = 2 };

typedef struct entry {
	char *name;
	int kind;
} entry;

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->name, ((const entry *)b)->name);
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int is_skipped_dir(const char *name)
{
	static const char *const skip[] = {".git", ".hg", ".svn", ".bzr", "node_modules", "vendor"};
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (strcmp(name, skip[i]) == 0)
			return 1;
	return 0;
}

/*
 * Walks the directory in w->path, whose root-relative path has `depth`
 * components. Returns 0, DFFIX_EIO when the directory cannot be opened or
 * listed (recorded in w->out->errors), DFFIX_ENOMEM.
 */
static int walk_dir(walker *w, size_t depth, int is_root)
{
	DFX_ARRAY(entry) entries = DFX_ARRAY_INIT;
	int fd, error = 0, has_ignore = 0, pushed_ignore = 0, pushed_dir = 0;
	struct stat st;
	struct dirent *de;
	DIR *d;
	size_t i;

	/* Below root, O_NOFOLLOW also guards against a directory swapped for
	 * a symlink between the listing and this open. */
	fd = open(w->path.ptr, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (w->follow || is_root ? 0 : O_NOFOLLOW));
	if (fd < 0 || fstat(fd, &st) < 0) {
		error = add_error(w->out, w->path.ptr, dfx_errno_text(errno));
		if (fd >= 0)
			close(fd);
		return error < 0 ? error : DFFIX_EIO;
	}
	/* A followed symlink or a bind mount can lead back to an ancestor. */
	for (i = 0; i < w->open_dirs.len; i++) {
		if (w->open_dirs.items[i].dev == st.st_dev && w->open_dirs.items[i].ino == st.st_ino) {
			close(fd);
			return 0;
		}
	}
	d = fdopendir(fd);
	if (!d) {
		error = add_error(w->out, w->path.ptr, dfx_errno_text(errno));
		close(fd);
		return error < 0 ? error : DFFIX_EIO;
	}
	for (;;) {
		struct stat es;
		entry e;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				/* Keep what was listed so far. */
				error = add_error(w->out, w->path.ptr, dfx_errno_text(errno));
				if (error < 0)
					goto cleanup;
			}
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		/* An entry that vanished since readdir() is simply not there. */
		if (fstatat(dirfd(d), de->d_name, &es, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISLNK(es.st_mode)) {
			if (!w->follow || fstatat(dirfd(d), de->d_name, &es, 0) < 0)
				continue;
		} else if (S_ISREG(es.st_mode) && strcmp(de->d_name, ".gitignore") == 0) {
			has_ignore = 1;
			continue;
		}
		if (S_ISDIR(es.st_mode) && !is_skipped_dir(de->d_name))
			e.kind = KIND_DIR;
		else if (S_ISREG(es.st_mode) && dfx_is_dockerfile_name(de->d_name))
			e.kind = KIND_FILE;
		else
			continue;
		e.name = dfx_malloc(strlen(de->d_name) + 1);
		if (!e.name) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		strcpy(e.name, de->d_name);
		if (DFX_ARRAY_PUSH(&entries, e) < 0) {
			dfx_free(e.name);
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
	}
	closedir(d);
	d = NULL;

	{
		dir_id id = {st.st_dev, st.st_ino};
		if (DFX_ARRAY_PUSH(&w->open_dirs, id) < 0) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		pushed_dir = 1;
	}
	if (has_ignore) {
		error = load_ignore(w, depth);
		if (error < 0)
			goto cleanup;
		pushed_ignore = error;
		error = 0;
	}
	if (entries.len > 1)
		qsort(entries.items, entries.len, sizeof(entry), entry_cmp);

	for (i = 0; i < entries.len; i++) {
		size_t save = w->path.size;
		const entry *e = &entries.items[i];
		int ignored;

		if (save && w->path.ptr[save - 1] != '/' && dffix_buf_put(&w->path, "/", 1) < 0) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		if (dffix_buf_puts(&w->path, e->name) < 0) {
			error = DFFIX_ENOMEM;
			goto cleanup;
		}
		ignored = is_ignored(w, e->kind == KIND_DIR);
		if (ignored < 0) {
			error = ignored;
			goto cleanup;
		}
		if (!ignored && e->kind == KIND_DIR)
			error = walk_dir(w, depth + 1, 0);
		else if (!ignored)
			error = push_string(&w->out->paths, &w->out->count, &w->out->cap, w->path.ptr,
					    w->path.size);
		if (error == DFFIX_ENOMEM)
			goto cleanup;
		error = 0;
		w->path.size = save;
		w->path.ptr[save] = '\0';
	}

cleanup:
	if (d)
		closedir(d);
	if (pushed_ignore)
		w->ignores.len--;
	if (pushed_dir)
		w->open_dirs.len--;
	for (i = 0; i < entries.len; i++)
		dfx_free(entries.items[i].name);
	DFX_ARRAY_FREE(&entries);
	return error;
}

int dfx_walk(dfx_walk_result *out, const char *root, const dfx_walk_options *opts)
{
	walker w;
	struct stat st;
	size_t first = out->count, rlen = strlen(root);
	int error;

	if (stat(root, &st) < 0) {
		error = add_error(out, root, dfx_errno_text(errno));
		return error < 0 ? error : DFFIX_EIO;
	}
	if (!S_ISDIR(st.st_mode)) {
		error = add_error(out, root, "not a directory");
		return error < 0 ? error : DFFIX_EINVAL;
	}

	memset(&w, 0, sizeof(w));
	w.out = out;
	w.follow = opts ? opts->follow_symlinks : 0;
	/* "root/" joins as "root/x", not "root//x". */
	w.rel_start = rlen + (rlen && root[rlen - 1] == '/' ? 0 : 1);
	error = dffix_buf_puts(&w.path, root);
	if (error == 0)
		error = walk_dir(&w, 0, 1);
	/* The walk collects paths per directory in sorted order, but "a/x" and
	 * "a.b/x" need a global sort to come out in strcmp() order. */
	if (out->count - first > 1)
		qsort(out->paths + first, out->count - first, sizeof(char *), path_cmp);

	dfx_arena_dispose(&w.arena);
	DFX_ARRAY_FREE(&w.ignores);
	DFX_ARRAY_FREE(&w.open_dirs);
	DFX_ARRAY_FREE(&w.comps);
	dffix_buf_dispose(&w.path);
	dffix_buf_dispose(&w.scratch);
	return error;
}
