/* docker save's manifest.json (lsc_save_manifest_parse). */
#include "fuzz_util.h"

#include "util/error.h"
#include "lib/save_manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_save_manifest m;

	lsc_error_clear();
	if (lsc_save_manifest_parse(&m, data, size, "fuzz") < 0) {
		fuzz_touch(lsc_error_last());
		lsc_save_manifest_dispose(&m);
		return 0;
	}
	for (size_t i = 0; i < m.nimages; i++) {
		const struct lsc_save_image *im = &m.images[i];

		fuzz_touch(im->config);
		for (size_t k = 0; k < im->nlayers; k++) {
			fuzz_touch(im->layers[k]);
		}
		for (size_t k = 0; k < im->nrepo_tags; k++) {
			fuzz_touch(im->repo_tags[k]);
		}
	}
	lsc_save_manifest_dispose(&m);
	return 0;
}
