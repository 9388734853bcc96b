/*
 * File capabilities: the value of the `security.capability` extended attribute (struct
 * vfs_cap_data, or vfs_ns_cap_data for revision 3, little endian), as a tar header carries it.
 * The bytes come from an image, so every shape the kernel would refuse is refused here too, with
 * a reason a report can print. Bounded and allocation-free: a value is at most 24 bytes.
 */
#ifndef LSC_LIB_FCAPS_H
#define LSC_LIB_FCAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layerscan/layerscan.h"

#define LSC_FCAPS_XATTR "security.capability"

#define LSC_FCAPS_LAST 40 /* cap_checkpoint_restore: the highest capability with a name */

/*
 * The longest text lsc_fcaps_format() writes, terminator included: all 64 bits named in three
 * groups at most, plus the rootid note. A buffer of this size never truncates.
 */
#define LSC_FCAPS_TEXT_MAX 1536

struct lsc_fcaps {
	unsigned revision;  /* 1, 2 or 3 */
	bool effective;	    /* VFS_CAP_FLAGS_EFFECTIVE: the granted set is raised at exec */
	uint64_t permitted; /* bit N is capability N; revision 1 has only the low 32 bits */
	uint64_t inheritable;
	bool has_rootid; /* revision 3 */
	uint32_t rootid; /* revision 3: the uid that is root in the namespace it applies to */
};

/*
 * Decodes n bytes of a security.capability value into *out. -LSC_E_FORMAT when the value is
 * malformed: shorter than its header, an unknown revision, flag bits other than the effective
 * bit, or a size that is not exactly the one of its revision (12, 20, 24 bytes). *why is then a
 * static one-line reason ("unknown revision"), else NULL. Sets no thread error detail:
 * a malformed value is a finding, not a failure of the scan.
 */
int lsc_fcaps_parse(struct lsc_fcaps *out, const char **why, const void *p, size_t n);

/* The name of capability bit ("cap_net_raw"), static; NULL above LSC_FCAPS_LAST. */
const char *lsc_fcaps_name(unsigned bit);

/*
 * Writes into dst (size bytes) the capabilities as getcap prints them: the capabilities with the
 * same flags in one group, "cap_chown,cap_net_raw=ep cap_sys_admin=i": permitted only, then
 * both, then inheritable only, with "e" in each group's flags when the effective bit is set (the
 * kernel raises everything the file grants); bits without a name as "cap_N"; "=" when both sets
 * are empty; " [rootid=N]" appended for revision 3. Returns the
 * length written, or -LSC_E_TOO_LARGE when it does not fit (dst then holds a truncated,
 * terminated prefix when size > 0).
 */
int lsc_fcaps_format(char *dst, size_t size, const struct lsc_fcaps *c);

/* The severity of one capability in the permitted set (a data table); unnamed bits are medium. */
enum lsc_severity lsc_fcaps_cap_severity(unsigned bit);

/*
 * The severity of what the capabilities grant: the highest of the permitted capabilities' and,
 * at most low, of those only in the inheritable set (they pass on only what the process already
 * has). info when both sets are empty.
 */
enum lsc_severity lsc_fcaps_severity(const struct lsc_fcaps *c);

#endif
