/*
 * Image configs (lsc_config_parse) and the history lookup the report makes for every layer
 * (lsc_config_layer_created_by), over every index a layer could have and a few past the end.
 */
#include "fuzz_util.h"

#include "lib/error.h"
#include "lib/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_config c;
	size_t n;

	lsc_error_clear();
	if (lsc_config_parse(&c, data, size, "fuzz") < 0) {
		fuzz_touch(lsc_error_last());
		lsc_config_dispose(&c);
		return 0;
	}
	fuzz_touch(c.os);
	fuzz_touch(c.arch);
	fuzz_touch(c.variant);
	fuzz_touch(c.created);
	fuzz_touch(c.user);
	for (size_t i = 0; i < c.ndiff_ids; i++) {
		fuzz_touch(c.diff_ids[i]);
	}
	for (size_t i = 0; i < c.nhistory; i++) {
		fuzz_touch(c.history[i].created);
		fuzz_touch(c.history[i].created_by);
	}
	n = (c.ndiff_ids > c.nhistory ? c.ndiff_ids : c.nhistory) + 2;
	for (size_t i = 0; i < n; i++) {
		fuzz_touch(lsc_config_layer_created_by(&c, i));
	}
	fuzz_touch(lsc_config_layer_created_by(&c, (size_t)-1));
	lsc_config_dispose(&c);
	return 0;
}
