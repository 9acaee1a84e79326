/*
 * confprint.c: a struct conf in normal form, every key set (lakewatchd
 * -T), credentials in URLs masked: the output goes to terminals and logs
 */
#include <math.h>
#include <stdio.h>

#include "../drivers/driver.h"
#include "conf.h"
#include "conftab.h"
#include "util.h"

static void
print_bus(const struct conf_bus *b, FILE *fp)
{
	fprintf(fp, "\n[bus %s]\ntype = %s\n", b->name,
	    conf_bus_types[b->type]);
	if (b->type == BUS_RTU)
		fprintf(fp, "device = %s\nbaud = %d\nparity = %c\n"
		    "data_bits = %d\nstop_bits = %d\n", b->device, b->baud,
		    b->parity, b->data_bits, b->stop_bits);
	else
		fprintf(fp, "host = %s\nport = %d\n", b->host, b->port);
	fprintf(fp, "timeout = %gs\ngap = %gms\nbackoff_max = %gs\n"
	    "retries = %d\nmerge_hole = %d\n", b->timeout, b->gap * 1000,
	    b->backoff_max, b->retries, b->merge_hole);
}

static void
print_alert(const struct alert_conf *a, FILE *fp)
{
	if (!isnan(a->warn))
		fprintf(fp, "warn = %g\n", a->warn);
	if (!isnan(a->crit))
		fprintf(fp, "crit = %g\n", a->crit);
	fprintf(fp, "for = %gs\nfor_count = %d\nclear_for = %gs\n"
	    "clear_count = %d\nstale_after = %gs\ncomm_after = %d\n"
	    "fault_after = %d\nflap_limit = %d\nflap_window = %gs\n"
	    "grace = %gs\n", a->for_s, a->for_count, a->clear_for,
	    a->clear_count, a->stale_after, a->comm_after, a->fault_after,
	    a->flap_limit, a->flap_window, a->grace);
	fprintf(fp, "cumulative = %s\n", a->cumulative ? "on" : "off");
}

static void
print_sensor(const struct conf_sensor *s, FILE *fp)
{
	fprintf(fp, "\n[sensor %s]\nbus = %s\nunit = %d\ndriver = %s\n"
	    "parameter = %s\nregister = %d\nfunction = %s\ntype = %s\n"
	    "word_order = %s\nscale = %g\noffset = %g\n", s->name,
	    s->bus_name, s->unit, s->driver->name,
	    gb3838_param_name(s->parameter), s->reg,
	    conf_fn_names[s->function], conf_type_names[s->type],
	    conf_order_names[s->order], s->scale, s->offset);
	if (s->status_reg >= 0)
		fprintf(fp, "status_register = %d\n", s->status_reg);
	fprintf(fp, "status_map = %s\n", conf_smap_names[s->status_map]);
	if (s->hj212_code != NULL)
		fprintf(fp, "hj212_code = %s\n", s->hj212_code);
	if (!isnan(s->range_min))
		fprintf(fp, "range_min = %g\n", s->range_min);
	if (!isnan(s->range_max))
		fprintf(fp, "range_max = %g\n", s->range_max);
	fprintf(fp, "plausible_min = %g\nplausible_max = %g\n",
	    s->plausible_min, s->plausible_max);
	if (s->time_reg >= 0)
		fprintf(fp, "time_register = %d\ntime_type = %s\n",
		    s->time_reg, conf_ttype_names[s->time_type]);
	fprintf(fp, "new_result = %s\n", conf_newres_names[s->new_result]);
	if (s->cycle > 0)
		fprintf(fp, "cycle = %gs\n", s->cycle);
	fprintf(fp, "sampling = %s\nday_min_fraction = %g\n"
	    "month_min_fraction = %g\n", conf_sampling_names[s->sampling],
	    s->day_min_fraction, s->month_min_fraction);
	print_alert(&s->alert, fp);
	fprintf(fp, "unit_label = %s\nsite = %s\nwater_body = %s\n"
	    "target_class = %s\ninterval = %d\ndecimals = %d\n"
	    "hysteresis = %g\n", s->unit_label, s->site,
	    gb3838_water_name(s->water_body),
	    gb3838_class_name(s->target_class), s->interval, s->decimals,
	    s->hysteresis);
}

/* mention: 8 entries a line, well within a line's 198 characters */
static void
print_mention(const struct wh_mention *m, FILE *fp)
{
	size_t i, n = m->nmobile + (size_t)m->all;

	if (n == 0)
		fprintf(fp, "mention = \n");
	for (i = 0; i < n; i++)
		fprintf(fp, "%s%s%s", i % 8 ? "," : "mention = ",
		    i < m->nmobile ? m->mobile[i] : "all",
		    i % 8 == 7 || i == n - 1 ? "\n" : "");
}

static void
print_webhook(const struct conf_webhook *w, FILE *fp)
{
	char url[1024];

	fprintf(fp, "\n[webhook %s]\nurl = %s\nformat = %s\n"
	    "secret = %s\ntimeout = %gs\nca_file = %s\nmsgtype = %s\n"
	    "max_outbox = %d\nmax_inflight = %d\n", w->name,
	    url_masked(w->url, url, sizeof(url)),
	    conf_fmt_names[w->format], w->secret ? "(set)" : "", w->timeout,
	    w->ca_file ? w->ca_file : "", conf_msgtype_names[w->msgtype],
	    w->max_outbox, w->max_inflight);
	if (w->rate_limit > 0)
		fprintf(fp, "rate_limit = %d/%s\n", w->rate_limit,
		    w->rate_window == 1 ? "s" : w->rate_window == 60 ? "min" :
		    "h");
	else
		fprintf(fp, "rate_limit = none\n");
	print_mention(&w->mention, fp);
	fprintf(fp, "keyword = %s\n", w->keyword ? w->keyword : "");
	if (w->format == FMT_ALERTMANAGER)
		fprintf(fp, "resend = %gs\nresolve_timeout = %gs\n"
		    "generator_url = %s\n", w->resend, w->resolve_timeout,
		    url_masked(w->generator_url ? w->generator_url : "", url,
		    sizeof(url)));
}

/* An [uplink]: the password and the key are never printed, only whether
   they are set. */
static void
print_uplink(const struct conf_uplink *u, FILE *fp)
{
	fprintf(fp, "\n[uplink %s]\nprotocol = %s\nhost = %s\nport = %d\n"
	    "mn = %s\npw = %s\nst = %d\nhourly = %s\nack = %s\n"
	    "timeout = %gs\nretries = %d\nperiod = %gs\n", u->name,
	    conf_uplink_protos[u->protocol], u->host ? u->host : "", u->port,
	    u->mn ? u->mn : "", u->pw && *u->pw ? "(set)" : "", u->st,
	    u->hourly ? "on" : "off", u->ack ? "yes" : "no", u->timeout,
	    u->retries, u->period);
	if (u->realtime > 0)
		fprintf(fp, "realtime = %gs\n", u->realtime);
	else
		fprintf(fp, "realtime = off\n");
	if (u->minute > 0)
		fprintf(fp, "minute = %d\n", u->minute);
	else
		fprintf(fp, "minute = off\n");
	fprintf(fp, "daily = %s\n", u->daily ? "on" : "off");
	if (u->sm4_key != NULL)
		fprintf(fp, "sm4_key_file = (set)\n");
}

void
conf_print(const struct conf *c, FILE *fp)
{
	static const char *const lv[] = { "error", "warning", "info",
	    "debug" };
	size_t i;

	fprintf(fp, "[daemon]\nstate_dir = %s\ninterval = %d\n"
	    "rrdcached = %s\nstore_buffer = %d\nlog_level = %s\n",
	    c->state_dir, c->interval, c->rrdcached ? c->rrdcached : "",
	    c->store_buffer, lv[c->log_level]);
	fprintf(fp, "timezone = %s\nwww_dir = %s\nday_min_fraction = %g\n"
	    "month_min_fraction = %g\n", c->timezone ? c->timezone : "",
	    c->www_dir ? c->www_dir : "", c->day_min_fraction,
	    c->month_min_fraction);
	fprintf(fp, "store_batch = %gs\nsample_buffer = %d\n",
	    c->store_batch, c->sample_buffer);
	if (c->metrics != NULL)
		fprintf(fp, "metrics = %s\n", c->metrics);
	if (c->station != NULL)
		fprintf(fp, "station = %s\n", c->station);
	for (i = 0; i < c->nbus; i++)
		print_bus(&c->buses[i], fp);
	for (i = 0; i < c->nsensor; i++)
		print_sensor(&c->sensors[i], fp);
	for (i = 0; i < c->nwebhook; i++)
		print_webhook(&c->webhooks[i], fp);
	for (i = 0; i < c->nuplink; i++)
		print_uplink(&c->uplinks[i], fp);
}
