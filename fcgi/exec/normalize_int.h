/* normalize_int.h: what the normalizer's files share (not a public API) */
#ifndef SWARM_NORMALIZE_INT_H
#define SWARM_NORMALIZE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <json.h>

#include "normalize.h"

/*
 * normalize.c holds the entries, ops, clusters and the public API; each
 * log format maps its lines in its own file (normalize_claude.c,
 * normalize_acp.c, normalize_codex.c) through the builders below. Every
 * builder that takes a json_object takes ownership of it, even on
 * failure; every char * returned is the caller's to free.
 */

struct acp_state;
struct codex_state;

enum kind { K_TEXT, K_THINKING };

/* A text or thinking block streamed with --include-partial-messages. */
struct block {
	int		 sindex;	/* the stream's content block index */
	enum kind	 kind;
	char		*buf;
	size_t		 len;
	size_t		 entry;
	int		 has_entry;	/* an entry was added for it */
	int		 consumed;	/* the final assistant event took it */
};

/* A tool_use entry waiting for its tool_result (parts kept to rebuild it). */
struct tool {
	char		*id;
	size_t		 entry;
	int		 def;		/* index in tools[], -1 unknown */
	char		*name;		/* entry_type.tool_name */
	char		*content;
	json_object	*act;		/* action_type as added (not modified) */
	json_object	*meta;		/* metadata as added (not modified) */
	int		 done;
};

/* Lines joining one entry (stderr by time, plain stdout by size). */
struct cluster {
	int		 open;
	size_t		 entry;
	char		*buf;
	size_t		 len;
	int64_t		 last_ms;
};

struct normalizer {
	enum normalize_mode mode;
	char		*worktree;	/* without trailing '/', or NULL */
	size_t		 next;		/* next entry index */
	char		*session_id;
	int		 session_taken;
	int		 model_reported;
	int		 finished;
	char		*summary;	/* last assistant message */
	size_t		 summary_entry;
	char		*result_text;	/* the result message, as fallback */
	struct tool	*tools;
	size_t		 ntools, captools;
	char		*stream_id;	/* message being streamed */
	struct block	*blocks;
	size_t		 nblocks, capblocks;
	struct cluster	 err, out;
	struct acp_state *acp;		/* normalize_acp.c */
	struct codex_state *codex;	/* normalize_codex.c */
};

/* --- text (normalize.c) --- */
char		*norm_clean_text(const char *s, size_t len, int strip);
size_t		 norm_utf8_prefix(const char *s, size_t max);
int		 norm_contains_ci(const char *s, const char *needle);
char		*norm_rel_path(const struct normalizer *, const char *path);
int		 norm_buf_add(char **buf, size_t *blen, const char *s,
		    size_t len);
char		*norm_unified_diff(const char *path, const char *olds,
		    const char *news);
const char	*norm_trim(const char *s, size_t *len);
json_object	*norm_parse_object(const char *s, size_t len);
/*
 * A protocol line as a JSON object in *out (0); a blank line (1, nothing
 * emitted) or one that is not JSON, added as a system_message (1); or
 * E_FAIL. For the JSON-RPC formats, whose every line should be JSON.
 */
int		 norm_json_line(json_object **out, struct normalizer *,
		    json_object *ops, const char *line, size_t len);
json_object	*norm_copy(json_object *o);

/* --- entries and ops (normalize.c) --- */
json_object	*norm_etype(const char *type);
json_object	*norm_action(const char *name);
json_object	*norm_entry(json_object *et, const char *content,
		    json_object *meta);
json_object	*norm_simple(const char *type, const char *content,
		    json_object *meta);
json_object	*norm_error(int setup_required, const char *content,
		    json_object *meta);
json_object	*norm_tool_etype(const char *tool_name, json_object *act,
		    const char *status);
int		 norm_emit(struct normalizer *, json_object *ops,
		    const char *op, size_t idx, json_object *e);
int		 norm_emit_add(struct normalizer *, json_object *ops,
		    json_object *e, size_t *idx);
int		 norm_cluster_feed(struct normalizer *, json_object *ops,
		    struct cluster *c, const char *type, const char *text,
		    int64_t now_ms, int64_t gap_ms);
/* Remember sid as the session id unless one is known; 0 or E_FAIL. */
int		 norm_session(struct normalizer *, const char *sid);

/* --- formats: one stdout line each; free their state --- */
int		 norm_claude_line(struct normalizer *, json_object *ops,
		    const char *line, size_t len);
const char	*norm_claude_session(json_object *o);
void		 norm_claude_free(struct normalizer *);
int		 norm_acp_line(struct normalizer *, json_object *ops,
		    const char *line, size_t len);
void		 norm_acp_free(struct normalizer *);
int		 norm_codex_line(struct normalizer *, json_object *ops,
		    const char *line, size_t len);
void		 norm_codex_free(struct normalizer *);

#endif
