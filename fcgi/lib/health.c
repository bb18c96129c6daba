/* health.c: GET /api/health and /hive/v1/health, the liveness probe */
#include "http.h"
#include "jsonx.h"
#include "server.h"

#ifndef SWARM_VERSION
#define SWARM_VERSION		"unknown"
#define SWARM_GIT_COMMIT	"unknown"
#define SWARM_GIT_BRANCH	"unknown"
#define SWARM_BUILD_TIME	"unknown"
#endif

/*
 * 200 with {status, version, git_commit, git_branch, build_timestamp},
 * bare as the original node and hive send it. Needs no database and no
 * credentials: it says the workers answer; the database state shows on
 * every other route (503).
 */
int
server_health(struct req *rq, struct reply *rp)
{
	json_object	*o;

	(void)rq;
	if ((o = json_object_new_object()) == NULL)
		return reply_errorf(rp, 500, "out of memory");
	if (jsonx_add_str(o, "status", "ok") != 0 ||
	    jsonx_add_str(o, "version", SWARM_VERSION) != 0 ||
	    jsonx_add_str(o, "git_commit", SWARM_GIT_COMMIT) != 0 ||
	    jsonx_add_str(o, "git_branch", SWARM_GIT_BRANCH) != 0 ||
	    jsonx_add_str(o, "build_timestamp", SWARM_BUILD_TIME) != 0) {
		json_object_put(o);
		return reply_errorf(rp, 500, "out of memory");
	}
	rp->bare = 1;
	return reply_data(rp, o);
}
