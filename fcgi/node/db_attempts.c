/* db_attempts.c: SQL for task attempts and their execution processes */
#include "db_node.h"
#include "err.h"
#include "jsonx.h"

#define ATTEMPT_COLS "id, task_id, container_ref, branch, target_branch, " \
	"executor, worktree_deleted, setup_completed_at, created_at, updated_at"

#define PROCESS_COLS "id, task_attempt_id, run_reason, executor_action, " \
	"before_head_commit, after_head_commit, status, exit_code, dropped, " \
	"started_at, completed_at, created_at, updated_at"

int
db_attempt_insert(struct db *db, const struct attempt_row *a)
{
	static const char sql[] = "INSERT INTO task_attempts (id, task_id, "
	    "executor, target_branch, container_ref, branch) "
	    "VALUES (?, ?, ?, ?, ?, ?)";
	struct db_param	 p[] = { DB_STR(a->id), DB_STR(a->task_id),
	    DB_STR(a->executor), DB_STR(a->target_branch),
	    DB_STR(a->container_ref), DB_STR(a->branch) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_attempt_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " ATTEMPT_COLS
	    " FROM task_attempts WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_attempt_list(struct db *db, json_object **out, const char *task_id)
{
	static const char all[] = "SELECT " ATTEMPT_COLS
	    " FROM task_attempts ORDER BY created_at DESC, id";
	static const char of_task[] = "SELECT " ATTEMPT_COLS
	    " FROM task_attempts WHERE task_id = ? ORDER BY created_at DESC, id";
	struct db_param	 p[] = { DB_STR(task_id) };

	if (task_id == NULL)
		return db_query(db, out, all, NULL, 0);
	return db_query(db, out, of_task, p, DB_NPARAMS(p));
}

int
db_process_insert(struct db *db, const char *id, const char *attempt_id,
    const char *run_reason, const char *action)
{
	static const char sql[] = "INSERT INTO execution_processes (id, "
	    "task_attempt_id, run_reason, executor_action) VALUES (?, ?, ?, ?)";
	struct db_param	 p[] = { DB_STR(id), DB_STR(attempt_id),
	    DB_STR(run_reason), DB_STR(action) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_process_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " PROCESS_COLS
	    " FROM execution_processes WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_process_list(struct db *db, json_object **out, const char *attempt_id,
    int with_dropped)
{
	static const char sql[] = "SELECT " PROCESS_COLS
	    " FROM execution_processes WHERE task_attempt_id = ? "
	    "AND (? OR dropped = FALSE) ORDER BY created_at, id";
	struct db_param	 p[] = { DB_STR(attempt_id), DB_INT(with_dropped) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_process_logs(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT logs FROM execution_process_logs "
	    "WHERE execution_id = ? ORDER BY id";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_process_kill(struct db *db, long long *pgid, const char *id)
{
	static const char sel[] = "SELECT COALESCE(pgid, 0) FROM "
	    "execution_processes WHERE id = ? AND status = 'running' FOR UPDATE";
	static const char upd[] = "UPDATE execution_processes SET "
	    "status = 'killed', exit_code = NULL, "
	    "completed_at = UTC_TIMESTAMP(6), updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ? AND status = 'running'";
	struct db_param	 p[] = { DB_STR(id) };
	int		 rc;

	*pgid = 0;
	if ((rc = db_query_int(db, pgid, sel, p, DB_NPARAMS(p))) != 0)
		return rc;	/* E_NOTFOUND: not running */
	return db_exec_one(db, upd, p, DB_NPARAMS(p));
}

int
db_merge_insert(struct db *db, const char *id, const char *attempt_id,
    const char *commit, const char *target_branch)
{
	static const char sql[] = "INSERT INTO merges (id, task_attempt_id, "
	    "merge_type, merge_commit, target_branch_name) "
	    "VALUES (?, ?, 'direct', ?, ?)";
	struct db_param	 p[] = { DB_STR(id), DB_STR(attempt_id),
	    DB_STR(commit), DB_STR(target_branch) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_task_set_status(struct db *db, const char *task_id, const char *status)
{
	static const char sql[] = "UPDATE tasks SET status = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(status), DB_STR(task_id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_attempt_set_branch(struct db *db, const char *id, const char *branch)
{
	static const char sql[] = "UPDATE task_attempts SET branch = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(branch), DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_attempt_set_target(struct db *db, const char *id, const char *target)
{
	static const char sql[] = "UPDATE task_attempts SET target_branch = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(target), DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_attempt_retarget_children(struct db *db, const char *parent_task_id,
    const char *old_branch, const char *new_branch)
{
	static const char sql[] = "UPDATE task_attempts ta JOIN tasks t "
	    "ON t.id = ta.task_id SET ta.target_branch = ?, "
	    "ta.updated_at = UTC_TIMESTAMP(6) "
	    "WHERE t.parent_task_id = ? AND ta.target_branch = ?";
	struct db_param	 p[] = { DB_STR(new_branch), DB_STR(parent_task_id),
	    DB_STR(old_branch) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_merges_of_attempt(struct db *db, json_object **out, const char *attempt_id)
{
	static const char sql[] = "SELECT merge_type AS type, id, "
	    "task_attempt_id, merge_commit, target_branch_name, created_at, "
	    "pr_number, pr_url, pr_status, pr_merged_at, pr_merge_commit_sha "
	    "FROM merges WHERE task_attempt_id = ? ORDER BY created_at DESC, id";
	struct db_param	 p[] = { DB_STR(attempt_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_attempt_session(struct db *db, json_object **out, const char *attempt_id)
{
	/* The newest coding-agent process still in the history. */
	static const char sql[] = "SELECT es.session_id, ep.executor_action "
	    "FROM execution_processes ep LEFT JOIN executor_sessions es "
	    "ON es.execution_process_id = ep.id "
	    "WHERE ep.task_attempt_id = ? AND ep.run_reason = 'codingagent' "
	    "AND ep.dropped = FALSE ORDER BY ep.created_at DESC LIMIT 1";
	struct db_param	 p[] = { DB_STR(attempt_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_process_drop_from(struct db *db, const char *attempt_id,
    const char *process_id)
{
	/* That process and every later one leave the history (soft). */
	static const char sql[] = "UPDATE execution_processes ep JOIN "
	    "execution_processes b ON b.id = ? SET ep.dropped = TRUE, "
	    "ep.updated_at = UTC_TIMESTAMP(6) WHERE ep.task_attempt_id = ? "
	    "AND ep.created_at >= b.created_at";
	struct db_param	 p[] = { DB_STR(process_id), DB_STR(attempt_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_attempt_running(struct db *db, long long *out, const char *attempt_id)
{
	static const char sql[] = "SELECT COUNT(*) FROM execution_processes "
	    "WHERE task_attempt_id = ? AND status = 'running'";
	struct db_param	 p[] = { DB_STR(attempt_id) };

	return db_query_int(db, out, sql, p, DB_NPARAMS(p));
}

/* Worktrees that may go: present, and nothing running in them. */
#define WT_IDLE "ta.worktree_deleted = FALSE AND ta.container_ref IS NOT NULL " \
	"AND NOT EXISTS (SELECT 1 FROM execution_processes ep " \
	"WHERE ep.task_attempt_id = ta.id AND ep.status = 'running')"
#define WT_COLS "ta.id, ta.container_ref, p.git_repo_path FROM task_attempts ta " \
	"JOIN tasks t ON t.id = ta.task_id JOIN projects p ON p.id = t.project_id "

int
db_attempt_set_deleted(struct db *db, const char *id, int deleted)
{
	static const char sql[] = "UPDATE task_attempts SET "
	    "worktree_deleted = ?, updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_INT(deleted), DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_attempt_worktree(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " WT_COLS "WHERE ta.id = ? AND "
	    WT_IDLE;
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_attempt_worktrees_of_task(struct db *db, json_object **out,
    const char *task_id)
{
	static const char sql[] = "SELECT " WT_COLS "WHERE ta.task_id = ? AND "
	    WT_IDLE;
	struct db_param	 p[] = { DB_STR(task_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_attempt_retire_candidates(struct db *db, json_object **out,
    long long idle_hours)
{
	/* Last activity: the newest process end, else the attempt update. */
	static const char sql[] = "SELECT " WT_COLS "WHERE " WT_IDLE " AND "
	    "(t.status IN ('done', 'cancelled') OR GREATEST(ta.updated_at, "
	    "COALESCE((SELECT MAX(ep.completed_at) FROM execution_processes ep "
	    "WHERE ep.task_attempt_id = ta.id), ta.updated_at)) < "
	    "UTC_TIMESTAMP(6) - INTERVAL ? HOUR)";
	struct db_param	 p[] = { DB_INT(idle_hours) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_attempt_live_refs(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT container_ref FROM task_attempts "
	    "WHERE container_ref IS NOT NULL AND worktree_deleted = FALSE";

	return db_query(db, out, sql, NULL, 0);
}

int
db_project_repos(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT git_repo_path FROM projects "
	    "WHERE is_remote = FALSE";

	return db_query(db, out, sql, NULL, 0);
}

int
db_merge_insert_pr(struct db *db, const char *id, const char *attempt_id,
    long long number, const char *url, const char *status,
    const char *target_branch)
{
	static const char sql[] = "INSERT INTO merges (id, task_attempt_id, "
	    "merge_type, pr_number, pr_url, pr_status, target_branch_name, "
	    "pr_merged_at) VALUES (?, ?, 'pr', ?, ?, ?, ?, "
	    "IF(? = 'merged', UTC_TIMESTAMP(6), NULL))";
	struct db_param	 p[] = { DB_STR(id), DB_STR(attempt_id),
	    DB_INT(number), DB_STR(url), DB_STR(status),
	    DB_STR(target_branch), DB_STR(status) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_merge_set_pr_status(struct db *db, const char *id, const char *status,
    const char *merge_sha)
{
	/* pr_merged_at is our time of noticing, as the original stores it. */
	static const char sql[] = "UPDATE merges SET pr_status = ?, "
	    "pr_merge_commit_sha = COALESCE(?, pr_merge_commit_sha), "
	    "pr_merged_at = IF(? = 'merged', COALESCE(pr_merged_at, "
	    "UTC_TIMESTAMP(6)), pr_merged_at) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(status), DB_STR(merge_sha),
	    DB_STR(status), DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

/* executor_action is stored as text: send it as the object it is. */
void
process_action_as_object(json_object *proc)
{
	json_object	*a;
	const char	*s = jsonx_get_str(proc, "executor_action");
	char		 err[64];

	if (s != NULL && jsonx_parse_strict(&a, s, strlen(s), err,
	    sizeof(err)) == 0 && a != NULL)
		json_object_object_add(proc, "executor_action", a);
}
