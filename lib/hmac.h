/*
 * hmac.h: HMAC-SHA256, the one keyed hash of the webhooks: lakewatch's
 * own X-Lakewatch-Signature (notify.c) and the DingTalk and Feishu
 * signatures (format.c).
 */
#ifndef LW_HMAC_H
#define LW_HMAC_H

#define HMAC_SHA256_LEN	32	/* bytes of a digest */

/*
 * HMAC-SHA256 of the string MSG under the string KEY into MD (at least
 * HMAC_SHA256_LEN bytes); *LEN gets the digest's length.
 */
void	hmac_sha256(const char *key, const char *msg, unsigned char *md,
	    unsigned int *len);

#endif
