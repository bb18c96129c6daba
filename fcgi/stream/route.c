/* route.c: which stream a WebSocket path asks for (the mount table) */
#include <stdio.h>
#include <string.h>

#include "route.h"

static const struct route routes[] = {
	{ "/api/task-attempts/{id}/diff/ws", STREAM_DIFF, NULL, 15, 60 },
	{ "/api/execution-processes/{id}/raw-logs/ws", STREAM_RAW_LOGS,
	    NULL, 15, 60 },
	{ "/api/execution-processes/{id}/normalized-logs/ws",
	    STREAM_NORM_LOGS, NULL, 15, 60 },
	{ "/api/execution-processes/stream/ws", STREAM_PROCS,
	    "task_attempt_id", 30, 90 },
	{ "/api/tasks/stream/ws", STREAM_BOARD, "project_id", 30, 90 },
	/* Nodes heartbeat in the protocol (hivelink.c); pings are a backstop. */
	{ "/hive/v1/nodes/ws", STREAM_NODE_LINK, NULL, 60, 180 },
};

const char *
route_arg(const char *const *args, size_t nargs, const char *name)
{
	size_t	 i, n = strlen(name);

	for (i = 0; i < nargs; i++)
		if (strncmp(args[i], name, n) == 0 && args[i][n] == '=')
			return args[i] + n + 1;
	return NULL;
}

/*
 * Match path against pattern segment by segment; {id} takes one
 * non-empty segment into id (raw, up to idsz - 1 bytes). 1 on match.
 */
static int
match(const char *pattern, const char *path, char *id, size_t idsz)
{
	const char	*p = pattern, *s = path;
	size_t		 n;

	id[0] = '\0';
	while (*p != '\0') {
		if (strncmp(p, "{id}", 4) == 0) {
			n = strcspn(s, "/");
			if (n == 0 || n >= idsz)
				return 0;
			memcpy(id, s, n);
			id[n] = '\0';
			s += n;
			p += 4;
			continue;
		}
		if (*p++ != *s++)
			return 0;
	}
	return *s == '\0';
}

static int
parse_bool(int *out, const char *v)
{
	if (v == NULL)
		*out = 0;
	else if (strcmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

int
route_parse(struct route_req *out, const char *path, const char *const *args,
    size_t nargs, char *err, size_t errsz)
{
	const struct route	*r = NULL;
	const char		*raw;
	char			 seg[64];
	size_t			 i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (match(routes[i].pattern, path, seg, sizeof(seg))) {
			r = &routes[i];
			break;
		}
	if (r == NULL) {
		/* {id} too long to be a UUID still names the stream. */
		for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
			char	 big[4096];

			if (strlen(path) < sizeof(big) &&
			    match(routes[i].pattern, path, big, sizeof(big))) {
				snprintf(err, errsz, "invalid id");
				return 400;
			}
		}
		snprintf(err, errsz, "no such stream");
		return 404;
	}
	out->route = r;
	if (r->id_query != NULL) {
		if ((raw = route_arg(args, nargs, r->id_query)) == NULL) {
			snprintf(err, errsz, "query parameter '%s' is required",
			    r->id_query);
			return 400;
		}
		if (uuid_parse(out->id, raw) != 0) {
			snprintf(err, errsz, "query parameter '%s' must be a "
			    "UUID", r->id_query);
			return 400;
		}
	} else if (strstr(r->pattern, "{id}") != NULL &&
	    uuid_parse(out->id, seg) != 0) {
		snprintf(err, errsz, "invalid id");
		return 400;
	}
	if (r->kind == STREAM_DIFF && parse_bool(&out->stats_only,
	    route_arg(args, nargs, "stats_only")) != 0) {
		snprintf(err, errsz, "query parameter 'stats_only' must be "
		    "true or false");
		return 400;
	}
	if (r->kind == STREAM_PROCS && parse_bool(&out->show_soft_deleted,
	    route_arg(args, nargs, "show_soft_deleted")) != 0) {
		snprintf(err, errsz, "query parameter 'show_soft_deleted' "
		    "must be true or false");
		return 400;
	}
	if (r->kind == STREAM_RAW_LOGS)
		out->has_token = route_arg(args, nargs, "token") != NULL;
	return 0;
}
