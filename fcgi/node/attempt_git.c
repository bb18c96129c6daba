/* attempt_git.c: git operations on an attempt's branch (merge) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "merge.h"
#include "node.h"

/* The attempt, its task and its project, or a reply (404). */
static int
attempt_context_or_reply(struct req *rq, struct reply *rp, json_object **att,
    json_object **task, json_object **proj)
{
	int	 rc;

	*att = *task = *proj = NULL;
	if ((rc = db_attempt_get(rq->db, att, rq->id)) != 0)
		return reply_err(rp, rc, "task attempt");
	if ((rc = db_task_get(rq->db, task, jsonx_get_str(*att, "task_id"))) != 0)
		return reply_err(rp, rc, "task");
	if ((rc = db_project_get(rq->db, proj, jsonx_get_str(*task,
	    "project_id"))) != 0)
		return reply_err(rp, rc, "project");
	return 0;
}

/* error_data {type:"merge_conflicts", message, op:"merge"} with 409. */
static int
conflicts_reply(struct reply *rp, const struct merge_result *m)
{
	json_object	*e;

	reply_errorf(rp, 409, "%s", m->msg);
	if ((e = json_object_new_object()) != NULL &&
	    (jsonx_add_str(e, "type", "merge_conflicts") != 0 ||
	    jsonx_add_str(e, "message", m->msg) != 0 ||
	    jsonx_add_str(e, "op", "merge") != 0)) {
		json_object_put(e);
		e = NULL;
	}
	rp->error_data = e;
	return 409;
}

/*
 * POST /api/task-attempts/{id}/merge: squash the attempt branch onto its
 * target branch with the original's message, record the merge, and mark
 * the task done. null on success; 409 with the reason when the target has
 * moved on (rebase first), has local changes in the way, or conflicts
 * (error_data merge_conflicts); 404 unknown attempt or branch.
 */
int
attempt_merge(struct req *rq, struct reply *rp)
{
	struct merge_result	 m;
	json_object		*att, *task, *proj;
	const char		*tid;
	char			 msg[8192], mid[UUID_STRLEN + 1];
	int			 rc;

	memset(&m, 0, sizeof(m));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0)
		goto out;
	tid = jsonx_get_str(task, "id");
	if (merge_message(msg, sizeof(msg), jsonx_get_str(task, "title"), tid,
	    jsonx_get_str(task, "description")) != 0) {
		rc = reply_errorf(rp, 500, "cannot build the commit message");
		goto out;
	}
	rc = merge_squash(&m, jsonx_get_str(proj, "git_repo_path"),
	    jsonx_get_str(att, "branch"), jsonx_get_str(att, "target_branch"),
	    msg);
	if (rc == E_CONFLICT) {
		rc = m.kind == MERGE_CONFLICTS ? conflicts_reply(rp, &m) :
		    reply_errorf(rp, 409, "%s", m.msg);
		goto out;
	}
	if (rc != 0) {
		rc = rc == E_NOTFOUND ? reply_errorf(rp, 404, "%s", m.msg) :
		    reply_errorf(rp, 500, "%s", m.msg);
		goto out;
	}
	/* The commit exists; record it and finish the task together. */
	if (uuid_new(mid) != 0 || (rc = db_begin(rq->db)) != 0 ||
	    (rc = db_merge_insert(rq->db, mid, rq->id, m.oid,
	    jsonx_get_str(att, "target_branch"))) != 0 ||
	    (rc = db_task_set_status(rq->db, tid, "done")) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		log_warnx("attempt %s merged as %s but not recorded", rq->id,
		    m.oid);
		rc = reply_err(rp, rc != 0 ? rc : E_FAIL, NULL);
		goto out;
	}
	board_changed(0, jsonx_get_str(proj, "id"), &tid, 1);
	rc = reply_null(rp, 200);
out:
	merge_result_free(&m);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}
