/*
 * The secret engine (lsc_secrets_scan, lsc_secrets_begin/feed/end) with the built-in rules, and a
 * differential check of what secrets.h promises: content arrives in chunks of any size, a match
 * that straddles two chunks is found, line numbers are exact, each match of a rule is reported
 * once. The input is scanned whole, then fed again in chunks of sizes drawn from the input's own
 * hash (1 byte to twice the window); the two runs must report the same set of hits. A difference
 * aborts, so that libFuzzer saves the input.
 *
 * The first byte chooses text or binary mode, so every byte of the content stays free.
 */
#include "fuzz_util.h"

#include "util/error.h"
#include "lib/secrets/secrets.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_HITS 4096

struct hit {
	const struct lsc_secret_rule *rule;
	enum lsc_severity severity;
	uint64_t line, offset;
	size_t len;
	uint64_t secret_hash;
};

struct run {
	struct hit hits[MAX_HITS];
	size_t n;
	bool overflow;
};

static uint64_t fnv(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h = (h ^ b[i]) * 1099511628211ULL;
	}
	return h;
}

static int on_hit(const struct lsc_secret_hit *h, void *payload)
{
	struct run *r = payload;
	struct hit *o;

	if (!h->rule || h->line == 0) {
		abort(); /* lines are 1-based */
	}
	fuzz_touch_mem(h->secret, h->len);
	if (r->n == MAX_HITS) {
		r->overflow = true;
		return 0;
	}
	o = &r->hits[r->n++];
	o->rule = h->rule;
	o->severity = h->severity;
	o->line = h->line;
	o->offset = h->offset;
	o->len = h->len;
	o->secret_hash = fnv(h->secret, h->len);
	return 0;
}

/*
 * Hits come in keyword order (a match may start before its keyword), so runs are compared as
 * sets: sorted by offset, then rule; each (rule, offset) must appear once.
 */
static int by_offset(const void *pa, const void *pb)
{
	const struct hit *a = pa, *b = pb;

	if (a->offset != b->offset) {
		return a->offset < b->offset ? -1 : 1;
	}
	return a->rule == b->rule ? 0 : (a->rule < b->rule ? -1 : 1);
}

static void sort_unique(struct run *r)
{
	qsort(r->hits, r->n, sizeof(r->hits[0]), by_offset);
	for (size_t i = 1; i < r->n; i++) {
		if (by_offset(&r->hits[i - 1], &r->hits[i]) == 0) {
			abort(); /* one match of one rule reported twice */
		}
	}
}

static void report(const char *what, const struct run *a, const struct run *b)
{
	fprintf(stderr, "fuzz_secrets: %s: whole %zu hits, chunked %zu hits\n", what, a->n, b->n);
	for (size_t i = 0; i < a->n || i < b->n; i++) {
		const struct hit *x = i < a->n ? &a->hits[i] : NULL;
		const struct hit *y = i < b->n ? &b->hits[i] : NULL;

		fprintf(
		    stderr,
		    "  [%zu] whole %s@%llu line %llu len %zu | chunked %s@%llu line %llu len %zu\n",
		    i, x ? x->rule->rule->id : "-", x ? (unsigned long long)x->offset : 0,
		    x ? (unsigned long long)x->line : 0, x ? x->len : 0,
		    y ? y->rule->rule->id : "-", y ? (unsigned long long)y->offset : 0,
		    y ? (unsigned long long)y->line : 0, y ? y->len : 0);
	}
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run whole, chunked;
	const struct lsc_secrets *e;
	struct lsc_secrets_scanner *s;
	const uint8_t *p;
	uint64_t rng;
	size_t n, off = 0;
	bool binary;
	int rc1, rc2;

	if (size == 0) {
		return 0;
	}
	binary = data[0] & 1;
	p = data + 1;
	n = size - 1;
	if (lsc_secrets_builtin(&e) < 0 || lsc_secrets_scanner_new(&s, e) < 0) {
		abort();
	}
	whole.n = chunked.n = 0;
	whole.overflow = chunked.overflow = false;
	rc1 = lsc_secrets_scan(s, p, n, binary, on_hit, &whole);

	/* the same scanner again: begin must reset everything the previous scan left */
	rng = fnv(data, size) | 1;
	rc2 = lsc_secrets_begin(s, binary);
	while (rc2 == 0 && off < n) {
		size_t k;

		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		/* mostly small chunks, sometimes up to twice the window */
		k = (rng & 3) ? 1 + (rng >> 8) % 64 : 1 + (rng >> 8) % (2 * LSC_SECRET_WINDOW);
		if (k > n - off) {
			k = n - off;
		}
		rc2 = lsc_secrets_feed(s, p + off, k, on_hit, &chunked);
		off += k;
	}
	if (rc2 == 0) {
		rc2 = lsc_secrets_end(s, on_hit, &chunked);
	}
	fuzz_touch(lsc_error_last());
	lsc_secrets_scanner_free(s);

	if ((rc1 < 0) != (rc2 < 0)) {
		fprintf(stderr, "fuzz_secrets: whole scan %d, chunked scan %d\n", rc1, rc2);
		abort();
	}
	if (rc1 < 0 || whole.overflow || chunked.overflow) {
		return 0;
	}
	sort_unique(&whole);
	sort_unique(&chunked);
	if (whole.n != chunked.n) {
		report("hit count differs", &whole, &chunked);
	}
	for (size_t i = 0; i < whole.n; i++) {
		const struct hit *x = &whole.hits[i], *y = &chunked.hits[i];

		if (x->rule != y->rule || x->offset != y->offset || x->line != y->line ||
		    x->len != y->len || x->severity != y->severity ||
		    x->secret_hash != y->secret_hash) {
			report("hits differ", &whole, &chunked);
		}
	}
	return 0;
}
