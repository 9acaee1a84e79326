/*
 * hj212_sm4.c: HJ 212-2025 6.4 encryption; see hj212_sm4.h. Sources,
 * read not copied (the standard's PDF itself was not read here):
 *
 * - 6.4.2 as quoted by a public CEMS pipeline (Daidai52640/cems-data-
 *   pipeline, src/protocol/hj212/crypto.py and docs/adr/0006): "SM4, a
 *   16-byte (128-bit) key, ECB mode, Nopadding, the characters between
 *   'CP=&&' and '&&CRC' are encrypted"; App. A.2: "16 characters form a
 *   block; a part shorter than 16 stays plain; first the CRC and the
 *   packet, then the data segment is encrypted"; 6.4.4: "the data
 *   commands a station sends (CN 2000-2999) are encrypted ... other
 *   commands need not be"; a Node-RED guide (docs/hj212-2025-nodered-
 *   guide.md, in the code index) lists 1014 (new key) and 3020 beside.
 * - App. A.2's examples as that project extracted them from the PDF:
 *   key 16 times 0x30; a 2051 packet "##0295...CP=&&{0xE4,0x3E,...}&&2200"
 *   whose 208 plaintext characters encipher to exactly those bytes, and
 *   a 234-character one with a 3-character plain tail, CRC B541. We
 *   recomputed both with `openssl enc -sm4-ecb -nopad` and the CRC of
 *   the plain segments (2200, B541): test_hj212_sm4.c pins them.
 *
 * Inferred, not stated in what we read: the ciphertext travels as raw
 * bytes. The standard prints them as {0xE4,0x3E,...}, but its length
 * field (0295) is the plaintext's, which only raw bytes keep; printed
 * as text the segment would be 1128 characters.
 */
#include <openssl/evp.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "hj212.h"
#include "hj212_sm4.h"

/* "CP=&&" and the closing "&&" of the data segment */
#define CP_OPEN		5
#define CP_CLOSE	2

int
hj212_sm4_cn(int cn)
{
	return (cn >= 2000 && cn <= 2999) || cn == 1014 || cn == 3020;
}

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int
hj212_sm4_key(const char *t, unsigned char key[HJ212_SM4_KEY_LEN])
{
	size_t n = strlen(t), i;
	int hi, lo;

	if (n == HJ212_SM4_KEY_LEN) {	/* 16 characters as they are */
		for (i = 0; i < n; i++)
			key[i] = (unsigned char)t[i];
		return 0;
	}
	if (n != 2 * HJ212_SM4_KEY_LEN)
		return -1;
	for (i = 0; i < HJ212_SM4_KEY_LEN; i++) {
		if ((hi = hex((unsigned char)t[2 * i])) < 0 ||
		    (lo = hex((unsigned char)t[2 * i + 1])) < 0)
			return -1;
		key[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* N bytes of BUF (a multiple of 16) through SM4-ECB; 0 or -1. */
static int
ecb(const unsigned char *key, unsigned char *buf, size_t n, int enc)
{
	unsigned char out[HJ212_DATA_MAX];
	EVP_CIPHER_CTX *ctx;
	int outl = 0, ok;

	if (n == 0)
		return 0;
	if (n > sizeof(out) || (ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(ctx, EVP_sm4_ecb(), NULL, key, NULL, enc) == 1 &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	    EVP_CipherUpdate(ctx, out, &outl, buf, (int)n) == 1 &&
	    outl == (int)n;
	EVP_CIPHER_CTX_free(ctx);
	if (!ok)
		return -1;
	memcpy(buf, out, n);
	return 0;
}

/* CN of the header H (HLEN bytes, "QN=..;ST=..;CN=..;"); -1 if none. */
static int
head_cn(const char *h, size_t hlen)
{
	size_t i = 0;
	int cn;

	while (i < hlen) {
		if (hlen - i > 3 && memcmp(h + i, "CN=", 3) == 0) {
			for (cn = 0, i += 3; i < hlen && isdigit((unsigned char)
			    h[i]) && cn < 100000; i++)
				cn = cn * 10 + (h[i] - '0');
			return i < hlen && h[i] == ';' ? cn : -1;
		}
		while (i < hlen && h[i] != ';')
			i++;
		i++;
	}
	return -1;
}

int
hj212_sm4_packet(const unsigned char key[HJ212_SM4_KEY_LEN], char *pkt,
    size_t len, int enc)
{
	char want[5];
	const char *seg = pkt + 6, *cp;
	size_t n, from, full;
	int cn;

	if (len < 12 || len - 12 > HJ212_DATA_MAX || pkt[0] != '#' ||
	    pkt[1] != '#')
		return -1;
	n = len - 12;
	snprintf(want, sizeof(want), "%04zu", n);
	if (memcmp(pkt + 2, want, 4) != 0 ||
	    (cp = memmem(seg, n, "CP=&&", CP_OPEN)) == NULL)
		return -1;
	from = (size_t)(cp - seg) + CP_OPEN;
	if (n < from + CP_CLOSE || memcmp(seg + n - CP_CLOSE, "&&", 2) != 0 ||
	    (cn = head_cn(seg, from - CP_OPEN)) < 0)
		return -1;
	if (!hj212_sm4_cn(cn))
		return 0;
	full = (n - CP_CLOSE - from) / 16 * 16;	/* the tail stays plain */
	return ecb(key, (unsigned char *)pkt + 6 + from, full, enc) == -1 ?
	    -1 : 1;
}

int
hj212_sm4_selftest(void)
{
	/* GB/T 32907-2016 App. A example 1: key and plaintext the same */
	static const unsigned char k[16] = { 0x01, 0x23, 0x45, 0x67, 0x89,
	    0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10 };
	static const unsigned char c[16] = { 0x68, 0x1e, 0xdf, 0x34, 0xd2,
	    0x06, 0x96, 0x5e, 0x86, 0xb3, 0xe9, 0x4f, 0x53, 0x6e, 0x42, 0x46 };
	unsigned char b[16];

	memcpy(b, k, sizeof(b));
	if (ecb(k, b, sizeof(b), 1) == -1 || memcmp(b, c, sizeof(b)) != 0)
		return -1;
	return ecb(k, b, sizeof(b), 0) == -1 || memcmp(b, k, sizeof(b)) != 0 ?
	    -1 : 0;
}
