/* test_exec_driver.c: the ACP and Codex conversation drivers: what they send
 * for canned agent lines, and the states they reach */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "err.h"
#include "jsonx.h"

/* --- helpers -------------------------------------------------------- */

static json_object *
parse(const char *s)
{
	json_object	*o = NULL;
	char		 why[64];

	assert_int_equal(jsonx_parse_strict(&o, s, strlen(s), why,
	    sizeof(why)), 0);
	return o;
}

/* The messages sent, rendered one per line (for exact comparisons). */
static char *
rendered(json_object *msgs)
{
	static char	 buf[16384];
	size_t		 i, n = json_object_array_length(msgs);

	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		strncat(buf, jsonx_render(json_object_array_get_idx(msgs, i),
		    NULL), sizeof(buf) - strlen(buf) - 2);
		strcat(buf, "\n");
	}
	return buf;
}

/* Feed one line; the rendered replies. */
static char *
feed(struct driver *d, const char *line)
{
	json_object	*out = NULL;
	char		*r;

	assert_int_equal(driver_feed(d, line, strlen(line), &out), 0);
	r = rendered(out);
	json_object_put(out);
	return r;
}

static char *
start(struct driver *d)
{
	json_object	*out = NULL;
	char		*r;

	assert_int_equal(driver_start(d, &out), 0);
	r = rendered(out);
	json_object_put(out);
	return r;
}

static struct driver *
new_driver(enum exec_delivery dl, const char *settings, const char *sid,
    const char *history, const char *codex_home)
{
	struct driver_config	 c;
	struct driver		*d = NULL;
	json_object		*set = settings != NULL ? parse(settings) : NULL;

	memset(&c, 0, sizeof(c));
	c.delivery = dl;
	c.executor = dl == EXEC_DELIVER_ACP ? "GEMINI" : "CODEX";
	c.cwd = "/w/t";
	c.prompt = "WRITE a.txt hi";
	c.session_id = sid;
	c.settings = set;
	c.history = history;
	c.codex_home = codex_home;
	assert_int_equal(driver_new(&d, &c), 0);
	json_object_put(set);	/* the driver holds its own reference */
	return d;
}

/* --- ACP ------------------------------------------------------------ */

static const char acp_init[] =
    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
    "{\"protocolVersion\":1,\"clientCapabilities\":{\"fs\":{\"readTextFile\""
    ":false,\"writeTextFile\":false},\"terminal\":false}}}\n";

static void
driver_acp_new_session(void **state)
{
	struct driver	*d;

	(void)state;
	d = new_driver(EXEC_DELIVER_ACP, "{\"permissions\":\"allow\"}", NULL,
	    NULL, NULL);
	assert_string_equal(start(d), acp_init);
	assert_true(driver_handshaking(d));
	/* Noise and other ids change nothing. */
	assert_string_equal(feed(d, "Loading extensions..."), "");
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":7,"
	    "\"result\":{}}"), "");
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
	    "{\"protocolVersion\":1,\"agentCapabilities\":{\"loadSession\":"
	    "false}}}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"session/new\","
	    "\"params\":{\"cwd\":\"/w/t\",\"mcpServers\":[]}}\n");
	assert_null(driver_session_id(d));
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":"
	    "{\"sessionId\":\"s-1\"}}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"session/prompt\","
	    "\"params\":{\"sessionId\":\"s-1\",\"prompt\":[{\"type\":\"text\","
	    "\"text\":\"WRITE a.txt hi\"}]}}\n");
	assert_string_equal(driver_session_id(d), "s-1");
	assert_false(driver_handshaking(d));
	/* The prompt runs: no time bound any more. */
	assert_int_equal(driver_timeout(d, 1000), 0);
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"session/update\",\"params\":{\"sessionId\":\"s-1\",\"update\":"
	    "{\"sessionUpdate\":\"agent_message_chunk\",\"content\":{\"type\":"
	    "\"text\",\"text\":\"hi\"}}}}"), "");
	/* Permission: the allow option (always before once). */
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
	    "\"session/request_permission\",\"params\":{\"sessionId\":\"s-1\","
	    "\"toolCall\":{\"toolCallId\":\"t1\"},\"options\":["
	    "{\"optionId\":\"no\",\"name\":\"No\",\"kind\":\"reject_once\"},"
	    "{\"optionId\":\"once\",\"name\":\"Once\",\"kind\":\"allow_once\"},"
	    "{\"optionId\":\"always\",\"name\":\"Always\",\"kind\":"
	    "\"allow_always\"}]}}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{\"outcome\":{\"outcome\":"
	    "\"selected\",\"optionId\":\"always\"}}}\n");
	/* Anything else the agent asks for: method not found. */
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":\"r9\","
	    "\"method\":\"fs/read_text_file\",\"params\":{\"path\":\"/x\"}}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":\"r9\",\"error\":{\"code\":-32601,"
	    "\"message\":\"method not found\"}}\n");
	assert_int_equal(driver_state(d), DRIVER_RUNNING);
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":"
	    "{\"stopReason\":\"end_turn\"}}"), "");
	assert_int_equal(driver_state(d), DRIVER_DONE_OK);
	driver_free(d);
}

static void
driver_acp_follow_up_load(void **state)
{
	struct driver	*d;

	(void)state;
	d = new_driver(EXEC_DELIVER_ACP, NULL, "old-1", "{\"user\":\"x\"}\n",
	    NULL);
	start(d);
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
	    "{\"agentCapabilities\":{\"loadSession\":true}}}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"session/load\","
	    "\"params\":{\"sessionId\":\"old-1\",\"cwd\":\"/w/t\","
	    "\"mcpServers\":[]}}\n");
	/* The agent replays the session, then answers null. */
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"method\":"
	    "\"session/update\",\"params\":{\"sessionId\":\"old-1\",\"update\":"
	    "{\"sessionUpdate\":\"user_message_chunk\",\"content\":{\"type\":"
	    "\"text\",\"text\":\"x\"}}}}"), "");
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":"
	    "null}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"session/prompt\","
	    "\"params\":{\"sessionId\":\"old-1\",\"prompt\":[{\"type\":\"text\","
	    "\"text\":\"WRITE a.txt hi\"}]}}\n");
	assert_string_equal(driver_session_id(d), "old-1");
	/* No permission setting: nobody can be asked, so it is rejected;
	 * with no reject option, cancelled. */
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":"
	    "\"session/request_permission\",\"params\":{\"options\":["
	    "{\"optionId\":\"a\",\"kind\":\"allow_once\"},{\"optionId\":\"r\","
	    "\"kind\":\"reject_always\"}]}}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"outcome\":{\"outcome\":"
	    "\"selected\",\"optionId\":\"r\"}}}\n");
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":"
	    "\"session/request_permission\",\"params\":{\"options\":[]}}"),
	    "{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{\"outcome\":{\"outcome\":"
	    "\"cancelled\"}}}\n");
	/* A JSON-RPC error ends the turn badly, its message the reason. */
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":"
	    "{\"code\":-32603,\"message\":\"quota exceeded\"}}"), "");
	assert_int_equal(driver_state(d), DRIVER_DONE_FAIL);
	assert_non_null(strstr(driver_reason(d), "quota exceeded"));
	assert_true(driver_reason_shown(d));
	driver_free(d);
}

static void
driver_acp_follow_up_resume_prompt(void **state)
{
	struct driver	*d;
	json_object	*out = NULL, *msg, *blocks;
	const char	*first, *line;

	(void)state;
	/* With loadSession, but the session is gone: a new one, and the
	 * prompt carries the history. Without loadSession, the same. */
	for (int load = 1; load >= 0; load--) {
		d = new_driver(EXEC_DELIVER_ACP, NULL, "old-1",
		    "{\"user\":\"WRITE one.txt 1\"}\n{\"assistant\":\"Done\"}\n",
		    NULL);
		start(d);
		line = load ? "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":"
		    "{\"agentCapabilities\":{\"loadSession\":true}}}" :
		    "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";
		if (load) {
			assert_non_null(strstr(feed(d, line), "session/load"));
			line = "{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":"
			    "-32002,\"message\":\"no such session\"}}";
			assert_string_equal(feed(d, line),
			    "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
			    "\"session/new\",\"params\":{\"cwd\":\"/w/t\","
			    "\"mcpServers\":[]}}\n");
			line = "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":"
			    "{\"sessionId\":\"new-2\"}}";
		} else {
			assert_non_null(strstr(feed(d, line), "session/new"));
			line = "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":"
			    "{\"sessionId\":\"new-2\"}}";
		}
		assert_int_equal(driver_feed(d, line, strlen(line), &out), 0);
		assert_int_equal(json_object_array_length(out), 1);
		msg = json_object_array_get_idx(out, 0);
		assert_string_equal(jsonx_get_str(msg, "method"),
		    "session/prompt");
		json_object_object_get_ex(msg, "params", &msg);
		assert_string_equal(jsonx_get_str(msg, "sessionId"), "new-2");
		json_object_object_get_ex(msg, "prompt", &blocks);
		assert_int_equal(json_object_array_length(blocks), 2);
		first = jsonx_get_str(json_object_array_get_idx(blocks, 0),
		    "text");
		assert_non_null(strstr(first, "RESUME CONTEXT"));
		assert_non_null(strstr(first,
		    "{\"user\":\"WRITE one.txt 1\"}\n{\"assistant\":\"Done\"}"));
		/* The last block is the request itself. */
		assert_string_equal(jsonx_get_str(json_object_array_get_idx(
		    blocks, 1), "text"), "WRITE a.txt hi");
		json_object_put(out);
		assert_string_equal(driver_session_id(d), "new-2");
		driver_free(d);
	}
}

static void
driver_acp_ends(void **state)
{
	static const struct {
		const char	*line;
		enum driver_state st;
		const char	*reason;
	} t[] = {
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"stopReason\":"
		  "\"max_tokens\"}}", DRIVER_DONE_OK, "" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"stopReason\":"
		  "\"refusal\"}}", DRIVER_DONE_FAIL, "stop reason refusal" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"stopReason\":"
		  "\"cancelled\"}}", DRIVER_DONE_FAIL, "stop reason cancelled" },
		{ "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":null}",
		  DRIVER_DONE_FAIL, "stop reason (none)" },
	};
	struct driver	*d;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		d = new_driver(EXEC_DELIVER_ACP, NULL, NULL, NULL, NULL);
		start(d);
		feed(d, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
		feed(d, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":"
		    "{\"sessionId\":\"s\"}}");
		feed(d, t[i].line);
		assert_int_equal(driver_state(d), t[i].st);
		assert_non_null(strstr(driver_reason(d), t[i].reason));
		driver_free(d);
	}
	/* A session/new refused, an initialize refused: failures. */
	d = new_driver(EXEC_DELIVER_ACP, NULL, NULL, NULL, NULL);
	start(d);
	feed(d, "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32000,"
	    "\"message\":\"Authentication required\"}}");
	assert_int_equal(driver_state(d), DRIVER_DONE_FAIL);
	assert_non_null(strstr(driver_reason(d), "Authentication required"));
	driver_free(d);
}

static void
driver_handshake_timeout(void **state)
{
	struct driver	*d;

	(void)state;
	d = new_driver(EXEC_DELIVER_ACP, NULL, NULL, NULL, NULL);
	start(d);
	assert_int_equal(driver_timeout(d, 2500), 1);
	assert_int_equal(driver_state(d), DRIVER_DONE_FAIL);
	assert_false(driver_reason_shown(d));
	assert_non_null(strstr(driver_reason(d), "GEMINI did not answer the "
	    "protocol handshake within 3 s"));
	/* Done is done: later lines change nothing. */
	assert_string_equal(feed(d, "{\"jsonrpc\":\"2.0\",\"id\":1,"
	    "\"result\":{}}"), "");
	assert_int_equal(driver_timeout(d, 2500), 0);
	driver_free(d);

	setenv(DRIVER_HANDSHAKE_ENV, "1500", 1);
	assert_int_equal(driver_handshake_ms(), 1500);
	setenv(DRIVER_HANDSHAKE_ENV, "5x", 1);
	assert_int_equal(driver_handshake_ms(), DRIVER_HANDSHAKE_MS);
	setenv(DRIVER_HANDSHAKE_ENV, "10", 1);
	assert_int_equal(driver_handshake_ms(), DRIVER_HANDSHAKE_MS);
	unsetenv(DRIVER_HANDSHAKE_ENV);
	assert_int_equal(driver_handshake_ms(), DRIVER_HANDSHAKE_MS);
}

/* --- Codex ---------------------------------------------------------- */

static const char codex_init[] =
    "{\"id\":1,\"method\":\"initialize\",\"params\":{\"clientInfo\":"
    "{\"name\":\"swarm\",\"title\":\"Swarm\",\"version\":\"1\"}}}\n";

/* Up to sendUserMessage; returns what the last step sent. */
static char *
codex_handshake(struct driver *d, const char *conv_response)
{
	assert_string_equal(start(d), codex_init);
	assert_string_equal(feed(d, "{\"id\":1,\"result\":{\"userAgent\":"
	    "\"codex/0.63\"}}"),
	    "{\"method\":\"initialized\"}\n"
	    "{\"id\":2,\"method\":\"getAuthStatus\",\"params\":{}}\n");
	return feed(d, "{\"id\":2,\"result\":{\"authMethod\":\"chatgpt\","
	    "\"requiresOpenaiAuth\":true}}");
	(void)conv_response;
}

static void
driver_codex_conversation(void **state)
{
	struct driver	*d;

	(void)state;
	d = new_driver(EXEC_DELIVER_JSONRPC_CODEX, "{\"model\":\"gpt-5.1-codex"
	    "\",\"sandbox\":\"workspace-write\",\"approval_policy\":"
	    "\"unless-trusted\",\"model_reasoning_effort\":\"high\"}", NULL,
	    NULL, NULL);
	assert_string_equal(codex_handshake(d, NULL),
	    "{\"id\":3,\"method\":\"newConversation\",\"params\":{\"model\":"
	    "\"gpt-5.1-codex\",\"cwd\":\"/w/t\",\"approvalPolicy\":"
	    "\"untrusted\",\"sandbox\":\"workspace-write\",\"config\":"
	    "{\"model_reasoning_effort\":\"high\"}}}\n");
	assert_true(driver_handshaking(d));
	assert_string_equal(feed(d, "{\"id\":3,\"result\":{\"conversationId\":"
	    "\"c-1\",\"model\":\"gpt-5.1-codex\",\"rolloutPath\":\"/r.jsonl\"}}"),
	    "{\"id\":4,\"method\":\"addConversationListener\",\"params\":"
	    "{\"conversationId\":\"c-1\"}}\n");
	assert_string_equal(driver_session_id(d), "c-1");
	assert_string_equal(feed(d, "{\"id\":4,\"result\":{\"subscriptionId\":"
	    "\"sub\"}}"),
	    "{\"id\":5,\"method\":\"sendUserMessage\",\"params\":"
	    "{\"conversationId\":\"c-1\",\"items\":[{\"type\":\"text\","
	    "\"data\":{\"text\":\"WRITE a.txt hi\"}}]}}\n");
	assert_false(driver_handshaking(d));
	assert_string_equal(feed(d, "{\"id\":5,\"result\":{}}"), "");
	/* The policy asks for approvals: nobody here can give them. */
	assert_string_equal(feed(d, "{\"id\":0,\"method\":\"applyPatchApproval"
	    "\",\"params\":{\"conversationId\":\"c-1\",\"callId\":\"p1\"}}"),
	    "{\"id\":0,\"result\":{\"decision\":\"denied\"}}\n");
	assert_string_equal(feed(d, "{\"id\":1,\"method\":\"somethingNew\","
	    "\"params\":{}}"),
	    "{\"id\":1,\"error\":{\"code\":-32601,\"message\":"
	    "\"method not found\"}}\n");
	assert_string_equal(feed(d, "{\"method\":\"codex/event/"
	    "agent_message_delta\",\"params\":{\"msg\":{\"type\":"
	    "\"agent_message_delta\",\"delta\":\"hi\"}}}"), "");
	assert_int_equal(driver_state(d), DRIVER_RUNNING);
	assert_string_equal(feed(d, "{\"method\":\"codex/event/task_complete\","
	    "\"params\":{\"msg\":{\"type\":\"task_complete\"}}}"), "");
	assert_int_equal(driver_state(d), DRIVER_DONE_OK);
	driver_free(d);

	/* Policy never (or none): approved. An error event fails the run. */
	d = new_driver(EXEC_DELIVER_JSONRPC_CODEX, "{\"approval_policy\":"
	    "\"never\"}", NULL, NULL, NULL);
	assert_string_equal(codex_handshake(d, NULL),
	    "{\"id\":3,\"method\":\"newConversation\",\"params\":{\"cwd\":"
	    "\"/w/t\",\"approvalPolicy\":\"never\"}}\n");
	feed(d, "{\"id\":3,\"result\":{\"conversationId\":\"c-2\"}}");
	feed(d, "{\"id\":4,\"result\":{}}");
	assert_string_equal(feed(d, "{\"id\":\"a\",\"method\":"
	    "\"execCommandApproval\",\"params\":{\"callId\":\"x\"}}"),
	    "{\"id\":\"a\",\"result\":{\"decision\":\"approved\"}}\n");
	feed(d, "{\"method\":\"codex/event/error\",\"params\":{\"msg\":"
	    "{\"type\":\"error\",\"message\":\"stream disconnected\"}}}");
	assert_int_equal(driver_state(d), DRIVER_DONE_FAIL);
	assert_true(driver_reason_shown(d));
	assert_non_null(strstr(driver_reason(d), "stream disconnected"));
	driver_free(d);
}

static void
driver_codex_not_logged_in(void **state)
{
	struct driver	*d;

	(void)state;
	d = new_driver(EXEC_DELIVER_JSONRPC_CODEX, NULL, NULL, NULL, NULL);
	start(d);
	feed(d, "{\"id\":1,\"result\":{}}");
	assert_string_equal(feed(d, "{\"id\":2,\"result\":{\"authMethod\":null,"
	    "\"requiresOpenaiAuth\":true}}"), "");
	assert_int_equal(driver_state(d), DRIVER_DONE_FAIL);
	assert_true(driver_setup_required(d));
	assert_false(driver_reason_shown(d));
	assert_true(strncmp(driver_reason(d), "Failed to start execution: ",
	    27) == 0);
	assert_non_null(strstr(driver_reason(d), "Setup required"));
	driver_free(d);

	/* A local provider (--oss) needs no login. */
	d = new_driver(EXEC_DELIVER_JSONRPC_CODEX, NULL, NULL, NULL, NULL);
	start(d);
	feed(d, "{\"id\":1,\"result\":{}}");
	assert_non_null(strstr(feed(d, "{\"id\":2,\"result\":{\"authMethod\":"
	    "null,\"requiresOpenaiAuth\":false}}"), "newConversation"));
	assert_int_equal(driver_state(d), DRIVER_RUNNING);
	driver_free(d);
}

static void
driver_codex_resume(void **state)
{
	char		 home[] = "/tmp/swarm-driver-XXXXXX", path[512], want[1024];
	struct driver	*d;
	FILE		*f;

	(void)state;
	assert_non_null(mkdtemp(home));
	snprintf(path, sizeof(path), "%s/sessions/2025/01/02", home);
	assert_int_equal(system(NULL) != 0, 1);
	snprintf(want, sizeof(want), "mkdir -p '%s'", path);
	assert_int_equal(system(want), 0);
	snprintf(path, sizeof(path), "%s/sessions/2025/01/02/rollout-2025-01-"
	    "02T03-04-05-0a0b0c0d-0000-4000-8000-000000000001.jsonl", home);
	assert_non_null(f = fopen(path, "w"));
	fputs("{\"type\":\"session_meta\"}\n", f);
	fclose(f);

	d = new_driver(EXEC_DELIVER_JSONRPC_CODEX, "{\"model\":\"m\"}",
	    "0a0b0c0d-0000-4000-8000-000000000001", NULL, home);
	snprintf(want, sizeof(want), "{\"id\":3,\"method\":\"resumeConversation"
	    "\",\"params\":{\"path\":\"%s\",\"overrides\":{\"model\":\"m\","
	    "\"cwd\":\"/w/t\"}}}\n", path);
	assert_string_equal(codex_handshake(d, NULL), want);
	feed(d, "{\"id\":3,\"result\":{\"conversationId\":"
	    "\"0a0b0c0d-0000-4000-8000-000000000001\"}}");
	assert_string_equal(driver_session_id(d),
	    "0a0b0c0d-0000-4000-8000-000000000001");
	driver_free(d);

	/* Gone: the driver fails before saying anything. */
	unlink(path);
	d = new_driver(EXEC_DELIVER_JSONRPC_CODEX, NULL,
	    "0a0b0c0d-0000-4000-8000-000000000001", NULL, home);
	assert_string_equal(start(d), "");
	assert_int_equal(driver_state(d), DRIVER_DONE_FAIL);
	assert_non_null(strstr(driver_reason(d), "rollout file is gone"));
	driver_free(d);
	snprintf(want, sizeof(want), "rm -rf '%s'", home);
	assert_int_equal(system(want), 0);
}

static void
driver_misc(void **state)
{
	struct driver_config	 c;
	struct driver		*d = NULL;
	json_object		*m;
	char			*line;
	size_t			 len;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.delivery = EXEC_DELIVER_STDIN;
	c.cwd = "/w";
	c.prompt = "p";
	assert_int_equal(driver_new(&d, &c), E_INVAL);
	assert_null(d);
	c.delivery = EXEC_DELIVER_ACP;
	c.prompt = NULL;
	assert_int_equal(driver_new(&d, &c), E_INVAL);

	m = parse("{\"id\":1,\"method\":\"x\"}");
	assert_int_equal(driver_log_line(&line, &len, m), 0);
	assert_string_equal(line, "{\"swarm_sent\":{\"id\":1,\"method\":\"x\"}}");
	assert_int_equal(len, strlen(line));
	free(line);
	json_object_put(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(driver_acp_new_session),
		cmocka_unit_test(driver_acp_follow_up_load),
		cmocka_unit_test(driver_acp_follow_up_resume_prompt),
		cmocka_unit_test(driver_acp_ends),
		cmocka_unit_test(driver_handshake_timeout),
		cmocka_unit_test(driver_codex_conversation),
		cmocka_unit_test(driver_codex_not_logged_in),
		cmocka_unit_test(driver_codex_resume),
		cmocka_unit_test(driver_misc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
