/* jsonout.c: a big JSON document written a member at a time */
#include <stdlib.h>

#include "jsonout.h"

void
jsonout_begin_file(struct jsonout *o, FILE *f, size_t flags)
{
	o->f = f;
	o->depth = 0;
	o->first[0] = 1;
	o->flags = flags;
	fputc('{', o->f);
}

int
jsonout_finish(struct jsonout *o)
{
	fputs("\n}\n", o->f);
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
		fwrite(buf, 1, n, o->f);
		return;
	}
	if ((big = json_dumps(v, o->flags | JSON_ENCODE_ANY)) == NULL) {
		fputs("null", o->f);
		return;
	}
	fputs(big, o->f);
	free(big);
}

/* the separator, the key if any */
static void
member(struct jsonout *o, const char *key)
{
	json_t *k;

	if (!o->first[o->depth])
		fputc(',', o->f);
	o->first[o->depth] = 0;
	fputc('\n', o->f);
	if (key == NULL)
		return;
	if ((k = json_string(key)) == NULL)	/* not UTF-8: conf refuses */
		k = json_string("?");
	put_value(o, k);
	json_decref(k);
	fputs(": ", o->f);
}

void
jsonout_add(struct jsonout *o, const char *key, json_t *v)
{
	member(o, key);
	if (v == NULL)
		fputs("null", o->f);
	else
		put_value(o, v);
	json_decref(v);
}

void
jsonout_open(struct jsonout *o, const char *key, char bracket)
{
	member(o, key);
	fputc(bracket, o->f);
	if (o->depth + 1 < JSONOUT_DEPTH)
		o->first[++o->depth] = 1;
}

void
jsonout_close(struct jsonout *o, char bracket)
{
	if (o->depth > 0)
		o->depth--;
	fputc('\n', o->f);
	fputc(bracket, o->f);
}
