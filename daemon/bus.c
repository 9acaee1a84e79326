/* bus.c: libmodbus calls block, so each bus blocks only itself */
#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "log.h"
#include "plan.h"
#include "util.h"
#include "../drivers/driver.h"

#define BUS_STACK	(256 * 1024)
#define MAX_HOLE	8	/* registers a merged read may skip */
#define TIMEOUTS_DOWN	3	/* consecutive time-outs that mean "down" */

struct bus {
	const struct conf	*c;
	const struct conf_bus	*b;
	struct queue		*q;
	pthread_t		 thr;
	atomic_int		 stop;
	pthread_mutex_t		 mu;	/* stats, and the stop wait */
	pthread_cond_t		 cv;
	modbus_t		*ctx;
	atomic_int		 connected;
	int			 down_logged;
	int			 timeouts_row;
	double			 backoff;
	struct timespec		 retry_at;
	struct timespec		 last_end;	/* of the last request */
	atomic_llong		 busy_since_ns;	/* mono start of a poll; 0 idle */
	int			*sensors;
	size_t			 ns;
	time_t			*next_t;	/* per sensor: next slot */
	int			*due;
	struct plan_req		*reqs;
	uint16_t		(*regs)[PLAN_MAX_REGS];
	int			*req_err;	/* 0 ok, else errno */
	struct bus_stats	 st;
};

modbus_t *
bus_modbus_new(const struct conf_bus *b)
{
	char port[16];
	modbus_t *ctx;

	if (b->type == BUS_RTU)
		ctx = modbus_new_rtu(b->device, b->baud, b->parity,
		    b->data_bits, b->stop_bits);
	else {
		snprintf(port, sizeof(port), "%d", b->port);
		ctx = modbus_new_tcp_pi(b->host, port);
	}
	if (ctx == NULL)
		return NULL;
	modbus_set_response_timeout(ctx, (uint32_t)b->timeout,
	    (uint32_t)((b->timeout - floor(b->timeout)) * 1e6));
	modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
	return ctx;
}

const char *
bus_name(const struct bus *bus)
{
	return bus->b->name;
}

/* Sleep until the monotonic deadline DL or until asked to stop. */
static void
sleep_until(struct bus *bus, struct timespec dl)
{
	pthread_mutex_lock(&bus->mu);
	while (!atomic_load(&bus->stop) &&
	    pthread_cond_timedwait(&bus->cv, &bus->mu, &dl) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&bus->mu);
}

static long long
mono_ns(void)
{
	struct timespec ts = mono_now();

	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void
disconnect(struct bus *bus)
{
	if (!bus->connected)
		return;
	modbus_close(bus->ctx);
	bus->connected = 0;
}

static void
schedule_retry(struct bus *bus)
{
	bus->backoff = bus->backoff == 0 ? 1 : bus->backoff * 2;
	if (bus->backoff > bus->b->backoff_max)
		bus->backoff = bus->b->backoff_max;
	bus->retry_at = ts_add(mono_now(),
	    bus->backoff * (0.75 + jitter01() / 2));
}

static void
mark_down(struct bus *bus, const char *why)
{
	disconnect(bus);
	schedule_retry(bus);
	if (!bus->down_logged)
		log_warnx("bus '%s': down: %s", bus->b->name, why);
	else
		log_debug("bus '%s': still down: %s; next try in %.1f s",
		    bus->b->name, why, bus->backoff);
	bus->down_logged = 1;
}

static int
ensure_connected(struct bus *bus)
{
	if (bus->connected)
		return 0;
	if (ts_diff(mono_now(), bus->retry_at) < 0)
		return -1;
	if (modbus_connect(bus->ctx) == -1) {
		mark_down(bus, modbus_strerror(errno));
		return -1;
	}
	bus->connected = 1;
	bus->backoff = 0;
	bus->timeouts_row = 0;
	pthread_mutex_lock(&bus->mu);
	bus->st.reconnects++;
	pthread_mutex_unlock(&bus->mu);
	if (bus->down_logged)
		log_info("bus '%s': up again", bus->b->name);
	bus->down_logged = 0;
	return 0;
}

static int
is_link_error(int err)
{
	return err == ECONNRESET || err == EPIPE || err == ECONNREFUSED ||
	    err == EBADF || err == ENOTCONN || err == EIO ||
	    err == ECONNABORTED;
}

static void
count(struct bus *bus, int err, double secs)
{
	pthread_mutex_lock(&bus->mu);
	bus->st.requests++;
	bus->st.busy += secs;
	if (err == 0) {
		bus->st.ok++;
		bus->st.latency_sum += secs;
		if (secs > bus->st.latency_max)
			bus->st.latency_max = secs;
	} else if (err == ETIMEDOUT)
		bus->st.timeouts++;
	else if (err == EMBBADCRC || err == EMBBADDATA)
		bus->st.crc++;
	else if (err > MODBUS_ENOBASE && err <= MODBUS_ENOBASE + 11)
		bus->st.exceptions[err - MODBUS_ENOBASE]++;
	pthread_mutex_unlock(&bus->mu);
}

/* One transaction, with the bus gap before it. 0, or errno. */
static int
transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	struct timespec t0;
	double idle;
	int rc, err;

	idle = ts_diff(mono_now(), bus->last_end);
	if (idle < bus->b->gap)
		sleep_until(bus, ts_add(mono_now(), bus->b->gap - idle));
	modbus_set_slave(bus->ctx, r->unit);
	t0 = mono_now();
	if (r->function == 1)
		rc = modbus_read_input_registers(bus->ctx, r->addr, r->count,
		    regs);
	else
		rc = modbus_read_registers(bus->ctx, r->addr, r->count, regs);
	err = rc == -1 ? errno : 0;
	bus->last_end = mono_now();
	count(bus, err, ts_diff(bus->last_end, t0));
	if (err == ETIMEDOUT || err == EMBBADCRC || err == EMBBADDATA)
		modbus_flush(bus->ctx);	/* drop a late or broken reply */
	return err;
}

/* A request with bounded retries for time-outs and CRC errors. */
static int
request(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	int err = 0, i;

	for (i = 0; i <= bus->b->retries && !atomic_load(&bus->stop); i++) {
		err = transact(bus, r, regs);
		if (err == EMBXSBUSY) {
			sleep_until(bus, ts_add(mono_now(),
			    bus->b->gap + 0.1 * (1 + jitter01())));
			continue;
		}
		if (err != ETIMEDOUT && err != EMBBADCRC && err != EMBBADDATA)
			break;
		if (is_link_error(err))
			break;
	}
	return err;
}

static void
run_requests(struct bus *bus, size_t nreq)
{
	size_t i;
	int err;

	for (i = 0; i < nreq; i++) {
		if (ensure_connected(bus) == -1) {
			bus->req_err[i] = ENOTCONN;
			continue;
		}
		err = bus->req_err[i] = request(bus, &bus->reqs[i],
		    bus->regs[i]);
		if (err == ETIMEDOUT && ++bus->timeouts_row >= TIMEOUTS_DOWN &&
		    bus->b->type == BUS_TCP)
			mark_down(bus, "no reply");
		else if (is_link_error(err))
			mark_down(bus, modbus_strerror(err));
		else if (err != ETIMEDOUT)
			bus->timeouts_row = 0;
	}
}

/* The data flag a failed request gives the fields it carried. */
static char
error_flag(int err)
{
	if (err == EMBXSFAIL || err == EMBXILFUN || err == EMBXILADD ||
	    err == EMBXILVAL)
		return FLAG_FAULT;
	return FLAG_COMM;
}

/* Decode sensor SC from the requests that cover it. */
static void
decode_one(struct bus *bus, const struct conf_sensor *sc, size_t nreq,
    struct sample *s)
{
	struct regblock blk[2];
	struct reading rd;
	size_t i, nb = 0;
	int err = 0;

	for (i = 0; i < nreq && nb < 2; i++) {
		if (!plan_covers(&bus->reqs[i], sc, sc->reg) &&
		    !(sc->status_reg >= 0 &&
		    plan_covers(&bus->reqs[i], sc, sc->status_reg)))
			continue;
		if (bus->req_err[i] != 0)
			err = bus->req_err[i];
		blk[nb] = (struct regblock){ bus->regs[i], bus->reqs[i].addr,
		    bus->reqs[i].count, NULL };
		if (nb > 0)
			blk[nb - 1].next = &blk[nb];
		nb++;
	}
	s->value = s->raw = NAN;
	s->status = 0;
	if (err != 0 || nb == 0) {
		s->flag = error_flag(err);
		return;
	}
	if (sc->driver->decode(sc, &blk[0], &rd) == -1) {
		s->flag = FLAG_FAULT;
		return;
	}
	s->value = rd.value;
	s->raw = rd.raw;
	s->status = rd.status;
	s->flag = rd.flag;
}

static void
poll_due(struct bus *bus, size_t ndue, time_t t)
{
	struct sample s;
	size_t nreq, i;
	int idx;

	nreq = plan_build(bus->c, bus->due, ndue, MAX_HOLE, bus->reqs);
	run_requests(bus, nreq);
	for (i = 0; i < ndue; i++) {
		idx = bus->due[i];
		memset(&s, 0, sizeof(s));
		snprintf(s.sensor, sizeof(s.sensor), "%s",
		    bus->c->sensors[idx].name);
		s.idx = idx;
		s.t = t;
		decode_one(bus, &bus->c->sensors[idx], nreq, &s);
		if (queue_push(bus->q, &s, 1000) == -1)
			log_warnx("sensor '%s': sample dropped, core queue "
			    "full", s.sensor);
	}
}

/* The first slot of INTERVAL strictly after NOW. */
static time_t
next_slot(double now, int interval)
{
	return ((time_t)now / interval + 1) * interval;
}

static void
tick(struct bus *bus)
{
	time_t t = 0, now;
	size_t i, ndue = 0;
	int iv;

	for (i = 0; i < bus->ns; i++)
		if (t == 0 || bus->next_t[i] < t)
			t = bus->next_t[i];
	sleep_until(bus, ts_add(mono_now(), t - wall_now()));
	if (atomic_load(&bus->stop))
		return;
	for (i = 0; i < bus->ns; i++)
		if (bus->next_t[i] == t)
			bus->due[ndue++] = bus->sensors[i];
	atomic_store(&bus->busy_since_ns, mono_ns());
	pthread_mutex_lock(&bus->mu);
	bus->st.polls += ndue;
	if (wall_now() - t > 1)
		bus->st.late += ndue;
	pthread_mutex_unlock(&bus->mu);
	poll_due(bus, ndue, t);
	atomic_store(&bus->busy_since_ns, 0);
	now = (time_t)wall_now();
	for (i = 0; i < bus->ns; i++) {
		if (bus->next_t[i] != t)
			continue;
		iv = bus->c->sensors[bus->sensors[i]].interval;
		bus->next_t[i] += iv;
		if (bus->next_t[i] <= now)	/* overran: skip, stay on grid */
			bus->next_t[i] = next_slot(now, iv);
	}
}

static void *
run(void *arg)
{
	struct bus *bus = arg;

	while (!atomic_load(&bus->stop))
		tick(bus);
	disconnect(bus);
	return NULL;
}

static void
alloc_tables(struct bus *bus, int idx)
{
	const struct conf *c = bus->c;
	double now = wall_now();
	size_t i;

	if ((bus->sensors = calloc(c->nsensor + 1, sizeof(int))) == NULL)
		fatal("bus");
	for (i = 0; i < c->nsensor; i++)
		if (c->sensors[i].bus == idx)
			bus->sensors[bus->ns++] = (int)i;
	if ((bus->next_t = calloc(bus->ns + 1, sizeof(time_t))) == NULL ||
	    (bus->due = calloc(bus->ns + 1, sizeof(int))) == NULL ||
	    (bus->reqs = calloc(2 * bus->ns + 1, sizeof(*bus->reqs))) ==
	    NULL ||
	    (bus->regs = calloc(2 * bus->ns + 1, sizeof(*bus->regs))) ==
	    NULL ||
	    (bus->req_err = calloc(2 * bus->ns + 1, sizeof(int))) == NULL)
		fatal("bus");
	for (i = 0; i < bus->ns; i++)
		bus->next_t[i] = next_slot(now,
		    c->sensors[bus->sensors[i]].interval);
}

struct bus *
bus_start(const struct conf *c, int idx, struct queue *q)
{
	pthread_condattr_t ca;
	pthread_attr_t attr;
	sigset_t all, old;
	struct bus *bus;

	if ((bus = calloc(1, sizeof(*bus))) == NULL)
		fatal("bus");
	bus->c = c;
	bus->b = &c->buses[idx];
	bus->q = q;
	alloc_tables(bus, idx);
	if ((bus->ctx = bus_modbus_new(bus->b)) == NULL)
		fatal("bus '%s'", bus->b->name);
	bus->retry_at = bus->last_end = mono_now();
	bus->st.up_since = ts_diff(mono_now(), (struct timespec){ 0, 0 });
	pthread_mutex_init(&bus->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&bus->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, BUS_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&bus->thr, &attr, run, bus) != 0)
		fatal("bus '%s': thread", bus->b->name);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return bus;
}

void
bus_stop(struct bus *bus)
{
	if (bus == NULL)
		return;
	pthread_mutex_lock(&bus->mu);
	atomic_store(&bus->stop, 1);
	pthread_cond_broadcast(&bus->cv);
	pthread_mutex_unlock(&bus->mu);
	pthread_join(bus->thr, NULL);
	modbus_free(bus->ctx);
	pthread_mutex_destroy(&bus->mu);
	pthread_cond_destroy(&bus->cv);
	free(bus->sensors);
	free(bus->next_t);
	free(bus->due);
	free(bus->reqs);
	free(bus->regs);
	free(bus->req_err);
	free(bus);
}

void
bus_stats(struct bus *bus, struct bus_stats *st)
{
	pthread_mutex_lock(&bus->mu);
	*st = bus->st;
	pthread_mutex_unlock(&bus->mu);
	st->connected = bus->connected;
}

double
bus_busy(struct bus *bus)
{
	long long since = atomic_load(&bus->busy_since_ns);

	return since == 0 ? 0 : (double)(mono_ns() - since) / 1e9;
}
