/* test_git_rebase.c: rebase onto a new base, conflicts, abort (rebase.c) */
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
#include "rebase.h"
#include "worktree.h"

#include "git_fixture.h"

/* --- tests ------------------------------------------------------------ */

/* An attempt worktree on vk/r from `base`. */
static void
attempt(const struct fx *f, const char *base)
{
	char	 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/r", base, err,
	    sizeof(err)), 0);
}

static const char *
log_of(char *b, size_t bsz, const struct fx *f, const char *range)
{
	return out(b, bsz, "git -C %s log --format=%%s %s | tr '\\n' ' '",
	    f->repo, range);
}

static void
rebase_clean(void **state)
{
	struct fx		*f = *state;
	struct rebase_result	 rr;
	char			 b[1024], b2[1024];

	attempt(f, "main");
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1 && "
	    "echo 2 > t2 && git add t2 && git commit -qm t2", f->wt);
	SH("cd %s && echo m > m1 && git add m1 && GIT_AUTHOR_NAME=Main "
	    "git commit -qm m1", f->repo);
	put(f->wt, "untracked.txt", "allowed\n");
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "main",
	    "main"), 0);
	assert_int_equal(rr.kind, REBASE_OK);
	assert_string_equal(log_of(b, sizeof(b), f, "vk/r"), "t2 t1 m1 init ");
	assert_string_equal(rr.oid, out(b, sizeof(b), "git -C %s rev-parse "
	    "vk/r", f->repo));
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/r");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "?? untracked.txt");
	/* Authors kept, committer is ours (no identity configured). */
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 "
	    "--format='%%an|%%cn' vk/r", f->repo), "Test Author|Swarm");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse vk/r~2",
	    f->repo), out(b2, sizeof(b2), "git -C %s rev-parse main",
	    f->repo));
	rebase_result_free(&rr);
	/* Again: already on top, nothing to do. */
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", NULL,
	    "main"), 0);
	assert_string_equal(log_of(b, sizeof(b), f, "vk/r"), "t2 t1 m1 init ");
	rebase_result_free(&rr);
}

static void
rebase_old_base_to_new_base(void **state)
{
	struct fx		*f = *state;
	struct rebase_result	 rr;
	char			 b[1024];

	/* develop has d1 beyond main; the attempt started from develop. */
	SH("cd %s && git checkout -q -b develop && echo d > d1 && git add d1 "
	    "&& git commit -qm d1 && git checkout -q main", f->repo);
	attempt(f, "develop");
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1", f->wt);
	/* Retarget to main: only t1 moves over, d1 stays behind. */
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "develop",
	    "main"), 0);
	assert_string_equal(log_of(b, sizeof(b), f, "main..vk/r"), "t1 ");
	assert_string_equal(log_of(b, sizeof(b), f, "vk/r"), "t1 init ");
	rebase_result_free(&rr);
}

static void
rebase_uses_fork_point(void **state)
{
	struct fx		*f = *state;
	struct rebase_result	 rr;
	char			 b[1024];

	SH("cd %s && git checkout -q -b develop && echo d > d1 && git add d1 "
	    "&& git commit -qm d1 && git checkout -q main", f->repo);
	attempt(f, "develop");
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1", f->wt);
	/* develop is rewritten: d1 replaced by d1'. */
	SH("cd %s && git checkout -q develop && git reset -q --hard main && "
	    "echo dd > d1 && git add d1 && git commit -qm d1-rewritten && "
	    "git checkout -q main", f->repo);
	/* Plain merge-base would replay d1 (and conflict on d1). */
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "develop",
	    "develop"), 0);
	assert_string_equal(log_of(b, sizeof(b), f, "vk/r"),
	    "t1 d1-rewritten init ");
	rebase_result_free(&rr);
}

/* A conflict: main and the attempt both change a.txt. */
static void
conflicting(const struct fx *f, int second_commit)
{
	attempt(f, "main");
	SH("cd %s && echo mine > a.txt && git commit -qam 'mine' && "
	    "echo b > bfile && git add bfile && git commit -qm 'b file'",
	    f->wt);
	if (second_commit)
		SH("cd %s && echo c > cfile && git add cfile && "
		    "git commit -qm 'c file'", f->wt);
	SH("cd %s && echo theirs > a.txt && git commit -qam theirs", f->repo);
}

static void
rebase_conflict_then_cli_continue(void **state)
{
	struct fx		*f = *state;
	struct rebase_result	 rr;
	char			 b[1024];

	conflicting(f, 1);
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "main",
	    "main"), E_CONFLICT);
	assert_int_equal(rr.kind, REBASE_CONFLICTS);
	assert_int_equal(rr.nfiles, 1);
	assert_string_equal(rr.files[0], "a.txt");
	assert_string_equal(rr.msg, "Rebase encountered merge conflicts while "
	    "rebasing 'vk/r' onto 'main'. Conflicted files: a.txt. Resolve "
	    "conflicts and then continue or abort.");
	rebase_result_free(&rr);
	/* In progress for git too, with markers in the file. */
	assert_int_equal(sh("git -C %s status | grep -q 'rebase in progress'",
	    f->wt), 0);
	assert_int_equal(sh("grep -q '^<<<<<<<' %s/a.txt", f->wt), 0);
	/* A second rebase is refused. */
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "main",
	    "main"), E_CONFLICT);
	assert_int_equal(rr.kind, REBASE_IN_PROGRESS);
	assert_string_equal(rr.msg, "A rebase is already in progress. "
	    "Resolve conflicts or abort the rebase, then retry.");
	rebase_result_free(&rr);
	/* What an agent does: resolve, add, continue with the CLI. */
	SH("cd %s && echo resolved > a.txt && git add a.txt && "
	    "GIT_EDITOR=true git rebase --continue >/dev/null 2>&1", f->wt);
	assert_string_equal(log_of(b, sizeof(b), f, "vk/r"),
	    "c file b file mine theirs init ");
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/r");
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->wt),
	    "resolved");
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 "
	    "--format='%%an <%%ae>' vk/r~2", f->repo),
	    "Test Author <author@example.com>");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
}

static void
rebase_conflict_then_abort(void **state)
{
	struct fx		*f = *state;
	struct rebase_result	 rr;
	char			 b[1024], tip[64], err[256];

	conflicting(f, 0);
	out(tip, sizeof(tip), "git -C %s rev-parse vk/r", f->repo);
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", NULL,
	    "main"), E_CONFLICT);
	rebase_result_free(&rr);
	assert_int_equal(rebase_abort(f->wt, err, sizeof(err)), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse vk/r",
	    f->repo), tip);
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/r");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), tip);
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->wt), "mine");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
	assert_int_not_equal(sh("git -C %s status | grep -q rebase", f->wt),
	    0);
	/* And a new rebase may start. */
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", NULL,
	    "main"), E_CONFLICT);
	assert_int_equal(rr.kind, REBASE_CONFLICTS);
	rebase_result_free(&rr);
	/* The CLI can abort our state too. */
	SH("git -C %s rebase --abort", f->wt);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), tip);
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
}

static void
rebase_abort_cli_rebase_and_quit(void **state)
{
	struct fx		*f = *state;
	char			 b[1024], tip[64], stop[64], err[256];

	conflicting(f, 0);
	out(tip, sizeof(tip), "git -C %s rev-parse vk/r", f->repo);
	/* A CLI rebase that stopped on conflicts. */
	assert_int_not_equal(sh("git -C %s rebase main >/dev/null 2>&1",
	    f->wt), 0);
	assert_int_equal(rebase_abort(f->wt, err, sizeof(err)), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), tip);
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/r");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
	/* A rebase stopped without conflicts ("break") is quit: HEAD stays
	 * where it is, detached, the branch untouched. */
	SH("cd %s && GIT_SEQUENCE_EDITOR='sed -i 1ibreak' git rebase -q -i "
	    "HEAD~1 >/dev/null 2>&1", f->wt);
	assert_int_equal(sh("git -C %s status | grep -q 'rebase in progress'",
	    f->wt), 0);
	out(stop, sizeof(stop), "git -C %s rev-parse HEAD", f->wt);
	assert_int_equal(rebase_abort(f->wt, err, sizeof(err)), 0);
	assert_int_not_equal(sh("git -C %s status | grep -q rebase", f->wt),
	    0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), stop);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse vk/r",
	    f->repo), tip);
	/* Nothing in progress: no-op. */
	assert_int_equal(rebase_abort(f->wt, err, sizeof(err)), 0);
	assert_int_equal(rebase_abort("/nonexistent/wt", err, sizeof(err)),
	    E_NOTFOUND);
}

static void
rebase_abort_merge_keeps_local_changes(void **state)
{
	struct fx	*f = *state;
	char		 b[1024], tip[64], err[256];

	conflicting(f, 0);
	SH("cd %s && echo m2 > m2 && git add m2 && git commit -qm m2",
	    f->repo);
	out(tip, sizeof(tip), "git -C %s rev-parse vk/r", f->repo);
	put(f->wt, "b.txt", "local edit\n");
	assert_int_not_equal(sh("git -C %s merge main >/dev/null 2>&1",
	    f->wt), 0);
	assert_int_equal(sh("test -e %s/m2", f->wt), 0);
	assert_int_equal(rebase_abort(f->wt, err, sizeof(err)), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), tip);
	assert_int_not_equal(sh("git -C %s rev-parse -q --verify MERGE_HEAD "
	    ">/dev/null", f->wt), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), " M b.txt");
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->wt), "mine");
	assert_int_not_equal(sh("test -e %s/m2", f->wt), 0);
}

static void
rebase_refusals(void **state)
{
	struct fx		*f = *state;
	struct rebase_result	 rr;
	char			 b[1024];

	attempt(f, "main");
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1", f->wt);
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "main",
	    "nope"), E_NOTFOUND);
	assert_string_equal(rr.msg, "Branch 'nope' does not exist in the "
	    "repository");
	rebase_result_free(&rr);
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "gone",
	    "main"), E_NOTFOUND);
	assert_string_equal(rr.msg, "Branch 'gone' does not exist in the "
	    "repository");
	rebase_result_free(&rr);
	put(f->wt, "a.txt", "dirty\n");
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "main",
	    "main"), E_CONFLICT);
	assert_int_equal(rr.kind, REBASE_DIRTY);
	assert_string_equal(rr.msg, "vk/r has uncommitted changes: a.txt");
	rebase_result_free(&rr);
	/* An untracked file main would overwrite: refused, no state left. */
	SH("git -C %s checkout -q a.txt", f->wt);
	SH("cd %s && echo m > clash && git add clash && git commit -qm clash",
	    f->repo);
	put(f->wt, "clash", "untracked, mine\n");
	assert_int_equal(rebase_onto(&rr, f->repo, f->wt, "vk/r", "main",
	    "main"), E_CONFLICT);
	assert_int_equal(rr.kind, REBASE_DIRTY);
	rebase_result_free(&rr);
	assert_int_not_equal(sh("git -C %s status | grep -q rebase", f->wt),
	    0);
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/r");
	assert_string_equal(out(b, sizeof(b), "cat %s/clash", f->wt),
	    "untracked, mine");
	assert_int_equal(rebase_onto(&rr, f->repo, "/nonexistent/wt", "vk/r",
	    "main", "main"), E_NOTFOUND);
	rebase_result_free(&rr);
	rebase_result_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(rebase_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(rebase_old_base_to_new_base,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(rebase_uses_fork_point, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    rebase_conflict_then_cli_continue, setup, teardown),
		cmocka_unit_test_setup_teardown(rebase_conflict_then_abort,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    rebase_abort_cli_rebase_and_quit, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    rebase_abort_merge_keeps_local_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(rebase_refusals, setup,
		    teardown),
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
	rc = cmocka_run_group_tests_name("git_rebase", tests, NULL,
	    NULL);
	git_libgit2_shutdown();
	sh("rm -rf %s", home);
	return rc;
}
