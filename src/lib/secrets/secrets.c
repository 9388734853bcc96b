/*
 * The secret engine.
 *
 * Speed comes from never running a regular expression where no rule can match: every rule names
 * literal keywords, all keywords of all rules are one vectorscan literal database, and a rule's
 * PCRE2 pattern runs only around a keyword hit, with its match start bounded to the keyword
 * (pcre2_set_offset_limit), so each confirmation costs a few hundred bytes, not the window.
 *
 * Streaming: bytes accumulate in a buffer that keeps LSC_SECRET_WINDOW bytes of context behind
 * the newest data. Keywords are searched in new bytes only (with an overlap of the longest
 * keyword, so one that straddles two chunks is seen); a hit is confirmed once the window after it
 * has arrived, or at the end of the file. Line numbers come from newlines counted as the buffer
 * slides, so they are exact whatever the chunk sizes and line lengths.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include "secrets.h"
#include "util/error.h"
#include "placeholder.h"
#include "util/str.h"

#include <errno.h>
#include <hs/hs.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define BACK LSC_SECRET_BACK  /* how far before its keyword a match may start */
#define BUF_NEW (256u * 1024) /* new bytes gathered before a keyword pass */
#define MAX_FINDINGS_PER_FILE 1000
#define MAX_PENDING (1u << 18)	 /* keyword hits waiting for their window: one per byte of a pass */
#define MATCH_LIMIT 200000	 /* PCRE2 backtracking bound per confirmation */
#define DEFER_BYTES (256u << 10) /* secrets of low-confidence hits held until the file's end */
/*
 * The confirmation budget: PCRE2 calls allowed per file, and per rule in a file, grow with the
 * bytes of the file up to the hit. Real files (minified JS, lockfiles, base64 blobs) stay far
 * below it; a keyword flood exhausts it, and the hits left unconfirmed become a
 * secret-scan-incomplete finding. A call that ends at the match limit counts as LIMIT_COST.
 */
#define FILE_CALLS_BASE 8192u
#define FILE_CALLS_PER_KIB 32u
#define RULE_CALLS_BASE 2048u
#define RULE_CALLS_PER_KIB 16u
#define LIMIT_COST 256u

struct keyword {
	char *text; /* lowercase */
	size_t len;
	size_t *rules; /* indexes into e->rules */
	size_t nrules;
	bool binary; /* some rule of it scans binaries */
};

/* A set of bytes, for the checks made by hand before PCRE2 runs. */
struct byteset {
	uint64_t w[4];
};

#define MAX_LITS 8
#define MAX_LIT 32

/*
 * The shape of a prefix rule, read from its pattern: an optional leading guard (?<![G]), then
 * the secret, which starts with one of a few literals (each one of the rule's keywords) followed
 * by at least body_min bytes of the class B. Such a rule's match starts at its keyword, so a hit
 * is confirmed from there alone, and a hit whose preceding byte is in G, whose literal differs
 * or whose next bytes are not in B is refused without calling PCRE2.
 */
struct prefix {
	bool on, guarded;
	struct byteset guard, body;
	unsigned body_min;
	unsigned nlits;
	char lits[MAX_LITS][MAX_LIT + 1];
	size_t litlen[MAX_LITS];
};

struct crule {
	const struct lsc_secret_rule *r;
	pcre2_code *code;
	uint32_t group; /* the secret's capture group */
	struct prefix pre;
};

struct lsc_secrets {
	struct crule *rules;
	size_t nrules;
	struct keyword *kw;
	size_t nkw, maxkw;
	hs_database_t *db_text, *db_binary; /* db_binary may be NULL: no binary rule */
};

struct pending {
	uint64_t end; /* absolute offset just past the keyword */
	unsigned kw;
};

/*
 * A low-confidence hit (a generic rule) waits for the end of its file: it is dropped when it
 * overlaps the secret of a more confident hit (TG_BOT_TOKEN=<a Telegram token> is the Telegram
 * rule's finding, not also a generic token) or of an earlier low one.
 */
struct deferred {
	const struct lsc_secret_rule *r;
	enum lsc_severity sev;
	uint64_t line, offset;
	size_t at, len; /* the secret, in def_bytes */
};

struct span {
	uint64_t off, end;
};

struct lsc_secrets_scanner {
	const struct lsc_secrets *e;
	hs_scratch_t *scratch;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	uint8_t *buf;
	const uint8_t *data; /* what is searched: buf, or a caller's buffer (lsc_secrets_scan) */
	size_t len, cap;
	uint64_t base;	      /* absolute offset of buf[0] */
	uint64_t scanned;     /* keywords found for every end offset up to here */
	uint64_t scan_origin; /* absolute offset of the region in the running keyword pass */
	uint64_t nl_base;     /* newlines before buf[0] */
	size_t cur_pos;	      /* line cursor: newlines in buf[0..cur_pos) is cur_nl */
	uint64_t cur_nl;
	struct pending *pend;
	size_t npend, cappend, pend_head;
	uint64_t *last_end; /* per rule: end of the last reported match */
	struct deferred *def;
	size_t ndef;
	char *def_bytes;
	size_t def_used;
	struct span *spans; /* secrets reported in this file, MAX_FINDINGS_PER_FILE at most */
	size_t nspans;
	uint64_t calls;	      /* PCRE2 calls (LIMIT_COST for one at the match limit) in this file */
	uint64_t *rule_calls; /* per rule: the same */
	uint64_t *unconfirmed; /* per rule: hits not confirmed in this file (over the budget) */
	/*
	 * per rule: the file (numbered by file_gen) its three entries above belong to; an entry of
	 * an older file reads as zero (rule_fresh), so a file costs nothing per rule it never hits
	 */
	uint32_t *gen;
	uint32_t file_gen;
	bool any_unconfirmed; /* some rule's unconfirmed is not zero in this file */
	unsigned found;
	bool binary, active;
	int err;
};

static int tolower_ascii(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* --- compilation --------------------------------------------------------------------------- */

static void free_keywords(struct lsc_secrets *e)
{
	for (size_t i = 0; i < e->nkw; i++) {
		free(e->kw[i].text);
		free(e->kw[i].rules);
	}
	free(e->kw);
}

void lsc_secrets_free(struct lsc_secrets *e)
{
	if (!e) {
		return;
	}
	for (size_t i = 0; i < e->nrules; i++) {
		pcre2_code_free(e->rules[i].code);
	}
	free(e->rules);
	free_keywords(e);
	hs_free_database(e->db_text);
	hs_free_database(e->db_binary);
	free(e);
}

static int add_keyword(struct lsc_secrets *e, const char *text, size_t rule, bool binary)
{
	size_t len = strlen(text), i;
	struct keyword *k;
	size_t *rs;

	for (i = 0; i < e->nkw; i++) {
		if (e->kw[i].len == len && strncasecmp(e->kw[i].text, text, len) == 0) {
			break;
		}
	}
	if (i == e->nkw) {
		k = realloc(e->kw, (e->nkw + 1) * sizeof(*k));
		if (!k) {
			return -ENOMEM;
		}
		e->kw = k;
		k = &e->kw[e->nkw];
		memset(k, 0, sizeof(*k));
		k->text = strdup(text);
		if (!k->text) {
			return -ENOMEM;
		}
		for (size_t c = 0; c < len; c++) {
			k->text[c] = (char)tolower_ascii((unsigned char)k->text[c]);
		}
		k->len = len;
		e->nkw++;
		if (len > e->maxkw) {
			e->maxkw = len;
		}
	}
	k = &e->kw[i];
	for (size_t r = 0; r < k->nrules; r++) {
		if (k->rules[r] == rule) {
			return 0;
		}
	}
	rs = realloc(k->rules, (k->nrules + 1) * sizeof(*rs));
	if (!rs) {
		return -ENOMEM;
	}
	k->rules = rs;
	k->rules[k->nrules++] = rule;
	k->binary |= binary;
	return 0;
}

static void set_add(struct byteset *b, unsigned c)
{
	b->w[c >> 6] |= 1ull << (c & 63);
}

static bool set_has(const struct byteset *b, unsigned c)
{
	return (b->w[c >> 6] >> (c & 63)) & 1;
}

/* An escaped byte that stands for itself (\. \- \$ ...), or -1. */
static int escaped_literal(char c)
{
	return c && strchr(".-_$/+*?()[]{}|^\\=:@#%&!~<>\"',;` ", c) ? (unsigned char)c : -1;
}

/*
 * Reads a class [...] of literal bytes and ranges at *pp; false for anything else (negation,
 * \d, POSIX names): the caller then checks nothing by hand.
 */
static bool parse_class(const char **pp, struct byteset *out)
{
	const char *p = *pp;
	int prev = -1;

	memset(out, 0, sizeof(*out));
	if (*p++ != '[' || *p == '^' || *p == ']') {
		return false;
	}
	while (*p && *p != ']') {
		int c = (unsigned char)*p++;

		if (c == '\\') {
			c = escaped_literal(*p++);
			if (c < 0) {
				return false;
			}
		} else if (c == '-' && prev >= 0 && *p && *p != ']') {
			int hi = (unsigned char)*p++;

			if (hi == '\\') {
				hi = escaped_literal(*p++);
				if (hi < 0) {
					return false;
				}
			}
			if (hi < prev) {
				return false;
			}
			for (int x = prev; x <= hi; x++) {
				set_add(out, (unsigned)x);
			}
			prev = -1;
			continue;
		} else if (c == '[') {
			return false;
		}
		set_add(out, (unsigned)c);
		prev = c;
	}
	if (*p != ']') {
		return false;
	}
	*pp = p + 1;
	return true;
}

/* Reads a literal of plain or escaped bytes up to a metacharacter into lit; its length. */
static size_t parse_literal(const char **pp, char *lit)
{
	const char *p = *pp;
	size_t n = 0;

	while (*p && n < MAX_LIT) {
		int c = (unsigned char)*p;

		if (c == '\\' && escaped_literal(p[1]) >= 0 && p[1] != ' ') {
			c = (unsigned char)p[1];
			p += 2;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ':' || c == '=' ||
			   c == '@' || c == '/' || c == '%' || c == '#' || c == '!' || c == '~' ||
			   c == ',') {
			p++;
		} else {
			break;
		}
		/* a quantifier binds to the last byte only: leave that byte out of the literal */
		if (*p == '?' || *p == '*' || *p == '+' || *p == '{') {
			return 0;
		}
		lit[n++] = (char)c;
	}
	lit[n] = '\0';
	*pp = p;
	return n;
}

/*
 * One step of a walk over a pattern: false when *pp is an escape pair or inside (or opening) a
 * character class, which the walk steps over (*pp is moved to the last byte consumed); true for
 * a structural character outside a class.
 */
static bool structural(const char **pp, bool *in_class)
{
	const char *p = *pp;

	if (*p == '\\' && p[1]) {
		*pp = p + 1;
		return false;
	}
	if (*in_class) {
		*in_class = *p != ']';
		return false;
	}
	if (*p == '[') {
		*in_class = true;
		if (p[1] == '^') {
			p++;
		}
		if (p[1] == ']') {
			p++;
		}
		*pp = p;
		return false;
	}
	return true;
}

/* Skips a balanced (...) group at p (a lookahead); NULL when unbalanced. */
static const char *skip_group(const char *p)
{
	int depth = 0;
	bool in_class = false;

	for (; *p; p++) {
		if (!structural(&p, &in_class)) {
			continue;
		}
		if (*p == '(') {
			depth++;
		} else if (*p == ')' && --depth == 0) {
			return p + 1;
		}
	}
	return NULL;
}

/* True when p has a | at its own nesting level, before that level closes. */
static bool has_alt(const char *p)
{
	int depth = 0;
	bool in_class = false;

	for (; *p && depth >= 0; p++) {
		if (!structural(&p, &in_class)) {
			continue;
		}
		if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			depth--;
		} else if (*p == '|' && depth == 0) {
			return true;
		}
	}
	return false;
}

static bool is_keyword_of(const struct lsc_secret_rule *r, const char *lit, size_t n)
{
	for (size_t k = 0; k < r->nkeywords; k++) {
		if (strlen(r->keywords[k]) == n && strncasecmp(r->keywords[k], lit, n) == 0) {
			return true;
		}
	}
	return false;
}

/*
 * Recognizes (?<![G])(?P<secret>LIT[B]{n... and (?:LIT|LIT...) in place of LIT, with
 * lookaheads between the literal and the class skipped (they only make PCRE2 stricter). Every
 * keyword of the rule must be one of the literals, so that every match starts at a keyword hit.
 */
static void parse_prefix(struct prefix *pre, const struct lsc_secret_rule *r)
{
	const char *p = r->pattern;
	struct prefix x = {0};
	size_t nkw_seen = 0;

	*pre = x;
	if (r->caseless) {
		return;
	}
	if (strncmp(p, "(?<![", 5) == 0) {
		p += 4;
		if (!parse_class(&p, &x.guard) || *p++ != ')') {
			return;
		}
		x.guarded = true;
		if (r->back_set && r->back == 0 && !has_alt(r->pattern)) {
			/*
			 * Even when the rest is no prefix shape: a match starts at its keyword
			 * (back 0), where the guard is the whole pattern's first test, so a
			 * keyword after a guard byte cannot match (the guard alone is kept)
			 */
			pre->guard = x.guard;
			pre->guarded = true;
		}
	}
	if (strncmp(p, "(?P<secret>", 11) == 0) {
		p += 11;
	} else if (strncmp(p, "(?<secret>", 10) == 0) {
		p += 10;
	} else {
		return;
	}
	if (strncmp(p, "(?:", 3) == 0) {
		p += 3;
		for (;;) {
			if (x.nlits == MAX_LITS) {
				return;
			}
			x.litlen[x.nlits] = parse_literal(&p, x.lits[x.nlits]);
			if (x.litlen[x.nlits] == 0) {
				return;
			}
			x.nlits++;
			if (*p == ')') {
				p++;
				break;
			}
			if (*p++ != '|') {
				return;
			}
		}
	} else {
		x.litlen[0] = parse_literal(&p, x.lits[0]);
		if (x.litlen[0] == 0) {
			return;
		}
		x.nlits = 1;
	}
	for (unsigned i = 0; i < x.nlits; i++) {
		if (!is_keyword_of(r, x.lits[i], x.litlen[i])) {
			return;
		}
		nkw_seen++;
	}
	if (nkw_seen < r->nkeywords || has_alt(r->pattern) || has_alt(p)) {
		return; /* a keyword that is not a literal, or alternatives: may start elsewhere */
	}
	while (strncmp(p, "(?!", 3) == 0 || strncmp(p, "(?=", 3) == 0) {
		const char *q = p + 3;

		/*
		 * (?=[B]{n}) or (?=[B]{n,m}) right after the literal, nothing else in it: the
		 * body every shape after it starts with
		 */
		if (p[2] == '=' && *q == '[' && parse_class(&q, &x.body) && *q == '{' &&
		    q[1] >= '0' && q[1] <= '9') {
			char *close;
			unsigned long n = strtoul(q + 1, &close, 10);

			if (*close == ',') {
				strtoul(close + 1, &close, 10);
			}
			x.body_min = close[0] == '}' && close[1] == ')' ? (unsigned)n : 0;
		}
		p = skip_group(p);
		if (!p) {
			return;
		}
	}
	if (x.body_min == 0 && *p == '[' && parse_class(&p, &x.body)) {
		if (*p == '+') {
			x.body_min = 1;
		} else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
			x.body_min = (unsigned)strtoul(p + 1, NULL, 10);
		} else if (*p != '*' && *p != '?') {
			x.body_min = 1;
		}
	}
	x.on = true;
	*pre = x;
}

static int compile_rule(struct crule *c, const struct lsc_secret_rule *r)
{
	int errcode, named;
	PCRE2_SIZE erroff;
	uint32_t captures = 0;
	uint32_t opts = PCRE2_USE_OFFSET_LIMIT | (r->caseless ? PCRE2_CASELESS : 0);

	c->r = r;
	c->code = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, opts, &errcode,
				&erroff, NULL);
	if (!c->code) {
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return lsc_error(LSC_E_FORMAT,
				 "secret rule %s: pattern does not compile at offset "
				 "%zu: %s",
				 r->rule->id, (size_t)erroff, (const char *)msg);
	}
	/* JIT where the platform has it; the interpreter is a correct fallback */
	pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(c->code, PCRE2_INFO_CAPTURECOUNT, &captures);
	named = pcre2_substring_number_from_name(c->code, (PCRE2_SPTR) "secret");
	c->group = named > 0 ? (uint32_t)named : (captures >= 1 ? 1 : 0);
	parse_prefix(&c->pre, r);
	return 0;
}

static int compile_db(hs_database_t **out, const struct lsc_secrets *e, bool binary_only)
{
	const char **exprs = calloc(e->nkw + 1, sizeof(*exprs));
	unsigned *flags = calloc(e->nkw + 1, sizeof(*flags)),
		 *ids = calloc(e->nkw + 1, sizeof(*ids));
	size_t *lens = calloc(e->nkw + 1, sizeof(*lens));
	unsigned n = 0;
	hs_compile_error_t *cerr = NULL;
	int rc = 0;

	*out = NULL;
	if (!exprs || !flags || !ids || !lens) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < e->nkw; i++) {
		if (binary_only && !e->kw[i].binary) {
			continue;
		}
		exprs[n] = e->kw[i].text;
		lens[n] = e->kw[i].len;
		flags[n] = HS_FLAG_CASELESS;
		ids[n] = (unsigned)i;
		n++;
	}
	if (n == 0) {
		goto out;
	}
	if (hs_compile_lit_multi(exprs, flags, ids, lens, n, HS_MODE_BLOCK, NULL, out, &cerr) !=
	    HS_SUCCESS) {
		rc = lsc_error(LSC_E_INTERNAL, "secret keywords do not compile: %s",
			       cerr && cerr->message ? cerr->message : "?");
		hs_free_compile_error(cerr);
	}
out:
	free(exprs);
	free(flags);
	free(ids);
	free(lens);
	return rc;
}

int lsc_secrets_new(struct lsc_secrets **out, const struct lsc_secret_rule *more, size_t nmore)
{
	struct lsc_secrets *e = calloc(1, sizeof(*e));
	size_t total = lsc_secret_nrules + nmore;
	int rc = 0;

	*out = NULL;
	if (e) {
		e->rules = calloc(total ? total : 1, sizeof(*e->rules));
	}
	if (!e || !e->rules) {
		free(e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < total && rc == 0; i++) {
		const struct lsc_secret_rule *r =
		    i < lsc_secret_nrules ? &lsc_secret_rules[i] : &more[i - lsc_secret_nrules];

		if (r->nkeywords == 0) {
			rc = lsc_error(LSC_E_FORMAT, "secret rule %s: no keyword", r->rule->id);
			break;
		}
		rc = compile_rule(&e->rules[i], r);
		e->nrules = i + 1;
		for (size_t k = 0; rc == 0 && k < r->nkeywords; k++) {
			if (!r->keywords[k][0]) {
				rc = lsc_error(LSC_E_FORMAT, "secret rule %s: empty keyword",
					       r->rule->id);
				break;
			}
			rc = add_keyword(e, r->keywords[k], i, r->binary);
		}
	}
	if (rc == 0) {
		rc = compile_db(&e->db_text, e, false);
	}
	if (rc == 0) {
		rc = compile_db(&e->db_binary, e, true);
	}
	if (rc < 0) {
		lsc_secrets_free(e);
		return rc;
	}
	*out = e;
	return 0;
}

static pthread_once_t builtin_once = PTHREAD_ONCE_INIT;
static struct lsc_secrets *builtin;
static int builtin_rc;
static char builtin_err[LSC_ERRMSG_MAX];

static void builtin_init(void)
{
	builtin_rc = lsc_secrets_new(&builtin, NULL, 0);
	if (builtin_rc < 0) {
		snprintf(builtin_err, sizeof(builtin_err), "%s", lsc_error_last());
	}
}

int lsc_secrets_builtin(const struct lsc_secrets **out)
{
	pthread_once(&builtin_once, builtin_init);
	*out = builtin;
	if (builtin_rc < 0) {
		return lsc_error(builtin_rc, "%s", builtin_err);
	}
	return 0;
}

/* --- scanning ------------------------------------------------------------------------------- */

int lsc_secrets_scanner_new(struct lsc_secrets_scanner **out, const struct lsc_secrets *e)
{
	struct lsc_secrets_scanner *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s) {
		return -ENOMEM;
	}
	s->e = e;
	s->cap = BUF_NEW + 2 * (LSC_SECRET_WINDOW + BACK + e->maxkw) + 1;
	s->buf = malloc(s->cap);
	s->data = s->buf;
	s->md = pcre2_match_data_create(32, NULL);
	s->mctx = pcre2_match_context_create(NULL);
	s->last_end = calloc(e->nrules ? e->nrules : 1, sizeof(*s->last_end));
	s->def = calloc(MAX_FINDINGS_PER_FILE, sizeof(*s->def));
	s->def_bytes = malloc(DEFER_BYTES);
	s->spans = calloc(MAX_FINDINGS_PER_FILE, sizeof(*s->spans));
	s->rule_calls = calloc(e->nrules ? e->nrules : 1, sizeof(*s->rule_calls));
	s->unconfirmed = calloc(e->nrules ? e->nrules : 1, sizeof(*s->unconfirmed));
	s->gen = calloc(e->nrules ? e->nrules : 1, sizeof(*s->gen));
	if (!s->buf || !s->md || !s->mctx || !s->last_end || !s->def || !s->def_bytes ||
	    !s->spans || !s->rule_calls || !s->unconfirmed || !s->gen ||
	    (e->db_text && hs_alloc_scratch(e->db_text, &s->scratch) != HS_SUCCESS) ||
	    (e->db_binary && hs_alloc_scratch(e->db_binary, &s->scratch) != HS_SUCCESS)) {
		lsc_secrets_scanner_free(s);
		return -ENOMEM;
	}
	pcre2_set_match_limit(s->mctx, MATCH_LIMIT);
	*out = s;
	return 0;
}

void lsc_secrets_scanner_free(struct lsc_secrets_scanner *s)
{
	if (!s) {
		return;
	}
	hs_free_scratch(s->scratch);
	pcre2_match_data_free(s->md);
	pcre2_match_context_free(s->mctx);
	free(s->buf);
	free(s->pend);
	free(s->last_end);
	free(s->def);
	free(s->def_bytes);
	free(s->spans);
	free(s->rule_calls);
	free(s->unconfirmed);
	free(s->gen);
	free(s);
}

int lsc_secrets_begin(struct lsc_secrets_scanner *s, bool binary)
{
	s->len = 0;
	s->base = 0;
	s->scanned = 0;
	s->nl_base = 0;
	s->cur_pos = 0;
	s->cur_nl = 0;
	s->npend = 0;
	s->pend_head = 0;
	s->found = 0;
	s->ndef = 0;
	s->def_used = 0;
	s->nspans = 0;
	s->binary = binary;
	s->active = true;
	s->err = 0;
	s->calls = 0;
	s->any_unconfirmed = false;
	/* a new file: every rule's entries are stale (after 2^32 files, reset them all) */
	s->file_gen++;
	if (s->file_gen == 0) {
		memset(s->gen, 0, s->e->nrules * sizeof(*s->gen));
		s->file_gen = 1;
	}
	return 0;
}

/* Rule ri's per-file entries, zeroed on this file's first use of them. */
static void rule_fresh(struct lsc_secrets_scanner *s, size_t ri)
{
	if (s->gen[ri] != s->file_gen) {
		s->gen[ri] = s->file_gen;
		s->last_end[ri] = 0;
		s->rule_calls[ri] = 0;
		s->unconfirmed[ri] = 0;
	}
}

/* One more unconfirmed hit of rule ri in this file. */
static void unconfirmed_add(struct lsc_secrets_scanner *s, size_t ri)
{
	rule_fresh(s, ri);
	s->unconfirmed[ri]++;
	s->any_unconfirmed = true;
}

/* A hit of keyword kw that is not confirmed: counted for each of its rules this file scans. */
static void count_unconfirmed(struct lsc_secrets_scanner *s, unsigned kw)
{
	const struct keyword *k = &s->e->kw[kw];

	for (size_t i = 0; i < k->nrules; i++) {
		if (!s->binary || s->e->rules[k->rules[i]].r->binary) {
			unconfirmed_add(s, k->rules[i]);
		}
	}
}

static int on_keyword(unsigned int id, unsigned long long from, unsigned long long to,
		      unsigned int flags, void *ctx)
{
	struct lsc_secrets_scanner *s = ctx;
	struct pending *p;

	(void)from;
	(void)flags;
	if (s->npend - s->pend_head >= MAX_PENDING) {
		count_unconfirmed(s, id); /* a flood of keywords: reported as an incomplete scan */
		return 0;
	}
	if (s->npend == s->cappend) {
		size_t cap = s->cappend ? s->cappend * 2 : 64;

		/* compact before growing */
		if (s->pend_head > 0) {
			memmove(s->pend, s->pend + s->pend_head,
				(s->npend - s->pend_head) * sizeof(*s->pend));
			s->npend -= s->pend_head;
			s->pend_head = 0;
		}
		if (s->npend == s->cappend) {
			p = realloc(s->pend, cap * sizeof(*p));
			if (!p) {
				s->err = -ENOMEM;
				return 1;
			}
			s->pend = p;
			s->cappend = cap;
		}
	}
	p = &s->pend[s->npend++];
	p->end = s->scan_origin + to;
	p->kw = id;
	return 0;
}

/* 1-based line of absolute offset off, which must be inside the buffer. */
static uint64_t line_of(struct lsc_secrets_scanner *s, uint64_t off)
{
	size_t pos = (size_t)(off - s->base);

	if (pos < s->cur_pos) {
		s->cur_pos = 0;
		s->cur_nl = 0;
	}
	for (const uint8_t *p = s->data + s->cur_pos, *end = s->data + pos;;) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));

		if (!nl) {
			break;
		}
		s->cur_nl++;
		p = nl + 1;
	}
	s->cur_pos = pos;
	return s->nl_base + s->cur_nl + 1;
}

/*
 * Whether the file's and the rule's budgets allow one more PCRE2 call for a hit ending at end:
 * in proportion to the bytes up to the hit, so that the outcome does not depend on how the
 * content was chunked.
 */
static bool within_budget(const struct lsc_secrets_scanner *s, size_t ri, uint64_t end)
{
	uint64_t kib = end >> 10;

	return s->calls < FILE_CALLS_BASE + kib * FILE_CALLS_PER_KIB &&
	       s->rule_calls[ri] < RULE_CALLS_BASE + kib * RULE_CALLS_PER_KIB;
}

/*
 * The checks of a prefix rule (struct prefix) at a keyword starting at kstart, with the window
 * ending at to: false when PCRE2 cannot match there.
 */
static bool prefix_fits(const struct lsc_secrets_scanner *s, const struct prefix *pre,
			uint64_t kstart, uint64_t to)
{
	const uint8_t *p = s->data + (kstart - s->base), *end = s->data + (to - s->base);
	size_t lit = 0;
	unsigned i;

	if (pre->guarded && kstart > s->base && set_has(&pre->guard, p[-1])) {
		return false;
	}
	for (i = 0; i < pre->nlits; i++) {
		lit = pre->litlen[i];
		if ((size_t)(end - p) >= lit && memcmp(p, pre->lits[i], lit) == 0) {
			break;
		}
	}
	if (i == pre->nlits) {
		return false;
	}
	p += lit;
	if ((size_t)(end - p) < pre->body_min) {
		return false;
	}
	for (i = 0; i < pre->body_min; i++) {
		if (!set_has(&pre->body, p[i])) {
			return false;
		}
	}
	return true;
}

static int confirm(struct lsc_secrets_scanner *s, const struct pending *h, lsc_secret_hit_cb cb,
		   void *payload)
{
	const struct lsc_secrets *e = s->e;
	const struct keyword *k = &e->kw[h->kw];
	uint64_t kstart = h->end - k->len;
	uint64_t from = kstart > s->base + BACK ? kstart - BACK : s->base;
	uint64_t to = h->end + LSC_SECRET_WINDOW < s->base + s->len ? h->end + LSC_SECRET_WINDOW
								    : s->base + s->len;

	if (kstart < s->base) {
		/* its context slid out of the buffer: only under a keyword flood */
		count_unconfirmed(s, h->kw);
		return 0;
	}
	pcre2_set_offset_limit(s->mctx, (PCRE2_SIZE)(kstart - from));
	for (size_t i = 0; i < k->nrules; i++) {
		size_t ri = k->rules[i];
		const struct crule *c = &e->rules[ri];
		const struct lsc_secret_rule *r = c->r;
		struct lsc_secret_hit hit;
		PCRE2_SIZE *ov;
		uint64_t mstart, mend;
		const char *sec;
		size_t slen;
		unsigned cost;
		int rc;

		unsigned back = r->back_set && r->back < BACK ? r->back : BACK;
		uint64_t start = kstart > from + back ? kstart - back : from;

		rule_fresh(s, ri);
		if (s->last_end[ri] > start) {
			start = s->last_end[ri];
		}
		if ((s->binary && !r->binary) || start > kstart) {
			continue; /* not for binaries, or this keyword is inside the last match */
		}
		if (c->pre.on) {
			if (!prefix_fits(s, &c->pre, kstart, to)) {
				continue;
			}
			start = kstart; /* the match starts at its keyword */
		} else if (c->pre.guarded && kstart > s->base &&
			   set_has(&c->pre.guard, s->data[kstart - s->base - 1])) {
			/* a guard byte before a keyword the match must start at: no PCRE2 call */
			continue;
		}
		if (!within_budget(s, ri, h->end)) {
			unconfirmed_add(s, ri);
			continue;
		}
		/*
		 * search after the rule's previous match, starting between back bytes before the
		 * keyword and the keyword; the bytes before the start stay in the subject for
		 * lookbehinds
		 */
		rc = pcre2_match(c->code, s->data + (from - s->base), (PCRE2_SIZE)(to - from),
				 (PCRE2_SIZE)(start - from), 0, s->md, s->mctx);
		cost = rc == PCRE2_ERROR_MATCHLIMIT ? LIMIT_COST : 1;
		s->calls += cost;
		s->rule_calls[ri] += cost;
		if (rc <= 0) {
			/*
			 * no match, or a match limit hit: not a finding, and no start up to the
			 * keyword can match for the next keyword either (a match ends at most a
			 * window after its keyword), so the next hit of this rule starts after it
			 */
			s->last_end[ri] = kstart + 1;
			continue;
		}
		ov = pcre2_get_ovector_pointer(s->md);
		mstart = from + ov[0];
		mend = from + ov[1];
		s->last_end[ri] = mend > mstart ? mend : mstart + 1;
		if (ov[2 * c->group] == PCRE2_UNSET) {
			continue;
		}
		sec = (const char *)s->data + (from - s->base) + ov[2 * c->group];
		slen = ov[2 * c->group + 1] - ov[2 * c->group];
		if (slen == 0 || (!r->known_value && lsc_placeholder_is(sec, slen)) ||
		    (r->min_entropy > 0 && lsc_secret_entropy(sec, slen) < r->min_entropy)) {
			continue;
		}
		hit.rule = r;
		hit.severity = r->rule->severity;
		if (r->check != LSC_CHECK_NONE && !lsc_secret_check_run(r->check, sec, slen)) {
			if (r->drop_on_fail) {
				continue;
			}
			hit.severity = r->fail_severity;
		}
		hit.secret = sec;
		hit.len = slen;
		hit.offset = from + ov[2 * c->group];
		hit.before = hit.offset - s->base < LSC_SECRET_BEFORE
				 ? (size_t)(hit.offset - s->base)
				 : LSC_SECRET_BEFORE;
		hit.line = line_of(s, hit.offset);
		if (++s->found > MAX_FINDINGS_PER_FILE) {
			/* never silent: counted, and reported as secret-scan-incomplete */
			unconfirmed_add(s, ri);
			continue;
		}
		if (r->confidence == LSC_CONF_LOW && slen <= DEFER_BYTES - s->def_used) {
			struct deferred *d = &s->def[s->ndef++];

			d->r = r;
			d->sev = hit.severity;
			d->line = hit.line;
			d->offset = hit.offset;
			d->at = s->def_used;
			d->len = slen;
			memcpy(s->def_bytes + s->def_used, sec, slen);
			s->def_used += slen;
			continue;
		}
		s->spans[s->nspans++] = (struct span){hit.offset, hit.offset + slen};
		rc = cb(&hit, payload);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

static int by_end(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->end != y->end) {
		return x->end < y->end ? -1 : 1;
	}
	return x->kw < y->kw ? -1 : (x->kw > y->kw);
}

/* Finds keywords in the new bytes, confirms the hits whose window is complete, slides. */
static int process(struct lsc_secrets_scanner *s, bool final, lsc_secret_hit_cb cb, void *payload)
{
	const hs_database_t *db = s->binary ? s->e->db_binary : s->e->db_text;
	uint64_t end = s->base + s->len, ready, keep;
	size_t first = s->npend;
	int rc;

	if (db && end > s->scanned) {
		uint64_t from =
		    s->scanned > s->base + s->e->maxkw ? s->scanned - s->e->maxkw + 1 : s->base;

		if (from < s->base) {
			from = s->base;
		}
		s->scan_origin = from;
		if (hs_scan(db, (const char *)s->data + (from - s->base), (unsigned)(end - from), 0,
			    s->scratch, on_keyword, s) != HS_SUCCESS &&
		    s->err) {
			return s->err;
		}
		/* drop hits already seen in the overlap of the previous pass */
		for (size_t i = first; i < s->npend; i++) {
			if (s->pend[i].end <= s->scanned) {
				s->pend[i].end = 0;
			}
		}
		s->scanned = end;
		if (s->npend - s->pend_head > 1) {
			qsort(s->pend + s->pend_head, s->npend - s->pend_head, sizeof(*s->pend),
			      by_end);
		}
		while (s->pend_head < s->npend && s->pend[s->pend_head].end == 0) {
			s->pend_head++;
		}
	}
	ready = final ? end : (end > LSC_SECRET_WINDOW ? end - LSC_SECRET_WINDOW : 0);
	while (s->pend_head < s->npend && s->pend[s->pend_head].end <= ready) {
		rc = confirm(s, &s->pend[s->pend_head], cb, payload);
		s->pend_head++;
		if (rc < 0) {
			return rc;
		}
	}
	if (s->pend_head == s->npend) {
		s->npend = s->pend_head = 0;
	}
	if (final) {
		return 0;
	}
	/* keep the context that pending hits and the next pass's matches may need */
	keep = end > LSC_SECRET_WINDOW + BACK + s->e->maxkw
		   ? end - (LSC_SECRET_WINDOW + BACK + s->e->maxkw)
		   : 0;
	if (s->pend_head < s->npend) {
		uint64_t need = s->pend[s->pend_head].end - s->e->kw[s->pend[s->pend_head].kw].len;

		need = need > BACK ? need - BACK : 0;
		if (need < keep) {
			keep = need;
		}
	}
	if (keep > s->base) {
		size_t drop = (size_t)(keep - s->base);

		line_of(s, keep); /* counts the newlines of what is dropped */
		s->nl_base += s->cur_nl;
		s->cur_nl = 0;
		s->cur_pos = 0;
		memmove(s->buf, s->buf + drop, s->len - drop);
		s->len -= drop;
		s->base = keep;
	}
	return 0;
}

int lsc_secrets_feed(struct lsc_secrets_scanner *s, const uint8_t *p, size_t n,
		     lsc_secret_hit_cb cb, void *payload)
{
	while (n > 0) {
		size_t room = s->cap - s->len, take;
		int rc;

		if (room == 0 || s->base + s->len - s->scanned >= BUF_NEW) {
			rc = process(s, false, cb, payload);
			if (rc < 0) {
				return rc;
			}
			room = s->cap - s->len;
			if (room == 0) {
				/* pending hits pin more context than the buffer holds: confirm
				 * early */
				rc = process(s, true, cb, payload);
				if (rc < 0) {
					return rc;
				}
				s->npend = s->pend_head = 0;
				line_of(s, s->base + s->len);
				s->nl_base += s->cur_nl;
				s->cur_nl = 0;
				s->cur_pos = 0;
				s->base += s->len;
				s->len = 0;
				room = s->cap;
			}
		}
		take = n < room ? n : room;
		memcpy(s->buf + s->len, p, take);
		s->len += take;
		p += take;
		n -= take;
	}
	return 0;
}

/* The deferred low-confidence hits that overlap no reported secret. */
static int flush_deferred(struct lsc_secrets_scanner *s, lsc_secret_hit_cb cb, void *payload)
{
	for (size_t i = 0; i < s->ndef; i++) {
		const struct deferred *d = &s->def[i];
		struct lsc_secret_hit hit = {.rule = d->r,
					     .severity = d->sev,
					     .secret = s->def_bytes + d->at,
					     .len = d->len,
					     .line = d->line,
					     .offset = d->offset};
		bool covered = false;
		int rc;

		for (size_t k = 0; k < s->nspans && !covered; k++) {
			covered =
			    d->offset < s->spans[k].end && s->spans[k].off < d->offset + d->len;
		}
		if (covered) {
			continue;
		}
		s->spans[s->nspans++] = (struct span){d->offset, d->offset + d->len};
		rc = cb(&hit, payload);
		if (rc < 0) {
			return rc;
		}
	}
	s->ndef = 0;
	s->def_used = 0;
	return 0;
}

/* One secret-scan-incomplete hit per rule that left hits unconfirmed in this file. */
static int flush_incomplete(struct lsc_secrets_scanner *s, lsc_secret_hit_cb cb, void *payload)
{
	if (!s->any_unconfirmed) {
		return 0;
	}
	s->any_unconfirmed = false;
	for (size_t i = 0; i < s->e->nrules; i++) {
		struct lsc_secret_hit hit = {
		    .rule = &lsc_secrets_incomplete,
		    .severity = lsc_secrets_incomplete.rule->severity,
		    .secret = "",
		    .of = s->e->rules[i].r,
		    .unconfirmed = s->unconfirmed[i],
		};
		int rc;

		if (s->gen[i] != s->file_gen || s->unconfirmed[i] == 0) {
			continue;
		}
		s->unconfirmed[i] = 0;
		rc = cb(&hit, payload);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int lsc_secrets_end(struct lsc_secrets_scanner *s, lsc_secret_hit_cb cb, void *payload)
{
	int rc = s->active ? process(s, true, cb, payload) : 0;

	if (rc == 0 && s->active) {
		rc = flush_deferred(s, cb, payload);
	}
	if (rc == 0 && s->active) {
		rc = flush_incomplete(s, cb, payload);
	}
	s->active = false;
	return rc;
}

int lsc_secrets_scan(struct lsc_secrets_scanner *s, const uint8_t *p, size_t n, bool binary,
		     lsc_secret_hit_cb cb, void *payload)
{
	int rc = lsc_secrets_begin(s, binary);

	if (rc == 0 && n <= BUF_NEW) {
		/*
		 * What feed would gather before its first pass is searched where it is: the same
		 * single pass at the end, without copying the content into the window buffer.
		 */
		s->data = p;
		s->len = n;
		rc = lsc_secrets_end(s, cb, payload);
		s->data = s->buf;
		s->len = 0;
		return rc;
	}
	if (rc == 0) {
		rc = lsc_secrets_feed(s, p, n, cb, payload);
	}
	if (rc == 0) {
		rc = lsc_secrets_end(s, cb, payload);
	} else {
		s->active = false;
	}
	return rc;
}
