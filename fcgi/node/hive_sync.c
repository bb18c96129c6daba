/* hive_sync.c: registration, heartbeat and the pull of hive changes */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_cache.h"
#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "swarm.h"
#include "text.h"

#define SYNC_INTERVAL_MS	2000	/* default minimum between pulls */
#define ACTIVITY_PAGE		500
#define ACTIVITY_PAGES		20	/* per project and sync */

/* Equal strings, NULL equal to NULL. */
static int
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) ||
	    (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* POST /nodes/register and remember who we are. */
static int
hive_register(struct db *db, struct hive_identity *out, const char *machine,
    const char *prefix, struct hive_reply *r)
{
	json_object	*body, *node;
	const char	*nid, *org;
	int		 rc;

	if ((body = json_object_new_object()) == NULL ||
	    jsonx_add_str(body, "name", hive_node_name()) != 0 ||
	    jsonx_add_str(body, "machine_id", machine) != 0 ||
	    jsonx_add_str(body, "public_url", hive_public_url()) != 0 ||
	    jsonx_add(body, "capabilities", hive_capabilities()) != 0) {
		json_object_put(body);
		return E_FAIL;
	}
	rc = hive_call(r, "POST", "/nodes/register", body);
	json_object_put(body);
	if (rc != 0)
		return rc;
	if (r->status != 200 ||
	    !json_object_object_get_ex(r->data, "node", &node) ||
	    (nid = jsonx_get_str(node, "id")) == NULL ||
	    (org = jsonx_get_str(node, "organization_id")) == NULL ||
	    uuid_parse(out->node_id, nid) != 0 ||
	    uuid_parse(out->org_id, org) != 0)
		return E_REMOTE;
	return db_hive_link_set_identity(db, hive_base(), prefix, out->node_id,
	    out->org_id);
}

int
hive_identity(struct db *db, struct hive_identity *out, struct hive_reply *r)
{
	char		 m32[33], prefix[9];
	const char	*key = hive_key(), *s;
	json_object	*row = NULL;
	int		 rc;

	memset(out, 0, sizeof(*out));
	memset(r, 0, sizeof(*r));
	if (!hive_enabled()) {
		snprintf(r->message, sizeof(r->message), "no hive configured");
		return E_REMOTE;
	}
	snprintf(prefix, sizeof(prefix), "%.8s", key);
	/* A machine id made once per node database (see 004_hive_link). */
	if ((rc = db_hive_link_get(db, &row)) != 0)
		return rc;
	if ((s = jsonx_get_str(row, "machine_id")) == NULL) {
		json_object_put(row);
		return E_FAIL;
	}
	snprintf(m32, sizeof(m32), "%s", s);
	if (same(jsonx_get_str(row, "hive_url"), hive_base()) &&
	    same(jsonx_get_str(row, "key_prefix"), prefix) &&
	    (s = jsonx_get_str(row, "node_id")) != NULL &&
	    uuid_parse(out->node_id, s) == 0 &&
	    (s = jsonx_get_str(row, "organization_id")) != NULL &&
	    uuid_parse(out->org_id, s) == 0) {
		json_object_put(row);
		return 0;
	}
	json_object_put(row);
	return hive_register(db, out, m32, prefix, r);
}

/* Make the hive_link row (with a fresh machine id) if it is missing. */
static int
ensure_row(struct db *db)
{
	json_object	*row = NULL;
	int		 rc;

	rc = db_hive_link_get(db, &row);
	json_object_put(row);
	return rc;
}

/* Heartbeat; a node the hive forgot (removed) registers again. */
static int
heartbeat(struct db *db, struct hive_identity *id, struct hive_reply *r)
{
	char		 path[128];
	json_object	*body;
	int		 rc;

	if ((rc = hive_identity(db, id, r)) != 0)
		return rc;
	hive_reply_clear(r);
	snprintf(path, sizeof(path), "/nodes/%s/heartbeat", id->node_id);
	if ((body = json_object_new_object()) == NULL ||
	    jsonx_add_str(body, "status", "online") != 0) {
		json_object_put(body);
		return E_FAIL;
	}
	rc = hive_call(r, "POST", path, body);
	json_object_put(body);
	if (rc != 0)
		return rc;
	if (r->status == 404) {
		hive_reply_clear(r);
		if ((rc = db_hive_link_set_identity(db, NULL, NULL, NULL,
		    NULL)) != 0)
			return rc;
		return hive_identity(db, id, r);
	}
	return r->status == 200 ? 0 : E_REMOTE;
}

/* 1 if rows (swarm projects here) holds remote_project_id rid. */
static json_object *
find_row(json_object *rows, const char *rid)
{
	size_t		 i, n = json_object_array_length(rows);
	json_object	*r;

	for (i = 0; i < n; i++) {
		r = json_object_array_get_idx(rows, i);
		if (same(jsonx_get_str(r, "remote_project_id"), rid))
			return r;
	}
	return NULL;
}

/*
 * The organization's projects held by other nodes become (or stay)
 * remote projects here, with their node's name, URL and status; remote
 * projects no longer held elsewhere go, with their tasks.
 */
static int
pull_projects(struct db *db, const struct hive_identity *id,
    struct hive_reply *r)
{
	char		 path[128], newid[UUID_STRLEN + 1];
	json_object	*projects, *rows = NULL, *keep = NULL, *p, *nodes, *n,
			*old;
	struct remote_project_row rp;
	const char	*rid;
	size_t		 i, cnt;
	int		 rc, changed = 0;

	snprintf(path, sizeof(path), "/projects?organization_id=%s",
	    id->org_id);
	if ((rc = hive_call(r, "GET", path, NULL)) != 0)
		return rc;
	if (r->status != 200 ||
	    !json_object_object_get_ex(r->data, "projects", &projects) ||
	    !json_object_is_type(projects, json_type_array))
		return E_REMOTE;
	if ((rc = db_project_swarm_list(db, &rows)) != 0)
		return rc;
	if ((keep = json_object_new_object()) == NULL) {
		rc = E_FAIL;
		goto out;
	}
	cnt = json_object_array_length(projects);
	for (i = 0; i < cnt; i++) {
		p = json_object_array_get_idx(projects, i);
		if ((rid = jsonx_get_str(p, "id")) == NULL ||
		    !json_object_object_get_ex(p, "nodes", &nodes) ||
		    json_object_array_length(nodes) == 0)
			continue;
		n = json_object_array_get_idx(nodes, 0);
		if (same(jsonx_get_str(n, "node_id"), id->node_id))
			continue;	/* ours: a local project */
		old = find_row(rows, rid);
		if (old != NULL && !json_object_get_boolean(
		    json_object_object_get(old, "is_remote")))
			continue;	/* linked here, held there: stale */
		json_object_object_add(keep, rid, NULL);
		memset(&rp, 0, sizeof(rp));
		rp.remote_project_id = rid;
		rp.name = jsonx_get_str(p, "name");
		rp.git_repo_path = jsonx_get_str(n, "git_repo_path");
		rp.node_id = jsonx_get_str(n, "node_id");
		rp.node_name = jsonx_get_str(n, "node_name");
		rp.node_public_url = jsonx_get_str(n, "node_public_url");
		rp.node_status = jsonx_get_str(n, "node_status");
		if (old != NULL &&
		    same(jsonx_get_str(old, "name"), rp.name) &&
		    same(jsonx_get_str(old, "git_repo_path"), rp.git_repo_path) &&
		    same(jsonx_get_str(old, "source_node_id"), rp.node_id) &&
		    same(jsonx_get_str(old, "source_node_name"), rp.node_name) &&
		    same(jsonx_get_str(old, "source_node_public_url"),
		    rp.node_public_url) &&
		    same(jsonx_get_str(old, "source_node_status"),
		    rp.node_status))
			continue;
		if (uuid_new(newid) != 0) {
			rc = E_FAIL;
			goto out;
		}
		rp.id = newid;
		if (rp.name == NULL || rp.git_repo_path == NULL ||
		    (rc = db_project_remote_upsert(db, &rp)) != 0) {
			log_warnx("hive sync: remote project %s not stored", rid);
			continue;
		}
		changed = 1;
	}
	cnt = json_object_array_length(rows);
	for (i = 0; i < cnt; i++) {
		p = json_object_array_get_idx(rows, i);
		rid = jsonx_get_str(p, "remote_project_id");
		if (!json_object_get_boolean(json_object_object_get(p,
		    "is_remote")) || rid == NULL ||
		    json_object_object_get_ex(keep, rid, NULL))
			continue;
		if (db_project_delete(db, jsonx_get_str(p, "id")) == 0) {
			board_changed(1, jsonx_get_str(p, "id"), NULL, 0);
			changed = 1;
		}
	}
	if (changed)
		board_changed(1, NULL, NULL, 0);
	rc = 0;
out:
	json_object_put(rows);
	json_object_put(keep);
	return rc;
}

/* The project's change feed from its cursor on, applied in order. */
static int
pull_activity(struct db *db, const char *rid, struct hive_reply *r)
{
	char		 path[192];
	json_object	*ev, *payload, *task;
	long long	 seq, s;
	size_t		 i, n;
	int		 rc, page;

	if ((rc = db_cursor_get(db, &seq, rid)) != 0)
		return rc;
	for (page = 0; page < ACTIVITY_PAGES; page++) {
		hive_reply_clear(r);
		snprintf(path, sizeof(path), "/activity?project_id=%s&after=%lld"
		    "&limit=%d", rid, seq, ACTIVITY_PAGE);
		if ((rc = hive_call(r, "GET", path, NULL)) != 0)
			return rc;
		if (r->status == 404)
			return 0;	/* the project went; pull_projects saw it */
		if (r->status != 200 ||
		    !json_object_is_type(r->data, json_type_array))
			return E_REMOTE;
		n = json_object_array_length(r->data);
		for (i = 0; i < n; i++) {
			ev = json_object_array_get_idx(r->data, i);
			s = json_object_get_int64(json_object_object_get(ev,
			    "seq"));
			if (json_object_object_get_ex(ev, "payload", &payload) &&
			    json_object_object_get_ex(payload, "task", &task) &&
			    (rc = hive_task_apply(db, task)) != 0)
				log_warnx("hive sync: event %lld of %s not "
				    "applied", s, rid);
			if (s > seq)
				seq = s;
		}
		if ((rc = db_cursor_set(db, rid, seq)) != 0)
			return rc;
		if (n < ACTIVITY_PAGE)
			break;
	}
	return 0;
}

static long long
sync_interval(void)
{
	const char	*v = getenv("SWARM_HIVE_SYNC_INTERVAL_MS");
	int64_t		 n;

	if (v != NULL && text_to_int64(&n, v, 0, 3600000) == 0)
		return n;
	return SYNC_INTERVAL_MS;
}

void
hive_sync(struct db *db, int force)
{
	struct hive_identity id;
	struct hive_reply r;
	json_object	*rows = NULL;
	const char	*rid;
	size_t		 i, n;
	int		 won = 0, rc;

	memset(&r, 0, sizeof(r));
	if (!hive_enabled())
		return;
	/* The row must exist before it can be claimed. */
	if (ensure_row(db) != 0 ||
	    db_hive_link_claim_sync(db, &won, sync_interval()) != 0 ||
	    (!won && !force))
		return;
	if ((rc = heartbeat(db, &id, &r)) != 0)
		goto fail;
	hive_reply_clear(&r);
	hive_push_pending(db);
	if ((rc = pull_projects(db, &id, &r)) != 0)
		goto fail;
	if ((rc = db_project_swarm_list(db, &rows)) != 0)
		goto fail;
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		rid = jsonx_get_str(json_object_array_get_idx(rows, i),
		    "remote_project_id");
		if (rid != NULL && (rc = pull_activity(db, rid, &r)) != 0)
			goto fail;
	}
	(void)db_hive_link_set_error(db, NULL);
	goto out;
fail:
	log_warnx("hive sync failed: %s", r.message[0] != '\0' ? r.message :
	    "database error");
	(void)db_hive_link_set_error(db, r.message[0] != '\0' ? r.message :
	    "database error");
out:
	json_object_put(rows);
	hive_reply_clear(&r);
}
