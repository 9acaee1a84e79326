/*
 * hj212.c: HJ 212 packets; see hj212.h. Sources, read not copied:
 * the CRC and the packet layout as DOMAIN.md 2.5 quotes them, checked
 * against the standard's own example (length 0101, CRC 1C80).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "hj212.h"
#include "util.h"

#define BEIJING_OFFSET	(8 * 3600)	/* UTC+8 all year since 1991 */

/*
 * Factor codes of the HJ 212-2017 code table (ST 21 surface water),
 * indexed by enum parameter. chl-a w01016 could not be confirmed in
 * public sources: a sensor may set hj212_code. Transparency (sd) has
 * none here: no code for it was found in the public code tables we read
 * (HJ 212-2017 polcode lists); a sensor that must uplink it sets
 * hj212_code, else it is left out of the uplink.
 */
static const char *const codes[PARAM_COUNT] = {
	[PARAM_TP] = "w21011",
	[PARAM_TN] = "w21001",
	[PARAM_NH3N] = "w21003",
	[PARAM_CODMN] = "w01019",
	[PARAM_DO] = "w01009",
	[PARAM_PH] = "w01001",
	[PARAM_TEMP] = "w01010",
	[PARAM_TURBIDITY] = "w01003",
	[PARAM_COND] = "w01014",
	[PARAM_CHLA] = "w01016",
};

/*
 * The profiles (conf's protocol), indexed by enum uplink_proto. Each
 * fact is CONFIRMED (with the source read) or UNCONFIRMED (a choice made
 * without the standard's text; platforms may differ).
 *
 * hj212: exactly HJ 212-2017 as before; the contract tests pin it.
 *
 * hj212-2025 (HJ 212-2025, in force 2026-01-01; the standard's PDF
 * was not read here: its text as quoted by a public CEMS pipeline,
 * Daidai52640/cems-data-pipeline, tests/protocol/hj212/ and docs/adr/0006,
 * and by a Node-RED guide, docs/hj212-2025-nodered-guide.md, both in the
 * code index):
 *  - framing, CRC, data segment fields as 2017: CONFIRMED, App. A.1's
 *    example "QN=20240601085857223;ST=32;CN=1011;PW=123456;MN=010000A89
 *    00016F000169DC0;Flag=9;CP=&&&&" has length 0087 and CRC 2200 (the
 *    example as extracted from the standard's PDF by that pipeline's
 *    tests/protocol/hj212/generate_vectors.py; recomputed here:
 *    test_hj212.c pins it).
 *  - Flag: version bits V5..V0 = 000010, so Flag=8, 9 with an answer
 *    wanted, 10/11 split: CONFIRMED, 6.3.3 Table 3's example "Flag=9,
 *    00001001: this revision, answer wanted, no split"; the answer and
 *    split bits keep the places of 2017 (bit 0, bit 1): CONFIRMED by the
 *    pipeline's count of App. C's 193 examples (only 8, 9, 10, 11;
 *    PNUM/PNO exactly with bit 1; 9/11 on commands, 8/10 on answers).
 *    Table 3 names the bits the other way round (A "has packet numbers",
 *    D "answer"): the letters of hj212.h are 2017's.
 *  - MN: 24 characters of 0-9 A-F (数采仪入网编码, given by the
 *    platform): CONFIRMED as quoted by the Node-RED guide only.
 *  - encryption (6.4): DONE, hj212_sm4.c, with [uplink] sm4_key_file;
 *    SM4-ECB, 16-byte key, no padding, the characters between "CP=&&"
 *    and "&&" in 16-byte blocks, a shorter tail plain, the CRC that of
 *    the plain packet (6.4.2, App. A.2): CONFIRMED as quoted, and App.
 *    A.2's two examples (key 16 times 0x30) recompute byte for byte
 *    (test_hj212_sm4.c). Encrypted: the data commands the station sends,
 *    CN 2000-2999 (6.4.4, "other commands need not be"), 1014 and 3020
 *    (the guide): CONFIRMED as quoted. The ciphertext as raw bytes:
 *    inferred (App. A.2 prints {0xE4,...} but keeps the plain length
 *    0295 in the length field). Over the Internet encryption "shall",
 *    on private networks "should" (6.4.1): CONFIRMED as quoted; without
 *    a key the data go plain and `lakewatchd -t` warns.
 *  - keys (6.4.3): registered for the station on the ministry's
 *    platform, changed every 90 days, no fixed or patterned keys:
 *    CONFIRMED as quoted. CN=1014 (a new key, asked by the station or
 *    set by the platform): its CP items UNCONFIRMED; NOT DONE (refused,
 *    QnRtn=8; the operator updates the key file).
 *  - RF=1 in the header marks a re-sent (补传) packet, absent otherwise
 *    (Table 3): CONFIRMED as quoted; NOT DONE (a backlog packet goes as
 *    built, without RF).
 *  - CP at most 950 characters (Table 3), a data segment over 1024
 *    split (8.1.2): CONFIRMED as quoted; kept (a 1024-character segment
 *    leaves a CP of at most 942 after our header).
 *  - system codes (Table 7): 31 air and 32 surface-water pollution
 *    sources, as quoted; ST 21 (surface-water quality) in 2025
 *    UNCONFIRMED.
 *  - data CNs 2011/2051/2061/2031, items -Rtd/-Avg/-Min/-Max/-Flag and
 *    the flag letters unchanged: CONFIRMED for 2011 (the guide's ST=31
 *    example: -Rtd, -Flag) and 2051 (App. A.2's example: a01011-Min,
 *    -Avg, -Max, -Flag=N); 2061, 2031 and the letters UNCONFIRMED.
 *
 * hj1404 (HJ 1404-2024, surface-water stations, in force 2025-07-01; the
 * 2020 trial 地表水自动监测系统通信协议技术要求 before it):
 *  - builds on HJ 212-2017 (framing, CRC, data segment): CONFIRMED for
 *    the 2020 trial, which cites HJ 212-2017, GB/T 19582 and HJ 525
 *    (donghongscientific.com summary of the trial, 2020-05-20); the
 *    HJ 1404 text itself could not be read: only its scope, on
 *    bbs.biaozhuns.com thread 489346, and its foreword (a mirror of the
 *    ministry's page .../jcffbz/202501/t20250126_1101554.shtml: "data and
 *    information" transmission; App. A normative, App. B informative);
 *    the 2020 consultation draft's contents (desk33.com d-1737203: 6
 *    protocol content, App. A factor and device-information codes, App.
 *    B command and answer examples, the same parts as HJ 212-2017) give
 *    no items. No public implementation was found in the code index.
 *    So every further fact is UNCONFIRMED:
 *  - Flag version bits as 2017 (Flag=4/5): UNCONFIRMED.
 *  - data uploads as 2017 (2011/2051/2061/2031, ST 21): UNCONFIRMED.
 *  - quality-control results: each sample flagged C (a standard check or
 *    a calibration: the drivers map the vendor's state to C) goes as
 *    CN=3020 "DataTime=<its time>;PolId=<code>;i12101-Info=5;
 *    <code>-Rtd=<value>,<code>-Flag=C": UNCONFIRMED (HJ 1404's own QC
 *    commands and items are not known here). CN=3020 as "upload
 *    field-machine information" with PolId and iNNNNN-Info items is
 *    CONFIRMED for HJ 212-2017 (its example "CN=3020;...;CP=&&DataTime=
 *    20160801062035;PolId=w01018;i11001-Info=//...//&&", quoted in
 *    public logger code read in the code index).
 *  - device status: each hourly period, per sensor, CN=3020 with
 *    i12101-Info, the working state (i12101 codes CONFIRMED for 2017
 *    App. B: DOMAIN.md 2.4, srdgame/lua-HJ212): UNCONFIRMED for 1404.
 */
static const struct hj212_profile profiles[] = {
	{ "hj212", HJ212_FLAG_V2017, 0, 0, 0, 0 },
	{ "hj212-2025", HJ212_FLAG_V2025, 1, 0, 0, 1 },
	{ "hj1404", HJ212_FLAG_V2017, 0, 1, 1, 0 },
};

const struct hj212_profile *
hj212_profile(int p)
{
	if (p < 0 || (size_t)p >= sizeof(profiles) / sizeof(profiles[0]))
		p = 0;
	return &profiles[p];
}

/*
 * Not the Modbus CRC: the register is shifted right by 8 before the byte
 * is XORed in, so the whole previous high byte drops out each step.
 */
uint16_t
hj212_crc(const char *p, size_t n)
{
	unsigned crc = 0xFFFF;
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		crc = (crc >> 8) ^ (unsigned char)p[i];
		for (b = 0; b < 8; b++)
			crc = crc & 1 ? (crc >> 1) ^ 0xA001 : crc >> 1;
	}
	return crc;
}

int
hj212_frame(const char *data, size_t n, char *out)
{
	if (n > HJ212_DATA_MAX)
		return -1;
	memcpy(out, "##", 2);
	snprintf(out + 2, 5, "%04zu", n);
	memcpy(out + 6, data, n);
	snprintf(out + 6 + n, 7, "%04X\r\n", hj212_crc(data, n));
	return (int)n + 12;
}

/* The data segment of H with CP into BUF; its length or -1 if > MAX. */
static int
segment(const struct hj212_hdr *h, int pnum, int pno, const char *cp,
    size_t cplen, char *buf)
{
	char parts[40] = "";
	int n;

	if (pnum > 0)
		snprintf(parts, sizeof(parts), "PNUM=%d;PNO=%d;", pnum, pno);
	n = snprintf(buf, HJ212_DATA_MAX + 1,
	    "QN=%s;ST=%d;CN=%d;PW=%s;MN=%s;Flag=%d;%sCP=&&%.*s&&", h->qn,
	    h->st, h->cn, h->pw, h->mn,
	    pnum > 0 ? h->flag | HJ212_FLAG_D : h->flag, parts,
	    (int)cplen, cp);
	return n < 0 || n > HJ212_DATA_MAX ? -1 : n;
}

/*
 * Cut CP after the prefix at ';' into parts of at most ROOM bytes each;
 * END[i] is where part i ends. Returns the number of parts, -1 if an
 * item is longer than ROOM.
 */
static int
cut(const char *cp, size_t from, size_t room, size_t *end, int max)
{
	size_t len = strlen(cp), start = from, last, i;
	int n = 0;

	while (start < len) {
		if (n == max)
			return -1;
		last = 0;
		for (i = start; i <= len && i - start <= room; i++)
			if (i == len || cp[i] == ';')
				last = i;
		if (last <= start)
			return -1;
		end[n++] = last;
		start = last + 1;
	}
	return n;
}

/* One part of a split: the prefix, then CP[from..to) */
static int
emit_part(const struct hj212_hdr *h, int pnum, int pno, const char *pre,
    size_t prelen, const char *cp, size_t from, size_t to,
    int (*emit)(const char *, size_t, void *), void *arg)
{
	char body[HJ212_DATA_MAX + 1], seg[HJ212_DATA_MAX + 1];
	char pkt[HJ212_PKT_MAX + 1];
	int n;

	n = snprintf(body, sizeof(body), "%.*s%.*s", (int)prelen, pre,
	    (int)(to - from), cp + from);
	if ((n = segment(h, pnum, pno, body, (size_t)n, seg)) < 0)
		return -1;
	n = hj212_frame(seg, (size_t)n, pkt);
	return emit(pkt, (size_t)n, arg);
}

#define PARTS_MAX	999

int
hj212_pack(const struct hj212_hdr *h, const char *cp,
    int (*emit)(const char *, size_t, void *), void *arg)
{
	char seg[HJ212_DATA_MAX + 1], probe[HJ212_DATA_MAX + 1];
	size_t end[PARTS_MAX], prelen = 0, from, room;
	const char *semi;
	int n, i, over;

	n = segment(h, 0, 0, cp, strlen(cp), seg);
	if (n >= 0) {
		char pkt[HJ212_PKT_MAX + 1];

		n = hj212_frame(seg, (size_t)n, pkt);
		return emit(pkt, (size_t)n, arg) < 0 ? -1 : 1;
	}
	/* room left for CP in a part with the widest PNUM/PNO */
	if ((over = segment(h, PARTS_MAX, PARTS_MAX, "", 0, probe)) < 0)
		return -1;
	if (strncmp(cp, "DataTime=", 9) == 0 && (semi = strchr(cp, ';')))
		prelen = (size_t)(semi - cp) + 1;
	if ((size_t)over + prelen >= HJ212_DATA_MAX)
		return -1;
	room = HJ212_DATA_MAX - (size_t)over - prelen;
	if ((n = cut(cp, prelen, room, end, PARTS_MAX)) <= 0)
		return -1;
	for (i = 0, from = prelen; i < n; from = end[i++] + 1)
		if (emit_part(h, n, i + 1, cp, prelen, cp, from, end[i],
		    emit, arg) < 0)
			return -1;
	return n;
}

/* Offset of the next "##" after the start of BUF, or N (keep 1 '#'). */
static size_t
resync(const char *buf, size_t n)
{
	size_t i;

	for (i = 1; i + 1 < n; i++)
		if (buf[i] == '#' && buf[i + 1] == '#')
			return i;
	return n > 1 && buf[n - 1] == '#' ? n - 1 : n;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "1234" of N decimal digits -> value; -1 if not all digits */
static long
digits(const char *p, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v;
}

/* copy a field value of N bytes into OUT (LEN); -1 if it does not fit */
static int
field_copy(char *out, size_t len, const char *v, size_t n)
{
	if (n >= len)
		return -1;
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

static int
field_int(int *out, const char *v, size_t n)
{
	long x;

	if (n == 0 || n > 6 || (x = digits(v, n)) < 0)
		return -1;
	*out = (int)x;
	return 0;
}

/* One "KEY=VALUE" field of the header into H; -1 if bad. */
static int
field(struct hj212_hdr *h, const char *f, size_t n, char err[LW_ERRLEN])
{
	const char *eq = memchr(f, '=', n);
	size_t k, vn;
	int r = 0;

	if (eq == NULL) {
		snprintf(err, LW_ERRLEN, "field without '=': '%.*s'",
		    (int)(n > 40 ? 40 : n), f);
		return -1;
	}
	k = (size_t)(eq - f);
	vn = n - k - 1;
	if (k == 2 && memcmp(f, "QN", 2) == 0)
		r = field_copy(h->qn, sizeof(h->qn), eq + 1, vn);
	else if (k == 2 && memcmp(f, "ST", 2) == 0)
		r = field_int(&h->st, eq + 1, vn);
	else if (k == 2 && memcmp(f, "CN", 2) == 0)
		r = field_int(&h->cn, eq + 1, vn);
	else if (k == 2 && memcmp(f, "PW", 2) == 0)
		r = field_copy(h->pw, sizeof(h->pw), eq + 1, vn);
	else if (k == 2 && memcmp(f, "MN", 2) == 0)
		r = field_copy(h->mn, sizeof(h->mn), eq + 1, vn);
	else if (k == 4 && memcmp(f, "Flag", 4) == 0)
		r = field_int(&h->flag, eq + 1, vn);
	else if (k == 4 && memcmp(f, "PNUM", 4) == 0)
		r = field_int(&h->pnum, eq + 1, vn);
	else if (k == 3 && memcmp(f, "PNO", 3) == 0)
		r = field_int(&h->pno, eq + 1, vn);
	if (r < 0)
		snprintf(err, LW_ERRLEN, "bad value of field '%.*s'", (int)k,
		    f);
	return r;
}

/* The data segment SEG (N bytes) into M; 0 or -1 with ERR. */
static int
split_segment(const char *seg, size_t n, struct hj212_msg *m,
    char err[LW_ERRLEN])
{
	size_t i = 0, j;
	int st = 0, cn = 0;

	memset(m, 0, sizeof(*m));
	while (i < n && !(n - i >= 5 && memcmp(seg + i, "CP=&&", 5) == 0)) {
		for (j = i; j < n && seg[j] != ';'; j++)
			;
		if (j == n) {
			snprintf(err, LW_ERRLEN, "no CP=&& in the data segment");
			return -1;
		}
		if (field(&m->hdr, seg + i, j - i, err) < 0)
			return -1;
		st |= strncmp(seg + i, "ST=", 3) == 0;
		cn |= strncmp(seg + i, "CN=", 3) == 0;
		i = j + 1;
	}
	if (!st || !cn) {
		snprintf(err, LW_ERRLEN, "no %s field", st ? "CN" : "ST");
		return -1;
	}
	if (n - i < 7 || memcmp(seg + n - 2, "&&", 2) != 0) {
		snprintf(err, LW_ERRLEN, "CP does not end with &&");
		return -1;
	}
	memcpy(m->cp, seg + i + 5, n - i - 7);
	m->cp[n - i - 7] = '\0';
	return 0;
}

int
hj212_parse(const char *buf, size_t n, struct hj212_msg *m, size_t *used,
    char err[LW_ERRLEN])
{
	long len;
	size_t i, tot;
	unsigned crc = 0;
	int h;

	*used = 0;
	if (n >= 1 && buf[0] != '#') {
		*used = resync(buf, n);
		snprintf(err, LW_ERRLEN, "%zu bytes before '##'", *used);
		return -1;
	}
	if (n < 6)
		return n >= 2 && buf[1] != '#' ? (*used = resync(buf, n),
		    snprintf(err, LW_ERRLEN, "no '##'"), -1) : 0;
	if (buf[1] != '#' || (len = digits(buf + 2, 4)) < 0 ||
	    len > HJ212_DATA_MAX) {
		*used = resync(buf, n);
		snprintf(err, LW_ERRLEN, "bad packet head '%.6s'", buf);
		return -1;
	}
	tot = (size_t)len + 12;
	if (n < tot)
		return 0;
	for (i = 0; i < 4; i++) {
		if ((h = hexval((unsigned char)buf[6 + len + i])) < 0)
			break;
		crc = crc << 4 | (unsigned)h;
	}
	if (i < 4 || memcmp(buf + tot - 2, "\r\n", 2) != 0) {
		*used = resync(buf, n);
		snprintf(err, LW_ERRLEN, "packet of length %04ld: bad CRC "
		    "field or no CRLF after it", len);
		return -1;
	}
	*used = tot;
	if (crc != hj212_crc(buf + 6, (size_t)len)) {
		snprintf(err, LW_ERRLEN, "CRC %04X, computed %04X", crc,
		    hj212_crc(buf + 6, (size_t)len));
		return -1;
	}
	for (i = 0; i < (size_t)len; i++)
		if ((unsigned char)buf[6 + i] < 0x20) {
			snprintf(err, LW_ERRLEN, "control byte in the data");
			return -1;
		}
	return split_segment(buf + 6, (size_t)len, m, err) < 0 ? -1 : 1;
}

int
hj212_cp_get(const char *cp, const char *key, char *out, size_t len)
{
	size_t k = strlen(key), n;
	const char *p = cp;

	while ((p = strstr(p, key)) != NULL) {
		if ((p == cp || p[-1] == ';' || p[-1] == ',') && p[k] == '=') {
			p += k + 1;
			n = strcspn(p, ";,&");
			return field_copy(out, len, p, n);
		}
		p += k;
	}
	return -1;
}

int
hj212_reply(const char *qn, int st, int cn, const char *pw, const char *mn,
    const char *cp, char *out)
{
	return hj212_reply_v(HJ212_FLAG_V2017, qn, st, cn, pw, mn, cp, out);
}

int
hj212_reply_v(int version, const char *qn, int st, int cn, const char *pw,
    const char *mn, const char *cp, char *out)
{
	struct hj212_hdr h;
	char seg[HJ212_DATA_MAX + 1];
	int n;

	memset(&h, 0, sizeof(h));
	snprintf(h.qn, sizeof(h.qn), "%s", qn);
	h.st = st;
	h.cn = cn;
	snprintf(h.pw, sizeof(h.pw), "%s", pw);
	snprintf(h.mn, sizeof(h.mn), "%s", mn);
	h.flag = version;
	if ((n = segment(&h, 0, 0, cp, strlen(cp), seg)) < 0)
		return -1;
	return hj212_frame(seg, (size_t)n, out);
}

int
hj212_qnrtn(const struct hj212_msg *m, const char *pw, const char *mn)
{
	const struct hj212_hdr *h = &m->hdr;

	if (strlen(h->qn) != HJ212_QN_LEN ||
	    digits(h->qn, HJ212_QN_LEN) < 0)
		return HJ212_QN_BAD_QN;
	if (strcmp(h->pw, pw) != 0)
		return HJ212_QN_BAD_PW;
	if (strcmp(h->mn, mn) != 0)
		return HJ212_QN_BAD_MN;
	switch (h->cn) {
	case HJ212_CN_GET_TIME:
	case HJ212_CN_DAY:
	case HJ212_CN_MIN:
	case HJ212_CN_HOUR:
		return HJ212_QN_READY;
	case HJ212_CN_SET_TIME:
		return HJ212_QN_REFUSED;
	default:
		return HJ212_QN_BAD_CN;
	}
}

int
hj212_range(const char *cp, time_t *begin, time_t *end)
{
	char v[HJ212_TIME_LEN + 1];

	if (hj212_cp_get(cp, "BeginTime", v, sizeof(v)) == -1 ||
	    hj212_time_parse(v, begin) == -1 ||
	    hj212_cp_get(cp, "EndTime", v, sizeof(v)) == -1 ||
	    hj212_time_parse(v, end) == -1)
		return -1;
	return *end < *begin ? -1 : 0;
}

long
hj212_periods(time_t b, time_t e, time_t now, time_t p, time_t *first)
{
	time_t off = BEIJING_OFFSET % p, s, last;

	/* the first start at or after B: starts are k * p - off */
	s = b + off;
	s = (s % p == 0 ? s : s - s % p + p) - off;
	*first = s;
	last = now - p < e ? now - p : e;
	return last < s ? 0 : (long)((last - s) / p) + 1;
}

static void
beijing(time_t t, struct tm *tm)
{
	t += BEIJING_OFFSET;
	gmtime_r(&t, tm);
}

void
hj212_time(time_t t, char out[HJ212_TIME_LEN + 1])
{
	struct tm tm;

	beijing(t, &tm);
	snprintf(out, HJ212_TIME_LEN + 1, "%04d%02d%02d%02d%02d%02d",
	    (tm.tm_year + 1900) % 10000, tm.tm_mon + 1, tm.tm_mday,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void
hj212_qn(double t, char out[HJ212_QN_LEN + 1])
{
	time_t s = (time_t)floor(t);
	int ms = (int)((t - floor(t)) * 1000);

	hj212_time(s, out);
	snprintf(out + HJ212_TIME_LEN, 4, "%03d", ms > 999 ? 999 : ms);
}

int
hj212_time_parse(const char *s, time_t *t)
{
	long y, mo, d, h, mi, se;

	if (strlen(s) != HJ212_TIME_LEN || digits(s, HJ212_TIME_LEN) < 0)
		return -1;
	y = digits(s, 4);
	mo = digits(s + 4, 2);
	d = digits(s + 6, 2);
	h = digits(s + 8, 2);
	mi = digits(s + 10, 2);
	se = digits(s + 12, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 ||
	    d > days_in_month((int)y, (int)mo) || h > 23 || mi > 59 ||
	    se > 60)
		return -1;
	*t = (time_t)(days_civil((int)y, (int)mo, (int)d) * 86400 +
	    h * 3600 + mi * 60 + se) - BEIJING_OFFSET;
	return 0;
}

const char *
hj212_code(enum parameter p)
{
	return (unsigned)p < PARAM_COUNT ? codes[p] : NULL;
}

int
hj212_code_valid(const char *s)
{
	return strlen(s) == 6 && islower((unsigned char)s[0]) &&
	    digits(s + 1, 5) >= 0;
}

void
hj212_stat_init(struct hj212_stat *st, const char *code, int decimals)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->code, sizeof(st->code), "%s", code ? code : "");
	st->decimals = decimals;
}

void
hj212_stat_add(struct hj212_stat *st, double v, char flag)
{
	if (flag != 'N' || !isfinite(v)) {
		st->last_bad = flag == 'N' ? 'D' : flag;
		return;
	}
	if (st->n == 0 || v < st->min)
		st->min = v;
	if (st->n == 0 || v > st->max)
		st->max = v;
	st->sum += v;
	st->n++;
}

char
hj212_stat_flag(const struct hj212_stat *st)
{
	if (st->n > 0)
		return 'N';
	return st->last_bad ? st->last_bad : 'B';
}

/* "-0.000" is no value a platform should see */
static double
nozero(double v, int decimals)
{
	double half = 0.5 * pow(10, -decimals);

	return fabs(v) < half ? 0.0 : v;
}

/* Append one parameter's items at BUF + *OFF; -1 if out of room. */
static int
stat_items(char *buf, size_t len, size_t *off, const struct hj212_stat *s)
{
	int n, d = s->decimals;
	const char *c = s->code;

	if (c[0] == '\0')	/* a parameter with no code is not uplinked */
		return 0;
	if (s->n > 0)
		n = snprintf(buf + *off, len - *off,
		    ";%s-Avg=%.*f,%s-Min=%.*f,%s-Max=%.*f,%s-Flag=N", c, d,
		    nozero(s->sum / s->n, d), c, d, nozero(s->min, d), c, d,
		    nozero(s->max, d), c);
	else
		n = snprintf(buf + *off, len - *off, ";%s-Flag=%c", c,
		    hj212_stat_flag(s));
	if (n < 0 || (size_t)n >= len - *off)
		return -1;
	*off += (size_t)n;
	return 0;
}

int
hj212_cp_stats(char *buf, size_t len, time_t start,
    const struct hj212_stat *st, size_t n)
{
	char t[HJ212_TIME_LEN + 1];
	size_t off, i;
	int r;

	hj212_time(start, t);
	r = snprintf(buf, len, "DataTime=%s", t);
	if (r < 0 || (size_t)r >= len)
		return -1;
	off = (size_t)r;
	for (i = 0; i < n; i++)
		if (stat_items(buf, len, &off, &st[i]) < 0)
			return -1;
	return (int)off;
}

/* Append one parameter's real-time items at BUF + *OFF; -1 if no room. */
static int
rtd_items(char *buf, size_t len, size_t *off, const struct hj212_rtd *r)
{
	char flag = r->flag ? r->flag : 'B';
	int n;

	if (r->flag && isfinite(r->value))
		n = snprintf(buf + *off, len - *off, ";%s-Rtd=%.*f,%s-Flag=%c",
		    r->code, r->decimals, nozero(r->value, r->decimals),
		    r->code, flag);
	else
		n = snprintf(buf + *off, len - *off, ";%s-Flag=%c", r->code,
		    flag == 'N' ? 'D' : flag);
	if (n < 0 || (size_t)n >= len - *off)
		return -1;
	*off += (size_t)n;
	return 0;
}

int
hj212_cp_rtd(char *buf, size_t len, time_t t, const struct hj212_rtd *r,
    size_t n)
{
	char ts[HJ212_TIME_LEN + 1];
	size_t off, i;
	int k;

	hj212_time(t, ts);
	k = snprintf(buf, len, "DataTime=%s", ts);
	if (k < 0 || (size_t)k >= len)
		return -1;
	off = (size_t)k;
	for (i = 0; i < n; i++)
		if (rtd_items(buf, len, &off, &r[i]) < 0)
			return -1;
	return (int)off;
}

/*
 * i12101 (HJ 2017 App. B): 0 idle, 1 measuring, 3 maintenance, 4 fault,
 * 5 calibration (a standard check, 6, is C too: the flag cannot tell
 * them apart). F stopped is idle; T is a measurement over range; B says
 * nothing of the instrument's state.
 */
int
hj212_state(char flag)
{
	switch (flag) {
	case 'N': case 'T': case 'S':
		return 1;
	case 'F':
		return 0;
	case 'M':
		return 3;
	case 'D':
		return 4;
	case 'C':
		return 5;
	default:
		return -1;
	}
}

int
hj212_cp_info(char *buf, size_t len, time_t t, const char *code,
    const char *items)
{
	char ts[HJ212_TIME_LEN + 1];
	int n;

	hj212_time(t, ts);
	n = snprintf(buf, len, "DataTime=%s;PolId=%s;%s", ts, code, items);
	return n < 0 || (size_t)n >= len ? -1 : n;
}
