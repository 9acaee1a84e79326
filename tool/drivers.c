/* drivers.c: lakewatch drivers: the analyzer drivers built in */
#include <stdio.h>

#include "../drivers/driver.h"
#include "tool.h"

int
tool_drivers(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	for (i = 0; drivers[i] != NULL; i++)
		printf("%-14s %s\n", drivers[i]->name, drivers[i]->desc);
	return 0;
}
