/*
 * lakewatch.c: the operator's tool: the command table; each command is
 * a file of tool/ (check.c, probe.c, status.c, drivers.c, maintenance.c,
 * report_cmd.c, import.c, graph.c, dashboard.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "../lib/log.h"
#include "tool.h"

static const struct command {
	const char	*name;
	int		(*fn)(int, char **);
	const char	*help;
} commands[] = {
	{ "check", tool_check, "check -c FILE: validate a config, show the "
	    "request plan" },
	{ "probe", tool_probe, "probe -h HOST|-d TTY|-c FILE ...: registers" },
	{ "status", tool_status, "status [-j] -c FILE: what the running "
	    "daemon reports (buses, sensors, outbox)" },
	{ "drivers", tool_drivers, "drivers: the analyzer drivers built in" },
	{ "maintenance", tool_maintenance, "maintenance -c FILE [SENSOR on|off "
	    "[-f 2h]]: flag readings M and hold alerts" },
	{ "report", tool_report, "report -c F --sensor S|--site S --year Y" },
	{ "import", tool_import, "import [-n] -c FILE SENSOR data.csv" },
	{ "graph", tool_graph, "graph -c FILE --sensor S [--range R] -o F" },
	{ "dashboard", tool_dashboard, "dashboard -c FILE: pages in www_dir" },
	{ NULL, NULL, NULL }
};

static void
usage(void)
{
	const struct command *c;

	fprintf(stderr, "usage: lakewatch COMMAND [options]\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(stderr, "  %s\n", c->help);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const struct command *c;

	log_init("lakewatch", LOG_LVL_WARNING);
	if (argc < 2)
		usage();
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "version") == 0) {
		printf("lakewatch %s\n", LW_VERSION);
		return 0;
	}
	for (c = commands; c->name != NULL; c++)
		if (strcmp(argv[1], c->name) == 0)
			return c->fn(argc - 1, argv + 1);
	fprintf(stderr, "lakewatch: unknown command '%s'\n", argv[1]);
	usage();
}
