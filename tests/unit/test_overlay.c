#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/overlay.h"

#define MAXL 4

static struct lsc_overlay_layer L[MAXL];
static struct lsc_overlay_layer *P[MAXL];

static void setup(void)
{
	for (int i = 0; i < MAXL; i++) {
		lsc_overlay_layer_init(&L[i], 1000);
		P[i] = &L[i];
	}
}

static void teardown(void)
{
	for (int i = 0; i < MAXL; i++) {
		lsc_overlay_layer_dispose(&L[i]);
	}
}

/* Adds an entry; returns whether it was a whiteout. */
static bool add(int layer, uint64_t seq, const char *path, enum lsc_tar_type type, const char *link)
{
	struct lsc_tar_entry e;
	bool wh = false;

	memset(&e, 0, sizeof(e));
	e.path = path;
	e.raw_path = path;
	e.type = type;
	e.link = link;
	e.index = seq;
	cr_assert_eq(lsc_overlay_layer_add(&L[layer], &e, &wh), 0);
	return wh;
}

TestSuite(overlay, .init = setup, .fini = teardown);

Test(overlay, untouched_file_is_visible)
{
	add(0, 0, "/app/.env", LSC_TAR_REG, NULL);
	add(1, 0, "/app/other", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible(P, 2, 0, "/app/.env", 0));
}

Test(overlay, whiteout_hides_lower_file_only)
{
	add(0, 0, "/app/.env", LSC_TAR_REG, NULL);
	cr_assert(add(1, 0, "/app/.wh..env", LSC_TAR_REG, NULL));
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/app/.env", 0));
	/* a whiteout in a lower layer does not hide content above it */
	add(2, 0, "/app/.env", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible(P, 3, 2, "/app/.env", 0));
}

Test(overlay, whiteout_of_parent_dir)
{
	add(0, 0, "/app/conf/key.pem", LSC_TAR_REG, NULL);
	add(1, 0, "/app/.wh.conf", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/app/conf/key.pem", 0));
}

Test(overlay, opaque_dir_hides_lower_content)
{
	add(0, 0, "/app/a/.env", LSC_TAR_REG, NULL);
	add(0, 1, "/other/.env", LSC_TAR_REG, NULL);
	add(1, 0, "/app", LSC_TAR_DIR, NULL);
	cr_assert(add(1, 1, "/app/.wh..wh..opq", LSC_TAR_REG, NULL));
	add(1, 2, "/app/new", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/app/a/.env", 0));
	cr_assert(lsc_overlay_visible(P, 2, 0, "/other/.env", 1));
	cr_assert(lsc_overlay_visible(P, 2, 1, "/app/new", 2));
}

Test(overlay, opaque_root)
{
	add(0, 0, "/x", LSC_TAR_REG, NULL);
	add(1, 0, "/.wh..wh..opq", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/x", 0));
}

Test(overlay, overwrite_in_later_layer)
{
	add(0, 0, "/app/.env", LSC_TAR_REG, NULL);
	add(1, 0, "/app/.env", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/app/.env", 0));
	cr_assert(lsc_overlay_visible(P, 2, 1, "/app/.env", 0));
}

Test(overlay, overwrite_within_layer)
{
	add(0, 3, "/app/.env", LSC_TAR_REG, NULL);
	add(0, 7, "/app/.env", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible(P, 1, 0, "/app/.env", 3));
	cr_assert(lsc_overlay_visible(P, 1, 0, "/app/.env", 7));
}

Test(overlay, directory_in_later_layer_does_not_hide)
{
	add(0, 0, "/app/.env", LSC_TAR_REG, NULL);
	add(1, 0, "/app", LSC_TAR_DIR, NULL);
	cr_assert(lsc_overlay_visible(P, 2, 0, "/app/.env", 0));
}

Test(overlay, parent_replaced_by_symlink_or_file)
{
	add(0, 0, "/app/.env", LSC_TAR_REG, NULL);
	add(0, 1, "/srv/.env", LSC_TAR_REG, NULL);
	add(1, 0, "/app", LSC_TAR_SYMLINK, "/opt/app");
	add(1, 1, "/srv", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/app/.env", 0));
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/srv/.env", 1));
}

Test(overlay, hardlink_keeps_content_reachable)
{
	add(0, 0, "/app/.env", LSC_TAR_REG, NULL);
	add(0, 1, "/backup/env", LSC_TAR_HARDLINK, "/app/.env");
	add(1, 0, "/app/.wh..env", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible(P, 2, 0, "/app/.env", 0));
	add(2, 0, "/.wh.backup", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible(P, 3, 0, "/app/.env", 0));
}

Test(overlay, aufs_metadata_ignored)
{
	cr_assert(add(0, 0, "/.wh..wh.plnk", LSC_TAR_DIR, NULL));
	add(0, 1, "/x", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible(P, 1, 0, "/x", 1));
}

Test(overlay, final_file_follows_symlinks)
{
	char resolved[LSC_PATH_MAX];
	size_t layer = 99;

	add(0, 0, "/usr/lib/os-release", LSC_TAR_REG, NULL);
	add(0, 1, "/etc/os-release", LSC_TAR_SYMLINK, "../usr/lib/os-release");
	add(1, 0, "/usr/lib/os-release", LSC_TAR_REG, NULL);
	cr_assert_eq(lsc_overlay_final_file(&layer, resolved, P, 2, "/etc/os-release"), 0);
	cr_assert_eq(layer, 1);
	cr_assert_str_eq(resolved, "/usr/lib/os-release");
}

Test(overlay, final_file_deleted_or_missing)
{
	char resolved[LSC_PATH_MAX];
	size_t layer;

	add(0, 0, "/etc/passwd", LSC_TAR_REG, NULL);
	add(1, 0, "/etc/.wh.passwd", LSC_TAR_REG, NULL);
	cr_assert_eq(lsc_overlay_final_file(&layer, resolved, P, 2, "/etc/passwd"),
		     -LSC_E_NOT_FOUND);
	cr_assert_eq(lsc_overlay_final_file(&layer, resolved, P, 2, "/nope"), -LSC_E_NOT_FOUND);
}

Test(overlay, final_file_symlink_loop)
{
	char resolved[LSC_PATH_MAX];
	size_t layer;

	add(0, 0, "/a", LSC_TAR_SYMLINK, "b");
	add(0, 1, "/b", LSC_TAR_SYMLINK, "a");
	cr_assert_eq(lsc_overlay_final_file(&layer, resolved, P, 1, "/a"), -LSC_E_NOT_FOUND);
}

Test(overlay, entry_bound)
{
	struct lsc_overlay_layer small;
	struct lsc_tar_entry e;
	char path[32];
	bool wh;
	int rc = 0;

	lsc_overlay_layer_init(&small, 10);
	memset(&e, 0, sizeof(e));
	for (int i = 0; i < 11 && rc == 0; i++) {
		snprintf(path, sizeof(path), "/f%d", i);
		e.path = path;
		e.index = (uint64_t)i;
		rc = lsc_overlay_layer_add(&small, &e, &wh);
	}
	cr_assert_eq(rc, -LSC_E_TOO_LARGE);
	lsc_overlay_layer_dispose(&small);
}

Test(overlay, directory_findings_merge_with_later_directories)
{
	add(0, 5, "/app/.git/config", LSC_TAR_REG, NULL);
	add(1, 0, "/app/.git", LSC_TAR_DIR, NULL);
	add(1, 1, "/app/.git/HEAD", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible_dir(P, 2, 0, "/app/.git"));
	add(2, 0, "/app/.git/.wh..wh..opq", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible_dir(P, 3, 0, "/app/.git"));
}

Test(overlay, directory_findings_hidden_by_whiteout_or_file)
{
	add(0, 0, "/app/.git/config", LSC_TAR_REG, NULL);
	add(1, 0, "/app/.wh..git", LSC_TAR_REG, NULL);
	cr_assert_not(lsc_overlay_visible_dir(P, 2, 0, "/app/.git"));
	add(2, 0, "/srv/.git/config", LSC_TAR_REG, NULL);
	add(3, 0, "/srv", LSC_TAR_SYMLINK, "/app");
	cr_assert(lsc_overlay_visible_dir(P, 3, 2, "/srv/.git"));
	cr_assert_not(lsc_overlay_visible_dir(P, 4, 2, "/srv/.git"));
}

/* Hard links are found by their target: each link counts only for content written before it. */
Test(overlay, hardlinks_by_target)
{
	add(0, 0, "/a", LSC_TAR_REG, NULL);
	add(0, 1, "/early", LSC_TAR_HARDLINK, "/b"); /* before /b's content: says nothing of it */
	add(0, 2, "/b", LSC_TAR_REG, NULL);
	add(0, 3, "/a1", LSC_TAR_HARDLINK, "/a");
	add(0, 4, "/a2", LSC_TAR_HARDLINK, "/a");
	add(0, 5, "/a2", LSC_TAR_REG, NULL); /* replaces the link /a2 in its own layer */
	add(1, 0, "/.wh.a", LSC_TAR_REG, NULL);
	add(1, 1, "/.wh.b", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible(P, 2, 0, "/a", 0), "reachable through /a1");
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/b", 2), "/early is older than /b's content");
	add(2, 0, "/.wh.a1", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible(P, 2, 0, "/a", 0), "two layers: the memo is per count");
	cr_assert_not(lsc_overlay_visible(P, 3, 0, "/a", 0), "/a1 deleted, /a2 is other content");
	cr_assert(lsc_overlay_visible(P, 2, 0, "/a", 0));
}

/*
 * 50k files and a link to each, under a root opaque marker: every finding hidden, each answered
 * by one look-up (a scan of every link for each file took 2.5e9 comparisons).
 */
Test(overlay, many_hardlinks_under_opaque_root, .timeout = 10)
{
	struct lsc_overlay_layer big;
	struct lsc_overlay_layer *two[2] = {&big, &L[1]};
	struct lsc_tar_entry e;
	char path[32], link[32];
	bool wh;
	const int n = 50000;

	lsc_overlay_layer_init(&big, 1000000);
	memset(&e, 0, sizeof(e));
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/c/f%06d", i);
		e.path = path;
		e.type = LSC_TAR_REG;
		e.index = (uint64_t)i;
		cr_assert_eq(lsc_overlay_layer_add(&big, &e, &wh), 0);
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/c/f%06d", i);
		snprintf(link, sizeof(link), "/c/f%06dL", i);
		e.path = link;
		e.link = path;
		e.type = LSC_TAR_HARDLINK;
		e.index = (uint64_t)(n + i);
		cr_assert_eq(lsc_overlay_layer_add(&big, &e, &wh), 0);
	}
	cr_assert(add(1, 0, "/.wh..wh..opq", LSC_TAR_REG, NULL));
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/c/f%06d", i);
		cr_assert_not(lsc_overlay_visible(two, 2, 0, path, (uint64_t)i));
		cr_assert(lsc_overlay_visible(two, 1, 0, path, (uint64_t)i),
			  "a link still sees it");
	}
	lsc_overlay_layer_dispose(&big);
}

/* Deep paths: the ancestors a later layer cannot hide cost no look-up, and those it can still do.
 */
Test(overlay, deep_paths_and_hiding_ancestors)
{
	char deep[LSC_PATH_MAX];
	size_t n = 0;

	while (n + 3 < sizeof(deep) - 8) {
		memcpy(deep + n, "/dd", 3);
		n += 3;
	}
	memcpy(deep + n, "/f", 3);
	add(0, 0, deep, LSC_TAR_REG, NULL);
	add(1, 0, "/other", LSC_TAR_REG, NULL);
	cr_assert(lsc_overlay_visible(P, 2, 0, deep, 0));
	deep[30] = 0; /* "/dd" x 10: a file there in layer 2 hides everything below */
	add(2, 0, deep, LSC_TAR_REG, NULL);
	deep[30] = '/';
	cr_assert_not(lsc_overlay_visible(P, 3, 0, deep, 0));
	cr_assert(lsc_overlay_visible(P, 2, 0, deep, 0));
}

Test(overlay, symlink_target_bound)
{
	struct lsc_tar_entry e;
	char *t = malloc(LSC_PATH_MAX + 1);
	bool wh;

	memset(t, 'x', LSC_PATH_MAX);
	t[LSC_PATH_MAX] = 0;
	memset(&e, 0, sizeof(e));
	e.path = "/l";
	e.type = LSC_TAR_SYMLINK;
	e.link = t;
	cr_assert_eq(lsc_overlay_layer_add(&L[0], &e, &wh), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "/l: symlink target longer"), "%s",
			   lsc_error_last());
	t[LSC_PATH_MAX - 1] = 0;
	cr_assert_eq(lsc_overlay_layer_add(&L[0], &e, &wh), 0);
	free(t);
}

/* A path costs its last component: files under one deep directory hold it once. */
Test(overlay, deep_directory_held_once, .timeout = 10)
{
	struct lsc_overlay_layer big;
	struct lsc_overlay_layer *two[2] = {&big, &L[1]};
	struct lsc_tar_entry e;
	char deep[LSC_PATH_MAX], path[LSC_PATH_MAX + 16]; /* room for "/%06d" after deep */
	size_t n = 0;
	bool wh;

	while (n + 4 < 4000) {
		memcpy(deep + n, "/d0", 3);
		n += 3;
	}
	deep[n] = 0;
	lsc_overlay_layer_init(&big, 100000);
	memset(&e, 0, sizeof(e));
	e.type = LSC_TAR_REG;
	for (int i = 0; i < 20000; i++) {
		snprintf(path, sizeof(path), "%s/%06d", deep, i);
		e.path = path;
		e.index = (uint64_t)i;
		cr_assert_eq(lsc_overlay_layer_add(&big, &e, &wh), 0);
	}
	/* 20k paths of 4000 bytes were 80 MB as whole strings */
	cr_assert_lt(big.nodes.key_bytes, 20000 * 16 + 1400 * 8, "%zu", big.nodes.key_bytes);
	snprintf(path, sizeof(path), "%s/%06d", deep, 19999);
	cr_assert(lsc_overlay_visible(two, 2, 0, path, 19999));
	cr_assert_not(lsc_overlay_visible(two, 2, 0, path, 19998));
	deep[30] = 0;
	add(1, 0, deep, LSC_TAR_SYMLINK, "/elsewhere");
	deep[30] = '/';
	cr_assert_not(lsc_overlay_visible(two, 2, 0, path, 19999), "a symlink above hides it");
	lsc_overlay_layer_dispose(&big);
}

/* Found by fuzz_overlay: an opaque root hides an entry at "/" itself, as it hides the rest. */
Test(overlay, opaque_root_hides_root_entry)
{
	size_t layer;
	char resolved[LSC_PATH_MAX];

	add(0, 0, "/", LSC_TAR_REG, NULL);
	cr_assert_eq(lsc_overlay_final_file(&layer, resolved, P, 1, "/"), 0);
	cr_assert(add(1, 0, "/.wh..wh..opq", LSC_TAR_REG, NULL));
	cr_assert_not(lsc_overlay_visible(P, 2, 0, "/", 0));
	cr_assert_eq(lsc_overlay_final_file(&layer, resolved, P, 2, "/"), -LSC_E_NOT_FOUND);
}
