/*
 * report_xlsx.c: a station report as an XLSX workbook (libxlsxwriter),
 * the file a bureau forwards: Chinese headers, the station and period in
 * a title row, numbers as numbers at the parameter's decimals, "–" and
 * the reason in the note where a figure is absent. The words and figures
 * are report_station.c's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "report.h"
#include "report_out.h"
#include "report_station.h"

#define XL_DECIMALS	7	/* number formats "0" .. "0.000000" */
#define XL_COLS		11	/* of the report sheet */

struct xl {
	lxw_workbook	*wb;
	lxw_worksheet	*ws;
	lxw_format	*title, *head, *text, *date;
	lxw_format	*num[XL_DECIMALS];
	lxw_row_t	 row;
};

static const char *const report_head[XL_COLS] = {
	"监测项目", "项目代码", "测点", "均值", "单位", "水质类别",
	"超标倍数", "目标类别超标倍数", "数据获取率(%)", "有效率(%)", "备注"
};

static const char *const daily_head[] = {
	"日期", "监测项目", "项目代码", "测点", "日均值", "单位", "水质类别",
	"有效样本数", "应测样本数", "数据获取率(%)", "有效率(%)", "备注"
};

static lxw_format *
bordered(lxw_workbook *wb)
{
	lxw_format *f = workbook_add_format(wb);

	format_set_border(f, LXW_BORDER_THIN);
	return f;
}

static void
xl_formats(struct xl *x)
{
	char nf[16] = "0.";
	int d;

	x->title = workbook_add_format(x->wb);
	format_set_bold(x->title);
	format_set_font_size(x->title, 14);
	format_set_align(x->title, LXW_ALIGN_CENTER);
	x->head = bordered(x->wb);
	format_set_bold(x->head);
	format_set_align(x->head, LXW_ALIGN_CENTER);
	format_set_text_wrap(x->head);
	x->text = bordered(x->wb);
	x->date = bordered(x->wb);
	format_set_num_format(x->date, "yyyy-mm-dd");
	x->num[0] = bordered(x->wb);
	format_set_num_format(x->num[0], "0");
	for (d = 1; d < XL_DECIMALS; d++) {
		nf[d + 1] = '0';
		nf[d + 2] = '\0';
		x->num[d] = bordered(x->wb);
		format_set_num_format(x->num[d], nf);
	}
}

/* A number at D decimals, or "–" when it is absent. */
static void
xl_num(struct xl *x, lxw_col_t col, double v, int d)
{
	if (d < 0 || d >= XL_DECIMALS)
		d = XL_DECIMALS - 1;
	if (isfinite(v))
		worksheet_write_number(x->ws, x->row, col, gb3838_round(v, d),
		    x->num[d]);
	else
		worksheet_write_string(x->ws, x->row, col, "–", x->text);
}

static void
xl_str(struct xl *x, lxw_col_t col, const char *s)
{
	worksheet_write_string(x->ws, x->row, col, s, x->text);
}

static void
xl_heads(struct xl *x, const char *const *h, int n)
{
	int i;

	for (i = 0; i < n; i++)
		worksheet_write_string(x->ws, x->row, i, h[i], x->head);
	x->row++;
}

static void
report_row(struct xl *x, const struct rp_station *sr, size_t i)
{
	const struct rp_sensor *r = &sr->st->r[i];
	const struct rp_rate *rt = &sr->rate[i];
	char buf[256], en[256];

	xl_str(x, 0, report_param_zh(r->s->parameter));
	xl_str(x, 1, gb3838_param_label(r->s->parameter));
	xl_str(x, 2, r->s->name);
	xl_num(x, 3, r->cum.mean, r->s->decimals);
	xl_str(x, 4, r->s->unit_label);
	xl_str(x, 5, r->cls ? gb3838_class_name_zh(r->cls) : "–");
	xl_num(x, 6, r->multiple, 2);
	xl_num(x, 7, r->tmultiple, 2);
	xl_num(x, 8, report_rate(rt->obtained, rt->expected), 1);
	xl_num(x, 9, report_rate(rt->valid, rt->expected), 1);
	report_station_note(sr, i, buf, en, sizeof(buf));
	xl_str(x, 10, buf);
	x->row++;
}

/* A row "label | value" under the table, the value across the columns. */
static void
xl_line(struct xl *x, const char *label, const char *value)
{
	worksheet_write_string(x->ws, x->row, 0, label, x->head);
	worksheet_merge_range(x->ws, x->row, 1, x->row, XL_COLS - 1, value,
	    x->text);
	x->row++;
}

static void
report_foot(struct xl *x, const struct rp_station *sr)
{
	const struct rp_site *st = sr->st;
	char zh[512], en[512];

	x->row++;
	xl_line(x, "单因子评价水质类别", st->cls ?
	    gb3838_class_name_zh(st->cls) : "无法评价（无参与评价的项目）");
	report_station_pollutants(sr, zh, en, sizeof(zh));
	xl_line(x, "主要污染指标", zh[0] ? zh : "无（达到Ⅲ类）");
	report_station_tn(sr, zh, en, sizeof(zh));
	if (zh[0])
		xl_line(x, "总氮", zh);
	xl_line(x, "说明", "超标倍数 = (浓度 − Ⅲ类标准) / Ⅲ类标准，按Ⅲ类标准"
	    "计算；水温、pH、溶解氧不计算超标倍数；主要污染指标仅在水质劣于Ⅲ类时"
	    "列出；“–”表示无此数据，原因见备注");
	xl_line(x, "生成", "lakewatch " LW_VERSION);
}

static void
report_sheet(struct xl *x, const struct rp_station *sr)
{
	char sz[64], se[64], buf[512];
	size_t i;

	x->ws = workbook_add_worksheet(x->wb, sr->span == RP_SPAN_DAY ?
	    "日报" : sr->span == RP_SPAN_MONTH ? "月报" : "报告");
	x->row = 0;
	report_station_span(sr, sz, se, sizeof(sz));
	snprintf(buf, sizeof(buf), "%s %s（%s）", sr->st->site,
	    report_station_kind_zh(sr), sz);
	worksheet_merge_range(x->ws, 0, 0, 0, XL_COLS - 1, buf, x->title);
	snprintf(buf, sizeof(buf), "统计时段：%s（%s）；评价标准：GB 3838-2002，"
	    "单因子评价；时区：%s", sz, se, sr->c->timezone ?
	    sr->c->timezone : "UTC");
	worksheet_merge_range(x->ws, 1, 0, 1, XL_COLS - 1, buf, NULL);
	x->row = 3;
	xl_heads(x, report_head, XL_COLS);
	for (i = 0; i < sr->st->n; i++)
		report_row(x, sr, i);
	report_foot(x, sr);
	worksheet_set_column(x->ws, 0, 0, 18, NULL);
	worksheet_set_column(x->ws, 1, 9, 12, NULL);
	worksheet_set_column(x->ws, 10, 10, 40, NULL);
}

static void
daily_row(struct xl *x, const struct rp_station *sr, size_t i, int yday)
{
	const struct rp_sensor *r = &sr->st->r[i];
	lxw_datetime dt = { .year = sr->year };
	struct rp_dayfig f;
	char zh[128], en[128];
	int c;

	report_date_of(sr->year, yday, &dt.month, &dt.day);
	report_station_dayfig(sr, i, yday, &f, zh, en, sizeof(zh));
	c = gb3838_class(r->s->parameter, r->s->water_body, f.mean,
	    r->s->decimals);
	worksheet_write_datetime(x->ws, x->row, 0, &dt, x->date);
	xl_str(x, 1, report_param_zh(r->s->parameter));
	xl_str(x, 2, gb3838_param_label(r->s->parameter));
	xl_str(x, 3, r->s->name);
	xl_num(x, 4, f.mean, r->s->decimals);
	xl_str(x, 5, r->s->unit_label);
	xl_str(x, 6, c ? gb3838_class_name_zh(c) : "–");
	xl_num(x, 7, f.nvalid, 0);
	xl_num(x, 8, f.rate.expected > 0 ? (double)f.rate.expected : NAN, 0);
	xl_num(x, 9, report_rate(f.rate.obtained, f.rate.expected), 1);
	xl_num(x, 10, report_rate(f.rate.valid, f.rate.expected), 1);
	xl_str(x, 11, zh);
	x->row++;
}

static void
daily_sheet(struct xl *x, const struct rp_station *sr)
{
	char sz[64], se[64], buf[512];
	int d, first, last, ncol = sizeof(daily_head) / sizeof(*daily_head);
	size_t i;

	x->ws = workbook_add_worksheet(x->wb, "日均值");
	report_station_span(sr, sz, se, sizeof(sz));
	snprintf(buf, sizeof(buf), "%s 日均值（%s）", sr->st->site, sz);
	worksheet_merge_range(x->ws, 0, 0, 0, ncol - 1, buf, x->title);
	x->row = 2;
	xl_heads(x, daily_head, ncol);
	worksheet_set_column(x->ws, 0, 0, 12, NULL);
	worksheet_set_column(x->ws, 1, 10, 11, NULL);
	worksheet_set_column(x->ws, 11, 11, 24, NULL);
	if (report_station_days(sr, &first, &last) == -1)
		return;
	for (d = first; d <= last; d++)
		for (i = 0; i < sr->st->n; i++)
			daily_row(x, sr, i, d);
}

/*
 * libxlsxwriter writes the file only at workbook_close: build it beside
 * PATH and rename it over PATH, so that a failure leaves no half file.
 */
int
report_station_xlsx(const struct rp_station *sr, const char *path,
    char err[LW_ERRLEN])
{
	struct xl x = { 0 };
	char tmp[4096];
	lxw_error e;
	mode_t um;
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >=
	    sizeof(tmp) || (fd = mkstemp(tmp)) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* mkstemp made it 0600: give it the mode any new file gets */
	um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) == -1)
		log_warn("%s: chmod", tmp);
	close(fd);
	if ((x.wb = workbook_new(tmp)) == NULL) {
		unlink(tmp);
		snprintf(err, LW_ERRLEN, "%s: cannot start a workbook", path);
		return -1;
	}
	xl_formats(&x);
	report_sheet(&x, sr);
	if (sr->daily)
		daily_sheet(&x, sr);
	if ((e = workbook_close(x.wb)) != LXW_NO_ERROR) {
		unlink(tmp);
		snprintf(err, LW_ERRLEN, "%s: %s", path, lxw_strerror(e));
		return -1;
	}
	if (rename(tmp, path) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
