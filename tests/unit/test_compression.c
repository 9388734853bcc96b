/*
 * The decompressor table: every row's magic picks its own kind, names come from the table, and
 * the choice is made by the table alone (stream.c names no decoder).
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/compression.h"
#include "util/error.h"

Test(compression, every_row_sniffs_as_its_kind)
{
	size_t n, i;
	const struct lsc_compression_format *t = lsc_compression_table(&n);

	cr_assert_eq(n, 3);
	for (i = 0; i < n; i++) {
		cr_assert(t[i].magic_len >= 2 && t[i].magic_len <= sizeof(t[i].magic), "row %zu",
			  i);
		cr_assert_not_null(t[i].open, "row %zu", i);
		cr_assert_eq(lsc_compression_sniff(t[i].magic, t[i].magic_len), t[i].kind,
			     "row %zu", i);
		/* one byte short of the magic is not that format */
		cr_assert_eq(lsc_compression_sniff(t[i].magic, t[i].magic_len - 1), LSC_COMP_NONE,
			     "row %zu", i);
		cr_assert_str_eq(lsc_compression_name(t[i].kind), t[i].name, "row %zu", i);
	}
}

Test(compression, masked_magic_covers_every_skippable_frame)
{
	uint8_t b[4] = {0x50, 0x2a, 0x4d, 0x18};
	unsigned lo;

	for (lo = 0; lo < 16; lo++) {
		b[0] = (uint8_t)(0x50 | lo);
		cr_assert_eq(lsc_compression_sniff(b, 4), LSC_COMP_ZSTD, "0x%02x", b[0]);
	}
	b[0] = 0x60;
	cr_assert_eq(lsc_compression_sniff(b, 4), LSC_COMP_NONE);
	b[0] = 0x4f;
	cr_assert_eq(lsc_compression_sniff(b, 4), LSC_COMP_NONE);
}

Test(compression, unknown_kind_is_none)
{
	cr_assert_str_eq(lsc_compression_name(LSC_COMP_NONE), "none");
	cr_assert_str_eq(lsc_compression_name((enum lsc_compression)99), "none");
	cr_assert_eq(lsc_compression_sniff("", 0), LSC_COMP_NONE);
	cr_assert_eq(lsc_compression_sniff("ustar", 5), LSC_COMP_NONE);
}

Test(compression, plain_bytes_are_bounded_by_max_out)
{
	struct lsc_istream *s;
	enum lsc_compression kind = LSC_COMP_GZIP;
	char buf[64];
	ssize_t r;

	cr_assert_eq(lsc_istream_mem_open(&s, "0123456789", 10), 0);
	cr_assert_eq(lsc_istream_decompress_open(&s, s, "plain", 4, &kind), 0);
	cr_assert_eq(kind, LSC_COMP_NONE);
	r = lsc_istream_read_full(s, buf, sizeof(buf));
	cr_assert_eq(r, -LSC_E_TOO_LARGE);
	cr_assert_eq(lsc_istream_close(s), -LSC_E_TOO_LARGE);
}
