/*
 * Image configs (lsc_config_parse) and the history lookup the report makes for every layer
 * (lsc_config_layer_created_by), over every index a layer could have and a few past the end;
 * then the secret detector's config scan (Env, history, labels) over the parsed config.
 */
#include "fuzz_util.h"

#include "util/error.h"
#include "lib/config.h"
#include "lib/scan.h"

extern const struct lsc_detector_ops lsc_detect_secrets;

/* The secret detector's image() over config c (moved into a scan, which disposes it). */
static void scan_config_secrets(struct lsc_config *c)
{
	struct lsc_scan_options opts = {.target = "fuzz"};
	struct lsc_scan *s;

	if (lsc_scan_new(&s, &opts) < 0) {
		lsc_config_dispose(c);
		return;
	}
	s->config = *c;
	s->have_config = true;
	s->stage.config = &s->config;
	s->stage.report = &s->report;
	if (lsc_detect_secrets.image(&s->stage, NULL) < 0) {
		fuzz_touch(lsc_error_last());
	}
	for (size_t i = 0; i < s->stage.nfound; i++) {
		fuzz_touch(s->stage.found[i].match);
		fuzz_touch(s->stage.found[i].detail);
	}
	lsc_scan_free(s);
}

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
	scan_config_secrets(&c);
	return 0;
}
