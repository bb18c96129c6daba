/* images.h: the image store and the images' copies in attempt worktrees */
#ifndef SWARM_IMAGES_H
#define SWARM_IMAGES_H

struct db;

#define IMAGES_MAX_BYTES	(20 * 1024 * 1024)	/* the original's */
/* Where a worktree holds its task's images, as the original names it. */
#define IMAGES_WORKTREE_DIR	".vibe-images"

/* The image store: SWARM_IMAGE_DIR, else /var/tmp/swarm/images. */
const char *images_root(void);

/*
 * Copy the task's images into <wt>/.vibe-images/ (git-ignored there),
 * skipping those already present. Failures are logged, never fatal: an
 * agent can work without its pictures. 0, or E_FAIL when any copy failed.
 */
int	images_copy_to_worktree(struct db *, const char *task_id,
	    const char *wt);

/*
 * Rewrite markdown image links to .vibe-images/... in *prompt into
 * absolute paths under wt, as the original does, so an agent started
 * anywhere finds them. 0 or E_FAIL (out of memory; *prompt unchanged).
 */
int	images_canonicalise_prompt(char **prompt, const char *wt);

/*
 * Delete images uploaded more than SWARM_IMAGE_ORPHAN_HOURS (default 24)
 * ago that no task uses (the original's orphan cleanup), rows and files.
 * Run after uploads and by swarm-stream's periodic sweep.
 */
void	images_sweep_orphans(struct db *);

#endif
