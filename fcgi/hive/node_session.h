/* node_session.h: what a node does on the hive, as plain functions */
#ifndef SWARM_NODE_SESSION_H
#define SWARM_NODE_SESSION_H

#include <stddef.h>
#include <json.h>

#include "db.h"
#include "db_hive.h"

/*
 * The REST routes (node_rest.c) and the node link (WebSocket, phase 2)
 * both call these: registration (auth), heartbeat, link and unlink of a
 * project, disconnect. None reads a request or writes a reply; inputs
 * are already validated with the helpers below; org_id is the
 * organization of the caller's API key, so a node of another
 * organization reads as unknown (E_NOTFOUND).
 */

#define NODE_NAME_MAX		255
#define NODE_MACHINE_MAX	255
#define NODE_BRANCH_MAX		255
#define NODE_PATH_MAX		4096

struct node_registration {
	const char	*name;
	const char	*machine_id;
	const char	*public_url;	/* NULL: none */
	const char	*capabilities;	/* normalised JSON text */
};

/* 1 if url is an http(s) URL without spaces or controls, short enough. */
int	node_public_url_ok(const char *url);
/*
 * Check caps (an object, or NULL for the defaults) against the
 * original's NodeCapabilities and render it with defaults filled in:
 * {executors[], max_concurrent_tasks, os, arch, version}. *out is a new
 * string (caller frees). E_INVAL with the reason in err.
 */
int	node_capabilities_normalize(char **out, json_object *caps, char *err,
	    size_t errsz);
/* A heartbeat's reported status; NULL if not one of the node statuses. */
const char *node_status_parse(const char *s);

/*
 * Upsert the node on (organization, machine_id): status online, both
 * connection times now. *node is the Node (status derived), *links its
 * NodeProject rows. 0, E_DB, E_FAIL.
 */
int	hive_node_register(struct db *, json_object **node, json_object **links,
	    const char *org_id, const char *key_id,
	    const struct node_registration *);
/* Record a heartbeat with the reported status. 0, E_NOTFOUND. */
int	hive_node_heartbeat(struct db *, const char *org_id,
	    const char *node_id, const char *status);
/* The link closed: status offline, disconnected_at now. */
int	hive_node_disconnect(struct db *, const char *org_id,
	    const char *node_id);
/*
 * Link a project of the organization to a local project of the node.
 * Linking the same pair again returns the existing link (*created 0).
 * E_NOTFOUND (*what "node" or "project"), E_CONFLICT (*what says which
 * link is in the way).
 */
int	hive_node_link(struct db *, json_object **link, int *created,
	    const char **what, const char *org_id, const struct link_row *);
/* Remove one of the node's links. E_NOTFOUND (*what: node or link). */
int	hive_node_unlink(struct db *, const char **what, const char *org_id,
	    const char *node_id, const char *link_id);

#endif
