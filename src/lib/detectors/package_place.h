/*
 * Where a file sits with respect to third-party packages (node_modules, site-packages, vendor,
 * ...): one classification shared by the secret detector and the sensitive-file detector, so a
 * package's test fixture is the same place for both (issue 14). Pure functions over a path.
 */
#ifndef LSC_LIB_PACKAGE_PLACE_H
#define LSC_LIB_PACKAGE_PLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The note on a finding lowered because it sits in a package's tests. */
#define LSC_NOTE_PACKAGE_FIXTURE "a test fixture of a third-party package"
/* The note on a finding lowered because the file is one a third-party package ships. */
#define LSC_NOTE_PACKAGE_FILE "a file of a third-party package"

/* The note on a key lowered because it is an example in a package's documents or doc strings. */
#define LSC_NOTE_PACKAGE_DOC "an example in a third-party package's documentation"

/* A third-party package's files: what its maintainers wrote, not what the image's owner set. */
bool lsc_place_in_package(const char *path);

/*
 * The tests of a package and their fixtures (test/, tests/, fixtures/, testdata/, spec/, an
 * ansible collection's molecule/ scenarios, ...).
 */
bool lsc_place_package_tests(const char *path);

/* The examples and documents of a package (example/, examples/, doc/, docs/, playbooks/). */
bool lsc_place_package_samples(const char *path);

/* A package's documents: its samples (above) and its text documents (*.md, *.rst, *.txt, ...). */
bool lsc_place_package_docs(const char *path);

/* A Python file (*.py, *.pyi) of a package. */
bool lsc_place_package_python(const char *path);

/*
 * Whether offset off of Python source p (n bytes) is inside a triple-quoted string (a doc
 * string): an odd count of triple quotes before it. Linear in off, bounded by n.
 */
bool lsc_place_in_triple_quotes(const uint8_t *p, size_t n, size_t off);

#endif
