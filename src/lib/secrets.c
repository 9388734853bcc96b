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
#include "error.h"
#include "util/str.h"

#include <errno.h>
#include <hs/hs.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define BACK LSC_SECRET_BACK        /* how far before its keyword a match may start */
#define BUF_NEW (256u * 1024)     /* new bytes gathered before a keyword pass */
#define MAX_FINDINGS_PER_FILE 1000
#define MAX_PENDING (1u << 16)    /* keyword hits waiting for their window */
#define MATCH_LIMIT 200000        /* PCRE2 backtracking bound per confirmation */
#define DEFER_BYTES (256u << 10)  /* secrets of low-confidence hits held until the file's end */

struct keyword {
	char *text; /* lowercase */
	size_t len;
	size_t *rules; /* indexes into e->rules */
	size_t nrules;
	bool binary; /* some rule of it scans binaries */
};

struct crule {
	const struct lsc_secret_rule *r;
	pcre2_code *code;
	uint32_t group; /* the secret's capture group */
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
	const uint8_t *data;  /* what is searched: buf, or a caller's buffer (lsc_secrets_scan) */
	size_t len, cap;
	uint64_t base;        /* absolute offset of buf[0] */
	uint64_t scanned;     /* keywords found for every end offset up to here */
	uint64_t scan_origin; /* absolute offset of the region in the running keyword pass */
	uint64_t nl_base;     /* newlines before buf[0] */
	size_t cur_pos;       /* line cursor: newlines in buf[0..cur_pos) is cur_nl */
	uint64_t cur_nl;
	struct pending *pend;
	size_t npend, cappend, pend_head;
	uint64_t *last_end;   /* per rule: end of the last reported match */
	struct deferred *def;
	size_t ndef;
	char *def_bytes;
	size_t def_used;
	struct span *spans;   /* secrets reported in this file, MAX_FINDINGS_PER_FILE at most */
	size_t nspans;
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
		return lsc_error(LSC_E_FORMAT, "secret rule %s: pattern does not compile at offset "
				 "%zu: %s", r->rule->id, (size_t)erroff, (const char *)msg);
	}
	/* JIT where the platform has it; the interpreter is a correct fallback */
	pcre2_jit_compile(c->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(c->code, PCRE2_INFO_CAPTURECOUNT, &captures);
	named = pcre2_substring_number_from_name(c->code, (PCRE2_SPTR) "secret");
	c->group = named > 0 ? (uint32_t)named : (captures >= 1 ? 1 : 0);
	return 0;
}

static int compile_db(hs_database_t **out, const struct lsc_secrets *e, bool binary_only)
{
	const char **exprs = calloc(e->nkw + 1, sizeof(*exprs));
	unsigned *flags = calloc(e->nkw + 1, sizeof(*flags)), *ids = calloc(e->nkw + 1,
									   sizeof(*ids));
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
	if (!e || !(e->rules = calloc(total ? total : 1, sizeof(*e->rules)))) {
		free(e);
		return -ENOMEM;
	}
	for (size_t i = 0; i < total && rc == 0; i++) {
		const struct lsc_secret_rule *r = i < lsc_secret_nrules
							  ? &lsc_secret_rules[i]
							  : &more[i - lsc_secret_nrules];

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
	if (!s->buf || !s->md || !s->mctx || !s->last_end || !s->def || !s->def_bytes || !s->spans ||
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
	memset(s->last_end, 0, s->e->nrules * sizeof(*s->last_end));
	return 0;
}

static int on_keyword(unsigned int id, unsigned long long from, unsigned long long to,
		      unsigned int flags, void *ctx)
{
	struct lsc_secrets_scanner *s = ctx;
	struct pending *p;

	(void)from;
	(void)flags;
	if (s->npend - s->pend_head >= MAX_PENDING) {
		return 0; /* a flood of keywords: the first ones are enough to report */
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
		return 0; /* its context slid out of the buffer: only under a keyword flood */
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
		int rc;

		unsigned back = r->back_set && r->back < BACK ? r->back : BACK;
		uint64_t start = kstart > from + back ? kstart - back : from;

		if (s->last_end[ri] > start) {
			start = s->last_end[ri];
		}
		if ((s->binary && !r->binary) || start > kstart) {
			continue; /* not for binaries, or this keyword is inside the last match */
		}
		/*
		 * search after the rule's previous match, starting between back bytes before the
		 * keyword and the keyword; the bytes before the start stay in the subject for
		 * lookbehinds
		 */
		rc = pcre2_match(c->code, s->data + (from - s->base), (PCRE2_SIZE)(to - from),
				 (PCRE2_SIZE)(start - from), 0, s->md, s->mctx);
		if (rc <= 0) {
			continue; /* no match, or a match limit hit: not a finding */
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
		if (slen == 0 || lsc_secret_is_placeholder(sec, slen) ||
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
		hit.line = line_of(s, hit.offset);
		if (++s->found > MAX_FINDINGS_PER_FILE) {
			return 0;
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
		uint64_t from = s->scanned > s->base + s->e->maxkw ? s->scanned - s->e->maxkw + 1
								    : s->base;

		if (from < s->base) {
			from = s->base;
		}
		s->scan_origin = from;
		if (hs_scan(db, (const char *)s->data + (from - s->base), (unsigned)(end - from), 0,
			    s->scratch, on_keyword, s) != HS_SUCCESS && s->err) {
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
				/* pending hits pin more context than the buffer holds: confirm early */
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
		struct lsc_secret_hit hit = {d->r, d->sev, s->def_bytes + d->at, d->len, d->line,
					     d->offset};
		bool covered = false;
		int rc;

		for (size_t k = 0; k < s->nspans && !covered; k++) {
			covered = d->offset < s->spans[k].end && s->spans[k].off < d->offset + d->len;
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

int lsc_secrets_end(struct lsc_secrets_scanner *s, lsc_secret_hit_cb cb, void *payload)
{
	int rc = s->active ? process(s, true, cb, payload) : 0;

	if (rc == 0 && s->active) {
		rc = flush_deferred(s, cb, payload);
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
