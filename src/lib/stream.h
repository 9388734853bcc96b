/*
 * Input streams (apk's istream): a read interface that every source and every stage of the layer
 * pipeline speaks, so that blob bytes from a file, from standard input, from an archive entry or
 * from the network go through the same chain:
 *
 *   source -> digest -> decompress (by magic bytes) -> digest (diff_id) -> tar walk
 *
 * Ownership: a wrapper takes ownership of the stream it wraps, even when opening the wrapper
 * fails; lsc_istream_close() on the outermost stream closes the whole chain and returns the first
 * error any stage saw.
 */
#ifndef LSC_LIB_STREAM_H
#define LSC_LIB_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "digest.h"

struct lsc_istream;

struct lsc_istream_ops {
	const char *name;
	/* Up to n bytes into buf: the count, 0 at the end, or a negative code (detail set). */
	ssize_t (*read)(struct lsc_istream *s, void *buf, size_t n);
	/* Releases s and whatever it wraps; returns the first error of the chain. */
	int (*close)(struct lsc_istream *s);
};

struct lsc_istream {
	const struct lsc_istream_ops *ops;
	int err; /* the first error this stream returned, sticky */
};

/* A read that returns the stream's sticky error once it has failed. */
ssize_t lsc_istream_read(struct lsc_istream *s, void *buf, size_t n);

/* Reads exactly n bytes: n, fewer at the end of the stream, or a negative code. */
ssize_t lsc_istream_read_full(struct lsc_istream *s, void *buf, size_t n);

/*
 * What a drain reads at most: it reads what follows the data a reader wanted (the zeros after a
 * tar's end-of-archive marker, which tar writes up to a 10 KiB record and GNU tar -b2048 up to
 * 1 MiB), and padding is bounded like everything else an input controls.
 */
#define LSC_DRAIN_MAX (1u << 20)

/* Reads to the end, discarding. 0, -LSC_E_TOO_LARGE past LSC_DRAIN_MAX bytes, or another code. */
int lsc_istream_drain(struct lsc_istream *s);

/* Closes s (NULL is a no-op) and returns the first error of the chain. */
int lsc_istream_close(struct lsc_istream *s);

/*
 * A file descriptor. name (copied) appears in error messages. When own is set, close() closes fd.
 */
int lsc_istream_fd_open(struct lsc_istream **out, int fd, bool own, const char *name);

/* n bytes at p, borrowed: p must outlive the stream. */
int lsc_istream_mem_open(struct lsc_istream **out, const void *p, size_t n);

/*
 * SHA-256 of every byte read through it. At the end of the stream the digest is written to
 * result (borrowed, must outlive the stream) and *bytes (may be NULL) holds the byte count,
 * updated as bytes pass.
 */
int lsc_istream_digest_open(struct lsc_istream **out, struct lsc_istream *inner,
			    char result[LSC_DIGEST_MAX], uint64_t *bytes);

/* The compressions a blob may have; compression.h chooses among their decoders. */
enum lsc_compression { LSC_COMP_NONE = 0, LSC_COMP_GZIP, LSC_COMP_ZSTD };

/*
 * Every byte a decoder reads counts: compressed input (headers, padding, skippable frames, empty
 * members) may exceed the output by at most LSC_COMP_SLACK bytes plus 1/64 of the output (deflate
 * stored blocks and bgzip members cost far less), so a stream that produces nothing cannot go on
 * for ever. Zero padding after the last gzip member is held to LSC_GZIP_MAX_PADDING bytes (tar
 * pads to 10 KiB records; a few KiB pad to a block).
 */
#define LSC_COMP_SLACK (1u << 20)
#define LSC_GZIP_MAX_PADDING (64u << 10)

/* The compressed bytes a decoder may consume for out bytes of output. */
static inline uint64_t lsc_compression_max_in(uint64_t out)
{
	return out + out / 64 + LSC_COMP_SLACK;
}

/*
 * Fails with -LSC_E_TOO_LARGE, naming name (copied), once more than max bytes came through inner.
 */
int lsc_istream_limit_open(struct lsc_istream **out, struct lsc_istream *inner, const char *name,
			   uint64_t max);

/*
 * Reads inner ahead on a thread of its own, into nbufs buffers of bufsize bytes (nbufs >= 2), so
 * the stages below and above run in parallel. Errors of the inner chain, with their messages,
 * come out of read() and close() as usual; close() stops the thread first.
 */
int lsc_istream_thread_open(struct lsc_istream **out, struct lsc_istream *inner, size_t bufsize,
			    unsigned nbufs);

/*
 * The decoders themselves (stream_gzip.c, stream_zstd.c), for the decompressor table
 * (compression.h) and for callers that know the format.
 */
int lsc_istream_gzip_open(struct lsc_istream **out, struct lsc_istream *inner, const char *name,
			  uint64_t max_out);
int lsc_istream_zstd_open(struct lsc_istream **out, struct lsc_istream *inner, const char *name,
			  uint64_t max_out);

#define LSC_PREPEND_MAX 512 /* one tar block: what a sniffer reads ahead */

/* Replays the n bytes at p (copied, n <= LSC_PREPEND_MAX) before the bytes of inner. */
int lsc_istream_prepend_open(struct lsc_istream **out, struct lsc_istream *inner, const void *p,
			     size_t n);

#endif
