/* db_projects.c: SQL for swarm projects */
#include "db_hive.h"

#define HPROJECT_COLS "id, organization_id, name, metadata, created_at"

int
db_hproject_insert(struct db *db, json_object **out, const char *id,
    const char *org_id, const char *name, const char *metadata)
{
	static const char sql[] = "INSERT INTO projects (id, organization_id, "
	    "name, metadata) VALUES (?, ?, ?, ?) RETURNING " HPROJECT_COLS;
	struct db_param	 p[] = { DB_STR(id), DB_STR(org_id), DB_STR(name),
	    DB_STR(metadata) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_hproject_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " HPROJECT_COLS " FROM projects "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_hproject_list(struct db *db, json_object **out, const char *org_id)
{
	static const char sql[] = "SELECT " HPROJECT_COLS " FROM projects "
	    "WHERE organization_id = ? ORDER BY created_at, id";
	struct db_param	 p[] = { DB_STR(org_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}
