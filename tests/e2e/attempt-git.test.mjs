// attempt-git.test.mjs: the git routes of a task attempt, driven end to end
// with the SCRIPT executor (tests/e2e/fixtures/script-agent.sh):
// branch-status, merge, rebase, conflicts/abort, push and push/force,
// rename-branch, change-target-branch, commit-info, commit-compare, the
// worktree's files, and worktree recreation after it was removed.
//
// Every test makes its own repository (git init -b main, a seed commit), a
// project, a task whose description holds WRITE lines for the stand-in
// agent, and an attempt on main; it waits until the agent's process has
// finished (the runner commits the agent's work before it marks the process
// done), then checks the routes against what the git CLI sees.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import {
	UUID_RE, api, createProject, createTask, deleteProjectQuietly, fails, git, makeScratch, ok,
	pause, q, randomUuid, removeScratch, sql,
} from './lib/stack.mjs';

const WAIT_MS = 20000;
const TRAVERSAL = 'Path traversal not allowed';
const REBASE_IN_PROGRESS = 'A rebase is already in progress. Resolve conflicts or abort the ' +
    'rebase, then retry.';
const REBASING_RENAME = 'Cannot rename branch while rebase is in progress. Please complete ' +
    'or abort the rebase first.';
const BRANCH_STATUS_KEYS = ['commits_behind', 'commits_ahead', 'has_uncommitted_changes',
	'head_oid', 'uncommitted_count', 'untracked_count', 'target_branch_name',
	'remote_commits_behind', 'remote_commits_ahead', 'merges', 'is_rebase_in_progress',
	'conflict_op', 'conflicted_files'];
const DIRECT_MERGE_KEYS = ['type', 'id', 'task_attempt_id', 'merge_commit',
	'target_branch_name', 'created_at'];
const SHA_RE = /^[0-9a-f]{40}$/;

let scratch;
let seq = 0;
const projects = [];

before(() => {
	scratch = makeScratch('attempt-git');
});

after(async () => {
	for (const id of projects)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

/* ------------------------------------------------------------- helpers */

/* git output, trimmed. */
function g(dir, ...args)
{
	return git(dir, ...args).trim();
}

/* Whether a git command succeeds (exit 0). */
function gitOk(dir, ...args)
{
	const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', timeout: 20000 });
	if (r.error)
		throw r.error;
	return r.status === 0;
}

/* Runs git (with an identity) and returns {status, out}; never throws on exit status. */
function gitTry(dir, ...args)
{
	const r = spawnSync('git', ['-C', dir, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args],
	    { encoding: 'utf8', timeout: 20000, env: { ...process.env, GIT_EDITOR: 'true' } });
	if (r.error)
		throw r.error;
	return { status: r.status, out: r.stdout + r.stderr };
}

function writeFile(dir, rel, text)
{
	const f = path.join(dir, rel);
	fs.mkdirSync(path.dirname(f), { recursive: true });
	fs.writeFileSync(f, text);
}

/* Commit a file on the checked-out branch of dir; returns the new tip. */
function commitFile(dir, rel, text, msg = `change ${rel}`)
{
	writeFile(dir, rel, text);
	git(dir, 'add', '--', rel);
	git(dir, 'commit', '-q', '-m', msg);
	return g(dir, 'rev-parse', 'HEAD');
}

/* Polls async fn until it returns a truthy value; fails after ms. */
async function until(fn, what, ms = WAIT_MS)
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

const aurl = (att, suffix = '') => `/api/task-attempts/${att.id}${suffix}`;

async function getAttempt(att)
{
	return ok(await api('GET', aurl(att)));
}

async function branchStatus(att)
{
	const bs = ok(await api('GET', aurl(att, '/branch-status')));
	assert.deepEqual(Object.keys(bs).sort(), [...BRANCH_STATUS_KEYS].sort(),
	    `BranchStatus field names: ${JSON.stringify(bs)}`);
	return bs;
}

/* A POST with no body at all. */
function post(att, suffix, opts = {})
{
	return api('POST', aurl(att, suffix), opts);
}

/*
 * Starts an attempt of task on base with the SCRIPT executor and waits until
 * its agent (the only process: no setup or cleanup script) has finished; the
 * runner has committed the agent's work by then. Returns the attempt.
 */
async function runAttempt(task, base)
{
	const att = ok(await api('POST', '/api/task-attempts', { json: {
		task_id: task.id, executor_profile_id: { executor: 'SCRIPT' }, base_branch: base } }));
	assert.match(att.id, UUID_RE);
	assert.equal(att.target_branch, base);
	assert.equal(typeof att.branch, 'string');
	assert.equal(typeof att.container_ref, 'string');
	const procs = await until(async () => {
		const res = await api('GET', `/api/execution-processes?task_attempt_id=${att.id}`);
		const list = ok(res);
		return list.length > 0 && list.every((p) => p.status !== 'running') ? list : null;
	}, `the agent of attempt ${att.id} to finish`);
	assert.deepEqual(procs.map((p) => p.status), ['completed'],
	    `agent processes: ${JSON.stringify(procs.map((p) => [p.run_reason, p.status, p.exit_code]))}`);
	return att;
}

/*
 * A fresh repository with a seed commit (README.md, shared.txt), a project
 * on it, a task whose description has `lines` (default: the agent writes
 * agent.txt and changes shared.txt) and an attempt on main run to the end.
 * Returns {dir, repo, proj, task, att, wt, branch, base} where base is
 * main's tip when the attempt started.
 */
async function setup({ lines, title } = {})
{
	const n = ++seq;
	const dir = path.join(scratch, `t${n}`);
	const repo = path.join(dir, 'repo');
	fs.mkdirSync(repo, { recursive: true });
	git(repo, 'init', '-q', '-b', 'main');
	writeFile(repo, 'README.md', '# seed\n');
	writeFile(repo, 'shared.txt', 'base line\n');
	git(repo, 'add', '-A');
	git(repo, 'commit', '-q', '-m', 'seed');
	const base = g(repo, 'rev-parse', 'main');

	const proj = await createProject(repo, { name: `attempt-git ${n}` });
	projects.push(proj.id);
	const description = (lines || ['WRITE agent.txt hello from agent',
		'WRITE shared.txt agent line']).join('\n');
	const task = await createTask(proj.id, { title: title || `Git task ${n}`, description });
	const att = await runAttempt(task, 'main');
	const wt = att.container_ref;
	assert.ok(fs.existsSync(path.join(wt, '.git')), `worktree ${wt} exists`);
	// The agent's work is one commit on the attempt branch.
	assert.equal(g(repo, 'rev-list', '--count', `main..${att.branch}`), '1',
	    'the agent made one commit');
	assert.equal(g(wt, 'status', '--porcelain'), '', 'the worktree is clean after the agent');
	return { dir, repo, proj, task, att, wt, branch: att.branch, base, description };
}

/* `git branch --list <name>`, names only. */
function branchList(repo, name)
{
	return g(repo, 'branch', '--list', '--format=%(refname:short)', name);
}

function isAncestor(repo, a, b)
{
	return gitOk(repo, 'merge-base', '--is-ancestor', a, b);
}

function rebaseDirExists(wt)
{
	for (const d of ['rebase-merge', 'rebase-apply']) {
		const p = g(wt, 'rev-parse', '--git-path', d);
		if (fs.existsSync(path.isAbsolute(p) ? p : path.join(wt, p)))
			return true;
	}
	return false;
}

/* Counts of `git status --porcelain` lines: [tracked changes, untracked]. */
function porcelainCounts(wt)
{
	const lines = git(wt, 'status', '--porcelain').split('\n').filter((l) => l.length > 0);
	return [lines.filter((l) => !l.startsWith('??')).length,
		lines.filter((l) => l.startsWith('??')).length];
}

/* Makes the attempt's rebase onto main conflict: main changes shared.txt too. */
function conflictOnMain(s)
{
	return commitFile(s.repo, 'shared.txt', 'main line\n', 'main edits shared.txt');
}

/* --------------------------------------------------------- branch-status */

describe('GET /api/task-attempts/{id}/branch-status', () => {
	test('every field after the agent, behind after main moves, worktree changes counted', async () => {
		const s = await setup();
		let bs = await branchStatus(s.att);
		assert.equal(bs.commits_ahead, 1);
		assert.equal(bs.commits_behind, 0);
		assert.equal(bs.has_uncommitted_changes, false);
		assert.equal(bs.uncommitted_count, 0);
		assert.equal(bs.untracked_count, 0);
		assert.match(bs.head_oid, SHA_RE);
		assert.equal(bs.head_oid, g(s.wt, 'rev-parse', 'HEAD'));
		assert.equal(bs.head_oid, g(s.repo, 'rev-parse', s.branch));
		assert.equal(bs.target_branch_name, 'main');
		assert.equal(bs.remote_commits_behind, null);
		assert.equal(bs.remote_commits_ahead, null);
		assert.deepEqual(bs.merges, []);
		assert.equal(bs.is_rebase_in_progress, false);
		assert.equal(bs.conflict_op, null);
		assert.deepEqual(bs.conflicted_files, []);

		// main moves on in the repository.
		commitFile(s.repo, 'main-only.txt', 'on main\n');
		bs = await branchStatus(s.att);
		assert.equal(bs.commits_behind, 1);
		assert.equal(bs.commits_ahead, 1);
		commitFile(s.repo, 'main-only2.txt', 'on main again\n');
		assert.equal((await branchStatus(s.att)).commits_behind, 2);

		// Local changes in the worktree: a modified and a staged file,
		// two untracked ones.
		const head = g(s.wt, 'rev-parse', 'HEAD');
		writeFile(s.wt, 'agent.txt', 'edited by hand\n');
		writeFile(s.wt, 'staged.txt', 'staged\n');
		git(s.wt, 'add', 'staged.txt');
		writeFile(s.wt, 'untracked-1.txt', 'u1\n');
		writeFile(s.wt, 'untracked-2.txt', 'u2\n');
		assert.deepEqual(porcelainCounts(s.wt), [2, 2]);
		bs = await branchStatus(s.att);
		assert.equal(bs.has_uncommitted_changes, true);
		assert.equal(bs.uncommitted_count, 2);
		assert.equal(bs.untracked_count, 2);
		assert.equal(bs.head_oid, head, 'HEAD did not move');
		assert.equal(bs.commits_ahead, 1, 'uncommitted work is not counted as commits');

		// Untracked files alone do not make the worktree dirty.
		git(s.wt, 'reset', '-q', '--hard');
		bs = await branchStatus(s.att);
		assert.equal(bs.has_uncommitted_changes, false);
		assert.equal(bs.uncommitted_count, 0);
		assert.equal(bs.untracked_count, 2);
	});

	test('unknown attempt -> 404, invalid id -> 400 on every git route', async () => {
		const routes = [['GET', '/branch-status'], ['POST', '/merge'], ['POST', '/push'],
			['POST', '/push/force'], ['POST', '/rebase'], ['POST', '/conflicts/abort'],
			['POST', '/rename-branch', { new_branch_name: 'x' }],
			['POST', '/change-target-branch', { new_target_branch: 'main' }],
			['GET', `/commit-info?sha=${'ab'.repeat(20)}`], ['GET', `/commit-compare?sha=${'ab'.repeat(20)}`],
			['GET', '/files'], ['GET', '/files/README.md']];
		for (const [method, suffix, json] of routes) {
			const opts = json ? { json } : {};
			fails(await api(method, `/api/task-attempts/${randomUuid()}${suffix}`, opts), 404,
			    'task attempt not found');
			fails(await api(method, `/api/task-attempts/nope${suffix}`, opts), 400, 'invalid id');
		}
	});
	test('conflict_op and conflicted_files for a git merge, cherry-pick and revert; abort ends each', async () => {
		const s = await setup();
		const mainTip = conflictOnMain(s);
		const tip = g(s.repo, 'rev-parse', s.branch);
		const cases = [
			['merge', ['merge', '--no-edit', 'main'], 'MERGE_HEAD'],
			['cherry_pick', ['cherry-pick', mainTip], 'CHERRY_PICK_HEAD'],
			['revert', ['revert', '--no-edit', s.base], 'REVERT_HEAD'],
		];
		for (const [op, args, head] of cases) {
			const r = gitTry(s.wt, ...args);
			assert.notEqual(r.status, 0, `git ${args.join(' ')} conflicts: ${r.out}`);
			assert.ok(gitOk(s.wt, 'rev-parse', '-q', '--verify', head), `${head} exists`);
			let bs = await branchStatus(s.att);
			assert.equal(bs.is_rebase_in_progress, false, op);
			assert.equal(bs.conflict_op, op);
			assert.deepEqual(bs.conflicted_files, ['shared.txt'], op);
			assert.equal(bs.has_uncommitted_changes, true, op);
			assert.equal(bs.head_oid, tip, op);

			assert.equal(ok(await post(s.att, '/conflicts/abort')), null, op);
			assert.ok(!gitOk(s.wt, 'rev-parse', '-q', '--verify', head), `${op}: ${head} gone after abort`);
			assert.equal(g(s.wt, 'status', '--porcelain'), '', `${op}: worktree clean after abort`);
			assert.equal(g(s.wt, 'rev-parse', 'HEAD'), tip, `${op}: HEAD unchanged`);
			bs = await branchStatus(s.att);
			assert.equal(bs.conflict_op, null, op);
			assert.deepEqual(bs.conflicted_files, [], op);
			assert.equal(bs.has_uncommitted_changes, false, op);
		}
	});
});

/* ---------------------------------------------------------------- merge */

describe('POST /api/task-attempts/{id}/merge', () => {
	let merged = null;

	test('squash commit on main with the original message; task done; merge recorded', async () => {
		const s = await setup({ title: 'Merge me please' });
		const mainBefore = g(s.repo, 'rev-parse', 'main');
		const listed = ok(await api('GET', `/api/tasks?project_id=${s.proj.id}`)).find((t) => t.id === s.task.id);
		assert.equal(listed.has_merged_attempt, false, 'not merged yet');
		const res = await post(s.att, '/merge');
		assert.equal(ok(res), null);

		const tip = g(s.repo, 'rev-parse', 'main');
		assert.notEqual(tip, mainBefore, 'main moved');
		// One new commit whose only parent is the old main tip.
		assert.equal(g(s.repo, 'rev-list', '--parents', '-n', '1', 'main'), `${tip} ${mainBefore}`);
		const subject = `Merge me please (vibe-kanban ${s.task.id.slice(0, 8)})`;
		assert.equal(g(s.repo, 'log', '-1', '--format=%s', 'main'), subject);
		assert.equal(git(s.repo, 'log', '-1', '--format=%B', 'main').replace(/\n+$/, ''),
		    `${subject}\n\n${s.description}`);
		// main's tree is the agent's work.
		assert.equal(git(s.repo, 'show', 'main:agent.txt'), 'hello from agent\n');
		assert.equal(git(s.repo, 'show', 'main:shared.txt'), 'agent line\n');
		assert.equal(g(s.repo, 'rev-parse', 'main^{tree}'), g(s.repo, 'rev-parse', `${s.branch}^{tree}`));
		// main is checked out in the repository: its files follow.
		assert.equal(fs.readFileSync(path.join(s.repo, 'agent.txt'), 'utf8'), 'hello from agent\n');
		assert.equal(g(s.repo, 'status', '--porcelain'), '', 'the main checkout is clean');
		// The attempt branch continues from the merged state.
		assert.equal(g(s.repo, 'rev-parse', s.branch), tip);

		// The task is done and shows a merged attempt.
		const task = ok(await api('GET', `/api/tasks/${s.task.id}`));
		assert.equal(task.status, 'done');
		const list = ok(await api('GET', `/api/tasks?project_id=${s.proj.id}`));
		const row = list.find((t) => t.id === s.task.id);
		assert.ok(row, 'the task is listed');
		assert.equal(row.has_merged_attempt, true);
		assert.equal(row.status, 'done');

		// The merges row in MariaDB.
		const rows = sql('SELECT merge_type, merge_commit, target_branch_name, ' +
		    'IFNULL(pr_number, \'NULL\'), IFNULL(pr_url, \'NULL\') FROM merges ' +
		    `WHERE task_attempt_id = ${q(s.att.id)}`);
		assert.deepEqual(rows, [['direct', tip, 'main', 'NULL', 'NULL']]);

		// branch-status lists it: {type:"direct", ...} and nothing ahead now.
		const bs = await branchStatus(s.att);
		assert.equal(bs.merges.length, 1);
		const m = bs.merges[0];
		assert.equal(m.type, 'direct');
		assert.match(m.id, UUID_RE);
		assert.equal(m.task_attempt_id, s.att.id);
		assert.equal(m.merge_commit, tip);
		assert.equal(m.target_branch_name, 'main');
		assert.match(m.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
		merged = { att: s.att, merge: m };
		assert.equal(bs.commits_ahead, 0);
		assert.equal(bs.commits_behind, 0);
		assert.equal(bs.has_uncommitted_changes, false);
		assert.equal(bs.head_oid, tip);

		// Merging again: nothing to merge -> 409, nothing changes.
		const again = await post(s.att, '/merge');
		fails(again, 409);
		assert.equal(again.json.error_data, null, again.text);
		assert.equal(g(s.repo, 'rev-parse', 'main'), tip);
		assert.equal(sql(`SELECT COUNT(*) FROM merges WHERE task_attempt_id = ${q(s.att.id)}`)[0][0], '1');
	});

	test('a direct Merge in branch-status has exactly the original\'s fields (no pr_* keys)', async (t) => {
		if (!merged)
			return t.skip('the merge test did not get that far');
		const bs = await branchStatus(merged.att);
		const m = bs.merges[0];
		assert.deepEqual(Object.keys(m).sort(), [...DIRECT_MERGE_KEYS].sort(),
		    `direct Merge field names: ${JSON.stringify(m)}`);
	});

	test('main moved on -> 409 (diverged), main and the task unchanged', async () => {
		const s = await setup();
		const moved = commitFile(s.repo, 'main-only.txt', 'on main\n');
		const before = ok(await api('GET', `/api/tasks/${s.task.id}`));
		const res = await post(s.att, '/merge');
		fails(res, 409, /base branch 'main' is 1 commits ahead/);
		assert.equal(res.json.error_data, null, res.text);
		assert.equal(g(s.repo, 'rev-parse', 'main'), moved, 'main unchanged');
		assert.equal(g(s.repo, 'status', '--porcelain'), '');
		assert.equal(g(s.repo, 'rev-list', '--count', `main..${s.branch}`), '1', 'branch unchanged');
		const task = ok(await api('GET', `/api/tasks/${s.task.id}`));
		assert.equal(task.status, before.status);
		assert.notEqual(task.status, 'done');
		assert.equal(sql(`SELECT COUNT(*) FROM merges WHERE task_attempt_id = ${q(s.att.id)}`)[0][0], '0');
		assert.deepEqual((await branchStatus(s.att)).merges, []);
	});

	test('conflicting change on main -> 409 merge_conflicts (op merge), nothing written', async () => {
		const s = await setup();
		const moved = conflictOnMain(s);
		const branchTip = g(s.repo, 'rev-parse', s.branch);
		const res = await post(s.att, '/merge');
		fails(res, 409);
		const e = res.json.error_data;
		assert.ok(e && typeof e === 'object', `error_data: ${res.text}`);
		assert.equal(e.type, 'merge_conflicts');
		assert.equal(e.op, 'merge');
		assert.equal(typeof e.message, 'string');
		assert.ok(e.message.length > 0);
		assert.equal(g(s.repo, 'rev-parse', 'main'), moved, 'main unchanged');
		assert.equal(g(s.repo, 'rev-parse', s.branch), branchTip, 'branch unchanged');
		assert.equal(g(s.repo, 'status', '--porcelain'), '', 'no conflict markers in the main checkout');
		assert.equal(g(s.wt, 'status', '--porcelain'), '', 'no conflict markers in the worktree');
		assert.equal(sql(`SELECT COUNT(*) FROM merges WHERE task_attempt_id = ${q(s.att.id)}`)[0][0], '0');
		assert.notEqual(ok(await api('GET', `/api/tasks/${s.task.id}`)).status, 'done');
	});
	test('the main checkout: staged changes -> 409 and kept; an unrelated edit survives a merge', async () => {
		const s = await setup();
		const mainBefore = g(s.repo, 'rev-parse', 'main');
		writeFile(s.repo, 'staged-on-main.txt', 'staged\n');
		git(s.repo, 'add', 'staged-on-main.txt');
		const res = await post(s.att, '/merge');
		fails(res, 409);
		assert.equal(res.json.error_data, null, res.text);
		assert.equal(g(s.repo, 'rev-parse', 'main'), mainBefore, 'main unchanged');
		assert.equal(g(s.repo, 'diff', '--cached', '--name-only'), 'staged-on-main.txt', 'staged change kept');
		assert.equal(sql(`SELECT COUNT(*) FROM merges WHERE task_attempt_id = ${q(s.att.id)}`)[0][0], '0');

		// Unstage it; an unstaged edit of a file the branch does not touch
		// is kept while the merge updates the checkout.
		git(s.repo, 'reset', '-q');
		fs.rmSync(path.join(s.repo, 'staged-on-main.txt'));
		writeFile(s.repo, 'README.md', '# seed, edited locally\n');
		assert.equal(ok(await post(s.att, '/merge')), null);
		assert.notEqual(g(s.repo, 'rev-parse', 'main'), mainBefore);
		assert.equal(fs.readFileSync(path.join(s.repo, 'README.md'), 'utf8'), '# seed, edited locally\n');
		assert.equal(fs.readFileSync(path.join(s.repo, 'agent.txt'), 'utf8'), 'hello from agent\n');
		assert.equal(g(s.repo, 'status', '--porcelain'), 'M README.md');
	});
	test('a merge removes the worktree; uncommitted work is kept in a snapshot ref', async () => {
		const s = await setup();
		writeFile(s.wt, 'agent.txt', 'uncommitted edit\n');
		writeFile(s.wt, 'untracked.txt', 'untracked\n');
		assert.equal(ok(await post(s.att, '/merge')), null);
		assert.equal(git(s.repo, 'show', 'main:agent.txt'), 'hello from agent\n', 'the committed content');
		assert.ok(!gitOk(s.repo, 'cat-file', '-e', 'main:untracked.txt'), 'untracked file not merged');
		// The worktree is gone, its work saved under refs/swarm/snapshots/<attempt>.
		assert.ok(!fs.existsSync(s.wt), 'worktree removed after the merge');
		const snap = `refs/swarm/snapshots/${s.att.id}`;
		assert.equal(git(s.repo, 'show', `${snap}:agent.txt`), 'uncommitted edit\n');
		assert.equal(git(s.repo, 'show', `${snap}:untracked.txt`), 'untracked\n');
		assert.equal(ok(await api('GET', `/api/task-attempts/${s.att.id}`)).worktree_deleted, true);
		// The next git route recreates it from the branch (the squash commit).
		const bs = await branchStatus(s.att);
		assert.ok(fs.existsSync(path.join(s.wt, 'agent.txt')));
		assert.equal(bs.has_uncommitted_changes, false);
		assert.equal(bs.untracked_count, 0);
		assert.equal(bs.head_oid, g(s.repo, 'rev-parse', 'main'), 'the branch moved to the squash commit');
		assert.equal(ok(await api('GET', `/api/task-attempts/${s.att.id}`)).worktree_deleted, false);
	});

	test('concurrent merges of one attempt: one squash commit, recorded, the others 409', async () => {
		// Three rounds, each with a fresh attempt in the same repository:
		// the race does not show every time.
		const s = await setup();
		for (let round = 1; round <= 3; round++) {
			const task = round === 1 ? s.task : await createTask(s.proj.id, { title: `race ${round}`,
				description: `WRITE race-${round}.txt round ${round}` });
			const att = round === 1 ? s.att : await runAttempt(task, 'main');
			const mainBefore = g(s.repo, 'rev-parse', 'main');
			const replies = await Promise.all([1, 2, 3, 4].map(() => post(att, '/merge')));
			const all = `round ${round}:\n` + replies.map((r) => `${r.status} ${r.text}`).join('\n');
			// The state first: one squash commit on main, and it is recorded.
			assert.equal(g(s.repo, 'rev-list', '--count', `${mainBefore}..main`), '1',
			    `one squash commit on main; replies ${all}`);
			const rows = sql(`SELECT merge_commit FROM merges WHERE task_attempt_id = ${q(att.id)}`);
			assert.deepEqual(rows, [[g(s.repo, 'rev-parse', 'main')]],
			    `the commit on main is recorded once; replies ${all}`);
			assert.equal(g(s.repo, 'status', '--porcelain'), '', `the main checkout is clean; replies ${all}`);
			assert.equal(ok(await api('GET', `/api/tasks/${task.id}`)).status, 'done', all);
			// Then the replies: one success, the others refused as conflicts.
			assert.equal(replies.filter((r) => r.status === 200).length, 1, `one success; replies ${all}`);
			for (const r of replies.filter((x) => x.status !== 200))
				assert.equal(r.status, 409, `the others are 409; replies ${all}`);
		}
	});
});

/* --------------------------------------------------------------- rebase */

describe('POST /api/task-attempts/{id}/rebase', () => {
	test('no body, null body and {new_base_branch}: the branch is rebased onto main each time', async () => {
		const s = await setup();
		const bodies = [
			['no body', {}],
			['null body', { json: null }],
			['{new_base_branch:"main"}', { json: { new_base_branch: 'main' } }],
			['{} body', { json: {} }],
		];
		let i = 0;
		for (const [what, opts] of bodies) {
			const moved = commitFile(s.repo, `main-${++i}.txt`, `main ${i}\n`);
			assert.equal((await branchStatus(s.att)).commits_behind, 1, `${what}: behind before`);
			const before = g(s.repo, 'rev-parse', s.branch);
			assert.equal(ok(await post(s.att, '/rebase', opts)), null, what);
			const after = g(s.repo, 'rev-parse', s.branch);
			assert.notEqual(after, before, `${what}: the branch was rewritten`);
			assert.ok(isAncestor(s.repo, moved, s.branch), `${what}: branch contains main's commit`);
			assert.equal(g(s.wt, 'rev-parse', 'HEAD'), after, `${what}: worktree HEAD follows`);
			assert.equal(g(s.wt, 'symbolic-ref', 'HEAD'), `refs/heads/${s.branch}`,
			    `${what}: worktree stays on the branch`);
			assert.equal(g(s.wt, 'status', '--porcelain'), '', `${what}: worktree clean`);
			assert.equal(fs.readFileSync(path.join(s.wt, `main-${i}.txt`), 'utf8'), `main ${i}\n`);
			assert.equal(fs.readFileSync(path.join(s.wt, 'agent.txt'), 'utf8'), 'hello from agent\n');
			const bs = await branchStatus(s.att);
			assert.equal(bs.commits_behind, 0, `${what}: behind after`);
			assert.equal(bs.commits_ahead, 1, `${what}: ahead after`);
			assert.equal(bs.head_oid, after);
			assert.equal(bs.is_rebase_in_progress, false);
			assert.equal((await getAttempt(s.att)).target_branch, 'main');
		}
		// The agent's commit kept its message and author.
		assert.equal(g(s.repo, 'rev-list', '--count', `main..${s.branch}`), '1');
	});

	test('{new_base_branch:"dev"}: onto another branch, which becomes the target', async () => {
		const s = await setup();
		git(s.repo, 'branch', 'dev', 'main');
		git(s.repo, 'checkout', '-q', 'dev');
		const devTip = commitFile(s.repo, 'dev.txt', 'dev\n');
		git(s.repo, 'checkout', '-q', 'main');
		assert.equal(ok(await post(s.att, '/rebase', { json: { new_base_branch: 'dev' } })), null);
		assert.ok(isAncestor(s.repo, devTip, s.branch), 'branch contains dev');
		assert.equal((await getAttempt(s.att)).target_branch, 'dev');
		const bs = await branchStatus(s.att);
		assert.equal(bs.target_branch_name, 'dev');
		assert.equal(bs.commits_ahead, 1);
		assert.equal(bs.commits_behind, 0);
	});

	test('conflict -> 409 merge_conflicts (op rebase), in progress; again -> rebase_in_progress; abort', async () => {
		const s = await setup();
		conflictOnMain(s);
		const tip = g(s.repo, 'rev-parse', s.branch);
		const res = await post(s.att, '/rebase');
		fails(res, 409);
		const e = res.json.error_data;
		assert.ok(e && typeof e === 'object', `error_data: ${res.text}`);
		assert.equal(e.type, 'merge_conflicts');
		assert.equal(e.op, 'rebase');
		assert.equal(typeof e.message, 'string');
		assert.match(e.message, /shared\.txt/);

		// The rebase is left in progress, as the git CLI sees it too.
		assert.ok(rebaseDirExists(s.wt), 'git sees a rebase in progress');
		assert.equal(g(s.wt, 'diff', '--name-only', '--diff-filter=U'), 'shared.txt');
		assert.match(fs.readFileSync(path.join(s.wt, 'shared.txt'), 'utf8'), /^<<<<<<< /m);
		let bs = await branchStatus(s.att);
		assert.equal(bs.is_rebase_in_progress, true);
		assert.equal(bs.conflict_op, 'rebase');
		assert.deepEqual(bs.conflicted_files, ['shared.txt']);
		assert.equal(bs.has_uncommitted_changes, true);

		// A second rebase is refused.
		const again = await post(s.att, '/rebase');
		fails(again, 409, REBASE_IN_PROGRESS);
		assert.deepEqual(again.json.error_data, { type: 'rebase_in_progress' });

		// So is a rename.
		fails(await post(s.att, '/rename-branch', { json: { new_branch_name: 'renamed-mid-rebase' } }),
		    409, REBASING_RENAME);
		assert.equal((await getAttempt(s.att)).branch, s.branch);

		// Abort: the rebase is gone, the branch and worktree are as before.
		assert.equal(ok(await post(s.att, '/conflicts/abort')), null);
		assert.ok(!rebaseDirExists(s.wt), 'no rebase in progress after abort');
		assert.equal(g(s.wt, 'status', '--porcelain'), '', 'worktree clean after abort');
		assert.equal(g(s.wt, 'symbolic-ref', 'HEAD'), `refs/heads/${s.branch}`);
		assert.equal(g(s.repo, 'rev-parse', s.branch), tip, 'branch back where it was');
		assert.equal(fs.readFileSync(path.join(s.wt, 'shared.txt'), 'utf8'), 'agent line\n');
		bs = await branchStatus(s.att);
		assert.equal(bs.is_rebase_in_progress, false);
		assert.equal(bs.conflict_op, null);
		assert.deepEqual(bs.conflicted_files, []);
		assert.equal(bs.has_uncommitted_changes, false);
		assert.equal(bs.uncommitted_count, 0);
		assert.equal(bs.untracked_count, 0);
		assert.equal(bs.head_oid, tip);
		assert.equal(bs.commits_behind, 1);

		// Abort with nothing in progress is a no-op.
		assert.equal(ok(await post(s.att, '/conflicts/abort')), null);
		assert.equal(g(s.repo, 'rev-parse', s.branch), tip);
	});

	test('unknown new_base_branch -> 404, target unchanged', async () => {
		const s = await setup();
		const tip = g(s.repo, 'rev-parse', s.branch);
		fails(await post(s.att, '/rebase', { json: { new_base_branch: 'nope' } }), 404,
		    "Branch 'nope' does not exist in the repository");
		assert.equal((await getAttempt(s.att)).target_branch, 'main');
		assert.equal(g(s.repo, 'rev-parse', s.branch), tip);
		fails(await post(s.att, '/rebase', { json: { new_base_branch: '' } }), 400,
		    "field 'new_base_branch' must not be empty");
		fails(await post(s.att, '/rebase', { json: { new_base_branch: 7 } }), 400,
		    "field 'new_base_branch' must be a string");
		assert.equal((await getAttempt(s.att)).target_branch, 'main');
	});

	test('dirty worktree -> 409, nothing rewritten', async () => {
		const s = await setup();
		commitFile(s.repo, 'main-only.txt', 'on main\n');
		const tip = g(s.repo, 'rev-parse', s.branch);
		writeFile(s.wt, 'agent.txt', 'uncommitted edit\n');
		fails(await post(s.att, '/rebase'), 409);
		assert.equal(g(s.repo, 'rev-parse', s.branch), tip);
		assert.equal(fs.readFileSync(path.join(s.wt, 'agent.txt'), 'utf8'), 'uncommitted edit\n');
		assert.ok(!rebaseDirExists(s.wt));
		// Untracked files alone do not block it, and are kept.
		git(s.wt, 'checkout', '-q', '--', 'agent.txt');
		writeFile(s.wt, 'scratch-notes.txt', 'mine\n');
		assert.equal(ok(await post(s.att, '/rebase')), null);
		assert.equal(g(s.repo, 'rev-list', '--count', `${s.branch}..main`), '0');
		assert.equal(fs.readFileSync(path.join(s.wt, 'scratch-notes.txt'), 'utf8'), 'mine\n');
	});
	test('concurrent rebases of one attempt: one consistent result, no server error', async () => {
		const s = await setup();
		for (let round = 1; round <= 3; round++) {
			const moved = commitFile(s.repo, `main-${round}.txt`, `on main ${round}\n`);
			const replies = await Promise.all([1, 2, 3, 4].map(() => post(s.att, '/rebase')));
			const all = `round ${round}:\n` + replies.map((r) => `${r.status} ${r.text}`).join('\n');
			// The state first.
			assert.ok(!rebaseDirExists(s.wt), `no rebase left in progress; replies ${all}`);
			assert.equal(g(s.wt, 'symbolic-ref', 'HEAD'), `refs/heads/${s.branch}`,
			    `on the branch; replies ${all}`);
			assert.equal(g(s.wt, 'status', '--porcelain'), '', `worktree clean; replies ${all}`);
			assert.ok(isAncestor(s.repo, moved, s.branch), `branch contains main; replies ${all}`);
			assert.equal(g(s.repo, 'rev-list', '--count', `main..${s.branch}`), '1',
			    `the agent commit once; replies ${all}`);
			const bs = await branchStatus(s.att);
			assert.deepEqual([bs.commits_ahead, bs.commits_behind, bs.is_rebase_in_progress],
			    [1, 0, false], all);
			// Then the replies: done (200) or refused while another runs (409).
			assert.ok(replies.some((r) => r.status === 200), `one rebase succeeds; replies ${all}`);
			for (const r of replies)
				assert.ok(r.status === 200 || r.status === 409, `200 or 409 only; replies ${all}`);
		}
	});
	test('a conflicted rebase can be finished with the git CLI (add + rebase --continue)', async () => {
		const s = await setup();
		const moved = conflictOnMain(s);
		fails(await post(s.att, '/rebase'), 409);
		writeFile(s.wt, 'shared.txt', 'resolved line\n');
		git(s.wt, 'add', 'shared.txt');
		const r = gitTry(s.wt, 'rebase', '--continue');
		assert.equal(r.status, 0, `git rebase --continue: ${r.out}`);
		assert.ok(!rebaseDirExists(s.wt));
		assert.equal(g(s.wt, 'symbolic-ref', 'HEAD'), `refs/heads/${s.branch}`);
		assert.ok(isAncestor(s.repo, moved, s.branch), 'branch contains main');
		assert.equal(git(s.repo, 'show', `${s.branch}:shared.txt`), 'resolved line\n');
		assert.equal(git(s.repo, 'show', `${s.branch}:agent.txt`), 'hello from agent\n');
		const bs = await branchStatus(s.att);
		assert.deepEqual([bs.commits_ahead, bs.commits_behind, bs.is_rebase_in_progress, bs.conflict_op],
		    [1, 0, false, null]);
		// And now it merges.
		assert.equal(ok(await post(s.att, '/merge')), null);
		assert.equal(git(s.repo, 'show', 'main:shared.txt'), 'resolved line\n');
	});
});

/* ----------------------------------------------------------------- push */

describe('POST /api/task-attempts/{id}/push and /push/force', () => {
	test('to a local bare remote; rewritten history -> force_push_required; force push', async () => {
		const s = await setup();
		const bare = path.join(s.dir, 'remote.git');
		git(s.dir, 'init', '-q', '--bare', '-b', 'main', bare);
		git(s.repo, 'remote', 'add', 'origin', bare);

		const tip = g(s.repo, 'rev-parse', s.branch);
		assert.equal(ok(await post(s.att, '/push')), null);
		assert.equal(g(bare, 'rev-parse', `refs/heads/${s.branch}`), tip, 'the branch is in the remote');
		assert.equal(g(s.repo, 'rev-parse', `refs/remotes/origin/${s.branch}`), tip,
		    'remote-tracking branch set');
		// Pushing again is a no-op success.
		assert.equal(ok(await post(s.att, '/push')), null);

		// Rewrite the branch: main moves on and the attempt is rebased.
		commitFile(s.repo, 'main-only.txt', 'on main\n');
		assert.equal(ok(await post(s.att, '/rebase')), null);
		const rebased = g(s.repo, 'rev-parse', s.branch);
		assert.notEqual(rebased, tip);
		const res = await post(s.att, '/push');
		fails(res, 409);
		assert.deepEqual(res.json.error_data, { type: 'force_push_required' });
		assert.equal(g(bare, 'rev-parse', `refs/heads/${s.branch}`), tip, 'remote unchanged');

		assert.equal(ok(await post(s.att, '/push/force')), null);
		assert.equal(g(bare, 'rev-parse', `refs/heads/${s.branch}`), rebased, 'remote has the new tip');

		// The remote moves to a commit the branch does not have.
		const tree = g(bare, 'rev-parse', `${s.branch}^{tree}`);
		const foreign = g(bare, 'commit-tree', tree, '-m', 'someone else');
		git(bare, 'update-ref', `refs/heads/${s.branch}`, foreign);
		const res2 = await post(s.att, '/push');
		fails(res2, 409);
		assert.deepEqual(res2.json.error_data, { type: 'force_push_required' });
		assert.equal(g(bare, 'rev-parse', `refs/heads/${s.branch}`), foreign);
		assert.equal(ok(await post(s.att, '/push/force')), null);
		assert.equal(g(bare, 'rev-parse', `refs/heads/${s.branch}`), rebased);
	});

	test('after a push, without an open PR, remote_commits_* stay null', async () => {
		const s = await setup();
		const bare = path.join(s.dir, 'remote.git');
		git(s.dir, 'init', '-q', '--bare', '-b', 'main', bare);
		git(s.repo, 'remote', 'add', 'origin', bare);
		assert.equal(ok(await post(s.att, '/push')), null);
		// The branch now has an upstream (refs/remotes/origin/<branch>).
		assert.equal(g(s.repo, 'rev-parse', '--abbrev-ref', `${s.branch}@{upstream}`), `origin/${s.branch}`);
		const bs = await branchStatus(s.att);
		assert.deepEqual([bs.remote_commits_ahead, bs.remote_commits_behind], [null, null],
		    'the original reports remote counts only when the latest merge is an open PR');
	});

	test('rename keeps the upstream config; the remote branch is not renamed', async () => {
		const s = await setup();
		const bare = path.join(s.dir, 'remote.git');
		git(s.dir, 'init', '-q', '--bare', '-b', 'main', bare);
		git(s.repo, 'remote', 'add', 'origin', bare);
		assert.equal(ok(await post(s.att, '/push')), null);
		assert.deepEqual(ok(await post(s.att, '/rename-branch', { json: { new_branch_name: 'after-push' } })),
		    { branch: 'after-push' });
		assert.equal(g(s.repo, 'config', 'branch.after-push.remote'), 'origin');
		assert.equal(g(s.repo, 'config', 'branch.after-push.merge'), `refs/heads/${s.branch}`);
		assert.ok(!gitOk(s.repo, 'config', `branch.${s.branch}.remote`), 'old section gone');
		assert.ok(gitOk(bare, 'rev-parse', '--verify', '-q', `refs/heads/${s.branch}`), 'remote branch kept');
		// A later push goes to refs/heads/<new name>.
		assert.equal(ok(await post(s.att, '/push')), null);
		assert.equal(g(bare, 'rev-parse', 'refs/heads/after-push'), g(s.repo, 'rev-parse', 'after-push'));
	});

	test('no remote -> 400; dirty worktree -> 409', async () => {
		const s = await setup();
		const res = await post(s.att, '/push');
		fails(res, 400, 'the repository has no remote');
		assert.equal(res.json.error_data, null);
		fails(await post(s.att, '/push/force'), 400, 'the repository has no remote');

		const bare = path.join(s.dir, 'remote.git');
		git(s.dir, 'init', '-q', '--bare', '-b', 'main', bare);
		git(s.repo, 'remote', 'add', 'origin', bare);
		writeFile(s.wt, 'agent.txt', 'uncommitted edit\n');
		const dirty = await post(s.att, '/push');
		fails(dirty, 409, /agent\.txt/);
		assert.equal(dirty.json.error_data, null, dirty.text);
		assert.ok(!gitOk(bare, 'rev-parse', '--verify', '-q', `refs/heads/${s.branch}`),
		    'nothing pushed');
	});
});

/* -------------------------------------------------------- rename-branch */

describe('POST /api/task-attempts/{id}/rename-branch', () => {
	test('rename, unchanged, and the refusals with the original messages', async () => {
		const s = await setup();
		const tip = g(s.repo, 'rev-parse', s.branch);
		const rename = (name) => post(s.att, '/rename-branch', { json: { new_branch_name: name } });

		assert.deepEqual(ok(await rename('feature/renamed')), { branch: 'feature/renamed' });
		assert.equal(branchList(s.repo, 'feature/renamed'), 'feature/renamed', 'git branch --list shows it');
		assert.equal(branchList(s.repo, s.branch), '', 'the old name is gone');
		assert.equal(g(s.repo, 'rev-parse', 'feature/renamed'), tip);
		assert.equal(g(s.wt, 'symbolic-ref', 'HEAD'), 'refs/heads/feature/renamed');
		assert.equal((await getAttempt(s.att)).branch, 'feature/renamed');
		assert.equal((await branchStatus(s.att)).commits_ahead, 1, 'branch-status follows the rename');

		// The same name (after trimming) is a success that changes nothing.
		assert.deepEqual(ok(await rename('feature/renamed')), { branch: 'feature/renamed' });
		assert.deepEqual(ok(await rename('  feature/renamed \t')), { branch: 'feature/renamed' });

		git(s.repo, 'branch', 'taken', 'main');
		git(s.repo, 'update-ref', 'refs/remotes/origin/remote-only', 'main');
		const refusals = [
			['', 400, 'Branch name cannot be empty'],
			['   ', 400, 'Branch name cannot be empty'],
			['a..b', 400, 'Invalid branch name format'],
			['-x', 400, 'Invalid branch name format'],
			['has space', 400, 'Invalid branch name format'],
			['ends.lock', 400, 'Invalid branch name format'],
			['HEAD', 400, 'Invalid branch name format'],
			['x~1', 400, 'Invalid branch name format'],
			['main', 409, 'A branch with this name already exists'],
			['taken', 409, 'A branch with this name already exists'],
			['origin/remote-only', 409, 'A branch with this name already exists'],
		];
		for (const [name, status, msg] of refusals) {
			const res = await rename(name);
			fails(res, status, msg);
		}
		fails(await post(s.att, '/rename-branch', { json: {} }), 400, "field 'new_branch_name' is required");
		assert.equal((await getAttempt(s.att)).branch, 'feature/renamed');
		assert.equal(g(s.repo, 'rev-parse', 'feature/renamed'), tip);
		assert.equal(g(s.repo, 'rev-parse', 'taken'), g(s.repo, 'rev-parse', 'main'));

		// Back to a plain name; the merge then uses the new branch.
		assert.deepEqual(ok(await rename('plain')), { branch: 'plain' });
		assert.equal(branchList(s.repo, 'feature/renamed'), '');
		assert.equal(ok(await post(s.att, '/merge')), null);
		assert.equal(git(s.repo, 'show', 'main:agent.txt'), 'hello from agent\n');
	});
	test('attempts of child tasks that targeted the old branch follow the rename', async () => {
		const s = await setup();
		const child = await createTask(s.proj.id, { title: 'child task', parent_task_id: s.task.id,
			description: 'WRITE child.txt child work' });
		const childAtt = await runAttempt(child, s.branch);
		const other = await createTask(s.proj.id, { title: 'unrelated task',
			description: 'WRITE other.txt other work' });
		const otherAtt = await runAttempt(other, s.branch);
		assert.deepEqual(ok(await post(s.att, '/rename-branch', { json: { new_branch_name: 'parent-renamed' } })),
		    { branch: 'parent-renamed' });
		assert.equal((await getAttempt(childAtt)).target_branch, 'parent-renamed');
		assert.equal((await getAttempt(otherAtt)).target_branch, s.branch, 'not a child: unchanged');
		const bs = await branchStatus(childAtt);
		assert.equal(bs.target_branch_name, 'parent-renamed');
		assert.equal(bs.commits_ahead, 1);
		assert.equal(bs.commits_behind, 0);

		// Merging the child lands on the parent's branch, which is checked
		// out in the parent's worktree: that worktree follows and stays clean.
		const parentTip = g(s.repo, 'rev-parse', 'parent-renamed');
		assert.equal(ok(await post(childAtt, '/merge')), null);
		assert.equal(g(s.repo, 'rev-list', '--count', `${parentTip}..parent-renamed`), '1');
		assert.equal(g(s.repo, 'rev-parse', 'main'), s.base, 'main untouched');
		assert.equal(fs.readFileSync(path.join(s.wt, 'child.txt'), 'utf8'), 'child work\n');
		assert.equal(g(s.wt, 'status', '--porcelain'), '', 'the parent worktree is clean');
		assert.equal(g(s.wt, 'rev-parse', 'HEAD'), g(s.repo, 'rev-parse', 'parent-renamed'));
		assert.equal(sql(`SELECT target_branch_name FROM merges WHERE task_attempt_id = ${q(childAtt.id)}`)[0][0],
		    'parent-renamed');
		assert.equal((await branchStatus(s.att)).commits_ahead, 2, 'the parent now has the child work too');
	});
});

/* -------------------------------------------------- change-target-branch */

describe('POST /api/task-attempts/{id}/change-target-branch', () => {
	test('{new_target_branch, status:[ahead, behind]}; unknown -> 404', async () => {
		const s = await setup();
		git(s.repo, 'branch', 'dev', 'main');
		git(s.repo, 'checkout', '-q', 'dev');
		commitFile(s.repo, 'dev1.txt', 'dev 1\n');
		commitFile(s.repo, 'dev2.txt', 'dev 2\n');
		git(s.repo, 'checkout', '-q', 'main');

		const d = ok(await post(s.att, '/change-target-branch', { json: { new_target_branch: 'dev' } }));
		assert.deepEqual(d, { new_target_branch: 'dev', status: [1, 2] });
		assert.equal((await getAttempt(s.att)).target_branch, 'dev');
		const bs = await branchStatus(s.att);
		assert.equal(bs.target_branch_name, 'dev');
		assert.equal(bs.commits_ahead, 1);
		assert.equal(bs.commits_behind, 2);

		fails(await post(s.att, '/change-target-branch', { json: { new_target_branch: 'nope' } }), 404,
		    "Branch 'nope' does not exist in the repository");
		fails(await post(s.att, '/change-target-branch', { json: {} }), 400,
		    "field 'new_target_branch' is required");
		fails(await post(s.att, '/change-target-branch', { json: { new_target_branch: '' } }), 400,
		    "field 'new_target_branch' must not be empty");
		assert.equal((await getAttempt(s.att)).target_branch, 'dev');

		// A remote-tracking branch is a valid target (compared as it is).
		git(s.repo, 'update-ref', 'refs/remotes/origin/release', 'dev');
		assert.deepEqual(ok(await post(s.att, '/change-target-branch',
		    { json: { new_target_branch: 'origin/release' } })),
		{ new_target_branch: 'origin/release', status: [1, 2] });
		assert.equal((await branchStatus(s.att)).target_branch_name, 'origin/release');

		assert.deepEqual(ok(await post(s.att, '/change-target-branch',
		    { json: { new_target_branch: 'main' } })), { new_target_branch: 'main', status: [1, 0] });
		assert.equal((await getAttempt(s.att)).target_branch, 'main');
	});
});

/* ----------------------------------------------- commit-info and compare */

describe('GET /api/task-attempts/{id}/commit-info and /commit-compare', () => {
	test('commit-info: {sha, subject}; missing/malformed -> 400, unknown -> 404', async () => {
		const s = await setup();
		const tip = g(s.repo, 'rev-parse', s.branch);
		const subject = g(s.repo, 'log', '-1', '--format=%s', s.branch);
		assert.deepEqual(ok(await api('GET', aurl(s.att, `/commit-info?sha=${tip}`))), { sha: tip, subject });
		assert.deepEqual(ok(await api('GET', aurl(s.att, `/commit-info?sha=${tip.slice(0, 8)}`))),
		    { sha: tip, subject });
		assert.deepEqual(ok(await api('GET', aurl(s.att, `/commit-info?sha=${tip.toUpperCase()}`))),
		    { sha: tip, subject });
		assert.deepEqual(ok(await api('GET', aurl(s.att, `/commit-info?sha=${s.base}`))),
		    { sha: s.base, subject: 'seed' });

		fails(await api('GET', aurl(s.att, '/commit-info')), 400, "query parameter 'sha' is required");
		fails(await api('GET', aurl(s.att, '/commit-info?sha=')), 400, "query parameter 'sha' is required");
		for (const bad of ['xyz', 'abc', `${tip}0`, 'HEAD', 'main', '12345g', '%27%3B--'])
			fails(await api('GET', aurl(s.att, `/commit-info?sha=${bad}`)), 400,
			    "query parameter 'sha' must be a commit id");
		const unknown = 'deadbeef'.repeat(5);
		fails(await api('GET', aurl(s.att, `/commit-info?sha=${unknown}`)), 404, `commit ${unknown} not found`);
		// A blob is no commit.
		const blob = g(s.repo, 'rev-parse', `${s.branch}:agent.txt`);
		fails(await api('GET', aurl(s.att, `/commit-info?sha=${blob}`)), 404);
	});

	test('commit-compare: the five fields, linear and diverged', async () => {
		const s = await setup();
		const tip = g(s.repo, 'rev-parse', s.branch);
		let d = ok(await api('GET', aurl(s.att, `/commit-compare?sha=${s.base}`)));
		assert.deepEqual(d, { head_oid: tip, target_oid: s.base, ahead_from_head: 1,
			behind_from_head: 0, is_linear: true });
		d = ok(await api('GET', aurl(s.att, `/commit-compare?sha=${tip}`)));
		assert.deepEqual(d, { head_oid: tip, target_oid: tip, ahead_from_head: 0,
			behind_from_head: 0, is_linear: true });
		const moved = commitFile(s.repo, 'main-only.txt', 'on main\n');
		commitFile(s.repo, 'main-only2.txt', 'on main again\n');
		const moved2 = g(s.repo, 'rev-parse', 'main');
		d = ok(await api('GET', aurl(s.att, `/commit-compare?sha=${moved2.slice(0, 10)}`)));
		assert.deepEqual(d, { head_oid: tip, target_oid: moved2, ahead_from_head: 1,
			behind_from_head: 2, is_linear: false });
		assert.equal(ok(await api('GET', aurl(s.att, `/commit-compare?sha=${moved}`))).behind_from_head, 1);

		fails(await api('GET', aurl(s.att, '/commit-compare')), 400, "query parameter 'sha' is required");
		fails(await api('GET', aurl(s.att, '/commit-compare?sha=nothex')), 400,
		    "query parameter 'sha' must be a commit id");
		fails(await api('GET', aurl(s.att, `/commit-compare?sha=${'0123abcd'.repeat(5)}`)), 404);
	});
});

/* ---------------------------------------------------------------- files */

describe('GET /api/task-attempts/{id}/files and /files/{path}', () => {
	test('lists and reads the worktree; traversal -> 403', async () => {
		const s = await setup({ lines: ['WRITE agent.txt hello from agent',
			'WRITE src/deep/nested.txt nested text'] });
		fs.writeFileSync(path.join(s.dir, 'outside.txt'), 'outside the worktree\n');
		let d = ok(await api('GET', aurl(s.att, '/files')));
		assert.equal(d.current_path, '.');
		const names = d.entries.map((e) => e.name);
		assert.deepEqual(names, ['src', 'agent.txt', 'README.md', 'shared.txt'],
		    `dirs first, then files case-insensitively; no dot entries: ${JSON.stringify(d.entries)}`);
		const src = d.entries.find((e) => e.name === 'src');
		assert.equal(src.is_directory, true);
		assert.equal(src.path, 'src');
		const agent = d.entries.find((e) => e.name === 'agent.txt');
		assert.equal(agent.is_directory, false);
		assert.equal(agent.path, 'agent.txt');

		d = ok(await api('GET', aurl(s.att, '/files?path=src%2Fdeep')));
		assert.deepEqual(d.entries.map((e) => [e.name, e.path, e.is_directory]),
		    [['nested.txt', 'src/deep/nested.txt', false]]);

		const f = ok(await api('GET', aurl(s.att, '/files/agent.txt')));
		assert.equal(f.path, 'agent.txt');
		assert.equal(f.content, 'hello from agent\n');
		assert.equal(f.size_bytes, 17);
		assert.equal(f.truncated, false);
		assert.equal(ok(await api('GET', aurl(s.att, '/files/src/deep/nested.txt'))).content, 'nested text\n');
		// Uncommitted files of the worktree are served as they are on disk.
		writeFile(s.wt, 'fresh.txt', 'not committed\n');
		assert.equal(ok(await api('GET', aurl(s.att, '/files/fresh.txt'))).content, 'not committed\n');

		fails(await api('GET', aurl(s.att, '/files/nope.txt')), 404, 'File does not exist');
		fails(await api('GET', aurl(s.att, '/files?path=nope')), 404, 'Directory does not exist');
		for (const p of ['..', '../..', '..%2F..', '%2Fetc', 'src%2F..%2F..%2F..'])
			fails(await api('GET', aurl(s.att, `/files?path=${p}`)), 403, TRAVERSAL);
		for (const p of ['..%2Foutside.txt', '..%2F..%2Foutside.txt', '%2Fetc%2Fpasswd',
		    'src%2F..%2F..%2F..%2Fetc%2Fpasswd']) {
			const res = await api('GET', aurl(s.att, `/files/${p}`));
			assert.ok(!/outside the worktree|root:/.test(res.text), `leaked ${p}: ${res.text.slice(0, 200)}`);
			fails(res, 403, TRAVERSAL);
		}
	});
});

/* -------------------------------------------------- worktree recreation */

describe('worktree recreation', () => {
	test('a removed worktree is recreated from the branch by the git routes', async () => {
		const s = await setup();
		const tip = g(s.repo, 'rev-parse', s.branch);

		// Directory removed and pruned.
		fs.rmSync(s.wt, { recursive: true, force: true });
		git(s.repo, 'worktree', 'prune');
		assert.ok(!fs.existsSync(s.wt));
		let bs = await branchStatus(s.att);
		assert.ok(fs.existsSync(path.join(s.wt, '.git')), 'worktree recreated');
		assert.equal(fs.readFileSync(path.join(s.wt, 'agent.txt'), 'utf8'), 'hello from agent\n');
		assert.equal(g(s.wt, 'symbolic-ref', 'HEAD'), `refs/heads/${s.branch}`);
		assert.equal(g(s.wt, 'status', '--porcelain'), '');
		assert.equal(bs.head_oid, tip);
		assert.equal(bs.commits_ahead, 1);
		assert.equal(bs.has_uncommitted_changes, false);
		assert.equal(bs.untracked_count, 0);
		assert.ok(git(s.repo, 'worktree', 'list', '--porcelain').split('\n')
		    .includes(`worktree ${s.wt}`), 'git lists the worktree');

		// Directory removed, stale metadata left behind: the files route
		// recreates it too.
		fs.rmSync(s.wt, { recursive: true, force: true });
		const f = ok(await api('GET', aurl(s.att, '/files/agent.txt')));
		assert.equal(f.content, 'hello from agent\n');
		assert.ok(fs.existsSync(path.join(s.wt, '.git')));
		assert.ok(gitOk(s.wt, 'rev-parse', '--verify', 'HEAD'));
		assert.equal(g(s.wt, 'rev-parse', 'HEAD'), tip);
		bs = await branchStatus(s.att);
		assert.equal(bs.head_oid, tip);

		// And the attempt can still be merged afterwards.
		fs.rmSync(s.wt, { recursive: true, force: true });
		git(s.repo, 'worktree', 'prune');
		assert.equal(ok(await post(s.att, '/merge')), null);
		assert.equal(git(s.repo, 'show', 'main:agent.txt'), 'hello from agent\n');
	});
});

describe('GET /api/task-attempts/{id}/diff', () => {
	test('the worktree against its base: added, modified, deleted, untracked, mode, binary; stats_only', async () => {
		const s = await setup();
		// The base is the merge base: commits on main after the branch point do not show.
		writeFile(s.repo, 'main-only.txt', 'later on main\n');
		git(s.repo, 'add', 'main-only.txt');
		git(s.repo, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-m', 'main moves on');
		writeFile(s.wt, 'agent.txt', 'hello from agent\nmore\n');
		writeFile(s.wt, 'untracked.txt', 'u\n');
		fs.writeFileSync(path.join(s.wt, 'blob.bin'), Buffer.from([0, 1, 2, 0, 255]));
		const full = ok(await api('GET', `/api/task-attempts/${s.att.id}/diff`));
		assert.equal(full.base_oid, g(s.repo, 'merge-base', 'main', s.att.branch));
		const e = full.entries;
		assert.equal(e['main-only.txt'], undefined, 'main\'s later commit is not in the diff');
		assert.equal(e['agent.txt'].change, 'added', 'committed by the agent, new since the base');
		assert.equal(e['agent.txt'].newContent, 'hello from agent\nmore\n');
		assert.equal(e['agent.txt'].oldContent, null);
		assert.equal(e['untracked.txt'].change, 'added');
		assert.equal(e['blob.bin'].newContent, null, 'binary content is null');
		assert.equal(e['blob.bin'].contentOmitted, false);
		for (const d of Object.values(e))
			assert.deepEqual(Object.keys(d), ['change', 'oldPath', 'newPath', 'oldContent', 'newContent',
			    'contentOmitted', 'additions', 'deletions']);
		const stats = ok(await api('GET', `/api/task-attempts/${s.att.id}/diff?stats_only=true`));
		assert.equal(stats.entries['agent.txt'].contentOmitted, true);
		assert.equal(stats.entries['agent.txt'].newContent, null);
		assert.equal(stats.entries['agent.txt'].additions, 2);
		assert.equal(stats.entries['agent.txt'].deletions, 0);
		assert.equal(stats.entries['blob.bin'].additions, null);
		const bad = await api('GET', `/api/task-attempts/${s.att.id}/diff?stats_only=maybe`);
		assert.equal(bad.status, 400);
	});
});
