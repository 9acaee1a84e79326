/*
 * test_util.c: following the wall clock tells a step from a slew; the
 * one RFC 3339 formatter and parser agree; a document written through
 * write_atomic_fill replaces its file whole or not at all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/util.h"
#include "reps.h"

/* A == B within a microsecond */
#define near(a, b)	(fabs((a) - (b)) < 1e-6)

#define WALL	1795680000.0	/* 2026-11-26T08:00:00Z */

static void
test_wallclock(void **state)
{
	struct wallclock w = { 0, 0 };

	(void)state;
	/* the first look only learns the offset */
	assert_true(wallclock_follow(&w, 100, WALL) == 0);
	assert_true(near(w.off, WALL - 100));
	/* a slew of 0.5 ms/s over an hour: followed, not a step */
	assert_true(wallclock_follow(&w, 3700, WALL + 3600 + 1.8) == 0);
	assert_true(near(w.off, WALL - 100 + 1.8));
	/* 2 s a second later: a step, either way */
	assert_true(near(wallclock_follow(&w, 3701, WALL + 3601 + 1.8 - 120),
	    -120));
	assert_true(near(wallclock_follow(&w, 3702, WALL + 3602 + 1.8), 120));
	assert_true(wallclock_follow(&w, 3703, WALL + 3603 + 2.3) == 0);
}

/* Round trip; a year beyond 9999 (gmtime takes it) shows as the epoch. */
static void
test_rfc3339(void **state)
{
	const char *why;
	char buf[32];
	time_t t;

	(void)state;
	setenv("TZ", "UTC0", 1);
	fmt_rfc3339((time_t)WALL, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T08:00:00Z");
	assert_int_equal(parse_rfc3339(buf, &t, &why), 0);
	assert_true(t == (time_t)WALL);
	assert_int_equal(parse_rfc3339("2026-11-26T16:00:00+08:00", &t, &why),
	    0);
	assert_true(t == (time_t)WALL);
	fmt_rfc3339((time_t)253402300800LL, buf, sizeof(buf)); /* 10000 */
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	assert_int_equal(days_in_month(2028, 2), 29);
	assert_int_equal(days_civil(1970, 1, 1), 0);
}

static void
masked_is(const char *url, const char *want)
{
	char buf[256];

	assert_string_equal(url_masked(url, buf, sizeof(buf)), want);
}

/* What lakewatchd -T prints of a webhook: no credential of any kind. */
static void
test_url_masked(void **state)
{
	char small[20];

	(void)state;
	masked_is("https://oapi.dingtalk.com/robot/send?access_token=0a1b2c",
	    "https://oapi.dingtalk.com/robot/send?access_token=***");
	masked_is("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K1",
	    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***");
	masked_is("http://h/x?a=1&Sign=s&timestamp=2&apiKey=k;b=2#frag",
	    "http://h/x?a=1&Sign=***&timestamp=2&apiKey=***;b=2#frag");
	masked_is("https://user:pa55@h:8443/p?token=", "https://user:***@h:8443/p?token=");
	masked_is("https://tok3n@h/p", "https://***@h/p");
	masked_is("https://open.feishu.cn/open-apis/bot/v2/hook/"
	    "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
	    "https://open.feishu.cn/open-apis/bot/v2/hook/***");
	masked_is("https://hooks.slack.com/services/T0123ABCD/B0123ABCD/"
	    "abcdEFGH1234ijklMNOP5678",
	    "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/***");
	masked_is("http://127.0.0.1:9093/api/v2/alerts",
	    "http://127.0.0.1:9093/api/v2/alerts");
	masked_is("http://h/a@b?x=1", "http://h/a@b?x=1");	/* @ in path */
	masked_is("", "");
	/* truncated, never overrun, never the secret */
	url_masked("https://h/?token=abcdefghijklmnop", small, sizeof(small));
	assert_string_equal(small, "https://h/?token=**");
}

/* ARG: the text, or NULL to fail half way */
static int
fill(FILE *f, void *arg)
{
	fputs("{\"half\": ", f);
	if (arg == NULL)
		return -1;
	fputs(arg, f);
	return 0;
}

static void
file_is(const char *path, const char *want)
{
	char buf[64];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf, want);
}

static void
test_write_fill(void **state)
{
	char dir[] = "/tmp/lw-util-XXXXXX", path[PATH_MAX], tmp[PATH_MAX];
	char one[] = "1}", two[] = "2}";

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/state.json", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(write_atomic_fill(path, 0640, fill, one), 0);
	file_is(path, "{\"half\": 1}");
	/* a fill that fails leaves the file as it was and no temporary */
	assert_int_equal(write_atomic_fill(path, 0640, fill, NULL), -1);
	file_is(path, "{\"half\": 1}");
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(write_atomic_fill(path, 0640, fill, two), 0);
	file_is(path, "{\"half\": 2}");
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * write_swap: the text goes over the spare (PATH.prev, the version
 * before last) from its start, the spare is cut to it, then the two
 * change places; a fill that fails leaves PATH as it was; a link at
 * the spare is removed, never written through.
 */
static void
test_write_swap(void **state)
{
	char dir[] = "/tmp/lw-util-XXXXXX", path[PATH_MAX], prev[PATH_MAX];
	char victim[PATH_MAX], longer[] = "12345678}", one[] = "1}";
	char two[] = "2}";
	struct stat st;
	ino_t a;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/status.json", dir);
	snprintf(prev, sizeof(prev), "%s.prev", path);
	snprintf(victim, sizeof(victim), "%s/victim", dir);
	assert_int_equal(write_swap(path, 0640, fill, longer), 0);
	file_is(path, "{\"half\": 12345678}");
	assert_int_equal(stat(path, &st), 0);
	a = st.st_ino;
	assert_int_equal(write_swap(path, 0640, fill, one), 0);
	file_is(path, "{\"half\": 1}");
	file_is(prev, "{\"half\": 12345678}");
	/* the third write goes over the first one's inode, cut shorter */
	assert_int_equal(write_swap(path, 0640, fill, two), 0);
	file_is(path, "{\"half\": 2}");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_ino, a);
	assert_int_equal(st.st_size, (off_t)strlen("{\"half\": 2}"));
	/* a fill that fails: PATH as it was */
	assert_int_equal(write_swap(path, 0640, fill, NULL), -1);
	file_is(path, "{\"half\": 2}");
	/* a link planted at the spare */
	assert_int_equal(unlink(prev), 0);
	file_is(path, "{\"half\": 2}");
	assert_int_equal(write_atomic_fill(victim, 0640, fill, one), 0);
	assert_int_equal(symlink(victim, prev), 0);
	assert_int_equal(write_swap(path, 0640, fill, longer), 0);
	file_is(victim, "{\"half\": 1}");
	file_is(path, "{\"half\": 12345678}");
	assert_int_equal(lstat(prev, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(unlink(prev), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(unlink(victim), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* fmt_g against snprintf's "%.*g": the sample log's "%.7g" above all */
static int
g_same(double d, int prec)
{
	char want[64], got[64];
	size_t n;

	snprintf(want, sizeof(want), "%.*g", prec, d);
	n = fmt_g(d, prec, got, sizeof(got));
	assert_int_equal(n, strlen(got));
	if (strcmp(want, got) == 0)
		return 1;
	fprintf(stderr, "%.17g %%.%dg: snprintf %s, fmt_g %s\n", d, prec,
	    want, got);
	return 0;
}

static void
test_fmt_g(void **state)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9 };
	uint64_t s = 88172645463325252ULL;
	double d, u;
	long i, bad = 0;
	int j, prec;

	(void)state;
	for (i = 0; i < reps(1000000); i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		prec = i % 3 ? 7 : 1 + (int)(s % 10);
		/* readings as instruments give them, and any double */
		d = (double)(long long)(s % 100000000) / p10[(s >> 40) % 10];
		bad += !g_same(d, prec) + !g_same(-d, prec);
		d = ldexp((double)(s >> 11) / 9007199254740992.0 + 1,
		    (int)((s >> 3) % 57) - 20);
		bad += !g_same(d, prec);
		/* a five after the last digit, and a hair either side */
		d = ((double)(long long)(s % 10000000) + 0.5) /
		    p10[(s >> 40) % 10];
		u = d;
		for (j = 0; j < 3; j++, u = nextafter(u, 0))
			bad += !g_same(u, 7);
		u = d;
		for (j = 0; j < 3; j++, u = nextafter(u, 1e300))
			bad += !g_same(u, 7);
	}
	bad += !g_same(0.0, 7) + !g_same(-0.0, 7) + !g_same(1e-4, 7) +
	    !g_same(9.9999995e-5, 7) + !g_same(9999999.5, 7) +
	    !g_same(99999995, 7) + !g_same(1e10, 10) + !g_same(NAN, 7) +
	    !g_same(-INFINITY, 7) + !g_same(0.1, 1) + !g_same(0.95, 1);
	assert_int_equal(bad, 0);
}

/* TZ: a POSIX rule or a file, as glibc's tzset tells them apart */
static void
test_tz_path(void **state)
{
	static const char *rules[] = { "UTC0", "CST-8", "<+08>-8",
	    "CST-8CDT,M4.1.0/2", "EST5EDT,M3.2.0/2,M11.1.0", "JST-9",
	    "<-03>3" };
	static const struct { const char *tz, *path; } files[] = {
		{ ":Asia/Shanghai", "/usr/share/zoneinfo/Asia/Shanghai" },
		{ "Asia/Shanghai", "/usr/share/zoneinfo/Asia/Shanghai" },
		{ "UTC", "/usr/share/zoneinfo/UTC" },
		{ "Etc/GMT-8", "/usr/share/zoneinfo/Etc/GMT-8" },
		{ "/etc/localtime", "/etc/localtime" },
		{ ":/etc/localtime", "/etc/localtime" },
		{ "PRC", "/usr/share/zoneinfo/PRC" },
		{ "<+08", "/usr/share/zoneinfo/<+08" },
	};
	char path[64];
	size_t i;

	(void)state;
	unsetenv("TZDIR");
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		path[0] = '\0';
		if (tz_path(rules[i], path, sizeof(path)) != 0)
			fail_msg("'%s' taken for a file", rules[i]);
		assert_string_equal(path, "");
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (tz_path(files[i].tz, path, sizeof(path)) != 1)
			fail_msg("'%s' taken for a rule", files[i].tz);
		assert_string_equal(path, files[i].path);
	}
	setenv("TZDIR", "zi", 1);
	assert_int_equal(tz_path("Asia/Shanghai", path, sizeof(path)), 1);
	assert_string_equal(path, "zi/Asia/Shanghai");
	unsetenv("TZDIR");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wallclock),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_url_masked),
		cmocka_unit_test(test_write_fill),
		cmocka_unit_test(test_write_swap),
		cmocka_unit_test(test_fmt_g),
		cmocka_unit_test(test_tz_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
