/* db_projects.c: SQL for the projects table */
#include "db_node.h"
#include "err.h"
#include "uuid.h"

#define PROJECT_COLS "id, name, git_repo_path, setup_script, dev_script, " \
	"cleanup_script, copy_files, remote_project_id, created_at, " \
	"updated_at, is_remote, source_node_id, source_node_name, " \
	"source_node_public_url, source_node_status, remote_last_synced_at, " \
	"default_validation_steps"

int
db_project_list(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT " PROJECT_COLS
	    " FROM projects ORDER BY created_at DESC, id";

	return db_query(db, out, sql, NULL, 0);
}

int
db_project_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " PROJECT_COLS
	    " FROM projects WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_project_path_free(struct db *db, const char *path, const char *except_id)
{
	static const char sql[] = "SELECT COUNT(*) FROM projects WHERE "
	    "git_repo_path_hash = UNHEX(SHA2(?, 256)) AND "
	    "(? IS NULL OR id <> ?)";
	struct db_param	 p[] = { DB_STR(path), DB_STR(except_id),
	    DB_STR(except_id) };
	long long	 n = 0;
	int		 rc;

	if ((rc = db_query_int(db, &n, sql, p, DB_NPARAMS(p))) != 0)
		return rc;
	return n == 0 ? 0 : E_CONFLICT;
}

int
db_project_insert(struct db *db, const struct project_row *r)
{
	static const char sql[] = "INSERT INTO projects (id, name, "
	    "git_repo_path, setup_script, dev_script, cleanup_script, "
	    "copy_files) VALUES (?, ?, ?, ?, ?, ?, ?)";
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->name),
	    DB_STR(r->git_repo_path), DB_STR(r->setup_script),
	    DB_STR(r->dev_script), DB_STR(r->cleanup_script),
	    DB_STR(r->copy_files) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_project_update(struct db *db, const struct project_row *r)
{
	static const char sql[] = "UPDATE projects SET "
	    "name = COALESCE(?, name), "
	    "git_repo_path = COALESCE(?, git_repo_path), "
	    "setup_script = ?, dev_script = ?, cleanup_script = ?, "
	    "copy_files = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(r->name), DB_STR(r->git_repo_path),
	    DB_STR(r->setup_script), DB_STR(r->dev_script),
	    DB_STR(r->cleanup_script), DB_STR(r->copy_files), DB_STR(r->id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_project_delete(struct db *db, const char *id)
{
	static const char sql[] = "DELETE FROM projects WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_project_lock(struct db *db, const char *id)
{
	static const char sql[] = "SELECT id FROM projects WHERE id = ? "
	    "FOR UPDATE";
	struct db_param	 p[] = { DB_STR(id) };
	json_object	*row;
	int		 rc;

	if ((rc = db_query_row(db, &row, sql, p, DB_NPARAMS(p))) != 0)
		return rc;
	json_object_put(row);
	return 0;
}

int
db_project_running(struct db *db, long long *out, const char *id)
{
	static const char sql[] = "SELECT COUNT(*) FROM tasks t "
	    "JOIN task_attempts ta ON ta.task_id = t.id "
	    "JOIN execution_processes ep ON ep.task_attempt_id = ta.id "
	    "WHERE t.project_id = ? AND ep.status = 'running'";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_int(db, out, sql, p, DB_NPARAMS(p));
}
