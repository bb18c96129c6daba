/* branch_status.c: what GET /task-attempts/{id}/branch-status reports */
/*
 * The original counts changes with `git status --porcelain` and finds
 * conflicts with `git diff --diff-filter=U` and `git rev-parse --git-path`;
 * here libgit2's status list (renames in the index detected, untracked
 * directories not recursed, as porcelain shows them), the index conflict
 * list and the state files in the worktree's git directory give the same
 * answers. Not done: the original fetches from the remote before counting
 * against a remote-tracking target or an upstream; here the refs are used
 * as they are (call push_fetch() first for fresh numbers), so this call
 * never touches the network. The upstream is found from branch.<b>.remote
 * and .merge with the default refspec mapping (see upstream_ref()), not
 * through git_branch_upstream(), to avoid a libgit2 1.5.1 leak.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <git2.h>

#include "branch_ops.h"
#include "branch_status.h"
#include "err.h"

static const char *const op_names[BRANCH_STATUS_OP__MAX] = {
	[BRANCH_STATUS_OP_NONE]		= NULL,
	[BRANCH_STATUS_OP_REBASE]	= "rebase",
	[BRANCH_STATUS_OP_MERGE]	= "merge",
	[BRANCH_STATUS_OP_CHERRY_PICK]	= "cherry_pick",
	[BRANCH_STATUS_OP_REVERT]	= "revert",
};

/* State files of the git directory, in the original's priority order. */
static const struct {
	const char		*file;
	enum branch_status_op	 op;
} op_files[] = {
	{ "rebase-merge",	BRANCH_STATUS_OP_REBASE },
	{ "rebase-apply",	BRANCH_STATUS_OP_REBASE },
	{ "MERGE_HEAD",		BRANCH_STATUS_OP_MERGE },
	{ "CHERRY_PICK_HEAD",	BRANCH_STATUS_OP_CHERRY_PICK },
	{ "REVERT_HEAD",	BRANCH_STATUS_OP_REVERT },
};

/* Tracked changes that make a worktree dirty (check_worktree_clean). */
#define DIRTY_FLAGS	(GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED | \
	GIT_STATUS_INDEX_DELETED | GIT_STATUS_INDEX_RENAMED |		\
	GIT_STATUS_INDEX_TYPECHANGE | GIT_STATUS_WT_MODIFIED |		\
	GIT_STATUS_WT_DELETED | GIT_STATUS_WT_RENAMED |			\
	GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_CONFLICTED)

const char *
branch_status_op_name(enum branch_status_op op)
{
	return op < BRANCH_STATUS_OP__MAX ? op_names[op] : NULL;
}

enum branch_status_op
branch_status_op(git_repository *repo)
{
	char		 path[4096];
	struct stat	 st;
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(op_files) / sizeof(op_files[0]); i++) {
		n = snprintf(path, sizeof(path), "%s%s",
		    git_repository_path(repo), op_files[i].file);
		if (n > 0 && (size_t)n < sizeof(path) && lstat(path, &st) == 0)
			return op_files[i].op;
	}
	return BRANCH_STATUS_OP_NONE;
}

void
branch_status_files_free(char **files, size_t n)
{
	size_t	 i;

	if (files == NULL)
		return;
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
branch_status_conflicts(char ***out, size_t *n, git_repository *repo)
{
	git_index	*idx = NULL;
	int		 rc;

	*out = NULL;
	*n = 0;
	if (git_repository_index(&idx, repo) != 0)
		return E_FAIL;
	rc = branch_status_index_conflicts(out, n, idx);
	git_index_free(idx);
	return rc;
}

int
branch_status_index_conflicts(char ***out, size_t *n, git_index *idx)
{
	git_index_conflict_iterator	*it = NULL;
	const git_index_entry		*anc, *ours, *theirs, *e;
	char				**v = NULL, **grown;
	size_t				 cnt = 0, cap = 0, i, j;
	int				 rc = E_FAIL, r;

	*out = NULL;
	*n = 0;
	if (git_index_conflict_iterator_new(&it, idx) != 0)
		goto out;
	while ((r = git_index_conflict_next(&anc, &ours, &theirs, it)) == 0) {
		e = ours != NULL ? ours : theirs != NULL ? theirs : anc;
		if (e == NULL)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 8;
			if ((grown = realloc(v, cap * sizeof(*v))) == NULL)
				goto out;
			v = grown;
		}
		if ((v[cnt] = strdup(e->path)) == NULL)
			goto out;
		cnt++;
	}
	if (r != GIT_ITEROVER)
		goto out;
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_str);
	for (i = j = 0; i < cnt; i++) {
		if (j > 0 && strcmp(v[j - 1], v[i]) == 0)
			free(v[i]);
		else
			v[j++] = v[i];
	}
	*out = j > 0 ? v : NULL;
	*n = j;
	if (j == 0)
		free(v);
	v = NULL;
	cnt = 0;
	rc = 0;
out:
	branch_status_files_free(v, cnt);
	git_index_conflict_iterator_free(it);
	return rc;
}

/* Append ", path" (or "path") to buf, silently cutting at its end. */
static void
append_path(char *buf, size_t bufsz, const char *path)
{
	size_t	 len;

	if (buf == NULL || bufsz == 0)
		return;
	len = strlen(buf);
	if (len + 1 < bufsz)
		snprintf(buf + len, bufsz - len, "%s%s", len ? ", " : "", path);
}

int
branch_status_clean(git_repository *repo, char *dirty, size_t dirtysz)
{
	git_status_options	 so;
	git_status_list		*list = NULL;
	const git_status_entry	*e;
	const char		*p;
	size_t			 i, n;
	int			 clean = 1;

	if (dirty != NULL && dirtysz > 0)
		dirty[0] = '\0';
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = 0;	/* no untracked, no ignored; submodules count */
	if (git_status_list_new(&list, repo, &so) != 0)
		return E_FAIL;
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		e = git_status_byindex(list, i);
		if (e == NULL || (e->status & DIRTY_FLAGS) == 0)
			continue;
		clean = 0;
		p = e->head_to_index != NULL ? e->head_to_index->new_file.path :
		    e->index_to_workdir != NULL ?
		    e->index_to_workdir->new_file.path : NULL;
		if (p != NULL)
			append_path(dirty, dirtysz, p);
	}
	git_status_list_free(list);
	return clean;
}

/* Worktree fields of *out from the worktree repository wt. 0 or E_FAIL. */
static int
wt_fields(struct branch_status *out, git_repository *wt)
{
	git_status_options	 so;
	git_status_list		*list = NULL;
	const git_status_entry	*e;
	git_object		*head = NULL;
	enum branch_status_op	 op;
	size_t			 i, n;
	int			 rc = E_FAIL;

	if (git_revparse_single(&head, wt, "HEAD^{commit}") == 0)
		git_oid_tostr(out->head_oid, sizeof(out->head_oid),
		    git_object_id(head));
	/* As `git status --porcelain` lists them: one line per path. */
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	/*
	 * UPDATE_INDEX writes refreshed stat data back as `git status` does:
	 * without it files checked out in the index's second look "racily"
	 * changed and are hashed again on every call.
	 */
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
	    GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX | GIT_STATUS_OPT_UPDATE_INDEX;
	if (git_status_list_new(&list, wt, &so) != 0)
		goto out;
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		if ((e = git_status_byindex(list, i)) == NULL)
			continue;
		if (e->status == GIT_STATUS_WT_NEW)
			out->untracked_count++;
		else if ((e->status & ~GIT_STATUS_IGNORED) != 0)
			out->uncommitted_count++;
		if ((e->status & DIRTY_FLAGS) != 0)
			out->has_uncommitted_changes = 1;
	}
	op = branch_status_op(wt);
	out->is_rebase_in_progress = op == BRANCH_STATUS_OP_REBASE;
	if (branch_status_conflicts(&out->conflicted_files, &out->nconflicted,
	    wt) != 0)
		goto out;
	out->conflict_op = out->nconflicted > 0 ? op : BRANCH_STATUS_OP_NONE;
	rc = 0;
out:
	git_status_list_free(list);
	git_object_free(head);
	return rc;
}

/*
 * The upstream of local branch `branch` from its config: remote "." means
 * branch.<b>.merge itself, else refs/remotes/<remote>/<name> for merge
 * refs/heads/<name> (the default fetch refspec). git_branch_upstream()
 * would also honour custom fetch refspecs, but it finds the remote
 * through libgit2 1.5.1's regex config iterator, which leaks pcre2 match
 * data for every config entry that does not match; a long-lived worker
 * cannot afford that on every status call. Returns 0, E_NOTFOUND (no
 * upstream configured) or E_FAIL.
 */
static int
upstream_ref(char *out, size_t outsz, git_repository *repo,
    const char *branch)
{
	git_config	*cfg = NULL;
	const char	*remote, *merge;
	char		 key[512];
	int		 n, rc = E_NOTFOUND;

	if (git_repository_config_snapshot(&cfg, repo) != 0)
		return E_FAIL;
	n = snprintf(key, sizeof(key), "branch.%s.remote", branch);
	if (n < 0 || (size_t)n >= sizeof(key) ||
	    git_config_get_string(&remote, cfg, key) != 0)
		goto out;
	n = snprintf(key, sizeof(key), "branch.%s.merge", branch);
	if (n < 0 || (size_t)n >= sizeof(key) ||
	    git_config_get_string(&merge, cfg, key) != 0)
		goto out;
	if (strcmp(remote, ".") == 0)
		n = snprintf(out, outsz, "%s", merge);
	else if (strncmp(merge, "refs/heads/", 11) == 0)
		n = snprintf(out, outsz, "refs/remotes/%s/%s", remote,
		    merge + 11);
	else
		goto out;
	rc = n < 0 || (size_t)n >= outsz ? E_FAIL : 0;
out:
	git_config_free(cfg);
	return rc;
}

/* Attempt branch vs its configured upstream, if it has one. */
static int
upstream_fields(struct branch_status *out, git_repository *repo,
    const char *branch, const git_oid *tip)
{
	git_reference	*up = NULL;
	git_object	*obj = NULL;
	char		 name[1024];
	int		 rc;

	if ((rc = upstream_ref(name, sizeof(name), repo, branch)) != 0)
		return rc == E_NOTFOUND ? 0 : rc;
	if (git_reference_lookup(&up, repo, name) != 0 ||
	    git_reference_peel(&obj, up, GIT_OBJECT_COMMIT) != 0)
		goto out;	/* configured but never fetched: none */
	if (git_graph_ahead_behind(&out->remote_commits_ahead,
	    &out->remote_commits_behind, repo, tip, git_object_id(obj)) != 0) {
		rc = E_FAIL;
		goto out;
	}
	out->has_upstream = 1;
out:
	git_object_free(obj);
	git_reference_free(up);
	return rc;
}

int
branch_status_get(struct branch_status *out, const char *repo_path,
    const char *worktree_path, const char *branch, const char *target)
{
	git_repository	*repo = NULL, *wt = NULL;
	git_oid		 tip, ttip;
	int		 rc;

	memset(out, 0, sizeof(*out));
	if (git_repository_open_ext(&repo, repo_path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) != 0)
		return E_FAIL;
	if ((rc = branch_ops_tip(&tip, repo, branch)) != 0 ||
	    (rc = branch_ops_tip(&ttip, repo, target)) != 0)
		goto out;
	if (git_graph_ahead_behind(&out->commits_ahead, &out->commits_behind,
	    repo, &tip, &ttip) != 0 ||
	    upstream_fields(out, repo, branch, &tip) != 0) {
		rc = E_FAIL;
		goto out;
	}
	if (worktree_path != NULL && git_repository_open_ext(&wt,
	    worktree_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) == 0) {
		/* A worktree that cannot be read reports nulls, not 500. */
		if (wt_fields(out, wt) == 0)
			out->wt_ok = 1;
		else {
			branch_status_files_free(out->conflicted_files,
			    out->nconflicted);
			out->conflicted_files = NULL;
			out->nconflicted = 0;
		}
	}
	rc = 0;
out:
	git_repository_free(wt);
	git_repository_free(repo);
	if (rc != 0)
		branch_status_free(out);
	return rc;
}

void
branch_status_free(struct branch_status *bs)
{
	if (bs == NULL)
		return;
	branch_status_files_free(bs->conflicted_files, bs->nconflicted);
	memset(bs, 0, sizeof(*bs));
}
