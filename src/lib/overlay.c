#include "overlay.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Packed value of a path in a layer: low byte flags, the rest the last entry index + 1. */
#define F_KIND_MASK 0x07u /* enum lsc_overlay_kind */
#define F_WHITEOUT 0x08u
#define F_OPAQUE 0x10u
#define SEQ_SHIFT 8

#define NO_NODE UINT32_MAX
#define MAX_DEPTH (LSC_PATH_MAX / 2 + 1)

/*
 * The components of the last path recorded: a tar lists a directory's entries together, so the
 * next path shares most of them, and recording it costs its own bytes, not one look-up for each
 * of its (up to 2048) components.
 */
struct lsc_overlay_cache {
	char path[LSC_PATH_MAX];
	size_t len, depth;
	size_t end[MAX_DEPTH]; /* offset just past component k */
	uint32_t id[MAX_DEPTH];
};
#define KEY_MAX (9 + LSC_PATH_MAX) /* "<8 hex digits>/<name>" */

/* Node id, below l->node.n: indexed directly, as every path look-up of the walk does. */
static inline struct lsc_overlay_node *node_at(const struct lsc_overlay_layer *l, uint32_t id)
{
	return (struct lsc_overlay_node *)l->node.v + id;
}

/*
 * The bound on a layer's hard links: the first 16 * 2^k at or above max_entries, the bound the
 * array had when it doubled from 16 and refused to grow once its capacity reached max_entries.
 */
static size_t links_max(size_t max_entries)
{
	size_t cap = 16;

	if (max_entries == 0) {
		return 0;
	}
	while (cap < max_entries) {
		if (cap > SIZE_MAX / 2) {
			return SIZE_MAX;
		}
		cap *= 2;
	}
	return cap;
}

void lsc_overlay_layer_init(struct lsc_overlay_layer *l, size_t max_entries)
{
	size_t max_nodes =
	    max_entries > (SIZE_MAX - 64) / 3 * 2 ? SIZE_MAX - 1 : max_entries / 2 * 3 + 64;

	memset(l, 0, sizeof(*l));
	if (max_nodes >= UINT32_MAX) {
		max_nodes = UINT32_MAX - 1;
	}
	l->max_paths = max_entries;
	lsc_strmap_init(&l->nodes, max_nodes);
	lsc_strmap_init(&l->symlinks, max_entries);
	lsc_vec_init(&l->node, sizeof(struct lsc_overlay_node), max_nodes + 1); /* + the root */
	lsc_vec_init(&l->links, sizeof(struct lsc_overlay_link), links_max(max_entries));
	/* a chain is made only with a link, after the link's room: never more chains than links */
	lsc_vec_init(&l->chains, sizeof(struct lsc_overlay_chain), links_max(max_entries));
}

static int free_target(const char *key, uintptr_t value, void *payload)
{
	(void)key;
	(void)payload;
	free((char *)value);
	return 0;
}

void lsc_overlay_layer_dispose(struct lsc_overlay_layer *l)
{
	lsc_strmap_foreach(&l->symlinks, free_target, NULL);
	lsc_strmap_dispose(&l->symlinks);
	lsc_strmap_dispose(&l->nodes);
	free(l->last);
	lsc_vec_dispose(&l->node);
	lsc_vec_dispose(&l->links);
	lsc_vec_dispose(&l->chains);
	memset(l, 0, sizeof(*l));
}

static int text_bound(const struct lsc_overlay_layer *l, size_t more)
{
	if (l->nodes.key_bytes + l->symlinks.key_bytes + l->text_bytes + more >
	    LSC_OVERLAY_MAX_TEXT) {
		return lsc_error(LSC_E_TOO_LARGE,
				 "more than %u MiB of paths and link targets in "
				 "one layer",
				 LSC_OVERLAY_MAX_TEXT >> 20);
	}
	return 0;
}

/* --- the tree of nodes ----------------------------------------------------------------------- */

static size_t node_key(char *key, uint32_t parent, const char *name, size_t n)
{
	int k = snprintf(key, KEY_MAX, "%x/", (unsigned)parent);

	memcpy(key + k, name, n);
	key[(size_t)k + n] = 0;
	return (size_t)k + n;
}

/* The child called name[0..n) of parent: its id, or NO_NODE when absent. */
static uint32_t child(const struct lsc_overlay_layer *l, uint32_t parent, const char *name,
		      size_t n)
{
	char key[KEY_MAX];
	size_t kn = node_key(key, parent, name, n);
	uintptr_t v = lsc_strmap_value_n(&l->nodes, key, kn, 0);

	return v ? (uint32_t)(v - 1) : NO_NODE;
}

static int root(struct lsc_overlay_layer *l)
{
	if (l->node.n) {
		return 0;
	}
	return lsc_vec_push(&l->node, &(struct lsc_overlay_node){"0/", 0, 0, 0}, NULL);
}

static int child_create(uint32_t *out, struct lsc_overlay_layer *l, uint32_t parent,
			const char *name, size_t n)
{
	char key[KEY_MAX];
	size_t kn = node_key(key, parent, name, n);
	uintptr_t *v;
	int rc = text_bound(l, kn + 1);

	if (rc < 0) {
		return rc;
	}
	rc = lsc_strmap_get(&v, &l->nodes, key, 1);
	if (rc == -EFBIG) {
		return lsc_error(LSC_E_TOO_LARGE,
				 "more than %zu paths and directories in one layer",
				 l->nodes.max_count);
	}
	if (rc < 0) {
		return rc;
	}
	if (rc == 0) {
		rc = lsc_vec_push(
		    &l->node,
		    &(struct lsc_overlay_node){lsc_strmap_key(&l->nodes, key), 0, parent, 0}, NULL);
		if (rc < 0) {
			return rc; /* the key stays, pointing nowhere: the scan ends */
		}
		*v = l->node.n;
	}
	*out = (uint32_t)(*v - 1);
	return 0;
}

/* The deepest component of the cached path that path starts with: its node, from i on. */
static uint32_t from_cache(size_t *i, size_t *depth, const struct lsc_overlay_cache *c,
			   const char *path, size_t len)
{
	size_t lcp = 0, max = len < c->len ? len : c->len;

	while (lcp < max && path[lcp] == c->path[lcp]) {
		lcp++;
	}
	for (size_t k = c->depth; k-- > 0;) {
		if (c->end[k] <= lcp && (c->end[k] == len || path[c->end[k]] == '/')) {
			*i = c->end[k];
			*depth = k + 1;
			return c->id[k];
		}
	}
	*i = 0;
	*depth = 0;
	return 0;
}

/*
 * The node of path (components between '/', empty ones skipped), created with its ancestors
 * when create is set (through the cache of the last path created); NO_NODE when absent.
 */
static int resolve(uint32_t *out, struct lsc_overlay_layer *l, const char *path, size_t len,
		   bool create)
{
	struct lsc_overlay_cache *c = NULL;
	uint32_t id = 0;
	size_t i = 0, depth = 0;
	int rc;

	*out = NO_NODE;
	if (create) {
		rc = root(l);
		if (rc < 0) {
			return rc;
		}
		if (!l->last) {
			l->last = calloc(1, sizeof(*l->last));
		}
		if (!l->last) {
			return -ENOMEM;
		}
		if (len >= LSC_PATH_MAX) {
			return lsc_error(LSC_E_TOO_LARGE, "path longer than %d bytes",
					 LSC_PATH_MAX);
		}
		c = l->last;
		id = from_cache(&i, &depth, c, path, len);
		c->depth = depth; /* what follows i is replaced below */
		memcpy(c->path, path, len);
		c->len = len;
	}
	if (!l->node.n) {
		return 0;
	}
	while (i < len) {
		size_t j;

		while (i < len && path[i] == '/') {
			i++;
		}
		if (i == len) {
			break;
		}
		for (j = i; j < len && path[j] != '/'; j++) {
		}
		if (create) {
			rc = child_create(&id, l, id, path + i, j - i);
			if (rc < 0) {
				c->depth = 0;
				c->len = 0;
				return rc;
			}
			c->end[c->depth] = j;
			c->id[c->depth++] = id;
		} else {
			id = child(l, id, path + i, j - i);
			if (id == NO_NODE) {
				return 0;
			}
		}
		i = j;
	}
	*out = id;
	return 0;
}

static uint32_t find(const struct lsc_overlay_layer *l, const char *path)
{
	uint32_t id;

	resolve(&id, (struct lsc_overlay_layer *)l, path, strlen(path), false);
	return id;
}

/* Writes the path of node id to out (LSC_PATH_MAX bytes); -LSC_E_TOO_LARGE when it does not fit. */
static int node_path(char *out, const struct lsc_overlay_layer *l, uint32_t id)
{
	size_t len = 0, at;

	for (uint32_t k = id; k != 0; k = node_at(l, k)->parent) {
		len += 1 + strlen(strchr(node_at(l, k)->key, '/') + 1);
		if (len >= LSC_PATH_MAX) {
			return -LSC_E_TOO_LARGE;
		}
	}
	if (len == 0) {
		memcpy(out, "/", 2);
		return 0;
	}
	out[len] = 0;
	at = len;
	for (uint32_t k = id; k != 0; k = node_at(l, k)->parent) {
		const char *name = strchr(node_at(l, k)->key, '/') + 1;
		size_t n = strlen(name);

		at -= n;
		memcpy(out + at, name, n);
		out[--at] = '/';
	}
	return 0;
}

/* --- recording a layer ----------------------------------------------------------------------- */

static int mark(uint32_t *out, struct lsc_overlay_layer *l, const char *path, size_t len,
		uintptr_t flags, bool set_seq, uint64_t seq)
{
	uintptr_t *v;
	uint32_t id;
	int rc = resolve(&id, l, path, len, true);

	if (rc < 0) {
		return rc;
	}
	v = &node_at(l, id)->value;
	if (*v == 0 && l->npaths++ >= l->max_paths) {
		return lsc_error(LSC_E_TOO_LARGE, "more than %zu paths in one layer", l->max_paths);
	}
	if (set_seq) {
		*v = (*v & ~(uintptr_t)F_KIND_MASK) & (((uintptr_t)1 << SEQ_SHIFT) - 1);
		*v |= flags | ((uintptr_t)(seq + 1) << SEQ_SHIFT);
	} else {
		*v |= flags;
	}
	if (out) {
		*out = id;
	}
	return 0;
}

static enum lsc_overlay_kind kind_of(enum lsc_tar_type t)
{
	switch (t) {
	case LSC_TAR_REG:
	case LSC_TAR_HARDLINK:
		return LSC_OVL_FILE;
	case LSC_TAR_DIR:
		return LSC_OVL_DIR;
	case LSC_TAR_SYMLINK:
		return LSC_OVL_SYMLINK;
	default:
		return LSC_OVL_OTHER;
	}
}

static int add_link(struct lsc_overlay_layer *l, const struct lsc_tar_entry *e, uint32_t self)
{
	struct lsc_overlay_link *k;
	struct lsc_overlay_chain *c;
	uint32_t target;
	void *slot;
	int rc;

	rc = lsc_vec_reserve(&l->links, 1);
	if (rc == -EFBIG) {
		return lsc_error(LSC_E_TOO_LARGE, "too many hard links");
	}
	if (rc < 0) {
		return rc;
	}
	/* the target's node, created if the layer has nothing there (a value of 0 says so) */
	rc = resolve(&target, l, e->link, strlen(e->link), true);
	if (rc < 0) {
		return rc;
	}
	if (node_at(l, target)->chain == 0) {
		rc = lsc_vec_push(&l->chains, NULL, NULL); /* {0, 0, 0} */
		if (rc < 0) {
			return rc;
		}
		node_at(l, target)->chain = (uint32_t)l->chains.n;
	}
	c = lsc_vec_at(&l->chains, node_at(l, target)->chain - 1);
	rc = lsc_vec_push(&l->links, NULL, &slot); /* room was reserved above */
	if (rc < 0) {
		return rc;
	}
	k = slot;
	k->node = self;
	k->seq = e->index;
	k->prev = c->last;
	c->last = l->links.n;
	c->memo_n = 0;
	return 0;
}

static int add_symlink(struct lsc_overlay_layer *l, const struct lsc_tar_entry *e, uint32_t self)
{
	char key[16];
	uintptr_t *v;
	size_t n = strlen(e->link);
	char *t;
	int rc;

	if (n >= LSC_PATH_MAX) { /* the walker bounds it; the bound holds here too */
		return lsc_error(LSC_E_TOO_LARGE, "%s: symlink target longer than %d bytes",
				 e->path, LSC_PATH_MAX - 1);
	}
	rc = text_bound(l, n + 1);
	if (rc < 0) {
		return rc;
	}
	t = strdup(e->link);
	if (!t) {
		return -ENOMEM;
	}
	snprintf(key, sizeof(key), "%x", (unsigned)self);
	rc = lsc_strmap_get(&v, &l->symlinks, key, 1);
	if (rc < 0) {
		free(t);
		return rc == -EFBIG ? lsc_error(LSC_E_TOO_LARGE, "too many symlinks") : rc;
	}
	if (*v) {
		l->text_bytes -= strlen((char *)*v) + 1;
	}
	free((char *)*v);
	*v = (uintptr_t)t;
	l->text_bytes += n + 1;
	return 0;
}

int lsc_overlay_layer_add(struct lsc_overlay_layer *l, const struct lsc_tar_entry *e,
			  bool *is_whiteout)
{
	const char *base = lsc_path_base(e->path);
	uint32_t self;
	int rc;

	*is_whiteout = false;
	if (lsc_str_starts(base, ".wh.")) {
		char dir[LSC_PATH_MAX];
		size_t dl = (size_t)(base - e->path);

		*is_whiteout = true;
		if (dl >= sizeof(dir)) {
			return lsc_error(LSC_E_TOO_LARGE, "path longer than %d bytes",
					 LSC_PATH_MAX);
		}
		memcpy(dir, e->path, dl);
		dir[dl] = 0;
		if (strcmp(base, ".wh..wh..opq") == 0) {
			return mark(NULL, l, dir, dl, F_OPAQUE, false, 0);
		}
		if (lsc_str_starts(base, ".wh..wh.")) {
			return 0; /* aufs metadata (.wh..wh.plnk and the like): no meaning here */
		}
		if (strlen(base + 4) == 0) {
			return 0;
		}
		if (dl + strlen(base + 4) >= sizeof(dir)) {
			return lsc_error(LSC_E_TOO_LARGE, "path longer than %d bytes",
					 LSC_PATH_MAX);
		}
		memcpy(dir + dl, base + 4, strlen(base + 4) + 1);
		return mark(NULL, l, dir, strlen(dir), F_WHITEOUT, false, 0);
	}
	rc = mark(&self, l, e->path, strlen(e->path), kind_of(e->type), true, e->index);
	if (rc < 0) {
		return rc;
	}
	if (e->type == LSC_TAR_SYMLINK) {
		return add_symlink(l, e, self);
	}
	if (e->type == LSC_TAR_HARDLINK) {
		return add_link(l, e, self);
	}
	return 0;
}

/* --- queries --------------------------------------------------------------------------------- */

static uintptr_t lookup(const struct lsc_overlay_layer *l, const char *path)
{
	uint32_t id = find(l, path);

	return id == NO_NODE ? 0 : node_at(l, id)->value;
}

static bool hides_below(uintptr_t v)
{
	return (v & (F_WHITEOUT | F_OPAQUE)) ||
	       ((v & F_KIND_MASK) && (v & F_KIND_MASK) != LSC_OVL_DIR);
}

/*
 * Whether a layer above hides path: a whiteout, a hiding ancestor, or an entry at path itself,
 * unless both are directories, which merge (an opaque marker on the directory still hides what
 * lower layers put in it). One walk down the tree: one look-up per component.
 */
static bool hidden_by(const struct lsc_overlay_layer *l, const char *path, bool dir)
{
	size_t len = strlen(path), i = 0;
	uint32_t id = 0;
	uintptr_t v;

	if (!l->node.n || len >= LSC_PATH_MAX) {
		return false; /* an empty layer; a path longer than any the walker records */
	}
	if (hides_below(node_at(l, 0)->value)) {
		return true; /* the root: an opaque marker there hides everything, "/" itself too */
	}
	for (;;) {
		size_t j;

		while (i < len && path[i] == '/') {
			i++;
		}
		if (i == len) {
			break; /* id is path's own node */
		}
		if (id != 0 && hides_below(node_at(l, id)->value)) {
			return true; /* an ancestor */
		}
		for (j = i; j < len && path[j] != '/'; j++) {
		}
		id = child(l, id, path + i, j - i);
		if (id == NO_NODE) {
			return false; /* nothing at or below this ancestor in the layer */
		}
		i = j;
	}
	v = node_at(l, id)->value;
	if (v & F_WHITEOUT) {
		return true;
	}
	return dir ? ((v & F_OPAQUE) || ((v & F_KIND_MASK) && (v & F_KIND_MASK) != LSC_OVL_DIR))
		   : (v & F_KIND_MASK) != 0;
}

static bool visible_one(struct lsc_overlay_layer *const *layers, size_t n, size_t idx,
			const char *path, uint64_t seq)
{
	uintptr_t v = lookup(layers[idx], path);

	if ((v >> SEQ_SHIFT) != seq + 1) {
		return false; /* a later entry of the same layer replaced it */
	}
	for (size_t m = idx + 1; m < n; m++) {
		if (hidden_by(layers[m], path, false)) {
			return false;
		}
	}
	return true;
}

bool lsc_overlay_visible_dir(struct lsc_overlay_layer *const *layers, size_t n, size_t idx,
			     const char *path)
{
	for (size_t m = idx + 1; m < n; m++) {
		if (hidden_by(layers[m], path, true)) {
			return false;
		}
	}
	return true;
}

bool lsc_overlay_visible(struct lsc_overlay_layer *const *layers, size_t n, size_t idx,
			 const char *path, uint64_t seq)
{
	struct lsc_overlay_layer *l = layers[idx];
	struct lsc_overlay_chain *c;
	uint32_t id;

	if (visible_one(layers, n, idx, path, seq)) {
		return true;
	}
	id = find(l, path);
	if (id == NO_NODE || node_at(l, id)->chain == 0) {
		return false;
	}
	c = lsc_vec_at(&l->chains, node_at(l, id)->chain - 1);
	if (c->memo_n != n) {
		char lp[LSC_PATH_MAX];

		c->memo = 0;
		for (size_t i = c->last; i;) {
			const struct lsc_overlay_link *k = lsc_vec_at(&l->links, i - 1);

			if (k->seq + 1 > c->memo && node_path(lp, l, k->node) == 0 &&
			    visible_one(layers, n, idx, lp, k->seq)) {
				c->memo = k->seq + 1;
			}
			i = k->prev;
		}
		c->memo_n = n;
	}
	/* content written by entry seq is reachable through a later link that is still seen */
	return c->memo > seq + 1;
}

int lsc_overlay_final_file(size_t *layer, char *resolved, struct lsc_overlay_layer *const *layers,
			   size_t n, const char *path)
{
	char cur[LSC_PATH_MAX], next[LSC_PATH_MAX];
	int hops = 0;

	if (lsc_path_clean(cur, sizeof(cur), path) < 0) {
		return -LSC_E_NOT_FOUND;
	}
	while (hops++ < 16) {
		size_t m = n;
		uintptr_t v = 0;
		uint32_t id = NO_NODE;

		while (m-- > 0) {
			id = find(layers[m], cur);
			v = id == NO_NODE ? 0 : node_at(layers[m], id)->value;
			if (v & F_KIND_MASK) {
				break;
			}
		}
		if (m == (size_t)-1 || !visible_one(layers, n, m, cur, (v >> SEQ_SHIFT) - 1)) {
			return -LSC_E_NOT_FOUND;
		}
		switch (v & F_KIND_MASK) {
		case LSC_OVL_FILE:
			*layer = m;
			memcpy(resolved, cur, strlen(cur) + 1);
			return 0;
		case LSC_OVL_SYMLINK: {
			char key[16];
			const char *t;

			snprintf(key, sizeof(key), "%x", (unsigned)id);
			t = (const char *)lsc_strmap_value(&layers[m]->symlinks, key, 0);
			if (!t || lsc_path_resolve_link(next, sizeof(next), cur, t) < 0) {
				return -LSC_E_NOT_FOUND;
			}
			memcpy(cur, next, strlen(next) + 1);
			break;
		}
		default:
			return -LSC_E_NOT_FOUND;
		}
	}
	return -LSC_E_NOT_FOUND;
}
