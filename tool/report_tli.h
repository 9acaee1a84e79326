/*
 * report_tli.h: the trophic state (TLI(Σ), 综合营养状态指数, lib/tli.h)
 * of a site in `lakewatch report --site`: each month and the period.
 */
#ifndef LW_REPORT_TLI_H
#define LW_REPORT_TLI_H

#include <jansson.h>
#include <stdio.h>

#include "../lib/tli.h"
#include "report.h"

/*
 * The TLI of judged site ST over its period into *T, from each lake
 * sensor's rounded mean (r->mean: the period's, or a month's for a site
 * of report_site_month), converted to the method's units by its
 * unit_label; the first sensor of a parameter with a mean counts. 1 if
 * computed; 0 if ST has no lake sensor (the method is for lakes and
 * reservoirs: no index, no line); -1 if it lacks chl-a for the period.
 */
int	 report_site_tli(const struct rp_site *st, struct tli *t);
/*
 * "TLI 48.2 中营养 (chla, tp, tn, sd, codmn)", with "; missing sd" when
 * some lacked, or "TLI – (...)" with the reason; "" for a river site.
 */
void	 report_tli_text(const struct rp_site *st, char *buf, size_t len);
/* A line for each month through ST->through and one for the period. */
void	 report_site_tli_text(const struct rp_site *st, FILE *fp);
/*
 * Set "tli" of O: {value, class, class_en, parameters_used, missing} or
 * null, with "tli_reason" when it is null.
 */
void	 report_tli_json(const struct rp_site *st, json_t *o);
/* CSV columns ",tli,tli_class,tli_parameters" and the values of ST's. */
void	 report_tli_csv(const struct rp_site *st, const char *period,
	    FILE *fp);

#endif
