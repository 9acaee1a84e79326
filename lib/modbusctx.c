/* modbusctx.c: a libmodbus context for a configured bus (modbusctx.h) */
#include <arpa/inet.h>

#include <math.h>
#include <stdio.h>

#include "modbusctx.h"

modbus_t *
bus_modbus_new(const struct conf_bus *b)
{
	struct in_addr a;
	char port[16];
	modbus_t *ctx;

	if (b->type == BUS_RTU)
		ctx = modbus_new_rtu(b->device, b->baud, b->parity,
		    b->data_bits, b->stop_bits);
	else if (inet_pton(AF_INET, b->host, &a) == 1)
		/*
		 * An IPv4 address needs no resolver: libmodbus's plain TCP
		 * context keeps it in 16 bytes, the _pi one keeps 1 KiB for
		 * any host name (a megabyte of a thousand buses).
		 */
		ctx = modbus_new_tcp(b->host, b->port);
	else {
		snprintf(port, sizeof(port), "%d", b->port);
		ctx = modbus_new_tcp_pi(b->host, port);
	}
	if (ctx == NULL)
		return NULL;
	modbus_set_response_timeout(ctx, (uint32_t)b->timeout,
	    (uint32_t)((b->timeout - floor(b->timeout)) * 1e6));
	modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
	return ctx;
}
