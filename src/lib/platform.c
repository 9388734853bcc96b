#include "platform.h"
#include "util/error.h"

#include <stdio.h>
#include <string.h>

static int copy_part(char *dst, size_t n, const char *s, size_t len)
{
	if (len == 0 || len >= n) {
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		      c == '.')) {
			return -1;
		}
	}
	memcpy(dst, s, len);
	dst[len] = 0;
	return 0;
}

int lsc_platform_parse(struct lsc_platform *out, const char *s)
{
	const char *a, *v;

	memset(out, 0, sizeof(*out));
	if (!s || !*s) {
		strcpy(out->os, "linux");
		strcpy(out->arch, "amd64");
		return 0;
	}
	a = strchr(s, '/');
	if (!a) {
		return lsc_error(LSC_E_USAGE, "platform %s: expected OS/ARCH[/VARIANT]", s);
	}
	v = strchr(a + 1, '/');
	if (copy_part(out->os, sizeof(out->os), s, (size_t)(a - s)) < 0 ||
	    copy_part(out->arch, sizeof(out->arch), a + 1,
		      v ? (size_t)(v - a - 1) : strlen(a + 1)) < 0 ||
	    (v && copy_part(out->variant, sizeof(out->variant), v + 1, strlen(v + 1)) < 0)) {
		return lsc_error(LSC_E_USAGE, "platform %s: expected OS/ARCH[/VARIANT]", s);
	}
	return 0;
}

static const char *default_variant(const char *arch)
{
	if (strcmp(arch, "arm64") == 0) {
		return "v8";
	}
	if (strcmp(arch, "arm") == 0) {
		return "v7";
	}
	return "";
}

bool lsc_platform_match(const struct lsc_platform *want, const char *os, const char *arch,
			const char *variant)
{
	const char *wv, *hv;

	if (!os || !arch || strcmp(os, want->os) != 0 || strcmp(arch, want->arch) != 0) {
		return false;
	}
	wv = want->variant[0] ? want->variant : default_variant(want->arch);
	hv = variant && *variant ? variant : default_variant(arch);
	return strcmp(wv, hv) == 0;
}

void lsc_platform_format(char *out, size_t n, const struct lsc_platform *p)
{
	snprintf(out, n, "%s/%s%s%s", p->os, p->arch, p->variant[0] ? "/" : "", p->variant);
}
