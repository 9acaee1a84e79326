/*
 * test_modbusctx.c: a bus's libmodbus context. A TCP bus at an IPv4
 * address gets the small IPv4 context (the protocol-independent one keeps
 * a kilobyte of host name per bus); a host name and an IPv6 address still
 * get the one that resolves them; each kind connects to a server that is
 * listening where the config says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../../lib/modbusctx.h"
#include "rss.h"

#define NCTX	200

static struct conf_bus
tcp_bus(char *host, int port)
{
	struct conf_bus b;

	memset(&b, 0, sizeof(b));
	b.type = BUS_TCP;
	b.host = host;
	b.port = port;
	b.timeout = 1.0;
	return b;
}

static size_t
heap_in_use(void)
{
	return mallinfo2().uordblks;
}

static void
test_ipv4_context_small(void **state)
{
	struct conf_bus b = tcp_bus((char[]){ "127.0.0.1" }, 502);
	modbus_t *ctx[NCTX];
	size_t before, per;
	int i;

	(void)state;
	if (!rss_measurable())
		skip();
	before = heap_in_use();
	for (i = 0; i < NCTX; i++)
		assert_non_null(ctx[i] = bus_modbus_new(&b));
	per = (heap_in_use() - before) / NCTX;
	for (i = 0; i < NCTX; i++)
		modbus_free(ctx[i]);
	print_message("%zu bytes a context at an IPv4 address\n", per);
	assert_true(per < 512);	/* the name-resolving one: ~1100 */
}

/* a listening socket of FAMILY on its loopback, port 0; -1 if none */
static int
listener(int family, int *port)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_addr = in6addr_loopback;
	}
	if ((fd = socket(family, SOCK_STREAM, 0)) == -1)
		return -1;
	if (bind(fd, (struct sockaddr *)&ss, family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)) == -1 ||
	    listen(fd, 4) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) == -1) {
		close(fd);
		return -1;
	}
	*port = ntohs(family == AF_INET ?
	    ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* HOST:PORT through bus_modbus_new reaches the server listening on LFD */
static void
connects(char *host, int lfd, int port)
{
	struct conf_bus b = tcp_bus(host, port);
	modbus_t *ctx;
	int fd;

	assert_non_null(ctx = bus_modbus_new(&b));
	if (modbus_connect(ctx) == -1)
		fail_msg("%s:%d: %s", host, port, modbus_strerror(errno));
	assert_true((fd = accept(lfd, NULL, NULL)) >= 0);
	close(fd);
	modbus_close(ctx);
	modbus_free(ctx);
}

static void
test_ipv4_connects(void **state)
{
	int lfd, port;

	(void)state;
	assert_true((lfd = listener(AF_INET, &port)) >= 0);
	connects((char[]){ "127.0.0.1" }, lfd, port);
	close(lfd);
}

static void
test_ipv6_connects(void **state)
{
	int lfd, port;

	(void)state;
	if ((lfd = listener(AF_INET6, &port)) == -1)
		skip();			/* no IPv6 loopback here */
	connects((char[]){ "::1" }, lfd, port);
	close(lfd);
}

/* a name is resolved: "localhost" reaches an IPv4 loopback server */
static void
test_name_connects(void **state)
{
	int lfd, port;

	(void)state;
	assert_true((lfd = listener(AF_INET, &port)) >= 0);
	/* localhost may resolve to ::1 first: that try is refused, the next
	 * address is 127.0.0.1 */
	connects((char[]){ "localhost" }, lfd, port);
	close(lfd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_context_small),
		cmocka_unit_test(test_ipv4_connects),
		cmocka_unit_test(test_ipv6_connects),
		cmocka_unit_test(test_name_connects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
