/* drivers.c: lakewatch drivers: the analyzer drivers built in */
#include <stdio.h>
#include <sysexits.h>

#include "../drivers/driver.h"
#include "tool.h"

void
tool_drivers_usage(FILE *fp)
{
	fprintf(fp, "usage: lakewatch drivers\n");
}

int
tool_drivers(int argc, char **argv)
{
	size_t i;

	(void)argv;
	if (argc != 1) {
		tool_drivers_usage(stderr);
		return EX_USAGE;
	}
	for (i = 0; drivers[i] != NULL; i++)
		printf("%-14s %s\n", drivers[i]->name, drivers[i]->desc);
	return 0;
}
