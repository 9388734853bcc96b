/* TARGET strings, with skopeo's transport names. */
#ifndef LSC_LIB_TARGET_H
#define LSC_LIB_TARGET_H

#include <stdbool.h>

enum lsc_transport {
	LSC_TRANSPORT_ARCHIVE = 1, /* a tar of blobs: docker save or OCI layout, found by content */
	LSC_TRANSPORT_DOCKER_ARCHIVE,
	LSC_TRANSPORT_OCI_ARCHIVE,
	LSC_TRANSPORT_OCI,
	LSC_TRANSPORT_REGISTRY
};

struct lsc_target {
	enum lsc_transport transport;
	char *path; /* file or directory; "-" for standard input */
	char *ref; /* OCI: the ref name (TAG); docker-archive: a RepoTag; registry: the reference */
};

/*
 * Parses s. A path is tried whole before a ":TAG" suffix is split off, so paths with colons
 * work. -LSC_E_USAGE (detail set) on an empty or malformed target; -LSC_E_NOT_FOUND when a
 * transport names a path that does not exist.
 */
int lsc_target_parse(struct lsc_target *out, const char *s);
void lsc_target_dispose(struct lsc_target *t);

const char *lsc_transport_name(enum lsc_transport t);

#endif
