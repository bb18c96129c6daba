-- 004_hive_link.sql: what a node keeps of its hive link: its registration,
-- the pull throttle, changes still to push; remote projects may share a
-- path with a local one (another machine's path).

-- One row (id 1). node_id/organization_id come from registration with the
-- hive at hive_url with the key whose prefix is key_prefix; a change of
-- either registers again. machine_id is made once per node database, so
-- two nodes on one machine are two nodes.
CREATE TABLE IF NOT EXISTS hive_link (
	id			TINYINT		NOT NULL PRIMARY KEY CHECK (id = 1),
	machine_id		CHAR(32)	CHARACTER SET ascii NOT NULL,
	hive_url		VARCHAR(2048)	NULL,
	key_prefix		CHAR(8)		CHARACTER SET ascii NULL,
	node_id			UUID		NULL,
	organization_id		UUID		NULL,
	registered_at		DATETIME(6)	NULL,
	last_sync_at		DATETIME(6)	NULL,
	last_error		VARCHAR(1024)	NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A shared task changed here while the hive was unreachable: pushed (with
-- its version) at the next sync.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS hive_dirty BOOLEAN NOT NULL DEFAULT FALSE;

-- Shared tasks deleted here while the hive was unreachable.
CREATE TABLE IF NOT EXISTS hive_pending_deletes (
	shared_task_id		UUID		NOT NULL PRIMARY KEY,
	remote_version		BIGINT		NOT NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Unique paths among local projects only.
ALTER TABLE projects DROP INDEX uq_projects_git_repo_path,
	DROP COLUMN git_repo_path_hash,
	ADD COLUMN git_repo_path_hash BINARY(32)
		AS (IF(is_remote, NULL, UNHEX(SHA2(git_repo_path, 256)))) STORED
		AFTER git_repo_path,
	ADD UNIQUE KEY uq_projects_git_repo_path (git_repo_path_hash);
