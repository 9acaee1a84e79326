/*
 * buslink.c: the blocking path of a bus, run on a worker of the pool:
 * connect with backoff, one transaction at a time (libmodbus for RTU,
 * our own framing on TCP), retries, and what the results say of the
 * link (up, down, reconnect).
 */
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../lib/log.h"
#include "../lib/plan.h"
#include "../lib/util.h"
#include "busint.h"

/*
 * The link is up: a stop may now shut its socket down, which ends a
 * request waiting for a silent device at once (bus_halt).
 */
static void
link_open(struct bus *bus)
{
	pthread_mutex_lock(&bus->mu);
	if (bus->b->type == BUS_TCP)
		bus->sock = modbus_get_socket(bus->ctx);
	if (bus->sock != -1 && atomic_load(&bus->stop))
		shutdown(bus->sock, SHUT_RDWR);
	pthread_mutex_unlock(&bus->mu);
}

void
bus_disconnect(struct bus *bus)
{
	if (!bus->connected)
		return;
	pthread_mutex_lock(&bus->mu);
	bus->sock = -1;		/* not to be shut down once it is reused */
	pthread_mutex_unlock(&bus->mu);
	modbus_close(bus->ctx);
	bus->connected = 0;
	bus->clean = 0;
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
	bus_disconnect(bus);
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
	link_open(bus);
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
bus_tried(struct bus *bus, int err, struct timespec t0)
{
	bus->last_end = mono_now();
	bus->clean = answered(err);
	count(bus, err, ts_diff(bus->last_end, t0));
	if (bus->connected && (err == ETIMEDOUT || err == EMBBADCRC ||
	    err == EMBBADDATA || err == EMBBADSLAVE))
		modbus_flush(bus->ctx);	/* drop a late or broken reply */
	return err;
}

/* One TCP transaction, blocking up to the bus time-out: 0, or errno. */
static int
tcp_transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	struct timespec dl;
	struct pollfd pfd;
	double left;
	int err, rc;

	if (!bus->connected && ensure_connected(bus) == -1)
		return ENOTCONN;
	if ((err = bus_tcp_send(bus, r)) != 0)
		return err;
	dl = ts_add(mono_now(), bus->b->timeout);
	while ((rc = bus_tcp_take(bus, regs)) == 0) {
		if ((left = ts_diff(dl, mono_now())) <= 0 ||
		    atomic_load(&bus->stop))
			return ETIMEDOUT;
		pfd = (struct pollfd){ modbus_get_socket(bus->ctx), POLLIN,
		    0 };
		if (poll(&pfd, 1, (int)ceil(left * 1000)) == -1 &&
		    errno != EINTR)
			return errno;
	}
	return rc == 1 ? 0 : errno;
}

/* One transaction, with the bus gap before it. 0, or errno. */
static int
transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	struct timespec t0;
	double idle;
	int rc;

	idle = ts_diff(mono_now(), bus->last_end);
	if (idle < bus->b->gap)
		bus_sleep_until(bus, ts_add(mono_now(), bus->b->gap - idle));
	t0 = mono_now();
	if (bus->b->type == BUS_TCP)
		return bus_tried(bus, tcp_transact(bus, r, regs), t0);
	/* RTU has no transaction id: drop whatever came unasked first */
	modbus_flush(bus->ctx);
	modbus_set_slave(bus->ctx, r->unit);
	if (r->function == 1)
		rc = modbus_read_input_registers(bus->ctx, r->addr, r->count,
		    regs);
	else
		rc = modbus_read_registers(bus->ctx, r->addr, r->count, regs);
	return bus_tried(bus, rc == -1 ? errno : 0, t0);
}

/*
 * A request with bounded retries: time-outs and CRC errors again after
 * a short random pause, "busy" (06) after a longer one. A unit that has
 * not answered for UNIT_DOWN cycles gets one try, so it costs its bus
 * one time-out per cycle. FIRST: the first try's result when bus_step() made
 * it, else -1.
 */
static int
request(struct bus *bus, const struct plan_req *r, uint16_t *regs, int first)
{
	int err = 0, i, tries;

	tries = bus->unit_fails[r->unit] >= UNIT_DOWN ? 1 :
	    1 + bus->b->retries;
	for (i = 0; i < tries && !atomic_load(&bus->stop); i++) {
		if (i > 0)
			bus_sleep_until(bus, ts_add(mono_now(), (err == EMBXSBUSY ?
			    0.1 : 0.01) * (1 + jitter01())));
		err = i == 0 && first != -1 ? first :
		    transact(bus, r, regs);
		if (err != ETIMEDOUT && err != EMBBADCRC &&
		    err != EMBBADDATA && err != EMBBADSLAVE &&
		    err != EMBXSBUSY)
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
		if (ensure_connected(bus) == -1) {
			bus->req_err[i] = ENOTCONN;
			continue;
		}
		bus->req_err[i] = request(bus, &bus->reqs[i], bus->regs[i],
		    first);
		bus_link_health(bus, bus->req_err[i]);
	}
}
