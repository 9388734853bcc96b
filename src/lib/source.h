/*
 * Sources: a table like the detectors' (source.c), each given only an intake (intake.h) to fill.
 * What every source shares with the others is below the table, in pull.h.
 */
#ifndef LSC_LIB_SOURCE_H
#define LSC_LIB_SOURCE_H

#include "intake.h"
#include "util/buf.h"

struct lsc_source_ops {
	const char *name;
	/* fills the intake from in->target; returns 0 or a negative code with the detail set */
	int (*read)(struct lsc_intake *in);
};

/* The source for a transport, or NULL. */
const struct lsc_source_ops *lsc_source_for(enum lsc_transport t);

extern const struct lsc_source_ops lsc_source_archive;
extern const struct lsc_source_ops lsc_source_oci_layout;
extern const struct lsc_source_ops lsc_source_registry;

#endif
