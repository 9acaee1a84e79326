/*
 * report_tli.c: the trophic state of a site's report (issue 12, item
 * 11); the index itself is lib/tli.c's, which quotes the 2001 method.
 *
 * Our rules (the method gives the formula, not the period): a month's
 * index is computed from the month's means of its parameters, the
 * period's from the period's cumulative means (the mean of the valid
 * monthly means, as for the class), each rounded at its sensor's
 * decimals as printed. A parameter whose month is not valid is missing
 * from that month's index, which then weighs the others (the method's
 * m is the number of parameters evaluated).
 */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "../lib/tli.h"
#include "report_out.h"
#include "report_tli.h"

/* What lacked for a parameter: none, no sensor, no mean, unknown unit. */
enum tli_why { TW_OK, TW_NOSENSOR, TW_NOMEAN, TW_UNIT };

/* V[] in the method's units and why each is absent; 0 if no lake. */
static int
tli_gather(const struct rp_site *st, double v[TLI_NPARAM],
    enum tli_why why[TLI_NPARAM])
{
	const struct rp_sensor *r;
	double f;
	size_t i;
	int j, lake = 0;

	for (j = 0; j < TLI_NPARAM; j++) {
		v[j] = NAN;
		why[j] = TW_NOSENSOR;
	}
	for (i = 0; i < st->n; i++) {
		r = &st->r[i];
		if (r->s->water_body != WATER_LAKE)
			continue;
		lake = 1;
		if ((j = tli_param_of(r->s->parameter)) < 0 || why[j] == TW_OK)
			continue;
		f = tli_unit_factor(j, r->s->unit_label);
		if (isnan(f))
			why[j] = TW_UNIT;
		else if (isnan(r->mean)) {
			if (why[j] == TW_NOSENSOR)
				why[j] = TW_NOMEAN;
		} else {
			v[j] = r->mean * f;
			why[j] = TW_OK;
		}
	}
	return lake;
}

int
report_site_tli(const struct rp_site *st, struct tli *t)
{
	double v[TLI_NPARAM];
	enum tli_why why[TLI_NPARAM];

	if (!tli_gather(st, v, why)) {
		memset(t, 0, sizeof(*t));
		t->value = NAN;
		return 0;
	}
	return tli_compute(v, t) == 0 ? 1 : -1;
}

/* "chla, tp" of MASK (bit 1 << tli_param) */
static void
tli_names(unsigned mask, char *buf, size_t len)
{
	size_t n = 0;
	int j;

	buf[0] = '\0';
	for (j = 0; j < TLI_NPARAM && n < len; j++)
		if (mask & (1u << j))
			n += snprintf(buf + n, len - n, "%s%s", n ? ", " : "",
			    tli_param_name(j));
}

/* Why ST has no index: what chl-a lacked, and what else did. */
static void
tli_reason(const struct rp_site *st, const struct tli *t, char *buf,
    size_t len)
{
	static const char *const chla[] = { "", "the site has no chl-a sensor",
	    "chl-a has no valid mean for the period",
	    "the chl-a sensor's unit_label is not one we convert to mg/m3" };
	double v[TLI_NPARAM];
	enum tli_why why[TLI_NPARAM];
	char miss[64];

	tli_gather(st, v, why);
	tli_names(t->missing, miss, sizeof(miss));
	snprintf(buf, len, "%s, and chl-a is the method's reference "
	    "parameter; missing %s", chla[why[TLI_CHLA]], miss);
}

void
report_tli_text(const struct rp_site *st, char *buf, size_t len)
{
	struct tli t;
	char used[64], miss[64], why[256];
	int rc = report_site_tli(st, &t);

	buf[0] = '\0';
	if (rc == 0)
		return;
	if (rc < 0) {
		tli_reason(st, &t, why, sizeof(why));
		snprintf(buf, len, "TLI – (%s)", why);
		return;
	}
	tli_names(t.used, used, sizeof(used));
	tli_names(t.missing, miss, sizeof(miss));
	snprintf(buf, len, "TLI %.*f %s (%s%s%s)", TLI_DECIMALS, t.value,
	    tli_class_zh(t.cls), used, t.missing ? "; missing " : "", miss);
}

void
report_site_tli_text(const struct rp_site *st, FILE *fp)
{
	struct rp_sensor *buf;
	struct rp_site ms;
	char line[512], span[32];
	int k;

	report_tli_text(st, line, sizeof(line));
	if (line[0] == '\0')
		return;
	if ((buf = calloc(st->n + 1, sizeof(*buf))) == NULL)
		fatal("report");
	fprintf(fp, "\ntrophic state (TLI, 综合营养状态指数):\n");
	for (k = 1; k <= st->through; k++) {
		report_site_month(st, k, &ms, buf);
		report_tli_text(&ms, line, sizeof(line));
		report_span_en(k, k, span, sizeof(span));
		fprintf(fp, "  %s %d      %s\n", span, st->year, line);
	}
	report_tli_text(st, line, sizeof(line));
	report_span_en(1, st->through, span, sizeof(span));
	fprintf(fp, "  %s %d  %s\n", span, st->year, line);
	free(buf);
}

/* ["chla", "tp"] of MASK */
static json_t *
tli_names_json(unsigned mask)
{
	json_t *a = json_array();
	int j;

	for (j = 0; j < TLI_NPARAM; j++)
		if (mask & (1u << j))
			json_array_append_new(a,
			    json_string(tli_param_name(j)));
	return a;
}

void
report_tli_json(const struct rp_site *st, json_t *o)
{
	struct tli t;
	char why[256];
	int rc = report_site_tli(st, &t);

	if (rc <= 0) {
		json_object_set_new(o, "tli", json_null());
		if (rc == 0)
			snprintf(why, sizeof(why), "no lake or reservoir sensor "
			    "at the site: the method is for lakes and "
			    "reservoirs");
		else
			tli_reason(st, &t, why, sizeof(why));
		json_object_set_new(o, "tli_reason", json_string(why));
		return;
	}
	json_object_set_new(o, "tli", json_pack("{s:f, s:s, s:s, s:o, s:o}",
	    "value", t.value, "class", tli_class_zh(t.cls),
	    "class_en", tli_class_en(t.cls),
	    "parameters_used", tli_names_json(t.used),
	    "missing", tli_names_json(t.missing)));
}

/*
 * The TLI row of the station CSV (its columns: period, parameter, sensor,
 * mean, unit, class, times_over, target_times_over, capture_rate,
 * valid_rate, assessed, note): "PERIOD,tli,,48.0,,中营养,,,,,,"used: ..."";
 * nothing for a site without a lake or reservoir sensor.
 */
void
report_tli_csv(const struct rp_site *st, const char *period, FILE *fp)
{
	struct tli t;
	char note[256], used[64];
	const char *p;
	int rc = report_site_tli(st, &t);

	if (rc == 0)
		return;
	fprintf(fp, "%s,tli,,", period);
	if (rc > 0) {
		tli_names(t.used, used, sizeof(used));
		snprintf(note, sizeof(note), "used: %s", used);
		fprintf(fp, "%.*f,,%s,,,,,,", TLI_DECIMALS, t.value,
		    tli_class_zh(t.cls));
	} else {
		tli_reason(st, &t, note, sizeof(note));
		fputs(",,,,,,,,", fp);
	}
	fputc('"', fp);
	for (p = note; *p; p++)
		if (*p == '"')
			fputs("\"\"", fp);
		else
			fputc(*p, fp);
	fputs("\"\n", fp);
}
