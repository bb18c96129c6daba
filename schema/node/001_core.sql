-- 001_core.sql: the node's data model (projects, tasks, attempts, runs, logs,
-- merges, images, tags, drafts). Times are DATETIME(6) in UTC; ids are UUID.
-- Booleans are BOOLEAN (TINYINT(1)): the server maps width-1 integers to JSON
-- booleans, so keep every boolean at width 1 and no other integer at width 1.

CREATE TABLE IF NOT EXISTS projects (
	id			UUID		NOT NULL PRIMARY KEY,
	name			VARCHAR(4096)	NOT NULL,
	git_repo_path		VARCHAR(4096)	NOT NULL,
	-- A 4096-character path is too long for an index: unique by hash.
	git_repo_path_hash	BINARY(32)	AS (UNHEX(SHA2(git_repo_path, 256))) STORED,
	setup_script		MEDIUMTEXT		NULL,
	dev_script		MEDIUMTEXT		NULL,
	cleanup_script		MEDIUMTEXT		NULL,
	copy_files		VARCHAR(4096)	NULL,
	remote_project_id	UUID		NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	is_remote		BOOLEAN		NOT NULL DEFAULT FALSE,
	source_node_id		UUID		NULL,
	source_node_name	VARCHAR(255)	NULL,
	source_node_public_url	VARCHAR(2048)	NULL,
	source_node_status	VARCHAR(32)	NULL DEFAULT 'unknown',
	remote_last_synced_at	DATETIME(6)	NULL,
	default_validation_steps MEDIUMTEXT		NULL,
	UNIQUE KEY uq_projects_git_repo_path (git_repo_path_hash),
	UNIQUE KEY uq_projects_remote_project_id (remote_project_id),
	KEY idx_projects_created_at (created_at),
	KEY idx_projects_is_remote (is_remote),
	KEY idx_projects_source_node (source_node_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS tasks (
	id			UUID		NOT NULL PRIMARY KEY,
	project_id		UUID		NOT NULL,
	title			TEXT		NOT NULL,
	description		MEDIUMTEXT	NULL,
	status			ENUM('todo', 'inprogress', 'inreview', 'done', 'cancelled')
					NOT NULL DEFAULT 'todo',
	parent_task_id		UUID		NULL,
	shared_task_id		UUID		NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	is_remote		BOOLEAN		NOT NULL DEFAULT FALSE,
	remote_assignee_user_id	UUID		NULL,
	remote_assignee_name	VARCHAR(255)	NULL,
	remote_assignee_username VARCHAR(255)	NULL,
	remote_version		BIGINT		NOT NULL DEFAULT 0,
	remote_last_synced_at	DATETIME(6)	NULL,
	remote_stream_node_id	UUID		NULL,
	remote_stream_url	VARCHAR(2048)	NULL,
	validation_steps	MEDIUMTEXT		NULL,
	UNIQUE KEY uq_tasks_shared_task_id (shared_task_id),
	KEY idx_tasks_project_created (project_id, created_at),
	KEY idx_tasks_parent (parent_task_id),
	KEY idx_tasks_is_remote (is_remote),
	CONSTRAINT fk_tasks_project FOREIGN KEY (project_id)
		REFERENCES projects (id) ON DELETE CASCADE,
	CONSTRAINT fk_tasks_parent FOREIGN KEY (parent_task_id)
		REFERENCES tasks (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS task_attempts (
	id			UUID		NOT NULL PRIMARY KEY,
	task_id			UUID		NOT NULL,
	executor		VARCHAR(64)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	target_branch		VARCHAR(255)	NOT NULL DEFAULT 'main',
	worktree_deleted	BOOLEAN		NOT NULL DEFAULT FALSE,
	setup_completed_at	DATETIME(6)	NULL,
	container_ref		VARCHAR(4096)	NULL,
	branch			VARCHAR(255)	NOT NULL DEFAULT 'main',
	KEY idx_task_attempts_created (created_at),
	KEY idx_task_attempts_task_created (task_id, created_at),
	CONSTRAINT fk_task_attempts_task FOREIGN KEY (task_id)
		REFERENCES tasks (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS execution_processes (
	id			UUID		NOT NULL PRIMARY KEY,
	task_attempt_id		UUID		NOT NULL,
	status			ENUM('running', 'completed', 'failed', 'killed')
					NOT NULL DEFAULT 'running',
	exit_code		BIGINT		NULL,
	started_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	completed_at		DATETIME(6)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	run_reason		ENUM('setupscript', 'cleanupscript', 'codingagent', 'devserver')
					NOT NULL DEFAULT 'setupscript',
	executor_action		LONGTEXT	NOT NULL CHECK (JSON_VALID(executor_action)),
	executor_action_type	VARCHAR(64)	AS (JSON_VALUE(executor_action, '$.typ.type')) VIRTUAL,
	dropped			BOOLEAN		NOT NULL DEFAULT FALSE,
	before_head_commit	VARCHAR(64)	NULL,
	after_head_commit	VARCHAR(64)	NULL,
	KEY idx_execution_processes_status (status),
	KEY idx_execution_processes_run_reason (run_reason),
	KEY idx_execution_processes_attempt_created (task_attempt_id, created_at),
	KEY idx_execution_processes_attempt_type (task_attempt_id, executor_action_type, created_at),
	CONSTRAINT fk_execution_processes_attempt FOREIGN KEY (task_attempt_id)
		REFERENCES task_attempts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS executor_sessions (
	id			UUID		NOT NULL PRIMARY KEY,
	task_attempt_id		UUID		NOT NULL,
	execution_process_id	UUID		NOT NULL,
	session_id		VARCHAR(255)	NULL,
	prompt			MEDIUMTEXT	NULL,
	summary			MEDIUMTEXT	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY idx_executor_sessions_process (execution_process_id),
	KEY idx_executor_sessions_session (session_id),
	KEY idx_executor_sessions_attempt (task_attempt_id),
	CONSTRAINT fk_executor_sessions_attempt FOREIGN KEY (task_attempt_id)
		REFERENCES task_attempts (id) ON DELETE CASCADE,
	CONSTRAINT fk_executor_sessions_process FOREIGN KEY (execution_process_id)
		REFERENCES execution_processes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One JSON line (a LogMsg) per row; the surrogate key keeps the order stable.
CREATE TABLE IF NOT EXISTS execution_process_logs (
	id			BIGINT UNSIGNED	NOT NULL AUTO_INCREMENT PRIMARY KEY,
	execution_id		UUID		NOT NULL,
	logs			MEDIUMTEXT	NOT NULL,
	byte_size		BIGINT		NOT NULL,
	inserted_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	KEY idx_execution_process_logs_execution (execution_id, id),
	CONSTRAINT fk_execution_process_logs_process FOREIGN KEY (execution_id)
		REFERENCES execution_processes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS merges (
	id			UUID		NOT NULL PRIMARY KEY,
	task_attempt_id		UUID		NOT NULL,
	merge_type		ENUM('direct', 'pr') NOT NULL,
	merge_commit		VARCHAR(64)	NULL,
	pr_number		BIGINT		NULL,
	pr_url			VARCHAR(2048)	NULL,
	pr_status		ENUM('open', 'merged', 'closed') NULL,
	pr_merged_at		DATETIME(6)	NULL,
	pr_merge_commit_sha	VARCHAR(64)	NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	target_branch_name	VARCHAR(255)	NOT NULL,
	KEY idx_merges_attempt_created (task_attempt_id, created_at),
	KEY idx_merges_open_pr (merge_type, pr_status),
	CONSTRAINT chk_merges_shape CHECK (
		(merge_type = 'direct' AND merge_commit IS NOT NULL
		    AND pr_number IS NULL AND pr_url IS NULL)
		OR (merge_type = 'pr' AND pr_number IS NOT NULL
		    AND pr_url IS NOT NULL AND pr_status IS NOT NULL
		    AND merge_commit IS NULL)),
	CONSTRAINT fk_merges_attempt FOREIGN KEY (task_attempt_id)
		REFERENCES task_attempts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS images (
	id			UUID		NOT NULL PRIMARY KEY,
	file_path		VARCHAR(1024)	NOT NULL,
	original_name		VARCHAR(1024)	NOT NULL,
	mime_type		VARCHAR(255)	NULL,
	size_bytes		BIGINT		NULL,
	hash			CHAR(64)	NOT NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_images_hash (hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS task_images (
	id			UUID		NOT NULL PRIMARY KEY,
	task_id			UUID		NOT NULL,
	image_id		UUID		NOT NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_task_images (task_id, image_id),
	KEY idx_task_images_image (image_id),
	CONSTRAINT fk_task_images_task FOREIGN KEY (task_id)
		REFERENCES tasks (id) ON DELETE CASCADE,
	CONSTRAINT fk_task_images_image FOREIGN KEY (image_id)
		REFERENCES images (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Prompt snippets expanded as @tag_name; global, not per project.
CREATE TABLE IF NOT EXISTS tags (
	id			UUID		NOT NULL PRIMARY KEY,
	tag_name		VARCHAR(255)	NOT NULL,
	content			MEDIUMTEXT	NOT NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	CONSTRAINT chk_tags_name CHECK (tag_name <> '' AND tag_name NOT REGEXP '[[:space:]]'),
	CONSTRAINT chk_tags_content CHECK (content <> '')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS drafts (
	id			UUID		NOT NULL PRIMARY KEY,
	task_attempt_id		UUID		NOT NULL,
	draft_type		ENUM('follow_up', 'retry') NOT NULL,
	retry_process_id	UUID		NULL,
	prompt			MEDIUMTEXT	NOT NULL,
	queued			BOOLEAN		NOT NULL DEFAULT FALSE,
	sending			BOOLEAN		NOT NULL DEFAULT FALSE,
	version			BIGINT		NOT NULL DEFAULT 0,
	variant			VARCHAR(255)	NULL,
	image_ids		TEXT		NULL,
	created_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	updated_at		DATETIME(6)	NOT NULL DEFAULT UTC_TIMESTAMP(6),
	UNIQUE KEY uq_drafts_attempt_type (task_attempt_id, draft_type),
	KEY idx_drafts_queued (queued, sending),
	CONSTRAINT chk_drafts_retry CHECK (draft_type <> 'retry' OR retry_process_id IS NOT NULL),
	CONSTRAINT fk_drafts_attempt FOREIGN KEY (task_attempt_id)
		REFERENCES task_attempts (id) ON DELETE CASCADE,
	CONSTRAINT fk_drafts_retry_process FOREIGN KEY (retry_process_id)
		REFERENCES execution_processes (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
