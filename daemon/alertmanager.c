/*
 * alertmanager.c: Alertmanager targets. Events go as an array of alerts
 * (lib/format.c builds each) to <url>/api/v2/alerts; the alerts still
 * firing are kept under <state_dir>/alertmanager/<webhook>.json and
 * re-sent every resend seconds with endsAt pushed ahead, so that the
 * Alertmanager does not resolve them on its own. One request at a time,
 * to every member of a cluster (url lists several): taken when one of
 * them takes it, as Prometheus does; the members gossip it, and the
 * re-sends bring a member that missed it up to date.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../lib/format.h"
#include "../lib/log.h"
#include "../lib/util.h"
#include "notifyint.h"

/* alertmanager: the alert for record EV as it should be sent now. */
static json_t *
am_alert(const struct target *t, const json_t *ev, time_t now)
{
	const char *status = json_string_value(json_object_get(ev, "status"));
	char key[EVENT_ID_MAX], ends[32];
	json_t *a, *old;

	if ((a = format_am_alert(ev, t->w->generator_url)) == NULL)
		return NULL;
	format_am_key(ev, key, sizeof(key));
	if (status != NULL && strcmp(status, "resolved") == 0) {
		old = json_object_get(t->active, key);
		if (old != NULL) {
			json_object_set(a, "labels", json_object_get(old,
			    "labels"));
			json_object_set(a, "startsAt", json_object_get(old,
			    "startsAt"));
		}
		json_object_set(a, "endsAt", json_object_get(ev,
		    "observed_at"));
	} else {
		fmt_rfc3339(now + (time_t)t->w->resolve_timeout, ends,
		    sizeof(ends));
		json_object_set_new(a, "endsAt", json_string(ends));
	}
	return a;
}

/* alertmanager: every active alert, endsAt pushed ahead. */
static json_t *
am_resend_body(const struct target *t, time_t now)
{
	json_t *arr = json_array(), *a, *c;
	const char *key;
	char ends[32];

	fmt_rfc3339(now + (time_t)t->w->resolve_timeout, ends, sizeof(ends));
	json_object_foreach(t->active, key, a) {
		c = json_deep_copy(a);
		json_object_set_new(c, "endsAt", json_string(ends));
		json_array_append_new(arr, c);
	}
	return arr;
}

static void
am_send(struct notify *n, struct req *r, json_t *arr, enum req_kind kind)
{
	r->body = format_dump(arr);
	json_decref(arr);
	if (r->body == NULL)
		fatal("notify");
	r->kind = kind;
	notify_launch(n, r, notify_headers(r, NULL, 0));
	notify_launch_members(n, r);
}

int
am_kick(struct notify *n, struct target *t)
{
	struct req *r = &t->req[0];
	json_t *ev[FOLD_MAX], *arr, *a;
	time_t now = (time_t)wall_now();
	size_t wait, k, got, i;

	if ((k = notify_take_head(n, t, r, FOLD_MAX, &wait)) == 0) {
		if (json_object_size(t->active) > 0 &&
		    ts_diff(mono_now(), t->next_resend) >= 0)
			am_send(n, r, am_resend_body(t, now), REQ_RESEND);
		return 0;
	}
	if ((got = notify_load(n, t, r->fold, k, ev)) == 0) {
		notify_unreadable(n, t, r->fold[0]);
		return 1;
	}
	arr = json_array();
	r->batch = json_array();
	for (i = 0; i < got; i++) {
		if ((a = am_alert(t, ev[i], now)) == NULL)
			break;
		json_array_append_new(arr, a);
		json_array_append(r->batch, ev[i]);
	}
	notify_free_events(ev, got);
	if ((r->nfold = i) == 0) {
		json_decref(arr);
		json_decref(r->batch);
		r->batch = NULL;
		notify_unreadable(n, t, r->fold[0]);
		return 1;
	}
	am_send(n, r, arr, REQ_EVENTS);
	return 0;
}

static void
am_path(const struct notify *n, const struct target *t, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/alertmanager/%s.json", n->c->state_dir,
	    t->w->name);
}

/* Save T's active alerts atomically; 0 or -1 (logged). */
static int
am_save(struct notify *n, struct target *t)
{
	char path[PATH_MAX], dir[PATH_MAX];
	json_t *j = json_pack("{s:i, s:O}", "version", 1, "alerts",
	    t->active);
	char *text = format_dump(j);
	int rc;

	json_decref(j);
	snprintf(dir, sizeof(dir), "%s/alertmanager", n->c->state_dir);
	am_path(n, t, path, sizeof(path));
	rc = text == NULL || mkdirs(dir, 0750) == -1 ||
	    write_atomic(path, text, strlen(text), 0640) == -1 ? -1 : 0;
	if (rc == -1)
		log_warn("webhook '%s': %s", t->w->name, path);
	free(text);
	return rc;
}

void
am_load(struct notify *n, struct target *t)
{
	char path[PATH_MAX], bad[PATH_MAX + 8];
	json_error_t jerr;
	json_t *j, *a;

	t->active = json_object();
	am_path(n, t, path, sizeof(path));
	if (access(path, F_OK) == -1)
		return;
	j = json_load_file(path, 0, &jerr);
	a = json_object_get(j, "alerts");
	if (!json_is_object(a)) {
		snprintf(bad, sizeof(bad), "%s.bad", path);
		log_warnx("webhook '%s': %s unreadable (%s); moved to %s, "
		    "starting with no active alerts", t->w->name, path,
		    jerr.text, bad);
		rename(path, bad);
	} else {
		json_object_update(t->active, a);
		log_info("webhook '%s': %zu active alerts from an earlier "
		    "run", t->w->name, json_object_size(t->active));
	}
	json_decref(j);
}

int
am_accepted(struct notify *n, struct req *r)
{
	struct target *t = r->t;
	char key[EVENT_ID_MAX];
	const char *status;
	json_t *ev, *a;
	size_t i;

	json_array_foreach(r->batch, i, ev) {
		format_am_key(ev, key, sizeof(key));
		status = json_string_value(json_object_get(ev, "status"));
		if (status != NULL && strcmp(status, "resolved") == 0) {
			json_object_del(t->active, key);
			continue;
		}
		if ((a = format_am_alert(ev, t->w->generator_url)) != NULL)
			json_object_set_new(t->active, key, a);
	}
	return am_save(n, t);
}
