/* db_tasks.c: SQL for tasks and their attempt-status summary */
#include <string.h>

#include "db_node.h"
#include "jsonx.h"
#include "err.h"
#include "uuid.h"

/* Unqualified: the outer FROM of every query here is tasks alone. */
#define TASK_COLS "id, project_id, title, description, status, " \
	"parent_task_id, shared_task_id, created_at, updated_at, " \
	"is_remote, remote_assignee_user_id, remote_assignee_name, " \
	"remote_assignee_username, remote_version, " \
	"remote_last_synced_at, remote_stream_node_id, " \
	"remote_stream_url, validation_steps"

/* Processes that count for a task's state; dev servers do not. */
#define TASK_RUN_REASONS "('setupscript', 'cleanupscript', 'codingagent')"

/*
 * One statement for the whole board: the flags are correlated
 * subqueries served by the (task_id, created_at) and
 * (task_attempt_id, created_at) indexes, not one query per task.
 * has_merged_attempt is real here (a direct merge, or a merged PR);
 * the original always sends false.
 */
int
db_task_list(struct db *db, json_object **out, const char *project_id)
{
	static const char sql[] = "SELECT " TASK_COLS ", "
	    "EXISTS (SELECT 1 FROM task_attempts ta JOIN execution_processes ep"
	    " ON ep.task_attempt_id = ta.id WHERE ta.task_id = t.id"
	    " AND ep.status = 'running' AND ep.run_reason IN " TASK_RUN_REASONS
	    ") AS has_in_progress_attempt, "
	    "EXISTS (SELECT 1 FROM task_attempts ta JOIN merges m"
	    " ON m.task_attempt_id = ta.id WHERE ta.task_id = t.id"
	    " AND (m.merge_type = 'direct' OR m.pr_status = 'merged')"
	    ") AS has_merged_attempt, "
	    "EXISTS (SELECT 1 FROM execution_processes lp WHERE lp.id ="
	    " (SELECT ep.id FROM task_attempts ta JOIN execution_processes ep"
	    " ON ep.task_attempt_id = ta.id WHERE ta.task_id = t.id"
	    " AND ep.run_reason IN " TASK_RUN_REASONS
	    " ORDER BY ep.created_at DESC LIMIT 1)"
	    " AND lp.status IN ('failed', 'killed')) AS last_attempt_failed, "
	    "COALESCE((SELECT ta.executor FROM task_attempts ta"
	    " WHERE ta.task_id = t.id ORDER BY ta.created_at DESC LIMIT 1), '')"
	    " AS executor "
	    "FROM tasks t WHERE t.project_id = ? "
	    "ORDER BY t.created_at DESC, t.id";
	struct db_param	 p[] = { DB_STR(project_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_task_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " TASK_COLS
	    " FROM tasks t WHERE t.id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

static int
task_project(struct db *db, char *out, const char *id, int lock)
{
	static const char sql[] = "SELECT project_id FROM tasks WHERE id = ?";
	static const char sql_lock[] = "SELECT project_id FROM tasks "
	    "WHERE id = ? LOCK IN SHARE MODE";
	struct db_param	 p[] = { DB_STR(id) };
	json_object	*row;
	const char	*pid;
	int		 rc;

	if ((rc = db_query_row(db, &row, lock ? sql_lock : sql, p,
	    DB_NPARAMS(p))) != 0)
		return rc;
	rc = (pid = jsonx_get_str(row, "project_id")) != NULL &&
	    uuid_parse(out, pid) == 0 ? 0 : E_FAIL;
	json_object_put(row);
	return rc;
}

int
db_task_project(struct db *db, char *out, const char *id)
{
	return task_project(db, out, id, 0);
}

int
db_task_project_lock(struct db *db, char *out, const char *id)
{
	return task_project(db, out, id, 1);
}

int
db_task_insert(struct db *db, json_object **out, const struct task_row *r)
{
	/* RETURNING: the stored row comes back without a second query. */
	static const char sql[] = "INSERT INTO tasks (id, project_id, title, "
	    "description, status, parent_task_id, shared_task_id, "
	    "validation_steps) VALUES (?, ?, ?, ?, COALESCE(?, 'todo'), ?, ?, ?) "
	    "RETURNING " TASK_COLS;
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->project_id),
	    DB_STR(r->title), DB_STR(r->description), DB_STR(r->status),
	    DB_STR(r->parent_task_id), DB_STR(r->shared_task_id),
	    DB_STR(r->validation_steps) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_task_update(struct db *db, const struct task_row *r)
{
	static const char sql[] = "UPDATE tasks SET "
	    "title = COALESCE(?, title), "
	    "description = IF(? IS NULL, description, NULLIF(?, '')), "
	    "status = COALESCE(?, status), "
	    "parent_task_id = COALESCE(?, parent_task_id), "
	    "validation_steps = IF(? IS NULL, validation_steps, NULLIF(?, '')), "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(r->title), DB_STR(r->description),
	    DB_STR(r->description), DB_STR(r->status),
	    DB_STR(r->parent_task_id), DB_STR(r->validation_steps),
	    DB_STR(r->validation_steps), DB_STR(r->id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_task_delete(struct db *db, const char *id)
{
	static const char sql[] = "DELETE FROM tasks WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_task_ids(struct db *db, json_object **out, const char *project_id,
    const char *parent_id)
{
	static const char of_project[] = "SELECT id FROM tasks "
	    "WHERE project_id = ? FOR UPDATE";
	static const char of_parent[] = "SELECT id FROM tasks "
	    "WHERE parent_task_id = ? FOR UPDATE";
	struct db_param	 p[] = { DB_STR(project_id != NULL ? project_id :
	    parent_id) };

	return db_query(db, out, project_id != NULL ? of_project : of_parent,
	    p, DB_NPARAMS(p));
}

int
db_task_descends(struct db *db, int *out, const char *task_id,
    const char *ancestor_id)
{
	/* Walk up from task_id; the depth bound guards against bad data. */
	static const char sql[] = "WITH RECURSIVE up (id, parent_task_id, "
	    "depth) AS (SELECT id, parent_task_id, 0 FROM tasks WHERE id = ? "
	    "UNION ALL SELECT t.id, t.parent_task_id, up.depth + 1 FROM tasks t "
	    "JOIN up ON t.id = up.parent_task_id WHERE up.depth < 10000) "
	    "SELECT COUNT(*) FROM up WHERE id = ?";
	struct db_param	 p[] = { DB_STR(task_id), DB_STR(ancestor_id) };
	long long	 n = 0;
	int		 rc;

	if ((rc = db_query_int(db, &n, sql, p, DB_NPARAMS(p))) != 0)
		return rc;
	*out = n > 0;
	return 0;
}

int
db_task_running(struct db *db, long long *out, const char *id)
{
	static const char sql[] = "SELECT COUNT(*) FROM task_attempts ta "
	    "JOIN execution_processes ep ON ep.task_attempt_id = ta.id "
	    "WHERE ta.task_id = ? AND ep.status = 'running'";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_int(db, out, sql, p, DB_NPARAMS(p));
}

int
db_task_set_images(struct db *db, const char *task_id, char (*ids)[37],
    size_t n)
{
	static const char del[] = "DELETE FROM task_images WHERE task_id = ?";
	static const char ins[] = "INSERT INTO task_images (id, task_id, "
	    "image_id) VALUES (?, ?, ?)";
	struct db_param	 dp[] = { DB_STR(task_id) };
	char		 id[UUID_STRLEN + 1];
	size_t		 i, j;
	int		 rc, dup;

	if ((rc = db_exec(db, del, dp, DB_NPARAMS(dp), NULL)) != 0)
		return rc;
	for (i = 0; i < n; i++) {
		for (dup = 0, j = 0; j < i; j++)
			dup |= strcmp(ids[i], ids[j]) == 0;
		if (dup)
			continue;
		if (uuid_new(id) != 0)
			return E_FAIL;
		struct db_param	 p[] = { DB_STR(id), DB_STR(task_id),
		    DB_STR(ids[i]) };
		if ((rc = db_exec(db, ins, p, DB_NPARAMS(p), NULL)) != 0)
			return rc;
	}
	return 0;
}

int
db_task_children(struct db *db, json_object **out, const char *task_id)
{
	static const char sql[] = "SELECT " TASK_COLS " FROM tasks "
	    "WHERE parent_task_id = ? ORDER BY created_at DESC, id";
	struct db_param	 p[] = { DB_STR(task_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}
