/*
 * rules_structure.c - rules about what the image is built from and what it
 * holds (GUIDELINES.md G1, G3, G4, G6, G8, G9, G12):
 *
 *   FROM scratch + ADD rootfs.tar.xz /        DF201 scratch-distro (info)
 *   FROM nginx / FROM nginx:latest            DF202 latest-tag (no pin configured)
 *   FROM evil.example/img (trusted: quay.io)  DF203 untrusted-registry
 *   CMD ["supervisord"] / CMD a & b           DF204 multiple-processes
 *   RUN apt-get install x / RUN apt-get clean DF207 cleanup-separate-run
 *   CMD ["nginx"] without EXPOSE              DF208 server-no-expose (info)
 *   1.2.3 in two RUNs                         DF209 repeated-version (info)
 *   mysqld without VOLUME /var/lib/mysql      DF213 data-dir-volume (info)
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imageref.h"
#include "instr.h"
#include "rules.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcasecmp(s + n - m, suffix);
}

static int is_tarball(const char *s)
{
	static const char *const ext[] = {".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tar.zst", NULL};
	for (size_t i = 0; ext[i]; i++)
		if (ends_with(s, ext[i]))
			return 1;
	return 0;
}

DFX_CHECK(dfx_check_scratch_distro)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->in_final || !st->base || strcasecmp(st->base, "scratch"))
			continue;
		dfx_node *n = NULL;
		const char *why = NULL;
		while (!why && dfx_stage_next(st, &n)) {
			const dfx_instr *in = &n->instr;
			if (in->keyword == DFX_KW_ADD && !dfx_instr_flag(in, "--from")) {
				const char **argv;
				size_t argc;
				if ((error = dfx_instr_argv(&argv, &argc, ctx, n, in)) < 0)
					return error;
				if (argc == 2 && is_tarball(argv[0]) && !strcmp(argv[1], "/"))
					why = "unpacks a root file system by hand";
			} else if (in->keyword == DFX_KW_RUN) {
				dfx_cmds cmds;
				size_t first;
				if ((error = dfx_rule_commands(&cmds, ctx, n, in)) < 0)
					return error;
				for (size_t c = 0; c < cmds.count && !why; c++)
					if (dfx_cmd_installs(&cmds.items[c], &first))
						why = "installs a distribution's packages by hand";
			}
		}
		if (why)
			error = dfx_rule_report_node(ctx, self, st->from,
						     "FROM scratch %s; build FROM a maintained base image so that "
						     "security fixes arrive by rebuilding",
						     why);
	}
	return error;
}

/* 1 when a pin for this image exists and pin-tag will use it. */
static int pinned(const dfx_rule_ctx *ctx, const dfx_imageref *ref)
{
	const dffix_options *o = ctx->opts;
	if (!(o->fix & DFFIX_FIX_PIN_TAG))
		return 0;
	for (size_t i = 0; i < o->pin_count; i++) {
		dfx_imageref p;
		const char *img = o->pins[i].image;
		if (img && dfx_imageref_parse(&p, img, strlen(img)) == 0 && dfx_imageref_same_repo(ref, &p))
			return 1;
	}
	return 0;
}

/* The parsed base of a stage that names an image (not a stage, scratch or
 * a variable); 0 otherwise. */
static int stage_image(const dfx_stage *st, dfx_imageref *ref)
{
	if (!st->base || st->base_is_stage || !strcasecmp(st->base, "scratch"))
		return 0;
	if (dfx_imageref_parse(ref, st->base, strlen(st->base)) < 0 || ref->has_variable)
		return 0;
	return 1;
}

DFX_CHECK(dfx_check_latest_tag)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		dfx_imageref ref;
		if (!stage_image(st, &ref) || ref.digest || pinned(ctx, &ref))
			continue;
		if (!ref.tag)
			error = dfx_rule_report_node(ctx, self, st->from,
						     "base image `%s` has no tag, so it follows `latest`; name a tag "
						     "or digest (or configure a pin for pin-tag)",
						     st->base);
		else if (ref.tag_len == 6 && !memcmp(ref.tag, "latest", 6))
			error = dfx_rule_report_node(ctx, self, st->from,
						     "base image `%s` uses the `latest` tag; name a version tag or "
						     "digest (or configure a pin for pin-tag)",
						     st->base);
	}
	return error;
}

DFX_CHECK(dfx_check_untrusted_registry)
{
	const dffix_options *o = ctx->opts;
	int error = 0;
	if (!o->trusted_registry_count)
		return 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		dfx_imageref ref;
		if (!stage_image(st, &ref))
			continue;
		int hub = dfx_imageref_is_docker_hub(&ref), ok = 0;
		for (size_t t = 0; t < o->trusted_registry_count && !ok; t++) {
			const char *r = o->trusted_registries[t];
			if (!r)
				continue;
			dfx_imageref tr = {r, strlen(r), "", 0, NULL, 0, NULL, 0, 0};
			ok = hub ? dfx_imageref_is_docker_hub(&tr) : dfx_span_eq(ref.registry, ref.registry_len, r);
		}
		if (!ok)
			error = dfx_rule_report_node(ctx, self, st->from,
						     "base image `%s` comes from `%.*s`, which is not a trusted registry",
						     st->base, hub ? 9 : (int)ref.registry_len,
						     hub ? "docker.io" : ref.registry);
	}
	return error;
}

/* Section - one process per container */

static int is_supervisor(const char *argv0)
{
	static const char *const names[] = {"supervisord", "runsvdir", "runsv",  "s6-svscan", "circusd",
					    "monit",       "forego",   "honcho", "overmind",  "systemd",
					    "pm2-runtime", NULL};
	const char *b = dfx_basename(argv0);
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(b, names[i]))
			return 1;
	/* s6-overlay's and systemd's init */
	return !strcmp(argv0, "/init") || !strcmp(argv0, "/sbin/init") || !strcmp(argv0, "/usr/sbin/init") ||
	       !strcmp(argv0, "/lib/systemd/systemd");
}

/* Well-known ports of distinct services, for "several daemons". */
static const char *port_service(unsigned long port)
{
	switch (port) {
	case 21: return "ftp";
	case 22: return "ssh";
	case 25: case 587: return "smtp";
	case 53: return "dns";
	case 80: case 443: case 8080: case 8443: return "http";
	case 389: case 636: return "ldap";
	case 3306: return "mysql";
	case 5432: return "postgresql";
	case 6379: return "redis";
	case 27017: return "mongodb";
	case 11211: return "memcached";
	case 5672: return "amqp";
	case 9200: return "elasticsearch";
	case 2181: return "zookeeper";
	case 9092: return "kafka";
	default: return NULL;
	}
}

static int check_expose_services(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_stage *st)
{
	const char *first = NULL;
	unsigned long first_port = 0;
	dfx_node *n = NULL;
	while (dfx_stage_next(st, &n)) {
		if (n->instr.keyword != DFX_KW_EXPOSE)
			continue;
		const char **argv;
		size_t argc;
		int error = dfx_instr_argv(&argv, &argc, ctx, n, &n->instr);
		if (error < 0)
			return error;
		for (size_t i = 0; i < argc; i++) {
			char *end;
			unsigned long port = strtoul(argv[i], &end, 10);
			if (end == argv[i] || (*end && *end != '/'))
				continue;
			const char *svc = port_service(port);
			if (!svc)
				continue;
			if (!first) {
				first = svc;
				first_port = port;
			} else if (strcmp(first, svc)) {
				return dfx_rule_report_node(ctx, self, n,
							    "EXPOSE %lu (%s) and %lu (%s): ports of different services "
							    "suggest several daemons in one container; run one service per "
							    "container",
							    first_port, first, port, svc);
			}
		}
	}
	return 0;
}

DFX_CHECK(dfx_check_multiple_processes)
{
	int error = 0;
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	if (!final)
		return 0;
	dfx_node *n = NULL;
	while (dfx_stage_next(final, &n) && !error) {
		const dfx_instr *in = &n->instr;
		if (in->keyword != DFX_KW_CMD && in->keyword != DFX_KW_ENTRYPOINT)
			continue;
		dfx_cmds cmds;
		if ((error = dfx_rule_commands(&cmds, ctx, n, in)) < 0)
			return error;
		for (size_t c = 0; c < cmds.count; c++) {
			const dfx_cmd *cmd = &cmds.items[c];
			size_t k = dfx_cmd_name_index(cmd);
			if (k < cmd->argc && cmd->argv[k] && is_supervisor(cmd->argv[k])) {
				error = dfx_rule_report_node(ctx, self, n,
							     "%s starts `%s`, a process supervisor: run one service per "
							     "container and let the platform restart it",
							     dfx_keyword_name(in->keyword), cmd->argv[k]);
				break;
			}
			if (cmd->background && !cmds.opaque) {
				error = dfx_rule_report_node(ctx, self, n,
							     "%s runs `%s` in the background with `&`: run one process "
							     "per container, in the foreground",
							     dfx_keyword_name(in->keyword),
							     k < cmd->argc && cmd->argv[k] ? cmd->argv[k] : "a command");
				break;
			}
		}
	}
	if (!error)
		error = check_expose_services(ctx, self, final);
	return error;
}

/* Section - cleanup in a separate RUN (G6) */

static const char *pm_name(int pm)
{
	switch (pm) {
	case DFX_PM_APT: return "apt";
	case DFX_PM_YUM: return "yum/dnf";
	case DFX_PM_APK: return "apk";
	default: return "zypper";
	}
}

/* 1 when only comments and blank lines stand between a and b. */
static int adjacent(const dfx_node *a, const dfx_node *b)
{
	for (const dfx_node *n = a->next; n; n = n->next) {
		if (n == b)
			return 1;
		if (n->kind != DFX_NODE_COMMENT && n->kind != DFX_NODE_BLANK)
			return 0;
	}
	return 0;
}

DFX_CHECK(dfx_check_cleanup_separate_run)
{
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		const dfx_stage *st = &ctx->stages.items[i];
		if (!st->in_final)
			continue; /* a builder stage's layers do not ship */
		const dfx_node *installer[5] = {NULL};
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n) && !error) {
			const dfx_instr *in = &n->instr;
			if (in->keyword != DFX_KW_RUN)
				continue;
			dfx_cmds cmds;
			if ((error = dfx_rule_commands(&cmds, ctx, n, in)) < 0)
				return error;
			if (cmds.opaque)
				continue;
			int installs[5] = {0};
			size_t first;
			for (size_t c = 0; c < cmds.count; c++)
				installs[dfx_cmd_installs(&cmds.items[c], &first)] = 1;
			for (size_t c = 0; c < cmds.count && !error; c++) {
				const char *dir = NULL;
				int pm = dfx_cmd_cleans(&cmds.items[c], &dir);
				if (!pm || installs[pm] || !installer[pm])
					continue;
				/* The cache was never in a layer: a cache or tmpfs mount held it. */
				if (dfx_run_mounts_dir(&installer[pm]->instr, dir) || dfx_run_mounts_dir(in, dir))
					continue;
				uint32_t line = installer[pm]->line;
				error = dfx_rule_report(ctx, self, n, n->segments[0].text_start, n->segments[0].eol_start,
							adjacent(installer[pm], n),
							"%s cleanup in a separate RUN does not shrink the image: the files "
							"stay in the layer of the installing RUN (line %u); clean up in "
							"that RUN",
							pm_name(pm), line);
				installer[pm] = NULL; /* once per install */
			}
			for (int pm = 1; pm < 5; pm++)
				if (installs[pm])
					installer[pm] = n;
		}
	}
	return error;
}

/* Section - EXPOSE for servers (G8) */

static int stage_has(const dfx_rule_ctx *ctx, const dfx_stage *st, dfx_keyword kw)
{
	for (int hops = 0; st && hops < 64; hops++) {
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n))
			if (n->instr.keyword == kw)
				return 1;
		st = st->parent;
	}
	return 0;
}

DFX_CHECK(dfx_check_server_no_expose)
{
	const char *name;
	const dfx_node *at;
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	if (!final || !dfx_rule_server_name(ctx, 0, &name, &at) || stage_has(ctx, final, DFX_KW_EXPOSE))
		return 0;
	return dfx_rule_report_node(ctx, self, at,
				    "`%s` is started but the image EXPOSEs no port; document the ports it listens "
				    "on with EXPOSE",
				    name);
}

/* Section - repeated versions (G9) */

typedef struct version_seen {
	const char *s;
	size_t n;
	const dfx_node *node;
	int reported;
} version_seen;

/* Next version token (3+ numeric components, not an IPv4 address) in
 * s[*pos..len); 1 with [*start, *end) when found. */
static int next_version(const char *s, size_t len, size_t *pos, size_t *start, size_t *end)
{
	size_t p = *pos;
	while (p < len) {
		if (!isdigit((unsigned char)s[p]) || (p > 0 && (isdigit((unsigned char)s[p - 1]) || s[p - 1] == '.'))) {
			p++;
			continue;
		}
		size_t b = p, parts = 0, max = 0;
		for (;;) {
			size_t v = 0, d = 0;
			while (p < len && isdigit((unsigned char)s[p])) {
				if (v < 100000)
					v = v * 10 + (size_t)(s[p] - '0');
				p++;
				d++;
			}
			if (!d)
				break;
			parts++;
			if (v > max)
				max = v;
			if (p + 1 < len && s[p] == '.' && isdigit((unsigned char)s[p + 1]))
				p++;
			else
				break;
		}
		int ip = parts == 4 && max <= 255;
		if (parts >= 3 && !ip) {
			*start = b;
			*end = p;
			*pos = p;
			return 1;
		}
	}
	*pos = p;
	return 0;
}

static int scan_versions(dfx_rule_ctx *ctx, const dfx_rule *self, const dfx_node *n, const char *s, size_t len,
			 version_seen *seen, size_t *count, size_t cap)
{
	size_t pos = 0, a, b;
	while (next_version(s, len, &pos, &a, &b)) {
		size_t k;
		for (k = 0; k < *count; k++)
			if (seen[k].n == b - a && !memcmp(seen[k].s, s + a, b - a))
				break;
		if (k == *count) {
			if (*count < cap)
				seen[(*count)++] = (version_seen){s + a, b - a, n, 0};
			continue;
		}
		if (seen[k].node == n || seen[k].reported)
			continue;
		seen[k].reported = 1;
		int error = dfx_rule_report_node(ctx, self, n,
						 "version %.*s is repeated from the RUN at line %u; set it once with ENV "
						 "or ARG so that an upgrade changes one place",
						 (int)(b - a), s + a, seen[k].node->line);
		if (error < 0)
			return error;
	}
	return 0;
}

DFX_CHECK(dfx_check_repeated_version)
{
	enum { CAP = 256 };
	version_seen *seen = dfx_arena_alloc(&ctx->arena, CAP * sizeof(version_seen));
	if (!seen)
		return DFFIX_ENOMEM;
	int error = 0;
	for (size_t i = 0; i < ctx->stages.count && !error; i++) {
		size_t count = 0;
		dfx_node *n = NULL;
		while (dfx_stage_next(&ctx->stages.items[i], &n) && !error) {
			const dfx_instr *in = &n->instr;
			if (in->keyword != DFX_KW_RUN)
				continue;
			error = scan_versions(ctx, self, n, n->logical + in->args.start, in->args.end - in->args.start,
					      seen, &count, CAP);
			for (size_t h = 0; h < n->heredoc_count && !error; h++)
				error = scan_versions(ctx, self, n, n->src + n->heredocs[h].body_start,
						      n->heredocs[h].body_end - n->heredocs[h].body_start, seen, &count,
						      CAP);
		}
	}
	return error;
}

/* Section - data directories (G12) */

static const struct {
	const char *cmds;     /* space-separated command names */
	const char *packages; /* space-separated package names */
	const char *dirs;     /* data directories, the first is suggested */
	const char *image;    /* base image words that declare the VOLUME already */
} data_servers[] = {
	{"mysqld mysqld_safe mariadbd", "mysql-server mariadb-server mysql-community-server percona-server-server",
	 "/var/lib/mysql", "mysql mariadb percona"},
	{"postgres postmaster", "postgresql-server postgresql",
	 "/var/lib/pgsql/data /var/lib/postgresql /var/lib/pgsql", "postgres"},
	{"mongod", "mongodb-org mongodb-org-server mongodb-server", "/data/db /var/lib/mongodb", "mongo"},
	{"influxd", "influxdb influxdb2", "/var/lib/influxdb /var/lib/influxdb2", "influxdb"},
	{"rabbitmq-server", "rabbitmq-server", "/var/lib/rabbitmq", "rabbitmq"},
};

/* 1 when `word` is one of the space-separated words of `list`. */
static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; *p;) {
		size_t m = strcspn(p, " ");
		if (m == n && !strncmp(p, word, n))
			return 1;
		p += m;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* 1 when a VOLUME path of the final image covers one of `dirs`. */
static int volume_covers(dfx_rule_ctx *ctx, const dfx_stage *st, const char *dirs, int *error)
{
	for (int hops = 0; st && hops < 64; hops++) {
		dfx_node *n = NULL;
		while (dfx_stage_next(st, &n)) {
			if (n->instr.keyword != DFX_KW_VOLUME)
				continue;
			const char **argv;
			size_t argc;
			if ((*error = dfx_instr_argv(&argv, &argc, ctx, n, &n->instr)) < 0)
				return 0;
			for (size_t i = 0; i < argc; i++) {
				/* Windows images: C:\data\db is /data/db */
				char *v = dfx_arena_strndup(&ctx->arena, argv[i], strlen(argv[i]));
				if (!v) {
					*error = DFFIX_ENOMEM;
					return 0;
				}
				if (isalpha((unsigned char)v[0]) && v[1] == ':')
					v += 2;
				for (char *c = v; *c; c++)
					if (*c == '\\')
						*c = '/';
				size_t vn = strlen(v);
				while (vn > 1 && v[vn - 1] == '/')
					vn--;
				for (const char *p = dirs; *p;) {
					size_t m = strcspn(p, " ");
					/* the VOLUME is the directory, a parent, or a child of it */
					size_t k = vn < m ? vn : m;
					if (!strncmp(v, p, k) && (vn == m || (vn < m ? p[vn] == '/' : v[m] == '/')))
						return 1;
					p += m;
					while (*p == ' ')
						p++;
				}
			}
		}
		st = st->parent;
	}
	return 0;
}

static int base_is_any(const dfx_rule_ctx *ctx, const dfx_stage *st, const char *words)
{
	char w[32];
	for (const char *p = words; *p;) {
		size_t m = strcspn(p, " ");
		if (m < sizeof(w)) {
			memcpy(w, p, m);
			w[m] = '\0';
			if (dfx_stage_base_is(ctx, st, w))
				return 1;
		}
		p += m;
		while (*p == ' ')
			p++;
	}
	return 0;
}

DFX_CHECK(dfx_check_data_dir_volume)
{
	const dfx_stage *final = dfx_rule_final_stage(ctx);
	if (!final)
		return 0;
	const char *name;
	const dfx_node *at = NULL;
	long which = -1;
	if (dfx_rule_server_name(ctx, 0, &name, &at))
		for (size_t s = 0; s < sizeof(data_servers) / sizeof(data_servers[0]) && which < 0; s++)
			if (in_list(data_servers[s].cmds, name))
				which = (long)s;
	/* Or the final stage installs the server's package. */
	dfx_node *n = NULL;
	while (which < 0 && dfx_stage_next(final, &n)) {
		if (n->instr.keyword != DFX_KW_RUN)
			continue;
		dfx_cmds cmds;
		int error = dfx_rule_commands(&cmds, ctx, n, &n->instr);
		if (error < 0)
			return error;
		for (size_t c = 0; c < cmds.count && which < 0; c++) {
			size_t first;
			const dfx_cmd *cmd = &cmds.items[c];
			if (!dfx_cmd_installs(cmd, &first))
				continue;
			for (size_t a = first; a < cmd->argc && which < 0; a++)
				for (size_t s = 0; s < sizeof(data_servers) / sizeof(data_servers[0]); s++)
					if (cmd->argv[a] && in_list(data_servers[s].packages, cmd->argv[a])) {
						which = (long)s;
						name = cmd->argv[a];
						at = n;
						break;
					}
		}
	}
	if (which < 0 || base_is_any(ctx, final, data_servers[which].image))
		return 0;
	int error = 0;
	if (volume_covers(ctx, final, data_servers[which].dirs, &error) || error < 0)
		return error;
	const char *dirs = data_servers[which].dirs;
	int dlen = (int)strcspn(dirs, " ");
	return dfx_rule_report_node(ctx, self, at,
				    "`%s` keeps its data in %.*s, but no VOLUME declares it; add `VOLUME %.*s` so "
				    "that users know what to mount",
				    name, dlen, dirs, dlen, dirs);
}
