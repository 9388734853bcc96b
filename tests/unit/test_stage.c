/*
 * The image stage (stage.c): what image() reports is kept up to its cap and counted past it, a
 * finding in a layer the image does not have is refused, and the os moves into the report.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "lib/stage.h"

static const struct lsc_rule rule = {.id = "test-rule", .title = "a test rule"};

Test(stage, emit_keeps_a_finding_about_the_image)
{
	struct lsc_stage st = {0};

	cr_assert_eq(lsc_stage_emit(&st, &rule, LSC_SEV_HIGH, LSC_LOC_IMAGE, NULL, "s3cr3t",
				    "in %s", "the name"),
		     0);
	cr_assert_eq(st.nfound, 1);
	cr_assert_eq(st.found[0].rule, &rule);
	cr_assert_eq(st.found[0].layer_index, -1);
	cr_assert(st.found[0].in_final_image);
	cr_assert_str_eq(st.found[0].match, "s3cr3t");
	cr_assert_str_eq(st.found[0].detail, "in the name");
	cr_assert_neq(st.found[0].fingerprint[0], '\0');
	lsc_stage_dispose(&st);
	cr_assert_eq(st.nfound, 0);
	cr_assert_null(st.found);
}

Test(stage, past_the_cap_counted_with_the_highest_severity)
{
	struct lsc_stage st = {0};

	for (unsigned i = 0; i < LSC_STAGE_MAX_FINDINGS; i++) {
		cr_assert_eq(
		    lsc_stage_emit(&st, &rule, LSC_SEV_LOW, LSC_LOC_IMAGE, NULL, NULL, NULL), 0);
	}
	cr_assert_eq(lsc_stage_emit(&st, &rule, LSC_SEV_MEDIUM, LSC_LOC_IMAGE, NULL, NULL, NULL),
		     0);
	cr_assert_eq(lsc_stage_emit(&st, &rule, LSC_SEV_CRITICAL, LSC_LOC_IMAGE, NULL, NULL, NULL),
		     0);
	cr_assert_eq(lsc_stage_emit(&st, &rule, LSC_SEV_INFO, LSC_LOC_IMAGE, NULL, NULL, NULL), 0);
	cr_assert_eq(st.nfound, LSC_STAGE_MAX_FINDINGS);
	cr_assert_eq(st.truncated, 3);
	cr_assert_eq(st.truncated_sev, LSC_SEV_CRITICAL);
	lsc_stage_dispose(&st);
}

Test(stage, a_final_file_in_a_layer_the_image_lacks_is_refused)
{
	struct lsc_stage st = {.nlayers = 2};

	cr_assert_eq(lsc_stage_emit_final(&st, &rule, LSC_SEV_LOW, 2, "/etc/shadow", NULL),
		     -LSC_E_INTERNAL);
	cr_assert_eq(st.nfound, 0);
}

Test(stage, set_os_moves_the_strings)
{
	struct lsc_os_info report_os = {.id = strdup("old")};
	struct lsc_os_info os = {.id = strdup("alpine"), .version_id = strdup("3.19")};
	struct lsc_stage st = {.os = &report_os};

	lsc_stage_set_os(&st, &os);
	cr_assert_str_eq(report_os.id, "alpine");
	cr_assert_str_eq(report_os.version_id, "3.19");
	cr_assert_null(os.id);
	cr_assert_null(os.version_id);
	free(report_os.id);
	free(report_os.version_id);
}

static void on_log(enum lsc_log_level level, const char *msg, void *payload)
{
	cr_assert_eq(level, LSC_LOG_INFO);
	strcpy(payload, msg);
}

Test(stage, log_goes_to_the_scans_callback)
{
	char got[64] = "";
	struct lsc_stage none = {0}, st = {.log = on_log, .payload = got};

	lsc_stage_log(&none, LSC_LOG_INFO, "dropped");
	lsc_stage_log(&st, LSC_LOG_INFO, "base image: %s", "alpine");
	cr_assert_str_eq(got, "base image: alpine");
}
