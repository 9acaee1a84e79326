/* generic.c: a driver configured entirely from the [sensor] keys */
#include "driver.h"

const struct driver generic_driver = {
	.name = "generic",
	.desc = "layout from the [sensor] keys register, type, word_order, "
	    "status_register",
	.defaults = NULL,
	.decode = decode_generic,
};
