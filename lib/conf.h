/*
 * conf.h: lakewatch.conf parsed into an immutable snapshot (DESIGN.md 4):
 * conf.c parses and checks it, confprint.c prints it
 */
#ifndef LW_CONF_H
#define LW_CONF_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "gb3838.h"

#define LW_ERRLEN	512
#define FLAP_MAX	16	/* transition times a rule remembers (flap_limit < it) */

enum bus_type { BUS_TCP, BUS_RTU };

/* register value types and 32-bit word orders (DOMAIN.md 3.4) */
enum reg_type { TYPE_FLOAT32, TYPE_INT16, TYPE_UINT16, TYPE_INT32, TYPE_UINT32 };
enum word_order { ORDER_ABCD, ORDER_CDAB, ORDER_BADC, ORDER_DCBA };
/* how a status word maps to a data flag (vendor: the driver's table) */
enum status_map { STATUS_NONE, STATUS_I12101, STATUS_ASCII, STATUS_VENDOR };
/* how the measurement time of the last result is kept */
enum time_type { TIME_UNIX32, TIME_BCD };
/* when a poll brings a new result (instrument cycle awareness) */
enum new_result { NEW_EVERY, NEW_CHANGE, NEW_TIME };
/* sampling: a continuous instrument, or periodic manual or lab samples */
enum sampling { SAMPLING_CONTINUOUS, SAMPLING_MANUAL };

enum wh_format { FMT_JSON, FMT_ALERTMANAGER, FMT_SLACK, FMT_DINGTALK,
	FMT_WECOM, FMT_FEISHU };

struct conf_bus {
	char		*name;
	int		 line;		/* of the section header */
	enum bus_type	 type;
	char		*device;	/* rtu */
	int		 device_line;	/* of the "device =" key */
	int		 baud;
	char		 parity;	/* 'N', 'E', 'O' */
	int		 data_bits;
	int		 stop_bits;
	char		*host;		/* tcp */
	int		 port;
	double		 timeout;	/* response timeout, s */
	double		 gap;		/* idle time between requests, s */
	double		 backoff_max;	/* reconnect backoff cap, s */
	int		 retries;	/* extra tries after a timeout/CRC error */
	int		 merge_hole;	/* registers a merged read may skip */
};

/* Alert rule settings: [alert] holds defaults, a [sensor] may override. */
struct alert_conf {
	double		 warn;		/* warning level; NAN: none */
	double		 crit;		/* critical level; NAN: the class limit */
	double		 for_s;		/* condition must hold this long, s */
	int		 for_count;	/* ... and for this many readings */
	double		 clear_for;	/* clear must hold this long, s */
	int		 clear_count;	/* ... and for this many readings */
	double		 stale_after;	/* s; 0: 1.5 x cycle, or 3 x interval */
	int		 comm_after;	/* failed polls in a row -> comm */
	int		 fault_after;	/* fault readings in a row -> fault */
	int		 flap_limit;	/* transitions per window before held */
	double		 flap_window;	/* s */
	double		 grace;		/* s after start-up: no stale/comm;
					   0: 2 x interval */
	int		 cumulative;	/* the year-to-date rule; 1 on */
};

struct conf_sensor {
	char		*name;
	int		 line;
	char		*bus_name;
	int		 bus_line;	/* of the "bus =" key */
	int		 bus;		/* index into conf.buses */
	int		 unit;		/* Modbus slave / unit id */
	const struct driver *driver;
	enum parameter	 parameter;
	int		 reg;		/* 0-based PDU address of the value */
	int		 function;	/* 0 holding (0x03), 1 input (0x04) */
	enum reg_type	 type;
	enum word_order	 order;
	double		 scale;
	double		 offset;
	int		 status_reg;	/* -1 if none */
	enum status_map	 status_map;
	double		 range_min;	/* below: fault; NAN = no check */
	double		 range_max;	/* above: flag T; NAN = no check */
	double		 plausible_min;	/* outside plausible_min..max: flag D */
	double		 plausible_max;	/* (gb3838_plausible); NAN = no check */
	char		*unit_label;
	char		*site;
	enum water_body	 water_body;
	int		 target_class;	/* 1..5 */
	int		 interval;	/* s */
	int		 decimals;	/* precision values are judged at */
	double		 hysteresis;	/* resolve at limit - hysteresis */
	int		 time_reg;	/* measurement time register; -1 none */
	enum time_type	 time_type;
	enum new_result	 new_result;
	double		 cycle;		/* instrument cycle, s; 0 unknown */
	char		*hj212_code;	/* HJ 212 factor code ("w21011");
					   NULL: none known (sd) */
	int		 hj212_code_line; /* of its key, 0 if defaulted */
	enum sampling	 sampling;	/* manual: a month needs 1 result */
	double		 day_min_fraction;   /* [daemon]'s unless set */
	double		 month_min_fraction;
	struct alert_conf alert;
};

enum wh_msgtype { MSG_DEFAULT = -1, MSG_TEXT, MSG_MARKDOWN };

#define WH_MENTION_MAX	20	/* entries of mention, all lines together */
#define WH_MOBILE_MIN	5	/* length of a mobile number, '+' included */
#define WH_MOBILE_MAX	20
#define WH_KEYWORD_MAX	64	/* bytes of keyword */

/* mention = LIST: whom a chat message about a firing alert @-mentions */
struct wh_mention {
	char		**mobile;	/* "13800000000", "+8613800000000" */
	size_t		  nmobile;
	int		  all;		/* "all": everyone in the group */
};

struct conf_webhook {
	char		*name;
	int		 line;
	char		*url;		/* alertmanager: the base URL */
	enum wh_format	 format;
	char		*secret;	/* NULL if none; from secret or secret_file */
	double		 timeout;	/* one request, s */
	char		*ca_file;	/* CA bundle (absolute); NULL: system's */
	int		 msgtype;	/* enum wh_msgtype: dingtalk, wecom */
	int		 max_outbox;	/* events waiting, at most */
	int		 max_inflight;	/* requests at once (json, unfolded) */
	char		*rate_str;	/* rate_limit as written; NULL default */
	int		 rate_limit;	/* requests per rate_window; 0: none */
	double		 rate_window;	/* s: 1, 60 or 3600 */
	double		 resend;	/* alertmanager: re-send active, s */
	double		 resolve_timeout; /* alertmanager: endsAt ahead, s */
	char		*generator_url;	/* alertmanager; NULL if none */
	struct wh_mention mention;	/* chat formats, firing events only */
	char		*keyword;	/* in every chat message; NULL: none */
};

/* profiles of an uplink (what each changes: lib/hj212.c) */
enum uplink_proto { UPLINK_HJ212, UPLINK_HJ212_2025, UPLINK_HJ1404 };

/* [uplink NAME]: data to a monitoring platform (HJ 212) */
struct conf_uplink {
	char		*name;
	int		 line;
	enum uplink_proto protocol;
	char		*host;
	int		 port;
	char		*mn;		/* the station's 24-character MN */
	int		 mn_line;	/* of the "mn =" key */
	char		*pw;
	int		 st;		/* system code; 21 surface water */
	double		 realtime;	/* s between CN=2011; 0 off */
	int		 minute;	/* min a CN=2051 covers; 0 off */
	int		 hourly;	/* 1: CN=2061 every hour */
	int		 daily;		/* 1: CN=2031 every Beijing day */
	int		 ack;		/* 1: Flag bit A, wait for 9014 */
	double		 timeout;	/* for an answer, s */
	int		 retries;	/* re-sends before reconnecting */
	double		 period;	/* s a CN=2061 packet covers (3600) */
	char		*sm4_key;	/* sm4_key_file's line; NULL: plain */
	int		 sm4_line;	/* of the "sm4_key_file =" key */
};

struct conf {
	char		*path;		/* the file as given */
	char		*dir;		/* its directory; relative paths start here */
	char		*state_dir;	/* absolute or relative to the cwd */
	int		 interval;
	char		*rrdcached;	/* NULL if none */
	char		*metrics;	/* "host:port" of /metrics; NULL off */
	char		*station;	/* NULL; else RRDs are <station>/<s>.rrd
					   on a central rrdcached */
	int		 station_line;	/* of its key */
	int		 store_buffer;	/* RRD values held while unwritable */
	int		 sample_buffer;	/* sample-log rows held, the same */
	int		 log_level;
	double		 store_batch;	/* s a reading may wait for its RRD
					   update (batching); 0: at once */
	char		*timezone;	/* days and months of reports (tzdata) */
	char		*www_dir;	/* dashboard; default <state_dir>/www */
	double		 day_min_fraction;   /* valid day: share of expected */
	double		 month_min_fraction; /* valid month: share of days */
	struct alert_conf alert;	/* [alert] defaults */
	struct conf_bus	*buses;
	size_t		 nbus;
	struct conf_sensor *sensors;
	size_t		 nsensor;
	struct conf_webhook *webhooks;
	size_t		 nwebhook;
	struct conf_uplink *uplinks;
	size_t		 nuplink;
};

/*
 * Parse and validate FILE. Returns a new snapshot the caller frees with
 * conf_free, or NULL with "FILE:LINE: message" (or "FILE: message") in err.
 */
struct conf	*conf_load(const char *file, char err[LW_ERRLEN]);
void		 conf_free(struct conf *);
/*
 * The exit status (sysexits(3)) after conf_load of FILE failed:
 * EX_NOINPUT if FILE cannot be opened for reading (missing, no
 * permission), else EX_CONFIG (it was read and refused).
 */
int		 conf_exit_status(const char *file);
/* Print the snapshot in normal form (every key, defaults filled in,
   credentials in URLs masked): what lakewatchd -T shows. */
void		 conf_print(const struct conf *, FILE *);

/* Index of the sensor / bus called NAME, or -1. */
int		 conf_sensor_find(const struct conf *, const char *name);
int		 conf_bus_find(const struct conf *, const char *name);

/* "1.5", "50ms", "2s", "3m", "1h" -> seconds; 0 ok, -1 bad. */
int		 conf_duration(const char *s, double *secs);
/*
 * 1 if VALUE is finite and within the sensor's plausible range, else 0.
 * The one rule the daemon (decode_generic flags such a reading D) and
 * `lakewatch import` and `report` (refuse or skip it) share.
 */
int		 conf_plausible(const struct conf_sensor *, double value);
/* Number of registers a value of this type occupies. */
int		 conf_type_width(enum reg_type);

const char	*conf_type_name(enum reg_type);
const char	*conf_order_name(enum word_order);
const char	*conf_format_name(enum wh_format);

#endif
