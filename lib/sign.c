/* sign.c: how a webhook request is signed (sign.h) */
#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "format.h"
#include "hmac.h"
#include "log.h"
#include "sign.h"

void
sign_body(const char *secret, long long ts, const char *body, char *out,
    size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;
	char *msg;
	size_t n;

	n = strlen(body) + 32;
	if ((msg = malloc(n)) == NULL)
		fatal("sign");
	snprintf(msg, n, "%lld.%s", ts, body);
	hmac_sha256(secret, msg, md, &mdlen);
	free(msg);
	n = (size_t)snprintf(out, len, "sha256=");
	for (i = 0; i < mdlen && n + 2 < len; i++, n += 2)
		snprintf(out + n, len - n, "%02x", md[i]);
}

char *
sign_dingtalk_url(const char *url, const char *secret, long long ts_ms)
{
	char sig[64], *esc, *out;
	size_t len;

	format_dingtalk_sign(secret, ts_ms, sig, sizeof(sig));
	if ((esc = curl_easy_escape(NULL, sig, 0)) == NULL)
		return NULL;
	len = strlen(url) + strlen(esc) + 64;
	if ((out = malloc(len)) != NULL)
		snprintf(out, len, "%s%ctimestamp=%lld&sign=%s", url,
		    strchr(url, '?') ? '&' : '?', ts_ms, esc);
	curl_free(esc);
	return out;
}

void
sign_curl_opts(CURL *e, const struct conf_webhook *w)
{
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(w->timeout * 1000));
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (w->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, w->ca_file);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "lakewatch/" LW_VERSION);
}
