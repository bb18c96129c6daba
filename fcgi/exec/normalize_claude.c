/* normalize_claude.c: Claude Code stream-json lines to NormalizedEntry ops */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "normalize.h"
#include "normalize_int.h"

/* claude-code-router chatter on stdout, not the agent's. */
static const struct {
	const char	*text;
	int		 anywhere;	/* else a prefix */
} ignored[] = {
	{ "Service not running, starting service",		0 },
	{ "claude code router service has been successfully stopped", 1 },
};


/* --- Claude tools --------------------------------------------------- */

enum tkind {
	T_READ, T_EDIT, T_MULTIEDIT, T_WRITE, T_BASH, T_GREP, T_GLOB,
	T_WEBFETCH, T_WEBSEARCH, T_TASK, T_EXITPLAN, T_NOTEBOOK, T_TODOWRITE,
	T_TODOREAD, T_LS
};

/* Claude's tools (and the aliases Amp's Claude-format output uses). */
static const struct tooldef {
	const char	*name;
	const char	*alias[3];
	enum tkind	 kind;
} tools[] = {
	{ "Read",		{ "read" },				T_READ },
	{ "Edit",		{ "edit_file" },			T_EDIT },
	{ "MultiEdit",		{ "multi_edit" },			T_MULTIEDIT },
	{ "Write",		{ "create_file", "write_file" },	T_WRITE },
	{ "Bash",		{ "bash" },				T_BASH },
	{ "Grep",		{ "grep" },				T_GREP },
	{ "Glob",		{ "glob" },				T_GLOB },
	{ "WebFetch",		{ "read_web_page" },			T_WEBFETCH },
	{ "WebSearch",		{ "web_search" },			T_WEBSEARCH },
	{ "Task",		{ "task" },				T_TASK },
	{ "ExitPlanMode",	{ NULL },				T_EXITPLAN },
	{ "NotebookEdit",	{ "notebook_edit" },			T_NOTEBOOK },
	{ "TodoWrite",		{ "todo_write" },			T_TODOWRITE },
	{ "TodoRead",		{ "todo_read" },			T_TODOREAD },
	{ "LS",			{ "list_directory", "ls" },		T_LS },
};
#define NTOOLS	(sizeof(tools) / sizeof(tools[0]))

/* Input field aliases, first present string wins. */
static const char *const f_path[] = { "file_path", "path", NULL };
static const char *const f_old[] = { "old_string", "old_str", NULL };
static const char *const f_new[] = { "new_string", "new_str", NULL };
static const char *const f_cmd[] = { "command", "cmd", "command_line", NULL };
static const char *const f_pattern[] = { "pattern", NULL };
static const char *const f_gpattern[] = { "pattern", "filePattern", NULL };
static const char *const f_url[] = { "url", NULL };
static const char *const f_query[] = { "query", NULL };
static const char *const f_plan[] = { "plan", NULL };
static const char *const f_nbpath[] = { "notebook_path", NULL };
static const char *const f_desc[] = { "description", "prompt", NULL };
static const char *const f_content[] = { "content", NULL };

static const char *
field(json_object *input, const char *const *names)
{
	const char	*s;

	for (; *names != NULL; names++)
		if ((s = jsonx_get_str(input, *names)) != NULL)
			return s;
	return NULL;
}

static int
tool_lookup(const char *name)
{
	size_t	 i, j;

	for (i = 0; i < NTOOLS; i++) {
		if (strcmp(tools[i].name, name) == 0)
			return (int)i;
		for (j = 0; j < 3 && tools[i].alias[j] != NULL; j++)
			if (strcmp(tools[i].alias[j], name) == 0)
				return (int)i;
	}
	return -1;
}

/* "mcp__server__tool" -> "mcp:server:tool"; other names unchanged. */
static char *
tool_label(const char *name)
{
	const char	*a, *b;
	char		*out;

	if (strncmp(name, "mcp__", 5) != 0 ||
	    (a = strstr(name + 5, "__")) == NULL)
		return strdup(name);
	b = strstr(a + 2, "__");
	if (asprintf(&out, "mcp:%.*s:%.*s", (int)(a - name - 5), name + 5,
	    b != NULL ? (int)(b - a - 2) : (int)strlen(a + 2), a + 2) < 0)
		return NULL;
	return out;
}


/* The {"action": "edit"} change of an Edit, or NULL (both strings unset). */
static int
add_edit_change(json_object *changes, const char *path, json_object *edit)
{
	const char	*o = field(edit, f_old), *nw = field(edit, f_new);
	json_object	*c;
	char		*diff;

	if (o == NULL && nw == NULL)
		return 0;
	if ((diff = norm_unified_diff(path, o != NULL ? o : "",
	    nw != NULL ? nw : "")) == NULL)
		return E_FAIL;
	c = norm_action("edit");
	if (c == NULL || jsonx_add_str(c, "unified_diff", diff) != 0 ||
	    jsonx_add_bool(c, "has_line_numbers", 0) != 0 ||
	    json_object_array_add(changes, c) != 0) {
		json_object_put(c);
		free(diff);
		return E_FAIL;
	}
	free(diff);
	return 0;
}

/*
 * action_type and content of a known tool's call. Returns 0, E_INVAL
 * when the input lacks what the tool needs (the caller then treats it
 * as an unknown tool, as serde's untagged fallback does), E_FAIL.
 */
static int
tool_action(json_object **act, char **content, const struct normalizer *n,
    const struct tooldef *t, json_object *input)
{
	json_object	*a = NULL, *arr = NULL, *c, *todo, *it = NULL;
	const char	*s = NULL, *p;
	char		*rel = NULL;
	size_t		 i, len;
	int		 rc = E_FAIL;

	*act = NULL;
	*content = NULL;
	switch (t->kind) {
	case T_READ:
	case T_EDIT:
	case T_MULTIEDIT:
	case T_WRITE:
		if ((s = field(input, f_path)) == NULL ||
		    (t->kind == T_WRITE && field(input, f_content) == NULL) ||
		    (t->kind == T_MULTIEDIT && !json_object_object_get_ex(
		    input, "edits", &it)))
			return E_INVAL;
		if ((rel = norm_rel_path(n, s)) == NULL)
			goto out;
		if (t->kind == T_READ) {
			if ((a = norm_action("file_read")) == NULL ||
			    jsonx_add_str(a, "path", rel) != 0)
				goto out;
			break;
		}
		if ((a = norm_action("file_edit")) == NULL ||
		    jsonx_add_str(a, "path", rel) != 0 ||
		    (arr = json_object_new_array()) == NULL)
			goto out;
		if (t->kind == T_EDIT && add_edit_change(arr, rel, input) != 0)
			goto out;
		len = t->kind == T_MULTIEDIT &&
		    json_object_is_type(it, json_type_array) ?
		    json_object_array_length(it) : 0;
		for (i = 0; i < len; i++)
			if (add_edit_change(arr, rel,
			    json_object_array_get_idx(it, i)) != 0)
				goto out;
		if (t->kind == T_WRITE) {
			if ((c = norm_action("write")) == NULL ||
			    jsonx_add_str(c, "content",
			    field(input, f_content)) != 0 ||
			    json_object_array_add(arr, c) != 0) {
				json_object_put(c);
				goto out;
			}
		}
		rc = jsonx_add(a, "changes", arr);
		arr = NULL;
		if (rc != 0)
			goto out;
		rc = E_FAIL;
		break;
	case T_BASH:
		if ((rel = (s = field(input, f_cmd)) != NULL ? strdup(s) :
		    NULL) == NULL)
			return s == NULL ? E_INVAL : E_FAIL;
		if ((a = norm_action("command_run")) == NULL ||
		    jsonx_add_str(a, "command", s) != 0 ||
		    jsonx_add(a, "result", NULL) != 0)
			goto out;
		break;
	case T_GREP:
	case T_GLOB:
		if ((s = field(input, t->kind == T_GREP ? f_pattern :
		    f_gpattern)) == NULL)
			return E_INVAL;
		if ((rel = strdup(s)) == NULL || (a = norm_action("search")) == NULL ||
		    jsonx_add_str(a, "query", s) != 0)
			goto out;
		break;
	case T_WEBFETCH:
	case T_WEBSEARCH:
		if ((s = field(input, t->kind == T_WEBFETCH ? f_url :
		    f_query)) == NULL)
			return E_INVAL;
		if ((rel = strdup(s)) == NULL ||
		    (a = norm_action("web_fetch")) == NULL ||
		    jsonx_add_str(a, "url", s) != 0)
			goto out;
		break;
	case T_TASK:
		s = field(input, f_desc);
		if ((a = norm_action("task_create")) == NULL ||
		    jsonx_add_str(a, "description", s != NULL ? s : "") != 0)
			goto out;
		if (s == NULL || s[0] == '\0')
			*content = strdup("Task");
		else if (asprintf(content, "Task: `%s`", s) < 0)
			*content = NULL;
		rc = *content != NULL ? 0 : E_FAIL;
		goto out;
	case T_EXITPLAN:
		if ((s = field(input, f_plan)) == NULL)
			return E_INVAL;
		if ((a = norm_action("plan_presentation")) == NULL ||
		    jsonx_add_str(a, "plan", s) != 0 ||
		    (*content = strdup(s)) == NULL)
			goto out;
		rc = 0;
		goto out;
	case T_NOTEBOOK:
		if ((s = field(input, f_nbpath)) == NULL ||
		    jsonx_get_str(input, "new_source") == NULL ||
		    jsonx_get_str(input, "edit_mode") == NULL)
			return E_INVAL;
		if ((rel = norm_rel_path(n, s)) == NULL ||
		    (a = norm_action("tool")) == NULL ||
		    jsonx_add_str(a, "tool_name", "NotebookEdit") != 0 ||
		    (arr = json_object_new_object()) == NULL ||
		    jsonx_add_str(arr, "name", "NotebookEdit") != 0 ||
		    jsonx_add(arr, "input", json_object_get(input)) != 0)
			goto out;
		rc = jsonx_add(a, "arguments", arr);
		arr = NULL;
		if (rc != 0 || (rc = jsonx_add(a, "result", NULL)) != 0)
			goto out;
		rc = E_FAIL;
		break;
	case T_TODOWRITE:
	case T_TODOREAD:
		if ((arr = json_object_new_array()) == NULL)
			goto out;
		len = 0;
		if (t->kind == T_TODOWRITE) {
			if (!json_object_object_get_ex(input, "todos", &it) ||
			    !json_object_is_type(it, json_type_array)) {
				rc = E_INVAL;
				goto out;
			}
			len = json_object_array_length(it);
		}
		for (i = 0; i < len; i++) {
			todo = json_object_array_get_idx(it, i);
			if (jsonx_get_str(todo, "content") == NULL ||
			    jsonx_get_str(todo, "status") == NULL) {
				rc = E_INVAL;
				goto out;
			}
			p = jsonx_get_str(todo, "priority");
			if ((c = json_object_new_object()) == NULL ||
			    json_object_array_add(arr, c) != 0) {
				json_object_put(c);
				goto out;
			}
			if (jsonx_add_str(c, "content",
			    jsonx_get_str(todo, "content")) != 0 ||
			    jsonx_add_str(c, "status",
			    jsonx_get_str(todo, "status")) != 0 ||
			    jsonx_add_str(c, "priority", p) != 0)
				goto out;
		}
		if ((a = norm_action("todo_management")) == NULL)
			goto out;
		rc = jsonx_add(a, "todos", arr);
		arr = NULL;
		if (rc != 0 || (rc = jsonx_add_str(a, "operation",
		    t->kind == T_TODOWRITE ? "write" : "read")) != 0 ||
		    (*content = strdup("TODO list updated")) == NULL) {
			rc = E_FAIL;
			goto out;
		}
		goto out;
	case T_LS:
		if ((s = field(input, f_path)) == NULL)
			return E_INVAL;
		if ((rel = norm_rel_path(n, s)) == NULL ||
		    (a = norm_action("other")) == NULL ||
		    jsonx_add_str(a, "description", "List directory") != 0)
			goto out;
		if (rel[0] == '\0')
			*content = strdup("List directory");
		else if (asprintf(content, "List directory: `%s`", rel) < 0)
			*content = NULL;
		rc = *content != NULL ? 0 : E_FAIL;
		goto out;
	}
	/* Path, command, pattern or url tools: the value in backticks. */
	if (asprintf(content, "`%s`", rel) < 0) {
		*content = NULL;
		goto out;
	}
	rc = 0;
out:
	free(rel);
	json_object_put(arr);
	if (rc != 0) {
		json_object_put(a);
		free(*content);
		*content = NULL;
	} else
		*act = a;
	return rc;
}

/* action_type and content of an unknown (or malformed) tool call. */
static int
unknown_action(json_object **act, char **content, const char *name,
    json_object *input)
{
	json_object	*a = NULL;
	char		*label, *desc = NULL;
	int		 rc = E_FAIL;

	*act = NULL;
	*content = NULL;
	if ((label = tool_label(name)) == NULL)
		return E_FAIL;
	if (strncmp(name, "mcp__", 5) == 0) {
		/* MCP tools: a generic tool with its arguments */
		if ((a = norm_action("tool")) == NULL ||
		    jsonx_add_str(a, "tool_name", label) != 0 ||
		    jsonx_add(a, "arguments", input != NULL ?
		    json_object_get(input) : NULL) != 0 ||
		    jsonx_add(a, "result", NULL) != 0)
			goto out;
	} else if (asprintf(&desc, "Tool: %s", name) < 0) {
		desc = NULL;
		goto out;
	} else if ((a = norm_action("other")) == NULL ||
	    jsonx_add_str(a, "description", desc) != 0)
		goto out;
	*content = label;
	label = NULL;
	*act = a;
	a = NULL;
	rc = 0;
out:
	json_object_put(a);
	free(label);
	free(desc);
	return rc;
}


/* Remember a tool call for its result; takes nothing. */
static int
tool_remember(struct normalizer *n, const char *id, size_t entry, int def,
    const char *name, const char *content, json_object *act,
    json_object *meta)
{
	struct tool	*nt, *t;

	if (n->ntools == n->captools) {
		if ((nt = reallocarray(n->tools, n->captools * 2 + 16,
		    sizeof(*nt))) == NULL)
			return E_FAIL;
		n->tools = nt;
		n->captools = n->captools * 2 + 16;
	}
	t = &n->tools[n->ntools];
	memset(t, 0, sizeof(*t));
	t->entry = entry;
	t->def = def;
	if ((t->id = strdup(id)) == NULL || (t->name = strdup(name)) == NULL ||
	    (t->content = strdup(content)) == NULL) {
		free(t->id);
		free(t->name);
		return E_FAIL;
	}
	t->act = json_object_get(act);
	t->meta = json_object_get(meta);
	n->ntools++;
	return 0;
}

/* A tool_use content block -> a tool_use entry (status created). */
static int
claude_tool_use(struct normalizer *n, json_object *ops, json_object *item)
{
	json_object	*input = NULL, *act = NULL, *meta = NULL, *e;
	const char	*id, *name, *tname;
	char		*content = NULL;
	size_t		 idx;
	int		 def, rc;

	id = jsonx_get_str(item, "id");
	name = jsonx_get_str(item, "name");
	if (id == NULL || name == NULL)
		return 0;	/* not a tool call we can follow */
	json_object_object_get_ex(item, "input", &input);
	rc = E_INVAL;
	if ((def = tool_lookup(name)) >= 0)
		rc = tool_action(&act, &content, n, &tools[def], input);
	if (rc == E_FAIL)
		return rc;
	if (rc == E_INVAL) {
		def = -1;
		if ((rc = unknown_action(&act, &content, name, input)) != 0)
			return rc;
	}
	/* metadata: the block itself plus tool_call_id (approval matching) */
	if ((meta = json_object_new_object()) == NULL ||
	    jsonx_add_str(meta, "type", "tool_use") != 0 ||
	    jsonx_add_str(meta, "id", id) != 0 ||
	    jsonx_add_str(meta, "name", name) != 0 ||
	    jsonx_add(meta, "input", input != NULL ? json_object_get(input) :
	    NULL) != 0 || jsonx_add_str(meta, "tool_call_id", id) != 0) {
		json_object_put(meta);
		json_object_put(act);
		free(content);
		return E_FAIL;
	}
	tname = def >= 0 ? tools[def].name : name;
	json_object_get(act);
	json_object_get(meta);
	e = norm_entry(norm_tool_etype(tname, act, "created"), content,
	    json_object_get(meta));
	if ((rc = norm_emit_add(n, ops, e, &idx)) == 0)
		rc = tool_remember(n, id, idx, def, tname, content, act, meta);
	json_object_put(act);
	json_object_put(meta);
	json_object_put(meta);
	free(content);
	return rc;
}

/* Text of a tool_result content: a string, or text items joined. */
static char *
result_text(json_object *content, int *is_text_items)
{
	json_object	*it;
	const char	*t;
	char		*out = NULL;
	size_t		 i, n, len = 0;

	*is_text_items = 0;
	if (json_object_is_type(content, json_type_string))
		return strdup(json_object_get_string(content));
	if (json_object_is_type(content, json_type_array) &&
	    (n = json_object_array_length(content)) > 0) {
		for (i = 0; i < n; i++) {
			it = json_object_array_get_idx(content, i);
			if ((t = jsonx_get_str(it, "text")) == NULL)
				break;
			if ((i > 0 && norm_buf_add(&out, &len, "\n\n", 2) != 0) ||
			    norm_buf_add(&out, &len, t, strlen(t)) != 0) {
				free(out);
				return NULL;
			}
		}
		if (i == n) {
			*is_text_items = 1;
			return out != NULL ? out : strdup("");
		}
		free(out);
	}
	return strdup(content == NULL ? "null" :
	    json_object_to_json_string_ext(content, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
}

/* {"exit_status", "output"} of a Bash result. */
static json_object *
bash_result(const char *text, json_object *is_error)
{
	json_object	*r, *parsed = NULL, *code, *st = NULL;
	const char	*output = text;
	char		 why[8];

	if ((r = json_object_new_object()) == NULL)
		return NULL;
	/* Amp's Bash results: {"output": "...", "exitCode": N}. */
	if (jsonx_parse_strict(&parsed, text, strlen(text), why,
	    sizeof(why)) == 0 && json_object_object_get_ex(parsed,
	    "exitCode", &code) && json_object_is_type(code, json_type_int)) {
		output = jsonx_get_str(parsed, "output") != NULL ?
		    jsonx_get_str(parsed, "output") : "";
		if ((st = norm_etype("exit_code")) == NULL ||
		    jsonx_add_int(st, "code", json_object_get_int64(code)) != 0)
			goto fail;
	} else if (is_error != NULL) {
		if ((st = norm_etype("success")) == NULL ||
		    jsonx_add_bool(st, "success",
		    !json_object_get_boolean(is_error)) != 0)
			goto fail;
	}
	if (jsonx_add(r, "exit_status", st) != 0) {
		st = NULL;
		goto fail;
	}
	st = NULL;
	if (jsonx_add_str(r, "output", output) != 0)
		goto fail;
	json_object_put(parsed);
	return r;
fail:
	json_object_put(st);
	json_object_put(parsed);
	json_object_put(r);
	return NULL;
}

/* {"type": "json"|"markdown", "value"} of a generic tool's result. */
static json_object *
tool_result_value(json_object *content)
{
	json_object	*r, *val = NULL;
	char		*text;
	char		 why[8];
	int		 items, json = 1;

	if ((r = json_object_new_object()) == NULL)
		return NULL;
	if (json_object_is_type(content, json_type_string) ||
	    json_object_is_type(content, json_type_array)) {
		if ((text = result_text(content, &items)) == NULL)
			goto fail;
		if (json_object_is_type(content, json_type_string) || items) {
			if (jsonx_parse_strict(&val, text, strlen(text), why,
			    sizeof(why)) != 0) {
				json = 0;
				val = json_object_new_string(text);
			}
		} else
			val = json_object_get(content);
		free(text);
	} else
		val = content != NULL ? json_object_get(content) : NULL;
	if (jsonx_add_str(r, "type", json ? "json" : "markdown") != 0 ||
	    jsonx_add(r, "value", val) != 0)
		goto fail;
	return r;
fail:
	json_object_put(r);
	return NULL;
}


/*
 * A tool_result block: replace the tool's entry with its final status
 * (success, or failed when is_error); Bash gains its output and exit
 * status, unknown and MCP tools (and NotebookEdit) their result. The
 * reference updates only Bash and generic tools; we update every tool
 * so none stays "created" forever, keep the metadata (tool_call_id) and
 * keep Bash's command as given (the reference puts the backticked
 * content there).
 */
static int
claude_tool_result(struct normalizer *n, json_object *ops, json_object *item)
{
	struct tool	*t = NULL;
	json_object	*is_error = NULL, *content = NULL, *act = NULL, *r;
	json_object	*input = NULL;
	const char	*id, *name;
	char		*text = NULL, *label = NULL;
	size_t		 i;
	int		 failed, items, rc = E_FAIL;

	if ((id = jsonx_get_str(item, "tool_use_id")) == NULL)
		return 0;
	for (i = 0; i < n->ntools && t == NULL; i++)
		if (!n->tools[i].done && strcmp(n->tools[i].id, id) == 0)
			t = &n->tools[i];
	if (t == NULL)
		return 0;
	if (json_object_object_get_ex(item, "is_error", &is_error) &&
	    !json_object_is_type(is_error, json_type_boolean))
		is_error = NULL;
	json_object_object_get_ex(item, "content", &content);
	failed = is_error != NULL && json_object_get_boolean(is_error);
	name = t->name;
	if (t->def >= 0 && tools[t->def].kind == T_BASH) {
		if ((act = norm_copy(t->act)) == NULL ||
		    (text = result_text(content, &items)) == NULL ||
		    (r = bash_result(text, is_error)) == NULL ||
		    jsonx_add(act, "result", r) != 0)
			goto out;
	} else if (t->def < 0 || tools[t->def].kind == T_NOTEBOOK) {
		json_object_object_get_ex(t->meta, "input", &input);
		if ((label = tool_label(jsonx_get_str(t->meta, "name"))) == NULL ||
		    (act = norm_action("tool")) == NULL ||
		    jsonx_add_str(act, "tool_name", label) != 0 ||
		    jsonx_add(act, "arguments", input != NULL ?
		    json_object_get(input) : NULL) != 0 ||
		    (r = tool_result_value(content)) == NULL ||
		    jsonx_add(act, "result", r) != 0)
			goto out;
		name = label;
	} else if ((act = norm_copy(t->act)) == NULL)
		goto out;
	rc = norm_emit(n, ops, "replace", t->entry, norm_entry(norm_tool_etype(name, act,
	    failed ? "failed" : "success"), t->content, norm_copy(t->meta)));
	act = NULL;
	t->done = 1;
	json_object_put(t->act);
	json_object_put(t->meta);
	t->act = t->meta = NULL;
out:
	json_object_put(act);
	free(text);
	free(label);
	return rc;
}

/* --- Claude messages ------------------------------------------------ */

/* A text or thinking entry, metadata {"type": "text", "text": ...}. */
static json_object *
text_entry(enum kind k, const char *text)
{
	json_object	*meta;

	if ((meta = norm_etype(k == K_TEXT ? "text" : "thinking")) == NULL ||
	    jsonx_add_str(meta, k == K_TEXT ? "text" : "thinking", text) != 0) {
		json_object_put(meta);
		return NULL;
	}
	return norm_simple(k == K_TEXT ? "assistant_message" : "thinking",
	    text, meta);
}

/* "System initialized with model: M", once, from the first message. */
static int
claude_model(struct normalizer *n, json_object *ops, json_object *message)
{
	const char	*model;
	char		*s;
	int		 rc;

	if (n->model_reported ||
	    (model = jsonx_get_str(message, "model")) == NULL)
		return 0;
	n->model_reported = 1;
	if (asprintf(&s, "System initialized with model: %s", model) < 0)
		return E_FAIL;
	rc = norm_emit_add(n, ops, norm_simple("system_message", s, NULL), NULL);
	free(s);
	return rc;
}

static void
stream_reset(struct normalizer *n)
{
	size_t	 i;

	for (i = 0; i < n->nblocks; i++)
		free(n->blocks[i].buf);
	n->nblocks = 0;
	free(n->stream_id);
	n->stream_id = NULL;
}

/*
 * An assistant message. With --include-partial-messages its text and
 * thinking blocks were already added while streaming: each final block
 * replaces the first not yet matched streamed block of its kind (Claude
 * Code sends one assistant event per content block, so matching by
 * position as the reference does would pair the wrong blocks).
 */
static int
claude_assistant(struct normalizer *n, json_object *ops, json_object *line)
{
	json_object	*message, *content, *item;
	struct block	*b;
	const char	*type, *text, *id;
	enum kind	 k;
	size_t		 i, j, cnt;
	int		 rc, assistant;

	if (!json_object_object_get_ex(line, "message", &message) ||
	    !json_object_object_get_ex(message, "content", &content) ||
	    !json_object_is_type(content, json_type_array))
		return E_INVAL;
	if ((rc = claude_model(n, ops, message)) != 0)
		return rc;
	id = jsonx_get_str(message, "id");
	assistant = jsonx_get_str(message, "role") == NULL ||
	    strcmp(jsonx_get_str(message, "role"), "assistant") == 0;
	cnt = json_object_array_length(content);
	for (i = 0; i < cnt; i++) {
		item = json_object_array_get_idx(content, i);
		if ((type = jsonx_get_str(item, "type")) == NULL)
			continue;
		if (strcmp(type, "tool_use") == 0) {
			if ((rc = claude_tool_use(n, ops, item)) != 0)
				return rc;
			continue;
		}
		if (strcmp(type, "text") == 0 && assistant)
			k = K_TEXT;
		else if (strcmp(type, "thinking") == 0)
			k = K_THINKING;
		else
			continue;	/* tool_result, images, redacted... */
		if ((text = jsonx_get_str(item, k == K_TEXT ? "text" :
		    "thinking")) == NULL)
			continue;
		b = NULL;
		for (j = 0; id != NULL && n->stream_id != NULL &&
		    strcmp(id, n->stream_id) == 0 && j < n->nblocks; j++)
			if (n->blocks[j].kind == k && n->blocks[j].has_entry &&
			    !n->blocks[j].consumed) {
				b = &n->blocks[j];
				break;
			}
		if (b != NULL) {
			b->consumed = 1;
			rc = norm_emit(n, ops, "replace", b->entry,
			    text_entry(k, text));
		} else
			rc = norm_emit_add(n, ops, text_entry(k, text), NULL);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * A user message: tool results update their tool entries. Its text (the
 * prompt, replays) adds nothing: the UI shows the prompt itself.
 */
static int
claude_user(struct normalizer *n, json_object *ops, json_object *line)
{
	json_object	*message, *content, *item;
	const char	*type;
	size_t		 i, cnt;
	int		 rc;

	if (!json_object_object_get_ex(line, "message", &message) ||
	    !json_object_object_get_ex(message, "content", &content))
		return E_INVAL;
	if (!json_object_is_type(content, json_type_array))
		return 0;
	cnt = json_object_array_length(content);
	for (i = 0; i < cnt; i++) {
		item = json_object_array_get_idx(content, i);
		if ((type = jsonx_get_str(item, "type")) != NULL &&
		    strcmp(type, "tool_result") == 0 &&
		    (rc = claude_tool_result(n, ops, item)) != 0)
			return rc;
	}
	return 0;
}

/*
 * system: init only yields the session id (the model is reported with
 * the first assistant message, as the reference does); other subtypes
 * become "System: <subtype>". An ANTHROPIC_API_KEY key source warns.
 */
static int
claude_system(struct normalizer *n, json_object *ops, json_object *line)
{
	const char	*sub, *src;
	char		*s;
	int		 rc;

	if ((src = jsonx_get_str(line, "apiKeySource")) != NULL &&
	    strcmp(src, "ANTHROPIC_API_KEY") == 0 &&
	    (rc = norm_emit_add(n, ops, norm_error(0, "Claude Code + "
	    "ANTHROPIC_API_KEY detected. Usage will be billed via Anthropic "
	    "pay-as-you-go instead of your Claude subscription. If this is "
	    "unintended, set the disable_api_key option of the executor "
	    "profile.", NULL), NULL)) != 0)
		return rc;
	if ((sub = jsonx_get_str(line, "subtype")) != NULL &&
	    strcmp(sub, "init") == 0)
		return 0;
	if (sub == NULL)
		s = strdup("System message");
	else if (asprintf(&s, "System: %s", sub) < 0)
		s = NULL;
	if (s == NULL)
		return E_FAIL;
	rc = norm_emit_add(n, ops, norm_simple("system_message", s,
	    json_object_get(line)), NULL);
	free(s);
	return rc;
}

/*
 * result: the agent is done. An error result becomes an error_message
 * (the reference shows one only for Amp; hiding a failed run's reason
 * helps nobody). Its text is the summary fallback.
 */
static int
claude_result(struct normalizer *n, json_object *ops, json_object *line)
{
	json_object	*is_error;
	const char	*text;

	n->finished = 1;
	if ((text = jsonx_get_str(line, "result")) != NULL && text[0] != '\0') {
		free(n->result_text);
		if ((n->result_text = strdup(text)) == NULL)
			return E_FAIL;
	}
	if (!json_object_object_get_ex(line, "is_error", &is_error) ||
	    !json_object_get_boolean(is_error))
		return 0;
	if (text == NULL || text[0] == '\0')
		text = jsonx_get_str(line, "error");
	if (text == NULL)
		text = jsonx_get_str(line, "subtype");
	return norm_emit_add(n, ops, norm_error(0, text != NULL ? text : "error",
	    json_object_get(line)), NULL);
}

/* The streamed block with stream index si, or NULL. */
static struct block *
stream_block(struct normalizer *n, int si)
{
	size_t	 i;

	for (i = 0; i < n->nblocks; i++)
		if (n->blocks[i].sindex == si)
			return &n->blocks[i];
	return NULL;
}

static struct block *
stream_block_new(struct normalizer *n, int si, enum kind k, const char *init)
{
	struct block	*nb, *b;

	if (n->nblocks == n->capblocks) {
		if ((nb = reallocarray(n->blocks, n->capblocks * 2 + 4,
		    sizeof(*nb))) == NULL)
			return NULL;
		n->blocks = nb;
		n->capblocks = n->capblocks * 2 + 4;
	}
	b = &n->blocks[n->nblocks];
	memset(b, 0, sizeof(*b));
	b->sindex = si;
	b->kind = k;
	if ((b->buf = strdup(init)) == NULL)
		return NULL;
	b->len = strlen(init);
	n->nblocks++;
	return b;
}

/*
 * stream_event (--include-partial-messages): text and thinking deltas
 * grow one entry each ("add" on the first delta, "replace" after);
 * tool input deltas are not shown until the assistant event.
 */
static int
claude_stream(struct normalizer *n, json_object *ops, json_object *line)
{
	json_object	*ev, *x;
	struct block	*b;
	const char	*type, *dtype, *text;
	enum kind	 k;
	int		 si, rc;

	if (!json_object_object_get_ex(line, "event", &ev) ||
	    (type = jsonx_get_str(ev, "type")) == NULL)
		return 0;
	if (strcmp(type, "message_start") == 0) {
		stream_reset(n);
		if (!json_object_object_get_ex(ev, "message", &x) ||
		    jsonx_get_str(x, "role") == NULL ||
		    strcmp(jsonx_get_str(x, "role"), "assistant") != 0)
			return 0;
		if ((rc = claude_model(n, ops, x)) != 0)
			return rc;
		if (jsonx_get_str(x, "id") != NULL &&
		    (n->stream_id = strdup(jsonx_get_str(x, "id"))) == NULL)
			return E_FAIL;
		return 0;
	}
	if (n->stream_id == NULL || !json_object_object_get_ex(ev, "index",
	    &x) || !json_object_is_type(x, json_type_int))
		return 0;
	si = json_object_get_int(x);
	if (strcmp(type, "content_block_start") == 0) {
		if (!json_object_object_get_ex(ev, "content_block", &x) ||
		    (dtype = jsonx_get_str(x, "type")) == NULL ||
		    stream_block(n, si) != NULL)
			return 0;
		if (strcmp(dtype, "text") == 0)
			k = K_TEXT;
		else if (strcmp(dtype, "thinking") == 0)
			k = K_THINKING;
		else
			return 0;
		text = jsonx_get_str(x, k == K_TEXT ? "text" : "thinking");
		return stream_block_new(n, si, k, text != NULL ? text : "") ==
		    NULL ? E_FAIL : 0;
	}
	if (strcmp(type, "content_block_delta") != 0 ||
	    !json_object_object_get_ex(ev, "delta", &x) ||
	    (dtype = jsonx_get_str(x, "type")) == NULL)
		return 0;
	if (strcmp(dtype, "text_delta") == 0)
		k = K_TEXT;
	else if (strcmp(dtype, "thinking_delta") == 0)
		k = K_THINKING;
	else
		return 0;
	if ((text = jsonx_get_str(x, k == K_TEXT ? "text" : "thinking")) ==
	    NULL)
		return 0;
	if ((b = stream_block(n, si)) == NULL &&
	    (b = stream_block_new(n, si, k, "")) == NULL)
		return E_FAIL;
	if (b->kind != k || b->consumed)
		return 0;
	if (norm_buf_add(&b->buf, &b->len, text, strlen(text)) != 0)
		return E_FAIL;
	if (b->has_entry)
		return norm_emit(n, ops, "replace", b->entry, text_entry(k, b->buf));
	if ((rc = norm_emit_add(n, ops, text_entry(k, b->buf), &b->entry)) != 0)
		return rc;
	b->has_entry = 1;
	return 0;
}

static int
claude_ignore(struct normalizer *n, json_object *ops, json_object *line)
{
	return 0;
}

/* Claude stream-json message types and their handlers. */
static const struct {
	const char	*type;
	int		(*fn)(struct normalizer *, json_object *, json_object *);
} claude_types[] = {
	{ "assistant",		claude_assistant },
	{ "user",		claude_user },
	{ "system",		claude_system },
	{ "result",		claude_result },
	{ "stream_event",	claude_stream },
	/* the control protocol is the runner's, not the conversation */
	{ "control_request",	claude_ignore },
	{ "control_response",	claude_ignore },
	{ "control_cancel_request", claude_ignore },
	/* legacy top-level tool events carry nothing we can pair */
	{ "tool_use",		claude_ignore },
	{ "tool_result",	claude_ignore },
};

/* The session id a parsed Claude line carries, or NULL (borrowed). */
const char *
norm_claude_session(json_object *o)
{
	const char	*s;

	if ((s = jsonx_get_str(o, "session_id")) == NULL)
		s = jsonx_get_str(o, "sessionId");
	return s != NULL && s[0] != '\0' ? s : NULL;
}

int
norm_claude_line(struct normalizer *n, json_object *ops, const char *line,
    size_t len)
{
	json_object	*o;
	const char	*type, *sid;
	char		*text;
	size_t		 i;
	int		 rc = E_INVAL;

	if ((line = norm_trim(line, &len)) == NULL || len == 0)
		return 0;
	if ((text = norm_clean_text(line, len, 0)) == NULL)
		return E_FAIL;
	for (i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (ignored[i].anywhere ? strstr(text, ignored[i].text) != NULL :
		    strncmp(text, ignored[i].text, strlen(ignored[i].text))
		    == 0) {
			free(text);
			return 0;
		}
	if ((o = norm_parse_object(line, len)) == NULL) {
		/* Not JSON: shown as it is. */
		rc = norm_emit_add(n, ops, norm_simple("system_message", text,
		    NULL), NULL);
		free(text);
		return rc;
	}
	if (n->session_id == NULL && (sid = norm_claude_session(o)) != NULL &&
	    (n->session_id = strdup(sid)) == NULL) {
		rc = E_FAIL;
		goto out;
	}
	type = jsonx_get_str(o, "type");
	for (i = 0; type != NULL &&
	    i < sizeof(claude_types) / sizeof(claude_types[0]); i++)
		if (strcmp(claude_types[i].type, type) == 0) {
			rc = claude_types[i].fn(n, ops, o);
			break;
		}
	if (rc == E_INVAL) {
		/* An unknown type, or a known one missing its parts. */
		free(text);
		if (asprintf(&text, "Unrecognized JSON message: %s",
		    jsonx_render(o, &i)) < 0) {
			text = NULL;
			rc = E_FAIL;
			goto out;
		}
		rc = norm_emit_add(n, ops, norm_simple("system_message", text,
		    NULL), NULL);
	}
out:
	free(text);
	json_object_put(o);
	return rc;
}


void
norm_claude_free(struct normalizer *n)
{
	size_t	 i;

	for (i = 0; i < n->ntools; i++) {
		free(n->tools[i].id);
		free(n->tools[i].name);
		free(n->tools[i].content);
		json_object_put(n->tools[i].act);
		json_object_put(n->tools[i].meta);
	}
	free(n->tools);
	n->tools = NULL;
	n->ntools = n->captools = 0;
	stream_reset(n);
	free(n->blocks);
	n->blocks = NULL;
	n->capblocks = 0;
}
