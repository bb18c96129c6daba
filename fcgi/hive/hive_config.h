/* hive_config.h: the hive's configuration (no FastCGI types: swarm-stream uses it) */
#ifndef SWARM_HIVE_CONFIG_H
#define SWARM_HIVE_CONFIG_H

#include <stdint.h>

#include "jwt.h"

#define HIVE_ADMIN_TOKEN_MIN	16
#define HIVE_ADMIN_TOKEN_MAX	512
#define HIVE_URL_MAX		2048

/* config.c: read once by main before the workers fork. */
struct hive_config {
	char		 admin_token[HIVE_ADMIN_TOKEN_MAX + 1];	/* "" = unset */
	long long	 window;		/* heartbeat window, seconds */
	struct jwt_key	 key;			/* connection tokens */
	int		 have_key;
	char		 public_url[HIVE_URL_MAX + 1];	/* "" = from request */
};
/* Read the environment (see docs/hive-API.md); fatal on a bad value. */
void	hive_config_load(void);
const struct hive_config *hive_config(void);
/* Now as an RFC 3339 string (UTC, microseconds) into out[28]. */
void	hive_time_rfc3339(char *out, int64_t unix_seconds);

#endif
