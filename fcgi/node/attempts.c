/* attempts.c: task attempt routes (create and start, list, get) */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "executors.h"
#include "field.h"
#include "fsbrowse.h"
#include "images.h"
#include "jsonx.h"
#include "launch.h"
#include "node.h"
#include "notify.h"
#include "repo.h"
#include "worktree.h"
#include "worktrees.h"

#define MAX_BRANCH	255
#define COPY_MAX_DEPTH	16

enum { AF_TASK, AF_BASE, AF_TARGET_NODE, AF__MAX };

static const struct field attempt_create_fields[] = {
	{ "task_id",		FT_UUID,   F_REQUIRED, 0, NULL },
	{ "base_branch",	FT_STRING, F_REQUIRED | F_NONEMPTY, MAX_BRANCH, NULL },
	{ "target_node_id",	FT_UUID,   0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* {"typ": typ, "next_action": next}; takes both references. */
static json_object *
action_new(json_object *typ, json_object *next)
{
	json_object	*a;

	if (typ == NULL || (a = json_object_new_object()) == NULL) {
		json_object_put(typ);
		json_object_put(next);
		return NULL;
	}
	if (jsonx_add(a, "typ", typ) != 0 ||
	    jsonx_add(a, "next_action", next) != 0) {
		json_object_put(a);
		return NULL;
	}
	return a;
}

static json_object *
script_typ(const char *script, const char *context)
{
	json_object	*t;

	if ((t = json_object_new_object()) == NULL)
		return NULL;
	if (jsonx_add_str(t, "type", "ScriptRequest") != 0 ||
	    jsonx_add_str(t, "script", script) != 0 ||
	    jsonx_add_str(t, "language", "Bash") != 0 ||
	    jsonx_add_str(t, "context", context) != 0) {
		json_object_put(t);
		return NULL;
	}
	return t;
}

/*
 * A coding-agent request: initial, or a follow-up resuming session_id
 * (not NULL), as the original's ExecutorAction types.
 */
static json_object *
agent_typ(const char *prompt, const char *executor, const char *variant,
    const char *session_id)
{
	json_object	*t, *p;

	if ((t = json_object_new_object()) == NULL)
		return NULL;
	if ((p = json_object_new_object()) == NULL ||
	    jsonx_add_str(p, "executor", executor) != 0 ||
	    (strcmp(variant, "DEFAULT") != 0 &&
	    jsonx_add_str(p, "variant", variant) != 0) ||
	    jsonx_add_str(t, "type", session_id != NULL ?
	    "CodingAgentFollowUpRequest" : "CodingAgentInitialRequest") != 0 ||
	    jsonx_add_str(t, "prompt", prompt) != 0 ||
	    (session_id != NULL &&
	    jsonx_add_str(t, "session_id", session_id) != 0) ||
	    jsonx_add(t, "executor_profile_id", p) != 0) {
		json_object_put(t);
		return NULL;
	}
	return t;
}

static int
nonblank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (strchr(" \t\r\n", *s) == NULL)
			return 1;
	return 0;
}

/*
 * The chain the original runs: setup script (if any), the coding agent,
 * cleanup script (if any). *first_reason is the run_reason of its head.
 */
static json_object *
action_chain(json_object *project, const char *prompt, const char *executor,
    const char *variant, const char *session_id, int with_setup,
    const char **first_reason)
{
	const char	*setup = jsonx_get_str(project, "setup_script");
	const char	*cleanup = jsonx_get_str(project, "cleanup_script");
	json_object	*tail = NULL, *agent;

	if (nonblank(cleanup) && (tail = action_new(script_typ(cleanup,
	    "CleanupScript"), NULL)) == NULL)
		return NULL;
	if ((agent = action_new(agent_typ(prompt, executor, variant,
	    session_id), tail)) == NULL)
		return NULL;
	*first_reason = "codingagent";
	if (!with_setup || !nonblank(setup))
		return agent;
	*first_reason = "setupscript";
	return action_new(script_typ(setup, "SetupScript"), agent);
}

/* Copy a file or a directory tree; symlinks are not followed. */
static int
copy_tree(const char *src, const char *dst, int depth)
{
	struct stat	 st;
	struct dirent	*de;
	DIR		*d;
	char		 s2[PATH_MAX], d2[PATH_MAX], buf[65536];
	ssize_t		 n;
	int		 in, out, rc = 0;

	if (depth > COPY_MAX_DEPTH || lstat(src, &st) != 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		if (mkdir(dst, st.st_mode & 07777) != 0 && errno != EEXIST)
			return -1;
		if ((d = opendir(src)) == NULL)
			return -1;
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if ((size_t)snprintf(s2, sizeof(s2), "%s/%s", src,
			    de->d_name) >= sizeof(s2) ||
			    (size_t)snprintf(d2, sizeof(d2), "%s/%s", dst,
			    de->d_name) >= sizeof(d2) ||
			    copy_tree(s2, d2, depth + 1) != 0)
				rc = -1;
		}
		closedir(d);
		return rc;
	}
	if (!S_ISREG(st.st_mode))
		return 0;
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    st.st_mode & 0777)) < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			rc = -1;
			break;
		}
	if (n < 0 || close(out) != 0)
		rc = -1;
	close(in);
	return rc;
}

/*
 * copy_files: comma-separated paths relative to the repository, copied
 * into the new worktree (e.g. .env files git does not track). A path
 * that is missing or outside the repository is skipped with a warning,
 * as the original logs and goes on.
 */
static void
copy_project_files(const char *list, const char *repo, const char *wt)
{
	char	*copy, *item, *save = NULL, *src, dst[PATH_MAX], *slash;
	size_t	 len;

	if (list == NULL || (copy = strdup(list)) == NULL)
		return;
	for (item = strtok_r(copy, ",", &save); item != NULL;
	    item = strtok_r(NULL, ",", &save)) {
		while (*item == ' ')
			item++;
		len = strlen(item);
		while (len > 0 && item[len - 1] == ' ')
			item[--len] = '\0';
		if (len == 0)
			continue;
		if (fsb_resolve(&src, repo, item) != 0) {
			log_warnx("copy_files: %s: missing or outside the "
			    "repository, skipped", item);
			continue;
		}
		if ((size_t)snprintf(dst, sizeof(dst), "%s/%s", wt, item) <
		    sizeof(dst)) {
			/* Parent directories first, as the original does. */
			for (slash = dst + strlen(wt) + 1;
			    (slash = strchr(slash, '/')) != NULL; slash++) {
				*slash = '\0';
				mkdir(dst, 0755);
				*slash = '/';
			}
			if (copy_tree(src, dst, 0) != 0)
				log_warn("copy_files: %s", item);
		}
		free(src);
	}
	free(copy);
}

/* executor_profile_id {executor, variant?} ("profile" accepted for executor). */
static int
profile_or_reply(struct reply *rp, json_object *body, char *exe, char *var)
{
	json_object	*p, *v = NULL;
	const char	*name, *variant = NULL;
	char		 err[256];

	if (!json_object_object_get_ex(body, "executor_profile_id", &p) ||
	    p == NULL)
		return reply_errorf(rp, 400,
		    "field 'executor_profile_id' is required");
	if (!json_object_is_type(p, json_type_object) ||
	    ((name = jsonx_get_str(p, "executor")) == NULL &&
	    (name = jsonx_get_str(p, "profile")) == NULL))
		return reply_errorf(rp, 400, "field 'executor_profile_id' must "
		    "be an object with a string 'executor'");
	if (json_object_object_get_ex(p, "variant", &v) && v != NULL) {
		if ((variant = jsonx_get_str(p, "variant")) == NULL)
			return reply_errorf(rp, 400, "field 'executor_profile_id"
			    ".variant' must be a string");
	}
	if (node_executors() == NULL)
		return reply_errorf(rp, 503, "executor profiles unavailable "
		    "(see the node log)");
	if (executors_resolve(exe, var, node_executors(), name, variant, err,
	    sizeof(err)) != 0)
		return reply_errorf(rp, 400, "field 'executor_profile_id': %s",
		    err);
	return 0;
}

/*
 * POST /api/task-attempts: a branch and worktree for the task from
 * base_branch, then its chain (setup script, coding agent, cleanup
 * script) under a detached swarm-runner. 200 with the TaskAttempt; 400
 * bad input or remote project; 404 unknown task or base branch; 409
 * worktree or branch exists; 500 when the runner cannot start.
 */
int
attempt_create(struct req *rq, struct reply *rp)
{
	struct field_val	 v[AF__MAX];
	struct attempt_row	 row;
	struct exec_cmd		*cmd = NULL;
	json_object		*task = NULL, *project = NULL, *chain = NULL,
				*obj;
	const char		*repo = NULL, *title, *reason = NULL, *rendered,
				*prefix = getenv("SWARM_BRANCH_PREFIX"), *tid;
	char			 exe[EXECUTORS_NAME_MAX],
				 var[EXECUTORS_VARIANT_MAX],
				 id[UUID_STRLEN + 1], pid[UUID_STRLEN + 1],
				 branch[MAX_BRANCH + 1], dir[MAX_BRANCH + 1],
				 path[PATH_MAX], err[256], *prompt = NULL;
	uint64_t		 used_mb, quota_mb;
	int			 rc, made = 0;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, attempt_create_fields,
	    v)) != 0 || (rc = profile_or_reply(rp, rq->json, exe, var)) != 0)
		goto out;
	if (v[AF_TARGET_NODE].s != NULL) {
		rc = reply_errorf(rp, 400, "field 'target_node_id': this node "
		    "is not connected to a hive");
		goto out;
	}
	if ((rc = db_task_get(rq->db, &task, v[AF_TASK].s)) != 0) {
		task = NULL;
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if ((rc = db_project_get(rq->db, &project,
	    jsonx_get_str(task, "project_id"))) != 0) {
		project = NULL;
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	if (json_object_get_boolean(json_object_object_get(project,
	    "is_remote"))) {
		rc = reply_errorf(rp, 400, "Cannot start task attempts on remote "
		    "projects. Tasks execute on their origin node.");
		goto out;
	}
	if (executors_build(&cmd, node_executors(), exe, var, NULL, NULL, err,
	    sizeof(err)) != 0) {
		rc = reply_errorf(rp, 400, "field 'executor_profile_id': %s",
		    err);
		goto out;
	}
	repo = jsonx_get_str(project, "git_repo_path");
	title = jsonx_get_str(task, "title");
	if (!repo_is_repo(repo)) {
		repo = NULL;
		rc = reply_errorf(rp, 404, "project repository not found");
		goto out;
	}
	if (uuid_new(id) != 0 || uuid_new(pid) != 0 ||
	    worktree_branch_name(branch, sizeof(branch), prefix != NULL ?
	    prefix : "vk", id, title) != 0 ||
	    worktree_dir_name(dir, sizeof(dir), id, title) != 0 ||
	    (size_t)snprintf(path, sizeof(path), "%s/%s", worktrees_root(),
	    dir) >= sizeof(path)) {
		rc = reply_errorf(rp, 500, "cannot name the attempt");
		goto out;
	}
	if (worktrees_quota(&used_mb, &quota_mb) != 0) {
		repo = NULL;
		rc = reply_errorf(rp, 507, "worktree disk quota exceeded: %llu MB "
		    "used of %llu MB (SWARM_WORKTREE_QUOTA_MB); merge, finish or "
		    "delete attempts to free space", (unsigned long long)used_mb,
		    (unsigned long long)quota_mb);
		goto out;
	}
	if ((rc = worktree_create(repo, path, branch, v[AF_BASE].s, err,
	    sizeof(err))) != 0) {
		rc = rc == E_NOTFOUND ? reply_errorf(rp, 404, "base branch '%s' "
		    "not found", v[AF_BASE].s) : reply_errorf(rp,
		    reply_status_of(rc), "%s", err);
		goto out;
	}
	made = 1;
	copy_project_files(jsonx_get_str(project, "copy_files"), repo, path);
	(void)images_copy_to_worktree(rq->db, v[AF_TASK].s, path);
	if (executors_prompt(&prompt, title, jsonx_get_str(task,
	    "description"), jsonx_get_str(task, "validation_steps"),
	    cmd->append_prompt) != 0 ||
	    images_canonicalise_prompt(&prompt, path) != 0 ||
	    (chain = action_chain(project, prompt, exe, var, NULL, 1,
	    &reason)) == NULL ||
	    (rendered = jsonx_render(chain, NULL)) == NULL) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	row.id = id;
	row.task_id = v[AF_TASK].s;
	row.executor = exe;
	row.target_branch = v[AF_BASE].s;
	row.container_ref = path;
	row.branch = branch;
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_attempt_insert(rq->db, &row)) != 0 ||
	    (rc = db_process_insert(rq->db, pid, id, reason, rendered)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	made = 0;	/* the attempt owns its worktree now */
	tid = row.task_id;
	board_changed(0, jsonx_get_str(project, "id"), &tid, 1);
	notify_send(NOTIFY_PROCS, id);
	if (launch_runner(NULL, pid) != 0) {
		rc = reply_errorf(rp, 500, "could not start the runner; the "
		    "attempt's process will be marked failed");
		goto out;
	}
	if ((rc = db_attempt_get(rq->db, &obj, id)) != 0) {
		rc = reply_err(rp, rc, "task attempt");
		goto out;
	}
	rc = reply_data(rp, obj);
out:
	if (made && worktree_remove(repo, path, id, err, sizeof(err)) != 0 &&
	    strlen(err) > 0)
		log_warnx("attempt %s: worktree not removed: %s", id, err);
	free(prompt);
	exec_cmd_free(cmd);
	json_object_put(chain);
	json_object_put(task);
	json_object_put(project);
	fields_clear(v, AF__MAX);
	return rc;
}

/* GET /api/task-attempts?task_id=: TaskAttempt[] newest first. */
int
attempt_list(struct req *rq, struct reply *rp)
{
	const char	*tid = req_query(rq, "task_id");
	char		 id[UUID_STRLEN + 1];
	json_object	*arr;
	int		 rc;

	if (tid != NULL && uuid_parse(id, tid) != 0)
		return reply_errorf(rp, 400,
		    "query parameter 'task_id' must be a UUID");
	if ((rc = db_attempt_list(rq->db, &arr, tid != NULL ? id : NULL)) != 0)
		return reply_err(rp, rc, NULL);
	return reply_data(rp, arr);
}

/* GET /api/task-attempts/{id}: the TaskAttempt. 200, 404. */
int
attempt_get(struct req *rq, struct reply *rp)
{
	json_object	*obj;
	int		 rc;

	if ((rc = db_attempt_get(rq->db, &obj, rq->id)) != 0)
		return reply_err(rp, rc, "task attempt");
	return reply_data(rp, obj);
}

enum { FF_PROMPT, FF_VARIANT, FF_IMAGES, FF_RETRY, FF_FORCE, FF_RESET,
    FF__MAX };

static const struct field follow_up_fields[] = {
	{ "prompt",		FT_STRING,	F_REQUIRED | F_NONEMPTY, 262144, NULL },
	{ "variant",		FT_STRING,	0, 64, NULL },
	{ "image_ids",		FT_UUID_ARRAY,	0, 100, NULL },
	{ "retry_process_id",	FT_UUID,	0, 0, NULL },
	{ "force_when_dirty",	FT_BOOL,	0, 0, NULL },
	{ "perform_git_reset",	FT_BOOL,	0, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * With retry_process_id: the worktree goes back to where that process
 * started (unless perform_git_reset is false; refused with 409 when it
 * has changes, unless force_when_dirty) and that process and the later
 * ones leave the history. A reply on failure.
 */
static int
retry_or_reply(struct req *rq, struct reply *rp, struct field_val *v,
    const char *wt)
{
	json_object	*proc;
	const char	*before, *aid;
	int		 rc, lock;

	if ((rc = db_process_get(rq->db, &proc, v[FF_RETRY].s)) != 0)
		return reply_err(rp, rc, "execution process");
	aid = jsonx_get_str(proc, "task_attempt_id");
	before = jsonx_get_str(proc, "before_head_commit");
	if (aid == NULL || strcmp(aid, rq->id) != 0) {
		json_object_put(proc);
		return reply_errorf(rp, 400, "field 'retry_process_id' is not a "
		    "process of this attempt");
	}
	rc = 0;
	if ((!v[FF_RESET].present || v[FF_RESET].is_null || v[FF_RESET].b) &&
	    before != NULL) {
		lock = repo_lock(wt);
		rc = repo_reset_hard(wt, before, v[FF_FORCE].b);
		repo_unlock(lock);
	}
	json_object_put(proc);
	if (rc == E_CONFLICT)
		return reply_errorf(rp, 409, "the worktree has uncommitted "
		    "changes; commit them or retry with force_when_dirty");
	if (rc != 0)
		return reply_errorf(rp, 500, "cannot reset the worktree");
	if ((rc = db_process_drop_from(rq->db, rq->id, v[FF_RETRY].s)) != 0)
		return reply_err(rp, rc, NULL);
	notify_send(NOTIFY_PROCS, rq->id);
	return 0;
}

/*
 * A follow-up's image_ids join the task's images (as the original), all
 * or none: an unknown image is 404 and attaches nothing.
 */
static int
attach_images_or_reply(struct req *rq, struct reply *rp, const char *task_id,
    const struct field_val *images)
{
	size_t	 i;
	int	 rc;

	if (!images->present || images->is_null || images->nuuids == 0)
		return 0;
	if ((rc = db_begin(rq->db)) != 0)
		return reply_err(rp, rc, NULL);
	for (i = 0; i < images->nuuids; i++)
		if ((rc = db_image_attach(rq->db, task_id,
		    images->uuids[i])) != 0) {
			db_rollback(rq->db);
			return reply_err(rp, rc, "image");
		}
	if ((rc = db_commit(rq->db)) != 0)
		return reply_err(rp, rc, NULL);
	return 0;
}

/*
 * POST /api/task-attempts/{id}/follow-up {prompt, variant?, image_ids?,
 * retry_process_id?, force_when_dirty?, perform_git_reset?}: the agent
 * again in the attempt's worktree, resuming its last session when there
 * is one (else a fresh request, as the original), then the cleanup
 * script. 200 with the new ExecutionProcess; 409 while a process runs.
 */
int
attempt_follow_up(struct req *rq, struct reply *rp)
{
	struct field_val	 v[FF__MAX];
	struct exec_cmd		*cmd = NULL;
	json_object		*att = NULL, *task = NULL, *proj = NULL,
				*last = NULL, *prev = NULL, *typ, *prof,
				*chain = NULL, *obj;
	const char		*wt, *sid = NULL, *variant = NULL, *reason,
				*rendered, *s, *tid;
	char			 exe[EXECUTORS_NAME_MAX],
				 var[EXECUTORS_VARIANT_MAX], err[256],
				 pid[UUID_STRLEN + 1], *prompt = NULL;
	long long		 running = 0;
	int			 rc, created = 0;

	memset(v, 0, sizeof(v));
	if ((rc = fields_parse_or_reply(rp, rq->json, follow_up_fields,
	    v)) != 0)
		goto out;
	if ((rc = db_attempt_get(rq->db, &att, rq->id)) != 0) {
		att = NULL;
		rc = reply_err(rp, rc, "task attempt");
		goto out;
	}
	if ((rc = db_task_get(rq->db, &task, jsonx_get_str(att,
	    "task_id"))) != 0 || (rc = db_project_get(rq->db, &proj,
	    jsonx_get_str(task, "project_id"))) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if ((rc = db_attempt_running(rq->db, &running, rq->id)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if (running > 0) {
		rc = reply_errorf(rp, 409, "the attempt has a running process; "
		    "wait for it or stop it first");
		goto out;
	}
	wt = jsonx_get_str(att, "container_ref");
	if (wt == NULL || worktree_ensure(&created, jsonx_get_str(proj,
	    "git_repo_path"), wt, jsonx_get_str(att, "branch"), err,
	    sizeof(err)) != 0) {
		rc = reply_errorf(rp, 409, "cannot restore the worktree");
		goto out;
	}
	if (v[FF_RETRY].s != NULL &&
	    (rc = retry_or_reply(rq, rp, v, wt)) != 0)
		goto out;
	/* Session and variant of the newest agent run still in history. */
	if (db_attempt_session(rq->db, &last, rq->id) == 0) {
		sid = jsonx_get_str(last, "session_id");
		if ((s = jsonx_get_str(last, "executor_action")) != NULL &&
		    jsonx_parse_strict(&prev, s, strlen(s), err,
		    sizeof(err)) == 0 && prev != NULL &&
		    json_object_object_get_ex(prev, "typ", &typ) &&
		    json_object_object_get_ex(typ, "executor_profile_id", &prof))
			variant = jsonx_get_str(prof, "variant");
	}
	if (v[FF_VARIANT].s != NULL)
		variant = v[FF_VARIANT].s;
	if (node_executors() == NULL) {
		rc = reply_errorf(rp, 503, "executor profiles unavailable");
		goto out;
	}
	if (executors_resolve(exe, var, node_executors(), jsonx_get_str(att,
	    "executor"), variant, err, sizeof(err)) != 0 ||
	    executors_build(&cmd, node_executors(), exe, var, NULL, NULL, err,
	    sizeof(err)) != 0) {
		rc = reply_errorf(rp, 400, "field 'variant': %s", err);
		goto out;
	}
	if ((rc = attach_images_or_reply(rq, rp, jsonx_get_str(task, "id"),
	    &v[FF_IMAGES])) != 0)
		goto out;
	(void)images_copy_to_worktree(rq->db, jsonx_get_str(task, "id"), wt);
	if (asprintf(&prompt, "%s%s", v[FF_PROMPT].s, cmd->append_prompt) < 0) {
		prompt = NULL;
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	if (images_canonicalise_prompt(&prompt, wt) != 0) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	if ((chain = action_chain(proj, prompt, exe, var, sid, 0,
	    &reason)) == NULL || (rendered = jsonx_render(chain, NULL)) == NULL ||
	    uuid_new(pid) != 0) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	if ((rc = db_process_insert(rq->db, pid, rq->id, reason,
	    rendered)) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	tid = jsonx_get_str(task, "id");
	board_changed(0, jsonx_get_str(proj, "id"), &tid, 1);
	notify_send(NOTIFY_PROCS, rq->id);
	if (launch_runner(NULL, pid) != 0) {
		rc = reply_errorf(rp, 500, "could not start the runner; the "
		    "process will be marked failed");
		goto out;
	}
	if ((rc = db_process_get(rq->db, &obj, pid)) != 0) {
		rc = reply_err(rp, rc, "execution process");
		goto out;
	}
	process_action_as_object(obj);
	rc = reply_data(rp, obj);
out:
	free(prompt);
	exec_cmd_free(cmd);
	json_object_put(chain);
	json_object_put(prev);
	json_object_put(last);
	json_object_put(att);
	json_object_put(task);
	json_object_put(proj);
	fields_clear(v, FF__MAX);
	return rc;
}

/*
 * GET /api/task-attempts/{id}/children: TaskRelationships {parent_task:
 * Task|null, current_attempt: TaskAttempt, children: Task[]} (the
 * attempt's task's parent and subtasks). 200, 404.
 */
int
attempt_children(struct req *rq, struct reply *rp)
{
	json_object	*att = NULL, *task = NULL, *parent = NULL,
			*children = NULL, *o;
	const char	*pid;
	int		 rc;

	if ((rc = db_attempt_get(rq->db, &att, rq->id)) != 0) {
		att = NULL;
		rc = reply_err(rp, rc, "task attempt");
		goto out;
	}
	if ((rc = db_task_get(rq->db, &task, jsonx_get_str(att,
	    "task_id"))) != 0) {
		task = NULL;
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if ((pid = jsonx_get_str(task, "parent_task_id")) != NULL &&
	    (rc = db_task_get(rq->db, &parent, pid)) != 0 && rc != E_NOTFOUND) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if ((rc = db_task_children(rq->db, &children, jsonx_get_str(task,
	    "id"))) != 0) {
		rc = reply_err(rp, rc, NULL);
		goto out;
	}
	if ((o = json_object_new_object()) == NULL ||
	    jsonx_add(o, "parent_task", parent) != 0 ||
	    jsonx_add(o, "current_attempt", att) != 0 ||
	    jsonx_add(o, "children", children) != 0) {
		parent = att = children = NULL;
		json_object_put(o);
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	parent = att = children = NULL;
	rc = reply_data(rp, o);
out:
	json_object_put(att);
	json_object_put(task);
	json_object_put(parent);
	json_object_put(children);
	return rc;
}
