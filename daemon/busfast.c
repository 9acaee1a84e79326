/*
 * busfast.c: the TCP framing of a bus (mbtcp.h) on the socket libmodbus
 * connected, and step(): the non-blocking poll of a healthy TCP bus that
 * the pool's leading thread runs. Anything out of the ordinary hands the
 * poll to a worker (run() in bus.c), which goes on with the blocking
 * path from the request where step() stopped.
 */
#include <sys/socket.h>

#include <errno.h>
#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>

#include "../lib/log.h"
#include "../lib/plan.h"
#include "../lib/util.h"
#include "busint.h"
#include "mbtcp.h"
#include "pool.h"

static int
fc_of(const struct plan_req *r)
{
	return r->function == 1 ? MODBUS_FC_READ_INPUT_REGISTERS :
	    MODBUS_FC_READ_HOLDING_REGISTERS;
}

/*
 * A reply (or bytes) that answered no request in flight was dropped:
 * counted, and logged the first time and then at most once an hour.
 */
static void
stray(struct bus *bus, const uint8_t *rsp, size_t len, const char *what)
{
	double now = ts_diff(mono_now(), (struct timespec){ 0, 0 });
	unsigned long long n;
	int saved = errno;

	pthread_mutex_lock(&bus->mu);
	n = ++bus->st.stray;
	pthread_mutex_unlock(&bus->mu);
	if (bus->stray_logged == 0 || now - bus->stray_logged >= 3600) {
		log_warnx("bus '%s': dropped %s (transaction %u unit %u; "
		    "awaited transaction %u unit %u; %llu so far): the "
		    "device or gateway repeats, delays or garbles replies",
		    bus->b->name, what, len >= 2 ? rsp[0] << 8 | rsp[1] : 0,
		    len >= 7 ? rsp[6] : 0, bus->tid, bus->adu[6], n);
		bus->stray_logged = now;
	}
	errno = saved;
}

/* Send R on the TCP link as a new transaction: 0, or errno. */
int
bus_tcp_send(struct bus *bus, const struct plan_req *r)
{
	ssize_t n;

	mbtcp_request(bus->adu, ++bus->tid, r->unit, fc_of(r), r->addr,
	    r->count);
	n = send(modbus_get_socket(bus->ctx), bus->adu, MBTCP_REQ_LEN,
	    MSG_NOSIGNAL | MSG_DONTWAIT);
	if (n == MBTCP_REQ_LEN)
		return 0;
	if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return ETIMEDOUT;	/* the peer reads nothing */
	return n == -1 ? errno : EPIPE;	/* half a request: start over */
}

/*
 * Take the reply to the request in flight once all of it is here: 1
 * with the registers in REGS, 0 while it is still to come, -1 with
 * errno. Whole frames of other transactions (a reply repeated, or one
 * that came after its time-out) are dropped on the way; bytes that are
 * no frame close the link, whose framing is lost. Nothing is taken off
 * the socket before it is complete.
 */
int
bus_tcp_take(struct bus *bus, uint16_t *regs)
{
	uint8_t rsp[MODBUS_TCP_MAX_ADU_LENGTH];
	int fd = modbus_get_socket(bus->ctx), len, rc;
	ssize_t n;

	for (;;) {
		n = recv(fd, rsp, sizeof(rsp), MSG_PEEK | MSG_DONTWAIT);
		if (n == 0)
			return errno = ECONNRESET, -1;
		if (n < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : -1;
		if ((len = mbtcp_frame_len(rsp, (size_t)n)) == 0)
			return 0;
		if (len < 0) {
			stray(bus, rsp, (size_t)n, "bytes that are no Modbus "
			    "TCP frame");
			bus_disconnect(bus);
			return errno = EMBBADDATA, -1;
		}
		if (recv(fd, rsp, (size_t)len, MSG_DONTWAIT) != len) {
			bus_disconnect(bus);
			return errno = EMBBADDATA, -1;
		}
		if ((rc = mbtcp_reply(bus->adu, rsp, len, regs)) ==
		    MBTCP_OTHER) {
			stray(bus, rsp, (size_t)len, "a reply to another "
			    "request");
			continue;
		}
		if (rc == -1 && errno == EMBBADDATA)
			stray(bus, rsp, (size_t)len, "a reply of another "
			    "unit, function or length");
		return rc == 0 ? 1 : -1;
	}
}

/* Request I's first try failed with ERR: a worker goes on from there. */
static int
fast_fail(struct bus *bus, int err)
{
	bus->fast.err = bus_tried(bus, err, bus->fast.sent);
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
		bus->req_err[bus->fast.i++] = bus_tried(bus, 0, bus->fast.sent);
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
