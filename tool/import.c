/*
 * import.c: `lakewatch import`: backfill lab or historical results
 * (time,value[,flag], or a sheet as Excel and WPS save it: RFC 4180 by
 * libcsv, UTF-8 or GBK by iconv, Chinese headers, a unit column) into the
 * sample log and, where time order allows, the RRD. Every row is checked before anything is written: one bad row
 * and nothing changes. The sample log stays append-only (it is the audit
 * trail): new rows are appended, in time order, to the files of their
 * UTC months; a row whose time is already in the log is skipped.
 */
#include <sys/stat.h>

#include <errno.h>
#include <csv.h>
#include <fcntl.h>
#include <getopt.h>
#include <iconv.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/log.h"
#include "../lib/rrdcached.h"
#include "../lib/rrdfile.h"
#include "../lib/samplelog.h"
#include "../lib/util.h"
#include "report.h"
#include "tool.h"

#define MAX_SHOWN	20	/* bad rows printed before "... and N more" */
#define BATCH		1024	/* RRD updates per call */
#define FUTURE_SLACK	300	/* s a row may be ahead of the clock */
#define FIRST_TIME	315532800	/* 1980-01-01Z: rrd_create refuses less */
#define VALUE_MAX	1e9	/* |value|, as range_min/range_max allow */

struct imp_row {
	time_t	t;
	double	value;		/* NAN if empty */
	char	flag;
	int	line;
	int	dup;		/* already in the sample log */
};

struct imp {
	const struct conf	 *c;
	const struct conf_sensor *s;
	const char		 *csv;	/* the input, for messages */
	struct imp_row		 *row;
	size_t			  n, cap;
	int			  bad;	/* rows rejected */
	int			  dry;	/* -n: check only */
	const char		 *enc;	/* --encoding; NULL: guess */
};

static void bad_row(struct imp *, int, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
bad_row(struct imp *im, int line, const char *fmt, ...)
{
	va_list ap;

	if (im->bad++ >= MAX_SHOWN)
		return;
	fprintf(stderr, "%s:%d: ", im->csv, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* ---- units ------------------------------------------------------------ */

/*
 * The units a lab sheet may give, by kind, with their size in the kind's
 * smallest unit: a value converts only within its kind (μg/L to mg/L), and
 * a unit not listed converts only to itself.
 */
static const struct unit {
	const char	*name;
	int		 kind;
	double		 size;
} units[] = {
	{ "mg/L", 1, 1000 }, { "毫克/升", 1, 1000 },
	{ "µg/L", 1, 1 }, { "μg/L", 1, 1 }, { "ug/L", 1, 1 },
	{ "微克/升", 1, 1 },
	{ "°C", 2, 1 }, { "℃", 2, 1 },
	{ "µS/cm", 3, 1 }, { "μS/cm", 3, 1 }, { "uS/cm", 3, 1 },
	{ "mS/cm", 3, 1000 },
	{ "", 4, 1 }, { "无量纲", 4, 1 }, { "-", 4, 1 },
	{ NULL, 0, 0 }
};

static const struct unit *
unit_find(const char *name)
{
	const struct unit *u;

	for (u = units; u->name != NULL; u++)
		if (strcasecmp(u->name, name) == 0)
			return u;
	return NULL;
}

/* *K turns a value in unit FROM into the sensor's unit; -1 if it cannot. */
static int
unit_factor(const struct conf_sensor *s, const char *from, double *k)
{
	const struct unit *f = unit_find(from), *t = unit_find(s->unit_label);

	*k = 1;
	if (*from == '\0' || strcasecmp(from, s->unit_label) == 0)
		return 0;
	if (f == NULL || t == NULL || f->kind != t->kind)
		return -1;
	*k = f->size / t->size;
	return 0;
}

/* ---- one row ---------------------------------------------------------- */

/* The value field into *V in the sensor's unit (NAN if empty); 0 or -1. */
static int
parse_value(struct imp *im, const char *s, char flag, int line, double k,
    double *v)
{
	char *end;

	if (*s == '\0') {
		*v = NAN;
		if (!report_flag_valid(flag))
			return 0;
		bad_row(im, line, "empty value with flag %c (only flagged "
		    "rows may have no value)", flag);
		return -1;
	}
	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *end != '\0' || !isfinite(*v)) {
		bad_row(im, line, "bad value '%s'", s);
		return -1;
	}
	*v *= k;
	/* the daemon's rule (conf_plausible): it would flag this D */
	if (report_flag_valid(flag) && !conf_plausible(im->s, *v)) {
		bad_row(im, line, "value %s (%g %s) with flag %c is outside "
		    "the plausible range %g..%g of %s (plausible_min, "
		    "plausible_max); flag it D to keep it", s, *v,
		    im->s->unit_label, flag, im->s->plausible_min,
		    im->s->plausible_max, gb3838_param_label(im->s->parameter));
		return -1;
	}
	/* any flag: 1e308 is finite, but a mean of two of them is not */
	if (fabs(*v) > VALUE_MAX) {
		bad_row(im, line, "value %s is beyond +-%g", s, VALUE_MAX);
		return -1;
	}
	return 0;
}

static int
parse_flag(struct imp *im, const char *s, int line, char *flag)
{
	*flag = 'N';
	if (s == NULL || *s == '\0')
		return 0;
	*flag = (char)(s[0] & ~0x20);
	if (s[1] == '\0' && samplelog_flag_known(*flag))
		return 0;
	bad_row(im, line, "bad flag '%s' (HJ 212: N, S, M, C, D, F, T or B)",
	    s);
	return -1;
}

/* 1 to MAX digits of *S into *V. */
static int
num(const char **s, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && **s >= '0' && **s <= '9') {
		*v = *v * 10 + (*(*s)++ - '0');
		n++;
	}
	return n > 0 ? 0 : -1;
}

/*
 * RFC 3339 or local 'YYYY-MM-DD HH:MM'; else what Excel and WPS write in
 * a Chinese locale: local '2026/5/1 8:00[:00]' or '2026-5-1 8:00'.
 */
static int
parse_time(const char *s, time_t *t, const char **why)
{
	char iso[32];
	const char *p = s;
	int y, mo, d, h, mi, sec = 0;
	char sep;

	if (parse_rfc3339(s, t, why) == 0)
		return 0;
	if (num(&p, 4, &y) == -1 || ((sep = *p++) != '/' && sep != '-'))
		return -1;
	if (num(&p, 2, &mo) == -1 || *p++ != sep || num(&p, 2, &d) == -1 ||
	    *p++ != ' ' || num(&p, 2, &h) == -1 || *p++ != ':' ||
	    num(&p, 2, &mi) == -1 || (*p == ':' && (p++, num(&p, 2, &sec))))
		return -1;
	if (*p != '\0' || y < 1000)
		return -1;
	snprintf(iso, sizeof(iso), "%04d-%02d-%02d %02d:%02d:%02d", y, mo, d,
	    h, mi, sec);
	return parse_rfc3339(iso, t, why);
}

static void
imp_add(struct imp *im, const struct imp_row *r)
{
	if (im->n == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 256;
		if ((im->row = reallocarray(im->row, im->cap,
		    sizeof(*im->row))) == NULL)
			fatal("import");
	}
	im->row[im->n++] = *r;
}

/* ---- reading the file ------------------------------------------------- */

#define MAX_FIELDS	32	/* columns kept of a row */
#define TIME_WHY	"; also local '2026/5/1 8:00'"

enum col { COL_TIME, COL_VALUE, COL_FLAG, COL_UNIT, NCOL };

struct rd {
	struct imp	*im;
	struct csv_parser csv;
	iconv_t		 cd;		/* to UTF-8; (iconv_t)-1: is UTF-8 */
	const char	*enc;		/* what CD converts from */
	time_t		 now;
	int		 line;		/* the physical line being read */
	int		 start;		/* the line the row began on; 0: none */
	int		 rows;		/* rows seen (the first may be a header) */
	int		 dead;		/* the header is bad: rows not read */
	int		 guessed;	/* not UTF-8, so GB18030 */
	int		 named;		/* a header named the columns */
	unsigned char	 delim;		/* 0 until the first line */
	int		 col[NCOL];	/* field of each; -1: none */
	char		 unit[32];	/* the value column's, from its header */
	char		*buf;		/* the row's fields, each NUL-ended */
	size_t		 len, cap;
	size_t		 off[MAX_FIELDS];
	int		 nf;		/* fields in the row (may be more) */
	char		*conv;		/* a converted line */
	size_t		 convcap;
};

/* Header names (trimmed, any case) of the columns of a lab sheet. */
static const char *const col_names[NCOL][10] = {
	[COL_TIME] = { "time", "datetime", "date", "timestamp", "时间",
	    "日期", "日期时间", "采样时间", "监测时间" },
	[COL_VALUE] = { "value", "数值", "值", "监测值", "浓度", "结果" },
	[COL_FLAG] = { "flag", "标志", "数据标识", "标识", "数据标记", "标记" },
	[COL_UNIT] = { "unit", "单位" },
};

/* What the column of a parameter is called in a Chinese lab sheet. */
static const char *const param_zh[PARAM_COUNT][3] = {
	[PARAM_TP] = { "总磷" }, [PARAM_TN] = { "总氮" },
	[PARAM_NH3N] = { "氨氮" }, [PARAM_CODMN] = { "高锰酸盐指数" },
	[PARAM_DO] = { "溶解氧" }, [PARAM_PH] = { "pH值" },
	[PARAM_TEMP] = { "水温", "温度" }, [PARAM_TURBIDITY] = { "浊度" },
	[PARAM_COND] = { "电导率" }, [PARAM_CHLA] = { "叶绿素a", "叶绿素" },
	[PARAM_SD] = { "透明度" },
};

static char *
trim(char *s)
{
	char *e;

	s += strspn(s, " \t\r\n");
	e = s + strlen(s);
	while (e > s && strchr(" \t\r\n", e[-1]) != NULL)
		*--e = '\0';
	return s;
}

/* 1 if NAME names the sensor's parameter: "tp", "TP", "总磷". */
static int
is_param(const struct conf_sensor *s, const char *name)
{
	int i;

	if (strcasecmp(name, gb3838_param_name(s->parameter)) == 0 ||
	    strcasecmp(name, gb3838_param_label(s->parameter)) == 0)
		return 1;
	for (i = 0; i < 3 && param_zh[s->parameter][i] != NULL; i++)
		if (strcasecmp(name, param_zh[s->parameter][i]) == 0)
			return 1;
	return 0;
}

/* The column NAME is, or -1; a unit in brackets ("总磷(μg/L)") to UNIT. */
static int
col_kind(const struct conf_sensor *s, char *name, char unit[32], int *param)
{
	static const char *const open[] = { "(", "（", "[" };
	char *b, *u, *e;
	int i, k;

	*unit = '\0';
	for (i = 0; i < 3; i++) {
		if ((b = strstr(name, open[i])) == NULL || b == name)
			continue;
		u = b + strlen(open[i]);
		u[strcspn(u, ")]")] = '\0';
		if ((e = strstr(u, "）")) != NULL)
			*e = '\0';
		snprintf(unit, 32, "%s", trim(u));
		*b = '\0';
		name = trim(name);
		break;
	}
	if ((*param = is_param(s, name)))
		return COL_VALUE;
	for (k = 0; k < NCOL; k++)
		for (i = 0; i < 10 && col_names[k][i] != NULL; i++)
			if (strcasecmp(name, col_names[k][i]) == 0)
				return k;
	return -1;
}

/*
 * A header row: which field is which, the first of each kind; a column of
 * the sensor's parameter ("总磷", "TP") before a "value" column. No name
 * known: the fields are time,value[,flag] as without a header.
 */
static void
header(struct rd *rd, char **f, int nf)
{
	const struct conf_sensor *s = rd->im->s;
	char unit[32];
	int i, k, param, vparam = 0, any = 0;

	for (k = 0; k < NCOL; k++)
		rd->col[k] = -1;
	for (i = 0; i < nf; i++) {
		if ((k = col_kind(s, f[i], unit, &param)) == -1)
			continue;
		any = 1;
		if (rd->col[k] != -1 && (k != COL_VALUE || !param || vparam))
			continue;
		rd->col[k] = i;
		if (k == COL_VALUE) {
			vparam = param;
			snprintf(rd->unit, sizeof(rd->unit), "%s", unit);
		}
	}
	if ((rd->named = any) == 0)
		return;
	if (rd->col[COL_TIME] == -1) {
		bad_row(rd->im, rd->start, "header: no time column (time, 时间, "
		    "采样时间, 日期 or date)");
		rd->dead = 1;
	} else if (rd->col[COL_VALUE] == -1) {
		bad_row(rd->im, rd->start, "header: no column for %s (%s, %s, "
		    "value, 数值 or 值)", s->name, gb3838_param_label(
		    s->parameter), param_zh[s->parameter][0]);
		rd->dead = 1;
	}
}

/* "0,05" is 0.05 where the fields are split at semicolons (Excel, de_DE). */
static const char *
decimal_point(const struct rd *rd, const char *s, char *buf, size_t len)
{
	char *c;

	if (rd->delim != ';' || strchr(s, '.') != NULL ||
	    (c = strchr(s, ',')) == NULL || strchr(c + 1, ',') != NULL ||
	    strlen(s) >= len)
		return s;
	memcpy(buf, s, strlen(s) + 1);
	buf[c - s] = '.';
	return buf;
}

/* A data row of NF fields (F has the first MAX_FIELDS). */
static void
parse_row(struct rd *rd, char **f, int nf)
{
	struct imp *im = rd->im;
	struct imp_row r = { .line = rd->start };
	const char *why, *unit = rd->unit, *v;
	char num_buf[64];
	int ti = 0, vi = 1, fi = nf > 2 ? 2 : -1, ui = -1, n;
	double k;

	n = nf < MAX_FIELDS ? nf : MAX_FIELDS;
	if (rd->named) {
		ti = rd->col[COL_TIME];
		vi = rd->col[COL_VALUE];
		fi = rd->col[COL_FLAG] < n ? rd->col[COL_FLAG] : -1;
		ui = rd->col[COL_UNIT] < n ? rd->col[COL_UNIT] : -1;
	} else if (nf < 2 || nf > 5) {
		bad_row(im, r.line, "want time,value[,flag] (%d fields)", nf);
		return;
	}
	if (ti >= n || vi >= n) {
		bad_row(im, r.line, "no %s (%d fields)", ti >= n ? "time" :
		    "value", nf);
		return;
	}
	if (parse_time(f[ti], &r.t, &why) == -1) {
		bad_row(im, r.line, "'%s': %s%s", f[ti], why,
		    strncmp(why, "bad time", 8) == 0 ? TIME_WHY : "");
		return;
	}
	if (r.t > rd->now + FUTURE_SLACK) {
		bad_row(im, r.line, "'%s' is in the future", f[ti]);
		return;
	}
	if (r.t < FIRST_TIME) {
		bad_row(im, r.line, "'%s' is before 1980 (an RRD cannot "
		    "start earlier)", f[ti]);
		return;
	}
	if (ui != -1 && *f[ui] != '\0')
		unit = f[ui];
	if (unit_factor(im->s, unit, &k) == -1) {
		bad_row(im, r.line, "unknown unit '%s' (%s is in '%s'; "
		    "converted: mg/L, μg/L or ug/L, °C, µS/cm, mS/cm)", unit,
		    im->s->name, im->s->unit_label);
		return;
	}
	v = decimal_point(rd, f[vi], num_buf, sizeof(num_buf));
	if (parse_flag(im, fi != -1 ? f[fi] : NULL, r.line, &r.flag) == -1 ||
	    parse_value(im, v, r.flag, r.line, k, &r.value) == -1)
		return;
	imp_add(im, &r);
}

/* A row: the header if it is the first and starts with a letter. */
static void
on_row(struct rd *rd)
{
	char *f[MAX_FIELDS];
	unsigned char c;
	int i, n = rd->nf < MAX_FIELDS ? rd->nf : MAX_FIELDS, blank = 1;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		f[i] = trim(rd->buf + rd->off[i]);
		blank &= f[i][0] == '\0';
	}
	if (blank)		/* Excel writes ",,," for a row left empty */
		return;
	c = (unsigned char)f[0][0] | 0x20;
	if (rd->rows++ == 0 && ((c >= 'a' && c <= 'z') || c >= 0x80)) {
		header(rd, f, n);
		return;
	}
	if (!rd->dead)
		parse_row(rd, f, rd->nf);
}

/* libcsv: a field of the row; kept NUL-ended in rd->buf. */
static void
on_field(void *s, size_t n, void *arg)
{
	struct rd *rd = arg;

	if (rd->start == 0)	/* a row after a CR inside the line */
		rd->start = rd->line;
	if (rd->nf < MAX_FIELDS) {
		if (rd->len + n + 1 > rd->cap) {
			rd->cap = (rd->len + n + 1) * 2;
			if ((rd->buf = realloc(rd->buf, rd->cap)) == NULL)
				fatal("import");
		}
		if (n > 0)
			memcpy(rd->buf + rd->len, s, n);
		rd->off[rd->nf] = rd->len;
		rd->len += n;
		rd->buf[rd->len++] = '\0';
	}
	rd->nf++;
}

/* libcsv: the end of a row. */
static void
on_end(int c, void *arg)
{
	struct rd *rd = arg;

	(void)c;
	if (rd->nf > 0)
		on_row(rd);
	rd->nf = 0;
	rd->len = 0;
	rd->start = 0;
}

static void
csv_start(struct rd *rd)
{
	if (csv_init(&rd->csv, CSV_STRICT | CSV_STRICT_FINI) != 0)
		fatal("import: csv_init");
	if (rd->delim != 0)
		csv_set_delim(&rd->csv, rd->delim);
	rd->nf = 0;
	rd->len = 0;
	rd->start = 0;
}

/* Semicolons if the first line has more of them than commas. */
static unsigned char
pick_delim(const char *s)
{
	int comma = 0, semi = 0, quoted = 0;

	for (; *s != '\0'; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted)
			comma += *s == ',', semi += *s == ';';
	}
	return semi > comma ? ';' : ',';
}

/* The offset of the first byte of S that is not UTF-8, or N. */
static size_t
utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	unsigned c;

	while (i < n) {
		if ((c = s[i]) < 0x80) {
			i++;
			continue;
		}
		len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
		    c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		if (len == 0 || n - i < len)
			return i;
		for (k = 1; k < len; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
		/* overlong, surrogate or beyond U+10FFFF */
		if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED &&
		    s[i + 1] >= 0xA0) || (c == 0xF0 && s[i + 1] < 0x90) ||
		    (c == 0xF4 && s[i + 1] >= 0x90))
			return i;
		i += len;
	}
	return n;
}

/* Line S of N bytes as UTF-8 in rd->conv, NUL-ended; its length or -1. */
static ssize_t
to_utf8(struct rd *rd, char *s, size_t n)
{
	char *in = s, *out;
	size_t inleft = n, outleft, bad;

	if (rd->convcap < n * 2 + 8) {
		rd->convcap = n * 2 + 8;
		if ((rd->conv = realloc(rd->conv, rd->convcap)) == NULL)
			fatal("import");
	}
	if (rd->cd == (iconv_t)-1) {
		if ((bad = utf8_check((unsigned char *)s, n)) < n) {
			bad_row(rd->im, rd->line, "not UTF-8 (byte %zu); "
			    "--encoding names the file's", bad + 1);
			return -1;
		}
		memcpy(rd->conv, s, n);
		rd->conv[n] = '\0';
		return (ssize_t)n;
	}
	out = rd->conv;
	outleft = rd->convcap - 1;
	iconv(rd->cd, NULL, NULL, NULL, NULL);
	if (iconv(rd->cd, &in, &inleft, &out, &outleft) == (size_t)-1 ||
	    iconv(rd->cd, NULL, NULL, &out, &outleft) == (size_t)-1) {
		bad_row(rd->im, rd->line, "bad %s byte sequence at byte %zu%s",
		    rd->enc, (size_t)(in - s) + 1, rd->guessed ? " (the file "
		    "is not UTF-8 either; --encoding names the file's)" : "");
		return -1;
	}
	*out = '\0';
	return out - rd->conv;
}

/* One line of the file, without its end, to the CSV parser. */
static void
feed(struct rd *rd, char *s, size_t n)
{
	const char *t;
	ssize_t len;

	rd->line++;
	if (memchr(s, '\0', n) != NULL) {
		bad_row(rd->im, rd->line, "NUL byte in the line");
		return;
	}
	if ((len = to_utf8(rd, s, n)) == -1)
		return;
	if (rd->start == 0) {		/* not inside a quoted field */
		t = rd->conv + strspn(rd->conv, " \t\r");
		if (*t == '\0' || *t == '#')
			return;
		if (rd->delim == 0)
			csv_set_delim(&rd->csv, rd->delim = pick_delim(t));
		rd->start = rd->line;
	}
	if (csv_parse(&rd->csv, rd->conv, (size_t)len, on_field, on_end,
	    rd) != (size_t)len ||
	    csv_parse(&rd->csv, "\n", 1, on_field, on_end, rd) != 1) {
		bad_row(rd->im, rd->line, "%s: a quote inside a field is "
		    "written twice (RFC 4180: \"a \"\"b\"\" c\")",
		    csv_strerror(csv_error(&rd->csv)));
		csv_free(&rd->csv);
		csv_start(rd);
	}
}

static int
is_utf8(const char *enc)
{
	return strcasecmp(enc, "UTF-8") == 0 || strcasecmp(enc, "UTF8") == 0;
}

/*
 * The encoding of DATA: a BOM says UTF-8; else --encoding; else UTF-8 if
 * it all is, else GB18030 (a superset of GBK, what Excel and WPS write in
 * a Chinese locale). Opens rd->cd; -1 if UTF-16 (not line by line).
 */
static int
encoding(struct rd *rd, char **data, size_t *len)
{
	rd->cd = (iconv_t)-1;
	rd->enc = "UTF-8";
	if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
		*data += 3;
		*len -= 3;
		return 0;
	}
	if (*len >= 2 && (memcmp(*data, "\xFF\xFE", 2) == 0 ||
	    memcmp(*data, "\xFE\xFF", 2) == 0)) {
		bad_row(rd->im, 1, "UTF-16 text (Excel's \"Unicode Text\"): "
		    "save as \"CSV UTF-8\" or \"CSV\"");
		return -1;
	}
	if (rd->im->enc != NULL)
		rd->enc = rd->im->enc;
	else if (utf8_check((unsigned char *)*data, *len) < *len) {
		rd->enc = "GB18030";
		rd->guessed = 1;
		printf("%s: not UTF-8: read as GB18030 (GBK); --encoding "
		    "names another\n", rd->im->csv);
	}
	if (!is_utf8(rd->enc) &&
	    (rd->cd = iconv_open("UTF-8", rd->enc)) == (iconv_t)-1) {
		fprintf(stderr, "lakewatch: iconv %s: %s\n", rd->enc,
		    strerror(errno));
		return -2;
	}
	return 0;
}

static int
slurp(FILE *fp, char **data, size_t *len)
{
	size_t cap = 0, n;

	*data = NULL;
	*len = 0;
	do {
		if (cap - *len < 65536) {
			cap = cap ? cap * 2 : 65536;
			if ((*data = realloc(*data, cap)) == NULL)
				fatal("import");
		}
		n = fread(*data + *len, 1, cap - *len, fp);
		*len += n;
	} while (n > 0);
	return ferror(fp) ? -1 : 0;
}

/* Lines end at LF (CR LF), or at CR in a file without LF (old Excel). */
static int
read_text(struct imp *im, char *p, size_t len)
{
	struct rd rd = { .im = im, .now = time(NULL) };
	char *e, *end, nl;
	int rc;

	if ((rc = encoding(&rd, &p, &len)) != 0)
		return rc == -2 ? -1 : 0;
	end = p + len;
	nl = memchr(p, '\n', len) != NULL ? '\n' : '\r';
	csv_start(&rd);
	for (; p < end; p = e + 1) {
		if ((e = memchr(p, nl, (size_t)(end - p))) == NULL)
			e = end;
		feed(&rd, p, (size_t)(e - p));
	}
	if (csv_fini(&rd.csv, on_field, on_end, &rd) != 0)
		bad_row(im, rd.start ? rd.start : rd.line, "a quoted field "
		    "is not closed before the end of the file");
	csv_free(&rd.csv);
	if (rd.cd != (iconv_t)-1)
		iconv_close(rd.cd);
	free(rd.buf);
	free(rd.conv);
	return 0;
}

static int
read_input(struct imp *im, FILE *fp)
{
	char *data;
	size_t len;
	int rc = -1;

	if (slurp(fp, &data, &len) == 0)
		rc = read_text(im, data, len);
	free(data);
	return rc;
}

static int
cmp_row(const void *a, const void *b)
{
	const struct imp_row *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->line - y->line;
}

/* Sort by time; a time given twice is an error. */
static void
sort_rows(struct imp *im)
{
	char when[32];
	size_t i;

	if (im->n > 0)
		qsort(im->row, im->n, sizeof(*im->row), cmp_row);
	for (i = 1; i < im->n; i++)
		if (im->row[i].t == im->row[i - 1].t) {
			fmt_rfc3339(im->row[i].t, when, sizeof(when));
			bad_row(im, im->row[i].line, "time %s given twice "
			    "(also at line %d)", when, im->row[i - 1].line);
		}
}

/* ---- the sample log -------------------------------------------------- */

struct times {
	time_t	*t;
	size_t	 n, cap;
};

static void
collect_time(void *arg, const struct samplelog_row *r)
{
	struct times *ts = arg;

	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? ts->cap * 2 : 1024;
		if ((ts->t = reallocarray(ts->t, ts->cap, sizeof(*ts->t))) ==
		    NULL)
			fatal("import");
	}
	ts->t[ts->n++] = r->t;
}

static int
cmp_time(const void *a, const void *b)
{
	const time_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Mark the rows whose time the sample log already has; how many. */
static int
mark_dups(struct imp *im, int *ndup, char err[LW_ERRLEN])
{
	struct times ts = { 0 };
	size_t i;

	*ndup = 0;
	if (im->n == 0)
		return 0;
	if (samplelog_scan(im->c, im->s->name, im->row[0].t,
	    im->row[im->n - 1].t + 1, collect_time, &ts, err) == -1) {
		free(ts.t);
		return -1;
	}
	if (ts.n > 0)
		qsort(ts.t, ts.n, sizeof(*ts.t), cmp_time);
	for (i = 0; i < im->n; i++)
		if (ts.n && bsearch(&im->row[i].t, ts.t, ts.n, sizeof(*ts.t),
		    cmp_time) != NULL) {
			im->row[i].dup = 1;
			(*ndup)++;
		}
	free(ts.t);
	return 0;
}

/*
 * Append LEN bytes of BUF to NAME in DFD in one write, or nothing. Not
 * through a link, and only to a regular file (a FIFO would block).
 */
static int
append_file(int dfd, const char *name, const char *buf, size_t len)
{
	struct stat st;
	ssize_t w;
	int fd, saved;

	if ((fd = openat(dfd, name, O_WRONLY | O_APPEND | O_CREAT |
	    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640)) == -1 ||
	    fstat(fd, &st) == -1)
		goto fail;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (st.st_size == 0) {
		if (write(fd, SAMPLELOG_HEADER, strlen(SAMPLELOG_HEADER)) !=
		    (ssize_t)strlen(SAMPLELOG_HEADER))
			goto fail_cut;
		st.st_size = (off_t)strlen(SAMPLELOG_HEADER);
	}
	if ((w = write(fd, buf, len)) == (ssize_t)len && fdatasync(fd) == 0)
		return close(fd);
	if (w >= 0)
		errno = ENOSPC;
fail_cut:
	saved = errno;
	if (ftruncate(fd, st.st_size) == -1)
		log_warn("%s: cannot cut a short write back", name);
	errno = saved;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	errno = saved;
	return -1;
}

static size_t
format_row(const struct imp_row *r, char *buf, size_t len)
{
	char t[32], v[32] = "";

	fmt_rfc3339(r->t, t, sizeof(t));
	if (isfinite(r->value))
		snprintf(v, sizeof(v), "%.7g", r->value);
	return (size_t)snprintf(buf, len, "%s,%s,%c,,0\n", t, v, r->flag);
}

/* Append the new rows I..J-1 (one UTC month) to their file in DFD. */
static int
write_month(struct imp *im, int dfd, size_t i, size_t j,
    char err[LW_ERRLEN])
{
	char path[PATH_MAX], *buf;
	size_t len = 0, k;
	int rc;

	if ((buf = malloc((j - i) * 96 + 1)) == NULL)
		fatal("import");
	for (k = i; k < j; k++)
		if (!im->row[k].dup)
			len += format_row(&im->row[k], buf + len, 96);
	samplelog_path(im->c, im->s->name, im->row[i].t, path, sizeof(path));
	rc = len ? append_file(dfd, strrchr(path, '/') + 1, buf, len) : 0;
	if (rc == -1)
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
	free(buf);
	return rc;
}

static int
utc_month(time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year * 12 + tm.tm_mon;
}

/* Append every new row; the number of files written to, or -1. */
static int
write_log(struct imp *im, char err[LW_ERRLEN])
{
	char sub[PATH_MAX];
	size_t i, j;
	int files = 0, any, dfd;

	snprintf(sub, sizeof(sub), "samples/%s", im->s->name);
	if ((dfd = dir_open_below(im->c->state_dir, sub, 1, 0750)) == -1) {
		snprintf(err, LW_ERRLEN, "%s/%s: %s", im->c->state_dir, sub,
		    strerror(errno));
		return -1;
	}
	for (i = 0; i < im->n; i = j) {
		any = 0;
		for (j = i; j < im->n && utc_month(im->row[j].t) ==
		    utc_month(im->row[i].t); j++)
			any |= !im->row[j].dup;
		if (!any)
			continue;
		if (write_month(im, dfd, i, j, err) == -1) {
			close(dfd);
			return -1;
		}
		files++;
	}
	close(dfd);
	return files;
}

/* ---- the RRD --------------------------------------------------------- */

struct batch {
	const char	*path;
	const struct store_ops *ops;	/* librrd or rrdcached */
	void		*be;
	int		 n;
	char		 v[BATCH][48];
	const char	*argv[BATCH];
};

static int
batch_flush(struct batch *b, char err[LW_ERRLEN])
{
	int rc;

	if (b->n == 0)
		return 0;
	rc = b->ops->update(b->be, b->path, b->n, b->argv, err);
	b->n = 0;
	return rc == STORE_OK ? 0 : -1;
}

static int
batch_put(struct batch *b, time_t t, double v, char err[LW_ERRLEN])
{
	if (isfinite(v))
		snprintf(b->v[b->n], sizeof(b->v[0]), "%lld:%.10g",
		    (long long)t, v);
	else
		snprintf(b->v[b->n], sizeof(b->v[0]), "%lld:U", (long long)t);
	b->argv[b->n] = b->v[b->n];
	if (++b->n == BATCH)
		return batch_flush(b, err);
	return 0;
}

struct rrd_count {
	int	written;	/* rows with at least one update */
	int	unknown;	/* of them flagged: written as UNKNOWN */
	int	old;		/* not newer than the last update */
	int	same_step;	/* shared a step with an earlier row */
	time_t	last;		/* the RRD's last update before */
};

/* Made here with librrd, also with rrdcached (as before: it may not see it). */
static int
rrd_create_for(const struct conf_sensor *s, const char *path, time_t start,
    char err[LW_ERRLEN])
{
	char args[RRDFILE_ARGS][64];
	const char *argv[RRDFILE_ARGS];
	int n, i;

	n = rrdfile_args(s, args, RRDFILE_ARGS);
	for (i = 0; i < n; i++)
		argv[i] = args[i];
	return rrdfile_ops.create(NULL, path, (unsigned long)s->interval,
	    start, NULL, n, argv, err) == STORE_OK ? 0 : -1;
}

static int
rrd_dir(const struct conf *c, char err[LW_ERRLEN])
{
	int dfd;

	if ((dfd = dir_open_below(c->state_dir, "rrd", 1, 0750)) == -1) {
		snprintf(err, LW_ERRLEN, "%s/rrd: %s", c->state_dir,
		    strerror(errno));
		return -1;
	}
	close(dfd);
	return 0;
}

/*
 * Row I on the step grid: valid values are held, as the daemon holds the
 * last result, until the next row or for the sensor's stale_after (but
 * not beyond now: the RRD would refuse the daemon's readings until then); a
 * flagged row is one UNKNOWN step. *PREV is the last time written.
 */
static int
put_row(struct imp *im, struct batch *b, size_t i, time_t *prev,
    struct rrd_count *cnt, char err[LW_ERRLEN])
{
	const struct imp_row *r = &im->row[i];
	time_t step = im->s->interval, g, end;
	double hold = im->s->alert.stale_after;

	g = (r->t + step - 1) / step * step;
	if (g <= *prev) {
		cnt->same_step++;
		return 0;
	}
	end = r->t + (time_t)(hold > step ? hold : step);
	if (i + 1 < im->n && im->row[i + 1].t < end)
		end = im->row[i + 1].t;
	/* not past the present: the daemon's next reading must be newer */
	if (end > time(NULL))
		end = time(NULL);
	if (!report_flag_valid(r->flag) || !isfinite(r->value)) {
		end = g + 1;
		cnt->unknown++;
	}
	cnt->written++;
	do {
		if (!im->dry && batch_put(b, g, report_flag_valid(r->flag) ?
		    r->value : NAN, err) == -1)
			return -1;
		*prev = g;
		g += step;
	} while (g < end);
	return 0;
}

/* The first new row the RRD can take, or im->n. */
static size_t
first_new(const struct imp *im, time_t last, struct rrd_count *cnt)
{
	size_t i, first = im->n;

	for (i = 0; i < im->n; i++) {
		if (im->row[i].dup)
			continue;
		if (im->row[i].t <= last)
			cnt->old++;
		else if (first == im->n)
			first = i;
	}
	return first;
}

/*
 * [daemon] station: the file is a name on a central rrdcached, seen,
 * made and read only through it.
 */
static int
rrd_rows_central(struct imp *im, struct batch *b, struct rrd_count *cnt,
    char err[LW_ERRLEN])
{
	char args[RRDFILE_ARGS][64];
	const char *argv[RRDFILE_ARGS];
	time_t prev, step = im->s->interval;
	size_t i, first;
	int probe, n;

	if ((probe = b->ops->probe(b->be, im->s, b->path, err)) !=
	    PROBE_OK && probe != PROBE_MISSING)
		return -1;
	if (probe == PROBE_OK && b->ops->last(b->be, b->path, &cnt->last,
	    err) != STORE_OK)
		return -1;
	if ((first = first_new(im, cnt->last, cnt)) == im->n)
		return 0;
	n = rrdfile_args(im->s, args, RRDFILE_ARGS);
	for (i = 0; i < (size_t)n; i++)
		argv[i] = args[i];
	if (probe == PROBE_MISSING && !im->dry && b->ops->create(b->be,
	    b->path, (unsigned long)step, im->row[first].t - step, NULL, n,
	    argv, err) != STORE_OK)
		return -1;
	prev = cnt->last;
	for (i = first; i < im->n; i++)
		if (!im->row[i].dup &&
		    put_row(im, b, i, &prev, cnt, err) == -1)
			return -1;
	return im->dry ? 0 : batch_flush(b, err);
}

static int
rrd_rows(struct imp *im, struct batch *b, struct rrd_count *cnt,
    char err[LW_ERRLEN])
{
	struct stat st;
	int exists = lstat(b->path, &st) == 0;
	size_t i, first;
	time_t prev;

	if (exists && !S_ISREG(st.st_mode)) {	/* librrd would follow it */
		snprintf(err, LW_ERRLEN, "%s: not a regular file", b->path);
		return -1;
	}
	if (exists && rrdfile_ops.last(NULL, b->path, &cnt->last, err) !=
	    STORE_OK)
		return -1;
	if ((first = first_new(im, cnt->last, cnt)) == im->n)
		return 0;
	if (!exists && !im->dry) {
		if (rrd_dir(im->c, err) == -1 || rrd_create_for(im->s,
		    b->path, im->row[first].t - im->s->interval, err) == -1)
			return -1;
	}
	prev = cnt->last;
	for (i = first; i < im->n; i++)
		if (!im->row[i].dup &&
		    put_row(im, b, i, &prev, cnt, err) == -1)
			return -1;
	return im->dry ? 0 : batch_flush(b, err);
}

static int
write_rrd(struct imp *im, struct rrd_count *cnt, char err[LW_ERRLEN])
{
	const char *addr = rrdcached_address(im->c);
	char path[PATH_MAX];
	struct batch *b;
	int rc;

	memset(cnt, 0, sizeof(*cnt));
	if (im->c->station != NULL && addr == NULL) {
		snprintf(err, LW_ERRLEN, "station '%s': its RRD files are on "
		    "a central rrdcached; set rrdcached =", im->c->station);
		return -1;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL)
		fatal("import");
	rrdfile_path(im->c, im->s->name, path, sizeof(path));
	b->path = path;
	b->ops = addr != NULL ? &rrdcached_ops : &rrdfile_ops;
	b->be = addr != NULL ? rrdcached_new(addr) : NULL;
	if ((rc = b->ops->open(b->be, err)) == STORE_OK &&
	    access(path, F_OK) == 0)	/* so the last update is all there */
		rc = b->ops->flush(b->be, path, err);
	if (rc == STORE_OK && (rc = im->c->station != NULL ?
	    rrd_rows_central(im, b, cnt, err) : rrd_rows(im, b, cnt, err)) ==
	    0 &&
	    (im->c->station != NULL || access(path, F_OK) == 0))
		rc = b->ops->flush(b->be, path, err);
	b->ops->close(b->be);
	if (addr != NULL)
		rrdcached_free(b->be);
	free(b);
	return rc == STORE_OK ? 0 : -1;
}

/* ---- the command ------------------------------------------------------ */

static void
say_rrd(const struct imp *im, const struct rrd_count *cnt)
{
	char path[PATH_MAX], when[32];

	rrdfile_path(im->c, im->s->name, path, sizeof(path));
	printf("RRD %s: %d %s %s", path, cnt->written, cnt->written == 1 ?
	    "row" : "rows", im->dry ? "would go in" : "written");
	if (cnt->unknown)
		printf(" (%d flagged, as UNKNOWN)", cnt->unknown);
	printf("\n");
	if (cnt->old) {
		fmt_rfc3339(cnt->last, when, sizeof(when));
		printf("RRD: %d %s not written: older than the RRD's last "
		    "update %s (an RRD cannot go back; the sample log and "
		    "reports have them)\n", cnt->old, cnt->old == 1 ? "row" :
		    "rows", when);
	}
	if (cnt->same_step)
		printf("RRD: %d %s not written: in the same %d s step as an "
		    "earlier row\n", cnt->same_step, cnt->same_step == 1 ?
		    "row" : "rows", im->s->interval);
}

static int
import_run(struct imp *im)
{
	struct rrd_count cnt;
	char err[LW_ERRLEN];
	int ndup, files = 0;

	if (mark_dups(im, &ndup, err) == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	printf("%s: %zu %s in %s: %zu new, %d already in the sample log "
	    "(same time: skipped)\n", im->s->name, im->n, im->n == 1 ? "row" :
	    "rows", im->csv, im->n - (size_t)ndup, ndup);
	if (!im->dry && (files = write_log(im, err)) == -1) {
		fprintf(stderr, "lakewatch: %s\n", err);
		return 1;
	}
	printf("sample log: %zu %s %s %d %s under %s/samples/%s\n",
	    im->n - (size_t)ndup, im->n - (size_t)ndup == 1 ? "row" : "rows",
	    im->dry ? "would be appended; files:" : "appended to", files,
	    files == 1 ? "file" : "files", im->c->state_dir, im->s->name);
	if (write_rrd(im, &cnt, err) == -1) {
		fprintf(stderr, "lakewatch: %s (the sample log has the "
		    "rows)\n", err);
		return 1;
	}
	say_rrd(im, &cnt);
	return 0;
}

static int
import_file(struct imp *im)
{
	FILE *fp;
	int rc;

	if ((fp = strcmp(im->csv, "-") == 0 ? stdin :
	    fopen(im->csv, "r")) == NULL) {
		fprintf(stderr, "lakewatch: %s: %s\n", im->csv,
		    strerror(errno));
		return 1;
	}
	rc = read_input(im, fp);
	if (fp != stdin)
		fclose(fp);
	if (rc == -1) {
		fprintf(stderr, "lakewatch: %s: read error\n", im->csv);
		return 1;
	}
	sort_rows(im);
	if (im->bad) {
		if (im->bad > MAX_SHOWN)
			fprintf(stderr, "... and %d more\n",
			    im->bad - MAX_SHOWN);
		fprintf(stderr, "lakewatch: %s: %d bad %s: nothing imported\n",
		    im->csv, im->bad, im->bad == 1 ? "row" : "rows");
		return 1;
	}
	/* the input was read as the caller; state_dir is its owner's */
	if (priv_drop_to_owner(im->c->state_dir) == -1) {
		fprintf(stderr, "lakewatch: %s: cannot become its owner: %s\n",
		    im->c->state_dir, strerror(errno));
		return 1;
	}
	return import_run(im);
}

void
tool_import_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch import [-n] [-e ENCODING] -c FILE "
	    "SENSOR data.csv\n");
}

static int
usage_import(void)
{
	tool_import_usage(stderr);
	return EX_USAGE;
}

/* -e ENC: NULL for auto, else a name iconv knows; -1 if it does not. */
static int
set_encoding(struct imp *im, const char *enc)
{
	iconv_t cd;

	if (strcasecmp(enc, "auto") == 0) {
		im->enc = NULL;
		return 0;
	}
	im->enc = enc;
	if (is_utf8(enc))
		return 0;
	if ((cd = iconv_open("UTF-8", enc)) == (iconv_t)-1) {
		fprintf(stderr, "lakewatch: encoding '%s': %s (auto, UTF-8, "
		    "GBK, GB18030; iconv -l lists them)\n", enc,
		    strerror(errno));
		return -1;
	}
	iconv_close(cd);
	return 0;
}

int
tool_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "encoding", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct imp im = { 0 };
	const char *file = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, idx, rc;

	while ((ch = getopt_long(argc, argv, "c:e:n", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'e':
			if (set_encoding(&im, optarg) == -1)
				return EX_USAGE;
			break;
		case 'n': im.dry = 1; break;
		default: return usage_import();
		}
	}
	if (file == NULL || argc - optind != 2)
		return usage_import();
	if ((c = conf_load(file, err)) == NULL ||
	    report_tz(c->timezone, err) == -1) {
		fprintf(stderr, "%s\n", err);
		rc = c == NULL ? conf_exit_status(file) : EX_CONFIG;
		conf_free(c);
		return rc;
	}
	if ((idx = conf_sensor_find(c, argv[optind])) == -1) {
		fprintf(stderr, "lakewatch: %s: no sensor '%s'\n", file,
		    argv[optind]);
		conf_free(c);
		return 1;
	}
	im.c = c;
	im.s = &c->sensors[idx];
	im.csv = argv[optind + 1];
	rc = import_file(&im);
	free(im.row);
	conf_free(c);
	return rc;
}
