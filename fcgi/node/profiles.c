/* profiles.c: what each worker loads once: libgit2 and the executor profiles */
#include <stdlib.h>

#include "executors.h"
#include "log.h"
#include "node.h"
#include "repo.h"

#ifndef SWARM_EXECUTORS_DEFAULTS
#define SWARM_EXECUTORS_DEFAULTS "conf/executors.json"
#endif

static struct executors	*loaded;

/*
 * Worker start: libgit2, then the executor profiles (defaults from
 * SWARM_EXECUTORS_DEFAULTS, overrides from SWARM_EXECUTORS_FILE). A bad
 * profiles file does not stop the worker: attempts answer 503 and the
 * log says why, every other route works.
 */
int
node_worker_init(void)
{
	const char	*defaults = getenv("SWARM_EXECUTORS_DEFAULTS");
	char		 err[512];

	if (repo_global_init() != 0)
		return -1;
	if (executors_load_env(&loaded, defaults != NULL ? defaults :
	    SWARM_EXECUTORS_DEFAULTS, err, sizeof(err)) != 0) {
		log_warnx("executor profiles not loaded: %s", err);
		loaded = NULL;
	}
	return 0;
}

const struct executors *
node_executors(void)
{
	return loaded;
}
