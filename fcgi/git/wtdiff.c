/* wtdiff.c: an attempt worktree's changes against its base, as Diff objects */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "branch_ops.h"
#include "err.h"
#include "jsonx.h"
#include "text.h"
#include "wtdiff.h"

static const char *
change_of(const git_diff_delta *d, size_t adds, size_t dels)
{
	switch (d->status) {
	case GIT_DELTA_ADDED:
	case GIT_DELTA_UNTRACKED:
		return "added";
	case GIT_DELTA_DELETED:
		return "deleted";
	case GIT_DELTA_RENAMED:
		return "renamed";
	case GIT_DELTA_COPIED:
		return "copied";
	default:
		/* Same text, other mode: a permission change. */
		if (adds == 0 && dels == 0 && d->old_file.mode != d->new_file.mode)
			return "permissionChange";
		return "modified";
	}
}

/* Text content, or NULL (binary, not UTF-8, too large): caller frees. */
static char *
text_of(const char *buf, size_t len)
{
	char	*s;

	if (len > WTDIFF_MAX_INLINE || memchr(buf, '\0', len) != NULL ||
	    !text_is_utf8(buf, len) || (s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, buf, len);
	s[len] = '\0';
	return s;
}

static char *
old_content(git_repository *r, const git_diff_delta *d)
{
	git_blob	*b = NULL;
	char		*s = NULL;

	if (git_oid_is_zero(&d->old_file.id) ||
	    git_blob_lookup(&b, r, &d->old_file.id) != 0)
		return NULL;
	if (!git_blob_is_binary(b))
		s = text_of(git_blob_rawcontent(b), (size_t)git_blob_rawsize(b));
	git_blob_free(b);
	return s;
}

/* The new side: the worktree file, or (wt NULL) the blob of a tree diff. */
static char *
new_content(git_repository *r, const char *wt, const git_diff_delta *d)
{
	struct stat	 st;
	git_blob	*b = NULL;
	char		 path[4096], *buf, *s = NULL;
	ssize_t		 n;
	int		 fd;

	if (wt == NULL) {
		if (git_oid_is_zero(&d->new_file.id) ||
		    git_blob_lookup(&b, r, &d->new_file.id) != 0)
			return NULL;
		if (!git_blob_is_binary(b))
			s = text_of(git_blob_rawcontent(b),
			    (size_t)git_blob_rawsize(b));
		git_blob_free(b);
		return s;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", wt,
	    d->new_file.path) >= sizeof(path) ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return NULL;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size > WTDIFF_MAX_INLINE ||
	    (buf = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, (size_t)st.st_size);
	close(fd);
	if (n == st.st_size)
		s = text_of(buf, (size_t)n);
	free(buf);
	return s;
}

/*
 * The Diff object of one delta; *used (may be NULL) gets the bytes of
 * content it carries.
 */
static json_object *
diff_json(git_repository *r, const char *wt, git_patch *p,
    const git_diff_delta *d, int stats_only, uint64_t *budget, size_t *used_out)
{
	json_object	*o;
	char		*oc = NULL, *nc = NULL;
	size_t		 ctx, adds = 0, dels = 0, used = 0;
	int		 omit, binary, gone = d->status == GIT_DELTA_DELETED,
			 born = d->status == GIT_DELTA_ADDED ||
			 d->status == GIT_DELTA_UNTRACKED;

	if (p != NULL)
		git_patch_line_stats(&ctx, &adds, &dels, p);
	/* Binary files have no lines to count (git numstat says "-"). */
	binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0;
	omit = stats_only || (budget != NULL && *budget == 0);
	if (!omit) {
		if (!born)
			oc = old_content(r, d);
		if (!gone)
			nc = new_content(r, wt, d);
		used = (oc ? strlen(oc) : 0) + (nc ? strlen(nc) : 0);
		if (budget != NULL)
			*budget = used >= *budget ? 0 : *budget - used;
	}
	if ((o = json_object_new_object()) == NULL)
		goto fail;
	if (jsonx_add_str(o, "change", change_of(d, adds, dels)) ||
	    jsonx_add_str(o, "oldPath", born ? NULL : d->old_file.path) ||
	    jsonx_add_str(o, "newPath", gone ? NULL : d->new_file.path) ||
	    jsonx_add_str(o, "oldContent", oc) ||
	    jsonx_add_str(o, "newContent", nc) ||
	    jsonx_add_bool(o, "contentOmitted", omit) ||
	    (omit && !binary ? jsonx_add_int(o, "additions", (long long)adds) :
	    jsonx_add(o, "additions", NULL)) ||
	    (omit && !binary ? jsonx_add_int(o, "deletions", (long long)dels) :
	    jsonx_add(o, "deletions", NULL))) {
		json_object_put(o);
		o = NULL;
	}
fail:
	if (used_out != NULL)
		*used_out = used;
	free(oc);
	free(nc);
	return o;
}

int
wtdiff_snapshot(char *base_oid, const char *wt, const char *target,
    int stats_only, uint64_t *budget,
    int (*fn)(const char *, json_object *, void *), void *arg)
{
	git_repository		*r = NULL;
	git_diff		*diff = NULL;
	git_diff_options	 o;
	git_diff_find_options	 fo;
	git_commit		*bc = NULL;
	git_tree		*bt = NULL;
	git_patch		*p;
	git_oid			 head, tip, base;
	const git_diff_delta	*d;
	json_object		*j;
	size_t			 i, n;
	int			 rc = E_FAIL;

	base_oid[0] = '\0';
	if (git_repository_open_ext(&r, wt, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_FAIL;
	if (branch_ops_tip(&tip, r, target) != 0) {
		rc = E_NOTFOUND;
		goto out;
	}
	if (git_reference_name_to_id(&head, r, "HEAD") != 0 ||
	    git_merge_base(&base, r, &head, &tip) != 0 ||
	    git_commit_lookup(&bc, r, &base) != 0 ||
	    git_commit_tree(&bt, bc) != 0)
		goto out;
	git_oid_tostr(base_oid, 41, &base);
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
	    GIT_DIFF_SHOW_UNTRACKED_CONTENT | GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_diff_tree_to_workdir_with_index(&diff, r, bt, &o) != 0)
		goto out;
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
	if (git_diff_find_similar(diff, &fo) != 0)
		goto out;
	n = git_diff_num_deltas(diff);
	for (i = 0; i < n; i++) {
		d = git_diff_get_delta(diff, i);
		p = NULL;
		(void)git_patch_from_diff(&p, diff, i);
		j = diff_json(r, wt, p, d, stats_only, budget, NULL);
		git_patch_free(p);
		if (j == NULL)
			goto out;
		if (fn(d->new_file.path != NULL ? d->new_file.path :
		    d->old_file.path, j, arg) != 0)
			break;
	}
	rc = 0;
out:
	git_diff_free(diff);
	git_tree_free(bt);
	git_commit_free(bc);
	git_repository_free(r);
	return rc;
}

/* Both forms of each delta of diff, to fn. */
static int
each_pair(git_repository *r, const char *wt, git_diff *diff,
    int (*fn)(const struct wtdiff_pair *, void *), void *arg)
{
	struct wtdiff_pair	 pr;
	const git_diff_delta	*d;
	git_patch		*p;
	size_t			 i, n = git_diff_num_deltas(diff);
	int			 rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		d = git_diff_get_delta(diff, i);
		p = NULL;
		memset(&pr, 0, sizeof(pr));
		(void)git_patch_from_diff(&p, diff, i);
		pr.full = diff_json(r, wt, p, d, 0, NULL, &pr.content_bytes);
		pr.stats = diff_json(r, wt, p, d, 1, NULL, NULL);
		git_patch_free(p);
		if (pr.full == NULL || pr.stats == NULL) {
			json_object_put(pr.full);
			json_object_put(pr.stats);
			return E_FAIL;
		}
		pr.path = d->new_file.path != NULL && d->status !=
		    GIT_DELTA_DELETED ? d->new_file.path : d->old_file.path;
		pr.old_path = d->status == GIT_DELTA_RENAMED ||
		    d->status == GIT_DELTA_COPIED ? d->old_file.path : NULL;
		rc = fn(&pr, arg);
		json_object_put(pr.full);
		json_object_put(pr.stats);
	}
	return rc;
}

static int
find_renames(git_diff *diff)
{
	git_diff_find_options	 fo;

	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_FOR_UNTRACKED;
	return git_diff_find_similar(diff, &fo);
}

int
wtdiff_base(char *base_oid, const char *wt, const char *target)
{
	git_repository	*r = NULL;
	git_oid		 head, tip, base;
	int		 rc = E_FAIL;

	base_oid[0] = '\0';
	if (git_repository_open_ext(&r, wt, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_NOTFOUND;
	if (branch_ops_tip(&tip, r, target) != 0)
		rc = E_NOTFOUND;
	else if (git_reference_name_to_id(&head, r, "HEAD") == 0 &&
	    git_merge_base(&base, r, &head, &tip) == 0) {
		git_oid_tostr(base_oid, 41, &base);
		rc = 0;
	}
	git_repository_free(r);
	return rc;
}

int
wtdiff_paths(const char *wt, const char *base_oid, char *const *paths,
    size_t npaths, int (*fn)(const struct wtdiff_pair *, void *), void *arg)
{
	git_repository		*r = NULL;
	git_diff		*diff = NULL;
	git_diff_options	 o;
	git_commit		*bc = NULL;
	git_tree		*bt = NULL;
	git_oid			 base;
	int			 rc = E_FAIL;

	if (git_repository_open_ext(&r, wt, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_NOTFOUND;
	if (git_oid_fromstr(&base, base_oid) != 0 ||
	    git_commit_lookup(&bc, r, &base) != 0 ||
	    git_commit_tree(&bt, bc) != 0)
		goto out;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS |
	    GIT_DIFF_SHOW_UNTRACKED_CONTENT | GIT_DIFF_INCLUDE_TYPECHANGE;
	if (paths != NULL) {
		/* Exact paths: a name with * or [ is not a pattern. */
		o.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH;
		o.pathspec.strings = (char **)paths;
		o.pathspec.count = npaths;
		if (npaths == 0) {
			rc = 0;
			goto out;
		}
	}
	if (git_diff_tree_to_workdir_with_index(&diff, r, bt, &o) != 0 ||
	    find_renames(diff) != 0)
		goto out;
	rc = each_pair(r, wt, diff, fn, arg);
out:
	git_diff_free(diff);
	git_tree_free(bt);
	git_commit_free(bc);
	git_repository_free(r);
	return rc;
}

int
wtdiff_commits(const char *repo_path, const char *old_oid,
    const char *new_oid, int (*fn)(const struct wtdiff_pair *, void *),
    void *arg)
{
	git_repository		*r = NULL;
	git_diff		*diff = NULL;
	git_diff_options	 o;
	git_commit		*oc = NULL, *nc = NULL, *parent = NULL;
	git_tree		*ot = NULL, *nt = NULL;
	git_oid			 id;
	int			 rc = E_FAIL;

	if (git_repository_open_ext(&r, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH,
	    NULL) != 0)
		return E_NOTFOUND;
	if (git_oid_fromstr(&id, new_oid) != 0 ||
	    git_commit_lookup(&nc, r, &id) != 0) {
		rc = E_NOTFOUND;
		goto out;
	}
	if (old_oid == NULL) {
		/* A root commit diffs against the empty tree. */
		if (git_commit_parentcount(nc) > 0 &&
		    git_commit_parent(&parent, nc, 0) != 0)
			goto out;
		if (parent != NULL && git_commit_tree(&ot, parent) != 0)
			goto out;
	} else if (git_oid_fromstr(&id, old_oid) != 0 ||
	    git_commit_lookup(&oc, r, &id) != 0 ||
	    git_commit_tree(&ot, oc) != 0)
		goto out;
	if (git_commit_tree(&nt, nc) != 0)
		goto out;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.flags = GIT_DIFF_INCLUDE_TYPECHANGE;
	if (git_diff_tree_to_tree(&diff, r, ot, nt, &o) != 0 ||
	    find_renames(diff) != 0)
		goto out;
	rc = each_pair(r, NULL, diff, fn, arg);
out:
	git_diff_free(diff);
	git_tree_free(ot);
	git_tree_free(nt);
	git_commit_free(oc);
	git_commit_free(nc);
	git_commit_free(parent);
	git_repository_free(r);
	return rc;
}
