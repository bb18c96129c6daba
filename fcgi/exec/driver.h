/* driver.h: hold a conversation with a coding agent that speaks a protocol on stdio */
#ifndef SWARM_DRIVER_H
#define SWARM_DRIVER_H

#include <stddef.h>
#include <json.h>

#include "executors.h"

/*
 * Some agents take their prompt through a conversation on stdin/stdout
 * rather than a write-and-close: Codex's app-server (JSON-RPC without the
 * "jsonrpc" member, delivery jsonrpc_codex) and the Agent Client Protocol
 * (JSON-RPC 2.0, delivery acp: Gemini, Qwen Code). A driver is the
 * client side of one such conversation, with no I/O of its own: the
 * runner writes what driver_start and driver_feed return to the agent's
 * stdin (one rendered message per line) and feeds it every stdout line.
 *
 *   ACP:   initialize -> session/new {cwd, mcpServers: []} (a follow-up:
 *          session/load when the agent advertises loadSession, else a new
 *          session whose prompt carries the earlier turns) ->
 *          session/prompt; its result ends the run.
 *   Codex: initialize, initialized -> getAuthStatus -> newConversation
 *          (a follow-up: resumeConversation with the session's rollout
 *          file) -> addConversationListener -> sendUserMessage; the
 *          codex/event/task_complete notification ends the run.
 *
 * Requests from the agent are answered (permissions and approvals per
 * the executor's settings, anything else with a JSON-RPC error). The
 * state is RUNNING until the conversation ends: DONE_OK, or DONE_FAIL
 * with a reason. The handshake is everything before the prompt is sent;
 * the runner bounds it in time (driver_timeout).
 */

#define DRIVER_HANDSHAKE_ENV	"SWARM_AGENT_HANDSHAKE_MS"
#define DRIVER_HANDSHAKE_MS	60000	/* default bound on the handshake */
#define DRIVER_SENT_KEY		"swarm_sent"	/* log lines of sent messages */
#define DRIVER_REASON_MAX	1024

enum driver_state {
	DRIVER_RUNNING,
	DRIVER_DONE_OK,
	DRIVER_DONE_FAIL
};

struct driver_config {
	enum exec_delivery	 delivery;	/* ACP or JSONRPC_CODEX */
	const char		*executor;	/* for messages: "GEMINI" */
	const char		*cwd;		/* the worktree */
	const char		*prompt;	/* what the user asks */
	const char		*session_id;	/* a follow-up resumes it */
	json_object		*settings;	/* exec_cmd settings, borrowed */
	/*
	 * ACP follow-ups without loadSession: the earlier turns as JSON
	 * lines ({"user": prompt} / {"assistant": summary}); may be NULL.
	 */
	const char		*history;
	/* Codex: where sessions/ lives; NULL: $CODEX_HOME, else ~/.codex. */
	const char		*codex_home;
};

struct driver;

/*
 * A driver for cfg (strings are copied). *out is owned by the caller
 * (driver_free). Returns 0, E_INVAL (a delivery that is not a
 * conversation, or no prompt/cwd), E_FAIL.
 */
int		 driver_new(struct driver **out, const struct driver_config *);
void		 driver_free(struct driver *);

/*
 * The first messages to send. *out is a JSON array (maybe empty) owned
 * by the caller. The driver may already be done (a Codex follow-up whose
 * rollout file is gone). Returns 0 or E_FAIL.
 */
int		 driver_start(struct driver *, json_object **out);
/*
 * One line the agent wrote on stdout (len bytes, no newline). *out gets
 * the replies and next requests to send, in order (a JSON array owned by
 * the caller). Lines that are not JSON-RPC are ignored. Returns 0 or
 * E_FAIL.
 */
int		 driver_feed(struct driver *, const char *line, size_t len,
		    json_object **out);
/*
 * The time bound on the handshake passed: if the prompt has not been
 * sent yet, the driver fails saying so (limit_ms names the bound).
 * Returns 1 when that ended the conversation, else 0.
 */
int		 driver_timeout(struct driver *, long limit_ms);

enum driver_state driver_state(const struct driver *);
/* Why it failed (or ended); "" while running. Borrowed. */
const char	*driver_reason(const struct driver *);
/* 1 when the agent's own output already shows the failure. */
int		 driver_reason_shown(const struct driver *);
/* 1 when the failure means the agent needs a login or an install. */
int		 driver_setup_required(const struct driver *);
/* 1 until the prompt has been sent. */
int		 driver_handshaking(const struct driver *);
/* The conversation's session id once known (borrowed), else NULL. */
const char	*driver_session_id(const struct driver *);

/*
 * The log line of a message we sent: {"swarm_sent": msg}, so that the
 * normalizer can tell what we said from what the agent said. *out is
 * owned by the caller. Returns 0 or E_FAIL.
 */
int		 driver_log_line(char **out, size_t *len, json_object *msg);
/* The handshake bound: $SWARM_AGENT_HANDSHAKE_MS (100..3600000), else
 * DRIVER_HANDSHAKE_MS. */
long		 driver_handshake_ms(void);

#endif
