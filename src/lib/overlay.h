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
#include "util/vec.h"

/*
 * A layer's paths are a tree of nodes, one per path component under its parent (key "<parent id
 * in hex>/<name>" in the nodes map), so a path costs its last component whatever its depth:
 * 200k files under one 4000-byte directory hold that directory once. Node 0 is "/". A node
 * whose value is 0 is a directory the layer only passes through: as good as absent.
 */
struct lsc_overlay_node {
	const char *key; /* the nodes map's copy; the name follows the first '/' */
	uintptr_t value; /* packed flags, type and last entry index; 0: no entry here */
	uint32_t parent;
	uint32_t chain; /* hard links to this path: index + 1 in chains, or 0 */
};

struct lsc_overlay_link {
	uint32_t node; /* the hard link's own path */
	uint64_t seq;
	size_t prev; /* the link before it to the same target: index + 1, or 0 */
};

/*
 * The hard links to one target, newest first from last, and a memo of the query: the highest
 * entry index + 1 of a link that a container of the first memo_n layers sees.
 */
struct lsc_overlay_chain {
	size_t last;   /* index + 1 in links */
	size_t memo_n; /* 0: not computed */
	uint64_t memo;
};

#define LSC_OVERLAY_MAX_TEXT (256u << 20) /* bytes of names and symlink targets per layer */

struct lsc_overlay_cache;

struct lsc_overlay_layer {
	struct lsc_overlay_cache *last; /* the last path recorded, by component: the walk's cache */
	struct lsc_strmap nodes;	/* "<parent hex>/<name>" -> node id + 1 */
	struct lsc_vec
	    node; /* struct lsc_overlay_node by id, at most the nodes map's entries + 1 */
	size_t npaths, max_paths;   /* nodes with an entry, bounded by max_entries */
	struct lsc_strmap symlinks; /* node id in hex -> char * target as written (owned) */
	struct lsc_vec links;	    /* struct lsc_overlay_link */
	struct lsc_vec chains;	    /* struct lsc_overlay_chain */
	size_t text_bytes;	    /* symlink targets kept, bounded with the maps' keys */
};

void lsc_overlay_layer_init(struct lsc_overlay_layer *l, size_t max_entries);
void lsc_overlay_layer_dispose(struct lsc_overlay_layer *l);

/*
 * Records one tar entry. A whiteout (".wh.NAME") or opaque marker (".wh..wh..opq") is recorded
 * as such and *is_whiteout set, so the caller hands it to no detector. 0, -ENOMEM or
 * -LSC_E_TOO_LARGE (detail set): more paths than max_entries (or 1.5 times that in paths and the
 * directories above them), a symlink target longer than LSC_PATH_MAX, or more than
 * LSC_OVERLAY_MAX_TEXT bytes of names and targets in the layer.
 */
int lsc_overlay_layer_add(struct lsc_overlay_layer *l, const struct lsc_tar_entry *e,
			  bool *is_whiteout);

/*
 * Whether the content that entry number seq of layers[idx] wrote at path is seen by a container
 * of the final image: not overwritten later in its own layer, not deleted, overwritten or hidden
 * by an opaque directory or a non-directory parent in a later layer, or still reachable through
 * one of its hard links. Linear in the path's length for each later layer (one look-up per
 * component, ancestors included); a layer's hard links to one path are found from its node and
 * their visibility computed once per layer count (a memo in layers[idx]: not thread-safe against
 * itself on the same layer).
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

enum lsc_overlay_kind {
	LSC_OVL_NONE = 0,
	LSC_OVL_FILE,
	LSC_OVL_DIR,
	LSC_OVL_SYMLINK,
	LSC_OVL_OTHER
};

/*
 * Resolves path in the final image, following symlinks (at most 16). On success *layer is the
 * index of the layer whose regular file is seen there and resolved (LSC_PATH_MAX bytes) its
 * path. -LSC_E_NOT_FOUND when nothing (or no regular file) is there.
 */
int lsc_overlay_final_file(size_t *layer, char *resolved, struct lsc_overlay_layer *const *layers,
			   size_t n, const char *path);

#endif
