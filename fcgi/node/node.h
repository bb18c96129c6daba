/* node.h: the node's route handlers, one file per resource */
#ifndef SWARM_NODE_H
#define SWARM_NODE_H

#include "http.h"
#include "server.h"

extern const struct app node_app;

struct executors;
struct db;

/* profiles.c: per-worker start (libgit2, executor profiles) */
int	node_worker_init(void);
const struct executors *node_executors(void);
/* GET /api/profiles: executor and variant names */
int	profile_list(struct req *, struct reply *);

/* health.c */
/* projects.c */
int	project_list(struct req *, struct reply *);
int	project_create(struct req *, struct reply *);
int	project_get(struct req *, struct reply *);
int	project_update(struct req *, struct reply *);
int	project_delete(struct req *, struct reply *);
int	project_branches(struct req *, struct reply *);
/* project_files.c */
int	project_files_list(struct req *, struct reply *);
int	project_file_read(struct req *, struct reply *);
int	project_search(struct req *, struct reply *);
/* tasks.c */
int	task_list(struct req *, struct reply *);
int	task_create(struct req *, struct reply *);
int	task_get(struct req *, struct reply *);
int	task_update(struct req *, struct reply *);
int	task_delete(struct req *, struct reply *);

/* attempts.c */
int	attempt_create(struct req *, struct reply *);
int	attempt_list(struct req *, struct reply *);
int	attempt_get(struct req *, struct reply *);
int	attempt_follow_up(struct req *, struct reply *);
int	attempt_children(struct req *, struct reply *);
/* attempt_git.c: helpers the attempt routes share */
int	attempt_context_or_reply(struct req *, struct reply *, json_object **att,
	    json_object **task, json_object **proj);
int	worktree_or_reply(struct reply *, json_object *att, json_object *proj,
	    const char **wt, struct db *);
int	typed_reply(struct reply *, int status, const char *type,
	    const char *msg, const char *op);
/* attempt_pr.c */
int	attempt_pr_create(struct req *, struct reply *);
int	attempt_pr_attach(struct req *, struct reply *);
/* Bring an attempt's open PR up to date with GitHub (best effort). */
void	attempt_pr_refresh(struct db *, const char *attempt_id);
/* attempt_git.c */
int	attempt_merge(struct req *, struct reply *);
int	attempt_branch_status(struct req *, struct reply *);
int	attempt_push(struct req *, struct reply *);
int	attempt_push_force(struct req *, struct reply *);
int	attempt_rebase(struct req *, struct reply *);
int	attempt_conflicts_abort(struct req *, struct reply *);
int	attempt_rename_branch(struct req *, struct reply *);
int	attempt_change_target(struct req *, struct reply *);
int	attempt_commit_info(struct req *, struct reply *);
int	attempt_commit_compare(struct req *, struct reply *);
int	attempt_files_list(struct req *, struct reply *);
int	attempt_file_read(struct req *, struct reply *);
int	attempt_diff(struct req *, struct reply *);
/* processes.c */
/* images.c */
int	image_upload(struct req *, struct reply *);
int	image_upload_task(struct req *, struct reply *);
int	image_file(struct req *, struct reply *);
int	image_delete(struct req *, struct reply *);
int	image_task_list(struct req *, struct reply *);

int	process_list(struct req *, struct reply *);
int	process_get(struct req *, struct reply *);
int	process_raw_logs(struct req *, struct reply *);
int	process_normalized_logs(struct req *, struct reply *);
int	process_stop(struct req *, struct reply *);
int	attempt_stop(struct req *, struct reply *);
/* Stop one running process (marks it killed, ends its group). */
int	process_stop_one(struct db *, const char *id);

#endif
