/*
 * The path map (util/strmap): a sequence of operations on one map, checked against a plain list
 * of the keys inserted so far. Input: lines; the first byte of a line picks the operation, the
 * rest is the key: 'g' insert (get with create), 'l' look up (get without create), 'v' value,
 * 'n' value_n of a prefix (its length the second byte), 'k' the map's own copy of the key. The
 * map is bounded at 300 keys, so insertions past that must fail with -EFBIG and change nothing.
 * Every answer must be the list's; at the end foreach must visit every key once.
 */
#include "fuzz_util.h"

#include "util/strmap.h"

#include <errno.h>
#include <stdlib.h>

#define MAX_KEYS 300
#define MAX_OPS 4000

struct model {
	char *keys[MAX_KEYS];
	size_t n;
};

static long model_find(const struct model *m, const char *k, size_t len)
{
	for (size_t i = 0; i < m->n; i++) {
		if (strlen(m->keys[i]) == len && memcmp(m->keys[i], k, len) == 0) {
			return (long)i;
		}
	}
	return -1;
}

struct seen {
	const struct model *m;
	size_t visits;
};

static int visit(const char *key, uintptr_t value, void *payload)
{
	struct seen *s = payload;
	long i = model_find(s->m, key, strlen(key));

	if (i < 0 || value != (uintptr_t)i + 1) {
		abort();
	}
	s->visits++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_strmap map;
	struct model m = {.n = 0};
	struct seen s = {&m, 0};
	const char *p = (const char *)data, *end = p + size;
	size_t ops = 0;

	lsc_strmap_init(&map, MAX_KEYS);
	while (p < end && ops++ < MAX_OPS) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char op = len ? p[0] : 'g';
		char *key = malloc(len + 1);
		uintptr_t *v;
		long want;
		int rc;

		if (!key) {
			abort();
		}
		/* the key: the line after the op byte, cut at a NUL (keys are C strings) */
		memcpy(key, len ? p + 1 : p, len ? len - 1 : 0);
		key[len ? len - 1 : 0] = 0;
		want = model_find(&m, key, strlen(key));
		switch (op) {
		case 'l':
			rc = lsc_strmap_get(&v, &map, key, 0);
			if (rc != (want >= 0) || (rc == 1 && *v != (uintptr_t)want + 1) ||
			    (rc == 0 && v != NULL)) {
				abort();
			}
			break;
		case 'v':
			if (lsc_strmap_value(&map, key, 0) != (uintptr_t)(want + 1)) {
				abort();
			}
			break;
		case 'n': {
			size_t kl = strlen(key), n = kl ? (unsigned char)key[0] % (kl + 1) : 0;

			want = model_find(&m, key, n);
			if (lsc_strmap_value_n(&map, key, n, 0) != (uintptr_t)(want + 1)) {
				abort();
			}
			break;
		}
		case 'k': {
			const char *k = lsc_strmap_key(&map, key);

			if ((want >= 0) != (k != NULL) ||
			    (k && (k == key || strcmp(k, key) != 0))) {
				abort();
			}
			fuzz_touch(k);
			break;
		}
		default:
			rc = lsc_strmap_get(&v, &map, key, 1);
			if (want >= 0) {
				if (rc != 1 || *v != (uintptr_t)want + 1) {
					abort();
				}
			} else if (m.n == MAX_KEYS) {
				if (rc != -EFBIG || map.count != MAX_KEYS) {
					abort();
				}
			} else if (rc == 0) {
				if (*v != 0) {
					abort();
				}
				*v = m.n + 1;
				if (!(m.keys[m.n++] = strdup(key))) {
					abort();
				}
			} else if (rc != -ENOMEM) {
				abort();
			}
			break;
		}
		free(key);
		p += len + (nl != NULL);
	}
	if (map.count != m.n) {
		abort();
	}
	lsc_strmap_foreach(&map, visit, &s);
	if (s.visits != m.n) {
		abort();
	}
	lsc_strmap_dispose(&map);
	for (size_t i = 0; i < m.n; i++) {
		free(m.keys[i]);
	}
	return 0;
}
