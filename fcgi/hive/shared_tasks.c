/* shared_tasks.c: shared task routes (create, get, update, delete, bulk) */
#include <string.h>

#include "db_hive.h"
#include "err.h"
#include "field.h"
#include "hive.h"
#include "jsonx.h"
#include "notify.h"

/* The original's limit on title + description together. */
#define STASK_TEXT_MAX	51200

static const char *const stask_statuses[] = {
	"todo", "in-progress", "in-review", "done", "cancelled", NULL
};

enum { SF_PROJECT, SF_TITLE, SF_DESC, SF_STATUS, SF_ASSIGNEE, SF_START,
    SF_VERSION, SF__MAX };

static const struct field create_fields[] = {
	{ "project_id",	FT_UUID,   F_REQUIRED, 0, NULL },
	{ "title",	FT_STRING, F_REQUIRED | F_NONEMPTY, STASK_TEXT_MAX, NULL },
	{ "description", FT_STRING, 0, STASK_TEXT_MAX, NULL },
	{ "status",	FT_ENUM,   0, 0, stask_statuses },
	{ "assignee_user_id", FT_UUID, 0, 0, NULL },
	{ "start_attempt", FT_BOOL, 0, 0, NULL },
	{ "version",	FT_INT,	   0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* Same slots; nothing required. */
static const struct field update_fields[] = {
	{ "project_id",	FT_UUID,   0, 0, NULL },
	{ "title",	FT_STRING, F_NONEMPTY, STASK_TEXT_MAX, NULL },
	{ "description", FT_STRING, 0, STASK_TEXT_MAX, NULL },
	{ "status",	FT_ENUM,   0, 0, stask_statuses },
	{ "assignee_user_id", FT_UUID, 0, 0, NULL },
	{ "start_attempt", FT_BOOL, 0, 0, NULL },
	{ "version",	FT_INT,	   0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

static int
text_size_or_reply(struct reply *rp, const char *title, const char *desc)
{
	size_t	 n = (title ? strlen(title) : 0) + (desc ? strlen(desc) : 0);

	if (n > STASK_TEXT_MAX)
		return reply_errorf(rp, 400, "title and description together "
		    "exceed %d bytes", STASK_TEXT_MAX);
	return 0;
}

/* 200/201 {task, user: null} (SharedTaskActivityPayload). */
static int
reply_task(struct reply *rp, int status, json_object *task)
{
	json_object	*o;

	if ((o = activity_payload(task)) == NULL)
		return reply_errorf(rp, 500, "out of memory");
	return reply_data_status(rp, status, o);
}

/*
 * Lock task {id} for a change: 0 with the row, or the reply: 404 for an
 * unknown, deleted or foreign task; 409 "task version mismatch" (the
 * current version in error_data) when version is given and stale.
 */
static int
task_for_change_or_reply(struct req *rq, struct reply *rp, json_object **out,
    const struct field_val *version)
{
	json_object	*v = NULL, *ed;
	int		 rc;

	*out = NULL;
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_stask_get(rq->db, out, rq->id, 1)) != 0)
		return reply_err(rp, rc, "task");
	if (!hive_org_allowed(jsonx_get_str(*out, "organization_id")) ||
	    jsonx_get_str(*out, "deleted_at") != NULL) {
		json_object_put(*out);
		*out = NULL;
		return reply_errorf(rp, 404, "task not found");
	}
	(void)json_object_object_get_ex(*out, "version", &v);
	if (version->present && !version->is_null &&
	    version->i != json_object_get_int64(v)) {
		rc = reply_errorf(rp, 409, "task version mismatch");
		if ((ed = json_object_new_object()) != NULL &&
		    jsonx_add_int(ed, "version", json_object_get_int64(v)) == 0)
			rp->error_data = ed;
		else
			json_object_put(ed);
		json_object_put(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

/*
 * POST /hive/v1/tasks {project_id, title, description?, status?,
 * assignee_user_id?, start_attempt?}: 201 {task, user}; the event
 * task.created goes to the project's feed in the same transaction.
 * start_attempt is accepted and ignored (dispatch comes with the node
 * link). 400; 404 unknown project (or user).
 */
int
stask_create(struct req *rq, struct reply *rp)
{
	struct field_val v[SF__MAX];
	struct stask_row row;
	char		 id[UUID_STRLEN + 1], org[UUID_STRLEN + 1];
	json_object	*proj = NULL, *task = NULL;
	const char	*o;
	int		 rc;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, create_fields, v)) != 0 ||
	    (rc = text_size_or_reply(rp, v[SF_TITLE].s, v[SF_DESC].s)) != 0)
		return rc;
	if ((rc = db_hproject_get(rq->db, &proj, v[SF_PROJECT].s)) != 0)
		return reply_err(rp, rc, "project");
	o = jsonx_get_str(proj, "organization_id");
	if (!hive_org_allowed(o) || uuid_parse(org, o) != 0) {
		json_object_put(proj);
		return reply_errorf(rp, 404, "project not found");
	}
	json_object_put(proj);
	if (uuid_new(id) != 0)
		return reply_errorf(rp, 500, "no randomness");
	row.id = id;
	row.org_id = org;
	row.project_id = v[SF_PROJECT].s;
	row.title = v[SF_TITLE].s;
	row.description = v[SF_DESC].s;
	row.status = v[SF_STATUS].s;
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_stask_insert(rq->db, &row)) != 0 ||
	    (rc = db_stask_get(rq->db, &task, id, 0)) != 0 ||
	    (rc = activity_record(rq->db, "task.created", task)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		json_object_put(task);
		return reply_err(rp, rc, "project");
	}
	/* Committed: the organization's linked nodes pull it now. */
	notify_send(NOTIFY_HORG, jsonx_get_str(task, "organization_id"));
	return reply_task(rp, 201, task);
}

/* GET /hive/v1/tasks/{id}: {task, user}, deleted ones too. 404. */
int
stask_get(struct req *rq, struct reply *rp)
{
	json_object	*task;
	int		 rc;

	if ((rc = db_stask_get(rq->db, &task, rq->id, 0)) != 0)
		return reply_err(rp, rc, "task");
	if (!hive_org_allowed(jsonx_get_str(task, "organization_id"))) {
		json_object_put(task);
		return reply_errorf(rp, 404, "task not found");
	}
	return reply_task(rp, 200, task);
}

/*
 * PATCH /hive/v1/tasks/{id} {title?, description?, status?, version?}:
 * optimistic concurrency: with version, the change applies only to that
 * version (else 409 "task version mismatch"); version + 1 and a
 * task.updated event. A null description clears it. No assignee check
 * (the hive has no user sessions; its original's quirk 13). 200 {task,
 * user}; 400, 404, 409.
 */
int
stask_update(struct req *rq, struct reply *rp)
{
	struct field_val v[SF__MAX];
	struct stask_row row;
	json_object	*task = NULL;
	const char	*title, *desc;
	int		 rc;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, update_fields, v)) != 0)
		return rc;
	if ((rc = task_for_change_or_reply(rq, rp, &task, &v[SF_VERSION])) != 0)
		return rc;
	/* The limit holds for the task as it will be. */
	title = v[SF_TITLE].s != NULL ? v[SF_TITLE].s :
	    jsonx_get_str(task, "title");
	desc = v[SF_DESC].present ? v[SF_DESC].s :
	    jsonx_get_str(task, "description");
	if ((rc = text_size_or_reply(rp, title, desc)) != 0)
		goto out;
	row.id = rq->id;
	row.title = v[SF_TITLE].s;
	row.set_description = v[SF_DESC].present;
	row.description = v[SF_DESC].s;
	row.status = v[SF_STATUS].s;
	json_object_put(task);
	task = NULL;
	if ((rc = db_stask_update(rq->db, &row)) != 0 ||
	    (rc = db_stask_get(rq->db, &task, rq->id, 0)) != 0 ||
	    (rc = activity_record(rq->db, "task.updated", task)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	notify_send(NOTIFY_HORG, jsonx_get_str(task, "organization_id"));
	rc = reply_task(rp, 200, task);
	task = NULL;
out:
	json_object_put(task);
	return rc;
}

/*
 * DELETE /hive/v1/tasks/{id} with an optional body {version?}: soft
 * delete (deleted_at, version + 1) and a task.deleted event. 200 {task,
 * user}; 404 (also when already deleted), 409 stale version.
 */
int
stask_delete(struct req *rq, struct reply *rp)
{
	struct field_val v[SF__MAX];
	json_object	*task = NULL;
	int		 rc;

	memset(v, 0, sizeof(v));
	if (rq->json != NULL &&
	    (rc = fields_parse_or_reply(rp, rq->json, update_fields, v)) != 0)
		return rc;
	if ((rc = task_for_change_or_reply(rq, rp, &task, &v[SF_VERSION])) != 0)
		return rc;
	json_object_put(task);
	task = NULL;
	if ((rc = db_stask_delete_soft(rq->db, rq->id)) != 0 ||
	    (rc = db_stask_get(rq->db, &task, rq->id, 0)) != 0 ||
	    (rc = activity_record(rq->db, "task.deleted", task)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		json_object_put(task);
		return reply_err(rp, rc, "task");
	}
	notify_send(NOTIFY_HORG, jsonx_get_str(task, "organization_id"));
	return reply_task(rp, 200, task);
}

/*
 * GET /hive/v1/tasks/bulk?project_id=: one consistent snapshot
 * {tasks: [{task, user}], deleted_task_ids, latest_seq (null when the
 * feed is empty)}; the feed continues from latest_seq. 400, 404.
 */
int
stask_bulk(struct req *rq, struct reply *rp)
{
	char		 pid[UUID_STRLEN + 1];
	json_object	*proj = NULL, *live = NULL, *dead = NULL, *out = NULL,
			*tasks = NULL, *ids = NULL, *t;
	long long	 seq = 0;
	size_t		 i, n;
	int		 rc;

	if ((rc = hive_query_uuid_or_reply(rq, rp, "project_id", pid, 1)) != 0)
		return rc;
	/* One transaction: InnoDB reads all three from one snapshot. */
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_hproject_get(rq->db, &proj, pid)) != 0) {
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	if (!hive_org_allowed(jsonx_get_str(proj, "organization_id"))) {
		rc = reply_errorf(rp, 404, "project not found");
		goto out;
	}
	if ((rc = db_stask_live(rq->db, &live, pid)) != 0 ||
	    (rc = db_stask_deleted(rq->db, &dead, pid)) != 0 ||
	    (rc = db_activity_latest(rq->db, &seq, pid)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	db_rollback(rq->db);
	if ((out = json_object_new_object()) == NULL ||
	    (tasks = json_object_new_array()) == NULL ||
	    jsonx_add(out, "tasks", tasks) != 0 ||
	    (ids = json_object_new_array()) == NULL ||
	    jsonx_add(out, "deleted_task_ids", ids) != 0 ||
	    (seq > 0 ? jsonx_add_int(out, "latest_seq", seq) :
	    jsonx_add(out, "latest_seq", NULL)) != 0)
		goto oom;
	n = json_object_array_length(live);
	for (i = 0; i < n; i++)
		if ((t = activity_payload(json_object_get(
		    json_object_array_get_idx(live, i)))) == NULL ||
		    json_object_array_add(tasks, t) != 0)
			goto oom;
	n = json_object_array_length(dead);
	for (i = 0; i < n; i++)
		if (json_object_array_add(ids, json_object_new_string(
		    jsonx_get_str(json_object_array_get_idx(dead, i), "id")))
		    != 0)
			goto oom;
	rc = reply_data(rp, out);
	out = NULL;
	goto out;
oom:
	rc = reply_errorf(rp, 500, "out of memory");
out:
	json_object_put(proj);
	json_object_put(live);
	json_object_put(dead);
	json_object_put(out);
	return rc;
}
