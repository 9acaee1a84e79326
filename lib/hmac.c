/* hmac.c: HMAC-SHA256 with OpenSSL's one-shot HMAC(). */
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string.h>

#include "hmac.h"

void
hmac_sha256(const char *key, const char *msg, unsigned char *md,
    unsigned int *len)
{
	*len = 0;
	HMAC(EVP_sha256(), key, (int)strlen(key), (const unsigned char *)msg,
	    strlen(msg), md, len);
}
