/* normalize_acp.c: Agent Client Protocol conversations (Gemini, Qwen Code)
 * to NormalizedEntry ops */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "err.h"
#include "jsonx.h"
#include "normalize.h"
#include "normalize_int.h"

/*
 * The raw log of an ACP run holds the agent's stdout lines (JSON-RPC 2.0)
 * and the messages the runner sent, as {"swarm_sent": message} lines
 * (driver.h). From ours: the user message (the last text block of
 * session/prompt), which request an id belongs to, and when a
 * session/load is in flight (its history replay is not shown again).
 * From the agent's: session/update notifications (message and thought
 * chunks joined into one entry each, tool calls updated in place,
 * plans), session/request_permission (its tool call), the session id
 * and error responses. Mapping as the reference's acp/normalize_logs.rs.
 */

/* One streamed text: the entry it grows. */
struct acp_stream {
	int		 open;
	size_t		 entry;
	char		*buf;
	size_t		 len;
};

struct acp_tool {
	char		*id;
	size_t		 entry;
	json_object	*tc;		/* the fields seen so far, merged */
};

struct acp_state {
	json_object	*requests;	/* our request id -> its method */
	char		*load_id;	/* session/load in flight */
	struct acp_stream text, thought;
	struct acp_tool	*tools;
	size_t		 ntools, cap;
};

static struct acp_state *
state(struct normalizer *n)
{
	if (n->acp == NULL && (n->acp = calloc(1, sizeof(*n->acp))) != NULL &&
	    (n->acp->requests = json_object_new_object()) == NULL) {
		free(n->acp);
		n->acp = NULL;
	}
	return n->acp;
}

void
norm_acp_free(struct normalizer *n)
{
	struct acp_state	*s = n->acp;
	size_t			 i;

	if (s == NULL)
		return;
	json_object_put(s->requests);
	free(s->load_id);
	free(s->text.buf);
	free(s->thought.buf);
	for (i = 0; i < s->ntools; i++) {
		free(s->tools[i].id);
		json_object_put(s->tools[i].tc);
	}
	free(s->tools);
	free(s);
	n->acp = NULL;
}

/* A JSON-RPC id as a key ("7", "\"a\""). */
static const char *
id_key(json_object *id)
{
	return id != NULL ? json_object_to_json_string_ext(id,
	    JSON_C_TO_STRING_PLAIN) : NULL;
}

static void
streams_close(struct acp_state *s)
{
	s->text.open = s->thought.open = 0;
}

/* --- streamed text -------------------------------------------------- */

static int
stream_add(struct normalizer *n, json_object *ops, struct acp_stream *st,
    const char *type, const char *text)
{
	json_object	*e;

	if (!st->open) {
		/* A lone newline does not open a message (the reference). */
		if (strcmp(text, "\n") == 0 || text[0] == '\0')
			return 0;
		free(st->buf);
		st->buf = NULL;
		st->len = 0;
	}
	if (norm_buf_add(&st->buf, &st->len, text, strlen(text)) != 0)
		return E_FAIL;
	e = norm_simple(type, st->buf, NULL);
	if (st->open)
		return norm_emit(n, ops, "replace", st->entry, e);
	st->open = 1;
	return norm_emit_add(n, ops, e, &st->entry);
}

/* --- tool calls ----------------------------------------------------- */

static const char *
tc_str(json_object *tc, const char *key)
{
	return jsonx_get_str(tc, key);
}

/* The text content items of a tool call, joined (NULL: none). */
static char *
text_content(json_object *tc)
{
	json_object	*content, *it, *inner;
	const char	*t;
	char		*out = NULL;
	size_t		 i, n, len = 0;

	if (!json_object_object_get_ex(tc, "content", &content) ||
	    !json_object_is_type(content, json_type_array))
		return NULL;
	n = json_object_array_length(content);
	for (i = 0; i < n; i++) {
		it = json_object_array_get_idx(content, i);
		if (tc_str(it, "type") == NULL ||
		    strcmp(tc_str(it, "type"), "content") != 0 ||
		    !json_object_object_get_ex(it, "content", &inner) ||
		    (t = jsonx_get_str(inner, "text")) == NULL)
			continue;
		if (norm_buf_add(&out, &len, t, strlen(t)) != 0 ||
		    (len > 0 && out[len - 1] != '\n' &&
		    norm_buf_add(&out, &len, "\n", 1) != 0)) {
			free(out);
			return NULL;
		}
	}
	return out;
}

/* The first location's path, relative to the worktree ("" if none). */
static char *
tool_path(const struct normalizer *n, json_object *tc)
{
	json_object	*locs;
	const char	*p = NULL;

	if (json_object_object_get_ex(tc, "locations", &locs) &&
	    json_object_is_type(locs, json_type_array) &&
	    json_object_array_length(locs) > 0)
		p = jsonx_get_str(json_object_array_get_idx(locs, 0), "path");
	return norm_rel_path(n, p != NULL ? p : "");
}

/* The command of an execute call: rawInput.command, else from the title. */
static char *
tool_command(json_object *tc)
{
	json_object	*raw;
	const char	*s = NULL, *title = tc_str(tc, "title"), *cut;

	if (json_object_object_get_ex(tc, "rawInput", &raw))
		s = jsonx_get_str(raw, "command");
	if (s != NULL)
		return strdup(s);
	if (title == NULL)
		return strdup("");
	if ((cut = strstr(title, " [current working directory ")) == NULL)
		cut = strstr(title, " (");
	return cut != NULL ? strndup(title, (size_t)(cut - title)) :
	    strdup(title);
}

/* file_edit changes from the diff items (or a delete). */
static json_object *
edit_changes(const struct normalizer *n, json_object *tc, const char *rel,
    int delete)
{
	json_object	*arr, *content, *it, *c;
	const char	*oldt, *newt, *p;
	char		*path, *diff;
	size_t		 i, cnt;

	if ((arr = json_object_new_array()) == NULL)
		return NULL;
	if (delete) {
		if ((c = norm_action("delete")) == NULL ||
		    json_object_array_add(arr, c) != 0) {
			json_object_put(c);
			json_object_put(arr);
			return NULL;
		}
		return arr;
	}
	cnt = json_object_object_get_ex(tc, "content", &content) &&
	    json_object_is_type(content, json_type_array) ?
	    json_object_array_length(content) : 0;
	for (i = 0; i < cnt; i++) {
		it = json_object_array_get_idx(content, i);
		if (tc_str(it, "type") == NULL ||
		    strcmp(tc_str(it, "type"), "diff") != 0 ||
		    (newt = jsonx_get_str(it, "newText")) == NULL)
			continue;
		oldt = jsonx_get_str(it, "oldText");
		if (oldt == NULL || oldt[0] == '\0') {
			c = norm_action("write");
			if (c != NULL && jsonx_add_str(c, "content", newt) != 0) {
				json_object_put(c);
				c = NULL;
			}
		} else {
			p = jsonx_get_str(it, "path");
			path = p != NULL ? norm_rel_path(n, p) : strdup(rel);
			diff = path != NULL ? norm_unified_diff(path, oldt,
			    newt) : NULL;
			c = diff != NULL ? norm_action("edit") : NULL;
			if (c != NULL && (jsonx_add_str(c, "unified_diff",
			    diff) != 0 || jsonx_add_bool(c, "has_line_numbers",
			    0) != 0)) {
				json_object_put(c);
				c = NULL;
			}
			free(path);
			free(diff);
		}
		if (c == NULL || json_object_array_add(arr, c) != 0) {
			json_object_put(c);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

/* {"type": "json"|"markdown", "value"}: rawOutput, else text content. */
static json_object *
generic_result(json_object *tc)
{
	json_object	*raw = NULL, *r;
	char		*text;

	if (json_object_object_get_ex(tc, "rawOutput", &raw) && raw != NULL) {
		if ((r = json_object_new_object()) == NULL ||
		    jsonx_add_str(r, "type", "json") != 0 ||
		    jsonx_add(r, "value", norm_copy(raw)) != 0) {
			json_object_put(r);
			return NULL;
		}
		return r;
	}
	if ((text = text_content(tc)) == NULL)
		return NULL;
	if ((r = json_object_new_object()) == NULL ||
	    jsonx_add_str(r, "type", "markdown") != 0 ||
	    jsonx_add_str(r, "value", text) != 0) {
		json_object_put(r);
		r = NULL;
	}
	free(text);
	return r;
}

/* The entry of a tool call from its merged fields. */
static json_object *
tool_entry(const struct normalizer *n, json_object *tc)
{
	json_object	*act = NULL, *res, *ex, *raw = NULL, *meta;
	const char	*kind = tc_str(tc, "kind"), *status = tc_str(tc,
			    "status"), *title = tc_str(tc, "title"), *st, *q;
	char		*path = NULL, *cmd = NULL, *out = NULL, *content = NULL;

	if (kind == NULL)
		kind = "other";
	if (title == NULL)
		title = "";
	st = status != NULL && strcmp(status, "completed") == 0 ? "success" :
	    status != NULL && strcmp(status, "failed") == 0 ? "failed" :
	    "created";
	if ((path = tool_path(n, tc)) == NULL)
		goto fail;
	json_object_object_get_ex(tc, "rawInput", &raw);
	if (strcmp(kind, "read") == 0) {
		if ((act = norm_action("file_read")) == NULL ||
		    jsonx_add_str(act, "path", path) != 0)
			goto fail;
	} else if (strcmp(kind, "edit") == 0 || strcmp(kind, "delete") == 0) {
		if ((act = norm_action("file_edit")) == NULL ||
		    jsonx_add_str(act, "path", path) != 0 ||
		    jsonx_add(act, "changes", edit_changes(n, tc, path,
		    strcmp(kind, "delete") == 0)) != 0)
			goto fail;
	} else if (strcmp(kind, "execute") == 0) {
		if ((cmd = tool_command(tc)) == NULL ||
		    (act = norm_action("command_run")) == NULL ||
		    jsonx_add_str(act, "command", cmd) != 0 ||
		    (res = json_object_new_object()) == NULL ||
		    jsonx_add(act, "result", res) != 0)
			goto fail;
		ex = NULL;
		if (strcmp(st, "created") != 0 &&
		    ((ex = norm_etype("success")) == NULL ||
		    jsonx_add_bool(ex, "success", strcmp(st, "success") == 0))) {
			json_object_put(ex);
			goto fail;
		}
		out = text_content(tc);
		if (jsonx_add(res, "exit_status", ex) != 0 ||
		    jsonx_add_str(res, "output", out) != 0)
			goto fail;
	} else if (strcmp(kind, "search") == 0) {
		q = raw != NULL ? jsonx_get_str(raw, "query") : NULL;
		if ((act = norm_action("search")) == NULL ||
		    jsonx_add_str(act, "query", q != NULL ? q : title) != 0)
			goto fail;
	} else if (strcmp(kind, "fetch") == 0) {
		q = raw != NULL ? jsonx_get_str(raw, "url") : NULL;
		if ((act = norm_action("web_fetch")) == NULL ||
		    jsonx_add_str(act, "url", q != NULL ? q : title) != 0)
			goto fail;
	} else if (strcmp(kind, "switch_mode") == 0) {
		if ((act = norm_action("other")) == NULL ||
		    jsonx_add_str(act, "description", "switch_mode") != 0)
			goto fail;
	} else {
		if ((act = norm_action("tool")) == NULL ||
		    jsonx_add_str(act, "tool_name", title) != 0 ||
		    jsonx_add(act, "arguments", norm_copy(raw)) != 0 ||
		    jsonx_add(act, "result", generic_result(tc)) != 0)
			goto fail;
	}
	if (strcmp(kind, "execute") == 0)
		content = strdup(cmd);
	else if ((strcmp(kind, "read") == 0 || strcmp(kind, "edit") == 0 ||
	    strcmp(kind, "delete") == 0) && path[0] != '\0')
		content = strdup(path);
	else
		content = strdup(title);
	if (content == NULL || (meta = json_object_new_object()) == NULL ||
	    jsonx_add_str(meta, "tool_call_id", tc_str(tc, "toolCallId")) != 0)
		goto fail;
	free(path);
	free(cmd);
	free(out);
	{
		json_object *e = norm_entry(norm_tool_etype(title, act, st),
		    content, meta);

		free(content);
		return e;
	}
fail:
	json_object_put(act);
	free(path);
	free(cmd);
	free(out);
	free(content);
	return NULL;
}

/* Merge the non-empty fields of update into tc. */
static int
tool_merge(json_object *tc, json_object *update)
{
	json_object_object_foreach(update, key, val) {
		if (strcmp(key, "sessionUpdate") == 0 || val == NULL)
			continue;
		if (json_object_is_type(val, json_type_string) &&
		    json_object_get_string_len(val) == 0)
			continue;
		if (json_object_is_type(val, json_type_array) &&
		    json_object_array_length(val) == 0)
			continue;
		if (jsonx_add(tc, key, norm_copy(val)) != 0)
			return E_FAIL;
	}
	return 0;
}

/* A tool_call or tool_call_update (or a permission request's toolCall). */
static int
tool_update(struct normalizer *n, json_object *ops, json_object *update)
{
	struct acp_state	*s = n->acp;
	struct acp_tool		*t = NULL, *nt;
	const char		*id = jsonx_get_str(update, "toolCallId");
	size_t			 i;

	if (id == NULL)
		return 0;
	streams_close(s);
	for (i = 0; i < s->ntools && t == NULL; i++)
		if (strcmp(s->tools[i].id, id) == 0)
			t = &s->tools[i];
	if (t != NULL) {
		if (tool_merge(t->tc, update) != 0)
			return E_FAIL;
		return norm_emit(n, ops, "replace", t->entry,
		    tool_entry(n, t->tc));
	}
	if (s->ntools == s->cap) {
		if ((nt = reallocarray(s->tools, s->cap * 2 + 8,
		    sizeof(*nt))) == NULL)
			return E_FAIL;
		s->tools = nt;
		s->cap = s->cap * 2 + 8;
	}
	t = &s->tools[s->ntools];
	memset(t, 0, sizeof(*t));
	if ((t->id = strdup(id)) == NULL ||
	    (t->tc = json_object_new_object()) == NULL ||
	    tool_merge(t->tc, update) != 0) {
		free(t->id);
		json_object_put(t->tc);
		return E_FAIL;
	}
	s->ntools++;
	return norm_emit_add(n, ops, tool_entry(n, t->tc), &t->entry);
}

/* plan: a todo_management entry. */
static int
plan(struct normalizer *n, json_object *ops, json_object *update)
{
	json_object	*entries, *todos, *it, *todo, *act;
	size_t		 i, cnt;

	streams_close(n->acp);
	if (!json_object_object_get_ex(update, "entries", &entries) ||
	    !json_object_is_type(entries, json_type_array) ||
	    (todos = json_object_new_array()) == NULL)
		return 0;
	cnt = json_object_array_length(entries);
	for (i = 0; i < cnt; i++) {
		it = json_object_array_get_idx(entries, i);
		if ((todo = json_object_new_object()) == NULL ||
		    json_object_array_add(todos, todo) != 0 ||
		    jsonx_add_str(todo, "content", jsonx_get_str(it,
		    "content") != NULL ? jsonx_get_str(it, "content") : "") != 0 ||
		    jsonx_add_str(todo, "status", jsonx_get_str(it,
		    "status") != NULL ? jsonx_get_str(it, "status") :
		    "unknown") != 0 ||
		    jsonx_add_str(todo, "priority", jsonx_get_str(it,
		    "priority")) != 0) {
			json_object_put(todos);
			return E_FAIL;
		}
	}
	if ((act = norm_action("todo_management")) == NULL ||
	    jsonx_add(act, "todos", todos) != 0 ||
	    jsonx_add_str(act, "operation", "update") != 0) {
		json_object_put(act);
		return E_FAIL;
	}
	return norm_emit_add(n, ops, norm_entry(norm_tool_etype("plan", act,
	    "success"), "Plan updated", NULL), NULL);
}

static int
session_update(struct normalizer *n, json_object *ops, json_object *params)
{
	struct acp_state	*s = n->acp;
	json_object		*up, *content;
	const char		*kind, *text, *mode;
	char			*msg;
	int			 rc;

	if (!json_object_object_get_ex(params, "update", &up) ||
	    (kind = jsonx_get_str(up, "sessionUpdate")) == NULL)
		return 0;
	if (strcmp(kind, "agent_message_chunk") == 0 ||
	    strcmp(kind, "agent_thought_chunk") == 0) {
		if (!json_object_object_get_ex(up, "content", &content) ||
		    (text = jsonx_get_str(content, "text")) == NULL)
			return 0;
		if (kind[6] == 'm') {
			s->thought.open = 0;
			return stream_add(n, ops, &s->text,
			    "assistant_message", text);
		}
		s->text.open = 0;
		return stream_add(n, ops, &s->thought, "thinking", text);
	}
	if (strcmp(kind, "tool_call") == 0 ||
	    strcmp(kind, "tool_call_update") == 0)
		return tool_update(n, ops, up);
	if (strcmp(kind, "plan") == 0)
		return plan(n, ops, up);
	if (strcmp(kind, "current_mode_update") == 0 &&
	    (mode = jsonx_get_str(up, "currentModeId")) != NULL) {
		if (asprintf(&msg, "Current mode: %s", mode) < 0)
			return E_FAIL;
		rc = norm_emit_add(n, ops, norm_simple("system_message", msg,
		    NULL), NULL);
		free(msg);
		return rc;
	}
	/* user_message_chunk (ours, shown from what we sent),
	 * available_commands_update: nothing to show. */
	return 0;
}

/* The last text block of a prompt: what the user asked. */
static const char *
prompt_text(json_object *params)
{
	json_object	*blocks;
	const char	*t = NULL, *s;
	size_t		 i, cnt;

	if (!json_object_object_get_ex(params, "prompt", &blocks) ||
	    !json_object_is_type(blocks, json_type_array))
		return NULL;
	cnt = json_object_array_length(blocks);
	for (i = 0; i < cnt; i++)
		if ((s = jsonx_get_str(json_object_array_get_idx(blocks, i),
		    "text")) != NULL)
			t = s;
	return t;
}

/* A message the runner sent. */
static int
sent(struct normalizer *n, json_object *ops, json_object *m)
{
	struct acp_state	*s = n->acp;
	json_object		*id = NULL, *params = NULL;
	const char		*method = jsonx_get_str(m, "method"), *t;

	if (method == NULL)
		return 0;	/* our answers to the agent's requests */
	json_object_object_get_ex(m, "id", &id);
	json_object_object_get_ex(m, "params", &params);
	if (id != NULL && jsonx_add_str(s->requests, id_key(id), method) != 0)
		return E_FAIL;
	if (strcmp(method, "session/load") == 0) {
		free(s->load_id);
		if (id == NULL || (s->load_id = strdup(id_key(id))) == NULL)
			return id == NULL ? 0 : E_FAIL;
		return norm_session(n, jsonx_get_str(params, "sessionId"));
	}
	if (strcmp(method, "session/prompt") == 0 &&
	    (t = prompt_text(params)) != NULL) {
		streams_close(s);
		return norm_emit_add(n, ops, norm_simple("user_message", t,
		    NULL), NULL);
	}
	return 0;
}

/* A response from the agent to one of our requests. */
static int
response(struct normalizer *n, json_object *ops, json_object *m,
    json_object *id)
{
	struct acp_state	*s = n->acp;
	json_object		*err = NULL, *result = NULL;
	const char		*method = jsonx_get_str(s->requests, id_key(id)),
				*msg;

	if (method == NULL)
		return 0;
	if (s->load_id != NULL && strcmp(s->load_id, id_key(id)) == 0) {
		free(s->load_id);
		s->load_id = NULL;
	}
	json_object_object_get_ex(m, "result", &result);
	if (strcmp(method, "session/new") == 0 &&
	    norm_session(n, jsonx_get_str(result, "sessionId")) != 0)
		return E_FAIL;
	if (strcmp(method, "session/prompt") == 0) {
		n->finished = 1;
		streams_close(s);
	}
	if (!json_object_object_get_ex(m, "error", &err) || err == NULL)
		return 0;
	/* A load that failed is retried with a new session: not an error. */
	if (strcmp(method, "session/load") == 0)
		return 0;
	msg = jsonx_get_str(err, "message");
	return norm_emit_add(n, ops, norm_error(0, msg != NULL ? msg :
	    "unknown error", norm_copy(err)), NULL);
}

int
norm_acp_line(struct normalizer *n, json_object *ops, const char *line,
    size_t len)
{
	struct acp_state	*s;
	json_object		*o, *x = NULL, *id = NULL, *params = NULL;
	const char		*method;
	int			 rc = 0;

	if ((s = state(n)) == NULL)
		return E_FAIL;
	if ((rc = norm_json_line(&o, n, ops, line, len)) != 0)
		return rc < 0 ? rc : 0;
	if (json_object_object_get_ex(o, DRIVER_SENT_KEY, &x)) {
		rc = sent(n, ops, x);
		goto out;
	}
	method = jsonx_get_str(o, "method");
	json_object_object_get_ex(o, "id", &id);
	json_object_object_get_ex(o, "params", &params);
	if (method == NULL) {
		if (id != NULL)
			rc = response(n, ops, o, id);
	} else if (strcmp(method, "session/update") == 0) {
		/* A session being loaded replays history: shown before. */
		if (s->load_id == NULL)
			rc = session_update(n, ops, params);
	} else if (strcmp(method, "session/request_permission") == 0 &&
	    json_object_object_get_ex(params, "toolCall", &x))
		rc = tool_update(n, ops, x);
out:
	json_object_put(o);
	return rc;
}
