/* util/base64: the one decoder, its alphabets, its strict and lenient rules, fed in pieces. */
#include <criterion/criterion.h>
#include <string.h>

#include "util/base64.h"

static long dec(char *out, size_t cap, const char *s, int flags)
{
	long len = lsc_base64_decode((uint8_t *)out, cap, s, strlen(s), flags);

	if (len >= 0 && (size_t)len < cap) {
		out[len] = 0;
	}
	return len;
}

Test(base64, standard_alphabet_with_and_without_padding)
{
	char out[64];

	cr_assert_eq(dec(out, sizeof(out), "dXNlcjpwYXNz", LSC_BASE64_STD), 9);
	cr_assert_str_eq(out, "user:pass");
	cr_assert_eq(dec(out, sizeof(out), "YQ==", LSC_BASE64_STD | LSC_BASE64_STRICT), 1);
	cr_assert_str_eq(out, "a");
	cr_assert_eq(dec(out, sizeof(out), "YQ", LSC_BASE64_STD | LSC_BASE64_STRICT), 1);
	cr_assert_eq(dec(out, sizeof(out), "", LSC_BASE64_STD), 0);
	cr_assert_eq(dec(out, sizeof(out), "+/+/", LSC_BASE64_STD), 3);
	cr_assert_eq((unsigned char)out[0], 0xfb);
}

Test(base64, alphabets_are_chosen_and_never_mixed)
{
	char out[64];

	cr_assert_eq(dec(out, sizeof(out), "-_-_", LSC_BASE64_URL), 3);
	cr_assert_eq((unsigned char)out[0], 0xfb);
	cr_assert_eq(dec(out, sizeof(out), "-_-_", LSC_BASE64_STD), -1);
	cr_assert_eq(dec(out, sizeof(out), "+/+/", LSC_BASE64_URL), -1);
	cr_assert_eq(dec(out, sizeof(out), "+/+/", LSC_BASE64_ANY), 3);
	cr_assert_eq(dec(out, sizeof(out), "-_-_", LSC_BASE64_ANY), 3);
	cr_assert_eq(dec(out, sizeof(out), "+_+_", LSC_BASE64_ANY), -1, "mixed alphabets");
}

Test(base64, what_every_mode_rejects)
{
	char out[64];
	int modes[] = {LSC_BASE64_STD, LSC_BASE64_STD | LSC_BASE64_STRICT,
		       LSC_BASE64_STD | LSC_BASE64_SPACE};

	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		cr_assert_eq(dec(out, sizeof(out), "Y", modes[m]), -1, "lone character");
		cr_assert_eq(dec(out, sizeof(out), "YWJjZ", modes[m]), -1, "lone last character");
		cr_assert_eq(dec(out, sizeof(out), "YQ===", modes[m]), -1, "three pads");
		cr_assert_eq(dec(out, sizeof(out), "YQ=A", modes[m]), -1, "data after padding");
		cr_assert_eq(dec(out, sizeof(out), "Y*Q=", modes[m]), -1, "not base64");
	}
}

Test(base64, strict_padding_and_bits)
{
	char out[64];

	/* padding that does not complete the group: lenient takes it, PAD does not */
	cr_assert_eq(dec(out, sizeof(out), "YQ=", LSC_BASE64_STD), 1);
	cr_assert_eq(dec(out, sizeof(out), "YQ=", LSC_BASE64_STD | LSC_BASE64_PAD), -1);
	cr_assert_eq(dec(out, sizeof(out), "YWI=", LSC_BASE64_STD | LSC_BASE64_PAD), 2);
	/* "YR==": the unused bits of R are not zero; only BITS rejects it */
	cr_assert_eq(dec(out, sizeof(out), "YR==", LSC_BASE64_STD | LSC_BASE64_PAD), 1);
	cr_assert_eq(out[0], 'a');
	cr_assert_eq(dec(out, sizeof(out), "YR==", LSC_BASE64_STD | LSC_BASE64_STRICT), -1);
}

Test(base64, whitespace_only_when_asked)
{
	char out[64];

	cr_assert_eq(dec(out, sizeof(out), "dXNl\n  cjpw\r\n\tYXNz\n", LSC_BASE64_STD), -1);
	cr_assert_eq(
	    dec(out, sizeof(out), "dXNl\n  cjpw\r\n\tYXNz\n", LSC_BASE64_STD | LSC_BASE64_SPACE),
	    9);
	cr_assert_str_eq(out, "user:pass");
	cr_assert_eq(dec(out, sizeof(out), "YQ= =\n", LSC_BASE64_STD | LSC_BASE64_SPACE), 1);
}

Test(base64, fed_in_pieces_keeps_the_head_and_counts_the_rest)
{
	struct lsc_base64 d;
	uint8_t head[4];

	lsc_base64_init(&d, LSC_BASE64_STD | LSC_BASE64_SPACE, head, sizeof(head));
	lsc_base64_feed(&d, "dXNlcj", 6);
	lsc_base64_feed(&d, "pwYXNz\n", 7);
	cr_assert_eq(lsc_base64_finish(&d), 9);
	cr_assert_eq(memcmp(head, "user", 4), 0);
}

Test(base64, decode_refuses_what_does_not_fit)
{
	char out[4];

	cr_assert_eq(dec(out, sizeof(out), "dXNlcjpwYXNz", LSC_BASE64_STD), -1);
	cr_assert_geq(lsc_base64_room(12), 9);
	cr_assert_geq(lsc_base64_room(11), 8);
}
