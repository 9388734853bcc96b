/* The human report: findings grouped by severity. */
#ifndef LSC_CLI_RENDER_TABLE_H
#define LSC_CLI_RENDER_TABLE_H

#include <stdbool.h>
#include <stdio.h>

#include "layerscan/layerscan.h"

struct render_opts {
	bool color;
	bool show_secrets;
	enum lsc_severity fail_on;
};

void render_table(FILE *out, const struct lsc_report *r, const struct render_opts *o);
void render_rules_table(FILE *out);

#endif
