/* os-release(5) text (lsc_osrelease_parse, lsc_osrelease_get), as captured from a final image. */
#include "fuzz_util.h"

#include "lib/detectors/osrelease.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = {"NAME", "VERSION_CODENAME", "ID_LIKE", "I"};
	struct lsc_os_info os = {0};
	const char *text = (const char *)data; /* not NUL-terminated: the parser takes a length */

	lsc_osrelease_parse(&os, text, size);
	fuzz_touch(os.id);
	fuzz_touch(os.version_id);
	fuzz_touch(os.pretty_name);
	free(os.id);
	free(os.version_id);
	free(os.pretty_name);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char *v = lsc_osrelease_get(text, size, keys[i]);

		fuzz_touch(v);
		free(v);
	}
	return 0;
}
