/* db_node.h: the node's SQL, one function per statement group */
#ifndef SWARM_DB_NODE_H
#define SWARM_DB_NODE_H

#include <json.h>

#include "db.h"

/* Values of a project row as written by POST/PUT (strings borrowed). */
struct project_row {
	const char	*id;
	const char	*name;
	const char	*git_repo_path;
	const char	*setup_script;
	const char	*dev_script;
	const char	*cleanup_script;
	const char	*copy_files;
};

/* Project JSON objects; all return 0, E_NOTFOUND, E_CONFLICT, E_DB, E_FAIL. */
int	db_project_list(struct db *, json_object **out);
int	db_project_get(struct db *, json_object **out, const char *id);
/* 0 if no project other than except_id (may be NULL) has path. */
int	db_project_path_free(struct db *, const char *path,
	    const char *except_id);
int	db_project_insert(struct db *, const struct project_row *);
/* NULL name or git_repo_path keeps the stored value. */
int	db_project_update(struct db *, const struct project_row *);
int	db_project_delete(struct db *, const char *id);
/* Running execution processes in a project's tasks. */
int	db_project_running(struct db *, long long *out, const char *id);
/* Lock a project's row for the transaction; E_NOTFOUND. */
int	db_project_lock(struct db *, const char *id);

/* Values of a task row for insert and update (strings borrowed). */
struct task_row {
	const char	*id;
	const char	*project_id;
	const char	*title;
	const char	*description;
	const char	*status;
	const char	*parent_task_id;
	const char	*shared_task_id;
	const char	*validation_steps;
};

/* TaskWithAttemptStatus objects of a project, newest first, one query. */
int	db_task_list(struct db *, json_object **out, const char *project_id);
int	db_task_get(struct db *, json_object **out, const char *id);
/* Subtasks of a task, newest first. */
int	db_task_children(struct db *, json_object **out, const char *task_id);
/* The project id of a task, into out[37]; E_NOTFOUND. */
int	db_task_project(struct db *, char *out, const char *id);
/*
 * The same, with a shared lock on the task's row for the transaction. A
 * locking read takes no snapshot, so reads after the locks see the latest
 * commits; shared, so two such transactions never deadlock on each
 * other's foreign key checks.
 */
int	db_task_project_lock(struct db *, char *out, const char *id);
/* Insert and return the Task as stored. */
int	db_task_insert(struct db *, json_object **out, const struct task_row *);
/*
 * NULL title/status/parent keep the stored value; NULL description or
 * validation_steps keep it, "" clears it.
 */
int	db_task_update(struct db *, const struct task_row *);
int	db_task_delete(struct db *, const char *id);
/*
 * Ids of the project's tasks (parent NULL) or of a task's subtasks
 * (project NULL), locked for the transaction: a JSON array of {id}.
 */
int	db_task_ids(struct db *, json_object **out, const char *project_id,
	    const char *parent_id);
/* Set *out to 1 when task_id is ancestor_id or one of its subtasks' chain. */
int	db_task_descends(struct db *, int *out, const char *task_id,
	    const char *ancestor_id);
/* Number of running execution processes of a task's attempts. */
int	db_task_running(struct db *, long long *out, const char *id);
/* Replace the task's image set with ids[0..n); E_NOTFOUND for an unknown image. */
int	db_task_set_images(struct db *, const char *task_id,
	    char (*ids)[37], size_t n);

/* A task attempt row as POST /api/task-attempts writes it. */
struct attempt_row {
	const char	*id;
	const char	*task_id;
	const char	*executor;
	const char	*target_branch;
	const char	*container_ref;
	const char	*branch;
};

/* TaskAttempt objects; execution processes as ExecutionProcess rows
 * (executor_action still a string). */
int	db_attempt_insert(struct db *, const struct attempt_row *);
int	db_attempt_get(struct db *, json_object **out, const char *id);
/* Newest first; every attempt when task_id is NULL. */
int	db_attempt_list(struct db *, json_object **out, const char *task_id);
/* A running process with no runner yet (the runner claims it). */
int	db_process_insert(struct db *, const char *id, const char *attempt_id,
	    const char *run_reason, const char *action);
int	db_process_get(struct db *, json_object **out, const char *id);
/* Replace a process row's executor_action text by its JSON object. */
void	process_action_as_object(json_object *proc);
/* Oldest first; soft-dropped ones only when with_dropped. */
int	db_process_list(struct db *, json_object **out, const char *attempt_id,
	    int with_dropped);
/* The stored log rows, in order: [{logs: "<JSON lines>"}]. */
int	db_process_logs(struct db *, json_object **out, const char *id);
/*
 * Mark a running process killed (before signalling it, so its runner
 * keeps that status) and give its process group (0 if not started yet).
 * E_NOTFOUND when it is not running. Call in a transaction.
 */
int	db_process_kill(struct db *, long long *pgid, const char *id);
/* A direct (squash) merge of an attempt. */
int	db_merge_insert(struct db *, const char *id, const char *attempt_id,
	    const char *commit, const char *target_branch);
int	db_attempt_set_branch(struct db *, const char *id, const char *branch);
int	db_attempt_set_target(struct db *, const char *id, const char *target);
/* Attempts of parent's subtasks that targeted old_branch target new. */
int	db_attempt_retarget_children(struct db *, const char *parent_task_id,
	    const char *old_branch, const char *new_branch);
/* Merge rows of an attempt, newest first (type = merge_type). */
int	db_merges_of_attempt(struct db *, json_object **out,
	    const char *attempt_id);
/*
 * {session_id, executor_action} of the attempt's newest coding-agent
 * process not dropped (session_id may be null); E_NOTFOUND when none.
 */
int	db_attempt_session(struct db *, json_object **out,
	    const char *attempt_id);
/* Soft-drop process_id and every later process of the attempt. */
int	db_process_drop_from(struct db *, const char *attempt_id,
	    const char *process_id);
/* Running processes of an attempt. */
int	db_attempt_running(struct db *, long long *out, const char *attempt_id);
/* Worktree lifecycle (worktrees.c): rows {id, container_ref,
 * git_repo_path} of attempts whose worktree exists and runs nothing. */
int	db_attempt_set_deleted(struct db *, const char *id, int deleted);
int	db_attempt_worktree(struct db *, json_object **out, const char *id);
int	db_attempt_worktrees_of_task(struct db *, json_object **out,
	    const char *task_id);
/* Task done or cancelled, or idle for idle_hours. */
int	db_attempt_retire_candidates(struct db *, json_object **out,
	    long long idle_hours);
/* container_ref of every attempt whose worktree should exist. */
int	db_attempt_live_refs(struct db *, json_object **out);
/* git_repo_path of every local project. */
int	db_project_repos(struct db *, json_object **out);
/* A pull request of an attempt, and its later state. */
int	db_merge_insert_pr(struct db *, const char *id, const char *attempt_id,
	    long long number, const char *url, const char *status,
	    const char *target_branch);
int	db_merge_set_pr_status(struct db *, const char *id, const char *status,
	    const char *merge_sha);
/* Set a task's status (E_NOTFOUND). */
int	db_task_set_status(struct db *, const char *task_id,
	    const char *status);

/* An uploaded image (strings borrowed). */
struct image_row {
	const char	*id;
	const char	*file_path;	/* relative to the image store */
	const char	*original_name;
	const char	*mime_type;
	long long	 size_bytes;
	const char	*hash;		/* SHA-256, lowercase hex */
};

/* Image objects {id, file_path, original_name, mime_type, size_bytes,
 * hash, created_at, updated_at}; E_NOTFOUND. */
int	db_image_get(struct db *, json_object **out, const char *id);
int	db_image_by_hash(struct db *, json_object **out, const char *hash);
/* E_CONFLICT when an image with the same hash exists. */
int	db_image_insert(struct db *, const struct image_row *);
int	db_image_delete(struct db *, const char *id);
/* The images of a task, oldest attachment first. */
int	db_image_list_task(struct db *, json_object **out, const char *task_id);
/* {id, file_path} of up to 100 images older than hours on no task. */
int	db_image_orphans(struct db *, json_object **out, long long hours);
/* Delete an image if it is still on no task; E_NOTFOUND otherwise. */
int	db_image_delete_orphan(struct db *, const char *id);
/* Attach an image to a task (no-op if attached); E_NOTFOUND. */
int	db_image_attach(struct db *, const char *task_id, const char *image_id);

/*
 * db_swarm.c: the node's hive state (hive_link), remote projects and
 * shared tasks as the sync sees them.
 */
/* The hive_link row, made with a fresh machine id the first time. */
int	db_hive_link_get(struct db *, json_object **out);
int	db_hive_link_set_identity(struct db *, const char *hive_url,
	    const char *key_prefix, const char *node_id, const char *org_id);
/* Claim the next sync: *won 1 when the last is older than interval_ms. */
int	db_hive_link_claim_sync(struct db *, int *won, long long interval_ms);
int	db_hive_link_set_error(struct db *, const char *error);
/* {id, is_remote, remote_project_id} of the project with that hive id. */
int	db_project_by_remote(struct db *, json_object **out,
	    const char *remote_project_id);
/* Local link: set (or, with NULL, clear) a project's remote_project_id. */
int	db_project_set_remote(struct db *, const char *id,
	    const char *remote_project_id);
/* A project another node holds, as a remote row (keyed by its hive id). */
struct remote_project_row {
	const char	*id;		/* used when inserting */
	const char	*remote_project_id;
	const char	*name;
	const char	*git_repo_path;
	const char	*node_id;
	const char	*node_name;
	const char	*node_public_url;
	const char	*node_status;
};
int	db_project_remote_upsert(struct db *, const struct remote_project_row *);
/* Rows with remote_project_id: {id, remote_project_id, is_remote}. */
int	db_project_swarm_list(struct db *, json_object **out);
/* Unified projects: local projects, and remote rows by node name. */
int	db_project_local_list(struct db *, json_object **out);
int	db_project_remote_list(struct db *, json_object **out);
/* Unlink locally: the project's tasks forget their shared ids. */
int	db_project_unlink_local(struct db *, const char *id);
/* {id, project_id, shared_task_id, remote_version, hive_dirty, is_remote}. */
int	db_task_by_shared(struct db *, json_object **out,
	    const char *shared_task_id);
struct shared_task_row {
	const char	*id;
	const char	*project_id;
	const char	*title;
	const char	*description;
	const char	*status;	/* the node's names */
	const char	*shared_task_id;
	long long	 version;
	int		 is_remote;
};
int	db_task_shared_insert(struct db *, const struct shared_task_row *);
/* Title, description, status and version from the hive; clean. */
int	db_task_shared_update(struct db *, const struct shared_task_row *);
int	db_task_set_shared(struct db *, const char *id,
	    const char *shared_task_id, long long version);
int	db_task_set_dirty(struct db *, const char *id, int dirty);
/* Tasks of linked local projects never shared (with remote_project_id). */
int	db_tasks_unshared(struct db *, json_object **out);
/* Tasks changed while the hive was away. */
int	db_tasks_dirty(struct db *, json_object **out);
int	db_pending_delete_add(struct db *, const char *shared_task_id,
	    long long version);
int	db_pending_deletes(struct db *, json_object **out);
int	db_pending_delete_remove(struct db *, const char *shared_task_id);
/* The change-feed cursor of a swarm project (0 when none). */
int	db_cursor_get(struct db *, long long *out, const char *remote_project_id);
int	db_cursor_set(struct db *, const char *remote_project_id, long long seq);

#endif
