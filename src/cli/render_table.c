#include "render_table.h"

#include <stdlib.h>
#include <string.h>

static const char *const sev_color[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m",
					"\033[1;31m"};
#define RESET "\033[0m"
#define BOLD "\033[1m"

static const char *upper(enum lsc_severity s)
{
	static const char *const names[] = {"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"};

	return (unsigned)s <= LSC_SEV_CRITICAL ? names[s] : "?";
}

static void human_bytes(char *out, size_t n, unsigned long long b)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)b;
	int u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(out, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}

/*
 * Text from the image: every secret the report found redacted wherever it appears (unless
 * --show-secrets), control characters, bidi overrides and invalid UTF-8 escaped, so image
 * content can neither leak a secret nor drive the terminal. x may be NULL: sanitised only.
 */
static void put_text(FILE *out, const struct lsc_redactor *x, const char *s,
		     const struct render_opts *o)
{
	char *safe;

	if (!s) {
		return;
	}
	safe = lsc_redactor_text(x, s, o->show_secrets ? LSC_REPORT_SHOW_SECRETS : 0);
	fputs(safe ? safe : "?", out);
	free(safe);
}

/* Text already redacted (or to be shown): sanitised only. */
static void put_safe(FILE *out, const char *s)
{
	char *safe = s ? lsc_redactor_text(NULL, s, LSC_REPORT_SHOW_SECRETS) : NULL;

	fputs(safe ? safe : "?", out);
	free(safe);
}

static void finding_line(FILE *out, const struct lsc_finding *f, const struct lsc_redactor *x,
			 const struct render_opts *o)
{
	fprintf(out, "  %-30s ", f->rule->id);
	if (f->layer_index >= 0) {
		fprintf(out, "layer %-3d ", f->layer_index);
	} else {
		fprintf(out, "%-9s ", "image");
	}
	if (f->path) {
		if (f->source != LSC_LOC_FILE) { /* a path the config names: VOLUME /etc */
			fprintf(out, "%s ", lsc_location_name(f->source));
		}
		put_text(out, x, f->path, o);
		if (f->line > 0) {
			fprintf(out, ":%ld", f->line);
		}
	} else if (f->source != LSC_LOC_IMAGE) {
		fputs(lsc_location_name(f->source), out);
	} else {
		fputs(f->rule->title, out);
	}
	if (!f->in_final_image && f->rule->category == LSC_CAT_PERMISSIONS) {
		/* metadata: a later layer may have changed the mode, not removed the file */
		fputs(o->color ? " \033[2m(changed or removed in a later layer)" RESET
			       : " (changed or removed in a later layer)",
		      out);
	} else if (!f->in_final_image) {
		fputs(o->color ? " \033[2m(removed in a later layer, still shipped)" RESET
			       : " (removed in a later layer, still shipped)",
		      out);
	}
	if (f->known) {
		fputs(o->color ? " \033[2m(known: in the baseline)" RESET
			       : " (known: in the baseline)",
		      out);
	}
	if (f->repeats > 0) {
		fprintf(out,
			o->color ? " \033[2m(%llu times in the file)" RESET
				 : " (%llu times in the file)",
			(unsigned long long)f->repeats + 1);
	}
	if (f->note) {
		fprintf(out, o->color ? " \033[2m(%s)" RESET : " (%s)", f->note);
	}
	fputc('\n', out);
	fprintf(out, "  %-30s ", "");
	put_text(out, x, f->detail ? f->detail : f->rule->title, o);
	if (f->match) {
		char *red = malloc(strlen(f->match) + 1);

		if (red) {
			if (o->show_secrets) {
				strcpy(red, f->match);
			} else {
				lsc_redact(red, f->match);
			}
			fputs(": ", out);
			if (!o->show_secrets && strlen(red) > 48) {
				/* a long redacted value is a line of stars: say how long instead */
				size_t n = strlen(red);
				char head[5];

				memcpy(head, red, 4);
				head[4] = 0;
				put_safe(out, head);
				fprintf(out, "...(%zu characters)...", n);
				put_safe(out, red + n - 4);
			} else {
				put_safe(out, red);
			}
			free(red);
		}
	}
	fputc('\n', out);
}

void render_table(FILE *out, const struct lsc_report *r, const struct render_opts *o)
{
	char size[32];
	unsigned total = 0;
	bool fails = lsc_report_fails(r, o->fail_on);
	struct lsc_redactor *x = NULL;

	if (lsc_redactor_new(&x, r) < 0) {
		/* no memory to know the secrets: print no text from the image at all */
		fputs("layerscan: out of memory\n", out);
		return;
	}
	human_bytes(size, sizeof(size), (unsigned long long)r->bytes_uncompressed);
	fprintf(out, "%slayerscan %s%s  ", o->color ? BOLD : "", LSC_VERSION,
		o->color ? RESET : "");
	put_text(out, x, r->input, o);
	if (r->reference && (!r->input || strcmp(r->reference, r->input) != 0)) {
		fputs(" (", out);
		put_text(out, x, r->reference, o);
		fputc(')', out);
	}
	fputc('\n', out);
	fputs("image: ", out);
	put_text(out, x, r->platform ? r->platform : "?", o);
	fputs(", user \"", out);
	put_text(out, x, r->user, o);
	fprintf(out, "\", %zu layers, %llu files, %s", r->nlayers, (unsigned long long)r->files,
		size);
	if (r->os.pretty_name) {
		fputs(", ", out);
		put_text(out, x, r->os.pretty_name, o);
	}
	fputc('\n', out);
	for (int s = LSC_SEV_CRITICAL; s >= LSC_SEV_INFO; s--) {
		if (!r->summary[s]) {
			continue;
		}
		total += r->summary[s];
		fprintf(out, "\n%s%s (%u)%s\n", o->color ? sev_color[s] : "",
			upper((enum lsc_severity)s), r->summary[s], o->color ? RESET : "");
		for (size_t i = 0; i < r->nfindings; i++) {
			if ((int)r->findings[i].severity == s) {
				finding_line(out, &r->findings[i], x, o);
			}
		}
	}
	if (total == 0) {
		fputs("\nNo findings.\n", out);
	}
	fprintf(out, "\nSummary: %u critical, %u high, %u medium, %u low, %u info",
		r->summary[LSC_SEV_CRITICAL], r->summary[LSC_SEV_HIGH], r->summary[LSC_SEV_MEDIUM],
		r->summary[LSC_SEV_LOW], r->summary[LSC_SEV_INFO]);
	if (r->nignored) {
		fprintf(out, ", %zu ignored by the policy", r->nignored);
	}
	if (r->have_baseline) {
		fprintf(out, ", %u known from the baseline", r->known);
	}
	fprintf(out, ". Result: %s%s%s",
		o->color ? (fails ? sev_color[LSC_SEV_HIGH] : "\033[32m") : "",
		fails ? "FAIL" : "PASS", o->color ? RESET : "");
	if (o->fail_on == LSC_SEV_NEVER) {
		fputs(" (--fail-on never)\n", out);
	} else {
		fprintf(out, " (fails on %s and above)\n", lsc_severity_name(o->fail_on));
	}
	lsc_redactor_free(x);
}

static int family_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * The rules per family (lsc_rule_family), by name, after the rule list and a blank line, so the
 * list above reads as it always did. Rules are static and few: a sorted copy of the names.
 */
static void families_table(FILE *out)
{
	size_t n = lsc_rules_count(), run;
	const char **names = malloc((n ? n : 1) * sizeof(*names));

	if (!names) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		names[i] = lsc_rule_family(lsc_rules_get(i));
	}
	qsort(names, n, sizeof(*names), family_cmp);
	fprintf(out, "\n%-32s %s\n", "FAMILY", "RULES");
	for (size_t i = 0; i < n; i += run) {
		for (run = 1; i + run < n && strcmp(names[i + run], names[i]) == 0; run++) {
		}
		fprintf(out, "%-32s %zu\n", names[i], run);
	}
	free(names);
}

void render_rules_table(FILE *out)
{
	fprintf(out, "%-32s %-15s %-9s %s\n", "RULE", "CATEGORY", "SEVERITY", "TITLE");
	for (size_t i = 0; i < lsc_rules_count(); i++) {
		const struct lsc_rule *r = lsc_rules_get(i);

		fprintf(out, "%-32s %-15s %-9s %s\n", r->id, lsc_category_name(r->category),
			lsc_severity_name(r->severity), r->title);
	}
	families_table(out);
}
