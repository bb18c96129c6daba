/* hive_env.h: the node's hive settings (VK_*), without FastCGI types */
#ifndef SWARM_NODE_HIVE_ENV_H
#define SWARM_NODE_HIVE_ENV_H

#include <json.h>

/*
 * hive_client.c reads them; swarm-stream's node link (nodelink.c) uses
 * them too, so this header needs nothing of the request layer.
 */
int	 hive_enabled(void);
/* The hive's base URL (scheme://host[:port], no path); "" if disabled. */
const char *hive_base(void);
const char *hive_key(void);
/* VK_NODE_NAME, else the host name, else "swarm-node". */
const char *hive_node_name(void);
/* VK_NODE_PUBLIC_URL or NULL. */
const char *hive_public_url(void);
/* The NodeCapabilities this node reports (new object, NULL on OOM). */
json_object *hive_capabilities(void);

#endif
