/* nodes.c: node routes (list, get, remove, drain, links of a node) */
#include <string.h>

#include "db_hive.h"
#include "err.h"
#include "field.h"
#include "hive.h"
#include "jsonx.h"
#include "notify.h"

static const struct field drain_fields[] = {
	{ "draining",	FT_BOOL, 0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* The node {id} if the caller may see it: 0, or the 404/503 reply. */
static int
node_visible_or_reply(struct req *rq, struct reply *rp, json_object **out)
{
	const char	*org;
	int		 rc;

	if ((rc = db_node_get(rq->db, out, rq->id)) != 0)
		return reply_err(rp, rc, "node");
	org = jsonx_get_str(*out, "organization_id");
	if (!hive_org_allowed(org)) {
		json_object_put(*out);
		*out = NULL;
		return reply_errorf(rp, 404, "node not found");
	}
	return 0;
}

/*
 * GET /hive/v1/nodes?organization_id=: Node[] by name, each with its
 * status derived from the heartbeat window. 400, 404.
 */
int
node_list(struct req *rq, struct reply *rp)
{
	char		 org[UUID_STRLEN + 1];
	json_object	*arr;
	int		 rc;

	if ((rc = hive_query_org_or_reply(rq, rp, org)) != 0)
		return rc;
	if ((rc = db_node_list(rq->db, &arr, org)) != 0)
		return reply_err(rp, rc, NULL);
	if (node_rows_finish(arr, "status") != 0) {
		json_object_put(arr);
		return reply_errorf(rp, 500, "internal error");
	}
	return reply_data(rp, arr);
}

/* GET /hive/v1/nodes/{id}: the Node. 200, 404. */
int
node_get(struct req *rq, struct reply *rp)
{
	json_object	*node;
	int		 rc;

	if ((rc = node_visible_or_reply(rq, rp, &node)) != 0)
		return rc;
	if (node_row_finish(node, "status") != 0) {
		json_object_put(node);
		return reply_errorf(rp, 500, "internal error");
	}
	return reply_data(rp, node);
}

/*
 * DELETE /hive/v1/nodes/{id}: remove the node with its links and
 * assignments (cascade). A node that registers again comes back as a
 * new row. 200 null; 404. Admin only.
 */
int
node_delete(struct req *rq, struct reply *rp)
{
	char	 org[UUID_STRLEN + 1];
	int	 rc;

	if ((rc = db_node_org(rq->db, org, rq->id)) != 0 ||
	    (rc = db_node_delete(rq->db, rq->id)) != 0)
		return reply_err(rp, rc, "node");
	/* Its projects go: the other nodes drop them now. */
	notify_send(NOTIFY_HORG, org);
	return reply_null(rp, 200);
}

/*
 * POST /hive/v1/nodes/{id}/drain {draining?: bool, default true}: no new
 * work for this node (its status reads "draining" while it is alive);
 * false ends it. 200 with the Node; 400, 404. Admin only.
 */
int
node_drain(struct req *rq, struct reply *rp)
{
	struct field_val v[1];
	json_object	*node;
	int		 rc;

	memset(v, 0, sizeof(v));
	if (rq->json != NULL &&
	    (rc = fields_parse_or_reply(rp, rq->json, drain_fields, v)) != 0)
		return rc;
	if ((rc = db_node_set_draining(rq->db, rq->id,
	    v[0].present && !v[0].is_null ? v[0].b : 1)) != 0)
		return reply_err(rp, rc, "node");
	if ((rc = db_node_get(rq->db, &node, rq->id)) != 0)
		return reply_err(rp, rc, "node");
	if (node_row_finish(node, "status") != 0) {
		json_object_put(node);
		return reply_errorf(rp, 500, "internal error");
	}
	return reply_data(rp, node);
}

/* GET /hive/v1/nodes/{id}/projects: the node's NodeProject[]. 404. */
int
node_projects_list(struct req *rq, struct reply *rp)
{
	json_object	*node, *arr;
	int		 rc;

	if ((rc = node_visible_or_reply(rq, rp, &node)) != 0)
		return rc;
	json_object_put(node);
	if ((rc = db_link_list_of_node(rq->db, &arr, rq->id)) != 0)
		return reply_err(rp, rc, NULL);
	return reply_data(rp, arr);
}
