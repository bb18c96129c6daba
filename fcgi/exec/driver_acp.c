/* driver_acp.c: the client side of an Agent Client Protocol conversation
 * (Gemini CLI, Qwen Code with --experimental-acp) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "driver_int.h"
#include "err.h"
#include "jsonx.h"

/*
 * Steps: initialize -> session/new or session/load -> session/prompt,
 * whose result ends the run. Requests the agent makes meanwhile are
 * answered at once: session/request_permission by the executor's
 * "permissions" setting ("allow": the yolo variants; anything else
 * rejects, as there is nobody to ask), everything else (the fs and
 * terminal methods: we advertise neither) with "method not found".
 */

enum {
	A_INIT,		/* initialize sent */
	A_SESSION,	/* session/new or session/load sent */
	A_LOAD_FALLBACK,	/* session/load failed: session/new sent */
	A_PROMPT	/* session/prompt sent: the turn runs */
};

#define RPC_METHOD_NOT_FOUND	(-32601)

/* Stop reasons that mean the turn ended as it should. */
static const char *const ok_stops[] = {
	"end_turn", "max_tokens", "max_turn_requests", NULL
};

/* The intro of a prompt that carries the earlier turns (no loadSession). */
static const char resume_intro[] =
    "RESUME CONTEXT FOR CONTINUING TASK\n\n"
    "=== EXECUTION HISTORY ===\n"
    "The following is the conversation history from this session:\n";
static const char resume_outro[] =
    "\n=== INSTRUCTIONS ===\n"
    "You are continuing work on the above task. The execution history "
    "shows the previous conversation in this session. Please continue "
    "from where the previous execution left off, taking into account all "
    "the context provided above. The current request follows.";

int
acp_start(struct driver *d, json_object *out)
{
	json_object	*p, *caps, *fs;

	if ((p = json_object_new_object()) == NULL)
		return E_FAIL;
	if (jsonx_add_int(p, "protocolVersion", 1) != 0 ||
	    (caps = json_object_new_object()) == NULL ||
	    jsonx_add(p, "clientCapabilities", caps) != 0 ||
	    (fs = json_object_new_object()) == NULL ||
	    jsonx_add(caps, "fs", fs) != 0 ||
	    jsonx_add_bool(fs, "readTextFile", 0) != 0 ||
	    jsonx_add_bool(fs, "writeTextFile", 0) != 0 ||
	    jsonx_add_bool(caps, "terminal", 0) != 0) {
		json_object_put(p);
		return E_FAIL;
	}
	d->step = A_INIT;
	return rpc_push(out, rpc_request(d, "initialize", p));
}

/* session/new {cwd, mcpServers: []}, or session/load with the old id. */
static int
send_session(struct driver *d, json_object *out, int load)
{
	json_object	*p;

	if ((p = json_object_new_object()) == NULL)
		return E_FAIL;
	if ((load && jsonx_add_str(p, "sessionId", d->cfg.session_id) != 0) ||
	    jsonx_add_str(p, "cwd", d->cfg.cwd) != 0 ||
	    jsonx_add(p, "mcpServers", json_object_new_array()) != 0) {
		json_object_put(p);
		return E_FAIL;
	}
	return rpc_push(out, rpc_request(d, load ? "session/load" :
	    "session/new", p));
}

static int
add_text_block(json_object *arr, const char *text)
{
	json_object	*b;

	if ((b = json_object_new_object()) == NULL)
		return E_FAIL;
	if (jsonx_add_str(b, "type", "text") != 0 ||
	    jsonx_add_str(b, "text", text) != 0 ||
	    json_object_array_add(arr, b) != 0) {
		json_object_put(b);
		return E_FAIL;
	}
	return 0;
}

/*
 * session/prompt. A follow-up that could not load its session sends the
 * earlier turns first, in a block of their own, then the request: the
 * last text block is always what the user asked (the normalizer shows
 * that one).
 */
static int
send_prompt(struct driver *d, json_object *out)
{
	json_object	*p, *blocks;
	char		*ctx = NULL;
	const char	*hist;
	int		 rc;

	if ((p = json_object_new_object()) == NULL)
		return E_FAIL;
	if (jsonx_add_str(p, "sessionId", d->session_id) != 0 ||
	    (blocks = json_object_new_array()) == NULL ||
	    jsonx_add(p, "prompt", blocks) != 0) {
		json_object_put(p);
		return E_FAIL;
	}
	if (d->resume_prompt) {
		hist = d->cfg.history != NULL && d->cfg.history[0] != '\0' ?
		    d->cfg.history : "No previous session history available.\n";
		if (asprintf(&ctx, "%s%s%s", resume_intro, hist,
		    resume_outro) < 0) {
			json_object_put(p);
			return E_FAIL;
		}
		rc = add_text_block(blocks, ctx);
		free(ctx);
		if (rc != 0) {
			json_object_put(p);
			return E_FAIL;
		}
	}
	if (add_text_block(blocks, d->cfg.prompt) != 0) {
		json_object_put(p);
		return E_FAIL;
	}
	d->step = A_PROMPT;
	d->handshaking = 0;
	return rpc_push(out, rpc_request(d, "session/prompt", p));
}

/* The option of the first kind in kinds that the request offers. */
static const char *
pick_option(json_object *options, const char *const *kinds)
{
	json_object	*o;
	const char	*k;
	size_t		 i, n;

	if (!json_object_is_type(options, json_type_array))
		return NULL;
	n = json_object_array_length(options);
	for (; *kinds != NULL; kinds++)
		for (i = 0; i < n; i++) {
			o = json_object_array_get_idx(options, i);
			if ((k = jsonx_get_str(o, "kind")) != NULL &&
			    strcmp(k, *kinds) == 0 &&
			    jsonx_get_str(o, "optionId") != NULL)
				return jsonx_get_str(o, "optionId");
		}
	return NULL;
}

/* Answer session/request_permission: {outcome: selected|cancelled}. */
static int
answer_permission(struct driver *d, struct rpc_msg *m, json_object *out)
{
	static const char *const allow[] = { "allow_always", "allow_once", NULL };
	static const char *const deny[] = { "reject_once", "reject_always", NULL };
	json_object	*options = NULL, *r, *oc;
	const char	*policy = driver_setting(d, "permissions"), *opt;
	int		 allowed = policy != NULL && strcmp(policy, "allow") == 0;

	json_object_object_get_ex(m->params, "options", &options);
	opt = pick_option(options, allowed ? allow : deny);
	if ((r = json_object_new_object()) == NULL ||
	    (oc = json_object_new_object()) == NULL) {
		json_object_put(r);
		return E_FAIL;
	}
	if (jsonx_add(r, "outcome", oc) != 0 ||
	    jsonx_add_str(oc, "outcome", opt != NULL ? "selected" :
	    "cancelled") != 0 ||
	    (opt != NULL && jsonx_add_str(oc, "optionId", opt) != 0)) {
		json_object_put(r);
		return E_FAIL;
	}
	return rpc_push(out, rpc_answer(d, m->id, r, 0, NULL));
}

/* The response we wait for, by step. */
static int
on_response(struct driver *d, struct rpc_msg *m, json_object *out)
{
	json_object	*caps, *v;
	const char	*sid, *stop;
	size_t		 i;

	switch (d->step) {
	case A_INIT:
		if (m->error != NULL) {
			driver_fail(d, 1, "%s refused to initialize: %s",
			    d->cfg.executor, rpc_error_message(m));
			return 0;
		}
		if (json_object_object_get_ex(m->result, "agentCapabilities",
		    &caps) && json_object_object_get_ex(caps, "loadSession",
		    &v))
			d->can_load = json_object_get_boolean(v);
		d->step = A_SESSION;
		if (d->cfg.session_id != NULL && d->can_load)
			return send_session(d, out, 1);
		d->resume_prompt = d->cfg.session_id != NULL;
		return send_session(d, out, 0);
	case A_SESSION:
	case A_LOAD_FALLBACK:
		if (m->error != NULL && d->step == A_SESSION &&
		    d->cfg.session_id != NULL && d->can_load) {
			/* The session is gone: a new one with the history. */
			d->step = A_LOAD_FALLBACK;
			d->resume_prompt = 1;
			return send_session(d, out, 0);
		}
		if (m->error != NULL) {
			driver_fail(d, 1, "%s could not open a session: %s",
			    d->cfg.executor, rpc_error_message(m));
			return 0;
		}
		if (d->step == A_SESSION && d->cfg.session_id != NULL &&
		    d->can_load)
			sid = d->cfg.session_id;
		else if ((sid = jsonx_get_str(m->result, "sessionId")) == NULL ||
		    sid[0] == '\0') {
			driver_fail(d, 0, "%s opened a session without a "
			    "sessionId", d->cfg.executor);
			return 0;
		}
		free(d->session_id);
		if ((d->session_id = strdup(sid)) == NULL)
			return E_FAIL;
		return send_prompt(d, out);
	case A_PROMPT:
		if (m->error != NULL) {
			driver_fail(d, 1, "%s failed: %s", d->cfg.executor,
			    rpc_error_message(m));
			return 0;
		}
		stop = jsonx_get_str(m->result, "stopReason");
		for (i = 0; stop != NULL && ok_stops[i] != NULL; i++)
			if (strcmp(stop, ok_stops[i]) == 0) {
				driver_done(d);
				return 0;
			}
		driver_fail(d, 0, "%s ended its turn with stop reason %s",
		    d->cfg.executor, stop != NULL ? stop : "(none)");
		return 0;
	}
	return 0;
}

int
acp_feed(struct driver *d, struct rpc_msg *m, json_object *out)
{
	switch (m->kind) {
	case RPC_RESPONSE:
		return rpc_is_awaited(d, m) ? on_response(d, m, out) : 0;
	case RPC_REQUEST:
		if (strcmp(m->method, "session/request_permission") == 0)
			return answer_permission(d, m, out);
		return rpc_push(out, rpc_answer(d, m->id, NULL,
		    RPC_METHOD_NOT_FOUND, "method not found"));
	default:
		return 0;	/* session/update: the normalizer's */
	}
}
