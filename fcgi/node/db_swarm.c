/* db_swarm.c: SQL for the node's hive state, remote projects, shared tasks */
#include "db_node.h"
#include "err.h"
#include "uuid.h"

int
db_hive_link_get(struct db *db, json_object **out)
{
	static const char ins[] = "INSERT IGNORE INTO hive_link (id, "
	    "machine_id) VALUES (1, ?)";
	static const char sel[] = "SELECT machine_id, hive_url, key_prefix, "
	    "node_id, organization_id FROM hive_link WHERE id = 1";
	char		 m[UUID_STRLEN + 1], machine_id[33];
	size_t		 i, o;
	int		 rc;

	/* A machine id for the first call: 32 hex digits of a fresh UUID. */
	if (uuid_new(m) != 0)
		return E_FAIL;
	for (i = o = 0; m[i] != '\0'; i++)
		if (m[i] != '-')
			machine_id[o++] = m[i];
	machine_id[o] = '\0';
	struct db_param	 p[] = { DB_STR(machine_id) };

	if ((rc = db_exec(db, ins, p, DB_NPARAMS(p), NULL)) != 0)
		return rc;
	return db_query_row(db, out, sel, NULL, 0);
}

int
db_hive_link_set_identity(struct db *db, const char *hive_url,
    const char *key_prefix, const char *node_id, const char *org_id)
{
	static const char sql[] = "UPDATE hive_link SET hive_url = ?, "
	    "key_prefix = ?, node_id = ?, organization_id = ?, "
	    "registered_at = UTC_TIMESTAMP(6), last_error = NULL WHERE id = 1";
	struct db_param	 p[] = { DB_STR(hive_url), DB_STR(key_prefix),
	    DB_STR(node_id), DB_STR(org_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_hive_link_claim_sync(struct db *db, int *won, long long interval_ms)
{
	/* One statement decides between concurrent workers: stateless. */
	static const char sql[] = "UPDATE hive_link SET last_sync_at = "
	    "UTC_TIMESTAMP(6) WHERE id = 1 AND (last_sync_at IS NULL OR "
	    "last_sync_at <= UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND)";
	struct db_param	 p[] = { DB_INT(interval_ms * 1000) };
	unsigned long long n = 0;
	int		 rc;

	*won = 0;
	if ((rc = db_exec(db, sql, p, DB_NPARAMS(p), &n)) != 0)
		return rc;
	*won = n > 0;
	return 0;
}

int
db_hive_link_set_error(struct db *db, const char *error)
{
	static const char sql[] = "UPDATE hive_link SET last_error = ? "
	    "WHERE id = 1";
	struct db_param	 p[] = { DB_STR(error) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_project_by_remote(struct db *db, json_object **out,
    const char *remote_project_id)
{
	static const char sql[] = "SELECT id, is_remote, remote_project_id "
	    "FROM projects WHERE remote_project_id = ?";
	struct db_param	 p[] = { DB_STR(remote_project_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_project_set_remote(struct db *db, const char *id,
    const char *remote_project_id)
{
	static const char sql[] = "UPDATE projects SET remote_project_id = ?, "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ? AND is_remote = FALSE";
	struct db_param	 p[] = { DB_STR(remote_project_id), DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_project_remote_upsert(struct db *db, const struct remote_project_row *r)
{
	static const char sql[] = "INSERT INTO projects (id, name, "
	    "git_repo_path, remote_project_id, is_remote, source_node_id, "
	    "source_node_name, source_node_public_url, source_node_status, "
	    "remote_last_synced_at) VALUES (?, ?, ?, ?, TRUE, ?, ?, ?, ?, "
	    "UTC_TIMESTAMP(6)) ON DUPLICATE KEY UPDATE name = VALUES(name), "
	    "git_repo_path = VALUES(git_repo_path), "
	    "source_node_id = VALUES(source_node_id), "
	    "source_node_name = VALUES(source_node_name), "
	    "source_node_public_url = VALUES(source_node_public_url), "
	    "source_node_status = VALUES(source_node_status), "
	    "remote_last_synced_at = VALUES(remote_last_synced_at)";
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->name),
	    DB_STR(r->git_repo_path), DB_STR(r->remote_project_id),
	    DB_STR(r->node_id), DB_STR(r->node_name),
	    DB_STR(r->node_public_url), DB_STR(r->node_status) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_project_swarm_list(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT id, remote_project_id, is_remote, "
	    "name, git_repo_path, source_node_id, source_node_name, "
	    "source_node_public_url, source_node_status FROM projects "
	    "WHERE remote_project_id IS NOT NULL ORDER BY created_at, id";

	return db_query(db, out, sql, NULL, 0);
}

#define PROJECT_COLS "id, name, git_repo_path, setup_script, dev_script, " \
	"cleanup_script, copy_files, remote_project_id, created_at, " \
	"updated_at, is_remote, source_node_id, source_node_name, " \
	"source_node_public_url, source_node_status, remote_last_synced_at, " \
	"default_validation_steps"

int
db_project_local_list(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT " PROJECT_COLS " FROM projects "
	    "WHERE is_remote = FALSE ORDER BY created_at DESC, id";

	return db_query(db, out, sql, NULL, 0);
}

int
db_project_remote_list(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT id, source_node_id AS node_id, "
	    "remote_project_id AS project_id, name AS project_name, "
	    "git_repo_path, remote_last_synced_at AS last_synced_at, "
	    "created_at, source_node_name AS node_name, "
	    "source_node_status AS node_status, "
	    "source_node_public_url AS node_public_url FROM projects "
	    "WHERE is_remote = TRUE ORDER BY source_node_name, source_node_id, "
	    "name, id";

	return db_query(db, out, sql, NULL, 0);
}

int
db_project_unlink_local(struct db *db, const char *id)
{
	static const char tasks[] = "UPDATE tasks SET shared_task_id = NULL, "
	    "hive_dirty = FALSE, remote_version = 0 WHERE project_id = ?";
	static const char cursor[] = "DELETE c FROM shared_activity_cursors c "
	    "JOIN projects p ON p.remote_project_id = c.remote_project_id "
	    "WHERE p.id = ?";
	struct db_param	 p[] = { DB_STR(id) };
	int		 rc;

	if ((rc = db_exec(db, tasks, p, DB_NPARAMS(p), NULL)) != 0 ||
	    (rc = db_exec(db, cursor, p, DB_NPARAMS(p), NULL)) != 0)
		return rc;
	return db_project_set_remote(db, id, NULL);
}

int
db_task_by_shared(struct db *db, json_object **out, const char *shared_task_id)
{
	static const char sql[] = "SELECT id, project_id, shared_task_id, "
	    "remote_version, hive_dirty, is_remote FROM tasks "
	    "WHERE shared_task_id = ?";
	struct db_param	 p[] = { DB_STR(shared_task_id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_task_shared_insert(struct db *db, const struct shared_task_row *r)
{
	static const char sql[] = "INSERT INTO tasks (id, project_id, title, "
	    "description, status, shared_task_id, remote_version, is_remote, "
	    "remote_last_synced_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "UTC_TIMESTAMP(6))";
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->project_id),
	    DB_STR(r->title), DB_STR(r->description), DB_STR(r->status),
	    DB_STR(r->shared_task_id), DB_INT(r->version),
	    DB_INT(r->is_remote ? 1 : 0) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_task_shared_update(struct db *db, const struct shared_task_row *r)
{
	static const char sql[] = "UPDATE tasks SET title = ?, "
	    "description = ?, status = ?, remote_version = ?, "
	    "hive_dirty = FALSE, remote_last_synced_at = UTC_TIMESTAMP(6), "
	    "updated_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(r->title), DB_STR(r->description),
	    DB_STR(r->status), DB_INT(r->version), DB_STR(r->id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_task_set_shared(struct db *db, const char *id, const char *shared_task_id,
    long long version)
{
	static const char sql[] = "UPDATE tasks SET shared_task_id = ?, "
	    "remote_version = ?, hive_dirty = FALSE, "
	    "remote_last_synced_at = UTC_TIMESTAMP(6) WHERE id = ?";
	struct db_param	 p[] = { DB_STR(shared_task_id), DB_INT(version),
	    DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_task_set_dirty(struct db *db, const char *id, int dirty)
{
	static const char sql[] = "UPDATE tasks SET hive_dirty = ? "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_INT(dirty ? 1 : 0), DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_tasks_unshared(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT t.id, t.project_id, t.title, "
	    "t.description, t.status, p.remote_project_id FROM tasks t "
	    "JOIN projects p ON p.id = t.project_id WHERE p.is_remote = FALSE "
	    "AND p.remote_project_id IS NOT NULL AND t.shared_task_id IS NULL "
	    "ORDER BY t.created_at, t.id LIMIT 200";

	return db_query(db, out, sql, NULL, 0);
}

int
db_tasks_dirty(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT id, project_id, title, description, "
	    "status, shared_task_id, remote_version FROM tasks "
	    "WHERE hive_dirty = TRUE AND shared_task_id IS NOT NULL "
	    "ORDER BY updated_at, id LIMIT 200";

	return db_query(db, out, sql, NULL, 0);
}

int
db_pending_delete_add(struct db *db, const char *shared_task_id,
    long long version)
{
	static const char sql[] = "INSERT IGNORE INTO hive_pending_deletes "
	    "(shared_task_id, remote_version) VALUES (?, ?)";
	struct db_param	 p[] = { DB_STR(shared_task_id), DB_INT(version) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_pending_deletes(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT shared_task_id, remote_version FROM "
	    "hive_pending_deletes ORDER BY created_at LIMIT 200";

	return db_query(db, out, sql, NULL, 0);
}

int
db_pending_delete_remove(struct db *db, const char *shared_task_id)
{
	static const char sql[] = "DELETE FROM hive_pending_deletes WHERE "
	    "shared_task_id = ?";
	struct db_param	 p[] = { DB_STR(shared_task_id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_cursor_get(struct db *db, long long *out, const char *remote_project_id)
{
	static const char sql[] = "SELECT last_seq FROM "
	    "shared_activity_cursors WHERE remote_project_id = ?";
	struct db_param	 p[] = { DB_STR(remote_project_id) };
	int		 rc;

	*out = 0;
	rc = db_query_int(db, out, sql, p, DB_NPARAMS(p));
	return rc == E_NOTFOUND ? 0 : rc;
}

int
db_cursor_set(struct db *db, const char *remote_project_id, long long seq)
{
	/* Never backwards: two workers may pull the same page. */
	static const char sql[] = "INSERT INTO shared_activity_cursors "
	    "(remote_project_id, last_seq) VALUES (?, ?) ON DUPLICATE KEY "
	    "UPDATE last_seq = GREATEST(last_seq, VALUES(last_seq)), "
	    "updated_at = UTC_TIMESTAMP(6)";
	struct db_param	 p[] = { DB_STR(remote_project_id), DB_INT(seq) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}
