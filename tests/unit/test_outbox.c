/* test_outbox.c: durable event files, in a temporary state_dir */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/outbox.h"

static char dir[64];

/*
 * fsync, watched: the outbox's calls come here (the test's definition
 * wins over libc's), from several threads at once. Counts file and
 * folder syncs, notes a file synced under its final name (its text was
 * not on disk when it got the name), fails the sync of the file whose
 * name holds FSYNC_FAIL with EIO, and with SYNC_NAP takes that long
 * over each file sync, noting how many were under way at most.
 */
static atomic_int	nfile, ndir, late, busy, most;
static const char	*fsync_fail;
static long		 sync_nap;

int
fsync(int fd)
{
	char link[64], path[512] = "";
	struct timespec nap = { 0, sync_nap };
	struct stat st;
	ssize_t n;
	int now, was;

	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		ndir++;
	else {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		if ((n = readlink(link, path, sizeof(path) - 1)) > 0) {
			path[n] = '\0';
			if (n < 4 || strcmp(path + n - 4, ".tmp") != 0)
				late++;
		}
		nfile++;
		if (fsync_fail != NULL && strstr(path, fsync_fail) != NULL) {
			errno = EIO;
			return -1;
		}
		now = ++busy;
		was = most;
		while (now > was && !atomic_compare_exchange_weak(&most, &was,
		    now))
			;
		if (sync_nap > 0)
			nanosleep(&nap, NULL);
		busy--;
	}
	return (int)syscall(SYS_fsync, fd);
}

static int
setup(void **state)
{
	(void)state;
	return tmpdir_make(dir, sizeof(dir), "outbox");
}

static int
teardown(void **state)
{
	(void)state;
	return tmpdir_remove(dir);
}

static void
put(const char *target, const char *id, const char *json)
{
	char err[LW_ERRLEN];

	if (outbox_put(dir, target, id, json, err) == -1)
		fail_msg("outbox_put: %s", err);
}

/* 1 if <dir>/SUB/ops/NAME exists. */
static int
exists(const char *sub, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s/ops/%s", dir, sub, name);
	return stat(path, &st) == 0;
}

static void
test_empty(void **state)
{
	char name[OUTBOX_NAME_MAX];

	(void)state;
	assert_int_equal(outbox_count(dir, "ops"), 0);
	assert_int_equal(outbox_oldest(dir, "ops", name, sizeof(name)), 0);
	assert_null(outbox_read(dir, "ops", "nothing.json"));
	assert_int_equal(outbox_remove(dir, "ops", "nothing.json"), -1);
}

static void
test_put_order(void **state)
{
	static const char *const body[] = { "{\"n\":1}", "{\"n\":2}",
	    "{\"n\":3,\"site\":\"长荡湖湖心\"}" };
	char name[OUTBOX_NAME_MAX], first[OUTBOX_NAME_MAX], *s;
	int i;

	(void)state;
	put("ops", "centre-tp:threshold:1", body[0]);
	put("ops", "centre-tp:threshold:2", body[1]);
	put("ops", "centre-tp:threshold:3", body[2]);
	put("chat", "centre-tp:threshold:1", "{}");
	assert_int_equal(outbox_count(dir, "ops"), 3);
	assert_int_equal(outbox_count(dir, "chat"), 1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(outbox_oldest(dir, "ops", name,
		    sizeof(name)), 1);
		assert_null(strchr(name, '/'));
		if (i == 0)
			snprintf(first, sizeof(first), "%s", name);
		s = outbox_read(dir, "ops", name);
		assert_non_null(s);
		assert_string_equal(s, body[i]);	/* put order */
		free(s);
		assert_int_equal(outbox_remove(dir, "ops", name), 0);
		assert_int_equal(outbox_count(dir, "ops"), 2 - i);
	}
	assert_int_equal(outbox_oldest(dir, "ops", name, sizeof(name)), 0);
	assert_null(outbox_read(dir, "ops", first));
	assert_int_equal(outbox_count(dir, "chat"), 1);
}

/* an entry's name tells which event it holds, and only that one */
static void
test_holds(void **state)
{
	char name[OUTBOX_NAME_MAX], err[LW_ERRLEN];

	(void)state;
	assert_int_equal(outbox_add(dir, "ops", "centre-tp:threshold:1",
	    "{}", name, err), 0);
	assert_true(outbox_holds(name, "centre-tp:threshold:1"));
	assert_false(outbox_holds(name, "centre-tp:threshold:11"));
	assert_false(outbox_holds(name, "centre-tp:threshold:"));
	assert_false(outbox_holds(name, "north-tp:threshold:1"));
	assert_false(outbox_holds("junk.json", "centre-tp:threshold:1"));
	assert_int_equal(outbox_add(dir, "ops", "a-b-c:stale:2", "{}", name,
	    err), 0);
	assert_true(outbox_holds(name, "a-b-c:stale:2"));
}

static void
test_many_same_time(void **state)
{
	char name[OUTBOX_NAME_MAX], id[32], *s;
	int i;

	(void)state;
	for (i = 0; i < 50; i++) {
		snprintf(id, sizeof(id), "tp:threshold:%d", i);
		put("ops", id, id);
	}
	for (i = 0; i < 50; i++) {
		assert_int_equal(outbox_oldest(dir, "ops", name,
		    sizeof(name)), 1);
		s = outbox_read(dir, "ops", name);
		snprintf(id, sizeof(id), "tp:threshold:%d", i);
		assert_string_equal(s, id);
		free(s);
		assert_int_equal(outbox_remove(dir, "ops", name), 0);
	}
	assert_int_equal(outbox_count(dir, "ops"), 0);
}

/* Files in <dir>/outbox/ops whose name ends in SUFFIX. */
static int
count_suffix(const char *suffix)
{
	char path[512];
	struct dirent *de;
	size_t n, k = strlen(suffix);
	DIR *d;
	int c = 0;

	snprintf(path, sizeof(path), "%s/outbox/ops", dir);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if ((n = strlen(de->d_name)) > k &&
		    strcmp(de->d_name + n - k, suffix) == 0)
			c++;
	closedir(d);
	return c;
}

#define NB	30

/*
 * A batch: every entry readable, in order, each file synced before it
 * got its name, one folder sync for all; a sync that fails keeps the
 * entries before it and leaves no temporary file.
 */
static void
test_batch(void **state)
{
	char ids[NB][32], names[NB][OUTBOX_NAME_MAX], err[LW_ERRLEN] = "";
	const char *idp[NB], *json[NB];
	char name[OUTBOX_NAME_MAX], *s;
	int i;

	(void)state;
	for (i = 0; i < NB; i++) {
		snprintf(ids[i], sizeof(ids[i]), "s%02d:threshold:1", i);
		idp[i] = json[i] = ids[i];
	}
	nfile = ndir = late = 0;
	fsync_fail = NULL;
	assert_int_equal(outbox_add_many(dir, "ops", idp, json, NB, names,
	    err), NB);
	assert_int_equal(late, 0);
	assert_int_equal(nfile, NB);
	assert_int_equal(ndir, 1);
	assert_int_equal(count_suffix(".tmp"), 0);
	for (i = 0; i < NB; i++) {
		assert_true(outbox_holds(names[i], ids[i]));
		assert_int_equal(outbox_oldest(dir, "ops", name,
		    sizeof(name)), 1);
		assert_string_equal(name, names[i]);
		s = outbox_read(dir, "ops", name);
		assert_string_equal(s, ids[i]);
		free(s);
		assert_int_equal(outbox_remove(dir, "ops", name), 0);
	}

	/* the third entry's sync fails: the two before it are in */
	nfile = ndir = 0;
	fsync_fail = "s02";
	assert_int_equal(outbox_add_many(dir, "ops", idp, json, NB, names,
	    err), 2);
	fsync_fail = NULL;
	assert_non_null(strstr(err, strerror(EIO)));
	assert_int_equal(outbox_count(dir, "ops"), 2);
	assert_int_equal(count_suffix(".tmp"), 0);
	assert_int_equal(count_suffix(".json"), 2);
	assert_int_equal(outbox_oldest(dir, "ops", name, sizeof(name)), 1);
	assert_string_equal(name, names[0]);
}

/*
 * A burst's files are synced several at a time: each sync of a file the
 * first one's journal commit carried still costs a disk cache flush, and
 * a hundred of them one after the other held the burst's alerts ~80 ms.
 */
static void
test_batch_together(void **state)
{
	char ids[NB][32], names[NB][OUTBOX_NAME_MAX], err[LW_ERRLEN] = "";
	const char *idp[NB], *json[NB];
	int i;

	(void)state;
	for (i = 0; i < NB; i++) {
		snprintf(ids[i], sizeof(ids[i]), "s%02d:threshold:1", i);
		idp[i] = json[i] = ids[i];
	}
	nfile = ndir = late = busy = most = 0;
	fsync_fail = NULL;
	sync_nap = 20 * 1000000L;
	assert_int_equal(outbox_add_many(dir, "ops", idp, json, NB, names,
	    err), NB);
	sync_nap = 0;
	assert_int_equal(nfile, NB);
	assert_int_equal(late, 0);
	assert_true(most > 1);
	assert_int_equal(count_suffix(".json"), NB);
	assert_int_equal(count_suffix(".tmp"), 0);
}

static void
test_deadletter(void **state)
{
	char name[OUTBOX_NAME_MAX], path[512], buf[128];
	FILE *fp;

	(void)state;
	put("ops", "centre-tp:threshold:1", "{\"n\":1}");
	put("ops", "centre-tp:threshold:2", "{\"n\":2}");
	assert_int_equal(outbox_oldest(dir, "ops", name, sizeof(name)), 1);
	assert_int_equal(outbox_deadletter(dir, "ops", name,
	    "HTTP 400: bad payload"), 0);
	assert_int_equal(outbox_count(dir, "ops"), 1);
	assert_false(exists("outbox", name));
	assert_true(exists("deadletter", name));
	snprintf(path, sizeof(path), "%s/deadletter/ops/%s.reason", dir, name);
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	assert_non_null(strstr(buf, "HTTP 400: bad payload"));
	/* the other entry is still next */
	assert_int_equal(outbox_oldest(dir, "ops", buf, sizeof(buf)), 1);
	assert_string_not_equal(buf, name);
}

static void
test_bad_dir(void **state)
{
	char err[LW_ERRLEN], path[128];
	FILE *fp;

	(void)state;
	/* state_dir is a file: nothing can be stored under it */
	snprintf(path, sizeof(path), "%s/file", dir);
	assert_non_null(fp = fopen(path, "w"));
	fclose(fp);
	err[0] = '\0';
	assert_int_equal(outbox_put(path, "ops", "a:b:1", "{}", err), -1);
	assert_true(err[0] != '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_put_order, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_many_same_time, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_deadletter, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_bad_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_together, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
