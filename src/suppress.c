#include "suppress.h"

#include <string.h>
#include <strings.h>

static const char *skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

static int word_is(const char **p, const char *end, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(end - *p) < n || strncasecmp(*p, w, n) != 0)
		return 0;
	*p += n;
	return 1;
}

int dfx_pragma_parse(const char *line, size_t len, int *global, const char **list, size_t *list_len)
{
	const char *p = line, *end = line + len;
	p = skip_blanks(p, end);
	if (p >= end || *p != '#')
		return 0;
	p = skip_blanks(p + 1, end);
	if (!word_is(&p, end, "dffix") && !word_is(&p, end, "hadolint"))
		return 0;
	const char *q = skip_blanks(p, end);
	if (q == p)
		return 0;
	p = q;
	*global = 0;
	if (word_is(&p, end, "global")) {
		*global = 1;
		p = skip_blanks(p, end);
	}
	if (!word_is(&p, end, "ignore"))
		return 0;
	p = skip_blanks(p, end);
	if (p >= end || *p != '=')
		return 0;
	p = skip_blanks(p + 1, end);
	const char *e = p;
	while (e < end && *e != ' ' && *e != '\t' && *e != '\r' && *e != '\n')
		e++;
	*list = p;
	*list_len = (size_t)(e - p);
	return 1;
}

static int name_matches(const char *item, size_t n, const char *rule_id, const char *rule_name,
			const char *const *aliases)
{
	if (n == 0)
		return 0;
	if (rule_id && strlen(rule_id) == n && !strncasecmp(item, rule_id, n))
		return 1;
	if (rule_name && strlen(rule_name) == n && !strncasecmp(item, rule_name, n))
		return 1;
	for (const char *const *a = aliases; a && *a; a++)
		if (strlen(*a) == n && !strncasecmp(item, *a, n))
			return 1;
	return 0;
}

static int list_matches(const char *list, size_t len, const char *rule_id, const char *rule_name,
			const char *const *aliases)
{
	const char *p = list, *end = list + len;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *e = c ? c : end;
		if (name_matches(p, (size_t)(e - p), rule_id, rule_name, aliases))
			return 1;
		p = e + 1;
	}
	return 0;
}

static int scan_globals(dffix_doc *doc)
{
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t k = 0;
		for (const dfx_node *node = doc->first; node; node = node->next) {
			if (node->kind != DFX_NODE_COMMENT)
				continue;
			int global;
			const char *list;
			size_t len;
			if (!dfx_pragma_parse(node->src + node->start, node->end - node->start, &global, &list, &len) ||
			    !global)
				continue;
			if (pass == 1) {
				doc->global_ignores[k] = dfx_arena_strndup(&doc->arena, list, len);
				if (!doc->global_ignores[k])
					return DFFIX_ENOMEM;
			}
			k++;
		}
		if (pass == 0) {
			n = k;
			if (n && !(doc->global_ignores = dfx_arena_alloc(&doc->arena, n * sizeof(char *))))
				return DFFIX_ENOMEM;
		}
	}
	doc->global_ignore_count = n;
	doc->globals_scanned = 1;
	return 0;
}

int dfx_suppressed(dffix_doc *doc, const dfx_node *node, const char *rule_id, const char *rule_name,
		   const char *const *aliases)
{
	if (!doc->globals_scanned && scan_globals(doc) < 0)
		return 0;
	for (size_t i = 0; i < doc->global_ignore_count; i++)
		if (list_matches(doc->global_ignores[i], strlen(doc->global_ignores[i]), rule_id, rule_name, aliases))
			return 1;
	for (const dfx_node *c = node ? node->prev : NULL; c && c->kind == DFX_NODE_COMMENT; c = c->prev) {
		int global;
		const char *list;
		size_t len;
		if (dfx_pragma_parse(c->src + c->start, c->end - c->start, &global, &list, &len) && !global &&
		    list_matches(list, len, rule_id, rule_name, aliases))
			return 1;
	}
	return 0;
}
