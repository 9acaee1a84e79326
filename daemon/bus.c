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
 */
#include <sys/socket.h>

#include <errno.h>
#include <poll.h>
#include <math.h>
#include <modbus.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../drivers/driver.h"
#include "../lib/log.h"
#include "../lib/modbusctx.h"
#include "../lib/plan.h"
#include "../lib/util.h"
#include "bus.h"
#include "mbtcp.h"
#include "pool.h"

#define TIMEOUTS_DOWN	3	/* consecutive time-outs that mean "down" */
#define UNIT_DOWN	3	/* failed cycles before a unit gets no retries */
/*
 * A sensor whose registers are refused (exception 01/02/03) is no longer
 * asked once the refusal repeated REFUSED_OFF polls in a row while its
 * unit answered other reads (a register the device does not have), or
 * NOT_READY_OFF polls when the unit refuses every read (a device that is
 * booting does that for a while; one whose only sensor is misconfigured
 * does it for good). It is asked again every REPROBE polls.
 */
#define REFUSED_OFF	3
#define NOT_READY_OFF	30
#define REPROBE		10
#define NUNITS		256
#define MISSED_MAX	100	/* B rows for the slots one overrun missed */

/* What the bus remembers of one of its sensors between polls. */
struct last {
	double		value;
	uint16_t	status;
	char		flag;
	int64_t		mtime;
	char		seen;
	char		disabled;	/* the device refused its registers */
	unsigned char	refusals;	/* polls in a row they were refused */
	unsigned char	wait;		/* disabled: polls until asked again */
};

struct bus {
	struct pool_job		 job;		/* first: the pool's handle */
	const struct conf	*c;
	const struct conf_bus	*b;
	struct queue		*q;
	struct pool		*pool;
	double			 phase;		/* s after the slot it polls */
	struct wallclock	 clk;		/* the schedule's wall clock */
	atomic_int		 stop;
	pthread_mutex_t		 mu;	/* stats, the stop wait, rebinding */
	pthread_cond_t		 cv;
	pthread_cond_t		 rebound;	/* signalled when applied */
	const struct conf	*pend_c;	/* a new config to adopt */
	int			 pend_idx;
	modbus_t		*ctx;
	int			 sock;	/* TCP, connected: for bus_halt; mu */
	atomic_int		 connected;
	int			 down_logged;
	int			 timeouts_row;
	double			 backoff;
	struct timespec		 retry_at;
	struct timespec		 last_end;	/* of the last request */
	/* the last request on the link was answered: no late reply to come */
	int			 clean;
	uint16_t		 tid;		/* TCP: the last transaction sent */
	uint8_t			 adu[MBTCP_REQ_LEN];	/* ... and its request */
	double			 stray_logged;	/* mono s; 0: never */
	struct {			/* a poll run by step() */
		int		 active;
		time_t		 t;	/* its slot */
		size_t		 ndue, nreq;
		size_t		 i;	/* the request in flight */
		int		 err;	/* its first try, when handed over */
		struct timespec	 sent;
	} fast;
	atomic_llong		 busy_since_ns;	/* mono start of a poll; 0 idle */
	int			*sensors;
	size_t			 ns;
	time_t			*next_t;	/* per sensor: next slot */
	int			*due;		/* local indices (into sensors) */
	struct last		*last;		/* per local index */
	struct plan_req		*reqs;
	uint16_t		(*regs)[PLAN_MAX_REGS];
	int			*req_err;	/* 0 ok, else errno */
	unsigned char		 nomerge[NUNITS];
	unsigned char		 unit_fails[NUNITS];
	struct bus_stats	 st;
};

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
static void
sleep_until(struct bus *bus, struct timespec dl)
{
	pthread_mutex_lock(&bus->mu);
	while (!atomic_load(&bus->stop) && bus->pend_c == NULL &&
	    pthread_cond_timedwait(&bus->cv, &bus->mu, &dl) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&bus->mu);
}

static int
bus_pending(struct bus *bus)
{
	int p;

	pthread_mutex_lock(&bus->mu);
	p = bus->pend_c != NULL;
	pthread_mutex_unlock(&bus->mu);
	return p;
}

static long long
mono_ns(void)
{
	struct timespec ts = mono_now();

	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

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

static void
disconnect(struct bus *bus)
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
static int
tried(struct bus *bus, int err, struct timespec t0)
{
	bus->last_end = mono_now();
	bus->clean = answered(err);
	count(bus, err, ts_diff(bus->last_end, t0));
	if (bus->connected && (err == ETIMEDOUT || err == EMBBADCRC ||
	    err == EMBBADDATA || err == EMBBADSLAVE))
		modbus_flush(bus->ctx);	/* drop a late or broken reply */
	return err;
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
static int
tcp_send(struct bus *bus, const struct plan_req *r)
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
static int
tcp_take(struct bus *bus, uint16_t *regs)
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
			disconnect(bus);
			return errno = EMBBADDATA, -1;
		}
		if (recv(fd, rsp, (size_t)len, MSG_DONTWAIT) != len) {
			disconnect(bus);
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

	if (!bus->connected && ensure_connected(bus) == -1)
		return ENOTCONN;
	if ((err = tcp_send(bus, r)) != 0)
		return err;
	dl = ts_add(mono_now(), bus->b->timeout);
	while ((rc = tcp_take(bus, regs)) == 0) {
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
		sleep_until(bus, ts_add(mono_now(), bus->b->gap - idle));
	t0 = mono_now();
	if (bus->b->type == BUS_TCP)
		return tried(bus, tcp_transact(bus, r, regs), t0);
	/* RTU has no transaction id: drop whatever came unasked first */
	modbus_flush(bus->ctx);
	modbus_set_slave(bus->ctx, r->unit);
	if (r->function == 1)
		rc = modbus_read_input_registers(bus->ctx, r->addr, r->count,
		    regs);
	else
		rc = modbus_read_registers(bus->ctx, r->addr, r->count, regs);
	return tried(bus, rc == -1 ? errno : 0, t0);
}

/*
 * A request with bounded retries: time-outs and CRC errors again after
 * a short random pause, "busy" (06) after a longer one. A unit that has
 * not answered for UNIT_DOWN cycles gets one try, so it costs its bus
 * one time-out per cycle. FIRST: the first try's result when step() made
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
			sleep_until(bus, ts_add(mono_now(), (err == EMBXSBUSY ?
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
static void
link_health(struct bus *bus, int err)
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
static void
run_requests(struct bus *bus, size_t from, size_t nreq, int first)
{
	size_t i;

	for (i = from; i < nreq; i++, first = -1) {
		if (ensure_connected(bus) == -1) {
			bus->req_err[i] = ENOTCONN;
			continue;
		}
		bus->req_err[i] = request(bus, &bus->reqs[i], bus->regs[i],
		    first);
		link_health(bus, bus->req_err[i]);
	}
}

/*
 * The data flag a failed request gives the fields it carried: the device
 * answered with an exception (01-04) -> D; no answer, a broken one, or
 * a gateway that cannot reach its target (0A/0B) -> B.
 */
static char
error_flag(int err)
{
	if (err == EMBXSFAIL || err == EMBXILFUN || err == EMBXILADD ||
	    err == EMBXILVAL)
		return FLAG_FAULT;
	return FLAG_COMM;
}

static int
is_config_exception(int err)
{
	return err == EMBXILFUN || err == EMBXILADD || err == EMBXILVAL;
}

/* How many of the due sensors request R carries. */
static int
carried(const struct bus *bus, const struct plan_req *r, size_t ndue)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ndue; i++)
		n += plan_for_sensor(r,
		    &bus->c->sensors[bus->sensors[bus->due[i]]]);
	return n;
}

/*
 * Exceptions 01/02/03 mean the request asked for something the device
 * does not have (or not yet). A merged read is split: the unit is read
 * sensor by sensor from now on (returns 1: poll again). A sensor's own
 * refused read is judged by refusals().
 */
static int
split_refused(struct bus *bus, size_t nreq, size_t ndue)
{
	const struct plan_req *r;
	size_t i;
	int again = 0;

	for (i = 0; i < nreq; i++) {
		r = &bus->reqs[i];
		if (!is_config_exception(bus->req_err[i]) ||
		    bus->nomerge[r->unit] || carried(bus, r, ndue) <= 1)
			continue;
		log_warnx("bus '%s' unit %d: refused the merged read of "
		    "registers %u-%u (%s); reading sensor by sensor",
		    bus->b->name, r->unit, r->addr, r->addr + r->count - 1,
		    modbus_strerror(bus->req_err[i]));
		bus->nomerge[r->unit] = 1;
		again = 1;
	}
	return again;
}

/* 1 if unit U answered one of the NREQ reads with its registers. */
static int
unit_answered(const struct bus *bus, int u, size_t nreq)
{
	size_t i;

	for (i = 0; i < nreq; i++)
		if (bus->reqs[i].unit == u && bus->req_err[i] == 0)
			return 1;
	return 0;
}

/*
 * The read of sensor SC that failed first (*ERR its errno), or -1 when
 * all of them were answered.
 */
static int
failed_read(const struct bus *bus, const struct conf_sensor *sc,
    size_t nreq, int *err)
{
	size_t i;

	for (i = 0; i < nreq; i++)
		if (bus->req_err[i] != 0 && plan_for_sensor(&bus->reqs[i],
		    sc)) {
			*err = bus->req_err[i];
			return (int)i;
		}
	return -1;
}

/*
 * Sensor LOC's read I was refused: logged the first time; the sensor is
 * no longer asked once that repeats (see REFUSED_OFF), and asked again
 * every REPROBE polls.
 */
static void
refused(struct bus *bus, int loc, size_t i, int others)
{
	const struct conf_sensor *sc = &bus->c->sensors[bus->sensors[loc]];
	const struct plan_req *r = &bus->reqs[i];
	struct last *l = &bus->last[loc];

	if (l->disabled) {		/* asked again, refused again */
		l->wait = REPROBE;
		return;
	}
	if (l->refusals < 255)
		l->refusals++;
	if (l->refusals == 1)
		log_warnx("sensor '%s': unit %d refused registers %u-%u "
		    "(%s)%s; asking again", sc->name, r->unit, r->addr,
		    r->addr + r->count - 1, modbus_strerror(bus->req_err[i]),
		    others ? "" : ", as it refuses every read: not ready?");
	if (l->refusals < (others ? REFUSED_OFF : NOT_READY_OFF))
		return;
	l->disabled = 1;
	l->wait = REPROBE;
	log_warnx("sensor '%s': unit %d refused registers %u-%u %d polls "
	    "in a row%s; check register and function; asked again every "
	    "%d polls", sc->name, r->unit, r->addr, r->addr + r->count - 1,
	    l->refusals, others ? " while it answers other reads" : "",
	    REPROBE);
}

/* Judge the refusals of the NDUE due sensors' reads (NREQ of them). */
static void
refusals(struct bus *bus, size_t nreq, size_t ndue)
{
	const struct conf_sensor *sc;
	struct last *l;
	size_t j;
	int loc, i, err;

	for (j = 0; j < ndue; j++) {
		loc = bus->due[j];
		l = &bus->last[loc];
		sc = &bus->c->sensors[bus->sensors[loc]];
		if (l->disabled && l->wait > 0)
			continue;		/* not asked this time */
		if ((i = failed_read(bus, sc, nreq, &err)) != -1) {
			if (is_config_exception(err))
				refused(bus, loc, (size_t)i, unit_answered(bus,
				    bus->reqs[i].unit, nreq));
			continue;	/* no answer says nothing of it */
		}
		if (l->refusals > 0)
			log_info("sensor '%s': unit %d answers its registers "
			    "again", sc->name, sc->unit);
		l->refusals = 0;
		l->disabled = 0;
	}
}

/* Count failed cycles per unit; log when one stops and starts answering. */
static void
unit_health(struct bus *bus, size_t nreq)
{
	unsigned char fail[NUNITS], seen[NUNITS];
	size_t i;
	int u, err;

	memset(fail, 0, sizeof(fail));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < nreq; i++) {
		u = bus->reqs[i].unit;
		err = bus->req_err[i];
		seen[u] = 1;
		if (err == ETIMEDOUT || err == EMBXGPATH || err == EMBXGTAR ||
		    err == EMBBADCRC || err == EMBBADDATA)
			fail[u] = 1;
	}
	for (u = 0; u < NUNITS; u++) {
		if (!seen[u] || !bus->connected)
			continue;
		if (!fail[u]) {
			if (bus->unit_fails[u] >= UNIT_DOWN)
				log_info("bus '%s' unit %d: answering again",
				    bus->b->name, u);
			bus->unit_fails[u] = 0;
		} else if (bus->unit_fails[u] < 255 &&
		    ++bus->unit_fails[u] == UNIT_DOWN)
			log_warnx("bus '%s' unit %d: no answer for %d polls; "
			    "one try per poll until it answers",
			    bus->b->name, u, UNIT_DOWN);
	}
}

/* Decode sensor SC from the requests that cover it. */
static void
decode_one(struct bus *bus, const struct conf_sensor *sc, size_t nreq,
    struct sample *s)
{
	struct regblock blk[PLAN_PER_SENSOR];
	struct reading rd;
	size_t i, nb = 0;
	int err = 0;

	for (i = 0; i < nreq && nb < PLAN_PER_SENSOR; i++) {
		if (!plan_for_sensor(&bus->reqs[i], sc))
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
	s->mtime = rd.mtime;
}

/*
 * Instrument cycle awareness: an analyzer holds its last result for its
 * whole cycle. With new_result = change or time, a poll that reads the
 * same result again is not fresh: the core stores it in the RRD (the
 * graph shows what the instrument shows) but does not count or judge it
 * again. Failed reads are always fresh: each one is worth recording.
 */
static void
freshness(struct bus *bus, int loc, struct sample *s)
{
	const struct conf_sensor *sc = &bus->c->sensors[bus->sensors[loc]];
	struct last *l = &bus->last[loc];
	int same;

	if (sc->new_result == NEW_TIME)
		same = s->mtime != 0 && s->mtime == l->mtime;
	else
		same = s->flag == l->flag && s->status == l->status &&
		    (s->value == l->value ||
		    (isnan(s->value) && isnan(l->value)));
	s->fresh = sc->new_result == NEW_EVERY || !l->seen || !same ||
	    (s->flag != FLAG_NORMAL && s->flag != l->flag);
	if (s->flag == FLAG_COMM)
		return;		/* keep what the instrument last said */
	l->value = s->value;
	l->status = s->status;
	l->flag = s->flag;
	l->mtime = s->mtime;
	l->seen = 1;
}

/*
 * Sample S of sensor LOC at slot T to the core: decoded from the NREQ
 * requests of the poll, or (NREQ 0) a B row for a slot that passed
 * while the bus was still busy with an earlier poll, so that the audit
 * trail shows every slot.
 */
static void
push(struct bus *bus, int loc, time_t t, size_t nreq)
{
	int idx = bus->sensors[loc];
	struct sample s;

	memset(&s, 0, sizeof(s));
	snprintf(s.sensor, sizeof(s.sensor), "%s", bus->c->sensors[idx].name);
	s.idx = idx;
	s.t = t;
	s.value = s.raw = NAN;
	if (nreq == 0)
		s.flag = FLAG_COMM;
	else if (bus->last[loc].disabled && bus->last[loc].wait > 0)
		s.flag = FLAG_FAULT;	/* not asked this time */
	else
		decode_one(bus, &bus->c->sensors[idx], nreq, &s);
	freshness(bus, loc, &s);
	if (queue_push(bus->q, &s, 1000) == -1)
		log_warnx("sensor '%s': sample dropped, core queue full",
		    s.sensor);
}

/* The plan for the NDUE due sensors the bus still asks. */
static size_t
plan_due(struct bus *bus, size_t ndue)
{
	int *ask = bus->due + bus->ns;
	size_t i, nask;

	for (i = nask = 0; i < ndue; i++)
		if (!bus->last[bus->due[i]].disabled ||
		    bus->last[bus->due[i]].wait == 0)
			ask[nask++] = bus->sensors[bus->due[i]];
	return plan_build(bus->c, ask, nask, bus->b->merge_hole,
	    bus->nomerge, bus->reqs);
}

/*
 * Requests FROM.. of the NREQ planned for the NDUE due sensors (FIRST:
 * see request()); once more, split, if the device refused a merged
 * read; then the samples of slot T.
 */
static void
poll_due(struct bus *bus, size_t ndue, time_t t, size_t nreq, size_t from,
    int first)
{
	size_t i;

	run_requests(bus, from, nreq, first);
	if (split_refused(bus, nreq, ndue)) {
		nreq = plan_due(bus, ndue);
		run_requests(bus, 0, nreq, -1);
	}
	refusals(bus, nreq, ndue);
	unit_health(bus, nreq);
	for (i = 0; i < ndue; i++)
		push(bus, bus->due[i], t, nreq);
}

/* The first slot of INTERVAL strictly after NOW. */
static time_t
next_slot(double now, int interval)
{
	return ((time_t)now / interval + 1) * interval;
}

/*
 * The wall clock as the schedule sees it: the monotonic clock plus the
 * offset last seen (clock_follow), so that a step of the wall clock
 * moves no deadline until the bus has seen it.
 */
static double
sched_now(const struct bus *bus)
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
	double lag = sched_now(bus) - (double)t - bus->phase;

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
static size_t
poll_begin(struct bus *bus, time_t t)
{
	size_t i, ndue = 0;

	for (i = 0; i < bus->ns; i++) {
		if (bus->next_t[i] != t)
			continue;
		bus->due[ndue++] = (int)i;
		if (bus->last[i].disabled && bus->last[i].wait > 0)
			bus->last[i].wait--;	/* 0: asked this time */
	}
	atomic_store(&bus->busy_since_ns, mono_ns());
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
		push(bus, loc, t, 0);
	if (t < to)
		log_warnx("sensor '%s': %lld more slots missed while the bus "
		    "was busy, not written as B rows",
		    bus->c->sensors[bus->sensors[loc]].name,
		    (long long)((to - t + iv - 1) / iv));
}

/* The poll of slot T is over: move each of its sensors to its next slot. */
static void
poll_end(struct bus *bus, time_t t)
{
	size_t i;
	time_t now;
	int iv;

	atomic_store(&bus->busy_since_ns, 0);
	now = (time_t)sched_now(bus);
	for (i = 0; i < bus->ns; i++) {
		if (bus->next_t[i] != t)
			continue;
		iv = bus->c->sensors[bus->sensors[i]].interval;
		bus->next_t[i] += iv;
		if (bus->next_t[i] > now)
			continue;
		/* overran: a B row for each slot missed, then on the grid */
		missed(bus, (int)i, bus->next_t[i], next_slot(now, iv), iv);
		bus->next_t[i] = next_slot(now, iv);
	}
}

/* Poll the sensors due at slot T; then move each to its next slot. */
static void
tick(struct bus *bus, time_t t)
{
	size_t ndue = poll_begin(bus, t);

	poll_due(bus, ndue, t, plan_due(bus, ndue), 0, -1);
	poll_end(bus, t);
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
			bus->last[i].disabled = 0;
			bus->last[i].refusals = 0;
		}
	}
	memset(bus->nomerge, 0, sizeof(bus->nomerge));
	modbus_set_response_timeout(bus->ctx, (uint32_t)bus->b->timeout,
	    (uint32_t)((bus->b->timeout - floor(bus->b->timeout)) * 1e6));
	free_tables(os, onext, odue, olast, oreqs, oregs, oerr);
	pthread_mutex_lock(&bus->mu);
	bus->pend_c = NULL;
	pthread_cond_broadcast(&bus->rebound);
	pthread_mutex_unlock(&bus->mu);
}

/* When the pool is to come back: the next slot, or in an hour. */
static void
reschedule(struct bus *bus)
{
	time_t t = next_due(bus);

	bus->job.due = ts_add(mono_now(), t == 0 ? 3600 :
	    (double)t + bus->phase - sched_now(bus));
}

/* The slot due now (or in POOL_EARLY s), or 0. */
static time_t
due_now(struct bus *bus)
{
	time_t t;

	clock_follow(bus);
	t = next_due(bus);
	return t != 0 && t + bus->phase <= sched_now(bus) + POOL_EARLY +
	    0.001 ? t : 0;
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
	if (bus->fast.active) {		/* go on where step() stopped */
		bus->fast.active = 0;
		poll_due(bus, bus->fast.ndue, bus->fast.t, bus->fast.nreq,
		    bus->fast.i, bus->fast.err);
		poll_end(bus, bus->fast.t);
	}
	if (bus_pending(bus))
		rebind_apply(bus);
	if ((t = due_now(bus)) != 0)
		tick(bus, t);
	reschedule(bus);
}

/* Request I's first try failed with ERR: a worker goes on from there. */
static int
fast_fail(struct bus *bus, int err)
{
	bus->fast.err = tried(bus, err, bus->fast.sent);
	return POOL_BLOCK;
}

/* Send the fast poll's request i: wait for the reply, or hand over. */
static int
fast_send(struct bus *bus)
{
	int err;

	bus->fast.sent = mono_now();
	if ((err = tcp_send(bus, &bus->reqs[bus->fast.i])) != 0)
		return fast_fail(bus, err);
	bus->job.fd = modbus_get_socket(bus->ctx);
	bus->job.due = ts_add(bus->fast.sent, bus->b->timeout);
	return POOL_WAIT;
}

/* A TCP link with nothing out of the ordinary: step() may poll it. */
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
static int
step(struct pool_job *job, enum pool_ev ev)
{
	struct bus *bus = (struct bus *)job;
	time_t t;
	int rc;

	if (ev == POOL_DUE) {
		if (!fast_ok(bus))
			return POOL_BLOCK;
		if ((t = due_now(bus)) == 0) {
			reschedule(bus);
			return POOL_DONE;
		}
		bus->fast.t = t;
		bus->fast.ndue = poll_begin(bus, t);
		bus->fast.nreq = plan_due(bus, bus->fast.ndue);
		bus->fast.i = 0;
		bus->fast.active = 1;
	} else if (ev == POOL_TIMEOUT)
		return fast_fail(bus, ETIMEDOUT);
	else if ((rc = tcp_take(bus, bus->regs[bus->fast.i])) == 0)
		return POOL_WAIT;		/* the rest of it */
	else if (rc == -1)
		return fast_fail(bus, errno);
	else {
		bus->req_err[bus->fast.i++] = tried(bus, 0, bus->fast.sent);
		link_health(bus, 0);
	}
	if (bus->fast.i < bus->fast.nreq)
		return fast_send(bus);
	bus->fast.active = 0;
	poll_due(bus, bus->fast.ndue, bus->fast.t, bus->fast.nreq,
	    bus->fast.nreq, -1);
	poll_end(bus, bus->fast.t);
	reschedule(bus);
	return POOL_DONE;
}

/*
 * Buses do not all poll at the same instant: each keeps a fixed phase
 * after the slot (from its name; up to half its shortest interval, at
 * most a second), so a thousand devices are not asked at once. Samples
 * are still stamped with the slot.
 */
static double
phase_of(const struct bus *bus)
{
	const unsigned char *p = (const unsigned char *)bus->b->name;
	uint32_t h = 2166136261u;
	double spread = 1;
	size_t i;
	int iv;

	for (; *p; p++)
		h = (h ^ *p) * 16777619u;
	for (i = 0; i < bus->ns; i++) {
		iv = bus->c->sensors[bus->sensors[i]].interval;
		if (iv / 2.0 < spread)
			spread = iv / 2.0;
	}
	return (h % 1000) / 1000.0 * spread;
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
	double now = sched_now(bus);
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
	    (bus->regs = calloc(n, sizeof(*bus->regs))) == NULL ||
	    (bus->req_err = calloc(n, sizeof(int))) == NULL)
		fatal("bus");
	for (i = 0; i < bus->ns; i++)
		bus->next_t[i] = next_slot(now,
		    c->sensors[bus->sensors[i]].interval);
}

struct bus *
bus_start(const struct conf *c, int idx, struct queue *q, struct pool *pool)
{
	pthread_condattr_t ca;
	struct bus *bus;

	if ((bus = calloc(1, sizeof(*bus))) == NULL)
		fatal("bus");
	bus->c = c;
	bus->b = &c->buses[idx];
	bus->q = q;
	bus->pool = pool;
	wallclock_step(&bus->clk);
	alloc_tables(bus, idx);
	if ((bus->ctx = bus_modbus_new(bus->b)) == NULL)
		fatal("bus '%s'", bus->b->name);
	bus->retry_at = bus->last_end = mono_now();
	bus->sock = -1;
	bus->st.up_since = ts_diff(mono_now(), (struct timespec){ 0, 0 });
	pthread_mutex_init(&bus->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&bus->cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&bus->rebound, NULL);
	bus->job.run = run;
	bus->job.step = step;
	bus->phase = phase_of(bus);
	reschedule(bus);
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

static void
bus_free(struct bus *bus)
{
	disconnect(bus);
	modbus_free(bus->ctx);
	pthread_mutex_destroy(&bus->mu);
	pthread_cond_destroy(&bus->cv);
	pthread_cond_destroy(&bus->rebound);
	free_tables(bus->sensors, bus->next_t, bus->due, bus->last,
	    bus->reqs, bus->regs, bus->req_err);
	free(bus);
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

	return since == 0 ? 0 : (double)(mono_ns() - since) / 1e9;
}
