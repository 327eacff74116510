/* test_fileio.c - whole-file reads and atomic writes.
 *
 * Build twice: plainly, and with -DDFFIX_FAULT_INJECTION for the tests that
 * make each step of the atomic write fail through DFFIX_FAULT.
 *
 * The tests may run as root, who bypasses permission checks: a read-only
 * file or directory does not stop root, so the "cannot create the temporary
 * file" failure is tested with a missing directory and with a directory
 * that is a file; the read-only directory case runs only as non-root.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dffix.h"
#include "fileio.h"

/* Section - helpers */

typedef struct fixture {
	char dir[64];
} fixture;

static void rm_at(int at_fd, const char *name)
{
	struct stat st;

	if (fstatat(at_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		int fd = openat(at_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
		DIR *d;
		struct dirent *de;
		if (fd >= 0) {
			fchmod(fd, 0700);
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
	strcpy(f->dir, "/tmp/dffix-fileio-XXXXXX");
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

static const char *at(fixture *f, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", f->dir, name);
	return buf;
}

static void put_file(const char *path, const char *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

/* Asserts the file holds exactly data[0..len). */
static void assert_file_is(const char *path, const char *data, size_t len)
{
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;
	assert_int_equal(dfx_file_read(&b, path, 0, &why), 0);
	assert_int_equal(b.size, len);
	assert_memory_equal(b.ptr, data, len);
	dffix_buf_dispose(&b);
}

/* Number of leftover temporary files in dir. */
static int temp_count(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;
	assert_non_null(d);
	while ((de = readdir(d)))
		n += strstr(de->d_name, ".dffix-") != NULL;
	closedir(d);
	return n;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Section - reading */

static void test_fileio__read_regular(void **state)
{
	char p[256];
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;
	static const char data[] = "FROM alpine\r\nRUN true\0binary";

	put_file(at(*state, "Dockerfile", p, sizeof(p)), data, sizeof(data) - 1, 0644);
	assert_int_equal(dfx_file_read(&b, p, 0, &why), 0);
	assert_int_equal(b.size, sizeof(data) - 1);
	assert_memory_equal(b.ptr, data, sizeof(data) - 1);
	assert_int_equal(b.ptr[b.size], '\0');
	dffix_buf_dispose(&b);
}

static void test_fileio__read_empty_gives_buffer(void **state)
{
	char p[256];
	dffix_buf b = DFFIX_BUF_INIT;

	put_file(at(*state, "empty", p, sizeof(p)), "", 0, 0644);
	assert_int_equal(dfx_file_read(&b, p, 0, NULL), 0);
	assert_non_null(b.ptr);
	assert_int_equal(b.size, 0);
	assert_int_equal(b.ptr[0], '\0');
	dffix_buf_dispose(&b);
}

static void test_fileio__read_big_file(void **state)
{
	char p[256];
	size_t n = (size_t)3 << 20, i;
	char *data = malloc(n);
	dffix_buf b = DFFIX_BUF_INIT;

	assert_non_null(data);
	for (i = 0; i < n; i++)
		data[i] = (char)('a' + i % 23);
	put_file(at(*state, "big", p, sizeof(p)), data, n, 0644);
	assert_int_equal(dfx_file_read(&b, p, n, NULL), 0);
	assert_int_equal(b.size, n);
	assert_memory_equal(b.ptr, data, n);
	dffix_buf_dispose(&b);
	free(data);
}

static void test_fileio__read_refuses_directory(void **state)
{
	fixture *f = *state;
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;

	assert_int_equal(dfx_file_read(&b, f->dir, 0, &why), DFFIX_EINVAL);
	assert_string_equal(why, "is a directory");
	assert_null(b.ptr);
}

static void test_fileio__read_refuses_fifo_without_blocking(void **state)
{
	char p[256];
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;
	double t0;

	assert_int_equal(mkfifo(at(*state, "fifo", p, sizeof(p)), 0644), 0);
	/* A blocking open would hang forever: let SIGALRM fail the run instead. */
	alarm(10);
	t0 = now();
	assert_int_equal(dfx_file_read(&b, p, 0, &why), DFFIX_EINVAL);
	assert_true(now() - t0 < 1.0);
	alarm(0);
	assert_string_equal(why, "not a regular file");
	assert_null(b.ptr);
}

static void test_fileio__read_refuses_device(void **state)
{
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;

	(void)state;
	assert_int_equal(dfx_file_read(&b, "/dev/null", 0, &why), DFFIX_EINVAL);
	assert_string_equal(why, "not a regular file");
}

static void test_fileio__read_refuses_too_large(void **state)
{
	char p[256], data[100];
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;

	memset(data, 'x', sizeof(data));
	put_file(at(*state, "Dockerfile", p, sizeof(p)), data, sizeof(data), 0644);
	assert_int_equal(dfx_file_read(&b, p, 99, &why), DFFIX_EINVAL);
	assert_string_equal(why, "file too large");
	assert_null(b.ptr);
	/* Exactly the cap is fine. */
	assert_int_equal(dfx_file_read(&b, p, 100, &why), 0);
	assert_int_equal(b.size, 100);
	dffix_buf_dispose(&b);
}

static void test_fileio__read_missing_file(void **state)
{
	char p[256];
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;

	assert_int_equal(dfx_file_read(&b, at(*state, "nope", p, sizeof(p)), 0, &why), DFFIX_EIO);
	assert_string_equal(why, "No such file or directory");
	assert_null(b.ptr);
}

static void test_fileio__fd_read_pipe_and_cap(void **state)
{
	int fds[2];
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "FROM x\n", 7), 7);
	close(fds[1]);
	assert_int_equal(dfx_fd_read(&b, fds[0], 0, &why), 0);
	assert_int_equal(b.size, 7);
	assert_memory_equal(b.ptr, "FROM x\n", 7);
	dffix_buf_dispose(&b);
	close(fds[0]);

	/* A stream has no size up front: the cap applies while reading. */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "0123456789", 10), 10);
	close(fds[1]);
	assert_int_equal(dfx_fd_read(&b, fds[0], 9, &why), DFFIX_EINVAL);
	assert_string_equal(why, "file too large");
	assert_null(b.ptr);
	close(fds[0]);
}

static void test_fileio__fd_read_waits_on_nonblocking_pipe(void **state)
{
	int fds[2], status;
	pid_t pid;
	dffix_buf b = DFFIX_BUF_INIT;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(fcntl(fds[0], F_SETFL, O_NONBLOCK), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		close(fds[0]);
		nanosleep(&ts, NULL);
		if (write(fds[1], "late", 4) != 4)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(dfx_fd_read(&b, fds[0], 0, NULL), 0);
	assert_int_equal(b.size, 4);
	assert_memory_equal(b.ptr, "late", 4);
	dffix_buf_dispose(&b);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void test_fileio__read_dash_is_stdin(void **state)
{
	int fds[2], saved;
	dffix_buf b = DFFIX_BUF_INIT;
	int error;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "RUN a", 5), 5);
	close(fds[1]);
	saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_int_equal(dup2(fds[0], STDIN_FILENO), STDIN_FILENO);
	error = dfx_file_read(&b, "-", 0, NULL);
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(fds[0]);
	assert_int_equal(error, 0);
	assert_int_equal(b.size, 5);
	assert_memory_equal(b.ptr, "RUN a", 5);
	dffix_buf_dispose(&b);
}

static void test_fileio__fd_read_refuses_directory(void **state)
{
	fixture *f = *state;
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;
	int fd = open(f->dir, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	assert_int_equal(dfx_fd_read(&b, fd, 0, &why), DFFIX_EINVAL);
	assert_string_equal(why, "is a directory");
	close(fd);
}

/* Section - writing */

static void write_keeps_mode(fixture *f, mode_t mode)
{
	char p[256], why[256] = "";
	struct stat before, after;

	put_file(at(f, "Dockerfile", p, sizeof(p)), "old\n", 4, mode);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(dfx_file_write_atomic(p, "FROM new\n", 9, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	assert_file_is(p, "FROM new\n", 9);
	assert_int_equal(stat(p, &after), 0);
	assert_int_equal(after.st_mode & 07777, mode);
	assert_true(S_ISREG(after.st_mode));
	/* A new inode: the file was replaced by rename, not rewritten. */
	assert_true(after.st_ino != before.st_ino);
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_keeps_mode_0640(void **state)
{
	write_keeps_mode(*state, 0640);
}

static void test_fileio__write_keeps_mode_0755(void **state)
{
	write_keeps_mode(*state, 0755);
}

static void test_fileio__write_keeps_owner_as_root(void **state)
{
	char p[256], why[256] = "";
	struct stat st;

	if (geteuid() != 0)
		skip();
	put_file(at(*state, "Dockerfile", p, sizeof(p)), "old\n", 4, 0644);
	assert_int_equal(chown(p, 1234, 5678), 0);
	assert_int_equal(dfx_file_write_atomic(p, "new\n", 4, why, sizeof(why)), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(st.st_mode & 07777, 0644);
}

static void test_fileio__read_stops_at_nul(void **state)
{
	char p[256];
	size_t n = (size_t)1 << 20;
	char *data = calloc(n, 1);
	dffix_buf b = DFFIX_BUF_INIT;
	const char *why = NULL;

	assert_non_null(data);
	memcpy(data, "FROM a\n", 7);
	put_file(at(*state, "Dockerfile", p, sizeof(p)), data, n, 0644);
	assert_int_equal(dfx_file_read(&b, p, 0, &why), 0);
	/* It holds the NUL (so the parser can name its offset) but not the rest. */
	assert_true(b.size > 7 && b.size < n);
	assert_int_equal(b.ptr[7], '\0');
	dffix_buf_dispose(&b);
	free(data);
}

static void test_fileio__write_big_and_empty(void **state)
{
	char p[256], why[256] = "";
	size_t n = (size_t)5 << 20, i;
	char *data = malloc(n);

	assert_non_null(data);
	/* Every byte value but NUL: reading stops at a NUL (binary input). */
	for (i = 0; i < n; i++)
		data[i] = (char)(1 + (i * 7 + i / 4096) % 255);
	put_file(at(*state, "Dockerfile", p, sizeof(p)), "old\n", 4, 0644);
	assert_int_equal(dfx_file_write_atomic(p, data, n, why, sizeof(why)), 0);
	assert_file_is(p, data, n);
	free(data);
	/* Empty contents, with no data pointer at all. */
	assert_int_equal(dfx_file_write_atomic(p, NULL, 0, why, sizeof(why)), 0);
	assert_file_is(p, "", 0);
}

static void test_fileio__write_fails_when_dir_missing_or_a_file(void **state)
{
	fixture *f = *state;
	char p[256], why[256] = "";

	/* As root, permissions cannot make the temp-file step fail, so use a
	 * directory that does not exist and one that is a regular file. */
	assert_int_equal(dfx_file_write_atomic(at(f, "nodir/Dockerfile", p, sizeof(p)), "x", 1, why, sizeof(why)),
			 DFFIX_EIO);
	assert_string_equal(why, "No such file or directory");
	put_file(at(f, "file", p, sizeof(p)), "keep", 4, 0644);
	assert_int_equal(dfx_file_write_atomic(at(f, "file/Dockerfile", p, sizeof(p)), "x", 1, why, sizeof(why)),
			 DFFIX_EIO);
	assert_string_equal(why, "Not a directory");
	assert_file_is(at(f, "file", p, sizeof(p)), "keep", 4);
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_fails_in_read_only_dir(void **state)
{
	fixture *f = *state;
	char d[256], p[256], why[256] = "";
	int error;

	/* root ignores the directory's mode; see the top of the file. */
	if (geteuid() == 0)
		skip();
	assert_int_equal(mkdir(at(f, "ro", d, sizeof(d)), 0755), 0);
	put_file(at(f, "ro/Dockerfile", p, sizeof(p)), "old\n", 4, 0644);
	assert_int_equal(chmod(d, 0555), 0);
	error = dfx_file_write_atomic(p, "new\n", 4, why, sizeof(why));
	chmod(d, 0755);
	assert_int_equal(error, DFFIX_EIO);
	assert_non_null(strstr(why, "cannot create a temporary file"));
	assert_non_null(strstr(why, "Permission denied"));
	assert_file_is(p, "old\n", 4);
	assert_int_equal(temp_count(d), 0);
}

static void test_fileio__write_through_symlinks(void **state)
{
	fixture *f = *state;
	char real[256], d[256], link1[256], link2[256], buf[256], why[256] = "";
	struct stat st;
	ssize_t n;

	assert_int_equal(mkdir(at(f, "real", d, sizeof(d)), 0755), 0);
	put_file(at(f, "real/Dockerfile", real, sizeof(real)), "old\n", 4, 0640);
	assert_int_equal(mkdir(at(f, "links", buf, sizeof(buf)), 0755), 0);
	/* links/l1 -> ../real/Dockerfile (relative to the link's directory),
	 * l2 -> links/l1: a chain. */
	assert_int_equal(symlink("../real/Dockerfile", at(f, "links/l1", link1, sizeof(link1))), 0);
	assert_int_equal(symlink("links/l1", at(f, "l2", link2, sizeof(link2))), 0);

	assert_int_equal(dfx_file_write_atomic(link2, "new\n", 4, why, sizeof(why)), 0);
	assert_file_is(real, "new\n", 4);
	assert_int_equal(lstat(link2, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(link1, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	n = readlink(link1, buf, sizeof(buf));
	assert_int_equal(n, 18);
	assert_memory_equal(buf, "../real/Dockerfile", 18);
	assert_int_equal(stat(real, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(temp_count(d), 0);
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_refuses_dangling_symlink(void **state)
{
	fixture *f = *state;
	char l[256], why[256] = "";
	struct stat st;

	assert_int_equal(symlink("missing", at(f, "Dockerfile", l, sizeof(l))), 0);
	assert_int_equal(dfx_file_write_atomic(l, "x", 1, why, sizeof(why)), DFFIX_EIO);
	assert_string_equal(why, "No such file or directory");
	assert_int_equal(lstat(l, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_refuses_symlink_loop(void **state)
{
	fixture *f = *state;
	char a[256], b[256], why[256] = "";

	assert_int_equal(symlink("b", at(f, "a", a, sizeof(a))), 0);
	assert_int_equal(symlink("a", at(f, "b", b, sizeof(b))), 0);
	assert_int_equal(dfx_file_write_atomic(a, "x", 1, why, sizeof(why)), DFFIX_EIO);
	assert_string_equal(why, "Too many levels of symbolic links");
}

static void test_fileio__write_refuses_hard_links(void **state)
{
	fixture *f = *state;
	char p[256], q[256], why[256] = "";

	put_file(at(f, "Dockerfile", p, sizeof(p)), "old\n", 4, 0644);
	assert_int_equal(link(p, at(f, "other", q, sizeof(q))), 0);
	assert_int_equal(dfx_file_write_atomic(p, "new\n", 4, why, sizeof(why)), DFFIX_EINVAL);
	assert_string_equal(why, "has 2 hard links; refusing to break them");
	assert_file_is(p, "old\n", 4);
	assert_file_is(q, "old\n", 4);
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_refuses_non_regular(void **state)
{
	fixture *f = *state;
	char p[256], why[256] = "";
	struct stat st;

	assert_int_equal(mkdir(at(f, "Dockerfile", p, sizeof(p)), 0755), 0);
	assert_int_equal(dfx_file_write_atomic(p, "x", 1, why, sizeof(why)), DFFIX_EINVAL);
	assert_string_equal(why, "not a regular file");
	assert_int_equal(mkfifo(at(f, "fifo", p, sizeof(p)), 0644), 0);
	assert_int_equal(dfx_file_write_atomic(p, "x", 1, why, sizeof(why)), DFFIX_EINVAL);
	assert_string_equal(why, "not a regular file");
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_long_name(void **state)
{
	fixture *f = *state;
	char name[251], p[512], why[256] = "";

	/* ".<name>.dffix-XXXXXX" would pass NAME_MAX: the name is cut. */
	memset(name, 'D', 250);
	name[250] = '\0';
	snprintf(p, sizeof(p), "%s/%s", f->dir, name);
	put_file(p, "old", 3, 0600);
	assert_int_equal(dfx_file_write_atomic(p, "new", 3, why, sizeof(why)), 0);
	assert_file_is(p, "new", 3);
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_relative_path(void **state)
{
	fixture *f = *state;
	char cwd[1024], why[256] = "";
	int error;

	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(f->dir), 0);
	put_file("Dockerfile", "old", 3, 0644);
	error = dfx_file_write_atomic("Dockerfile", "new", 3, why, sizeof(why));
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(error, 0);
	snprintf(cwd, sizeof(cwd), "%s/Dockerfile", f->dir);
	assert_file_is(cwd, "new", 3);
	assert_int_equal(temp_count(f->dir), 0);
}

static void test_fileio__write_why_truncated_or_null(void **state)
{
	fixture *f = *state;
	char p[256], q[256], why[8];

	put_file(at(f, "Dockerfile", p, sizeof(p)), "old\n", 4, 0644);
	assert_int_equal(link(p, at(f, "other", q, sizeof(q))), 0);
	memset(why, 'Z', sizeof(why));
	assert_int_equal(dfx_file_write_atomic(p, "x", 1, why, sizeof(why)), DFFIX_EINVAL);
	assert_string_equal(why, "has 2 h");
	assert_int_equal(dfx_file_write_atomic(p, "x", 1, NULL, 0), DFFIX_EINVAL);
	assert_file_is(p, "old\n", 4);
}

static void test_fileio__errno_text(void **state)
{
	(void)state;
	assert_string_equal(dfx_errno_text(ENOENT), "No such file or directory");
	assert_string_equal(dfx_errno_text(ENOSPC), "No space left on device");
	assert_string_equal(dfx_errno_text(-12345), "Unknown system error");
}

/* Section - fault injection */

#ifdef DFFIX_FAULT_INJECTION
static void fault_leaves_original(fixture *f, const char *step, const char *expect)
{
	char p[256], why[256] = "";
	static const char old[] = "FROM old\n# keep me byte for byte\r\n";
	char data[4096];
	struct stat before, after;
	int error;

	memset(data, 'n', sizeof(data));
	put_file(at(f, "Dockerfile", p, sizeof(p)), old, sizeof(old) - 1, 0640);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(setenv("DFFIX_FAULT", step, 1), 0);
	error = dfx_file_write_atomic(p, data, sizeof(data), why, sizeof(why));
	unsetenv("DFFIX_FAULT");
	assert_int_equal(error, DFFIX_EIO);
	assert_non_null(strstr(why, expect));
	assert_file_is(p, old, sizeof(old) - 1);
	assert_int_equal(stat(p, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);
	assert_int_equal(after.st_mode, before.st_mode);
	assert_int_equal(temp_count(f->dir), 0);

	/* Without the fault the same write goes through. */
	assert_int_equal(dfx_file_write_atomic(p, data, sizeof(data), why, sizeof(why)), 0);
	assert_file_is(p, data, sizeof(data));
}

static void test_fileio__fault_write(void **state)
{
	fault_leaves_original(*state, "write", "cannot write");
}

static void test_fileio__fault_enospc(void **state)
{
	fault_leaves_original(*state, "enospc", "No space left on device");
}

static void test_fileio__fault_fsync(void **state)
{
	fault_leaves_original(*state, "fsync", "cannot sync");
}

static void test_fileio__fault_rename(void **state)
{
	fault_leaves_original(*state, "rename", "cannot replace the file");
}
#else
static void test_fileio__fault_env_ignored_without_macro(void **state)
{
	char p[256], why[256] = "";
	int error;

	put_file(at(*state, "Dockerfile", p, sizeof(p)), "old", 3, 0644);
	assert_int_equal(setenv("DFFIX_FAULT", "write", 1), 0);
	error = dfx_file_write_atomic(p, "new", 3, why, sizeof(why));
	unsetenv("DFFIX_FAULT");
	assert_int_equal(error, 0);
	assert_file_is(p, "new", 3);
}
#endif

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_fileio__read_regular),
		T(test_fileio__read_empty_gives_buffer),
		T(test_fileio__read_big_file),
		T(test_fileio__read_refuses_directory),
		T(test_fileio__read_refuses_fifo_without_blocking),
		T(test_fileio__read_refuses_device),
		T(test_fileio__read_refuses_too_large),
		T(test_fileio__read_missing_file),
		T(test_fileio__fd_read_pipe_and_cap),
		T(test_fileio__fd_read_waits_on_nonblocking_pipe),
		T(test_fileio__read_dash_is_stdin),
		T(test_fileio__fd_read_refuses_directory),
		T(test_fileio__write_keeps_mode_0640),
		T(test_fileio__write_keeps_mode_0755),
		T(test_fileio__write_keeps_owner_as_root),
		T(test_fileio__write_big_and_empty),
		T(test_fileio__read_stops_at_nul),
		T(test_fileio__write_fails_when_dir_missing_or_a_file),
		T(test_fileio__write_fails_in_read_only_dir),
		T(test_fileio__write_through_symlinks),
		T(test_fileio__write_refuses_dangling_symlink),
		T(test_fileio__write_refuses_symlink_loop),
		T(test_fileio__write_refuses_hard_links),
		T(test_fileio__write_refuses_non_regular),
		T(test_fileio__write_long_name),
		T(test_fileio__write_relative_path),
		T(test_fileio__write_why_truncated_or_null),
		T(test_fileio__errno_text),
#ifdef DFFIX_FAULT_INJECTION
		T(test_fileio__fault_write),
		T(test_fileio__fault_enospc),
		T(test_fileio__fault_fsync),
		T(test_fileio__fault_rename),
#else
		T(test_fileio__fault_env_ignored_without_macro),
#endif
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
