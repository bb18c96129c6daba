// stream-logs.test.mjs: the raw and normalized log streams of a process and
// the process-list stream of an attempt, through nginx to swarm-stream:
// history then live lines in order, {"finished":true} at the end, the same
// entries as the REST replies, and the whole history for a late client.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
	api, createTask, deleteProjectQuietly, makeScratch, ok, removeScratch,
} from './lib/stack.mjs';
import {
	listProcesses, newRepoProject, poll, startAttempt, waitChainDone,
} from './lib/attempt-helpers.mjs';
import { openStream } from './lib/ws.mjs';

let scratch;
let seq = 0;
const projects = [];

before(() => {
	scratch = makeScratch('stream-logs');
});

after(async () => {
	for (const id of projects)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

async function project(extra)
{
	const ctx = await newRepoProject(path.join(scratch, `r${++seq}`), extra);
	projects.push(ctx.project.id);
	return ctx;
}

/* The raw stream's entries as the REST reply's LogMsgs. */
function asLogMsgs(entries)
{
	return entries.map((e) => (e.type === 'STDOUT' ? { Stdout: e.content } :
	    { Stderr: e.content }));
}

test('raw logs: history, then live lines in order, then finished', async () => {
	const slow = 'for i in 1 2 3 4 5 6; do echo line-$i; sleep 0.3; done; echo oops >&2';
	const { project: p } = await project({ setup_script: slow });
	const task = await createTask(p.id, { title: 'logs', description: 'WRITE a.txt a' });
	const attempt = await startAttempt(task.id);
	const setup = await poll(async () => (await listProcesses(attempt.id))
	    .find((x) => x.run_reason === 'setupscript'), 10000, 'the setup process');
	// Connect while the script is still printing: the first lines are
	// history, the rest arrive live.
	const s = openStream(`/api/execution-processes/${setup.id}/raw-logs/ws`, { entries: [] });
	await s.opened;
	await s.until((d, st) => st.finished, 20000, 'finished');
	const lines = s.doc.entries.filter((e) => e.type === 'STDOUT').map((e) => e.content.trim());
	assert.deepEqual(lines.filter((l) => l.startsWith('line-')),
	    ['line-1', 'line-2', 'line-3', 'line-4', 'line-5', 'line-6']);
	assert.ok(s.doc.entries.some((e) => e.type === 'STDERR' && e.content.includes('oops')));
	// Every op is an add at the next index.
	let n = 0;
	for (const m of s.msgs.filter((x) => x.JsonPatch))
		for (const op of m.JsonPatch) {
			assert.equal(op.op, 'add');
			assert.equal(op.path, `/entries/${n++}`);
		}
	assert.deepEqual(s.msgs[s.msgs.length - 1], { finished: true });
	const closed = await s.closed;
	assert.equal(closed.code, 1000);
	// The same entries as the REST form.
	const rest = ok(await api('GET', `/api/execution-processes/${setup.id}/raw-logs`));
	assert.deepEqual(asLogMsgs(s.doc.entries), rest.entries);
	await waitChainDone(attempt);
});

test('a client that connects after the end gets the whole history and finished', async () => {
	const { project: p } = await project({ setup_script: 'echo one; echo two; echo three' });
	const task = await createTask(p.id, { title: 'late', description: 'WRITE b.txt b' });
	const attempt = await startAttempt(task.id);
	const procs = await waitChainDone(attempt);
	for (const proc of procs) {
		const raw = openStream(`/api/execution-processes/${proc.id}/raw-logs/ws`, { entries: [] });
		await raw.until((d, st) => st.finished, undefined, 'finished (raw)');
		const rest = ok(await api('GET', `/api/execution-processes/${proc.id}/raw-logs`));
		assert.deepEqual(asLogMsgs(raw.doc.entries), rest.entries, `raw logs of ${proc.run_reason}`);
		assert.equal((await raw.closed).code, 1000);

		const norm = openStream(`/api/execution-processes/${proc.id}/normalized-logs/ws`,
		    { entries: [] });
		await norm.until((d, st) => st.finished, undefined, 'finished (normalized)');
		const restNorm = ok(await api('GET',
		    `/api/execution-processes/${proc.id}/normalized-logs`));
		assert.deepEqual(norm.doc.entries, restNorm.entries,
		    `normalized logs of ${proc.run_reason}`);
		for (const e of norm.doc.entries)
			assert.equal(e.type, 'NORMALIZED_ENTRY');
	}
	const agent = procs.find((x) => x.run_reason === 'codingagent');
	const norm = openStream(`/api/execution-processes/${agent.id}/normalized-logs/ws`,
	    { entries: [] });
	await norm.until((d, st) => st.finished);
	assert.ok(norm.doc.entries.some((e) => e.content.entry_type.type === 'assistant_message' &&
	    e.content.content.includes('b.txt')), JSON.stringify(norm.doc.entries));
});

test('the process list of an attempt: snapshot, then each process as it starts and ends', async () => {
	const { project: p } = await project({ setup_script: 'sleep 0.5; echo set up' });
	const task = await createTask(p.id, { title: 'procs', description: 'SLEEP 0.5\nWRITE c.txt c' });
	const attempt = await startAttempt(task.id);
	const s = openStream(`/api/execution-processes/stream/ws?task_attempt_id=${attempt.id}`,
	    { execution_processes: {} });
	await s.until(() => s.msgs.length >= 1, undefined, 'the snapshot');
	assert.deepEqual(s.msgs[0].JsonPatch.map((o) => [o.op, o.path]),
	    [['replace', '/execution_processes']]);
	const procs = await waitChainDone(attempt);
	await s.until((d) => procs.every((x) => d.execution_processes[x.id]?.status === x.status &&
	    d.execution_processes[x.id]?.completed_at !== null), 10000, 'every process ended');
	for (const x of procs)
		assert.deepEqual(s.doc.execution_processes[x.id], x);
	// The coding agent's process arrived as an add after the snapshot.
	const agent = procs.find((x) => x.run_reason === 'codingagent');
	assert.ok(s.msgs.slice(1).some((m) => m.JsonPatch?.some((o) => o.op === 'add' &&
	    o.path === `/execution_processes/${agent.id}`)), 'add of the agent process');
	assert.equal(s.finished, false, 'the list stream does not finish');
	await s.close();
});
