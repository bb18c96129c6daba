/* project_files.c: browsing and searching a project's repository */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "db_node.h"
#include "err.h"
#include "fsbrowse.h"
#include "jsonx.h"
#include "node.h"
#include "repo.h"

#define SEARCH_MAX_RESULTS	10
#define SEARCH_MAX_QUERY	256

/* The project's repository path (caller frees), or a reply. */
static int
project_root_or_reply(struct req *rq, struct reply *rp, char **root)
{
	json_object	*proj;
	const char	*path;
	int		 rc;

	*root = NULL;
	if ((rc = db_project_get(rq->db, &proj, rq->id)) != 0)
		return reply_err(rp, rc, "project");
	path = jsonx_get_str(proj, "git_repo_path");
	*root = path != NULL ? strdup(path) : NULL;
	json_object_put(proj);
	if (*root == NULL)
		return reply_errorf(rp, 500, "out of memory");
	return 0;
}

/*
 * GET /api/projects/{id}/files?path=rel: DirectoryListResponse.
 * 403 traversal, 404 missing, 400 not a directory.
 */
int
project_files_list(struct req *rq, struct reply *rp)
{
	json_object	*out;
	const char	*msg;
	char		*root;
	int		 rc;

	if ((rc = project_root_or_reply(rq, rp, &root)) != 0)
		return rc;
	rc = fsb_list(&out, root, req_query(rq, "path"), &msg);
	free(root);
	if (rc != 0)
		return reply_errorf(rp, reply_status_of(rc), "%s", msg);
	return reply_data(rp, out);
}

/*
 * GET /api/projects/{id}/files/{path}: FileContentResponse. 403
 * traversal, 404 missing, 400 not a file, 413 over 1 MiB, 415 binary.
 */
int
project_file_read(struct req *rq, struct reply *rp)
{
	json_object	*out;
	const char	*msg;
	char		*root;
	long long	 size = 0;
	int		 rc;

	if ((rc = project_root_or_reply(rq, rp, &root)) != 0)
		return rc;
	rc = fsb_read(&out, root, rq->rest, &size, &msg);
	free(root);
	if (rc == E_TOOBIG)
		return reply_errorf(rp, 413, "File too large (%lld bytes, max "
		    "%d bytes)", size, FSB_MAX_FILE);
	if (rc != 0)
		return reply_errorf(rp, reply_status_of(rc), "%s", msg);
	return reply_data(rp, out);
}

enum match_type { MATCH_FILE, MATCH_DIR, MATCH_PATH, MATCH__MAX };

static const char *const match_names[MATCH__MAX] = {
	"FileName", "DirectoryName", "FullPath"
};

struct search {
	const char	*q;
	char		*hits[MATCH__MAX][SEARCH_MAX_RESULTS];
	size_t		 nhits[MATCH__MAX];
	int		 oom;
};

static int
search_add(struct search *s, enum match_type t, const char *path, size_t len)
{
	size_t	 i;

	if (s->nhits[t] == SEARCH_MAX_RESULTS)
		return 0;
	for (i = 0; i < s->nhits[t]; i++)
		if (strlen(s->hits[t][i]) == len &&
		    strncmp(s->hits[t][i], path, len) == 0)
			return 0;
	if ((s->hits[t][s->nhits[t]] = strndup(path, len)) == NULL) {
		s->oom = 1;
		return 1;
	}
	s->nhits[t]++;
	return 0;
}

/*
 * Classify one tracked path: its file name matches, else one of its
 * directories does (the directory is the hit), else the whole path.
 */
static int
search_visit(const char *path, void *payload)
{
	struct search	*s = payload;
	const char	*base = strrchr(path, '/'), *p, *slash;

	/* Ten file-name hits fill the reply: nothing else would show. */
	if (s->nhits[MATCH_FILE] == SEARCH_MAX_RESULTS)
		return 1;
	base = base != NULL ? base + 1 : path;
	if (strcasestr(base, s->q) != NULL)
		return search_add(s, MATCH_FILE, path, strlen(path));
	for (p = path; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
		char	 seg[256];
		size_t	 len = (size_t)(slash - p);

		if (len >= sizeof(seg))
			continue;
		memcpy(seg, p, len);
		seg[len] = '\0';
		if (strcasestr(seg, s->q) != NULL)
			return search_add(s, MATCH_DIR, path,
			    (size_t)(slash - path));
	}
	if (strcasestr(path, s->q) != NULL)
		return search_add(s, MATCH_PATH, path, strlen(path));
	return 0;
}

static json_object *
search_json(struct search *s)
{
	json_object	*arr, *o;
	size_t		 t, i, n = 0;

	if ((arr = json_object_new_array()) == NULL)
		return NULL;
	for (t = 0; t < MATCH__MAX; t++)
		for (i = 0; i < s->nhits[t] && n < SEARCH_MAX_RESULTS; i++, n++) {
			if ((o = json_object_new_object()) == NULL ||
			    json_object_array_add(arr, o) != 0 ||
			    jsonx_add_str(o, "path", s->hits[t][i]) != 0 ||
			    jsonx_add_bool(o, "is_file", t != MATCH_DIR) != 0 ||
			    jsonx_add_str(o, "match_type", match_names[t]) != 0) {
				json_object_put(arr);
				return NULL;
			}
		}
	return arr;
}

/*
 * GET /api/projects/{id}/search?q=..&mode=settings|task_form: up to ten
 * tracked files or directories whose name or path contains q
 * (case-insensitive), file-name hits first. 400 without q.
 */
int
project_search(struct req *rq, struct reply *rp)
{
	struct search	 s;
	const char	*q = req_query(rq, "q"), *mode = req_query(rq, "mode");
	json_object	*out;
	char		*root;
	size_t		 t, i;
	int		 rc;

	if (q == NULL || *q == '\0')
		return reply_errorf(rp, 400,
		    "Query parameter 'q' is required and cannot be empty");
	if (strlen(q) > SEARCH_MAX_QUERY)
		return reply_errorf(rp, 400, "query parameter 'q' is too long "
		    "(max %d bytes)", SEARCH_MAX_QUERY);
	if (mode != NULL && strcmp(mode, "settings") != 0 &&
	    strcmp(mode, "task_form") != 0)
		return reply_errorf(rp, 400, "query parameter 'mode' must be "
		    "one of settings, task_form");
	if ((rc = project_root_or_reply(rq, rp, &root)) != 0)
		return rc;
	memset(&s, 0, sizeof(s));
	s.q = q;
	rc = repo_foreach_tracked(root, search_visit, &s);
	free(root);
	out = rc == 0 && !s.oom ? search_json(&s) : NULL;
	for (t = 0; t < MATCH__MAX; t++)
		for (i = 0; i < s.nhits[t]; i++)
			free(s.hits[t][i]);
	if (rc == E_NOTFOUND)
		return reply_errorf(rp, 404, "project repository not found");
	if (out == NULL)
		return reply_errorf(rp, 500, "search failed");
	return reply_data(rp, out);
}
