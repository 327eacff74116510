/* test_pass_merge_run.c - the merge-run pass: every rewrite and every
 * refusal, comments kept, CRLF, and idempotence. */
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

/* Inputs are not always formatted: only the diagnostics show a refusal. */
static const pass_fixture merge_run = {
    .fix = DFFIX_FIX_MERGE_RUN, .rule_id = "DF104", .rule_name = "merge-run", .refused_prefix = "not merged: "};

/* Checks the output, the number of merges, that a refusal (if `refusal`)
 * mentions that text, and that a second run changes and applies nothing. */
static void expect(const char *in, const char *want, int applied, const char *refusal)
{
	pass_expect_text(&merge_run, in, want, applied, refusal);
}

/* The input is left alone (formatting aside) with a refusal naming `why`. */
static void refused(const char *in, const char *why)
{
	pass_expect_refused_text(&merge_run, in, why);
}

/* Nothing happens and nothing is reported. */
static void untouched(const char *in)
{
	pass_expect_untouched_text(&merge_run, in);
}

static void test_pass_merge_run__two_runs(void **state)
{
	(void)state;
	expect("FROM busybox\nRUN mkdir /app\nRUN touch /app/x\n",
	       "FROM busybox\nRUN mkdir /app && \\\n    touch /app/x\n", 1, NULL);
}

static void test_pass_merge_run__comments_move_inside(void **state)
{
	(void)state;
	expect("FROM busybox\n# above\nRUN mkdir /app\n\n# fetch\n\n  # more\nRUN touch /app/x\n",
	       "FROM busybox\n# above\nRUN mkdir /app && \\\n    # fetch\n    # more\n    touch /app/x\n", 1, NULL);
}

static void test_pass_merge_run__chain(void **state)
{
	(void)state;
	expect("FROM busybox\nRUN echo a\nRUN echo b\n# c\nRUN echo c\nRUN echo d\n",
	       "FROM busybox\nRUN echo a && \\\n    echo b && \\\n    # c\n    echo c && \\\n    echo d\n", 3, NULL);
}

static void test_pass_merge_run__continuations_kept(void **state)
{
	(void)state;
	expect("FROM busybox\nRUN echo a \\\n      b && \\\n    echo c\nRUN \\\n  # why\n  echo d \\\n    e\n",
	       "FROM busybox\nRUN echo a \\\n    b && \\\n    echo c && \\\n    # why\n    echo d \\\n    e\n", 1,
	       NULL);
}

static void test_pass_merge_run__crlf(void **state)
{
	(void)state;
	expect("FROM busybox\r\nRUN echo a\r\n# c\r\n\r\nRUN echo b\r\n",
	       "FROM busybox\r\nRUN echo a && \\\r\n    # c\r\n    echo b\r\n", 1, NULL);
}

static void test_pass_merge_run__trailing_blanks_and_no_final_newline(void **state)
{
	(void)state;
	expect("FROM busybox\nRUN echo a   \nRUN echo b", "FROM busybox\nRUN echo a && \\\n    echo b\n", 1, NULL);
}

/* `||`, `;`, `|` and `!` in the first command keep their meaning after
 * `&& B` (and-or lists are left-associative). */
static void test_pass_merge_run__first_operators_ok(void **state)
{
	(void)state;
	expect("FROM busybox\nRUN false || true\nRUN echo b\n", "FROM busybox\nRUN false || true && \\\n    echo b\n",
	       1, NULL);
	expect("FROM busybox\nRUN echo a; false; true\nRUN echo b\n",
	       "FROM busybox\nRUN echo a; false; true && \\\n    echo b\n", 1, NULL);
	expect("FROM busybox\nRUN echo a | cat\nRUN ! false\n", "FROM busybox\nRUN echo a | cat && \\\n    ! false\n",
	       1, NULL);
	expect("FROM busybox\nRUN (cd /tmp && touch x)\nRUN echo b | cat && echo c;\n",
	       "FROM busybox\nRUN (cd /tmp && touch x) && \\\n    echo b | cat && echo c;\n", 1, NULL);
}

static void test_pass_merge_run__same_flags(void **state)
{
	(void)state;
	expect("FROM busybox\nRUN --network=none --mount=type=cache,target=/c echo a\n"
	       "RUN --network=none --mount=\"type=cache,target=/c\" echo b\n",
	       "FROM busybox\nRUN --network=none --mount=type=cache,target=/c echo a && \\\n    echo b\n", 1, NULL);
}

static void test_pass_merge_run__refuse_flags(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN --network=none echo a\nRUN echo b\n", "different flags");
	refused("FROM busybox\nRUN echo a\nRUN --mount=type=secret,id=x echo b\n", "different flags");
	refused("FROM busybox\nRUN --security=insecure a\nRUN --security=sandbox b\n", "different flags");
	refused("FROM busybox\nRUN --network=none --network=host a\nRUN --network=host --network=none b\n",
	        "different flags");
}

static void test_pass_merge_run__refuse_mounts(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN --mount=type=tmpfs,target=/t touch /t/a\nRUN --mount=type=tmpfs,target=/t ls /t\n",
	        "tmpfs");
	refused("FROM busybox\nRUN --mount=target=/m,rw touch /m/a\nRUN --mount=target=/m,rw ls /m\n",
	        "read-write bind mount");
	expect("FROM busybox\nRUN --mount=target=/m,ro=true cat /m/a\nRUN --mount=target=/m,ro=true cat /m/b\n",
	       "FROM busybox\nRUN --mount=target=/m,ro=true cat /m/a && \\\n    cat /m/b\n", 1, NULL);
}

static void test_pass_merge_run__refuse_exec_form(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN [\"echo\", \"a\"]\nRUN echo b\n", "exec-form");
	refused("FROM busybox\nRUN echo a\nRUN [\"echo\", \"b\"]\n", "exec-form");
}

static void test_pass_merge_run__refuse_heredoc(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN <<EOF\necho a\nEOF\nRUN echo b\n", "heredoc");
	refused("FROM busybox\nRUN echo a\nRUN cat <<EOF > /f\nx\nEOF\n", "heredoc");
}

static void test_pass_merge_run__refuse_state_changes(void **state)
{
	(void)state;
	static const char *const firsts[] = {
	    "cd /tmp",
	    "export A=1",
	    "set -e",
	    "unset PATH",
	    "umask 077",
	    "source /etc/profile",
	    ". /etc/profile",
	    "alias ls=true",
	    "trap 'echo x' EXIT",
	    "exec sh",
	    "exit 0",
	    "A=1",
	    "f() { true; }",
	    "pushd /tmp",
	    "popd",
	    "echo a && cd /x",
	    "if true; then cd /x; fi",
	    "readonly A=1",
	    "shift",
	    "eval x",
	};
	for (size_t i = 0; i < sizeof(firsts) / sizeof(firsts[0]); i++) {
		char in[256];
		snprintf(in, sizeof(in), "FROM busybox\nRUN %s\nRUN touch /y\n", firsts[i]);
		refused(in, "in the first RUN");
	}
	/* A subshell's cd does not leak. */
	expect("FROM busybox\nRUN (cd /tmp)\nRUN touch y\n", "FROM busybox\nRUN (cd /tmp) && \\\n    touch y\n", 1,
	       NULL);
}

static void test_pass_merge_run__refuse_comment_at_end(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN echo a # c\nRUN touch /y\n", "ends with a shell comment");
	/* A comment at the end of the second RUN is fine. */
	expect("FROM busybox\nRUN echo a\nRUN touch /y # c\n", "FROM busybox\nRUN echo a && \\\n    touch /y # c\n", 1,
	       NULL);
}

static void test_pass_merge_run__refuse_background(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN sleep 1 &\nRUN touch /y\n", "background job");
	refused("FROM busybox\nRUN sleep 1 & touch /x\nRUN touch /y\n", "background job");
	refused("FROM busybox\nRUN (sleep 1 &)\nRUN touch /y\n", "background job");
	refused("FROM busybox\nRUN touch /x\nRUN sleep 1 & touch /y\n", "top-level `&`");
}

static void test_pass_merge_run__refuse_trailing_semicolon(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN echo a;\nRUN touch /y\n", "ends with `;`");
}

static void test_pass_merge_run__refuse_unterminated(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN echo \"abc\nRUN touch /y\n", "first RUN's shell text is unterminated");
	refused("FROM busybox\nRUN touch /y\nRUN echo $(echo\n", "second RUN's shell text is unterminated");
}

/* The second command's top-level `||`, `;` and `&` would bind wrongly:
 * `A && X || Y` runs Y when A fails. */
static void test_pass_merge_run__refuse_second_operators(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN false\nRUN rm -f /x || true\n", "top-level `||`");
	refused("FROM busybox\nRUN false\nRUN echo a; touch /x\n", "top-level `;`");
	refused("FROM busybox\nRUN false\nRUN echo a & touch /x\n", "top-level `&`");
}

static void test_pass_merge_run__refuse_errexit_compound(void **state)
{
	(void)state;
	refused("FROM busybox\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN if true; then false; touch /x; fi\nRUN echo b\n",
	        "errexit");
	refused("FROM busybox\nSHELL [\"/bin/bash\", \"-euxo\", \"pipefail\", \"-c\"]\nRUN { false; touch /x; }\n"
	        "RUN echo b\n",
	        "errexit");
	refused("FROM busybox\nRUN (set -e; false; touch /x)\nRUN echo b\n", "errexit");
	/* Simple commands are fine under errexit. */
	expect("FROM busybox\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN echo a\nRUN if true; then echo b; fi\n",
	       "FROM busybox\nSHELL [\"/bin/sh\", \"-ec\"]\nRUN echo a && \\\n    if true; then echo b; fi\n", 1, NULL);
	/* Without errexit a compound command on the left is fine. */
	expect("FROM busybox\nRUN (touch /x)\nRUN echo b\n", "FROM busybox\nRUN (touch /x) && \\\n    echo b\n", 1,
	       NULL);
}

static void test_pass_merge_run__refuse_last_status_vars(void **state)
{
	(void)state;
	refused("FROM busybox\nRUN echo a\nRUN echo \"$_\" > /f\n", "`$_` or `$!`");
	refused("FROM busybox\nRUN echo a\nRUN echo ${!} > /f\n", "`$_` or `$!`");
}

static void test_pass_merge_run__refuse_shell(void **state)
{
	(void)state;
	refused("FROM busybox\nSHELL [\"powershell\", \"-Command\"]\nRUN echo a\nRUN echo b\n", "not a POSIX shell");
	refused("FROM busybox\nSHELL [\"cmd\", \"/S\", \"/C\"]\nRUN echo a\nRUN echo b\n", "not a POSIX shell");
	refused("# escape=`\nFROM busybox\nRUN echo a\nRUN echo b\n", "backtick");
	refused("FROM busybox\nSHELL [\"/bin/sh\", \"-c\", \"x\"]\nRUN echo a\nRUN echo b\n", "options");
	/* Inherited through FROM <stage>. */
	refused("FROM busybox AS base\nSHELL [\"pwsh\", \"-c\"]\nFROM base\nRUN echo a\nRUN echo b\n",
	        "not a POSIX shell");
	/* A new FROM of an image resets it. */
	expect("FROM busybox AS base\nSHELL [\"pwsh\", \"-c\"]\nFROM busybox\nRUN echo a\nRUN echo b\n",
	       "FROM busybox AS base\nSHELL [\"pwsh\", \"-c\"]\n\nFROM busybox\nRUN echo a && \\\n    echo b\n", 1,
	       NULL);
	refused("FROM busybox\nENV BASH_ENV=/etc/x\nRUN echo a\nRUN echo b\n", "BASH_ENV");
}

static void test_pass_merge_run__refuse_onbuild(void **state)
{
	(void)state;
	refused("FROM busybox\nONBUILD RUN echo a\nONBUILD RUN echo b\n", "ONBUILD");
	/* ONBUILD RUN next to RUN: not two RUNs, nothing said. */
	untouched("FROM busybox\nONBUILD RUN echo a\nRUN echo b\n");
}

static void test_pass_merge_run__not_consecutive(void **state)
{
	(void)state;
	untouched("FROM busybox\nRUN echo a\nENV A=1\nRUN echo b\n");
	untouched("FROM busybox\nRUN echo a\nFROM busybox\nRUN echo b\n");
	untouched("FROM busybox\nRUN echo a\nWORKDIR /x\nRUN echo b\n");
}

static void test_pass_merge_run__refuse_too_long(void **state)
{
	(void)state;
	size_t n = 40000;
	char *in = malloc(2 * n + 64);
	assert_non_null(in);
	strcpy(in, "FROM busybox\nRUN echo ");
	size_t p = strlen(in);
	memset(in + p, 'a', n);
	p += n;
	strcpy(in + p, "\nRUN echo ");
	p += strlen("\nRUN echo ");
	memset(in + p, 'b', n);
	p += n;
	strcpy(in + p, "\n");
	refused(in, "65535");
	free(in);
}

static void test_pass_merge_run__pragmas(void **state)
{
	(void)state;
	untouched("FROM busybox\n# dffix ignore=merge-run\nRUN echo a\nRUN echo b\n");
	untouched("FROM busybox\nRUN echo a\n# hadolint ignore=DL3059\nRUN echo b\n");
	untouched("FROM busybox\nRUN echo a\n# dffix ignore=DF104\nRUN echo b\n");
	/* Another rule's pragma would be lost inside the merged RUN. */
	refused("FROM busybox\nRUN echo a\n# hadolint ignore=DL3008\nRUN echo b\n", "pragma");
	refused("FROM busybox\nRUN echo a\n# dffix global ignore=pin-tag\nRUN echo b\n", "pragma");
}

/* A refusal in the middle splits the chain; both halves merge. */
static void test_pass_merge_run__split_chain(void **state)
{
	(void)state;
	expect("FROM busybox\nRUN echo a\nRUN cd /x\nRUN echo c\nRUN echo d\n",
	       "FROM busybox\nRUN echo a && \\\n    cd /x\nRUN echo c && \\\n    echo d\n", 2, "`cd /x`");
}

/* Merging must not disturb other instructions or comments around. */
static void test_pass_merge_run__neighbours_kept(void **state)
{
	(void)state;
	expect("FROM busybox\n# a\nRUN echo a\n# b\nRUN echo b\n# after\nCMD [\"sh\"]\n",
	       "FROM busybox\n# a\nRUN echo a && \\\n    # b\n    echo b\n# after\nCMD [\"sh\"]\n", 1, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pass_merge_run__two_runs),
	    cmocka_unit_test(test_pass_merge_run__comments_move_inside),
	    cmocka_unit_test(test_pass_merge_run__chain),
	    cmocka_unit_test(test_pass_merge_run__continuations_kept),
	    cmocka_unit_test(test_pass_merge_run__crlf),
	    cmocka_unit_test(test_pass_merge_run__trailing_blanks_and_no_final_newline),
	    cmocka_unit_test(test_pass_merge_run__first_operators_ok),
	    cmocka_unit_test(test_pass_merge_run__same_flags),
	    cmocka_unit_test(test_pass_merge_run__refuse_flags),
	    cmocka_unit_test(test_pass_merge_run__refuse_mounts),
	    cmocka_unit_test(test_pass_merge_run__refuse_exec_form),
	    cmocka_unit_test(test_pass_merge_run__refuse_heredoc),
	    cmocka_unit_test(test_pass_merge_run__refuse_state_changes),
	    cmocka_unit_test(test_pass_merge_run__refuse_comment_at_end),
	    cmocka_unit_test(test_pass_merge_run__refuse_background),
	    cmocka_unit_test(test_pass_merge_run__refuse_trailing_semicolon),
	    cmocka_unit_test(test_pass_merge_run__refuse_unterminated),
	    cmocka_unit_test(test_pass_merge_run__refuse_second_operators),
	    cmocka_unit_test(test_pass_merge_run__refuse_errexit_compound),
	    cmocka_unit_test(test_pass_merge_run__refuse_last_status_vars),
	    cmocka_unit_test(test_pass_merge_run__refuse_shell),
	    cmocka_unit_test(test_pass_merge_run__refuse_onbuild),
	    cmocka_unit_test(test_pass_merge_run__not_consecutive),
	    cmocka_unit_test(test_pass_merge_run__refuse_too_long),
	    cmocka_unit_test(test_pass_merge_run__pragmas),
	    cmocka_unit_test(test_pass_merge_run__split_chain),
	    cmocka_unit_test(test_pass_merge_run__neighbours_kept),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
