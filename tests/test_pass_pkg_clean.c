/* test_pass_pkg_clean.c - the pkg-clean pass: each manager's cleanup, -y
 * and --no-cache, every skip and refusal, comments kept, CRLF, and
 * idempotence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dffix.h"
#include "pass_fixture.h"

static const pass_fixture pkg_clean = {.fix = DFFIX_FIX_PKG_CLEAN,
                                       .rule_id = "DF102",
                                       .rule_name = "pkg-clean",
                                       .refused_prefix = "no cleanup added: ",
                                       .formatted_inputs = 1};

/* Checks the output and the number of applied changes (and a refusal
 * naming `refusal`, if given); then that a second run applies nothing. */
static void expect(const char *in, const char *want, int applied, const char *refusal)
{
	pass_expect_text(&pkg_clean, in, want, applied, refusal);
}

/* Unchanged (inputs here are already formatted), with a refusal naming
 * `why`. */
static void refused(const char *in, const char *why)
{
	pass_expect_refused_text(&pkg_clean, in, why);
}

/* Unchanged, nothing reported. */
static void untouched(const char *in)
{
	pass_expect_untouched_text(&pkg_clean, in);
}

static void test_pass_pkg_clean__apt(void **state)
{
	(void)state;
	expect("FROM debian\nRUN apt-get update && \\\n    DEBIAN_FRONTEND=noninteractive apt-get install -y "
	       "--no-install-recommends curl\n",
	       "FROM debian\nRUN apt-get update && \\\n    DEBIAN_FRONTEND=noninteractive apt-get install -y "
	       "--no-install-recommends curl && \\\n    rm -rf /var/lib/apt/lists/*\n",
	       1, NULL);
	expect("FROM debian\nRUN apt-get -y install curl\n",
	       "FROM debian\nRUN apt-get -y install curl && \\\n    rm -rf /var/lib/apt/lists/*\n", 1, NULL);
	expect("FROM debian\nRUN apt update && apt install -y curl\n",
	       "FROM debian\nRUN apt update && apt install -y curl && \\\n    rm -rf /var/lib/apt/lists/*\n", 1, NULL);
	expect("FROM debian\nRUN apt-get -o Dpkg::Options::=--force-confold upgrade -y\n",
	       "FROM debian\nRUN apt-get -o Dpkg::Options::=--force-confold upgrade -y && \\\n"
	       "    rm -rf /var/lib/apt/lists/*\n",
	       1, NULL);
	expect("FROM debian\nRUN apt-get update && apt-get dist-upgrade -y\n",
	       "FROM debian\nRUN apt-get update && apt-get dist-upgrade -y && \\\n    rm -rf /var/lib/apt/lists/*\n", 1,
	       NULL);
	/* apt-get clean does not remove the lists. */
	expect("FROM debian\nRUN apt-get install -y x && apt-get clean\n",
	       "FROM debian\nRUN apt-get install -y x && apt-get clean && \\\n    rm -rf /var/lib/apt/lists/*\n", 1,
	       NULL);
}

static void test_pass_pkg_clean__sudo(void **state)
{
	(void)state;
	expect("FROM debian\nRUN sudo -E apt-get install -y curl\n",
	       "FROM debian\nRUN sudo -E apt-get install -y curl && \\\n    sudo rm -rf /var/lib/apt/lists/*\n", 1,
	       NULL);
	expect("FROM fedora\nRUN sudo -u root dnf install -y x\n",
	       "FROM fedora\nRUN sudo -u root dnf install -y x && \\\n    sudo dnf clean all\n", 1, NULL);
	expect("FROM fedora\nRUN env LANG=C yum -y install x\n",
	       "FROM fedora\nRUN env LANG=C yum -y install x && \\\n    yum clean all\n", 1, NULL);
}

static void test_pass_pkg_clean__yum_dnf(void **state)
{
	(void)state;
	expect("FROM centos\nRUN yum install httpd\n",
	       "FROM centos\nRUN yum install -y httpd && \\\n    yum clean all\n", 2, NULL);
	expect("FROM centos\nRUN yum -y install httpd\n",
	       "FROM centos\nRUN yum -y install httpd && \\\n    yum clean all\n", 1, NULL);
	expect("FROM centos\nRUN yum --assumeyes install httpd\n",
	       "FROM centos\nRUN yum --assumeyes install httpd && \\\n    yum clean all\n", 1, NULL);
	expect("FROM centos\nRUN yum groupinstall -y 'Development Tools'\n",
	       "FROM centos\nRUN yum groupinstall -y 'Development Tools' && \\\n    yum clean all\n", 1, NULL);
	expect("FROM centos\nRUN yum group install \"Dev\"\n",
	       "FROM centos\nRUN yum group install -y \"Dev\" && \\\n    yum clean all\n", 2, NULL);
	expect("FROM centos\nRUN yum update\n", "FROM centos\nRUN yum update -y && \\\n    yum clean all\n", 2, NULL);
	expect("FROM fedora\nRUN dnf install -y x\n", "FROM fedora\nRUN dnf install -y x && \\\n    dnf clean all\n", 1,
	       NULL);
	expect("FROM fedora\nRUN dnf --setopt=tsflags=nodocs -qy install x\n",
	       "FROM fedora\nRUN dnf --setopt=tsflags=nodocs -qy install x && \\\n    dnf clean all\n", 1, NULL);
	expect("FROM ubi\nRUN microdnf install x\n",
	       "FROM ubi\nRUN microdnf install -y x && \\\n    microdnf clean all\n", 2, NULL);
	expect("FROM photon\nRUN tdnf install -y x\n", "FROM photon\nRUN tdnf install -y x && \\\n    tdnf clean all\n",
	       1, NULL);
	/* -y on a verb at a line end. */
	expect("FROM centos\nRUN yum install\\\n  x\n",
	       "FROM centos\nRUN yum install -y \\\n    x && \\\n    yum clean all\n", 2, NULL);
}

static void test_pass_pkg_clean__zypper(void **state)
{
	(void)state;
	expect("FROM opensuse\nRUN zypper -n in curl\n",
	       "FROM opensuse\nRUN zypper -n in curl && \\\n    zypper clean --all\n", 1, NULL);
	expect("FROM opensuse\nRUN zypper --non-interactive install -y curl\n",
	       "FROM opensuse\nRUN zypper --non-interactive install -y curl && \\\n    zypper clean --all\n", 1, NULL);
}

static void test_pass_pkg_clean__apk(void **state)
{
	(void)state;
	expect("FROM alpine\nRUN apk add curl\n", "FROM alpine\nRUN apk add --no-cache curl\n", 1, NULL);
	expect("FROM alpine\nRUN apk update && apk upgrade && apk add curl\n",
	       "FROM alpine\nRUN apk update && apk upgrade --no-cache && apk add --no-cache curl\n", 2, NULL);
	expect("FROM alpine\nRUN apk --update add curl\n", "FROM alpine\nRUN apk --update add --no-cache curl\n", 1,
	       NULL);
	untouched("FROM alpine\nRUN apk add --no-cache curl\n");
	untouched("FROM alpine\nRUN apk add curl && rm -rf /var/cache/apk/*\n");
	untouched("FROM alpine\nRUN apk add curl && apk cache clean\n");
}

static void test_pass_pkg_clean__several_managers(void **state)
{
	(void)state;
	expect("FROM x\nRUN apt-get install -y a && yum install -y b\n",
	       "FROM x\nRUN apt-get install -y a && yum install -y b && \\\n    rm -rf /var/lib/apt/lists/* && \\\n"
	       "    yum clean all\n",
	       2, NULL);
}

static void test_pass_pkg_clean__comments_kept(void **state)
{
	(void)state;
	expect("FROM debian\n# tools\nRUN apt-get update && \\\n    # curl for the health check\n    apt-get install "
	       "-y curl\n"
	       "# after\n",
	       "FROM debian\n# tools\nRUN apt-get update && \\\n    # curl for the health check\n    apt-get install "
	       "-y curl && "
	       "\\\n    rm -rf /var/lib/apt/lists/*\n# after\n",
	       1, NULL);
}

static void test_pass_pkg_clean__crlf(void **state)
{
	(void)state;
	expect("FROM centos\r\nRUN yum install x\r\n",
	       "FROM centos\r\nRUN yum install -y x && \\\r\n    yum clean all\r\n", 2, NULL);
}

static void test_pass_pkg_clean__no_install(void **state)
{
	(void)state;
	untouched("FROM debian\nRUN apt-get update\n");
	untouched("FROM debian\nRUN echo apt-get install x\n");
	untouched("FROM centos\nRUN yum clean all\n");
	untouched("FROM debian\nRUN make install\n");
}

static void test_pass_pkg_clean__already_clean(void **state)
{
	(void)state;
	untouched("FROM debian\nRUN apt-get install -y x && rm -rf /var/lib/apt/lists/*\n");
	untouched("FROM debian\nRUN apt-get install -y x && rm -rf \"/var/lib/apt/lists\"\n");
	untouched("FROM centos\nRUN yum install -y x && yum clean all\n");
	untouched("FROM centos\nRUN yum install -y x && rm -rf /var/cache/yum\n");
	untouched("FROM fedora\nRUN dnf install -y x && rm -rf /var/cache/*\n");
	untouched("FROM opensuse\nRUN zypper -n in x && zypper cc -a\n");
	untouched("FROM debian\nRUN apt-get install -y x && (rm -rf /var/lib/apt/lists/*)\n");
	/* A cleanup before the last install does not count. */
	expect("FROM centos\nRUN yum install -y a && yum clean all && yum install -y b\n",
	       "FROM centos\nRUN yum install -y a && yum clean all && yum install -y b && \\\n    yum clean all\n", 1,
	       NULL);
}

static void test_pass_pkg_clean__cache_mounts(void **state)
{
	(void)state;
	untouched("FROM debian\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt "
	          "apt-get update && apt-get install -y x\n");
	untouched("FROM centos\nRUN --mount=type=cache,target=/var/cache/yum yum install -y x\n");
	untouched("FROM fedora\nRUN --mount=type=tmpfs,dst=/var/cache/dnf dnf install -y x\n");
	untouched("FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n");
	/* Only the archives are mounted: the lists are still in the layer. */
	expect("FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y x\n",
	       "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get install -y x && \\\n"
	       "    rm -rf /var/lib/apt/lists/*\n",
	       1, NULL);
	/* A cache mount keeps -y going in. */
	expect("FROM centos\nRUN --mount=type=cache,target=/var/cache/yum yum install x\n",
	       "FROM centos\nRUN --mount=type=cache,target=/var/cache/yum yum install -y x\n", 1, NULL);
}

static void test_pass_pkg_clean__builder_stage(void **state)
{
	(void)state;
	refused("FROM debian AS build\nRUN apt-get install -y gcc\n\nFROM scratch\nCOPY --from=build /x /x\n",
	        "builder stage: its layers are not in the final image");
	/* -y still goes in (the build fails without it), the cleanup does not. */
	expect("FROM centos AS build\nRUN yum install gcc\n\nFROM scratch\n",
	       "FROM centos AS build\nRUN yum install -y gcc\n\nFROM scratch\n", 1, "builder stage");
	/* An ancestor of the final stage ships its layers. */
	expect("FROM debian AS base\nRUN apt-get install -y x\n\nFROM base\n",
	       "FROM debian AS base\nRUN apt-get install -y x && \\\n    rm -rf /var/lib/apt/lists/*\n\nFROM base\n", 1,
	       NULL);
}

static void test_pass_pkg_clean__refuse_exec_form_and_heredoc(void **state)
{
	(void)state;
	refused("FROM debian\nRUN [\"apt-get\", \"install\", \"-y\", \"x\"]\n", "exec-form");
	refused("FROM debian\nRUN <<EOF\napt-get install -y x\nEOF\n", "heredoc");
	untouched("FROM debian\nRUN [\"echo\", \"x\"]\n");
}

static void test_pass_pkg_clean__refuse_unsafe_end(void **state)
{
	(void)state;
	refused("FROM debian\nRUN apt-get install -y x # tools\n", "shell comment");
	refused("FROM debian\nRUN apt-get install -y x &\n", "background");
	refused("FROM debian\nRUN apt-get install -y x & wait\n", "background");
	refused("FROM debian\nRUN apt-get install -y x;\n", "ends with `;`");
	refused("FROM debian\nRUN apt-get install -y x && echo \"done\n", "cannot be followed");
	refused("FROM debian\nRUN apt-get install -y x; exit 0\n", "`exit`/`exec`");
	refused("FROM debian\nRUN apt-get install -y x; if true; then exit 0; fi\n", "`exit`/`exec`");
	/* An exit inside a subshell only leaves the subshell. */
	expect("FROM debian\nRUN apt-get install -y x && (exit 0)\n",
	       "FROM debian\nRUN apt-get install -y x && (exit 0) && \\\n    rm -rf /var/lib/apt/lists/*\n", 1, NULL);
}

static void test_pass_pkg_clean__refuse_nested(void **state)
{
	(void)state;
	refused("FROM debian\nRUN (apt-get install -y x)\n", "install is not at the top level");
	refused("FROM debian\nRUN if true; then apt-get install -y x; fi\n", "install is not at the top level");
	refused("FROM debian\nRUN for p in a b; do apt-get install -y $p; done\n", "install is not at the top level");
	refused("FROM debian\nRUN { apt-get install -y x; }\n", "install is not at the top level");
	refused("FROM centos\nRUN f() { yum install x; }; true\n", "install is not at the top level");
}

/* `||`, `;` and `set +e` after the install: `T && C` runs C exactly when
 * the RUN would have succeeded, so appending is safe. */
static void test_pass_pkg_clean__operators_after_install(void **state)
{
	(void)state;
	expect("FROM debian\nRUN apt-get install -y x || true\n",
	       "FROM debian\nRUN apt-get install -y x || true && \\\n    rm -rf /var/lib/apt/lists/*\n", 1, NULL);
	expect(
	    "FROM debian\nRUN set -e; apt-get install -y x; set +e; echo done\n",
	    "FROM debian\nRUN set -e; apt-get install -y x; set +e; echo done && \\\n    rm -rf /var/lib/apt/lists/*\n",
	    1, NULL);
	expect("FROM debian\nRUN apt-get install -y x | tee /log\n",
	       "FROM debian\nRUN apt-get install -y x | tee /log && \\\n    rm -rf /var/lib/apt/lists/*\n", 1, NULL);
}

static void test_pass_pkg_clean__refuse_errexit_compound(void **state)
{
	(void)state;
	refused("FROM debian\nRUN set -e; apt-get install -y x; { false; echo ok; }\n", "errexit");
	refused("FROM debian\nSHELL [\"/bin/bash\", \"-eo\", \"pipefail\", \"-c\"]\nRUN apt-get install -y x; if true; "
	        "then false; fi\n",
	        "errexit");
}

static void test_pass_pkg_clean__refuse_shell(void **state)
{
	(void)state;
	refused("FROM debian\nSHELL [\"pwsh\", \"-c\"]\nRUN apt-get install -y x\n", "not a POSIX shell");
	refused("# escape=`\nFROM debian\nRUN apt-get install -y x\n", "backtick");
}

static void test_pass_pkg_clean__pragmas(void **state)
{
	(void)state;
	untouched("FROM debian\n# dffix ignore=pkg-clean\nRUN apt-get install -y x\n");
	untouched("FROM debian\n# hadolint ignore=DL3009\nRUN apt-get install -y x\n");
	untouched("FROM debian\n# dffix global ignore=DF102\nRUN apt-get install -y x\n");
	/* DL3009 is apt's: yum is still cleaned. */
	expect(
	    "FROM x\n# hadolint ignore=DL3009\nRUN apt-get install -y a && yum install -y b\n",
	    "FROM x\n# hadolint ignore=DL3009\nRUN apt-get install -y a && yum install -y b && \\\n    yum clean all\n",
	    1, NULL);
}

static void test_pass_pkg_clean__onbuild_untouched(void **state)
{
	(void)state;
	untouched("FROM debian\nONBUILD RUN apt-get install -y x\n");
}

/* A RUN line at BuildKit's 65,535-byte limit: appending ` && \` would make
 * a line the builder refuses, so the pass refuses instead. */
static void test_pass_pkg_clean__line_limit(void **state)
{
	(void)state;
	const char *head = "FROM fedora:39\nRUN yum install -y ";
	size_t run_len = 65533, pad = run_len - strlen("RUN yum install -y ");
	size_t len = strlen(head) + pad + 1;
	char *in = malloc(len + 1);
	assert_non_null(in);
	memcpy(in, head, strlen(head));
	memset(in + strlen(head), 'a', pad);
	memcpy(in + len - 1, "\n", 2);
	refused(in, "would not parse");
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pass_pkg_clean__apt),
	    cmocka_unit_test(test_pass_pkg_clean__sudo),
	    cmocka_unit_test(test_pass_pkg_clean__yum_dnf),
	    cmocka_unit_test(test_pass_pkg_clean__zypper),
	    cmocka_unit_test(test_pass_pkg_clean__apk),
	    cmocka_unit_test(test_pass_pkg_clean__several_managers),
	    cmocka_unit_test(test_pass_pkg_clean__comments_kept),
	    cmocka_unit_test(test_pass_pkg_clean__crlf),
	    cmocka_unit_test(test_pass_pkg_clean__no_install),
	    cmocka_unit_test(test_pass_pkg_clean__already_clean),
	    cmocka_unit_test(test_pass_pkg_clean__cache_mounts),
	    cmocka_unit_test(test_pass_pkg_clean__builder_stage),
	    cmocka_unit_test(test_pass_pkg_clean__refuse_exec_form_and_heredoc),
	    cmocka_unit_test(test_pass_pkg_clean__refuse_unsafe_end),
	    cmocka_unit_test(test_pass_pkg_clean__refuse_nested),
	    cmocka_unit_test(test_pass_pkg_clean__operators_after_install),
	    cmocka_unit_test(test_pass_pkg_clean__refuse_errexit_compound),
	    cmocka_unit_test(test_pass_pkg_clean__refuse_shell),
	    cmocka_unit_test(test_pass_pkg_clean__pragmas),
	    cmocka_unit_test(test_pass_pkg_clean__onbuild_untouched),
	    cmocka_unit_test(test_pass_pkg_clean__line_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
