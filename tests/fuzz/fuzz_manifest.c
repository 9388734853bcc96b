/*
 * OCI and Docker manifests and indexes (lsc_manifest_parse), and for an index the entry a scan
 * would pick (lsc_manifest_select) by platform and by tag, as the registry and OCI layout sources
 * call it on index.json. The first bytes of the input also go to lsc_platform_parse, the parser of
 * --platform, which is small enough to ride along.
 */
#include "fuzz_util.h"

#include "util/error.h"
#include "lib/manifest.h"
#include "lib/platform.h"

#include <stdlib.h>

static void touch_descriptor(const struct lsc_descriptor *d)
{
	fuzz_touch(d->media_type);
	fuzz_touch(d->digest);
	fuzz_touch(d->platform_os);
	fuzz_touch(d->platform_arch);
	fuzz_touch(d->platform_variant);
	fuzz_touch(d->ref_name);
}

static void select_one(const struct lsc_manifest *m, const char *platform, const char *tag)
{
	const struct lsc_descriptor *d = NULL;
	struct lsc_platform want;
	char buf[100];

	if (lsc_platform_parse(&want, platform) < 0) {
		abort(); /* a fixed, valid platform */
	}
	if (lsc_manifest_select(&d, m, &want, tag, "fuzz") == 0) {
		if (!d || d < m->manifests || d >= m->manifests + m->nmanifests) {
			abort(); /* *out must be borrowed from the index */
		}
		touch_descriptor(d);
	} else if (d) {
		abort(); /* a failed selection leaves *out NULL */
	}
	lsc_platform_format(buf, sizeof(buf), &want);
	fuzz_touch(lsc_error_last());
}

static void platform_string(const uint8_t *data, size_t size)
{
	struct lsc_platform p;
	char s[128], buf[100];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;

	memcpy(s, data, n);
	s[n] = 0;
	if (lsc_platform_parse(&p, s) == 0) {
		lsc_platform_format(buf, sizeof(buf), &p);
		fuzz_touch(buf);
		(void)lsc_platform_match(&p, "linux", "arm64", NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_manifest m;
	int rc;

	lsc_error_clear();
	platform_string(data, size);
	rc = lsc_manifest_parse(&m, data, size, "fuzz");
	fuzz_touch(lsc_error_last());
	if (rc < 0) {
		/* a failed parse leaves nothing to free; disposing it again must stay harmless */
		lsc_manifest_dispose(&m);
		return 0;
	}
	fuzz_touch(m.media_type);
	if (m.kind == LSC_MANIFEST_INDEX) {
		for (size_t i = 0; i < m.nmanifests; i++) {
			touch_descriptor(&m.manifests[i]);
		}
		select_one(&m, "linux/amd64", NULL);
		select_one(&m, "linux/arm64", NULL);
		select_one(&m, "linux/arm/v7", NULL);
		select_one(&m, "linux/amd64", "latest");
		select_one(&m, "linux/amd64", "1.0");
	} else {
		touch_descriptor(&m.config);
		for (size_t i = 0; i < m.nlayers; i++) {
			touch_descriptor(&m.layers[i]);
		}
	}
	lsc_manifest_dispose(&m);
	return 0;
}
