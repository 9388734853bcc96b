#include "error.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last[LSC_ERRMSG_MAX];

/*
 * Details quote names from the image (entries, tags, references): each is made safe here, once,
 * whatever the call site, so no control character, bidi override or invalid UTF-8 reaches a
 * terminal through a message. The escapes are printable ASCII and pass through a second time
 * unchanged, so wrapping an already safe detail keeps it as it is.
 */
static void set_safe(const char *msg)
{
	lsc_str_safe(last, sizeof(last), msg, 0);
}

static const char *const messages[] = {
    [LSC_E_FORMAT - LSC_E_BASE] = "malformed input",
    [LSC_E_DIGEST_MISMATCH - LSC_E_BASE] = "digest mismatch",
    [LSC_E_DIFFID_MISMATCH - LSC_E_BASE] = "diff_id mismatch",
    [LSC_E_TRUNCATED - LSC_E_BASE] = "unexpected end of data",
    [LSC_E_TOO_LARGE - LSC_E_BASE] = "size limit exceeded",
    [LSC_E_NOT_FOUND - LSC_E_BASE] = "not found",
    [LSC_E_UNSUPPORTED - LSC_E_BASE] = "not supported",
    [LSC_E_USAGE - LSC_E_BASE] = "bad usage",
    [LSC_E_AUTH - LSC_E_BASE] = "authentication failed",
    [LSC_E_NETWORK - LSC_E_BASE] = "network error",
    [LSC_E_INTERNAL - LSC_E_BASE] = "internal error",
    [LSC_E_CANCELLED - LSC_E_BASE] = "cancelled",
};

const char *lsc_strerror(int code)
{
	if (code < 0) {
		code = -code;
	}
	if (code > LSC_E_BASE && code < LSC_E_MAX) {
		return messages[code - LSC_E_BASE];
	}
	if (code == 0) {
		return "success";
	}
	return strerror(code);
}

int lsc_error(int code, const char *fmt, ...)
{
	char msg[LSC_ERRMSG_MAX];
	va_list ap;

	if (code > 0) {
		code = -code;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	set_safe(msg);
	return code;
}

int lsc_error_wrap(int code, const char *fmt, ...)
{
	char prefix[LSC_ERRMSG_MAX], old[LSC_ERRMSG_MAX], msg[LSC_ERRMSG_MAX];
	va_list ap;

	if (code > 0) {
		code = -code;
	}
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	if (last[0]) {
		memcpy(old, last, sizeof(old));
	} else {
		snprintf(old, sizeof(old), "%s", lsc_strerror(code));
	}
	snprintf(msg, sizeof(msg), "%s%s", prefix, old);
	set_safe(msg);
	return code;
}

const char *lsc_error_last(void)
{
	return last;
}

void lsc_error_clear(void)
{
	last[0] = 0;
}

void lsc_error_set_msg(const char *msg)
{
	set_safe(msg);
}
