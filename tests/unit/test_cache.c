/* test_cache.c: the render cache publishes, invalidates, and makes a writer
 * wait for a builder that started before it */
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
#include <time.h>
#include <unistd.h>

#include "cache.h"

static char	dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/swarm-cache-test.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	return cache_init(dir);
}

static int
teardown(void **state)
{
	char	 cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
file_is(const char *rel, const char *want)
{
	char	 path[256], buf[256];
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((f = fopen(path, "r")) == NULL)
		return want == NULL;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return want != NULL && strcmp(buf, want) == 0;
}

static void
cache_publish_and_invalidate(void **state)
{
	struct cache_build	 b;

	(void)state;
	memset(&b, 0, sizeof(b));
	assert_true(cache_enabled());
	cache_build_begin(&b, "p-1", "tasks/p1.json");
	assert_true(b.active);
	cache_build_end(&b, "{\"a\":1}", 7);
	assert_false(b.active);
	assert_true(file_is("tasks/p1.json", "{\"a\":1}"));
	assert_int_equal(cache_invalidate("p-1", "tasks/p1.json"), 0);
	assert_true(file_is("tasks/p1.json", NULL));
	/* Invalidating what is not there is fine. */
	assert_int_equal(cache_invalidate("p-1", "tasks/p1.json"), 0);
}

static void
cache_failed_build_publishes_nothing(void **state)
{
	struct cache_build	 b;

	(void)state;
	memset(&b, 0, sizeof(b));
	cache_build_begin(&b, "t-9", "task/t9.json");
	cache_build_end(&b, NULL, 0);	/* the handler failed: 404, 500 */
	assert_true(file_is("task/t9.json", NULL));
	/* An inactive build is a no-op, twice over. */
	cache_build_end(&b, "x", 1);
	assert_true(file_is("task/t9.json", NULL));
}

static void
cache_writer_waits_for_builder(void **state)
{
	struct cache_build	 b;
	struct timespec		 t0, t1;
	pid_t			 pid;
	int			 status;
	double			 waited;

	(void)state;
	memset(&b, 0, sizeof(b));
	/* A builder read old data and holds the lock while it renders. */
	cache_build_begin(&b, "p-2", "tasks/p2.json");
	if ((pid = fork()) == 0) {
		/*
		 * A writer committed meanwhile and invalidates. (Drop the
		 * inherited descriptor: it shares the builder's lock.)
		 */
		close(b.lockfd);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		cache_invalidate("p-2", "tasks/p2.json");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		waited = (double)(t1.tv_sec - t0.tv_sec) +
		    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		/* It could only run after the builder published. */
		_exit(waited >= 0.15 && file_is("tasks/p2.json", NULL) ? 0 : 1);
	}
	usleep(300000);
	cache_build_end(&b, "stale", 5);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The stale file did not survive the writer. */
	assert_true(file_is("tasks/p2.json", NULL));
}

static void
cache_disabled_is_inert(void **state)
{
	struct cache_build	 b;

	(void)state;
	memset(&b, 0, sizeof(b));
	assert_int_equal(cache_init(NULL), 0);
	assert_false(cache_enabled());
	cache_build_begin(&b, "projects", "projects.json");
	assert_false(b.active);
	cache_build_end(&b, "x", 1);
	assert_int_equal(cache_invalidate("projects", "projects.json"), 0);
	assert_int_equal(cache_init(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cache_publish_and_invalidate),
		cmocka_unit_test(cache_failed_build_publishes_nothing),
		cmocka_unit_test(cache_writer_waits_for_builder),
		cmocka_unit_test(cache_disabled_is_inert),
	};

	return cmocka_run_group_tests_name("cache", tests, setup, teardown);
}
