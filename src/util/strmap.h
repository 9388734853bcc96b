/*
 * A string-keyed hash map with open addressing. Keys are copied into the map's own arena; values
 * are opaque pointer-sized integers the map does not own. Entries are never removed: the map lives
 * as long as the layer or archive it indexes.
 */
#ifndef LSC_UTIL_STRMAP_H
#define LSC_UTIL_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct lsc_strmap_slot {
	const char *key; /* NULL: empty */
	uint64_t hash;
	uintptr_t value;
};

struct lsc_strmap_chunk;

struct lsc_strmap {
	struct lsc_strmap_slot *slots;
	size_t nslots; /* power of two */
	size_t count;
	size_t max_count;  /* insertions past this fail with -EFBIG */
	size_t key_bytes;  /* arena bytes used, for bounding */
	struct lsc_strmap_chunk *chunks;
};

void lsc_strmap_init(struct lsc_strmap *m, size_t max_count);
void lsc_strmap_dispose(struct lsc_strmap *m);

/*
 * Finds key; when absent and create is set, inserts it with value 0. *out points at the slot's
 * value, valid until the next insertion. Returns 1 when found, 0 when inserted (or absent without
 * create, *out NULL), -ENOMEM or -EFBIG.
 */
int lsc_strmap_get(uintptr_t **out, struct lsc_strmap *m, const char *key, int create);

/* The value of key, or def when absent. */
uintptr_t lsc_strmap_value(const struct lsc_strmap *m, const char *key, uintptr_t def);

/* Calls fn for every entry, in no particular order, until it returns non-zero (returned). */
int lsc_strmap_foreach(const struct lsc_strmap *m,
		       int (*fn)(const char *key, uintptr_t value, void *payload), void *payload);

#endif
