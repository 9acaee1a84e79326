/*
 * check.c: the read plan and bus-time budget of a config, and what its
 * webhooks' keys cannot do in their format, for people
 */
#include <stdio.h>
#include <stdlib.h>

#include "check.h"
#include "log.h"
#include "plan.h"

/*
 * The estimated bus time of a cycle (all sensors due at once) against
 * the shortest interval on the bus. Returns 1 if it does not fit.
 */
static int
print_budget(const struct conf *c, size_t b, const int *idx, size_t n,
    const struct plan_req *reqs, size_t nr, FILE *fp)
{
	const struct conf_bus *cb = &c->buses[b];
	double t = plan_wire_time(cb, reqs, nr);
	int iv = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (iv == 0 || c->sensors[idx[i]].interval < iv)
			iv = c->sensors[idx[i]].interval;
	if (n == 0)
		return 0;
	if (cb->type == BUS_RTU)
		fprintf(fp, "  estimated bus time per cycle: %.1f ms (%d baud "
		    "%d%c%d, gap %g ms) of %d s: %.1f %%\n", t * 1000,
		    cb->baud, cb->data_bits, cb->parity, cb->stop_bits,
		    cb->gap * 1000, iv, 100 * t / iv);
	else
		fprintf(fp, "  estimated bus time per cycle: %.1f ms of gaps plus "
		    "%zu round trips, of %d s\n", t * 1000, nr, iv);
	/* every try of every request may time out: the worst case */
	if (t > iv) {
		fprintf(fp, "  WARNING: the plan needs more than the interval\n");
		return 1;
	}
	if (t + nr * cb->timeout * (1 + cb->retries) > iv)
		fprintf(fp, "  note: with every device timing out a cycle would "
		    "take %.1f s\n", t + nr * cb->timeout * (1 + cb->retries));
	return 0;
}

static void
hook_warn(const struct conf_webhook *w, const char *what, FILE *fp)
{
	fprintf(fp, "webhook '%s': WARNING: %s\n", w->name, what);
}

/* Mentions and keyword that W's format ignores (DOMAIN.md 4). */
static void
check_webhook(const struct conf_webhook *w, FILE *fp)
{
	const struct wh_mention *m = &w->mention;

	switch (w->format) {
	case FMT_JSON:
	case FMT_ALERTMANAGER:
		if (m->nmobile > 0 || m->all)
			hook_warn(w, "mention is ignored by formats json and "
			    "alertmanager", fp);
		if (w->keyword != NULL)
			hook_warn(w, "keyword is ignored by formats json and "
			    "alertmanager", fp);
		break;
	case FMT_WECOM:
		if ((m->nmobile > 0 || m->all) && w->msgtype == MSG_MARKDOWN)
			hook_warn(w, "mention needs msgtype = text (wecom "
			    "markdown cannot mention)", fp);
		break;
	case FMT_FEISHU:
		if (m->nmobile > 0)
			hook_warn(w, "feishu mentions user ids, not mobile "
			    "numbers: only 'all' is used", fp);
		break;
	case FMT_SLACK:
		if (m->nmobile > 0)
			hook_warn(w, "slack cannot mention mobile numbers: "
			    "only 'all' (<!channel>) is used", fp);
		break;
	case FMT_DINGTALK:
		break;
	}
}

int
check_report(const struct conf *c, FILE *fp)
{
	struct plan_req *reqs;
	int *idx, warned = 0;
	size_t b, i, n, nr;

	if ((idx = calloc(c->nsensor + 1, sizeof(*idx))) == NULL ||
	    (reqs = calloc(PLAN_PER_SENSOR * c->nsensor + 1, sizeof(*reqs))) == NULL)
		fatal("plan");
	for (b = 0; b < c->nbus; b++) {
		for (i = n = 0; i < c->nsensor; i++)
			if (c->sensors[i].bus == (int)b)
				idx[n++] = (int)i;
		nr = plan_build(c, idx, n, c->buses[b].merge_hole, NULL, reqs);
		fprintf(fp, "bus '%s': %zu sensors, %zu requests per cycle\n",
		    c->buses[b].name, n, nr);
		for (i = 0; i < nr; i++)
			fprintf(fp, "  unit %d fc 0x%02x registers %d-%d (%d)\n",
			    reqs[i].unit, reqs[i].function ? 4 : 3,
			    (int)reqs[i].addr,
			    (int)reqs[i].addr + reqs[i].count - 1,
			    (int)reqs[i].count);
		warned += print_budget(c, b, idx, n, reqs, nr, fp);
	}
	for (b = 0; b < c->nwebhook; b++)
		check_webhook(&c->webhooks[b], fp);
	free(idx);
	free(reqs);
	return warned;
}

