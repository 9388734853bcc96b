/*
 * A growable array of equal-sized elements with a hard maximum on their number, the array
 * counterpart of lsc_buf: every array whose length an image controls grows through one of
 * these, so none can grow memory without bound, and every size computation is checked for
 * overflow in one place.
 *
 * Ownership: the vec owns the storage v and nothing else. Elements are copied in byte by byte;
 * what an element points to stays the caller's, to release before lsc_vec_dispose(). A pointer
 * into v (lsc_vec_at(), or v itself) is valid until the next call that may grow the array
 * (lsc_vec_push(), lsc_vec_reserve()) or lsc_vec_dispose().
 */
#ifndef LSC_UTIL_VEC_H
#define LSC_UTIL_VEC_H

#include <stdbool.h>
#include <stddef.h>

struct lsc_vec {
	void *v;     /* the elements, owned; NULL until the first growth */
	size_t n;    /* elements in use */
	size_t cap;  /* elements allocated */
	size_t size; /* bytes per element, > 0 */
	size_t max;  /* the hard maximum on n, set by the caller */
};

/* Caller-owned storage: empty, elements of size bytes, at most max of them. No allocation. */
void lsc_vec_init(struct lsc_vec *v, size_t size, size_t max);
/* Frees the storage; the vec is empty again (size and max kept), ready for reuse. */
void lsc_vec_dispose(struct lsc_vec *v);

/*
 * Room for n more elements without another allocation. 0; -EFBIG when n + count would pass max
 * (the vec unchanged); -EOVERFLOW when the byte size would not fit a size_t; -ENOMEM. Growth
 * doubles (from 16 elements), clamped to max.
 */
int lsc_vec_reserve(struct lsc_vec *v, size_t n);
/*
 * Appends one element copied from elem (size bytes), or zero-filled when elem is NULL. When out
 * is not NULL, *out is the new element (borrowed, see above). Errors as lsc_vec_reserve(), the
 * vec unchanged.
 */
int lsc_vec_push(struct lsc_vec *v, const void *elem, void **out);
/* Element i, which must be below n (asserted). Borrowed, see above. */
void *lsc_vec_at(const struct lsc_vec *v, size_t i);
/* Removes the last element, copied to out unless out is NULL; false when the vec is empty. */
bool lsc_vec_pop(struct lsc_vec *v, void *out);

#endif
