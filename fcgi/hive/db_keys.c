/* db_keys.c: SQL for node API keys */
#include "db_hive.h"

#define KEY_COLS "id, organization_id, name, key_prefix, created_by, " \
	"last_used_at, revoked_at, created_at"

int
db_key_insert(struct db *db, json_object **out, const char *id,
    const char *org_id, const char *name, const char *hash,
    const char *prefix)
{
	static const char sql[] = "INSERT INTO node_api_keys (id, "
	    "organization_id, name, key_hash, key_prefix) VALUES "
	    "(?, ?, ?, ?, ?) RETURNING " KEY_COLS;
	struct db_param	 p[] = { DB_STR(id), DB_STR(org_id), DB_STR(name),
	    DB_STR(hash), DB_STR(prefix) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_key_list(struct db *db, json_object **out, const char *org_id)
{
	static const char sql[] = "SELECT " KEY_COLS " FROM node_api_keys "
	    "WHERE organization_id = ? ORDER BY created_at DESC, id";
	struct db_param	 p[] = { DB_STR(org_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_key_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " KEY_COLS " FROM node_api_keys "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_key_revoke(struct db *db, const char *id)
{
	static const char sql[] = "UPDATE node_api_keys SET revoked_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ? AND revoked_at IS NULL";
	struct db_param	 p[] = { DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_key_by_prefix(struct db *db, json_object **out, const char *prefix)
{
	static const char sql[] = "SELECT id, organization_id, key_hash, "
	    "revoked_at FROM node_api_keys WHERE key_prefix = ?";
	struct db_param	 p[] = { DB_STR(prefix) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_key_touch(struct db *db, const char *id)
{
	static const char sql[] = "UPDATE node_api_keys SET last_used_at = "
	    "UTC_TIMESTAMP(6) WHERE id = ? AND (last_used_at IS NULL OR "
	    "last_used_at < UTC_TIMESTAMP(6) - INTERVAL 60 SECOND)";
	struct db_param	 p[] = { DB_STR(id) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}
