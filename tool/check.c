/* check.c: lakewatch check: validate a config, show the request plan */
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/conf.h"
#include "tool.h"

void
tool_check_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch check [-q] -c FILE\n");
}

static int
check_usage(void)
{
	tool_check_usage(stderr);
	return EX_USAGE;
}

int
tool_check(int argc, char **argv)
{
	const char *file = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, quiet = 0;

	while ((ch = getopt(argc, argv, "c:q")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'q': quiet = 1; break;
		default: return check_usage();
		}
	}
	if (file == NULL)
		return check_usage();
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(file);
	}
	if (!quiet) {
		printf("%s: ok: %zu buses, %zu sensors, %zu webhooks\n", file,
		    c->nbus, c->nsensor, c->nwebhook);
		if (check_report(c, stdout))
			printf("%s: some bus cannot keep its interval\n",
			    file);
	}
	conf_free(c);
	return 0;
}
