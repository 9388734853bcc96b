#include "overlay.h"
#include "error.h"
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Packed value of a path in a layer: low byte flags, the rest the last entry index + 1. */
#define F_KIND_MASK 0x07u /* enum lsc_overlay_kind */
#define F_WHITEOUT 0x08u
#define F_OPAQUE 0x10u
#define SEQ_SHIFT 8

void lsc_overlay_layer_init(struct lsc_overlay_layer *l, size_t max_entries)
{
	memset(l, 0, sizeof(*l));
	lsc_strmap_init(&l->paths, max_entries);
	lsc_strmap_init(&l->symlinks, max_entries);
	lsc_strmap_init(&l->targets, max_entries);
}

const char *lsc_overlay_layer_path(const struct lsc_overlay_layer *l, const char *path)
{
	return lsc_strmap_key(&l->paths, path);
}

static size_t text_bytes(const struct lsc_overlay_layer *l)
{
	return l->paths.key_bytes + l->targets.key_bytes + l->text_bytes;
}

static int text_bound(const struct lsc_overlay_layer *l, size_t more)
{
	if (text_bytes(l) + more > LSC_OVERLAY_MAX_TEXT) {
		return lsc_error(LSC_E_TOO_LARGE, "more than %u MiB of paths and link targets in "
				 "one layer", LSC_OVERLAY_MAX_TEXT >> 20);
	}
	return 0;
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
	lsc_strmap_dispose(&l->paths);
	lsc_strmap_dispose(&l->targets);
	free(l->links);
	free(l->chains);
	memset(l, 0, sizeof(*l));
}

static int mark(struct lsc_overlay_layer *l, const char *path, uintptr_t flags, bool set_seq,
		uint64_t seq)
{
	uintptr_t *v;
	size_t len = strlen(path);
	int rc = text_bound(l, len + 1);

	if (rc < 0) {
		return rc;
	}
	rc = lsc_strmap_get(&v, &l->paths, path, 1);
	if (rc == -EFBIG) {
		return lsc_error(LSC_E_TOO_LARGE, "more than %zu paths in one layer",
				 l->paths.max_count);
	}
	if (rc < 0) {
		return rc;
	}
	if (set_seq) {
		*v = (*v & ~(uintptr_t)F_KIND_MASK) & (((uintptr_t)1 << SEQ_SHIFT) - 1);
		*v |= flags | ((uintptr_t)(seq + 1) << SEQ_SHIFT);
	} else {
		*v |= flags;
	}
	if (((flags & (F_WHITEOUT | F_OPAQUE)) ||
	     ((flags & F_KIND_MASK) && (flags & F_KIND_MASK) != LSC_OVL_DIR)) &&
	    len < LSC_PATH_MAX) {
		l->hide_len[len / 64] |= (uint64_t)1 << (len % 64);
	}
	return 0;
}

static int add_link(struct lsc_overlay_layer *l, const struct lsc_tar_entry *e)
{
	struct lsc_overlay_link *k;
	struct lsc_overlay_chain *c;
	uintptr_t *v;
	int rc;

	if (l->nlinks == l->caplinks) {
		size_t cap = l->caplinks ? l->caplinks * 2 : 16;

		if (l->caplinks >= l->paths.max_count) {
			return lsc_error(LSC_E_TOO_LARGE, "too many hard links");
		}
		k = realloc(l->links, cap * sizeof(*k));
		if (!k) {
			return -ENOMEM;
		}
		l->links = k;
		l->caplinks = cap;
	}
	rc = text_bound(l, strlen(e->link) + 1);
	if (rc < 0) {
		return rc;
	}
	rc = lsc_strmap_get(&v, &l->targets, e->link, 1);
	if (rc < 0) {
		return rc == -EFBIG ? lsc_error(LSC_E_TOO_LARGE, "too many hard links") : rc;
	}
	if (*v == 0) {
		if (l->nchains == l->capchains) {
			size_t cap = l->capchains ? l->capchains * 2 : 16;

			c = realloc(l->chains, cap * sizeof(*c));
			if (!c) {
				return -ENOMEM;
			}
			l->chains = c;
			l->capchains = cap;
		}
		l->chains[l->nchains] = (struct lsc_overlay_chain){0, 0, 0};
		*v = ++l->nchains;
	}
	c = &l->chains[*v - 1];
	k = &l->links[l->nlinks];
	k->link = lsc_strmap_key(&l->paths, e->path); /* marked just before */
	k->seq = e->index;
	k->prev = c->last;
	c->last = ++l->nlinks;
	c->memo_n = 0;
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

int lsc_overlay_layer_add(struct lsc_overlay_layer *l, const struct lsc_tar_entry *e,
			  bool *is_whiteout)
{
	const char *base = lsc_path_base(e->path);
	int rc;

	*is_whiteout = false;
	if (lsc_str_starts(base, ".wh.")) {
		char dir[LSC_PATH_MAX];
		size_t dl = (size_t)(base - e->path);

		*is_whiteout = true;
		memcpy(dir, e->path, dl);
		dir[dl] = 0;
		if (strcmp(base, ".wh..wh..opq") == 0) {
			if (dl > 1) {
				dir[dl - 1] = 0; /* drop the trailing slash */
			}
			return mark(l, dir, F_OPAQUE, false, 0);
		}
		if (lsc_str_starts(base, ".wh..wh.")) {
			return 0; /* aufs metadata (.wh..wh.plnk and the like): no meaning here */
		}
		if (strlen(base + 4) == 0) {
			return 0;
		}
		memcpy(dir + dl, base + 4, strlen(base + 4) + 1);
		return mark(l, dir, F_WHITEOUT, false, 0);
	}
	rc = mark(l, e->path, kind_of(e->type), true, e->index);
	if (rc < 0) {
		return rc;
	}
	if (e->type == LSC_TAR_SYMLINK) {
		uintptr_t *v;
		size_t n = strlen(e->link);
		char *t;

		if (n >= LSC_PATH_MAX) { /* the walker bounds it; the bound holds here too */
			return lsc_error(LSC_E_TOO_LARGE, "%s: symlink target longer than %d bytes",
					 e->path, LSC_PATH_MAX - 1);
		}
		if ((rc = text_bound(l, n + 1)) < 0) {
			return rc;
		}
		if (!(t = strdup(e->link))) {
			return -ENOMEM;
		}
		rc = lsc_strmap_get(&v, &l->symlinks, e->path, 1);
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
	} else if (e->type == LSC_TAR_HARDLINK) {
		return add_link(l, e);
	}
	return 0;
}

static uintptr_t lookup(const struct lsc_overlay_layer *l, const char *path)
{
	return lsc_strmap_value(&l->paths, path, 0);
}

/* The entry at the first n bytes of path, when a hiding entry of that length is recorded. */
static uintptr_t lookup_ancestor(const struct lsc_overlay_layer *l, const char *path, size_t n)
{
	if (n >= LSC_PATH_MAX || !(l->hide_len[n / 64] & ((uint64_t)1 << (n % 64)))) {
		return 0;
	}
	return lsc_strmap_value_n(&l->paths, path, n, 0);
}

static bool hides_below(uintptr_t v)
{
	return (v & (F_WHITEOUT | F_OPAQUE)) ||
	       ((v & F_KIND_MASK) && (v & F_KIND_MASK) != LSC_OVL_DIR);
}

/*
 * Whether a layer above hides path: a whiteout, a hiding ancestor, or an entry at path itself,
 * unless both are directories, which merge (an opaque marker on the directory still hides what
 * lower layers put in it).
 */
static bool hidden_by(const struct lsc_overlay_layer *l, const char *path, bool dir)
{
	size_t len = strlen(path);
	uintptr_t v = lookup(l, path);

	if (v & F_WHITEOUT) {
		return true;
	}
	if (dir ? ((v & F_OPAQUE) || ((v & F_KIND_MASK) && (v & F_KIND_MASK) != LSC_OVL_DIR))
		: (v & F_KIND_MASK) != 0) {
		return true;
	}
	if (len >= LSC_PATH_MAX) {
		return false; /* longer than any path the walker records */
	}
	if (hides_below(lookup_ancestor(l, "/", 1))) {
		return true;
	}
	for (size_t i = len - 1; i > 0; i--) {
		if (path[i] == '/' && hides_below(lookup_ancestor(l, path, i))) {
			return true;
		}
	}
	return false;
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
	uintptr_t ci;
	struct lsc_overlay_chain *c;

	if (visible_one(layers, n, idx, path, seq)) {
		return true;
	}
	ci = lsc_strmap_value(&l->targets, path, 0);
	if (!ci) {
		return false;
	}
	c = &l->chains[ci - 1];
	if (c->memo_n != n) {
		c->memo = 0;
		for (size_t i = c->last; i; i = l->links[i - 1].prev) {
			const struct lsc_overlay_link *k = &l->links[i - 1];

			if (k->seq + 1 > c->memo && visible_one(layers, n, idx, k->link, k->seq)) {
				c->memo = k->seq + 1;
			}
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

		while (m-- > 0) {
			v = lookup(layers[m], cur);
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
			const char *t = (const char *)lsc_strmap_value(&layers[m]->symlinks, cur, 0);

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
