/* lib/words: word splitting and the word tests the placeholder and generic checks share. */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/secrets/words.h"

Test(words, split_cuts_at_case_humps_digits_and_separators)
{
	struct lsc_words_span w[LSC_WORDS_MAX];
	const char *s = "getAPIKey2_db";

	cr_assert_eq(lsc_words_split(w, LSC_WORDS_MAX, s, strlen(s)), 5);
	cr_assert_eq(w[0].len, 3); /* get */
	cr_assert_eq(w[1].off, 3);
	cr_assert_eq(w[1].len, 3); /* API */
	cr_assert_eq(w[2].len, 3); /* Key */
	cr_assert_eq(w[3].len, 1); /* 2 */
	cr_assert_eq(w[4].off, 11);
	cr_assert_eq(lsc_words_split(w, 2, s, strlen(s)), 3, "more than max: max + 1");
}

Test(words, wordlike_tells_words_from_random_letters)
{
	cr_assert(lsc_words_wordlike("password", 8));
	cr_assert(lsc_words_wordlike("SSH", 3));
	cr_assert(lsc_words_wordlike("12345678", 8));
	cr_assert_not(lsc_words_wordlike("123456789", 9), "numbers of up to 8 digits");
	cr_assert_not(lsc_words_wordlike("xqzvbk", 6));
	cr_assert_not(lsc_words_wordlike("q", 1));
	cr_assert(lsc_words_english_pairs("nginx", 5));
	cr_assert_not(lsc_words_english_pairs("qx", 2));
}

Test(words, wordy_values_and_identifiers)
{
	struct lsc_words_span w[LSC_WORDS_MAX];
	static const char *const list[] = {"test", "demo", NULL};

	cr_assert_eq(lsc_words_wordy(w, "test-password", 13), 2);
	cr_assert_eq(lsc_words_wordy(w, "Xk9Zq2Lm8Rv4", 12), 0);
	cr_assert_eq(lsc_words_wordy(w, "a=b", 3), 0, "'=' is no separator between words");
	cr_assert(lsc_words_in_list("DEMO", 4, list));
	cr_assert_not(lsc_words_in_list("demos", 5, list));
	cr_assert(lsc_words_identifier("_db_pass2", 9));
	cr_assert_not(lsc_words_identifier("2db", 3));
	cr_assert_not(lsc_words_identifier("", 0));
}
