/* cache.c: rendered replies on disk, served by nginx, invalidated by writers */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "log.h"

static char	cache_dir[1024];	/* short: every file path is built on it */

static int
mkdir_if_missing(const char *path)
{
	return mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

int
cache_init(const char *dir)
{
	static const char *const subdirs[] = { "locks", "tasks", "task" };
	char	 sub[PATH_MAX];
	size_t	 i;

	cache_dir[0] = '\0';
	if (dir == NULL || *dir == '\0')
		return 0;
	if (strlen(dir) + 32 >= sizeof(cache_dir) || mkdir_if_missing(dir) != 0) {
		log_warn("cache disabled: %s", dir);
		return -1;
	}
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, subdirs[i]);
		if (mkdir_if_missing(sub) != 0) {
			log_warn("cache disabled: %s", sub);
			return -1;
		}
	}
	snprintf(cache_dir, sizeof(cache_dir), "%s", dir);
	return 0;
}

int
cache_enabled(void)
{
	return cache_dir[0] != '\0';
}

#define CACHE_LOCK_STRIPES	64	/* lock files; scopes hash onto them */

/*
 * Open and lock the lock file of scope's stripe; -1 on failure. Scopes
 * share a bounded set of lock files: two scopes on one stripe only wait
 * for each other a little more, they never miss an invalidation.
 */
static int
scope_lock(const char *scope, int how)
{
	char		 path[PATH_MAX];
	uint32_t	 h = 2166136261u;	/* FNV-1a */
	int		 fd;

	for (; *scope != '\0'; scope++)
		h = (h ^ (unsigned char)*scope) * 16777619u;
	snprintf(path, sizeof(path), "%s/locks/%02u.lock", cache_dir,
	    (unsigned)(h % CACHE_LOCK_STRIPES));
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		log_warn("cache lock %s", path);
		return -1;
	}
	while (flock(fd, how) != 0) {
		if (errno == EINTR)
			continue;
		log_warn("flock %s", path);
		close(fd);
		return -1;
	}
	return fd;
}

void
cache_build_begin(struct cache_build *b, const char *scope,
    const char *relpath)
{
	b->active = 0;
	if (!cache_enabled() ||
	    (size_t)snprintf(b->path, sizeof(b->path), "%s", relpath) >=
	    sizeof(b->path))
		return;
	if ((b->lockfd = scope_lock(scope, LOCK_SH)) >= 0)
		b->active = 1;
}

void
cache_build_end(struct cache_build *b, const char *body, size_t len)
{
	char	 tmp[PATH_MAX], dst[PATH_MAX];
	ssize_t	 n;
	size_t	 off = 0;
	int	 fd;

	if (!b->active)
		return;
	snprintf(dst, sizeof(dst), "%s/%s", cache_dir, b->path);
	snprintf(tmp, sizeof(tmp), "%s/%s.%d.tmp", cache_dir, b->path,
	    (int)getpid());
	if (body != NULL &&
	    (fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0) {
		while (off < len && (n = write(fd, body + off, len - off)) > 0)
			off += (size_t)n;
		/* No fsync: a cache file lost in a crash is rebuilt. */
		if (close(fd) != 0 || off != len || rename(tmp, dst) != 0)
			unlink(tmp);
	}
	close(b->lockfd);	/* releases the shared lock */
	b->active = 0;
}

int
cache_invalidate(const char *scope, const char *relpath)
{
	char	 path[PATH_MAX];
	int	 fd, rc = 0;

	if (!cache_enabled())
		return 0;
	if ((fd = scope_lock(scope, LOCK_EX)) < 0)
		rc = -1;
	snprintf(path, sizeof(path), "%s/%s", cache_dir, relpath);
	if (unlink(path) != 0 && errno != ENOENT) {
		log_warn("cache invalidate %s", path);
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}
