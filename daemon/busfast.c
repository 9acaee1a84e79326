/*
 * busfast.c: step(), the non-blocking poll of a healthy TCP bus that the
 * pool's leading thread runs, a request at a time over busio.c's TCP
 * framing. Anything out of the ordinary hands the poll to a worker
 * (run() in bus.c), which goes on with the blocking path from the
 * request where step() stopped.
 */
#include <errno.h>
#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../lib/plan.h"
#include "../lib/util.h"
#include "busint.h"
#include "mbtcp.h"
#include "pool.h"

/*
 * When the request in flight was sent, on the clock of bus_tried (the
 * real one: step() runs on real links only).
 */
static double
sent_at(const struct bus *bus)
{
	return ts_diff(bus->fast.sent, (struct timespec){ 0, 0 });
}

/* Request I's first try failed with ERR: a worker goes on from there. */
static int
fast_fail(struct bus *bus, int err)
{
	bus->fast.err = bus_tried(bus, err, sent_at(bus));
	return POOL_BLOCK;
}

/* Send the fast poll's request i: wait for the reply, or hand over. */
static int
fast_send(struct bus *bus)
{
	int err;

	bus->fast.sent = mono_now();
	if ((err = bus_tcp_send(bus, &bus->reqs[bus->fast.i])) != 0)
		return fast_fail(bus, err);
	bus->job.fd = modbus_get_socket(bus->ctx);
	bus->job.due = ts_add(bus->fast.sent, bus->b->timeout);
	return POOL_WAIT;
}

/* A TCP link with nothing out of the ordinary: bus_step() may poll it. */
static int
fast_ok(struct bus *bus)
{
	return bus->b->type == BUS_TCP && bus->connected && bus->clean &&
	    bus->b->gap <= 0 && !atomic_load(&bus->stop) &&
	    !bus_pending(bus);
}

/*
 * The pool's leading thread runs this (it must not block): a poll of a
 * healthy TCP bus, a request at a time, each reply taken when it is in.
 * Anything else goes to run() on a worker.
 */
int
bus_step(struct pool_job *job, enum pool_ev ev)
{
	struct bus *bus = (struct bus *)job;
	time_t t;
	int rc;

	if (ev == POOL_DUE) {
		if (!fast_ok(bus))
			return POOL_BLOCK;
		if ((t = bus_due_now(bus)) == 0) {
			bus_reschedule(bus);
			return POOL_DONE;
		}
		bus->fast.t = t;
		bus->fast.ndue = bus_poll_begin(bus, t);
		bus->fast.nreq = bus_plan_due(bus, bus->fast.ndue);
		bus->fast.i = 0;
		bus->fast.active = 1;
	} else if (ev == POOL_TIMEOUT)
		return fast_fail(bus, ETIMEDOUT);
	else if ((rc = bus_tcp_take(bus, bus->regs[bus->fast.i])) == 0)
		return POOL_WAIT;		/* the rest of it */
	else if (rc == -1)
		return fast_fail(bus, errno);
	else {
		bus->req_err[bus->fast.i++] = bus_tried(bus, 0, sent_at(bus));
		bus_link_health(bus, 0);
	}
	if (bus->fast.i < bus->fast.nreq)
		return fast_send(bus);
	bus->fast.active = 0;
	bus_poll_due(bus, bus->fast.ndue, bus->fast.t, bus->fast.nreq,
	    bus->fast.nreq, -1);
	bus_poll_end(bus, bus->fast.t);
	bus_reschedule(bus);
	return POOL_DONE;
}
