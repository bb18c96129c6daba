/* branch_status.h: what GET /task-attempts/{id}/branch-status reports */
#ifndef SWARM_BRANCH_STATUS_H
#define SWARM_BRANCH_STATUS_H

#include <stddef.h>

#include <git2.h>

/* The operation a worktree is in the middle of (ConflictOp), by priority. */
enum branch_status_op {
	BRANCH_STATUS_OP_NONE,
	BRANCH_STATUS_OP_REBASE,
	BRANCH_STATUS_OP_MERGE,
	BRANCH_STATUS_OP_CHERRY_PICK,
	BRANCH_STATUS_OP_REVERT,
	BRANCH_STATUS_OP__MAX
};

/*
 * The git side of BranchStatus (the merges list and target_branch_name
 * come from the database). A field the original reports as null on error
 * is valid only when its *_ok flag is set.
 */
struct branch_status {
	/* Attempt branch vs target branch, counted in the main repository. */
	size_t			 commits_ahead;
	size_t			 commits_behind;
	/* From the worktree; valid when wt_ok (the worktree opened). */
	int			 wt_ok;
	/* HEAD's commit id, "" if HEAD is unborn. */
	char			 head_oid[41];
	/* Tracked changes, staged or not (untracked files do not count). */
	int			 has_uncommitted_changes;
	/* `git status --porcelain` lines: not "??", and "??". */
	size_t			 uncommitted_count;
	size_t			 untracked_count;
	int			 is_rebase_in_progress;
	/* The op in progress, NONE unless there are conflicted files. */
	enum branch_status_op	 conflict_op;
	/* Conflicted paths, sorted and unique. */
	char			**conflicted_files;
	size_t			 nconflicted;
	/* Attempt branch vs its upstream; valid when has_upstream. */
	int			 has_upstream;
	size_t			 remote_commits_ahead;
	size_t			 remote_commits_behind;
};

/*
 * Fill *out for attempt branch `branch`, target branch `target` (local,
 * else remote-tracking, compared as it is: no fetch) in the repository at
 * repo_path and the attempt worktree at worktree_path (may be NULL or
 * gone: wt_ok = 0). Remote counts compare the local branch with its
 * configured upstream (branch.<b>.remote/.merge, mapped to
 * refs/remotes/<remote>/<name>) when there is one and it was fetched or
 * pushed; the caller shows them only for an open PR, as the original
 * does. Free with branch_status_free().
 * Returns 0, E_NOTFOUND (branch or target missing) or E_FAIL.
 */
int	branch_status_get(struct branch_status *out, const char *repo_path,
	    const char *worktree_path, const char *branch, const char *target);
/* Free what branch_status_get() allocated; NULL-safe; zeroes *bs. */
void	branch_status_free(struct branch_status *bs);

/* "rebase", "merge", "cherry_pick", "revert", or NULL for NONE. */
const char	*branch_status_op_name(enum branch_status_op op);

/*
 * The operation in progress in repository (worktree) repo, as the
 * original detects it: rebase (rebase-merge/ or rebase-apply/ in its git
 * dir) before merge (MERGE_HEAD) before cherry-pick before revert.
 * Returns the op (NONE when idle).
 */
enum branch_status_op	branch_status_op(git_repository *repo);

/*
 * The conflicted paths of repo's index (`git diff --name-only
 * --diff-filter=U`), sorted and unique, as a malloc'd array of malloc'd
 * strings (free with branch_status_files_free); *n = 0 and *out = NULL
 * when none. Returns 0 or E_FAIL.
 */
int	branch_status_conflicts(char ***out, size_t *n,
	    git_repository *repo);
/* The same for an index (say, an in-memory merge result). */
int	branch_status_index_conflicts(char ***out, size_t *n,
	    git_index *idx);
/* Free an array from branch_status_conflicts(); NULL-safe. */
void	branch_status_files_free(char **files, size_t n);

/*
 * Whether the tracked files of repo's worktree are clean, as the
 * original's check_worktree_clean: no staged change and no modified,
 * deleted, renamed or type-changed tracked file (untracked files do not
 * count; unresolved conflicts do). Returns 1 clean, 0 dirty, E_FAIL.
 * dirty (may be NULL, size dirtysz) receives "a, b, ..." of dirty paths.
 */
int	branch_status_clean(git_repository *repo, char *dirty,
	    size_t dirtysz);

#endif
