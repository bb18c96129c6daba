/* db_tasks.c: SQL for shared tasks */
#include "db_hive.h"

#define STASK_COLS "id, organization_id, project_id, creator_user_id, " \
	"assignee_user_id, deleted_by_user_id, title, description, status, " \
	"version, deleted_at, shared_at, created_at, updated_at"

int
db_stask_insert(struct db *db, const struct stask_row *r)
{
	static const char sql[] = "INSERT INTO shared_tasks (id, "
	    "organization_id, project_id, title, description, status) "
	    "VALUES (?, ?, ?, ?, ?, COALESCE(?, 'todo'))";
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->org_id),
	    DB_STR(r->project_id), DB_STR(r->title), DB_STR(r->description),
	    DB_STR(r->status) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_stask_get(struct db *db, json_object **out, const char *id, int lock)
{
	static const char sql[] = "SELECT " STASK_COLS " FROM shared_tasks "
	    "WHERE id = ?";
	static const char sql_lock[] = "SELECT " STASK_COLS " FROM "
	    "shared_tasks WHERE id = ? FOR UPDATE";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, lock ? sql_lock : sql, p, DB_NPARAMS(p));
}

int
db_stask_update(struct db *db, const struct stask_row *r)
{
	static const char sql[] = "UPDATE shared_tasks SET "
	    "title = COALESCE(?, title), "
	    "description = IF(?, ?, description), "
	    "status = COALESCE(?, status), version = version + 1, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(r->title),
	    DB_INT(r->set_description), DB_STR(r->description),
	    DB_STR(r->status), DB_STR(r->id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_stask_delete_soft(struct db *db, const char *id)
{
	static const char sql[] = "UPDATE shared_tasks SET deleted_at = "
	    "UTC_TIMESTAMP(6), version = version + 1, updated_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ? AND deleted_at IS NULL";
	struct db_param	 p[] = { DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_stask_set_status(struct db *db, const char *id, const char *status)
{
	static const char sql[] = "UPDATE shared_tasks SET status = ?, "
	    "version = version + 1, updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ? AND deleted_at IS NULL";
	struct db_param	 p[] = { DB_STR(status), DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_stask_live(struct db *db, json_object **out, const char *project_id)
{
	static const char sql[] = "SELECT " STASK_COLS " FROM shared_tasks "
	    "WHERE project_id = ? AND deleted_at IS NULL "
	    "ORDER BY updated_at DESC, id";
	struct db_param	 p[] = { DB_STR(project_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_stask_deleted(struct db *db, json_object **out, const char *project_id)
{
	static const char sql[] = "SELECT id FROM shared_tasks "
	    "WHERE project_id = ? AND deleted_at IS NOT NULL ORDER BY id";
	struct db_param	 p[] = { DB_STR(project_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}
