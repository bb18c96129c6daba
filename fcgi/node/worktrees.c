/* worktrees.c: attempt worktrees that do not eat the disk */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "log.h"
#include "repo.h"
#include "text.h"
#include "worktree.h"
#include "worktrees.h"

const char *
worktrees_root(void)
{
	const char	*d = getenv("SWARM_WORKTREE_DIR");

	return d != NULL && *d == '/' ? d : "/var/tmp/swarm/worktrees";
}

static int64_t
env_number(const char *name, int64_t def)
{
	const char	*s = getenv(name);
	int64_t		 v;

	return s != NULL && text_to_int64(&v, s, 0, INT64_MAX / 2) == 0 ? v : def;
}

/* Remove one worktree (snapshot first) and mark the attempt. */
static int
retire_one(struct db *db, const char *id, const char *wt, const char *repo)
{
	char	 err[256];
	int	 lock, rc;

	lock = repo_lock(repo);
	rc = worktree_remove(repo, wt, id, err, sizeof(err));
	repo_unlock(lock);
	if (rc != 0) {
		log_warnx("attempt %s: worktree %s kept: %s", id, wt, err);
		return rc;
	}
	log_info("attempt %s: worktree %s removed (branch kept)", id, wt);
	return db_attempt_set_deleted(db, id, 1);
}

int
worktrees_retire(struct db *db, const char *attempt_id)
{
	json_object	*row;
	int		 rc;

	if ((rc = db_attempt_worktree(db, &row, attempt_id)) != 0)
		return rc;
	rc = retire_one(db, attempt_id, jsonx_get_str(row, "container_ref"),
	    jsonx_get_str(row, "git_repo_path"));
	json_object_put(row);
	return rc;
}

static void
retire_rows(struct db *db, json_object *rows)
{
	json_object	*r;
	size_t		 i, n = json_object_array_length(rows);

	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		retire_one(db, jsonx_get_str(r, "id"),
		    jsonx_get_str(r, "container_ref"),
		    jsonx_get_str(r, "git_repo_path"));
	}
}

void
worktrees_retire_task(struct db *db, const char *task_id)
{
	json_object	*rows;

	if (db_attempt_worktrees_of_task(db, &rows, task_id) != 0)
		return;
	retire_rows(db, rows);
	json_object_put(rows);
}

/* A directory under the root that no attempt owns. */
static void
orphan(const char *dir, json_object *repos)
{
	char		 oid[41], err[256], name[NAME_MAX + 16];
	const char	*repo;
	size_t		 i, n = json_object_array_length(repos);
	int		 rc;

	snprintf(name, sizeof(name), "orphan-%s", strrchr(dir, '/') + 1);
	for (i = 0; i < n; i++) {
		repo = jsonx_get_str(json_object_array_get_idx(repos, i),
		    "git_repo_path");
		/* Only a worktree of this repository snapshots into it. */
		rc = worktree_snapshot(oid, repo, dir, name, err, sizeof(err));
		if (rc != 0 && rc != E_NOTFOUND)
			continue;
		if (worktree_remove(repo, dir, name, err, sizeof(err)) == 0) {
			log_info("orphan worktree %s removed (work saved under "
			    "refs/swarm/snapshots/%s in %s)", dir, name, repo);
			return;
		}
	}
	log_warnx("%s: under the worktree root but no attempt's; left alone",
	    dir);
}

static void
sweep_orphans(struct db *db)
{
	json_object	*refs = NULL, *repos = NULL;
	DIR		*d;
	struct dirent	*de;
	char		 path[PATH_MAX];
	size_t		 i, n;
	int		 owned;

	if ((d = opendir(worktrees_root())) == NULL)
		return;
	if (db_attempt_live_refs(db, &refs) != 0 ||
	    db_project_repos(db, &repos) != 0)
		goto out;
	n = json_object_array_length(refs);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s",
		    worktrees_root(), de->d_name) >= sizeof(path))
			continue;
		for (owned = 0, i = 0; i < n && !owned; i++)
			owned = strcmp(path, jsonx_get_str(
			    json_object_array_get_idx(refs, i),
			    "container_ref")) == 0;
		if (!owned)
			orphan(path, repos);
	}
out:
	closedir(d);
	json_object_put(refs);
	json_object_put(repos);
}

/* Whether it is time: the stamp file's age, under its lock. */
static int
sweep_due(int *lockfd)
{
	char		 stamp[PATH_MAX];
	struct stat	 st;

	*lockfd = -1;
	if (mkdir(worktrees_root(), 0755) != 0 && errno != EEXIST)
		return 0;
	snprintf(stamp, sizeof(stamp), "%s/.swarm-sweep", worktrees_root());
	if ((*lockfd = open(stamp, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return 0;
	if (flock(*lockfd, LOCK_EX | LOCK_NB) != 0)
		return 0;	/* another process sweeps right now */
	if (fstat(*lockfd, &st) == 0 && st.st_size > 0 &&
	    time(NULL) - st.st_mtime < WORKTREES_SWEEP_EVERY)
		return 0;
	return 1;
}

void
worktrees_sweep(struct db *db, int force)
{
	json_object	*rows;
	int		 lockfd;

	if (!sweep_due(&lockfd) && !force) {
		if (lockfd >= 0)
			close(lockfd);
		return;
	}
	if (db_attempt_retire_candidates(db, &rows, env_number(
	    "SWARM_WORKTREE_IDLE_HOURS", WORKTREES_IDLE_HOURS)) == 0) {
		retire_rows(db, rows);
		json_object_put(rows);
	}
	sweep_orphans(db);
	if (lockfd >= 0) {
		(void)!write(lockfd, "x", 1);	/* touch: mtime is the stamp */
		futimens(lockfd, NULL);
		close(lockfd);
	}
}

static uint64_t	du_bytes, du_limit;

static int
du_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)path;
	(void)flag;
	(void)f;
	du_bytes += (uint64_t)st->st_blocks * 512;
	return du_bytes > du_limit;	/* over: stop walking */
}

int
worktrees_quota(uint64_t *used_mb, uint64_t *quota_mb)
{
	*quota_mb = (uint64_t)env_number("SWARM_WORKTREE_QUOTA_MB",
	    WORKTREES_QUOTA_MB);
	*used_mb = 0;
	if (*quota_mb == 0)
		return 0;
	du_bytes = 0;
	du_limit = *quota_mb * 1024 * 1024;
	nftw(worktrees_root(), du_one, 32, FTW_PHYS | FTW_MOUNT);
	*used_mb = du_bytes / (1024 * 1024);
	return du_bytes > du_limit ? E_TOOBIG : 0;
}
