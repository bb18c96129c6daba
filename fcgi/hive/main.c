/* main.c: swarm-hive, the hive's FastCGI program: flags, then prefork */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "hive.h"
#include "log.h"
#include "server.h"

static void
usage(void)
{
	fprintf(stderr, "usage: swarm-hive --socket PATH [--workers N]\n"
	    "database: SWARM_DB_SOCKET or SWARM_DB_HOST/SWARM_DB_PORT, "
	    "SWARM_DB_USER, SWARM_DB_PASSWORD, SWARM_DB_NAME "
	    "(default swarm_hive)\n"
	    "hive: SWARM_HIVE_ADMIN_TOKEN[_FILE], "
	    "VIBEKANBAN_REMOTE_JWT_SECRET, SWARM_HIVE_HEARTBEAT_WINDOW, "
	    "SWARM_HIVE_PUBLIC_URL\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct db_config	 dbcfg;
	const char		*sock = NULL;
	int			 workers;

	setvbuf(stderr, NULL, _IOLBF, 0);
	log_init(hive_app.role, getenv("SWARM_LOG_LEVEL"));
	if (server_parse_args(argc, argv, &sock, &workers) != 0)
		usage();
	db_config_from_env(&dbcfg);
	if (getenv("SWARM_DB_NAME") == NULL)
		dbcfg.name = "swarm_hive";
	hive_config_load();
	return prefork_run(sock, workers, &hive_app, &dbcfg);
}
