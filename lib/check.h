/* check.h: what `lakewatchd -t` and `lakewatch check` print of a config */
#ifndef LW_CHECK_H
#define LW_CHECK_H

#include <stdio.h>

#include "conf.h"

/*
 * Print, per bus, the requests one cycle sends (as the daemon plans
 * them) and the estimated bus time against the shortest interval; then
 * a warning per webhook key its format ignores (a mention or keyword on
 * json, a mention on wecom markdown, mobiles on feishu or slack).
 * Returns the number of buses whose plan cannot fit their interval.
 */
int	check_report(const struct conf *c, FILE *fp);

#endif
