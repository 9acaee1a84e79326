/*
 * fuzz_sampleday.c: a .days image (lib/sampleday.h) as a damaged disk or
 * another user may leave it. The input is the image after its magic,
 * with the key put in place and its SHA-256 appended, so that the
 * reader's checks beyond the checksum are reached: sampleday_decode must
 * refuse or accept it without reading out of bounds, and what it accepts
 * must be within its arrays.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "../../lib/sampleday.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char key[32], *buf;
	struct sd_month m;
	struct sd_ident id;
	size_t len = 8 + size + 32, i;

	memset(key, 0x5a, sizeof(key));
	if ((buf = malloc(len)) == NULL)
		abort();
	memcpy(buf, "lwdays1\n", 8);
	memcpy(buf + 8, data, size);
	if (size >= 4 + 32)
		memcpy(buf + 8 + 4, key, 32);	/* after the byte order mark */
	EVP_Digest(buf, len - 32, buf + len - 32, NULL, EVP_sha256(), NULL);
	if (sampleday_decode(buf, len, key, &m, &id) == 0) {
		if (m.head_slot >= 0 && (size_t)m.day[m.head_slot]
		    [m.head_yday].nvalid != m.nraw)
			abort();
		for (i = 0; i < m.nraw; i++)
			(void)m.raw[i];
		sampleday_free(&m);
	}
	free(buf);
	return 0;
}
