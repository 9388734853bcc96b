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
	    "/test/",	  "/tests/",	    "/__tests__/", "/testdata/", "/fixture/",
	    "/fixtures/", "/__fixtures__/", "/spec/",	   "/testing/",	 NULL};

	return lsc_place_in_package(path) && has_dir(path, dirs);
}

bool lsc_place_package_samples(const char *path)
{
	static const char *const dirs[] = {"/example/", "/examples/", "/doc/", "/docs/", NULL};

	return lsc_place_in_package(path) && has_dir(path, dirs);
}
