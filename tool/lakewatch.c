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
	void		(*usage)(FILE *);
	const char	*help;
} commands[] = {
	{ "check", tool_check, tool_check_usage, "check -c FILE: validate a "
	    "config, show the request plan" },
	{ "probe", tool_probe, tool_probe_usage, "probe -h HOST|-d TTY|-c "
	    "FILE ...: registers" },
	{ "status", tool_status, tool_status_usage, "status [-j] -c FILE: "
	    "what the running daemon reports (buses, sensors, outbox)" },
	{ "drivers", tool_drivers, tool_drivers_usage, "drivers: the analyzer "
	    "drivers built in" },
	{ "maintenance", tool_maintenance, tool_maintenance_usage,
	    "maintenance -c FILE [SENSOR on|off [-f 2h]]: flag readings M "
	    "and hold alerts" },
	{ "report", tool_report, tool_report_usage, "report -c F --sensor "
	    "S|--site S --year Y" },
	{ "import", tool_import, tool_import_usage, "import [-n] -c FILE "
	    "SENSOR data.csv" },
	{ "graph", tool_graph, tool_graph_usage, "graph -c FILE --sensor S "
	    "[--range R] -o F" },
	{ "dashboard", tool_dashboard, tool_dashboard_usage, "dashboard -c "
	    "FILE: pages in www_dir" },
	{ "test-alert", tool_test_alert, tool_test_alert_usage, "test-alert "
	    "-c FILE [--webhook NAME]: a test event through each webhook" },
	{ "deadletter", tool_deadletter, tool_deadletter_usage, "deadletter "
	    "-c FILE [list|show ID|retry ID|all|drop ID]: refused events" },
	{ NULL, NULL, NULL, NULL }
};

/* To stdout with exit 0 when asked for (--help, help), else a usage error. */
static void
usage(FILE *fp, int rc)
{
	const struct command *c;

	fprintf(fp, "usage: lakewatch COMMAND [options]\n"
	    "       lakewatch help [COMMAND] | COMMAND --help | -V\n");
	for (c = commands; c->name != NULL; c++)
		fprintf(fp, "  %s\n", c->help);
	exit(rc);
}

static const struct command *
command(const char *name)
{
	const struct command *c;

	for (c = commands; c->name != NULL; c++)
		if (strcmp(name, c->name) == 0)
			return c;
	fprintf(stderr, "lakewatch: unknown command '%s'\n", name);
	usage(stderr, EX_USAGE);
	return NULL;
}

/* --help among the options (before a "--") of a command. */
static int
wants_help(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--help") == 0)
			return 1;
	return 0;
}

/* `lakewatch help [COMMAND]` */
static int
help(int argc, char **argv)
{
	if (argc < 2)
		usage(stdout, 0);
	command(argv[1])->usage(stdout);
	return 0;
}

int
main(int argc, char *argv[])
{
	const struct command *c;

	log_init("lakewatch", LOG_LVL_WARNING);
	if (argc < 2)
		usage(stderr, EX_USAGE);
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("lakewatch %s\n", LW_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return help(argc - 1, argv + 1);
	c = command(argv[1]);
	if (wants_help(argc - 1, argv + 1)) {
		c->usage(stdout);
		return 0;
	}
	return c->fn(argc - 1, argv + 1);
}
