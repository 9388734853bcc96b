/*
 * The one error type: an int, 0 or negative (a negated errno or -LSC_E_*), plus a one-line detail
 * for the last failure of the calling thread (libgit2's git_error_last model). A thread-local
 * detail instead of a context argument keeps streams and parsers free of plumbing; a layer job
 * copies its thread's detail into its result before it hands the result to another thread.
 */
#ifndef LSC_UTIL_ERROR_H
#define LSC_UTIL_ERROR_H

#include "layerscan/layerscan.h"

#define LSC_ERRMSG_MAX 512

/*
 * Every detail is stored made safe to print (lsc_str_safe: control characters, bidi overrides
 * and invalid UTF-8 escaped), so a name from the image can be quoted as it is.
 *
 * Sets this thread's detail to the formatted message and returns code (negative; a positive
 * LSC_E_* is negated). Usage: return lsc_error(LSC_E_FORMAT, "layer %s: ...", name);
 */
int lsc_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Prefixes this thread's detail with a context ("layer sha256:...: ") and returns code unchanged,
 * so a lower-level code is never replaced by a generic one. When no detail is set, the code's
 * generic message follows the prefix.
 */
int lsc_error_wrap(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* This thread's detail, "" when none; borrowed until the next lsc_error* call on this thread. */
const char *lsc_error_last(void);
void lsc_error_clear(void);

/* Replaces this thread's detail with msg (to carry a detail across threads), made safe. */
void lsc_error_set_msg(const char *msg);

#endif
