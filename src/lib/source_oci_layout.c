/*
 * oci:DIR[:TAG]: an OCI image layout directory. Manifests and configs are read whole (bounded)
 * and verified; layers stream from their blob files through the pipeline, in parallel.
 *
 * Every file of the layout is hostile until checked: it is found relative to the layout's
 * directory descriptor, a symlink is followed only while it stays inside the layout (no absolute
 * target, no '..' above the layout), the file is opened with O_NOFOLLOW | O_NONBLOCK (a FIFO
 * cannot block the open), and after fstat only a regular file is read, of exactly the size its
 * descriptor promises when it promises one, else bounded by what its kind may hold.
 */
#include "util/error.h"
#include "source.h"
#include "pull.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifdef SYS_openat2
#include <linux/openat2.h>
#endif

#define MAX_LINK_HOPS 16
#define MAX_SMALL_FILE (64u << 10) /* oci-layout: a one-line JSON document */

struct layout {
	struct lsc_intake *in;
	const char *dir;
	int dirfd;
	const struct lsc_manifest *m;
};

/* Pops the first component of the path at *p into comp; false when none is left. */
static bool next_component(char comp[NAME_MAX + 1], const char **p)
{
	const char *s = *p, *e;

	while (*s == '/') {
		s++;
	}
	if (!*s) {
		*p = s;
		return false;
	}
	e = strchr(s, '/');
	if (!e) {
		e = s + strlen(s);
	}
	snprintf(comp, NAME_MAX + 1, "%.*s", (int)(e - s > NAME_MAX ? NAME_MAX : e - s), s);
	*p = e;
	return true;
}

/*
 * Resolves rel (relative to the layout) into out, following symlinks only inside the layout.
 * name names the file in messages. 0, or -LSC_E_NOT_FOUND, -LSC_E_FORMAT (a link that leaves the
 * layout, a loop), -errno.
 */
static int resolve_in(char out[LSC_PATH_MAX], struct layout *l, const char *rel, const char *name)
{
	char todo[LSC_PATH_MAX], next[LSC_PATH_MAX], comp[NAME_MAX + 1], cand[LSC_PATH_MAX];
	char target[LSC_PATH_MAX];
	const char *p;
	int hops = 0;

	out[0] = 0;
	snprintf(todo, sizeof(todo), "%s", rel);
	p = todo;
	while (next_component(comp, &p)) {
		struct stat st;
		ssize_t n;

		if (strcmp(comp, ".") == 0) {
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			char *slash = strrchr(out, '/');

			if (!out[0]) {
				return lsc_error(LSC_E_FORMAT,
						 "%s: a symlink leads out of the layout", name);
			}
			if (slash) {
				*slash = 0;
			} else {
				out[0] = 0;
			}
			continue;
		}
		if ((size_t)snprintf(cand, sizeof(cand), "%s%s%s", out, out[0] ? "/" : "", comp) >=
		    sizeof(cand)) {
			return lsc_error(-ENAMETOOLONG, "%s: path too long", name);
		}
		if (fstatat(l->dirfd, cand, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT || errno == ENOTDIR) {
				return lsc_error(LSC_E_NOT_FOUND, "%s: missing", name);
			}
			return lsc_error(-errno, "%s: %s", name, strerror(errno));
		}
		if (!S_ISLNK(st.st_mode)) {
			memcpy(out, cand, sizeof(cand));
			continue;
		}
		if (++hops > MAX_LINK_HOPS) {
			return lsc_error(LSC_E_FORMAT, "%s: more than %d symlinks (a loop?)", name,
					 MAX_LINK_HOPS);
		}
		n = readlinkat(l->dirfd, cand, target, sizeof(target) - 1);
		if (n < 0) {
			return lsc_error(-errno, "%s: %s", name, strerror(errno));
		}
		target[n] = 0;
		if (target[0] == '/' || n == 0) {
			return lsc_error(LSC_E_FORMAT,
					 "%s: a symlink to an absolute path: only links inside the "
					 "layout are followed",
					 name);
		}
		/* the target replaces the link's component, relative to the directory so far */
		if ((size_t)snprintf(next, sizeof(next), "%s/%s", target, p) >= sizeof(next)) {
			return lsc_error(-ENAMETOOLONG, "%s: path too long", name);
		}
		memcpy(todo, next, sizeof(next));
		p = todo;
	}
	if (!out[0]) {
		snprintf(out, LSC_PATH_MAX, ".");
	}
	return 0;
}

/*
 * Opens path (resolved, free of symlinks) under the layout's directory. Where the kernel has
 * openat2, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS closes the race with a directory swapped for a
 * link after resolve_in() looked; elsewhere O_NOFOLLOW guards the last component.
 */
static int open_beneath(struct layout *l, const char *path)
{
	int flags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;

#ifdef SYS_openat2
	struct open_how how = {.flags = (uint64_t)flags,
			       .resolve =
				   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	long fd = syscall(SYS_openat2, l->dirfd, path, &how, sizeof(how));

	if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != EINVAL)) {
		return (int)fd;
	}
#endif
	return openat(l->dirfd, path, flags);
}

/*
 * Opens rel inside the layout as a checked regular file: *fd is the caller's to close. size is
 * what the descriptor promises (-1: nothing); *st_size receives the file's size.
 */
static int open_checked(int *fd, int64_t *st_size, struct layout *l, const char *rel, int64_t size,
			const char *name)
{
	char path[LSC_PATH_MAX];
	struct stat st;
	int rc;

	*fd = -1;
	rc = resolve_in(path, l, rel, name);
	if (rc < 0) {
		return rc;
	}
	*fd = open_beneath(l, path);
	if (*fd < 0) {
		int e = errno;

		if (e == ENOENT) {
			return lsc_error(LSC_E_NOT_FOUND, "%s: missing", name);
		}
		if (e == ELOOP || e == EXDEV) {
			return lsc_error(LSC_E_FORMAT,
					 "%s: changed into a symlink while it was opened", name);
		}
		return lsc_error(-e, "%s: %s", name, strerror(e));
	}
	if (fstat(*fd, &st) < 0) {
		rc = lsc_error(-errno, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = lsc_error(LSC_E_FORMAT, "%s: not a regular file (%s)", name,
			       S_ISFIFO(st.st_mode)   ? "a FIFO"
			       : S_ISCHR(st.st_mode)  ? "a character device"
			       : S_ISBLK(st.st_mode)  ? "a block device"
			       : S_ISDIR(st.st_mode)  ? "a directory"
			       : S_ISSOCK(st.st_mode) ? "a socket"
						      : "not a plain file");
		goto fail;
	}
	if (size >= 0 && (int64_t)st.st_size != size) {
		rc = lsc_error(LSC_E_FORMAT, "%s: %lld bytes, the descriptor says %lld", name,
			       (long long)st.st_size, (long long)size);
		goto fail;
	}
	/* a regular file never blocks; reads go back to plain blocking ones */
	if (fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		rc = lsc_error(-errno, "%s: %s", name, strerror(errno));
		goto fail;
	}
	*st_size = (int64_t)st.st_size;
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return rc;
}

static int open_blob(int *fd, int64_t *st_size, struct layout *l, const char *digest, int64_t size,
		     const char *what)
{
	char rel[LSC_DIGEST_MAX + 16], name[LSC_PATH_MAX];

	if (lsc_digest_check(digest) < 0) {
		return lsc_error(LSC_E_UNSUPPORTED, "%s: %s %s: unsupported digest", l->dir, what,
				 digest);
	}
	snprintf(rel, sizeof(rel), "blobs/sha256/%s", lsc_digest_hex(digest));
	snprintf(name, sizeof(name), "%s: %s %s", l->dir, what, digest);
	return open_checked(fd, st_size, l, rel, size, name);
}

/* Reads a whole file of at most max bytes. */
static int read_file(struct lsc_buf *out, int fd, size_t max, const char *name)
{
	uint8_t buf[65536];

	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return lsc_error(-errno, "%s: %s", name, strerror(errno));
		}
		if (n == 0) {
			return 0;
		}
		if (out->len + (size_t)n > max || lsc_buf_append(out, buf, (size_t)n) == -EFBIG) {
			return lsc_error(LSC_E_TOO_LARGE, "%s: larger than %zu bytes", name, max);
		}
	}
}

/*
 * A manifest, index or config. The config's size is checked against the manifest's descriptor;
 * a manifest's is held to max before a byte is read (its digest check then covers the rest).
 */
static int get_blob(struct lsc_buf *out, const char *digest, size_t max, void *payload)
{
	struct layout *l = payload;
	char got[LSC_DIGEST_MAX], name[LSC_PATH_MAX];
	int64_t st_size, size = -1;
	int fd, rc;

	if (l->m && strcmp(digest, l->m->config.digest) == 0) {
		size = l->m->config.size;
	}
	rc = open_blob(&fd, &st_size, l, digest, size, "blob");
	if (rc < 0) {
		return rc;
	}
	snprintf(name, sizeof(name), "%s: blob %s", l->dir, digest);
	if ((uint64_t)st_size > max) {
		close(fd);
		return lsc_error(LSC_E_TOO_LARGE, "%s: larger than %zu bytes", name, max);
	}
	rc = read_file(out, fd, max, name);
	close(fd);
	if (rc < 0) {
		return rc;
	}
	lsc_digest_buf(got, out->data ? (void *)out->data : "", out->len);
	if (strcmp(got, digest) != 0) {
		return lsc_error(LSC_E_DIGEST_MISMATCH, "%s: blob %s: digest mismatch: got %s",
				 l->dir, digest, got);
	}
	return 0;
}

static int layer_job(struct lsc_intake *in, size_t i, void *payload)
{
	struct layout *l = payload;
	const struct lsc_descriptor *d = &l->m->layers[i];
	struct lsc_istream *blob;
	int64_t st_size;
	int fd, rc;

	if (lsc_pull_first_of(l->m, i) != i) {
		return 0; /* the same blob again: scanned once, attached after the jobs */
	}
	rc = open_blob(&fd, &st_size, l, d->digest, d->size, "layer");
	if (rc < 0) {
		return rc;
	}
	rc = lsc_istream_fd_open(&blob, fd, true, d->digest);
	if (rc < 0) {
		return rc;
	}
	return lsc_intake_blob(&in->layers[i].layer, in, blob, d->digest);
}

/* A small file of the layout itself (oci-layout, index.json), checked like a blob. */
static int read_layout_file(struct lsc_buf *out, struct layout *l, const char *rel, size_t max)
{
	char name[LSC_PATH_MAX];
	int64_t st_size;
	int fd, rc;

	snprintf(name, sizeof(name), "%s/%s", l->dir, rel);
	rc = open_checked(&fd, &st_size, l, rel, -1, name);
	if (rc < 0) {
		return rc;
	}
	if ((uint64_t)st_size > max) {
		rc = lsc_error(LSC_E_TOO_LARGE, "%s: larger than %zu bytes", name, max);
	} else {
		rc = read_file(out, fd, max, name);
	}
	close(fd);
	return rc;
}

static int layout_read(struct lsc_intake *in)
{
	struct layout l = {.in = in, .dir = in->target->path, .dirfd = -1};
	struct lsc_blob_getter g = {get_blob, &l};
	struct lsc_manifest m;
	struct lsc_buf buf;
	char path[LSC_PATH_MAX];
	int rc;

	memset(&m, 0, sizeof(m));
	l.dirfd = open(l.dir, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC);
	if (l.dirfd < 0) {
		return lsc_error(-errno, "%s: %s", l.dir, strerror(errno));
	}
	lsc_buf_init(&buf, MAX_SMALL_FILE);
	rc = read_layout_file(&buf, &l, "oci-layout", MAX_SMALL_FILE);
	if (rc == -LSC_E_NOT_FOUND) {
		rc = lsc_error(LSC_E_FORMAT, "%s: not an OCI image layout (no oci-layout file)",
			       l.dir);
	}
	lsc_buf_dispose(&buf);
	if (rc < 0) {
		goto out;
	}
	lsc_buf_init(&buf, LSC_MAX_MANIFEST);
	snprintf(path, sizeof(path), "%s/index.json", l.dir);
	rc = read_layout_file(&buf, &l, "index.json", LSC_MAX_MANIFEST);
	if (rc == 0) {
		rc = lsc_intake_set_str(&in->transport, "oci");
	}
	if (rc == 0) {
		rc = lsc_pull_resolve_index(&m, in, buf.data, buf.len, path, in->target->ref, &g);
	}
	lsc_buf_dispose(&buf);
	if (rc < 0) {
		goto out;
	}
	l.m = &m;
	rc = lsc_pull_use_manifest(in, &m, &g);
	if (rc == 0) {
		rc = lsc_intake_parallel(in, m.nlayers, layer_job, &l);
	}
	for (size_t i = 0; rc == 0 && i < m.nlayers; i++) {
		in->layers[i].layer = in->layers[lsc_pull_first_of(&m, i)].layer;
	}
	lsc_manifest_dispose(&m);
out:
	close(l.dirfd);
	return rc;
}

const struct lsc_source_ops lsc_source_oci_layout = {"oci", layout_read};
