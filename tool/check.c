/* check.c: lakewatch check: validate a config, show the request plan */
#include <pwd.h>
#include <stdio.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/check.h"
#include "../lib/conf.h"
#include "tool.h"

/* The unit's User= (systemd/lakewatchd.service): who opens the ports. */
#define CHECK_SERVICE_USER	"lakewatch"

void
tool_check_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch check [-q] [-u USER] -c FILE\n");
}

static int
check_usage(void)
{
	tool_check_usage(stderr);
	return EX_USAGE;
}

static int
has_rtu(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nbus; i++)
		if (c->buses[i].type == BUS_RTU)
			return 1;
	return 0;
}

int
tool_check(int argc, char **argv)
{
	const char *file = NULL, *user = NULL;
	char err[LW_ERRLEN];
	struct conf *c;
	int ch, quiet = 0, bad;

	while ((ch = getopt(argc, argv, "c:qu:")) != -1) {
		switch (ch) {
		case 'c': file = optarg; break;
		case 'q': quiet = 1; break;
		case 'u': user = optarg; break;
		default: return check_usage();
		}
	}
	if (file == NULL)
		return check_usage();
	if ((c = conf_load(file, err)) == NULL) {
		fprintf(stderr, "%s\n", err);
		return conf_exit_status(file);
	}
	/* root opens anything: what counts is the service user's access */
	if (user == NULL && geteuid() == 0)
		user = CHECK_SERVICE_USER;
	fflush(stdout);
	bad = check_devices(c, user, stderr);
	if (!quiet) {
		printf("%s: %s: %zu buses, %zu sensors, %zu webhooks\n", file,
		    bad ? "FAILED" : "ok", c->nbus, c->nsensor, c->nwebhook);
		if (user != NULL && has_rtu(c) && getpwnam(user) != NULL)
			printf("serial devices checked for user '%s'\n", user);
		if (check_report(c, stdout))
			printf("%s: some bus cannot keep its interval\n",
			    file);
	}
	conf_free(c);
	return bad ? EX_CONFIG : 0;
}
