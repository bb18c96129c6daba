/* reply.c: the JSON envelope and the error-to-status mapping */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "jsonx.h"

static const struct {
	int		 status;
	const char	*reason;
} reasons[] = {
	{ 200, "OK" }, { 201, "Created" }, { 202, "Accepted" },
	{ 204, "No Content" }, { 400, "Bad Request" },
	{ 401, "Unauthorized" }, { 403, "Forbidden" }, { 404, "Not Found" },
	{ 405, "Method Not Allowed" }, { 409, "Conflict" },
	{ 413, "Payload Too Large" }, { 415, "Unsupported Media Type" },
	{ 500, "Internal Server Error" }, { 502, "Bad Gateway" },
	{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
	{ 507, "Insufficient Storage" },
};

static const struct {
	int		 err;
	int		 status;
	const char	*message;
} err_map[] = {
	{ E_INVAL,	 400, "invalid request" },
	{ E_FORBIDDEN,	 403, "forbidden" },
	{ E_NOTFOUND,	 404, "not found" },
	{ E_CONFLICT,	 409, "conflict" },
	{ E_TOOBIG,	 413, "request too large" },
	{ E_UNSUPPORTED, 415, "unsupported media type" },
	{ E_REMOTE,	 502, "remote node unreachable" },
	{ E_DB,		 503, "database unavailable" },
};

const char *
reply_reason(int status)
{
	size_t	 i;

	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return "Unknown";
}

int
reply_status_of(int err)
{
	size_t	 i;

	for (i = 0; i < sizeof(err_map) / sizeof(err_map[0]); i++)
		if (err_map[i].err == err)
			return err_map[i].status;
	return 500;
}

int
reply_data_status(struct reply *rp, int status, json_object *data)
{
	if (data == NULL)
		return reply_errorf(rp, 500, "out of memory");
	json_object_put(rp->data);
	rp->data = data;
	rp->status = status;
	return status;
}

int
reply_null(struct reply *rp, int status)
{
	json_object_put(rp->data);
	rp->data = NULL;
	rp->status = status;
	return status;
}

int
reply_data(struct reply *rp, json_object *data)
{
	return reply_data_status(rp, 200, data);
}

int
reply_errorf(struct reply *rp, int status, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg = NULL;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(rp->message);
	rp->message = msg;
	json_object_put(rp->data);
	rp->data = NULL;
	rp->status = status;
	return status;
}

int
reply_err(struct reply *rp, int err, const char *what)
{
	size_t	 i;

	if (err == E_NOTFOUND && what != NULL)
		return reply_errorf(rp, 404, "%s not found", what);
	for (i = 0; i < sizeof(err_map) / sizeof(err_map[0]); i++)
		if (err_map[i].err == err)
			return reply_errorf(rp, err_map[i].status, "%s",
			    err_map[i].message);
	return reply_errorf(rp, 500, "internal error");
}

char *
reply_render(const struct reply *rp, size_t *len)
{
	json_object	*env = NULL;
	const char	*s;
	char		*out = NULL;
	int		 ok = rp->status >= 200 && rp->status < 300;

	if (rp->bare && ok && rp->data != NULL) {
		s = jsonx_render(rp->data, len);
		return s == NULL ? NULL : strndup(s, *len);
	}
	if ((env = json_object_new_object()) == NULL)
		return NULL;
	/* Borrowed members: take a reference so env can be put. */
	if (jsonx_add_bool(env, "success", ok) != 0 ||
	    jsonx_add(env, "data", json_object_get(ok ? rp->data : NULL)) != 0 ||
	    jsonx_add(env, "error_data", json_object_get(rp->error_data)) != 0 ||
	    jsonx_add_str(env, "message", ok ? NULL : (rp->message != NULL ?
	    rp->message : "internal error")) != 0)
		goto out;
	if ((s = jsonx_render(env, len)) != NULL)
		out = strndup(s, *len);
out:
	json_object_put(env);
	return out;
}

void
reply_clear(struct reply *rp)
{
	cache_build_end(&rp->cache, NULL, 0);
	json_object_put(rp->data);
	json_object_put(rp->error_data);
	free(rp->message);
	free(rp->sendfile);
	memset(rp, 0, sizeof(*rp));
}
