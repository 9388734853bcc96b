/*
 * The `hygiene` detector: what a careless build leaves in an image.
 *
 *  - the config: VOLUMEs over sensitive paths, port 22 exposed, no HEALTHCHECK;
 *  - the build history (created_by): a download piped into a shell, a remote ADD without
 *    --checksum, a package index update with no install in the same step;
 *  - the filesystem: an SSH server or sudo in the final image, package-manager caches left in a
 *    layer (a later `rm` does not take their bytes out of the layer that wrote them).
 *
 * SSH host keys are the sensitive-file detector's (the finding is about the key file), and a
 * base named by its `latest` tag is the stale-base detector's (it knows where the base came from).
 *
 * Every table below is data: a new sensitive volume, history pattern or cache is one row.
 *
 * Threads: entry callbacks of different layers run at once; their state is per layer. The history
 * patterns are compiled once per scan, in image(), on the scan's thread.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "lib/detect.h"
#include "util/error.h"
#include "lib/config.h"
#include "util/str.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DETECTOR "hygiene"
#define HISTORY_MAX (64u << 10) /* bytes of one created_by the patterns look at */
#define MATCH_LIMIT 1000000u	/* pcre2 backtracking budget per pattern and step */
#define MAX_VOLUMES 4096	/* VOLUMEs examined */

enum {
	R_VOLUME,
	R_SSH_PORT,
	R_NO_HEALTHCHECK,
	R_CURL_PIPE,
	R_REMOTE_ADD,
	R_APT_UPDATE,
	R_SSH_SERVER,
	R_SUDO,
	R_PKG_CACHE,
	NRULES
};

/* clang-format off */
#define RULE(idx, id_, sev, title_, desc)                                                        \
	[idx] = {.id = id_, .category = LSC_CAT_CONFIG, .severity = sev, .title = title_,       \
		 .description = desc, .detector = DETECTOR}

static const struct lsc_rule rules[NRULES] = {
	RULE(R_VOLUME, "sensitive-volume", LSC_SEV_HIGH, "VOLUME over a sensitive path",
	     "The config declares a VOLUME at a path of the host's or the system's (/, /etc, /proc, "
	     "/sys, /dev, /boot, /lib/modules, /root, /home, /run, the Docker socket): it invites "
	     "mounting that host path into the container, and data written there outlives the "
	     "container. Severity by the path."),
	RULE(R_SSH_PORT, "ssh-port-exposed", LSC_SEV_MEDIUM, "SSH port exposed",
	     "The config exposes port 22: the image is meant to run an SSH server. Containers are "
	     "entered with docker exec or kubectl exec, not SSH."),
	RULE(R_NO_HEALTHCHECK, "no-healthcheck", LSC_SEV_INFO, "No HEALTHCHECK",
	     "The config has no HEALTHCHECK (or HEALTHCHECK NONE): Docker and Swarm cannot tell a "
	     "hung container from a healthy one. Orchestrators with their own probes do not need it."),
	RULE(R_CURL_PIPE, "curl-pipe-shell", LSC_SEV_MEDIUM, "Download piped into a shell",
	     "A build step pipes what curl or wget downloads straight into a shell or interpreter "
	     "(curl ... | sh, sh -c \"$(curl ...)\"): whatever the server returned that day ran as "
	     "root in the build, unverified. Download, check a pinned checksum, then run."),
	RULE(R_REMOTE_ADD, "remote-add-without-checksum", LSC_SEV_LOW,
	     "Remote ADD without a checksum",
	     "ADD of a URL without --checksum=sha256:...: the image holds whatever the URL served at "
	     "build time, and a rebuild may silently get something else."),
	RULE(R_APT_UPDATE, "apt-update-without-install", LSC_SEV_LOW,
	     "Package index update without an install in the same step",
	     "A build step updates the package index (apt-get update, apk update) but installs "
	     "nothing in the same RUN: the layer cache keeps the stale index for later steps, and "
	     "the index itself ships in the layer."),
	RULE(R_SSH_SERVER, "ssh-server", LSC_SEV_MEDIUM, "SSH server installed",
	     "The final image has an SSH server (sshd, dropbear): more attack surface, keys and "
	     "passwords to manage, and a second way in that bypasses the runtime's exec and audit."),
	RULE(R_SUDO, "sudo-installed", LSC_SEV_MEDIUM, "sudo installed",
	     "The final image has sudo (or doas): a non-root USER that may use it is root in all "
	     "but name, which undoes \"never run as root\"."),
	RULE(R_PKG_CACHE, "package-cache", LSC_SEV_LOW, "Package-manager cache left in a layer",
	     "A layer keeps a package manager's index or download cache (/var/lib/apt/lists, "
	     "/var/cache/apt, /var/cache/apk, yum, dnf, pip, npm): dead weight in every pull, and a "
	     "later layer's rm does not remove it. Clean it in the same RUN (or use --no-cache)."),
};
/* clang-format on */

/* ---- VOLUMEs ---- */

static const struct volume_row {
	const char *path;
	bool subtree; /* the path and everything below it, else only the path itself */
	enum lsc_severity sev;
	const char *why;
} volume_rows[] = {
    {"/", false, LSC_SEV_HIGH, "the whole filesystem"},
    {"/var/run/docker.sock", false, LSC_SEV_HIGH, "the Docker socket: root on the host"},
    {"/run/docker.sock", false, LSC_SEV_HIGH, "the Docker socket: root on the host"},
    {"/var/run/containerd", true, LSC_SEV_HIGH, "containerd's socket: root on the host"},
    {"/run/containerd", true, LSC_SEV_HIGH, "containerd's socket: root on the host"},
    {"/var/run/crio", true, LSC_SEV_HIGH, "CRI-O's socket: root on the host"},
    {"/run/crio", true, LSC_SEV_HIGH, "CRI-O's socket: root on the host"},
    {"/run/podman", true, LSC_SEV_HIGH, "Podman's socket: root on the host"},
    {"/var/lib/docker", true, LSC_SEV_HIGH, "Docker's own storage"},
    {"/proc", true, LSC_SEV_HIGH, "procfs: the host's processes and kernel settings"},
    {"/sys", true, LSC_SEV_HIGH, "sysfs: the host's devices and cgroups"},
    {"/dev", true, LSC_SEV_HIGH, "device nodes"},
    {"/boot", true, LSC_SEV_HIGH, "the host's kernels and boot loader"},
    {"/lib/modules", true, LSC_SEV_HIGH, "kernel modules"},
    {"/usr/lib/modules", true, LSC_SEV_HIGH, "kernel modules"},
    {"/etc", false, LSC_SEV_MEDIUM, "the system configuration"},
    {"/root", true, LSC_SEV_MEDIUM, "root's home directory"},
    {"/home", true, LSC_SEV_MEDIUM, "home directories"},
    {"/var/run", false, LSC_SEV_MEDIUM, "runtime state and sockets"},
    {"/run", false, LSC_SEV_MEDIUM, "runtime state and sockets"},
};

static int check_volumes(struct lsc_stage *s, json_t *volumes)
{
	const char *key;
	json_t *v;
	size_t seen = 0;

	if (!json_is_object(volumes)) {
		return 0;
	}
	json_object_foreach(volumes, key, v)
	{
		char path[LSC_PATH_MAX];

		(void)v;
		if (++seen > MAX_VOLUMES) {
			break;
		}
		/* docker refuses relative volumes on Linux: one is no mount point at all */
		if (key[0] != '/' || lsc_path_clean(path, sizeof(path), key) < 0) {
			continue;
		}
		for (size_t i = 0; i < sizeof(volume_rows) / sizeof(volume_rows[0]); i++) {
			const struct volume_row *r = &volume_rows[i];
			int rc;

			if (r->subtree ? !lsc_path_under(path, r->path)
				       : strcmp(path, r->path) != 0) {
				continue;
			}
			rc = lsc_stage_emit(s, &rules[R_VOLUME], r->sev, LSC_LOC_CONFIG_VOLUMES,
					    path, NULL, "VOLUME %s: %s", path, r->why);
			if (rc < 0) {
				return rc;
			}
			break;
		}
	}
	return 0;
}

/* ---- ports and health ---- */

static int check_ports(struct lsc_stage *s, json_t *ports)
{
	const char *key;
	json_t *v;

	if (!json_is_object(ports)) {
		return 0;
	}
	json_object_foreach(ports, key, v)
	{
		char *end;
		unsigned long port;

		(void)v;
		if (!isdigit((unsigned char)key[0])) {
			continue;
		}
		port = strtoul(key, &end, 10);
		/* "22", "22/tcp"; SSH is TCP, so 22/udp is something else */
		if (port == 22 && (*end == 0 || strcasecmp(end, "/tcp") == 0)) {
			return lsc_stage_emit(s, &rules[R_SSH_PORT], rules[R_SSH_PORT].severity,
					      LSC_LOC_CONFIG_EXPOSED_PORTS, NULL, NULL,
					      "EXPOSE 22/tcp");
		}
	}
	return 0;
}

static int check_healthcheck(struct lsc_stage *s, json_t *hc)
{
	json_t *test = json_is_object(hc) ? json_object_get(hc, "Test") : NULL;
	const char *first = json_string_value(json_array_get(test, 0));

	if (!json_is_array(test) || json_array_size(test) == 0 || !first) {
		return lsc_stage_emit(s, &rules[R_NO_HEALTHCHECK], LSC_SEV_INFO, LSC_LOC_IMAGE,
				      NULL, NULL, "the config has no HEALTHCHECK");
	}
	if (strcmp(first, "NONE") == 0) {
		return lsc_stage_emit(s, &rules[R_NO_HEALTHCHECK], LSC_SEV_INFO, LSC_LOC_IMAGE,
				      NULL, NULL, "HEALTHCHECK NONE turns the health check off");
	}
	return 0;
}

/* ---- the build history ---- */

#define SHELLS "(?:(?:ba|da|z|k|a|fi|mk)?sh|python[0-9.]*|perl|ruby|node|php)"
#define FETCH "(?:curl|wget)"

static const struct history_row {
	int rule;
	const char *pattern; /* the step does this */
	const char *unless;  /* ... and not this in the same step (NULL: no exception) */
	bool pinned_ok;	     /* a git URL pinned to a commit is no finding */
	const char *what;
} history_rows[] = {
    {R_CURL_PIPE,
     /* curl URL | sh, wget -O- URL | sudo -E bash, sh -c "$(curl URL)", bash <(curl URL) */
     "\\b" FETCH "\\b[^|;&\\n]{0,1024}\\|[ \\t]*(?:sudo[ \\t]+(?:-\\S+[ \\t]+)*)?"
     "(?:env[ \\t]+(?:\\S+=\\S*[ \\t]+)*)?(?:/usr)?(?:/bin/)?" SHELLS "\\b"
     "|\\b" SHELLS "[ \\t]+(?:-\\S+[ \\t]+)*[\"']?\\$\\([ \\t]*" FETCH "\\b"
     "|(?:\\b" SHELLS "|\\bsource|(?:^|[;&|][ \\t]*)\\.)[ \\t]+<\\([ \\t]*" FETCH "\\b",
     NULL, false, "pipes a download from curl or wget into a shell"},
    {R_REMOTE_ADD,
     /* the history has ADD with its flags as written; --checksum pins the content */
     "(?:^|#\\(nop\\)[ \\t]+)ADD[ \\t]+(?:--(?!checksum\\b)[A-Za-z-]+(?:=\\S*)?[ \\t]+)*"
     "(?:\\[[ \\t]*)?[\"']?(?:https?|ftp)://",
     NULL, true, "ADDs a URL without --checksum"},
    {R_APT_UPDATE, "\\b(?:apt-get|apt)[ \\t]+(?:-\\S+[ \\t]+)*update\\b",
     "\\b(?:apt-get|apt|aptitude)[ \\t]+(?:-\\S+[ \\t]+)*(?:install|upgrade|dist-upgrade|"
     "full-upgrade|build-dep)\\b",
     false, "runs apt-get update and installs nothing in the same step"},
    {R_APT_UPDATE, "\\bapk[ \\t]+(?:-\\S+[ \\t]+)*update\\b",
     "\\bapk[ \\t]+(?:-\\S+[ \\t]+)*(?:add|upgrade|fix)\\b", false,
     "runs apk update and installs nothing in the same step"},
    {R_APT_UPDATE, "\\b(?:yum|dnf|microdnf)[ \\t]+(?:-\\S+[ \\t]+)*makecache\\b",
     "\\b(?:yum|dnf|microdnf)[ \\t]+(?:-\\S+[ \\t]+)*(?:install|upgrade|update|reinstall)\\b",
     false, "refreshes the yum/dnf metadata and installs nothing in the same step"},
};

#define NHISTORY (sizeof(history_rows) / sizeof(history_rows[0]))

struct history_re {
	pcre2_code *pattern[NHISTORY], *unless[NHISTORY];
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

static void history_re_dispose(struct history_re *h)
{
	for (size_t i = 0; i < NHISTORY; i++) {
		pcre2_code_free(h->pattern[i]);
		pcre2_code_free(h->unless[i]);
	}
	pcre2_match_data_free(h->md);
	pcre2_match_context_free(h->mc);
}

static pcre2_code *compile(const char *pattern)
{
	int err;
	PCRE2_SIZE at;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_MULTILINE,
				       &err, &at, NULL);

	if (re) {
		pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* best effort */
	}
	return re;
}

static int history_re_init(struct history_re *h)
{
	memset(h, 0, sizeof(*h));
	for (size_t i = 0; i < NHISTORY; i++) {
		h->pattern[i] = compile(history_rows[i].pattern);
		if (h->pattern[i] && history_rows[i].unless) {
			h->unless[i] = compile(history_rows[i].unless);
		}
		if (!h->pattern[i] || (history_rows[i].unless && !h->unless[i])) {
			history_re_dispose(h);
			return lsc_error(LSC_E_INTERNAL,
					 "hygiene: history pattern %zu does not "
					 "compile",
					 i);
		}
	}
	h->md = pcre2_match_data_create(4, NULL);
	h->mc = pcre2_match_context_create(NULL);
	if (!h->md || !h->mc) {
		history_re_dispose(h);
		return -ENOMEM;
	}
	pcre2_set_match_limit(h->mc, MATCH_LIMIT);
	return 0;
}

/* 1 matched (*at: the offset of the match's end), 0 not; a pattern over its budget is no match. */
static int search(const struct history_re *h, const pcre2_code *re, const char *s, size_t n,
		  size_t start, size_t *at)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, 0, h->md, h->mc);

	if (rc < 0) {
		return 0;
	}
	*at = pcre2_get_ovector_pointer(h->md)[1];
	return 1;
}

/* A git URL whose fragment is a full commit id: what it fetches cannot change. */
static bool pinned_git_url(const char *s, size_t n, size_t at)
{
	size_t end = at, hex = 0;
	const char *hash;

	while (end < n && !isspace((unsigned char)s[end]) && s[end] != '"' && s[end] != '\'') {
		end++;
	}
	hash = memchr(s + at, '#', end - at);
	if (!hash) {
		return false;
	}
	for (hash++; hash + hex < s + end && isxdigit((unsigned char)hash[hex]); hex++) {
	}
	return hex == 40 || hex == 64;
}

static int check_history(struct lsc_stage *s, const struct lsc_config *cfg)
{
	struct history_re h;
	int rc = history_re_init(&h);
	size_t layer = 0;

	if (rc < 0) {
		return rc;
	}

	for (size_t i = 0; rc == 0 && i < cfg->nhistory; i++) {
		const char *cmd = cfg->history[i].created_by;
		size_t n = cmd ? strnlen(cmd, HISTORY_MAX) : 0;
		bool done[NRULES] = {false};
		char where[48];

		if (cfg->history[i].empty_layer) {
			snprintf(where, sizeof(where), "history[%zu]", i);
		} else {
			snprintf(where, sizeof(where), "history[%zu] (layer %zu)", i, layer++);
		}
		for (size_t r = 0; rc == 0 && n && r < NHISTORY; r++) {
			const struct history_row *row = &history_rows[r];
			size_t at = 0, start = 0;
			bool hit = false;

			if (done[row->rule]) {
				continue;
			}
			while (!hit && start < n && search(&h, h.pattern[r], cmd, n, start, &at)) {
				hit = !(row->pinned_ok && pinned_git_url(cmd, n, at));
				start = at > start ? at : start + 1;
			}
			if (!hit || (h.unless[r] && search(&h, h.unless[r], cmd, n, 0, &at))) {
				continue;
			}
			done[row->rule] = true;
			/* the step is not quoted: a token in its arguments would be printed in
			 * clear */
			rc = lsc_stage_emit(s, &rules[row->rule], rules[row->rule].severity,
					    LSC_LOC_CONFIG_HISTORY, NULL, NULL, "%s %s", where,
					    row->what);
		}
	}
	history_re_dispose(&h);
	return rc;
}

/* ---- the final image: SSH server, sudo ---- */

static const struct installed_row {
	int rule;
	const char *path;
	const char *what;
} installed_rows[] = {
    {R_SSH_SERVER, "/usr/sbin/sshd", "OpenSSH server"},
    {R_SSH_SERVER, "/sbin/sshd", "OpenSSH server"},
    {R_SSH_SERVER, "/usr/bin/sshd", "OpenSSH server"},
    {R_SSH_SERVER, "/usr/local/sbin/sshd", "OpenSSH server"},
    {R_SSH_SERVER, "/usr/sbin/dropbear", "Dropbear SSH server"},
    {R_SSH_SERVER, "/usr/bin/dropbear", "Dropbear SSH server"},
    {R_SUDO, "/usr/bin/sudo", "sudo"},
    {R_SUDO, "/bin/sudo", "sudo"},
    {R_SUDO, "/usr/sbin/sudo", "sudo"},
    {R_SUDO, "/usr/local/bin/sudo", "sudo"},
    {R_SUDO, "/usr/bin/doas", "doas"},
    {R_SUDO, "/bin/doas", "doas"},
};

#define NINSTALLED (sizeof(installed_rows) / sizeof(installed_rows[0]))

static int check_installed(struct lsc_stage *s)
{
	/* /sbin/sshd and /usr/sbin/sshd are one file in a merged-/usr image: report it once */
	char seen[NINSTALLED][LSC_PATH_MAX];
	size_t nseen = 0;

	for (size_t i = 0; i < NINSTALLED; i++) {
		const struct installed_row *r = &installed_rows[i];
		char resolved[LSC_PATH_MAX];
		size_t layer, k;
		int rc = lsc_stage_final_lookup(&layer, resolved, s, r->path);

		if (rc == -LSC_E_NOT_FOUND) {
			continue;
		}
		if (rc < 0) {
			return rc;
		}
		for (k = 0; k < nseen && strcmp(seen[k], resolved) != 0; k++) {
		}
		if (k < nseen) {
			continue;
		}
		memcpy(seen[nseen++], resolved, sizeof(resolved));
		rc = lsc_stage_emit_final(s, &rules[r->rule], rules[r->rule].severity, layer,
					  resolved, "%s at %s", r->what, r->path);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int hygiene_image(struct lsc_stage *s, void *shared)
{
	const struct lsc_config *cfg = s->config;
	json_t *c = cfg->container;
	int rc;

	(void)shared;
	rc = check_volumes(s, c ? json_object_get(c, "Volumes") : NULL);
	if (rc == 0) {
		rc = check_ports(s, c ? json_object_get(c, "ExposedPorts") : NULL);
	}
	if (rc == 0) {
		rc = check_healthcheck(s, c ? json_object_get(c, "Healthcheck") : NULL);
	}
	if (rc == 0) {
		rc = check_history(s, cfg);
	}
	if (rc == 0) {
		rc = check_installed(s);
	}
	return rc;
}

/* ---- package-manager caches, per layer ---- */

static const struct cache_row {
	const char *dir; /* with its trailing slash */
	const char *what;
} cache_rows[] = {
    {"/var/lib/apt/lists/", "apt package lists"},
    {"/var/cache/apt/", "apt package cache"},
    {"/var/cache/apk/", "apk cache"},
    {"/var/cache/yum/", "yum cache"},
    {"/var/cache/dnf/", "dnf cache"},
    {"/root/.cache/pip/", "pip cache"},
    {"/root/.npm/_cacache/", "npm cache"},
};

#define NCACHES (sizeof(cache_rows) / sizeof(cache_rows[0]))

struct cache_seen {
	char *first;  /* the first of its files in the layer: the finding's anchor */
	uint64_t seq; /* that file's entry */
	uint64_t files;
	uint64_t bytes;
};

struct state {
	struct cache_seen cache[NCACHES];
};

static int hy_layer_new(void **out, void *shared)
{
	(void)shared;
	*out = calloc(1, sizeof(struct state));
	return *out ? 0 : -ENOMEM;
}

static void hy_layer_free(void *state)
{
	struct state *st = state;

	for (size_t i = 0; st && i < NCACHES; i++) {
		free(st->cache[i].first);
	}
	free(st);
}

static int hy_entry_begin(struct lsc_want *want, void *state, struct lsc_layer *layer,
			  const struct lsc_tar_entry *e)
{
	struct state *st = state;

	(void)want;
	(void)layer;
	/* empty files are lock files and markers, not a cache */
	if (e->type != LSC_TAR_REG || e->size <= 0) {
		return 0;
	}
	for (size_t i = 0; i < NCACHES; i++) {
		struct cache_seen *c = &st->cache[i];

		if (!lsc_str_starts(e->path, cache_rows[i].dir)) {
			continue;
		}
		if (!c->first) {
			c->first = strdup(e->path);
			if (!c->first) {
				return -ENOMEM;
			}
			c->seq = e->index;
		}
		c->files++;
		c->bytes += (uint64_t)e->size;
		break;
	}
	return 0;
}

static int hy_layer_end(void *state, struct lsc_layer *layer)
{
	struct state *st = state;

	for (size_t i = 0; i < NCACHES; i++) {
		const struct cache_seen *c = &st->cache[i];
		/* the anchor is a real entry: in_final_image says whether a later layer removed it
		 */
		struct lsc_tar_entry e = {.path = c->first, .type = LSC_TAR_REG, .index = c->seq};
		int rc;

		if (!c->first) {
			continue;
		}
		rc = lsc_emit_finding(
		    layer, &e, &rules[R_PKG_CACHE], rules[R_PKG_CACHE].severity, 0, NULL,
		    "%s left in the layer: %" PRIu64 " file%s, %" PRIu64 " bytes under %.*s",
		    cache_rows[i].what, c->files, c->files == 1 ? "" : "s", c->bytes,
		    (int)strlen(cache_rows[i].dir) - 1, cache_rows[i].dir);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

const struct lsc_detector_ops lsc_detect_hygiene = {
    .name = DETECTOR,
    .rules = rules,
    .nrules = NRULES,
    .layer_new = hy_layer_new,
    .layer_free = hy_layer_free,
    .entry_begin = hy_entry_begin,
    .layer_end = hy_layer_end,
    .image = hygiene_image,
};
