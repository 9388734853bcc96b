/*
 * The `accounts` detector: login accounts that a password opens, in every version of
 * /etc/shadow, /etc/shadow-, /etc/passwd and /etc/passwd- that any layer ships. A version an
 * upper layer replaced or deleted still ships in its layer's blob, so it is reported there and
 * the overlay marks it in_final_image false.
 *
 * Only regular files are read. A hard link has no content of its own in the tar: when it links
 * one of the four files to another of them, that content was read (and reported) under the
 * target's name, and a link to any other file is not followed, since the walker keeps no content
 * of files already passed. Symlinks are not followed either: a link to another path names no
 * account file that libc would read (it reads the link's target, which is reported if it is one
 * of the four).
 *
 * How bad a shadow account is depends on its uid, which only passwd has, and the walk may bring
 * shadow before passwd. So shadow findings wait in the layer's state (bounded) and are emitted
 * at the layer's end (layer_end), with the uids of the same layer's passwd; without one, the
 * name root alone means uid 0. passwd findings carry their own uid and go out at once.
 */
#include "lib/detect.h"
#include "util/error.h"
#include "shadow.h"
#include "util/vec.h"

#include <errno.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define DETECTOR "accounts"

enum { R_EMPTY, R_WEAK, R_KNOWN, R_DUP_UID0, NRULES };

static const struct lsc_rule rules[NRULES] = {
    [R_EMPTY] = {"empty-password", LSC_CAT_CONFIG, LSC_SEV_HIGH, "Account with an empty password",
		 "An account in /etc/shadow (or in /etc/passwd, without a shadow entry) has an "
		 "empty password field: anyone in the container can su to it without a "
		 "password (pam_unix's nullok, the default on Debian and Ubuntu). Critical for "
		 "root and other uid 0 accounts.",
		 DETECTOR},
    [R_WEAK] = {"weak-password-hash", LSC_CAT_CONFIG, LSC_SEV_MEDIUM, "Weak password hash",
		"An account's password hash uses a scheme that is fast to crack (DES, BSDi DES, "
		"MD5, NT, bcrypt $2$ or $2x$, sha1crypt, sunmd5) or one that layerscan does not "
		"know: whoever pulls the image can recover the password offline. High for uid 0.",
		DETECTOR},
    [R_KNOWN] = {"known-password", LSC_CAT_CONFIG, LSC_SEV_CRITICAL, "Well-known password",
		 "An account's password hash is the hash of a well-known password (root, toor, "
		 "password, changeme, the account's own name, ...): anyone who reads this report "
		 "can log in as that account.",
		 DETECTOR},
    [R_DUP_UID0] = {"duplicate-uid0", LSC_CAT_CONFIG, LSC_SEV_HIGH, "Second account with uid 0",
		    "/etc/passwd gives uid 0 to more than one account (root and toor): each "
		    "extra name is root under another login, often a backdoor.",
		    DETECTOR},
};

enum { F_PASSWD, F_PASSWD_OLD, F_SHADOW, F_SHADOW_OLD, NFILES };

static const char *const paths[NFILES] = {"/etc/passwd", "/etc/passwd-", "/etc/shadow",
					  "/etc/shadow-"};

/*
 * Bounds on what an image can make this detector hold or do. A file past them is still read;
 * what is over a bound goes unreported (or, for uid 0 names, makes a shadow account's severity
 * rest on the name root alone).
 */
#define MAX_FILE_FINDINGS 1024 /* findings per file: more is an attack on the report */
#define MAX_PENDING 4096       /* shadow findings per layer waiting for layer_end */
#define MAX_UID0 64	       /* uid 0 names remembered per passwd file */
#define NAME_KEEP 256	       /* bytes of a name kept; longer names match no uid 0 name */
#define MATCH_MAX 512	       /* bytes of a hash kept as a finding's match (crypt's are < 384) */
#define NAME_SHOW 64	       /* bytes of a name shown in a detail */
/*
 * known-password costs CPU that the image chooses, so it is bounded four ways, each enough on
 * its own: at most GUESS_ACCOUNTS accounts per file and GUESS_FILES files per layer are tried,
 * each layer has GUESS_BUDGET units (about 0.1 ms each, lsc_shadow_guess_cost) to spend, about
 * 1.2 s, and the whole scan GUESS_SCAN_BUDGET, about 6 s, however many layers it has. A default
 * yescrypt hash takes 1 s for the whole list, a sha512 one 20 ms, an MD5 one 2 ms. An account
 * whose tries would overrun what is left is skipped; a cheaper one after it may still fit.
 * Hashes above their scheme's default cost are never tried (lsc_shadow_guess_cost).
 */
#define GUESS_ACCOUNTS 32
#define GUESS_FILES 4
#define GUESS_BUDGET 12000u
#define GUESS_SCAN_BUDGET 60000u
#define GUESS_CACHE 32 /* hashes already tried in this layer (shadow- is mostly a copy) */

struct pending {
	int file;	/* F_SHADOW or F_SHADOW_OLD */
	uint64_t index; /* the entry's position in the layer */
	int rule;
	long line;
	char name[NAME_KEEP + 1];
	size_t name_len;
	bool cut;	  /* the name was longer than NAME_KEEP */
	char *match;	  /* owned, or NULL */
	const char *what; /* static: the scheme or the password that matched */
};

struct uid0_set {
	bool seen;
	size_t n;
	char *names[MAX_UID0]; /* owned, NUL-terminated copies (names with a NUL are not kept) */
};

struct tried {
	char *key;	      /* owned: name ':' hash */
	const char *password; /* static, or NULL: no match */
};

/* What the layers of one scan share: the scan's guess budget. */
struct shared {
	_Atomic unsigned budget;
};

struct state {
	struct shared *shared;	 /* NULL for a layer scanned on its own */
	struct uid0_set uid0[2]; /* of F_PASSWD and F_PASSWD_OLD: the last version in the layer */
	struct lsc_vec pend;	 /* struct pending, at most MAX_PENDING */
	struct tried tried[GUESS_CACHE];
	size_t ntried;
	unsigned budget;
	unsigned guess_files;
};

/* One file being read. */
struct walk {
	struct state *st;
	struct lsc_layer *layer;
	const struct lsc_tar_entry *e;
	int file;
	struct uid0_set *set; /* passwd files: where uid 0 names go */
	long first_uid0;      /* line of the first uid 0 account of this file, 0 before it */
	char first_name[NAME_SHOW + 4];
	size_t guessed; /* accounts of this file tried */
	size_t nfound;	/* findings about this file so far */
	bool guess;	/* this file is within GUESS_FILES of its layer */
};

static void set_clear(struct uid0_set *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->names[i]);
	}
	s->n = 0;
	s->seen = false;
}

static bool set_has(const struct uid0_set *s, const char *name, size_t n)
{
	for (size_t i = 0; i < s->n; i++) {
		if (strlen(s->names[i]) == n && memcmp(s->names[i], name, n) == 0) {
			return true;
		}
	}
	return false;
}

static int set_add(struct uid0_set *s, const char *name, size_t n)
{
	if (s->n == MAX_UID0 || n > NAME_KEEP || memchr(name, 0, n)) {
		return 0; /* a bound, not an error: see MAX_UID0 */
	}
	s->names[s->n] = strndup(name, n);
	if (!s->names[s->n]) {
		return -ENOMEM;
	}
	s->n++;
	return 0;
}

static int acc_scan_new(void **out, const struct lsc_stage *s)
{
	struct shared *sh = calloc(1, sizeof(*sh));

	(void)s;
	if (!sh) {
		return -ENOMEM;
	}
	atomic_init(&sh->budget, GUESS_SCAN_BUDGET);
	*out = sh;
	return 0;
}

static void acc_scan_free(void *shared)
{
	free(shared);
}

/* Takes cost from the scan's budget: false (nothing taken) when less than that is left. */
static bool take_scan_budget(struct shared *sh, unsigned cost)
{
	unsigned left;

	if (!sh) {
		return true;
	}
	left = atomic_load(&sh->budget);
	do {
		if (cost > left) {
			return false;
		}
	} while (!atomic_compare_exchange_weak(&sh->budget, &left, left - cost));
	return true;
}

static int acc_layer_new(void **out, void *shared)
{
	struct state *st = calloc(1, sizeof(*st));

	if (!st) {
		return -ENOMEM;
	}
	st->shared = shared;
	st->budget = GUESS_BUDGET;
	lsc_vec_init(&st->pend, sizeof(struct pending), MAX_PENDING);
	*out = st;
	return 0;
}

static void acc_layer_free(void *state)
{
	struct state *st = state;

	if (!st) {
		return;
	}
	set_clear(&st->uid0[0]);
	set_clear(&st->uid0[1]);
	for (size_t i = 0; i < st->pend.n; i++) {
		free(((struct pending *)lsc_vec_at(&st->pend, i))->match);
	}
	lsc_vec_dispose(&st->pend);
	for (size_t i = 0; i < st->ntried; i++) {
		free(st->tried[i].key);
	}
	free(st);
}

static int file_of(const char *path)
{
	for (int f = 0; f < NFILES; f++) {
		if (strcmp(path, paths[f]) == 0) {
			return f;
		}
	}
	return -1;
}

/* A name as a detail shows it: printable ASCII, cut at NAME_SHOW bytes. */
static void show(char *dst, size_t cap, const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 4 < cap && i < NAME_SHOW; i++) {
		unsigned char c = (unsigned char)s[i];

		dst[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	if (n > NAME_SHOW && k + 4 <= cap) {
		memcpy(dst + k, "...", 3);
		k += 3;
	}
	dst[k] = 0;
}

static bool is_root(const char *name, size_t n)
{
	return n == 4 && memcmp(name, "root", 4) == 0;
}

/*
 * Tries the known passwords on one account's hash within the bounds above: 1 with *out set on a
 * match, 0 when none matched or the account was not tried.
 */
static int guess(const char **out, struct walk *w, const struct lsc_shadow_entry *a,
		 const struct lsc_shadow_hash *h)
{
	struct state *st = w->st;
	unsigned unit = lsc_shadow_guess_cost(h);
	size_t cost = (size_t)unit * lsc_shadow_guess_tries();
	struct tried *t;
	char *key;
	int rc;

	*out = NULL;
	if (unit == 0 || !w->guess || a->password_len >= MATCH_MAX || a->name_len > NAME_KEEP) {
		return 0;
	}
	for (size_t i = 0; i < st->ntried; i++) {
		key = st->tried[i].key;
		if (strlen(key) == a->name_len + 1 + a->password_len &&
		    memcmp(key, a->name, a->name_len) == 0 &&
		    memcmp(key + a->name_len + 1, a->password, a->password_len) == 0) {
			*out = st->tried[i].password;
			return *out != NULL;
		}
	}
	if (w->guessed >= GUESS_ACCOUNTS || cost > st->budget ||
	    !take_scan_budget(st->shared, (unsigned)cost)) {
		return 0;
	}
	w->guessed++;
	st->budget -= (unsigned)cost;
	rc = lsc_shadow_guess(out, a->password, a->password_len, a->name, a->name_len);
	if (rc < 0 || st->ntried == GUESS_CACHE || memchr(a->name, 0, a->name_len) ||
	    memchr(a->password, 0, a->password_len)) {
		return rc;
	}
	if (asprintf(&key, "%.*s:%.*s", (int)a->name_len, a->name, (int)a->password_len,
		     a->password) < 0) {
		return -ENOMEM;
	}
	t = &st->tried[st->ntried++];
	t->key = key;
	t->password = *out;
	return rc;
}

static int pend(struct walk *w, int rule, const struct lsc_shadow_entry *a, const char *match,
		size_t match_len, const char *what)
{
	struct state *st = w->st;
	struct pending *p;
	void *slot;
	int rc;

	if (st->pend.n == MAX_PENDING) {
		return 0; /* a bound: a layer with thousands of open accounts is reported in part */
	}
	rc = lsc_vec_push(&st->pend, NULL, &slot); /* zero-filled */
	if (rc < 0) {
		return rc;
	}
	p = slot;
	p->file = w->file;
	p->index = w->e->index;
	p->rule = rule;
	p->line = a->line;
	p->name_len = a->name_len < NAME_KEEP ? a->name_len : NAME_KEEP;
	p->cut = a->name_len > NAME_KEEP;
	memcpy(p->name, a->name, p->name_len);
	p->what = what;
	if (match) {
		p->match = strndup(match, match_len);
		if (!p->match) {
			lsc_vec_pop(&st->pend,
				    NULL); /* as if never pushed: nothing of it is owned */
			return -ENOMEM;
		}
	}
	return 0;
}

/* Emits one finding about an account; uid0 raises empty-password and weak-password-hash. */
static int report(struct lsc_layer *layer, const struct lsc_tar_entry *e, int rule, bool uid0,
		  long line, const char *name, size_t name_len, const char *match, const char *what)
{
	char shown[NAME_SHOW + 8];
	enum lsc_severity sev = rules[rule].severity;

	show(shown, sizeof(shown), name, name_len);
	switch (rule) {
	case R_EMPTY:
		sev = uid0 ? LSC_SEV_CRITICAL : LSC_SEV_HIGH;
		return lsc_emit_finding(layer, e, &rules[rule], sev, line, NULL,
					"account %s%s has an empty password field: su to it needs "
					"no password",
					shown, uid0 ? " (uid 0)" : "");
	case R_WEAK:
		sev = uid0 ? LSC_SEV_HIGH : LSC_SEV_MEDIUM;
		return lsc_emit_finding(layer, e, &rules[rule], sev, line, match,
					"account %s%s: the password hash is %s, a weak scheme",
					shown, uid0 ? " (uid 0)" : "", what);
	case R_KNOWN:
		/* what (the password) stays out of the detail, which is never redacted */
		return lsc_emit_finding(
		    layer, e, &rules[rule], sev, line, match,
		    "account %s%s: the password hash is of a well-known password", shown,
		    uid0 ? " (uid 0)" : "");
	default:
		return lsc_error(LSC_E_INTERNAL, "accounts: no rule %d", rule);
	}
}

/*
 * One finding about an account of the file being read: at once for passwd, which has the uid,
 * later for shadow (see the top of the file).
 */
static int found(struct walk *w, int rule, const struct lsc_shadow_entry *a, const char *what)
{
	const char *match = rule == R_EMPTY ? NULL : a->password;
	size_t mlen = a->password_len < MATCH_MAX ? a->password_len : MATCH_MAX;
	char buf[MATCH_MAX + 1];

	if (w->nfound == MAX_FILE_FINDINGS) {
		return 0;
	}
	w->nfound++;
	if (w->file == F_SHADOW || w->file == F_SHADOW_OLD) {
		return pend(w, rule, a, match, mlen, what);
	}
	if (match) {
		memcpy(buf, match, mlen);
		buf[mlen] = 0; /* a NUL inside cuts it: lsc_emit_finding copies a string */
		match = buf;
	}
	return report(w->layer, w->e, rule, a->uid == 0 || is_root(a->name, a->name_len), a->line,
		      a->name, a->name_len, match, what);
}

static int on_account(const struct lsc_shadow_entry *a, void *payload)
{
	struct walk *w = payload;
	struct lsc_shadow_hash h;
	const char *pw;
	int rc;

	if (w->set && a->uid == 0) {
		if (!w->first_uid0) {
			w->first_uid0 = a->line;
			show(w->first_name, sizeof(w->first_name), a->name, a->name_len);
		} else if (w->nfound < MAX_FILE_FINDINGS) {
			char shown[NAME_SHOW + 8];

			w->nfound++;
			show(shown, sizeof(shown), a->name, a->name_len);
			rc = lsc_emit_finding(w->layer, w->e, &rules[R_DUP_UID0],
					      rules[R_DUP_UID0].severity, a->line, NULL,
					      "account %s has uid 0, like %s (line %ld)", shown,
					      w->first_name, w->first_uid0);
			if (rc < 0) {
				return rc;
			}
		}
		rc = set_add(w->set, a->name, a->name_len);
		if (rc < 0) {
			return rc;
		}
	}
	lsc_shadow_classify(&h, a->password, a->password_len);
	if (h.scheme == LSC_SHADOW_EMPTY) {
		return found(w, R_EMPTY, a, NULL);
	}
	if (lsc_shadow_scheme_weak(h.scheme)) {
		rc = found(w, R_WEAK, a, lsc_shadow_scheme_name(h.scheme));
		if (rc < 0) {
			return rc;
		}
	}
	rc = guess(&pw, w, a, &h);
	if (rc > 0) {
		rc = found(w, R_KNOWN, a, pw[0] ? pw : "(empty)");
	}
	return rc < 0 ? rc : 0;
}

static int acc_entry_begin(struct lsc_want *want, void *state, struct lsc_layer *layer,
			   const struct lsc_tar_entry *e)
{
	(void)state;
	(void)layer;
	if (e->type == LSC_TAR_REG && e->size > 0 && file_of(e->path) >= 0) {
		want->prefix = e->size < (int64_t)LSC_MAX_PREFIX ? (size_t)e->size : LSC_MAX_PREFIX;
	}
	return 0;
}

static int acc_entry_end(void *state, struct lsc_layer *layer, const struct lsc_tar_entry *e,
			 const uint8_t *prefix, size_t n, bool whole)
{
	struct state *st = state;
	struct walk w = {.st = st, .layer = layer, .e = e};
	bool passwd;

	if (e->type != LSC_TAR_REG) {
		return 0;
	}
	w.file = file_of(e->path);
	if (w.file < 0) {
		return 0;
	}
	passwd = w.file == F_PASSWD || w.file == F_PASSWD_OLD;
	if (passwd) {
		/* the layer's last version of the file is the one its shadow goes with */
		w.set = &st->uid0[w.file];
		set_clear(w.set);
		w.set->seen = true;
	}
	if (n == 0) {
		return 0;
	}
	if (st->guess_files < GUESS_FILES) {
		st->guess_files++;
		w.guess = true;
	}
	return lsc_shadow_foreach((const char *)prefix, n, passwd, !whole, on_account, &w);
}

static int flush(struct lsc_layer *layer, struct state *st)
{
	for (size_t i = 0; i < st->pend.n; i++) {
		const struct pending *p = lsc_vec_at(&st->pend, i);
		const struct uid0_set *set = &st->uid0[F_PASSWD];
		struct lsc_tar_entry e = {
		    .path = paths[p->file], .type = LSC_TAR_REG, .index = p->index};
		bool uid0;
		int rc;

		/* shadow- is written with passwd- by the same tool: pair them when both ship */
		if (p->file == F_SHADOW_OLD && st->uid0[F_PASSWD_OLD].seen) {
			set = &st->uid0[F_PASSWD_OLD];
		}
		uid0 = is_root(p->name, p->name_len) ||
		       (set->seen && !p->cut && set_has(set, p->name, p->name_len));
		rc = report(layer, &e, p->rule, uid0, p->line, p->name, p->name_len, p->match,
			    p->what);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

/* The layer's last entry is walked: its passwd files are known, its shadow findings go out. */
static int acc_layer_end(void *state, struct lsc_layer *layer)
{
	return flush(layer, state);
}

const struct lsc_detector_ops lsc_detect_accounts = {
    .name = DETECTOR,
    .rules = rules,
    .nrules = NRULES,
    .scan_new = acc_scan_new,
    .scan_free = acc_scan_free,
    .layer_new = acc_layer_new,
    .layer_free = acc_layer_free,
    .entry_begin = acc_entry_begin,
    .entry_end = acc_entry_end,
    .layer_end = acc_layer_end,
};
