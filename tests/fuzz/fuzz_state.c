/*
 * fuzz_state.c: <state_dir>/state.json as lakewatchd finds it at start:
 * written by an earlier run, or damaged (disk full, power loss, an
 * editor). The input is the file; state_load must load it or refuse it
 * with a message (moving it aside), and whatever it loads must then be
 * safe to run the alert rules on: a fixed run of samples (over, under,
 * flagged, missing; one of four, by the input's size) goes through
 * eval_sample and eval_tick for each sensor, and every
 * event they make must become an outbox record (format_event_record).
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../daemon/eval.h"
#include "../../daemon/state.h"
#include "../../lib/conf.h"
#include "../../lib/format.h"
#include "../../lib/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define NOW	((time_t)1764144000)	/* 2025-11-26T08:00:00Z */

/*
 * The runs of samples, one per byte: the high nibble adds minutes to the
 * clock, bit 3 puts the value over the limit, bit 2 near it (else well
 * under); with both top bits set the low three bits pick a flag C, M,
 * D, T, B or F, else the flag is N.
 */
static const uint8_t runs[4][8] = {
	{ 0x08, 0x08, 0x18, 0x00, 0x00, 0x10, 0xf8, 0x00 },
	{ 0x04, 0x0c, 0x00, 0xc0, 0xc1, 0xc2, 0xc3, 0x08 },
	{ 0xc4, 0xc4, 0xc4, 0x08, 0xc2, 0xc5, 0xc5, 0x00 },
	{ 0x08, 0x00, 0x08, 0x00, 0x08, 0x00, 0x08, 0x00 },
};

static struct conf	*conf;
static char		 file[PATH_MAX + 16];

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX], path[PATH_MAX + 16];
	char err[LW_ERRLEN];
	FILE *fp;

	log_init("fuzz", LOG_LVL_ERROR);
	snprintf(dir, sizeof(dir), "%s/lakewatch-fuzz-state.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(path, sizeof(path), "%s/lakewatch.conf", dir);
	if ((fp = fopen(path, "w")) == NULL)
		abort();
	fprintf(fp, "[daemon]\nstate_dir = %s\ninterval = 60\n"
	    "[alert]\nflap_limit = 3\nflap_window = 1h\n"
	    "[bus b]\nhost = 127.0.0.1\n"
	    "[sensor centre-tp]\nbus = b\nregister = 0\n"
	    "[sensor intake-tp]\nbus = b\nregister = 2\nwarn = 0.04\n"
	    "for = 2m\nclear_count = 2\n"
	    "[sensor centre-do]\nbus = b\nregister = 4\nparameter = do\n"
	    "cycle = 4h\n", dir);
	fclose(fp);
	if ((conf = conf_load(path, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		abort();
	}
	state_path(conf, file, sizeof(file));
}

static void
put(const uint8_t *data, size_t size)
{
	int fd;

	if ((fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) == -1)
		abort();
}

static void
events(const struct event *ev, int m)
{
	json_t *j;
	int k;

	if (m < 0 || m > EVAL_MAX_EVENTS)
		abort();
	for (k = 0; k < m; k++) {
		if ((j = format_event_record(&ev[k])) == NULL)
			abort();	/* an alert nobody can be told of */
		json_decref(j);
	}
}

/* Run the rules on sensor I from the loaded state, driven by P[0..N). */
static void
drive(size_t i, struct alarm_state *st, const uint8_t *p, size_t n)
{
	static const char flags[] = "CMDTBFNN";
	struct event ev[EVAL_MAX_EVENTS];
	struct sample s;
	time_t t = NOW;
	size_t k;

	eval_start(st, NOW);
	for (k = 0; k < n; k++) {
		memset(&s, 0, sizeof(s));
		snprintf(s.sensor, sizeof(s.sensor), "%s",
		    conf->sensors[i].name);
		s.idx = (int)i;
		t += 1 + (p[k] >> 4) * 60;
		s.t = t;
		s.value = (p[k] & 8) ? 0.08 : (p[k] & 4) ? 0.045 : 0.02;
		s.raw = s.value;
		s.flag = (p[k] >> 6) == 3 ? flags[p[k] & 7] : 'N';
		s.fresh = 1;
		events(ev, eval_sample(&conf->sensors[i], st, &s, ev));
		events(ev, eval_tick(&conf->sensors[i], st, t + 30, ev));
	}
	events(ev, eval_tick(&conf->sensors[i], st, t + 86400, ev));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alarm_state st[3];
	char err[LW_ERRLEN];
	size_t i;

	if (conf == NULL)
		setup();
	put(data, size);
	memset(st, 0, sizeof(st));
	for (i = 0; i < conf->nsensor; i++)
		eval_start(&st[i], NOW - 3600);
	err[0] = '\0';
	if (state_load(conf, st, err) == -1) {
		if (err[0] == '\0')
			abort();	/* a refusal says why */
		if (access(file, F_OK) == 0)
			abort();	/* ... and moves the file aside */
	} else
		for (i = 0; i < conf->nsensor; i++)
			drive(i, &st[i], runs[size % 4], sizeof(runs[0]));
	/* the flap rings (the sensors loaded before a bad one have some) */
	for (i = 0; i < conf->nsensor; i++)
		eval_free(&st[i]);
	return 0;
}
