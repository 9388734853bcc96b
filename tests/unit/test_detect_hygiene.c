/*
 * The hygiene detector's per-layer part (package-manager caches), driven through its ops as the
 * layer walker calls them; its config, history and final-image checks are covered end to end by
 * tests/scan/cases/hygiene-*.json.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lib/detect.h"
#include "lib/layer.h"

extern const struct lsc_detector_ops lsc_detect_hygiene;

static const struct lsc_detector_ops *ops = &lsc_detect_hygiene;
static struct lsc_layer *L;
static void *S;
static uint64_t next_index;

static void start(void)
{
	struct lsc_layer_limits lim = {0};

	cr_assert_eq(lsc_layer_new(&L, "test", &lim, NULL), 0);
	cr_assert_eq(ops->layer_new(&S, NULL), 0);
	next_index = 0;
}

static void stop(void)
{
	ops->layer_free(S);
	lsc_layer_free(L);
}

static void feed(const char *path, enum lsc_tar_type type, int64_t size)
{
	struct lsc_tar_entry e = {.path = path,
				  .raw_path = path + 1,
				  .type = type,
				  .size = size,
				  .mode = 0644,
				  .index = next_index++};
	struct lsc_want want = {0};

	cr_assert_eq(ops->entry_begin(&want, S, L, &e), 0, "%s", path);
	cr_assert_eq(want.prefix, 0, "the cache check needs no content");
	cr_assert(!want.stream);
}

static const struct lsc_found *find(const char *path)
{
	for (size_t i = 0; i < L->nfound; i++) {
		if (strcmp(L->found[i].f.path, path) == 0) {
			return &L->found[i];
		}
	}
	return NULL;
}

TestSuite(detect_hygiene, .init = start, .fini = stop);

Test(detect_hygiene, rules_are_the_contract)
{
	static const struct {
		const char *id;
		enum lsc_severity sev;
	} want[] = {
	    {"sensitive-volume", LSC_SEV_HIGH},
	    {"ssh-port-exposed", LSC_SEV_MEDIUM},
	    {"no-healthcheck", LSC_SEV_INFO},
	    {"curl-pipe-shell", LSC_SEV_MEDIUM},
	    {"remote-add-without-checksum", LSC_SEV_LOW},
	    {"apt-update-without-install", LSC_SEV_LOW},
	    {"ssh-server", LSC_SEV_MEDIUM},
	    {"sudo-installed", LSC_SEV_MEDIUM},
	    {"package-cache", LSC_SEV_LOW},
	};

	cr_assert_str_eq(ops->name, "hygiene");
	cr_assert_eq(ops->nrules, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < ops->nrules; i++) {
		cr_assert_str_eq(ops->rules[i].id, want[i].id);
		cr_assert_eq(ops->rules[i].severity, want[i].sev, "%s", want[i].id);
		cr_assert_eq(ops->rules[i].category, LSC_CAT_CONFIG, "%s", want[i].id);
		cr_assert_str_eq(ops->rules[i].detector, "hygiene");
		cr_assert(strlen(ops->rules[i].description) > 40, "%s", want[i].id);
	}
}

Test(detect_hygiene, one_finding_per_cache_at_its_first_file)
{
	const struct lsc_found *f;

	feed("/var/lib/apt/lists", LSC_TAR_DIR, 0);
	feed("/var/lib/apt/lists/lock", LSC_TAR_REG, 0); /* empty: a lock, not a cache */
	feed("/var/lib/apt/lists/deb.debian.org_InRelease", LSC_TAR_REG, 100);
	feed("/var/lib/apt/lists/deb.debian.org_Packages.lz4", LSC_TAR_REG, 1000);
	feed("/var/cache/apk/APKINDEX.1.tar.gz", LSC_TAR_REG, 7);
	feed("/var/cache/apt-other/x", LSC_TAR_REG, 5);	   /* not /var/cache/apt/ */
	feed("/var/lib/apt/listsX/y", LSC_TAR_REG, 5);	   /* not /var/lib/apt/lists/ */
	feed("/root/.cache/pip/link", LSC_TAR_SYMLINK, 0); /* not a file */
	cr_assert_eq(L->nfound, 0, "reported at the layer's end, with the counts");
	cr_assert_eq(ops->layer_end(S, L), 0);
	cr_assert_eq(L->nfound, 2);
	f = find("/var/lib/apt/lists/deb.debian.org_InRelease");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->f.rule->id, "package-cache");
	cr_assert_eq(f->seq, 2, "anchored at the first file's entry, for in_final_image");
	cr_assert(!f->dir);
	cr_assert_str_eq(f->f.detail,
			 "apt package lists left in the layer: 2 files, 1100 bytes under "
			 "/var/lib/apt/lists");
	f = find("/var/cache/apk/APKINDEX.1.tar.gz");
	cr_assert_not_null(f);
	cr_assert_str_eq(f->f.detail,
			 "apk cache left in the layer: 1 file, 7 bytes under /var/cache/apk");
}

Test(detect_hygiene, a_layer_without_caches_reports_nothing)
{
	feed("/etc/hostname", LSC_TAR_REG, 3);
	feed("/var/cache/apt/archives/lock", LSC_TAR_REG, 0);
	feed("/var/cache/apt/archives/partial", LSC_TAR_DIR, 0);
	cr_assert_eq(ops->layer_end(S, L), 0);
	cr_assert_eq(L->nfound, 0);
}
