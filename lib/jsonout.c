/*
 * jsonout.c: a big JSON document written a member at a time (stdio's
 * _unlocked calls: the FILE is the writer's own)
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "util.h"

static void	put_value(struct jsonout *, const json_t *);

void
jsonout_begin_file(struct jsonout *o, FILE *f, size_t flags)
{
	o->f = f;
	o->depth = 0;
	o->first[0] = 1;
	o->flags = flags;
	o->in = 0;
	o->infirst[0] = 1;
	putc_unlocked('{', o->f);
}

int
jsonout_finish(struct jsonout *o)
{
	fputs_unlocked("\n}\n", o->f);
	return ferror(o->f) ? -1 : 0;
}

/* V as text in one piece (json_dumpf would write it token by token) */
static void
put_value(struct jsonout *o, const json_t *v)
{
	char buf[4096], *big;
	size_t n;

	n = json_dumpb(v, buf, sizeof(buf), o->flags | JSON_ENCODE_ANY);
	if (n > 0 && n <= sizeof(buf)) {
		fwrite_unlocked(buf, 1, n, o->f);
		return;
	}
	if ((big = json_dumps(v, o->flags | JSON_ENCODE_ANY)) == NULL) {
		fputs_unlocked("null", o->f);
		return;
	}
	fputs_unlocked(big, o->f);
	free(big);
}

/*
 * String S as jansson writes it. Printable ASCII without quote or
 * backslash (names, times) is copied; anything else is jansson's (escapes,
 * UTF-8 checked); not UTF-8 is written as BAD (NULL: null).
 */
static void
put_str_or(struct jsonout *o, const char *s, const char *bad)
{
	const unsigned char *u;
	json_t *j;

	for (u = (const unsigned char *)s; *u != 0; u++)
		if (*u < 0x20 || *u >= 0x7f || *u == '"' || *u == '\\')
			break;
	if (*u == 0) {
		putc_unlocked('"', o->f);
		fwrite_unlocked(s, 1, (size_t)(u - (const unsigned char *)s), o->f);
		putc_unlocked('"', o->f);
		return;
	}
	if ((j = json_string(s)) == NULL && bad != NULL)
		j = json_string(bad);
	if (j == NULL)
		fputs_unlocked("null", o->f);
	else
		put_value(o, j);
	json_decref(j);
}

static void
put_str(struct jsonout *o, const char *s)
{
	put_str_or(o, s, NULL);
}

/* the separator, the key if any */
static void
member(struct jsonout *o, const char *key)
{
	if (!o->first[o->depth])
		putc_unlocked(',', o->f);
	o->first[o->depth] = 0;
	putc_unlocked('\n', o->f);
	if (key == NULL)
		return;
	put_str_or(o, key, "?");	/* not UTF-8: conf refuses */
	fputs_unlocked(": ", o->f);
}

void
jsonout_add(struct jsonout *o, const char *key, json_t *v)
{
	member(o, key);
	if (v == NULL)
		fputs_unlocked("null", o->f);
	else
		put_value(o, v);
	json_decref(v);
}

void
jsonout_open(struct jsonout *o, const char *key, char bracket)
{
	member(o, key);
	putc_unlocked(bracket, o->f);
	if (o->depth + 1 < JSONOUT_DEPTH)
		o->first[++o->depth] = 1;
}

void
jsonout_close(struct jsonout *o, char bracket)
{
	if (o->depth > 0)
		o->depth--;
	putc_unlocked('\n', o->f);
	putc_unlocked(bracket, o->f);
}

/*
 * The typed members below write what jsonout_add of the jansson value
 * would, without the value: a station's status.json was a fifth of the
 * daemon's CPU, most of it building, dumping and freeing small trees and
 * snprintf for every number. Whatever the fast paths do not cover goes
 * through jansson itself, so the text is the same (test_jsonout).
 */

/* the separator and key of a member inside jsonout_obj */
static void
inmember(struct jsonout *o, const char *key)
{
	if (!o->infirst[o->in])
		putc_unlocked(',', o->f);
	o->infirst[o->in] = 0;
	if (key == NULL)
		return;
	put_str(o, key);
	putc_unlocked(':', o->f);
}

static void
typed_member(struct jsonout *o, const char *key)
{
	if (o->in > 0)
		inmember(o, key);
	else
		member(o, key);
}

void
jsonout_obj(struct jsonout *o, const char *key)
{
	typed_member(o, key);
	putc_unlocked('{', o->f);
	if (o->in + 1 < JSONOUT_DEPTH)
		o->infirst[++o->in] = 1;
}

void
jsonout_obj_end(struct jsonout *o)
{
	if (o->in > 0)
		o->in--;
	putc_unlocked('}', o->f);
}

void
jsonout_str(struct jsonout *o, const char *key, const char *s)
{
	typed_member(o, key);
	if (s == NULL)
		fputs_unlocked("null", o->f);
	else
		put_str(o, s);
}

void
jsonout_int(struct jsonout *o, const char *key, long long v)
{
	char buf[24], *p = buf + sizeof(buf);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	typed_member(o, key);
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	fwrite_unlocked(p, 1, (size_t)(buf + sizeof(buf) - p), o->f);
}

void
jsonout_real(struct jsonout *o, const char *key, double v)
{
	char buf[64];
	size_t n;
	int prec = (int)((o->flags >> 11) & 0x1F);

	typed_member(o, key);
	n = jsonout_fmt_real(v, prec, buf, sizeof(buf));
	if (n == 0)
		fputs_unlocked("null", o->f);	/* not finite: json_real refuses */
	else
		fwrite_unlocked(buf, 1, n, o->f);
}

void
jsonout_bool(struct jsonout *o, const char *key, int v)
{
	typed_member(o, key);
	fputs_unlocked(v ? "true" : "false", o->f);
}

void
jsonout_null(struct jsonout *o, const char *key)
{
	typed_member(o, key);
	fputs_unlocked("null", o->f);
}

/* jansson's text of real D of PREC digits, or 0 (not finite) */
static size_t
jansson_real(double d, int prec, char *buf, size_t len)
{
	json_t *j;
	size_t n;

	if ((j = json_real(d)) == NULL)
		return 0;
	n = json_dumpb(j, buf, len, JSON_ENCODE_ANY | JSON_REAL_PRECISION(prec));
	json_decref(j);
	return n < len ? n : 0;
}

/* jansson's text: "%.*g", and ".0" if that looks like an integer */
size_t
jsonout_fmt_real(double d, int prec, char *buf, size_t len)
{
	size_t n;

	if (len < 40 || (n = fmt_g_fast(d, prec, buf, len - 3)) == 0)
		return jansson_real(d, prec, buf, len);
	if (memchr(buf, '.', n) == NULL) {
		memcpy(buf + n, ".0", 3);
		n += 2;
	}
	return n;
}
