#include "layer.h"
#include "util/error.h"
#include "finding.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRESS_STEP (4u << 20)
#define READ_AHEAD_BUF (256u << 10) /* the read-ahead ring between inflate and the tar walk */
#define READ_AHEAD_BUFS 4

static size_t ndetectors(void)
{
	size_t n = 0;

	while (lsc_detectors[n]) {
		n++;
	}
	return n;
}

static int add_captures(struct lsc_layer *l)
{
	size_t cap = 0;

	for (size_t d = 0; lsc_detectors[d]; d++) {
		for (const char *const *c = lsc_detectors[d]->capture; c && *c; c++) {
			cap++;
		}
	}
	if (cap == 0) {
		return 0;
	}
	l->captures = calloc(cap, sizeof(*l->captures));
	if (!l->captures) {
		return -ENOMEM;
	}
	for (size_t d = 0; lsc_detectors[d]; d++) {
		for (const char *const *c = lsc_detectors[d]->capture; c && *c; c++) {
			if (lsc_layer_capture(l, *c)) {
				continue; /* two detectors may read the same file */
			}
			l->captures[l->ncaptures].path = *c;
			lsc_buf_init(&l->captures[l->ncaptures].data, LSC_MAX_CAPTURE);
			l->ncaptures++;
		}
	}
	return 0;
}

int lsc_layer_new(struct lsc_layer **out, const char *name, const struct lsc_layer_limits *lim,
		  void *const *shared)
{
	struct lsc_layer *l = calloc(1, sizeof(*l));
	int rc;

	*out = NULL;
	if (l) {
		l->name = strdup(name);
	}
	if (!l || !l->name) {
		free(l);
		return -ENOMEM;
	}
	lsc_overlay_layer_init(&l->ov, lim && lim->max_entries ? lim->max_entries : SIZE_MAX);
	l->max_found =
	    lim && lim->max_findings ? (size_t)lim->max_findings : LSC_LAYER_MAX_FINDINGS;
	l->max_text = LSC_LAYER_MAX_FINDING_TEXT;
	if (lim && lim->scan_found && lim->scan_text) {
		l->scan_found = lim->scan_found;
		l->scan_text = lim->scan_text;
		l->max_scan_found = lim->max_scan_found;
		l->max_scan_text = lim->max_scan_text;
	}
	lsc_strmap_init(&l->fpaths, SIZE_MAX); /* bounded by compact_paths */
	lsc_strmap_init(&l->folds, SIZE_MAX);  /* bounded by emit.c's refold */
	rc = add_captures(l);
	for (size_t d = 0; rc == 0 && lsc_detectors[d]; d++) {
		if (lsc_detectors[d]->layer_new) {
			rc = lsc_detectors[d]->layer_new(&l->dstate[d], shared ? shared[d] : NULL);
		}
	}
	if (rc < 0) {
		lsc_layer_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void lsc_layer_free(struct lsc_layer *l)
{
	if (!l) {
		return;
	}
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (lsc_detectors[d]->layer_free && l->dstate[d]) {
			lsc_detectors[d]->layer_free(l->dstate[d]);
		}
	}
	for (size_t i = 0; i < l->nfound; i++) {
		free(l->found[i].f.match);
		free(l->found[i].f.detail);
	}
	free(l->found);
	if (l->scan_found) {
		__atomic_sub_fetch(l->scan_found, l->nlive, __ATOMIC_RELAXED);
		__atomic_sub_fetch(l->scan_text, l->text, __ATOMIC_RELAXED);
	}
	lsc_strmap_dispose(&l->fpaths);
	lsc_strmap_dispose(&l->folds);
	for (size_t i = 0; i < l->ncaptures; i++) {
		lsc_buf_dispose(&l->captures[i].data);
	}
	free(l->captures);
	lsc_overlay_layer_dispose(&l->ov);
	free(l->name);
	free(l);
}

/* --- the walk ------------------------------------------------------------------------------- */

struct walk {
	struct lsc_layer *l;
	size_t nd;
	struct lsc_buf prefix;
	uint64_t *blob_bytes;
	uint64_t reported;
	lsc_layer_progress_cb progress;
	void *payload;
};

static int on_entry(const struct lsc_tar_entry *e, struct lsc_tar_data *data, void *payload)
{
	struct walk *w = payload;
	struct lsc_layer *l = w->l;
	struct lsc_want want[LSC_MAX_DETECTORS];
	struct lsc_capture *cap = NULL;
	size_t max_prefix = 0;
	bool any_stream = false, whiteout;
	int rc;

	rc = lsc_overlay_layer_add(&l->ov, e, &whiteout);
	if (rc < 0) {
		return lsc_error_wrap(rc, "layer %s: ", l->name);
	}
	if (w->progress &&
	    __atomic_load_n(w->blob_bytes, __ATOMIC_RELAXED) - w->reported >= PROGRESS_STEP) {
		w->reported = __atomic_load_n(w->blob_bytes, __ATOMIC_RELAXED);
		w->progress(l, w->reported, false, w->payload);
	}
	if (whiteout) {
		return 0;
	}
	if (e->type == LSC_TAR_REG) {
		l->files++;
		for (size_t i = 0; i < l->ncaptures; i++) {
			if (strcmp(l->captures[i].path, e->path) == 0) {
				cap = &l->captures[i];
				lsc_buf_reset(&cap->data);
				cap->present = true;
				cap->truncated = false;
				cap->seq = e->index;
			}
		}
	}
	for (size_t d = 0; d < w->nd; d++) {
		memset(&want[d], 0, sizeof(want[d]));
		if (!lsc_detectors[d]->entry_begin) {
			continue;
		}
		rc = lsc_detectors[d]->entry_begin(&want[d], l->dstate[d], l, e);
		if (rc < 0) {
			return rc;
		}
		if (e->type != LSC_TAR_REG) {
			want[d].prefix = 0;
			want[d].stream = false;
		}
		if (want[d].prefix > LSC_MAX_PREFIX) {
			want[d].prefix = LSC_MAX_PREFIX;
		}
		if (want[d].prefix > max_prefix) {
			max_prefix = want[d].prefix;
		}
		any_stream |= want[d].stream;
	}
	lsc_buf_reset(&w->prefix);
	if (max_prefix || any_stream || cap) {
		for (;;) {
			const void *buf;
			ssize_t n = lsc_tar_data_read(data, &buf);

			if (n < 0) {
				return (int)n;
			}
			if (n == 0) {
				break;
			}
			if (w->prefix.len < max_prefix) {
				size_t k = max_prefix - w->prefix.len;

				rc = lsc_buf_append(&w->prefix, buf, (size_t)n < k ? (size_t)n : k);
				if (rc < 0) {
					return rc;
				}
			}
			if (cap && !cap->truncated) {
				if (lsc_buf_append(&cap->data, buf, (size_t)n) == -EFBIG) {
					cap->truncated = true;
				}
			}
			for (size_t d = 0; any_stream && d < w->nd; d++) {
				if (want[d].stream && lsc_detectors[d]->entry_data) {
					rc = lsc_detectors[d]->entry_data(l->dstate[d], l, buf,
									  (size_t)n);
					if (rc < 0) {
						return rc;
					}
				}
			}
		}
	}
	for (size_t d = 0; d < w->nd; d++) {
		/* a detector that saw the entry begin sees it end (want is set only by begin) */
		if (lsc_detectors[d]->entry_begin && lsc_detectors[d]->entry_end) {
			size_t n = w->prefix.len < want[d].prefix ? w->prefix.len : want[d].prefix;
			bool whole = e->type == LSC_TAR_REG && (int64_t)n == e->size;

			rc = lsc_detectors[d]->entry_end(l->dstate[d], l, e, w->prefix.data, n,
							 whole);
			if (rc < 0) {
				return rc;
			}
		}
	}
	return 0;
}

int lsc_layer_scan(struct lsc_layer *l, struct lsc_istream *blob,
		   const struct lsc_layer_limits *lim, lsc_layer_progress_cb progress,
		   void *payload)
{
	struct lsc_istream *s = NULL;
	struct lsc_tar_limits tl = {lim ? lim->max_entries : 0};
	struct walk w = {.l = l, .nd = ndetectors(), .progress = progress, .payload = payload};
	int rc, crc;

	lsc_error_clear();
	lsc_buf_init(&w.prefix, LSC_MAX_PREFIX);
	w.blob_bytes = &l->size;
	rc = lsc_istream_digest_open(&s, blob, l->digest, &l->size);
	if (rc == 0) {
		rc = lsc_istream_decompress_open(&s, s, l->name, lim ? lim->max_uncompressed : 0,
						 &l->compression);
	}
	if (rc == 0) {
		/* blob read, digest and inflate on one core; diff_id, tar walk, detectors on
		 * another */
		rc = lsc_istream_thread_open(&s, s, READ_AHEAD_BUF, READ_AHEAD_BUFS);
	}
	if (rc == 0) {
		rc = lsc_istream_digest_open(&s, s, l->diff_id, &l->bytes_uncompressed);
	}
	if (rc == 0) {
		rc = lsc_tar_walk(s, l->name, &tl, on_entry, &w);
	}
	for (size_t d = 0; rc == 0 && d < w.nd; d++) {
		if (lsc_detectors[d]->layer_end) {
			rc = lsc_detectors[d]->layer_end(l->dstate[d], l);
		}
	}
	if (rc == 0) {
		rc = lsc_istream_drain(s);
	}
	crc = lsc_istream_close(s);
	if (rc == 0) {
		rc = crc;
	}
	lsc_buf_dispose(&w.prefix);
	/*
	 * The detectors' per-layer states serve the walk only (their findings and captures are the
	 * layer's): freed now, so a layer held until a manifest names it, or until the image
	 * stage, costs what it found, not the detectors' buffers (about 580 KiB allocated each).
	 */
	for (size_t d = 0; lsc_detectors[d]; d++) {
		if (lsc_detectors[d]->layer_free && l->dstate[d]) {
			lsc_detectors[d]->layer_free(l->dstate[d]);
		}
		l->dstate[d] = NULL;
	}
	if (rc < 0) {
		const char *msg = lsc_error_last();

		l->err = rc;
		if (!msg[0]) {
			snprintf(l->errmsg, sizeof(l->errmsg), "layer %s: %s", l->name,
				 lsc_strerror(rc));
		} else if (strstr(msg, l->name)) {
			snprintf(l->errmsg, sizeof(l->errmsg), "%s", msg);
		} else {
			snprintf(l->errmsg, sizeof(l->errmsg), "layer %s: %s", l->name, msg);
		}
		lsc_error_set_msg(l->errmsg);
	} else if (progress) {
		progress(l, l->size, true, payload);
	}
	return rc;
}
