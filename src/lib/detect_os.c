/*
 * The `os` detector: which distribution the final image is, from /etc/os-release (usually a
 * symlink to /usr/lib/os-release, followed through the overlay). It fills image.os in the
 * report; the stale-base checks build on it.
 */
#include "detect.h"
#include "osrelease.h"
#include "scan.h"

static const char *const capture[] = {"/etc/os-release", "/usr/lib/os-release", NULL};

static int os_image(struct lsc_scan *scan)
{
	struct lsc_os_info os = {0};
	const uint8_t *p;
	size_t n;
	bool truncated;

	if (lsc_scan_final_file(&p, &n, &truncated, scan, "/etc/os-release") < 0 &&
	    lsc_scan_final_file(&p, &n, &truncated, scan, "/usr/lib/os-release") < 0) {
		return 0;
	}
	lsc_osrelease_parse(&os, (const char *)p, n);
	lsc_scan_set_os(scan, &os);
	return 0;
}

const struct lsc_detector_ops lsc_detect_os = {
	.name = "os",
	.capture = capture,
	.image = os_image,
};
