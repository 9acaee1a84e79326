/* core.c: samples -> RRD, rules -> events -> outbox */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "../lib/monthrule.h"
#include "../lib/samplelog.h"
#include "../lib/util.h"
#include "core.h"
#include "cumul.h"
#include "eval.h"
#include "state.h"
#include "store.h"
#include "writer.h"

/*
 * s: state.json at least this often. Transitions are saved at once; the
 * rest is each sensor's last valid time, which a restart only needs
 * roughly (3000 sensors make a 1 MB file).
 */
#define SAVE_EVERY	300
/*
 * s: the sample log is fdatasync'd this often. A crash of the process
 * loses nothing (each line is one write(2)); a power cut may lose up to
 * this much of the newest lines, never tear one.
 */
#define SYNC_EVERY	60
/* events a pass keeps room for between passes */
#define OUT_KEEP	16

/* Readings in the store's buffer not yet asked to be written. */
struct batch {
	time_t		 first;		/* the oldest */
	size_t		 n;
};

/* One sensor's counts of a local day (core_today). */
struct day_count {
	time_t		 day;		/* its local midnight */
	int		 obtained, valid;
};

struct core {
	const struct conf	*c;
	struct day_count	*today;		/* per sensor */
	time_t			 started;
	struct store		*st;
	struct writer		*w;		/* drives st */
	struct notify		*n;
	struct alarm_state	*alarms;	/* per sensor */
	struct cumul		*cumul;		/* per sensor: year to date */
	struct sample		*last;		/* per sensor */
	struct samplelog	*log;
	struct batch		*batch;		/* per sensor */
	time_t			*maint_until;	/* per sensor: manual, 0 none */
	time_t			*maint_was;	/* the same, before a scan */
	struct timespec		 maint_mtime;	/* of the folder, last read */
	time_t			 maint_read;
	time_t			 maint_scan;	/* the second of the last scan */
	int			 dirty;		/* state changed since saved */
	struct event		*out;	/* this pass's, for core_post */
	size_t			 nout, capout;
	time_t			 latest;	/* newest sample time processed */
	time_t			 saved;
	time_t			 synced;	/* the sample log, last */
	time_t			 ticked;	/* core_clock at the last tick */
	int			 save_failed;
	struct core_stats	 stats;
};

struct core *
core_new(const struct conf *c, struct notify *n, char err[LW_ERRLEN])
{
	char dir[PATH_MAX];
	struct core *core;
	size_t i;

	if ((core = calloc(1, sizeof(*core))) == NULL ||
	    (core->alarms = calloc(c->nsensor + 1,
	    sizeof(*core->alarms))) == NULL ||
	    (core->last = calloc(c->nsensor + 1, sizeof(*core->last))) ==
	    NULL ||
	    (core->maint_until = calloc(c->nsensor + 1, sizeof(time_t))) ==
	    NULL ||
	    (core->maint_was = calloc(c->nsensor + 1, sizeof(time_t))) ==
	    NULL ||
	    (core->cumul = calloc(c->nsensor + 1, sizeof(*core->cumul))) ==
	    NULL)
		fatal("core");
	core->log = samplelog_new(c);
	if ((core->batch = calloc(c->nsensor + 1, sizeof(*core->batch))) ==
	    NULL || (core->today = calloc(c->nsensor + 1,
	    sizeof(*core->today))) == NULL)
		fatal("core");
	core->c = c;
	core->n = n;
	core->saved = core->synced = core->started = time(NULL);
	if ((core->st = store_new(c, err)) == NULL) {
		core_free(core);
		return NULL;
	}
	core->w = writer_start(core->st, c);
	for (i = 0; i < c->nsensor; i++)
		eval_start(&core->alarms[i], core->saved);
	snprintf(dir, sizeof(dir), "%s/maintenance", c->state_dir);
	if (mkdirs(dir, 0750) == -1)
		log_warn("%s", dir);
	return core;
}

void
core_set_notify(struct core *core, struct notify *n)
{
	core->n = n;
}

/*
 * A sensor whose interval or stale_after the reload changed is judged
 * stale from its first poll on the new schedule (the bus polls it at the
 * next slot of its interval): its last reading came on the old interval,
 * and a shorter stale_after would call it stale at once.
 */
static void
adopt_alarm(struct core *core, size_t i, const struct core *old, int j,
    time_t now)
{
	const struct conf_sensor *ns = &core->c->sensors[i];
	const struct conf_sensor *os = &old->c->sensors[j];

	eval_free(&core->alarms[i]);
	eval_copy(&core->alarms[i], &old->alarms[j]);
	cumul_adopt(&core->cumul[i], &old->cumul[j], ns, os);
	if (ns->interval != os->interval ||
	    ns->alert.stale_after != os->alert.stale_after)
		eval_rescheduled(&core->alarms[i],
		    (now / ns->interval + 1) * ns->interval);
}

void
core_adopt(struct core *core, const struct core *old)
{
	time_t now = time(NULL);
	size_t i;
	int j;

	for (i = 0; i < core->c->nsensor; i++)
		if ((j = conf_sensor_find(old->c,
		    core->c->sensors[i].name)) != -1) {
			adopt_alarm(core, i, old, j, now);
			core->today[i] = old->today[j];
		}
	core->started = old->started;
	core->latest = old->latest;	/* the core's clock (core_tick) */
	writer_drain(old->w);
	store_adopt(core->st, old->st);	/* RRD values still buffered */
	samplelog_adopt(core->log, old->log);	/* and sample-log rows */
}

void
core_free(struct core *core)
{
	size_t i;

	if (core == NULL)
		return;
	core_flush(core, 1);
	writer_stop(core->w);	/* after it wrote what it had */
	store_free(core->st);
	for (i = 0; i < core->c->nsensor; i++) {
		eval_free(&core->alarms[i]);
		cumul_free(&core->cumul[i]);
	}
	free(core->alarms);
	free(core->cumul);
	free(core->last);
	free(core->maint_until);
	free(core->maint_was);
	free(core->batch);
	free(core->today);
	free(core->out);
	samplelog_free(core->log);
	free(core);
}

static int
cmp_sample(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	if (x->idx != y->idx)
		return x->idx - y->idx;
	return x->t < y->t ? -1 : x->t > y->t;
}

/* Point each sample's idx at its sensor in this config, -1 if gone. */
static void
resolve(const struct core *core, struct sample *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i].idx < 0 || (size_t)s[i].idx >= core->c->nsensor ||
		    strcmp(core->c->sensors[s[i].idx].name, s[i].sensor) != 0)
			s[i].idx = conf_sensor_find(core->c, s[i].sensor);
}

/* Have the writer write sensor IDX's batch. */
static void
store_batch_one(struct core *core, int idx)
{
	writer_kick(core->w, idx);
	core->batch[idx].n = 0;
}

/*
 * The store_batch window time T falls in for sensor IDX. Each sensor's
 * windows are shifted by its share of the batch, so that a station's
 * files are updated a few at a time every second, not all at once (a
 * writer busy with 3000 files in a burst slows the polls down).
 */
static long long
batch_window(const struct core *core, int idx, time_t t)
{
	double b = core->c->store_batch;

	return (long long)floor(((double)t + b * idx /
	    (double)core->c->nsensor) / b);
}

/*
 * Readings wait in the store's buffer for their RRD update so that one
 * update writes several: a file is opened once per store_batch seconds
 * rather than once per reading (the sample log has every reading at
 * once). Flagged readings and failed polls go in as UNKNOWN.
 */
static void
store_add(struct core *core, const struct sample *s)
{
	struct batch *b = &core->batch[s->idx];

	if (b->n > 0 && core->c->store_batch > 0 &&
	    batch_window(core, s->idx, s->t) !=
	    batch_window(core, s->idx, b->first))
		store_batch_one(core, s->idx);
	if (store_put(core->st, s->idx, s, 1) == 0)
		return;
	if (b->n++ == 0)
		b->first = s->t;
	/* a reading an interval apart is its own batch: at once */
	if ((double)b->n * core->c->sensors[s->idx].interval >=
	    core->c->store_batch)
		store_batch_one(core, s->idx);
}

void
core_flush(struct core *core, int all)
{
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < core->c->nsensor; i++)
		if (core->batch[i].n > 0 && (all ||
		    now - core->batch[i].first >= core->c->store_batch))
			store_batch_one(core, (int)i);
	if (core->w == NULL)	/* core_new failed */
		return;
	writer_go(core->w);
	if (all)
		writer_drain(core->w);
}

/* Log the events EV[0..N) and keep them for core_post. */
static void
file_events(struct core *core, const struct event *ev, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		core->stats.events++;
		core->dirty = 1;
		log_info("alert %s: %s [%s]", ev[i].firing ? "firing" :
		    "resolved", ev[i].message, ev[i].id);
		if (core->n == NULL) {
			log_warnx("event '%s': no delivery running", ev[i].id);
			continue;
		}
		if (core->nout == core->capout) {
			core->capout = core->capout ? 2 * core->capout : 16;
			if ((core->out = reallocarray(core->out, core->capout,
			    sizeof(*core->out))) == NULL)
				fatal("core");
		}
		core->out[core->nout++] = ev[i];
	}
}

/*
 * The pass's events into the outboxes, before the state that caused
 * them is saved: all at once, so that a hundred sensors crossing a limit
 * together wait for two fsyncs, not two hundred, before their alerts
 * leave.
 */
static void
core_post(struct core *core)
{
	char err[LW_ERRLEN] = "";
	size_t k;

	if (core->nout == 0 || core->n == NULL)
		return;
	if ((k = notify_enqueue_many(core->n, core->out, core->nout,
	    err)) > 0)
		log_warnx("%zu of %zu events: outbox: %s; kept in memory", k,
		    core->nout, err);
	core->nout = 0;
	/* a burst's room is not kept (1.1 kB an event: a farm-wide
	   outage would hold megabytes for good) */
	if (core->capout > OUT_KEEP) {
		free(core->out);
		core->out = NULL;
		core->capout = 0;
	}
}

/*
 * The cumulative rule: a valid fresh reading joins the sensor's year to
 * date, which is summed again from the sample log (as `lakewatch report`
 * sums it) when it is due: the reading is in it then, audit() wrote it.
 * The reading counts on the day the log gives it (its measurement time
 * if the instrument has one, samplelog_append); the year to date is
 * judged at the time of the poll, the month in progress the poll's.
 */
static void
cumulative(struct core *core, const struct sample *s)
{
	const struct conf_sensor *sc = &core->c->sensors[s->idx];
	struct cumul *cu = &core->cumul[s->idx];
	struct event ev[EVAL_MAX_EVENTS];
	char err[LW_ERRLEN];
	time_t when = s->mtime > 0 ? (time_t)s->mtime : s->t;

	if (!cumul_wanted(sc) || !sample_valid(s) || !s->fresh ||
	    !isfinite(s->value))
		return;
	if (!cumul_due(cu, s->t))
		cumul_add(cu, when, s->value, s->flag);
	/* due, or the reading fell in a month it keeps no days of */
	if (cumul_due(cu, s->t) && cumul_load(core->c, sc, cu, s->t,
	    err) == -1)
		log_warnx("sensor '%s': year to date: %s; counted from now",
		    sc->name, err);
	file_events(core, ev, eval_cumulative(sc, &core->alarms[s->idx],
	    cumul_mean(sc, cu, s->t), s->t, ev));
}

static void
judge(struct core *core, const struct sample *s)
{
	const struct conf_sensor *sc = &core->c->sensors[s->idx];
	struct alarm_state *st = &core->alarms[s->idx];
	struct event ev[EVAL_MAX_EVENTS];
	int quiet = st->quiet != 0, n;

	log_debug("sensor '%s': %.*f %s flag %c%s", sc->name, sc->decimals,
	    s->value, sc->unit_label, s->flag, s->fresh ? "" : " (held)");
	n = eval_sample(sc, st, s, ev);
	if (st->quiet != quiet)
		log_info("sensor '%s': %s", sc->name, st->quiet ?
		    (s->flag == FLAG_CALIB ? "calibrating (flag C); threshold "
		    "and stale alerts suppressed" : "in maintenance (flag M); "
		    "threshold and stale alerts suppressed") :
		    "back to normal operation; alerts active");
	file_events(core, ev, n);
	cumulative(core, s);
}

/*
 * The audit trail: every fresh sample (failed polls are always fresh).
 * A line that cannot be written is held by the log (which says so).
 */
static void
audit(struct core *core, const struct sample *s)
{
	char err[LW_ERRLEN];

	if (s->fresh && samplelog_append(core->log, s, err) == -1)
		core->stats.log_errors++;
}

/* Local midnight of the day T falls in, by the zone's rules. */
static time_t
midnight_of(time_t t)
{
	struct tm tm;

	if (localtime_r(&t, &tm) == NULL)
		return t - t % 86400;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/*
 * The same, remembering the day last asked for: every sample and every
 * sensor of status.json asks, and mktime reads the zone each time (a
 * tenth of the core thread at 600 sensors). A local day lasts 23 to 25
 * h, so the next midnight is that of 26 h later. The zone is set once
 * before the threads start.
 */
time_t
core_midnight(time_t t)
{
	static _Thread_local time_t from = 1, to = 0;

	if (t >= from && t < to)
		return from;
	from = midnight_of(t);
	to = midnight_of(from + 26 * 3600);
	if (from > t || to <= t) {	/* no sane day: remember none */
		from = 1;
		to = 0;
		return midnight_of(t);
	}
	return from;
}

/*
 * Today's counts: a fresh row with a value is obtained whatever its flag
 * but B (no communication); it is valid with flag N or S, the flags
 * `lakewatch report` counts.
 */
static void
count_today(struct core *core, const struct sample *s)
{
	struct day_count *d = &core->today[s->idx];
	time_t day;

	if (!s->fresh)
		return;
	if ((day = core_midnight(s->t)) != d->day) {
		if (day < d->day)
			return;		/* a late row of yesterday */
		d->day = day;
		d->obtained = d->valid = 0;
	}
	if (s->flag == FLAG_COMM || !isfinite(s->value))
		return;
	d->obtained++;
	d->valid += s->flag == FLAG_NORMAL || s->flag == 'S';
}

void
core_today(const struct core *core, int idx, time_t now,
    struct core_today *t)
{
	const struct conf_sensor *sc = &core->c->sensors[idx];
	const struct day_count *d = &core->today[idx];
	double every = sc->cycle > 0 ? sc->cycle : sc->interval;
	time_t midnight = core_midnight(now);
	long n, per_day;

	memset(t, 0, sizeof(*t));
	t->since = core->started > midnight ? core->started : midnight;
	if (d->day == midnight) {
		t->obtained = d->obtained;
		t->valid = d->valid;
	}
	if (sc->sampling == SAMPLING_MANUAL || every <= 0)
		return;
	per_day = report_expected(sc);	/* a result per cycle */
	/* the slots since SINCE, the one at SINCE included */
	n = (long)floor((double)(now - t->since) / every) + 1;
	t->expected = (int)(n < 1 ? 1 : n > per_day ? per_day : n);
}

static void	scan_maintenance(struct core *, time_t);

/* Manual maintenance (lakewatch maintenance) turns N readings into M. */
static void
maintenance_flag(const struct core *core, struct sample *s)
{
	time_t until = core->maint_until[s->idx];

	if (until != 0 && (until < 0 || s->t < until) &&
	    s->flag == FLAG_NORMAL)
		s->flag = FLAG_MAINT;
}

void
core_process(struct core *core, struct sample *s, size_t n)
{
	size_t i, j;

	/* the operator's switch, before it flags these (once a second) */
	scan_maintenance(core, time(NULL));
	resolve(core, s, n);
	qsort(s, n, sizeof(*s), cmp_sample);
	for (i = 0; i < n && s[i].idx < 0; i++)
		log_debug("sensor '%s': no longer configured; sample dropped",
		    s[i].sensor);
	core->stats.samples += n - i;
	while (i < n) {
		for (j = i; j < n && s[j].idx == s[i].idx; j++)
			maintenance_flag(core, &s[j]);
		for (; i < j; i++) {
			if (s[i].t > core->latest)
				core->latest = s[i].t;
			store_add(core, &s[i]);
			audit(core, &s[i]);
			count_today(core, &s[i]);
			judge(core, &s[i]);
			core->last[s[i].idx] = s[i];
		}
	}
	core_post(core);
	writer_go(core->w);
	if (core->dirty)
		core_save(core, 1);	/* a transition: save it now */
}

void
core_stats(const struct core *core, struct core_stats *st)
{
	size_t i;

	struct writer_stats ws;

	*st = core->stats;
	writer_stats(core->w, &ws);
	store_stats(core->st, &st->store);
	st->stored = st->store.written;
	st->store_errors = ws.errors;
	samplelog_stats(core->log, &st->log_waiting, &st->log_dropped);
	st->firing = 0;
	for (i = 0; i < core->c->nsensor; i++)
		st->firing += eval_firing(&core->alarms[i]);
}

int
core_load_state(struct core *core, char err[LW_ERRLEN])
{
	return state_load(core->c, core->alarms, err);
}

void
core_save(struct core *core, int force)
{
	time_t now = time(NULL);

	if (!force && !core->dirty && now - core->saved < SAVE_EVERY)
		return;
	if (state_save(core->c, core->alarms) == -1) {
		if (!core->save_failed)
			log_warn("alert state not saved");
		core->save_failed = 1;
		return;
	}
	if (core->save_failed)
		log_info("alert state saved again");
	core->save_failed = 0;
	core->dirty = 0;
	core->saved = now;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * <state_dir>/maintenance/<sensor> holds "until" in unix seconds, or 0
 * for "until switched off". Unknown names are ignored. Only the files
 * the folder lists are opened: an empty folder is one listing, not a
 * failed open per sensor.
 */
static void
read_maintenance(struct core *core, time_t now)
{
	const struct conf *c = core->c;
	char path[PATH_MAX], **names = NULL, **grown;
	const char *key;
	struct dirent *de;
	size_t i, n = 0, cap = 0;
	long long until;
	DIR *d;

	memset(core->maint_until, 0, c->nsensor * sizeof(time_t));
	snprintf(path, sizeof(path), "%s/maintenance", c->state_dir);
	if ((d = opendir(path)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((grown = reallocarray(names, cap,
			    sizeof(*names))) == NULL)
				fatal("core");
			names = grown;
		}
		if ((names[n++] = strdup(de->d_name)) == NULL)
			fatal("core");
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < c->nsensor && n > 0; i++) {
		key = c->sensors[i].name;
		if (bsearch(&key, names, n, sizeof(*names), cmp_name) == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/maintenance/%s",
		    c->state_dir, key);
		if (read_ll(path, &until) == 0 && (until == 0 || until > now))
			core->maint_until[i] = until == 0 ? -1 : (time_t)until;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/*
 * The files change by rename or unlink (lakewatch maintenance), which
 * changes the folder's mtime: read them when it did, when it is too new
 * to tell two changes apart, and once a minute for a file edited in
 * place. Otherwise only the clock ends a maintenance: a station of 3000
 * sensors does not open 3000 files a second.
 */
static void
scan_maintenance(struct core *core, time_t now)
{
	const struct conf *c = core->c;
	char dir[PATH_MAX];
	struct stat sb;
	time_t was;
	size_t i;

	if (now == core->maint_scan)
		return;
	core->maint_scan = now;
	snprintf(dir, sizeof(dir), "%s/maintenance", c->state_dir);
	if (stat(dir, &sb) == -1)
		memset(&sb, 0, sizeof(sb));
	memcpy(core->maint_was, core->maint_until,
	    c->nsensor * sizeof(time_t));
	if (sb.st_mtim.tv_sec == 0 && sb.st_mtim.tv_nsec == 0) {
		/* no folder (never used): none on, no file to try a minute */
		memset(core->maint_until, 0, c->nsensor * sizeof(time_t));
		core->maint_mtime = sb.st_mtim;
		core->maint_read = now;
	} else if (sb.st_mtim.tv_sec != core->maint_mtime.tv_sec ||
	    sb.st_mtim.tv_nsec != core->maint_mtime.tv_nsec ||
	    now - sb.st_mtim.tv_sec < 2 || now - core->maint_read >= 60) {
		read_maintenance(core, now);
		core->maint_mtime = sb.st_mtim;
		core->maint_read = now;
	} else {
		for (i = 0; i < c->nsensor; i++)
			if (core->maint_until[i] > 0 &&
			    core->maint_until[i] <= now)
				core->maint_until[i] = 0;
	}
	for (i = 0; i < c->nsensor; i++) {
		was = core->maint_was[i];
		if ((was != 0) != (core->maint_until[i] != 0))
			log_info("sensor '%s': maintenance %s",
			    c->sensors[i].name, was == 0 ? "switched on by "
			    "the operator" : "over");
	}
}

/*
 * The core's "now": time-based rules are judged by the samples' clock,
 * not the wall's. A core that fell behind (files being created, a slow
 * disk) has readings still queued, and must not call a sensor stale for
 * it. Every bus sends a sample per interval, failed or not, and the
 * queue is in time order, so the newest sample processed is the core's
 * "now" (a current core is less than a step behind). Before the first
 * sample, and while the wall is behind the samples, it is the wall's.
 */
static time_t
core_clock(const struct core *core, time_t now)
{
	return core->latest != 0 && now > core->latest ? core->latest : now;
}

void
core_tick(struct core *core, time_t now)
{
	struct event ev[EVAL_MAX_EVENTS];
	size_t i;

	scan_maintenance(core, now);
	core_flush(core, 0);
	samplelog_retry(core->log);
	if (now - core->synced >= SYNC_EVERY || now < core->synced) {
		samplelog_sync(core->log);
		core->synced = now;
	}
	now = core->ticked = core_clock(core, now);
	for (i = 0; i < core->c->nsensor; i++)
		file_events(core, ev, eval_tick(&core->c->sensors[i],
		    &core->alarms[i], now, ev));
	core_post(core);
	core_save(core, 0);
}

/*
 * When core_tick has something to do, from NOW on the wall clock: a
 * core whose clock has moved since the last tick (the rules judge by
 * it, so they can fire only then: samples came, or it is the wall's), a
 * batch that has waited store_batch, held sample-log lines, the sync,
 * the save, a maintenance that ends. Nothing else changes with time
 * alone, so a quiet station's core sleeps between its polls.
 */
time_t
core_next(const struct core *core, time_t now)
{
	const struct conf *c = core->c;
	time_t t = core->saved + SAVE_EVERY, u, clock = core_clock(core, now);
	size_t i, held;
	uint64_t lost;

	if (clock != core->ticked)
		return now;
	if (clock == now)	/* the wall's: it moves every second */
		t = now + 1;
	if (core->synced + SYNC_EVERY < t)
		t = core->synced + SYNC_EVERY;
	samplelog_stats(core->log, &held, &lost);
	if (held > 0 && now + 1 < t)
		t = now + 1;
	for (i = 0; i < c->nsensor; i++) {
		if (core->batch[i].n > 0 &&
		    (u = core->batch[i].first + (time_t)ceil(c->store_batch)) <
		    t)
			t = u;
		if ((u = core->maint_until[i]) > 0 && u < t)
			t = u;
	}
	return t <= now ? now + 1 : t;	/* what was due, the tick did */
}

void
core_clock_step(struct core *core, time_t d)
{
	size_t i;

	if (core->latest != 0)
		core->latest += d;
	core->saved += d;
	core->synced += d;
	for (i = 0; i < core->c->nsensor; i++)
		eval_clock_step(&core->alarms[i], d);
}

void
core_last(const struct core *core, int idx, struct sample *s, int *firing)
{
	*s = core->last[idx];
	*firing = eval_firing(&core->alarms[idx]);
}
