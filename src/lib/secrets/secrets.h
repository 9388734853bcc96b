/*
 * The secret engine: every rule's keywords in one vectorscan database, PCRE2 to confirm and
 * extract around each keyword hit, then the rule's offline check. Content arrives in chunks of
 * any size; a match that straddles two chunks is found, line numbers are exact.
 *
 * struct lsc_secrets is compiled once and shared read-only by every thread; each thread scans
 * with its own struct lsc_secrets_scanner.
 */
#ifndef LSC_LIB_SECRETS_H
#define LSC_LIB_SECRETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secret_rules.h"

/* The most bytes before and after a keyword that a rule's match may span. */
#define LSC_SECRET_WINDOW 8192
/* The most bytes before a hit's secret that the hit lets its callback read. */
#define LSC_SECRET_BEFORE 1024 /* the engine keeps LSC_SECRET_BACK before a keyword */

struct lsc_secrets;
struct lsc_secrets_scanner;

/*
 * Every file gets a bounded amount of confirmation work: PCRE2 calls in proportion to its size,
 * per file and per rule. Hits past that budget (a keyword flood) are not confirmed, and never
 * silently: at lsc_secrets_end() each rule that left hits unconfirmed gives one hit of
 * lsc_secrets_incomplete (secret-scan-incomplete, medium), with `of` naming the rule and
 * `unconfirmed` the count, an empty secret and line 0 (the whole file).
 */
extern const struct lsc_secret_rule lsc_secrets_incomplete;
/*
 * Entries of lsc_secret_rule_info: the TOML's rules, then secret-scan-incomplete (gen_rules.py
 * writes both, so that `layerscan rules` and policies know the id like any other).
 */
extern const size_t lsc_secret_ninfo;

struct lsc_secret_hit {
	const struct lsc_secret_rule *rule;
	enum lsc_severity severity; /* the rule's, or lowered by a failed check */
	const char *secret;	    /* borrowed for the callback */
	size_t len;
	uint64_t line;	 /* 1-based line of the secret's first byte */
	uint64_t offset; /* byte offset of the secret's first byte */
	/*
	 * How many bytes just before secret are readable with it (its line's start, for a caller
	 * that judges the context: a comment, a docstring), at most LSC_SECRET_BEFORE; 0 for the
	 * hits of low-confidence rules, reported when their file ends.
	 */
	size_t before;
	/* for lsc_secrets_incomplete only: the rule whose hits were not confirmed, and how many */
	const struct lsc_secret_rule *of;
	uint64_t unconfirmed;
};

/* Returns 0 to go on, or a negative code that stops the scan (returned). */
typedef int (*lsc_secret_hit_cb)(const struct lsc_secret_hit *hit, void *payload);

/*
 * Compiles the built-in rules and nrules more (a policy's custom rules; borrowed, must outlive
 * the engine). *out is the caller's to free with lsc_secrets_free(). A rule that does not compile
 * is -LSC_E_FORMAT naming it.
 */
int lsc_secrets_new(struct lsc_secrets **out, const struct lsc_secret_rule *more, size_t nmore);
void lsc_secrets_free(struct lsc_secrets *e);

/* The process-wide engine with the built-in rules, compiled on first use; borrowed. */
int lsc_secrets_builtin(const struct lsc_secrets **out);

int lsc_secrets_scanner_new(struct lsc_secrets_scanner **out, const struct lsc_secrets *e);
void lsc_secrets_scanner_free(struct lsc_secrets_scanner *s);

/*
 * One file or value: begin, feed chunks, end. binary restricts the scan to rules marked binary.
 * Hits are reported in the order of their keywords (a match may start up to 1 KiB before its
 * keyword, so offsets are not strictly increasing); each match of a rule is reported once.
 * Hits of low-confidence rules come at lsc_secrets_end(), and only those whose secret overlaps
 * no other reported secret: a provider's token in TOKEN=... is that provider's finding alone.
 */
int lsc_secrets_begin(struct lsc_secrets_scanner *s, bool binary);
int lsc_secrets_feed(struct lsc_secrets_scanner *s, const uint8_t *p, size_t n,
		     lsc_secret_hit_cb cb, void *payload);
int lsc_secrets_end(struct lsc_secrets_scanner *s, lsc_secret_hit_cb cb, void *payload);

/* begin + feed + end over one buffer. */
int lsc_secrets_scan(struct lsc_secrets_scanner *s, const uint8_t *p, size_t n, bool binary,
		     lsc_secret_hit_cb cb, void *payload);

#endif
