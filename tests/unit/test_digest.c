/* lib/digest: sha256 digests and their validation. */
#include <criterion/criterion.h>
#include <string.h>

#include "layerscan/layerscan.h"
#include "lib/digest.h"

#define EMPTY_SHA256 "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_SHA256 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/* FIPS 180-2's two-block vector */
#define LONG_MSG "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define LONG_SHA256 "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"

Test(digest, buf_known_vectors)
{
	char out[LSC_DIGEST_MAX];

	cr_assert_eq(lsc_digest_buf(out, "", 0), 0);
	cr_assert_str_eq(out, EMPTY_SHA256);
	cr_assert_eq(lsc_digest_buf(out, "abc", 3), 0);
	cr_assert_str_eq(out, ABC_SHA256);
	cr_assert_eq(lsc_digest_buf(out, LONG_MSG, strlen(LONG_MSG)), 0);
	cr_assert_str_eq(out, LONG_SHA256);
	cr_assert_eq(strlen(out), 71);
}

Test(digest, incremental_equals_one_shot)
{
	struct lsc_sha256 *h = NULL;
	char out[LSC_DIGEST_MAX];

	cr_assert_eq(lsc_sha256_new(&h), 0);
	cr_assert_not_null(h);
	lsc_sha256_update(h, "a", 1);
	lsc_sha256_update(h, NULL, 0);
	lsc_sha256_update(h, "bc", 2);
	lsc_sha256_final(out, h);
	lsc_sha256_free(h);
	cr_assert_str_eq(out, ABC_SHA256);

	cr_assert_eq(lsc_sha256_new(&h), 0);
	for (size_t i = 0; i < strlen(LONG_MSG); i++) {
		lsc_sha256_update(h, &LONG_MSG[i], 1);
	}
	lsc_sha256_final(out, h);
	lsc_sha256_free(h);
	cr_assert_str_eq(out, LONG_SHA256);
}

Test(digest, empty_hasher)
{
	struct lsc_sha256 *h;
	char out[LSC_DIGEST_MAX];

	cr_assert_eq(lsc_sha256_new(&h), 0);
	lsc_sha256_final(out, h);
	lsc_sha256_free(h);
	cr_assert_str_eq(out, EMPTY_SHA256);
	lsc_sha256_free(NULL);
}

Test(digest, million_a)
{
	static char a[1000000];
	char out[LSC_DIGEST_MAX];

	memset(a, 'a', sizeof(a));
	cr_assert_eq(lsc_digest_buf(out, a, sizeof(a)), 0);
	cr_assert_str_eq(out,
			 "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

Test(digest, check_valid)
{
	cr_assert_eq(lsc_digest_check(EMPTY_SHA256), 0);
	cr_assert_eq(lsc_digest_check(ABC_SHA256), 0);
	cr_assert_eq(lsc_digest_check(
			 "sha256:0000000000000000000000000000000000000000000000000000000000000000"),
		     0);
}

Test(digest, check_uppercase_hex_is_invalid)
{
	cr_assert_eq(lsc_digest_check(
			 "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"),
		     -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check(
			 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015aD"),
		     -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check(
			 "SHA256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
		     -LSC_E_FORMAT);
}

Test(digest, check_wrong_length)
{
	/* 63 and 65 hex digits */
	cr_assert_eq(lsc_digest_check(
			 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a"),
		     -LSC_E_FORMAT);
	cr_assert_eq(
	    lsc_digest_check(
		"sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0"),
	    -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check("sha256:abc"), -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check("sha256:"), -LSC_E_FORMAT);
}

Test(digest, check_non_hex)
{
	cr_assert_eq(lsc_digest_check(
			 "sha256:ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
		     -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check(
			 "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f2001 ad"),
		     -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check(
			 "sha256:../../../../etc/passwd0000000000000000000000000000000000000000"),
		     -LSC_E_FORMAT);
}

Test(digest, check_other_algorithm_is_unsupported)
{
	cr_assert_eq(
	    lsc_digest_check("sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a9"
			     "21d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a5"
			     "38327af927da3e"),
	    -LSC_E_UNSUPPORTED);
	cr_assert_eq(lsc_digest_check("sha512:abc"), -LSC_E_UNSUPPORTED);
	cr_assert_eq(lsc_digest_check("blake3:abc"), -LSC_E_UNSUPPORTED);
	cr_assert_eq(lsc_digest_check("sha256+b64u:abc"), -LSC_E_UNSUPPORTED);
}

Test(digest, check_garbage)
{
	cr_assert_eq(lsc_digest_check(NULL), -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check(""), -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check("sha256"), -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check(":abc"), -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check("sha512:"), -LSC_E_FORMAT);
	cr_assert_eq(
	    lsc_digest_check("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	    -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check("SHA512:abc"), -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check("sha 512:abc"), -LSC_E_FORMAT);
	cr_assert_eq(lsc_digest_check("../x:abc"), -LSC_E_FORMAT);
}

Test(digest, hex_part)
{
	cr_assert_str_eq(lsc_digest_hex(ABC_SHA256),
			 "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	cr_assert_str_eq(lsc_digest_hex("noalgo"), "noalgo");
}
