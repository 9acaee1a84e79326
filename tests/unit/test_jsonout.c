/*
 * test_jsonout: the typed members write the text jsonout_add of the
 * jansson value writes (status.json's readers and tests see no change),
 * reals above all: the fast "%.10g" against jansson's over millions of
 * values, near-ties and powers of ten included.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/jsonout.h"
#include "reps.h"

static void
jansson_text(double d, int prec, char *buf, size_t len)
{
	json_t *j = json_real(d);
	size_t n;

	assert_non_null(j);
	n = json_dumpb(j, buf, len - 1, JSON_ENCODE_ANY |
	    JSON_REAL_PRECISION(prec));
	json_decref(j);
	assert_true(n > 0 && n < len);
	buf[n] = '\0';
}

static int
same(double d, int prec)
{
	char want[64], got[64];
	size_t n;

	jansson_text(d, prec, want, sizeof(want));
	n = jsonout_fmt_real(d, prec, got, sizeof(got));
	got[n < sizeof(got) ? n : 0] = '\0';
	if (strcmp(want, got) == 0)
		return 1;
	fprintf(stderr, "%.17g prec %d: jansson %s, jsonout %s\n", d, prec,
	    want, got);
	return 0;
}

/* a reproducible stream of 64 random bits */
static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void
test_real_random(void **state)
{
	uint64_t s = 88172645463325252ULL, b;
	double d;
	long i, bad = 0;

	(void)state;
	for (i = 0; i < reps(2000000); i++) {
		/* any magnitude from 1e-6 to 1e11, any mantissa */
		b = next(&s);
		d = ldexp((double)(b >> 11) / 9007199254740992.0 + 1,
		    (int)(next(&s) % 57) - 20);
		if (b & 1)
			d = -d;
		bad += !same(d, 10);
		if (i % 20 == 0)
			bad += !same(d, 1 + (int)(b >> 60) % 10);
	}
	assert_int_equal(bad, 0);
}

/* decimals as sensors give them, and ties and powers of ten +- ulps */
static void
test_real_decimal(void **state)
{
	static const double p10[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7,
	    1e8, 1e9, 1e10, 1e11 };
	uint64_t s = 1234567ULL;
	double d, u;
	long i, bad = 0;
	int k, j, prec;

	(void)state;
	for (i = 0; i < reps(300000); i++) {
		k = (int)(next(&s) % 12);
		d = (double)(long long)(next(&s) % 100000000000ULL) / p10[k];
		bad += !same(d, 10);
		/* a five after the tenth digit, and a hair either side */
		d = ((double)(long long)(next(&s) % 10000000000ULL) + 0.5) /
		    p10[k];
		bad += !same(d, 10);
		u = d;
		for (j = 0; j < 3; j++)
			bad += !same(u = nextafter(u, 0), 10);
		u = d;
		for (j = 0; j < 3; j++)
			bad += !same(u = nextafter(u, DBL_MAX), 10);
	}
	for (k = -8; k <= 12; k++) {
		d = pow(10, k);
		for (prec = 1; prec <= 10; prec++) {
			u = d;
			for (j = 0; j < 4; j++)
				bad += !same(u = nextafter(u, 0), prec);
			u = d;
			for (j = 0; j < 4; j++)
				bad += !same(u = nextafter(u, DBL_MAX), prec);
			bad += !same(d, prec) + !same(-d, prec);
			bad += !same(d * (1 - 5e-11), prec);
			bad += !same(d * (1 - 4e-11), prec);
			bad += !same(9.5 * d, prec) + !same(9.99999999951 * d,
			    prec);
		}
	}
	bad += !same(0.0, 10) + !same(-0.0, 10) + !same(DBL_MIN, 10) +
	    !same(DBL_MAX, 10) + !same(1e-5, 10) + !same(123456789012.0, 10);
	assert_int_equal(bad, 0);
}

static void
test_real_not_finite(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(jsonout_fmt_real(NAN, 10, buf, sizeof(buf)), 0);
	assert_int_equal(jsonout_fmt_real(INFINITY, 10, buf, sizeof(buf)), 0);
}

static char *
file_text(FILE *f)
{
	long n;
	char *s;

	fflush(f);
	n = ftell(f);
	assert_true(n > 0);
	assert_non_null(s = calloc(1, (size_t)n + 1));
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	return s;
}

static const char *const strs[] = { "dev0001", "", "a \"quoted\" \\ name",
	"tab\there\nnl\x01\x1f\x7f", "总磷 TP µg/L", "/slash/",
	"2026-12-03T22:21:50Z" };

/* the same document by jansson values and by typed members */
static void
test_doc_same(void **state)
{
	FILE *a = tmpfile(), *b = tmpfile();
	struct jsonout o, p;
	char *ta, *tb;
	size_t i;
	json_t *inner, *arr;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	jsonout_begin_file(&o, a, JSON_COMPACT | JSON_REAL_PRECISION(10));
	jsonout_begin_file(&p, b, JSON_COMPACT | JSON_REAL_PRECISION(10));
	jsonout_add(&o, "version", json_string("0.1.0"));
	jsonout_str(&p, "version", "0.1.0");
	jsonout_add(&o, "pid", json_integer(4242));
	jsonout_int(&p, "pid", 4242);
	jsonout_add(&o, "now", json_real(1796336581.0));
	jsonout_real(&p, "now", 1796336581.0);
	jsonout_add(&o, "metrics", json_null());
	jsonout_null(&p, "metrics");
	jsonout_add(&o, "core", json_pack("{s:I, s:I, s:b, s:f}", "min",
	    (json_int_t)LLONG_MIN, "max", (json_int_t)LLONG_MAX, "up", 1,
	    "r", -0.000123456789012));
	jsonout_obj(&p, "core");
	jsonout_int(&p, "min", LLONG_MIN);
	jsonout_int(&p, "max", LLONG_MAX);
	jsonout_bool(&p, "up", 1);
	jsonout_real(&p, "r", -0.000123456789012);
	jsonout_obj_end(&p);
	jsonout_open(&o, "sensors", '[');
	jsonout_open(&p, "sensors", '[');
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		inner = json_object();
		json_object_set_new(inner, "since", json_string(strs[i]));
		json_object_set_new(inner, "n", json_integer(-(json_int_t)i));
		json_object_set_new(inner, "rate", i % 2 ? json_null() :
		    json_real(100.0 * (double)i / 7));
		arr = json_pack("{s:s?, s:b, s:o, s:o}", "name", strs[i],
		    "firing", 0, "today", inner, "empty", json_object());
		jsonout_add(&o, NULL, arr);
		jsonout_obj(&p, NULL);
		jsonout_str(&p, "name", strs[i]);
		jsonout_bool(&p, "firing", 0);
		jsonout_obj(&p, "today");
		jsonout_str(&p, "since", strs[i]);
		jsonout_int(&p, "n", -(long long)i);
		if (i % 2)
			jsonout_null(&p, "rate");
		else
			jsonout_real(&p, "rate", 100.0 * (double)i / 7);
		jsonout_obj_end(&p);
		jsonout_obj(&p, "empty");
		jsonout_obj_end(&p);
		jsonout_obj_end(&p);
	}
	jsonout_close(&o, ']');
	jsonout_close(&p, ']');
	for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
		jsonout_add(&o, strs[i], json_string(strs[i]));
		jsonout_str(&p, strs[i], strs[i]);
	}
	/* not UTF-8 (conf refuses such names): "?" as a key, null a value */
	jsonout_add(&o, "bad \xff", json_string("bad \xff"));
	jsonout_str(&p, "bad \xff", "bad \xff");
	assert_int_equal(jsonout_finish(&o), 0);
	assert_int_equal(jsonout_finish(&p), 0);
	ta = file_text(a);
	tb = file_text(b);
	if (strcmp(ta, tb) != 0)
		fprintf(stderr, "jansson:\n%s\njsonout:\n%s\n", ta, tb);
	assert_string_equal(ta, tb);
	free(ta);
	free(tb);
	fclose(a);
	fclose(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_random),
		cmocka_unit_test(test_real_decimal),
		cmocka_unit_test(test_real_not_finite),
		cmocka_unit_test(test_doc_same),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
