/*
 * deadletter.c: lakewatch deadletter: the events a receiver refused,
 * which the daemon moved to <state_dir>/deadletter/<webhook>/ (with a
 * NAME.reason beside each, lib/outbox.c): list them, show one, move one
 * or all back into the webhook's outbox (the daemon takes them at its
 * next start or reload), or drop them. Every folder under deadletter/ is
 * read, also of a webhook the config no longer has.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/conf.h"
#include "../lib/sample.h"
#include "../lib/outbox.h"
#include "../lib/util.h"
#include "tool.h"

#define DL_FILE_MAX	(1024 * 1024)	/* an event file is a few hundred bytes */

/*
 * One refused event, or one waiting in the outbox of a webhook the
 * config no longer has (ORPHAN: nothing sends it). ID is "WEBHOOK/NAME"
 * with NAME's ".json" left off.
 */
struct dl_item {
	char	webhook[LW_NAME_MAX];
	char	name[OUTBOX_NAME_MAX];
	int	orphan;
};

struct dl_list {
	struct dl_item	*v;
	size_t		 n, cap;
	int		 orphan;	/* what dl_push marks the next ones */
	int		 err;		/* an orphan's folder failed */
};

/* The folder of IT under the state dir: deadletter/W or outbox/W. */
static const char *
dl_kind(const struct dl_item *it)
{
	return it->orphan ? "outbox" : "deadletter";
}

static int
dl_is_entry(const char *name)
{
	size_t n = strlen(name);

	return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

static int
dl_push(struct dl_list *l, const char *webhook, const char *name)
{
	struct dl_item *nv;

	if (strlen(webhook) >= LW_NAME_MAX || strlen(name) >= OUTBOX_NAME_MAX)
		return 0;	/* not one the daemon wrote */
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
	}
	snprintf(l->v[l->n].webhook, LW_NAME_MAX, "%s", webhook);
	snprintf(l->v[l->n].name, OUTBOX_NAME_MAX, "%s", name);
	l->v[l->n].orphan = l->orphan;
	l->n++;
	return 0;
}

/* The entries of deadletter/WEBHOOK into L. */
static int
dl_scan_webhook(const char *state_dir, const char *webhook,
    struct dl_list *l)
{
	char sub[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(sub, sizeof(sub), "%s/%s", l->orphan ? "outbox" :
	    "deadletter", webhook);
	if ((fd = dir_open_below(state_dir, sub, 0, 0)) == -1)
		return errno == ENOTDIR ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (dl_is_entry(de->d_name) &&
		    dl_push(l, webhook, de->d_name) == -1) {
			closedir(d);
			return -1;
		}
	closedir(d);
	return 0;
}

static int
dl_by_id(const void *a, const void *b)
{
	const struct dl_item *x = a, *y = b;
	int c = strcmp(x->webhook, y->webhook);

	if (x->orphan != y->orphan)
		return x->orphan - y->orphan;
	return c ? c : strcmp(x->name, y->name);
}

static int	dl_scan_dead(const char *, struct dl_list *);

struct dl_orphans {
	const char	*state_dir;
	struct dl_list	*l;
};

static void
dl_scan_orphan(const char *webhook, size_t n, void *arg)
{
	struct dl_orphans *o = arg;

	(void)n;
	if (dl_scan_webhook(o->state_dir, webhook, o->l) == -1)
		o->l->err = 1;
}

/*
 * Every refused event under STATE_DIR, and every event in the outbox
 * of a webhook C no longer has, by webhook then time; 0 or -1.
 */
static int
dl_scan(const struct conf *c, const char *state_dir, struct dl_list *l)
{
	struct dl_orphans o = { state_dir, l };

	l->orphan = 1;
	if (outbox_orphans(state_dir, c, dl_scan_orphan, &o) == -1 || l->err)
		return -1;
	l->orphan = 0;
	if (dl_scan_dead(state_dir, l) == -1)
		return -1;
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), dl_by_id);
	return 0;
}

static int
dl_scan_dead(const char *state_dir, struct dl_list *l)
{
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = dir_open_below(state_dir, "deadletter", 0, 0)) == -1)
		return errno == ENOENT ? 0 : -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' &&
		    dl_scan_webhook(state_dir, de->d_name, l) == -1) {
			closedir(d);
			return -1;
		}
	closedir(d);
	return 0;
}

/* File NAME of KIND/WEBHOOK, NUL-terminated and malloc'd; or NULL. */
static char *
dl_slurp(const char *state_dir, const char *kind, const char *webhook,
    const char *name)
{
	char sub[PATH_MAX], *buf;
	ssize_t got;
	int dfd, fd;

	if (name == NULL)
		return NULL;
	snprintf(sub, sizeof(sub), "%s/%s", kind, webhook);
	if ((dfd = dir_open_below(state_dir, sub, 0, 0)) == -1)
		return NULL;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dfd);
	if (fd == -1)
		return NULL;
	if ((buf = malloc(DL_FILE_MAX + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	got = read(fd, buf, DL_FILE_MAX);
	close(fd);
	if (got < 0) {
		free(buf);
		return NULL;
	}
	buf[got] = '\0';
	return buf;
}

/* The first line of IT's reason into BUF ("?" if there is none). */
static void
dl_reason(const char *state_dir, const struct dl_item *it, char *buf,
    size_t len)
{
	char name[OUTBOX_NAME_MAX + 8], *r;

	if (it->orphan) {
		snprintf(buf, len, "waiting in the outbox of a webhook no "
		    "longer in the config");
		return;
	}
	snprintf(name, sizeof(name), "%s.reason", it->name);
	r = dl_slurp(state_dir, "deadletter", it->webhook, name);
	snprintf(buf, len, "%.*s", r ? (int)strcspn(r, "\n") : 1, r ? r : "?");
	free(r);
}

static void
dl_print_id(const struct dl_item *it)
{
	printf("%s/%.*s", it->webhook, (int)(strlen(it->name) - 5), it->name);
}

/* KEY of J as a string, or DEF. */
static const char *
dl_str(const json_t *j, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s != NULL ? s : def;
}

static int
dl_cmd_list(const char *state_dir, const struct dl_list *l)
{
	char why[512], *text;
	json_t *j;
	size_t i, orphans = 0;

	for (i = 0; i < l->n; i++) {
		orphans += l->v[i].orphan;
		text = dl_slurp(state_dir, dl_kind(&l->v[i]), l->v[i].webhook,
		    l->v[i].name);
		j = text ? json_loads(text, 0, NULL) : NULL;
		dl_reason(state_dir, &l->v[i], why, sizeof(why));
		dl_print_id(&l->v[i]);
		printf("\n  %s %s: %s\n", j ? dl_str(j, "status", "?") :
		    "unreadable", dl_str(j, "event_id", ""), why);
		json_decref(j);
		free(text);
	}
	printf("%zu refused event%s in %s/deadletter\n", l->n - orphans,
	    l->n - orphans == 1 ? "" : "s", state_dir);
	if (orphans > 0)
		printf("%zu event%s in %s/outbox for webhooks no longer in the "
		    "config: retry ID|all --to WEBHOOK, or drop\n", orphans,
		    orphans == 1 ? "" : "s", state_dir);
	return 0;
}

/*
 * The items ID names into *FROM..*TO (ID "all": every one). ID is
 * "WEBHOOK/NAME" or NAME alone if only one webhook has it, ".json" or
 * not. 0, or -1 with the reason printed.
 */
static int
dl_find(const struct dl_list *l, const char *id, size_t *from, size_t *to)
{
	const char *slash = strchr(id, '/'), *nm = slash ? slash + 1 : id;
	size_t i, hits = 0, wl = slash ? (size_t)(slash - id) : 0;
	size_t nl = strlen(nm);

	if (strcmp(id, "all") == 0) {
		*from = 0;
		*to = l->n;
		return 0;
	}
	if (nl > 5 && strcmp(nm + nl - 5, ".json") == 0)
		nl -= 5;
	for (i = 0; i < l->n; i++) {
		if (slash && (strlen(l->v[i].webhook) != wl ||
		    strncmp(l->v[i].webhook, id, wl) != 0))
			continue;
		if (strlen(l->v[i].name) != nl + 5 ||
		    strncmp(l->v[i].name, nm, nl) != 0)
			continue;
		*from = i;
		*to = i + 1;
		hits++;
	}
	if (hits == 1)
		return 0;
	fprintf(stderr, "lakewatch: deadletter: %s: %s (see `lakewatch "
	    "deadletter list`)\n", id, hits ? "in several webhooks' folders: "
	    "say WEBHOOK/ID" : "no such refused event");
	return -1;
}

static int
dl_cmd_show(const char *state_dir, const struct dl_item *it)
{
	char name[OUTBOX_NAME_MAX + 8], *text, *reason;

	if ((text = dl_slurp(state_dir, dl_kind(it), it->webhook,
	    it->name)) == NULL) {
		fprintf(stderr, "lakewatch: %s/%s/%s/%s: %s\n", state_dir,
		    dl_kind(it), it->webhook, it->name, strerror(errno));
		return 1;
	}
	snprintf(name, sizeof(name), "%s.reason", it->name);
	reason = it->orphan ? xstrdup("(in the outbox of a webhook no longer "
	    "in the config)\n") : dl_slurp(state_dir, "deadletter",
	    it->webhook, name);
	printf("id: ");
	dl_print_id(it);
	printf("\nwebhook: %s\nrefused: %s%s%s\n", it->webhook,
	    reason ? reason : "(no reason recorded)\n", text,
	    text[0] && text[strlen(text) - 1] == '\n' ? "" : "\n");
	free(reason);
	free(text);
	return 0;
}

static int
dl_configured(const struct conf *c, const char *webhook)
{
	size_t i;

	for (i = 0; i < c->nwebhook; i++)
		if (strcmp(c->webhooks[i].name, webhook) == 0)
			return 1;
	return 0;
}

/*
 * IT into the outbox of webhook TO (RETRY) or removed; 0 or -1. The
 * event is the daemon's own JSON: any webhook's format can send it.
 */
static int
dl_move(const char *state_dir, const struct dl_item *it, int retry,
    const char *to_hook)
{
	char sub[PATH_MAX], reason[OUTBOX_NAME_MAX + 8];
	int from, to = -1, rc;

	snprintf(sub, sizeof(sub), "%s/%s", dl_kind(it), it->webhook);
	if ((from = dir_open_below(state_dir, sub, 0, 0)) == -1)
		return -1;
	snprintf(sub, sizeof(sub), "outbox/%s", to_hook);
	if (retry && (to = dir_open_below(state_dir, sub, 1, 0750)) == -1) {
		close(from);
		return -1;
	}
	/* the name keeps its time: it goes first, as the oldest */
	rc = retry ? renameat(from, it->name, to, it->name) :
	    unlinkat(from, it->name, 0);
	if (rc == 0) {
		snprintf(reason, sizeof(reason), "%s.reason", it->name);
		unlinkat(from, reason, 0);
		if (retry)
			fsync(to);
	}
	close(from);
	if (to != -1)
		close(to);
	return rc;
}

static int
dl_cmd_move(const struct conf *c, const struct dl_list *l, size_t from,
    size_t to, int retry, const char *to_hook)
{
	const char *hook;
	size_t i, done = 0;
	int rc = 0;

	for (i = from; i < to; i++) {
		hook = to_hook != NULL ? to_hook : l->v[i].webhook;
		if (retry && !dl_configured(c, hook)) {
			fprintf(stderr, "lakewatch: webhook '%s' is not in %s "
			    "any more: retry --to WEBHOOK, or drop the "
			    "event\n", hook, c->path);
			rc = 1;
			continue;
		}
		if (dl_move(c->state_dir, &l->v[i], retry, hook) == -1) {
			fprintf(stderr, "lakewatch: %s/%s/%s/%s: %s\n",
			    c->state_dir, dl_kind(&l->v[i]), l->v[i].webhook,
			    l->v[i].name, strerror(errno));
			rc = 1;
			continue;
		}
		dl_print_id(&l->v[i]);
		if (retry && strcmp(hook, l->v[i].webhook) == 0)
			printf(": back in the outbox\n");
		else if (retry)
			printf(": in the outbox of '%s'\n", hook);
		else
			printf(": dropped\n");
		done++;
	}
	if (retry && done > 0)
		printf("the daemon sends %s at its next reload or start "
		    "(systemctl reload lakewatchd)\n", done == 1 ? "it" :
		    "them");
	return rc;
}

void
tool_deadletter_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch deadletter -c FILE [list | show ID | "
	    "retry ID|all [--to WEBHOOK] |\n\tdrop ID|all]\n");
}

/* The action ARGV[0] (list if none) with its ID ARGV[1] on L. */
static int
dl_do(const struct conf *c, const struct dl_list *l, int argc, char **argv,
    const char *to_hook)
{
	const char *cmd = argc > 0 ? argv[0] : "list";
	size_t from, to;

	if (strcmp(cmd, "list") == 0)
		return dl_cmd_list(c->state_dir, l);
	if (dl_find(l, argv[1], &from, &to) == -1)
		return 1;
	if (strcmp(cmd, "show") == 0)
		return dl_cmd_show(c->state_dir, &l->v[from]);
	return dl_cmd_move(c, l, from, to, strcmp(cmd, "retry") == 0,
	    to_hook);
}

static int
dl_args_ok(int argc, char **argv, const char *to_hook)
{
	if (to_hook != NULL && (argc == 0 || strcmp(argv[0], "retry") != 0))
		return 0;
	if (argc == 0)
		return 1;
	if (strcmp(argv[0], "list") == 0)
		return argc == 1;
	if (argc != 2)
		return 0;
	if (strcmp(argv[0], "show") == 0)
		return strcmp(argv[1], "all") != 0;
	return strcmp(argv[0], "retry") == 0 || strcmp(argv[0], "drop") == 0;
}

/*
 * lakewatch deadletter -c FILE [list|show ID|retry ID|all|drop ID|all]:
 * 0, 1 if an event is not there or cannot be moved, 64, 66, 78.
 */
int
tool_deadletter(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct dl_list l = { NULL, 0, 0, 0, 0 };
	const char *file = NULL, *to_hook = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, rc;

	/* "+": options only before the action; then --to after the ID */
	while ((ch = getopt_long(argc, argv, "+c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 't': to_hook = optarg; break;
		default: tool_deadletter_usage(stderr); return EX_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 4 && strcmp(argv[2], "--to") == 0) {
		to_hook = argv[3];
		argc = 2;
	} else if (argc == 3 && strncmp(argv[2], "--to=", 5) == 0) {
		to_hook = argv[2] + 5;
		argc = 2;
	}
	if (file == NULL || !dl_args_ok(argc, argv, to_hook)) {
		tool_deadletter_usage(stderr);
		return EX_USAGE;
	}
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(file);
	}
	if (priv_drop_to_owner(c->state_dir) == -1 ||
	    dl_scan(c, c->state_dir, &l) == -1) {
		fprintf(stderr, "lakewatch: %s/deadletter: %s\n", c->state_dir,
		    strerror(errno));
		rc = 1;
	} else
		rc = dl_do(c, &l, argc, argv, to_hook);
	free(l.v);
	conf_free(c);
	return rc;
}
