/* db_assignments.c: SQL for task assignments and their output */
#include "db_hive.h"

#define ASSIGN_COLS "a.id, a.task_id, a.node_id, a.node_project_id, " \
	"a.local_task_id, a.local_attempt_id, a.execution_status, " \
	"a.assigned_at, a.started_at, a.completed_at, a.created_at"

int
db_assign_insert(struct db *db, const struct assign_row *r)
{
	static const char sql[] = "INSERT INTO node_task_assignments (id, "
	    "task_id, node_id, node_project_id, local_task_id, "
	    "local_attempt_id, execution_status, started_at, completed_at) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, "
	    "IF(? = 'running', UTC_TIMESTAMP(6), NULL), "
	    "IF(? IN ('completed', 'failed', 'cancelled'), UTC_TIMESTAMP(6), "
	    "NULL))";
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->task_id),
	    DB_STR(r->node_id), DB_STR(r->node_project_id),
	    DB_STR(r->local_task_id), DB_STR(r->local_attempt_id),
	    DB_STR(r->status), DB_STR(r->status), DB_STR(r->status) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_assign_get(struct db *db, json_object **out, const char *id, int lock)
{
	static const char sql[] = "SELECT " ASSIGN_COLS ", t.organization_id, "
	    "t.project_id FROM node_task_assignments a JOIN shared_tasks t "
	    "ON t.id = a.task_id WHERE a.id = ?";
	static const char sql_lock[] = "SELECT " ASSIGN_COLS ", "
	    "t.organization_id, t.project_id FROM node_task_assignments a "
	    "JOIN shared_tasks t ON t.id = a.task_id WHERE a.id = ? "
	    "FOR UPDATE";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, lock ? sql_lock : sql, p, DB_NPARAMS(p));
}

int
db_assign_update(struct db *db, const struct assign_row *r)
{
	/* The original never set completed_at (its quirk 5): done here. */
	static const char sql[] = "UPDATE node_task_assignments SET "
	    "local_task_id = COALESCE(?, local_task_id), "
	    "local_attempt_id = COALESCE(?, local_attempt_id), "
	    "started_at = IF(? = 'running' AND started_at IS NULL, "
	    "UTC_TIMESTAMP(6), started_at), "
	    "completed_at = IF(? IN ('completed', 'failed', 'cancelled'), "
	    "COALESCE(completed_at, UTC_TIMESTAMP(6)), NULL), "
	    "execution_status = COALESCE(?, execution_status) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(r->local_task_id),
	    DB_STR(r->local_attempt_id), DB_STR(r->status), DB_STR(r->status),
	    DB_STR(r->status), DB_STR(r->id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_assign_latest(struct db *db, json_object **out, const char *task_id)
{
	static const char sql[] = "SELECT " ASSIGN_COLS ", "
	    "n.public_url AS node_public_url FROM node_task_assignments a "
	    "JOIN nodes n ON n.id = a.node_id WHERE a.task_id = ? "
	    "ORDER BY a.assigned_at DESC, a.id LIMIT 1";
	struct db_param	 p[] = { DB_STR(task_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_assign_logs(struct db *db, json_object **out, const char *id,
    long long after, long long limit)
{
	static const char sql[] = "SELECT id, assignment_id, output_type, "
	    "content, `timestamp`, created_at FROM node_task_output_logs "
	    "WHERE assignment_id = ? AND id > ? ORDER BY id LIMIT ?";
	struct db_param	 p[] = { DB_STR(id), DB_INT(after), DB_INT(limit) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}
