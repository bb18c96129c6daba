/* projects.c: swarm project routes (list, create, get, nodes of one) */
#include <stdlib.h>
#include <string.h>

#include "db_hive.h"
#include "err.h"
#include "field.h"
#include "hive.h"
#include "jsonx.h"

#define HPROJECT_NAME_MAX	4096
#define HPROJECT_META_MAX	65536

enum { PF_ORG, PF_NAME, PF__MAX };

static const struct field project_fields[] = {
	{ "organization_id", FT_UUID,	F_REQUIRED, 0, NULL },
	{ "name",	FT_STRING, F_REQUIRED | F_NONEMPTY, HPROJECT_NAME_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* The project {id} if the caller may see it: 0, or the 404/503 reply. */
static int
project_visible_or_reply(struct req *rq, struct reply *rp, json_object **out)
{
	int	 rc;

	if ((rc = db_hproject_get(rq->db, out, rq->id)) != 0)
		return reply_err(rp, rc, "project");
	if (!hive_org_allowed(jsonx_get_str(*out, "organization_id"))) {
		json_object_put(*out);
		*out = NULL;
		return reply_errorf(rp, 404, "project not found");
	}
	return json_member_parse(*out, "metadata") == 0 ? 0 :
	    reply_errorf(rp, 500, "internal error");
}

/* ProjectNodeInfo rows: derived node_status, helper columns dropped. */
static int
project_nodes_finish(json_object *rows)
{
	size_t		 i, n = json_object_array_length(rows);
	json_object	*r;

	if (node_rows_finish(rows, "node_status") != 0)
		return E_FAIL;
	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		json_object_object_del(r, "draining");
		json_object_object_del(r, "capabilities");
	}
	return 0;
}

/*
 * GET /hive/v1/projects?organization_id=: {projects: [Project]}, each
 * with the nodes that hold it (ProjectNodeInfo, our addition: a node
 * syncs its unified projects from this one reply). 400, 404.
 */
int
hproject_list(struct req *rq, struct reply *rp)
{
	char		 org[UUID_STRLEN + 1];
	json_object	*arr = NULL, *links = NULL, *p, *l, *nodes, *out = NULL;
	const char	*pid, *lpid;
	size_t		 i, j, n, nl;
	int		 rc;

	if ((rc = hive_query_org_or_reply(rq, rp, org)) != 0)
		return rc;
	if ((rc = db_hproject_list(rq->db, &arr, org)) != 0 ||
	    (rc = db_org_project_nodes(rq->db, &links, org)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if (project_nodes_finish(links) != 0)
		goto oom;
	n = json_object_array_length(arr);
	nl = json_object_array_length(links);
	for (i = 0; i < n; i++) {
		p = json_object_array_get_idx(arr, i);
		pid = jsonx_get_str(p, "id");
		if (json_member_parse(p, "metadata") != 0 ||
		    (nodes = json_object_new_array()) == NULL ||
		    jsonx_add(p, "nodes", nodes) != 0)
			goto oom;
		for (j = 0; j < nl; j++) {
			l = json_object_array_get_idx(links, j);
			lpid = jsonx_get_str(l, "project_id");
			if (pid == NULL || lpid == NULL || strcmp(pid, lpid) != 0)
				continue;
			if (json_object_array_add(nodes,
			    json_object_get(l)) != 0)
				goto oom;
		}
	}
	/* project_id stays in each entry; harmless and handy. */
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add(out, "projects", arr) != 0) {
		arr = NULL;
		goto oom;
	}
	arr = NULL;
	rc = reply_data(rp, out);
	out = NULL;
	goto out;
oom:
	rc = reply_errorf(rp, 500, "out of memory");
out:
	json_object_put(arr);
	json_object_put(links);
	json_object_put(out);
	return rc;
}

/*
 * POST /hive/v1/projects {organization_id, name, metadata?}: 201 with
 * the Project. metadata must be an object (null means {}). Names need
 * not be unique, as in the original. 400, 404 unknown organization.
 */
int
hproject_create(struct req *rq, struct reply *rp)
{
	struct field_val v[PF__MAX];
	char		 id[UUID_STRLEN + 1];
	json_object	*meta = NULL, *row;
	const char	*metastr = "{}";
	size_t		 mlen = 2;
	int		 rc;

	memset(v, 0, sizeof(v));
	if ((rc = fields_parse_or_reply(rp, rq->json, project_fields, v)) != 0)
		return rc;
	if (!hive_org_allowed(v[PF_ORG].s))
		return reply_errorf(rp, 404, "organization not found");
	if (json_object_object_get_ex(rq->json, "metadata", &meta) &&
	    meta != NULL) {
		if (!json_object_is_type(meta, json_type_object))
			return reply_errorf(rp, 400,
			    "field 'metadata' must be an object");
		if ((metastr = jsonx_render(meta, &mlen)) == NULL)
			return reply_errorf(rp, 500, "out of memory");
		if (mlen > HPROJECT_META_MAX)
			return reply_errorf(rp, 400, "field 'metadata' is too "
			    "long (max %d bytes)", HPROJECT_META_MAX);
	}
	if (uuid_new(id) != 0)
		return reply_errorf(rp, 500, "no randomness");
	if ((rc = db_hproject_insert(rq->db, &row, id, v[PF_ORG].s,
	    v[PF_NAME].s, metastr)) != 0)
		return reply_err(rp, rc, "organization");
	if (json_member_parse(row, "metadata") != 0) {
		json_object_put(row);
		return reply_errorf(rp, 500, "internal error");
	}
	return reply_data_status(rp, 201, row);
}

/* GET /hive/v1/projects/{id}: the Project. 200, 404. */
int
hproject_get(struct req *rq, struct reply *rp)
{
	json_object	*row;
	int		 rc;

	if ((rc = project_visible_or_reply(rq, rp, &row)) != 0)
		return rc;
	return reply_data(rp, row);
}

/*
 * GET /hive/v1/projects/{id}/nodes: ListProjectNodesResponse
 * {nodes: [{node_id, node_name, node_status, node_public_url,
 * node_project_id, local_project_id, git_repo_path, default_branch}]}
 * (0 or 1 entries: a project is held by one node). 404.
 */
int
hproject_nodes(struct req *rq, struct reply *rp)
{
	json_object	*row, *arr, *out;
	size_t		 i, n;
	int		 rc;

	if ((rc = project_visible_or_reply(rq, rp, &row)) != 0)
		return rc;
	json_object_put(row);
	if ((rc = db_project_nodes(rq->db, &arr, rq->id)) != 0)
		return reply_err(rp, rc, NULL);
	if (project_nodes_finish(arr) != 0)
		goto oom;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++)
		json_object_object_del(json_object_array_get_idx(arr, i),
		    "project_id");
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add(out, "nodes", arr) != 0) {
		if (out == NULL)
			json_object_put(arr);
		json_object_put(out);
		return reply_errorf(rp, 500, "out of memory");
	}
	return reply_data(rp, out);
oom:
	json_object_put(arr);
	return reply_errorf(rp, 500, "out of memory");
}
