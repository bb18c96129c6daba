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

#endif
