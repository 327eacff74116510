/*
 * spawn_time.c - wall time, exit status and peak memory of whole processes.
 *
 * usage: spawn_time [-t TIMEOUT_MS] [-n REPEAT] [-b BUDGET_S] [--all] CMD ARG...
 *
 * File paths are read from stdin, one per line. An ARG that is exactly "{}"
 * is replaced by the file path, so the command runs once per file (that is
 * the per-file latency of format-on-save). With --all, "{}" expands to every
 * path at once and the command runs REPEAT times (a bulk run); -b stops
 * repeating once BUDGET_S seconds were spent (at least one run is made).
 *
 * The command's stdout and stderr go to /dev/null; it is killed after
 * TIMEOUT_MS (default 20000). For each run one line goes to stdout:
 *
 *   STATUS <TAB> WALL_US <TAB> MAXRSS_KB <TAB> CPU_US <TAB> PATH   (PATH is "*" with --all)
 *
 * STATUS is the exit code, 128+N after signal N, or 124 after the timeout.
 * MAXRSS_KB comes from wait4()'s rusage, the same number GNU time -v prints
 * as "Maximum resident set size"; CPU_US is the child's user + system time.
 * Wall time spans posix_spawn to reaping.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

typedef struct result {
	int status;
	long long wall_us;
	long maxrss_kb;
	long long cpu_us;
} result;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs argv once. SIGCHLD is blocked by the caller, so sigtimedwait() can
 * wait for the child with a timeout. */
static long long cpu_us(const struct rusage *ru)
{
	return (long long)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000000 + ru->ru_utime.tv_usec +
	       ru->ru_stime.tv_usec;
}

static result run(char **argv, long timeout_ms)
{
	result r = {127, 0, 0, 0};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawnattr_t attr;
	posix_spawnattr_init(&attr);
	sigset_t none;
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

	double t0 = now();
	pid_t pid;
	int err = posix_spawnp(&pid, argv[0], &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (err) {
		fprintf(stderr, "spawn_time: %s: %s\n", argv[0], strerror(err));
		return r;
	}
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	int timed_out = 0;
	for (;;) {
		double left = (double)timeout_ms / 1e3 - (now() - t0);
		if (left <= 0) {
			kill(pid, SIGKILL);
			timed_out = 1;
			break;
		}
		struct timespec ts = {(time_t)left, (long)((left - (double)(time_t)left) * 1e9)};
		int sig = sigtimedwait(&chld, NULL, &ts);
		if (sig == SIGCHLD) {
			int st;
			struct rusage ru;
			/* SIGCHLD may be for an earlier child; check ours without blocking. */
			pid_t got = wait4(pid, &st, WNOHANG, &ru);
			if (got == pid) {
				r.wall_us = (long long)((now() - t0) * 1e6);
				r.maxrss_kb = ru.ru_maxrss;
				r.cpu_us = cpu_us(&ru);
				r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
				return r;
			}
		} else if (sig < 0 && errno != EAGAIN && errno != EINTR) {
			break;
		}
	}
	int st;
	struct rusage ru;
	wait4(pid, &st, 0, &ru);
	r.wall_us = (long long)((now() - t0) * 1e6);
	r.maxrss_kb = ru.ru_maxrss;
	r.cpu_us = cpu_us(&ru);
	r.status = timed_out ? 124 : (WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return r;
}

int main(int argc, char **argv)
{
	long timeout_ms = 20000;
	int repeat = 1, all = 0;
	double budget = 1e9;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			timeout_ms = atol(argv[++i]);
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-b") && i + 1 < argc)
			budget = atof(argv[++i]);
		else if (!strcmp(argv[i], "--all"))
			all = 1;
		else
			break;
	}
	if (i >= argc) {
		fprintf(stderr, "usage: spawn_time [-t TIMEOUT_MS] [-n REPEAT] [-b BUDGET_S] [--all] CMD ARG...\n");
		return 2;
	}
	int cmdc = argc - i;
	char **cmd = argv + i;

	/* Read the file list. */
	size_t nfiles = 0, cap = 256;
	char **files = malloc(cap * sizeof(*files));
	char *line = NULL;
	size_t lcap = 0;
	ssize_t n;
	while (files && (n = getline(&line, &lcap, stdin)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (!n)
			continue;
		if (nfiles == cap) {
			char **more = realloc(files, (cap *= 2) * sizeof(*files));
			if (!more)
				return 2;
			files = more;
		}
		files[nfiles++] = strdup(line);
	}
	free(line);
	if (!files)
		return 2;

	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);

	if (all) {
		char **args = calloc((size_t)cmdc + nfiles + 1, sizeof(*args));
		if (!args)
			return 2;
		size_t k = 0;
		for (int a = 0; a < cmdc; a++) {
			if (!strcmp(cmd[a], "{}"))
				for (size_t f = 0; f < nfiles; f++)
					args[k++] = files[f];
			else
				args[k++] = cmd[a];
		}
		double start = now();
		for (int rep = 0; rep < repeat; rep++) {
			if (rep > 0 && now() - start > budget)
				break;
			result r = run(args, timeout_ms);
			printf("%d\t%lld\t%ld\t%lld\t*\n", r.status, r.wall_us, r.maxrss_kb, r.cpu_us);
			fflush(stdout);
		}
		return 0;
	}

	char **args = calloc((size_t)cmdc + 1, sizeof(*args));
	if (!args)
		return 2;
	for (size_t f = 0; f < nfiles; f++) {
		for (int a = 0; a < cmdc; a++)
			args[a] = !strcmp(cmd[a], "{}") ? files[f] : cmd[a];
		for (int rep = 0; rep < repeat; rep++) {
			result r = run(args, timeout_ms);
			printf("%d\t%lld\t%ld\t%lld\t%s\n", r.status, r.wall_us, r.maxrss_kb, r.cpu_us, files[f]);
		}
	}
	return 0;
}
