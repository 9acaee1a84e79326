/* main.c: lakewatchd: arguments, signals, start-up and shutdown order */
#include <sys/resource.h>

#include <curl/curl.h>

#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/conf.h"
#include "../lib/log.h"
#include "../lib/statusfile.h"
#include "../lib/util.h"
#include "bus.h"
#include "core.h"
#include "cumul.h"
#include "metrics.h"
#include "notify.h"
#include "queue.h"
#include "sdnotify.h"
#include "status.h"
#include "store.h"
#include "uplink.h"

#define QUEUE_MIN	1024	/* samples; more with more sensors: */
#define QUEUE_PER_SENSOR 32	/* room while RRD files are being made */
#define BATCH		1024
#define LINGER_MS	20

#define POOL_MAX	4096	/* workers at most; one per busy bus */

/*
 * The stop is bounded (lakewatchd(8), well below the unit's
 * TimeoutStopSec=30s), counted from SIGTERM: a poll still under way
 * after STOP_BUSES s is abandoned; RRD files are made for STOP_CREATE s
 * and updates written for STOP_WRITE s, what is left is in the sample
 * log and missing files are made at the next start.
 */
#define STOP_BUSES	2.0
#define STOP_CREATE	1.0
#define STOP_WRITE	5.0

/* Everything that hangs off one config snapshot. */
struct run {
	struct conf	*c;
	struct notify	*n;
	struct core	*core;
	struct bus	**buses;
};

/*
 * What lives as long as the process: main() owns it, sig_thread sets the
 * two flags and quit_at, everything else is the main thread's. The run in
 * it is replaced on each reload.
 */
struct daemon {
	atomic_int	 quit, reload;	/* set by sig_thread */
	struct timespec	 quit_at;	/* set before quit */
	struct queue	*q;		/* samples, buses -> core */
	struct pool	*pool;		/* workers of all buses, for good */
	double		 started;	/* wall clock */
	struct run	 run;		/* the config in force */
	struct uplinks	*up;		/* of run.c */
	struct metrics	*metrics;	/* /metrics; off unless configured */
	struct sample	*batch;		/* BATCH samples off the queue */
	int		 stuck_logged;	/* buses_healthy */
	time_t		 status_last;	/* status_due */
	int		 status_dirty;	/* something happened since */
	time_t		 status_since;	/* when it first did */
	size_t		 held;		/* events not yet in the outbox */
	int		 status_failed;	/* report_status */
	struct timespec	 linger_last;	/* linger */
};

/* The signals lakewatchd acts on: blocked in every thread (signals()). */
static void
our_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGHUP);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
}

/*
 * Takes the signals and wakes the main loop, which can so sleep until
 * the next sample or second instead of looking at flags every 50 ms.
 * Ends after SIGTERM or SIGINT.
 */
static void *
sig_thread(void *arg)
{
	struct daemon *d = arg;
	sigset_t set;
	int sig;

	pthread_setname_np(pthread_self(), "lw-signals");

	our_signals(&set);
	while (!d->quit) {
		if ((sig = sigwaitinfo(&set, NULL)) == -1)
			continue;
		if (sig == SIGHUP)
			d->reload = 1;
		else {
			/* the writer stops making files now: the disk is free */
			store_hurry(STOP_CREATE, STOP_WRITE);
			d->quit_at = mono_now();
			d->quit = 1;
		}
		queue_wake(d->q);
	}
	return NULL;
}

/* To stdout with exit 0 when asked for (--help), else a usage error. */
static void
usage(FILE *fp, int rc)
{
	fprintf(fp, "usage: lakewatchd [-tTvV] -c file\n"
	    "  -c file  configuration (lakewatch.conf(5))\n"
	    "  -t       check the configuration and exit\n"
	    "  -T       check it, print it in normal form (secrets masked) "
	    "and exit\n"
	    "  -v       log debug messages\n"
	    "  -V, --version  print the version and exit\n"
	    "  --help   print this and exit\n");
	exit(rc);
}

/* The WARNING lines of check_report, not the request plan; 1 if late. */
static int
check_warnings(const struct conf *c)
{
	char *buf = NULL, *line, *save;
	size_t len = 0;
	FILE *fp;
	int late;

	if ((fp = open_memstream(&buf, &len)) == NULL)
		fatal("check");
	late = check_report(c, fp);
	fclose(fp);
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save))
		if (strstr(line, "WARNING") != NULL)
			printf("%s\n", line);
	free(buf);
	return late;
}

/*
 * -t: the exit status, the errors, the warnings and one line, so that
 * ExecStartPre= and ExecReload= put nothing of the config (a webhook's
 * token) into the journal; -T (PRINT) shows the config in normal form,
 * secrets masked, and the request plan.
 */
static int
check_conf(struct conf *c, int print)
{
	int late;

	if (print) {
		conf_print(c, stdout);
		printf("\n");
		late = check_report(c, stdout);
	} else
		late = check_warnings(c);
	printf("%s: ok: %zu buses, %zu sensors, %zu webhooks%s\n", c->path,
	    c->nbus, c->nsensor, c->nwebhook, late ?
	    "; some bus cannot keep its interval" : "");
	conf_free(c);
	return 0;
}

static void
buses_start(struct daemon *d)
{
	struct run *r = &d->run;
	size_t i;

	if ((r->buses = calloc(r->c->nbus + 1, sizeof(*r->buses))) == NULL)
		fatal("main");
	for (i = 0; i < r->c->nbus; i++)
		r->buses[i] = bus_start(r->c, (int)i, d->q, d->pool);
}

/*
 * Stop the buses, then store and judge what they had queued. A request
 * to a silent device may wait for its whole time-out (up to a minute):
 * all buses are told at once, which ends TCP requests, and a poll still
 * under way at the deadline is abandoned. Returns how many were: their
 * workers still use the bus, its config, the queue and the pool.
 */
static size_t
buses_stop(struct daemon *d)
{
	struct run *r = &d->run;
	struct queue *q = d->q;
	struct timespec dl = ts_add(d->quit_at, STOP_BUSES);
	size_t i, n, left = 0;

	if (ts_diff(dl, mono_now()) < 0.1)	/* the core was long busy */
		dl = ts_add(mono_now(), 0.1);
	for (i = 0; i < r->c->nbus; i++)
		bus_halt(r->buses[i]);
	for (i = 0; i < r->c->nbus; i++)
		left += bus_stop_by(r->buses[i], dl) == -1;
	free(r->buses);
	r->buses = NULL;
	while ((n = queue_pop(q, d->batch, BATCH, 0)) > 0)
		core_process(r->core, d->batch, n);
	return left;
}

/*
 * Core and delivery for config C; OLD's alert state carries over, and
 * OLD's delivery thread is stopped first so that two never send from
 * the same outbox.
 */
static int
run_start(struct run *r, struct conf *c, struct run *old,
    char err[LW_ERRLEN])
{
	memset(r, 0, sizeof(*r));
	r->c = c;
	if ((r->core = core_new(c, NULL, err)) == NULL)
		return -1;
	if (old != NULL) {
		core_flush(old->core, 1);	/* before its store is adopted */
		core_adopt(r->core, old->core);
		core_save(old->core, 1);
		notify_stop(old->n);
		old->n = NULL;
		core_set_notify(old->core, NULL);
	}
	r->n = notify_start(c);
	core_set_notify(r->core, r->n);
	return 0;
}

/* KEEP_CONF: an abandoned bus worker still reads it (buses_stop). */
static void
run_free(struct run *r, int keep_conf)
{
	core_save(r->core, 1);
	core_free(r->core);
	notify_stop(r->n);
	free(r->buses);
	if (!keep_conf)
		conf_free(r->c);
}

/*
 * Move the buses to config NC, diff-applied: a bus whose link is the same
 * keeps its thread and connection and is handed the new config (its
 * sensors keep their schedules); a bus that is gone or whose link
 * changed is stopped; a new one is started.
 */
static struct bus **
buses_rebind(struct run *r, const struct conf *nc, struct queue *q,
    struct pool *pool)
{
	struct bus **nb;
	size_t i;
	int j;

	if ((nb = calloc(nc->nbus + 1, sizeof(*nb))) == NULL)
		fatal("main");
	for (i = 0; i < r->c->nbus; i++) {
		j = conf_bus_find(nc, r->c->buses[i].name);
		if (j != -1 && bus_same_link(&r->c->buses[i], &nc->buses[j])) {
			bus_rebind(r->buses[i], nc, j);
			nb[j] = r->buses[i];
		} else {
			log_info("bus '%s': %s", r->c->buses[i].name, j == -1 ?
			    "removed" : "link changed, reconnecting");
			bus_stop(r->buses[i]);
		}
	}
	for (i = 0; i < nc->nbus; i++)
		if (nb[i] == NULL) {
			nb[i] = bus_start(nc, (int)i, q, pool);
			log_info("bus '%s': started", nc->buses[i].name);
		}
	free(r->buses);
	return nb;
}

/*
 * SIGHUP: a config that does not load is refused and the running one
 * kept. Otherwise delivery restarts on the new config (the outbox stays
 * on disk), a new core takes over the alert state by sensor name, and
 * the buses are diff-applied. Samples queued meanwhile are resolved by
 * sensor name, so none is lost.
 */
static void
do_reload(struct daemon *d)
{
	struct run *r = &d->run;
	char err[LW_ERRLEN];
	struct conf *c;
	struct run nr;
	const char *tz;

	sdnotify_reloading();
	if ((c = conf_load(r->c->path, err)) == NULL) {
		log_warnx("reload refused, keeping the running config: %s",
		    err);
		sdnotify_ready();
		return;
	}
	if (run_start(&nr, c, r, err) == -1) {
		log_warnx("reload refused, keeping the running config: %s",
		    err);
		notify_stop(nr.n);
		conf_free(c);
		sdnotify_ready();
		return;
	}
	nr.buses = buses_rebind(r, c, d->q, d->pool);
	r->buses = NULL;
	uplinks_stop(d->up);	/* the spools stay on disk */
	d->up = uplinks_start(c);
	metrics_reconf(d->metrics, c);
	run_free(r, 0);
	*r = nr;
	log_setlevel((enum log_level)c->log_level);
	tz = getenv("TZ");
	if (strcmp(c->timezone && c->timezone[0] ? c->timezone : "UTC0",
	    tz ? tz : "") != 0)
		log_warnx("timezone %s: the status' days follow it after a "
		    "restart", c->timezone ? c->timezone : "UTC");
	log_info("reloaded %s: %zu buses, %zu sensors, %zu webhooks",
	    c->path, c->nbus, c->nsensor, c->nwebhook);
	sdnotify_ready();
}

/*
 * 1 if every bus thread makes progress: none has been in one poll for
 * longer than its worst case. A stuck bus is logged once and withholds
 * the watchdog ping, so systemd restarts the daemon.
 */
static int
buses_healthy(struct daemon *d, size_t *stuck)
{
	struct run *r = &d->run;
	size_t i;
	double busy;

	*stuck = 0;
	for (i = 0; i < r->c->nbus; i++) {
		busy = bus_busy(r->buses[i]);
		if (busy <= bus_stuck_after(r->buses[i]))
			continue;
		if (!d->stuck_logged)
			log_warnx("bus '%s': stuck in one poll for %.0f s; "
			    "withholding the watchdog",
			    r->c->buses[i].name, busy);
		d->stuck_logged = 1;
		(*stuck)++;
	}
	if (*stuck == 0)
		d->stuck_logged = 0;
	return *stuck == 0;
}

/*
 * status.json is rewritten whole: for 3000 sensors every second would be
 * most of what the core thread does (status_every). It is rewritten when
 * something happened, at most every status_every s, and else at the
 * heartbeat, which `lakewatch status` counts on (status_stale_after).
 */
static time_t
status_next(const struct daemon *d)
{
	time_t t;

	if (!d->status_dirty)
		return d->status_last + STATUS_HEARTBEAT;
	t = d->status_last + status_every(d->run.c);
	return d->status_since + 1 > t ? d->status_since + 1 : t;
}

/*
 * Something happened: status.json is due a second after the first of
 * it at the soonest. A poll round's samples come over some ms in a few
 * batches; written at the first, the file was written again a second
 * later for the rest (the core's tick wakes then anyway).
 */
static void
status_touch(struct daemon *d)
{
	if (d->status_dirty)
		return;
	d->status_dirty = 1;
	d->status_since = (time_t)wall_now();
}

static int
status_due(struct daemon *d, time_t now)
{
	if (now < status_next(d) && now >= d->status_last)
		return 0;
	d->status_last = now;
	d->status_dirty = 0;
	return 1;
}

static void
report_status(struct daemon *d)
{
	struct run *r = &d->run;
	struct queue *q = d->q;
	struct core_stats cs;
	struct notify_stats ns;
	struct bus_stats bs;
	size_t i, up = 0, stuck, workers, peak;

	core_stats(r->core, &cs);
	notify_stats(r->n, &ns);
	for (i = 0; i < r->c->nbus; i++) {
		bus_stats(r->buses[i], &bs);
		up += bs.connected;
	}
	buses_healthy(d, &stuck);
	pool_count(d->pool, &workers, &peak);
	sdnotify_status("buses up %zu/%zu%s, sensors %zu, stored %llu, "
	    "alerts firing %zu, outbox %zu, queue %zu, dropped %llu, "
	    "workers %zu", up, r->c->nbus, stuck ? " (STUCK)" : "",
	    r->c->nsensor, (unsigned long long)cs.stored, cs.firing,
	    ns.depth, queue_depth(q), (unsigned long long)queue_drops(q),
	    workers);
	metrics_update(d->metrics, r->c, r->buses, r->core, r->n, q, d->up,
	    d->started);
	if (status_write(r->c, r->buses, r->core, r->n, q, d->up,
	    d->started, metrics_addr(d->metrics)) == -1) {
		if (!d->status_failed)
			log_warn("status file");
		d->status_failed = 1;
	} else
		d->status_failed = 0;
}

/*
 * A few samples at a time, and the last few came a moment ago: let more
 * gather before the next pass, so that a busy core wakes some tens of
 * times a second, not once per sample. Adds at most LINGER_MS to a
 * sample's way to its alert. A quiet one (a small station) takes each
 * sample as it comes: lingering would only add a wake-up.
 */
static void
linger(struct daemon *d, size_t n)
{
	struct timespec now = mono_now();
	struct timespec ts = { 0, LINGER_MS * 1000000L };
	double since = ts_diff(now, d->linger_last);

	d->linger_last = now;
	if (n < BATCH / 4 && since < 2 * LINGER_MS / 1000.0)
		nanosleep(&ts, NULL);
}

/*
 * ms until the main loop has something to do that no sample brings: the
 * core's next tick, the status file, a held event, the watchdog ping
 * (every WD s after PINGED). A quiet station sleeps until its next poll.
 */
static int
until(struct daemon *d, struct timespec pinged, double wd)
{
	double wall = wall_now(), left;
	time_t now = (time_t)wall, t = core_next(d->run.core, now);

	if (status_next(d) < t)
		t = status_next(d);
	if (d->held > 0 && now + 1 < t)
		t = now + 1;
	left = (double)t - wall;
	if (wd > 0 && wd - ts_diff(mono_now(), pinged) < left)
		left = wd - ts_diff(mono_now(), pinged);
	return left <= 0 ? 0 : (int)ceil(left * 1000);
}

/*
 * Say once that the wall clock stepped. The buses follow it on their own
 * (they schedule on the monotonic clock), each when it next polls.
 */
static void
clock_watch(struct run *r, struct wallclock *wc)
{
	double d = wallclock_step(wc);

	if (d == 0)
		return;
	log_warnx("wall clock stepped %+.1f s; polls go on every interval, "
	    "readings stamped by the new clock", d);
	core_clock_step(r->core, (time_t)lround(d));
}

static void
loop(struct daemon *d)
{
	struct timespec pinged = mono_now();
	struct wallclock wc = { 0, 0 };
	/* a third of WatchdogSec: a ping is never more than half late */
	double wd = sdnotify_init();
	size_t n, stuck;
	time_t now;

	wallclock_step(&wc);
	while (!d->quit) {
		n = queue_pop(d->q, d->batch, BATCH, until(d, pinged, wd));
		pool_tick(d->pool, 0.02);
		clock_watch(&d->run, &wc);
		if (n > 0) {
			core_process(d->run.core, d->batch, n);
			status_touch(d);
			linger(d, n);
		}
		if (atomic_exchange(&d->reload, 0)) {
			do_reload(d);
			status_touch(d);
		}
		d->held = notify_retry_pending(d->run.n);
		/* not time(): its coarse clock lags the second a wait ends at */
		now = (time_t)wall_now();
		if (core_next(d->run.core, now) <= now) {
			core_tick(d->run.core, now);
			status_touch(d);
		}
		if (status_due(d, now))
			report_status(d);
		if (wd > 0 && ts_diff(mono_now(), pinged) >= wd) {
			pinged = mono_now();
			if (buses_healthy(d, &stuck))
				sdnotify_watchdog();
		}
	}
}

/* Many buses and sensors need many descriptors: take what is allowed. */
static void
raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* Before any thread starts: they all inherit the mask (sig_thread). */
static void
signals(void)
{
	struct sigaction sa;
	sigset_t set;

	our_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

int
main(int argc, char *argv[])
{
	const char *file = NULL;
	char err[LW_ERRLEN];
	struct daemon d = { 0 };
	struct conf *c;
	pthread_t sigs;
	size_t left;
	static const struct option lo[] = {
		{ "help", no_argument, NULL, 'H' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, check = 0, verbose = 0;

	while ((ch = getopt_long(argc, argv, "c:tTvV", lo, NULL)) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 't': check = check ? check : 1; break;
		case 'T': check = 2; break;
		case 'v': verbose = 1; break;
		case 'V': printf("lakewatchd %s\n", LW_VERSION); return 0;
		case 'H': usage(stdout, 0); break;
		default: usage(stderr, EX_USAGE);
		}
	}
	if (file == NULL || optind != argc)
		usage(stderr, EX_USAGE);
	/*
	 * Two malloc arenas, not eight per core: the poll threads allocate
	 * next to nothing. A fixed mmap threshold hands big short-lived
	 * buffers (status.json, librrd's) back at once instead of leaving
	 * the heap at its high-water mark.
	 */
	mallopt(M_ARENA_MAX, 2);
	mallopt(M_MMAP_THRESHOLD, 128 * 1024);
	log_init("lakewatchd", LOG_LVL_INFO);
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(file);
	}
	if (check)
		return check_conf(c, check == 2);
	log_setlevel(verbose ? LOG_LVL_DEBUG : (enum log_level)c->log_level);
	/*
	 * The station's zone, set once before any thread starts (setenv is
	 * not safe once they run): local months of the cumulative rule and
	 * the local day of the status' capture rates, as `lakewatch report`
	 * counts them. A reload that changes it needs a restart.
	 */
	cumul_tz(c->timezone);
	signals();
	raise_nofile();
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		fatalx("curl_global_init failed");
	d.started = wall_now();
	d.pool = pool_new(POOL_MAX);
	d.q = queue_new(QUEUE_MIN + QUEUE_PER_SENSOR * c->nsensor);
	if ((d.batch = calloc(BATCH, sizeof(*d.batch))) == NULL)
		fatal("main");
	if ((errno = pthread_create(&sigs, NULL, sig_thread, &d)) != 0)
		fatal("signal thread");
	if (run_start(&d.run, c, NULL, err) == -1)
		fatalx("%s", err);
	if (core_load_state(d.run.core, err) == -1)
		log_warnx("alert state: %s; moved aside, starting afresh", err);
	buses_start(&d);
	log_info("started: %zu buses, %zu sensors, %zu webhooks, state in %s",
	    c->nbus, c->nsensor, c->nwebhook, c->state_dir);
	d.up = uplinks_start(c);
	d.metrics = metrics_start(c);
	sdnotify_ready();
	loop(&d);
	sdnotify_stopping();
	log_info("stopping");
	pthread_join(sigs, NULL);	/* it ended with quit */
	uplinks_stop(d.up);
	metrics_stop(d.metrics);
	left = buses_stop(&d);
	run_free(&d.run, left > 0);
	if (left == 0) {	/* else exit ends the workers left in a poll */
		pool_free(d.pool);
		queue_free(d.q);
	}
	free(d.batch);
	curl_global_cleanup();
	log_info("stopped");
	return 0;
}
