/*
 * docker-archive and oci-archive: a tar of blobs, from a file or standard input, in ONE pass.
 *
 * Every producer writes manifest.json (and index.json) after the layers, so nothing says which
 * member is a layer until the end. Each member is therefore classified by its first bytes as it
 * streams by: JSON and small metadata are kept (bounded), anything else goes through the layer
 * pipeline at once, its digests computed and its findings held, not published. Once the archive
 * ends, manifest.json (or index.json) says which scanned blobs form the image, in which order;
 * assembly then verifies and publishes. A member that failed the pipeline only matters if the
 * image uses it. Nothing is written to disk and no layer is held in memory.
 */
#include "error.h"
#include "source.h"
#include "util/str.h"
#include "util/strmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MEMBERS 100000u
#define MAX_META_TOTAL (64u << 20)
#define MAX_TAIL (16u << 20)
#define MAX_ARCHIVE (1ULL << 40) /* 1 TiB: the archive as a whole, its members bounded too */

enum member_kind { M_OTHER = 0, M_META, M_LAYER, M_LINK };

struct member {
	char *name; /* archive-relative, no leading slash */
	enum member_kind kind;
	struct lsc_buf data; /* M_META */
	char digest[LSC_DIGEST_MAX];
	bool too_large;
	struct lsc_layer *layer; /* M_LAYER, owned by the scan */
	char *target;            /* M_LINK */
};

struct archive_src {
	struct lsc_scan *s;
	const char *name; /* the archive, for messages */
	struct lsc_strmap index; /* name -> member index + 1 */
	struct member *m;
	size_t n, cap;
	uint64_t meta_total;
};

static void src_dispose(struct archive_src *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->m[i].name);
		free(a->m[i].target);
		lsc_buf_dispose(&a->m[i].data);
	}
	free(a->m);
	lsc_strmap_dispose(&a->index);
}

static int add_member(struct member **out, struct archive_src *a, const char *path)
{
	uintptr_t *slot;
	struct member *m;
	int rc;

	while (*path == '/') {
		path++;
	}
	rc = lsc_strmap_get(&slot, &a->index, path, 1);
	if (rc == -EFBIG) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: more than %u members", a->name, MAX_MEMBERS);
	}
	if (rc < 0) {
		return rc;
	}
	if (rc == 1) {
		/* a later member of the same name replaces the earlier one, as tar extraction does */
		m = &a->m[*slot - 1];
		free(m->target);
		m->target = NULL;
		lsc_buf_dispose(&m->data);
		m->layer = NULL;
		m->too_large = false;
		*out = m;
		return 0;
	}
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;

		m = realloc(a->m, cap * sizeof(*m));
		if (!m) {
			return -ENOMEM;
		}
		a->m = m;
		a->cap = cap;
	}
	m = &a->m[a->n];
	memset(m, 0, sizeof(*m));
	m->name = strdup(path);
	if (!m->name) {
		return -ENOMEM;
	}
	*slot = ++a->n;
	*out = m;
	return 0;
}

static bool is_meta_name(const char *name)
{
	const char *base = lsc_path_base(name);

	return lsc_str_ends(name, ".json") || strcmp(base, "json") == 0 ||
	       strcmp(base, "VERSION") == 0 || strcmp(name, "repositories") == 0 ||
	       strcmp(name, "oci-layout") == 0;
}

static int read_meta(struct archive_src *a, struct member *m, struct lsc_tar_data *d,
		     const void *first, size_t n)
{
	const void *blk = first;
	ssize_t r = (ssize_t)n;

	m->kind = M_META;
	lsc_buf_init(&m->data, LSC_MAX_CONFIG);
	while (r > 0) {
		if (!m->too_large) {
			if (a->meta_total + (uint64_t)r > MAX_META_TOTAL ||
			    lsc_buf_append(&m->data, blk, (size_t)r) == -EFBIG) {
				m->too_large = true;
				lsc_buf_dispose(&m->data);
			} else {
				a->meta_total += (uint64_t)r;
			}
		}
		r = lsc_tar_data_read(d, &blk);
	}
	if (r < 0) {
		return (int)r;
	}
	if (!m->too_large) {
		return lsc_digest_buf(m->digest, m->data.data ? (void *)m->data.data : "",
				      m->data.len);
	}
	return 0;
}

static int on_member(const struct lsc_tar_entry *e, struct lsc_tar_data *d, void *payload)
{
	struct archive_src *a = payload;
	struct member *m = NULL;
	const void *first = NULL;
	ssize_t n;
	int rc;

	if (e->type == LSC_TAR_DIR) {
		return 0;
	}
	rc = add_member(&m, a, e->path);
	if (rc < 0) {
		return rc;
	}
	if (e->type == LSC_TAR_SYMLINK || e->type == LSC_TAR_HARDLINK) {
		char t[LSC_PATH_MAX];
		const char *tp = t;

		if (e->type == LSC_TAR_SYMLINK) {
			rc = lsc_path_resolve_link(t, sizeof(t), e->path, e->link);
		} else {
			rc = lsc_path_clean(t, sizeof(t), e->link);
		}
		if (rc < 0) {
			return lsc_error(LSC_E_FORMAT, "%s: %s: bad link target", a->name, m->name);
		}
		while (*tp == '/') {
			tp++;
		}
		m->kind = M_LINK;
		m->target = strdup(tp);
		return m->target ? 0 : -ENOMEM;
	}
	if (e->type != LSC_TAR_REG) {
		return 0;
	}
	n = lsc_tar_data_read(d, &first);
	if (n < 0) {
		return (int)n;
	}
	if (is_meta_name(m->name) || (n > 0 && (((const char *)first)[0] == '{' ||
						((const char *)first)[0] == '['))) {
		return read_meta(a, m, d, first, (size_t)n);
	}
	if (n == 0) {
		m->kind = M_OTHER;
		return 0;
	}
	{
		struct lsc_istream *st;
		bool outer_failed = false;

		rc = lsc_tar_data_stream_open(&st, d, first, (size_t)n, &outer_failed);
		if (rc < 0) {
			return rc;
		}
		m->kind = M_LAYER;
		rc = lsc_scan_blob(&m->layer, a->s, st, m->name);
		if (rc < 0 && (outer_failed || !m->layer || rc == -ENOMEM)) {
			return rc; /* the archive itself is broken: nothing after this can be read */
		}
	}
	return 0;
}

/* Follows links from name to a member; a loop or a dangling name is an error. */
static int resolve(struct member **out, struct archive_src *a, const char *name, const char *what)
{
	const char *cur = name;

	for (int hops = 0; hops < 16; hops++) {
		uintptr_t v;

		while (*cur == '/') {
			cur++;
		}
		v = lsc_strmap_value(&a->index, cur, 0);
		if (!v) {
			return lsc_error(LSC_E_NOT_FOUND, "%s: %s %s is not in the archive", a->name,
					 what, name);
		}
		if (a->m[v - 1].kind != M_LINK) {
			*out = &a->m[v - 1];
			return 0;
		}
		cur = a->m[v - 1].target;
	}
	return lsc_error(LSC_E_FORMAT, "%s: %s %s: symlink loop", a->name, what, name);
}

static int meta_of(struct member **out, struct archive_src *a, const char *name, const char *what)
{
	int rc = resolve(out, a, name, what);

	if (rc < 0) {
		return rc;
	}
	if ((*out)->kind != M_META) {
		return lsc_error(LSC_E_FORMAT, "%s: %s %s is not a JSON document", a->name, what,
				 name);
	}
	if ((*out)->too_large) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: %s %s is larger than %u bytes", a->name,
				 what, name, LSC_MAX_CONFIG);
	}
	return 0;
}

/* The digest a member's name promises: blobs/sha256/<hex> or <hex>.json; "" when none. */
static void name_digest(char out[LSC_DIGEST_MAX], const char *name)
{
	const char *base = lsc_path_base(name);
	char cand[LSC_DIGEST_MAX];

	out[0] = 0;
	if (lsc_str_starts(name, "blobs/sha256/")) {
		snprintf(cand, sizeof(cand), "sha256:%s", base);
	} else if (strlen(base) == 69 && lsc_str_ends(base, ".json")) {
		snprintf(cand, sizeof(cand), "sha256:%.64s", base);
	} else {
		return;
	}
	if (lsc_digest_check(cand) == 0) {
		memcpy(out, cand, sizeof(cand));
	}
}

static int get_blob(struct lsc_buf *out, const char *digest, size_t max, void *payload)
{
	struct archive_src *a = payload;
	struct member *m;
	char name[LSC_DIGEST_MAX + 16];
	int rc;

	snprintf(name, sizeof(name), "blobs/sha256/%s", lsc_digest_hex(digest));
	rc = meta_of(&m, a, name, "blob");
	if (rc < 0) {
		return rc;
	}
	if (strcmp(m->digest, digest) != 0) {
		return lsc_error(LSC_E_DIGEST_MISMATCH, "%s: blob %s: digest mismatch: got %s",
				 a->name, name, m->digest);
	}
	if (m->data.len > max) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: blob %s is larger than %zu bytes", a->name,
				 name, max);
	}
	return lsc_buf_append(out, m->data.data, m->data.len);
}

static int attach_layer(struct archive_src *a, size_t i, const char *name)
{
	struct lsc_image_layer *il = &a->s->ilayers[i];
	struct member *m;
	char promised[LSC_DIGEST_MAX];
	int rc = resolve(&m, a, name, "layer");

	if (rc < 0) {
		return rc;
	}
	if (m->kind != M_LAYER || !m->layer) {
		return lsc_error(LSC_E_FORMAT, "%s: layer %s is not a tar stream", a->name, name);
	}
	il->layer = m->layer;
	name_digest(promised, m->name);
	if (promised[0] && !il->expect_digest[0]) {
		memcpy(il->expect_digest, promised, sizeof(promised));
	}
	if (!il->media_type) {
		return lsc_scan_set_str(&il->media_type,
					lsc_source_media_type(m->layer->compression));
	}
	return 0;
}

/* Docker 25+ writes index.json too: it tells the manifest digest and the layer media types. */
static void docker_manifest_digest(struct archive_src *a)
{
	uintptr_t v = lsc_strmap_value(&a->index, "index.json", 0);
	struct lsc_manifest ix, m;
	struct lsc_buf buf;

	if (!v || a->m[v - 1].kind != M_META || a->m[v - 1].too_large ||
	    lsc_manifest_parse(&ix, a->m[v - 1].data.data, a->m[v - 1].data.len, "index.json") < 0) {
		lsc_error_clear();
		return;
	}
	lsc_buf_init(&buf, LSC_MAX_MANIFEST);
	for (size_t i = 0; ix.kind == LSC_MANIFEST_INDEX && i < ix.nmanifests; i++) {
		lsc_buf_reset(&buf);
		if (get_blob(&buf, ix.manifests[i].digest, LSC_MAX_MANIFEST, a) < 0 ||
		    lsc_manifest_parse(&m, buf.data, buf.len, "manifest") < 0) {
			continue;
		}
		if (m.kind == LSC_MANIFEST_IMAGE && a->s->report.config_digest &&
		    strcmp(m.config.digest, a->s->report.config_digest) == 0 &&
		    m.nlayers == a->s->nilayers) {
			lsc_scan_set_str(&a->s->report.manifest_digest, ix.manifests[i].digest);
			for (size_t k = 0; k < m.nlayers; k++) {
				if (m.layers[k].media_type) {
					lsc_scan_set_str(&a->s->ilayers[k].media_type,
							 m.layers[k].media_type);
				}
			}
		}
		lsc_manifest_dispose(&m);
	}
	lsc_buf_dispose(&buf);
	lsc_manifest_dispose(&ix);
	lsc_error_clear();
}

static bool tag_matches(const char *have, const char *want)
{
	size_t hl = strlen(have), wl = strlen(want);

	if (strcmp(have, want) == 0) {
		return true;
	}
	/* "app:1.0" names "docker.io/library/app:1.0" and "localhost/app:1.0" alike */
	return hl > wl && have[hl - wl - 1] == '/' && strcmp(have + hl - wl, want) == 0;
}

static int use_docker_manifest(struct archive_src *a, struct member *mj)
{
	struct lsc_scan *s = a->s;
	struct lsc_save_manifest sm;
	struct lsc_save_image *im = NULL;
	struct member *cfg;
	char promised[LSC_DIGEST_MAX];
	int rc;

	rc = lsc_save_manifest_parse(&sm, mj->data.data, mj->data.len, "manifest.json");
	if (rc < 0) {
		return lsc_error_wrap(rc, "%s: ", a->name);
	}
	if (s->target.ref) {
		for (size_t i = 0; !im && i < sm.nimages; i++) {
			for (size_t k = 0; k < sm.images[i].nrepo_tags; k++) {
				if (tag_matches(sm.images[i].repo_tags[k], s->target.ref)) {
					im = &sm.images[i];
					break;
				}
			}
		}
		if (!im) {
			rc = lsc_error(LSC_E_NOT_FOUND, "%s: no image tagged %s in manifest.json",
				       a->name, s->target.ref);
			goto out;
		}
	} else if (sm.nimages > 1) {
		rc = lsc_error(LSC_E_USAGE,
			       "%s: the archive holds %zu images; name one as "
			       "docker-archive:PATH:REPO:TAG (first: %s)",
			       a->name, sm.nimages,
			       sm.images[0].nrepo_tags ? sm.images[0].repo_tags[0] : "untagged");
		goto out;
	} else {
		im = &sm.images[0];
	}
	if (im->nrepo_tags) {
		lsc_scan_set_str(&s->report.reference, im->repo_tags[0]);
	}
	rc = meta_of(&cfg, a, im->config, "config");
	if (rc < 0) {
		goto out;
	}
	name_digest(promised, cfg->name);
	rc = lsc_scan_set_config(s, cfg->data.data, cfg->data.len, im->config,
				 promised[0] ? promised : NULL);
	if (rc < 0) {
		rc = lsc_error_wrap(rc, "%s: ", a->name);
		goto out;
	}
	if (s->opts.platform && !lsc_platform_match(&s->platform, s->config.os, s->config.arch,
						    s->config.variant)) {
		lsc_scan_log(s, LSC_LOG_WARN,
			     "%s: --platform %s: the archive holds only %s/%s%s%s; scanning that",
			     a->name, s->opts.platform, s->config.os ? s->config.os : "?",
			     s->config.arch ? s->config.arch : "?", s->config.variant ? "/" : "",
			     s->config.variant ? s->config.variant : "");
	}
	rc = lsc_scan_set_layers(s, im->nlayers);
	for (size_t i = 0; rc == 0 && i < im->nlayers; i++) {
		rc = attach_layer(a, i, im->layers[i]);
	}
	if (rc == 0) {
		docker_manifest_digest(a);
	}
out:
	lsc_save_manifest_dispose(&sm);
	return rc;
}

static int use_oci_index(struct archive_src *a, struct member *ij)
{
	struct lsc_blob_getter g = {get_blob, a};
	struct lsc_manifest m;
	char name[LSC_DIGEST_MAX + 16];
	int rc;

	rc = lsc_source_resolve_index(&m, a->s, ij->data.data, ij->data.len, "index.json",
				      a->s->target.ref, &g);
	if (rc < 0) {
		return lsc_error_wrap(rc, "%s: ", a->name);
	}
	rc = lsc_source_use_manifest(a->s, &m, &g);
	for (size_t i = 0; rc == 0 && i < m.nlayers; i++) {
		snprintf(name, sizeof(name), "blobs/sha256/%s", lsc_digest_hex(m.layers[i].digest));
		rc = attach_layer(a, i, name);
	}
	lsc_manifest_dispose(&m);
	return rc;
}

/*
 * After the end-of-archive marker: read on a little, so that a producer writing its padding
 * into a pipe (docker save | layerscan scan -) is not cut off, but never without bound: the
 * archive itself has no digest to complete, and a compressed archive could expand forever.
 */
static int drain_tail(struct lsc_istream *in)
{
	uint8_t buf[65536];
	size_t total = 0;

	while (total < MAX_TAIL) {
		ssize_t n = lsc_istream_read(in, buf, sizeof(buf));

		if (n <= 0) {
			return n < 0 ? (int)n : 0;
		}
		total += (size_t)n;
	}
	return 0;
}

static int archive_read(struct lsc_scan *s)
{
	struct archive_src a = {.s = s, .name = s->target.path};
	struct lsc_istream *in = NULL;
	struct lsc_tar_limits lim = {MAX_MEMBERS};
	struct member *mj = NULL, *ij = NULL;
	enum lsc_compression comp;
	int fd, rc;

	lsc_strmap_init(&a.index, MAX_MEMBERS);
	if (strcmp(s->target.path, "-") == 0) {
		a.name = "standard input";
		rc = lsc_istream_fd_open(&in, 0, false, a.name);
	} else {
		fd = open(s->target.path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			rc = lsc_error(-errno, "%s: %s", s->target.path, strerror(errno));
			goto out;
		}
		rc = lsc_istream_fd_open(&in, fd, true, s->target.path);
	}
	if (rc == 0) {
		/* the archive itself may be gzip or zstd compressed */
		rc = lsc_istream_decompress_open(&in, in, a.name, MAX_ARCHIVE, &comp);
	}
	if (rc == 0) {
		rc = lsc_tar_walk(in, a.name, &lim, on_member, &a);
	}
	if (rc == 0) {
		rc = drain_tail(in);
	}
	{
		int crc = lsc_istream_close(in);

		if (rc == 0) {
			rc = crc;
		}
	}
	if (rc < 0) {
		goto out;
	}
	/*
	 * docker save's manifest.json names one image per tag; Docker 25+ also writes index.json,
	 * which lists every platform of a multi-platform image. An explicit --platform is answered
	 * from index.json when there is one.
	 */
	if (s->target.transport != LSC_TRANSPORT_OCI_ARCHIVE &&
	    lsc_strmap_value(&a.index, "manifest.json", 0) &&
	    !(s->opts.platform && lsc_strmap_value(&a.index, "index.json", 0))) {
		rc = meta_of(&mj, &a, "manifest.json", "file");
	} else if (lsc_strmap_value(&a.index, "index.json", 0)) {
		rc = meta_of(&ij, &a, "index.json", "file");
	} else {
		rc = lsc_error(LSC_E_FORMAT,
			       "%s: neither a docker save archive nor an OCI layout "
			       "(no manifest.json or index.json)",
			       a.name);
	}
	if (rc == 0 && mj) {
		rc = lsc_scan_set_str(&s->report.transport, "docker-archive");
		if (rc == 0) {
			rc = use_docker_manifest(&a, mj);
		}
	} else if (rc == 0) {
		rc = lsc_scan_set_str(&s->report.transport,
				      lsc_strmap_value(&a.index, "manifest.json", 0) ? "docker-archive"
										: "oci-archive");
		if (rc == 0) {
			rc = use_oci_index(&a, ij);
		}
	}
out:
	src_dispose(&a);
	return rc;
}

const struct lsc_source_ops lsc_source_archive = {"archive", archive_read};
