/*
 * jsonout.h: a big JSON document written a member at a time
 *
 * status.json and state.json describe every sensor; built as one jansson
 * tree, 3000 sensors are tens of megabytes of small allocations for a
 * moment, which the heap then keeps. Here only one member is a tree at a
 * time and the text goes straight to a file.
 */
#ifndef LW_JSONOUT_H
#define LW_JSONOUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define JSONOUT_DEPTH	4

struct jsonout {
	FILE	*f;
	int	 depth;
	int	 first[JSONOUT_DEPTH];
	size_t	 flags;		/* json_dumpf flags for the members */
	int	 in;		/* jsonout_obj nesting, compact */
	int	 infirst[JSONOUT_DEPTH];
};

/* Start a document (an object) written to F (not closed by the end). */
void	jsonout_begin_file(struct jsonout *, FILE *f, size_t flags);
/* End the document: 0, or -1 (F failed). */
int	jsonout_finish(struct jsonout *);
/* Add member KEY (NULL inside an array) with value V, which is stolen. */
void	jsonout_add(struct jsonout *, const char *key, json_t *v);
/* Open member KEY (NULL inside an array) as '[' or '{'. */
void	jsonout_open(struct jsonout *, const char *key, char bracket);
void	jsonout_close(struct jsonout *, char bracket);

/*
 * The same text as jsonout_add of a jansson value, written directly: no
 * tree to build, dump and free (status.json every poll round). Inside
 * jsonout_obj the members are compact, as json_dumpb writes them.
 */
void	jsonout_obj(struct jsonout *, const char *key);
void	jsonout_obj_end(struct jsonout *);
void	jsonout_str(struct jsonout *, const char *key, const char *s);
void	jsonout_int(struct jsonout *, const char *key, long long v);
void	jsonout_real(struct jsonout *, const char *key, double v);
void	jsonout_bool(struct jsonout *, const char *key, int v);
void	jsonout_null(struct jsonout *, const char *key);

/* D as jansson writes a real of PREC (1-17) digits; the length. */
size_t	jsonout_fmt_real(double d, int prec, char *buf, size_t len);

#endif
