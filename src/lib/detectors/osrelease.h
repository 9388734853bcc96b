/* os-release(5) parsing: the distribution of the final image. */
#ifndef LSC_LIB_OSRELEASE_H
#define LSC_LIB_OSRELEASE_H

#include <stddef.h>

#include "layerscan/layerscan.h"

/*
 * The value of key in os-release text (n bytes), unquoted and unescaped, or NULL. The result is
 * the caller's to free().
 */
char *lsc_osrelease_get(const char *text, size_t n, const char *key);

/* ID, VERSION_ID and PRETTY_NAME into out (members the caller's to free, NULL when absent). */
void lsc_osrelease_parse(struct lsc_os_info *out, const char *text, size_t n);

/* The longest first line a release file may have to be recognised. */
#define LSC_RELEASE_LINE_MAX 256

/*
 * ID, VERSION_ID and PRETTY_NAME, as os-release would give them, from the text (n bytes) of a
 * distribution's own release file, for images without os-release. path's last component says
 * which file it is; only its first line is read:
 *   alpine-release   "3.19.1"                                    alpine  "3.19.1"
 *   debian_version   "12.5"                                      debian  "12"
 *                    "bookworm/sid"                              debian  (no version)
 *   redhat-release, centos-release, rocky-release, almalinux-release, fedora-release,
 *   amazon-linux-release, system-release: "NAME release VERSION (CODENAME)", where NAME says
 *   the distribution and VERSION is cut the way its os-release's VERSION_ID is:
 *                    "Red Hat Enterprise Linux release 8.9 (Ootpa)"  rhel       "8.9"
 *                    "CentOS Linux release 7.9.2009 (Core)"          centos     "7"
 *                    "CentOS Stream release 9"                       centos     "9"
 *                    "Rocky Linux release 9.3 (Blue Onyx)"           rocky      "9.3"
 *                    "AlmaLinux release 9.3 (Shamrock Pampas Cat)"   almalinux  "9.3"
 *                    "Amazon Linux release 2 (Karoo)"                amzn       "2"
 *                    "Amazon Linux release 2023.3.20240108 (...)"    amzn       "2023"
 *                    "Amazon Linux AMI release 2018.03"              amzn       "2018.03"
 *                    "Fedora release 39 (Thirty Nine)"               fedora     "39"
 * PRETTY_NAME is the first line ("Alpine Linux 3.19.1", "Debian GNU/Linux 12.5" for the first
 * two). 0 when the file was recognised: out's members are the caller's to free (version_id NULL
 * when the file names no version). -LSC_E_NOT_FOUND, out's members NULL, for another path, an
 * unknown distribution, a malformed version, a control character or a first line over
 * LSC_RELEASE_LINE_MAX bytes; -ENOMEM. Sets no error detail.
 */
int lsc_osrelease_from_release_file(struct lsc_os_info *out, const char *path, const char *text,
				    size_t n);

#endif
