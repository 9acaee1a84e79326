/*
 * sign.h: how a webhook request is signed, for the daemon's deliveries
 * (daemon/notify.c) and `lakewatch test-alert` alike: lakewatch's own
 * X-Lakewatch-Signature, and DingTalk's signed URL.
 */
#ifndef LW_SIGN_H
#define LW_SIGN_H

#include <stddef.h>

/* The X-Lakewatch-Signature value for BODY at timestamp TS into OUT. */
void	 sign_body(const char *secret, long long ts, const char *body,
	    char *out, size_t len);
/*
 * DingTalk's signed URL: URL plus "&timestamp=TS_MS&sign=S" (S the
 * URL-encoded base64 HMAC), malloc'd; NULL on ENOMEM.
 */
char	*sign_dingtalk_url(const char *url, const char *secret,
	    long long ts_ms);

#endif
