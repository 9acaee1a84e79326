/*
 * probe.c: `lakewatch probe`, one read shown in every decoding; or a
 * poll in a loop (mbpoll's default), a scan of unit ids and of baud
 * rates and parities, and what was found as a config block
 */
#include <sys/param.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <modbus.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "../lib/check.h"
#include "../lib/modbusctx.h"
#include "../drivers/driver.h"
#include "../lib/conf.h"
#include "../lib/gb3838.h"
#include "../lib/log.h"
#include "../lib/util.h"
#include "probe.h"
#include "tool.h"

#define PROBE_COUNT	10
#define OPT_SENSOR	256
#define OPT_BUS		257
#define OPT_LOOP	258
#define OPT_SCAN_UNITS	259
#define OPT_SCAN_SERIAL	260
#define OPT_PRINT_CONF	261

const enum word_order orders[] = {
	ORDER_ABCD, ORDER_CDAB, ORDER_BADC, ORDER_DCBA
};

const char *const exc_names[] = {
	NULL, "illegal function", "illegal data address",
	"illegal data value", "server device failure", "acknowledge",
	"server device busy", "negative acknowledge", "memory parity error",
	"not defined", "gateway path unavailable",
	"gateway target device failed to respond"
};

void
tool_probe_usage(FILE *fp)
{
	fprintf(fp,
	    "usage: lakewatch probe [-1j] [-t tcp|rtu] [-h host] [-p port] "
	    "[-d device] [-b baud]\n"
	    "\t[-P N|E|O] [-D bits] [-S bits] [-u unit] [-f holding|input] "
	    "[-a addr]\n"
	    "\t[-n count] [-T timeout]\n"
	    "       lakewatch probe [-j] -c file --sensor name [-n count] "
	    "[-T timeout]\n"
	    "       lakewatch probe [-1j] -c file --bus name [-u unit] "
	    "[-f holding|input]\n"
	    "\t[-a addr] [-n count] [-T timeout]\n"
	    "  poll in a loop (Ctrl-C stops): -l | --loop[=SECONDS] "
	    "(default 1 s)\n"
	    "  scan: --scan-units[=FROM-TO] (1-247) and, on rtu, "
	    "--scan-serial (baud x parity)\n"
	    "  --print-config: what was read or found as a [bus]/[sensor] "
	    "block\n");
}

static int
probe_usage(void)
{
	tool_probe_usage(stderr);
	return EXIT_USAGE;
}

static int
bad(const char *opt, const char *arg, const char *want)
{
	fprintf(stderr, "lakewatch probe: bad %s '%s' (%s)\n", opt, arg, want);
	return -1;
}

/* A decimal (or 0x hex) integer in [LO, HI]; 0, or -1 if not. */
static int
num(const char *s, long lo, long hi, long *out)
{
	char *end;
	int base;

	base = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
	errno = 0;
	*out = strtol(s, &end, base);
	if (errno != 0 || end == s || *end != '\0' || *out < lo || *out > hi)
		return -1;
	return 0;
}

static int
set_link(struct args *a, int ch, char *arg)
{
	long v;

	a->link_set = 1;
	if (ch == 't') {
		a->type_set = 1;
		if (strcmp(arg, "tcp") == 0)
			a->link.type = BUS_TCP;
		else if (strcmp(arg, "rtu") == 0)
			a->link.type = BUS_RTU;
		else
			return bad("-t", arg, "tcp or rtu");
	} else if (ch == 'h')
		a->link.host = arg;
	else if (ch == 'd')
		a->link.device = arg;
	else if (ch == 'P') {
		if (strlen(arg) != 1 || strchr("NEO", arg[0]) == NULL)
			return bad("-P", arg, "N, E or O");
		a->link.parity = arg[0];
	} else if (ch == 'p') {
		if (num(arg, 1, 65535, &v) == -1)
			return bad("-p", arg, "1-65535");
		a->link.port = (int)v;
	} else if (ch == 'b') {
		if (num(arg, 300, 4000000, &v) == -1)
			return bad("-b", arg, "300-4000000");
		a->link.baud = (int)v;
	} else if (ch == 'D') {
		if (num(arg, 5, 8, &v) == -1)
			return bad("-D", arg, "5-8");
		a->link.data_bits = (int)v;
	} else if (ch == 'S') {
		if (num(arg, 1, 2, &v) == -1)
			return bad("-S", arg, "1 or 2");
		a->link.stop_bits = (int)v;
	} else
		return -1;
	return 0;
}

/* --scan-units[=FROM-TO]: 1-247 unless given (0-255 on tcp). */
static int
set_scan_units(struct args *a, const char *arg)
{
	char lo[16], *dash;
	long from, to;

	a->scan_lo = 1;
	a->scan_hi = 247;
	if (arg == NULL)
		return 0;
	snprintf(lo, sizeof(lo), "%s", arg);
	if ((dash = strchr(lo, '-')) != NULL)
		*dash = '\0';
	if (num(lo, 0, 255, &from) == -1 || (dash != NULL &&
	    num(dash + 1, 0, 255, &to) == -1))
		return bad("--scan-units", arg, "FROM-TO within 0-255");
	if (dash == NULL)
		to = from;
	if (to < from)
		return bad("--scan-units", arg, "FROM-TO within 0-255");
	a->scan_lo = (int)from;
	a->scan_hi = (int)to;
	a->scan_lo += a->scan_lo == 0 && a->scan_hi == 0;	/* 0 0: none */
	return 0;
}

static int
set_opt(struct args *a, int ch, char *arg)
{
	long v;

	switch (ch) {
	case 'c':
		a->file = arg;
		return 0;
	case OPT_SENSOR:
		a->sensor = arg;
		return 0;
	case OPT_BUS:
		a->bus = arg;
		return 0;
	case '1':
		a->one_based = 1;
		return 0;
	case 'j':
		a->json = 1;
		return 0;
	case 'l':
	case OPT_LOOP:
		if (arg == NULL)
			a->loop = 1;
		else if (conf_duration(arg, &a->loop) == -1 ||
		    a->loop < 0.01 || a->loop > 3600)
			return bad("--loop", arg, "10ms to 1h");
		return 0;
	case OPT_SCAN_UNITS:
		return set_scan_units(a, arg);
	case OPT_SCAN_SERIAL:
		a->scan_serial = 1;
		return 0;
	case OPT_PRINT_CONF:
		a->print_config = 1;
		return 0;
	case 'f':
		if (strcmp(arg, "holding") != 0 && strcmp(arg, "input") != 0)
			return bad("-f", arg, "holding or input");
		a->function = strcmp(arg, "input") == 0;
		return 0;
	case 'T':
		if (conf_duration(arg, &a->timeout) == -1 ||
		    a->timeout < 0.01 || a->timeout > 60)
			return bad("-T", arg, "10ms to 60s");
		return 0;
	case 'u':
		if (num(arg, 0, 255, &v) == -1)
			return bad("-u", arg, "0-255");
		a->unit = (int)v;
		return 0;
	case 'a':
		if (num(arg, 0, 465536, &a->addr) == -1)
			return bad("-a", arg, "0-65535, or 1-based with -1");
		return 0;
	case 'n':
		if (num(arg, 1, PROBE_MAX, &v) == -1)
			return bad("-n", arg, "1-125");
		a->count = (int)v;
		return 0;
	default:
		return set_link(a, ch, arg);
	}
}

static void
args_init(struct args *a)
{
	memset(a, 0, sizeof(*a));
	a->link.type = BUS_TCP;
	a->link.port = 502;
	a->link.baud = 9600;
	a->link.parity = 'N';
	a->link.data_bits = 8;
	a->link.stop_bits = 1;
	a->link.timeout = 1;
	a->link.retries = 0;
	a->unit = a->function = -1;
	a->addr = -1;
	a->timeout = -1;
}

/* Options that do not go together; 0, or -1 with a message. */
static int
check_args(const struct args *a)
{
	const char *e = NULL;

	if (a->file == NULL && (a->sensor != NULL || a->bus != NULL))
		e = "--sensor and --bus need -c file";
	else if (a->file != NULL && a->sensor == NULL && a->bus == NULL)
		e = "-c needs --sensor or --bus";
	else if (a->sensor != NULL && a->bus != NULL)
		e = "--sensor or --bus, not both";
	else if (a->file != NULL && a->link_set)
		e = "with -c the link comes from the config "
		    "(no -t -h -p -d -b -P -D -S)";
	else if (a->sensor != NULL && (a->unit >= 0 || a->function >= 0 ||
	    a->addr >= 0 || a->one_based))
		e = "--sensor takes unit, function and register from the "
		    "config (no -u -f -a -1)";
	else if ((a->scan_hi > 0 || a->scan_serial) && (a->sensor != NULL ||
	    a->loop > 0 || a->json))
		e = "a scan goes with neither --sensor, --loop nor -j";
	else if (a->loop > 0 && (a->json || a->print_config))
		e = "--loop goes with neither -j nor --print-config";
	else if (a->json && a->print_config)
		e = "-j or --print-config, not both";
	else if (a->scan_hi > 0 && a->unit >= 0)
		e = "--scan-units or -u, not both";
	if (e != NULL)
		fprintf(stderr, "lakewatch probe: %s\n", e);
	return e != NULL ? -1 : 0;
}

/* getopt's complaint, in our words. */
static int
opt_error(int ch, const char *arg)
{
	const char *what = ch == ':' ? "missing value for" : "unknown option";

	if (optopt > 0 && optopt < OPT_SENSOR)
		fprintf(stderr, "lakewatch probe: %s -%c\n", what, optopt);
	else
		fprintf(stderr, "lakewatch probe: %s %s\n", what, arg);
	return -1;
}

static int
parse_args(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "sensor", required_argument, NULL, OPT_SENSOR },
		{ "bus", required_argument, NULL, OPT_BUS },
		{ "loop", optional_argument, NULL, OPT_LOOP },
		{ "scan-units", optional_argument, NULL, OPT_SCAN_UNITS },
		{ "scan-serial", no_argument, NULL, OPT_SCAN_SERIAL },
		{ "print-config", no_argument, NULL, OPT_PRINT_CONF },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	args_init(a);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":1a:b:c:d:D:f:h:jln:p:P:S:t:T:u:",
	    longopts, NULL)) != -1) {
		if (ch == '?' || ch == ':')
			return opt_error(ch, argv[optind - 1]);
		if (set_opt(a, ch, optarg) == -1)
			return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "lakewatch probe: unexpected '%s'\n",
		    argv[optind]);
		return -1;
	}
	return check_args(a);
}

/*
 * A 1-based register number: 4xxxx/4xxxxx are holding and 3xxxx/3xxxxx
 * input references (Modicon style); any other number is one more than
 * the PDU address. FN is the function implied, or -1. 0, or -1 for 0.
 */
static int
addr_ref(long ref, int *fn, long *addr)
{
	static const struct { long lo, hi; int fn; } refs[] = {
		{ 400001, 465536, 0 }, { 300001, 365536, 1 },
		{ 40001, 49999, 0 }, { 30001, 39999, 1 }
	};
	size_t i;

	*fn = -1;
	if (ref < 1)
		return -1;
	for (i = 0; i < nitems(refs); i++)
		if (ref >= refs[i].lo && ref <= refs[i].hi) {
			*fn = refs[i].fn;
			*addr = ref - refs[i].lo;
			return 0;
		}
	*addr = ref - 1;
	return 0;
}

/* Unit, function and registers from -u -f -a -n -1. */
static int
set_target(struct probe *p, const struct args *a)
{
	long addr = a->addr < 0 ? 0 : a->addr;
	int fn = -1, count = a->count > 0 ? a->count : PROBE_COUNT;

	if (a->one_based && a->addr >= 0 && addr_ref(a->addr, &fn, &addr)) {
		fprintf(stderr, "lakewatch probe: -1: 1-based addresses "
		    "start at 1\n");
		return EXIT_USAGE;
	}
	if (fn >= 0 && a->function >= 0 && fn != a->function) {
		fprintf(stderr, "lakewatch probe: %ld is %s register, not "
		    "-f %s\n", a->addr, fn ? "an input" : "a holding",
		    a->function ? "input" : "holding");
		return EXIT_USAGE;
	}
	if (addr + count > 65536) {
		fprintf(stderr, "lakewatch probe: registers %ld-%ld: past "
		    "65535\n", addr, addr + count - 1);
		return EXIT_USAGE;
	}
	p->unit = a->unit >= 0 ? a->unit : 1;
	p->function = fn >= 0 ? fn : a->function >= 0 ? a->function : 0;
	p->rd[0].addr = (int)addr;
	p->rd[0].count = count;
	p->nrd = 1;
	return 0;
}

/* The link from the options, with the defaults for what is missing. */
static int
from_args(struct probe *p, const struct args *a)
{
	p->bus = a->link;
	if (!a->type_set && a->link.device != NULL && a->link.host == NULL)
		p->bus.type = BUS_RTU;
	if (p->bus.type == BUS_TCP && p->bus.host == NULL) {
		fprintf(stderr, "lakewatch probe: tcp needs -h host\n");
		return EXIT_USAGE;
	}
	if (p->bus.type == BUS_RTU && p->bus.device == NULL) {
		fprintf(stderr, "lakewatch probe: rtu needs -d device\n");
		return EXIT_USAGE;
	}
	return set_target(p, a);
}

/*
 * The sensor's value and status word in one read if they are at most
 * 125 registers apart, else in two; -n N widens the (first) read.
 */
static void
plan_sensor(struct probe *p, int n)
{
	const struct conf_sensor *sc = p->sensor;
	int w = conf_type_width(sc->type), lo = sc->reg, hi = sc->reg + w - 1;

	p->unit = sc->unit;
	p->function = sc->function;
	if (sc->status_reg >= 0) {
		lo = MIN(lo, sc->status_reg);
		hi = MAX(hi, sc->status_reg);
	}
	if (n > hi - lo + 1)
		hi = MIN(lo + n - 1, 65535);
	if (hi - lo + 1 <= PROBE_MAX) {
		p->rd[0].addr = lo;
		p->rd[0].count = hi - lo + 1;
		p->nrd = 1;
		return;
	}
	p->nrd = 2;
	p->rd[sc->status_reg < sc->reg].addr = sc->reg;
	p->rd[sc->status_reg < sc->reg].count = MIN(MAX(n, w),
	    65536 - sc->reg);
	p->rd[sc->status_reg > sc->reg].addr = sc->status_reg;
	p->rd[sc->status_reg > sc->reg].count = 1;
}

static int
from_conf(struct probe *p, const struct args *a, struct conf **cp)
{
	char err[LW_ERRLEN];
	const struct conf *c;
	int i;

	if ((c = *cp = conf_load(a->file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(a->file);
	}
	if (a->sensor != NULL) {
		if ((i = conf_sensor_find(c, a->sensor)) == -1) {
			fprintf(stderr, "lakewatch probe: %s: no sensor '%s'\n",
			    a->file, a->sensor);
			return EXIT_USAGE;
		}
		p->sensor = &c->sensors[i];
		i = p->sensor->bus;
	} else if ((i = conf_bus_find(c, a->bus)) == -1) {
		fprintf(stderr, "lakewatch probe: %s: no bus '%s'\n", a->file,
		    a->bus);
		return EXIT_USAGE;
	}
	p->bus = c->buses[i];
	p->bus_name = p->bus.name;
	if (p->sensor == NULL)
		return set_target(p, a);
	plan_sensor(p, a->count);
	return 0;
}

void
link_name(const struct conf_bus *b, char *buf, size_t len)
{
	if (b->type == BUS_RTU)
		snprintf(buf, len, "rtu %s %d %d%c%d", b->device, b->baud,
		    b->data_bits, b->parity, b->stop_bits);
	else if (b->host != NULL && strchr(b->host, ':') != NULL)
		snprintf(buf, len, "tcp [%s]:%d", b->host, b->port);
	else
		snprintf(buf, len, "tcp %s:%d", b->host, b->port);
}

/*
 * S seconds as people read them, into BUF: "300 ms", "1 s", "1.5 s";
 * SEP between number and unit ("" for a config line, which takes none).
 */
void
fmt_secs(double s, const char *sep, char *buf, size_t len)
{
	double ms = round(s * 1e3);

	if (ms < 1000)
		snprintf(buf, len, "%g%sms", ms, sep);
	else
		snprintf(buf, len, "%g%ss", ms / 1e3, sep);
}

/* What error ERR of a read means, into BUF. */
void
err_text(const struct probe *p, int err, char *buf, size_t len)
{
	char secs[32];
	int x = err - MODBUS_ENOBASE;

	fmt_secs(p->bus.timeout, " ", secs, sizeof(secs));
	if (x >= 1 && x < (int)nitems(exc_names))
		snprintf(buf, len, "exception %02X %s", x, exc_names[x]);
	else if (err == ETIMEDOUT)
		snprintf(buf, len, "timeout: no reply within %s (check the "
		    "unit id%s)", secs, p->bus.type == BUS_RTU ?
		    ", baud rate, parity and A/B wiring" : "");
	else if (err == EMBBADCRC)
		snprintf(buf, len, "bad CRC in the reply (check baud rate, "
		    "parity and wiring)");
	else
		snprintf(buf, len, "%s", modbus_strerror(err));
}

static void
read_error(const struct probe *p, const struct probe_read *r, int err)
{
	char why[256];

	err_text(p, err, why, sizeof(why));
	fprintf(stderr, "lakewatch probe: unit %d fc 0x%02x registers %d-%d: "
	    "%s\n", p->unit, p->function ? 4 : 3, r->addr,
	    r->addr + r->count - 1, why);
}

int
read_one(modbus_t *ctx, int function, struct probe_read *r)
{
	struct timespec t0;
	int rc;

	t0 = mono_now();
	if (function == 1)
		rc = modbus_read_input_registers(ctx, r->addr, r->count,
		    r->regs);
	else
		rc = modbus_read_registers(ctx, r->addr, r->count, r->regs);
	r->rtt = ts_diff(mono_now(), t0);
	return rc == -1 ? -1 : 0;
}

/* Connect, send the reads, close. 0, or EXIT_MODBUS with a message. */
static int
probe_run(struct probe *p)
{
	char link[PATH_MAX + 64];
	modbus_t *ctx;
	int i, rc = 0;

	link_name(&p->bus, link, sizeof(link));
	if ((ctx = bus_modbus_new(&p->bus)) == NULL) {
		fprintf(stderr, "lakewatch probe: %s: %s\n", link,
		    strerror(errno));
		return EXIT_MODBUS;
	}
	if (modbus_connect(ctx) == -1) {
		fprintf(stderr, "lakewatch probe: cannot connect to %s: %s\n",
		    link, modbus_strerror(errno));
		rc = EXIT_MODBUS;
		goto out_free;
	}
	modbus_set_slave(ctx, p->unit);
	for (i = 0; i < p->nrd && rc == 0; i++)
		if (read_one(ctx, p->function, &p->rd[i]) == -1) {
			read_error(p, &p->rd[i], errno);
			rc = EXIT_MODBUS;
		}
	modbus_close(ctx);
out_free:
	modbus_free(ctx);
	return rc;
}

/* The Modicon reference of ADDR: 40001.., or 400001.. past 49999. */
static long
ref_num(int function, int addr)
{
	long base = function ? 30001 : 40001;

	return addr < 9999 ? base + addr : base * 10 - 9 + addr;
}

/* The two bytes of V, high first, '.' where not printable. */
static void
ascii2(uint16_t v, char out[3])
{
	int hi = v >> 8, lo = v & 0xff;

	out[0] = hi >= 0x20 && hi < 0x7f ? (char)hi : '.';
	out[1] = lo >= 0x20 && lo < 0x7f ? (char)lo : '.';
	out[2] = '\0';
}

/* The shortest text that reads back as F: "0.05408", not "0.0540800020". */
void
fmt_float(float f, char *buf, size_t len)
{
	int prec;

	for (prec = 6; prec < 9 && isfinite(f); prec++) {
		snprintf(buf, len, "%.*g", prec, (double)f);
		if (strtof(buf, NULL) == f)
			return;
	}
	snprintf(buf, len, "%.9g", (double)f);
}

/* Finite and 1e-4 <= |F| <= 1e5, or 0: worth a second look. */
int
plausible(float f)
{
	return isfinite(f) && (f == 0 || (fabsf(f) >= 1e-4f &&
	    fabsf(f) <= 1e5f));
}

/* The reads as the chain of blocks a driver decodes. */
void
chain(const struct probe *p, struct regblock blk[2])
{
	int i;

	for (i = 0; i < p->nrd; i++)
		blk[i] = (struct regblock){ p->rd[i].regs,
		    (uint16_t)p->rd[i].addr, (uint16_t)p->rd[i].count,
		    i + 1 < p->nrd ? &blk[i + 1] : NULL };
}

static void
print_header(const struct probe *p)
{
	const struct probe_read *r;
	char link[PATH_MAX + 64], secs[32];
	int i, last;

	link_name(&p->bus, link, sizeof(link));
	printf("link      %s", link);
	if (p->bus_name != NULL)
		printf(" (bus '%s')", p->bus_name);
	fmt_secs(p->bus.timeout, " ", secs, sizeof(secs));
	printf(", timeout %s\n", secs);
	if (p->sensor != NULL)
		printf("sensor    %s\n", p->sensor->name);
	printf("unit      %d\nfunction  0x%02x (read %s registers)\n",
	    p->unit, p->function ? 4 : 3, p->function ? "input" : "holding");
	for (i = 0; i < p->nrd; i++) {
		r = &p->rd[i];
		last = r->addr + r->count - 1;
		printf("read      %d-%d (0x%04X-0x%04X, %ld-%ld): "
		    "%d register%s in %.2f ms\n", r->addr, last, r->addr, last,
		    ref_num(p->function, r->addr), ref_num(p->function, last),
		    r->count, r->count == 1 ? "" : "s", r->rtt * 1e3);
	}
}

static void
print_rows(const struct probe *p)
{
	const struct probe_read *r;
	char asc[3];
	int i, j;
	uint16_t v;

	printf("\n addr     hex  1-based     ref     raw  uint16   int16  "
	    "ascii\n");
	for (i = 0; i < p->nrd; i++) {
		r = &p->rd[i];
		for (j = 0; j < r->count; j++) {
			v = r->regs[j];
			ascii2(v, asc);
			printf("%5d  0x%04X  %7d  %6ld  0x%04X  %6u  %6d  "
			    "\"%s\"\n", r->addr + j, r->addr + j,
			    r->addr + j + 1, ref_num(p->function, r->addr + j),
			    v, v, (int16_t)v, asc);
		}
	}
}

static void
print_pair(int addr, uint16_t r0, uint16_t r1)
{
	char label[16], buf[32];
	uint32_t abcd, cdab;
	size_t i;
	float f;

	snprintf(label, sizeof(label), "%d-%d", addr, addr + 1);
	printf("%-11s", label);
	for (i = 0; i < nitems(orders); i++) {
		f = decode_float32(r0, r1, orders[i]);
		fmt_float(f, buf, sizeof(buf));
		printf(" %14s%c", buf, plausible(f) ? '*' : ' ');
	}
	abcd = decode_u32(r0, r1, ORDER_ABCD);
	cdab = decode_u32(r0, r1, ORDER_CDAB);
	printf(" %11" PRId32 " %11" PRIu32 " %11" PRId32 " %11" PRIu32 "\n",
	    (int32_t)abcd, abcd, (int32_t)cdab, cdab);
}

static void
print_pairs(const struct probe *p)
{
	const struct probe_read *r;
	int i, j;

	printf("\npair          float32 ABCD    float32 CDAB    float32 BADC"
	    "    float32 DCBA   int32 ABCD uint32 ABCD  int32 CDAB uint32 CDAB"
	    "\n");
	for (i = 0; i < p->nrd; i++) {
		r = &p->rd[i];
		for (j = 0; j + 1 < r->count; j++)
			print_pair(r->addr + j, r->regs[j], r->regs[j + 1]);
	}
	printf("* plausible reading: finite, 1e-4 <= |x| <= 1e5, or 0\n");
}

/* The sensor's own decode over what was read. */
static void
print_configured(const struct probe *p)
{
	const struct conf_sensor *sc = p->sensor;
	struct regblock blk[2];
	struct reading rd;

	chain(p, blk);
	if (sc->driver->decode(sc, &blk[0], &rd) == -1) {
		printf("\nconfigured: registers not covered by the read\n");
		return;
	}
	printf("\nconfigured: %s", conf_type_name(sc->type));
	if (conf_type_width(sc->type) == 2)
		printf(" %s", conf_order_name(sc->order));
	printf(" at %d -> %.*f%s%s flag %c (", sc->reg, sc->decimals,
	    gb3838_round(rd.value, sc->decimals), *sc->unit_label ? " " : "",
	    sc->unit_label, rd.flag);
	if (sc->scale != 1 || sc->offset != 0)
		printf("raw %.7g x %g + %g, ", rd.raw, sc->scale, sc->offset);
	if (sc->status_reg >= 0)
		printf("status 0x%04X at %d, ", rd.status, sc->status_reg);
	printf("driver %s)\n", sc->driver->name);
}

static json_t *
json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *
json_float(float f)
{
	char buf[32];

	fmt_float(f, buf, sizeof(buf));
	return json_num(strtod(buf, NULL));
}

static json_t *
json_link(const struct probe *p)
{
	const struct conf_bus *b = &p->bus;
	json_t *o;

	if (b->type == BUS_RTU)
		o = json_pack("{s:s, s:s, s:i, s:s#, s:i, s:i}", "type", "rtu",
		    "device", b->device, "baud", b->baud, "parity", &b->parity,
		    1, "data_bits", b->data_bits, "stop_bits", b->stop_bits);
	else
		o = json_pack("{s:s, s:s, s:i}", "type", "tcp", "host",
		    b->host, "port", b->port);
	if (p->bus_name != NULL)
		json_object_set_new(o, "bus", json_string(p->bus_name));
	json_object_set_new(o, "timeout", json_real(b->timeout));
	return o;
}

static json_t *
json_reads(const struct probe *p)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < p->nrd; i++)
		json_array_append_new(a, json_pack("{s:i, s:i, s:f}",
		    "address", p->rd[i].addr, "count", p->rd[i].count,
		    "rtt_ms", round(p->rd[i].rtt * 1e6) / 1e3));
	return a;
}

static json_t *
json_regs(const struct probe *p)
{
	const struct probe_read *r;
	char hex[8], raw[8], asc[3];
	json_t *a = json_array();
	int i, j, addr;

	for (i = 0; i < p->nrd; i++) {
		r = &p->rd[i];
		for (j = 0; j < r->count; j++) {
			addr = r->addr + j;
			snprintf(hex, sizeof(hex), "0x%04X", addr);
			snprintf(raw, sizeof(raw), "0x%04X", r->regs[j]);
			ascii2(r->regs[j], asc);
			json_array_append_new(a, json_pack("{s:i, s:s, s:i, "
			    "s:I, s:s, s:i, s:i, s:s}", "address", addr, "hex",
			    hex, "one_based", addr + 1, "ref",
			    (json_int_t)ref_num(p->function, addr), "raw", raw,
			    "uint16", r->regs[j], "int16", (int16_t)r->regs[j],
			    "ascii", asc));
		}
	}
	return a;
}

static json_t *
json_pair(int addr, uint16_t r0, uint16_t r1)
{
	static const char *const names[] = { "abcd", "cdab", "badc", "dcba" };
	json_t *o, *fl, *pl;
	uint32_t abcd = decode_u32(r0, r1, ORDER_ABCD);
	uint32_t cdab = decode_u32(r0, r1, ORDER_CDAB);
	size_t i;
	float f;

	fl = json_object();
	pl = json_array();
	for (i = 0; i < nitems(orders); i++) {
		f = decode_float32(r0, r1, orders[i]);
		json_object_set_new(fl, names[i], json_float(f));
		if (plausible(f))
			json_array_append_new(pl, json_string(names[i]));
	}
	o = json_pack("{s:i, s:o, s:o, s:{s:I, s:I}, s:{s:I, s:I}}",
	    "address", addr, "float32", fl, "plausible", pl,
	    "int32", "abcd", (json_int_t)(int32_t)abcd, "cdab",
	    (json_int_t)(int32_t)cdab, "uint32", "abcd", (json_int_t)abcd,
	    "cdab", (json_int_t)cdab);
	return o;
}

static json_t *
json_pairs(const struct probe *p)
{
	const struct probe_read *r;
	json_t *a = json_array();
	int i, j;

	for (i = 0; i < p->nrd; i++) {
		r = &p->rd[i];
		for (j = 0; j + 1 < r->count; j++)
			json_array_append_new(a, json_pair(r->addr + j,
			    r->regs[j], r->regs[j + 1]));
	}
	return a;
}

static json_t *
json_configured(const struct probe *p)
{
	const struct conf_sensor *sc = p->sensor;
	struct regblock blk[2];
	struct reading rd;
	char flag[2];

	chain(p, blk);
	if (sc->driver->decode(sc, &blk[0], &rd) == -1)
		return json_null();
	flag[0] = rd.flag;
	flag[1] = '\0';
	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:o, s:o, s:s, s:s, "
	    "s:i, s:i}", "sensor", sc->name, "driver", sc->driver->name,
	    "type", conf_type_name(sc->type), "order",
	    conf_order_name(sc->order), "register", sc->reg, "value",
	    json_num(gb3838_round(rd.value, sc->decimals)), "raw",
	    json_num(rd.raw), "unit", sc->unit_label, "flag", flag,
	    "status", rd.status, "status_register", sc->status_reg);
}

static void
print_json(const struct probe *p)
{
	json_t *o;

	o = json_pack("{s:o, s:i, s:i, s:o, s:o, s:o}", "link", json_link(p),
	    "unit", p->unit, "function", p->function ? 4 : 3, "reads",
	    json_reads(p), "registers", json_regs(p), "pairs", json_pairs(p));
	if (o == NULL)
		fatalx("json");
	if (p->sensor != NULL)
		json_object_set_new(o, "configured", json_configured(p));
	json_dumpf(o, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(9));
	putchar('\n');
	json_decref(o);
}

static void
print_text(const struct probe *p)
{
	print_header(p);
	print_rows(p);
	print_pairs(p);
	if (p->sensor != NULL)
		print_configured(p);
}

int
tool_probe(int argc, char **argv)
{
	struct probe p;
	struct args a;
	struct conf *c = NULL;
	int rc;

	if (parse_args(argc, argv, &a) == -1)
		return probe_usage();
	memset(&p, 0, sizeof(p));
	rc = a.file != NULL ? from_conf(&p, &a, &c) : from_args(&p, &a);
	if (rc == 0 && p.bus.type == BUS_RTU && (p.unit < 1 || p.unit > 247)) {
		fprintf(stderr, "lakewatch probe: unit %d: rtu units are "
		    "1-247\n", p.unit);
		rc = EXIT_USAGE;
	}
	if (rc == 0) {
		if (a.timeout > 0)
			p.bus.timeout = a.timeout;
		if (a.scan_hi > 0 || a.scan_serial)
			rc = probe_scan(&p, &a);
		else if (a.loop > 0)
			rc = probe_loop(&p, a.loop);
		else if ((rc = probe_run(&p)) == 0 && a.json)
			print_json(&p);
		else if (rc == 0)
			print_text(&p);
		if (rc == 0 && a.print_config && a.scan_hi == 0 &&
		    !a.scan_serial)
			print_read_config(&p);
	}
	conf_free(c);
	return rc;
}
