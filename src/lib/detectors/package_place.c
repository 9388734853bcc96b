/* The places of third-party packages in a path (package_place.h). */
#include "package_place.h"

#include <stddef.h>
#include <string.h>

static bool has_dir(const char *path, const char *const *dirs)
{
	for (size_t i = 0; dirs[i]; i++) {
		if (strstr(path, dirs[i])) {
			return true;
		}
	}
	return false;
}

bool lsc_place_in_package(const char *path)
{
	static const char *const roots[] = {"/node_modules/",
					    "/site-packages/",
					    "/dist-packages/",
					    "/vendor/",
					    "/bower_components/",
					    "/gems/",
					    NULL};

	return has_dir(path, roots);
}

bool lsc_place_package_tests(const char *path)
{
	static const char *const dirs[] = {
	    "/test/",	      "/tests/", "/__tests__/", "/testdata/", "/fixture/", "/fixtures/",
	    "/__fixtures__/", "/spec/",	 "/testing/",	"/molecule/", NULL};

	return lsc_place_in_package(path) && has_dir(path, dirs);
}

bool lsc_place_package_samples(const char *path)
{
	static const char *const dirs[] = {"/example/", "/examples/",  "/doc/",
					   "/docs/",	"/playbooks/", NULL};

	return lsc_place_in_package(path) && has_dir(path, dirs);
}

/* The extension of path's base name ("md" of "a/b.md"), "" when none. */
static const char *extension_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');

	return dot && dot != base ? dot + 1 : "";
}

static bool ext_any(const char *path, const char *const *exts)
{
	const char *ext = extension_of(path);

	for (size_t i = 0; exts[i]; i++) {
		if (strcmp(ext, exts[i]) == 0) {
			return true;
		}
	}
	return false;
}

bool lsc_place_package_docs(const char *path)
{
	static const char *const docs[] = {"md", "markdown", "mdx", "rst", "adoc", "txt", NULL};

	return lsc_place_package_samples(path) ||
	       (lsc_place_in_package(path) && ext_any(path, docs));
}

bool lsc_place_package_python(const char *path)
{
	static const char *const py[] = {"py", "pyi", NULL};

	return lsc_place_in_package(path) && ext_any(path, py);
}

bool lsc_place_in_triple_quotes(const uint8_t *p, size_t n, size_t off)
{
	char quote = 0;

	if (off > n) {
		off = n;
	}
	for (size_t i = 0; i + 3 <= off;) {
		if ((p[i] == '"' || p[i] == '\'') && p[i + 1] == p[i] && p[i + 2] == p[i] &&
		    (quote == 0 || quote == (char)p[i])) {
			quote = quote ? 0 : (char)p[i];
			i += 3;
			continue;
		}
		i++;
	}
	return quote != 0;
}
