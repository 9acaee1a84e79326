/*
 * buspoll.c: one poll of the due sensors and what its replies mean: a
 * merged read the device refused is split, a refused register is put
 * aside and asked again, units that stopped answering get one try, and
 * each due sensor's sample goes to the core.
 */
#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../drivers/driver.h"
#include "../lib/log.h"
#include "../lib/plan.h"
#include "busint.h"
#include "busrule.h"
#include "queue.h"

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
		if (!busrule_split(bus->req_err[i], bus->nomerge != NULL &&
		    bus->nomerge[r->unit], carried(bus, r, ndue)))
			continue;
		log_warnx("bus '%s' unit %d: refused the merged read of "
		    "registers %u-%u (%s); reading sensor by sensor",
		    bus->b->name, r->unit, r->addr, r->addr + r->count - 1,
		    modbus_strerror(bus->req_err[i]));
		bus_units(&bus->nomerge)[r->unit] = 1;
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
	struct busrule_refusal *rf = &bus->last[loc].ref;
	enum busrule_ev ev = busrule_refused(rf, others);

	if (ev == BUSRULE_FIRST)
		log_warnx("sensor '%s': unit %d refused registers %u-%u "
		    "(%s)%s; asking again", sc->name, r->unit, r->addr,
		    r->addr + r->count - 1, modbus_strerror(bus->req_err[i]),
		    others ? "" : ", as it refuses every read: not ready?");
	if (ev != BUSRULE_OFF)
		return;
	log_warnx("sensor '%s': unit %d refused registers %u-%u %d polls "
	    "in a row%s; check register and function; asked again every "
	    "%d polls", sc->name, r->unit, r->addr, r->addr + r->count - 1,
	    rf->refusals, others ? " while it answers other reads" : "",
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
		if (busrule_skipped(&l->ref))
			continue;		/* not asked this time */
		if ((i = failed_read(bus, sc, nreq, &err)) != -1) {
			if (busrule_refusal_err(err))
				refused(bus, loc, (size_t)i, unit_answered(bus,
				    bus->reqs[i].unit, nreq));
			continue;	/* no answer says nothing of it */
		}
		if (busrule_answered(&l->ref) == BUSRULE_BACK)
			log_info("sensor '%s': unit %d answers its registers "
			    "again", sc->name, sc->unit);
	}
}

/* Count failed cycles per unit; log when one stops and starts answering. */
static void
unit_health(struct bus *bus, size_t nreq)
{
	unsigned char fail[NUNITS], seen[NUNITS], v;
	enum busrule_ev ev;
	size_t i;
	int u;

	memset(fail, 0, sizeof(fail));
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < nreq; i++) {
		u = bus->reqs[i].unit;
		seen[u] = 1;
		if (busrule_unit_failed(bus->req_err[i]))
			fail[u] = 1;
	}
	for (u = 0; u < NUNITS; u++) {
		if (!seen[u] || !bus->connected)
			continue;
		v = busrule_unit(bus->unit_fails != NULL ?
		    bus->unit_fails[u] : 0, fail[u], &ev);
		if (v != 0 || bus->unit_fails != NULL)
			bus_units(&bus->unit_fails)[u] = v;
		if (ev == BUSRULE_BACK)
			log_info("bus '%s' unit %d: answering again",
			    bus->b->name, u);
		else if (ev == BUSRULE_OFF)
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
 * Mark sample S of sensor LOC as refused (a config error) if the device
 * refused its registers in this poll of NREQ requests, or if it is put
 * aside for that and was not asked. What was refused is remembered for
 * the polls that do not ask.
 */
static void
mark_refused(struct bus *bus, int loc, size_t nreq, struct sample *s)
{
	const struct conf_sensor *sc = &bus->c->sensors[bus->sensors[loc]];
	struct last *l = &bus->last[loc];
	int i, err;

	if (!busrule_skipped(&l->ref)) {
		if ((i = failed_read(bus, sc, nreq, &err)) == -1 ||
		    !busrule_refusal_err(err))
			return;
		l->ref_exc = (uint8_t)(err - MODBUS_ENOBASE);
		l->ref_addr = bus->reqs[i].addr;
		l->ref_count = bus->reqs[i].count;
	}
	s->refused = l->ref_exc;
	s->ref_addr = l->ref_addr;
	s->ref_count = l->ref_count;
}

/*
 * Sample S of sensor LOC at slot T to the core: decoded from the NREQ
 * requests of the poll, or (NREQ 0) a B row for a slot that passed
 * while the bus was still busy with an earlier poll, so that the audit
 * trail shows every slot.
 */
void
bus_push(struct bus *bus, int loc, time_t t, size_t nreq)
{
	int idx = bus->sensors[loc];
	const char *name = bus->c->sensors[idx].name;
	struct sample s;
	size_t len = strnlen(name, sizeof(s.sensor) - 1);

	memset(&s, 0, sizeof(s));
	memcpy(s.sensor, name, len);	/* cut as snprintf would; NUL: memset */
	s.idx = idx;
	s.t = t;
	s.value = s.raw = NAN;
	if (nreq == 0)
		s.flag = FLAG_COMM;
	else if (busrule_skipped(&bus->last[loc].ref))
		s.flag = FLAG_FAULT;	/* not asked this time */
	else
		decode_one(bus, &bus->c->sensors[idx], nreq, &s);
	if (nreq > 0 && s.flag == FLAG_FAULT)
		mark_refused(bus, loc, nreq, &s);
	freshness(bus, loc, &s);
	if (queue_push(bus->q, &s, 1000) == -1)
		log_warnx("sensor '%s': sample dropped, core queue full",
		    s.sensor);
}

/* The plan for the NDUE due sensors the bus still asks. */
size_t
bus_plan_due(struct bus *bus, size_t ndue)
{
	int *ask = bus->due + bus->ns;
	size_t i, nask, nreq;
	void *r;

	for (i = nask = 0; i < ndue; i++)
		if (!busrule_skipped(&bus->last[bus->due[i]].ref))
			ask[nask++] = bus->sensors[bus->due[i]];
	nreq = plan_build(bus->c, ask, nask, bus->b->merge_hole,
	    bus->nomerge, bus->reqs);
	/* before any request of this plan: no row is in use */
	if (nreq > bus->nregs) {
		if ((r = realloc(bus->regs, nreq * sizeof(*bus->regs))) ==
		    NULL)
			fatal("bus");
		bus->regs = r;
		bus->nregs = nreq;
	}
	return nreq;
}

/*
 * Requests FROM.. of the NREQ planned for the NDUE due sensors (FIRST:
 * see request()); once more, split, if the device refused a merged
 * read; then the samples of slot T.
 */
void
bus_poll_due(struct bus *bus, size_t ndue, time_t t, size_t nreq, size_t from,
    int first)
{
	size_t i;

	bus_run_requests(bus, from, nreq, first);
	if (split_refused(bus, nreq, ndue)) {
		nreq = bus_plan_due(bus, ndue);
		bus_run_requests(bus, 0, nreq, -1);
	}
	refusals(bus, nreq, ndue);
	unit_health(bus, nreq);
	for (i = 0; i < ndue; i++)
		bus_push(bus, bus->due[i], t, nreq);
}
