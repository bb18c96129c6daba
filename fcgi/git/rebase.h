/* rebase.h: rebase an attempt branch onto a new base; abort conflicts */
#ifndef SWARM_REBASE_H
#define SWARM_REBASE_H

#include <stddef.h>

/* What rebase_onto() ran into (GitOperationError). */
enum rebase_kind {
	REBASE_OK,
	REBASE_CONFLICTS,	/* merge_conflicts: left in progress */
	REBASE_IN_PROGRESS,	/* rebase_in_progress: refused */
	REBASE_DIRTY		/* worktree changes in the way: refused */
};

struct rebase_result {
	enum rebase_kind	 kind;
	char			 oid[41];	/* new HEAD on success */
	char			 msg[1024];	/* for any failure */
	char			**files;	/* conflicted paths */
	size_t			 nfiles;
};

/*
 * Rebase attempt branch `branch`, checked out in the worktree at
 * worktree_path, from old_base onto new_base (branch names, local else
 * remote-tracking; old_base NULL means new_base), like the original's
 * `git rebase --onto <new_base> <fork point of old_base> <branch>`: the
 * commits replayed are those of the branch after the point where it
 * forked from old_base, which is the newest reflog entry of old_base that
 * the branch contains when newer than their merge base (the fork-point
 * rule, approximated), else the merge base. Authors are kept; the
 * committer is the repository identity, else Swarm's. Patches already
 * applied upstream are dropped. No fetch is done: a remote-tracking base
 * is used as last fetched.
 *
 * Refused with REBASE_DIRTY when tracked files have uncommitted changes
 * and with REBASE_IN_PROGRESS when a rebase is already under way. On a
 * conflict the rebase is left in progress (HEAD detached, conflict
 * markers in the files) with state the git CLI can continue from (`git
 * add` + `git rebase --continue`) or abort; out->files lists the
 * conflicted paths and out->msg is the original's message.
 *
 * out is always filled; free with rebase_result_free(). Returns 0 (out->oid
 * is the new HEAD); E_CONFLICT (see out->kind); E_NOTFOUND (a base, the
 * branch or the worktree is missing: out->msg is "Branch '<b>' does not
 * exist in the repository" for a base); E_FAIL.
 */
int	rebase_onto(struct rebase_result *out, const char *repo_path,
	    const char *worktree_path, const char *branch,
	    const char *old_base, const char *new_base);
/* Free the list in *res; NULL-safe. */
void	rebase_result_free(struct rebase_result *res);

/*
 * POST /conflicts/abort: end whatever operation the worktree at
 * worktree_path is in the middle of, as the original does. A rebase with
 * conflicted files is aborted (branch and HEAD back where they were,
 * files reset to it); a rebase without conflicts is quit (state removed,
 * HEAD left where it is, `git rebase --quit`); a merge, cherry-pick or
 * revert is aborted like `git reset --merge` (staged and conflicted paths
 * restored from HEAD, other local changes kept). Nothing in progress is
 * a no-op. Returns 0, E_NOTFOUND (no repository at worktree_path) or
 * E_FAIL.
 */
int	rebase_abort(const char *worktree_path, char *err, size_t errsz);

#endif
