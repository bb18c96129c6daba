/* conntoken.h: connection tokens for browser streams (hive signs, nodes check) */
#ifndef SWARM_CONNTOKEN_H
#define SWARM_CONNTOKEN_H

#include <stdint.h>

#include "jwt.h"
#include "uuid.h"

#define CONNTOKEN_AUDIENCE	"connection"
#define CONNTOKEN_TTL		900	/* seconds: the original's 15 minutes */
#define CONNTOKEN_SUB_MAX	64

/*
 * The claims of a connection token, as the original's hive writes them:
 * sub (who asked), node_id (the node that runs the attempt),
 * assignment_id, execution_process_id (the original puts the node's
 * attempt id there; "" when unknown, sent as null), iat, exp, aud
 * "connection"; plus task_id (the shared task), which the swarm seed adds.
 */
struct conntoken {
	char	 sub[CONNTOKEN_SUB_MAX + 1];
	char	 node_id[UUID_STRLEN + 1];
	char	 assignment_id[UUID_STRLEN + 1];
	char	 attempt_id[UUID_STRLEN + 1];	/* "" when unknown */
	char	 task_id[UUID_STRLEN + 1];	/* "" when absent */
	int64_t	 iat;
	int64_t	 exp;
};

/*
 * Sign t as an HS256 token issued at now, valid CONNTOKEN_TTL seconds
 * (t->iat and t->exp are set). A new string the caller frees, or NULL.
 */
char	*conntoken_issue(const struct jwt_key *key, struct conntoken *t,
	    int64_t now);
/*
 * Verify token (algorithm, signature, audience "connection", expiry with
 * the JWT leeway, required claims sub, exp, aud, node_id, assignment_id,
 * ids that are UUIDs) and fill out. 0, E_INVAL (malformed) or
 * E_FORBIDDEN (anything else); *why (may be NULL) says which, for logs.
 */
int	conntoken_verify(struct conntoken *out, const struct jwt_key *key,
	    const char *token, int64_t now, const char **why);

#endif
