/* test_walk.c - Dockerfile name matching and the directory walk. Each test
 * builds its tree under a fresh mkdtemp() directory and removes it. */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "dffix.h"
#include "walk.h"

/* Section - helpers */

typedef struct fixture {
	char dir[64];
} fixture;

/* Removes a tree through directory descriptors, so paths longer than
 * PATH_MAX go too. */
static void rm_at(int at_fd, const char *name)
{
	struct stat st;

	if (fstatat(at_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(at_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		DIR *d;
		struct dirent *de;
		if (fd < 0) {
			/* A mode-000 directory of the non-root test. */
			fchmodat(at_fd, name, 0700, 0);
			fd = openat(at_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		}
		if (fd >= 0) {
			d = fdopendir(fd);
			if (d) {
				while ((de = readdir(d)))
					if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
						rm_at(dirfd(d), de->d_name);
				closedir(d);
			} else {
				close(fd);
			}
		}
		unlinkat(at_fd, name, AT_REMOVEDIR);
	} else {
		unlinkat(at_fd, name, 0);
	}
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/dffix-walk-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	rm_at(AT_FDCWD, f->dir);
	free(f);
	return 0;
}

/* Creates root/rel with `data`, making the parent directories. */
static void mk(fixture *f, const char *rel, const char *data)
{
	char p[1024];
	size_t i, n;

	n = (size_t)snprintf(p, sizeof(p), "%s/%s", f->dir, rel);
	for (i = strlen(f->dir) + 1; i < n; i++) {
		if (p[i] == '/') {
			p[i] = '\0';
			assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
			p[i] = '/';
		}
	}
	if (data) {
		FILE *fp = fopen(p, "wb");
		assert_non_null(fp);
		assert_int_equal(fwrite(data, 1, strlen(data), fp), strlen(data));
		assert_int_equal(fclose(fp), 0);
	} else {
		assert_int_equal(mkdir(p, 0755), 0);
	}
}

static void mk_symlink(fixture *f, const char *target, const char *rel)
{
	char p[1024];
	snprintf(p, sizeof(p), "%s/%s", f->dir, rel);
	assert_int_equal(symlink(target, p), 0);
}

/* Asserts paths[i] == prefix + expect[i] for every i, and nothing more. */
static void assert_paths(const dfx_walk_result *r, size_t from, const char *prefix, const char *const *expect,
			 size_t n)
{
	char want[1024];
	size_t i;

	for (i = 0; i < n && from + i < r->count; i++) {
		snprintf(want, sizeof(want), "%s%s", prefix, expect[i]);
		assert_string_equal(r->paths[from + i], want);
	}
	assert_int_equal(r->count - from, n);
	assert_null(r->paths[r->count]);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Section - names */

static void test_walk__dockerfile_names(void **state)
{
	static const char *const yes[] = {
		"Dockerfile", "dockerfile", "DOCKERFILE", "Containerfile", "containerfile",
		"Dockerfile.dev", "dockerfile.prod", "Containerfile.ci", "Dockerfile.", "DockerFile.txt",
		"app.Dockerfile", "app.dockerfile", "X.DOCKERFILE", "x.containerfile", "x.Containerfile",
		".dockerfile",
	};
	static const char *const no[] = {
		"", "Dockerfiles", "MyDockerfile", "Dockerfile-dev", "README.md", "docker-compose.yml",
		".dockerignore", "Dockerfile.dockerignore", "app.Dockerfile.dockerignore", "Containerfil",
		"appDockerfile", "x.Dockerfile~",
	};
	size_t i;

	(void)state;
	for (i = 0; i < N(yes); i++) {
		if (!dfx_is_dockerfile_name(yes[i]))
			fail_msg("should match: %s", yes[i]);
	}
	for (i = 0; i < N(no); i++) {
		if (dfx_is_dockerfile_name(no[i]))
			fail_msg("should not match: %s", no[i]);
	}
}

/* Section - walk */

/* The tree of the main tests; see the expected lists below. */
static void build_tree(fixture *f)
{
	mk(f, "Dockerfile", "FROM a\n");
	mk(f, "Containerfile", "FROM a\n");
	mk(f, "Dockerfile.dev", "FROM a\n");
	mk(f, "Dockerfile.dockerignore", "*\n");
	mk(f, "app.dockerfile", "FROM a\n");
	mk(f, "web.Dockerfile", "FROM a\n");
	mk(f, "README.md", "not a Dockerfile\n");
	mk(f, "lower/dockerfile", "FROM a\n");
	/* "a.b/x" sorts before "a/x" ('.' < '/') though "a" < "a.b". */
	mk(f, "a/Dockerfile", "FROM a\n");
	mk(f, "a.b/Dockerfile", "FROM a\n");
	/* Skipped directories. */
	mk(f, ".git/Dockerfile", "FROM a\n");
	mk(f, ".git/sub/Dockerfile", "FROM a\n");
	mk(f, "node_modules/pkg/Dockerfile", "FROM a\n");
	mk(f, "vendor/Dockerfile", "FROM a\n");
	mk(f, "sub/.hg/Dockerfile", "FROM a\n");
	/* A directory named Dockerfile is walked, not listed. */
	mk(f, "named/Dockerfile/Dockerfile", "FROM a\n");
	mk(f, "named/Dockerfile/notes.txt", "x\n");

	mk(f, ".gitignore",
	   "# build outputs\n"
	   "\n"
	   "build/\n"
	   "*.tmp.Dockerfile\n"
	   "!keep.tmp.Dockerfile\n"
	   "/anchored.Dockerfile\n"
	   "out.Dockerfile\r\n");
	mk(f, "build/Dockerfile", "FROM a\n");
	mk(f, "x.tmp.Dockerfile", "FROM a\n");
	mk(f, "keep.tmp.Dockerfile", "FROM a\n");
	mk(f, "anchored.Dockerfile", "FROM a\n");
	mk(f, "out.Dockerfile", "FROM a\n");

	mk(f, "sub/Dockerfile", "FROM a\n");
	mk(f, "sub/anchored.Dockerfile", "FROM a\n");
	mk(f, "sub/y.tmp.Dockerfile", "FROM a\n");
	mk(f, "sub/z.tmp.Dockerfile", "FROM a\n");
	mk(f, "sub/deep/er/Containerfile.ci", "FROM a\n");
	mk(f, "sub/deep/build/Dockerfile", "FROM a\n");
	/* Deeper .gitignore: overrides the root's, relative to sub/. */
	mk(f, "sub/.gitignore",
	   "!z.tmp.Dockerfile\n"
	   "gen/**/*.Dockerfile\n"
	   "!gen/**/keep.Dockerfile\n"
	   "docs/\n"
	   "[ab].Containerfile\n");
	mk(f, "sub/gen/a.Dockerfile", "FROM a\n");
	mk(f, "sub/gen/x/y/b.Dockerfile", "FROM a\n");
	mk(f, "sub/gen/x/keep.Dockerfile", "FROM a\n");
	mk(f, "sub/docs/Dockerfile", "FROM a\n");
	mk(f, "sub/a.Containerfile", "FROM a\n");
	mk(f, "sub/c.Containerfile", "FROM a\n");

	/* Symlinks: to a Dockerfile, to a directory, and back up to root. */
	mk_symlink(f, "Dockerfile", "link.Dockerfile");
	mk_symlink(f, "sub", "linkdir");
	mk_symlink(f, "..", "sub/loop");
	mk_symlink(f, "missing", "dangling.Dockerfile");
}

static const char *const expected_tree[] = {
	"Containerfile",
	"Dockerfile",
	"Dockerfile.dev",
	"a.b/Dockerfile",
	"a/Dockerfile",
	"app.dockerfile",
	"keep.tmp.Dockerfile",
	"lower/dockerfile",
	"named/Dockerfile/Dockerfile",
	"sub/Dockerfile",
	"sub/anchored.Dockerfile",
	"sub/c.Containerfile",
	"sub/deep/er/Containerfile.ci",
	"sub/gen/x/keep.Dockerfile",
	"sub/z.tmp.Dockerfile",
	"web.Dockerfile",
};

static void test_walk__tree_sorted_and_filtered(void **state)
{
	fixture *f = *state;
	dfx_walk_result r = DFX_WALK_RESULT_INIT;
	dfx_walk_options opts = DFX_WALK_OPTIONS_INIT;
	char prefix[128];

	build_tree(f);
	assert_int_equal(dfx_walk(&r, f->dir, &opts), 0);
	snprintf(prefix, sizeof(prefix), "%s/", f->dir);
	assert_paths(&r, 0, prefix, expected_tree, N(expected_tree));
	assert_int_equal(r.error_count, 0);
	dfx_walk_result_dispose(&r);
	assert_null(r.paths);
	assert_int_equal(r.count, 0);
}

static void test_walk__follow_symlinks(void **state)
{
	fixture *f = *state;
	dfx_walk_result r = DFX_WALK_RESULT_INIT;
	dfx_walk_options opts = {1};
	char prefix[128];
	static const char *const expect[] = {
		"Containerfile",
		"Dockerfile",
		"Dockerfile.dev",
		"a.b/Dockerfile",
		"a/Dockerfile",
		"app.dockerfile",
		"keep.tmp.Dockerfile",
		"link.Dockerfile",
		/* linkdir -> sub: sub's .gitignore applies there too; the
		 * root's "/anchored.Dockerfile" does not. */
		"linkdir/Dockerfile",
		"linkdir/anchored.Dockerfile",
		"linkdir/c.Containerfile",
		"linkdir/deep/er/Containerfile.ci",
		"linkdir/gen/x/keep.Dockerfile",
		"linkdir/z.tmp.Dockerfile",
		"lower/dockerfile",
		"named/Dockerfile/Dockerfile",
		"sub/Dockerfile",
		"sub/anchored.Dockerfile",
		"sub/c.Containerfile",
		"sub/deep/er/Containerfile.ci",
		"sub/gen/x/keep.Dockerfile",
		"sub/z.tmp.Dockerfile",
		"web.Dockerfile",
	};

	/* sub/loop -> .. leads back to root: the walk must not loop. */
	build_tree(f);
	assert_int_equal(dfx_walk(&r, f->dir, &opts), 0);
	snprintf(prefix, sizeof(prefix), "%s/", f->dir);
	assert_paths(&r, 0, prefix, expect, N(expect));
	assert_int_equal(r.error_count, 0);
	dfx_walk_result_dispose(&r);
}

static void test_walk__root_trailing_slash_and_symlink(void **state)
{
	fixture *f = *state;
	dfx_walk_result r = DFX_WALK_RESULT_INIT;
	char root[128], link[128];
	static const char *const expect[] = {"Dockerfile", "sub/Containerfile"};

	mk(f, "t/Dockerfile", "FROM a\n");
	mk(f, "t/sub/Containerfile", "FROM a\n");
	snprintf(root, sizeof(root), "%s/t/", f->dir);
	assert_int_equal(dfx_walk(&r, root, NULL), 0);
	assert_paths(&r, 0, root, expect, N(expect));

	/* An explicitly named symlink to a directory is walked; the results
	 * append to the earlier ones, sorted by themselves. */
	mk_symlink(f, "t", "tl");
	snprintf(link, sizeof(link), "%s/tl", f->dir);
	assert_int_equal(dfx_walk(&r, link, NULL), 0);
	strcat(link, "/");
	assert_paths(&r, 2, link, expect, N(expect));
	assert_string_equal(r.paths[0] + strlen(root), "Dockerfile");
	dfx_walk_result_dispose(&r);
}

static void test_walk__gitignore_syntax(void **state)
{
	fixture *f = *state;
	dfx_walk_result r = DFX_WALK_RESULT_INIT;
	char prefix[128];
	static const char *const expect[] = {
		"hash.Dockerfile",
		"nn.Dockerfile",
		"onlydir.Dockerfile",
		"other/nn.Dockerfile",
		"qq.Dockerfile",
		"t/keep.Dockerfile",
	};

	/* A byte order mark first: it must not spoil the first pattern. */
	mk(f, ".gitignore",
	   "\xEF\xBB\xBF?.Dockerfile\n"
	   "[0-9]*.Dockerfile\n"
	   "\\#hash.Dockerfile\n"
	   "space.Dockerfile   \n"
	   "**/deep.Dockerfile\n"
	   "mm/**/nn.Dockerfile\n"
	   "onlydir.Dockerfile/\n"
	   "t/**\n"
	   "!t/keep.Dockerfile\n"
	   "ex/\n"
	   "!ex/Dockerfile\n"
	   "   \n"
	   "#!comment.Dockerfile");
	mk(f, "q.Dockerfile", "");
	mk(f, "qq.Dockerfile", "");
	mk(f, "7up.Dockerfile", "");
	mk(f, "#hash.Dockerfile", "");
	mk(f, "hash.Dockerfile", "");
	mk(f, "space.Dockerfile", "");
	mk(f, "deep.Dockerfile", "");
	mk(f, "x/y/deep.Dockerfile", "");
	mk(f, "mm/nn.Dockerfile", "");
	mk(f, "mm/o/p/nn.Dockerfile", "");
	mk(f, "nn.Dockerfile", "");
	mk(f, "other/nn.Dockerfile", "");
	mk(f, "onlydir.Dockerfile", "");
	mk(f, "d/onlydir.Dockerfile/Dockerfile", "");
	mk(f, "t/a.Dockerfile", "");
	mk(f, "t/keep.Dockerfile", "");
	mk(f, "t/u/Dockerfile", "");
	/* A parent directory excluded: a negation cannot bring files back. */
	mk(f, "ex/Dockerfile", "");

	assert_int_equal(dfx_walk(&r, f->dir, NULL), 0);
	snprintf(prefix, sizeof(prefix), "%s/", f->dir);
	assert_paths(&r, 0, prefix, expect, N(expect));
	assert_int_equal(r.error_count, 0);
	dfx_walk_result_dispose(&r);
}

static void test_walk__root_errors(void **state)
{
	fixture *f = *state;
	dfx_walk_result r = DFX_WALK_RESULT_INIT;
	char p[256], want[300];

	snprintf(p, sizeof(p), "%s/missing", f->dir);
	assert_int_equal(dfx_walk(&r, p, NULL), DFFIX_EIO);
	assert_int_equal(r.error_count, 1);
	snprintf(want, sizeof(want), "%s: No such file or directory", p);
	assert_string_equal(r.errors[0], want);
	assert_null(r.errors[1]);

	mk(f, "Dockerfile", "FROM a\n");
	snprintf(p, sizeof(p), "%s/Dockerfile", f->dir);
	assert_int_equal(dfx_walk(&r, p, NULL), DFFIX_EINVAL);
	assert_int_equal(r.error_count, 2);
	snprintf(want, sizeof(want), "%s: not a directory", p);
	assert_string_equal(r.errors[1], want);
	assert_int_equal(r.count, 0);
	dfx_walk_result_dispose(&r);
}

/* As root, permissions cannot make a directory unreadable, so an error is
 * provoked with a directory whose path passes PATH_MAX; the walk records it
 * and goes on with the next entries. */
static void test_walk__error_collected_and_walk_continues(void **state)
{
	fixture *f = *state;
	dfx_walk_result r = DFX_WALK_RESULT_INIT;
	char name[201], prefix[128];
	int fd, i;
	static const char *const expect[] = {"a/Dockerfile", "z/Dockerfile"};

	mk(f, "a/Dockerfile", "FROM a\n");
	mk(f, "z/Dockerfile", "FROM a\n");
	memset(name, 'd', 200);
	name[200] = '\0';
	fd = open(f->dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	for (i = 0; i < 25; i++) {
		int next;
		assert_int_equal(mkdirat(fd, name, 0755), 0);
		next = openat(fd, name, O_RDONLY | O_DIRECTORY);
		assert_true(next >= 0);
		close(fd);
		fd = next;
	}
	close(fd);

	assert_int_equal(dfx_walk(&r, f->dir, NULL), 0);
	snprintf(prefix, sizeof(prefix), "%s/", f->dir);
	assert_paths(&r, 0, prefix, expect, N(expect));
	assert_int_equal(r.error_count, 1);
	assert_non_null(strstr(r.errors[0], ": File name too long"));
	assert_true(strncmp(r.errors[0], prefix, strlen(prefix)) == 0);
	dfx_walk_result_dispose(&r);
}

static void test_walk__unreadable_dir_non_root(void **state)
{
	fixture *f = *state;
	dfx_walk_result r = DFX_WALK_RESULT_INIT;
	char p[256], want[300], prefix[128];
	static const char *const expect[] = {"ok/Dockerfile"};

	/* root reads any directory whatever its mode. */
	if (geteuid() == 0)
		skip();
	mk(f, "locked/Dockerfile", "FROM a\n");
	mk(f, "ok/Dockerfile", "FROM a\n");
	snprintf(p, sizeof(p), "%s/locked", f->dir);
	assert_int_equal(chmod(p, 0), 0);
	assert_int_equal(dfx_walk(&r, f->dir, NULL), 0);
	snprintf(prefix, sizeof(prefix), "%s/", f->dir);
	assert_paths(&r, 0, prefix, expect, N(expect));
	assert_int_equal(r.error_count, 1);
	snprintf(want, sizeof(want), "%s: Permission denied", p);
	assert_string_equal(r.errors[0], want);
	dfx_walk_result_dispose(&r);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk__dockerfile_names),
		T(test_walk__tree_sorted_and_filtered),
		T(test_walk__follow_symlinks),
		T(test_walk__root_trailing_slash_and_symlink),
		T(test_walk__gitignore_syntax),
		T(test_walk__root_errors),
		T(test_walk__error_collected_and_walk_continues),
		T(test_walk__unreadable_dir_non_root),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
