/*
 * test_modbusctx.c: the libmodbus context of a bus. A TCP bus given by
 * a dotted IPv4 address holds no room for a host name (libmodbus's _pi
 * context keeps 1 KiB for one: a megabyte of a thousand buses); a bus
 * given by name still resolves and connects.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <netinet/in.h>

#include <malloc.h>
#include <modbus.h>
#include <string.h>
#include <unistd.h>

#include "../../lib/modbusctx.h"

#define NCTX	64

/* A listening socket on the loopback; its port in *PORT. */
static int
listener(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(s >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return s;
}

static struct conf_bus
tcp_bus(char *host, int port)
{
	struct conf_bus b;

	memset(&b, 0, sizeof(b));
	b.type = BUS_TCP;
	b.host = host;
	b.port = port;
	b.timeout = 0.5;
	return b;
}

static void
test_ipv4_small(void **state)
{
	char host[] = "127.0.0.1";
	struct conf_bus b = tcp_bus(host, 502);
	modbus_t *ctx[NCTX];
	size_t before, after;
	int i;

	(void)state;
	before = mallinfo2().uordblks;
	for (i = 0; i < NCTX; i++)
		assert_non_null(ctx[i] = bus_modbus_new(&b));
	after = mallinfo2().uordblks;
	for (i = 0; i < NCTX; i++)
		modbus_free(ctx[i]);
	print_message("%zu bytes a context\n", (after - before) / NCTX);
	assert_true((after - before) / NCTX < 256);
}

/* by address and by name: both connect */
static void
test_connects(void **state)
{
	static char ip[] = "127.0.0.1", name[] = "localhost";
	char *hosts[] = { ip, name };
	struct conf_bus b;
	modbus_t *ctx;
	int s, port, i;

	(void)state;
	s = listener(&port);
	for (i = 0; i < 2; i++) {
		b = tcp_bus(hosts[i], port);
		assert_non_null(ctx = bus_modbus_new(&b));
		assert_int_equal(modbus_connect(ctx), 0);
		modbus_close(ctx);
		modbus_free(ctx);
	}
	close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_small),
		cmocka_unit_test(test_connects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
