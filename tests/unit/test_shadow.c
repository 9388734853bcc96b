/* lib/shadow: passwd and shadow lines, password field schemes, known-password guesses. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/detectors/shadow.h"

#define MAXROWS 16

struct row {
	char name[64];
	char password[160];
	int64_t uid;
	long line;
};

struct rows {
	struct row r[MAXROWS];
	size_t n;
	size_t stop_after; /* 0: never stop */
};

static int collect(const struct lsc_shadow_entry *e, void *payload)
{
	struct rows *rs = payload;
	struct row *r;

	cr_assert_lt(rs->n, MAXROWS);
	cr_assert_gt(e->name_len, 0);
	r = &rs->r[rs->n++];
	cr_assert_lt(e->name_len, sizeof(r->name));
	cr_assert_lt(e->password_len, sizeof(r->password));
	memcpy(r->name, e->name, e->name_len);
	r->name[e->name_len] = 0;
	memcpy(r->password, e->password, e->password_len);
	r->password[e->password_len] = 0;
	r->uid = e->uid;
	r->line = e->line;
	if (rs->stop_after && rs->n == rs->stop_after) {
		return -EINTR;
	}
	return 0;
}

static void parse(struct rows *rs, const char *text, size_t n, bool passwd, bool partial)
{
	memset(rs, 0, sizeof(*rs));
	cr_assert_eq(lsc_shadow_foreach(text, n, passwd, partial, collect, rs), 0);
}

static void row_is(const struct rows *rs, size_t i, const char *name, const char *pw, int64_t uid,
		   long line)
{
	cr_assert_lt(i, rs->n, "row %zu of %zu", i, rs->n);
	cr_assert_str_eq(rs->r[i].name, name, "row %zu", i);
	cr_assert_str_eq(rs->r[i].password, pw, "row %zu (%s)", i, name);
	cr_assert_eq(rs->r[i].uid, uid, "row %zu (%s): uid %lld", i, name, (long long)rs->r[i].uid);
	cr_assert_eq(rs->r[i].line, line, "row %zu (%s): line %ld", i, name, rs->r[i].line);
}

Test(shadow, passwd_fields_and_lines)
{
	static const char t[] = "root:x:0:0:root:/root:/bin/bash\n"
				"daemon:*:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
				"\n"
				"# a comment:x:0\n"
				"+::0:0:::\n"
				"-nisuser::::::\n"
				"toor::0:0::/root:/bin/sh\n"
				"big:x:4294967295:1::/:/bin/sh\n"
				"over:x:4294967296:1::/:/bin/sh\n"
				"nonnum:x:0a:1::/:/bin/sh\n"
				"neg:x:-1:1::/:/bin/sh\n"
				"zeros:x:000:1::/:/bin/sh\n"
				"short:pw\n"
				"two:pw:\n"
				"nocolon\n"
				":x:0:0:::\n"
				"last:x:7:7::/:/bin/sh";
	struct rows rs;

	parse(&rs, t, sizeof(t) - 1, true, false);
	cr_assert_eq(rs.n, 11, "got %zu rows", rs.n);
	row_is(&rs, 0, "root", "x", 0, 1);
	row_is(&rs, 1, "daemon", "*", 1, 2);
	row_is(&rs, 2, "toor", "", 0, 7);
	row_is(&rs, 3, "big", "x", 4294967295LL, 8);
	row_is(&rs, 4, "over", "x", -1, 9);
	row_is(&rs, 5, "nonnum", "x", -1, 10);
	row_is(&rs, 6, "neg", "x", -1, 11);
	row_is(&rs, 7, "zeros", "x", 0, 12);
	row_is(&rs, 8, "short", "pw", -1, 13);
	row_is(&rs, 9, "two", "pw", -1, 14);
	row_is(&rs, 10, "last", "x", 7, 17);
}

Test(shadow, shadow_crlf_and_no_uid)
{
	static const char t[] = "root::19000:0:99999:7:::\r\n"
				"daemon:*:19000:0:99999:7:::\r\n"
				"\r\n"
				"user:$6$s$h:19000::::::\r\n";
	struct rows rs;

	parse(&rs, t, sizeof(t) - 1, false, false);
	cr_assert_eq(rs.n, 3);
	row_is(&rs, 0, "root", "", -1, 1);
	row_is(&rs, 1, "daemon", "*", -1, 2);
	row_is(&rs, 2, "user", "$6$s$h", -1, 4);
}

Test(shadow, partial_drops_the_cut_line)
{
	static const char t[] = "a:x:1:1::/:/bin/sh\nb::0:0::/:/bin/sh";
	struct rows rs;

	/* the cut "b::0..." might have been "b::0:..." or "b::01..." */
	parse(&rs, t, sizeof(t) - 1, true, true);
	cr_assert_eq(rs.n, 1);
	row_is(&rs, 0, "a", "x", 1, 1);
	parse(&rs, t, sizeof(t) - 1, true, false);
	cr_assert_eq(rs.n, 2);
	row_is(&rs, 1, "b", "", 0, 2);
}

Test(shadow, nul_bytes_and_no_terminator)
{
	static const char t[] = "ro\0t::0:0\nx\0y:\0:5\n";
	struct rows rs = {0};
	char *copy = malloc(sizeof(t) - 1); /* exactly n bytes: ASan catches an overread */

	memcpy(copy, t, sizeof(t) - 1);
	cr_assert_eq(lsc_shadow_foreach(copy, sizeof(t) - 1, true, false, collect, &rs), 0);
	cr_assert_eq(rs.n, 2);
	cr_assert_eq(rs.r[0].uid, 0);
	cr_assert_eq(rs.r[1].uid, 5);
	cr_assert_eq(rs.r[1].line, 2);
	cr_assert_eq(lsc_shadow_foreach(NULL, 0, true, false, collect, &rs), 0);
	free(copy);
}

Test(shadow, callback_stops_the_walk)
{
	static const char t[] = "a::1\nb::2\nc::3\n";
	struct rows rs = {.stop_after = 2};

	cr_assert_eq(lsc_shadow_foreach(t, sizeof(t) - 1, true, false, collect, &rs), -EINTR);
	cr_assert_eq(rs.n, 2);
}

static int count_only(const struct lsc_shadow_entry *e, void *payload)
{
	(void)e;
	(*(size_t *)payload)++;
	return 0;
}

Test(shadow, long_name_is_one_line)
{
	size_t n = (1u << 20) + 16, k = 0;
	char *t = malloc(n);

	memset(t, 'a', n);
	memcpy(t + n - 10, ":h:3\nb::4", 9);
	t[n - 1] = '\n';
	cr_assert_eq(lsc_shadow_foreach(t, n, true, false, count_only, &k), 0);
	cr_assert_eq(k, 2);
	free(t);
}

static void scheme_is(const char *field, enum lsc_shadow_scheme want, uint64_t cost)
{
	struct lsc_shadow_hash h;

	lsc_shadow_classify(&h, field, strlen(field));
	cr_assert_eq(h.scheme, want, "\"%s\": got %s, want %s", field,
		     lsc_shadow_scheme_name(h.scheme), lsc_shadow_scheme_name(want));
	cr_assert_eq(h.cost, cost, "\"%s\": cost %llu, want %llu", field,
		     (unsigned long long)h.cost, (unsigned long long)cost);
}

Test(shadow, classify_locks)
{
	scheme_is("", LSC_SHADOW_EMPTY, 0);
	scheme_is("!", LSC_SHADOW_LOCKED, 0);
	scheme_is("!!", LSC_SHADOW_LOCKED, 0);
	scheme_is("*", LSC_SHADOW_LOCKED, 0);
	scheme_is("*LK*", LSC_SHADOW_LOCKED, 0);
	scheme_is("!$6$salt$abc", LSC_SHADOW_LOCKED, 0);
	scheme_is("!*", LSC_SHADOW_LOCKED, 0);
	scheme_is("x", LSC_SHADOW_SEE_SHADOW, 0);
	scheme_is("NP", LSC_SHADOW_INVALID, 0);
	scheme_is("LOCKED", LSC_SHADOW_INVALID, 0);
	scheme_is(" ", LSC_SHADOW_INVALID, 0);
	scheme_is("ab6TRGT20sY2", LSC_SHADOW_INVALID, 0);	 /* 12: DES is 13 */
	scheme_is("ab6TRGT20sY26!", LSC_SHADOW_INVALID, 0);	 /* 14 */
	scheme_is("ab6TRGT20sY2 ", LSC_SHADOW_INVALID, 0);	 /* not the alphabet */
	scheme_is("_J9..saltN0fOwdAUVR", LSC_SHADOW_INVALID, 0); /* 19 */
}

Test(shadow, classify_schemes)
{
	scheme_is("ab6TRGT20sY26", LSC_SHADOW_DES, 0);
	scheme_is("_J9..saltN0fOwdAUVRA", LSC_SHADOW_BSDI, 725);
	scheme_is("$1$saltsalt$eddF1Fgeo8xl8zwwEHZMo.", LSC_SHADOW_MD5, 0);
	scheme_is("$3$$329153f560eb329c0e1deea55e88a1e9", LSC_SHADOW_NT, 0);
	scheme_is("$2$10$abc", LSC_SHADOW_BCRYPT_OLD, 10);
	scheme_is("$2x$05$abc", LSC_SHADOW_BCRYPT_X, 5);
	scheme_is("$2a$12$abc", LSC_SHADOW_BCRYPT, 12);
	scheme_is("$2b$05$abcdefghijklmnopqrstuuJ/uqQnGWb.PIEKF.YYD7e.M1.rwki5y", LSC_SHADOW_BCRYPT,
		  5);
	scheme_is("$2y$31$abc", LSC_SHADOW_BCRYPT, 31);
	scheme_is("$2b$xx$abc", LSC_SHADOW_BCRYPT, UINT64_MAX);
	scheme_is("$5$saltsalt$WLULcjGb361y/Bqz7vlF6palp.BldUHqPDoBcf37xmB", LSC_SHADOW_SHA256,
		  5000);
	scheme_is("$6$saltsalt$bAY90", LSC_SHADOW_SHA512, 5000);
	scheme_is("$6$rounds=1000$saltsalt$a4.PqE", LSC_SHADOW_SHA512, 1000);
	scheme_is("$6$rounds=999999999$s$h", LSC_SHADOW_SHA512, 999999999);
	scheme_is("$6$rounds=99999999999999$s$h", LSC_SHADOW_SHA512, UINT64_MAX);
	scheme_is("$6$rounds=$s$h", LSC_SHADOW_SHA512, UINT64_MAX);
	scheme_is("$y$j9T$saltsaltsaltsalt$66gPCF", LSC_SHADOW_YESCRYPT, 12);
	scheme_is("$y$j75$saltsaltsalt$58DKp8", LSC_SHADOW_YESCRYPT, 10);
	scheme_is("$y$jBT$salt$h", LSC_SHADOW_YESCRYPT, 14);
	scheme_is("$y$jCU$salt$h", LSC_SHADOW_YESCRYPT, UINT64_MAX);  /* r above 32 */
	scheme_is("$y$j9T2$salt$h", LSC_SHADOW_YESCRYPT, UINT64_MAX); /* extra params */
	scheme_is("$y$", LSC_SHADOW_YESCRYPT, UINT64_MAX);
	scheme_is("$gy$j9T$salt$h", LSC_SHADOW_GOST_YESCRYPT, 12);
	scheme_is("$7$CU..../....SsOo7$n4ip", LSC_SHADOW_SCRYPT, 14);
	scheme_is("$7$", LSC_SHADOW_SCRYPT, UINT64_MAX);
	scheme_is("$md5$salt$$h", LSC_SHADOW_SUNMD5, 0);
	scheme_is("$md5,rounds=58885$1qzhp/2a$$zLt", LSC_SHADOW_SUNMD5, 58885);
	scheme_is("$sha1$223759$salt$h", LSC_SHADOW_SHA1, 223759);
	scheme_is("$argon2id$v=19$m=65536$s$h", LSC_SHADOW_UNKNOWN, 0);
	scheme_is("$", LSC_SHADOW_UNKNOWN, 0);
	scheme_is("$6", LSC_SHADOW_UNKNOWN, 0);
}

Test(shadow, weak_schemes)
{
	static const enum lsc_shadow_scheme weak[] = {
	    LSC_SHADOW_DES,  LSC_SHADOW_BSDI,	    LSC_SHADOW_MD5,
	    LSC_SHADOW_NT,   LSC_SHADOW_BCRYPT_OLD, LSC_SHADOW_BCRYPT_X,
	    LSC_SHADOW_SHA1, LSC_SHADOW_SUNMD5,	    LSC_SHADOW_UNKNOWN,
	};
	size_t nweak = 0;

	for (int s = 0; s < LSC_SHADOW_NSCHEMES; s++) {
		bool want = false;

		for (size_t i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
			want |= weak[i] == (enum lsc_shadow_scheme)s;
		}
		cr_assert_eq(lsc_shadow_scheme_weak((enum lsc_shadow_scheme)s), want, "%s",
			     lsc_shadow_scheme_name((enum lsc_shadow_scheme)s));
		cr_assert_not_null(lsc_shadow_scheme_name((enum lsc_shadow_scheme)s));
		nweak += want;
	}
	cr_assert_eq(nweak, sizeof(weak) / sizeof(weak[0]));
	cr_assert_str_eq(lsc_shadow_scheme_name(LSC_SHADOW_NSCHEMES), "unknown");
}

static unsigned cost_of(const char *field)
{
	struct lsc_shadow_hash h;

	lsc_shadow_classify(&h, field, strlen(field));
	return lsc_shadow_guess_cost(&h);
}

Test(shadow, guess_cost_bounds)
{
	cr_assert_eq(cost_of(""), 0);
	cr_assert_eq(cost_of("!$6$s$h"), 0);
	cr_assert_eq(cost_of("NP"), 0);
	cr_assert_eq(cost_of("$argon2id$v=19$m=65536$s$h"), 0);
	cr_assert_eq(cost_of("$7$CU..../....SsOo7$n4ip"), 0);
	cr_assert_gt(cost_of("ab6TRGT20sY26"), 0);
	cr_assert_gt(cost_of("$6$s$h"), 0);
	cr_assert_gt(cost_of("$6$rounds=5000$s$h"), 0);
	cr_assert_eq(cost_of("$6$rounds=5001$s$h"), 0);
	cr_assert_gt(cost_of("$2b$12$abc"), 0);
	cr_assert_eq(cost_of("$2b$13$abc"), 0);
	cr_assert_eq(cost_of("$2b$03$abc"), 0);
	cr_assert_gt(cost_of("$y$j9T$s$h"), 0);
	cr_assert_eq(cost_of("$y$jAT$s$h"), 0);
	cr_assert_gt(cost_of("$md5$s$$h"), 0);
	cr_assert_eq(cost_of("$md5,rounds=1$s$$h"), 0);
	cr_assert_eq(cost_of("_zzzzsaltN0fOwdAUVRA"), 0);
	/* cheaper schemes cost less, so the budget lets more of them through */
	cr_assert_lt(cost_of("$6$s$h"), cost_of("$y$j9T$s$h"));
	cr_assert_lt(cost_of("$2b$05$abc"), cost_of("$2b$12$abc"));
	cr_assert_lt(cost_of("$y$j75$s$h"), cost_of("$y$j9T$s$h"));
}

static void guess_is(const char *hash, const char *name, const char *want)
{
	const char *got = NULL;
	int rc = lsc_shadow_guess(&got, hash, strlen(hash), name, strlen(name));

	if (!want) {
		cr_assert_eq(rc, 0, "%s: got \"%s\"", hash, got ? got : "?");
		cr_assert_null(got);
		return;
	}
	cr_assert_eq(rc, 1, "%s: no match, want \"%s\"", hash, want);
	cr_assert_str_eq(got, want, "%s", hash);
}

Test(shadow, guess)
{
	guess_is("ab6TRGT20sY26", "x", "root");
	guess_is("_J9..saltN0fOwdAUVRA", "x", "root");
	guess_is("$1$saltsalt$eddF1Fgeo8xl8zwwEHZMo.", "x", "root");
	guess_is("$1$saltsalt$w8LBIno3welBvvq4Jo.2Y/", "x", NULL); /* hunter2-Strong! */
	guess_is("$1$saltsalt$.SQogRuPN63cBYFw7x0J8/", "daemon", "(the account's name)");
	guess_is("$3$$329153f560eb329c0e1deea55e88a1e9", "x", "root");
	guess_is("$5$saltsalt$WLULcjGb361y/Bqz7vlF6palp.BldUHqPDoBcf37xmB", "x", "root");
	guess_is("$6$saltsalt$bAY90rAsHhyx.bxmKP9FE5UF4jP1iWgjV0ltM6ZJxfYkiIaCExjBZIbfmqmZEWoR65aM."
		 "1nFvG7fF3gYOjHpM.",
		 "x", "root");
	guess_is(
	    "$6$saltsalt$TYZqFuxMD0xxpsmexPXQWj2HefRmyFUG60b5oRYV6orLOMSU1xRpkXwVejb0wJtUKFFtiE"
	    "dUb3oPnsoXBV0m2/",
	    "root", NULL);
	guess_is(
	    "$6$rounds=1000$saltsalt$a4.PqESS9AVj4jyS2XmnNnKBX7uSRhrSBmqzmi0cwe7NToarMfNU3VYnjR"
	    "e2gepJINo3QdgDza/2ty7ISUq381",
	    "x", "root");
	guess_is("$2b$05$abcdefghijklmnopqrstuuJ/uqQnGWb.PIEKF.YYD7e.M1.rwki5y", "x", "root");
	guess_is("$y$j75$saltsaltsalt$58DKp8cK6kVdCL4fFFckN.K1pmW29seKdg2ByGYXXi5", "x", "root");
	guess_is("$y$j75$saltsaltsalt$a0D7QvmMjZYGG9iOMbs9x6XFkpGbf347hf.tz3mKui1", "daemon",
		 "(the account's name)");
	/* a lock is never tried, even over a matching hash */
	guess_is("!$1$saltsalt$eddF1Fgeo8xl8zwwEHZMo.", "x", NULL);
	/* a hash with a NUL or garbage after it is not the hash crypt returns */
	guess_is("$1$saltsalt$eddF1Fgeo8xl8zwwEHZMo.x", "x", NULL);
}

Test(shadow, guess_hash_with_nul)
{
	static const char h[] = "ab6TRGT20sY26";
	char buf[sizeof(h)];
	const char *got = (const char *)1;

	memcpy(buf, h, sizeof(h));
	buf[5] = 0;
	cr_assert_eq(lsc_shadow_guess(&got, buf, 13, "x", 1), 0);
	cr_assert_null(got);
	cr_assert_eq(lsc_shadow_guess_tries(), 16);
}
