/*
 * oci:DIR[:TAG]: an OCI image layout directory. Manifests and configs are read whole (bounded)
 * and verified; layers stream from their blob files through the pipeline, in parallel.
 */
#include "error.h"
#include "source.h"
#include "util/str.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct layout {
	struct lsc_scan *s;
	const char *dir;
	const struct lsc_manifest *m;
};

static int open_blob(int *fd, struct layout *l, const char *digest, const char *what)
{
	char path[LSC_PATH_MAX];

	if (lsc_digest_check(digest) < 0) {
		return lsc_error(LSC_E_UNSUPPORTED, "%s: %s %s: unsupported digest", l->dir, what,
				 digest);
	}
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", l->dir, lsc_digest_hex(digest));
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd < 0) {
		return lsc_error(errno == ENOENT ? -LSC_E_NOT_FOUND : -errno, "%s: %s %s: %s",
				 l->dir, what, digest, errno == ENOENT ? "blob missing" : strerror(errno));
	}
	return 0;
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

static int get_blob(struct lsc_buf *out, const char *digest, size_t max, void *payload)
{
	struct layout *l = payload;
	char got[LSC_DIGEST_MAX], name[LSC_PATH_MAX];
	int fd, rc;

	rc = open_blob(&fd, l, digest, "blob");
	if (rc < 0) {
		return rc;
	}
	snprintf(name, sizeof(name), "%s: blob %s", l->dir, digest);
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

static int layer_job(struct lsc_scan *s, size_t i, void *payload)
{
	struct layout *l = payload;
	const struct lsc_descriptor *d = &l->m->layers[i];
	struct lsc_istream *in;
	int fd, rc;

	if (lsc_source_first_of(l->m, i) != i) {
		return 0; /* the same blob again: scanned once, attached after the jobs */
	}
	rc = open_blob(&fd, l, d->digest, "layer");
	if (rc < 0) {
		return rc;
	}
	rc = lsc_istream_fd_open(&in, fd, true, d->digest);
	if (rc < 0) {
		return rc;
	}
	return lsc_scan_blob(&s->ilayers[i].layer, s, in, d->digest);
}

static int layout_read(struct lsc_scan *s)
{
	struct layout l = {.s = s, .dir = s->target.path};
	struct lsc_blob_getter g = {get_blob, &l};
	struct lsc_manifest m;
	struct lsc_buf buf;
	char path[LSC_PATH_MAX];
	int fd, rc;

	lsc_buf_init(&buf, LSC_MAX_MANIFEST);
	snprintf(path, sizeof(path), "%s/oci-layout", l.dir);
	if (access(path, F_OK) != 0) {
		return lsc_error(LSC_E_FORMAT, "%s: not an OCI image layout (no oci-layout file)",
				 l.dir);
	}
	snprintf(path, sizeof(path), "%s/index.json", l.dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		return lsc_error(-errno, "%s: %s", path, strerror(errno));
	}
	rc = read_file(&buf, fd, LSC_MAX_MANIFEST, path);
	close(fd);
	if (rc == 0) {
		rc = lsc_scan_set_str(&s->report.transport, "oci");
	}
	if (rc == 0) {
		rc = lsc_source_resolve_index(&m, s, buf.data, buf.len, path, s->target.ref, &g);
	}
	lsc_buf_dispose(&buf);
	if (rc < 0) {
		return rc;
	}
	l.m = &m;
	rc = lsc_source_use_manifest(s, &m, &g);
	if (rc == 0) {
		rc = lsc_scan_parallel(s, m.nlayers, layer_job, &l);
	}
	for (size_t i = 0; rc == 0 && i < m.nlayers; i++) {
		s->ilayers[i].layer = s->ilayers[lsc_source_first_of(&m, i)].layer;
	}
	lsc_manifest_dispose(&m);
	return rc;
}

const struct lsc_source_ops lsc_source_oci_layout = {"oci", layout_read};
