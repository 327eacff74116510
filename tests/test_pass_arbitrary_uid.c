/* test_pass_arbitrary_uid.c - the arbitrary-uid pass: placement, every
 * refusal, idempotence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dffix.h"

typedef struct outcome {
	dffix_buf out;
	dffix_doc *doc;
} outcome;

static void fix_with(outcome *r, const char *in, unsigned fix, const char *const *dirs, size_t ndirs)
{
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = fix;
	o.writable_dirs = dirs;
	o.writable_dir_count = ndirs;
	dffix_buf init = DFFIX_BUF_INIT;
	r->out = init;
	assert_int_equal(dffix_doc_parse(&r->doc, in, strlen(in)), 0);
	int changed = 0;
	assert_int_equal(dffix_doc_fix(&changed, r->doc, &o), 0);
	assert_int_equal(dffix_doc_format(&r->out, r->doc, &o), 0);
}

static void fix(outcome *r, const char *in)
{
	fix_with(r, in, DFFIX_FIX_ARBITRARY_UID, NULL, 0);
}

static void done(outcome *r)
{
	dffix_buf_dispose(&r->out);
	dffix_doc_free(r->doc);
}

static size_t count_kind(const dffix_doc *doc, dffix_diag_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++)
		n += dffix_doc_diag(doc, i)->kind == kind;
	return n;
}

static const dffix_diag *find_diag(const dffix_doc *doc, dffix_diag_kind kind, const char *needle)
{
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (d->kind == kind && strstr(d->message, needle))
			return d;
	}
	return NULL;
}

/* fix(in) == want, and fix(want) == want with nothing applied. */
static void expect_fix_bits(const char *in, const char *want, unsigned bits, const char *const *dirs,
                            size_t ndirs)
{
	outcome r, again;
	fix_with(&r, in, bits, dirs, ndirs);
	assert_string_equal(r.out.ptr, want);
	assert_true(count_kind(r.doc, DFFIX_DIAG_APPLIED) > 0);
	fix_with(&again, r.out.ptr, bits, dirs, ndirs);
	assert_string_equal(again.out.ptr, want);
	assert_int_equal(count_kind(again.doc, DFFIX_DIAG_APPLIED), 0);
	done(&again);
	done(&r);
}

static void expect_fix_dirs(const char *in, const char *want, const char *const *dirs, size_t ndirs)
{
	expect_fix_bits(in, want, DFFIX_FIX_ARBITRARY_UID, dirs, ndirs);
}

static void expect_fix(const char *in, const char *want)
{
	expect_fix_dirs(in, want, NULL, 0);
}

/* Nothing changes; a refusal containing `why` (NULL: no diagnostic). */
static void expect_kept(const char *in, const char *why)
{
	outcome r, plain;
	fix_with(&plain, in, 0, NULL, 0);
	fix(&r, in);
	assert_string_equal(r.out.ptr, plain.out.ptr);
	assert_int_equal(count_kind(r.doc, DFFIX_DIAG_APPLIED), 0);
	if (why) {
		const dffix_diag *d = find_diag(r.doc, DFFIX_DIAG_REFUSED, why);
		assert_non_null(d);
		assert_string_equal(d->rule_id, "DF105");
		assert_int_equal(d->severity, DFFIX_SEV_INFO);
	} else {
		assert_int_equal(dffix_doc_diag_count(r.doc), 0);
	}
	done(&plain);
	done(&r);
}

static void test_pass_arbitrary_uid__before_user(void **state)
{
	(void)state;
	expect_fix("FROM ubi9\n"
	           "WORKDIR /app\n"
	           "COPY . .\n"
	           "EXPOSE 8080\n"
	           "# drop root\n"
	           "USER 1001\n"
	           "CMD [\"./run\"]\n",
	           "FROM ubi9\n"
	           "WORKDIR /app\n"
	           "COPY . .\n"
	           "EXPOSE 8080\n"
	           "RUN chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\n"
	           "# drop root\n"
	           "USER 1001\n"
	           "CMD [\"./run\"]\n");
	outcome r;
	fix(&r, "FROM ubi9\nWORKDIR /app\nUSER 1001\n");
	const dffix_diag *d = find_diag(r.doc, DFFIX_DIAG_APPLIED, "chgrp -R 0 and chmod -R g=u for /app");
	assert_non_null(d);
	assert_string_equal(d->rule_name, "arbitrary-uid");
	done(&r);
}

static void test_pass_arbitrary_uid__before_cmd_or_at_end(void **state)
{
	(void)state;
	expect_fix(
	    "FROM ubi9\nWORKDIR /srv\nRUN make\nCMD [\"x\"]\n",
	    "FROM ubi9\nWORKDIR /srv\nRUN make\nRUN chgrp -R 0 /srv && \\\n    chmod -R g=u /srv\nCMD [\"x\"]\n");
	expect_fix("FROM ubi9\nWORKDIR /srv\nRUN make\n# trailing\n",
	           "FROM ubi9\nWORKDIR /srv\nRUN make\nRUN chgrp -R 0 /srv && \\\n    chmod -R g=u /srv\n# trailing\n");
	/* No final newline. */
	expect_fix("FROM ubi9\nWORKDIR /srv",
	           "FROM ubi9\nWORKDIR /srv\nRUN chgrp -R 0 /srv && \\\n    chmod -R g=u /srv\n");
}

static void test_pass_arbitrary_uid__user_root_is_fine(void **state)
{
	(void)state;
	expect_fix("FROM ubi9\nUSER 1001\nWORKDIR /app\nUSER root\nCOPY . .\nUSER 0:0\nUSER 1001:0\n",
	           "FROM ubi9\nUSER 1001\nWORKDIR /app\nUSER root\nCOPY . .\nUSER 0:0\n"
	           "RUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\nUSER 1001:0\n");
}

static void test_pass_arbitrary_uid__user_before_write(void **state)
{
	(void)state;
	expect_kept("FROM ubi9\nWORKDIR /app\nUSER 1001\nCOPY . .\nCMD [\"x\"]\n",
	            "USER 1001 (line 3) comes before the last write to /app (line 4); chgrp needs root");
	/* A USER given by a variable may not be root. */
	expect_kept("FROM ubi9\nWORKDIR /app\nUSER $APP_USER\nCOPY . .\n",
	            "USER $APP_USER (line 3) comes before the last write to /app (line 4)");
	expect_fix("FROM ubi9\nWORKDIR /app\nUSER $APP_USER\n",
	           "FROM ubi9\nWORKDIR /app\nRUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\nUSER $APP_USER\n");
	/* A USER inherited from an earlier stage counts too. */
	expect_kept("FROM ubi9 AS base\nUSER 1001\nFROM base\nWORKDIR /app\n",
	            "USER 1001 (line 2) is in effect where /app would be handed to group 0; chgrp needs root");
}

static void test_pass_arbitrary_uid__volumes(void **state)
{
	(void)state;
	/* Before the VOLUME line: the classic builder drops RUN changes after it.
	 * mkdir only for what no earlier mkdir or WORKDIR made. */
	expect_fix("FROM ubi9\nRUN mkdir /data\nVOLUME [\"/data\", \"/cache\"]\nUSER 1001\n",
	           "FROM ubi9\nRUN mkdir /data\nRUN mkdir -p /cache && \\\n    chgrp -R 0 /data /cache && \\\n"
	           "    chmod -R g=u /data /cache\nVOLUME [\"/data\", \"/cache\"]\nUSER 1001\n");
	/* Two windows, two RUNs. */
	expect_fix(
	    "FROM ubi9\nVOLUME /data\nWORKDIR /app\nCOPY . .\nUSER 1001\n",
	    "FROM ubi9\nRUN mkdir -p /data && \\\n    chgrp -R 0 /data && \\\n    chmod -R g=u /data\n"
	    "VOLUME /data\nWORKDIR /app\nCOPY . .\nRUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\nUSER 1001\n");
	/* A VOLUME inside a WORKDIR: one RUN, made before the VOLUME, with mkdir. */
	expect_fix("FROM ubi9\nWORKDIR /app\nVOLUME /app/data\nCMD x\n",
	           "FROM ubi9\nWORKDIR /app\nRUN mkdir -p /app/data && \\\n    chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\nVOLUME /app/data\nCMD x\n");
}

static void test_pass_arbitrary_uid__volume_before_write(void **state)
{
	(void)state;
	/* A WORKDIR of a directory that exists already, or a RUN naming other
	 * paths (working directory unknown: taken as /), writes nothing there. */
	expect_fix(
	    "FROM redis\nRUN mkdir /data && chown redis /data\nVOLUME /data\nRUN mkdir /init\nWORKDIR /data\n"
	    "CMD x\n",
	    "FROM redis\nRUN mkdir /data && chown redis /data\nRUN chgrp -R 0 /data && \\\n    chmod -R g=u /data\n"
	    "VOLUME /data\nRUN mkdir /init\nWORKDIR /data\nCMD x\n");
	expect_kept("FROM redis\nVOLUME /data\nWORKDIR /data\n",
	            "VOLUME on line 2 comes before the last write to /data (line 3)");
	expect_kept("FROM ubi9\nVOLUME /data\nCOPY seed /data/\nCMD [\"x\"]\n",
	            "VOLUME on line 2 comes before the last write to /data (line 3); the classic builder discards "
	            "what a RUN changes in a volume after its VOLUME line");
	expect_kept("FROM ubi9\nVOLUME $DATA\n", "VOLUME `$DATA` is not a plain absolute path");
	expect_kept("FROM ubi9\nVOLUME data\n", "VOLUME `data` is not a plain absolute path");
}

static void test_pass_arbitrary_uid__system_paths(void **state)
{
	(void)state;
	expect_kept("FROM ubi9\nWORKDIR /\n", "not changing /: it is a system directory");
	expect_kept("FROM ubi9\nWORKDIR /usr\n", "not changing /usr: it is a system directory");
	expect_kept("FROM ubi9\nWORKDIR /usr/lib/x\n", "not changing /usr/lib/x: it is a system directory");
	expect_kept("FROM ubi9\nWORKDIR /lib64\n", "not changing /lib64: it is a system directory");
	expect_kept("FROM ubi9\nVOLUME /var/lib\n", "not changing /var/lib: it is a system directory");
	expect_kept("FROM ubi9\nWORKDIR /tmp\n", "not changing /tmp: it is world-writable already");
	expect_kept("FROM ubi9\nWORKDIR /etc/nginx\n",
	            "not changing /etc/nginx: it holds system configuration (and /etc/passwd is never loosened)");
	static const char *const passwd[] = {"/etc/passwd"};
	outcome r;
	fix_with(&r, "FROM ubi9\n", DFFIX_FIX_ARBITRARY_UID, passwd, 1);
	assert_string_equal(r.out.ptr, "FROM ubi9\n");
	assert_non_null(find_diag(r.doc, DFFIX_DIAG_REFUSED, "not changing /etc/passwd"));
	done(&r);
	/* /usr/src/app and /var/lib/mysql are application directories. */
	expect_fix(
	    "FROM node\nWORKDIR /usr/src/app\n",
	    "FROM node\nWORKDIR /usr/src/app\nRUN chgrp -R 0 /usr/src/app && \\\n    chmod -R g=u /usr/src/app\n");
	expect_kept("FROM ubi9\nWORKDIR /my app\n", "not changing /my app: it has characters that need quoting");
}

static void test_pass_arbitrary_uid__relative_workdir(void **state)
{
	(void)state;
	/* /app/src lies in /app: one chgrp -R covers both. */
	expect_fix("FROM ubi9\nWORKDIR /app\nWORKDIR src/../src/\nRUN make\n",
	           "FROM ubi9\nWORKDIR /app\nWORKDIR src/../src/\nRUN make\nRUN chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\n");
	expect_kept("FROM ubi9\nWORKDIR app\n", "relative WORKDIR `app`: the directory it is relative to is unknown");
	expect_kept("FROM ubi9\nWORKDIR $HOME/app\n", "WORKDIR `$HOME/app` uses a variable or quotes");
	/* Relative to an earlier stage's WORKDIR. */
	expect_fix("FROM ubi9 AS base\nWORKDIR /opt\nFROM base\nWORKDIR app\n",
	           "FROM ubi9 AS base\nWORKDIR /opt\n\nFROM base\nWORKDIR app\nRUN chgrp -R 0 /opt/app && \\\n"
	           "    chmod -R g=u /opt/app\n");
}

static void test_pass_arbitrary_uid__already_handled(void **state)
{
	(void)state;
	expect_kept("FROM ubi9\nWORKDIR /app\nCOPY . .\nRUN chgrp -R 0 /app && chmod -R g=u /app\nUSER 1001\n", NULL);
	expect_kept("FROM ubi9\nWORKDIR /app\nRUN chown -R 1001:0 /app && chmod -R g+rwX /app\nUSER 1001\n", NULL);
	expect_kept("FROM ubi9\nWORKDIR /opt/app\nRUN chgrp -Rf root /opt && chmod -R 775 /opt\n", NULL);
	expect_kept("FROM ubi9\nWORKDIR /app\nRUN chown -R :0 . && chmod -R ug+rwx .\n", NULL);
	/* Handled before a later COPY into it: not handled. */
	expect_fix("FROM ubi9\nWORKDIR /app\nRUN chgrp -R 0 /app && chmod -R g=u /app\nCOPY . .\nUSER 1001\n",
	           "FROM ubi9\nWORKDIR /app\nRUN chgrp -R 0 /app && chmod -R g=u /app\nCOPY . .\n"
	           "RUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\nUSER 1001\n");
	/* chgrp without chmod (or not recursive) is not enough. */
	expect_fix("FROM ubi9\nWORKDIR /app\nRUN chgrp 0 /app && chmod -R g=u /app\n",
	           "FROM ubi9\nWORKDIR /app\nRUN chgrp 0 /app && chmod -R g=u /app\nRUN chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\n");
	expect_fix("FROM ubi9\nWORKDIR /app\nRUN chgrp -R 0 /app && chmod -R o+w /app\n",
	           "FROM ubi9\nWORKDIR /app\nRUN chgrp -R 0 /app && chmod -R o+w /app\nRUN chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\n");
}

static void test_pass_arbitrary_uid__no_dirs(void **state)
{
	(void)state;
	expect_kept("FROM ubi9\nRUN make\nCMD [\"x\"]\n",
	            "no writable directory known: the final stage has no WORKDIR or VOLUME; list the directories "
	            "the process writes in writable_dirs");
	/* Only the final stage counts. */
	expect_kept("FROM ubi9 AS build\nWORKDIR /src\nFROM ubi9\nCOPY --from=build /src/app /usr/bin/app\n",
	            "no writable directory known");
}

static void test_pass_arbitrary_uid__writable_dirs_option(void **state)
{
	(void)state;
	/* /srv/data lies in /srv: covered by its chgrp -R, but made by mkdir. */
	static const char *const dirs[] = {"/var/cache/app/", "/srv/data"};
	expect_fix_dirs("FROM ubi9\nWORKDIR /srv\nUSER 1001\n",
	                "FROM ubi9\nWORKDIR /srv\nRUN mkdir -p /var/cache/app /srv/data && \\\n    chgrp -R 0 /srv "
	                "/var/cache/app && \\\n"
	                "    chmod -R g=u /srv /var/cache/app\nUSER 1001\n",
	                dirs, 2);
	static const char *const bad[] = {"relative/dir"};
	outcome r;
	fix_with(&r, "FROM ubi9\n", DFFIX_FIX_ARBITRARY_UID, bad, 1);
	assert_string_equal(r.out.ptr, "FROM ubi9\n");
	assert_non_null(
	    find_diag(r.doc, DFFIX_DIAG_REFUSED, "writable directory `relative/dir` is not an absolute path"));
	done(&r);
}

static void test_pass_arbitrary_uid__scratch(void **state)
{
	(void)state;
	expect_kept("FROM scratch\nWORKDIR /app\nCOPY app /app/\n", "FROM scratch has no chgrp");
	expect_kept("FROM scratch AS s\nFROM s\nWORKDIR /app\n", "FROM scratch has no chgrp");
}

static void test_pass_arbitrary_uid__shell(void **state)
{
	(void)state;
	expect_kept("FROM ubi9\nSHELL [\"pwsh\", \"-c\"]\nWORKDIR /app\n",
	            "SHELL on line 2 is not a POSIX shell; not adding chgrp for /app");
	expect_fix("FROM ubi9\nSHELL [\"/bin/bash\", \"-c\"]\nWORKDIR /app\n",
	           "FROM ubi9\nSHELL [\"/bin/bash\", \"-c\"]\nWORKDIR /app\nRUN chgrp -R 0 /app && \\\n    chmod -R "
	           "g=u /app\n");
}

static void test_pass_arbitrary_uid__run_writes(void **state)
{
	(void)state;
	/* A RUN after the non-root USER writing /app is refused... */
	expect_kept("FROM ubi9\nWORKDIR /app\nUSER 1001\nRUN npm install\n",
	            "USER 1001 (line 3) comes before the last write to /app (line 4)");
	/* ...one that works elsewhere and never names /app is not a write to it. */
	expect_fix("FROM ubi9\nWORKDIR /app\nUSER 1001\nWORKDIR /\nRUN touch /home/x\n",
	           "FROM ubi9\nWORKDIR /app\nRUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\nUSER 1001\nWORKDIR /\n"
	           "RUN touch /home/x\n");
	/* Naming a parent counts (`rm -rf /srv` would remove /srv/data). */
	expect_kept("FROM ubi9\nWORKDIR /srv/data\nUSER 1001\nWORKDIR /\nRUN rm -rf /srv\n",
	            "comes before the last write to /srv/data (line 5)");
}

static void test_pass_arbitrary_uid__own_run_is_not_a_write(void **state)
{
	(void)state;
	/* The /p RUN says `g=u`: no write to /g, so no second chgrp of /g. */
	expect_fix("FROM alpine\nWORKDIR /g\nCMD [\"x\"]\nWORKDIR /p\n",
	           "FROM alpine\nWORKDIR /g\nRUN chgrp -R 0 /g && \\\n    chmod -R g=u /g\nCMD [\"x\"]\n"
	           "WORKDIR /p\nRUN chgrp -R 0 /p && \\\n    chmod -R g=u /p\n");
	/* /usr/src/app ends in `app`: no write to /app. */
	expect_fix("FROM debian:12\nWORKDIR /app\nVOLUME [\"/v\"]\nWORKDIR /usr/src/app\n",
	           "FROM debian:12\nWORKDIR /app\nRUN mkdir -p /v && \\\n    chgrp -R 0 /app /v && \\\n"
	           "    chmod -R g=u /app /v\nVOLUME [\"/v\"]\nWORKDIR /usr/src/app\n"
	           "RUN chgrp -R 0 /usr/src/app && \\\n    chmod -R g=u /usr/src/app\n");
	/* With the backtick escape (Windows) the pass adds nothing at all. */
	expect_kept("# escape=`\nFROM ubi9\nWORKDIR /a\nCMD x\nWORKDIR /b\n",
		    "the backtick escape marks a Windows image, which has no chgrp or chmod; not adding them");
	/* The /b RUN runs in /a but writes only /b. */
	static const char *const b[] = {"/b"};
	expect_fix_dirs("FROM ubi9\nWORKDIR /a\nCMD x\nCOPY f /b/\n",
	                "FROM ubi9\nWORKDIR /a\nRUN chgrp -R 0 /a && \\\n    chmod -R g=u /a\nCMD x\n"
	                "COPY f /b/\nRUN mkdir -p /b && \\\n    chgrp -R 0 /b && \\\n    chmod -R g=u /b\n",
	                b, 1);
	/* merge-run joins the new RUNs to the RUNs before them: still stable. */
	expect_fix_bits("FROM ubi9\nWORKDIR /g\nRUN make\nCMD x\nWORKDIR /p\nRUN make\n",
	                "FROM ubi9\nWORKDIR /g\nRUN make && \\\n    chgrp -R 0 /g && \\\n    chmod -R g=u /g\n"
	                "CMD x\nWORKDIR /p\nRUN make && \\\n    chgrp -R 0 /p && \\\n    chmod -R g=u /p\n",
	                DFFIX_FIX_ARBITRARY_UID | DFFIX_FIX_MERGE_RUN, NULL, 0);
}

static void test_pass_arbitrary_uid__exact_commands(void **state)
{
	(void)state;
	/* chown of /srv writes /srv only, whatever its user is called... */
	expect_fix("FROM ubi9\nWORKDIR /app\nCMD x\nRUN chown -R app:0 /srv\n",
	           "FROM ubi9\nWORKDIR /app\nRUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\nCMD x\n"
	           "RUN chown -R app:0 /srv\n");
	/* ...but chmod or mkdir -m inside the directory writes it. */
	expect_fix("FROM ubi9\nWORKDIR /app\nCMD x\nRUN chmod -R 700 /app/bin\n",
	           "FROM ubi9\nWORKDIR /app\nCMD x\nRUN chmod -R 700 /app/bin\nRUN chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\n");
	expect_fix("FROM ubi9\nWORKDIR /app\nCMD x\nRUN mkdir -m 700 /app/bin\n",
	           "FROM ubi9\nWORKDIR /app\nCMD x\nRUN mkdir -m 700 /app/bin\nRUN chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\n");
	/* A relative path is in the working directory; a redirection writes
	 * where it points. */
	expect_fix("FROM ubi9\nWORKDIR /app\nCMD x\nRUN chmod -R g=u x\n",
	           "FROM ubi9\nWORKDIR /app\nCMD x\nRUN chmod -R g=u x\nRUN chgrp -R 0 /app && \\\n"
	           "    chmod -R g=u /app\n");
	expect_fix("FROM ubi9\nWORKDIR /app\nCMD x\nWORKDIR /\nRUN chmod -R 755 /srv > /app/log\n",
	           "FROM ubi9\nWORKDIR /app\nCMD x\nWORKDIR /\nRUN chmod -R 755 /srv > /app/log\n"
	           "RUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\n");
}

static void test_pass_arbitrary_uid__mentions(void **state)
{
	(void)state;
	/* `data` mentions no `a`: /a is not written after its VOLUME. */
	expect_fix("FROM ubi9\nCOPY x /data/\nWORKDIR /srv\nVOLUME /a\nRUN echo data\nUSER 1001\n",
	           "FROM ubi9\nCOPY x /data/\nWORKDIR /srv\nRUN mkdir -p /a && \\\n    chgrp -R 0 /a && \\\n"
	           "    chmod -R g=u /a\nVOLUME /a\nRUN echo data\nRUN chgrp -R 0 /srv && \\\n"
	           "    chmod -R g=u /srv\nUSER 1001\n");
	/* Names with other characters than a word's are words too, bounded
	 * the same way: v+1 is mentioned, v+2 and v+3 are not. */
	outcome r;
	fix(&r, "FROM ubi9\nWORKDIR /srv\nVOLUME /v+1 /v+2 /v+3\nRUN echo v+1 xv+2 v+3x\nUSER 1001\n");
	assert_string_equal(r.out.ptr, "FROM ubi9\nWORKDIR /srv\nRUN mkdir -p /v+2 /v+3 && \\\n"
	                               "    chgrp -R 0 /v+2 /v+3 && \\\n    chmod -R g=u /v+2 /v+3\n"
	                               "VOLUME /v+1 /v+2 /v+3\nRUN echo v+1 xv+2 v+3x\nRUN chgrp -R 0 /srv && \\\n"
	                               "    chmod -R g=u /srv\nUSER 1001\n");
	assert_non_null(
	    find_diag(r.doc, DFFIX_DIAG_REFUSED, "VOLUME on line 3 comes before the last write to /v+1 (line 4)"));
	done(&r);
	/* chgrp of a parent and chmod of the directory hand it over; a
	 * sibling only gets the chgrp, and the RUN writes it. */
	expect_fix("FROM ubi9\nWORKDIR /app/data\nWORKDIR /app/other\n"
	           "RUN chgrp -R 0 /app && chmod -R g=u /app/data\nUSER 1001\n",
	           "FROM ubi9\nWORKDIR /app/data\nWORKDIR /app/other\n"
	           "RUN chgrp -R 0 /app && chmod -R g=u /app/data\nRUN chgrp -R 0 /app/other && \\\n"
	           "    chmod -R g=u /app/other\nUSER 1001\n");
}

/* Files with thousands of directories or instructions: one RUN per window,
 * the outermost directory of a chain only, and no time blow-up. */
static void test_pass_arbitrary_uid__many(void **state)
{
	(void)state;
	enum { N = 900, VOLUMES = 300 };
	dffix_buf in = DFFIX_BUF_INIT, want = DFFIX_BUF_INIT, list = DFFIX_BUF_INIT;
	/* Many VOLUMEs: one RUN before the first, which a second run must
	 * recognise in full (it once read a command's first 64 words only). */
	assert_int_equal(dffix_buf_puts(&in, "FROM ubi9\n"), 0);
	for (int i = 0; i < VOLUMES; i++) {
		assert_int_equal(dffix_buf_printf(&in, "VOLUME /d%d\n", i), 0);
		assert_int_equal(dffix_buf_printf(&list, " /d%d", i), 0);
	}
	assert_int_equal(dffix_buf_puts(&in, "USER 1001\n"), 0);
	assert_int_equal(dffix_buf_printf(&want,
	                                  "FROM ubi9\nRUN mkdir -p%s && \\\n    chgrp -R 0%s && \\\n"
	                                  "    chmod -R g=u%s\n%s",
	                                  list.ptr, list.ptr, list.ptr, in.ptr + strlen("FROM ubi9\n")),
	                 0);
	expect_fix(in.ptr, want.ptr);
	dffix_buf_dispose(&in);
	dffix_buf_dispose(&want);
	dffix_buf_dispose(&list);

	/* A long relative WORKDIR chain: only its top is handed over. */
	dffix_buf chain = DFFIX_BUF_INIT, fixed = DFFIX_BUF_INIT;
	assert_int_equal(dffix_buf_puts(&chain, "FROM ubi9\nWORKDIR /app\n"), 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(dffix_buf_puts(&chain, i % 3 == 2 ? "WORKDIR ../b\n" : "WORKDIR a\n"), 0);
	assert_int_equal(
	    dffix_buf_printf(&fixed, "%sRUN chgrp -R 0 /app && \\\n    chmod -R g=u /app\nUSER 1001\n", chain.ptr), 0);
	assert_int_equal(dffix_buf_puts(&chain, "USER 1001\n"), 0);
	expect_fix(chain.ptr, fixed.ptr);
	dffix_buf_dispose(&fixed);

	/* The same chain under /etc: each directory refused, with its path
	 * (cut in the message, which is cut anyway). */
	outcome r;
	memcpy(chain.ptr + strlen("FROM ubi9\nWORKDIR /"), "etc", 3);
	fix(&r, chain.ptr);
	assert_string_equal(r.out.ptr, chain.ptr);
	assert_int_equal(count_kind(r.doc, DFFIX_DIAG_APPLIED), 0);
	assert_int_equal(count_kind(r.doc, DFFIX_DIAG_REFUSED), N + 1);
	assert_non_null(find_diag(r.doc, DFFIX_DIAG_REFUSED, "not changing /etc/a/b/a/b/a/b/a/b"));
	done(&r);
	dffix_buf_dispose(&chain);

	/* Each WORKDIR before its own CMD: one RUN each. */
	dffix_buf cmds = DFFIX_BUF_INIT;
	assert_int_equal(dffix_buf_puts(&cmds, "FROM ubi9\n"), 0);
	for (int i = 0; i < N; i++)
		assert_int_equal(dffix_buf_printf(&cmds, "WORKDIR /w%d\nCMD x\n", i), 0);
	fix(&r, cmds.ptr);
	assert_int_equal(count_kind(r.doc, DFFIX_DIAG_APPLIED), N);
	assert_non_null(
	    strstr(r.out.ptr, "WORKDIR /w899\nRUN chgrp -R 0 /w899 && \\\n    chmod -R g=u /w899\nCMD x\n"));
	done(&r);
	dffix_buf_dispose(&cmds);
}

static void test_pass_arbitrary_uid__pragmas(void **state)
{
	(void)state;
	expect_kept("# dffix global ignore=arbitrary-uid\nFROM ubi9\nWORKDIR /app\n", NULL);
	expect_kept("# dffix ignore=DF105\nFROM ubi9\nWORKDIR /app\n", NULL);
	expect_fix("FROM ubi9\n# dffix ignore=arbitrary-uid\nWORKDIR /app\nVOLUME /data\n",
	           "FROM ubi9\n# dffix ignore=arbitrary-uid\nWORKDIR /app\nRUN mkdir -p /data && \\\n"
	           "    chgrp -R 0 /data && \\\n    chmod -R g=u /data\nVOLUME /data\n");
}

static void test_pass_arbitrary_uid__crlf_and_escape(void **state)
{
	(void)state;
	expect_fix("FROM ubi9\r\nWORKDIR /app\r\nUSER 1001\r\n",
	           "FROM ubi9\r\nWORKDIR /app\r\nRUN chgrp -R 0 /app && \\\r\n    chmod -R g=u /app\r\nUSER 1001\r\n");
	expect_kept("# escape=`\nFROM ubi9\nWORKDIR /app\n",
	            "the backtick escape marks a Windows image, which has no chgrp or chmod; not adding them");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pass_arbitrary_uid__before_user),
	    cmocka_unit_test(test_pass_arbitrary_uid__before_cmd_or_at_end),
	    cmocka_unit_test(test_pass_arbitrary_uid__user_root_is_fine),
	    cmocka_unit_test(test_pass_arbitrary_uid__user_before_write),
	    cmocka_unit_test(test_pass_arbitrary_uid__volumes),
	    cmocka_unit_test(test_pass_arbitrary_uid__volume_before_write),
	    cmocka_unit_test(test_pass_arbitrary_uid__system_paths),
	    cmocka_unit_test(test_pass_arbitrary_uid__relative_workdir),
	    cmocka_unit_test(test_pass_arbitrary_uid__already_handled),
	    cmocka_unit_test(test_pass_arbitrary_uid__no_dirs),
	    cmocka_unit_test(test_pass_arbitrary_uid__writable_dirs_option),
	    cmocka_unit_test(test_pass_arbitrary_uid__scratch),
	    cmocka_unit_test(test_pass_arbitrary_uid__shell),
	    cmocka_unit_test(test_pass_arbitrary_uid__run_writes),
	    cmocka_unit_test(test_pass_arbitrary_uid__own_run_is_not_a_write),
	    cmocka_unit_test(test_pass_arbitrary_uid__exact_commands),
	    cmocka_unit_test(test_pass_arbitrary_uid__mentions),
	    cmocka_unit_test(test_pass_arbitrary_uid__many),
	    cmocka_unit_test(test_pass_arbitrary_uid__pragmas),
	    cmocka_unit_test(test_pass_arbitrary_uid__crlf_and_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
