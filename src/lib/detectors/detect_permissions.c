/*
 * The `permissions` detector: file modes and capabilities that hand privileges to whoever runs a
 * file, or let anyone change what the container runs. Metadata only: it reads the tar header of
 * each entry and never its content.
 *
 * A distribution ships a handful of setuid, setgid and capability-carrying programs on purpose
 * (passwd, su, ping); those are reported at info, so that a report still lists every privileged
 * file, but only where the distribution puts them and owned by root. The same name elsewhere
 * (/usr/local/bin, /app) is what someone added, and counts in full.
 */
#include "lib/detect.h"
#include "fcaps.h"
#include "util/str.h"

#include <assert.h>
#include <string.h>

enum { R_FCAPS, R_FCAPS_MALFORMED, R_SETUID, R_SETGID, R_WORLD_WRITABLE };

static const struct lsc_rule rules[] = {
    [R_FCAPS] = {"file-capabilities", LSC_CAT_PERMISSIONS, LSC_SEV_HIGH, "File with capabilities",
		 "A file carries file capabilities (the security.capability extended attribute): "
		 "whoever runs it gets those capabilities, as setuid root would give a part of "
		 "root. The severity is that of the most dangerous capability granted.",
		 "permissions"},
    [R_FCAPS_MALFORMED] = {"file-capabilities-malformed", LSC_CAT_PERMISSIONS, LSC_SEV_MEDIUM,
			   "Malformed file capabilities",
			   "A file's security.capability extended attribute does not decode "
			   "as any revision of the kernel's format: crafted or corrupted "
			   "metadata that tools and kernels read differently.",
			   "permissions"},
    [R_SETUID] = {"setuid-file", LSC_CAT_PERMISSIONS, LSC_SEV_HIGH, "Setuid executable",
		  "An executable file has the setuid bit: it runs as its owner, whoever starts "
		  "it, so a flaw in it is a privilege escalation inside the container.",
		  "permissions"},
    [R_SETGID] = {"setgid-file", LSC_CAT_PERMISSIONS, LSC_SEV_MEDIUM, "Setgid executable",
		  "An executable file has the setgid bit: it runs with its group, whoever starts "
		  "it, and can read and write what that group can.",
		  "permissions"},
    [R_WORLD_WRITABLE] = {"world-writable", LSC_CAT_PERMISSIONS, LSC_SEV_HIGH,
			  "World-writable file or directory",
			  "A file or a directory without the sticky bit is writable by every "
			  "user: any process in the container can change or replace it.",
			  "permissions"},
};

/*
 * Where a distribution installs its programs: the bin directories themselves (not below them),
 * and the library trees at any depth (ssh-keysign, dbus-daemon-launch-helper live there).
 * /usr/local, /opt and the rest are the image author's.
 */
static const char *const system_bin_dirs[] = {
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
};

static const char *const system_lib_trees[] = {
    "/lib",	  "/lib32",	"/lib64",	"/libx32",     "/usr/lib",
    "/usr/lib32", "/usr/lib64", "/usr/libexec", "/usr/libx32",
};

/* Setuid programs distributions ship (Debian, Ubuntu, Fedora/RHEL, SUSE, Alpine, Arch). */
static const char *const known_setuid[] = {
    "at",
    "bbsuid", /* Alpine: busybox's setuid applets */
    "chfn",
    "chsh",
    "crontab", /* cronie (Fedora, RHEL); Debian's is setgid */
    "dbus-daemon-launch-helper",
    "doas",
    "fusermount",
    "fusermount3",
    "gpasswd",
    "grub2-set-bootflag",
    "mount",
    "mount.cifs",
    "mount.nfs",
    "newgidmap",
    "newgrp",
    "newuidmap",
    "ntfs-3g",
    "pam_timestamp_check",
    "passwd",
    "ping",
    "ping6",
    "pkexec",
    "polkit-agent-helper-1",
    "snap-confine",
    "ssh-keysign",
    "staprun",
    "su",
    "sudo",
    "sudoedit",
    "traceroute6.iputils",
    "umount",
    "unix2_chkpwd", /* SUSE */
    "unix_chkpwd",  /* Fedora, RHEL */
    "userhelper",
    "usernetctl", /* RHEL 7 and 8 initscripts */
    "Xorg.wrap",
};

/* Setgid programs distributions ship. */
static const char *const known_setgid[] = {
    "bsd-write",      "chage",
    "crontab", /* Debian: group crontab */
    "dotlockfile",    "expiry",
    "locate",	      "mail-lock",
    "mail-touchlock", "mail-unlock",
    "mlocate",	      "mutt_dotlock",
    "netreport",      "pam_extrausers_chkpwd",
    "plocate",	      "postdrop",
    "postqueue",      "ssh-agent",
    "unix_chkpwd", /* Debian: group shadow */
    "utempter",	      "wall",
    "write",	      "write.ul",
};

#define CAP(n) ((uint64_t)1 << (n))
#define CAP_SETGID 6
#define CAP_SETUID 7
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_ADMIN 12
#define CAP_NET_RAW 13
#define CAP_IPC_LOCK 14
#define CAP_SYS_NICE 23

/*
 * Programs distributions ship with file capabilities, and the most each may carry, permitted or
 * inheritable (Debian's dumpcap is cap_net_admin,cap_net_raw=eip).
 */
static const struct {
	const char *name;
	uint64_t allowed;
} known_fcaps[] = {
    {"arping", CAP(CAP_NET_RAW)},
    {"clockdiff", CAP(CAP_NET_RAW)},
    {"dumpcap", CAP(CAP_NET_RAW) | CAP(CAP_NET_ADMIN)},
    {"fping", CAP(CAP_NET_RAW)},
    {"gnome-keyring-daemon", CAP(CAP_IPC_LOCK)},
    {"gst-ptp-helper", CAP(CAP_NET_BIND_SERVICE) | CAP(CAP_NET_ADMIN) | CAP(CAP_SYS_NICE)},
    {"mtr-packet", CAP(CAP_NET_RAW)},
    {"newgidmap", CAP(CAP_SETGID)},
    {"newuidmap", CAP(CAP_SETUID)},
    {"ping", CAP(CAP_NET_RAW) | CAP(CAP_NET_ADMIN)},
    {"ping6", CAP(CAP_NET_RAW) | CAP(CAP_NET_ADMIN)},
    {"traceroute6.iputils", CAP(CAP_NET_RAW)},
};

/*
 * Places that are world-writable by design (with the sticky bit, normally), and everything below
 * them: a temporary file there is expected to be writable by its creator and nobody else cares.
 */
static const char *const scratch_dirs[] = {
    "/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/var/run/lock",
};

/*
 * Where a world-writable entry lets anyone change the system itself (programs, libraries,
 * configuration, package state, cron spools): high, at any depth. The root directory is high
 * too, but only itself (check_world_writable).
 * /var/log is left out on purpose: tampering with logs is bad, but it runs nothing (medium).
 */
static const char *const system_trees[] = {
    "/bin", "/boot", "/etc",  "/lib", "/lib32",	  "/lib64",	"/libx32",
    "/opt", "/root", "/sbin", "/usr", "/var/lib", "/var/spool",
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* path is directly in dir ("/usr/bin/su" in "/usr/bin"), or anywhere below it when subtree. */
static bool in_dir(const char *path, const char *dir, bool subtree)
{
	size_t n = strlen(dir);

	if (strncmp(path, dir, n) != 0 || path[n] != '/' || path[n + 1] == 0) {
		return false;
	}
	return subtree || strchr(path + n + 1, '/') == NULL;
}

static bool in_system_dir(const char *path)
{
	for (size_t i = 0; i < ARRAY_LEN(system_bin_dirs); i++) {
		if (in_dir(path, system_bin_dirs[i], false)) {
			return true;
		}
	}
	for (size_t i = 0; i < ARRAY_LEN(system_lib_trees); i++) {
		if (in_dir(path, system_lib_trees[i], true)) {
			return true;
		}
	}
	return false;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static bool listed(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], name) == 0) {
			return true;
		}
	}
	return false;
}

/* A distribution's own file: at a system path and owned by root. */
static bool distro_file(const struct lsc_tar_entry *e)
{
	return e->uid == 0 && in_system_dir(e->path);
}

static const struct lsc_tar_xattr *find_xattr(const struct lsc_tar_entry *e, const char *name)
{
	for (size_t i = 0; i < e->nxattrs; i++) {
		if (e->xattrs[i].name && strcmp(e->xattrs[i].name, name) == 0) {
			return &e->xattrs[i];
		}
	}
	return NULL;
}

static bool known_caps(const struct lsc_tar_entry *e, const struct lsc_fcaps *c)
{
	const char *name = base_name(e->path);

	if (!distro_file(e)) {
		return false;
	}
	for (size_t i = 0; i < ARRAY_LEN(known_fcaps); i++) {
		if (strcmp(known_fcaps[i].name, name) == 0) {
			return ((c->permitted | c->inheritable) & ~known_fcaps[i].allowed) == 0;
		}
	}
	return false;
}

static uint32_t magic_of(const uint8_t *v)
{
	return (uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24;
}

static int check_caps(struct lsc_layer *layer, const struct lsc_tar_entry *e)
{
	const struct lsc_tar_xattr *x = find_xattr(e, LSC_FCAPS_XATTR);
	const uint8_t *v;
	struct lsc_fcaps c;
	char text[LSC_FCAPS_TEXT_MAX];
	const char *why = "no value";
	enum lsc_severity sev;
	int n;

	if (!x) {
		return 0;
	}
	v = x->value;
	if ((v || x->size == 0) && lsc_fcaps_parse(&c, &why, v, x->size) == 0) {
		n = lsc_fcaps_format(text, sizeof(text), &c);
		assert(n > 0); /* LSC_FCAPS_TEXT_MAX holds every value's text */
		(void)n;
		sev = known_caps(e, &c) ? LSC_SEV_INFO : lsc_fcaps_severity(&c);
		return lsc_emit_finding(layer, e, &rules[R_FCAPS], sev, 0, NULL, "%s (revision %u)",
					text, c.revision);
	}
	/* the header as the kernel reads it says which revision and flags the value claimed */
	if (v && x->size >= 4) {
		return lsc_emit_finding(layer, e, &rules[R_FCAPS_MALFORMED],
					rules[R_FCAPS_MALFORMED].severity, 0, NULL,
					"security.capability of %zu bytes, magic 0x%08x: %s",
					x->size, (unsigned)magic_of(v), why);
	}
	return lsc_emit_finding(layer, e, &rules[R_FCAPS_MALFORMED],
				rules[R_FCAPS_MALFORMED].severity, 0, NULL,
				"security.capability of %zu bytes: %s", x->size, why);
}

static int check_setid(struct lsc_layer *layer, const struct lsc_tar_entry *e)
{
	const char *name = base_name(e->path);
	enum lsc_severity sev;
	int rc;

	/* setuid without any execute bit runs nothing */
	if ((e->mode & 04000) && (e->mode & 0111)) {
		if (distro_file(e) && listed(known_setuid, ARRAY_LEN(known_setuid), name)) {
			sev = LSC_SEV_INFO;
		} else {
			/* a non-root owner grants that uid, not root */
			sev = e->uid == 0 ? LSC_SEV_HIGH : LSC_SEV_MEDIUM;
		}
		rc = lsc_emit_finding(layer, e, &rules[R_SETUID], sev, 0, NULL,
				      "mode %04o, owner %lld:%lld", (unsigned)e->mode,
				      (long long)e->uid, (long long)e->gid);
		if (rc < 0) {
			return rc;
		}
	}
	/* setgid without group execute is System V mandatory locking, not setgid */
	if ((e->mode & 02000) && (e->mode & 0010)) {
		if (distro_file(e) && listed(known_setgid, ARRAY_LEN(known_setgid), name)) {
			sev = LSC_SEV_INFO;
		} else {
			sev = rules[R_SETGID].severity;
		}
		rc = lsc_emit_finding(layer, e, &rules[R_SETGID], sev, 0, NULL,
				      "mode %04o, owner %lld:%lld", (unsigned)e->mode,
				      (long long)e->uid, (long long)e->gid);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int check_world_writable(struct lsc_layer *layer, const struct lsc_tar_entry *e)
{
	struct lsc_tar_entry as_file;
	enum lsc_severity sev = LSC_SEV_MEDIUM;

	if (!(e->mode & 0002)) {
		return 0;
	}
	if (e->type == LSC_TAR_DIR && (e->mode & 01000)) {
		return 0; /* sticky: only a file's owner may delete or rename it */
	}
	for (size_t i = 0; i < ARRAY_LEN(scratch_dirs); i++) {
		if (lsc_path_under(e->path, scratch_dirs[i])) {
			return 0;
		}
	}
	if (strcmp(e->path, "/") == 0) {
		sev = LSC_SEV_HIGH; /* anyone may create or replace any top-level directory */
	}
	for (size_t i = 0; i < ARRAY_LEN(system_trees) && sev != LSC_SEV_HIGH; i++) {
		if (lsc_path_under(e->path, system_trees[i])) {
			sev = LSC_SEV_HIGH;
		}
	}
	/* anyone can replace what the container runs */
	if (e->type != LSC_TAR_DIR && (e->mode & 0111)) {
		sev = LSC_SEV_HIGH;
	}
	/*
	 * The finding is about this entry's mode, which any later entry at the path replaces, not
	 * about the tree below (a directory finding would stay in the final image as long as the
	 * directory does): report it with a file's overlay semantics.
	 */
	as_file = *e;
	if (as_file.type == LSC_TAR_DIR) {
		as_file.type = LSC_TAR_REG;
	}
	return lsc_emit_finding(layer, &as_file, &rules[R_WORLD_WRITABLE], sev, 0, NULL,
				"mode %04o%s", (unsigned)e->mode,
				e->type == LSC_TAR_DIR ? ", a directory without the sticky bit"
						       : "");
}

static int perm_entry_begin(struct lsc_want *want, void *state, struct lsc_layer *layer,
			    const struct lsc_tar_entry *e)
{
	int rc;

	(void)want; /* metadata only: no content */
	(void)state;
	switch (e->type) {
	case LSC_TAR_REG:
	case LSC_TAR_HARDLINK: /* its header carries the mode and xattrs of the linked file */
		rc = check_caps(layer, e);
		if (rc == 0) {
			rc = check_setid(layer, e);
		}
		if (rc == 0) {
			rc = check_world_writable(layer, e);
		}
		return rc;
	case LSC_TAR_DIR:
		return check_world_writable(layer, e);
	default:
		/* a symlink's mode means nothing; devices and fifos are the runtime's business */
		return 0;
	}
}

const struct lsc_detector_ops lsc_detect_permissions = {
    .name = "permissions",
    .rules = rules,
    .nrules = sizeof(rules) / sizeof(rules[0]),
    .entry_begin = perm_entry_begin,
};
