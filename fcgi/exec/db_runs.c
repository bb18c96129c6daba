/* db_runs.c: SQL for execution processes as their runner drives them */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_cache.h"
#include "db_runs.h"
#include "err.h"
#include "jsonx.h"
#include "log.h"
#include "notify.h"
#include "worktree.h"

int
db_run_load(struct db *db, json_object **out, const char *process_id)
{
	static const char sql[] = "SELECT ep.id, ep.task_attempt_id, "
	    "ep.status, ep.run_reason, ep.executor_action, ta.container_ref, "
	    "ta.task_id, t.project_id, p.git_repo_path "
	    "FROM execution_processes ep "
	    "JOIN task_attempts ta ON ta.id = ep.task_attempt_id "
	    "JOIN tasks t ON t.id = ta.task_id "
	    "JOIN projects p ON p.id = t.project_id WHERE ep.id = ?";
	struct db_param	 p[] = { DB_STR(process_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_run_claim(struct db *db, const char *process_id, const struct procid *id)
{
	static const char sql[] = "UPDATE execution_processes SET "
	    "runner_pid = ?, runner_start = ?, runner_boot = ?, "
	    "updated_at = UTC_TIMESTAMP(6) "
	    "WHERE id = ? AND status = 'running' AND runner_pid IS NULL";
	struct db_param	 p[] = { DB_INT(id->pid), DB_INT(id->start),
	    DB_STR(id->boot), DB_STR(process_id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_run_started(struct db *db, const char *process_id, int pgid,
    const char *before_head)
{
	static const char sql[] = "UPDATE execution_processes SET pgid = ?, "
	    "before_head_commit = COALESCE(?, before_head_commit), "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND status = 'running'";
	struct db_param	 p[] = { DB_INT(pgid), DB_STR(before_head),
	    DB_STR(process_id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_run_finish(struct db *db, char *final, const char *process_id,
    const char *status, long long exit_code, const char *after_head)
{
	static const char upd[] = "UPDATE execution_processes SET "
	    "status = IF(status = 'killed', 'killed', ?), "
	    "exit_code = IF(status = 'killed', exit_code, ?), "
	    "completed_at = COALESCE(completed_at, UTC_TIMESTAMP(6)), "
	    "after_head_commit = ?, pgid = NULL, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	static const char sel[] = "SELECT status FROM execution_processes "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_STR(status),
	    exit_code < 0 ? DB_NULL : DB_INT(exit_code), DB_STR(after_head),
	    DB_STR(process_id) };
	struct db_param	 q[] = { DB_STR(process_id) };
	json_object	*row;
	const char	*s;
	int		 rc;

	if ((rc = db_exec(db, upd, p, DB_NPARAMS(p), NULL)) != 0 ||
	    (rc = db_query_row(db, &row, sel, q, DB_NPARAMS(q))) != 0)
		return rc;
	s = jsonx_get_str(row, "status");
	snprintf(final, 16, "%s", s != NULL ? s : status);
	json_object_put(row);
	return 0;
}

int
db_run_insert(struct db *db, const char *process_id, const char *attempt_id,
    const char *run_reason, const char *action, const char *before_head,
    const struct procid *id)
{
	static const char sql[] = "INSERT INTO execution_processes (id, "
	    "task_attempt_id, run_reason, executor_action, before_head_commit, "
	    "runner_pid, runner_start, runner_boot) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
	struct db_param	 p[] = { DB_STR(process_id), DB_STR(attempt_id),
	    DB_STR(run_reason), DB_STR(action), DB_STR(before_head),
	    DB_INT(id->pid), DB_INT(id->start), DB_STR(id->boot) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_run_setup_done(struct db *db, const char *attempt_id)
{
	static const char sql[] = "UPDATE task_attempts SET "
	    "setup_completed_at = UTC_TIMESTAMP(6), "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(attempt_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_run_task_status(struct db *db, const char *task_id, const char *status)
{
	static const char sql[] = "UPDATE tasks SET status = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND status <> ?";
	struct db_param	 p[] = { DB_STR(status), DB_STR(task_id),
	    DB_STR(status) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_run_session_insert(struct db *db, const char *session_row_id,
    const char *attempt_id, const char *process_id, const char *prompt)
{
	static const char sql[] = "INSERT INTO executor_sessions (id, "
	    "task_attempt_id, execution_process_id, prompt) VALUES (?, ?, ?, ?)";
	struct db_param	 p[] = { DB_STR(session_row_id), DB_STR(attempt_id),
	    DB_STR(process_id), DB_STR(prompt) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_run_session_id(struct db *db, const char *process_id,
    const char *session_id)
{
	static const char sql[] = "UPDATE executor_sessions SET "
	    "session_id = ?, updated_at = UTC_TIMESTAMP(6) "
	    "WHERE execution_process_id = ?";
	struct db_param	 p[] = { DB_STR(session_id), DB_STR(process_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_run_history(struct db *db, json_object **out, const char *attempt_id,
    const char *process_id)
{
	static const char sql[] = "SELECT es.prompt, es.summary "
	    "FROM executor_sessions es JOIN execution_processes ep "
	    "ON ep.id = es.execution_process_id "
	    "WHERE es.task_attempt_id = ? AND es.execution_process_id <> ? "
	    "AND ep.dropped = FALSE ORDER BY ep.created_at, es.created_at";
	struct db_param	 p[] = { DB_STR(attempt_id), DB_STR(process_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_run_session_summary(struct db *db, const char *process_id,
    const char *summary)
{
	static const char sql[] = "UPDATE executor_sessions SET summary = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE execution_process_id = ?";
	struct db_param	 p[] = { DB_STR(summary), DB_STR(process_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_run_reap_orphans(struct db *db, int *n)
{
	static const char sel[] = "SELECT ep.id, ep.runner_pid, "
	    "ep.runner_start, ep.runner_boot, ep.run_reason, ta.task_id, "
	    "ep.task_attempt_id, "
	    "t.project_id, ta.container_ref, "
	    "TIMESTAMPDIFF(SECOND, ep.created_at, UTC_TIMESTAMP(6)) AS age "
	    "FROM execution_processes ep "
	    "JOIN task_attempts ta ON ta.id = ep.task_attempt_id "
	    "JOIN tasks t ON t.id = ta.task_id WHERE ep.status = 'running'";
	static const char fail[] = "UPDATE execution_processes SET "
	    "status = 'failed', completed_at = UTC_TIMESTAMP(6), pgid = NULL, "
	    "after_head_commit = COALESCE(?, after_head_commit), "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND status = 'running' "
	    "AND runner_pid <=> ?";
	json_object	*rows, *r, *v;
	struct procid	 id;
	const char	*boot, *tid, *wt, *after;
	char		 head[41];
	size_t		 i, len;
	int		 rc;

	*n = 0;
	if ((rc = db_query(db, &rows, sel, NULL, 0)) != 0)
		return rc;
	len = json_object_array_length(rows);
	for (i = 0; i < len; i++) {
		r = json_object_array_get_idx(rows, i);
		memset(&id, 0, sizeof(id));
		if (json_object_object_get_ex(r, "runner_pid", &v) && v != NULL) {
			id.pid = (pid_t)json_object_get_int64(v);
			json_object_object_get_ex(r, "runner_start", &v);
			id.start = v != NULL ? json_object_get_int64(v) : 0;
			boot = jsonx_get_str(r, "runner_boot");
			snprintf(id.boot, sizeof(id.boot), "%s",
			    boot != NULL ? boot : "");
			if (procid_alive(&id))
				continue;
		} else {
			/* Unclaimed: its runner may still be starting. */
			json_object_object_get_ex(r, "age", &v);
			if (v == NULL || json_object_get_int64(v) < 30)
				continue;
		}
		/* As the original: the worktree head when the run ended. */
		wt = jsonx_get_str(r, "container_ref");
		if (wt == NULL || worktree_head(head, wt) != 0)
			head[0] = '\0';
		after = head[0] != '\0' ? head : NULL;
		struct db_param	 p[] = { DB_STR(after),
		    DB_STR(jsonx_get_str(r, "id")),
		    id.pid > 0 ? DB_INT(id.pid) : DB_NULL };
		if (db_exec_one(db, fail, p, DB_NPARAMS(p)) != 0)
			continue;	/* it finished meanwhile */
		log_warnx("execution process %s: runner gone, marked failed",
		    jsonx_get_str(r, "id"));
		tid = jsonx_get_str(r, "task_id");
		if (strcmp(jsonx_get_str(r, "run_reason"), "devserver") != 0)
			db_run_task_status(db, tid, "inreview");
		board_changed(0, jsonx_get_str(r, "project_id"), &tid, 1);
		notify_send(NOTIFY_PROCS, jsonx_get_str(r, "task_attempt_id"));
		(*n)++;
	}
	json_object_put(rows);
	return 0;
}
