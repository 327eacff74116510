/* imageref.h - container image references as written in `FROM`,
 * `COPY --from=` and `RUN --mount=from=`:
 *
 *     [registry[:port]/]path[:tag][@digest]
 *
 * The grammar and the Docker Hub normalization follow distribution/reference
 * (ParseNormalizedNamed): the first path component is a registry when it
 * contains '.' or ':', is "localhost", or has an upper-case letter; otherwise
 * the registry is Docker Hub, and a one-component Docker Hub path gets
 * "library/". docker.io, index.docker.io and registry-1.docker.io name the
 * same registry.
 *
 * Every span in a dfx_imageref points into the text that was parsed, so the
 * struct is valid only while that text is.
 */
#ifndef DFX_IMAGEREF_H
#define DFX_IMAGEREF_H

#include <stddef.h>

#include "dffix.h"

typedef struct dfx_imageref {
	const char *registry; size_t registry_len; /* "" when implicit Docker Hub */
	const char *path; size_t path_len;         /* as written, e.g. "ubi8/ubi" or "nginx" */
	const char *tag; size_t tag_len;           /* without ':'; tag==NULL when absent */
	const char *digest; size_t digest_len;     /* without '@'; NULL when absent */
	int has_variable;                          /* contains $ : not parsed further */
} dfx_imageref;

/* Longest name (registry + '/' + path) distribution/reference accepts. */
#define DFX_IMAGEREF_NAME_MAX 255
/* Longest tag: one word character then up to 127 of [\w.-]. */
#define DFX_IMAGEREF_TAG_MAX 128

/*
 * Parses text[0..len). Spans point into text. Returns 0 or DFFIX_EINVAL
 * (invalid reference). A reference containing '$' is a build variable: the
 * call returns 0 with has_variable set, registry "", path spanning the whole
 * text and no tag or digest, since its real value is unknown until the
 * variable is expanded. On DFFIX_EINVAL *out is zeroed.
 */
int dfx_imageref_parse(dfx_imageref *out, const char *text, size_t len);

/*
 * Appends the canonical repository name used to match pins:
 * "docker.io/library/nginx" for "nginx", "docker.io/nginx" and
 * "index.docker.io/library/nginx"; "quay.io/org/img" as is. Nothing is
 * case-folded (valid paths are already lower case). Tag and digest are not
 * part of the name. Returns 0, DFFIX_ENOMEM, or DFFIX_EINVAL when the
 * reference has a variable.
 */
int dfx_imageref_canonical_name(dffix_buf *out, const dfx_imageref *ref);

/* 1 when both refer to the same repository (canonical names equal); 0 when
 * they differ or either has a variable. Allocates nothing. */
int dfx_imageref_same_repo(const dfx_imageref *a, const dfx_imageref *b);

/* 1 when the registry is Docker Hub (implicit or one of its aliases). */
int dfx_imageref_is_docker_hub(const dfx_imageref *ref);

/*
 * Appends name (registry/path as written) + ":" + tag and/or "@" + digest
 * to out; a reference with a variable is appended as written. Returns 0 or
 * DFFIX_ENOMEM.
 */
int dfx_imageref_print(dffix_buf *out, const dfx_imageref *ref);

#endif
