/* test_exec_normalize.c: agent output to entry patches (normalize.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "../../fcgi/exec/normalize.h"

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

static char	 fixtures[PATH_MAX];

static int
setup(void **state)
{
	char	 here[PATH_MAX];

	snprintf(here, sizeof(here), "%s", __FILE__);
	snprintf(fixtures, sizeof(fixtures), "%s/fixtures", dirname(here));
	return 0;
}

/* Feed one stdout line; the ops rendered, one per line, into out. */
static void
feed(char *out, size_t outsz, struct normalizer *n,
    enum normalize_stream s, const char *line, int64_t ms)
{
	json_object	*ops;
	size_t		 i, len, used = 0;

	assert_int_equal(normalize_feed(&ops, n, s, line, strlen(line), ms),
	    0);
	out[0] = '\0';
	for (i = 0; i < json_object_array_length(ops); i++)
		used += (size_t)snprintf(out + used, outsz - used, "%s\n",
		    jsonx_render(json_object_array_get_idx(ops, i), &len));
	json_object_put(ops);
}

/* The ops of one line, as a JSON array text. */
static const char *
ops_of(struct normalizer *n, enum normalize_stream s, const char *line,
    int64_t ms)
{
	static char	 buf[65536];
	json_object	*ops;
	size_t		 len;

	assert_int_equal(normalize_feed(&ops, n, s, line, strlen(line), ms),
	    0);
	snprintf(buf, sizeof(buf), "%s", jsonx_render(ops, &len));
	json_object_put(ops);
	return buf;
}

/* --- fixtures: whole transcripts, exact output ---------------------- */

static void
normalize_fixtures(void **state)
{
	static const struct {
		const char	*name;
		const char	*worktree;
		const char	*session;
		int		 finished;
		size_t		 count;
		const char	*summary;
	} t[] = {
		{ "claude_basic", "/tmp/swarm-wt/a1b2-fix-greeting",
		  "5d2c9a0e-1f3b-4c7d-9e8a-2b6f0c4d1a77", 1, 14,
		  "Fixed the greeting typo in `src/hello.c` (\"helo\" -> "
		  "\"hello\") and added `tests/hello.sh`." },
		{ "claude_partial", "/tmp/swarm-wt/c3d4-add-readme/",
		  "e2b1f0aa-3c4d-4e5f-8a9b-0c1d2e3f4a5b", 1, 4,
		  "Writing the README now." },
		{ "claude_errors", "/tmp/swarm-wt/e5f6-break",
		  "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", 1, 7, NULL },
		{ "script_agent", "/tmp/wt", "script-7f3e", 1, 3,
		  "Added notes.txt" },
	};
	struct normalizer *n;
	static char	 got[1 << 20];
	char		 path[PATH_MAX + 64], line[65536], want[65536];
	char		*summary, *p, *e;
	FILE		*in, *exp;
	size_t		 i, len, nops;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.jsonl", fixtures,
		    t[i].name);
		assert_non_null(in = fopen(path, "r"));
		snprintf(path, sizeof(path), "%s/%s.expected.jsonl", fixtures,
		    t[i].name);
		assert_non_null(exp = fopen(path, "r"));
		assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE,
		    t[i].worktree, 0), 0);
		nops = 0;
		while (fgets(line, sizeof(line), in) != NULL) {
			len = strlen(line);
			if (len > 0 && line[len - 1] == '\n')
				line[--len] = '\0';
			feed(got, sizeof(got), n, NORMALIZE_STDOUT, line, 0);
			for (p = got; *p != '\0'; p = e + 1) {
				e = strchr(p, '\n');
				*e = '\0';
				nops++;
				if (fgets(want, sizeof(want), exp) == NULL) {
					CHECK(0, "%s: extra op %zu: %s\n",
					    t[i].name, nops, p);
					continue;
				}
				want[strcspn(want, "\n")] = '\0';
				CHECK(strcmp(p, want) == 0, "%s: op %zu\n got "
				    "%s\nwant %s\n", t[i].name, nops, p, want);
			}
		}
		CHECK(fgets(want, sizeof(want), exp) == NULL,
		    "%s: missing ops after %zu\n", t[i].name, nops);
		CHECK(strcmp(normalize_session_id(n), t[i].session) == 0,
		    "%s: session %s\n", t[i].name, normalize_session_id(n));
		CHECK(normalize_finished(n) == t[i].finished, "%s: finished\n",
		    t[i].name);
		CHECK(normalize_count(n) == t[i].count, "%s: count %zu\n",
		    t[i].name, normalize_count(n));
		assert_int_equal(normalize_summary(&summary, n), 0);
		CHECK((summary == NULL && t[i].summary == NULL) ||
		    (summary != NULL && t[i].summary != NULL &&
		    strcmp(summary, t[i].summary) == 0), "%s: summary %s\n",
		    t[i].name, summary ? summary : "NULL");
		free(summary);
		normalize_free(n);
		fclose(in);
		fclose(exp);
	}
	assert_int_equal(nfail, 0);
}

/* --- Claude details ------------------------------------------------- */

#define ENTRY(op, i, body) "{\"op\":\"" op "\",\"path\":\"/entries/" #i	\
	"\",\"value\":{\"type\":\"NORMALIZED_ENTRY\",\"content\":{"	\
	"\"timestamp\":null," body "}}}"
#define SYS(i, text) ENTRY("add", i, "\"entry_type\":{\"type\":"	\
	"\"system_message\"},\"content\":\"" text "\",\"metadata\":null")

static void
normalize_session_capture(void **state)
{
	static const struct {
		const char	*line;
		const char	*sid;
	} t[] = {
		{ "{\"type\":\"system\",\"subtype\":\"init\","
		  "\"session_id\":\"abc\"}", "abc" },
		{ "  {\"type\":\"result\",\"sessionId\":\"r-1\"}  ", "r-1" },
		{ "{\"type\":\"assistant\",\"session_id\":\"\"}", NULL },
		{ "{\"type\":\"assistant\",\"session_id\":7}", NULL },
		{ "session_id: abc", NULL },
		{ "[\"session_id\",\"abc\"]", NULL },
		{ "", NULL },
	};
	struct normalizer *n;
	char		*sid;
	size_t		 i;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(normalize_line_session_id(&sid,
		    NORMALIZE_CLAUDE, t[i].line, strlen(t[i].line)), 0);
		CHECK((sid == NULL && t[i].sid == NULL) || (sid != NULL &&
		    t[i].sid != NULL && strcmp(sid, t[i].sid) == 0),
		    "line %zu: %s\n", i, sid ? sid : "NULL");
		free(sid);
	}
	assert_int_equal(normalize_line_session_id(&sid, NORMALIZE_PLAIN,
	    t[0].line, strlen(t[0].line)), 0);
	assert_null(sid);

	/* The first id wins; take hands it out once. */
	assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, NULL, 0), 0);
	assert_null(normalize_take_session_id(n));
	ops_of(n, NORMALIZE_STDOUT, "{\"type\":\"system\",\"subtype\":\"init\","
	    "\"session_id\":\"first\"}", 0);
	ops_of(n, NORMALIZE_STDOUT, "{\"type\":\"system\",\"subtype\":\"init\","
	    "\"session_id\":\"second\"}", 0);
	assert_string_equal(normalize_session_id(n), "first");
	assert_string_equal(normalize_take_session_id(n), "first");
	assert_null(normalize_take_session_id(n));
	assert_int_equal(normalize_count(n), 0);
	normalize_free(n);
	assert_int_equal(nfail, 0);
}

/* action_type and content of each tool call shape. */
static void
normalize_tool_mapping(void **state)
{
	static const struct {
		const char	*name, *input;
		const char	*tool_name, *action, *content;
	} t[] = {
		{ "Task", "{\"description\":\"Find callers\",\"prompt\":\"p\","
		  "\"subagent_type\":\"general-purpose\"}", "Task",
		  "{\"action\":\"task_create\",\"description\":"
		  "\"Find callers\"}", "Task: `Find callers`" },
		{ "Task", "{\"prompt\":\"Look around\"}", "Task",
		  "{\"action\":\"task_create\",\"description\":"
		  "\"Look around\"}", "Task: `Look around`" },
		{ "Task", "{}", "Task",
		  "{\"action\":\"task_create\",\"description\":\"\"}", "Task" },
		{ "ExitPlanMode", "{\"plan\":\"1. a\\n2. b\"}", "ExitPlanMode",
		  "{\"action\":\"plan_presentation\",\"plan\":\"1. a\\n2. b\"}",
		  "1. a\n2. b" },
		{ "LS", "{\"path\":\"/w/t/src\"}", "LS",
		  "{\"action\":\"other\",\"description\":\"List directory\"}",
		  "List directory: `src`" },
		{ "LS", "{\"path\":\"/w/t\"}", "LS",
		  "{\"action\":\"other\",\"description\":\"List directory\"}",
		  "List directory: `.`" },
		{ "TodoRead", "{}", "TodoRead",
		  "{\"action\":\"todo_management\",\"todos\":[],"
		  "\"operation\":\"read\"}", "TODO list updated" },
		{ "TodoWrite", "{\"todos\":[{\"content\":\"a\",\"status\":"
		  "\"pending\",\"priority\":\"high\",\"id\":\"1\"}]}",
		  "TodoWrite", "{\"action\":\"todo_management\",\"todos\":["
		  "{\"content\":\"a\",\"status\":\"pending\",\"priority\":"
		  "\"high\"}],\"operation\":\"write\"}", "TODO list updated" },
		{ "WebSearch", "{\"query\":\"json-c 0.16\"}", "WebSearch",
		  "{\"action\":\"web_fetch\",\"url\":\"json-c 0.16\"}",
		  "`json-c 0.16`" },
		{ "NotebookEdit", "{\"notebook_path\":\"/w/t/n.ipynb\","
		  "\"new_source\":\"x=1\",\"edit_mode\":\"replace\"}",
		  "NotebookEdit", "{\"action\":\"tool\",\"tool_name\":"
		  "\"NotebookEdit\",\"arguments\":{\"name\":\"NotebookEdit\","
		  "\"input\":{\"notebook_path\":\"/w/t/n.ipynb\",\"new_source\":"
		  "\"x=1\",\"edit_mode\":\"replace\"}},\"result\":null}",
		  "`n.ipynb`" },
		/* Amp's names and field aliases */
		{ "read", "{\"path\":\"/w/t/a.c\"}", "Read",
		  "{\"action\":\"file_read\",\"path\":\"a.c\"}", "`a.c`" },
		{ "bash", "{\"cmd\":\"ls -la\"}", "Bash",
		  "{\"action\":\"command_run\",\"command\":\"ls -la\","
		  "\"result\":null}", "`ls -la`" },
		{ "Glob", "{\"filePattern\":\"*.md\"}", "Glob",
		  "{\"action\":\"search\",\"query\":\"*.md\"}", "`*.md`" },
		/* paths: inside, the root, a sibling prefix, relative, other */
		{ "Read", "{\"file_path\":\"/w/tx/a.c\"}", "Read",
		  "{\"action\":\"file_read\",\"path\":\"/w/tx/a.c\"}",
		  "`/w/tx/a.c`" },
		{ "Read", "{\"file_path\":\"src/a.c\"}", "Read",
		  "{\"action\":\"file_read\",\"path\":\"src/a.c\"}",
		  "`src/a.c`" },
		{ "Read", "{\"file_path\":\"/etc/hosts\"}", "Read",
		  "{\"action\":\"file_read\",\"path\":\"/etc/hosts\"}",
		  "`/etc/hosts`" },
		/* malformed known tools fall back to unknown, as serde does */
		{ "Read", "{\"offset\":3}", "Read",
		  "{\"action\":\"other\",\"description\":\"Tool: Read\"}",
		  "Read" },
		{ "Write", "{\"file_path\":\"/w/t/a\"}", "Write",
		  "{\"action\":\"other\",\"description\":\"Tool: Write\"}",
		  "Write" },
		{ "TodoWrite", "{\"todos\":[{\"content\":\"a\"}]}", "TodoWrite",
		  "{\"action\":\"other\",\"description\":\"Tool: TodoWrite\"}",
		  "TodoWrite" },
		{ "mcp__x", "{}", "mcp__x", "{\"action\":\"tool\",\"tool_name\":"
		  "\"mcp__x\",\"arguments\":{},\"result\":null}", "mcp__x" },
		{ "mcp__srv__do__more", "{\"a\":1}", "mcp__srv__do__more",
		  "{\"action\":\"tool\",\"tool_name\":\"mcp:srv:do\","
		  "\"arguments\":{\"a\":1},\"result\":null}", "mcp:srv:do" },
	};
	struct normalizer *n;
	json_object	*ops, *e, *et;
	char		 line[2048];
	const char	*got;
	size_t		 i, len;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, "/w/t/",
		    0), 0);
		snprintf(line, sizeof(line), "{\"type\":\"assistant\","
		    "\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":"
		    "\"tool_use\",\"id\":\"t%zu\",\"name\":\"%s\",\"input\":%s}]}}",
		    i, t[i].name, t[i].input);
		assert_int_equal(normalize_feed(&ops, n, NORMALIZE_STDOUT, line,
		    strlen(line), 0), 0);
		assert_int_equal(json_object_array_length(ops), 1);
		e = json_object_object_get(json_object_object_get(
		    json_object_array_get_idx(ops, 0), "value"), "content");
		et = json_object_object_get(e, "entry_type");
		got = jsonx_get_str(et, "tool_name");
		CHECK(strcmp(got, t[i].tool_name) == 0, "%s: tool_name %s\n",
		    t[i].name, got);
		got = jsonx_render(json_object_object_get(et, "action_type"),
		    &len);
		CHECK(strcmp(got, t[i].action) == 0, "%s %s: action\n got %s\n"
		    "want %s\n", t[i].name, t[i].input, got, t[i].action);
		got = jsonx_get_str(e, "content");
		CHECK(strcmp(got, t[i].content) == 0, "%s: content \"%s\"\n",
		    t[i].name, got);
		json_object_put(ops);
		normalize_free(n);
	}
	assert_int_equal(nfail, 0);
}

/* Tool results: Bash exit status, JSON/markdown results, strays. */
static void
normalize_tool_results(void **state)
{
	static const struct {
		const char	*name, *input, *result;
		const char	*action;	/* after the result */
		const char	*status;
	} t[] = {
		{ "Bash", "{\"command\":\"false\"}", "\"content\":"
		  "\"{\\\"output\\\":\\\"boom\\\",\\\"exitCode\\\":3}\"",
		  "{\"action\":\"command_run\",\"command\":\"false\",\"result\":"
		  "{\"exit_status\":{\"type\":\"exit_code\",\"code\":3},"
		  "\"output\":\"boom\"}}", "success" },
		{ "Bash", "{\"command\":\"ls\"}", "\"content\":[{\"type\":"
		  "\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]",
		  "{\"action\":\"command_run\",\"command\":\"ls\",\"result\":"
		  "{\"exit_status\":null,\"output\":\"a\\n\\nb\"}}", "success" },
		{ "Bash", "{\"command\":\"ls\"}", "\"is_error\":true,\"content\":"
		  "\"denied\"", "{\"action\":\"command_run\",\"command\":\"ls\","
		  "\"result\":{\"exit_status\":{\"type\":\"success\","
		  "\"success\":false},\"output\":\"denied\"}}", "failed" },
		{ "Bash", "{\"command\":\"ls\"}", "\"content\":{\"n\":1}",
		  "{\"action\":\"command_run\",\"command\":\"ls\",\"result\":"
		  "{\"exit_status\":null,\"output\":\"{\\\"n\\\":1}\"}}",
		  "success" },
		{ "Frob", "{}", "\"content\":\"[1,2]\"", "{\"action\":\"tool\","
		  "\"tool_name\":\"Frob\",\"arguments\":{},\"result\":{\"type\":"
		  "\"json\",\"value\":[1,2]}}", "success" },
		{ "Frob", "{}", "\"content\":[{\"type\":\"image\"}]",
		  "{\"action\":\"tool\",\"tool_name\":\"Frob\",\"arguments\":{},"
		  "\"result\":{\"type\":\"json\",\"value\":[{\"type\":"
		  "\"image\"}]}}", "success" },
		{ "Frob", "{}", "\"is_error\":true,\"content\":[{\"type\":"
		  "\"text\",\"text\":\"no such thing\"}]", "{\"action\":\"tool\","
		  "\"tool_name\":\"Frob\",\"arguments\":{},\"result\":{\"type\":"
		  "\"markdown\",\"value\":\"no such thing\"}}", "failed" },
		{ "Read", "{\"file_path\":\"a\"}", "\"is_error\":true,"
		  "\"content\":\"<tool_use_error>File does not exist."
		  "</tool_use_error>\"", "{\"action\":\"file_read\","
		  "\"path\":\"a\"}", "failed" },
	};
	struct normalizer *n;
	json_object	*ops, *et;
	char		 line[2048];
	const char	*got;
	size_t		 i, len;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, NULL, 0),
		    0);
		snprintf(line, sizeof(line), "{\"type\":\"assistant\","
		    "\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":"
		    "\"tool_use\",\"id\":\"x\",\"name\":\"%s\",\"input\":%s}]}}",
		    t[i].name, t[i].input);
		ops_of(n, NORMALIZE_STDOUT, line, 0);
		snprintf(line, sizeof(line), "{\"type\":\"user\",\"message\":{"
		    "\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
		    "\"tool_use_id\":\"x\",%s}]}}", t[i].result);
		assert_int_equal(normalize_feed(&ops, n, NORMALIZE_STDOUT, line,
		    strlen(line), 0), 0);
		if (json_object_array_length(ops) != 1) {
			CHECK(0, "row %zu: %zu ops\n", i,
			    json_object_array_length(ops));
			json_object_put(ops);
			normalize_free(n);
			continue;
		}
		CHECK(strcmp(jsonx_get_str(json_object_array_get_idx(ops, 0),
		    "op"), "replace") == 0, "row %zu: not a replace\n", i);
		et = json_object_object_get(json_object_object_get(
		    json_object_object_get(json_object_array_get_idx(ops, 0),
		    "value"), "content"), "entry_type");
		got = jsonx_render(json_object_object_get(et, "action_type"),
		    &len);
		CHECK(strcmp(got, t[i].action) == 0, "row %zu action\n got %s\n"
		    "want %s\n", i, got, t[i].action);
		got = jsonx_get_str(json_object_object_get(et, "status"),
		    "status");
		CHECK(strcmp(got, t[i].status) == 0, "row %zu: status %s\n", i,
		    got);
		json_object_put(ops);
		/* a second result, or one for an unknown id, changes nothing */
		CHECK(strcmp(ops_of(n, NORMALIZE_STDOUT, line, 0), "[]") == 0,
		    "row %zu: second result not ignored\n", i);
		CHECK(strcmp(ops_of(n, NORMALIZE_STDOUT, "{\"type\":\"user\","
		    "\"message\":{\"role\":\"user\",\"content\":[{\"type\":"
		    "\"tool_result\",\"tool_use_id\":\"zz\",\"content\":\"x\"}]}}",
		    0), "[]") == 0, "row %zu: stray result\n", i);
		normalize_free(n);
	}
	assert_int_equal(nfail, 0);
}

/* Edit and MultiEdit diffs. */
static void
normalize_edit_diffs(void **state)
{
	static const struct {
		const char	*input;
		const char	*changes;
	} t[] = {
		{ "{\"file_path\":\"/w/a.txt\",\"old_string\":\"x\","
		  "\"new_string\":\"y\"}", "[{\"action\":\"edit\",\"unified_diff\":"
		  "\"--- a/a.txt\\n+++ b/a.txt\\n@@ -1,1 +1,1 @@\\n-x\\n+y\\n\","
		  "\"has_line_numbers\":false}]" },
		{ "{\"file_path\":\"/w/a.txt\",\"old_string\":\"\","
		  "\"new_string\":\"new\\n\"}", "[{\"action\":\"edit\","
		  "\"unified_diff\":\"--- a/a.txt\\n+++ b/a.txt\\n"
		  "@@ -1,1 +1,1 @@\\n-\\n+new\\n\",\"has_line_numbers\":false}]" },
		{ "{\"file_path\":\"/w/a.txt\",\"old_string\":\"a\\nb\\nc\\nd\","
		  "\"new_string\":\"a\\nB\\nc\\nx\\nd\"}", "[{\"action\":\"edit\","
		  "\"unified_diff\":\"--- a/a.txt\\n+++ b/a.txt\\n"
		  "@@ -1,4 +1,5 @@\\n a\\n-b\\n+B\\n c\\n+x\\n d\\n\","
		  "\"has_line_numbers\":false}]" },
		{ "{\"file_path\":\"/w/a.txt\",\"old_string\":\"k\\nold\\n\"}",
		  "[{\"action\":\"edit\",\"unified_diff\":\"--- a/a.txt\\n"
		  "+++ b/a.txt\\n@@ -1,2 +1,1 @@\\n-k\\n-old\\n+\\n\","
		  "\"has_line_numbers\":false}]" },
		{ "{\"file_path\":\"/w/a.txt\"}", "[]" },
		{ "{\"file_path\":\"/w/a.txt\",\"edits\":[{\"old_string\":\"1\","
		  "\"new_string\":\"2\"},{\"replace_all\":true},{\"new_string\":"
		  "\"3\"}]}", "[{\"action\":\"edit\",\"unified_diff\":"
		  "\"--- a/a.txt\\n+++ b/a.txt\\n@@ -1,1 +1,1 @@\\n-1\\n+2\\n\","
		  "\"has_line_numbers\":false},{\"action\":\"edit\","
		  "\"unified_diff\":\"--- a/a.txt\\n+++ b/a.txt\\n"
		  "@@ -1,1 +1,1 @@\\n-\\n+3\\n\",\"has_line_numbers\":false}]" },
	};
	struct normalizer *n;
	json_object	*ops, *act;
	char		 line[2048];
	const char	*got;
	size_t		 i, len;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, "/w", 0),
		    0);
		snprintf(line, sizeof(line), "{\"type\":\"assistant\","
		    "\"message\":{\"role\":\"assistant\",\"content\":[{\"type\":"
		    "\"tool_use\",\"id\":\"e\",\"name\":\"%s\",\"input\":%s}]}}",
		    strstr(t[i].input, "edits") ? "MultiEdit" : "Edit",
		    t[i].input);
		assert_int_equal(normalize_feed(&ops, n, NORMALIZE_STDOUT, line,
		    strlen(line), 0), 0);
		act = json_object_object_get(json_object_object_get(
		    json_object_object_get(json_object_object_get(
		    json_object_array_get_idx(ops, 0), "value"), "content"),
		    "entry_type"), "action_type");
		got = jsonx_render(json_object_object_get(act, "changes"), &len);
		CHECK(strcmp(got, t[i].changes) == 0, "row %zu\n got %s\n"
		    "want %s\n", i, got, t[i].changes);
		json_object_put(ops);
		normalize_free(n);
	}
	assert_int_equal(nfail, 0);
}

/* Odd lines: text, invalid UTF-8, broken messages, user text. */
static void
normalize_claude_odd_lines(void **state)
{
	static const struct {
		const char	*line;
		const char	*ops;
	} t[] = {
		{ "   ", "[]" },
		{ "plain \xff text", "[" SYS(0, "plain \xef\xbf\xbd text") "]" },
		{ "{\"no_type\":1}", "[" SYS(0, "Unrecognized JSON message: "
		  "{\\\"no_type\\\":1}") "]" },
		{ "{\"type\":\"assistant\"}", "[" SYS(0, "Unrecognized JSON "
		  "message: {\\\"type\\\":\\\"assistant\\\"}") "]" },
		{ "{\"type\":\"system\"}", "[" ENTRY("add", 0, "\"entry_type\":{"
		  "\"type\":\"system_message\"},\"content\":\"System message\","
		  "\"metadata\":{\"type\":\"system\"}") "]" },
		{ "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":"
		  "\"the prompt\"}}", "[]" },
		{ "{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":"
		  "[{\"type\":\"text\",\"text\":\"more\"}]}}", "[]" },
		{ "{\"type\":\"assistant\",\"message\":{\"role\":\"assistant\","
		  "\"content\":[{\"type\":\"redacted_thinking\",\"data\":\"x\"},"
		  "{\"type\":\"text\"}]}}", "[]" },
		{ "{\"type\":\"control_response\",\"response\":{}}", "[]" },
		{ "{\"type\":\"result\",\"is_error\":false}", "[]" },
		{ "claude code router service has been successfully stopped",
		  "[]" },
	};
	struct normalizer *n;
	const char	*got;
	size_t		 i;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, NULL, 0),
		    0);
		got = ops_of(n, NORMALIZE_STDOUT, t[i].line, 0);
		CHECK(strcmp(got, t[i].ops) == 0, "row %zu\n got %s\nwant %s\n",
		    i, got, t[i].ops);
		normalize_free(n);
	}
	assert_int_equal(nfail, 0);
}

/* --- stderr and plain text ------------------------------------------ */

#define ERR(op, i, kind, text) ENTRY(op, i, "\"entry_type\":{\"type\":"	\
	"\"error_message\",\"error_type\":{\"type\":\"" kind "\"}},"	\
	"\"content\":\"" text "\",\"metadata\":null")

static void
normalize_stderr_clusters(void **state)
{
	static const struct {
		enum normalize_stream s;
		int64_t		 ms;
		const char	*line;
		const char	*ops;
	} t[] = {
		{ NORMALIZE_STDERR, 1000, "warn: a", "[" ERR("add", 0, "other",
		  "warn: a") "]" },
		{ NORMALIZE_STDERR, 1500, "\x1b[31merror:\x1b[0m b\x1b]0;t\x07",
		  "[" ERR("replace", 0, "other", "warn: a\\nerror: b") "]" },
		/* stdout in between takes the next index; the cluster holds */
		{ NORMALIZE_STDOUT, 1600, "{\"type\":\"assistant\",\"message\":{"
		  "\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
		  "\"text\":\"hi\"}]}}", "[" ENTRY("add", 1, "\"entry_type\":{"
		  "\"type\":\"assistant_message\"},\"content\":\"hi\","
		  "\"metadata\":{\"type\":\"text\",\"text\":\"hi\"}") "]" },
		{ NORMALIZE_STDERR, 3400, "Please log in first",
		  "[" ERR("replace", 0, "setup_required",
		  "warn: a\\nerror: b\\nPlease log in first") "]" },
		{ NORMALIZE_STDERR, 5400, "later", "[" ERR("add", 2, "other",
		  "later") "]" },
		{ NORMALIZE_STDERR, 5401, "", "[]" },
		{ NORMALIZE_STDERR, 9000, "Error: Login required.",
		  "[" ERR("add", 3, "setup_required",
		  "Error: Login required.") "]" },
	};
	struct normalizer *n;
	const char	*got;
	size_t		 i;
	int		 nfail = 0;

	assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, NULL, 0), 0);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = ops_of(n, t[i].s, t[i].line, t[i].ms);
		CHECK(strcmp(got, t[i].ops) == 0, "row %zu\n got %s\nwant %s\n",
		    i, got, t[i].ops);
	}
	normalize_free(n);
	assert_int_equal(nfail, 0);
}

static void
normalize_plain_modes(void **state)
{
	struct normalizer *n;
	char		 big[5000], *sum;
	json_object	*ops;
	size_t		 i;

	assert_int_equal(normalize_new(&n, NORMALIZE_PLAIN, NULL, 0), 0);
	assert_string_equal(ops_of(n, NORMALIZE_STDOUT, "Running setup", 0),
	    "[" ENTRY("add", 0, "\"entry_type\":{\"type\":\"system_message\"},"
	    "\"content\":\"Running setup\",\"metadata\":null") "]");
	assert_string_equal(ops_of(n, NORMALIZE_STDOUT,
	    "{\"type\":\"assistant\"}", 0), "[" ENTRY("replace", 0,
	    "\"entry_type\":{\"type\":\"system_message\"},\"content\":"
	    "\"Running setup\\n{\\\"type\\\":\\\"assistant\\\"}\","
	    "\"metadata\":null") "]");
	assert_string_equal(ops_of(n, NORMALIZE_STDERR, "npm ERR!", 0),
	    "[" ERR("add", 1, "other", "npm ERR!") "]");
	assert_int_equal(normalize_summary(&sum, n), 0);
	assert_null(sum);
	/* past NORMALIZE_PLAIN_MAX bytes the next line starts an entry */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 2; i++) {
		assert_int_equal(normalize_feed(&ops, n, NORMALIZE_STDOUT, big,
		    strlen(big), 0), 0);
		assert_string_equal(jsonx_get_str(json_object_array_get_idx(
		    ops, 0), "path"), "/entries/0");
		json_object_put(ops);
	}
	assert_int_equal(normalize_feed(&ops, n, NORMALIZE_STDOUT, "tail", 4,
	    0), 0);
	assert_string_equal(ops_of(n, NORMALIZE_STDOUT, "", 0), "["
	    ENTRY("replace", 2, "\"entry_type\":{\"type\":\"system_message\"},"
	    "\"content\":\"tail\\n\",\"metadata\":null") "]");
	json_object_put(ops);
	assert_int_equal(normalize_count(n), 3);
	normalize_free(n);

	/* plain_assistant: the text is the summary */
	assert_int_equal(normalize_new(&n, NORMALIZE_PLAIN_ASSISTANT, NULL,
	    7), 0);
	assert_string_equal(ops_of(n, NORMALIZE_STDOUT, "\x1b[1mDone\x1b[0m",
	    0), "[" ENTRY("add", 7, "\"entry_type\":{\"type\":"
	    "\"assistant_message\"},\"content\":\"Done\",\"metadata\":null")
	    "]");
	ops_of(n, NORMALIZE_STDOUT, "All good", 0);
	assert_int_equal(normalize_summary(&sum, n), 0);
	assert_string_equal(sum, "Done\nAll good");
	free(sum);
	normalize_free(n);
}

/* --- summary, injected errors, mode names --------------------------- */

static void
normalize_summary_truncates(void **state)
{
	struct normalizer *n;
	char		*line, *sum, *p;
	size_t		 i;

	assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, NULL, 0), 0);
	/* 5000 two-byte characters: cut at 4096 characters, 8192 bytes */
	line = malloc(20000);
	assert_non_null(line);
	p = line + sprintf(line, "{\"type\":\"assistant\",\"message\":{"
	    "\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
	    "\"text\":\"");
	for (i = 0; i < 5000; i++) {
		memcpy(p, "\xc3\xa9", 2);
		p += 2;
	}
	strcpy(p, "\"}]}}");
	ops_of(n, NORMALIZE_STDOUT, "{\"type\":\"result\",\"result\":\"r\"}",
	    0);
	assert_int_equal(normalize_summary(&sum, n), 0);
	assert_string_equal(sum, "r");		/* the fallback */
	free(sum);
	ops_of(n, NORMALIZE_STDOUT, line, 0);
	assert_int_equal(normalize_summary(&sum, n), 0);
	assert_int_equal(strlen(sum), 8192);
	assert_memory_equal(sum + 8190, "\xc3\xa9", 2);
	free(sum);
	ops_of(n, NORMALIZE_STDOUT, "{\"type\":\"assistant\",\"message\":{"
	    "\"role\":\"assistant\",\"content\":[{\"type\":\"text\","
	    "\"text\":\"short\"}]}}", 0);
	assert_int_equal(normalize_summary(&sum, n), 0);
	assert_string_equal(sum, "short");
	free(sum);
	free(line);
	normalize_free(n);
}

static void
normalize_injected_errors(void **state)
{
	struct normalizer *n;
	json_object	*op;
	size_t		 len;

	assert_int_equal(normalize_new(&n, NORMALIZE_CLAUDE, NULL, 2), 0);
	assert_int_equal(normalize_push_error(&op, n, 1, "Executable "
	    "'npx' not found"), 0);
	assert_string_equal(jsonx_render(op, &len), ERR("add", 2,
	    "setup_required", "Executable 'npx' not found"));
	json_object_put(op);
	assert_int_equal(normalize_push_error(&op, n, 0, "Failed to start "
	    "execution: Permission denied"), 0);
	assert_string_equal(jsonx_render(op, &len), ERR("add", 3, "other",
	    "Failed to start execution: Permission denied"));
	json_object_put(op);
	assert_int_equal(normalize_count(n), 4);
	normalize_free(n);
}

static void
normalize_mode_names(void **state)
{
	static const struct {
		const char		*name;
		int			 rc;
		enum normalize_mode	 mode;
	} t[] = {
		{ "claude_stream_json",	0,		NORMALIZE_CLAUDE },
		{ "plain",		0,		NORMALIZE_PLAIN },
		{ "plain_assistant",	0,		NORMALIZE_PLAIN_ASSISTANT },
		{ "codex_jsonrpc",	0,		NORMALIZE_CODEX },
		{ "acp",		0,		NORMALIZE_ACP },
		{ "cursor_stream_json",	E_UNSUPPORTED,	NORMALIZE_PLAIN },
		{ "droid_stream_json",	E_UNSUPPORTED,	NORMALIZE_PLAIN },
		{ "opencode_share",	E_UNSUPPORTED,	NORMALIZE_PLAIN },
		{ "Claude_Stream_Json",	E_INVAL,	NORMALIZE__MAX },
		{ "",			E_INVAL,	NORMALIZE__MAX },
	};
	enum normalize_mode m;
	struct normalizer *n;
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		m = NORMALIZE__MAX;
		rc = normalize_mode_lookup(&m, t[i].name);
		CHECK(rc == t[i].rc && m == t[i].mode, "%s: rc %d mode %d\n",
		    t[i].name, rc, (int)m);
	}
	assert_int_equal(normalize_mode_lookup(&m, NULL), E_INVAL);
	assert_int_equal(normalize_new(&n, NORMALIZE__MAX, NULL, 0), E_INVAL);
	assert_null(n);
	assert_int_equal(nfail, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalize_fixtures),
		cmocka_unit_test(normalize_session_capture),
		cmocka_unit_test(normalize_tool_mapping),
		cmocka_unit_test(normalize_tool_results),
		cmocka_unit_test(normalize_edit_diffs),
		cmocka_unit_test(normalize_claude_odd_lines),
		cmocka_unit_test(normalize_stderr_clusters),
		cmocka_unit_test(normalize_plain_modes),
		cmocka_unit_test(normalize_summary_truncates),
		cmocka_unit_test(normalize_injected_errors),
		cmocka_unit_test(normalize_mode_names),
	};

	return cmocka_run_group_tests_name("exec_normalize", tests, setup,
	    NULL);
}
