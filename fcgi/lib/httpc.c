/* httpc.c: JSON over HTTP(S) to other services (libcurl), with limits */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "err.h"
#include "httpc.h"
#include "jsonx.h"

struct sink {
	char	*buf;
	size_t	 len;
	int	 over;
};

static size_t
sink_write(char *data, size_t size, size_t n, void *arg)
{
	struct sink	*s = arg;
	size_t		 add = size * n;
	char		*grown;

	if (s->len + add > HTTPC_MAX_REPLY) {
		s->over = 1;
		return 0;	/* aborts the transfer */
	}
	if ((grown = realloc(s->buf, s->len + add + 1)) == NULL)
		return 0;
	s->buf = grown;
	memcpy(s->buf + s->len, data, add);
	s->len += add;
	s->buf[s->len] = '\0';
	return add;
}

int
httpc_json(long *status, json_object **out, const char *method,
    const char *url, const char *token, const char *const *headers,
    json_object *body, char *err, size_t errsz)
{
	return httpc_json_timed(status, out, method, url, token, headers,
	    body, err, errsz, HTTPC_TIMEOUT_MS, HTTPC_CONNECT_MS);
}

int
httpc_json_timed(long *status, json_object **out, const char *method,
    const char *url, const char *token, const char *const *headers,
    json_object *body, char *err, size_t errsz, long timeout_ms,
    long connect_ms)
{
	struct curl_slist	*h = NULL;
	struct sink		 s = { NULL, 0, 0 };
	CURL			*c;
	CURLcode		 cc;
	const char		*payload = NULL;
	char			 auth[1024], perr[64];
	size_t			 i, plen = 0;
	int			 rc = E_FAIL;

	*status = 0;
	*out = NULL;
	err[0] = '\0';
	if ((c = curl_easy_init()) == NULL)
		return E_FAIL;
	h = curl_slist_append(h, "Accept: application/json");
	h = curl_slist_append(h, "User-Agent: swarm-node");
	if (token != NULL && (size_t)snprintf(auth, sizeof(auth),
	    "Authorization: Bearer %s", token) < sizeof(auth))
		h = curl_slist_append(h, auth);
	for (i = 0; headers != NULL && headers[i] != NULL; i++)
		h = curl_slist_append(h, headers[i]);
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		payload = jsonx_render(body, &plen);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, payload);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)plen);
	}
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &s);
	/* Long-lived workers: no signals, bounded waits, http(s) only. */
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	cc = curl_easy_perform(c);
	if (s.over) {
		snprintf(err, errsz, "reply larger than %d bytes",
		    HTTPC_MAX_REPLY);
		rc = E_TOOBIG;
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errsz, "%s", curl_easy_strerror(cc));
		rc = E_REMOTE;
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
	if (s.len > 0 && jsonx_parse_strict(out, s.buf, s.len, perr,
	    sizeof(perr)) != 0)
		*out = NULL;
	rc = 0;
out:
	free(s.buf);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return rc;
}
