/* test_git_worktree.c: attempt branches and worktrees (worktree.c) */
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
#include "worktree.h"

#include "git_fixture.h"

/* --- branch names ----------------------------------------------------- */

#define ID	"4f9a1c2e-7b3d-4e5f-8a9b-0c1d2e3f4a5b"

static void
worktree_branch_names(void **state)
{
	static const struct {
		const char	*prefix, *id, *title, *want;
	} rows[] = {
		{ "vk", ID, "Fix login bug", "vk/4f9a-fix-login-bug" },
		{ "", ID, "Fix login bug", "4f9a-fix-login-bug" },
		{ NULL, ID, "Fix login bug", "4f9a-fix-login-bug" },
		{ "vk", "ABCDEF01-0000-0000-0000-000000000000", "Hello",
		    "vk/abcd-hello" },
		{ "vk", ID, "  --Add: OAuth2 (GitHub) support!! ",
		    "vk/4f9a-add-oauth2-githu" },
		{ "vk", ID, "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9 "
		    "t\xc3\xab" "st", "vk/4f9a-n-c-d-t-st" },
		{ "vk", ID, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
		    "vk/4f9a-" },
		{ "vk", ID, "", "vk/4f9a-" },
		{ "vk", ID, "--", "vk/4f9a-" },
		{ "vk", ID, "a very long title that goes on and on",
		    "vk/4f9a-a-very-long-titl" },
		{ "vk", ID, "abcdefghijklmno pq", "vk/4f9a-abcdefghijklmno" },
		{ "vk", ID, "\xe2\x84\xaa" "8s cluster",
		    "vk/4f9a-k8s-cluster" },
		{ "vk", ID, "\xc4\xb0stanbul trip", "vk/4f9a-i-stanbul-trip" },
		{ "vk", ID, "\xc3\x89" "mile's caf\xc3\xa9: v2.0",
		    "vk/4f9a-mile-s-caf-v2-0" },
		{ "vk", ID, "C++ / Rust FFI", "vk/4f9a-c-rust-ffi" },
		{ "vk", ID, "foo_bar.baz", "vk/4f9a-foo-bar-baz" },
		{ "vk", ID, "ALLCAPS TITLE", "vk/4f9a-allcaps-title" },
		{ "vk", ID, "\xce\xa9-\xce\xa9" "mega 42", "vk/4f9a-mega-42" },
		{ "vk", ID, "bad \xff\xfe bytes", "vk/4f9a-bad-bytes" },
		{ "feature/team", ID, "x", "feature/team/4f9a-x" },
	};
	char	 buf[128];
	size_t	 i;
	int	 nfail = 0, rc;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		rc = worktree_branch_name(buf, sizeof(buf), rows[i].prefix,
		    rows[i].id, rows[i].title);
		if (rc != 0 || strcmp(buf, rows[i].want) != 0) {
			print_error("row %zu: rc %d '%s', want '%s'\n", i, rc,
			    buf, rows[i].want);
			nfail++;
		}
	}
	assert_int_equal(nfail, 0);
	assert_int_equal(worktree_dir_name(buf, sizeof(buf), ID, "Fix it"), 0);
	assert_string_equal(buf, "4f9a-fix-it");
	assert_int_equal(worktree_branch_name(buf, sizeof(buf), "vk", "4f9",
	    "x"), E_INVAL);
	assert_int_equal(worktree_branch_name(buf, sizeof(buf), "vk", "zz9a",
	    "x"), E_INVAL);
	assert_int_equal(worktree_branch_name(buf, sizeof(buf), "vk", NULL,
	    "x"), E_INVAL);
	assert_int_equal(worktree_branch_name(buf, 8, "vk", ID, "hello"),
	    E_TOOBIG);
	assert_string_equal(buf, "");
	/* Exactly fits: "vk/4f9a-x" is 9 bytes + NUL. */
	assert_int_equal(worktree_branch_name(buf, 10, "vk", ID, "x"), 0);
	assert_int_equal(worktree_branch_name(buf, 9, "vk", ID, "x"),
	    E_TOOBIG);
}

/* --- create ----------------------------------------------------------- */

static void
worktree_create_checks_out_new_branch(void **state)
{
	struct fx	*f = *state;
	char		 b[1024], b2[1024], err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/abcd-fix-login",
	    "main", err, sizeof(err)), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/abcd-fix-login");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), out(b2, sizeof(b2), "git -C %s rev-parse main", f->repo));
	assert_int_equal(sh("git -C %s worktree list --porcelain | "
	    "grep -qx 'worktree %s'", f->repo, f->wt), 0);
	assert_int_equal(sh("git -C %s worktree list --porcelain | "
	    "grep -qx 'branch refs/heads/vk/abcd-fix-login'", f->repo), 0);
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->wt), "one");
	/* A fresh checkout is clean. */
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
}

static void
worktree_create_refusals(void **state)
{
	struct fx	*f = *state;
	char		 b[1024], err[256], other[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/x", "nope",
	    err, sizeof(err)), E_NOTFOUND);
	assert_string_equal(out(b, sizeof(b), "git -C %s branch --list "
	    "vk/x", f->repo), "");
	assert_false(exists(f->wt));
	assert_int_equal(worktree_create(f->repo, f->wt, "bad..name", "main",
	    err, sizeof(err)), E_INVAL);
	SH("git -C %s branch taken", f->repo);
	assert_int_equal(worktree_create(f->repo, f->wt, "taken", "main",
	    err, sizeof(err)), E_CONFLICT);
	assert_false(exists(f->wt));
	SH("mkdir -p %s", f->wt);
	assert_int_equal(worktree_create(f->repo, f->wt, "vk/y", "main",
	    err, sizeof(err)), E_CONFLICT);
	assert_string_equal(out(b, sizeof(b), "git -C %s branch --list "
	    "vk/y", f->repo), "");
	snprintf(other, sizeof(other), "%s/nothere", f->dir);
	assert_int_equal(worktree_create(other, "/tmp/swarm-no-such-wt",
	    "vk/z", "main", err, sizeof(err)), E_FAIL);
}

static void
worktree_create_from_remote_tracking(void **state)
{
	struct fx	*f = *state;
	char		 b[1024], b2[1024], err[256];

	SH("cd %s && git checkout -q -b side && echo s > s.txt && "
	    "git add s.txt && git commit -qm side && "
	    "git update-ref refs/remotes/origin/side HEAD && "
	    "git checkout -q main && git branch -qD side", f->repo);
	assert_int_equal(worktree_create(f->repo, f->wt, "vk/r",
	    "origin/side", err, sizeof(err)), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), out(b2, sizeof(b2), "git -C %s rev-parse origin/side",
	    f->repo));
}

/* --- snapshot, remove, ensure ---------------------------------------- */

/* Uncommitted work of every kind in the worktree. */
static void
make_mess(const struct fx *f)
{
	put(f->wt, "a.txt", "one changed\n");		/* modified */
	put(f->wt, "b.txt", "bee staged\n");		/* staged */
	SH("git -C %s add b.txt", f->wt);
	SH("rm %s/c.txt", f->wt);			/* deleted */
	put(f->wt, "u.txt", "untracked\n");		/* untracked */
	SH("mkdir -p %s/dir %s/build", f->wt, f->wt);
	put(f->wt, "dir/u2.txt", "deep untracked\n");
	put(f->wt, "x.log", "ignored\n");		/* ignored */
	put(f->wt, "build/out.o", "ignored too\n");
}

static void
worktree_snapshot_round_trip(void **state)
{
	struct fx	*f = *state;
	char		 b[4096], b2[4096], st[4096], cached[1024];
	char		 oid[41], err[256], idxsum[256], idxsum2[256];
	int		 created = -1;

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/abcd-fix-login",
	    "main", err, sizeof(err)), 0);
	make_mess(f);
	out(st, sizeof(st), "git -C %s status --porcelain", f->wt);
	out(cached, sizeof(cached), "git -C %s diff --cached --name-status",
	    f->wt);
	out(idxsum, sizeof(idxsum), "git -C %s ls-files -s | md5sum", f->wt);

	assert_int_equal(worktree_snapshot(oid, f->repo, f->wt, ID, err,
	    sizeof(err)), 0);
	assert_int_equal(strlen(oid), 40);
	/* Nothing of the worktree moved. */
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), st);
	assert_string_equal(out(b, sizeof(b), "git -C %s diff --cached "
	    "--name-status", f->wt), cached);
	assert_string_equal(out(idxsum2, sizeof(idxsum2), "git -C %s ls-files "
	    "-s | md5sum", f->wt), idxsum);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), out(b2, sizeof(b2), "git -C %s rev-parse main", f->repo));
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/abcd-fix-login");
	/* The snapshot: parent HEAD, all but ignored files, no deletions. */
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "refs/swarm/snapshots/%s", f->repo, ID), oid);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "refs/swarm/snapshots/%s^", f->repo, ID), out(b2, sizeof(b2),
	    "git -C %s rev-parse main", f->repo));
	assert_string_equal(out(b, sizeof(b), "git -C %s ls-tree -r "
	    "--name-only %s | tr '\\n' ' '", f->repo, oid),
	    ".gitignore a.txt b.txt dir/u2.txt u.txt ");
	assert_string_equal(out(b, sizeof(b), "git -C %s show %s:a.txt",
	    f->repo, oid), "one changed");
	assert_string_equal(out(b, sizeof(b), "git -C %s show %s:b.txt",
	    f->repo, oid), "bee staged");

	/* Remove: directory and metadata gone, branch and snapshot kept. */
	put(f->wt, "u.txt", "untracked, later\n");
	assert_int_equal(worktree_remove(f->repo, f->wt, ID, err,
	    sizeof(err)), 0);
	assert_false(exists(f->wt));
	assert_int_equal(sh("git -C %s worktree list | grep -q abcd",
	    f->repo), 1);
	assert_int_equal(sh("test -e %s/.git/worktrees/abcd-fix-login",
	    f->repo), 1);
	assert_string_equal(out(b, sizeof(b), "git -C %s branch --list "
	    "vk/abcd-fix-login", f->repo), "  vk/abcd-fix-login");
	/* remove took a fresh snapshot with the later content. */
	assert_string_equal(out(b, sizeof(b), "git -C %s show "
	    "refs/swarm/snapshots/%s:u.txt", f->repo, ID), "untracked, later");
	/* Removing again is fine. */
	assert_int_equal(worktree_remove(f->repo, f->wt, ID, err,
	    sizeof(err)), 0);

	/* Ensure: back from the branch, committed content only. */
	assert_int_equal(worktree_ensure(&created, f->repo, f->wt,
	    "vk/abcd-fix-login", err, sizeof(err)), 0);
	assert_int_equal(created, 1);
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/abcd-fix-login");
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->wt), "one");
	assert_false(exists(f->wt) && sh("test -e %s/u.txt", f->wt) == 0);
	/* And the work comes back from the snapshot. */
	SH("git -C %s checkout refs/swarm/snapshots/%s -- a.txt u.txt "
	    "dir/u2.txt", f->wt, ID);
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->wt),
	    "one changed");
	assert_string_equal(out(b, sizeof(b), "cat %s/u.txt", f->wt),
	    "untracked, later");
	assert_string_equal(out(b, sizeof(b), "cat %s/dir/u2.txt", f->wt),
	    "deep untracked");
	/* A present worktree is left alone. */
	assert_int_equal(worktree_ensure(&created, f->repo, f->wt,
	    "vk/abcd-fix-login", err, sizeof(err)), 0);
	assert_int_equal(created, 0);
	assert_string_equal(out(b, sizeof(b), "cat %s/a.txt", f->wt),
	    "one changed");
}

static void
worktree_snapshot_clean_writes_nothing(void **state)
{
	struct fx	*f = *state;
	char		 oid[41], err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/c", "main", err,
	    sizeof(err)), 0);
	put(f->wt, "x.log", "only ignored\n");
	assert_int_equal(worktree_snapshot(oid, f->repo, f->wt, ID, err,
	    sizeof(err)), E_NOTFOUND);
	assert_string_equal(oid, "");
	assert_int_not_equal(sh("git -C %s show-ref -q --verify "
	    "refs/swarm/snapshots/%s", f->repo, ID), 0);
	assert_int_equal(worktree_snapshot(oid, f->repo, f->wt, "a/b", err,
	    sizeof(err)), E_INVAL);
	assert_int_equal(worktree_snapshot(oid, f->repo, f->wt, "x..y", err,
	    sizeof(err)), E_INVAL);
	/* A clean removal leaves no snapshot either. */
	assert_int_equal(worktree_remove(f->repo, f->wt, ID, err,
	    sizeof(err)), 0);
	assert_int_not_equal(sh("git -C %s show-ref -q --verify "
	    "refs/swarm/snapshots/%s", f->repo, ID), 0);
}

static void
worktree_ensure_refusals(void **state)
{
	struct fx	*f = *state;
	char		 other[256], err[256], oid[41];
	int		 created = -1;

	assert_int_equal(worktree_ensure(&created, f->repo, f->wt, "nope",
	    err, sizeof(err)), E_NOTFOUND);
	assert_int_equal(created, 0);
	assert_false(exists(f->wt));
	/* main is checked out in the main repository. */
	assert_int_equal(worktree_ensure(NULL, f->repo, f->wt, "main",
	    err, sizeof(err)), E_CONFLICT);
	/* Another repository at the path: not replaced, not removed. */
	snprintf(other, sizeof(other), "%s/other", f->dir);
	SH("git init -q %s && touch %s/keep", other, other);
	assert_int_equal(worktree_ensure(NULL, f->repo, other, "main",
	    err, sizeof(err)), E_CONFLICT);
	assert_int_equal(worktree_remove(f->repo, other, ID, err,
	    sizeof(err)), E_CONFLICT);
	assert_int_equal(sh("test -e %s/keep", other), 0);
	/* Nor snapshotted into this repository. */
	put(other, "new.txt", "x\n");
	assert_int_equal(worktree_snapshot(oid, f->repo, other, ID, err,
	    sizeof(err)), E_FAIL);
	/* A stale directory (no worktree) is cleared and replaced. */
	SH("git -C %s branch vk/s", f->repo);
	SH("mkdir -p %s && touch %s/junk", f->wt, f->wt);
	assert_int_equal(worktree_ensure(&created, f->repo, f->wt, "vk/s",
	    err, sizeof(err)), 0);
	assert_int_equal(created, 1);
	assert_int_equal(sh("test -e %s/junk", f->wt), 1);
	assert_int_equal(sh("test -e %s/a.txt", f->wt), 0);
}

static void
worktree_removed_by_hand_is_recreated(void **state)
{
	struct fx	*f = *state;
	char		 b[1024], err[256];
	int		 created = -1;

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/h", "main", err,
	    sizeof(err)), 0);
	SH("rm -rf %s", f->wt);	/* stale metadata stays behind */
	assert_int_equal(worktree_ensure(&created, f->repo, f->wt, "vk/h",
	    err, sizeof(err)), 0);
	assert_int_equal(created, 1);
	assert_string_equal(out(b, sizeof(b), "git -C %s symbolic-ref HEAD",
	    f->wt), "refs/heads/vk/h");
	assert_string_equal(out(b, sizeof(b), "git -C %s worktree list "
	    "--porcelain | grep -c '^worktree '", f->repo), "2");
}

/* --- head, commit_all -------------------------------------------------- */

static void
worktree_commit_all_stages_everything(void **state)
{
	struct fx	*f = *state;
	char		 b[2048], b2[1024], oid[41], head[41], err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/c", "main", err,
	    sizeof(err)), 0);
	assert_int_equal(worktree_head(head, f->wt), 0);
	assert_string_equal(head, out(b, sizeof(b), "git -C %s rev-parse main",
	    f->repo));
	make_mess(f);
	assert_int_equal(worktree_commit_all(oid, f->wt, "Agent changes",
	    err, sizeof(err)), 0);
	assert_int_equal(worktree_head(head, f->wt), 0);
	assert_string_equal(oid, head);
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse "
	    "vk/c", f->repo), oid);
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 --format=%%s",
	    f->wt), "Agent changes");
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 "
	    "--format='%%an <%%ae>|%%cn <%%ce>'", f->wt),
	    "Swarm <swarm@localhost>|Swarm <swarm@localhost>");
	assert_string_equal(out(b, sizeof(b), "git -C %s show --name-status "
	    "--format= HEAD | tr '\\t\\n' ': '", f->wt),
	    "M:a.txt M:b.txt D:c.txt A:dir/u2.txt A:u.txt ");
	assert_string_equal(out(b, sizeof(b), "git -C %s status --porcelain",
	    f->wt), "");
	assert_string_equal(out(b, sizeof(b), "git -C %s ls-files x.log "
	    "build", f->wt), "");
	/* Nothing left: says so, writes nothing. */
	assert_int_equal(worktree_commit_all(oid, f->wt, "again", err,
	    sizeof(err)), E_NOTFOUND);
	assert_string_equal(oid, "");
	assert_string_equal(out(b, sizeof(b), "git -C %s rev-parse HEAD",
	    f->wt), head);
	/* The repository's identity wins over the fallback. */
	SH("git -C %s config user.name 'Repo User' && git -C %s config "
	    "user.email repo@example.com", f->repo, f->repo);
	put(f->wt, "a.txt", "third\n");
	assert_int_equal(worktree_commit_all(oid, f->wt, "Second", err,
	    sizeof(err)), 0);
	assert_string_equal(out(b, sizeof(b), "git -C %s log -1 "
	    "--format='%%an <%%ae>'", f->wt), "Repo User <repo@example.com>");
	assert_string_equal(out(b2, sizeof(b2), "git -C %s rev-parse HEAD^",
	    f->wt), head);
	assert_int_equal(worktree_head(head, "/nonexistent/x"), E_NOTFOUND);
}

static void
worktree_commit_all_refuses_conflicts(void **state)
{
	struct fx	*f = *state;
	char		 oid[41], err[256];

	assert_int_equal(worktree_create(f->repo, f->wt, "vk/m", "main", err,
	    sizeof(err)), 0);
	SH("cd %s && echo mine > a.txt && git commit -qam mine", f->wt);
	SH("cd %s && echo theirs > a.txt && git commit -qam theirs", f->repo);
	assert_int_not_equal(sh("git -C %s merge -q main >/dev/null 2>&1",
	    f->wt), 0);
	assert_int_equal(worktree_commit_all(oid, f->wt, "x", err,
	    sizeof(err)), E_CONFLICT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(worktree_branch_names),
		cmocka_unit_test_setup_teardown(
		    worktree_create_checks_out_new_branch, setup, teardown),
		cmocka_unit_test_setup_teardown(worktree_create_refusals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    worktree_create_from_remote_tracking, setup, teardown),
		cmocka_unit_test_setup_teardown(worktree_snapshot_round_trip,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    worktree_snapshot_clean_writes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(worktree_ensure_refusals,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    worktree_removed_by_hand_is_recreated, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    worktree_commit_all_stages_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    worktree_commit_all_refuses_conflicts, setup, teardown),
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
	rc = cmocka_run_group_tests_name("git_worktree", tests, NULL,
	    NULL);
	git_libgit2_shutdown();
	sh("rm -rf %s", home);
	return rc;
}
