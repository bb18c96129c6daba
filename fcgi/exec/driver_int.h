/* driver_int.h: what driver.c, driver_acp.c and driver_codex.c share */
#ifndef SWARM_DRIVER_INT_H
#define SWARM_DRIVER_INT_H

#include <stdarg.h>
#include <json.h>

#include "driver.h"
#include "log.h"

/* One parsed JSON-RPC message from the agent. */
enum rpc_kind {
	RPC_NONE,		/* not JSON-RPC: ignored */
	RPC_RESPONSE,		/* id with result or error */
	RPC_REQUEST,		/* method with id: it waits for our answer */
	RPC_NOTIFICATION	/* method without id */
};

struct rpc_msg {
	enum rpc_kind	 kind;
	json_object	*root;		/* owned */
	json_object	*id;		/* borrowed from root */
	const char	*method;
	json_object	*params;
	json_object	*result;	/* RESPONSE: NULL for JSON null */
	json_object	*error;		/* RESPONSE: the error object */
};

struct driver {
	struct driver_config	 cfg;		/* strings owned */
	json_object		*settings;	/* a reference */
	int			 jsonrpc_field;	/* ACP writes "jsonrpc":"2.0" */
	enum driver_state	 state;
	char			 reason[DRIVER_REASON_MAX];
	int			 shown;
	int			 setup;
	int			 handshaking;
	int			 step;		/* the format's own steps */
	long long		 next_id;
	long long		 want_id;	/* the response we wait for */
	char			*session_id;
	/* ACP */
	int			 can_load;	/* agent advertised loadSession */
	int			 resume_prompt;	/* new session after a follow-up */
	/* Codex */
	char			*rollout;	/* resumeConversation path */
};

/* A request: {("jsonrpc"), "id", "method", "params"}; want_id = its id. */
json_object	*rpc_request(struct driver *, const char *method,
		    json_object *params);
json_object	*rpc_notification(struct driver *, const char *method,
		    json_object *params);
/* The answer to request id: result (taken), or an error when result is
 * NULL and message is set. */
json_object	*rpc_answer(struct driver *, json_object *id,
		    json_object *result, int code, const char *message);
/* Parse a stdout line; m->kind is RPC_NONE for anything else. */
int		 rpc_parse(struct rpc_msg *m, const char *line, size_t len);
void		 rpc_clear(struct rpc_msg *m);
/* The response is the one we wait for. */
int		 rpc_is_awaited(const struct driver *, const struct rpc_msg *);
/* The error's message ("unknown error" when it has none). */
const char	*rpc_error_message(const struct rpc_msg *);
/* Append msg to the array out (taken); E_FAIL when msg is NULL. */
int		 rpc_push(json_object *out, json_object *msg);

/* End the conversation: ok, or failed with a reason (shown: the agent's
 * own output shows it). */
void		 driver_done(struct driver *);
void		 driver_fail(struct driver *, int shown, const char *fmt, ...)
		    FMT(3, 4);
/* A setting's string value, or NULL. */
const char	*driver_setting(const struct driver *, const char *name);

/* The formats. */
int		 acp_start(struct driver *, json_object *out);
int		 acp_feed(struct driver *, struct rpc_msg *, json_object *out);
int		 codex_start(struct driver *, json_object *out);
int		 codex_feed(struct driver *, struct rpc_msg *, json_object *out);

#endif
