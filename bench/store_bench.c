/*
 * store_bench.c: N sensors' RRD updates per interval, through the store
 * (daemon/store.c) with librrd directly and with rrdcached, and through
 * librrd's own rrdcached client (rrdc_update) for reference. Files have
 * the daemon's layout (rrdfile_rra_args) at a 60 s step. Prints one table:
 * values per second, and CPU per value from getrusage (this process) plus
 * rrdcached's own (from /proc, when its PID is given). The rrdcached
 * runs are made twice and the second shown: the first pass is slower
 * for both clients alike. Run by bench/store.sh, which starts rrdcached
 * and picks the directory.
 *
 * usage: store_bench -d DIR [-n sensors] [-r rounds] [-b batch]
 *        [-a rrdcached-address -p rrdcached-pid]
 */
#include <sys/resource.h>

#include <math.h>
#include <rrd.h>
#include <rrd_client.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../daemon/store.h"
#include "../lib/conf.h"
#include "../lib/log.h"

#define STEP	60
#define T0	1795680000L	/* 2026-11-26T08:00:00Z */

struct meter {
	struct timespec	 t;
	struct rusage	 ru;
	double		 dcpu;		/* rrdcached's CPU, s */
};

static int	 nsens = 10000, rounds = 5, batch = 60;
static int	 quiet;			/* a warm-up pass: no rows */
static pid_t	 dpid;			/* rrdcached */
static const char *addr;
static long	 now_t = T0;		/* the next interval's time */
static struct conf cf;

static double
daemon_cpu(void)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *fp;

	if (dpid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)dpid);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	p = fgets(buf, sizeof(buf), fp);
	fclose(fp);
	if (p == NULL || (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return 0;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static void
meter_start(struct meter *m)
{
	clock_gettime(CLOCK_MONOTONIC, &m->t);
	getrusage(RUSAGE_SELF, &m->ru);
	m->dcpu = daemon_cpu();
}

static double
tv(struct timeval a)
{
	return (double)a.tv_sec + a.tv_usec / 1e6;
}

/* One table row for N values since M. */
static void
meter_row(const struct meter *m, const char *what, long n)
{
	struct timespec t;
	struct rusage ru;
	double wall, cpu, dcpu;

	if (quiet)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	getrusage(RUSAGE_SELF, &ru);
	dcpu = daemon_cpu() - m->dcpu;
	wall = (double)(t.tv_sec - m->t.tv_sec) +
	    (t.tv_nsec - m->t.tv_nsec) / 1e9;
	cpu = tv(ru.ru_utime) - tv(m->ru.ru_utime) + tv(ru.ru_stime) -
	    tv(m->ru.ru_stime);
	printf("%-38s %8ld %7.2f %9.0f %8.1f %8.1f %8.1f\n", what, n, wall,
	    n / wall, cpu * 1e6 / n, dcpu * 1e6 / n, (cpu + dcpu) * 1e6 / n);
	fflush(stdout);
}

static void
conf_make(const char *dir)
{
	char name[32];
	int i;

	cf.state_dir = strdup(dir);
	cf.interval = STEP;
	cf.store_buffer = 100000 > nsens * batch ? 100000 : nsens * batch;
	cf.nsensor = (size_t)nsens;
	if ((cf.sensors = calloc((size_t)nsens, sizeof(*cf.sensors))) ==
	    NULL)
		fatal("calloc");
	for (i = 0; i < nsens; i++) {
		snprintf(name, sizeof(name), "s%05d", i);
		cf.sensors[i].name = strdup(name);
		cf.sensors[i].interval = STEP;
		cf.sensors[i].range_min = NAN;
	}
}

/* K intervals' values of every sensor, K per store_update call. */
static long
store_rounds(struct store *st, int k)
{
	struct sample s[256];
	char err[LW_ERRLEN];
	int i, j;

	memset(s, 0, sizeof(s));
	for (i = 0; i < nsens; i++) {
		for (j = 0; j < k; j++) {
			s[j].t = now_t + (long)j * STEP;
			s[j].value = 0.03 + (i % 100) / 1000.0;
			s[j].flag = 'N';
		}
		if (store_update(st, i, s, (size_t)k, err) == -1)
			fatalx("update: %s", err);
	}
	now_t += (long)k * STEP;
	return (long)nsens * k;
}

static struct store *
store_open(const char *rrdcached)
{
	char err[LW_ERRLEN];
	struct store *st;

	free(cf.rrdcached);
	cf.rrdcached = rrdcached != NULL ? strdup(rrdcached) : NULL;
	if ((st = store_new(&cf, err)) == NULL)
		fatalx("store: %s", err);
	return st;
}

static void
bench_direct(void)
{
	struct store *st = store_open(NULL);
	struct meter m;
	char what[64];
	long n = 0;
	int r;

	meter_start(&m);
	store_rounds(st, 1);		/* creates the files */
	meter_row(&m, "create the files (librrd)", nsens);
	meter_start(&m);
	for (r = 0; r < rounds; r++)
		n += store_rounds(st, 1);
	meter_row(&m, "librrd, 1 value per update", n);
	meter_start(&m);
	n = store_rounds(st, batch);
	snprintf(what, sizeof(what), "librrd, %d values per update", batch);
	meter_row(&m, what, n);
	store_free(st);
}

static void
bench_rrdcached(void)
{
	struct store *st;
	struct meter m;
	long n = 0;
	int r;

	meter_start(&m);
	st = store_open(addr);
	store_rounds(st, 1);		/* first use: check, LAST, UPDATE */
	meter_row(&m, "rrdcached (store), first update", nsens);
	meter_start(&m);
	for (r = 0; r < rounds; r++)
		n += store_rounds(st, 1);
	meter_row(&m, "rrdcached (store), 1 value per update", n);
	meter_start(&m);
	store_free(st);			/* FLUSH of every file */
	meter_row(&m, "  rrdcached writes them (FLUSH)", n);
}

/* librrd's exported client, one UPDATE per value, for reference. */
static void
bench_rrdc(void)
{
	char path[4096], val[64];
	const char *argv[1] = { val };
	struct meter m;
	long n = 0;
	int r, i;

	if (rrdc_connect(addr) != 0)
		fatalx("rrdc_connect: %s", rrd_get_error());
	meter_start(&m);
	for (r = 0; r < rounds; r++, now_t += STEP)
		for (i = 0; i < nsens; i++, n++) {
			snprintf(path, sizeof(path), "%s/rrd/%s.rrd",
			    cf.state_dir, cf.sensors[i].name);
			snprintf(val, sizeof(val), "%ld:%g", now_t, 0.03);
			if (rrdc_update(path, 1, argv) != 0)
				fatalx("rrdc_update: %s", rrd_get_error());
		}
	meter_row(&m, "rrdcached (librrd rrdc_update), 1/upd", n);
	meter_start(&m);
	for (i = 0; i < nsens; i++) {
		snprintf(path, sizeof(path), "%s/rrd/%s.rrd", cf.state_dir,
		    cf.sensors[i].name);
		rrdc_flush(path);
	}
	meter_row(&m, "  rrdcached writes them (FLUSH)", n);
	rrdc_disconnect();
}

int
main(int argc, char *argv[])
{
	const char *dir = NULL;
	int ch;

	while ((ch = getopt(argc, argv, "a:b:d:n:p:r:")) != -1) {
		switch (ch) {
		case 'a': addr = optarg; break;
		case 'b': batch = atoi(optarg); break;
		case 'd': dir = optarg; break;
		case 'n': nsens = atoi(optarg); break;
		case 'p': dpid = (pid_t)atoi(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		default: dir = NULL; optind = argc; break;
		}
	}
	if (dir == NULL || nsens < 1 || rounds < 1 || batch < 1 ||
	    batch > 256) {
		fprintf(stderr, "usage: store_bench -d dir [-n sensors] "
		    "[-r rounds] [-b batch] [-a rrdcached -p pid]\n");
		return 2;
	}
	log_init("store_bench", LOG_LVL_WARNING);
	signal(SIGPIPE, SIG_IGN);
	unsetenv("RRDCACHED_ADDRESS");
	conf_make(dir);
	printf("%d sensors, step %d s, %d rounds; files in %s\n", nsens, STEP,
	    rounds, dir);
	printf("%-38s %8s %7s %9s %8s %8s %8s\n", "", "values", "s",
	    "values/s", "CPU us", "rrdcd us", "total us");
	bench_direct();
	if (addr != NULL) {
		quiet = 1;		/* both once, as rrdcached warms up */
		bench_rrdcached();
		bench_rrdc();
		quiet = 0;
		bench_rrdcached();
		bench_rrdc();
	}
	return 0;
}
