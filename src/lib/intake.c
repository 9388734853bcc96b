#include "intake.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lsc_intake_init(struct lsc_intake *in)
{
	memset(in, 0, sizeof(*in));
	in->jobs = 1;
	pthread_mutex_init(&in->lock, NULL);
	atomic_init(&in->cancel, false);
}

void lsc_intake_dispose(struct lsc_intake *in)
{
	free(in->transport);
	free(in->reference);
	free(in->manifest_digest);
	free(in->config_digest);
	lsc_config_dispose(&in->config);
	if (in->annotations) {
		json_decref(in->annotations);
	}
	if (in->index_annotations) {
		json_decref(in->index_annotations);
	}
	for (size_t i = 0; i < in->nlayers; i++) {
		free(in->layers[i].media_type);
	}
	free(in->layers);
	for (size_t i = 0; i < in->nowned; i++) {
		lsc_layer_free(in->owned[i]);
	}
	free(in->owned);
	pthread_mutex_destroy(&in->lock);
	memset(in, 0, sizeof(*in));
}

int lsc_intake_set_str(char **field, const char *value)
{
	char *v = lsc_strdup(value);

	if (value && !v) {
		return -ENOMEM;
	}
	free(*field);
	*field = v;
	return 0;
}

void lsc_intake_log(struct lsc_intake *in, enum lsc_log_level level, const char *fmt, ...)
{
	char msg[LSC_ERRMSG_MAX];
	va_list ap;

	if (!in->log) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	in->log(level, msg, in->payload);
}

static void on_progress(const struct lsc_layer *l, uint64_t bytes, bool done, void *payload)
{
	struct lsc_intake *in = payload;
	struct lsc_progress p = {-1, l->name, bytes, 0, done, 0};

	pthread_mutex_lock(&in->lock);
	/* where the manifest is known first (OCI layouts, registries): the layer's place and size
	 */
	p.layers_total = in->nlayers;
	for (size_t i = 0; i < in->nlayers; i++) {
		if (in->layers[i].expect_digest[0] &&
		    lsc_str_ends(l->name, in->layers[i].expect_digest)) {
			p.layer_index = (int)i;
			p.bytes_total =
			    in->layers[i].expect_size > 0 ? (uint64_t)in->layers[i].expect_size : 0;
			break;
		}
	}
	in->progress(&p, in->payload);
	pthread_mutex_unlock(&in->lock);
}

int lsc_intake_blob(struct lsc_layer **out, struct lsc_intake *in, struct lsc_istream *blob,
		    const char *name)
{
	struct lsc_layer *l;
	int rc;

	*out = NULL;
	rc = lsc_layer_new(&l, name, in->limits, in->dshared);
	if (rc < 0) {
		lsc_istream_close(blob);
		return rc;
	}
	pthread_mutex_lock(&in->lock);
	if (in->nowned == in->capowned) {
		size_t cap = in->capowned ? in->capowned * 2 : 16;
		struct lsc_layer **o = realloc(in->owned, cap * sizeof(*o));

		if (!o) {
			pthread_mutex_unlock(&in->lock);
			lsc_layer_free(l);
			lsc_istream_close(blob);
			return -ENOMEM;
		}
		in->owned = o;
		in->capowned = cap;
	}
	in->owned[in->nowned++] = l;
	pthread_mutex_unlock(&in->lock);
	*out = l;
	return lsc_layer_scan(l, blob, in->limits, in->progress ? on_progress : NULL, in);
}

void lsc_intake_blob_drop(struct lsc_intake *in, struct lsc_layer *l)
{
	pthread_mutex_lock(&in->lock);
	for (size_t i = in->nowned; i-- > 0;) {
		if (in->owned[i] == l) {
			in->owned[i] = in->owned[--in->nowned];
			lsc_layer_free(l);
			break;
		}
	}
	pthread_mutex_unlock(&in->lock);
}

struct pool {
	struct lsc_intake *in;
	size_t n;
	int (*job)(struct lsc_intake *in, size_t i, void *payload);
	void *payload;
	atomic_size_t next;
	int *rcs;
	char (*msgs)[LSC_ERRMSG_MAX];
};

static void *worker(void *arg)
{
	struct pool *p = arg;

	for (;;) {
		size_t i = atomic_fetch_add(&p->next, 1);

		if (i >= p->n) {
			break;
		}
		if (atomic_load(&p->in->cancel)) {
			p->rcs[i] = -LSC_E_CANCELLED;
			continue;
		}
		lsc_error_clear();
		p->rcs[i] = p->job(p->in, i, p->payload);
		if (p->rcs[i] < 0) {
			snprintf(p->msgs[i], LSC_ERRMSG_MAX, "%s", lsc_error_last());
			atomic_store(&p->in->cancel, true);
		}
	}
	return NULL;
}

int lsc_intake_parallel(struct lsc_intake *in, size_t n,
			int (*job)(struct lsc_intake *in, size_t i, void *payload), void *payload)
{
	struct pool p = {.in = in, .n = n, .job = job, .payload = payload};
	pthread_t threads[64];
	size_t nt = in->jobs < n ? in->jobs : n, started = 0;
	int rc = 0;

	if (n == 0) {
		return 0;
	}
	atomic_init(&p.next, 0);
	p.rcs = calloc(n, sizeof(*p.rcs));
	p.msgs = calloc(n, sizeof(*p.msgs));
	if (!p.rcs || !p.msgs) {
		free(p.rcs);
		free(p.msgs);
		return -ENOMEM;
	}
	/* the calling thread works too: -j1 runs everything here, with no thread at all */
	while (started + 1 < nt && pthread_create(&threads[started], NULL, worker, &p) == 0) {
		started++;
	}
	worker(&p);
	for (size_t t = 0; t < started; t++) {
		pthread_join(threads[t], NULL);
	}
	for (size_t i = 0; i < n; i++) {
		if (p.rcs[i] < 0 && p.rcs[i] != -LSC_E_CANCELLED) {
			rc = p.rcs[i];
			lsc_error_set_msg(p.msgs[i]);
			break;
		}
	}
	free(p.rcs);
	free(p.msgs);
	return rc;
}

int lsc_intake_set_layers(struct lsc_intake *in, size_t n)
{
	in->layers = calloc(n ? n : 1, sizeof(*in->layers));
	if (!in->layers) {
		return -ENOMEM;
	}
	in->nlayers = n;
	for (size_t i = 0; i < n; i++) {
		in->layers[i].expect_size = -1;
	}
	return 0;
}

int lsc_intake_set_config(struct lsc_intake *in, const void *p, size_t n, const char *name,
			  const char *digest)
{
	char dg[LSC_DIGEST_MAX];
	int rc;

	rc = lsc_digest_buf(dg, p, n);
	if (rc < 0) {
		return rc;
	}
	if (digest && strcmp(dg, digest) != 0) {
		return lsc_error(LSC_E_DIGEST_MISMATCH,
				 "config %s: digest mismatch: expected %s, got %s", name, digest,
				 dg);
	}
	rc = lsc_config_parse(&in->config, p, n, name);
	if (rc < 0) {
		return rc;
	}
	in->have_config = true;
	return lsc_intake_set_str(&in->config_digest, dg);
}
