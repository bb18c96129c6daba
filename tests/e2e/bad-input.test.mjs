// bad-input.test.mjs: every route rejects bad input with a 4xx envelope
// (never 200 success:false, never 5xx) and writes nothing: each rejected
// request is followed by a check of the projects and tasks tables in MariaDB.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	MSG, api, assertDbUnchanged, createProject, createTask, dbSnapshot, deleteProjectQuietly,
	fails, makeRepo, makeScratch, noTypeBody, ok, randomUuid, rawHttp, rejects, removeScratch,
} from './lib/stack.mjs';

const MiB = 1024 * 1024;
let scratch;
let proj;
let task;
let n = 0;

before(async () => {
	scratch = makeScratch('bad');
	proj = await createProject(makeRepo(path.join(scratch, 'repo')), { name: 'bad input',
	    setup_script: 'keep me' });
	task = await createTask(proj.id, { title: 'bad input task', description: 'keep',
	    status: 'inreview', validation_steps: '["v"]' });
});

after(async () => {
	if (proj)
		await deleteProjectQuietly(proj.id);
	removeScratch(scratch);
});

/* A path under scratch that does not exist (and must not be created). */
function freshPath()
{
	return path.join(scratch, `never-${++n}`);
}

/* The four routes that take a JSON body, each with a valid base body. */
function bodyRoutes()
{
	return [
		{ method: 'POST', path: '/api/projects',
		  base: () => ({ name: 'should not exist', git_repo_path: freshPath(), use_existing_repo: false }) },
		{ method: 'PUT', path: `/api/projects/${proj.id}`, base: () => ({ name: 'renamed?' }) },
		{ method: 'POST', path: '/api/tasks', base: () => ({ project_id: proj.id, title: 'should not exist' }) },
		{ method: 'PUT', path: `/api/tasks/${task.id}`, base: () => ({ title: 'renamed?' }) },
	];
}

const MALFORMED = [
	['truncated object', '{"title":'],
	['trailing garbage', '{"title":"x"} garbage'],
	['two objects', '{"title":"x"}{"title":"y"}'],
	['trailing comma', '{"title":"x",}'],
	['single quotes', "{'title':'x'}"],
	['unquoted key', '{title:"x"}'],
	['bad escape', '{"title":"\\x41"}'],
	['NaN', '{"title":NaN}'],
	['Infinity', '{"remote_version":Infinity}'],
	['-Infinity', '{"name":-Infinity}'],
	['hex number', '{"title":0x10}'],
	['leading zero', '{"title":012}'],
	['bare word', '{"title":True}'],
	['C comment', '/* c */ {"title":"x"}'],
	['line comment', '{"title":"x" // c\n}'],
	['unterminated string', '{"title":"abc}'],
	['empty body', ''],
	['whitespace only', '   \n'],
	['array', '[]'],
	['array of object', '[{"title":"x"}]'],
	['string', '"title"'],
	['number', '42'],
	['true', 'true'],
	['null', 'null'],
	['raw NUL after object', '{"title":"x"}\u0000'],
];

async function rejectRaw(opts, status, message)
{
	const before = dbSnapshot();
	const res = await rawHttp(opts);
	fails(res, status, message);
	assertDbUnchanged(before, res.req);
	return res;
}

describe('malformed JSON bodies -> 400 invalid JSON body', () => {
	const LABELS = ['POST /api/projects', 'PUT /api/projects/{id}', 'POST /api/tasks', 'PUT /api/tasks/{id}'];
	for (const r of [0, 1, 2, 3]) {
		test(`${LABELS[r]}: each malformed body is rejected`, async () => {
			// Every case runs; the failure lists all bodies that got through.
			const route = bodyRoutes()[r];
			const bad = [];
			for (const [what, body] of MALFORMED) {
				try {
					await rejects(route.method, route.path, {
						body, headers: { 'Content-Type': 'application/json' },
					}, 400, MSG.invalidJson);
				} catch (e) {
					bad.push(`${what} ${JSON.stringify(body)}: ${e.message.split('\n')[0].slice(0, 240)}`);
				}
			}
			if (bad.length > 0)
				assert.fail(`malformed bodies not rejected:\n${bad.join('\n')}`);
		});
	}

	test('invalid UTF-8 inside a string -> 400', async () => {
		for (const route of bodyRoutes()) {
			const key = route.path.startsWith('/api/projects') ? 'name' : 'title';
			const [pre, post] = JSON.stringify({ ...route.base(), [key]: 'a@@BAD@@b' }).split('@@BAD@@');
			const body = Buffer.concat([Buffer.from(pre), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(post)]);
			await rejects(route.method, route.path, {
				body, headers: { 'Content-Type': 'application/json' },
			}, 400);
		}
	});

	test('very deep nesting -> 400, the worker survives', async () => {
		const deep = '{"title":' + '['.repeat(50000) + ']'.repeat(50000) + '}';
		for (const route of bodyRoutes())
			await rejects(route.method, route.path, {
				body: deep, headers: { 'Content-Type': 'application/json' },
			}, 400);
		const h = await api('GET', '/api/health');
		assert.equal(h.status, 200);
	});
});

describe('Content-Type', () => {
	test('JSON body without Content-Type -> 415', async () => {
		for (const route of bodyRoutes())
			await rejects(route.method, route.path, { body: noTypeBody(JSON.stringify(route.base())) },
			    415, MSG.contentType);
	});

	test('other content types -> 415', async () => {
		for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
		    'application/xml', 'text/json', 'application/jsonx']) {
			for (const route of bodyRoutes())
				await rejects(route.method, route.path, {
					body: JSON.stringify(route.base()), headers: { 'Content-Type': ct },
				}, 415, MSG.contentType);
		}
	});

	test('application/json with parameters or other case is accepted', async () => {
		for (const ct of ['application/json; charset=utf-8', 'application/json;charset=UTF-8',
		    'Application/JSON']) {
			const t = ok(await api('POST', '/api/tasks', {
				body: JSON.stringify({ project_id: proj.id, title: `ct ${ct}` }),
				headers: { 'Content-Type': ct },
			}));
			assert.equal(t.title, `ct ${ct}`);
			ok(await api('DELETE', `/api/tasks/${t.id}`), 202);
		}
	});

	test('no POST/PUT route created a directory for a rejected project', () => {
		for (let i = 1; i <= n; i++)
			assert.equal(fs.existsSync(path.join(scratch, `never-${i}`)), false, `never-${i}`);
	});
});

describe('body size', () => {
	test('2 MiB body -> 413 request body too large', async () => {
		const big = 'x'.repeat(2 * MiB);
		for (const route of bodyRoutes()) {
			const body = JSON.stringify({ ...route.base(), title: big, name: big });
			await rejectRaw({ method: route.method, path: route.path,
			    headers: { 'Content-Type': 'application/json' }, body }, 413, MSG.tooLarge);
		}
	});

	test('2 MiB body through fetch -> 413 too', async () => {
		const body = JSON.stringify({ project_id: proj.id, title: 'y'.repeat(2 * MiB) });
		await rejects('POST', '/api/tasks', { body, headers: { 'Content-Type': 'application/json' } },
		    413, MSG.tooLarge);
	});

	test('just over 1 MiB -> 413; just under 1 MiB reaches field validation', async () => {
		const over = JSON.stringify({ project_id: proj.id, title: 't', description: '' }) ;
		const pad = MiB + 1 - Buffer.byteLength(over);
		const overBody = JSON.stringify({ project_id: proj.id, title: 't', description: 'd'.repeat(pad) });
		assert.equal(Buffer.byteLength(overBody), MiB + 1);
		await rejectRaw({ method: 'POST', path: '/api/tasks',
		    headers: { 'Content-Type': 'application/json' }, body: overBody }, 413, MSG.tooLarge);
		const underBody = JSON.stringify({ project_id: proj.id, title: 't',
		    description: 'd'.repeat(pad - 2) });
		assert.ok(Buffer.byteLength(underBody) < MiB);
		await rejects('POST', '/api/tasks', { body: underBody,
		    headers: { 'Content-Type': 'application/json' } }, 400, MSG.tooLong('description', 262144));
	});
});

describe('POST /api/projects field validation', () => {
	const route = '/api/projects';
	const base = () => ({ name: 'v', git_repo_path: freshPath(), use_existing_repo: false });
	const without = (k) => { const b = base(); delete b[k]; return b; };

	test('missing required fields', async () => {
		for (const k of ['name', 'git_repo_path', 'use_existing_repo'])
			await rejects('POST', route, { json: without(k) }, 400, MSG.required(k));
		await rejects('POST', route, { json: {} }, 400, /^field '(name|git_repo_path|use_existing_repo)' is required$/);
	});

	test('null for required fields', async () => {
		await rejects('POST', route, { json: { ...base(), name: null } }, 400,
		    /^field 'name' (is required|must be a string)$/);
		await rejects('POST', route, { json: { ...base(), git_repo_path: null } }, 400,
		    /^field 'git_repo_path' (is required|must be a string)$/);
		await rejects('POST', route, { json: { ...base(), use_existing_repo: null } }, 400,
		    /^field 'use_existing_repo' (is required|must be a boolean)$/);
	});

	test('wrong types', async () => {
		for (const v of [5, true, [], {}, ['a']])
			await rejects('POST', route, { json: { ...base(), name: v } }, 400, MSG.mustString('name'));
		for (const v of [5, false, ['/tmp']])
			await rejects('POST', route, { json: { ...base(), git_repo_path: v } }, 400,
			    MSG.mustString('git_repo_path'));
		for (const v of ['true', 'false', 1, 0, [], {}])
			await rejects('POST', route, { json: { ...base(), use_existing_repo: v } }, 400,
			    MSG.mustBool('use_existing_repo'));
		for (const k of ['setup_script', 'dev_script', 'cleanup_script', 'copy_files'])
			for (const v of [5, true, ['x'], { a: 1 }])
				await rejects('POST', route, { json: { ...base(), [k]: v } }, 400, MSG.mustString(k));
	});

	test('empty name', async () => {
		await rejects('POST', route, { json: { ...base(), name: '' } }, 400, MSG.notEmpty('name'));
	});

	test('over the length limits', async () => {
		await rejects('POST', route, { json: { ...base(), name: 'n'.repeat(4097) } }, 400,
		    MSG.tooLong('name', 4096));
		await rejects('POST', route, { json: { ...base(), name: '€'.repeat(1366) } }, 400,
		    MSG.tooLong('name', 4096));
		await rejects('POST', route, { json: { ...base(), git_repo_path: '/' + 'a'.repeat(4096) } }, 400,
		    MSG.tooLong('git_repo_path', 4096));
		for (const k of ['setup_script', 'dev_script', 'cleanup_script'])
			await rejects('POST', route, { json: { ...base(), [k]: 's'.repeat(65537) } }, 400,
			    MSG.tooLong(k, 65536));
		await rejects('POST', route, { json: { ...base(), copy_files: 'c'.repeat(4097) } }, 400,
		    MSG.tooLong('copy_files', 4096));
	});

	test('scripts at exactly the limit are accepted', async () => {
		const p = ok(await api('POST', route, { json: { name: 'limits', git_repo_path: makeRepo(path.join(scratch, 'limits')),
		    use_existing_repo: true, setup_script: 's'.repeat(65536), dev_script: 'd'.repeat(65536),
		    cleanup_script: 'c'.repeat(65536), copy_files: 'f'.repeat(4096) } }));
		assert.equal(p.setup_script.length, 65536);
		assert.equal(p.copy_files.length, 4096);
		ok(await api('DELETE', `/api/projects/${p.id}`));
	});
});

describe('PUT /api/projects/{id} field validation', () => {
	const route = () => `/api/projects/${proj.id}`;

	test('wrong types, empty name, over limits', async () => {
		for (const v of [5, true, [], {}])
			await rejects('PUT', route(), { json: { name: v } }, 400, MSG.mustString('name'));
		await rejects('PUT', route(), { json: { git_repo_path: 7 } }, 400, MSG.mustString('git_repo_path'));
		for (const k of ['setup_script', 'dev_script', 'cleanup_script', 'copy_files'])
			await rejects('PUT', route(), { json: { [k]: 5 } }, 400, MSG.mustString(k));
		await rejects('PUT', route(), { json: { name: '' } }, 400, MSG.notEmpty('name'));
		await rejects('PUT', route(), { json: { name: 'n'.repeat(4097) } }, 400, MSG.tooLong('name', 4096));
		await rejects('PUT', route(), { json: { setup_script: 's'.repeat(65537) } }, 400,
		    MSG.tooLong('setup_script', 65536));
		await rejects('PUT', route(), { json: { copy_files: 'c'.repeat(4097) } }, 400,
		    MSG.tooLong('copy_files', 4096));
		await rejects('PUT', route(), { json: { git_repo_path: '/' + 'p'.repeat(4096) } }, 400,
		    MSG.tooLong('git_repo_path', 4096));
	});

	test('the project still has its original values', async () => {
		assert.deepEqual(ok(await api('GET', route())), proj);
	});
});

describe('POST /api/tasks field validation', () => {
	const route = '/api/tasks';
	const base = () => ({ project_id: proj.id, title: 'v' });

	test('missing required fields', async () => {
		await rejects('POST', route, { json: { title: 'x' } }, 400, MSG.required('project_id'));
		await rejects('POST', route, { json: { project_id: proj.id } }, 400, MSG.required('title'));
		await rejects('POST', route, { json: { project_id: proj.id, title: null } }, 400,
		    /^field 'title' (is required|must be a string)$/);
		await rejects('POST', route, { json: { project_id: null, title: 'x' } }, 400,
		    /^field 'project_id' (is required|must be a UUID)$/);
	});

	test('wrong types', async () => {
		for (const v of ['abc', '', 5, true, [], {}, randomUuid() + 'x', randomUuid().replace(/-/g, '_')])
			await rejects('POST', route, { json: { ...base(), project_id: v } }, 400,
			    MSG.mustUuid('project_id'));
		for (const v of [5, true, [], {}, ['t']])
			await rejects('POST', route, { json: { ...base(), title: v } }, 400, MSG.mustString('title'));
		for (const v of [5, false, ['d']])
			await rejects('POST', route, { json: { ...base(), description: v } }, 400,
			    MSG.mustString('description'));
		for (const v of ['zzz', 5, [proj.id]])
			await rejects('POST', route, { json: { ...base(), parent_task_id: v } }, 400,
			    MSG.mustUuid('parent_task_id'));
		for (const v of ['bad', 5])
			await rejects('POST', route, { json: { ...base(), shared_task_id: v } }, 400,
			    MSG.mustUuid('shared_task_id'));
		for (const v of ['x', 5, {}, ['nope'], [5], [randomUuid(), 'nope'], [null]])
			await rejects('POST', route, { json: { ...base(), image_ids: v } }, 400,
			    MSG.mustUuidArray('image_ids'));
		for (const v of [5, ['a'], { a: 1 }, true])
			await rejects('POST', route, { json: { ...base(), validation_steps: v } }, 400,
			    MSG.mustString('validation_steps'));
	});

	test('bad status values', async () => {
		for (const v of ['TODO', 'Todo', 'in_progress', 'in-progress', 'open', '', 'done ', "todo'--"])
			await rejects('POST', route, { json: { ...base(), status: v } }, 400, MSG.status);
		for (const v of [5, true, ['todo']])
			await rejects('POST', route, { json: { ...base(), status: v } }, 400, /^field 'status' must be /);
	});

	test('empty title', async () => {
		await rejects('POST', route, { json: { ...base(), title: '' } }, 400, MSG.notEmpty('title'));
		await rejects('POST', route, { json: { ...base(), title: ' \t\n ' } }, 400, MSG.notEmpty('title'));
	});

	test('NUL inside a string', async () => {
		await rejects('POST', route, { json: { ...base(), title: 'a\u0000b' } }, 400,
		    "field 'title' must not contain NUL characters");
		await rejects('POST', route, { json: { ...base(), description: '\u0000' } }, 400,
		    "field 'description' must not contain NUL characters");
		await rejects('POST', '/api/projects', { json: { name: 'a\u0000', git_repo_path: freshPath(),
		    use_existing_repo: false } }, 400, "field 'name' must not contain NUL characters");
	});

	test('over the length limits', async () => {
		await rejects('POST', route, { json: { ...base(), title: 't'.repeat(4097) } }, 400,
		    MSG.tooLong('title', 4096));
		await rejects('POST', route, { json: { ...base(), description: 'd'.repeat(262145) } }, 400,
		    MSG.tooLong('description', 262144));
		await rejects('POST', route, { json: { ...base(), validation_steps: 'v'.repeat(65537) } }, 400,
		    MSG.tooLong('validation_steps', 65536));
		const ids = Array.from({ length: 101 }, () => randomUuid());
		await rejects('POST', route, { json: { ...base(), image_ids: ids } }, 400,
		    "field 'image_ids' has too many entries (max 100)");
	});

	test('unknown ids -> 404', async () => {
		await rejects('POST', route, { json: { ...base(), project_id: randomUuid() } }, 404,
		    MSG.projectNotFound);
		await rejects('POST', route, { json: { ...base(), parent_task_id: randomUuid() } }, 404,
		    MSG.parentNotFound);
		await rejects('POST', route, { json: { ...base(), image_ids: [randomUuid()] } }, 404,
		    MSG.imageNotFound);
	});

	test('duplicate shared_task_id is a 409 conflict, not a 500', async () => {
		const sid = randomUuid();
		const t = ok(await api('POST', route, { json: { ...base(), shared_task_id: sid } }));
		await rejects('POST', route, { json: { ...base(), shared_task_id: sid } }, 409,
		    'a task with this shared_task_id already exists');
		ok(await api('DELETE', `/api/tasks/${t.id}`), 202);
	});
});

describe('PUT /api/tasks/{id} field validation', () => {
	const route = () => `/api/tasks/${task.id}`;

	test('wrong types', async () => {
		for (const v of [5, true, [], {}])
			await rejects('PUT', route(), { json: { title: v } }, 400, MSG.mustString('title'));
		await rejects('PUT', route(), { json: { description: 5 } }, 400, MSG.mustString('description'));
		await rejects('PUT', route(), { json: { validation_steps: ['x'] } }, 400,
		    MSG.mustString('validation_steps'));
		for (const v of ['zzz', 5])
			await rejects('PUT', route(), { json: { parent_task_id: v } }, 400, MSG.mustUuid('parent_task_id'));
		for (const v of ['x', ['nope']])
			await rejects('PUT', route(), { json: { image_ids: v } }, 400, MSG.mustUuidArray('image_ids'));
	});

	test('bad status, empty title, over limits', async () => {
		for (const v of ['DONE', 'closed', ''])
			await rejects('PUT', route(), { json: { status: v } }, 400, MSG.status);
		await rejects('PUT', route(), { json: { title: '' } }, 400, MSG.notEmpty('title'));
		await rejects('PUT', route(), { json: { title: 't'.repeat(4097) } }, 400, MSG.tooLong('title', 4096));
		await rejects('PUT', route(), { json: { description: 'd'.repeat(262145) } }, 400,
		    MSG.tooLong('description', 262144));
		await rejects('PUT', route(), { json: { validation_steps: 'v'.repeat(65537) } }, 400,
		    MSG.tooLong('validation_steps', 65536));
	});

	test('a valid field together with an invalid one changes nothing', async () => {
		await rejects('PUT', route(), { json: { title: 'half', status: 'nope' } }, 400, MSG.status);
		await rejects('PUT', route(), { json: { description: 'half', title: '' } }, 400, MSG.notEmpty('title'));
		await rejects('PUT', `/api/projects/${proj.id}`, { json: { name: 'half', setup_script: 5 } }, 400,
		    MSG.mustString('setup_script'));
	});

	test('a task cannot be its own parent', async () => {
		await rejects('PUT', route(), { json: { parent_task_id: task.id } }, 400,
		    'a task cannot be its own parent');
	});

	test('a parent from another project is not found', async () => {
		const other = await createProject(makeRepo(path.join(scratch, 'other-project')), { name: 'other' });
		try {
			const foreign = await createTask(other.id, { title: 'foreign parent' });
			await rejects('PUT', route(), { json: { parent_task_id: foreign.id } }, 404, MSG.parentNotFound);
			await rejects('POST', '/api/tasks', { json: { project_id: proj.id, title: 'x',
			    parent_task_id: foreign.id } }, 404, MSG.parentNotFound);
		} finally {
			await deleteProjectQuietly(other.id);
		}
	});

	test('unknown parent and image -> 404', async () => {
		await rejects('PUT', route(), { json: { parent_task_id: randomUuid() } }, 404, MSG.parentNotFound);
		await rejects('PUT', route(), { json: { image_ids: [randomUuid()] } }, 404, MSG.imageNotFound);
	});

	test('the task still has its original values', async () => {
		assert.deepEqual(ok(await api('GET', route())), task);
	});
});

describe('ids in the path', () => {
	const BAD = ['not-a-uuid', '123', `${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(11)}g`,
		'00000000-0000-4000-8000-0000000000000', '%27%20OR%201%3D1', "'",
		'00000000-0000-4000-8000-00000000000', 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz'];

	test('invalid UUID -> 400 invalid id on every {id} route', async () => {
		for (const id of BAD) {
			const cases = [
				['GET', `/api/projects/${id}`], ['PUT', `/api/projects/${id}`],
				['DELETE', `/api/projects/${id}`], ['GET', `/api/projects/${id}/branches`],
				['GET', `/api/projects/${id}/files`], ['GET', `/api/projects/${id}/files/README.md`],
				['GET', `/api/projects/${id}/search?q=a`],
				['GET', `/api/tasks/${id}`], ['PUT', `/api/tasks/${id}`], ['DELETE', `/api/tasks/${id}`],
			];
			for (const [m, p] of cases) {
				const opts = m === 'PUT' ? { json: { name: 'x', title: 'x' } } : {};
				await rejects(m, p, opts, 400, MSG.invalidId);
			}
		}
	});

	test('unknown UUID -> 404 on every {id} route', async () => {
		const id = randomUuid();
		for (const [m, p, msg] of [
			['GET', `/api/projects/${id}`, MSG.projectNotFound],
			['PUT', `/api/projects/${id}`, MSG.projectNotFound],
			['DELETE', `/api/projects/${id}`, MSG.projectNotFound],
			['GET', `/api/projects/${id}/branches`, MSG.projectNotFound],
			['GET', `/api/projects/${id}/files`, MSG.projectNotFound],
			['GET', `/api/projects/${id}/files/a/b.txt`, MSG.projectNotFound],
			['GET', `/api/projects/${id}/search?q=a`, MSG.projectNotFound],
			['GET', `/api/tasks/${id}`, MSG.taskNotFound],
			['PUT', `/api/tasks/${id}`, MSG.taskNotFound],
			['DELETE', `/api/tasks/${id}`, MSG.taskNotFound],
		]) {
			const opts = m === 'PUT' ? { json: { name: 'x', title: 'x' } } : {};
			await rejects(m, p, opts, 404, msg);
		}
	});

	test('a task id is not a project id and vice versa', async () => {
		await rejects('GET', `/api/projects/${task.id}`, {}, 404, MSG.projectNotFound);
		await rejects('GET', `/api/tasks/${proj.id}`, {}, 404, MSG.taskNotFound);
		await rejects('DELETE', `/api/projects/${task.id}`, {}, 404, MSG.projectNotFound);
		await rejects('DELETE', `/api/tasks/${proj.id}`, {}, 404, MSG.taskNotFound);
	});
});

describe('query parameters', () => {
	test('GET /api/tasks without project_id -> 400', async () => {
		await rejects('GET', '/api/tasks', {}, 400, MSG.projectIdRequired);
		await rejects('GET', '/api/tasks?projectid=' + proj.id, {}, 400, MSG.projectIdRequired);
	});

	test('GET /api/tasks with a malformed project_id -> 400', async () => {
		for (const v of ['x', '1', "' OR 1=1 --", proj.id + 'x'])
			await rejects('GET', `/api/tasks?project_id=${encodeURIComponent(v)}`, {}, 400);
	});

	test('search: missing/empty q and bad mode -> 400', async () => {
		await rejects('GET', `/api/projects/${proj.id}/search`, {}, 400, MSG.emptyQuery);
		await rejects('GET', `/api/projects/${proj.id}/search?q=`, {}, 400, MSG.emptyQuery);
		await rejects('GET', `/api/projects/${proj.id}/search?q=a&mode=all`, {}, 400);
		await rejects('GET', `/api/projects/${proj.id}/search?q=a&mode=SETTINGS`, {}, 400);
	});
});

describe('the server is still healthy and nothing leaked', () => {
	test('health, and fixtures unchanged', async () => {
		assert.equal((await api('GET', '/api/health')).status, 200);
		assert.deepEqual(ok(await api('GET', `/api/projects/${proj.id}`)), proj);
		assert.deepEqual(ok(await api('GET', `/api/tasks/${task.id}`)), task);
		for (let i = 1; i <= n; i++)
			assert.equal(fs.existsSync(path.join(scratch, `never-${i}`)), false, `never-${i} created`);
	});
});
