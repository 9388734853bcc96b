/* lib/content_cache: results of file contents already scanned, keyed by a keyed hash. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secrets/content_cache.h"

static struct lsc_content_cache *cache;
static struct lsc_content_hasher *hasher;

static void setup(void)
{
	cr_assert_eq(lsc_content_cache_new(&cache, 1000, 1 << 20), 0);
	cr_assert_eq(lsc_content_hasher_new(&hasher, cache), 0);
}

static void teardown(void)
{
	lsc_content_hasher_free(hasher);
	lsc_content_cache_free(cache);
}

static struct lsc_content_key key(const char *s)
{
	struct lsc_content_key k;

	cr_assert_eq(lsc_content_key_of(hasher, &k, s, strlen(s)), 0);
	return k;
}

TestSuite(content_cache, .init = setup, .fini = teardown);

Test(content_cache, same_content_same_key_any_change_another)
{
	struct lsc_content_key a = key("token = ghp_abc\n"), b = key("token = ghp_abc\n");
	struct lsc_content_key c = key("token = ghp_abd\n"), d = key("token = ghp_abc\n\n");
	char big1[5000], big2[5000];
	struct lsc_content_key e, f;

	cr_assert_eq(memcmp(&a, &b, sizeof(a)), 0);
	cr_assert_neq(memcmp(a.tag, c.tag, sizeof(a.tag)), 0, "one byte differs");
	cr_assert_neq(memcmp(&a, &d, sizeof(a)), 0, "one byte longer");
	cr_assert_eq(d.len, a.len + 1);
	/* blocks of Poly1305 are 16 bytes: a change past the first blocks counts as much */
	memset(big1, 'x', sizeof(big1));
	memcpy(big2, big1, sizeof(big2));
	big2[4999] = 'y';
	cr_assert_eq(lsc_content_key_of(hasher, &e, big1, sizeof(big1)), 0);
	cr_assert_eq(lsc_content_key_of(hasher, &f, big2, sizeof(big2)), 0);
	cr_assert_neq(memcmp(e.tag, f.tag, sizeof(e.tag)), 0);
	/* the empty content has a key too */
	cr_assert_eq(lsc_content_key_of(hasher, &e, "", 0), 0);
	cr_assert_eq(e.len, 0);
}

Test(content_cache, each_cache_has_its_own_key)
{
	struct lsc_content_cache *other;
	struct lsc_content_hasher *h2;
	struct lsc_content_key a = key("same content"), b;

	cr_assert_eq(lsc_content_cache_new(&other, 10, 1024), 0);
	cr_assert_eq(lsc_content_hasher_new(&h2, other), 0);
	cr_assert_eq(lsc_content_key_of(h2, &b, "same content", 12), 0);
	cr_assert_neq(memcmp(a.tag, b.tag, sizeof(a.tag)), 0,
		      "a random key per cache: tags cannot be predicted from outside");
	lsc_content_hasher_free(h2);
	lsc_content_cache_free(other);
}

Test(content_cache, put_then_get_a_copy)
{
	struct lsc_content_key k = key("file one"), other = key("file two");
	struct lsc_content_cache_stats st;
	char rec[] = "record bytes";
	const void *got;
	size_t len;

	cr_assert_not(lsc_content_cache_get(cache, &k, &got, &len), "empty cache");
	cr_assert_eq(lsc_content_cache_put(cache, &k, rec, sizeof(rec)), 0);
	rec[0] = 'X'; /* the cache holds its own copy */
	cr_assert(lsc_content_cache_get(cache, &k, &got, &len));
	cr_assert_eq(len, sizeof(rec));
	cr_assert_str_eq(got, "record bytes");
	cr_assert_not(lsc_content_cache_get(cache, &other, &got, &len));
	/* a second put of the same key keeps the first record */
	cr_assert_eq(lsc_content_cache_put(cache, &k, "other", 6), 0);
	cr_assert(lsc_content_cache_get(cache, &k, &got, &len));
	cr_assert_str_eq(got, "record bytes");
	/* an empty record (a file without findings) is a record */
	cr_assert_eq(lsc_content_cache_put(cache, &other, NULL, 0), 0);
	cr_assert(lsc_content_cache_get(cache, &other, &got, &len));
	cr_assert_eq(len, 0);
	lsc_content_cache_stats(cache, &st);
	cr_assert_eq(st.hits, 3);
	cr_assert_eq(st.hit_bytes, 2 * strlen("file one") + strlen("file two"));
	cr_assert_eq(st.records, 2);
	cr_assert_eq(st.bytes, sizeof(rec));
}

Test(content_cache, many_records_and_big_ones_survive_growth)
{
	char name[32], rec[100000];
	const void *got;
	size_t len;

	for (int i = 0; i < 900; i++) {
		struct lsc_content_key k;

		snprintf(name, sizeof(name), "content %d", i);
		k = key(name);
		cr_assert_eq(lsc_content_cache_put(cache, &k, name, strlen(name) + 1), 0);
	}
	memset(rec, 'r', sizeof(rec)); /* bigger than an arena chunk */
	{
		struct lsc_content_key k = key("big");

		cr_assert_eq(lsc_content_cache_put(cache, &k, rec, sizeof(rec)), 0);
		cr_assert(lsc_content_cache_get(cache, &k, &got, &len));
		cr_assert_eq(len, sizeof(rec));
		cr_assert_eq(memcmp(got, rec, sizeof(rec)), 0);
	}
	for (int i = 0; i < 900; i++) {
		struct lsc_content_key k;

		snprintf(name, sizeof(name), "content %d", i);
		k = key(name);
		cr_assert(lsc_content_cache_get(cache, &k, &got, &len), "%s", name);
		cr_assert_str_eq(got, name);
	}
}

Test(content_cache, bounded_by_records_and_bytes)
{
	struct lsc_content_cache *small;
	struct lsc_content_hasher *h;
	struct lsc_content_key k1, k2, k3;
	struct lsc_content_cache_stats st;
	const void *got;
	size_t len;

	cr_assert_eq(lsc_content_cache_new(&small, 2, 10), 0);
	cr_assert_eq(lsc_content_hasher_new(&h, small), 0);
	lsc_content_key_of(h, &k1, "a", 1);
	lsc_content_key_of(h, &k2, "b", 1);
	lsc_content_key_of(h, &k3, "c", 1);
	cr_assert_eq(lsc_content_cache_put(small, &k1, "0123456789x", 11), 0,
		     "full is not an error");
	cr_assert_not(lsc_content_cache_get(small, &k1, &got, &len), "over max_bytes: not added");
	cr_assert_eq(lsc_content_cache_put(small, &k1, "0123456", 7), 0);
	cr_assert_eq(lsc_content_cache_put(small, &k2, "012", 3), 0);
	cr_assert_eq(lsc_content_cache_put(small, &k3, NULL, 0), 0);
	cr_assert_not(lsc_content_cache_get(small, &k3, &got, &len), "over max_records: not added");
	lsc_content_cache_stats(small, &st);
	cr_assert_eq(st.records, 2);
	cr_assert_eq(st.bytes, 10);
	lsc_content_hasher_free(h);
	lsc_content_cache_free(small);
}

struct worker {
	int id;
	int found;
};

static void *work(void *p)
{
	struct worker *w = p;
	struct lsc_content_hasher *h;
	char name[32];

	cr_assert_eq(lsc_content_hasher_new(&h, cache), 0);
	for (int i = 0; i < 500; i++) {
		struct lsc_content_key k;
		const void *got;
		size_t len;

		snprintf(name, sizeof(name), "shared %d", i);
		lsc_content_key_of(h, &k, name, strlen(name));
		if (lsc_content_cache_get(cache, &k, &got, &len)) {
			cr_assert_str_eq(got, name);
			w->found++;
		} else {
			cr_assert_eq(lsc_content_cache_put(cache, &k, name, strlen(name) + 1), 0);
		}
	}
	lsc_content_hasher_free(h);
	return NULL;
}

Test(content_cache, threads_share_one_cache)
{
	pthread_t t[4];
	struct worker w[4] = {{0}};
	struct lsc_content_cache_stats st;

	for (int i = 0; i < 4; i++) {
		w[i].id = i;
		cr_assert_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
	}
	lsc_content_cache_stats(cache, &st);
	cr_assert_eq(st.records, 500, "each content once, whoever put it first");
	cr_assert_eq(st.hits, (uint64_t)(w[0].found + w[1].found + w[2].found + w[3].found));
}
