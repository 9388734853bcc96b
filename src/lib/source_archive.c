/*
 * docker-archive and oci-archive: a tar of blobs, from a file or standard input, in ONE pass.
 *
 * Every producer writes manifest.json (and index.json) after the layers, so nothing says which
 * member is a layer until the end. Each member is therefore classified by its content as it
 * streams by (never by its name): a tar header (checksum and ustar magic) or gzip/zstd magic is a
 * layer candidate and goes through the layer pipeline at once, its digests computed and its
 * findings held, not published; a JSON document is kept (bounded); anything else is skipped and
 * not retained. Once the archive ends, manifest.json (or index.json) says which scanned blobs
 * form the image, in which order; assembly then verifies and publishes. A member that failed the
 * pipeline only matters if the image uses it. Nothing is written to disk and no layer is held in
 * memory.
 *
 * Retention is bounded: at most MAX_CANDIDATES layer candidates at once, MAX_META_TOTAL bytes of
 * JSON, MAX_NAMES_TOTAL bytes of member names; beyond any of them the archive is exit 2. When a
 * docker save manifest.json comes before the layers, members are classified by what it says: the
 * candidates it does not name are dropped and later members it does not name are skipped unread.
 */
#include "util/error.h"
#include "source.h"
#include "pull.h"
#include "save_manifest.h"
#include "util/str.h"
#include "util/strmap.h"
#include "util/vec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_MEMBERS 100000u
#define MAX_META_TOTAL (64u << 20)
#define MAX_NAMES_TOTAL (32u << 20) /* member names and link targets kept, in all */
/*
 * Layer blobs held before a manifest names them: docker allows 127 layers per image, and a
 * docker save of several images holds the layers of all. A held layer costs what it found
 * (the detectors' per-layer states are freed when its walk ends) plus its overlay index, which
 * MAX_HELD_BYTES and the entry bounds cap.
 */
#define MAX_CANDIDATES 512u
#define MAX_HELD_BYTES (64u << 20) /* their captures and findings, in all (estimate_held) */
#define MAX_TAIL (16u << 20)
#define MAX_ARCHIVE (1ULL << 40) /* 1 TiB: the archive as a whole, its members bounded too */

/* What a manifest seen early says a member is (values of archive_src.want). */
enum role { ROLE_NONE = 0, ROLE_META, ROLE_LAYER };

enum member_kind { M_OTHER = 0, M_META, M_LAYER, M_LINK };

struct member {
	char *name; /* archive-relative, no leading slash */
	enum member_kind kind;
	struct lsc_buf data; /* M_META */
	char digest[LSC_DIGEST_MAX];
	bool too_large;
	struct lsc_layer *layer; /* M_LAYER, owned by the scan */
	uint64_t held;		 /* M_LAYER: estimate_held() of layer, counted in held_bytes */
	char *target;		 /* M_LINK */
};

struct archive_src {
	struct lsc_intake *in;
	const char *name;	 /* the archive, for messages */
	struct lsc_strmap index; /* name -> member index + 1 */
	struct lsc_vec m;	 /* struct member, at most MAX_MEMBERS */
	uint64_t meta_total, names_total;
	size_t ncandidates;	/* M_LAYER members holding a layer */
	uint64_t held_bytes;	/* their estimate_held(), in all */
	struct lsc_strmap want; /* name -> enum role, once a manifest came first */
	bool known;		/* want is filled: members are classified by it */
};

/* Member i (below a->m.n), borrowed until the next add_member(). */
static struct member *member(const struct archive_src *a, size_t i)
{
	return lsc_vec_at(&a->m, i);
}

static void src_dispose(struct archive_src *a)
{
	for (size_t i = 0; i < a->m.n; i++) {
		struct member *m = member(a, i);

		free(m->name);
		free(m->target);
		lsc_buf_dispose(&m->data);
	}
	lsc_vec_dispose(&a->m);
	lsc_strmap_dispose(&a->index);
	lsc_strmap_dispose(&a->want);
}

/* Forgets the layer a member holds: the image does not use it, or a later member replaced it. */
static void drop_layer(struct archive_src *a, struct member *m)
{
	if (m->kind == M_LAYER && m->layer) {
		lsc_intake_blob_drop(a->in, m->layer);
		a->ncandidates--;
		a->held_bytes -= m->held;
	}
	m->layer = NULL;
	m->held = 0;
	m->kind = M_OTHER;
}

static int count_name(struct archive_src *a, size_t n)
{
	a->names_total += n + 1;
	if (a->names_total > MAX_NAMES_TOTAL) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: member names longer than %u bytes in all",
				 a->name, MAX_NAMES_TOTAL);
	}
	return 0;
}

static int add_member(struct member **out, struct archive_src *a, const char *path)
{
	uintptr_t *slot;
	struct member *m;
	void *p;
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
		/* a later member of the same name replaces the earlier one, as tar extraction does
		 */
		m = member(a, *slot - 1);
		free(m->target);
		m->target = NULL;
		lsc_buf_dispose(&m->data);
		drop_layer(a, m);
		m->too_large = false;
		*out = m;
		return 0;
	}
	rc = lsc_vec_reserve(&a->m, 1);
	if (rc < 0) {
		return rc == -EFBIG ? lsc_error(LSC_E_TOO_LARGE, "%s: more than %u members",
						a->name, MAX_MEMBERS)
				    : rc;
	}
	rc = count_name(a, strlen(path));
	if (rc < 0) {
		return rc;
	}
	rc = lsc_vec_push(&a->m, NULL, &p); /* zero-filled; room was reserved */
	if (rc < 0) {
		return rc;
	}
	m = p;
	m->name = strdup(path);
	if (!m->name) {
		lsc_vec_pop(&a->m, NULL);
		return -ENOMEM;
	}
	*slot = a->m.n;
	*out = m;
	return 0;
}

enum sniffed { SNIFF_OTHER = 0, SNIFF_META, SNIFF_LAYER };

/* What a member's first bytes say it is: a layer (tar header, gzip, zstd), JSON, or neither. */
static enum sniffed sniff(const uint8_t *p, size_t n)
{
	size_t i = 0;

	if (lsc_compression_sniff(p, n) != LSC_COMP_NONE || lsc_tar_header_is(p, n)) {
		return SNIFF_LAYER;
	}
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		i = 3; /* a UTF-8 byte order mark, which some tools write before JSON */
	}
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) {
		i++;
	}
	return i < n && (p[i] == '{' || p[i] == '[') ? SNIFF_META : SNIFF_OTHER;
}

static void keep_meta(struct archive_src *a, struct member *m, const void *p, size_t n)
{
	if (m->too_large || n == 0) {
		return;
	}
	if (a->meta_total + (uint64_t)n > MAX_META_TOTAL ||
	    lsc_buf_append(&m->data, p, n) == -EFBIG) {
		m->too_large = true;
		lsc_buf_dispose(&m->data);
	} else {
		a->meta_total += (uint64_t)n;
	}
}

/* A JSON member: kept whole up to LSC_MAX_CONFIG (too_large beyond), with its digest. */
static int read_meta(struct archive_src *a, struct member *m, struct lsc_istream *st,
		     const uint8_t *head, size_t n)
{
	static _Thread_local uint8_t buf[65536];

	m->kind = M_META;
	lsc_buf_init(&m->data, LSC_MAX_CONFIG);
	keep_meta(a, m, head, n);
	for (;;) {
		ssize_t r = lsc_istream_read(st, buf, sizeof(buf));

		if (r < 0) {
			return (int)r;
		}
		if (r == 0) {
			break;
		}
		keep_meta(a, m, buf, (size_t)r);
	}
	if (!m->too_large) {
		return lsc_digest_buf(m->digest, m->data.data ? (void *)m->data.data : "",
				      m->data.len);
	}
	return 0;
}

static int want_name(struct archive_src *a, const char *name, enum role role)
{
	uintptr_t *slot;
	int rc;

	while (*name == '/') {
		name++;
	}
	rc = lsc_strmap_get(&slot, &a->want, name, 1);
	if (rc == -EFBIG) {
		return lsc_error(LSC_E_TOO_LARGE, "%s: manifest.json names more than %u members",
				 a->name, MAX_MEMBERS);
	}
	if (rc < 0) {
		return rc;
	}
	if (*slot < (uintptr_t)role) {
		*slot = (uintptr_t)role; /* a layer that is also a config stays a layer */
	}
	return 0;
}

/* Adds name, and the members its links lead to among those seen so far, to the wanted set. */
static int want_through_links(struct archive_src *a, const char *name, enum role role)
{
	const char *cur = name;

	for (int hops = 0; hops < 16; hops++) {
		uintptr_t v;
		int rc = want_name(a, cur, role);

		if (rc < 0) {
			return rc;
		}
		while (*cur == '/') {
			cur++;
		}
		v = lsc_strmap_value(&a->index, cur, 0);
		if (!v || member(a, v - 1)->kind != M_LINK) {
			return 0;
		}
		cur = member(a, v - 1)->target;
	}
	return 0; /* a loop: reported when the image is assembled */
}

/*
 * A docker save manifest.json that comes before the layers: from now on members are classified
 * by what it names (the union over its images: a tag picks one at the end), and the candidates
 * it does not name are dropped. One that does not parse changes nothing; the end reports it.
 */
static int learn_manifest(struct archive_src *a, const struct member *mj)
{
	struct lsc_save_manifest sm;
	int rc = 0;

	if (mj->too_large || a->in->target->transport == LSC_TRANSPORT_OCI_ARCHIVE ||
	    a->in->platform_opt) {
		return 0; /* --platform answers from index.json, whose layers this does not name */
	}
	if (lsc_save_manifest_parse(&sm, mj->data.data, mj->data.len, "manifest.json") < 0) {
		lsc_error_clear();
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < sm.nimages; i++) {
		rc = want_through_links(a, sm.images[i].config, ROLE_META);
		for (size_t k = 0; rc == 0 && k < sm.images[i].nlayers; k++) {
			rc = want_through_links(a, sm.images[i].layers[k], ROLE_LAYER);
		}
	}
	lsc_save_manifest_dispose(&sm);
	if (rc < 0) {
		return rc;
	}
	a->known = true;
	for (size_t i = 0; i < a->m.n; i++) {
		struct member *m = member(a, i);

		if (m->kind == M_LAYER && !lsc_strmap_value(&a->want, m->name, 0)) {
			drop_layer(a, m);
		}
	}
	return 0;
}

/*
 * What a scanned layer holds that its image may not need: the files captured for detectors
 * (512 KiB each) and its findings (a generous 256 bytes each), plus its entries' records. A small
 * compressed layer can make these large, so candidates are bounded by them as well as by count.
 */
static uint64_t estimate_held(const struct lsc_layer *l)
{
	uint64_t n = sizeof(*l) + (uint64_t)l->nfound * 256 + l->files * 16;

	for (size_t i = 0; i < l->ncaptures; i++) {
		n += l->captures[i].data.cap;
	}
	return n;
}

/*
 * Runs a member through the layer pipeline. named: an early manifest names it, so the image needs
 * it and the bounds on speculative candidates do not apply.
 */
static int scan_layer(struct archive_src *a, struct member *m, struct lsc_istream *st,
		      const uint8_t *head, size_t n, const bool *outer_failed, bool named)
{
	struct lsc_istream *blob;
	int rc;

	if (!named && a->ncandidates >= MAX_CANDIDATES) {
		lsc_istream_close(st);
		return lsc_error(
		    LSC_E_TOO_LARGE,
		    "%s: more than %u layer blobs before a manifest names them (at %s)", a->name,
		    MAX_CANDIDATES, m->name);
	}
	rc = lsc_istream_prepend_open(&blob, st, head, n);
	if (rc < 0) {
		return rc;
	}
	m->kind = M_LAYER;
	rc = lsc_intake_blob(&m->layer, a->in, blob, m->name);
	if (m->layer) {
		a->ncandidates++;
		m->held = estimate_held(m->layer);
		a->held_bytes += m->held;
	}
	if (rc < 0 && (*outer_failed || !m->layer || rc == -ENOMEM)) {
		return rc; /* the archive itself is broken: nothing after this can be read */
	}
	if (!named && a->held_bytes > MAX_HELD_BYTES) {
		return lsc_error(
		    LSC_E_TOO_LARGE,
		    "%s: the layer blobs held before a manifest names them keep more than "
		    "%u MiB of files and findings (at %s)",
		    a->name, MAX_HELD_BYTES >> 20, m->name);
	}
	return 0;
}

static int on_member(const struct lsc_tar_entry *e, struct lsc_tar_data *d, void *payload)
{
	struct archive_src *a = payload;
	struct member *m = NULL;
	struct lsc_istream *st;
	uint8_t head[LSC_PREPEND_MAX];
	enum role role = ROLE_NONE;
	enum sniffed kind;
	bool outer_failed = false;
	ssize_t n;
	int rc;

	if (e->type == LSC_TAR_DIR) {
		return 0;
	}
	if (a->known) {
		role = (enum role)lsc_strmap_value(&a->want, e->path + (e->path[0] == '/'), 0);
	}
	if (e->type == LSC_TAR_SYMLINK || e->type == LSC_TAR_HARDLINK) {
		char t[LSC_PATH_MAX];
		const char *tp = t;

		rc = add_member(&m, a, e->path);
		if (rc < 0) {
			return rc;
		}
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
		rc = count_name(a, strlen(tp));
		if (rc < 0) {
			return rc;
		}
		m->kind = M_LINK;
		m->target = strdup(tp);
		if (!m->target) {
			return -ENOMEM;
		}
		return role ? want_through_links(a, m->target, role) : 0;
	}
	if (e->type != LSC_TAR_REG) {
		return 0;
	}
	rc = add_member(&m, a, e->path);
	if (rc < 0) {
		return rc;
	}
	rc = lsc_tar_data_stream_open(&st, d, NULL, 0, &outer_failed);
	if (rc < 0) {
		return rc;
	}
	n = lsc_istream_read_full(st, head, sizeof(head));
	if (n < 0) {
		lsc_istream_close(st);
		return (int)n;
	}
	kind = sniff(head, (size_t)n);
	if (role == ROLE_LAYER || (!a->known && kind == SNIFF_LAYER)) {
		/* a member the manifest names as a layer is one, whatever its bytes look like */
		return scan_layer(a, m, st, head, (size_t)n, &outer_failed, role == ROLE_LAYER);
	}
	if (role == ROLE_META || kind == SNIFF_META) {
		rc = read_meta(a, m, st, head, (size_t)n);
		if (rc == 0 && !a->known && strcmp(m->name, "manifest.json") == 0) {
			rc = learn_manifest(a, m);
		}
	} else {
		m->kind = M_OTHER; /* not a blob this scan can use: skipped (drained by the walk) */
	}
	{
		int crc = lsc_istream_close(st);

		return rc < 0 ? rc : crc;
	}
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
			return lsc_error(LSC_E_NOT_FOUND, "%s: %s %s is not in the archive",
					 a->name, what, name);
		}
		if (member(a, v - 1)->kind != M_LINK) {
			*out = member(a, v - 1);
			return 0;
		}
		cur = member(a, v - 1)->target;
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
	struct lsc_image_layer *il = &a->in->layers[i];
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
		return lsc_intake_set_str(&il->media_type,
					  lsc_pull_media_type(m->layer->compression));
	}
	return 0;
}

/* Docker 25+ writes index.json too: it tells the manifest digest and the layer media types. */
static void docker_manifest_digest(struct archive_src *a)
{
	uintptr_t v = lsc_strmap_value(&a->index, "index.json", 0);
	struct lsc_manifest ix, m;
	struct lsc_buf buf;

	if (!v || member(a, v - 1)->kind != M_META || member(a, v - 1)->too_large ||
	    lsc_manifest_parse(&ix, member(a, v - 1)->data.data, member(a, v - 1)->data.len,
			       "index.json") < 0) {
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
		if (m.kind == LSC_MANIFEST_IMAGE && a->in->config_digest &&
		    strcmp(m.config.digest, a->in->config_digest) == 0 &&
		    m.nlayers == a->in->nlayers) {
			lsc_intake_set_str(&a->in->manifest_digest, ix.manifests[i].digest);
			for (size_t k = 0; k < m.nlayers; k++) {
				if (m.layers[k].media_type) {
					lsc_intake_set_str(&a->in->layers[k].media_type,
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
	struct lsc_intake *in = a->in;
	struct lsc_save_manifest sm;
	struct lsc_save_image *im = NULL;
	struct member *cfg;
	char promised[LSC_DIGEST_MAX];
	int rc;

	rc = lsc_save_manifest_parse(&sm, mj->data.data, mj->data.len, "manifest.json");
	if (rc < 0) {
		return lsc_error_wrap(rc, "%s: ", a->name);
	}
	if (in->target->ref) {
		for (size_t i = 0; !im && i < sm.nimages; i++) {
			for (size_t k = 0; k < sm.images[i].nrepo_tags; k++) {
				if (tag_matches(sm.images[i].repo_tags[k], in->target->ref)) {
					im = &sm.images[i];
					break;
				}
			}
		}
		if (!im) {
			rc = lsc_error(LSC_E_NOT_FOUND, "%s: no image tagged %s in manifest.json",
				       a->name, in->target->ref);
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
		lsc_intake_set_str(&in->reference, im->repo_tags[0]);
	}
	rc = meta_of(&cfg, a, im->config, "config");
	if (rc < 0) {
		goto out;
	}
	name_digest(promised, cfg->name);
	rc = lsc_intake_set_config(in, cfg->data.data, cfg->data.len, im->config,
				   promised[0] ? promised : NULL);
	if (rc < 0) {
		rc = lsc_error_wrap(rc, "%s: ", a->name);
		goto out;
	}
	if (in->platform_opt &&
	    !lsc_platform_match(in->platform, in->config.os, in->config.arch, in->config.variant)) {
		lsc_intake_log(in, LSC_LOG_WARN,
			       "%s: --platform %s: the archive holds only %s/%s%s%s; scanning that",
			       a->name, in->platform_opt, in->config.os ? in->config.os : "?",
			       in->config.arch ? in->config.arch : "?",
			       in->config.variant ? "/" : "",
			       in->config.variant ? in->config.variant : "");
	}
	rc = lsc_intake_set_layers(in, im->nlayers);
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

	rc = lsc_pull_resolve_index(&m, a->in, ij->data.data, ij->data.len, "index.json",
				    a->in->target->ref, &g);
	if (rc < 0) {
		return lsc_error_wrap(rc, "%s: ", a->name);
	}
	rc = lsc_pull_use_manifest(a->in, &m, &g);
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
static int drain_tail(struct lsc_istream *ar)
{
	uint8_t buf[65536];
	size_t total = 0;

	while (total < MAX_TAIL) {
		ssize_t n = lsc_istream_read(ar, buf, sizeof(buf));

		if (n <= 0) {
			return n < 0 ? (int)n : 0;
		}
		total += (size_t)n;
	}
	return 0;
}

/*
 * The archive file: a regular file, or a pipe (a FIFO, /dev/fd/N of a shell's <(...)) read once as
 * a stream like standard input. Opened O_NONBLOCK so that a FIFO nobody writes cannot block the
 * open (its read then ends at once); a device, a directory or a socket is refused unread.
 */
static int open_archive(int *fd, const char *path)
{
	struct stat st;
	int rc;

	*fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (*fd < 0) {
		return lsc_error(-errno, "%s: %s", path, strerror(errno));
	}
	if (fstat(*fd, &st) < 0) {
		rc = lsc_error(-errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
		rc = lsc_error(LSC_E_FORMAT, "%s: not a regular file or a pipe (%s)", path,
			       S_ISCHR(st.st_mode)   ? "a character device"
			       : S_ISBLK(st.st_mode) ? "a block device"
			       : S_ISDIR(st.st_mode) ? "a directory"
						     : "a socket or other special file");
		goto fail;
	}
	if (fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		rc = lsc_error(-errno, "%s: %s", path, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return rc;
}

static int archive_read(struct lsc_intake *in)
{
	struct archive_src a = {.in = in, .name = in->target->path};
	struct lsc_istream *ar = NULL;
	struct lsc_tar_limits lim = {MAX_MEMBERS};
	struct member *mj = NULL, *ij = NULL;
	enum lsc_compression comp;
	int fd, rc;

	lsc_strmap_init(&a.index, MAX_MEMBERS);
	lsc_strmap_init(&a.want, MAX_MEMBERS);
	lsc_vec_init(&a.m, sizeof(struct member), MAX_MEMBERS);
	if (strcmp(in->target->path, "-") == 0) {
		a.name = "standard input";
		rc = lsc_istream_fd_open(&ar, 0, false, a.name);
	} else {
		rc = open_archive(&fd, in->target->path);
		if (rc < 0) {
			goto out;
		}
		rc = lsc_istream_fd_open(&ar, fd, true, in->target->path);
	}
	if (rc == 0) {
		/* the archive itself may be gzip or zstd compressed */
		rc = lsc_istream_decompress_open(&ar, ar, a.name, MAX_ARCHIVE, &comp);
	}
	if (rc == 0) {
		rc = lsc_tar_walk(ar, a.name, &lim, on_member, &a);
	}
	if (rc == 0) {
		rc = drain_tail(ar);
	}
	{
		int crc = lsc_istream_close(ar);

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
	if (in->target->transport != LSC_TRANSPORT_OCI_ARCHIVE &&
	    lsc_strmap_value(&a.index, "manifest.json", 0) &&
	    !(in->platform_opt && lsc_strmap_value(&a.index, "index.json", 0))) {
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
		rc = lsc_intake_set_str(&in->transport, "docker-archive");
		if (rc == 0) {
			rc = use_docker_manifest(&a, mj);
		}
	} else if (rc == 0) {
		rc = lsc_intake_set_str(&in->transport,
					lsc_strmap_value(&a.index, "manifest.json", 0)
					    ? "docker-archive"
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
