/* lib/typosquat: near misses of popular official image names, and what must never be flagged. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "lib/detectors/typosquat.h"

static void flagged(const char *repository, const char *want)
{
	const char *near = NULL;

	cr_assert(lsc_typosquat_check(repository, &near), "\"%s\" not flagged", repository);
	cr_assert_not_null(near, "\"%s\"", repository);
	cr_assert_str_eq(near, want, "\"%s\": near \"%s\", want \"%s\"", repository, near, want);
}

static void clean(const char *repository)
{
	const char *near = "unset";

	cr_assert_not(lsc_typosquat_check(repository, &near), "\"%s\" flagged as near \"%s\"",
		      repository, near);
	cr_assert_null(near, "\"%s\"", repository);
}

Test(typosquat, the_classic_slips)
{
	flagged("pyhton", "python");	  /* transposition */
	flagged("ubunut", "ubuntu");	  /* transposition */
	flagged("alpnie", "alpine");	  /* transposition */
	flagged("debain", "debian");	  /* transposition */
	flagged("nginxx", "nginx");	  /* doubled letter */
	flagged("postgress", "postgres"); /* doubled letter */
	flagged("rediss", "redis");	  /* doubled letter */
	flagged("pyton", "python");	  /* dropped letter */
	flagged("ngnix", "nginx");
	flagged("pyth0n", "python"); /* substitution */
	flagged("mysqll", "mysql");
	flagged("wordpres", "wordpress");
	flagged("elasticserach", "elasticsearch");
	flagged("elastcsearh", "elasticsearch"); /* two slips in a long name */
	flagged("postrges", "postgres");
	flagged("golnag", "golang");
	flagged("bussybox", "busybox");
	flagged("memcache", "memcached");
	flagged("mariabd", "mariadb");
	flagged("rabitmq", "rabbitmq");
	flagged("traefic", "traefik");
}

Test(typosquat, only_the_last_component_counts)
{
	flagged("library/pyhton", "python");
	flagged("someone/ubunut", "ubuntu");
	flagged("docker.io/library/alpnie", "alpine");
	flagged("ghcr.io/evil/org/nginxx", "nginx");
	/* a tag or digest that slipped into the repository is dropped */
	flagged("pyhton:3.12", "python");
	flagged("pyhton@sha256:0000", "python");
	/* case is folded (docker refuses uppercase, but a caller may pass what it read) */
	flagged("PyHton", "python");
	clean("library/PYTHON");
}

Test(typosquat, three_letter_names_only_swap_or_double)
{
	flagged("hpp", "php");
	flagged("pph", "php");
	flagged("phpp", "php");
	flagged("pphp", "php");
	flagged("gccc", "gcc");
	flagged("cgc", "gcc");
	/* a dropped letter or a substitution would leave names that mean anything */
	clean("ph");
	clean("hp");
	clean("pjp");
	clean("gc");
	clean("gcd");
}

Test(typosquat, every_listed_name_is_clean)
{
	size_t n;
	const char *const *names = lsc_typosquat_names(&n);

	cr_assert_geq(n, 95);
	for (size_t i = 0; i < n; i++) {
		char path[128];

		clean(names[i]);
		snprintf(path, sizeof(path), "library/%s", names[i]);
		clean(path);
		snprintf(path, sizeof(path), "docker.io/library/%s", names[i]);
		clean(path);
		snprintf(path, sizeof(path), "bitnami/%s", names[i]);
		clean(path);
		/* no duplicates in the list */
		for (size_t j = 0; j < i; j++) {
			cr_assert_str_neq(names[i], names[j]);
		}
	}
}

Test(typosquat, real_names_near_each_other_are_not_typos_of_each_other)
{
	const char *near = NULL;

	/* "ruby" and "jruby" are both official images, one edit apart */
	clean("ruby");
	clean("jruby");
	clean("library/jruby");
	/* a name one slip from both: the closest, the first listed of equals */
	cr_assert(lsc_typosquat_check("xruby", &near));
	cr_assert_str_eq(near, "ruby");
	flagged("jrubby", "jruby");
	flagged("rubby", "ruby");
}

Test(typosquat, the_brief_famous_images_are_clean)
{
	clean("bitnami/redis");
	clean("bitnami/postgresql");
	clean("bitnami/mongodb");
	clean("bitnami/kafka");
	clean("library/python");
	clean("python");
	clean("ghcr.io/someone/app");
	clean("app");
	clean("docker/compose");
	clean("postgis/postgis");
	clean("mcr.microsoft.com/mssql/server");
	clean("mssql");
	clean("mcr.microsoft.com/dotnet/aspnet");
	clean("mcr.microsoft.com/dotnet/sdk");
	clean("grafana/grafana");
	clean("prom/prometheus");
	clean("jenkins/jenkins");
	clean("mysql/mysql-server");
	clean("nodered/node-red");
	clean("someone/alpine-base");
	clean("jwilder/nginx-proxy");
	clean("quay.io/keycloak/keycloak");
	clean("registry.k8s.io/pause");
	clean("gcr.io/distroless/static");
	clean("nodejs");
	clean("kubuntu");
	clean("ipython");
	clean("influxdata/influx");
}

Test(typosquat, a_version_in_the_name_is_not_a_slip)
{
	clean("python3");
	clean("someone/python2");
	clean("node18");
	clean("node-18");
	clean("postgres16.2");
	clean("ubuntu-22.04");
	clean("alpine_3");
	clean("amazonlinux2");
	clean("mysql8");
	/* but a slip with a version still is one */
	flagged("pyhton3", "python");
	flagged("ubunut-22.04", "ubuntu");
}

Test(typosquat, far_and_odd_inputs)
{
	char big[300];

	clean("");
	clean("/");
	clean("library/");
	clean("x");
	clean("2048");
	clean("kubernetes");
	clean("pythonista");
	clean("alpine-linux-base");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	clean(big);
	/* near may be NULL */
	cr_assert(lsc_typosquat_check("pyhton", NULL));
	cr_assert_not(lsc_typosquat_check("python", NULL));
}
