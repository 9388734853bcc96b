#include "target.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *lsc_transport_name(enum lsc_transport t)
{
	switch (t) {
	case LSC_TRANSPORT_DOCKER_ARCHIVE:
		return "docker-archive";
	case LSC_TRANSPORT_OCI_ARCHIVE:
		return "oci-archive";
	case LSC_TRANSPORT_OCI:
		return "oci";
	case LSC_TRANSPORT_REGISTRY:
		return "docker";
	default:
		return "archive";
	}
}

void lsc_target_dispose(struct lsc_target *t)
{
	free(t->path);
	free(t->ref);
	t->path = t->ref = NULL;
}

static bool exists(const char *p, bool dir)
{
	struct stat st;

	return stat(p, &st) == 0 && (dir ? S_ISDIR(st.st_mode) : !S_ISDIR(st.st_mode));
}

/* PATH or PATH:REF, the longest existing PATH first. */
static int split_path(struct lsc_target *t, const char *s, bool dir, const char *transport)
{
	char *copy;

	if (!*s) {
		return lsc_error(LSC_E_USAGE, "%s: missing path", transport);
	}
	if (strcmp(s, "-") == 0 || exists(s, dir)) {
		t->path = strdup(s);
		return t->path ? 0 : -ENOMEM;
	}
	copy = strdup(s);
	if (!copy) {
		return -ENOMEM;
	}
	/* the longest existing prefix wins: "x:y:tag" is x:y with tag when x:y exists */
	for (char *c = strrchr(copy, ':'); c;
	     c = c > copy ? memrchr(copy, ':', (size_t)(c - copy)) : NULL) {
		*c = 0;
		if (exists(copy, dir) && c[1]) {
			t->path = strdup(copy);
			t->ref = strdup(c + 1);
			free(copy);
			return t->path && t->ref ? 0 : -ENOMEM;
		}
		*c = ':';
	}
	free(copy);
	return lsc_error(LSC_E_NOT_FOUND, "%s:%s: no such %s", transport, s,
			 dir ? "directory" : "file");
}

int lsc_target_parse(struct lsc_target *out, const char *s)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		return lsc_error(LSC_E_USAGE, "empty target");
	}
	if (strcmp(s, "-") == 0) {
		out->transport = LSC_TRANSPORT_DOCKER_ARCHIVE;
		out->path = strdup("-");
		return out->path ? 0 : -ENOMEM;
	}
	if (lsc_str_starts(s, "docker-archive:")) {
		out->transport = LSC_TRANSPORT_DOCKER_ARCHIVE;
		return split_path(out, s + 15, false, "docker-archive");
	}
	if (lsc_str_starts(s, "oci-archive:")) {
		out->transport = LSC_TRANSPORT_OCI_ARCHIVE;
		return split_path(out, s + 12, false, "oci-archive");
	}
	if (lsc_str_starts(s, "oci:")) {
		out->transport = LSC_TRANSPORT_OCI;
		return split_path(out, s + 4, true, "oci");
	}
	if (lsc_str_starts(s, "docker://")) {
		out->transport = LSC_TRANSPORT_REGISTRY;
		out->ref = strdup(s + 9);
		return out->ref ? 0 : -ENOMEM;
	}
	if (stat(s, &st) == 0) {
		out->transport = S_ISDIR(st.st_mode) ? LSC_TRANSPORT_OCI : LSC_TRANSPORT_ARCHIVE;
		out->path = strdup(s);
		return out->path ? 0 : -ENOMEM;
	}
	/* something that can only be a file name is not taken for an image reference */
	if (s[0] == '/' || s[0] == '.' || lsc_str_ends(s, ".tar") || lsc_str_ends(s, ".tar.gz") ||
	    lsc_str_ends(s, ".tgz") || lsc_str_ends(s, ".tar.zst")) {
		return lsc_error(LSC_E_NOT_FOUND, "%s: no such file or directory", s);
	}
	out->transport = LSC_TRANSPORT_REGISTRY;
	out->ref = strdup(s);
	return out->ref ? 0 : -ENOMEM;
}
