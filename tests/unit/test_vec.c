/* util/vec: growth, the hard maximum, overflow, allocation failure, pop, dispose. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/vec.h"

struct pair {
	int a;
	char b[12];
};

Test(vec, init_is_empty_and_allocates_nothing)
{
	struct lsc_vec v;

	lsc_vec_init(&v, sizeof(struct pair), 10);
	cr_assert_null(v.v);
	cr_assert_eq(v.n, 0);
	cr_assert_eq(v.cap, 0);
	cr_assert_eq(v.size, sizeof(struct pair));
	cr_assert_eq(v.max, 10);
	cr_assert_not(lsc_vec_pop(&v, NULL));
	lsc_vec_dispose(&v);
	lsc_vec_dispose(&v); /* twice is harmless */
}

Test(vec, push_at_pop_keep_elements_and_order)
{
	struct lsc_vec v;
	struct pair p = {0}, *q;
	void *slot;

	lsc_vec_init(&v, sizeof(p), 1000);
	for (int i = 0; i < 100; i++) {
		p.a = i * 7;
		snprintf(p.b, sizeof(p.b), "e%d", i);
		cr_assert_eq(lsc_vec_push(&v, &p, &slot), 0);
		cr_assert_eq(slot, lsc_vec_at(&v, (size_t)i), "out is the new element");
	}
	cr_assert_eq(v.n, 100);
	cr_assert_geq(v.cap, 100);
	for (size_t i = 0; i < 100; i++) {
		q = lsc_vec_at(&v, i);
		cr_assert_eq(q->a, (int)i * 7);
		snprintf(p.b, sizeof(p.b), "e%zu", i);
		cr_assert_str_eq(q->b, p.b);
	}
	cr_assert(lsc_vec_pop(&v, &p));
	cr_assert_eq(p.a, 99 * 7);
	cr_assert_str_eq(p.b, "e99");
	cr_assert_eq(v.n, 99);
	cr_assert(lsc_vec_pop(&v, NULL));
	cr_assert_eq(v.n, 98);
	lsc_vec_dispose(&v);
	cr_assert_null(v.v);
	cr_assert_eq(v.n, 0);
	cr_assert_eq(v.cap, 0);
	cr_assert_eq(v.size, sizeof(p), "size and max survive dispose: the vec can be reused");
	cr_assert_eq(v.max, 1000);
	cr_assert_eq(lsc_vec_push(&v, &p, NULL), 0);
	lsc_vec_dispose(&v);
}

Test(vec, push_null_zero_fills)
{
	struct lsc_vec v;
	struct pair *q;
	void *slot;

	lsc_vec_init(&v, sizeof(struct pair), 4);
	/* dirty the storage first, so that zeroes are the push's doing */
	cr_assert_eq(lsc_vec_push(&v, &(struct pair){-1, "xxxxxxxxxxx"}, NULL), 0);
	cr_assert(lsc_vec_pop(&v, NULL));
	cr_assert_eq(lsc_vec_push(&v, NULL, &slot), 0);
	q = slot;
	cr_assert_eq(q->a, 0);
	cr_assert_eq(q->b[0], 0);
	cr_assert_eq(q->b[11], 0);
	lsc_vec_dispose(&v);
}

Test(vec, growth_doubles_from_16_clamped_to_max)
{
	struct lsc_vec v;
	int x = 1;

	lsc_vec_init(&v, sizeof(int), 40);
	cr_assert_eq(lsc_vec_push(&v, &x, NULL), 0);
	cr_assert_eq(v.cap, 16);
	for (int i = 1; i < 17; i++) {
		cr_assert_eq(lsc_vec_push(&v, &i, NULL), 0);
	}
	cr_assert_eq(v.cap, 32);
	for (int i = 17; i < 33; i++) {
		cr_assert_eq(lsc_vec_push(&v, &i, NULL), 0);
	}
	cr_assert_eq(v.cap, 40, "never more room than max");
	lsc_vec_dispose(&v);

	/* reserve takes the whole request at once */
	lsc_vec_init(&v, sizeof(int), SIZE_MAX);
	cr_assert_eq(lsc_vec_reserve(&v, 1000), 0);
	cr_assert_geq(v.cap, 1000);
	cr_assert_eq(v.n, 0);
	cr_assert_eq(lsc_vec_reserve(&v, 0), 0);
	lsc_vec_dispose(&v);
}

Test(vec, cap_refused_and_vec_unchanged)
{
	struct lsc_vec v;
	int x = 5;
	void *slot = &x;

	lsc_vec_init(&v, sizeof(int), 3);
	for (int i = 0; i < 3; i++) {
		cr_assert_eq(lsc_vec_push(&v, &i, NULL), 0);
	}
	cr_assert_eq(lsc_vec_push(&v, &x, &slot), -EFBIG);
	cr_assert_eq(slot, &x, "out untouched on failure");
	cr_assert_eq(v.n, 3);
	cr_assert_eq(*(int *)lsc_vec_at(&v, 2), 2);
	cr_assert_eq(lsc_vec_reserve(&v, 1), -EFBIG);
	cr_assert_eq(lsc_vec_reserve(&v, SIZE_MAX), -EFBIG, "n + count must not wrap");
	cr_assert(lsc_vec_pop(&v, NULL));
	cr_assert_eq(lsc_vec_push(&v, &x, NULL), 0, "room again after a pop");
	lsc_vec_dispose(&v);

	lsc_vec_init(&v, sizeof(int), 0);
	cr_assert_eq(lsc_vec_push(&v, &x, NULL), -EFBIG, "max 0 holds nothing");
	cr_assert_null(v.v);
	lsc_vec_dispose(&v);
}

Test(vec, byte_size_overflow_refused)
{
	struct lsc_vec v;

	lsc_vec_init(&v, 1024, SIZE_MAX);
	cr_assert_eq(lsc_vec_reserve(&v, SIZE_MAX / 1024 + 1), -EOVERFLOW);
	cr_assert_null(v.v);
	cr_assert_eq(v.cap, 0);
	cr_assert_eq(lsc_vec_reserve(&v, SIZE_MAX), -EOVERFLOW);
	lsc_vec_dispose(&v);
}

Test(vec, allocation_failure_leaves_vec_unchanged)
{
	struct lsc_vec v;
	int x = 9;

#if defined(__SANITIZE_ADDRESS__)
	cr_skip_test("AddressSanitizer aborts on a too-large allocation instead of failing it");
#endif
	if (getenv("LSC_UNDER_VALGRIND")) {
		cr_skip_test("valgrind reports the too-large allocation");
	}
	lsc_vec_init(&v, 1, SIZE_MAX);
	cr_assert_eq(lsc_vec_push(&v, &x, NULL), 0);
	/* more than PTRDIFF_MAX bytes: malloc refuses it without trying */
	cr_assert_eq(lsc_vec_reserve(&v, (size_t)PTRDIFF_MAX + 1), -ENOMEM);
	cr_assert_eq(v.n, 1);
	cr_assert_eq(v.cap, 16);
	cr_assert_eq(*(char *)lsc_vec_at(&v, 0), 9);
	lsc_vec_dispose(&v);
}
