/* db_orgs.c: SQL for organizations */
#include "db_hive.h"

#define ORG_COLS "id, name, slug, is_personal, created_at, updated_at"

int
db_org_insert(struct db *db, json_object **out, const char *id,
    const char *name, const char *slug)
{
	static const char sql[] = "INSERT INTO organizations (id, name, slug) "
	    "VALUES (?, ?, ?) RETURNING " ORG_COLS;
	struct db_param	 p[] = { DB_STR(id), DB_STR(name), DB_STR(slug) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_org_list(struct db *db, json_object **out)
{
	static const char sql[] = "SELECT " ORG_COLS " FROM organizations "
	    "ORDER BY name, id";

	return db_query(db, out, sql, NULL, 0);
}

int
db_org_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " ORG_COLS " FROM organizations "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}
