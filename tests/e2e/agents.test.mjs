// agents.test.mjs: coding agents that hold a conversation over stdio, driven
// by swarm-runner: the Agent Client Protocol (GEMINI, QWEN_CODE) and Codex's
// app-server (CODEX). The agents are the stand-ins fixtures/acp-agent.mjs and
// fixtures/codex-agent.mjs, wired in by fixtures/executors-test.json variants
// (tests/run.sh sets SWARM_TEST_FIXTURES, CODEX_HOME=$SWARM_VAR/codex-home and
// SWARM_AGENT_HANDSHAKE_MS=5000). They obey the prompt lines WRITE path text,
// DELETE path, SLEEP s, FAIL code, as script-agent.sh does; no test runs a
// real coding agent.
//
// Each test follows an attempt through the API: the process ends completed
// with the auto-commit (its message the agent's last message), the
// normalized logs show the user prompt, the assistant text joined from its
// chunks and the tool calls with their final status; follow-ups resume the
// session; a hung agent, a Codex that is not logged in and a stop end the
// run as they should. The file leaves no runner behind.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	SWARM_VAR, api, createProject, createTask, deleteProjectQuietly, git, makeRepo, makeScratch, ok,
	pause, q, removeScratch, sql,
} from './lib/stack.mjs';
import { isAlive, waitFor } from './lib/procs.mjs';

const GEMINI = { executor: 'GEMINI', variant: 'STANDIN' };
const GEMINI_NOLOAD = { executor: 'GEMINI', variant: 'STANDIN_NOLOAD' };
const GEMINI_ASK = { executor: 'GEMINI', variant: 'STANDIN_ASK' };
const GEMINI_MUTE = { executor: 'GEMINI', variant: 'MUTE' };
const QWEN = { executor: 'QWEN_CODE', variant: 'STANDIN' };
const CODEX = { executor: 'CODEX', variant: 'STANDIN' };
const CODEX_APPROVALS = { executor: 'CODEX', variant: 'STANDIN_APPROVALS' };
const CODEX_LOGGED_OUT = { executor: 'CODEX', variant: 'LOGGED_OUT' };

let scratch;
let seq = 0;
const projects = [];
const attempts = [];

before(() => {
	scratch = makeScratch('agents');
});

after(async () => {
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

async function newProject()
{
	const tag = `g${++seq}`;
	const repo = makeRepo(path.join(scratch, tag));
	fs.writeFileSync(path.join(repo, 'README.md'), `# ${tag}\n`);
	git(repo, 'add', '.');
	git(repo, 'commit', '-q', '-m', 'readme');
	const project = await createProject(repo, { name: `agents ${tag}` });
	projects.push(project.id);
	return { repo, project };
}

async function startAttempt(projectId, profile, title, description)
{
	const task = await createTask(projectId, { title, description });
	const a = ok(await api('POST', '/api/task-attempts', { json: { task_id: task.id,
	    executor_profile_id: profile, base_branch: 'main' } }));
	attempts.push(a.id);
	return a;
}

async function listProcesses(attemptId)
{
	return ok(await api('GET', `/api/execution-processes?task_attempt_id=${attemptId}`));
}

async function poll(fn, ms, what)
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

function runnerPids(attemptIds)
{
	const rows = sql('SELECT DISTINCT runner_pid FROM execution_processes WHERE runner_pid IS NOT NULL ' +
	    `AND task_attempt_id IN (${attemptIds.map(q).join(', ')})`);
	return rows.map((r) => Number(r[0]));
}

/* The chain is over (task in review, runner gone); its processes, oldest first. */
async function waitChainDone(a, ms = 20000)
{
	const procs = await poll(async () => {
		const list = await listProcesses(a.id);
		if (list.length === 0 || list.some((p) => p.status === 'running'))
			return null;
		const t = ok(await api('GET', `/api/tasks/${a.task_id}`));
		return t.status === 'inreview' ? list : null;
	}, ms, `the chain of attempt ${a.id} to end`);
	const pids = runnerPids([a.id]);
	assert.ok(await waitFor(() => pids.every((p) => !isAlive(p)), 5000), 'the runner exited');
	return procs;
}

async function followUp(a, prompt)
{
	const p = ok(await api('POST', `/api/task-attempts/${a.id}/follow-up`, { json: { prompt } }));
	assert.equal(p.executor_action.typ.type, 'CodingAgentFollowUpRequest');
	const procs = await waitChainDone(a);
	return procs.find((x) => x.id === p.id);
}

async function rawLogs(id)
{
	return ok(await api('GET', `/api/execution-processes/${id}/raw-logs`)).entries;
}

async function entries(id)
{
	return ok(await api('GET', `/api/execution-processes/${id}/normalized-logs`)).entries
	    .map((e) => e.content);
}

function session(processId)
{
	return sql(`SELECT session_id, summary FROM executor_sessions WHERE execution_process_id = ${
	    q(processId)}`)[0];
}

function subjects(repo, branch)
{
	return git(repo, 'log', '--format=%s', branch).trim().split('\n');
}

function tools(list)
{
	return list.filter((e) => e.entry_type.type === 'tool_use');
}

function byType(list, type)
{
	return list.filter((e) => e.entry_type.type === type);
}

/* Live processes of a process group. */
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

/* --------------------------------------------------------------------- ACP */

describe('Agent Client Protocol (GEMINI, QWEN_CODE)', () => {
	test('an attempt edits files, commits with the summary, and its logs read back',
	    { timeout: 60000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, GEMINI, 'acp edits',
		    'WRITE hello.txt hello world\nDELETE README.md');
		const procs = await waitChainDone(a);
		assert.equal(procs.length, 1);
		const [p] = procs;
		assert.equal(p.status, 'completed');
		assert.equal(p.exit_code, 0);

		const summary = 'Done: wrote hello.txt; deleted README.md';
		assert.deepEqual(subjects(ctx.repo, a.branch), [summary, 'readme', 'init']);
		assert.equal(git(ctx.repo, 'show', `${a.branch}:hello.txt`), 'hello world\n');
		assert.ok(!git(ctx.repo, 'ls-tree', '--name-only', a.branch).split('\n').includes('README.md'));
		assert.equal(git(a.container_ref, 'status', '--porcelain'), '');

		// The raw log: our messages (swarm_sent) and the agent's, chunked.
		const raw = await rawLogs(p.id);
		const lines = raw.filter((e) => 'Stdout' in e).map((e) => JSON.parse(e.Stdout));
		const sentMethods = lines.filter((l) => l.swarm_sent && l.swarm_sent.method)
		    .map((l) => l.swarm_sent.method);
		assert.deepEqual(sentMethods, ['initialize', 'session/new', 'session/prompt']);
		const init = lines.find((l) => l.swarm_sent && l.swarm_sent.method === 'initialize');
		assert.deepEqual(init.swarm_sent.params, { protocolVersion: 1,
		    clientCapabilities: { fs: { readTextFile: false, writeTextFile: false }, terminal: false } });
		const permission = lines.find((l) => l.method === 'session/request_permission');
		assert.ok(permission, 'the agent asked for permission');
		const answer = lines.find((l) => l.swarm_sent && l.swarm_sent.id === permission.id &&
		    l.swarm_sent.result);
		assert.deepEqual(answer.swarm_sent.result, { outcome: { outcome: 'selected',
		    optionId: 'proceed_always' } }, 'the yolo variant allows');
		const chunks = lines.filter((l) => l.method === 'session/update' &&
		    l.params.update.sessionUpdate === 'agent_message_chunk');
		assert.ok(chunks.length > 1, 'the last message came in chunks');

		// Normalized: the prompt, the joined message, the tools with their end.
		const list = await entries(p.id);
		assert.deepEqual(byType(list, 'user_message').map((e) => e.content),
		    ['acp edits\n\nWRITE hello.txt hello world\nDELETE README.md']);
		assert.deepEqual(byType(list, 'assistant_message').map((e) => e.content), [summary]);
		assert.deepEqual(byType(list, 'thinking').map((e) => e.content), ['Reading the request.']);
		const [write, rm, plan] = [tools(list).find((e) => e.entry_type.action_type.action === 'file_edit'),
		    tools(list).find((e) => e.entry_type.action_type.action === 'command_run'),
		    tools(list).find((e) => e.entry_type.action_type.action === 'todo_management')];
		assert.equal(write.entry_type.tool_name, 'Writing to hello.txt');
		assert.deepEqual(write.entry_type.status, { status: 'success' });
		assert.ok(write.entry_type.action_type.path.endsWith('hello.txt'));
		assert.deepEqual(write.entry_type.action_type.changes, [{ action: 'write', content: 'hello world\n' }]);
		assert.equal(write.metadata.tool_call_id, 'write_file-1');
		assert.deepEqual(rm.entry_type.action_type, { action: 'command_run', command: 'rm -f README.md',
		    result: { exit_status: { type: 'success', success: true }, output: 'removed README.md\n' } });
		assert.deepEqual(rm.entry_type.status, { status: 'success' });
		assert.deepEqual(plan.entry_type.action_type.todos, [{ content: 'Do what the prompt says',
		    status: 'in_progress', priority: 'high' }]);
		assert.equal(byType(list, 'error_message').length, 0, JSON.stringify(list));

		// The session: the ACP sessionId; the summary is the last message.
		const [sid, stored] = session(p.id);
		const created = lines.find((l) => l.result && l.result.sessionId);
		assert.equal(sid, created.result.sessionId);
		assert.equal(stored, summary);
	});

	test('a follow-up loads the session when the agent can, else resends the history',
	    { timeout: 90000 }, async () => {
		for (const [profile, resumed, sameSession] of [
			[GEMINI, '(resumed by session/load with 2 earlier messages)', true],
			[GEMINI_NOLOAD, '(resumed from a resume prompt with 1 earlier prompts)', false],
			[QWEN, '(resumed from a resume prompt with 1 earlier prompts)', false]]) {
			const ctx = await newProject();
			const a = await startAttempt(ctx.project.id, profile, 'follow me', 'WRITE one.txt 1');
			const [first] = await waitChainDone(a);
			const [sid1] = session(first.id);
			assert.ok(sid1, `${profile.executor}/${profile.variant}: a session id`);

			const p = await followUp(a, 'WRITE two.txt 2');
			assert.equal(p.status, 'completed', `${profile.variant}: ${JSON.stringify(p)}`);
			assert.equal(p.executor_action.typ.session_id, sid1);
			const summary = `Done: wrote two.txt ${resumed}`;
			assert.deepEqual(subjects(ctx.repo, a.branch).slice(0, 2),
			    [summary, 'Done: wrote one.txt'], `${profile.variant} commits`);
			const [sid2] = session(p.id);
			if (sameSession)
				assert.equal(sid2, sid1, 'session/load keeps the session');
			else
				assert.notEqual(sid2, sid1, 'a new session carries the history');
			// The follow-up's log shows its own prompt, not the history.
			const list = await entries(p.id);
			assert.deepEqual(byType(list, 'user_message').map((e) => e.content), ['WRITE two.txt 2']);
			assert.deepEqual(byType(list, 'assistant_message').map((e) => e.content), [summary]);
			const raw = (await rawLogs(p.id)).filter((e) => 'Stdout' in e).map((e) => JSON.parse(e.Stdout));
			const methods = raw.filter((l) => l.swarm_sent && l.swarm_sent.method)
			    .map((l) => l.swarm_sent.method);
			assert.deepEqual(methods, ['initialize', sameSession ? 'session/load' : 'session/new',
			    'session/prompt']);
			if (!sameSession) {
				const prompt = raw.find((l) => l.swarm_sent &&
				    l.swarm_sent.method === 'session/prompt').swarm_sent.params.prompt;
				assert.equal(prompt.length, 2);
				assert.match(prompt[0].text, /^RESUME CONTEXT FOR CONTINUING TASK/);
				assert.ok(prompt[0].text.includes('{"user":"follow me\\n\\nWRITE one.txt 1"}\n' +
				    '{"assistant":"Done: wrote one.txt"}'), prompt[0].text);
				assert.equal(prompt[1].text, 'WRITE two.txt 2');
			}
		}
	});

	test('without yolo the agent is refused, a failing prompt fails the run', { timeout: 60000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, GEMINI_ASK, 'ask first', 'WRITE no.txt x');
		const [p] = await waitChainDone(a);
		assert.equal(p.status, 'completed');
		assert.ok(!fs.existsSync(path.join(a.container_ref, 'no.txt')), 'the write was refused');
		const list = await entries(p.id);
		const write = tools(list).find((e) => e.entry_type.action_type.action === 'file_edit');
		assert.deepEqual(write.entry_type.status, { status: 'failed' });
		assert.deepEqual(byType(list, 'assistant_message').map((e) => e.content),
		    ['Done: was not allowed to write no.txt']);
		assert.deepEqual(subjects(ctx.repo, a.branch), ['readme', 'init'], 'nothing to commit');

		const b = await startAttempt(ctx.project.id, GEMINI, 'fail', 'WRITE f.txt f\nFAIL 3');
		const [f] = await waitChainDone(b);
		assert.equal(f.status, 'failed');
		assert.equal(f.exit_code, 1);
		const errors = byType(await entries(f.id), 'error_message').map((e) => e.content);
		assert.deepEqual(errors, ['failed with 3 as asked']);
		assert.deepEqual(subjects(ctx.repo, b.branch), ['readme', 'init'], 'no auto-commit after a failure');
	});

	test('an agent that never answers the handshake fails within the bound', { timeout: 40000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, GEMINI_MUTE, 'hang', 'WRITE x.txt x');
		const running = await poll(async () => (await listProcesses(a.id)).find((p) =>
		    p.status === 'running'), 10000, 'the agent to run');
		const pgid = await poll(() => Number(sql('SELECT IFNULL(pgid, 0) FROM execution_processes ' +
		    `WHERE id = ${q(running.id)}`)[0][0]) || null, 10000, 'its process group');
		// SWARM_AGENT_HANDSHAKE_MS=5000 in the test stack; allow for a slow box.
		const [p] = await waitChainDone(a, 30000);
		assert.equal(p.id, running.id);
		assert.equal(p.status, 'failed');
		assert.equal(p.exit_code, 1);
		const said = (await rawLogs(p.id)).filter((e) => 'Stderr' in e).map((e) => e.Stderr);
		assert.deepEqual(said, ['GEMINI did not answer the protocol handshake within 5 s (Agent ' +
		    'Client Protocol); is it the agent this executor expects?\n']);
		assert.ok(byType(await entries(p.id), 'error_message')[0].content.includes('did not answer'));
		assert.ok(await waitFor(() => groupMembers(pgid).length === 0, 5000), 'its group is gone');
	});

	test('stop ends a running conversation', { timeout: 40000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, GEMINI, 'stop me', 'SLEEP 60\nWRITE late.txt x');
		const running = await poll(async () => (await listProcesses(a.id)).find((p) =>
		    p.status === 'running'), 10000, 'the agent to run');
		const pgid = await poll(() => Number(sql('SELECT IFNULL(pgid, 0) FROM execution_processes ' +
		    `WHERE id = ${q(running.id)}`)[0][0]) || null, 10000, 'its process group');
		// Stop once the conversation is under way (the prompt was sent).
		await poll(async () => (await rawLogs(running.id)).some((e) => 'Stdout' in e &&
		    e.Stdout.includes('"session/prompt"')), 10000, 'the prompt to be sent');
		assert.equal(ok(await api('POST', `/api/execution-processes/${running.id}/stop`)), null);
		const [p] = await waitChainDone(a, 10000);
		assert.equal(p.status, 'killed');
		assert.equal(p.exit_code, null);
		assert.ok(await waitFor(() => groupMembers(pgid).length === 0, 6000), 'its group is gone');
		assert.ok(!fs.existsSync(path.join(a.container_ref, 'late.txt')));
	});
});

/* ------------------------------------------------------------------- Codex */

describe('Codex app-server (CODEX)', () => {
	test('an attempt edits files, commits with the summary, and a follow-up resumes the rollout',
	    { timeout: 60000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, CODEX, 'codex edits',
		    'WRITE hello.txt hello codex\nDELETE README.md');
		const [p] = await waitChainDone(a);
		assert.equal(p.status, 'completed');
		assert.equal(p.exit_code, 0);
		const summary = 'Done: wrote hello.txt; deleted README.md';
		assert.deepEqual(subjects(ctx.repo, a.branch), [summary, 'readme', 'init']);
		assert.equal(git(ctx.repo, 'show', `${a.branch}:hello.txt`), 'hello codex\n');

		const raw = (await rawLogs(p.id)).filter((e) => 'Stdout' in e).map((e) => JSON.parse(e.Stdout));
		const sent = raw.filter((l) => l.swarm_sent && l.swarm_sent.method).map((l) => l.swarm_sent.method);
		assert.deepEqual(sent, ['initialize', 'initialized', 'getAuthStatus', 'newConversation',
		    'addConversationListener', 'sendUserMessage']);
		assert.ok(raw.every((l) => !('jsonrpc' in (l.swarm_sent || l))), 'no "jsonrpc" member');
		const conv = raw.find((l) => l.swarm_sent && l.swarm_sent.method === 'newConversation');
		assert.deepEqual(conv.swarm_sent.params, { cwd: a.container_ref, approvalPolicy: 'never' });
		const answers = raw.filter((l) => l.swarm_sent && l.swarm_sent.result)
		    .map((l) => l.swarm_sent.result.decision);
		assert.deepEqual(answers, ['approved', 'approved'], 'approval policy never approves');
		assert.ok(raw.filter((l) => l.method === 'codex/event/agent_message_delta').length > 1);

		const list = await entries(p.id);
		assert.deepEqual(byType(list, 'user_message').map((e) => e.content),
		    ['codex edits\n\nWRITE hello.txt hello codex\nDELETE README.md']);
		assert.deepEqual(byType(list, 'assistant_message').map((e) => e.content), [summary]);
		const edit = tools(list).find((e) => e.entry_type.action_type.action === 'file_edit');
		assert.deepEqual(edit.entry_type.status, { status: 'success' });
		assert.deepEqual(edit.entry_type.action_type.changes, [{ action: 'write', content: 'hello codex\n' }]);
		assert.equal(edit.content, edit.entry_type.action_type.path, 'no approval pending any more');
		const cmd = tools(list).find((e) => e.entry_type.action_type.action === 'command_run');
		assert.deepEqual(cmd.entry_type.action_type, { action: 'command_run', command: 'rm -f README.md',
		    result: { exit_status: { type: 'exit_code', code: 0 }, output: 'removed README.md\n' } });
		assert.deepEqual(cmd.entry_type.status, { status: 'success' });
		assert.equal(byType(list, 'error_message').length, 0, JSON.stringify(list));

		const [sid, stored] = session(p.id);
		const created = raw.find((l) => l.result && l.result.conversationId);
		assert.equal(sid, created.result.conversationId);
		assert.equal(stored, summary);

		// The follow-up resumes the rollout file of that conversation.
		const f = await followUp(a, 'WRITE two.txt 2');
		assert.equal(f.status, 'completed');
		const fraw = (await rawLogs(f.id)).filter((e) => 'Stdout' in e).map((e) => JSON.parse(e.Stdout));
		const resume = fraw.find((l) => l.swarm_sent && l.swarm_sent.method === 'resumeConversation');
		assert.ok(resume, 'resumeConversation sent');
		assert.match(path.basename(resume.swarm_sent.params.path), new RegExp(`^rollout-.*${sid}\\.jsonl$`));
		assert.equal(path.dirname(path.dirname(path.dirname(path.dirname(resume.swarm_sent.params.path)))),
		    path.join(SWARM_VAR, 'codex-home', 'sessions'));
		assert.equal(subjects(ctx.repo, a.branch)[0],
		    'Done: wrote two.txt (resumed from the rollout with 2 earlier messages)');
		assert.equal(session(f.id)[0], sid, 'the conversation goes on');
		assert.deepEqual(byType(await entries(f.id), 'user_message').map((e) => e.content), ['WRITE two.txt 2']);

		// With the rollout gone the follow-up fails, saying why.
		const dir = path.dirname(resume.swarm_sent.params.path);
		for (const name of fs.readdirSync(dir).filter((n) => n.includes(sid)))
			fs.unlinkSync(path.join(dir, name));
		const g = await followUp(a, 'WRITE three.txt 3');
		assert.equal(g.status, 'failed');
		const said = (await rawLogs(g.id)).map((e) => e.Stderr || '').join('');
		assert.match(said, new RegExp(`cannot resume Codex session ${sid}: its rollout file is gone`));
		assert.ok(!fs.existsSync(path.join(a.container_ref, 'three.txt')));
	});

	test('a Codex that is not logged in fails at once: setup required', { timeout: 40000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, CODEX_LOGGED_OUT, 'logged out', 'WRITE x.txt x');
		const [p] = await waitChainDone(a);
		assert.equal(p.status, 'failed');
		assert.equal(p.exit_code, 1);
		const raw = await rawLogs(p.id);
		const sent = raw.filter((e) => 'Stdout' in e).map((e) => JSON.parse(e.Stdout))
		    .filter((l) => l.swarm_sent && l.swarm_sent.method).map((l) => l.swarm_sent.method);
		assert.deepEqual(sent, ['initialize', 'initialized', 'getAuthStatus'], 'no conversation started');
		const errors = byType(await entries(p.id), 'error_message');
		assert.equal(errors.length, 1, JSON.stringify(errors));
		assert.deepEqual(errors[0].entry_type.error_type, { type: 'setup_required' });
		assert.match(errors[0].content, /Codex is not logged in .*Setup required: run `codex login`/);
		assert.ok(!fs.existsSync(path.join(a.container_ref, 'x.txt')));
	});

	test('approvals the policy does not grant are denied, and shown so', { timeout: 40000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, CODEX_APPROVALS, 'ask codex', 'WRITE no.txt x');
		const [p] = await waitChainDone(a);
		assert.equal(p.status, 'completed');
		assert.ok(!fs.existsSync(path.join(a.container_ref, 'no.txt')));
		const list = await entries(p.id);
		const edit = tools(list).find((e) => e.entry_type.action_type.action === 'file_edit');
		assert.deepEqual(edit.entry_type.status, { status: 'denied', reason: null });
		assert.deepEqual(byType(list, 'assistant_message').map((e) => e.content),
		    ['Done: was not allowed to write no.txt']);
	});

	test('stop ends a running task', { timeout: 40000 }, async () => {
		const ctx = await newProject();
		const a = await startAttempt(ctx.project.id, CODEX, 'stop codex', 'SLEEP 60\nWRITE late.txt x');
		const running = await poll(async () => (await listProcesses(a.id)).find((p) =>
		    p.status === 'running'), 10000, 'the agent to run');
		await poll(async () => (await rawLogs(running.id)).some((e) => 'Stdout' in e &&
		    e.Stdout.includes('task_started')), 10000, 'the task to start');
		assert.equal(ok(await api('POST', `/api/task-attempts/${a.id}/stop`)), null);
		const [p] = await waitChainDone(a, 10000);
		assert.equal(p.status, 'killed');
		assert.ok(!fs.existsSync(path.join(a.container_ref, 'late.txt')));
	});
});
