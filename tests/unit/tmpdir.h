/* tmpdir.h: a scratch directory for unit tests, made and removed whole */
#ifndef LW_TEST_TMPDIR_H
#define LW_TEST_TMPDIR_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static int
tmpdir_rm_one(const char *path, const struct stat *st, int flag,
    struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path);
}

/* Make /tmp/lw-TAG-XXXXXX into BUF (LEN bytes); 0 or -1. */
static int
tmpdir_make(char *buf, size_t len, const char *tag)
{
	snprintf(buf, len, "/tmp/lw-%s-XXXXXX", tag);
	return mkdtemp(buf) == NULL ? -1 : 0;
}

/* Remove DIR and all below it; 0 or -1. */
static int
tmpdir_remove(const char *dir)
{
	return nftw(dir, tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
