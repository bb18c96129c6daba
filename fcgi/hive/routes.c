/* routes.c: the hive's route table; grep a path to find its handler */
#include "hive.h"

#define A	H_ADMIN
#define K	H_NODEKEY
#define AK	(H_ADMIN | H_NODEKEY)

/* Literal segments before {id} in a shared prefix: the first match wins. */
static const struct route hive_routes[] = {
	{ M_GET,    "/hive/v1/health",			server_health, R_NODB },
	{ M_GET,    "/hive/v1/organizations",		org_list,	A },
	{ M_POST,   "/hive/v1/organizations",		org_create,	R_BODY | A },
	{ M_GET,    "/hive/v1/organizations/{id}",	org_get,	AK },
	{ M_GET,    "/hive/v1/nodes/api-keys",		apikey_list,	A },
	{ M_POST,   "/hive/v1/nodes/api-keys",		apikey_create,	R_BODY | A },
	{ M_DELETE, "/hive/v1/nodes/api-keys/{id}",	apikey_revoke,	A },
	{ M_POST,   "/hive/v1/nodes/register",		node_register_post, R_BODY | K },
	{ M_PATCH,  "/hive/v1/nodes/assignments/{id}",	assignment_update, R_BODY | K },
	{ M_GET,    "/hive/v1/nodes/assignments/{id}/connection-info",
						assignment_connection_info, AK },
	{ M_GET,    "/hive/v1/nodes/assignments/{id}/logs",
						assignment_logs, AK | H_TOKEN },
	{ M_GET,    "/hive/v1/nodes",			node_list,	AK },
	{ M_GET,    "/hive/v1/nodes/{id}",		node_get,	AK },
	{ M_DELETE, "/hive/v1/nodes/{id}",		node_delete,	A },
	{ M_POST,   "/hive/v1/nodes/{id}/drain",	node_drain,	R_BODY_OPT | A },
	{ M_POST,   "/hive/v1/nodes/{id}/heartbeat",	node_heartbeat_post, R_BODY | K },
	{ M_GET,    "/hive/v1/nodes/{id}/projects",	node_projects_list, AK },
	{ M_POST,   "/hive/v1/nodes/{id}/projects",	node_link_post,	R_BODY | K },
	{ M_DELETE, "/hive/v1/nodes/{id}/projects/{sub}", node_unlink_delete, K },
	{ M_GET,    "/hive/v1/projects",		hproject_list,	AK },
	{ M_POST,   "/hive/v1/projects",		hproject_create, R_BODY | AK },
	{ M_GET,    "/hive/v1/projects/{id}",		hproject_get,	AK },
	{ M_GET,    "/hive/v1/projects/{id}/nodes",	hproject_nodes,	AK },
	{ M_GET,    "/hive/v1/activity",		activity_list,	AK },
	{ M_GET,    "/hive/v1/tasks/bulk",		stask_bulk,	AK },
	{ M_POST,   "/hive/v1/tasks",			stask_create,	R_BODY | AK },
	{ M_GET,    "/hive/v1/tasks/{id}",		stask_get,	AK },
	{ M_PATCH,  "/hive/v1/tasks/{id}",		stask_update,	R_BODY | AK },
	{ M_DELETE, "/hive/v1/tasks/{id}",		stask_delete,	R_BODY_OPT | AK },
	{ M_POST,   "/hive/v1/tasks/{id}/assignments",	assignment_create, R_BODY | K },
	{ M_GET,    "/hive/v1/tasks/{id}/assignment",	assignment_latest, AK },
	{ M_GET,    "/hive/v1/tasks/{id}/stream-connection-info",
						task_stream_info, AK },
};

const struct app hive_app = {
	.role = "swarm-hive",
	.routes = hive_routes,
	.nroutes = sizeof(hive_routes) / sizeof(hive_routes[0]),
	.max_body = SERVER_MAX_BODY,
	.authorize = hive_authorize,
};
