/* fileio.h - whole-file reads and atomic in-place writes for the CLI.
 *
 * Reads refuse anything but regular files (stdin excepted), so `dffix -w`
 * never blocks on a FIFO nor touches a device. Writes replace the file
 * through a temporary file and rename(2), so a crash or a full disk leaves
 * either the old or the new contents, never a mix.
 *
 * Building with -DDFFIX_FAULT_INJECTION makes the environment variable
 * DFFIX_FAULT=write|fsync|rename|enospc fail that step of
 * dfx_file_write_atomic(), for tests. Without the macro the code is absent.
 */
#ifndef DFX_FILEIO_H
#define DFX_FILEIO_H

#include <stddef.h>

#include "dffix.h"

/* Default and largest sensible read cap when max_size is 0. */
#define DFX_FILE_MAX_DEFAULT ((size_t)1 << 30)

/*
 * Appends the whole regular file at `path` (stdin when path is "-") to
 * `out`. The file is opened with O_NONBLOCK|O_NOCTTY|O_CLOEXEC and fstat()ed
 * before any read, so a FIFO or a device is refused without blocking.
 * `max_size` caps the bytes read (0 = 1 GiB). Reading stops after the first
 * chunk that holds a NUL byte: such input is binary and refused by the
 * parser, so there is no point reading the rest of it.
 * Returns 0, or:
 *   DFFIX_EINVAL  "is a directory", "not a regular file", "file too large";
 *   DFFIX_EIO     open/read failed, *why is the errno text;
 *   DFFIX_ENOMEM  "out of memory".
 * *why (may be NULL) gets a static string. On failure `out` is disposed.
 * On success out->ptr is non-NULL and NUL-terminated (also for an empty
 * file); the caller frees it with dffix_buf_dispose().
 */
int dfx_file_read(dffix_buf *out, const char *path, size_t max_size, const char **why);

/*
 * Like dfx_file_read() for an already open descriptor (stdin): pipes,
 * terminals and other streams are read to EOF (waiting with poll(2) if the
 * descriptor is non-blocking); only directories are refused. Does not close
 * `fd`.
 */
int dfx_fd_read(dffix_buf *out, int fd, size_t max_size, const char **why);

/*
 * Atomically replaces the existing regular file `path` with `len` bytes of
 * `data`:
 *  - an explicitly named symlink is resolved to its final target (the link
 *    stays a link and the target is written);
 *  - a file with more than one hard link is refused (DFFIX_EINVAL,
 *    "has N hard links; refusing to break them"), as is anything that is
 *    not a regular file or does not exist;
 *  - a temporary file ".<base>.dffix-XXXXXX" is created next to the target
 *    with O_CREAT|O_EXCL and mode 0600, filled (short writes and EINTR
 *    handled), given the original's mode bits (and owner and group when
 *    running as root; only the group, best effort, otherwise), fsync()ed
 *    and renamed over the target; then the directory is fsync()ed, best
 *    effort (the file is already replaced by then, so a failure there is not
 *    reported).
 * On any failure before the rename the temporary file is removed and the
 * original is untouched. Returns 0, DFFIX_EINVAL (refused), DFFIX_EIO (a
 * system call failed) or DFFIX_ENOMEM, with a message written into
 * `why` (why_size bytes, truncated; may be NULL/0). Note that root bypasses
 * permission checks, so a read-only file or directory does not stop it.
 */
int dfx_file_write_atomic(const char *path, const char *data, size_t len, char *why, size_t why_size);

/*
 * A static, thread-safe description of an errno value ("No such file or
 * directory"), unlike strerror(3) which may use a shared buffer. Shared with
 * walk.c.
 */
const char *dfx_errno_text(int err);

#endif
