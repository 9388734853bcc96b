/*
 * A string-keyed hash map with open addressing. Keys are copied into the map's own arena; values
 * are opaque pointer-sized integers the map does not own. Entries are never removed: the map lives
 * as long as the layer or archive it indexes.
 *
 * Keys are chosen by the image, so the hash is keyed: SipHash-1-3 under a 128-bit key drawn from
 * getrandom() once per process. Without the key no input can be built whose names pile up in one
 * probe chain (an unkeyed FNV-1a made 200k chosen names a quadratic 100 s).
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
	size_t max_count; /* insertions past this fail with -EFBIG */
	size_t key_bytes; /* arena bytes used, for bounding */
	struct lsc_strmap_chunk *chunks;
};

/*
 * SipHash-1-3 of p[0..n) under the process's random key: for every table whose keys an input
 * chooses. Thread-safe; the key is drawn on first use.
 */
uint64_t lsc_strmap_hash(const void *p, size_t n);

/* SipHash-c-d of p[0..n) under key (k0, k1 as the little-endian halves of the 16-byte key). */
uint64_t lsc_strmap_siphash(const uint64_t key[2], int crounds, int drounds, const void *p,
			    size_t n);

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

/* The value of the n bytes at key (no NUL needed), or def when absent. */
uintptr_t lsc_strmap_value_n(const struct lsc_strmap *m, const char *key, size_t n, uintptr_t def);

/*
 * The map's own copy of key (borrowed: valid until lsc_strmap_dispose), or NULL when absent, so
 * that one copy of a string serves everyone who keeps it.
 */
const char *lsc_strmap_key(const struct lsc_strmap *m, const char *key);

/* Calls fn for every entry, in no particular order, until it returns non-zero (returned). */
int lsc_strmap_foreach(const struct lsc_strmap *m,
		       int (*fn)(const char *key, uintptr_t value, void *payload), void *payload);

#endif
