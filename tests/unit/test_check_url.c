/*
 * lib/secrets/check_url: URL passwords, reserved and loopback hosts, through the check table and
 * the module's own functions.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/secrets/check_url.h"
#include "lib/secrets/secret_check.h"

/* ---- helpers ---- */

static int run(enum lsc_secret_check c, const char *s)
{
	return lsc_secret_check_run(c, s, strlen(s));
}

static void pass(enum lsc_secret_check c, const char *s)
{
	cr_assert_eq(run(c, s), 1, "%s check should pass: \"%s\"", lsc_secret_check_name(c), s);
}

static void fail(enum lsc_secret_check c, const char *s)
{
	cr_assert_eq(run(c, s), 0, "%s check should fail: \"%s\"", lsc_secret_check_name(c), s);
}

/* ---- url-password ---- */

Test(check_url, url_passwords)
{
	pass(LSC_CHECK_URL_PASSWORD, "postgres://app:Zq8kP2vLr9xW@db.internal:5432/app");
	pass(LSC_CHECK_URL_PASSWORD, "postgresql://app:Zq8kP2vLr9xW@10.0.3.7/app?sslmode=require");
	pass(LSC_CHECK_URL_PASSWORD, "redis://:s3cR3tT0k3nQ@cache:6379/0");
	pass(LSC_CHECK_URL_PASSWORD, "https://deploy:gh5Tq9wLm2@git.corp.io/repo.git");
	pass(LSC_CHECK_URL_PASSWORD, "amqp://svc:W7x%40pQ9z@rabbit.prod.svc");
	pass(LSC_CHECK_URL_PASSWORD, "mongodb+srv://svc:pQ9zW7x2Lk@cluster0.ab1cd.mongodb.net/db");
	pass(LSC_CHECK_URL_PASSWORD, "ftp://bob:hunter2@[2001:db8::1]:21/");
	pass(LSC_CHECK_URL_PASSWORD, "mysql://root:admin123@mysql.shop.svc:3306/shop");
	pass(LSC_CHECK_URL_PASSWORD, "jdbc:postgresql://app:Zq8kP2vLr9xW@db:5432/x");
	pass(LSC_CHECK_GENERIC, "jdbc:postgresql://app:Zq8kP2vLr9xW@db:5432/x");

	fail(LSC_CHECK_URL_PASSWORD, "postgres://user:password@db.internal/app");
	fail(LSC_CHECK_URL_PASSWORD, "postgres://user:PASSWORD@db.internal/app");
	fail(LSC_CHECK_URL_PASSWORD, "mysql://root:pass@db/app");
	fail(LSC_CHECK_URL_PASSWORD, "mysql://root:passwd@db/app");
	fail(LSC_CHECK_URL_PASSWORD, "mysql://root:secret@db/app");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:****@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:********@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:xxx@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:xxxxxxxx@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://postgres:postgres@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:$DB_PASSWORD@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:${DB_PASSWORD}@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:%s@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:{}@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:{password}@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:{{ .Values.pw }}@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:%(password)s@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:<password>@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:changeme@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:%24%7BPASS%7D@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:@host.io/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@example.com/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@EXAMPLE.ORG/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@example.net:8080/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@db.example.com/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@db.example/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@db.invalid/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@/");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@:5432/");
	fail(LSC_CHECK_URL_PASSWORD, "https://host.io/path");
	fail(LSC_CHECK_URL_PASSWORD, "https://user@host.io/path");
	fail(LSC_CHECK_URL_PASSWORD, "https://host.io/a:b@c");
	fail(LSC_CHECK_URL_PASSWORD, "u:Zq8kP2vLr9xW@host.io");
	fail(LSC_CHECK_URL_PASSWORD, "://u:Zq8kP2vLr9xW@host.io");
	fail(LSC_CHECK_URL_PASSWORD, "https://u:Zq8k P2vL@host.io/");
	/* Not example.com, only names under it. */
	pass(LSC_CHECK_URL_PASSWORD, "https://u:Zq8kP2vLr9xW@myexample.company.io/");
}

/* Loopback and unspecified hosts: this machine, a test server or a local sidecar (issue 14). */
Test(check_url, url_passwords_loopback)
{
	static const char *const hosts[] = {
	    "localhost",       "LOCALHOST",  "localhost.",	  "api.localhost",
	    "127.0.0.1",       "127.0.0.1.", "127.1.2.3",	  "127.255.255.254",
	    "0.0.0.0",	       "[::1]",	     "[0:0:0:0:0:0:0:1]", "[::]",
	    "svc.test",	       "db.example", "x.invalid",	  "example.com",
	    "a.b.example.org",
	};
	static const char *const real[] = {
	    "128.0.0.1",     "126.0.0.1",   "10.0.0.1",	   "1.0.0.0",	   "[::2]",
	    "[2001:db8::1]", "localhostx",  "mylocalhost", "localhost.io", "127.0.0.256",
	    "127.0.0",	     "127.0.0.1.5", "0.0.0.1",	   "1270.0.0.1",   "localhost-db",
	    "test.io",	     "example.co",
	};
	char url[256];

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		snprintf(url, sizeof(url), "postgres://app:Zq8kP2vLr9xW@%s:5432/app", hosts[i]);
		fail(LSC_CHECK_URL_PASSWORD, url);
		snprintf(url, sizeof(url), "https://u:Zq8kP2vLr9xW@%s/path", hosts[i]);
		fail(LSC_CHECK_URL_PASSWORD, url);
		fail(LSC_CHECK_GENERIC, url);
	}
	for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++) {
		snprintf(url, sizeof(url), "postgres://app:Zq8kP2vLr9xW@%s:5432/app", real[i]);
		pass(LSC_CHECK_URL_PASSWORD, url);
	}
	fail(LSC_CHECK_URL_PASSWORD, "mysql://root:admin123@localhost:3306/shop");
	fail(LSC_CHECK_URL_PASSWORD, "redis://:s3cR3tT0k3nQ@127.0.0.1:6379/0");
	fail(LSC_CHECK_URL_PASSWORD, "http://user:pass%40word@127.0.0.1:8080/p?q=1#h");
}

/* ---- the module's own functions, without the table's trimming ---- */

static size_t scheme(const char *s)
{
	return lsc_check_url_scheme(s, strlen(s));
}

static int url_password(const char *s)
{
	return lsc_check_url_password(s, strlen(s));
}

Test(check_url, scheme_length_and_direct_calls)
{
	cr_assert_eq(scheme("postgres://app@db"), 8);
	cr_assert_eq(scheme("jdbc:mysql://db:3306/app"), 10);
	cr_assert_eq(scheme("mongodb+srv://c"), 11);
	cr_assert_eq(scheme("://db"), 0);
	cr_assert_eq(scheme("8ttp://db"), 0);
	cr_assert_eq(scheme("http:/db"), 0);
	cr_assert_eq(scheme("postgres"), 0);
	cr_assert_eq(lsc_check_url_scheme("http://", 4), 0); /* the length bounds the read */
	cr_assert_eq(url_password("postgres://app:Zq8kP2vLr9xW@db.internal:5432/app"), 1);
	cr_assert_eq(url_password("postgres://app:Zq8kP2vLr9xW@db.example.com/app"), 0);
	cr_assert_eq(url_password("postgres://app:Zq8kP2vLr9xW@127.0.0.1/app"), 0);
	/* the table trims the value, the module does not */
	cr_assert_eq(url_password(" postgres://app:Zq8kP2vLr9xW@db.internal/app"), 0);
	cr_assert_eq(run(LSC_CHECK_URL_PASSWORD, " postgres://app:Zq8kP2vLr9xW@db.internal/app"),
		     1);
}

Test(check_url, url_passwords_placeholder_wording)
{
	/* a documentation example inside a bundle (prisma's cli.js): the wording is the sample's */
	fail(LSC_CHECK_URL_PASSWORD,
	     "mongodb+srv://root:randompassword@cluster0.ab1cd.mongodb.net/mydb?retryWrites=true");
	fail(LSC_CHECK_URL_PASSWORD, "postgres://app:mysecretpassword@db.internal/app");
	fail(LSC_CHECK_URL_PASSWORD, "mysql://root:yourpasswd@db.internal/app");
	/* a digit, a capital or a symbol besides the word: a real password */
	pass(LSC_CHECK_URL_PASSWORD,
	     "mongodb+srv://root:Xk9password!2@cluster0.ab1cd.mongodb.net/mydb");
	pass(LSC_CHECK_URL_PASSWORD, "postgres://app:randompassword7@db.internal/app");
	pass(LSC_CHECK_URL_PASSWORD, "postgres://app:qhvmtzrwkpldsnbe@db.internal/app");
}
