/*
 * The redactor (redactor.c): its public half is in layerscan.h (lsc_redactor_new, _text,
 * _message); what only the report formats need is here.
 */
#ifndef LSC_LIB_REDACTOR_H
#define LSC_LIB_REDACTOR_H

#include "layerscan/layerscan.h"

/*
 * s with every secret of x redacted (unless flags has LSC_REPORT_SHOW_SECRETS), not sanitised:
 * for a caller that encodes every byte itself (a URI's percent-encoding). The caller's to free();
 * NULL when s is NULL or memory runs out.
 */
char *lsc_redactor_raw(const struct lsc_redactor *x, const char *s, unsigned flags);

#endif
