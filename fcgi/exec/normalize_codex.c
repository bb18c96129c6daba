/* normalize_codex.c: `codex app-server` conversations to NormalizedEntry ops */
#include <openssl/evp.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "err.h"
#include "jsonx.h"
#include "normalize.h"
#include "normalize_int.h"

/*
 * The raw log holds Codex's stdout (JSON-RPC without the "jsonrpc"
 * member) and the messages the runner sent as {"swarm_sent": message}
 * lines (driver.h): sendUserMessage is the user message, our answers to
 * approval requests mark denied tools. Codex reports its work as
 * codex/event/<type> notifications whose params.msg is the event; the
 * mapping follows the reference's codex/normalize_logs.rs: deltas grow
 * one assistant (or reasoning) entry, commands and patches are tool
 * entries updated in place as they run and end, plans are todo lists,
 * errors error entries. The session id is the conversationId.
 */

#define CODEX_OUTPUT_MAX	(64 * 1024)	/* command output kept */

struct codex_stream {
	int		 open;
	size_t		 entry;
	char		*buf;
	size_t		 len;
};

struct codex_state {
	struct codex_stream text, thought;
	/* call_id -> {kind, entry(s), fields}: commands, patches, tools */
	json_object	*calls;
	json_object	*approvals;	/* request id -> call_id */
	int		 model_reported;
};

static struct codex_state *
state(struct normalizer *n)
{
	struct codex_state	*s;

	if (n->codex != NULL)
		return n->codex;
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	if ((s->calls = json_object_new_object()) == NULL ||
	    (s->approvals = json_object_new_object()) == NULL) {
		json_object_put(s->calls);
		free(s);
		return NULL;
	}
	return n->codex = s;
}

void
norm_codex_free(struct normalizer *n)
{
	struct codex_state	*s = n->codex;

	if (s == NULL)
		return;
	free(s->text.buf);
	free(s->thought.buf);
	json_object_put(s->calls);
	json_object_put(s->approvals);
	free(s);
	n->codex = NULL;
}

static void
streams_close(struct codex_state *s)
{
	s->text.open = s->thought.open = 0;
}

/* Grow (or with whole set, replace) a streamed entry. */
static int
stream_add(struct normalizer *n, json_object *ops, struct codex_stream *st,
    const char *type, const char *text, int whole)
{
	json_object	*e;

	if (!st->open || whole) {
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

static long long
get_int(json_object *o, const char *key, long long def)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_int64(v);
}

/* A command as text: an argv array joined by spaces, or a string. */
static char *
command_text(json_object *cmd)
{
	char	*out = NULL;
	size_t	 i, n, len = 0;
	const char *s;

	if (json_object_is_type(cmd, json_type_string))
		return strdup(json_object_get_string(cmd));
	if (!json_object_is_type(cmd, json_type_array))
		return strdup("");
	n = json_object_array_length(cmd);
	for (i = 0; i < n; i++) {
		s = json_object_get_string(json_object_array_get_idx(cmd, i));
		if ((i > 0 && norm_buf_add(&out, &len, " ", 1) != 0) ||
		    norm_buf_add(&out, &len, s != NULL ? s : "",
		    s != NULL ? strlen(s) : 0) != 0) {
			free(out);
			return NULL;
		}
	}
	return out != NULL ? out : strdup("");
}

/* --- commands ------------------------------------------------------- */

/* A tool_use entry_type with status st ("denied" gets reason null). */
static json_object *
tool_type(const char *name, json_object *act, const char *st)
{
	json_object	*et, *so;

	if ((et = norm_tool_etype(name, act, st != NULL ? st : "created")) ==
	    NULL || st == NULL || strcmp(st, "denied") != 0)
		return et;
	if (!json_object_object_get_ex(et, "status", &so) ||
	    jsonx_add(so, "reason", NULL) != 0) {
		json_object_put(et);
		return NULL;
	}
	return et;
}

/* The entry of a command from its state. */
static json_object *
command_entry(json_object *c)
{
	json_object	*act, *res, *ex = NULL, *et;
	const char	*cmd = jsonx_get_str(c, "command"),
			*st = jsonx_get_str(c, "status"), *out;
	char		*content, *joined = NULL;
	size_t		 jl = 0;
	const char	*so = jsonx_get_str(c, "stdout"),
			*se = jsonx_get_str(c, "stderr");

	if ((out = jsonx_get_str(c, "formatted")) == NULL) {
		/* stdout and stderr sections, as the reference shows them */
		if (so != NULL && so[0] != '\0' &&
		    (norm_buf_add(&joined, &jl, "stdout:\n", 8) != 0 ||
		    norm_buf_add(&joined, &jl, so, strlen(so)) != 0))
			goto fail;
		if (se != NULL && se[0] != '\0' &&
		    ((jl > 0 && norm_buf_add(&joined, &jl, "\n\n", 2) != 0) ||
		    norm_buf_add(&joined, &jl, "stderr:\n", 8) != 0 ||
		    norm_buf_add(&joined, &jl, se, strlen(se)) != 0))
			goto fail;
		out = joined;
	}
	if (json_object_object_get_ex(c, "exit_code", &ex) && ex != NULL) {
		long long code = json_object_get_int64(ex);

		if ((ex = norm_etype("exit_code")) == NULL ||
		    jsonx_add_int(ex, "code", code) != 0)
			goto fail;
	} else
		ex = NULL;
	if ((act = norm_action("command_run")) == NULL ||
	    jsonx_add_str(act, "command", cmd) != 0 ||
	    (res = json_object_new_object()) == NULL ||
	    jsonx_add(act, "result", res) != 0 ||
	    jsonx_add(res, "exit_status", ex) != 0 ||
	    jsonx_add_str(res, "output", out) != 0) {
		json_object_put(act);
		goto fail;
	}
	if (asprintf(&content, "`%s`%s", cmd, json_object_get_boolean(
	    json_object_object_get(c, "awaiting")) ? " (approval requested)" :
	    "") < 0) {
		json_object_put(act);
		goto fail;
	}
	et = tool_type("bash", act, st);
	free(joined);
	{
		json_object *e = norm_entry(et, content, NULL);

		free(content);
		return e;
	}
fail:
	free(joined);
	return NULL;
}

/* The state object of call_id (created with kind when missing). */
static json_object *
call(struct codex_state *s, const char *call_id, const char *kind,
    int create)
{
	json_object	*c = NULL;

	if (call_id == NULL)
		return NULL;
	if (json_object_object_get_ex(s->calls, call_id, &c) || !create)
		return c;
	if ((c = json_object_new_object()) == NULL)
		return NULL;
	if (jsonx_add_str(c, "kind", kind) != 0 ||
	    jsonx_add(s->calls, call_id, c) != 0)
		return NULL;
	return c;
}

/* Add or replace the entry of a call with e. */
static int
call_emit(struct normalizer *n, json_object *ops, json_object *c,
    json_object *e)
{
	long long	 idx = get_int(c, "entry", -1);
	size_t		 at;
	int		 rc;

	if (e == NULL)
		return E_FAIL;
	if (idx >= 0)
		return norm_emit(n, ops, "replace", (size_t)idx, e);
	if ((rc = norm_emit_add(n, ops, e, &at)) != 0)
		return rc;
	return jsonx_add_int(c, "entry", (long long)at);
}

static int
set_str(json_object *o, const char *key, const char *v)
{
	return jsonx_add_str(o, key, v);
}

/* Append a chunk to a bounded output field. */
static int
append_out(json_object *c, const char *key, const char *chunk, size_t len)
{
	const char	*old = jsonx_get_str(c, key);
	size_t		 ol = old != NULL ? strlen(old) : 0;
	char		*buf;
	int		 rc;

	if (ol >= CODEX_OUTPUT_MAX)
		return 0;
	if (len > CODEX_OUTPUT_MAX - ol)
		len = CODEX_OUTPUT_MAX - ol;
	if ((buf = malloc(ol + len + 1)) == NULL)
		return E_FAIL;
	memcpy(buf, old != NULL ? old : "", ol);
	memcpy(buf + ol, chunk, len);
	buf[ol + len] = '\0';
	rc = jsonx_add(c, key, json_object_new_string_len(buf,
	    (int)(ol + len)));
	free(buf);
	return rc;
}

/* base64 text to bytes (NUL-terminated, invalid UTF-8 replaced). */
static char *
unbase64(const char *in)
{
	unsigned char	*raw;
	size_t		 len = strlen(in), pad = 0;
	int		 n;
	char		*out;

	if (len % 4 != 0 || len > 4 * 1024 * 1024)
		return NULL;
	if ((raw = malloc(len / 4 * 3 + 1)) == NULL)
		return NULL;
	if ((n = EVP_DecodeBlock(raw, (const unsigned char *)in,
	    (int)len)) < 0) {
		free(raw);
		return NULL;
	}
	pad = len > 0 && in[len - 1] == '=' ? (len > 1 &&
	    in[len - 2] == '=' ? 2 : 1) : 0;
	out = norm_clean_text((const char *)raw, (size_t)n - pad, 0);
	free(raw);
	return out;
}

static int
ev_exec(struct normalizer *n, json_object *ops, json_object *ev,
    const char *type)
{
	struct codex_state	*s = n->codex;
	json_object		*c, *v;
	const char		*id = jsonx_get_str(ev, "call_id"), *chunk;
	char			*text;
	int			 rc;

	streams_close(s);
	if (strcmp(type, "exec_approval_request") == 0 ||
	    strcmp(type, "exec_command_begin") == 0) {
		if ((c = call(s, id, "command", 1)) == NULL)
			return id == NULL ? 0 : E_FAIL;
		if (jsonx_get_str(c, "command") == NULL ||
		    strcmp(type, "exec_command_begin") == 0) {
			json_object_object_get_ex(ev, "command", &v);
			if ((text = command_text(v)) == NULL)
				return E_FAIL;
			if (text[0] == '\0' && jsonx_get_str(ev, "reason")) {
				free(text);
				text = strdup(jsonx_get_str(ev, "reason"));
			}
			rc = text != NULL ? set_str(c, "command", text) : E_FAIL;
			free(text);
			if (rc != 0)
				return rc;
		}
		if (jsonx_add_bool(c, "awaiting", type[5] == 'a') != 0 ||
		    (jsonx_get_str(c, "status") == NULL &&
		    set_str(c, "status", "created") != 0))
			return E_FAIL;
		return call_emit(n, ops, c, command_entry(c));
	}
	if ((c = call(s, id, "command", 0)) == NULL)
		return 0;
	if (strcmp(type, "exec_command_output_delta") == 0) {
		if ((chunk = jsonx_get_str(ev, "chunk")) == NULL ||
		    (text = unbase64(chunk)) == NULL)
			return 0;
		chunk = jsonx_get_str(ev, "stream");
		if (text[0] == '\0') {
			free(text);
			return 0;
		}
		rc = append_out(c, chunk != NULL && strcmp(chunk, "stderr") ==
		    0 ? "stderr" : "stdout", text, strlen(text));
		free(text);
		if (rc != 0)
			return rc;
		return call_emit(n, ops, c, command_entry(c));
	}
	/* exec_command_end */
	if (!json_object_object_get_ex(ev, "exit_code", &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	if (jsonx_add_int(c, "exit_code", json_object_get_int64(v)) != 0 ||
	    jsonx_add_bool(c, "awaiting", 0) != 0 ||
	    set_str(c, "status", json_object_get_int64(v) == 0 ? "success" :
	    "failed") != 0)
		return E_FAIL;
	if ((chunk = jsonx_get_str(ev, "formatted_output")) != NULL ||
	    (chunk = jsonx_get_str(ev, "aggregated_output")) != NULL)
		if (set_str(c, "formatted", chunk) != 0)
			return E_FAIL;
	return call_emit(n, ops, c, command_entry(c));
}

/* --- patches -------------------------------------------------------- */

/*
 * One file's changes: {"add": {content}} | {"delete": {...}} |
 * {"update": {unified_diff, move_path}} (or the same with a "type").
 */
static json_object *
file_changes(const struct normalizer *n, json_object *ch)
{
	json_object	*arr, *x = NULL, *c = NULL;
	const char	*type = jsonx_get_str(ch, "type"), *s;
	char		*rel;

	if ((arr = json_object_new_array()) == NULL)
		return NULL;
	if (type == NULL) {
		json_object_object_foreach(ch, k, v) {
			type = k;
			x = v;
			break;
		}
	} else
		x = ch;
	if (type == NULL)
		return arr;
	if (strcmp(type, "add") == 0) {
		if ((c = norm_action("write")) == NULL ||
		    jsonx_add_str(c, "content", jsonx_get_str(x, "content") ?
		    jsonx_get_str(x, "content") : "") != 0)
			goto fail;
	} else if (strcmp(type, "delete") == 0) {
		if ((c = norm_action("delete")) == NULL)
			goto fail;
	} else if (strcmp(type, "update") == 0) {
		if ((s = jsonx_get_str(x, "move_path")) != NULL) {
			if ((rel = norm_rel_path(n, s)) == NULL ||
			    (c = norm_action("rename")) == NULL ||
			    jsonx_add_str(c, "new_path", rel) != 0 ||
			    json_object_array_add(arr, c) != 0) {
				free(rel);
				goto fail;
			}
			free(rel);
		}
		if ((c = norm_action("edit")) == NULL ||
		    jsonx_add_str(c, "unified_diff", jsonx_get_str(x,
		    "unified_diff") ? jsonx_get_str(x, "unified_diff") : "") ||
		    jsonx_add_bool(c, "has_line_numbers", 1) != 0)
			goto fail;
	} else
		return arr;
	if (json_object_array_add(arr, c) != 0)
		goto fail;
	return arr;
fail:
	json_object_put(c);
	json_object_put(arr);
	return NULL;
}

static json_object *
patch_entry(json_object *f, const char *status)
{
	json_object	*act, *et;
	const char	*path = jsonx_get_str(f, "path"), *tail = "";
	char		*content;

	if (json_object_get_boolean(json_object_object_get(f, "awaiting")))
		tail = " (approval requested)";
	if ((act = norm_action("file_edit")) == NULL ||
	    jsonx_add_str(act, "path", path) != 0 ||
	    jsonx_add(act, "changes", norm_copy(json_object_object_get(f,
	    "changes"))) != 0) {
		json_object_put(act);
		return NULL;
	}
	et = tool_type("edit", act, status);
	if (asprintf(&content, "%s%s", path, tail) < 0) {
		json_object_put(et);
		return NULL;
	}
	{
		json_object *e = norm_entry(et, content, NULL);

		free(content);
		return e;
	}
}

/* Emit every file of a patch call with its status. */
static int
patch_emit(struct normalizer *n, json_object *ops, json_object *c)
{
	json_object	*files, *f;
	const char	*st = jsonx_get_str(c, "status");
	long long	 idx;
	size_t		 i, cnt, at;
	int		 rc;

	if (!json_object_object_get_ex(c, "files", &files))
		return 0;
	cnt = json_object_array_length(files);
	for (i = 0; i < cnt; i++) {
		f = json_object_array_get_idx(files, i);
		if ((idx = get_int(f, "entry", -1)) >= 0)
			rc = norm_emit(n, ops, "replace", (size_t)idx,
			    patch_entry(f, st));
		else if ((rc = norm_emit_add(n, ops, patch_entry(f, st),
		    &at)) == 0)
			rc = jsonx_add_int(f, "entry", (long long)at);
		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
ev_patch(struct normalizer *n, json_object *ops, json_object *ev,
    const char *type)
{
	struct codex_state	*s = n->codex;
	json_object		*c, *changes, *files, *f, *v;
	const char		*id = jsonx_get_str(ev, "call_id");
	char			*rel;
	size_t			 i = 0, cnt;
	int			 awaiting = type[0] == 'a';

	streams_close(s);
	if (strcmp(type, "patch_apply_end") == 0) {
		if ((c = call(s, id, "patch", 0)) == NULL)
			return 0;
		if (set_str(c, "status", json_object_get_boolean(
		    json_object_object_get(ev, "success")) ? "success" :
		    "failed") != 0)
			return E_FAIL;
		return patch_emit(n, ops, c);
	}
	if ((c = call(s, id, "patch", 1)) == NULL)
		return id == NULL ? 0 : E_FAIL;
	if (!json_object_object_get_ex(ev, "changes", &changes) ||
	    !json_object_is_type(changes, json_type_object))
		return 0;
	if (!json_object_object_get_ex(c, "files", &files)) {
		if ((files = json_object_new_array()) == NULL ||
		    jsonx_add(c, "files", files) != 0)
			return E_FAIL;
	}
	if (set_str(c, "status", "created") != 0)
		return E_FAIL;
	cnt = json_object_array_length(files);
	json_object_object_foreach(changes, path, ch) {
		/* The same files in the same order: update them in place. */
		if (i < cnt)
			f = json_object_array_get_idx(files, i);
		else if ((f = json_object_new_object()) == NULL ||
		    json_object_array_add(files, f) != 0)
			return E_FAIL;
		i++;
		if ((rel = norm_rel_path(n, path)) == NULL)
			return E_FAIL;
		v = file_changes(n, ch);
		if (set_str(f, "path", rel) != 0 || v == NULL ||
		    jsonx_add(f, "changes", v) != 0 ||
		    jsonx_add_bool(f, "awaiting", awaiting) != 0) {
			free(rel);
			return E_FAIL;
		}
		free(rel);
	}
	return patch_emit(n, ops, c);
}

/* --- other tools ---------------------------------------------------- */

static int
ev_mcp(struct normalizer *n, json_object *ops, json_object *ev, int end)
{
	struct codex_state	*s = n->codex;
	json_object		*c, *inv, *act, *res = NULL, *r, *ok, *items;
	json_object		*it, *e, *et;
	const char		*id = jsonx_get_str(ev, "call_id"), *t, *st;
	char			*name = NULL, *text = NULL;
	size_t			 i, cnt, len = 0;
	int			 all_text = 1, rc = E_FAIL;

	streams_close(s);
	if ((c = call(s, id, "mcp", !end)) == NULL)
		return !end && id != NULL ? E_FAIL : 0;
	if (!end) {
		if (!json_object_object_get_ex(ev, "invocation", &inv))
			return 0;
		if (jsonx_add(c, "invocation", norm_copy(inv)) != 0 ||
		    set_str(c, "status", "created") != 0)
			return E_FAIL;
	} else {
		st = "failed";
		json_object_object_get_ex(ev, "result", &r);
		if (json_object_object_get_ex(r, "Ok", &ok)) {
			st = json_object_get_boolean(json_object_object_get(ok,
			    "isError")) ? "failed" : "success";
			items = json_object_object_get(ok, "content");
			cnt = json_object_is_type(items, json_type_array) ?
			    json_object_array_length(items) : 0;
			for (i = 0; i < cnt && all_text; i++) {
				it = json_object_array_get_idx(items, i);
				if ((t = jsonx_get_str(it, "text")) == NULL)
					all_text = 0;
				else if ((i > 0 && norm_buf_add(&text, &len,
				    "\n", 1) != 0) || norm_buf_add(&text, &len,
				    t, strlen(t)) != 0)
					goto out;
			}
			res = json_object_new_object();
			if (res == NULL || jsonx_add_str(res, "type", all_text ?
			    "markdown" : "json") != 0 ||
			    jsonx_add(res, "value", all_text ?
			    json_object_new_string(text != NULL ? text : "") :
			    norm_copy(items)) != 0)
				goto out;
		} else if ((t = jsonx_get_str(r, "Err")) != NULL) {
			res = json_object_new_object();
			if (res == NULL || jsonx_add_str(res, "type",
			    "markdown") != 0 || jsonx_add_str(res, "value", t))
				goto out;
		}
		if (set_str(c, "status", st) != 0 ||
		    jsonx_add(c, "result", res) != 0) {
			res = NULL;
			goto out;
		}
		res = NULL;
	}
	inv = json_object_object_get(c, "invocation");
	if (asprintf(&name, "mcp:%s:%s", jsonx_get_str(inv, "server") ?
	    jsonx_get_str(inv, "server") : "", jsonx_get_str(inv, "tool") ?
	    jsonx_get_str(inv, "tool") : "") < 0) {
		name = NULL;
		goto out;
	}
	if ((act = norm_action("tool")) == NULL ||
	    jsonx_add_str(act, "tool_name", name) != 0 ||
	    jsonx_add(act, "arguments", norm_copy(json_object_object_get(inv,
	    "arguments"))) != 0 ||
	    jsonx_add(act, "result", norm_copy(json_object_object_get(c,
	    "result"))) != 0) {
		json_object_put(act);
		goto out;
	}
	et = tool_type(name, act, jsonx_get_str(c, "status"));
	e = norm_entry(et, jsonx_get_str(inv, "tool") ? jsonx_get_str(inv,
	    "tool") : "", NULL);
	rc = call_emit(n, ops, c, e);
out:
	json_object_put(res);
	free(name);
	free(text);
	return rc;
}

static int
ev_web(struct normalizer *n, json_object *ops, json_object *ev, int end)
{
	struct codex_state	*s = n->codex;
	json_object		*c, *act;
	const char		*id = jsonx_get_str(ev, "call_id"), *q;

	streams_close(s);
	if ((c = call(s, id, "web", !end)) == NULL)
		return !end && id != NULL ? E_FAIL : 0;
	if (end && ((q = jsonx_get_str(ev, "query")) == NULL ||
	    set_str(c, "query", q) != 0))
		return q == NULL ? 0 : E_FAIL;
	q = jsonx_get_str(c, "query");
	if ((act = norm_action("web_fetch")) == NULL ||
	    jsonx_add_str(act, "url", q != NULL ? q : "...") != 0) {
		json_object_put(act);
		return E_FAIL;
	}
	return call_emit(n, ops, c, norm_entry(norm_tool_etype("web_search",
	    act, end ? "success" : "created"), q != NULL ? q : "Web search",
	    NULL));
}

static int
ev_plan(struct normalizer *n, json_object *ops, json_object *ev)
{
	json_object	*plan, *todos, *it, *todo, *act;
	const char	*expl = jsonx_get_str(ev, "explanation"), *step, *st;
	char		*content;
	size_t		 i, cnt;
	int		 rc;

	streams_close(n->codex);
	if (!json_object_object_get_ex(ev, "plan", &plan) ||
	    !json_object_is_type(plan, json_type_array) ||
	    (todos = json_object_new_array()) == NULL)
		return 0;
	cnt = json_object_array_length(plan);
	for (i = 0; i < cnt; i++) {
		it = json_object_array_get_idx(plan, i);
		step = jsonx_get_str(it, "step");
		st = jsonx_get_str(it, "status");
		if ((todo = json_object_new_object()) == NULL ||
		    json_object_array_add(todos, todo) != 0 ||
		    jsonx_add_str(todo, "content", step ? step : "") != 0 ||
		    jsonx_add_str(todo, "status", st ? st : "pending") != 0 ||
		    jsonx_add(todo, "priority", NULL) != 0) {
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
	if (expl != NULL && expl[0] != '\0')
		content = strdup(expl);
	else if (cnt == 0)
		content = strdup("Plan updated");
	else if (asprintf(&content, "Plan updated (%zu steps)", cnt) < 0)
		content = NULL;
	if (content == NULL) {
		json_object_put(act);
		return E_FAIL;
	}
	rc = norm_emit_add(n, ops, norm_entry(norm_tool_etype("plan", act,
	    "success"), content, NULL), NULL);
	free(content);
	return rc;
}

/* "model: M  reasoning effort: E", once. */
static int
model_message(struct normalizer *n, json_object *ops, const char *model,
    const char *effort)
{
	char	*s;
	int	 rc;

	if (n->codex->model_reported || model == NULL)
		return 0;
	n->codex->model_reported = 1;
	if ((effort != NULL ? asprintf(&s, "model: %s  reasoning effort: %s",
	    model, effort) : asprintf(&s, "model: %s", model)) < 0)
		return E_FAIL;
	rc = norm_emit_add(n, ops, norm_simple("system_message", s, NULL),
	    NULL);
	free(s);
	return rc;
}

/* --- events --------------------------------------------------------- */

static int
event(struct normalizer *n, json_object *ops, json_object *ev)
{
	struct codex_state	*s = n->codex;
	const char		*type = jsonx_get_str(ev, "type"), *t;
	char			*msg;
	int			 rc;

	if (type == NULL)
		return 0;
	if (strcmp(type, "session_configured") == 0) {
		if (norm_session(n, jsonx_get_str(ev, "session_id")) != 0)
			return E_FAIL;
		return model_message(n, ops, jsonx_get_str(ev, "model"),
		    jsonx_get_str(ev, "reasoning_effort"));
	}
	if (strcmp(type, "agent_message_delta") == 0 ||
	    strcmp(type, "agent_message") == 0) {
		t = jsonx_get_str(ev, type[13] == '\0' ? "message" : "delta");
		if (t == NULL)
			return 0;
		s->thought.open = 0;
		/* The whole message replaces what its deltas built. */
		return stream_add(n, ops, &s->text, "assistant_message", t,
		    type[13] == '\0');
	}
	if (strcmp(type, "agent_reasoning_delta") == 0 ||
	    strcmp(type, "agent_reasoning") == 0) {
		t = jsonx_get_str(ev, type[15] == '\0' ? "text" : "delta");
		if (t == NULL)
			return 0;
		s->text.open = 0;
		return stream_add(n, ops, &s->thought, "thinking", t,
		    type[15] == '\0');
	}
	if (strcmp(type, "agent_reasoning_section_break") == 0) {
		streams_close(s);
		return 0;
	}
	if (strncmp(type, "exec_", 5) == 0)
		return ev_exec(n, ops, ev, type);
	if (strcmp(type, "apply_patch_approval_request") == 0 ||
	    strncmp(type, "patch_apply_", 12) == 0)
		return ev_patch(n, ops, ev, type);
	if (strncmp(type, "mcp_tool_call_", 14) == 0)
		return ev_mcp(n, ops, ev, strcmp(type + 14, "end") == 0);
	if (strncmp(type, "web_search_", 11) == 0)
		return ev_web(n, ops, ev, strcmp(type + 11, "end") == 0);
	if (strcmp(type, "plan_update") == 0)
		return ev_plan(n, ops, ev);
	if (strcmp(type, "view_image_tool_call") == 0 &&
	    (t = jsonx_get_str(ev, "path")) != NULL) {
		json_object	*act;
		char		*rel, *content;

		streams_close(s);
		if ((rel = norm_rel_path(n, t)) == NULL)
			return E_FAIL;
		act = norm_action("file_read");
		if (act == NULL || jsonx_add_str(act, "path", rel) != 0 ||
		    asprintf(&content, "`%s`", rel) < 0) {
			json_object_put(act);
			free(rel);
			return E_FAIL;
		}
		free(rel);
		rc = norm_emit_add(n, ops, norm_entry(norm_tool_etype(
		    "view_image", act, "success"), content, NULL), NULL);
		free(content);
		return rc;
	}
	if (strcmp(type, "error") == 0 || strcmp(type, "stream_error") == 0 ||
	    strcmp(type, "background_event") == 0) {
		streams_close(s);
		t = jsonx_get_str(ev, "message");
		if (asprintf(&msg, "%s%s", type[0] == 's' ? "Stream error: " :
		    type[0] == 'b' ? "Background event: " : "",
		    t != NULL ? t : "") < 0)
			return E_FAIL;
		rc = norm_emit_add(n, ops, type[0] == 'b' ?
		    norm_simple("system_message", msg, NULL) :
		    norm_error(0, msg, NULL), NULL);
		free(msg);
		return rc;
	}
	if (strcmp(type, "task_complete") == 0) {
		streams_close(s);
		n->finished = 1;
		if ((t = jsonx_get_str(ev, "last_agent_message")) != NULL &&
		    t[0] != '\0') {
			free(n->result_text);
			if ((n->result_text = strdup(t)) == NULL)
				return E_FAIL;
		}
	}
	return 0;
}

/* Our answer to an approval request: a denial marks the tool denied. */
static int
answered(struct normalizer *n, json_object *ops, json_object *m)
{
	struct codex_state	*s = n->codex;
	json_object		*id = NULL, *res = NULL, *c;
	const char		*dec, *call_id;

	if (!json_object_object_get_ex(m, "id", &id) ||
	    !json_object_object_get_ex(m, "result", &res) ||
	    (dec = jsonx_get_str(res, "decision")) == NULL ||
	    (call_id = jsonx_get_str(s->approvals, json_object_to_json_string_ext(
	    id, JSON_C_TO_STRING_PLAIN))) == NULL)
		return 0;
	if (strcmp(dec, "denied") != 0 && strcmp(dec, "abort") != 0)
		return 0;
	if ((c = call(s, call_id, "", 0)) == NULL)
		return 0;
	if (set_str(c, "status", "denied") != 0 ||
	    jsonx_add_bool(c, "awaiting", 0) != 0)
		return E_FAIL;
	if (strcmp(jsonx_get_str(c, "kind"), "patch") == 0) {
		json_object	*files = json_object_object_get(c, "files");
		size_t		 i, cnt = files != NULL ?
				    json_object_array_length(files) : 0;

		for (i = 0; i < cnt; i++)
			jsonx_add_bool(json_object_array_get_idx(files, i),
			    "awaiting", 0);
		return patch_emit(n, ops, c);
	}
	return call_emit(n, ops, c, command_entry(c));
}

/* sendUserMessage: the user's message (its text items). */
static int
sent(struct normalizer *n, json_object *ops, json_object *m)
{
	json_object	*params = NULL, *items, *it, *data;
	const char	*method = jsonx_get_str(m, "method"), *t;
	char		*text = NULL;
	size_t		 i, cnt, len = 0;
	int		 rc;

	if (method == NULL)
		return answered(n, ops, m);
	if (strcmp(method, "sendUserMessage") != 0 ||
	    !json_object_object_get_ex(m, "params", &params) ||
	    !json_object_object_get_ex(params, "items", &items) ||
	    !json_object_is_type(items, json_type_array))
		return 0;
	cnt = json_object_array_length(items);
	for (i = 0; i < cnt; i++) {
		it = json_object_array_get_idx(items, i);
		if (!json_object_object_get_ex(it, "data", &data) ||
		    (t = jsonx_get_str(data, "text")) == NULL)
			continue;
		if ((len > 0 && norm_buf_add(&text, &len, "\n\n", 2) != 0) ||
		    norm_buf_add(&text, &len, t, strlen(t)) != 0) {
			free(text);
			return E_FAIL;
		}
	}
	if (text == NULL)
		return 0;
	streams_close(n->codex);
	rc = norm_emit_add(n, ops, norm_simple("user_message", text, NULL),
	    NULL);
	free(text);
	return rc;
}

int
norm_codex_line(struct normalizer *n, json_object *ops, const char *line,
    size_t len)
{
	struct codex_state	*s;
	json_object		*o, *x = NULL, *params = NULL, *id = NULL;
	json_object		*result = NULL, *err = NULL;
	const char		*method, *t;
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
	json_object_object_get_ex(o, "params", &params);
	json_object_object_get_ex(o, "id", &id);
	if (method == NULL) {
		/* Responses: the conversation id, or an error. */
		json_object_object_get_ex(o, "result", &result);
		if ((t = jsonx_get_str(result, "conversationId")) != NULL) {
			if ((rc = norm_session(n, t)) == 0)
				rc = model_message(n, ops, jsonx_get_str(result,
				    "model"), jsonx_get_str(result,
				    "reasoningEffort"));
		} else if (json_object_object_get_ex(o, "error", &err) &&
		    err != NULL)
			rc = norm_emit_add(n, ops, norm_error(0,
			    jsonx_get_str(err, "message") != NULL ?
			    jsonx_get_str(err, "message") : "unknown error",
			    norm_copy(err)), NULL);
	} else if (strncmp(method, "codex/event/", 12) == 0) {
		if (json_object_object_get_ex(params, "msg", &x))
			rc = event(n, ops, x);
	} else if (strcmp(method, "sessionConfigured") == 0) {
		rc = norm_session(n, jsonx_get_str(params, "sessionId"));
	} else if (id != NULL && (strcmp(method, "execCommandApproval") == 0 ||
	    strcmp(method, "applyPatchApproval") == 0) &&
	    (t = jsonx_get_str(params, "callId")) != NULL) {
		/* Remembered: our answer may deny the tool. */
		rc = jsonx_add_str(s->approvals, json_object_to_json_string_ext(
		    id, JSON_C_TO_STRING_PLAIN), t);
	}
out:
	json_object_put(o);
	return rc;
}
