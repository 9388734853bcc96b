/*
 * Test helpers: tars and docker-save archives built in memory with libarchive's writer, so unit
 * tests need no fixture files. Header-only; every function is static.
 */
#ifndef LSC_TESTS_TESTUTIL_H
#define LSC_TESTS_TESTUTIL_H

#include <archive.h>
#include <archive_entry.h>
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "lib/digest.h"

struct tu_entry {
	const char *path;
	const char *content; /* NULL for non-files */
	int type;	     /* AE_IFREG (0 means regular), AE_IFDIR, AE_IFLNK */
	const char *link;    /* symlink target, or hardlink target when hardlink is set */
	int hardlink;
};

struct tu_buf {
	unsigned char *p;
	size_t n;
};

__attribute__((unused)) static void tu_free(struct tu_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->n = 0;
}

__attribute__((unused)) static struct tu_buf tu_tar(const struct tu_entry *e, size_t n)
{
	size_t cap = 65536, used = 0;
	struct tu_buf b;
	struct archive *a = archive_write_new();

	for (size_t i = 0; i < n; i++) {
		cap += 2048 + (e[i].content ? strlen(e[i].content) : 0);
	}
	b.p = malloc(cap);

	archive_write_set_format_pax_restricted(a);
	archive_write_set_bytes_in_last_block(a, 1);
	cr_assert_eq(archive_write_open_memory(a, b.p, cap, &used), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *ae = archive_entry_new();
		size_t len = e[i].content ? strlen(e[i].content) : 0;

		archive_entry_set_pathname(ae, e[i].path);
		archive_entry_set_perm(ae, 0644);
		if (e[i].hardlink) {
			archive_entry_set_filetype(ae, AE_IFREG);
			archive_entry_set_hardlink(ae, e[i].link);
			len = 0;
		} else {
			archive_entry_set_filetype(ae, e[i].type ? (unsigned)e[i].type : AE_IFREG);
			if (e[i].type == AE_IFLNK) {
				archive_entry_set_symlink(ae, e[i].link);
			}
		}
		archive_entry_set_size(ae, (la_int64_t)len);
		cr_assert_eq(archive_write_header(a, ae), ARCHIVE_OK);
		if (len) {
			cr_assert_eq(archive_write_data(a, e[i].content, len), (la_ssize_t)len);
		}
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	b.n = used;
	return b;
}

__attribute__((unused)) static struct tu_buf tu_gzip(const struct tu_buf *in)
{
	z_stream z;
	struct tu_buf b;

	memset(&z, 0, sizeof(z));
	cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	b.n = deflateBound(&z, in->n) + 64;
	b.p = malloc(b.n);
	z.next_in = in->p;
	z.avail_in = (uInt)in->n;
	z.next_out = b.p;
	z.avail_out = (uInt)b.n;
	cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	b.n = z.total_out;
	deflateEnd(&z);
	return b;
}

/*
 * Writes a classic docker save archive to a temp file: each layer an uncompressed tar, a config
 * with the given User (NULL: no User key), manifest.json last. Returns the path (free it).
 */
__attribute__((unused)) static char *tu_docker_archive(const struct tu_buf *layers, size_t nlayers,
						       const char *user)
{
	char *path = strdup("/tmp/lsc-test-XXXXXX");
	int fd = mkstemp(path);
	size_t cap = 8 << 20, used = 0;
	unsigned char *out = malloc(cap);
	char cfg[8192], manifest[4096], name[128], digest[LSC_DIGEST_MAX], cfgname[128];
	size_t off;
	struct archive *a = archive_write_new();

	cr_assert(fd >= 0);
	off = (size_t)snprintf(cfg, sizeof(cfg),
			       "{\"architecture\":\"amd64\",\"os\":\"linux\","
			       "\"created\":\"2026-01-01T00:00:00Z\",\"config\":{%s%s%s},"
			       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[",
			       user ? "\"User\":\"" : "", user ? user : "", user ? "\"" : "");
	for (size_t i = 0; i < nlayers; i++) {
		lsc_digest_buf(digest, layers[i].p, layers[i].n);
		off += (size_t)snprintf(cfg + off, sizeof(cfg) - off, "%s\"%s\"", i ? "," : "",
					digest);
	}
	snprintf(cfg + off, sizeof(cfg) - off, "]}}");
	lsc_digest_buf(digest, cfg, strlen(cfg));
	snprintf(cfgname, sizeof(cfgname), "%s.json", digest + 7);

	archive_write_set_format_pax_restricted(a);
	cr_assert_eq(archive_write_open_memory(a, out, cap, &used), ARCHIVE_OK);
	off = (size_t)snprintf(manifest, sizeof(manifest),
			       "[{\"Config\":\"%s\",\"RepoTags\":"
			       "[\"test/image:1\"],\"Layers\":[",
			       cfgname);
	for (size_t i = 0; i <= nlayers + 1; i++) {
		struct archive_entry *ae = archive_entry_new();
		const void *data;
		size_t len;

		if (i < nlayers) {
			snprintf(name, sizeof(name), "layer%zu/layer.tar", i);
			off += (size_t)snprintf(manifest + off, sizeof(manifest) - off, "%s\"%s\"",
						i ? "," : "", name);
			data = layers[i].p;
			len = layers[i].n;
		} else if (i == nlayers) {
			snprintf(name, sizeof(name), "%s", cfgname);
			data = cfg;
			len = strlen(cfg);
		} else {
			snprintf(manifest + off, sizeof(manifest) - off, "]}]");
			snprintf(name, sizeof(name), "manifest.json");
			data = manifest;
			len = strlen(manifest);
		}
		archive_entry_set_pathname(ae, name);
		archive_entry_set_filetype(ae, AE_IFREG);
		archive_entry_set_perm(ae, 0644);
		archive_entry_set_size(ae, (la_int64_t)len);
		cr_assert_eq(archive_write_header(a, ae), ARCHIVE_OK);
		cr_assert_eq(archive_write_data(a, data, len), (la_ssize_t)len);
		archive_entry_free(ae);
	}
	archive_write_close(a);
	archive_write_free(a);
	cr_assert_eq(write(fd, out, used), (ssize_t)used);
	close(fd);
	free(out);
	return path;
}

#endif
