/*
 * bussched.c: when a bus polls. Each sensor has its next slot on the
 * wall clock's grid; deadlines are monotonic, and a step of the wall
 * clock moves the slots once the bus has seen it. A poll that overran
 * slots leaves a B row for each.
 */
#include <math.h>
#include <stdatomic.h>
#include <pthread.h>

#include "../lib/log.h"
#include "../lib/util.h"
#include "busint.h"
#include "busrule.h"
#include "pool.h"

/* s of phase spread per bus of the station (bus_phase_of) */
#define PHASE_PER_BUS	0.0005

/* The first slot of INTERVAL strictly after NOW. */
time_t
bus_next_slot(double now, int interval)
{
	return ((time_t)now / interval + 1) * interval;
}

/*
 * The wall clock as the schedule sees it: the monotonic clock plus the
 * offset last seen (clock_follow), so that a step of the wall clock
 * moves no deadline until the bus has seen it.
 */
double
bus_sched_now(const struct bus *bus)
{
	return mono_s() + bus->clk.off;
}

/*
 * Follow the wall clock. After a step (NTP, date -s) each sensor's next
 * slot moves to the slot of the new clock nearest to where it was, so
 * polls go on every interval, stamped by the new clock (main.c logs the
 * step): taken from the wall clock, a step back of an hour would stop
 * them for an hour.
 */
static void
clock_follow(struct bus *bus)
{
	double d = wallclock_step(&bus->clk);
	size_t i;
	int iv;

	if (d == 0)
		return;
	for (i = 0; i < bus->ns; i++) {
		iv = bus->c->sensors[bus->sensors[i]].interval;
		bus->next_t[i] = (time_t)floor(((double)bus->next_t[i] + d) /
		    iv + 0.5) * iv;
	}
}

/* The next slot any sensor of the bus is due at. */
static time_t
next_due(const struct bus *bus)
{
	time_t t = 0;
	size_t i;

	for (i = 0; i < bus->ns; i++)
		if (t == 0 || bus->next_t[i] < t)
			t = bus->next_t[i];
	return t;
}

static void
count_poll(struct bus *bus, size_t ndue, time_t t)
{
	double lag = bus_sched_now(bus) - (double)t - bus->phase;

	pthread_mutex_lock(&bus->mu);
	bus->st.polls += ndue;
	if (lag > 1)
		bus->st.late += ndue;
	if (lag < 0)
		lag = 0;
	bus->st.lag_sum += lag;
	bus->st.lag_n++;
	if (lag > bus->st.lag_max)
		bus->st.lag_max = lag;
	pthread_mutex_unlock(&bus->mu);
}

/* A poll of the sensors due at slot T begins: how many they are. */
size_t
bus_poll_begin(struct bus *bus, time_t t)
{
	size_t i, ndue = 0;

	for (i = 0; i < bus->ns; i++) {
		if (bus->next_t[i] != t)
			continue;
		bus->due[ndue++] = (int)i;
		(void)busrule_asked(&bus->last[i].ref);
	}
	atomic_store(&bus->busy_since_ns, bus_mono_ns());
	count_poll(bus, ndue, t);
	return ndue;
}

/*
 * Slots FROM, FROM + IV, ... before TO of sensor LOC passed while its
 * bus was busy: each gets a B row (at most MISSED_MAX; the rest are
 * counted in the log).
 */
static void
missed(struct bus *bus, int loc, time_t from, time_t to, int iv)
{
	time_t t;
	int n = 0;

	for (t = from; t < to && n < MISSED_MAX; t += iv, n++)
		bus_push(bus, loc, t, 0);
	if (t < to)
		log_warnx("sensor '%s': %lld more slots missed while the bus "
		    "was busy, not written as B rows",
		    bus->c->sensors[bus->sensors[loc]].name,
		    (long long)((to - t + iv - 1) / iv));
}

/* The poll of slot T is over: move each of its sensors to its next slot. */
void
bus_poll_end(struct bus *bus, time_t t)
{
	size_t i;
	time_t now;
	int iv;

	atomic_store(&bus->busy_since_ns, 0);
	now = (time_t)bus_sched_now(bus);
	for (i = 0; i < bus->ns; i++) {
		if (bus->next_t[i] != t)
			continue;
		iv = bus->c->sensors[bus->sensors[i]].interval;
		bus->next_t[i] += iv;
		if (bus->next_t[i] > now)
			continue;
		/* overran: a B row for each slot missed, then on the grid */
		missed(bus, (int)i, bus->next_t[i], bus_next_slot(now, iv), iv);
		bus->next_t[i] = bus_next_slot(now, iv);
	}
}

/* Poll the sensors due at slot T; then move each to its next slot. */
void
bus_tick(struct bus *bus, time_t t)
{
	size_t ndue = bus_poll_begin(bus, t);

	bus_poll_due(bus, ndue, t, bus_plan_due(bus, ndue), 0, -1);
	bus_poll_end(bus, t);
}

/* When the pool is to come back: the next slot, or in an hour. */
void
bus_reschedule(struct bus *bus)
{
	time_t t = next_due(bus);

	bus->job.due = ts_add(mono_now(), t == 0 ? 3600 :
	    (double)t + bus->phase - bus_sched_now(bus));
}

/* The slot due now (or in POOL_EARLY s), or 0. */
time_t
bus_due_now(struct bus *bus)
{
	time_t t;

	clock_follow(bus);
	t = next_due(bus);
	return t != 0 && t + bus->phase <= bus_sched_now(bus) + POOL_EARLY +
	    0.001 ? t : 0;
}

/*
 * Buses do not all poll at the same instant: each keeps a fixed phase
 * after the slot (from its name; up to half its shortest interval, at
 * most a second), so a thousand devices are not asked at once. The
 * spread is half a millisecond per bus of the station up to that: a handful
 * of devices is asked within one pool tick, so the leader wakes once
 * for them all, not once each (on a quiet station the wake-ups are the
 * whole cost). Samples are still stamped with the slot.
 */
double
bus_phase_of(const struct bus *bus)
{
	const unsigned char *p = (const unsigned char *)bus->b->name;
	uint32_t h = 2166136261u;
	double spread = PHASE_PER_BUS * (double)bus->c->nbus;
	size_t i;
	int iv;

	if (spread > 1)
		spread = 1;
	for (; *p; p++)
		h = (h ^ *p) * 16777619u;
	for (i = 0; i < bus->ns; i++) {
		iv = bus->c->sensors[bus->sensors[i]].interval;
		if (iv / 2.0 < spread)
			spread = iv / 2.0;
	}
	return (h % 1000) / 1000.0 * spread;
}
