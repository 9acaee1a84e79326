/*
 * test_conf.c: lakewatch.conf parsing. Run from tests/ (tests/run.sh
 * does): every conf/bad/NN-name.conf must be refused with exactly the
 * first line of conf/bad/NN-name.err; adding a pair adds a case.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../lib/check.h"
#include "../../lib/conf.h"

#define BAD_DIR	"conf/bad"
#define ETC	"../etc"

static char tmp[64];

static int
mk_tmp(void **state)
{
	(void)state;
	return tmpdir_make(tmp, sizeof(tmp), "conf");
}

static int
rm_tmp(void **state)
{
	(void)state;
	return tmpdir_remove(tmp);
}

/* Write TEXT to <tmp>/NAME with MODE; the path goes to PATH. */
static void
write_file(const char *name, const char *text, mode_t mode, char *path,
    size_t len)
{
	FILE *fp;

	snprintf(path, len, "%s/%s", tmp, name);
	if ((fp = fopen(path, "w")) == NULL)
		fail_msg("%s: cannot create", path);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

/* Load TEXT as <tmp>/t.conf; fails the test if it is refused. */
static struct conf *
load_ok(const char *text)
{
	char path[128], err[LW_ERRLEN];
	struct conf *c;

	write_file("t.conf", text, 0644, path, sizeof(path));
	if ((c = conf_load(path, err)) == NULL)
		fail_msg("refused: %s", err);
	return c;
}

/* The first line of FILE into BUF, without its newline. */
static void
first_line(const char *file, char *buf, size_t len)
{
	FILE *fp;

	if ((fp = fopen(file, "r")) == NULL)
		fail_msg("%s: missing (each .conf needs its .err)", file);
	if (fgets(buf, (int)len, fp) == NULL)
		buf[0] = '\0';
	fclose(fp);
	buf[strcspn(buf, "\n")] = '\0';
}

/* One case of the corpus: STATE is the path of the .conf. */
static void
test_bad_file(void **state)
{
	const char *conf = *state;
	char errfile[512], want[LW_ERRLEN], err[LW_ERRLEN];
	struct conf *c;

	snprintf(errfile, sizeof(errfile), "%.*s.err",
	    (int)(strlen(conf) - 5), conf);
	first_line(errfile, want, sizeof(want));
	c = conf_load(conf, err);
	if (c != NULL) {
		conf_free(c);
		fail_msg("%s: accepted, want \"%s\"", conf, want);
	}
	assert_string_equal(err, want);
}

static void
test_missing_file(void **state)
{
	char err[LW_ERRLEN];

	(void)state;
	assert_null(conf_load("conf/no-such.conf", err));
	assert_string_equal(err,
	    "conf/no-such.conf: No such file or directory");
}

static void
test_secret_file_mode(void **state)
{
	char conf[128], secret[128], want[LW_ERRLEN], err[LW_ERRLEN];
	struct conf *c;

	(void)state;
	write_file("secret", "k3y\n", 0644, secret, sizeof(secret));
	write_file("t.conf", "[webhook ops]\n"
	    "url = https://example.invalid/hook\n"
	    "secret_file = secret\n", 0644, conf, sizeof(conf));
	assert_null(conf_load(conf, err));
	snprintf(want, sizeof(want), "%s:3: secret_file '%s' is readable by "
	    "others (mode 644); chmod 600 it", conf, secret);
	assert_string_equal(err, want);

	assert_int_equal(chmod(secret, 0600), 0);
	if ((c = conf_load(conf, err)) == NULL)
		fail_msg("refused: %s", err);
	assert_int_equal(c->nwebhook, 1);
	assert_string_equal(c->webhooks[0].secret, "k3y");
	conf_free(c);
}

/* a FIFO (or a device) as secret_file is refused, not read: a read
 * would wait for a writer and hang the load (found by fuzz_conf) */
static void
test_secret_file_fifo(void **state)
{
	char conf[128], fifo[128], want[LW_ERRLEN], err[LW_ERRLEN];

	(void)state;
	snprintf(fifo, sizeof(fifo), "%s/fifo", tmp);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	write_file("t.conf", "[webhook ops]\n"
	    "url = https://example.invalid/hook\n"
	    "secret_file = fifo\n", 0644, conf, sizeof(conf));
	assert_null(conf_load(conf, err));
	snprintf(want, sizeof(want), "%s:3: secret_file '%s' is not a "
	    "regular file", conf, fifo);
	assert_string_equal(err, want);
	unlink(fifo);

	write_file("t.conf", "[webhook ops]\n"
	    "url = https://example.invalid/hook\n"
	    "secret_file = /dev/zero\n", 0644, conf, sizeof(conf));
	assert_null(conf_load(conf, err));
	snprintf(want, sizeof(want), "%s:3: secret_file '/dev/zero' is not a "
	    "regular file", conf);
	assert_string_equal(err, want);
}

static void
load_etc(const char *path)
{
	char err[LW_ERRLEN];
	struct conf *c;

	if ((c = conf_load(path, err)) == NULL)
		fail_msg("%s", err);
	assert_true(c->nsensor > 0);
	assert_true(c->nbus > 0);
	conf_free(c);
}

static void
test_etc_lakewatch(void **state)
{
	(void)state;
	load_etc(ETC "/lakewatch.conf");
}

/* etc/demo.conf is a template: tests/demo.sh fills in @PORT@ and @HOOK@. */
static void
test_etc_demo(void **state)
{
	char line[1024], path[128], *at;
	FILE *in, *out;

	(void)state;
	if ((in = fopen(ETC "/demo.conf", "r")) == NULL)
		fail_msg(ETC "/demo.conf: missing");
	snprintf(path, sizeof(path), "%s/demo.conf", tmp);
	assert_non_null(out = fopen(path, "w"));
	while (fgets(line, sizeof(line), in) != NULL) {
		if ((at = strstr(line, "@PORT@")) != NULL)
			fprintf(out, "%.*s1502%s", (int)(at - line), line,
			    at + 6);
		else if ((at = strstr(line, "@HOOK@")) != NULL)
			fprintf(out, "%.*shttp://127.0.0.1:1/hook%s",
			    (int)(at - line), line, at + 6);
		else
			fputs(line, out);
	}
	fclose(in);
	fclose(out);
	load_etc(path);
}

/* parameter = sd: transparency in m, no GB 3838 class, no HJ 212 code */
static void
test_sd(void **state)
{
	struct conf *c;
	const struct conf_sensor *s;

	(void)state;
	c = load_ok("[sensor sd]\nbus = b\nregister = 0\nparameter = sd\n"
	    "water_body = lake\n[bus b]\nhost = 127.0.0.1\n"
	    "[daemon]\nstate_dir = state\n");
	s = &c->sensors[conf_sensor_find(c, "sd")];
	assert_int_equal(s->parameter, PARAM_SD);
	assert_string_equal(s->unit_label, "m");
	assert_int_equal(s->decimals, 2);
	assert_null(s->hj212_code);
	conf_free(c);
}

static void
test_defaults(void **state)
{
	struct conf *c;
	const struct conf_sensor *a, *b;
	const struct conf_bus *tcp, *rtu;
	char want[128];

	(void)state;
	c = load_ok("[sensor a]\n"
	    "bus = tcp1\n"
	    "register = 0\n"
	    "parameter = tp\n"
	    "\n"
	    "[sensor b]\n"
	    "bus = rtu1\n"
	    "register = 4\n"
	    "status_register = 6\n"
	    "parameter = temp\n"
	    "interval = 10\n"
	    "site = 长荡湖湖心 ; the lake centre\n"
	    "\n"
	    "[bus tcp1]\n"
	    "host = 127.0.0.1\n"
	    "\n"
	    "[bus rtu1]\n"
	    "device = /dev/ttyUSB0\n"
	    "\n"
	    "[daemon]\n"
	    "interval = 30\n"
	    "state_dir = state\n");
	assert_int_equal(c->nsensor, 2);
	a = &c->sensors[conf_sensor_find(c, "a")];
	b = &c->sensors[conf_sensor_find(c, "b")];
	tcp = &c->buses[conf_bus_find(c, "tcp1")];
	rtu = &c->buses[conf_bus_find(c, "rtu1")];
	assert_int_equal(a->interval, 30);	/* [daemon] came later */
	assert_int_equal(b->interval, 10);
	assert_int_equal(a->bus, conf_bus_find(c, "tcp1"));
	assert_int_equal(b->bus, conf_bus_find(c, "rtu1"));
	assert_int_equal(a->decimals, 3);
	assert_string_equal(a->unit_label, "mg/L");
	assert_string_equal(a->site, "a");
	/* 长荡湖湖心, byte for byte, and its NUL */
	assert_memory_equal(b->site, "\xe9\x95\xbf\xe8\x8d\xa1\xe6\xb9\x96"
	    "\xe6\xb9\x96\xe5\xbf\x83", 16);
	assert_int_equal(a->unit, 1);
	assert_int_equal(a->function, 0);
	assert_int_equal(a->type, TYPE_FLOAT32);
	assert_int_equal(a->order, ORDER_ABCD);
	assert_true(a->scale == 1 && a->offset == 0);
	assert_int_equal(a->status_reg, -1);
	assert_int_equal(a->status_map, STATUS_NONE);
	assert_int_equal(b->status_map, STATUS_I12101);
	assert_int_equal(a->water_body, WATER_LAKE);
	assert_int_equal(a->target_class, 3);
	assert_true(isnan(a->range_min) && isnan(a->range_max));
	/* TP's plausible range by default (gb3838_plausible): TP >= 0 */
	assert_true(a->plausible_min == 0 && a->plausible_max == 100);
	assert_false(conf_plausible(a, -9487.25));
	assert_false(conf_plausible(a, NAN));
	assert_true(conf_plausible(a, 0) && conf_plausible(a, 0.05));
	assert_int_equal(tcp->type, BUS_TCP);
	assert_int_equal(tcp->port, 502);
	assert_true(tcp->gap == 0);
	assert_int_equal(rtu->type, BUS_RTU);
	assert_true(fabs(rtu->gap - 0.05) < 1e-12);
	assert_int_equal(rtu->baud, 9600);
	assert_int_equal(rtu->parity, 'N');
	snprintf(want, sizeof(want), "%s/state", tmp);
	assert_string_equal(c->state_dir, want);
	assert_int_equal(c->interval, 30);
	conf_free(c);
}

/*
 * store_batch's default: 10 s at a 1 s station, six of the shortest
 * interval at a slow one (a 10 s station writes six readings an RRD
 * update, not one), at most a minute.
 */
static void
test_store_batch_default(void **state)
{
	static const struct { const char *iv; double want; } t[] = {
		{ "1", 10 }, { "2", 12 }, { "10", 60 }, { "60", 60 },
	};
	char text[256];
	struct conf *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "[daemon]\nstate_dir = state\n"
		    "interval = 60\n[bus b]\nhost = 127.0.0.1\n"
		    "[sensor s]\nbus = b\nregister = 0\ninterval = %s\n"
		    "[sensor u]\nbus = b\nregister = 2\n", t[i].iv);
		c = load_ok(text);
		assert_true(c->store_batch == t[i].want);
		conf_free(c);
	}
}

static void
test_overrides(void **state)
{
	struct conf *c;
	const struct conf_sensor *s;

	(void)state;
	c = load_ok("[daemon]\n"
	    "state_dir = /srv/lw\n"
	    "[bus b]\n"
	    "type = rtu\n"
	    "device = /dev/ttyS1\n"
	    "parity = e\n"
	    "gap = 0.2\n"
	    "timeout = 1500ms\n"
	    "[sensor s]\n"
	    "bus = b\n"
	    "register = 0x10\n"
	    "parameter = tp\n"
	    "function = input\n"
	    "type = int16\n"
	    "word_order = CDAB\n"
	    "scale = 0.001\n"
	    "decimals = 4\n"
	    "water_body = river\n"
	    "target_class = II\n"
	    "unit_label = µg/L\n"
	    "plausible_min = -0.01\n");
	s = &c->sensors[0];
	assert_true(s->plausible_min == -0.01 && s->plausible_max == 100);
	assert_string_equal(c->state_dir, "/srv/lw");
	assert_int_equal(c->buses[0].parity, 'E');
	assert_true(fabs(c->buses[0].gap - 0.2) < 1e-12);
	assert_true(fabs(c->buses[0].timeout - 1.5) < 1e-12);
	assert_int_equal(s->reg, 16);
	assert_int_equal(s->function, 1);
	assert_int_equal(s->type, TYPE_INT16);
	assert_int_equal(s->order, ORDER_CDAB);
	assert_true(s->scale == 0.001);
	assert_int_equal(s->decimals, 4);
	assert_int_equal(s->water_body, WATER_RIVER);
	assert_int_equal(s->target_class, 2);
	assert_string_equal(s->unit_label, "µg/L");
	assert_int_equal(s->interval, 60);	/* the built-in default */
	conf_free(c);
}

/* Keys indented under their section are keys, not continuation lines. */
static void
test_indented_keys(void **state)
{
	struct conf *c;

	(void)state;
	c = load_ok("[bus lake]\n"
	    "    host = 127.0.0.1\n"
	    "    port = 503\n"
	    "\n"
	    "[sensor s]\n"
	    "\tbus = lake\n"
	    "\tregister = 4\n"
	    "\tparameter = tp\n");
	assert_string_equal(c->buses[0].host, "127.0.0.1");
	assert_int_equal(c->buses[0].port, 503);
	assert_string_equal(c->sensors[0].bus_name, "lake");
	assert_int_equal(c->sensors[0].reg, 4);
	conf_free(c);
}

static void
test_duration(void **state)
{
	static const struct {
		const char	*s;
		double		 secs;
	} ok[] = {
		{ "50ms", 0.05 }, { "1.5s", 1.5 }, { "2m", 120 },
		{ "1h", 3600 }, { "3", 3 }, { "0", 0 }, { "0.25", 0.25 },
	};
	static const char *const bad[] = { "5x", "-1", "", "s", "1 s",
	    "1sec", "ms", "nan", "inf", "-5ms" };
	double d;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		d = -1;
		if (conf_duration(ok[i].s, &d) != 0)
			fail_msg("\"%s\" refused", ok[i].s);
		assert_true(fabs(d - ok[i].secs) < 1e-12);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (conf_duration(bad[i], &d) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
}

static void
test_names(void **state)
{
	(void)state;
	assert_string_equal(conf_type_name(TYPE_UINT32), "uint32");
	assert_string_equal(conf_order_name(ORDER_BADC), "badc");
	assert_string_equal(conf_format_name(FMT_FEISHU), "feishu");
	assert_int_equal(conf_type_width(TYPE_FLOAT32), 2);
	assert_int_equal(conf_type_width(TYPE_INT32), 2);
	assert_int_equal(conf_type_width(TYPE_UINT16), 1);
}

#define ROBOT	"[webhook robot]\n" \
		"url = https://oapi.dingtalk.com/robot/send?access_token=T\n" \
		"format = dingtalk\n"

/* What conf_print (FILE 0) or check_report (1) prints of C; free it. */
static char *
printed(const struct conf *c, int check)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	assert_non_null(fp = open_memstream(&buf, &len));
	if (check)
		check_report(c, fp);
	else
		conf_print(c, fp);
	fclose(fp);
	return buf;
}

static void
has_line(const char *text, const char *line)
{
	const char *s = text;
	size_t n = strlen(line);

	while ((s = strstr(s, line)) != NULL) {
		if ((s == text || s[-1] == '\n') && s[n] == '\n')
			return;
		s += n;
	}
	fail_msg("no line '%s' in:\n%s", line, text);
}

static void
test_mention(void **state)
{
	const struct wh_mention *m;
	struct conf *c;
	char *out;

	(void)state;
	c = load_ok(ROBOT
	    "mention = 13800000000, +8613900000000 ,ALL ; on duty\n"
	    "mention = 13700000000\n"
	    "mention =\n"
	    "keyword = 水质告警\n");
	m = &c->webhooks[0].mention;
	assert_int_equal(m->nmobile, 3);
	assert_string_equal(m->mobile[0], "13800000000");
	assert_string_equal(m->mobile[1], "+8613900000000");
	assert_string_equal(m->mobile[2], "13700000000");
	assert_int_equal(m->all, 1);
	assert_string_equal(c->webhooks[0].keyword, "水质告警");
	out = printed(c, 0);
	has_line(out, "mention = 13800000000,+8613900000000,13700000000,all");
	has_line(out, "keyword = 水质告警");
	free(out);
	conf_free(c);
	/* none: nothing set, printed empty */
	c = load_ok(ROBOT);
	assert_int_equal(c->webhooks[0].mention.nmobile, 0);
	assert_int_equal(c->webhooks[0].mention.all, 0);
	assert_null(c->webhooks[0].mention.mobile);
	assert_null(c->webhooks[0].keyword);
	out = printed(c, 0);
	has_line(out, "mention = ");
	has_line(out, "keyword = ");
	free(out);
	conf_free(c);
	/* the shortest and the longest number */
	c = load_ok(ROBOT "mention = 12345, +1234567890123456789\n");
	assert_int_equal(c->webhooks[0].mention.nmobile, 2);
	assert_int_equal(c->webhooks[0].mention.all, 0);
	conf_free(c);
}

/* 20 entries over two lines; the normal form reads back the same. */
static void
test_mention_twenty(void **state)
{
	char text[1024], path[128], err[LW_ERRLEN];
	struct conf *c, *again;
	size_t i, n;
	char *out;

	(void)state;
	n = (size_t)snprintf(text, sizeof(text), ROBOT "mention = all");
	for (i = 1; i < 20; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "%s1380000%04zu", i == 10 ? "\nmention = " : ", ", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	c = load_ok(text);
	assert_int_equal(c->webhooks[0].mention.nmobile, 19);
	assert_int_equal(c->webhooks[0].mention.all, 1);
	assert_string_equal(c->webhooks[0].mention.mobile[18],
	    "13800000019");
	out = printed(c, 0);
	write_file("again.conf", out, 0644, path, sizeof(path));
	free(out);
	if ((again = conf_load(path, err)) == NULL)
		fail_msg("the normal form is refused: %s", err);
	assert_int_equal(again->webhooks[0].mention.nmobile, 19);
	assert_int_equal(again->webhooks[0].mention.all, 1);
	for (i = 0; i < 19; i++)
		assert_string_equal(again->webhooks[0].mention.mobile[i],
		    c->webhooks[0].mention.mobile[i]);
	conf_free(again);
	conf_free(c);
}

/* Refused, naming the line of the key. */
static void
test_mention_bad(void **state)
{
	static const struct {
		const char	*line, *err;
	} bad[] = {
		{ "mention = 1234", "mention: bad entry '1234'" },
		{ "mention = 123456789012345678901",
		    "mention: bad entry '123456789012345678901'" },
		{ "mention = +", "mention: bad entry '+'" },
		{ "mention = 138 0000 0000",
		    "mention: bad entry '138 0000 0000'" },
		{ "mention = 13800000000,,all", "mention: bad entry ''" },
		{ "mention = 13800000000,", "mention: bad entry ''" },
		{ "mention = ++13800000000",
		    "mention: bad entry '++13800000000'" },
		{ "mention = everyone", "mention: bad entry 'everyone'" },
		{ "mention = 13800000000, 13800000000",
		    "mention: '13800000000' given twice" },
		{ "mention = all\nmention = All",
		    "mention: 'All' given twice" },
		{ "keyword = \xe6\xb0\xb4\xe8", "keyword: bad value" },
	};
	char text[512], path[128], want[LW_ERRLEN], err[LW_ERRLEN];
	struct conf *c;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), ROBOT "%s\n", bad[i].line);
		write_file("t.conf", text, 0644, path, sizeof(path));
		if ((c = conf_load(path, err)) != NULL) {
			conf_free(c);
			fail_msg("'%s' accepted", bad[i].line);
		}
		snprintf(want, sizeof(want), "%s:%d: %s", path,
		    strstr(bad[i].line, "\n") ? 5 : 4, bad[i].err);
		if (strncmp(err, want, strlen(want)) != 0)
			fail_msg("'%s': got \"%s\", want \"%s...\"",
			    bad[i].line, err, want);
	}
}

/* lakewatchd -t / lakewatch check warn of what a format cannot do. */
static void
test_mention_check(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	c = load_ok("[bus b]\nhost = 127.0.0.1\n"
	    "[sensor s]\nbus = b\nregister = 0\n"
	    ROBOT "mention = 13800000000, all\nkeyword = 水质\n"
	    "[webhook wmd]\nurl = http://127.0.0.1/\nformat = wecom\n"
	    "mention = all\n"
	    "[webhook wtext]\nurl = http://127.0.0.1/\nformat = wecom\n"
	    "msgtype = text\nmention = 13800000000, all\n"
	    "[webhook fs]\nurl = http://127.0.0.1/\nformat = feishu\n"
	    "mention = 13800000000\n"
	    "[webhook fsall]\nurl = http://127.0.0.1/\nformat = feishu\n"
	    "mention = all\nkeyword = 水质\n"
	    "[webhook sl]\nurl = http://127.0.0.1/\nformat = slack\n"
	    "mention = 13800000000, all\n"
	    "[webhook js]\nurl = http://127.0.0.1/\nmention = all\n"
	    "keyword = 水质\n"
	    "[webhook am]\nurl = http://127.0.0.1/\nformat = alertmanager\n"
	    "mention = 13800000000\n");
	out = printed(c, 1);
	has_line(out, "webhook 'wmd': WARNING: mention needs msgtype = text "
	    "(wecom markdown cannot mention)");
	has_line(out, "webhook 'fs': WARNING: feishu mentions user ids, not "
	    "mobile numbers: only 'all' is used");
	has_line(out, "webhook 'sl': WARNING: slack cannot mention mobile "
	    "numbers: only 'all' (<!channel>) is used");
	has_line(out, "webhook 'js': WARNING: mention is ignored by formats "
	    "json and alertmanager");
	has_line(out, "webhook 'js': WARNING: keyword is ignored by formats "
	    "json and alertmanager");
	has_line(out, "webhook 'am': WARNING: mention is ignored by formats "
	    "json and alertmanager");
	assert_null(strstr(out, "'robot'"));
	assert_null(strstr(out, "'wtext'"));
	assert_null(strstr(out, "'fsall'"));
	free(out);
	conf_free(c);
}

/*
 * Issue 12, defect 3: sampling = manual (lab or periodic manual samples;
 * default continuous) and the validity fractions per sensor, the
 * [daemon] ones unless a sensor sets its own.
 */
static void
test_sampling(void **state)
{
	struct conf *c;
	char *out;

	(void)state;
	c = load_ok("[daemon]\nmonth_min_fraction = 0.75\n"
	    "[bus b]\ntype = tcp\nhost = 127.0.0.1\n"
	    "[sensor lab]\nbus = b\nregister = 0\nparameter = nh3n\n"
	    "sampling = manual\nday_min_fraction = 0.5\n"
	    "[sensor tp]\nbus = b\nregister = 2\nparameter = tp\n");
	assert_int_equal(c->sensors[0].sampling, SAMPLING_MANUAL);
	assert_true(c->sensors[0].day_min_fraction == 0.5);
	assert_true(c->sensors[0].month_min_fraction == 0.75);
	assert_int_equal(c->sensors[1].sampling, SAMPLING_CONTINUOUS);
	assert_true(c->sensors[1].day_min_fraction == 0.667);
	assert_true(c->sensors[1].month_min_fraction == 0.75);
	out = printed(c, 0);
	has_line(out, "sampling = manual");
	has_line(out, "day_min_fraction = 0.5");
	free(out);
	conf_free(c);
}

static int
is_conf(const struct dirent *de)
{
	size_t n = strlen(de->d_name);

	return n > 5 && strcmp(de->d_name + n - 5, ".conf") == 0;
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test_setup_teardown(test_secret_file_mode,
		    mk_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_secret_file_fifo,
		    mk_tmp, rm_tmp),
		cmocka_unit_test(test_etc_lakewatch),
		cmocka_unit_test_setup_teardown(test_etc_demo, mk_tmp,
		    rm_tmp),
		cmocka_unit_test_setup_teardown(test_defaults, mk_tmp,
		    rm_tmp),
		cmocka_unit_test_setup_teardown(test_sd, mk_tmp,
		    rm_tmp),
		cmocka_unit_test_setup_teardown(test_overrides, mk_tmp,
		    rm_tmp),
		cmocka_unit_test_setup_teardown(test_store_batch_default,
		    mk_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_indented_keys, mk_tmp,
		    rm_tmp),
		cmocka_unit_test_setup_teardown(test_sampling, mk_tmp, rm_tmp),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup_teardown(test_mention, mk_tmp, rm_tmp),
		cmocka_unit_test_setup_teardown(test_mention_twenty, mk_tmp,
		    rm_tmp),
		cmocka_unit_test_setup_teardown(test_mention_bad, mk_tmp,
		    rm_tmp),
		cmocka_unit_test_setup_teardown(test_mention_check, mk_tmp,
		    rm_tmp),
	};
	size_t nfixed = sizeof(fixed) / sizeof(fixed[0]), n, i;
	struct CMUnitTest *tests;
	struct dirent **de;
	char **paths;
	int nde, rc;

	if ((nde = scandir(BAD_DIR, &de, is_conf, alphasort)) <= 0) {
		fprintf(stderr, "test_conf: no %s/*.conf (run from tests/)\n",
		    BAD_DIR);
		return 1;
	}
	n = nfixed + (size_t)nde;
	tests = calloc(n, sizeof(*tests));
	paths = calloc((size_t)nde, sizeof(*paths));
	if (tests == NULL || paths == NULL)
		return 1;
	memcpy(tests, fixed, sizeof(fixed));
	for (i = 0; i < (size_t)nde; i++) {
		if (asprintf(&paths[i], BAD_DIR "/%s", de[i]->d_name) == -1)
			return 1;
		free(de[i]);
		tests[nfixed + i].name = paths[i];
		tests[nfixed + i].test_func = test_bad_file;
		tests[nfixed + i].initial_state = paths[i];
	}
	free(de);
	rc = _cmocka_run_group_tests("test_conf", tests, n, NULL, NULL);
	for (i = 0; i < (size_t)nde; i++)
		free(paths[i]);
	free(paths);
	free(tests);
	return rc;
}
