/*
 * lib/secrets/check_generic: the generic filter (identifiers, words, code, paths, UUIDs, the
 * entropy floor) and the entropy measure, through the check table.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secrets/check_generic.h"
#include "lib/secrets/secret_check.h"

#include "check_testutil.h"

/* ---- generic ---- */

Test(check_generic, generic_passes_real_tokens)
{
	for (size_t i = 0; i < sizeof(real_tokens) / sizeof(real_tokens[0]); i++) {
		pass(LSC_CHECK_GENERIC, real_tokens[i]);
	}
	pass(LSC_CHECK_GENERIC, "\"Zq8kP2vLr9xW4mN7\"");
	pass(LSC_CHECK_GENERIC, "'Zq8kP2vLr9xW4mN7'");
	pass(LSC_CHECK_GENERIC, "https://u:Zq8kP2vLr9xW@git.corp.io/x");
	/* Hex that only looks numeric, lowercase random letters that only look like words. */
	pass(LSC_CHECK_GENERIC, "12e4e567b9");
	pass(LSC_CHECK_GENERIC, "qjxvbwpzkmdt");
	/* Vowels and consonants alternate like a word's, but "aq", "qi", "uj" are not English. */
	pass(LSC_CHECK_GENERIC, "vaqizoxuje");
	pass(LSC_CHECK_GENERIC, "mysql_Zq8kP2vLr9xW");
}

Test(check_generic, generic_rejects_identifiers_words_and_code)
{
	static const char *const bad[] = {
	    /* identifiers and words */
	    "currentPassword",
	    "password_hash",
	    "getToken",
	    "DB_PASSWORD",
	    "dbPassword2",
	    "api-key-name",
	    "userSecretKey",
	    "hunter",
	    "monkey",
	    "Sunshine",
	    "database",
	    "accessTokenSecret",
	    "SECRET_KEY_BASE",
	    "config.password",
	    "strength",
	    "mysql_password",
	    "AWS_SECRET_ACCESS_KEY",
	    "npmAuthToken",
	    "getDBPassword",
	    "SSH_PRIVATE_KEY",
	    "JWT_SECRET",
	    "cfg_db_pass",
	    /* code lookups */
	    "this.password",
	    "self.secret_key",
	    "settings.SECRET_KEY",
	    "$this->password",
	    "getPassword()",
	    "config.get('db.password')",
	    "vault.read(\"secret/db\")",
	    "request.form['password']",
	    "params[:token]",
	    "Secret::get('x');",
	    "@password",
	    ":password",
	    "keyring.get_password('svc', 'user')",
	    "creds.token,",
	    /* env lookups */
	    "os.environ['API_KEY']",
	    "process.env.API_KEY",
	    "System.getenv(\"KEY\")",
	    /* numbers, booleans, nulls */
	    "12345678",
	    "3.14159",
	    "-42",
	    "1e10",
	    "1_000_000",
	    "10.0.0.1",
	    "1.2.3",
	    "true",
	    "False",
	    "null",
	    "None",
	    "nil",
	    "undefined",
	    "NaN",
	    /* paths and URLs without credentials */
	    "/run/secrets/db_password",
	    "/etc/ssl/private/server.key",
	    "./config/secret.key",
	    "../keys/id_rsa",
	    "~/.ssh/id_ed25519",
	    "C:\\Users\\app\\token.txt",
	    "https://api.github.com/v3",
	    "http://localhost:8080/token",
	    "https://u@host.io/x",
	    "https://u:password@host.io/x",
	    "jdbc:mysql://db.internal:3306/shop",
	    /* references into a secret manager */
	    "vault:secret/data/db#password",
	    "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
	    "op://vault/item/password",
	    "projects/my-proj/secrets/db-pass/versions/latest",
	    /* placeholders, low entropy */
	    "changeme",
	    "xxxxxxxxxx",
	    "<token>",
	    "${TOKEN}",
	    "aaaaaaaaaaaaabcd",
	    "abc",
	    "",
	    "   ",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fail(LSC_CHECK_GENERIC, bad[i]);
	}
}

Test(check_generic, generic_entropy_floor_applies_below_20_characters)
{
	/* 16 characters, 4 distinct, 1.16 bits: too low. */
	cr_assert_lt(lsc_secret_entropy("aaaaaaaaaaaaabcd", 16), 2.5);
	fail(LSC_CHECK_GENERIC, "aaaaaaaaaaaaabcd");
	/* 6 distinct characters: log2(6) = 2.58 bits, enough. */
	cr_assert_gt(lsc_secret_entropy("q7Zk2!", 6), 2.5);
	pass(LSC_CHECK_GENERIC, "q7Zk2!");
	/* 5 characters can never reach 2.5 bits. */
	fail(LSC_CHECK_GENERIC, "q7Zk!");
}

/* ---- entropy ---- */

Test(check_generic, entropy_values)
{
	uint8_t all[256];

	for (int i = 0; i < 256; i++) {
		all[i] = (uint8_t)i;
	}
	cr_assert_float_eq(lsc_secret_entropy("", 0), 0.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy(NULL, 0), 0.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy("aaaa", 4), 0.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy("ab", 2), 1.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy("abcd", 4), 2.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy("aab", 3), 0.9182958340544896, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy("0123456789abcdef", 16), 4.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy((const char *)all, 256), 8.0, 1e-9);
	/* Bytes, not a C string: the NUL counts. */
	cr_assert_float_eq(lsc_secret_entropy("a\0", 2), 1.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy("aabb", 2), 0.0, 1e-9);
}

/* Seen in node_modules: code and type annotations where a generic rule expects a value. */
Test(check_generic, generic_rejects_code_and_type_names)
{
	static const char *const not_secrets[] = {"config?.disableS3ExpressSessionAuth",
						  "Uint8Array", "HttpHeaders", "Int32Array",
						  "loadKey(name)"};
	static const char *const secrets[] = {"Xk9vQ2mL7pR4tW1z", "Tr0ub4dor-3-Xq9", "Kq8Zr2Vm"};

	for (size_t i = 0; i < sizeof(not_secrets) / sizeof(not_secrets[0]); i++) {
		cr_assert_eq(
		    lsc_secret_check_run(LSC_CHECK_GENERIC, not_secrets[i], strlen(not_secrets[i])),
		    0, "%s", not_secrets[i]);
	}
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++) {
		cr_assert_eq(
		    lsc_secret_check_run(LSC_CHECK_GENERIC, secrets[i], strlen(secrets[i])), 1,
		    "%s", secrets[i]);
	}
}

/* A UUID is an identifier (ChangeToken, request ids), never a generic secret (issue 14). */
Test(check_generic, generic_rejects_uuids_in_any_case)
{
	static const char *const uuids[] = {
	    "a3f1c9e2-7b4d-4e8a-9c61-0d2f5b8e3a47",   "6E2B8D4F-1A9C-4F7E-B3D5-8C0A2E6F9B14",
	    "7c0E2f4A-93b1-4D58-a6E2-1f8B9c3D5e07",   "\"5d2a9e71-0c4b-4f3e-b8d6-a17c3e92f058\"",
	    "'00000000-0000-0000-0000-000000000000'", "b4f5e6d7-c8a9-4b0c-8d1e-2f3a4b5c6d7e",
	};

	for (size_t i = 0; i < sizeof(uuids) / sizeof(uuids[0]); i++) {
		fail(LSC_CHECK_GENERIC, uuids[i]);
	}
	/* Not UUIDs: a group too long or short, a non-hex digit, no hyphens, a suffix. */
	pass(LSC_CHECK_GENERIC, "a3f1c9e2-7b4d-4e8a-9c61-0d2f5b8e3a47x");
	pass(LSC_CHECK_GENERIC, "a3f1c9e27-b4d-4e8a-9c61-0d2f5b8e3a47");
	pass(LSC_CHECK_GENERIC, "g3f1c9e2-7b4d-4e8a-9c61-0d2f5b8e3a47");
	pass(LSC_CHECK_GENERIC, "a3f1c9e27b4d4e8a9c610d2f5b8e3a47");
	pass(LSC_CHECK_GENERIC, "a3f1c9e2-7b4d-4e8a-9c61_0d2f5b8e3a47");
}

/* ---- the module's own functions, without the table's trimming ---- */

Test(check_generic, direct_calls)
{
	cr_assert_eq(lsc_check_generic("Zq8kP2vLr9xW4mN7", 16), 1);
	cr_assert_eq(lsc_check_generic("'Zq8kP2vLr9xW4mN7'", 18), 1); /* its own quote trimming */
	cr_assert_eq(lsc_check_generic("changeme", 8), 0);
	cr_assert_eq(lsc_check_generic("3f1c9e27-b4d4-4e8a-9c61-0d2f5b8e3a47", 36), 0);
	cr_assert_eq(lsc_check_generic("https://u:Zq8kP2vLr9xW@db.example.com/x", 39), 0);
	cr_assert_eq(lsc_check_generic("", 0), 0);
	cr_assert_float_eq(lsc_secret_entropy("abcd", 4), 2.0, 1e-9);
	cr_assert_float_eq(lsc_secret_entropy(NULL, 0), 0.0, 1e-9);
}
