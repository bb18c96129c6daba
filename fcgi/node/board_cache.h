/* board_cache.h: which cache files the node's routes build and invalidate */
#ifndef SWARM_BOARD_CACHE_H
#define SWARM_BOARD_CACHE_H

#include <stddef.h>

#include "http.h"

/*
 * Files (see fcgi/lib/cache.h and conf/nginx.conf.in, which serves them):
 *   projects.json		GET /api/projects
 *   tasks/<project>.json	GET /api/tasks?project_id=<project>
 *   task/<task>.json		GET /api/tasks/<task>
 * Call the build functions before the handler's database read; call
 * board_changed after every commit that changes what a file shows.
 */
void	board_cache_projects(struct reply *);
void	board_cache_tasks(struct reply *, const char *project_id);
void	board_cache_task(struct reply *, const char *task_id);

/*
 * Invalidate after a commit: the project list when projects is set, the
 * task list of project_id when not NULL, and the files of task_ids[0..n).
 * A project_id also tells swarm-stream's board streams (notify.h).
 */
void	board_changed(int projects, const char *project_id,
	    const char *const *task_ids, size_t n);

#endif
