/* http.h: requests, replies and the route table shared by every binary */
#ifndef SWARM_HTTP_H
#define SWARM_HTTP_H

#include <stddef.h>
#include <json.h>

#include "cache.h"
#include "log.h"
#include "uuid.h"

struct db;

enum method {
	M_GET		= 1 << 0,
	M_POST		= 1 << 1,
	M_PUT		= 1 << 2,
	M_DELETE	= 1 << 3,
	M_PATCH		= 1 << 4
};

struct query_pair {
	char	*key;
	char	*val;
};

/* One request; everything here is owned by it and freed by req_clear(). */
struct req {
	enum method		 method;
	const char		*method_name;
	char			*path;		/* raw, without the query */
	char			*query;		/* raw query string, or "" */
	struct query_pair	*q;		/* decoded query, lazily */
	size_t			 nq;
	int			 q_parsed;
	const char		*content_type;	/* borrowed from the params */
	char			*body;		/* NUL-terminated */
	size_t			 body_len;
	json_object		*json;		/* body of R_BODY routes */
	char			 id[UUID_STRLEN + 1];	/* {id}, canonical */
	char			 sub[UUID_STRLEN + 1];	/* {sub}, canonical */
	int			 route_flags;	/* of the matched route */
	char			*rest;		/* {*path}, decoded */
	struct db		*db;		/* borrowed: the worker's */
	char			**envp;		/* borrowed FastCGI params */
	void			*in;		/* FastCGI body stream */
};

/* What a handler produces; the dispatcher renders it. */
struct reply {
	int		 status;
	json_object	*data;		/* owned */
	json_object	*error_data;	/* owned */
	char		*message;	/* owned; NULL on success */
	int		 bare;		/* emit data without the envelope */
	/* Set with status 200: nginx sends this internal URI's file
	   (X-Accel-Redirect) with this type instead of a JSON body. */
	char		*sendfile;	/* owned */
	const char	*sendfile_type;
	struct cache_build cache;	/* publish a 200 reply to the cache */
};

typedef int	(*handler_fn)(struct req *, struct reply *);

/* Route flags: requirements the dispatcher checks before the handler. */
#define R_BODY		0x01	/* JSON object body required (415/413/400) */
#define R_NODB		0x02	/* handler needs no database connection */
#define R_BODY_OPT	0x04	/* as R_BODY when a body is sent; null too */
#define R_UPLOAD	0x08	/* multipart/form-data body up to max_upload,
				   raw in body/body_len (415/413/400) */
/* Flags from 0x100 up are the binary's own, read by its authorize hook. */
#define R_APP_SHIFT	8

struct route {
	enum method	 method;
	const char	*pattern;	/* literal segments, {id}, {sub}, {*path} */
	handler_fn	 fn;
	int		 flags;
};

struct route_match {
	const struct route	*route;
	const char		*id;		/* raw {id} segment */
	size_t			 id_len;
	const char		*sub;		/* raw {sub} segment (a second id) */
	size_t			 sub_len;
	const char		*rest;		/* raw {*path} remainder */
	size_t			 rest_len;
};

#define ROUTE_NONE	(-404)
#define ROUTE_METHOD	(-405)

/*
 * Find the route for method and raw path. Returns 0 and fills m, or
 * ROUTE_NONE when no pattern matches, ROUTE_METHOD when a pattern
 * matches with another method.
 */
int	router_match(struct route_match *m, const struct route *routes,
	    size_t nroutes, enum method method, const char *path);
/* The method's flag from its name, or 0 if unsupported. */
enum method router_method(const char *name);

/*
 * Decoded value of query parameter name, borrowed from rq; NULL when
 * absent. A malformed query string reads as if it had no parameters.
 */
const char *req_query(struct req *rq, const char *name);
/*
 * Decode the query string: 0, E_INVAL (a bad escape, a decoded NUL,
 * more than 64 parameters) or E_FAIL. The dispatcher calls it first.
 */
int	req_query_check(struct req *rq);
void	req_clear(struct req *);

/* Set data (owned) and status 200, or 500 when data is NULL (OOM). */
int	reply_data(struct reply *, json_object *data);
/* Success with data null (DELETE and other unit replies). */
int	reply_null(struct reply *, int status);
/* As reply_data with another success status (201, 202). */
int	reply_data_status(struct reply *, int status, json_object *data);
/* A failure with a message; returns status. */
int	reply_errorf(struct reply *, int status, const char *fmt, ...)
	    FMT(3, 4);
/*
 * Map an expected failure (err.h) to its status and a message: what is
 * used for E_NOTFOUND ("task not found"), the generic text otherwise.
 */
int	reply_err(struct reply *, int err, const char *what);
/* HTTP status for an err.h code. */
int	reply_status_of(int err);
/* Render the envelope (or the bare data); caller frees. NULL on OOM. */
char	*reply_render(const struct reply *, size_t *len);
const char *reply_reason(int status);
void	reply_clear(struct reply *);

#endif
