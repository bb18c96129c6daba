/* liveness.h: a node's status, derived at read time from its heartbeats */
#ifndef SWARM_LIVENESS_H
#define SWARM_LIVENESS_H

#define LIVENESS_WINDOW_DEFAULT	90	/* seconds, the original's WS timeout */
#define LIVENESS_WINDOW_MAX	86400

/*
 * The status the API shows for a node:
 *   never heard from (no heartbeat)            -> "pending"
 *   last heartbeat older than window seconds   -> "offline"
 *   reported "offline" (a node saying goodbye)  -> "offline"
 *   drained by an administrator                 -> "draining"
 *   otherwise what the node reported ("online" or "busy"; anything
 *   else it may have stored reads as "online").
 * age is seconds since the last heartbeat (negative clock skew counts
 * as 0). The result is a static string.
 */
const char	*liveness_status(const char *reported, int draining,
		    int has_heartbeat, long long age, long long window);

#endif
