/* util/str: string and path helpers, the path cleaning that every archive path goes through. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

static void clean_is(const char *in, const char *want)
{
	char out[256];

	memset(out, 'Z', sizeof(out));
	cr_assert_eq(lsc_path_clean(out, sizeof(out), in), 0, "clean(\"%s\") failed", in);
	cr_assert_str_eq(out, want, "clean(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

Test(str, path_clean_dotdot_never_goes_above_root)
{
	clean_is("../../etc/passwd", "/etc/passwd");
	clean_is("/../../../etc/passwd", "/etc/passwd");
	clean_is("a/../..", "/");
	clean_is("a/../../b", "/b");
	clean_is("..", "/");
	clean_is("../", "/");
}

Test(str, path_clean_drops_dot_and_empty_components)
{
	clean_is("./a//b/./c/", "/a/b/c");
	clean_is("./etc/passwd", "/etc/passwd");
	clean_is("etc/passwd", "/etc/passwd");
	clean_is("/etc/passwd", "/etc/passwd");
	clean_is("//etc///passwd//", "/etc/passwd");
	clean_is("./", "/");
	clean_is(".", "/");
	clean_is("./.", "/");
}

Test(str, path_clean_root_and_empty)
{
	clean_is("/", "/");
	clean_is("", "/");
	clean_is("///", "/");
}

Test(str, path_clean_dotdot_in_the_middle)
{
	clean_is("a/b/../c", "/a/c");
	clean_is("a/b/c/../../d", "/a/d");
	clean_is("/usr/lib/../bin/../share/x", "/usr/share/x");
	clean_is("a/b/..", "/a");
	clean_is("a/b/../", "/a");
}

Test(str, path_clean_names_that_only_look_like_dots)
{
	clean_is("...", "/...");
	clean_is("a/.../b", "/a/.../b");
	clean_is(".hidden/..x/x..", "/.hidden/..x/x..");
	clean_is(".wh..wh..opq", "/.wh..wh..opq");
	clean_is("a/.wh.b", "/a/.wh.b");
}

Test(str, path_clean_exact_fit_and_too_long)
{
	char out[6];

	/* "/abc" needs 5 bytes with its NUL */
	cr_assert_eq(lsc_path_clean(out, 5, "abc"), 0);
	cr_assert_str_eq(out, "/abc");
	cr_assert_eq(lsc_path_clean(out, 4, "abc"), -ENAMETOOLONG);
	cr_assert_eq(lsc_path_clean(out, 5, "abcd"), -ENAMETOOLONG);
	cr_assert_eq(lsc_path_clean(out, 6, "a/bc"), 0);
	cr_assert_str_eq(out, "/a/bc");
	cr_assert_eq(lsc_path_clean(out, 5, "a/bc"), -ENAMETOOLONG);
	cr_assert_eq(lsc_path_clean(out, 6, "a/bcd"), -ENAMETOOLONG);
	/* the root needs two bytes */
	cr_assert_eq(lsc_path_clean(out, 2, ""), 0);
	cr_assert_str_eq(out, "/");
	cr_assert_eq(lsc_path_clean(out, 1, ""), -ENAMETOOLONG);
	cr_assert_eq(lsc_path_clean(out, 0, ""), -ENAMETOOLONG);
}

Test(str, path_clean_long_path_rejected)
{
	char *in = malloc(10001), out[4096];

	memset(in, 'a', 10000);
	in[10000] = 0;
	cr_assert_eq(lsc_path_clean(out, sizeof(out), in), -ENAMETOOLONG);
	/* many short components that add up past the bound */
	for (int i = 0; i < 10000; i += 2) {
		in[i] = 'b';
		in[i + 1] = '/';
	}
	cr_assert_eq(lsc_path_clean(out, sizeof(out), in), -ENAMETOOLONG);
	free(in);
}

Test(str, path_clean_long_path_that_shrinks_fits)
{
	char in[6000], out[64];

	/* a long input that cleans to something short is fine */
	strcpy(in, "x/");
	for (int i = 0; i < 2000; i++) {
		strcat(in, "./");
	}
	strcat(in, "y");
	cr_assert_eq(lsc_path_clean(out, sizeof(out), in), 0);
	cr_assert_str_eq(out, "/x/y");
}

static void link_is(const char *link, const char *target, const char *want)
{
	char out[256];

	cr_assert_eq(lsc_path_resolve_link(out, sizeof(out), link, target), 0);
	cr_assert_str_eq(out, want, "resolve(%s -> %s) = %s, want %s", link, target, out, want);
}

Test(str, resolve_link_relative_targets)
{
	link_is("/usr/bin/python", "python3", "/usr/bin/python3");
	link_is("/usr/bin/python", "./python3.11", "/usr/bin/python3.11");
	link_is("/etc/os-release", "../usr/lib/os-release", "/usr/lib/os-release");
	link_is("/a/b/c/d", "../../x/y", "/a/x/y");
	link_is("etc/localtime", "../usr/share/zoneinfo/UTC", "/usr/share/zoneinfo/UTC");
}

Test(str, resolve_link_absolute_targets_from_root)
{
	link_is("/etc/os-release", "/usr/lib/os-release", "/usr/lib/os-release");
	link_is("/deep/in/the/tree", "/etc//passwd/", "/etc/passwd");
	link_is("/deep/in/the/tree", "/", "/");
}

Test(str, resolve_link_dotdot_above_root_stops_at_root)
{
	link_is("/etc/passwd", "../../../../../etc/shadow", "/etc/shadow");
	link_is("/a", "../../..", "/");
	link_is("/a", "/../../b", "/b");
}

Test(str, resolve_link_at_top_level_and_without_slash)
{
	link_is("/bin", "usr/bin", "/usr/bin");
	link_is("bin", "usr/bin", "/usr/bin");
	link_is("x", ".", "/");
}

Test(str, resolve_link_too_long)
{
	char out[16];

	cr_assert_eq(lsc_path_resolve_link(out, sizeof(out), "/a/b", "0123456789abcdef"),
		     -ENAMETOOLONG);
	cr_assert_eq(lsc_path_resolve_link(out, sizeof(out), "/a/b", "/0123456789abcdef"),
		     -ENAMETOOLONG);
	cr_assert_eq(lsc_path_resolve_link(out, sizeof(out), "/a/b", "0123456789"), 0);
	cr_assert_str_eq(out, "/a/0123456789");
}

Test(str, is_text)
{
	cr_assert(lsc_is_text((const uint8_t *)"hello world\n", 12));
	cr_assert(lsc_is_text((const uint8_t *)"a\tb\r\nc\f\x1b[0m", 11));
	cr_assert(lsc_is_text((const uint8_t *)"", 0));
	/* UTF-8 */
	cr_assert(lsc_is_text((const uint8_t *)"caf\xc3\xa9 \xe2\x82\xac", 9));
	/* NUL anywhere is binary, even past what strlen would see */
	cr_assert_not(lsc_is_text((const uint8_t *)"abc\0def", 7));
	cr_assert_not(lsc_is_text((const uint8_t *)"\0", 1));
	/* other control characters */
	cr_assert_not(lsc_is_text((const uint8_t *)"a\x01", 2));
	cr_assert_not(lsc_is_text((const uint8_t *)"\x7f"
						   "ELF\x02",
				  5));
	cr_assert_not(lsc_is_text((const uint8_t *)"abc\x08", 4));
	/* only n bytes are looked at */
	cr_assert(lsc_is_text((const uint8_t *)"abc\x01", 3));
}

Test(str, memcasemem_finds_case_insensitively)
{
	const uint8_t *hay = (const uint8_t *)"export AWS_SECRET_ACCESS_KEY=abc";
	size_t n = strlen((const char *)hay);

	cr_assert_eq(lsc_memcasemem(hay, n, "aws_secret"), hay + 7);
	cr_assert_eq(lsc_memcasemem(hay, n, "AWS_SECRET"), hay + 7);
	cr_assert_eq(lsc_memcasemem(hay, n, "Export"), hay);
	cr_assert_eq(lsc_memcasemem(hay, n, "=ABC"), hay + n - 4);
	cr_assert_null(lsc_memcasemem(hay, n, "password"));
	cr_assert_null(lsc_memcasemem(hay, n, "abcd"), "no match past the end");
}

Test(str, memcasemem_respects_length_and_binary)
{
	const uint8_t hay[] = {'x', 0, 'P', 'a', 'S', 's', 'w', 'd', 'y'};

	cr_assert_eq(lsc_memcasemem(hay, sizeof(hay), "passwd"), hay + 2);
	/* the match straddles the end of the n bytes looked at */
	cr_assert_null(lsc_memcasemem(hay, 7, "passwd"));
	cr_assert_eq(lsc_memcasemem(hay, 8, "passwd"), hay + 2);
	cr_assert_null(lsc_memcasemem(hay, 0, "a"));
	cr_assert_eq(lsc_memcasemem(hay, sizeof(hay), ""), hay);
	cr_assert_null(lsc_memcasemem(hay, 3, "longer than hay"));
}

Test(str, memcasemem_overlapping_prefix)
{
	const uint8_t *hay = (const uint8_t *)"aaab";

	cr_assert_eq(lsc_memcasemem(hay, 4, "AAB"), hay + 1);
}

Test(str, hex_lowercase)
{
	const uint8_t b[] = {0x00, 0x01, 0xab, 0xff, 0x10, 0x9c};
	char out[13];

	memset(out, 'Z', sizeof(out));
	lsc_hex(out, b, sizeof(b));
	cr_assert_str_eq(out, "0001abff109c");
	lsc_hex(out, b, 0);
	cr_assert_str_eq(out, "");
}

Test(str, strdup_null)
{
	char *s;

	cr_assert_null(lsc_strdup(NULL));
	cr_assert_null(lsc_strndup(NULL, 3));
	s = lsc_strdup("abc");
	cr_assert_str_eq(s, "abc");
	free(s);
	s = lsc_strndup("abcdef", 3);
	cr_assert_str_eq(s, "abc");
	free(s);
}

Test(str, starts_ends_base)
{
	cr_assert(lsc_str_starts("docker-archive:x", "docker-archive:"));
	cr_assert_not(lsc_str_starts("docker", "docker-archive:"));
	cr_assert(lsc_str_starts("abc", ""));
	cr_assert(lsc_str_ends("layer.tar.gz", ".tar.gz"));
	cr_assert_not(lsc_str_ends("gz", ".tar.gz"));
	cr_assert(lsc_str_ends("x", ""));
	cr_assert_str_eq(lsc_path_base("/usr/bin/env"), "env");
	cr_assert_str_eq(lsc_path_base("env"), "env");
	cr_assert_str_eq(lsc_path_base("/usr/bin/"), "");
}

/* Regression: lsc_hash started from the FNV offset basis with its last decimal digit dropped. */
Test(str, hash_is_fnv1a_64)
{
	/* published FNV-1a 64-bit test vectors */
	cr_assert_eq(lsc_hash("", 0), 0xcbf29ce484222325ULL);
	cr_assert_eq(lsc_hash("a", 1), 0xaf63dc4c8601ec8cULL);
	cr_assert_eq(lsc_hash("foobar", 6), 0x85944171f73967e8ULL);
	cr_assert_neq(lsc_hash("ab", 2), lsc_hash("ba", 2));
}

Test(str, path_under)
{
	cr_assert(lsc_path_under("/etc", "/etc"));
	cr_assert(lsc_path_under("/etc/ssh/sshd_config", "/etc"));
	cr_assert(!lsc_path_under("/etcx", "/etc"));
	cr_assert(!lsc_path_under("/et", "/etc"));
	cr_assert(lsc_path_under("/", "/"), "the root is under itself");
}

/* --- lsc_str_safe: what image text may look like once printed ------------------------------- */

static void safe_is(const char *in, const char *want, unsigned flags)
{
	char out[256];

	memset(out, 'Z', sizeof(out));
	cr_assert_eq(lsc_str_safe(out, sizeof(out), in, flags), 0);
	cr_assert_str_eq(out, want, "safe(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

Test(str, safe_escapes_c0_and_del)
{
	safe_is("a\033]2;pwned\007b", "a\\x1b]2;pwned\\x07b", 0);
	safe_is("\033[2J", "\\x1b[2J", 0);
	safe_is("l1\nl2\tx\r", "l1\\nl2\\tx\\r", 0);
	safe_is("\001\037\177", "\\x01\\x1f\\x7f", 0);
	safe_is(" ~", " ~", 0);
}

Test(str, safe_escapes_c1_as_code_points)
{
	/* U+009B is CSI on terminals that honour 8-bit controls; U+0085 NEL */
	safe_is("a\xc2\x9b"
		"2Jb",
		"a\\u009b2Jb", 0);
	safe_is("\xc2\x80\xc2\x85\xc2\x9f", "\\u0080\\u0085\\u009f", 0);
	/* U+00A0 and up are text */
	safe_is("\xc2\xa0\xc3\xa9", "\xc2\xa0\xc3\xa9", 0);
}

Test(str, safe_escapes_bidi_overrides_and_isolates)
{
	safe_is("evil\xe2\x80\xaetxt.exe", "evil\\u202etxt.exe", 0);
	safe_is("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d",
		0);
	safe_is("\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", "\\u2066\\u2067\\u2068\\u2069",
		0);
	/* neighbours that are not overrides stay: U+2029, U+202F, U+2065 */
	safe_is("\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5", "\xe2\x80\xa9\xe2\x80\xaf\xe2\x81\xa5", 0);
}

Test(str, safe_shows_invalid_utf8_as_bytes)
{
	safe_is("caf\xe9", "caf\\xe9", 0);			  /* Latin-1 */
	safe_is("\xc0\xaf", "\\xc0\\xaf", 0);			  /* overlong '/' */
	safe_is("\xed\xa0\x80", "\\xed\\xa0\\x80", 0);		  /* a surrogate */
	safe_is("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80", 0);	  /* above U+10FFFF */
	safe_is("\xe2\x82", "\\xe2\\x82", 0);			  /* cut by the end */
	safe_is("\xf0\x9f\x90\xb3 ok", "\xf0\x9f\x90\xb3 ok", 0); /* a valid 4-byte character */
}

Test(str, safe_utf8_only_keeps_valid_controls)
{
	safe_is("a\033b\xc2\x9b\xe2\x80\xae\xff", "a\033b\xc2\x9b\xe2\x80\xae\\xff",
		LSC_SAFE_UTF8_ONLY);
}

Test(str, safe_is_idempotent_and_keeps_backslashes)
{
	char once[128], twice[128];

	cr_assert_eq(lsc_str_safe(once, sizeof(once), "C:\\x \033 \xff \xe2\x80\xae", 0), 0);
	cr_assert_eq(lsc_str_safe(twice, sizeof(twice), once, 0), 0);
	cr_assert_str_eq(once, twice);
	cr_assert_str_eq(once, "C:\\x \\x1b \\xff \\u202e");
}

Test(str, safe_truncates_at_whole_characters_and_escapes)
{
	char out[8];

	/* "ab" + a 3-byte character fits 5 + NUL; a 4th byte-character would not */
	memset(out, 'Z', sizeof(out));
	cr_assert_eq(lsc_str_safe(out, 6,
				  "ab\xe2\x82\xac"
				  "cd",
				  0),
		     -ENOBUFS);
	cr_assert_str_eq(out, "ab\xe2\x82\xac");
	cr_assert_eq(lsc_str_safe(out, 5,
				  "ab\xe2\x82\xac"
				  "cd",
				  0),
		     -ENOBUFS);
	cr_assert_str_eq(out, "ab"); /* never half the euro sign */
	cr_assert_eq(lsc_str_safe(out, 6, "abc\033", 0), -ENOBUFS);
	cr_assert_str_eq(out, "abc"); /* never half of \x1b */
	cr_assert_eq(lsc_str_safe(out, 1, "x", 0), -ENOBUFS);
	cr_assert_str_eq(out, "");
	cr_assert_eq(lsc_str_safe(out, 2, "x", 0), 0);
	cr_assert_str_eq(out, "x");
}

Test(str, safe_dup_fits_the_worst_case)
{
	char in[301], *out;

	memset(in, '\033', 300);
	in[300] = 0;
	out = lsc_str_safe_dup(in, 0);
	cr_assert_not_null(out);
	cr_assert_eq(strlen(out), 1200);
	cr_assert_eq(strncmp(out, "\\x1b\\x1b", 8), 0);
	free(out);
	out = lsc_str_safe_dup("\xc2\x85\xc2\x85", 0);
	cr_assert_str_eq(out, "\\u0085\\u0085");
	free(out);
}
