/* test_rules.c - the lint driver (dffix_doc_lint), several rules, the rule
 * table, and the env-key-value and maintainer passes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dffix.h"
#include "pass.h"
#include "rules.h"

/* Lints `text` with opts (NULL: no passes) and returns the document. */
static dffix_doc *lint_opts(const char *text, const dffix_options *opts)
{
	dffix_doc *doc = NULL;
	dffix_doc_parse(&doc, text, strlen(text));
	assert_non_null(doc);
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = 0;
	assert_int_equal(dffix_doc_lint(doc, opts ? opts : &o), 0);
	return doc;
}

static dffix_doc *lint(const char *text)
{
	return lint_opts(text, NULL);
}

/* Number of diagnostics of rule `name` (id or name). */
static size_t count_rule(const dffix_doc *doc, const char *name)
{
	size_t n = 0;
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (!strcmp(d->rule_id, name) || !strcmp(d->rule_name, name))
			n++;
	}
	return n;
}

static const dffix_diag *find_rule(const dffix_doc *doc, const char *name)
{
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (!strcmp(d->rule_id, name) || !strcmp(d->rule_name, name))
			return d;
	}
	return NULL;
}

/* Lints and checks that rule `name` fires `n` times. */
static void expect(const char *text, const char *name, size_t n)
{
	dffix_doc *doc = lint(text);
	size_t got = count_rule(doc, name);
	if (got != n) {
		for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
			const dffix_diag *d = dffix_doc_diag(doc, i);
			print_message("  %u:%u %s %s: %s\n", d->line, d->column, d->rule_id, d->rule_name, d->message);
		}
		dffix_doc_free(doc);
		fail_msg("%s: got %zu findings, want %zu in:\n%s", name, got, n, text);
	}
	dffix_doc_free(doc);
}

/* Runs one pass (by bit) and formats. */
static char *fix_with(const char *text, unsigned bit, dffix_doc **out)
{
	dffix_doc *doc = NULL;
	dffix_doc_parse(&doc, text, strlen(text));
	assert_non_null(doc);
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = bit;
	assert_int_equal(dffix_doc_fix(NULL, doc, &o), 0);
	dffix_buf buf = DFFIX_BUF_INIT;
	assert_int_equal(dffix_doc_format(&buf, doc, &o), 0);
	char *s = strdup(buf.ptr ? buf.ptr : "");
	dffix_buf_dispose(&buf);
	*out = doc;
	return s;
}

static size_t count_kind(const dffix_doc *doc, dffix_diag_kind kind)
{
	size_t n = 0;
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++)
		n += dffix_doc_diag(doc, i)->kind == kind;
	return n;
}

/* Section - the table */

static void test_rules__table_is_consistent(void **state)
{
	(void)state;
	size_t n = dfx_rule_count();
	assert_true(n > 30);
	for (size_t i = 0; i < n; i++) {
		dfx_rule r;
		dfx_rule_at(&r, i);
		assert_non_null(r.name);
		assert_non_null(r.summary);
		assert_true(!strcmp(r.profile, "default") || !strcmp(r.profile, "openshift"));
		assert_int_equal(dfx_rule_find(r.id, strlen(r.id)), (long)i);
		assert_int_equal(dfx_rule_find(r.name, strlen(r.name)), (long)i);
		for (size_t j = 0; j < i; j++) {
			dfx_rule q;
			dfx_rule_at(&q, j);
			assert_string_not_equal(q.id, r.id);
			assert_string_not_equal(q.name, r.name);
		}
		/* kebab-case names */
		for (const char *c = r.name; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
	}
	/* Every pass has its row. */
	size_t np;
	const dfx_pass *const *passes = dfx_passes(&np);
	for (size_t i = 0; i < np; i++)
		assert_true(dfx_rule_find(passes[i]->rule_id, strlen(passes[i]->rule_id)) >= 0);
	assert_int_equal(dfx_rule_find("JSONArgsRecommended", 19), dfx_rule_find("DF205", 5));
	assert_int_equal(dfx_rule_find("DL3025", 6), dfx_rule_find("shell-form-cmd", 14));
}

static void test_rules__list(void **state)
{
	(void)state;
	dffix_buf buf = DFFIX_BUF_INIT;
	assert_int_equal(dfx_rules_list(&buf), 0);
	assert_non_null(strstr(buf.ptr, "ID     NAME"));
	assert_non_null(strstr(buf.ptr, "DF205  shell-form-cmd"));
	assert_non_null(strstr(buf.ptr, "DF106  env-key-value"));
	assert_non_null(strstr(buf.ptr, "openshift"));
	dffix_buf_dispose(&buf);
}

/* Section - BuildKit checks */

static void test_rules__casing(void **state)
{
	(void)state;
	expect("FROM a\nrun x\nRUN y\n", "instruction-casing", 1);
	expect("from a\nrun x\nRUN y\n", "instruction-casing", 1);
	expect("FROM a\nRUN y\n", "instruction-casing", 0);
	expect("FROM a as b\nRUN y\n", "from-as-casing", 1);
	expect("from a as b\nrun y\n", "from-as-casing", 0);
	expect("FROM a AS Builder\nRUN y\n", "stage-name-casing", 1);
	expect("FROM a AS x\nFROM b AS X\nRUN y\n", "duplicate-stage-name", 1);
	expect("FROM a AS scratch\n", "reserved-stage-name", 1);
}

static void test_rules__empty_continuation(void **state)
{
	(void)state;
	dffix_doc *doc = lint("FROM a\nRUN a \\\n\n  b\n");
	const dffix_diag *d = find_rule(doc, "DF006");
	assert_non_null(d);
	assert_int_equal(d->line, 3);
	assert_int_equal(d->fixable, 1);
	dffix_doc_free(doc);
	expect("FROM a\nRUN a \\\n  b\n", "empty-continuation", 0);
}

static void test_rules__undefined_arg_in_from(void **state)
{
	(void)state;
	expect("FROM $BASE\n", "undefined-arg-in-from", 1);
	expect("ARG BASE=x\nFROM $BASE\n", "undefined-arg-in-from", 0);
	expect("FROM --platform=$BUILDPLATFORM x\n", "undefined-arg-in-from", 0);
	expect("FROM ${BASE:-alpine}\n", "undefined-arg-in-from", 0);
	dffix_doc *doc = lint("ARG base\nFROM ${BASE}\n");
	const dffix_diag *d = find_rule(doc, "DF007");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "did you mean base?"));
	dffix_doc_free(doc);
}

static void test_rules__workdir_and_expose(void **state)
{
	(void)state;
	expect("FROM a\nWORKDIR app\n", "workdir-relative-path", 1);
	expect("FROM a\nWORKDIR /srv\nWORKDIR app\n", "workdir-relative-path", 0);
	expect("FROM a AS b\nWORKDIR /srv\nFROM b\nWORKDIR app\n", "workdir-relative-path", 0);
	expect("FROM a\nEXPOSE 80/TCP 81/udp\n", "expose-proto-casing", 1);
	expect("FROM a\nEXPOSE 127.0.0.1:80:80 8080:80 70000 http 80-90/tcp $PORT\n", "expose-invalid-format", 4);
}

static void test_rules__unknown(void **state)
{
	(void)state;
	dffix_doc *doc = lint("FROM a\nFOO bar\nONBUILD BAR x\n");
	assert_int_equal(count_rule(doc, "unknown-instruction"), 2);
	/* the parser's own warning is replaced by the rule's finding */
	assert_int_equal(count_rule(doc, "syntax"), 0);
	dffix_doc_free(doc);
	expect("FROM --platfrom=x a\nCOPY --chown=1 --link --chwon=2 a b\nRUN --mount=type=cache,target=/x "
	       "--network=none x\nCMD --foo x\n",
	       "unknown-flag", 3);
	expect("FROM a\nADD --checksum=sha256:0 --keep-git-dir --unpack a b\nHEALTHCHECK --interval=5s CMD x\n",
	       "unknown-flag", 0);
}

static void test_rules__multiple_instructions(void **state)
{
	(void)state;
	dffix_doc *doc = lint("FROM a\nCMD [\"a\"]\nCMD [\"b\"]\nFROM b\nCMD [\"c\"]\n");
	const dffix_diag *d = find_rule(doc, "DF013");
	assert_non_null(d);
	assert_int_equal(d->line, 2); /* the one that has no effect */
	assert_int_equal(count_rule(doc, "DF013"), 1);
	dffix_doc_free(doc);
}

/* Section - guideline rules */

static void test_rules__latest_tag(void **state)
{
	(void)state;
	expect("FROM nginx\n", "latest-tag", 1);
	expect("FROM nginx:latest\n", "latest-tag", 1);
	expect("FROM nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
	       "latest-tag", 0);
	expect("FROM nginx:1.25\n", "latest-tag", 0);
	expect("FROM scratch\n", "latest-tag", 0);
	expect("FROM nginx:1 AS build\nFROM build\n", "latest-tag", 0);
	expect("ARG IMG=nginx\nFROM ${IMG}\n", "latest-tag", 0);
	/* with a pin, pin-tag reports it instead */
	dffix_options o = DFFIX_OPTIONS_INIT;
	dffix_pin pin = {"nginx", "1.25"};
	o.fix = DFFIX_FIX_PIN_TAG;
	o.pins = &pin;
	o.pin_count = 1;
	dffix_doc *doc = lint_opts("FROM docker.io/library/nginx\n", &o);
	assert_int_equal(count_rule(doc, "latest-tag"), 0);
	dffix_doc_free(doc);
}

static void test_rules__shell_form(void **state)
{
	(void)state;
	expect("FROM a\nCMD nginx -g 'daemon off;'\nENTRYPOINT x\n", "shell-form-cmd", 2);
	expect("FROM a\nCMD [\"nginx\"]\n", "shell-form-cmd", 0);
	expect("FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nCMD echo hi\n", "shell-form-cmd", 0);
	expect("FROM a AS b\nSHELL [\"/bin/bash\", \"-c\"]\nFROM b\nCMD echo hi\n", "shell-form-cmd", 0);
}

static void test_rules__cleanup_separate_run(void **state)
{
	(void)state;
	dffix_doc *doc = lint("FROM a\nRUN apt-get update && apt-get install -y x\n# tidy\nRUN rm -rf /var/lib/apt/lists/*\n");
	const dffix_diag *d = find_rule(doc, "cleanup-separate-run");
	assert_non_null(d);
	assert_int_equal(d->line, 4);
	assert_int_equal(d->fixable, 1); /* adjacent: merge-run can join them */
	assert_non_null(strstr(d->message, "line 2"));
	dffix_doc_free(doc);
	/* same RUN, cache mounts, builder stages: quiet */
	expect("FROM a\nRUN apt-get install -y x && rm -rf /var/lib/apt/lists/*\n", "cleanup-separate-run", 0);
	expect("FROM a\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y x\nRUN apt-get clean\n",
	       "cleanup-separate-run", 0);
	expect("FROM a AS build\nRUN yum install -y gcc\nRUN yum clean all\nFROM b\nCOPY --from=build /x /x\n",
	       "cleanup-separate-run", 0);
	expect("FROM a\nRUN dnf install -y x\nRUN echo\nRUN dnf clean all\n", "cleanup-separate-run", 1);
}

static void test_rules__secrets(void **state)
{
	(void)state;
	expect("FROM a\nENV DB_PASSWORD=changeme\nARG API_TOKEN=abc\nENV AUTH_KEY x y\n", "secret-env", 3);
	expect("FROM a\nARG API_TOKEN\nENV PUBLIC_KEY=x GPG_KEY=abc PASSWORD_FILE=/run/secrets/p KEYS=1\n",
	       "secret-env", 0);
	expect("FROM a\nENV MONKEY=1 TOKENIZER=bert\n", "secret-env", 0);
	/* a key fingerprint is public; a token that looks like one is not */
	expect("FROM a\nENV SWIFT_SIGNING_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561\n", "secret-env", 0);
	expect("FROM a\nENV GITHUB_TOKEN=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561\n", "secret-env", 1);
	expect("FROM a\nENV JWT_SIGNING_KEY=hunter2\n", "secret-env", 1);
	expect("FROM a\nARG SIGNING_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561\nENV SIGNING_KEY=$SIGNING_KEY\n",
	       "secret-env", 0);
	expect("FROM a\nARG API_KEY=abc\nENV API_KEY=${API_KEY}\n", "secret-env", 2);
	expect("FROM a\nRUN echo 'root:root' | chpasswd\n", "literal-password", 1);
	expect("FROM a\nRUN echo \"root:$PW\" | chpasswd\n", "literal-password", 0);
	expect("FROM a\nRUN useradd -p secret bob\n", "literal-password", 1);
}

static void test_rules__sshd_and_passwd(void **state)
{
	(void)state;
	expect("FROM a\nRUN apt-get install -y openssh-server\nEXPOSE 22\nCMD [\"/usr/sbin/sshd\", \"-D\"]\n", "sshd",
	       3);
	expect("FROM a\nRUN apt-get install -y openssh-client\n", "sshd", 0);
	expect("FROM a\nRUN chmod g=u /etc/passwd && chgrp 0 /etc/group\n", "passwd-permissions", 2);
	expect("FROM a\nRUN chmod g=u /etc/app.conf\n", "passwd-permissions", 0);
}

static void test_rules__processes(void **state)
{
	(void)state;
	expect("FROM a\nCMD [\"/usr/bin/supervisord\", \"-n\"]\n", "multiple-processes", 1);
	expect("FROM a\nCMD redis-server & nginx\n", "multiple-processes", 1);
	expect("FROM a\nEXPOSE 80 443\n", "multiple-processes", 0);
	expect("FROM a\nEXPOSE 80 3306\n", "multiple-processes", 1);
}

static void test_rules__server_rules(void **state)
{
	(void)state;
	expect("FROM debian:12\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n", "server-no-expose", 1);
	expect("FROM nginx:1.25\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\n", "server-no-expose", 0);
	expect("FROM debian:12\nEXPOSE 8080\nCMD [\"nginx\"]\n", "no-healthcheck", 1);
	expect("FROM debian:12\nEXPOSE 8080\nHEALTHCHECK CMD curl -f localhost:8080\nCMD [\"nginx\"]\n",
	       "no-healthcheck", 0);
	expect("FROM fedora:40\nRUN dnf install -y mariadb-server\nCMD [\"mysqld\"]\n", "data-dir-volume", 1);
	expect("FROM fedora:40\nRUN dnf install -y mariadb-server\nVOLUME /var/lib/mysql\nCMD [\"mysqld\"]\n",
	       "data-dir-volume", 0);
	expect("FROM a\nCMD [\"app\", \"--log-file=/var/log/app/app.log\"]\n", "log-to-file", 1);
	expect("FROM a\nRUN ln -sf /dev/stderr /var/log/app/error.log\nENV LOG_DIR=/var/log/app\n", "log-to-file", 0);
	expect("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nVOLUME C:\\data\\db\nCMD [\"mongod\"]\n",
	       "data-dir-volume", 0);
	expect("FROM a\nRUN ln -sf /dev/stdout /var/log/app/app.log\nCMD [\"app\", \"--log-file=/var/log/app/app.log\"]\n",
	       "log-to-file", 0);
}

static void test_rules__repeated_version(void **state)
{
	(void)state;
	expect("FROM a\nRUN curl -O https://x/app-1.2.3.tgz\nRUN tar xf app-1.2.3.tgz\n", "repeated-version", 1);
	expect("FROM a\nRUN ping 10.0.0.1\nRUN ping 10.0.0.1\n", "repeated-version", 0);
	expect("FROM a\nRUN get 1.2.3 && use 1.2.3\n", "repeated-version", 0);
}

static void test_rules__scratch(void **state)
{
	(void)state;
	expect("FROM scratch\nADD rootfs.tar.xz /\nCMD [\"bash\"]\n", "scratch-distro", 1);
	expect("FROM golang:1.22 AS b\nFROM scratch\nCOPY --from=b /app /app\n", "scratch-distro", 0);
}

/* Section - script-exec reads the build context */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_rules__script_exec(void **state)
{
	(void)state;
	char dir[] = "/tmp/dffix-test-rules-XXXXXX";
	assert_non_null(mkdtemp(dir));
	write_file(dir, "bad.sh", "#!/bin/sh\nset -e\nif [ -n \"$X\" ]; then echo x; fi\nnode server.js\n");
	write_file(dir, "good.sh", "#!/bin/sh\nset -e\nexec \"$@\"\n");
	write_file(dir, "args.sh", "#!/usr/bin/env bash\n\"$@\"\n");
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = 0;
	o.context_dir = dir;
	dffix_doc *doc = lint_opts("FROM a\nWORKDIR /app\nCOPY bad.sh ./\nENTRYPOINT [\"./bad.sh\"]\n", &o);
	const dffix_diag *d = find_rule(doc, "script-exec");
	assert_non_null(d);
	assert_non_null(strstr(d->message, "bad.sh ends (line 4) with `node server.js`"));
	dffix_doc_free(doc);
	doc = lint_opts("FROM a\nCOPY good.sh /usr/local/bin/\nENTRYPOINT [\"good.sh\"]\nCMD [\"x\"]\n", &o);
	assert_int_equal(count_rule(doc, "script-exec"), 0);
	dffix_doc_free(doc);
	doc = lint_opts("FROM a\nCOPY args.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n", &o);
	assert_int_equal(count_rule(doc, "script-exec"), 1);
	dffix_doc_free(doc);
	/* no context directory: nothing is read */
	doc = lint("FROM a\nCOPY args.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n");
	assert_int_equal(count_rule(doc, "script-exec"), 0);
	dffix_doc_free(doc);
	/* a COPY heredoc is the script itself */
	doc = lint("# syntax=docker/dockerfile:1\nFROM a\nCOPY <<EOF /start.sh\n#!/bin/sh\nphp-fpm\nEOF\n"
		   "CMD [\"sh\", \"/start.sh\"]\n");
	assert_int_equal(count_rule(doc, "script-exec"), 1);
	dffix_doc_free(doc);
	char path[512];
	const char *names[] = {"bad.sh", "good.sh", "args.sh"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Section - profiles and switches */

static void test_rules__openshift_profile(void **state)
{
	(void)state;
	const char *text = "FROM a\nEXPOSE 80 8080\nUSER app\n";
	dffix_doc *doc = lint(text);
	assert_int_equal(count_rule(doc, "privileged-port"), 0);
	assert_int_equal(count_rule(doc, "numeric-user"), 0);
	dffix_doc_free(doc);
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = 0;
	o.profile = "openshift";
	doc = lint_opts(text, &o);
	assert_int_equal(count_rule(doc, "privileged-port"), 1);
	assert_int_equal(count_rule(doc, "numeric-user"), 1);
	assert_int_equal(count_rule(doc, "openshift-labels"), 1);
	dffix_doc_free(doc);
	doc = lint_opts("FROM a\nLABEL io.k8s.description=d io.k8s.display-name=n io.openshift.expose-services=8080:http "
			"io.openshift.tags=x\nUSER 1001:0\n",
			&o);
	assert_int_equal(count_rule(doc, "openshift-labels"), 0);
	assert_int_equal(count_rule(doc, "numeric-user"), 0);
	dffix_doc_free(doc);
	doc = lint_opts("FROM a\nLABEL io.openshift.tags=builder\nUSER root\n", &o);
	assert_int_equal(count_rule(doc, "s2i-builder"), 2);
	dffix_doc_free(doc);
}

static void test_rules__ignore_severity_pragmas(void **state)
{
	(void)state;
	const char *text = "FROM nginx\nCMD nginx\n";
	const char *ignore[] = {"DL3025"}; /* a hadolint alias of shell-form-cmd */
	const char *sev_ids[] = {"latest-tag"};
	const dffix_severity sev_vals[] = {DFFIX_SEV_ERROR};
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = 0;
	o.ignore = ignore;
	o.ignore_count = 1;
	o.severity_ids = sev_ids;
	o.severity_values = sev_vals;
	o.severity_count = 1;
	dffix_doc *doc = lint_opts(text, &o);
	assert_int_equal(count_rule(doc, "shell-form-cmd"), 0);
	const dffix_diag *d = find_rule(doc, "latest-tag");
	assert_non_null(d);
	assert_int_equal(d->severity, DFFIX_SEV_ERROR);
	assert_int_equal(d->kind, DFFIX_DIAG_LINT);
	dffix_doc_free(doc);

	expect("FROM nginx:1\n# hadolint ignore=DL3025\nCMD nginx\n", "shell-form-cmd", 0);
	expect("FROM nginx:1\n# dffix ignore=JSONArgsRecommended\nCMD nginx\n", "shell-form-cmd", 0);
	expect("# dffix global ignore=shell-form-cmd\nFROM nginx:1\nCMD nginx\n", "shell-form-cmd", 0);
	expect("# check=skip=JSONArgsRecommended\nFROM nginx:1\nCMD nginx\n", "shell-form-cmd", 0);
	expect("# check=skip=all\nFROM nginx:1\nCMD nginx\n", "shell-form-cmd", 0);
	expect("# check=skip=StageNameCasing\nFROM nginx:1\nCMD nginx\n", "shell-form-cmd", 1);

	const dffix_severity none[] = {DFFIX_SEV_NONE};
	const char *none_ids[] = {"DF205"};
	o.ignore_count = 0;
	o.severity_ids = none_ids;
	o.severity_values = none;
	doc = lint_opts(text, &o);
	assert_int_equal(count_rule(doc, "shell-form-cmd"), 0);
	dffix_doc_free(doc);
}

/* Section - passes in lint mode */

static void test_rules__lint_runs_passes(void **state)
{
	(void)state;
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = DFFIX_FIX_ENV_KEY_VALUE | DFFIX_FIX_MAINTAINER;
	dffix_doc *doc = lint_opts("FROM a:1\nMAINTAINER me\nENV A b c\nENV B x \"y\" z\n", &o);
	assert_int_equal(count_kind(doc, DFFIX_DIAG_APPLIED), 0);
	const dffix_diag *m = find_rule(doc, "DF107");
	assert_non_null(m);
	assert_int_equal(m->kind, DFFIX_DIAG_LINT);
	assert_int_equal(m->fixable, 1);
	assert_int_equal(m->line, 2);
	size_t lint_106 = 0, refused = 0;
	for (size_t i = 0; i < dffix_doc_diag_count(doc); i++) {
		const dffix_diag *d = dffix_doc_diag(doc, i);
		if (strcmp(d->rule_id, "DF106"))
			continue;
		if (d->kind == DFFIX_DIAG_LINT) {
			lint_106++;
			assert_int_equal(d->line, 3);
		} else {
			assert_int_equal(d->kind, DFFIX_DIAG_REFUSED);
			assert_int_equal(d->severity, DFFIX_SEV_INFO);
			assert_int_equal(d->fixable, 0);
			assert_int_equal(d->line, 4);
			refused++;
		}
	}
	assert_int_equal(lint_106, 1);
	assert_int_equal(refused, 1);
	dffix_doc_free(doc);

	/* an ignored pass reports nothing */
	const char *ignore[] = {"maintainer"};
	o.ignore = ignore;
	o.ignore_count = 1;
	doc = lint_opts("FROM a:1\nMAINTAINER me\n", &o);
	assert_int_equal(count_rule(doc, "DF107"), 0);
	dffix_doc_free(doc);
}

static void test_rules__env_key_value_pass(void **state)
{
	(void)state;
	dffix_doc *doc;
	char *s = fix_with("FROM a\n# keep me\nENV PATH /opt/bin:$PATH\nENV JAVA_OPTS \"-Xmx1g -Xms1g\"\n"
			   "LABEL description a small image\nENV C x \\\n    # inner comment\n    y\n"
			   "ONBUILD ENV D d e\nENV OK=1\n",
			   DFFIX_FIX_ENV_KEY_VALUE, &doc);
	assert_string_equal(s, "FROM a\n# keep me\nENV PATH=/opt/bin:$PATH\nENV JAVA_OPTS=\"-Xmx1g -Xms1g\"\n"
			       "LABEL description=\"a small image\"\nENV C=\"x \\\n    # inner comment\n    y\"\n"
			       "ONBUILD ENV D=\"d e\"\nENV OK=1\n");
	assert_int_equal(count_kind(doc, DFFIX_DIAG_APPLIED), 5);
	assert_int_equal(count_kind(doc, DFFIX_DIAG_REFUSED), 0);
	dffix_doc_free(doc);

	/* idempotent */
	char *again = fix_with(s, DFFIX_FIX_ENV_KEY_VALUE, &doc);
	assert_string_equal(again, s);
	assert_int_equal(dffix_doc_diag_count(doc), 0);
	dffix_doc_free(doc);
	free(again);
	free(s);

	s = fix_with("FROM a\nENV A x \"y\" z\nENV B a\\b c\nENV \"K\" v w\n", DFFIX_FIX_ENV_KEY_VALUE, &doc);
	assert_string_equal(s, "FROM a\nENV A x \"y\" z\nENV B a\\b c\nENV \"K\" v w\n");
	assert_int_equal(count_kind(doc, DFFIX_DIAG_REFUSED), 3);
	assert_int_equal(count_kind(doc, DFFIX_DIAG_APPLIED), 0);
	dffix_doc_free(doc);
	free(s);

	s = fix_with("# escape=`\nFROM a\nENV A x y\nENV B z\n", DFFIX_FIX_ENV_KEY_VALUE, &doc);
	assert_string_equal(s, "# escape=`\nFROM a\nENV A x y\nENV B=z\n");
	dffix_doc_free(doc);
	free(s);

	s = fix_with("FROM a\n# dffix ignore=env-key-value\nENV A x y\n", DFFIX_FIX_ENV_KEY_VALUE, &doc);
	assert_string_equal(s, "FROM a\n# dffix ignore=env-key-value\nENV A x y\n");
	assert_int_equal(dffix_doc_diag_count(doc), 0);
	dffix_doc_free(doc);
	free(s);
}

static void test_rules__maintainer_pass(void **state)
{
	(void)state;
	dffix_doc *doc;
	char *s = fix_with("FROM a\r\nMAINTAINER Jane \"JD\" Doe <jane@example.com> $HOME\r\n", DFFIX_FIX_MAINTAINER, &doc);
	assert_string_equal(s, "FROM a\r\nLABEL org.opencontainers.image.authors=\"Jane \\\"JD\\\" Doe "
			       "<jane@example.com> \\$HOME\"\r\n");
	assert_int_equal(count_kind(doc, DFFIX_DIAG_APPLIED), 1);
	dffix_doc_free(doc);
	char *again = fix_with(s, DFFIX_FIX_MAINTAINER, &doc);
	assert_string_equal(again, s);
	dffix_doc_free(doc);
	free(again);
	free(s);

	s = fix_with("from a\nmaintainer me\n", DFFIX_FIX_MAINTAINER, &doc);
	assert_string_equal(s, "FROM a\nLABEL org.opencontainers.image.authors=\"me\"\n");
	dffix_doc_free(doc);
	free(s);

	/* the stage has the label already; a backslash before a quote; before FROM */
	const char *in = "MAINTAINER x\nFROM a\nLABEL org.opencontainers.image.authors=me\nMAINTAINER me\n"
			 "FROM b\nMAINTAINER a\\\"b\n";
	s = fix_with(in, DFFIX_FIX_MAINTAINER, &doc);
	assert_string_equal(s, "MAINTAINER x\nFROM a\nLABEL org.opencontainers.image.authors=me\nMAINTAINER me\n\n"
			       "FROM b\nMAINTAINER a\\\"b\n");
	assert_int_equal(count_kind(doc, DFFIX_DIAG_REFUSED), 3);
	assert_int_equal(count_kind(doc, DFFIX_DIAG_APPLIED), 0);
	dffix_doc_free(doc);
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules__table_is_consistent),
		cmocka_unit_test(test_rules__list),
		cmocka_unit_test(test_rules__casing),
		cmocka_unit_test(test_rules__empty_continuation),
		cmocka_unit_test(test_rules__undefined_arg_in_from),
		cmocka_unit_test(test_rules__workdir_and_expose),
		cmocka_unit_test(test_rules__unknown),
		cmocka_unit_test(test_rules__multiple_instructions),
		cmocka_unit_test(test_rules__latest_tag),
		cmocka_unit_test(test_rules__shell_form),
		cmocka_unit_test(test_rules__cleanup_separate_run),
		cmocka_unit_test(test_rules__secrets),
		cmocka_unit_test(test_rules__sshd_and_passwd),
		cmocka_unit_test(test_rules__processes),
		cmocka_unit_test(test_rules__server_rules),
		cmocka_unit_test(test_rules__repeated_version),
		cmocka_unit_test(test_rules__scratch),
		cmocka_unit_test(test_rules__script_exec),
		cmocka_unit_test(test_rules__openshift_profile),
		cmocka_unit_test(test_rules__ignore_severity_pragmas),
		cmocka_unit_test(test_rules__lint_runs_passes),
		cmocka_unit_test(test_rules__env_key_value_pass),
		cmocka_unit_test(test_rules__maintainer_pass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
