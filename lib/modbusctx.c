/* modbusctx.c: a libmodbus context for a configured bus (modbusctx.h) */
#include <arpa/inet.h>
#include <math.h>
#include <stdio.h>

#include "modbusctx.h"

/*
 * An IPv4 address takes libmodbus's IPv4 context: the protocol-independent
 * one keeps room for any host name (1 kB a bus, a megabyte at a thousand
 * gateways) and resolves it at every connect. Names and IPv6 take that one.
 */
static modbus_t *
tcp_new(const struct conf_bus *b)
{
	struct in_addr a;
	char port[16];

	if (inet_pton(AF_INET, b->host, &a) == 1)
		return modbus_new_tcp(b->host, b->port);
	snprintf(port, sizeof(port), "%d", b->port);
	return modbus_new_tcp_pi(b->host, port);
}

modbus_t *
bus_modbus_new(const struct conf_bus *b)
{
	modbus_t *ctx;

	if (b->type == BUS_RTU)
		ctx = modbus_new_rtu(b->device, b->baud, b->parity,
		    b->data_bits, b->stop_bits);
	else
		ctx = tcp_new(b);
	if (ctx == NULL)
		return NULL;
	modbus_set_response_timeout(ctx, (uint32_t)b->timeout,
	    (uint32_t)((b->timeout - floor(b->timeout)) * 1e6));
	modbus_set_error_recovery(ctx, MODBUS_ERROR_RECOVERY_NONE);
	return ctx;
}
