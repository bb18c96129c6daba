/* wtdiff.h: an attempt worktree's changes against its base, as Diff objects */
#ifndef SWARM_WTDIFF_H
#define SWARM_WTDIFF_H

#include <stddef.h>
#include <stdint.h>
#include <json.h>

#define WTDIFF_MAX_INLINE	(2 * 1024 * 1024)	/* per file content */

/*
 * Diff the worktree at wt (tracked changes, staged or not, and untracked
 * files that .gitignore does not exclude; renames found) against the
 * merge base of its HEAD and branch target, and call fn once per file
 * with its Diff object as the original streams it: {change, oldPath,
 * newPath, oldContent, newContent, contentOmitted, additions, deletions}
 * (camelCase; contents null for binary, non-UTF-8 or files over
 * WTDIFF_MAX_INLINE; stats_only or an exhausted *budget omits contents
 * and fills the line counts). fn takes the object; non-zero stops.
 * base_oid[41] gets the base commit. Returns 0, E_NOTFOUND (no such
 * target), E_FAIL.
 */
int	wtdiff_snapshot(char *base_oid, const char *wt, const char *target,
	    int stats_only, uint64_t *budget,
	    int (*fn)(const char *path, json_object *diff, void *), void *arg);

/*
 * One file of a diff in both forms a stream needs: full (contents as the
 * limits allow) and stats (contents omitted, line counts filled). path
 * is the entry key (new path, or old path of a deletion); old_path is
 * set for renames and copies. All borrowed for the callback.
 */
struct wtdiff_pair {
	const char	*path;
	const char	*old_path;
	json_object	*full;
	json_object	*stats;
	size_t		 content_bytes;	/* old + new content in full */
};

/* The merge base of the worktree's HEAD and target, into base_oid[41].
 * 0, E_NOTFOUND (no worktree or target), E_FAIL. */
int	wtdiff_base(char *base_oid, const char *wt, const char *target);
/*
 * The worktree against commit base_oid as wtdiff_snapshot computes it,
 * limited to the exact paths[0..npaths) when paths is not NULL (a rename
 * pairs only when both of its paths are listed). fn gets each file;
 * non-zero stops and is returned. 0, E_NOTFOUND, E_FAIL.
 */
int	wtdiff_paths(const char *wt, const char *base_oid, char *const *paths,
	    size_t npaths, int (*fn)(const struct wtdiff_pair *, void *),
	    void *arg);
/*
 * Commit new_oid against old_oid (NULL: its first parent) in the
 * repository at repo_path, contents from the blobs. 0, E_NOTFOUND,
 * E_FAIL.
 */
int	wtdiff_commits(const char *repo_path, const char *old_oid,
	    const char *new_oid, int (*fn)(const struct wtdiff_pair *, void *),
	    void *arg);

#endif
