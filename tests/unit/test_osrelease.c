/* lib/osrelease: os-release(5) values. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "lib/osrelease.h"

static void get_is(const char *text, const char *key, const char *want)
{
	char *v = lsc_osrelease_get(text, strlen(text), key);

	if (!want) {
		cr_assert_null(v, "%s: got \"%s\", want none", key, v);
		return;
	}
	cr_assert_not_null(v, "%s: absent, want \"%s\"", key, want);
	cr_assert_str_eq(v, want, "%s", key);
	free(v);
}

static const char *debian =
	"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
	"NAME=\"Debian GNU/Linux\"\n"
	"VERSION_ID=\"12\"\n"
	"VERSION=\"12 (bookworm)\"\n"
	"VERSION_CODENAME=bookworm\n"
	"ID=debian\n"
	"HOME_URL=\"https://www.debian.org/\"\n";

Test(osrelease, debian)
{
	get_is(debian, "ID", "debian");
	get_is(debian, "VERSION_ID", "12");
	get_is(debian, "VERSION", "12 (bookworm)");
	get_is(debian, "VERSION_CODENAME", "bookworm");
	get_is(debian, "PRETTY_NAME", "Debian GNU/Linux 12 (bookworm)");
	get_is(debian, "HOME_URL", "https://www.debian.org/");
}

Test(osrelease, key_that_is_a_prefix_of_another)
{
	/* VERSION_ID first, so a prefix match would take it for VERSION */
	const char *t = "VERSION_ID=3.20.3\nVERSION=3.20.3 edge\nID_LIKE=debian\nID=alpine\n";

	get_is(t, "VERSION", "3.20.3");
	get_is(t, "VERSION_ID", "3.20.3");
	get_is(t, "ID", "alpine");
	get_is(t, "ID_LIKE", "debian");
	get_is("VERSION_ID=1\n", "VERSION", NULL);
	get_is("IDX=1\n", "ID", NULL);
	/* and a key is not matched inside another one */
	get_is("XID=1\n", "ID", NULL);
}

Test(osrelease, quoting)
{
	get_is("ID=\"debian\"\n", "ID", "debian");
	get_is("ID='debian'\n", "ID", "debian");
	get_is("ID=debian\n", "ID", "debian");
	get_is("NAME=\"with spaces inside\"\n", "NAME", "with spaces inside");
	get_is("NAME='single \"quoted\"'\n", "NAME", "single \"quoted\"");
	/* an unquoted value ends at a space */
	get_is("ID=debian # comment\n", "ID", "debian");
	get_is("ID=\"\"\n", "ID", "");
	get_is("ID=\n", "ID", "");
}

Test(osrelease, escapes)
{
	get_is("NAME=\"say \\\"hi\\\"\"\n", "NAME", "say \"hi\"");
	get_is("NAME=\"back\\\\slash\"\n", "NAME", "back\\slash");
	get_is("NAME=\"dollar \\$HOME\"\n", "NAME", "dollar $HOME");
	get_is("NAME=\"tick \\`x\\`\"\n", "NAME", "tick `x`");
	/* no escapes inside single quotes */
	get_is("NAME='a\\b'\n", "NAME", "a\\b");
	/* escaped space in an unquoted value */
	get_is("NAME=a\\ b\n", "NAME", "a b");
}

Test(osrelease, crlf_lines)
{
	const char *t = "ID=ubuntu\r\nVERSION_ID=\"24.04\"\r\nPRETTY_NAME=\"Ubuntu 24.04 LTS\"\r\n";

	get_is(t, "ID", "ubuntu");
	get_is(t, "VERSION_ID", "24.04");
	get_is(t, "PRETTY_NAME", "Ubuntu 24.04 LTS");
}

Test(osrelease, missing_keys_comments_and_blank_lines)
{
	const char *t = "# ID=commented\n\n   \nNAME=x\n";

	get_is(t, "ID", NULL);
	get_is(t, "VERSION_ID", NULL);
	get_is(t, "NAME", "x");
	get_is("", "ID", NULL);
	get_is("ID", "ID", NULL);
	get_is("ID\n", "ID", NULL);
	get_is("ID =x\n", "ID", NULL);
}

Test(osrelease, leading_whitespace_and_last_line_without_newline)
{
	get_is("  \tID=fedora\n", "ID", "fedora");
	get_is("NAME=x\nID=arch", "ID", "arch");
	get_is("ID=\"unterminated\n", "ID", "unterminated");
}

Test(osrelease, first_occurrence_wins)
{
	get_is("ID=first\nID=second\n", "ID", "first");
}

Test(osrelease, only_n_bytes_are_read)
{
	const char buf[] = "ID=alpine\nVERSION_ID=3.20\n";
	char *v;

	/* stop right after "ID=alp" */
	v = lsc_osrelease_get(buf, 6, "ID");
	cr_assert_str_eq(v, "alp");
	free(v);
	cr_assert_null(lsc_osrelease_get(buf, 12, "VERSION_ID"));
}

Test(osrelease, not_nul_terminated)
{
	char *buf = malloc(9);
	char *v;

	memcpy(buf, "ID=rocky\n", 9);
	v = lsc_osrelease_get(buf, 9, "ID");
	cr_assert_str_eq(v, "rocky");
	free(v);
	v = lsc_osrelease_get(buf, 8, "ID");
	cr_assert_str_eq(v, "rocky");
	free(v);
	free(buf);
}

Test(osrelease, parse_fills_the_three_fields)
{
	struct lsc_os_info os;

	lsc_osrelease_parse(&os, debian, strlen(debian));
	cr_assert_str_eq(os.id, "debian");
	cr_assert_str_eq(os.version_id, "12");
	cr_assert_str_eq(os.pretty_name, "Debian GNU/Linux 12 (bookworm)");
	free(os.id);
	free(os.version_id);
	free(os.pretty_name);

	lsc_osrelease_parse(&os, "ID=distroless\n", 14);
	cr_assert_str_eq(os.id, "distroless");
	cr_assert_null(os.version_id);
	cr_assert_null(os.pretty_name);
	free(os.id);
}
