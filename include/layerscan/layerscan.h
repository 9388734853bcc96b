/*
 * layerscan: the public API of liblayerscan.
 *
 * The CLI includes only this header. No libcurl, libarchive, jansson or OpenSSL type appears
 * here. Every fallible function returns 0 on success or a negative code: a negated errno, or one
 * of the LSC_E_* codes below; lsc_strerror() names either.
 */
#ifndef LAYERSCAN_LAYERSCAN_H
#define LAYERSCAN_LAYERSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LSC_VERSION "0.1.0"

#if defined(__GNUC__)
#define LSC_API __attribute__((visibility("default")))
#else
#define LSC_API
#endif

/* Project error codes; negated when returned. Errno values pass through negated as well. */
enum lsc_errcode {
	LSC_E_BASE = 1024,
	LSC_E_FORMAT,          /* malformed input: manifest, config, tar, compressed stream */
	LSC_E_DIGEST_MISMATCH, /* a blob's bytes do not match the digest that names it */
	LSC_E_DIFFID_MISMATCH, /* a layer's uncompressed bytes do not match the config's diff_id */
	LSC_E_TRUNCATED,       /* a stream ended before its declared end */
	LSC_E_TOO_LARGE,       /* an image-controlled size went over its bound */
	LSC_E_NOT_FOUND,       /* a referenced blob, manifest, tag or platform is not there */
	LSC_E_UNSUPPORTED,     /* a valid input that layerscan does not handle */
	LSC_E_USAGE,           /* bad option, bad target */
	LSC_E_AUTH,            /* registry authentication failed */
	LSC_E_NETWORK,         /* registry unreachable, HTTP failure */
	LSC_E_INTERNAL,        /* a library call failed for a reason of its own */
	LSC_E_CANCELLED,       /* another job failed first; this one stopped */
	LSC_E_MAX
};

enum lsc_severity {
	LSC_SEV_INFO = 0,
	LSC_SEV_LOW,
	LSC_SEV_MEDIUM,
	LSC_SEV_HIGH,
	LSC_SEV_CRITICAL,
	LSC_SEV_NEVER /* only as a --fail-on threshold: nothing fails the scan */
};

enum lsc_category {
	LSC_CAT_SECRET = 0,
	LSC_CAT_SENSITIVE_FILE,
	LSC_CAT_USER,
	LSC_CAT_STALE_BASE,
	LSC_CAT_CONFIG,
	LSC_CAT_PERMISSIONS
};

/* Where a finding is: location.source in the JSON report. */
enum lsc_location {
	LSC_LOC_FILE = 0,
	LSC_LOC_CONFIG_ENV,
	LSC_LOC_CONFIG_HISTORY,
	LSC_LOC_CONFIG_LABELS,
	LSC_LOC_CONFIG_USER,
	LSC_LOC_CONFIG_VOLUMES,
	LSC_LOC_ANNOTATIONS,
	LSC_LOC_IMAGE,
	LSC_LOC_CONFIG_EXPOSED_PORTS
};

/* A rule: static data owned by the library, valid for the life of the program. */
struct lsc_rule {
	const char *id;
	enum lsc_category category;
	enum lsc_severity severity;
	const char *title;
	const char *description; /* one or two sentences: what it finds and why it matters */
	const char *detector;    /* the detector that evaluates it */
};

/* A finding. All strings are owned by the report that holds the finding. */
struct lsc_finding {
	const struct lsc_rule *rule;
	enum lsc_severity severity; /* effective severity (the rule's, or lowered by validation) */
	enum lsc_location source;
	int layer_index;            /* -1 where it does not apply */
	const char *layer_digest;   /* NULL where it does not apply */
	const char *layer_diff_id;  /* NULL where it does not apply */
	char *path;                 /* absolute path in the image, NULL where it does not apply */
	long line;                  /* 1-based, 0 where it does not apply */
	bool in_final_image;
	char *match;                /* the secret value in clear, or NULL; redact before printing */
	char *detail;               /* one line for humans: what exactly was found */
	char fingerprint[33];       /* hex; stable across runs, formats and layer recompression */
	bool known;                 /* in the --baseline report: reported, never fails the scan */
	/*
	 * Identical findings of the same layer (same rule, severity, path and value) folded into
	 * this one, which keeps the first line: 0 when it stands alone. The report's "count" is
	 * repeats + 1.
	 */
	uint64_t repeats;
	/* A static qualifier of the finding ("looks like an example"), or NULL; never image text */
	const char *note;
};

struct lsc_layer_info {
	int index;
	char digest[72];   /* the blob digest (sha256:...) */
	char diff_id[72];  /* the digest of the uncompressed tar */
	char *media_type;
	int64_t size;      /* blob bytes */
	uint64_t bytes_uncompressed;
	uint64_t files;    /* regular files in the layer */
	char *created_by;  /* from the config history, or NULL */
	uint64_t findings_truncated; /* findings of this layer over the caps, not in findings */
};

/* A finding a policy ignore entry matched: not in findings, never fails the scan. */
struct lsc_ignored {
	struct lsc_finding f; /* first: an array of these sorts with the findings' order */
	char *reason;         /* the entry's reason; owned by the report */
	char *expires;        /* "YYYY-MM-DD", or NULL when the entry has no expiry */
};

struct lsc_os_info {
	char *id;
	char *version_id;
	char *pretty_name;
};

struct lsc_report {
	/* target */
	char *input;
	char *transport;
	char *reference;       /* image name when the input says one, else NULL */
	char *manifest_digest; /* NULL when the input has no manifest (classic docker save) */
	char *config_digest;
	char *platform;
	/* image */
	char *user;
	char *created; /* RFC 3339 as in the config, or NULL */
	struct lsc_os_info os; /* members NULL when unknown */
	struct lsc_layer_info *layers;
	size_t nlayers;
	/* findings, sorted by severity (highest first), then layer, path, line, rule */
	struct lsc_finding *findings;
	size_t nfindings;
	/* findings a policy ignores (summary.ignored), in the same order; not in summary[] */
	struct lsc_ignored *ignored;
	size_t nignored;
	/* stats */
	uint64_t files;
	uint64_t bytes_uncompressed;
	/*
	 * Regular files (and their bytes) whose content was identical to a file already scanned
	 * for secrets in this scan, so its findings were reused instead of scanning it again.
	 * Layers scanned in parallel may both scan a file before either has cached it.
	 */
	uint64_t reused_files;
	uint64_t reused_bytes;
	uint64_t duration_ms;
	unsigned summary[LSC_SEV_CRITICAL + 1];
	unsigned known;          /* findings whose fingerprint is in the baseline (summary.known) */
	/*
	 * Findings over the caps (per layer, per image), counted, not in findings: the kept ones
	 * are the most severe. truncated_severity is the highest severity among the dropped; a
	 * dropped finding at or above the fail-on severity fails the scan (lsc_report_fails).
	 */
	uint64_t truncated_findings;
	enum lsc_severity truncated_severity;
	bool have_baseline;      /* the scan had a --baseline */
};

enum lsc_log_level { LSC_LOG_DEBUG, LSC_LOG_INFO, LSC_LOG_WARN };

/* Progress events, sent from the thread that scans the layer. */
struct lsc_progress {
	int layer_index;         /* -1 while the layer's place in the image is not known yet */
	const char *blob;        /* the blob name or digest being read */
	uint64_t bytes_read;     /* blob bytes read so far */
	uint64_t bytes_total;    /* blob size when known, else 0 */
	bool done;
	size_t layers_total;     /* layers in the image when known, else 0 */
};

typedef void (*lsc_log_cb)(enum lsc_log_level level, const char *msg, void *payload);
typedef void (*lsc_progress_cb)(const struct lsc_progress *p, void *payload);

struct lsc_scan_options {
	const char *target;   /* TARGET as on the command line; borrowed */
	const char *platform; /* "os/arch[/variant]", NULL for linux/amd64 */
	unsigned jobs;        /* layers in parallel; 0 for the number of cores */
	const char *authfile; /* registry credentials file (docker config.json), or NULL */
	bool insecure;        /* registries: plain HTTP and unverified TLS allowed */
	const char *base;     /* the base image reference (--base), or NULL: from annotations */
	bool offline;         /* do not look the base image up in its registry */
	/* registries LAYERSCAN_USERNAME/LAYERSCAN_PASSWORD also go to (--creds-for, repeatable):
	   comma-separated hosts[:port], or NULL; besides these and $LAYERSCAN_REGISTRY they go to
	   the scanned image's registry only, and to none for a local target */
	const char *creds_for;
	const char *baseline; /* an earlier JSON report (--baseline): its findings are known */
	const char *policy;   /* the policy file, or NULL for none; loaded by lsc_scan_run() */
	lsc_log_cb log;       /* may be NULL */
	lsc_progress_cb progress; /* may be NULL */
	void *payload;
};

struct lsc_scan;

/*
 * Creates a scan. *out is the caller's to free with lsc_scan_free(). opts and the strings it
 * points to are copied.
 */
LSC_API int lsc_scan_new(struct lsc_scan **out, const struct lsc_scan_options *opts);

/*
 * Reads the target and runs every detector. On failure the report is incomplete and must not be
 * used; lsc_scan_errmsg() says what failed and where.
 */
LSC_API int lsc_scan_run(struct lsc_scan *scan);

/* The report of a successful run; borrowed, valid until lsc_scan_free(). */
LSC_API const struct lsc_report *lsc_scan_report(const struct lsc_scan *scan);

/*
 * The policy's fail-on, once lsc_scan_run() has loaded it: 0 with *out set, or -LSC_E_NOT_FOUND
 * when there is no policy or it sets none. The command line's --fail-on wins over it.
 */
LSC_API int lsc_scan_policy_fail_on(const struct lsc_scan *scan, enum lsc_severity *out);

/* The one-line message of the last failure of this scan; borrowed. */
LSC_API const char *lsc_scan_errmsg(const struct lsc_scan *scan);

LSC_API void lsc_scan_free(struct lsc_scan *scan);

/* The generic message for an error code; static. */
LSC_API const char *lsc_strerror(int code);

/* Every built-in rule, in a stable order. Static. */
LSC_API size_t lsc_rules_count(void);
LSC_API const struct lsc_rule *lsc_rules_get(size_t i);
/*
 * The family `layerscan rules` counts r under: a built-in secret rule's provider family ("aws",
 * "github", "slack", ...: its TOML `family`, by default the id's first word), else r's detector.
 * Static.
 */
LSC_API const char *lsc_rule_family(const struct lsc_rule *r);

/* Names for enums, as they appear in the JSON report; static. */
LSC_API const char *lsc_severity_name(enum lsc_severity s);
LSC_API int lsc_severity_parse(enum lsc_severity *out, const char *name);
LSC_API const char *lsc_category_name(enum lsc_category c);
LSC_API const char *lsc_location_name(enum lsc_location l);

/*
 * Writes into dst (at least strlen(secret) + 1 bytes) the redacted form of secret: at most the
 * first and last four characters kept, the rest replaced by '*', fewer kept for short values.
 */
LSC_API void lsc_redact(char *dst, const char *secret);

#define LSC_REPORT_SHOW_SECRETS 0x1u

/* result: true when the scan fails at threshold fail_on. Ignored findings never do. */
LSC_API bool lsc_report_fails(const struct lsc_report *r, enum lsc_severity fail_on);

/*
 * The JSON report (schema layerscan/report/v1). *out is a NUL-terminated string, the caller's
 * to free(). flags: LSC_REPORT_*.
 */
LSC_API int lsc_report_json(char **out, const struct lsc_report *r, enum lsc_severity fail_on,
			    unsigned flags);

/*
 * The SARIF 2.1.0 report: one run, every rule in tool.driver.rules, one result per finding with
 * the path in the image as its artifact URI and the layer and image digests in its properties.
 * Matches are redacted unless flags has LSC_REPORT_SHOW_SECRETS. *out is a NUL-terminated
 * string, the caller's to free().
 */
LSC_API int lsc_report_sarif(char **out, const struct lsc_report *r, enum lsc_severity fail_on,
			     unsigned flags);

/*
 * The JUnit XML report: one test case per rule evaluated, failing when the rule has findings at
 * or above fail_on; findings below it go to the test case's system-out. Matches are redacted
 * unless flags has LSC_REPORT_SHOW_SECRETS. *out is a NUL-terminated string, the caller's to
 * free().
 */
LSC_API int lsc_report_junit(char **out, const struct lsc_report *r, enum lsc_severity fail_on,
			     unsigned flags);

/*
 * Redaction and sanitising of text from the image, for every output (redactor.c). A redactor
 * knows every secret of a report (the match of each finding, ignored ones included); the text
 * it returns has each of them redacted (lsc_redact) wherever it appears, unless flags has
 * LSC_REPORT_SHOW_SECRETS, and is then made safe to print: control characters (C0, DEL, C1),
 * bidi overrides and invalid UTF-8 escaped as \xNN, \n, \uNNNN. With LSC_TEXT_UTF8_ONLY only
 * invalid UTF-8 is escaped (for JSON, which escapes control characters itself).
 */
#define LSC_TEXT_UTF8_ONLY 0x2u

struct lsc_redactor;

/* *out is the caller's to free with lsc_redactor_free(); it borrows r's strings. */
LSC_API int lsc_redactor_new(struct lsc_redactor **out, const struct lsc_report *r);
LSC_API void lsc_redactor_free(struct lsc_redactor *x);

/*
 * s redacted and made safe; the caller's to free(). NULL when s is NULL or memory runs out. x
 * may be NULL: sanitising only.
 */
LSC_API char *lsc_redactor_text(const struct lsc_redactor *x, const char *s, unsigned flags);

/*
 * A message (an error, a log line) that may quote the image before any report exists: every
 * secret the built-in rules find in it redacted (unless LSC_REPORT_SHOW_SECRETS), then made safe.
 * The caller's to free(); NULL when memory runs out.
 */
LSC_API char *lsc_redactor_message(const char *s, unsigned flags);

/* The rules as a JSON array; *out is the caller's to free(). */
LSC_API int lsc_rules_json(char **out);

#endif
