/*
 * lwsim: simulated lake water-quality station, a modbus tcp/rtu server
 * for the lakewatch tests and benchmarks.  Holding registers, mirrored
 * into input registers, 0-based:
 *
 * unit 1, lake-centre tp analyzer: 0-1 tp mg/L float32 cdab (low word
 *   first), 2 status (i12101 code), 3-4 water temperature float32 abcd,
 *   5-6 unix time of the last tp result uint32 abcd
 * unit 2, drinking-water intake tp: 0-1 tp float32 abcd, 2 status
 * farm device (--ports N, any unit id): 0-1 tp 0.030 float32 abcd,
 *   2 status 1, 3-4 temperature 12.5 float32 abcd
 */

#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <modbus.h>

#define MAXSTEPS	64
#define MAXFAULTS	32

struct profile {
	double		v[MAXSTEPS];
	double		secs[MAXSTEPS];
	int		n;
};

enum fkind { F_EXC, F_SILENT, F_SLOW, F_DROP, F_SPLIT, F_BADTID, F_NKIND };

struct fault {
	int		unit;
	enum fkind	kind;
	int		arg;
	double		from, to;
	unsigned long	count;
};

struct conn {
	int		fd;		/* -1 once closed */
	int		dev;
	int		pending;	/* 1: a slow reply is due; 2: out */
	double		due;
	int		reqlen;
	uint8_t		req[MODBUS_MAX_ADU_LENGTH];
	int		outlen;		/* the rest of a split reply */
	uint8_t		out[MODBUS_MAX_ADU_LENGTH];
};

static volatile sig_atomic_t stop, dumpstats;

static struct profile	tp, status;
static double		period = 60, wall0;
static uint64_t		seed = 1;
static struct fault	faults[MAXFAULTS];
static int		nfaults, verbose, farm, rtu, ndev;
static const char	*statsfile, *portfile;
static struct timespec	t0;

static unsigned long	nreq, nexc, nconnections, by_unit[256], *by_dev;

static modbus_mapping_t	*map1, *map2, *mapfarm;
static modbus_t		*ctx;		/* tcp, or rtu receiving context */
static modbus_t		*rtu_owner;	/* rtu: the context that opened it */
static const char	*rtu_dev;
static int		rtu_baud = 9600, rtu_bits = 8, rtu_stop = 1;
static char		rtu_parity = 'N';

static int		*lfd;		/* one listener per device */
static struct conn	*conns;
static size_t		nconns, capconns;

static void
usage(void)
{
	fprintf(stderr,
	    "usage: lwsim --tcp HOST:PORT [--ports N] [--port-file FILE] [opts]\n"
	    "       lwsim --rtu DEVICE [--baud 9600] [--parity N|E|O] "
	    "[--data-bits 8] [--stop-bits 1] [opts]\n"
	    "  --tcp HOST:PORT       serve modbus tcp; port 0 is ephemeral, "
	    "[::1]:0 for ipv6\n"
	    "  --port-file FILE      bound port(s), one a line, written atomically\n"
	    "  --ports N             farm of N devices on N ephemeral ports, "
	    "any unit id\n"
	    "  --rtu DEVICE          serve modbus rtu on a tty or pty\n"
	    "opts:\n"
	    "  --tp-steps V:S,...,V  unit 1 tp profile, the last value holds\n"
	    "  --period SECS         else unit 1 tp is a triangle 0.032-0.068-"
	    "0.032 mg/L\n"
	    "                        over SECS (60), one new result a second\n"
	    "  --status-steps S:SECS,...,S  unit 1 status profile (default 1)\n"
	    "  --fault UNIT:KIND[@FROM-TO]  KIND exception=N, silent, slow=MS,\n"
	    "                        drop=N, split=MS (the reply in two parts,\n"
	    "                        MS apart), badtid (a wrong transaction id)\n"
	    "                        (the last three tcp); repeatable, first\n"
	    "                        active wins\n"
	    "  --stats FILE          json counters on exit and on SIGUSR1\n"
	    "  --seed N              noise seed (1)\n"
	    "  -v                    log each request to stderr\n"
	    "at most ~1000 tcp clients at once (libmodbus uses select)\n");
	exit(2);
}

static void
fatal(const char *msg)
{
	fprintf(stderr, "lwsim: %s\n", msg);
	exit(1);
}

static double
elapsed(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec - t0.tv_sec) + (ts.tv_nsec - t0.tv_nsec) / 1e9;
}

/* "V:SECS,V:SECS,...,V" */
static void
parse_steps(const char *s, struct profile *p)
{
	char	*end;

	for (p->n = 0; p->n < MAXSTEPS; p->n++) {
		p->v[p->n] = strtod(s, &end);
		p->secs[p->n] = 0;
		if (end == s)
			break;
		if (*end == ':') {
			s = end + 1;
			p->secs[p->n] = strtod(s, &end);
			if (end == s || p->secs[p->n] < 0)
				break;
		}
		if (*end == '\0') {
			p->n++;
			return;
		}
		if (*end != ',')
			break;
		s = end + 1;
	}
	fatal("bad step profile");
}

/* value of a step profile at t; *start gets when its step began */
static double
profile_at(const struct profile *p, double t, double *start)
{
	int	i;

	for (*start = 0, i = 0; i < p->n - 1; i++) {
		if (t < *start + p->secs[i])
			break;
		*start += p->secs[i];
	}
	return p->v[i];
}

/* "UNIT:KIND[@FROM-TO]" */
static void
parse_fault(const char *arg)
{
	static const char *kinds[] = { "exception", "silent", "slow", "drop",
	    "split", "badtid" };
	struct fault	*f = &faults[nfaults];
	char		 kind[16];
	int		 n, k;

	if (nfaults++ == MAXFAULTS ||
	    sscanf(arg, "%d:%15[a-z]%n", &f->unit, kind, &n) != 2 ||
	    f->unit < 0 || f->unit > 255)
		fatal("bad --fault");
	for (k = 0; k < F_NKIND && strcmp(kind, kinds[k]) != 0; k++)
		;
	f->kind = k;
	f->to = INFINITY;
	arg += n;
	n = 0;
	if (k == F_NKIND || (k != F_SILENT && k != F_BADTID &&
	    (sscanf(arg, "=%d%n", &f->arg, &n) != 1 ||
	    f->arg < (k == F_SLOW || k == F_SPLIT ? 0 : 1) ||
	    f->arg > 3600000 ||
	    (k == F_EXC && f->arg >= MODBUS_EXCEPTION_MAX))))
		fatal("bad --fault kind");
	arg += n;
	if (*arg == '@') {
		if (sscanf(arg, "@%lf-%lf%n", &f->from, &f->to, &n) != 2)
			fatal("bad --fault window");
		arg += n;
	}
	if (*arg != '\0')
		fatal("bad --fault");
}

static struct fault *
active_fault(int unit, double t)
{
	int	i;

	for (i = 0; i < nfaults; i++)
		if (faults[i].unit == unit && t >= faults[i].from &&
		    t < faults[i].to)
			return &faults[i];
	return NULL;
}

/* deterministic noise in [0, 1) for slot k (splitmix64) */
static double
noise(uint64_t k)
{
	uint64_t	z = seed * 0x9e3779b97f4a7c15ULL + k;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return ((z ^ (z >> 31)) >> 11) / 9007199254740992.0;
}

static void
set_reg(modbus_mapping_t *m, int addr, uint16_t v)
{
	m->tab_registers[addr] = v;
	m->tab_input_registers[addr] = v;
}

/* abcd: high word first; cdab: low word first */
static void
set_float(modbus_mapping_t *m, int addr, float f, int cdab)
{
	uint32_t	u;

	memcpy(&u, &f, sizeof(u));
	set_reg(m, addr, cdab ? u & 0xffff : u >> 16);
	set_reg(m, addr + 1, cdab ? u >> 16 : u & 0xffff);
}

static void
update_unit1(double t)
{
	double		v, start, ph, st = 1;
	uint32_t	when;

	if (tp.n > 0)
		v = profile_at(&tp, t, &start);
	else {
		start = floor(t);
		ph = fmod(start, period) / period;
		v = 0.032 + 0.036 * (ph < 0.5 ? 2 * ph : 2 - 2 * ph);
	}
	if (status.n > 0)
		st = profile_at(&status, t, &ph);
	when = (uint32_t)(wall0 + start);
	set_float(map1, 0, v, 1);
	set_reg(map1, 2, (uint16_t)st);
	set_float(map1, 3, 12.0 + 0.3 * sin(2 * M_PI * t / 600), 0);
	set_reg(map1, 5, when >> 16);
	set_reg(map1, 6, when & 0xffff);
}

static modbus_mapping_t *
unit_map(int unit, double t)
{
	if (farm)
		return mapfarm;
	if (unit == 1)
		update_unit1(t);
	else
		set_float(map2, 0, 0.030 + 0.003 *
		    (2 * noise((uint64_t)(t / 3)) - 1), 0);
	return unit == 1 ? map1 : map2;
}

static void
write_atomic(const char *path, const char *buf, size_t len)
{
	char	tmp[4096];
	FILE	*fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	if ((fp = fopen(tmp, "w")) == NULL) {
		fprintf(stderr, "lwsim: %s: %s\n", tmp, strerror(errno));
		return;
	}
	fwrite(buf, 1, len, fp);
	if (fclose(fp) != 0 || rename(tmp, path) == -1) {
		fprintf(stderr, "lwsim: %s: %s\n", path, strerror(errno));
		unlink(tmp);
	}
}

static void
write_stats(void)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;
	int	 i, first = 1;

	if (statsfile == NULL || (fp = open_memstream(&buf, &len)) == NULL)
		return;
	fprintf(fp, "{\"requests\":%lu,\"by_unit\":{", nreq);
	for (i = 0; i < 256; i++) {
		if (by_unit[i] == 0)
			continue;
		fprintf(fp, "%s\"%d\":%lu", first ? "" : ",", i, by_unit[i]);
		first = 0;
	}
	fprintf(fp, "},\"by_device\":[");
	for (i = 0; i < ndev; i++)
		fprintf(fp, "%s%lu", i ? "," : "", by_dev[i]);
	fprintf(fp, "],\"exceptions\":%lu,\"connections\":%lu}\n", nexc,
	    nconnections);
	fclose(fp);
	write_atomic(statsfile, buf, len);
	free(buf);
}

static void
close_conn(struct conn *c)
{
	if (!rtu)
		close(c->fd);
	c->fd = -1;
	c->pending = 0;
}

static void
reply(struct conn *c, const uint8_t *req, int len)
{
	int	hdr = modbus_get_header_length(ctx);
	int	rc;

	modbus_set_socket(ctx, c->fd);
	rc = modbus_reply(ctx, req, len, unit_map(req[hdr - 1], elapsed()));
	if (rc == -1 && !rtu)
		close_conn(c);
	/* an exception answer is header, function, code (and crc) */
	if (rc == hdr + 2 + (rtu ? 2 : 0))
		nexc++;
}

/* The bytes modbus_reply() would send for REQ (tcp), into OUT. */
static int
reply_bytes(const uint8_t *req, int len, uint8_t *out, size_t cap)
{
	int	hdr = modbus_get_header_length(ctx);
	int	sv[2], n;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	modbus_set_socket(ctx, sv[0]);
	n = modbus_reply(ctx, req, len, unit_map(req[hdr - 1], elapsed()));
	if (n > 0)
		n = (int)read(sv[1], out, cap);
	close(sv[0]);
	close(sv[1]);
	return n;
}

/*
 * split: the first 5 bytes now, the rest MS later; badtid: the reply
 * with its transaction id changed.
 */
static void
reply_mangled(struct conn *c, const uint8_t *req, int len, struct fault *f,
    double t)
{
	uint8_t	out[MODBUS_MAX_ADU_LENGTH];
	int	n = reply_bytes(req, len, out, sizeof(out));

	if (n < 7 || rtu) {
		close_conn(c);
		return;
	}
	if (f->kind == F_BADTID) {
		out[0] ^= 0x5a;
		out[1] ^= 0xa5;
		if (write(c->fd, out, (size_t)n) != n)
			close_conn(c);
		return;
	}
	if (write(c->fd, out, 5) != 5) {
		close_conn(c);
		return;
	}
	memcpy(c->out, out + 5, (size_t)n - 5);
	c->outlen = n - 5;
	c->pending = 2;
	c->due = t + f->arg / 1000.0;
}

static void
handle(struct conn *c, const uint8_t *req, int len)
{
	int		 hdr = modbus_get_header_length(ctx);
	int		 unit = req[hdr - 1];
	double		 t = elapsed();
	struct fault	*f;

	nreq++;
	by_unit[unit]++;
	by_dev[c->dev]++;
	if (verbose)
		fprintf(stderr, "lwsim: %.3f dev %d unit %d fc %d addr %d "
		    "count %d\n", t, c->dev, unit, req[hdr],
		    req[hdr + 1] << 8 | req[hdr + 2],
		    req[hdr + 3] << 8 | req[hdr + 4]);
	if (!farm && unit != 1 && unit != 2)
		return;		/* nothing behind the gateway */
	if ((f = active_fault(unit, t)) != NULL) {
		switch (f->kind) {
		case F_EXC:
			modbus_set_socket(ctx, c->fd);
			if (modbus_reply_exception(ctx, req, f->arg) != -1)
				nexc++;
			return;
		case F_SILENT:
			return;
		case F_DROP:
			if (!rtu && ++f->count % f->arg == 0) {
				close_conn(c);
				return;
			}
			break;
		case F_SLOW:
			c->pending = 1;
			c->due = t + f->arg / 1000.0;
			c->reqlen = len;
			memcpy(c->req, req, len);
			return;
		case F_SPLIT:
		case F_BADTID:
			reply_mangled(c, req, len, f, t);
			return;
		default:
			break;
		}
	}
	reply(c, req, len);
}

static uint16_t
crc16(const uint8_t *p, int n)
{
	uint16_t	crc = 0xffff;
	int		i;

	while (n-- > 0)
		for (crc ^= *p++, i = 0; i < 8; i++)
			crc = (crc & 1) ? (crc >> 1) ^ 0xa001 : crc >> 1;
	return crc;
}

static modbus_t *
new_rtu(void)
{
	modbus_t	*m;

	m = modbus_new_rtu(rtu_dev, rtu_baud, rtu_parity, rtu_bits, rtu_stop);
	if (m == NULL)
		fatal("modbus_new_rtu failed");
	modbus_set_slave(m, 1);
	return m;
}

/*
 * A libmodbus 3.1.6 rtu server answers one slave id: a request for
 * another unit is read whole but modbus_receive() returns 0, and the
 * context then swallows the next frame as that unit's answer.  Serve
 * the request from the buffer and go on with a fresh context.
 */
static void
rtu_other_unit(struct conn *c, const uint8_t *req)
{
	int	len = 0;

	if (req[1] >= 1 && req[1] <= 6)
		len = 8;
	else if (req[1] == 15 || req[1] == 16)
		len = 9 + req[6];
	modbus_free(ctx);
	ctx = new_rtu();
	if (len > 0 && crc16(req, len - 2) == (req[len - 1] << 8 | req[len - 2]))
		handle(c, req, len);
}

static void
service(struct conn *c)
{
	uint8_t		req[MODBUS_MAX_ADU_LENGTH];
	struct timespec	ts = { 0, 200000000 };
	int		rc;

	modbus_set_socket(ctx, c->fd);
	if ((rc = modbus_receive(ctx, req)) > 0)
		handle(c, req, rc);
	else if (rc == 0 && rtu)
		rtu_other_unit(c, req);
	else if (rc == -1 && !rtu)
		close_conn(c);
	else if (rc == -1) {
		if (verbose)
			fprintf(stderr, "lwsim: rtu receive: %s\n",
			    modbus_strerror(errno));
		if (errno == ECONNRESET || errno == EIO)
			nanosleep(&ts, NULL);	/* hung up pty */
		modbus_flush(ctx);
	}
}

static void
add_conn(int fd, int dev)
{
	if (nconns == capconns) {
		capconns = capconns ? capconns * 2 : 64;
		if ((conns = realloc(conns, capconns * sizeof(*conns))) == NULL)
			fatal("out of memory");
	}
	conns[nconns].fd = fd;
	conns[nconns].dev = dev;
	conns[nconns++].pending = 0;
}

static void
accept_all(int dev)
{
	int	fd, one = 1;

	while ((fd = accept4(lfd[dev], NULL, NULL, SOCK_CLOEXEC)) != -1) {
		if (fd >= FD_SETSIZE) {
			fprintf(stderr, "lwsim: fd %d over FD_SETSIZE, "
			    "connection refused\n", fd);
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		add_conn(fd, dev);
		nconnections++;
	}
	if (errno != EAGAIN && errno != EINTR)
		fprintf(stderr, "lwsim: accept: %s\n", strerror(errno));
}

/* send the slow replies that are due, drop closed connections */
static void
housekeep(double now)
{
	size_t	i, j;

	for (i = 0; i < nconns; i++)
		if (conns[i].pending && conns[i].due <= now) {
			if (conns[i].pending == 2 && write(conns[i].fd,
			    conns[i].out, (size_t)conns[i].outlen) !=
			    conns[i].outlen)
				close_conn(&conns[i]);
			else if (conns[i].pending == 1)
				reply(&conns[i], conns[i].req,
				    conns[i].reqlen);
			conns[i].pending = 0;
		}
	for (i = j = 0; i < nconns; i++)
		if (conns[i].fd != -1)
			conns[j++] = conns[i];
	nconns = j;
}

static void
loop(void)
{
	struct pollfd	*pfd = NULL;
	size_t		 i, n, cap = 0, nl = rtu ? 0 : ndev, *idx = NULL;
	double		 now, wait;

	while (!stop) {
		if (dumpstats) {
			dumpstats = 0;
			write_stats();
		}
		if (nl + nconns > cap) {
			cap = (nl + nconns) * 2;
			pfd = realloc(pfd, cap * sizeof(*pfd));
			idx = realloc(idx, cap * sizeof(*idx));
			if (pfd == NULL || idx == NULL)
				fatal("out of memory");
		}
		now = elapsed();
		wait = 0.2;	/* bounds the delay in seeing a signal */
		for (n = 0; n < nl; n++) {
			pfd[n].fd = lfd[n];
			pfd[n].events = POLLIN;
		}
		for (i = 0; i < nconns; i++) {
			if (conns[i].pending) {
				wait = fmin(wait, conns[i].due - now);
				continue;
			}
			pfd[n].fd = conns[i].fd;
			pfd[n].events = POLLIN;
			idx[n++] = i;
		}
		if (poll(pfd, n, wait > 0 ? (int)(wait * 1000) + 1 : 0) == -1) {
			if (errno == EINTR)
				continue;
			fatal("poll failed");
		}
		for (i = nl; i < n; i++)
			if (pfd[i].revents && conns[idx[i]].fd != -1)
				service(&conns[idx[i]]);
		housekeep(elapsed());
		for (i = 0; i < nl; i++)
			if (pfd[i].revents & POLLIN)
				accept_all(i);
	}
	free(pfd);
	free(idx);
}

static int
listen_one(const char *host, const char *port)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);
	int			fd, hi;

	if ((fd = modbus_tcp_pi_listen(ctx, 64)) == -1) {
		fprintf(stderr, "lwsim: listen on %s port %s: %s\n", host,
		    port, modbus_strerror(errno));
		exit(1);
	}
	/* modbus_receive() uses select(): keep the low fds for clients */
	if ((hi = fcntl(fd, F_DUPFD_CLOEXEC, FD_SETSIZE)) != -1) {
		close(fd);
		fd = hi;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	lfd[ndev++] = fd;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		fatal("getsockname failed");
	return ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
}

static void
setup_tcp(const char *arg)
{
	static char	 addr[256];
	char		*host = addr, *port, *p, *buf = NULL;
	size_t		 len = 0;
	int		 i, bound, first = 0, v6, n = farm ? farm : 1;
	FILE		*fp;

	snprintf(addr, sizeof(addr), "%s", arg);
	if ((port = strrchr(addr, ':')) == NULL)
		usage();
	*port++ = '\0';
	if (*host == '[' && (p = strchr(host, ']')) != NULL) {
		*p = '\0';
		host++;
	}
	if (*port == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    atoi(port) > 65535 ||
	    (farm && atoi(port) != 0) ||
	    (ctx = modbus_new_tcp_pi(host, port)) == NULL)
		fatal("bad --tcp address");
	lfd = calloc(n, sizeof(*lfd));
	by_dev = calloc(n, sizeof(*by_dev));
	if (lfd == NULL || by_dev == NULL ||
	    (fp = open_memstream(&buf, &len)) == NULL)
		fatal("out of memory");
	for (i = 0; i < n; i++) {
		fprintf(fp, "%d\n", bound = listen_one(host, port));
		if (i == 0)
			first = bound;
	}
	fclose(fp);
	if (portfile != NULL)
		write_atomic(portfile, buf, len);
	free(buf);
	v6 = strchr(host, ':') != NULL;
	fprintf(stderr, "lwsim: listening on %s%s%s:%d", v6 ? "[" : "", host,
	    v6 ? "]" : "", first);
	if (farm)
		fprintf(stderr, " (%d devices)", n);
	fputc('\n', stderr);
}

static void
setup_rtu(void)
{
	ndev = 1;
	if ((by_dev = calloc(1, sizeof(*by_dev))) == NULL)
		fatal("out of memory");
	rtu_owner = new_rtu();
	if (modbus_connect(rtu_owner) == -1) {
		fprintf(stderr, "lwsim: %s: %s\n", rtu_dev,
		    modbus_strerror(errno));
		exit(1);
	}
	ctx = new_rtu();
	add_conn(modbus_get_socket(rtu_owner), 0);
	fprintf(stderr, "lwsim: serving rtu on %s\n", rtu_dev);
}

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		dumpstats = 1;
	else
		stop = 1;
}

static void
setup(void)
{
	struct sigaction	sa;
	struct rlimit		rl;
	struct timespec		ts;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;	/* no SA_RESTART: poll sees EINTR */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wall0 = ts.tv_sec + ts.tv_nsec / 1e9;
	map1 = modbus_mapping_new_start_address(0, 0, 0, 0, 0, 7, 0, 7);
	map2 = modbus_mapping_new_start_address(0, 0, 0, 0, 0, 3, 0, 3);
	mapfarm = modbus_mapping_new_start_address(0, 0, 0, 0, 0, 5, 0, 5);
	if (map1 == NULL || map2 == NULL || mapfarm == NULL)
		fatal("out of memory");
	set_reg(map2, 2, 1);
	set_float(mapfarm, 0, 0.030f, 0);
	set_reg(mapfarm, 2, 1);
	set_float(mapfarm, 3, 12.5f, 0);
}

static void
cleanup(void)
{
	size_t	i;
	int	d;

	for (i = 0; i < nconns; i++)
		close_conn(&conns[i]);
	for (d = 0; !rtu && d < ndev; d++)
		close(lfd[d]);
	if (rtu_owner != NULL) {
		modbus_close(rtu_owner);	/* restores the tty settings */
		modbus_free(rtu_owner);
	}
	modbus_free(ctx);
	modbus_mapping_free(map1);
	modbus_mapping_free(map2);
	modbus_mapping_free(mapfarm);
	free(conns);
	free(lfd);
	free(by_dev);
}

static long
num(const char *s, long lo, long hi)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
		usage();
	return v;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "tcp", required_argument, NULL, 't' },
		{ "port-file", required_argument, NULL, 'f' },
		{ "ports", required_argument, NULL, 'n' },
		{ "rtu", required_argument, NULL, 'r' },
		{ "baud", required_argument, NULL, 'b' },
		{ "parity", required_argument, NULL, 'p' },
		{ "data-bits", required_argument, NULL, 'd' },
		{ "stop-bits", required_argument, NULL, 's' },
		{ "tp-steps", required_argument, NULL, 'T' },
		{ "period", required_argument, NULL, 'P' },
		{ "status-steps", required_argument, NULL, 'S' },
		{ "fault", required_argument, NULL, 'F' },
		{ "stats", required_argument, NULL, 'j' },
		{ "seed", required_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*tcp = NULL;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			tcp = optarg;
			break;
		case 'f':
			portfile = optarg;
			break;
		case 'n':
			farm = num(optarg, 1, 60000);
			break;
		case 'r':
			rtu_dev = optarg;
			break;
		case 'b':
			rtu_baud = num(optarg, 50, 4000000);
			break;
		case 'd':
			rtu_bits = num(optarg, 5, 8);
			break;
		case 's':
			rtu_stop = num(optarg, 1, 2);
			break;
		case 'T':
			parse_steps(optarg, &tp);
			break;
		case 'S':
			parse_steps(optarg, &status);
			break;
		case 'F':
			parse_fault(optarg);
			break;
		case 'j':
			statsfile = optarg;
			break;
		case 'e':
			seed = num(optarg, 0, 0x7fffffff);
			break;
		case 'v':
			verbose = 1;
			break;
		case 'p':
			if (strlen(optarg) != 1 || strchr("NEO", *optarg) == NULL)
				usage();
			rtu_parity = *optarg;
			break;
		case 'P':
			if ((period = atof(optarg)) <= 0)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc || (tcp == NULL) == (rtu_dev == NULL) ||
	    (farm && tcp == NULL))
		usage();
	rtu = rtu_dev != NULL;
	setup();
	if (rtu)
		setup_rtu();
	else
		setup_tcp(tcp);
	loop();
	write_stats();
	cleanup();
	return 0;
}
