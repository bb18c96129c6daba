/* test_git_branch_status.c: counts and conflict state (branch_status.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "err.h"
#include "branch_status.h"
#include "worktree.h"

#include "git_fixture.h"

/* --- tests ------------------------------------------------------------ */

/* Count `git status --porcelain` lines of worktree wt: tracked, "??". */
static void
porcelain_counts(const char *wt, size_t *tracked, size_t *untracked)
{
	char	 b[64];

	*tracked = strtoul(out(b, sizeof(b), "git -C %s status --porcelain | "
	    "grep -vc '^[?][?]'", wt), NULL, 10);
	*untracked = strtoul(out(b, sizeof(b), "git -C %s status --porcelain "
	    "| grep -c '^[?][?]'", wt), NULL, 10);
}

static void
branch_status_counts(void **state)
{
	struct fx		*f = *state;
	struct branch_status	 bs;
	char			 b[1024], err[256];
	size_t			 tracked, untracked;

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/s", "main", err,
	    sizeof(err)), 0);
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1 && "
	    "echo 2 > t2 && git add t2 && git commit -qm t2", f->wt);
	SH("cd %s && echo m > m1 && git add m1 && git commit -qm m1", f->repo);
	/* Clean so far. */
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/s",
	    "main"), 0);
	assert_int_equal(bs.commits_ahead, 2);
	assert_int_equal(bs.commits_behind, 1);
	assert_true(bs.wt_ok);
	assert_false(bs.has_uncommitted_changes);
	assert_int_equal(bs.uncommitted_count, 0);
	assert_int_equal(bs.untracked_count, 0);
	assert_string_equal(bs.head_oid, out(b, sizeof(b),
	    "git -C %s rev-parse HEAD", f->wt));
	assert_false(bs.is_rebase_in_progress);
	assert_int_equal(bs.conflict_op, BRANCH_STATUS_OP_NONE);
	assert_int_equal(bs.nconflicted, 0);
	assert_false(bs.has_upstream);
	branch_status_free(&bs);

	/* Untracked only: still "clean". */
	put(f->wt, "new.txt", "n\n");
	SH("mkdir -p %s/nd && touch %s/nd/x %s/nd/y", f->wt, f->wt, f->wt);
	put(f->wt, "ig.log", "ignored\n");
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/s",
	    "main"), 0);
	assert_false(bs.has_uncommitted_changes);
	assert_int_equal(bs.untracked_count, 2);	/* new.txt, nd/ */
	assert_int_equal(bs.uncommitted_count, 0);
	branch_status_free(&bs);

	/* Modified, staged, deleted, renamed in the index. */
	put(f->wt, "a.txt", "changed\n");
	put(f->wt, "staged.txt", "s\n");
	SH("cd %s && git add staged.txt && rm c.txt && git mv b.txt b2.txt",
	    f->wt);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/s",
	    "main"), 0);
	porcelain_counts(f->wt, &tracked, &untracked);
	assert_true(bs.has_uncommitted_changes);
	assert_int_equal(tracked, 4);
	assert_int_equal(bs.uncommitted_count, tracked);
	assert_int_equal(bs.untracked_count, untracked);
	assert_int_equal(bs.commits_ahead, 2);
	branch_status_free(&bs);
}

static void
branch_status_upstream(void **state)
{
	struct fx		*f = *state;
	struct branch_status	 bs;
	char			 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/u", "main", err,
	    sizeof(err)), 0);
	SH("git init -q --bare %s/remote.git && git -C %s remote add origin "
	    "%s/remote.git", f->dir, f->repo, f->dir);
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1 && "
	    "git push -q -u origin vk/u 2>/dev/null && echo 2 > t2 && "
	    "git add t2 && git commit -qm t2 && echo 3 > t3 && git add t3 && "
	    "git commit -qm t3", f->wt);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/u",
	    "main"), 0);
	assert_true(bs.has_upstream);
	assert_int_equal(bs.remote_commits_ahead, 2);
	assert_int_equal(bs.remote_commits_behind, 0);
	branch_status_free(&bs);
	/* The remote moves on (as seen after a fetch). */
	SH("cd %s && t=$(git rev-parse HEAD) && git reset -q --hard HEAD~2 && "
	    "echo r > r && git add r && git commit -qm r && "
	    "git update-ref refs/remotes/origin/vk/u HEAD && "
	    "git reset -q --hard $t", f->wt);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/u",
	    "main"), 0);
	assert_int_equal(bs.remote_commits_ahead, 2);
	assert_int_equal(bs.remote_commits_behind, 1);
	/* A remote-tracking target counts against the remote ref. */
	branch_status_free(&bs);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/u",
	    "origin/vk/u"), 0);
	assert_int_equal(bs.commits_ahead, 2);
	assert_int_equal(bs.commits_behind, 1);
	branch_status_free(&bs);
}

static void
branch_status_merge_conflict(void **state)
{
	struct fx		*f = *state;
	struct branch_status	 bs;
	char			 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/m", "main", err,
	    sizeof(err)), 0);
	SH("cd %s && echo mine > a.txt && echo mine > c.txt && "
	    "git commit -qam mine", f->wt);
	SH("cd %s && echo theirs > a.txt && echo theirs > c.txt && "
	    "git commit -qam theirs", f->repo);
	assert_int_not_equal(sh("git -C %s merge -q main >/dev/null 2>&1",
	    f->wt), 0);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/m",
	    "main"), 0);
	assert_false(bs.is_rebase_in_progress);
	assert_int_equal(bs.conflict_op, BRANCH_STATUS_OP_MERGE);
	assert_string_equal(branch_status_op_name(bs.conflict_op), "merge");
	assert_int_equal(bs.nconflicted, 2);
	assert_string_equal(bs.conflicted_files[0], "a.txt");
	assert_string_equal(bs.conflicted_files[1], "c.txt");
	assert_true(bs.has_uncommitted_changes);
	branch_status_free(&bs);
	/* Resolved but not committed: the merge goes on, no conflict op. */
	SH("cd %s && echo both > a.txt && echo both > c.txt && git add -A",
	    f->wt);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/m",
	    "main"), 0);
	assert_int_equal(bs.nconflicted, 0);
	assert_int_equal(bs.conflict_op, BRANCH_STATUS_OP_NONE);
	branch_status_free(&bs);
}

static void
branch_status_rebase_conflict(void **state)
{
	struct fx		*f = *state;
	struct branch_status	 bs;
	char			 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/r", "main", err,
	    sizeof(err)), 0);
	SH("cd %s && echo mine > a.txt && git commit -qam mine", f->wt);
	SH("cd %s && echo theirs > a.txt && git commit -qam theirs", f->repo);
	assert_int_not_equal(sh("git -C %s rebase main >/dev/null 2>&1",
	    f->wt), 0);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/r",
	    "main"), 0);
	assert_true(bs.is_rebase_in_progress);
	assert_int_equal(bs.conflict_op, BRANCH_STATUS_OP_REBASE);
	assert_string_equal(branch_status_op_name(bs.conflict_op), "rebase");
	assert_int_equal(bs.nconflicted, 1);
	assert_string_equal(bs.conflicted_files[0], "a.txt");
	branch_status_free(&bs);
	SH("git -C %s rebase --abort", f->wt);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/r",
	    "main"), 0);
	assert_false(bs.is_rebase_in_progress);
	assert_int_equal(bs.conflict_op, BRANCH_STATUS_OP_NONE);
	branch_status_free(&bs);
}

static void
branch_status_cherry_pick_and_revert(void **state)
{
	struct fx		*f = *state;
	struct branch_status	 bs;
	char			 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/c", "main", err,
	    sizeof(err)), 0);
	SH("cd %s && echo mine > a.txt && git commit -qam mine", f->wt);
	SH("cd %s && echo theirs > a.txt && git commit -qam theirs", f->repo);
	assert_int_not_equal(sh("git -C %s cherry-pick main >/dev/null 2>&1",
	    f->wt), 0);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/c",
	    "main"), 0);
	assert_int_equal(bs.conflict_op, BRANCH_STATUS_OP_CHERRY_PICK);
	assert_string_equal(branch_status_op_name(bs.conflict_op),
	    "cherry_pick");
	branch_status_free(&bs);
	SH("git -C %s cherry-pick --abort", f->wt);
	SH("cd %s && echo again > a.txt && git commit -qam again", f->wt);
	assert_int_not_equal(sh("git -C %s revert --no-edit HEAD~1 "
	    ">/dev/null 2>&1", f->wt), 0);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/c",
	    "main"), 0);
	assert_int_equal(bs.conflict_op, BRANCH_STATUS_OP_REVERT);
	assert_string_equal(branch_status_op_name(bs.conflict_op), "revert");
	branch_status_free(&bs);
	assert_null(branch_status_op_name(BRANCH_STATUS_OP_NONE));
	assert_null(branch_status_op_name(BRANCH_STATUS_OP__MAX));
}

static void
branch_status_missing_things(void **state)
{
	struct fx		*f = *state;
	struct branch_status	 bs;
	char			 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/x", "main", err,
	    sizeof(err)), 0);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/x",
	    "nope"), E_NOTFOUND);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "nope",
	    "main"), E_NOTFOUND);
	assert_int_equal(branch_status_get(&bs, "/nonexistent", f->wt,
	    "vk/x", "main"), E_FAIL);
	/* Worktree gone: counts still there, worktree fields unknown. */
	SH("rm -rf %s", f->wt);
	assert_int_equal(branch_status_get(&bs, f->repo, f->wt, "vk/x",
	    "main"), 0);
	assert_false(bs.wt_ok);
	assert_int_equal(bs.commits_ahead, 0);
	branch_status_free(&bs);
	assert_int_equal(branch_status_get(&bs, f->repo, NULL, "vk/x",
	    "main"), 0);
	assert_false(bs.wt_ok);
	branch_status_free(&bs);
	branch_status_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(branch_status_counts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(branch_status_upstream, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(branch_status_merge_conflict,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(branch_status_rebase_conflict,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    branch_status_cherry_pick_and_revert, setup, teardown),
		cmocka_unit_test_setup_teardown(branch_status_missing_things,
		    setup, teardown),
	};
	int	 rc;

	/* A private HOME: no user config leaks into libgit2 or the CLI. */
	snprintf(home, sizeof(home), "/tmp/swarm-githome-XXXXXX");
	if (mkdtemp(home) == NULL)
		return 1;
	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", home, 1);
	setenv("GIT_CONFIG_NOSYSTEM", "1", 1);
	setenv("GIT_AUTHOR_NAME", "Test Author", 1);
	setenv("GIT_AUTHOR_EMAIL", "author@example.com", 1);
	setenv("GIT_COMMITTER_NAME", "Test Committer", 1);
	setenv("GIT_COMMITTER_EMAIL", "committer@example.com", 1);
	unsetenv("GIT_DIR");
	unsetenv("GIT_WORK_TREE");
	unsetenv("GIT_INDEX_FILE");
	git_libgit2_init();
	rc = cmocka_run_group_tests_name("git_branch_status", tests, NULL,
	    NULL);
	git_libgit2_shutdown();
	sh("rm -rf %s", home);
	return rc;
}
