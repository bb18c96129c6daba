/* routes.c: the node's route table; grep a path to find its handler */
#include "node.h"

static const struct route node_routes[] = {
	{ M_GET,    "/api/health",			health_get,	R_NODB },
	{ M_GET,    "/api/projects",			project_list,	0 },
	{ M_POST,   "/api/projects",			project_create,	R_BODY },
	{ M_GET,    "/api/projects/{id}",		project_get,	0 },
	{ M_PUT,    "/api/projects/{id}",		project_update,	R_BODY },
	{ M_DELETE, "/api/projects/{id}",		project_delete,	0 },
	{ M_GET,    "/api/projects/{id}/branches",	project_branches, 0 },
	{ M_GET,    "/api/projects/{id}/files",		project_files_list, 0 },
	{ M_GET,    "/api/projects/{id}/files/{*path}",	project_file_read, 0 },
	{ M_GET,    "/api/projects/{id}/search",	project_search,	0 },
	{ M_GET,    "/api/tasks",			task_list,	0 },
	{ M_POST,   "/api/tasks",			task_create,	R_BODY },
	{ M_GET,    "/api/tasks/{id}",			task_get,	0 },
	{ M_PUT,    "/api/tasks/{id}",			task_update,	R_BODY },
	{ M_DELETE, "/api/tasks/{id}",			task_delete,	0 },
	{ M_GET,    "/api/task-attempts",		attempt_list,	0 },
	{ M_POST,   "/api/task-attempts",		attempt_create,	R_BODY },
	{ M_GET,    "/api/task-attempts/{id}",		attempt_get,	0 },
	{ M_POST,   "/api/task-attempts/{id}/stop",	attempt_stop,	0 },
	{ M_POST,   "/api/task-attempts/{id}/merge",	attempt_merge,	0 },
	{ M_GET,    "/api/execution-processes",		process_list,	0 },
	{ M_GET,    "/api/execution-processes/{id}",	process_get,	0 },
	{ M_GET,    "/api/execution-processes/{id}/raw-logs",
							process_raw_logs, 0 },
	{ M_GET,    "/api/execution-processes/{id}/normalized-logs",
							process_normalized_logs, 0 },
	{ M_POST,   "/api/execution-processes/{id}/stop", process_stop,	0 },
};

const struct app node_app = {
	.role = "swarm-node",
	.routes = node_routes,
	.nroutes = sizeof(node_routes) / sizeof(node_routes[0]),
	.max_body = SERVER_MAX_BODY,
	.worker_init = node_worker_init,
};
