/*
 * fuzz_samplelog.c: the sample-log reader that report, graph and import
 * share (samplelog_scan, lib/samplelog.h). The input is one month file
 * <state_dir>/samples/centre-tp/2026-11.csv, as a crash, a full disk or
 * an operator's editor may leave it; samplelog_scan must hand over only
 * rows inside the month with a known HJ 212 flag, and report_load must
 * sum them into days of the year without going out of bounds, the same
 * bit for bit from the daily sums and their .days cache (cold, then
 * warm) as row by row (--no-cache).
 * (The CSV of `lakewatch import` has its own parser: fuzz_import.c.)
 */
#include <sys/stat.h>
#include <sys/vfs.h>

#include <linux/magic.h>

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/conf.h"
#include "../../lib/log.h"
#include "../../lib/samplelog.h"
#include "../../tool/report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define INPUT_MAX	4096

static struct conf	*conf;
static char		 file[PATH_MAX], scratch[PATH_MAX];
static time_t		 from, to, year0, year1;

static int
on_tmpfs(const char *dir)
{
	struct statfs sf;

	return statfs(dir, &sf) == 0 && sf.f_type == TMPFS_MAGIC &&
	    access(dir, W_OK) == 0;
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *f)
{
	(void)st;
	(void)type;
	(void)f;
	return remove(path);
}

static void
rm_scratch(void)
{
	nftw(scratch, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

/*
 * Each input writes a .days twice (cold, then again while the month
 * file is under 2 s old), each a new file renamed over the last: on
 * ext4 a new inode searches past every one deleted in the last seconds,
 * and that search was most of an execution (58 exec/s). So the state
 * directory is on tmpfs: TMPDIR if it is one, else /dev/shm if there is
 * one (removed at exit), else TMPDIR as it is.
 */
static const char *
scratch_base(void)
{
	const char *tmp = getenv("TMPDIR");

	if (tmp == NULL)
		tmp = "/tmp";
	if (on_tmpfs(tmp) || !on_tmpfs("/dev/shm"))
		return tmp;
	atexit(rm_scratch);
	return "/dev/shm";
}

static void
setup(void)
{
	char dir[PATH_MAX], path[PATH_MAX];
	char err[LW_ERRLEN];
	FILE *fp;

	log_init("fuzz", LOG_LVL_ERROR);
	snprintf(dir, sizeof(dir), "%s/lakewatch-fuzz-log.XXXXXX",
	    scratch_base());
	if (mkdtemp(dir) == NULL || report_tz(NULL, err) == -1)
		abort();
	snprintf(scratch, sizeof(scratch), "%s", dir);
	snprintf(path, sizeof(path), "%s/lakewatch.conf", dir);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fprintf(fp, "[daemon]\nstate_dir = %s\n[bus b]\nhost = 127.0.0.1\n"
	    "[sensor centre-tp]\nbus = b\nregister = 0\n", dir);
	fclose(fp);
	if ((conf = conf_load(path, err)) == NULL)
		abort();
	from = 1793491200;	/* 2026-11-01T00:00:00Z */
	to = 1796083200;	/* 2026-12-01T00:00:00Z */
	year0 = 1767225600;	/* 2026-01-01T00:00:00Z */
	year1 = 1798761600;	/* 2027-01-01T00:00:00Z */
	samplelog_path(conf, "centre-tp", from, file, sizeof(file));
	snprintf(path, sizeof(path), "%s/samples", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/samples/centre-tp", dir);
	mkdir(path, 0700);
}

static void
row(void *arg, const struct samplelog_row *r)
{
	(void)arg;
	if (r->t < from || r->t >= to || !samplelog_flag_known(r->flag))
		abort();
}

static void
count(void *arg, const struct samplelog_row *r)
{
	(void)r;
	(*(size_t *)arg)++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rp_year y, rows;
	struct rp_rules rules = { 24, 0.667, 0.667, 0 };
	struct rp_month m;
	char err[LW_ERRLEN];
	size_t n = 0;
	int fd, i, days = 0;

	/*
	 * ~100 rows: every rule of a day and a month shows in fewer, and
	 * each is summed five times over (3 loads, 2 scans)
	 */
	if (size > INPUT_MAX)
		return -1;	/* not kept in the corpus */
	if (conf == NULL)
		setup();
	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) == -1)
		abort();
	if (samplelog_scan(conf, "centre-tp", from, to, row, NULL, err) == -1 ||
	    samplelog_scan(conf, "centre-tp", year0, year1, count, &n, err) == -1)
		abort();
	report_cache(0);
	if (report_load(conf, "centre-tp", 2026, &rows, err) == -1)
		abort();
	report_cache(1);
	for (i = 0; i < 2; i++)
		if (report_load(conf, "centre-tp", 2026, &y, err) == -1 ||
		    memcmp(y.day, rows.day, sizeof(y.day)) != 0)
			abort();
	for (i = 0; i < REPORT_DAYS; i++)
		days += y.day[i].nall;
	if ((size_t)days != n)
		abort();	/* every row of the year counted once */
	for (i = 1; i <= 12; i++)
		report_month(&y, i, &rules, &m);
	return 0;
}
