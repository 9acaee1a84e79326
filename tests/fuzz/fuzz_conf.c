/*
 * fuzz_conf.c: lakewatch.conf parsing. The input is written to a memfd
 * and loaded by path, as lakewatchd -c would; a config that loads is
 * printed in normal form and its request plan reported (lakewatchd -t),
 * and the normal form must load again.
 */
#include <sys/mman.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/check.h"
#include "../../lib/conf.h"
#include "../../lib/log.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	 fd = -1, fd2 = -1;
static char	 path[64], path2[64];
static FILE	*devnull;

static void
setup(void)
{
	log_init("fuzz", LOG_LVL_ERROR);
	if ((fd = memfd_create("lakewatch.conf", 0)) == -1 ||
	    (fd2 = memfd_create("normal.conf", 0)) == -1 ||
	    (devnull = fopen("/dev/null", "w")) == NULL)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(path2, sizeof(path2), "/proc/self/fd/%d", fd2);
}

static void
put(int f, const void *buf, size_t len)
{
	if (ftruncate(f, 0) == -1 || pwrite(f, buf, len, 0) != (ssize_t)len)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[LW_ERRLEN], *text = NULL;
	struct conf *c, *c2;
	size_t len = 0;
	FILE *mem;

	if (fd == -1)
		setup();
	put(fd, data, size);
	if ((c = conf_load(path, err)) == NULL) {
		if (err[0] == '\0' || strlen(err) >= LW_ERRLEN)
			abort();	/* a refusal always says why */
		return 0;
	}
	conf_print(c, devnull);
	check_report(c, devnull);
	/* the normal form is itself a valid config with the same objects */
	if ((mem = open_memstream(&text, &len)) == NULL)
		abort();
	conf_print(c, mem);
	fclose(mem);
	put(fd2, text, len);
	free(text);
	if ((c2 = conf_load(path2, err)) != NULL) {
		if (c2->nbus != c->nbus || c2->nsensor != c->nsensor ||
		    c2->nwebhook != c->nwebhook)
			abort();
		conf_free(c2);
	}
	conf_free(c);
	return 0;
}
