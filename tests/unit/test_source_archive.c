/* lib/source_archive: a docker save archive read into an intake alone, with no scan. */
#include "testutil.h"

#include "util/error.h"
#include "lib/manifest.h"
#include "lib/source.h"

/* An intake as the orchestrator would set it up, for target (a target string). */
static void intake_for(struct lsc_intake *in, struct lsc_target *t, struct lsc_platform *p,
		       struct lsc_layer_limits *lim, const char *target)
{
	cr_assert_eq(lsc_target_parse(t, target), 0, "%s", lsc_error_last());
	cr_assert_eq(lsc_platform_parse(p, NULL), 0);
	memset(lim, 0, sizeof(*lim));
	lim->max_entries = 1000;
	lim->max_uncompressed = 1 << 20;
	lsc_intake_init(in);
	in->target = t;
	in->platform = p;
}

Test(source_archive, docker_save_layers_and_config)
{
	struct tu_entry e0[] = {{"etc/hostname", "box\n", 0, NULL, 0}},
			e1[] = {{"app/run.sh", "#!/bin/sh\n", 0, NULL, 0}};
	struct tu_buf layers[2] = {tu_tar(e0, 1), tu_tar(e1, 1)};
	struct lsc_intake in;
	struct lsc_target t;
	struct lsc_platform p;
	struct lsc_layer_limits lim;
	char target[300], want[LSC_DIGEST_MAX];
	char *path = tu_docker_archive(layers, 2, "app");

	snprintf(target, sizeof(target), "docker-archive:%s", path);
	intake_for(&in, &t, &p, &lim, target);
	cr_assert_eq(lsc_source_for(t.transport), &lsc_source_archive);
	cr_assert_eq(lsc_source_archive.read(&in), 0, "%s", lsc_error_last());
	cr_assert_str_eq(in.transport, "docker-archive");
	cr_assert_str_eq(in.reference, "test/image:1");
	cr_assert(in.have_config);
	cr_assert_str_eq(in.config.os, "linux");
	cr_assert_str_eq(in.config.user, "app");
	cr_assert_not_null(in.config_digest);
	cr_assert_eq(in.nlayers, 2);
	cr_assert_eq(in.nowned, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct lsc_layer *l = in.layers[i].layer;

		cr_assert_not_null(l);
		cr_assert_eq(l->err, 0);
		lsc_digest_buf(want, layers[i].p, layers[i].n);
		cr_assert_str_eq(l->digest, want); /* uncompressed: digest and diff_id agree */
		cr_assert_str_eq(l->diff_id, in.config.diff_ids[i]);
		cr_assert_str_eq(in.layers[i].media_type, LSC_MT_DOCKER_LAYER);
		cr_assert_eq(l->files, 1);
	}
	lsc_intake_dispose(&in);
	lsc_target_dispose(&t);
	unlink(path);
	free(path);
	tu_free(&layers[0]);
	tu_free(&layers[1]);
}

Test(source_archive, not_an_image)
{
	struct tu_entry e[] = {{"hello.txt", "hi\n", 0, NULL, 0}};
	struct tu_buf tar = tu_tar(e, 1);
	struct lsc_intake in;
	struct lsc_target t;
	struct lsc_platform p;
	struct lsc_layer_limits lim;
	char path[] = "/tmp/lsc-test-XXXXXX", target[300];
	int fd = mkstemp(path);

	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, tar.p, tar.n), (ssize_t)tar.n);
	close(fd);
	snprintf(target, sizeof(target), "docker-archive:%s", path);
	intake_for(&in, &t, &p, &lim, target);
	cr_assert_eq(lsc_source_archive.read(&in), -LSC_E_FORMAT);
	cr_assert_not_null(strstr(lsc_error_last(), "no manifest.json or index.json"));
	cr_assert_eq(in.nlayers, 0);
	lsc_intake_dispose(&in);
	lsc_target_dispose(&t);
	unlink(path);
	tu_free(&tar);
}
