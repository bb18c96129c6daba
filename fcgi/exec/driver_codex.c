/* driver_codex.c: the client side of a `codex app-server` conversation */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "driver_int.h"
#include "err.h"
#include "jsonx.h"
#include "runner_msg.h"

/*
 * Steps: initialize (then the initialized notification) -> getAuthStatus
 * (not logged in: fail at once, setup required) -> newConversation, or
 * for a follow-up resumeConversation with the old session's rollout file
 * -> addConversationListener -> sendUserMessage. Events arrive as
 * codex/event/<type> notifications; the process does not exit by itself:
 * task_complete ends the run well, an error event badly.
 *
 * execCommandApproval and applyPatchApproval are answered by the
 * approval policy (settings.approval_policy): approved when it is
 * "never" or not set, denied otherwise, since this node has no approvals
 * UI to ask anyone.
 */

enum {
	C_INIT,		/* initialize sent */
	C_AUTH,		/* getAuthStatus sent */
	C_CONV,		/* newConversation or resumeConversation sent */
	C_LISTEN,	/* addConversationListener sent */
	C_SEND,		/* sendUserMessage sent: the task runs */
};

#define RPC_METHOD_NOT_FOUND	(-32601)
#define ROLLOUT_DEPTH		5	/* sessions/YYYY/MM/DD/rollout-*.jsonl */
#define ROLLOUT_ENTRIES		100000	/* directory entries looked at */

/* Our approval_policy names to Codex's. */
static const char *
codex_policy(const char *p)
{
	return p != NULL && strcmp(p, "unless-trusted") == 0 ? "untrusted" : p;
}

/* $CODEX_HOME, or ~/.codex; written into buf. */
static int
codex_home(const struct driver *d, char *buf, size_t sz)
{
	const char	*h = d->cfg.codex_home, *home;
	int		 n;

	if (h == NULL && (h = getenv("CODEX_HOME")) != NULL && h[0] == '\0')
		h = NULL;
	if (h != NULL)
		n = snprintf(buf, sz, "%s", h);
	else if ((home = getenv("HOME")) != NULL && home[0] != '\0')
		n = snprintf(buf, sz, "%s/.codex", home);
	else
		return E_NOTFOUND;
	return n < 0 || (size_t)n >= sz ? E_TOOBIG : 0;
}

/*
 * Find rollout-*<id>*.jsonl under dir (depth levels at most) into out.
 * *budget bounds the entries read. 0, E_NOTFOUND.
 */
static int
find_rollout(char *out, size_t sz, const char *dir, const char *id,
    int depth, long *budget)
{
	DIR		*dp;
	struct dirent	*de;
	struct stat	 st;
	char		 path[4096];
	size_t		 len;
	int		 rc = E_NOTFOUND, n;

	if (depth < 0 || (dp = opendir(dir)) == NULL)
		return E_NOTFOUND;
	while (rc != 0 && (de = readdir(dp)) != NULL && --*budget > 0) {
		if (de->d_name[0] == '.')
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (n < 0 || (size_t)n >= sizeof(path) ||
		    lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			rc = find_rollout(out, sz, path, id, depth - 1, budget);
			continue;
		}
		len = strlen(de->d_name);
		if (!S_ISREG(st.st_mode) ||
		    strncmp(de->d_name, "rollout-", 8) != 0 || len < 6 ||
		    strcmp(de->d_name + len - 6, ".jsonl") != 0 ||
		    strstr(de->d_name, id) == NULL)
			continue;
		if ((size_t)n < sz) {
			memcpy(out, path, (size_t)n + 1);
			rc = 0;
		}
	}
	closedir(dp);
	return rc;
}

int
codex_start(struct driver *d, json_object *out)
{
	json_object	*p, *info;
	char		 home[4096], dir[4200], path[4096];
	long		 budget = ROLLOUT_ENTRIES;

	/* A follow-up needs the old session's rollout file: look first. */
	if (d->cfg.session_id != NULL) {
		if (codex_home(d, home, sizeof(home)) != 0) {
			driver_fail(d, 0, "cannot resume Codex session %s: "
			    "neither CODEX_HOME nor HOME is set",
			    d->cfg.session_id);
			return 0;
		}
		snprintf(dir, sizeof(dir), "%s/sessions", home);
		if (find_rollout(path, sizeof(path), dir, d->cfg.session_id,
		    ROLLOUT_DEPTH, &budget) != 0) {
			driver_fail(d, 0, "cannot resume Codex session %s: its "
			    "rollout file is gone (looked under %s); start a "
			    "new attempt", d->cfg.session_id, dir);
			return 0;
		}
		if ((d->rollout = strdup(path)) == NULL)
			return E_FAIL;
	}
	if ((p = json_object_new_object()) == NULL)
		return E_FAIL;
	if ((info = json_object_new_object()) == NULL ||
	    jsonx_add(p, "clientInfo", info) != 0 ||
	    jsonx_add_str(info, "name", "swarm") != 0 ||
	    jsonx_add_str(info, "title", "Swarm") != 0 ||
	    jsonx_add_str(info, "version", "1") != 0) {
		json_object_put(p);
		return E_FAIL;
	}
	d->step = C_INIT;
	return rpc_push(out, rpc_request(d, "initialize", p));
}

/* The conversation settings: model, cwd, approvalPolicy, sandbox, config. */
static json_object *
conversation_params(const struct driver *d)
{
	json_object	*p, *cfg;
	const char	*s;

	if ((p = json_object_new_object()) == NULL)
		return NULL;
	if (((s = driver_setting(d, "model")) != NULL &&
	    jsonx_add_str(p, "model", s) != 0) ||
	    jsonx_add_str(p, "cwd", d->cfg.cwd) != 0 ||
	    ((s = driver_setting(d, "approval_policy")) != NULL &&
	    jsonx_add_str(p, "approvalPolicy", codex_policy(s)) != 0) ||
	    ((s = driver_setting(d, "sandbox")) != NULL &&
	    jsonx_add_str(p, "sandbox", s) != 0))
		goto fail;
	if ((s = driver_setting(d, "model_reasoning_effort")) != NULL) {
		if ((cfg = json_object_new_object()) == NULL ||
		    jsonx_add(p, "config", cfg) != 0 ||
		    jsonx_add_str(cfg, "model_reasoning_effort", s) != 0)
			goto fail;
	}
	return p;
fail:
	json_object_put(p);
	return NULL;
}

static int
send_conversation(struct driver *d, json_object *out)
{
	json_object	*p, *conv;

	if ((conv = conversation_params(d)) == NULL)
		return E_FAIL;
	d->step = C_CONV;
	if (d->rollout == NULL)
		return rpc_push(out, rpc_request(d, "newConversation", conv));
	if ((p = json_object_new_object()) == NULL) {
		json_object_put(conv);
		return E_FAIL;
	}
	if (jsonx_add_str(p, "path", d->rollout) != 0 ||
	    jsonx_add(p, "overrides", conv) != 0) {
		json_object_put(p);
		return E_FAIL;
	}
	return rpc_push(out, rpc_request(d, "resumeConversation", p));
}

/* {conversationId} for addConversationListener. */
static int
send_conv_request(struct driver *d, json_object *out, const char *method,
    int with_prompt)
{
	json_object	*p, *items, *it, *data;

	if ((p = json_object_new_object()) == NULL)
		return E_FAIL;
	if (jsonx_add_str(p, "conversationId", d->session_id) != 0)
		goto fail;
	if (with_prompt) {
		if ((items = json_object_new_array()) == NULL ||
		    jsonx_add(p, "items", items) != 0 ||
		    (it = json_object_new_object()) == NULL ||
		    json_object_array_add(items, it) != 0 ||
		    jsonx_add_str(it, "type", "text") != 0 ||
		    (data = json_object_new_object()) == NULL ||
		    jsonx_add(it, "data", data) != 0 ||
		    jsonx_add_str(data, "text", d->cfg.prompt) != 0)
			goto fail;
	}
	return rpc_push(out, rpc_request(d, method, p));
fail:
	json_object_put(p);
	return E_FAIL;
}

/* The auth status says nobody is logged in (and the provider needs it). */
static int
not_logged_in(json_object *result)
{
	json_object	*v = NULL;
	const char	*method = jsonx_get_str(result, "authMethod");

	if (method != NULL && method[0] != '\0')
		return 0;
	/* requiresOpenaiAuth false: a local (--oss) provider needs none. */
	return !(json_object_object_get_ex(result, "requiresOpenaiAuth", &v) &&
	    json_object_is_type(v, json_type_boolean) &&
	    !json_object_get_boolean(v));
}

static int
on_response(struct driver *d, struct rpc_msg *m, json_object *out)
{
	static const char *const what[] = {
		"initialize", "getAuthStatus", "the conversation",
		"addConversationListener", "sendUserMessage"
	};
	const char	*sid;
	int		 rc;

	if (m->error != NULL) {
		driver_fail(d, 1, "Codex %s failed: %s", what[d->step],
		    rpc_error_message(m));
		return 0;
	}
	switch (d->step) {
	case C_INIT:
		if ((rc = rpc_push(out, rpc_notification(d, "initialized",
		    NULL))) != 0)
			return rc;
		d->step = C_AUTH;
		return rpc_push(out, rpc_request(d, "getAuthStatus",
		    json_object_new_object()));
	case C_AUTH:
		if (not_logged_in(m->result)) {
			d->setup = 1;
			driver_fail(d, 0, RUNNER_SETUP_REQUIRED "Codex is not "
			    "logged in (authentication required). Setup "
			    "required: run `codex login` on this node, or set "
			    "OPENAI_API_KEY.");
			return 0;
		}
		return send_conversation(d, out);
	case C_CONV:
		if ((sid = jsonx_get_str(m->result, "conversationId")) == NULL ||
		    sid[0] == '\0') {
			driver_fail(d, 0, "Codex started a conversation without "
			    "a conversationId");
			return 0;
		}
		free(d->session_id);
		if ((d->session_id = strdup(sid)) == NULL)
			return E_FAIL;
		d->step = C_LISTEN;
		return send_conv_request(d, out, "addConversationListener", 0);
	case C_LISTEN:
		d->step = C_SEND;
		d->handshaking = 0;
		return send_conv_request(d, out, "sendUserMessage", 1);
	default:
		return 0;	/* sendUserMessage accepted: events follow */
	}
}

/* execCommandApproval / applyPatchApproval: {decision}. */
static int
answer_approval(struct driver *d, struct rpc_msg *m, json_object *out)
{
	json_object	*r;
	const char	*policy = driver_setting(d, "approval_policy");
	int		 ok = policy == NULL || strcmp(policy, "never") == 0;

	if ((r = json_object_new_object()) == NULL)
		return E_FAIL;
	if (jsonx_add_str(r, "decision", ok ? "approved" : "denied") != 0) {
		json_object_put(r);
		return E_FAIL;
	}
	return rpc_push(out, rpc_answer(d, m->id, r, 0, NULL));
}

/* codex/event/<type>: the end of the task, well or badly. */
static void
on_event(struct driver *d, struct rpc_msg *m)
{
	json_object	*msg = NULL;
	const char	*type = m->method + strlen("codex/event/"), *s;

	if (strcmp(type, "task_complete") == 0) {
		driver_done(d);
		return;
	}
	if (strcmp(type, "error") == 0) {
		json_object_object_get_ex(m->params, "msg", &msg);
		s = jsonx_get_str(msg, "message");
		driver_fail(d, 1, "Codex reported an error: %s",
		    s != NULL ? s : "(no message)");
	}
}

int
codex_feed(struct driver *d, struct rpc_msg *m, json_object *out)
{
	switch (m->kind) {
	case RPC_RESPONSE:
		return rpc_is_awaited(d, m) ? on_response(d, m, out) : 0;
	case RPC_REQUEST:
		if (strcmp(m->method, "execCommandApproval") == 0 ||
		    strcmp(m->method, "applyPatchApproval") == 0)
			return answer_approval(d, m, out);
		return rpc_push(out, rpc_answer(d, m->id, NULL,
		    RPC_METHOD_NOT_FOUND, "method not found"));
	case RPC_NOTIFICATION:
		if (strncmp(m->method, "codex/event/", 12) == 0 &&
		    d->step == C_SEND)
			on_event(d, m);
		return 0;
	default:
		return 0;
	}
}
