/* hive_tasks.c: shared tasks between this node and the hive */
#include <stdio.h>
#include <string.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "swarm.h"
#include "worktrees.h"

#define VERSION_CONFLICT "task was changed on another node; reload it and " \
	"try again"

static long long
member_int(json_object *o, const char *key)
{
	json_object	*v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) :
	    0;
}

/* The body the hive takes for a task's content (and version). */
static json_object *
task_body(const char *remote_project_id, const char *title,
    const char *description, const char *status, long long version)
{
	json_object	*b;

	if ((b = json_object_new_object()) == NULL)
		return NULL;
	if ((remote_project_id != NULL &&
	    jsonx_add_str(b, "project_id", remote_project_id) != 0) ||
	    (title != NULL && jsonx_add_str(b, "title", title) != 0) ||
	    jsonx_add_str(b, "description", description) != 0 ||
	    (status != NULL && jsonx_add_str(b, "status",
	    hive_status_to_hive(status)) != 0) ||
	    (version > 0 && jsonx_add_int(b, "version", version) != 0)) {
		json_object_put(b);
		return NULL;
	}
	return b;
}

int
hive_task_apply(struct db *db, json_object *st)
{
	struct shared_task_row row;
	json_object	*local = NULL, *proj = NULL;
	const char	*sid = jsonx_get_str(st, "id"), *tid, *pid;
	char		 id[UUID_STRLEN + 1];
	long long	 version = member_int(st, "version"), running = 0;
	int		 rc, deleted = jsonx_get_str(st, "deleted_at") != NULL;

	if (sid == NULL)
		return E_INVAL;
	memset(&row, 0, sizeof(row));
	row.title = jsonx_get_str(st, "title");
	row.description = jsonx_get_str(st, "description");
	row.status = hive_status_from_hive(jsonx_get_str(st, "status"));
	row.shared_task_id = sid;
	row.version = version;
	if ((rc = db_task_by_shared(db, &local, sid)) == 0) {
		tid = jsonx_get_str(local, "id");
		pid = jsonx_get_str(local, "project_id");
		if (deleted) {
			/* A task that runs here keeps running (and its row). */
			if ((rc = db_task_running(db, &running, tid)) != 0 ||
			    running > 0)
				goto out;
			worktrees_retire_task(db, tid);
			if ((rc = db_task_delete(db, tid)) == 0)
				board_changed(0, pid, &tid, 1);
			goto out;
		}
		if (version <= member_int(local, "remote_version"))
			goto out;	/* ours already, or older */
		row.id = tid;
		if ((rc = db_task_shared_update(db, &row)) == 0)
			board_changed(0, pid, &tid, 1);
		goto out;
	}
	if (rc != E_NOTFOUND || deleted)
		goto out_ok;
	/* New here: in the project that shows this swarm project, if any. */
	if ((pid = jsonx_get_str(st, "project_id")) == NULL ||
	    (rc = db_project_by_remote(db, &proj, pid)) != 0)
		goto out_ok;
	if (uuid_new(id) != 0) {
		rc = E_FAIL;
		goto out;
	}
	row.id = id;
	row.project_id = jsonx_get_str(proj, "id");
	row.is_remote = json_object_get_boolean(json_object_object_get(proj,
	    "is_remote"));
	tid = id;
	if ((rc = db_task_shared_insert(db, &row)) == 0)
		board_changed(0, row.project_id, &tid, 1);
	else if (rc == E_CONFLICT)
		rc = 0;		/* another worker applied it first */
	goto out;
out_ok:
	rc = rc == E_NOTFOUND ? 0 : rc;
out:
	json_object_put(local);
	json_object_put(proj);
	return rc;
}

/* The hive's task of a reply's data ({task, user}). */
static json_object *
reply_task(struct hive_reply *r)
{
	json_object	*t;

	return json_object_object_get_ex(r->data, "task", &t) ? t : NULL;
}

int
hive_task_share(struct db *db, json_object *task, const char *rid)
{
	struct hive_reply r;
	json_object	*body, *t;
	const char	*sid;
	int		 rc;

	if ((body = task_body(rid, jsonx_get_str(task, "title"),
	    jsonx_get_str(task, "description"), jsonx_get_str(task, "status"),
	    0)) == NULL)
		return E_FAIL;
	rc = hive_call(&r, "POST", "/tasks", body);
	json_object_put(body);
	if (rc != 0)
		return rc;
	if (r.status != 201 || (t = reply_task(&r)) == NULL ||
	    (sid = jsonx_get_str(t, "id")) == NULL) {
		log_warnx("hive refused to share task %s: %s",
		    jsonx_get_str(task, "id"), r.message);
		hive_reply_clear(&r);
		return E_REMOTE;
	}
	rc = db_task_set_shared(db, jsonx_get_str(task, "id"), sid,
	    member_int(t, "version"));
	hive_reply_clear(&r);
	return rc;
}

void
hive_push_pending(struct db *db)
{
	struct hive_reply r;
	json_object	*rows = NULL, *t, *body, *ht;
	char		 path[96];
	const char	*tid, *sid;
	size_t		 i, n;

	if (db_tasks_unshared(db, &rows) == 0) {
		n = json_object_array_length(rows);
		for (i = 0; i < n; i++) {
			t = json_object_array_get_idx(rows, i);
			if (hive_task_share(db, t, jsonx_get_str(t,
			    "remote_project_id")) == E_REMOTE)
				break;
			tid = jsonx_get_str(t, "id");
			board_changed(0, jsonx_get_str(t, "project_id"), &tid, 1);
		}
	}
	json_object_put(rows);
	rows = NULL;
	if (db_tasks_dirty(db, &rows) == 0) {
		n = json_object_array_length(rows);
		for (i = 0; i < n; i++) {
			t = json_object_array_get_idx(rows, i);
			tid = jsonx_get_str(t, "id");
			sid = jsonx_get_str(t, "shared_task_id");
			snprintf(path, sizeof(path), "/tasks/%s", sid);
			if ((body = task_body(NULL, jsonx_get_str(t, "title"),
			    jsonx_get_str(t, "description"),
			    jsonx_get_str(t, "status"),
			    member_int(t, "remote_version"))) == NULL)
				break;
			if (hive_call(&r, "PATCH", path, body) != 0) {
				json_object_put(body);
				break;
			}
			json_object_put(body);
			if (r.status == 200 && (ht = reply_task(&r)) != NULL)
				(void)db_task_set_shared(db, tid, sid,
				    member_int(ht, "version"));
			else {
				/* Changed or gone there: the hive's wins. */
				log_warnx("hive kept its version of task %s: %s",
				    tid, r.message);
				(void)db_task_set_dirty(db, tid, 0);
			}
			hive_reply_clear(&r);
		}
	}
	json_object_put(rows);
	rows = NULL;
	if (db_pending_deletes(db, &rows) == 0) {
		n = json_object_array_length(rows);
		for (i = 0; i < n; i++) {
			sid = jsonx_get_str(json_object_array_get_idx(rows, i),
			    "shared_task_id");
			snprintf(path, sizeof(path), "/tasks/%s", sid);
			if (hive_call(&r, "DELETE", path, NULL) != 0)
				break;
			if (r.status == 200 || r.status == 404)
				(void)db_pending_delete_remove(db, sid);
			hive_reply_clear(&r);
		}
	}
	json_object_put(rows);
}

int
hive_task_create_remote(struct req *rq, struct reply *rp, json_object *proj,
    const char *title, const char *description, const char *status,
    const char *parent, size_t nimages)
{
	struct hive_reply r;
	struct shared_task_row row;
	json_object	*body, *t, *local = NULL, *obj = NULL;
	const char	*rid = jsonx_get_str(proj, "remote_project_id"), *tid;
	char		 id[UUID_STRLEN + 1];
	int		 rc;

	if (nimages > 0)
		return reply_errorf(rp, 400, "Image attachments are not "
		    "supported for remote project tasks");
	if (parent != NULL)
		return reply_errorf(rp, 400, "Parent task is not supported for "
		    "remote project tasks");
	if (rid == NULL)
		return reply_errorf(rp, 400, "remote project has no "
		    "remote_project_id");
	if ((body = task_body(rid, title, description, status, 0)) == NULL)
		return reply_errorf(rp, 500, "out of memory");
	rc = hive_call(&r, "POST", "/tasks", body);
	json_object_put(body);
	if (rc != 0 || r.status != 201 || (t = reply_task(&r)) == NULL) {
		rc = hive_fail_reply(rp, &r);
		goto out;
	}
	if (uuid_new(id) != 0) {
		rc = reply_errorf(rp, 500, "no randomness");
		goto out;
	}
	memset(&row, 0, sizeof(row));
	row.id = id;
	row.project_id = jsonx_get_str(proj, "id");
	row.title = jsonx_get_str(t, "title");
	row.description = jsonx_get_str(t, "description");
	row.status = hive_status_from_hive(jsonx_get_str(t, "status"));
	row.shared_task_id = jsonx_get_str(t, "id");
	row.version = member_int(t, "version");
	row.is_remote = 1;
	rc = db_task_shared_insert(rq->db, &row);
	tid = id;
	if (rc == E_CONFLICT &&
	    db_task_by_shared(rq->db, &local, row.shared_task_id) == 0) {
		/* A sync brought it in first: that row is the task. */
		tid = jsonx_get_str(local, "id");
		rc = 0;
	}
	if (rc != 0 || (rc = db_task_get(rq->db, &obj, tid)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	board_changed(0, row.project_id, &tid, 1);
	rc = reply_data(rp, obj);
out:
	json_object_put(local);
	hive_reply_clear(&r);
	return rc;
}

void
hive_after_create(struct db *db, json_object **task, const char *rid)
{
	json_object	*fresh;
	const char	*tid = jsonx_get_str(*task, "id");

	/* Best effort: the next sync shares what could not be now. */
	if (rid == NULL || tid == NULL || hive_task_share(db, *task, rid) != 0)
		return;
	if (db_task_get(db, &fresh, tid) == 0) {
		json_object_put(*task);
		*task = fresh;
	}
}

int
hive_task_push_or_reply(struct req *rq, struct reply *rp, const char *task_id)
{
	struct hive_reply r;
	json_object	*task = NULL, *body = NULL, *t, *ed;
	const char	*sid;
	char		 path[96];
	int		 rc, remote;

	if ((rc = db_task_get(rq->db, &task, task_id)) != 0)
		return reply_err(rp, rc, "task");
	if ((sid = jsonx_get_str(task, "shared_task_id")) == NULL) {
		json_object_put(task);
		return 0;
	}
	remote = json_object_get_boolean(json_object_object_get(task,
	    "is_remote"));
	snprintf(path, sizeof(path), "/tasks/%s", sid);
	if ((body = task_body(NULL, jsonx_get_str(task, "title"),
	    jsonx_get_str(task, "description"), jsonx_get_str(task, "status"),
	    member_int(task, "remote_version"))) == NULL) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	if (hive_call(&r, "PATCH", path, body) != 0) {
		/* Away: a remote task cannot change; a local one is pushed
		 * later. */
		rc = remote ? hive_fail_reply(rp, &r) :
		    db_task_set_dirty(rq->db, task_id, 1) == 0 ? 0 :
		    reply_err(rp, E_DB, NULL);
		goto out;
	}
	if (r.status == 200 && (t = reply_task(&r)) != NULL) {
		rc = db_task_set_shared(rq->db, task_id, sid,
		    member_int(t, "version"));
		rc = rc == 0 ? 0 : reply_err(rp, rc, NULL);
	} else if (r.status == 409) {
		rc = reply_errorf(rp, 409, VERSION_CONFLICT);
		if ((ed = json_object_new_object()) != NULL &&
		    jsonx_add(ed, "hive", json_object_get(r.data)) == 0 &&
		    jsonx_add_int(ed, "version", member_int(task,
		    "remote_version")) == 0)
			rp->error_data = ed;
		else
			json_object_put(ed);
	} else
		rc = hive_fail_reply(rp, &r);
	hive_reply_clear(&r);
out:
	json_object_put(body);
	json_object_put(task);
	return rc;
}

int
hive_task_delete_remote(struct req *rq, struct reply *rp, json_object *task)
{
	struct hive_reply r;
	const char	*sid = jsonx_get_str(task, "shared_task_id");
	const char	*tid = jsonx_get_str(task, "id");
	const char	*pid = jsonx_get_str(task, "project_id");
	char		 path[96];
	int		 rc;

	snprintf(path, sizeof(path), "/tasks/%s", sid);
	if (hive_call(&r, "DELETE", path, NULL) != 0 ||
	    (r.status != 200 && r.status != 404)) {
		rc = hive_fail_reply(rp, &r);
		hive_reply_clear(&r);
		return rc;
	}
	hive_reply_clear(&r);
	if ((rc = db_task_delete(rq->db, tid)) != 0 && rc != E_NOTFOUND)
		return reply_err(rp, rc, "task");
	board_changed(0, pid, &tid, 1);
	return reply_null(rp, 202);
}

void
hive_after_delete(struct db *db, const char *sid, long long version)
{
	struct hive_reply r;
	char		 path[96];

	snprintf(path, sizeof(path), "/tasks/%s", sid);
	if (hive_call(&r, "DELETE", path, NULL) != 0) {
		if (db_pending_delete_add(db, sid, version) != 0)
			log_warnx("shared task %s: delete not recorded for the "
			    "hive", sid);
		return;
	}
	hive_reply_clear(&r);
}
