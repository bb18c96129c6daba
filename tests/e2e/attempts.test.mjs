// attempts.test.mjs: task attempts end to end. POST /api/task-attempts makes
// a branch and worktree and starts a detached swarm-runner that runs the
// chain setup script -> coding agent -> cleanup script; these tests follow
// it through /api/execution-processes (list, get, raw and normalized logs,
// stop), /api/tasks and the repository.
//
// The agent is always the SCRIPT executor's stand-in,
// fixtures/script-agent.sh (tests/run.sh sets SWARM_SCRIPT_AGENT and
// SWARM_EXECUTORS_FILE=fixtures/executors-test.json, whose MISSING variant
// names a program that does not exist); no test runs a real coding agent.
// The stand-in obeys prompt lines WRITE path text, DELETE path, SLEEP s,
// FAIL code, and prints Claude-style stream-json.
//
// Every test uses a fresh repository and project. Files run one at a time
// and robustness.test.mjs counts worker connections after this one, so the
// file leaves no runner behind (after() stops and waits for them).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	SWARM_VAR, UUID_RE, api, assertRecent, assertTaskWithStatusShape, assertTimestamp,
	createProject, createTask, deleteProjectQuietly, fails, git, makeRepo, makeScratch, ok, pause,
	q, randomUuid, removeScratch, sql, sqlValue,
} from './lib/stack.mjs';
import { CANNOT_SIGNAL, childrenOf, cmdline, isAlive, nodeParent, waitFor } from './lib/procs.mjs';

const SCRIPT = { executor: 'SCRIPT' };
const MISSING = { executor: 'SCRIPT', variant: 'MISSING' };

const ATTEMPT_KEYS = ['id', 'task_id', 'container_ref', 'branch', 'target_branch', 'executor',
	'worktree_deleted', 'setup_completed_at', 'created_at', 'updated_at'];
const PROCESS_KEYS = ['id', 'task_attempt_id', 'run_reason', 'executor_action',
	'before_head_commit', 'after_head_commit', 'status', 'exit_code', 'dropped', 'started_at',
	'completed_at', 'created_at', 'updated_at'];
const SHA_RE = /^[0-9a-f]{40}$/;

let scratch;
let seq = 0;
const projects = [];
const attempts = [];

before(() => {
	scratch = makeScratch('attempts');
});

after(async () => {
	// Nothing of this file may run on: stop what is left, wait for the runners.
	for (const id of attempts) {
		try {
			await api('POST', `/api/task-attempts/${id}/stop`);
		} catch {
			/* best effort */
		}
	}
	if (attempts.length > 0) {
		const pids = runnerPids(attempts);
		await waitFor(() => pids.every((p) => !isAlive(p)), 10000);
	}
	for (const id of projects)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

/* ---------------------------------------------------------------- helpers */

/* A fresh repository (main, one commit) and a project on it. */
async function newProject(extra = {})
{
	const tag = `r${++seq}`;
	const repo = makeRepo(path.join(scratch, tag));
	fs.writeFileSync(path.join(repo, 'README.md'), `# ${tag}\n`);
	git(repo, 'add', '.');
	git(repo, 'commit', '-q', '-m', 'readme');
	const project = await createProject(repo, { name: `attempts ${tag}`, ...extra });
	projects.push(project.id);
	return { repo, project, base: git(repo, 'rev-parse', 'HEAD').trim() };
}

function attemptBody(taskId, profile = SCRIPT, extra = {})
{
	return { task_id: taskId, executor_profile_id: profile, base_branch: 'main', ...extra };
}

async function startAttempt(taskId, profile = SCRIPT)
{
	const a = ok(await api('POST', '/api/task-attempts', { json: attemptBody(taskId, profile) }));
	attempts.push(a.id);
	return a;
}

async function listProcesses(attemptId)
{
	return ok(await api('GET', `/api/execution-processes?task_attempt_id=${attemptId}`));
}

async function getTask(id)
{
	return ok(await api('GET', `/api/tasks/${id}`));
}

async function taskInList(projectId, taskId)
{
	const list = ok(await api('GET', `/api/tasks?project_id=${projectId}`));
	const t = list.find((x) => x.id === taskId);
	assert.ok(t, `task ${taskId} in GET /api/tasks?project_id=${projectId}`);
	return t;
}

/* Polls async fn every 100 ms until it returns something truthy; fails after ms. */
async function poll(fn, ms, what)
{
	const end = Date.now() + ms;
	let last;
	for (;;) {
		last = await fn();
		if (last)
			return last;
		if (Date.now() >= end)
			assert.fail(`timed out after ${ms} ms waiting for ${what}`);
		await pause(100);
	}
}

/* runner_pid of every process of the attempts (numbers). */
function runnerPids(attemptIds)
{
	const rows = sql('SELECT DISTINCT runner_pid FROM execution_processes WHERE runner_pid IS NOT NULL ' +
	    `AND task_attempt_id IN (${attemptIds.map(q).join(', ')})`);
	return rows.map((r) => Number(r[0]));
}

/*
 * The chain of an attempt is over: no process running and the task back in
 * review (between two processes of a chain none is running for a moment, so
 * the first alone does not mean the end), and its runner has exited.
 * Returns the processes, oldest first.
 */
async function waitChainDone(attempt, ms = 15000)
{
	const procs = await poll(async () => {
		const list = await listProcesses(attempt.id);
		if (list.length === 0 || list.some((p) => p.status === 'running'))
			return null;
		return (await getTask(attempt.task_id)).status === 'inreview' ? list : null;
	}, ms, `the chain of attempt ${attempt.id} to end`);
	const pids = runnerPids([attempt.id]);
	const gone = await waitFor(() => pids.every((p) => !isAlive(p)), 5000);
	assert.ok(gone, `runner of attempt ${attempt.id} still alive: ${pids}`);
	return procs;
}

/* The process of the attempt with run_reason, once it is running. */
async function waitRunning(attemptId, reason = 'codingagent', ms = 10000)
{
	return poll(async () => (await listProcesses(attemptId)).find((p) =>
	    p.run_reason === reason && p.status === 'running'), ms, `a running ${reason} process`);
}

/* Its pgid (the agent's process group) once the runner has spawned it. */
async function waitPgid(processId, ms = 10000)
{
	return poll(() => {
		const v = sqlValue(`SELECT IFNULL(pgid, 0) FROM execution_processes WHERE id = ${q(processId)}`);
		return Number(v) > 1 ? Number(v) : null;
	}, ms, `pgid of process ${processId}`);
}

/* Live processes whose process group is pgid. */
function groupMembers(pgid)
{
	const out = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^[0-9]+$/.test(name))
			continue;
		let s;
		try {
			s = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
		} catch {
			continue;
		}
		const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
		if (Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X')
			out.push(Number(name));
	}
	return out;
}

async function rawLogs(processId)
{
	return ok(await api('GET', `/api/execution-processes/${processId}/raw-logs`));
}

async function normalizedLogs(processId)
{
	return ok(await api('GET', `/api/execution-processes/${processId}/normalized-logs`));
}

/* Asserts {entries: [{Stdout}|{Stderr}], finished} and returns the entries. */
function assertRawShape(logs, what)
{
	assert.deepEqual(Object.keys(logs).sort(), ['entries', 'finished'], `${what}: keys`);
	assert.ok(Array.isArray(logs.entries), `${what}: entries is an array`);
	for (const e of logs.entries) {
		const k = Object.keys(e);
		assert.ok(k.length === 1 && (k[0] === 'Stdout' || k[0] === 'Stderr') &&
		    typeof e[k[0]] === 'string', `${what}: entry ${JSON.stringify(e)}`);
	}
	return logs.entries;
}

function assertAttemptShape(a)
{
	assert.deepEqual(Object.keys(a).sort(), [...ATTEMPT_KEYS].sort(), 'TaskAttempt field names');
	assert.match(a.id, UUID_RE);
	assert.match(a.task_id, UUID_RE);
	assert.equal(typeof a.container_ref, 'string');
	assert.equal(typeof a.branch, 'string');
	assert.equal(typeof a.target_branch, 'string');
	assert.equal(typeof a.executor, 'string');
	assert.equal(typeof a.worktree_deleted, 'boolean');
	assertTimestamp(a.setup_completed_at, 'setup_completed_at', { nullable: true });
	assertRecent(a.created_at, 'created_at');
	assertRecent(a.updated_at, 'updated_at');
}

function assertProcessShape(p, attemptId)
{
	assert.deepEqual(Object.keys(p).sort(), [...PROCESS_KEYS].sort(), 'ExecutionProcess field names');
	assert.match(p.id, UUID_RE);
	assert.equal(p.task_attempt_id, attemptId);
	assert.ok(['setupscript', 'cleanupscript', 'codingagent', 'devserver'].includes(p.run_reason),
	    `run_reason ${p.run_reason}`);
	assert.ok(['running', 'completed', 'failed', 'killed'].includes(p.status), `status ${p.status}`);
	assert.ok(p.exit_code === null || Number.isInteger(p.exit_code), `exit_code ${p.exit_code}`);
	assert.equal(p.dropped, false);
	assert.ok(p.executor_action && typeof p.executor_action === 'object', 'executor_action is an object');
	for (const f of ['before_head_commit', 'after_head_commit'])
		assert.ok(p[f] === null || SHA_RE.test(p[f]), `${f} ${p[f]}`);
	assertRecent(p.started_at, 'started_at');
	assertRecent(p.created_at, 'created_at');
	assertRecent(p.updated_at, 'updated_at');
	assertTimestamp(p.completed_at, 'completed_at', { nullable: p.status === 'running' });
}

/* The slug the branch and worktree names use, for plain ASCII titles. */
function slug(title)
{
	return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 16)
	    .replace(/-+$/, '');
}

function branchTip(repo, branch)
{
	return git(repo, 'rev-parse', `refs/heads/${branch}`).trim();
}

/* ------------------------------------------------------------- rejections */

/* Counts and checksums of the attempt tables. */
function attemptSnapshot()
{
	const rows = sql('SELECT (SELECT COUNT(*) FROM task_attempts), ' +
	    '(SELECT COUNT(*) FROM execution_processes), (SELECT COUNT(*) FROM executor_sessions), ' +
	    '(SELECT COUNT(*) FROM tasks); ' +
	    'CHECKSUM TABLE task_attempts, execution_processes, tasks EXTENDED');
	return { counts: rows[0].map(Number), checksums: rows.slice(1).map((r) => r.join(':')) };
}

function worktreeDirs()
{
	const d = SWARM_VAR ? path.join(SWARM_VAR, 'worktrees') : '';
	return d && fs.existsSync(d) ? fs.readdirSync(d).sort() : [];
}

describe('bad input changes nothing', () => {
	let ctx;
	let task;

	before(async () => {
		ctx = await newProject();
		task = await createTask(ctx.project.id, { title: 'never started', description: 'WRITE x.txt x' });
	});

	async function rejected(method, url, json, status, message)
	{
		const before = attemptSnapshot();
		const dirs = worktreeDirs();
		const branches = git(ctx.repo, 'branch', '--format=%(refname)');
		const res = await api(method, url, json === undefined ? {} : { json });
		fails(res, status, message);
		assert.deepEqual(attemptSnapshot(), before, `database changed after ${res.req} ${JSON.stringify(json)}`);
		assert.deepEqual(worktreeDirs(), dirs, `worktrees changed after ${res.req}`);
		assert.equal(git(ctx.repo, 'branch', '--format=%(refname)'), branches,
		    `branches changed after ${res.req}`);
	}

	test('POST /api/task-attempts: each bad body is rejected', async () => {
		const T = () => task.id;
		await rejected('POST', '/api/task-attempts', attemptBody(randomUuid()), 404, 'task not found');
		await rejected('POST', '/api/task-attempts', attemptBody('not-a-uuid'), 400,
		    "field 'task_id' must be a UUID");
		await rejected('POST', '/api/task-attempts', { base_branch: 'main', executor_profile_id: SCRIPT },
		    400, "field 'task_id' is required");
		await rejected('POST', '/api/task-attempts', { task_id: T(), base_branch: 'main' }, 400,
		    "field 'executor_profile_id' is required");
		await rejected('POST', '/api/task-attempts', attemptBody(T(), 'SCRIPT'), 400,
		    /^field 'executor_profile_id' must be an object/);
		await rejected('POST', '/api/task-attempts', attemptBody(T(), { executor: 'NO_SUCH_AGENT' }), 400,
		    /^field 'executor_profile_id': unknown executor 'NO_SUCH_AGENT'/);
		await rejected('POST', '/api/task-attempts', attemptBody(T(), { executor: 'SCRIPT', variant: 'NOPE' }),
		    400, /^field 'executor_profile_id': unknown variant 'NOPE'/);
		await rejected('POST', '/api/task-attempts', attemptBody(T(), { executor: 'SCRIPT', variant: 7 }),
		    400, "field 'executor_profile_id.variant' must be a string");
		await rejected('POST', '/api/task-attempts', { task_id: T(), executor_profile_id: SCRIPT }, 400,
		    "field 'base_branch' is required");
		await rejected('POST', '/api/task-attempts', { ...attemptBody(T()), base_branch: '' }, 400,
		    "field 'base_branch' must not be empty");
		await rejected('POST', '/api/task-attempts', { ...attemptBody(T()), base_branch: 'nope' }, 404,
		    "base branch 'nope' not found");
		await rejected('POST', '/api/task-attempts', { ...attemptBody(T()), target_node_id: randomUuid() },
		    400, /^field 'target_node_id'/);
		// The task was never started.
		assert.equal((await getTask(task.id)).status, 'todo');
		assert.deepEqual(ok(await api('GET', `/api/task-attempts?task_id=${task.id}`)), []);
	});

	test('process and attempt routes: missing or bad ids', async () => {
		const unknown = randomUuid();
		await rejected('GET', '/api/execution-processes', undefined, 400,
		    "query parameter 'task_attempt_id' is required");
		await rejected('GET', '/api/execution-processes?task_attempt_id=zz', undefined, 400,
		    "query parameter 'task_attempt_id' must be a UUID");
		await rejected('GET', `/api/execution-processes?task_attempt_id=${unknown}&show_soft_deleted=maybe`,
		    undefined, 400, "query parameter 'show_soft_deleted' must be true or false");
		for (const suffix of ['', '/raw-logs', '/normalized-logs'])
			await rejected('GET', `/api/execution-processes/${unknown}${suffix}`, undefined, 404,
			    'execution process not found');
		await rejected('POST', `/api/execution-processes/${unknown}/stop`, undefined, 404,
		    'execution process not found');
		await rejected('GET', `/api/task-attempts/${unknown}`, undefined, 404, 'task attempt not found');
		await rejected('POST', `/api/task-attempts/${unknown}/stop`, undefined, 404, 'task attempt not found');
		await rejected('GET', '/api/task-attempts/not-a-uuid', undefined, 400, 'invalid id');
		await rejected('GET', '/api/execution-processes/not-a-uuid', undefined, 400, 'invalid id');
		await rejected('GET', '/api/task-attempts?task_id=zz', undefined, 400,
		    "query parameter 'task_id' must be a UUID");
		// An attempt id nobody has: an empty list, as for a task without attempts.
		assert.deepEqual(ok(await api('GET', `/api/execution-processes?task_attempt_id=${unknown}`)), []);
	});
});

/* ------------------------------------------------------------ happy path */

describe('an attempt runs setup script, agent and cleanup script', () => {
	test('worktree, processes, commit, task status, logs and session', { timeout: 60000 }, async () => {
		const ctx = await newProject({ setup_script: 'echo setup-ran | tee setup.txt',
		    cleanup_script: 'echo cleanup-ran' });
		const title = 'Say Hello, World!';
		const description = 'SLEEP 2\nWRITE hello.txt hello world';
		const task = await createTask(ctx.project.id, { title, description });
		assert.equal(task.status, 'todo');

		const res = await api('POST', '/api/task-attempts', { json: attemptBody(task.id) });
		const a = ok(res);
		attempts.push(a.id);
		assertAttemptShape(a);
		assert.equal(a.task_id, task.id);
		assert.equal(a.target_branch, 'main');
		assert.equal(a.executor, 'SCRIPT');
		assert.equal(a.worktree_deleted, false);
		assert.equal(a.setup_completed_at, null);
		assert.equal(a.created_at, a.updated_at);
		const name = `${a.id.slice(0, 4)}-${slug(title)}`;
		assert.equal(name, `${a.id.slice(0, 4)}-say-hello-world`);
		assert.equal(a.branch, `vk/${name}`);
		assert.ok(path.isAbsolute(a.container_ref), `container_ref ${a.container_ref} is absolute`);
		assert.equal(path.basename(a.container_ref), name);
		if (SWARM_VAR)
			assert.equal(path.dirname(a.container_ref), path.join(SWARM_VAR, 'worktrees'));
		assert.ok(fs.statSync(a.container_ref).isDirectory(), 'the worktree exists');
		assert.equal(git(a.container_ref, 'branch', '--show-current').trim(), a.branch);
		assert.ok(git(ctx.repo, 'branch', '--list', a.branch).includes(a.branch),
		    'the branch is in the main repository');

		// GET /api/task-attempts/{id} and the task's list show the same attempt
		// (the setup script may have completed since: those fields move).
		const still = ({ setup_completed_at, updated_at, ...rest }) => rest;
		assert.deepEqual(still(ok(await api('GET', `/api/task-attempts/${a.id}`))), still(a));
		assert.deepEqual(ok(await api('GET', `/api/task-attempts?task_id=${task.id}`)).map(still), [still(a)]);
		assert.ok(ok(await api('GET', '/api/task-attempts')).some((x) => x.id === a.id),
		    'GET /api/task-attempts lists it');

		// While the agent sleeps: the task is in progress.
		await poll(async () => (await getTask(task.id)).status === 'inprogress', 5000,
		    'the task to go inprogress');
		// Between the setup script and the agent no process runs for a
		// moment: wait for the agent itself.
		await waitRunning(a.id);
		const running = await taskInList(ctx.project.id, task.id);
		assertTaskWithStatusShape(running);
		assert.equal(running.status, 'inprogress');
		assert.equal(running.has_in_progress_attempt, true, 'has_in_progress_attempt while running');
		assert.equal(running.executor, 'SCRIPT');

		const procs = await waitChainDone(a);
		assert.deepEqual(procs.map((p) => p.run_reason), ['setupscript', 'codingagent', 'cleanupscript']);
		for (const p of procs) {
			assertProcessShape(p, a.id);
			assert.equal(p.status, 'completed', `${p.run_reason} status`);
			assert.equal(p.exit_code, 0, `${p.run_reason} exit_code`);
			assert.ok(p.before_head_commit && p.after_head_commit, `${p.run_reason} head commits set`);
			assert.ok(p.completed_at >= p.started_at, `${p.run_reason} completed_at >= started_at`);
		}
		for (let i = 1; i < procs.length; i++)
			assert.ok(procs[i].created_at >= procs[i - 1].completed_at,
			    `${procs[i].run_reason} started after ${procs[i - 1].run_reason} ended`);
		const [setup, agent, cleanup] = procs;

		// The actions: the chain as the original stores it.
		assert.deepEqual(setup.executor_action.typ, { type: 'ScriptRequest',
		    script: 'echo setup-ran | tee setup.txt', language: 'Bash', context: 'SetupScript' });
		assert.deepEqual(setup.executor_action.next_action, agent.executor_action);
		assert.deepEqual(agent.executor_action.typ, { type: 'CodingAgentInitialRequest',
		    prompt: `${title}\n\n${description}`, executor_profile_id: { executor: 'SCRIPT' } });
		assert.deepEqual(agent.executor_action.next_action, cleanup.executor_action);
		assert.deepEqual(cleanup.executor_action, { typ: { type: 'ScriptRequest',
		    script: 'echo cleanup-ran', language: 'Bash', context: 'CleanupScript' }, next_action: null });

		// Heads: the agent's commit is the only new one, on the attempt branch.
		const tip = branchTip(ctx.repo, a.branch);
		assert.equal(setup.before_head_commit, ctx.base);
		assert.equal(setup.after_head_commit, ctx.base);
		assert.equal(agent.before_head_commit, ctx.base);
		assert.equal(agent.after_head_commit, tip);
		assert.notEqual(tip, ctx.base, 'the agent committed');
		assert.equal(cleanup.before_head_commit, tip);
		assert.equal(cleanup.after_head_commit, tip, 'the cleanup script changed nothing to commit');
		assert.deepEqual(git(ctx.repo, 'log', '--format=%s', a.branch).trim().split('\n'),
		    ['Done: wrote hello.txt;', 'readme', 'init']);
		assert.equal(git(ctx.repo, 'rev-parse', `${tip}^`).trim(), ctx.base);
		assert.equal(git(ctx.repo, 'show', `${a.branch}:hello.txt`), 'hello world\n');
		assert.equal(git(ctx.repo, 'show', `${a.branch}:setup.txt`), 'setup-ran\n',
		    'the setup script ran in the worktree and its file went into the commit');
		assert.equal(fs.readFileSync(path.join(a.container_ref, 'hello.txt'), 'utf8'), 'hello world\n');
		assert.equal(git(a.container_ref, 'status', '--porcelain'), '', 'nothing left uncommitted');
		assert.equal(branchTip(ctx.repo, 'main'), ctx.base, 'main is untouched');

		// The task: in review, no attempt running, the last one did not fail.
		assert.equal((await getTask(task.id)).status, 'inreview');
		const done = await taskInList(ctx.project.id, task.id);
		assertTaskWithStatusShape(done);
		assert.equal(done.status, 'inreview');
		assert.equal(done.executor, 'SCRIPT');
		assert.equal(done.has_in_progress_attempt, false);
		assert.equal(done.last_attempt_failed, false);

		// GET /api/execution-processes/{id} is the list's element.
		for (const p of procs)
			assert.deepEqual(ok(await api('GET', `/api/execution-processes/${p.id}`)), p);

		// Raw logs.
		const setupLogs = await rawLogs(setup.id);
		assert.equal(setupLogs.finished, true);
		assert.deepEqual(assertRawShape(setupLogs, 'setup raw logs'), [{ Stdout: 'setup-ran\n' }]);
		const cleanupLogs = await rawLogs(cleanup.id);
		assert.deepEqual(assertRawShape(cleanupLogs, 'cleanup raw logs'), [{ Stdout: 'cleanup-ran\n' }]);
		const agentLogs = await rawLogs(agent.id);
		assert.equal(agentLogs.finished, true);
		const lines = assertRawShape(agentLogs, 'agent raw logs').map((e) => {
			assert.ok('Stdout' in e, `agent wrote only stdout: ${JSON.stringify(e)}`);
			assert.ok(e.Stdout.endsWith('\n'), 'each entry is a line with its newline');
			return JSON.parse(e.Stdout);
		});
		assert.deepEqual(lines.map((l) => l.type), ['system', 'assistant', 'assistant', 'result']);
		const sessionId = lines[0].session_id;
		assert.match(sessionId, UUID_RE);
		assert.equal(lines[0].cwd, a.container_ref, 'the agent ran in the worktree');
		assert.equal(lines[3].result, 'Done: wrote hello.txt;');

		// Normalized logs: the assistant messages.
		const norm = await normalizedLogs(agent.id);
		assert.deepEqual(Object.keys(norm).sort(), ['entries', 'finished']);
		assert.equal(norm.finished, true);
		for (const e of norm.entries) {
			assert.equal(e.type, 'NORMALIZED_ENTRY', JSON.stringify(e));
			assert.equal(typeof e.content.entry_type.type, 'string', JSON.stringify(e));
			assert.equal(typeof e.content.content, 'string', JSON.stringify(e));
		}
		const said = norm.entries.filter((e) => e.content.entry_type.type === 'assistant_message')
		    .map((e) => e.content.content);
		assert.deepEqual(said, ['I wrote hello.txt', 'Done: wrote hello.txt;']);
		const setupNorm = await normalizedLogs(setup.id);
		assert.ok(setupNorm.entries.some((e) => e.content.content === 'setup-ran'),
		    `setup output normalized: ${JSON.stringify(setupNorm)}`);

		// executor_sessions: the session id the agent printed, the prompt, the summary.
		const rows = sql('SELECT HEX(session_id), HEX(prompt), HEX(summary), ' +
		    'CAST(task_attempt_id AS CHAR) FROM executor_sessions ' +
		    `WHERE execution_process_id = ${q(agent.id)}`);
		assert.equal(rows.length, 1, 'one executor_sessions row for the agent');
		const hex = (v) => Buffer.from(v, 'hex').toString('utf8');
		assert.equal(hex(rows[0][0]), sessionId);
		assert.equal(hex(rows[0][1]), `${title}\n\n${description}`);
		assert.equal(hex(rows[0][2]), 'Done: wrote hello.txt;');
		assert.equal(rows[0][3], a.id);
		assert.equal(Number(sqlValue('SELECT COUNT(*) FROM executor_sessions WHERE ' +
		    `task_attempt_id = ${q(a.id)}`)), 1, 'no session rows for the scripts');

		// show_soft_deleted=true lists the same (nothing was dropped).
		assert.deepEqual(ok(await api('GET',
		    `/api/execution-processes?task_attempt_id=${a.id}&show_soft_deleted=true`)), procs);
	});

	test('an agent that changes nothing skips the cleanup script', { timeout: 30000 }, async () => {
		const ctx = await newProject({ setup_script: 'echo setup-ran', cleanup_script: 'echo cleanup-ran' });
		const task = await createTask(ctx.project.id, { title: 'just talk', description: 'no changes please' });
		const a = await startAttempt(task.id);
		const procs = await waitChainDone(a);
		assert.deepEqual(procs.map((p) => [p.run_reason, p.status, p.exit_code]),
		    [['setupscript', 'completed', 0], ['codingagent', 'completed', 0]]);
		assert.equal(procs[1].before_head_commit, ctx.base);
		assert.equal(procs[1].after_head_commit, ctx.base);
		assert.equal(branchTip(ctx.repo, a.branch), ctx.base, 'no commit on the branch');
		const t = await taskInList(ctx.project.id, task.id);
		assert.equal(t.status, 'inreview');
		assert.equal(t.last_attempt_failed, false);
		assert.equal(t.has_in_progress_attempt, false);
	});

	test('changes made by the cleanup script get a commit of their own', { timeout: 30000 }, async () => {
		const ctx = await newProject({ cleanup_script: 'echo tidy > tidy.txt' });
		const task = await createTask(ctx.project.id, { title: 'tidy up', description: 'WRITE a.txt a' });
		const a = await startAttempt(task.id);
		const procs = await waitChainDone(a);
		assert.deepEqual(procs.map((p) => [p.run_reason, p.status, p.exit_code]),
		    [['codingagent', 'completed', 0], ['cleanupscript', 'completed', 0]]);
		const tip = branchTip(ctx.repo, a.branch);
		assert.equal(procs[1].before_head_commit, procs[0].after_head_commit);
		assert.equal(procs[1].after_head_commit, tip);
		assert.deepEqual(git(ctx.repo, 'log', '--format=%s', a.branch).trim().split('\n'),
		    [`Cleanup script changes for task attempt ${a.id}`, 'Done: wrote a.txt;', 'readme', 'init']);
		assert.equal(git(ctx.repo, 'show', `${a.branch}:tidy.txt`), 'tidy\n');
	});
});

/* --------------------------------------------------------------- failures */

describe('failures end the chain', () => {
	test('setup script exits 3: no agent, the process failed with 3, task in review',
	    { timeout: 30000 }, async () => {
		const ctx = await newProject({ setup_script: 'echo about to fail; exit 3',
		    cleanup_script: 'echo cleanup-ran' });
		const task = await createTask(ctx.project.id, { title: 'setup fails', description: 'WRITE a.txt a' });
		const a = await startAttempt(task.id);
		const procs = await waitChainDone(a);
		assert.deepEqual(procs.map((p) => [p.run_reason, p.status, p.exit_code]),
		    [['setupscript', 'failed', 3]]);
		assertProcessShape(procs[0], a.id);
		assert.deepEqual(assertRawShape(await rawLogs(procs[0].id), 'setup raw logs'),
		    [{ Stdout: 'about to fail\n' }]);
		assert.equal(branchTip(ctx.repo, a.branch), ctx.base);
		assert.ok(!fs.existsSync(path.join(a.container_ref, 'a.txt')), 'the agent did not run');
		const t = await taskInList(ctx.project.id, task.id);
		assert.equal(t.status, 'inreview');
		assert.equal(t.last_attempt_failed, true);
		assert.equal(t.has_in_progress_attempt, false);
	});

	test('agent exits 2: failed with 2, no auto-commit, no cleanup, last_attempt_failed',
	    { timeout: 30000 }, async () => {
		const ctx = await newProject({ cleanup_script: 'echo cleanup-ran' });
		const task = await createTask(ctx.project.id, { title: 'agent fails',
		    description: 'WRITE partial.txt half done\nFAIL 2' });
		const a = await startAttempt(task.id);
		const procs = await waitChainDone(a);
		assert.deepEqual(procs.map((p) => [p.run_reason, p.status, p.exit_code]),
		    [['codingagent', 'failed', 2]]);
		assert.equal(procs[0].after_head_commit, ctx.base, 'no commit after a failed agent');
		assert.equal(branchTip(ctx.repo, a.branch), ctx.base);
		assert.equal(fs.readFileSync(path.join(a.container_ref, 'partial.txt'), 'utf8'), 'half done\n',
		    'the agent ran; its work is left uncommitted');
		assert.match(git(a.container_ref, 'status', '--porcelain'), /partial\.txt/);
		const logs = assertRawShape(await rawLogs(procs[0].id), 'agent raw logs');
		assert.ok(logs.some((e) => e.Stderr === 'script-agent: failing with 2 as asked\n'),
		    `stderr kept: ${JSON.stringify(logs)}`);
		const t = await taskInList(ctx.project.id, task.id);
		assert.equal(t.status, 'inreview');
		assert.equal(t.last_attempt_failed, true);
		assert.equal(t.has_in_progress_attempt, false);
		assert.equal(t.executor, 'SCRIPT');
	});

	test('agent program missing: fails at once, the log says setup is required',
	    { timeout: 30000 }, async () => {
		const ctx = await newProject({ cleanup_script: 'echo cleanup-ran' });
		const task = await createTask(ctx.project.id, { title: 'no agent', description: 'WRITE a.txt a' });
		const t0 = Date.now();
		const a = await startAttempt(task.id, MISSING);
		assert.equal(a.executor, 'SCRIPT');
		const procs = await waitChainDone(a, 5000);
		assert.ok(Date.now() - t0 < 5000, `failed within 5 s (${Date.now() - t0} ms)`);
		assert.deepEqual(procs.map((p) => [p.run_reason, p.status, p.exit_code]),
		    [['codingagent', 'failed', null]]);
		assert.deepEqual(procs[0].executor_action.typ.executor_profile_id, MISSING);
		const logs = assertRawShape(await rawLogs(procs[0].id), 'raw logs');
		const text = logs.map((e) => e.Stderr ?? '').join('');
		assert.match(text, /swarm-agent-that-does-not-exist/);
		assert.match(text, /command not found/);
		assert.match(text, /[Ss]etup required/);
		const norm = await normalizedLogs(procs[0].id);
		assert.ok(norm.entries.some((e) => e.content.entry_type.type === 'error_message' &&
		    e.content.entry_type.error_type?.type === 'setup_required' &&
		    /command not found/.test(e.content.content)), `setup_required entry: ${JSON.stringify(norm)}`);
		assert.equal(branchTip(ctx.repo, a.branch), ctx.base);
		const t = await taskInList(ctx.project.id, task.id);
		assert.equal(t.status, 'inreview');
		assert.equal(t.last_attempt_failed, true);
	});
});

/* -------------------------------------------------------------------- stop */

describe('stop', () => {
	/* Checks a stopped agent: killed, its group gone, the chain over. */
	async function assertStopped(a, proc, pgid)
	{
		const killed = await poll(async () => {
			const p = ok(await api('GET', `/api/execution-processes/${proc.id}`));
			return p.status !== 'running' ? p : null;
		}, 6000, 'the process to stop');
		assert.equal(killed.status, 'killed');
		assert.equal(killed.exit_code, null);
		assert.ok(killed.completed_at, 'completed_at set');
		const gone = await waitFor(() => groupMembers(pgid).length === 0, 6000);
		assert.ok(gone, `agent process group ${pgid} still alive: ${groupMembers(pgid)}`);
		const procs = await waitChainDone(a, 6000);
		assert.equal(procs.filter((p) => p.status === 'running').length, 0);
		assert.equal(procs.find((p) => p.id === proc.id).status, 'killed', 'the runner kept killed');
		assert.ok(!procs.some((p) => p.run_reason === 'cleanupscript'), 'no cleanup after a stop');
		assert.equal((await getTask(a.task_id)).status, 'inreview');
	}

	test('POST /api/execution-processes/{id}/stop, then /api/task-attempts/{id}/stop',
	    { timeout: 40000 }, async () => {
		const ctx = await newProject({ cleanup_script: 'echo cleanup-ran' });
		const t1 = await createTask(ctx.project.id, { title: 'stop me', description: 'SLEEP 60\nWRITE late.txt x' });
		const t2 = await createTask(ctx.project.id, { title: 'stop us', description: 'SLEEP 60\nWRITE late.txt x' });
		const a1 = await startAttempt(t1.id);
		const a2 = await startAttempt(t2.id);

		// Stop once the agent runs (its pgid is known). A stop that lands
		// while the runner is still starting is not covered here: see the
		// report on the race between claiming and spawning.
		const p1 = await waitRunning(a1.id);
		const g1 = await waitPgid(p1.id);
		assert.ok(groupMembers(g1).length > 0, 'premise: the agent runs');
		const t0 = Date.now();
		const res = await api('POST', `/api/execution-processes/${p1.id}/stop`);
		assert.equal(ok(res), null);
		await assertStopped(a1, p1, g1);
		assert.ok(Date.now() - t0 < 6000, `stopped within 6 s (${Date.now() - t0} ms)`);
		assert.ok(!fs.existsSync(path.join(a1.container_ref, 'late.txt')));
		const l1 = await taskInList(ctx.project.id, t1.id);
		assert.equal(l1.has_in_progress_attempt, false);
		assert.equal(l1.last_attempt_failed, true, 'a killed process counts as failed');

		// Stopping it again: 200 null, and it stays killed.
		assert.equal(ok(await api('POST', `/api/execution-processes/${p1.id}/stop`)), null);
		assert.equal(ok(await api('GET', `/api/execution-processes/${p1.id}`)).status, 'killed');

		// The other attempt ran on meanwhile; stop it by attempt.
		const p2 = await waitRunning(a2.id);
		assert.equal(p2.status, 'running', 'the second attempt was not stopped by the first stop');
		const g2 = await waitPgid(p2.id);
		const t1s = Date.now();
		assert.equal(ok(await api('POST', `/api/task-attempts/${a2.id}/stop`)), null);
		await assertStopped(a2, p2, g2);
		assert.ok(Date.now() - t1s < 6000, `stopped within 6 s (${Date.now() - t1s} ms)`);
		// Stopping an attempt with nothing running is fine too.
		assert.equal(ok(await api('POST', `/api/task-attempts/${a2.id}/stop`)), null);
	});
});

/* ------------------------------------------------------ runs and workers */

describe('runs outlive the workers', { skip: CANNOT_SIGNAL }, () => {
	test('SIGKILL to every worker while the agent runs: the run completes and commits',
	    { timeout: 40000 }, async () => {
		const ctx = await newProject();
		const task = await createTask(ctx.project.id, { title: 'survive',
		    description: 'SLEEP 3\nWRITE survived.txt still here' });
		const { pid: parent, workers } = nodeParent();
		const initial = await waitFor(() => {
			const c = childrenOf(parent);
			return c.length === workers ? c : null;
		}, 5000);
		assert.ok(initial, `premise: ${workers} workers under ${parent}, found ${childrenOf(parent)}`);

		const a = await startAttempt(task.id);
		const proc = await waitRunning(a.id);
		await waitPgid(proc.id);	/* claimed by its runner and spawned */
		const runners = runnerPids([a.id]);
		assert.equal(runners.length, 1, 'one runner');
		assert.ok(!initial.includes(runners[0]), 'the runner is not a worker');
		for (const w of initial)
			process.kill(w, 'SIGKILL');
		const dead = await waitFor(() => initial.every((w) => !isAlive(w)), 5000);
		assert.ok(dead, 'workers died');
		const back = await waitFor(() => {
			const c = childrenOf(parent);
			return c.length === workers && c.every((w) => !initial.includes(w)) ? c : null;
		}, 10000);
		assert.ok(back, `workers not back to ${workers} within 10 s: ${childrenOf(parent)}`);
		assert.ok(isAlive(runners[0]), 'the runner survived the workers');

		const procs = await waitChainDone(a);
		assert.deepEqual(procs.map((p) => [p.run_reason, p.status, p.exit_code]),
		    [['codingagent', 'completed', 0]]);
		assert.equal(procs[0].id, proc.id);
		assert.equal(git(ctx.repo, 'log', '-1', '--format=%s', a.branch).trim(), 'Done: wrote survived.txt;');
		assert.equal(git(ctx.repo, 'show', `${a.branch}:survived.txt`), 'still here\n');
		assert.equal((await getTask(task.id)).status, 'inreview');
	});

	test('a runner killed with its agent: the next read marks the process failed',
	    { timeout: 40000 }, async () => {
		const ctx = await newProject({ cleanup_script: 'echo cleanup-ran' });
		const task = await createTask(ctx.project.id, { title: 'orphan', description: 'SLEEP 60' });
		const a = await startAttempt(task.id);
		const proc = await waitRunning(a.id);
		const pgid = await waitPgid(proc.id);
		const runner = Number(sqlValue(`SELECT runner_pid FROM execution_processes WHERE id = ${q(proc.id)}`));
		assert.ok(cmdline(runner).includes('swarm-runner'), `pid ${runner} is swarm-runner: ${cmdline(runner)}`);
		assert.ok(cmdline(runner).includes(proc.id), `the runner of this chain: ${cmdline(runner)}`);
		assert.ok(groupMembers(pgid).length > 0, `premise: agent group ${pgid} alive`);
		assert.ok(!groupMembers(pgid).includes(runner), 'the runner is not in the agent group');

		process.kill(runner, 'SIGKILL');
		process.kill(-pgid, 'SIGKILL');
		assert.ok(await waitFor(() => !isAlive(runner) && groupMembers(pgid).length === 0, 5000),
		    'runner and agent gone');
		const p = ok(await api('GET', `/api/execution-processes/${proc.id}`));
		assert.equal(p.status, 'failed', 'GET reaps the orphaned process');
		assert.ok(p.completed_at, 'completed_at set');
		const t = await getTask(task.id);
		assert.equal(t.status, 'inreview');
		const procs = await listProcesses(a.id);
		assert.deepEqual(procs.map((x) => [x.run_reason, x.status]), [['codingagent', 'failed']]);
		const l = await taskInList(ctx.project.id, task.id);
		assert.equal(l.has_in_progress_attempt, false);
		assert.equal(l.last_attempt_failed, true);
	});
});

describe('follow-up', () => {
	test('resumes the session, commits on the branch; a retry resets and drops', { timeout: 60000 }, async () => {
		const ctx = await newProject();
		const task = await createTask(ctx.project.id, { title: 'follow me', description: 'WRITE one.txt 1' });
		const a = await startAttempt(task.id);
		const first = await waitChainDone(a);
		const agent1 = first.find((p) => p.run_reason === 'codingagent');
		const sid = sql(`SELECT session_id FROM executor_sessions WHERE execution_process_id = ${q(agent1.id)}`)[0][0];
		assert.match(sid, /^[0-9a-f-]{36}$/);

		// A follow-up resumes that session and adds a commit.
		const fu = ok(await api('POST', `/api/task-attempts/${a.id}/follow-up`, { json: { prompt: 'WRITE two.txt 2' } }));
		assertProcessShape(fu, a.id);
		assert.equal(fu.run_reason, 'codingagent');
		assert.equal(fu.executor_action.typ.type, 'CodingAgentFollowUpRequest');
		assert.equal(fu.executor_action.typ.session_id, sid);
		await waitChainDone(a);
		const log = git(ctx.repo, 'log', '--format=%s', a.branch).trim().split('\n');
		assert.equal(log[0], 'Done: wrote two.txt;');
		assert.equal(log[1], 'Done: wrote one.txt;');
		const sids = sql('SELECT es.session_id FROM executor_sessions es JOIN execution_processes ep ' +
		    `ON ep.id = es.execution_process_id WHERE ep.task_attempt_id = ${q(a.id)}`).map((r) => r[0]);
		assert.deepEqual(sids, [sid, sid], 'the agent kept its session');

		// While a process runs, another follow-up is refused.
		const slow = ok(await api('POST', `/api/task-attempts/${a.id}/follow-up`, { json: { prompt: 'SLEEP 2' } }));
		const busy = await api('POST', `/api/task-attempts/${a.id}/follow-up`, { json: { prompt: 'WRITE x.txt x' } });
		assert.equal(busy.status, 409, busy.text);
		await waitChainDone(a);
		assert.ok(slow.id);

		// A retry of the first agent run: worktree back to its start, later runs dropped.
		const retry = ok(await api('POST', `/api/task-attempts/${a.id}/follow-up`,
		    { json: { prompt: 'WRITE three.txt 3', retry_process_id: agent1.id } }));
		await waitChainDone(a);
		const wt = a.container_ref;
		assert.ok(fs.existsSync(path.join(wt, 'three.txt')));
		assert.ok(!fs.existsSync(path.join(wt, 'one.txt')), 'reset to before the first run');
		assert.ok(!fs.existsSync(path.join(wt, 'two.txt')));
		const visible = await listProcesses(a.id);
		assert.deepEqual(visible.map((p) => p.id), [retry.id], 'earlier runs are dropped from the history');
		const all = ok(await api('GET', `/api/execution-processes?task_attempt_id=${a.id}&show_soft_deleted=true`));
		assert.equal(all.filter((p) => p.dropped).length, 3);

		// Bad input changes nothing.
		const before = sql(`SELECT COUNT(*) FROM execution_processes WHERE task_attempt_id = ${q(a.id)}`)[0][0];
		for (const [body, status] of [[{}, 400], [{ prompt: '' }, 400], [{ prompt: 1 }, 400],
		    [{ prompt: 'x', retry_process_id: 'nope' }, 400],
		    [{ prompt: 'x', retry_process_id: '00000000-0000-4000-8000-000000000000' }, 404],
		    [{ prompt: 'x', variant: 'NOPE' }, 400]]) {
			const r = await api('POST', `/api/task-attempts/${a.id}/follow-up`, { json: body });
			assert.equal(r.status, status, `${JSON.stringify(body)} -> ${r.status} ${r.text}`);
		}
		const r = await api('POST', '/api/task-attempts/00000000-0000-4000-8000-000000000000/follow-up',
		    { json: { prompt: 'x' } });
		assert.equal(r.status, 404);
		assert.equal(sql(`SELECT COUNT(*) FROM execution_processes WHERE task_attempt_id = ${q(a.id)}`)[0][0], before);
	});
});

describe('worktrees do not outlive their use', () => {
	test('a task set done or deleted loses its worktrees; the work is in a snapshot ref', { timeout: 60000 }, async () => {
		const ctx = await newProject();
		const t1 = await createTask(ctx.project.id, { title: 'finish me', description: 'WRITE f.txt f' });
		const a1 = await startAttempt(t1.id);
		await waitChainDone(a1);
		fs.writeFileSync(path.join(a1.container_ref, 'wip.txt'), 'work in progress\n');
		ok(await api('PUT', `/api/tasks/${t1.id}`, { json: { status: 'done' } }));
		assert.ok(!fs.existsSync(a1.container_ref), 'worktree of a done task removed');
		assert.equal(git(ctx.repo, 'show', `refs/swarm/snapshots/${a1.id}:wip.txt`), 'work in progress\n');
		assert.equal(branchTip(ctx.repo, a1.branch).length, 40, 'the branch stays');
		assert.equal(ok(await api('GET', `/api/task-attempts/${a1.id}`)).worktree_deleted, true);

		const t2 = await createTask(ctx.project.id, { title: 'delete me', description: 'WRITE d.txt d' });
		const a2 = await startAttempt(t2.id);
		await waitChainDone(a2);
		fs.writeFileSync(path.join(a2.container_ref, 'unsaved.txt'), 'unsaved\n');
		const del = await api('DELETE', `/api/tasks/${t2.id}`);
		assert.equal(del.status, 202, del.text);
		assert.ok(!fs.existsSync(a2.container_ref), 'worktree of a deleted task removed');
		assert.equal(git(ctx.repo, 'show', `refs/swarm/snapshots/${a2.id}:unsaved.txt`), 'unsaved\n');
	});
});

describe('worktree quota', () => {
	test('past SWARM_WORKTREE_QUOTA_MB (100 in tests) a new attempt gets 507 and nothing changes', { timeout: 30000 }, async () => {
		const ctx = await newProject();
		const task = await createTask(ctx.project.id, { title: 'over quota', description: 'WRITE q.txt q' });
		// 110 MiB of real blocks under the worktree root.
		const filler = path.join(SWARM_VAR, 'worktrees', 'zz-quota-filler.bin');
		fs.mkdirSync(path.dirname(filler), { recursive: true });
		const fd = fs.openSync(filler, 'w');
		const mib = Buffer.alloc(1024 * 1024, 0x61);
		try {
			for (let i = 0; i < 110; i++)
				fs.writeSync(fd, mib);
		} finally {
			fs.closeSync(fd);
		}
		try {
			const before = attemptSnapshot();
			const r = await api('POST', '/api/task-attempts', { json: attemptBody(task.id) });
			assert.equal(r.status, 507, r.text);
			assert.match(r.json.message, /^worktree disk quota exceeded: \d+ MB used of 100 MB/);
			assert.deepEqual(attemptSnapshot(), before, 'nothing written');
		} finally {
			fs.rmSync(filler, { force: true });
		}
		// Below the quota again, attempts start.
		const a = await startAttempt(task.id);
		await waitChainDone(a);
	});
});

describe('task relationships', () => {
	test('GET /api/task-attempts/{id}/children: parent, attempt and subtasks', { timeout: 30000 }, async () => {
		const ctx = await newProject();
		const parent = await createTask(ctx.project.id, { title: 'parent', description: 'no changes' });
		const child = await createTask(ctx.project.id, { title: 'child', parent_task_id: parent.id });
		const a = await startAttempt(parent.id);
		await waitChainDone(a);
		const rel = ok(await api('GET', `/api/task-attempts/${a.id}/children`));
		assert.equal(rel.parent_task, null);
		assert.equal(rel.current_attempt.id, a.id);
		assert.deepEqual(rel.children.map((t) => t.id), [child.id]);
		const b = await startAttempt(child.id);
		await waitChainDone(b);
		const rel2 = ok(await api('GET', `/api/task-attempts/${b.id}/children`));
		assert.equal(rel2.parent_task.id, parent.id);
		assert.deepEqual(rel2.children, []);
		const r = await api('GET', '/api/task-attempts/00000000-0000-4000-8000-000000000000/children');
		assert.equal(r.status, 404);
	});
});

describe('project delete during a run', () => {
	test('409 while an agent runs; after a stop it deletes, worktrees snapshotted', { timeout: 40000 }, async () => {
		const ctx = await newProject();
		const task = await createTask(ctx.project.id, { title: 'long run', description: 'WRITE x.txt x\nSLEEP 30' });
		const a = await startAttempt(task.id);
		const proc = await waitRunning(a.id);
		const before = attemptSnapshot();
		const r = await api('DELETE', `/api/projects/${ctx.project.id}`);
		assert.equal(r.status, 409, r.text);
		assert.match(r.json.message, /^Project has running execution processes/);
		// (The runner may add its session row meanwhile: compare the rest.)
		const after = attemptSnapshot().counts;
		assert.deepEqual([after[0], after[1], after[3]], [before.counts[0], before.counts[1], before.counts[3]],
		    'nothing deleted');
		assert.equal(sqlValue(`SELECT COUNT(*) FROM projects WHERE id = ${q(ctx.project.id)}`), '1');
		ok(await api('POST', `/api/execution-processes/${proc.id}/stop`));
		await waitChainDone(a);
		ok(await api('DELETE', `/api/projects/${ctx.project.id}`));
		assert.ok(!fs.existsSync(a.container_ref), 'worktree removed with the project');
		assert.equal(git(ctx.repo, 'show', `refs/swarm/snapshots/${a.id}:x.txt`), 'x\n');
	});
});
