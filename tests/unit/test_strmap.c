/* util/strmap: the string-keyed map that indexes a layer's paths. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/strmap.h"

Test(strmap, empty_map_finds_nothing)
{
	struct lsc_strmap m;
	uintptr_t *v = (uintptr_t *)1;

	lsc_strmap_init(&m, 10);
	cr_assert_eq(lsc_strmap_get(&v, &m, "/etc/passwd", 0), 0);
	cr_assert_null(v);
	cr_assert_eq(lsc_strmap_value(&m, "/etc/passwd", 77), 77);
	cr_assert_eq(m.count, 0);
	lsc_strmap_dispose(&m);
}

Test(strmap, insert_then_find)
{
	struct lsc_strmap m;
	uintptr_t *v;
	char key[16];

	lsc_strmap_init(&m, 10);
	strcpy(key, "/app/.env");
	cr_assert_eq(lsc_strmap_get(&v, &m, key, 1), 0, "a new key is inserted");
	cr_assert_not_null(v);
	cr_assert_eq(*v, 0, "a new key starts at 0");
	*v = 42;
	/* the map copied the key: changing the caller's buffer changes nothing */
	strcpy(key, "/app/.xxx");
	cr_assert_eq(lsc_strmap_value(&m, "/app/.env", 0), 42);
	cr_assert_eq(lsc_strmap_value(&m, "/app/.xxx", 5), 5);
	cr_assert_eq(lsc_strmap_get(&v, &m, "/app/.env", 1), 1, "an existing key is found");
	cr_assert_eq(*v, 42);
	cr_assert_eq(lsc_strmap_get(&v, &m, "/app/.env", 0), 1);
	cr_assert_eq(*v, 42);
	cr_assert_eq(m.count, 1);
	lsc_strmap_dispose(&m);
}

Test(strmap, absent_without_create_does_not_insert)
{
	struct lsc_strmap m;
	uintptr_t *v;

	lsc_strmap_init(&m, 10);
	cr_assert_eq(lsc_strmap_get(&v, &m, "a", 1), 0);
	cr_assert_eq(lsc_strmap_get(&v, &m, "b", 0), 0);
	cr_assert_null(v);
	cr_assert_eq(m.count, 1);
	cr_assert_eq(lsc_strmap_value(&m, "b", 9), 9);
	lsc_strmap_dispose(&m);
}

Test(strmap, similar_keys_are_distinct)
{
	struct lsc_strmap m;
	uintptr_t *v;
	const char *keys[] = {"", "/", "/a", "/a/", "/A", "/a/b", "/ab", "a"};
	size_t n = sizeof(keys) / sizeof(keys[0]);

	lsc_strmap_init(&m, 100);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(lsc_strmap_get(&v, &m, keys[i], 1), 0, "key \"%s\"", keys[i]);
		*v = i + 100;
	}
	cr_assert_eq(m.count, n);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(lsc_strmap_value(&m, keys[i], 0), i + 100, "key \"%s\"", keys[i]);
	}
	lsc_strmap_dispose(&m);
}

Test(strmap, grows_past_thousands_of_keys)
{
	struct lsc_strmap m;
	uintptr_t *v;
	char key[64];
	const size_t n = 50000;

	lsc_strmap_init(&m, 1000000);
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "/usr/share/doc/pkg%zu/copyright", i);
		cr_assert_eq(lsc_strmap_get(&v, &m, key, 1), 0);
		*v = i * 3 + 1;
	}
	cr_assert_eq(m.count, n);
	cr_assert(m.nslots >= n + n / 3, "load stays under 3/4 (%zu slots)", m.nslots);
	cr_assert_eq(m.nslots & (m.nslots - 1), 0, "power of two");
	for (size_t i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "/usr/share/doc/pkg%zu/copyright", i);
		cr_assert_eq(lsc_strmap_value(&m, key, 0), i * 3 + 1, "%s", key);
	}
	cr_assert_eq(lsc_strmap_value(&m, "/usr/share/doc/pkg50000/copyright", 7), 7);
	/* re-getting every key finds it and inserts nothing */
	for (size_t i = 0; i < n; i += 97) {
		snprintf(key, sizeof(key), "/usr/share/doc/pkg%zu/copyright", i);
		cr_assert_eq(lsc_strmap_get(&v, &m, key, 1), 1);
	}
	cr_assert_eq(m.count, n);
	lsc_strmap_dispose(&m);
	cr_assert_null(m.slots);
	cr_assert_eq(m.count, 0);
}

Test(strmap, long_keys_bigger_than_a_chunk)
{
	struct lsc_strmap m;
	uintptr_t *v;
	size_t len = 200 * 1024;
	char *big = malloc(len + 1);

	memset(big, 'k', len);
	big[len] = 0;
	lsc_strmap_init(&m, 10);
	cr_assert_eq(lsc_strmap_get(&v, &m, "small", 1), 0);
	*v = 1;
	cr_assert_eq(lsc_strmap_get(&v, &m, big, 1), 0);
	*v = 2;
	big[len - 1] = 'j';
	cr_assert_eq(lsc_strmap_value(&m, big, 0), 0);
	big[len - 1] = 'k';
	cr_assert_eq(lsc_strmap_value(&m, big, 0), 2);
	cr_assert_eq(lsc_strmap_value(&m, "small", 0), 1);
	cr_assert(m.key_bytes >= len + 1 + 6);
	free(big);
	lsc_strmap_dispose(&m);
}

Test(strmap, max_count_is_efbig)
{
	struct lsc_strmap m;
	uintptr_t *v;
	char key[16];

	lsc_strmap_init(&m, 3);
	for (int i = 0; i < 3; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cr_assert_eq(lsc_strmap_get(&v, &m, key, 1), 0);
		*v = (uintptr_t)i + 10;
	}
	cr_assert_eq(lsc_strmap_get(&v, &m, "k3", 1), -EFBIG);
	cr_assert_null(v);
	cr_assert_eq(m.count, 3);
	cr_assert_eq(lsc_strmap_value(&m, "k3", 99), 99);
	/* existing keys are still found and writable at the bound */
	cr_assert_eq(lsc_strmap_get(&v, &m, "k1", 1), 1);
	cr_assert_eq(*v, 11);
	lsc_strmap_dispose(&m);
}

Test(strmap, max_count_zero_allows_nothing)
{
	struct lsc_strmap m;
	uintptr_t *v;

	lsc_strmap_init(&m, 0);
	cr_assert_eq(lsc_strmap_get(&v, &m, "a", 1), -EFBIG);
	cr_assert_eq(lsc_strmap_get(&v, &m, "a", 0), 0);
	lsc_strmap_dispose(&m);
}

struct seen {
	unsigned mask;
	uintptr_t sum;
	int calls;
	int stop_after;
};

static int visit(const char *key, uintptr_t value, void *payload)
{
	struct seen *s = payload;

	cr_assert_eq(key[0], 'k');
	s->mask |= 1u << (key[1] - '0');
	s->sum += value;
	s->calls++;
	if (s->stop_after && s->calls == s->stop_after) {
		return 7;
	}
	return 0;
}

Test(strmap, foreach_visits_every_entry_once)
{
	struct lsc_strmap m;
	uintptr_t *v;
	struct seen s = {0, 0, 0, 0};
	char key[4];

	lsc_strmap_init(&m, 100);
	cr_assert_eq(lsc_strmap_foreach(&m, visit, &s), 0, "an empty map visits nothing");
	cr_assert_eq(s.calls, 0);
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cr_assert_eq(lsc_strmap_get(&v, &m, key, 1), 0);
		*v = (uintptr_t)1 << i;
	}
	cr_assert_eq(lsc_strmap_foreach(&m, visit, &s), 0);
	cr_assert_eq(s.calls, 8);
	cr_assert_eq(s.mask, 0xff);
	cr_assert_eq(s.sum, 0xff);
	lsc_strmap_dispose(&m);
}

Test(strmap, foreach_stops_on_nonzero_and_returns_it)
{
	struct lsc_strmap m;
	uintptr_t *v;
	struct seen s = {0, 0, 0, 3};
	char key[4];

	lsc_strmap_init(&m, 100);
	for (int i = 0; i < 8; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		cr_assert_eq(lsc_strmap_get(&v, &m, key, 1), 0);
	}
	cr_assert_eq(lsc_strmap_foreach(&m, visit, &s), 7);
	cr_assert_eq(s.calls, 3);
	lsc_strmap_dispose(&m);
}

Test(strmap, dispose_of_unused_map)
{
	struct lsc_strmap m;

	lsc_strmap_init(&m, 10);
	lsc_strmap_dispose(&m);
	lsc_strmap_dispose(&m);
	cr_assert_eq(m.nslots, 0);
}

/* The keyed hash is SipHash: the reference vectors of SipHash-2-4 (key 00..0f, message 00..). */
Test(strmap, siphash_reference_vectors)
{
	const uint64_t key[2] = {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
	uint8_t msg[64];

	for (int i = 0; i < 64; i++) {
		msg[i] = (uint8_t)i;
	}
	cr_assert_eq(lsc_strmap_siphash(key, 2, 4, msg, 0), 0x726fdb47dd0e0e31ULL);
	cr_assert_eq(lsc_strmap_siphash(key, 2, 4, msg, 1), 0x74f839c593dc67fdULL);
	cr_assert_eq(lsc_strmap_siphash(key, 2, 4, msg, 8), 0x93f5f5799a932462ULL);
	cr_assert_eq(lsc_strmap_siphash(key, 2, 4, msg, 15), 0xa129ca6149be45e5ULL);
}

/* The map's hash is keyed per process: not FNV-1a, and not the same as an all-zero key. */
Test(strmap, hash_is_keyed)
{
	const uint64_t zero[2] = {0, 0};
	const char *s = "/usr/lib/x86_64-linux-gnu/libc.so.6";

	cr_assert_eq(lsc_strmap_hash(s, strlen(s)), lsc_strmap_hash(s, strlen(s)));
	cr_assert_neq(lsc_strmap_hash(s, strlen(s)), lsc_strmap_siphash(zero, 1, 3, s, strlen(s)));
	cr_assert_neq(lsc_strmap_hash("", 0), 0xcbf29ce484222325ULL, "FNV-1a's offset basis");
	cr_assert_neq(lsc_strmap_hash("ab", 2), lsc_strmap_hash("ba", 2));
}

/*
 * Names whose FNV-1a hashes agree in their low 24 bits (built like the hostile test does: pairs
 * of 4-byte blocks that collide from one state chain into 2^n names) spread over the slots.
 */
static uint32_t fnv_step(uint32_t h, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h = (uint32_t)(((h ^ (uint8_t)b[i]) * 0x1b3ULL) &
			       0xffffff); /* low bits of the prime */
	}
	return h;
}

Test(strmap, fnv_colliding_names_do_not_collide)
{
	static const char alpha[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	char pairs[12][2][4];
	uint32_t st = fnv_step((uint32_t)(0xcbf29ce484222325ULL & 0xffffff), "/c/", 3);
	struct lsc_strmap m;
	size_t maxrun = 0, run = 0;
	uint32_t *seen = calloc(1u << 24, sizeof(*seen));

	cr_assert_not_null(seen);
	for (int k = 0; k < 12; k++) {
		bool found = false;

		memset(seen, 0, (1u << 24) * sizeof(*seen));
		for (uint32_t i = 1; i < 36 * 36 * 36 * 36 && !found; i++) {
			char blk[4] = {alpha[i % 36], alpha[i / 36 % 36], alpha[i / 1296 % 36],
				       alpha[i / 46656 % 36]};
			uint32_t h = fnv_step(st, blk, 4);

			if (seen[h]) {
				uint32_t j = seen[h];

				memcpy(pairs[k][0], blk, 4);
				pairs[k][1][0] = alpha[j % 36];
				pairs[k][1][1] = alpha[j / 36 % 36];
				pairs[k][1][2] = alpha[j / 1296 % 36];
				pairs[k][1][3] = alpha[j / 46656 % 36];
				st = h;
				found = true;
			}
			seen[h] = i;
		}
		cr_assert(found);
	}
	free(seen);
	lsc_strmap_init(&m, 1u << 12);
	for (unsigned i = 0; i < (1u << 12); i++) {
		char name[3 + 12 * 4 + 1] = "/c/";
		uintptr_t *v;

		for (int k = 0; k < 12; k++) {
			memcpy(name + 3 + 4 * k, pairs[k][(i >> k) & 1], 4);
		}
		name[3 + 48] = 0;
		cr_assert_eq(lsc_strmap_get(&v, &m, name, 1), 0);
		*v = i + 1;
	}
	cr_assert_eq(m.count, 1u << 12);
	/* the longest run of filled slots: a few dozen with any decent hash, 4096 with FNV-1a */
	for (size_t i = 0; i < 2 * m.nslots; i++) {
		run = m.slots[i & (m.nslots - 1)].key ? run + 1 : 0;
		maxrun = run > maxrun ? run : maxrun;
	}
	cr_assert_lt(maxrun, 200, "longest probe run %zu", maxrun);
	lsc_strmap_dispose(&m);
}

Test(strmap, value_n_and_key)
{
	struct lsc_strmap m;
	uintptr_t *v;
	const char *k;

	lsc_strmap_init(&m, 10);
	cr_assert_eq(lsc_strmap_get(&v, &m, "/usr", 1), 0);
	*v = 7;
	cr_assert_eq(lsc_strmap_get(&v, &m, "/usr/bin", 1), 0);
	*v = 8;
	cr_assert_eq(lsc_strmap_value_n(&m, "/usr/bin/env", 4, 0), 7, "a prefix, no NUL");
	cr_assert_eq(lsc_strmap_value_n(&m, "/usr/bin/env", 8, 0), 8);
	cr_assert_eq(lsc_strmap_value_n(&m, "/usr/bin/env", 6, 99), 99, "/usr/b is absent");
	cr_assert_eq(lsc_strmap_value_n(&m, "/us", 3, 99), 99, "a prefix of a key is not the key");
	k = lsc_strmap_key(&m, "/usr/bin");
	cr_assert_str_eq(k, "/usr/bin");
	cr_assert_eq(lsc_strmap_key(&m, "/usr/bin"), k, "one copy, the map's");
	cr_assert_null(lsc_strmap_key(&m, "/usr/lib"));
	lsc_strmap_dispose(&m);
}
