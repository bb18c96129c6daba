/* assignments.c: task assignment routes (create, update status, latest) */
#include <string.h>

#include "db_hive.h"
#include "err.h"
#include "field.h"
#include "hive.h"
#include "jsonx.h"
#include "notify.h"

static const char *const exec_statuses[] = {
	"pending", "starting", "running", "completed", "failed", "cancelled",
	NULL
};

enum { AF_NODE, AF_LTASK, AF_LATTEMPT, AF_STATUS, AF__MAX };

static const struct field create_fields[] = {
	{ "node_id",		FT_UUID, F_REQUIRED, 0, NULL },
	{ "local_task_id",	FT_UUID, 0, 0, NULL },
	{ "local_attempt_id",	FT_UUID, 0, 0, NULL },
	{ "execution_status",	FT_ENUM, 0, 0, exec_statuses },
	{ NULL, 0, 0, 0, NULL }
};

static const struct field update_fields[] = {
	{ "node_id",		FT_UUID, 0, 0, NULL },
	{ "local_task_id",	FT_UUID, 0, 0, NULL },
	{ "local_attempt_id",	FT_UUID, 0, 0, NULL },
	{ "execution_status",	FT_ENUM, F_REQUIRED, 0, exec_statuses },
	{ NULL, 0, 0, 0, NULL }
};

/* The shared task status an execution status implies (the original's
 * mapping of task_status messages). */
static const char *
task_status_for(const char *exec)
{
	static const struct { const char *exec, *task; } map[] = {
		{ "pending", "todo" }, { "starting", "todo" },
		{ "running", "in-progress" }, { "completed", "in-review" },
		{ "failed", "todo" }, { "cancelled", "todo" },
	};
	size_t	 i;

	for (i = 0; exec != NULL && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(exec, map[i].exec) == 0)
			return map[i].task;
	return NULL;
}

/*
 * Move the shared task to the status exec implies; when that changes
 * it, version + 1 and a task.updated event (the original wrote none, so
 * other nodes never saw it). In the caller's transaction.
 */
static int
task_follow_status(struct db *db, const char *task_id, const char *exec)
{
	const char	*want = task_status_for(exec), *cur;
	json_object	*task = NULL;
	int		 rc;

	if (want == NULL)
		return 0;
	if ((rc = db_stask_get(db, &task, task_id, 1)) != 0)
		return rc;
	cur = jsonx_get_str(task, "status");
	if (jsonx_get_str(task, "deleted_at") != NULL ||
	    (cur != NULL && strcmp(cur, want) == 0)) {
		json_object_put(task);
		return 0;
	}
	json_object_put(task);
	task = NULL;
	if ((rc = db_stask_set_status(db, task_id, want)) != 0 ||
	    (rc = db_stask_get(db, &task, task_id, 0)) != 0)
		return rc;
	rc = activity_record(db, "task.updated", task);
	json_object_put(task);
	return rc;
}

/*
 * POST /hive/v1/tasks/{id}/assignments {node_id, local_task_id?,
 * local_attempt_id?, execution_status?}: record that node runs the task
 * (at most one active assignment per task). The node must hold the
 * task's project. 201 with the assignment; 400; 404 task or node; 409
 * when the node holds no link to the project or the task has an active
 * assignment.
 */
int
assignment_create(struct req *rq, struct reply *rp)
{
	struct field_val v[AF__MAX];
	struct assign_row row;
	char		 id[UUID_STRLEN + 1], org[UUID_STRLEN + 1];
	json_object	*task = NULL, *link = NULL, *out = NULL;
	const char	*pid, *lnode, *lid;
	int		 rc;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, create_fields, v)) != 0)
		return rc;
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_stask_get(rq->db, &task, rq->id, 1)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if (!hive_org_allowed(jsonx_get_str(task, "organization_id")) ||
	    jsonx_get_str(task, "deleted_at") != NULL) {
		rc = reply_errorf(rp, 404, "task not found");
		goto out;
	}
	if ((rc = db_node_org(rq->db, org, v[AF_NODE].s)) != 0 ||
	    !hive_org_allowed(org)) {
		rc = rc != 0 ? reply_err(rp, rc, "node") :
		    reply_errorf(rp, 404, "node not found");
		goto out;
	}
	pid = jsonx_get_str(task, "project_id");
	if ((rc = db_link_of_project(rq->db, &link, pid)) != 0 ||
	    (lnode = jsonx_get_str(link, "node_id")) == NULL ||
	    strcmp(lnode, v[AF_NODE].s) != 0) {
		rc = rc != 0 && rc != E_NOTFOUND ? reply_err(rp, rc, NULL) :
		    reply_errorf(rp, 409, "node has not linked the task's "
		    "project");
		goto out;
	}
	lid = jsonx_get_str(link, "id");
	if (uuid_new(id) != 0) {
		rc = reply_errorf(rp, 500, "no randomness");
		goto out;
	}
	row.id = id;
	row.task_id = rq->id;
	row.node_id = v[AF_NODE].s;
	row.node_project_id = lid;
	row.local_task_id = v[AF_LTASK].s;
	row.local_attempt_id = v[AF_LATTEMPT].s;
	row.status = v[AF_STATUS].s != NULL ? v[AF_STATUS].s : "pending";
	if ((rc = db_assign_insert(rq->db, &row)) != 0) {
		rc = rc == E_CONFLICT ? reply_errorf(rp, 409, "task already "
		    "has an active assignment") : reply_err(rp, rc, NULL);
		goto out;
	}
	if ((rc = task_follow_status(rq->db, rq->id, row.status)) != 0 ||
	    (rc = db_assign_get(rq->db, &out, id, 0)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	notify_send(NOTIFY_HORG, jsonx_get_str(out, "organization_id"));
	rc = reply_data_status(rp, 201, out);
	out = NULL;
out:
	json_object_put(task);
	json_object_put(link);
	json_object_put(out);
	return rc;
}

/*
 * PATCH /hive/v1/nodes/assignments/{id} {execution_status,
 * local_task_id?, local_attempt_id?}: the node reports progress (the
 * REST form of the original's task_status message). started_at is set
 * the first time it runs, completed_at when it ends; the shared task
 * follows (running: in-progress, completed: in-review, failed or
 * cancelled: todo). 200 with the assignment; 400, 404.
 */
int
assignment_update(struct req *rq, struct reply *rp)
{
	struct field_val v[AF__MAX];
	struct assign_row row;
	json_object	*a = NULL;
	char		 task_id[UUID_STRLEN + 1];
	const char	*s;
	int		 rc;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, update_fields, v)) != 0)
		return rc;
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_assign_get(rq->db, &a, rq->id, 1)) != 0) {
		rc = reply_err(rp, rc, "assignment");
		goto out;
	}
	if (!hive_org_allowed(jsonx_get_str(a, "organization_id")) ||
	    (s = jsonx_get_str(a, "task_id")) == NULL ||
	    uuid_parse(task_id, s) != 0) {
		rc = reply_errorf(rp, 404, "assignment not found");
		goto out;
	}
	json_object_put(a);
	a = NULL;
	row.id = rq->id;
	row.local_task_id = v[AF_LTASK].s;
	row.local_attempt_id = v[AF_LATTEMPT].s;
	row.status = v[AF_STATUS].s;
	if ((rc = db_assign_update(rq->db, &row)) != 0 ||
	    (rc = task_follow_status(rq->db, task_id, row.status)) != 0 ||
	    (rc = db_assign_get(rq->db, &a, rq->id, 0)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, "assignment");
		goto out;
	}
	notify_send(NOTIFY_HORG, jsonx_get_str(a, "organization_id"));
	rc = reply_data(rp, a);
	a = NULL;
out:
	json_object_put(a);
	return rc;
}

/* GET /hive/v1/tasks/{id}/assignment: the newest assignment. 404. */
int
assignment_latest(struct req *rq, struct reply *rp)
{
	json_object	*task, *a;
	int		 rc;

	if ((rc = db_stask_get(rq->db, &task, rq->id, 0)) != 0)
		return reply_err(rp, rc, "task");
	rc = hive_org_allowed(jsonx_get_str(task, "organization_id"));
	json_object_put(task);
	if (!rc)
		return reply_errorf(rp, 404, "task not found");
	if ((rc = db_assign_latest(rq->db, &a, rq->id)) != 0)
		return rc == E_NOTFOUND ? reply_errorf(rp, 404,
		    "no assignment for this task") : reply_err(rp, rc, NULL);
	return reply_data(rp, a);
}
