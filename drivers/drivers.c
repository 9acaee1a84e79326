/* drivers.c: the table of drivers; a new analyzer is one file and one line */
#include <string.h>

#include "driver.h"

extern const struct driver generic_driver;
extern const struct driver hj_surface_driver;
extern const struct driver hach_amtax_driver;
extern const struct driver hach_npw160_driver;
extern const struct driver thermo_driver;
extern const struct driver yuxing_driver;
extern const struct driver insitu_driver;
extern const struct driver yosemitech_driver;
extern const struct driver ysi_soa_driver;

const struct driver *const drivers[] = {
	&generic_driver,
	&hj_surface_driver,
	&hach_amtax_driver,
	&hach_npw160_driver,
	&thermo_driver,
	&yuxing_driver,
	&insitu_driver,
	&yosemitech_driver,
	&ysi_soa_driver,
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
