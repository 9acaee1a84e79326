/*
 * fuzz_import.c: the CSV parser of `lakewatch import` (time,value[,flag]
 * rows from a lab or a spreadsheet). Its parsing functions are static,
 * so the input goes in as the file of `lakewatch import -n` (check only:
 * nothing is written) for a TP and a temperature sensor in turn. The
 * command must answer 0 (imported) or 1 (refused, rows named). Its output
 * goes to /dev/null; FUZZ_VERBOSE=1 keeps it (to replay a crash).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/log.h"
#include "../../tool/tool.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	conf[PATH_MAX], csv[PATH_MAX];
static int	devnull = -1, verbose;

static void
setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char dir[PATH_MAX];
	FILE *fp;

	log_init("fuzz", LOG_LVL_ERROR);
	snprintf(dir, sizeof(dir), "%s/lakewatch-fuzz-import.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	verbose = getenv("FUZZ_VERBOSE") != NULL;
	if (mkdtemp(dir) == NULL ||
	    (devnull = open("/dev/null", O_WRONLY)) == -1)
		abort();
	snprintf(conf, sizeof(conf), "%s/lakewatch.conf", dir);
	snprintf(csv, sizeof(csv), "%s/in.csv", dir);
	if ((fp = fopen(conf, "w")) == NULL)
		abort();
	fprintf(fp, "[daemon]\nstate_dir = %s\n[bus b]\nhost = 127.0.0.1\n"
	    "[sensor tp]\nbus = b\nregister = 0\n"
	    "[sensor temp]\nbus = b\nregister = 2\nparameter = temp\n", dir);
	fclose(fp);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char cmd[] = "import", dry[] = "-n", c[] = "-c";
	static char tp[] = "tp", temp[] = "temp";
	char *argv[] = { cmd, dry, c, conf, NULL, csv, NULL };
	int fd, out = -1, err = -1, rc;

	if (devnull == -1)
		setup();
	if ((fd = open(csv, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    write(fd, data, size) != (ssize_t)size || close(fd) == -1)
		abort();
	argv[4] = size % 2 ? temp : tp;
	optind = 0;		/* glibc: start getopt afresh */
	if (!verbose) {
		fflush(stdout);
		fflush(stderr);
		out = dup(1);
		err = dup(2);
		dup2(devnull, 1);
		dup2(devnull, 2);
	}
	rc = tool_import(6, argv);
	if (!verbose) {
		fflush(stdout);
		fflush(stderr);
		dup2(out, 1);
		dup2(err, 2);
		close(out);
		close(err);
	}
	if (rc != 0 && rc != 1)
		abort();
	return 0;
}
