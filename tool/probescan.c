/*
 * probescan.c: `lakewatch probe --loop` (poll until Ctrl-C), the scans
 * of unit ids and of baud rates and parities, and --print-config
 */
#include <sys/param.h>

#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/check.h"
#include "../lib/modbusctx.h"
#include "../drivers/driver.h"
#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/util.h"
#include "probe.h"

#define UNIT_MAX	256		/* ids 0-255 (tcp) */

/* A unit that answered a scan (an exception is an answer too). */
struct found {
	int		 unit;
	int		 baud;
	char		 parity;
	int		 exc;		/* the exception code, or 0 */
	int		 nregs;		/* registers read */
	uint16_t	 regs[2];
};

/* ---- --loop: poll every INTERVAL until Ctrl-C, like mbpoll ---- */

static volatile sig_atomic_t probe_stop;

static void
on_stop(int sig)
{
	(void)sig;
	probe_stop = 1;
}

/* What a loop saw, for the summary at the end (as ping's). */
struct loop_stats {
	long		 polls, ok, timeouts, exceptions, other;
	double		 rmin, rmax, rsum;	/* s, of the good polls */
};

/* SIGINT and SIGTERM end the loop at the next poll (no SA_RESTART). */
static void
catch_stop(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* "12:30:05.123", the local time now */
static void
stamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(buf, len, "%H:%M:%S", &tm);
	snprintf(buf + strlen(buf), len - strlen(buf), ".%03ld",
	    ts.tv_nsec / 1000000);
}

static void
nap(double s)
{
	struct timespec ts;

	if (s <= 0 || probe_stop)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);	/* EINTR: Ctrl-C, seen by the caller */
}

/* The registers of a good poll, and the sensor's value with --sensor. */
static void
print_poll(const struct probe *p)
{
	const struct conf_sensor *sc = p->sensor;
	struct regblock blk[2];
	struct reading rd;
	double rtt = 0;
	int i, j;

	for (i = 0; i < p->nrd; i++) {
		printf(" %d-%d:", p->rd[i].addr, p->rd[i].addr +
		    p->rd[i].count - 1);
		for (j = 0; j < p->rd[i].count; j++)
			printf(" 0x%04X", p->rd[i].regs[j]);
		rtt += p->rd[i].rtt;
	}
	printf(" (%.2f ms)", rtt * 1e3);
	chain(p, blk);
	if (sc != NULL && sc->driver->decode(sc, &blk[0], &rd) == 0)
		printf(" -> %.*f%s%s flag %c", sc->decimals,
		    gb3838_round(rd.value, sc->decimals),
		    *sc->unit_label ? " " : "", sc->unit_label, rd.flag);
	putchar('\n');
}

/* One poll on *CTX (connected first if NULL), its line printed. */
static void
loop_once(struct probe *p, modbus_t **ctx, struct loop_stats *st)
{
	char ts[32], why[256];
	double rtt = 0;
	int i, err = 0;

	stamp(ts, sizeof(ts));
	printf("%5ld  %s ", ++st->polls, ts);
	if (*ctx == NULL && (*ctx = bus_modbus_new(&p->bus)) != NULL &&
	    modbus_connect(*ctx) == -1) {
		err = errno;
		modbus_free(*ctx);
		*ctx = NULL;
	} else if (*ctx == NULL)
		err = errno;
	if (*ctx != NULL)
		modbus_set_slave(*ctx, p->unit);
	for (i = 0; i < p->nrd && err == 0 && *ctx != NULL; i++)
		if (read_one(*ctx, p->function, &p->rd[i]) == -1)
			err = errno;
		else
			rtt += p->rd[i].rtt;
	if (err == 0) {
		st->ok++;
		st->rsum += rtt;
		st->rmin = st->ok == 1 || rtt < st->rmin ? rtt : st->rmin;
		st->rmax = rtt > st->rmax ? rtt : st->rmax;
		print_poll(p);
		return;
	}
	err_text(p, err, why, sizeof(why));
	printf(" %s\n", why);
	if (err == ETIMEDOUT)
		st->timeouts++;
	else if (err > MODBUS_ENOBASE && err < MODBUS_ENOBASE + 12)
		st->exceptions++;
	else
		st->other++;
	if (*ctx != NULL && err == ETIMEDOUT)
		modbus_flush(*ctx);	/* a late reply is not the next one's */
	else if (*ctx != NULL && err < MODBUS_ENOBASE) {
		modbus_close(*ctx);	/* the link: open it again next time */
		modbus_free(*ctx);
		*ctx = NULL;
	}
}

/* Poll every EVERY s until SIGINT; 0 if a poll succeeded, else 1. */
int
probe_loop(struct probe *p, double every)
{
	struct loop_stats st;
	struct timespec t0;
	char link[PATH_MAX + 64];
	modbus_t *ctx = NULL;

	memset(&st, 0, sizeof(st));
	catch_stop();
	link_name(&p->bus, link, sizeof(link));
	printf("polling %s unit %d fc 0x%02x every %g s (Ctrl-C stops)\n",
	    link, p->unit, p->function ? 4 : 3, every);
	fflush(stdout);
	while (!probe_stop) {
		t0 = mono_now();
		loop_once(p, &ctx, &st);
		fflush(stdout);
		nap(every - ts_diff(mono_now(), t0));
	}
	if (ctx != NULL) {
		modbus_close(ctx);
		modbus_free(ctx);
	}
	printf("--- %ld polls: %ld ok, %ld timeouts, %ld exceptions, %ld "
	    "other errors", st.polls, st.ok, st.timeouts, st.exceptions,
	    st.other);
	if (st.ok > 0)
		printf("; rtt min/avg/max %.2f/%.2f/%.2f ms", st.rmin * 1e3,
		    st.rsum / st.ok * 1e3, st.rmax * 1e3);
	putchar('\n');
	return st.ok > 0 ? 0 : EXIT_MODBUS;
}

/* ---- --scan-units, --scan-serial ---- */

static const int scan_bauds[] = { 9600, 19200, 4800, 2400, 38400, 115200 };
static const char scan_parities[] = "NEO";

/*
 * A scan's short timeout: 100 ms plus 40 characters' time on RTU (a
 * request, the reply and some turnaround), 300 ms on TCP.
 */
static double
scan_timeout(const struct conf_bus *b)
{
	int bits = 1 + b->data_bits + (b->parity != 'N') + b->stop_bits;

	return b->type == BUS_RTU ? 0.1 + 40.0 * bits / b->baud : 0.3;
}

/*
 * Whether unit U answers on CTX: a reply or an exception, but not a
 * gateway's "no such device" (0A, 0B) that a TCP server sends for a unit
 * it does not have. F filled if so; 1 or 0.
 */
static int
scan_try(modbus_t *ctx, struct probe *p, int u, struct found *f)
{
	struct probe_read *r = &p->rd[0];
	int x;

	memset(f, 0, sizeof(*f));
	modbus_set_slave(ctx, u);
	if (read_one(ctx, p->function, r) == 0) {
		f->nregs = MIN(r->count, 2);
		memcpy(f->regs, r->regs, f->nregs * sizeof(*r->regs));
	} else {
		x = errno - MODBUS_ENOBASE;
		if (errno == ETIMEDOUT || errno == EMBBADCRC)
			modbus_flush(ctx);
		if (x < 1 || x >= (int)nitems(exc_names) || x == 0x0A ||
		    x == 0x0B)
			return 0;
		f->exc = x;
	}
	f->unit = u;
	f->baud = p->bus.baud;
	f->parity = p->bus.parity;
	return 1;
}

static void
print_found(const struct probe *p, const struct found *f)
{
	int i;

	printf("unit %d:", f->unit);
	if (f->exc)
		printf(" exception %02X %s", f->exc, exc_names[f->exc]);
	for (i = 0; i < f->nregs; i++)
		printf(" 0x%04X", f->regs[i]);
	printf(" (fc 0x%02x register %d)\n", p->function ? 4 : 3,
	    p->rd[0].addr);
}

/*
 * Units LO-HI at the link's current setting, those that answer into
 * F[*N...]. 0, or -1 if the link cannot be opened (said on stderr).
 */
static int
scan_units(struct probe *p, int lo, int hi, struct found *f, int *n)
{
	char link[PATH_MAX + 64];
	modbus_t *ctx;
	int u;

	link_name(&p->bus, link, sizeof(link));
	if ((ctx = bus_modbus_new(&p->bus)) == NULL ||
	    modbus_connect(ctx) == -1) {
		fprintf(stderr, "lakewatch probe: cannot connect to %s: %s\n",
		    link, modbus_strerror(errno));
		if (ctx != NULL)
			modbus_free(ctx);
		return -1;
	}
	modbus_flush(ctx);
	for (u = lo; u <= hi && !probe_stop; u++)
		if (scan_try(ctx, p, u, &f[*n])) {
			if (p->bus.type == BUS_RTU)
				printf("%6d %d%c%d: ", p->bus.baud,
				    p->bus.data_bits, p->bus.parity,
				    p->bus.stop_bits);
			print_found(p, &f[(*n)++]);
			fflush(stdout);
		}
	modbus_close(ctx);
	modbus_free(ctx);
	return 0;
}

/*
 * Each baud rate and parity in turn (8 data bits, 1 stop bit) until a
 * unit answers: the devices of one bus share one setting. TIMEOUT 0:
 * scan_timeout's for each.
 */
static int
scan_serial(struct probe *p, struct found *f, int *n, int lo, int hi,
    double timeout)
{
	size_t i, j;

	for (i = 0; i < nitems(scan_bauds) && *n == 0; i++)
		for (j = 0; j < 3 && *n == 0 && !probe_stop; j++) {
			p->bus.baud = scan_bauds[i];
			p->bus.parity = scan_parities[j];
			p->bus.data_bits = 8;
			p->bus.stop_bits = 1;
			p->bus.timeout = timeout > 0 ? timeout :
			    scan_timeout(&p->bus);
			if (scan_units(p, lo, hi, f, n) == -1)
				return -1;
			if (*n == 0)
				printf("%6d 8%c1: no answer\n", p->bus.baud,
				    p->bus.parity);
			fflush(stdout);
		}
	return 0;
}

/* ---- --print-config ---- */

/* The one float32 word order that reads R0 R1 as plausible, or -1. */
static int
guess_order(uint16_t r0, uint16_t r1)
{
	size_t i;
	int hit = -1, k = 0;

	for (i = 0; i < nitems(orders); i++)
		if (plausible(decode_float32(r0, r1, orders[i])) &&
		    decode_float32(r0, r1, orders[i]) != 0) {
			hit = (int)orders[i];
			k++;
		}
	return k == 1 ? hit : -1;
}

static void
print_bus_block(const struct conf_bus *b, double timeout)
{
	char id[PATH_MAX], secs[32];

	printf("[bus probe]\ntype = %s\n", b->type == BUS_RTU ? "rtu" :
	    "tcp");
	if (b->type == BUS_TCP)
		printf("host = %s\nport = %d\n", b->host, b->port);
	else if (check_by_id(b->device, id, sizeof(id)) &&
	    strcmp(id, b->device) != 0)
		printf("# %s: its name stays the same across boots\n"
		    "device = %s\n", b->device, id);
	else
		printf("device = %s\n", b->device);
	if (b->type == BUS_RTU)
		printf("baud = %d\nparity = %c\ndata_bits = %d\n"
		    "stop_bits = %d\n", b->baud, b->parity, b->data_bits,
		    b->stop_bits);
	fmt_secs(timeout, "", secs, sizeof(secs));
	printf("timeout = %s\n", secs);
}

/* The float32 readings of F's pair that look plausible, as a hint. */
static void
print_orders(const struct found *f)
{
	char buf[32];
	size_t i;
	float v;

	printf("# set type and word_order: float32 reads it as");
	for (i = 0; i < nitems(orders) && f->nregs == 2; i++) {
		v = decode_float32(f->regs[0], f->regs[1], orders[i]);
		fmt_float(v, buf, sizeof(buf));
		if (plausible(v))
			printf(" %s (%s)", buf, conf_order_name(orders[i]));
	}
	printf("%s\n", f->nregs == 2 ? "" : " nothing (1 register)");
}

static void
print_sensor_block(const struct probe *p, const struct found *f)
{
	int o = f->nregs == 2 ? guess_order(f->regs[0], f->regs[1]) : -1;

	printf("\n[sensor unit-%d]\nbus = probe\nunit = %d\n", f->unit,
	    f->unit);
	printf("function = %s\nregister = %d\n", p->function ? "input" :
	    "holding", p->rd[0].addr);
	if (o >= 0)
		printf("word_order = %s\n", conf_order_name(o));
	else if (f->exc)
		printf("# it answered exception %02X at this register: set "
		    "register from its manual\n", f->exc);
	else
		print_orders(f);
}

/*
 * A config block for the link and the units in F: the scan's timeout
 * is short, so the block keeps TIMEOUT (the link's own, at least 3 x
 * the reply time seen).
 */
static void
print_config(const struct probe *p, const struct found *f, int n,
    double timeout)
{
	int i;

	printf("\n# lakewatch probe found this; check parameter, register, "
	    "type and word_order\n# against the manual, then add it to "
	    "lakewatch.conf (lakewatch check -c FILE)\n");
	print_bus_block(&p->bus, timeout);
	for (i = 0; i < n; i++)
		print_sensor_block(p, &f[i]);
}

static void
print_summary(const struct probe *p, const struct found *f, int n)
{
	int i;

	printf("found");
	if (p->bus.type == BUS_RTU)
		printf(" %d %d%c%d,", p->bus.baud, p->bus.data_bits,
		    p->bus.parity, p->bus.stop_bits);
	printf(" unit%s", n == 1 ? "" : "s");
	for (i = 0; i < n; i++)
		printf(" %d", f[i].unit);
	putchar('\n');
}

/* --print-config after a single read: the unit and what it returned. */
void
print_read_config(const struct probe *p)
{
	struct found f;

	memset(&f, 0, sizeof(f));
	f.unit = p->unit;
	f.nregs = MIN(p->rd[0].count, 2);
	memcpy(f.regs, p->rd[0].regs, f.nregs * sizeof(*f.regs));
	print_config(p, &f, 1, p->bus.timeout);
}

/* --scan-units and/or --scan-serial: 0 if a unit answered, else 1. */
int
probe_scan(struct probe *p, const struct args *a)
{
	static struct found f[UNIT_MAX];
	char secs[32];
	double keep = p->bus.timeout;
	int lo = a->scan_hi > 0 ? a->scan_lo : p->unit;
	int hi = a->scan_hi > 0 ? a->scan_hi : p->unit, n = 0, rc;

	if (a->scan_serial && p->bus.type != BUS_RTU) {
		fprintf(stderr, "lakewatch probe: --scan-serial needs an rtu "
		    "link\n");
		return EXIT_USAGE;
	}
	if (p->bus.type == BUS_RTU && (lo < 1 || hi > 247)) {
		fprintf(stderr, "lakewatch probe: rtu units are 1-247\n");
		return EXIT_USAGE;
	}
	catch_stop();
	if (a->count == 0)
		p->rd[0].count = 2;	/* short; a float's pair for the block */
	p->bus.timeout = a->timeout > 0 ? a->timeout : scan_timeout(&p->bus);
	fmt_secs(p->bus.timeout, " ", secs, sizeof(secs));
	printf("scan units %d-%d, fc 0x%02x registers %d-%d, timeout %s\n",
	    lo, hi, p->function ? 4 : 3, p->rd[0].addr, p->rd[0].addr +
	    p->rd[0].count - 1, a->timeout > 0 ? secs : "short");
	fflush(stdout);
	if (a->scan_serial)
		rc = scan_serial(p, f, &n, lo, hi, a->timeout);
	else
		rc = scan_units(p, lo, hi, f, &n);
	if (rc == -1)
		return EXIT_MODBUS;
	if (n == 0) {
		printf("nothing answered%s\n", probe_stop ? " (stopped)" : "");
		return EXIT_MODBUS;
	}
	print_summary(p, f, n);
	if (a->print_config)
		print_config(p, f, n, MAX(keep, 0.5));
	return 0;
}
