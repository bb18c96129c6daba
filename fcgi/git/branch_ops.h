/* branch_ops.h: branch lookup, rename, target change and commit queries */
#ifndef SWARM_BRANCH_OPS_H
#define SWARM_BRANCH_OPS_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

/* Why branch_ops_rename() refused or what it did. */
enum branch_ops_why {
	BRANCH_OPS_RENAMED,	/* renamed */
	BRANCH_OPS_UNCHANGED,	/* new name == current: nothing done */
	BRANCH_OPS_EMPTY,	/* trimmed name is empty */
	BRANCH_OPS_INVALID,	/* not a valid git branch name */
	BRANCH_OPS_EXISTS,	/* a local or remote-tracking branch has it */
	BRANCH_OPS_REBASING,	/* the worktree is mid-rebase */
	BRANCH_OPS_NOBRANCH,	/* the branch to rename does not exist */
	BRANCH_OPS_FAILED	/* libgit2 or I/O failure */
};

/* What branch_ops_rename() reports. */
struct branch_ops_rename_result {
	enum branch_ops_why	 why;
	/* The original's message for why (static storage). */
	const char		*msg;
	/* The attempt branch's name afterwards. */
	char			 branch[256];
};

/* One commit, for GET /task-attempts/{id}/commit-info. */
struct branch_ops_commit_info {
	char		 sha[41];
	/* The first paragraph as one line; cut if longer. */
	char		 subject[1024];
	char		 author_name[256];
	char		 author_email[256];
	/* Author time: seconds since the epoch, zone minutes east of UTC. */
	int64_t		 time;
	int		 offset;
};

/* GET /task-attempts/{id}/commit-compare. */
struct branch_ops_compare {
	char		 head_oid[41];
	char		 target_oid[41];
	/* Commits in HEAD not in the target, and the other way round. */
	size_t		 ahead_from_head;
	size_t		 behind_from_head;
	int		 is_linear;	/* behind_from_head == 0 */
};

/*
 * Find branch `name` as the original's find_branch does: the local branch
 * refs/heads/<name> first, else the remote-tracking refs/remotes/<name>.
 * *out is owned by the caller (git_reference_free); *is_remote (may be
 * NULL) says which was found. Returns 0, E_NOTFOUND or E_FAIL.
 */
int	branch_ops_lookup(git_reference **out, int *is_remote,
	    git_repository *repo, const char *name);
/*
 * Like branch_ops_lookup(), peeled: the commit id of the branch tip.
 * Returns 0, E_NOTFOUND (no such branch, or it is no commit) or E_FAIL.
 */
int	branch_ops_tip(git_oid *out, git_repository *repo, const char *name);

/*
 * Rename the attempt branch `old_branch` to new_name (trimmed of white
 * space first) in the repository at repo_path and point the HEAD of the
 * attempt worktree at worktree_path (may be NULL when it is gone) at the
 * new name, with the checks of POST /rename-branch in the original's
 * order: empty, unchanged (success, nothing done), invalid ref name,
 * already existing (local or remote-tracking), rebase in progress. The
 * open-PR check is the caller's (it reads the merges table). The remote
 * branch, if any, is not renamed; the branch's config section moves.
 * Returns 0 (renamed or unchanged; see out->why), E_INVAL (empty,
 * invalid), E_CONFLICT (exists, rebasing), E_NOTFOUND (old_branch is not
 * a local branch) or E_FAIL; out->msg always says why.
 */
int	branch_ops_rename(struct branch_ops_rename_result *out,
	    const char *repo_path, const char *worktree_path,
	    const char *old_branch, const char *new_name);

/*
 * Check a new target branch for POST /change-target-branch: it must
 * exist (local or remote-tracking); then give the attempt branch's
 * commits ahead of and behind it. err gets "Branch '<b>' does not exist
 * in the repository" for E_NOTFOUND. Returns 0, E_NOTFOUND (the target
 * or the attempt branch is missing) or E_FAIL.
 */
int	branch_ops_target_check(size_t *ahead, size_t *behind,
	    const char *repo_path, const char *branch, const char *new_target,
	    char *err, size_t errsz);

/*
 * Describe commit `sha` (4 to 40 hex digits, a unique prefix) of the
 * repository at path. The subject is "(no subject)" for an empty message.
 * Returns 0, E_INVAL (sha is not 4-40 hex digits), E_NOTFOUND (no such
 * commit, or the prefix is ambiguous) or E_FAIL.
 */
int	branch_ops_commit_info(struct branch_ops_commit_info *out,
	    const char *path, const char *sha);

/*
 * Compare commit `sha` (as for branch_ops_commit_info) with the HEAD of
 * the worktree at worktree_path, which is the attempt branch head except
 * in the middle of a rebase (the original compares with HEAD too).
 * Returns 0, E_INVAL, E_NOTFOUND (no such commit, unborn HEAD) or E_FAIL.
 */
int	branch_ops_commit_compare(struct branch_ops_compare *out,
	    const char *worktree_path, const char *sha);

#endif
