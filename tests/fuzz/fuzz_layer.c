/*
 * One layer blob through the whole pipeline (lsc_layer_new, lsc_layer_scan): digest, decompression
 * chosen by magic bytes (gzip, zstd or none), diff_id, tar walk, overlay record, every detector's
 * entry callbacks and the captures. The limits are small so that a decompression bomb ends in
 * -LSC_E_TOO_LARGE within the fuzzer's timeout instead of in a timeout.
 */
#include "fuzz_util.h"

#include "util/error.h"
#include "lib/layer.h"

#include <stdlib.h>

static const struct lsc_layer_limits lim = {.max_entries = 10000, .max_uncompressed = 64u << 20};

static void progress(const struct lsc_layer *l, uint64_t bytes, bool done, void *payload)
{
	(void)l;
	(void)done;
	*(uint64_t *)payload = bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_layer *l;
	struct lsc_istream *in;
	uint64_t seen = 0;
	int rc;

	if (lsc_layer_new(&l, "fuzz", &lim, NULL) < 0) {
		abort();
	}
	if (lsc_istream_mem_open(&in, data, size) < 0) {
		abort();
	}
	rc = lsc_layer_scan(l, in, &lim, progress, &seen);
	if (rc < 0) {
		if (l->err != rc) {
			abort(); /* the header's promise: l->err says why */
		}
		fuzz_touch(l->errmsg);
	} else {
		if (l->size != size || seen != size) {
			abort(); /* the pipeline reads the blob to its end */
		}
		fuzz_touch(l->digest);
		fuzz_touch(l->diff_id);
	}
	for (size_t i = 0; i < l->nfound; i++) {
		fuzz_touch(l->found[i].f.path);
		fuzz_touch(l->found[i].f.match);
		fuzz_touch(l->found[i].f.detail);
	}
	for (size_t i = 0; i < l->ncaptures; i++) {
		const struct lsc_capture *c = lsc_layer_capture(l, l->captures[i].path);

		if (c && c->present) {
			fuzz_touch_mem(c->data.data, c->data.len);
		}
	}
	lsc_layer_free(l);
	return 0;
}
