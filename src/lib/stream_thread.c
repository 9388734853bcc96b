/*
 * A read-ahead stage: a thread of its own reads the inner stream into a ring of buffers while the
 * reader consumes them, so the stages below (blob read, digest, inflate) and the stages above
 * (diff_id digest, tar walk, detectors) of one layer run on two cores. Memory is the ring:
 * nbufs * bufsize bytes. An error of the inner chain reaches the reader with its message (the
 * detail is thread-local, so the thread copies it across).
 */
#include "util/error.h"
#include "stream.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint8_t *data;
	size_t len;
};

struct thread_stream {
	struct lsc_istream base;
	struct lsc_istream *inner;
	pthread_t thread;
	bool started;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct slot *slots;
	unsigned nbufs;
	size_t bufsize;
	unsigned head, count; /* filled slots: head .. head + count - 1 (mod nbufs) */
	size_t off;	      /* consumed bytes of the head slot */
	bool eof, cancel;
	int err;
	char errmsg[LSC_ERRMSG_MAX];
};

static void *producer(void *arg)
{
	struct thread_stream *t = arg;

	for (;;) {
		struct slot *s;
		size_t got = 0;
		ssize_t n = 0;

		pthread_mutex_lock(&t->lock);
		while (t->count == t->nbufs && !t->cancel) {
			pthread_cond_wait(&t->cond, &t->lock);
		}
		if (t->cancel) {
			pthread_mutex_unlock(&t->lock);
			return NULL;
		}
		s = &t->slots[(t->head + t->count) % t->nbufs];
		pthread_mutex_unlock(&t->lock);

		/* the only thread that reads inner; the slot is ours until published */
		while (got < t->bufsize) {
			n = lsc_istream_read(t->inner, s->data + got, t->bufsize - got);
			if (n <= 0) {
				break;
			}
			got += (size_t)n;
		}

		pthread_mutex_lock(&t->lock);
		if (got > 0) {
			/* bytes before an error or the end still reach the reader, first */
			s->len = got;
			t->count++;
		}
		if (n < 0) {
			t->err = (int)n;
			snprintf(t->errmsg, sizeof(t->errmsg), "%s", lsc_error_last());
		} else if (n == 0) {
			t->eof = true;
		}
		pthread_cond_broadcast(&t->cond);
		if (t->err || t->eof) {
			pthread_mutex_unlock(&t->lock);
			return NULL;
		}
		pthread_mutex_unlock(&t->lock);
	}
}

static ssize_t thread_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct thread_stream *t = (struct thread_stream *)base;
	struct slot *s;
	size_t k;

	pthread_mutex_lock(&t->lock);
	while (t->count == 0 && !t->eof && !t->err) {
		pthread_cond_wait(&t->cond, &t->lock);
	}
	if (t->count == 0) {
		int err = t->err;

		pthread_mutex_unlock(&t->lock);
		if (err) {
			return lsc_error(-err, "%s", t->errmsg[0] ? t->errmsg : lsc_strerror(err));
		}
		return 0;
	}
	s = &t->slots[t->head];
	pthread_mutex_unlock(&t->lock);

	k = s->len - t->off < n ? s->len - t->off : n;
	memcpy(buf, s->data + t->off, k);
	t->off += k;
	if (t->off == s->len) {
		pthread_mutex_lock(&t->lock);
		t->off = 0;
		t->head = (t->head + 1) % t->nbufs;
		t->count--;
		pthread_cond_broadcast(&t->cond);
		pthread_mutex_unlock(&t->lock);
	}
	return (ssize_t)k;
}

static int thread_close(struct lsc_istream *base)
{
	struct thread_stream *t = (struct thread_stream *)base;
	int rc;

	if (t->started) {
		pthread_mutex_lock(&t->lock);
		t->cancel = true;
		pthread_cond_broadcast(&t->cond);
		pthread_mutex_unlock(&t->lock);
		pthread_join(t->thread, NULL);
	}
	rc = lsc_istream_close(t->inner);
	if (!rc) {
		rc = t->err ? t->err : base->err;
	}
	for (unsigned i = 0; i < t->nbufs; i++) {
		free(t->slots[i].data);
	}
	free(t->slots);
	pthread_mutex_destroy(&t->lock);
	pthread_cond_destroy(&t->cond);
	free(t);
	return rc;
}

static const struct lsc_istream_ops thread_ops = {"read-ahead", thread_read, thread_close};

int lsc_istream_thread_open(struct lsc_istream **out, struct lsc_istream *inner, size_t bufsize,
			    unsigned nbufs)
{
	struct thread_stream *t = calloc(1, sizeof(*t));

	*out = NULL;
	if (t && nbufs >= 2 && bufsize != 0) {
		t->slots = calloc(nbufs, sizeof(*t->slots));
	}
	if (!t || nbufs < 2 || bufsize == 0 || !t->slots) {
		free(t);
		lsc_istream_close(inner);
		return nbufs < 2 || bufsize == 0 ? -EINVAL : -ENOMEM;
	}
	t->base.ops = &thread_ops;
	t->inner = inner;
	t->nbufs = nbufs;
	t->bufsize = bufsize;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
	for (unsigned i = 0; i < nbufs; i++) {
		t->slots[i].data = malloc(bufsize);
		if (!t->slots[i].data) {
			thread_close(&t->base);
			return -ENOMEM;
		}
	}
	if (pthread_create(&t->thread, NULL, producer, t) != 0) {
		thread_close(&t->base);
		return -ENOMEM;
	}
	t->started = true;
	*out = &t->base;
	return 0;
}
