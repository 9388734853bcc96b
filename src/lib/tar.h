/*
 * The tar walker: libarchive (tar formats only: ustar, pax, GNU) over an lsc_istream. Each entry
 * comes to a callback with its metadata and a reader for its data; whatever the callback leaves
 * unread is skipped before the next header, so no consumer can desynchronise the walk (apk).
 * The walker neither closes nor drains the input stream: the caller drains it, so that its
 * digests cover the bytes after the end-of-archive marker as well.
 */
#ifndef LSC_LIB_TAR_H
#define LSC_LIB_TAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "stream.h"

#define LSC_PATH_MAX 4096
/*
 * Entry names and link targets read per layer, in all. libarchive converts the name of every
 * regular file to wide characters (its trailing-slash test), about 17 ns a byte in glibc: this
 * bound keeps a layer of long names (200k x 4000 bytes) to a few seconds, and is far above what
 * real layers hold (a million files of 150-byte paths is 150 MB).
 */
#define LSC_TAR_MAX_NAME_BYTES (256ull << 20)

enum lsc_tar_type {
	LSC_TAR_REG = 0,
	LSC_TAR_DIR,
	LSC_TAR_SYMLINK,
	LSC_TAR_HARDLINK,
	LSC_TAR_CHR,
	LSC_TAR_BLK,
	LSC_TAR_FIFO,
	LSC_TAR_OTHER
};

/*
 * xattrs kept per entry: the first LSC_TAR_MAX_XATTRS - LSC_TAR_CAP_SLOTS of them, and every
 * security.capability record (up to two different values) wherever it comes in the header.
 */
#define LSC_TAR_MAX_XATTRS 16
#define LSC_TAR_CAP_SLOTS 2
#define LSC_TAR_XATTR_CAPABILITY "security.capability"

struct lsc_tar_xattr {
	const char *name;
	const void *value;
	size_t size;
};

/* One entry; every pointer is borrowed for the duration of the callback. */
struct lsc_tar_entry {
	const char *path;     /* cleaned, absolute ("/etc/passwd") */
	const char *raw_path; /* as written in the archive */
	enum lsc_tar_type type;
	const char *link; /* symlink target as written, or the cleaned hardlink target */
	int64_t size;	  /* data bytes that follow the header */
	uint32_t mode;	  /* permission bits, with setuid/setgid/sticky */
	int64_t uid, gid;
	struct lsc_tar_xattr xattrs[LSC_TAR_MAX_XATTRS];
	size_t nxattrs;
	uint64_t index; /* 0-based position in the archive */
};

struct lsc_tar_limits {
	uint64_t max_entries; /* 0: no bound */
};

struct lsc_tar_data;

/*
 * The callback returns 0 to go on, or a negative code to stop the walk (returned by
 * lsc_tar_walk). It may read data through lsc_tar_data_read() before it returns.
 */
typedef int (*lsc_tar_entry_cb)(const struct lsc_tar_entry *e, struct lsc_tar_data *data,
				void *payload);

/*
 * Walks the tar in `in` (borrowed). name names the archive in error messages. Returns 0 at the
 * end-of-archive marker or at a clean end of input; -LSC_E_FORMAT, -LSC_E_TRUNCATED,
 * -LSC_E_TOO_LARGE, the input stream's error, or the callback's.
 */
int lsc_tar_walk(struct lsc_istream *in, const char *name, const struct lsc_tar_limits *lim,
		 lsc_tar_entry_cb cb, void *payload);

/*
 * Whether the n bytes at blk start a tar stream, by content alone: a first header whose checksum
 * (offset 148) is right, with the ustar magic at offset 257 or a v7 header's non-empty name; or
 * an all-zero block (an empty archive). A name ("{...", "x.json") never decides.
 */
bool lsc_tar_header_is(const void *blk, size_t n);

/*
 * The next block of the current entry's data, without copying: its size, 0 at the end of the
 * entry, or a negative code. *buf is valid until the next call.
 */
ssize_t lsc_tar_data_read(struct lsc_tar_data *d, const void **buf);

/*
 * The rest of an entry's data as a stream, starting with the n bytes at first (borrowed: a block
 * just returned by lsc_tar_data_read). d stays owned by the walk; the stream must be closed
 * before the callback returns. *failed is set when the archive around the entry failed (as
 * opposed to a consumer of the stream), so a caller can tell the two apart.
 */
int lsc_tar_data_stream_open(struct lsc_istream **out, struct lsc_tar_data *d, const void *first,
			     size_t n, bool *failed);

#endif
