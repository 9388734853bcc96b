/*
 * The layerscan program: arguments, rendering, progress and exit codes. Everything else is in
 * liblayerscan.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "layerscan/layerscan.h"
#include "render_table.h"

#define EXIT_PASS 0
#define EXIT_FINDINGS 1
#define EXIT_ERROR 2

enum format { FMT_TABLE, FMT_JSON, FMT_SARIF, FMT_JUNIT };

#define MAX_PROGRESS_LAYERS 256

struct prog_layer {
	char name[128];
	uint64_t read, total;
	bool done;
};

struct cli {
	enum format format;
	const char *output;
	enum lsc_severity fail_on;
	bool fail_on_given; /* --fail-on wins over the policy's fail-on */
	const char *policy;
	const char *platform;
	bool show_secrets;
	bool quiet;
	unsigned jobs;
	const char *authfile;
	char *creds_for; /* --creds-for values joined by commas, or NULL; owned */
	bool insecure;
	const char *base;
	bool offline;
	const char *baseline;
	bool progress_shown;
	struct prog_layer prog[MAX_PROGRESS_LAYERS];
	size_t nprog;
};

static void usage(FILE *out)
{
	fputs(
	    "Usage: layerscan scan [OPTIONS] TARGET\n"
	    "       layerscan rules [--format table|json]\n"
	    "       layerscan --version | --help\n"
	    "\n"
	    "Scans a container image, layer by layer, for secrets, files that should never ship,\n"
	    "a root default user and the rest of the container guidelines.\n"
	    "\n"
	    "TARGET:\n"
	    "  docker-archive:PATH[:REPO:TAG]  a docker save tarball (gzip/zstd too); PATH may be "
	    "-\n"
	    "  oci:DIR[:TAG]                   an OCI image layout directory\n"
	    "  oci-archive:PATH[:TAG]          an OCI image layout in a tar\n"
	    "  -                               a docker save stream on standard input\n"
	    "  PATH                            a directory (OCI layout) or an archive, by content\n"
	    "  docker://REF, REF               an image in a registry: alpine:3.20,\n"
	    "                                  ghcr.io/org/app@sha256:..., 127.0.0.1:5000/app:1.4\n"
	    "\n"
	    "Options:\n"
	    "  -f, --format FORMAT       report format: table (default), json, sarif (SARIF\n"
	    "                            2.1.0, for code scanning) or junit (JUnit XML, one\n"
	    "                            test case per rule)\n"
	    "  -o, --output FILE         write the report to FILE\n"
	    "      --fail-on SEVERITY    critical|high|medium|low|info|never (default high)\n"
	    "      --platform OS/ARCH[/VARIANT]  image of a multi-platform index (linux/amd64)\n"
	    "      --show-secrets        print matched secrets in clear\n"
	    "  -j, --jobs N              layers scanned in parallel (default: cores)\n"
	    "  -q, --quiet, --no-progress  no progress on standard error\n"
	    "      --authfile FILE       registry credentials (docker config.json format)\n"
	    "      --creds-for HOST[:PORT]  LAYERSCAN_USERNAME/PASSWORD may go to this registry\n"
	    "                            too (repeatable; by default only the scanned image's)\n"
	    "      --insecure            registries: allow plain HTTP and unverified TLS\n"
	    "      --base REF            the base image, for the stale-base checks\n"
	    "      --offline             do not look the base image up in its registry\n"
	    "      --baseline REPORT     findings of this earlier JSON report are known: they do\n"
	    "                            not fail the scan\n"
	    "      --policy FILE         policy file (default: ./.layerscan.yaml when present)\n"
	    "\n"
	    "Exit status: 0 pass, 1 findings at or above --fail-on, 2 the scan could not "
	    "complete.\n",
	    out);
}

static void on_log(enum lsc_log_level level, const char *msg, void *payload)
{
	struct cli *c = payload;
	char *safe;

	if (level == LSC_LOG_DEBUG || (level == LSC_LOG_INFO && c->quiet)) {
		return;
	}
	/* a log line may quote the image: secrets redacted, controls escaped */
	safe = lsc_redactor_message(msg, c->show_secrets ? LSC_REPORT_SHOW_SECRETS : 0);
	fprintf(stderr, "layerscan: %s%s\n", level == LSC_LOG_WARN ? "warning: " : "",
		safe ? safe : "(out of memory)");
	free(safe);
}

/*
 * One status line on standard error (a TTY), redrawn at each event: layers done of the total,
 * MiB read of the known total, and the layers in flight with their share read.
 */
static void on_progress(const struct lsc_progress *p, void *payload)
{
	struct cli *c = payload;
	struct prog_layer *pl = NULL;
	uint64_t read = 0, total = 0;
	size_t done = 0, shown = 0;
	char line[512];
	int n;

	for (size_t i = 0; i < c->nprog; i++) {
		if (strcmp(c->prog[i].name, p->blob) == 0) {
			pl = &c->prog[i];
		}
	}
	if (!pl && c->nprog < MAX_PROGRESS_LAYERS) {
		pl = &c->prog[c->nprog++];
		snprintf(pl->name, sizeof(pl->name), "%s", p->blob);
	}
	if (pl) {
		pl->read = p->bytes_read;
		pl->total = p->bytes_total;
		pl->done = p->done;
	}
	for (size_t i = 0; i < c->nprog; i++) {
		read += c->prog[i].read;
		total += c->prog[i].total;
		done += c->prog[i].done;
	}
	n = snprintf(line, sizeof(line), "layers %zu/%zu  %.1f", done,
		     p->layers_total ? p->layers_total : c->nprog, (double)read / 1048576.0);
	if (total) {
		n += snprintf(line + n, sizeof(line) - (size_t)n, "/%.1f",
			      (double)total / 1048576.0);
	}
	n += snprintf(line + n, sizeof(line) - (size_t)n, " MiB");
	for (size_t i = 0; i < c->nprog && shown < 3 && n < 400; i++) {
		const struct prog_layer *q = &c->prog[i];
		const char *name = strrchr(q->name, ':') ? strrchr(q->name, ':') + 1 : q->name;
		char *safe;

		if (q->done) {
			continue;
		}
		name = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		/* a member name of an archive is image text: escaped, never raw on the terminal */
		safe = lsc_redactor_text(NULL, name, LSC_REPORT_SHOW_SECRETS);
		n += snprintf(line + n, sizeof(line) - (size_t)n, "  %.12s", safe ? safe : "?");
		free(safe);
		if (q->total) {
			n += snprintf(line + n, sizeof(line) - (size_t)n, " %u%%",
				      (unsigned)(q->read * 100 / q->total));
		}
		shown++;
	}
	fprintf(stderr, "\r\033[K%s", line);
	c->progress_shown = true;
}

/* The one line for CI logs, on standard error once the report is written. */
static void summary_line(const struct lsc_report *r, int rc, enum lsc_severity fail_on)
{
	fprintf(stderr, "layerscan: %u critical, %u high, %u medium, %u low, %u info",
		r->summary[LSC_SEV_CRITICAL], r->summary[LSC_SEV_HIGH], r->summary[LSC_SEV_MEDIUM],
		r->summary[LSC_SEV_LOW], r->summary[LSC_SEV_INFO]);
	if (r->have_baseline) {
		fprintf(stderr, " (%u known from the baseline)", r->known);
	}
	if (r->nignored) {
		fprintf(stderr, ", %zu ignored by the policy", r->nignored);
	}
	if (r->truncated_findings) {
		fprintf(stderr, ", %llu more truncated (over the findings caps)",
			(unsigned long long)r->truncated_findings);
	}
	fprintf(stderr, "; %s", rc == EXIT_FINDINGS ? "FAIL" : "PASS");
	if (fail_on != LSC_SEV_NEVER) {
		fprintf(stderr, " (fails on %s and above)", lsc_severity_name(fail_on));
	}
	fprintf(stderr, "; %llu files, %.1f MiB in %zu layers, %.2f s\n",
		(unsigned long long)r->files, (double)r->bytes_uncompressed / 1048576.0, r->nlayers,
		(double)r->duration_ms / 1000.0);
}

static int parse_jobs(unsigned *out, const char *s)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 64) {
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

static int write_report(struct cli *c, const struct lsc_report *r)
{
	FILE *out = stdout;
	int rc = 0;

	if (c->output && strcmp(c->output, "-") != 0) {
		out = fopen(c->output, "w");
		if (!out) {
			fprintf(stderr, "layerscan: error: %s: %s\n", c->output, strerror(errno));
			return -1;
		}
	}
	if (c->format != FMT_TABLE) {
		unsigned flags = c->show_secrets ? LSC_REPORT_SHOW_SECRETS : 0;
		char *text;
		int err;

		if (c->format == FMT_SARIF) {
			err = lsc_report_sarif(&text, r, c->fail_on, flags);
		} else if (c->format == FMT_JUNIT) {
			err = lsc_report_junit(&text, r, c->fail_on, flags);
		} else {
			err = lsc_report_json(&text, r, c->fail_on, flags);
		}
		if (err < 0) {
			fprintf(stderr, "layerscan: error: writing the report: %s\n",
				lsc_strerror(err));
			rc = -1;
		} else {
			/* JSON and SARIF end without a newline, JUnit with one */
			fputs(text, out);
			if (c->format != FMT_JUNIT) {
				fputc('\n', out);
			}
			free(text);
		}
	} else {
		struct render_opts o = {
		    .color = out == stdout && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"),
		    .show_secrets = c->show_secrets,
		    .fail_on = c->fail_on,
		};

		render_table(out, r, &o);
	}
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "layerscan: error: writing the report: %s\n", strerror(errno));
		rc = -1;
	}
	if (out != stdout && fclose(out) != 0) {
		rc = -1;
	}
	return rc;
}

/* Appends a --creds-for HOST[:PORT] to c->creds_for; -1 (message printed) when unusable. */
static int add_creds_for(struct cli *c, const char *host)
{
	size_t have = c->creds_for ? strlen(c->creds_for) : 0, n = strlen(host);
	char *joined;

	if (n == 0 || n > 255 || strpbrk(host, " \t/@")) {
		fprintf(stderr,
			"layerscan: error: --creds-for %.255s: expected a registry "
			"HOST[:PORT], such as ghcr.io or 127.0.0.1:5000\n",
			host);
		return -1;
	}
	joined = realloc(c->creds_for, have + n + 2);
	if (!joined) {
		fprintf(stderr, "layerscan: error: out of memory\n");
		return -1;
	}
	if (have) {
		joined[have++] = ',';
	}
	memcpy(joined + have, host, n + 1);
	c->creds_for = joined;
	return 0;
}

static int scan_parsed(struct cli *cp, int argc, char **argv)
{
	enum {
		O_FAIL_ON = 256,
		O_PLATFORM,
		O_SHOW,
		O_NOPROG,
		O_POLICY,
		O_BASE,
		O_INSECURE,
		O_AUTHFILE,
		O_OFFLINE,
		O_BASELINE,
		O_CREDS_FOR
	};
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"output", required_argument, NULL, 'o'},
	    {"fail-on", required_argument, NULL, O_FAIL_ON},
	    {"platform", required_argument, NULL, O_PLATFORM},
	    {"show-secrets", no_argument, NULL, O_SHOW},
	    {"jobs", required_argument, NULL, 'j'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"no-progress", no_argument, NULL, O_NOPROG},
	    {"policy", required_argument, NULL, O_POLICY},
	    {"base", required_argument, NULL, O_BASE},
	    {"offline", no_argument, NULL, O_OFFLINE},
	    {"baseline", required_argument, NULL, O_BASELINE},
	    {"insecure", no_argument, NULL, O_INSECURE},
	    {"authfile", required_argument, NULL, O_AUTHFILE},
	    {"creds-for", required_argument, NULL, O_CREDS_FOR},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct cli c = *cp;
	struct lsc_scan_options so = {0};
	struct lsc_scan *scan = NULL;
	const struct lsc_report *r;
	bool progress;
	int opt, rc;

	optind = 1;
	for (;;) {
		opt = getopt_long(argc, argv, "f:o:j:qh", longopts, NULL);
		if (opt == -1) {
			break;
		}
		switch (opt) {
		case 'f':
			if (strcmp(optarg, "table") == 0) {
				c.format = FMT_TABLE;
			} else if (strcmp(optarg, "json") == 0) {
				c.format = FMT_JSON;
			} else if (strcmp(optarg, "sarif") == 0) {
				c.format = FMT_SARIF;
			} else if (strcmp(optarg, "junit") == 0) {
				c.format = FMT_JUNIT;
			} else {
				fprintf(stderr,
					"layerscan: error: unknown format %s "
					"(table, json, sarif or junit)\n",
					optarg);
				return EXIT_ERROR;
			}
			break;
		case 'o':
			c.output = optarg;
			break;
		case O_FAIL_ON:
			if (lsc_severity_parse(&c.fail_on, optarg) < 0) {
				fprintf(stderr,
					"layerscan: error: --fail-on %s: expected critical, "
					"high, medium, low, info or never\n",
					optarg);
				return EXIT_ERROR;
			}
			c.fail_on_given = true;
			break;
		case O_PLATFORM:
			c.platform = optarg;
			break;
		case O_SHOW:
			c.show_secrets = true;
			break;
		case 'j':
			if (parse_jobs(&c.jobs, optarg) < 0) {
				fprintf(stderr, "layerscan: error: --jobs %s: expected 1 to 64\n",
					optarg);
				return EXIT_ERROR;
			}
			break;
		case 'q':
		case O_NOPROG:
			c.quiet = true;
			break;
		case O_POLICY:
			c.policy = optarg;
			break;
		case O_BASE:
			c.base = optarg;
			break;
		case O_OFFLINE:
			c.offline = true;
			break;
		case O_BASELINE:
			c.baseline = optarg;
			break;
		case O_INSECURE:
			c.insecure = true;
			break;
		case O_AUTHFILE:
			c.authfile = optarg;
			break;
		case O_CREDS_FOR:
			rc = add_creds_for(&c, optarg);
			cp->creds_for = c.creds_for; /* the caller frees it */
			if (rc < 0) {
				return EXIT_ERROR;
			}
			break;
		case 'h':
			usage(stdout);
			return EXIT_PASS;
		default:
			usage(stderr);
			return EXIT_ERROR;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "layerscan: error: scan takes exactly one TARGET\n");
		usage(stderr);
		return EXIT_ERROR;
	}
	progress = !c.quiet && isatty(STDERR_FILENO);
	so.target = argv[optind];
	so.platform = c.platform;
	so.jobs = c.jobs;
	so.authfile = c.authfile;
	so.creds_for = c.creds_for;
	so.insecure = c.insecure;
	so.base = c.base;
	so.offline = c.offline;
	so.baseline = c.baseline;
	if (!c.policy && access(".layerscan.yaml", F_OK) == 0) {
		c.policy = ".layerscan.yaml";
	}
	so.policy = c.policy;
	so.log = on_log;
	so.progress = progress ? on_progress : NULL;
	so.payload = &c;
	rc = lsc_scan_new(&scan, &so);
	if (rc == 0) {
		rc = lsc_scan_run(scan);
	}
	if (c.progress_shown) {
		fputs("\r\033[K", stderr);
	}
	if (rc < 0) {
		/* the message may quote a name from the image: secrets redacted, controls escaped
		 */
		char *safe = lsc_redactor_message(
		    scan && lsc_scan_errmsg(scan)[0] ? lsc_scan_errmsg(scan) : lsc_strerror(rc),
		    c.show_secrets ? LSC_REPORT_SHOW_SECRETS : 0);

		fprintf(stderr, "layerscan: error: %s\n", safe ? safe : lsc_strerror(rc));
		free(safe);
		lsc_scan_free(scan);
		return EXIT_ERROR;
	}
	r = lsc_scan_report(scan);
	if (!c.fail_on_given) {
		lsc_scan_policy_fail_on(scan, &c.fail_on);
	}
	if (write_report(&c, r) < 0) {
		lsc_scan_free(scan);
		return EXIT_ERROR;
	}
	rc = lsc_report_fails(r, c.fail_on) ? EXIT_FINDINGS : EXIT_PASS;
	if (!c.quiet) {
		summary_line(r, rc, c.fail_on);
	}
	lsc_scan_free(scan);
	return rc;
}

static int cmd_scan(int argc, char **argv)
{
	struct cli c = {.format = FMT_TABLE, .fail_on = LSC_SEV_HIGH};
	int rc = scan_parsed(&c, argc, argv);

	free(c.creds_for);
	return rc;
}

static int cmd_rules(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {NULL, 0, NULL, 0},
	};
	bool json = false;
	int opt;

	optind = 1;
	for (;;) {
		opt = getopt_long(argc, argv, "f:", longopts, NULL);
		if (opt == -1) {
			break;
		}
		if (opt == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0)) {
			json = strcmp(optarg, "json") == 0;
		} else {
			fprintf(stderr, "layerscan: error: usage: layerscan rules [--format "
					"table|json]\n");
			return EXIT_ERROR;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "layerscan: error: rules takes no argument\n");
		return EXIT_ERROR;
	}
	if (json) {
		char *s;

		if (lsc_rules_json(&s) < 0) {
			return EXIT_ERROR;
		}
		puts(s);
		free(s);
	} else {
		render_rules_table(stdout);
	}
	return fflush(stdout) == 0 ? EXIT_PASS : EXIT_ERROR;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_ERROR;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("layerscan %s\n", LSC_VERSION);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "scan") == 0) {
		return cmd_scan(argc - 1, argv + 1);
	}
	if (strcmp(argv[1], "rules") == 0) {
		return cmd_rules(argc - 1, argv + 1);
	}
	fprintf(stderr, "layerscan: error: unknown command %s\n", argv[1]);
	usage(stderr);
	return EXIT_ERROR;
}
