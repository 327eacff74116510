/* fileio.c - whole-file read and atomic write; see fileio.h. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"

#define READ_CHUNK 65536u
/* Like the kernel's MAXSYMLINKS. */
#define MAX_SYMLINK_HOPS 40
#define TEMP_ATTEMPTS 100
#define TEMP_SUFFIX ".dffix-"
#define TEMP_RANDOM 6
/* A name component may not pass NAME_MAX (255) on common file systems: the
 * base name is cut so ".<base>.dffix-XXXXXX" still fits. */
#define TEMP_BASE_MAX (255 - 1 - (sizeof(TEMP_SUFFIX) - 1) - TEMP_RANDOM)

#ifdef DFFIX_FAULT_INJECTION
#include <stdlib.h>

static int fault(const char *step)
{
	const char *f = getenv("DFFIX_FAULT");
	return f && strcmp(f, step) == 0;
}
#define FAULT(step) fault(step)
#else
#define FAULT(step) 0
#endif

const char *dfx_errno_text(int err)
{
	switch (err) {
	case EPERM: return "Operation not permitted";
	case ENOENT: return "No such file or directory";
	case EINTR: return "Interrupted system call";
	case EIO: return "Input/output error";
	case ENXIO: return "No such device or address";
	case EBADF: return "Bad file descriptor";
	case EAGAIN: return "Resource temporarily unavailable";
	case ENOMEM: return "Cannot allocate memory";
	case EACCES: return "Permission denied";
	case EFAULT: return "Bad address";
	case EBUSY: return "Device or resource busy";
	case EEXIST: return "File exists";
	case EXDEV: return "Invalid cross-device link";
	case ENODEV: return "No such device";
	case ENOTDIR: return "Not a directory";
	case EISDIR: return "Is a directory";
	case EINVAL: return "Invalid argument";
	case ENFILE: return "Too many open files in system";
	case EMFILE: return "Too many open files";
	case ETXTBSY: return "Text file busy";
	case EFBIG: return "File too large";
	case ENOSPC: return "No space left on device";
	case ESPIPE: return "Illegal seek";
	case EROFS: return "Read-only file system";
	case EMLINK: return "Too many links";
	case EPIPE: return "Broken pipe";
	case ENAMETOOLONG: return "File name too long";
	case ENOTEMPTY: return "Directory not empty";
	case ELOOP: return "Too many levels of symbolic links";
	case EOVERFLOW: return "Value too large for defined data type";
	case EDQUOT: return "Disk quota exceeded";
	case ESTALE: return "Stale file handle";
	case ENOTSUP: return "Operation not supported";
	default: return "Unknown system error";
	}
}

/* Section - Reading */

static int read_all(dffix_buf *out, int fd, size_t max_size, const char **why)
{
	char chunk[READ_CHUNK];
	size_t total = 0;

	/* A successful read always leaves a NUL-terminated ptr, even when empty. */
	if (dffix_buf_put(out, "", 0) < 0)
		goto nomem;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				/* stdin may have been left non-blocking by
				 * whoever shares it: wait instead of failing. */
				struct pollfd p = {fd, POLLIN, 0};
				if (poll(&p, 1, -1) < 0 && errno != EINTR)
					goto io;
				continue;
			}
			goto io;
		}
		if (n == 0)
			return 0;
		if ((size_t)n > max_size - total) {
			*why = "file too large";
			dffix_buf_dispose(out);
			return DFFIX_EINVAL;
		}
		total += (size_t)n;
		if (dffix_buf_put(out, chunk, (size_t)n) < 0) {
			if (out->toobig) {
				/* The caller's own buffer cap is the limit. */
				*why = "file too large";
				return DFFIX_EINVAL;
			}
			goto nomem;
		}
		/* A NUL byte means binary input, which the parser rejects with its
		 * position: stop here rather than read all of /dev/zero. */
		if (memchr(chunk, '\0', (size_t)n))
			return 0;
	}
io:
	*why = dfx_errno_text(errno);
	dffix_buf_dispose(out);
	return DFFIX_EIO;
nomem:
	*why = "out of memory";
	dffix_buf_dispose(out);
	return DFFIX_ENOMEM;
}

int dfx_fd_read(dffix_buf *out, int fd, size_t max_size, const char **why)
{
	const char *dummy;
	struct stat st;

	if (!why)
		why = &dummy;
	if (max_size == 0)
		max_size = DFX_FILE_MAX_DEFAULT;
	if (fstat(fd, &st) < 0) {
		*why = dfx_errno_text(errno);
		dffix_buf_dispose(out);
		return DFFIX_EIO;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = "is a directory";
		dffix_buf_dispose(out);
		return DFFIX_EINVAL;
	}
	if (S_ISREG(st.st_mode) && st.st_size > 0 && (uintmax_t)st.st_size > max_size) {
		*why = "file too large";
		dffix_buf_dispose(out);
		return DFFIX_EINVAL;
	}
	return read_all(out, fd, max_size, why);
}

int dfx_file_read(dffix_buf *out, const char *path, size_t max_size, const char **why)
{
	const char *dummy;
	struct stat st;
	int fd, error, flags;

	if (!why)
		why = &dummy;
	if (strcmp(path, "-") == 0)
		return dfx_fd_read(out, STDIN_FILENO, max_size, why);
	if (max_size == 0)
		max_size = DFX_FILE_MAX_DEFAULT;

	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		*why = dfx_errno_text(errno);
		dffix_buf_dispose(out);
		return DFFIX_EIO;
	}
	if (fstat(fd, &st) < 0) {
		*why = dfx_errno_text(errno);
		error = DFFIX_EIO;
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = "is a directory";
		error = DFFIX_EINVAL;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		error = DFFIX_EINVAL;
		goto fail;
	}
	if (st.st_size > 0 && (uintmax_t)st.st_size > max_size) {
		*why = "file too large";
		error = DFFIX_EINVAL;
		goto fail;
	}
	/* Regular files ignore O_NONBLOCK; clearing it keeps reads plain
	 * anyway (some network file systems honour it). */
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
	error = read_all(out, fd, max_size, why);
	close(fd);
	return error;
fail:
	close(fd);
	dffix_buf_dispose(out);
	return error;
}

/* Section - Atomic write */

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void set_why(char *why, size_t why_size, const char *fmt, ...)
{
	va_list ap;

	if (!why || !why_size)
		return;
	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
}

static char *str_join(const char *a, size_t alen, const char *b, size_t blen)
{
	char *s;

	if (alen > SIZE_MAX - blen - 1)
		return NULL;
	s = dfx_malloc(alen + blen + 1);
	if (!s)
		return NULL;
	memcpy(s, a, alen);
	memcpy(s + alen, b, blen);
	s[alen + blen] = '\0';
	return s;
}

/* Length of the directory part of `path` including its last '/', 0 when
 * the path has no slash. */
static size_t dir_prefix_len(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? (size_t)(slash - path) + 1 : 0;
}

/*
 * Follows `path` while it names a symlink, resolving each relative link
 * against the directory of the link itself. *out gets the final path (heap)
 * and *st its lstat(). Returns 0 or an errno value (ENOMEM included).
 */
static int resolve_target(char **out, struct stat *st, const char *path)
{
	char *cur = str_join(path, strlen(path), "", 0);
	int hops;

	if (!cur)
		return ENOMEM;
	for (hops = 0;; hops++) {
		if (lstat(cur, st) < 0) {
			int err = errno;
			dfx_free(cur);
			return err;
		}
		if (!S_ISLNK(st->st_mode))
			break;
		if (hops == MAX_SYMLINK_HOPS) {
			dfx_free(cur);
			return ELOOP;
		}
		/* st_size is the link length on most file systems but 0 on
		 * some (procfs): grow until readlink() leaves room. */
		size_t size = st->st_size > 0 ? (size_t)st->st_size + 1 : 256;
		char *link = NULL;
		ssize_t n;
		for (;;) {
			char *p = dfx_realloc(link, size);
			if (!p) {
				dfx_free(link);
				dfx_free(cur);
				return ENOMEM;
			}
			link = p;
			n = readlink(cur, link, size);
			if (n < 0) {
				int err = errno;
				dfx_free(link);
				dfx_free(cur);
				return err;
			}
			if ((size_t)n < size)
				break;
			size *= 2;
		}
		char *next;
		if (n > 0 && link[0] == '/')
			next = str_join(link, (size_t)n, "", 0);
		else
			next = str_join(cur, dir_prefix_len(cur), link, (size_t)n);
		dfx_free(link);
		dfx_free(cur);
		if (!next)
			return ENOMEM;
		cur = next;
	}
	*out = cur;
	return 0;
}

static uint64_t mix64(uint64_t x)
{
	/* splitmix64 finalizer */
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Fills `n` random-looking name characters. O_EXCL makes collisions
 * harmless (we retry), so no strong randomness is needed. */
static void fill_random(char *dst, size_t n, unsigned attempt)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct timespec ts = {0, 0};
	uint64_t x;
	size_t i;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = mix64((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 30));
	x = mix64(x ^ (uint64_t)getpid() ^ ((uint64_t)attempt << 40));
	x = mix64(x ^ (uint64_t)(uintptr_t)dst);
	for (i = 0; i < n; i++) {
		dst[i] = chars[x % (sizeof(chars) - 1)];
		x /= sizeof(chars) - 1;
	}
}

/* Writes all of data; returns 0 or an errno value. */
static int write_all(int fd, const char *data, size_t len)
{
	size_t done = 0, limit = len;
	int injected = 0;

	if (FAULT("write"))
		return EIO;
	if (FAULT("enospc")) {
		/* Simulates a disk filling up half-way through. */
		limit = len / 2;
		injected = ENOSPC;
	}
	while (done < limit) {
		size_t chunk = limit - done;
		if (chunk > (size_t)SSIZE_MAX)
			chunk = (size_t)SSIZE_MAX;
		ssize_t n = write(fd, data + done, chunk);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno;
		}
		if (n == 0)
			return EIO;
		done += (size_t)n;
	}
	return injected;
}

static int sync_file(int fd)
{
	if (FAULT("fsync")) {
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static int replace_file(const char *from, const char *to)
{
	if (FAULT("rename")) {
		errno = EIO;
		return -1;
	}
	return rename(from, to);
}

/* Best effort: the rename already happened, so there is nothing to undo. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)fsync(fd);
	close(fd);
}

int dfx_file_write_atomic(const char *path, const char *data, size_t len, char *why, size_t why_size)
{
	char *target = NULL, *tmp = NULL, *dir = NULL, *p;
	const char *base;
	size_t dlen, blen;
	struct stat st;
	int fd = -1, error = 0, err;

	if (!path || (!data && len)) {
		set_why(why, why_size, "%s", "invalid argument");
		return DFFIX_EINVAL;
	}
	err = resolve_target(&target, &st, path);
	if (err) {
		set_why(why, why_size, "%s", dfx_errno_text(err));
		return err == ENOMEM ? DFFIX_ENOMEM : DFFIX_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		set_why(why, why_size, "%s", "not a regular file");
		error = DFFIX_EINVAL;
		goto cleanup;
	}
	if (st.st_nlink > 1) {
		/* Replacing by rename would silently split the links. */
		set_why(why, why_size, "has %ju hard links; refusing to break them", (uintmax_t)st.st_nlink);
		error = DFFIX_EINVAL;
		goto cleanup;
	}

	dlen = dir_prefix_len(target);
	base = target + dlen;
	blen = strlen(base);
	if (blen > TEMP_BASE_MAX)
		blen = TEMP_BASE_MAX;
	dir = dlen ? str_join(target, dlen, "", 0) : str_join(".", 1, "", 0);
	/* dir/.base.dffix-XXXXXX */
	tmp = dfx_malloc(dlen + 1 + blen + sizeof(TEMP_SUFFIX) - 1 + TEMP_RANDOM + 1);
	if (!dir || !tmp) {
		set_why(why, why_size, "%s", "out of memory");
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	p = tmp;
	memcpy(p, target, dlen);
	p += dlen;
	*p++ = '.';
	memcpy(p, base, blen);
	p += blen;
	memcpy(p, TEMP_SUFFIX, sizeof(TEMP_SUFFIX) - 1);
	p += sizeof(TEMP_SUFFIX) - 1;
	p[TEMP_RANDOM] = '\0';
	for (unsigned attempt = 0; attempt < TEMP_ATTEMPTS; attempt++) {
		fill_random(p, TEMP_RANDOM, attempt);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		set_why(why, why_size, "cannot create a temporary file in %s: %s", dir, dfx_errno_text(errno));
		error = DFFIX_EIO;
		goto cleanup;
	}

	err = write_all(fd, data, len);
	if (err) {
		set_why(why, why_size, "cannot write %s: %s", tmp, dfx_errno_text(err));
		goto fail;
	}
	if (geteuid() == 0) {
		/* root would otherwise leave other users' files owned by root. */
		if (fchown(fd, st.st_uid, st.st_gid) < 0) {
			err = errno;
			set_why(why, why_size, "cannot set the owner of %s: %s", tmp, dfx_errno_text(err));
			goto fail;
		}
	} else {
		struct stat tst;
		/* Keeping the group is allowed when we are a member; when we
		 * are not, the new file simply gets our group. */
		if (fstat(fd, &tst) == 0 && tst.st_gid != st.st_gid)
			(void)fchown(fd, (uid_t)-1, st.st_gid);
	}
	/* After fchown, which clears set-id bits. */
	if (fchmod(fd, st.st_mode & 07777) < 0) {
		err = errno;
		set_why(why, why_size, "cannot set the mode of %s: %s", tmp, dfx_errno_text(err));
		goto fail;
	}
	if (sync_file(fd) < 0) {
		err = errno;
		set_why(why, why_size, "cannot sync %s: %s", tmp, dfx_errno_text(err));
		goto fail;
	}
	err = close(fd) < 0 ? errno : 0;
	fd = -1;
	if (err) {
		set_why(why, why_size, "cannot close %s: %s", tmp, dfx_errno_text(err));
		goto fail;
	}
	if (replace_file(tmp, target) < 0) {
		err = errno;
		set_why(why, why_size, "cannot replace the file: rename from %s: %s", tmp, dfx_errno_text(err));
		goto fail;
	}
	sync_dir(dir);
	goto cleanup;

fail:
	if (fd >= 0)
		close(fd);
	fd = -1;
	unlink(tmp);
	error = err == ENOMEM ? DFFIX_ENOMEM : DFFIX_EIO;
cleanup:
	if (fd >= 0)
		close(fd);
	dfx_free(tmp);
	dfx_free(dir);
	dfx_free(target);
	return error;
}
