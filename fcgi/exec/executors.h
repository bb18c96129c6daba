/* executors.h: coding-agent profiles: load, resolve, build command lines */
#ifndef SWARM_EXECUTORS_H
#define SWARM_EXECUTORS_H

#include <stddef.h>
#include <json.h>

/*
 * The executors file (conf/executors.json; format documented in its
 * "$comment" and summarised here) describes each coding agent as data:
 *
 *   {"executors": {"CLAUDE_CODE": {
 *       "command":  ["npx", "-y", "@anthropic-ai/claude-code@2.0.54"],
 *       "command_if": [{"if": "opt", "command": [...]}],      optional
 *       "options":  {"model": {"type": "string"}, ...},  types: bool,
 *                   string, enum (with "values"), string_array;
 *                   optional "default"
 *       "args":     ["-p", {"if": "model", "args": ["--model", "{model}"]},
 *                    {"if": "x", "in": ["a"], "args": [...]},
 *                    {"each": "dirs", "args": ["--add-dir", "{item}"]}],
 *       "env":      [{"unset": "NAME"}, {"set": "NAME", "value": "v"},
 *                    {"if": "opt", "unset": "NAME"}],
 *       "delivery": "stdin" | "stream_json" | "jsonrpc_codex" | "acp",
 *       "log_format": a normalize.h format name,
 *       "follow_up": {"strategy": "args" | "fork_command" | "protocol" |
 *                     "fork_session_file", "args": [rules with
 *                     {session_id}], "fork_args": [...], "env": [...]},
 *       "settings": {"permission_mode": [{"if": "plan", "value": "plan"},
 *                    {"value": "bypassPermissions"}]},
 *       "capabilities": ["SESSION_FORK", "SETUP_HELPER"],
 *       "vars":     ["log_dir"],        placeholders the caller fills
 *       "mcp_config": "~/.claude.json",
 *       "variants": {"DEFAULT": {"model": "x", "append_prompt": "...",
 *                    "base_command_override": "cmd --flag" | [...],
 *                    "additional_params": ["--x"]}, ...}}}}
 *
 * An "if" holds when any named option is set: bool true, a non-empty
 * string, a non-empty array; "in" further requires the (single) option's
 * value to be one of the strings. "{name}" in a string is replaced by an
 * option's value, a declared var, {session_id} (follow_up only) or {item}
 * (inside "each"); other braces are literal. "$comment" keys are ignored.
 *
 * Command line = (base_command_override | first matching command_if |
 * command) + args + additional_params [+ follow_up.args]. Every executor
 * needs a DEFAULT variant.
 *
 * Merge rule for the override file ($SWARM_EXECUTORS_FILE, same format):
 * each executor it names must be a known executor (executors_canonical);
 * inside it, "variants" merge by name (a variant object replaces the
 * default variant of that name whole, a new name adds one, null deletes
 * one, DEFAULT cannot be deleted) and every other key replaces the
 * default's value whole (null removes an optional key). An executor
 * missing from the defaults must be complete. The merged result is
 * validated as strictly as the defaults: unknown keys, options, variants,
 * placeholders or enum values are errors naming the place.
 */

#define EXECUTORS_ENV		"SWARM_EXECUTORS_FILE"
#define EXECUTORS_NAME_MAX	32
#define EXECUTORS_VARIANT_MAX	64
#define EXECUTORS_FILE_MAX	(1024 * 1024)

/* How the prompt reaches the agent. */
enum exec_delivery {
	EXEC_DELIVER_STDIN,		/* write the prompt, close stdin */
	EXEC_DELIVER_STREAM_JSON,	/* Claude's bidirectional stream-json */
	EXEC_DELIVER_JSONRPC_CODEX,	/* Codex app-server JSON-RPC */
	EXEC_DELIVER_ACP,		/* Agent Client Protocol */
	EXEC_DELIVER__MAX
};

/* What a follow-up needs beyond argv. */
enum exec_strategy {
	EXEC_FOLLOW_ARGS,		/* run argv (resume args appended) */
	EXEC_FOLLOW_FORK_COMMAND,	/* run fork_argv, new id = last line */
	EXEC_FOLLOW_PROTOCOL,		/* the protocol resumes (Codex, ACP) */
	EXEC_FOLLOW_FORK_SESSION_FILE,	/* fork the session file, then argv */
	EXEC_FOLLOW__MAX
};

#define EXEC_CAP_SESSION_FORK	0x01u
#define EXEC_CAP_SETUP_HELPER	0x02u

struct executors;		/* the loaded, validated file */

/* A runtime placeholder value ({NULL, NULL} ends an array of them). */
struct exec_var {
	const char	*name;
	const char	*value;
};

/* Everything the runner needs to start one agent process. */
struct exec_cmd {
	char		  executor[EXECUTORS_NAME_MAX];	/* canonical */
	char		  variant[EXECUTORS_VARIANT_MAX];
	char		**argv;		/* NULL-terminated, argv[0] = program */
	size_t		  argc;
	char		**fork_argv;	/* FORK_COMMAND follow-ups, else NULL */
	char		**env_unset;	/* NULL-terminated names to remove */
	char		**env_set;	/* NULL-terminated "NAME=value" */
	enum exec_delivery delivery;
	enum exec_strategy strategy;
	unsigned	  caps;		/* EXEC_CAP_* */
	char		  log_format[32];
	char		 *append_prompt;	/* add to every prompt, follow-ups
					   too; never NULL, may be "" */
	json_object	 *settings;	/* object, e.g. permission_mode, hooks */
	int		  follow_up;	/* built for a follow-up */
};

/*
 * Parse and validate the defaults text, merge the override text (NULL
 * for none) over it and validate the result. label_* name the texts in
 * messages. On success *out is owned by the caller (executors_free).
 * Returns 0, E_INVAL with err saying what and where, or E_FAIL.
 */
int	 executors_parse(struct executors **out, const char *defaults,
	    size_t dlen, const char *label_defaults, const char *override,
	    size_t olen, const char *label_override, char *err, size_t errsz);
/*
 * executors_parse() over files: defaults_path, and override_path when
 * not NULL. Returns 0, E_NOTFOUND (a file is missing), E_TOOBIG (over
 * EXECUTORS_FILE_MAX), E_INVAL, E_FAIL; err names the file.
 */
int	 executors_load(struct executors **out, const char *defaults_path,
	    const char *override_path, char *err, size_t errsz);
/* executors_load() with the override file from $SWARM_EXECUTORS_FILE. */
int	 executors_load_env(struct executors **out, const char *defaults_path,
	    char *err, size_t errsz);
void	 executors_free(struct executors *);

/*
 * The canonical name of an executor name: exact ("CLAUDE_CODE"), legacy
 * kebab-case ("claude-code"), any case, or an alias ("CURSOR"). NULL when
 * unknown. Static storage.
 */
const char *executors_canonical(const char *name);

/*
 * Resolve {executor, variant} (variant NULL or "" is DEFAULT; variant
 * names are matched like executor names: case and '-' for '_') into the
 * canonical names. Returns 0, or E_INVAL for an unknown executor or
 * variant, or E_NOTFOUND for a known executor the file does not
 * configure; err says which.
 */
int	 executors_resolve(char executor[EXECUTORS_NAME_MAX],
	    char variant[EXECUTORS_VARIANT_MAX], const struct executors *,
	    const char *exec_name, const char *variant_name, char *err,
	    size_t errsz);

/*
 * Build the command for an initial request (session_id NULL) or a
 * follow-up (session_id set; for FORK_COMMAND, build once with the old
 * id to get fork_argv, then again with the id it printed). vars fill the
 * executor's "vars" placeholders (NULL if none). *out is owned by the
 * caller (exec_cmd_free). Returns 0; E_INVAL (unknown executor or
 * variant, follow-up unsupported, bad session id, a placeholder with no
 * value) with err; E_NOTFOUND (not configured); E_FAIL.
 */
int	 executors_build(struct exec_cmd **out, const struct executors *,
	    const char *exec_name, const char *variant_name,
	    const char *session_id, const struct exec_var *vars, char *err,
	    size_t errsz);
void	 exec_cmd_free(struct exec_cmd *);

/*
 * Resolve program as execvp would: a name with '/' is checked as is,
 * otherwise each directory of path (NULL: $PATH, else
 * "/usr/local/bin:/usr/bin:/bin") is tried. Writes the path found into
 * out. Returns 0, E_NOTFOUND (no executable file: the runner reports
 * "setup required"), E_TOOBIG (out too small) or E_INVAL.
 */
int	 executors_find_program(char *out, size_t outsz, const char *program,
	    const char *path);

/*
 * The prompt for a task: title; "\n\n" + description unless it is blank;
 * when validation_steps (a JSON array of strings, as stored) has steps,
 * "\n\n=== VALIDATION REQUIREMENTS ===\nBefore marking this task
 * complete, verify:\n1. a\n2. b"; then append_prompt verbatim. A
 * validation_steps that is not an array of strings counts as none.
 * *out is owned by the caller. Returns 0, E_INVAL (title NULL), E_FAIL.
 */
int	 executors_prompt(char **out, const char *title,
	    const char *description, const char *validation_steps,
	    const char *append_prompt);

/*
 * The stdin lines that start a stream_json agent (Claude): an initialize
 * control_request (with settings.hooks when set), a set_permission_mode
 * control_request (settings.permission_mode, default
 * "bypassPermissions") and the user message carrying prompt. request
 * ids are the caller's (UUIDs). *out is a JSON array of the three
 * messages, owned by the caller; write each rendered, one per line.
 * Returns 0, E_INVAL (not a stream_json command), E_FAIL.
 */
int	 executors_stream_json_start(json_object **out,
	    const struct exec_cmd *, const char *prompt, const char *init_id,
	    const char *mode_id);

/* Name tables, for messages and the API: "stdin", "args", ... */
const char *executors_delivery_name(enum exec_delivery);
const char *executors_strategy_name(enum exec_strategy);

/*
 * The merged configuration as JSON ({"executors": {...}}), for the
 * profiles API. Borrowed; lives as long as the executors.
 */
json_object *executors_json(const struct executors *);

#endif
