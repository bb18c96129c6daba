/* linkmsg.c: the node link's messages (hive-api.md §4): parsing and backoff */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "linkmsg.h"
#include "log.h"

const char *const link_type_names[LINK__MAX] = {
	[LINK_AUTH] = "auth",
	[LINK_HEARTBEAT] = "heartbeat",
	[LINK_LINK_PROJECT] = "link_project",
	[LINK_UNLINK_PROJECT] = "unlink_project",
	[LINK_TASK_STATUS] = "task_status",
	[LINK_TASK_OUTPUT] = "task_output",
	[LINK_TASK_PROGRESS] = "task_progress",
	[LINK_ACK] = "ack",
	[LINK_DEREGISTER] = "deregister",
	[LINK_ERROR] = "error",
};

#define PATH_MAX_LEN	4096
#define BRANCH_MAX	255
#define COUNT_MAX	1000000

int
link_parse_envelope(json_object **root, const char **type, json_object **data,
    const char *buf, size_t len, char *err, size_t errsz)
{
	json_object	*o = NULL, *t, *d;
	char		 why[128];
	int		 rc;

	*root = NULL;
	*type = NULL;
	*data = NULL;
	if (len > LINK_MSG_MAX) {
		snprintf(err, errsz, "message too big (over %d bytes)",
		    LINK_MSG_MAX);
		return E_TOOBIG;
	}
	if ((rc = jsonx_parse_strict(&o, buf, len, why, sizeof(why))) != 0) {
		if (rc == E_INVAL)
			snprintf(err, errsz, "invalid JSON: %s", why);
		return rc;
	}
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "type", &t) ||
	    !json_object_is_type(t, json_type_string)) {
		snprintf(err, errsz, "a message must be an object with a "
		    "string 'type'");
		json_object_put(o);
		return E_INVAL;
	}
	if (!json_object_object_get_ex(o, "data", &d) || d == NULL ||
	    !json_object_is_type(d, json_type_object)) {
		snprintf(err, errsz, "a message must have an object 'data'");
		json_object_put(o);
		return E_INVAL;
	}
	*root = o;
	*type = json_object_get_string(t);
	*data = d;
	return 0;
}

/*
 * String member key of d: 0 with *out (NULL when absent or null and
 * optional), else E_INVAL naming it. Lengths in bytes, no NUL inside.
 */
static int
get_str(const char **out, json_object *d, const char *key, size_t min,
    size_t max, int optional, const char *what, char *err, size_t errsz)
{
	json_object	*v = NULL;
	size_t		 n;

	*out = NULL;
	if (!json_object_object_get_ex(d, key, &v) || v == NULL) {
		if (optional)
			return 0;
		snprintf(err, errsz, "invalid %s: field '%s' is required",
		    what, key);
		return E_INVAL;
	}
	n = (size_t)json_object_get_string_len(v);
	if (!json_object_is_type(v, json_type_string) || n < min || n > max ||
	    strlen(json_object_get_string(v)) != n) {
		snprintf(err, errsz, "invalid %s: field '%s' must be a string "
		    "of %zu to %zu bytes", what, key, min, max);
		return E_INVAL;
	}
	*out = json_object_get_string(v);
	return 0;
}

/* Integer member in [min, max]; def when absent or null. */
static int
get_int(long long *out, json_object *d, const char *key, long long min,
    long long max, long long def, const char *what, char *err, size_t errsz)
{
	json_object	*v = NULL;

	*out = def;
	if (!json_object_object_get_ex(d, key, &v) || v == NULL)
		return 0;
	if (!json_object_is_type(v, json_type_int) ||
	    (*out = json_object_get_int64(v)) < min || *out > max) {
		snprintf(err, errsz, "invalid %s: field '%s' must be an "
		    "integer from %lld to %lld", what, key, min, max);
		return E_INVAL;
	}
	return 0;
}

static int
get_uuid(char *out, json_object *d, const char *key, const char *what,
    char *err, size_t errsz)
{
	const char	*s;

	if (get_str(&s, d, key, 1, 64, 0, what, err, errsz) != 0 ||
	    uuid_parse(out, s) != 0) {
		snprintf(err, errsz, "invalid %s: field '%s' must be a UUID",
		    what, key);
		return E_INVAL;
	}
	return 0;
}

static int
parse_auth(struct link_in *m, char *err, size_t errsz)
{
	json_object	*d = m->data, *caps = NULL;
	const char	*w = "auth message";

	if (get_str(&m->u.auth.api_key, d, "api_key", 0, LINK_KEY_MAX, 0, w,
	    err, errsz) != 0 ||
	    get_str(&m->u.auth.machine_id, d, "machine_id", 1, LINK_NAME_MAX, 0,
	    w, err, errsz) != 0 ||
	    get_str(&m->u.auth.name, d, "name", 1, LINK_NAME_MAX, 0, w, err,
	    errsz) != 0 ||
	    get_str(&m->u.auth.public_url, d, "public_url", 1, 2048, 1, w,
	    err, errsz) != 0 ||
	    get_int(&m->u.auth.protocol_version, d, "protocol_version", 0,
	    UINT32_MAX, -1, w, err, errsz) != 0)
		return E_INVAL;
	if (m->u.auth.protocol_version < 0) {
		snprintf(err, errsz, "invalid auth message: field "
		    "'protocol_version' is required");
		return E_INVAL;
	}
	if (json_object_object_get_ex(d, "capabilities", &caps) &&
	    caps != NULL && !json_object_is_type(caps, json_type_object)) {
		snprintf(err, errsz, "invalid auth message: field "
		    "'capabilities' must be an object");
		return E_INVAL;
	}
	m->u.auth.capabilities = caps;
	return 0;
}

static int
parse_heartbeat(struct link_in *m, char *err, size_t errsz)
{
	static const char *const statuses[] = { "pending", "online",
	    "offline", "busy", "draining", NULL };
	const char	*w = "heartbeat", *s;
	long long	 pct;
	size_t		 i;

	if (get_str(&s, m->data, "status", 1, LINK_STATUS_MAX, 0, w, err,
	    errsz) != 0)
		return E_INVAL;
	for (i = 0; statuses[i] != NULL; i++)
		if (strcmp(s, statuses[i]) == 0)
			break;
	if (statuses[i] == NULL) {
		snprintf(err, errsz, "invalid heartbeat: field 'status' must "
		    "be pending, online, offline, busy or draining");
		return E_INVAL;
	}
	m->u.heartbeat.status = statuses[i];
	if (get_int(&m->u.heartbeat.active_tasks, m->data, "active_tasks", 0,
	    COUNT_MAX, 0, w, err, errsz) != 0 ||
	    get_int(&m->u.heartbeat.available_capacity, m->data,
	    "available_capacity", 0, COUNT_MAX, 0, w, err, errsz) != 0 ||
	    get_int(&pct, m->data, "memory_usage", 0, 100, 0, w, err,
	    errsz) != 0 ||
	    get_int(&pct, m->data, "cpu_usage", 0, 100, 0, w, err,
	    errsz) != 0 ||
	    get_str(&s, m->data, "timestamp", 1, 64, 1, w, err, errsz) != 0)
		return E_INVAL;
	return 0;
}

static int
parse_link(struct link_in *m, char *err, size_t errsz)
{
	const char	*w = "link_project";

	if (get_uuid(m->u.link.project_id, m->data, "project_id", w, err,
	    errsz) != 0 ||
	    get_uuid(m->u.link.local_project_id, m->data, "local_project_id",
	    w, err, errsz) != 0 ||
	    get_str(&m->u.link.git_repo_path, m->data, "git_repo_path", 1,
	    PATH_MAX_LEN, 0, w, err, errsz) != 0 ||
	    get_str(&m->u.link.default_branch, m->data, "default_branch", 1,
	    BRANCH_MAX, 1, w, err, errsz) != 0)
		return E_INVAL;
	if (m->u.link.default_branch == NULL)
		m->u.link.default_branch = "main";
	return 0;
}

int
link_parse(struct link_in *out, const char *buf, size_t len, char *err,
    size_t errsz)
{
	const char	*type;
	int		 rc, i;

	memset(out, 0, sizeof(*out));
	if ((rc = link_parse_envelope(&out->root, &type, &out->data, buf, len,
	    err, errsz)) != 0)
		return rc;
	for (i = 0; i < LINK__MAX; i++)
		if (strcmp(type, link_type_names[i]) == 0)
			break;
	if (i == LINK__MAX) {
		char	 esc[40];

		log_escape(esc, sizeof(esc), type);
		snprintf(err, errsz, "unknown message type '%s'", esc);
		link_in_free(out);
		return E_UNSUPPORTED;
	}
	out->type = (enum link_type)i;
	switch (out->type) {
	case LINK_AUTH:
		rc = parse_auth(out, err, errsz);
		break;
	case LINK_HEARTBEAT:
		rc = parse_heartbeat(out, err, errsz);
		break;
	case LINK_LINK_PROJECT:
		rc = parse_link(out, err, errsz);
		break;
	case LINK_UNLINK_PROJECT:
		rc = get_uuid(out->u.unlink.project_id, out->data,
		    "project_id", "unlink_project", err, errsz);
		break;
	default:
		rc = 0;		/* the endpoint says what it does with it */
		break;
	}
	if (rc != 0)
		link_in_free(out);
	return rc;
}

void
link_in_free(struct link_in *m)
{
	json_object_put(m->root);
	m->root = m->data = NULL;
}

struct msg *
link_msg(const char *type, json_object *data)
{
	json_object	*o;
	const char	*s;
	struct msg	*m = NULL;
	size_t		 n;

	if ((o = json_object_new_object()) == NULL) {
		json_object_put(data);
		return NULL;
	}
	if (jsonx_add_str(o, "type", type) == 0 &&
	    jsonx_add(o, "data", data) == 0 &&
	    (s = jsonx_render(o, &n)) != NULL)
		m = msg_new(s, n);
	json_object_put(o);
	return m;
}

int64_t
link_backoff_ms(unsigned int attempt, int64_t min_ms, int64_t max_ms,
    uint32_t rnd)
{
	int64_t	 d = min_ms > 0 ? min_ms : 1;
	unsigned int i;

	if (max_ms < d)
		max_ms = d;
	for (i = 0; i < attempt && d < max_ms; i++)
		d *= 2;
	if (d > max_ms)
		d = max_ms;
	return d / 2 + (int64_t)(rnd % (uint64_t)(d - d / 2 + 1));
}
