#include "tar.h"
#include "util/error.h"
#include "util/str.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define READ_BLOCK (128 * 1024)

struct lsc_tar_data {
	struct archive *a;
	struct lsc_istream *in;
	const char *name;
	const char *entry;
	bool eof;
	int err;
};

struct reader {
	struct lsc_istream *in;
	uint64_t total;
	uint8_t buf[READ_BLOCK];
};

static la_ssize_t read_cb(struct archive *a, void *payload, const void **buf)
{
	struct reader *r = payload;
	ssize_t n = lsc_istream_read(r->in, r->buf, sizeof(r->buf));

	if (n < 0) {
		archive_set_error(a, EIO, "%s", lsc_error_last());
		return -1;
	}
	*buf = r->buf;
	r->total += (uint64_t)n;
	return n;
}

/* libarchive's message, or the input stream's when the input failed underneath it. */
static int fail(struct lsc_istream *in, struct archive *a, const char *name, const char *entry,
		bool after)
{
	const char *where = entry ? (after ? " after entry " : " in entry ") : "";

	const char *msg;

	if (in->err) {
		return in->err; /* the stream's own detail already names what failed */
	}
	msg = archive_error_string(a);
	if (!msg) {
		msg = "malformed tar";
	}
	if (strstr(msg, "runcated")) {
		return lsc_error(LSC_E_TRUNCATED, "%s: truncated tar%s%s", name, where,
				 entry ? entry : "");
	}
	return lsc_error(LSC_E_FORMAT, "%s: malformed tar%s%s: %s", name, where, entry ? entry : "",
			 msg);
}

bool lsc_tar_header_is(const void *blk, size_t n)
{
	const uint8_t *h = blk;
	uint64_t want = 0, sum = 0;
	int64_t ssum = 0;
	bool zero = true, digits = false;
	size_t i;

	if (n < 512) {
		return false;
	}
	for (i = 0; i < 512; i++) {
		uint8_t c = (i >= 148 && i < 156) ? ' ' : h[i];

		zero = zero && h[i] == 0;
		sum += c;
		ssum += (int8_t)c;
	}
	if (zero) {
		return true;
	}
	/* the checksum field: octal digits, leading spaces, ended by NUL or space */
	for (i = 148; i < 156 && h[i] == ' '; i++) {
	}
	for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++) {
		want = want * 8 + (uint64_t)(h[i] - '0');
		digits = true;
	}
	if (!digits || (i < 156 && h[i] != 0 && h[i] != ' ')) {
		return false;
	}
	if (want != sum && (int64_t)want != ssum) {
		return false;
	}
	return memcmp(h + 257, "ustar", 5) == 0 || h[0] != 0;
}

ssize_t lsc_tar_data_read(struct lsc_tar_data *d, const void **buf)
{
	size_t size;
	la_int64_t offset;
	int r;

	if (d->err) {
		return d->err;
	}
	if (d->eof) {
		return 0;
	}
	r = archive_read_data_block(d->a, buf, &size, &offset);
	if (r == ARCHIVE_EOF) {
		d->eof = true;
		return 0;
	}
	if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
		d->err = fail(d->in, d->a, d->name, d->entry, false);
		return d->err;
	}
	return (ssize_t)size;
}

static enum lsc_tar_type entry_type(struct archive_entry *ae)
{
	if (archive_entry_hardlink(ae)) {
		return LSC_TAR_HARDLINK;
	}
	switch (archive_entry_filetype(ae)) {
	case AE_IFREG:
		return LSC_TAR_REG;
	case AE_IFDIR:
		return LSC_TAR_DIR;
	case AE_IFLNK:
		return LSC_TAR_SYMLINK;
	case AE_IFCHR:
		return LSC_TAR_CHR;
	case AE_IFBLK:
		return LSC_TAR_BLK;
	case AE_IFIFO:
		return LSC_TAR_FIFO;
	default:
		return LSC_TAR_OTHER;
	}
}

static bool ascii(const char *s)
{
	while (*s && (unsigned char)*s < 0x80) {
		s++;
	}
	return *s == 0;
}

/*
 * The name as UTF-8, else as written. The UTF-8 form is a conversion through the locale
 * (iconv, for every byte) that an ASCII name, the same in both forms, does without: 200k names
 * of 4000 bytes spent a second in it.
 */
static const char *utf8_or_raw(const char *raw, const char *(*utf8)(struct archive_entry *),
			       struct archive_entry *ae)
{
	const char *u;

	if (raw && ascii(raw)) {
		return raw;
	}
	u = utf8(ae);
	return u ? u : raw;
}

int lsc_tar_walk(struct lsc_istream *in, const char *name, const struct lsc_tar_limits *lim,
		 lsc_tar_entry_cb cb, void *payload)
{
	struct archive *a = archive_read_new();
	struct reader *rd = malloc(sizeof(*rd));
	char *path = malloc(LSC_PATH_MAX), *link = malloc(LSC_PATH_MAX);
	struct lsc_tar_entry e;
	struct archive_entry *ae;
	uint64_t count = 0, name_bytes = 0;
	int rc = 0;

	if (!a || !rd || !path || !link) {
		rc = -ENOMEM;
		goto out;
	}
	rd->in = in;
	rd->total = 0;
	archive_read_support_format_tar(a);
	if (archive_read_open(a, rd, NULL, read_cb, NULL) != ARCHIVE_OK) {
		/* an empty input is an empty layer */
		if (!in->err && rd->total == 0) {
			goto out;
		}
		rc = fail(in, a, name, NULL, false);
		goto out;
	}
	for (;;) {
		const char *raw, *lk;
		struct lsc_tar_data d;
		int r = archive_read_next_header(a, &ae);

		if (r == ARCHIVE_EOF) {
			break;
		}
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			rc = fail(in, a, name, count ? path : NULL, true);
			goto out;
		}
		if (lim && lim->max_entries && count >= lim->max_entries) {
			rc = lsc_error(LSC_E_TOO_LARGE, "%s: more than %llu entries", name,
				       (unsigned long long)lim->max_entries);
			goto out;
		}
		memset(&e, 0, sizeof(e));
		raw = utf8_or_raw(archive_entry_pathname(ae), archive_entry_pathname_utf8, ae);
		if (!raw) {
			rc = count ? lsc_error(LSC_E_FORMAT,
					       "%s: malformed tar after entry %s: an "
					       "entry without a name",
					       name, path)
				   : lsc_error(LSC_E_FORMAT,
					       "%s: malformed tar: an entry without a "
					       "name",
					       name);
			goto out;
		}
		if (lsc_path_clean(path, LSC_PATH_MAX, raw) < 0) {
			rc = lsc_error(LSC_E_TOO_LARGE, "%s: entry %llu: path longer than %d bytes",
				       name, (unsigned long long)count, LSC_PATH_MAX);
			goto out;
		}
		e.path = path;
		e.raw_path = raw;
		e.type = entry_type(ae);
		if (e.type == LSC_TAR_HARDLINK) {
			lk = utf8_or_raw(archive_entry_hardlink(ae), archive_entry_hardlink_utf8,
					 ae);
			if (lsc_path_clean(link, LSC_PATH_MAX, lk) < 0) {
				rc = lsc_error(LSC_E_TOO_LARGE, "%s: %s: link target too long",
					       name, path);
				goto out;
			}
			e.link = link;
		} else if (e.type == LSC_TAR_SYMLINK) {
			lk = utf8_or_raw(archive_entry_symlink(ae), archive_entry_symlink_utf8, ae);
			/* bounded like a hard link's (a PAX linkpath can be any length) */
			if (lk && strnlen(lk, LSC_PATH_MAX) >= LSC_PATH_MAX) {
				rc = lsc_error(LSC_E_TOO_LARGE, "%s: %s: link target too long",
					       name, path);
				goto out;
			}
			e.link = lk ? lk : "";
		}
		name_bytes += strlen(raw) + (e.link ? strlen(e.link) : 0);
		if (name_bytes > LSC_TAR_MAX_NAME_BYTES) {
			rc = lsc_error(LSC_E_TOO_LARGE,
				       "%s: more than %llu MiB of entry names and link targets (at "
				       "entry %llu)",
				       name, LSC_TAR_MAX_NAME_BYTES >> 20,
				       (unsigned long long)count);
			goto out;
		}
		e.size = archive_entry_size_is_set(ae) ? archive_entry_size(ae) : 0;
		e.mode = (uint32_t)archive_entry_perm(ae) & 07777;
		e.uid = archive_entry_uid(ae);
		e.gid = archive_entry_gid(ae);
		e.index = count;
		archive_entry_xattr_reset(ae);
		for (;;) {
			const char *xn;
			const void *xv;
			size_t xs;
			bool dup = false, cap;

			if (archive_entry_xattr_next(ae, &xn, &xv, &xs) != ARCHIVE_OK) {
				break;
			}
			/* a pax header may carry one xattr twice (SCHILY. and LIBARCHIVE. records);
			 * two different values under one name are both kept */
			for (size_t k = 0; k < e.nxattrs && !dup; k++) {
				dup = strcmp(e.xattrs[k].name, xn) == 0 && e.xattrs[k].size == xs &&
				      (xs == 0 || memcmp(e.xattrs[k].value, xv, xs) == 0);
			}
			/* the capability is kept whatever else the entry carries: sixteen dummy
			 * xattrs in front of it must not hide it from the detectors */
			cap = strcmp(xn, LSC_TAR_XATTR_CAPABILITY) == 0;
			if (dup || e.nxattrs >= LSC_TAR_MAX_XATTRS ||
			    (!cap && e.nxattrs >= LSC_TAR_MAX_XATTRS - LSC_TAR_CAP_SLOTS)) {
				continue;
			}
			e.xattrs[e.nxattrs++] = (struct lsc_tar_xattr){xn, xv, xs};
		}
		d.a = a;
		d.in = in;
		d.name = name;
		d.entry = path;
		d.eof = false;
		d.err = 0;
		rc = cb(&e, &d, payload);
		if (rc < 0) {
			goto out;
		}
		if (d.err) {
			rc = d.err;
			goto out;
		}
		/* skip what the callback left unread; a short entry is caught here */
		while (!d.eof) {
			const void *buf;
			ssize_t n = lsc_tar_data_read(&d, &buf);

			if (n < 0) {
				rc = (int)n;
				goto out;
			}
		}
		count++;
	}
out:
	if (a) {
		archive_read_free(a);
	}
	free(rd);
	free(path);
	free(link);
	return rc;
}

struct data_stream {
	struct lsc_istream base;
	struct lsc_tar_data *d;
	const uint8_t *cur;
	size_t left;
	bool *failed;
};

static ssize_t data_read(struct lsc_istream *base, void *buf, size_t n)
{
	struct data_stream *s = (struct data_stream *)base;

	while (s->left == 0) {
		const void *blk;
		ssize_t r = lsc_tar_data_read(s->d, &blk);

		if (r < 0) {
			*s->failed = true;
			return r;
		}
		if (r == 0) {
			return 0;
		}
		s->cur = blk;
		s->left = (size_t)r;
	}
	if (n > s->left) {
		n = s->left;
	}
	memcpy(buf, s->cur, n);
	s->cur += n;
	s->left -= n;
	return (ssize_t)n;
}

static int data_close(struct lsc_istream *base)
{
	int rc = base->err;

	free(base);
	return rc;
}

static const struct lsc_istream_ops data_ops = {"tar-entry", data_read, data_close};

int lsc_tar_data_stream_open(struct lsc_istream **out, struct lsc_tar_data *d, const void *first,
			     size_t n, bool *failed)
{
	struct data_stream *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		return -ENOMEM;
	}
	s->base.ops = &data_ops;
	s->d = d;
	s->cur = first;
	s->left = n;
	s->failed = failed;
	*failed = false;
	*out = &s->base;
	return 0;
}
