/* test_git_push.c: push, force push, fetch (push.c) */
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
#include "push.h"
#include "worktree.h"

#include "git_fixture.h"

/* --- tests ------------------------------------------------------------ */

/* A bare remote.git next to repo, as origin; the attempt worktree. */
static void
remote_and_worktree(const struct fx *f, const char *name, const char *url)
{
	char	 err[256];

	SH("git init -q --bare %s/remote.git", f->dir);
	SH("git -C %s remote add %s %s", f->repo, name, url);
	assert_int_equal(worktree_create(f->repo, f->wt, "vk/p", "main", err,
	    sizeof(err)), 0);
	SH("cd %s && echo 1 > t1 && git add t1 && git commit -qm t1", f->wt);
}

static void
push_to_bare_repository(void **state)
{
	struct fx		*f = *state;
	struct push_result	 pr;
	char			 b[1024], b2[1024], url[256];

	snprintf(url, sizeof(url), "%s/remote.git", f->dir);
	remote_and_worktree(f, "origin", url);
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), 0);
	assert_int_equal(pr.kind, PUSH_OK);
	assert_string_equal(pr.remote, "origin");
	assert_string_equal(out(b, sizeof(b), "git -C %s/remote.git rev-parse "
	    "vk/p", f->dir), out(b2, sizeof(b2), "git -C %s rev-parse vk/p",
	    f->repo));
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "refs/remotes/origin/vk/p", f->repo), b2);
	assert_string_equal(out(b, sizeof(b), "git -C %s config "
	    "branch.vk/p.remote", f->repo), "origin");
	assert_string_equal(out(b, sizeof(b), "git -C %s config "
	    "branch.vk/p.merge", f->repo), "refs/heads/vk/p");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "--abbrev-ref @{upstream}", f->wt), "origin/vk/p");
	/* Nothing new: a no-op push succeeds. */
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), 0);
	/* Fast-forward. */
	SH("cd %s && echo 2 > t2 && git add t2 && git commit -qm t2", f->wt);
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s/remote.git log "
	    "--format=%%s vk/p | tr '\\n' ' '", f->dir), "t2 t1 init ");
}

static void
push_non_fast_forward_needs_force(void **state)
{
	struct fx		*f = *state;
	struct push_result	 pr;
	char			 b[1024], b2[1024], before[64], url[256];

	snprintf(url, sizeof(url), "file://%s/remote.git", f->dir);
	remote_and_worktree(f, "origin", url);
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), 0);
	/* Rewrite the pushed commit (what a rebase does). */
	SH("cd %s && git commit -q --amend -m t1-amended", f->wt);
	out(before, sizeof(before), "git -C %s/remote.git rev-parse vk/p",
	    f->dir);
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), E_CONFLICT);
	assert_int_equal(pr.kind, PUSH_REJECTED);
	assert_string_equal(out(b, sizeof(b), "git -C %s/remote.git rev-parse "
	    "vk/p", f->dir), before);
	/* Force overwrites. */
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 1), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s/remote.git rev-parse "
	    "vk/p", f->dir), out(b2, sizeof(b2), "git -C %s rev-parse vk/p",
	    f->repo));
	assert_string_equal(out(b, sizeof(b), "git -C %s/remote.git log -1 "
	    "--format=%%s vk/p", f->dir), "t1-amended");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "refs/remotes/origin/vk/p", f->repo), b2);
}

static void
push_refusals(void **state)
{
	struct fx		*f = *state;
	struct push_result	 pr;
	char			 err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/p", "main", err,
	    sizeof(err)), 0);
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), E_NOTFOUND);
	assert_int_equal(pr.kind, PUSH_NOREMOTE);
	SH("git -C %s remote add origin %s/missing.git", f->repo, f->dir);
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), E_REMOTE);
	assert_int_equal(pr.kind, PUSH_NETWORK);
	put(f->wt, "a.txt", "dirty\n");
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), E_CONFLICT);
	assert_int_equal(pr.kind, PUSH_DIRTY);
	assert_non_null(strstr(pr.msg, "a.txt"));
	assert_int_equal(push_branch(&pr, f->wt, "nope", 0), E_CONFLICT);
	SH("git -C %s checkout -q a.txt", f->wt);
	assert_int_equal(push_branch(&pr, f->wt, "nope", 0), E_NOTFOUND);
	assert_int_equal(push_branch(&pr, "/nonexistent/wt", "vk/p", 0),
	    E_NOTFOUND);
}

static void
push_uses_first_remote_and_pushurl(void **state)
{
	struct fx		*f = *state;
	struct push_result	 pr;
	char			 b[1024], url[256];

	snprintf(url, sizeof(url), "%s/nowhere.git", f->dir);
	remote_and_worktree(f, "upstream", url);
	/* Pushes go to pushurl. */
	SH("git -C %s config remote.upstream.pushurl %s/remote.git", f->repo,
	    f->dir);
	assert_int_equal(push_branch(&pr, f->wt, "vk/p", 0), 0);
	assert_string_equal(pr.remote, "upstream");
	assert_int_equal(sh("git -C %s/remote.git rev-parse -q --verify vk/p "
	    ">/dev/null", f->dir), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "--abbrev-ref vk/p@{upstream}", f->repo), "upstream/vk/p");
}

static void
push_fetch_updates_remote_tracking(void **state)
{
	struct fx	*f = *state;
	char		 b[1024], b2[1024], url[256], other[256], err[256];

	snprintf(url, sizeof(url), "%s/remote.git", f->dir);
	remote_and_worktree(f, "origin", url);
	snprintf(other, sizeof(other), "%s/other", f->dir);
	SH("git clone -q %s %s 2>/dev/null && cd %s && git checkout -q -b "
	    "feature && echo o > o && git add o && git commit -qm o && "
	    "git push -q origin feature 2>/dev/null", url, other, other);
	assert_int_not_equal(sh("git -C %s rev-parse -q --verify "
	    "refs/remotes/origin/feature >/dev/null", f->repo), 0);
	assert_int_equal(push_fetch(f->repo, err, sizeof(err)), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "refs/remotes/origin/feature", f->repo), out(b2, sizeof(b2),
	    "git -C %s rev-parse feature", other));
	SH("git -C %s remote remove origin", f->repo);
	assert_int_equal(push_fetch(f->repo, err, sizeof(err)), E_NOTFOUND);
	SH("git -C %s remote add origin %s/missing.git", f->repo, f->dir);
	assert_int_equal(push_fetch(f->repo, err, sizeof(err)), E_REMOTE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(push_to_bare_repository,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    push_non_fast_forward_needs_force, setup, teardown),
		cmocka_unit_test_setup_teardown(push_refusals, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    push_uses_first_remote_and_pushurl, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    push_fetch_updates_remote_tracking, setup, teardown),
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
	rc = cmocka_run_group_tests_name("git_push", tests, NULL,
	    NULL);
	git_libgit2_shutdown();
	sh("rm -rf %s", home);
	return rc;
}
