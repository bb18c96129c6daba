/* projects.c: project routes (list, create, get, update, delete, branches) */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "field.h"
#include "jsonx.h"
#include "node.h"
#include "repo.h"
#include "swarm.h"
#include "worktrees.h"

#define MAX_NAME	4096
#define MAX_PATH_LEN	4096
#define MAX_SCRIPT	65536

#define DUPLICATE_PATH	"A project with this git repository path already exists"

enum { PF_NAME, PF_PATH, PF_EXISTING, PF_SETUP, PF_DEV, PF_CLEANUP, PF_COPY,
    PF__MAX };

static const struct field project_create_fields[] = {
	{ "name",		FT_STRING, F_REQUIRED | F_NONEMPTY, MAX_NAME, NULL },
	{ "git_repo_path",	FT_STRING, F_REQUIRED | F_NONEMPTY, MAX_PATH_LEN, NULL },
	{ "use_existing_repo",	FT_BOOL,   F_REQUIRED, 0, NULL },
	{ "setup_script",	FT_STRING, 0, MAX_SCRIPT, NULL },
	{ "dev_script",		FT_STRING, 0, MAX_SCRIPT, NULL },
	{ "cleanup_script",	FT_STRING, 0, MAX_SCRIPT, NULL },
	{ "copy_files",		FT_STRING, 0, MAX_PATH_LEN, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* PUT takes the same fields, none required (use_existing_repo unused). */
static const struct field project_update_fields[] = {
	{ "name",		FT_STRING, F_NONEMPTY, MAX_NAME, NULL },
	{ "git_repo_path",	FT_STRING, F_NONEMPTY, MAX_PATH_LEN, NULL },
	{ "use_existing_repo",	FT_BOOL,   0, 0, NULL },
	{ "setup_script",	FT_STRING, 0, MAX_SCRIPT, NULL },
	{ "dev_script",		FT_STRING, 0, MAX_SCRIPT, NULL },
	{ "cleanup_script",	FT_STRING, 0, MAX_SCRIPT, NULL },
	{ "copy_files",		FT_STRING, 0, MAX_PATH_LEN, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/*
 * Expand a leading "~/" and normalise lexically ("//", ".", ".." and a
 * trailing "/" removed) into out[PATH_MAX]. Fails (400) on a relative
 * path, as the server's working directory means nothing to a client.
 */
static int
path_normalize_or_reply(struct reply *rp, char *out, const char *in)
{
	char		 buf[PATH_MAX];
	const char	*home = getenv("HOME"), *p;
	struct passwd	*pw;
	size_t		 o = 0, len;

	if (strncmp(in, "~/", 2) == 0 || strcmp(in, "~") == 0) {
		if (home == NULL && (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
		if (home == NULL || (size_t)snprintf(buf, sizeof(buf), "%s/%s",
		    home, in + 1) >= sizeof(buf))
			return reply_errorf(rp, 400,
			    "field 'git_repo_path' is too long");
	} else if ((size_t)snprintf(buf, sizeof(buf), "%s", in) >= sizeof(buf))
		return reply_errorf(rp, 400, "field 'git_repo_path' is too long");
	if (buf[0] != '/')
		return reply_errorf(rp, 400,
		    "field 'git_repo_path' must be an absolute path");
	for (p = buf; *p != '\0';) {
		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.')) {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p += len;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/* mkdir -p with mode 0755; 0 or -1 with errno. */
static int
mkdir_p(const char *path)
{
	char	 buf[PATH_MAX];
	char	*p;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0755) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* The canonical path of a directory that exists, or its normal form. */
static void
path_canonical(char *out, const char *norm)
{
	char	 real[PATH_MAX];

	if (realpath(norm, real) != NULL)
		memcpy(out, real, strlen(real) + 1);
	else
		memmove(out, norm, strlen(norm) + 1);
}

/*
 * Check (use_existing_repo) or make (otherwise) the repository directory,
 * as the original does, with its messages. Fills canon[PATH_MAX].
 */
static int
project_repo_or_reply(struct reply *rp, struct db *db, char *canon,
    const char *norm, int existing)
{
	struct stat	 st;
	char		 gitdir[PATH_MAX + 8], err[512];
	int		 rc;

	if (stat(norm, &st) != 0) {
		if (existing)
			return reply_errorf(rp, 400,
			    "The specified path does not exist");
	} else if (!S_ISDIR(st.st_mode))
		return reply_errorf(rp, 400,
		    "The specified path is not a directory");
	path_canonical(canon, norm);
	snprintf(gitdir, sizeof(gitdir), "%s/.git", canon);
	if (existing && stat(gitdir, &st) != 0)
		return reply_errorf(rp, 400,
		    "The specified directory is not a git repository");
	/* Refuse a duplicate before touching the disk. */
	if ((rc = db_project_path_free(db, canon, NULL)) != 0)
		return rc == E_CONFLICT ? reply_errorf(rp, 409, DUPLICATE_PATH) :
		    reply_err(rp, rc, NULL);
	if (existing)
		return 0;
	if (mkdir_p(canon) != 0)
		return reply_errorf(rp, 400, "Failed to create directory: %s",
		    strerror(errno));
	path_canonical(canon, norm);
	if (repo_init_main(canon, err, sizeof(err)) != 0)
		return reply_errorf(rp, 500, "%s", err);
	return 0;
}

/* GET /api/projects: every project, newest first. 200, 503. */
int
project_list(struct req *rq, struct reply *rp)
{
	json_object	*arr;
	int		 rc;

	/*
	 * Swarm mode: remote projects come and go with a pull, so this read
	 * must reach a worker: the list is not left in the nginx cache.
	 */
	if (hive_enabled())
		hive_sync(rq->db, 0);
	else
		board_cache_projects(rp);
	if ((rc = db_project_list(rq->db, &arr)) != 0)
		return reply_err(rp, rc, NULL);
	return reply_data(rp, arr);
}

/*
 * POST /api/projects: create a project on a repository that exists
 * (use_existing_repo) or that is made here. 200 with the Project; 400
 * bad input; 409 duplicate path; 503.
 */
int
project_create(struct req *rq, struct reply *rp)
{
	struct field_val	 v[PF__MAX];
	struct project_row	 row;
	char			 id[UUID_STRLEN + 1], norm[PATH_MAX],
				 canon[PATH_MAX];
	json_object		*obj;
	int			 rc;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, project_create_fields,
	    v)) != 0)
		return rc;
	if ((rc = path_normalize_or_reply(rp, norm, v[PF_PATH].s)) != 0 ||
	    (rc = project_repo_or_reply(rp, rq->db, canon, norm,
	    v[PF_EXISTING].b)) != 0)
		return rc;
	if (uuid_new(id) != 0)
		return reply_errorf(rp, 500, "no randomness");
	row.id = id;
	row.name = v[PF_NAME].s;
	row.git_repo_path = canon;
	row.setup_script = v[PF_SETUP].s;
	row.dev_script = v[PF_DEV].s;
	row.cleanup_script = v[PF_CLEANUP].s;
	row.copy_files = v[PF_COPY].s;
	if ((rc = db_project_insert(rq->db, &row)) != 0)
		return rc == E_CONFLICT ? reply_errorf(rp, 409, DUPLICATE_PATH) :
		    reply_err(rp, rc, NULL);
	board_changed(1, NULL, NULL, 0);
	if ((rc = db_project_get(rq->db, &obj, id)) != 0)
		return reply_err(rp, rc, "project");
	return reply_data(rp, obj);
}

/* GET /api/projects/{id}. 200, 404, 503. */
int
project_get(struct req *rq, struct reply *rp)
{
	json_object	*obj;
	int		 rc;

	if ((rc = db_project_get(rq->db, &obj, rq->id)) != 0)
		return reply_err(rp, rc, "project");
	return reply_data(rp, obj);
}

/*
 * PUT /api/projects/{id}: name and git_repo_path omitted keep their
 * values; scripts and copy_files omitted or null become null, as the
 * original does (its frontend sends every field). 200, 400, 404, 409.
 */
int
project_update(struct req *rq, struct reply *rp)
{
	struct field_val	 v[PF__MAX];
	struct project_row	 row;
	char			 norm[PATH_MAX], canon[PATH_MAX];
	json_object		*obj;
	int			 rc;

	memset(v, 0, sizeof(v));
	memset(&row, 0, sizeof(row));
	if ((rc = fields_parse_or_reply(rp, rq->json, project_update_fields,
	    v)) != 0)
		return rc;
	if ((rc = db_project_get(rq->db, &obj, rq->id)) != 0)
		return reply_err(rp, rc, "project");
	json_object_put(obj);
	row.id = rq->id;
	row.name = v[PF_NAME].s;
	if (v[PF_PATH].s != NULL) {
		if ((rc = path_normalize_or_reply(rp, norm, v[PF_PATH].s)) != 0)
			return rc;
		path_canonical(canon, norm);
		if ((rc = db_project_path_free(rq->db, canon, rq->id)) != 0)
			return rc == E_CONFLICT ?
			    reply_errorf(rp, 409, DUPLICATE_PATH) :
			    reply_err(rp, rc, NULL);
		row.git_repo_path = canon;
	}
	row.setup_script = v[PF_SETUP].s;
	row.dev_script = v[PF_DEV].s;
	row.cleanup_script = v[PF_CLEANUP].s;
	row.copy_files = v[PF_COPY].s;
	if ((rc = db_project_update(rq->db, &row)) != 0)
		return rc == E_CONFLICT ? reply_errorf(rp, 409, DUPLICATE_PATH) :
		    reply_err(rp, rc, "project");
	board_changed(1, NULL, NULL, 0);
	if ((rc = db_project_get(rq->db, &obj, rq->id)) != 0)
		return reply_err(rp, rc, "project");
	return reply_data(rp, obj);
}

/*
 * DELETE /api/projects/{id}: the project and, by cascade, its tasks.
 * The project row is locked first, so no task can be added meanwhile
 * and the list of task files to invalidate is complete. 200, 404; 409
 * while an execution process of one of its tasks runs.
 */
int
project_delete(struct req *rq, struct reply *rp)
{
	json_object	*ids = NULL;
	const char	**tids = NULL;
	long long	 running = 0;
	size_t		 n = 0, i;
	int		 rc;

	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_project_lock(rq->db, rq->id)) != 0 ||
	    (rc = db_project_running(rq->db, &running, rq->id)) != 0 ||
	    (rc = db_task_ids(rq->db, &ids, rq->id, NULL)) != 0) {
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	/* As for a task: a run must end (or be stopped) first. */
	if (running > 0) {
		rc = reply_errorf(rp, 409, "Project has running execution "
		    "processes. Please wait for them to complete or stop them "
		    "first.");
		goto out;
	}
	/* Worktrees go first (work snapshotted in the repository). */
	n = json_object_array_length(ids);
	for (i = 0; i < n; i++)
		worktrees_retire_task(rq->db, jsonx_get_str(
		    json_object_array_get_idx(ids, i), "id"));
	if ((rc = db_project_delete(rq->db, rq->id)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	if (n > 0 && (tids = calloc(n, sizeof(*tids))) == NULL)
		n = 0;	/* logged below: task files may outlive their task */
	for (i = 0; i < n; i++)
		tids[i] = jsonx_get_str(json_object_array_get_idx(ids, i), "id");
	if (n == 0 && json_object_array_length(ids) > 0)
		log_warnx("project %s: task cache files not invalidated",
		    rq->id);
	board_changed(1, rq->id, tids, n);
	rc = reply_null(rp, 200);
out:
	free(tids);
	json_object_put(ids);
	return rc;
}

/* GET /api/projects/{id}/branches: GitBranch[] of the repository. */
int
project_branches(struct req *rq, struct reply *rp)
{
	json_object	*proj, *arr;
	int		 rc;

	if ((rc = db_project_get(rq->db, &proj, rq->id)) != 0)
		return reply_err(rp, rc, "project");
	rc = repo_branches(&arr, jsonx_get_str(proj, "git_repo_path"));
	json_object_put(proj);
	if (rc == E_NOTFOUND)
		return reply_errorf(rp, 404, "project repository not found");
	if (rc != 0)
		return reply_errorf(rp, 500, "failed to list branches");
	return reply_data(rp, arr);
}
