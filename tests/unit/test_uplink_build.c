/*
 * test_uplink_build.c: building an hour of the hj1404 profile
 * (daemon/uplink.c, included): when the spool does not take its CN=3020
 * packets (quality-control results, device state; a full disk), the
 * hour's mark stays, and once the spool takes packets again the same
 * hour's 3020 packets are spooled, its data packet not a second time,
 * and only then the mark moves on. The spool's writes go through
 * fake_write_replace_at, which fails the packets of CN=3020 on demand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "../../lib/util.h"

int	fake_write_replace_at(int dfd, const char *name, const void *buf,
	    size_t len, int mode, int sync);

#define write_replace_at	fake_write_replace_at
#define uplinks_start		test_uplinks_start
#define uplinks_stop		test_uplinks_stop
#define uplinks_stats		test_uplinks_stats
#include "../../daemon/uplink.c"
#undef write_replace_at

#include "tmpdir.h"

static char		 dir[PATH_MAX];
static struct conf	*conf;
static int		 fail_info;	/* spool writes of CN=3020 fail */
static time_t		 hour0;		/* the last hour that has ended */

int
fake_write_replace_at(int dfd, const char *name, const void *buf,
    size_t len, int mode, int sync)
{
	if (fail_info && memmem(buf, len, ";CN=3020;", 9) != NULL) {
		errno = ENOSPC;
		return -1;
	}
	return write_replace_at(dfd, name, buf, len, mode, sync);
}

static int
setup(void **state)
{
	char path[PATH_MAX], err[LW_ERRLEN], ts[32];
	time_t t, now = time(NULL);
	FILE *fp;
	int k = 0;

	(void)state;
	/* only that hour is due: built BUILD_DELAY s after its end */
	if (now % 3600 <= BUILD_DELAY) {
		sleep(BUILD_DELAY + 1);
		now = time(NULL);
	}
	hour0 = now - now % 3600 - 3600;
	assert_int_equal(tmpdir_make(dir, sizeof(dir), "upbuild"), 0);
	snprintf(path, sizeof(path), "%s/lw.conf", dir);
	assert_non_null(fp = fopen(path, "w"));
	fprintf(fp, "[daemon]\nstate_dir = %s\n[bus b]\nhost = 127.0.0.1\n"
	    "[sensor s-tp]\nbus = b\nregister = 0\n"
	    "[uplink p]\nprotocol = hj1404\nhost = 127.0.0.1\nport = 9\n"
	    "mn = 010000A8900016F000169DC0\npw = 123456\n", dir);
	fclose(fp);
	assert_non_null(conf = conf_load(path, err));
	snprintf(path, sizeof(path), "%s/samples/s-tp", dir);
	assert_int_equal(mkdirs(path, 0700), 0);
	/* an hour of rows, two standard checks (flag C) in it */
	samplelog_path(conf, "s-tp", hour0, path, sizeof(path));
	assert_non_null(fp = fopen(path, "w"));
	fputs(SAMPLELOG_HEADER, fp);
	for (t = hour0; t < hour0 + 3600; t += 60, k++) {
		fmt_rfc3339(t, ts, sizeof(ts));
		fprintf(fp, "%s,%.3f,%c,,1\n", ts, 0.05 + k * 0.001,
		    k == 10 || k == 40 ? 'C' : 'N');
	}
	fclose(fp);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(conf);
	tmpdir_remove(dir);
	return 0;
}

/* The spool's packets of CN. */
static int
spooled(struct link *l, int cn)
{
	char want[16];
	size_t i;
	int n = 0;

	snprintf(want, sizeof(want), ";CN=%d;", cn);
	for (i = l->head; i < l->n; i++) {
		char pkt[HJ212_PKT_MAX + 2], qn[HJ212_QN_LEN + 1];
		size_t len;
		size_t save = l->head;

		l->head = i;
		assert_int_equal(read_head(l, pkt, &len, qn), 0);
		l->head = save;
		n += memmem(pkt, len, want, strlen(want)) != NULL;
	}
	return n;
}

/* The hour's mark, 0 if none. */
static long long
mark(struct link *l)
{
	char buf[32] = "";
	ssize_t n;
	int fd;

	if ((fd = openat(l->dfd, "last", O_RDONLY)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	assert_true(n > 0);
	return strtoll(buf, NULL, 10);
}

static void
test_info_fails_mark_stays(void **state)
{
	atomic_int stop = 0;
	struct link *l;
	struct sched *s;
	size_t k;

	(void)state;
	assert_non_null(l = malloc(sizeof(*l)));
	link_init(l, conf, 0, &stop);
	assert_true(l->prof->qc && l->prof->status);
	sched_init(l);
	for (k = 0; k < SC_COUNT; k++)
		l->sc[k].next = 0;		/* only the one hour */
	s = &l->sc[SC_HOUR];
	s->next = hour0 + 3600;

	fail_info = 1;
	build_due(l);
	assert_int_equal(spooled(l, HJ212_CN_HOUR), 1);
	assert_int_equal(spooled(l, HJ212_CN_INFO), 0);
	assert_int_equal(mark(l), 0);		/* the hour is not done */
	assert_int_equal(s->next, hour0 + 3600);
	build_due(l);				/* still full */
	assert_int_equal(spooled(l, HJ212_CN_HOUR), 1);
	assert_int_equal(mark(l), 0);

	fail_info = 0;
	build_due(l);
	assert_int_equal(spooled(l, HJ212_CN_HOUR), 1);	/* not again */
	/* two check results and the device state */
	assert_int_equal(spooled(l, HJ212_CN_INFO), 3);
	assert_int_equal(mark(l), hour0 + 3600);
	assert_true(s->next > hour0 + 3600);

	close(l->dfd);
	free(l->names);
	for (k = 0; k < conf->nsensor; k++)
		slidx_free(l->idx[k]);
	free(l->idx);
	pthread_mutex_destroy(&l->mu);
	free(l);
}

/*
 * QNs of packets built in one burst (data, then the CN=3020 packets of
 * the same ms) are distinct and grow: a QN is the spool file's name, so
 * two alike were one file, the first packet lost. The old double, stepped
 * by 0.001, drifted below its ms and printed ...153 twice in 10 packets.
 */
static void
test_qn_unique(void **state)
{
	struct link lk;
	char qn[HJ212_QN_LEN + 1], prev[HJ212_QN_LEN + 1] = "";
	int i;

	(void)state;
	memset(&lk, 0, sizeof(lk));
	for (i = 0; i < 5000; i++) {
		next_qn(&lk, qn);
		assert_int_equal(strlen(qn), HJ212_QN_LEN);
		if (strcmp(qn, prev) <= 0)
			fail_msg("QN %d: %s after %s", i, qn, prev);
		memcpy(prev, qn, sizeof(prev));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qn_unique),
		cmocka_unit_test_setup_teardown(test_info_fails_mark_stays,
		    setup, teardown),
	};

	log_init("test_uplink_build", LOG_LVL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
