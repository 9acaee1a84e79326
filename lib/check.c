/*
 * check.c: the read plan and bus-time budget of a config, and what its
 * webhooks' keys cannot do in their format, for people
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "hj212.h"
#include "log.h"
#include "plan.h"

/*
 * The estimated bus time of a cycle (all sensors due at once) against
 * the shortest interval on the bus. Returns 1 if it does not fit.
 */
static int
print_budget(const struct conf *c, size_t b, const int *idx, size_t n,
    const struct plan_req *reqs, size_t nr, FILE *fp)
{
	const struct conf_bus *cb = &c->buses[b];
	double t = plan_wire_time(cb, reqs, nr);
	int iv = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (iv == 0 || c->sensors[idx[i]].interval < iv)
			iv = c->sensors[idx[i]].interval;
	if (n == 0)
		return 0;
	if (cb->type == BUS_RTU)
		fprintf(fp, "  estimated bus time per cycle: %.1f ms (%d baud "
		    "%d%c%d, gap %g ms) of %d s: %.1f %%\n", t * 1000,
		    cb->baud, cb->data_bits, cb->parity, cb->stop_bits,
		    cb->gap * 1000, iv, 100 * t / iv);
	else
		fprintf(fp, "  estimated bus time per cycle: %.1f ms of gaps plus "
		    "%zu round trips, of %d s\n", t * 1000, nr, iv);
	/* every try of every request may time out: the worst case */
	if (t > iv) {
		fprintf(fp, "  WARNING: the plan needs more than the interval\n");
		return 1;
	}
	if (t + nr * cb->timeout * (1 + cb->retries) > iv)
		fprintf(fp, "  note: with every device timing out a cycle would "
		    "take %.1f s\n", t + nr * cb->timeout * (1 + cb->retries));
	return 0;
}

static void
hook_warn(const struct conf_webhook *w, const char *what, FILE *fp)
{
	fprintf(fp, "webhook '%s': WARNING: %s\n", w->name, what);
}

/* Mentions and keyword that W's format ignores (DOMAIN.md 4). */
static void
check_webhook(const struct conf_webhook *w, FILE *fp)
{
	const struct wh_mention *m = &w->mention;

	switch (w->format) {
	case FMT_JSON:
	case FMT_ALERTMANAGER:
		if (m->nmobile > 0 || m->all)
			hook_warn(w, "mention is ignored by formats json and "
			    "alertmanager", fp);
		if (w->keyword != NULL)
			hook_warn(w, "keyword is ignored by formats json and "
			    "alertmanager", fp);
		break;
	case FMT_WECOM:
		if ((m->nmobile > 0 || m->all) && w->msgtype == MSG_MARKDOWN)
			hook_warn(w, "mention needs msgtype = text (wecom "
			    "markdown cannot mention)", fp);
		break;
	case FMT_FEISHU:
		if (m->nmobile > 0)
			hook_warn(w, "feishu mentions user ids, not mobile "
			    "numbers: only 'all' is used", fp);
		break;
	case FMT_SLACK:
		if (m->nmobile > 0)
			hook_warn(w, "slack cannot mention mobile numbers: "
			    "only 'all' (<!channel>) is used", fp);
		break;
	case FMT_DINGTALK:
		break;
	}
}

/*
 * HJ 212-2025 6.4.1: over the Internet the data "shall" be encrypted, on
 * a private network "should": say which an hj212-2025 uplink does (the
 * profiles that encrypt: hj212.c).
 */
static void
check_uplink(const struct conf_uplink *u, FILE *fp)
{
	if (!hj212_profile(u->protocol)->sm4)
		return;
	if (u->sm4_key != NULL)
		fprintf(fp, "uplink '%s': data (CN 2000-2999, 3020) go "
		    "SM4-ECB encrypted (HJ 212-2025 6.4)\n", u->name);
	else
		fprintf(fp, "uplink '%s': WARNING: hj212-2025 without "
		    "sm4_key_file: data go unencrypted, fit for a private "
		    "network (the standard: should encrypt) or a platform "
		    "that takes plain data; over the Internet the standard "
		    "requires SM4 and a platform that enforces it refuses "
		    "them\n", u->name);
}

int
check_report(const struct conf *c, FILE *fp)
{
	struct plan_req *reqs;
	int *idx, warned = 0;
	size_t b, i, n, nr;

	if ((idx = calloc(c->nsensor + 1, sizeof(*idx))) == NULL ||
	    (reqs = calloc(PLAN_PER_SENSOR * c->nsensor + 1, sizeof(*reqs))) == NULL)
		fatal("plan");
	for (b = 0; b < c->nbus; b++) {
		for (i = n = 0; i < c->nsensor; i++)
			if (c->sensors[i].bus == (int)b)
				idx[n++] = (int)i;
		nr = plan_build(c, idx, n, c->buses[b].merge_hole, NULL, reqs);
		fprintf(fp, "bus '%s': %zu sensors, %zu requests per cycle\n",
		    c->buses[b].name, n, nr);
		for (i = 0; i < nr; i++)
			fprintf(fp, "  unit %d fc 0x%02x registers %d-%d (%d)\n",
			    reqs[i].unit, reqs[i].function ? 4 : 3,
			    (int)reqs[i].addr,
			    (int)reqs[i].addr + reqs[i].count - 1,
			    (int)reqs[i].count);
		warned += print_budget(c, b, idx, n, reqs, nr, fp);
	}
	for (b = 0; b < c->nwebhook; b++)
		check_webhook(&c->webhooks[b], fp);
	for (b = 0; b < c->nuplink; b++)
		check_uplink(&c->uplinks[b], fp);
	free(idx);
	free(reqs);
	return warned;
}


/* The group the unit adds (SupplementaryGroups=) for serial ports. */
#define CHECK_SERIAL_GROUP	"dialout"
#define CHECK_BY_ID		"/dev/serial/by-id"
#define CHECK_NGROUPS		64

static int	by_id_for(const char *, char *, size_t);

/* Who opens the devices: a user's uid and groups, or the caller. */
struct check_who {
	const char	*user;		/* NULL: the caller, by access(2) */
	uid_t		 uid;
	gid_t		 groups[CHECK_NGROUPS + 1];
	int		 ngroups;
};

/* USER's uid and groups plus dialout into W; 0, or -1 if no such user. */
static int
who_init(struct check_who *w, const char *user)
{
	struct passwd *pw;
	struct group *gr;

	memset(w, 0, sizeof(*w));
	if ((w->user = user) == NULL)
		return 0;
	if ((pw = getpwnam(user)) == NULL)
		return -1;
	w->uid = pw->pw_uid;
	w->ngroups = CHECK_NGROUPS;
	if (getgrouplist(user, pw->pw_gid, w->groups, &w->ngroups) == -1)
		w->ngroups = CHECK_NGROUPS;
	if ((gr = getgrnam(CHECK_SERIAL_GROUP)) != NULL)
		w->groups[w->ngroups++] = gr->gr_gid;
	return 0;
}

/* Whether W may read and write a file of ST's owner, group and mode. */
static int
who_may_rw(const struct check_who *w, const struct stat *st)
{
	mode_t m = st->st_mode;
	int i;

	if (w->user == NULL || w->uid == 0)
		return w->user == NULL ? -1 : 1;
	if (st->st_uid == w->uid)
		return (m & (S_IRUSR | S_IWUSR)) == (S_IRUSR | S_IWUSR);
	for (i = 0; i < w->ngroups; i++)
		if (st->st_gid == w->groups[i])
			return (m & (S_IRGRP | S_IWGRP)) ==
			    (S_IRGRP | S_IWGRP);
	return (m & (S_IROTH | S_IWOTH)) == (S_IROTH | S_IWOTH);
}

/* "root:dialout 0660" of ST into BUF. */
static void
owner_mode(const struct stat *st, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(st->st_uid);
	struct group *gr = getgrgid(st->st_gid);
	char u[32], g[32];

	snprintf(u, sizeof(u), "%s", pw ? pw->pw_name : "");
	snprintf(g, sizeof(g), "%s", gr ? gr->gr_name : "");
	if (!*u)
		snprintf(u, sizeof(u), "%u", (unsigned)st->st_uid);
	if (!*g)
		snprintf(g, sizeof(g), "%u", (unsigned)st->st_gid);
	snprintf(buf, len, "%s:%s %04o", u, g, (unsigned)(st->st_mode & 07777));
}

int
check_by_id(const char *device, char *buf, size_t len)
{
	char real[PATH_MAX];

	if (realpath(device, real) == NULL)
		return 0;
	return by_id_for(real, buf, len);
}

/* The /dev/serial/by-id link to REAL into BUF; 1 if there is one. */
static int
by_id_for(const char *real, char *buf, size_t len)
{
	char path[PATH_MAX], res[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int found = 0;

	if ((d = opendir(CHECK_BY_ID)) == NULL)
		return 0;
	while (!found && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), CHECK_BY_ID "/%s", de->d_name);
		if (realpath(path, res) != NULL && strcmp(res, real) == 0) {
			snprintf(buf, len, "%s", path);
			found = 1;
		}
	}
	closedir(d);
	return found;
}

/* A ttyUSB/ttyACM name may be another adapter after the next boot. */
static void
note_unstable(const struct conf *c, const struct conf_bus *b,
    const char *real, FILE *fp)
{
	char id[PATH_MAX];

	if (strncmp(b->device, "/dev/ttyUSB", 11) != 0 &&
	    strncmp(b->device, "/dev/ttyACM", 11) != 0)
		return;
	fprintf(fp, "%s:%d: bus '%s': note: %s may name another adapter "
	    "after a reboot; use its %s/ link", c->path, b->device_line,
	    b->name, b->device, CHECK_BY_ID);
	if (real != NULL && by_id_for(real, id, sizeof(id)))
		fprintf(fp, ": device = %s", id);
	fputc('\n', fp);
}

/* B's device against W; 1 if W cannot open it (an error), else 0. */
static int
check_device(const struct conf *c, const struct conf_bus *b,
    const struct check_who *w, FILE *fp)
{
	char real[PATH_MAX], arrow[PATH_MAX + 8] = "", om[96];
	struct stat st;
	int ok;

	if (realpath(b->device, real) != NULL && strcmp(real, b->device) != 0)
		snprintf(arrow, sizeof(arrow), " (-> %s)", real);
	if (stat(b->device, &st) == -1) {
		/* a USB adapter may be plugged in later: the bus retries */
		fprintf(fp, "%s:%d: bus '%s': WARNING: device %s: %s (the "
		    "daemon starts and retries it)\n", c->path,
		    b->device_line, b->name, b->device, strerror(errno));
		note_unstable(c, b, NULL, fp);
		return 0;
	}
	note_unstable(c, b, real, fp);
	owner_mode(&st, om, sizeof(om));
	if (!S_ISCHR(st.st_mode)) {
		fprintf(fp, "%s:%d: bus '%s': device %s%s is not a character "
		    "device (%s)\n", c->path, b->device_line, b->name,
		    b->device, arrow, om);
		return 1;
	}
	if ((ok = who_may_rw(w, &st)) == -1)
		ok = access(b->device, R_OK | W_OK) == 0;
	if (ok)
		return 0;
	fprintf(fp, "%s:%d: bus '%s': device %s%s is %s: ", c->path,
	    b->device_line, b->name, b->device, arrow, om);
	if (w->user != NULL)
		fprintf(fp, "user '%s' (with group " CHECK_SERIAL_GROUP ") "
		    "cannot read and write it\n", w->user);
	else
		fprintf(fp, "%s\n", strerror(EACCES));
	return 1;
}

int
check_devices(const struct conf *c, const char *user, FILE *fp)
{
	struct check_who w;
	size_t b;
	int bad = 0, rtu = 0;

	for (b = 0; b < c->nbus; b++)
		rtu |= c->buses[b].type == BUS_RTU;
	if (!rtu)
		return 0;
	if (who_init(&w, user) == -1) {
		fprintf(fp, "note: no user '%s' here: who may open the serial "
		    "devices is checked for %s, not for it\n", user,
		    getuid() == 0 ? "root" : "the caller");
		who_init(&w, NULL);
	}
	for (b = 0; b < c->nbus; b++)
		if (c->buses[b].type == BUS_RTU)
			bad += check_device(c, &c->buses[b], &w, fp);
	return bad;
}
