/* main.c: swarm-hive, the hive's FastCGI program: flags, then prefork */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "hive.h"
#include "log.h"
#include "server.h"
#include "text.h"

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
	static const struct option opts[] = {
		{ "socket",  required_argument, NULL, 's' },
		{ "workers", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	struct db_config	 dbcfg;
	const char		*sock = NULL;
	int64_t			 workers = 4;
	int			 ch;

	setvbuf(stderr, NULL, _IOLBF, 0);
	log_init(hive_app.role, getenv("SWARM_LOG_LEVEL"));
	while ((ch = getopt_long(argc, argv, "s:w:", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			sock = optarg;
			break;
		case 'w':
			if (text_to_int64(&workers, optarg, 1, 256) != 0)
				fatalx("--workers must be a number from 1 to 256");
			break;
		default:
			usage();
		}
	}
	if (sock == NULL || optind != argc)
		usage();
	db_config_from_env(&dbcfg);
	if (getenv("SWARM_DB_NAME") == NULL)
		dbcfg.name = "swarm_hive";
	hive_config_load();
	return prefork_run(sock, (int)workers, &hive_app, &dbcfg);
}
