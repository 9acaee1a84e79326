/* modbusctx.h: a libmodbus context for a bus of the config */
#ifndef LW_MODBUSCTX_H
#define LW_MODBUSCTX_H

#include <modbus.h>

#include "conf.h"

/*
 * Open a libmodbus context for bus B (not yet connected), with its
 * timeouts set and error recovery off. NULL with errno set on failure.
 * The daemon's buses and the tool's probe use it.
 */
modbus_t	*bus_modbus_new(const struct conf_bus *b);

#endif
