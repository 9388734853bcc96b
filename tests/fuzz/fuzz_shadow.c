/*
 * passwd and shadow text (lsc_shadow_foreach) and password fields (lsc_shadow_classify), as an
 * image ships them. Not lsc_shadow_guess: crypt() is slow by design and parses nothing of ours.
 */
#include "fuzz_util.h"

#include "lib/detectors/shadow.h"

static int on_entry(const struct lsc_shadow_entry *e, void *payload)
{
	struct lsc_shadow_hash h;
	long *last = payload;

	/* every slice is inside the text: ASan sees an overread here, at its cause */
	fuzz_touch_mem(e->name, e->name_len);
	fuzz_touch_mem(e->password, e->password_len);
	if (e->name_len == 0 || e->line <= *last || e->uid < -1 || e->uid > (int64_t)UINT32_MAX) {
		__builtin_trap();
	}
	*last = e->line;
	lsc_shadow_classify(&h, e->password, e->password_len);
	fuzz_touch(lsc_shadow_scheme_name(h.scheme));
	fuzz_sink += lsc_shadow_scheme_weak(h.scheme) + lsc_shadow_guess_cost(&h);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data; /* not NUL-terminated: the parsers take a length */
	struct lsc_shadow_hash h;

	for (int passwd = 0; passwd < 2; passwd++) {
		for (int partial = 0; partial < 2; partial++) {
			long last = 0;

			if (lsc_shadow_foreach(text, size, passwd, partial, on_entry, &last) != 0) {
				__builtin_trap();
			}
		}
	}
	/* the whole input as one password field, for the classifier's edges */
	lsc_shadow_classify(&h, text, size);
	if ((unsigned)h.scheme >= LSC_SHADOW_NSCHEMES) {
		__builtin_trap();
	}
	fuzz_sink += lsc_shadow_guess_cost(&h);
	return 0;
}
