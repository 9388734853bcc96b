/*
 * The decompressor table. Rows point down at the decoders; nothing below points back up.
 */
#include "compression.h"

#include <string.h>

static const struct lsc_compression_format table[] = {
    {LSC_COMP_GZIP, "gzip", {0x1f, 0x8b}, {0xff, 0xff}, 2, lsc_istream_gzip_open},
    {LSC_COMP_ZSTD,
     "zstd",
     {0x28, 0xb5, 0x2f, 0xfd},
     {0xff, 0xff, 0xff, 0xff},
     4,
     lsc_istream_zstd_open},
    /* a skippable frame (magic 0x184D2A50..5F, little endian); the decoder skips it, bounded */
    {LSC_COMP_ZSTD,
     "zstd",
     {0x50, 0x2a, 0x4d, 0x18},
     {0xf0, 0xff, 0xff, 0xff},
     4,
     lsc_istream_zstd_open},
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

const struct lsc_compression_format *lsc_compression_table(size_t *n)
{
	*n = TABLE_LEN;
	return table;
}

static bool matches(const struct lsc_compression_format *f, const uint8_t *b, size_t n)
{
	size_t i;

	if (n < f->magic_len) {
		return false;
	}
	for (i = 0; i < f->magic_len; i++) {
		if ((b[i] & f->mask[i]) != f->magic[i]) {
			return false;
		}
	}
	return true;
}

static const struct lsc_compression_format *find(const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < TABLE_LEN; i++) {
		if (matches(&table[i], p, n)) {
			return &table[i];
		}
	}
	return NULL;
}

const char *lsc_compression_name(enum lsc_compression c)
{
	size_t i;

	for (i = 0; i < TABLE_LEN; i++) {
		if (table[i].kind == c) {
			return table[i].name;
		}
	}
	return "none";
}

enum lsc_compression lsc_compression_sniff(const void *p, size_t n)
{
	const struct lsc_compression_format *f = find(p, n);

	return f ? f->kind : LSC_COMP_NONE;
}

int lsc_istream_decompress_open(struct lsc_istream **out, struct lsc_istream *inner,
				const char *name, uint64_t max_out, enum lsc_compression *kind)
{
	const struct lsc_compression_format *f;
	uint8_t magic[4];
	ssize_t n;
	struct lsc_istream *pre;
	int rc;

	*out = NULL;
	n = lsc_istream_read_full(inner, magic, sizeof(magic));
	if (n < 0) {
		lsc_istream_close(inner);
		return (int)n;
	}
	rc = lsc_istream_prepend_open(&pre, inner, magic, (size_t)n);
	if (rc < 0) {
		return rc;
	}
	f = find(magic, (size_t)n);
	if (kind) {
		*kind = f ? f->kind : LSC_COMP_NONE;
	}
	if (f) {
		return f->open(out, pre, name, max_out);
	}
	if (max_out) {
		/* an uncompressed stream is bounded like a decompressed one */
		return lsc_istream_limit_open(out, pre, name, max_out);
	}
	*out = pre;
	return 0;
}
