/* project_link.c: linking a project to a swarm project on the hive */
#include <stdio.h>
#include <string.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "field.h"
#include "jsonx.h"
#include "node.h"
#include "repo.h"
#include "swarm.h"

#define REMOTE_NAME_MAX	4096

static const struct field link_fields[] = {
	{ "remote_project_id",	FT_UUID, F_REQUIRED, 0, NULL },
	{ NULL, 0, 0, 0, NULL }
};

enum { CF_ORG, CF_NAME, CF__MAX };

static const struct field create_fields[] = {
	{ "organization_id",	FT_UUID,   F_REQUIRED, 0, NULL },
	{ "name",		FT_STRING, F_REQUIRED, REMOTE_NAME_MAX, NULL },
	{ NULL, 0, 0, 0, NULL }
};

/* The checked-out branch of a repository, "main" when unknown. */
static void
current_branch(char *out, size_t len, const char *path)
{
	json_object	*arr = NULL, *b;
	size_t		 i, n;

	snprintf(out, len, "main");
	if (path == NULL || repo_branches(&arr, path) != 0)
		return;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		b = json_object_array_get_idx(arr, i);
		if (json_object_get_boolean(json_object_object_get(b,
		    "is_current")) && jsonx_get_str(b, "name") != NULL) {
			snprintf(out, len, "%s", jsonx_get_str(b, "name"));
			break;
		}
	}
	json_object_put(arr);
}

/*
 * The local project {id} that may be linked: 0 with it, or the reply
 * (404; 409 when no hive is configured or it is a remote project).
 */
static int
linkable_or_reply(struct req *rq, struct reply *rp, json_object **proj)
{
	int	 rc;

	if (!hive_enabled())
		return reply_errorf(rp, 409, "this node is not connected to a "
		    "hive (set VK_HIVE_URL and VK_NODE_API_KEY)");
	if ((rc = db_project_get(rq->db, proj, rq->id)) != 0)
		return reply_err(rp, rc, "project");
	if (json_object_get_boolean(json_object_object_get(*proj,
	    "is_remote"))) {
		json_object_put(*proj);
		return reply_errorf(rp, 409, "a remote project cannot be "
		    "linked from this node");
	}
	return 0;
}

/*
 * Link local project proj to swarm project rid: the hive records the
 * link (it refuses a project another node holds), the project keeps
 * rid, its tasks are shared and the project's tasks from other nodes
 * pulled. 200 with the Project; 404, 409, 502.
 */
static int
link_to(struct req *rq, struct reply *rp, json_object *proj, const char *rid)
{
	struct hive_identity id;
	struct hive_reply r;
	json_object	*body = NULL, *other = NULL, *out;
	const char	*cur = jsonx_get_str(proj, "remote_project_id");
	char		 path[128], branch[256];
	int		 rc;

	memset(&r, 0, sizeof(r));
	if (cur != NULL && strcmp(cur, rid) != 0)
		return reply_errorf(rp, 409, "project is already linked to "
		    "swarm project %s; unlink it first", cur);
	if ((rc = hive_identity(rq->db, &id, &r)) != 0) {
		rc = rc == E_REMOTE ? hive_fail_reply(rp, &r) :
		    reply_err(rp, rc, NULL);
		goto out;
	}
	current_branch(branch, sizeof(branch),
	    jsonx_get_str(proj, "git_repo_path"));
	if ((body = json_object_new_object()) == NULL ||
	    jsonx_add_str(body, "project_id", rid) != 0 ||
	    jsonx_add_str(body, "local_project_id", rq->id) != 0 ||
	    jsonx_add_str(body, "git_repo_path",
	    jsonx_get_str(proj, "git_repo_path")) != 0 ||
	    jsonx_add_str(body, "default_branch", branch) != 0) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	snprintf(path, sizeof(path), "/nodes/%s/projects", id.node_id);
	if (hive_call(&r, "POST", path, body) != 0 ||
	    (r.status != 200 && r.status != 201)) {
		rc = hive_fail_reply(rp, &r);
		goto out;
	}
	/* A remote row of this swarm project (held elsewhere before). */
	if (db_project_by_remote(rq->db, &other, rid) == 0 &&
	    json_object_get_boolean(json_object_object_get(other,
	    "is_remote")) &&
	    db_project_delete(rq->db, jsonx_get_str(other, "id")) == 0)
		board_changed(1, jsonx_get_str(other, "id"), NULL, 0);
	if ((rc = db_project_set_remote(rq->db, rq->id, rid)) != 0 &&
	    rc != E_NOTFOUND) {
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	board_changed(1, rq->id, NULL, 0);
	/* Share this project's tasks and take the others' now. */
	hive_sync(rq->db, 1);
	if ((rc = db_project_get(rq->db, &out, rq->id)) != 0) {
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	rc = reply_data(rp, out);
out:
	json_object_put(body);
	json_object_put(other);
	hive_reply_clear(&r);
	return rc;
}

/*
 * POST /api/projects/{id}/link {remote_project_id}: link to an existing
 * swarm project. 200 Project; 400, 404, 409, 502 (hive unreachable).
 */
int
project_link(struct req *rq, struct reply *rp)
{
	struct field_val v[1];
	struct hive_reply r;
	json_object	*proj = NULL;
	char		 path[96];
	int		 rc;

	memset(v, 0, sizeof(v));
	memset(&r, 0, sizeof(r));
	if ((rc = fields_parse_or_reply(rp, rq->json, link_fields, v)) != 0 ||
	    (rc = linkable_or_reply(rq, rp, &proj)) != 0)
		return rc;
	/* The hive says whether the project exists (in our organization). */
	snprintf(path, sizeof(path), "/projects/%s", v[0].s);
	if (hive_call(&r, "GET", path, NULL) != 0 || r.status != 200) {
		rc = r.status == 404 ? reply_errorf(rp, 404,
		    "remote project not found") : hive_fail_reply(rp, &r);
		goto out;
	}
	rc = link_to(rq, rp, proj, v[0].s);
out:
	hive_reply_clear(&r);
	json_object_put(proj);
	return rc;
}

/*
 * POST /api/projects/{id}/link/create {organization_id, name}: make a
 * swarm project on the hive and link to it. An empty name is the
 * original's 409 "Remote project name cannot be empty.". 200 Project;
 * 400, 404, 409, 502.
 */
int
project_link_create(struct req *rq, struct reply *rp)
{
	struct field_val v[CF__MAX];
	struct hive_reply r;
	json_object	*proj = NULL, *body = NULL;
	const char	*name, *rid;
	char		 trimmed[REMOTE_NAME_MAX + 1];
	size_t		 n;
	int		 rc;

	memset(v, 0, sizeof(v));
	memset(&r, 0, sizeof(r));
	if ((rc = fields_parse_or_reply(rp, rq->json, create_fields, v)) != 0)
		return rc;
	for (name = v[CF_NAME].s; *name == ' ' || *name == '\t' ||
	    *name == '\n' || *name == '\r'; name++)
		;
	snprintf(trimmed, sizeof(trimmed), "%s", name);
	for (n = strlen(trimmed); n > 0 && (trimmed[n - 1] == ' ' ||
	    trimmed[n - 1] == '\t' || trimmed[n - 1] == '\n' ||
	    trimmed[n - 1] == '\r'); n--)
		trimmed[n - 1] = '\0';
	if (trimmed[0] == '\0')
		return reply_errorf(rp, 409, "Remote project name cannot be "
		    "empty.");
	if ((rc = linkable_or_reply(rq, rp, &proj)) != 0)
		return rc;
	if (jsonx_get_str(proj, "remote_project_id") != NULL) {
		rc = reply_errorf(rp, 409, "project is already linked to "
		    "swarm project %s; unlink it first",
		    jsonx_get_str(proj, "remote_project_id"));
		goto out;
	}
	if ((body = json_object_new_object()) == NULL ||
	    jsonx_add_str(body, "organization_id", v[CF_ORG].s) != 0 ||
	    jsonx_add_str(body, "name", trimmed) != 0) {
		rc = reply_errorf(rp, 500, "out of memory");
		goto out;
	}
	if (hive_call(&r, "POST", "/projects", body) != 0 ||
	    r.status != 201 || (rid = jsonx_get_str(r.data, "id")) == NULL) {
		rc = hive_fail_reply(rp, &r);
		goto out;
	}
	rc = link_to(rq, rp, proj, rid);
out:
	hive_reply_clear(&r);
	json_object_put(body);
	json_object_put(proj);
	return rc;
}

/*
 * DELETE /api/projects/{id}/link: the hive drops the link (other nodes
 * stop showing the project), then the project and its tasks forget
 * their swarm ids. Not linked: the Project unchanged. 200; 404, 502.
 */
int
project_unlink(struct req *rq, struct reply *rp)
{
	struct hive_identity id;
	struct hive_reply r;
	json_object	*proj = NULL, *l, *out;
	const char	*lid = NULL;
	char		 path[160];
	size_t		 i, n;
	int		 rc;

	memset(&r, 0, sizeof(r));
	if ((rc = linkable_or_reply(rq, rp, &proj)) != 0)
		return rc;
	if (jsonx_get_str(proj, "remote_project_id") == NULL) {
		rc = reply_data(rp, proj);
		proj = NULL;
		goto out;
	}
	if ((rc = hive_identity(rq->db, &id, &r)) != 0) {
		rc = rc == E_REMOTE ? hive_fail_reply(rp, &r) :
		    reply_err(rp, rc, NULL);
		goto out;
	}
	snprintf(path, sizeof(path), "/nodes/%s/projects", id.node_id);
	if (hive_call(&r, "GET", path, NULL) != 0 || r.status != 200 ||
	    !json_object_is_type(r.data, json_type_array)) {
		rc = hive_fail_reply(rp, &r);
		goto out;
	}
	n = json_object_array_length(r.data);
	for (i = 0; i < n && lid == NULL; i++) {
		l = json_object_array_get_idx(r.data, i);
		if (jsonx_get_str(l, "local_project_id") != NULL &&
		    strcmp(jsonx_get_str(l, "local_project_id"), rq->id) == 0)
			lid = jsonx_get_str(l, "id");
	}
	if (lid != NULL) {
		snprintf(path, sizeof(path), "/nodes/%s/projects/%s",
		    id.node_id, lid);
		json_object_get(r.data);	/* keep lid alive */
		l = r.data;
		hive_reply_clear(&r);
		rc = hive_call(&r, "DELETE", path, NULL);
		json_object_put(l);
		if (rc != 0 || (r.status != 200 && r.status != 404)) {
			rc = hive_fail_reply(rp, &r);
			goto out;
		}
	}
	if ((rc = db_begin(rq->db)) != 0 ||
	    (rc = db_project_unlink_local(rq->db, rq->id)) != 0 ||
	    (rc = db_commit(rq->db)) != 0) {
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	board_changed(1, rq->id, NULL, 0);
	if ((rc = db_project_get(rq->db, &out, rq->id)) != 0) {
		rc = reply_err(rp, rc, "project");
		goto out;
	}
	rc = reply_data(rp, out);
out:
	hive_reply_clear(&r);
	json_object_put(proj);
	return rc;
}
