/* cache.h: rendered replies on disk, served by nginx, invalidated by writers */
#ifndef SWARM_CACHE_H
#define SWARM_CACHE_H

#include <stddef.h>

/*
 * Hot read routes (the board listing, a task, the project list) are
 * rendered once into files under the cache directory that nginx serves
 * directly (try_files), so most reads never reach a worker or MariaDB.
 *
 * It stays exact under concurrency through a lock per scope (a project's
 * list, a task, the project list; striped over a few lock files):
 *   - a builder holds the lock SHARED from before its database read until
 *     its file has been renamed into place;
 *   - a writer, after its commit and before its reply, takes the lock
 *     EXCLUSIVE and deletes every file its change affects.
 * So once a writer has replied, any file present was built from a read
 * made after its commit: a client always reads its own writes. Every
 * code path that commits a change to tasks, projects, attempts,
 * execution processes or merges must call cache_invalidate for what it
 * changed. The cache is per host: with several hosts behind one
 * database, leave it disabled (SWARM_CACHE_DIR unset).
 */

#define CACHE_PATH_MAX	256

/* Zeroed (as in a fresh struct reply) it is inactive. */
struct cache_build {
	int	 active;		/* holds the lock, may publish */
	int	 lockfd;
	char	 path[CACHE_PATH_MAX];	/* relative to the cache directory */
};

/* Use dir (created if missing) or disable the cache when NULL or "". */
int	cache_init(const char *dir);
int	cache_enabled(void);
/*
 * Start building relpath under scope: takes the scope's lock shared. On
 * failure (or when disabled) b stays inactive and cache_build_end does
 * nothing, so callers need no second path.
 */
void	cache_build_begin(struct cache_build *b, const char *scope,
	    const char *relpath);
/* Publish body (if not NULL) as the file, atomically; release the lock. */
void	cache_build_end(struct cache_build *b, const char *body, size_t len);
/*
 * Delete relpath under scope's exclusive lock. Returns 0, or -1 (logged)
 * when the lock or the removal failed; removal is tried without the lock.
 */
int	cache_invalidate(const char *scope, const char *relpath);

#endif
