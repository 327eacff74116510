/* imageref.c - parse, normalize and print image references.
 *
 * Grammar (distribution/reference, with the OCI digest grammar):
 *
 *     reference  := name [ ":" tag ] [ "@" digest ]
 *     name       := [ domain "/" ] path
 *     domain     := host [ ":" port ]
 *     host       := domain-name | "[" ipv6 "]"
 *     domain-name:= component ( "." component )*      component: [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?
 *     path       := path-comp ( "/" path-comp )*        path-comp: [a-z0-9]+ ( sep [a-z0-9]+ )*
 *     sep        := "." | "_" | "__" | "-"+
 *     tag        := [\w][\w.-]{0,127}
 *     digest     := algorithm ":" encoded
 *
 * Examples:
 *     nginx                          registry "", path "nginx"
 *     localhost:5000/a/b:t@sha256:.. registry "localhost:5000", path "a/b", tag "t"
 *     myreg:5000/img                 registry "myreg:5000", path "img", no tag
 *     ${BASE}:1                      has_variable
 */
#include "imageref.h"

#include <string.h>

static const char DOCKER_HUB[] = "docker.io";
static const char LIBRARY[] = "library/";

static int is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static int is_hex_lower(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static int is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static int span_eq(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);
	return len == n && memcmp(s, lit, n) == 0;
}

/* Index of the last `c` in s[0..len), or len when there is none. */
static size_t last_index(const char *s, size_t len, char c)
{
	for (size_t i = len; i > 0; i--)
		if (s[i - 1] == c)
			return i - 1;
	return len;
}

/* path-comp: [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )* */
static int valid_path_component(const char *s, size_t len)
{
	size_t i = 0;
	if (len == 0 || !is_lower_alnum(s[0]))
		return 0;
	while (i < len) {
		while (i < len && is_lower_alnum(s[i]))
			i++;
		if (i == len)
			return 1;
		if (s[i] == '.') {
			i++;
		} else if (s[i] == '_') {
			i++;
			if (i < len && s[i] == '_')
				i++;
		} else if (s[i] == '-') {
			while (i < len && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		/* A separator must be followed by an alphanumeric run. */
		if (i == len || !is_lower_alnum(s[i]))
			return 0;
	}
	return 1;
}

static int valid_path(const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '/') {
			if (!valid_path_component(s + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

/* domain-name: components of [a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])? joined by '.' */
static int valid_domain_name(const char *s, size_t len)
{
	size_t start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != '.')
			continue;
		size_t n = i - start;
		const char *c = s + start;
		if (n == 0 || !is_alnum(c[0]) || !is_alnum(c[n - 1]))
			return 0;
		for (size_t k = 1; k + 1 < n; k++)
			if (!is_alnum(c[k]) && c[k] != '-')
				return 0;
		start = i + 1;
	}
	return 1;
}

/* host [ ":" port ], host being a domain name or a bracketed IPv6 address. */
static int valid_domain(const char *s, size_t len)
{
	size_t host_end;
	if (len > 0 && s[0] == '[') {
		size_t close = 1;
		while (close < len && s[close] != ']')
			close++;
		if (close == len || close == 1)
			return 0;
		for (size_t i = 1; i < close; i++) {
			char c = s[i];
			if (!(c == ':' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
			      (c >= 'A' && c <= 'F')))
				return 0;
		}
		host_end = close + 1;
	} else {
		host_end = 0;
		while (host_end < len && s[host_end] != ':')
			host_end++;
		if (!valid_domain_name(s, host_end))
			return 0;
	}
	if (host_end == len)
		return 1;
	if (s[host_end] != ':' || host_end + 1 == len)
		return 0;
	for (size_t i = host_end + 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int valid_tag(const char *s, size_t len)
{
	if (len == 0 || len > DFX_IMAGEREF_TAG_MAX || !is_word(s[0]))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!is_word(s[i]) && s[i] != '.' && s[i] != '-')
			return 0;
	return 1;
}

/*
 * algorithm ":" encoded. Registered algorithms must have their exact hex
 * length in lower case (as go-digest validates); others follow the OCI
 * grammar [a-z0-9]+([.+_-][a-z0-9]+)* ":" [a-zA-Z0-9=_-]+.
 */
static int valid_digest(const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	if (!colon)
		return 0;
	size_t alen = (size_t)(colon - s);
	const char *enc = colon + 1;
	size_t elen = len - alen - 1;
	size_t hexlen = 0;

	if (span_eq(s, alen, "sha256"))
		hexlen = 64;
	else if (span_eq(s, alen, "sha384"))
		hexlen = 96;
	else if (span_eq(s, alen, "sha512"))
		hexlen = 128;
	if (hexlen) {
		if (elen != hexlen)
			return 0;
		for (size_t i = 0; i < elen; i++)
			if (!is_hex_lower(enc[i]))
				return 0;
		return 1;
	}

	if (alen == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[alen - 1]))
		return 0;
	for (size_t i = 1; i < alen; i++) {
		int sep = s[i] == '.' || s[i] == '+' || s[i] == '_' || s[i] == '-';
		if (sep && !is_lower_alnum(s[i - 1]))
			return 0; /* two separators in a row */
		if (!sep && !is_lower_alnum(s[i]))
			return 0;
	}
	if (elen == 0)
		return 0;
	for (size_t i = 0; i < elen; i++)
		if (!is_alnum(enc[i]) && enc[i] != '=' && enc[i] != '_' && enc[i] != '-')
			return 0;
	return 1;
}

/* distribution/reference refuses a bare 64-hex string: it is an image ID. */
static int is_image_id(const char *s, size_t len)
{
	if (len != 64)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!is_hex_lower(s[i]))
			return 0;
	return 1;
}

/* The first path component names a registry when it has '.' or ':', is
 * "localhost", or has an upper-case letter (splitDockerDomain). */
static int looks_like_domain(const char *s, size_t len)
{
	if (span_eq(s, len, "localhost"))
		return 1;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '.' || s[i] == ':' || (s[i] >= 'A' && s[i] <= 'Z'))
			return 1;
	return 0;
}

int dfx_imageref_parse(dfx_imageref *out, const char *text, size_t len)
{
	dfx_imageref ref;
	memset(&ref, 0, sizeof ref);
	memset(out, 0, sizeof *out);
	if (!text || len == 0)
		return DFFIX_EINVAL;

	ref.registry = "";
	if (memchr(text, '$', len)) {
		ref.has_variable = 1;
		ref.path = text;
		ref.path_len = len;
		*out = ref;
		return 0;
	}
	if (is_image_id(text, len))
		return DFFIX_EINVAL;

	/* Neither names nor tags contain '@', so the first one starts the digest. */
	size_t name_end = len;
	const char *at = memchr(text, '@', len);
	if (at) {
		name_end = (size_t)(at - text);
		ref.digest = at + 1;
		ref.digest_len = len - name_end - 1;
		if (!valid_digest(ref.digest, ref.digest_len))
			return DFFIX_EINVAL;
	}

	/* A ':' after the last '/' starts the tag; one before it is a port. */
	size_t repo_end = name_end;
	size_t colon = last_index(text, name_end, ':');
	size_t slash = last_index(text, name_end, '/');
	if (colon < name_end && (slash == name_end || colon > slash)) {
		ref.tag = text + colon + 1;
		ref.tag_len = name_end - colon - 1;
		if (!valid_tag(ref.tag, ref.tag_len))
			return DFFIX_EINVAL;
		repo_end = colon;
	}
	if (repo_end == 0 || repo_end > DFX_IMAGEREF_NAME_MAX)
		return DFFIX_EINVAL;

	const char *first_slash = memchr(text, '/', repo_end);
	size_t first_len = first_slash ? (size_t)(first_slash - text) : repo_end;
	if (first_slash && looks_like_domain(text, first_len)) {
		if (!valid_domain(text, first_len))
			return DFFIX_EINVAL;
		ref.registry = text;
		ref.registry_len = first_len;
		ref.path = first_slash + 1;
		ref.path_len = repo_end - first_len - 1;
	} else {
		ref.path = text;
		ref.path_len = repo_end;
	}
	if (!valid_path(ref.path, ref.path_len))
		return DFFIX_EINVAL;

	*out = ref;
	return 0;
}

int dfx_imageref_is_docker_hub(const dfx_imageref *ref)
{
	const char *r = ref->registry;
	size_t n = ref->registry_len;
	return n == 0 || span_eq(r, n, "docker.io") || span_eq(r, n, "index.docker.io") ||
	       span_eq(r, n, "registry-1.docker.io");
}

/* The canonical name as a sequence of spans, so comparing needs no copy. */
typedef struct {
	const char *s[4];
	size_t n[4];
} canon_parts;

static void canonical_parts(canon_parts *out, const dfx_imageref *ref)
{
	int hub = dfx_imageref_is_docker_hub(ref);
	out->s[0] = hub ? DOCKER_HUB : ref->registry;
	out->n[0] = hub ? sizeof DOCKER_HUB - 1 : ref->registry_len;
	out->s[1] = "/";
	out->n[1] = 1;
	/* Official images live under library/ on Docker Hub only. */
	int official = hub && !memchr(ref->path, '/', ref->path_len);
	out->s[2] = LIBRARY;
	out->n[2] = official ? sizeof LIBRARY - 1 : 0;
	out->s[3] = ref->path;
	out->n[3] = ref->path_len;
}

int dfx_imageref_canonical_name(dffix_buf *out, const dfx_imageref *ref)
{
	canon_parts p;
	int error = 0;
	if (ref->has_variable)
		return DFFIX_EINVAL;
	canonical_parts(&p, ref);
	for (int i = 0; i < 4 && error == 0; i++)
		error = dffix_buf_put(out, p.s[i], p.n[i]);
	return error;
}

int dfx_imageref_same_repo(const dfx_imageref *a, const dfx_imageref *b)
{
	canon_parts pa, pb;
	if (a->has_variable || b->has_variable)
		return 0;
	canonical_parts(&pa, a);
	canonical_parts(&pb, b);
	if (pa.n[0] + pa.n[1] + pa.n[2] + pa.n[3] != pb.n[0] + pb.n[1] + pb.n[2] + pb.n[3])
		return 0;

	/* Walk both span sequences byte by byte; the totals are equal. */
	int ia = 0, ib = 0;
	size_t oa = 0, ob = 0;
	for (;;) {
		while (ia < 4 && oa == pa.n[ia])
			ia++, oa = 0;
		while (ib < 4 && ob == pb.n[ib])
			ib++, ob = 0;
		if (ia == 4 || ib == 4)
			return ia == ib;
		if (pa.s[ia][oa++] != pb.s[ib][ob++])
			return 0;
	}
}

int dfx_imageref_print(dffix_buf *out, const dfx_imageref *ref)
{
	int error = 0;
	if (ref->registry_len && !ref->has_variable) {
		if ((error = dffix_buf_put(out, ref->registry, ref->registry_len)) < 0 ||
		    (error = dffix_buf_put(out, "/", 1)) < 0)
			return error;
	}
	if ((error = dffix_buf_put(out, ref->path, ref->path_len)) < 0)
		return error;
	if (ref->tag && ((error = dffix_buf_put(out, ":", 1)) < 0 ||
			 (error = dffix_buf_put(out, ref->tag, ref->tag_len)) < 0))
		return error;
	if (ref->digest && ((error = dffix_buf_put(out, "@", 1)) < 0 ||
			    (error = dffix_buf_put(out, ref->digest, ref->digest_len)) < 0))
		return error;
	return 0;
}
