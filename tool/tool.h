/* tool.h: the subcommands of lakewatch(1); each returns the exit status */
#ifndef LW_TOOL_H
#define LW_TOOL_H

#include <stdio.h>

/*
 * Each command has a tool_X (the exit status: sysexits(3), lakewatch(1)
 * EXIT STATUS: 64 a usage error, 66 no config file, 78 a bad config)
 * and a tool_X_usage that prints its synopsis to FP: stdout for
 * `lakewatch X --help`, stderr (then tool_X returns EX_USAGE) on a
 * usage error.
 */
int	tool_check(int argc, char **argv);
void	tool_check_usage(FILE *fp);
/*
 * Read registers once and print them in every decoding (probe.c).
 * 0, 1 on a Modbus error, 64 on a usage error, 66 or 78 if the config
 * fails.
 */
int	tool_probe(int argc, char **argv);
void	tool_probe_usage(FILE *fp);
int	tool_status(int argc, char **argv);
void	tool_status_usage(FILE *fp);
int	tool_drivers(int argc, char **argv);
void	tool_drivers_usage(FILE *fp);
int	tool_maintenance(int argc, char **argv);
void	tool_maintenance_usage(FILE *fp);
/* Bulletin statistics from the sample log (report_cmd.c). 0, 1, 64, 78. */
int	tool_report(int argc, char **argv);
void	tool_report_usage(FILE *fp);
/* Backfill a CSV into the sample log and the RRD (import.c). */
int	tool_import(int argc, char **argv);
void	tool_import_usage(FILE *fp);
/* One RRD graph with class bands and flagged periods (graph.c). */
int	tool_graph(int argc, char **argv);
void	tool_graph_usage(FILE *fp);
/* The static status page under www_dir (dashboard.c). */
int	tool_dashboard(int argc, char **argv);
void	tool_dashboard_usage(FILE *fp);
/*
 * A marked test event through each webhook, the receiver's answer shown
 * (testalert.c). 0 if every webhook accepted it, 1 if not, 64, 66, 78.
 */
int	tool_test_alert(int argc, char **argv);
void	tool_test_alert_usage(FILE *fp);
/* Events a receiver refused: list, show, retry, drop (deadletter.c). */
int	tool_deadletter(int argc, char **argv);
void	tool_deadletter_usage(FILE *fp);

#endif
