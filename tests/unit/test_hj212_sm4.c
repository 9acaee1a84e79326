/*
 * test_hj212_sm4.c: HJ 212-2025 encryption pinned to the standard's App.
 * A.2 examples (key 16 times 0x30; the ciphertext bytes as the standard
 * prints them, recomputed with `openssl enc -sm4-ecb -nopad`): length
 * and CRC of the plain packet kept, a short tail left plain; which CNs
 * are encrypted (and by which profile); the key file's forms; refusals.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "../../lib/hj212.h"
#include "../../lib/hj212_sm4.h"

/* App. A.2: the test key, "16 times 0x30" */
#define KEY_TEXT	"0000000000000000"

#define HEAD	"QN=20240520210700000;ST=31;CN=2051;PW=123456;" \
	"MN=010000A8900016F000169DC0;Flag=9;CP=&&"
#define DATA_2	"DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35," \
	"a01011-Max=1.35,a01011-Flag=N;a01012-Min=9.3,a01012-Avg=9.3," \
	"a01012-Max=9.3,a01012-Flag=N;a01014-Min=3.20,a01014-Avg=3.211," \
	"a01014-Max=3.212,a01014-Flag=N"
#define DATA_4	"DataTime=20240520210600;a01011-Min=1.35,a01011-Avg=1.35," \
	"a01011-Max=1.35,a01011-Flag=N;a01014-Min=3.20,a01014-Avg=3.20," \
	"a01014-Max=3.20,a01014-Flag=N"

/* the ciphertext of DATA_2: 208 bytes, 13 whole blocks */
static const char A2_2[] =
	"E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED"
	"1A80119FAAC8B3CD33D285CC76F57F2CA7F88B9573C6647E0F07E24609BD6B63"
	"EB20C5B9784F28E71D2F4994FF61D9E1C2B3075592B4D1E09C4D8BB27BE97B55"
	"9E3DA6643781A6F477769DEEB009B10DFFF3426922725D607DC4480F0CAC5F70"
	"DB2587B124BCB281592721D6E4BC180A97E5E111499CBE822E31C8D776155354"
	"3AA24207C290997BBDE64F9266BC5F529A172E381C1D898CA1A0D771A914A7B2"
	"D7467C70B94F1D4A7B0350A48DBF8B41";
/* ... of DATA_4: 9 blocks (144 bytes), then "g=N" plain */
static const char A2_4[] =
	"E43E159ACFAB242CB53155FB8B9281A1A242577ABFAED881BE88B72D69FC55ED"
	"1A80119FAAC8B3CD33D285CC76F57F2CA7F88B9573C6647E0F07E24609BD6B63"
	"EB20C5B9784F28E71D2F4994FF61D9E13B391A1D2A454B65388D5D9435DBF021"
	"528C7BF9755EF16518710C0CAC0ADEF9C5156CD0A5A17674AC0ED2ABC40023E9"
	"EF70128554B82438E91ADCE98A0D03A4";

static size_t
unhex(const char *h, unsigned char *out)
{
	size_t i, n = strlen(h) / 2;
	unsigned v;

	for (i = 0; i < n; i++) {
		assert_int_equal(sscanf(h + 2 * i, "%2X", &v), 1);
		out[i] = (unsigned char)v;
	}
	return n;
}

/*
 * The packet of DATA framed as the standard does, encrypted: the same
 * length field and CRC, the header and the closing "&&" plain, the CP
 * the standard's CIPHER then the plain tail; deciphered: the packet.
 */
static void
example(const char *data, const char *len, const char *crc,
    const char *cipher, const char *tail)
{
	unsigned char key[HJ212_SM4_KEY_LEN], want[HJ212_DATA_MAX];
	char seg[HJ212_DATA_MAX + 1], pkt[HJ212_PKT_MAX + 1];
	char plain[HJ212_PKT_MAX + 1];
	size_t nc, h = 6 + strlen(HEAD);
	int n;

	assert_int_equal(hj212_sm4_key(KEY_TEXT, key), 0);
	snprintf(seg, sizeof(seg), "%s%s&&", HEAD, data);
	n = hj212_frame(seg, strlen(seg), pkt);
	assert_memory_equal(pkt + 2, len, 4);
	assert_memory_equal(pkt + n - 6, crc, 4);
	memcpy(plain, pkt, (size_t)n + 1);
	assert_int_equal(hj212_sm4_packet(key, pkt, (size_t)n, 1), 1);
	assert_memory_equal(pkt, plain, h);
	nc = unhex(cipher, want);
	assert_memory_equal(pkt + h, want, nc);
	assert_memory_equal(pkt + h + nc, tail, strlen(tail));
	assert_string_equal(pkt + h + nc + strlen(tail), plain + h + nc +
	    strlen(tail));	/* "&&", the plain packet's CRC, CR LF */
	assert_int_equal(hj212_sm4_packet(key, pkt, (size_t)n, 0), 1);
	assert_string_equal(pkt, plain);
}

/* App. A.2: 208 characters, no tail; the CRC of the plain packet 2200 */
static void
test_a2_whole_blocks(void **state)
{
	(void)state;
	assert_int_equal(strlen(DATA_2), 208);
	example(DATA_2, "0295", "2200", A2_2, "&&");
}

/* App. A.2: 147 characters, the 3 after the last block stay plain */
static void
test_a2_plain_tail(void **state)
{
	(void)state;
	assert_int_equal(strlen(DATA_4), 147);
	example(DATA_4, "0234", "B541", A2_4, "g=N&&");
}

/* the key of the standard's example in its two forms; refusals */
static void
test_key(void **state)
{
	unsigned char a[HJ212_SM4_KEY_LEN], b[HJ212_SM4_KEY_LEN];

	(void)state;
	assert_int_equal(hj212_sm4_key(KEY_TEXT, a), 0);
	assert_int_equal(hj212_sm4_key("30303030303030303030303030303030",
	    b), 0);
	assert_memory_equal(a, b, sizeof(a));
	assert_int_equal(hj212_sm4_key("0123456789abcdefFEDCBA9876543210",
	    b), 0);
	assert_int_equal(b[0], 0x01);
	assert_int_equal(b[8], 0xFE);
	assert_int_equal(hj212_sm4_key("", a), -1);
	assert_int_equal(hj212_sm4_key("000000000000000", a), -1);
	assert_int_equal(hj212_sm4_key("0123456789abcdefFEDCBA987654321g",
	    a), -1);
	assert_int_equal(hj212_sm4_key("30303030303030303030303030303030"
	    "00", a), -1);
	assert_int_equal(hj212_sm4_selftest(), 0);
	/* only the hj212-2025 profile encrypts */
	assert_true(hj212_profile(UPLINK_HJ212_2025)->sm4);
	assert_false(hj212_profile(UPLINK_HJ212)->sm4);
	assert_false(hj212_profile(UPLINK_HJ1404)->sm4);
}

/* Encrypt a packet of CN with CP "DataTime=20240520210600;w21011-Rtd=1" */
static int
crypt_cn(int cn, char *pkt, size_t *n)
{
	unsigned char key[HJ212_SM4_KEY_LEN];
	char seg[HJ212_DATA_MAX + 1];

	assert_int_equal(hj212_sm4_key(KEY_TEXT, key), 0);
	snprintf(seg, sizeof(seg), "QN=20240520210700000;ST=21;CN=%d;"
	    "PW=123456;MN=010000A8900016F000169DC0;Flag=9;CP=&&DataTime="
	    "20240520210600;w21011-Rtd=1&&", cn);
	*n = (size_t)hj212_frame(seg, strlen(seg), pkt);
	return hj212_sm4_packet(key, pkt, *n, 1);
}

/* 6.4.4: the data commands (2000-2999), 1014 and 3020; nothing else */
static void
test_which_cn(void **state)
{
	static const int enc[] = { 2011, 2051, 2061, 2031, 2000, 2999, 1014,
	    3020 };
	static const int plain[] = { 1011, 1012, 9011, 9012, 9014, 1999,
	    3000, 3021 };
	unsigned char key[HJ212_SM4_KEY_LEN];
	char pkt[HJ212_PKT_MAX + 1], copy[HJ212_PKT_MAX + 1];
	size_t i, n;

	(void)state;
	assert_int_equal(hj212_sm4_key(KEY_TEXT, key), 0);
	for (i = 0; i < sizeof(enc) / sizeof(enc[0]); i++) {
		assert_int_equal(crypt_cn(enc[i], pkt, &n), 1);
		assert_null(strstr(pkt, "w21011"));
	}
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		assert_int_equal(crypt_cn(plain[i], pkt, &n), 0);
		assert_non_null(strstr(pkt, "CP=&&DataTime=20240520210600;"
		    "w21011-Rtd=1&&"));
	}
	/* what is no packet is refused and left alone */
	assert_int_equal(crypt_cn(2061, pkt, &n), 1);
	pkt[5] = pkt[5] == '9' ? '8' : '9';	/* not the packet's length */
	memcpy(copy, pkt, n);
	assert_int_equal(hj212_sm4_packet(key, pkt, n, 1), -1);
	assert_memory_equal(pkt, copy, n);
	assert_int_equal(hj212_sm4_packet(key, pkt, 11, 1), -1);
	n = (size_t)hj212_frame("QN=1;ST=21;CN=2011;", 19, pkt);
	assert_int_equal(hj212_sm4_packet(key, pkt, n, 1), -1);
	n = (size_t)hj212_frame("QN=1;ST=21;CP=&&a=1&&", 21, pkt);
	assert_int_equal(hj212_sm4_packet(key, pkt, n, 1), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a2_whole_blocks),
		cmocka_unit_test(test_a2_plain_tail),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_which_cn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
