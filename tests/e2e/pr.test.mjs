// pr.test.mjs: GitHub pull requests of a task attempt, end to end, against
// the local GitHub stand-in (tests/e2e/fixtures/github-standin.mjs, started
// by tests/run.sh; swarm-node reaches it through SWARM_GITHUB_API_URL with
// SWARM_GITHUB_TOKEN=test-token).
//
//   POST /api/task-attempts/{id}/pr        push + POST /repos/{o}/{r}/pulls
//   POST /api/task-attempts/{id}/pr/attach GET /repos/{o}/{r}/pulls?state=all&head=o:branch
//   GET  /api/task-attempts/{id}/branch-status  refreshes an open PR
//                                          (GET /repos/{o}/{r}/pulls/{n})
//
// Every test makes a repository with a bare `origin` at
// <scratch>/acme/widgets-<n>.git (so owner/repo is acme/widgets-<n>),
// registers that bare repository with the stand-in (which checks branches
// there), and runs an attempt with the SCRIPT executor to the end.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';

import {
	MSG, TS_RE, UUID_RE, api, createProject, createTask, deleteProjectQuietly, fails, git,
	makeScratch, ok, pause, q, randomUuid, removeScratch, sql,
} from './lib/stack.mjs';

const STANDIN = (process.env.GITHUB_STANDIN_URL || '').replace(/\/+$/, '');
const TOKEN = 'test-token';
const OWNER = 'acme';
const WAIT_MS = 20000;
const PR_MERGE_KEYS = ['type', 'id', 'task_attempt_id', 'created_at', 'target_branch_name', 'pr_info'];
const PR_INFO_KEYS = ['number', 'url', 'status', 'merged_at', 'merge_commit_sha'];
const SKIP = STANDIN ? false : 'GITHUB_STANDIN_URL is not set (run through tests/run.sh)';

let scratch;
let seq = 0;
const projects = [];

before(async () => {
	if (SKIP)
		return;
	scratch = makeScratch('pr');
	await standin('POST', '/_control/reset');
});

after(async () => {
	for (const id of projects)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

/* ------------------------------------------------------------- helpers */

function g(dir, ...args)
{
	return git(dir, ...args).trim();
}

function gitOk(dir, ...args)
{
	const r = spawnSync('git', ['-C', dir, ...args], { encoding: 'utf8', timeout: 20000 });
	if (r.error)
		throw r.error;
	return r.status === 0;
}

function writeFile(dir, rel, text)
{
	const f = path.join(dir, rel);
	fs.mkdirSync(path.dirname(f), { recursive: true });
	fs.writeFileSync(f, text);
}

async function until(fn, what, ms = WAIT_MS)
{
	const end = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v)
			return v;
		if (Date.now() >= end)
			assert.fail(`timed out after ${ms} ms waiting for ${what}`);
		await pause(100);
	}
}

/* A request to the stand-in; returns {status, json}. */
async function standin(method, urlPath, json, headers = {})
{
	const h = { ...headers };
	let body;
	if (json !== undefined) {
		body = JSON.stringify(json);
		h['Content-Type'] = 'application/json';
	}
	const res = await fetch(STANDIN + urlPath, { method, headers: h, body,
		signal: AbortSignal.timeout(WAIT_MS) });
	const text = await res.text();
	let parsed;
	try {
		parsed = JSON.parse(text);
	} catch {
		parsed = undefined;
	}
	return { status: res.status, json: parsed, text };
}

/* Calls the stand-in's GitHub API directly, as a GitHub user would. */
function github(method, urlPath, json)
{
	return standin(method, urlPath, json, { Authorization: `Bearer ${TOKEN}`,
		Accept: 'application/vnd.github+json', 'User-Agent': 'swarm-e2e-test' });
}

/* The stand-in's log of GitHub API requests for one repository, oldest first. */
async function requestsFor(s, since = 0)
{
	const res = await standin('GET', '/_control/requests');
	assert.equal(res.status, 200, res.text);
	const prefix = `/repos/${OWNER}/${s.name}/`;
	return res.json.filter((r) => r.seq > since && (r.path.startsWith(prefix) ||
	    r.path.startsWith(`/repos/${OWNER}/${s.name}?`) || r.path === `/repos/${OWNER}/${s.name}`));
}

/* The seq of the last request the stand-in logged so far (0 if none). */
async function lastSeq()
{
	const res = await standin('GET', '/_control/requests');
	return res.json.reduce((m, r) => Math.max(m, r.seq), 0);
}

/* The request line path split into pathname and query parameters. */
function splitPath(p)
{
	const u = new URL(p, 'http://x');
	return { pathname: u.pathname, query: Object.fromEntries(u.searchParams) };
}

/* Every request Swarm sends to GitHub carries the token and the API media type. */
function assertGithubHeaders(r)
{
	assert.equal(r.headers.authorization, `Bearer ${TOKEN}`, `Authorization of ${r.method} ${r.path}`);
	assert.match(String(r.headers.accept), /application\/vnd\.github\+json/, `Accept of ${r.method} ${r.path}`);
	assert.ok(r.headers['user-agent'], `User-Agent of ${r.method} ${r.path}`);
}

async function runAttempt(task, base)
{
	const att = ok(await api('POST', '/api/task-attempts', { json: {
		task_id: task.id, executor_profile_id: { executor: 'SCRIPT' }, base_branch: base } }));
	assert.match(att.id, UUID_RE);
	const procs = await until(async () => {
		const list = ok(await api('GET', `/api/execution-processes?task_attempt_id=${att.id}`));
		return list.length > 0 && list.every((p) => p.status !== 'running') ? list : null;
	}, `the agent of attempt ${att.id} to finish`);
	assert.deepEqual(procs.map((p) => p.status), ['completed'],
	    `agent processes: ${JSON.stringify(procs.map((p) => [p.run_reason, p.status, p.exit_code]))}`);
	return att;
}

/*
 * A repository (seed commit on main) whose origin is a bare repository at
 * <scratch>/acme/widgets-<n>.git (or prefix-<n> + suffix) holding main, registered with the
 * stand-in; a project, a task with WRITE lines and a finished SCRIPT
 * attempt on main. Returns {n, name, dir, repo, bare, proj, task, att, branch}.
 */
async function setup({ title, prefix = 'widgets', suffix = '.git' } = {})
{
	const n = ++seq;
	const name = `${prefix}-${n}`;
	const dir = path.join(scratch, `t${n}`);
	const repo = path.join(dir, 'repo');
	const bare = path.join(scratch, OWNER, `${name}${suffix}`);
	fs.mkdirSync(repo, { recursive: true });
	git(repo, 'init', '-q', '-b', 'main');
	writeFile(repo, 'README.md', '# seed\n');
	git(repo, 'add', '-A');
	git(repo, 'commit', '-q', '-m', 'seed');
	fs.mkdirSync(path.dirname(bare), { recursive: true });
	git(scratch, 'init', '-q', '--bare', '-b', 'main', bare);
	git(repo, 'remote', 'add', 'origin', bare);
	git(repo, 'push', '-q', 'origin', 'main');
	const reg = await standin('POST', '/_control/repos', { owner: OWNER, repo: name, bare_path: bare });
	assert.equal(reg.status, 200, reg.text);

	const proj = await createProject(repo, { name: `pr ${n}` });
	projects.push(proj.id);
	const task = await createTask(proj.id, { title: title || `PR task ${n}`,
		description: 'WRITE widget.txt a new widget' });
	const att = await runAttempt(task, 'main');
	assert.equal(g(repo, 'rev-list', '--count', `main..${att.branch}`), '1', 'the agent made one commit');
	return { n, name, dir, repo, bare, proj, task, att, branch: att.branch };
}

const aurl = (att, suffix = '') => `/api/task-attempts/${att.id}${suffix}`;

function post(att, suffix, opts = {})
{
	return api('POST', aurl(att, suffix), opts);
}

async function branchStatus(att)
{
	return ok(await api('GET', aurl(att, '/branch-status')));
}

/* The merges rows of an attempt: [type, number, url, status, target, merge_commit, merged_at, sha]. */
function mergeRows(att)
{
	return sql('SELECT merge_type, IFNULL(pr_number, \'NULL\'), IFNULL(pr_url, \'NULL\'), ' +
	    'IFNULL(pr_status, \'NULL\'), target_branch_name, IFNULL(merge_commit, \'NULL\'), ' +
	    'IFNULL(DATE_FORMAT(pr_merged_at, \'%Y-%m-%dT%H:%i:%s.%fZ\'), \'NULL\'), ' +
	    'IFNULL(pr_merge_commit_sha, \'NULL\') ' +
	    `FROM merges WHERE task_attempt_id = ${q(att.id)} ORDER BY created_at`);
}

function mergeCount(att)
{
	return Number(sql(`SELECT COUNT(*) FROM merges WHERE task_attempt_id = ${q(att.id)}`)[0][0]);
}

const prUrl = (s, n) => `http://github.invalid/${OWNER}/${s.name}/pull/${n}`;

/* Asserts branch-status's one merge is the PR in the given state; returns it. */
function assertPrMerge(bs, s, { number, status, mergedAt = null, sha = null, target = 'main' })
{
	assert.equal(bs.merges.length, 1, `one merge: ${JSON.stringify(bs.merges)}`);
	const m = bs.merges[0];
	assert.deepEqual(Object.keys(m).sort(), [...PR_MERGE_KEYS].sort(),
	    `pr Merge field names: ${JSON.stringify(m)}`);
	assert.equal(m.type, 'pr');
	assert.match(m.id, UUID_RE);
	assert.equal(m.task_attempt_id, s.att.id);
	assert.match(m.created_at, TS_RE);
	assert.equal(m.target_branch_name, target);
	assert.deepEqual(Object.keys(m.pr_info).sort(), [...PR_INFO_KEYS].sort(),
	    `pr_info field names: ${JSON.stringify(m.pr_info)}`);
	assert.equal(m.pr_info.number, number);
	assert.equal(m.pr_info.url, prUrl(s, number));
	assert.equal(m.pr_info.status, status);
	if (mergedAt === 'set')
		assert.match(String(m.pr_info.merged_at), TS_RE, `merged_at: ${m.pr_info.merged_at}`);
	else
		assert.equal(m.pr_info.merged_at, mergedAt);
	assert.equal(m.pr_info.merge_commit_sha, sha);
	return m;
}

/* Pushes the attempt branch to origin with the git CLI and opens a PR on the stand-in directly. */
async function prOnGithubOnly(s, { title = 'opened on GitHub' } = {})
{
	git(s.repo, 'push', '-q', 'origin', `${s.branch}:refs/heads/${s.branch}`);
	const res = await github('POST', `/repos/${OWNER}/${s.name}/pulls`,
	    { title, head: s.branch, base: 'main', body: 'made outside Swarm' });
	assert.equal(res.status, 201, res.text);
	return res.json;
}

async function taskStatus(s)
{
	return ok(await api('GET', `/api/tasks/${s.task.id}`)).status;
}

async function listedTask(s)
{
	return ok(await api('GET', `/api/tasks?project_id=${s.proj.id}`)).find((t) => t.id === s.task.id);
}

/* ------------------------------------------------------------- create */

describe('POST /api/task-attempts/{id}/pr', { skip: SKIP }, () => {
	test('pushes the branch, opens the PR on GitHub, records an open pr merge', async () => {
		const s = await setup({ title: 'Add the widget' });
		const since = await lastSeq();
		const body = 'This adds a widget.\n\n- one\n- "two" & \'three\' 🐝';
		const url = ok(await post(s.att, '/pr', { json: { title: 'Add the widget', body } }));
		assert.equal(url, prUrl(s, 1), 'data is the PR URL string');

		// What Swarm sent to GitHub.
		const reqs = await requestsFor(s, since);
		const creates = reqs.filter((r) => r.method === 'POST');
		assert.equal(creates.length, 1, `one POST: ${JSON.stringify(reqs)}`);
		const c = creates[0];
		assert.equal(c.path, `/repos/${OWNER}/${s.name}/pulls`);
		assert.deepEqual(c.body, { title: 'Add the widget', head: s.branch, base: 'main', body },
		    `request body: ${JSON.stringify(c.body)}`);
		assertGithubHeaders(c);
		assert.match(String(c.headers['content-type']), /^application\/json/);
		assert.equal(c.status, 201);

		// The branch was pushed to origin.
		assert.equal(g(s.bare, 'rev-parse', `refs/heads/${s.branch}`), g(s.repo, 'rev-parse', s.branch),
		    'the attempt branch is in the bare origin');
		assert.equal(g(s.bare, 'rev-parse', 'refs/heads/main'), g(s.repo, 'rev-parse', 'main'),
		    'main of origin untouched');

		// The PR as GitHub has it.
		const pr = await github('GET', `/repos/${OWNER}/${s.name}/pulls/1`);
		assert.equal(pr.status, 200);
		assert.equal(pr.json.title, 'Add the widget');
		assert.equal(pr.json.body, body);
		assert.equal(pr.json.head.ref, s.branch);
		assert.equal(pr.json.base.ref, 'main');

		// The merges row.
		assert.deepEqual(mergeRows(s.att), [['pr', '1', url, 'open', 'main', 'NULL', 'NULL', 'NULL']]);

		// branch-status: the pr merge shape; the open PR is looked up on GitHub.
		const before = await lastSeq();
		const bs = await branchStatus(s.att);
		assertPrMerge(bs, s, { number: 1, status: 'open' });
		const gets = (await requestsFor(s, before)).filter((r) => r.method === 'GET');
		assert.deepEqual(gets.map((r) => r.path), [`/repos/${OWNER}/${s.name}/pulls/1`],
		    'branch-status refreshes the open PR');
		assertGithubHeaders(gets[0]);
		assert.deepEqual([bs.remote_commits_ahead, bs.remote_commits_behind], [0, 0],
		    'an open PR: the branch vs its pushed upstream');
		assert.equal(bs.commits_ahead, 1);

		// Still open: not merged, the task is not done.
		assert.notEqual(await taskStatus(s), 'done');
		assert.equal((await listedTask(s)).has_merged_attempt, false);
		assert.deepEqual(mergeRows(s.att), [['pr', '1', url, 'open', 'main', 'NULL', 'NULL', 'NULL']]);

		// attach: the latest merge is this PR; GitHub is not searched.
		const before2 = await lastSeq();
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: true, pr_url: url, pr_number: 1, pr_status: 'open' });
		const lists = (await requestsFor(s, before2)).filter((r) => r.path.includes('?'));
		assert.deepEqual(lists, [], 'no PR search when the latest merge is a PR');
		assert.equal(mergeCount(s.att), 1);
	});

	test('no body -> body ""; PR numbers count up per repository', async () => {
		const s = await setup();
		const since = await lastSeq();
		assert.equal(ok(await post(s.att, '/pr', { json: { title: 'No body here' } })), prUrl(s, 1));
		const c = (await requestsFor(s, since)).filter((r) => r.method === 'POST');
		assert.equal(c.length, 1);
		assert.deepEqual(c[0].body, { title: 'No body here', head: s.branch, base: 'main', body: '' });

		// A second attempt of another task in the same repository: PR #2.
		const task2 = await createTask(s.proj.id, { title: 'second', description: 'WRITE two.txt two' });
		const att2 = await runAttempt(task2, 'main');
		assert.equal(ok(await post(att2, '/pr', { json: { title: 'Second', body: null } })), prUrl(s, 2));
		assert.equal(g(s.bare, 'rev-parse', `refs/heads/${att2.branch}`), g(s.repo, 'rev-parse', att2.branch));
		assert.deepEqual(mergeRows(att2), [['pr', '2', prUrl(s, 2), 'open', 'main', 'NULL', 'NULL', 'NULL']]);
		assert.equal(mergeCount(s.att), 1, 'the first attempt keeps its own row');
	});

	test('base: target_branch, origin/ prefix stripped, else the attempt\'s target branch', async () => {
		const s = await setup();
		// A dev branch, in origin too.
		git(s.repo, 'branch', 'dev', 'main');
		git(s.repo, 'push', '-q', 'origin', 'dev');
		git(s.repo, 'fetch', '-q', 'origin');
		const since = await lastSeq();
		assert.equal(ok(await post(s.att, '/pr', { json: { title: 'to dev', target_branch: 'origin/dev' } })),
		    prUrl(s, 1));
		let c = (await requestsFor(s, since)).filter((r) => r.method === 'POST');
		assert.equal(c.length, 1);
		assert.equal(c[0].body.base, 'dev', 'origin/ stripped');
		assert.equal(c[0].body.head, s.branch);
		assert.deepEqual(mergeRows(s.att).map((r) => [r[0], r[3], r[4]]), [['pr', 'open', 'dev']]);
		assert.equal((await branchStatus(s.att)).merges[0].target_branch_name, 'dev');

		// Another attempt whose target branch is dev: the base without target_branch.
		const task2 = await createTask(s.proj.id, { title: 'on dev', description: 'WRITE d.txt d' });
		const att2 = await runAttempt(task2, 'dev');
		const since2 = await lastSeq();
		assert.equal(ok(await post(att2, '/pr', { json: { title: 'dev by default' } })), prUrl(s, 2));
		c = (await requestsFor(s, since2)).filter((r) => r.method === 'POST');
		assert.equal(c.length, 1);
		assert.deepEqual(c[0].body, { title: 'dev by default', head: att2.branch, base: 'dev', body: '' });
		assert.deepEqual(mergeRows(att2).map((r) => [r[0], r[3], r[4]]), [['pr', 'open', 'dev']]);
	});

	test('owner/repo from an origin path without .git', async () => {
		const s = await setup({ prefix: 'gadgets', suffix: '' });
		const since = await lastSeq();
		assert.equal(ok(await post(s.att, '/pr', { json: { title: 'no suffix' } })), prUrl(s, 1));
		const c = (await requestsFor(s, since)).filter((r) => r.method === 'POST');
		assert.deepEqual(c.map((r) => r.path), [`/repos/${OWNER}/gadgets-${s.n}/pulls`]);
	});

	test('a second PR for an attempt with an open PR: refused, still one PR and one row', async () => {
		const s = await setup();
		const url = ok(await post(s.att, '/pr', { json: { title: 'first' } }));
		const res = await post(s.att, '/pr', { json: { title: 'second' } });
		assert.equal(res.status, 409, `a second PR is a conflict: ${res.status} ${res.text}`);
		assert.match(res.json.message, /A pull request already exists/);
		const list = await github('GET', `/repos/${OWNER}/${s.name}/pulls?state=all`);
		assert.deepEqual(list.json.map((p) => p.number), [1], 'one PR on GitHub');
		assert.deepEqual(mergeRows(s.att), [['pr', '1', url, 'open', 'main', 'NULL', 'NULL', 'NULL']]);
	});

	test('a base that does not exist on GitHub -> 400 target_branch_not_found, nothing stored', async () => {
		const s = await setup();
		const statusBefore = await taskStatus(s);
		const res = await post(s.att, '/pr', { json: { title: 'nowhere', target_branch: 'no-such-base' } });
		fails(res, 400);
		assert.deepEqual(res.json.error_data, { type: 'target_branch_not_found', branch: 'no-such-base' },
		    res.text);
		assert.equal(mergeCount(s.att), 0, 'no merges row');
		assert.equal(await taskStatus(s), statusBefore);
		assert.deepEqual((await branchStatus(s.att)).merges, []);
		const list = await github('GET', `/repos/${OWNER}/${s.name}/pulls?state=all`);
		assert.deepEqual(list.json, [], 'no PR on GitHub');

		// Then with an existing base it works.
		assert.equal(ok(await post(s.att, '/pr', { json: { title: 'somewhere' } })), prUrl(s, 1));
		assert.equal(mergeCount(s.att), 1);
	});

	test('GitHub refuses the token (401, 403) -> 400 github_cli_not_logged_in; GitHub fails, 404 or unreachable -> 502', async () => {
		const s = await setup();
		const pulls = `/repos/${OWNER}/${s.name}/pulls`;
		for (const status of [401, 403]) {
			const inj = await standin('POST', '/_control/fail', { method: 'POST', path: pulls, status,
				body: { message: status === 401 ? 'Bad credentials' : 'Resource not accessible by integration',
					documentation_url: 'https://docs.github.com/rest' } });
			assert.equal(inj.status, 200);
			const res = await post(s.att, '/pr', { json: { title: `refused ${status}` } });
			fails(res, 400);
			assert.deepEqual(res.json.error_data, { type: 'github_cli_not_logged_in' }, `${status}: ${res.text}`);
			assert.equal(mergeCount(s.att), 0, `${status}: nothing stored`);
		}
		for (const status of [500, 503]) {
			await standin('POST', '/_control/fail', { method: 'POST', path: pulls, status,
				body: { message: `GitHub is down (${status})` } });
			const res = await post(s.att, '/pr', { json: { title: `down ${status}` } });
			fails(res, 502);
			assert.equal(res.json.error_data, null, res.text);
			assert.ok(res.json.message.length > 0);
			assert.equal(mergeCount(s.att), 0, `${status}: nothing stored`);
		}
		// GitHub unreachable: the connection closes without a reply.
		await standin('POST', '/_control/fail', { method: 'POST', path: pulls, status: 0 });
		const gone = await post(s.att, '/pr', { json: { title: 'unreachable' } });
		fails(gone, 502);
		assert.equal(gone.json.error_data, null, gone.text);
		assert.equal(mergeCount(s.att), 0, 'unreachable: nothing stored');
		// The repository is not on GitHub (or not visible with this token).
		await standin('POST', '/_control/fail', { method: 'POST', path: pulls, status: 404,
			body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } });
		const missing = await post(s.att, '/pr', { json: { title: 'no such repository' } });
		fails(missing, 502);
		assert.equal(missing.json.error_data, null, missing.text);
		assert.equal(mergeCount(s.att), 0, '404: nothing stored');
		// GitHub answers something that is not JSON.
		await standin('POST', '/_control/fail', { method: 'POST', path: pulls, status: 201,
			body: 'not json' });
		const bad = await post(s.att, '/pr', { json: { title: 'garbage' } });
		fails(bad, 502);
		assert.equal(mergeCount(s.att), 0, 'nothing stored for a reply without a PR');
		// And then it works.
		assert.equal(ok(await post(s.att, '/pr', { json: { title: 'finally' } })), prUrl(s, 1));
		assert.deepEqual(mergeRows(s.att).map((r) => [r[0], r[1], r[3]]), [['pr', '1', 'open']]);
	});

	test('the branch on origin moved elsewhere -> 409 force_push_required, no PR', async () => {
		const s = await setup();
		git(s.repo, 'push', '-q', 'origin', `${s.branch}:refs/heads/${s.branch}`);
		// Someone else's commit on the remote branch.
		const tree = g(s.bare, 'rev-parse', `refs/heads/${s.branch}^{tree}`);
		const foreign = g(s.bare, 'commit-tree', tree, '-m', 'someone else');
		git(s.bare, 'update-ref', `refs/heads/${s.branch}`, foreign);
		const since = await lastSeq();
		const res = await post(s.att, '/pr', { json: { title: 'rejected push' } });
		fails(res, 409);
		assert.deepEqual(res.json.error_data, { type: 'force_push_required' }, res.text);
		assert.equal(g(s.bare, 'rev-parse', `refs/heads/${s.branch}`), foreign, 'remote unchanged');
		assert.deepEqual((await requestsFor(s, since)).filter((r) => r.method === 'POST'), [],
		    'no PR requested');
		assert.equal(mergeCount(s.att), 0);
	});

	test('bad input: title required and non-empty; unknown attempt 404; invalid id 400', async () => {
		const s = await setup();
		const since = await lastSeq();
		fails(await post(s.att, '/pr', { json: {} }), 400, MSG.required('title'));
		fails(await post(s.att, '/pr', { json: { title: '' } }), 400, MSG.notEmpty('title'));
		fails(await post(s.att, '/pr', { json: { title: 7 } }), 400, MSG.mustString('title'));
		fails(await post(s.att, '/pr', { json: { title: 't', body: 5 } }), 400, MSG.mustString('body'));
		fails(await post(s.att, '/pr', { json: { title: 't', target_branch: 5 } }), 400,
		    MSG.mustString('target_branch'));
		fails(await post(s.att, '/pr', { body: '{nope', headers: { 'Content-Type': 'application/json' } }),
		    400, MSG.invalidJson);
		assert.deepEqual(await requestsFor(s, since), [], 'GitHub not asked');
		assert.ok(!gitOk(s.bare, 'rev-parse', '-q', '--verify', `refs/heads/${s.branch}`), 'nothing pushed');
		assert.equal(mergeCount(s.att), 0);
		for (const suffix of ['/pr', '/pr/attach']) {
			const opts = suffix === '/pr' ? { json: { title: 't' } } : {};
			fails(await api('POST', `/api/task-attempts/${randomUuid()}${suffix}`, opts), 404,
			    'task attempt not found');
			fails(await api('POST', `/api/task-attempts/nope${suffix}`, opts), 400, MSG.invalidId);
		}
	});
});

/* -------------------------------------------------------- status refresh */

describe('PR status from GitHub (branch-status refresh)', { skip: SKIP }, () => {
	test('merged on GitHub -> merged (merged_at, merge_commit_sha), task done', async () => {
		const s = await setup();
		const url = ok(await post(s.att, '/pr', { json: { title: 'merge me' } }));
		assertPrMerge(await branchStatus(s.att), s, { number: 1, status: 'open' });
		assert.notEqual(await taskStatus(s), 'done');

		const sha = 'abcdef0123456789abcdef0123456789abcdef01';
		const m = await standin('POST', `/_control/pulls/${OWNER}/${s.name}/1/merge`, { merge_commit_sha: sha });
		assert.equal(m.status, 200, m.text);

		const bs = await branchStatus(s.att);
		const merge = assertPrMerge(bs, s, { number: 1, status: 'merged', mergedAt: 'set', sha });
		assert.deepEqual([bs.remote_commits_ahead, bs.remote_commits_behind], [null, null],
		    'remote counts only while the PR is open');
		const rows = mergeRows(s.att);
		assert.equal(rows.length, 1);
		assert.deepEqual([rows[0][0], rows[0][1], rows[0][2], rows[0][3], rows[0][7]], ['pr', '1', url, 'merged', sha]);
		assert.match(rows[0][6], TS_RE, 'pr_merged_at stored');
		assert.equal(merge.pr_info.merged_at, rows[0][6]);
		assert.equal(await taskStatus(s), 'done');
		const listed = await listedTask(s);
		assert.equal(listed.status, 'done');
		assert.equal(listed.has_merged_attempt, true);

		// A merged PR is not looked up again.
		const since = await lastSeq();
		assertPrMerge(await branchStatus(s.att), s, { number: 1, status: 'merged', mergedAt: 'set', sha });
		assert.deepEqual(await requestsFor(s, since), [], 'no GitHub request for a merged PR');
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: true, pr_url: url, pr_number: 1, pr_status: 'merged' });
	});

	test('closed without merging -> closed, the task is not done', async () => {
		const s = await setup();
		const url = ok(await post(s.att, '/pr', { json: { title: 'close me' } }));
		const before = await taskStatus(s);
		const c = await standin('POST', `/_control/pulls/${OWNER}/${s.name}/1/close`);
		assert.equal(c.status, 200, c.text);
		const bs = await branchStatus(s.att);
		assertPrMerge(bs, s, { number: 1, status: 'closed' });
		assert.deepEqual(mergeRows(s.att), [['pr', '1', url, 'closed', 'main', 'NULL', 'NULL', 'NULL']]);
		assert.equal(await taskStatus(s), before);
		assert.equal((await listedTask(s)).has_merged_attempt, false);
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: true, pr_url: url, pr_number: 1, pr_status: 'closed' });
	});

	test('GitHub unreachable or failing during the refresh: branch-status still answers, PR stays open', async () => {
		const s = await setup();
		const url = ok(await post(s.att, '/pr', { json: { title: 'flaky' } }));
		await standin('POST', '/_control/fail', { method: 'GET', path: `/repos/${OWNER}/${s.name}/pulls/1`,
			status: 500, body: { message: 'Server Error' } });
		assertPrMerge(await branchStatus(s.att), s, { number: 1, status: 'open' });
		await standin('POST', '/_control/fail', { method: 'GET', path: `/repos/${OWNER}/${s.name}/pulls/1`,
			status: 404, body: { message: 'Not Found' } });
		assertPrMerge(await branchStatus(s.att), s, { number: 1, status: 'open' });
		await standin('POST', '/_control/fail', { method: 'GET', path: `/repos/${OWNER}/${s.name}/pulls/1`,
			status: 0 });
		assertPrMerge(await branchStatus(s.att), s, { number: 1, status: 'open' });
		assert.deepEqual(mergeRows(s.att), [['pr', '1', url, 'open', 'main', 'NULL', 'NULL', 'NULL']]);
		assert.notEqual(await taskStatus(s), 'done');
	});
});

/* -------------------------------------------------------------- attach */

describe('POST /api/task-attempts/{id}/pr/attach', { skip: SKIP }, () => {
	test('none on GitHub -> pr_attached false; a PR opened on GitHub only -> found and stored', async () => {
		const s = await setup();
		let since = await lastSeq();
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: false, pr_url: null, pr_number: null, pr_status: null });
		let reqs = await requestsFor(s, since);
		assert.equal(reqs.length, 1, `one search: ${JSON.stringify(reqs)}`);
		assert.equal(reqs[0].method, 'GET');
		assert.deepEqual(splitPath(reqs[0].path), { pathname: `/repos/${OWNER}/${s.name}/pulls`,
			query: { state: 'all', head: `${OWNER}:${s.branch}` } });
		assertGithubHeaders(reqs[0]);
		assert.equal(mergeCount(s.att), 0, 'nothing stored');
		assert.deepEqual((await branchStatus(s.att)).merges, []);

		// A PR of another branch does not count.
		git(s.repo, 'branch', 'unrelated', 'main');
		git(s.repo, 'checkout', '-q', 'unrelated');
		writeFile(s.repo, 'u.txt', 'u\n');
		git(s.repo, 'add', 'u.txt');
		git(s.repo, 'commit', '-q', '-m', 'unrelated');
		git(s.repo, 'checkout', '-q', 'main');
		git(s.repo, 'push', '-q', 'origin', 'unrelated');
		const other = await github('POST', `/repos/${OWNER}/${s.name}/pulls`,
		    { title: 'other', head: 'unrelated', base: 'main' });
		assert.equal(other.status, 201, other.text);
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: false, pr_url: null, pr_number: null, pr_status: null });
		assert.equal(mergeCount(s.att), 0);

		const pr = await prOnGithubOnly(s);
		assert.equal(pr.number, 2);
		const url = prUrl(s, 2);
		assert.equal(pr.html_url, url);
		since = await lastSeq();
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: true, pr_url: url, pr_number: 2, pr_status: 'open' });
		reqs = (await requestsFor(s, since)).filter((r) => r.path.includes('?'));
		assert.equal(reqs.length, 1);
		assert.deepEqual(mergeRows(s.att), [['pr', '2', url, 'open', 'main', 'NULL', 'NULL', 'NULL']]);
		assertPrMerge(await branchStatus(s.att), s, { number: 2, status: 'open' });
		assert.notEqual(await taskStatus(s), 'done');

		// Attached once: the next attach returns the stored PR without searching.
		since = await lastSeq();
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: true, pr_url: url, pr_number: 2, pr_status: 'open' });
		assert.deepEqual((await requestsFor(s, since)).filter((r) => r.path.includes('?')), []);
		assert.equal(mergeCount(s.att), 1);

		// It is refreshed like a PR Swarm opened.
		await standin('POST', `/_control/pulls/${OWNER}/${s.name}/2/merge`);
		const bs = await branchStatus(s.att);
		assert.equal(bs.merges[0].pr_info.status, 'merged');
		assert.match(bs.merges[0].pr_info.merge_commit_sha, /^[0-9a-f]{40}$/);
		assert.equal(await taskStatus(s), 'done');
	});

	test('a PR already merged on GitHub -> stored merged, the task done', async () => {
		const s = await setup();
		await prOnGithubOnly(s);
		const sha = '0123456789abcdef0123456789abcdef01234567';
		const m = await standin('POST', `/_control/pulls/${OWNER}/${s.name}/1/merge`, { merge_commit_sha: sha });
		assert.equal(m.status, 200, m.text);
		const url = prUrl(s, 1);
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: true, pr_url: url, pr_number: 1, pr_status: 'merged' });
		const rows = mergeRows(s.att);
		assert.equal(rows.length, 1);
		assert.deepEqual([rows[0][0], rows[0][1], rows[0][2], rows[0][3], rows[0][4], rows[0][7]],
		    ['pr', '1', url, 'merged', 'main', sha]);
		assert.match(rows[0][6], TS_RE, 'pr_merged_at stored');
		assert.equal(await taskStatus(s), 'done');
		assert.equal((await listedTask(s)).has_merged_attempt, true);
		assertPrMerge(await branchStatus(s.att), s, { number: 1, status: 'merged', mergedAt: 'set', sha });
	});

	test('a closed PR on GitHub -> stored closed, the task not done', async () => {
		const s = await setup();
		await prOnGithubOnly(s);
		await standin('POST', `/_control/pulls/${OWNER}/${s.name}/1/close`);
		const before = await taskStatus(s);
		const url = prUrl(s, 1);
		assert.deepEqual(ok(await post(s.att, '/pr/attach')),
		    { pr_attached: true, pr_url: url, pr_number: 1, pr_status: 'closed' });
		assert.deepEqual(mergeRows(s.att), [['pr', '1', url, 'closed', 'main', 'NULL', 'NULL', 'NULL']]);
		assert.equal(await taskStatus(s), before);
		assertPrMerge(await branchStatus(s.att), s, { number: 1, status: 'closed' });
	});

	test('GitHub refusing or failing the search -> error, nothing stored', async () => {
		const s = await setup();
		await prOnGithubOnly(s);
		const pulls = `/repos/${OWNER}/${s.name}/pulls`;
		await standin('POST', '/_control/fail', { method: 'GET', path: pulls, status: 401,
			body: { message: 'Bad credentials' } });
		const res = await post(s.att, '/pr/attach');
		fails(res, 400);
		assert.deepEqual(res.json.error_data, { type: 'github_cli_not_logged_in' }, res.text);
		await standin('POST', '/_control/fail', { method: 'GET', path: pulls, status: 502,
			body: { message: 'Bad Gateway' } });
		fails(await post(s.att, '/pr/attach'), 502);
		assert.equal(mergeCount(s.att), 0);
		assert.equal(ok(await post(s.att, '/pr/attach')).pr_attached, true);
	});
});

describe('nothing to propose', () => {
	test('an attempt with no commits of its own -> 409 "No commits between", nothing stored', async () => {
		const s = await setup();
		const task = await createTask(s.proj.id, { title: 'idle', description: 'no changes' });
		const att = await runAttempt(task, 'main');
		const res = await post(att, '/pr', { json: { title: 'empty' } });
		assert.equal(res.status, 409, res.text);
		assert.match(res.json.message, /No commits between/);
		assert.equal(mergeCount(att), 0);
	});
});
