/* repo.c: the libgit2 operations the node's project routes need */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>

#include <git2.h>

#include "err.h"
#include "gitmsg.h"
#include "jsonx.h"
#include "repo.h"
#include "timefmt.h"

int
repo_global_init(void)
{
	return git_libgit2_init() > 0 ? 0 : E_FAIL;
}

int
repo_is_repo(const char *path)
{
	git_repository	*r = NULL;
	int		 ok;

	ok = git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) == 0;
	git_repository_free(r);
	return ok;
}

/* An empty tree committed on refs/heads/main, which HEAD points at. */
static int
initial_commit(git_repository *r, char *err, size_t errsz)
{
	git_treebuilder	*tb = NULL;
	git_signature	*sig = NULL;
	git_oid		 tree_id, commit_id;
	git_tree	*tree = NULL;
	int		 rc = E_FAIL;

	if (git_signature_default(&sig, r) != 0 &&
	    git_signature_now(&sig, "Swarm", "swarm@localhost") != 0) {
		gitmsg_set(err, errsz, "Failed to ensure main branch exists");
		goto out;
	}
	if (git_treebuilder_new(&tb, r, NULL) != 0 ||
	    git_treebuilder_write(&tree_id, tb) != 0 ||
	    git_tree_lookup(&tree, r, &tree_id) != 0 ||
	    git_commit_create(&commit_id, r, "HEAD", sig, sig, NULL,
	    "Initial commit", tree, 0, NULL) != 0) {
		gitmsg_set(err, errsz, "Failed to ensure main branch exists");
		goto out;
	}
	rc = 0;
out:
	git_tree_free(tree);
	git_treebuilder_free(tb);
	git_signature_free(sig);
	return rc;
}

int
repo_init_main(const char *path, char *err, size_t errsz)
{
	git_repository_init_options	 opts;
	git_repository			*r = NULL;
	int				 rc = E_FAIL, unborn;

	git_repository_init_options_init(&opts,
	    GIT_REPOSITORY_INIT_OPTIONS_VERSION);
	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0) {
		opts.flags = GIT_REPOSITORY_INIT_MKPATH;
		opts.initial_head = "main";
		if (git_repository_init_ext(&r, path, &opts) != 0) {
			gitmsg_set(err, errsz, "Failed to initialize git repository");
			return E_FAIL;
		}
	}
	/* Worktrees need a commit to branch from, as the original ensures. */
	if ((unborn = git_repository_head_unborn(r)) < 0) {
		gitmsg_set(err, errsz, "Failed to ensure main branch exists");
		goto out;
	}
	if (unborn && initial_commit(r, err, errsz) != 0)
		goto out;
	rc = 0;
out:
	git_repository_free(r);
	return rc;
}

struct branch_row {
	json_object	*obj;
	int		 current;
	git_time_t	 when;
};

static int
branch_cmp(const void *a, const void *b)
{
	const struct branch_row	*x = a, *y = b;

	if (x->current != y->current)
		return y->current - x->current;
	return (x->when < y->when) - (x->when > y->when);
}

static json_object *
branch_json(git_reference *ref, const char *name, int current,
    git_time_t *when)
{
	git_commit	*c = NULL;
	json_object	*o;
	char		 ts[TIMEFMT_LEN + 1];
	struct tm	 tm;
	time_t		 t;

	*when = 0;
	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (jsonx_add_str(o, "name", name) != 0 ||
	    jsonx_add_bool(o, "is_current", current) != 0 ||
	    jsonx_add_bool(o, "is_remote", 0) != 0)
		goto fail;
	if (git_reference_peel((git_object **)&c, ref, GIT_OBJECT_COMMIT) == 0) {
		*when = git_commit_time(c);
		t = (time_t)*when;
		gmtime_r(&t, &tm);
		timefmt_rfc3339(ts, (unsigned)tm.tm_year + 1900,
		    (unsigned)tm.tm_mon + 1, (unsigned)tm.tm_mday,
		    (unsigned)tm.tm_hour, (unsigned)tm.tm_min,
		    (unsigned)tm.tm_sec, 0);
		git_commit_free(c);
		if (jsonx_add_str(o, "last_commit_date", ts) != 0)
			goto fail;
	} else if (jsonx_add_str(o, "last_commit_date", NULL) != 0)
		goto fail;
	return o;
fail:
	json_object_put(o);
	return NULL;
}

int
repo_branches(json_object **out, const char *path)
{
	git_repository		*r = NULL;
	git_branch_iterator	*it = NULL;
	git_reference		*ref = NULL;
	git_branch_t		 type;
	struct branch_row	*rows = NULL, *grown;
	size_t			 n = 0, cap = 0, i;
	const char		*name;
	json_object		*arr = NULL;
	int			 rc = E_FAIL;

	*out = NULL;
	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_NOTFOUND;
	if (git_branch_iterator_new(&it, r, GIT_BRANCH_LOCAL) != 0)
		goto out;
	while (git_branch_next(&ref, &type, it) == 0) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			if ((grown = realloc(rows, cap * sizeof(*rows))) == NULL)
				goto out;
			rows = grown;
		}
		if (git_branch_name(&name, ref) != 0)
			goto out;
		rows[n].current = git_branch_is_head(ref) == 1;
		if ((rows[n].obj = branch_json(ref, name, rows[n].current,
		    &rows[n].when)) == NULL)
			goto out;
		n++;
		git_reference_free(ref);
		ref = NULL;
	}
	qsort(rows, n, sizeof(*rows), branch_cmp);
	if ((arr = json_object_new_array()) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if (json_object_array_add(arr, rows[i].obj) != 0)
			goto out;
		rows[i].obj = NULL;
	}
	*out = arr;
	arr = NULL;
	rc = 0;
out:
	for (i = 0; i < n; i++)
		json_object_put(rows[i].obj);
	free(rows);
	json_object_put(arr);
	git_reference_free(ref);
	git_branch_iterator_free(it);
	git_repository_free(r);
	return rc;
}

int
repo_foreach_tracked(const char *path, int (*fn)(const char *, void *),
    void *payload)
{
	git_repository		*r = NULL;
	git_index		*idx = NULL;
	const git_index_entry	*e;
	size_t			 i, n;
	int			 rc = E_FAIL;

	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_NOTFOUND;
	if (git_repository_index(&idx, r) != 0)
		goto out;
	n = git_index_entrycount(idx);
	for (i = 0; i < n; i++) {
		if ((e = git_index_get_byindex(idx, i)) == NULL)
			continue;
		if (fn(e->path, payload) != 0)
			break;
	}
	rc = 0;
out:
	git_index_free(idx);
	git_repository_free(r);
	return rc;
}

int
repo_lock(const char *path)
{
	git_repository	*r = NULL;
	char		 lock[4096];
	int		 fd, n;

	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return -1;
	/* Worktrees share the common directory: one lock per repository. */
	n = snprintf(lock, sizeof(lock), "%sswarm-ops.lock",
	    git_repository_commondir(r));
	git_repository_free(r);
	if (n < 0 || (size_t)n >= sizeof(lock) ||
	    (fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0)
		return -1;
	while (flock(fd, LOCK_EX) != 0)
		if (errno != EINTR) {
			close(fd);
			return -1;
		}
	return fd;
}

void
repo_unlock(int lock)
{
	if (lock >= 0)
		close(lock);
}

int
repo_reset_hard(const char *path, const char *oid, int force)
{
	git_repository		*r = NULL;
	git_object		*target = NULL;
	git_status_list		*st = NULL;
	git_status_options	 so;
	git_oid			 id;
	int			 rc = E_FAIL;

	if (git_repository_open_ext(&r, path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_FAIL;
	if (git_oid_fromstr(&id, oid) != 0 ||
	    git_object_lookup(&target, r, &id, GIT_OBJECT_COMMIT) != 0) {
		rc = E_NOTFOUND;
		goto out;
	}
	if (!force) {
		git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
		so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
		so.flags = 0;	/* tracked files only */
		if (git_status_list_new(&st, r, &so) != 0)
			goto out;
		if (git_status_list_entrycount(st) > 0) {
			rc = E_CONFLICT;
			goto out;
		}
	}
	rc = git_reset(r, target, GIT_RESET_HARD, NULL) == 0 ? 0 : E_FAIL;
out:
	git_status_list_free(st);
	git_object_free(target);
	git_repository_free(r);
	return rc;
}
