/*
 * What every fuzz target shares: reading a borrowed string or buffer through to its end, so that
 * AddressSanitizer sees a use after free, an overread or a missing terminator where a parser hands
 * out a pointer, not only where it writes one. Header-only; every function is static.
 */
#ifndef LSC_FUZZ_UTIL_H
#define LSC_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An LLVMFuzzerTestOneInput for every target: the one prototype libFuzzer calls. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t fuzz_sink;

static inline void fuzz_touch(const char *s)
{
	if (s) {
		fuzz_sink += strlen(s);
	}
}

static inline void fuzz_touch_mem(const void *p, size_t n)
{
	const volatile uint8_t *b = p;
	size_t acc = 0;

	/* every byte, so a short buffer is an overread here and not somewhere far away later */
	for (size_t i = 0; i < n; i++) {
		acc += b[i];
	}
	fuzz_sink += acc;
}

#endif
