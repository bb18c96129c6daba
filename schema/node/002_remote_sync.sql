-- 002_remote_sync.sql: what a node caches from the hive (nodes it has seen,
-- activity cursors per swarm project).

CREATE TABLE IF NOT EXISTS cached_nodes (
	id			UUID		NOT NULL PRIMARY KEY,
	organization_id		UUID		NOT NULL,
	name			VARCHAR(255)	NOT NULL,
	machine_id		VARCHAR(255)	NOT NULL,
	status			ENUM('pending', 'online', 'offline', 'busy', 'draining')
					NOT NULL DEFAULT 'pending',
	capabilities		TEXT		NOT NULL DEFAULT '{}' CHECK (JSON_VALID(capabilities)),
	public_url		VARCHAR(2048)	NULL,
	last_heartbeat_at	DATETIME(6)	NULL,
	connected_at		DATETIME(6)	NULL,
	disconnected_at		DATETIME(6)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	last_synced_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY idx_cached_nodes_organization (organization_id),
	KEY idx_cached_nodes_status (status)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS shared_activity_cursors (
	remote_project_id	UUID		NOT NULL PRIMARY KEY,
	last_seq		BIGINT		NOT NULL CHECK (last_seq >= 0),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
