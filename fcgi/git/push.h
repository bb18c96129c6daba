/* push.h: push an attempt branch to its remote; fetch remote branches */
#ifndef SWARM_PUSH_H
#define SWARM_PUSH_H

#include <stddef.h>

/* The remote used when "origin" does not exist: the first one listed. */
#define PUSH_REMOTE	"origin"

/* Why push_branch() did not push. */
enum push_kind {
	PUSH_OK,
	PUSH_REJECTED,	/* non-fast-forward: force_push_required */
	PUSH_DIRTY,	/* tracked changes in the worktree: refused */
	PUSH_NOREMOTE,	/* the repository has no remote */
	PUSH_NETWORK	/* transport or authentication failure */
};

struct push_result {
	enum push_kind	 kind;
	char		 remote[128];	/* the remote's name */
	char		 msg[512];	/* message for any failure */
};

/*
 * Push local branch `branch` of the attempt worktree at worktree_path to
 * refs/heads/<branch> of remote "origin" (else the first remote), any URL
 * libgit2 can push to, local bare repositories included. force = 0 is a
 * plain push (refspec refs/heads/B:refs/heads/B), force = 1 overwrites
 * (+refs/heads/B:refs/heads/B, no lease) as the original does. On success
 * refs/remotes/<remote>/<branch> is set to the pushed tip and becomes the
 * branch's upstream. The URL is remote.<name>.pushurl, else .url, used as
 * written (url.<base>.insteadOf is not applied). Credentials: an ssh
 * agent for ssh URLs; credential helpers are not consulted (libgit2 has
 * none).
 * Returns 0; E_CONFLICT (PUSH_REJECTED: force_push_required; PUSH_DIRTY);
 * E_NOTFOUND (PUSH_NOREMOTE, or no such branch); E_REMOTE (PUSH_NETWORK);
 * E_FAIL. out->msg says why.
 */
int	push_branch(struct push_result *out, const char *worktree_path,
	    const char *branch, int force);

/*
 * Fetch every branch of remote "origin" (else the first remote) of the
 * repository at repo_path into refs/remotes/<remote>/, forced (refspec
 * "+refs/heads/<all>:refs/remotes/<remote>/<all>"), as the original does
 * before comparing with a remote-tracking branch. Returns 0, E_NOTFOUND
 * (no remote), E_REMOTE (transport or authentication failure) or E_FAIL.
 */
int	push_fetch(const char *repo_path, char *err, size_t errsz);

#endif
