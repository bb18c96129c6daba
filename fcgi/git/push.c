/* push.c: push an attempt branch to its remote; fetch remote branches */
/*
 * The original pushes and fetches with the git CLI, passing the remote's
 * URL, so the user's credential helpers and ssh config apply. libgit2
 * 1.5.1 has no credential-helper support and reads no ~/.ssh/config: here
 * ssh URLs authenticate through the ssh agent only, and https URLs that
 * need a password fail (E_REMOTE). Local paths and file:// URLs (a bare
 * repository on the same machine) need neither. Hooks of the remote run
 * as usual; pre-push hooks of the local repository do not.
 * The original classifies CLI failures by their text (non-fast-forward,
 * "fetch first", ...); here libgit2's GIT_ENONFASTFORWARD and the
 * per-ref status the remote sends back say the same thing.
 * libgit2 1.5.1 leaks pcre2 match data for every config entry a regex
 * config iterator skips, and git_remote_lookup(), git_remote_list() and
 * git_branch_set_upstream() all use one (url.*.insteadOf, remote.*.url).
 * A preforked worker lives long, so the remote is read from the config by
 * hand and used as an in-memory remote; url.<base>.insteadOf rewriting is
 * therefore not applied (pushurl is).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <git2.h>

#include "branch_status.h"
#include "err.h"
#include "gitmsg.h"
#include "push.h"

/* State shared with the transfer callbacks. */
struct xfer {
	int	 tries;		/* credential requests so far */
	int	 rejected;	/* the remote refused a ref update */
	char	 why[256];	/* the remote's reason */
};

/*
 * Credentials: the ssh agent, once. Anything else is refused, so a
 * remote that wants a password fails instead of looping.
 */
static int
cred_cb(git_credential **out, const char *url, const char *user,
    unsigned int allowed, void *payload)
{
	struct xfer	*x = payload;

	(void)url;
	if (x->tries++ > 0)
		return GIT_EAUTH;
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out,
		    user != NULL ? user : "git");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out,
		    user != NULL ? user : "git");
	return GIT_PASSTHROUGH;
}

/* A non-NULL status is the remote refusing the update of refname. */
static int
update_cb(const char *refname, const char *status, void *payload)
{
	struct xfer	*x = payload;

	(void)refname;
	if (status != NULL) {
		x->rejected = 1;
		snprintf(x->why, sizeof(x->why), "%s", status);
	}
	return 0;
}

/*
 * The name of the remote to use into name: "origin" if it has a URL,
 * else the first remote.<name>.url of the config (in config order).
 * Returns 0, E_NOTFOUND (no remote) or E_FAIL.
 */
static int
remote_name(char *name, size_t namesz, git_config *cfg)
{
	git_config_iterator	*it = NULL;
	git_config_entry	*e;
	const char		*url, *dot;
	size_t			 len;
	int			 rc = E_NOTFOUND;

	if (git_config_get_string(&url, cfg, "remote." PUSH_REMOTE ".url") ==
	    0) {
		snprintf(name, namesz, "%s", PUSH_REMOTE);
		return 0;
	}
	if (git_config_iterator_new(&it, cfg) != 0)
		return E_FAIL;
	while (rc == E_NOTFOUND && git_config_next(&e, it) == 0) {
		len = strlen(e->name);
		if (strncmp(e->name, "remote.", 7) != 0 || len < 12 ||
		    strcmp(e->name + len - 4, ".url") != 0)
			continue;
		dot = e->name + len - 4;
		if ((size_t)(dot - (e->name + 7)) >= namesz)
			continue;
		memcpy(name, e->name + 7, dot - (e->name + 7));
		name[dot - (e->name + 7)] = '\0';
		rc = 0;
	}
	git_config_iterator_free(it);
	return rc;
}

/*
 * An in-memory remote for the remote the branch goes to, its name in
 * name. push selects remote.<name>.pushurl over .url. *out owned by the
 * caller. Returns 0, E_NOTFOUND (no remote) or E_FAIL.
 */
static int
pick_remote(git_remote **out, char *name, size_t namesz,
    git_repository *repo, int push)
{
	git_config			*cfg = NULL;
	git_remote_create_options	 ro;
	const char			*url;
	char				 key[256];
	int				 rc;

	*out = NULL;
	if (git_repository_config_snapshot(&cfg, repo) != 0)
		return E_FAIL;
	if ((rc = remote_name(name, namesz, cfg)) != 0)
		goto out;
	snprintf(key, sizeof(key), "remote.%s.pushurl", name);
	if (!push || git_config_get_string(&url, cfg, key) != 0) {
		snprintf(key, sizeof(key), "remote.%s.url", name);
		if (git_config_get_string(&url, cfg, key) != 0) {
			rc = E_NOTFOUND;
			goto out;
		}
	}
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = repo;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF |
	    GIT_REMOTE_CREATE_SKIP_DEFAULT_FETCHSPEC;
	rc = git_remote_create_with_opts(out, url, &ro) == 0 ? 0 : E_FAIL;
out:
	git_config_free(cfg);
	return rc;
}

/*
 * Record the pushed tip as refs/remotes/<remote>/<branch> and make it
 * the branch's upstream (branch.<b>.remote, branch.<b>.merge), which is
 * what git_branch_set_upstream() writes. Returns 0 or E_FAIL.
 */
static int
track(git_repository *repo, git_reference *bref, const char *remote,
    const char *branch)
{
	git_reference	*rt = NULL;
	git_config	*cfg = NULL;
	char		 name[512], key[512];
	int		 rc = E_FAIL;

	if ((size_t)snprintf(name, sizeof(name), "refs/remotes/%s/%s", remote,
	    branch) >= sizeof(name) ||
	    git_reference_create(&rt, repo, name, git_reference_target(bref), 1,
	    "swarm: push") != 0)
		goto out;
	if (git_repository_config(&cfg, repo) != 0 ||
	    (size_t)snprintf(key, sizeof(key), "branch.%s.remote", branch) >=
	    sizeof(key) || git_config_set_string(cfg, key, remote) != 0 ||
	    (size_t)snprintf(key, sizeof(key), "branch.%s.merge", branch) >=
	    sizeof(key) ||
	    (size_t)snprintf(name, sizeof(name), "refs/heads/%s", branch) >=
	    sizeof(name) || git_config_set_string(cfg, key, name) != 0)
		goto out;
	rc = 0;
out:
	git_config_free(cfg);
	git_reference_free(rt);
	return rc;
}

int
push_branch(struct push_result *out, const char *worktree_path,
    const char *branch, int force)
{
	git_repository		*repo = NULL;
	git_reference		*bref = NULL;
	git_remote		*rem = NULL;
	git_push_options	 po;
	struct xfer		 x;
	char			 spec[1024], dirty[512], *specs[1];
	git_strarray		 refs = { specs, 1 };
	int			 r, rc;

	memset(out, 0, sizeof(*out));
	memset(&x, 0, sizeof(x));
	if (git_repository_open_ext(&repo, worktree_path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return GITMSG_FAIL(out, E_NOTFOUND, PUSH_OK,
		    "worktree does not exist");
	if ((r = branch_status_clean(repo, dirty, sizeof(dirty))) != 1) {
		rc = r == 0 ? GITMSG_FAIL(out, E_CONFLICT, PUSH_DIRTY, "%s has "
		    "uncommitted changes: %s", branch, dirty) :
		    GITMSG_FAIL(out, E_FAIL, PUSH_OK,
		    "cannot read worktree status: %s", gitmsg_last());
		goto out;
	}
	if (git_branch_lookup(&bref, repo, branch, GIT_BRANCH_LOCAL) != 0) {
		rc = GITMSG_FAIL(out, E_NOTFOUND, PUSH_OK, "Branch '%s' does not "
		    "exist in the repository", branch);
		goto out;
	}
	if ((rc = pick_remote(&rem, out->remote, sizeof(out->remote), repo,
	    1)) != 0) {
		rc = rc == E_NOTFOUND ? GITMSG_FAIL(out, E_NOTFOUND, PUSH_NOREMOTE,
		    "the repository has no remote") :
		    GITMSG_FAIL(out, E_FAIL, PUSH_OK, "cannot read remotes: %s",
		    gitmsg_last());
		goto out;
	}
	if ((size_t)snprintf(spec, sizeof(spec),
	    "%srefs/heads/%s:refs/heads/%s", force ? "+" : "", branch,
	    branch) >= sizeof(spec)) {
		rc = GITMSG_FAIL(out, E_FAIL, PUSH_OK, "branch name too long");
		goto out;
	}
	specs[0] = spec;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	po.callbacks.credentials = cred_cb;
	po.callbacks.push_update_reference = update_cb;
	po.callbacks.payload = &x;
	r = git_remote_push(rem, &refs, &po);
	if (r == GIT_ENONFASTFORWARD || x.rejected) {
		rc = GITMSG_FAIL(out, E_CONFLICT, PUSH_REJECTED, "push rejected: %s",
		    x.rejected ? x.why : "the remote branch has commits this "
		    "branch lacks; force push required");
		goto out;
	}
	if (r != 0) {
		rc = GITMSG_FAIL(out, E_REMOTE, PUSH_NETWORK, "push to %s failed: %s",
		    out->remote, gitmsg_last());
		goto out;
	}
	if (track(repo, bref, out->remote, branch) != 0) {
		rc = GITMSG_FAIL(out, E_FAIL, PUSH_OK, "pushed, but cannot set the "
		    "upstream: %s", gitmsg_last());
		goto out;
	}
	rc = 0;
out:
	git_remote_free(rem);
	git_reference_free(bref);
	git_repository_free(repo);
	return rc;
}

int
push_fetch(const char *repo_path, char *err, size_t errsz)
{
	git_repository		*repo = NULL;
	git_remote		*rem = NULL;
	git_fetch_options	 fo;
	struct xfer		 x;
	char			 spec[512], name[128], *specs[1];
	git_strarray		 refs = { specs, 1 };
	int			 rc;

	memset(&x, 0, sizeof(x));
	if (git_repository_open_ext(&repo, repo_path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "cannot open repository");
		return E_FAIL;
	}
	if ((rc = pick_remote(&rem, name, sizeof(name), repo, 0)) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "the repository has no remote");
		goto out;
	}
	snprintf(spec, sizeof(spec), "+refs/heads/*:refs/remotes/%s/*", name);
	specs[0] = spec;
	git_fetch_options_init(&fo, GIT_FETCH_OPTIONS_VERSION);
	fo.callbacks.credentials = cred_cb;
	fo.callbacks.payload = &x;
	if (git_remote_fetch(rem, &refs, &fo, "swarm: fetch") != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "fetch from %s failed: %s", name,
			    gitmsg_last());
		rc = E_REMOTE;
		goto out;
	}
	rc = 0;
out:
	git_remote_free(rem);
	git_repository_free(repo);
	return rc;
}
