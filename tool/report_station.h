/*
 * report_station.h: a station report (站点日报, 月报): every parameter of a
 * site over a day, a month or the cumulative period (its mean, class,
 * times over Class III, capture rate), the site's single-factor class,
 * its main pollutants, the TN note of lakes, and optionally its daily
 * means; as text, CSV, JSON (report_station.c) and XLSX
 * (report_xlsx.c). The figures are report.h's.
 */
#ifndef LW_REPORT_STATION_H
#define LW_REPORT_STATION_H

#include <jansson.h>
#include <stdio.h>

#include "report.h"

enum rp_span { RP_SPAN_PERIOD, RP_SPAN_MONTH, RP_SPAN_DAY };

/*
 * A station report. ST is the span's site: each st->r[i] holds that
 * span's figures in its cumulative fields (cum, mean, cls, multiple,
 * tmultiple), as report_site_judge, report_site_month and
 * report_site_day leave them; RATE[i] are its counts over the span.
 * Y[i] are the sensors' days of YEAR (report_load), needed for a day
 * and for DAILY; NULL otherwise. The caller owns all of it.
 */
struct rp_station {
	const struct conf	*c;
	const struct rp_site	*st;
	enum rp_span		 span;
	int			 year;
	int			 month;	/* MONTH, DAY: 1..12 */
	int			 mday;	/* DAY: 1..31 */
	struct rp_rate		*rate;
	struct rp_year		*y;
	int			 daily;	/* list the daily means */
};

/* One day of one sensor: its mean and its counts. */
struct rp_dayfig {
	double		 mean;		/* NAN: not valid */
	int		 nvalid;	/* valid samples */
	int		 need;		/* valid samples a valid day needs */
	int		 begun;		/* 0: after today, expects nothing */
	struct rp_rate	 rate;		/* expected 0: manual */
};

/* --- pure ------------------------------------------------------------ */

/*
 * Day YDAY (0 = 1 Jan) of Y under R into *F: a continuous sensor's day
 * mean by report_day_mean, a manual sensor's the mean of its valid
 * results that day (no day rule); counts by report_day_counts.
 */
void	 report_day_fig(const struct rp_year *y, int yday,
	    const struct rp_rules *r, struct rp_dayfig *f);
/*
 * Day MDAY of MONTH of judged site ST as a span of its own into *OUT,
 * its sensors in BUF and their counts in RATE (ST->n each), from their
 * days Y (ST->n, parallel to ST->r): the class and figures of that day.
 */
void	 report_site_day(const struct rp_site *st, const struct rp_year *y,
	    int month, int mday, struct rp_site *out, struct rp_sensor *buf,
	    struct rp_rate *rate);
/* The counts of each sensor of ST over its span (r->cum) into RATE. */
void	 report_site_rates(const struct rp_site *st, struct rp_rate *rate);
/* 1 if any sensor of ST measures a lake or reservoir. */
int	 report_site_lake(const struct rp_site *st);
/*
 * Why parameter I of SR has no mean, in Chinese and English ("有效天数
 * 不足（4/30，需20天）" / "too few valid days (4 of 30, need 20)");
 * both empty when it has one.
 */
void	 report_station_reason(const struct rp_station *sr, size_t i,
	    char *zh, char *en, size_t len);
/* The note on parameter I: the reason, "总氮单独评价", "无水质类别". */
void	 report_station_note(const struct rp_station *sr, size_t i,
	    char *zh, char *en, size_t len);
/* The main pollutants of SR: "总磷（0.64）、溶解氧" / "TP (0.64), DO". */
void	 report_station_pollutants(const struct rp_station *sr, char *zh,
	    char *en, size_t len);
/* "2026年5月12日" / "2026-05-12" and so on: the span's name. */
void	 report_station_span(const struct rp_station *sr, char *zh, char *en,
	    size_t len);
/* "水质日报" / "水质月报" / "水质报告". */
const char *report_station_kind_zh(const struct rp_station *sr);
/* The TN note of a lake site ("湖库总氮单独评价：Ⅲ类"); "" for rivers. */
void	 report_station_tn(const struct rp_station *sr, char *zh, char *en,
	    size_t len);
/*
 * Day YDAY of parameter I of SR (SR->y) into *F, with why its mean is
 * absent ("无有效数据" / "no valid sample"; empty when it has one).
 */
void	 report_station_dayfig(const struct rp_station *sr, size_t i,
	    int yday, struct rp_dayfig *f, char *zh, char *en, size_t len);
/* The MONTH and MDAY of day YDAY (0 = 1 Jan) of YEAR. */
void	 report_date_of(int year, int yday, int *month, int *mday);
/* Days of SR's daily list: yday FIRST .. LAST (inclusive), 0 or -1. */
int	 report_station_days(const struct rp_station *sr, int *first,
	    int *last);

/* --- output ---------------------------------------------------------- */

void	 report_station_text(const struct rp_station *sr, FILE *fp);
/* The daily means of SR as a text table (text of any span). */
void	 report_station_daily_text(const struct rp_station *sr, FILE *fp);
void	 report_station_csv(const struct rp_station *sr, FILE *fp);
json_t	*report_station_json(const struct rp_station *sr);
/* [{date, parameter, sensor, mean, class, ...}]: the daily means. */
json_t	*report_station_daily_json(const struct rp_station *sr);
/* Into J: "tn_note" (null when none) and, with daily, "daily". */
void	 report_station_json_tail(const struct rp_station *sr, json_t *j);
/*
 * SR as an XLSX workbook at PATH (report_xlsx.c): the report sheet and,
 * with DAILY, a sheet of daily means. 0, or -1 with err filled.
 */
int	 report_station_xlsx(const struct rp_station *sr, const char *path,
	    char err[LW_ERRLEN]);

#endif
