/*
 * The overlay model: what each layer does to the filesystem (entries, whiteouts, opaque
 * directories, symlinks, hard links), and from that whether content of one layer is what a
 * container of the final image sees. Detectors never look at whiteouts: they ask this module.
 *
 * One lsc_overlay_layer is filled while its layer is walked (by one thread); the queries take the
 * layers of the whole image, in order, once every layer is walked.
 */
#ifndef LSC_LIB_OVERLAY_H
#define LSC_LIB_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tar.h"
#include "util/strmap.h"

struct lsc_overlay_link {
	char *link;   /* the hard link's path */
	char *target; /* the path it links to, in the same layer */
	uint64_t seq;
};

struct lsc_overlay_layer {
	struct lsc_strmap paths;    /* path -> packed flags, type and last entry index */
	struct lsc_strmap symlinks; /* path -> char * target as written (owned) */
	struct lsc_overlay_link *links;
	size_t nlinks, caplinks;
};

void lsc_overlay_layer_init(struct lsc_overlay_layer *l, size_t max_entries);
void lsc_overlay_layer_dispose(struct lsc_overlay_layer *l);

/*
 * Records one tar entry. A whiteout (".wh.NAME") or opaque marker (".wh..wh..opq") is recorded
 * as such and *is_whiteout set, so the caller hands it to no detector. 0, -ENOMEM or
 * -LSC_E_TOO_LARGE (detail set).
 */
int lsc_overlay_layer_add(struct lsc_overlay_layer *l, const struct lsc_tar_entry *e,
			  bool *is_whiteout);

/*
 * Whether the content that entry number seq of layers[idx] wrote at path is seen by a container
 * of the final image: not overwritten later in its own layer, not deleted, overwritten or hidden
 * by an opaque directory or a non-directory parent in a later layer, or still reachable through
 * one of its hard links.
 */
bool lsc_overlay_visible(struct lsc_overlay_layer *const *layers, size_t n, size_t idx,
			 const char *path, uint64_t seq);

/*
 * The same for a directory that layers[idx] created or filled (a finding about a whole tree,
 * such as a .git directory): directories of later layers merge with it, so only a whiteout, an
 * opaque marker, or a non-directory at it or at an ancestor hides it.
 */
bool lsc_overlay_visible_dir(struct lsc_overlay_layer *const *layers, size_t n, size_t idx,
			     const char *path);

enum lsc_overlay_kind { LSC_OVL_NONE = 0, LSC_OVL_FILE, LSC_OVL_DIR, LSC_OVL_SYMLINK,
			LSC_OVL_OTHER };

/*
 * Resolves path in the final image, following symlinks (at most 16). On success *layer is the
 * index of the layer whose regular file is seen there and resolved (LSC_PATH_MAX bytes) its
 * path. -LSC_E_NOT_FOUND when nothing (or no regular file) is there.
 */
int lsc_overlay_final_file(size_t *layer, char *resolved, struct lsc_overlay_layer *const *layers,
			   size_t n, const char *path);

#endif
