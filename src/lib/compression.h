/*
 * The decompressor table (apk-tools' adb_comp.c, curl's content-decoder table): which decoder a
 * blob needs, chosen by its first bytes, and the wrapper that opens it. It sits above the stream
 * base and the decoders (stream_gzip.c, stream_zstd.c), which know nothing of it: stream.c names
 * no decoder, and a new format is a row here and a file beside stream_gzip.c.
 */
#ifndef LSC_LIB_COMPRESSION_H
#define LSC_LIB_COMPRESSION_H

#include <stddef.h>
#include <stdint.h>

#include "stream.h"

/* One row of the table. Every member is static. */
struct lsc_compression_format {
	enum lsc_compression kind;
	const char *name; /* "gzip", "zstd": the name in reports and media types */
	uint8_t magic[4]; /* the first bytes, compared under mask */
	uint8_t mask[4];  /* 0xff for a byte that must equal magic, fewer bits for a range */
	size_t magic_len; /* bytes of magic a stream needs to match */
	/* The decoder over inner (ownership as every wrapper: taken even on failure). */
	int (*open)(struct lsc_istream **out, struct lsc_istream *inner, const char *name,
		    uint64_t max_out);
};

/* The table (*n rows), in the order sniffing tries them; borrowed, static. */
const struct lsc_compression_format *lsc_compression_table(size_t *n);

/* "gzip", "zstd", or "none" for LSC_COMP_NONE and anything the table does not hold. Static. */
const char *lsc_compression_name(enum lsc_compression c);

/*
 * The compression of a stream from its first n bytes: the first row of the table whose magic
 * matches (gzip 1f 8b; zstd a frame, 28 b5 2f fd, or a skippable frame, 50..5f 2a 4d 18, as
 * pzstd writes first), else LSC_COMP_NONE.
 */
enum lsc_compression lsc_compression_sniff(const void *p, size_t n);

/*
 * Chooses a decompressor by the first bytes of inner (lsc_compression_sniff(); anything else
 * passes through) and wraps inner in it. *kind (may be NULL) says which. name (copied) names the
 * blob in error messages. max_out bounds the decompressed bytes (a decompression bomb is
 * -LSC_E_TOO_LARGE), an uncompressed stream's bytes alike; 0 for no bound. Takes ownership of
 * inner, even when it fails.
 */
int lsc_istream_decompress_open(struct lsc_istream **out, struct lsc_istream *inner,
				const char *name, uint64_t max_out, enum lsc_compression *kind);

#endif
