/* test_git_merge.c: squash merge into the target branch (merge.c) */
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
#include "merge.h"
#include "worktree.h"

#include "git_fixture.h"

/* --- tests ------------------------------------------------------------ */

#define TASK	"1a2b3c4d-5e6f-4a1b-9c2d-3e4f5a6b7c8d"

static void
merge_message_rules(void **state)
{
	static const struct {
		const char	*title, *desc, *want;
	} rows[] = {
		{ "Fix login", NULL, "Fix login (vibe-kanban 1a2b3c4d)" },
		{ "Fix login", "", "Fix login (vibe-kanban 1a2b3c4d)" },
		{ "Fix login", " \n\t ", "Fix login (vibe-kanban 1a2b3c4d)" },
		{ "Fix login", "Users could not log in.\nNow they can.",
		    "Fix login (vibe-kanban 1a2b3c4d)\n\nUsers could not log "
		    "in.\nNow they can." },
		{ "", "d", " (vibe-kanban 1a2b3c4d)\n\nd" },
	};
	char	 buf[256];
	size_t	 i;
	int	 nfail = 0;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (merge_message(buf, sizeof(buf), rows[i].title, TASK,
		    rows[i].desc) != 0 || strcmp(buf, rows[i].want) != 0) {
			print_error("row %zu: '%s'\n", i, buf);
			nfail++;
		}
	assert_int_equal(nfail, 0);
	assert_int_equal(merge_message(buf, sizeof(buf), "t", "1a2b3c4", NULL),
	    E_INVAL);
	assert_int_equal(merge_message(buf, sizeof(buf), "t", "1a2b3c4g-",
	    NULL), E_INVAL);
	assert_int_equal(merge_message(buf, sizeof(buf), "t", NULL, NULL),
	    E_INVAL);
	assert_int_equal(merge_message(buf, 10, "Fix login", TASK, NULL),
	    E_TOOBIG);
	assert_string_equal(buf, "");
}

/* An attempt worktree on vk/m from `base` with two commits. */
static void
attempt(const struct fx *f, const char *base)
{
	char	 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/m", base, err,
	    sizeof(err)), 0);
	SH("cd %s && echo new > new.txt && git add new.txt && git commit -qm "
	    "'add new' && echo changed > a.txt && git commit -qam 'change a'",
	    f->wt);
}

static void
merge_squash_target_not_checked_out(void **state)
{
	struct fx		*f = *state;
	struct merge_result	 mr;
	char			 b[1024], b2[1024], old[64], msg[256];

	SH("git -C %s branch develop", f->repo);
	attempt(f, "develop");
	out(old, sizeof(old), "git -C %s rev-parse develop", f->repo);
	assert_int_equal(merge_message(msg, sizeof(msg), "Add new file", TASK,
	    "Body text"), 0);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "develop", msg),
	    0);
	assert_int_equal(mr.kind, MERGE_OK);
	assert_string_equal(mr.checkout, "");
	/* One commit, one parent, the message, the branch's tree. */
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse develop",
	    f->repo), mr.oid);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse develop^",
	    f->repo), old);
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 --format=%%P "
	    "develop", f->repo), old);
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 --format=%%B "
	    "develop", f->repo), "Add new file (vibe-kanban 1a2b3c4d)\n\n"
	    "Body text");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "develop^{tree}", f->repo), out(b2, sizeof(b2), "git -C %s "
	    "rev-parse %s~0^{tree}", f->wt, "HEAD"));
	assert_string_equal(out(b, sizeof(b), "git -C %s show --name-status "
	    "--format= develop | tr '\\t\\n' ': '", f->repo),
	    "M:a.txt A:new.txt ");
	/* The attempt branch follows; its worktree stays clean. */
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse vk/m",
	    f->repo), mr.oid);
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
	/* main and the main checkout did not move. */
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->repo), "");
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->repo), "one");
	merge_result_free(&mr);
}

static void
merge_squash_target_checked_out(void **state)
{
	struct fx		*f = *state;
	struct merge_result	 mr;
	char			 b[1024], old[64];

	attempt(f, "main");
	/* An unrelated local change and an untracked file in main's checkout
	 * survive the merge, as with `git merge --squash`. */
	put(f->repo, "b.txt", "local edit\n");
	put(f->repo, "scratch.txt", "mine\n");
	out(old, sizeof(old), "git -C %s rev-parse main", f->repo);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "main", "Squash"),
	    0);
	assert_string_equal(out(b, sizeof(b), "realpath %s", f->repo),
	    out(b + 512, 512, "realpath %s", mr.checkout));
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse main^",
	    f->repo), old);
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 --format=%%s",
	    f->repo), "Squash");
	/* Files and index follow the branch. */
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt %s/new.txt",
	    f->repo, f->repo), "changed\nnew");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->repo), " M b.txt\n?? scratch.txt");
	assert_string_equal(out(b, sizeof(b), "cat %s/b.txt", f->repo),
	    "local edit");
	merge_result_free(&mr);
}

static void
merge_squash_refuses_dirty_checkout(void **state)
{
	struct fx		*f = *state;
	struct merge_result	 mr;
	char			 b[1024], old[64], st[256];

	attempt(f, "main");
	out(old, sizeof(old), "git -C %s rev-parse main", f->repo);
	/* Staged change: refused (the original's rule). */
	put(f->repo, "b.txt", "staged\n");
	SH("git -C %s add b.txt", f->repo);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "main", "S"),
	    E_CONFLICT);
	assert_int_equal(mr.kind, MERGE_DIRTY);
	assert_non_null(strstr(mr.msg, "staged changes present"));
	merge_result_free(&mr);
	SH("git -C %s reset -q", f->repo);
	/* Unstaged change in a file the merge rewrites: refused, listed. */
	put(f->repo, "a.txt", "local\n");
	out(st, sizeof(st), "git -C %s status --porcelain", f->repo);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "main", "S"),
	    E_CONFLICT);
	assert_int_equal(mr.kind, MERGE_DIRTY);
	assert_int_equal(mr.nfiles, 1);
	assert_string_equal(mr.files[0], "a.txt");
	merge_result_free(&mr);
	/* Nothing moved. */
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse main",
	    f->repo), old);
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->repo), st);
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->repo),
	    "local");
	assert_int_not_equal(sh("test -e %s/new.txt", f->repo), 0);
}

static void
merge_squash_conflict_lists_files(void **state)
{
	struct fx		*f = *state;
	struct merge_result	 mr;
	char			 b[1024], old[64], bold[64];

	attempt(f, "main");
	SH("cd %s && echo theirs > a.txt && echo sea2 > c.txt && "
	    "git commit -qam theirs", f->repo);
	SH("cd %s && echo ours > c.txt && git commit -qam ours", f->wt);
	out(old, sizeof(old), "git -C %s rev-parse main", f->repo);
	out(bold, sizeof(bold), "git -C %s rev-parse vk/m", f->repo);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "main", "S"),
	    E_CONFLICT);
	assert_int_equal(mr.kind, MERGE_CONFLICTS);
	assert_int_equal(mr.nfiles, 2);
	assert_string_equal(mr.files[0], "a.txt");
	assert_string_equal(mr.files[1], "c.txt");
	assert_string_equal(mr.msg, "Merge failed due to conflicts. Please "
	    "resolve conflicts manually.");
	assert_string_equal(mr.oid, "");
	merge_result_free(&mr);
	/* Target, branch and both checkouts untouched: no markers. */
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse main",
	    f->repo), old);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse vk/m",
	    f->repo), bold);
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->repo), "");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->repo),
	    "theirs");
}

static void
merge_squash_diverged_and_nothing(void **state)
{
	struct fx		*f = *state;
	struct merge_result	 mr;
	char			 b[1024], old[64];

	attempt(f, "main");
	SH("cd %s && echo x > x.txt && git add x.txt && git commit -qm x",
	    f->repo);
	out(old, sizeof(old), "git -C %s rev-parse main", f->repo);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "main", "S"),
	    E_CONFLICT);
	assert_int_equal(mr.kind, MERGE_DIVERGED);
	assert_string_equal(mr.msg, "Cannot merge: base branch 'main' is 1 "
	    "commits ahead of task branch 'vk/m'. The base branch has moved "
	    "forward since the task was created.");
	merge_result_free(&mr);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse main",
	    f->repo), old);
	/* After a rebase it merges. */
	SH("git -C %s rebase -q main", f->wt);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "main", "S"), 0);
	merge_result_free(&mr);
	/* Merged: the branch is the target now, nothing more to merge. */
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "main", "S"),
	    E_CONFLICT);
	assert_int_equal(mr.kind, MERGE_NOTHING);
	merge_result_free(&mr);
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "nope", "S"),
	    E_NOTFOUND);
	assert_string_equal(mr.msg, "Branch 'nope' does not exist in the "
	    "repository");
	merge_result_free(&mr);
	assert_int_equal(merge_squash(&mr, f->repo, "nope", "main", "S"),
	    E_NOTFOUND);
	merge_result_free(&mr);
	assert_int_equal(merge_squash(&mr, "/nonexistent", "vk/m", "main",
	    "S"), E_FAIL);
	merge_result_free(&mr);
	merge_result_free(NULL);
}

static void
merge_squash_target_in_linked_worktree(void **state)
{
	struct fx		*f = *state;
	struct merge_result	 mr;
	char			 b[1024], b2[1024], rel[256], err[256];

	SH("git -C %s branch release", f->repo);
	snprintf(rel, sizeof(rel), "%s/release-wt", f->dir);
	assert_int_equal(worktree_ensure(NULL, f->repo, rel, "release", err,
	    sizeof(err)), 0);
	attempt(f, "release");
	assert_int_equal(merge_squash(&mr, f->repo, "vk/m", "release", "R"),
	    0);
	assert_string_equal(out(b, sizeof(b), "realpath %s", rel),
	    out(b2, sizeof(b2), "realpath %s", mr.checkout));
	assert_string_equal(out(b, sizeof(b), "cat %s/new.txt", rel), "new");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    rel), "");
	merge_result_free(&mr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_message_rules),
		cmocka_unit_test_setup_teardown(
		    merge_squash_target_not_checked_out, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    merge_squash_target_checked_out, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    merge_squash_refuses_dirty_checkout, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    merge_squash_conflict_lists_files, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    merge_squash_diverged_and_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    merge_squash_target_in_linked_worktree, setup, teardown),
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
	rc = cmocka_run_group_tests_name("git_merge", tests, NULL,
	    NULL);
	git_libgit2_shutdown();
	sh("rm -rf %s", home);
	return rc;
}
