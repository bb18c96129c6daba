/* attempt_pr.c: pull requests of an attempt (create, attach, refresh) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "field.h"
#include "github.h"
#include "jsonx.h"
#include "node.h"
#include "push.h"
#include "repo.h"

/* A GitHub failure as the original's typed errors. */
static int
github_reply(struct reply *rp, enum github_fail f, const char *err,
    const char *base)
{
	json_object	*e;

	switch (f) {
	case GITHUB_NO_TOKEN:
		return typed_reply(rp, 400, "github_cli_not_logged_in", err,
		    NULL);
	case GITHUB_INVALID:
		/* 422 also says a PR exists already, or there is nothing new. */
		if (strstr(err, "already exists") != NULL ||
		    strstr(err, "No commits between") != NULL)
			return reply_errorf(rp, 409, "%s", err);
		typed_reply(rp, 400, "target_branch_not_found", err, NULL);
		if ((e = rp->error_data) != NULL && base != NULL)
			jsonx_add_str(e, "branch", base);
		return 400;
	default:	/* GITHUB_NOT_FOUND too: not one of our ids */
		return reply_errorf(rp, 502, "%s", err);
	}
}

/* Task done once its PR is merged, as after a direct merge. */
static void
pr_merged(struct db *db, const char *task_id, const char *project_id)
{
	if (db_task_set_status(db, task_id, "done") == 0)
		board_changed(0, project_id, &task_id, 1);
}

static const struct field pr_fields[] = {
	{ "title",		FT_STRING, F_REQUIRED | F_NONEMPTY, 1024, NULL },
	{ "body",		FT_STRING, 0, 65536, NULL },
	{ "target_branch",	FT_STRING, F_NONEMPTY, 255, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * POST /api/task-attempts/{id}/pr {title, body?, target_branch?}: push
 * the branch and open a pull request on GitHub (REST, SWARM_GITHUB_TOKEN);
 * data is its URL. 409 force_push_required; 400 github_cli_not_logged_in
 * or target_branch_not_found (error_data); 502 GitHub unreachable.
 */
int
attempt_pr_create(struct req *rq, struct reply *rp)
{
	struct field_val	 v[3];
	struct push_result	 pr;
	json_object		*att, *task, *proj, *pull = NULL, *num;
	const char		*wt, *base, *url, *branch;
	char			 owner[256], repo[256], err[512],
				 id[UUID_STRLEN + 1];
	enum github_fail	 f;
	int			 rc, lock;

	memset(v, 0, sizeof(v));
	memset(&pr, 0, sizeof(pr));
	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0 ||
	    (rc = fields_parse_or_reply(rp, rq->json, pr_fields, v)) != 0 ||
	    (rc = worktree_or_reply(rp, att, proj, &wt, rq->db)) != 0)
		goto out;
	if (github_repo_of(owner, sizeof(owner), repo, sizeof(repo),
	    jsonx_get_str(proj, "git_repo_path")) != 0) {
		rc = reply_errorf(rp, 400, "the repository has no origin remote "
		    "naming owner/repo");
		goto out;
	}
	base = v[2].s != NULL ? v[2].s : jsonx_get_str(att, "target_branch");
	if (base == NULL || *base == '\0')
		base = "main";
	if (strncmp(base, "origin/", 7) == 0)
		base += 7;
	branch = jsonx_get_str(att, "branch");
	lock = repo_lock(jsonx_get_str(proj, "git_repo_path"));
	rc = push_branch(&pr, wt, branch, 0);
	repo_unlock(lock);
	if (rc != 0) {
		rc = pr.kind == PUSH_REJECTED ? typed_reply(rp, 409,
		    "force_push_required", pr.msg, NULL) : reply_errorf(rp,
		    pr.kind == PUSH_NETWORK ? 502 : 409, "%s", pr.msg);
		goto out;
	}
	if ((f = github_pr_create(&pull, owner, repo, branch, base, v[0].s,
	    v[1].s, err, sizeof(err))) != GITHUB_OK) {
		rc = github_reply(rp, f, err, base);
		goto out;
	}
	if ((url = jsonx_get_str(pull, "html_url")) == NULL ||
	    !json_object_object_get_ex(pull, "number", &num) ||
	    uuid_new(id) != 0) {
		rc = reply_errorf(rp, 502, "GitHub sent no PR number or URL");
		goto out;
	}
	if ((rc = db_merge_insert_pr(rq->db, id, rq->id,
	    json_object_get_int64(num), url, "open", base)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	rc = reply_data(rp, json_object_new_string(url));
out:
	json_object_put(pull);
	fields_clear(v, 3);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

static json_object *
attach_json(int attached, const char *url, long long number,
    const char *status)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (jsonx_add_bool(o, "pr_attached", attached) != 0 ||
	    jsonx_add_str(o, "pr_url", url) != 0 ||
	    (attached ? jsonx_add_int(o, "pr_number", number) :
	    jsonx_add(o, "pr_number", NULL)) != 0 ||
	    jsonx_add_str(o, "pr_status", status) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * POST /api/task-attempts/{id}/pr/attach: the attempt's PR, recorded
 * from GitHub if not yet ({pr_attached, pr_url, pr_number, pr_status});
 * a merged one finishes the task.
 */
int
attempt_pr_attach(struct req *rq, struct reply *rp)
{
	json_object	*att, *task, *proj, *merges = NULL, *m, *pull = NULL,
			*num;
	const char	*type, *status, *url;
	char		 owner[256], repo[256], err[512], id[UUID_STRLEN + 1];
	enum github_fail f;
	int		 rc;

	if ((rc = attempt_context_or_reply(rq, rp, &att, &task, &proj)) != 0)
		goto out;
	if ((rc = db_merges_of_attempt(rq->db, &merges, rq->id)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if (json_object_array_length(merges) > 0 &&
	    (m = json_object_array_get_idx(merges, 0)) != NULL &&
	    (type = jsonx_get_str(m, "type")) != NULL &&
	    strcmp(type, "pr") == 0) {
		rc = reply_data(rp, attach_json(1, jsonx_get_str(m, "pr_url"),
		    json_object_get_int64(json_object_object_get(m,
		    "pr_number")), jsonx_get_str(m, "pr_status")));
		goto out;
	}
	if (github_repo_of(owner, sizeof(owner), repo, sizeof(repo),
	    jsonx_get_str(proj, "git_repo_path")) != 0) {
		rc = reply_errorf(rp, 400, "the repository has no origin remote "
		    "naming owner/repo");
		goto out;
	}
	if ((f = github_pr_find(&pull, owner, repo, jsonx_get_str(att,
	    "branch"), err, sizeof(err))) != GITHUB_OK) {
		rc = github_reply(rp, f, err, NULL);
		goto out;
	}
	if (pull == NULL) {
		rc = reply_data(rp, attach_json(0, NULL, 0, NULL));
		goto out;
	}
	status = github_pr_status(pull);
	url = jsonx_get_str(pull, "html_url");
	num = json_object_object_get(pull, "number");
	if (url == NULL || num == NULL || uuid_new(id) != 0 ||
	    (rc = db_merge_insert_pr(rq->db, id, rq->id,
	    json_object_get_int64(num), url, status, jsonx_get_str(att,
	    "target_branch"))) != 0) {
		rc = reply_errorf(rp, 502, "cannot record the pull request");
		goto out;
	}
	if (strcmp(status, "open") != 0)
		(void)db_merge_set_pr_status(rq->db, id, status,
		    jsonx_get_str(pull, "merge_commit_sha"));
	if (strcmp(status, "merged") == 0)
		pr_merged(rq->db, jsonx_get_str(task, "id"),
		    jsonx_get_str(proj, "id"));
	rc = reply_data(rp, attach_json(1, url, json_object_get_int64(num),
	    status));
out:
	json_object_put(pull);
	json_object_put(merges);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	return rc;
}

void
attempt_pr_refresh(struct db *db, const char *attempt_id)
{
	json_object	*merges = NULL, *m, *pull = NULL, *att = NULL,
			*task = NULL;
	const char	*type, *st, *now;
	char		 owner[256], repo[256], err[512];

	if (db_merges_of_attempt(db, &merges, attempt_id) != 0 ||
	    json_object_array_length(merges) == 0)
		goto out;
	m = json_object_array_get_idx(merges, 0);
	if ((type = jsonx_get_str(m, "type")) == NULL ||
	    strcmp(type, "pr") != 0 || (st = jsonx_get_str(m, "pr_status")) ==
	    NULL || strcmp(st, "open") != 0 ||
	    github_repo_of_url(owner, sizeof(owner), repo, sizeof(repo),
	    jsonx_get_str(m, "pr_url")) != 0)
		goto out;
	if (github_pr_get(&pull, owner, repo, json_object_get_int64(
	    json_object_object_get(m, "pr_number")), err, sizeof(err)) !=
	    GITHUB_OK) {
		log_warnx("attempt %s: PR status not refreshed: %s",
		    attempt_id, err);
		goto out;
	}
	if (strcmp(now = github_pr_status(pull), "open") == 0)
		goto out;
	if (db_merge_set_pr_status(db, jsonx_get_str(m, "id"), now,
	    jsonx_get_str(pull, "merge_commit_sha")) != 0)
		goto out;
	if (strcmp(now, "merged") == 0 &&
	    db_attempt_get(db, &att, attempt_id) == 0 &&
	    db_task_get(db, &task, jsonx_get_str(att, "task_id")) == 0)
		pr_merged(db, jsonx_get_str(task, "id"),
		    jsonx_get_str(task, "project_id"));
out:
	json_object_put(task);
	json_object_put(att);
	json_object_put(pull);
	json_object_put(merges);
}
