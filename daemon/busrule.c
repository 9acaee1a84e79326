/*
 * busrule.c: the decisions of a bus (busrule.h), out of the I/O that
 * buslink.c and buspoll.c do, so that a test can check each with its
 * own clock and device.
 */
#include <errno.h>
#include <modbus.h>

#include "busrule.h"

int
busrule_tries(int unit_fails, int retries)
{
	return unit_fails >= UNIT_DOWN ? 1 : 1 + retries;
}

double
busrule_retry_pause(int err, double jitter)
{
	if (err != ETIMEDOUT && err != EMBBADCRC && err != EMBBADDATA &&
	    err != EMBBADSLAVE && err != EMBXSBUSY)
		return -1;
	return (err == EMBXSBUSY ? 0.1 : 0.01) * (1 + jitter);
}

double
busrule_backoff(double backoff, double max)
{
	backoff = backoff == 0 ? 1 : backoff * 2;
	return backoff > max ? max : backoff;
}

double
busrule_retry_at(double now, double backoff, double jitter)
{
	return now + backoff * (0.75 + jitter / 2);
}

int
busrule_refusal_err(int err)
{
	return err == EMBXILFUN || err == EMBXILADD || err == EMBXILVAL;
}

int
busrule_split(int err, int nomerge, int ncarried)
{
	return busrule_refusal_err(err) && !nomerge && ncarried > 1;
}

int
busrule_asked(struct busrule_refusal *r)
{
	if (r->disabled && r->wait > 0)
		r->wait--;	/* 0: asked this time */
	return !busrule_skipped(r);
}

int
busrule_skipped(const struct busrule_refusal *r)
{
	return r->disabled && r->wait > 0;
}

enum busrule_ev
busrule_refused(struct busrule_refusal *r, int others)
{
	if (r->disabled) {		/* asked again, refused again */
		r->wait = REPROBE;
		return BUSRULE_NONE;
	}
	if (r->refusals < 255)
		r->refusals++;
	if (r->refusals < (others ? REFUSED_OFF : NOT_READY_OFF))
		return r->refusals == 1 ? BUSRULE_FIRST : BUSRULE_NONE;
	r->disabled = 1;
	r->wait = REPROBE;
	return BUSRULE_OFF;
}

enum busrule_ev
busrule_answered(struct busrule_refusal *r)
{
	enum busrule_ev ev = r->refusals > 0 ? BUSRULE_BACK : BUSRULE_NONE;

	r->refusals = 0;
	r->disabled = 0;
	return ev;
}

unsigned char
busrule_unit(unsigned char fails, int failed, enum busrule_ev *ev)
{
	*ev = BUSRULE_NONE;
	if (!failed) {
		if (fails >= UNIT_DOWN)
			*ev = BUSRULE_BACK;
		return 0;
	}
	if (fails < 255 && ++fails == UNIT_DOWN)
		*ev = BUSRULE_OFF;
	return fails;
}

int
busrule_unit_failed(int err)
{
	return err == ETIMEDOUT || err == EMBXGPATH || err == EMBXGTAR ||
	    err == EMBBADCRC || err == EMBBADDATA;
}
