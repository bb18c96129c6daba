/* db_nodes.c: SQL for nodes and their project links */
#include <stdio.h>

#include "db_hive.h"
#include "err.h"
#include "jsonx.h"
#include "uuid.h"

/*
 * The helper columns (reported status, heartbeat presence and age) let
 * node_row_finish derive the status at read time (liveness.h).
 */
#define NODE_COLS "n.id, n.organization_id, n.name, n.machine_id, " \
	"n.status, n.draining, n.capabilities, n.public_url, " \
	"n.last_heartbeat_at, n.connected_at, n.disconnected_at, " \
	"n.created_at, n.updated_at, " \
	"n.last_heartbeat_at IS NOT NULL AS has_heartbeat, " \
	"TIMESTAMPDIFF(SECOND, n.last_heartbeat_at, UTC_TIMESTAMP(6)) " \
	"AS heartbeat_age"

#define LINK_COLS "id, node_id, project_id, local_project_id, " \
	"git_repo_path, default_branch, sync_status, last_synced_at, " \
	"created_at"

int
db_node_upsert(struct db *db, const struct node_reg_row *r)
{
	/* The original's upsert on (organization, machine), with both
	 * times set on the first insert too (its quirk 6). */
	static const char sql[] = "INSERT INTO nodes (id, organization_id, "
	    "name, machine_id, status, capabilities, public_url, api_key_id, "
	    "last_heartbeat_at, connected_at) VALUES (?, ?, ?, ?, 'online', "
	    "?, ?, ?, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)) "
	    "ON DUPLICATE KEY UPDATE name = VALUES(name), "
	    "capabilities = VALUES(capabilities), "
	    "public_url = VALUES(public_url), status = 'online', "
	    "api_key_id = VALUES(api_key_id), "
	    "last_heartbeat_at = UTC_TIMESTAMP(6), "
	    "connected_at = UTC_TIMESTAMP(6), disconnected_at = NULL, "
	    "updated_at = UTC_TIMESTAMP(6)";
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->org_id),
	    DB_STR(r->name), DB_STR(r->machine_id), DB_STR(r->capabilities),
	    DB_STR(r->public_url), DB_STR(r->key_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_node_by_machine(struct db *db, json_object **out, const char *org_id,
    const char *machine_id)
{
	static const char sql[] = "SELECT " NODE_COLS " FROM nodes n "
	    "WHERE n.organization_id = ? AND n.machine_id = ?";
	struct db_param	 p[] = { DB_STR(org_id), DB_STR(machine_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_node_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " NODE_COLS " FROM nodes n "
	    "WHERE n.id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_node_list(struct db *db, json_object **out, const char *org_id)
{
	static const char sql[] = "SELECT " NODE_COLS " FROM nodes n "
	    "WHERE n.organization_id = ? ORDER BY n.name, n.id";
	struct db_param	 p[] = { DB_STR(org_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_node_org(struct db *db, char *out, const char *id)
{
	static const char sql[] = "SELECT organization_id FROM nodes "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };
	json_object	*row;
	const char	*s;
	int		 rc;

	if ((rc = db_query_row(db, &row, sql, p, DB_NPARAMS(p))) != 0)
		return rc;
	rc = (s = jsonx_get_str(row, "organization_id")) != NULL &&
	    uuid_parse(out, s) == 0 ? 0 : E_FAIL;
	json_object_put(row);
	return rc;
}

int
db_node_heartbeat(struct db *db, const char *id, const char *org_id,
    const char *status)
{
	/*
	 * updated_at is left alone: it tracks changes, not liveness. A
	 * heartbeat within a second of the last one with the same status
	 * writes nothing (no log flush, no row lock held to commit): the
	 * window is seconds wide, and a busy node may beat often.
	 */
	static const char sql[] = "UPDATE nodes SET status = ?, "
	    "last_heartbeat_at = UTC_TIMESTAMP(6), disconnected_at = NULL "
	    "WHERE id = ? AND organization_id = ? AND (status <> ? OR "
	    "last_heartbeat_at IS NULL OR disconnected_at IS NOT NULL OR "
	    "last_heartbeat_at < UTC_TIMESTAMP(6) - INTERVAL 1 SECOND)";
	struct db_param	 p[] = { DB_STR(status), DB_STR(id), DB_STR(org_id),
	    DB_STR(status) };
	unsigned long long n = 0;
	int		 rc;

	/* Nothing changed: the node exists (in org) or it does not. */
	if ((rc = db_exec(db, sql, p, DB_NPARAMS(p), &n)) != 0)
		return rc;
	if (n > 0)
		return 0;
	{
		char	 org[UUID_STRLEN + 1];

		if ((rc = db_node_org(db, org, id)) != 0)
			return rc;
		return strcmp(org, org_id) == 0 ? 0 : E_NOTFOUND;
	}
}

int
db_node_disconnect(struct db *db, const char *id, const char *org_id)
{
	static const char sql[] = "UPDATE nodes SET status = 'offline', "
	    "disconnected_at = UTC_TIMESTAMP(6) WHERE id = ? AND "
	    "organization_id = ?";
	struct db_param	 p[] = { DB_STR(id), DB_STR(org_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_node_set_draining(struct db *db, const char *id, int draining)
{
	static const char sql[] = "UPDATE nodes SET draining = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_INT(draining ? 1 : 0), DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_node_delete(struct db *db, const char *id)
{
	static const char sql[] = "DELETE FROM nodes WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_link_insert(struct db *db, json_object **out, const struct link_row *r)
{
	static const char sql[] = "INSERT INTO node_projects (id, node_id, "
	    "project_id, local_project_id, git_repo_path, default_branch, "
	    "sync_status, last_synced_at) VALUES (?, ?, ?, ?, ?, ?, 'linked', "
	    "UTC_TIMESTAMP(6)) RETURNING " LINK_COLS;
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->node_id),
	    DB_STR(r->project_id), DB_STR(r->local_project_id),
	    DB_STR(r->git_repo_path), DB_STR(r->default_branch) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_link_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " LINK_COLS " FROM node_projects "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_link_of_project(struct db *db, json_object **out, const char *project_id)
{
	static const char sql[] = "SELECT " LINK_COLS " FROM node_projects "
	    "WHERE project_id = ?";
	struct db_param	 p[] = { DB_STR(project_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_link_of_node_local(struct db *db, json_object **out, const char *node_id,
    const char *local_project_id)
{
	static const char sql[] = "SELECT " LINK_COLS " FROM node_projects "
	    "WHERE node_id = ? AND local_project_id = ?";
	struct db_param	 p[] = { DB_STR(node_id), DB_STR(local_project_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_link_list_of_node(struct db *db, json_object **out, const char *node_id)
{
	static const char sql[] = "SELECT " LINK_COLS " FROM node_projects "
	    "WHERE node_id = ? ORDER BY created_at DESC, id";
	struct db_param	 p[] = { DB_STR(node_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_link_delete(struct db *db, const char *id, const char *node_id)
{
	/* By link id and node (the original deleted by project id). */
	static const char sql[] = "DELETE FROM node_projects WHERE id = ? "
	    "AND node_id = ?";
	struct db_param	 p[] = { DB_STR(id), DB_STR(node_id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

#define PROJECT_NODE_COLS "n.id AS node_id, n.name AS node_name, " \
	"n.status AS node_status, n.draining, " \
	"n.public_url AS node_public_url, np.id AS node_project_id, " \
	"np.local_project_id, np.git_repo_path, np.default_branch, " \
	"n.last_heartbeat_at IS NOT NULL AS has_heartbeat, " \
	"TIMESTAMPDIFF(SECOND, n.last_heartbeat_at, UTC_TIMESTAMP(6)) " \
	"AS heartbeat_age"

int
db_project_nodes(struct db *db, json_object **out, const char *project_id)
{
	static const char sql[] = "SELECT " PROJECT_NODE_COLS
	    " FROM node_projects np JOIN nodes n ON n.id = np.node_id "
	    "WHERE np.project_id = ? ORDER BY n.name, n.id";
	struct db_param	 p[] = { DB_STR(project_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_org_project_nodes(struct db *db, json_object **out, const char *org_id)
{
	static const char sql[] = "SELECT np.project_id, " PROJECT_NODE_COLS
	    " FROM node_projects np JOIN nodes n ON n.id = np.node_id "
	    "WHERE n.organization_id = ? ORDER BY n.name, n.id";
	struct db_param	 p[] = { DB_STR(org_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}
