/*
 * The overlay model (lib/overlay) against a reference: the plain model it replaced, each layer a
 * map of whole cleaned paths and a list of hard links scanned one by one, written here again in
 * a few lines. Both are fed the same entries; every query must answer the same.
 *
 * Input: lines "<layer 0-3><type><path>[\t<link>]", type f (file), d (directory), s (symlink),
 * h (hard link), c (character device). Paths and hard-link targets are cleaned as the tar walker
 * cleans them (whiteouts and opaque markers are names like any other). Then, for every entry
 * recorded and every count of layers above its own: lsc_overlay_visible (and _visible_dir for a
 * directory) against the reference, and lsc_overlay_final_file of the entry's path.
 */
#include "fuzz_util.h"

#include "util/error.h"
#include "lib/overlay.h"
#include "util/str.h"

#include <stdio.h>
#include <stdlib.h>

#define NL 4
#define MAX_ENTRIES 400

/* --- the reference ------------------------------------------------------------------------- */

#define K_MASK 0x07u
#define R_WHITEOUT 0x08u
#define R_OPAQUE 0x10u
#define SHIFT 8

struct ref_link {
	char *link, *target;
	uint64_t seq;
};

struct ref {
	struct lsc_strmap paths;
	struct lsc_strmap symlinks; /* path -> index + 1 in targets */
	char *targets[MAX_ENTRIES];
	size_t ntargets;
	struct ref_link links[MAX_ENTRIES];
	size_t nlinks;
};

static void ref_mark(struct ref *r, const char *path, uintptr_t flags, bool set, uint64_t seq)
{
	uintptr_t *v;

	if (lsc_strmap_get(&v, &r->paths, path, 1) < 0) {
		abort();
	}
	if (set) {
		*v = (*v & ~(uintptr_t)K_MASK) & (((uintptr_t)1 << SHIFT) - 1);
		*v |= flags | ((uintptr_t)(seq + 1) << SHIFT);
	} else {
		*v |= flags;
	}
}

static unsigned kind(enum lsc_tar_type t)
{
	return t == LSC_TAR_REG || t == LSC_TAR_HARDLINK ? LSC_OVL_FILE
	       : t == LSC_TAR_DIR			 ? LSC_OVL_DIR
	       : t == LSC_TAR_SYMLINK			 ? LSC_OVL_SYMLINK
							 : LSC_OVL_OTHER;
}

static void ref_add(struct ref *r, const struct lsc_tar_entry *e)
{
	const char *base = lsc_path_base(e->path);
	char dir[LSC_PATH_MAX];
	size_t dl = (size_t)(base - e->path);
	uintptr_t *v;

	if (lsc_str_starts(base, ".wh.")) {
		memcpy(dir, e->path, dl);
		dir[dl] = 0;
		if (strcmp(base, ".wh..wh..opq") == 0) {
			if (dl > 1) {
				dir[dl - 1] = 0;
			}
			ref_mark(r, dir, R_OPAQUE, false, 0);
		} else if (!lsc_str_starts(base, ".wh..wh.") && base[4]) {
			snprintf(dir + dl, sizeof(dir) - dl, "%s", base + 4);
			ref_mark(r, dir, R_WHITEOUT, false, 0);
		}
		return;
	}
	ref_mark(r, e->path, kind(e->type), true, e->index);
	if (e->type == LSC_TAR_SYMLINK) {
		if (lsc_strmap_get(&v, &r->symlinks, e->path, 1) < 0) {
			abort();
		}
		r->targets[r->ntargets] = strdup(e->link);
		*v = ++r->ntargets;
	} else if (e->type == LSC_TAR_HARDLINK) {
		r->links[r->nlinks++] =
		    (struct ref_link){strdup(e->path), strdup(e->link), e->index};
	}
}

static uintptr_t ref_lookup(const struct ref *r, const char *p)
{
	return lsc_strmap_value(&r->paths, p, 0);
}

static bool ref_hides_below(uintptr_t v)
{
	return (v & (R_WHITEOUT | R_OPAQUE)) || ((v & K_MASK) && (v & K_MASK) != LSC_OVL_DIR);
}

static bool ref_hidden_by(const struct ref *r, const char *path, bool dir)
{
	char anc[LSC_PATH_MAX];
	size_t len = strlen(path);
	uintptr_t v = ref_lookup(r, path);

	if (v & R_WHITEOUT) {
		return true;
	}
	if (dir ? ((v & R_OPAQUE) || ((v & K_MASK) && (v & K_MASK) != LSC_OVL_DIR))
		: (v & K_MASK) != 0) {
		return true;
	}
	if (ref_hides_below(ref_lookup(r, "/"))) {
		return true;
	}
	for (size_t i = len - 1; i > 0; i--) {
		if (path[i] == '/') {
			memcpy(anc, path, i);
			anc[i] = 0;
			if (ref_hides_below(ref_lookup(r, anc))) {
				return true;
			}
		}
	}
	return false;
}

static bool ref_visible_one(struct ref *const *rs, size_t n, size_t idx, const char *path,
			    uint64_t seq)
{
	if ((ref_lookup(rs[idx], path) >> SHIFT) != seq + 1) {
		return false;
	}
	for (size_t m = idx + 1; m < n; m++) {
		if (ref_hidden_by(rs[m], path, false)) {
			return false;
		}
	}
	return true;
}

static bool ref_visible(struct ref *const *rs, size_t n, size_t idx, const char *path, uint64_t seq)
{
	if (ref_visible_one(rs, n, idx, path, seq)) {
		return true;
	}
	for (size_t i = 0; i < rs[idx]->nlinks; i++) {
		const struct ref_link *k = &rs[idx]->links[i];

		if (k->seq > seq && strcmp(k->target, path) == 0 &&
		    ref_visible_one(rs, n, idx, k->link, k->seq)) {
			return true;
		}
	}
	return false;
}

static bool ref_visible_dir(struct ref *const *rs, size_t n, size_t idx, const char *path)
{
	for (size_t m = idx + 1; m < n; m++) {
		if (ref_hidden_by(rs[m], path, true)) {
			return false;
		}
	}
	return true;
}

static int ref_final(size_t *layer, char *resolved, struct ref *const *rs, size_t n,
		     const char *path)
{
	char cur[LSC_PATH_MAX], next[LSC_PATH_MAX];

	if (lsc_path_clean(cur, sizeof(cur), path) < 0) {
		return -LSC_E_NOT_FOUND;
	}
	for (int hops = 0; hops < 16; hops++) {
		size_t m = n;
		uintptr_t v = 0, t;

		while (m-- > 0 && !((v = ref_lookup(rs[m], cur)) & K_MASK)) {
		}
		if (m == (size_t)-1 || !ref_visible_one(rs, n, m, cur, (v >> SHIFT) - 1)) {
			return -LSC_E_NOT_FOUND;
		}
		if ((v & K_MASK) == LSC_OVL_FILE) {
			*layer = m;
			memcpy(resolved, cur, strlen(cur) + 1);
			return 0;
		}
		if ((v & K_MASK) != LSC_OVL_SYMLINK) {
			return -LSC_E_NOT_FOUND;
		}
		t = lsc_strmap_value(&rs[m]->symlinks, cur, 0);
		if (!t ||
		    lsc_path_resolve_link(next, sizeof(next), cur, rs[m]->targets[t - 1]) < 0) {
			return -LSC_E_NOT_FOUND;
		}
		memcpy(cur, next, strlen(next) + 1);
	}
	return -LSC_E_NOT_FOUND;
}

/* --- the target ---------------------------------------------------------------------------- */

struct rec {
	size_t layer;
	uint64_t seq;
	bool dir;
	char path[LSC_PATH_MAX];
};

static struct rec recs[MAX_ENTRIES];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_overlay_layer ov[NL], *ovp[NL];
	struct ref *rf[NL];
	uint64_t seq[NL] = {0};
	size_t nrec = 0, top = 0;
	const char *p = (const char *)data, *end = p + size;
	bool failed = false;

	for (size_t i = 0; i < NL; i++) {
		lsc_overlay_layer_init(&ov[i], 100000);
		ovp[i] = &ov[i];
		rf[i] = calloc(1, sizeof(*rf[i]));
		if (!rf[i]) {
			abort();
		}
		lsc_strmap_init(&rf[i]->paths, SIZE_MAX);
		lsc_strmap_init(&rf[i]->symlinks, SIZE_MAX);
	}
	while (p < end && nrec < MAX_ENTRIES && !failed) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[2 * LSC_PATH_MAX], path[LSC_PATH_MAX], link[LSC_PATH_MAX], *tab;
		struct lsc_tar_entry e;
		size_t l;
		bool wh;
		int rc;

		if (len < 3 || len >= sizeof(line)) {
			p += len + (nl != NULL);
			continue;
		}
		memcpy(line, p, len);
		line[len] = 0;
		p += len + (nl != NULL);
		l = (size_t)(line[0] - '0') % NL;
		memset(&e, 0, sizeof(e));
		switch (line[1]) {
		case 'd':
			e.type = LSC_TAR_DIR;
			break;
		case 's':
			e.type = LSC_TAR_SYMLINK;
			break;
		case 'h':
			e.type = LSC_TAR_HARDLINK;
			break;
		case 'c':
			e.type = LSC_TAR_CHR;
			break;
		default:
			e.type = LSC_TAR_REG;
			break;
		}
		tab = strchr(line + 2, '\t');
		if (tab) {
			*tab++ = 0;
		}
		if (lsc_path_clean(path, sizeof(path), line + 2) < 0) {
			continue;
		}
		e.path = path;
		e.raw_path = line + 2;
		if (e.type == LSC_TAR_HARDLINK) {
			if (lsc_path_clean(link, sizeof(link), tab ? tab : "") < 0) {
				continue;
			}
			e.link = link;
		} else if (e.type == LSC_TAR_SYMLINK) {
			e.link = tab ? tab : "";
		}
		e.index = seq[l]++;
		rc = lsc_overlay_layer_add(&ov[l], &e, &wh);
		if (rc < 0) {
			failed = true; /* a bound: the layer is left as it is, nothing to compare */
			break;
		}
		ref_add(rf[l], &e);
		if (!wh) {
			recs[nrec].layer = l;
			recs[nrec].seq = e.index;
			recs[nrec].dir = e.type == LSC_TAR_DIR;
			memcpy(recs[nrec].path, path, strlen(path) + 1);
			nrec++;
		}
		top = l + 1 > top ? l + 1 : top;
	}
	for (size_t i = 0; i < nrec && !failed; i++) {
		const struct rec *r = &recs[i];

		for (size_t n = r->layer + 1; n <= top; n++) {
			size_t la = 0, lb = 0;
			char ra[LSC_PATH_MAX], rb[LSC_PATH_MAX];
			int a, b;

			if (lsc_overlay_visible(ovp, n, r->layer, r->path, r->seq) !=
			    ref_visible(rf, n, r->layer, r->path, r->seq)) {
				abort();
			}
			if (r->dir && lsc_overlay_visible_dir(ovp, n, r->layer, r->path) !=
					  ref_visible_dir(rf, n, r->layer, r->path)) {
				abort();
			}
			a = lsc_overlay_final_file(&la, ra, ovp, n, r->path);
			b = ref_final(&lb, rb, rf, n, r->path);
			if (a != b || (a == 0 && (la != lb || strcmp(ra, rb) != 0))) {
				abort();
			}
		}
	}
	for (size_t i = 0; i < NL; i++) {
		lsc_overlay_layer_dispose(&ov[i]);
		lsc_strmap_dispose(&rf[i]->paths);
		lsc_strmap_dispose(&rf[i]->symlinks);
		for (size_t k = 0; k < rf[i]->ntargets; k++) {
			free(rf[i]->targets[k]);
		}
		for (size_t k = 0; k < rf[i]->nlinks; k++) {
			free(rf[i]->links[k].link);
			free(rf[i]->links[k].target);
		}
		free(rf[i]);
	}
	return 0;
}
