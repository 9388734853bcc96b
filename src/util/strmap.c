#include "strmap.h"
#include "str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Keys live in chunks so that one layer's thousands of paths cost a few allocations. */
struct lsc_strmap_chunk {
	struct lsc_strmap_chunk *next;
	size_t used, cap;
	char data[];
};

#define CHUNK_SIZE (64 * 1024)

void lsc_strmap_init(struct lsc_strmap *m, size_t max_count)
{
	memset(m, 0, sizeof(*m));
	m->max_count = max_count;
}

void lsc_strmap_dispose(struct lsc_strmap *m)
{
	struct lsc_strmap_chunk *c = m->chunks;

	while (c) {
		struct lsc_strmap_chunk *next = c->next;

		free(c);
		c = next;
	}
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static const char *intern(struct lsc_strmap *m, const char *key, size_t n)
{
	struct lsc_strmap_chunk *c = m->chunks;
	char *p;

	if (!c || c->cap - c->used < n + 1) {
		size_t cap = n + 1 > CHUNK_SIZE ? n + 1 : CHUNK_SIZE;

		c = malloc(sizeof(*c) + cap);
		if (!c) {
			return NULL;
		}
		c->used = 0;
		c->cap = cap;
		c->next = m->chunks;
		m->chunks = c;
	}
	p = c->data + c->used;
	memcpy(p, key, n + 1);
	c->used += n + 1;
	m->key_bytes += n + 1;
	return p;
}

static struct lsc_strmap_slot *probe(const struct lsc_strmap *m, const char *key, uint64_t h)
{
	size_t mask = m->nslots - 1;
	size_t i = (size_t)h & mask;

	for (;;) {
		struct lsc_strmap_slot *s = &m->slots[i];

		if (!s->key || (s->hash == h && strcmp(s->key, key) == 0)) {
			return s;
		}
		i = (i + 1) & mask;
	}
}

static int grow(struct lsc_strmap *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 64;
	struct lsc_strmap_slot *old = m->slots;
	size_t oldn = m->nslots;

	m->slots = calloc(n, sizeof(*m->slots));
	if (!m->slots) {
		m->slots = old;
		return -ENOMEM;
	}
	m->nslots = n;
	for (size_t i = 0; i < oldn; i++) {
		if (old[i].key) {
			*probe(m, old[i].key, old[i].hash) = old[i];
		}
	}
	free(old);
	return 0;
}

int lsc_strmap_get(uintptr_t **out, struct lsc_strmap *m, const char *key, int create)
{
	size_t n = strlen(key);
	uint64_t h = lsc_hash(key, n);
	struct lsc_strmap_slot *s;

	*out = NULL;
	if (m->nslots) {
		s = probe(m, key, h);
		if (s->key) {
			*out = &s->value;
			return 1;
		}
	}
	if (!create) {
		return 0;
	}
	if (m->count >= m->max_count) {
		return -EFBIG;
	}
	if ((m->count + 1) * 4 > m->nslots * 3) {
		int rc = grow(m);

		if (rc < 0) {
			return rc;
		}
	}
	s = probe(m, key, h);
	s->key = intern(m, key, n);
	if (!s->key) {
		return -ENOMEM;
	}
	s->hash = h;
	s->value = 0;
	m->count++;
	*out = &s->value;
	return 0;
}

uintptr_t lsc_strmap_value(const struct lsc_strmap *m, const char *key, uintptr_t def)
{
	struct lsc_strmap_slot *s;

	if (!m->nslots) {
		return def;
	}
	s = probe(m, key, lsc_hash(key, strlen(key)));
	return s->key ? s->value : def;
}

int lsc_strmap_foreach(const struct lsc_strmap *m,
		       int (*fn)(const char *key, uintptr_t value, void *payload), void *payload)
{
	for (size_t i = 0; i < m->nslots; i++) {
		if (m->slots[i].key) {
			int rc = fn(m->slots[i].key, m->slots[i].value, payload);

			if (rc) {
				return rc;
			}
		}
	}
	return 0;
}
