/* config.c - dffix_options for one Dockerfile from `.editorconfig` and the
 * nearest `.dffix.yaml`, on top of caller-supplied defaults.
 *
 * The YAML is read with libyaml's document API so every node keeps its
 * start mark; errors name the file, line and column of the offending node.
 * Paths are made absolute and normalized lexically ("." and ".." removed
 * without resolving symlinks), because libeditorconfig needs a full path and
 * the file may not exist (stdin with --stdin-filename).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <editorconfig/editorconfig.h>
#include <yaml.h>

#include "alloc.h"

#define YAML_NAME ".dffix.yaml"
/* Wider indents are surely typos; the limit also keeps the number small. */
#define MAX_INDENT 64

static void set_err(char *err, size_t err_size, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void set_err(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;
	if (!err || !err_size)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

static int span_eq(const char *s, size_t len, const char *lit)
{
	return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

/* Section - --fix lists */

static const struct {
	const char *name;
	unsigned bit;
} fix_names[] = {
	{"pin-tag", DFFIX_FIX_PIN_TAG},
	{"pkg-clean", DFFIX_FIX_PKG_CLEAN},
	{"cache-order", DFFIX_FIX_CACHE_ORDER},
	{"merge-run", DFFIX_FIX_MERGE_RUN},
	{"arbitrary-uid", DFFIX_FIX_ARBITRARY_UID},
	{"env-key-value", DFFIX_FIX_ENV_KEY_VALUE},
	{"maintainer", DFFIX_FIX_MAINTAINER},
};

/* Applies one list element ("all", "none", "NAME", "-NAME") to *mask. */
static int fix_apply(unsigned *mask, const char *s, size_t len)
{
	int remove = 0;
	if (span_eq(s, len, "all")) {
		*mask = DFFIX_FIX_ALL;
		return 0;
	}
	if (span_eq(s, len, "none")) {
		*mask = 0;
		return 0;
	}
	if (len > 0 && s[0] == '-') {
		remove = 1;
		s++;
		len--;
	}
	for (size_t i = 0; i < sizeof(fix_names) / sizeof(fix_names[0]); i++) {
		if (span_eq(s, len, fix_names[i].name)) {
			if (remove)
				*mask &= ~fix_names[i].bit;
			else
				*mask |= fix_names[i].bit;
			return 0;
		}
	}
	return DFFIX_EINVAL;
}

int dfx_config_parse_fix_list(unsigned *out, const char *list, const char **bad)
{
	unsigned mask = 0;
	const char *p = list;
	if (!out || !list)
		return DFFIX_EINVAL;
	for (;;) {
		const char *start = p, *end;
		size_t n = strcspn(p, ",");
		end = p + n;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		if (fix_apply(&mask, start, (size_t)(end - start)) < 0) {
			if (bad)
				*bad = start;
			return DFFIX_EINVAL;
		}
		if (p[n] == '\0')
			break;
		p += n + 1;
	}
	*out = mask;
	return 0;
}

/* Section - pins and severities */

static int is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The tag grammar of the distribution reference: [\w][\w.-]{0,127}. */
static int valid_tag(const char *s, size_t len)
{
	if (len == 0 || len > 128 || !(is_alnum(s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* algorithm ":" encoded, e.g. "sha256:" + hex; the algorithm is lower case
 * components joined by [+._-], the encoded part [A-Za-z0-9=_-]+. */
static int valid_digest(const char *s, size_t len)
{
	size_t i = 0;
	int need_comp = 1;
	for (; i < len && s[i] != ':'; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			need_comp = 0;
		else if (!need_comp && (c == '+' || c == '.' || c == '_' || c == '-'))
			need_comp = 1;
		else
			return 0;
	}
	if (need_comp || i == len || i + 1 == len)
		return 0;
	for (i++; i < len; i++)
		if (!(is_alnum(s[i]) || s[i] == '=' || s[i] == '_' || s[i] == '-'))
			return 0;
	return 1;
}

/* Checks the image side of a pin; the imageref module normalizes it later,
 * so only what can never be part of a reference is refused here. */
static int check_pin_image(const char *img, size_t ilen, const char **why)
{
	if (ilen == 0) {
		*why = "empty image name";
		return DFFIX_EINVAL;
	}
	for (size_t i = 0; i < ilen; i++) {
		unsigned char c = (unsigned char)img[i];
		if (c <= ' ' || c == 0x7f || c == '@' || c == '=') {
			*why = "invalid character in image name";
			return DFFIX_EINVAL;
		}
	}
	return 0;
}

/* Checks "tag", "tag@digest" or "@digest". */
static int check_pin_ref(const char *ref, size_t rlen, const char **why)
{
	const char *at = rlen ? memchr(ref, '@', rlen) : NULL;
	size_t tlen = at ? (size_t)(at - ref) : rlen;
	if (rlen == 0) {
		*why = "empty tag";
		return DFFIX_EINVAL;
	}
	if ((!at || tlen > 0) && !valid_tag(ref, tlen)) {
		*why = "invalid tag";
		return DFFIX_EINVAL;
	}
	if (at && !valid_digest(at + 1, rlen - tlen - 1)) {
		*why = "invalid digest (expected ALGORITHM:ENCODED)";
		return DFFIX_EINVAL;
	}
	return 0;
}

static int make_pin(dffix_pin *out, dfx_arena *arena, const char *img, size_t ilen, const char *ref,
		    size_t rlen)
{
	char *i = dfx_arena_strndup(arena, img, ilen);
	char *r = dfx_arena_strndup(arena, ref, rlen);
	if (!i || !r)
		return DFFIX_ENOMEM;
	out->image = i;
	out->tag = r;
	return 0;
}

int dfx_config_parse_pin(dffix_pin *out, dfx_arena *arena, const char *arg)
{
	const char *eq, *why;
	size_t len;
	if (!out || !arena || !arg)
		return DFFIX_EINVAL;
	len = strlen(arg);
	eq = memchr(arg, '=', len);
	if (!eq)
		return DFFIX_EINVAL;
	if (check_pin_image(arg, (size_t)(eq - arg), &why) < 0 ||
	    check_pin_ref(eq + 1, len - (size_t)(eq - arg) - 1, &why) < 0)
		return DFFIX_EINVAL;
	return make_pin(out, arena, arg, (size_t)(eq - arg), eq + 1, len - (size_t)(eq - arg) - 1);
}

static const char *const severity_names[] = {"error", "warning", "info", "style", "none"};

static int severity_from_span(dffix_severity *out, const char *s, size_t len)
{
	for (size_t i = 0; i < sizeof(severity_names) / sizeof(severity_names[0]); i++) {
		if (span_eq(s, len, severity_names[i])) {
			*out = (dffix_severity)i;
			return 0;
		}
	}
	return DFFIX_EINVAL;
}

int dfx_config_parse_severity(dffix_severity *out, const char *name)
{
	if (!out || !name)
		return DFFIX_EINVAL;
	return severity_from_span(out, name, strlen(name));
}

/* Section - paths */

/* Returns `path` made absolute against the working directory, with empty,
 * "." and ".." segments folded lexically, in the arena. */
static int absolute_path(char **out, dfx_arena *arena, const char *path, char *err, size_t err_size)
{
	char *cwd = NULL, *joined, *res;
	size_t cap = 256, plen = strlen(path), clen = 0, n = 0;
	const char *p;
	int error = 0;

	if (plen == 0) {
		set_err(err, err_size, "empty file name");
		return DFFIX_EINVAL;
	}
	if (path[0] != '/') {
		for (;;) {
			char *tmp = dfx_realloc(cwd, cap);
			if (!tmp) {
				error = DFFIX_ENOMEM;
				goto cleanup;
			}
			cwd = tmp;
			if (getcwd(cwd, cap))
				break;
			if (errno != ERANGE) {
				set_err(err, err_size, "%s: cannot get the working directory: %s", path,
					strerror(errno));
				error = DFFIX_EIO;
				goto cleanup;
			}
			cap *= 2;
		}
		clen = strlen(cwd);
	}
	joined = dfx_arena_printf(arena, "%s/%s", cwd ? cwd : "", path);
	res = dfx_arena_alloc(arena, clen + plen + 2);
	if (!joined || !res) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	/* res holds "/seg/seg..." built segment by segment; n is its length. */
	for (p = joined; *p;) {
		size_t slen;
		while (*p == '/')
			p++;
		slen = strcspn(p, "/");
		if (slen == 0 || (slen == 1 && p[0] == '.')) {
			/* nothing to add */
		} else if (slen == 2 && p[0] == '.' && p[1] == '.') {
			while (n > 0 && res[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* drop the slash too; "/.." stays "/" */
		} else {
			res[n++] = '/';
			memcpy(res + n, p, slen);
			n += slen;
		}
		p += slen;
	}
	if (n == 0)
		res[n++] = '/';
	res[n] = '\0';
	*out = res;
cleanup:
	dfx_free(cwd);
	return error;
}

/* Section - defaults */

static int copy_strv(const char *const **out, dfx_arena *arena, const char *const *src, size_t n)
{
	const char **dst;
	*out = NULL;
	if (n == 0 || !src)
		return 0;
	dst = dfx_arena_alloc(arena, n * sizeof(*dst));
	if (!dst)
		return DFFIX_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		dst[i] = src[i] ? dfx_arena_strndup(arena, src[i], strlen(src[i])) : NULL;
		if (src[i] && !dst[i])
			return DFFIX_ENOMEM;
	}
	*out = dst;
	return 0;
}

static const char *copy_str(dfx_arena *arena, const char *s, int *error)
{
	char *d;
	if (!s)
		return NULL;
	d = dfx_arena_strndup(arena, s, strlen(s));
	if (!d)
		*error = DFFIX_ENOMEM;
	return d;
}

/* Copies the defaults so the config owns every pointer it hands out. */
static int copy_defaults(dfx_config *cfg, const dffix_options *def)
{
	dffix_options *o = &cfg->opts;
	dfx_arena *a = &cfg->arena;
	int error = 0;

	*o = *def;
	if (def->pin_count && def->pins) {
		dffix_pin *pins = dfx_arena_alloc(a, def->pin_count * sizeof(*pins));
		if (!pins)
			return DFFIX_ENOMEM;
		for (size_t i = 0; i < def->pin_count; i++) {
			pins[i].image = copy_str(a, def->pins[i].image, &error);
			pins[i].tag = copy_str(a, def->pins[i].tag, &error);
		}
		o->pins = pins;
	}
	if (error < 0 || (error = copy_strv(&o->writable_dirs, a, def->writable_dirs,
					    def->writable_dir_count)) < 0 ||
	    (error = copy_strv(&o->ignore, a, def->ignore, def->ignore_count)) < 0 ||
	    (error = copy_strv(&o->trusted_registries, a, def->trusted_registries,
			       def->trusted_registry_count)) < 0 ||
	    (error = copy_strv(&o->severity_ids, a, def->severity_ids, def->severity_count)) < 0)
		return error;
	o->profile = copy_str(a, def->profile, &error);
	o->context_dir = copy_str(a, def->context_dir, &error);
	if (error < 0)
		return error;
	if (def->severity_count && def->severity_values) {
		dffix_severity *v = dfx_arena_alloc(a, def->severity_count * sizeof(*v));
		if (!v)
			return DFFIX_ENOMEM;
		memcpy(v, def->severity_values, def->severity_count * sizeof(*v));
		o->severity_values = v;
	}
	return 0;
}

/* Section - .editorconfig */

/* Parses a positive decimal editorconfig number; -1 when it is not one. */
static int ec_number(const char *s)
{
	int v = 0;
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > MAX_INDENT)
			return -1;
		v = v * 10 + (*s - '0');
	}
	return v >= 1 && v <= MAX_INDENT ? v : -1;
}

static int load_editorconfig(dfx_config *cfg, const char *abs, char *err, size_t err_size)
{
	const char *style = NULL, *size = NULL, *eol = NULL, *fnl = NULL;
	int r, n, error = 0;
	editorconfig_handle h = editorconfig_handle_init();
	if (!h)
		return DFFIX_ENOMEM;
	r = editorconfig_parse(abs, h);
	if (r != 0) {
		const char *ef = editorconfig_handle_get_err_file(h);
		if (r == EDITORCONFIG_PARSE_MEMORY_ERROR) {
			error = DFFIX_ENOMEM;
		} else if (r > 0) {
			/* r is the line of the first line the ini parser rejected */
			set_err(err, err_size, "%s:%d:1: invalid .editorconfig line",
				ef ? ef : ".editorconfig", r);
			error = DFFIX_EINVAL;
		} else {
			set_err(err, err_size, "%s: editorconfig: %s", abs, editorconfig_get_error_msg(r));
			error = DFFIX_EINVAL;
		}
		goto cleanup;
	}
	n = editorconfig_handle_get_name_value_count(h);
	for (int i = 0; i < n; i++) {
		const char *name, *value;
		editorconfig_handle_get_name_value(h, i, &name, &value);
		if (!name || !value || strcasecmp(value, "unset") == 0)
			continue;
		if (strcasecmp(name, "indent_style") == 0)
			style = value;
		else if (strcasecmp(name, "indent_size") == 0)
			size = value;
		else if (strcasecmp(name, "end_of_line") == 0)
			eol = value;
		else if (strcasecmp(name, "insert_final_newline") == 0)
			fnl = value;
	}

	/* The library derives indent_size from tab_width when indent_style is
	 * tab, so the style decides first. Invalid values are ignored, as the
	 * EditorConfig specification asks. */
	if (style && strcasecmp(style, "tab") == 0) {
		cfg->opts.indent = 0;
		cfg->set_mask |= DFX_CONFIG_SET_INDENT;
	} else if (size && ec_number(size) > 0) {
		cfg->opts.indent = ec_number(size);
		cfg->set_mask |= DFX_CONFIG_SET_INDENT;
	} else if (size && strcasecmp(size, "tab") == 0 &&
		   !(style && strcasecmp(style, "space") == 0)) {
		cfg->opts.indent = 0;
		cfg->set_mask |= DFX_CONFIG_SET_INDENT;
	}
	if (eol) {
		int v = strcasecmp(eol, "lf") == 0     ? 1
			: strcasecmp(eol, "crlf") == 0 ? 2
			: strcasecmp(eol, "cr") == 0   ? 0
						       : -1;
		if (v >= 0) {
			cfg->opts.eol = v;
			cfg->set_mask |= DFX_CONFIG_SET_EOL;
		}
	}
	if (fnl && (strcasecmp(fnl, "true") == 0 || strcasecmp(fnl, "false") == 0)) {
		cfg->opts.final_newline = strcasecmp(fnl, "true") == 0;
		cfg->set_mask |= DFX_CONFIG_SET_FINAL_NEWLINE;
	}
cleanup:
	editorconfig_handle_destroy(h);
	return error;
}

/* Section - .dffix.yaml */

typedef struct yctx {
	dfx_config *cfg;
	yaml_document_t *doc;
	const char *file;
	char *err;
	size_t err_size;
} yctx;

static int node_err(yctx *c, const yaml_node_t *node, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* Writes "FILE:LINE:COL: message" for `node`; returns DFFIX_EINVAL. */
static int node_err(yctx *c, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_err(c->err, c->err_size, "%s:%lu:%lu: %s", c->file,
		(unsigned long)node->start_mark.line + 1, (unsigned long)node->start_mark.column + 1,
		msg);
	return DFFIX_EINVAL;
}

static const char *sval(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static size_t slen(const yaml_node_t *n)
{
	return n->data.scalar.length;
}

/* A YAML null: an empty or ~/null plain scalar ("key:" with no value). */
static int is_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	return slen(n) == 0 || span_eq(sval(n), slen(n), "~") || span_eq(sval(n), slen(n), "null") ||
	       span_eq(sval(n), slen(n), "Null") || span_eq(sval(n), slen(n), "NULL");
}

/* A non-null, non-empty scalar, quoted or not. */
static int want_string(yctx *c, const yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n) || slen(n) == 0)
		return node_err(c, n, "%s must be a non-empty string", what);
	if (memchr(sval(n), '\0', slen(n)))
		return node_err(c, n, "%s must not contain a NUL character", what);
	return 0;
}

static const char *kname(const yaml_node_t *key)
{
	return sval(key);
}

static int key_indent(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	int n = 0;
	if (v->type != YAML_SCALAR_NODE || v->data.scalar.style != YAML_PLAIN_SCALAR_STYLE ||
	    slen(v) == 0)
		return node_err(c, v, "%s must be an integer", kname(key));
	for (size_t i = 0; i < slen(v); i++) {
		char ch = sval(v)[i];
		if (ch < '0' || ch > '9')
			return node_err(c, v, "%s must be an integer", kname(key));
		if (n <= MAX_INDENT)
			n = n * 10 + (ch - '0');
	}
	if (n > MAX_INDENT)
		return node_err(c, v, "%s must be between 0 and %d", kname(key), MAX_INDENT);
	c->cfg->opts.indent = n;
	return 0;
}

static int key_eol(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	int error = want_string(c, v, kname(key));
	if (error < 0)
		return error;
	if (span_eq(sval(v), slen(v), "keep"))
		c->cfg->opts.eol = 0;
	else if (span_eq(sval(v), slen(v), "lf"))
		c->cfg->opts.eol = 1;
	else if (span_eq(sval(v), slen(v), "crlf"))
		c->cfg->opts.eol = 2;
	else
		return node_err(c, v, "%s must be lf, crlf or keep, not \"%s\"", kname(key), sval(v));
	return 0;
}

static int key_final_newline(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	/* YAML 1.1 booleans, which is what libyaml users expect. */
	static const char *const yes[] = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
	static const char *const no[] = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
	if (v->type == YAML_SCALAR_NODE && v->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
			if (span_eq(sval(v), slen(v), yes[i])) {
				c->cfg->opts.final_newline = 1;
				return 0;
			}
			if (span_eq(sval(v), slen(v), no[i])) {
				c->cfg->opts.final_newline = 0;
				return 0;
			}
		}
	}
	return node_err(c, v, "%s must be true or false", kname(key));
}

static int key_fix(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	unsigned mask = 0;
	const char *bad = NULL;
	if (v->type == YAML_SCALAR_NODE) {
		int error = want_string(c, v, kname(key));
		if (error < 0)
			return error;
		if (dfx_config_parse_fix_list(&mask, sval(v), &bad) < 0)
			return node_err(c, v, "unknown pass \"%.*s\" in %s", (int)strcspn(bad, ","), bad,
					kname(key));
	} else if (v->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
		     it++) {
			yaml_node_t *item = yaml_document_get_node(c->doc, *it);
			int error = want_string(c, item, "a pass name");
			if (error < 0)
				return error;
			if (fix_apply(&mask, sval(item), slen(item)) < 0)
				return node_err(c, item, "unknown pass \"%s\" in %s", sval(item), kname(key));
		}
	} else {
		return node_err(c, v, "%s must be all, none or a list of pass names", kname(key));
	}
	c->cfg->opts.fix = mask;
	return 0;
}

typedef int (*item_check)(yctx *c, const yaml_node_t *item);

/* Reads a sequence of non-empty strings (null = empty list) into the arena. */
static int string_list(yctx *c, const yaml_node_t *key, const yaml_node_t *v, item_check check,
		       const char *const **out, size_t *count)
{
	const char **arr;
	size_t n, i = 0;
	if (is_null(v)) {
		*out = NULL;
		*count = 0;
		return 0;
	}
	if (v->type != YAML_SEQUENCE_NODE)
		return node_err(c, v, "%s must be a list", kname(key));
	n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
	arr = dfx_arena_alloc(&c->cfg->arena, (n ? n : 1) * sizeof(*arr));
	if (!arr)
		return DFFIX_ENOMEM;
	for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(c->doc, *it);
		int error = want_string(c, item, "a list item");
		if (error < 0 || (check && (error = check(c, item)) < 0))
			return error;
		arr[i] = dfx_arena_strndup(&c->cfg->arena, sval(item), slen(item));
		if (!arr[i++])
			return DFFIX_ENOMEM;
	}
	*out = n ? arr : NULL;
	*count = n;
	return 0;
}

static int check_abs_dir(yctx *c, const yaml_node_t *item)
{
	if (sval(item)[0] != '/')
		return node_err(c, item, "writable-dirs entries must be absolute paths, not \"%s\"",
				sval(item));
	return 0;
}

static int key_writable_dirs(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	return string_list(c, key, v, check_abs_dir, &c->cfg->opts.writable_dirs,
			   &c->cfg->opts.writable_dir_count);
}

static int key_ignore(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	return string_list(c, key, v, NULL, &c->cfg->opts.ignore, &c->cfg->opts.ignore_count);
}

static int key_trusted(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	return string_list(c, key, v, NULL, &c->cfg->opts.trusted_registries,
			   &c->cfg->opts.trusted_registry_count);
}

/* Checks that `v` is a mapping of distinct non-empty string keys and
 * returns its size; null counts as an empty mapping. */
static int map_of_strings(yctx *c, const yaml_node_t *key, const yaml_node_t *v, size_t *n)
{
	*n = 0;
	if (is_null(v))
		return 0;
	if (v->type != YAML_MAPPING_NODE)
		return node_err(c, v, "%s must be a mapping", kname(key));
	for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		int error = want_string(c, k, "a key");
		if (error < 0)
			return error;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *k2 = yaml_document_get_node(c->doc, q->key);
			if (slen(k2) == slen(k) && memcmp(sval(k2), sval(k), slen(k)) == 0)
				return node_err(c, k, "duplicate key \"%s\" in %s", sval(k), kname(key));
		}
		(*n)++;
	}
	return 0;
}

static int key_pins(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	dffix_pin *pins = NULL;
	size_t n, i = 0;
	int error = map_of_strings(c, key, v, &n);
	if (error < 0)
		return error;
	if (n && !(pins = dfx_arena_alloc(&c->cfg->arena, n * sizeof(*pins))))
		return DFFIX_ENOMEM;
	for (yaml_node_pair_t *p = n ? v->data.mapping.pairs.start : NULL;
	     p && p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *val = yaml_document_get_node(c->doc, p->value);
		const char *why;
		if ((error = want_string(c, val, "a pin")) < 0)
			return error;
		if (check_pin_image(sval(k), slen(k), &why) < 0)
			return node_err(c, k, "bad pin image \"%s\": %s", sval(k), why);
		if (check_pin_ref(sval(val), slen(val), &why) < 0)
			return node_err(c, val, "bad pin \"%s\" for %s: %s", sval(val), sval(k), why);
		if ((error = make_pin(&pins[i++], &c->cfg->arena, sval(k), slen(k), sval(val),
				      slen(val))) < 0)
			return error;
	}
	c->cfg->opts.pins = pins;
	c->cfg->opts.pin_count = n;
	return 0;
}

static int key_severity(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	const char **ids = NULL;
	dffix_severity *vals = NULL;
	size_t n, i = 0;
	int error = map_of_strings(c, key, v, &n);
	if (error < 0)
		return error;
	if (n && (!(ids = dfx_arena_alloc(&c->cfg->arena, n * sizeof(*ids))) ||
		  !(vals = dfx_arena_alloc(&c->cfg->arena, n * sizeof(*vals)))))
		return DFFIX_ENOMEM;
	for (yaml_node_pair_t *p = n ? v->data.mapping.pairs.start : NULL;
	     p && p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *val = yaml_document_get_node(c->doc, p->value);
		if ((error = want_string(c, val, "a severity")) < 0)
			return error;
		if (severity_from_span(&vals[i], sval(val), slen(val)) < 0)
			return node_err(c, val,
					"bad severity \"%s\" for %s (expected error, warning, info, style or none)",
					sval(val), sval(k));
		if (!(ids[i++] = dfx_arena_strndup(&c->cfg->arena, sval(k), slen(k))))
			return DFFIX_ENOMEM;
	}
	c->cfg->opts.severity_ids = ids;
	c->cfg->opts.severity_values = vals;
	c->cfg->opts.severity_count = n;
	return 0;
}

static int key_profile(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	int error = want_string(c, v, kname(key));
	if (error < 0)
		return error;
	if (!span_eq(sval(v), slen(v), "default") && !span_eq(sval(v), slen(v), "openshift"))
		return node_err(c, v, "%s must be default or openshift, not \"%s\"", kname(key), sval(v));
	c->cfg->opts.profile = span_eq(sval(v), slen(v), "default") ? "default" : "openshift";
	return 0;
}

static int key_fail_level(yctx *c, const yaml_node_t *key, const yaml_node_t *v)
{
	dffix_severity s;
	int error = want_string(c, v, kname(key));
	if (error < 0)
		return error;
	if (severity_from_span(&s, sval(v), slen(v)) < 0)
		return node_err(c, v, "%s must be error, warning, info, style or none, not \"%s\"",
				kname(key), sval(v));
	c->cfg->fail_level = (int)s;
	return 0;
}

static const struct {
	const char *name; /* '-' and '_' are interchangeable when matching */
	int (*fn)(yctx *c, const yaml_node_t *key, const yaml_node_t *v);
	unsigned bit;
} yaml_keys[] = {
	{"indent", key_indent, DFX_CONFIG_SET_INDENT},
	{"end_of_line", key_eol, DFX_CONFIG_SET_EOL},
	{"insert_final_newline", key_final_newline, DFX_CONFIG_SET_FINAL_NEWLINE},
	{"fix", key_fix, DFX_CONFIG_SET_FIX},
	{"pins", key_pins, DFX_CONFIG_SET_PINS},
	{"writable-dirs", key_writable_dirs, DFX_CONFIG_SET_WRITABLE_DIRS},
	{"ignore", key_ignore, DFX_CONFIG_SET_IGNORE},
	{"severity", key_severity, DFX_CONFIG_SET_SEVERITY},
	{"profile", key_profile, DFX_CONFIG_SET_PROFILE},
	{"trusted-registries", key_trusted, DFX_CONFIG_SET_TRUSTED},
	{"fail-level", key_fail_level, DFX_CONFIG_SET_FAIL_LEVEL},
};

/* The schema mixes editorconfig's snake_case with kebab-case, so both
 * spellings of every key are accepted. */
static int key_matches(const char *s, size_t len, const char *name)
{
	if (strlen(name) != len)
		return 0;
	for (size_t i = 0; i < len; i++) {
		int dash_a = s[i] == '-' || s[i] == '_', dash_b = name[i] == '-' || name[i] == '_';
		if (dash_a != dash_b || (!dash_a && s[i] != name[i]))
			return 0;
	}
	return 1;
}

static int apply_root(yctx *c, const yaml_node_t *root)
{
	unsigned seen = 0;
	if (is_null(root))
		return 0; /* only comments, or "~" */
	if (root->type != YAML_MAPPING_NODE)
		return node_err(c, root, "the top level must be a mapping of keys to values");
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		size_t i, nkeys = sizeof(yaml_keys) / sizeof(yaml_keys[0]);
		int error;
		if (k->type != YAML_SCALAR_NODE)
			return node_err(c, k, "keys must be strings");
		for (i = 0; i < nkeys; i++)
			if (key_matches(sval(k), slen(k), yaml_keys[i].name))
				break;
		if (i == nkeys)
			return node_err(c, k, "unknown key \"%s\"", sval(k));
		if (seen & (1u << i))
			return node_err(c, k, "duplicate key \"%s\"", sval(k));
		seen |= 1u << i;
		if ((error = yaml_keys[i].fn(c, k, v)) < 0)
			return error;
		c->cfg->set_mask |= yaml_keys[i].bit;
	}
	return 0;
}

static int yaml_syntax_err(const yaml_parser_t *parser, const char *file, const char *text,
			   size_t len, char *err, size_t err_size)
{
	if (parser->error == YAML_MEMORY_ERROR)
		return DFFIX_ENOMEM;
	if (parser->error == YAML_READER_ERROR) {
		/* The reader reports a byte offset, not a mark (bad UTF-8). */
		unsigned long line = 1, col = 1;
		for (size_t i = 0; i < parser->problem_offset && i < len; i++, col++) {
			if (text[i] == '\n') {
				line++;
				col = 0;
			}
		}
		set_err(err, err_size, "%s:%lu:%lu: invalid YAML: %s", file, line, col,
			parser->problem ? parser->problem : "read error");
		return DFFIX_EINVAL;
	}
	set_err(err, err_size, "%s:%lu:%lu: invalid YAML: %s%s%s", file,
		(unsigned long)parser->problem_mark.line + 1,
		(unsigned long)parser->problem_mark.column + 1,
		parser->problem ? parser->problem : "syntax error", parser->context ? " " : "",
		parser->context ? parser->context : "");
	return DFFIX_EINVAL;
}

/* Reads the whole file; a config file larger than this is surely a mistake. */
#define MAX_YAML_SIZE (1u << 20)

static int read_file(char **out, size_t *len, const char *file, char *err, size_t err_size)
{
	char *data = NULL;
	size_t n = 0, cap = 0;
	int error = 0;
	FILE *f = fopen(file, "rb");
	*out = NULL;
	*len = 0;
	if (!f) {
		set_err(err, err_size, "%s: cannot open: %s", file, strerror(errno));
		return DFFIX_EIO;
	}
	for (;;) {
		size_t got;
		if (n == cap) {
			char *tmp;
			if (cap >= MAX_YAML_SIZE) {
				set_err(err, err_size, "%s: larger than %u bytes", file, MAX_YAML_SIZE);
				error = DFFIX_EINVAL;
				break;
			}
			cap = cap ? cap * 2 : 4096;
			if (!(tmp = dfx_realloc(data, cap))) {
				error = DFFIX_ENOMEM;
				break;
			}
			data = tmp;
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				set_err(err, err_size, "%s: cannot read: %s", file, strerror(errno));
				error = DFFIX_EIO;
			}
			break;
		}
	}
	fclose(f);
	if (error < 0) {
		dfx_free(data);
		return error;
	}
	*out = data;
	*len = n;
	return 0;
}

static int load_yaml(dfx_config *cfg, const char *file, char *err, size_t err_size)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	int have_doc = 0, have_parser = 0, error;
	yaml_node_t *root;
	char *text;
	size_t len;

	if ((error = read_file(&text, &len, file, err, err_size)) < 0)
		return error;
	if (!yaml_parser_initialize(&parser)) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	have_parser = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)(text ? text : ""), len);
	if (!yaml_parser_load(&parser, &doc)) {
		error = yaml_syntax_err(&parser, file, text, len, err, err_size);
		goto cleanup;
	}
	have_doc = 1;
	root = yaml_document_get_root_node(&doc);
	if (root) {
		yctx c = {cfg, &doc, file, err, err_size};
		if ((error = apply_root(&c, root)) < 0)
			goto cleanup;
		/* A second document would be silently ignored; say so instead. */
		if (!yaml_parser_load(&parser, &extra)) {
			error = yaml_syntax_err(&parser, file, text, len, err, err_size);
			goto cleanup;
		}
		if (yaml_document_get_root_node(&extra)) {
			yaml_mark_t m = extra.start_mark;
			set_err(err, err_size, "%s:%lu:%lu: only one YAML document is allowed", file,
				(unsigned long)m.line + 1, (unsigned long)m.column + 1);
			error = DFFIX_EINVAL;
		}
		yaml_document_delete(&extra);
	}
cleanup:
	if (have_doc)
		yaml_document_delete(&doc);
	if (have_parser)
		yaml_parser_delete(&parser);
	dfx_free(text);
	return error;
}

/* Finds the nearest .dffix.yaml from directory `dir` (absolute, normalized)
 * up to "/". *out is NULL when there is none. */
static int find_yaml(char **out, dfx_arena *arena, const char *dir, char *err, size_t err_size)
{
	size_t len = strlen(dir);
	*out = NULL;
	for (;;) {
		struct stat st;
		/* dir[0..len) is the directory; "/" is the root's own spelling */
		char *cand = dfx_arena_printf(arena, "%.*s/" YAML_NAME, (int)(len == 1 ? 0 : len), dir);
		if (!cand)
			return DFFIX_ENOMEM;
		if (stat(cand, &st) == 0) {
			if (!S_ISREG(st.st_mode)) {
				set_err(err, err_size, "%s: not a regular file", cand);
				return DFFIX_EIO;
			}
			*out = cand;
			return 0;
		}
		/* A directory we may not search cannot hold our config. */
		if (errno != ENOENT && errno != ENOTDIR && errno != EACCES) {
			set_err(err, err_size, "%s: %s", cand, strerror(errno));
			return DFFIX_EIO;
		}
		if (len <= 1)
			return 0;
		while (len > 1 && dir[len - 1] != '/')
			len--;
		if (len > 1)
			len--; /* drop the slash unless it is the root */
	}
}

int dfx_config_load(dfx_config *out, const char *path, const dffix_options *defaults, char *err,
		    size_t err_size)
{
	static const dffix_options init = DFFIX_OPTIONS_INIT;
	char *abs = NULL, *dir, *slash;
	int error;

	if (err && err_size)
		err[0] = '\0';
	if (!out)
		return DFFIX_EINVAL;
	memset(out, 0, sizeof(*out));
	out->fail_level = -1;
	if (!path) {
		set_err(err, err_size, "no file name");
		return DFFIX_EINVAL;
	}
	if (!defaults)
		defaults = &init;
	if (defaults->version != DFFIX_OPTIONS_VERSION) {
		set_err(err, err_size, "unsupported dffix_options version %u", defaults->version);
		return DFFIX_EINVAL;
	}
	if ((error = copy_defaults(out, defaults)) < 0 ||
	    (error = absolute_path(&abs, &out->arena, path, err, err_size)) < 0)
		goto cleanup;

	slash = strrchr(abs, '/');
	dir = dfx_arena_strndup(&out->arena, abs, slash == abs ? 1 : (size_t)(slash - abs));
	if (!dir) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	if (!out->opts.context_dir)
		out->opts.context_dir = dir;

	if ((error = load_editorconfig(out, abs, err, err_size)) < 0 ||
	    (error = find_yaml(&out->yaml_path, &out->arena, dir, err, err_size)) < 0)
		goto cleanup;
	if (out->yaml_path && (error = load_yaml(out, out->yaml_path, err, err_size)) < 0)
		goto cleanup;
	return 0;

cleanup:
	if (error == DFFIX_ENOMEM)
		set_err(err, err_size, "%s: out of memory while reading configuration", path);
	dfx_config_dispose(out);
	return error;
}

void dfx_config_dispose(dfx_config *cfg)
{
	if (!cfg)
		return;
	dfx_arena_dispose(&cfg->arena);
	memset(cfg, 0, sizeof(*cfg));
	cfg->fail_level = -1;
}
