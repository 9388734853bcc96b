/*
 * The secret engine alone: MB/s over the files given (read into memory first, so no I/O is
 * measured), as text, chunked as the layer walker chunks.
 *
 *   bench-engine FILE...        the files named
 *   bench-engine -              the files named one per line on standard input
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/error.h"
#include "lib/secrets/secrets.h"

static int count_hit(const struct lsc_secret_hit *h, void *payload)
{
	(void)h;
	(*(size_t *)payload)++;
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const struct lsc_secrets *e;
	struct lsc_secrets_scanner *sc;
	size_t total = 0, hits = 0, cap = 0, nfiles = 0;
	struct file {
		unsigned char *p;
		size_t n;
	} *files = NULL;
	double t0, t1, best;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-engine FILE... | -\n");
		return 2;
	}
	char line[4096];
	bool from_stdin = argc == 2 && strcmp(argv[1], "-") == 0;

	for (int i = 1; from_stdin || i < argc; i++) {
		const char *name = line;
		FILE *f;
		long n;

		if (from_stdin) {
			if (!fgets(line, sizeof(line), stdin)) {
				break;
			}
			line[strcspn(line, "\n")] = '\0';
		} else {
			name = argv[i];
		}
		f = fopen(name, "rb");

		if (!f) {
			continue;
		}
		fseek(f, 0, SEEK_END);
		n = ftell(f);
		fseek(f, 0, SEEK_SET);
		if (n > 0) {
			if (nfiles == cap) {
				cap = cap ? cap * 2 : 1024;
				files = realloc(files, cap * sizeof(*files));
			}
			files[nfiles].p = malloc((size_t)n);
			files[nfiles].n = fread(files[nfiles].p, 1, (size_t)n, f);
			total += files[nfiles].n;
			nfiles++;
		}
		fclose(f);
	}
	if (lsc_secrets_builtin(&e) < 0 || lsc_secrets_scanner_new(&sc, e) < 0) {
		fprintf(stderr, "engine: %s\n", lsc_error_last());
		return 2;
	}
	/* the best of three passes: the first one also pays for first touches of memory */
	best = 1e9;
	for (int pass = 0; pass < 3; pass++) {
		hits = 0;
		t0 = now();
		for (size_t i = 0; i < nfiles; i++) {
			lsc_secrets_begin(sc, false);
			for (size_t off = 0; off < files[i].n; off += 65536) {
				size_t k = files[i].n - off < 65536 ? files[i].n - off : 65536;

				lsc_secrets_feed(sc, files[i].p + off, k, count_hit, &hits);
			}
			lsc_secrets_end(sc, count_hit, &hits);
		}
		t1 = now();
		if (t1 - t0 < best) {
			best = t1 - t0;
		}
	}
	printf("engine: %zu files, %.1f MB of text, %zu hits, %.0f MB/s\n", nfiles, total / 1e6,
	       hits, total / 1e6 / best);
	lsc_secrets_scanner_free(sc);
	for (size_t i = 0; i < nfiles; i++) {
		free(files[i].p);
	}
	free(files);
	return 0;
}
