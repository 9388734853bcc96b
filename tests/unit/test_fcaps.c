/* lib/fcaps: decoding security.capability values, names, getcap-style text, severity. */
#include <criterion/criterion.h>
#include <string.h>

#include "lib/detectors/fcaps.h"

#define CAP_CHOWN 0
#define CAP_DAC_READ_SEARCH 2
#define CAP_SETUID 7
#define CAP_NET_BIND_SERVICE 10
#define CAP_NET_ADMIN 12
#define CAP_NET_RAW 13
#define CAP_SYS_ADMIN 21
#define CAP_SETFCAP 31
#define CAP_BPF 39
#define CAP_CHECKPOINT_RESTORE 40

#define BIT(n) ((uint64_t)1 << (n))

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A value as the kernel writes it: n is 12, 20 or 24 for revisions 1, 2, 3. */
static size_t value(uint8_t *b, uint32_t magic, uint64_t perm, uint64_t inh, uint32_t rootid)
{
	size_t n = (magic >> 24) == 1 ? 12 : (magic >> 24) == 2 ? 20 : 24;

	memset(b, 0, 24);
	put32(b, magic);
	put32(b + 4, (uint32_t)perm);
	put32(b + 8, (uint32_t)inh);
	if (n > 12) {
		put32(b + 12, (uint32_t)(perm >> 32));
		put32(b + 16, (uint32_t)(inh >> 32));
	}
	if (n > 20) {
		put32(b + 20, rootid);
	}
	return n;
}

static struct lsc_fcaps parse_ok(const uint8_t *b, size_t n)
{
	struct lsc_fcaps c;
	const char *why = "unset";
	int rc = lsc_fcaps_parse(&c, &why, b, n);

	cr_assert_eq(rc, 0, "parse: %d (%s)", rc, why ? why : "");
	cr_assert_null(why);
	return c;
}

static const char *parse_bad(const uint8_t *b, size_t n)
{
	struct lsc_fcaps c;
	const char *why = NULL;

	cr_assert_eq(lsc_fcaps_parse(&c, &why, b, n), -LSC_E_FORMAT, "%zu bytes accepted", n);
	cr_assert_not_null(why);
	cr_assert_gt(strlen(why), 0);
	return why;
}

static const char *text(const struct lsc_fcaps *c)
{
	static char buf[LSC_FCAPS_TEXT_MAX];
	int n = lsc_fcaps_format(buf, sizeof(buf), c);

	cr_assert_geq(n, 0);
	cr_assert_eq((size_t)n, strlen(buf));
	return buf;
}

/* --- revisions --------------------------------------------------------------------------- */

Test(fcaps, revision_1_effective)
{
	/* what `setcap cap_net_raw=ep` wrote before 64-bit sets: 01 00 00 01, then 2 u32 */
	static const uint8_t b[] = {0x01, 0x00, 0x00, 0x01, 0x00, 0x20,
				    0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct lsc_fcaps c = parse_ok(b, sizeof(b));

	cr_assert_eq(c.revision, 1);
	cr_assert(c.effective);
	cr_assert_eq(c.permitted, BIT(CAP_NET_RAW));
	cr_assert_eq(c.inheritable, 0);
	cr_assert_not(c.has_rootid);
	cr_assert_str_eq(text(&c), "cap_net_raw=ep");
}

Test(fcaps, revision_2_high_word)
{
	uint8_t b[24];
	size_t n = value(b, 0x02000000, BIT(CAP_SYS_ADMIN) | BIT(CAP_BPF), 0, 0);
	struct lsc_fcaps c = parse_ok(b, n);

	cr_assert_eq(n, 20);
	cr_assert_eq(c.revision, 2);
	cr_assert_not(c.effective);
	cr_assert_eq(c.permitted, BIT(CAP_SYS_ADMIN) | BIT(CAP_BPF));
	cr_assert_str_eq(text(&c), "cap_sys_admin,cap_bpf=p");
}

Test(fcaps, revision_2_exact_bytes)
{
	/* getfattr -e hex of /usr/bin/ping on Debian 12: 0x0100000200200000... as kernel stores */
	static const uint8_t b[] = {0x01, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
				    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
	struct lsc_fcaps c = parse_ok(b, sizeof(b));

	cr_assert_eq(c.revision, 2);
	cr_assert(c.effective);
	cr_assert_eq(c.permitted, BIT(CAP_NET_RAW));
	cr_assert_str_eq(text(&c), "cap_net_raw=ep");
}

Test(fcaps, revision_3_rootid)
{
	uint8_t b[24];
	size_t n = value(b, 0x03000001, BIT(CAP_NET_BIND_SERVICE), 0, 100000);
	struct lsc_fcaps c = parse_ok(b, n);

	cr_assert_eq(n, 24);
	cr_assert_eq(c.revision, 3);
	cr_assert(c.effective);
	cr_assert(c.has_rootid);
	cr_assert_eq(c.rootid, 100000);
	cr_assert_str_eq(text(&c), "cap_net_bind_service=ep [rootid=100000]");
}

Test(fcaps, revision_3_rootid_zero_still_noted)
{
	uint8_t b[24];
	size_t n = value(b, 0x03000000, BIT(CAP_CHOWN), 0, 0);
	struct lsc_fcaps c = parse_ok(b, n);

	cr_assert(c.has_rootid);
	cr_assert_str_eq(text(&c), "cap_chown=p [rootid=0]");
}

Test(fcaps, bytes_beyond_value_not_read)
{
	/* the parser must not look past n even when the buffer is longer */
	uint8_t b[32];

	memset(b, 0xff, sizeof(b));
	value(b, 0x01000001, BIT(CAP_CHOWN), 0, 0);
	b[12] = 0xff;
	cr_assert_eq(parse_ok(b, 12).permitted, BIT(CAP_CHOWN));
}

/* --- permitted, inheritable, effective ------------------------------------------------------ */

Test(fcaps, groups_by_flags)
{
	uint8_t b[24];
	size_t n = value(b, 0x02000001, BIT(CAP_NET_RAW) | BIT(CAP_SYS_ADMIN),
			 BIT(CAP_SYS_ADMIN) | BIT(CAP_SETUID), 0);
	struct lsc_fcaps c = parse_ok(b, n);

	cr_assert_str_eq(text(&c), "cap_net_raw=ep cap_sys_admin=eip cap_setuid=ei");
	c.effective = false;
	cr_assert_str_eq(text(&c), "cap_net_raw=p cap_sys_admin=ip cap_setuid=i");
}

Test(fcaps, inheritable_only)
{
	uint8_t b[24];
	size_t n = value(b, 0x02000000, 0, BIT(CAP_SYS_ADMIN), 0);
	struct lsc_fcaps c = parse_ok(b, n);

	cr_assert_eq(c.permitted, 0);
	cr_assert_eq(c.inheritable, BIT(CAP_SYS_ADMIN));
	cr_assert_str_eq(text(&c), "cap_sys_admin=i");
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_LOW);
}

Test(fcaps, empty_sets)
{
	uint8_t b[24];
	size_t n = value(b, 0x02000001, 0, 0, 0);
	struct lsc_fcaps c = parse_ok(b, n);

	cr_assert_str_eq(text(&c), "=");
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_INFO);
}

Test(fcaps, unknown_bits_by_number)
{
	uint8_t b[24];
	size_t n = value(b, 0x02000001, BIT(CAP_CHECKPOINT_RESTORE) | BIT(41) | BIT(63), 0, 0);
	struct lsc_fcaps c = parse_ok(b, n);

	cr_assert_str_eq(text(&c), "cap_checkpoint_restore,cap_41,cap_63=ep");
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_MEDIUM);
}

/* --- malformed ------------------------------------------------------------------------------ */

Test(fcaps, too_short_for_header)
{
	static const uint8_t b[] = {0x01, 0x00, 0x00, 0x02};

	for (size_t n = 0; n < 4; n++) {
		cr_assert_str_eq(parse_bad(b, n), "shorter than its 4-byte header");
	}
	/* n == 0 with no buffer at all */
	{
		struct lsc_fcaps c;
		const char *why;

		cr_assert_eq(lsc_fcaps_parse(&c, &why, NULL, 0), -LSC_E_FORMAT);
	}
}

Test(fcaps, wrong_size_for_revision)
{
	uint8_t b[32] = {0};
	static const struct {
		uint32_t magic;
		size_t good;
	} revs[] = {{0x01000000, 12}, {0x02000000, 20}, {0x03000000, 24}};

	for (size_t r = 0; r < 3; r++) {
		put32(b, revs[r].magic | 1);
		for (size_t n = 4; n <= sizeof(b); n++) {
			struct lsc_fcaps c;
			const char *why;
			int rc = lsc_fcaps_parse(&c, &why, b, n);

			if (n == revs[r].good) {
				cr_assert_eq(rc, 0);
				continue;
			}
			cr_assert_eq(rc, -LSC_E_FORMAT, "rev %zu, %zu bytes accepted", r + 1, n);
			cr_assert_str_eq(why, n < revs[r].good ? "shorter than its revision's size"
							       : "longer than its revision's size");
		}
	}
}

Test(fcaps, unknown_revisions)
{
	static const uint32_t magics[] = {0x00000000, 0x00000001, 0x04000001, 0xff000000,
					  0x80000000};
	uint8_t b[24] = {0};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		put32(b, magics[i]);
		for (size_t n = 4; n <= 24; n += 4) {
			cr_assert_str_eq(parse_bad(b, n), "unknown revision");
		}
	}
}

Test(fcaps, stray_flag_bits)
{
	static const uint32_t magics[] = {0x02000002, 0x02000003, 0x02800000, 0x01000100,
					  0x03fffffe};
	uint8_t b[24] = {0};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		size_t n = value(b, magics[i], BIT(CAP_NET_RAW), 0, 0);

		cr_assert_str_eq(parse_bad(b, n), "flag bits other than the effective bit");
	}
}

Test(fcaps, failure_clears_out)
{
	struct lsc_fcaps c;
	const char *why;
	static const uint8_t b[] = {0x00, 0x00, 0x00, 0x09};

	memset(&c, 0xab, sizeof(c));
	cr_assert_eq(lsc_fcaps_parse(&c, &why, b, sizeof(b)), -LSC_E_FORMAT);
	cr_assert_eq(c.permitted, 0);
	cr_assert_eq(c.revision, 0);
}

/* --- names ------------------------------------------------------------------------------------ */

Test(fcaps, names)
{
	cr_assert_str_eq(lsc_fcaps_name(0), "cap_chown");
	cr_assert_str_eq(lsc_fcaps_name(CAP_DAC_READ_SEARCH), "cap_dac_read_search");
	cr_assert_str_eq(lsc_fcaps_name(CAP_NET_RAW), "cap_net_raw");
	cr_assert_str_eq(lsc_fcaps_name(CAP_SYS_ADMIN), "cap_sys_admin");
	cr_assert_str_eq(lsc_fcaps_name(27), "cap_mknod");
	cr_assert_str_eq(lsc_fcaps_name(CAP_SETFCAP), "cap_setfcap");
	cr_assert_str_eq(lsc_fcaps_name(38), "cap_perfmon");
	cr_assert_str_eq(lsc_fcaps_name(CAP_BPF), "cap_bpf");
	cr_assert_str_eq(lsc_fcaps_name(LSC_FCAPS_LAST), "cap_checkpoint_restore");
	cr_assert_null(lsc_fcaps_name(LSC_FCAPS_LAST + 1));
	cr_assert_null(lsc_fcaps_name(63));
	cr_assert_null(lsc_fcaps_name(1000));
	for (unsigned i = 0; i <= LSC_FCAPS_LAST; i++) {
		cr_assert_not_null(lsc_fcaps_name(i));
		cr_assert_eq(strncmp(lsc_fcaps_name(i), "cap_", 4), 0);
		for (unsigned k = 0; k < i; k++) {
			cr_assert_str_neq(lsc_fcaps_name(i), lsc_fcaps_name(k));
		}
	}
}

/* --- formatting bounds ------------------------------------------------------------------------ */

Test(fcaps, every_bit_fits_the_max)
{
	struct lsc_fcaps c = {.revision = 3,
			      .effective = true,
			      .permitted = 0x00000000ffffffffull,
			      .inheritable = 0xffffffff0000ffffull,
			      .has_rootid = true,
			      .rootid = 4294967295u};
	char buf[LSC_FCAPS_TEXT_MAX];
	int n = lsc_fcaps_format(buf, sizeof(buf), &c);

	cr_assert_gt(n, 0);
	cr_assert_lt((size_t)n, sizeof(buf));
	/* bits 16-31 are permitted only: their group comes first */
	cr_assert(strstr(buf, "cap_sys_module,") == buf, "%s", buf);
	cr_assert_not_null(strstr(buf, "=eip "));
	cr_assert_not_null(strstr(buf, "cap_63=ei [rootid=4294967295]"));
	c.permitted = ~0ull;
	c.inheritable = 0;
	cr_assert_gt(lsc_fcaps_format(buf, sizeof(buf), &c), 0);
}

Test(fcaps, too_small_buffer_truncates_terminated)
{
	struct lsc_fcaps c = {
	    .revision = 2, .effective = true, .permitted = BIT(CAP_NET_RAW) | BIT(CAP_SYS_ADMIN)};
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	cr_assert_eq(lsc_fcaps_format(buf, sizeof(buf), &c), -LSC_E_TOO_LARGE);
	cr_assert_str_eq(buf, "cap_net");
	cr_assert_eq(lsc_fcaps_format(buf, 0, &c), -LSC_E_TOO_LARGE);
	/* exactly enough room */
	{
		char fit[sizeof("cap_net_raw,cap_sys_admin=ep")];

		cr_assert_eq(lsc_fcaps_format(fit, sizeof(fit), &c), (int)sizeof(fit) - 1);
		cr_assert_str_eq(fit, "cap_net_raw,cap_sys_admin=ep");
		cr_assert_eq(lsc_fcaps_format(fit, sizeof(fit) - 1, &c), -LSC_E_TOO_LARGE);
	}
}

/* --- severity --------------------------------------------------------------------------------- */

Test(fcaps, cap_severity_table)
{
	static const unsigned critical[] = {2, 16, 17, 19, 21};
	static const unsigned high[] = {0, 1, 3, 6, 7, 8, 12, 22, 31, 32, 33, 39};
	static const unsigned medium[] = {4, 5, 9, 13, 15, 18, 24, 25, 27, 30, 34, 38, 40};
	static const unsigned low[] = {10, 11, 14, 20, 23, 26, 28, 29, 35, 36, 37};
	size_t total = 0;

	for (size_t i = 0; i < sizeof(critical) / sizeof(critical[0]); i++, total++) {
		cr_assert_eq(lsc_fcaps_cap_severity(critical[i]), LSC_SEV_CRITICAL, "%u",
			     critical[i]);
	}
	for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++, total++) {
		cr_assert_eq(lsc_fcaps_cap_severity(high[i]), LSC_SEV_HIGH, "%u", high[i]);
	}
	for (size_t i = 0; i < sizeof(medium) / sizeof(medium[0]); i++, total++) {
		cr_assert_eq(lsc_fcaps_cap_severity(medium[i]), LSC_SEV_MEDIUM, "%u", medium[i]);
	}
	for (size_t i = 0; i < sizeof(low) / sizeof(low[0]); i++, total++) {
		cr_assert_eq(lsc_fcaps_cap_severity(low[i]), LSC_SEV_LOW, "%u", low[i]);
	}
	cr_assert_eq(total, LSC_FCAPS_LAST + 1, "every capability is in one list");
	cr_assert_eq(lsc_fcaps_cap_severity(41), LSC_SEV_MEDIUM);
	cr_assert_eq(lsc_fcaps_cap_severity(63), LSC_SEV_MEDIUM);
}

Test(fcaps, set_severity_is_the_highest)
{
	struct lsc_fcaps c = {.revision = 2, .effective = true};

	c.permitted = BIT(CAP_NET_BIND_SERVICE);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_LOW);
	c.permitted |= BIT(CAP_NET_RAW);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_MEDIUM);
	c.permitted |= BIT(CAP_NET_ADMIN);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_HIGH);
	c.permitted |= BIT(CAP_SYS_ADMIN);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_CRITICAL);
	/* the effective bit does not change what the file can grant */
	c.effective = false;
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_CRITICAL);
}

Test(fcaps, inheritable_counts_at_most_low)
{
	struct lsc_fcaps c = {.revision = 2};

	c.inheritable = BIT(CAP_SYS_ADMIN) | BIT(CAP_SETFCAP);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_LOW);
	c.inheritable = BIT(CAP_NET_BIND_SERVICE);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_LOW);
	/* in both sets: the permitted one counts in full */
	c.permitted = BIT(CAP_SYS_ADMIN);
	c.inheritable = BIT(CAP_SYS_ADMIN);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_CRITICAL);
	/* a low permitted one and a critical inheritable one: low */
	c.permitted = BIT(CAP_NET_BIND_SERVICE);
	c.inheritable = BIT(CAP_SYS_ADMIN);
	cr_assert_eq(lsc_fcaps_severity(&c), LSC_SEV_LOW);
}
