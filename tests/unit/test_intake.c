/* lib/intake: what a source is given, used on its own (no scan, no source). */
#include "testutil.h"

#include "util/error.h"
#include "lib/intake.h"

#define H64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

Test(intake, set_layers_and_config)
{
	struct lsc_intake in;
	const char *cfg = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},"
			  "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";
	char dg[LSC_DIGEST_MAX];

	lsc_intake_init(&in);
	cr_assert_eq(lsc_intake_set_layers(&in, 3), 0);
	cr_assert_eq(in.nlayers, 3);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(in.layers[i].expect_size, -1);
		cr_assert_null(in.layers[i].layer);
	}
	cr_assert_eq(lsc_intake_set_config(&in, cfg, strlen(cfg), "cfg", "sha256:" H64),
		     -LSC_E_DIGEST_MISMATCH);
	cr_assert_not(in.have_config);
	lsc_digest_buf(dg, cfg, strlen(cfg));
	cr_assert_eq(lsc_intake_set_config(&in, cfg, strlen(cfg), "cfg", dg), 0, "%s",
		     lsc_error_last());
	cr_assert(in.have_config);
	cr_assert_str_eq(in.config_digest, dg);
	cr_assert_str_eq(in.config.os, "linux");
	lsc_intake_dispose(&in);
}

static int job(struct lsc_intake *in, size_t i, void *payload)
{
	int *ran = payload;

	(void)in;
	__atomic_add_fetch(&ran[i], 1, __ATOMIC_RELAXED);
	if (i == 5 || i == 7) {
		return lsc_error(LSC_E_FORMAT, "job %zu failed", i);
	}
	return 0;
}

Test(intake, parallel_reports_the_lowest_failed_job)
{
	struct lsc_intake in;
	int ran[8] = {0};

	lsc_intake_init(&in);
	in.jobs = 1; /* in order: job 5 fails, 6 and 7 are skipped */
	cr_assert_eq(lsc_intake_parallel(&in, 8, job, ran), -LSC_E_FORMAT);
	cr_assert_str_eq(lsc_error_last(), "job 5 failed");
	cr_assert_eq(ran[4], 1);
	cr_assert_eq(ran[6], 0);
	lsc_intake_dispose(&in);
}

Test(intake, blob_owned_and_dropped)
{
	struct tu_entry e[] = {{"a.txt", "a\n", 0, NULL, 0}};
	struct tu_buf tar = tu_tar(e, 1);
	struct lsc_layer_limits lim = {.max_entries = 100, .max_uncompressed = 1 << 20};
	struct lsc_intake in;
	struct lsc_istream *s;
	struct lsc_layer *l;
	char dg[LSC_DIGEST_MAX];

	lsc_intake_init(&in);
	in.limits = &lim;
	cr_assert_eq(lsc_istream_mem_open(&s, tar.p, tar.n), 0);
	cr_assert_eq(lsc_intake_blob(&l, &in, s, "layer"), 0, "%s", lsc_error_last());
	lsc_digest_buf(dg, tar.p, tar.n);
	cr_assert_str_eq(l->digest, dg);
	cr_assert_eq(l->files, 1);
	cr_assert_eq(in.nowned, 1);
	lsc_intake_blob_drop(&in, l);
	cr_assert_eq(in.nowned, 0);
	lsc_intake_dispose(&in);
	tu_free(&tar);
}
