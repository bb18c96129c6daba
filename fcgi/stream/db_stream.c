/* db_stream.c: the SQL swarm-stream runs beyond the node's own */
#include <stdio.h>

#include "db_stream.h"
#include "err.h"
#include "jsonx.h"

int
db_stream_log_rows(struct db *db, json_object **out, const char *process_id,
    long long after, long long upto, long long limit)
{
	static const char sql[] = "SELECT id, logs FROM execution_process_logs "
	    "WHERE execution_id = ? AND id > ? AND (? = 0 OR id <= ?) "
	    "ORDER BY id LIMIT ?";
	struct db_param	 p[] = { DB_STR(process_id), DB_INT(after),
	    DB_INT(upto), DB_INT(upto), DB_INT(limit) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_stream_board_sig(struct db *db, char *out, size_t outsz,
    const char *project_id)
{
	/*
	 * Counts catch deletes, maxima of updated_at catch edits; processes
	 * and merges feed the attempt-status flags of the tasks.
	 */
	static const char sql[] = "SELECT CONCAT_WS('|', "
	    "(SELECT COUNT(*) FROM tasks WHERE project_id = ?), "
	    "(SELECT MAX(updated_at) FROM tasks WHERE project_id = ?), "
	    "(SELECT CONCAT(COUNT(*), '/', MAX(ta.updated_at)) "
	    " FROM task_attempts ta JOIN tasks t ON t.id = ta.task_id"
	    " WHERE t.project_id = ?), "
	    "(SELECT CONCAT(COUNT(*), '/', MAX(ep.updated_at)) "
	    " FROM execution_processes ep"
	    " JOIN task_attempts ta ON ta.id = ep.task_attempt_id"
	    " JOIN tasks t ON t.id = ta.task_id WHERE t.project_id = ?), "
	    "(SELECT CONCAT(COUNT(*), '/', SUM(m.pr_status <=> 'merged')) "
	    " FROM merges m JOIN task_attempts ta ON ta.id = m.task_attempt_id"
	    " JOIN tasks t ON t.id = ta.task_id WHERE t.project_id = ?)"
	    ") AS sig";
	struct db_param	 p[] = { DB_STR(project_id), DB_STR(project_id),
	    DB_STR(project_id), DB_STR(project_id), DB_STR(project_id) };
	json_object	*row;
	const char	*s;
	int		 rc;

	if ((rc = db_query_row(db, &row, sql, p, DB_NPARAMS(p))) != 0)
		return rc;
	s = jsonx_get_str(row, "sig");
	snprintf(out, outsz, "%s", s != NULL ? s : "");
	json_object_put(row);
	return 0;
}

int
db_stream_attempt(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT ta.id, ta.container_ref, ta.branch, "
	    "ta.target_branch, ta.worktree_deleted, p.git_repo_path "
	    "FROM task_attempts ta JOIN tasks t ON t.id = ta.task_id "
	    "JOIN projects p ON p.id = t.project_id WHERE ta.id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}
