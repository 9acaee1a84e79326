/*
 * test_hj212.c: HJ 212-2017 framing pinned to the standard's own example
 * (length 0101, CRC 1C80), splitting, the parser's refusals, the factor
 * codes and the CP of hourly data; each profile's bytes for one input
 * (hj212, hj212-2025 with its App. A.1 example, hj1404), real-time CP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../lib/hj212.h"

/* the example packet of HJ 212-2017 (set the real-time data interval) */
#define EXAMPLE_SEG "QN=20160801085857223;ST=32;CN=1062;PW=100000;" \
	"MN=010000A8900016F000169DC0;Flag=5;CP=&&RtdInterval=30&&"
#define EXAMPLE_PKT "##0101" EXAMPLE_SEG "1C80\r\n"

static void
test_example(void **state)
{
	char pkt[HJ212_PKT_MAX + 1];
	int n;

	(void)state;
	assert_int_equal(strlen(EXAMPLE_SEG), 101);
	assert_int_equal(hj212_crc(EXAMPLE_SEG, strlen(EXAMPLE_SEG)), 0x1C80);
	n = hj212_frame(EXAMPLE_SEG, strlen(EXAMPLE_SEG), pkt);
	assert_int_equal(n, 113);
	assert_string_equal(pkt, EXAMPLE_PKT);
}

/* the same packet built from its fields */
static int
keep(const char *pkt, size_t len, void *arg)
{
	char *out = arg;

	strncat(out, pkt, len);
	return 0;
}

static void
test_pack_one(void **state)
{
	struct hj212_hdr h = { "20160801085857223", 32, 1062, "100000",
	    "010000A8900016F000169DC0", 5, 0, 0 };
	char out[4 * HJ212_PKT_MAX] = "";

	(void)state;
	assert_int_equal(hj212_pack(&h, "RtdInterval=30", keep, out), 1);
	assert_string_equal(out, EXAMPLE_PKT);
}

static void
test_parse_example(void **state)
{
	struct hj212_msg m;
	char err[LW_ERRLEN], v[32];
	size_t used;

	(void)state;
	/* byte by byte: incomplete until the last one */
	for (size_t i = 0; i < strlen(EXAMPLE_PKT); i++)
		assert_int_equal(hj212_parse(EXAMPLE_PKT, i, &m, &used, err),
		    0);
	assert_int_equal(hj212_parse(EXAMPLE_PKT, strlen(EXAMPLE_PKT), &m,
	    &used, err), 1);
	assert_int_equal(used, strlen(EXAMPLE_PKT));
	assert_string_equal(m.hdr.qn, "20160801085857223");
	assert_int_equal(m.hdr.st, 32);
	assert_int_equal(m.hdr.cn, 1062);
	assert_string_equal(m.hdr.pw, "100000");
	assert_string_equal(m.hdr.mn, "010000A8900016F000169DC0");
	assert_int_equal(m.hdr.flag, 5);
	assert_string_equal(m.cp, "RtdInterval=30");
	assert_int_equal(hj212_cp_get(m.cp, "RtdInterval", v, sizeof(v)), 0);
	assert_string_equal(v, "30");
	assert_int_equal(hj212_cp_get(m.cp, "Interval", v, sizeof(v)), -1);
}

/* build a packet the platform would send */
static size_t
platform(char *pkt, int cn, const char *cp)
{
	char seg[HJ212_DATA_MAX + 1];
	int n;

	n = snprintf(seg, sizeof(seg), "QN=20250601080000123;ST=91;CN=%d;"
	    "PW=123456;MN=LAKEWATCH0000000000000001;Flag=4;CP=&&%s&&", cn, cp);
	return (size_t)hj212_frame(seg, (size_t)n, pkt);
}

static void
test_parse_commands(void **state)
{
	char pkt[HJ212_PKT_MAX + 1], err[LW_ERRLEN], v[32];
	struct hj212_msg m;
	size_t n, used;
	time_t b, e;

	(void)state;
	n = platform(pkt, HJ212_CN_DATA_ACK, "");
	assert_int_equal(hj212_parse(pkt, n, &m, &used, err), 1);
	assert_int_equal(m.hdr.cn, 9014);
	assert_string_equal(m.cp, "");
	n = platform(pkt, HJ212_CN_QNRTN, "QnRtn=1");
	assert_int_equal(hj212_parse(pkt, n, &m, &used, err), 1);
	assert_int_equal(hj212_cp_get(m.cp, "QnRtn", v, sizeof(v)), 0);
	assert_string_equal(v, "1");
	n = platform(pkt, HJ212_CN_HOUR,
	    "BeginTime=20250601000000,EndTime=20250601080000");
	assert_int_equal(hj212_parse(pkt, n, &m, &used, err), 1);
	assert_int_equal(m.hdr.cn, 2061);
	assert_int_equal(hj212_cp_get(m.cp, "BeginTime", v, sizeof(v)), 0);
	assert_int_equal(hj212_time_parse(v, &b), 0);
	assert_int_equal(hj212_cp_get(m.cp, "EndTime", v, sizeof(v)), 0);
	assert_int_equal(hj212_time_parse(v, &e), 0);
	/* Beijing 2025-06-01 00:00 is 2025-05-31T16:00:00Z */
	assert_int_equal((long)b, 1748707200L);
	assert_int_equal((long)(e - b), 8 * 3600);
	n = platform(pkt, HJ212_CN_GET_TIME, "PolId=w21011");
	assert_int_equal(hj212_parse(pkt, n, &m, &used, err), 1);
	assert_int_equal(m.hdr.cn, 1011);
	n = platform(pkt, HJ212_CN_SET_TIME, "SystemTime=20250601080000");
	assert_int_equal(hj212_parse(pkt, n, &m, &used, err), 1);
	assert_int_equal(hj212_cp_get(m.cp, "SystemTime", v, sizeof(v)), 0);
	assert_int_equal(hj212_time_parse("20250231000000", &b), -1);
	assert_int_equal(hj212_time_parse("2025060108000", &b), -1);
}

static void
test_parse_refuses(void **state)
{
	char pkt[HJ212_PKT_MAX + 64], err[LW_ERRLEN];
	struct hj212_msg m;
	size_t used;

	(void)state;
	/* wrong CRC: refused, the whole packet dropped */
	strcpy(pkt, EXAMPLE_PKT);
	pkt[6 + 101] = '2';
	assert_int_equal(hj212_parse(pkt, strlen(pkt), &m, &used, err), -1);
	assert_int_equal(used, strlen(pkt));
	assert_non_null(strstr(err, "CRC"));
	/* lower-case hex is the same number */
	strcpy(pkt, EXAMPLE_PKT);
	pkt[6 + 101 + 1] = 'c';
	assert_int_equal(hj212_parse(pkt, strlen(pkt), &m, &used, err), 1);
	/* length one short: the CRC lands in the wrong place */
	strcpy(pkt, EXAMPLE_PKT);
	memcpy(pkt + 2, "0100", 4);
	assert_int_equal(hj212_parse(pkt, strlen(pkt), &m, &used, err), -1);
	/* length beyond the limit, and not digits */
	assert_int_equal(hj212_parse("##1025QN=", 9, &m, &used, err), -1);
	assert_int_equal(hj212_parse("##01x1QN=", 9, &m, &used, err), -1);
	/* garbage first: skipped up to the next ## */
	snprintf(pkt, sizeof(pkt), "xyz%s", EXAMPLE_PKT);
	assert_int_equal(hj212_parse(pkt, strlen(pkt), &m, &used, err), -1);
	assert_int_equal(used, 3);
	assert_int_equal(hj212_parse(pkt + 3, strlen(pkt) - 3, &m, &used,
	    err), 1);
	/* a good CRC over a segment without CP, or without ST */
	assert_int_equal(hj212_frame("QN=1;ST=91;CN=9014", 18, pkt), 30);
	assert_int_equal(hj212_parse(pkt, 30, &m, &used, err), -1);
	hj212_frame("CN=9014;CP=&&&&", 15, pkt);
	assert_int_equal(hj212_parse(pkt, 27, &m, &used, err), -1);
	hj212_frame("ST=91;CN=99999999;CP=&&&&", 25, pkt);
	assert_int_equal(hj212_parse(pkt, 37, &m, &used, err), -1);
}

/* the codes pinned (HJ 212-2017 code table, DOMAIN.md 1.1) */
static void
test_codes(void **state)
{
	(void)state;
	assert_string_equal(hj212_code(PARAM_TP), "w21011");
	assert_string_equal(hj212_code(PARAM_TN), "w21001");
	assert_string_equal(hj212_code(PARAM_NH3N), "w21003");
	assert_string_equal(hj212_code(PARAM_CODMN), "w01019");
	assert_string_equal(hj212_code(PARAM_DO), "w01009");
	assert_string_equal(hj212_code(PARAM_PH), "w01001");
	assert_string_equal(hj212_code(PARAM_TEMP), "w01010");
	assert_string_equal(hj212_code(PARAM_TURBIDITY), "w01003");
	assert_string_equal(hj212_code(PARAM_COND), "w01014");
	assert_string_equal(hj212_code(PARAM_CHLA), "w01016");
	assert_true(hj212_code_valid("w21011"));
	assert_false(hj212_code_valid("w2101"));
	assert_false(hj212_code_valid("W21011x"));
	assert_false(hj212_code_valid("wa1011"));
}

static void
test_hourly(void **state)
{
	struct hj212_stat st[3];
	char cp[512];
	/* 2025-06-01T00:00:00Z = 08:00 in Beijing */
	time_t t = 1748736000;
	int n;

	(void)state;
	hj212_stat_init(&st[0], "w21011", 3);
	hj212_stat_add(&st[0], 0.052, 'N');
	hj212_stat_add(&st[0], 0.9, 'C');	/* calibration: not counted */
	hj212_stat_add(&st[0], 0.056, 'N');
	hj212_stat_init(&st[1], "w01009", 2);
	hj212_stat_add(&st[1], 7.1, 'M');
	hj212_stat_add(&st[1], NAN, 'N');
	hj212_stat_init(&st[2], "w01010", 1);	/* no sample at all */
	n = hj212_cp_stats(cp, sizeof(cp), t, st, 3);
	assert_int_equal(n, (int)strlen(cp));
	assert_string_equal(cp, "DataTime=20250601080000;"
	    "w21011-Avg=0.054,w21011-Min=0.052,w21011-Max=0.056,"
	    "w21011-Flag=N;w01009-Flag=D;w01010-Flag=B");
	assert_int_equal(hj212_cp_stats(cp, 30, t, st, 3), -1);
}

/* Transparency (sd) has no code we could confirm: it is not sent. */
static void
test_no_code(void **state)
{
	struct hj212_stat st[3];
	char cp[512];
	time_t t = 1748736000;

	(void)state;
	assert_null(hj212_code(PARAM_SD));
	hj212_stat_init(&st[0], "w21011", 3);
	hj212_stat_add(&st[0], 0.052, 'N');
	hj212_stat_init(&st[1], NULL, 2);
	hj212_stat_add(&st[1], 1.2, 'N');
	hj212_stat_init(&st[2], "w01010", 1);
	assert_true(hj212_cp_stats(cp, sizeof(cp), t, st, 3) > 0);
	assert_string_equal(cp, "DataTime=20250601080000;"
	    "w21011-Avg=0.052,w21011-Min=0.052,w21011-Max=0.052,"
	    "w21011-Flag=N;w01010-Flag=B");
}

static int
check_part(const char *pkt, size_t len, void *arg)
{
	char (*items)[8192] = arg, err[LW_ERRLEN];
	struct hj212_msg m;
	size_t used;

	assert_true(len <= HJ212_PKT_MAX);
	assert_int_equal(hj212_parse(pkt, len, &m, &used, err), 1);
	assert_int_equal(used, len);
	assert_true(m.hdr.flag & HJ212_FLAG_D);
	assert_true(m.hdr.pnum > 1);
	assert_true(strncmp(m.cp, "DataTime=20250601080000;", 24) == 0);
	strcat(*items, m.cp + 23);
	return 0;
}

static void
test_split(void **state)
{
	struct hj212_hdr h = { "20250601080000000", 21, 2061, "123456",
	    "LAKEWATCH000000000000001", 5, 0, 0 };
	static char cp[4096], items[8192];
	size_t off;
	int i, n;

	(void)state;
	off = (size_t)snprintf(cp, sizeof(cp), "DataTime=20250601080000");
	for (i = 0; i < 60; i++)
		off += (size_t)snprintf(cp + off, sizeof(cp) - off,
		    ";w%05d-Avg=%d.123,w%05d-Flag=N", 10000 + i, i, 10000 + i);
	items[0] = '\0';
	n = hj212_pack(&h, cp, check_part, &items);
	assert_true(n >= 3);
	/* every item arrives once, in order */
	assert_string_equal(items, cp + 23);
	/* an item that fits in no packet */
	memset(cp, 'x', 1100);
	cp[1100] = '\0';
	assert_int_equal(hj212_pack(&h, cp, check_part, &items), -1);
}

/* our answers: the request's QN, ST 91, Flag 4, the CP asked for */
static void
test_reply(void **state)
{
	char pkt[HJ212_PKT_MAX + 1], err[LW_ERRLEN], big[1100];
	struct hj212_msg m;
	size_t used;
	int n;

	(void)state;
	n = hj212_reply("20250601080000123", HJ212_ST_SYSTEM, HJ212_CN_QNRTN,
	    "123456", "LAKEWATCH000000000000001", "QnRtn=1", pkt);
	/* length and CRC as tests/peers/platform.py computes them */
	assert_string_equal(pkt, "##0094QN=20250601080000123;ST=91;CN=9011;"
	    "PW=123456;MN=LAKEWATCH000000000000001;Flag=4;CP=&&QnRtn=1&&"
	    "F281\r\n");
	assert_int_equal(n, 106);
	assert_int_equal(hj212_parse(pkt, (size_t)n, &m, &used, err), 1);
	assert_int_equal(m.hdr.flag, HJ212_FLAG_V2017);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(hj212_reply("20250601080000123", 91, 9012, "1",
	    "2", big, pkt), -1);
}

/* parse a platform request of CN with PW, MN and CP */
static void
request(struct hj212_msg *m, const char *qn, int cn, const char *pw,
    const char *mn, const char *cp)
{
	char seg[HJ212_DATA_MAX + 1], pkt[HJ212_PKT_MAX + 1], err[LW_ERRLEN];
	size_t used;
	int n;

	n = snprintf(seg, sizeof(seg), "QN=%s;ST=91;CN=%d;PW=%s;MN=%s;"
	    "Flag=5;CP=&&%s&&", qn, cn, pw, mn, cp);
	n = hj212_frame(seg, (size_t)n, pkt);
	assert_int_equal(hj212_parse(pkt, (size_t)n, m, &used, err), 1);
}

#define QN	"20250601080000123"
#define PW	"123456"
#define MN	"LAKEWATCH000000000000001"

static void
test_qnrtn(void **state)
{
	struct hj212_msg m;

	(void)state;
	request(&m, QN, 2061, PW, MN, "BeginTime=20250601000000");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), HJ212_QN_READY);
	request(&m, QN, 1011, PW, MN, "");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), HJ212_QN_READY);
	request(&m, QN, 2031, PW, MN, "");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), 1);
	request(&m, QN, 2051, PW, MN, "");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), 1);
	request(&m, QN, 1012, PW, MN, "SystemTime=20250601080000");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), HJ212_QN_REFUSED);
	request(&m, QN, 3020, PW, MN, "");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), HJ212_QN_BAD_CN);
	/* wrong PW comes before an unknown CN, as in the table */
	request(&m, QN, 3020, "000000", MN, "");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), HJ212_QN_BAD_PW);
	request(&m, QN, 1011, PW, "LAKEWATCH000000000000002", "");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), HJ212_QN_BAD_MN);
	request(&m, "2025060108", 1011, PW, MN, "");
	assert_int_equal(hj212_qnrtn(&m, PW, MN), HJ212_QN_BAD_QN);
	assert_int_equal(HJ212_QN_BAD_PW, 3);
	assert_int_equal(HJ212_QN_BAD_MN, 4);
	assert_int_equal(HJ212_QN_BAD_CN, 8);
	assert_int_equal(HJ212_EXE_BAD_COND, 3);
	assert_int_equal(HJ212_EXE_NO_DATA, 100);
}

static void
test_range(void **state)
{
	/* Beijing 2025-06-01 00:00 is 2025-05-31T16:00:00Z */
	const time_t day = 1748707200;
	time_t b, e, first;

	(void)state;
	assert_int_equal(hj212_range("BeginTime=20250601000000,"
	    "EndTime=20250601020000", &b, &e), 0);
	assert_int_equal((long)b, (long)day);
	assert_int_equal((long)(e - b), 7200);
	assert_int_equal(hj212_range("BeginTime=20250601020000;"
	    "EndTime=20250601000000", &b, &e), -1);
	assert_int_equal(hj212_range("BeginTime=20250601000000", &b, &e), -1);
	assert_int_equal(hj212_range("BeginTime=2025060100000x,"
	    "EndTime=20250601000000", &b, &e), -1);
	/* hours 00, 01, 02 start within [00:00, 02:00] */
	assert_int_equal(hj212_periods(day, day + 7200, day + 86400, 3600,
	    &first), 3);
	assert_int_equal((long)first, (long)day);
	/* not yet ended: 02:00-03:00 at 02:59:59 */
	assert_int_equal(hj212_periods(day, day + 7200, day + 3 * 3600 - 1,
	    3600, &first), 2);
	/* a start between hours: the next hour is the first */
	assert_int_equal(hj212_periods(day + 1, day + 7200, day + 86400,
	    3600, &first), 2);
	assert_int_equal((long)first, (long)(day + 3600));
	/* days start at Beijing midnight */
	assert_int_equal(hj212_periods(day - 3600, day + 2 * 86400,
	    day + 3 * 86400, 86400, &first), 3);
	assert_int_equal((long)first, (long)day);
	/* nothing ended yet, an empty range */
	assert_int_equal(hj212_periods(day, day + 600, day + 30, 60, &first),
	    0);
	assert_int_equal(hj212_periods(day + 10, day + 50, day + 3600, 60,
	    &first), 0);
}

/* HJ 212-2025 App. A.1: Flag=9 (this revision, answer), 0087, CRC 2200 */
#define EX2025_SEG "QN=20240601085857223;ST=32;CN=1011;PW=123456;" \
	"MN=010000A8900016F000169DC0;Flag=9;CP=&&&&"

static void
test_example_2025(void **state)
{
	struct hj212_hdr h = { "20240601085857223", 32, 1011, "123456",
	    "010000A8900016F000169DC0", 0, 0, 0 };
	char out[4 * HJ212_PKT_MAX] = "";

	(void)state;
	h.flag = hj212_profile(1)->version | HJ212_FLAG_A;
	assert_int_equal(h.flag, 9);
	assert_int_equal(hj212_pack(&h, "", keep, out), 1);
	assert_string_equal(out, "##0087" EX2025_SEG "2200\r\n");
}

#define PROF_HEAD "QN=20250601090003123;ST=21;CN=2061;PW=123456;" \
	"MN=010000A8900016F000169DC0;Flag="
#define PROF_CP "CP=&&DataTime=20250601080000;w21011-Avg=0.055," \
	"w21011-Min=0.050,w21011-Max=0.060,w21011-Flag=N;w01010-Flag=B&&"

/* One hour of TP and none of temperature, answered, in each profile */
static void
test_profiles(void **state)
{
	static const struct { const char *name, *pkt; } want[] = {
		{ "hj212", "##0189" PROF_HEAD "5;" PROF_CP "BE01\r\n" },
		{ "hj212-2025", "##0189" PROF_HEAD "9;" PROF_CP "AF01\r\n" },
		{ "hj1404", "##0189" PROF_HEAD "5;" PROF_CP "BE01\r\n" },
	};
	struct hj212_hdr h = { "20250601090003123", 21, HJ212_CN_HOUR,
	    "123456", "010000A8900016F000169DC0", 0, 0, 0 };
	struct hj212_stat st[2];
	char cp[512];
	size_t i;

	(void)state;
	hj212_stat_init(&st[0], "w21011", 3);
	hj212_stat_add(&st[0], 0.050, 'N');
	hj212_stat_add(&st[0], 0.060, 'N');
	hj212_stat_add(&st[0], 0.900, 'C');	/* a check: not averaged */
	hj212_stat_init(&st[1], "w01010", 1);
	assert_true(hj212_cp_stats(cp, sizeof(cp), 1748736000, st, 2) > 0);
	for (i = 0; i < 3; i++) {
		char out[4 * HJ212_PKT_MAX] = "";
		const struct hj212_profile *p = hj212_profile((int)i);

		assert_string_equal(p->name, want[i].name);
		h.flag = p->version | HJ212_FLAG_A;
		assert_int_equal(hj212_pack(&h, cp, keep, out), 1);
		assert_string_equal(out, want[i].pkt);
	}
	assert_true(hj212_profile(1)->mn_hex && !hj212_profile(0)->mn_hex);
	assert_true(hj212_profile(2)->qc && hj212_profile(2)->status);
	assert_true(!hj212_profile(0)->qc && !hj212_profile(1)->status);
	assert_string_equal(hj212_profile(7)->name, "hj212");
}

/* hj1404: a standard check's result as CN=3020; the working states */
static void
test_info_1404(void **state)
{
	struct hj212_hdr h = { "20250601090003124", 21, HJ212_CN_INFO,
	    "123456", "010000A8900016F000169DC0", 5, 0, 0 };
	char cp[256], out[4 * HJ212_PKT_MAX] = "";

	(void)state;
	assert_true(hj212_cp_info(cp, sizeof(cp), 1748737800, "w21011",
	    "i12101-Info=5;w21011-Rtd=0.500,w21011-Flag=C") > 0);
	assert_int_equal(hj212_pack(&h, cp, keep, out), 1);
	assert_string_equal(out, "##0168QN=20250601090003124;ST=21;CN=3020;"
	    "PW=123456;MN=010000A8900016F000169DC0;Flag=5;CP=&&DataTime="
	    "20250601083000;PolId=w21011;i12101-Info=5;w21011-Rtd=0.500,"
	    "w21011-Flag=C&&2800\r\n");
	assert_int_equal(hj212_cp_info(cp, 20, 0, "w21011", "x"), -1);
	assert_int_equal(hj212_state('N'), 1);
	assert_int_equal(hj212_state('M'), 3);
	assert_int_equal(hj212_state('D'), 4);
	assert_int_equal(hj212_state('C'), 5);
	assert_int_equal(hj212_state('F'), 0);
	assert_int_equal(hj212_state('B'), -1);
}

/* CN=2011: the latest sample with its own flag; none is B, never 0 */
static void
test_rtd(void **state)
{
	struct hj212_rtd r[4] = {
		{ "w21011", 3, 0.0514, 'N' },
		{ "w01010", 1, 21.04, 'C' },
		{ "w01009", 2, NAN, 'N' },
		{ "w01001", 2, 0, 0 },
	};
	char cp[256];
	int n;

	(void)state;
	n = hj212_cp_rtd(cp, sizeof(cp), 1748736000, r, 4);
	assert_int_equal(n, (int)strlen(cp));
	assert_string_equal(cp, "DataTime=20250601080000;w21011-Rtd=0.051,"
	    "w21011-Flag=N;w01010-Rtd=21.0,w01010-Flag=C;w01009-Flag=D;"
	    "w01001-Flag=B");
	assert_int_equal(hj212_cp_rtd(cp, 30, 1748736000, r, 4), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_pack_one),
		cmocka_unit_test(test_parse_example),
		cmocka_unit_test(test_parse_commands),
		cmocka_unit_test(test_parse_refuses),
		cmocka_unit_test(test_codes),
		cmocka_unit_test(test_no_code),
		cmocka_unit_test(test_hourly),
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_qnrtn),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_example_2025),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_info_1404),
		cmocka_unit_test(test_rtd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
