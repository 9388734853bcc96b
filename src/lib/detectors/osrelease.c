#include "osrelease.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

char *lsc_osrelease_get(const char *text, size_t n, const char *key)
{
	size_t kl = strlen(key);
	const char *p = text, *end = text + n;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;

		while (p < le && (*p == ' ' || *p == '\t')) {
			p++;
		}
		if ((size_t)(le - p) > kl && memcmp(p, key, kl) == 0 && p[kl] == '=') {
			const char *v = p + kl + 1;
			char quote = 0, *out = malloc((size_t)(le - v) + 1), *o = out;

			if (!out) {
				return NULL;
			}
			if (v < le && (*v == '"' || *v == '\'')) {
				quote = *v++;
			}
			while (v < le && *v != quote &&
			       !(quote == 0 && (*v == ' ' || *v == '\r'))) {
				if (*v == '\\' && quote != '\'' && v + 1 < le) {
					v++;
				}
				*o++ = *v++;
			}
			*o = 0;
			return out;
		}
		p = le + 1;
	}
	return NULL;
}

void lsc_osrelease_parse(struct lsc_os_info *out, const char *text, size_t n)
{
	out->id = lsc_osrelease_get(text, n, "ID");
	out->version_id = lsc_osrelease_get(text, n, "VERSION_ID");
	out->pretty_name = lsc_osrelease_get(text, n, "PRETTY_NAME");
}

/* --- release files ---------------------------------------------------------------------------- */

#define RELEASE_VERSION_MAX 32

/* How much of the version a distribution's os-release keeps as VERSION_ID. */
enum cut { CUT_NONE, CUT_MAJOR, CUT_TWO };

/* The NAME before " release " in the Red Hat family's files; the first prefix that fits wins. */
static const struct {
	const char *name;
	const char *id;
	enum cut cut;
} rh_names[] = {
    {"Red Hat Enterprise Linux", "rhel", CUT_NONE}, /* "... Server release 7.9 (Maipo)" too */
    {"CentOS", "centos", CUT_MAJOR},		    /* "CentOS Linux", "CentOS Stream", "CentOS" */
    {"Rocky Linux", "rocky", CUT_NONE},
    {"AlmaLinux", "almalinux", CUT_NONE},
    {"Amazon Linux AMI", "amzn", CUT_TWO},
    {"Amazon Linux", "amzn", CUT_MAJOR}, /* "Amazon Linux", "Amazon Linux 2" */
    {"Fedora", "fedora", CUT_MAJOR},
};

static const char *const rh_files[] = {
    "redhat-release", "centos-release",	      "rocky-release",	"almalinux-release",
    "fedora-release", "amazon-linux-release", "system-release",
};

/*
 * The first line of text into line (LSC_RELEASE_LINE_MAX + 1 bytes), without surrounding blanks
 * and the line end. false when it is empty, too long or holds a control character.
 */
static bool first_line(char *line, const char *text, size_t n)
{
	size_t scan = n < LSC_RELEASE_LINE_MAX + 2 ? n : LSC_RELEASE_LINE_MAX + 2;
	const char *nl = memchr(text, '\n', scan);
	size_t len = nl ? (size_t)(nl - text) : scan;
	size_t start = 0;

	if (!nl && n > LSC_RELEASE_LINE_MAX + 1) {
		return false;
	}
	while (len > 0 &&
	       (text[len - 1] == '\r' || text[len - 1] == ' ' || text[len - 1] == '\t')) {
		len--;
	}
	while (start < len && (text[start] == ' ' || text[start] == '\t')) {
		start++;
	}
	len -= start;
	if (len == 0 || len > LSC_RELEASE_LINE_MAX) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[start + i];

		if (c < 0x20 ? c != '\t' : c == 0x7f) {
			return false;
		}
	}
	memcpy(line, text + start, len);
	line[len] = 0;
	return true;
}

/* Length of the "N(.N)*" at s, 0 when s does not start with one. */
static size_t dotted(const char *s)
{
	size_t i = 0;

	for (;;) {
		size_t d = i;

		while (s[i] >= '0' && s[i] <= '9') {
			i++;
		}
		if (i == d) {
			/* a component needs a digit: "8." and ".8" are not versions */
			return d == 0 ? 0 : d - 1;
		}
		if (s[i] != '.') {
			return i;
		}
		i++;
	}
}

/* v cut to its first one (CUT_MAJOR) or two (CUT_TWO) components, in place. */
static void cut_version(char *v, enum cut cut)
{
	char *dot = strchr(v, '.');

	if (cut == CUT_TWO && dot) {
		dot = strchr(dot + 1, '.');
	}
	if (cut != CUT_NONE && dot) {
		*dot = 0;
	}
}

static bool alpine(char *version, const char *line)
{
	/* "3.19.1", or an edge snapshot "3.20.0_alpha20240315" */
	size_t len = dotted(line);

	if (len == 0 || len > RELEASE_VERSION_MAX) {
		return false;
	}
	if (line[len] == '_') {
		size_t i = len + 1;

		while ((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= '0' && line[i] <= '9')) {
			i++;
		}
		if (i == len + 1 || line[i] != 0 || i > RELEASE_VERSION_MAX) {
			return false;
		}
		len = i;
	} else if (line[len] != 0) {
		return false;
	}
	memcpy(version, line, len);
	version[len] = 0;
	return true;
}

static bool debian(char *version, const char *line)
{
	/* "12.5", "10.13", "7.11", or "bookworm/sid" in testing and unstable */
	size_t len = dotted(line);

	if (len > 0) {
		if (line[len] != 0 || len > RELEASE_VERSION_MAX) {
			return false;
		}
		memcpy(version, line, len);
		version[len] = 0;
		cut_version(version, CUT_MAJOR);
		return true;
	}
	for (const char *p = line; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || *p == '/')) {
			return false;
		}
	}
	version[0] = 0;
	return true;
}

/* "NAME release VERSION( ...)": the id and version, cut as that distribution's os-release does. */
static bool redhat(const char **id, char *version, const char *line)
{
	const char *rel = strstr(line, " release ");
	const char *v;
	size_t name_len, len;

	if (!rel) {
		return false;
	}
	name_len = (size_t)(rel - line);
	v = rel + strlen(" release ");
	len = dotted(v);
	if (len == 0 || len > RELEASE_VERSION_MAX || (v[len] != 0 && v[len] != ' ')) {
		return false;
	}
	for (size_t i = 0; i < sizeof(rh_names) / sizeof(rh_names[0]); i++) {
		size_t nl = strlen(rh_names[i].name);

		/* the name, or the name and more words ("... Linux Server", "Amazon Linux 2") */
		if (name_len >= nl && memcmp(line, rh_names[i].name, nl) == 0 &&
		    (name_len == nl || line[nl] == ' ')) {
			memcpy(version, v, len);
			version[len] = 0;
			cut_version(version, rh_names[i].cut);
			*id = rh_names[i].id;
			return true;
		}
	}
	return false;
}

int lsc_osrelease_from_release_file(struct lsc_os_info *out, const char *path, const char *text,
				    size_t n)
{
	char line[LSC_RELEASE_LINE_MAX + 1], version[RELEASE_VERSION_MAX + 1];
	char pretty[LSC_RELEASE_LINE_MAX + 32];
	const char *base = lsc_path_base(path), *id = NULL;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (!first_line(line, text, n)) {
		return -LSC_E_NOT_FOUND;
	}
	if (strcmp(base, "alpine-release") == 0) {
		id = "alpine";
		ok = alpine(version, line);
		snprintf(pretty, sizeof(pretty), "Alpine Linux %s", line);
	} else if (strcmp(base, "debian_version") == 0) {
		id = "debian";
		ok = debian(version, line);
		snprintf(pretty, sizeof(pretty), "Debian GNU/Linux %s", line);
	} else {
		for (size_t i = 0; i < sizeof(rh_files) / sizeof(rh_files[0]); i++) {
			if (strcmp(base, rh_files[i]) == 0) {
				ok = redhat(&id, version, line);
				snprintf(pretty, sizeof(pretty), "%s", line);
				break;
			}
		}
	}
	if (!ok) {
		return -LSC_E_NOT_FOUND;
	}
	out->id = strdup(id);
	out->version_id = version[0] ? strdup(version) : NULL;
	out->pretty_name = strdup(pretty);
	if (!out->id || (version[0] && !out->version_id) || !out->pretty_name) {
		free(out->id);
		free(out->version_id);
		free(out->pretty_name);
		memset(out, 0, sizeof(*out));
		return -ENOMEM;
	}
	return 0;
}
