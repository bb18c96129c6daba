/* server.c: the FastCGI worker loop and its front-line checks */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "err.h"
#include "jsonx.h"
#include "log.h"
#include "server.h"
#include "text.h"

static volatile sig_atomic_t	worker_busy;
static volatile sig_atomic_t	worker_stop;

/*
 * An idle worker (blocked in accept) can leave at once; a busy one
 * finishes its request first, so a stop never cuts a reply short.
 */
static void
worker_on_term(int sig)
{
	(void)sig;
	if (!worker_busy)
		_exit(0);
	worker_stop = 1;
}

static int
is_json_type(const char *ct)
{
	size_t	 n = strlen("application/json");

	if (ct == NULL || strncasecmp(ct, "application/json", n) != 0)
		return 0;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* Read the whole body, at most max bytes, into rq->body (NUL-terminated). */
static int
read_body(struct req *rq, struct reply *rp, const char *content_length,
    FCGX_Stream *in, size_t max)
{
	int64_t		 clen = 0;
	size_t		 got = 0;
	int		 n;

	if (content_length != NULL && *content_length != '\0' &&
	    text_to_int64(&clen, content_length, 0, INT64_MAX) != 0)
		return reply_errorf(rp, 400, "invalid Content-Length");
	if ((size_t)clen > max)
		return reply_errorf(rp, 413, "request body too large");
	if (clen == 0)
		return reply_errorf(rp, 400, "empty request body");
	if ((rq->body = malloc((size_t)clen + 1)) == NULL)
		return reply_errorf(rp, 500, "out of memory");
	while (in != NULL && got < (size_t)clen &&
	    (n = FCGX_GetStr(rq->body + got, (int)((size_t)clen - got), in)) > 0)
		got += (size_t)n;
	if (got != (size_t)clen)
		return reply_errorf(rp, 400, "incomplete request body");
	rq->body[got] = '\0';
	rq->body_len = got;
	return 0;
}

/* Read and parse the JSON object body (or null, when null_ok). */
static int
dispatch_body(const struct app *app, struct req *rq, struct reply *rp,
    const char *content_length, FCGX_Stream *in, int null_ok)
{
	char		 err[128];
	int		 rc;

	if (!is_json_type(rq->content_type))
		return reply_errorf(rp, 415,
		    "expected Content-Type: application/json");
	if (content_length == NULL || *content_length == '\0' ||
	    strcmp(content_length, "0") == 0)
		return reply_errorf(rp, 400, "invalid JSON body: empty");
	if ((rc = read_body(rq, rp, content_length, in, app->max_body)) != 0)
		return rc;
	if (jsonx_parse_strict(&rq->json, rq->body, rq->body_len, err, sizeof(err)) != 0)
		return reply_errorf(rp, 400, "invalid JSON body: %s", err);
	if (rq->json == NULL && null_ok)
		return 0;
	if (!json_object_is_type(rq->json, json_type_object))
		return reply_errorf(rp, 400,
		    "invalid JSON body: expected an object");
	return 0;
}

/* A multipart/form-data body, kept raw for the handler to parse. */
static int
dispatch_upload(const struct app *app, struct req *rq, struct reply *rp,
    const char *content_length, FCGX_Stream *in)
{
	static const char	 mp[] = "multipart/form-data";

	if (rq->content_type == NULL ||
	    strncasecmp(rq->content_type, mp, sizeof(mp) - 1) != 0)
		return reply_errorf(rp, 415,
		    "expected Content-Type: multipart/form-data");
	return read_body(rq, rp, content_length, in, app->max_upload);
}

int
server_dispatch(const struct app *app, struct req *rq, struct reply *rp,
    const char *content_length)
{
	struct route_match	 m;
	char			 raw[64];
	int			 rc;

	if (rq->method == 0)
		return reply_errorf(rp, 405, "method not allowed");
	rc = router_match(&m, app->routes, app->nroutes, rq->method, rq->path);
	if (rc == ROUTE_NONE)
		return reply_errorf(rp, 404, "no such route");
	if (rc == ROUTE_METHOD)
		return reply_errorf(rp, 405, "method not allowed");
	if ((rc = req_query_check(rq)) != 0)
		return rc == E_INVAL ? reply_errorf(rp, 400,
		    "invalid query string") : reply_errorf(rp, 500,
		    "out of memory");
	if ((m.route->flags & R_BODY) &&
	    (rc = dispatch_body(app, rq, rp, content_length, rq->in, 0)) != 0)
		return rc;
	if ((m.route->flags & R_UPLOAD) && (rc = dispatch_upload(app, rq, rp,
	    content_length, rq->in)) != 0)
		return rc;
	if ((m.route->flags & R_BODY_OPT) && content_length != NULL &&
	    *content_length != '\0' && strcmp(content_length, "0") != 0 &&
	    (rc = dispatch_body(app, rq, rp, content_length, rq->in, 1)) != 0)
		return rc;
	if (m.id != NULL) {
		if (m.id_len >= sizeof(raw))
			return reply_errorf(rp, 400, "invalid id");
		memcpy(raw, m.id, m.id_len);
		raw[m.id_len] = '\0';
		if (uuid_parse(rq->id, raw) != 0)
			return reply_errorf(rp, 400, "invalid id");
	}
	if (m.sub != NULL) {
		if (m.sub_len >= sizeof(raw))
			return reply_errorf(rp, 400, "invalid id");
		memcpy(raw, m.sub, m.sub_len);
		raw[m.sub_len] = '\0';
		if (uuid_parse(rq->sub, raw) != 0)
			return reply_errorf(rp, 400, "invalid id");
	}
	if (m.rest != NULL &&
	    (rq->rest = text_urldecode(m.rest, m.rest_len, 0)) == NULL)
		return reply_errorf(rp, 400, "invalid path");
	if (!(m.route->flags & R_NODB) && db_ensure(rq->db) != 0)
		return reply_errorf(rp, 503, "database unavailable");
	rq->route_flags = m.route->flags;
	if (app->authorize != NULL && (rc = app->authorize(rq, rp)) != 0)
		return rc;
	rc = m.route->fn(rq, rp);
	/* A handler that left a transaction open failed before commit. */
	db_rollback(rq->db);
	if (rp->status == 0)
		rc = reply_errorf(rp, 500, "internal error");
	return rc;
}

static double
elapsed_ms(const struct timespec *t0)
{
	struct timespec	 t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Split REQUEST_URI into owned path and query copies. */
static int
split_uri(struct req *rq, const char *uri)
{
	const char	*qm;

	if (uri == NULL || *uri != '/')
		uri = "/";
	qm = strchr(uri, '?');
	rq->path = qm ? strndup(uri, (size_t)(qm - uri)) : strdup(uri);
	rq->query = strdup(qm ? qm + 1 : "");
	return rq->path == NULL || rq->query == NULL ? E_FAIL : 0;
}

static void
serve_one(FCGX_Request *r, const struct app *app, struct db *db)
{
	struct req	 rq;
	struct reply	 rp;
	struct timespec	 t0;
	char		*out = NULL, esc[512], head[256];
	size_t		 len = 0;
	int		 hlen;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(&rq, 0, sizeof(rq));
	memset(&rp, 0, sizeof(rp));
	rq.db = db;
	rq.envp = r->envp;
	rq.method_name = FCGX_GetParam("REQUEST_METHOD", r->envp);
	rq.method = router_method(rq.method_name);
	rq.content_type = FCGX_GetParam("CONTENT_TYPE", r->envp);
	rq.in = r->in;
	if (split_uri(&rq, FCGX_GetParam("REQUEST_URI", r->envp)) != 0)
		reply_errorf(&rp, 500, "out of memory");
	else
		server_dispatch(app, &rq, &rp,
		    FCGX_GetParam("CONTENT_LENGTH", r->envp));
	if ((out = reply_render(&rp, &len)) == NULL) {
		reply_clear(&rp);
		rp.status = 500;
		out = strdup("{\"success\":false,\"data\":null,"
		    "\"error_data\":null,\"message\":\"out of memory\"}");
		len = out ? strlen(out) : 0;
	}
	/* libfcgi's own printf lacks %zu: format the head ourselves. */
	if (rp.status == 200 && rp.sendfile != NULL) {
		/* nginx serves the file; the URI is ours, never a client's. */
		free(out);
		out = NULL;
		len = 0;
		hlen = snprintf(head, sizeof(head), "Status: 200 OK\r\n"
		    "X-Accel-Redirect: %s\r\nContent-Type: %s\r\n\r\n",
		    rp.sendfile, rp.sendfile_type);
		if (hlen < 0 || (size_t)hlen >= sizeof(head))
			hlen = snprintf(head, sizeof(head), "Status: 500 "
			    "Internal Server Error\r\n\r\n");
	} else
		hlen = snprintf(head, sizeof(head), "Status: %d %s\r\n"
	    "Content-Type: application/json\r\n"
	    "Content-Length: %zu\r\n"
	    "Cache-Control: no-store\r\n\r\n",
	    rp.status, reply_reason(rp.status), len);
	FCGX_PutStr(head, hlen, r->out);
	if (out != NULL)
		FCGX_PutStr(out, (int)len, r->out);
	/* Publish after replying: the client does not wait for the disk. */
	cache_build_end(&rp.cache, rp.status == 200 ? out : NULL, len);
	log_escape(esc, sizeof(esc), rq.path ? rq.path : "?");
	log_info("%s %s %d %.1fms", rq.method_name ? rq.method_name : "-",
	    esc, rp.status, elapsed_ms(&t0));
	free(out);
	reply_clear(&rp);
	req_clear(&rq);
}

void
server_worker(int fd, const struct app *app, const struct db_config *dbcfg)
{
	FCGX_Request		 r;
	struct sigaction	 sa;
	struct db		*db;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_on_term;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	if (app->worker_init != NULL && app->worker_init() != 0)
		fatalx("worker initialisation failed");
	if ((db = db_new(dbcfg)) == NULL)
		fatalx("out of memory");
	if (FCGX_InitRequest(&r, fd, 0) != 0)
		fatalx("FCGX_InitRequest failed");
	/* Connect early so the first request does not pay for it. */
	(void)db_ensure(db);
	while (!worker_stop) {
		if (FCGX_Accept_r(&r) < 0)
			break;
		worker_busy = 1;
		serve_one(&r, app, db);
		FCGX_Finish_r(&r);
		worker_busy = 0;
	}
	db_free(db);
	_exit(0);
}
