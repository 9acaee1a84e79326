/*
 * hj212.h: HJ 212 packets (DOMAIN.md 2.4, 2.5): framing, splitting,
 * the CRC, the parser for what a platform sends, the factor codes and
 * the CP of hourly data. Pure: no I/O, no allocation, times as input.
 *
 * A packet is "##" + the length of the data segment in four decimal
 * digits + the data segment + the CRC of the data segment in four
 * upper-case hex digits + CR LF. The data segment is
 * QN=;ST=;CN=;PW=;MN=;Flag=;[PNUM=;PNO=;]CP=&&...&&.
 */
#ifndef LW_HJ212_H
#define LW_HJ212_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"

#define HJ212_DATA_MAX	1024	/* longest data segment (0..1024) */
#define HJ212_PKT_MAX	(HJ212_DATA_MAX + 12)	/* ## len data crc CRLF */
#define HJ212_QN_LEN	17	/* YYYYMMDDhhmmsszzz */
#define HJ212_TIME_LEN	14	/* YYYYMMDDhhmmss */
#define HJ212_MN_LEN	24	/* a station's MN */
#define HJ212_PW_MAX	16	/* the standard's PW is 6 characters */
#define HJ212_CODE_MAX	16	/* "w21011" */

/* Flag bits */
#define HJ212_FLAG_A	0x01	/* the receiver must answer (9014/9013) */
#define HJ212_FLAG_D	0x02	/* the packet is a part: PNUM/PNO follow */
#define HJ212_FLAG_V2017 0x04	/* V0: protocol version HJ 212-2017 */
#define HJ212_FLAG_V2025 0x08	/* V1: protocol version HJ 212-2025 */

/* Command codes (CN) this project speaks */
#define HJ212_CN_GET_TIME	1011
#define HJ212_CN_SET_TIME	1012
#define HJ212_CN_RTD		2011
#define HJ212_CN_DAY		2031
#define HJ212_CN_MIN		2051
#define HJ212_CN_HOUR		2061
#define HJ212_CN_INFO		3020	/* field-machine information */
#define HJ212_CN_QNRTN		9011	/* answer to a request */
#define HJ212_CN_EXERTN		9012	/* result of a request */
#define HJ212_CN_NOTIFY_ACK	9013
#define HJ212_CN_DATA_ACK	9014

#define HJ212_ST_SYSTEM		91	/* system interaction: 9011, 9012 */

/*
 * QnRtn (HJ 212-2017 请求命令返回表) and ExeRtn (执行结果定义表) values.
 * Read in the standard's tables as quoted by DOMAIN.md 2.5 and by
 * tang0-0/HJ212-Pack src/hj212.h; the tables' numbers in the standard
 * could not be confirmed. QnRtn: 1 ready, 2 refused, 3 PW, 4 MN, 5 ST,
 * 6 Flag, 7 QN, 8 CN, 9 CRC error, 100 unknown. ExeRtn: 1 done,
 * 2 failed (no reason known), 3 bad request conditions, 4 timeout,
 * 5 busy, 6 system fault, 100 no data.
 */
#define HJ212_QN_READY		1	/* ready to execute */
#define HJ212_QN_REFUSED	2
#define HJ212_QN_BAD_PW		3
#define HJ212_QN_BAD_MN		4
#define HJ212_QN_BAD_QN		7
#define HJ212_QN_BAD_CN		8
#define HJ212_EXE_OK		1
#define HJ212_EXE_FAILED	2	/* failed, no reason given */
#define HJ212_EXE_BAD_COND	3	/* the request's conditions are wrong */
#define HJ212_EXE_NO_DATA	100

/* Fields of a packet's data segment */
struct hj212_hdr {
	char		 qn[HJ212_QN_LEN + 1];	/* "" if absent */
	int		 st;
	int		 cn;
	char		 pw[HJ212_PW_MAX + 1];
	char		 mn[HJ212_MN_LEN + 4];
	int		 flag;
	int		 pnum;		/* 0 if not split */
	int		 pno;
};

/* A packet as parsed: the header and the CP text without its "&&"s */
struct hj212_msg {
	struct hj212_hdr hdr;
	char		 cp[HJ212_DATA_MAX + 1];
};

/*
 * What an uplink profile (conf's protocol) changes in the packets; the
 * table in hj212.c says where each fact comes from.
 */
struct hj212_profile {
	const char	*name;		/* "hj212", "hj212-2025", "hj1404" */
	int		 version;	/* Flag bits V5..V0 (HJ212_FLAG_V...) */
	int		 mn_hex;	/* 1: an MN is 24 of 0-9 A-F */
	int		 qc;		/* 1: check results (flag C) as 3020 */
	int		 status;	/* 1: i12101 device state as 3020 */
	int		 sm4;		/* 1: data CPs SM4 encrypted with a
					   key (hj212_sm4.h) */
};

/* The profile of enum uplink_proto P (UPLINK_HJ212 if out of range). */
const struct hj212_profile *hj212_profile(int p);

/* CRC of the standard (App. A) over N bytes of P. */
uint16_t	 hj212_crc(const char *p, size_t n);

/*
 * Frame the data segment DATA (N bytes, at most HJ212_DATA_MAX) as a
 * packet into OUT (HJ212_PKT_MAX + 1 bytes), NUL-terminated; returns its
 * length, or -1 if N is too long.
 */
int		 hj212_frame(const char *data, size_t n, char *out);

/*
 * Build the packets of header H and CP (the items, ';' between
 * parameters, without the "&&"s) and give each to EMIT in order. If the
 * data segment would exceed HJ212_DATA_MAX, CP is cut at ';' into parts
 * with PNUM/PNO and Flag bit D set; a leading "DataTime=" item goes into
 * every part. Returns the number of packets, or -1 if an item cannot fit
 * (or EMIT failed: its -1 is passed on).
 */
int		 hj212_pack(const struct hj212_hdr *h, const char *cp,
		    int (*emit)(const char *pkt, size_t len, void *arg),
		    void *arg);

/*
 * Parse the packet at the start of BUF (N bytes, as read from a socket).
 * Returns 1 with *M filled and *USED the packet's length; 0 if more bytes
 * are needed; -1 if the bytes are no valid packet: ERR says why and
 * *USED is how many to drop (up to the next "##").
 */
int		 hj212_parse(const char *buf, size_t n, struct hj212_msg *m,
		    size_t *used, char err[LW_ERRLEN]);

/*
 * Value of item KEY ("QnRtn", "BeginTime") in CP into OUT (LEN bytes);
 * 0, or -1 if absent or too long.
 */
int		 hj212_cp_get(const char *cp, const char *key, char *out,
		    size_t len);

/*
 * A packet of ours answering the request of QN (17 digits): ST, CN, our
 * PW and MN, Flag=4 (HJ 212-2017, no answer wanted) and CP into OUT
 * (HJ212_PKT_MAX + 1 bytes). Its length, or -1 if it does not fit.
 */
int		 hj212_reply(const char *qn, int st, int cn, const char *pw,
		    const char *mn, const char *cp, char *out);
/* The same with the Flag version bits VERSION (HJ212_FLAG_V...). */
int		 hj212_reply_v(int version, const char *qn, int st, int cn,
		    const char *pw, const char *mn, const char *cp, char *out);
/*
 * QnRtn of request M to the station of PW and MN: HJ212_QN_READY for a
 * command this project executes (1011, 2031, 2051, 2061); else, checked
 * in the order of the standard's table: 7 no QN, 3 PW, 4 MN, 8 a CN we
 * do not execute, 2 for 1012 (the station clock is the system's, kept by
 * NTP: never set by a platform).
 */
int		 hj212_qnrtn(const struct hj212_msg *m, const char *pw,
		    const char *mn);
/* BeginTime and EndTime of CP as UTC; 0, or -1 if absent, bad, E < B. */
int		 hj212_range(const char *cp, time_t *begin, time_t *end);
/*
 * Periods of P seconds (a divisor of a day; starts aligned on Beijing
 * time) that start within [B, E] and have ended by NOW: their number,
 * the first start in *FIRST.
 */
long		 hj212_periods(time_t b, time_t e, time_t now, time_t p,
		    time_t *first);

/* QN of wall time T (seconds, with milliseconds), Beijing time. */
void		 hj212_qn(double t, char out[HJ212_QN_LEN + 1]);
/* YYYYMMDDhhmmss of UTC time T in Beijing time (UTC+8, no DST). */
void		 hj212_time(time_t t, char out[HJ212_TIME_LEN + 1]);
/* YYYYMMDDhhmmss (Beijing) -> UTC time; 0, or -1 if malformed. */
int		 hj212_time_parse(const char *s, time_t *t);

/* Default factor code of a parameter (HJ 212-2017 code table); NULL none. */
const char	*hj212_code(enum parameter);
/* 1 if S looks like a factor code: a letter and 5 digits ("w21011"). */
int		 hj212_code_valid(const char *s);

/* Statistics of one parameter over one period */
struct hj212_stat {
	char		 code[HJ212_CODE_MAX + 1];
	int		 decimals;	/* values are sent with these */
	int		 n;		/* valid (flag N) samples */
	double		 sum, min, max;
	char		 last_bad;	/* flag of the latest invalid sample */
};

/* Start STAT for factor CODE (NULL: none, the stat is not sent). */
void		 hj212_stat_init(struct hj212_stat *, const char *code,
		    int decimals);
/* Count one sample: only flag N values enter the statistics. */
void		 hj212_stat_add(struct hj212_stat *, double value, char flag);
/*
 * Flag letter of the period: N with a valid sample, else that of the
 * latest invalid sample, else B (no sample reached the logger).
 */
char		 hj212_stat_flag(const struct hj212_stat *);

/*
 * CP of minute, hour or day data for the period starting at START:
 * "DataTime=...;code-Avg=..,code-Min=..,code-Max=..,code-Flag=N;..."
 * A period without a valid sample has only its code-Flag, never a 0.
 * Returns the length, or -1 if BUF (LEN bytes) is too small.
 */
int		 hj212_cp_stats(char *buf, size_t len, time_t start,
		    const struct hj212_stat *st, size_t n);

/* i12101 working state a sample's flag stands for; -1 if none known. */
int		 hj212_state(char flag);

/*
 * CP of a CN=3020 field-machine information packet as of T for factor
 * CODE: "DataTime=...;PolId=code;" then ITEMS. Length or -1.
 */
int		 hj212_cp_info(char *buf, size_t len, time_t t, const char *code,
		    const char *items);

/* The latest sample of one parameter within a real-time interval */
struct hj212_rtd {
	char		 code[HJ212_CODE_MAX + 1];
	int		 decimals;
	double		 value;		/* NAN if the row had none */
	char		 flag;		/* its letter; 0: no sample, sent B */
};

/*
 * CP of real-time data (CN=2011) as of T: "DataTime=...;code-Rtd=..,
 * code-Flag=N;..." A value goes with the sample's own flag (a value in
 * calibration is sent with C); a parameter without a value has only its
 * code-Flag (B when no sample came). The length, or -1 if LEN is short.
 */
int		 hj212_cp_rtd(char *buf, size_t len, time_t t,
		    const struct hj212_rtd *r, size_t n);

#endif
