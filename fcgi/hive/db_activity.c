/* db_activity.c: SQL for the per-project activity feed */
#include "db_hive.h"

int
db_activity_next_seq(struct db *db, long long *out, const char *project_id)
{
	/* The upsert locks the counter row: events of a project take turns. */
	static const char bump[] = "INSERT INTO project_activity_counters "
	    "(project_id, last_seq) VALUES (?, 1) "
	    "ON DUPLICATE KEY UPDATE last_seq = last_seq + 1";
	static const char get[] = "SELECT last_seq FROM "
	    "project_activity_counters WHERE project_id = ?";
	struct db_param	 p[] = { DB_STR(project_id) };
	int		 rc;

	if ((rc = db_exec(db, bump, p, DB_NPARAMS(p), NULL)) != 0)
		return rc;
	return db_query_int(db, out, get, p, DB_NPARAMS(p));
}

int
db_activity_insert(struct db *db, const char *project_id, long long seq,
    const char *event_id, const char *event_type, const char *payload)
{
	static const char sql[] = "INSERT INTO activity (project_id, seq, "
	    "event_id, event_type, payload) VALUES (?, ?, ?, ?, ?)";
	struct db_param	 p[] = { DB_STR(project_id), DB_INT(seq),
	    DB_STR(event_id), DB_STR(event_type), DB_STR(payload) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_activity_list(struct db *db, json_object **out, const char *project_id,
    long long after, long long limit)
{
	static const char sql[] = "SELECT seq, event_id, project_id, "
	    "event_type, created_at, payload FROM activity "
	    "WHERE project_id = ? AND seq > ? ORDER BY seq LIMIT ?";
	struct db_param	 p[] = { DB_STR(project_id), DB_INT(after),
	    DB_INT(limit) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_activity_latest(struct db *db, long long *out, const char *project_id)
{
	static const char sql[] = "SELECT COALESCE(MAX(seq), 0) FROM activity "
	    "WHERE project_id = ?";
	struct db_param	 p[] = { DB_STR(project_id) };

	return db_query_int(db, out, sql, p, DB_NPARAMS(p));
}
