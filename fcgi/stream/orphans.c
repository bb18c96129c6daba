/* orphans.c: runs whose runner died, and idle worktrees, swept from here */
#include "db.h"
#include "db_runs.h"
#include "images.h"
#include "log.h"
#include "stream.h"
#include "worktrees.h"

#define ORPHANS_EVERY_MS	(10 * 1000)
#define SWEEP_EVERY_MS		(5 * 60 * 1000)

static struct loop_timer	 reap_timer, sweep_timer;

/*
 * swarm-stream is the node's one long-lived process: it fails runs whose
 * runner is gone (db_runs.c; their streams then see the end) without
 * waiting for a REST read to do it.
 */
static void
orphans_reap(void *arg)
{
	int	 n = 0;

	if (db_run_reap_orphans(stream_db(), &n) == 0 && n > 0)
		log_info("marked %d orphaned execution processes failed", n);
}

/*
 * Idle worktrees (rate-limited node-wide by worktrees_sweep itself), and
 * uploaded images no task took.
 */
static void
orphans_sweep(void *arg)
{
	worktrees_sweep(stream_db(), 0);
	images_sweep_orphans(stream_db());
}

void
orphans_init(void)
{
	orphans_reap(NULL);
	loop_every(&reap_timer, ORPHANS_EVERY_MS, orphans_reap, NULL);
	loop_every(&sweep_timer, SWEEP_EVERY_MS, orphans_sweep, NULL);
}
