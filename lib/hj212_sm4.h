/*
 * hj212_sm4.h: the encryption of HJ 212-2025 (6.4, App. A.2): the CP of
 * the data commands a station sends, SM4 in ECB mode with a 16-byte key
 * and no padding. Sources and what is inferred: hj212_sm4.c.
 *
 * The characters between "CP=&&" and the closing "&&" are enciphered 16
 * at a time; a tail shorter than 16 stays plain. The CRC and the length
 * are those of the plain packet ("first the CRC and the packet, then the
 * encryption"): the ciphertext has the plaintext's length, so the packet
 * keeps its length field and CRC, and its CP carries raw bytes.
 */
#ifndef LW_HJ212_SM4_H
#define LW_HJ212_SM4_H

#include <stddef.h>

#define HJ212_SM4_KEY_LEN	16

/*
 * The key of TEXT (an sm4_key_file's first line): 32 hex digits, or 16
 * characters taken as they are (the standard's own example key is 16
 * times 0x30, "0000000000000000"). 0, or -1 if TEXT is neither.
 */
int	hj212_sm4_key(const char *text, unsigned char key[HJ212_SM4_KEY_LEN]);

/* 1 if the CP of a station's packet CN is encrypted (2000-2999, 1014,
   3020), else 0. */
int	hj212_sm4_cn(int cn);

/*
 * Encipher (ENC 1) or decipher (0) in place the CP of the framed packet
 * PKT (LEN bytes, "##" to CR LF) under KEY if its CN is one hj212_sm4_cn
 * names. Returns 1 if done, 0 if the CN is not encrypted, -1 if PKT is no
 * packet or OpenSSL failed (PKT is then unchanged).
 */
int	hj212_sm4_packet(const unsigned char key[HJ212_SM4_KEY_LEN],
	    char *pkt, size_t len, int enc);

/*
 * SM4-ECB of the GB/T 32907 example block: 0 if this OpenSSL has SM4
 * and computes it right, else -1.
 */
int	hj212_sm4_selftest(void);

#endif
