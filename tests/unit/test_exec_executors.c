/* test_exec_executors.c: profiles, command lines, prompts (executors.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "jsonx.h"
#include "../../fcgi/exec/executors.h"

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

static char	 defaults_path[PATH_MAX];
static char	 tmpdir[64];

/* A NULL-terminated vector as a compact JSON array ("null" for NULL). */
static const char *
vec(char **v)
{
	static char	 buf[4][4096];
	static int	 n;
	json_object	*a;
	char		*b = buf[n++ % 4];
	size_t		 len;

	if (v == NULL)
		return "null";
	a = json_object_new_array();
	for (; *v != NULL; v++)
		json_object_array_add(a, json_object_new_string(*v));
	snprintf(b, sizeof(buf[0]), "%s", jsonx_render(a, &len));
	json_object_put(a);
	return b;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;

	assert_non_null(f = fopen(path, "r"));
	buf = malloc(2 * 1024 * 1024);
	assert_non_null(buf);
	*len = fread(buf, 1, 2 * 1024 * 1024 - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/* The defaults parsed with override text (NULL for none). */
static int
load_with(struct executors **out, const char *override, char *err,
    size_t errsz)
{
	char	*d;
	size_t	 len;
	int	 rc;

	d = slurp(defaults_path, &len);
	rc = executors_parse(out, d, len, "defaults", override,
	    override != NULL ? strlen(override) : 0, "override.json", err,
	    errsz);
	free(d);
	return rc;
}

static int
setup(void **state)
{
	char	 here[PATH_MAX];

	snprintf(here, sizeof(here), "%s", __FILE__);
	snprintf(defaults_path, sizeof(defaults_path),
	    "%s/../../conf/executors.json", dirname(here));
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/swarm-exec-XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	 cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* --- names ---------------------------------------------------------- */

static void
executors_canonical_names(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} t[] = {
		{ "CLAUDE_CODE",	"CLAUDE_CODE" },
		{ "claude-code",	"CLAUDE_CODE" },
		{ "Claude_Code",	"CLAUDE_CODE" },
		{ "CURSOR",		"CURSOR_AGENT" },
		{ "cursor",		"CURSOR_AGENT" },
		{ "cursor-agent",	"CURSOR_AGENT" },
		{ "qwen-code",		"QWEN_CODE" },
		{ "amp",		"AMP" },
		{ "SCRIPT",		"SCRIPT" },
		{ "gemini",		"GEMINI" },
		{ "droid",		"DROID" },
		{ "claude code",	NULL },
		{ "claude",		NULL },
		{ "CLAUDE_CODE_X",	NULL },
		{ "",			NULL },
		{ NULL,			NULL },
	};
	const char	*got;
	size_t		 i;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = executors_canonical(t[i].in);
		CHECK((got == NULL && t[i].out == NULL) || (got != NULL &&
		    t[i].out != NULL && strcmp(got, t[i].out) == 0),
		    "canonical(%s) = %s, want %s\n", t[i].in ? t[i].in : "NULL",
		    got ? got : "NULL", t[i].out ? t[i].out : "NULL");
	}
	assert_int_equal(nfail, 0);
}

/* --- command lines -------------------------------------------------- */

static const struct exec_var vars[] = {
	{ "log_dir",		"/tmp/copilot-logs/x" },
	{ "share_bridge_url",	"http://127.0.0.1:9/share" },
	{ NULL,			NULL }
};

struct argv_case {
	const char	*exec, *variant, *session;
	const char	*argv;		/* JSON array */
	const char	*fork_argv;	/* JSON array or "null" */
	const char	*unset, *set;	/* JSON arrays */
	enum exec_delivery delivery;
	enum exec_strategy strategy;
	unsigned	 caps;
	const char	*settings;	/* JSON object */
};

#define NPM_UNSET "[\"npm_config__jsr_registry\","			\
	"\"npm_config_verify_deps_before_run\",\"npm_config_globalconfig\"]"
#define CLAUDE "\"npx\",\"-y\",\"@anthropic-ai/claude-code@2.0.54\",\"-p\""
#define CLAUDE_TAIL "\"--verbose\",\"--output-format=stream-json\","	\
	"\"--input-format=stream-json\",\"--include-partial-messages\""
#define AMP "\"npx\",\"-y\",\"@sourcegraph/amp@0.0.1767988925-g511647\","\
	"\"--execute\",\"--stream-json\",\"--dangerously-allow-all\""

static const struct argv_case argv_cases[] = {
	{ "CLAUDE_CODE", NULL, NULL,
	  "[" CLAUDE ",\"--dangerously-skip-permissions\"," CLAUDE_TAIL "]",
	  "null", NPM_UNSET, "[]", EXEC_DELIVER_STREAM_JSON,
	  EXEC_FOLLOW_ARGS, EXEC_CAP_SESSION_FORK,
	  "{\"permission_mode\":\"bypassPermissions\"}" },
	{ "claude-code", "DEFAULT", "5d2c9a0e-1f3b",
	  "[" CLAUDE ",\"--dangerously-skip-permissions\"," CLAUDE_TAIL
	  ",\"--fork-session\",\"--resume\",\"5d2c9a0e-1f3b\"]",
	  "null", NPM_UNSET, "[]", EXEC_DELIVER_STREAM_JSON,
	  EXEC_FOLLOW_ARGS, EXEC_CAP_SESSION_FORK,
	  "{\"permission_mode\":\"bypassPermissions\"}" },
	{ "CLAUDE_CODE", "plan", NULL,
	  "[" CLAUDE ",\"--permission-prompt-tool=stdio\","
	  "\"--permission-mode=bypassPermissions\"," CLAUDE_TAIL "]",
	  "null", NPM_UNSET, "[]", EXEC_DELIVER_STREAM_JSON,
	  EXEC_FOLLOW_ARGS, EXEC_CAP_SESSION_FORK,
	  "{\"permission_mode\":\"plan\",\"hooks\":{\"PreToolUse\":[{"
	  "\"matcher\":\"^ExitPlanMode$\",\"hookCallbackIds\":"
	  "[\"tool_approval\"]}]}}" },
	{ "CLAUDE_CODE", "APPROVALS", NULL,
	  "[" CLAUDE ",\"--permission-prompt-tool=stdio\","
	  "\"--permission-mode=bypassPermissions\"," CLAUDE_TAIL "]",
	  "null", NPM_UNSET, "[]", EXEC_DELIVER_STREAM_JSON,
	  EXEC_FOLLOW_ARGS, EXEC_CAP_SESSION_FORK,
	  "{\"permission_mode\":\"default\",\"hooks\":{\"PreToolUse\":[{"
	  "\"matcher\":\"^(?!(Glob|Grep|NotebookRead|Read|Task|TodoWrite)$)"
	  ".*\",\"hookCallbackIds\":[\"tool_approval\"]}]}}" },
	{ "AMP", NULL, NULL,
	  "[" AMP "]", "null", NPM_UNSET, "[]", EXEC_DELIVER_STDIN,
	  EXEC_FOLLOW_FORK_COMMAND, EXEC_CAP_SESSION_FORK, "{}" },
	{ "amp", NULL, "T-abc",
	  "[" AMP ",\"threads\",\"continue\",\"T-abc\"]",
	  "[" AMP ",\"threads\",\"fork\",\"T-abc\"]",
	  NPM_UNSET, "[]", EXEC_DELIVER_STDIN, EXEC_FOLLOW_FORK_COMMAND,
	  EXEC_CAP_SESSION_FORK, "{}" },
	{ "GEMINI", "flash", NULL,
	  "[\"npx\",\"-y\",\"@google/gemini-cli@0.16.0\",\"--model\","
	  "\"gemini-2.5-flash\",\"--yolo\",\"--allowed-tools\","
	  "\"run_shell_command\",\"--experimental-acp\"]",
	  "null", NPM_UNSET, "[\"NODE_NO_WARNINGS=1\"]", EXEC_DELIVER_ACP,
	  EXEC_FOLLOW_PROTOCOL, EXEC_CAP_SESSION_FORK,
	  "{\"permissions\":\"allow\"}" },
	{ "GEMINI", NULL, "sess",
	  "[\"npx\",\"-y\",\"@google/gemini-cli@0.16.0\",\"--yolo\","
	  "\"--allowed-tools\",\"run_shell_command\",\"--experimental-acp\"]",
	  "null", NPM_UNSET, "[\"NODE_NO_WARNINGS=1\"]", EXEC_DELIVER_ACP,
	  EXEC_FOLLOW_PROTOCOL, EXEC_CAP_SESSION_FORK,
	  "{\"permissions\":\"allow\"}" },
	{ "CODEX", "APPROVALS", NULL,
	  "[\"npx\",\"-y\",\"@openai/codex@0.63.0\",\"app-server\"]",
	  "null", NPM_UNSET, "[\"NO_COLOR=1\",\"RUST_LOG=error\"]",
	  EXEC_DELIVER_JSONRPC_CODEX, EXEC_FOLLOW_PROTOCOL,
	  EXEC_CAP_SESSION_FORK | EXEC_CAP_SETUP_HELPER,
	  "{\"model\":\"gpt-5.1-codex\",\"sandbox\":\"workspace-write\","
	  "\"approval_policy\":\"unless-trusted\"}" },
	{ "CODEX", "max", NULL,
	  "[\"npx\",\"-y\",\"@openai/codex@0.63.0\",\"app-server\"]",
	  "null", NPM_UNSET, "[\"NO_COLOR=1\",\"RUST_LOG=error\"]",
	  EXEC_DELIVER_JSONRPC_CODEX, EXEC_FOLLOW_PROTOCOL,
	  EXEC_CAP_SESSION_FORK | EXEC_CAP_SETUP_HELPER,
	  "{\"model\":\"gpt-5.1-codex-max\","
	  "\"sandbox\":\"danger-full-access\"}" },
	{ "OPENCODE", NULL, "ses_1",
	  "[\"npx\",\"-y\",\"opencode-ai@1.0.68\",\"run\",\"--print-logs\","
	  "\"--log-level\",\"ERROR\",\"--session\",\"ses_1\"]",
	  "null", NPM_UNSET, "[\"OPENCODE_AUTO_SHARE=1\","
	  "\"OPENCODE_API=http://127.0.0.1:9/share\"]", EXEC_DELIVER_STDIN,
	  EXEC_FOLLOW_ARGS, 0, "{}" },
	{ "CURSOR", NULL, NULL,
	  "[\"cursor-agent\",\"-p\",\"--output-format=stream-json\","
	  "\"--force\",\"--model\",\"auto\"]",
	  "null", "[]", "[]", EXEC_DELIVER_STDIN, EXEC_FOLLOW_ARGS,
	  EXEC_CAP_SETUP_HELPER, "{}" },
	{ "cursor-agent", "sonnet-4-5-thinking", "c-9",
	  "[\"cursor-agent\",\"-p\",\"--output-format=stream-json\","
	  "\"--force\",\"--model\",\"sonnet-4.5-thinking\",\"--resume\","
	  "\"c-9\"]",
	  "null", "[]", "[]", EXEC_DELIVER_STDIN, EXEC_FOLLOW_ARGS,
	  EXEC_CAP_SETUP_HELPER, "{}" },
	{ "QWEN_CODE", NULL, NULL,
	  "[\"npx\",\"-y\",\"@qwen-code/qwen-code@0.2.1\",\"--yolo\","
	  "\"--experimental-acp\"]",
	  "null", NPM_UNSET, "[\"NODE_NO_WARNINGS=1\"]", EXEC_DELIVER_ACP,
	  EXEC_FOLLOW_PROTOCOL, EXEC_CAP_SESSION_FORK,
	  "{\"permissions\":\"allow\"}" },
	{ "COPILOT", "GPT_5", "3f2a",
	  "[\"npx\",\"-y\",\"@github/copilot@0.0.358\",\"--no-color\","
	  "\"--log-level\",\"debug\",\"--log-dir\",\"/tmp/copilot-logs/x\","
	  "\"--allow-all-tools\",\"--model\",\"gpt-5\",\"--resume\",\"3f2a\"]",
	  "null", NPM_UNSET, "[\"NODE_NO_WARNINGS=1\"]", EXEC_DELIVER_STDIN,
	  EXEC_FOLLOW_ARGS, 0, "{}" },
	{ "DROID", NULL, NULL,
	  "[\"droid\",\"exec\",\"--output-format\",\"stream-json\","
	  "\"--skip-permissions-unsafe\"]",
	  "null", "[]", "[]", EXEC_DELIVER_STDIN,
	  EXEC_FOLLOW_FORK_SESSION_FILE, EXEC_CAP_SESSION_FORK, "{}" },
	{ "DROID", "glm-4-6", "forked-1",
	  "[\"droid\",\"exec\",\"--output-format\",\"stream-json\","
	  "\"--skip-permissions-unsafe\",\"--model\",\"glm-4.6\","
	  "\"--session-id\",\"forked-1\"]",
	  "null", "[]", "[]", EXEC_DELIVER_STDIN,
	  EXEC_FOLLOW_FORK_SESSION_FILE, EXEC_CAP_SESSION_FORK, "{}" },
	{ "SCRIPT", NULL, NULL,
	  "[\"/bin/sh\",\"-c\",\"eval \\\"${SWARM_SCRIPT_AGENT:?"
	  "SWARM_SCRIPT_AGENT is not set}\\\"\",\"swarm-script-agent\"]",
	  "null", "[]", "[]", EXEC_DELIVER_STDIN, EXEC_FOLLOW_ARGS, 0, "{}" },
	{ "SCRIPT", "default", "script-7f3e",
	  "[\"/bin/sh\",\"-c\",\"eval \\\"${SWARM_SCRIPT_AGENT:?"
	  "SWARM_SCRIPT_AGENT is not set}\\\"\",\"swarm-script-agent\","
	  "\"script-7f3e\"]",
	  "null", "[]", "[\"SWARM_SESSION_ID=script-7f3e\"]",
	  EXEC_DELIVER_STDIN, EXEC_FOLLOW_ARGS, 0, "{}" },
};

static void
executors_argv_table(void **state)
{
	const struct argv_case *t;
	struct executors *ex;
	struct exec_cmd	*c;
	char		 err[256];
	size_t		 i, len;
	int		 rc, nfail = 0;

	assert_int_equal(load_with(&ex, NULL, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(argv_cases) / sizeof(argv_cases[0]); i++) {
		t = &argv_cases[i];
		rc = executors_build(&c, ex, t->exec, t->variant, t->session,
		    vars, err, sizeof(err));
		if (rc != 0) {
			CHECK(0, "%s/%s: rc %d (%s)\n", t->exec,
			    t->variant ? t->variant : "-", rc, err);
			continue;
		}
		CHECK(strcmp(vec(c->argv), t->argv) == 0,
		    "%s/%s argv\n got %s\nwant %s\n", t->exec,
		    t->variant ? t->variant : "-", vec(c->argv), t->argv);
		CHECK(c->argc > 0 && c->argv[c->argc] == NULL, "%s argc\n",
		    t->exec);
		CHECK(strcmp(vec(c->fork_argv), t->fork_argv) == 0,
		    "%s fork_argv\n got %s\nwant %s\n", t->exec,
		    vec(c->fork_argv), t->fork_argv);
		CHECK(strcmp(vec(c->env_unset), t->unset) == 0,
		    "%s unset %s, want %s\n", t->exec, vec(c->env_unset),
		    t->unset);
		CHECK(strcmp(vec(c->env_set), t->set) == 0,
		    "%s set %s, want %s\n", t->exec, vec(c->env_set), t->set);
		CHECK(c->delivery == t->delivery, "%s delivery %s\n", t->exec,
		    executors_delivery_name(c->delivery));
		CHECK(c->strategy == t->strategy, "%s strategy %s\n", t->exec,
		    executors_strategy_name(c->strategy));
		CHECK(c->caps == t->caps, "%s caps %u\n", t->exec, c->caps);
		CHECK(c->follow_up == (t->session != NULL), "%s follow_up\n",
		    t->exec);
		CHECK(strcmp(jsonx_render(c->settings, &len), t->settings) == 0,
		    "%s settings %s, want %s\n", t->exec,
		    jsonx_render(c->settings, &len), t->settings);
		exec_cmd_free(c);
	}
	executors_free(ex);
	assert_int_equal(nfail, 0);
}

/* Every executor's DEFAULT builds; names, formats and prompts are set. */
static void
executors_defaults_all_build(void **state)
{
	static const struct {
		const char	*exec;
		const char	*log_format;
		int		 has_append;
	} t[] = {
		{ "CLAUDE_CODE",	"claude_stream_json",	1 },
		{ "AMP",		"claude_stream_json",	1 },
		{ "GEMINI",		"acp",			1 },
		{ "CODEX",		"codex_jsonrpc",	1 },
		{ "OPENCODE",		"opencode_share",	1 },
		{ "CURSOR_AGENT",	"cursor_stream_json",	1 },
		{ "QWEN_CODE",		"acp",			1 },
		{ "COPILOT",		"plain_assistant",	1 },
		{ "DROID",		"droid_stream_json",	1 },
		{ "SCRIPT",		"claude_stream_json",	0 },
	};
	struct executors *ex;
	struct exec_cmd	*c;
	char		 err[256];
	size_t		 i;
	int		 nfail = 0;

	assert_int_equal(load_with(&ex, NULL, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (executors_build(&c, ex, t[i].exec, NULL, NULL, vars, err,
		    sizeof(err)) != 0) {
			CHECK(0, "%s: %s\n", t[i].exec, err);
			continue;
		}
		CHECK(strcmp(c->executor, t[i].exec) == 0 &&
		    strcmp(c->variant, "DEFAULT") == 0, "%s names %s/%s\n",
		    t[i].exec, c->executor, c->variant);
		CHECK(strcmp(c->log_format, t[i].log_format) == 0,
		    "%s log_format %s\n", t[i].exec, c->log_format);
		CHECK((strncmp(c->append_prompt, "\n\n=== TASK COMPLETION "
		    "REQUIREMENTS ===\n1. Work on ONE feature at a time", 63)
		    == 0) == t[i].has_append, "%s append_prompt \"%.40s\"\n",
		    t[i].exec, c->append_prompt);
		CHECK(c->argv[c->argc] == NULL && c->argc > 0, "%s argc\n",
		    t[i].exec);
		exec_cmd_free(c);
	}
	executors_free(ex);
	assert_int_equal(nfail, 0);
}

static void
executors_resolve_errors(void **state)
{
	static const struct {
		const char	*exec, *variant, *session;
		int		 rc;
		const char	*err;
	} t[] = {
		{ "CLAUDE_CODE", "PLAN", NULL, 0, NULL },
		{ "claude-code", "plan", NULL, 0, NULL },
		{ "CLAUDE_CODE", "", NULL, 0, NULL },
		{ "NOPE", NULL, NULL, E_INVAL, "unknown executor 'NOPE'" },
		{ "", NULL, NULL, E_INVAL, "unknown executor ''" },
		{ "CLAUDE_CODE", "FAST", NULL, E_INVAL,
		  "unknown variant 'FAST' of executor 'CLAUDE_CODE'" },
		{ "CURSOR", "opus 4", NULL, E_INVAL,
		  "unknown variant 'opus 4' of executor 'CURSOR_AGENT'" },
		{ "CLAUDE_CODE", NULL, "", E_INVAL, "invalid session id" },
		{ "CLAUDE_CODE", NULL, "a\nb", E_INVAL, "invalid session id" },
		{ "COPILOT", NULL, NULL, E_INVAL,
		  "placeholder '{log_dir}' has no value" },
	};
	struct executors *ex;
	struct exec_cmd	*c;
	char		 err[256], exn[EXECUTORS_NAME_MAX];
	char		 var[EXECUTORS_VARIANT_MAX];
	size_t		 i;
	int		 rc, nfail = 0;

	assert_int_equal(load_with(&ex, NULL, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		rc = executors_build(&c, ex, t[i].exec, t[i].variant,
		    t[i].session, NULL, err, sizeof(err));
		CHECK(rc == t[i].rc, "%s/%s: rc %d (%s), want %d\n", t[i].exec,
		    t[i].variant ? t[i].variant : "-", rc, err, t[i].rc);
		CHECK(rc != 0 || c != NULL, "no command\n");
		CHECK(t[i].err == NULL || strcmp(err, t[i].err) == 0,
		    "%s: err \"%s\", want \"%s\"\n", t[i].exec, err,
		    t[i].err);
		CHECK(rc == 0 || c == NULL, "command on failure\n");
		exec_cmd_free(c);
	}
	/* a session id of 257 bytes is refused, 256 taken */
	{
		char	 long_id[258];

		memset(long_id, 'a', 257);
		long_id[257] = '\0';
		assert_int_equal(executors_build(&c, ex, "SCRIPT", NULL,
		    long_id, NULL, err, sizeof(err)), E_INVAL);
		long_id[256] = '\0';
		assert_int_equal(executors_build(&c, ex, "SCRIPT", NULL,
		    long_id, NULL, err, sizeof(err)), 0);
		exec_cmd_free(c);
	}
	assert_int_equal(executors_resolve(exn, var, ex, "cursor",
	    "grok", err, sizeof(err)), 0);
	assert_string_equal(exn, "CURSOR_AGENT");
	assert_string_equal(var, "GROK");
	assert_int_equal(executors_resolve(exn, var, ex, "DROID", NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(var, "DEFAULT");
	executors_free(ex);
	assert_int_equal(nfail, 0);
}

/* --- configuration errors and merging ------------------------------- */

static void
executors_bad_config(void **state)
{
	static const struct {
		const char	*override;
		const char	*err;
	} t[] = {
		{ "{", "override.json: invalid JSON: unexpected end of input" },
		{ "[]", "override.json: the file must be an object" },
		{ "{}", "override.json: the file: 'executors' is required" },
		{ "{\"executors\": {\"FOO\": {}}}",
		  "override.json: executor 'FOO': unknown executor" },
		{ "{\"executors\": {\"SCRIPT\": 1}}",
		  "override.json: executor 'SCRIPT': must be an object" },
		{ "{\"executors\": {\"SCRIPT\": {\"comand\": [\"x\"]}}}",
		  "override.json: executor 'SCRIPT': executor: unknown key "
		  "'comand'" },
		{ "{\"executors\": {\"SCRIPT\": {\"command\": []}}}",
		  "override.json: executor 'SCRIPT': 'command' needs a "
		  "program" },
		{ "{\"executors\": {\"SCRIPT\": {\"command\": null}}}",
		  "override.json: executor 'SCRIPT': executor: 'command' is "
		  "required" },
		{ "{\"executors\": {\"SCRIPT\": {\"delivery\": \"pipe\"}}}",
		  "override.json: executor 'SCRIPT': unknown delivery 'pipe' "
		  "(stdin, stream_json, jsonrpc_codex, acp)" },
		{ "{\"executors\": {\"SCRIPT\": {\"log_format\": \"xml\"}}}",
		  "override.json: executor 'SCRIPT': unknown log_format "
		  "'xml'" },
		{ "{\"executors\": {\"SCRIPT\": {\"variants\": {\"DEFAULT\": "
		  "null}}}}", "override.json: executor 'SCRIPT': the DEFAULT "
		  "variant cannot be deleted" },
		{ "{\"executors\": {\"SCRIPT\": {\"variants\": {\"X\": "
		  "null}}}}", "override.json: executor 'SCRIPT': no variant "
		  "'X' to delete" },
		{ "{\"executors\": {\"SCRIPT\": {\"variants\": {\"fast\": "
		  "{}}}}}", "override.json: executor 'SCRIPT': variant name "
		  "'fast' must be upper case letters, digits and '_'" },
		{ "{\"executors\": {\"CLAUDE_CODE\": {\"variants\": {\"FAST\": "
		  "{\"modle\": \"x\"}}}}}", "override.json: executor "
		  "'CLAUDE_CODE': variant 'FAST': unknown option 'modle'" },
		{ "{\"executors\": {\"CLAUDE_CODE\": {\"variants\": {\"FAST\": "
		  "{\"plan\": \"yes\"}}}}}", "override.json: executor "
		  "'CLAUDE_CODE': variant 'FAST': option 'plan' must be bool" },
		{ "{\"executors\": {\"DROID\": {\"variants\": {\"LOW\": "
		  "{\"autonomy\": \"lowest\"}}}}}", "override.json: executor "
		  "'DROID': variant 'LOW': option 'autonomy' must be one of its "
		  "values" },
		{ "{\"executors\": {\"SCRIPT\": {\"args\": [\"{model}\"]}}}",
		  "override.json: executor 'SCRIPT': unknown placeholder "
		  "'{model}' in \"{model}\"" },
		{ "{\"executors\": {\"SCRIPT\": {\"args\": [\"{session_id}\"]}}}",
		  "override.json: executor 'SCRIPT': unknown placeholder "
		  "'{session_id}' in \"{session_id}\"" },
		{ "{\"executors\": {\"SCRIPT\": {\"args\": [{\"if\": \"x\", "
		  "\"args\": [\"-x\"]}]}}}", "override.json: executor 'SCRIPT': "
		  "condition names unknown option 'x'" },
		{ "{\"executors\": {\"SCRIPT\": {\"args\": [{\"args\": "
		  "[\"-x\"]}]}}}", "override.json: executor 'SCRIPT': an "
		  "argument rule needs 'if' or 'each'" },
		{ "{\"executors\": {\"SCRIPT\": {\"options\": {\"v\": {\"type\": "
		  "\"int\"}}}}}", "override.json: executor 'SCRIPT': option "
		  "'v': unknown type 'int'" },
		{ "{\"executors\": {\"SCRIPT\": {\"options\": {\"v\": {\"type\": "
		  "\"enum\"}}}}}", "override.json: executor 'SCRIPT': option "
		  "'v': 'values' goes with (and only with) type enum" },
		{ "{\"executors\": {\"SCRIPT\": {\"options\": {\"item\": "
		  "{\"type\": \"bool\"}}}}}", "override.json: executor 'SCRIPT': "
		  "'item' cannot name an option" },
		{ "{\"executors\": {\"SCRIPT\": {\"env\": [{\"set\": \"A B\", "
		  "\"value\": \"1\"}]}}}", "override.json: executor 'SCRIPT': "
		  "'A B' is not an environment variable name" },
		{ "{\"executors\": {\"SCRIPT\": {\"env\": [{\"unset\": \"A\", "
		  "\"set\": \"B\"}]}}}", "override.json: executor 'SCRIPT': an "
		  "env rule needs one of 'set' and 'unset'" },
		{ "{\"executors\": {\"SCRIPT\": {\"follow_up\": {\"strategy\": "
		  "\"fork_command\"}}}}", "override.json: executor 'SCRIPT': "
		  "follow_up: 'fork_args' goes with (and only with) strategy "
		  "fork_command" },
		{ "{\"executors\": {\"SCRIPT\": {\"capabilities\": "
		  "[\"TELEPATHY\"]}}}", "override.json: executor 'SCRIPT': "
		  "unknown capability 'TELEPATHY'" },
		{ "{\"executors\": {\"SCRIPT\": {\"variants\": {\"X\": "
		  "{\"base_command_override\": \"sh -c 'oops\"}}}}}",
		  "override.json: executor 'SCRIPT': variant 'X': "
		  "'base_command_override' must be a command line or an array "
		  "of words" },
		{ "{\"executors\": {\"DROID\": {\"args\": [{\"if\": \"autonomy\","
		  " \"in\": [\"max\"], \"args\": [\"-x\"]}]}}}",
		  "override.json: executor 'DROID': 'in' value 'max' is not a "
		  "value of option 'autonomy'" },
		{ "{\"executors\": {\"SCRIPT\": {\"vars\": [\"Bad\"]}}}",
		  "override.json: executor 'SCRIPT': 'Bad' cannot name a var" },
	};
	struct executors *ex;
	char		 err[512];
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		ex = (struct executors *)&ex;
		rc = load_with(&ex, t[i].override, err, sizeof(err));
		CHECK(rc == E_INVAL, "row %zu: rc %d, want E_INVAL\n", i, rc);
		CHECK(ex == NULL, "row %zu: out not reset\n", i);
		CHECK(strcmp(err, t[i].err) == 0, "row %zu: err\n got \"%s\"\n"
		    "want \"%s\"\n", i, err, t[i].err);
		if (rc == 0)
			executors_free(ex);
	}
	assert_int_equal(nfail, 0);
}

/* Errors in the defaults name the defaults; an executor must be known. */
static void
executors_bad_defaults(void **state)
{
	static const struct {
		const char	*json;
		const char	*err;
	} t[] = {
		{ "{\"executors\": {\"X\": {}}}",
		  "defaults: executor 'X': unknown executor (known: "
		  "CLAUDE_CODE, AMP, GEMINI, CODEX, OPENCODE, CURSOR_AGENT, "
		  "QWEN_CODE, COPILOT, DROID, SCRIPT)" },
		{ "{\"executors\": {\"claude-code\": {}}}",
		  "defaults: executor 'claude-code': unknown executor (known: "
		  "CLAUDE_CODE, AMP, GEMINI, CODEX, OPENCODE, CURSOR_AGENT, "
		  "QWEN_CODE, COPILOT, DROID, SCRIPT)" },
		{ "{\"executors\": {\"AMP\": {\"command\": [\"amp\"], "
		  "\"delivery\": \"stdin\", \"log_format\": \"plain\", "
		  "\"variants\": {}}}}",
		  "defaults: executor 'AMP': no DEFAULT variant" },
		{ "{\"executors\": {}, \"extra\": 1}",
		  "defaults: the file: unknown key 'extra'" },
	};
	static const char minimal[] = "{\"executors\": {\"AMP\": "
	    "{\"command\": [\"amp\"], \"delivery\": \"stdin\", \"log_format\": "
	    "\"plain\", \"variants\": {\"DEFAULT\": {}}}}}";
	struct executors *ex;
	char		 err[512];
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = executors_parse(&ex, t[i].json, strlen(t[i].json), NULL,
		    NULL, 0, NULL, err, sizeof(err));
		CHECK(rc == E_INVAL && strcmp(err, t[i].err) == 0,
		    "row %zu: rc %d err\n got \"%s\"\nwant \"%s\"\n", i, rc,
		    err, t[i].err);
	}
	/* A minimal complete file is fine; unconfigured executors 404. */
	assert_int_equal(executors_parse(&ex, minimal, strlen(minimal), NULL,
	    NULL, 0, NULL, err, sizeof(err)), 0);
	{
		struct exec_cmd	*c;

		assert_int_equal(executors_build(&c, ex, "AMP", NULL, NULL,
		    NULL, err, sizeof(err)), 0);
		assert_string_equal(vec(c->argv), "[\"amp\"]");
		exec_cmd_free(c);
		assert_int_equal(executors_build(&c, ex, "AMP", NULL, "s",
		    NULL, err, sizeof(err)), E_INVAL);
		assert_string_equal(err, "executor 'AMP' has no follow-up");
		assert_int_equal(executors_build(&c, ex, "CODEX", NULL, NULL,
		    NULL, err, sizeof(err)), E_NOTFOUND);
		assert_string_equal(err, "executor 'CODEX' is not configured");
	}
	executors_free(ex);
	assert_int_equal(nfail, 0);
}

static void
executors_override_merge(void **state)
{
	static const char override[] =
	    "{\"$comment\": \"site overrides\", \"executors\": {"
	    " \"claude-code\": {"
	    "  \"command\": [\"claude\"],"
	    "  \"variants\": {"
	    "   \"FAST\": {\"model\": \"haiku\", \"additional_params\": "
	    "[\"--max-turns\", \"3\"]},"
	    "   \"PLAN\": null,"
	    "   \"APPROVALS\": {\"approvals\": true, \"base_command_override\":"
	    " \"my-claude --profile 'work dir' \\\"x y\\\" a\\\\ b\"}}},"
	    " \"SCRIPT\": {\"follow_up\": null, \"variants\": {"
	    "  \"EDIT\": {\"base_command_override\": [\"/bin/sh\", \"-c\", "
	    "\"echo {}\"]}}},"
	    " \"CURSOR\": {\"env\": [{\"set\": \"CURSOR_API_KEY\", \"value\": "
	    "\"k\"}]}}}";
	struct executors *ex;
	struct exec_cmd	*c;
	char		 err[512];

	if (load_with(&ex, override, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	/* command replaced; DEFAULT kept */
	assert_int_equal(executors_build(&c, ex, "CLAUDE_CODE", NULL, NULL,
	    NULL, err, sizeof(err)), 0);
	assert_string_equal(vec(c->argv), "[\"claude\",\"-p\","
	    "\"--dangerously-skip-permissions\"," CLAUDE_TAIL "]");
	assert_non_null(strstr(c->append_prompt, "TASK COMPLETION"));
	exec_cmd_free(c);
	/* variant added; additional_params before the follow-up args */
	assert_int_equal(executors_build(&c, ex, "CLAUDE_CODE", "fast", "s1",
	    NULL, err, sizeof(err)), 0);
	assert_string_equal(vec(c->argv), "[\"claude\",\"-p\",\"--model\","
	    "\"haiku\"," CLAUDE_TAIL ",\"--max-turns\",\"3\","
	    "\"--fork-session\",\"--resume\",\"s1\"]");
	assert_string_equal(c->append_prompt, "");
	exec_cmd_free(c);
	/* variant deleted */
	assert_int_equal(executors_build(&c, ex, "CLAUDE_CODE", "PLAN", NULL,
	    NULL, err, sizeof(err)), E_INVAL);
	/* variant replaced whole; base_command_override split like sh */
	assert_int_equal(executors_build(&c, ex, "CLAUDE_CODE", "APPROVALS",
	    NULL, NULL, err, sizeof(err)), 0);
	assert_string_equal(vec(c->argv), "[\"my-claude\",\"--profile\","
	    "\"work dir\",\"x y\",\"a b\",\"-p\","
	    "\"--permission-prompt-tool=stdio\","
	    "\"--permission-mode=bypassPermissions\"," CLAUDE_TAIL "]");
	exec_cmd_free(c);
	/* array override; literal braces stay */
	assert_int_equal(executors_build(&c, ex, "SCRIPT", "EDIT", NULL,
	    NULL, err, sizeof(err)), 0);
	assert_string_equal(vec(c->argv), "[\"/bin/sh\",\"-c\","
	    "\"echo {}\"]");
	exec_cmd_free(c);
	/* follow_up removed */
	assert_int_equal(executors_build(&c, ex, "SCRIPT", NULL, "s", NULL,
	    err, sizeof(err)), E_INVAL);
	assert_string_equal(err, "executor 'SCRIPT' has no follow-up");
	/* alias in the override file merges into the canonical executor */
	assert_int_equal(executors_build(&c, ex, "CURSOR_AGENT", NULL, NULL,
	    NULL, err, sizeof(err)), 0);
	assert_string_equal(vec(c->env_set), "[\"CURSOR_API_KEY=k\"]");
	exec_cmd_free(c);
	/* the merged file is what executors_json shows */
	assert_non_null(json_object_object_get(json_object_object_get(
	    json_object_object_get(json_object_object_get(executors_json(ex),
	    "executors"), "CLAUDE_CODE"), "variants"), "FAST"));
	executors_free(ex);
}

/* "each" over string_array options; "in" on enums; {item}. */
static void
executors_rules(void **state)
{
	static const char override[] = "{\"executors\": {"
	    " \"COPILOT\": {\"variants\": {\"DIRS\": {\"add_dir\": [\"/a\", "
	    "\"/b c\"], \"disable_mcp_server\": [], \"deny_tool\": \"shell\"}}},"
	    " \"DROID\": {\"variants\": {\"HIGH\": {\"autonomy\": \"high\", "
	    "\"reasoning_effort\": \"low\"}, \"NORMAL\": {\"autonomy\": "
	    "\"normal\"}}}}}";
	static const struct {
		const char	*exec, *variant, *argv;
	} t[] = {
		{ "COPILOT", "DIRS", "[\"npx\",\"-y\",\"@github/copilot@0.0.358\","
		  "\"--no-color\",\"--log-level\",\"debug\",\"--log-dir\","
		  "\"/tmp/copilot-logs/x\",\"--deny-tool\",\"shell\","
		  "\"--add-dir\",\"/a\",\"--add-dir\",\"/b c\"]" },
		{ "DROID", "HIGH", "[\"droid\",\"exec\",\"--output-format\","
		  "\"stream-json\",\"--auto\",\"high\",\"--reasoning-effort\","
		  "\"low\"]" },
		{ "DROID", "NORMAL", "[\"droid\",\"exec\",\"--output-format\","
		  "\"stream-json\"]" },
	};
	struct executors *ex;
	struct exec_cmd	*c;
	char		 err[512];
	size_t		 i;
	int		 nfail = 0;

	if (load_with(&ex, override, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (executors_build(&c, ex, t[i].exec, t[i].variant, NULL,
		    vars, err, sizeof(err)) != 0) {
			CHECK(0, "%s/%s: %s\n", t[i].exec, t[i].variant, err);
			continue;
		}
		CHECK(strcmp(vec(c->argv), t[i].argv) == 0, "%s/%s\n got %s\n"
		    "want %s\n", t[i].exec, t[i].variant, vec(c->argv),
		    t[i].argv);
		exec_cmd_free(c);
	}
	executors_free(ex);
	assert_int_equal(nfail, 0);
}

/* --- files and environment ------------------------------------------ */

static void
write_file(const char *path, const char *text, int mode)
{
	FILE	*f;

	assert_non_null(f = fopen(path, "w"));
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, (mode_t)mode), 0);
}

static void
executors_load_files(void **state)
{
	struct executors *ex;
	struct exec_cmd	*c;
	char		 err[512], good[128], bad[128], want[256];

	snprintf(good, sizeof(good), "%s/good.json", tmpdir);
	snprintf(bad, sizeof(bad), "%s/bad.json", tmpdir);
	write_file(good, "{\"executors\": {\"AMP\": {\"variants\": "
	    "{\"QUIET\": {}}}}}", 0644);
	write_file(bad, "{\"executors\": {\"AMP\": {\"variants\": "
	    "{\"QUIET\": {\"loud\": true}}}}}", 0644);
	assert_int_equal(executors_load(&ex, "/nonexistent/executors.json",
	    NULL, err, sizeof(err)), E_NOTFOUND);
	assert_string_equal(err, "/nonexistent/executors.json: No such file "
	    "or directory");
	assert_null(ex);
	assert_int_equal(executors_load(&ex, defaults_path, "/nonexistent/o",
	    err, sizeof(err)), E_NOTFOUND);

	setenv(EXECUTORS_ENV, bad, 1);
	assert_int_equal(executors_load_env(&ex, defaults_path, err,
	    sizeof(err)), E_INVAL);
	snprintf(want, sizeof(want), "%s: executor 'AMP': variant 'QUIET': "
	    "unknown option 'loud'", bad);
	assert_string_equal(err, want);

	setenv(EXECUTORS_ENV, good, 1);
	assert_int_equal(executors_load_env(&ex, defaults_path, err,
	    sizeof(err)), 0);
	assert_int_equal(executors_build(&c, ex, "AMP", "QUIET", NULL, NULL,
	    err, sizeof(err)), 0);
	assert_string_equal(vec(c->argv), "[\"npx\",\"-y\","
	    "\"@sourcegraph/amp@0.0.1767988925-g511647\",\"--execute\","
	    "\"--stream-json\"]");
	exec_cmd_free(c);
	executors_free(ex);

	setenv(EXECUTORS_ENV, "", 1);
	assert_int_equal(executors_load_env(&ex, defaults_path, err,
	    sizeof(err)), 0);
	assert_int_equal(executors_build(&c, ex, "AMP", "QUIET", NULL, NULL,
	    err, sizeof(err)), E_INVAL);
	executors_free(ex);
	unsetenv(EXECUTORS_ENV);
}

static void
executors_find_program_table(void **state)
{
	char		 bin1[128], bin2[128], path[512], want[256], out[256];
	char		 small[4];
	static const char *const progs[] = { "agent", "plain", "sub" };
	struct {
		const char	*prog;
		const char	*path;
		int		 rc;
		const char	*found;		/* relative to tmpdir */
	} t[] = {
		{ "agent", path, 0, "/b1/agent" },	/* first dir wins */
		{ "plain", path, 0, "/b2/plain" },	/* b1's is not +x */
		{ "sub", path, E_NOTFOUND, NULL },	/* a directory */
		{ "missing", path, E_NOTFOUND, NULL },
		{ "agent", "/nonexistent", E_NOTFOUND, NULL },
		{ "", path, E_INVAL, NULL },
	};
	size_t		 i;
	int		 rc, nfail = 0;

	snprintf(bin1, sizeof(bin1), "%s/b1", tmpdir);
	snprintf(bin2, sizeof(bin2), "%s/b2", tmpdir);
	assert_int_equal(mkdir(bin1, 0755), 0);
	assert_int_equal(mkdir(bin2, 0755), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", bin2, progs[i]);
		write_file(path, "#!/bin/sh\n", 0755);
	}
	snprintf(path, sizeof(path), "%s/agent", bin1);
	write_file(path, "#!/bin/sh\n", 0755);
	snprintf(path, sizeof(path), "%s/plain", bin1);
	write_file(path, "x\n", 0644);
	snprintf(path, sizeof(path), "%s/sub", bin1);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/sub", bin2);
	unlink(path);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "/nonexistent:%s:%s", bin1, bin2);

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out[0] = '\0';
		rc = executors_find_program(out, sizeof(out), t[i].prog,
		    t[i].path);
		CHECK(rc == t[i].rc, "%s: rc %d, want %d\n", t[i].prog, rc,
		    t[i].rc);
		if (rc == 0 && t[i].found != NULL) {
			snprintf(want, sizeof(want), "%s%s", tmpdir,
			    t[i].found);
			CHECK(strcmp(out, want) == 0, "%s: %s, want %s\n",
			    t[i].prog, out, want);
		}
	}
	/* names with a slash are checked as they are; PATH default */
	assert_int_equal(executors_find_program(out, sizeof(out), "/bin/sh",
	    NULL), 0);
	assert_string_equal(out, "/bin/sh");
	assert_int_equal(executors_find_program(out, sizeof(out),
	    "/bin/no-such-agent", NULL), E_NOTFOUND);
	assert_int_equal(executors_find_program(out, sizeof(out), "sh",
	    NULL), 0);
	assert_int_equal(executors_find_program(small, sizeof(small), "sh",
	    "/bin"), E_TOOBIG);
	assert_int_equal(nfail, 0);
}

/* --- prompts -------------------------------------------------------- */

static void
executors_prompt_table(void **state)
{
	static const struct {
		const char	*title, *desc, *steps, *append, *out;
	} t[] = {
		{ "Fix login", NULL, NULL, NULL, "Fix login" },
		{ "Fix login", "", NULL, NULL, "Fix login" },
		{ "Fix login", " \n\t", NULL, NULL, "Fix login" },
		{ "Fix login", "The form 500s.", NULL, NULL,
		  "Fix login\n\nThe form 500s." },
		{ "Fix login", "  keep  ", NULL, NULL,
		  "Fix login\n\n  keep  " },
		{ "Fix login", "The form 500s.", "[\"Run tests\","
		  "\"Check E2E in browser\"]", NULL,
		  "Fix login\n\nThe form 500s.\n\n"
		  "=== VALIDATION REQUIREMENTS ===\n"
		  "Before marking this task complete, verify:\n"
		  "1. Run tests\n2. Check E2E in browser" },
		{ "T", NULL, "[\"only\"]", NULL,
		  "T\n\n=== VALIDATION REQUIREMENTS ===\n"
		  "Before marking this task complete, verify:\n1. only" },
		{ "T", NULL, "[]", NULL, "T" },
		{ "T", NULL, "", NULL, "T" },
		{ "T", NULL, "not json", NULL, "T" },
		{ "T", NULL, "[\"a\", 2]", NULL, "T" },
		{ "T", NULL, "{\"a\": 1}", NULL, "T" },
		{ "T", NULL, "[\"\"]", NULL,
		  "T\n\n=== VALIDATION REQUIREMENTS ===\n"
		  "Before marking this task complete, verify:\n1. " },
		{ "T", "D", "[\"s\"]", "\n\nAPPEND", "T\n\nD\n\n"
		  "=== VALIDATION REQUIREMENTS ===\n"
		  "Before marking this task complete, verify:\n1. s\n\nAPPEND" },
		{ "T", NULL, NULL, "!", "T!" },
		{ "", NULL, NULL, NULL, "" },
	};
	char		*out;
	size_t		 i;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(executors_prompt(&out, t[i].title, t[i].desc,
		    t[i].steps, t[i].append), 0);
		CHECK(strcmp(out, t[i].out) == 0, "row %zu:\n got \"%s\"\n"
		    "want \"%s\"\n", i, out, t[i].out);
		free(out);
	}
	assert_int_equal(executors_prompt(&out, NULL, "d", NULL, NULL),
	    E_INVAL);
	assert_null(out);
	assert_int_equal(nfail, 0);
}

static void
executors_stream_json_messages(void **state)
{
	struct executors *ex;
	struct exec_cmd	*c;
	json_object	*msgs;
	char		 err[256];
	size_t		 len;

	assert_int_equal(load_with(&ex, NULL, err, sizeof(err)), 0);
	assert_int_equal(executors_build(&c, ex, "CLAUDE_CODE", NULL, NULL,
	    NULL, err, sizeof(err)), 0);
	assert_int_equal(executors_stream_json_start(&msgs, c, "Fix it",
	    "id-1", "id-2"), 0);
	assert_string_equal(jsonx_render(msgs, &len), "["
	    "{\"type\":\"control_request\",\"request_id\":\"id-1\","
	    "\"request\":{\"subtype\":\"initialize\"}},"
	    "{\"type\":\"control_request\",\"request_id\":\"id-2\","
	    "\"request\":{\"subtype\":\"set_permission_mode\","
	    "\"mode\":\"bypassPermissions\"}},"
	    "{\"type\":\"user\",\"message\":{\"role\":\"user\","
	    "\"content\":\"Fix it\"}}]");
	json_object_put(msgs);
	exec_cmd_free(c);

	assert_int_equal(executors_build(&c, ex, "CLAUDE_CODE", "PLAN", "s",
	    NULL, err, sizeof(err)), 0);
	assert_int_equal(executors_stream_json_start(&msgs, c, "Go on",
	    "a", "b"), 0);
	assert_string_equal(jsonx_render(msgs, &len), "["
	    "{\"type\":\"control_request\",\"request_id\":\"a\","
	    "\"request\":{\"subtype\":\"initialize\",\"hooks\":{\"PreToolUse\":"
	    "[{\"matcher\":\"^ExitPlanMode$\",\"hookCallbackIds\":"
	    "[\"tool_approval\"]}]}}},"
	    "{\"type\":\"control_request\",\"request_id\":\"b\","
	    "\"request\":{\"subtype\":\"set_permission_mode\","
	    "\"mode\":\"plan\"}},"
	    "{\"type\":\"user\",\"message\":{\"role\":\"user\","
	    "\"content\":\"Go on\"}}]");
	json_object_put(msgs);
	exec_cmd_free(c);

	assert_int_equal(executors_build(&c, ex, "SCRIPT", NULL, NULL, NULL,
	    err, sizeof(err)), 0);
	assert_int_equal(executors_stream_json_start(&msgs, c, "x", "a", "b"),
	    E_INVAL);
	assert_null(msgs);
	exec_cmd_free(c);
	executors_free(ex);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(executors_canonical_names),
		cmocka_unit_test(executors_argv_table),
		cmocka_unit_test(executors_defaults_all_build),
		cmocka_unit_test(executors_resolve_errors),
		cmocka_unit_test(executors_bad_config),
		cmocka_unit_test(executors_bad_defaults),
		cmocka_unit_test(executors_override_merge),
		cmocka_unit_test(executors_rules),
		cmocka_unit_test(executors_load_files),
		cmocka_unit_test(executors_find_program_table),
		cmocka_unit_test(executors_prompt_table),
		cmocka_unit_test(executors_stream_json_messages),
	};

	return cmocka_run_group_tests_name("exec_executors", tests, setup,
	    teardown);
}
