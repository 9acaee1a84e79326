/*
 * rrdcached.c: a client of rrdcached, as a store_ops backend
 *
 * librrd 1.7.2 as packaged by Debian exports only the rrdc_* calls, which
 * share one connection per process and never time out; a stuck rrdcached
 * would stop the daemon's store (and `lakewatch graph`). The protocol is
 * a few lines of text, so this file speaks it itself (rrdcached(1),
 * "PROTOCOL"): one connection per client, every request bounded by a
 * time-out.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <netdb.h>
#include <rrd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rrdcached.h"
#include "util.h"

#define RRDC_PORT	"42217"
#define RRDC_TIMEOUT	1000	/* ms for a request ... */
#define RRDC_SLOW	30000	/* ... for FLUSH, a migrating CREATE */

struct rrdc {
	int		 fd;		/* -1: not connected */
	int		 timeout;	/* ms, as set on fd */
	int		 timedout;	/* the last failure was a time-out */
	char		*addr;
	char		 in[RRDC_LINE];
	size_t		 inoff, inlen;
};

static int
rc_unix(const char *path, char err[LW_ERRLEN])
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, LW_ERRLEN, "%s: path too long", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, LW_ERRLEN, "%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* "host:port", "[v6]:port" or "host" (port 42217). */
static int
rc_tcp(const char *addr, char err[LW_ERRLEN])
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv = { RRDC_TIMEOUT / 1000, 0 };
	char host[256], *port;
	int fd = -1, rc;

	snprintf(host, sizeof(host), "%s", addr + (addr[0] == '['));
	port = strrchr(host, addr[0] == '[' ? ']' : ':');
	if (port != NULL)
		*port++ = '\0';
	if (port != NULL && *port == ':')
		port++;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port != NULL && *port != '\0' ? port :
	    RRDC_PORT, &hints, &res)) != 0) {
		snprintf(err, LW_ERRLEN, "%s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_CLOEXEC, ai->ai_protocol)) == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			snprintf(err, LW_ERRLEN, "%s: %s", addr,
			    strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

static void
rc_close(void *be)
{
	struct rrdc *rc = be;

	if (rc->fd != -1)
		close(rc->fd);
	rc->fd = -1;
	rc->inoff = rc->inlen = 0;
}

static int
rc_open(void *be, char err[LW_ERRLEN])
{
	struct rrdc *rc = be;
	const char *a = rc->addr;
	char why[LW_ERRLEN];

	rc_close(rc);
	if (strncmp(a, "unix:", 5) == 0)
		rc->fd = rc_unix(a + 5, why);
	else if (a[0] == '/')
		rc->fd = rc_unix(a, why);
	else
		rc->fd = rc_tcp(a, why);
	rc->timeout = 0;
	if (rc->fd == -1) {
		snprintf(err, LW_ERRLEN, "rrdcached: %s", why);
		return STORE_EDOWN;
	}
	return STORE_OK;
}

static void
rc_timeout(struct rrdc *rc, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	if (rc->timeout == ms)
		return;
	setsockopt(rc->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(rc->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	rc->timeout = ms;
}

/* A connection failure: close it and say why (ERRNO, else WHAT). */
static int
rc_lost(struct rrdc *rc, int errnum, const char *what, char err[LW_ERRLEN])
{
	if (errnum == EAGAIN)
		what = "timed out";
	else if (errnum != 0)
		what = strerror(errnum);
	snprintf(err, LW_ERRLEN, "rrdcached %s: %s", rc->addr, what);
	rc->timedout = errnum == EAGAIN;
	rc_close(rc);
	return STORE_EDOWN;
}

static int
rc_send(struct rrdc *rc, const char *buf, size_t len, char err[LW_ERRLEN])
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(rc->fd, buf, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			return rc_lost(rc, errno, NULL, err);
		}
		buf += n;
		len -= (size_t)n;
	}
	return STORE_OK;
}

/* One reply line into LINE (without the newline). */
static int
rc_line(struct rrdc *rc, char *line, size_t len, char err[LW_ERRLEN])
{
	size_t k = 0;
	ssize_t n;
	char ch;

	for (;;) {
		if (rc->inoff == rc->inlen) {
			n = recv(rc->fd, rc->in, sizeof(rc->in), 0);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0)
				return rc_lost(rc, n == 0 ? 0 : errno,
				    "connection closed", err);
			rc->inoff = 0;
			rc->inlen = (size_t)n;
		}
		ch = rc->in[rc->inoff++];
		if (ch == '\n')
			break;
		if (k + 1 < len)
			line[k++] = ch;
	}
	line[k] = '\0';
	return STORE_OK;
}

/*
 * Send request LINE (newline included) and read the reply "STATUS text",
 * handing the STATUS lines that follow a positive one to EACH (if not
 * NULL). STORE_OK with the text in MSG, STORE_EFILE with rrdcached's
 * error in err, or STORE_EDOWN (the connection is closed).
 */
static int
rc_request_each(struct rrdc *rc, const char *line, size_t len, int ms,
    char *msg, size_t msglen, char err[LW_ERRLEN],
    void (*each)(void *, char *), void *arg)
{
	char reply[RRDC_LINE], *text;
	long status;

	if (rc->fd == -1)
		return rc_lost(rc, 0, "not connected", err);
	rc_timeout(rc, ms);
	if (rc_send(rc, line, len, err) != STORE_OK ||
	    rc_line(rc, reply, sizeof(reply), err) != STORE_OK)
		return STORE_EDOWN;
	status = strtol(reply, &text, 10);
	if (text == reply)
		return rc_lost(rc, 0, "garbled reply", err);
	text += strspn(text, " ");
	for (; status > 0; status--) {
		if (rc_line(rc, msg, msglen, err) != STORE_OK)
			return STORE_EDOWN;
		if (each != NULL)
			each(arg, msg);
	}
	if (status < 0) {
		snprintf(err, LW_ERRLEN, "rrdcached: %s", text);
		return STORE_EFILE;
	}
	snprintf(msg, msglen, "%s", text);
	return STORE_OK;
}

static int
rc_request(struct rrdc *rc, const char *line, size_t len, int ms, char *msg,
    size_t msglen, char err[LW_ERRLEN])
{
	return rc_request_each(rc, line, len, ms, msg, msglen, err, NULL,
	    NULL);
}

struct rc_buf {
	char	b[RRDC_LINE];
	size_t	n;
	int	full;
};

/* Append FIELD, space-separated, with ' ' and '\' escaped. */
static void
rc_add(struct rc_buf *lb, const char *field)
{
	const char *p;

	if (lb->n > 0 && lb->n < sizeof(lb->b))
		lb->b[lb->n++] = ' ';
	for (p = field; *p != '\0'; p++) {
		if (lb->n + 3 >= sizeof(lb->b)) {
			lb->full = 1;
			return;
		}
		if (*p == ' ' || *p == '\\')
			lb->b[lb->n++] = '\\';
		lb->b[lb->n++] = *p;
	}
}

static int
rc_run(void *be, struct rc_buf *lb, int ms, char *msg, size_t msglen,
    char err[LW_ERRLEN])
{
	if (lb->full) {
		snprintf(err, LW_ERRLEN, "rrdcached: request too long");
		return STORE_EFILE;
	}
	lb->b[lb->n++] = '\n';
	return rc_request(be, lb->b, lb->n, ms, msg, msglen, err);
}

/* "CMD PATH" */
static int
rc_simple(void *be, const char *cmd, const char *path, int ms, char *msg,
    size_t msglen, char err[LW_ERRLEN])
{
	struct rc_buf lb = { .n = 0 };

	rc_add(&lb, cmd);
	rc_add(&lb, path);
	return rc_run(be, &lb, ms, msg, msglen, err);
}

static int
rc_update(void *be, const char *path, int n, const char **vals,
    char err[LW_ERRLEN])
{
	struct rc_buf lb = { .n = 0 };
	char msg[256];
	int i;

	rc_add(&lb, "UPDATE");
	rc_add(&lb, path);
	for (i = 0; i < n; i++)
		rc_add(&lb, vals[i]);
	return rc_run(be, &lb, RRDC_TIMEOUT, msg, sizeof(msg), err);
}

static int
rc_last(void *be, const char *path, time_t *t, char err[LW_ERRLEN])
{
	char msg[256], *end;
	long long v;
	int rc;

	if ((rc = rc_simple(be, "LAST", path, RRDC_TIMEOUT, msg, sizeof(msg),
	    err)) != STORE_OK)
		return rc;
	v = strtoll(msg, &end, 10);
	if (end == msg || v <= 0) {
		snprintf(err, LW_ERRLEN, "rrdcached: LAST %s: '%s'", path,
		    msg);
		return STORE_EFILE;
	}
	*t = (time_t)v;
	return STORE_OK;
}

static int
rc_flush(void *be, const char *path, char err[LW_ERRLEN])
{
	char msg[256];

	return rc_simple(be, "FLUSH", path, RRDC_SLOW, msg, sizeof(msg), err);
}

/* Drop PATH from rrdcached's cache; not knowing it is no error. */
static int
rc_forget(void *be, const char *path, char err[LW_ERRLEN])
{
	char msg[256];
	int rc;

	rc = rc_simple(be, "FORGET", path, RRDC_TIMEOUT, msg, sizeof(msg),
	    err);
	return rc == STORE_EFILE ? STORE_OK : rc;
}

/* CREATE through rrdcached, so it owns the file (and -B allows it). */
static int
rc_create(void *be, const char *path, unsigned long step, time_t start,
    const char *src, int argc, const char **argv, char err[LW_ERRLEN])
{
	struct rc_buf lb = { .n = 0 };
	char num[32], msg[256];
	int i;

	rc_add(&lb, "CREATE");
	rc_add(&lb, path);
	snprintf(num, sizeof(num), "%lu", step);
	rc_add(&lb, "-s");
	rc_add(&lb, num);
	if (start != -1) {
		snprintf(num, sizeof(num), "%lld", (long long)start);
		rc_add(&lb, "-b");
		rc_add(&lb, num);
	}
	if (src != NULL) {
		rc_add(&lb, "-r");
		rc_add(&lb, src);
	}
	for (i = 0; i < argc; i++)
		rc_add(&lb, argv[i]);
	return rc_run(be, &lb, src != NULL ? RRDC_SLOW : RRDC_TIMEOUT, msg,
	    sizeof(msg), err);
}

/* INFO's lines, "key type value", as librrd's list (the keys we read). */
struct rc_info {
	rrd_info_t	*head, **tail;
};

static void
rc_info_line(void *arg, char *line)
{
	struct rc_info *ri = arg;
	rrd_info_t *p;
	char *type, *val;

	if ((type = strchr(line, ' ')) == NULL ||
	    (val = strchr(type + 1, ' ')) == NULL)
		return;
	*type++ = '\0';
	*val++ = '\0';
	if ((p = calloc(1, sizeof(*p))) == NULL)
		fatal("rrdcached");
	p->key = xstrdup(line);
	p->type = (rrd_info_type_t)strtol(type, NULL, 10);
	if (p->type == RD_I_VAL)
		p->value.u_val = strtod(val, NULL);
	else if (p->type == RD_I_CNT)
		p->value.u_cnt = strtoul(val, NULL, 10);
	else {
		p->type = RD_I_STR;
		p->value.u_str = xstrdup(val);
	}
	*ri->tail = p;
	ri->tail = &p->next;
}

static void
rc_info_free(rrd_info_t *p)
{
	rrd_info_t *next;

	for (; p != NULL; p = next) {
		next = p->next;
		if (p->type == RD_I_STR)
			free(p->value.u_str);
		free(p->key);
		free(p);
	}
}

/*
 * A relative PATH is a file on a central rrdcached ([daemon] station),
 * which we cannot see: ask it (INFO). Setting a file aside or migrating
 * it is for its own host, so a changed or unreadable file is an error
 * here (the values wait in the buffer and the sample log).
 */
static int
rc_probe(void *be, const struct conf_sensor *s, const char *path,
    char why[LW_ERRLEN])
{
	struct rrdc *rc = be;
	struct rc_info ri = { NULL, &ri.head };
	struct rc_buf lb = { .n = 0 };
	char msg[RRDC_LINE], err[LW_ERRLEN];
	int r;

	if (path[0] == '/')
		return rrdfile_probe(be, s, path, why);
	if (rc->fd == -1 && rc_open(rc, err) != STORE_OK) {
		snprintf(why, LW_ERRLEN, "%s", err);
		return PROBE_ERROR;
	}
	rc_add(&lb, "INFO");
	rc_add(&lb, path);
	lb.b[lb.n++] = '\n';
	r = lb.full ? STORE_EFILE : rc_request_each(rc, lb.b, lb.n,
	    RRDC_TIMEOUT, msg, sizeof(msg), err, rc_info_line, &ri);
	if (r == STORE_OK && (r = rrdfile_probe_info(s, ri.head, why)) ==
	    PROBE_CHANGED) {
		snprintf(err, LW_ERRLEN, "%s on rrdcached %s has %s; migrate "
		    "it there (lakewatch cannot over the network)", path,
		    rc->addr, why);
		r = STORE_EFILE;
	}
	rc_info_free(ri.head);
	if (r == PROBE_OK)
		return PROBE_OK;
	snprintf(why, LW_ERRLEN, "%s", err);
	return strstr(err, "No such file") != NULL ? PROBE_MISSING :
	    PROBE_ERROR;
}

const struct store_ops rrdcached_ops = {
	.name = "rrdcached", .open = rc_open, .close = rc_close,
	.probe = rc_probe, .create = rc_create, .update = rc_update,
	.last = rc_last, .flush = rc_flush, .forget = rc_forget, .now = NULL
};

const char *
rrdcached_address(const struct conf *c)
{
	const char *addr = c->rrdcached;

	if (addr == NULL || *addr == '\0')
		addr = getenv("RRDCACHED_ADDRESS");
	return addr != NULL && *addr != '\0' ? addr : NULL;
}

struct rrdc *
rrdcached_new(const char *addr)
{
	struct rrdc *rc;

	if ((rc = calloc(1, sizeof(*rc))) == NULL)
		fatal("rrdcached");
	rc->fd = -1;
	rc->addr = xstrdup(addr);
	return rc;
}

void
rrdcached_free(struct rrdc *rc)
{
	if (rc == NULL)
		return;
	rc_close(rc);
	free(rc->addr);
	free(rc);
}

const char *
rrdcached_addr(const struct rrdc *rc)
{
	return rc->addr;
}

int
rrdcached_timedout(const struct rrdc *rc)
{
	return rc->timedout;
}
