/*
 * One place that knows every secret a scan found, and one routine every output calls before it
 * prints text from the image: the finding's detail, paths, ENV names, label and annotation keys
 * and values, history lines, the user, references. A secret found in one field (a token that is
 * an ENV name, a history line's password) is thereby redacted wherever else it appears, in every
 * format, not only in the finding's match.
 *
 * The secrets are sorted; a position of the text is looked up by binary search on its first
 * PREFIX bytes, so redacting a text costs O(length x log secrets), whatever the number of
 * findings. Secrets shorter than PREFIX (rare: the rules want long values) are tried one by one.
 */
#include "redactor.h"
#include "lib/secrets/secrets.h"
#include "util/str.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX 8
#define MIN_SECRET 4 /* shorter matches are redacted in their own finding only */
#define MESSAGE_MAX (64u << 10)

struct lsc_redactor {
	const char **longs; /* borrowed from the report, sorted, unique; PREFIX bytes or more */
	size_t nlongs;
	const char **shorts; /* MIN_SECRET to PREFIX - 1 bytes */
	size_t nshorts;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static size_t uniq(const char **v, size_t n)
{
	size_t o = 0;

	qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (o == 0 || strcmp(v[o - 1], v[i]) != 0) {
			v[o++] = v[i];
		}
	}
	return o;
}

static void add(struct lsc_redactor *x, const char *m)
{
	size_t n = m ? strlen(m) : 0;

	if (n >= PREFIX) {
		x->longs[x->nlongs++] = m;
	} else if (n >= MIN_SECRET) {
		x->shorts[x->nshorts++] = m;
	}
}

int lsc_redactor_new(struct lsc_redactor **out, const struct lsc_report *r)
{
	struct lsc_redactor *x = calloc(1, sizeof(*x));
	size_t n = r->nfindings + r->nignored + 1;

	*out = NULL;
	if (!x) {
		return -ENOMEM;
	}
	x->longs = malloc(n * sizeof(*x->longs));
	x->shorts = malloc(n * sizeof(*x->shorts));
	if (!x->longs || !x->shorts) {
		lsc_redactor_free(x);
		return -ENOMEM;
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		add(x, r->findings[i].match);
	}
	for (size_t i = 0; i < r->nignored; i++) {
		add(x, r->ignored[i].f.match);
	}
	x->nlongs = uniq(x->longs, x->nlongs);
	x->nshorts = uniq(x->shorts, x->nshorts);
	*out = x;
	return 0;
}

void lsc_redactor_free(struct lsc_redactor *x)
{
	if (x) {
		free(x->longs);
		free(x->shorts);
		free(x);
	}
}

/* The first of the sorted secrets whose first PREFIX bytes are not below those of p. */
static size_t lower_bound(const struct lsc_redactor *x, const char *p)
{
	size_t lo = 0, hi = x->nlongs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strncmp(x->longs[mid], p, PREFIX) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

/*
 * The length of the longest secret at p (left bytes to the end of the text), 0 when none. A text
 * that ends with the first PREFIX or more bytes of a secret counts too: a detail that cut a long
 * ENV name at its bound must not print the secret's first half in clear.
 */
static size_t secret_at(const struct lsc_redactor *x, const char *p, size_t left)
{
	size_t best = 0;

	if (left >= PREFIX) {
		for (size_t i = lower_bound(x, p);
		     i < x->nlongs && strncmp(x->longs[i], p, PREFIX) == 0; i++) {
			size_t n = strlen(x->longs[i]);

			if (n <= left && n > best && memcmp(x->longs[i], p, n) == 0) {
				best = n;
			} else if (n > left && left > best && memcmp(x->longs[i], p, left) == 0) {
				best = left;
			}
		}
	}
	for (size_t i = 0; i < x->nshorts; i++) {
		size_t n = strlen(x->shorts[i]);

		if (n <= left && n > best && memcmp(x->shorts[i], p, n) == 0) {
			best = n;
		}
	}
	return best;
}

/* Redacts, in place, every secret of x in s (same length: lsc_redact keeps it). */
static void redact_in_place(const struct lsc_redactor *x, char *s)
{
	size_t len = strlen(s);

	if (!x || (x->nlongs == 0 && x->nshorts == 0)) {
		return;
	}
	for (size_t i = 0; i < len;) {
		size_t n = secret_at(x, s + i, len - i);
		char save;

		if (n == 0) {
			i++;
			continue;
		}
		save = s[i + n];
		s[i + n] = 0;
		lsc_redact(s + i, s + i);
		s[i + n] = save;
		i += n;
	}
}

char *lsc_redactor_raw(const struct lsc_redactor *x, const char *s, unsigned flags)
{
	char *copy = s ? strdup(s) : NULL;

	if (copy && !(flags & LSC_REPORT_SHOW_SECRETS)) {
		redact_in_place(x, copy);
	}
	return copy;
}

char *lsc_redactor_text(const struct lsc_redactor *x, const char *s, unsigned flags)
{
	char *copy = lsc_redactor_raw(x, s, flags), *safe;

	if (!copy) {
		return NULL;
	}
	safe = lsc_str_safe_dup(copy, flags & LSC_TEXT_UTF8_ONLY ? LSC_SAFE_UTF8_ONLY : 0);
	free(copy);
	return safe;
}

struct hits {
	char *text;
	size_t len;
};

static int on_hit(const struct lsc_secret_hit *h, void *payload)
{
	struct hits *t = payload;

	if (h->offset + h->len <= t->len && h->len > 0) {
		char save = t->text[h->offset + h->len];

		t->text[h->offset + h->len] = 0;
		lsc_redact(t->text + h->offset, t->text + h->offset);
		t->text[h->offset + h->len] = save;
	}
	return 0;
}

char *lsc_redactor_message(const char *s, unsigned flags)
{
	const struct lsc_secrets *e;
	struct lsc_secrets_scanner *sc = NULL;
	struct hits t;
	char *safe;

	if (!s) {
		return NULL;
	}
	t.len = strnlen(s, MESSAGE_MAX);
	t.text = strndup(s, t.len);
	if (!t.text) {
		return NULL;
	}
	/*
	 * No report to ask: the message (an error, a warning) may quote a name from the image
	 * before any finding exists, so the secret engine itself looks at it. Should the engine
	 * fail, the message is replaced rather than printed unchecked.
	 */
	if (!(flags & LSC_REPORT_SHOW_SECRETS)) {
		int rc = lsc_secrets_builtin(&e);

		if (rc == 0) {
			rc = lsc_secrets_scanner_new(&sc, e);
		}
		if (rc == 0) {
			rc =
			    lsc_secrets_scan(sc, (const uint8_t *)t.text, t.len, false, on_hit, &t);
		}
		lsc_secrets_scanner_free(sc);
		if (rc < 0) {
			free(t.text);
			return strdup("(message withheld: it could not be checked for secrets)");
		}
	}
	safe = lsc_str_safe_dup(t.text, flags & LSC_TEXT_UTF8_ONLY ? LSC_SAFE_UTF8_ONLY : 0);
	free(t.text);
	return safe;
}
