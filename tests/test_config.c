/* test_config.c - config loading from temporary directory trees.
 *
 * Each test gets a fresh mkdtemp() directory (under $TMPDIR or /tmp) with a
 * root-marked .editorconfig only where a test writes one; the walk for
 * .dffix.yaml goes up to "/", so a stray /tmp/.dffix.yaml would show up here.
 */
#define _XOPEN_SOURCE 700 /* nftw */

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

typedef struct fixture {
	char root[1024]; /* short, so root + a relative name fits PATH_MAX */
	char err[512];
	dfx_config cfg;
} fixture;

static int setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	fixture *f = calloc(1, sizeof(*f));
	char *real;
	if (!f)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s/dfx-config-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(f->root)) {
		free(f);
		return -1;
	}
	/* The loader normalizes lexically; compare against the same spelling. */
	real = realpath(f->root, NULL);
	if (!real)
		return -1;
	snprintf(f->root, sizeof(f->root), "%s", real);
	free(real);
	f->cfg.fail_level = -1;
	*state = f;
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static int teardown(void **state)
{
	fixture *f = *state;
	/* Tests dispose f->cfg themselves: cmocka checks for leaks before the
	 * teardown runs (and frees what a failed test left behind). */
	nftw(f->root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(f);
	return 0;
}

/* Writes root + "/" + rel into the caller's buffer and returns it. */
static const char *at(fixture *f, const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", f->root, rel);
	return buf;
}

/* Writes root/rel (creating parent directories) with `text`. */
static void put(fixture *f, const char *rel, const char *text)
{
	char path[PATH_MAX];
	at(f, rel, path, sizeof(path));
	for (char *p = path + strlen(f->root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
	FILE *fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

static void mkdirs(fixture *f, const char *rel)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/.keep", rel);
	put(f, path, "");
}

/* Loads config for root/rel with default options. */
static int load(fixture *f, const char *rel)
{
	char path[PATH_MAX];
	dfx_config_dispose(&f->cfg);
	f->err[0] = '\0';
	return dfx_config_load(&f->cfg, at(f, rel, path, sizeof(path)), NULL, f->err, sizeof(f->err));
}

/* Asserts the error text starts with "root/rel:LINE:COL:" and contains `needle`. */
static void assert_err(fixture *f, const char *rel, int line, int col, const char *needle)
{
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "%s/%s:%d:%d: ", f->root, rel, line, col);
	if (strncmp(f->err, want, strlen(want)) != 0)
		fail_msg("error \"%s\" does not start with \"%s\"", f->err, want);
	if (!strstr(f->err, needle))
		fail_msg("error \"%s\" does not contain \"%s\"", f->err, needle);
}

static void test_config__no_files_keeps_defaults(void **state)
{
	fixture *f = *state;
	const dffix_options def = DFFIX_OPTIONS_INIT;
	char dir[PATH_MAX];
	mkdirs(f, "a");
	assert_int_equal(load(f, "a/Dockerfile"), 0);
	assert_null(f->cfg.yaml_path);
	assert_int_equal(f->cfg.set_mask, 0);
	assert_int_equal(f->cfg.fail_level, -1);
	assert_int_equal(f->cfg.opts.version, def.version);
	assert_int_equal(f->cfg.opts.indent, def.indent);
	assert_int_equal(f->cfg.opts.eol, def.eol);
	assert_int_equal(f->cfg.opts.final_newline, def.final_newline);
	assert_int_equal(f->cfg.opts.fix, def.fix);
	assert_int_equal(f->cfg.opts.pin_count, 0);
	assert_int_equal(f->cfg.opts.writable_dir_count, 0);
	assert_int_equal(f->cfg.opts.ignore_count, 0);
	assert_int_equal(f->cfg.opts.trusted_registry_count, 0);
	assert_int_equal(f->cfg.opts.severity_count, 0);
	assert_string_equal(f->cfg.opts.profile, "default");
	assert_string_equal(f->cfg.opts.context_dir, at(f, "a", dir, sizeof(dir)));
	dfx_config_dispose(&f->cfg);
}

static void test_config__yaml_two_levels_up(void **state)
{
	fixture *f = *state;
	char want[PATH_MAX];
	put(f, ".dffix.yaml", "indent: 2\n");
	mkdirs(f, "a/b");
	assert_int_equal(load(f, "a/b/Dockerfile"), 0);
	assert_string_equal(f->cfg.yaml_path, at(f, ".dffix.yaml", want, sizeof(want)));
	assert_int_equal(f->cfg.opts.indent, 2);
	assert_int_equal(f->cfg.set_mask, DFX_CONFIG_SET_INDENT);
	dfx_config_dispose(&f->cfg);
}

static void test_config__nearest_wins_and_stops(void **state)
{
	fixture *f = *state;
	char want[PATH_MAX];
	/* The outer file is invalid: reading it would fail the load. */
	put(f, ".dffix.yaml", "bogus: 1\n");
	put(f, "a/.dffix.yaml", "indent: 8\n");
	mkdirs(f, "a/b");
	assert_int_equal(load(f, "a/b/Dockerfile"), 0);
	assert_string_equal(f->cfg.yaml_path, at(f, "a/.dffix.yaml", want, sizeof(want)));
	assert_int_equal(f->cfg.opts.indent, 8);
	dfx_config_dispose(&f->cfg);
}

static void test_config__every_key(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml",
	    "# all keys\n"
	    "indent: 0\n"
	    "end_of_line: crlf\n"
	    "insert_final_newline: false\n"
	    "fix: [pin-tag, merge-run]\n"
	    "pins:\n"
	    "  nginx: \"1.25\"\n"
	    "  registry.access.redhat.com/ubi8/ubi: \"8.9@sha256:0123456789abcdef\"\n"
	    "writable-dirs: [/opt/app-root, /data]\n"
	    "ignore: [DF012, merge-run]\n"
	    "severity: {DF012: info, pin-tag: error}\n"
	    "profile: openshift\n"
	    "trusted-registries: [registry.access.redhat.com, quay.io]\n"
	    "fail-level: warning\n");
	assert_int_equal(load(f, "Dockerfile"), 0);
	const dffix_options *o = &f->cfg.opts;
	assert_int_equal(f->cfg.set_mask,
			 DFX_CONFIG_SET_INDENT | DFX_CONFIG_SET_EOL | DFX_CONFIG_SET_FINAL_NEWLINE |
				 DFX_CONFIG_SET_FIX | DFX_CONFIG_SET_PINS | DFX_CONFIG_SET_WRITABLE_DIRS |
				 DFX_CONFIG_SET_IGNORE | DFX_CONFIG_SET_PROFILE | DFX_CONFIG_SET_TRUSTED |
				 DFX_CONFIG_SET_SEVERITY | DFX_CONFIG_SET_FAIL_LEVEL);
	assert_int_equal(o->indent, 0);
	assert_int_equal(o->eol, 2);
	assert_int_equal(o->final_newline, 0);
	assert_int_equal(o->fix, DFFIX_FIX_PIN_TAG | DFFIX_FIX_MERGE_RUN);
	assert_int_equal(o->pin_count, 2);
	assert_string_equal(o->pins[0].image, "nginx");
	assert_string_equal(o->pins[0].tag, "1.25");
	assert_string_equal(o->pins[1].image, "registry.access.redhat.com/ubi8/ubi");
	assert_string_equal(o->pins[1].tag, "8.9@sha256:0123456789abcdef");
	assert_int_equal(o->writable_dir_count, 2);
	assert_string_equal(o->writable_dirs[0], "/opt/app-root");
	assert_string_equal(o->writable_dirs[1], "/data");
	assert_int_equal(o->ignore_count, 2);
	assert_string_equal(o->ignore[0], "DF012");
	assert_string_equal(o->ignore[1], "merge-run");
	assert_int_equal(o->severity_count, 2);
	assert_string_equal(o->severity_ids[0], "DF012");
	assert_int_equal(o->severity_values[0], DFFIX_SEV_INFO);
	assert_string_equal(o->severity_ids[1], "pin-tag");
	assert_int_equal(o->severity_values[1], DFFIX_SEV_ERROR);
	assert_string_equal(o->profile, "openshift");
	assert_int_equal(o->trusted_registry_count, 2);
	assert_string_equal(o->trusted_registries[0], "registry.access.redhat.com");
	assert_string_equal(o->trusted_registries[1], "quay.io");
	assert_int_equal(f->cfg.fail_level, DFFIX_SEV_WARNING);
	dfx_config_dispose(&f->cfg);
}

static void test_config__key_spellings_and_fix_forms(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml", "end-of-line: lf\ninsert-final-newline: yes\nfail_level: none\n"
			      "writable_dirs: [/x]\nfix: all, -merge-run\n");
	assert_int_equal(load(f, "Dockerfile"), 0);
	assert_int_equal(f->cfg.opts.eol, 1);
	assert_int_equal(f->cfg.opts.final_newline, 1);
	assert_int_equal(f->cfg.fail_level, DFFIX_SEV_NONE);
	assert_int_equal(f->cfg.opts.writable_dir_count, 1);
	assert_int_equal(f->cfg.opts.fix, DFFIX_FIX_ALL & ~DFFIX_FIX_MERGE_RUN);

	put(f, ".dffix.yaml", "fix: none\nend_of_line: keep\n");
	assert_int_equal(load(f, "Dockerfile"), 0);
	assert_int_equal(f->cfg.opts.fix, 0);
	assert_int_equal(f->cfg.opts.eol, 0);
	assert_true(f->cfg.set_mask & DFX_CONFIG_SET_FIX);
	dfx_config_dispose(&f->cfg);
}

static void test_config__unknown_key(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml", "# comment\nindent: 2\ncolour: red\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 3, 1, "unknown key \"colour\"");
	/* the result holds nothing after an error */
	assert_null(f->cfg.yaml_path);

	put(f, ".dffix.yaml", "{indent: 2, bogus: 1}\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 13, "bogus");
	dfx_config_dispose(&f->cfg);
}

static void test_config__bad_types(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml", "indent: [1]\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 9, "indent must be an integer");

	put(f, ".dffix.yaml", "indent: \"4\"\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 9, "integer");

	put(f, ".dffix.yaml", "indent: -1\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 9, "integer");

	put(f, ".dffix.yaml", "indent: 99999999999999999999\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 9, "between");

	put(f, ".dffix.yaml", "insert_final_newline: 3\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 23, "true or false");

	put(f, ".dffix.yaml", "writable-dirs: /data\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 16, "must be a list");

	put(f, ".dffix.yaml", "pins: [nginx]\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 7, "pins must be a mapping");

	put(f, ".dffix.yaml", "ignore:\n  - [DF001]\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 2, 5, "non-empty string");

	put(f, ".dffix.yaml", "profile: {a: b}\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 10, "profile");
	dfx_config_dispose(&f->cfg);
}

static void test_config__bad_values(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml", "severity:\n  DF012: loud\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 2, 10, "bad severity \"loud\"");

	put(f, ".dffix.yaml", "fail-level: fatal\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 13, "fatal");

	put(f, ".dffix.yaml", "end_of_line: cr\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 14, "lf, crlf or keep");

	put(f, ".dffix.yaml", "profile: k8s\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 10, "default or openshift");

	put(f, ".dffix.yaml", "fix:\n  - pin-tag\n  - merge-runs\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 3, 5, "merge-runs");

	put(f, ".dffix.yaml", "fix: pin-tag,bogus\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 6, "\"bogus\"");

	put(f, ".dffix.yaml", "pins:\n  nginx: \"1.25@md5\"\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 2, 10, "digest");

	put(f, ".dffix.yaml", "writable-dirs: [data]\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 17, "absolute");
	dfx_config_dispose(&f->cfg);
}

static void test_config__duplicate_keys(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml", "indent: 2\nprofile: default\nindent: 4\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 3, 1, "duplicate key \"indent\"");

	/* the two spellings are one key */
	put(f, ".dffix.yaml", "fail-level: info\nfail_level: info\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 2, 1, "duplicate");

	put(f, ".dffix.yaml", "pins:\n  nginx: a\n  nginx: b\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 3, 3, "duplicate key \"nginx\"");
	dfx_config_dispose(&f->cfg);
}

static void test_config__invalid_yaml(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml", "indent: 2\nignore: [a, b\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 3, 1, "invalid YAML");

	/* bad UTF-8: the reader's byte offset becomes a line and column */
	put(f, ".dffix.yaml", "indent: 2\nprofile: \xff\xfe\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 2, 10, "invalid YAML");

	put(f, ".dffix.yaml", "indent: *nowhere\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 9, "invalid YAML");

	put(f, ".dffix.yaml", "a:\n\tb: 1\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 2, 1, "invalid YAML");
	dfx_config_dispose(&f->cfg);
}

static void test_config__root_must_be_mapping(void **state)
{
	fixture *f = *state;
	put(f, ".dffix.yaml", "- indent\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 1, 1, "mapping");

	put(f, ".dffix.yaml", "indent: 2\n---\nindent: 3\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".dffix.yaml", 2, 1, "one YAML document");
	dfx_config_dispose(&f->cfg);
}

static void test_config__empty_yaml_and_nulls(void **state)
{
	fixture *f = *state;
	char want[PATH_MAX];
	put(f, ".dffix.yaml", "# nothing yet\n");
	assert_int_equal(load(f, "Dockerfile"), 0);
	assert_string_equal(f->cfg.yaml_path, at(f, ".dffix.yaml", want, sizeof(want)));
	assert_int_equal(f->cfg.set_mask, 0);

	/* an empty value means an empty list or map, and still overrides */
	put(f, ".dffix.yaml", "ignore:\npins: ~\nseverity: {}\nfix: []\n");
	assert_int_equal(load(f, "Dockerfile"), 0);
	assert_int_equal(f->cfg.set_mask, DFX_CONFIG_SET_IGNORE | DFX_CONFIG_SET_PINS |
						  DFX_CONFIG_SET_SEVERITY | DFX_CONFIG_SET_FIX);
	assert_int_equal(f->cfg.opts.ignore_count, 0);
	assert_int_equal(f->cfg.opts.pin_count, 0);
	assert_int_equal(f->cfg.opts.severity_count, 0);
	assert_int_equal(f->cfg.opts.fix, 0);
	dfx_config_dispose(&f->cfg);
}

static void test_config__editorconfig_dockerfile_section(void **state)
{
	fixture *f = *state;
	put(f, ".editorconfig", "root = true\n\n[*.md]\nindent_size = 7\n\n[Dockerfile]\n"
				"indent_style = space\nindent_size = 2\nend_of_line = crlf\n"
				"insert_final_newline = false\n");
	mkdirs(f, "svc");
	assert_int_equal(load(f, "svc/Dockerfile"), 0);
	assert_null(f->cfg.yaml_path);
	assert_int_equal(f->cfg.opts.indent, 2);
	assert_int_equal(f->cfg.opts.eol, 2);
	assert_int_equal(f->cfg.opts.final_newline, 0);
	assert_int_equal(f->cfg.set_mask,
			 DFX_CONFIG_SET_INDENT | DFX_CONFIG_SET_EOL | DFX_CONFIG_SET_FINAL_NEWLINE);

	/* a file the section does not match keeps the defaults */
	assert_int_equal(load(f, "svc/Containerfile"), 0);
	assert_int_equal(f->cfg.set_mask, 0);
	assert_int_equal(f->cfg.opts.indent, 4);
	dfx_config_dispose(&f->cfg);
}

static void test_config__editorconfig_star_section(void **state)
{
	fixture *f = *state;
	/* indent_style=tab wins although the library derives indent_size=8 */
	put(f, ".editorconfig", "root = true\n[*]\nindent_style = tab\ntab_width = 8\n"
				"end_of_line = cr\ninsert_final_newline = true\n");
	assert_int_equal(load(f, "Containerfile"), 0);
	assert_int_equal(f->cfg.opts.indent, 0);
	assert_int_equal(f->cfg.opts.eol, 0);
	assert_int_equal(f->cfg.opts.final_newline, 1);
	assert_int_equal(f->cfg.set_mask,
			 DFX_CONFIG_SET_INDENT | DFX_CONFIG_SET_EOL | DFX_CONFIG_SET_FINAL_NEWLINE);

	put(f, ".editorconfig", "root = true\n[*]\nindent_size = tab\nend_of_line = unset\n"
				"insert_final_newline = maybe\n");
	assert_int_equal(load(f, "Dockerfile"), 0);
	assert_int_equal(f->cfg.opts.indent, 0);
	assert_int_equal(f->cfg.set_mask, DFX_CONFIG_SET_INDENT);

	put(f, ".editorconfig", "root = true\n[*]\nindent_size = 3\n");
	assert_int_equal(load(f, "Dockerfile"), 0);
	assert_int_equal(f->cfg.opts.indent, 3);
	dfx_config_dispose(&f->cfg);
}

static void test_config__editorconfig_error(void **state)
{
	fixture *f = *state;
	put(f, ".editorconfig", "root = true\n[*]\nthis is not ini\n");
	assert_int_equal(load(f, "Dockerfile"), DFFIX_EINVAL);
	assert_err(f, ".editorconfig", 3, 1, ".editorconfig");
	dfx_config_dispose(&f->cfg);
}

static void test_config__yaml_beats_editorconfig(void **state)
{
	fixture *f = *state;
	put(f, ".editorconfig", "root = true\n[Dockerfile]\nindent_size = 2\nend_of_line = crlf\n");
	put(f, "app/.dffix.yaml", "indent: 6\n");
	assert_int_equal(load(f, "app/Dockerfile"), 0);
	assert_int_equal(f->cfg.opts.indent, 6);
	assert_int_equal(f->cfg.opts.eol, 2); /* yaml does not set it */
	assert_int_equal(f->cfg.set_mask, DFX_CONFIG_SET_INDENT | DFX_CONFIG_SET_EOL);
	dfx_config_dispose(&f->cfg);
}

static void test_config__relative_path(void **state)
{
	fixture *f = *state;
	char old[PATH_MAX], dir[PATH_MAX], want[PATH_MAX];
	put(f, "a/.dffix.yaml", "indent: 1\n");
	mkdirs(f, "a/b");
	assert_non_null(getcwd(old, sizeof(old)));
	assert_int_equal(chdir(at(f, "a", dir, sizeof(dir))), 0);
	int rc1 = dfx_config_load(&f->cfg, "b/Dockerfile", NULL, f->err, sizeof(f->err));
	char *ctx1 = f->cfg.opts.context_dir ? strdup(f->cfg.opts.context_dir) : NULL;
	dfx_config_dispose(&f->cfg);
	int rc2 = dfx_config_load(&f->cfg, "./b/../b//Dockerfile", NULL, f->err, sizeof(f->err));
	assert_int_equal(chdir(old), 0);
	assert_int_equal(rc1, 0);
	assert_int_equal(rc2, 0);
	assert_string_equal(ctx1, at(f, "a/b", want, sizeof(want)));
	free(ctx1);
	assert_string_equal(f->cfg.opts.context_dir, want);
	assert_string_equal(f->cfg.yaml_path, at(f, "a/.dffix.yaml", want, sizeof(want)));
	assert_int_equal(f->cfg.opts.indent, 1);
	dfx_config_dispose(&f->cfg);
}

static void test_config__defaults_copied_and_replaced(void **state)
{
	fixture *f = *state;
	char path[PATH_MAX];
	char image[] = "nginx", tag[] = "1.25", ign[] = "DF001", prof[] = "openshift";
	const dffix_pin pins[] = {{image, tag}};
	const char *ignore[] = {ign};
	const char *ids[] = {"DF002"};
	const dffix_severity vals[] = {DFFIX_SEV_STYLE};
	dffix_options def = DFFIX_OPTIONS_INIT;
	def.indent = 3;
	def.pins = pins;
	def.pin_count = 1;
	def.ignore = ignore;
	def.ignore_count = 1;
	def.profile = prof;
	def.severity_ids = ids;
	def.severity_values = vals;
	def.severity_count = 1;
	def.context_dir = "/ctx";
	put(f, ".dffix.yaml", "ignore: [DF009]\n");
	assert_int_equal(dfx_config_load(&f->cfg, at(f, "Dockerfile", path, sizeof(path)), &def,
					 f->err, sizeof(f->err)),
			 0);
	/* changing the caller's strings afterwards must not show through */
	image[0] = tag[0] = prof[0] = 'X';
	const dffix_options *o = &f->cfg.opts;
	assert_int_equal(o->indent, 3);
	assert_int_equal(o->pin_count, 1);
	assert_ptr_not_equal(o->pins, pins);
	assert_string_equal(o->pins[0].image, "nginx");
	assert_string_equal(o->pins[0].tag, "1.25");
	assert_string_equal(o->profile, "openshift");
	assert_string_equal(o->context_dir, "/ctx");
	assert_int_equal(o->severity_count, 1);
	assert_string_equal(o->severity_ids[0], "DF002");
	assert_int_equal(o->severity_values[0], DFFIX_SEV_STYLE);
	/* a list from the file replaces the default list */
	assert_int_equal(o->ignore_count, 1);
	assert_string_equal(o->ignore[0], "DF009");
	assert_int_equal(f->cfg.set_mask, DFX_CONFIG_SET_IGNORE);
	dfx_config_dispose(&f->cfg);
}

static void test_config__load_argument_errors(void **state)
{
	fixture *f = *state;
	char small[8];
	dffix_options def = DFFIX_OPTIONS_INIT;
	assert_int_equal(dfx_config_load(&f->cfg, "", NULL, f->err, sizeof(f->err)), DFFIX_EINVAL);
	assert_non_null(strstr(f->err, "empty"));
	def.version = 99;
	assert_int_equal(dfx_config_load(&f->cfg, "/x/Dockerfile", &def, f->err, sizeof(f->err)),
			 DFFIX_EINVAL);
	assert_non_null(strstr(f->err, "version"));
	/* a short or missing error buffer is never overrun */
	put(f, ".dffix.yaml", "nope: 1\n");
	char path[PATH_MAX];
	assert_int_equal(dfx_config_load(&f->cfg, at(f, "Dockerfile", path, sizeof(path)), NULL,
					 small, sizeof(small)),
			 DFFIX_EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(dfx_config_load(&f->cfg, path, NULL, NULL, 0), DFFIX_EINVAL);
	dfx_config_dispose(&f->cfg);
}

static void test_config__parse_fix_list_good(void **state)
{
	unsigned m = 12345;
	(void)state;
	assert_int_equal(dfx_config_parse_fix_list(&m, "all", NULL), 0);
	assert_int_equal(m, DFFIX_FIX_ALL);
	assert_int_equal(dfx_config_parse_fix_list(&m, "none", NULL), 0);
	assert_int_equal(m, 0);
	assert_int_equal(dfx_config_parse_fix_list(&m, "pin-tag,pkg-clean,cache-order,merge-run,"
						       "arbitrary-uid,env-key-value,maintainer",
						   NULL),
			 0);
	assert_int_equal(m, DFFIX_FIX_ALL);
	assert_int_equal(dfx_config_parse_fix_list(&m, " merge-run , maintainer", NULL), 0);
	assert_int_equal(m, DFFIX_FIX_MERGE_RUN | DFFIX_FIX_MAINTAINER);
	assert_int_equal(dfx_config_parse_fix_list(&m, "all,-merge-run,-pin-tag", NULL), 0);
	assert_int_equal(m, DFFIX_FIX_ALL & ~(DFFIX_FIX_MERGE_RUN | DFFIX_FIX_PIN_TAG));
	assert_int_equal(m & DFFIX_FIX_EXEC_FORM, 0);
}

static void test_config__parse_fix_list_bad(void **state)
{
	unsigned m = 7;
	const char *bad = NULL;
	const char *list = "pin-tag,merge-runs,maintainer";
	(void)state;
	assert_int_equal(dfx_config_parse_fix_list(&m, list, &bad), DFFIX_EINVAL);
	assert_ptr_equal(bad, list + 8);
	assert_int_equal(strcspn(bad, ","), strlen("merge-runs"));
	assert_int_equal(m, 7); /* untouched on error */
	assert_int_equal(dfx_config_parse_fix_list(&m, "", &bad), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_fix_list(&m, "pin-tag,,maintainer", &bad), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_fix_list(&m, "pin-tag,", &bad), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_fix_list(&m, "ALL", &bad), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_fix_list(&m, "exec-form", &bad), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_fix_list(&m, "-", &bad), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_fix_list(&m, "-all", &bad), DFFIX_EINVAL);
}

static void test_config__parse_pin_good(void **state)
{
	dfx_arena arena = DFX_ARENA_INIT;
	dffix_pin p;
	(void)state;
	assert_int_equal(dfx_config_parse_pin(&p, &arena, "nginx=1.25"), 0);
	assert_string_equal(p.image, "nginx");
	assert_string_equal(p.tag, "1.25");
	assert_int_equal(dfx_config_parse_pin(&p, &arena, "localhost:5000/app=v2_rc-1@sha256:abc123"), 0);
	assert_string_equal(p.image, "localhost:5000/app");
	assert_string_equal(p.tag, "v2_rc-1@sha256:abc123");
	assert_int_equal(dfx_config_parse_pin(&p, &arena, "ubi=@sha256:0123abcd"), 0);
	assert_string_equal(p.tag, "@sha256:0123abcd");
	dfx_arena_dispose(&arena);
}

static void test_config__parse_pin_bad(void **state)
{
	dfx_arena arena = DFX_ARENA_INIT;
	dffix_pin p = {NULL, NULL};
	static const char *const bad[] = {
		"nginx",              /* no '=' */
		"=1.25",              /* no image */
		"nginx=",             /* no tag */
		"nginx=1.25@",        /* empty digest */
		"nginx=1.25@sha256",  /* digest without ':' */
		"nginx=1.25@sha256:", /* digest without value */
		"nginx=.hidden",      /* tag must start with [A-Za-z0-9_] */
		"nginx=a b",          /* blank in tag */
		"ng inx=1",           /* blank in image */
		"nginx=1@SHA256:ab",  /* algorithm is lower case */
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (dfx_config_parse_pin(&p, &arena, bad[i]) != DFFIX_EINVAL)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_null(p.image);
	dfx_arena_dispose(&arena);
}

static void test_config__parse_severity(void **state)
{
	dffix_severity s = DFFIX_SEV_ERROR;
	(void)state;
	static const char *const names[] = {"error", "warning", "info", "style", "none"};
	for (int i = 0; i < 5; i++) {
		assert_int_equal(dfx_config_parse_severity(&s, names[i]), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(dfx_config_parse_severity(&s, "fatal"), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_severity(&s, ""), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_severity(&s, "warn"), DFFIX_EINVAL);
	assert_int_equal(dfx_config_parse_severity(&s, "errors"), DFFIX_EINVAL);
	assert_int_equal(s, DFFIX_SEV_NONE);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(test_config__##name, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(no_files_keeps_defaults),
		T(yaml_two_levels_up),
		T(nearest_wins_and_stops),
		T(every_key),
		T(key_spellings_and_fix_forms),
		T(unknown_key),
		T(bad_types),
		T(bad_values),
		T(duplicate_keys),
		T(invalid_yaml),
		T(root_must_be_mapping),
		T(empty_yaml_and_nulls),
		T(editorconfig_dockerfile_section),
		T(editorconfig_star_section),
		T(editorconfig_error),
		T(yaml_beats_editorconfig),
		T(relative_path),
		T(defaults_copied_and_replaced),
		T(load_argument_errors),
		cmocka_unit_test(test_config__parse_fix_list_good),
		cmocka_unit_test(test_config__parse_fix_list_bad),
		cmocka_unit_test(test_config__parse_pin_good),
		cmocka_unit_test(test_config__parse_pin_bad),
		cmocka_unit_test(test_config__parse_severity),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
