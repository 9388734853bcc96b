/*
 * lib/stream, stream_digest, stream_gzip, stream_zstd: the input streams of the pipeline. Every
 * compressed input is made here, at test time, with zlib and libzstd.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "util/error.h"
#include "lib/compression.h"
#include "lib/stream.h"

#define ABC_SHA256 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
#define EMPTY_SHA256 "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

struct bytes {
	uint8_t *p;
	size_t n;
	size_t cap; /* 0 when p was not grown by bytes_cat */
};

static void bytes_free(struct bytes *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
	b->cap = 0;
}

/* Appends, growing geometrically (reads of one byte must not cost a realloc each). */
static void bytes_cat(struct bytes *b, const void *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->n + n + 1) {
			cap *= 2;
		}
		b->p = realloc(b->p, cap);
		cr_assert_not_null(b->p);
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* Deterministic, somewhat compressible data. */
static struct bytes pattern(size_t n)
{
	struct bytes b = {malloc(n + 1), n, n + 1};
	uint32_t x = 12345;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b.p[i] = (uint8_t)("abcdefgh\n"[(x >> 16) % 9]);
	}
	return b;
}

/* One gzip member (windowBits 31) of the n bytes at p. */
static struct bytes gzip_member(const void *p, size_t n)
{
	z_stream z;
	struct bytes b;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	b.n = deflateBound(&z, n) + 64;
	b.p = malloc(b.n);
	b.cap = b.n;
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = b.p;
	z.avail_out = (uInt)b.n;
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	b.n = z.total_out;
	deflateEnd(&z);
	return b;
}

static struct bytes zstd_frame(const void *p, size_t n, bool checksum)
{
	struct bytes b;
	ZSTD_CCtx *c = ZSTD_createCCtx();
	size_t r;

	b.n = ZSTD_compressBound(n);
	b.p = malloc(b.n);
	b.cap = b.n;
	ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, checksum ? 1 : 0);
	r = ZSTD_compress2(c, b.p, b.n, p, n);
	cr_assert_not(ZSTD_isError(r), "%s", ZSTD_getErrorName(r));
	b.n = r;
	ZSTD_freeCCtx(c);
	return b;
}

/* Reads s to its end in reads of at most chunk bytes; returns the last read's code. */
static ssize_t read_all(struct lsc_istream *s, size_t chunk, struct bytes *out)
{
	uint8_t *buf = malloc(chunk);

	out->p = NULL;
	out->n = 0;
	out->cap = 0;
	bytes_cat(out, "", 0);
	for (;;) {
		ssize_t r = lsc_istream_read(s, buf, chunk);

		if (r <= 0) {
			free(buf);
			return r;
		}
		cr_assert_leq((size_t)r, chunk);
		bytes_cat(out, buf, (size_t)r);
	}
}

/* --- test streams ------------------------------------------------------------------------- */

/*
 * Serves the bytes at p at most `step` bytes a read, then fails with `fail` (0: clean end).
 * Counts its closes in *closed.
 */
struct test_stream {
	struct lsc_istream base;
	const uint8_t *p;
	size_t n, off, step;
	int fail;
	int *closed;
};

static ssize_t ts_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct test_stream *s = (struct test_stream *)base;
	size_t k = s->n - s->off;

	if (k == 0 && s->fail) {
		return lsc_error(s->fail, "test stream: injected failure");
	}
	if (k > n) {
		k = n;
	}
	if (k > s->step) {
		k = s->step;
	}
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static int ts_close(struct lsc_istream *base)
{
	struct test_stream *s = (struct test_stream *)base;
	int rc = base->err;

	(*s->closed)++;
	free(s);
	return rc;
}

static const struct lsc_istream_ops ts_ops = {"test", ts_read, ts_close};

static struct lsc_istream *ts_open(const void *p, size_t n, size_t step, int fail, int *closed)
{
	struct test_stream *s = calloc(1, sizeof(*s));

	s->base.ops = &ts_ops;
	s->p = p;
	s->n = n;
	s->step = step ? step : SIZE_MAX;
	s->fail = fail;
	s->closed = closed;
	return &s->base;
}

/* --- memory and fd streams ---------------------------------------------------------------- */

Test(stream, mem_reads_everything_then_zero)
{
	struct lsc_istream *s;
	char buf[4];

	cr_assert_eq(lsc_istream_mem_open(&s, "abcdef", 6), 0);
	cr_assert_eq(lsc_istream_read(s, buf, 4), 4);
	cr_assert_eq(memcmp(buf, "abcd", 4), 0);
	cr_assert_eq(lsc_istream_read(s, buf, 4), 2);
	cr_assert_eq(memcmp(buf, "ef", 2), 0);
	cr_assert_eq(lsc_istream_read(s, buf, 4), 0);
	cr_assert_eq(lsc_istream_read(s, buf, 4), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
}

Test(stream, mem_empty)
{
	struct lsc_istream *s;
	char buf[4];

	cr_assert_eq(lsc_istream_mem_open(&s, "", 0), 0);
	cr_assert_eq(lsc_istream_read(s, buf, 4), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
}

Test(stream, close_null_is_noop)
{
	cr_assert_eq(lsc_istream_close(NULL), 0);
}

Test(stream, read_full_and_drain)
{
	struct lsc_istream *s;
	int closed = 0;
	char buf[8];

	/* a stream that serves one byte a read: read_full still fills */
	s = ts_open("abcdefghij", 10, 1, 0, &closed);
	cr_assert_eq(lsc_istream_read_full(s, buf, 8), 8);
	cr_assert_eq(memcmp(buf, "abcdefgh", 8), 0);
	cr_assert_eq(lsc_istream_read_full(s, buf, 8), 2, "fewer at the end");
	cr_assert_eq(memcmp(buf, "ij", 2), 0);
	cr_assert_eq(lsc_istream_read_full(s, buf, 8), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
	cr_assert_eq(closed, 1);

	s = ts_open("abcdefghij", 10, 3, 0, &closed);
	cr_assert_eq(lsc_istream_drain(s), 0);
	cr_assert_eq(lsc_istream_read(s, buf, 8), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
	cr_assert_eq(closed, 2);
}

Test(stream, errors_are_sticky_and_returned_by_close)
{
	struct lsc_istream *s;
	int closed = 0;
	char buf[8];

	s = ts_open("abc", 3, 0, -EIO, &closed);
	cr_assert_eq(lsc_istream_read_full(s, buf, 8), -EIO);
	cr_assert_str_eq(lsc_error_last(), "test stream: injected failure");
	cr_assert_eq(s->err, -EIO);
	cr_assert_eq(lsc_istream_read(s, buf, 8), -EIO);
	cr_assert_eq(lsc_istream_drain(s), -EIO);
	cr_assert_eq(lsc_istream_close(s), -EIO);
	cr_assert_eq(closed, 1);
}

Test(stream, fd_stream_reads_file)
{
	char path[] = "/tmp/lsc-stream-XXXXXX";
	int fd = mkstemp(path);
	struct lsc_istream *s;
	struct bytes data = pattern(300000), got;

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, data.p, data.n), (ssize_t)data.n);
	cr_assert_eq(lseek(fd, 0, SEEK_SET), 0);
	unlink(path);
	cr_assert_eq(lsc_istream_fd_open(&s, fd, true, "blob"), 0);
	cr_assert_eq(read_all(s, 4096, &got), 0);
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
	/* own: the fd is closed with the stream */
	cr_assert_eq(fcntl(fd, F_GETFD), -1);
	cr_assert_eq(errno, EBADF);
	bytes_free(&got);
	bytes_free(&data);
}

Test(stream, fd_stream_not_owned_stays_open)
{
	int fds[2];
	struct lsc_istream *s;
	char buf[8];

	cr_assert_eq(pipe(fds), 0);
	cr_assert_eq(write(fds[1], "xyz", 3), 3);
	close(fds[1]);
	cr_assert_eq(lsc_istream_fd_open(&s, fds[0], false, NULL), 0);
	cr_assert_eq(lsc_istream_read_full(s, buf, 8), 3);
	cr_assert_eq(memcmp(buf, "xyz", 3), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
	cr_assert_neq(fcntl(fds[0], F_GETFD), -1, "not owned: still open");
	close(fds[0]);
}

Test(stream, fd_stream_read_error_names_the_stream)
{
	int fd = open("/tmp", O_RDONLY | O_DIRECTORY);
	struct lsc_istream *s;
	char buf[8];

	cr_assert(fd >= 0);
	cr_assert_eq(lsc_istream_fd_open(&s, fd, true, "the-blob"), 0);
	cr_assert_eq(lsc_istream_read(s, buf, sizeof(buf)), -EISDIR);
	cr_assert_not_null(strstr(lsc_error_last(), "the-blob"), "%s", lsc_error_last());
	cr_assert_eq(lsc_istream_close(s), -EISDIR);
}

/* --- prepend ----------------------------------------------------------------------------- */

Test(stream, prepend_replays_then_reads_inner)
{
	struct lsc_istream *s;
	int closed = 0;
	struct bytes got;

	cr_assert_eq(lsc_istream_prepend_open(&s, ts_open("cdef", 4, 1, 0, &closed), "ab", 2), 0);
	cr_assert_eq(read_all(s, 3, &got), 0);
	cr_assert_eq(got.n, 6);
	cr_assert_eq(memcmp(got.p, "abcdef", 6), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
	cr_assert_eq(closed, 1);
	bytes_free(&got);
}

Test(stream, prepend_too_long_closes_inner)
{
	struct lsc_istream *s = (struct lsc_istream *)1;
	int closed = 0;
	char pre[LSC_PREPEND_MAX + 1] = "0123456789abcdef";

	cr_assert_eq(lsc_istream_prepend_open(&s, ts_open("x", 1, 0, 0, &closed), pre, sizeof(pre)),
		     -EINVAL);
	cr_assert_null(s);
	cr_assert_eq(closed, 1, "a wrapper owns its inner stream even when it fails");
}

/* --- digest ------------------------------------------------------------------------------ */

Test(stream, digest_of_bytes_read_and_count)
{
	struct lsc_istream *s;
	char result[LSC_DIGEST_MAX];
	uint64_t bytes = 0;
	int closed = 0;
	struct bytes got;

	memset(result, 'Z', sizeof(result));
	cr_assert_eq(lsc_istream_digest_open(&s, ts_open("abc", 3, 1, 0, &closed), result, &bytes),
		     0);
	cr_assert_eq(result[0], 0, "no digest before the end");
	cr_assert_eq(read_all(s, 2, &got), 0);
	cr_assert_eq(got.n, 3);
	cr_assert_eq(memcmp(got.p, "abc", 3), 0);
	cr_assert_str_eq(result, ABC_SHA256);
	cr_assert_eq(bytes, 3);
	/* reading again at the end changes nothing */
	cr_assert_eq(lsc_istream_read(s, got.p, 1), 0);
	cr_assert_str_eq(result, ABC_SHA256);
	cr_assert_eq(lsc_istream_close(s), 0);
	cr_assert_eq(closed, 1);
	bytes_free(&got);
}

Test(stream, digest_counts_onto_existing_value_and_bytes_optional)
{
	struct lsc_istream *s;
	char result[LSC_DIGEST_MAX];
	uint64_t bytes = 0;

	cr_assert_eq(lsc_istream_mem_open(&s, "", 0), 0);
	cr_assert_eq(lsc_istream_digest_open(&s, s, result, NULL), 0);
	cr_assert_eq(lsc_istream_drain(s), 0);
	cr_assert_str_eq(result, EMPTY_SHA256);
	cr_assert_eq(lsc_istream_close(s), 0);

	cr_assert_eq(lsc_istream_mem_open(&s, "abc", 3), 0);
	cr_assert_eq(lsc_istream_digest_open(&s, s, result, &bytes), 0);
	cr_assert_eq(lsc_istream_drain(s), 0);
	cr_assert_eq(bytes, 3);
	cr_assert_str_eq(result, ABC_SHA256);
	cr_assert_eq(lsc_istream_close(s), 0);
}

Test(stream, digest_incomplete_read_has_no_result)
{
	struct lsc_istream *s;
	char result[LSC_DIGEST_MAX], buf[2];
	uint64_t bytes = 0;

	cr_assert_eq(lsc_istream_mem_open(&s, "abc", 3), 0);
	cr_assert_eq(lsc_istream_digest_open(&s, s, result, &bytes), 0);
	cr_assert_eq(lsc_istream_read(s, buf, 2), 2);
	cr_assert_eq(bytes, 2, "the count follows the bytes as they pass");
	cr_assert_str_eq(result, "");
	cr_assert_eq(lsc_istream_close(s), 0);
}

Test(stream, digest_passes_inner_error_and_close_returns_it)
{
	struct lsc_istream *s;
	char result[LSC_DIGEST_MAX];
	int closed = 0;

	cr_assert_eq(lsc_istream_digest_open(&s, ts_open("ab", 2, 0, -EIO, &closed), result, NULL),
		     0);
	cr_assert_eq(lsc_istream_drain(s), -EIO);
	cr_assert_str_eq(result, "", "a failed stream has no digest");
	cr_assert_eq(lsc_istream_close(s), -EIO);
	cr_assert_eq(closed, 1);
}

/* --- gzip -------------------------------------------------------------------------------- */

static ssize_t gunzip(const struct bytes *in, size_t step, size_t chunk, uint64_t max_out,
		      struct bytes *out, int *close_rc)
{
	struct lsc_istream *s;
	int closed = 0;
	ssize_t r;

	cr_assert_eq(
	    lsc_istream_gzip_open(&s, ts_open(in->p, in->n, step, 0, &closed), "blob.gz", max_out),
	    0);
	r = read_all(s, chunk, out);
	*close_rc = lsc_istream_close(s);
	cr_assert_eq(closed, 1);
	return r;
}

Test(stream, gzip_roundtrip)
{
	struct bytes data = pattern(1 << 20), gz = gzip_member(data.p, data.n), got;
	int crc;

	cr_assert_eq(gunzip(&gz, 0, 65536, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(crc, 0);
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	bytes_free(&got);
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, gzip_empty_payload)
{
	struct bytes gz = gzip_member("", 0), got;
	int crc;

	cr_assert_eq(gunzip(&gz, 0, 100, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 0);
	cr_assert_eq(crc, 0);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_small_input_reads)
{
	/* the decoder sees its input a few bytes at a time */
	struct bytes data = pattern(100000), gz = gzip_member(data.p, data.n), got;
	int crc;

	cr_assert_eq(gunzip(&gz, 7, 4096, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(crc, 0);
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	bytes_free(&got);
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, gzip_one_byte_output_reads)
{
	/* the consumer asks for one byte at a time: nothing may be lost at the end of the member */
	struct bytes data = pattern(20000), gz = gzip_member(data.p, data.n), got;
	int crc;

	cr_assert_eq(gunzip(&gz, 0, 1, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(crc, 0);
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	bytes_free(&got);
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, gzip_one_byte_input_and_output)
{
	struct bytes data = pattern(5000), gz = gzip_member(data.p, data.n), got;
	int crc;

	cr_assert_eq(gunzip(&gz, 1, 1, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(crc, 0);
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	bytes_free(&got);
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, gzip_multi_member_concatenation)
{
	struct bytes a = gzip_member("first member\n", 13), b = gzip_member("", 0);
	struct bytes c = gzip_member("third\n", 6), all = {NULL, 0, 0}, got;
	int crc;

	bytes_cat(&all, a.p, a.n);
	bytes_cat(&all, b.p, b.n);
	bytes_cat(&all, c.p, c.n);
	cr_assert_eq(gunzip(&all, 0, 4096, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(crc, 0);
	cr_assert_eq(got.n, 19);
	cr_assert_eq(memcmp(got.p, "first member\nthird\n", 19), 0);
	bytes_free(&got);
	/* the same, fed a byte at a time */
	cr_assert_eq(gunzip(&all, 1, 3, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 19);
	cr_assert_eq(memcmp(got.p, "first member\nthird\n", 19), 0);
	bytes_free(&got);
	bytes_free(&all);
	bytes_free(&a);
	bytes_free(&b);
	bytes_free(&c);
}

Test(stream, gzip_zero_padding_after_last_member)
{
	struct bytes gz = gzip_member("padded", 6), got;
	uint8_t zeros[1024] = {0};
	int crc;

	bytes_cat(&gz, zeros, sizeof(zeros));
	cr_assert_eq(gunzip(&gz, 0, 4096, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(crc, 0);
	cr_assert_eq(got.n, 6);
	cr_assert_eq(memcmp(got.p, "padded", 6), 0);
	bytes_free(&got);
	/* padding that arrives in small pieces */
	cr_assert_eq(gunzip(&gz, 5, 4096, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 6);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_garbage_after_last_member)
{
	struct bytes gz = gzip_member("payload", 7), got;
	int crc;

	bytes_cat(&gz, "GARBAGE", 7);
	cr_assert_eq(gunzip(&gz, 0, 4096, 0, &got, &crc), -LSC_E_FORMAT);
	cr_assert_not_null(strstr(lsc_error_last(), "blob.gz"), "%s", lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), "garbage"), "%s", lsc_error_last());
	cr_assert_eq(crc, -LSC_E_FORMAT);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_garbage_after_zero_padding)
{
	struct bytes gz = gzip_member("payload", 7), got;
	int crc;

	bytes_cat(&gz, "\0\0\0\0x", 5);
	cr_assert_eq(gunzip(&gz, 0, 4096, 0, &got, &crc), -LSC_E_FORMAT);
	cr_assert_eq(crc, -LSC_E_FORMAT);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_truncated)
{
	struct bytes data = pattern(50000), gz = gzip_member(data.p, data.n), got;
	size_t cuts[] = {gz.n - 1, gz.n - 4, gz.n - 8, gz.n / 2, 10, 3};
	int crc;

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct bytes cut = {gz.p, cuts[i], 0};

		cr_assert_eq(gunzip(&cut, 0, 4096, 0, &got, &crc), -LSC_E_TRUNCATED,
			     "cut at %zu of %zu: %s", cuts[i], gz.n, lsc_error_last());
		cr_assert_not_null(strstr(lsc_error_last(), "blob.gz"));
		cr_assert_eq(crc, -LSC_E_TRUNCATED);
		bytes_free(&got);
	}
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, gzip_corrupt_crc)
{
	struct bytes data = pattern(10000), gz = gzip_member(data.p, data.n), got;
	int crc;

	gz.p[gz.n - 8] ^= 0x55; /* CRC32 of the trailer */
	cr_assert_eq(gunzip(&gz, 0, 4096, 0, &got, &crc), -LSC_E_FORMAT);
	cr_assert_not_null(strstr(lsc_error_last(), "checksum"), "%s", lsc_error_last());
	cr_assert_eq(crc, -LSC_E_FORMAT);
	bytes_free(&got);
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, gzip_corrupt_length)
{
	struct bytes gz = gzip_member("abcdef", 6), got;
	int crc;

	gz.p[gz.n - 4] ^= 0x01; /* ISIZE of the trailer */
	cr_assert_lt(gunzip(&gz, 0, 4096, 0, &got, &crc), 0);
	cr_assert_lt(crc, 0);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_corrupt_deflate_data)
{
	struct bytes gz = gzip_member("abcdefabcdefabcdef", 18), got;
	int crc;

	/* BTYPE 11 (reserved) in the first block header, right after the 10-byte gzip header */
	gz.p[10] |= 0x06;
	cr_assert_eq(gunzip(&gz, 0, 4096, 0, &got, &crc), -LSC_E_FORMAT);
	cr_assert_eq(crc, -LSC_E_FORMAT);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_max_out_bound)
{
	struct bytes data = pattern(100000), gz = gzip_member(data.p, data.n), got;
	int crc;

	cr_assert_eq(gunzip(&gz, 0, 4096, 99999, &got, &crc), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "99999"), "%s", lsc_error_last());
	cr_assert_leq(got.n, 99999, "nothing past the bound reaches the consumer");
	cr_assert_eq(crc, -LSC_E_TOO_LARGE);
	bytes_free(&got);
	/* exactly at the bound is fine */
	cr_assert_eq(gunzip(&gz, 0, 4096, 100000, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 100000);
	cr_assert_eq(crc, 0);
	bytes_free(&got);
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, gzip_bomb_is_stopped)
{
	/* 64 MiB of zeros compress to about 64 KiB */
	size_t n = 64u << 20;
	uint8_t *zeros = calloc(1, n);
	struct bytes gz = gzip_member(zeros, n), got;
	int crc;

	free(zeros);
	cr_assert_lt(gz.n, 1u << 20);
	cr_assert_eq(gunzip(&gz, 0, 1 << 16, 1u << 20, &got, &crc), -LSC_E_TOO_LARGE);
	cr_assert_leq(got.n, 1u << 20);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_inner_error_passes_through)
{
	struct bytes gz = gzip_member("abc", 3);
	struct lsc_istream *s;
	int closed = 0;
	struct bytes got;

	/* the inner stream fails half way through the member */
	cr_assert_eq(lsc_istream_gzip_open(&s, ts_open(gz.p, gz.n / 2, 0, -EIO, &closed), "b", 0),
		     0);
	cr_assert_eq(read_all(s, 100, &got), -EIO);
	cr_assert_eq(lsc_istream_close(s), -EIO);
	cr_assert_eq(closed, 1);
	bytes_free(&got);
	bytes_free(&gz);
}

/* --- zstd -------------------------------------------------------------------------------- */

static ssize_t unzstd(const struct bytes *in, size_t step, size_t chunk, uint64_t max_out,
		      struct bytes *out, int *close_rc)
{
	struct lsc_istream *s;
	int closed = 0;
	ssize_t r;

	cr_assert_eq(
	    lsc_istream_zstd_open(&s, ts_open(in->p, in->n, step, 0, &closed), "blob.zst", max_out),
	    0);
	r = read_all(s, chunk, out);
	*close_rc = lsc_istream_close(s);
	cr_assert_eq(closed, 1);
	return r;
}

Test(stream, zstd_roundtrip)
{
	struct bytes data = pattern(1 << 20), z = zstd_frame(data.p, data.n, false), got;
	int crc;

	cr_assert_eq(unzstd(&z, 0, 65536, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(crc, 0);
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	bytes_free(&got);
	/* small pieces in and out */
	cr_assert_eq(unzstd(&z, 3, 1, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	bytes_free(&got);
	bytes_free(&z);
	bytes_free(&data);
}

Test(stream, zstd_simple_compress_api)
{
	const char *msg = "zstd from ZSTD_compress\n";
	size_t bound = ZSTD_compressBound(strlen(msg));
	struct bytes z = {malloc(bound), 0, bound}, got;
	int crc;

	z.n = ZSTD_compress(z.p, bound, msg, strlen(msg), 1);
	cr_assert_not(ZSTD_isError(z.n));
	cr_assert_eq(unzstd(&z, 0, 100, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, strlen(msg));
	cr_assert_eq(memcmp(got.p, msg, got.n), 0);
	bytes_free(&got);
	bytes_free(&z);
}

Test(stream, zstd_concatenated_frames)
{
	struct bytes a = zstd_frame("one,", 4, true), b = zstd_frame("two", 3, false);
	struct bytes all = {NULL, 0, 0}, got;
	int crc;

	bytes_cat(&all, a.p, a.n);
	bytes_cat(&all, b.p, b.n);
	cr_assert_eq(unzstd(&all, 0, 100, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 7);
	cr_assert_eq(memcmp(got.p, "one,two", 7), 0);
	bytes_free(&got);
	bytes_free(&all);
	bytes_free(&a);
	bytes_free(&b);
}

Test(stream, zstd_truncated)
{
	struct bytes data = pattern(50000), z = zstd_frame(data.p, data.n, true), got;
	size_t cuts[] = {z.n - 1, z.n - 4, z.n / 2, 6, 3};
	int crc;

	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct bytes cut = {z.p, cuts[i], 0};

		cr_assert_eq(unzstd(&cut, 0, 4096, 0, &got, &crc), -LSC_E_TRUNCATED,
			     "cut at %zu of %zu: %s", cuts[i], z.n, lsc_error_last());
		cr_assert_not_null(strstr(lsc_error_last(), "blob.zst"));
		cr_assert_eq(crc, -LSC_E_TRUNCATED);
		bytes_free(&got);
	}
	bytes_free(&z);
	bytes_free(&data);
}

Test(stream, zstd_empty_input_is_truncated)
{
	struct bytes empty = {(uint8_t *)"", 0, 0}, got;
	int crc;

	cr_assert_eq(unzstd(&empty, 0, 100, 0, &got, &crc), -LSC_E_TRUNCATED);
	bytes_free(&got);
}

Test(stream, zstd_corrupt_checksum)
{
	struct bytes data = pattern(10000), z = zstd_frame(data.p, data.n, true), got;
	int crc;

	z.p[z.n - 1] ^= 0xff; /* the frame's content checksum */
	cr_assert_eq(unzstd(&z, 0, 4096, 0, &got, &crc), -LSC_E_FORMAT);
	cr_assert_not_null(strstr(lsc_error_last(), "corrupt zstd"), "%s", lsc_error_last());
	cr_assert_eq(crc, -LSC_E_FORMAT);
	bytes_free(&got);
	bytes_free(&z);
	bytes_free(&data);
}

Test(stream, zstd_corrupt_frame_header)
{
	struct bytes z = zstd_frame("abc", 3, false), got;
	int crc;

	z.p[4] |= 0x08; /* the reserved bit of the frame header descriptor */
	cr_assert_eq(unzstd(&z, 0, 4096, 0, &got, &crc), -LSC_E_FORMAT);
	cr_assert_eq(crc, -LSC_E_FORMAT);
	bytes_free(&got);
	bytes_free(&z);
}

Test(stream, zstd_garbage_after_frame)
{
	struct bytes z = zstd_frame("abc", 3, false), got;
	int crc;

	bytes_cat(&z, "garbage!", 8);
	cr_assert_eq(unzstd(&z, 0, 4096, 0, &got, &crc), -LSC_E_FORMAT);
	cr_assert_eq(crc, -LSC_E_FORMAT);
	bytes_free(&got);
	bytes_free(&z);
}

Test(stream, zstd_max_out_bound)
{
	struct bytes data = pattern(100000), z = zstd_frame(data.p, data.n, false), got;
	int crc;

	cr_assert_eq(unzstd(&z, 0, 4096, 50000, &got, &crc), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "50000"), "%s", lsc_error_last());
	cr_assert_leq(got.n, 50000);
	cr_assert_eq(crc, -LSC_E_TOO_LARGE);
	bytes_free(&got);
	cr_assert_eq(unzstd(&z, 0, 4096, 100000, &got, &crc), 0);
	cr_assert_eq(got.n, 100000);
	bytes_free(&got);
	bytes_free(&z);
	bytes_free(&data);
}

/* --- decompression by magic -------------------------------------------------------------- */

static ssize_t auto_read(const void *p, size_t n, size_t step, enum lsc_compression *kind,
			 struct bytes *out, int *close_rc)
{
	struct lsc_istream *s;
	int closed = 0, rc;
	ssize_t r;

	*kind = (enum lsc_compression)99;
	rc = lsc_istream_decompress_open(&s, ts_open(p, n, step, 0, &closed), "layer", 0, kind);
	cr_assert_eq(rc, 0);
	r = read_all(s, 1000, out);
	*close_rc = lsc_istream_close(s);
	cr_assert_eq(closed, 1);
	return r;
}

Test(stream, decompress_picks_gzip)
{
	struct bytes gz = gzip_member("gzipped tar", 11), got;
	enum lsc_compression kind;
	int crc;

	cr_assert_eq(auto_read(gz.p, gz.n, 0, &kind, &got, &crc), 0);
	cr_assert_eq(kind, LSC_COMP_GZIP);
	cr_assert_eq(got.n, 11);
	cr_assert_eq(memcmp(got.p, "gzipped tar", 11), 0);
	cr_assert_eq(crc, 0);
	bytes_free(&got);
	/* the magic arrives one byte at a time */
	cr_assert_eq(auto_read(gz.p, gz.n, 1, &kind, &got, &crc), 0);
	cr_assert_eq(kind, LSC_COMP_GZIP);
	cr_assert_eq(got.n, 11);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, decompress_picks_zstd)
{
	struct bytes z = zstd_frame("zstd tar", 8, false), got;
	enum lsc_compression kind;
	int crc;

	cr_assert_eq(auto_read(z.p, z.n, 0, &kind, &got, &crc), 0);
	cr_assert_eq(kind, LSC_COMP_ZSTD);
	cr_assert_eq(got.n, 8);
	cr_assert_eq(memcmp(got.p, "zstd tar", 8), 0);
	bytes_free(&got);
	cr_assert_eq(auto_read(z.p, z.n, 1, &kind, &got, &crc), 0);
	cr_assert_eq(kind, LSC_COMP_ZSTD);
	cr_assert_eq(got.n, 8);
	bytes_free(&got);
	bytes_free(&z);
}

Test(stream, decompress_passes_plain_data_through)
{
	struct bytes data = pattern(70000), got;
	enum lsc_compression kind;
	int crc;

	cr_assert_eq(auto_read(data.p, data.n, 0, &kind, &got, &crc), 0);
	cr_assert_eq(kind, LSC_COMP_NONE);
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	cr_assert_eq(crc, 0);
	bytes_free(&got);
	bytes_free(&data);
}

Test(stream, decompress_data_shorter_than_magic)
{
	const char *inputs[] = {"", "x", "\x1f", "\x28\xb5", "\x28\xb5\x2f"};
	size_t lens[] = {0, 1, 1, 2, 3};

	for (size_t i = 0; i < 5; i++) {
		struct bytes got;
		enum lsc_compression kind;
		int crc;

		cr_assert_eq(auto_read(inputs[i], lens[i], 0, &kind, &got, &crc), 0, "input %zu",
			     i);
		cr_assert_eq(kind, LSC_COMP_NONE, "input %zu", i);
		cr_assert_eq(got.n, lens[i], "input %zu", i);
		cr_assert_eq(memcmp(got.p, inputs[i], lens[i]), 0);
		cr_assert_eq(crc, 0);
		bytes_free(&got);
	}
}

Test(stream, decompress_gzip_magic_but_bad_data)
{
	struct lsc_istream *s;
	enum lsc_compression kind;
	int closed = 0;
	struct bytes got;

	cr_assert_eq(
	    lsc_istream_decompress_open(&s, ts_open("\x1f\x8bnot gzip at all", 17, 0, 0, &closed),
					"layer", 0, &kind),
	    0);
	cr_assert_eq(kind, LSC_COMP_GZIP);
	cr_assert_eq(read_all(s, 100, &got), -LSC_E_FORMAT);
	cr_assert_eq(lsc_istream_close(s), -LSC_E_FORMAT);
	cr_assert_eq(closed, 1);
	bytes_free(&got);
}

Test(stream, decompress_kind_may_be_null_and_bound_applies)
{
	struct bytes data = pattern(10000), gz = gzip_member(data.p, data.n), got;
	struct lsc_istream *s;

	cr_assert_eq(lsc_istream_mem_open(&s, gz.p, gz.n), 0);
	cr_assert_eq(lsc_istream_decompress_open(&s, s, "layer", 5000, NULL), 0);
	cr_assert_eq(read_all(s, 1000, &got), -LSC_E_TOO_LARGE);
	cr_assert_eq(lsc_istream_close(s), -LSC_E_TOO_LARGE);
	bytes_free(&got);
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, decompress_open_failure_closes_inner)
{
	struct lsc_istream *s = (struct lsc_istream *)1;
	int closed = 0;

	/* the inner stream fails while the magic is read */
	cr_assert_eq(
	    lsc_istream_decompress_open(&s, ts_open("", 0, 0, -EIO, &closed), "layer", 0, NULL),
	    -EIO);
	cr_assert_null(s);
	cr_assert_eq(closed, 1);
}

Test(stream, close_of_chain_returns_first_error)
{
	struct bytes data = pattern(5000), gz = gzip_member(data.p, data.n), got;
	struct lsc_istream *s;
	char d1[LSC_DIGEST_MAX], d2[LSC_DIGEST_MAX];
	int closed = 0;

	/* blob -> digest -> gunzip -> digest: the blob fails part way */
	cr_assert_eq(
	    lsc_istream_digest_open(&s, ts_open(gz.p, gz.n / 2, 0, -ENOSPC, &closed), d1, NULL), 0);
	cr_assert_eq(lsc_istream_decompress_open(&s, s, "layer", 0, NULL), 0);
	cr_assert_eq(lsc_istream_digest_open(&s, s, d2, NULL), 0);
	cr_assert_eq(read_all(s, 1000, &got), -ENOSPC);
	cr_assert_eq(lsc_istream_close(s), -ENOSPC);
	cr_assert_eq(closed, 1);
	cr_assert_str_eq(d1, "");
	cr_assert_str_eq(d2, "");
	bytes_free(&got);

	/* the same chain over good data verifies both digests */
	cr_assert_eq(lsc_istream_digest_open(&s, ts_open(gz.p, gz.n, 0, 0, &closed), d1, NULL), 0);
	cr_assert_eq(lsc_istream_decompress_open(&s, s, "layer", 0, NULL), 0);
	cr_assert_eq(lsc_istream_digest_open(&s, s, d2, NULL), 0);
	cr_assert_eq(lsc_istream_drain(s), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
	cr_assert_eq(closed, 2);
	{
		char want1[LSC_DIGEST_MAX], want2[LSC_DIGEST_MAX];

		lsc_digest_buf(want1, gz.p, gz.n);
		lsc_digest_buf(want2, data.p, data.n);
		cr_assert_str_eq(d1, want1);
		cr_assert_str_eq(d2, want2);
	}
	bytes_free(&gz);
	bytes_free(&data);
}

Test(stream, close_of_chain_returns_decoder_error)
{
	struct bytes gz = gzip_member("abc", 3), got;
	struct lsc_istream *s;
	char d[LSC_DIGEST_MAX];
	int closed = 0;

	bytes_cat(&gz, "junk", 4);
	cr_assert_eq(
	    lsc_istream_decompress_open(&s, ts_open(gz.p, gz.n, 0, 0, &closed), "l", 0, NULL), 0);
	cr_assert_eq(lsc_istream_digest_open(&s, s, d, NULL), 0);
	cr_assert_eq(read_all(s, 1000, &got), -LSC_E_FORMAT);
	cr_assert_eq(lsc_istream_close(s), -LSC_E_FORMAT);
	cr_assert_eq(closed, 1);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, compression_names)
{
	cr_assert_str_eq(lsc_compression_name(LSC_COMP_NONE), "none");
	cr_assert_str_eq(lsc_compression_name(LSC_COMP_GZIP), "gzip");
	cr_assert_str_eq(lsc_compression_name(LSC_COMP_ZSTD), "zstd");
}

Test(stream, gzip_member_with_name_and_extra_fields)
{
	z_stream z;
	gz_header h;
	uint8_t out[512], extra[] = {'L', 'S', 2, 0, 'o', 'k'};
	struct bytes gz, got;
	int crc;

	memset(&z, 0, sizeof(z));
	memset(&h, 0, sizeof(h));
	h.name = (Bytef *)"layer.tar";
	h.comment = (Bytef *)"made by a test";
	h.extra = extra;
	h.extra_len = sizeof(extra);
	h.hcrc = 1;
	cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	cr_assert_eq(deflateSetHeader(&z, &h), Z_OK);
	z.next_in = (Bytef *)"named member";
	z.avail_in = 12;
	z.next_out = out;
	z.avail_out = sizeof(out);
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	gz.p = malloc(z.total_out);
	gz.n = z.total_out;
	gz.cap = gz.n;
	memcpy(gz.p, out, gz.n);
	deflateEnd(&z);
	cr_assert_eq(gunzip(&gz, 0, 100, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 12);
	cr_assert_eq(memcmp(got.p, "named member", 12), 0);
	bytes_free(&got);
	bytes_free(&gz);
}

/* --- read-ahead thread --------------------------------------------------------------------- */

Test(stream, thread_passes_every_byte_in_order)
{
	size_t sizes[] = {0, 1, 63, 64, 65, 1000, 100000};
	size_t steps[] = {1, 7, 64, 0};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		for (size_t k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
			struct bytes src = pattern(sizes[i]), got;
			struct lsc_istream *s;
			int closed = 0;

			cr_assert_eq(lsc_istream_thread_open(
					 &s, ts_open(src.p, src.n, steps[k], 0, &closed), 64, 3),
				     0);
			cr_assert_eq(read_all(s, 50, &got), 0);
			cr_assert_eq(got.n, src.n, "size %zu step %zu", sizes[i], steps[k]);
			cr_assert_eq(memcmp(got.p, src.p, src.n), 0);
			cr_assert_eq(lsc_istream_read(s, got.p, 1), 0, "stays at its end");
			cr_assert_eq(lsc_istream_close(s), 0);
			cr_assert_eq(closed, 1);
			bytes_free(&src);
			bytes_free(&got);
		}
	}
}

Test(stream, thread_carries_the_inner_error_and_its_message)
{
	struct bytes src = pattern(1000), got;
	struct lsc_istream *s;
	int closed = 0;

	cr_assert_eq(
	    lsc_istream_thread_open(&s, ts_open(src.p, src.n, 10, LSC_E_FORMAT, &closed), 64, 2),
	    0);
	cr_assert_eq(read_all(s, 100, &got), -LSC_E_FORMAT);
	cr_assert_eq(got.n, 1000, "every byte before the failure arrives");
	cr_assert(strstr(lsc_error_last(), "injected failure"), "%s", lsc_error_last());
	cr_assert_eq(lsc_istream_close(s), -LSC_E_FORMAT);
	cr_assert_eq(closed, 1);
	bytes_free(&src);
	bytes_free(&got);
}

Test(stream, thread_closed_early_stops_its_reader)
{
	struct bytes src = pattern(1 << 20);
	struct lsc_istream *s;
	uint8_t buf[10];
	int closed = 0;

	/* the ring (2 x 64 bytes) fills at once and the thread waits: close must not hang */
	cr_assert_eq(lsc_istream_thread_open(&s, ts_open(src.p, src.n, 0, 0, &closed), 64, 2), 0);
	cr_assert_eq(lsc_istream_read(s, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	cr_assert_eq(memcmp(buf, src.p, sizeof(buf)), 0);
	cr_assert_eq(lsc_istream_close(s), 0);
	cr_assert_eq(closed, 1);
	bytes_free(&src);
}

Test(stream, thread_bad_arguments_close_inner)
{
	struct lsc_istream *s;
	int closed = 0;

	cr_assert_eq(lsc_istream_thread_open(&s, ts_open("x", 1, 0, 0, &closed), 64, 1), -EINVAL);
	cr_assert_null(s);
	cr_assert_eq(closed, 1);
}

/* --- issue 12: every byte a decoder reads counts -------------------------------------------- */

/* A zstd skippable frame (magic 0x184D2A50 + k) of n payload bytes. */
static void skippable_frame(struct bytes *b, unsigned k, size_t n)
{
	uint8_t hdr[8] = {(uint8_t)(0x50 + k),
			  0x2a,
			  0x4d,
			  0x18,
			  (uint8_t)n,
			  (uint8_t)(n >> 8),
			  (uint8_t)(n >> 16),
			  (uint8_t)(n >> 24)};
	uint8_t zero[4096] = {0};

	bytes_cat(b, hdr, sizeof(hdr));
	while (n > 0) {
		size_t k2 = n < sizeof(zero) ? n : sizeof(zero);

		bytes_cat(b, zero, k2);
		n -= k2;
	}
}

Test(stream, gzip_padding_within_bound_is_fine)
{
	struct bytes gz = gzip_member("padded", 6), got;
	uint8_t *zeros = calloc(1, LSC_GZIP_MAX_PADDING);
	int crc;

	bytes_cat(&gz, zeros, LSC_GZIP_MAX_PADDING);
	cr_assert_eq(gunzip(&gz, 0, 4096, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 6);
	bytes_free(&got);
	free(zeros);
	bytes_free(&gz);
}

Test(stream, gzip_padding_beyond_bound_is_rejected_naming_the_stream)
{
	struct bytes gz = gzip_member("padded", 6), got;
	uint8_t *zeros = calloc(1, LSC_GZIP_MAX_PADDING + 1);
	int crc;

	bytes_cat(&gz, zeros, LSC_GZIP_MAX_PADDING + 1);
	cr_assert_eq(gunzip(&gz, 0, 4096, 0, &got, &crc), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "blob.gz: more than 65536 bytes of padding"),
			   "%s", lsc_error_last());
	cr_assert_eq(crc, -LSC_E_TOO_LARGE);
	bytes_free(&got);
	/* in small pieces too */
	cr_assert_eq(gunzip(&gz, 7, 4096, 0, &got, &crc), -LSC_E_TOO_LARGE);
	bytes_free(&got);
	free(zeros);
	bytes_free(&gz);
}

/* Serves one gzip member, then zeros for ever: the end must come from the padding bound. */
static ssize_t endless_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct test_stream *s = (struct test_stream *)base;
	size_t k = s->n - s->off;

	if (k == 0) {
		memset(buf, 0, n);
		return (ssize_t)n;
	}
	if (k > n) {
		k = n;
	}
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static const struct lsc_istream_ops endless_ops = {"endless", endless_read, ts_close};

Test(stream, gzip_endless_zeros_end_at_the_padding_bound)
{
	struct bytes gz = gzip_member("a layer", 7), got;
	struct lsc_istream *s;
	int closed = 0;
	struct lsc_istream *in = ts_open(gz.p, gz.n, 0, 0, &closed);

	in->ops = &endless_ops;
	cr_assert_eq(lsc_istream_gzip_open(&s, in, "layer sha256:x", 1 << 20), 0);
	cr_assert_eq(read_all(s, 4096, &got), -LSC_E_TOO_LARGE);
	cr_assert_eq(got.n, 7);
	cr_assert_not_null(strstr(lsc_error_last(), "padding after the gzip stream"), "%s",
			   lsc_error_last());
	cr_assert_eq(lsc_istream_close(s), -LSC_E_TOO_LARGE);
	cr_assert_eq(closed, 1);
	bytes_free(&got);
	bytes_free(&gz);
}

Test(stream, gzip_many_members_still_fine)
{
	struct bytes data = pattern(1 << 20), all = {NULL, 0, 0}, got;
	int crc;

	/* bgzip-style: 64 KiB members, then an empty end member */
	for (size_t off = 0; off < data.n; off += 65536) {
		struct bytes m = gzip_member(data.p + off, 65536);

		bytes_cat(&all, m.p, m.n);
		bytes_free(&m);
	}
	{
		struct bytes e = gzip_member("", 0);

		bytes_cat(&all, e.p, e.n);
		bytes_free(&e);
	}
	cr_assert_eq(gunzip(&all, 0, 65536, data.n, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, data.n);
	cr_assert_eq(memcmp(got.p, data.p, data.n), 0);
	bytes_free(&got);
	bytes_free(&all);
	bytes_free(&data);
}

Test(stream, gzip_empty_members_count_against_the_compressed_bound)
{
	struct bytes e = gzip_member("", 0), all = {NULL, 0, 0}, got;
	size_t n = LSC_COMP_SLACK / e.n + 2;
	int crc;

	for (size_t i = 0; i < n; i++) {
		bytes_cat(&all, e.p, e.n);
	}
	cr_assert_eq(gunzip(&all, 0, 4096, 0, &got, &crc), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "blob.gz"), "%s", lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), "compressed bytes for 0 bytes of output"), "%s",
			   lsc_error_last());
	bytes_free(&got);
	bytes_free(&all);
	bytes_free(&e);
}

Test(stream, zstd_skippable_frame_first_is_detected_and_skipped)
{
	struct bytes all = {NULL, 0, 0}, f = zstd_frame("after a skippable frame", 23, true), got;
	enum lsc_compression kind;
	int crc;

	/* pzstd writes a 12-byte skippable frame (4 payload bytes) before each frame */
	for (unsigned k = 0; k < 16; k += 15) {
		all.n = 0;
		skippable_frame(&all, k, 4);
		bytes_cat(&all, f.p, f.n);
		cr_assert_eq(lsc_compression_sniff(all.p, all.n), LSC_COMP_ZSTD);
		cr_assert_eq(auto_read(all.p, all.n, 0, &kind, &got, &crc), 0, "%s",
			     lsc_error_last());
		cr_assert_eq(kind, LSC_COMP_ZSTD);
		cr_assert_eq(got.n, 23);
		cr_assert_eq(memcmp(got.p, "after a skippable frame", 23), 0);
		bytes_free(&got);
	}
	/* skippable frames between and after real frames too, fed in small pieces */
	all.n = 0;
	skippable_frame(&all, 0, 4);
	bytes_cat(&all, f.p, f.n);
	skippable_frame(&all, 3, 1000);
	bytes_cat(&all, f.p, f.n);
	skippable_frame(&all, 7, 0);
	cr_assert_eq(unzstd(&all, 5, 7, 0, &got, &crc), 0, "%s", lsc_error_last());
	cr_assert_eq(got.n, 46);
	bytes_free(&got);
	bytes_free(&all);
	bytes_free(&f);
}

Test(stream, zstd_sniff_rejects_near_misses)
{
	static const uint8_t not_skippable[] = {0x60, 0x2a, 0x4d, 0x18};
	static const uint8_t short_magic[] = {0x50, 0x2a, 0x4d};

	cr_assert_eq(lsc_compression_sniff(not_skippable, 4), LSC_COMP_NONE);
	cr_assert_eq(lsc_compression_sniff(short_magic, 3), LSC_COMP_NONE);
	cr_assert_eq(lsc_compression_sniff("\x1f\x8b", 2), LSC_COMP_GZIP);
	cr_assert_eq(lsc_compression_sniff("\x28\xb5\x2f\xfd", 4), LSC_COMP_ZSTD);
}

Test(stream, zstd_huge_skippable_frame_counts_against_the_compressed_bound)
{
	struct bytes all = {NULL, 0, 0}, f = zstd_frame("x", 1, false), got;
	int crc;

	skippable_frame(&all, 0, LSC_COMP_SLACK + 4096);
	bytes_cat(&all, f.p, f.n);
	cr_assert_eq(unzstd(&all, 0, 4096, 0, &got, &crc), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "blob.zst"), "%s", lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), "compressed bytes for 0 bytes of output"), "%s",
			   lsc_error_last());
	bytes_free(&got);
	bytes_free(&all);
	bytes_free(&f);
}

Test(stream, drain_is_bounded)
{
	uint8_t *zeros = calloc(1, LSC_DRAIN_MAX + 1);
	struct lsc_istream *s;
	int closed = 0;

	s = ts_open(zeros, LSC_DRAIN_MAX, 0, 0, &closed);
	cr_assert_eq(lsc_istream_drain(s), 0, "padding up to the bound is read");
	cr_assert_eq(lsc_istream_close(s), 0);
	s = ts_open(zeros, LSC_DRAIN_MAX + 1, 4096, 0, &closed);
	cr_assert_eq(lsc_istream_drain(s), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "after the end of the tar stream"), "%s",
			   lsc_error_last());
	cr_assert_eq(lsc_istream_close(s), -LSC_E_TOO_LARGE, "close returns the drain's error");
	cr_assert_eq(closed, 2);
	free(zeros);
}
