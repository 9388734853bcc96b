#include "testutil.h"

#include "util/error.h"
#include "lib/layer.h"
#include "lib/emit.h"

static const struct lsc_layer_limits lim = {.max_entries = 1000, .max_uncompressed = 1 << 20};

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

/* --- the findings caps ----------------------------------------------------------------------- */

static const struct lsc_rule cap_rule = {
    "cap-test", LSC_CAT_CONFIG, LSC_SEV_LOW, "Cap test", "A rule for the caps' tests.", "test"};

static struct lsc_layer *capped(size_t max)
{
	const struct lsc_layer_limits l2 = {
	    .max_entries = 1000, .max_uncompressed = 1 << 20, .max_findings = max};
	struct lsc_layer *l;

	cr_assert_eq(lsc_layer_new(&l, "blob-under-test", &l2, NULL), 0);
	return l;
}

static void emit(struct lsc_layer *l, const char *path, uint64_t seq, enum lsc_severity sev)
{
	struct lsc_tar_entry e;

	memset(&e, 0, sizeof(e));
	e.path = path;
	e.type = LSC_TAR_REG;
	e.index = seq;
	cr_assert_eq(lsc_emit_finding(l, &e, &cap_rule, sev, 0, NULL, "finding %llu",
				      (unsigned long long)seq),
		     0);
}

static size_t kept(const struct lsc_layer *l, enum lsc_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < l->nfound; i++) {
		n += l->found[i].f.rule && l->found[i].f.severity == sev;
	}
	return n;
}

/* Over the cap the most severe are kept, whatever the order; every finding gone is counted. */
Test(layer, findings_cap_keeps_the_most_severe)
{
	struct lsc_layer *l = capped(10);
	char p[32];
	uint64_t seq = 0;

	for (int i = 0; i < 100; i++, seq++) {
		snprintf(p, sizeof(p), "/info/%d", i);
		emit(l, p, seq, LSC_SEV_INFO);
	}
	cr_assert_eq(l->truncated, 90);
	for (int i = 0; i < 5; i++, seq++) {
		snprintf(p, sizeof(p), "/crit/%d", i);
		emit(l, p, seq, LSC_SEV_CRITICAL);
	}
	for (int i = 0; i < 100; i++, seq++) {
		snprintf(p, sizeof(p), "/low/%d", i);
		emit(l, p, seq, LSC_SEV_LOW);
	}
	cr_assert_eq(l->nlive, 10);
	cr_assert_leq(l->nfound, 10, "the slots never outgrow the cap");
	cr_assert_eq(kept(l, LSC_SEV_CRITICAL), 5);
	cr_assert_eq(kept(l, LSC_SEV_LOW), 5);
	cr_assert_eq(kept(l, LSC_SEV_INFO), 0);
	cr_assert_eq(l->truncated, 195, "%llu", (unsigned long long)l->truncated);
	cr_assert_eq(l->truncated_severity, LSC_SEV_LOW);
	for (size_t i = 0; i < l->nfound; i++) {
		const struct lsc_finding *f = &l->found[i].f;

		/* each kept finding carries its own path and detail, not an evicted one's */
		cr_assert_eq(strncmp(f->path, f->severity == LSC_SEV_CRITICAL ? "/crit/" : "/low/",
				     f->severity == LSC_SEV_CRITICAL ? 6 : 5),
			     0, "%s", f->path);
		cr_assert_eq(strtoull(f->detail + 8, NULL, 10), l->found[i].seq);
	}
	lsc_layer_free(l);
}

/* The bytes of text are capped too: long paths keep fewer findings. */
Test(layer, findings_text_cap)
{
	struct lsc_layer *l = capped(1000);
	char p[LSC_PATH_MAX];

	l->max_text = 10000;
	memset(p, 'a', 3000);
	p[0] = '/';
	for (int i = 0; i < 50; i++) {
		snprintf(p + 3000, 16, "/%d", i);
		emit(l, p, (uint64_t)i, i == 49 ? LSC_SEV_HIGH : LSC_SEV_MEDIUM);
	}
	cr_assert_eq(l->nlive, 3);
	cr_assert_leq(l->text, 10000);
	cr_assert_eq(kept(l, LSC_SEV_HIGH), 1, "the last, more severe, replaced one");
	cr_assert_eq(l->truncated, 47);
	lsc_layer_free(l);
}

/* One copy of a path however many findings are about it. */
Test(layer, finding_paths_interned)
{
	struct lsc_layer *l = capped(0);

	emit(l, "/etc/shadow", 1, LSC_SEV_HIGH);
	emit(l, "/etc/shadow", 1, LSC_SEV_MEDIUM);
	emit(l, "/etc/passwd", 2, LSC_SEV_MEDIUM);
	cr_assert_eq(l->nfound, 3);
	cr_assert_eq(l->found[0].f.path, l->found[1].f.path);
	cr_assert_neq(l->found[0].f.path, l->found[2].f.path);
	cr_assert_eq(l->max_found, LSC_LAYER_MAX_FINDINGS, "0 is the default");
	lsc_layer_free(l);
}

/*
 * The paths of replaced findings stay in the arena until it holds more of them than of the kept
 * ones: then the kept move to a new one. The arena stays bounded, the kept paths intact.
 */
Test(layer, finding_paths_compacted)
{
	struct lsc_layer *l = capped(1000);
	char p[200];
	size_t most = 0;

	l->max_text = 3000;
	for (int sev = LSC_SEV_INFO; sev <= LSC_SEV_CRITICAL; sev++) {
		for (int i = 0; i < 40; i++) {
			snprintf(p, sizeof(p), "/s%d/%03d/%0140d", sev, i, 0);
			emit(l, p, (uint64_t)(sev * 100 + i), (enum lsc_severity)sev);
			most = l->fpaths.key_bytes > most ? l->fpaths.key_bytes : most;
		}
	}
	cr_assert_leq(most, 2 * 3000 + LSC_PATH_MAX + sizeof(p), "%zu", most);
	cr_assert_gt(kept(l, LSC_SEV_CRITICAL), 10);
	for (size_t i = 0; i < l->nfound; i++) {
		const struct lsc_found *f = &l->found[i];

		if (!f->f.rule) {
			continue;
		}
		snprintf(p, sizeof(p), "/s%d/%03d/%0140d", (int)f->f.severity, (int)(f->seq % 100),
			 0);
		cr_assert_str_eq(f->f.path, p);
		cr_assert_eq(lsc_strmap_key(&l->fpaths, p), f->f.path, "the path is the arena's");
	}
	lsc_layer_free(l);
}

/*
 * The bound across the layers of a scan: once reached, a layer only replaces its own findings of
 * a lower severity; what a layer kept is given back when it is freed.
 */
Test(layer, findings_bound_across_layers)
{
	size_t found = 0, text = 0;
	struct lsc_layer_limits l2 = {1000, 1 << 20, 100, &found, &text, 10, 1 << 20};
	struct lsc_layer *a, *b;
	char p[32];

	cr_assert_eq(lsc_layer_new(&a, "a", &l2, NULL), 0);
	cr_assert_eq(lsc_layer_new(&b, "b", &l2, NULL), 0);
	for (int i = 0; i < 10; i++) {
		snprintf(p, sizeof(p), "/a/%d", i);
		emit(a, p, (uint64_t)i, LSC_SEV_INFO);
	}
	cr_assert_eq(found, 10);
	emit(b, "/b/0", 0, LSC_SEV_CRITICAL);
	cr_assert_eq(b->nlive, 0, "b has nothing of its own to give up");
	cr_assert_eq(b->truncated, 1);
	cr_assert_eq(b->truncated_severity, LSC_SEV_CRITICAL);
	emit(a, "/a/x", 10, LSC_SEV_HIGH);
	cr_assert_eq(a->nlive, 10);
	cr_assert_eq(kept(a, LSC_SEV_HIGH), 1, "a replaced one of its own");
	cr_assert_eq(found, 10);
	lsc_layer_free(a);
	cr_assert_eq(found, 0);
	cr_assert_eq(text, 0);
	emit(b, "/b/1", 1, LSC_SEV_LOW);
	cr_assert_eq(b->nlive, 1, "room again");
	cr_assert_eq(found, 1);
	lsc_layer_free(b);
	cr_assert_eq(found, 0);
}

/* --- folding identical findings (issue 14) ---------------------------------------------------- */

static void emit_value(struct lsc_layer *l, const char *path, enum lsc_tar_type type,
		       enum lsc_severity sev, long line, const char *match, const char *note)
{
	struct lsc_tar_entry e;

	memset(&e, 0, sizeof(e));
	e.path = path;
	e.type = type;
	cr_assert_eq(lsc_emit_noted(l, &e, &cap_rule, sev, line, match, note, "line %ld", line), 0);
}

static const struct lsc_found *kept_match(const struct lsc_layer *l, const char *path,
					  const char *match, enum lsc_severity sev)
{
	const struct lsc_found *hit = NULL;

	for (size_t i = 0; i < l->nfound; i++) {
		const struct lsc_found *f = &l->found[i];

		if (f->f.rule && f->f.severity == sev && strcmp(f->f.path, path) == 0 &&
		    ((!match && !f->f.match) ||
		     (match && f->f.match && !strcmp(f->f.match, match)))) {
			cr_assert_null(hit, "%s %s kept twice", path, match ? match : "(none)");
			hit = f;
		}
	}
	return hit;
}

/* Same rule, severity, path and value: one finding with a count, at the lowest line. */
Test(layer, identical_findings_fold_with_a_count)
{
	struct lsc_layer *l = capped(100);
	const struct lsc_found *f;

	emit_value(l, "/app/a.js", LSC_TAR_REG, LSC_SEV_LOW, 7, "Xq7vLm2pR9tK", NULL);
	emit_value(l, "/app/a.js", LSC_TAR_REG, LSC_SEV_LOW, 3, "Xq7vLm2pR9tK", NULL);
	emit_value(l, "/app/a.js", LSC_TAR_REG, LSC_SEV_LOW, 9, "Xq7vLm2pR9tK", NULL);
	/* each of these differs in one thing: a finding of its own */
	emit_value(l, "/app/a.js", LSC_TAR_REG, LSC_SEV_LOW, 4, "Xq7vLm2pR9tL", NULL);
	emit_value(l, "/app/b.js", LSC_TAR_REG, LSC_SEV_LOW, 4, "Xq7vLm2pR9tK", NULL);
	emit_value(l, "/app/a.js", LSC_TAR_REG, LSC_SEV_HIGH, 4, "Xq7vLm2pR9tK", NULL);
	/* no value, or a directory: never folded */
	emit_value(l, "/app/c", LSC_TAR_REG, LSC_SEV_LOW, 0, NULL, NULL);
	emit_value(l, "/app/c", LSC_TAR_REG, LSC_SEV_LOW, 0, NULL, NULL);
	emit_value(l, "/app/d", LSC_TAR_DIR, LSC_SEV_LOW, 0, "Xq7vLm2pR9tK", NULL);
	emit_value(l, "/app/d", LSC_TAR_DIR, LSC_SEV_LOW, 0, "Xq7vLm2pR9tK", NULL);
	cr_assert_eq(l->nlive, 8);
	f = kept_match(l, "/app/a.js", "Xq7vLm2pR9tK", LSC_SEV_LOW);
	cr_assert_not_null(f);
	cr_assert_eq(f->f.repeats, 2);
	cr_assert_eq(f->f.line, 3);
	cr_assert_str_eq(f->f.detail, "line 7", "the first detail is kept");
	cr_assert_eq(kept_match(l, "/app/a.js", "Xq7vLm2pR9tL", LSC_SEV_LOW)->f.repeats, 0);
	cr_assert_eq(kept_match(l, "/app/b.js", "Xq7vLm2pR9tK", LSC_SEV_LOW)->f.repeats, 0);
	cr_assert_eq(kept_match(l, "/app/a.js", "Xq7vLm2pR9tK", LSC_SEV_HIGH)->f.repeats, 0);
	cr_assert_eq(l->truncated, 0);
	lsc_layer_free(l);
}

/* A note stays only while every occurrence has it. */
Test(layer, folded_note_needs_every_occurrence)
{
	struct lsc_layer *l = capped(100);

	emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_HIGH, 1, "v1-Zq8kP2vL", "looks like an example");
	emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_HIGH, 2, "v1-Zq8kP2vL", "looks like an example");
	cr_assert_str_eq(kept_match(l, "/a", "v1-Zq8kP2vL", LSC_SEV_HIGH)->f.note,
			 "looks like an example");
	emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_HIGH, 3, "v1-Zq8kP2vL", NULL);
	emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_HIGH, 4, "v1-Zq8kP2vL", "looks like an example");
	cr_assert_null(kept_match(l, "/a", "v1-Zq8kP2vL", LSC_SEV_HIGH)->f.note);
	cr_assert_eq(kept_match(l, "/a", "v1-Zq8kP2vL", LSC_SEV_HIGH)->f.repeats, 3);
	lsc_layer_free(l);
}

/* Repeats take no slot: 10,000 copies of one value next to 9 others fit a cap of 10. */
Test(layer, folded_repeats_take_no_slot)
{
	struct lsc_layer *l = capped(10);
	char v[32];

	for (int i = 0; i < 9; i++) {
		snprintf(v, sizeof(v), "value-%d-Zq8kP2vL", i);
		emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_LOW, i + 1, v, NULL);
	}
	for (int i = 0; i < 10000; i++) {
		emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_LOW, 100 + i, "same-Zq8kP2vL", NULL);
	}
	cr_assert_eq(l->nlive, 10);
	cr_assert_eq(l->truncated, 0);
	cr_assert_eq(kept_match(l, "/a", "same-Zq8kP2vL", LSC_SEV_LOW)->f.repeats, 9999);
	lsc_layer_free(l);
}

/*
 * Slots replaced over the cap leave keys behind; the map is rebuilt from the kept findings, so
 * it stays within a constant of them, and a dropped finding's value is a new finding again.
 */
Test(layer, fold_map_stays_bounded_and_forgets_replaced_slots)
{
	struct lsc_layer *l = capped(10);
	char v[32];

	for (int s = LSC_SEV_INFO; s <= LSC_SEV_CRITICAL; s++) {
		for (int i = 0; i < 2000; i++) {
			snprintf(v, sizeof(v), "v-%d-%d-Zq8kP2vL", s, i);
			emit_value(l, "/a", LSC_TAR_REG, (enum lsc_severity)s, 1, v, NULL);
			cr_assert_leq(l->folds.count, 2 * l->nlive + 65);
		}
	}
	cr_assert_eq(l->nlive, 10);
	cr_assert_eq(kept(l, LSC_SEV_CRITICAL), 10);
	/* the first info value was dropped long ago: emitting it again folds into nothing */
	emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_INFO, 1, "v-0-0-Zq8kP2vL", NULL);
	cr_assert_null(kept_match(l, "/a", "v-0-0-Zq8kP2vL", LSC_SEV_INFO));
	/* a kept critical one still folds */
	emit_value(l, "/a", LSC_TAR_REG, LSC_SEV_CRITICAL, 1, "v-4-0-Zq8kP2vL", NULL);
	cr_assert_eq(kept_match(l, "/a", "v-4-0-Zq8kP2vL", LSC_SEV_CRITICAL)->f.repeats, 1);
	lsc_layer_free(l);
}
