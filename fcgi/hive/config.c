/* config.c: the hive's settings from the environment, read before fork */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

#include "hive.h"
#include "liveness.h"
#include "log.h"
#include "text.h"

static struct hive_config	cfg;

const struct hive_config *
hive_config(void)
{
	return &cfg;
}

/* Strip trailing whitespace (a token file ends with a newline). */
static void
rstrip(char *s)
{
	size_t	 n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

/*
 * The admin token: SWARM_HIVE_ADMIN_TOKEN, else the first line of
 * SWARM_HIVE_ADMIN_TOKEN_FILE. Unset leaves administration closed.
 */
static void
load_admin_token(void)
{
	const char	*v = getenv("SWARM_HIVE_ADMIN_TOKEN");
	const char	*file = getenv("SWARM_HIVE_ADMIN_TOKEN_FILE");
	FILE		*f;

	if (v != NULL && *v != '\0') {
		if ((size_t)snprintf(cfg.admin_token, sizeof(cfg.admin_token),
		    "%s", v) >= sizeof(cfg.admin_token))
			fatalx("SWARM_HIVE_ADMIN_TOKEN is too long");
	} else if (file != NULL && *file != '\0') {
		if ((f = fopen(file, "r")) == NULL)
			fatal("SWARM_HIVE_ADMIN_TOKEN_FILE %s", file);
		if (fgets(cfg.admin_token, sizeof(cfg.admin_token), f) == NULL)
			cfg.admin_token[0] = '\0';
		fclose(f);
	}
	rstrip(cfg.admin_token);
	if (cfg.admin_token[0] != '\0' &&
	    strlen(cfg.admin_token) < HIVE_ADMIN_TOKEN_MIN)
		fatalx("the hive admin token must have at least %d characters",
		    HIVE_ADMIN_TOKEN_MIN);
	if (cfg.admin_token[0] == '\0')
		log_warnx("no admin token (SWARM_HIVE_ADMIN_TOKEN[_FILE]): "
		    "administration routes refuse every request");
}

void
hive_config_load(void)
{
	const char	*v;
	int64_t		 n;

	memset(&cfg, 0, sizeof(cfg));
	load_admin_token();
	cfg.window = LIVENESS_WINDOW_DEFAULT;
	if ((v = getenv("SWARM_HIVE_HEARTBEAT_WINDOW")) != NULL && *v != '\0') {
		if (text_to_int64(&n, v, 1, LIVENESS_WINDOW_MAX) != 0)
			fatalx("SWARM_HIVE_HEARTBEAT_WINDOW must be 1 to %d "
			    "seconds", LIVENESS_WINDOW_MAX);
		cfg.window = n;
	}
	/* The original's name first, then ours; nodes use the same value. */
	if ((v = getenv("VIBEKANBAN_REMOTE_JWT_SECRET")) == NULL || *v == '\0')
		v = getenv("SWARM_HIVE_TOKEN_SECRET");
	if (v != NULL && *v != '\0') {
		if (jwt_key_from_base64(&cfg.key, v) != 0)
			fatalx("the connection token secret must be base64 of "
			    "at least %d bytes", JWT_KEY_MIN);
		cfg.have_key = 1;
	} else
		log_warnx("no connection token secret "
		    "(VIBEKANBAN_REMOTE_JWT_SECRET): stream-connection-info "
		    "answers 503");
	if ((v = getenv("SWARM_HIVE_PUBLIC_URL")) != NULL && *v != '\0') {
		if ((strncmp(v, "http://", 7) != 0 &&
		    strncmp(v, "https://", 8) != 0) ||
		    (size_t)snprintf(cfg.public_url, sizeof(cfg.public_url),
		    "%s", v) >= sizeof(cfg.public_url))
			fatalx("SWARM_HIVE_PUBLIC_URL must be an http(s) URL");
		while (cfg.public_url[0] != '\0' &&
		    cfg.public_url[strlen(cfg.public_url) - 1] == '/')
			cfg.public_url[strlen(cfg.public_url) - 1] = '\0';
	}
}

/* Host header characters we accept into a URL we hand out. */
static int
host_ok(const char *h)
{
	size_t	 i;

	if (h == NULL || *h == '\0' || strlen(h) > 255)
		return 0;
	for (i = 0; h[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789.-:[]", h[i]) == NULL)
			return 0;
	return 1;
}

void
hive_base_url(struct req *rq, char *out)
{
	const char	*host, *port, *scheme;
	int		 tls;

	if (cfg.public_url[0] != '\0') {
		memcpy(out, cfg.public_url, strlen(cfg.public_url) + 1);
		return;
	}
	/* Debian's fastcgi_params sends HTTP_HOST as $host: no port. */
	host = FCGX_GetParam("HTTP_HOST", rq->envp);
	port = FCGX_GetParam("SERVER_PORT", rq->envp);
	scheme = FCGX_GetParam("HTTPS", rq->envp);
	tls = scheme != NULL && *scheme != '\0';
	if (!host_ok(host))
		host = "localhost";
	if (strchr(host, ':') == NULL && port != NULL &&
	    strspn(port, "0123456789") == strlen(port) && strlen(port) <= 5 &&
	    strcmp(port, tls ? "443" : "80") != 0 && *port != '\0')
		snprintf(out, HIVE_URL_MAX + 1, "%s://%s:%s",
		    tls ? "https" : "http", host, port);
	else
		snprintf(out, HIVE_URL_MAX + 1, "%s://%s",
		    tls ? "https" : "http", host);
}
