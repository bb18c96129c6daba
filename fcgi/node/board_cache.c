/* board_cache.c: which cache files the node's routes build and invalidate */
#include <stdio.h>

#include "board_cache.h"
#include "cache.h"
#include "notify.h"
#include "uuid.h"

#define SCOPE_LEN	(2 + UUID_STRLEN + 1)

void
board_cache_projects(struct reply *rp)
{
	cache_build_begin(&rp->cache, "projects", "projects.json");
}

void
board_cache_tasks(struct reply *rp, const char *project_id)
{
	char	 scope[SCOPE_LEN], path[CACHE_PATH_MAX];

	snprintf(scope, sizeof(scope), "p-%s", project_id);
	snprintf(path, sizeof(path), "tasks/%s.json", project_id);
	cache_build_begin(&rp->cache, scope, path);
}

void
board_cache_task(struct reply *rp, const char *task_id)
{
	char	 scope[SCOPE_LEN], path[CACHE_PATH_MAX];

	snprintf(scope, sizeof(scope), "t-%s", task_id);
	snprintf(path, sizeof(path), "task/%s.json", task_id);
	cache_build_begin(&rp->cache, scope, path);
}

void
board_changed(int projects, const char *project_id,
    const char *const *task_ids, size_t n)
{
	char	 scope[SCOPE_LEN], path[CACHE_PATH_MAX];
	size_t	 i;

	if (projects)
		cache_invalidate("projects", "projects.json");
	if (project_id != NULL) {
		snprintf(scope, sizeof(scope), "p-%s", project_id);
		snprintf(path, sizeof(path), "tasks/%s.json", project_id);
		cache_invalidate(scope, path);
		/* Board streams (swarm-stream) refresh this project now. */
		notify_send(NOTIFY_BOARD, project_id);
	}
	for (i = 0; i < n; i++) {
		snprintf(scope, sizeof(scope), "t-%s", task_ids[i]);
		snprintf(path, sizeof(path), "task/%s.json", task_ids[i]);
		cache_invalidate(scope, path);
	}
}
