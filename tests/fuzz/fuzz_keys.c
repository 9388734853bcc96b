/*
 * The private-key container parser (src/lib/secrets/keys.h): lsc_keys_pem_parse at every
 * "-----BEGIN " of the input (at most 64), lsc_keys_next_pem and lsc_keys_next_putty over the
 * whole input with a budget, lsc_keys_putty_parse at its start, lsc_keys_age_parse and
 * lsc_keys_skip_blank of the input, lsc_keys_der_sequence and lsc_keys_openssh_parse of the raw
 * bytes. Checks what the header promises: offsets inside the input, a block that holds has a kind,
 * a description and an end past its start, the walks move forward and spend their budget.
 *
 * And a differential: when the input has no backslash, the same text with every newline written
 * as a literal "\n" (a key pasted into a JSON string) must parse to the same verdict, kind,
 * encryption and description at its first marker. A difference aborts.
 */
#include "fuzz_util.h"

#include "lib/secrets/keys.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#define MAX_MARKERS 64

static void check_block(const struct lsc_keys_block *k, size_t n)
{
	if (memchr(k->label, 0, sizeof(k->label)) == NULL ||
	    memchr(k->desc, 0, sizeof(k->desc)) == NULL) {
		abort();
	}
	fuzz_touch(k->label);
	fuzz_touch(k->desc);
	if (k->end > n || (k->end != 0 && k->end <= k->start)) {
		abort();
	}
	if (k->holds &&
	    (k->kind == LSC_KEYS_NONE || k->desc[0] == 0 || k->end == 0 || k->published)) {
		abort();
	}
	if (!k->holds && k->encrypted) {
		abort();
	}
}

static void walk(const uint8_t *p, size_t n, bool putty)
{
	struct lsc_keys_block k;
	size_t pos = 0, last = 0;
	unsigned budget = 16, before;
	int rc;

	for (;;) {
		before = budget;
		rc = putty ? lsc_keys_next_putty(&k, p, n, &pos, &budget)
			   : lsc_keys_next_pem(&k, p, n, &pos, &budget);
		if (rc < 0 || budget > before || pos > n || (pos < last && rc >= 0)) {
			if (rc == -ENOMEM) { /* under libFuzzer's memory limit */
				return;
			}
			abort();
		}
		if (rc == 0) {
			return;
		}
		check_block(&k, n);
		if (!k.holds || k.start < last || pos <= k.start) {
			abort();
		}
		last = pos;
	}
}

/* The text with every '\n' written as the two characters '\\' 'n'; NULL when not applicable. */
static uint8_t *escaped(const uint8_t *p, size_t n, size_t *out_n)
{
	uint8_t *e;
	size_t o = 0;

	if (n > LSC_KEYS_BLOCK_MAX / 2 || memchr(p, '\\', n)) {
		return NULL;
	}
	e = malloc(2 * n + 1);
	if (!e) {
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n') {
			e[o++] = '\\';
			e[o++] = 'n';
		} else {
			e[o++] = p[i];
		}
	}
	*out_n = o;
	return e;
}

static void differential(const uint8_t *p, size_t n, size_t at)
{
	struct lsc_keys_block a, b;
	uint8_t *e;
	size_t en = 0, eat = 0;

	e = escaped(p, n, &en);
	if (!e) {
		return;
	}
	for (size_t i = 0; i < at; i++) {
		eat += p[i] == '\n' ? 2 : 1;
	}
	if (lsc_keys_pem_parse(&a, p, n, at) == 0 && lsc_keys_pem_parse(&b, e, en, eat) == 0) {
		if (a.holds != b.holds || a.kind != b.kind || a.encrypted != b.encrypted ||
		    strcmp(a.desc, b.desc) != 0 || strcmp(a.label, b.label) != 0 ||
		    (a.end == 0) != (b.end == 0)) {
			abort();
		}
	}
	free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char begin[] = "-----BEGIN ";
	struct lsc_keys_block k;
	struct lsc_keys_openssh o;
	size_t pos = 0, first = SIZE_MAX;
	int markers = 0;

	while (markers < MAX_MARKERS && pos < size) {
		const uint8_t *m = memmem(data + pos, size - pos, begin, sizeof(begin) - 1);
		size_t at;

		if (!m) {
			break;
		}
		at = (size_t)(m - data);
		if (first == SIZE_MAX) {
			first = at;
		}
		if (lsc_keys_pem_parse(&k, data, size, at) == 0) {
			check_block(&k, size);
			if (k.start != at) {
				abort();
			}
		}
		pos = at + 1;
		markers++;
	}
	if (first != SIZE_MAX) {
		differential(data, size, first);
	}
	walk(data, size, false);
	walk(data, size, true);
	if (lsc_keys_putty_parse(&k, data, size, 0) == 0) {
		check_block(&k, size);
	}
	lsc_keys_age_parse(&k, data, size);
	check_block(&k, size);
	if (lsc_keys_skip_blank(data, size, 0) > size) {
		abort();
	}
	if (lsc_keys_openssh_parse(&o, data, size, size)) {
		fuzz_touch_mem(o.cipher, o.cipher_len);
		if (o.type) {
			fuzz_touch_mem(o.type, o.type_len);
		}
	}
	fuzz_sink += lsc_keys_der_sequence(data, size, size, 0x02);
	return 0;
}
