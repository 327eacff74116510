/* walk.h - find the Dockerfiles under a directory, the way `gofmt -l dir`
 * finds Go files: sorted, skipping VCS and dependency directories and what
 * the tree's .gitignore files exclude. */
#ifndef DFX_WALK_H
#define DFX_WALK_H

#include <stddef.h>

/*
 * 1 when a base name is a Dockerfile name, ASCII case-insensitively:
 * Dockerfile, Containerfile, Dockerfile.*, Containerfile.*, *.Dockerfile,
 * *.Containerfile. BuildKit's per-Dockerfile ignore files
 * (Dockerfile.dockerignore, x.Dockerfile.dockerignore) are not Dockerfiles
 * and give 0.
 */
int dfx_is_dockerfile_name(const char *base);

typedef struct dfx_walk_options {
	int follow_symlinks; /* 0: never follow symlinks below root; 1: follow them, skipping cycles */
} dfx_walk_options;

#define DFX_WALK_OPTIONS_INIT {0}

/* Two growable, NULL-terminated arrays of heap strings owned by the result. */
typedef struct dfx_walk_result {
	char **paths; /* matching regular files, root-joined ("root/sub/Dockerfile") */
	size_t count, cap;
	char **errors; /* "path: message" for each directory or .gitignore that could not be read */
	size_t error_count, error_cap;
} dfx_walk_result;

#define DFX_WALK_RESULT_INIT {NULL, 0, 0, NULL, 0, 0}

/*
 * Walks the directory `root` recursively and appends the paths of regular
 * files with Dockerfile names to out->paths; the paths this call adds are
 * sorted by strcmp(). The root itself may be a symlink to a directory.
 * Skipped: directories named .git .hg .svn .bzr node_modules vendor, and
 * whatever the .gitignore files inside the walked tree exclude (gitignore(5)
 * syntax: comments, blank lines, `!` negation, leading or middle `/`
 * anchoring, trailing `/` for directories, `*`, `?`, `[...]`, `**`, backslash
 * escapes; patterns are relative to the directory holding the .gitignore and
 * deeper files take precedence). .gitignore files above root, .git/info/exclude
 * and core.excludesFile are not read.
 * An unreadable subdirectory or .gitignore adds an entry to out->errors and
 * the walk goes on. Returns 0 (even with such entries), DFFIX_EINVAL when
 * root is not a directory, DFFIX_EIO when root cannot be opened (both also
 * recorded in out->errors), or DFFIX_ENOMEM (the walk stops; what was found
 * so far stays in `out`). `opts` may be NULL. `out` must be initialized with
 * DFX_WALK_RESULT_INIT (or hold an earlier result to append to) and is freed
 * with dfx_walk_result_dispose() in every case.
 */
int dfx_walk(dfx_walk_result *out, const char *root, const dfx_walk_options *opts);

/* Frees every string and both arrays, and resets *r to DFX_WALK_RESULT_INIT. */
void dfx_walk_result_dispose(dfx_walk_result *r);

#endif
