/*
 * busrule.h: the decisions of a bus, as pure functions: how often a
 * request is tried and how long to pause between tries, how the
 * reconnect backoff grows, when a merged read is split, and when a
 * refused register is put aside, asked again and forgiven. No I/O, no
 * clock of their own: time and randomness are arguments, so unit tests
 * can drive them (test_bus.c).
 */
#ifndef LW_BUSRULE_H
#define LW_BUSRULE_H

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

/* What a bus knows of the refusals of one sensor's registers. */
struct busrule_refusal {
	unsigned char	disabled;	/* put aside: asked every REPROBE */
	unsigned char	refusals;	/* polls in a row they were refused */
	unsigned char	wait;		/* disabled: polls until asked again */
};

/* What busrule_refused and busrule_answered say to log. */
enum busrule_ev {
	BUSRULE_NONE,
	BUSRULE_FIRST,		/* the first refusal: asking again */
	BUSRULE_OFF,		/* put aside now */
	BUSRULE_BACK		/* answered after refusals */
};

/* Tries a request to a unit gets: one once it failed UNIT_DOWN polls. */
int	busrule_tries(int unit_fails, int retries);
/*
 * After a try that ended with ERR (0 or an errno), the pause before the
 * next try in s, or -1 if there is none to make (answered, refused, or a
 * broken link). "Busy" (06) waits ten times longer than a time-out or a
 * broken reply. JITTER is in [0, 1).
 */
double	busrule_retry_pause(int err, double jitter);
/* The reconnect backoff after one more failure: 1 s, doubled, to MAX. */
double	busrule_backoff(double backoff, double max);
/* When to try to connect again, at NOW, after BACKOFF; JITTER [0, 1). */
double	busrule_retry_at(double now, double backoff, double jitter);
/* 1 if ERR is an exception that says the registers are not there. */
int	busrule_refusal_err(int err);
/*
 * 1 if a read refused with ERR, which carried NCARRIED due sensors of a
 * unit still read merged (NOMERGE 0), is to be split sensor by sensor.
 */
int	busrule_split(int err, int nomerge, int ncarried);
/*
 * A poll begins: 1 if a sensor in state R is asked this time (one that
 * is put aside is asked every REPROBE polls).
 */
int	busrule_asked(struct busrule_refusal *r);
/* 1 if R is put aside and not asked this poll (after busrule_asked). */
int	busrule_skipped(const struct busrule_refusal *r);
/*
 * The sensor's read was refused again; OTHERS: its unit answered other
 * reads in the same poll. BUSRULE_FIRST, BUSRULE_OFF or BUSRULE_NONE.
 */
enum busrule_ev busrule_refused(struct busrule_refusal *r, int others);
/* The sensor's reads were answered: BUSRULE_BACK after refusals. */
enum busrule_ev busrule_answered(struct busrule_refusal *r);
/*
 * A poll of a unit that has FAILS failed polls behind it ended; FAILED:
 * it gave no (usable) answer. The new count; *EV: BUSRULE_OFF when it
 * reaches UNIT_DOWN, BUSRULE_BACK when a unit that had answers again.
 */
unsigned char busrule_unit(unsigned char fails, int failed,
	    enum busrule_ev *ev);
/* 1 if ERR is a poll failure of the unit (no answer or a broken one). */
int	busrule_unit_failed(int err);

#endif
