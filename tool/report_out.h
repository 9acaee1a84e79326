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
/* Site ST's assessment (judged by report_site_judge) as text, JSON. */
void	 report_site_text(const struct rp_site *st, FILE *fp);
json_t	*report_site_json(const struct rp_site *st);

#endif
