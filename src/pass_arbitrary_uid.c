/*
 * pass_arbitrary_uid.c - let an arbitrary user ID write the directories the
 * final image's process writes (O2). OpenShift runs containers with a random
 * UID whose group is 0, so those directories must belong to group 0 and give
 * the group the owner's rights:
 *
 *     FROM ubi9                     FROM ubi9
 *     WORKDIR /app                  WORKDIR /app
 *     COPY . .                      COPY . .
 *     USER 1001               ->    RUN chgrp -R 0 /app && \
 *     CMD ["./run"]                     chmod -R g=u /app
 *                                   USER 1001
 *                                   CMD ["./run"]
 *
 *     RUN mkdir /var/lib/app        RUN mkdir /var/lib/app
 *     VOLUME /var/lib/app /cache -> RUN mkdir -p /cache && \
 *                                       chgrp -R 0 /var/lib/app /cache && \
 *                                       chmod -R g=u /var/lib/app /cache
 *                                   VOLUME /var/lib/app /cache
 *
 * The directories: every WORKDIR and VOLUME of the final stage plus the
 * configured writable_dirs. A directory is left out (with a diagnostic) when
 * it is a system path (/, /etc and everything under it so /etc/passwd is never
 * loosened, /usr, /var, /lib*, /tmp...), when a variable or an unknown base
 * directory hides it, or when a RUN after its last write already does
 * `chgrp -R 0` (or `chown -R x:0`) and `chmod -R g=u` (or g+rwX) on it or a
 * parent.
 *
 * Placement: after the last instruction that may write into the directory
 * (WORKDIR creating it, COPY/ADD into it, a RUN naming it, working in it, or
 * using variables; an unknown working directory counts as /) and before the
 * first of: a USER that is not root, CMD,
 * ENTRYPOINT, HEALTHCHECK, SHELL, or a VOLUME covering the directory. The
 * VOLUME rule: the classic builder discards what a RUN changes inside a
 * declared volume (docker's Dockerfile reference, VOLUME, "Changing the
 * volume from within the Dockerfile"; BuildKit keeps the changes), so the
 * RUN must come before the VOLUME line; when the directory is written after
 * its VOLUME line the pass refuses. Directories with different windows get
 * separate RUNs. The RUN needs root: when a non-root USER is in effect there
 * the pass refuses. A base image's own USER is unknown and assumed root.
 * `mkdir -p` is added for VOLUME and configured directories that no WORKDIR
 * or mkdir of the stage created, since chgrp fails on a missing path (a
 * VOLUME line does not create its directory); it leaves existing ones alone.
 *
 * Cost: linear in the input, plus sorting. Each path is interned once in a
 * tree of path components, so "inside" is a tree relation. Instead of testing
 * every directory against every instruction, each instruction marks the tree
 * nodes it writes, creates, hands to group 0 or declares a volume, and one
 * sweep over the tree spreads the marks to the ancestors or descendants they
 * concern (spread()). The names a RUN mentions are found in one pass over its
 * text (matcher_scan()).
 */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "array.h"
#include "instr.h"
#include "pass.h"
#include "shell.h"

enum { USER_ROOT, USER_OTHER, USER_UNKNOWN };

#define NIL UINT32_MAX /* no node, no name: an unknown path */

/* The reporter cuts messages at 1 KiB (passes.c), so a message shows a path
 * by its first SHOWN_DEPTH components only, at least 1 KiB of text: a message
 * about a directory deep in a long WORKDIR chain costs a constant, not the
 * depth. */
#define SHOWN_DEPTH 512

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
	       c == '-';
}

/* Characters we write into the RUN without quoting. */
static int is_safe_char(char c)
{
	return is_name_char(c) || (c && strchr("/+@%,:=", c));
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n';
}

/* Section - the path tree */

/* A directory: a component under its parent. Node 0 is `/`. A parent is
 * always numbered before its children, so a sweep in number order visits
 * parents first and one in reverse order children first. */
typedef struct pnode {
	uint32_t parent;         /* the root is its own parent */
	uint32_t name;           /* into path_tree.names; NIL for the root */
	uint32_t depth;          /* components below `/` */
	uint32_t child, sibling; /* first child, next sibling; NIL at the end */
	uint32_t head;           /* ancestor-or-self of depth <= 4, all system_reason() looks at */
	uint32_t shown;          /* ancestor-or-self of depth <= SHOWN_DEPTH */
	uint32_t enter, leave;   /* preorder numbers: b lies under a iff a.enter <= b.enter < a.leave */
	int safe;                /* the whole path has only is_safe_char() characters */
} pnode;

typedef struct pname {
	size_t off; /* into path_tree.chars, NUL-terminated */
	uint32_t len, hash;
} pname;

typedef struct path_tree {
	DFX_ARRAY(pnode) nodes;
	DFX_ARRAY(pname) names; /* distinct components */
	DFX_ARRAY(char) chars;
	/* Open addressing, 1 + index (0: empty), at most half full. Names are
	 * found by their bytes, nodes by (parent, name). */
	uint32_t *name_slots, *node_slots;
	size_t name_cap, node_cap;
} path_tree;

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t hash_pair(uint32_t parent, uint32_t name)
{
	uint64_t k = (((uint64_t)parent << 32) | name) * 0x9E3779B97F4A7C15ull;
	return (uint32_t)(k >> 32);
}

static const char *name_text(const path_tree *t, uint32_t name)
{
	return t->chars.items + t->names.items[name].off;
}

/* Makes room for one more name (nodes: 0) or node (1), rebuilding the table
 * twice as large when it would be more than half full. */
static int table_reserve(path_tree *t, int nodes)
{
	size_t *cap = nodes ? &t->node_cap : &t->name_cap;
	uint32_t **slots = nodes ? &t->node_slots : &t->name_slots;
	size_t count = nodes ? t->nodes.len : t->names.len;
	if (2 * (count + 1) <= *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	uint32_t *fresh = dfx_calloc(ncap, sizeof(uint32_t));
	if (!fresh)
		return DFFIX_ENOMEM;
	/* The root is in no table: it is nobody's child. */
	for (size_t i = nodes ? 1 : 0; i < count; i++) {
		uint32_t h =
		    nodes ? hash_pair(t->nodes.items[i].parent, t->nodes.items[i].name) : t->names.items[i].hash;
		size_t slot = h & (ncap - 1);
		while (fresh[slot])
			slot = (slot + 1) & (ncap - 1);
		fresh[slot] = (uint32_t)(i + 1);
	}
	dfx_free(*slots);
	*slots = fresh;
	*cap = ncap;
	return 0;
}

static void table_put(uint32_t *slots, size_t cap, uint32_t h, size_t index)
{
	size_t slot = h & (cap - 1);
	while (slots[slot])
		slot = (slot + 1) & (cap - 1);
	slots[slot] = (uint32_t)(index + 1);
}

/* The name with these bytes, or NIL. */
static uint32_t name_find(const path_tree *t, const char *s, size_t n, uint32_t h)
{
	if (!t->name_cap)
		return NIL;
	size_t mask = t->name_cap - 1;
	for (size_t slot = h & mask; t->name_slots[slot]; slot = (slot + 1) & mask) {
		uint32_t k = t->name_slots[slot] - 1;
		const pname *nm = &t->names.items[k];
		if (nm->hash == h && nm->len == n && !memcmp(name_text(t, k), s, n))
			return k;
	}
	return NIL;
}

static int name_intern(path_tree *t, const char *s, size_t n, uint32_t *out)
{
	uint32_t h = hash_bytes(s, n);
	if ((*out = name_find(t, s, n, h)) != NIL)
		return 0;
	if (table_reserve(t, 0) < 0)
		return DFFIX_ENOMEM;
	while (t->chars.cap - t->chars.len < n + 1)
		if (dfx_array__grow((void **)&t->chars.items, &t->chars.cap, 1) < 0)
			return DFFIX_ENOMEM;
	pname nm = {t->chars.len, (uint32_t)n, h};
	memcpy(t->chars.items + t->chars.len, s, n);
	t->chars.items[t->chars.len + n] = '\0';
	t->chars.len += n + 1;
	if (DFX_ARRAY_PUSH(&t->names, nm) < 0)
		return DFFIX_ENOMEM;
	*out = (uint32_t)(t->names.len - 1);
	table_put(t->name_slots, t->name_cap, h, *out);
	return 0;
}

static int tree_init(path_tree *t)
{
	memset(t, 0, sizeof(*t));
	pnode root = {0, NIL, 0, NIL, NIL, 0, 0, 0, 0, 1};
	return DFX_ARRAY_PUSH(&t->nodes, root) < 0 ? DFFIX_ENOMEM : 0;
}

static void tree_dispose(path_tree *t)
{
	DFX_ARRAY_FREE(&t->nodes);
	DFX_ARRAY_FREE(&t->names);
	DFX_ARRAY_FREE(&t->chars);
	dfx_free(t->name_slots);
	dfx_free(t->node_slots);
}

/* The child of `parent` named s[0..n), made when new. */
static int tree_child(path_tree *t, uint32_t parent, const char *s, size_t n, uint32_t *out)
{
	uint32_t name;
	int error = name_intern(t, s, n, &name);
	if (error < 0)
		return error;
	uint32_t h = hash_pair(parent, name);
	if (t->node_cap) {
		size_t mask = t->node_cap - 1;
		for (size_t slot = h & mask; t->node_slots[slot]; slot = (slot + 1) & mask) {
			uint32_t k = t->node_slots[slot] - 1;
			if (t->nodes.items[k].parent == parent && t->nodes.items[k].name == name) {
				*out = k;
				return 0;
			}
		}
	}
	if ((error = table_reserve(t, 1)) < 0)
		return error;
	const pnode *up = &t->nodes.items[parent];
	uint32_t id = (uint32_t)t->nodes.len;
	pnode nd = {parent, name, up->depth + 1, NIL, up->child, 0, 0, 0, 0, up->safe};
	nd.head = nd.depth <= 4 ? id : up->head;
	nd.shown = nd.depth <= SHOWN_DEPTH ? id : up->shown;
	for (size_t i = 0; i < n && nd.safe; i++)
		nd.safe = is_safe_char(s[i]);
	if (DFX_ARRAY_PUSH(&t->nodes, nd) < 0) /* `up` is stale from here */
		return DFFIX_ENOMEM;
	t->nodes.items[parent].child = id;
	table_put(t->node_slots, t->node_cap, h, id);
	*out = id;
	return 0;
}

/* Joins `p` to `base` when relative and resolves `.`, `..`, repeated and
 * trailing slashes, giving the node (NIL when relative without a base). */
static int tree_resolve(path_tree *t, uint32_t base, const char *p, size_t len, uint32_t *out)
{
	uint32_t cur = len && p[0] == '/' ? 0 : base;
	size_t i = 0;
	while (cur != NIL && i < len) {
		while (i < len && p[i] == '/')
			i++;
		size_t st = i;
		while (i < len && p[i] != '/')
			i++;
		size_t cl = i - st;
		if (cl == 0 || (cl == 1 && p[st] == '.'))
			continue;
		if (cl == 2 && p[st] == '.' && p[st + 1] == '.') {
			cur = t->nodes.items[cur].parent;
			continue;
		}
		int error = tree_child(t, cur, p + st, cl, &cur);
		if (error < 0)
			return error;
	}
	*out = cur;
	return 0;
}

typedef DFX_ARRAY(char) text_buf;

/* The text of a node's path, "/" or "/a/b", in *buf (reused); NULL when out
 * of memory. */
static const char *tree_text(const path_tree *t, uint32_t node, text_buf *buf)
{
	size_t len = 0;
	for (uint32_t k = node; k; k = t->nodes.items[k].parent)
		len += 1 + t->names.items[t->nodes.items[k].name].len;
	while (buf->cap < len + 2)
		if (dfx_array__grow((void **)&buf->items, &buf->cap, 1) < 0)
			return NULL;
	if (!len) {
		buf->len = 1;
		return strcpy(buf->items, "/");
	}
	buf->len = len;
	buf->items[len] = '\0';
	for (uint32_t k = node; k; k = t->nodes.items[k].parent) {
		const pname *nm = &t->names.items[t->nodes.items[k].name];
		len -= nm->len;
		memcpy(buf->items + len, name_text(t, t->nodes.items[k].name), nm->len);
		buf->items[--len] = '/';
	}
	return buf->items;
}

/* Numbers the nodes in preorder (enter, leave) once the tree is complete. */
static void tree_number(path_tree *t)
{
	pnode *nd = t->nodes.items;
	uint32_t clock = 0, k = 0;
	for (;;) {
		nd[k].enter = clock++;
		if (nd[k].child != NIL) {
			k = nd[k].child;
			continue;
		}
		for (;;) {
			nd[k].leave = clock;
			if (k == 0)
				return;
			if (nd[k].sibling != NIL) {
				k = nd[k].sibling;
				break;
			}
			k = nd[k].parent;
		}
	}
}

/* Section - paths */

/* Why a directory must not be changed, or NULL. */
static const char *system_reason(const char *p)
{
	/* clang-format off */
	static const char *const exact[] = {
		"/", "/home", "/media", "/mnt", "/opt", "/root", "/run", "/usr", "/var", "/usr/include",
		"/usr/libexec", "/usr/share", "/usr/src", "/usr/local", "/usr/local/bin", "/usr/local/sbin",
		"/usr/local/lib", "/usr/local/lib64", "/usr/local/include", "/usr/local/share",
		"/usr/local/etc", "/usr/local/libexec", "/var/lib", "/var/log", "/var/cache", "/var/spool",
		"/var/run", "/var/lock", "/var/mail", "/var/opt", "/var/local", "/var/backups", "/var/www",
		NULL
	};
	static const char *const tree[] = {
		"/etc", "/proc", "/sys", "/dev", "/boot", "/bin", "/sbin", "/usr/bin", "/usr/sbin", NULL
	};
	/* clang-format on */
	if (!strcmp(p, "/tmp") || !strcmp(p, "/var/tmp") || !strcmp(p, "/dev/shm"))
		return "is world-writable already";
	if (!strncmp(p, "/etc", 4) && (p[4] == '\0' || p[4] == '/'))
		return "holds system configuration (and /etc/passwd is never loosened)";
	for (size_t i = 0; tree[i]; i++) {
		size_t tl = strlen(tree[i]);
		if (!strncmp(p, tree[i], tl) && (p[tl] == '\0' || p[tl] == '/'))
			return "is a system directory";
	}
	/* /lib, /lib64, /usr/lib32... and what lies in them */
	if (!strncmp(p, "/lib", 4) || !strncmp(p, "/usr/lib", 8))
		return "is a system directory";
	for (size_t i = 0; exact[i]; i++)
		if (!strcmp(p, exact[i]))
			return "is a system directory";
	return NULL;
}

/* Section - what each instruction does */

/* The WORKDIR/VOLUME word text has something the builder would process. */
static int needs_processing(const char *s, size_t n, char escape)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '$' || s[i] == '"' || s[i] == '\'' || s[i] == escape)
			return 1;
	return 0;
}

static int user_kind(const char *s, size_t n)
{
	size_t u = 0;
	while (u < n && s[u] != ':')
		u++;
	if (memchr(s, '$', n))
		return USER_UNKNOWN;
	if ((u == 4 && !memcmp(s, "root", 4)) || (u == 1 && s[0] == '0'))
		return USER_ROOT;
	return USER_OTHER;
}

/* The length of the first word of a USER: the user[:group]. */
static size_t user_word(const dfx_node *n)
{
	const char *s = n->logical + n->instr.args.start;
	size_t w = 0, len = n->instr.args.end - n->instr.args.start;
	while (w < len && !is_blank(s[w]))
		w++;
	return w;
}

/* What the build has set up before an instruction. */
typedef struct state {
	uint32_t cwd;     /* working directory; NIL when unknown */
	const char *user; /* USER text in effect; NULL: the base image's (assumed root) */
	int user_kind;
	const dfx_node *user_node;
	int user_here; /* user_node is in the final stage, not an ancestor */
	int shell_posix;
	const dfx_node *shell_node;
} state;

static void initial_state(state *st)
{
	memset(st, 0, sizeof(*st));
	st->cwd = NIL;
	st->shell_posix = 1;
}

/* Updates *st for the instruction n (WORKDIR, USER, SHELL). A WORKDIR that
 * uses a variable or quotes, or is relative to an unknown one, makes the
 * working directory unknown. */
static int step(state *st, path_tree *t, dfx_arena *arena, const dfx_node *n, char escape)
{
	const dfx_instr *in = &n->instr;
	const char *s = n->logical + in->args.start;
	size_t len = in->args.end - in->args.start;
	switch (in->keyword) {
	case DFX_KW_WORKDIR:
		if (needs_processing(s, len, escape) || len == 0)
			st->cwd = NIL;
		else
			return tree_resolve(t, st->cwd, s, len, &st->cwd);
		break;
	case DFX_KW_USER: {
		size_t w = user_word(n);
		if (!(st->user = dfx_arena_strndup(arena, s, w)))
			return DFFIX_ENOMEM;
		st->user_kind = user_kind(s, w);
		st->user_node = n;
		break;
	}
	case DFX_KW_SHELL:
		st->shell_posix = dfx_shell_is_posix(in);
		st->shell_node = n;
		break;
	default:
		break;
	}
	return 0;
}

/* The state at the end of a stage, following FROM <stage> chains. */
static int stage_end_state(state *st, path_tree *t, dfx_arena *arena, const dfx_pass_ctx *ctx, const dfx_stage *stage,
                           int depth)
{
	initial_state(st);
	int error;
	if (stage->parent && depth < 64 && (error = stage_end_state(st, t, arena, ctx, stage->parent, depth + 1)) < 0)
		return error;
	for (const dfx_node *n = stage->from->next; n; n = n->next) {
		if (n->kind == DFX_NODE_INSTRUCTION && n->instr.keyword == DFX_KW_FROM)
			break;
		if (n->kind == DFX_NODE_INSTRUCTION && (error = step(st, t, arena, n, ctx->doc->escape)) < 0)
			return error;
	}
	return 0;
}

/* The root of the FROM <stage> chain is `scratch`. */
static int from_scratch(const dfx_stage *stage)
{
	for (int depth = 0; stage && depth < 64; depth++) {
		if (!stage->base)
			return 0;
		if (!stage->base_is_stage)
			return !strcasecmp(stage->base, "scratch");
		stage = stage->parent;
	}
	return 0;
}

/* The last argument of COPY/ADD: its destination, resolved; NIL when
 * unknown. */
static int copy_dest(path_tree *t, const dfx_node *n, uint32_t cwd, char escape, uint32_t *out)
{
	const dfx_instr *in = &n->instr;
	const char *s;
	size_t len;
	*out = NIL;
	if (in->json) {
		if (in->json_count < 2)
			return 0;
		s = in->json_values[in->json_count - 1];
		len = strlen(s);
	} else {
		uint32_t e = in->args.end, b;
		while (e > in->args.start && is_blank(n->logical[e - 1]))
			e--;
		b = e;
		while (b > in->args.start && !is_blank(n->logical[b - 1]))
			b--;
		s = n->logical + b;
		len = e - b;
		if (needs_processing(s, len, escape))
			return 0;
	}
	if (len == 0 || memchr(s, '$', len))
		return 0;
	return tree_resolve(t, cwd, s, len, out);
}

/* Section - what RUNs do */

typedef DFX_ARRAY(uint32_t) id_array;

/* Nodes ids[start..start+len) of one of the uid_ctx arrays. */
typedef struct id_range {
	uint32_t start, len;
} id_range;

/* What the walk learns about one instruction of the final stage. */
typedef struct instr_facts {
	uint32_t path;  /* WORKDIR: its directory; COPY/ADD: the destination; NIL: unknown */
	id_range grp;   /* RUN: paths it gives to group 0 recursively (chgrp/chown) */
	id_range mod;   /* RUN: paths it makes group-writable like the owner (chmod) */
	id_range made;  /* RUN: directories it creates (mkdir) */
	id_range paths; /* RUN: what its exact commands write (see below); VOLUME: its plain paths */
	/* RUN: the text judged by the names it mentions (matcher_scan()) */
	const char *text;
	size_t text_len;
	int scanned;    /* RUN: the exact commands were understood */
	int other_cmds; /* RUN: a command not understood exactly: it may write in the working directory */
	int limits_all; /* the pass's RUN must come before it whatever the directory */
} instr_facts;

typedef struct dir {
	uint32_t node;
	const char *path;    /* its text, made when first needed */
	const dfx_node *src; /* where it was found (the FROM for configured ones) */
	int kind;
	int skip;        /* refused, covered by a parent, or handled */
	size_t cover;    /* 1 + index of the listed parent whose chgrp -R covers it; 0: none */
	long last_write; /* index of the last instruction writing it; -1: none */
	long limit;      /* index of the instruction the RUN must precede */
} dir;

enum { SRC_WORKDIR, SRC_VOLUME, SRC_OPTION };

typedef struct uid_ctx {
	dfx_pass_ctx *ctx;
	const dfx_pass *self;
	dfx_arena scratch; /* what the pass needs until it returns */
	path_tree tree;
	dfx_node **nodes; /* instructions of the final stage after its FROM */
	size_t n;
	state *before;      /* before[i]: state before nodes[i]; before[n]: at the end */
	instr_facts *facts; /* facts[i]: what nodes[i] does */
	id_array grp_ids, mod_ids, made_ids, path_ids;
	DFX_ARRAY(dir) dirs;
	int declared;  /* WORKDIR/VOLUME lines seen, resolved or not */
	text_buf text; /* a path being shown */

	/* What the instructions do to each tree node, spread to where it
	 * applies by spread(). Instruction indexes; -1 for "last" and LONG_MAX
	 * for "first" when none. */
	long *marks;        /* one block for the six arrays below */
	long *wrote_inside; /* last write to the node or below it */
	long *wrote_whole;  /* last write to a tree holding the node: copy, exact command, mention */
	long *handed;       /* last RUN giving the node or a parent to group 0 with the owner's rights */
	long *created;      /* first WORKDIR or mkdir of the node or below it */
	long *vol_above;    /* first VOLUME of the node or a parent */
	long *vol_below;    /* first VOLUME of the node or below it */
	long *mentioned;    /* per name: last RUN whose text holds it as a component */
	long all_writes;    /* last instruction that may write anywhere */
	long first_unknown_volume;
	long *next_limit; /* next_limit[i]: first instruction at or after i that limits every directory */
} uid_ctx;

static id_range range_since(const id_array *ids, size_t start)
{
	id_range r = {(uint32_t)start, (uint32_t)(ids->len - start)};
	return r;
}

/* Appends the node of p (resolved against base) to ids; unknown paths are
 * left out. */
static int push_path(uid_ctx *u, id_array *ids, uint32_t base, const char *p)
{
	uint32_t node;
	int error = tree_resolve(&u->tree, base, p, strlen(p), &node);
	if (error < 0)
		return error;
	return node == NIL || DFX_ARRAY_PUSH(ids, node) == 0 ? 0 : DFFIX_ENOMEM;
}

static int recursive_option(const char *w)
{
	if (!strcmp(w, "--recursive"))
		return 1;
	return w[0] == '-' && w[1] != '-' && strchr(w, 'R') != NULL;
}

static int group_is_root(const char *g)
{
	return !strcmp(g, "0") || !strcmp(g, "root");
}

/* A chmod mode that gives the group at least the owner's read/write rights. */
static int mode_ok(const char *m)
{
	size_t n = strlen(m);
	if (n >= 3 && n <= 4 && strspn(m, "01234567") == n) {
		char u = m[n - 3], g = m[n - 2];
		return u == g && ((g - '0') & 2);
	}
	const char *p = m;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t cl = e ? (size_t)(e - p) : strlen(p);
		size_t who = strspn(p, "ugoa");
		int g = memchr(p, 'g', who) || memchr(p, 'a', who);
		if (g && who < cl) {
			char op = p[who];
			const char *perm = p + who + 1;
			size_t pl = cl - who - 1;
			if (op == '=' && pl == 1 && perm[0] == 'u')
				return 1;
			if (op == '+' && memchr(perm, 'r', pl) && memchr(perm, 'w', pl) &&
			    (memchr(perm, 'x', pl) || memchr(perm, 'X', pl)))
				return 1;
		}
		p += cl;
		if (*p == ',')
			p++;
	}
	return 0;
}

/* Collects the paths a RUN gives to group 0 recursively (chgrp/chown),
 * makes group-writable like the owner (chmod), and creates (mkdir). */
static int scan_handler(uid_ctx *u, dfx_arena *tmp, const dfx_sh_script *sc, const char *text, uint32_t cwd)
{
	int error;
	for (size_t c = 0; c < sc->cmd_count; c++) {
		const dfx_sh_cmd *cmd = &sc->cmds[c];
		if (cmd->kind != DFX_SH_KIND_SIMPLE)
			continue;
		/* Every word: the RUN this pass writes lists all directories in
		 * one chgrp, and must be recognised again on the next run. */
		const char **words = dfx_arena_alloc(tmp, (cmd->word_count + 1) * sizeof(char *));
		if (!words)
			return DFFIX_ENOMEM;
		size_t nw = 0;
		int unknown = 0;
		for (uint32_t k = 0; k < cmd->word_count; k++) {
			const dfx_sh_word *w = &sc->words[cmd->first_word + k];
			if (w->flags & (DFX_SH_WORD_ASSIGNMENT | DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET))
				continue;
			const char *v = dfx_sh_word_value(tmp, text, w);
			if (!v) {
				unknown = 1;
				v = "";
			}
			words[nw++] = v;
		}
		if (nw < 2 || (unknown && nw == 0))
			continue;
		const char *name = strrchr(words[0], '/') ? strrchr(words[0], '/') + 1 : words[0];
		if (!strcmp(name, "mkdir")) {
			/* Directories it creates need no mkdir from us. */
			for (size_t k = 1; k < nw; k++) {
				if (!words[k][0] || words[k][0] == '-')
					continue;
				if ((error = push_path(u, &u->made_ids, cwd, words[k])) < 0)
					return error;
			}
			continue;
		}
		if (nw < 3)
			continue;
		int is_chgrp = !strcmp(name, "chgrp"), is_chown = !strcmp(name, "chown"),
		    is_chmod = !strcmp(name, "chmod");
		if (!is_chgrp && !is_chown && !is_chmod)
			continue;
		size_t k = 1;
		int recursive = 0;
		for (; k < nw && words[k][0] == '-' && words[k][1]; k++) {
			if (!strcmp(words[k], "--")) {
				k++;
				break;
			}
			/* chmod -w and friends are modes, not options. */
			if (is_chmod && strspn(words[k] + 1, "rwxXst") == strlen(words[k] + 1))
				break;
			recursive |= recursive_option(words[k]);
		}
		if (!recursive || k + 1 >= nw)
			continue;
		const char *arg = words[k];
		int ok;
		if (is_chgrp) {
			ok = group_is_root(arg);
		} else if (is_chown) {
			const char *colon = strchr(arg, ':');
			ok = colon && group_is_root(colon + 1);
		} else {
			ok = mode_ok(arg);
		}
		if (!ok)
			continue;
		for (k++; k < nw; k++) {
			if (!words[k][0])
				continue;
			if ((error = push_path(u, is_chmod ? &u->mod_ids : &u->grp_ids, cwd, words[k])) < 0)
				return error;
		}
	}
	return 0;
}

/* When cmd is a chgrp, chown, chmod or mkdir of literal absolute paths,
 * without redirections or assignments, appends those paths to path_ids and
 * returns 1; returns 0 for any other command (nothing appended). */
static int exact_targets(uid_ctx *u, dfx_arena *tmp, const char *text, const dfx_sh_script *sc, const dfx_sh_cmd *cmd)
{
	size_t nw = cmd->word_count;
	if (cmd->kind != DFX_SH_KIND_SIMPLE || nw < 2)
		return 0;
	const char **words = dfx_arena_alloc(tmp, nw * sizeof(char *));
	if (!words)
		return DFFIX_ENOMEM;
	for (size_t k = 0; k < nw; k++) {
		const dfx_sh_word *w = &sc->words[cmd->first_word + k];
		if (w->flags & (DFX_SH_WORD_ASSIGNMENT | DFX_SH_WORD_REDIRECT | DFX_SH_WORD_REDIRECT_TARGET))
			return 0;
		if (!(words[k] = dfx_sh_word_value(tmp, text, w)))
			return 0;
	}
	const char *name = strrchr(words[0], '/') ? strrchr(words[0], '/') + 1 : words[0];
	int is_mkdir = !strcmp(name, "mkdir"), is_chmod = !strcmp(name, "chmod");
	if (!is_mkdir && !is_chmod && strcmp(name, "chgrp") && strcmp(name, "chown"))
		return 0;
	int operand = !is_mkdir; /* the owner, group or mode before the paths */
	size_t k = 1;
	for (; k < nw && words[k][0] == '-' && words[k][1]; k++) {
		const char *w = words[k];
		size_t wl = strlen(w);
		if (!strcmp(w, "--")) {
			k++;
			break;
		}
		/* chmod -w and friends are modes, not options. */
		if (is_chmod && strspn(w + 1, "rwxXst") == wl - 1)
			break;
		if (!strncmp(w, "--reference", 11))
			operand = 0;
		/* mkdir -m MODE, -pm MODE, --mode MODE: skip the mode. */
		if (is_mkdir && (!strcmp(w, "--mode") || (w[1] != '-' && w[wl - 1] == 'm')))
			k++;
	}
	if (operand)
		k++;
	if (k >= nw)
		return 0;
	/* Relative paths depend on the working directory, which a `cd` earlier
	 * in the RUN may have changed. */
	for (size_t j = k; j < nw; j++)
		if (words[j][0] != '/')
			return 0;
	for (size_t j = k; j < nw; j++) {
		int error = push_path(u, &u->path_ids, NIL, words[j]);
		if (error < 0)
			return error;
	}
	return 1;
}

/* What a RUN may write, for the "last write" of a directory. Commands that
 * only chgrp/chown/chmod/mkdir literal absolute paths write exactly those
 * paths; the rest of the text is judged by the names it mentions. Reading
 * the pass's own `chgrp -R 0 /p && chmod -R g=u /p` that way instead would
 * count it as a write to /g (`g=u`), or to /app when /p is /usr/src/app, and
 * a second run would hand those to group 0 again. */
static int scan_writes(uid_ctx *u, instr_facts *f, dfx_arena *tmp, const dfx_sh_script *sc, const dfx_node *n)
{
	const dfx_instr *in = &n->instr;
	const char *text = n->logical + in->args.start;
	size_t len = in->args.end - in->args.start;
	/* The flags (a --mount target, say) stay in the text judged by name;
	 * the exact commands are blanked out of it. */
	size_t pre = in->args.start - in->keyword_span.end;
	char *rest = dfx_arena_strndup(&u->scratch, n->logical + in->keyword_span.end, pre + len);
	if (!rest)
		return DFFIX_ENOMEM;
	for (size_t c = 0; c < sc->cmd_count; c++) {
		const dfx_sh_cmd *cmd = &sc->cmds[c];
		int exact = exact_targets(u, tmp, text, sc, cmd);
		if (exact < 0)
			return exact;
		if (exact)
			memset(rest + pre + cmd->start, ' ', cmd->end - cmd->start);
		else
			f->other_cmds = 1;
	}
	f->text = rest;
	f->text_len = pre + len;
	f->scanned = 1;
	return 0;
}

/* The facts of RUN n, run in working directory cwd. A RUN that is not
 * understood (JSON form, here-documents, shell syntax the scanner cannot
 * follow) keeps its whole text to be judged by name. */
static int scan_run(uid_ctx *u, instr_facts *f, const dfx_node *n, uint32_t cwd)
{
	const dfx_instr *in = &n->instr;
	size_t grp = u->grp_ids.len, mod = u->mod_ids.len, made = u->made_ids.len, paths = u->path_ids.len;
	int error = 0;
	f->text = n->src + n->start;
	f->text_len = n->end - n->start;
	if (!in->json && !n->heredoc_count && in->args.end >= in->args.start) {
		/* The scanner's arrays are large (kilobytes per RUN): they live
		 * in tmp, freed right after; only the nodes found are kept. */
		dfx_arena tmp = DFX_ARENA_INIT;
		dfx_sh_script sc;
		const char *text = n->logical + in->args.start;
		size_t len = in->args.end - in->args.start;
		error = dfx_sh_scan(&sc, &tmp, text, len);
		if (error >= 0 && !sc.unterminated && !sc.syntax_error) {
			if (len)
				error = scan_handler(u, &tmp, &sc, text, cwd);
			if (error >= 0 && !sc.has_heredoc && in->keyword_span.end <= in->args.start)
				error = scan_writes(u, f, &tmp, &sc, n);
		}
		dfx_arena_dispose(&tmp);
	}
	f->grp = range_since(&u->grp_ids, grp);
	f->mod = range_since(&u->mod_ids, mod);
	f->made = range_since(&u->made_ids, made);
	f->paths = range_since(&u->path_ids, paths);
	return error;
}

/* The plain paths of a VOLUME; limits_all when one is not plain (a
 * variable, quotes, a relative path), as it may be any directory. */
static int volume_paths(uid_ctx *u, instr_facts *f, const dfx_node *n)
{
	const dfx_instr *in = &n->instr;
	size_t start = u->path_ids.len;
	int error = 0;
	if (in->json) {
		for (size_t k = 0; k < in->json_count && error >= 0; k++) {
			const char *v = in->json_values[k];
			if (v[0] == '/')
				error = push_path(u, &u->path_ids, NIL, v);
			else
				f->limits_all = 1;
		}
	} else {
		const char *s = n->logical + in->args.start;
		size_t len = in->args.end - in->args.start;
		for (size_t q = 0; q < len && error >= 0;) {
			while (q < len && is_blank(s[q]))
				q++;
			size_t b = q;
			while (q < len && !is_blank(s[q]))
				q++;
			if (q == b)
				break;
			uint32_t node;
			if (s[b] != '/' || needs_processing(s + b, q - b, u->ctx->doc->escape))
				f->limits_all = 1;
			else if ((error = tree_resolve(&u->tree, NIL, s + b, q - b, &node)) >= 0 &&
			         DFX_ARRAY_PUSH(&u->path_ids, node) < 0)
				error = DFFIX_ENOMEM;
		}
	}
	f->paths = range_since(&u->path_ids, start);
	return error;
}

/* Walks the final stage: the state before each instruction and its facts. */
static int learn(uid_ctx *u, const dfx_stage *final)
{
	dfx_pass_ctx *ctx = u->ctx;
	char escape = ctx->doc->escape;
	state st;
	int error;
	initial_state(&st);
	if (final->parent && (error = stage_end_state(&st, &u->tree, &u->scratch, ctx, final->parent, 0)) < 0)
		return error;
	size_t i = 0;
	for (dfx_node *n = final->from->next; n; n = n->next) {
		if (n->kind != DFX_NODE_INSTRUCTION)
			continue;
		instr_facts *f = &u->facts[i];
		f->path = NIL;
		u->nodes[i] = n;
		u->before[i] = st;
		error = 0;
		switch (n->instr.keyword) {
		case DFX_KW_COPY:
		case DFX_KW_ADD:
			error = copy_dest(&u->tree, n, st.cwd, escape, &f->path);
			break;
		case DFX_KW_RUN:
			error = scan_run(u, f, n, st.cwd);
			break;
		case DFX_KW_VOLUME:
			error = volume_paths(u, f, n);
			break;
		case DFX_KW_CMD:
		case DFX_KW_ENTRYPOINT:
		case DFX_KW_HEALTHCHECK:
		case DFX_KW_SHELL:
			f->limits_all = 1;
			break;
		case DFX_KW_USER:
			f->limits_all = user_kind(n->logical + n->instr.args.start, user_word(n)) != USER_ROOT;
			break;
		default:
			break;
		}
		if (error < 0 || (error = step(&st, &u->tree, &u->scratch, n, escape)) < 0)
			return error;
		if (n->instr.keyword == DFX_KW_WORKDIR)
			f->path = st.cwd;
		if (n->instr.keyword == DFX_KW_USER)
			st.user_here = 1;
		i++;
	}
	u->before[u->n] = st;
	return 0;
}

/* Section - names a RUN mentions */

/* An Aho-Corasick automaton over the names that may be components of a
 * directory the pass changes (safe characters only). One pass over a RUN's
 * text finds each name it holds as a word: with no name character on either
 * side (`/app`, `app/x`, `./app`). */
typedef struct ac_state {
	uint32_t parent;
	uint32_t fail;    /* the longest proper suffix that is a state */
	uint32_t out;     /* the longest proper suffix that is a whole name, or NIL */
	uint32_t next_ok; /* for a whole name: the next name on its out chain that
	                   * follows a non-name character inside it, or NIL */
	uint32_t name;    /* the name this state spells, or NIL */
	uint32_t depth;
	uint32_t child, sibling;
	unsigned char byte;
} ac_state;

typedef struct name_matcher {
	ac_state *states;
	size_t count;
	uint32_t *slots; /* (parent, byte) -> 1 + state, 0: empty; at most half full */
	size_t cap;
} name_matcher;

static uint32_t matcher_goto(const name_matcher *m, uint32_t st, unsigned char b)
{
	size_t mask = m->cap - 1;
	for (size_t slot = hash_pair(st, b) & mask; m->slots[slot]; slot = (slot + 1) & mask) {
		uint32_t k = m->slots[slot] - 1;
		if (m->states[k].parent == st && m->states[k].byte == b)
			return k;
	}
	return NIL;
}

static int name_is_safe(const path_tree *t, uint32_t name)
{
	const char *s = name_text(t, name);
	for (uint32_t i = 0; i < t->names.items[name].len; i++)
		if (!is_safe_char(s[i]))
			return 0;
	return 1;
}

static void matcher_dispose(name_matcher *m)
{
	dfx_free(m->states);
	dfx_free(m->slots);
}

static int matcher_build(name_matcher *m, const path_tree *t)
{
	size_t total = 1;
	for (uint32_t k = 0; k < t->names.len; k++)
		if (name_is_safe(t, k))
			total += t->names.items[k].len;
	for (m->cap = 64; m->cap < 2 * total;)
		m->cap *= 2;
	m->states = dfx_malloc(total * sizeof(ac_state));
	m->slots = dfx_calloc(m->cap, sizeof(uint32_t));
	uint32_t *queue = dfx_malloc(total * sizeof(uint32_t));
	if (!m->states || !m->slots || !queue) {
		dfx_free(queue);
		return DFFIX_ENOMEM;
	}
	ac_state root = {0, 0, NIL, NIL, NIL, 0, NIL, NIL, 0};
	m->states[0] = root;
	m->count = 1;
	/* The trie of the names. */
	for (uint32_t k = 0; k < t->names.len; k++) {
		if (!name_is_safe(t, k))
			continue;
		const char *s = name_text(t, k);
		uint32_t st = 0;
		for (uint32_t i = 0; i < t->names.items[k].len; i++) {
			unsigned char b = (unsigned char)s[i];
			uint32_t next = matcher_goto(m, st, b);
			if (next == NIL) {
				next = (uint32_t)m->count++;
				ac_state c = {st, 0, NIL, NIL, NIL, m->states[st].depth + 1, NIL, m->states[st].child,
				              b};
				m->states[next] = c;
				m->states[st].child = next;
				table_put(m->slots, m->cap, hash_pair(st, b), next);
			}
			st = next;
		}
		m->states[st].name = k;
	}
	/* Failure and output links, shallower states first. */
	size_t head = 0, tail = 0;
	queue[tail++] = 0;
	while (head < tail) {
		uint32_t st = queue[head++];
		for (uint32_t c = m->states[st].child; c != NIL; c = m->states[c].sibling) {
			uint32_t f = 0;
			if (st) {
				uint32_t g;
				for (f = m->states[st].fail; (g = matcher_goto(m, f, m->states[c].byte)) == NIL && f;)
					f = m->states[f].fail;
				f = g == NIL ? 0 : g;
			}
			m->states[c].fail = f;
			m->states[c].out = m->states[f].name != NIL ? f : m->states[f].out;
			queue[tail++] = c;
		}
	}
	dfx_free(queue);
	/* A name ending inside another must also start at a word boundary: the
	 * character before it, inside the longer name, is known. */
	for (uint32_t st = 1; st < m->count; st++) {
		const ac_state *a = &m->states[st];
		if (a->name == NIL)
			continue;
		const char *s = name_text(t, a->name);
		uint32_t q = a->out;
		while (q != NIL && is_name_char(s[a->depth - m->states[q].depth - 1]))
			q = m->states[q].out;
		m->states[st].next_ok = q;
	}
	return 0;
}

/* Records in mentioned[] that RUN i holds each name found in the text. The
 * out chain of a name is walked once per RUN: a name already recorded for
 * this RUN had its chain recorded with it. */
static void matcher_scan(const name_matcher *m, const char *s, size_t len, long i, long *mentioned)
{
	uint32_t st = 0;
	for (size_t j = 0; j < len; j++) {
		unsigned char b = (unsigned char)s[j];
		uint32_t g;
		while ((g = matcher_goto(m, st, b)) == NIL && st)
			st = m->states[st].fail;
		st = g == NIL ? 0 : g;
		if (j + 1 < len && is_name_char(s[j + 1]))
			continue; /* not the end of a word */
		uint32_t p = m->states[st].name != NIL ? st : m->states[st].out;
		if (p == NIL)
			continue;
		size_t start = j + 1 - m->states[p].depth;
		if (start == 0 || !is_name_char(s[start - 1])) {
			if (mentioned[m->states[p].name] == i)
				continue;
			mentioned[m->states[p].name] = i;
		}
		for (uint32_t q = m->states[p].next_ok; q != NIL && mentioned[m->states[q].name] != i;
		     q = m->states[q].next_ok)
			mentioned[m->states[q].name] = i;
	}
}

/* Section - spreading the marks */

typedef struct span_key {
	uint32_t enter, leave;
} span_key;

static int by_enter(const void *a, const void *b)
{
	const span_key *x = a, *y = b;
	return x->enter < y->enter ? -1 : x->enter > y->enter;
}

/* Marks as handed over by RUN i each node of xs that lies under a node of
 * ys. */
static int mark_inside(uid_ctx *u, const uint32_t *xs, size_t nx, const uint32_t *ys, size_t ny, long i)
{
	const pnode *nd = u->tree.nodes.items;
	span_key *sorted = dfx_malloc(ny * sizeof(span_key));
	if (!sorted)
		return DFFIX_ENOMEM;
	for (size_t k = 0; k < ny; k++) {
		sorted[k].enter = nd[ys[k]].enter;
		sorted[k].leave = nd[ys[k]].leave;
	}
	qsort(sorted, ny, sizeof(span_key), by_enter);
	/* leave becomes the largest leave so far: x lies under one of the
	 * spans entered before it iff that largest leave is after x. */
	for (size_t k = 1; k < ny; k++)
		if (sorted[k].leave < sorted[k - 1].leave)
			sorted[k].leave = sorted[k - 1].leave;
	for (size_t k = 0; k < nx; k++) {
		uint32_t x = nd[xs[k]].enter;
		size_t lo = 0, hi = ny; /* the first span entered after x */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (sorted[mid].enter <= x)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0 && sorted[lo - 1].leave > x)
			u->handed[xs[k]] = i;
	}
	dfx_free(sorted);
	return 0;
}

/* RUN i hands to group 0 with the owner's rights what lies under both a
 * chgrp/chown path and a chmod path of it: under the deeper of the two,
 * which lies under the other. */
static int mark_handed(uid_ctx *u, const instr_facts *f, long i)
{
	if (!f->grp.len || !f->mod.len)
		return 0; /* (the lists may be empty, their items NULL) */
	const uint32_t *grp = u->grp_ids.items + f->grp.start, *mod = u->mod_ids.items + f->mod.start;
	int error = mark_inside(u, grp, f->grp.len, mod, f->mod.len, i);
	return error < 0 ? error : mark_inside(u, mod, f->mod.len, grp, f->grp.len, i);
}

static void mark_write(uid_ctx *u, uint32_t node, long i, int whole)
{
	if (node == NIL) {
		u->all_writes = i;
		return;
	}
	u->wrote_inside[node] = i;
	if (whole)
		u->wrote_whole[node] = i;
}

/* Marks what each instruction does on the tree, then spreads the marks:
 * a write inside a node writes into each of its ancestors, a write to a
 * whole tree or a VOLUME reaches each node below. */
static int spread(uid_ctx *u)
{
	path_tree *t = &u->tree;
	size_t count = t->nodes.len;
	int error;
	tree_number(t);
	u->marks = dfx_malloc(6 * count * sizeof(long));
	u->next_limit = dfx_arena_alloc(&u->scratch, (u->n + 1) * sizeof(long));
	if (!u->marks || !u->next_limit)
		return DFFIX_ENOMEM;
	u->wrote_inside = u->marks;
	u->wrote_whole = u->marks + count;
	u->handed = u->marks + 2 * count;
	u->created = u->marks + 3 * count;
	u->vol_above = u->marks + 4 * count;
	u->vol_below = u->marks + 5 * count;
	for (size_t k = 0; k < count; k++) {
		u->wrote_inside[k] = u->wrote_whole[k] = u->handed[k] = -1;
		u->created[k] = u->vol_above[k] = u->vol_below[k] = LONG_MAX;
	}
	u->all_writes = -1;
	u->first_unknown_volume = LONG_MAX;

	/* What exists before each instruction: WORKDIRs and mkdirs. */
	for (size_t i = u->n; i-- > 0;) {
		const instr_facts *f = &u->facts[i];
		if (u->nodes[i]->instr.keyword == DFX_KW_WORKDIR && f->path != NIL)
			u->created[f->path] = (long)i;
		for (size_t k = 0; k < f->made.len; k++)
			u->created[u->made_ids.items[f->made.start + k]] = (long)i;
	}
	for (size_t k = count; k-- > 1;) {
		long *up = &u->created[t->nodes.items[k].parent];
		if (u->created[k] < *up)
			*up = u->created[k];
	}

	name_matcher matcher;
	memset(&matcher, 0, sizeof(matcher));
	if ((error = matcher_build(&matcher, t)) < 0 ||
	    !(u->mentioned = dfx_malloc((t->names.len + 1) * sizeof(long)))) {
		matcher_dispose(&matcher);
		return error < 0 ? error : DFFIX_ENOMEM;
	}
	for (size_t k = 0; k < t->names.len; k++)
		u->mentioned[k] = -1;
	for (size_t i = 0; i < u->n; i++) {
		const instr_facts *f = &u->facts[i];
		/* No arithmetic on an empty list's NULL items (undefined). */
		const uint32_t *paths = f->paths.len ? u->path_ids.items + f->paths.start : NULL;
		long at = (long)i;
		uint32_t cwd = u->before[i].cwd;
		switch (u->nodes[i]->instr.keyword) {
		case DFX_KW_WORKDIR:
			/* It creates its directory, unless that exists already. */
			if (f->path == NIL || u->created[f->path] >= at)
				mark_write(u, f->path, at, 0);
			break;
		case DFX_KW_COPY:
		case DFX_KW_ADD:
			mark_write(u, f->path, at, 1);
			break;
		case DFX_KW_RUN:
			if ((error = mark_handed(u, f, at)) < 0) {
				matcher_dispose(&matcher);
				return error;
			}
			for (size_t k = 0; k < f->paths.len; k++)
				mark_write(u, paths[k], at, 1);
			/* Only a command we do not follow may write in the working
			 * directory (the pass's own RUN never does). An unknown one
			 * counts as `/`, the default: counting it as "anywhere" would
			 * make every RUN before the first WORKDIR write everywhere. */
			if ((!f->scanned || f->other_cmds) && cwd != NIL)
				mark_write(u, cwd, at, 0);
			/* A variable or a command substitution may name anything. */
			if (memchr(f->text, '$', f->text_len) || memchr(f->text, '`', f->text_len))
				u->all_writes = at;
			else
				matcher_scan(&matcher, f->text, f->text_len, at, u->mentioned);
			break;
		case DFX_KW_VOLUME:
			for (size_t k = 0; k < f->paths.len; k++)
				if (u->vol_above[paths[k]] == LONG_MAX)
					u->vol_above[paths[k]] = u->vol_below[paths[k]] = at;
			if (f->limits_all && u->first_unknown_volume == LONG_MAX)
				u->first_unknown_volume = at;
			break;
		default:
			break;
		}
	}
	matcher_dispose(&matcher);
	u->next_limit[u->n] = (long)u->n;
	for (size_t i = u->n; i-- > 0;)
		u->next_limit[i] = u->facts[i].limits_all ? (long)i : u->next_limit[i + 1];

	for (size_t k = 1; k < count; k++) { /* parents first */
		const pnode *nd = &t->nodes.items[k];
		long whole = u->wrote_whole[nd->parent];
		if (u->mentioned[nd->name] > whole)
			whole = u->mentioned[nd->name];
		if (whole > u->wrote_whole[k])
			u->wrote_whole[k] = whole;
		if (u->handed[nd->parent] > u->handed[k])
			u->handed[k] = u->handed[nd->parent];
		if (u->vol_above[nd->parent] < u->vol_above[k])
			u->vol_above[k] = u->vol_above[nd->parent];
	}
	for (size_t k = count; k-- > 1;) { /* children first */
		uint32_t up = t->nodes.items[k].parent;
		if (u->wrote_inside[k] > u->wrote_inside[up])
			u->wrote_inside[up] = u->wrote_inside[k];
		if (u->vol_below[k] < u->vol_below[up])
			u->vol_below[up] = u->vol_below[k];
	}
	return 0;
}

/* Section - the directories */

static uint32_t line_of(const dfx_node *n)
{
	return n ? n->line : 0;
}

/* The path of a directory, for the RUN; NULL when out of memory. */
static const char *dir_path(uid_ctx *u, dir *d)
{
	if (!d->path && tree_text(&u->tree, d->node, &u->text))
		d->path = dfx_arena_strndup(&u->scratch, u->text.items, u->text.len);
	return d->path;
}

/* The path of a directory, for a message (see SHOWN_DEPTH); valid until
 * the next call. */
static const char *shown_path(uid_ctx *u, const dir *d)
{
	if (d->path)
		return d->path;
	const char *p = tree_text(&u->tree, u->tree.nodes.items[d->node].shown, &u->text);
	return p ? p : "";
}

static int add_dir(uid_ctx *u, uint32_t node, const dfx_node *src, int kind)
{
	dir d;
	memset(&d, 0, sizeof(d));
	d.node = node;
	d.src = src;
	d.kind = kind;
	return DFX_ARRAY_PUSH(&u->dirs, d) < 0 ? DFFIX_ENOMEM : 0;
}

/* Keeps the first of directories listed twice. */
static int dedup_dirs(uid_ctx *u)
{
	unsigned char *seen = dfx_calloc(u->tree.nodes.len, 1);
	if (!seen)
		return DFFIX_ENOMEM;
	size_t kept = 0;
	for (size_t i = 0; i < u->dirs.len; i++) {
		uint32_t node = u->dirs.items[i].node;
		if (!seen[node])
			u->dirs.items[kept++] = u->dirs.items[i];
		seen[node] = 1;
	}
	u->dirs.len = kept;
	dfx_free(seen);
	return 0;
}

static int collect_dirs(uid_ctx *u, const dfx_stage *final)
{
	dfx_pass_ctx *ctx = u->ctx;
	int error;
	for (size_t i = 0; i < u->n; i++) {
		dfx_node *n = u->nodes[i];
		const dfx_instr *in = &n->instr;
		if (in->keyword == DFX_KW_WORKDIR || in->keyword == DFX_KW_VOLUME)
			u->declared = 1;
		if (in->keyword == DFX_KW_WORKDIR) {
			if (dfx_pass_suppressed(ctx, u->self, n))
				continue;
			const char *s = n->logical + in->args.start;
			int len = (int)(in->args.end - in->args.start);
			if (u->facts[i].path != NIL) {
				if ((error = add_dir(u, u->facts[i].path, n, SRC_WORKDIR)) < 0)
					return error;
			} else if (needs_processing(s, (size_t)len, ctx->doc->escape)) {
				if ((error = dfx_pass_refused(ctx, u->self, n,
				                              "WORKDIR `%.*s` uses a variable or quotes; its directory "
				                              "is unknown",
				                              len, s)) < 0)
					return error;
			} else if (len) {
				if ((error =
				         dfx_pass_refused(ctx, u->self, n,
				                          "relative WORKDIR `%.*s`: the directory it is relative to "
				                          "is unknown",
				                          len, s)) < 0)
					return error;
			}
		} else if (in->keyword == DFX_KW_VOLUME) {
			if (dfx_pass_suppressed(ctx, u->self, n))
				continue;
			const char *s = n->logical + in->args.start;
			size_t len = in->args.end - in->args.start;
			size_t count = in->json ? in->json_count : 0;
			for (size_t k = 0, p = 0;; k++) {
				const char *w;
				size_t wl;
				if (in->json) {
					if (k >= count)
						break;
					w = in->json_values[k];
					wl = strlen(w);
				} else {
					while (p < len && is_blank(s[p]))
						p++;
					if (p >= len)
						break;
					w = s + p;
					while (p < len && !is_blank(s[p]))
						p++;
					wl = (size_t)(s + p - w);
					if (needs_processing(w, wl, ctx->doc->escape))
						wl = (size_t)-1;
				}
				if (wl == (size_t)-1 || memchr(w, '$', wl) || wl == 0 || w[0] != '/') {
					size_t show = wl == (size_t)-1 ? (size_t)(s + p - w) : wl;
					if ((error = dfx_pass_refused(ctx, u->self, n,
					                              "VOLUME `%.*s` is not a plain absolute path; its "
					                              "directory is unknown",
					                              (int)show, w)) < 0)
						return error;
					continue;
				}
				uint32_t node;
				if ((error = tree_resolve(&u->tree, NIL, w, wl, &node)) < 0 ||
				    (error = add_dir(u, node, n, SRC_VOLUME)) < 0)
					return error;
			}
		}
	}
	for (size_t k = 0; k < ctx->opts->writable_dir_count; k++) {
		const char *w = ctx->opts->writable_dirs[k];
		if (!w || w[0] != '/') {
			if ((error = dfx_pass_refused(ctx, u->self, final->from,
			                              "writable directory `%s` is not an absolute path", w ? w : "")) <
			    0)
				return error;
			continue;
		}
		uint32_t node;
		if ((error = tree_resolve(&u->tree, NIL, w, strlen(w), &node)) < 0 ||
		    (error = add_dir(u, node, final->from, SRC_OPTION)) < 0)
			return error;
	}
	return dedup_dirs(u);
}

/* Marks directories that are system paths, need quoting, or lie inside
 * another directory of the list (its chgrp -R covers them). */
static int filter_dirs(uid_ctx *u)
{
	const path_tree *t = &u->tree;
	int error;
	for (size_t i = 0; i < u->dirs.len; i++) {
		dir *d = &u->dirs.items[i];
		const pnode *nd = &t->nodes.items[d->node];
		/* Only the first four components decide (see system_reason()). */
		const char *head = tree_text(t, nd->head, &u->text);
		if (!head)
			return DFFIX_ENOMEM;
		const char *why = system_reason(head);
		if (why || !nd->safe) {
			d->skip = 1;
			if ((error =
			         dfx_pass_refused(u->ctx, u->self, d->src, "not changing %s: it %s", shown_path(u, d),
			                          why ? why : "has characters that need quoting")) < 0)
				return error;
		}
	}
	/* The outermost listed parent covers a directory. Its window lies inside
	 * the child's (every write or VOLUME that overlaps the child overlaps the
	 * parent), so the child only needs its mkdir in the parent's RUN.
	 * outer[k]: 1 + index of the outermost directory strictly above node k. */
	size_t count = t->nodes.len;
	uint32_t *listed = dfx_calloc(count, sizeof(uint32_t)), *outer = dfx_calloc(count, sizeof(uint32_t));
	if (!listed || !outer) {
		dfx_free(listed);
		dfx_free(outer);
		return DFFIX_ENOMEM;
	}
	for (size_t i = 0; i < u->dirs.len; i++)
		if (!u->dirs.items[i].skip)
			listed[u->dirs.items[i].node] = (uint32_t)(i + 1);
	for (size_t k = 1; k < count; k++) {
		uint32_t up = t->nodes.items[k].parent;
		outer[k] = outer[up] ? outer[up] : listed[up];
	}
	for (size_t i = 0; i < u->dirs.len; i++) {
		dir *d = &u->dirs.items[i];
		if (!d->skip && outer[d->node]) {
			d->cover = outer[d->node];
			d->skip = 1;
		}
	}
	dfx_free(listed);
	dfx_free(outer);
	return 0;
}

static long max3(long a, long b, long c)
{
	long m = a > b ? a : b;
	return m > c ? m : c;
}

static long min3(long a, long b, long c)
{
	long m = a < b ? a : b;
	return m < c ? m : c;
}

/* The window of each directory: after its last write, before its limit (the
 * first instruction after that write the RUN must precede). */
static int place_dirs(uid_ctx *u)
{
	for (size_t k = 0; k < u->dirs.len; k++) {
		dir *d = &u->dirs.items[k];
		if (d->skip)
			continue;
		uint32_t nd = d->node;
		long wrote = max3(u->all_writes, u->wrote_inside[nd], u->wrote_whole[nd]);
		/* A RUN that hands it over is no write to it: when the last such
		 * RUN comes at or after the last write counted here, every real
		 * write comes before that RUN, which does the job. */
		if (u->handed[nd] >= 0 && u->handed[nd] >= wrote) {
			d->skip = 1;
			continue;
		}
		d->last_write = wrote;
		long volume = min3(u->first_unknown_volume, u->vol_above[nd], u->vol_below[nd]);
		if (volume < wrote) {
			d->skip = 1;
			int error =
			    dfx_pass_refused(u->ctx, u->self, d->src,
			                     "VOLUME on line %u comes before the last write to %s (line %u); "
			                     "the classic builder discards what a RUN changes in a volume "
			                     "after its VOLUME line",
			                     line_of(u->nodes[volume]), shown_path(u, d), line_of(u->nodes[wrote]));
			if (error < 0)
				return error;
			continue;
		}
		/* Every VOLUME over or inside it comes after the write (or it was
		 * refused above), so the first one is its first limit after it. */
		d->limit = u->next_limit[wrote + 1] < volume ? u->next_limit[wrote + 1] : volume;
	}
	return 0;
}

static int by_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

/* Builds and inserts the RUN for the directories members[0..count) (in list
 * order; refused ones skipped) before nodes[limit]. The directories a
 * directory covers: 1 + index in first_covered[it], then next_covered[...]
 * (0 ends the list). */
static int insert_run(uid_ctx *u, const size_t *members, size_t count, long limit, const size_t *first_covered,
                      const size_t *next_covered)
{
	dfx_pass_ctx *ctx = u->ctx;
	const char *eol = dfx_pass_eol(ctx);
	char esc = ctx->doc->escape;
	dffix_buf list = DFFIX_BUF_INIT, mk = DFFIX_BUF_INIT, text = DFFIX_BUF_INIT;
	int error = 0;
	/* The members and the directories they cover, in list order. */
	DFX_ARRAY(size_t) all = DFX_ARRAY_INIT;
	for (size_t i = 0; i < count; i++) {
		dir *d = &u->dirs.items[members[i]];
		if (d->skip)
			continue;
		const char *p = dir_path(u, d);
		if (!p || DFX_ARRAY_PUSH(&all, members[i]) < 0)
			goto nomem;
		if ((error = dffix_buf_printf(&list, " %s", p)) < 0)
			goto cleanup;
		for (size_t c = first_covered[members[i]]; c; c = next_covered[c - 1])
			if (DFX_ARRAY_PUSH(&all, c - 1) < 0)
				goto nomem;
	}
	qsort(all.items, all.len, sizeof(size_t), by_size);
	for (size_t i = 0; i < all.len; i++) {
		dir *d = &u->dirs.items[all.items[i]];
		if (d->kind == SRC_WORKDIR || u->created[d->node] < limit)
			continue;
		const char *p = dir_path(u, d);
		if (!p)
			goto nomem;
		if ((error = dffix_buf_printf(&mk, " %s", p)) < 0)
			goto cleanup;
	}
	if ((error = dffix_buf_puts(&text, "RUN ")) < 0)
		goto cleanup;
	if (mk.size && (error = dffix_buf_printf(&text, "mkdir -p%s && %c%s    ", mk.ptr, esc, eol)) < 0)
		goto cleanup;
	if ((error = dffix_buf_printf(&text, "chgrp -R 0%s && %c%s    chmod -R g=u%s%s", list.ptr, esc, eol, list.ptr,
	                              eol)) < 0)
		goto cleanup;

	/* Before the limit and the comment lines directly above it; at the end
	 * of the stage, right after its last instruction. */
	dfx_node *before;
	if ((size_t)limit < u->n) {
		before = u->nodes[limit];
		while (before->prev && before->prev->kind == DFX_NODE_COMMENT)
			before = before->prev;
	} else {
		dfx_node *last = u->n ? u->nodes[u->n - 1] : NULL;
		before = last ? last->next : NULL;
		/* A missing final line ending is added by dfx_pass_insert(). */
	}
	dfx_node *nn = NULL;
	error = dfx_pass_insert(ctx, before, text.ptr, text.size, &nn);
	if (error == DFFIX_EPARSE) {
		error = dfx_pass_refused(ctx, u->self, before ? before : ctx->doc->last,
		                         "the RUN for%s cannot be inserted there: the line before it is still open "
		                         "(a continuation or a missing line ending)",
		                         list.ptr);
		goto cleanup;
	}
	if (error < 0)
		goto cleanup;
	error = dfx_pass_applied(ctx, u->self, nn,
	                         "added chgrp -R 0 and chmod -R g=u for%s so an arbitrary user "
	                         "ID in group 0 can write there",
	                         list.ptr);
	goto cleanup;
nomem:
	error = DFFIX_ENOMEM;
cleanup:
	DFX_ARRAY_FREE(&all);
	dffix_buf_dispose(&list);
	dffix_buf_dispose(&mk);
	dffix_buf_dispose(&text);
	return error;
}

typedef struct pending {
	long last_write;
	size_t index;
} pending;

static int by_last_write(const void *a, const void *b)
{
	const pending *x = a, *y = b;
	if (x->last_write != y->last_write)
		return x->last_write < y->last_write ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Refuses directory d when the state where its RUN would go cannot run
 * chgrp: a non-root USER, or a SHELL that is not POSIX. */
static int check_state(uid_ctx *u, dir *d, const state *at)
{
	if (at->user_kind != USER_ROOT && at->user) {
		uint32_t ul = line_of(at->user_node);
		d->skip = 1;
		if (d->last_write >= 0 && at->user_node && at->user_here)
			return dfx_pass_refused(u->ctx, u->self, d->src,
			                        "USER %s (line %u) comes before the last write to %s (line %u); "
			                        "chgrp needs root",
			                        at->user, ul, shown_path(u, d), line_of(u->nodes[d->last_write]));
		return dfx_pass_refused(u->ctx, u->self, d->src,
		                        "USER %s (line %u) is in effect where %s would be handed to group 0; "
		                        "chgrp needs root",
		                        at->user, ul, shown_path(u, d));
	}
	if (!at->shell_posix) {
		d->skip = 1;
		return dfx_pass_refused(u->ctx, u->self, d->src,
		                        "SHELL on line %u is not a POSIX shell; not adding chgrp for %s",
		                        line_of(at->shell_node), shown_path(u, d));
	}
	return 0;
}

/* Fewest RUNs: take the earliest limit, put in every directory whose last
 * write comes before it, repeat. In order of last write, each group is the
 * next run of directories written before the smallest limit among the rest
 * (limits only grow from group to group). */
static int make_groups(uid_ctx *u)
{
	size_t count = 0, ndirs = u->dirs.len;
	for (size_t i = 0; i < ndirs; i++)
		count += !u->dirs.items[i].skip;
	pending *order = dfx_malloc((count + 1) * sizeof(pending));
	long *least = dfx_malloc((count + 1) * sizeof(long));
	size_t *members = dfx_malloc((count + 1) * sizeof(size_t));
	size_t *first_covered = dfx_calloc(ndirs + 1, sizeof(size_t));
	size_t *next_covered = dfx_calloc(ndirs + 1, sizeof(size_t));
	int error = 0;
	if (!order || !least || !members || !first_covered || !next_covered) {
		error = DFFIX_ENOMEM;
		goto cleanup;
	}
	count = 0;
	for (size_t i = 0; i < ndirs; i++) {
		const dir *d = &u->dirs.items[i];
		if (!d->skip) {
			order[count].last_write = d->last_write;
			order[count++].index = i;
		}
	}
	/* What each directory covers. A cover is the outermost listed parent,
	 * which no other directory covers. */
	for (size_t i = 0; i < ndirs; i++) {
		size_t top = u->dirs.items[i].cover;
		if (top) {
			next_covered[i] = first_covered[top - 1];
			first_covered[top - 1] = i + 1;
		}
	}
	qsort(order, count, sizeof(pending), by_last_write);
	for (size_t q = count; q-- > 0;) {
		least[q] = u->dirs.items[order[q].index].limit;
		if (q + 1 < count && least[q + 1] < least[q])
			least[q] = least[q + 1];
	}
	for (size_t p = 0, q; p < count; p = q) {
		long limit = least[p];
		size_t m = 0, kept = 0;
		for (q = p; q < count && order[q].last_write < limit; q++)
			members[m++] = order[q].index;
		qsort(members, m, sizeof(size_t), by_size);
		const state *at = &u->before[limit];
		for (size_t k = 0; k < m; k++) {
			dir *d = &u->dirs.items[members[k]];
			if ((error = check_state(u, d, at)) < 0)
				goto cleanup;
			kept += !d->skip;
		}
		if (!kept)
			continue;
		if ((size_t)limit < u->n && dfx_pass_suppressed(u->ctx, u->self, u->nodes[limit]))
			continue;
		if ((error = insert_run(u, members, m, limit, first_covered, next_covered)) < 0)
			goto cleanup;
	}
cleanup:
	dfx_free(order);
	dfx_free(least);
	dfx_free(members);
	dfx_free(first_covered);
	dfx_free(next_covered);
	return error;
}

static int run_in(uid_ctx *u, const dfx_stage *final)
{
	dfx_pass_ctx *ctx = u->ctx;
	int error;
	for (dfx_node *n = final->from->next; n; n = n->next)
		if (n->kind == DFX_NODE_INSTRUCTION)
			u->n++;
	u->nodes = dfx_arena_alloc(&u->scratch, (u->n + 1) * sizeof(dfx_node *));
	u->before = dfx_arena_alloc(&u->scratch, (u->n + 1) * sizeof(state));
	u->facts = dfx_arena_alloc(&u->scratch, (u->n + 1) * sizeof(instr_facts));
	if (!u->nodes || !u->before || !u->facts)
		return DFFIX_ENOMEM;
	if ((error = tree_init(&u->tree)) < 0 || (error = learn(u, final)) < 0 || (error = collect_dirs(u, final)) < 0)
		return error;
	if (u->dirs.len == 0 && !u->declared && ctx->opts->writable_dir_count == 0)
		return dfx_pass_refused(ctx, u->self, final->from,
		                        "no writable directory known: the final stage has no WORKDIR or VOLUME; "
		                        "list the directories the process writes in writable_dirs");
	if ((error = filter_dirs(u)) < 0)
		return error;
	int any = 0;
	for (size_t k = 0; k < u->dirs.len; k++)
		any |= !u->dirs.items[k].skip;
	if (!any)
		return 0;
	if (from_scratch(final))
		return dfx_pass_refused(ctx, u->self, final->from,
		                        "FROM scratch has no chgrp; give the files group 0 and g=u when copying them "
		                        "(COPY --chown=UID:0 --chmod=...)");
	/* The backtick escape is the mark of Windows images (cmd.exe or
	 * PowerShell, no chgrp), as merge-run and pkg-clean also assume. */
	if (ctx->doc->escape == '`')
		return dfx_pass_refused(ctx, u->self, final->from,
		                        "the backtick escape marks a Windows image, which has no chgrp or chmod; "
		                        "not adding them");
	if ((error = spread(u)) < 0 || (error = place_dirs(u)) < 0)
		return error;
	return make_groups(u);
}

static int run(dfx_pass_ctx *ctx, const dfx_pass *self)
{
	if (ctx->stages.count == 0)
		return 0;
	const dfx_stage *final = &ctx->stages.items[ctx->stages.count - 1];
	if (dfx_pass_suppressed(ctx, self, final->from))
		return 0;
	uid_ctx u;
	memset(&u, 0, sizeof(u));
	u.ctx = ctx;
	u.self = self;
	int error = run_in(&u, final);
	tree_dispose(&u.tree);
	DFX_ARRAY_FREE(&u.grp_ids);
	DFX_ARRAY_FREE(&u.mod_ids);
	DFX_ARRAY_FREE(&u.made_ids);
	DFX_ARRAY_FREE(&u.path_ids);
	DFX_ARRAY_FREE(&u.dirs);
	DFX_ARRAY_FREE(&u.text);
	dfx_free(u.marks);
	dfx_free(u.mentioned);
	dfx_arena_dispose(&u.scratch);
	return error;
}

const dfx_pass dfx_pass_arbitrary_uid = {
    .name = "arbitrary-uid",
    .rule_id = "DF105",
    .fix_bit = DFFIX_FIX_ARBITRARY_UID,
    .summary = "give the final stage's writable directories to group 0 with group rights equal to the owner's",
    .guideline = "O2",
    .aliases = NULL,
    .severity = DFFIX_SEV_WARNING,
    .run = run,
};
