/*
 * A layer's findings (emit.h): the caps, the per-severity stacks that keep the most severe, and
 * the interned paths. Below the detectors, which report through it, and below layer.c, which
 * walks them: no detector calls back into the module that calls it.
 */
#include "emit.h"
#include "error.h"
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

int lsc_emit_finding(struct lsc_layer *l, const struct lsc_tar_entry *e,
		     const struct lsc_rule *rule, enum lsc_severity sev, long line,
		     const char *match, const char *fmt, ...)
{
	struct lsc_finding tmp;
	struct lsc_found *f;
	va_list ap;
	int rc;

	if ((unsigned)sev > LSC_SEV_CRITICAL || !rule) {
		return lsc_error(LSC_E_INTERNAL, "a finding of severity %d", (int)sev);
	}
	va_start(ap, fmt);
	rc = lsc_finding_init(&tmp, rule, sev, LSC_LOC_FILE, NULL, line, match, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		return rc;
	}
	tmp.path = (char *)e->path; /* borrowed for text_of; the kept one is interned below */
	f = slot_for(l, sev, text_of(&tmp), &rc);
	if (!f) {
		free(tmp.match);
		free(tmp.detail);
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
		return -ENOMEM;
	}
	return 0;
}
