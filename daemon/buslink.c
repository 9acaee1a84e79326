/*
 * buslink.c: the blocking path of a bus, run on a worker of the pool:
 * connect with backoff, one transaction at a time, retries, and what
 * the results say of the link (up, down, reconnect). The I/O itself is
 * bus->ops (busio.c, or a test's fake device); the decisions busrule.c.
 */
#include <errno.h>
#include <limits.h>
#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/log.h"
#include "../lib/plan.h"
#include "../lib/util.h"
#include "busint.h"
#include "busrule.h"

void
bus_disconnect(struct bus *bus)
{
	if (!bus->connected)
		return;
	bus->ops->close(bus);
	bus->connected = 0;
	bus->clean = 0;
}

static void
schedule_retry(struct bus *bus)
{
	bus->backoff = busrule_backoff(bus->backoff, bus->b->backoff_max);
	bus->retry_at = busrule_retry_at(bus->ops->now(bus), bus->backoff,
	    jitter01());
}

/*
 * What B talks to, for the log: an RTU device and, if it is a link
 * (/dev/serial/by-id/...), the tty it names now; a TCP host:port.
 */
static void
link_desc(const struct conf_bus *b, char *buf, size_t len)
{
	char real[PATH_MAX];

	if (b->type == BUS_TCP)
		snprintf(buf, len, "%s:%d", b->host, b->port);
	else if (realpath(b->device, real) != NULL &&
	    strcmp(real, b->device) != 0)
		snprintf(buf, len, "%s (-> %s)", b->device, real);
	else
		snprintf(buf, len, "%s", b->device);
}

static void
mark_down(struct bus *bus, const char *why)
{
	char desc[2 * PATH_MAX + 8];

	bus_disconnect(bus);
	schedule_retry(bus);
	if (!bus->down_logged) {
		link_desc(bus->b, desc, sizeof(desc));
		log_warnx("bus '%s': down: %s: %s", bus->b->name, desc, why);
	} else
		log_debug("bus '%s': still down: %s; next try in %.1f s",
		    bus->b->name, why, bus->backoff);
	bus->down_logged = 1;
}

int
bus_connect(struct bus *bus)
{
	if (bus->connected)
		return 0;
	if (bus->ops->now(bus) < bus->retry_at)
		return -1;
	if (bus->ops->connect(bus) == -1) {
		mark_down(bus, modbus_strerror(errno));
		return -1;
	}
	bus->connected = 1;
	bus->backoff = 0;
	bus->timeouts_row = 0;
	pthread_mutex_lock(&bus->mu);
	bus->st.reconnects++;
	pthread_mutex_unlock(&bus->mu);
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

/* The device answered (with the registers or an exception). */
static int
answered(int err)
{
	return err == 0 || (err > MODBUS_ENOBASE &&
	    err < MODBUS_ENOBASE + MODBUS_EXCEPTION_MAX);
}

/* A try sent at T0 ended with ERR (0: answered): count it; ERR back. */
int
bus_tried(struct bus *bus, int err, double t0)
{
	bus->last_end = bus->ops->now(bus);
	bus->clean = answered(err);
	count(bus, err, bus->last_end - t0);
	if (bus->connected && (err == ETIMEDOUT || err == EMBBADCRC ||
	    err == EMBBADDATA || err == EMBBADSLAVE))
		bus->ops->flush(bus);	/* drop a late or broken reply */
	return err;
}

/* One transaction, with the bus gap before it. 0, or errno. */
static int
transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	double idle, t0;

	idle = bus->ops->now(bus) - bus->last_end;
	if (idle < bus->b->gap)
		bus->ops->sleep(bus, bus->b->gap - idle);
	t0 = bus->ops->now(bus);
	return bus_tried(bus, bus->ops->transact(bus, r, regs), t0);
}

/*
 * A request with bounded retries: time-outs and CRC errors again after
 * a short random pause, "busy" (06) after a longer one. A unit that has
 * not answered for UNIT_DOWN cycles gets one try, so it costs its bus
 * one time-out per cycle (busrule.h). FIRST: the first try's result when
 * bus_step() made it, else -1.
 */
static int
request(struct bus *bus, const struct plan_req *r, uint16_t *regs, int first)
{
	double pause = 0;
	int err = 0, i, tries;

	tries = busrule_tries(bus->unit_fails != NULL ?
	    bus->unit_fails[r->unit] : 0, bus->b->retries);
	for (i = 0; i < tries && !atomic_load(&bus->stop); i++) {
		if (i > 0)
			bus->ops->sleep(bus, pause);
		err = i == 0 && first != -1 ? first :
		    transact(bus, r, regs);
		if ((pause = busrule_retry_pause(err, jitter01())) < 0)
			break;
	}
	return err;
}

/* What a request's result (after its retries) says of the link. */
void
bus_link_health(struct bus *bus, int err)
{
	if (err == 0 && bus->down_logged) {
		/* up means answering, not merely connected */
		log_info("bus '%s': up again", bus->b->name);
		bus->down_logged = 0;
	}
	if (err == ETIMEDOUT && ++bus->timeouts_row >= TIMEOUTS_DOWN &&
	    bus->b->type == BUS_TCP)
		mark_down(bus, "no reply");
	else if (is_link_error(err))
		mark_down(bus, modbus_strerror(err));
	else if (err != ETIMEDOUT)
		bus->timeouts_row = 0;
}

/* Requests FROM..NREQ-1 of the plan; FIRST: see request(). */
void
bus_run_requests(struct bus *bus, size_t from, size_t nreq, int first)
{
	size_t i;

	for (i = from; i < nreq; i++, first = -1) {
		if (bus_connect(bus) == -1) {
			bus->req_err[i] = ENOTCONN;
			continue;
		}
		bus->req_err[i] = request(bus, &bus->reqs[i], bus->regs[i],
		    first);
		bus_link_health(bus, bus->req_err[i]);
	}
}
