/* stream_info.c: connection tokens for streams, and the log replay route */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conntoken.h"
#include "db_hive.h"
#include "err.h"
#include "hive.h"
#include "jsonx.h"

#define LOGS_PAGE	1000
#define LOGS_MAX	10000

/* Fill the token's subject: who asked (there are no user sessions). */
static void
token_subject(struct conntoken *t)
{
	const struct hive_caller *c = hive_caller();

	snprintf(t->sub, sizeof(t->sub), "%s", c->admin ? "admin" : c->key_id);
}

/*
 * Add connection_token and expires_at for t to out. 0, or the reply
 * (503 without a configured secret, 500).
 */
static int
add_token_or_reply(struct reply *rp, json_object *out, struct conntoken *t)
{
	char	*tok, exp[32];

	if (!hive_config()->have_key)
		return reply_errorf(rp, 503, "connection tokens are not "
		    "configured on this hive");
	token_subject(t);
	if ((tok = conntoken_issue(&hive_config()->key, t,
	    (int64_t)time(NULL))) == NULL)
		return reply_errorf(rp, 500, "out of memory");
	hive_time_rfc3339(exp, t->exp);
	if (jsonx_add_str(out, "connection_token", tok) != 0 ||
	    jsonx_add_str(out, "expires_at", exp) != 0) {
		free(tok);
		return reply_errorf(rp, 500, "out of memory");
	}
	explicit_bzero(tok, strlen(tok));
	free(tok);
	return 0;
}

/* Copy a UUID member of row into out (or ""). */
static void
member_uuid(char *out, json_object *row, const char *key)
{
	const char	*s = jsonx_get_str(row, key);

	if (s == NULL || uuid_parse(out, s) != 0)
		out[0] = '\0';
}

/*
 * GET /hive/v1/tasks/{id}/stream-connection-info: how a browser reaches
 * the diff stream of the attempt that runs the shared task: {task_id,
 * node_id, attempt_id, direct_url (the node's public URL), relay_url,
 * connection_token (HS256, audience "connection", 15 minutes),
 * expires_at}. 404 unknown task or no assignment; 503 no secret.
 */
int
task_stream_info(struct req *rq, struct reply *rp)
{
	struct conntoken t;
	json_object	*task = NULL, *a = NULL, *out = NULL;
	char		 base[HIVE_URL_MAX + 1], url[HIVE_URL_MAX + 128];
	int		 rc;

	memset(&t, 0, sizeof(t));
	if ((rc = db_stask_get(rq->db, &task, rq->id, 0)) != 0) {
		rc = reply_err(rp, rc, "task");
		goto out;
	}
	if (!hive_org_allowed(jsonx_get_str(task, "organization_id"))) {
		rc = reply_errorf(rp, 404, "task not found");
		goto out;
	}
	if ((rc = db_assign_latest(rq->db, &a, rq->id)) != 0) {
		rc = rc == E_NOTFOUND ? reply_errorf(rp, 404,
		    "no active assignment for this task") :
		    reply_err(rp, rc, NULL);
		goto out;
	}
	member_uuid(t.node_id, a, "node_id");
	member_uuid(t.assignment_id, a, "id");
	member_uuid(t.attempt_id, a, "local_attempt_id");
	memcpy(t.task_id, rq->id, sizeof(t.task_id));
	hive_base_url(rq, base);
	snprintf(url, sizeof(url), "%s/hive/v1/tasks/%s/diff/relay", base,
	    rq->id);
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add_str(out, "task_id", rq->id) != 0 ||
	    jsonx_add_str(out, "node_id", t.node_id) != 0 ||
	    jsonx_add_str(out, "attempt_id",
	    t.attempt_id[0] != '\0' ? t.attempt_id : NULL) != 0 ||
	    jsonx_add_str(out, "direct_url",
	    jsonx_get_str(a, "node_public_url")) != 0 ||
	    jsonx_add_str(out, "relay_url", url) != 0) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	if ((rc = add_token_or_reply(rp, out, &t)) != 0)
		goto out;
	rc = reply_data(rp, out);
	out = NULL;
out:
	json_object_put(task);
	json_object_put(a);
	json_object_put(out);
	return rc;
}

/* The assignment {id} if the caller may see it: 0 or the reply. */
static int
assignment_visible_or_reply(struct req *rq, struct reply *rp,
    json_object **out)
{
	int	 rc;

	if ((rc = db_assign_get(rq->db, out, rq->id, 0)) != 0)
		return reply_err(rp, rc, "assignment");
	if (!hive_org_allowed(jsonx_get_str(*out, "organization_id"))) {
		json_object_put(*out);
		*out = NULL;
		return reply_errorf(rp, 404, "assignment not found");
	}
	return 0;
}

/*
 * GET /hive/v1/nodes/assignments/{id}/connection-info: {assignment_id,
 * node_id, direct_url, relay_url (the log relay), connection_token,
 * expires_at}. 404; 503 without a secret.
 */
int
assignment_connection_info(struct req *rq, struct reply *rp)
{
	struct conntoken t;
	json_object	*a = NULL, *node = NULL, *out = NULL;
	char		 base[HIVE_URL_MAX + 1], url[HIVE_URL_MAX + 128];
	int		 rc;

	memset(&t, 0, sizeof(t));
	if ((rc = assignment_visible_or_reply(rq, rp, &a)) != 0)
		return rc;
	member_uuid(t.node_id, a, "node_id");
	member_uuid(t.assignment_id, a, "id");
	member_uuid(t.attempt_id, a, "local_attempt_id");
	member_uuid(t.task_id, a, "task_id");
	if ((rc = db_node_get(rq->db, &node, t.node_id)) != 0) {
		rc = reply_err(rp, rc, "node");
		goto out;
	}
	hive_base_url(rq, base);
	snprintf(url, sizeof(url), "%s/hive/v1/nodes/assignments/%s/logs/ws",
	    base, rq->id);
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add_str(out, "assignment_id", rq->id) != 0 ||
	    jsonx_add_str(out, "node_id", t.node_id) != 0 ||
	    jsonx_add_str(out, "direct_url",
	    jsonx_get_str(node, "public_url")) != 0 ||
	    jsonx_add_str(out, "relay_url", url) != 0) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	if ((rc = add_token_or_reply(rp, out, &t)) != 0)
		goto out;
	rc = reply_data(rp, out);
	out = NULL;
out:
	json_object_put(a);
	json_object_put(node);
	json_object_put(out);
	return rc;
}

/*
 * GET /hive/v1/nodes/assignments/{id}/logs?after_id=&limit=[&token=]:
 * output rows a node pushed for the assignment, oldest first:
 * {logs: [{id, assignment_id, output_type, content, timestamp,
 * created_at}]}. With ?token= the connection token alone authorizes
 * (what the log relay checks): 401 "invalid token" or "token expired",
 * 403 "token does not match assignment"; otherwise the admin token or a
 * node key of the organization. 400, 404.
 */
int
assignment_logs(struct req *rq, struct reply *rp)
{
	struct conntoken t;
	const char	*tok = req_query(rq, "token"), *why = NULL;
	json_object	*a = NULL, *arr = NULL, *out;
	long long	 after, limit;
	int		 rc;

	if ((rc = hive_query_int_or_reply(rq, rp, "after_id", &after, 0, 0,
	    INT64_MAX)) != 0 ||
	    (rc = hive_query_int_or_reply(rq, rp, "limit", &limit, LOGS_PAGE,
	    1, LOGS_MAX)) != 0)
		return rc;
	if (tok != NULL) {
		if (!hive_config()->have_key)
			return reply_errorf(rp, 503, "connection tokens are "
			    "not configured on this hive");
		if (conntoken_verify(&t, &hive_config()->key, tok,
		    (int64_t)time(NULL), &why) != 0)
			return reply_errorf(rp, 401, "%s",
			    why != NULL && strcmp(why, "expired") == 0 ?
			    "token expired" : "invalid token");
		if (strcmp(t.assignment_id, rq->id) != 0)
			return reply_errorf(rp, 403,
			    "token does not match assignment");
		if ((rc = db_assign_get(rq->db, &a, rq->id, 0)) != 0)
			return reply_err(rp, rc, "assignment");
	} else if ((rc = assignment_visible_or_reply(rq, rp, &a)) != 0)
		return rc;
	json_object_put(a);
	if ((rc = db_assign_logs(rq->db, &arr, rq->id, after, limit)) != 0)
		return reply_err(rp, rc, NULL);
	if ((out = json_object_new_object()) == NULL ||
	    jsonx_add(out, "logs", arr) != 0) {
		if (out == NULL)
			json_object_put(arr);
		json_object_put(out);
		return reply_errorf(rp, 500, "out of memory");
	}
	return reply_data(rp, out);
}
