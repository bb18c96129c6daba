// tasks.test.mjs: /api/tasks and /api/tasks/{id} with good input: shapes,
// round-trips, list order and attempt-status fields, PUT semantics, delete.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	MSG, NASTY, STATUSES, TASK_KEYS, api, assertDbUnchanged, assertLocalTask, assertNewestFirst,
	assertRecent, assertTaskWithStatusShape, createProject, createTask, dbSnapshot, dbTask,
	deleteProjectQuietly, fails, makeRepo, makeScratch, ok, pause, q, randomUuid, rejects,
	removeScratch, sqlCount, taskPart,
} from './lib/stack.mjs';

let scratch;
let proj;
let other;

before(async () => {
	scratch = makeScratch('tasks');
	proj = await createProject(makeRepo(path.join(scratch, 'a')), { name: 'tasks A' });
	other = await createProject(makeRepo(path.join(scratch, 'b')), { name: 'tasks B' });
});

after(async () => {
	for (const p of [proj, other])
		if (p)
			await deleteProjectQuietly(p.id);
	removeScratch(scratch);
});

/* Compares the API task with its MariaDB row. */
function assertStored(t)
{
	const row = dbTask(t.id);
	assert.ok(row, `task ${t.id} is in MariaDB`);
	for (const k of ['project_id', 'title', 'description', 'status', 'parent_task_id',
	    'shared_task_id', 'validation_steps', 'created_at', 'updated_at'])
		assert.equal(row[k], t[k], `stored ${k}`);
}

describe('POST /api/tasks', () => {
	test('minimal body: full Task shape with defaults, stored in MariaDB', async () => {
		const res = await api('POST', '/api/tasks', { json: { project_id: proj.id, title: 'Minimal' } });
		const t = ok(res);
		assertLocalTask(t);
		assert.equal(t.project_id, proj.id);
		assert.equal(t.title, 'Minimal');
		assert.equal(t.description, null);
		assert.equal(t.status, 'todo');
		assert.equal(t.parent_task_id, null);
		assert.equal(t.shared_task_id, null);
		assert.equal(t.validation_steps, null);
		assertRecent(t.created_at, 'created_at');
		assertRecent(t.updated_at, 'updated_at');
		assertStored(t);
	});

	test('all fields round-trip', async () => {
		const parent = await createTask(proj.id, { title: 'parent' });
		const body = {
			project_id: proj.id,
			title: 'Everything',
			description: 'Line 1\nLine 2\n\n- bullet',
			status: 'inreview',
			parent_task_id: parent.id,
			image_ids: [],
			shared_task_id: randomUuid(),
			validation_steps: '["npm test","npm run lint"]',
		};
		const t = ok(await api('POST', '/api/tasks', { json: body }));
		assertLocalTask(t);
		for (const k of ['project_id', 'title', 'description', 'status', 'parent_task_id',
		    'shared_task_id', 'validation_steps'])
			assert.equal(t[k], body[k], k);
		assertStored(t);
		assert.deepEqual(ok(await api('GET', `/api/tasks/${t.id}`)), t);
	});

	test('every status value is accepted', async () => {
		for (const s of STATUSES) {
			const t = await createTask(proj.id, { title: `status ${s}`, status: s });
			assert.equal(t.status, s);
			assert.equal(dbTask(t.id).status, s);
		}
	});

	test('explicit nulls for optional fields mean absent', async () => {
		const t = ok(await api('POST', '/api/tasks', {
			json: { project_id: proj.id, title: 'nulls', description: null, status: null,
				parent_task_id: null, image_ids: null, shared_task_id: null,
				validation_steps: null },
		}));
		assert.equal(t.description, null);
		assert.equal(t.status, 'todo');
		assert.equal(t.parent_task_id, null);
		assert.equal(t.validation_steps, null);
	});

	test('SQL metacharacters, quotes, backslashes, unicode and emoji are stored verbatim',
	    async () => {
		for (const s of NASTY) {
			const t = await createTask(proj.id, { title: s, description: s + '\n\n' + s,
			    validation_steps: JSON.stringify([s]) });
			assert.equal(t.title, s);
			assert.equal(t.description, s + '\n\n' + s);
			assert.equal(t.validation_steps, JSON.stringify([s]));
			const got = ok(await api('GET', `/api/tasks/${t.id}`));
			assert.equal(got.title, s);
			assert.equal(got.description, s + '\n\n' + s);
			assertStored(t);
		}
	});

	test('concurrent creates all land, each once', async () => {
		const p = await createProject(makeRepo(path.join(scratch, 'parallel')), { name: 'parallel' });
		try {
			const made = await Promise.all(Array.from({ length: 24 }, (_, i) =>
			    createTask(p.id, { title: `parallel ${i}` })));
			assert.equal(new Set(made.map((t) => t.id)).size, 24);
			assert.equal(sqlCount(`SELECT COUNT(*) FROM tasks WHERE project_id = ${q(p.id)}`), 24);
			const list = ok(await api('GET', `/api/tasks?project_id=${p.id}`));
			assert.deepEqual(list.map((t) => t.title).sort(), made.map((t) => t.title).sort());
			assertNewestFirst(list, 'tasks');
		} finally {
			await deleteProjectQuietly(p.id);
		}
	});

	test('length limits are inclusive and counted in bytes', async () => {
		const title = '😀'.repeat(1024); // 4096 bytes, 1024 code points
		assert.equal(Buffer.byteLength(title), 4096);
		const t = await createTask(proj.id, { title, description: 'd'.repeat(262144),
		    validation_steps: 'v'.repeat(65536) });
		assert.equal(t.title, title);
		assert.equal(t.description.length, 262144);
		assert.equal(t.validation_steps.length, 65536);
		assertStored(t);
		await rejects('POST', '/api/tasks', { json: { project_id: proj.id, title: title + 'x' } },
		    400, MSG.tooLong('title', 4096));
		await rejects('POST', '/api/tasks', { json: { project_id: proj.id, title: '€'.repeat(1366) } },
		    400, MSG.tooLong('title', 4096));
	});
});

describe('GET /api/tasks?project_id=', () => {
	test('newest first, only that project, TaskWithAttemptStatus fields', async () => {
		const p = await createProject(makeRepo(path.join(scratch, 'list')), { name: 'list' });
		try {
			const made = [];
			for (let i = 0; i < 4; i++) {
				made.push(await createTask(p.id, { title: `list ${i}`, description: i % 2 ? 'odd' : null }));
				await pause();
			}
			await createTask(other.id, { title: 'elsewhere' });
			const list = ok(await api('GET', `/api/tasks?project_id=${p.id}`));
			assert.ok(Array.isArray(list));
			assert.equal(list.length, 4);
			assertNewestFirst(list, 'tasks');
			assert.deepEqual(list.map((t) => t.id), made.map((t) => t.id).reverse());
			for (const t of list) {
				assertTaskWithStatusShape(t);
				assert.equal(t.project_id, p.id);
				assert.equal(t.has_in_progress_attempt, false);
				assert.equal(t.has_merged_attempt, false);
				assert.equal(t.last_attempt_failed, false);
				assert.equal(t.executor, '');
				const single = ok(await api('GET', `/api/tasks/${t.id}`));
				assert.deepEqual(taskPart(t), single, 'list entry carries the same task fields');
			}
		} finally {
			await deleteProjectQuietly(p.id);
		}
	});

	test('project without tasks -> empty list', async () => {
		const p = await createProject(makeRepo(path.join(scratch, 'none')), { name: 'none' });
		try {
			assert.deepEqual(ok(await api('GET', `/api/tasks?project_id=${p.id}`)), []);
		} finally {
			await deleteProjectQuietly(p.id);
		}
	});

	test('unknown project_id -> 404 project not found', async () => {
		fails(await api('GET', `/api/tasks?project_id=${randomUuid()}`), 404, MSG.projectNotFound);
	});

	test('missing project_id -> 400; malformed -> 400', async () => {
		fails(await api('GET', '/api/tasks'), 400, MSG.projectIdRequired);
		fails(await api('GET', '/api/tasks?project_id='), 400);
		fails(await api('GET', '/api/tasks?project_id=nope'), 400);
		fails(await api('GET', `/api/tasks?project_id=${encodeURIComponent("' OR '1'='1")}`), 400);
	});
});

describe('GET /api/tasks/{id}', () => {
	test('returns the task as created', async () => {
		const t = await createTask(proj.id, { description: 'get me' });
		assert.deepEqual(ok(await api('GET', `/api/tasks/${t.id}`)), t);
	});

	test('unknown id -> 404, invalid id -> 400', async () => {
		fails(await api('GET', `/api/tasks/${randomUuid()}`), 404, MSG.taskNotFound);
		fails(await api('GET', '/api/tasks/not-a-uuid'), 400, MSG.invalidId);
	});
});

describe('PUT /api/tasks/{id}', () => {
	async function full()
	{
		const parent = await createTask(proj.id, { title: 'put parent' });
		return createTask(proj.id, { title: 'Original', description: 'Original description',
		    status: 'inprogress', parent_task_id: parent.id, validation_steps: '["a"]' });
	}

	test('empty body keeps every field', async () => {
		const t = await full();
		await pause();
		const u = ok(await api('PUT', `/api/tasks/${t.id}`, { json: {} }));
		assertLocalTask(u);
		for (const k of TASK_KEYS.filter((k) => k !== 'updated_at'))
			assert.deepEqual(u[k], t[k], k);
		assert.ok(u.updated_at >= t.updated_at);
	});

	test('title only: other fields kept', async () => {
		const t = await full();
		const u = ok(await api('PUT', `/api/tasks/${t.id}`, { json: { title: 'New title' } }));
		assert.equal(u.title, 'New title');
		assert.equal(u.description, t.description);
		assert.equal(u.status, t.status);
		assert.equal(u.parent_task_id, t.parent_task_id);
		assert.equal(u.validation_steps, t.validation_steps);
		assert.equal(u.created_at, t.created_at);
		assertStored(u);
		assert.deepEqual(ok(await api('GET', `/api/tasks/${t.id}`)), u);
	});

	test('description "" clears it, validation_steps "" clears it', async () => {
		const t = await full();
		const u = ok(await api('PUT', `/api/tasks/${t.id}`, { json: { description: '' } }));
		assert.equal(u.description, null);
		assert.equal(u.validation_steps, '["a"]');
		const v = ok(await api('PUT', `/api/tasks/${t.id}`, { json: { validation_steps: '' } }));
		assert.equal(v.validation_steps, null);
		assert.equal(v.title, 'Original');
		assertStored(v);
	});

	test('status changes through every value', async () => {
		const t = await createTask(proj.id);
		for (const s of [...STATUSES].reverse()) {
			const u = ok(await api('PUT', `/api/tasks/${t.id}`, { json: { status: s } }));
			assert.equal(u.status, s);
			assert.equal(dbTask(t.id).status, s);
		}
	});

	test('all fields at once, and parent_task_id can be set', async () => {
		const t = await createTask(proj.id);
		const parent = await createTask(proj.id, { title: 'new parent' });
		const body = { title: 'T2', description: 'D2', status: 'done', parent_task_id: parent.id,
			image_ids: [], validation_steps: '["x","y"]' };
		const u = ok(await api('PUT', `/api/tasks/${t.id}`, { json: body }));
		for (const k of ['title', 'description', 'status', 'parent_task_id', 'validation_steps'])
			assert.equal(u[k], body[k], k);
		assert.equal(u.project_id, t.project_id);
		assertStored(u);
	});

	test('SQL metacharacters via PUT are stored verbatim', async () => {
		const t = await createTask(proj.id);
		for (const s of NASTY) {
			const u = ok(await api('PUT', `/api/tasks/${t.id}`, { json: { title: s, description: s } }));
			assert.equal(u.title, s);
			assert.equal(u.description, s);
			assertStored(u);
		}
	});

	test('unknown id -> 404, invalid id -> 400, nothing written', async () => {
		await rejects('PUT', `/api/tasks/${randomUuid()}`, { json: { title: 'x' } }, 404, MSG.taskNotFound);
		await rejects('PUT', '/api/tasks/1234', { json: { title: 'x' } }, 400, MSG.invalidId);
	});
});

describe('DELETE /api/tasks/{id}', () => {
	test('202 with data null; then GET -> 404, DELETE -> 404; row gone', async () => {
		const t = await createTask(proj.id, { title: 'delete me' });
		const res = await api('DELETE', `/api/tasks/${t.id}`);
		assert.equal(ok(res, 202), null);
		fails(await api('GET', `/api/tasks/${t.id}`), 404, MSG.taskNotFound);
		assert.equal(sqlCount(`SELECT COUNT(*) FROM tasks WHERE id = ${q(t.id)}`), 0);
		const before = dbSnapshot();
		fails(await api('DELETE', `/api/tasks/${t.id}`), 404, MSG.taskNotFound);
		assertDbUnchanged(before);
		const list = ok(await api('GET', `/api/tasks?project_id=${proj.id}`));
		assert.ok(!list.some((x) => x.id === t.id));
	});

	test('deleting a parent keeps its children with parent_task_id null', async () => {
		const parent = await createTask(proj.id, { title: 'parent to delete' });
		const child = await createTask(proj.id, { title: 'child', parent_task_id: parent.id });
		const sibling = await createTask(proj.id, { title: 'unrelated' });
		const count = sqlCount('SELECT COUNT(*) FROM tasks');
		ok(await api('DELETE', `/api/tasks/${parent.id}`), 202);
		assert.equal(sqlCount('SELECT COUNT(*) FROM tasks'), count - 1);
		const c = ok(await api('GET', `/api/tasks/${child.id}`));
		assert.equal(c.parent_task_id, null);
		assert.equal(c.title, 'child');
		assert.equal(dbTask(child.id).parent_task_id, null);
		assert.deepEqual(ok(await api('GET', `/api/tasks/${sibling.id}`)), sibling);
	});

	test('unknown id -> 404, invalid id -> 400, nothing deleted', async () => {
		await rejects('DELETE', `/api/tasks/${randomUuid()}`, {}, 404, MSG.taskNotFound);
		await rejects('DELETE', '/api/tasks/xyz', {}, 400, MSG.invalidId);
	});
});

// GETs of a task and of a project's task list may be answered from replies
// rendered to disk (served by nginx). Every read below follows a read that
// could have filled that cache, so a stale file shows up as a failure.
describe('reads after writes (no stale replies)', () => {
	async function listOf(projectId)
	{
		return ok(await api('GET', `/api/tasks?project_id=${projectId}`));
	}

	test('list and task reflect create, update and delete at once', async () => {
		const p = await createProject(makeRepo(path.join(scratch, 'rw')), { name: 'rw' });
		try {
			assert.deepEqual(await listOf(p.id), []);
			assert.deepEqual(await listOf(p.id), []);
			const a = await createTask(p.id, { title: 'rw a' });
			let list = await listOf(p.id);
			assert.deepEqual(list.map((t) => t.id), [a.id], 'create visible in list');
			assert.deepEqual(ok(await api('GET', `/api/tasks/${a.id}`)), a);
			await pause();
			const b = await createTask(p.id, { title: 'rw b' });
			list = await listOf(p.id);
			assert.deepEqual(list.map((t) => t.id), [b.id, a.id], 'second create visible');

			for (let i = 0; i < 10; i++) {
				const u = ok(await api('PUT', `/api/tasks/${a.id}`, {
					json: { title: `rw a v${i}`, status: STATUSES[i % STATUSES.length] },
				}));
				assert.deepEqual(ok(await api('GET', `/api/tasks/${a.id}`)), u, `GET after PUT #${i}`);
				const entry = (await listOf(p.id)).find((t) => t.id === a.id);
				assert.deepEqual(taskPart(entry), u, `list after PUT #${i}`);
			}

			ok(await api('DELETE', `/api/tasks/${b.id}`), 202);
			fails(await api('GET', `/api/tasks/${b.id}`), 404, MSG.taskNotFound);
			assert.deepEqual((await listOf(p.id)).map((t) => t.id), [a.id], 'delete visible in list');
		} finally {
			await deleteProjectQuietly(p.id);
		}
	});

	test('deleting a parent updates the cached child and list', async () => {
		const p = await createProject(makeRepo(path.join(scratch, 'rw-parent')), { name: 'rw parent' });
		try {
			const parent = await createTask(p.id, { title: 'parent' });
			const child = await createTask(p.id, { title: 'child', parent_task_id: parent.id });
			assert.equal(ok(await api('GET', `/api/tasks/${child.id}`)).parent_task_id, parent.id);
			assert.equal((await listOf(p.id)).find((t) => t.id === child.id).parent_task_id, parent.id);
			ok(await api('DELETE', `/api/tasks/${parent.id}`), 202);
			assert.equal(ok(await api('GET', `/api/tasks/${child.id}`)).parent_task_id, null);
			const list = await listOf(p.id);
			assert.deepEqual(list.map((t) => t.id), [child.id]);
			assert.equal(list[0].parent_task_id, null);
		} finally {
			await deleteProjectQuietly(p.id);
		}
	});

	test('deleting a project: its cached tasks and list are gone', async () => {
		const p = await createProject(makeRepo(path.join(scratch, 'rw-project')), { name: 'rw project' });
		const t = await createTask(p.id, { title: 'cached' });
		assert.deepEqual(ok(await api('GET', `/api/tasks/${t.id}`)), t);
		assert.equal((await listOf(p.id)).length, 1);
		ok(await api('DELETE', `/api/projects/${p.id}`));
		fails(await api('GET', `/api/tasks/${t.id}`), 404, MSG.taskNotFound);
		fails(await api('GET', `/api/tasks?project_id=${p.id}`), 404, MSG.projectNotFound);
	});

	test('parallel writers each read their own writes', async () => {
		const p = await createProject(makeRepo(path.join(scratch, 'rw-par')), { name: 'rw par' });
		try {
			const tasks = await Promise.all(Array.from({ length: 6 }, (_, i) =>
			    createTask(p.id, { title: `par ${i}` })));
			await Promise.all(tasks.map(async (t, w) => {
				for (let i = 0; i < 8; i++) {
					const title = `w${w} v${i}`;
					const u = ok(await api('PUT', `/api/tasks/${t.id}`, { json: { title } }));
					assert.equal(u.title, title);
					assert.equal(ok(await api('GET', `/api/tasks/${t.id}`)).title, title,
					    `GET after own PUT (writer ${w}, ${i})`);
					const entry = (await listOf(p.id)).find((x) => x.id === t.id);
					assert.equal(entry.title, title, `list after own PUT (writer ${w}, ${i})`);
				}
			}));
			const final = await listOf(p.id);
			assert.equal(final.length, 6);
			for (const t of final)
				assert.equal(dbTask(t.id).title, t.title, 'list agrees with MariaDB');
		} finally {
			await deleteProjectQuietly(p.id);
		}
	});
});
