#include "typosquat.h"

#include <stdint.h>
#include <string.h>

/*
 * 100 popular Docker official images (docker.io/library/NAME). Short generic names that are
 * less popular (nats, kong, solr, mono, bash, storm, plone, flink, xwiki, ros, ...) are left out on
 * purpose: one edit away from them lies half the dictionary ("nats": "cats", "bats", "ants"...),
 * so they would flag more honest names than typosquats. Where two names here are within each
 * other's distance ("ruby" and "jruby"), the exact match wins and neither is flagged.
 */
/* clang-format off */
static const char *const names[] = {
	/* distributions */
	"alpine", "ubuntu", "debian", "busybox", "centos", "fedora", "rockylinux", "almalinux",
	"amazonlinux", "oraclelinux", "archlinux", "photon", "clearlinux",
	/* languages and build tools */
	"python", "node", "golang", "openjdk", "eclipse-temurin", "amazoncorretto", "ibmjava",
	"ibm-semeru-runtimes", "sapmachine", "php", "ruby", "jruby", "rust", "perl", "erlang",
	"elixir", "haskell", "julia", "swift", "clojure", "groovy", "gradle", "maven", "composer",
	"pypy", "dotnet", "aspnet", "gcc", "buildpack-deps", "r-base",
	/* web servers and proxies */
	"nginx", "httpd", "tomcat", "tomee", "jetty", "caddy", "traefik", "haproxy", "varnish",
	/* databases, queues, search, metrics */
	"redis", "postgres", "mysql", "mariadb", "mongo", "memcached", "cassandra", "couchdb",
	"couchbase", "neo4j", "influxdb", "elasticsearch", "kibana", "logstash", "zookeeper",
	"rabbitmq", "eclipse-mosquitto", "percona", "arangodb", "rethinkdb", "aerospike", "telegraf",
	"chronograf", "kapacitor", "mongo-express", "adminer", "phpmyadmin", "liquibase", "emqx",
	/* applications and infrastructure */
	"wordpress", "drupal", "joomla", "ghost", "nextcloud", "mediawiki", "matomo", "redmine",
	"odoo", "sonarqube", "jenkins", "consul", "vault", "registry", "docker", "hello-world",
	"spark", "friendica", "postfixadmin",
};
/* clang-format on */

/*
 * Real, unrelated names that sit within the distance of a name above: another project's image
 * (docker/compose, postgis/postgis, bitnami/postgresql, mcr.microsoft.com/mssql), a Python
 * implementation or shell, an Ubuntu flavour, a word of its own.
 */
static const char *const not_typos[] = {
    "compose", "postgis", "postgresql", "mssql",   "jython", "cpython",	 "ipython",
    "bpython", "kubuntu", "xubuntu",	"lubuntu", "proton", "telegram", "influx",
};

#define NNAMES (sizeof(names) / sizeof(names[0]))

const char *const *lsc_typosquat_names(size_t *n)
{
	*n = NNAMES;
	return names;
}

static bool listed(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s, list[i]) == 0) {
			return true;
		}
	}
	return false;
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Optimal-string-alignment distance between a and b (each at most LSC_TYPOSQUAT_NAME_MAX
 * bytes), or limit + 1 as soon as it is known to be over limit.
 */
static size_t osa(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
	size_t rows[3][LSC_TYPOSQUAT_NAME_MAX + 1];
	size_t *pp = rows[0], *p = rows[1], *c = rows[2];

	if ((la > lb ? la - lb : lb - la) > limit) {
		return limit + 1;
	}
	for (size_t j = 0; j <= lb; j++) {
		p[j] = j;
	}
	for (size_t i = 1; i <= la; i++) {
		size_t row_min;
		size_t *t;

		c[0] = i;
		row_min = c[0];
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;

			c[j] = min3(p[j] + 1, c[j - 1] + 1, p[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    pp[j - 2] + 1 < c[j]) {
				c[j] = pp[j - 2] + 1;
			}
			if (c[j] < row_min) {
				row_min = c[j];
			}
		}
		if (row_min > limit) {
			return limit + 1;
		}
		t = pp;
		pp = p;
		p = c;
		c = t;
	}
	return p[lb] <= limit ? p[lb] : limit + 1;
}

/* For a three-letter real name: s is it with two neighbours swapped, or one letter doubled. */
static bool short_slip(const char *s, size_t ls, const char *r)
{
	if (ls == 3) {
		return (s[0] == r[1] && s[1] == r[0] && s[2] == r[2] && s[0] != s[1]) ||
		       (s[1] == r[2] && s[2] == r[1] && s[0] == r[0] && s[1] != s[2]);
	}
	if (ls == 4) {
		/* dropping the doubled letter s[i] == s[i + 1] gives r */
		for (size_t i = 0; i + 1 < 4; i++) {
			if (s[i] == s[i + 1] && memcmp(s, r, i + 1) == 0 &&
			    memcmp(s + i + 2, r + i + 1, 2 - i) == 0) {
				return true;
			}
		}
	}
	return false;
}

/* How far s is from the real name r, when it is a near miss of it; SIZE_MAX otherwise. */
static size_t near_miss(const char *s, size_t ls, const char *r)
{
	size_t lr = strlen(r), limit, d;

	if (lr == 3) {
		return short_slip(s, ls, r) ? 1 : SIZE_MAX;
	}
	if (lr < 3) {
		return SIZE_MAX;
	}
	limit = lr >= 8 ? 2 : 1;
	d = osa(s, ls, r, lr, limit);
	return d >= 1 && d <= limit ? d : SIZE_MAX;
}

/* s without a version at its end ("python3" -> "python", "node-18" -> "node"), in place. */
static size_t strip_version(char *s, size_t n)
{
	size_t k = n;

	while (k > 0 && ((s[k - 1] >= '0' && s[k - 1] <= '9') || s[k - 1] == '.')) {
		k--;
	}
	if (k == n || k == 0) {
		return n;
	}
	if (k > 1 && (s[k - 1] == '-' || s[k - 1] == '_' || s[k - 1] == '.')) {
		k--;
	}
	s[k] = 0;
	return k;
}

bool lsc_typosquat_check(const char *repository, const char **near)
{
	char name[LSC_TYPOSQUAT_NAME_MAX + 1];
	const char *last = strrchr(repository, '/'), *best = NULL;
	size_t n = 0, best_d = SIZE_MAX;

	if (near) {
		*near = NULL;
	}
	last = last ? last + 1 : repository;
	while (last[n] && last[n] != ':' && last[n] != '@') {
		if (n == LSC_TYPOSQUAT_NAME_MAX) {
			return false;
		}
		name[n] = last[n] >= 'A' && last[n] <= 'Z' ? (char)(last[n] - 'A' + 'a') : last[n];
		n++;
	}
	name[n] = 0;
	if (n == 0 || listed(name, names, NNAMES) ||
	    listed(name, not_typos, sizeof(not_typos) / sizeof(not_typos[0]))) {
		return false;
	}
	n = strip_version(name, n);
	if (listed(name, names, NNAMES) ||
	    listed(name, not_typos, sizeof(not_typos) / sizeof(not_typos[0]))) {
		return false;
	}
	for (size_t i = 0; i < NNAMES; i++) {
		size_t d = near_miss(name, n, names[i]);

		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	if (!best) {
		return false;
	}
	if (near) {
		*near = best;
	}
	return true;
}
