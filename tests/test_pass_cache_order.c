/* test_pass_cache_order.c - the cache-order pass: moves, every refusal,
 * comments kept, idempotence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dffix.h"
#include "pass_fixture.h"

static const pass_fixture cache_order = {.fix = DFFIX_FIX_CACHE_ORDER, .rule_id = "DF103", .rule_name = "cache-order"};

static void expect_fix(const char *in, const char *want)
{
	pass_expect_fix(&cache_order, in, want);
}

/* Nothing moves; a refusal containing `why` (NULL: no diagnostic). */
static void expect_kept(const char *in, const char *why)
{
	pass_expect_kept(&cache_order, in, why);
}

static void test_pass_cache_order__moves_with_comments(void **state)
{
	(void)state;
	expect_fix("FROM alpine:3\n"
	           "# the application\n"
	           "# (two lines)\n"
	           "COPY app/ /srv/app/\n"
	           "# tools\n"
	           "RUN apk add --no-cache curl\n"
	           "CMD [\"/srv/app/run\"]\n",
	           "FROM alpine:3\n"
	           "# tools\n"
	           "RUN apk add --no-cache curl\n"
	           "# the application\n"
	           "# (two lines)\n"
	           "COPY app/ /srv/app/\n"
	           "CMD [\"/srv/app/run\"]\n");
	pass_outcome r;
	pass_fixture_run(&r, &cache_order, "FROM alpine:3\nCOPY app.txt /app/\nRUN apk add curl\n");
	const dffix_diag *d =
	    pass_find_diag(r.doc, DFFIX_DIAG_APPLIED, "moved COPY after the package install on line 3");
	assert_non_null(d);
	assert_int_equal(d->line, 2);
	assert_int_equal(d->severity, DFFIX_SEV_WARNING);
	pass_outcome_dispose(&r);
	/* A comment separated by a blank line stays where it is. */
	expect_fix("FROM alpine:3\n# about the stage\n\nCOPY app.txt /app/\nRUN apk add curl\n",
	           "FROM alpine:3\n# about the stage\n\nRUN apk add curl\nCOPY app.txt /app/\n");
	/* Comment lines inside the COPY stay inside it. */
	expect_fix("FROM alpine:3\nCOPY app.txt \\\n# where\n    /app/\nRUN apk add curl\n",
	           "FROM alpine:3\nRUN apk add curl\nCOPY app.txt \\\n    # where\n    /app/\n");
}

static void test_pass_cache_order__after_last_install(void **state)
{
	(void)state;
	expect_fix("FROM debian:12\n"
	           "COPY app.txt /app/\n"
	           "RUN apt-get update && \\\n"
	           "    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl=7.88 \\\n"
	           "        > /dev/null && \\\n"
	           "    rm -rf /var/lib/apt/lists/*\n"
	           "RUN apt-get install -y git\n"
	           "RUN make\n"
	           "RUN apt-get install -y vim\n",
	           "FROM debian:12\n"
	           "RUN apt-get update && \\\n"
	           "    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl=7.88 \\\n"
	           "    > /dev/null && \\\n"
	           "    rm -rf /var/lib/apt/lists/*\n"
	           "RUN apt-get install -y git\n"
	           "COPY app.txt /app/\n"
	           "RUN make\n"
	           "RUN apt-get install -y vim\n");
	/* The other package managers. */
	expect_fix("FROM ubi9\nCOPY a.txt /app/\nRUN yum install -y httpd && yum clean all\nRUN dnf -y install x\n"
	           "RUN microdnf install y\nRUN zypper -n in z\n",
	           "FROM ubi9\nRUN yum install -y httpd && yum clean all\nRUN dnf -y install x\n"
	           "RUN microdnf install y\nRUN zypper -n in z\nCOPY a.txt /app/\n");
	/* A cache mount is fine. */
	expect_fix("FROM alpine:3\nCOPY a.txt /app/\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
	           "FROM alpine:3\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\nCOPY a.txt /app/\n");
}

static void test_pass_cache_order__order_of_copies_kept(void **state)
{
	(void)state;
	expect_fix("FROM alpine:3\nCOPY a.txt /app/\nCOPY b.txt /app/\nADD c.tar /app/\nRUN apk add curl\n",
	           "FROM alpine:3\nRUN apk add curl\nCOPY a.txt /app/\nCOPY b.txt /app/\nADD c.tar /app/\n");
}

static void test_pass_cache_order__relative_destination(void **state)
{
	(void)state;
	expect_fix("FROM alpine:3\nWORKDIR /app\nCOPY . .\nRUN apk add curl\n",
	           "FROM alpine:3\nWORKDIR /app\nRUN apk add curl\nCOPY . .\n");
	expect_kept("FROM alpine:3\nCOPY app.txt .\nRUN apk add curl\n",
	            "not moved after the package install: the destination `.` is relative and the working directory "
	            "is unknown");
	expect_kept("FROM alpine:3\nWORKDIR /app\nCOPY a.txt .\nWORKDIR /b\nRUN apk add curl\n",
	            "WORKDIR on line 4 changes where the relative destination `.` goes");
}

static void test_pass_cache_order__run_between(void **state)
{
	(void)state;
	expect_kept("FROM alpine:3\nCOPY app.txt /app/\nRUN ./configure\nRUN apk add curl\n",
	            "the RUN on line 3 is not a plain install of named packages; it may read the copied files");
	expect_kept("FROM alpine:3\nCOPY app.txt /app/\nRUN pip install -r requirements.txt\nRUN apk add curl\n",
	            "the RUN on line 3 is not a plain install of named packages");
	expect_kept("FROM alpine:3\nCOPY app.txt /app/\nRUN apk add ./local.apk\n",
	            "the RUN on line 3 is not a plain install of named packages");
	expect_kept("FROM alpine:3\nCOPY app.txt /app/\nRUN apk add $PKGS\n", "is not a plain install");
	expect_kept("FROM alpine:3\nCOPY app.txt /app/\nRUN [\"apk\", \"add\", \"curl\"]\n", "is not a plain install");
	expect_kept("FROM alpine:3\nCOPY app.txt /app/\nRUN apk add curl && rm -rf /srv/old\n",
	            "is not a plain install");
	expect_kept("FROM alpine:3\nCOPY app.txt /app/\nRUN cat /app/app.txt && apk add curl\n",
	            "the RUN on line 3 mentions `/app`, which the COPY writes");
	expect_kept("FROM alpine:3\nCOPY app.txt /tmp/\nRUN apk add curl && rm -rf /tmp/*\n",
	            "the RUN on line 3 mentions `/tmp`, which the COPY writes");
	expect_kept("FROM alpine:3\nCOPY curl /opt2/\nRUN apk add curl\n",
	            "the RUN on line 3 mentions `curl`, which the COPY writes");
	expect_kept("FROM alpine:3\nCOPY --chown=app a.txt /home2/\nRUN adduser -D app && apk add curl\n",
	            "--chown=app may name a user the RUN on line 3 creates");
	expect_kept("FROM alpine:3\nCOPY a.txt /app/\nRUN --mount=type=bind,target=/src apk add curl\n",
	            "the RUN on line 3 mounts the build context (--mount=type=bind)");
	expect_kept("FROM alpine:3\nCOPY a.txt /app/\nRUN --mount=target=/src apk add curl\n",
	            "mounts the build context");
}

static void test_pass_cache_order__other_instructions_between(void **state)
{
	(void)state;
	expect_kept("FROM alpine:3\nARG V\nCOPY a.txt /app/$V/\nENV V=1\nRUN apk add curl\n",
	            "ENV on line 4 defines V, which the COPY uses");
	expect_kept("FROM alpine:3\nCOPY --chown=${U} a.txt /app/\nARG U=1\nRUN apk add curl\n",
	            "ARG on line 3 defines U, which the COPY uses");
	expect_kept("FROM alpine:3\nCOPY a.txt /app/\nENV X=1\nRUN apk add curl\n",
	            "ENV on line 3 stands in between; only RUNs are crossed");
	expect_kept("FROM alpine:3\nCOPY a.txt /app/\nUSER 1001\nRUN apk add curl\n",
	            "USER on line 3 stands in between");
	expect_kept(
	    "FROM alpine:3\nCOPY a.txt /app/\nCOPY b.txt /app/\nSHELL [\"/bin/ash\", \"-c\"]\nRUN apk add curl\n",
	    "COPY on line 3 stands in between");
	expect_kept("FROM alpine:3\nCOPY a.txt /app/\nONBUILD RUN true\nRUN apk add curl\n",
	            "ONBUILD on line 3 stands");
}

static void test_pass_cache_order__package_configuration(void **state)
{
	(void)state;
	expect_kept("FROM alpine:3\nCOPY requirements-dev.txt /app/\nRUN apk add curl\n",
	            "the copied files configure the package manager or list packages (`requirements-dev.txt`)");
	expect_kept("FROM ubi9\nCOPY local.repo /app/\nRUN yum install -y x\n", "(`local.repo`)");
	expect_kept("FROM ubi9\nCOPY pkgs/x.rpm /app/\nRUN yum install -y x\n", "(`pkgs/x.rpm`)");
	expect_kept("FROM node\nCOPY package.json package-lock.json /app/\nRUN apt-get install -y x\n",
	            "(`package.json`)");
	expect_kept("FROM ubi9\nCOPY conf/ /etc/yum.repos.d/\nRUN yum install -y x\n",
	            "the copied files configure the package manager (destination /etc/yum.repos.d)");
	expect_kept("FROM debian\nCOPY key.gpg /usr/share/keyrings/\nRUN apt-get install -y x\n", "(`key.gpg`)");
}

static void test_pass_cache_order__package_trees(void **state)
{
	(void)state;
	expect_kept("FROM alpine:3\nCOPY nginx.conf /etc/nginx/nginx.conf\nRUN apk add nginx\n",
	            "the destination /etc/nginx/nginx.conf is where packages install files; the install could "
	            "write the same paths");
	expect_kept("FROM alpine:3\nCOPY tool /usr/local/bin/\nRUN apk add curl\n", "destination /usr/local/bin is");
	expect_kept("FROM alpine:3\nCOPY . /\nRUN apk add curl\n", "destination / is where packages install files");
	expect_kept("FROM alpine:3\nCOPY app /opt/app\nRUN apk add curl\n", "destination /opt/app is");
	expect_kept("FROM alpine:3\nCOPY a.txt /home/web/\nRUN apk add curl\n", "destination /home/web is");
}

static void test_pass_cache_order__variables(void **state)
{
	(void)state;
	expect_kept("FROM alpine:3\nARG SRC=a.txt\nCOPY $SRC /app/\nRUN apk add curl\n",
	            "its sources or destination use variables");
}

static void test_pass_cache_order__not_candidates(void **state)
{
	(void)state;
	expect_kept("FROM alpine:3\nCOPY --from=build /out /app/\nRUN apk add curl\n", NULL);
	expect_kept("FROM alpine:3\nADD https://example.com/a.tgz /app/\nRUN apk add curl\n", NULL);
	expect_kept("FROM alpine:3\nADD git@github.com:o/r.git /app/\nRUN apk add curl\n", NULL);
	expect_kept("FROM alpine:3\nCOPY <<EOF /app/a.txt\nhello\nEOF\nRUN apk add curl\n", NULL);
	expect_kept("FROM alpine:3\nCOPY a.txt /app/\nRUN make\n", NULL);
	expect_kept("FROM alpine:3\nCOPY a.txt /app/\nFROM alpine:3\nRUN apk add curl\n", NULL);
	expect_kept("FROM alpine:3\nONBUILD COPY a.txt /app/\nRUN apk add curl\n", NULL);
	/* Installs only earlier: nothing to do. */
	expect_kept("FROM alpine:3\nRUN apk add curl\nCOPY a.txt /app/\n", NULL);
}

static void test_pass_cache_order__pragmas(void **state)
{
	(void)state;
	expect_kept("FROM alpine:3\n# dffix ignore=cache-order\nCOPY a.txt /app/\nRUN apk add curl\n", NULL);
	expect_kept("# dffix global ignore=DF103\nFROM alpine:3\nCOPY a.txt /app/\nRUN apk add curl\n", NULL);
	/* The pragma of another rule moves along with its COPY. */
	expect_fix("FROM alpine:3\n# dffix ignore=merge-run\nCOPY a.txt /app/\nRUN apk add curl\n",
	           "FROM alpine:3\nRUN apk add curl\n# dffix ignore=merge-run\nCOPY a.txt /app/\n");
}

static void test_pass_cache_order__crlf_and_no_final_newline(void **state)
{
	(void)state;
	expect_fix("FROM alpine:3\r\n# app\r\nCOPY a.txt /app/\r\nRUN apk add curl\r\n",
	           "FROM alpine:3\r\nRUN apk add curl\r\n# app\r\nCOPY a.txt /app/\r\n");
	expect_fix("FROM alpine:3\nCOPY a.txt /app/\nRUN apk add curl",
	           "FROM alpine:3\nRUN apk add curl\nCOPY a.txt /app/\n");
	/* The verbatim tree is sound too: the install keeps its own line. */
	pass_outcome r;
	pass_fixture_run(&r, &cache_order, "FROM alpine:3\nCOPY a.txt /app/\nRUN apk add curl");
	dffix_buf raw = DFFIX_BUF_INIT;
	assert_int_equal(dffix_doc_reprint(&raw, r.doc), 0);
	assert_string_equal(raw.ptr, "FROM alpine:3\nRUN apk add curl\nCOPY a.txt /app/\n");
	dffix_buf_dispose(&raw);
	pass_outcome_dispose(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pass_cache_order__moves_with_comments),
	    cmocka_unit_test(test_pass_cache_order__after_last_install),
	    cmocka_unit_test(test_pass_cache_order__order_of_copies_kept),
	    cmocka_unit_test(test_pass_cache_order__relative_destination),
	    cmocka_unit_test(test_pass_cache_order__run_between),
	    cmocka_unit_test(test_pass_cache_order__other_instructions_between),
	    cmocka_unit_test(test_pass_cache_order__package_configuration),
	    cmocka_unit_test(test_pass_cache_order__package_trees),
	    cmocka_unit_test(test_pass_cache_order__variables),
	    cmocka_unit_test(test_pass_cache_order__not_candidates),
	    cmocka_unit_test(test_pass_cache_order__pragmas),
	    cmocka_unit_test(test_pass_cache_order__crlf_and_no_final_newline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
