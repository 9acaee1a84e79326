/* tool.h: the subcommands of lakewatch(1); each returns the exit status */
#ifndef LW_TOOL_H
#define LW_TOOL_H

int	tool_check(int argc, char **argv);
int	tool_status(int argc, char **argv);
int	tool_drivers(int argc, char **argv);

#endif
