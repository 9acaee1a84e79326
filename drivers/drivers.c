/* drivers.c: the table of drivers; a new analyzer is one file and one line */
#include <string.h>

#include "driver.h"

extern const struct driver generic_driver;

const struct driver *const drivers[] = {
	&generic_driver,
	NULL
};

const struct driver *
driver_find(const char *name)
{
	size_t i;

	for (i = 0; drivers[i] != NULL; i++)
		if (strcmp(drivers[i]->name, name) == 0)
			return drivers[i];
	return NULL;
}
