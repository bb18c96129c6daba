/* merge.c: squash-merge an attempt branch into its target branch */
/*
 * The original squash-merges with the git CLI when the target branch is
 * checked out (`git merge --squash --no-commit` + `git commit` in that
 * checkout) and with libgit2 otherwise. Here it is libgit2 in both cases:
 * the merge is computed in memory (git_merge_commits, renames detected),
 * committed, and a checked-out target's index and files are moved to the
 * new commit with a SAFE checkout, after a dry run proved no local change
 * would be lost. Differences that follow:
 * - libgit2's merge is not git's "ort" strategy; both are three-way
 *   merges with rename detection, but corner cases (rename/rename, a
 *   directory renamed on one side) can resolve differently.
 * - a conflict is found before anything is written, so the checkout never
 *   receives conflict markers (the CLI path of the original leaves them
 *   and reports a 500).
 * - no hooks run, and no identity is written into the repository config.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "branch_status.h"
#include "err.h"
#include "gitmsg.h"
#include "merge.h"
#include "worktree.h"

/* Like a failure with E_FAIL and libgit2's last error appended. */
static int
gitfail(struct merge_result *out, const char *what)
{
	return GITMSG_FAIL(out, E_FAIL, MERGE_OK, "%s: %s", what,
	    gitmsg_last());
}

int
merge_message(char *out, size_t outsz, const char *title,
    const char *task_id, const char *description)
{
	const char	*p;
	int		 i, n, blank = 1;

	if (outsz == 0)
		return E_TOOBIG;
	out[0] = '\0';
	for (i = 0; i < 8; i++)
		if (task_id == NULL || !((task_id[i] >= '0' &&
		    task_id[i] <= '9') || (task_id[i] >= 'a' &&
		    task_id[i] <= 'f') || (task_id[i] >= 'A' &&
		    task_id[i] <= 'F')))
			return E_INVAL;
	for (p = description; p != NULL && *p != '\0'; p++)
		if (!(*p == ' ' || (*p >= '\t' && *p <= '\r')))
			blank = 0;
	n = snprintf(out, outsz, "%s (%s %.8s)%s%s", title, MERGE_MSG_TAG,
	    task_id, blank ? "" : "\n\n", blank ? "" : description);
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';
		return E_TOOBIG;
	}
	return 0;
}

void
merge_result_free(struct merge_result *res)
{
	if (res == NULL)
		return;
	branch_status_files_free(res->files, res->nfiles);
	res->files = NULL;
	res->nfiles = 0;
}

/* 1 if HEAD of repo is the symbolic ref refname. */
static int
head_is(git_repository *repo, const char *refname)
{
	git_reference	*head = NULL;
	const char	*t;
	int		 yes = 0;

	if (git_reference_lookup(&head, repo, "HEAD") == 0 &&
	    git_reference_type(head) == GIT_REFERENCE_SYMBOLIC &&
	    (t = git_reference_symbolic_target(head)) != NULL)
		yes = strcmp(t, refname) == 0;
	git_reference_free(head);
	return yes;
}

/*
 * Where branch refname is checked out: the main working tree or a linked
 * worktree (`git worktree list`), path copied into out ("" if nowhere).
 * Returns 0 or E_FAIL.
 */
static int
checkout_of(char *out, size_t outsz, git_repository *repo,
    const char *refname)
{
	git_strarray	 names = { NULL, 0 };
	git_worktree	*wt = NULL;
	git_repository	*wr = NULL;
	size_t		 i;
	int		 rc = E_FAIL;

	out[0] = '\0';
	if (!git_repository_is_bare(repo) && head_is(repo, refname)) {
		snprintf(out, outsz, "%s", git_repository_workdir(repo));
		return 0;
	}
	if (git_worktree_list(&names, repo) != 0)
		goto out;
	for (i = 0; i < names.count && out[0] == '\0'; i++) {
		if (git_worktree_lookup(&wt, repo, names.strings[i]) != 0)
			continue;
		if (git_worktree_validate(wt) == 0 &&
		    git_repository_open_from_worktree(&wr, wt) == 0 &&
		    head_is(wr, refname))
			snprintf(out, outsz, "%s", git_worktree_path(wt));
		git_repository_free(wr);
		wr = NULL;
		git_worktree_free(wt);
		wt = NULL;
	}
	rc = 0;
out:
	git_strarray_dispose(&names);
	return rc;
}

/* Paths a dry-run checkout would refuse to overwrite. */
struct blockers {
	char	**v;
	size_t	  n, cap;
	int	  oom;
};

static int
blocker_cb(git_checkout_notify_t why, const char *path,
    const git_diff_file *baseline, const git_diff_file *target,
    const git_diff_file *workdir, void *payload)
{
	struct blockers	*b = payload;
	char		**grown;

	(void)why;
	(void)baseline;
	(void)target;
	(void)workdir;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		if ((grown = realloc(b->v, b->cap * sizeof(*b->v))) == NULL) {
			b->oom = 1;
			return 0;
		}
		b->v = grown;
	}
	if ((b->v[b->n] = strdup(path)) == NULL)
		b->oom = 1;
	else
		b->n++;
	return 0;	/* keep going: report every blocked path */
}

/*
 * Check that the checkout of the target at path can move from tree `from`
 * to tree `to` like `git merge --squash` would: no staged change (the
 * original's rule) and no local change in a path the merge rewrites.
 * Returns 0, E_CONFLICT (out filled: MERGE_DIRTY) or E_FAIL.
 */
static int
checkout_ready(struct merge_result *out, git_repository *cr,
    const char *target, git_tree *from, git_tree *to)
{
	git_diff		*diff = NULL;
	git_index		*idx = NULL;
	git_checkout_options	 co;
	struct blockers		 b = { NULL, 0, 0, 0 };
	int			 rc, r;

	if (git_repository_index(&idx, cr) != 0 ||
	    git_diff_tree_to_index(&diff, cr, from, idx, NULL) != 0) {
		rc = gitfail(out, "cannot read the target checkout");
		goto out;
	}
	if (git_diff_num_deltas(diff) > 0 || git_index_has_conflicts(idx)) {
		rc = GITMSG_FAIL(out, E_CONFLICT, MERGE_DIRTY, "%s has uncommitted "
		    "changes: staged changes present", target);
		goto out;
	}
	git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
	co.checkout_strategy = GIT_CHECKOUT_SAFE | GIT_CHECKOUT_DRY_RUN;
	co.baseline = from;
	co.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT;
	co.notify_cb = blocker_cb;
	co.notify_payload = &b;
	r = git_checkout_tree(cr, (git_object *)to, &co);
	if (b.oom) {
		rc = GITMSG_FAIL(out, E_FAIL, MERGE_OK, "out of memory");
		goto out;
	}
	if (b.n > 0 || r == GIT_ECONFLICT) {
		out->files = b.v;
		out->nfiles = b.n;
		b.v = NULL;
		b.n = 0;
		rc = GITMSG_FAIL(out, E_CONFLICT, MERGE_DIRTY, "%s has uncommitted "
		    "changes: local changes would be overwritten by the merge",
		    target);
		goto out;
	}
	rc = r == 0 ? 0 : gitfail(out, "cannot check the target checkout");
out:
	branch_status_files_free(b.v, b.n);
	git_diff_free(diff);
	git_index_free(idx);
	return rc;
}

int
merge_squash(struct merge_result *out, const char *repo_path,
    const char *branch, const char *target, const char *message)
{
	git_repository		*repo = NULL, *cr = NULL;
	git_reference		*bref = NULL, *tref = NULL, *moved = NULL;
	git_commit		*bc = NULL, *tc = NULL;
	git_index		*idx = NULL;
	git_tree		*tree = NULL, *ttree = NULL;
	git_tree		*cfrom = NULL, *cto = NULL;
	git_signature		*sig = NULL;
	git_merge_options	 mo;
	git_checkout_options	 co;
	git_oid			 tree_id, id;
	size_t			 ahead, behind;
	char			 refname[512];
	int			 rc;

	memset(out, 0, sizeof(*out));
	if (git_repository_open_ext(&repo, repo_path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return gitfail(out, "cannot open repository");
	if (git_branch_lookup(&bref, repo, branch, GIT_BRANCH_LOCAL) != 0 ||
	    git_reference_peel((git_object **)&bc, bref,
	    GIT_OBJECT_COMMIT) != 0) {
		rc = GITMSG_FAIL(out, E_NOTFOUND, MERGE_OK, "Branch '%s' does not "
		    "exist in the repository", branch);
		goto out;
	}
	if (git_branch_lookup(&tref, repo, target, GIT_BRANCH_LOCAL) != 0 ||
	    git_reference_peel((git_object **)&tc, tref,
	    GIT_OBJECT_COMMIT) != 0) {
		rc = GITMSG_FAIL(out, E_NOTFOUND, MERGE_OK, "Branch '%s' does not "
		    "exist in the repository", target);
		goto out;
	}
	if (git_graph_ahead_behind(&ahead, &behind, repo, git_commit_id(bc),
	    git_commit_id(tc)) != 0) {
		rc = gitfail(out, "cannot count commits");
		goto out;
	}
	if (ahead == 0) {
		rc = GITMSG_FAIL(out, E_CONFLICT, MERGE_NOTHING, "nothing to merge: "
		    "task branch '%s' has no commits that '%s' lacks", branch,
		    target);
		goto out;
	}
	git_merge_options_init(&mo, GIT_MERGE_OPTIONS_VERSION);
	mo.flags = GIT_MERGE_FIND_RENAMES;
	if (git_merge_commits(&idx, repo, tc, bc, &mo) != 0) {
		rc = gitfail(out, "cannot merge");
		goto out;
	}
	if (git_index_has_conflicts(idx)) {
		if (branch_status_index_conflicts(&out->files, &out->nfiles,
		    idx) != 0) {
			rc = GITMSG_FAIL(out, E_FAIL, MERGE_OK, "out of memory");
			goto out;
		}
		rc = GITMSG_FAIL(out, E_CONFLICT, MERGE_CONFLICTS, "Merge failed due "
		    "to conflicts. Please resolve conflicts manually.");
		goto out;
	}
	if (behind > 0) {
		rc = GITMSG_FAIL(out, E_CONFLICT, MERGE_DIVERGED, "Cannot merge: base "
		    "branch '%s' is %zu commits ahead of task branch '%s'. The "
		    "base branch has moved forward since the task was created.",
		    target, behind, branch);
		goto out;
	}
	if (git_index_write_tree_to(&tree_id, idx, repo) != 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) != 0 ||
	    git_commit_tree(&ttree, tc) != 0) {
		rc = gitfail(out, "cannot write the merged tree");
		goto out;
	}
	if (checkout_of(out->checkout, sizeof(out->checkout), repo,
	    git_reference_name(tref)) != 0) {
		rc = gitfail(out, "cannot list worktrees");
		goto out;
	}
	if (out->checkout[0] != '\0') {
		if (git_repository_open_ext(&cr, out->checkout,
		    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0) {
			rc = gitfail(out, "cannot open the target checkout");
			goto out;
		}
		/* Objects handed to a checkout must belong to its handle. */
		if (git_tree_lookup(&cfrom, cr, git_tree_id(ttree)) != 0 ||
		    git_tree_lookup(&cto, cr, &tree_id) != 0) {
			rc = gitfail(out, "cannot read the merged tree");
			goto out;
		}
		if ((rc = checkout_ready(out, cr, target, cfrom, cto)) != 0)
			goto out;
	}
	if (worktree_signature(&sig, repo) != 0 ||
	    git_commit_create(&id, repo, NULL, sig, sig, NULL, message, tree,
	    1, (const git_commit **)&tc) != 0) {
		rc = gitfail(out, "cannot create the squash commit");
		goto out;
	}
	/* Only if the target did not move meanwhile. */
	if (git_reference_create_matching(&moved, repo,
	    git_reference_name(tref), &id, 1, git_commit_id(tc),
	    "swarm: squash merge") != 0) {
		rc = gitfail(out, "cannot update the target branch");
		goto out;
	}
	git_oid_tostr(out->oid, sizeof(out->oid), &id);
	if (cr != NULL) {
		git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
		co.checkout_strategy = GIT_CHECKOUT_SAFE;
		co.baseline = cfrom;
		if (git_checkout_tree(cr, (git_object *)cto, &co) != 0) {
			rc = gitfail(out, "merged, but the target checkout "
			    "could not be updated");
			goto out;
		}
	}
	/* Follow-ups continue from the merged state, as in the original. */
	git_reference_free(moved);
	moved = NULL;
	snprintf(refname, sizeof(refname), "%s", git_reference_name(bref));
	if (git_reference_create(&moved, repo, refname, &id, 1,
	    "swarm: reset task branch after squash merge") != 0) {
		rc = gitfail(out, "merged, but the task branch could not be "
		    "moved");
		goto out;
	}
	rc = 0;
out:
	git_signature_free(sig);
	git_tree_free(cto);
	git_tree_free(cfrom);
	git_tree_free(ttree);
	git_tree_free(tree);
	git_index_free(idx);
	git_commit_free(tc);
	git_commit_free(bc);
	git_reference_free(moved);
	git_reference_free(tref);
	git_reference_free(bref);
	git_repository_free(cr);
	git_repository_free(repo);
	return rc;
}
