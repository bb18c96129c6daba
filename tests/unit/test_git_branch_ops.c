/* test_git_branch_ops.c: rename, target, commit info/compare (branch_ops.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <git2.h>

#include "err.h"
#include "branch_ops.h"
#include "worktree.h"

#include "git_fixture.h"

/* --- tests ------------------------------------------------------------ */

static void
attempt(const struct fx *f, const char *branch)
{
	char	 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, branch, "main", err,
	    sizeof(err)), 0);
}

static void
branch_ops_rename_validations(void **state)
{
	static const struct {
		const char		*name;
		int			 rc;
		enum branch_ops_why	 why;
		const char		*msg;
	} rows[] = {
		{ "", E_INVAL, BRANCH_OPS_EMPTY,
		    "Branch name cannot be empty" },
		{ " \t\n ", E_INVAL, BRANCH_OPS_EMPTY,
		    "Branch name cannot be empty" },
		{ "vk/r", 0, BRANCH_OPS_UNCHANGED, NULL },
		{ "  vk/r  ", 0, BRANCH_OPS_UNCHANGED, NULL },
		{ "bad..name", E_INVAL, BRANCH_OPS_INVALID,
		    "Invalid branch name format" },
		{ "has space", E_INVAL, BRANCH_OPS_INVALID,
		    "Invalid branch name format" },
		{ "-leading", E_INVAL, BRANCH_OPS_INVALID,
		    "Invalid branch name format" },
		{ "trailing/", E_INVAL, BRANCH_OPS_INVALID,
		    "Invalid branch name format" },
		{ "x.lock", E_INVAL, BRANCH_OPS_INVALID,
		    "Invalid branch name format" },
		{ "a~b", E_INVAL, BRANCH_OPS_INVALID,
		    "Invalid branch name format" },
		{ "HEAD", E_INVAL, BRANCH_OPS_INVALID,
		    "Invalid branch name format" },
		{ "main", E_CONFLICT, BRANCH_OPS_EXISTS,
		    "A branch with this name already exists" },
		{ "origin/main", E_CONFLICT, BRANCH_OPS_EXISTS,
		    "A branch with this name already exists" },
	};
	struct fx			*f = *state;
	struct branch_ops_rename_result	 res;
	char				 b[1024];
	size_t				 i;
	int				 nfail = 0, rc;

	attempt(f, "vk/r");
	SH("git -C %s update-ref refs/remotes/origin/main main", f->repo);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = branch_ops_rename(&res, f->repo, f->wt, "vk/r",
		    rows[i].name);
		if (rc != rows[i].rc || res.why != rows[i].why ||
		    (rows[i].msg != NULL &&
		    strcmp(res.msg, rows[i].msg) != 0) ||
		    strcmp(res.branch, "vk/r") != 0) {
			print_error("row %zu '%s': rc %d why %d '%s'\n", i,
			    rows[i].name, rc, res.why, res.msg);
			nfail++;
		}
	}
	assert_int_equal(nfail, 0);
	/* Nothing renamed by any of them. */
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/r");
}

static void
branch_ops_rename_moves_branch_and_head(void **state)
{
	struct fx			*f = *state;
	struct branch_ops_rename_result	 res;
	char				 b[1024], tip[64];

	attempt(f, "vk/r");
	SH("git -C %s config branch.vk/r.remote origin && git -C %s config "
	    "branch.vk/r.merge refs/heads/vk/r", f->repo, f->repo);
	out(tip, sizeof(tip), "git -C %s rev-parse vk/r", f->repo);
	assert_int_equal(branch_ops_rename(&res, f->repo, f->wt, "vk/r",
	    "  feature/better-name "), 0);
	assert_int_equal(res.why, BRANCH_OPS_RENAMED);
	assert_string_equal(res.branch, "feature/better-name");
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/feature/better-name");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "feature/better-name", f->repo), tip);
	assert_string_equal(out(b, sizeof(b), "git -C %s branch --list vk/r",
	    f->repo), "");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
	/* The branch's config moved with it. */
	assert_string_equal(out(b, sizeof(b), "git -C %s config "
	    "branch.feature/better-name.remote", f->repo), "origin");
	assert_string_equal(out(b, sizeof(b), "git -C %s config "
	    "branch.feature/better-name.merge", f->repo), "refs/heads/vk/r");
	assert_int_not_equal(sh("git -C %s config branch.vk/r.remote",
	    f->repo), 0);
	/* The old name is gone. */
	assert_int_equal(branch_ops_rename(&res, f->repo, f->wt, "vk/r",
	    "other"), E_NOTFOUND);
	assert_int_equal(res.why, BRANCH_OPS_NOBRANCH);
	/* Worktree gone: the branch still renames. */
	SH("rm -rf %s && git -C %s worktree prune", f->wt, f->repo);
	assert_int_equal(branch_ops_rename(&res, f->repo, f->wt,
	    "feature/better-name", "third"), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse third",
	    f->repo), tip);
}

static void
branch_ops_rename_refused_while_rebasing(void **state)
{
	struct fx			*f = *state;
	struct branch_ops_rename_result	 res;

	attempt(f, "vk/r");
	SH("cd %s && echo mine > a.txt && git commit -qam mine", f->wt);
	SH("cd %s && echo theirs > a.txt && git commit -qam theirs", f->repo);
	assert_int_not_equal(sh("git -C %s rebase main >/dev/null 2>&1",
	    f->wt), 0);
	assert_int_equal(branch_ops_rename(&res, f->repo, f->wt, "vk/r",
	    "renamed"), E_CONFLICT);
	assert_int_equal(res.why, BRANCH_OPS_REBASING);
	assert_string_equal(res.msg, "Cannot rename branch while rebase is in "
	    "progress. Please complete or abort the rebase first.");
	assert_int_not_equal(sh("git -C %s rev-parse -q --verify renamed "
	    ">/dev/null", f->repo), 0);
}

static void
branch_ops_target_check_counts(void **state)
{
	struct fx	*f = *state;
	size_t		 ahead = 9, behind = 9;
	char		 err[256];

	attempt(f, "vk/r");
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1 && "
	    "echo 2 > t2 && git add t2 && git commit -qm t2", f->wt);
	SH("cd %s && git checkout -q -b develop && echo d > d && git add d && "
	    "git commit -qm d && git update-ref refs/remotes/origin/develop "
	    "HEAD && git checkout -q main", f->repo);
	assert_int_equal(branch_ops_target_check(&ahead, &behind, f->repo,
	    "vk/r", "main", err, sizeof(err)), 0);
	assert_int_equal(ahead, 2);
	assert_int_equal(behind, 0);
	assert_int_equal(branch_ops_target_check(&ahead, &behind, f->repo,
	    "vk/r", "develop", err, sizeof(err)), 0);
	assert_int_equal(ahead, 2);
	assert_int_equal(behind, 1);
	assert_int_equal(branch_ops_target_check(&ahead, &behind, f->repo,
	    "vk/r", "origin/develop", err, sizeof(err)), 0);
	assert_int_equal(behind, 1);
	assert_int_equal(branch_ops_target_check(&ahead, &behind, f->repo,
	    "vk/r", "nope", err, sizeof(err)), E_NOTFOUND);
	assert_string_equal(err, "Branch 'nope' does not exist in the "
	    "repository");
	assert_int_equal(branch_ops_target_check(&ahead, &behind, f->repo,
	    "vk/r", "bad..ref", err, sizeof(err)), E_NOTFOUND);
	assert_int_equal(branch_ops_target_check(&ahead, &behind,
	    "/nonexistent", "vk/r", "main", err, sizeof(err)), E_FAIL);
}

static void
branch_ops_commit_info_fields(void **state)
{
	struct fx			*f = *state;
	struct branch_ops_commit_info	 ci;
	char				 b[1024], sha[64], at[32];

	SH("cd %s && echo x > x && git add x && git commit -qm 'Subject line' "
	    "-m 'Body paragraph.'", f->repo);
	out(sha, sizeof(sha), "git -C %s rev-parse HEAD", f->repo);
	out(at, sizeof(at), "git -C %s log -1 --format=%%at", f->repo);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo, sha), 0);
	assert_string_equal(ci.sha, sha);
	assert_string_equal(ci.subject, "Subject line");
	assert_string_equal(ci.author_name, "Test Author");
	assert_string_equal(ci.author_email, "author@example.com");
	assert_int_equal(ci.time, strtoll(at, NULL, 10));
	/* A unique prefix, in either case. */
	memcpy(b, sha, 7);
	b[7] = '\0';
	b[0] = (char)toupper((unsigned char)b[0]);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo, b), 0);
	assert_string_equal(ci.sha, sha);
	/* Empty message. */
	SH("cd %s && git commit -q --allow-empty --allow-empty-message -m ''",
	    f->repo);
	out(sha, sizeof(sha), "git -C %s rev-parse HEAD", f->repo);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo, sha), 0);
	assert_string_equal(ci.subject, "(no subject)");
	/* Refusals. */
	assert_int_equal(branch_ops_commit_info(&ci, f->repo, "abc"), E_INVAL);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo, "zzzzzzz"),
	    E_INVAL);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo, ""), E_INVAL);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo,
	    "0123456789012345678901234567890123456789a"), E_INVAL);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo,
	    "0123456789012345678901234567890123456789"), E_NOTFOUND);
	/* A tree is no commit. */
	out(sha, sizeof(sha), "git -C %s rev-parse HEAD^{tree}", f->repo);
	assert_int_equal(branch_ops_commit_info(&ci, f->repo, sha),
	    E_NOTFOUND);
}

static void
branch_ops_commit_compare_counts(void **state)
{
	struct fx			*f = *state;
	struct branch_ops_compare	 cc;
	char				 b[1024], base[64], side[64];

	attempt(f, "vk/r");
	out(base, sizeof(base), "git -C %s rev-parse HEAD", f->wt);
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1 && "
	    "echo 2 > t2 && git add t2 && git commit -qm t2", f->wt);
	assert_int_equal(branch_ops_commit_compare(&cc, f->wt, base), 0);
	assert_string_equal(cc.head_oid, out(b, sizeof(b), "git -C %s "
	    "rev-parse HEAD", f->wt));
	assert_string_equal(cc.target_oid, base);
	assert_int_equal(cc.ahead_from_head, 2);
	assert_int_equal(cc.behind_from_head, 0);
	assert_true(cc.is_linear);
	SH("cd %s && echo s > s && git add s && git commit -qm s", f->repo);
	out(side, sizeof(side), "git -C %s rev-parse main", f->repo);
	assert_int_equal(branch_ops_commit_compare(&cc, f->wt, side), 0);
	assert_int_equal(cc.ahead_from_head, 2);
	assert_int_equal(cc.behind_from_head, 1);
	assert_false(cc.is_linear);
	assert_int_equal(branch_ops_commit_compare(&cc, f->wt, "xyz"),
	    E_INVAL);
	assert_int_equal(branch_ops_commit_compare(&cc, "/nonexistent", side),
	    E_FAIL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(branch_ops_rename_validations,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    branch_ops_rename_moves_branch_and_head, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    branch_ops_rename_refused_while_rebasing, setup, teardown),
		cmocka_unit_test_setup_teardown(branch_ops_target_check_counts,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(branch_ops_commit_info_fields,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    branch_ops_commit_compare_counts, setup, teardown),
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
	rc = cmocka_run_group_tests_name("git_branch_ops", tests, NULL,
	    NULL);
	git_libgit2_shutdown();
	sh("rm -rf %s", home);
	return rc;
}
