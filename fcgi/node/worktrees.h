/* worktrees.h: attempt worktrees that do not eat the disk */
#ifndef SWARM_WORKTREES_H
#define SWARM_WORKTREES_H

#include <stdint.h>

struct db;

#define WORKTREES_IDLE_HOURS	72	/* SWARM_WORKTREE_IDLE_HOURS */
#define WORKTREES_QUOTA_MB	20480	/* SWARM_WORKTREE_QUOTA_MB; 0: none */
#define WORKTREES_SWEEP_EVERY	3600	/* seconds between sweeps */

/* Where attempt worktrees live: SWARM_WORKTREE_DIR, else the original's. */
const char *worktrees_root(void);
/*
 * Remove the worktree of one attempt when nothing runs in it: its
 * uncommitted work is saved to refs/swarm/snapshots/<attempt> first (no
 * removal without that), the branch stays, and the attempt is marked
 * worktree_deleted; any later git or file route recreates it from the
 * branch. 0, E_CONFLICT (a process runs), E_NOTFOUND, E_FAIL.
 */
int	worktrees_retire(struct db *, const char *attempt_id);
/* worktrees_retire for every attempt of a task (done, cancelled, deleted). */
void	worktrees_retire_task(struct db *, const char *task_id);
/*
 * Retire the worktrees of attempts whose task is done or cancelled, or
 * idle for SWARM_WORKTREE_IDLE_HOURS with nothing running; remove
 * directories under the root that no attempt owns (a worktree of a
 * project's repository is snapshotted first; anything else is left and
 * logged). force runs now; otherwise at most every WORKTREES_SWEEP_EVERY
 * seconds across all processes of the node.
 */
void	worktrees_sweep(struct db *, int force);
/*
 * 0 when the worktree root uses less than SWARM_WORKTREE_QUOTA_MB, else
 * E_TOOBIG with *used_mb and *quota_mb set.
 */
int	worktrees_quota(uint64_t *used_mb, uint64_t *quota_mb);

#endif
