/*
 * The tar walker (lsc_tar_walk) over the input as an uncompressed tar. Entries are consumed in the
 * three ways the library's callers do: every block through lsc_tar_data_read (the layer walk),
 * through an entry stream opened on the first block (the archive source), and not at all (the
 * walker must skip what a callback leaves unread).
 */
#include "fuzz_util.h"

#include "util/error.h"
#include "lib/tar.h"

#include <stdlib.h>

struct walk {
	uint64_t entries;
};

static int read_blocks(struct lsc_tar_data *d)
{
	for (;;) {
		const void *buf;
		ssize_t n = lsc_tar_data_read(d, &buf);

		if (n <= 0) {
			return (int)n;
		}
		fuzz_touch_mem(buf, (size_t)n);
	}
}

static int read_stream(struct lsc_tar_data *d)
{
	struct lsc_istream *s;
	const void *first = NULL;
	uint8_t buf[4096];
	bool failed = false;
	ssize_t n = lsc_tar_data_read(d, &first);
	int rc;

	if (n < 0) {
		return (int)n;
	}
	rc = lsc_tar_data_stream_open(&s, d, first, (size_t)n, &failed);
	if (rc < 0) {
		return rc;
	}
	do {
		n = lsc_istream_read(s, buf, sizeof(buf));
		if (n > 0) {
			fuzz_touch_mem(buf, (size_t)n);
		}
	} while (n > 0);
	rc = lsc_istream_close(s);
	if (n < 0 && !failed) {
		abort(); /* only the archive under the entry can fail an entry stream */
	}
	return n < 0 ? (int)n : rc;
}

static int on_entry(const struct lsc_tar_entry *e, struct lsc_tar_data *d, void *payload)
{
	struct walk *w = payload;

	if (e->index != w->entries || e->path[0] != '/' || e->nxattrs > LSC_TAR_MAX_XATTRS) {
		abort(); /* the walker's own promises */
	}
	w->entries++;
	fuzz_touch(e->path);
	fuzz_touch(e->raw_path);
	fuzz_touch(e->link);
	for (size_t i = 0; i < e->nxattrs; i++) {
		fuzz_touch(e->xattrs[i].name);
		fuzz_touch_mem(e->xattrs[i].value, e->xattrs[i].size);
	}
	switch (e->index % 3) {
	case 0:
		return read_blocks(d);
	case 1:
		return read_stream(d);
	default:
		return 0; /* left unread: the walker skips it */
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_tar_limits lim = {10000};
	struct lsc_istream *in;
	struct walk w = {0};
	int rc;

	lsc_error_clear();
	if (lsc_istream_mem_open(&in, data, size) < 0) {
		abort();
	}
	rc = lsc_tar_walk(in, "fuzz", &lim, on_entry, &w);
	if (rc == 0) {
		rc = lsc_istream_drain(in);
	}
	fuzz_touch(lsc_error_last());
	(void)lsc_istream_close(in);
	return 0;
}
