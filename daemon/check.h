/* check.h: what `lakewatchd -t` and `lakewatch check` print of a config */
#ifndef LW_CHECK_H
#define LW_CHECK_H

#include <stdio.h>

#include "conf.h"

/*
 * Print, per bus, the requests one cycle sends (as the daemon plans
 * them) and the estimated bus time against the shortest interval.
 * Returns the number of buses whose plan cannot fit their interval.
 */
int	check_report(const struct conf *c, FILE *fp);

#endif
