/* route.h: which stream a WebSocket path asks for (the mount table) */
#ifndef SWARM_STREAM_ROUTE_H
#define SWARM_STREAM_ROUTE_H

#include <stddef.h>

#include "uuid.h"

/*
 * Every WebSocket endpoint of swarm-stream is one row of the table in
 * route.c: a path pattern ({id} captures one segment, a UUID), the query
 * parameter that carries the id instead when the path has none, and the
 * keep-alive profile. To add an endpoint: a kind here, a row there, and
 * its stream_ops row in ws.c (check / open / close).
 */
enum stream_kind {
	STREAM_DIFF,		/* /api/task-attempts/{id}/diff/ws */
	STREAM_RAW_LOGS,	/* /api/execution-processes/{id}/raw-logs/ws */
	STREAM_NORM_LOGS,	/* /api/execution-processes/{id}/normalized-logs/ws */
	STREAM_PROCS,		/* /api/execution-processes/stream/ws?task_attempt_id= */
	STREAM_BOARD,		/* /api/tasks/stream/ws?project_id= */
	STREAM_NODE_LINK,	/* /hive/v1/nodes/ws (hive role only) */
	STREAM__MAX
};

struct route {
	const char		*pattern;
	enum stream_kind	 kind;
	const char		*id_query;	/* NULL: {id} in the path, if any */
	/* Keep-alive as the original (crates/server/src/ws_util.rs). */
	int			 ping_secs;
	int			 pong_timeout_secs;
};

/* What a request asks for, once parsed and validated. */
struct route_req {
	const struct route	*route;
	char			 id[UUID_STRLEN + 1];
	int			 stats_only;		/* diff */
	int			 show_soft_deleted;	/* process list */
	int			 has_token;		/* raw logs ?token= */
};

#define ROUTE_MAX_ARGS	16

/*
 * Parse path (no query) and the query's "name=value" pieces (decoded).
 * 0 and *out filled, or an HTTP status with a lowercase message in err:
 * 404 (no such stream), 400 (bad id or query value).
 */
int	route_parse(struct route_req *out, const char *path,
	    const char *const *args, size_t nargs, char *err, size_t errsz);
/* The value of query parameter name among args, or NULL. */
const char *route_arg(const char *const *args, size_t nargs,
	    const char *name);

#endif
