/* The user detector, end to end through a scan of a docker save archive built here. */
#include "testutil.h"

#include "layerscan/layerscan.h"

static int count_rule(const struct lsc_report *r, const char *id)
{
	int n = 0;

	for (size_t i = 0; i < r->nfindings; i++) {
		n += strcmp(r->findings[i].rule->id, id) == 0;
	}
	return n;
}

/* Scans an image with one layer holding passwd (may be NULL) and the given User. */
static void run(const char *user, const char *passwd, int want_root, int want_missing)
{
	struct tu_entry e[] = {{"etc/passwd", passwd, 0, NULL, 0}, {"bin/sh", "x", 0, NULL, 0}};
	struct tu_buf tar = passwd ? tu_tar(e, 2) : tu_tar(e + 1, 1);
	char *path = tu_docker_archive(&tar, 1, user);
	struct lsc_scan_options o = {.target = path, .jobs = 1};
	struct lsc_scan *s;
	const struct lsc_report *r;

	cr_assert_eq(lsc_scan_new(&s, &o), 0);
	cr_assert_eq(lsc_scan_run(s), 0, "%s", lsc_scan_errmsg(s));
	r = lsc_scan_report(s);
	cr_assert_eq(count_rule(r, "root-user"), want_root, "user '%s'", user ? user : "(none)");
	cr_assert_eq(count_rule(r, "user-not-in-passwd"), want_missing, "user '%s'",
		     user ? user : "(none)");
	for (size_t i = 0; i < r->nfindings; i++) {
		if (strcmp(r->findings[i].rule->id, "root-user") == 0) {
			cr_assert_eq(r->findings[i].source, LSC_LOC_CONFIG_USER);
			cr_assert_eq(r->findings[i].layer_index, -1);
			cr_assert_null(r->findings[i].path);
			cr_assert_eq(r->findings[i].severity, LSC_SEV_HIGH);
		}
	}
	lsc_scan_free(s);
	unlink(path);
	free(path);
	tu_free(&tar);
}

static const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
			"toor:x:0:0::/root:/bin/sh\n"
			"app:x:1000:1000::/home/app:/bin/sh\n";

Test(detect_user, no_user_is_root)
{
	run(NULL, pw, 1, 0);
	run("", pw, 1, 0);
	run("  ", pw, 1, 0);
}

Test(detect_user, root_forms)
{
	run("root", pw, 1, 0);
	run("0", pw, 1, 0);
	run("000", NULL, 1, 0);
	run("0:0", pw, 1, 0);
	run("0:1000", pw, 1, 0);
	run("root:app", pw, 1, 0);
}

Test(detect_user, name_mapped_to_uid0_by_passwd)
{
	run("toor", pw, 1, 0);
	run("toor:1000", pw, 1, 0);
}

Test(detect_user, non_root_passes)
{
	run("app", pw, 0, 0);
	run("1000", NULL, 0, 0);
	run("1000:0", NULL, 0, 0);
	run("65534:65534", pw, 0, 0);
}

Test(detect_user, unknown_name)
{
	run("ghost", pw, 0, 1);
	run("ghost", NULL, 0, 1);
}
