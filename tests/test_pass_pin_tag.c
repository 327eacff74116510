/* test_pass_pin_tag.c - the pin-tag pass: every rewrite and refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dffix.h"
#include "pass_fixture.h"

#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const dffix_pin default_pins[] = {
    {"nginx", "1.25"},          {"docker.io/library/alpine", "3.19@sha256:" D64},
    {"golang", "@sha256:" D64}, {"localhost:5000/app", "2"},
    {"busted", "bad tag!"},     {"redis", "latest"},
};

static void use_default_pins(dffix_options *o)
{
	o->pins = default_pins;
	o->pin_count = sizeof(default_pins) / sizeof(default_pins[0]);
}

static const pass_fixture pin_tag = {
    .fix = DFFIX_FIX_PIN_TAG, .rule_id = "DF101", .rule_name = "pin-tag", .configure = use_default_pins};

static void fix(pass_outcome *r, const char *in)
{
	pass_fixture_run(r, &pin_tag, in);
}

/* Fixing `in` gives `want`; fixing that again changes and applies nothing. */
static void expect_fix(const char *in, const char *want)
{
	pass_expect_fix(&pin_tag, in, want);
}

/* Nothing changes and a refusal containing `why` is reported (NULL: no
 * diagnostic at all). */
static void expect_kept(const char *in, const char *why)
{
	pass_expect_kept(&pin_tag, in, why);
}

static void test_pass_pin_tag__untagged(void **state)
{
	(void)state;
	expect_fix("FROM nginx\n", "FROM nginx:1.25\n");
	pass_outcome r;
	fix(&r, "FROM nginx\n");
	const dffix_diag *d = pass_find_diag(r.doc, DFFIX_DIAG_APPLIED, "pinned FROM `nginx` to `nginx:1.25`");
	assert_non_null(d);
	assert_int_equal(d->line, 1);
	assert_int_equal(d->severity, DFFIX_SEV_WARNING);
	pass_outcome_dispose(&r);
}

static void test_pass_pin_tag__latest(void **state)
{
	(void)state;
	expect_fix("FROM nginx:latest AS web\n", "FROM nginx:1.25 AS web\n");
}

static void test_pass_pin_tag__registry_kept_as_written(void **state)
{
	(void)state;
	expect_fix("FROM docker.io/library/nginx:latest\n", "FROM docker.io/library/nginx:1.25\n");
	expect_fix("FROM index.docker.io/nginx\n", "FROM index.docker.io/nginx:1.25\n");
	/* The pin names docker.io/library/alpine; `alpine` is the same repository. */
	expect_fix("FROM alpine\n", "FROM alpine:3.19@sha256:" D64 "\n");
	expect_fix("FROM localhost:5000/app\n", "FROM localhost:5000/app:2\n");
	/* Same path, other registry: not the pinned image. */
	expect_kept("FROM quay.io/nginx\n", "no pin configured for quay.io/nginx");
}

static void test_pass_pin_tag__digest_pin(void **state)
{
	(void)state;
	expect_fix("FROM golang:latest\n", "FROM golang@sha256:" D64 "\n");
	expect_fix("FROM golang AS build\n", "FROM golang@sha256:" D64 " AS build\n");
}

static void test_pass_pin_tag__already_pinned(void **state)
{
	(void)state;
	expect_kept("FROM nginx@sha256:" D64 "\n", NULL);
	expect_kept("FROM nginx:latest@sha256:" D64 "\n", NULL);
	expect_kept("FROM nginx:1.24\n", NULL);
	expect_kept("FROM redis:7\n", NULL);
}

static void test_pass_pin_tag__no_pin(void **state)
{
	(void)state;
	expect_kept("FROM ubuntu\n",
	            "no pin configured for ubuntu; pass --pin ubuntu=TAG or add it to pins: in .dffix.yaml");
	expect_kept("FROM ubuntu:latest\n", "no pin configured for ubuntu;");
}

static void test_pass_pin_tag__bad_pins(void **state)
{
	(void)state;
	expect_kept("FROM busted\n", "the pin for busted (`bad tag!`) is not a valid tag or digest");
	/* A pin to `latest` pins nothing. */
	expect_kept("FROM redis\n", "the pin for redis (`latest`) is not a valid tag or digest");
}

static void test_pass_pin_tag__stages_and_scratch(void **state)
{
	(void)state;
	expect_fix("FROM golang:1.22 AS Build\n"
	           "RUN make\n"
	           "FROM build\n"
	           "COPY --from=BUILD /a /a\n"
	           "COPY --from=0 /a /b\n"
	           "RUN --mount=from=build,target=/x true\n"
	           "FROM scratch\n"
	           "COPY --from=nginx /etc/nginx /etc/nginx\n",
	           "FROM golang:1.22 AS Build\n"
	           "RUN make\n"
	           "\n"
	           "FROM build\n"
	           "COPY --from=BUILD /a /a\n"
	           "COPY --from=0 /a /b\n"
	           "RUN --mount=from=build,target=/x true\n"
	           "\n"
	           "FROM scratch\n"
	           "COPY --from=nginx:1.25 /etc/nginx /etc/nginx\n");
	/* A FROM names only earlier stages: a later stage `nginx` does not count. */
	expect_fix("FROM nginx\nFROM alpine:3 AS nginx\n", "FROM nginx:1.25\n\nFROM alpine:3 AS nginx\n");
}

static void test_pass_pin_tag__copy_from(void **state)
{
	(void)state;
	expect_fix("FROM alpine:3\nCOPY --chown=1:0 --from=nginx:latest /a /b\n",
	           "FROM alpine:3\nCOPY --chown=1:0 --from=nginx:1.25 /a /b\n");
	expect_kept("FROM alpine:3\nCOPY --from=$IMG /a /b\n",
	            "image `$IMG` in COPY --from is given by a variable; pin-tag only follows ARG defaults");
}

static void test_pass_pin_tag__run_mount(void **state)
{
	(void)state;
	expect_fix("FROM alpine:3\n"
	           "RUN --mount=type=cache,from=nginx,target=/x --mount=type=bind,from=alpine:latest,target=/y true\n",
	           "FROM alpine:3\n"
	           "RUN --mount=type=cache,from=nginx:1.25,target=/x "
	           "--mount=type=bind,from=alpine:3.19@sha256:" D64 ",target=/y true\n");
	expect_kept("FROM alpine:3\nRUN --mount=from=ubuntu,target=/y true\n", "no pin configured for ubuntu");
	/* Both rewrites of one RUN are reported at its input line. */
	pass_outcome r;
	fix(&r, "FROM alpine:3\nRUN --mount=from=nginx,target=/x --mount=from=alpine,target=/y true\n");
	assert_int_equal(pass_count_kind(r.doc, DFFIX_DIAG_APPLIED), 2);
	for (size_t i = 0; i < dffix_doc_diag_count(r.doc); i++)
		assert_int_equal(dffix_doc_diag(r.doc, i)->line, 2);
	pass_outcome_dispose(&r);
}

static void test_pass_pin_tag__arg_default(void **state)
{
	(void)state;
	expect_fix("ARG BASE=nginx:latest\nFROM ${BASE}\n", "ARG BASE=nginx:1.25\nFROM ${BASE}\n");
	expect_fix("ARG BASE=nginx\nFROM $BASE AS web\n", "ARG BASE=nginx:1.25\nFROM $BASE AS web\n");
	expect_fix("ARG A=1 BASE=\"nginx\"\nFROM $BASE\n", "ARG A=1 BASE=\"nginx:1.25\"\nFROM $BASE\n");
	/* Two FROMs using the same ARG: one rewrite. */
	pass_outcome r;
	fix(&r, "ARG BASE=nginx\nFROM $BASE\nFROM ${BASE}\n");
	assert_string_equal(r.out.ptr, "ARG BASE=nginx:1.25\nFROM $BASE\n\nFROM ${BASE}\n");
	assert_int_equal(pass_count_kind(r.doc, DFFIX_DIAG_APPLIED), 1);
	assert_int_equal(pass_count_kind(r.doc, DFFIX_DIAG_REFUSED), 0);
	pass_outcome_dispose(&r);
	/* The last declaration wins. */
	expect_fix("ARG BASE=nginx:1.20\nARG BASE=nginx\nFROM $BASE\n",
	           "ARG BASE=nginx:1.20\nARG BASE=nginx:1.25\nFROM $BASE\n");
	/* A default naming a stage or scratch, or already pinned: nothing. */
	expect_kept("ARG BASE=scratch\nFROM $BASE\n", NULL);
	expect_kept("FROM alpine:3 AS b\nFROM alpine:3\nARG X=1\n", NULL);
	expect_kept("ARG BASE=nginx:1.24\nFROM ${BASE}\n", NULL);
}

static void test_pass_pin_tag__arg_used_elsewhere(void **state)
{
	(void)state;
	expect_kept("ARG BASE=nginx\nFROM $BASE\nARG BASE\nLABEL base=$BASE\n",
	            "ARG BASE is also used on line 4, not only as the FROM image; pinning its default would "
	            "change more than the base image");
	expect_kept("ARG BASE=nginx\nFROM ${BASE}\nRUN echo ${BASE:-x}\n", "ARG BASE is also used on line 3");
	expect_kept("ARG BASE=nginx\nFROM $BASE\nFROM ${BASE}-slim\n", "ARG BASE is also used on line 3");
	/* $BASEX is another variable. */
	expect_fix("ARG BASE=nginx\nFROM $BASE\nRUN echo $BASEX\n",
	           "ARG BASE=nginx:1.25\nFROM $BASE\nRUN echo $BASEX\n");
}

static void test_pass_pin_tag__arg_refusals(void **state)
{
	(void)state;
	expect_kept("FROM $BASE\n",
	            "image `$BASE` is a variable with no default (no `ARG BASE=...` before the first FROM)");
	expect_kept("ARG BASE\nFROM ${BASE}\n", "image `${BASE}` is a variable with no default");
	expect_kept("ARG V=latest\nARG BASE=nginx:$V\nFROM $BASE\n",
	            "the default of ARG BASE (`nginx:$V`) uses another variable");
	/* Escapes make no valid reference: other rules report it. */
	expect_kept("ARG BASE=ngi\\nx\nFROM $BASE\n", NULL);
	/* An ARG inside a stage is not visible to FROM. */
	expect_kept("FROM alpine:3\nARG BASE=nginx\nFROM $BASE\n", "is a variable with no default");
}

static void test_pass_pin_tag__mixed_variables(void **state)
{
	(void)state;
	expect_kept("ARG TAG=latest\nFROM nginx:${TAG}\n",
	            "image `nginx:${TAG}` (`nginx:latest` by default) mixes text and variables; pin it by hand");
	expect_kept("ARG TAG=1.25\nFROM nginx:${TAG}\n", NULL);
	expect_kept("FROM nginx:${TAG}\n", "image `nginx:${TAG}` uses a variable whose default can't be found");
	expect_kept("ARG TAG=1\nFROM nginx:${TAG:-2}\n", "uses a variable whose default can't be found");
}

static void test_pass_pin_tag__comments_and_continuations(void **state)
{
	(void)state;
	expect_fix("# base image\nFROM --platform=linux/amd64 \\\n# the server\n    nginx \\\n    AS web\n",
	           "# base image\nFROM --platform=linux/amd64 \\\n    # the server\n    nginx:1.25 \\\n    AS web\n");
	pass_outcome r;
	fix(&r, "FROM --platform=linux/amd64 \\\n# the server\n    nginx \\\n    AS web\n");
	assert_non_null(strstr(r.out.ptr, "nginx:1.25"));
	assert_non_null(strstr(r.out.ptr, "# the server"));
	pass_outcome_dispose(&r);
	/* A word split over lines is refused, not guessed. */
	expect_kept("FROM ngi\\\nnx\n", "`nginx` is split over lines; pin it by hand");
}

static void test_pass_pin_tag__crlf(void **state)
{
	(void)state;
	expect_fix("ARG BASE=nginx\r\nFROM $BASE\r\nCOPY --from=nginx /a /b\r\n",
	           "ARG BASE=nginx:1.25\r\nFROM $BASE\r\nCOPY --from=nginx:1.25 /a /b\r\n");
}

static void test_pass_pin_tag__pragmas(void **state)
{
	(void)state;
	expect_kept("# hadolint ignore=DL3007\nFROM nginx:latest\n", NULL);
	expect_kept("# dffix ignore=pin-tag\nFROM nginx\n", NULL);
	expect_kept("# dffix global ignore=DF101\nFROM nginx\nFROM ubuntu\n", NULL);
	/* A pragma covers only the next instruction. */
	expect_fix("# dffix ignore=DF101\nFROM nginx\nFROM nginx\n",
	           "# dffix ignore=DF101\nFROM nginx\n\nFROM nginx:1.25\n");
}

static void test_pass_pin_tag__no_pins_configured(void **state)
{
	(void)state;
	dffix_options o = DFFIX_OPTIONS_INIT;
	o.fix = DFFIX_FIX_PIN_TAG;
	o.pins = default_pins;
	o.pin_count = 0;
	pass_outcome r;
	pass_outcome_run(&r, "FROM nginx\n", &o);
	assert_string_equal(r.out.ptr, "FROM nginx\n");
	assert_non_null(pass_find_diag(r.doc, DFFIX_DIAG_REFUSED, "no pin configured for nginx"));
	pass_outcome_dispose(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pass_pin_tag__untagged),
	    cmocka_unit_test(test_pass_pin_tag__latest),
	    cmocka_unit_test(test_pass_pin_tag__registry_kept_as_written),
	    cmocka_unit_test(test_pass_pin_tag__digest_pin),
	    cmocka_unit_test(test_pass_pin_tag__already_pinned),
	    cmocka_unit_test(test_pass_pin_tag__no_pin),
	    cmocka_unit_test(test_pass_pin_tag__bad_pins),
	    cmocka_unit_test(test_pass_pin_tag__stages_and_scratch),
	    cmocka_unit_test(test_pass_pin_tag__copy_from),
	    cmocka_unit_test(test_pass_pin_tag__run_mount),
	    cmocka_unit_test(test_pass_pin_tag__arg_default),
	    cmocka_unit_test(test_pass_pin_tag__arg_used_elsewhere),
	    cmocka_unit_test(test_pass_pin_tag__arg_refusals),
	    cmocka_unit_test(test_pass_pin_tag__mixed_variables),
	    cmocka_unit_test(test_pass_pin_tag__comments_and_continuations),
	    cmocka_unit_test(test_pass_pin_tag__crlf),
	    cmocka_unit_test(test_pass_pin_tag__pragmas),
	    cmocka_unit_test(test_pass_pin_tag__no_pins_configured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
