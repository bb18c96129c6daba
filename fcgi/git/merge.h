/* merge.h: squash-merge an attempt branch into its target branch */
#ifndef SWARM_MERGE_H
#define SWARM_MERGE_H

#include <stddef.h>

/* The tag the original puts in squash commit subjects. */
#define MERGE_MSG_TAG	"vibe-kanban"

/* Why merge_squash() refused. */
enum merge_kind {
	MERGE_OK,
	MERGE_CONFLICTS,	/* the trees conflict: files lists them */
	MERGE_DIVERGED,		/* target has commits the branch lacks */
	MERGE_DIRTY,		/* the target's checkout has changes */
	MERGE_NOTHING		/* the branch adds nothing to the target */
};

struct merge_result {
	enum merge_kind	 kind;
	char		 oid[41];	/* the squash commit on success */
	char		 msg[512];	/* the message for any failure */
	char		**files;	/* conflicted or blocking paths */
	size_t		 nfiles;
	char		 checkout[1024]; /* target's checkout, or "" */
};

/*
 * The squash commit message of the original: "<title> (vibe-kanban <first
 * 8 hex of task_id>)", then "\n\n<description>" when description is not
 * NULL and not only white space. Returns 0, E_INVAL (task_id has fewer
 * than 8 hex digits first) or E_TOOBIG (out too small; out is "").
 */
int	merge_message(char *out, size_t outsz, const char *title,
	    const char *task_id, const char *description);

/*
 * Squash-merge attempt branch `branch` into local branch `target` of the
 * repository at repo_path with commit message `message`: one new commit
 * whose only parent is the target tip and whose tree is the merge of both
 * (author and committer the repository's identity, else Swarm's); the
 * target ref moves to it, and so does the attempt branch (the original's
 * "continue from merged state"; its tree is the branch's own, so the
 * attempt worktree stays clean).
 *
 * As in the original the merge is refused when the target has commits the
 * branch lacks (rebase first). Unlike the original the merge is always
 * computed in memory first, so a conflict never leaves markers anywhere:
 * when the trees conflict the result is MERGE_CONFLICTS with the paths
 * (this is how a diverged branch that would conflict is reported);
 * otherwise a diverged branch gives MERGE_DIVERGED.
 *
 * When `target` is checked out (the main worktree or a linked one) its
 * working tree follows, as `git merge --squash && git commit` there
 * would: refused with MERGE_DIRTY when it has staged changes (original)
 * or when an unstaged local change would be overwritten (git merge
 * refuses that too); other local changes are kept; index and files are
 * updated to the new commit. When it is checked out nowhere only refs
 * move, as in the original.
 *
 * out is always filled; free it with merge_result_free(). Returns 0;
 * E_CONFLICT (see out->kind); E_NOTFOUND (branch or target is not a
 * local branch); E_FAIL (out->msg says why).
 */
int	merge_squash(struct merge_result *out, const char *repo_path,
	    const char *branch, const char *target, const char *message);
/* Free the lists in *res; NULL-safe. */
void	merge_result_free(struct merge_result *res);

#endif
