#include "vec.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_CAP 16u

void lsc_vec_init(struct lsc_vec *v, size_t size, size_t max)
{
	assert(size > 0);
	memset(v, 0, sizeof(*v));
	v->size = size;
	v->max = max;
}

void lsc_vec_dispose(struct lsc_vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = 0;
	v->cap = 0;
}

int lsc_vec_reserve(struct lsc_vec *v, size_t n)
{
	size_t need, cap;
	void *p;

	if (n > v->max || v->n > v->max - n) {
		return -EFBIG;
	}
	need = v->n + n;
	if (need <= v->cap) {
		return 0;
	}
	if (need > SIZE_MAX / v->size) {
		return -EOVERFLOW;
	}
	cap = v->cap ? v->cap : FIRST_CAP;
	while (cap < need) {
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	}
	if (cap > v->max) {
		cap = v->max;
	}
	if (cap > SIZE_MAX / v->size) {
		cap = need; /* need fits, checked above */
	}
	p = realloc(v->v, cap * v->size);
	if (!p) {
		return -ENOMEM;
	}
	v->v = p;
	v->cap = cap;
	return 0;
}

int lsc_vec_push(struct lsc_vec *v, const void *elem, void **out)
{
	unsigned char *slot;
	int rc = lsc_vec_reserve(v, 1);

	if (rc < 0) {
		return rc;
	}
	slot = (unsigned char *)v->v + v->n * v->size;
	if (elem) {
		memcpy(slot, elem, v->size);
	} else {
		memset(slot, 0, v->size);
	}
	v->n++;
	if (out) {
		*out = slot;
	}
	return 0;
}

void *lsc_vec_at(const struct lsc_vec *v, size_t i)
{
	assert(i < v->n);
	return (unsigned char *)v->v + i * v->size;
}

bool lsc_vec_pop(struct lsc_vec *v, void *out)
{
	if (v->n == 0) {
		return false;
	}
	v->n--;
	if (out) {
		memcpy(out, (unsigned char *)v->v + v->n * v->size, v->size);
	}
	return true;
}
