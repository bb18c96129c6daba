/* unified_projects.c: GET /api/unified-projects, local and remote together */
#include <string.h>

#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "node.h"
#include "swarm.h"

/*
 * GET /api/unified-projects: {local: Project[], remote_by_node: [{node_id,
 * node_name, node_status, node_public_url, projects: [RemoteNodeProject]}]}
 * grouped by node (sorted by node name). Pulls from the hive first (at
 * most every sync interval). 200, 503.
 */
int
unified_projects_get(struct req *rq, struct reply *rp)
{
	json_object	*local = NULL, *remote = NULL, *groups = NULL,
			*out = NULL, *g = NULL, *p, *arr = NULL;
	const char	*nid, *gid = NULL;
	size_t		 i, n;
	int		 rc;

	hive_sync(rq->db, 0);
	if ((rc = db_project_local_list(rq->db, &local)) != 0 ||
	    (rc = db_project_remote_list(rq->db, &remote)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if ((groups = json_object_new_array()) == NULL)
		goto oom;
	n = json_object_array_length(remote);
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(remote, i);
		if ((nid = jsonx_get_str(p, "node_id")) == NULL)
			continue;
		if (jsonx_get_str(p, "node_status") == NULL &&
		    jsonx_add_str(p, "node_status", "pending") != 0)
			goto oom;
		if (gid == NULL || strcmp(gid, nid) != 0) {
			if ((g = json_object_new_object()) == NULL ||
			    json_object_array_add(groups, g) != 0) {
				json_object_put(g);
				goto oom;
			}
			if (jsonx_add_str(g, "node_id", nid) != 0 ||
			    jsonx_add_str(g, "node_name",
			    jsonx_get_str(p, "node_name")) != 0 ||
			    jsonx_add_str(g, "node_status",
			    jsonx_get_str(p, "node_status")) != 0 ||
			    jsonx_add_str(g, "node_public_url",
			    jsonx_get_str(p, "node_public_url")) != 0 ||
			    (arr = json_object_new_array()) == NULL ||
			    jsonx_add(g, "projects", arr) != 0)
				goto oom;
			gid = nid;
		}
		if (json_object_array_add(arr, json_object_get(p)) != 0)
			goto oom;
	}
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add(out, "local", local) != 0) {
		local = NULL;
		goto oom;
	}
	local = NULL;
	if (jsonx_add(out, "remote_by_node", groups) != 0) {
		groups = NULL;
		goto oom;
	}
	groups = NULL;
	rc = reply_data(rp, out);
	out = NULL;
	goto out;
oom:
	rc = reply_errorf(rp, 500, "out of memory");
out:
	json_object_put(local);
	json_object_put(remote);
	json_object_put(groups);
	json_object_put(out);
	return rc;
}
