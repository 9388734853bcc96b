/*
 * lib/placeholder: the one placeholder test. The secret checks' list is asserted in
 * test_secret_check.c (placeholders_are_placeholders and its neighbours); here, the words and
 * forms that only the sensitive-file detector's former copy knew, which now hold for both.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/secrets/placeholder.h"

static bool ph(const char *s)
{
	return lsc_placeholder_is(s, strlen(s));
}

Test(placeholder, words_only_the_sensitive_file_copy_had)
{
	/* Java keystores' default password: was a placeholder in files, not for secret rules */
	cr_assert(ph("changeit"));
	cr_assert(ph("CHANGEIT"));
	cr_assert(ph("change-it"));
	/* filler words spelt with separators inside them */
	cr_assert(ph("pass-word"));
	cr_assert(ph("api.key"));
	cr_assert(ph("un_defined"));
}

Test(placeholder, forms_only_the_sensitive_file_copy_had)
{
	cr_assert(ph("Xk9Zq2...Lm8Rv4Pw"), "an ellipsis anywhere is a cut value");
	cr_assert(ph("sk_Xk9Zq2xxxxxLm8Rv4Pw"), "a mask anywhere");
	cr_assert(ph("Zq2Lm8*****Rv4Pw"), "a mask anywhere");
	cr_assert(ph("%db pass%"), "%...% whatever is inside");
	cr_assert(ph("$1"), "$ and identifier characters from a digit on");
	cr_assert(ph("yourXk9Zq2Lm8Rv4Pw"), "your... once separators are gone");
}

Test(placeholder, words_the_secret_copy_had_now_hold_in_files_too)
{
	cr_assert(ph("test-password"));
	cr_assert(ph("mock"));
	cr_assert(ph("${DB_PASSWORD}"));
	cr_assert(ph("123456789"));
	cr_assert(ph("os.environ['DB_PASSWORD']"));
}

Test(placeholder, a_password_scheme_is_no_template)
{
	/* htpasswd's {SHA} was no placeholder in files; for secret rules it read as a {template} */
	cr_assert_not(ph("{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="));
	cr_assert_not(ph("{SSHA}Zq2Lm8Rv4PwT7Xk9aB3cD4eF"));
	cr_assert(ph("{SHA}"), "a scheme and nothing after it");
	cr_assert(ph("{SHA}changeme"), "the value after the scheme is judged");
	cr_assert(ph("{token}"));
}

Test(placeholder, real_values_are_not_placeholders)
{
	cr_assert_not(ph("Xk9Zq2Lm8Rv4PwT7"));
	cr_assert_not(ph("hunter2-Zq8kP2vLr9xW"));
	cr_assert_not(ph("c0rr3ct-h0rse-B4ttery"));
	cr_assert_not(ph("$x9!Zq2Lm8Rv4Pw"), "$ then not an identifier");
	cr_assert(ph(""));
	cr_assert(lsc_placeholder_is(NULL, 0));
}
