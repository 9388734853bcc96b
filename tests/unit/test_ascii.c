/* util/ascii: character classes, compares and trimming over (pointer, length) text. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/ascii.h"

Test(ascii, classes_are_ascii_only)
{
	cr_assert(lsc_ascii_is_lower('q') && !lsc_ascii_is_lower('Q'));
	cr_assert(lsc_ascii_is_upper('Q') && !lsc_ascii_is_upper(0xc9)); /* never the locale's */
	cr_assert(lsc_ascii_is_alnum('7') && !lsc_ascii_is_alnum('-'));
	cr_assert(lsc_ascii_is_space('\v') && !lsc_ascii_is_space(0xa0));
	cr_assert(lsc_ascii_is_ident_start('_') && !lsc_ascii_is_ident_start('1'));
	cr_assert(lsc_ascii_is_ident('1'));
	cr_assert(lsc_ascii_is_hex('0') && lsc_ascii_is_hex('f') && lsc_ascii_is_hex('F'));
	cr_assert(!lsc_ascii_is_hex('g') && !lsc_ascii_is_hex('G') && !lsc_ascii_is_hex('/'));
	cr_assert_eq(lsc_ascii_to_lower('K'), 'k');
	cr_assert_eq(lsc_ascii_to_lower(0xc9), 0xc9);
}

Test(ascii, compares_take_a_length)
{
	const char *t = "PassWord=x";

	cr_assert(lsc_ascii_eq_nocase(t, 8, "password"));
	cr_assert(!lsc_ascii_eq_nocase(t, 9, "password"), "the lengths must match");
	cr_assert(lsc_ascii_prefix_nocase(t, strlen(t), "PASS"));
	cr_assert(!lsc_ascii_has_prefix(t, strlen(t), "pass"));
	cr_assert(lsc_ascii_has_suffix(t, strlen(t), "=x"));
	cr_assert(!lsc_ascii_has_suffix(t, 1, "=x"));
}

Test(ascii, find_within_the_length)
{
	const char *t = "abcTOKENdef token";

	cr_assert_eq(lsc_ascii_find(t, strlen(t), "token", false), t + 12);
	cr_assert_eq(lsc_ascii_find(t, strlen(t), "token", true), t + 3);
	cr_assert_null(lsc_ascii_find(t, 7, "TOKEN", false), "the match would end past n");
	cr_assert_eq(lsc_ascii_find(t, 0, "", false), t);
}

Test(ascii, trims)
{
	const char *p = "  \t'secret value' \n";
	size_t n = strlen(p);

	lsc_ascii_trim_quotes(&p, &n);
	cr_assert_eq(n, 12);
	cr_assert(memcmp(p, "secret value", 12) == 0);
	p = " \"unclosed ";
	n = strlen(p);
	lsc_ascii_trim_quotes(&p, &n);
	cr_assert_eq(n, 9, "no matching quote: only the whitespace goes");
}
