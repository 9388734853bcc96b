/* lib/package_place: the places of third-party packages, shared by two detectors. */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/detectors/package_place.h"

Test(package_place, package_roots)
{
	cr_assert(lsc_place_in_package("/app/node_modules/ssh2/lib/index.js"));
	cr_assert(lsc_place_in_package("/usr/lib/python3/dist-packages/botocore/x.py"));
	cr_assert(lsc_place_in_package("/usr/local/lib/python3.12/site-packages/a/b.py"));
	cr_assert(lsc_place_in_package("/src/vendor/github.com/x/y/z.go"));
	cr_assert(!lsc_place_in_package("/app/deploy/id_rsa"));
	cr_assert(!lsc_place_in_package("/app/node_modules_backup/id_rsa"));
}

Test(package_place, tests_of_packages)
{
	cr_assert(lsc_place_package_tests("/app/node_modules/ssh2/test/fixtures/id_rsa"));
	cr_assert(lsc_place_package_tests("/x/site-packages/pkg/tests/data/key.pem"));
	cr_assert(lsc_place_package_tests("/src/vendor/a/testdata/k.pem"));
	cr_assert(lsc_place_package_tests("/app/node_modules/a/__tests__/k.pem"));
	/* a test directory of the image's own code is not a package's */
	cr_assert(!lsc_place_package_tests("/app/test/fixtures/id_rsa"));
	cr_assert(!lsc_place_package_tests("/app/node_modules/a/lib/key.pem"));
	/* an ansible collection's molecule scenarios are its tests; the image's own are not */
	cr_assert(
	    lsc_place_package_tests("/x/dist-packages/ansible_collections/a/b/molecule/d/m.yml"));
	cr_assert(!lsc_place_package_tests("/app/molecule/default/molecule.yml"));
}

Test(package_place, samples_of_packages)
{
	cr_assert(lsc_place_package_samples("/app/node_modules/a/examples/key.pem"));
	cr_assert(lsc_place_package_samples("/x/dist-packages/a/docs/x.md"));
	cr_assert(!lsc_place_package_samples("/app/docs/x.md"));
	/* an ansible collection's playbooks are its samples; the image's own are not */
	cr_assert(
	    lsc_place_package_samples("/x/dist-packages/ansible_collections/a/b/playbooks/c.yml"));
	cr_assert(!lsc_place_package_samples("/app/playbooks/deploy.yml"));
	cr_assert(!lsc_place_package_samples("/app/node_modules/a/test/x.md"));
}

Test(package_place, documents_of_packages)
{
	cr_assert(lsc_place_package_docs("/app/node_modules/a/http_signing.md"));
	cr_assert(lsc_place_package_docs("/x/dist-packages/a/README.rst"));
	cr_assert(lsc_place_package_docs("/app/node_modules/a/examples/key.pem"));
	/* the image's own documents, and a package's code, are not a package's documents */
	cr_assert(!lsc_place_package_docs("/app/README.md"));
	cr_assert(!lsc_place_package_docs("/app/node_modules/a/index.js"));
	cr_assert(!lsc_place_package_docs("/app/node_modules/a/md"));
}

Test(package_place, python_of_packages)
{
	cr_assert(lsc_place_package_python("/x/dist-packages/a/plugins/modules/gcp_x.py"));
	cr_assert(lsc_place_package_python("/x/site-packages/a/b.pyi"));
	cr_assert(!lsc_place_package_python("/app/tools/make_key.py"));
	cr_assert(!lsc_place_package_python("/x/site-packages/a/b.pyc"));
}

Test(package_place, triple_quotes)
{
	static const char src[] =
	    "x = 1\nD = \"\"\"doc\nKEY\n\"\"\"\nY = '''a''' + \"\"\"b '''\nZ\n";
	const uint8_t *p = (const uint8_t *)src;
	size_t n = sizeof(src) - 1;

	cr_assert(!lsc_place_in_triple_quotes(p, n, 2));
	cr_assert(lsc_place_in_triple_quotes(p, n, (size_t)(strstr(src, "KEY") - src)));
	cr_assert(!lsc_place_in_triple_quotes(p, n, (size_t)(strstr(src, "Y =") - src)));
	/* a ''' inside a """ string does not close it */
	cr_assert(lsc_place_in_triple_quotes(p, n, (size_t)(strstr(src, "\nZ") - src)));
	/* an offset past the end is bounded */
	cr_assert(lsc_place_in_triple_quotes(p, n, n + 100));
}
