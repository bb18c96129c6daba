/* normalize.c: agent output lines to NormalizedEntry JSON-Patch ops: the
 * entries, ops and clusters every format shares, and the public API */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "normalize.h"
#include "normalize_int.h"
#include "text.h"

/*
 * The per-format mappings live in normalize_claude.c, normalize_acp.c
 * and normalize_codex.c; they share the entry-index state and the entry
 * builders below (normalize_int.h). Mapping decisions follow the
 * reference (crates/executors claude.rs, acp/, codex/, logs/ *.rs);
 * where we differ the comment says so.
 */

/* --- names ---------------------------------------------------------- */

static const struct {
	const char		*name;
	enum normalize_mode	 mode;
	int			 implemented;
} formats[] = {
	{ "claude_stream_json",	NORMALIZE_CLAUDE,		1 },
	{ "plain",		NORMALIZE_PLAIN,		1 },
	{ "plain_assistant",	NORMALIZE_PLAIN_ASSISTANT,	1 },
	{ "codex_jsonrpc",	NORMALIZE_CODEX,		1 },
	{ "acp",		NORMALIZE_ACP,			1 },
	{ "cursor_stream_json",	NORMALIZE_PLAIN,		0 },
	{ "droid_stream_json",	NORMALIZE_PLAIN,		0 },
	{ "opencode_share",	NORMALIZE_PLAIN,		0 },
};

int
normalize_mode_lookup(enum normalize_mode *out, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < sizeof(formats) / sizeof(formats[0]);
	    i++) {
		if (strcmp(formats[i].name, name) != 0)
			continue;
		*out = formats[i].mode;
		return formats[i].implemented ? 0 : E_UNSUPPORTED;
	}
	return E_INVAL;
}

/* stderr text that means the agent needs a login (case-insensitive). */
static const char *const setup_patterns[] = {
	"authentication required", "auth required", "please log in",
	"login required", "not authenticated",
};

/* --- text helpers --------------------------------------------------- */

/*
 * s[0..len) as a NUL-terminated string with invalid UTF-8 replaced by
 * U+FFFD (text_utf8_lossy, as the reference's from_utf8_lossy) and, when
 * strip is set, ANSI escape sequences removed first (the reference
 * strips stderr).
 */
char *
norm_clean_text(const char *s, size_t len, int strip)
{
	const unsigned char *p = (const unsigned char *)s;
	char		*plain, *out;
	size_t		 i = 0, o = 0, outlen;

	if (!strip)
		return text_utf8_lossy(s, len, &outlen);
	if ((plain = malloc(len + 1)) == NULL)
		return NULL;
	while (i < len) {
		if (p[i] != 0x1b) {
			plain[o++] = (char)p[i++];
			continue;
		}
		i++;
		if (i < len && p[i] == '[') {		/* CSI */
			for (i++; i < len && !(p[i] >= 0x40 && p[i] <= 0x7e);
			    i++)
				;
			i += i < len;
		} else if (i < len && p[i] == ']') {	/* OSC */
			for (i++; i < len && p[i] != 0x07 && !(p[i] == 0x1b &&
			    i + 1 < len && p[i + 1] == '\\'); i++)
				;
			i += i < len ? (p[i] == 0x07 ? 1 : 2) : 0;
		} else if (i < len)
			i++;
	}
	out = text_utf8_lossy(plain, o, &outlen);
	free(plain);
	return out;
}

/* Byte length of the first max characters of UTF-8 s. */
size_t
norm_utf8_prefix(const char *s, size_t max)
{
	size_t	 i = 0, n = 0;

	while (s[i] != '\0' && n < max) {
		i++;
		while ((s[i] & 0xc0) == 0x80)
			i++;
		n++;
	}
	return i;
}

/* 1 if s contains needle ignoring ASCII case. */
int
norm_contains_ci(const char *s, const char *needle)
{
	size_t	 i, n = strlen(needle);

	for (; *s != '\0'; s++) {
		for (i = 0; i < n && s[i] != '\0' &&
		    tolower((unsigned char)s[i]) == needle[i]; i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

/*
 * path relative to the worktree when it lies inside it ("." for the
 * worktree itself); other paths unchanged. Caller frees.
 */
char *
norm_rel_path(const struct normalizer *n, const char *path)
{
	size_t	 wl;

	if (path[0] != '/' || n->worktree == NULL)
		return strdup(path);
	wl = strlen(n->worktree);
	if (strncmp(path, n->worktree, wl) != 0 ||
	    (path[wl] != '/' && path[wl] != '\0'))
		return strdup(path);
	while (path[wl] == '/')
		wl++;
	return strdup(path[wl] == '\0' ? "." : path + wl);
}

/* Append s[0..len) to a growing buffer. */
int
norm_buf_add(char **buf, size_t *blen, const char *s, size_t len)
{
	char	*nb;

	if ((nb = realloc(*buf, *blen + len + 1)) == NULL)
		return E_FAIL;
	memcpy(nb + *blen, s, len);
	*blen += len;
	nb[*blen] = '\0';
	*buf = nb;
	return 0;
}

/* --- the unified diff of an Edit ------------------------------------ */

struct lines {
	const char	**p;
	size_t		 *len;
	size_t		  n;
};

/* Split s (newline-terminated by the caller) into its lines. */
static int
split_lines(struct lines *l, const char *s)
{
	const char	*e;
	size_t		 n = 0, i;

	for (e = s; *e != '\0'; e++)
		n += *e == '\n';
	l->n = n;
	l->p = calloc(n + 1, sizeof(*l->p));
	l->len = calloc(n + 1, sizeof(*l->len));
	if (l->p == NULL || l->len == NULL)
		return E_FAIL;
	for (i = 0; i < n; i++) {
		e = strchr(s, '\n');
		l->p[i] = s;
		l->len[i] = (size_t)(e - s) + 1;
		s = e + 1;
	}
	return 0;
}

static int
line_eq(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] &&
	    memcmp(a->p[i], b->p[j], a->len[i]) == 0;
}

/* s with a final newline added when missing. */
static char *
with_newline(const char *s)
{
	size_t	 len = strlen(s);
	char	*o;

	if ((o = malloc(len + 2)) == NULL)
		return NULL;
	memcpy(o, s, len);
	if (len == 0 || s[len - 1] != '\n')
		o[len++] = '\n';
	o[len] = '\0';
	return o;
}

#define DIFF_CELLS	(1u << 20)	/* LCS table limit; past it, -all +all */

/*
 * The reference's create_unified_diff(path, old, new): a "--- a/P",
 * "+++ b/P" header, one "@@ -1,N +1,M @@" hunk over the whole strings
 * and every line marked ' ', '-' or '+' (a line LCS; deletions before
 * insertions). Caller frees.
 */
char *
norm_unified_diff(const char *path, const char *olds, const char *news)
{
	struct lines	 a = { 0 }, b = { 0 };
	char		*o = NULL, *nw = NULL, *out = NULL;
	unsigned	*t = NULL;
	size_t		 len, i, j, pre, suf, ma, mb, w;
	FILE		*f = NULL;

	if ((o = with_newline(olds)) == NULL ||
	    (nw = with_newline(news)) == NULL ||
	    split_lines(&a, o) != 0 || split_lines(&b, nw) != 0)
		goto out;
	for (pre = 0; pre < a.n && pre < b.n && line_eq(&a, pre, &b, pre);
	    pre++)
		;
	for (suf = 0; suf < a.n - pre && suf < b.n - pre &&
	    line_eq(&a, a.n - 1 - suf, &b, b.n - 1 - suf); suf++)
		;
	ma = a.n - pre - suf;
	mb = b.n - pre - suf;
	w = mb + 1;
	/* t[i*w+j] = LCS of a[pre+i..] and b[pre+j..] within the middle. */
	if ((ma + 1) * w <= DIFF_CELLS) {
		if ((t = calloc((ma + 1) * w, sizeof(*t))) == NULL)
			goto out;
		for (i = ma; i-- > 0;)
			for (j = mb; j-- > 0;)
				t[i * w + j] = line_eq(&a, pre + i, &b,
				    pre + j) ? t[(i + 1) * w + j + 1] + 1 :
				    t[(i + 1) * w + j] > t[i * w + j + 1] ?
				    t[(i + 1) * w + j] : t[i * w + j + 1];
	}
	if ((f = open_memstream(&out, &len)) == NULL)
		goto out;
	fprintf(f, "--- a/%s\n+++ b/%s\n@@ -1,%zu +1,%zu @@\n", path, path,
	    a.n, b.n);
	for (i = 0; i < pre; i++)
		fprintf(f, " %.*s", (int)a.len[i], a.p[i]);
	for (i = 0, j = 0; i < ma || j < mb;) {
		if (t != NULL && i < ma && j < mb &&
		    line_eq(&a, pre + i, &b, pre + j)) {
			fprintf(f, " %.*s", (int)a.len[pre + i], a.p[pre + i]);
			i++;
			j++;
		} else if (i < ma && (j == mb || t == NULL ||
		    t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			fprintf(f, "-%.*s", (int)a.len[pre + i], a.p[pre + i]);
			i++;
		} else {
			fprintf(f, "+%.*s", (int)b.len[pre + j], b.p[pre + j]);
			j++;
		}
	}
	for (i = a.n - suf; i < a.n; i++)
		fprintf(f, " %.*s", (int)a.len[i], a.p[i]);
	if (fclose(f) != 0) {
		free(out);
		out = NULL;
	}
out:
	free(t);
	free(a.p);
	free(a.len);
	free(b.p);
	free(b.len);
	free(o);
	free(nw);
	return out;
}

/* --- entries and ops ------------------------------------------------ */

/* {"type": type}, the start of an entry_type. */
json_object *
norm_etype(const char *type)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (jsonx_add_str(o, "type", type) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * A NormalizedEntry. Takes et and meta (meta may be NULL: JSON null)
 * even on failure; NULL on allocation failure.
 */
json_object *
norm_entry(json_object *et, const char *content, json_object *meta)
{
	json_object	*e;

	if (et == NULL || (e = json_object_new_object()) == NULL) {
		json_object_put(et);
		json_object_put(meta);
		return NULL;
	}
	if (jsonx_add(e, "timestamp", NULL) != 0 ||
	    jsonx_add(e, "entry_type", et) != 0) {
		json_object_put(meta);
		json_object_put(e);
		return NULL;
	}
	if (jsonx_add_str(e, "content", content) != 0 ||
	    jsonx_add(e, "metadata", meta) != 0) {
		json_object_put(e);
		return NULL;
	}
	return e;
}

/* The entry type name of a NormalizedEntry. */
static const char *
entry_type_name(json_object *e)
{
	json_object	*et;

	if (!json_object_object_get_ex(e, "entry_type", &et))
		return "";
	return jsonx_get_str(et, "type") != NULL ? jsonx_get_str(et, "type") :
	    "";
}

/*
 * Append {"op", "path": "/entries/<idx>", "value": {"type":
 * "NORMALIZED_ENTRY", "content": e}} to ops, taking e. Remembers the
 * last assistant message for the summary.
 */
int
norm_emit(struct normalizer *n, json_object *ops, const char *op, size_t idx,
    json_object *e)
{
	json_object	*o = NULL, *v = NULL;
	const char	*content;
	char		 path[40];
	int		 added;

	if (e == NULL)
		return E_FAIL;
	if (strcmp(entry_type_name(e), "assistant_message") == 0 &&
	    (n->summary == NULL || idx >= n->summary_entry) &&
	    (content = jsonx_get_str(e, "content")) != NULL) {
		free(n->summary);
		if ((n->summary = strdup(content)) == NULL) {
			json_object_put(e);
			return E_FAIL;
		}
		n->summary_entry = idx;
	}
	snprintf(path, sizeof(path), "/entries/%zu", idx);
	if ((v = json_object_new_object()) == NULL ||
	    jsonx_add_str(v, "type", "NORMALIZED_ENTRY") != 0) {
		json_object_put(v);
		json_object_put(e);
		return E_FAIL;
	}
	if (jsonx_add(v, "content", e) != 0 ||
	    (o = json_object_new_object()) == NULL ||
	    jsonx_add_str(o, "op", op) != 0 ||
	    jsonx_add_str(o, "path", path) != 0) {
		json_object_put(v);
		json_object_put(o);
		return E_FAIL;
	}
	added = jsonx_add(o, "value", v);
	if (added != 0 || json_object_array_add(ops, o) != 0) {
		json_object_put(o);
		return E_FAIL;
	}
	return 0;
}

/* Add e as the next entry; its index into *idx when not NULL. */
int
norm_emit_add(struct normalizer *n, json_object *ops, json_object *e,
    size_t *idx)
{
	size_t	 i = n->next;
	int	 rc;

	if ((rc = norm_emit(n, ops, "add", i, e)) != 0)
		return rc;
	n->next++;
	if (idx != NULL)
		*idx = i;
	return 0;
}

/* A simple entry of type (no extra fields) with content. */
json_object *
norm_simple(const char *type, const char *content, json_object *meta)
{
	return norm_entry(norm_etype(type), content, meta);
}

/* error_message {error_type: {type: setup_required|other}}. */
json_object *
norm_error(int setup_required, const char *content, json_object *meta)
{
	json_object	*et, *t;

	if ((et = norm_etype("error_message")) == NULL) {
		json_object_put(meta);
		return NULL;
	}
	if ((t = norm_etype(setup_required ? "setup_required" : "other")) == NULL ||
	    jsonx_add(et, "error_type", t) != 0) {
		json_object_put(et);
		json_object_put(meta);
		return NULL;
	}
	return norm_entry(et, content, meta);
}

/* --- clusters: stderr lines, plain stdout lines --------------------- */

/*
 * Add text (one line, already cleaned) to cluster c and emit its entry:
 * "add" for a new cluster, "replace" after. type: the entry type, NULL
 * for error_message (classified from the content).
 */
int
norm_cluster_feed(struct normalizer *n, json_object *ops, struct cluster *c,
    const char *type, const char *text, int64_t now_ms, int64_t gap_ms)
{
	json_object	*e;
	size_t		 i;
	int		 setup = 0, rc, fresh;

	if (c->open && gap_ms > 0 && now_ms - c->last_ms >= gap_ms)
		c->open = 0;
	if ((fresh = !c->open)) {
		free(c->buf);
		c->buf = NULL;
		c->len = 0;
	} else if ((rc = norm_buf_add(&c->buf, &c->len, "\n", 1)) != 0)
		return rc;
	if ((rc = norm_buf_add(&c->buf, &c->len, text, strlen(text))) != 0)
		return rc;
	c->last_ms = now_ms;
	if (type == NULL) {
		for (i = 0; i < sizeof(setup_patterns) /
		    sizeof(setup_patterns[0]); i++)
			if (norm_contains_ci(c->buf, setup_patterns[i]))
				setup = 1;
		e = norm_error(setup, c->buf, NULL);
	} else
		e = norm_simple(type, c->buf, NULL);
	if (fresh) {
		if ((rc = norm_emit_add(n, ops, e, &c->entry)) != 0)
			return rc;
		c->open = 1;
	} else if ((rc = norm_emit(n, ops, "replace", c->entry, e)) != 0)
		return rc;
	/* Bounded entries: past the limit the next line starts a new one. */
	if (c->len >= NORMALIZE_PLAIN_MAX)
		c->open = 0;
	return 0;
}


/* {"action": action}, the start of an action_type. */
json_object *
norm_action(const char *name)
{
	json_object	*o;

	if ((o = json_object_new_object()) == NULL)
		return NULL;
	if (jsonx_add_str(o, "action", name) != 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* tool_use entry_type: {type, tool_name, action_type, status}. */
json_object *
norm_tool_etype(const char *tool_name, json_object *act, const char *status)
{
	json_object	*et, *st;

	if (act == NULL || (et = norm_etype("tool_use")) == NULL) {
		json_object_put(act);
		return NULL;
	}
	if (jsonx_add_str(et, "tool_name", tool_name) != 0 ||
	    jsonx_add(et, "action_type", act) != 0 ||
	    (st = json_object_new_object()) == NULL) {
		json_object_put(et);
		return NULL;
	}
	if (jsonx_add_str(st, "status", status) != 0) {
		json_object_put(st);
		json_object_put(et);
		return NULL;
	}
	if (jsonx_add(et, "status", st) != 0) {
		json_object_put(et);
		return NULL;
	}
	return et;
}

/* A deep copy, or NULL (o NULL, or allocation failure). */
json_object *
norm_copy(json_object *o)
{
	json_object	*c = NULL;

	if (o == NULL || json_object_deep_copy(o, &c, NULL) != 0)
		return NULL;
	return c;
}

/* --- line helpers --------------------------------------------------- */

/* Parse a trimmed line as a JSON object, or NULL. */
json_object *
norm_parse_object(const char *s, size_t len)
{
	json_object	*o = NULL;
	char		 why[8];

	if (len == 0 || s[0] != '{' ||
	    jsonx_parse_strict(&o, s, len, why, sizeof(why)) != 0)
		return NULL;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Trim ASCII blanks around s[0..*len); returns the new start. */
const char *
norm_trim(const char *s, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)s[0])) {
		s++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)s[*len - 1]))
		(*len)--;
	return s;
}

int
norm_json_line(json_object **out, struct normalizer *n, json_object *ops,
    const char *line, size_t len)
{
	char	*text;
	int	 rc;

	*out = NULL;
	line = norm_trim(line, &len);
	if (len == 0)
		return 1;
	if ((*out = norm_parse_object(line, len)) != NULL)
		return 0;
	/* Not JSON: shown as it is. */
	if ((text = norm_clean_text(line, len, 1)) == NULL)
		return E_FAIL;
	rc = norm_emit_add(n, ops, norm_simple("system_message", text, NULL),
	    NULL);
	free(text);
	return rc == 0 ? 1 : rc;
}

int
norm_session(struct normalizer *n, const char *sid)
{
	if (n->session_id != NULL || sid == NULL || sid[0] == '\0')
		return 0;
	return (n->session_id = strdup(sid)) != NULL ? 0 : E_FAIL;
}

/* --- the public API ------------------------------------------------- */

int
normalize_new(struct normalizer **out, enum normalize_mode mode,
    const char *worktree, size_t first_index)
{
	struct normalizer	*n;
	size_t			 wl;

	*out = NULL;
	if (mode >= NORMALIZE__MAX)
		return E_INVAL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return E_FAIL;
	n->mode = mode;
	n->next = first_index;
	if (worktree != NULL && worktree[0] != '\0') {
		if ((n->worktree = strdup(worktree)) == NULL) {
			free(n);
			return E_FAIL;
		}
		wl = strlen(n->worktree);
		while (wl > 1 && n->worktree[wl - 1] == '/')
			n->worktree[--wl] = '\0';
	}
	*out = n;
	return 0;
}

void
normalize_free(struct normalizer *n)
{
	if (n == NULL)
		return;
	norm_claude_free(n);
	norm_acp_free(n);
	norm_codex_free(n);
	free(n->worktree);
	free(n->session_id);
	free(n->summary);
	free(n->result_text);
	free(n->err.buf);
	free(n->out.buf);
	free(n);
}

int
normalize_feed(json_object **out, struct normalizer *n,
    enum normalize_stream stream, const char *line, size_t len,
    int64_t now_ms)
{
	json_object	*ops;
	char		*text = NULL;
	int		 rc;

	*out = NULL;
	if ((ops = json_object_new_array()) == NULL)
		return E_FAIL;
	if (stream == NORMALIZE_STDERR || (n->mode != NORMALIZE_CLAUDE &&
	    n->mode != NORMALIZE_ACP && n->mode != NORMALIZE_CODEX)) {
		rc = E_FAIL;
		if ((text = norm_clean_text(line, len, 1)) == NULL)
			goto out;
		if (stream == NORMALIZE_STDERR)
			rc = text[0] == '\0' ? 0 : norm_cluster_feed(n, ops,
			    &n->err, NULL, text, now_ms,
			    NORMALIZE_STDERR_GAP_MS);
		else
			rc = norm_cluster_feed(n, ops, &n->out,
			    n->mode == NORMALIZE_PLAIN ? "system_message" :
			    "assistant_message", text, now_ms, 0);
	} else if (n->mode == NORMALIZE_ACP)
		rc = norm_acp_line(n, ops, line, len);
	else if (n->mode == NORMALIZE_CODEX)
		rc = norm_codex_line(n, ops, line, len);
	else
		rc = norm_claude_line(n, ops, line, len);
out:
	free(text);
	if (rc != 0) {
		json_object_put(ops);
		return E_FAIL;
	}
	*out = ops;
	return 0;
}

int
normalize_push_error(json_object **out, struct normalizer *n,
    int setup_required, const char *content)
{
	json_object	*ops;
	int		 rc;

	*out = NULL;
	if ((ops = json_object_new_array()) == NULL)
		return E_FAIL;
	if ((rc = norm_emit_add(n, ops, norm_error(setup_required,
	    content != NULL ? content : "", NULL), NULL)) == 0)
		*out = json_object_get(json_object_array_get_idx(ops, 0));
	json_object_put(ops);
	return rc;
}

const char *
normalize_session_id(const struct normalizer *n)
{
	return n->session_id;
}

const char *
normalize_take_session_id(struct normalizer *n)
{
	if (n->session_id == NULL || n->session_taken)
		return NULL;
	n->session_taken = 1;
	return n->session_id;
}

int
normalize_line_session_id(char **out, enum normalize_mode mode,
    const char *line, size_t len)
{
	json_object	*o;
	const char	*sid;

	*out = NULL;
	if (mode != NORMALIZE_CLAUDE)
		return 0;
	line = norm_trim(line, &len);
	if ((o = norm_parse_object(line, len)) == NULL)
		return 0;
	if ((sid = norm_claude_session(o)) != NULL && (*out = strdup(sid)) == NULL) {
		json_object_put(o);
		return E_FAIL;
	}
	json_object_put(o);
	return 0;
}

int
normalize_summary(char **out, const struct normalizer *n)
{
	const char	*s = n->summary != NULL ? n->summary : n->result_text;
	size_t		 len;

	*out = NULL;
	if (s == NULL)
		return 0;
	len = norm_utf8_prefix(s, NORMALIZE_SUMMARY_MAX);
	if ((*out = strndup(s, len)) == NULL)
		return E_FAIL;
	return 0;
}

int
normalize_finished(const struct normalizer *n)
{
	return n->finished;
}

size_t
normalize_count(const struct normalizer *n)
{
	return n->next;
}

