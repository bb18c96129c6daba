/* err.h: the expected failures below the handlers, and their HTTP statuses */
#ifndef SWARM_ERR_H
#define SWARM_ERR_H

/*
 * Functions below the handlers return 0 on success or one of these.
 * reply_err() maps them to statuses; anything not listed is a bug (500).
 */
enum {
	E_OK		=  0,
	E_FAIL		= -1,	/* unexpected: 500 */
	E_INVAL		= -2,	/* bad input: 400 */
	E_NOTFOUND	= -3,	/* unknown id: 404 */
	E_CONFLICT	= -4,	/* duplicate or state conflict: 409 */
	E_TOOBIG	= -5,	/* over a size limit: 413 */
	E_DB		= -6,	/* database unavailable: 503 */
	E_REMOTE	= -7,	/* remote node unreachable: 502 */
	E_FORBIDDEN	= -8,	/* refused, e.g. path traversal: 403 */
	E_UNSUPPORTED	= -9	/* unsupported media: 415 */
};

#endif
