/*
 * lib/tar: the tar walker. Every tar is written at test time in memory with libarchive's writer
 * (pax restricted, as docker and buildkit write layers), some then damaged by hand.
 */
#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/tar.h"

struct ent {
	const char *path;
	int type; /* AE_IF*, 0 for a regular file */
	const char *content;
	const char *link;
	bool hardlink;
	unsigned mode; /* 0: 0644 */
	long long uid, gid;
	const char *xattr_name, *xattr_value;
	const char *xattr2_name, *xattr2_value;
};

struct tarbuf {
	uint8_t *p;
	size_t n;
};

static struct tarbuf make_tar(const struct ent *e, size_t n)
{
	size_t cap = 4 << 20, used = 0;
	struct tarbuf b = {malloc(cap), 0};
	struct archive *a = archive_write_new();

	cr_assert_eq(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	archive_write_set_bytes_in_last_block(a, 1);
	cr_assert_eq(archive_write_open_memory(a, b.p, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		size_t len = e[i].content ? strlen(e[i].content) : 0;

		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_perm(ae, e[i].mode ? e[i].mode : 0644);
		archive_entry_set_uid(ae, e[i].uid);
		archive_entry_set_gid(ae, e[i].gid);
		archive_entry_set_mtime(ae, 1700000000, 0);
		if (e[i].hardlink) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].link);
			len = 0;
		} else {
			archive_entry_set_filetype(ae, e[i].type ? (unsigned)e[i].type : AE_IFREG);
			if (e[i].type == AE_IFLNK) {
				archive_entry_set_symlink(ae, e[i].link);
			}
			if (e[i].type == AE_IFCHR || e[i].type == AE_IFBLK) {
				archive_entry_set_rdevmajor(ae, 1);
				archive_entry_set_rdevminor(ae, 3);
			}
		}
		if (e[i].xattr_name) {
			archive_entry_xattr_add_entry(ae, e[i].xattr_name, e[i].xattr_value,
						      strlen(e[i].xattr_value));
		}
		if (e[i].xattr2_name) {
			archive_entry_xattr_add_entry(ae, e[i].xattr2_name, e[i].xattr2_value,
						      strlen(e[i].xattr2_value));
		}
		archive_entry_set_size(ae, (la_int64_t)len);
		cr_assert_eq(archive_write_header(a, ae), ARCHIVE_OK, "%s",
			     archive_error_string(a));
		if (len) {
			cr_assert_eq(archive_write_data(a, e[i].content, len), (la_ssize_t)len);
		}
		archive_entry_free(ae);
	}
	cr_assert_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	b.n = used;
	return b;
}

/* What the callback saw, copied out of the borrowed entries. */
#define MAX_SEEN 64

struct seen_entry {
	char path[LSC_PATH_MAX];
	char raw[LSC_PATH_MAX];
	char link[LSC_PATH_MAX];
	bool has_link;
	enum lsc_tar_type type;
	int64_t size;
	uint32_t mode;
	int64_t uid, gid;
	uint64_t index;
	size_t nxattrs;
	char xname[2][64];
	char xvalue[2][64];
	size_t xsize[2];
	char *data; /* what the callback read (NULL when it read nothing) */
	size_t ndata, cap;
};

struct walk {
	struct seen_entry *e;
	size_t n;
	int read_mode;	/* 0: read all; 1: read nothing; 2: read one block; 3: via stream */
	size_t fail_at; /* callback fails at this entry (1-based; 0: never) */
	int fail_code;
	int data_rc; /* the last data read's code */
	bool stream_failed;
};

static void walk_init(struct walk *w, int read_mode)
{
	memset(w, 0, sizeof(*w));
	w->e = calloc(MAX_SEEN, sizeof(*w->e));
	w->read_mode = read_mode;
}

static void walk_dispose(struct walk *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->e[i].data);
	}
	free(w->e);
}

/* Grows geometrically: reads of a few bytes must not cost a realloc each. */
static void append(struct seen_entry *s, const void *p, size_t n)
{
	if (s->ndata + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 64;

		while (cap < s->ndata + n + 1) {
			cap *= 2;
		}
		s->data = realloc(s->data, cap);
		cr_assert_not_null(s->data);
		s->cap = cap;
	}
	memcpy(s->data + s->ndata, p, n);
	s->ndata += n;
	s->data[s->ndata] = 0;
}

static int on_entry(const struct lsc_tar_entry *e, struct lsc_tar_data *d, void *payload)
{
	struct walk *w = payload;
	struct seen_entry *s;
	const void *buf;
	ssize_t r;

	cr_assert_lt(w->n, MAX_SEEN);
	s = &w->e[w->n++];
	snprintf(s->path, sizeof(s->path), "%s", e->path);
	snprintf(s->raw, sizeof(s->raw), "%s", e->raw_path);
	if (e->link) {
		s->has_link = true;
		snprintf(s->link, sizeof(s->link), "%s", e->link);
	}
	s->type = e->type;
	s->size = e->size;
	s->mode = e->mode;
	s->uid = e->uid;
	s->gid = e->gid;
	s->index = e->index;
	s->nxattrs = e->nxattrs;
	for (size_t i = 0; i < e->nxattrs && i < 2; i++) {
		snprintf(s->xname[i], sizeof(s->xname[i]), "%s", e->xattrs[i].name);
		cr_assert_lt(e->xattrs[i].size, sizeof(s->xvalue[i]));
		memcpy(s->xvalue[i], e->xattrs[i].value, e->xattrs[i].size);
		s->xsize[i] = e->xattrs[i].size;
	}
	if (w->fail_at && w->n == w->fail_at) {
		return w->fail_code;
	}
	switch (w->read_mode) {
	case 0:
		while ((r = lsc_tar_data_read(d, &buf)) > 0) {
			append(s, buf, (size_t)r);
		}
		w->data_rc = (int)r;
		break;
	case 2:
		r = lsc_tar_data_read(d, &buf);
		if (r > 0) {
			append(s, buf, 1); /* look at the first byte only */
		}
		w->data_rc = (int)(r < 0 ? r : 0);
		break;
	case 3: {
		struct lsc_istream *st;
		char tmp[7];
		int rc;

		r = lsc_tar_data_read(d, &buf);
		if (r < 0) {
			w->data_rc = (int)r;
			break;
		}
		cr_assert_eq(lsc_tar_data_stream_open(&st, d, r > 0 ? buf : NULL, (size_t)r,
						      &w->stream_failed),
			     0);
		append(s, "", 0);
		while ((r = lsc_istream_read(st, tmp, sizeof(tmp))) > 0) {
			append(s, tmp, (size_t)r);
		}
		rc = lsc_istream_close(st);
		cr_assert_eq(rc, (int)r);
		w->data_rc = (int)r;
		break;
	}
	default:
		break;
	}
	return 0;
}

static int walk_buf(struct walk *w, const void *p, size_t n, const struct lsc_tar_limits *lim)
{
	struct lsc_istream *in;
	int rc, crc;

	cr_assert_eq(lsc_istream_mem_open(&in, p, n), 0);
	rc = lsc_tar_walk(in, "layer.tar", lim, on_entry, w);
	crc = lsc_istream_close(in);
	cr_assert_eq(crc, 0, "the walker never fails a healthy input stream");
	return rc;
}

static struct seen_entry *find(struct walk *w, const char *path)
{
	for (size_t i = 0; i < w->n; i++) {
		if (strcmp(w->e[i].path, path) == 0) {
			return &w->e[i];
		}
	}
	cr_assert_fail("no entry %s", path);
	return NULL;
}

/* --- entries ----------------------------------------------------------------------------- */

Test(tar, every_entry_type)
{
	const struct ent e[] = {
	    {.path = "etc/", .type = AE_IFDIR, .mode = 0755},
	    {.path = "etc/passwd", .content = "root:x:0:0::/root:/bin/sh\n", .uid = 0},
	    {.path = "usr/bin/su", .content = "ELF", .mode = 04755, .uid = 0, .gid = 0},
	    {.path = "usr/bin/wall", .content = "x", .mode = 02755, .gid = 5},
	    {.path = "tmp/", .type = AE_IFDIR, .mode = 01777},
	    {.path = "etc/os-release", .type = AE_IFLNK, .link = "../usr/lib/os-release"},
	    {.path = "etc/passwd-", .hardlink = true, .link = "etc/passwd"},
	    {.path = "dev/null", .type = AE_IFCHR, .mode = 0666},
	    {.path = "dev/sda", .type = AE_IFBLK, .mode = 0660},
	    {.path = "run/fifo", .type = AE_IFIFO, .mode = 0600},
	    {.path = "home/app/data", .content = "app data", .uid = 1000, .gid = 1001},
	};
	struct tarbuf t = make_tar(e, sizeof(e) / sizeof(e[0]));
	struct walk w;
	struct seen_entry *s;

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 11);
	for (size_t i = 0; i < w.n; i++) {
		cr_assert_eq(w.e[i].index, i);
	}

	s = find(&w, "/etc");
	cr_assert_eq(s->type, LSC_TAR_DIR);
	cr_assert_eq(s->mode, 0755);
	cr_assert_str_eq(s->raw, "etc/");
	cr_assert_not(s->has_link);

	s = find(&w, "/etc/passwd");
	cr_assert_eq(s->type, LSC_TAR_REG);
	cr_assert_eq(s->size, 26);
	cr_assert_str_eq(s->data, "root:x:0:0::/root:/bin/sh\n");
	cr_assert_eq(w.e[1].index, 1);

	s = find(&w, "/usr/bin/su");
	cr_assert_eq(s->mode, 04755, "setuid is kept");
	s = find(&w, "/usr/bin/wall");
	cr_assert_eq(s->mode, 02755, "setgid is kept");
	cr_assert_eq(s->gid, 5);
	s = find(&w, "/tmp");
	cr_assert_eq(s->mode, 01777, "sticky is kept");

	s = find(&w, "/etc/os-release");
	cr_assert_eq(s->type, LSC_TAR_SYMLINK);
	cr_assert(s->has_link);
	cr_assert_str_eq(s->link, "../usr/lib/os-release", "a symlink target is as written");
	cr_assert_eq(s->size, 0);

	s = find(&w, "/etc/passwd-");
	cr_assert_eq(s->type, LSC_TAR_HARDLINK);
	cr_assert_str_eq(s->link, "/etc/passwd", "a hardlink target is cleaned");
	cr_assert_eq(s->size, 0);

	cr_assert_eq(find(&w, "/dev/null")->type, LSC_TAR_CHR);
	cr_assert_eq(find(&w, "/dev/sda")->type, LSC_TAR_BLK);
	cr_assert_eq(find(&w, "/run/fifo")->type, LSC_TAR_FIFO);
	cr_assert_eq(find(&w, "/run/fifo")->mode, 0600);

	s = find(&w, "/home/app/data");
	cr_assert_eq(s->uid, 1000);
	cr_assert_eq(s->gid, 1001);
	cr_assert_str_eq(s->data, "app data");
	cr_assert_eq(s->index, 10);
	walk_dispose(&w);
	free(t.p);
}

Test(tar, names_are_cleaned_raw_kept)
{
	const struct ent e[] = {
	    {.path = "../x", .content = "escape"},
	    {.path = "/abs/file", .content = "abs"},
	    {.path = "./rel/./path//f", .content = "rel"},
	    {.path = "a/b/../../../../etc/shadow", .content = "s"},
	    {.path = "./", .type = AE_IFDIR},
	    {.path = "link", .hardlink = true, .link = "../../abs/./file"},
	};
	struct tarbuf t = make_tar(e, 6);
	struct walk w;

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 6);
	cr_assert_str_eq(w.e[0].path, "/x");
	cr_assert_str_eq(w.e[0].raw, "../x");
	cr_assert_str_eq(w.e[0].data, "escape");
	cr_assert_str_eq(w.e[1].path, "/abs/file");
	cr_assert_str_eq(w.e[1].raw, "/abs/file");
	cr_assert_str_eq(w.e[2].path, "/rel/path/f");
	cr_assert_str_eq(w.e[3].path, "/etc/shadow");
	cr_assert_str_eq(w.e[4].path, "/");
	cr_assert_eq(w.e[4].type, LSC_TAR_DIR);
	cr_assert_str_eq(w.e[5].path, "/link");
	cr_assert_eq(w.e[5].type, LSC_TAR_HARDLINK);
	cr_assert_str_eq(w.e[5].link, "/abs/file");
	walk_dispose(&w);
	free(t.p);
}

Test(tar, long_pax_paths_and_link_targets)
{
	char longpath[400], longlink[300], want[402];
	struct ent e[2];
	struct tarbuf t;
	struct walk w;

	memset(e, 0, sizeof(e));
	strcpy(longpath, "opt");
	while (strlen(longpath) < 300) {
		strcat(longpath, "/a-long-directory-name");
	}
	strcat(longpath, "/file.txt");
	memset(longlink, 'L', 250);
	longlink[250] = 0;
	e[0].path = longpath;
	e[0].content = "deep";
	e[1].path = "short";
	e[1].type = AE_IFLNK;
	e[1].link = longlink;
	t = make_tar(e, 2);
	snprintf(want, sizeof(want), "/%s", longpath);
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 2);
	cr_assert_gt(strlen(w.e[0].path), 300);
	cr_assert_str_eq(w.e[0].path, want);
	cr_assert_str_eq(w.e[0].data, "deep");
	cr_assert_str_eq(w.e[1].link, longlink);
	walk_dispose(&w);
	free(t.p);
}

Test(tar, utf8_path)
{
	const struct ent e[] = {{.path = "srv/caf\xc3\xa9/\xe2\x82\xac.txt", .content = "u"}};
	struct tarbuf t;
	struct walk w;

	/* the writer needs a UTF-8 locale to write a non-ASCII name as a pax path */
	if (!setlocale(LC_CTYPE, "C.UTF-8")) {
		cr_skip_test("no C.UTF-8 locale");
	}
	t = make_tar(e, 1);
	setlocale(LC_CTYPE, "C");

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 1);
	cr_assert_str_eq(w.e[0].path, "/srv/caf\xc3\xa9/\xe2\x82\xac.txt");
	walk_dispose(&w);
	free(t.p);
}

Test(tar, path_over_the_bound_is_too_large)
{
	char *p = malloc(LSC_PATH_MAX + 100);
	struct ent e[1];
	struct tarbuf t;
	struct walk w;

	memset(p, 'p', LSC_PATH_MAX + 99);
	p[LSC_PATH_MAX + 99] = 0;
	memset(e, 0, sizeof(e));
	e[0].path = p;
	e[0].content = "x";
	t = make_tar(e, 1);
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "layer.tar"), "%s", lsc_error_last());
	cr_assert_eq(w.n, 0);
	walk_dispose(&w);
	free(t.p);
	free(p);
}

/* A symlink target (a PAX linkpath) is bounded like a hard link's: the walk stops, naming it. */
Test(tar, symlink_target_over_the_bound_is_too_large)
{
	char *ok = malloc(LSC_PATH_MAX), *big = malloc(900000);
	struct ent e[2];
	struct tarbuf t;
	struct walk w;

	memset(ok, 't', LSC_PATH_MAX - 1);
	ok[LSC_PATH_MAX - 1] = 0;
	memset(big, 'T', 900000 - 1);
	big[900000 - 1] = 0;
	memset(e, 0, sizeof(e));
	e[0].path = "ok";
	e[0].type = AE_IFLNK;
	e[0].link = ok;
	e[1].path = "bad";
	e[1].type = AE_IFLNK;
	e[1].link = big;
	t = make_tar(e, 2);
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), -LSC_E_TOO_LARGE);
	cr_assert_not_null(strstr(lsc_error_last(), "layer.tar: /bad: link target too long"), "%s",
			   lsc_error_last());
	cr_assert_eq(w.n, 1, "the target of LSC_PATH_MAX - 1 bytes is within the bound");
	cr_assert_eq(strlen(w.e[0].link), LSC_PATH_MAX - 1);
	walk_dispose(&w);
	free(t.p);
	free(ok);
	free(big);
}

static const struct ent xattr_ents[] = {
    {.path = "usr/bin/ping",
     .content = "ELF",
     .xattr_name = "security.capability",
     .xattr_value = "\x01\x02"
		    "cap",
     .xattr2_name = "user.comment",
     .xattr2_value = "hello"},
    {.path = "plain", .content = "no xattrs"},
};

/* The xattrs of the entry e, looked up by name (copied out in on_entry for all of them). */
struct xattr_seen {
	char name[64];
	char value[64];
	size_t size;
};

static size_t all_xattrs(struct xattr_seen *out, size_t max, const struct lsc_tar_entry *e)
{
	size_t n = 0;

	for (size_t i = 0; i < e->nxattrs && n < max; i++, n++) {
		snprintf(out[n].name, sizeof(out[n].name), "%s", e->xattrs[i].name);
		memcpy(out[n].value, e->xattrs[i].value, e->xattrs[i].size);
		out[n].size = e->xattrs[i].size;
	}
	return n;
}

struct xattr_walk {
	struct xattr_seen x[LSC_TAR_MAX_XATTRS];
	size_t n;
	size_t plain_n;
};

static int on_xattr_entry(const struct lsc_tar_entry *e, struct lsc_tar_data *d, void *payload)
{
	struct xattr_walk *w = payload;

	if (strcmp(e->path, "/usr/bin/ping") == 0) {
		w->n = all_xattrs(w->x, LSC_TAR_MAX_XATTRS, e);
	} else {
		w->plain_n = e->nxattrs;
	}
	return 0;
}

static void walk_xattrs(struct xattr_walk *w)
{
	struct tarbuf t = make_tar(xattr_ents, 2);
	struct lsc_istream *in;

	memset(w, 0, sizeof(*w));
	cr_assert_eq(lsc_istream_mem_open(&in, t.p, t.n), 0);
	cr_assert_eq(lsc_tar_walk(in, "layer.tar", NULL, on_xattr_entry, w), 0, "%s",
		     lsc_error_last());
	lsc_istream_close(in);
	free(t.p);
}

Test(tar, xattrs_reach_the_callback)
{
	struct xattr_walk w;
	bool cap = false, user = false;

	walk_xattrs(&w);
	cr_assert_geq(w.n, 2);
	for (size_t i = 0; i < w.n; i++) {
		if (strcmp(w.x[i].name, "security.capability") == 0) {
			cap = true;
			cr_assert_eq(w.x[i].size, 5);
			cr_assert_eq(memcmp(w.x[i].value,
					    "\x01\x02"
					    "cap",
					    5),
				     0);
		} else if (strcmp(w.x[i].name, "user.comment") == 0) {
			user = true;
			cr_assert_eq(w.x[i].size, 5);
			cr_assert_eq(memcmp(w.x[i].value, "hello", 5), 0);
		} else {
			cr_assert_fail("unexpected xattr %s", w.x[i].name);
		}
	}
	cr_assert(cap, "security.capability reaches e->xattrs");
	cr_assert(user, "user.comment reaches e->xattrs");
	cr_assert_eq(w.plain_n, 0);
}

/*
 * Regression: libarchive's pax writer stores each xattr twice (LIBARCHIVE.xattr.NAME and
 * SCHILY.xattr.NAME) and its reader reports both; the walker lists each name once, so a
 * permissions detector does not report one file capability twice.
 */
Test(tar, xattr_names_are_unique)
{
	struct xattr_walk w;

	walk_xattrs(&w);
	cr_assert_eq(w.n, 2, "%zu xattrs for 2 distinct names", w.n);
	for (size_t i = 0; i < w.n; i++) {
		for (size_t k = i + 1; k < w.n; k++) {
			cr_assert_str_neq(w.x[i].name, w.x[k].name, "xattr %s listed twice",
					  w.x[i].name);
		}
	}
}

/* --- data and skipping ------------------------------------------------------------------- */

static char *big_content(size_t n, char seed)
{
	char *p = malloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		p[i] = (char)('a' + (seed + i * 7) % 26);
	}
	p[n] = 0;
	return p;
}

Test(tar, callback_reading_nothing_still_walks_all)
{
	char *big = big_content(700000, 1), *mid = big_content(1025, 2);
	const struct ent e[] = {
	    {.path = "big", .content = big},
	    {.path = "dir", .type = AE_IFDIR},
	    {.path = "mid", .content = mid},
	    {.path = "last", .content = "the end"},
	};
	struct tarbuf t = make_tar(e, 4);
	struct walk w;

	walk_init(&w, 1);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 4);
	cr_assert_str_eq(w.e[0].path, "/big");
	cr_assert_eq(w.e[0].size, 700000);
	cr_assert_str_eq(w.e[2].path, "/mid");
	cr_assert_eq(w.e[2].size, 1025);
	cr_assert_str_eq(w.e[3].path, "/last");
	cr_assert_null(w.e[3].data);
	walk_dispose(&w);

	/* reading part of each entry does not desynchronise the walk either */
	walk_init(&w, 2);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 4);
	cr_assert_eq(w.e[0].data[0], big[0]);
	cr_assert_eq(w.e[2].data[0], mid[0]);
	cr_assert_str_eq(w.e[3].path, "/last");
	cr_assert_eq(w.e[3].data[0], 't');
	walk_dispose(&w);

	/* and reading everything gets every byte */
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.e[0].ndata, 700000);
	cr_assert_eq(memcmp(w.e[0].data, big, 700000), 0);
	cr_assert_str_eq(w.e[2].data, mid);
	cr_assert_str_eq(w.e[3].data, "the end");
	walk_dispose(&w);
	free(t.p);
	free(big);
	free(mid);
}

Test(tar, data_read_after_end_stays_zero)
{
	const struct ent e[] = {{.path = "f", .content = "abc"}};
	struct tarbuf t = make_tar(e, 1);
	struct walk w;

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0);
	cr_assert_eq(w.data_rc, 0);
	cr_assert_str_eq(w.e[0].data, "abc");
	walk_dispose(&w);
	free(t.p);
}

Test(tar, data_stream)
{
	char *big = big_content(300001, 3);
	const struct ent e[] = {
	    {.path = "small", .content = "0123456789abcdef"},
	    {.path = "empty", .content = ""},
	    {.path = "big", .content = big},
	};
	struct tarbuf t = make_tar(e, 3);
	struct walk w;

	walk_init(&w, 3);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 3);
	cr_assert_str_eq(w.e[0].data, "0123456789abcdef");
	cr_assert_eq(w.e[1].ndata, 0);
	cr_assert_eq(w.e[2].ndata, 300001);
	cr_assert_eq(memcmp(w.e[2].data, big, 300001), 0);
	cr_assert_not(w.stream_failed);
	walk_dispose(&w);
	free(t.p);
	free(big);
}

Test(tar, data_stream_on_truncated_entry_reports_archive_failure)
{
	char *big = big_content(5000, 4);
	const struct ent e[] = {{.path = "app/big.bin", .content = big}};
	struct tarbuf t = make_tar(e, 1);
	struct walk w;

	walk_init(&w, 3);
	/* header + 2000 bytes of the 5000 */
	cr_assert_eq(walk_buf(&w, t.p, 512 + 2000, NULL), -LSC_E_TRUNCATED);
	cr_assert_eq(w.data_rc, -LSC_E_TRUNCATED);
	cr_assert(w.stream_failed, "the archive failed, not the consumer");
	cr_assert_not_null(strstr(lsc_error_last(), "/app/big.bin"), "%s", lsc_error_last());
	walk_dispose(&w);
	free(t.p);
	free(big);
}

/* --- limits and errors ------------------------------------------------------------------- */

Test(tar, callback_error_stops_the_walk)
{
	const struct ent e[] = {
	    {.path = "a", .content = "1"},
	    {.path = "b", .content = "2"},
	    {.path = "c", .content = "3"},
	};
	struct tarbuf t = make_tar(e, 3);
	struct walk w;

	walk_init(&w, 0);
	w.fail_at = 2;
	w.fail_code = -LSC_E_CANCELLED;
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), -LSC_E_CANCELLED);
	cr_assert_eq(w.n, 2, "no entry after the failing one");
	walk_dispose(&w);

	walk_init(&w, 1);
	w.fail_at = 1;
	w.fail_code = -ENOMEM;
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), -ENOMEM);
	cr_assert_eq(w.n, 1);
	walk_dispose(&w);
	free(t.p);
}

Test(tar, max_entries)
{
	const struct ent e[] = {
	    {.path = "a", .content = "1"},
	    {.path = "b", .content = "2"},
	    {.path = "c", .content = "3"},
	};
	struct tarbuf t = make_tar(e, 3);
	struct lsc_tar_limits lim = {2};
	struct walk w;

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, &lim), -LSC_E_TOO_LARGE);
	cr_assert_eq(w.n, 2);
	cr_assert_not_null(strstr(lsc_error_last(), "more than 2 entries"), "%s", lsc_error_last());
	walk_dispose(&w);

	lim.max_entries = 3;
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, &lim), 0, "exactly at the bound is fine");
	cr_assert_eq(w.n, 3);
	walk_dispose(&w);

	lim.max_entries = 0;
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, &lim), 0, "0 is no bound");
	cr_assert_eq(w.n, 3);
	walk_dispose(&w);
	free(t.p);
}

/* Regression: libarchive calls 0 bytes "Unrecognized archive format"; it is an empty layer. */
Test(tar, empty_input_is_an_empty_layer)
{
	struct walk w;

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, "", 0, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 0);
	walk_dispose(&w);
}

Test(tar, end_of_archive_marker_only)
{
	static const uint8_t zeros[1024];
	struct walk w;

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, zeros, sizeof(zeros), NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 0);
	walk_dispose(&w);
	/* a whole 10 KiB record of zeros, as tar(1) writes it */
	{
		uint8_t *rec = calloc(1, 10240);

		walk_init(&w, 0);
		cr_assert_eq(walk_buf(&w, rec, 10240, NULL), 0, "%s", lsc_error_last());
		cr_assert_eq(w.n, 0);
		walk_dispose(&w);
		free(rec);
	}
}

Test(tar, garbage_is_format_error)
{
	char junk[4096];
	struct walk w;

	for (size_t i = 0; i < sizeof(junk); i++) {
		junk[i] = (char)('A' + i % 23);
	}
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, junk, sizeof(junk), NULL), -LSC_E_FORMAT);
	cr_assert_not_null(strstr(lsc_error_last(), "layer.tar"), "%s", lsc_error_last());
	cr_assert_eq(w.n, 0);
	walk_dispose(&w);
}

Test(tar, gzip_bytes_are_not_a_tar)
{
	/* the walker reads tar only; decompression is the stream chain's job */
	static const uint8_t gz[600] = {0x1f, 0x8b, 0x08, 0x00};
	struct walk w;

	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, gz, sizeof(gz), NULL), -LSC_E_FORMAT);
	walk_dispose(&w);
}

/*
 * A damaged header after a good entry: libarchive answers ARCHIVE_RETRY ("Damaged tar archive")
 * with a cleared entry. The detail names the last good entry.
 */
Test(tar, garbage_after_valid_entries)
{
	const struct ent e[] = {{.path = "ok", .content = "fine"}};
	struct tarbuf t = make_tar(e, 1);
	uint8_t *buf = malloc(512 + 512 + 1024);
	struct walk w;

	/* the entry, then a non-zero block where the next header should be */
	memcpy(buf, t.p, 1024);
	memset(buf + 1024, 'G', 1024);
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, buf, 2048, NULL), -LSC_E_FORMAT);
	cr_assert_eq(w.n, 1);
	cr_assert_not_null(strstr(lsc_error_last(), "/ok"), "the error names the entry before: %s",
			   lsc_error_last());
	walk_dispose(&w);
	free(buf);
	free(t.p);
}

static void set_octal(uint8_t *h, size_t off, size_t width, unsigned long long v)
{
	char tmp[32];

	snprintf(tmp, sizeof(tmp), "%0*llo", (int)width - 1, v);
	memcpy(h + off, tmp, width - 1);
	h[off + width - 1] = 0;
}

static void fix_checksum(uint8_t *h)
{
	unsigned sum = 0;
	char tmp[8];

	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++) {
		sum += h[i];
	}
	snprintf(tmp, sizeof(tmp), "%06o", sum);
	memcpy(h + 148, tmp, 6);
	h[154] = 0;
	h[155] = ' ';
}

Test(tar, size_field_larger_than_the_data_is_truncated)
{
	const struct ent e[] = {
	    {.path = "etc/secret.key", .content = "0123456789"},
	    {.path = "next", .content = "n"},
	};
	struct tarbuf t = make_tar(e, 2);
	struct walk w;

	/* a plain ustar header at offset 0, no pax header in front of it */
	cr_assert_str_eq((char *)t.p, "etc/secret.key");
	cr_assert_eq(memcmp(t.p + 257, "ustar", 5), 0);
	set_octal(t.p, 124, 12, 1000000);
	fix_checksum(t.p);
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), -LSC_E_TRUNCATED, "%s", lsc_error_last());
	cr_assert_eq(w.n, 1);
	cr_assert_eq(w.e[0].size, 1000000);
	cr_assert_not_null(strstr(lsc_error_last(), "/etc/secret.key"), "%s", lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), "layer.tar"), "%s", lsc_error_last());
	walk_dispose(&w);

	/* the same when the callback reads nothing: the skip finds it */
	walk_init(&w, 1);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), -LSC_E_TRUNCATED, "%s", lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), "/etc/secret.key"), "%s", lsc_error_last());
	walk_dispose(&w);
	free(t.p);
}

Test(tar, bad_header_checksum_is_format_error)
{
	const struct ent e[] = {{.path = "a", .content = "1"}, {.path = "b", .content = "2"}};
	struct tarbuf t = make_tar(e, 2);
	struct walk w;

	/* the second header's name changes, its checksum does not */
	cr_assert_eq(t.p[1024], 'b');
	t.p[1024] = 'c';
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, t.n, NULL), -LSC_E_FORMAT, "%s", lsc_error_last());
	cr_assert_eq(w.n, 1);
	walk_dispose(&w);
	free(t.p);
}

Test(tar, truncated_buffer)
{
	char *big = big_content(3000, 5);
	const struct ent e[] = {
	    {.path = "first", .content = "1"},
	    {.path = "var/lib/big", .content = big},
	};
	struct tarbuf t = make_tar(e, 2);
	struct walk w;

	/* cut in the data of the second entry */
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, 1024 + 512 + 1000, NULL), -LSC_E_TRUNCATED, "%s",
		     lsc_error_last());
	cr_assert_eq(w.n, 2);
	cr_assert_not_null(strstr(lsc_error_last(), "/var/lib/big"), "%s", lsc_error_last());
	walk_dispose(&w);

	/* the same, skipped rather than read */
	walk_init(&w, 1);
	cr_assert_eq(walk_buf(&w, t.p, 1024 + 512 + 1000, NULL), -LSC_E_TRUNCATED, "%s",
		     lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), "/var/lib/big"), "%s", lsc_error_last());
	walk_dispose(&w);

	/* cut in the middle of the second header */
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, 1024 + 100, NULL), -LSC_E_TRUNCATED, "%s", lsc_error_last());
	cr_assert_eq(w.n, 1);
	walk_dispose(&w);
	free(t.p);
	free(big);
}

Test(tar, missing_end_marker_is_a_clean_end)
{
	const struct ent e[] = {{.path = "a", .content = "1"}, {.path = "b", .content = "2"}};
	struct tarbuf t = make_tar(e, 2);
	struct walk w;

	/* both entries whole, no end-of-archive blocks */
	walk_init(&w, 0);
	cr_assert_eq(walk_buf(&w, t.p, 2048, NULL), 0, "%s", lsc_error_last());
	cr_assert_eq(w.n, 2);
	walk_dispose(&w);
	free(t.p);
}

/* An input that fails after its first n bytes. */
struct failing {
	struct lsc_istream base;
	const uint8_t *p;
	size_t n, off;
};

static ssize_t failing_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct failing *s = (struct failing *)base;
	size_t k = s->n - s->off;

	if (k == 0) {
		return lsc_error(-EIO, "blob-source: read failed");
	}
	if (k > n) {
		k = n;
	}
	memcpy(buf, s->p + s->off, k);
	s->off += k;
	return (ssize_t)k;
}

static int failing_close(struct lsc_istream *base)
{
	int rc = base->err;

	free(base);
	return rc;
}

static const struct lsc_istream_ops failing_ops = {"failing", failing_read, failing_close};

Test(tar, input_error_passes_through)
{
	char *big = big_content(400000, 6);
	const struct ent e[] = {{.path = "a", .content = "1"}, {.path = "b", .content = big}};
	struct tarbuf t = make_tar(e, 2);
	struct failing *f = calloc(1, sizeof(*f));
	struct walk w;
	int rc;

	f->base.ops = &failing_ops;
	f->p = t.p;
	f->n = 200000;
	walk_init(&w, 0);
	rc = lsc_tar_walk(&f->base, "layer.tar", NULL, on_entry, &w);
	cr_assert_eq(rc, -EIO, "the input's own code, not a generic one (%d: %s)", rc,
		     lsc_error_last());
	cr_assert_not_null(strstr(lsc_error_last(), "blob-source: read failed"), "%s",
			   lsc_error_last());
	cr_assert_eq(lsc_istream_close(&f->base), -EIO);
	walk_dispose(&w);
	free(t.p);
	free(big);
}

Test(tar, caller_drains_after_the_walk)
{
	const struct ent e[] = {{.path = "a", .content = "1"}};
	struct tarbuf t = make_tar(e, 1);
	uint8_t *buf = calloc(1, t.n + 20000);
	struct lsc_istream *in;
	char got[LSC_DIGEST_MAX], want[LSC_DIGEST_MAX];
	struct walk w;

	/* the archive followed by more zero padding than any read-ahead */
	memcpy(buf, t.p, t.n);
	cr_assert_eq(lsc_istream_mem_open(&in, buf, t.n + 20000), 0);
	cr_assert_eq(lsc_istream_digest_open(&in, in, got, NULL), 0);
	walk_init(&w, 0);
	cr_assert_eq(lsc_tar_walk(in, "layer.tar", NULL, on_entry, &w), 0);
	cr_assert_eq(w.n, 1);
	cr_assert_eq(lsc_istream_drain(in), 0);
	cr_assert_eq(lsc_istream_close(in), 0);
	lsc_digest_buf(want, buf, t.n + 20000);
	cr_assert_str_eq(got, want, "the digest covers every byte after the walk");
	walk_dispose(&w);
	free(buf);
	free(t.p);
}

/* Tar of one entry with `before` user.* xattrs, then security.capability, then `after` more. */
static struct tarbuf many_xattrs_tar(int before, int after)
{
	size_t cap = 1 << 20, used = 0;
	struct tarbuf b = {malloc(cap), 0};
	struct archive *a = archive_write_new();
	struct archive_entry *ae = archive_entry_new();
	char name[32];

	cr_assert_eq(archive_write_set_format_pax_restricted(a), ARCHIVE_OK);
	cr_assert_eq(archive_write_open_memory(a, b.p, cap, &used), ARCHIVE_OK);
	archive_entry_set_pathname(ae, "usr/bin/tool");
	archive_entry_set_filetype(ae, AE_IFREG);
	archive_entry_set_perm(ae, 0755);
	archive_entry_set_size(ae, 0);
	for (int i = 0; i < before + after; i++) {
		if (i == before) {
			archive_entry_xattr_add_entry(ae, "security.capability", "CAPS", 4);
		}
		snprintf(name, sizeof(name), "user.x%02d", i);
		archive_entry_xattr_add_entry(ae, name, "v", 1);
	}
	if (after == 0) {
		archive_entry_xattr_add_entry(ae, "security.capability", "CAPS", 4);
	}
	cr_assert_eq(archive_write_header(a, ae), ARCHIVE_OK, "%s", archive_error_string(a));
	archive_entry_free(ae);
	cr_assert_eq(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	b.n = used;
	return b;
}

struct cap_walk {
	size_t n;
	int caps;
};

static int on_cap_entry(const struct lsc_tar_entry *e, struct lsc_tar_data *d, void *payload)
{
	struct cap_walk *w = payload;

	(void)d;
	w->n = e->nxattrs;
	for (size_t i = 0; i < e->nxattrs; i++) {
		if (strcmp(e->xattrs[i].name, "security.capability") == 0) {
			cr_assert_eq(e->xattrs[i].size, 4);
			cr_assert_eq(memcmp(e->xattrs[i].value, "CAPS", 4), 0);
			w->caps++;
		}
	}
	return 0;
}

/* Dummy xattrs in front of the capability must not push it out of the bounded list. */
Test(tar, capability_kept_behind_many_xattrs)
{
	static const int shapes[][2] = {{0, 40}, {20, 0}, {40, 5}, {13, 13}, {3, 0}};

	for (size_t k = 0; k < sizeof(shapes) / sizeof(shapes[0]); k++) {
		struct tarbuf t = many_xattrs_tar(shapes[k][0], shapes[k][1]);
		struct cap_walk w = {0};
		struct lsc_istream *in;

		cr_assert_eq(lsc_istream_mem_open(&in, t.p, t.n), 0);
		cr_assert_eq(lsc_tar_walk(in, "layer.tar", NULL, on_cap_entry, &w), 0, "%s",
			     lsc_error_last());
		lsc_istream_close(in);
		free(t.p);
		cr_assert_eq(w.caps, 1, "%d xattrs before the capability, %d after", shapes[k][0],
			     shapes[k][1]);
		cr_assert_leq(w.n, LSC_TAR_MAX_XATTRS);
	}
}

/* --- lsc_tar_header_is: a tar stream by content, never by a name (issue 12, point 12) ----------
 */

/* A header named name, with the ustar magic when magic is set, its checksum right. */
static void make_header(uint8_t h[512], const char *name, const char *magic)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 124, "00000000017", 11);
	h[156] = '0';
	if (magic) {
		memcpy(h + 257, magic, 8);
	}
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++) {
		sum += h[i];
	}
	snprintf((char *)h + 148, 8, "%06o", sum);
}

Test(tar, header_is_recognised_whatever_the_name)
{
	uint8_t h[512];

	make_header(h, "{weird}",
		    "ustar\0"
		    "00");
	cr_assert(lsc_tar_header_is(h, sizeof(h)));
	make_header(h, "[x].json", "ustar  \0"); /* GNU */
	cr_assert(lsc_tar_header_is(h, sizeof(h)));
	make_header(h, "old-v7-file", NULL);
	cr_assert(lsc_tar_header_is(h, sizeof(h)), "a v7 header: checksum and a name");
}

Test(tar, header_is_rejects_what_is_not_a_header)
{
	uint8_t h[1024];

	make_header(h, "{weird}",
		    "ustar\0"
		    "00");
	h[0] = '[';
	cr_assert_not(lsc_tar_header_is(h, 512), "one byte changed: the checksum is wrong");
	make_header(h, "{weird}",
		    "ustar\0"
		    "00");
	cr_assert_not(lsc_tar_header_is(h, 511), "shorter than a block");
	memset(h, ' ', sizeof(h));
	memcpy(h, "{\"config\": {}}", 14);
	cr_assert_not(lsc_tar_header_is(h, sizeof(h)), "JSON");
	memset(h, 0, sizeof(h));
	memcpy(h + 148, "  0\0", 4);
	h[0] = 0;
	cr_assert_not(lsc_tar_header_is(h, 512), "no name, no magic");
}

Test(tar, header_is_accepts_an_empty_archive)
{
	uint8_t z[1024] = {0};

	cr_assert(lsc_tar_header_is(z, sizeof(z)));
}
