/* hive.h: the hive's configuration, callers and route handlers */
#ifndef SWARM_HIVE_H
#define SWARM_HIVE_H

#include <stdint.h>

#include "http.h"
#include "jwt.h"
#include "server.h"
#include "hive_config.h"

extern const struct app hive_app;

/* Route flags read by hive_authorize (auth.c). Neither: open (health). */
#define H_ADMIN		(0x1 << R_APP_SHIFT)	/* the admin token */
#define H_NODEKEY	(0x2 << R_APP_SHIFT)	/* a node API key (x-api-key) */
#define H_TOKEN		(0x4 << R_APP_SHIFT)	/* or ?token= (handler checks) */

/*
 * The hive's external base URL without a trailing slash: the configured
 * one, else scheme and Host of the request, into out[HIVE_URL_MAX + 1].
 */
void	hive_base_url(struct req *, char *out);

/* auth.c: who is calling, set before every handler. */
struct hive_caller {
	int	 admin;			/* the admin token */
	char	 org_id[UUID_STRLEN + 1];	/* a node key's organization */
	char	 key_id[UUID_STRLEN + 1];	/* a node key's id */
};
int	hive_authorize(struct req *, struct reply *);
const struct hive_caller *hive_caller(void);
/* 1 if the caller may see organization org_id (admin: all). */
int	hive_org_allowed(const char *org_id);

/* node_json.c: finishing database rows for replies */
/* Replace the status of a node row by the derived one; capabilities
 * as an object; drop the helper columns. 0 or E_FAIL. */
int	node_row_finish(json_object *row, const char *status_key);
int	node_rows_finish(json_object *rows, const char *status_key);
/* Replace string member key (stored JSON text) by its parsed value. */
int	json_member_parse(json_object *obj, const char *key);

/* params.c: query parameters shared by several routes */
/*
 * Query parameter name as a canonical UUID into out[37]. Absent: 0 with
 * out "" unless required (400 naming it); malformed: 400.
 */
int	hive_query_uuid_or_reply(struct req *, struct reply *,
	    const char *name, char *out, int required);
/*
 * ?organization_id= for listing routes: required for the admin; a node
 * key's own organization when absent, and 404 for another one.
 */
int	hive_query_org_or_reply(struct req *, struct reply *, char *out);
/* Query parameter name as an integer in [min, max] (def when absent). */
int	hive_query_int_or_reply(struct req *, struct reply *,
	    const char *name, long long *out, long long def, long long min,
	    long long max);

/* health.c */
/* organizations.c */
int	org_create(struct req *, struct reply *);
int	org_list(struct req *, struct reply *);
int	org_get(struct req *, struct reply *);
/* api_keys.c */
int	apikey_create(struct req *, struct reply *);
int	apikey_list(struct req *, struct reply *);
int	apikey_revoke(struct req *, struct reply *);
/* node_rest.c: the REST forms of what the node link does */
int	node_register_post(struct req *, struct reply *);
int	node_heartbeat_post(struct req *, struct reply *);
int	node_link_post(struct req *, struct reply *);
int	node_unlink_delete(struct req *, struct reply *);
/* nodes.c */
int	node_list(struct req *, struct reply *);
int	node_get(struct req *, struct reply *);
int	node_delete(struct req *, struct reply *);
int	node_drain(struct req *, struct reply *);
int	node_projects_list(struct req *, struct reply *);
/* projects.c */
int	hproject_list(struct req *, struct reply *);
int	hproject_create(struct req *, struct reply *);
int	hproject_get(struct req *, struct reply *);
int	hproject_nodes(struct req *, struct reply *);
/* shared_tasks.c */
int	stask_create(struct req *, struct reply *);
int	stask_get(struct req *, struct reply *);
int	stask_update(struct req *, struct reply *);
int	stask_delete(struct req *, struct reply *);
int	stask_bulk(struct req *, struct reply *);
/* activity.c */
int	activity_list(struct req *, struct reply *);
/*
 * Append event_type (task.created, task.updated, task.deleted) for task
 * (a SharedTask row, borrowed) to its project's feed, in the caller's
 * transaction. 0, E_DB, E_FAIL.
 */
int	activity_record(struct db *, const char *event_type, json_object *task);
/* {task, user: null}: the original's SharedTaskActivityPayload; takes task. */
json_object *activity_payload(json_object *task);
/* assignments.c */
int	assignment_create(struct req *, struct reply *);
int	assignment_update(struct req *, struct reply *);
int	assignment_latest(struct req *, struct reply *);
/* stream_info.c */
int	task_stream_info(struct req *, struct reply *);
int	assignment_connection_info(struct req *, struct reply *);
int	assignment_logs(struct req *, struct reply *);

#endif
