/* rebase.c: rebase an attempt branch onto a new base; abort conflicts */
/*
 * The original runs `git rebase --onto` and `git rebase --abort/--quit`,
 * `git merge/cherry-pick/revert --abort` with the CLI. Here:
 * - the rebase is libgit2's on-disk rebase in the worktree (the branch
 *   given as an annotated commit made from its ref, or the ref never
 *   moves). libgit2 leaves state git's CLI cannot continue from (it has
 *   no git-rebase-todo), so on a conflict this file adds the sequencer
 *   files git 2.x reads (git-rebase-todo, done, message, author-script,
 *   stopped-sha, interactive, REBASE_HEAD); `git rebase --continue` and
 *   `--abort` then work, which is what an agent resolving the conflicts
 *   will run.
 * - `merge-base --fork-point` has no libgit2 equivalent: it is rebuilt
 *   from old_base's reflog (see rebase_onto() in rebase.h).
 * - `git rebase --abort` is done by hand from the state files (head-name,
 *   orig-head) that libgit2 and git both write, so it works whichever of
 *   them wrote the state; `git merge --abort` (`reset --merge`) is
 *   approximated by restoring the staged and conflicted paths from HEAD.
 * - no fetch before rebasing onto a remote-tracking branch (network is
 *   push.c's; call push_fetch() first).
 * - sparse checkout is not honoured (libgit2 has none).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "branch_ops.h"
#include "branch_status.h"
#include "err.h"
#include "gitmsg.h"
#include "rebase.h"
#include "worktree.h"

/* Conflicted files named in the message, as the original. */
#define MSG_FILES	10

static int
gitfail(struct rebase_result *out, const char *what)
{
	return GITMSG_FAIL(out, E_FAIL, REBASE_OK, "Rebase failed: %s: %s",
	    what, gitmsg_last());
}

void
rebase_result_free(struct rebase_result *res)
{
	if (res == NULL)
		return;
	branch_status_files_free(res->files, res->nfiles);
	res->files = NULL;
	res->nfiles = 0;
}

static int
open_at(git_repository **out, const char *path)
{
	return git_repository_open_ext(out, path,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
}

/*
 * The commit the replayed range starts after: the newest entry of
 * old_base's reflog that the branch contains, when it is newer than the
 * merge base of the two tips (git's fork point), else that merge base,
 * else old_base's tip (the original's last fallback).
 */
static int
fork_point(git_oid *out, git_repository *repo, git_reference *old_ref,
    const git_oid *old_tip, const git_oid *tip)
{
	git_reflog		*log = NULL;
	const git_reflog_entry	*e;
	const git_oid		*id;
	size_t			 i, n;

	if (git_merge_base(out, repo, old_tip, tip) != 0) {
		git_oid_cpy(out, old_tip);
		return 0;
	}
	if (git_reflog_read(&log, repo, git_reference_name(old_ref)) != 0)
		return 0;	/* no reflog: the merge base it is */
	n = git_reflog_entrycount(log);
	for (i = 0; i < n; i++) {
		if ((e = git_reflog_entry_byindex(log, i)) == NULL)
			continue;
		id = git_reflog_entry_id_new(e);
		if (git_oid_is_zero(id) || git_oid_equal(id, out))
			continue;
		/* In the branch, and newer than the best so far. */
		if ((git_oid_equal(id, tip) ||
		    git_graph_descendant_of(repo, tip, id) == 1) &&
		    git_graph_descendant_of(repo, id, out) == 1)
			git_oid_cpy(out, id);
	}
	git_reflog_free(log);
	return 0;
}

/* Write dir/name with content (created or truncated). 0 or -1. */
static int
put_file(const char *dir, const char *name, const char *content,
    size_t len)
{
	char	 path[4096];
	ssize_t	 w;
	size_t	 off;
	int	 fd, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0666)) < 0)
		return -1;
	for (off = 0; off < len; off += (size_t)w)
		if ((w = write(fd, content + off, len - off)) < 0) {
			close(fd);
			return -1;
		}
	return close(fd);
}

/* A growing string for the state files. */
struct sbuf {
	char	*s;
	size_t	 len, cap;
	int	 oom;
};

static void
sb_add(struct sbuf *b, const char *p, size_t n)
{
	char	*grown;
	size_t	 cap;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		if ((grown = realloc(b->s, cap)) == NULL) {
			b->oom = 1;
			return;
		}
		b->s = grown;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void
sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* s in single quotes the way git's author-script quotes it. */
static void
sb_sq(struct sbuf *b, const char *s)
{
	sb_add(b, "'", 1);
	for (; *s != '\0'; s++)
		if (*s == '\'')
			sb_str(b, "'\\''");
		else
			sb_add(b, s, 1);
	sb_add(b, "'", 1);
}

/* Todo lines "pick <sha> <subject>" of operations [from, to). */
static void
sb_picks(struct sbuf *b, git_repository *repo, git_rebase *rb, size_t from,
    size_t to)
{
	git_rebase_operation	*op;
	git_commit		*c;
	char			 hex[GIT_OID_HEXSZ + 1];
	size_t			 i;

	for (i = from; i < to; i++) {
		if ((op = git_rebase_operation_byindex(rb, i)) == NULL)
			continue;
		git_oid_tostr(hex, sizeof(hex), &op->id);
		sb_str(b, "pick ");
		sb_str(b, hex);
		if (git_commit_lookup(&c, repo, &op->id) == 0) {
			sb_str(b, " ");
			sb_str(b, git_commit_summary(c) != NULL ?
			    git_commit_summary(c) : "");
			git_commit_free(c);
		}
		sb_str(b, "\n");
	}
}

/*
 * Add to libgit2's rebase-merge/ the files git's sequencer needs to
 * continue a rebase stopped at operation `cur` (see the top of the file).
 * Returns 0 or E_FAIL.
 */
static int
cli_state(git_repository *wt, git_rebase *rb, size_t cur)
{
	git_rebase_operation	*op;
	git_commit		*c = NULL;
	const git_signature	*a;
	struct sbuf		 todo = { 0 }, done = { 0 }, author = { 0 };
	char			 dir[4096], hex[GIT_OID_HEXSZ + 2];
	char			 date[64];
	const char		*msg;
	int			 off, n, rc = E_FAIL;

	n = snprintf(dir, sizeof(dir), "%srebase-merge",
	    git_repository_path(wt));
	if (n < 0 || (size_t)n >= sizeof(dir))
		return E_FAIL;
	if ((op = git_rebase_operation_byindex(rb, cur)) == NULL ||
	    git_commit_lookup(&c, wt, &op->id) != 0)
		goto out;
	sb_picks(&done, wt, rb, 0, cur + 1);
	sb_picks(&todo, wt, rb, cur + 1, git_rebase_operation_entrycount(rb));
	a = git_commit_author(c);
	off = a->when.offset;
	snprintf(date, sizeof(date), "@%lld %c%02d%02d",
	    (long long)a->when.time, off < 0 ? '-' : '+',
	    (off < 0 ? -off : off) / 60, (off < 0 ? -off : off) % 60);
	sb_str(&author, "GIT_AUTHOR_NAME=");
	sb_sq(&author, a->name);
	sb_str(&author, "\nGIT_AUTHOR_EMAIL=");
	sb_sq(&author, a->email);
	sb_str(&author, "\nGIT_AUTHOR_DATE=");
	sb_sq(&author, date);
	sb_str(&author, "\n");
	sb_add(&todo, "", 0);
	if (todo.oom || done.oom || author.oom)
		goto out;
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &op->id);
	hex[GIT_OID_HEXSZ] = '\n';
	hex[GIT_OID_HEXSZ + 1] = '\0';
	msg = git_commit_message(c);
	if (put_file(dir, "git-rebase-todo", todo.s != NULL ? todo.s : "",
	    todo.len) != 0 ||
	    put_file(dir, "done", done.s, done.len) != 0 ||
	    put_file(dir, "author-script", author.s, author.len) != 0 ||
	    put_file(dir, "message", msg, strlen(msg)) != 0 ||
	    put_file(dir, "stopped-sha", hex, strlen(hex)) != 0 ||
	    put_file(dir, "interactive", "", 0) != 0 ||
	    put_file(dir, "drop_redundant_commits", "", 0) != 0 ||
	    put_file(git_repository_path(wt), "REBASE_HEAD", hex,
	    strlen(hex)) != 0)
		goto out;
	rc = 0;
out:
	free(todo.s);
	free(done.s);
	free(author.s);
	git_commit_free(c);
	return rc;
}

/* The original's conflict message, naming up to MSG_FILES files. */
static void
conflict_msg(struct rebase_result *out, const char *branch,
    const char *onto)
{
	size_t	 len, i, shown;

	len = (size_t)snprintf(out->msg, sizeof(out->msg), "Rebase encountered "
	    "merge conflicts while rebasing '%s' onto '%s'.", branch, onto);
	shown = out->nfiles < MSG_FILES ? out->nfiles : MSG_FILES;
	if (shown > 0 && len < sizeof(out->msg)) {
		if (shown < out->nfiles)
			len += (size_t)snprintf(out->msg + len,
			    sizeof(out->msg) - len, " Conflicted files "
			    "(showing %zu of %zu): ", shown, out->nfiles);
		else
			len += (size_t)snprintf(out->msg + len,
			    sizeof(out->msg) - len, " Conflicted files: ");
		for (i = 0; i < shown && len < sizeof(out->msg); i++)
			len += (size_t)snprintf(out->msg + len,
			    sizeof(out->msg) - len, "%s%s", i ? ", " : "",
			    out->files[i]);
		if (len < sizeof(out->msg))
			len += (size_t)snprintf(out->msg + len,
			    sizeof(out->msg) - len, ".");
	}
	if (len < sizeof(out->msg))
		snprintf(out->msg + len, sizeof(out->msg) - len, " Resolve "
		    "conflicts and then continue or abort.");
}

/* Look up a base branch; out->msg is the original's on E_NOTFOUND. */
static int
base_ref(struct rebase_result *out, git_reference **ref, git_oid *tip,
    git_repository *repo, const char *name)
{
	git_object	*obj = NULL;
	int		 rc;

	if ((rc = branch_ops_lookup(ref, NULL, repo, name)) == 0 &&
	    git_reference_peel(&obj, *ref, GIT_OBJECT_COMMIT) != 0)
		rc = E_NOTFOUND;
	if (rc == E_NOTFOUND)
		return GITMSG_FAIL(out, E_NOTFOUND, REBASE_OK, "Branch '%s' does not "
		    "exist in the repository", name);
	if (rc != 0)
		return gitfail(out, "cannot look up branch");
	git_oid_cpy(tip, git_object_id(obj));
	git_object_free(obj);
	return 0;
}

int
rebase_onto(struct rebase_result *out, const char *repo_path,
    const char *worktree_path, const char *branch, const char *old_base,
    const char *new_base)
{
	git_repository		*repo = NULL, *wt = NULL;
	git_reference		*bref = NULL, *oref = NULL, *nref = NULL;
	git_annotated_commit	*ab = NULL, *au = NULL, *ao = NULL;
	git_rebase		*rb = NULL;
	git_rebase_operation	*op;
	git_rebase_options	 ro;
	git_signature		*sig = NULL;
	git_object		*obj = NULL;
	git_oid			 otip, ntip, btip, upstream, id;
	char			 dirty[512];
	int			 rc, r;

	memset(out, 0, sizeof(*out));
	if (old_base == NULL)
		old_base = new_base;
	if (open_at(&wt, worktree_path) != 0)
		return GITMSG_FAIL(out, E_NOTFOUND, REBASE_OK, "worktree does not "
		    "exist");
	if (open_at(&repo, repo_path) != 0) {
		rc = gitfail(out, "cannot open repository");
		goto out;
	}
	if (branch_status_op(wt) == BRANCH_STATUS_OP_REBASE) {
		rc = GITMSG_FAIL(out, E_CONFLICT, REBASE_IN_PROGRESS, "A rebase is "
		    "already in progress. Resolve conflicts or abort the "
		    "rebase, then retry.");
		goto out;
	}
	if ((r = branch_status_clean(wt, dirty, sizeof(dirty))) != 1) {
		rc = r == 0 ? GITMSG_FAIL(out, E_CONFLICT, REBASE_DIRTY, "%s has "
		    "uncommitted changes: %s", branch, dirty) :
		    gitfail(out, "cannot read worktree status");
		goto out;
	}
	if ((rc = base_ref(out, &nref, &ntip, wt, new_base)) != 0 ||
	    (rc = base_ref(out, &oref, &otip, wt, old_base)) != 0)
		goto out;
	if (git_branch_lookup(&bref, wt, branch, GIT_BRANCH_LOCAL) != 0 ||
	    git_reference_peel(&obj, bref, GIT_OBJECT_COMMIT) != 0) {
		rc = GITMSG_FAIL(out, E_NOTFOUND, REBASE_OK, "Branch '%s' does not "
		    "exist in the repository", branch);
		goto out;
	}
	git_oid_cpy(&btip, git_object_id(obj));
	if (fork_point(&upstream, repo, oref, &otip, &btip) != 0 ||
	    worktree_signature(&sig, wt) != 0 ||
	    git_annotated_commit_from_ref(&ab, wt, bref) != 0 ||
	    git_annotated_commit_lookup(&au, wt, &upstream) != 0 ||
	    git_annotated_commit_from_ref(&ao, wt, nref) != 0) {
		rc = gitfail(out, "cannot prepare");
		goto out;
	}
	git_rebase_options_init(&ro, GIT_REBASE_OPTIONS_VERSION);
	ro.checkout_options.checkout_strategy = GIT_CHECKOUT_SAFE;
	if ((r = git_rebase_init(&rb, wt, ab, au, ao, &ro)) != 0) {
		rc = r == GIT_ECONFLICT ? GITMSG_FAIL(out, E_CONFLICT, REBASE_DIRTY,
		    "%s has uncommitted changes: files in the worktree would "
		    "be overwritten by the rebase", branch) :
		    gitfail(out, "cannot start");
		/* Leave no half-made state behind. */
		if (git_rebase_open(&rb, wt, &ro) == 0)
			(void)git_rebase_abort(rb);
		goto out;
	}
	while ((r = git_rebase_next(&op, rb)) == 0) {
		r = git_rebase_commit(&id, rb, NULL, sig, NULL, NULL);
		if (r == 0 || r == GIT_EAPPLIED)
			continue;	/* applied, or already upstream */
		if (r == GIT_EUNMERGED)
			break;
		rc = gitfail(out, "cannot commit");
		(void)git_rebase_abort(rb);
		goto out;
	}
	if (r == GIT_EUNMERGED) {
		/* Left in progress for the agent or the user to resolve. */
		if (cli_state(wt, rb, git_rebase_operation_current(rb)) != 0 ||
		    branch_status_conflicts(&out->files, &out->nfiles,
		    wt) != 0) {
			rc = gitfail(out, "cannot record the stopped rebase");
			goto out;
		}
		conflict_msg(out, branch, new_base);
		out->kind = REBASE_CONFLICTS;
		rc = E_CONFLICT;
		goto out;
	}
	if (r != GIT_ITEROVER) {
		rc = gitfail(out, "cannot apply");
		(void)git_rebase_abort(rb);
		goto out;
	}
	if (git_rebase_finish(rb, sig) != 0) {
		rc = gitfail(out, "cannot finish");
		goto out;
	}
	git_object_free(obj);
	obj = NULL;
	if (git_revparse_single(&obj, wt, "HEAD^{commit}") != 0) {
		rc = gitfail(out, "cannot read HEAD");
		goto out;
	}
	git_oid_tostr(out->oid, sizeof(out->oid), git_object_id(obj));
	rc = 0;
out:
	git_rebase_free(rb);
	git_annotated_commit_free(ao);
	git_annotated_commit_free(au);
	git_annotated_commit_free(ab);
	git_object_free(obj);
	git_signature_free(sig);
	git_reference_free(nref);
	git_reference_free(oref);
	git_reference_free(bref);
	git_repository_free(repo);
	git_repository_free(wt);
	return rc;
}

/* Read the first line of file dir/name into buf. 0 or -1. */
static int
get_line(char *buf, size_t bufsz, const char *dir, const char *name)
{
	char	 path[4096];
	FILE	*f;
	int	 n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path) || (f = fopen(path, "re")) ==
	    NULL)
		return -1;
	if (fgets(buf, (int)bufsz, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Remove the rebase state of wt: both state dirs and stop markers. */
static int
drop_state(git_repository *wt)
{
	static const char *const files[] = {
		"rebase-merge", "rebase-apply", "REBASE_HEAD", "AUTO_MERGE",
		"MERGE_MSG",
	};
	char		 path[4096];
	struct stat	 st;
	size_t		 i;
	int		 n;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		n = snprintf(path, sizeof(path), "%s%s",
		    git_repository_path(wt), files[i]);
		if (n < 0 || (size_t)n >= sizeof(path))
			return -1;
		if (lstat(path, &st) != 0)
			continue;
		if ((S_ISDIR(st.st_mode) ? nftw(path, rm_entry, 16,
		    FTW_DEPTH | FTW_PHYS) : unlink(path)) != 0)
			return -1;
	}
	return 0;
}

/*
 * `git rebase --abort`: back to orig-head on head-name, a hard reset of
 * index and files (untracked files stay), state removed.
 */
static int
abort_rebase(git_repository *wt, char *err, size_t errsz)
{
	git_object	*orig = NULL;
	git_reference	*ref = NULL;
	git_oid		 oid;
	char		 dir[4096], head[1024], hex[GIT_OID_HEXSZ + 8];
	int		 rc = E_FAIL;

	snprintf(dir, sizeof(dir), "%srebase-merge", git_repository_path(wt));
	if (access(dir, F_OK) != 0)
		snprintf(dir, sizeof(dir), "%srebase-apply",
		    git_repository_path(wt));
	if (get_line(head, sizeof(head), dir, "head-name") != 0 ||
	    get_line(hex, sizeof(hex), dir, "orig-head") != 0 ||
	    git_oid_fromstrn(&oid, hex, strlen(hex)) != 0 ||
	    strlen(hex) != GIT_OID_HEXSZ ||
	    git_object_lookup(&orig, wt, &oid, GIT_OBJECT_COMMIT) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "rebase state is unreadable");
		goto out;
	}
	if (strncmp(head, "refs/heads/", 11) == 0) {
		if (git_reference_create(&ref, wt, head, &oid, 1,
		    "rebase (abort): returning to branch") != 0 ||
		    git_repository_set_head(wt, head) != 0) {
			gitmsg_set(err, errsz, "cannot restore the branch");
			goto out;
		}
	} else if (git_repository_set_head_detached(wt, &oid) != 0) {
		gitmsg_set(err, errsz, "cannot restore HEAD");
		goto out;
	}
	if (git_reset(wt, orig, GIT_RESET_HARD, NULL) != 0) {
		gitmsg_set(err, errsz, "cannot reset the worktree");
		goto out;
	}
	if (drop_state(wt) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "cannot remove rebase state");
		goto out;
	}
	rc = 0;
out:
	git_reference_free(ref);
	git_object_free(orig);
	return rc;
}

/*
 * `git reset --merge` for an interrupted merge, cherry-pick or revert:
 * staged and conflicted paths go back to HEAD in index and files, other
 * local changes stay; then the state files go.
 */
static int
abort_merge(git_repository *wt, char *err, size_t errsz)
{
	git_object		*head = NULL;
	git_tree		*tree = NULL;
	git_index		*idx = NULL;
	git_diff		*diff = NULL;
	git_checkout_options	 co;
	git_strarray		 paths = { NULL, 0 };
	char			**conf = NULL;
	size_t			 nconf = 0, i, nd;
	const git_diff_delta	*d;
	int			 rc = E_FAIL;

	if (git_revparse_single(&head, wt, "HEAD^{commit}") != 0 ||
	    git_commit_tree(&tree, (git_commit *)head) != 0 ||
	    git_repository_index(&idx, wt) != 0 ||
	    branch_status_index_conflicts(&conf, &nconf, idx) != 0 ||
	    git_diff_tree_to_index(&diff, wt, tree, idx, NULL) != 0) {
		gitmsg_set(err, errsz, "cannot read the merge state");
		goto out;
	}
	nd = git_diff_num_deltas(diff);
	if ((paths.strings = calloc(nd + nconf + 1, sizeof(char *))) == NULL)
		goto out;
	for (i = 0; i < nconf; i++)
		paths.strings[paths.count++] = conf[i];
	for (i = 0; i < nd; i++)
		if ((d = git_diff_get_delta(diff, i)) != NULL)
			paths.strings[paths.count++] =
			    (char *)d->new_file.path;
	if (paths.count > 0) {
		if (git_reset_default(wt, head, &paths) != 0) {
			gitmsg_set(err, errsz, "cannot reset the index");
			goto out;
		}
		git_checkout_options_init(&co, GIT_CHECKOUT_OPTIONS_VERSION);
		co.checkout_strategy = GIT_CHECKOUT_FORCE |
		    GIT_CHECKOUT_REMOVE_UNTRACKED |
		    GIT_CHECKOUT_DISABLE_PATHSPEC_MATCH;
		co.paths = paths;
		if (git_checkout_head(wt, &co) != 0) {
			gitmsg_set(err, errsz, "cannot restore files");
			goto out;
		}
	}
	if (git_repository_state_cleanup(wt) != 0) {
		gitmsg_set(err, errsz, "cannot remove the merge state");
		goto out;
	}
	rc = 0;
out:
	free(paths.strings);	/* the strings belong to conf and diff */
	branch_status_files_free(conf, nconf);
	git_diff_free(diff);
	git_index_free(idx);
	git_tree_free(tree);
	git_object_free(head);
	return rc;
}

int
rebase_abort(const char *worktree_path, char *err, size_t errsz)
{
	git_repository	*wt = NULL;
	char		**conf = NULL;
	size_t		 nconf = 0;
	int		 rc = E_FAIL;

	if (open_at(&wt, worktree_path) != 0) {
		if (err != NULL && errsz > 0)
			snprintf(err, errsz, "worktree does not exist");
		return E_NOTFOUND;
	}
	switch (branch_status_op(wt)) {
	case BRANCH_STATUS_OP_NONE:
		rc = 0;
		break;
	case BRANCH_STATUS_OP_REBASE:
		if (branch_status_conflicts(&conf, &nconf, wt) != 0) {
			gitmsg_set(err, errsz, "cannot read the index");
			break;
		}
		if (nconf > 0)
			rc = abort_rebase(wt, err, errsz);
		else if ((rc = drop_state(wt)) != 0) {	/* --quit */
			if (err != NULL && errsz > 0)
				snprintf(err, errsz, "cannot remove rebase "
				    "state");
			rc = E_FAIL;
		}
		break;
	default:
		rc = abort_merge(wt, err, errsz);
		break;
	}
	branch_status_files_free(conf, nconf);
	git_repository_free(wt);
	return rc;
}
