/* db_stream.h: the SQL swarm-stream runs beyond the node's own */
#ifndef SWARM_DB_STREAM_H
#define SWARM_DB_STREAM_H

#include <json.h>

#include "db.h"

/*
 * Log rows of a process with after < id <= upto (upto 0: no upper
 * bound), oldest first, at most limit: [{id, logs}]. E_DB, E_FAIL.
 */
int	db_stream_log_rows(struct db *, json_object **out,
	    const char *process_id, long long after, long long upto,
	    long long limit);
/* A fingerprint of everything a project's board shows, into out[256]:
 * it changes whenever a task, attempt, process or merge of it does. */
int	db_stream_board_sig(struct db *, char *out, size_t outsz,
	    const char *project_id);

/* {id, container_ref, branch, target_branch, worktree_deleted,
 * git_repo_path} of an attempt. E_NOTFOUND, E_DB. */
int	db_stream_attempt(struct db *, json_object **out, const char *id);

#endif
