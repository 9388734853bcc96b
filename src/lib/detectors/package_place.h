/*
 * Where a file sits with respect to third-party packages (node_modules, site-packages, vendor,
 * ...): one classification shared by the secret detector and the sensitive-file detector, so a
 * package's test fixture is the same place for both (issue 14). Pure functions over a path.
 */
#ifndef LSC_LIB_PACKAGE_PLACE_H
#define LSC_LIB_PACKAGE_PLACE_H

#include <stdbool.h>

/* The note on a finding lowered because it sits in a package's tests. */
#define LSC_NOTE_PACKAGE_FIXTURE "a test fixture of a third-party package"
/* The note on a finding lowered because the file is one a third-party package ships. */
#define LSC_NOTE_PACKAGE_FILE "a file of a third-party package"

/* A third-party package's files: what its maintainers wrote, not what the image's owner set. */
bool lsc_place_in_package(const char *path);

/* The tests of a package and their fixtures (test/, tests/, fixtures/, testdata/, spec/, ...). */
bool lsc_place_package_tests(const char *path);

/* The examples and documents of a package (example/, examples/, doc/, docs/). */
bool lsc_place_package_samples(const char *path);

#endif
