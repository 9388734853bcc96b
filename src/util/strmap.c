#include "strmap.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

/* --- SipHash-1-3 (Aumasson and Bernstein), under one random key per process ------------------ */

static uint64_t sip_key[2];
static pthread_once_t sip_once = PTHREAD_ONCE_INIT;

static void sip_init(void)
{
	uint8_t k[16];
	size_t got = 0;

	while (got < sizeof(k)) {
		ssize_t n = getrandom(k + got, sizeof(k) - got, 0);

		if (n <= 0) {
			break;
		}
		got += (size_t)n;
	}
	if (got < sizeof(k)) {
		/* no getrandom (an old kernel, a seccomp filter): the kernel's pool by its file */
		int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

		got = 0;
		while (fd >= 0 && got < sizeof(k)) {
			ssize_t n = read(fd, k + got, sizeof(k) - got);

			if (n <= 0) {
				break;
			}
			got += (size_t)n;
		}
		if (fd >= 0) {
			close(fd);
		}
	}
	memcpy(sip_key, k, sizeof(sip_key));
	if (got < sizeof(k)) {
		/* last resort, still different in every process: the clock, the pid, ASLR */
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		sip_key[0] ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ts.tv_sec;
		sip_key[1] ^= (uint64_t)getpid() << 32 ^ (uint64_t)(uintptr_t)&ts;
	}
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--) {
		v = v << 8 | p[i];
	}
	return v;
}

uint64_t lsc_strmap_siphash(const uint64_t key[2], int crounds, int drounds, const void *data,
			    size_t n)
{
	const uint8_t *p = data, *end = p + (n & ~(size_t)7);
	uint64_t v0 = key[0] ^ 0x736f6d6570736575ULL, v1 = key[1] ^ 0x646f72616e646f6dULL;
	uint64_t v2 = key[0] ^ 0x6c7967656e657261ULL, v3 = key[1] ^ 0x7465646279746573ULL;
	uint64_t b = (uint64_t)n << 56;

	for (; p < end; p += 8) {
		uint64_t m = le64(p);

		v3 ^= m;
		for (int r = 0; r < crounds; r++) {
			SIPROUND;
		}
		v0 ^= m;
	}
	for (size_t i = 0; i < (n & 7); i++) {
		b |= (uint64_t)p[i] << (8 * i);
	}
	v3 ^= b;
	for (int r = 0; r < crounds; r++) {
		SIPROUND;
	}
	v0 ^= b;
	v2 ^= 0xff;
	for (int r = 0; r < drounds; r++) {
		SIPROUND;
	}
	return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t lsc_strmap_hash(const void *p, size_t n)
{
	pthread_once(&sip_once, sip_init);
	return lsc_strmap_siphash(sip_key, 1, 3, p, n);
}

/* --- the map ------------------------------------------------------------------------------- */

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

static struct lsc_strmap_slot *probe(const struct lsc_strmap *m, const char *key, size_t n,
				     uint64_t h)
{
	size_t mask = m->nslots - 1;
	size_t i = (size_t)h & mask;

	for (;;) {
		struct lsc_strmap_slot *s = &m->slots[i];

		if (!s->key || (s->hash == h && memcmp(s->key, key, n) == 0 && s->key[n] == 0)) {
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
			*probe(m, old[i].key, strlen(old[i].key), old[i].hash) = old[i];
		}
	}
	free(old);
	return 0;
}

int lsc_strmap_get(uintptr_t **out, struct lsc_strmap *m, const char *key, int create)
{
	size_t n = strlen(key);
	uint64_t h = lsc_strmap_hash(key, n);
	struct lsc_strmap_slot *s;

	*out = NULL;
	if (m->nslots) {
		s = probe(m, key, n, h);
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
	s = probe(m, key, n, h);
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

uintptr_t lsc_strmap_value_n(const struct lsc_strmap *m, const char *key, size_t n, uintptr_t def)
{
	struct lsc_strmap_slot *s;

	if (!m->nslots) {
		return def;
	}
	s = probe(m, key, n, lsc_strmap_hash(key, n));
	return s->key ? s->value : def;
}

uintptr_t lsc_strmap_value(const struct lsc_strmap *m, const char *key, uintptr_t def)
{
	return lsc_strmap_value_n(m, key, strlen(key), def);
}

const char *lsc_strmap_key(const struct lsc_strmap *m, const char *key)
{
	size_t n = strlen(key);

	return m->nslots ? probe(m, key, n, lsc_strmap_hash(key, n))->key : NULL;
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
