/*
 * sign.h: how a webhook request is signed and sent, for the daemon's
 * deliveries (daemon/notify.c) and `lakewatch test-alert` alike:
 * lakewatch's own X-Lakewatch-Signature, DingTalk's signed URL, and the
 * curl options every request carries.
 */
#ifndef LW_SIGN_H
#define LW_SIGN_H

#include <curl/curl.h>
#include <stddef.h>

#include "conf.h"

/* The X-Lakewatch-Signature value for BODY at timestamp TS into OUT. */
void	 sign_body(const char *secret, long long ts, const char *body,
	    char *out, size_t len);
/*
 * DingTalk's signed URL: URL plus "&timestamp=TS_MS&sign=S" (S the
 * URL-encoded base64 HMAC), malloc'd; NULL on ENOMEM.
 */
char	*sign_dingtalk_url(const char *url, const char *secret,
	    long long ts_ms);

/*
 * What every request to webhook W sets, from the daemon and from
 * `lakewatch test-alert` alike: its timeout, http(s) only, TLS verified
 * (against its ca_file if set), our user agent.
 */
void	 sign_curl_opts(CURL *e, const struct conf_webhook *w);

#endif
