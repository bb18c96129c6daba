/* logreplay.c: stored process logs back into LogMsgs and normalized ops */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "executors.h"
#include "jsonx.h"
#include "logreplay.h"
#include "runner_msg.h"

int
logreplay_lines(const char *text, int (*fn)(json_object *, void *), void *arg)
{
	json_object	*msg;
	const char	*line, *nl;
	char		 err[64];
	int		 rc = 0;

	for (line = text; line != NULL && *line != '\0' && rc == 0;
	    line = nl != NULL ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (jsonx_parse_strict(&msg, line, nl != NULL ?
		    (size_t)(nl - line) : strlen(line), err,
		    sizeof(err)) != 0 || msg == NULL)
			continue;
		rc = fn(msg, arg);
		json_object_put(msg);
	}
	return rc;
}

const char *
logreplay_text(json_object *msg, int *is_err)
{
	const char	*s;

	*is_err = 0;
	if ((s = jsonx_get_str(msg, "Stdout")) != NULL)
		return s;
	if ((s = jsonx_get_str(msg, "Stderr")) != NULL)
		*is_err = 1;
	return s;
}

int
logreplay_normalize(json_object **ops, struct normalizer *norm,
    json_object *msg, int64_t *ms)
{
	json_object	*op = NULL;
	const char	*s;
	size_t		 len;
	int		 rc, err;

	*ops = NULL;
	if ((s = logreplay_text(msg, &err)) == NULL)
		return (*ops = json_object_new_array()) != NULL ? 0 : E_FAIL;
	len = strlen(s);
	if (len > 0 && s[len - 1] == '\n')
		len--;
	*ms += NORMALIZE_STDERR_GAP_MS + 1;
	/* The runner's own line for a missing agent: the setup_required entry. */
	if (err && strncmp(s, RUNNER_SETUP_REQUIRED,
	    strlen(RUNNER_SETUP_REQUIRED)) == 0 && strstr(s, "Setup required")) {
		if ((rc = normalize_push_error(&op, norm, 1, s)) != 0)
			return rc;
		if ((*ops = json_object_new_array()) == NULL ||
		    json_object_array_add(*ops, op) != 0) {
			json_object_put(op);
			json_object_put(*ops);
			*ops = NULL;
			return E_FAIL;
		}
		return 0;
	}
	return normalize_feed(ops, norm, err ? NORMALIZE_STDERR :
	    NORMALIZE_STDOUT, s, len, *ms);
}

enum normalize_mode
logreplay_mode(json_object *proc, const struct executors *exe)
{
	json_object	*a = NULL, *typ, *prof;
	const char	*s = jsonx_get_str(proc, "executor_action");
	struct exec_cmd	*cmd = NULL;
	enum normalize_mode mode = NORMALIZE_PLAIN;
	char		 err[128];

	/* The action may already be an object (a parsed row). */
	if (s == NULL && json_object_object_get_ex(proc, "executor_action", &a))
		a = json_object_get(a);
	else if (s == NULL || jsonx_parse_strict(&a, s, strlen(s), err,
	    sizeof(err)) != 0)
		a = NULL;
	if (a == NULL || exe == NULL) {
		json_object_put(a);
		return mode;
	}
	if (json_object_object_get_ex(a, "typ", &typ) &&
	    json_object_object_get_ex(typ, "executor_profile_id", &prof) &&
	    executors_build(&cmd, exe, jsonx_get_str(prof, "executor"),
	    jsonx_get_str(prof, "variant"), NULL, NULL, err, sizeof(err)) == 0 &&
	    normalize_mode_lookup(&mode, cmd->log_format) == E_INVAL)
		mode = NORMALIZE_PLAIN;
	exec_cmd_free(cmd);
	json_object_put(a);
	return mode;
}
