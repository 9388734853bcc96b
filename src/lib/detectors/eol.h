/*
 * Distribution end of life: whether the final image's release still gets security updates, from a
 * built-in table of release cycles (vendors' published lifecycles) or the os-release SUPPORT_END
 * field. The clock the answer depends on is util/clock.h.
 */
#ifndef LSC_LIB_EOL_H
#define LSC_LIB_EOL_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "layerscan/layerscan.h"

/* Free security support that ends within this many days is LSC_EOL_ENDING_SOON. */
#define LSC_EOL_SOON_DAYS 90

enum lsc_eol_status {
	LSC_EOL_UNKNOWN = 0,   /* no os, or a release the table does not know */
	LSC_EOL_SUPPORTED,     /* free security support for more than 90 days */
	LSC_EOL_ENDING_SOON,   /* free security support ends within 90 days */
	LSC_EOL_EXTENDED_ONLY, /* free support over; only extended/paid support (ESM, ELS, LTSS,
				  ELTS) left */
	LSC_EOL_ENDED,	       /* every support over */
};

struct lsc_eol_verdict {
	enum lsc_eol_status status;
	char product[96];      /* "Debian 10 (buster)", "Ubuntu 20.04 LTS", "Alpine Linux 3.16"; for
				  an unknown release its PRETTY_NAME, else "ID VERSION_ID"; "" with
				  no os */
	char support_end[11];  /* "YYYY-MM-DD" end of free security support, "" when unknown */
	char extended_end[11]; /* "YYYY-MM-DD" end of extended support, "" when none */
	long days;	       /* days from now to support_end (negative: past), 0 when unknown */
	const char *source;    /* "release table" or "SUPPORT_END in os-release"; NULL when
				  UNKNOWN. Static. */
};

/* One row of the release table. Every member is static. */
struct lsc_eol_cycle {
	const char *id; /* os-release ID: "debian", "ubuntu", "alpine", "rhel", ... */
	const char
	    *cycle; /* VERSION_ID, or its leading components: "12", "22.04", "3.19", "15.5" */
	bool exact; /* VERSION_ID must be cycle itself, not cycle "." more */
	const char *pretty; /* a substring PRETTY_NAME must contain ("CentOS Stream"), or NULL */
	const char *product;
	const char *support_end;  /* "YYYY-MM-DD": the last day of free security support */
	const char *extended_end; /* "YYYY-MM-DD": the last day of paid extended support, or NULL */
};

/*
 * The verdict on os at now. A release matches the row of its ID whose cycle is VERSION_ID or its
 * longest leading run of whole components ("3.19.1" -> "3.19", "8.10" -> "8", "15.5" -> "15.5";
 * "3.1" never matches "3.19.1"); a row with pretty also needs it in PRETTY_NAME. A date is a whole
 * UTC day: support ending "2024-06-30" is ENDING_SOON all through that day (days 0) and over
 * from 2024-07-01 (days -1). Free support ends on support_end (os-release's SUPPORT_END,
 * "YYYY-MM-DD" or RFC 3339, or NULL), which wins over the table's date; a malformed support_end
 * is ignored (the image wrote it: the table decides). Without an ID, os is UNKNOWN even with a
 * support_end. Always fills *out; returns 0.
 */
int lsc_eol_check(struct lsc_eol_verdict *out, const struct lsc_os_info *os,
		  const char *support_end, time_t now);

/* The release table (*n rows), borrowed, static. */
const struct lsc_eol_cycle *lsc_eol_table(size_t *n);

#endif
