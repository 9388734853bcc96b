/*
 * The url-password check: scheme://user:password@host with a real password on a host that
 * exists and is not this machine. Pure functions over n bytes that may hold anything.
 */
#include "check_url.h"
#include "placeholder.h"
#include "util/ascii.h"
#include "words.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int hex_value(unsigned char c)
{
	if (lsc_ascii_is_digit(c)) {
		return c - '0';
	}
	c = lsc_ascii_to_lower(c);
	return c - 'a' + 10;
}

static bool suffix_nocase(const char *p, size_t n, const char *lit)
{
	size_t l = strlen(lit);

	return n >= l && lsc_ascii_eq_nocase(p + n - l, l, lit);
}

/* ---- url-password ---- */

/* RFC 2606 / 6761 names that never reach a real server: example.{com,net,org}, *.example,
 * *.invalid and *.test. */
static bool reserved_host(const char *h, size_t n)
{
	static const char *const domains[] = {"example.com", "example.net", "example.org", NULL};
	static const char *const tlds[] = {"example", "invalid", "test", NULL};

	if (n > 0 && h[n - 1] == '.') {
		n--;
	}
	for (size_t i = 0; domains[i]; i++) {
		size_t l = strlen(domains[i]);

		if (lsc_ascii_eq_nocase(h, n, domains[i]) ||
		    (n > l && suffix_nocase(h, n, domains[i]) && h[n - l - 1] == '.')) {
			return true;
		}
	}
	for (size_t i = 0; tlds[i]; i++) {
		size_t l = strlen(tlds[i]);

		if (lsc_ascii_eq_nocase(h, n, tlds[i]) ||
		    (n > l && suffix_nocase(h, n, tlds[i]) && h[n - l - 1] == '.')) {
			return true;
		}
	}
	return false;
}

/* A dotted IPv4 address of four decimal octets (each 0..255, at most 3 digits) into a. */
static bool ipv4_parse(unsigned a[4], const char *h, size_t n)
{
	size_t i = 0;

	for (int k = 0; k < 4; k++) {
		size_t start = i;
		unsigned v = 0;

		while (i < n && i - start < 4 && lsc_ascii_is_digit((unsigned char)h[i])) {
			v = v * 10 + (unsigned)(h[i] - '0');
			i++;
		}
		if (i == start || i - start > 3 || v > 255) {
			return false;
		}
		a[k] = v;
		if (k < 3) {
			if (i >= n || h[i] != '.') {
				return false;
			}
			i++;
		}
	}
	return i == n;
}

/*
 * Hosts that are this machine or no machine: localhost and *.localhost (RFC 6761), 127.0.0.0/8,
 * ::1 and 0.0.0.0 (the unspecified address a test server listens on). A password to one of them
 * is a test's or a local sidecar's, and the URL parsers' test suites are full of them.
 */
static bool loopback_host(const char *h, size_t n)
{
	static const char *const v6[] = {"::1", "0:0:0:0:0:0:0:1", "::", NULL};
	unsigned a[4];

	if (n > 0 && h[n - 1] == '.') {
		n--;
	}
	if (lsc_ascii_eq_nocase(h, n, "localhost") ||
	    (n > 10 && suffix_nocase(h, n, ".localhost"))) {
		return true;
	}
	if (n >= 2 && h[0] == '[' && h[n - 1] == ']') {
		h++;
		n -= 2;
		for (size_t i = 0; v6[i]; i++) {
			if (lsc_ascii_eq_nocase(h, n, v6[i])) {
				return true;
			}
		}
		return false;
	}
	if (lsc_ascii_eq_nocase(h, n, "::1")) {
		return true;
	}
	return ipv4_parse(a, h, n) && (a[0] == 127 || (a[0] | a[1] | a[2] | a[3]) == 0);
}

/* The scheme's length when p starts with "scheme://" ("jdbc:mysql://" too), else 0. */
size_t lsc_check_url_scheme(const char *p, size_t n)
{
	size_t i = 0;

	if (n == 0 || !lsc_ascii_is_alpha((unsigned char)p[0])) {
		return 0;
	}
	while (i < n &&
	       (lsc_ascii_is_alnum((unsigned char)p[i]) || p[i] == '+' || p[i] == '-' ||
		p[i] == '.' || (p[i] == ':' && !lsc_ascii_has_prefix(p + i, n - i, "://")))) {
		i++;
	}
	return lsc_ascii_has_prefix(p + i, n - i, "://") ? i : 0;
}

/* Percent-decodes p into out (n bytes); an invalid escape stays as it is. */
static size_t percent_decode(char *out, const char *p, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && lsc_ascii_is_hex((unsigned char)p[i + 1]) &&
		    lsc_ascii_is_hex((unsigned char)p[i + 2])) {
			out[o++] = (char)(hex_value((unsigned char)p[i + 1]) << 4 |
					  hex_value((unsigned char)p[i + 2]));
			i += 2;
			continue;
		}
		out[o++] = p[i];
	}
	return o;
}

/*
 * A password of lowercase letters only that holds a placeholder word: the wording of a
 * documentation example ("randompassword", "mysecretpassword", "yourpassword"). A password with
 * a digit, a capital or a symbol besides the word ("Xk9password!2") stays real.
 */
static bool placeholder_wording(const char *p, size_t n)
{
	static const char *const words[] = {"password", "passwd", "secret", "changeme", NULL};

	for (size_t i = 0; i < n; i++) {
		if (p[i] < 'a' || p[i] > 'z') {
			return false;
		}
	}
	for (size_t w = 0; words[w]; w++) {
		size_t wl = strlen(words[w]);

		for (size_t i = 0; i + wl <= n; i++) {
			if (memcmp(p + i, words[w], wl) == 0) {
				return true;
			}
		}
	}
	return false;
}

static bool weak_password(const char *p, size_t n, const char *user, size_t ul)
{
	static const char *const words[] = {"password", "pass", "passwd", "pwd",      "secret",
					    "xxx",	"****", "***",	  "changeme", NULL};

	if (n == 0 || lsc_words_in_list(p, n, words) || lsc_placeholder_is(p, n) ||
	    placeholder_wording(p, n)) {
		return true;
	}
	if (n == ul && memcmp(p, user, n) == 0) {
		return true;
	}
	/* Templates the placeholder test lets through inside a URL: $VAR..., {}, {name}. */
	return p[0] == '$' || memchr(p, '{', n) != NULL || memchr(p, '}', n) != NULL;
}

/*
 * scheme://user:password@host[:port][/...]: the authority ends at the first '/', '?' or '#',
 * the user information at its last '@' (RFC 3986 3.2). The password must be real and the host
 * must be one that exists and is not this machine: reserved example names and loopback
 * addresses fail the check.
 */
int lsc_check_url_password(const char *s, size_t n)
{
	size_t sl = lsc_check_url_scheme(s, n), a, aend, at = SIZE_MAX, colon, hl, pl;
	const char *host, *port;
	char *buf;
	int ok;

	if (sl == 0) {
		return 0;
	}
	a = sl + 3;
	aend = a;
	while (aend < n && s[aend] != '/' && s[aend] != '?' && s[aend] != '#') {
		if (s[aend] == '@') {
			at = aend;
		}
		if (lsc_ascii_is_space((unsigned char)s[aend])) {
			return 0;
		}
		aend++;
	}
	if (at == SIZE_MAX) {
		return 0;
	}
	colon = a;
	while (colon < at && s[colon] != ':') {
		colon++;
	}
	if (colon == at) {
		return 0;
	}
	host = s + at + 1;
	hl = aend - at - 1;
	if (hl > 0 && host[0] == '[') {
		const char *rb = memchr(host, ']', hl);

		if (!rb) {
			return 0;
		}
		hl = (size_t)(rb - host) + 1;
	} else {
		port = memchr(host, ':', hl);
		if (port) {
			hl = (size_t)(port - host);
		}
	}
	if (hl == 0 || reserved_host(host, hl) || loopback_host(host, hl)) {
		return 0;
	}
	for (size_t i = 0; i < hl; i++) {
		unsigned char c = (unsigned char)host[i];

		if (!lsc_ascii_is_alnum(c) && c != '.' && c != '-' && c != '_' && c != '[' &&
		    c != ']' && c != ':' && c != '%' && c < 0x80) {
			return 0;
		}
	}
	pl = at - colon - 1;
	buf = malloc(pl + (colon - a) + 1);
	if (!buf) {
		return 0;
	}
	{
		size_t dl = percent_decode(buf, s + colon + 1, pl);
		size_t ul = percent_decode(buf + dl, s + a, colon - a);

		ok = weak_password(buf, dl, buf + dl, ul) ? 0 : 1;
	}
	free(buf);
	return ok;
}
