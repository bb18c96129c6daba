/* test_exec_normalize_agents.c: ACP and Codex app-server conversations to
 * entries (normalize_acp.c, normalize_codex.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "normalize.h"

/* The document the ops build, as the UI applies them. */
struct doc {
	struct normalizer	*n;
	json_object		*entries;
	int			 replaced;	/* replace ops seen */
};

static void
doc_new(struct doc *d, enum normalize_mode mode)
{
	memset(d, 0, sizeof(*d));
	assert_int_equal(normalize_new(&d->n, mode, "/w/t", 0), 0);
	assert_non_null(d->entries = json_object_new_array());
}

static void
doc_free(struct doc *d)
{
	normalize_free(d->n);
	json_object_put(d->entries);
}

static void
feed_stream(struct doc *d, enum normalize_stream s, const char *line)
{
	json_object	*ops, *op, *v, *c;
	const char	*path;
	size_t		 i;
	long		 idx;

	assert_int_equal(normalize_feed(&ops, d->n, s, line, strlen(line), 0),
	    0);
	for (i = 0; i < json_object_array_length(ops); i++) {
		op = json_object_array_get_idx(ops, i);
		path = jsonx_get_str(op, "path");
		assert_non_null(path);
		idx = strtol(path + strlen("/entries/"), NULL, 10);
		assert_true(json_object_object_get_ex(op, "value", &v));
		assert_true(json_object_object_get_ex(v, "content", &c));
		if (strcmp(jsonx_get_str(op, "op"), "add") == 0)
			assert_int_equal(idx, json_object_array_length(
			    d->entries));
		else {
			assert_string_equal(jsonx_get_str(op, "op"), "replace");
			assert_true(idx < (long)json_object_array_length(
			    d->entries));
			d->replaced++;
		}
		assert_int_equal(json_object_array_put_idx(d->entries,
		    (size_t)idx, json_object_get(c)), 0);
	}
	json_object_put(ops);
}

static void
feed(struct doc *d, const char *line)
{
	feed_stream(d, NORMALIZE_STDOUT, line);
}

static size_t
count(struct doc *d)
{
	return json_object_array_length(d->entries);
}

static json_object *
entry(struct doc *d, size_t i)
{
	assert_true(i < count(d));
	return json_object_array_get_idx(d->entries, i);
}

/* "type: content" of entry i. */
static const char *
brief(struct doc *d, size_t i)
{
	static char	 buf[4096];
	json_object	*e = entry(d, i), *et;

	assert_true(json_object_object_get_ex(e, "entry_type", &et));
	snprintf(buf, sizeof(buf), "%s: %s", jsonx_get_str(et, "type"),
	    jsonx_get_str(e, "content"));
	return buf;
}

/* The rendered entry_type of entry i. */
static const char *
etype(struct doc *d, size_t i)
{
	json_object	*et;

	assert_true(json_object_object_get_ex(entry(d, i), "entry_type", &et));
	return jsonx_render(et, NULL);
}

static const char *
summary(struct doc *d)
{
	static char	 buf[4096];
	char		*s = NULL;

	assert_int_equal(normalize_summary(&s, d->n), 0);
	snprintf(buf, sizeof(buf), "%s", s != NULL ? s : "(null)");
	free(s);
	return buf;
}

/* --- ACP ------------------------------------------------------------ */

#define UPD(x)	"{\"jsonrpc\":\"2.0\",\"method\":\"session/update\",\"params\":" \
		"{\"sessionId\":\"s-1\",\"update\":" x "}}"

static void
normalize_acp_conversation(void **state)
{
	struct doc	 d;

	(void)state;
	doc_new(&d, NORMALIZE_ACP);
	feed(&d, "{\"swarm_sent\":{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":"
	    "\"initialize\",\"params\":{\"protocolVersion\":1}}}");
	feed(&d, "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\""
	    ":1,\"agentCapabilities\":{\"loadSession\":false}}}");
	feed(&d, "{\"swarm_sent\":{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
	    "\"session/new\",\"params\":{\"cwd\":\"/w/t\",\"mcpServers\":[]}}}");
	assert_null(normalize_session_id(d.n));
	feed(&d, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"sessionId\":"
	    "\"s-1\"}}");
	assert_string_equal(normalize_take_session_id(d.n), "s-1");
	assert_int_equal(count(&d), 0);
	/* What we asked: the last text block (a resume context comes first). */
	feed(&d, "{\"swarm_sent\":{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
	    "\"session/prompt\",\"params\":{\"sessionId\":\"s-1\",\"prompt\":["
	    "{\"type\":\"text\",\"text\":\"RESUME CONTEXT...\"},"
	    "{\"type\":\"text\",\"text\":\"WRITE a.txt hi\"}]}}}");
	assert_string_equal(brief(&d, 0), "user_message: WRITE a.txt hi");
	feed(&d, UPD("{\"sessionUpdate\":\"user_message_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"WRITE a.txt hi\"}}"));
	feed(&d, UPD("{\"sessionUpdate\":\"agent_thought_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"Thinking \"}}"));
	feed(&d, UPD("{\"sessionUpdate\":\"agent_thought_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"hard\"}}"));
	feed(&d, UPD("{\"sessionUpdate\":\"agent_message_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"I will \"}}"));
	feed(&d, UPD("{\"sessionUpdate\":\"agent_message_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"write a.txt\"}}"));
	assert_int_equal(count(&d), 3);
	assert_string_equal(brief(&d, 1), "thinking: Thinking hard");
	assert_string_equal(brief(&d, 2), "assistant_message: I will write "
	    "a.txt");
	/* A tool call, its permission request, its end. */
	feed(&d, UPD("{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"w1\","
	    "\"title\":\"Writing to a.txt\",\"kind\":\"edit\",\"status\":"
	    "\"pending\",\"locations\":[{\"path\":\"/w/t/a.txt\"}],\"content\":"
	    "[{\"type\":\"diff\",\"path\":\"/w/t/a.txt\",\"oldText\":null,"
	    "\"newText\":\"hi\\n\"}]}"));
	assert_string_equal(etype(&d, 3), "{\"type\":\"tool_use\",\"tool_name\":"
	    "\"Writing to a.txt\",\"action_type\":{\"action\":\"file_edit\","
	    "\"path\":\"a.txt\",\"changes\":[{\"action\":\"write\",\"content\":"
	    "\"hi\\n\"}]},\"status\":{\"status\":\"created\"}}");
	assert_string_equal(brief(&d, 3), "tool_use: a.txt");
	assert_string_equal(jsonx_render(json_object_object_get(entry(&d, 3),
	    "metadata"), NULL), "{\"tool_call_id\":\"w1\"}");
	feed(&d, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":"
	    "\"session/request_permission\",\"params\":{\"sessionId\":\"s-1\","
	    "\"toolCall\":{\"toolCallId\":\"w1\",\"status\":\"pending\"},"
	    "\"options\":[{\"optionId\":\"a\",\"kind\":\"allow_once\"}]}}");
	feed(&d, "{\"swarm_sent\":{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":"
	    "{\"outcome\":{\"outcome\":\"selected\",\"optionId\":\"a\"}}}}");
	feed(&d, UPD("{\"sessionUpdate\":\"tool_call_update\",\"toolCallId\":"
	    "\"w1\",\"status\":\"completed\"}"));
	assert_int_equal(count(&d), 4);
	assert_non_null(strstr(etype(&d, 3), "\"status\":{\"status\":"
	    "\"success\"}"));
	assert_non_null(strstr(etype(&d, 3), "\"content\":\"hi\\n\""));
	/* A command with its output; an edit of an existing file. */
	feed(&d, UPD("{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"x1\","
	    "\"title\":\"ls -la [current working directory /w/t]\",\"kind\":"
	    "\"execute\",\"status\":\"in_progress\"}"));
	assert_string_equal(brief(&d, 4), "tool_use: ls -la");
	feed(&d, UPD("{\"sessionUpdate\":\"tool_call_update\",\"toolCallId\":"
	    "\"x1\",\"status\":\"failed\",\"content\":[{\"type\":\"content\","
	    "\"content\":{\"type\":\"text\",\"text\":\"no such file\"}}]}"));
	assert_string_equal(etype(&d, 4), "{\"type\":\"tool_use\",\"tool_name\":"
	    "\"ls -la [current working directory /w/t]\",\"action_type\":"
	    "{\"action\":\"command_run\",\"command\":\"ls -la\",\"result\":"
	    "{\"exit_status\":{\"type\":\"success\",\"success\":false},"
	    "\"output\":\"no such file\\n\"}},\"status\":{\"status\":"
	    "\"failed\"}}");
	feed(&d, UPD("{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"e2\","
	    "\"title\":\"Edit b.txt\",\"kind\":\"edit\",\"status\":\"completed\","
	    "\"locations\":[{\"path\":\"/w/t/b.txt\"}],\"content\":[{\"type\":"
	    "\"diff\",\"path\":\"/w/t/b.txt\",\"oldText\":\"a\\n\",\"newText\":"
	    "\"b\\n\"}]}"));
	assert_non_null(strstr(etype(&d, 5), "\"unified_diff\":\"--- a/b.txt\\n"
	    "+++ b/b.txt\\n@@ -1,1 +1,1 @@\\n-a\\n+b\\n\",\"has_line_numbers\":"
	    "false"));
	feed(&d, UPD("{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"r1\","
	    "\"title\":\"Read c.txt\",\"kind\":\"read\",\"status\":\"completed\","
	    "\"locations\":[{\"path\":\"/w/t/c.txt\"}]}"));
	assert_non_null(strstr(etype(&d, 6), "{\"action\":\"file_read\","
	    "\"path\":\"c.txt\"}"));
	feed(&d, UPD("{\"sessionUpdate\":\"tool_call\",\"toolCallId\":\"s1\","
	    "\"title\":\"grep foo\",\"kind\":\"search\",\"status\":\"completed\","
	    "\"rawInput\":{\"query\":\"foo\"}}"));
	assert_non_null(strstr(etype(&d, 7), "{\"action\":\"search\","
	    "\"query\":\"foo\"}"));
	feed(&d, UPD("{\"sessionUpdate\":\"plan\",\"entries\":[{\"content\":"
	    "\"write a.txt\",\"priority\":\"high\",\"status\":\"completed\"}]}"));
	assert_string_equal(etype(&d, 8), "{\"type\":\"tool_use\",\"tool_name\":"
	    "\"plan\",\"action_type\":{\"action\":\"todo_management\",\"todos\":"
	    "[{\"content\":\"write a.txt\",\"status\":\"completed\",\"priority\":"
	    "\"high\"}],\"operation\":\"update\"},\"status\":{\"status\":"
	    "\"success\"}}");
	/* After the tools, a new message (not the first one grown). */
	feed(&d, UPD("{\"sessionUpdate\":\"agent_message_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"Done\"}}"));
	feed(&d, UPD("{\"sessionUpdate\":\"agent_message_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\": wrote a.txt\"}}"));
	assert_string_equal(brief(&d, 9), "assistant_message: Done: wrote "
	    "a.txt");
	assert_false(normalize_finished(d.n));
	feed(&d, "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"stopReason\":"
	    "\"end_turn\"}}");
	assert_true(normalize_finished(d.n));
	assert_int_equal(count(&d), 10);
	assert_string_equal(summary(&d), "Done: wrote a.txt");
	/* stderr still joins into error entries. */
	feed_stream(&d, NORMALIZE_STDERR, "warning: something");
	assert_string_equal(brief(&d, 10), "error_message: warning: something");
	doc_free(&d);
}

static void
normalize_acp_load_and_errors(void **state)
{
	struct doc	 d;

	(void)state;
	doc_new(&d, NORMALIZE_ACP);
	/* A loaded session replays its history before answering: not shown
	 * again. The session id is the loaded one. */
	feed(&d, "{\"swarm_sent\":{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":"
	    "\"session/load\",\"params\":{\"sessionId\":\"old-1\",\"cwd\":"
	    "\"/w/t\",\"mcpServers\":[]}}}");
	assert_string_equal(normalize_session_id(d.n), "old-1");
	feed(&d, UPD("{\"sessionUpdate\":\"agent_message_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"from before\"}}"));
	assert_int_equal(count(&d), 0);
	feed(&d, "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":null}");
	feed(&d, "{\"swarm_sent\":{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":"
	    "\"session/prompt\",\"params\":{\"sessionId\":\"old-1\",\"prompt\":"
	    "[{\"type\":\"text\",\"text\":\"go on\"}]}}}");
	feed(&d, UPD("{\"sessionUpdate\":\"agent_message_chunk\",\"content\":"
	    "{\"type\":\"text\",\"text\":\"now\"}}"));
	assert_int_equal(count(&d), 2);
	assert_string_equal(brief(&d, 1), "assistant_message: now");
	/* A failed prompt: its message as an error entry. Lines that are
	 * not JSON are shown as they are. */
	feed(&d, "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32603,"
	    "\"message\":\"quota exceeded\"}}");
	assert_string_equal(brief(&d, 2), "error_message: quota exceeded");
	assert_true(normalize_finished(d.n));
	feed(&d, "Loaded cached credentials.");
	assert_string_equal(brief(&d, 3), "system_message: Loaded cached "
	    "credentials.");
	/* A response to nothing we asked, an unknown update: nothing. */
	feed(&d, "{\"jsonrpc\":\"2.0\",\"id\":99,\"error\":{\"message\":\"x\"}}");
	feed(&d, UPD("{\"sessionUpdate\":\"available_commands_update\","
	    "\"availableCommands\":[]}"));
	assert_int_equal(count(&d), 4);
	doc_free(&d);
}

/* --- Codex ---------------------------------------------------------- */

#define EV(type, body)	"{\"method\":\"codex/event/" type "\",\"params\":" \
			"{\"id\":\"1\",\"msg\":{\"type\":\"" type "\"" body \
			"},\"conversationId\":\"c-1\"}}"

static void
normalize_codex_conversation(void **state)
{
	struct doc	 d;

	(void)state;
	doc_new(&d, NORMALIZE_CODEX);
	feed(&d, "{\"swarm_sent\":{\"id\":1,\"method\":\"initialize\","
	    "\"params\":{}}}");
	feed(&d, "{\"id\":1,\"result\":{\"userAgent\":\"codex\"}}");
	feed(&d, "{\"id\":2,\"result\":{\"authMethod\":\"apikey\"}}");
	feed(&d, "{\"id\":3,\"result\":{\"conversationId\":\"c-1\",\"model\":"
	    "\"gpt-5.1-codex\",\"reasoningEffort\":\"high\",\"rolloutPath\":"
	    "\"/r.jsonl\"}}");
	assert_string_equal(normalize_session_id(d.n), "c-1");
	assert_string_equal(brief(&d, 0), "system_message: model: "
	    "gpt-5.1-codex  reasoning effort: high");
	feed(&d, "{\"swarm_sent\":{\"id\":5,\"method\":\"sendUserMessage\","
	    "\"params\":{\"conversationId\":\"c-1\",\"items\":[{\"type\":"
	    "\"text\",\"data\":{\"text\":\"WRITE a.txt hi\"}}]}}}");
	assert_string_equal(brief(&d, 1), "user_message: WRITE a.txt hi");
	feed(&d, EV("session_configured", ",\"session_id\":\"c-1\",\"model\":"
	    "\"gpt-5.1-codex\""));
	feed(&d, EV("task_started", ""));
	feed(&d, EV("user_message", ",\"message\":\"WRITE a.txt hi\""));
	assert_int_equal(count(&d), 2);
	feed(&d, EV("agent_reasoning_delta", ",\"delta\":\"Let me \""));
	feed(&d, EV("agent_reasoning_delta", ",\"delta\":\"think\""));
	feed(&d, EV("agent_reasoning", ",\"text\":\"Let me think.\""));
	assert_string_equal(brief(&d, 2), "thinking: Let me think.");
	feed(&d, EV("agent_message_delta", ",\"delta\":\"Writing \""));
	feed(&d, EV("agent_message_delta", ",\"delta\":\"a.txt\""));
	assert_string_equal(brief(&d, 3), "assistant_message: Writing a.txt");
	feed(&d, EV("agent_message", ",\"message\":\"Writing a.txt.\""));
	assert_string_equal(brief(&d, 3), "assistant_message: Writing a.txt.");
	assert_int_equal(count(&d), 4);
	/* A patch: asked, approved, applied. */
	feed(&d, EV("apply_patch_approval_request", ",\"call_id\":\"p1\","
	    "\"changes\":{\"/w/t/a.txt\":{\"add\":{\"content\":\"hi\\n\"}}}"));
	assert_string_equal(brief(&d, 4), "tool_use: a.txt (approval "
	    "requested)");
	feed(&d, "{\"id\":0,\"method\":\"applyPatchApproval\",\"params\":"
	    "{\"conversationId\":\"c-1\",\"callId\":\"p1\"}}");
	feed(&d, "{\"swarm_sent\":{\"id\":0,\"result\":{\"decision\":"
	    "\"approved\"}}}");
	feed(&d, EV("patch_apply_begin", ",\"call_id\":\"p1\",\"auto_approved\""
	    ":false,\"changes\":{\"/w/t/a.txt\":{\"add\":{\"content\":"
	    "\"hi\\n\"}}}"));
	feed(&d, EV("patch_apply_end", ",\"call_id\":\"p1\",\"stdout\":\"\","
	    "\"stderr\":\"\",\"success\":true"));
	assert_int_equal(count(&d), 5);
	assert_string_equal(brief(&d, 4), "tool_use: a.txt");
	assert_string_equal(etype(&d, 4), "{\"type\":\"tool_use\",\"tool_name\":"
	    "\"edit\",\"action_type\":{\"action\":\"file_edit\",\"path\":"
	    "\"a.txt\",\"changes\":[{\"action\":\"write\",\"content\":"
	    "\"hi\\n\"}]},\"status\":{\"status\":\"success\"}}");
	/* A command: its output as it comes, then the exit code. */
	feed(&d, EV("exec_command_begin", ",\"call_id\":\"e1\",\"command\":"
	    "[\"bash\",\"-lc\",\"ls\"],\"cwd\":\"/w/t\""));
	assert_string_equal(brief(&d, 5), "tool_use: `bash -lc ls`");
	feed(&d, EV("exec_command_output_delta", ",\"call_id\":\"e1\","
	    "\"stream\":\"stdout\",\"chunk\":\"YS50eHQK\""));
	assert_non_null(strstr(etype(&d, 5), "\"output\":\"stdout:\\na.txt\\n\""));
	feed(&d, EV("exec_command_end", ",\"call_id\":\"e1\",\"stdout\":"
	    "\"a.txt\\n\",\"stderr\":\"\",\"aggregated_output\":\"a.txt\\n\","
	    "\"exit_code\":0,\"duration\":{\"secs\":0,\"nanos\":1},"
	    "\"formatted_output\":\"a.txt\\n\""));
	assert_string_equal(etype(&d, 5), "{\"type\":\"tool_use\",\"tool_name\":"
	    "\"bash\",\"action_type\":{\"action\":\"command_run\",\"command\":"
	    "\"bash -lc ls\",\"result\":{\"exit_status\":{\"type\":"
	    "\"exit_code\",\"code\":0},\"output\":\"a.txt\\n\"}},\"status\":"
	    "{\"status\":\"success\"}}");
	feed(&d, EV("plan_update", ",\"plan\":[{\"step\":\"write a.txt\","
	    "\"status\":\"completed\"},{\"step\":\"test\",\"status\":"
	    "\"in_progress\"}]"));
	assert_string_equal(brief(&d, 6), "tool_use: Plan updated (2 steps)");
	assert_non_null(strstr(etype(&d, 6), "{\"content\":\"test\",\"status\":"
	    "\"in_progress\",\"priority\":null}"));
	/* A command we deny: its entry says so. */
	feed(&d, EV("exec_approval_request", ",\"call_id\":\"e2\",\"command\":"
	    "[\"rm\",\"-rf\",\"/\"],\"cwd\":\"/w/t\""));
	assert_string_equal(brief(&d, 7), "tool_use: `rm -rf /` (approval "
	    "requested)");
	feed(&d, "{\"id\":1,\"method\":\"execCommandApproval\",\"params\":"
	    "{\"conversationId\":\"c-1\",\"callId\":\"e2\"}}");
	feed(&d, "{\"swarm_sent\":{\"id\":1,\"result\":{\"decision\":"
	    "\"denied\"}}}");
	assert_string_equal(brief(&d, 7), "tool_use: `rm -rf /`");
	assert_non_null(strstr(etype(&d, 7), "\"status\":{\"status\":"
	    "\"denied\",\"reason\":null}"));
	feed(&d, EV("mcp_tool_call_begin", ",\"call_id\":\"m1\",\"invocation\":"
	    "{\"server\":\"docs\",\"tool\":\"search\",\"arguments\":{\"q\":1}}"));
	feed(&d, EV("mcp_tool_call_end", ",\"call_id\":\"m1\",\"result\":"
	    "{\"Ok\":{\"content\":[{\"type\":\"text\",\"text\":\"found\"}]}}"));
	assert_string_equal(etype(&d, 8), "{\"type\":\"tool_use\",\"tool_name\":"
	    "\"mcp:docs:search\",\"action_type\":{\"action\":\"tool\","
	    "\"tool_name\":\"mcp:docs:search\",\"arguments\":{\"q\":1},"
	    "\"result\":{\"type\":\"markdown\",\"value\":\"found\"}},\"status\":"
	    "{\"status\":\"success\"}}");
	feed(&d, EV("stream_error", ",\"message\":\"retrying 1/5\""));
	assert_string_equal(brief(&d, 9), "error_message: Stream error: "
	    "retrying 1/5");
	feed(&d, EV("agent_message_delta", ",\"delta\":\"All done\""));
	assert_string_equal(brief(&d, 10), "assistant_message: All done");
	assert_false(normalize_finished(d.n));
	feed(&d, EV("task_complete", ",\"last_agent_message\":\"All done\""));
	assert_true(normalize_finished(d.n));
	assert_int_equal(count(&d), 11);
	assert_string_equal(summary(&d), "All done");
	doc_free(&d);
}

static void
normalize_codex_errors(void **state)
{
	struct doc	 d;

	(void)state;
	doc_new(&d, NORMALIZE_CODEX);
	feed(&d, "{\"id\":3,\"error\":{\"code\":-32600,\"message\":"
	    "\"rollout not found\"}}");
	assert_string_equal(brief(&d, 0), "error_message: rollout not found");
	feed(&d, EV("error", ",\"message\":\"unexpected status 401\""));
	assert_string_equal(brief(&d, 1), "error_message: unexpected status "
	    "401");
	/* A session configured notification names the session too. */
	feed(&d, "{\"method\":\"sessionConfigured\",\"params\":{\"sessionId\":"
	    "\"c-9\",\"model\":\"m\"}}");
	assert_string_equal(normalize_session_id(d.n), "c-9");
	/* Events of calls never begun change nothing. */
	feed(&d, EV("exec_command_end", ",\"call_id\":\"zz\",\"exit_code\":1"));
	feed(&d, EV("patch_apply_end", ",\"call_id\":\"zz\",\"success\":false"));
	assert_int_equal(count(&d), 2);
	assert_string_equal(summary(&d), "(null)");
	doc_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_acp_conversation),
		cmocka_unit_test(normalize_acp_load_and_errors),
		cmocka_unit_test(normalize_codex_conversation),
		cmocka_unit_test(normalize_codex_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
