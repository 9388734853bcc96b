/*
 * A whole scan of an archive, end to end: the input is written to a memfd and scanned as
 * /proc/self/fd/N, as `layerscan scan FILE` would, so the archive source (docker save, Docker 25+
 * and OCI archives, themselves possibly compressed), the layer pipeline, manifest.json and
 * index.json resolution, config parsing, assembly, every detector's image stage and the JSON
 * report are all fed from the same bytes.
 *
 * It reaches into struct lsc_scan (an internal header) for one thing: the layer limits. The
 * defaults (64 GiB per layer) let a few kilobytes of zstd run for minutes; the fuzzer's timeout
 * would report that as a hang when it is the bound working as designed.
 */
#include "fuzz_util.h"

#include "lib/scan.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void on_log(enum lsc_log_level level, const char *msg, void *payload)
{
	(void)level;
	(void)payload;
	fuzz_touch(msg);
}

static void on_progress(const struct lsc_progress *p, void *payload)
{
	(void)payload;
	fuzz_touch(p->blob);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static void touch_report(const struct lsc_report *r)
{
	char *json = NULL;

	fuzz_touch(r->input);
	fuzz_touch(r->transport);
	fuzz_touch(r->reference);
	fuzz_touch(r->manifest_digest);
	fuzz_touch(r->config_digest);
	fuzz_touch(r->platform);
	fuzz_touch(r->user);
	fuzz_touch(r->created);
	fuzz_touch(r->os.id);
	fuzz_touch(r->os.version_id);
	fuzz_touch(r->os.pretty_name);
	for (size_t i = 0; i < r->nlayers; i++) {
		fuzz_touch(r->layers[i].media_type);
		fuzz_touch(r->layers[i].created_by);
	}
	for (size_t i = 0; i < r->nfindings; i++) {
		fuzz_touch(r->findings[i].path);
		fuzz_touch(r->findings[i].match);
		fuzz_touch(r->findings[i].detail);
		fuzz_touch(r->findings[i].layer_digest);
	}
	(void)lsc_report_fails(r, LSC_SEV_LOW);
	if (lsc_report_json(&json, r, LSC_SEV_HIGH, LSC_REPORT_SHOW_SECRETS) == 0) {
		fuzz_touch(json);
	}
	free(json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lsc_scan_options opts = {0};
	struct lsc_scan *s = NULL;
	char target[64];
	int fd = memfd_create("fuzz-archive", MFD_CLOEXEC);

	if (fd < 0 || write_all(fd, data, size) < 0) {
		abort();
	}
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	opts.target = target;
	opts.jobs = 1;
	opts.log = on_log;
	opts.progress = on_progress;
	if (lsc_scan_new(&s, &opts) < 0) {
		abort();
	}
	s->limits.max_entries = 10000;
	s->limits.max_uncompressed = 64u << 20;
	if (lsc_scan_run(s) == 0) {
		if (!lsc_scan_report(s)) {
			abort();
		}
		touch_report(lsc_scan_report(s));
	} else {
		if (lsc_scan_report(s)) {
			abort(); /* a failed run has no report */
		}
		fuzz_touch(lsc_scan_errmsg(s));
	}
	lsc_scan_free(s);
	close(fd);
	return 0;
}
