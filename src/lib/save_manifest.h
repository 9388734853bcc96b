/*
 * docker save's manifest.json: the images of an archive, each its config's and its layers'
 * archive paths and its tags. Parsed from a bounded buffer (LSC_MAX_MANIFEST) with every field
 * checked.
 */
#ifndef LSC_LIB_SAVE_MANIFEST_H
#define LSC_LIB_SAVE_MANIFEST_H

#include <stddef.h>

/* One image of docker save's manifest.json. */
struct lsc_save_image {
	char *config;  /* archive path of the config */
	char **layers; /* archive paths of the layers, in order */
	size_t nlayers;
	char **repo_tags;
	size_t nrepo_tags;
};

struct lsc_save_manifest {
	struct lsc_save_image *images;
	size_t nimages;
};

/*
 * Parses docker save's manifest.json (at most LSC_MAX_MANIFEST bytes, 1024 images, LSC_MAX_LAYERS
 * layers and 1024 tags each), name naming it in errors. On success *out is the caller's to
 * release with lsc_save_manifest_dispose(); on failure nothing is left to release.
 */
int lsc_save_manifest_parse(struct lsc_save_manifest *out, const void *p, size_t n,
			    const char *name);
void lsc_save_manifest_dispose(struct lsc_save_manifest *m);

#endif
