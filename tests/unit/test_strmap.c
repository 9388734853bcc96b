/* util/strmap: the string-keyed map that indexes a layer's paths. */
#include <criterion/criterion.h>
#include <errno.h>
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
