/* git_fixture.h: scratch repositories and shell helpers for test_git_*.c */
#ifndef SWARM_GIT_FIXTURE_H
#define SWARM_GIT_FIXTURE_H

#include <stddef.h>

/* HOME and XDG_CONFIG_HOME of the test process (a scratch directory). */
extern char	 home[64];

/* Run a shell command; its exit status. */
int	sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define SH(...)	assert_int_equal(sh(__VA_ARGS__), 0)
/* A command's stdout, trailing newlines cut, into buf. */
const char *out(char *buf, size_t bufsz, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Write data to dir/rel. */
void	put(const char *dir, const char *rel, const char *data);
int	exists(const char *path);

/*
 * A scratch directory with repo/ (branch main, one commit: a.txt b.txt
 * c.txt and a .gitignore ignoring *.log and build/); wt is where tests
 * put the attempt worktree.
 */
struct fx {
	char	 dir[64];
	char	 repo[128];
	char	 wt[192];
};

/* cmocka setup and teardown making and removing a struct fx. */
int	setup(void **state);
int	teardown(void **state);

#endif
