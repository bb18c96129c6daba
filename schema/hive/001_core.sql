-- 001_core.sql: the hive's data model (organizations, node API keys, nodes,
-- swarm projects and their node links, shared tasks with their activity feed,
-- task assignments). Times are DATETIME(6) in UTC; ids are UUID.
-- Booleans are BOOLEAN (TINYINT(1)): the server maps width-1 integers to JSON
-- booleans, so keep every boolean at width 1 and no other integer at width 1.

CREATE TABLE IF NOT EXISTS organizations (
	id			UUID		NOT NULL PRIMARY KEY,
	name			VARCHAR(255)	NOT NULL,
	slug			VARCHAR(64)	NOT NULL,
	is_personal		BOOLEAN		NOT NULL DEFAULT FALSE,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_organizations_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Minimal identity: the hive has no login of its own yet (administration
-- takes the admin token, nodes their API key); members are kept so shared
-- tasks can name an assignee.
CREATE TABLE IF NOT EXISTS users (
	id			UUID		NOT NULL PRIMARY KEY,
	email			VARCHAR(320)	NOT NULL,
	first_name		VARCHAR(255)	NULL,
	last_name		VARCHAR(255)	NULL,
	username		VARCHAR(255)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS organization_member_metadata (
	organization_id		UUID		NOT NULL,
	user_id			UUID		NOT NULL,
	role			ENUM('admin', 'member') NOT NULL DEFAULT 'member',
	joined_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	last_seen_at		DATETIME(6)	NULL,
	PRIMARY KEY (organization_id, user_id),
	KEY idx_members_user (user_id),
	KEY idx_members_org_role (organization_id, role),
	CONSTRAINT fk_members_org FOREIGN KEY (organization_id)
		REFERENCES organizations (id) ON DELETE CASCADE,
	CONSTRAINT fk_members_user FOREIGN KEY (user_id)
		REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Machine credentials: the raw key (64 hex digits) is shown once; only its
-- SHA-256 (hex) is kept. The first 8 digits find the row (unique: a
-- colliding new key is generated again).
CREATE TABLE IF NOT EXISTS node_api_keys (
	id			UUID		NOT NULL PRIMARY KEY,
	organization_id		UUID		NOT NULL,
	name			VARCHAR(255)	NOT NULL,
	key_hash		CHAR(64)	CHARACTER SET ascii NOT NULL,
	key_prefix		CHAR(8)		CHARACTER SET ascii NOT NULL,
	created_by		UUID		NULL,
	last_used_at		DATETIME(6)	NULL,
	revoked_at		DATETIME(6)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_node_api_keys_prefix (key_prefix),
	KEY idx_node_api_keys_org (organization_id, created_at),
	CONSTRAINT fk_node_api_keys_org FOREIGN KEY (organization_id)
		REFERENCES organizations (id) ON DELETE CASCADE,
	CONSTRAINT fk_node_api_keys_user FOREIGN KEY (created_by)
		REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- status is what the node last reported; what the API shows is derived at
-- read time from last_heartbeat_at and the heartbeat window (no sweeper).
-- draining is the administrator's "no new work" and outlives heartbeats.
CREATE TABLE IF NOT EXISTS nodes (
	id			UUID		NOT NULL PRIMARY KEY,
	organization_id		UUID		NOT NULL,
	name			VARCHAR(255)	NOT NULL,
	machine_id		VARCHAR(255)	NOT NULL,
	status			ENUM('pending', 'online', 'offline', 'busy', 'draining')
					NOT NULL DEFAULT 'pending',
	draining		BOOLEAN		NOT NULL DEFAULT FALSE,
	capabilities		TEXT		NOT NULL DEFAULT '{}' CHECK (JSON_VALID(capabilities)),
	public_url		VARCHAR(2048)	NULL,
	api_key_id		UUID		NULL,
	last_heartbeat_at	DATETIME(6)	NULL,
	connected_at		DATETIME(6)	NULL,
	disconnected_at		DATETIME(6)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_nodes_org_machine (organization_id, machine_id),
	KEY idx_nodes_org_name (organization_id, name),
	KEY idx_nodes_heartbeat (last_heartbeat_at),
	CONSTRAINT fk_nodes_org FOREIGN KEY (organization_id)
		REFERENCES organizations (id) ON DELETE CASCADE,
	CONSTRAINT fk_nodes_key FOREIGN KEY (api_key_id)
		REFERENCES node_api_keys (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS projects (
	id			UUID		NOT NULL PRIMARY KEY,
	organization_id		UUID		NOT NULL,
	name			VARCHAR(4096)	NOT NULL,
	metadata		TEXT		NOT NULL DEFAULT '{}' CHECK (JSON_VALID(metadata)),
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY idx_projects_org (organization_id, created_at),
	CONSTRAINT fk_projects_org FOREIGN KEY (organization_id)
		REFERENCES organizations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-project activity sequence: last_seq + 1 is the next event's seq.
CREATE TABLE IF NOT EXISTS project_activity_counters (
	project_id		UUID		NOT NULL PRIMARY KEY,
	last_seq		BIGINT		NOT NULL,
	CONSTRAINT fk_counters_project FOREIGN KEY (project_id)
		REFERENCES projects (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A project is held by one node (phase 1 of the original: UNIQUE project_id).
CREATE TABLE IF NOT EXISTS node_projects (
	id			UUID		NOT NULL PRIMARY KEY,
	node_id			UUID		NOT NULL,
	project_id		UUID		NOT NULL,
	local_project_id	UUID		NOT NULL,
	git_repo_path		VARCHAR(4096)	NOT NULL,
	default_branch		VARCHAR(255)	NOT NULL DEFAULT 'main',
	sync_status		VARCHAR(32)	NOT NULL DEFAULT 'pending',
	last_synced_at		DATETIME(6)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_node_projects_node_local (node_id, local_project_id),
	UNIQUE KEY uq_node_projects_project (project_id),
	CONSTRAINT fk_node_projects_node FOREIGN KEY (node_id)
		REFERENCES nodes (id) ON DELETE CASCADE,
	CONSTRAINT fk_node_projects_project FOREIGN KEY (project_id)
		REFERENCES projects (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS shared_tasks (
	id			UUID		NOT NULL PRIMARY KEY,
	organization_id		UUID		NOT NULL,
	project_id		UUID		NOT NULL,
	creator_user_id		UUID		NULL,
	assignee_user_id	UUID		NULL,
	deleted_by_user_id	UUID		NULL,
	title			TEXT		NOT NULL,
	description		MEDIUMTEXT	NULL,
	status			ENUM('todo', 'in-progress', 'in-review', 'done', 'cancelled')
					NOT NULL DEFAULT 'todo',
	version			BIGINT		NOT NULL DEFAULT 1,
	deleted_at		DATETIME(6)	NULL,
	shared_at		DATETIME(6)	NULL DEFAULT UTC_TIMESTAMP(6),
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY idx_shared_tasks_org_status (organization_id, status),
	KEY idx_shared_tasks_org_assignee (organization_id, assignee_user_id),
	KEY idx_shared_tasks_project (project_id, updated_at),
	CONSTRAINT fk_shared_tasks_org FOREIGN KEY (organization_id)
		REFERENCES organizations (id) ON DELETE CASCADE,
	CONSTRAINT fk_shared_tasks_project FOREIGN KEY (project_id)
		REFERENCES projects (id) ON DELETE CASCADE,
	CONSTRAINT fk_shared_tasks_creator FOREIGN KEY (creator_user_id)
		REFERENCES users (id) ON DELETE SET NULL,
	CONSTRAINT fk_shared_tasks_assignee FOREIGN KEY (assignee_user_id)
		REFERENCES users (id) ON DELETE SET NULL,
	CONSTRAINT fk_shared_tasks_deleted_by FOREIGN KEY (deleted_by_user_id)
		REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The change feed nodes pull ("changes since seq"); kept, not pruned.
CREATE TABLE IF NOT EXISTS activity (
	project_id		UUID		NOT NULL,
	seq			BIGINT		NOT NULL,
	event_id		UUID		NOT NULL,
	assignee_user_id	UUID		NULL,
	event_type		VARCHAR(64)	NOT NULL,
	payload			MEDIUMTEXT	NOT NULL CHECK (JSON_VALID(payload)),
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	PRIMARY KEY (project_id, seq),
	UNIQUE KEY uq_activity_event (event_id),
	CONSTRAINT fk_activity_project FOREIGN KEY (project_id)
		REFERENCES projects (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- At most one active (completed_at NULL) assignment per task: the original's
-- partial unique index, as a generated column that is NULL when completed.
CREATE TABLE IF NOT EXISTS node_task_assignments (
	id			UUID		NOT NULL PRIMARY KEY,
	task_id			UUID		NOT NULL,
	node_id			UUID		NOT NULL,
	node_project_id		UUID		NOT NULL,
	local_task_id		UUID		NULL,
	local_attempt_id	UUID		NULL,
	execution_status	ENUM('pending', 'starting', 'running', 'completed',
				    'failed', 'cancelled') NOT NULL DEFAULT 'pending',
	assigned_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	started_at		DATETIME(6)	NULL,
	completed_at		DATETIME(6)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	active_task_id		UUID		AS (IF(completed_at IS NULL, task_id, NULL)) STORED,
	UNIQUE KEY uq_assignments_active (active_task_id),
	KEY idx_assignments_task (task_id, assigned_at),
	KEY idx_assignments_node (node_id),
	CONSTRAINT fk_assignments_task FOREIGN KEY (task_id)
		REFERENCES shared_tasks (id) ON DELETE CASCADE,
	CONSTRAINT fk_assignments_node FOREIGN KEY (node_id)
		REFERENCES nodes (id) ON DELETE CASCADE,
	CONSTRAINT fk_assignments_link FOREIGN KEY (node_project_id)
		REFERENCES node_projects (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Output a node pushes for an assignment (the relay replays it).
CREATE TABLE IF NOT EXISTS node_task_output_logs (
	id			BIGINT		NOT NULL AUTO_INCREMENT PRIMARY KEY,
	assignment_id		UUID		NOT NULL,
	output_type		ENUM('stdout', 'stderr', 'system') NOT NULL,
	content			MEDIUMTEXT	NOT NULL,
	`timestamp`		DATETIME(6)	NOT NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY idx_output_assignment (assignment_id, id),
	CONSTRAINT fk_output_assignment FOREIGN KEY (assignment_id)
		REFERENCES node_task_assignments (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
