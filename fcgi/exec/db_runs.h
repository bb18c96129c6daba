/* db_runs.h: SQL for execution processes as their runner drives them */
#ifndef SWARM_DB_RUNS_H
#define SWARM_DB_RUNS_H

#include <json.h>

#include "db.h"
#include "procid.h"

/*
 * One execution process with what running it needs: {id,
 * task_attempt_id, status, run_reason, executor_action, container_ref,
 * task_id, project_id, git_repo_path}. E_NOTFOUND.
 */
int	db_run_load(struct db *, json_object **out, const char *process_id);
/*
 * Make the runner id the owner of a running, unowned process (one
 * runner per process, even if two are started). E_NOTFOUND when the
 * process is not running or already owned.
 */
int	db_run_claim(struct db *, const char *process_id,
	    const struct procid *id);
/*
 * Record the command's process group and the worktree head before it.
 * E_NOTFOUND when the process is no longer running (stopped while its
 * command was starting): the caller must end the group itself.
 */
int	db_run_started(struct db *, const char *process_id, int pgid,
	    const char *before_head);
/*
 * Record the end: status completed or failed, unless the stop route has
 * already marked it killed (that stays); exit_code < 0 stores null.
 * *final gets the status now stored (out[16]).
 */
int	db_run_finish(struct db *, char *final, const char *process_id,
	    const char *status, long long exit_code, const char *after_head);
/* A new running process owned by id, for the next action of a chain. */
int	db_run_insert(struct db *, const char *process_id,
	    const char *attempt_id, const char *run_reason, const char *action,
	    const char *before_head, const struct procid *id);
/* The attempt's setup script completed (setup_completed_at). */
int	db_run_setup_done(struct db *, const char *attempt_id);
/* Set a task's status (no-op when it already has it). */
int	db_run_task_status(struct db *, const char *task_id,
	    const char *status);
/* executor_sessions: the row of a coding-agent process, its session id,
 * and the summary (last assistant message). */
int	db_run_session_insert(struct db *, const char *session_row_id,
	    const char *attempt_id, const char *process_id, const char *prompt);
int	db_run_session_id(struct db *, const char *process_id,
	    const char *session_id);
int	db_run_session_summary(struct db *, const char *process_id,
	    const char *summary);
/*
 * The earlier coding-agent turns of an attempt, oldest first: [{prompt,
 * summary}] of its executor_sessions except process_id's, leaving out
 * dropped processes. For agents that cannot reload a session (the
 * resume prompt).
 */
int	db_run_history(struct db *, json_object **out, const char *attempt_id,
	    const char *process_id);
/*
 * Mark failed every running process whose runner is gone (not alive by
 * procid, or never claimed for longer than 30 s), and move their tasks
 * to inreview, invalidating their board cache files. *n gets how many.
 * Safe to call from any process, any time.
 */
int	db_run_reap_orphans(struct db *, int *n);

#endif
