/* liveness.c: a node's status, derived at read time from its heartbeats */
#include <string.h>

#include "liveness.h"

const char *
liveness_status(const char *reported, int draining, int has_heartbeat,
    long long age, long long window)
{
	if (!has_heartbeat)
		return "pending";
	if (age < 0)
		age = 0;
	if (age > window)
		return "offline";
	if (reported != NULL && strcmp(reported, "offline") == 0)
		return "offline";
	if (draining)
		return "draining";
	if (reported != NULL && strcmp(reported, "busy") == 0)
		return "busy";
	return "online";
}
