/* server.h: the FastCGI worker loop, its front-line checks and prefork */
#ifndef SWARM_SERVER_H
#define SWARM_SERVER_H

#include <stddef.h>

#include "db.h"
#include "http.h"

#define SERVER_MAX_BODY	(1024 * 1024)	/* JSON bodies; nginx allows more */
/* Uploads: a 20 MiB image (the original's limit) and its form around it. */
#define SERVER_MAX_UPLOAD	(20 * 1024 * 1024 + 64 * 1024)

/* What a binary hands to the server: its routes and hooks. */
struct app {
	const char		*role;		/* "node", "hive" */
	const struct route	*routes;
	size_t			 nroutes;
	size_t			 max_body;
	size_t			 max_upload;	/* R_UPLOAD routes */
	/* Called once in each worker after fork; 0 or fatal. */
	int			 (*worker_init)(void);
	/*
	 * Optional: called after the database check and before the
	 * handler, with rq->route_flags set; returns 0 to go on, or fills
	 * rp (401/403/503) and returns its status.
	 */
	int			 (*authorize)(struct req *, struct reply *);
};

/*
 * The checks every request passes, in order, before its handler:
 * method (405), route (404/405), content type (415), body size (413),
 * JSON object body (400), {id} and {sub} as UUIDs (400), {*path}
 * decoding (400), database connection (503), the app's authorize hook
 * (401/403). Fills rp; returns the status.
 */
int	server_dispatch(const struct app *, struct req *, struct reply *,
	    const char *content_length);
/* GET …/health of every binary: version strings, bare, no database. */
int	server_health(struct req *, struct reply *);
/*
 * The flags every FastCGI binary takes: --socket PATH (required) and
 * --workers N (1-256, default 4). 0, or -1 for a usage error.
 */
int	server_parse_args(int argc, char *argv[], const char **sock,
	    int *workers);
/* Accept and serve requests on fd until told to stop; never returns. */
void	server_worker(int fd, const struct app *, const struct db_config *)
	    __attribute__((noreturn));
/*
 * Open the FastCGI socket at path (refusing a second instance on the
 * same path), fork nworkers workers, restart any that die, and on
 * SIGTERM or SIGINT stop them all and return 0.
 */
int	prefork_run(const char *path, int nworkers, const struct app *,
	    const struct db_config *);

#endif
