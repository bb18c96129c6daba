/* attempt_git.c: git operations on an attempt's branch and worktree */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "branch_ops.h"
#include "branch_status.h"
#include "field.h"
#include "fsbrowse.h"
#include "merge.h"
#include "push.h"
#include "rebase.h"
#include "repo.h"
#include "worktree.h"
#include "worktrees.h"
#include "wtdiff.h"
#include "node.h"

/* The attempt, its task and its project, or a reply (404). */
int
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
	int			 rc, lock;

	memset(&m, 0, sizeof(m));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0)
		goto out;
	tid = jsonx_get_str(task, "id");
	if (merge_message(msg, sizeof(msg), jsonx_get_str(task, "title"), tid,
	    jsonx_get_str(task, "description")) != 0) {
		rc = reply_errorf(rp, 500, "cannot build the commit message");
		goto out;
	}
	lock = repo_lock(jsonx_get_str(proj, "git_repo_path"));
	rc = merge_squash(&m, jsonx_get_str(proj, "git_repo_path"),
	    jsonx_get_str(att, "branch"), jsonx_get_str(att, "target_branch"),
	    msg);
	repo_unlock(lock);
	/* The target moved but a later step failed: the merge is real. */
	if (rc != 0 && m.oid[0] != '\0') {
		log_warnx("attempt %s: %s", rq->id, m.msg);
		rc = 0;
	}
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
	/* Merged: the worktree goes (work snapshotted, branch kept). */
	(void)worktrees_retire(rq->db, rq->id);
	rc = reply_null(rp, 200);
out:
	merge_result_free(&m);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

/*
 * The worktree of the attempt, recreated from its branch when it was
 * removed (the original's ensure_container_exists). Fills *wt (borrowed
 * from att). A reply on failure.
 */
int
worktree_or_reply(struct reply *rp, json_object *att, json_object *proj,
    const char **wt, struct db *db)
{
	char	 err[256];
	int	 created = 0, rc;

	*wt = jsonx_get_str(att, "container_ref");
	if (*wt == NULL)
		return reply_errorf(rp, 409, "the attempt has no worktree");
	if ((rc = worktree_ensure(&created, jsonx_get_str(proj,
	    "git_repo_path"), *wt, jsonx_get_str(att, "branch"), err,
	    sizeof(err))) != 0)
		return reply_errorf(rp, rc == E_NOTFOUND ? 404 : 500,
		    "cannot restore the worktree: %s", err);
	if (created)
		(void)db_attempt_set_deleted(db, jsonx_get_str(att, "id"), 0);
	return 0;
}

static json_object *
strings_json(char **v, size_t n)
{
	json_object	*a;
	size_t		 i;

	if ((a = json_object_new_array()) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		if (json_object_array_add(a, json_object_new_string(v[i])) != 0) {
			json_object_put(a);
			return NULL;
		}
	return a;
}

/* A JSON integer, or null when !ok. */
static int
add_count(json_object *o, const char *key, int ok, size_t n)
{
	return ok ? jsonx_add_int(o, key, (long long)n) :
	    jsonx_add(o, key, NULL);
}

/*
 * Merge rows in the original's tagged shape: {type:"direct", id,
 * task_attempt_id, merge_commit, target_branch_name, created_at} or
 * {type:"pr", id, task_attempt_id, created_at, target_branch_name,
 * pr_info:{number, url, status, merged_at, merge_commit_sha}}. Returns 1
 * when the newest is an open PR.
 */
static int
merges_shape(json_object *merges)
{
	static const struct { const char *col, *key; } pr[] = {
		{ "pr_number", "number" }, { "pr_url", "url" },
		{ "pr_status", "status" }, { "pr_merged_at", "merged_at" },
		{ "pr_merge_commit_sha", "merge_commit_sha" },
	};
	json_object	*m, *info, *v;
	const char	*type, *st;
	size_t		 i, k, n = json_object_array_length(merges);
	int		 open_pr = 0;

	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(merges, i);
		type = jsonx_get_str(m, "type");
		info = type != NULL && strcmp(type, "pr") == 0 ?
		    json_object_new_object() : NULL;
		for (k = 0; k < sizeof(pr) / sizeof(pr[0]); k++) {
			if (info != NULL && json_object_object_get_ex(m,
			    pr[k].col, &v))
				jsonx_add(info, pr[k].key, json_object_get(v));
			json_object_object_del(m, pr[k].col);
		}
		if (info != NULL) {
			json_object_object_del(m, "merge_commit");
			if (i == 0 && (st = jsonx_get_str(info, "status")) !=
			    NULL && strcmp(st, "open") == 0)
				open_pr = 1;
			jsonx_add(m, "pr_info", info);
		}
	}
	return open_pr;
}

/*
 * GET /api/task-attempts/{id}/branch-status: BranchStatus (every field of
 * the original). 200, 404.
 */
int
attempt_branch_status(struct req *rq, struct reply *rp)
{
	struct branch_status	 bs;
	json_object		*att, *task, *proj, *o = NULL, *merges = NULL;
	const char		*wt, *target;
	int			 rc, ok, lock;

	memset(&bs, 0, sizeof(bs));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0 ||
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) != 0)
		goto out;
	target = jsonx_get_str(att, "target_branch");
	lock = repo_lock(jsonx_get_str(proj, "git_repo_path"));
	rc = branch_status_get(&bs, jsonx_get_str(proj, "git_repo_path"), wt,
	    jsonx_get_str(att, "branch"), target);
	repo_unlock(lock);
	if (rc != 0) {
		rc = reply_errorf(rp, rc == E_NOTFOUND ? 404 : 500,
		    "cannot read the branch status");
		goto out;
	}
	/* An open PR's state on GitHub first (merged PRs finish the task). */
	attempt_pr_refresh(rq->db, rq->id);
	if ((rc = db_merges_of_attempt(rq->db, &merges, rq->id)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	ok = bs.wt_ok;
	/* Remote counts only for an open PR, as the original. */
	if (!merges_shape(merges))
		bs.has_upstream = 0;
	if ((o = json_object_new_object()) == NULL ||
	    jsonx_add_int(o, "commits_behind", (long long)bs.commits_behind) ||
	    jsonx_add_int(o, "commits_ahead", (long long)bs.commits_ahead) ||
	    (ok ? jsonx_add_bool(o, "has_uncommitted_changes",
	    bs.has_uncommitted_changes) : jsonx_add(o,
	    "has_uncommitted_changes", NULL)) ||
	    jsonx_add_str(o, "head_oid", ok && bs.head_oid[0] ? bs.head_oid :
	    NULL) ||
	    add_count(o, "uncommitted_count", ok, bs.uncommitted_count) ||
	    add_count(o, "untracked_count", ok, bs.untracked_count) ||
	    jsonx_add_str(o, "target_branch_name", target) ||
	    add_count(o, "remote_commits_behind", bs.has_upstream,
	    bs.remote_commits_behind) ||
	    add_count(o, "remote_commits_ahead", bs.has_upstream,
	    bs.remote_commits_ahead) ||
	    jsonx_add(o, "merges", json_object_get(merges)) ||
	    jsonx_add_bool(o, "is_rebase_in_progress",
	    bs.is_rebase_in_progress) ||
	    jsonx_add_str(o, "conflict_op", bs.nconflicted > 0 ?
	    branch_status_op_name(bs.conflict_op) : NULL) ||
	    jsonx_add(o, "conflicted_files", strings_json(bs.conflicted_files,
	    bs.nconflicted))) {
		json_object_put(o);
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	rc = reply_data(rp, o);
out:
	branch_status_free(&bs);
	json_object_put(merges);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

/* error_data {type} (plus message and op when given) with a status. */
int
typed_reply(struct reply *rp, int status, const char *type, const char *msg,
    const char *op)
{
	json_object	*e;

	reply_errorf(rp, status, "%s", msg);
	if ((e = json_object_new_object()) != NULL &&
	    (jsonx_add_str(e, "type", type) != 0 ||
	    (op != NULL && (jsonx_add_str(e, "message", msg) != 0 ||
	    jsonx_add_str(e, "op", op) != 0)))) {
		json_object_put(e);
		e = NULL;
	}
	rp->error_data = e;
	return status;
}

static int
push(struct req *rq, struct reply *rp, int force)
{
	struct push_result	 pr;
	json_object		*att, *task, *proj;
	const char		*wt;
	int			 rc, lock;

	memset(&pr, 0, sizeof(pr));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0 ||
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) != 0)
		goto out;
	lock = repo_lock(jsonx_get_str(proj, "git_repo_path"));
	rc = push_branch(&pr, wt, jsonx_get_str(att, "branch"), force);
	repo_unlock(lock);
	if (rc == 0)
		rc = reply_null(rp, 200);
	else if (pr.kind == PUSH_REJECTED)
		rc = typed_reply(rp, 409, "force_push_required", pr.msg, NULL);
	else if (pr.kind == PUSH_DIRTY)
		rc = reply_errorf(rp, 409, "%s", pr.msg);
	else if (pr.kind == PUSH_NOREMOTE)
		rc = reply_errorf(rp, 400, "%s", pr.msg);
	else
		rc = reply_errorf(rp, pr.kind == PUSH_NETWORK ? 502 : 500, "%s",
		    pr.msg);
out:
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

/* POST /api/task-attempts/{id}/push: null; 409 force_push_required. */
int
attempt_push(struct req *rq, struct reply *rp)
{
	return push(rq, rp, 0);
}

/* POST /api/task-attempts/{id}/push/force: null. */
int
attempt_push_force(struct req *rq, struct reply *rp)
{
	return push(rq, rp, 1);
}

enum { RB_OLD, RB_NEW, RB__MAX };

static const struct field rebase_fields[] = {
	{ "old_base_branch",	FT_STRING, F_NONEMPTY, 255, NULL },
	{ "new_base_branch",	FT_STRING, F_NONEMPTY, 255, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * POST /api/task-attempts/{id}/rebase {old_base_branch?, new_base_branch?}
 * (both default to the target branch; the target becomes new_base_branch
 * first, as the original). null; 409 with error_data merge_conflicts
 * (the rebase stays in progress) or rebase_in_progress; 404 unknown
 * branch.
 */
int
attempt_rebase(struct req *rq, struct reply *rp)
{
	struct field_val	 v[RB__MAX];
	struct rebase_result	 rr;
	json_object		*att, *task, *proj;
	const char		*wt, *target, *old_base, *new_base, *repo;
	size_t			 ahead, behind;
	char			 err[256];
	int			 rc, lock;

	memset(v, 0, sizeof(v));
	memset(&rr, 0, sizeof(rr));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0)
		goto out;
	/* The body is optional (the proxy sends null). */
	if (rq->json != NULL &&
	    (rc = fields_parse_or_reply(rp, rq->json, rebase_fields, v)) != 0)
		goto out;
	if ((rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) != 0)
		goto out;
	repo = jsonx_get_str(proj, "git_repo_path");
	target = jsonx_get_str(att, "target_branch");
	old_base = v[RB_OLD].s != NULL ? v[RB_OLD].s : target;
	new_base = v[RB_NEW].s != NULL ? v[RB_NEW].s : target;
	if (branch_ops_target_check(&ahead, &behind, repo,
	    jsonx_get_str(att, "branch"), new_base, err, sizeof(err)) != 0) {
		rc = reply_errorf(rp, 404, "Branch '%s' does not exist in the "
		    "repository", new_base);
		goto out;
	}
	if ((rc = db_attempt_set_target(rq->db, rq->id, new_base)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	lock = repo_lock(repo);
	rc = rebase_onto(&rr, repo, wt, jsonx_get_str(att, "branch"), old_base,
	    new_base);
	repo_unlock(lock);
	if (rc == 0)
		rc = reply_null(rp, 200);
	else if (rr.kind == REBASE_CONFLICTS)
		rc = typed_reply(rp, 409, "merge_conflicts", rr.msg, "rebase");
	else if (rr.kind == REBASE_IN_PROGRESS)
		rc = typed_reply(rp, 409, "rebase_in_progress", "A rebase is "
		    "already in progress. Resolve conflicts or abort the "
		    "rebase, then retry.", NULL);
	else if (rr.kind == REBASE_DIRTY)
		rc = reply_errorf(rp, 409, "%s", rr.msg);
	else
		rc = reply_errorf(rp, rc == E_NOTFOUND ? 404 : 500, "%s", rr.msg);
out:
	rebase_result_free(&rr);
	fields_clear(v, RB__MAX);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

/* POST /api/task-attempts/{id}/conflicts/abort: null. */
int
attempt_conflicts_abort(struct req *rq, struct reply *rp)
{
	json_object	*att, *task, *proj;
	const char	*wt;
	char		 err[256];
	int		 rc, lock;

	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) == 0 &&
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) == 0) {
		lock = repo_lock(jsonx_get_str(proj, "git_repo_path"));
		rc = rebase_abort(wt, err, sizeof(err)) == 0 ?
		    reply_null(rp, 200) : reply_errorf(rp, 500, "%s", err);
		repo_unlock(lock);
	}
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

static const struct field rename_fields[] = {
	{ "new_branch_name", FT_STRING, F_REQUIRED, 255, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * POST /api/task-attempts/{id}/rename-branch {new_branch_name}: {branch}.
 * The original's refusals with its messages: 400 empty or invalid name,
 * 409 name taken or rebase in progress.
 */
int
attempt_rename_branch(struct req *rq, struct reply *rp)
{
	struct field_val		 v[1];
	struct branch_ops_rename_result	 r;
	json_object			*att, *task, *proj, *o,
					*merges = NULL;
	const char			*wt, *old;
	int				 rc, lock;

	memset(v, 0, sizeof(v));
	memset(&r, 0, sizeof(r));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0 ||
	    (rc = fields_parse_or_reply(rp, rq->json, rename_fields, v)) != 0 ||
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) != 0)
		goto out;
	old = jsonx_get_str(att, "branch");
	/* The original refuses while the latest merge is an open PR. */
	if (db_merges_of_attempt(rq->db, &merges, rq->id) == 0 &&
	    merges_shape(merges)) {
		rc = reply_errorf(rp, 409, "Cannot rename branch with an open "
		    "pull request. Please close the PR first or create a new "
		    "attempt.");
		goto out;
	}
	lock = repo_lock(jsonx_get_str(proj, "git_repo_path"));
	rc = branch_ops_rename(&r, jsonx_get_str(proj, "git_repo_path"), wt,
	    old, v[0].s);
	repo_unlock(lock);
	switch (r.why) {
	case BRANCH_OPS_RENAMED:
		if ((rc = db_begin(rq->db)) != 0 ||
		    (rc = db_attempt_set_branch(rq->db, rq->id, r.branch)) != 0 ||
		    (rc = db_attempt_retarget_children(rq->db,
		    jsonx_get_str(task, "id"), old, r.branch)) != 0 ||
		    (rc = db_commit(rq->db)) != 0) {
			rc = reply_err(rp, rc, NULL);
			goto out;
		}
		/* FALLTHROUGH */
	case BRANCH_OPS_UNCHANGED:
		if ((o = json_object_new_object()) == NULL ||
		    jsonx_add_str(o, "branch", r.branch) != 0) {
			json_object_put(o);
			rc = reply_errorf(rp, 500, "out of memory");
		} else
			rc = reply_data(rp, o);
		break;
	case BRANCH_OPS_EMPTY:
	case BRANCH_OPS_INVALID:
		rc = reply_errorf(rp, 400, "%s", r.msg);
		break;
	case BRANCH_OPS_EXISTS:
	case BRANCH_OPS_REBASING:
		rc = reply_errorf(rp, 409, "%s", r.msg);
		break;
	case BRANCH_OPS_NOBRANCH:
		rc = reply_errorf(rp, 404, "%s", r.msg);
		break;
	default:
		rc = reply_errorf(rp, 500, "%s", r.msg != NULL ? r.msg :
		    "rename failed");
	}
out:
	fields_clear(v, 1);
	json_object_put(merges);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

static const struct field target_fields[] = {
	{ "new_target_branch", FT_STRING, F_REQUIRED | F_NONEMPTY, 255, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * POST /api/task-attempts/{id}/change-target-branch {new_target_branch}:
 * {new_target_branch, status: [ahead, behind]}. 404 "Branch '<b>' does
 * not exist in the repository".
 */
int
attempt_change_target(struct req *rq, struct reply *rp)
{
	struct field_val v[1];
	json_object	*att, *task, *proj, *o = NULL, *st;
	size_t		 ahead = 0, behind = 0;
	char		 err[256];
	int		 rc;

	memset(v, 0, sizeof(v));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0 ||
	    (rc = fields_parse_or_reply(rp, rq->json, target_fields, v)) != 0)
		goto out;
	if (branch_ops_target_check(&ahead, &behind, jsonx_get_str(proj,
	    "git_repo_path"), jsonx_get_str(att, "branch"), v[0].s, err,
	    sizeof(err)) != 0) {
		rc = reply_errorf(rp, 404, "Branch '%s' does not exist in the "
		    "repository", v[0].s);
		goto out;
	}
	if ((rc = db_attempt_set_target(rq->db, rq->id, v[0].s)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if ((o = json_object_new_object()) == NULL ||
	    (st = json_object_new_array()) == NULL ||
	    jsonx_add(o, "status", st) != 0 ||
	    json_object_array_add(st, json_object_new_int64((int64_t)ahead)) ||
	    json_object_array_add(st, json_object_new_int64((int64_t)behind)) ||
	    jsonx_add_str(o, "new_target_branch", v[0].s) != 0) {
		json_object_put(o);
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	rc = reply_data(rp, o);
out:
	fields_clear(v, 1);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

/* The sha query parameter (4 to 40 hex digits), or a 400. */
static int
sha_or_reply(struct req *rq, struct reply *rp, const char **sha)
{
	size_t	 n;

	*sha = req_query(rq, "sha");
	if (*sha == NULL || **sha == '\0')
		return reply_errorf(rp, 400, "query parameter 'sha' is required");
	n = strspn(*sha, "0123456789abcdefABCDEF");
	if (n < 4 || n > 40 || (*sha)[n] != '\0')
		return reply_errorf(rp, 400, "query parameter 'sha' must be a "
		    "commit id");
	return 0;
}

/* The reply of commit-info or commit-compare for sha. */
static json_object *
commit_json(const char *wt, const char *sha, int compare, int *rc)
{
	struct branch_ops_commit_info	 ci;
	struct branch_ops_compare	 c;
	json_object			*o;
	int				 bad;

	*rc = compare ? branch_ops_commit_compare(&c, wt, sha) :
	    branch_ops_commit_info(&ci, wt, sha);
	if (*rc != 0 || (o = json_object_new_object()) == NULL)
		return NULL;
	if (compare)
		bad = jsonx_add_str(o, "head_oid", c.head_oid) ||
		    jsonx_add_str(o, "target_oid", c.target_oid) ||
		    jsonx_add_int(o, "ahead_from_head",
		    (long long)c.ahead_from_head) ||
		    jsonx_add_int(o, "behind_from_head",
		    (long long)c.behind_from_head) ||
		    jsonx_add_bool(o, "is_linear", c.is_linear);
	else
		bad = jsonx_add_str(o, "sha", ci.sha) ||
		    jsonx_add_str(o, "subject", ci.subject);
	if (bad) {
		json_object_put(o);
		*rc = E_FAIL;
		return NULL;
	}
	return o;
}

static int
commit_route(struct req *rq, struct reply *rp, int compare)
{
	json_object	*att, *task, *proj, *o;
	const char	*sha, *wt;
	int		 rc;

	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) == 0 &&
	    (rc = sha_or_reply(rq, rp, &sha)) == 0 &&
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) == 0) {
		if ((o = commit_json(wt, sha, compare, &rc)) != NULL)
			rc = reply_data(rp, o);
		else
			rc = reply_errorf(rp, rc == E_NOTFOUND ? 404 : 500,
			    rc == E_NOTFOUND ? "commit %s not found" :
			    "cannot read commit %s", sha);
	}
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

/* GET /api/task-attempts/{id}/commit-info?sha=: {sha, subject}. */
int
attempt_commit_info(struct req *rq, struct reply *rp)
{
	return commit_route(rq, rp, 0);
}

/*
 * GET /api/task-attempts/{id}/commit-compare?sha=: {head_oid, target_oid,
 * ahead_from_head, behind_from_head, is_linear}.
 */
int
attempt_commit_compare(struct req *rq, struct reply *rp)
{
	return commit_route(rq, rp, 1);
}

/* GET /api/task-attempts/{id}/files?path=: the worktree's directory. */
int
attempt_files_list(struct req *rq, struct reply *rp)
{
	json_object	*att, *task, *proj, *out;
	const char	*wt, *msg;
	int		 rc;

	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) == 0 &&
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) == 0) {
		if ((rc = fsb_list(&out, wt, req_query(rq, "path"), &msg)) != 0)
			rc = reply_errorf(rp, reply_status_of(rc), "%s", msg);
		else
			rc = reply_data(rp, out);
	}
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

/* GET /api/task-attempts/{id}/files/{path}: a worktree file. */
int
attempt_file_read(struct req *rq, struct reply *rp)
{
	json_object	*att, *task, *proj, *out;
	const char	*wt, *msg;
	long long	 size = 0;
	int		 rc;

	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) == 0 &&
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) == 0) {
		rc = fsb_read(&out, wt, rq->rest, &size, &msg);
		if (rc == E_TOOBIG)
			rc = reply_errorf(rp, 413, "File too large (%lld bytes, "
			    "max %d bytes)", size, FSB_MAX_FILE);
		else if (rc != 0)
			rc = reply_errorf(rp, reply_status_of(rc), "%s", msg);
		else
			rc = reply_data(rp, out);
	}
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

#define DIFF_BUDGET	(200ULL * 1024 * 1024)	/* content per reply, as the stream's */

static int
diff_collect(const char *path, json_object *diff, void *arg)
{
	return jsonx_add(arg, path, diff) != 0;
}

/*
 * GET /api/task-attempts/{id}/diff?stats_only=: the worktree's changes
 * against the merge base with the target branch, {base_oid, entries:
 * {<path>: Diff}} — the document the original's diff stream builds, in one
 * reply (Swarm addition; the stream itself is /diff/ws). 200, 404.
 */
int
attempt_diff(struct req *rq, struct reply *rp)
{
	json_object	*att, *task, *proj, *o = NULL, *entries = NULL;
	const char	*wt, *so = req_query(rq, "stats_only");
	char		 base[41];
	uint64_t	 budget = DIFF_BUDGET;
	int		 rc, lock;

	if (so != NULL && strcmp(so, "true") != 0 && strcmp(so, "false") != 0)
		return reply_errorf(rp, 400, "query parameter 'stats_only' must "
		    "be true or false");
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0 ||
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) != 0)
		goto out;
	if ((entries = json_object_new_object()) == NULL) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	lock = repo_lock(jsonx_get_str(proj, "git_repo_path"));
	rc = wtdiff_snapshot(base, wt, jsonx_get_str(att, "target_branch"),
	    so != NULL && strcmp(so, "true") == 0, &budget, diff_collect,
	    entries);
	repo_unlock(lock);
	if (rc != 0) {
		rc = reply_errorf(rp, rc == E_NOTFOUND ? 404 : 500, rc ==
		    E_NOTFOUND ? "target branch '%s' not found" :
		    "cannot compute the diff of %s",
		    jsonx_get_str(att, rc == E_NOTFOUND ? "target_branch" :
		    "branch"));
		goto out;
	}
	if ((o = json_object_new_object()) == NULL ||
	    jsonx_add_str(o, "base_oid", base) != 0 ||
	    jsonx_add(o, "entries", entries) != 0) {
		entries = NULL;
		json_object_put(o);
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	entries = NULL;
	rc = reply_data(rp, o);
out:
	json_object_put(entries);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}
