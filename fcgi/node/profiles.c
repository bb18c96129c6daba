/* profiles.c: what each worker loads once: libgit2 and the executor profiles */
#include <stdlib.h>
#include <string.h>

#include "executors.h"
#include "jsonx.h"
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

/*
 * GET /api/profiles: the executors a task attempt may name and their
 * variants, {executors: [{executor, variants: [names, DEFAULT first]}]}
 * in the file's order. Names only: the merged file may carry an
 * executor's environment (API keys), which the browser has no need for.
 * 503 when the profiles did not load, as POST /api/task-attempts.
 */
int
profile_list(struct req *rq, struct reply *rp)
{
	json_object	*root, *execs, *out, *list, *one, *names, *variants;

	(void)rq;
	if (loaded == NULL)
		return reply_errorf(rp, 503,
		    "executor profiles unavailable (see the node log)");
	root = executors_json(loaded);
	if (!json_object_object_get_ex(root, "executors", &execs) ||
	    !json_object_is_type(execs, json_type_object))
		return reply_errorf(rp, 500, "executor profiles have no executors");
	if ((out = json_object_new_object()) == NULL ||
	    (list = json_object_new_array()) == NULL ||
	    jsonx_add(out, "executors", list) != 0)
		goto oom;
	json_object_object_foreach(execs, name, def) {
		if ((one = json_object_new_object()) == NULL ||
		    json_object_array_add(list, one) != 0) {
			json_object_put(one);
			goto oom;
		}
		if (jsonx_add_str(one, "executor", name) != 0 ||
		    (names = json_object_new_array()) == NULL ||
		    jsonx_add(one, "variants", names) != 0)
			goto oom;
		if (json_object_array_add(names,
		    json_object_new_string("DEFAULT")) != 0)
			goto oom;
		if (!json_object_object_get_ex(def, "variants", &variants) ||
		    !json_object_is_type(variants, json_type_object))
			continue;
		json_object_object_foreach(variants, vname, vdef) {
			(void)vdef;
			if (strcmp(vname, "DEFAULT") == 0)
				continue;
			if (json_object_array_add(names,
			    json_object_new_string(vname)) != 0)
				goto oom;
		}
	}
	return reply_data(rp, out);
oom:
	json_object_put(out);
	return reply_errorf(rp, 500, "out of memory");
}
