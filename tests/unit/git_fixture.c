/* git_fixture.c: scratch repositories and shell helpers for test_git_*.c */
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

#include "git_fixture.h"


char	 home[64];

/* Run a shell command; its exit status. */
int
sh(const char *fmt, ...)
{
	char	 cmd[8192];
	va_list	 ap;
	int	 st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A command's stdout, trailing newlines cut, into buf. */
const char *
out(char *buf, size_t bufsz, const char *fmt, ...)
{
	char	 cmd[8192];
	va_list	 ap;
	FILE	*p;
	size_t	 n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(buf, 1, bufsz - 1, p);
	buf[n] = '\0';
	pclose(p);
	while (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return buf;
}

void
put(const char *dir, const char *rel, const char *data)
{
	char	 path[1024];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_non_null(f = fopen(path, "w"));
	fputs(data, f);
	assert_int_equal(fclose(f), 0);
}

int
exists(const char *path)
{
	struct stat	 st;

	return lstat(path, &st) == 0;
}

int
setup(void **state)
{
	struct fx	*f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/swarm-gitwt-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->repo, sizeof(f->repo), "%s/repo", f->dir);
	snprintf(f->wt, sizeof(f->wt), "%s/worktrees/abcd-fix-login", f->dir);
	if (sh("git init -q -b main %s && cd %s && printf 'one\\n' > a.txt && "
	    "printf 'bee\\n' > b.txt && printf 'sea\\n' > c.txt && "
	    "printf '*.log\\nbuild/\\n' > .gitignore && git add -A && "
	    "git commit -qm init", f->repo, f->repo) != 0)
		return -1;
	*state = f;
	return 0;
}

int
teardown(void **state)
{
	struct fx	*f = *state;

	sh("rm -rf %s", f->dir);
	free(f);
	return 0;
}
