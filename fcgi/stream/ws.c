/* ws.c: the WebSocket protocol: upgrade checks, writing, closing */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "stream.h"

_Static_assert(LWS_PRE <= MSG_HEADROOM, "MSG_HEADROOM is below LWS_PRE");

const struct stream_ops stream_ops[STREAM__MAX] = {
	[STREAM_DIFF] = { diff_check, diff_open, diff_close, NULL },
	[STREAM_RAW_LOGS] = { logs_check, logs_open, logs_close, NULL },
	[STREAM_NORM_LOGS] = { logs_check, logs_open, logs_close, NULL },
	[STREAM_PROCS] = { procs_check, procs_open, procs_close, NULL },
	[STREAM_BOARD] = { board_check, board_open, board_close, NULL },
	[STREAM_NODE_LINK] = { hivelink_check, hivelink_open, hivelink_close,
	    hivelink_receive },
};

#define URI_MAX		1024
#define ARG_MAX		512

/*
 * Parse the request's path and query into c->req; 0, or an HTTP status
 * with err set. lws keeps the query as decoded "name=value" fragments.
 */
static int
ws_parse(struct lws *wsi, struct route_req *req, char *err, size_t errsz)
{
	char		 uri[URI_MAX], argbuf[ROUTE_MAX_ARGS][ARG_MAX];
	const char	*args[ROUTE_MAX_ARGS];
	size_t		 nargs = 0;
	int		 n, status;

	if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) >= (int)sizeof(uri) ||
	    lws_hdr_copy(wsi, uri, sizeof(uri), WSI_TOKEN_GET_URI) < 0) {
		snprintf(err, errsz, "request path too long");
		return 414;
	}
	while (nargs < ROUTE_MAX_ARGS) {
		n = lws_hdr_copy_fragment(wsi, argbuf[nargs], ARG_MAX,
		    WSI_TOKEN_HTTP_URI_ARGS, (int)nargs);
		if (n < 0)
			break;
		args[nargs] = argbuf[nargs];
		nargs++;
	}
	if ((status = route_parse(req, uri, args, nargs, err, errsz)) != 0)
		return status;
	/* A hive serves node links only; a node everything else. */
	if ((req->route->kind == STREAM_NODE_LINK) !=
	    (stream_role() == ROLE_HIVE)) {
		snprintf(err, errsz, "no such stream");
		return 404;
	}
	return stream_ops[req->route->kind].check(req, err, errsz);
}

/* Answer a refused upgrade with a status and the JSON envelope. */
static void
ws_refuse(struct lws *wsi, int status, const char *err)
{
	unsigned char	 hdr[LWS_PRE + 512], body[LWS_PRE + 400];
	unsigned char	*start = hdr + LWS_PRE, *p = start, *end = hdr + sizeof(hdr);
	char		 esc[256], *w = esc;
	const char	*s;
	int		 n;

	/* The message is ours (no quotes or backslashes), but be safe. */
	for (s = err; *s != '\0' && w < esc + sizeof(esc) - 2; s++)
		if (*s != '"' && *s != '\\' && (unsigned char)*s >= 0x20)
			*w++ = *s;
	*w = '\0';
	n = snprintf((char *)body + LWS_PRE, sizeof(body) - LWS_PRE,
	    "{\"success\":false,\"data\":null,\"error_data\":null,"
	    "\"message\":\"%s\"}", esc);
	log_info("upgrade refused: %d %s", status, esc);
	if (lws_add_http_common_headers(wsi, (unsigned int)status,
	    "application/json", (lws_filepos_t)n, &p, end) != 0 ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL,
	    (const unsigned char *)"no-store", 8, &p, end) != 0 ||
	    lws_finalize_write_http_header(wsi, start, &p, end) != 0)
		return;
	(void)lws_write(wsi, body + LWS_PRE, (size_t)n, LWS_WRITE_HTTP_FINAL);
}

static int
ws_writeable(struct client *c)
{
	static unsigned char	 ping[LWS_PRE + 1];
	struct msg		*m;

	if (c->ping_due) {
		c->ping_due = 0;
		if (lws_write(c->wsi, ping + LWS_PRE, 0, LWS_WRITE_PING) < 0)
			return -1;
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	if ((m = outq_peek(&c->q)) != NULL) {
		if (lws_write(c->wsi, msg_payload(m), m->len, LWS_WRITE_TEXT) <
		    (int)m->len)
			return -1;
		outq_pop(&c->q);
	}
	if (outq_peek(&c->q) != NULL) {
		lws_callback_on_writable(c->wsi);
		return 0;
	}
	if (c->close_after_drain) {
		lws_close_reason(c->wsi, (enum lws_close_status)c->close_code,
		    (unsigned char *)c->close_reason, strlen(c->close_reason));
		return -1;
	}
	return 0;
}

int
ws_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
    void *in, size_t len)
{
	struct client	*c = user;
	char		 err[160];
	int		 status;

	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		memset(c, 0, sizeof(*c));
		err[0] = '\0';
		if ((status = ws_parse(wsi, &c->req, err, sizeof(err))) != 0) {
			ws_refuse(wsi, status, err);
			return -1;
		}
		return 0;
	case LWS_CALLBACK_ESTABLISHED:
		c->wsi = wsi;
		outq_init(&c->q);
		c->established = 1;
		c->last_pong_ms = loop_now_ms();
		c->next_ping_ms = c->last_pong_ms +
		    (int64_t)c->req.route->ping_secs * 1000;
		clients_link(c);
		if (stream_ops[c->req.route->kind].open(c) != 0)
			client_close(c, 1011, "stream unavailable");
		return 0;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!c->established)
			return 0;
		return ws_writeable(c);
	case LWS_CALLBACK_RECEIVE_PONG:
		if (c->established)
			c->last_pong_ms = loop_now_ms();
		return 0;
	case LWS_CALLBACK_RECEIVE:
		/* Streams ignore client frames, as the original. */
		if (!c->established || c->closing ||
		    stream_ops[c->req.route->kind].receive == NULL)
			return 0;
		return stream_ops[c->req.route->kind].receive(c, in, len,
		    lws_is_final_fragment(wsi), lws_frame_is_binary(wsi));
	case LWS_CALLBACK_CLOSED:
		if (!c->established)
			return 0;
		c->established = 0;
		stream_ops[c->req.route->kind].close(c);
		clients_unlink(c);
		outq_clear(&c->q);
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}
