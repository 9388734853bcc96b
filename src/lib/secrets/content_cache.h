/*
 * What a detector learned from file contents already seen in this scan, keyed by the content:
 * identical content in several layers (a `chown -R` layer, the same file COPYed twice) is
 * scanned once, and its later copies reuse the result.
 *
 * The key is the content's length and its 128-bit Poly1305 tag under a key drawn at random for
 * each cache. Poly1305 with a fixed secret key is a universal hash: two different contents of at
 * most L bytes share a tag with probability at most 8 * ceil(L / 16) / 2^106 whatever they are,
 * and the tags never leave the process, so an image cannot be built to make a file with a
 * secret collide with a clean one. It costs about a tenth of a nanosecond per byte, ten times
 * less than SHA-256 here.
 *
 * One cache is shared by every layer thread of a scan: get and put lock. A record is a byte
 * string the caller encodes; it is copied in, immutable, and lives as long as the cache. Memory
 * is bounded by max_records and max_bytes: once full, put adds nothing (later copies are then
 * scanned again, which is slower, never wrong).
 */
#ifndef LSC_LIB_CONTENT_CACHE_H
#define LSC_LIB_CONTENT_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct lsc_content_cache;
struct lsc_content_hasher;

struct lsc_content_key {
	uint8_t tag[16];
	uint64_t len;
};

struct lsc_content_cache_stats {
	uint64_t hits,
	    hit_bytes; /* gets that found a record, and the content bytes they stood for */
	uint64_t records;
	size_t bytes; /* record bytes held */
};

/* *out is the caller's to free with lsc_content_cache_free(). */
int lsc_content_cache_new(struct lsc_content_cache **out, size_t max_records, size_t max_bytes);
void lsc_content_cache_free(struct lsc_content_cache *c);

/* One per thread (it is not thread-safe); *out is the caller's to free. */
int lsc_content_hasher_new(struct lsc_content_hasher **out, const struct lsc_content_cache *c);
void lsc_content_hasher_free(struct lsc_content_hasher *h);
int lsc_content_key_of(struct lsc_content_hasher *h, struct lsc_content_key *k, const void *p,
		       size_t n);

/*
 * true, with *rec and *len set (borrowed: valid until the cache is freed), when k has a record;
 * the content length k stands for counts in the stats.
 */
bool lsc_content_cache_get(struct lsc_content_cache *c, const struct lsc_content_key *k,
			   const void **rec, size_t *len);

/* Adds a copy of rec under k unless k has one or the cache is full: 0, or -ENOMEM. */
int lsc_content_cache_put(struct lsc_content_cache *c, const struct lsc_content_key *k,
			  const void *rec, size_t len);

void lsc_content_cache_stats(struct lsc_content_cache *c, struct lsc_content_cache_stats *st);

#endif
