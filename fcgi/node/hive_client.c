/* hive_client.c: the node's hive settings and its JSON calls to the hive */
#include <sys/utsname.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "httpc.h"
#include "jsonx.h"
#include "swarm.h"
#include "text.h"

#define HIVE_TIMEOUT_MS		3000	/* a board read waits at most this */
#define HIVE_CONNECT_MS		1000
#define HIVE_BASE_MAX		512

/* Read once per worker (the environment does not change). */
static int	loaded;
static char	base[HIVE_BASE_MAX];
static char	hostname_buf[256];
static long	timeout_ms = HIVE_TIMEOUT_MS;

/*
 * VK_HIVE_URL as the original takes it (http, https, ws or wss; the
 * path is not used): our REST base is scheme://authority.
 */
static void
load(void)
{
	const char	*u = getenv("VK_HIVE_URL"), *k = getenv("VK_NODE_API_KEY"),
			*t = getenv("SWARM_HIVE_TIMEOUT_MS"), *rest, *scheme;
	int64_t		 n;
	size_t		 alen;

	loaded = 1;
	base[0] = '\0';
	if (t != NULL && text_to_int64(&n, t, 100, 60000) == 0)
		timeout_ms = (long)n;
	if (u == NULL || *u == '\0' || k == NULL || *k == '\0')
		return;
	if (strncmp(u, "http://", 7) == 0 || strncmp(u, "ws://", 5) == 0) {
		scheme = "http";
		rest = strstr(u, "//") + 2;
	} else if (strncmp(u, "https://", 8) == 0 ||
	    strncmp(u, "wss://", 6) == 0) {
		scheme = "https";
		rest = strstr(u, "//") + 2;
	} else {
		log_warnx("VK_HIVE_URL must be http(s) or ws(s): hive disabled");
		return;
	}
	alen = strcspn(rest, "/?#");
	if (alen == 0 || alen > 255 || memchr(rest, '@', alen) != NULL) {
		log_warnx("VK_HIVE_URL has no usable host: hive disabled");
		return;
	}
	snprintf(base, sizeof(base), "%s://%.*s", scheme, (int)alen, rest);
}

int
hive_enabled(void)
{
	if (!loaded)
		load();
	return base[0] != '\0';
}

const char *
hive_base(void)
{
	return hive_enabled() ? base : "";
}

const char *
hive_key(void)
{
	return getenv("VK_NODE_API_KEY");
}

const char *
hive_node_name(void)
{
	const char	*n = getenv("VK_NODE_NAME");

	if (n != NULL && *n != '\0')
		return n;
	if (hostname_buf[0] == '\0' &&
	    gethostname(hostname_buf, sizeof(hostname_buf) - 1) != 0)
		hostname_buf[0] = '\0';
	return hostname_buf[0] != '\0' ? hostname_buf : "swarm-node";
}

const char *
hive_public_url(void)
{
	const char	*u = getenv("VK_NODE_PUBLIC_URL");

	return u != NULL && *u != '\0' ? u : NULL;
}

/* Capabilities we report: what uname says; executors come with phase 2. */
json_object *
hive_capabilities(void)
{
	struct utsname	 u;
	json_object	*c;

	if ((c = json_object_new_object()) == NULL)
		return NULL;
	if (uname(&u) != 0)
		memset(&u, 0, sizeof(u));
	if (jsonx_add(c, "executors", json_object_new_array()) != 0 ||
	    jsonx_add_int(c, "max_concurrent_tasks", 1) != 0 ||
	    jsonx_add_str(c, "os", "linux") != 0 ||
	    jsonx_add_str(c, "arch", u.machine) != 0 ||
	    jsonx_add_str(c, "version", "swarm-node") != 0) {
		json_object_put(c);
		return NULL;
	}
	return c;
}

int
hive_call(struct hive_reply *r, const char *method, const char *path,
    json_object *body)
{
	char		 url[HIVE_BASE_MAX + 1024], hdr[160], err[HIVE_ERR_LEN];
	const char	*headers[2] = { hdr, NULL };
	const char	*key = hive_key(), *msg;
	json_object	*env = NULL, *d;
	int		 rc;

	memset(r, 0, sizeof(*r));
	if (!hive_enabled() || key == NULL) {
		snprintf(r->message, sizeof(r->message), "no hive configured");
		return E_REMOTE;
	}
	if ((size_t)snprintf(url, sizeof(url), "%s/hive/v1%s", base, path) >=
	    sizeof(url) ||
	    (size_t)snprintf(hdr, sizeof(hdr), "x-api-key: %s", key) >=
	    sizeof(hdr)) {
		snprintf(r->message, sizeof(r->message), "request too long");
		return E_FAIL;
	}
	rc = httpc_json_timed(&r->status, &env, method, url, NULL, headers,
	    body, err, sizeof(err), timeout_ms, HIVE_CONNECT_MS);
	explicit_bzero(hdr, sizeof(hdr));
	if (rc != 0) {
		snprintf(r->message, sizeof(r->message), "%s", err);
		return rc == E_TOOBIG ? E_REMOTE : rc;
	}
	if (env == NULL || !json_object_is_type(env, json_type_object)) {
		snprintf(r->message, sizeof(r->message), "hive answered HTTP "
		    "%ld without a JSON envelope", r->status);
		json_object_put(env);
		return 0;
	}
	if (json_object_object_get_ex(env, "data", &d) && d != NULL)
		r->data = json_object_get(d);
	if ((msg = jsonx_get_str(env, "message")) != NULL)
		snprintf(r->message, sizeof(r->message), "%s", msg);
	json_object_put(env);
	return 0;
}

void
hive_reply_clear(struct hive_reply *r)
{
	json_object_put(r->data);
	memset(r, 0, sizeof(*r));
}

int
hive_fail_reply(struct reply *rp, const struct hive_reply *r)
{
	if (r->status == 0)
		return reply_errorf(rp, 502, "hive unreachable: %s",
		    r->message[0] != '\0' ? r->message : "no reply");
	if (r->status == 401 || r->status == 403)
		return reply_errorf(rp, 502, "hive refused this node: %s",
		    r->message);
	if (r->status >= 500)
		return reply_errorf(rp, 502, "hive error (HTTP %ld): %s",
		    r->status, r->message);
	return reply_errorf(rp, (int)r->status, "%s", r->message[0] != '\0' ?
	    r->message : "hive refused the request");
}

static const struct { const char *node, *hive; } status_map[] = {
	{ "todo", "todo" }, { "inprogress", "in-progress" },
	{ "inreview", "in-review" }, { "done", "done" },
	{ "cancelled", "cancelled" },
};

const char *
hive_status_to_hive(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof(status_map) / sizeof(status_map[0]);
	    i++)
		if (strcmp(s, status_map[i].node) == 0)
			return status_map[i].hive;
	return NULL;
}

const char *
hive_status_from_hive(const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && i < sizeof(status_map) / sizeof(status_map[0]);
	    i++)
		if (strcmp(s, status_map[i].hive) == 0)
			return status_map[i].node;
	return "todo";
}
