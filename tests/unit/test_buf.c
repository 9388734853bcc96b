/* util/buf: the bounded byte buffer every image byte goes through. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

Test(buf, init_allocates_nothing)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 100);
	cr_assert_null(b.data);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.max, 100);
	lsc_buf_dispose(&b);
	cr_assert_null(b.data);
}

Test(buf, append_keeps_bytes_and_nul_terminates)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 1024);
	cr_assert_eq(lsc_buf_append(&b, "abc", 3), 0);
	cr_assert_eq(b.len, 3);
	cr_assert_eq(b.data[3], 0);
	cr_assert_str_eq((char *)b.data, "abc");
	cr_assert_eq(lsc_buf_appendc(&b, 'd'), 0);
	cr_assert_eq(b.len, 4);
	cr_assert_str_eq((char *)b.data, "abcd");
	/* binary bytes, including NUL, are kept as they are */
	cr_assert_eq(lsc_buf_append(&b, "\0\xff", 2), 0);
	cr_assert_eq(b.len, 6);
	cr_assert_eq(memcmp(b.data, "abcd\0\xff", 6), 0);
	cr_assert_eq(b.data[6], 0);
	lsc_buf_dispose(&b);
}

Test(buf, append_zero_bytes_allocates_terminated_empty)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 10);
	cr_assert_eq(lsc_buf_append(&b, NULL, 0), 0);
	cr_assert_not_null(b.data);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.data[0], 0);
	lsc_buf_dispose(&b);
}

Test(buf, exactly_max_fits_one_more_is_efbig_and_unchanged)
{
	struct lsc_buf b;
	uint8_t *before;

	lsc_buf_init(&b, 8);
	cr_assert_eq(lsc_buf_append(&b, "12345678", 8), 0);
	cr_assert_eq(b.len, 8);
	cr_assert_str_eq((char *)b.data, "12345678");
	before = b.data;
	cr_assert_eq(lsc_buf_appendc(&b, 'x'), -EFBIG);
	cr_assert_eq(lsc_buf_append(&b, "x", 1), -EFBIG);
	cr_assert_eq(lsc_buf_printf(&b, "%d", 1), -EFBIG);
	cr_assert_eq(b.len, 8);
	cr_assert_eq(b.data, before);
	cr_assert_str_eq((char *)b.data, "12345678");
	/* appending nothing at the bound still succeeds */
	cr_assert_eq(lsc_buf_append(&b, "", 0), 0);
	cr_assert_eq(b.len, 8);
	lsc_buf_dispose(&b);
}

Test(buf, single_append_over_max_is_rejected_whole)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 5);
	cr_assert_eq(lsc_buf_append(&b, "ab", 2), 0);
	/* 2 + 4 > 5: nothing of the 4 bytes goes in */
	cr_assert_eq(lsc_buf_append(&b, "cdef", 4), -EFBIG);
	cr_assert_eq(b.len, 2);
	cr_assert_str_eq((char *)b.data, "ab");
	cr_assert_eq(lsc_buf_append(&b, "cde", 3), 0);
	cr_assert_str_eq((char *)b.data, "abcde");
	lsc_buf_dispose(&b);
}

Test(buf, huge_length_does_not_overflow)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 16);
	cr_assert_eq(lsc_buf_append(&b, "a", 1), 0);
	cr_assert_eq(lsc_buf_append(&b, "a", SIZE_MAX), -EFBIG);
	cr_assert_eq(lsc_buf_append(&b, "a", SIZE_MAX - 1), -EFBIG);
	cr_assert_eq(b.len, 1);
	lsc_buf_dispose(&b);
}

Test(buf, max_zero_allows_nothing)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 0);
	cr_assert_eq(lsc_buf_appendc(&b, 'a'), -EFBIG);
	cr_assert_eq(b.len, 0);
	lsc_buf_dispose(&b);
}

Test(buf, grows_past_initial_capacity)
{
	struct lsc_buf b;
	char chunk[1000];

	memset(chunk, 'q', sizeof(chunk));
	lsc_buf_init(&b, 1 << 20);
	for (int i = 0; i < 100; i++) {
		cr_assert_eq(lsc_buf_append(&b, chunk, sizeof(chunk)), 0);
	}
	cr_assert_eq(b.len, 100000);
	cr_assert(b.cap >= 100001);
	cr_assert(b.cap <= (1 << 20) + 1, "capacity never goes past max + 1");
	for (size_t i = 0; i < b.len; i++) {
		cr_assert_eq(b.data[i], 'q');
	}
	cr_assert_eq(b.data[b.len], 0);
	lsc_buf_dispose(&b);
}

Test(buf, capacity_is_clamped_to_max)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 300);
	cr_assert_eq(lsc_buf_append(&b, "x", 1), 0);
	for (int i = 0; i < 299; i++) {
		cr_assert_eq(lsc_buf_appendc(&b, 'y'), 0);
	}
	cr_assert_eq(b.len, 300);
	cr_assert_eq(b.cap, 301);
	cr_assert_eq(b.data[300], 0);
	cr_assert_eq(lsc_buf_appendc(&b, 'z'), -EFBIG);
	lsc_buf_dispose(&b);
}

Test(buf, printf_formats_and_appends)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 1024);
	cr_assert_eq(lsc_buf_printf(&b, "%s=%d", "n", 42), 0);
	cr_assert_eq(lsc_buf_printf(&b, ";%05.1f;%x", 3.14159, 255u), 0);
	cr_assert_str_eq((char *)b.data, "n=42;003.1;ff");
	cr_assert_eq(b.len, strlen("n=42;003.1;ff"));
	lsc_buf_dispose(&b);
}

Test(buf, printf_long_output_grows)
{
	struct lsc_buf b;
	char want[3001];

	memset(want, 'w', 3000);
	want[3000] = 0;
	lsc_buf_init(&b, 4096);
	cr_assert_eq(lsc_buf_printf(&b, "%s", want), 0);
	cr_assert_eq(b.len, 3000);
	cr_assert_str_eq((char *)b.data, want);
	lsc_buf_dispose(&b);
}

Test(buf, printf_at_bound)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 6);
	cr_assert_eq(lsc_buf_printf(&b, "%s", "abc"), 0);
	cr_assert_eq(lsc_buf_printf(&b, "%d", 1234), -EFBIG);
	cr_assert_eq(b.len, 3);
	cr_assert_str_eq((char *)b.data, "abc");
	cr_assert_eq(lsc_buf_printf(&b, "%d", 123), 0);
	cr_assert_eq(b.len, 6);
	cr_assert_str_eq((char *)b.data, "abc123");
	lsc_buf_dispose(&b);
}

Test(buf, printf_empty_on_fresh_buffer)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 10);
	cr_assert_eq(lsc_buf_printf(&b, "%s", ""), 0);
	cr_assert_eq(b.len, 0);
	cr_assert_not_null(b.data);
	cr_assert_eq(b.data[0], 0);
	lsc_buf_dispose(&b);
}

Test(buf, detach_hands_over_and_empties)
{
	struct lsc_buf b;
	char *s = NULL;

	lsc_buf_init(&b, 64);
	cr_assert_eq(lsc_buf_append(&b, "hello", 5), 0);
	cr_assert_eq(lsc_buf_detach(&s, &b), 0);
	cr_assert_str_eq(s, "hello");
	cr_assert_null(b.data);
	cr_assert_eq(b.len, 0);
	cr_assert_eq(b.cap, 0);
	cr_assert_eq(b.max, 64, "the bound survives a detach");
	/* the buffer is reusable */
	cr_assert_eq(lsc_buf_append(&b, "again", 5), 0);
	cr_assert_str_eq((char *)b.data, "again");
	cr_assert_str_eq(s, "hello");
	free(s);
	lsc_buf_dispose(&b);
}

Test(buf, detach_of_empty_buffer_is_empty_string)
{
	struct lsc_buf b;
	char *s = NULL;

	lsc_buf_init(&b, 64);
	cr_assert_eq(lsc_buf_detach(&s, &b), 0);
	cr_assert_not_null(s);
	cr_assert_str_eq(s, "");
	free(s);
	lsc_buf_dispose(&b);
}

Test(buf, detach_of_empty_buffer_with_zero_max)
{
	struct lsc_buf b;
	char *s = NULL;

	lsc_buf_init(&b, 0);
	cr_assert_eq(lsc_buf_detach(&s, &b), 0);
	cr_assert_not_null(s);
	cr_assert_str_eq(s, "");
	free(s);
	lsc_buf_dispose(&b);
}

Test(buf, reset_empties_but_keeps_storage)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 64);
	lsc_buf_reset(&b); /* on a buffer with no storage: no crash */
	cr_assert_eq(b.len, 0);
	cr_assert_eq(lsc_buf_append(&b, "abc", 3), 0);
	lsc_buf_reset(&b);
	cr_assert_eq(b.len, 0);
	cr_assert_not_null(b.data);
	cr_assert_eq(b.data[0], 0);
	cr_assert_eq(lsc_buf_append(&b, "xy", 2), 0);
	cr_assert_str_eq((char *)b.data, "xy");
	lsc_buf_dispose(&b);
}

Test(buf, reset_restores_the_full_bound)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 4);
	cr_assert_eq(lsc_buf_append(&b, "abcd", 4), 0);
	cr_assert_eq(lsc_buf_appendc(&b, 'e'), -EFBIG);
	lsc_buf_reset(&b);
	cr_assert_eq(lsc_buf_append(&b, "wxyz", 4), 0);
	cr_assert_str_eq((char *)b.data, "wxyz");
	lsc_buf_dispose(&b);
}

Test(buf, dispose_twice_is_safe)
{
	struct lsc_buf b;

	lsc_buf_init(&b, 64);
	cr_assert_eq(lsc_buf_append(&b, "abc", 3), 0);
	lsc_buf_dispose(&b);
	lsc_buf_dispose(&b);
	cr_assert_null(b.data);
	cr_assert_eq(b.len, 0);
}

/*
 * Regression: reserve() clamped the capacity to b->max + 1, which wraps to 0 when max is SIZE_MAX
 * (the natural "no bound" value), and the append then wrote past a zero-byte allocation.
 */
Test(buf, max_size_max_is_unbounded_not_zero_capacity)
{
	struct lsc_buf b;

	lsc_buf_init(&b, SIZE_MAX);
	cr_assert_eq(lsc_buf_append(&b, "abc", 3), 0);
	cr_assert(b.cap >= 4, "capacity %zu cannot hold 3 bytes and a NUL", b.cap);
	cr_assert_str_eq((char *)b.data, "abc");
	lsc_buf_dispose(&b);
}
