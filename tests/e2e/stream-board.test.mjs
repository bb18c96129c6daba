// stream-board.test.mjs: /api/tasks/stream/ws?project_id= through nginx to
// swarm-stream: the snapshot of a project's tasks, then add / replace /
// remove patches after REST writes, and refused upgrades for bad input.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
	api, assertTaskWithStatusShape, createProject, createTask, deleteProjectQuietly, makeRepo,
	makeScratch, ok, removeScratch,
} from './lib/stack.mjs';
import { assertRefused, openStream } from './lib/ws.mjs';

const INITIAL = { tasks: {}, shared_tasks: {} };

let scratch;
let seq = 0;
const projects = [];
const streams = [];

before(() => {
	scratch = makeScratch('stream-board');
});

after(async () => {
	for (const s of streams)
		await s.close();
	for (const id of projects)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

async function newProject()
{
	const repo = makeRepo(path.join(scratch, `r${++seq}`));
	const p = await createProject(repo);
	projects.push(p.id);
	return p;
}

function board(projectId)
{
	const s = openStream(`/api/tasks/stream/ws?project_id=${projectId}`, INITIAL);
	streams.push(s);
	return s;
}

test('the first message is the whole board: replace /tasks and /shared_tasks', async () => {
	const p = await newProject();
	const a = await createTask(p.id, { title: 'first' });
	const b = await createTask(p.id, { title: 'second', description: 'd' });
	const s = board(p.id);
	await s.until(() => s.msgs.length >= 1, undefined, 'the snapshot');
	const ops = s.msgs[0].JsonPatch;
	assert.deepEqual(ops.map((o) => [o.op, o.path]),
	    [['replace', '/tasks'], ['replace', '/shared_tasks']]);
	assert.deepEqual(Object.keys(s.doc.tasks).sort(), [a.id, b.id].sort());
	assert.deepEqual(s.doc.shared_tasks, {});
	// The values are the REST list's TaskWithAttemptStatus objects.
	const list = ok(await api('GET', `/api/tasks?project_id=${p.id}`));
	for (const t of list) {
		assertTaskWithStatusShape(s.doc.tasks[t.id]);
		assert.deepEqual(s.doc.tasks[t.id], t);
	}
});

test('a created task arrives as add, an edit as replace, a delete as remove', async () => {
	const p = await newProject();
	const s = board(p.id);
	await s.until(() => s.msgs.length >= 1, undefined, 'the snapshot');
	const t = await createTask(p.id, { title: 'live one' });
	await s.until((d) => d.tasks[t.id], undefined, 'the new task');
	const addMsg = s.msgs.find((m) => m.JsonPatch?.some((o) => o.path === `/tasks/${t.id}`));
	assert.equal(addMsg.JsonPatch.find((o) => o.path === `/tasks/${t.id}`).op, 'add');
	assert.equal(s.doc.tasks[t.id].title, 'live one');
	assert.equal(s.doc.tasks[t.id].status, 'todo');

	ok(await api('PUT', `/api/tasks/${t.id}`, { json: { title: 'renamed', status: 'inreview' } }));
	await s.until((d) => d.tasks[t.id].title === 'renamed', undefined, 'the edit');
	assert.equal(s.doc.tasks[t.id].status, 'inreview');
	const last = s.msgs[s.msgs.length - 1].JsonPatch;
	assert.deepEqual(last.map((o) => [o.op, o.path]), [['replace', `/tasks/${t.id}`]]);

	const del = await api('DELETE', `/api/tasks/${t.id}`);
	assert.ok(del.status === 200 || del.status === 202, `delete: ${del.status}`);
	await s.until((d) => !(t.id in d.tasks), undefined, 'the removal');
	assert.deepEqual(s.msgs[s.msgs.length - 1].JsonPatch, [{ op: 'remove', path: `/tasks/${t.id}` }]);
});

test('two clients of one board get the same patches; another project is not mixed in', async () => {
	const p = await newProject();
	const q = await newProject();
	const s1 = board(p.id);
	const s2 = board(p.id);
	const other = board(q.id);
	await Promise.all([s1, s2, other].map((s) => s.until(() => s.msgs.length >= 1)));
	const t = await createTask(p.id, { title: 'shared view' });
	const u = await createTask(q.id, { title: 'elsewhere' });
	await s1.until((d) => d.tasks[t.id]);
	await s2.until((d) => d.tasks[t.id]);
	await other.until((d) => d.tasks[u.id]);
	assert.deepEqual(s1.doc, s2.doc);
	assert.ok(!(u.id in s1.doc.tasks));
	assert.ok(!(t.id in other.doc.tasks));
});

test('a write made straight in the database reaches the board by the periodic check', async () => {
	const p = await newProject();
	const t = await createTask(p.id, { title: 'before' });
	const s = board(p.id);
	await s.until((d) => d.tasks[t.id]);
	// No notification is sent for this write: only the fingerprint check sees it.
	const { sql, q } = await import('./lib/stack.mjs');
	sql(`UPDATE tasks SET title = 'changed behind the API', updated_at = UTC_TIMESTAMP(6) ` +
	    `WHERE id = ${q(t.id)}`);
	await s.until((d) => d.tasks[t.id].title === 'changed behind the API', undefined,
	    'the title changed in the database');
});

test('bad ids and paths are refused before the upgrade', async () => {
	await assertRefused('/api/tasks/stream/ws', 400, "query parameter 'project_id' is required");
	await assertRefused('/api/tasks/stream/ws?project_id=nope', 400,
	    "query parameter 'project_id' must be a UUID");
	await assertRefused(`/api/tasks/stream/ws?project_id=${crypto.randomUUID()}`, 404,
	    'project not found');
	await assertRefused(`/api/task-attempts/${crypto.randomUUID()}/diff/ws`, 404,
	    'task attempt not found');
	await assertRefused('/api/task-attempts/not-a-uuid/diff/ws', 400, 'invalid id');
	await assertRefused(`/api/task-attempts/${crypto.randomUUID()}/diff/ws?stats_only=maybe`, 400,
	    "query parameter 'stats_only' must be true or false");
	await assertRefused(`/api/execution-processes/${crypto.randomUUID()}/raw-logs/ws`, 404,
	    'execution process not found');
	await assertRefused(`/api/execution-processes/${crypto.randomUUID()}/normalized-logs/ws`, 404,
	    'execution process not found');
	await assertRefused(`/api/execution-processes/stream/ws?task_attempt_id=${crypto.randomUUID()}`,
	    404, 'task attempt not found');
	await assertRefused('/api/execution-processes/stream/ws', 400,
	    "query parameter 'task_attempt_id' is required");
	// The stream still serves good requests afterwards.
	const p = await newProject();
	const s = board(p.id);
	await s.until(() => s.msgs.length >= 1, undefined, 'a snapshot after the refusals');
});
