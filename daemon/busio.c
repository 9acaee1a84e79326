/*
 * busio.c: the I/O under a bus (struct bus_ops in busint.h): libmodbus
 * connects and speaks RTU; on TCP we frame the requests ourselves
 * (mbtcp.h) on the socket libmodbus connected, so that a late or repeated
 * reply is never taken for another. Tests put a fake device in its place.
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
#include "mbtcp.h"

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

/* One TCP transaction, blocking up to the bus time-out: 0, or errno. */
static int
tcp_transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	struct timespec dl;
	struct pollfd pfd;
	double left;
	int err, rc;

	if (!bus->connected && bus_connect(bus) == -1)
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

/* RTU has no transaction id: drop whatever came unasked first. */
static int
rtu_transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	int rc;

	modbus_flush(bus->ctx);
	modbus_set_slave(bus->ctx, r->unit);
	if (r->function == 1)
		rc = modbus_read_input_registers(bus->ctx, r->addr, r->count,
		    regs);
	else
		rc = modbus_read_registers(bus->ctx, r->addr, r->count, regs);
	return rc == -1 ? errno : 0;
}

static int
io_transact(struct bus *bus, const struct plan_req *r, uint16_t *regs)
{
	if (bus->b->type == BUS_TCP)
		return tcp_transact(bus, r, regs);
	return rtu_transact(bus, r, regs);
}

static int
io_connect(struct bus *bus)
{
	if (modbus_connect(bus->ctx) == -1)
		return -1;
	link_open(bus);
	return 0;
}

static void
io_close(struct bus *bus)
{
	pthread_mutex_lock(&bus->mu);
	bus->sock = -1;		/* not to be shut down once it is reused */
	pthread_mutex_unlock(&bus->mu);
	modbus_close(bus->ctx);
}

static void
io_flush(struct bus *bus)
{
	modbus_flush(bus->ctx);
}

static double
io_now(struct bus *bus)
{
	(void)bus;
	return mono_s();
}

static void
io_sleep(struct bus *bus, double secs)
{
	bus_sleep_until(bus, ts_add(mono_now(), secs));
}

const struct bus_ops bus_io_ops = {
	io_connect, io_close, io_transact, io_flush, io_now, io_sleep
};
