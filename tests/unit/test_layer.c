#include "testutil.h"

#include "lib/error.h"
#include "lib/layer.h"

static const struct lsc_layer_limits lim = {1000, 1 << 20};

static struct lsc_layer *scan(const struct tu_buf *b, int *rc)
{
	struct lsc_layer *l;
	struct lsc_istream *in;

	cr_assert_eq(lsc_layer_new(&l, "blob-under-test", &lim, NULL), 0);
	cr_assert_eq(lsc_istream_mem_open(&in, b->p, b->n), 0);
	*rc = lsc_layer_scan(l, in, &lim, NULL, NULL);
	return l;
}

Test(layer, digests_counts_and_captures)
{
	const struct tu_entry e[] = {
		{"etc", NULL, AE_IFDIR, NULL, 0},
		{"etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0, NULL, 0},
		{"etc/os-release", NULL, AE_IFLNK, "../usr/lib/os-release", 0},
		{"usr/lib/os-release", "ID=alpine\n", 0, NULL, 0},
		{"app/.wh.gone", "", 0, NULL, 0},
	};
	struct tu_buf tar = tu_tar(e, 5), gz = tu_gzip(&tar);
	char want_digest[LSC_DIGEST_MAX], want_diff[LSC_DIGEST_MAX];
	const struct lsc_capture *c;
	struct lsc_layer *l;
	int rc;

	lsc_digest_buf(want_digest, gz.p, gz.n);
	lsc_digest_buf(want_diff, tar.p, tar.n);
	l = scan(&gz, &rc);
	cr_assert_eq(rc, 0, "%s", l->errmsg);
	cr_assert_str_eq(l->digest, want_digest);
	cr_assert_str_eq(l->diff_id, want_diff);
	cr_assert_eq(l->size, gz.n);
	cr_assert_eq(l->bytes_uncompressed, tar.n);
	cr_assert_eq(l->compression, LSC_COMP_GZIP);
	cr_assert_eq(l->files, 2); /* regular files only: whiteout markers are not files */
	c = lsc_layer_capture(l, "/etc/passwd");
	cr_assert_not_null(c);
	cr_assert(c->present);
	cr_assert_str_eq((const char *)c->data.data, "root:x:0:0::/root:/bin/sh\n");
	c = lsc_layer_capture(l, "/usr/lib/os-release");
	cr_assert(c && c->present);
	lsc_layer_free(l);
	tu_free(&tar);
	tu_free(&gz);
}

Test(layer, uncompressed_layer)
{
	const struct tu_entry e[] = {{"a", "x", 0, NULL, 0}};
	struct tu_buf tar = tu_tar(e, 1);
	struct lsc_layer *l;
	int rc;

	l = scan(&tar, &rc);
	cr_assert_eq(rc, 0);
	cr_assert_eq(l->compression, LSC_COMP_NONE);
	cr_assert_str_eq(l->digest, l->diff_id);
	lsc_layer_free(l);
	tu_free(&tar);
}

Test(layer, truncated_gzip_names_the_blob)
{
	const struct tu_entry e[] = {{"a", "some content to compress", 0, NULL, 0}};
	struct tu_buf tar = tu_tar(e, 1), gz = tu_gzip(&tar);
	struct lsc_layer *l;
	int rc;

	gz.n /= 2;
	l = scan(&gz, &rc);
	cr_assert_eq(rc, -LSC_E_TRUNCATED);
	cr_assert_eq(l->err, -LSC_E_TRUNCATED);
	cr_assert(strstr(l->errmsg, "blob-under-test") != NULL, "%s", l->errmsg);
	lsc_layer_free(l);
	tu_free(&tar);
	tu_free(&gz);
}

Test(layer, decompression_bound)
{
	static char big[2 << 20];
	struct tu_entry e[] = {{"zeros", big, 0, NULL, 0}};
	struct tu_buf tar, gz;
	struct lsc_layer *l;
	int rc;

	memset(big, 'z', sizeof(big) - 1);
	tar = tu_tar(e, 1);
	gz = tu_gzip(&tar);
	l = scan(&gz, &rc); /* lim.max_uncompressed is 1 MiB */
	cr_assert_eq(rc, -LSC_E_TOO_LARGE);
	lsc_layer_free(l);
	tu_free(&tar);
	tu_free(&gz);
}

Test(layer, not_a_tar)
{
	struct tu_buf junk = {(unsigned char *)strdup("this is not a tar archive at all, no"), 36};
	struct lsc_layer *l;
	int rc;

	l = scan(&junk, &rc);
	cr_assert(rc == -LSC_E_FORMAT || rc == -LSC_E_TRUNCATED, "rc %d", rc);
	cr_assert(strstr(l->errmsg, "blob-under-test") != NULL);
	lsc_layer_free(l);
	tu_free(&junk);
}

Test(layer, uncompressed_layers_are_bounded_too)
{
	static char big[2 << 20];
	struct tu_entry e[] = {{"big", big, 0, NULL, 0}};
	struct tu_buf tar;
	struct lsc_layer *l;
	int rc;

	memset(big, 'u', sizeof(big) - 1);
	tar = tu_tar(e, 1);
	l = scan(&tar, &rc); /* lim.max_uncompressed is 1 MiB */
	cr_assert_eq(rc, -LSC_E_TOO_LARGE, "%s", l->errmsg);
	lsc_layer_free(l);
	tu_free(&tar);
}
