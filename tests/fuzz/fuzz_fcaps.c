/*
 * security.capability values (lsc_fcaps_parse, lsc_fcaps_format, lsc_fcaps_severity), as a tar
 * header's PAX record hands them over: any bytes, any length. The value is copied to a buffer of
 * exactly its size so that AddressSanitizer sees a read past it. The abort()s check what fcaps.h
 * promises: a crash there is a broken promise, not a harness bug.
 */
#include "fuzz_util.h"

#include "lib/detectors/fcaps.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_fcaps c;
	char text[LSC_FCAPS_TEXT_MAX], small[24];
	const char *why = NULL;
	uint8_t *copy = malloc(size ? size : 1);
	int rc, n;

	if (!copy) {
		return 0;
	}
	if (size) {
		memcpy(copy, data, size);
	}
	rc = lsc_fcaps_parse(&c, &why, copy, size);
	free(copy);
	if (rc < 0) {
		/* a refusal is always a malformed value, and always says why */
		if (rc != -LSC_E_FORMAT || !why || !*why) {
			abort();
		}
		fuzz_touch(why);
		return 0;
	}
	if (why || c.revision < 1 || c.revision > 3 || c.has_rootid != (c.revision == 3) ||
	    (c.revision == 1 && ((c.permitted | c.inheritable) >> 32) != 0)) {
		abort();
	}
	/* LSC_FCAPS_TEXT_MAX holds the text of every value */
	n = lsc_fcaps_format(text, sizeof(text), &c);
	if (n <= 0 || (size_t)n != strlen(text)) {
		abort();
	}
	/* a short buffer gets a terminated prefix and the error */
	rc = lsc_fcaps_format(small, sizeof(small), &c);
	if (rc != n && (rc != -LSC_E_TOO_LARGE || strlen(small) != sizeof(small) - 1 ||
			strncmp(small, text, sizeof(small) - 1) != 0)) {
		abort();
	}
	fuzz_touch(small);
	if (lsc_fcaps_severity(&c) > LSC_SEV_CRITICAL) {
		abort();
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		fuzz_touch(lsc_fcaps_name(bit));
	}
	return 0;
}
