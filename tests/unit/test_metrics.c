/* test_metrics.c: the /metrics text from a struct, and its address key */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>

#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../daemon/metrics.h"
#include "../../lib/util.h"

static const struct metrics_sensor sensors[] = {
	{ "centre-tp", "长荡湖\"湖心\"\\\n", "tp", 'N', 0.061, 1795680000,
	    4, 1 },
	{ "centre-temp", "", "temp", 'D', NAN, 1795680060, 0, 0 },
	{ "new", "", "do", 0, NAN, 0, 0, 0 },
};

/* the text of a daemon with SENSORS, one bus and one uplink */
static char *
text(size_t *len)
{
	static struct metrics_bus bus = { .name = "station" };
	static struct metrics_uplink up = { .name = "prov" };
	struct metrics_data d = { .started = 1795679000.5 };

	bus.st.requests = 10;
	bus.st.ok = 8;
	bus.st.timeouts = 2;
	bus.st.exceptions[2] = 3;
	bus.st.latency_sum = 0.5;
	bus.st.connected = 1;
	up.st.backlog = 7;
	up.st.acked = 5;
	up.st.last_ack = 1795680001;
	d.core.store.backend = "rrdcached";
	d.core.store.down = 1;
	d.outbox.depth = 2;
	d.sensors = sensors;
	d.nsensor = sizeof(sensors) / sizeof(sensors[0]);
	d.buses = &bus;
	d.nbus = 1;
	d.uplinks = &up;
	d.nuplink = 1;
	return metrics_text(&d, len);
}

static void
has(const char *t, const char *line)
{
	char *want;

	if (asprintf(&want, "\n%s\n", line) == -1)
		fail();
	if (strstr(t, want) == NULL)
		fail_msg("missing line: %s", line);
	free(want);
}

static void
test_sensors(void **state)
{
	size_t len;
	char *t = text(&len);

	(void)state;
	assert_int_equal(strlen(t), len);
	has(t, "lakewatch_sensor_value{sensor=\"centre-tp\","
	    "site=\"长荡湖\\\"湖心\\\"\\\\\\n\",parameter=\"tp\"} 0.061");
	has(t, "lakewatch_sensor_class{sensor=\"centre-tp\","
	    "site=\"长荡湖\\\"湖心\\\"\\\\\\n\",parameter=\"tp\"} 4");
	has(t, "lakewatch_sensor_alert_firing{sensor=\"centre-tp\","
	    "site=\"长荡湖\\\"湖心\\\"\\\\\\n\",parameter=\"tp\"} 1");
	has(t, "lakewatch_sensor_flag{sensor=\"centre-temp\",site=\"\","
	    "parameter=\"temp\",flag=\"D\"} 1");
	has(t, "lakewatch_sensor_flag{sensor=\"centre-temp\",site=\"\","
	    "parameter=\"temp\",flag=\"N\"} 0");
	has(t, "lakewatch_sensor_flag{sensor=\"new\",site=\"\","
	    "parameter=\"do\",flag=\"N\"} 0");
	has(t, "lakewatch_sensor_sample_timestamp_seconds{sensor="
	    "\"centre-temp\",site=\"\",parameter=\"temp\"} 1795680060");
	/* no value is never 0: a NaN or no sample has no series */
	assert_null(strstr(t, "lakewatch_sensor_value{sensor=\"centre-temp\""));
	assert_null(strstr(t, "lakewatch_sensor_value{sensor=\"new\""));
	assert_null(strstr(t, "lakewatch_sensor_class{sensor=\"centre-temp\""));
	assert_null(strstr(t, "timestamp_seconds{sensor=\"new\""));
	free(t);
}

static void
test_bus_uplink_store(void **state)
{
	size_t len;
	char *t = text(&len);

	(void)state;
	has(t, "lakewatch_bus_requests_total{bus=\"station\"} 10");
	has(t, "lakewatch_bus_responses_total{bus=\"station\"} 8");
	has(t, "lakewatch_bus_timeouts_total{bus=\"station\"} 2");
	has(t, "lakewatch_bus_exceptions_total{bus=\"station\",code=\"02\"} 3");
	has(t, "lakewatch_bus_exceptions_total{bus=\"station\",code=\"0b\"} 0");
	has(t, "lakewatch_bus_request_duration_seconds_sum{bus=\"station\"} "
	    "0.5");
	has(t, "lakewatch_bus_request_duration_seconds_count{bus=\"station\"}"
	    " 8");
	has(t, "lakewatch_bus_connected{bus=\"station\"} 1");
	has(t, "lakewatch_uplink_backlog_packets{uplink=\"prov\"} 7");
	has(t, "lakewatch_uplink_acked_packets_total{uplink=\"prov\"} 5");
	has(t, "lakewatch_uplink_connected{uplink=\"prov\"} 0");
	has(t, "lakewatch_uplink_last_ack_timestamp_seconds{uplink=\"prov\"} "
	    "1795680001");
	has(t, "lakewatch_store_up{backend=\"rrdcached\"} 0");
	has(t, "lakewatch_outbox_events 2");
	has(t, "lakewatch_start_time_seconds 1795679000.500");
	free(t);
}

/*
 * The format's rules: each family's HELP and TYPE once, before its
 * series, which follow each other; counters end in _total; every line
 * ends in a newline.
 */
static void
test_families(void **state)
{
	char name[128], type[16], fam[128] = "", *t, *line, *save;
	size_t len, n, nfam = 0;
	char seen[64][128];

	(void)state;
	t = text(&len);
	assert_true(len > 0 && t[len - 1] == '\n');
	for (line = strtok_r(t, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "# TYPE %127s %15s", name, type) == 2) {
			for (n = 0; n < nfam; n++)
				assert_string_not_equal(seen[n], name);
			assert_true(nfam < 64);
			snprintf(seen[nfam++], sizeof(seen[0]), "%s", name);
			snprintf(fam, sizeof(fam), "%s", name);
			if (strcmp(type, "counter") == 0)
				assert_non_null(strstr(name, "_total"));
			continue;
		}
		if (line[0] == '#')
			continue;
		assert_int_equal(strncmp(line, "lakewatch_", 10), 0);
		assert_int_equal(strncmp(line, fam, strlen(fam)), 0);
	}
	assert_true(nfam > 30);
	free(t);
}

static void
test_addr(void **state)
{
	static const char *const good[] = { "127.0.0.1:0", "0.0.0.0:65535",
	    "[::1]:9100", "[::]:1" };
	static const char *const bad[] = { "localhost:9100", "127.0.0.1",
	    "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "::1:9100",
	    "[::1]9100", "127.0.0.1:0123456", "127.0.0.1:9x", ":9100",
	    "[127.0.0.1]:9100", "" };
	struct sockaddr_storage ss;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(sockaddr_parse(good[i], NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sockaddr_parse(bad[i], NULL) != -1)
			fail_msg("accepted '%s'", bad[i]);
	assert_int_equal(sockaddr_parse("[::1]:9100", &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), 9100);
	assert_int_equal(sockaddr_parse("127.0.0.1:9471", &ss), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 9471);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sensors),
		cmocka_unit_test(test_bus_uplink_store),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_addr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
