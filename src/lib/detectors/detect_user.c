/*
 * The `user` detector: the image's default user is root. Docker resolves USER against the final
 * image's /etc/passwd, so a name is root exactly when that file maps it to uid 0; a numeric uid
 * needs no passwd entry at all.
 */
#include "lib/detect.h"
#include "util/error.h"
#include "lib/config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const struct lsc_rule rules[] = {
    {"root-user", LSC_CAT_USER, LSC_SEV_HIGH, "Image runs as root",
     "The image's default user is root (no USER, USER root, USER 0, or a name that the image's "
     "/etc/passwd maps to uid 0): a process that escapes the container is root on the host "
     "unless user namespaces remap it.",
     "user"},
    {"user-not-in-passwd", LSC_CAT_CONFIG, LSC_SEV_LOW, "Default user has no passwd entry",
     "USER names a user that the final image's /etc/passwd does not list: the container runtime "
     "refuses to start the image.",
     "user"},
};

static const char *const capture[] = {"/etc/passwd", NULL};

/* uid of name in passwd text: 1 found (*uid set), 0 not found. */
static int passwd_lookup(long long *uid, const char *text, size_t n, const char *name)
{
	size_t nl = strlen(name);
	const char *p = text, *end = text + n;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;

		if ((size_t)(line_end - p) > nl + 1 && memcmp(p, name, nl) == 0 && p[nl] == ':') {
			/* name:password:uid:... */
			const char *f = memchr(p + nl + 1, ':', (size_t)(line_end - p - nl - 1));

			if (f && f + 1 < line_end && isdigit((unsigned char)f[1])) {
				*uid = strtoll(f + 1, NULL, 10);
				return 1;
			}
		}
		p = line_end + 1;
	}
	return 0;
}

static bool all_digits(const char *s, size_t n)
{
	if (n == 0) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return false;
		}
	}
	return true;
}

static int user_image(struct lsc_stage *st, void *shared)
{
	const struct lsc_config *cfg = st->config;
	const char *user = cfg->user ? cfg->user : "";
	char name[256];
	const uint8_t *pw;
	size_t n, len;
	bool truncated;
	long long uid;
	int rc;

	(void)shared;
	while (isspace((unsigned char)*user)) {
		user++;
	}
	len = strcspn(user, ":");
	while (len > 0 && isspace((unsigned char)user[len - 1])) {
		len--;
	}
	if (len == 0) {
		return lsc_stage_emit(st, &rules[0], rules[0].severity, LSC_LOC_CONFIG_USER, NULL,
				      NULL, "no USER in the image config: containers run as root");
	}
	if (len >= sizeof(name)) {
		len = sizeof(name) - 1;
	}
	memcpy(name, user, len);
	name[len] = 0;
	if (all_digits(name, len)) {
		if (strtoull(name, NULL, 10) == 0) {
			return lsc_stage_emit(st, &rules[0], rules[0].severity, LSC_LOC_CONFIG_USER,
					      NULL, NULL, "USER %s is uid 0", user);
		}
		return 0;
	}
	if (strcmp(name, "root") == 0) {
		return lsc_stage_emit(st, &rules[0], rules[0].severity, LSC_LOC_CONFIG_USER, NULL,
				      NULL, "USER %s is root", user);
	}
	rc = lsc_stage_final_file(&pw, &n, &truncated, st, "/etc/passwd");
	if (rc == -LSC_E_NOT_FOUND) {
		return lsc_stage_emit(st, &rules[1], rules[1].severity, LSC_LOC_CONFIG_USER, NULL,
				      NULL, "USER %s, but the image has no /etc/passwd", name);
	}
	if (rc < 0) {
		return rc;
	}
	if (passwd_lookup(&uid, (const char *)pw, n, name)) {
		if (uid == 0) {
			return lsc_stage_emit(st, &rules[0], rules[0].severity, LSC_LOC_CONFIG_USER,
					      NULL, NULL, "USER %s: /etc/passwd maps %s to uid 0",
					      user, name);
		}
		return 0;
	}
	if (truncated) {
		return 0; /* the entry may be past what was read: say nothing rather than guess */
	}
	return lsc_stage_emit(st, &rules[1], rules[1].severity, LSC_LOC_CONFIG_USER, NULL, NULL,
			      "USER %s is not in /etc/passwd", name);
}

const struct lsc_detector_ops lsc_detect_user = {
    .name = "user",
    .rules = rules,
    .nrules = sizeof(rules) / sizeof(rules[0]),
    .capture = capture,
    .image = user_image,
};
