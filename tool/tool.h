/* tool.h: the subcommands of lakewatch(1); each returns the exit status */
#ifndef LW_TOOL_H
#define LW_TOOL_H

int	tool_check(int argc, char **argv);
/*
 * Read registers once and print them in every decoding (probe.c).
 * 0, 1 on a Modbus error, 2 on a usage error, 78 if the config fails.
 */
int	tool_probe(int argc, char **argv);
int	tool_status(int argc, char **argv);
int	tool_drivers(int argc, char **argv);
int	tool_maintenance(int argc, char **argv);
/* Bulletin statistics from the sample log (report_cmd.c). 0, 1, 2, 78. */
int	tool_report(int argc, char **argv);
/* Backfill a CSV into the sample log and the RRD (import.c). */
int	tool_import(int argc, char **argv);
/* One RRD graph with class bands and flagged periods (graph.c). */
int	tool_graph(int argc, char **argv);
/* The static status page under www_dir (dashboard.c). */
int	tool_dashboard(int argc, char **argv);

#endif
