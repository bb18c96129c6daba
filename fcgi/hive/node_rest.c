/* node_rest.c: registration, heartbeat and project links over REST */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "field.h"
#include "hive.h"
#include "jsonx.h"
#include "notify.h"
#include "node_session.h"

static const char *const node_statuses[] = {
	"pending", "online", "offline", "busy", "draining", NULL
};

enum { RF_NAME, RF_MACHINE, RF_URL, RF__MAX };

static const struct field register_fields[] = {
	{ "name",	FT_STRING, F_REQUIRED | F_NONEMPTY, NODE_NAME_MAX, NULL },
	{ "machine_id",	FT_STRING, F_REQUIRED | F_NONEMPTY, NODE_MACHINE_MAX, NULL },
	{ "public_url",	FT_STRING, 0, HIVE_URL_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

enum { HF_STATUS, HF_ACTIVE, HF__MAX };

static const struct field heartbeat_fields[] = {
	{ "status",	 FT_ENUM,	F_REQUIRED, 0, node_statuses },
	/* Accepted and ignored, as by the original. */
	{ "active_tasks", FT_UUID_ARRAY, 0, 1024, NULL },
	{ NULL, 0, 0, 0, NULL }
};

enum { LF_PROJECT, LF_LOCAL, LF_PATH, LF_BRANCH, LF__MAX };

static const struct field link_fields[] = {
	{ "project_id",	      FT_UUID,	 F_REQUIRED, 0, NULL },
	{ "local_project_id", FT_UUID,	 F_REQUIRED, 0, NULL },
	{ "git_repo_path",    FT_STRING, F_REQUIRED | F_NONEMPTY, NODE_PATH_MAX, NULL },
	{ "default_branch",   FT_STRING, F_NONEMPTY, NODE_BRANCH_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * POST /hive/v1/nodes/register {name, machine_id, capabilities?,
 * public_url?}: upsert the node of this key's organization on its
 * machine id; 200 {node: Node, linked_projects: [NodeProject]}. 400.
 */
int
node_register_post(struct req *rq, struct reply *rp)
{
	struct field_val v[RF__MAX];
	struct node_registration reg;
	json_object	*caps = NULL, *node = NULL, *links = NULL, *out;
	char		*capstr = NULL, err[160];
	int		 rc;

	memset(v, 0, sizeof(v));
	if ((rc = fields_parse_or_reply(rp, rq->json, register_fields, v)) != 0)
		return rc;
	if (v[RF_URL].s != NULL && !node_public_url_ok(v[RF_URL].s))
		return reply_errorf(rp, 400, "field 'public_url' must be an "
		    "http or https URL");
	(void)json_object_object_get_ex(rq->json, "capabilities", &caps);
	if ((rc = node_capabilities_normalize(&capstr, caps, err,
	    sizeof(err))) != 0)
		return rc == E_INVAL ? reply_errorf(rp, 400, "%s", err) :
		    reply_errorf(rp, 500, "out of memory");
	reg.name = v[RF_NAME].s;
	reg.machine_id = v[RF_MACHINE].s;
	reg.public_url = v[RF_URL].s;
	reg.capabilities = capstr;
	rc = hive_node_register(rq->db, &node, &links, hive_caller()->org_id,
	    hive_caller()->key_id, &reg);
	free(capstr);
	if (rc != 0)
		return reply_err(rp, rc, NULL);
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add(out, "node", node) != 0 ||
	    jsonx_add(out, "linked_projects", links) != 0) {
		if (out == NULL) {
			json_object_put(node);
			json_object_put(links);
		}
		json_object_put(out);
		return reply_errorf(rp, 500, "out of memory");
	}
	return reply_data(rp, out);
}

/*
 * POST /hive/v1/nodes/{id}/heartbeat {status, active_tasks?}: the node
 * is alive. 200 {server_time}; 404 unknown node (or another
 * organization's, unlike the original).
 */
int
node_heartbeat_post(struct req *rq, struct reply *rp)
{
	struct field_val v[HF__MAX];
	json_object	*out;
	char		 now[32];
	int		 rc;

	memset(v, 0, sizeof(v));
	if ((rc = fields_parse_or_reply(rp, rq->json, heartbeat_fields,
	    v)) != 0)
		goto out;
	if ((rc = hive_node_heartbeat(rq->db, hive_caller()->org_id, rq->id,
	    v[HF_STATUS].s)) != 0) {
		rc = reply_err(rp, rc, "node");
		goto out;
	}
	hive_time_rfc3339(now, (int64_t)time(NULL));
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add_str(out, "server_time", now) != 0) {
		json_object_put(out);
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	rc = reply_data(rp, out);
out:
	fields_clear(v, HF__MAX);
	return rc;
}

/*
 * POST /hive/v1/nodes/{id}/projects {project_id, local_project_id,
 * git_repo_path, default_branch?}: link. 201 NodeProject (200 when the
 * same link exists); 404 node or project unknown; 409 when the project
 * or the local project is linked elsewhere.
 */
int
node_link_post(struct req *rq, struct reply *rp)
{
	struct field_val v[LF__MAX];
	struct link_row	 row;
	char		 id[UUID_STRLEN + 1];
	const char	*what = NULL;
	json_object	*link;
	int		 rc, created;

	memset(v, 0, sizeof(v));
	if ((rc = fields_parse_or_reply(rp, rq->json, link_fields, v)) != 0)
		return rc;
	if (uuid_new(id) != 0)
		return reply_errorf(rp, 500, "no randomness");
	row.id = id;
	row.node_id = rq->id;
	row.project_id = v[LF_PROJECT].s;
	row.local_project_id = v[LF_LOCAL].s;
	row.git_repo_path = v[LF_PATH].s;
	row.default_branch = v[LF_BRANCH].s != NULL ? v[LF_BRANCH].s : "main";
	if ((rc = db_begin(rq->db)) != 0)
		return reply_err(rp, rc, NULL);
	if ((rc = hive_node_link(rq->db, &link, &created, &what,
	    hive_caller()->org_id, &row)) != 0) {
		if (rc == E_CONFLICT)
			return reply_errorf(rp, 409, "%s", what);
		return reply_err(rp, rc, what);
	}
	if ((rc = db_commit(rq->db)) != 0) {
		json_object_put(link);
		return reply_err(rp, rc, NULL);
	}
	/* The other nodes of the organization see the project at once. */
	if (created)
		notify_send(NOTIFY_HORG, hive_caller()->org_id);
	return reply_data_status(rp, created ? 201 : 200, link);
}

/*
 * DELETE /hive/v1/nodes/{id}/projects/{link_id}: unlink (by link id and
 * node, not by project id as the original). 200 null; 404.
 */
int
node_unlink_delete(struct req *rq, struct reply *rp)
{
	const char	*what = "node";
	int		 rc;

	if ((rc = hive_node_unlink(rq->db, &what, hive_caller()->org_id,
	    rq->id, rq->sub)) != 0)
		return reply_err(rp, rc, what);
	notify_send(NOTIFY_HORG, hive_caller()->org_id);
	return reply_null(rp, 200);
}
