/*
 * bus.c: one bus = one link, one request in flight. libmodbus calls
 * block, so a poll runs on a worker of the pool (pool.h) that is its
 * own while it runs: a slow device blocks only its own bus.
 *
 * A TCP bus whose last request was answered is polled without blocking
 * (step): the pool's leading thread sends each request and is called
 * back when the reply is in, so a farm of healthy devices costs no
 * thread hand-overs. The first time-out, exception or broken reply hands
 * the poll to a worker (run), which goes on from that request with the
 * retries and everything else of the blocking path.
 *
 * On TCP both paths frame the requests themselves (mbtcp.h) on the
 * socket libmodbus connected: each carries a transaction id of its own,
 * and only the reply that matches it in transaction, unit, function and
 * length is taken, so a repeated or late reply can never be filed as
 * the answer to another request. RTU goes through libmodbus, which
 * checks the slave address and CRC; its input is flushed before each
 * request.
 *
 * busint.h says which file of the module does what.
 */
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "../lib/modbusctx.h"
#include "../lib/plan.h"
#include "../lib/util.h"
#include "bus.h"
#include "busint.h"
#include "pool.h"

const char *
bus_name(const struct bus *bus)
{
	return bus->b->name;
}

double
bus_stuck_after(const struct bus *bus)
{
	const struct conf_bus *b = bus->b;

	return 10 + (double)(PLAN_PER_SENSOR * bus->ns + 1) *
	    (b->timeout * (1 + b->retries) + b->gap + 0.3) * 2;
}

/* Sleep until the monotonic deadline DL or until asked to stop. */
void
bus_sleep_until(struct bus *bus, struct timespec dl)
{
	pthread_mutex_lock(&bus->mu);
	while (!atomic_load(&bus->stop) && bus->pend_c == NULL &&
	    pthread_cond_timedwait(&bus->cv, &bus->mu, &dl) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&bus->mu);
}

int
bus_pending(struct bus *bus)
{
	int p;

	pthread_mutex_lock(&bus->mu);
	p = bus->pend_c != NULL;
	pthread_mutex_unlock(&bus->mu);
	return p;
}

long long
bus_mono_ns(void)
{
	struct timespec ts = mono_now();

	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void	alloc_tables(struct bus *, int);

static void
free_tables(int *sensors, time_t *next_t, int *due, struct last *last,
    struct plan_req *reqs, uint16_t (*regs)[PLAN_MAX_REGS], int *req_err)
{
	free(sensors);
	free(next_t);
	free(due);
	free(last);
	free(reqs);
	free(regs);
	free(req_err);
}

/*
 * Adopt the config the main thread handed over (bus_rebind): new tables
 * for the sensors the bus has now; a sensor it had before keeps its
 * schedule (if its interval is the same) and what the bus remembers of
 * it, except a refusal, which a reload forgives. The link stays open.
 */
static void
rebind_apply(struct bus *bus)
{
	const struct conf *oc = bus->c;
	int *os = bus->sensors, *odue = bus->due, *oerr = bus->req_err, k;
	size_t ons = bus->ns, i, j;
	time_t *onext = bus->next_t;
	struct last *olast = bus->last;
	struct plan_req *oreqs = bus->reqs;
	uint16_t (*oregs)[PLAN_MAX_REGS] = bus->regs;
	const struct conf_sensor *ns;

	pthread_mutex_lock(&bus->mu);
	bus->c = bus->pend_c;
	bus->b = &bus->c->buses[bus->pend_idx];
	pthread_mutex_unlock(&bus->mu);
	bus->ns = 0;
	alloc_tables(bus, bus->pend_idx);
	for (i = 0; i < bus->ns; i++) {
		ns = &bus->c->sensors[bus->sensors[i]];
		for (j = 0; j < ons; j++) {
			k = os[j];
			if (strcmp(oc->sensors[k].name, ns->name) != 0)
				continue;
			if (oc->sensors[k].interval == ns->interval)
				bus->next_t[i] = onext[j];
			bus->last[i] = olast[j];
			bus->last[i].ref.disabled = 0;
			bus->last[i].ref.refusals = 0;
		}
	}
	free(bus->nomerge);
	bus->nomerge = NULL;
	modbus_set_response_timeout(bus->ctx, (uint32_t)bus->b->timeout,
	    (uint32_t)((bus->b->timeout - floor(bus->b->timeout)) * 1e6));
	free_tables(os, onext, odue, olast, oreqs, oregs, oerr);
	pthread_mutex_lock(&bus->mu);
	bus->pend_c = NULL;
	pthread_cond_broadcast(&bus->rebound);
	pthread_mutex_unlock(&bus->mu);
}

/*
 * The pool runs this on a worker when the bus is due (or woken for a new
 * config, or handed over by step): adopt a pending config, poll what is
 * due, say when to come back.
 */
static void
run(struct pool_job *job)
{
	struct bus *bus = (struct bus *)job;
	time_t t;

	if (atomic_load(&bus->stop))
		return;
	if (bus->fast.active) {		/* go on where bus_step() stopped */
		bus->fast.active = 0;
		bus_poll_due(bus, bus->fast.ndue, bus->fast.t, bus->fast.nreq,
		    bus->fast.i, bus->fast.err);
		bus_poll_end(bus, bus->fast.t);
	}
	if (bus_pending(bus))
		rebind_apply(bus);
	if ((t = bus_due_now(bus)) != 0)
		bus_tick(bus, t);
	bus_reschedule(bus);
}

int
bus_same_link(const struct conf_bus *a, const struct conf_bus *b)
{
	if (a->type != b->type)
		return 0;
	if (a->type == BUS_TCP)
		return strcmp(a->host, b->host) == 0 && a->port == b->port;
	return strcmp(a->device, b->device) == 0 && a->baud == b->baud &&
	    a->parity == b->parity && a->data_bits == b->data_bits &&
	    a->stop_bits == b->stop_bits;
}

void
bus_rebind(struct bus *bus, const struct conf *c, int idx)
{
	pthread_mutex_lock(&bus->mu);
	bus->pend_c = c;
	bus->pend_idx = idx;
	pthread_cond_broadcast(&bus->cv);
	pthread_mutex_unlock(&bus->mu);
	pool_wake(bus->pool, &bus->job);
	pthread_mutex_lock(&bus->mu);
	while (bus->pend_c != NULL)
		pthread_cond_wait(&bus->rebound, &bus->mu);
	pthread_mutex_unlock(&bus->mu);
}

static void
alloc_tables(struct bus *bus, int idx)
{
	const struct conf *c = bus->c;
	double now = bus_sched_now(bus);
	size_t i, n;

	for (i = n = 0; i < c->nsensor; i++)
		n += c->sensors[i].bus == idx;
	if ((bus->sensors = calloc(n + 1, sizeof(int))) == NULL)
		fatal("bus");
	for (i = 0; i < c->nsensor; i++)
		if (c->sensors[i].bus == idx)
			bus->sensors[bus->ns++] = (int)i;
	n = PLAN_PER_SENSOR * bus->ns + 1;
	if ((bus->next_t = calloc(bus->ns + 1, sizeof(time_t))) == NULL ||
	    (bus->due = calloc(2 * bus->ns + 1, sizeof(int))) == NULL ||
	    (bus->last = calloc(bus->ns + 1, sizeof(*bus->last))) == NULL ||
	    (bus->reqs = calloc(n, sizeof(*bus->reqs))) == NULL ||
	    (bus->req_err = calloc(n, sizeof(int))) == NULL)
		fatal("bus");
	/*
	 * rows of registers as the plans need them (bus_plan_due): room
	 * for the worst plan, PLAN_PER_SENSOR reads of PLAN_MAX_REGS a
	 * sensor, is 2.5 KiB a device that mostly takes one read
	 */
	bus->regs = NULL;
	bus->nregs = 0;
	for (i = 0; i < bus->ns; i++)
		bus->next_t[i] = bus_next_slot(now,
		    c->sensors[bus->sensors[i]].interval);
}

struct bus *
bus_new(const struct conf *c, int idx, struct queue *q,
    const struct bus_ops *ops, void *dev)
{
	pthread_condattr_t ca;
	struct bus *bus;

	if ((bus = calloc(1, sizeof(*bus))) == NULL)
		fatal("bus");
	bus->c = c;
	bus->b = &c->buses[idx];
	bus->q = q;
	bus->ops = ops;
	bus->dev = dev;
	wallclock_step(&bus->clk);
	alloc_tables(bus, idx);
	bus->retry_at = bus->last_end = ops->now(bus);
	bus->sock = -1;
	bus->st.up_since = ts_diff(mono_now(), (struct timespec){ 0, 0 });
	pthread_mutex_init(&bus->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&bus->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&bus->rebound, NULL);
	bus->job.run = run;
	bus->job.step = bus_step;
	bus->phase = bus_phase_of(bus);
	return bus;
}

struct bus *
bus_start(const struct conf *c, int idx, struct queue *q, struct pool *pool)
{
	struct bus *bus = bus_new(c, idx, q, &bus_io_ops, NULL);

	if ((bus->ctx = bus_modbus_new(bus->b)) == NULL)
		fatal("bus '%s'", bus->b->name);
	bus->pool = pool;
	bus_reschedule(bus);
	pool_add(pool, &bus->job);
	return bus;
}

void
bus_halt(struct bus *bus)
{
	if (bus == NULL)
		return;
	pthread_mutex_lock(&bus->mu);
	atomic_store(&bus->stop, 1);
	pthread_cond_broadcast(&bus->cv);
	/* a blocked recv or select on it returns: the request fails */
	if (bus->sock != -1)
		shutdown(bus->sock, SHUT_RDWR);
	pthread_mutex_unlock(&bus->mu);
}

void
bus_free(struct bus *bus)
{
	bus_disconnect(bus);
	modbus_free(bus->ctx);
	pthread_mutex_destroy(&bus->mu);
	pthread_cond_destroy(&bus->cv);
	pthread_cond_destroy(&bus->rebound);
	free_tables(bus->sensors, bus->next_t, bus->due, bus->last,
	    bus->reqs, bus->regs, bus->req_err);
	free(bus->nomerge);
	free(bus->unit_fails);
	free(bus);
}

unsigned char *
bus_units(unsigned char **t)
{
	if (*t == NULL && (*t = calloc(NUNITS, 1)) == NULL)
		fatal("bus");
	return *t;
}

void
bus_stop(struct bus *bus)
{
	if (bus == NULL)
		return;
	bus_halt(bus);
	pool_remove(bus->pool, &bus->job);
	bus_free(bus);
}

int
bus_stop_by(struct bus *bus, struct timespec dl)
{
	if (bus == NULL)
		return 0;
	bus_halt(bus);
	if (pool_remove_by(bus->pool, &bus->job, dl) == -1) {
		log_warnx("bus '%s': stopping: a request still under way is "
		    "abandoned", bus->b->name);
		return -1;
	}
	bus_free(bus);
	return 0;
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

	return since == 0 ? 0 : (double)(bus_mono_ns() - since) / 1e9;
}
