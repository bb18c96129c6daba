/* worktree.c: attempt branches and their linked worktrees (libgit2) */
/*
 * What the original does with the git CLI and this file does not:
 * - `git sparse-checkout reapply` after `worktree add`: libgit2 1.5.1 has
 *   no sparse checkout (it ignores core.sparseCheckout and the
 *   skip-worktree bit), so every worktree is a full checkout.
 * - `git add -A` / `git commit` by the CLI: done with the libgit2 index
 *   (add_all + update_all), which honours .gitignore, info/exclude and
 *   core.excludesFile the same way; hooks (pre-commit, commit-msg) are not
 *   run, and no identity is written into the repository config (the
 *   original sets user.name/user.email there when missing).
 * - the per-path mutex of WorktreeManager: callers serialise per attempt.
 * - `git worktree remove --force` + `git worktree prune`: the directory is
 *   deleted here and only that worktree's metadata is pruned (locked or
 *   not); other stale worktrees of the repository are left alone.
 * worktree_snapshot() has no counterpart in the original, which deletes
 * uncommitted work with the worktree.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>
#include <git2/sys/repository.h>

#include "err.h"
#include "gitmsg.h"
#include "worktree.h"

/* Worktree admin names tried: "<base>", "<base>1" ... "<base>99". */
#define ADMIN_TRIES	100

static void
setmsg(char *err, size_t errsz, const char *msg)
{
	if (err != NULL && errsz > 0)
		snprintf(err, errsz, "%s", msg);
}

/*
 * The slug of title into out (WORKTREE_SLUG_MAX + 1 bytes). Leading
 * separators are never emitted and runs collapse, so what is built is
 * the trimmed slug's prefix; cutting it and trimming the tail again gives
 * exactly the original's result. Non-ASCII code points are separators
 * except the two whose lowercase form contains ASCII letters.
 */
static void
slug(char *out, const char *title)
{
	const unsigned char	*p = (const unsigned char *)title;
	size_t			 n = 0;
	int			 c;

	for (; *p != '\0' && n < WORKTREE_SLUG_MAX; p++) {
		c = -1;
		if (*p < 0x80) {
			c = *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p;
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
				c = -1;
		} else if (p[0] == 0xe2 && p[1] == 0x84 && p[2] == 0xaa) {
			c = 'k';	/* U+212A KELVIN SIGN -> "k" */
			p += 2;
		} else if (p[0] == 0xc4 && p[1] == 0xb0) {
			/* U+0130 -> "i" U+0307: the dot is a separator. */
			out[n++] = 'i';
			p++;
			if (n < WORKTREE_SLUG_MAX)
				out[n++] = '-';
			continue;
		}
		if (c >= 0)
			out[n++] = (char)c;
		else if (n > 0 && out[n - 1] != '-')
			out[n++] = '-';
	}
	while (n > 0 && out[n - 1] == '-')
		n--;
	out[n] = '\0';
}

/* The first 4 hex digits of id, lowercased, into hex[5]; 0 or E_INVAL. */
static int
short_id(char *hex, const char *id)
{
	int	 i;
	char	 c;

	if (id == NULL)
		return E_INVAL;
	for (i = 0; i < 4; i++) {
		c = id[i];
		if (c >= 'A' && c <= 'F')
			c = c - 'A' + 'a';
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return E_INVAL;
		hex[i] = c;
	}
	hex[4] = '\0';
	return 0;
}

int
worktree_branch_name(char *out, size_t outsz, const char *prefix,
    const char *attempt_id, const char *title)
{
	char	 hex[5], s[WORKTREE_SLUG_MAX + 1];
	int	 n;

	if (out == NULL || outsz == 0)
		return E_TOOBIG;
	out[0] = '\0';
	if (title == NULL || short_id(hex, attempt_id) != 0)
		return E_INVAL;
	slug(s, title);
	if (prefix == NULL || prefix[0] == '\0')
		n = snprintf(out, outsz, "%s-%s", hex, s);
	else
		n = snprintf(out, outsz, "%s/%s-%s", prefix, hex, s);
	if (n < 0 || (size_t)n >= outsz) {
		out[0] = '\0';
		return E_TOOBIG;
	}
	return 0;
}

int
worktree_dir_name(char *out, size_t outsz, const char *attempt_id,
    const char *title)
{
	return worktree_branch_name(out, outsz, "", attempt_id, title);
}

int
worktree_signature(git_signature **out, git_repository *repo)
{
	if (git_signature_default(out, repo) == 0)
		return 0;
	return git_signature_now(out, WORKTREE_SIG_NAME,
	    WORKTREE_SIG_EMAIL) == 0 ? 0 : E_FAIL;
}

static int
open_at(git_repository **out, const char *path)
{
	return git_repository_open_ext(out, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
}

/* mkdir -p of the parent directory of path. 0 or -1 with errno. */
static int
mkparents(const char *path)
{
	char	 buf[PATH_MAX], *p;
	size_t	 len = strlen(path);

	if (len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len + 1);
	if ((p = strrchr(buf, '/')) == NULL || p == buf)
		return 0;
	*p = '\0';
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* rm -rf path (never follows symlinks). 0, or -1 with errno. */
static int
rmtree(const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	return nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * Whether the worktree registered as wt lives at path (compared as
 * given and as resolved, since the directory may be gone already).
 */
static int
same_path(const char *a, const char *b, const char *breal)
{
	char	 ra[PATH_MAX];

	if (strcmp(a, b) == 0 || (breal != NULL && strcmp(a, breal) == 0))
		return 1;
	if (realpath(a, ra) == NULL)
		return 0;
	return strcmp(ra, b) == 0 || (breal != NULL && strcmp(ra, breal) == 0);
}

/*
 * Prune the metadata of every linked worktree of repo registered at path
 * (real is path resolved before its directory was removed, or NULL),
 * locked or not. Returns 0 or E_FAIL.
 */
static int
prune_at(git_repository *repo, const char *path, const char *real)
{
	git_strarray			 names = { NULL, 0 };
	git_worktree			*wt = NULL;
	git_worktree_prune_options	 po;
	size_t				 i;
	int				 rc = E_FAIL;

	git_worktree_prune_options_init(&po,
	    GIT_WORKTREE_PRUNE_OPTIONS_VERSION);
	po.flags = GIT_WORKTREE_PRUNE_VALID | GIT_WORKTREE_PRUNE_LOCKED;
	if (git_worktree_list(&names, repo) != 0)
		goto out;
	for (i = 0; i < names.count; i++) {
		if (git_worktree_lookup(&wt, repo, names.strings[i]) != 0)
			continue;
		if (same_path(git_worktree_path(wt), path, real) &&
		    git_worktree_prune(wt, &po) != 0)
			goto out;
		git_worktree_free(wt);
		wt = NULL;
	}
	rc = 0;
out:
	git_worktree_free(wt);
	git_strarray_dispose(&names);
	return rc;
}

/*
 * A free admin name for a worktree at path: its basename, else the
 * basename with a number, pruning stale entries (directory gone) that
 * hold a candidate. Returns 0 or E_FAIL.
 */
static int
admin_name(char *out, size_t outsz, git_repository *repo, const char *path)
{
	git_worktree			*wt;
	git_worktree_prune_options	 po;
	const char			*base;
	char				 dir[PATH_MAX];
	struct stat			 st;
	int				 i, n;

	git_worktree_prune_options_init(&po,
	    GIT_WORKTREE_PRUNE_OPTIONS_VERSION);
	po.flags = GIT_WORKTREE_PRUNE_LOCKED;
	base = strrchr(path, '/');
	base = base != NULL ? base + 1 : path;
	if (*base == '\0')
		return E_FAIL;
	for (i = 0; i < ADMIN_TRIES; i++) {
		n = i == 0 ? snprintf(out, outsz, "%s", base) :
		    snprintf(out, outsz, "%s%d", base, i);
		if (n < 0 || (size_t)n >= outsz)
			return E_FAIL;
		n = snprintf(dir, sizeof(dir), "%s/worktrees/%s",
		    git_repository_commondir(repo), out);
		if (n < 0 || (size_t)n >= sizeof(dir))
			return E_FAIL;
		if (lstat(dir, &st) != 0)
			return 0;
		if (git_worktree_lookup(&wt, repo, out) == 0) {
			if (git_worktree_validate(wt) != 0)
				(void)git_worktree_prune(wt, &po);
			git_worktree_free(wt);
		}
		if (lstat(dir, &st) != 0)
			return 0;
	}
	return E_FAIL;
}

/* Add a linked worktree at path checked out on branch ref. 0 or E_FAIL. */
static int
add_linked(git_repository *repo, const char *path, git_reference *ref,
    char *err, size_t errsz)
{
	git_worktree_add_options	 opts;
	git_worktree			*wt = NULL;
	char				 name[NAME_MAX + 1];

	if (mkparents(path) != 0) {
		setmsg(err, errsz, "cannot create the worktree's parent "
		    "directory");
		return E_FAIL;
	}
	if (admin_name(name, sizeof(name), repo, path) != 0) {
		setmsg(err, errsz, "no free worktree name");
		return E_FAIL;
	}
	git_worktree_add_options_init(&opts, GIT_WORKTREE_ADD_OPTIONS_VERSION);
	opts.ref = ref;
	/* A fresh directory: nothing to protect, every file is written. */
	opts.checkout_options.checkout_strategy = GIT_CHECKOUT_FORCE;
	if (git_worktree_add(&wt, repo, name, path, &opts) != 0) {
		gitmsg_set(err, errsz, "cannot add worktree");
		return E_FAIL;
	}
	git_worktree_free(wt);
	return 0;
}

int
worktree_create(const char *repo_path, const char *worktree_path,
    const char *branch, const char *base_branch, char *err, size_t errsz)
{
	git_repository	*repo = NULL;
	git_reference	*ref = NULL, *base = NULL;
	git_commit	*tip = NULL;
	struct stat	 st;
	int		 valid = 0, rc = E_FAIL;

	if (git_branch_name_is_valid(&valid, branch) != 0 || !valid) {
		setmsg(err, errsz, "invalid branch name");
		return E_INVAL;
	}
	if (lstat(worktree_path, &st) == 0) {
		setmsg(err, errsz, "worktree directory already exists");
		return E_CONFLICT;
	}
	if (open_at(&repo, repo_path) != 0) {
		gitmsg_set(err, errsz, "cannot open repository");
		return E_FAIL;
	}
	if (git_branch_lookup(&base, repo, base_branch,
	    GIT_BRANCH_LOCAL) != 0 && git_branch_lookup(&base, repo,
	    base_branch, GIT_BRANCH_REMOTE) != 0) {
		setmsg(err, errsz, "base branch does not exist");
		rc = E_NOTFOUND;
		goto out;
	}
	if (git_reference_peel((git_object **)&tip, base,
	    GIT_OBJECT_COMMIT) != 0) {
		setmsg(err, errsz, "base branch does not point at a commit");
		rc = E_NOTFOUND;
		goto out;
	}
	switch (git_branch_create(&ref, repo, branch, tip, 0)) {
	case 0:
		break;
	case GIT_EEXISTS:
		setmsg(err, errsz, "a branch with this name already exists");
		rc = E_CONFLICT;
		goto out;
	default:
		gitmsg_set(err, errsz, "cannot create branch");
		goto out;
	}
	if (add_linked(repo, worktree_path, ref, err, errsz) != 0) {
		/* Leave nothing behind: neither directory nor branch. */
		(void)rmtree(worktree_path);
		(void)prune_at(repo, worktree_path, NULL);
		(void)git_reference_delete(ref);	/* new: no config */
		goto out;
	}
	rc = 0;
out:
	git_commit_free(tip);
	git_reference_free(base);
	git_reference_free(ref);
	git_repository_free(repo);
	return rc;
}

/* 1 if repositories a and b share their common git directory. */
static int
same_common(git_repository *a, git_repository *b)
{
	char	 ra[PATH_MAX], rb[PATH_MAX];

	if (realpath(git_repository_commondir(a), ra) == NULL ||
	    realpath(git_repository_commondir(b), rb) == NULL)
		return 0;
	return strcmp(ra, rb) == 0;
}

/* Copy file src (a missing one counts as empty) to fd dfd. 0 or -1. */
static int
copy_file(const char *src, int dfd)
{
	char	 buf[65536];
	ssize_t	 n, w, off;
	int	 sfd;

	if ((sfd = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return errno == ENOENT ? 0 : -1;	/* no index: empty */
	while ((n = read(sfd, buf, sizeof(buf))) > 0)
		for (off = 0; off < n; off += w)
			if ((w = write(dfd, buf + off, n - off)) < 0) {
				close(sfd);
				return -1;
			}
	close(sfd);
	return n < 0 ? -1 : 0;
}

/*
 * The tree of the files on disk of worktree repo wt, built in a private
 * copy of its index (so the real index is never written), into *tree.
 * Returns 0 or E_FAIL.
 */
static int
disk_tree(git_oid *tree, git_repository *wt, char *err, size_t errsz)
{
	git_index	*real = NULL, *copy = NULL;
	char		 tmp[PATH_MAX];
	int		 fd = -1, n, rc = E_FAIL;

	tmp[0] = '\0';
	if (git_repository_index(&real, wt) != 0 || git_index_path(real) ==
	    NULL) {
		gitmsg_set(err, errsz, "cannot read the worktree index");
		goto out;
	}
	n = snprintf(tmp, sizeof(tmp), "%sswarm-snapshot-index.XXXXXX",
	    git_repository_path(wt));
	if (n < 0 || (size_t)n >= sizeof(tmp) || (fd = mkstemp(tmp)) < 0) {
		tmp[0] = '\0';
		setmsg(err, errsz, "cannot create a temporary index");
		goto out;
	}
	if (copy_file(git_index_path(real), fd) != 0) {
		setmsg(err, errsz, "cannot copy the worktree index");
		goto out;
	}
	if (git_index_open(&copy, tmp) != 0 ||
	    git_repository_set_index(wt, copy) != 0 ||
	    git_index_add_all(copy, NULL, GIT_INDEX_ADD_DEFAULT, NULL,
	    NULL) != 0 ||
	    git_index_update_all(copy, NULL, NULL, NULL) != 0 ||
	    git_index_conflict_cleanup(copy) != 0 ||
	    git_index_write_tree_to(tree, copy, wt) != 0) {
		gitmsg_set(err, errsz, "cannot stage the worktree");
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	git_index_free(copy);
	git_index_free(real);
	return rc;
}

int
worktree_snapshot(char *oid_out, const char *repo_path,
    const char *worktree_path, const char *attempt_id, char *err,
    size_t errsz)
{
	git_repository	*wt = NULL, *repo = NULL;
	git_reference	*ref = NULL;
	git_object	*obj = NULL;
	git_commit	*head = NULL;
	git_tree	*tree = NULL;
	git_signature	*sig = NULL;
	git_oid		 tree_id, id;
	char		 refname[256], msg[512];
	int		 n, valid = 0, rc = E_FAIL;

	oid_out[0] = '\0';
	n = snprintf(refname, sizeof(refname), "%s%s", WORKTREE_SNAPSHOT_NS,
	    attempt_id);
	if (n < 0 || (size_t)n >= sizeof(refname) || attempt_id[0] == '\0' ||
	    strchr(attempt_id, '/') != NULL ||
	    git_reference_name_is_valid(&valid, refname) != 0 || !valid) {
		setmsg(err, errsz, "attempt id cannot name a snapshot ref");
		return E_INVAL;
	}
	if (open_at(&wt, worktree_path) != 0 ||
	    open_at(&repo, repo_path) != 0) {
		gitmsg_set(err, errsz, "cannot open repository or worktree");
		goto out;
	}
	if (!same_common(wt, repo)) {
		setmsg(err, errsz,
		    "worktree does not belong to the repository");
		goto out;
	}
	/* Parents must belong to the repository the commit is made in. */
	if (git_revparse_single(&obj, wt, "HEAD^{commit}") != 0 ||
	    git_commit_lookup(&head, repo, git_object_id(obj)) != 0) {
		gitmsg_set(err, errsz, "worktree HEAD is not a commit");
		goto out;
	}
	if (disk_tree(&tree_id, wt, err, errsz) != 0)
		goto out;
	if (git_oid_equal(&tree_id, git_commit_tree_id(head))) {
		setmsg(err, errsz, "worktree is clean: nothing to snapshot");
		rc = E_NOTFOUND;
		goto out;
	}
	snprintf(msg, sizeof(msg), "Swarm snapshot of uncommitted work of "
	    "attempt %s\n", attempt_id);
	if (worktree_signature(&sig, repo) != 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) != 0 ||
	    git_commit_create(&id, repo, NULL, sig, sig, NULL, msg, tree, 1,
	    (const git_commit **)&head) != 0 ||
	    git_reference_create(&ref, repo, refname, &id, 1,
	    "swarm: snapshot") != 0) {
		gitmsg_set(err, errsz, "cannot write snapshot");
		goto out;
	}
	git_oid_tostr(oid_out, GIT_OID_HEXSZ + 1, &id);
	rc = 0;
out:
	git_reference_free(ref);
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(head);
	git_object_free(obj);
	git_repository_free(repo);
	git_repository_free(wt);
	return rc;
}

int
worktree_remove(const char *repo_path, const char *worktree_path,
    const char *attempt_id, char *err, size_t errsz)
{
	git_repository	*repo = NULL, *wt = NULL;
	char		 real[PATH_MAX], oid[GIT_OID_HEXSZ + 1];
	const char	*rp;
	struct stat	 st;
	int		 rc;

	rp = realpath(worktree_path, real);
	if (open_at(&repo, repo_path) != 0)
		repo = NULL;	/* project gone: the directory is all */
	if (lstat(worktree_path, &st) == 0 && open_at(&wt, worktree_path) ==
	    0) {
		if (repo != NULL && !(git_repository_is_worktree(wt) &&
		    same_common(wt, repo))) {
			setmsg(err, errsz, "worktree path holds another "
			    "repository");
			rc = E_CONFLICT;
			goto out;
		}
		if (repo != NULL && (rc = worktree_snapshot(oid, repo_path,
		    worktree_path, attempt_id, err, errsz)) != 0 &&
		    rc != E_NOTFOUND) {
			rc = E_FAIL;	/* keep the work, not lose it */
			goto out;
		}
	}
	if (rmtree(worktree_path) != 0) {
		setmsg(err, errsz, "cannot delete the worktree directory");
		rc = E_FAIL;
		goto out;
	}
	rc = 0;
	if (repo != NULL && prune_at(repo, worktree_path, rp) != 0) {
		gitmsg_set(err, errsz, "cannot prune worktree metadata");
		rc = E_FAIL;
	}
out:
	git_repository_free(wt);
	git_repository_free(repo);
	return rc;
}

int
worktree_ensure(int *created, const char *repo_path,
    const char *worktree_path, const char *branch, char *err, size_t errsz)
{
	git_repository	*repo = NULL, *wt = NULL;
	git_reference	*ref = NULL;
	struct stat	 st;
	int		 rc = E_FAIL;

	if (created != NULL)
		*created = 0;
	if (open_at(&repo, repo_path) != 0) {
		gitmsg_set(err, errsz, "cannot open repository");
		return E_FAIL;
	}
	if (lstat(worktree_path, &st) == 0) {
		if (open_at(&wt, worktree_path) == 0) {
			if (git_repository_is_worktree(wt) &&
			    same_common(wt, repo)) {
				rc = 0;		/* already there */
				goto out;
			}
			setmsg(err, errsz, "worktree path holds another "
			    "repository");
			rc = E_CONFLICT;
			goto out;
		}
		/* A leftover directory that is no worktree: start over. */
		if (rmtree(worktree_path) != 0) {
			setmsg(err, errsz, "cannot clear the worktree path");
			goto out;
		}
	}
	if (prune_at(repo, worktree_path, NULL) != 0) {
		gitmsg_set(err, errsz, "cannot prune worktree metadata");
		goto out;
	}
	if (git_branch_lookup(&ref, repo, branch, GIT_BRANCH_LOCAL) != 0) {
		setmsg(err, errsz, "branch does not exist");
		rc = E_NOTFOUND;
		goto out;
	}
	if (git_branch_is_checked_out(ref) == 1) {
		setmsg(err, errsz, "branch is checked out in another worktree");
		rc = E_CONFLICT;
		goto out;
	}
	if (add_linked(repo, worktree_path, ref, err, errsz) != 0) {
		(void)rmtree(worktree_path);
		(void)prune_at(repo, worktree_path, NULL);
		goto out;
	}
	if (created != NULL)
		*created = 1;
	rc = 0;
out:
	git_reference_free(ref);
	git_repository_free(wt);
	git_repository_free(repo);
	return rc;
}

int
worktree_head(char *oid, const char *worktree_path)
{
	git_repository	*repo = NULL;
	git_object	*obj = NULL;
	int		 rc = E_NOTFOUND;

	oid[0] = '\0';
	if (open_at(&repo, worktree_path) != 0)
		return E_NOTFOUND;
	if (git_revparse_single(&obj, repo, "HEAD^{commit}") == 0) {
		git_oid_tostr(oid, GIT_OID_HEXSZ + 1, git_object_id(obj));
		rc = 0;
	}
	git_object_free(obj);
	git_repository_free(repo);
	return rc;
}

int
worktree_commit_all(char *oid_out, const char *worktree_path,
    const char *message, char *err, size_t errsz)
{
	git_repository	*repo = NULL;
	git_index	*idx = NULL;
	git_commit	*head = NULL;
	git_tree	*tree = NULL;
	git_signature	*sig = NULL;
	git_oid		 tree_id, id;
	int		 unborn, rc = E_FAIL;

	oid_out[0] = '\0';
	if (open_at(&repo, worktree_path) != 0) {
		gitmsg_set(err, errsz, "cannot open worktree");
		return E_FAIL;
	}
	if ((unborn = git_repository_head_unborn(repo)) < 0 ||
	    (!unborn && git_revparse_single((git_object **)&head, repo,
	    "HEAD^{commit}") != 0)) {
		gitmsg_set(err, errsz, "cannot resolve HEAD");
		goto out;
	}
	if (git_repository_index(&idx, repo) != 0) {
		gitmsg_set(err, errsz, "cannot read the index");
		goto out;
	}
	/* Before staging: `add -A` marks them resolved, markers and all. */
	if (git_index_has_conflicts(idx)) {
		setmsg(err, errsz, "the index has unresolved conflicts");
		rc = E_CONFLICT;
		goto out;
	}
	if (git_index_add_all(idx, NULL, GIT_INDEX_ADD_DEFAULT, NULL,
	    NULL) != 0 ||
	    git_index_update_all(idx, NULL, NULL, NULL) != 0) {
		gitmsg_set(err, errsz, "cannot stage changes");
		goto out;
	}
	if (git_index_write_tree(&tree_id, idx) != 0 ||
	    git_index_write(idx) != 0) {
		gitmsg_set(err, errsz, "cannot write the index");
		goto out;
	}
	if (head != NULL ? git_oid_equal(&tree_id, git_commit_tree_id(head)) :
	    git_index_entrycount(idx) == 0) {
		setmsg(err, errsz, "nothing to commit");
		rc = E_NOTFOUND;
		goto out;
	}
	if (worktree_signature(&sig, repo) != 0 ||
	    git_tree_lookup(&tree, repo, &tree_id) != 0 ||
	    git_commit_create(&id, repo, "HEAD", sig, sig, NULL, message, tree,
	    head != NULL ? 1 : 0, (const git_commit **)&head) != 0) {
		gitmsg_set(err, errsz, "cannot commit");
		goto out;
	}
	git_oid_tostr(oid_out, GIT_OID_HEXSZ + 1, &id);
	rc = 0;
out:
	git_signature_free(sig);
	git_tree_free(tree);
	git_commit_free(head);
	git_index_free(idx);
	git_repository_free(repo);
	return rc;
}
