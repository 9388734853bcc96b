#include "layer.h"
#include "error.h"
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
	if (!l || !(l->name = strdup(name))) {
		free(l);
		return -ENOMEM;
	}
	lsc_overlay_layer_init(&l->ov, lim && lim->max_entries ? lim->max_entries : SIZE_MAX);
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
		free(l->found[i].f.path);
		free(l->found[i].f.match);
		free(l->found[i].f.detail);
	}
	free(l->found);
	for (size_t i = 0; i < l->ncaptures; i++) {
		lsc_buf_dispose(&l->captures[i].data);
	}
	free(l->captures);
	lsc_overlay_layer_dispose(&l->ov);
	free(l->name);
	free(l);
}

const struct lsc_capture *lsc_layer_capture(const struct lsc_layer *l, const char *path)
{
	for (size_t i = 0; i < l->ncaptures; i++) {
		if (strcmp(l->captures[i].path, path) == 0) {
			return &l->captures[i];
		}
	}
	return NULL;
}

int lsc_layer_emit(struct lsc_layer *l, const struct lsc_tar_entry *e, const struct lsc_rule *rule,
		   enum lsc_severity sev, long line, const char *match, const char *fmt, ...)
{
	struct lsc_found *f;
	va_list ap;

	if (l->nfound == l->capfound) {
		size_t cap = l->capfound ? l->capfound * 2 : 16;

		/* a layer that trips a million findings is an attack on the report, not a layer */
		if (cap > (1u << 20)) {
			return lsc_error(LSC_E_TOO_LARGE, "%s: more than %u findings in one layer",
					 l->name, 1u << 20);
		}
		f = realloc(l->found, cap * sizeof(*f));
		if (!f) {
			return -ENOMEM;
		}
		l->found = f;
		l->capfound = cap;
	}
	f = &l->found[l->nfound];
	memset(f, 0, sizeof(*f));
	f->f.rule = rule;
	f->f.severity = sev;
	f->f.source = LSC_LOC_FILE;
	f->f.layer_index = -1;
	f->f.line = line;
	f->f.path = strdup(e->path);
	f->f.match = lsc_strdup(match);
	if (fmt) {
		va_start(ap, fmt);
		if (vasprintf(&f->f.detail, fmt, ap) < 0) {
			f->f.detail = NULL;
		}
		va_end(ap);
	}
	f->seq = e->index;
	f->dir = e->type == LSC_TAR_DIR;
	if (!f->f.path || (match && !f->f.match)) {
		free(f->f.path);
		free(f->f.match);
		free(f->f.detail);
		return -ENOMEM;
	}
	l->nfound++;
	return 0;
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

			rc = lsc_detectors[d]->entry_end(l->dstate[d], l, e, w->prefix.data, n, whole);
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
		/* blob read, digest and inflate on one core; diff_id, tar walk, detectors on another */
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
