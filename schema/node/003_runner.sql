-- 003_runner.sql: what a node needs to supervise runs it did not start in
-- the current worker: which swarm-runner owns an execution process, and
-- the process group of the command it runs (the stop route signals it).

ALTER TABLE execution_processes
	ADD COLUMN IF NOT EXISTS runner_pid INT NULL
		COMMENT 'pid of the swarm-runner that owns this process',
	ADD COLUMN IF NOT EXISTS runner_start BIGINT NULL
		COMMENT 'its start time (/proc stat field 22): tells a reused pid apart',
	ADD COLUMN IF NOT EXISTS runner_boot CHAR(36) NULL
		COMMENT 'boot id of the host when it started: no runner survives a reboot',
	ADD COLUMN IF NOT EXISTS pgid INT NULL
		COMMENT 'process group of the running command';

-- Runs still marked running are checked at start and whenever read.
CREATE INDEX IF NOT EXISTS idx_execution_processes_running
	ON execution_processes (status, runner_pid);
