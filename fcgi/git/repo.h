/* repo.h: the libgit2 operations the node's project routes need */
#ifndef SWARM_REPO_H
#define SWARM_REPO_H

#include <json.h>

/* Call once per process (each worker) before any other repo_ call. */
int	repo_global_init(void);
/*
 * Make path a git repository whose HEAD is branch "main" with an initial
 * empty commit, unless path already holds one (then leave it alone).
 * Returns 0 or E_FAIL with a message in err.
 */
int	repo_init_main(const char *path, char *err, size_t errsz);
/* 1 if path is the top of a git work tree (has .git) or a bare repo. */
int	repo_is_repo(const char *path);
/*
 * Local branches of the repository at path as GitBranch JSON objects
 * {name, is_current, is_remote, last_commit_date}, current first, then by
 * newest commit. *out owned by the caller. 0, E_NOTFOUND (no repository)
 * or E_FAIL.
 */
int	repo_branches(json_object **out, const char *path);
/*
 * Call fn(path, payload) for every path tracked in the index of the
 * repository at path (stops early when fn returns non-zero). 0,
 * E_NOTFOUND or E_FAIL.
 */
int	repo_foreach_tracked(const char *path,
	    int (*fn)(const char *tracked, void *payload), void *payload);

/*
 * git reset --hard <oid> in the worktree at path (tracked files and the
 * index back to the commit; untracked files stay). Refuses (E_CONFLICT,
 * nothing touched) when tracked files have changes, unless force.
 * Returns 0, E_CONFLICT, E_NOTFOUND (no such commit), E_FAIL.
 */
int	repo_reset_hard(const char *path, const char *oid, int force);

/*
 * Serialise operations that change a repository's refs or a worktree's
 * state (merge, rebase, push, rename, auto-commit) across workers and
 * runners: an exclusive flock on swarm-ops.lock in the repository's
 * common git directory, held until repo_unlock. Returns the lock (>= 0),
 * or -1 (no repository, I/O); callers then go on unserialised.
 */
int	repo_lock(const char *path);
void	repo_unlock(int lock);

#endif
