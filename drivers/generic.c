/*
 * generic.c: a driver configured entirely from the [sensor] keys. The
 * status word goes through status_map (i12101, ascii or none; decode.c
 * says which flag each code gets); it has no vendor table.
 */
#include "driver.h"

const struct driver generic_driver = {
	.name = "generic",
	.desc = "layout from the [sensor] keys register, type, word_order, "
	    "status_register",
	.defaults = NULL,
	.decode = decode_generic,
};
