/*
 * report_out.h: a report in words: text, JSON, CSV, and the bulletin
 * sentence (report_out.c). The figures are report.h's.
 */
#ifndef LW_REPORT_OUT_H
#define LW_REPORT_OUT_H

#include <jansson.h>
#include <stdio.h>

#include "report.h"

/* "1–5月" / "Jan–May" (one month alone: "5月" / "May") into BUF. */
void	 report_span_zh(int from, int through, char *buf, size_t len);
void	 report_span_en(int from, int through, char *buf, size_t len);
/* Months of MASK (bit 0: January): "1–3、5月" / "Jan–Mar, May". */
void	 report_months_zh(unsigned mask, char *buf, size_t len);
void	 report_months_en(unsigned mask, char *buf, size_t len);
/* The parameter as a bulletin names it: "总磷". */
const char *report_param_zh(enum parameter p);
/* Sensor R's report (summed by report_sensor_sum) as text, JSON, CSV. */
void	 report_text(const struct conf *c, const struct rp_sensor *r,
	    FILE *fp);
json_t	*report_json(const struct conf *c, const struct rp_sensor *r);
void	 report_csv(const struct rp_sensor *r, FILE *fp);
/*
 * The year-to-date risk of R (report_ytd) in words: "year to date 2026:
 * mean 0.049 mg/L over 5 months (May to date); the remaining 7 months
 * must hold a mean <= 0.050 mg/L for the year to meet Class III"; as
 * JSON: {mean, months_used, remaining_months, required_mean|null,
 * reachable|null, current_month|null}.
 */
void	 report_ytd_text(const struct rp_sensor *r, char *buf, size_t len);
json_t	*report_ytd_json(const struct rp_sensor *r);
/* Site ST's assessment (judged by report_site_judge) as text, JSON. */
void	 report_site_text(const struct rp_site *st, FILE *fp);
json_t	*report_site_json(const struct rp_site *st);

/* The pieces the station report (report_station.c) shares. */
/* "95.0 %", or "n/a" when not defined (sampling = manual). */
void	 report_pct(double v, char *buf, size_t len);
/* ",0.082" (V rounded to D decimals), or "," when absent. */
void	 report_csv_num(FILE *fp, double v, int d);
/* V rounded to D decimals (D < 0: as it is), or null; a class or null. */
json_t	*report_jnum(double v, int d);
json_t	*report_jclass(int c);
/* The English multiple of the site report's main pollutants. */
#define REPORT_OVER_EN	" times over Class III"
/*
 * ST's main pollutants (主要污染指标): "高锰酸盐指数（0.05）、溶解氧" /
 * "CODMn (0.05<OVER_EN>), DO"; empty when there are none.
 */
void	 report_site_pollutants(const struct rp_site *st, const char *over_en,
	    char *zh, char *en, size_t len);
/* "TP, DO": the assessed parameters of ST's class. */
void	 report_site_deciders(const struct rp_site *st, char *buf, size_t len);
/* [{parameter, class, times_over|null}], worst first; [] if none. */
json_t	*report_json_pollutants(const struct rp_site *st);

#endif
