/* lib/osrelease: os-release(5) values. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/detectors/osrelease.h"

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

static const char *debian = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
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

/* --- release files ---------------------------------------------------------------------------- */

static void release_is(const char *path, const char *text, const char *id, const char *version,
		       const char *pretty)
{
	struct lsc_os_info os;
	int rc = lsc_osrelease_from_release_file(&os, path, text, strlen(text));

	cr_assert_eq(rc, 0, "%s \"%s\": %d", path, text, rc);
	cr_assert_str_eq(os.id, id, "%s \"%s\"", path, text);
	if (version) {
		cr_assert_not_null(os.version_id, "%s \"%s\"", path, text);
		cr_assert_str_eq(os.version_id, version, "%s \"%s\"", path, text);
	} else {
		cr_assert_null(os.version_id, "%s \"%s\": version %s", path, text, os.version_id);
	}
	cr_assert_str_eq(os.pretty_name, pretty, "%s \"%s\"", path, text);
	free(os.id);
	free(os.version_id);
	free(os.pretty_name);
}

static void release_unknown(const char *path, const char *text, size_t n)
{
	struct lsc_os_info os = {(char *)"x", (char *)"y", (char *)"z"};

	cr_assert_eq(lsc_osrelease_from_release_file(&os, path, text, n), -LSC_E_NOT_FOUND,
		     "%s \"%.40s\" recognised", path, text);
	cr_assert_null(os.id);
	cr_assert_null(os.version_id);
	cr_assert_null(os.pretty_name);
}

Test(osrelease, alpine_release)
{
	release_is("/etc/alpine-release", "3.19.1\n", "alpine", "3.19.1", "Alpine Linux 3.19.1");
	release_is("/etc/alpine-release", "3.12.12", "alpine", "3.12.12", "Alpine Linux 3.12.12");
	release_is("/etc/alpine-release", "3.20.0_alpha20240315\n", "alpine",
		   "3.20.0_alpha20240315", "Alpine Linux 3.20.0_alpha20240315");
	release_unknown("/etc/alpine-release", "edge\n", 5);
	release_unknown("/etc/alpine-release", "3.19.1 extra\n", 13);
	release_unknown("/etc/alpine-release", "3..1\n", 5);
	release_unknown("/etc/alpine-release", "3.19.\n", 6);
	release_unknown("/etc/alpine-release", "3.20_\n", 6);
}

Test(osrelease, debian_version)
{
	release_is("/etc/debian_version", "12.5\n", "debian", "12", "Debian GNU/Linux 12.5");
	release_is("/etc/debian_version", "10.13\n", "debian", "10", "Debian GNU/Linux 10.13");
	release_is("/etc/debian_version", "13\n", "debian", "13", "Debian GNU/Linux 13");
	release_is("/etc/debian_version", "bookworm/sid\n", "debian", NULL,
		   "Debian GNU/Linux bookworm/sid");
	release_is("/etc/debian_version", "trixie/sid", "debian", NULL,
		   "Debian GNU/Linux trixie/sid");
	release_unknown("/etc/debian_version", "Bookworm!\n", 10);
	release_unknown("/etc/debian_version", "12.5 (bookworm)\n", 16);
}

Test(osrelease, redhat_family)
{
	release_is("/etc/redhat-release", "Red Hat Enterprise Linux release 8.9 (Ootpa)\n", "rhel",
		   "8.9", "Red Hat Enterprise Linux release 8.9 (Ootpa)");
	release_is("/etc/redhat-release", "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n",
		   "rhel", "7.9", "Red Hat Enterprise Linux Server release 7.9 (Maipo)");
	release_is("/etc/centos-release", "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7",
		   "CentOS Linux release 7.9.2009 (Core)");
	release_is("/etc/centos-release", "CentOS Stream release 9\n", "centos", "9",
		   "CentOS Stream release 9");
	release_is("/etc/redhat-release", "CentOS release 6.10 (Final)\n", "centos", "6",
		   "CentOS release 6.10 (Final)");
	release_is("/etc/rocky-release", "Rocky Linux release 9.3 (Blue Onyx)\n", "rocky", "9.3",
		   "Rocky Linux release 9.3 (Blue Onyx)");
	release_is("/etc/almalinux-release", "AlmaLinux release 9.3 (Shamrock Pampas Cat)\n",
		   "almalinux", "9.3", "AlmaLinux release 9.3 (Shamrock Pampas Cat)");
	release_is("/etc/system-release", "Amazon Linux release 2 (Karoo)\n", "amzn", "2",
		   "Amazon Linux release 2 (Karoo)");
	release_is("/etc/system-release", "Amazon Linux AMI release 2018.03\n", "amzn", "2018.03",
		   "Amazon Linux AMI release 2018.03");
	release_is("/etc/amazon-linux-release",
		   "Amazon Linux release 2023.3.20240108 (Amazon Linux)\n", "amzn", "2023",
		   "Amazon Linux release 2023.3.20240108 (Amazon Linux)");
	release_is("/etc/fedora-release", "Fedora release 39 (Thirty Nine)\n", "fedora", "39",
		   "Fedora release 39 (Thirty Nine)");
	/* system-release and redhat-release say whichever distribution it is */
	release_is("/etc/system-release", "Rocky Linux release 8.10 (Green Obsidian)\r\n", "rocky",
		   "8.10", "Rocky Linux release 8.10 (Green Obsidian)");
	release_is("/etc/redhat-release", "  Fedora release 40 (Forty)  \n", "fedora", "40",
		   "Fedora release 40 (Forty)");
}

Test(osrelease, redhat_family_rejects)
{
	release_unknown("/etc/redhat-release", "Red Hat Enterprise Linux 8.9\n", 29);
	release_unknown("/etc/redhat-release", "Oracle Linux Server release 8.9\n", 32);
	release_unknown("/etc/redhat-release", "Fedora release forty\n", 21);
	release_unknown("/etc/redhat-release", "Fedora release 39x\n", 19);
	release_unknown("/etc/redhat-release", "Fedorable release 39\n", 21);
	release_unknown("/etc/redhat-release", "Rocky Linux release .3\n", 23);
	release_unknown("/etc/redhat-release", "", 0);
	release_unknown("/etc/redhat-release", "\n\n", 2);
}

Test(osrelease, release_file_paths)
{
	/* the last component decides; anything else is not a release file */
	release_is("etc/alpine-release", "3.19.1\n", "alpine", "3.19.1", "Alpine Linux 3.19.1");
	release_unknown("/etc/os-release", "3.19.1\n", 7);
	release_unknown("/etc/alpine-release.bak", "3.19.1\n", 7);
	release_unknown("/etc/issue", "Fedora release 39 (Thirty Nine)\n", 32);
	/* the format of the file its name says, not another one */
	release_unknown("/etc/alpine-release", "Fedora release 39 (Thirty Nine)\n", 32);
	release_unknown("/etc/debian_version", "3.19.1-r0\n", 10);
}

Test(osrelease, release_file_bounds)
{
	char big[LSC_RELEASE_LINE_MAX + 64];
	char *heap;

	/* only the first line is read */
	release_is("/etc/alpine-release", "3.19.1\ngarbage \x01\x02\n", "alpine", "3.19.1",
		   "Alpine Linux 3.19.1");
	/* control characters and NUL bytes in the first line: not a release file */
	release_unknown("/etc/alpine-release", "3.19\x01\n", 6);
	release_unknown("/etc/alpine-release", "3.19\0.1\n", 8);
	release_unknown("/etc/redhat-release", "Fedora release 39 \x1b[31m\n", 24);
	/* an overlong first line, with or without its newline */
	memset(big, 'a', sizeof(big));
	memcpy(big, "Fedora release 39 (", 19);
	big[sizeof(big) - 1] = '\n';
	release_unknown("/etc/redhat-release", big, sizeof(big));
	release_unknown("/etc/redhat-release", big, sizeof(big) - 1);
	/* exactly the maximum is fine */
	heap = malloc(LSC_RELEASE_LINE_MAX + 2);
	memcpy(heap, big, LSC_RELEASE_LINE_MAX);
	heap[LSC_RELEASE_LINE_MAX - 1] = ')';
	heap[LSC_RELEASE_LINE_MAX] = 0;
	release_is("/etc/redhat-release", heap, "fedora", "39", heap);
	heap[LSC_RELEASE_LINE_MAX] = '\n';
	heap[LSC_RELEASE_LINE_MAX + 1] = 0;
	{
		struct lsc_os_info os;

		/* not NUL-terminated, n exact: read no further */
		cr_assert_eq(lsc_osrelease_from_release_file(&os, "/etc/redhat-release", heap,
							     LSC_RELEASE_LINE_MAX),
			     0);
		cr_assert_eq(strlen(os.pretty_name), LSC_RELEASE_LINE_MAX);
		free(os.id);
		free(os.version_id);
		free(os.pretty_name);
	}
	free(heap);
	/* a version longer than any distribution's */
	release_unknown("/etc/alpine-release", "3.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1.1\n", 36);
	release_unknown("/etc/redhat-release",
			"Fedora release 111111111111111111111111111111111111\n", 52);
}
