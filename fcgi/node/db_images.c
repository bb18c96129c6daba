/* db_images.c: SQL for uploaded images and their tasks */
#include "db_node.h"
#include "err.h"
#include "uuid.h"

#define IMAGE_COLS "id, file_path, original_name, mime_type, size_bytes, " \
	"hash, created_at, updated_at"

int
db_image_get(struct db *db, json_object **out, const char *id)
{
	static const char sql[] = "SELECT " IMAGE_COLS " FROM images "
	    "WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_image_by_hash(struct db *db, json_object **out, const char *hash)
{
	static const char sql[] = "SELECT " IMAGE_COLS " FROM images "
	    "WHERE hash = ?";
	struct db_param	 p[] = { DB_STR(hash) };

	return db_query_row(db, out, sql, p, DB_NPARAMS(p));
}

int
db_image_insert(struct db *db, const struct image_row *r)
{
	static const char sql[] = "INSERT INTO images (id, file_path, "
	    "original_name, mime_type, size_bytes, hash) "
	    "VALUES (?, ?, ?, ?, ?, ?)";
	struct db_param	 p[] = { DB_STR(r->id), DB_STR(r->file_path),
	    DB_STR(r->original_name), DB_STR(r->mime_type),
	    DB_INT(r->size_bytes), DB_STR(r->hash) };

	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_image_delete(struct db *db, const char *id)
{
	static const char sql[] = "DELETE FROM images WHERE id = ?";
	struct db_param	 p[] = { DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}

int
db_image_list_task(struct db *db, json_object **out, const char *task_id)
{
	static const char sql[] = "SELECT i.id, i.file_path, i.original_name, "
	    "i.mime_type, i.size_bytes, i.hash, i.created_at, i.updated_at "
	    "FROM task_images ti JOIN images i ON i.id = ti.image_id "
	    "WHERE ti.task_id = ? ORDER BY ti.created_at, i.id";
	struct db_param	 p[] = { DB_STR(task_id) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_image_attach(struct db *db, const char *task_id, const char *image_id)
{
	/* Attaching twice is no change: the pair is unique. (Not INSERT
	 * IGNORE: that would also hide a missing task or image.) */
	static const char sql[] = "INSERT INTO task_images (id, task_id, "
	    "image_id) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "task_id = task_id";
	char		 id[UUID_STRLEN + 1];

	if (uuid_new(id) != 0)
		return E_FAIL;
	struct db_param	 p[] = { DB_STR(id), DB_STR(task_id),
	    DB_STR(image_id) };
	return db_exec(db, sql, p, DB_NPARAMS(p), NULL);
}

int
db_image_orphans(struct db *db, json_object **out, long long hours)
{
	static const char sql[] = "SELECT i.id, i.file_path FROM images i "
	    "WHERE i.created_at < UTC_TIMESTAMP(6) - INTERVAL ? HOUR "
	    "AND NOT EXISTS (SELECT 1 FROM task_images ti "
	    "WHERE ti.image_id = i.id) ORDER BY i.created_at LIMIT 100";
	struct db_param	 p[] = { DB_INT(hours) };

	return db_query(db, out, sql, p, DB_NPARAMS(p));
}

int
db_image_delete_orphan(struct db *db, const char *id)
{
	/* Still unattached at the moment of the delete, or left alone. */
	static const char sql[] = "DELETE FROM images WHERE id = ? AND NOT "
	    "EXISTS (SELECT 1 FROM task_images ti WHERE ti.image_id = ?)";
	struct db_param	 p[] = { DB_STR(id), DB_STR(id) };

	return db_exec_one(db, sql, p, DB_NPARAMS(p));
}
