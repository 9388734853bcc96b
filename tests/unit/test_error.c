/* lib/error: the one error type and its thread-local detail. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "util/error.h"

Test(error, error_negates_and_sets_detail)
{
	lsc_error_clear();
	cr_assert_str_eq(lsc_error_last(), "");
	cr_assert_eq(lsc_error(LSC_E_DIGEST_MISMATCH, "layer %s: got %s", "sha256:aa", "sha256:bb"),
		     -LSC_E_DIGEST_MISMATCH);
	cr_assert_str_eq(lsc_error_last(), "layer sha256:aa: got sha256:bb");
	/* an already negative code stays as it is */
	cr_assert_eq(lsc_error(-LSC_E_FORMAT, "x%d", 1), -LSC_E_FORMAT);
	cr_assert_str_eq(lsc_error_last(), "x1");
	cr_assert_eq(lsc_error(-ENOENT, "%s: missing", "/a"), -ENOENT);
	cr_assert_eq(lsc_error(ENOENT, "%s: missing", "/a"), -ENOENT);
	cr_assert_str_eq(lsc_error_last(), "/a: missing");
}

Test(error, error_replaces_previous_detail)
{
	lsc_error(LSC_E_FORMAT, "first");
	lsc_error(LSC_E_TRUNCATED, "second");
	cr_assert_str_eq(lsc_error_last(), "second");
}

Test(error, error_truncates_long_detail)
{
	char big[2000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	cr_assert_eq(lsc_error(LSC_E_FORMAT, "%s", big), -LSC_E_FORMAT);
	cr_assert_eq(strlen(lsc_error_last()), LSC_ERRMSG_MAX - 1);
}

Test(error, wrap_prefixes_and_keeps_code)
{
	int rc;

	lsc_error_clear();
	rc = lsc_error(LSC_E_TRUNCATED, "truncated tar in entry /etc/passwd");
	rc = lsc_error_wrap(rc, "layer %d: ", 3);
	cr_assert_eq(rc, -LSC_E_TRUNCATED, "a lower-level code is never replaced");
	cr_assert_str_eq(lsc_error_last(), "layer 3: truncated tar in entry /etc/passwd");
	rc = lsc_error_wrap(rc, "image %s: ", "app");
	cr_assert_eq(rc, -LSC_E_TRUNCATED);
	cr_assert_str_eq(lsc_error_last(),
			 "image app: layer 3: truncated tar in entry /etc/passwd");
}

Test(error, wrap_errno_code)
{
	lsc_error_clear();
	lsc_error(-EACCES, "open /x");
	cr_assert_eq(lsc_error_wrap(-EACCES, "source: "), -EACCES);
	cr_assert_str_eq(lsc_error_last(), "source: open /x");
	/* a positive code is negated */
	cr_assert_eq(lsc_error_wrap(EACCES, "p: "), -EACCES);
}

Test(error, wrap_without_detail_uses_generic_message)
{
	lsc_error_clear();
	cr_assert_eq(lsc_error_wrap(-LSC_E_DIGEST_MISMATCH, "blob %s: ", "b1"),
		     -LSC_E_DIGEST_MISMATCH);
	cr_assert_str_eq(lsc_error_last(), "blob b1: digest mismatch");
	lsc_error_clear();
	cr_assert_eq(lsc_error_wrap(-ENOENT, "f: "), -ENOENT);
	cr_assert_str_eq(lsc_error_last(), "f: No such file or directory");
}

Test(error, clear_and_set_msg)
{
	lsc_error(LSC_E_FORMAT, "something");
	lsc_error_clear();
	cr_assert_str_eq(lsc_error_last(), "");
	lsc_error_set_msg("carried from another thread");
	cr_assert_str_eq(lsc_error_last(), "carried from another thread");
}

Test(error, strerror_project_codes)
{
	cr_assert_str_eq(lsc_strerror(0), "success");
	cr_assert_str_eq(lsc_strerror(-LSC_E_FORMAT), "malformed input");
	cr_assert_str_eq(lsc_strerror(LSC_E_FORMAT), "malformed input");
	cr_assert_str_eq(lsc_strerror(-LSC_E_DIGEST_MISMATCH), "digest mismatch");
	cr_assert_str_eq(lsc_strerror(-LSC_E_DIFFID_MISMATCH), "diff_id mismatch");
	cr_assert_str_eq(lsc_strerror(-LSC_E_TRUNCATED), "unexpected end of data");
	cr_assert_str_eq(lsc_strerror(-LSC_E_TOO_LARGE), "size limit exceeded");
	cr_assert_str_eq(lsc_strerror(-LSC_E_NOT_FOUND), "not found");
	cr_assert_str_eq(lsc_strerror(-LSC_E_UNSUPPORTED), "not supported");
	cr_assert_str_eq(lsc_strerror(-LSC_E_USAGE), "bad usage");
	cr_assert_str_eq(lsc_strerror(-LSC_E_AUTH), "authentication failed");
	cr_assert_str_eq(lsc_strerror(-LSC_E_NETWORK), "network error");
	cr_assert_str_eq(lsc_strerror(-LSC_E_INTERNAL), "internal error");
	cr_assert_str_eq(lsc_strerror(-LSC_E_CANCELLED), "cancelled");
}

Test(error, strerror_every_project_code_has_a_message)
{
	for (int c = LSC_E_BASE + 1; c < LSC_E_MAX; c++) {
		const char *m = lsc_strerror(-c);

		cr_assert_not_null(m, "code %d", c);
		cr_assert_gt(strlen(m), 0, "code %d", c);
		cr_assert_null(strstr(m, "Unknown error"), "code %d: %s", c, m);
	}
}

Test(error, strerror_errno)
{
	cr_assert_str_eq(lsc_strerror(-ENOENT), strerror(ENOENT));
	cr_assert_str_eq(lsc_strerror(-ENOENT), "No such file or directory");
	cr_assert_str_eq(lsc_strerror(-ENOMEM), "Cannot allocate memory");
	cr_assert_str_eq(lsc_strerror(EACCES), "Permission denied");
}

static void *other_thread(void *arg)
{
	char *out = arg;

	/* a fresh thread has no detail, and what it sets stays in it */
	strcpy(out, lsc_error_last());
	lsc_error(LSC_E_NETWORK, "in the other thread");
	return NULL;
}

Test(error, detail_is_per_thread)
{
	pthread_t t;
	char seen[LSC_ERRMSG_MAX] = "unset";

	lsc_error(LSC_E_FORMAT, "in the main thread");
	cr_assert_eq(pthread_create(&t, NULL, other_thread, seen), 0);
	pthread_join(t, NULL);
	cr_assert_str_eq(seen, "");
	cr_assert_str_eq(lsc_error_last(), "in the main thread");
}

Test(error, details_quoting_image_names_are_safe_to_print)
{
	lsc_error(LSC_E_NOT_FOUND, "%s: no such tag", "img\033]2;owned\007:\xe2\x80\xae\xff");
	cr_assert_str_eq(lsc_error_last(), "img\\x1b]2;owned\\x07:\\u202e\\xff: no such tag");
	lsc_error_wrap(LSC_E_NOT_FOUND, "entry %s: ", "\033[2J");
	cr_assert_str_eq(lsc_error_last(),
			 "entry \\x1b[2J: img\\x1b]2;owned\\x07:\\u202e\\xff: no such tag");
	lsc_error_set_msg("x\nforged line");
	cr_assert_str_eq(lsc_error_last(), "x\\nforged line");
}
