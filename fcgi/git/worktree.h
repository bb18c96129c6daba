/* worktree.h: attempt branches and their linked worktrees (libgit2) */
#ifndef SWARM_WORKTREE_H
#define SWARM_WORKTREE_H

#include <stddef.h>

#include <git2.h>

/* Namespace of the snapshot refs written by worktree_snapshot(). */
#define WORKTREE_SNAPSHOT_NS	"refs/swarm/snapshots/"
/* Identity used when the repository configures none. */
#define WORKTREE_SIG_NAME	"Swarm"
#define WORKTREE_SIG_EMAIL	"swarm@localhost"
/* Characters kept from a title in a branch slug (the original's rule). */
#define WORKTREE_SLUG_MAX	16

/*
 * Write the attempt branch name "<prefix>/<4 hex>-<slug>" into out
 * (outsz bytes, NUL included): the 4 hex are the first hex digits of
 * attempt_id (a UUID in any case, hyphens allowed), the slug is title
 * lowercased, every run of characters other than [a-z0-9] turned into
 * one '-', '-' trimmed from both ends, cut to 16 characters and trimmed
 * of trailing '-' again; Unicode lowercasing is followed where it yields
 * ASCII (U+212A KELVIN SIGN -> "k", U+0130 -> "i" + a dropped combining
 * dot). An empty prefix gives "<4 hex>-<slug>"; an empty slug leaves the
 * trailing '-' as the original does. Returns 0, E_INVAL (fewer than 4 hex
 * digits at the start of attempt_id, NULL argument) or E_TOOBIG (out too
 * small; out is then "").
 */
int	worktree_branch_name(char *out, size_t outsz, const char *prefix,
	    const char *attempt_id, const char *title);
/*
 * The worktree directory name "<4 hex>-<slug>" (the branch name without
 * prefix, §5.1). Same contract as worktree_branch_name().
 */
int	worktree_dir_name(char *out, size_t outsz, const char *attempt_id,
	    const char *title);

/*
 * Create local branch `branch` at the tip of base_branch (a local branch,
 * else a remote-tracking one such as "origin/main") in the repository at
 * repo_path, and a linked worktree at worktree_path (absolute; missing
 * parent directories are made) checked out on it. The worktree's admin
 * name is the basename of worktree_path (a number is appended when taken).
 * Nothing is left behind on failure: a branch made here is deleted again.
 * Returns 0; E_INVAL (branch is not a valid branch name); E_NOTFOUND
 * (base_branch does not exist); E_CONFLICT (worktree_path already exists,
 * or branch already exists); E_FAIL (no repository at repo_path, I/O).
 * err (may be NULL) receives a lowercase message on failure.
 */
int	worktree_create(const char *repo_path, const char *worktree_path,
	    const char *branch, const char *base_branch,
	    char *err, size_t errsz);

/*
 * Save the uncommitted work of the worktree at worktree_path (tracked
 * changes staged or not, deletions, and untracked files that .gitignore
 * does not exclude) as one commit whose only parent is the worktree HEAD
 * and whose tree is the files on disk, and point
 * refs/swarm/snapshots/<attempt_id> of the repository at repo_path at it
 * (replacing an older snapshot). The worktree's files, index, HEAD and
 * branch are not touched; only objects and that ref are written.
 * oid_out (41 bytes) receives the commit id, or "" when nothing was saved.
 * Returns 0 (saved); E_NOTFOUND (worktree clean: nothing written); E_INVAL
 * (attempt_id cannot name a ref); E_FAIL (no repository or worktree, the
 * worktree belongs to another repository, unborn HEAD, I/O). err as for
 * worktree_create().
 */
int	worktree_snapshot(char *oid_out, const char *repo_path,
	    const char *worktree_path, const char *attempt_id,
	    char *err, size_t errsz);

/*
 * Remove the attempt worktree at worktree_path: snapshot its uncommitted
 * work first (worktree_snapshot(); a clean worktree saves nothing), then
 * delete the directory and prune its metadata in the repository at
 * repo_path (.git/worktrees/<name>). The branch stays. Idempotent: a
 * directory or metadata that is already gone is not an error. If the
 * snapshot fails the worktree is left in place, so no work is lost.
 * If repo_path is no repository the directory is just deleted (the
 * original's behaviour for deleted projects); a directory that is a
 * repository but no worktree of repo_path is refused. Returns 0,
 * E_CONFLICT (another repository at worktree_path) or E_FAIL.
 */
int	worktree_remove(const char *repo_path, const char *worktree_path,
	    const char *attempt_id, char *err, size_t errsz);

/*
 * Make sure a worktree for `branch` exists at worktree_path: if the
 * directory is already a worktree of the repository at repo_path it is
 * left alone (*created = 0), else any stale directory and metadata are
 * cleared and a worktree is added from the existing local branch
 * (*created = 1). created may be NULL. Returns 0; E_NOTFOUND (branch
 * does not exist); E_CONFLICT (branch is checked out in another worktree,
 * or worktree_path is a different repository); E_FAIL.
 */
int	worktree_ensure(int *created, const char *repo_path,
	    const char *worktree_path, const char *branch,
	    char *err, size_t errsz);

/*
 * The commit id HEAD of the worktree (or any repository) at path resolves
 * to, as 40 hex digits + NUL in oid. Returns 0, E_NOTFOUND (no repository,
 * unborn HEAD) or E_FAIL.
 */
int	worktree_head(char *oid, const char *worktree_path);

/*
 * Stage everything in the worktree at worktree_path (`git add -A`:
 * modifications, deletions and untracked files not excluded by
 * .gitignore) and commit it on HEAD with `message`, author and committer
 * the repository's configured user.name/user.email or "Swarm
 * <swarm@localhost>". oid_out (41 bytes) receives the new commit id.
 * Returns 0 (committed); E_NOTFOUND (nothing to commit: the staged tree
 * equals HEAD's; oid_out is ""); E_CONFLICT (the index has unresolved
 * conflicts); E_FAIL. The repository config is never written (the
 * original writes a fallback identity into it).
 */
int	worktree_commit_all(char *oid_out, const char *worktree_path,
	    const char *message, char *err, size_t errsz);

/*
 * The repository's default signature, else "Swarm <swarm@localhost>",
 * timestamped now. *out is owned by the caller (git_signature_free).
 * Returns 0 or E_FAIL.
 */
int	worktree_signature(git_signature **out, git_repository *repo);

#endif
