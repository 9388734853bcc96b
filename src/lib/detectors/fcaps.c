/*
 * File capabilities. The layout is the kernel's (include/uapi/linux/capability.h): a little
 * endian u32 magic_etc (revision in the high byte, flags below), then one (revision 1) or two
 * (revisions 2 and 3) pairs of u32 permitted/inheritable, then for revision 3 a u32 rootid.
 */
#include "fcaps.h"

#include <stdio.h>
#include <string.h>

#define REVISION_MASK 0xFF000000u
#define REVISION_1 0x01000000u
#define REVISION_2 0x02000000u
#define REVISION_3 0x03000000u
#define FLAGS_EFFECTIVE 0x000001u

#define SIZE_1 12u
#define SIZE_2 20u
#define SIZE_3 24u

/* One line per capability, in bit order: a new capability is one line. */
static const struct {
	const char *name;
	enum lsc_severity severity;
} caps[LSC_FCAPS_LAST + 1] = {
    {"cap_chown", LSC_SEV_HIGH},	       /* 0: chown any file, e.g. to itself */
    {"cap_dac_override", LSC_SEV_HIGH},	       /* 1: read and write any file */
    {"cap_dac_read_search", LSC_SEV_CRITICAL}, /* 2: read any file, open_by_handle_at escapes */
    {"cap_fowner", LSC_SEV_HIGH},	       /* 3: chmod any file */
    {"cap_fsetid", LSC_SEV_MEDIUM},
    {"cap_kill", LSC_SEV_MEDIUM},
    {"cap_setgid", LSC_SEV_HIGH},
    {"cap_setuid", LSC_SEV_HIGH}, /* 7: become uid 0 */
    {"cap_setpcap", LSC_SEV_HIGH},
    {"cap_linux_immutable", LSC_SEV_MEDIUM},
    {"cap_net_bind_service", LSC_SEV_LOW}, /* 10: ports below 1024 only */
    {"cap_net_broadcast", LSC_SEV_LOW},
    {"cap_net_admin", LSC_SEV_HIGH},
    {"cap_net_raw", LSC_SEV_MEDIUM}, /* 13: spoofing and sniffing on the container's network */
    {"cap_ipc_lock", LSC_SEV_LOW},
    {"cap_ipc_owner", LSC_SEV_MEDIUM},
    {"cap_sys_module", LSC_SEV_CRITICAL}, /* 16: load kernel code */
    {"cap_sys_rawio", LSC_SEV_CRITICAL},  /* 17: /dev/mem, ioperm */
    {"cap_sys_chroot", LSC_SEV_MEDIUM},
    {"cap_sys_ptrace", LSC_SEV_CRITICAL}, /* 19: inject into any process it can see */
    {"cap_sys_pacct", LSC_SEV_LOW},
    {"cap_sys_admin", LSC_SEV_CRITICAL}, /* 21: mount, and most of what root can do */
    {"cap_sys_boot", LSC_SEV_HIGH},
    {"cap_sys_nice", LSC_SEV_LOW},
    {"cap_sys_resource", LSC_SEV_MEDIUM},
    {"cap_sys_time", LSC_SEV_MEDIUM},
    {"cap_sys_tty_config", LSC_SEV_LOW},
    {"cap_mknod", LSC_SEV_MEDIUM}, /* 27: device nodes are still subject to the device cgroup */
    {"cap_lease", LSC_SEV_LOW},
    {"cap_audit_write", LSC_SEV_LOW},
    {"cap_audit_control", LSC_SEV_MEDIUM},
    {"cap_setfcap", LSC_SEV_HIGH}, /* 31: grant any capability to any file */
    {"cap_mac_override", LSC_SEV_HIGH},
    {"cap_mac_admin", LSC_SEV_HIGH},
    {"cap_syslog", LSC_SEV_MEDIUM},
    {"cap_wake_alarm", LSC_SEV_LOW},
    {"cap_block_suspend", LSC_SEV_LOW},
    {"cap_audit_read", LSC_SEV_LOW},
    {"cap_perfmon", LSC_SEV_MEDIUM},
    {"cap_bpf", LSC_SEV_HIGH},
    {"cap_checkpoint_restore", LSC_SEV_MEDIUM},
};

_Static_assert(sizeof(caps) / sizeof(caps[0]) == LSC_FCAPS_LAST + 1, "one line per capability");

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int lsc_fcaps_parse(struct lsc_fcaps *out, const char **why, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t magic, rev;
	size_t want;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	if (n < 4) {
		*why = "shorter than its 4-byte header";
		return -LSC_E_FORMAT;
	}
	magic = le32(b);
	rev = magic & REVISION_MASK;
	switch (rev) {
	case REVISION_1:
		want = SIZE_1;
		break;
	case REVISION_2:
		want = SIZE_2;
		break;
	case REVISION_3:
		want = SIZE_3;
		break;
	default:
		*why = "unknown revision";
		return -LSC_E_FORMAT;
	}
	/* the kernel refuses a value with flags it does not know rather than guess their meaning */
	if (magic & ~(REVISION_MASK | FLAGS_EFFECTIVE)) {
		*why = "flag bits other than the effective bit";
		return -LSC_E_FORMAT;
	}
	if (n != want) {
		*why = n < want ? "shorter than its revision's size"
				: "longer than its revision's size";
		return -LSC_E_FORMAT;
	}
	out->revision = rev >> 24;
	out->effective = magic & FLAGS_EFFECTIVE;
	out->permitted = le32(b + 4);
	out->inheritable = le32(b + 8);
	if (rev != REVISION_1) {
		out->permitted |= (uint64_t)le32(b + 12) << 32;
		out->inheritable |= (uint64_t)le32(b + 16) << 32;
	}
	if (rev == REVISION_3) {
		out->has_rootid = true;
		out->rootid = le32(b + 20);
	}
	return 0;
}

const char *lsc_fcaps_name(unsigned bit)
{
	return bit <= LSC_FCAPS_LAST ? caps[bit].name : NULL;
}

enum lsc_severity lsc_fcaps_cap_severity(unsigned bit)
{
	return bit <= LSC_FCAPS_LAST ? caps[bit].severity : LSC_SEV_MEDIUM;
}

static enum lsc_severity set_max(uint64_t set)
{
	enum lsc_severity s = LSC_SEV_INFO;

	for (unsigned bit = 0; bit < 64; bit++) {
		if ((set >> bit & 1) && lsc_fcaps_cap_severity(bit) > s) {
			s = lsc_fcaps_cap_severity(bit);
		}
	}
	return s;
}

enum lsc_severity lsc_fcaps_severity(const struct lsc_fcaps *c)
{
	enum lsc_severity p = set_max(c->permitted);
	enum lsc_severity i = set_max(c->inheritable & ~c->permitted);

	if (i > LSC_SEV_LOW) {
		i = LSC_SEV_LOW;
	}
	return p > i ? p : i;
}

/* Appends to dst at *len; false once it no longer fits (what fits is written, terminated). */
static bool put(char *dst, size_t size, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= size) {
		if (size > *len) {
			memcpy(dst + *len, s, size - *len - 1);
			dst[size - 1] = 0;
			*len = size - 1;
		}
		return false;
	}
	memcpy(dst + *len, s, n + 1);
	*len += n;
	return true;
}

static bool put_group(char *dst, size_t size, size_t *len, uint64_t set, const char *flags)
{
	char num[16];
	bool first = true;

	if (!set) {
		return true;
	}
	if (*len > 0 && !put(dst, size, len, " ")) {
		return false;
	}
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *name = lsc_fcaps_name(bit);

		if (!(set >> bit & 1)) {
			continue;
		}
		if (!name) {
			snprintf(num, sizeof(num), "cap_%u", bit);
			name = num;
		}
		if ((!first && !put(dst, size, len, ",")) || !put(dst, size, len, name)) {
			return false;
		}
		first = false;
	}
	return put(dst, size, len, "=") && put(dst, size, len, flags);
}

int lsc_fcaps_format(char *dst, size_t size, const struct lsc_fcaps *c)
{
	uint64_t both = c->permitted & c->inheritable;
	size_t len = 0;
	char note[32];
	bool ok;

	if (size > 0) {
		dst[0] = 0;
	}
	ok = put_group(dst, size, &len, c->permitted & ~both, c->effective ? "ep" : "p") &&
	     put_group(dst, size, &len, both, c->effective ? "eip" : "ip") &&
	     put_group(dst, size, &len, c->inheritable & ~both, c->effective ? "ei" : "i");
	if (ok && len == 0) {
		ok = put(dst, size, &len, "=");
	}
	if (ok && c->has_rootid) {
		snprintf(note, sizeof(note), " [rootid=%u]", (unsigned)c->rootid);
		ok = put(dst, size, &len, note);
	}
	if (!ok) {
		return -LSC_E_TOO_LARGE;
	}
	return (int)len;
}
