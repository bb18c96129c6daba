/* httpc.h: JSON over HTTP(S) to other services (libcurl), with limits */
#ifndef SWARM_HTTPC_H
#define SWARM_HTTPC_H

#include <stddef.h>
#include <json.h>

#define HTTPC_TIMEOUT_MS	15000
#define HTTPC_CONNECT_MS	5000
#define HTTPC_MAX_REPLY		(4 * 1024 * 1024)

/*
 * method url with an optional JSON body and bearer token; headers are
 * NULL-terminated extra "Name: value" lines. *status gets the HTTP status
 * and *out the parsed JSON reply (NULL if empty or not JSON; caller puts).
 * Returns 0 when a reply arrived (any status), E_REMOTE when none did
 * (err says why), E_TOOBIG for an oversized reply, E_FAIL.
 */
int	httpc_json(long *status, json_object **out, const char *method,
	    const char *url, const char *token, const char *const *headers,
	    json_object *body, char *err, size_t errsz);
/* As httpc_json with its own total and connect timeouts (milliseconds). */
int	httpc_json_timed(long *status, json_object **out, const char *method,
	    const char *url, const char *token, const char *const *headers,
	    json_object *body, char *err, size_t errsz, long timeout_ms,
	    long connect_ms);

#endif
