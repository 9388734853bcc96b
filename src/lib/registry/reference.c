#include "reference.h"
#include "util/error.h"
#include "util/str.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DOCKER_HUB "docker.io"
#define DOCKER_HUB_HOST "registry-1.docker.io"
#define SHA256_HEX 64

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static bool is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

static bool is_word(char c)
{
	return is_alnum(c) || c == '_';
}

static bool is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* domain-component: [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9] */
static bool domain_component_ok(const char *p, size_t n)
{
	if (n == 0 || !is_alnum(p[0]) || !is_alnum(p[n - 1])) {
		return false;
	}
	for (size_t i = 1; i + 1 < n; i++) {
		if (!is_alnum(p[i]) && p[i] != '-') {
			return false;
		}
	}
	return true;
}

/* host [":" port]: host is a dotted domain name (IPv4 included) or "[" IPv6 hex and colons "]". */
static const char *registry_error(const char *p, size_t n)
{
	size_t hostlen = n, i;
	const char *colon;

	if (n && p[0] == '[') {
		const char *close = memchr(p, ']', n);

		if (!close || close == p + 1) {
			return "registry: bad IPv6 address";
		}
		for (const char *c = p + 1; c < close; c++) {
			if (!is_hex(*c) && *c != ':') {
				return "registry: bad IPv6 address";
			}
		}
		hostlen = (size_t)(close - p) + 1;
		if (hostlen < n && p[hostlen] != ':') {
			return "registry: bad IPv6 address";
		}
	} else {
		colon = memchr(p, ':', n);
		if (colon) {
			hostlen = (size_t)(colon - p);
		}
		i = 0;
		while (i <= hostlen) {
			const char *dot = memchr(p + i, '.', hostlen - i);
			size_t end = dot ? (size_t)(dot - p) : hostlen;

			if (!domain_component_ok(p + i, end - i)) {
				return "registry: bad host name";
			}
			i = end + 1;
		}
	}
	if (hostlen < n) {
		/* ":" port-number, digits only as the grammar says */
		if (hostlen + 1 == n) {
			return "registry: empty port";
		}
		for (i = hostlen + 1; i < n; i++) {
			if (p[i] < '0' || p[i] > '9') {
				return "registry: bad port";
			}
		}
	}
	return NULL;
}

/* path-component: [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)* */
static bool path_component_ok(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (!is_lower_alnum(p[i])) {
			return false;
		}
		while (i < n && is_lower_alnum(p[i])) {
			i++;
		}
		if (i == n) {
			return true;
		}
		/* a separator, then alphanumerics again */
		if (p[i] == '.') {
			i++;
		} else if (p[i] == '_') {
			i += i + 1 < n && p[i + 1] == '_' ? 2 : 1;
		} else if (p[i] == '-') {
			while (i < n && p[i] == '-') {
				i++;
			}
		} else {
			return false;
		}
		if (i == n) {
			return false;
		}
	}
	return n > 0;
}

static const char *repository_error(const char *p, size_t n)
{
	size_t i = 0;

	for (size_t k = 0; k < n; k++) {
		if (p[k] >= 'A' && p[k] <= 'Z') {
			return "repository name must be lowercase";
		}
	}
	while (i <= n) {
		const char *slash = memchr(p + i, '/', n - i);
		size_t end = slash ? (size_t)(slash - p) : n;

		if (end == i) {
			return "empty path component in repository name";
		}
		if (!path_component_ok(p + i, end - i)) {
			return "bad path component in repository name (lowercase letters and "
			       "digits joined by '.', '_', '__' or dashes)";
		}
		i = end + 1;
	}
	return NULL;
}

/* tag: [\w][\w.-]{0,127} */
static const char *tag_error(const char *p, size_t n)
{
	if (n == 0) {
		return "empty tag";
	}
	if (n > LSC_REFERENCE_TAG_MAX) {
		return "tag longer than 128 characters";
	}
	if (!is_word(p[0])) {
		return "bad tag (must start with a letter, digit or '_')";
	}
	for (size_t i = 1; i < n; i++) {
		if (!is_word(p[i]) && p[i] != '.' && p[i] != '-') {
			return "bad tag (letters, digits, '_', '.' and '-' only)";
		}
	}
	return NULL;
}

/*
 * digest: algorithm ":" hex, where algorithm is [A-Za-z][A-Za-z0-9]* components joined by one of
 * "-_+." and hex has at least 32 digits. Only sha256 (64 lowercase digits) is supported.
 * *unsupported is set for a well-formed digest of another algorithm.
 */
static const char *digest_error(const char *p, size_t n, bool *unsupported)
{
	const char *colon = memchr(p, ':', n);
	size_t alen, hlen;

	*unsupported = false;
	if (n == 0) {
		return "empty digest";
	}
	if (!colon) {
		return "bad digest (want sha256:<64 hex digits>)";
	}
	alen = (size_t)(colon - p);
	hlen = n - alen - 1;
	for (size_t i = 0; i < alen; i++) {
		bool start = i == 0 || strchr("-_+.", p[i - 1]);

		if (start ? !((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z')
			  : !is_alnum(p[i]) && !strchr("-_+.", p[i])) {
			return "bad digest algorithm";
		}
	}
	if (alen == 0 || strchr("-_+.", p[alen - 1])) {
		return "bad digest algorithm";
	}
	for (size_t i = 0; i < hlen; i++) {
		if (!is_hex(colon[1 + i])) {
			return "bad digest (hex digits only after the algorithm)";
		}
	}
	if (hlen < 32) {
		return "bad digest (too short)";
	}
	if (alen != 6 || memcmp(p, "sha256", 6) != 0) {
		*unsupported = true;
		return "unsupported digest algorithm (only sha256)";
	}
	if (hlen != SHA256_HEX) {
		return "bad sha256 digest (want 64 hex digits)";
	}
	for (size_t i = 0; i < hlen; i++) {
		if (!is_lower_hex(colon[1 + i])) {
			return "bad sha256 digest (hex digits must be lowercase)";
		}
	}
	return NULL;
}

void lsc_reference_dispose(struct lsc_reference *r)
{
	free(r->registry);
	free(r->host);
	free(r->repository);
	free(r->tag);
	free(r->digest);
	r->registry = r->host = r->repository = r->tag = r->digest = NULL;
}

static bool first_is_registry(const char *p, size_t n)
{
	return memchr(p, '.', n) || memchr(p, ':', n) || (n == 9 && memcmp(p, "localhost", 9) == 0);
}

int lsc_reference_parse(struct lsc_reference *out, const char *s)
{
	const char *input = s ? s : "", *at, *slash, *colon, *name_end, *first_slash, *repo;
	const char *why = NULL;
	size_t len, namelen, reglen, repolen;
	bool unsupported = false, hub;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	len = strnlen(input, LSC_REFERENCE_INPUT_MAX + 1);
	if (len > LSC_REFERENCE_INPUT_MAX) {
		return lsc_error(LSC_E_USAGE, "image reference longer than %d characters",
				 LSC_REFERENCE_INPUT_MAX);
	}
	s = input;
	if (lsc_str_starts(s, "docker://")) {
		s += 9;
		len -= 9;
	}
	if (len == 0) {
		return lsc_error(LSC_E_USAGE, "empty image reference");
	}

	/* name [":" tag] ["@" digest]: neither name nor tag holds '@' */
	at = strchr(s, '@');
	name_end = at ? at : s + len;
	slash = memrchr(s, '/', (size_t)(name_end - s));
	colon = slash ? memchr(slash + 1, ':', (size_t)(name_end - slash - 1))
		      : memchr(s, ':', (size_t)(name_end - s));
	namelen = colon ? (size_t)(colon - s) : (size_t)(name_end - s);
	if (namelen == 0) {
		why = "missing repository name";
		goto bad;
	}
	if (colon) {
		why = tag_error(colon + 1, (size_t)(name_end - colon - 1));
		if (why) {
			goto bad;
		}
	}
	if (at) {
		why = digest_error(at + 1, len - (size_t)(at + 1 - s), &unsupported);
		if (why) {
			goto bad;
		}
	}
	/* a bare image ID is not a name (docker: "cannot specify 64-byte hexadecimal strings") */
	if (namelen == SHA256_HEX && !colon && !at) {
		bool hex = true;

		for (size_t i = 0; i < namelen; i++) {
			hex = hex && is_lower_hex(s[i]);
		}
		if (hex) {
			why = "a 64-hex-digit string is an image ID, not a name";
			goto bad;
		}
	}

	first_slash = memchr(s, '/', namelen);
	if (first_slash && first_is_registry(s, (size_t)(first_slash - s))) {
		reglen = (size_t)(first_slash - s);
		why = registry_error(s, reglen);
		if (why) {
			goto bad;
		}
		repo = first_slash + 1;
		repolen = namelen - reglen - 1;
		if ((reglen == 15 && memcmp(s, "index.docker.io", 15) == 0) ||
		    (reglen == 20 && memcmp(s, DOCKER_HUB_HOST, 20) == 0) ||
		    (reglen == 9 && memcmp(s, DOCKER_HUB, 9) == 0)) {
			out->registry = strdup(DOCKER_HUB);
		} else {
			out->registry = lsc_strndup(s, reglen);
		}
	} else {
		repo = s;
		repolen = namelen;
		out->registry = strdup(DOCKER_HUB);
	}
	if (!out->registry) {
		rc = -ENOMEM;
		goto fail;
	}
	if (repolen == 0) {
		why = "missing repository name";
		goto bad;
	}
	why = repository_error(repo, repolen);
	if (why) {
		goto bad;
	}
	hub = strcmp(out->registry, DOCKER_HUB) == 0;
	if (hub && !memchr(repo, '/', repolen)) {
		out->repository = malloc(repolen + 9);
		if (out->repository) {
			memcpy(out->repository, "library/", 8);
			memcpy(out->repository + 8, repo, repolen);
			out->repository[repolen + 8] = 0;
		}
	} else {
		out->repository = lsc_strndup(repo, repolen);
	}
	if (!out->repository) {
		rc = -ENOMEM;
		goto fail;
	}
	if (strlen(out->registry) + 1 + strlen(out->repository) > LSC_REFERENCE_NAME_MAX) {
		why = "name longer than 255 characters";
		goto bad;
	}
	out->host = strdup(hub ? DOCKER_HUB_HOST : out->registry);
	if (colon) {
		out->tag = lsc_strndup(colon + 1, (size_t)(name_end - colon - 1));
	} else if (!at) {
		out->tag = strdup("latest");
	}
	if (at) {
		out->digest = strdup(at + 1);
	}
	if (!out->host || (!out->tag && (colon || !at)) || (at && !out->digest)) {
		rc = -ENOMEM;
		goto fail;
	}
	return 0;

bad:
	rc = lsc_error(unsupported ? LSC_E_UNSUPPORTED : LSC_E_USAGE, "image reference \"%s\": %s",
		       input, why);
fail:
	lsc_reference_dispose(out);
	return rc;
}

int lsc_reference_string(char **out, const struct lsc_reference *r)
{
	int n = asprintf(out, "%s/%s%s%s%s%s", r->registry, r->repository, r->tag ? ":" : "",
			 r->tag ? r->tag : "", r->digest ? "@" : "", r->digest ? r->digest : "");

	if (n < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}

const char *lsc_reference_manifest_ref(const struct lsc_reference *r)
{
	return r->digest ? r->digest : r->tag;
}
