/*
 * test_sdnotify: the STATUS= line reaches the manager's socket as it
 * did when it was formatted twice, and nothing is formatted or sent
 * without NOTIFY_SOCKET.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../daemon/sdnotify.h"

static void
test_status(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char buf[600];
	ssize_t n;
	int fd;

	(void)state;
	/* an abstract socket: no file to clean up */
	snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1,
	    "lakewatch-test-sdnotify-%d", (int)getpid());
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa,
	    offsetof(struct sockaddr_un, sun_path) + 1 +
	    strlen(sa.sun_path + 1)), 0);
	snprintf(buf, sizeof(buf), "@%s", sa.sun_path + 1);
	assert_int_equal(setenv("NOTIFY_SOCKET", buf, 1), 0);
	sdnotify_status("buses up %zu/%zu%s, stored %llu", (size_t)3,
	    (size_t)4, " (STUCK)", 12345ULL);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf,
	    "STATUS=buses up 3/4 (STUCK), stored 12345");
	/* no manager: nothing sent */
	assert_int_equal(unsetenv("NOTIFY_SOCKET"), 0);
	sdnotify_status("buses up %zu/%zu", (size_t)1, (size_t)1);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), -1);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
