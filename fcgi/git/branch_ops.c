/* branch_ops.c: branch lookup, rename, target change and commit queries */
/*
 * Everything here is libgit2 in the original too; nothing is missing.
 * The original's open-PR refusal of a rename reads the merges table and
 * is left to the caller. The rename is git_reference_rename() plus a
 * hand-made move of the branch.<name>.* config, not git_branch_move(),
 * whose config rename leaks in libgit2 1.5.1 (see move_config()).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "branch_ops.h"
#include "branch_status.h"
#include "err.h"

/* The original's messages for POST /rename-branch. */
static const char *const rename_msgs[] = {
	[BRANCH_OPS_RENAMED]	= "branch renamed",
	[BRANCH_OPS_UNCHANGED]	= "branch name unchanged",
	[BRANCH_OPS_EMPTY]	= "Branch name cannot be empty",
	[BRANCH_OPS_INVALID]	= "Invalid branch name format",
	[BRANCH_OPS_EXISTS]	= "A branch with this name already exists",
	[BRANCH_OPS_REBASING]	= "Cannot rename branch while rebase is "
	    "in progress. Please complete or abort the rebase first.",
	[BRANCH_OPS_NOBRANCH]	= "branch to rename does not exist",
	[BRANCH_OPS_FAILED]	= "failed to rename branch",
};

static int
open_at(git_repository **out, const char *path)
{
	return git_repository_open_ext(out, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
}

int
branch_ops_lookup(git_reference **out, int *is_remote, git_repository *repo,
    const char *name)
{
	int	 rc;

	*out = NULL;
	if ((rc = git_branch_lookup(out, repo, name, GIT_BRANCH_LOCAL)) == 0) {
		if (is_remote != NULL)
			*is_remote = 0;
		return 0;
	}
	if (rc != GIT_ENOTFOUND && rc != GIT_EINVALIDSPEC)
		return E_FAIL;
	if ((rc = git_branch_lookup(out, repo, name, GIT_BRANCH_REMOTE)) == 0) {
		if (is_remote != NULL)
			*is_remote = 1;
		return 0;
	}
	return rc == GIT_ENOTFOUND || rc == GIT_EINVALIDSPEC ? E_NOTFOUND :
	    E_FAIL;
}

int
branch_ops_tip(git_oid *out, git_repository *repo, const char *name)
{
	git_reference	*ref = NULL;
	git_object	*obj = NULL;
	int		 rc;

	if ((rc = branch_ops_lookup(&ref, NULL, repo, name)) != 0)
		return rc;
	if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0)
		git_oid_cpy(out, git_object_id(obj));
	else
		rc = E_NOTFOUND;
	git_object_free(obj);
	git_reference_free(ref);
	return rc;
}

/* Set out->why and msg; return the status that goes with it. */
static int
rename_why(struct branch_ops_rename_result *out, enum branch_ops_why why)
{
	static const int	 codes[] = {
		[BRANCH_OPS_RENAMED]	= 0,
		[BRANCH_OPS_UNCHANGED]	= 0,
		[BRANCH_OPS_EMPTY]	= E_INVAL,
		[BRANCH_OPS_INVALID]	= E_INVAL,
		[BRANCH_OPS_EXISTS]	= E_CONFLICT,
		[BRANCH_OPS_REBASING]	= E_CONFLICT,
		[BRANCH_OPS_NOBRANCH]	= E_NOTFOUND,
		[BRANCH_OPS_FAILED]	= E_FAIL,
	};

	out->why = why;
	out->msg = rename_msgs[why];
	return codes[why];
}

/* One config entry being moved. */
struct cfg_move {
	char	*name;
	char	*value;
};

/*
 * Move the config entries branch.<from>.* to branch.<to>.* in the
 * repository's local config, as git_branch_move() does. That function
 * renames the section through libgit2 1.5.1's regex config iterator,
 * which leaks pcre2 match data (about 20 KiB) for every entry it skips;
 * this walks the entries with the plain iterator instead. Multi-valued
 * keys keep their last value. Returns 0 or E_FAIL.
 */
static int
move_config(git_repository *repo, const char *from, const char *to)
{
	git_config		*cfg = NULL, *local = NULL;
	git_config_iterator	*it = NULL;
	git_config_entry	*e;
	struct cfg_move		*v = NULL, *grown;
	char			 prefix[512], key[1024];
	size_t			 n = 0, cap = 0, i, plen;
	int			 rc = E_FAIL;

	if ((size_t)snprintf(prefix, sizeof(prefix), "branch.%s.", from) >=
	    sizeof(prefix))
		return E_FAIL;
	plen = strlen(prefix);
	if (git_repository_config(&cfg, repo) != 0 ||
	    git_config_open_level(&local, cfg, GIT_CONFIG_LEVEL_LOCAL) != 0 ||
	    git_config_iterator_new(&it, local) != 0)
		goto out;
	while (git_config_next(&e, it) == 0) {
		if (strncmp(e->name, prefix, plen) != 0 ||
		    strchr(e->name + plen, '.') != NULL)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			if ((grown = realloc(v, cap * sizeof(*v))) == NULL)
				goto out;
			v = grown;
		}
		v[n].name = strdup(e->name);
		v[n].value = strdup(e->value != NULL ? e->value : "");
		if (v[n].name == NULL || v[n].value == NULL) {
			free(v[n].name);
			free(v[n].value);
			goto out;
		}
		n++;
	}
	git_config_iterator_free(it);
	it = NULL;
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(key, sizeof(key), "branch.%s.%s", to,
		    v[i].name + plen) >= sizeof(key) ||
		    git_config_set_string(local, key, v[i].value) != 0)
			goto out;
		/* ".*" matches every value: the leak needs a miss. */
		(void)git_config_delete_multivar(local, v[i].name, ".*");
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
	git_config_iterator_free(it);
	git_config_free(local);
	git_config_free(cfg);
	return rc;
}

int
branch_ops_rename(struct branch_ops_rename_result *out,
    const char *repo_path, const char *worktree_path,
    const char *old_branch, const char *new_name)
{
	git_repository	*repo = NULL, *wt = NULL;
	git_reference	*ref = NULL, *moved = NULL, *other = NULL;
	char		 name[sizeof(out->branch)];
	char		 head[sizeof(out->branch) + sizeof("refs/heads/")];
	const char	*s, *e;
	int		 valid = 0, rc;

	out->branch[0] = '\0';
	snprintf(out->branch, sizeof(out->branch), "%s", old_branch);
	for (s = new_name; *s != '\0' && isspace((unsigned char)*s); s++)
		;
	for (e = s + strlen(s); e > s && isspace((unsigned char)e[-1]); e--)
		;
	if (e == s)
		return rename_why(out, BRANCH_OPS_EMPTY);
	if ((size_t)(e - s) >= sizeof(name))
		return rename_why(out, BRANCH_OPS_INVALID);
	memcpy(name, s, e - s);
	name[e - s] = '\0';
	if (strcmp(name, old_branch) == 0)
		return rename_why(out, BRANCH_OPS_UNCHANGED);
	if (git_branch_name_is_valid(&valid, name) != 0 || !valid)
		return rename_why(out, BRANCH_OPS_INVALID);
	if (open_at(&repo, repo_path) != 0)
		return rename_why(out, BRANCH_OPS_FAILED);
	if (worktree_path != NULL && open_at(&wt, worktree_path) != 0)
		wt = NULL;	/* gone: not rebasing, nothing to repoint */
	if ((rc = branch_ops_lookup(&other, NULL, repo, name)) == 0) {
		rc = rename_why(out, BRANCH_OPS_EXISTS);
		goto out;
	}
	if (rc != E_NOTFOUND) {
		rc = rename_why(out, BRANCH_OPS_FAILED);
		goto out;
	}
	if (wt != NULL && branch_status_op(wt) == BRANCH_STATUS_OP_REBASE) {
		rc = rename_why(out, BRANCH_OPS_REBASING);
		goto out;
	}
	if (git_branch_lookup(&ref, repo, old_branch, GIT_BRANCH_LOCAL) != 0) {
		rc = rename_why(out, BRANCH_OPS_NOBRANCH);
		goto out;
	}
	snprintf(head, sizeof(head), "refs/heads/%s", name);
	switch (git_reference_rename(&moved, ref, head, 0,
	    "branch: renamed by swarm")) {
	case 0:
		break;
	case GIT_EEXISTS:
		rc = rename_why(out, BRANCH_OPS_EXISTS);
		goto out;
	default:
		rc = rename_why(out, BRANCH_OPS_FAILED);
		goto out;
	}
	if (move_config(repo, old_branch, name) != 0) {
		rc = rename_why(out, BRANCH_OPS_FAILED);
		goto out;
	}
	snprintf(out->branch, sizeof(out->branch), "%s", name);
	/* libgit2 repoints the HEADs naming the branch; be explicit anyway. */
	if (wt != NULL && git_repository_set_head(wt, head) != 0) {
		rc = rename_why(out, BRANCH_OPS_FAILED);
		goto out;
	}
	rc = rename_why(out, BRANCH_OPS_RENAMED);
out:
	git_reference_free(other);
	git_reference_free(moved);
	git_reference_free(ref);
	git_repository_free(wt);
	git_repository_free(repo);
	return rc;
}

int
branch_ops_target_check(size_t *ahead, size_t *behind,
    const char *repo_path, const char *branch, const char *new_target,
    char *err, size_t errsz)
{
	git_repository	*repo = NULL;
	git_oid		 tip, target;
	int		 rc;

	*ahead = *behind = 0;
	if (open_at(&repo, repo_path) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "cannot open repository");
		return E_FAIL;
	}
	if ((rc = branch_ops_tip(&target, repo, new_target)) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "Branch '%s' does not exist in "
			    "the repository", new_target);
		goto out;
	}
	if ((rc = branch_ops_tip(&tip, repo, branch)) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "Branch '%s' does not exist in "
			    "the repository", branch);
		goto out;
	}
	if (git_graph_ahead_behind(ahead, behind, repo, &tip, &target) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "cannot count commits");
		rc = E_FAIL;
	}
out:
	git_repository_free(repo);
	return rc;
}

/* Look up commit sha (4-40 hex). 0, E_INVAL, E_NOTFOUND or E_FAIL. */
static int
commit_by_sha(git_commit **out, git_repository *repo, const char *sha)
{
	git_oid	 oid;
	size_t	 len, i;
	int	 rc;

	*out = NULL;
	len = strlen(sha);
	if (len < 4 || len > GIT_OID_HEXSZ)
		return E_INVAL;
	for (i = 0; i < len; i++)
		if (!isxdigit((unsigned char)sha[i]))
			return E_INVAL;
	if (git_oid_fromstrn(&oid, sha, len) != 0)
		return E_INVAL;
	rc = git_commit_lookup_prefix(out, repo, &oid, len);
	if (rc == GIT_ENOTFOUND || rc == GIT_EAMBIGUOUS)
		return E_NOTFOUND;
	return rc == 0 ? 0 : E_FAIL;
}

int
branch_ops_commit_info(struct branch_ops_commit_info *out, const char *path,
    const char *sha)
{
	git_repository		*repo = NULL;
	git_commit		*c = NULL;
	const git_signature	*a;
	const char		*subject;
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (open_at(&repo, path) != 0)
		return E_FAIL;
	if ((rc = commit_by_sha(&c, repo, sha)) != 0)
		goto out;
	git_oid_tostr(out->sha, sizeof(out->sha), git_commit_id(c));
	subject = git_commit_summary(c);
	snprintf(out->subject, sizeof(out->subject), "%s",
	    subject != NULL && subject[0] != '\0' ? subject : "(no subject)");
	if ((a = git_commit_author(c)) != NULL) {
		snprintf(out->author_name, sizeof(out->author_name), "%s",
		    a->name != NULL ? a->name : "");
		snprintf(out->author_email, sizeof(out->author_email), "%s",
		    a->email != NULL ? a->email : "");
		out->time = a->when.time;
		out->offset = a->when.offset;
	}
out:
	git_commit_free(c);
	git_repository_free(repo);
	return rc;
}

int
branch_ops_commit_compare(struct branch_ops_compare *out,
    const char *worktree_path, const char *sha)
{
	git_repository	*repo = NULL;
	git_object	*head = NULL;
	git_commit	*c = NULL;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (open_at(&repo, worktree_path) != 0)
		return E_FAIL;
	if ((rc = commit_by_sha(&c, repo, sha)) != 0)
		goto out;
	if (git_revparse_single(&head, repo, "HEAD^{commit}") != 0) {
		rc = E_NOTFOUND;
		goto out;
	}
	git_oid_tostr(out->head_oid, sizeof(out->head_oid),
	    git_object_id(head));
	git_oid_tostr(out->target_oid, sizeof(out->target_oid),
	    git_commit_id(c));
	if (git_graph_ahead_behind(&out->ahead_from_head,
	    &out->behind_from_head, repo, git_object_id(head),
	    git_commit_id(c)) != 0) {
		rc = E_FAIL;
		goto out;
	}
	out->is_linear = out->behind_from_head == 0;
out:
	git_commit_free(c);
	git_object_free(head);
	git_repository_free(repo);
	return rc;
}
