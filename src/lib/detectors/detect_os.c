/*
 * The `os` detector: which distribution the final image is, from /etc/os-release (usually a
 * symlink to /usr/lib/os-release, followed through the overlay), or, in images without one that
 * names an ID, from the distribution's own release file (/etc/alpine-release, /etc/debian_version,
 * /etc/redhat-release and its kin). It fills image.os in the report; the stale-base checks build
 * on it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/detect.h"
#include "osrelease.h"

/*
 * The release files, in the order they are tried. redhat-release and system-release are often
 * symlinks to the distribution's own file, and fedora-release to /usr/lib/fedora-release:
 * lsc_stage_final_file looks the resolved path up among the captures, so capture names every
 * link target too.
 */
static const char *const release_files[] = {
    "/etc/alpine-release", "/etc/debian_version",	"/etc/redhat-release",
    "/etc/centos-release", "/etc/rocky-release",	"/etc/almalinux-release",
    "/etc/fedora-release", "/etc/amazon-linux-release", "/etc/system-release",
};

static const char *const capture[] = {
    "/etc/os-release",
    "/usr/lib/os-release",
    "/etc/alpine-release",
    "/etc/debian_version",
    "/etc/redhat-release",
    "/etc/centos-release",
    "/etc/rocky-release",
    "/etc/almalinux-release",
    "/etc/fedora-release",
    "/usr/lib/fedora-release",
    "/etc/amazon-linux-release",
    "/etc/system-release",
    NULL,
};

static void os_dispose(struct lsc_os_info *os)
{
	free(os->id);
	free(os->version_id);
	free(os->pretty_name);
	memset(os, 0, sizeof(*os));
}

static int os_image(struct lsc_stage *st, void *shared)
{
	struct lsc_os_info os = {0}, rel;
	const uint8_t *p;
	size_t n;
	bool truncated;
	int rc;

	(void)shared;
	if (lsc_stage_final_file(&p, &n, &truncated, st, "/etc/os-release") == 0 ||
	    lsc_stage_final_file(&p, &n, &truncated, st, "/usr/lib/os-release") == 0) {
		lsc_osrelease_parse(&os, (const char *)p, n);
		if (os.id && os.id[0]) {
			lsc_stage_set_os(st, &os);
			return 0;
		}
	}
	/* no os-release, or one without an ID: the first release file that names a distribution */
	for (size_t i = 0; i < sizeof(release_files) / sizeof(release_files[0]); i++) {
		if (lsc_stage_final_file(&p, &n, &truncated, st, release_files[i]) < 0) {
			continue;
		}
		rc = lsc_osrelease_from_release_file(&rel, release_files[i], (const char *)p, n);
		if (rc == -ENOMEM) {
			os_dispose(&os);
			return rc;
		}
		if (rc == 0) {
			os_dispose(&os);
			lsc_stage_set_os(st, &rel);
			return 0;
		}
	}
	/* what an ID-less os-release said (VERSION_ID, PRETTY_NAME), as before: better than nothing
	 */
	lsc_stage_set_os(st, &os);
	return 0;
}

const struct lsc_detector_ops lsc_detect_os = {
    .name = "os",
    .capture = capture,
    .image = os_image,
};
