/* main.c: swarm-node, the node's FastCGI program: flags, then prefork */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache.h"
#include "db.h"
#include "db_runs.h"
#include "log.h"
#include "node.h"
#include "repo.h"
#include "worktrees.h"
#include "server.h"
#include "swarm.h"

static void
usage(void)
{
	fprintf(stderr, "usage: swarm-node --socket PATH [--workers N]\n"
	    "       swarm-node --hive-sync\n"
	    "database: SWARM_DB_SOCKET or SWARM_DB_HOST/SWARM_DB_PORT, "
	    "SWARM_DB_USER, SWARM_DB_PASSWORD, SWARM_DB_NAME\n");
	exit(2);
}

/*
 * Runs whose runner is gone (a reboot, a kill) are failed now, not shown
 * as running forever; every read of processes checks again.
 */
static void
reap_orphans_at_start(const struct db_config *cfg)
{
	struct db	*db;
	int		 n = 0;

	if ((db = db_new(cfg)) == NULL)
		return;
	if (db_ensure(db) == 0 && db_run_reap_orphans(db, &n) == 0 && n > 0)
		log_info("marked %d orphaned execution processes failed", n);
	/* Idle and finished attempts' worktrees, and orphan directories. */
	if (db_ensure(db) == 0) {
		if (repo_global_init() == 0)
			worktrees_sweep(db, 1);
	}
	db_free(db);	/* before fork: workers open their own */
}

/*
 * swarm-stream runs this when the hive link says something changed:
 * one sync (push pending, pull projects and feeds) in its own process,
 * so the stream loop never waits on libcurl.
 */
static int
hive_sync_once(const struct db_config *cfg)
{
	struct db	*db;

	if (!hive_enabled())
		return 0;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		fatalx("curl_global_init failed");
	cache_init(getenv("SWARM_CACHE_DIR"));
	if ((db = db_new(cfg)) == NULL)
		fatalx("out of memory");
	if (db_ensure(db) != 0) {
		db_free(db);
		fatalx("hive sync: database unavailable");
	}
	hive_sync(db, 1);
	db_free(db);
	curl_global_cleanup();
	return 0;
}

int
main(int argc, char *argv[])
{
	struct db_config	 dbcfg;
	const char		*sock = NULL;
	int			 workers;

	/* Worker output is line-buffered: a crash loses no log line. */
	setvbuf(stderr, NULL, _IOLBF, 0);
	log_init(node_app.role, getenv("SWARM_LOG_LEVEL"));
	/* swarm-node --hive-sync: one sync with the hive, then exit (the
	 * node's swarm-stream runs it when the hive announces a change). */
	if (argc == 2 && strcmp(argv[1], "--hive-sync") == 0) {
		db_config_from_env(&dbcfg);
		return hive_sync_once(&dbcfg);
	}
	if (server_parse_args(argc, argv, &sock, &workers) != 0)
		usage();
	db_config_from_env(&dbcfg);
	/* Once, before the workers fork (libcurl's global state). */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		fatalx("curl_global_init failed");
	/* Unset: no cache (several hosts on one database must not use one). */
	cache_init(getenv("SWARM_CACHE_DIR"));
	reap_orphans_at_start(&dbcfg);
	return prefork_run(sock, workers, &node_app, &dbcfg);
}
