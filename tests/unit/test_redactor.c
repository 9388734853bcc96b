/* lib/redactor: every secret of a report redacted wherever it appears, then made safe. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layerscan/layerscan.h"

#define TOK "ghp_0123456789abcdefghijklmnopqrstuvWXYZ"
#define TOK_RED "ghp_********************************WXYZ"
#define TOK2 "ghp_0123456789abcdefghijklmnopqrstuvQQQQ" /* same first 36 bytes */
#define TOK2_RED "ghp_********************************QQQQ"

static const struct lsc_rule rule = {"github-pat", LSC_CAT_SECRET, LSC_SEV_CRITICAL,
				     "GitHub",	   "A token.",	   "secret"};
static struct lsc_finding f[4];
static struct lsc_ignored ig[1];
static struct lsc_report rep;

static void setup(void)
{
	memset(f, 0, sizeof(f));
	memset(ig, 0, sizeof(ig));
	memset(&rep, 0, sizeof(rep));
	for (int i = 0; i < 4; i++) {
		f[i].rule = &rule;
		f[i].layer_index = -1;
	}
	f[0].match = TOK;
	f[1].match = TOK2;
	f[2].match = "pw12"; /* short: tried one by one */
	f[3].match = "abc";  /* under 4 bytes: only its own finding's match is redacted */
	ig[0].f.rule = &rule;
	ig[0].f.match = "IGNOREDSECRET-123";
	rep.findings = f;
	rep.nfindings = 4;
	rep.ignored = ig;
	rep.nignored = 1;
}

TestSuite(redactor, .init = setup);

static void text_is(const struct lsc_redactor *x, const char *in, unsigned flags, const char *want)
{
	char *got = lsc_redactor_text(x, in, flags);

	cr_assert_not_null(got);
	cr_assert_str_eq(got, want, "text(\"%s\") = \"%s\", want \"%s\"", in, got, want);
	free(got);
}

Test(redactor, every_occurrence_of_every_secret)
{
	struct lsc_redactor *x;

	cr_assert_eq(lsc_redactor_new(&x, &rep), 0);
	text_is(x, "GitHub in Env " TOK, 0, "GitHub in Env " TOK_RED);
	text_is(x, "/app/" TOK "/" TOK2 ".txt", 0, "/app/" TOK_RED "/" TOK2_RED ".txt");
	text_is(x, "RUN echo " TOK TOK, 0, "RUN echo " TOK_RED TOK_RED);
	text_is(x, "pass=pw12;", 0, "pass=p**2;");
	text_is(x, "abc stays", 0, "abc stays");
	text_is(x, "ignored: IGNOREDSECRET-123", 0, "ignored: IGNO*********-123");
	text_is(x, "nothing here", 0, "nothing here");
	lsc_redactor_free(x);
}

Test(redactor, a_secret_cut_at_the_end_of_a_text_is_redacted)
{
	struct lsc_redactor *x;

	cr_assert_eq(lsc_redactor_new(&x, &rep), 0);
	/* "Env %.200s" cut a long name: its head must not print in clear either */
	text_is(x, "in Env ghp_0123456789ab", 0, "in Env ghp_********89ab");
	/* under PREFIX bytes of a secret's head are not worth a guess */
	text_is(x, "in Env ghp_012", 0, "in Env ghp_012");
	lsc_redactor_free(x);
}

Test(redactor, show_secrets_keeps_them_and_still_escapes)
{
	struct lsc_redactor *x;

	cr_assert_eq(lsc_redactor_new(&x, &rep), 0);
	text_is(x, TOK "\033[2J", LSC_REPORT_SHOW_SECRETS, TOK "\\x1b[2J");
	lsc_redactor_free(x);
}

Test(redactor, sanitises_after_redacting)
{
	struct lsc_redactor *x;

	cr_assert_eq(lsc_redactor_new(&x, &rep), 0);
	text_is(x, "\033]2;" TOK "\007\xff\xe2\x80\xae", 0, "\\x1b]2;" TOK_RED "\\x07\\xff\\u202e");
	text_is(x, "\033\xff", LSC_TEXT_UTF8_ONLY, "\033\\xff");
	text_is(NULL, "\033" TOK, 0, "\\x1b" TOK);
	cr_assert_null(lsc_redactor_text(x, NULL, 0));
	lsc_redactor_free(x);
	lsc_redactor_free(NULL);
}

Test(redactor, many_secrets_with_one_prefix_stay_linear_enough)
{
	enum { N = 20000 };
	struct lsc_finding *many = calloc(N, sizeof(*many));
	char(*vals)[48] = calloc(N, sizeof(*vals));
	char *text = malloc(N * 8 + 64), *got;
	struct lsc_report r = {0};
	struct lsc_redactor *x;

	cr_assert(many && vals && text);
	for (int i = 0; i < N; i++) {
		snprintf(vals[i], sizeof(vals[i]), "AKIA%016d", i);
		many[i].rule = &rule;
		many[i].match = vals[i];
	}
	r.findings = many;
	r.nfindings = N;
	cr_assert_eq(lsc_redactor_new(&x, &r), 0);
	/* a long text with none of them: each position is one binary search */
	memset(text, 'A', N * 8);
	strcpy(text + N * 8, " AKIA0000000000012345 end");
	got = lsc_redactor_text(x, text, 0);
	cr_assert_not_null(got);
	cr_assert(strstr(got, " AKIA************2345 end") != NULL, "%s", got + N * 8);
	free(got);
	lsc_redactor_free(x);
	free(text);
	free(vals);
	free(many);
}

/* a real-looking token: its CRC32 checksum is valid, so the github-pat rule confirms it */
#define REAL "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"
#define REAL_RED "ghp_********************************ADmZ"

Test(redactor, messages_are_checked_by_the_engine)
{
	char *m = lsc_redactor_message("docker-archive:/tmp/" REAL "\033.tar: no such file", 0);

	cr_assert_not_null(m);
	cr_assert_str_eq(m, "docker-archive:/tmp/" REAL_RED "\\x1b.tar: no such file");
	free(m);
	m = lsc_redactor_message("x " REAL "\n", LSC_REPORT_SHOW_SECRETS);
	cr_assert_str_eq(m, "x " REAL "\\n");
	free(m);
}
