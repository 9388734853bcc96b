#include "content_cache.h"
#include "util/error.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK (64u << 10) /* record arena chunk; a bigger record gets a chunk of its own */

struct slot {
	struct lsc_content_key key;
	const void *rec; /* NULL: empty */
	size_t len;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	unsigned char data[];
};

struct lsc_content_cache {
	pthread_mutex_t lock;
	EVP_MAC *mac;
	unsigned char key[32];
	struct slot *slots;
	size_t nslots; /* a power of two, at least twice count */
	size_t count, max_records;
	size_t bytes, max_bytes;
	struct chunk *chunks;
	uint64_t hits, hit_bytes;
};

struct lsc_content_hasher {
	EVP_MAC_CTX *ctx;
	const unsigned char *key;
};

int lsc_content_cache_new(struct lsc_content_cache **out, size_t max_records, size_t max_bytes)
{
	struct lsc_content_cache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (!c) {
		return -ENOMEM;
	}
	c->max_records = max_records;
	c->max_bytes = max_bytes;
	c->mac = EVP_MAC_fetch(NULL, "POLY1305", NULL);
	if (!c->mac || RAND_bytes(c->key, sizeof(c->key)) != 1) {
		EVP_MAC_free(c->mac);
		free(c);
		return lsc_error(LSC_E_INTERNAL, "the content cache needs OpenSSL's Poly1305 and "
						 "random bytes");
	}
	pthread_mutex_init(&c->lock, NULL);
	*out = c;
	return 0;
}

void lsc_content_cache_free(struct lsc_content_cache *c)
{
	if (!c) {
		return;
	}
	for (struct chunk *k = c->chunks, *next; k; k = next) {
		next = k->next;
		free(k);
	}
	free(c->slots);
	EVP_MAC_free(c->mac);
	OPENSSL_cleanse(c->key, sizeof(c->key));
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int lsc_content_hasher_new(struct lsc_content_hasher **out, const struct lsc_content_cache *c)
{
	struct lsc_content_hasher *h = calloc(1, sizeof(*h));

	*out = NULL;
	if (h) {
		h->ctx = EVP_MAC_CTX_new(c->mac);
	}
	if (!h || !h->ctx) {
		free(h);
		return -ENOMEM;
	}
	h->key = c->key;
	*out = h;
	return 0;
}

void lsc_content_hasher_free(struct lsc_content_hasher *h)
{
	if (!h) {
		return;
	}
	EVP_MAC_CTX_free(h->ctx);
	free(h);
}

int lsc_content_key_of(struct lsc_content_hasher *h, struct lsc_content_key *k, const void *p,
		       size_t n)
{
	size_t len = 0;

	memset(k, 0, sizeof(*k));
	k->len = n;
	if (EVP_MAC_init(h->ctx, h->key, 32, NULL) != 1 ||
	    (n && EVP_MAC_update(h->ctx, p, n) != 1) ||
	    EVP_MAC_final(h->ctx, k->tag, &len, sizeof(k->tag)) != 1 || len != sizeof(k->tag)) {
		return lsc_error(LSC_E_INTERNAL, "Poly1305 failed");
	}
	return 0;
}

static size_t slot_of(const struct lsc_content_cache *c, const struct lsc_content_key *k)
{
	uint64_t h;

	memcpy(&h, k->tag, sizeof(h));
	return (size_t)(h ^ k->len) & (c->nslots - 1);
}

static bool same(const struct lsc_content_key *a, const struct lsc_content_key *b)
{
	return a->len == b->len && memcmp(a->tag, b->tag, sizeof(a->tag)) == 0;
}

/* The slot of k: its record, or the empty slot where it goes. Needs nslots > count. */
static struct slot *find(const struct lsc_content_cache *c, const struct lsc_content_key *k)
{
	for (size_t i = slot_of(c, k);; i = (i + 1) & (c->nslots - 1)) {
		if (!c->slots[i].rec || same(&c->slots[i].key, k)) {
			return &c->slots[i];
		}
	}
}

bool lsc_content_cache_get(struct lsc_content_cache *c, const struct lsc_content_key *k,
			   const void **rec, size_t *len)
{
	bool hit = false;

	pthread_mutex_lock(&c->lock);
	if (c->count) {
		const struct slot *s = find(c, k);

		if (s->rec) {
			c->hits++;
			c->hit_bytes += k->len;
			*rec = s->rec;
			*len = s->len;
			hit = true;
		}
	}
	/* decided under the lock: another thread's put may move the slots once it is released */
	pthread_mutex_unlock(&c->lock);
	return hit;
}

static int grow(struct lsc_content_cache *c)
{
	size_t n = c->nslots ? c->nslots * 2 : 256;
	struct slot *old = c->slots, *slots = calloc(n, sizeof(*slots));
	size_t oldn = c->nslots;

	if (!slots) {
		return -ENOMEM;
	}
	c->slots = slots;
	c->nslots = n;
	for (size_t i = 0; i < oldn; i++) {
		if (old[i].rec) {
			*find(c, &old[i].key) = old[i];
		}
	}
	free(old);
	return 0;
}

static void *arena_copy(struct lsc_content_cache *c, const void *rec, size_t len)
{
	struct chunk *k = c->chunks;
	void *p;

	if (!k || k->cap - k->used < len) {
		size_t cap = len > CHUNK ? len : CHUNK;

		k = malloc(sizeof(*k) + cap);
		if (!k) {
			return NULL;
		}
		k->used = 0;
		k->cap = cap;
		k->next = c->chunks;
		c->chunks = k;
	}
	p = k->data + k->used;
	memcpy(p, rec, len);
	k->used += (len + 7) & ~(size_t)7;
	if (k->used > k->cap) {
		k->used = k->cap;
	}
	return p;
}

int lsc_content_cache_put(struct lsc_content_cache *c, const struct lsc_content_key *k,
			  const void *rec, size_t len)
{
	static const unsigned char empty = 0;
	struct slot *s;
	int rc = 0;

	pthread_mutex_lock(&c->lock);
	if (c->count >= c->max_records || len > c->max_bytes - c->bytes) {
		goto out; /* full: later copies are scanned again */
	}
	if ((c->count + 1) * 2 > c->nslots) {
		rc = grow(c);
		if (rc < 0) {
			goto out;
		}
	}
	s = find(c, k);
	if (s->rec) {
		goto out; /* another thread scanned the same content meanwhile */
	}
	s->rec = len ? arena_copy(c, rec, len) : &empty;
	if (!s->rec) {
		rc = -ENOMEM;
		goto out;
	}
	s->key = *k;
	s->len = len;
	c->count++;
	c->bytes += len;
out:
	pthread_mutex_unlock(&c->lock);
	return rc;
}

void lsc_content_cache_stats(struct lsc_content_cache *c, struct lsc_content_cache_stats *st)
{
	pthread_mutex_lock(&c->lock);
	st->hits = c->hits;
	st->hit_bytes = c->hit_bytes;
	st->records = c->count;
	st->bytes = c->bytes;
	pthread_mutex_unlock(&c->lock);
}
