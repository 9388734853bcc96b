/*
 * A layer's findings (emit.h): the caps, the per-severity stacks that keep the most severe, the
 * interned paths, and the folding of identical findings into one with a count. Below the detectors,
 * which report through it, and below layer.c, which walks them: no detector calls back into the
 * module that calls it.
 */
#include "emit.h"
#include "util/error.h"
#include "layer.h"
#include "finding.h"
#include "util/str.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Moves the paths of the kept findings to a new arena and drops the old one, with the paths of
 * findings replaced since (the arena never frees one): run when those are more than the kept, so
 * it costs O(1) per byte interned, and the arena stays under twice the findings' text bound.
 */
static int compact_paths(struct lsc_layer *l)
{
	struct lsc_strmap m;
	uintptr_t *v;

	lsc_strmap_init(&m, SIZE_MAX);
	for (size_t i = 0; i < l->nfound; i++) {
		struct lsc_found *f = &l->found[i];

		if (!f->f.rule || !f->f.path) {
			continue;
		}
		if (lsc_strmap_get(&v, &m, f->f.path, 1) < 0) {
			lsc_strmap_dispose(&m);
			return -ENOMEM;
		}
		f->f.path = (char *)lsc_strmap_key(&m, f->f.path);
	}
	lsc_strmap_dispose(&l->fpaths);
	l->fpaths = m;
	return 0;
}

/* The layer's copy of path (its fpaths arena: one per distinct path). NULL: out of memory. */
static char *intern_path(struct lsc_layer *l, const char *path)
{
	uintptr_t *v;

	if (l->fpaths.key_bytes > 2 * (size_t)l->max_text + LSC_PATH_MAX &&
	    !lsc_strmap_key(&l->fpaths, path) && compact_paths(l) < 0) {
		return NULL;
	}
	if (lsc_strmap_get(&v, &l->fpaths, path, 1) < 0) {
		return NULL;
	}
	return (char *)lsc_strmap_key(&l->fpaths, path);
}

static size_t text_of(const struct lsc_finding *f)
{
	return (f->path ? strlen(f->path) + 1 : 0) + (f->match ? strlen(f->match) + 1 : 0) +
	       (f->detail ? strlen(f->detail) + 1 : 0);
}

static void count_truncated(struct lsc_layer *l, enum lsc_severity sev)
{
	if (l->truncated++ == 0 || sev > l->truncated_severity) {
		l->truncated_severity = sev;
	}
}

static bool full(const struct lsc_layer *l, size_t need)
{
	if (l->nlive >= l->max_found || l->text + need > l->max_text) {
		return true;
	}
	/* racy by design: layers on other threads may pass the bound by one finding each */
	return l->scan_found &&
	       (__atomic_load_n(l->scan_found, __ATOMIC_RELAXED) >= l->max_scan_found ||
		__atomic_load_n(l->scan_text, __ATOMIC_RELAXED) + need > l->max_scan_text);
}

static void account(struct lsc_layer *l, ssize_t found, ssize_t text)
{
	l->nlive += (size_t)found;
	l->text += (size_t)text;
	if (l->scan_found) {
		__atomic_add_fetch(l->scan_found, (size_t)found, __ATOMIC_RELAXED);
		__atomic_add_fetch(l->scan_text, (size_t)text, __ATOMIC_RELAXED);
	}
}

/*
 * A slot for a finding of severity sev and need bytes of text: while the caps are reached, a kept
 * finding of the lowest severity is dropped to make room if sev is higher; when it is not, the
 * new finding is the one dropped (NULL). Every drop is counted. O(1) per drop: the kept findings
 * of each severity are a stack, and so are the empty slots.
 */
static struct lsc_found *slot_for(struct lsc_layer *l, enum lsc_severity sev, size_t need, int *rc)
{
	struct lsc_found *f;
	size_t i;

	*rc = 0;
	while (full(l, need)) {
		unsigned lo = 0;

		while (lo <= LSC_SEV_CRITICAL && l->sev_head[lo] == 0) {
			lo++;
		}
		if (lo > LSC_SEV_CRITICAL || (unsigned)sev <= lo) {
			count_truncated(l, sev);
			return NULL;
		}
		i = l->sev_head[lo] - 1;
		f = &l->found[i];
		l->sev_head[lo] = f->next;
		account(l, -1, -(ssize_t)text_of(&f->f));
		free(f->f.match);
		free(f->f.detail);
		memset(f, 0, sizeof(*f));
		f->next = l->free_head;
		l->free_head = i + 1;
		count_truncated(l, (enum lsc_severity)lo);
	}
	if (l->free_head) {
		i = l->free_head - 1;
		l->free_head = l->found[i].next;
	} else {
		if (l->nfound == l->capfound) {
			size_t cap = l->capfound ? l->capfound * 2 : 16;

			if (cap > l->max_found) {
				cap = l->max_found;
			}
			f = realloc(l->found, cap * sizeof(*f));
			if (!f) {
				*rc = -ENOMEM;
				return NULL;
			}
			l->found = f;
			l->capfound = cap;
		}
		i = l->nfound++;
	}
	f = &l->found[i];
	memset(f, 0, sizeof(*f));
	f->next = l->sev_head[sev];
	l->sev_head[sev] = i + 1;
	return f;
}

/* ---- folding: identical findings of a layer kept once, with a count ---- */

/*
 * The fold key of a finding: rule, severity, path and value, joined by a byte no rule id or
 * severity holds. A path or value holding that byte can make two keys equal: the slot is compared
 * in full before folding, so such a collision only misses a fold. NULL: out of memory.
 */
static char *fold_key(const struct lsc_rule *rule, enum lsc_severity sev, const char *path,
		      const char *match)
{
	char *k;

	if (asprintf(&k, "%s\x1f%d\x1f%s\x1f%s", rule->id, (int)sev, path, match) < 0) {
		return NULL;
	}
	return k;
}

static bool same_finding(const struct lsc_found *f, const struct lsc_rule *rule,
			 enum lsc_severity sev, const char *path, const char *match)
{
	return f->f.rule == rule && f->f.severity == sev && !f->dir && f->f.path && f->f.match &&
	       strcmp(f->f.path, path) == 0 && strcmp(f->f.match, match) == 0;
}

/*
 * Rebuilds the fold map from the kept findings: run when it holds more than twice as many keys
 * as there are kept findings (slots replaced over the caps leave theirs), so it stays O(kept).
 */
static int refold(struct lsc_layer *l)
{
	struct lsc_strmap m;

	lsc_strmap_init(&m, SIZE_MAX);
	for (size_t i = 0; i < l->nfound; i++) {
		struct lsc_found *f = &l->found[i];
		uintptr_t *v;
		char *k;
		int rc;

		if (!f->f.rule || !f->f.match || !f->f.path || f->dir) {
			continue;
		}
		k = fold_key(f->f.rule, f->f.severity, f->f.path, f->f.match);
		rc = k ? lsc_strmap_get(&v, &m, k, 1) : -ENOMEM;
		free(k);
		if (rc < 0) {
			lsc_strmap_dispose(&m);
			return rc;
		}
		*v = i + 1;
	}
	lsc_strmap_dispose(&l->folds);
	l->folds = m;
	return 0;
}

/*
 * The kept finding that one of rule, sev, path and match repeats, or NULL (then *key is the
 * caller's to free and to register once the new finding has its slot; NULL when out of memory).
 */
static struct lsc_found *folds_into(char **key, struct lsc_layer *l, const struct lsc_rule *rule,
				    enum lsc_severity sev, const char *path, const char *match)
{
	uintptr_t v = 0;

	*key = fold_key(rule, sev, path, match);
	if (*key) {
		v = lsc_strmap_value(&l->folds, *key, 0);
	}
	if (v > 0 && v <= l->nfound && same_finding(&l->found[v - 1], rule, sev, path, match)) {
		return &l->found[v - 1];
	}
	return NULL;
}

static void fold_register(struct lsc_layer *l, const char *key, size_t index)
{
	uintptr_t *v;

	if (l->folds.count > 2 * l->nlive + 64 && refold(l) < 0) {
		return; /* out of memory: the next repeat is a finding of its own, no harm */
	}
	if (lsc_strmap_get(&v, &l->folds, key, 1) >= 0) {
		*v = index + 1;
	}
}

static int emit(struct lsc_layer *l, const struct lsc_tar_entry *e, const struct lsc_rule *rule,
		enum lsc_severity sev, long line, const char *match, const char *note,
		const char *fmt, va_list ap)
{
	struct lsc_finding tmp;
	struct lsc_found *f;
	char *key = NULL;
	int rc;

	if ((unsigned)sev > LSC_SEV_CRITICAL || !rule) {
		return lsc_error(LSC_E_INTERNAL, "a finding of severity %d", (int)sev);
	}
	if (match && e->type != LSC_TAR_DIR) {
		f = folds_into(&key, l, rule, sev, e->path, match);
		if (f) {
			f->f.repeats++;
			if (line > 0 && (f->f.line == 0 || line < f->f.line)) {
				f->f.line = line;
			}
			if (!note) {
				f->f.note = NULL; /* one occurrence is not qualified: none is */
			}
			free(key);
			return 0;
		}
	}
	rc = lsc_finding_init(&tmp, rule, sev, LSC_LOC_FILE, NULL, line, match, fmt, ap);
	if (rc < 0) {
		free(key);
		return rc;
	}
	tmp.note = note;
	tmp.path = (char *)e->path; /* borrowed for text_of; the kept one is interned below */
	f = slot_for(l, sev, text_of(&tmp), &rc);
	if (!f) {
		free(tmp.match);
		free(tmp.detail);
		free(key);
		return rc; /* 0: dropped over the caps, and counted */
	}
	f->f = tmp;
	f->f.path = intern_path(l, e->path);
	f->seq = e->index;
	f->dir = e->type == LSC_TAR_DIR;
	account(l, 1, (ssize_t)text_of(&tmp));
	if (!f->f.path) {
		/* the slot stays, without its text, until the error ends the scan */
		free(f->f.match);
		f->f.match = NULL;
		f->f.path = (char *)"";
		free(key);
		return -ENOMEM;
	}
	if (key) {
		fold_register(l, key, (size_t)(f - l->found));
		free(key);
	}
	return 0;
}

int lsc_emit_finding(struct lsc_layer *l, const struct lsc_tar_entry *e,
		     const struct lsc_rule *rule, enum lsc_severity sev, long line,
		     const char *match, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = emit(l, e, rule, sev, line, match, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int lsc_emit_noted(struct lsc_layer *l, const struct lsc_tar_entry *e, const struct lsc_rule *rule,
		   enum lsc_severity sev, long line, const char *match, const char *note,
		   const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = emit(l, e, rule, sev, line, match, note, fmt, ap);
	va_end(ap);
	return rc;
}
