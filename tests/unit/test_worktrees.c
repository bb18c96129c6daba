/* test_worktrees.c: the worktree root's disk quota */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "worktrees.h"

static void
worktrees_quota_counts_the_root(void **state)
{
	char		 dir[64], path[128], cmd[256];
	uint64_t	 used, quota;
	FILE		*f;
	static char	 block[1024 * 1024];
	int		 i;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/swarm-wtq.XXXXXX");
	assert_non_null(mkdtemp(dir));
	setenv("SWARM_WORKTREE_DIR", dir, 1);
	setenv("SWARM_WORKTREE_QUOTA_MB", "2", 1);
	assert_string_equal(worktrees_root(), dir);
	/* Empty: under quota. */
	assert_int_equal(worktrees_quota(&used, &quota), 0);
	assert_int_equal(quota, 2);
	/* Three MiB in a nested "worktree": over. */
	snprintf(path, sizeof(path), "%s/abcd-x", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/abcd-x/big.bin", dir);
	assert_non_null(f = fopen(path, "w"));
	memset(block, 'x', sizeof(block));
	for (i = 0; i < 3; i++)
		assert_int_equal(fwrite(block, 1, sizeof(block), f),
		    sizeof(block));
	assert_int_equal(fclose(f), 0);
	assert_int_equal(worktrees_quota(&used, &quota), E_TOOBIG);
	assert_true(used >= 2);
	/* 0 turns the quota off. */
	setenv("SWARM_WORKTREE_QUOTA_MB", "0", 1);
	assert_int_equal(worktrees_quota(&used, &quota), 0);
	/* A relative or missing root falls back to the default. */
	setenv("SWARM_WORKTREE_DIR", "relative/dir", 1);
	assert_string_equal(worktrees_root(), "/var/tmp/swarm/worktrees");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(worktrees_quota_counts_the_root),
	};

	return cmocka_run_group_tests_name("worktrees", tests, NULL, NULL);
}
