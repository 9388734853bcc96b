/*
 * The encoded-secret decoder (src/lib/secrets/encoded.h): lsc_encoded_foreach over the whole
 * input and lsc_encoded_k8s_secret of it. Checks what the header promises: each value's text is
 * KEY=DECODED with printable decoded bytes, its encoded span lies inside the input and its line
 * is one of the input's, at most LSC_ENCODED_MAX_VALUES values; a callback's error stops the
 * walk at once and is returned. A broken promise aborts.
 */
#include "fuzz_util.h"

#include "lib/secrets/encoded.h"

#include <stdbool.h>
#include <stdlib.h>

struct ctx {
	size_t n;
	uint64_t lines;
	unsigned count;
	unsigned stop_at; /* 0: never */
};

static int check(const struct lsc_encoded_value *v, void *payload)
{
	struct ctx *c = payload;

	fuzz_touch_mem(v->text, v->len);
	if (v->value_at == 0 || v->value_at > v->len || v->text[v->value_at - 1] != '=') {
		abort();
	}
	for (size_t i = v->value_at; i < v->len; i++) {
		unsigned char ch = (unsigned char)v->text[i];

		if ((ch < 0x20 || ch > 0x7e) && ch != '\t' && ch != '\n' && ch != '\r') {
			abort();
		}
	}
	if (v->offset > c->n || v->enclen > c->n - v->offset || v->enclen < LSC_ENCODED_MIN_LEN ||
	    v->enclen > LSC_ENCODED_MAX_LEN || v->line == 0 || v->line > c->lines) {
		abort();
	}
	if (++c->count > LSC_ENCODED_MAX_VALUES) {
		abort();
	}
	return c->stop_at && c->count == c->stop_at ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx c = {.n = size, .lines = 1};
	int rc;

	for (size_t i = 0; i < size; i++) {
		c.lines += data[i] == '\n';
	}
	fuzz_sink += lsc_encoded_k8s_secret(data, size);
	if (lsc_encoded_foreach(data, size, check, &c) != 0) {
		abort();
	}
	if (c.count > 0) {
		/* the same walk, stopped at its first value */
		unsigned total = c.count;

		c.count = 0;
		c.stop_at = 1;
		rc = lsc_encoded_foreach(data, size, check, &c);
		if (rc != -1 || c.count != 1 || total < 1) {
			abort();
		}
	}
	return 0;
}
