/*
 * The registry client's text parsers: image references (lsc_reference_parse, then the canonical
 * string must parse back to the same reference) and WWW-Authenticate challenges, which a registry
 * sends (lsc_auth_challenge_parse). The first byte picks: even is a reference, odd a challenge.
 */
#include "fuzz_util.h"

#include "lib/registry/challenge.h"
#include "util/error.h"
#include "lib/registry/reference.h"

#include <stdlib.h>
#include <string.h>

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1) {
		return 0;
	}
	text = malloc(size);
	if (!text) {
		return 0;
	}
	memcpy(text, data + 1, size - 1);
	text[size - 1] = 0; /* the parsers take C strings, as they come from argv and curl */
	lsc_error_clear();
	if (data[0] % 2 == 0) {
		struct lsc_reference r, back;
		char *canon = NULL;

		if (lsc_reference_parse(&r, text) == 0) {
			fuzz_touch(r.registry);
			fuzz_touch(r.host);
			fuzz_touch(r.repository);
			fuzz_touch(r.tag);
			fuzz_touch(r.digest);
			fuzz_touch(lsc_reference_manifest_ref(&r));
			if (lsc_reference_string(&canon, &r) == 0) {
				/* the canonical form is a reference to the same image */
				if (lsc_reference_parse(&back, canon) != 0 ||
				    !same(back.registry, r.registry) ||
				    !same(back.repository, r.repository) ||
				    !same(back.tag, r.tag) || !same(back.digest, r.digest)) {
					abort();
				}
				lsc_reference_dispose(&back);
				free(canon);
			}
			lsc_reference_dispose(&r);
		} else {
			fuzz_touch(lsc_error_last());
		}
	} else {
		struct lsc_auth_challenge c;

		if (lsc_auth_challenge_parse(&c, text) == 0) {
			fuzz_touch(c.realm);
			fuzz_touch(c.service);
			fuzz_touch(c.scope);
			lsc_auth_challenge_dispose(&c);
		} else {
			fuzz_touch(lsc_error_last());
		}
	}
	free(text);
	return 0;
}
