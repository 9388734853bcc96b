/*
 * Test helpers of the secret checks' unit tests (test_secret_check.c, test_check_token.c,
 * test_check_generic.c): a check run through the table, values built independently of the code
 * under test (base64, JWTs), and real tokens every check that filters placeholders must pass.
 * Header-only; every function is static, as in testutil.h.
 */
#ifndef LSC_TESTS_CHECK_TESTUTIL_H
#define LSC_TESTS_CHECK_TESTUTIL_H

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secrets/secret_check.h"

__attribute__((unused)) static int run(enum lsc_secret_check c, const char *s)
{
	return lsc_secret_check_run(c, s, strlen(s));
}

__attribute__((unused)) static void pass(enum lsc_secret_check c, const char *s)
{
	cr_assert_eq(run(c, s), 1, "%s check should pass: \"%s\"", lsc_secret_check_name(c), s);
}

__attribute__((unused)) static void fail(enum lsc_secret_check c, const char *s)
{
	cr_assert_eq(run(c, s), 0, "%s check should fail: \"%s\"", lsc_secret_check_name(c), s);
}

__attribute__((unused)) static uint32_t rnd(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

__attribute__((unused)) static const char b62_gmp[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

__attribute__((unused)) static char *b64(const void *data, size_t n, bool url, bool pad)
{
	const char *alpha =
	    url ? "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const uint8_t *p = data;
	char *out = malloc(n / 3 * 4 + 5), *o = out;
	size_t i = 0;

	for (; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];

		*o++ = alpha[v >> 18];
		*o++ = alpha[(v >> 12) & 63];
		*o++ = alpha[(v >> 6) & 63];
		*o++ = alpha[v & 63];
	}
	if (n - i == 1) {
		*o++ = alpha[p[i] >> 2];
		*o++ = alpha[(p[i] & 3) << 4];
		if (pad) {
			*o++ = '=';
			*o++ = '=';
		}
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];

		*o++ = alpha[v >> 10];
		*o++ = alpha[(v >> 4) & 63];
		*o++ = alpha[(v << 2) & 63];
		if (pad) {
			*o++ = '=';
		}
	}
	*o = 0;
	return out;
}

__attribute__((unused)) static char *jwt(const char *header, const char *payload, const void *sig,
					 size_t siglen)
{
	char *h = b64(header, strlen(header), true, false);
	char *p = b64(payload, strlen(payload), true, false);
	char *s = b64(sig, siglen, true, false);
	char *out = malloc(strlen(h) + strlen(p) + strlen(s) + 3);

	sprintf(out, "%s.%s.%s", h, p, s);
	free(h);
	free(p);
	free(s);
	return out;
}

/* real tokens of many providers: not placeholders (test_check_generic.c passes them as generic) */
__attribute__((unused)) static const char *const real_tokens[] = {
    "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
    "sk_live_51H8zK3Lm9Qx2Vt7Zp4Rw1Yc6Nh0Jd5Fg2Es",
    "rk_live_7Hq2Lm9Xv4Rk8Pw3Zt6Yb1Nc",
    "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",
    "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",
    "xoxb-2048-83741-aB3dE5fG7hI9jK1lM3nO5pQ7",
    "xoxp-4816-2093-7751-Qm8ZkT2pLx9W",
    "AKIAY3RDPQXO6WJQ2ZKM",
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "5f4dcc3b5aa765d61d8327deb882cf99",
    "00c7f2e9a1b84d3e9f6a5b2c1d0e8f7a",
    "Zq8kP2vLr9xW4mN7",
    "tEsTq9Lm2Xv8Rk4P",
    "aB3xTESTk9Qm2LpZ7v",
    "Xk9testZq2Lm8Rv4Pw",
    "test_7Hq2Lm9Xv4Rk8Pw3Zt",
    "mQ7sEcReT4zLp9Xw2V",
    "key-3ax6xnjp29jd6fds4gc373sgvjxteol0",
    "AIzaSyB3k9Lm2Qx7Vt4Zp8Rw1Yc6Nh0Jd5Fg2Es",
    "hvs.CAESIJ3k9Lm2Qx7Vt4Zp8Rw1Yc6Nh0Jd5Fg2EsAbCdEf",
    "glpat-x9Kq2Lm8Rv4Pw7Zt3Ns1",
    "dop_v1_3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a",
    "SG.k3Lm9Qx2Vt7Zp4Rw.1Yc6Nh0Jd5Fg2EsAbCdEfGhIjKlMnOpQrStUvWxYz0",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzK3m9Q2vL8",
    "sq0atp-k3Lm9Qx2Vt7Zp4Rw1Yc6Nh",
    "SK5f4dcc3b5aa765d61d8327deb882cf99",
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
    "Tr0ub4dor&3",
    "s3cr3t-Zq9!xL",
    "p@55W0rd!Zk9q",
    "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.mNoPqRsTuVwXyZ012345",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "2f1fa3b7d8e94c6a0b5d7e9f1a3c5e7b",
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA",
};

#endif
