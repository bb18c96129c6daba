/* normalize.h: agent output lines to NormalizedEntry JSON-Patch ops */
#ifndef SWARM_NORMALIZE_H
#define SWARM_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>
#include <json.h>

/*
 * A normalizer turns the raw lines of one execution process into the
 * conversation document the UI renders ({"entries": [...]}), one line at
 * a time. Each fed line yields zero or more RFC 6902 ops, in order:
 *
 *   {"op": "add" | "replace", "path": "/entries/<n>",
 *    "value": {"type": "NORMALIZED_ENTRY", "content": <NormalizedEntry>}}
 *
 * NormalizedEntry = {"timestamp": null, "entry_type": {"type": ...,
 * fields}, "content": "...", "metadata": <json> | null}, the reference's
 * serde shape (keys in that order, absent options as null).
 *
 * Indices are dense from the start index; "replace" rewrites an entry
 * already added (a tool finishing, streamed text growing, stderr lines
 * joining one error entry). Replaying the stored raw lines through a new
 * normalizer reproduces the same ops, so only raw lines need storing.
 */

#define NORMALIZE_SUMMARY_MAX	4096	/* characters, not bytes */
#define NORMALIZE_STDERR_GAP_MS	2000	/* stderr lines this close join */
#define NORMALIZE_PLAIN_MAX	8192	/* bytes of one plain-text entry */

enum normalize_mode {
	NORMALIZE_CLAUDE,		/* Claude Code stream-json (and SCRIPT, AMP) */
	NORMALIZE_PLAIN,		/* stdout lines -> system_message */
	NORMALIZE_PLAIN_ASSISTANT,	/* stdout lines -> assistant_message */
	NORMALIZE_ACP,			/* Agent Client Protocol (Gemini, Qwen) */
	NORMALIZE_CODEX,		/* Codex app-server JSON-RPC */
	NORMALIZE__MAX
};

enum normalize_stream {
	NORMALIZE_STDOUT,
	NORMALIZE_STDERR
};

struct normalizer;

/*
 * The mode for an executors-file log_format name: "claude_stream_json",
 * "plain", "plain_assistant", "acp", "codex_jsonrpc". Formats the file
 * may name whose normalizer is not written yet ("cursor_stream_json",
 * "droid_stream_json", "opencode_share") set *out to NORMALIZE_PLAIN and
 * return E_UNSUPPORTED; anything else is E_INVAL.
 */
int	 normalize_mode_lookup(enum normalize_mode *out, const char *name);

/*
 * A normalizer for one process. worktree (may be NULL) is stripped from
 * absolute paths in tool entries; first_index is the index of the first
 * entry (0 unless entries were injected before). *out is owned by the
 * caller (normalize_free). Returns 0, E_INVAL or E_FAIL.
 */
int	 normalize_new(struct normalizer **out, enum normalize_mode mode,
	    const char *worktree, size_t first_index);
void	 normalize_free(struct normalizer *);

/*
 * Feed one line (without its newline; len bytes, need not be
 * NUL-terminated) of stdout or stderr, read at now_ms (any monotonic
 * milliseconds: only differences matter, for joining stderr lines).
 * *out is a JSON array of ops, possibly empty, owned by the caller.
 * Returns 0 or E_FAIL (allocation).
 */
int	 normalize_feed(json_object **out, struct normalizer *,
	    enum normalize_stream, const char *line, size_t len,
	    int64_t now_ms);

/*
 * Add an error_message entry the runner synthesizes (a spawn failure;
 * setup_required when the program was not found). *out is one op.
 * Returns 0 or E_FAIL.
 */
int	 normalize_push_error(json_object **out, struct normalizer *,
	    int setup_required, const char *content);

/* The agent's session id once seen (borrowed), else NULL. */
const char *normalize_session_id(const struct normalizer *);
/*
 * The session id the first time it is asked for after it was seen, then
 * NULL: the runner stores it in executor_sessions exactly once.
 */
const char *normalize_take_session_id(struct normalizer *);
/*
 * The session id carried by one raw line in mode (Claude: "session_id"
 * of any JSON message), without a normalizer. *out is owned by the
 * caller, NULL when the line has none. Returns 0 or E_FAIL.
 */
int	 normalize_line_session_id(char **out, enum normalize_mode,
	    const char *line, size_t len);

/*
 * The last assistant message, cut to NORMALIZE_SUMMARY_MAX characters
 * (UTF-8 aware), for executor_sessions.summary and the auto-commit
 * message; NULL if there was none. *out is owned by the caller.
 * Returns 0 or E_FAIL.
 */
int	 normalize_summary(char **out, const struct normalizer *);
/* 1 once the agent reported its final result (Claude "result"). */
int	 normalize_finished(const struct normalizer *);
/* Number of entries so far (the next index). */
size_t	 normalize_count(const struct normalizer *);

#endif
