/* test_imageref.c - image reference parsing, normalization and printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "imageref.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX128 HEX64 HEX64

static void assert_span(const char *s, size_t n, const char *want)
{
	if (!want) {
		assert_null(s);
		assert_int_equal(n, 0);
		return;
	}
	assert_non_null(s);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(s, want, n);
}

/* Parses `text` and checks every field; tag/digest NULL means absent. */
static void expect_ref(const char *text, const char *registry, const char *path,
		       const char *tag, const char *digest)
{
	dfx_imageref ref;
	assert_int_equal(dfx_imageref_parse(&ref, text, strlen(text)), 0);
	assert_int_equal(ref.has_variable, 0);
	assert_span(ref.registry, ref.registry_len, registry);
	assert_span(ref.path, ref.path_len, path);
	assert_span(ref.tag, ref.tag_len, tag);
	assert_span(ref.digest, ref.digest_len, digest);

	/* Printing gives back exactly what was parsed. */
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dfx_imageref_print(&out, &ref), 0);
	assert_string_equal(out.ptr, text);
	dffix_buf_dispose(&out);
}

static void expect_invalid(const char *text)
{
	dfx_imageref ref;
	assert_int_equal(dfx_imageref_parse(&ref, text, strlen(text)), DFFIX_EINVAL);
	assert_null(ref.path);
	assert_int_equal(ref.has_variable, 0);
}

static void expect_canonical(const char *text, const char *want)
{
	dfx_imageref ref;
	dffix_buf out = DFFIX_BUF_INIT;
	assert_int_equal(dfx_imageref_parse(&ref, text, strlen(text)), 0);
	assert_int_equal(dfx_imageref_canonical_name(&out, &ref), 0);
	assert_string_equal(out.ptr, want);
	dffix_buf_dispose(&out);
}

static int same_repo(const char *a, const char *b)
{
	dfx_imageref ra, rb;
	assert_int_equal(dfx_imageref_parse(&ra, a, strlen(a)), 0);
	assert_int_equal(dfx_imageref_parse(&rb, b, strlen(b)), 0);
	int ab = dfx_imageref_same_repo(&ra, &rb);
	assert_int_equal(ab, dfx_imageref_same_repo(&rb, &ra));
	return ab;
}

static void test_imageref__bare_name(void **state)
{
	(void)state;
	expect_ref("nginx", "", "nginx", NULL, NULL);
	expect_ref("alpine", "", "alpine", NULL, NULL);
}

static void test_imageref__name_and_tag(void **state)
{
	(void)state;
	expect_ref("nginx:1.25", "", "nginx", "1.25", NULL);
	expect_ref("nginx:1.25.3-alpine3.18", "", "nginx", "1.25.3-alpine3.18", NULL);
	expect_ref("python:_private", "", "python", "_private", NULL);
}

static void test_imageref__two_components_on_hub(void **state)
{
	(void)state;
	expect_ref("library/nginx", "", "library/nginx", NULL, NULL);
	expect_ref("bitnami/redis:7.2", "", "bitnami/redis", "7.2", NULL);
}

static void test_imageref__explicit_docker_hub(void **state)
{
	(void)state;
	expect_ref("docker.io/nginx:latest", "docker.io", "nginx", "latest", NULL);
	expect_ref("index.docker.io/library/nginx", "index.docker.io", "library/nginx", NULL,
		   NULL);
}

static void test_imageref__everything(void **state)
{
	(void)state;
	expect_ref("localhost:5000/a/b:t@sha256:" HEX64, "localhost:5000", "a/b", "t",
		   "sha256:" HEX64);
}

static void test_imageref__red_hat_registry(void **state)
{
	(void)state;
	expect_ref("registry.access.redhat.com/ubi8/ubi-minimal", "registry.access.redhat.com",
		   "ubi8/ubi-minimal", NULL, NULL);
	expect_ref("registry.access.redhat.com/ubi9/ubi:9.3-1552",
		   "registry.access.redhat.com", "ubi9/ubi", "9.3-1552", NULL);
}

static void test_imageref__digest_only(void **state)
{
	(void)state;
	expect_ref("quay.io/x/y@sha256:" HEX64, "quay.io", "x/y", NULL, "sha256:" HEX64);
	expect_ref("nginx@sha512:" HEX128, "", "nginx", NULL, "sha512:" HEX128);
}

static void test_imageref__tag_and_digest(void **state)
{
	(void)state;
	expect_ref("nginx:latest@sha256:" HEX64, "", "nginx", "latest", "sha256:" HEX64);
	/* Without a ':' before the '@', "latest" is the repository. */
	expect_ref("latest@sha256:" HEX64, "", "latest", NULL, "sha256:" HEX64);
}

static void test_imageref__port_is_not_a_tag(void **state)
{
	(void)state;
	expect_ref("myreg:5000/img", "myreg:5000", "img", NULL, NULL);
	expect_ref("myreg:5000/img:1.0", "myreg:5000", "img", "1.0", NULL);
	expect_ref("myreg:5000/team/img@sha256:" HEX64, "myreg:5000", "team/img", NULL,
		   "sha256:" HEX64);
}

static void test_imageref__registry_detection(void **state)
{
	(void)state;
	expect_ref("localhost/img", "localhost", "img", NULL, NULL);
	expect_ref("localhost:5000", "", "localhost", "5000", NULL); /* no '/': name:tag */
	expect_ref("[::1]:5000/img:t", "[::1]:5000", "img", "t", NULL);
	expect_ref("10.0.0.1:5000/img", "10.0.0.1:5000", "img", NULL, NULL);
	/* Upper case in the first component makes it a registry, as in docker. */
	expect_ref("MyReg/img", "MyReg", "img", NULL, NULL);
	/* No '.', ':' or "localhost": a Docker Hub namespace. */
	expect_ref("myreg/img", "", "myreg/img", NULL, NULL);
	/* A dotted single component is a path, not a registry. */
	expect_ref("foo.com", "", "foo.com", NULL, NULL);
}

static void test_imageref__path_separators(void **state)
{
	(void)state;
	expect_ref("a__b/c.d/e-f/g--h/i_j", "", "a__b/c.d/e-f/g--h/i_j", NULL, NULL);
	expect_invalid("a..b");
	expect_invalid("a___b");
	expect_invalid("a_-b");
	expect_invalid("-a");
	expect_invalid("a-");
	expect_invalid("a//b");
	expect_invalid("a/");
	expect_invalid("/a");
	expect_invalid("quay.io/");
}

static void test_imageref__uppercase_path_invalid(void **state)
{
	(void)state;
	expect_invalid("Nginx");
	expect_invalid("library/Nginx");
	expect_invalid("quay.io/Org/img");
	expect_invalid("nginx/UPPER:1");
}

static void test_imageref__empty_and_missing_parts(void **state)
{
	(void)state;
	dfx_imageref ref;
	assert_int_equal(dfx_imageref_parse(&ref, "", 0), DFFIX_EINVAL);
	assert_int_equal(dfx_imageref_parse(&ref, NULL, 0), DFFIX_EINVAL);
	expect_invalid("a:");
	expect_invalid(":tag");
	expect_invalid("@sha256:" HEX64);
	expect_invalid("nginx@");
	expect_invalid("nginx:@sha256:" HEX64);
	expect_invalid("myreg:5000/");
}

static void test_imageref__bad_tags(void **state)
{
	(void)state;
	char tag[DFX_IMAGEREF_TAG_MAX + 2 + 6];
	memcpy(tag, "nginx:", 6);
	memset(tag + 6, 'x', DFX_IMAGEREF_TAG_MAX);
	tag[6 + DFX_IMAGEREF_TAG_MAX] = '\0';
	expect_ref(tag, "", "nginx", tag + 6, NULL); /* 128 characters: the maximum */
	tag[6 + DFX_IMAGEREF_TAG_MAX] = 'x';
	tag[7 + DFX_IMAGEREF_TAG_MAX] = '\0';
	expect_invalid(tag);
	expect_invalid("nginx:.1");
	expect_invalid("nginx:-1");
	expect_invalid("nginx:1+2");
	expect_invalid("nginx:a:b");
	expect_invalid("myreg:abc/img"); /* a port must be numeric */
}

static void test_imageref__bad_digests(void **state)
{
	(void)state;
	expect_invalid("nginx@sha256:abc");
	expect_invalid("nginx@sha256:" HEX64 "0");
	expect_invalid("nginx@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef");
	expect_invalid("nginx@sha512:" HEX64);
	expect_invalid("nginx@sha256");
	expect_invalid("nginx@:" HEX64);
	expect_invalid("nginx@SHA256:" HEX64);
	expect_invalid("nginx@foo:");
	expect_invalid("nginx@foo..bar:abc");
	expect_invalid("nginx@foo:ab/c");
	expect_invalid("nginx@sha256:" HEX64 "@sha256:" HEX64);
}

static void test_imageref__other_digest_algorithms(void **state)
{
	(void)state;
	expect_ref("img@multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", "",
		   "img", NULL, "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8");
	expect_ref("img@blake3:abc_DEF-=", "", "img", NULL, "blake3:abc_DEF-=");
}

static void test_imageref__variables(void **state)
{
	(void)state;
	static const char *const cases[] = {"$BASE", "${IMG}:1", "repo:${TAG}",
					    "${REGISTRY}/ubi8/ubi", "quay.io/x/y@$DIGEST"};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		dfx_imageref ref;
		dffix_buf out = DFFIX_BUF_INIT;
		assert_int_equal(dfx_imageref_parse(&ref, cases[i], strlen(cases[i])), 0);
		assert_int_equal(ref.has_variable, 1);
		assert_int_equal(ref.registry_len, 0);
		assert_null(ref.tag);
		assert_null(ref.digest);
		assert_int_equal(dfx_imageref_canonical_name(&out, &ref), DFFIX_EINVAL);
		assert_int_equal(dfx_imageref_same_repo(&ref, &ref), 0);
		assert_int_equal(dfx_imageref_print(&out, &ref), 0);
		assert_string_equal(out.ptr, cases[i]);
		dffix_buf_dispose(&out);
	}
}

static void test_imageref__canonical_names(void **state)
{
	(void)state;
	expect_canonical("nginx", "docker.io/library/nginx");
	expect_canonical("nginx:1.25@sha256:" HEX64, "docker.io/library/nginx");
	expect_canonical("library/nginx", "docker.io/library/nginx");
	expect_canonical("docker.io/nginx", "docker.io/library/nginx");
	expect_canonical("index.docker.io/library/nginx", "docker.io/library/nginx");
	expect_canonical("registry-1.docker.io/nginx", "docker.io/library/nginx");
	expect_canonical("bitnami/redis", "docker.io/bitnami/redis");
	expect_canonical("quay.io/org/img", "quay.io/org/img");
	expect_canonical("quay.io/img", "quay.io/img"); /* library/ is for Docker Hub only */
	expect_canonical("localhost:5000/a/b:t", "localhost:5000/a/b");
}

static void test_imageref__same_repo_across_hub_aliases(void **state)
{
	(void)state;
	assert_true(same_repo("nginx", "docker.io/nginx"));
	assert_true(same_repo("nginx", "index.docker.io/library/nginx:1"));
	assert_true(same_repo("library/nginx:latest", "registry-1.docker.io/nginx@sha256:" HEX64));
	assert_true(same_repo("docker.io/library/nginx", "index.docker.io/nginx"));
	assert_true(same_repo("bitnami/redis", "docker.io/bitnami/redis:7"));
	assert_true(same_repo("quay.io/x/y:1", "quay.io/x/y@sha256:" HEX64));
	assert_false(same_repo("nginx", "quay.io/nginx"));
	assert_false(same_repo("nginx", "nginxx"));
	assert_false(same_repo("nginx", "docker.io/nginx/nginx"));
	assert_false(same_repo("quay.io/img", "quay.io/library/img"));
	assert_false(same_repo("localhost/a", "localhost:5000/a"));
}

static void test_imageref__name_length_limit(void **state)
{
	(void)state;
	char name[DFX_IMAGEREF_NAME_MAX + 8];
	memcpy(name, "quay.io/", 8);
	memset(name + 8, 'a', DFX_IMAGEREF_NAME_MAX - 8);
	name[DFX_IMAGEREF_NAME_MAX] = '\0';
	expect_ref(name, "quay.io", name + 8, NULL, NULL);
	name[DFX_IMAGEREF_NAME_MAX] = 'a';
	name[DFX_IMAGEREF_NAME_MAX + 1] = '\0';
	expect_invalid(name);
}

static void test_imageref__image_id_refused(void **state)
{
	(void)state;
	expect_invalid(HEX64);
	expect_ref(HEX64 ":1", "", HEX64, "1", NULL); /* only the bare ID is refused */
}

static void test_imageref__junk_characters(void **state)
{
	(void)state;
	expect_invalid("nginx ");
	expect_invalid(" nginx");
	expect_invalid("ngi\"nx");
	expect_invalid("-bad.com/x");
	expect_invalid("bad-.com/x");
	expect_invalid("[zz]:5000/x");
	expect_invalid("[::1/x");
}

static void test_imageref__span_not_nul_terminated(void **state)
{
	(void)state;
	/* Parsing a span inside a longer line must stop at len. */
	const char *line = "quay.io/x/y:1.0 AS build";
	dfx_imageref ref;
	assert_int_equal(dfx_imageref_parse(&ref, line, 15), 0);
	assert_ptr_equal(ref.registry, line);
	assert_span(ref.tag, ref.tag_len, "1.0");
	assert_ptr_equal(ref.tag, line + 12);
	assert_int_equal(dfx_imageref_parse(&ref, line, 16), DFFIX_EINVAL);
}

static void test_imageref__print_appends(void **state)
{
	(void)state;
	dfx_imageref ref;
	dffix_buf out = DFFIX_BUF_INIT;
	const char *text = "docker.io/nginx:latest";
	assert_int_equal(dfx_imageref_parse(&ref, text, strlen(text)), 0);
	assert_int_equal(dffix_buf_puts(&out, "FROM "), 0);
	assert_int_equal(dfx_imageref_print(&out, &ref), 0);
	assert_string_equal(out.ptr, "FROM docker.io/nginx:latest");
	/* Swapping the tag for a pinned one, as pin-tag does. */
	ref.tag = "1.25";
	ref.tag_len = 4;
	ref.digest = "sha256:" HEX64;
	ref.digest_len = 7 + 64;
	out.size = 0;
	assert_int_equal(dfx_imageref_print(&out, &ref), 0);
	assert_string_equal(out.ptr, "docker.io/nginx:1.25@sha256:" HEX64);
	dffix_buf_dispose(&out);
}

static void test_imageref__is_docker_hub(void **state)
{
	(void)state;
	static const char *const hub[] = {"scratch", "nginx", "docker.io/x/y", "index.docker.io/nginx",
					  "registry-1.docker.io/library/nginx"};
	static const char *const other[] = {"quay.io/x/y", "localhost/nginx", "docker.com/nginx",
					    "Docker.io/nginx"};
	dfx_imageref ref;
	for (size_t i = 0; i < sizeof hub / sizeof *hub; i++) {
		assert_int_equal(dfx_imageref_parse(&ref, hub[i], strlen(hub[i])), 0);
		assert_true(dfx_imageref_is_docker_hub(&ref));
	}
	for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
		assert_int_equal(dfx_imageref_parse(&ref, other[i], strlen(other[i])), 0);
		assert_false(dfx_imageref_is_docker_hub(&ref));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_imageref__bare_name),
		cmocka_unit_test(test_imageref__name_and_tag),
		cmocka_unit_test(test_imageref__two_components_on_hub),
		cmocka_unit_test(test_imageref__explicit_docker_hub),
		cmocka_unit_test(test_imageref__everything),
		cmocka_unit_test(test_imageref__red_hat_registry),
		cmocka_unit_test(test_imageref__digest_only),
		cmocka_unit_test(test_imageref__tag_and_digest),
		cmocka_unit_test(test_imageref__port_is_not_a_tag),
		cmocka_unit_test(test_imageref__registry_detection),
		cmocka_unit_test(test_imageref__path_separators),
		cmocka_unit_test(test_imageref__uppercase_path_invalid),
		cmocka_unit_test(test_imageref__empty_and_missing_parts),
		cmocka_unit_test(test_imageref__bad_tags),
		cmocka_unit_test(test_imageref__bad_digests),
		cmocka_unit_test(test_imageref__other_digest_algorithms),
		cmocka_unit_test(test_imageref__variables),
		cmocka_unit_test(test_imageref__canonical_names),
		cmocka_unit_test(test_imageref__same_repo_across_hub_aliases),
		cmocka_unit_test(test_imageref__name_length_limit),
		cmocka_unit_test(test_imageref__image_id_refused),
		cmocka_unit_test(test_imageref__junk_characters),
		cmocka_unit_test(test_imageref__span_not_nul_terminated),
		cmocka_unit_test(test_imageref__print_appends),
		cmocka_unit_test(test_imageref__is_docker_hub),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
