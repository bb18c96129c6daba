/* tasks.c: task routes (list with attempt status, create, get, update, delete) */
#include <stdio.h>
#include <string.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "field.h"
#include "jsonx.h"
#include "node.h"
#include "swarm.h"
#include "worktrees.h"

#define MAX_TITLE		4096
#define MAX_DESCRIPTION		262144
#define MAX_VALIDATION		65536
#define MAX_IMAGES		100

static const char *const task_statuses[] = {
	"todo", "inprogress", "inreview", "done", "cancelled", NULL
};

enum { TF_PROJECT, TF_TITLE, TF_DESCRIPTION, TF_STATUS, TF_PARENT,
    TF_IMAGES, TF_SHARED, TF_VALIDATION, TF__MAX };

static const struct field task_create_fields[] = {
	{ "project_id",		FT_UUID,	F_REQUIRED, 0, NULL },
	{ "title",		FT_STRING,	F_REQUIRED | F_NONEMPTY, MAX_TITLE, NULL },
	{ "description",	FT_STRING,	0, MAX_DESCRIPTION, NULL },
	{ "status",		FT_ENUM,	0, 0, task_statuses },
	{ "parent_task_id",	FT_UUID,	0, 0, NULL },
	{ "image_ids",		FT_UUID_ARRAY,	0, MAX_IMAGES, NULL },
	{ "shared_task_id",	FT_UUID,	0, 0, NULL },
	{ "validation_steps",	FT_STRING,	0, MAX_VALIDATION, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* Same slots as the create table; project_id and shared_task_id unused. */
static const struct field task_update_fields[] = {
	{ "project_id",		FT_UUID,	0, 0, NULL },
	{ "title",		FT_STRING,	F_NONEMPTY, MAX_TITLE, NULL },
	{ "description",	FT_STRING,	0, MAX_DESCRIPTION, NULL },
	{ "status",		FT_ENUM,	0, 0, task_statuses },
	{ "parent_task_id",	FT_UUID,	0, 0, NULL },
	{ "image_ids",		FT_UUID_ARRAY,	0, MAX_IMAGES, NULL },
	{ "shared_task_id",	FT_UUID,	0, 0, NULL },
	{ "validation_steps",	FT_STRING,	0, MAX_VALIDATION, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * A parent must exist and belong to the same project (404 otherwise),
 * and, for an existing task self, not be self or below it (400).
 */
static int
task_parent_or_reply(struct req *rq, struct reply *rp, const char *parent,
    const char *project_id, const char *self)
{
	char	 parent_project[UUID_STRLEN + 1];
	int	 rc, cycle = 0;

	if (parent == NULL)
		return 0;
	if (self != NULL && strcmp(parent, self) == 0)
		return reply_errorf(rp, 400, "a task cannot be its own parent");
	if ((rc = db_task_project(rq->db, parent_project, parent)) != 0)
		return reply_err(rp, rc, "parent task");
	if (strcmp(parent_project, project_id) != 0)
		return reply_errorf(rp, 404, "parent task not found");
	/* The new parent must not be one of the task's own subtasks. */
	if (self != NULL) {
		if ((rc = db_task_descends(rq->db, &cycle, parent, self)) != 0)
			return reply_err(rp, rc, NULL);
		if (cycle)
			return reply_errorf(rp, 400, "field 'parent_task_id' "
			    "would make a cycle of subtasks");
	}
	return 0;
}

/* 1 if the project takes part in the swarm (linked or remote). */
static int
swarm_project(struct db *db, const char *id)
{
	json_object	*proj;
	int		 yes;

	if (db_project_get(db, &proj, id) != 0)
		return 1;	/* unknown: do not cache either */
	yes = jsonx_get_str(proj, "remote_project_id") != NULL;
	json_object_put(proj);
	return yes;
}

/*
 * GET /api/tasks?project_id=: TaskWithAttemptStatus[] newest first.
 * 400 without a valid project_id, 404 unknown project.
 */
int
task_list(struct req *rq, struct reply *rp)
{
	const char	*pid = req_query(rq, "project_id");
	char		 id[UUID_STRLEN + 1];
	json_object	*arr;
	int		 rc;

	if (pid == NULL)
		return reply_errorf(rp, 400,
		    "query parameter 'project_id' is required");
	if (uuid_parse(id, pid) != 0)
		return reply_errorf(rp, 400,
		    "query parameter 'project_id' must be a UUID");
	/*
	 * Boards are read often and this read already missed the cache: a
	 * good moment for the node's hourly worktree sweep (a no-op unless
	 * due; see worktrees.h).
	 */
	worktrees_sweep(rq->db, 0);
	/* Swarm mode: other nodes' changes come in on reads (hive_sync.c). */
	if (hive_enabled())
		hive_sync(rq->db, 0);
	board_cache_tasks(rp, id);
	if ((rc = db_task_list(rq->db, &arr, id)) != 0)
		return reply_err(rp, rc, NULL);
	/*
	 * A swarm project's board changes without a local write (a pull):
	 * never left in the nginx cache, so every read reaches a worker.
	 */
	if (hive_enabled() && swarm_project(rq->db, id))
		cache_build_end(&rp->cache, NULL, 0);
	/* An empty list may mean an unknown project: say which. */
	if (json_object_array_length(arr) == 0) {
		json_object	*proj;

		if ((rc = db_project_get(rq->db, &proj, id)) != 0) {
			json_object_put(arr);
			return reply_err(rp, rc, "project");
		}
		json_object_put(proj);
	}
	return reply_data(rp, arr);
}

/*
 * POST /api/tasks: a task in a local project. 200 with the Task; 400 bad
 * input; 404 unknown project, parent or image; 409 duplicate
 * shared_task_id. Images and the task are written in one transaction.
 */
int
task_create(struct req *rq, struct reply *rp)
{
	struct field_val v[TF__MAX];
	struct task_row	 row;
	char		 id[UUID_STRLEN + 1];
	json_object	*obj = NULL, *proj = NULL;
	int		 rc;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, task_create_fields,
	    v)) != 0)
		goto out;
	/* Swarm mode: a remote project's task is made on the hive. */
	if (hive_enabled()) {
		if ((rc = db_project_get(rq->db, &proj, v[TF_PROJECT].s)) != 0) {
			rc = reply_err(rp, rc, "project");
			goto out;
		}
		if (json_object_get_boolean(json_object_object_get(proj,
		    "is_remote"))) {
			rc = hive_task_create_remote(rq, rp, proj,
			    v[TF_TITLE].s, v[TF_DESCRIPTION].s, v[TF_STATUS].s,
			    v[TF_PARENT].s, v[TF_IMAGES].nuuids);
			goto out;
		}
	}
	/*
	 * No lookup of the project first: the insert's foreign key says
	 * "project not found" (404) at no extra round trip.
	 */
	if ((rc = task_parent_or_reply(rq, rp, v[TF_PARENT].s,
	    v[TF_PROJECT].s, NULL)) != 0)
		goto out;
	if (uuid_new(id) != 0) {
		rc = reply_errorf(rp, 500, "no randomness");
		goto out;
	}
	row.id = id;
	row.project_id = v[TF_PROJECT].s;
	row.title = v[TF_TITLE].s;
	row.description = v[TF_DESCRIPTION].s;
	row.status = v[TF_STATUS].s;
	row.parent_task_id = v[TF_PARENT].s;
	row.shared_task_id = v[TF_SHARED].s;
	row.validation_steps = v[TF_VALIDATION].s;
	/* A lone insert commits by itself; with images it is a transaction. */
	if (v[TF_IMAGES].nuuids > 0 && (rc = db_begin(rq->db)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if ((rc = db_task_insert(rq->db, &obj, &row)) != 0) {
		obj = NULL;
		rc = rc == E_CONFLICT ? reply_errorf(rp, 409,
		    "a task with this shared_task_id already exists") :
		    reply_err(rp, rc, "project");
		goto out;
	}
	if (v[TF_IMAGES].nuuids > 0) {
		if ((rc = db_task_set_images(rq->db, id, v[TF_IMAGES].uuids,
		    v[TF_IMAGES].nuuids)) != 0 ||
		    (rc = db_commit(rq->db)) != 0) {
			rc = reply_err(rp, rc, "image");
			goto out;
		}
	}
	/* A linked project's task is shared now (or by the next sync). */
	if (proj != NULL && jsonx_get_str(proj, "remote_project_id") != NULL)
		hive_after_create(rq->db, &obj,
		    jsonx_get_str(proj, "remote_project_id"));
	board_changed(0, row.project_id, NULL, 0);
	rc = reply_data(rp, obj);
	obj = NULL;
out:
	json_object_put(obj);
	json_object_put(proj);
	fields_clear(v, TF__MAX);
	return rc;
}

/* GET /api/tasks/{id}: the Task. 200, 404. */
int
task_get(struct req *rq, struct reply *rp)
{
	json_object	*obj;
	int		 rc;

	board_cache_task(rp, rq->id);
	if ((rc = db_task_get(rq->db, &obj, rq->id)) != 0)
		return reply_err(rp, rc, "task");
	/* A shared task may change by a pull: not cached (see task_list). */
	if (jsonx_get_str(obj, "shared_task_id") != NULL)
		cache_build_end(&rp->cache, NULL, 0);
	return reply_data(rp, obj);
}

/*
 * PUT /api/tasks/{id}: omitted or null fields keep their values; an
 * empty description or validation_steps clears it; image_ids, when
 * given, replaces the task's images. One transaction. 200, 400, 404.
 */
int
task_update(struct req *rq, struct reply *rp)
{
	struct field_val v[TF__MAX];
	struct task_row	 row;
	char		 project_id[UUID_STRLEN + 1];
	const char	*tid;
	json_object	*obj, *cur = NULL;
	int		 rc, remote = 0;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, task_update_fields,
	    v)) != 0)
		goto out;
	/* Swarm mode: a remote task has no parent or images here. */
	if (hive_enabled()) {
		if ((rc = db_task_get(rq->db, &cur, rq->id)) != 0) {
			rc = reply_err(rp, rc, "task");
			goto out;
		}
		remote = json_object_get_boolean(json_object_object_get(cur,
		    "is_remote"));
		json_object_put(cur);
		if (remote && v[TF_IMAGES].nuuids > 0) {
			rc = reply_errorf(rp, 400, "Image attachments are not "
			    "supported for remote project tasks");
			goto out;
		}
		if (remote && v[TF_PARENT].s != NULL) {
			rc = reply_errorf(rp, 400, "Parent task is not "
			    "supported for remote project tasks");
			goto out;
		}
	}
	if ((rc = db_begin(rq->db)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	/*
	 * Parent changes in a project take turns (the project row lock), or
	 * two concurrent ones could each pass the cycle check and make one.
	 * Only locking reads come first, so the check that follows reads
	 * what the previous turn committed.
	 */
	if (v[TF_PARENT].s != NULL)
		rc = db_task_project_lock(rq->db, project_id, rq->id);
	else
		rc = db_task_project(rq->db, project_id, rq->id);
	if (rc != 0 || (v[TF_PARENT].s != NULL &&
	    (rc = db_project_lock(rq->db, project_id)) != 0)) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if ((rc = task_parent_or_reply(rq, rp, v[TF_PARENT].s, project_id,
	    rq->id)) != 0)
		goto out;
	row.id = rq->id;
	row.title = v[TF_TITLE].s;
	row.description = v[TF_DESCRIPTION].s;
	row.status = v[TF_STATUS].s;
	row.parent_task_id = v[TF_PARENT].s;
	row.validation_steps = v[TF_VALIDATION].s;
	if ((rc = db_task_update(rq->db, &row)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if (v[TF_IMAGES].present && !v[TF_IMAGES].is_null &&
	    (rc = db_task_set_images(rq->db, rq->id, v[TF_IMAGES].uuids,
	    v[TF_IMAGES].nuuids)) != 0) {
		rc = reply_err(rp, rc, "image");
		goto out;
	}
	/*
	 * A shared task's content goes to the hive before the commit: a
	 * stale version (409) or, for a remote task, an unreachable hive
	 * (502) rolls the local change back.
	 */
	if (hive_enabled() && (row.title != NULL || row.status != NULL ||
	    v[TF_DESCRIPTION].present) &&
	    (rc = hive_task_push_or_reply(rq, rp, rq->id)) != 0)
		goto out;
	if ((rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	tid = rq->id;
	board_changed(0, project_id, &tid, 1);
	/* A finished task keeps its branches, not its worktrees. */
	if (row.status != NULL && (strcmp(row.status, "done") == 0 ||
	    strcmp(row.status, "cancelled") == 0))
		worktrees_retire_task(rq->db, rq->id);
	if ((rc = db_task_get(rq->db, &obj, rq->id)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	rc = reply_data(rp, obj);
out:
	fields_clear(v, TF__MAX);
	return rc;	/* the dispatcher rolls back an open transaction */
}

/*
 * DELETE /api/tasks/{id}: 202 with data null, as the original. 409 while
 * an execution process of the task runs; 404 unknown. Subtasks lose
 * their parent link (foreign key ON DELETE SET NULL); attempts,
 * processes and logs go with the task (cascade).
 */
int
task_delete(struct req *rq, struct reply *rp)
{
	char		 project_id[UUID_STRLEN + 1];
	char		 shared[UUID_STRLEN + 1] = "";
	json_object	*children = NULL, *cur = NULL;
	const char	*ids[1 + 64];
	long long	 running = 0, version = 0;
	size_t		 n, i;
	int		 rc;

	/* Swarm mode: a remote task is deleted on the hive first. */
	if (hive_enabled()) {
		if ((rc = db_task_get(rq->db, &cur, rq->id)) != 0)
			return reply_err(rp, rc, "task");
		if (jsonx_get_str(cur, "shared_task_id") != NULL &&
		    json_object_get_boolean(json_object_object_get(cur,
		    "is_remote"))) {
			rc = hive_task_delete_remote(rq, rp, cur);
			json_object_put(cur);
			return rc;
		}
		if (jsonx_get_str(cur, "shared_task_id") != NULL) {
			snprintf(shared, sizeof(shared), "%s",
			    jsonx_get_str(cur, "shared_task_id"));
			version = json_object_get_int64(json_object_object_get(
			    cur, "remote_version"));
		}
		json_object_put(cur);
	}
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_task_project(rq->db, project_id, rq->id)) != 0 ||
	    (rc = db_task_running(rq->db, &running, rq->id)) != 0 ||
	    (rc = db_task_ids(rq->db, &children, NULL, rq->id)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if (running > 0) {
		rc = reply_errorf(rp, 409, "Task has running execution "
		    "processes. Please wait for them to complete or stop them "
		    "first.");
		goto out;
	}
	/* Worktrees go first (their work snapshotted; the branches stay). */
	worktrees_retire_task(rq->db, rq->id);
	if ((rc = db_task_delete(rq->db, rq->id)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	/* The subtasks' rows changed too (parent_task_id became null). */
	ids[0] = rq->id;
	n = json_object_array_length(children);
	for (i = 0; i < n; i += 64) {
		size_t	 k, m = n - i < 64 ? n - i : 64;

		for (k = 0; k < m; k++)
			ids[1 + k] = jsonx_get_str(
			    json_object_array_get_idx(children, i + k), "id");
		board_changed(0, NULL, ids + 1, m);
	}
	board_changed(0, project_id, ids, 1);
	if (shared[0] != '\0')
		hive_after_delete(rq->db, shared, version);
	rc = reply_null(rp, 202);
out:
	json_object_put(children);
	return rc;
}
