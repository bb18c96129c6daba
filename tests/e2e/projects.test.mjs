// projects.test.mjs: /api/projects and /api/projects/{id} with good input,
// repository checks on create, PUT semantics, delete and its cascade.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	MSG, NASTY, api, assertDbUnchanged, assertLocalProject, assertNewestFirst, assertRecent,
	createProject, createTask, dbProject, dbSnapshot, deleteProjectQuietly, fails, git, makeRepo,
	makeScratch, ok, pause, q, randomUuid, rejects, removeScratch, sqlCount,
} from './lib/stack.mjs';

let scratch;
const created = [];
let n = 0;

function newRepo(name)
{
	return makeRepo(path.join(scratch, name || `repo-${++n}`));
}

async function project(extra = {}, repo)
{
	const p = await createProject(repo || newRepo(), extra);
	created.push(p.id);
	return p;
}

before(() => {
	scratch = makeScratch('projects');
});

after(async () => {
	for (const id of created)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

describe('POST /api/projects', () => {
	test('minimal body: full Project shape, values round-trip, row in MariaDB', async () => {
		const repo = newRepo();
		const res = await api('POST', '/api/projects', {
			json: { name: 'Minimal', git_repo_path: repo, use_existing_repo: true },
		});
		const p = ok(res);
		created.push(p.id);
		assertLocalProject(p);
		assert.equal(p.name, 'Minimal');
		assert.equal(p.git_repo_path, repo);
		assert.equal(p.setup_script, null);
		assert.equal(p.dev_script, null);
		assert.equal(p.cleanup_script, null);
		assert.equal(p.copy_files, null);
		assert.equal(p.default_validation_steps, null);
		assertRecent(p.created_at, 'created_at');
		assertRecent(p.updated_at, 'updated_at');

		const row = dbProject(p.id);
		assert.ok(row, 'row exists in MariaDB');
		assert.equal(row.name, 'Minimal');
		assert.equal(row.git_repo_path, repo);
		assert.equal(row.setup_script, null);
		assert.equal(row.copy_files, null);
		assert.equal(row.created_at, p.created_at, 'created_at as stored');
		assert.equal(row.updated_at, p.updated_at, 'updated_at as stored');
		assert.equal(row.is_remote, false);
	});

	test('all optional fields round-trip and are stored', async () => {
		const repo = newRepo();
		const body = {
			name: 'Full project',
			git_repo_path: repo,
			use_existing_repo: true,
			setup_script: 'npm ci\nnpm run build',
			dev_script: 'npm run dev -- --port 3000',
			cleanup_script: 'rm -rf node_modules/.cache',
			copy_files: '.env, .env.local,config/secret.json',
		};
		const p = ok(await api('POST', '/api/projects', { json: body }));
		created.push(p.id);
		assertLocalProject(p);
		for (const k of ['name', 'git_repo_path', 'setup_script', 'dev_script', 'cleanup_script',
		    'copy_files'])
			assert.equal(p[k], body[k], k);
		const row = dbProject(p.id);
		for (const k of ['name', 'git_repo_path', 'setup_script', 'dev_script', 'cleanup_script',
		    'copy_files'])
			assert.equal(row[k], body[k], `stored ${k}`);
	});

	test('explicit nulls for optional fields are accepted', async () => {
		const p = await project({ setup_script: null, dev_script: null, cleanup_script: null,
		    copy_files: null });
		assert.equal(p.setup_script, null);
		assert.equal(p.copy_files, null);
	});

	test('SQL metacharacters, quotes, backslashes, unicode and emoji are stored verbatim',
	    async () => {
		for (const s of NASTY) {
			const p = await project({ name: s, setup_script: s, dev_script: s + '\n#2',
			    cleanup_script: s, copy_files: s });
			assert.equal(p.name, s);
			assert.equal(p.setup_script, s);
			assert.equal(p.dev_script, s + '\n#2');
			const got = ok(await api('GET', `/api/projects/${p.id}`));
			assert.equal(got.name, s, 'GET returns it verbatim');
			assert.equal(got.cleanup_script, s);
			assert.equal(got.copy_files, s);
			const row = dbProject(p.id);
			assert.equal(row.name, s, 'stored verbatim');
			assert.equal(row.setup_script, s);
		}
		// Nothing was dropped.
		assert.ok(sqlCount('SELECT COUNT(*) FROM tasks') >= 0);
		assert.ok(sqlCount('SELECT COUNT(*) FROM projects') >= NASTY.length);
	});

	test('repository path with spaces, quotes and unicode round-trips', async () => {
		const repo = newRepo("it's a \"repo\" with spaces ünï 🐝");
		const p = await project({}, repo);
		assert.equal(p.git_repo_path, repo);
		assert.equal(dbProject(p.id).git_repo_path, repo);
	});

	test('name exactly 4096 bytes (multi-byte) is accepted', async () => {
		const name = '€'.repeat(1365) + 'x'; // 3*1365 + 1 = 4096 bytes
		assert.equal(Buffer.byteLength(name), 4096);
		const p = await project({ name });
		assert.equal(p.name, name);
		assert.equal(dbProject(p.id).name, name);
	});

	test('use_existing_repo:false creates the directory and a git repo on main with a commit',
	    async () => {
		const dir = path.join(scratch, 'fresh', 'deep', 'new-repo');
		assert.equal(fs.existsSync(dir), false);
		const p = ok(await api('POST', '/api/projects', {
			json: { name: 'Fresh', git_repo_path: dir, use_existing_repo: false },
		}));
		created.push(p.id);
		assertLocalProject(p);
		assert.equal(p.git_repo_path, dir);
		assert.ok(fs.statSync(dir).isDirectory(), 'directory was created');
		assert.ok(fs.existsSync(path.join(dir, '.git')), '.git exists');
		assert.equal(git(dir, 'branch', '--show-current').trim(), 'main');
		const log = git(dir, 'log', '--format=%H', 'main').trim().split('\n').filter(Boolean);
		assert.ok(log.length >= 1, 'main has an initial commit');

		// And the branches route sees it.
		const br = ok(await api('GET', `/api/projects/${p.id}/branches`));
		const main = br.find((b) => b.name === 'main');
		assert.ok(main, `main listed: ${JSON.stringify(br)}`);
		assert.equal(main.is_current, true);
	});

	test('use_existing_repo:false on an existing empty directory makes it a repo', async () => {
		const dir = path.join(scratch, 'empty-dir');
		fs.mkdirSync(dir);
		const p = ok(await api('POST', '/api/projects', {
			json: { name: 'EmptyDir', git_repo_path: dir, use_existing_repo: false },
		}));
		created.push(p.id);
		assert.equal(git(dir, 'branch', '--show-current').trim(), 'main');
	});

	test('use_existing_repo:false leaves an existing repository alone', async () => {
		const dir = path.join(scratch, 'has-git');
		fs.mkdirSync(dir);
		git(dir, 'init', '-q', '-b', 'trunk');
		git(dir, 'commit', '-q', '--allow-empty', '-m', 'mine');
		const head = git(dir, 'rev-parse', 'HEAD').trim();
		const p = ok(await api('POST', '/api/projects', {
			json: { name: 'HasGit', git_repo_path: dir, use_existing_repo: false },
		}));
		created.push(p.id);
		assert.equal(git(dir, 'branch', '--show-current').trim(), 'trunk');
		assert.equal(git(dir, 'rev-parse', 'HEAD').trim(), head);
	});

	test('duplicate git_repo_path -> 409, nothing written', async () => {
		const p = await project();
		await rejects('POST', '/api/projects', {
			json: { name: 'dup', git_repo_path: p.git_repo_path, use_existing_repo: true },
		}, 409, MSG.duplicatePath);
		await rejects('POST', '/api/projects', {
			json: { name: 'dup2', git_repo_path: p.git_repo_path, use_existing_repo: false },
		}, 409, MSG.duplicatePath);
	});

	test('the path is stored canonical; other spellings of it are duplicates', async () => {
		const repo = newRepo();
		const p = await project({}, repo + '/');
		assert.equal(p.git_repo_path, repo, 'trailing slash removed');
		const parent = path.dirname(repo);
		const base = path.basename(repo);
		fs.symlinkSync(repo, path.join(scratch, `link-${base}`));
		for (const spelling of [repo + '/', `${parent}/./${base}`, `${parent}/x/../${base}`,
		    '/' + repo, path.join(scratch, `link-${base}`)])
			await rejects('POST', '/api/projects', {
				json: { name: 'dup', git_repo_path: spelling, use_existing_repo: true },
			}, 409, MSG.duplicatePath);
		const other = await project();
		await rejects('PUT', `/api/projects/${other.id}`, { json: { git_repo_path: repo + '/' } },
		    409, MSG.duplicatePath);
	});

	test('use_existing_repo:true on a missing path -> 400, nothing written', async () => {
		const missing = path.join(scratch, 'does-not-exist');
		await rejects('POST', '/api/projects', {
			json: { name: 'x', git_repo_path: missing, use_existing_repo: true },
		}, 400, MSG.pathMissing);
		assert.equal(fs.existsSync(missing), false, 'no directory was created');
	});

	test('use_existing_repo:true on a regular file -> 400 not a directory', async () => {
		const file = path.join(scratch, 'plain-file');
		fs.writeFileSync(file, 'x');
		await rejects('POST', '/api/projects', {
			json: { name: 'x', git_repo_path: file, use_existing_repo: true },
		}, 400, MSG.notDir);
	});

	test('use_existing_repo:true on a directory without .git -> 400 not a git repository',
	    async () => {
		const dir = path.join(scratch, 'no-git');
		fs.mkdirSync(dir);
		await rejects('POST', '/api/projects', {
			json: { name: 'x', git_repo_path: dir, use_existing_repo: true },
		}, 400, MSG.notRepo);
		assert.equal(fs.existsSync(path.join(dir, '.git')), false, 'no repo was created');
	});

	test('relative git_repo_path -> 400 must be an absolute path', async () => {
		for (const p of ['relative/repo', 'repo', './repo', '../repo', '~user/repo', ''])
			await rejects('POST', '/api/projects', {
				json: { name: 'x', git_repo_path: p, use_existing_repo: false },
			}, 400, p === '' ? /^field 'git_repo_path' must (not be empty|be an absolute path)$/ :
			    MSG.absolute);
		assert.equal(fs.existsSync(path.join(process.cwd(), 'relative')), false);
	});
});

describe('GET /api/projects', () => {
	test('lists every project newest first, each a full Project', async () => {
		const a = await project({ name: 'order A' });
		await pause();
		const b = await project({ name: 'order B' });
		await pause();
		const c = await project({ name: 'order C' });
		const list = ok(await api('GET', '/api/projects'));
		assert.ok(Array.isArray(list));
		for (const p of list)
			assertLocalProject(p);
		assertNewestFirst(list, 'projects');
		const ids = list.map((p) => p.id);
		assert.ok(ids.indexOf(c.id) < ids.indexOf(b.id), 'C before B');
		assert.ok(ids.indexOf(b.id) < ids.indexOf(a.id), 'B before A');
		assert.equal(list.length, sqlCount('SELECT COUNT(*) FROM projects'), 'all rows listed');
		assert.deepEqual(list.find((p) => p.id === b.id), b, 'list entry equals created project');
	});
});

describe('GET /api/projects/{id}', () => {
	test('returns the project as created', async () => {
		const p = await project({ setup_script: 'echo hi' });
		assert.deepEqual(ok(await api('GET', `/api/projects/${p.id}`)), p);
	});

	test('unknown id -> 404 project not found', async () => {
		fails(await api('GET', `/api/projects/${randomUuid()}`), 404, MSG.projectNotFound);
	});

	test('uppercase form of an existing id is found or rejected, never 500', async () => {
		const p = await project();
		const res = await api('GET', `/api/projects/${p.id.toUpperCase()}`);
		assert.ok([200, 400, 404].includes(res.status), `${res.status} ${res.text}`);
		if (res.status === 200)
			assert.equal(res.json.data.id, p.id);
	});
});

describe('PUT /api/projects/{id}', () => {
	test('name only: name changes, path kept, scripts and copy_files become null', async () => {
		const p = await project({ setup_script: 's', dev_script: 'd', cleanup_script: 'c',
		    copy_files: '.env' });
		await pause();
		const u = ok(await api('PUT', `/api/projects/${p.id}`, { json: { name: 'Renamed' } }));
		assertLocalProject(u);
		assert.equal(u.id, p.id);
		assert.equal(u.name, 'Renamed');
		assert.equal(u.git_repo_path, p.git_repo_path);
		assert.equal(u.setup_script, null);
		assert.equal(u.dev_script, null);
		assert.equal(u.cleanup_script, null);
		assert.equal(u.copy_files, null);
		assert.equal(u.created_at, p.created_at, 'created_at unchanged');
		assert.ok(u.updated_at >= p.updated_at, 'updated_at not older');
		assert.deepEqual(ok(await api('GET', `/api/projects/${p.id}`)), u);
		const row = dbProject(p.id);
		assert.equal(row.name, 'Renamed');
		assert.equal(row.setup_script, null);
		assert.equal(row.copy_files, null);
	});

	test('empty body keeps name and path, clears scripts', async () => {
		const p = await project({ name: 'Keep me', setup_script: 'x', copy_files: 'a' });
		const u = ok(await api('PUT', `/api/projects/${p.id}`, { json: {} }));
		assert.equal(u.name, 'Keep me');
		assert.equal(u.git_repo_path, p.git_repo_path);
		assert.equal(u.setup_script, null);
		assert.equal(u.copy_files, null);
	});

	test('explicit nulls clear; all fields set round-trip', async () => {
		const p = await project({ setup_script: 'old' });
		const repo2 = newRepo();
		const body = { name: 'All set', git_repo_path: repo2, setup_script: 'S\n', dev_script: 'D',
			cleanup_script: 'C', copy_files: 'x,y' };
		const u = ok(await api('PUT', `/api/projects/${p.id}`, { json: body }));
		for (const k of Object.keys(body))
			assert.equal(u[k], body[k], k);
		const row = dbProject(p.id);
		for (const k of Object.keys(body))
			assert.equal(row[k], body[k], `stored ${k}`);
		const v = ok(await api('PUT', `/api/projects/${p.id}`, {
			json: { setup_script: null, dev_script: null, cleanup_script: null, copy_files: null },
		}));
		assert.equal(v.name, 'All set');
		assert.equal(v.git_repo_path, repo2);
		assert.equal(v.setup_script, null);
		assert.equal(v.dev_script, null);
	});

	test('same git_repo_path as itself is not a conflict', async () => {
		const p = await project();
		const u = ok(await api('PUT', `/api/projects/${p.id}`, {
			json: { name: 'same path', git_repo_path: p.git_repo_path },
		}));
		assert.equal(u.git_repo_path, p.git_repo_path);
	});

	test('git_repo_path of another project -> 409, nothing changed', async () => {
		const a = await project();
		const b = await project({ setup_script: 'keep' });
		await rejects('PUT', `/api/projects/${b.id}`, {
			json: { name: 'steal', git_repo_path: a.git_repo_path },
		}, 409, MSG.duplicatePath);
		assert.deepEqual(ok(await api('GET', `/api/projects/${b.id}`)), b);
	});

	test('relative git_repo_path -> 400, nothing changed', async () => {
		const p = await project();
		await rejects('PUT', `/api/projects/${p.id}`, { json: { git_repo_path: 'rel/path' } },
		    400, MSG.absolute);
	});

	test('empty name -> 400, nothing changed', async () => {
		const p = await project();
		await rejects('PUT', `/api/projects/${p.id}`, { json: { name: '' } }, 400,
		    MSG.notEmpty('name'));
	});

	test('SQL metacharacters via PUT are stored verbatim', async () => {
		const p = await project();
		for (const s of NASTY) {
			const u = ok(await api('PUT', `/api/projects/${p.id}`, {
				json: { name: s, setup_script: s, copy_files: s },
			}));
			assert.equal(u.name, s);
			const row = dbProject(p.id);
			assert.equal(row.name, s);
			assert.equal(row.setup_script, s);
			assert.equal(row.copy_files, s);
		}
	});

	test('unknown id -> 404, nothing written', async () => {
		await rejects('PUT', `/api/projects/${randomUuid()}`, { json: { name: 'ghost' } }, 404,
		    MSG.projectNotFound);
	});
});

describe('DELETE /api/projects/{id}', () => {
	test('200 with data null, then GET -> 404, second DELETE -> 404', async () => {
		const p = await createProject(newRepo());
		const data = ok(await api('DELETE', `/api/projects/${p.id}`));
		assert.equal(data, null);
		fails(await api('GET', `/api/projects/${p.id}`), 404, MSG.projectNotFound);
		assert.equal(sqlCount(`SELECT COUNT(*) FROM projects WHERE id = ${q(p.id)}`), 0);
		const before = dbSnapshot();
		fails(await api('DELETE', `/api/projects/${p.id}`), 404, MSG.projectNotFound);
		assertDbUnchanged(before);
		assert.ok(!ok(await api('GET', '/api/projects')).some((x) => x.id === p.id));
	});

	test('deletes only that project and leaves the repository on disk', async () => {
		const keep = await project();
		const repo = newRepo();
		const p = await createProject(repo);
		const before = sqlCount('SELECT COUNT(*) FROM projects');
		ok(await api('DELETE', `/api/projects/${p.id}`));
		assert.equal(sqlCount('SELECT COUNT(*) FROM projects'), before - 1);
		assert.deepEqual(ok(await api('GET', `/api/projects/${keep.id}`)), keep);
		assert.ok(fs.existsSync(path.join(repo, '.git')), 'repository untouched');
	});

	test('cascades to the project\'s tasks (checked in MariaDB), other projects keep theirs',
	    async () => {
		const other = await project();
		const otherTask = await createTask(other.id, { title: 'survivor' });
		const p = await createProject(newRepo());
		const t1 = await createTask(p.id, { title: 'doomed 1' });
		const t2 = await createTask(p.id, { title: 'doomed 2', parent_task_id: t1.id });
		assert.equal(sqlCount(`SELECT COUNT(*) FROM tasks WHERE project_id = ${q(p.id)}`), 2);
		const tasksBefore = sqlCount('SELECT COUNT(*) FROM tasks');

		assert.equal(ok(await api('DELETE', `/api/projects/${p.id}`)), null);

		assert.equal(sqlCount(`SELECT COUNT(*) FROM tasks WHERE project_id = ${q(p.id)}`), 0);
		assert.equal(sqlCount(`SELECT COUNT(*) FROM tasks WHERE id IN (${q(t1.id)}, ${q(t2.id)})`), 0);
		assert.equal(sqlCount('SELECT COUNT(*) FROM tasks'), tasksBefore - 2);
		fails(await api('GET', `/api/tasks/${t1.id}`), 404, MSG.taskNotFound);
		fails(await api('GET', `/api/tasks/${t2.id}`), 404, MSG.taskNotFound);
		assert.deepEqual(ok(await api('GET', `/api/tasks/${otherTask.id}`)), otherTask);
	});

	test('unknown id -> 404, nothing deleted', async () => {
		await rejects('DELETE', `/api/projects/${randomUuid()}`, {}, 404, MSG.projectNotFound);
	});
});

// GET /api/projects may be answered from a reply rendered to disk; each
// write below follows a read that could have filled that cache.
describe('project list after writes (no stale replies)', () => {
	test('create, rename, delete show at once in the list', async () => {
		const list0 = ok(await api('GET', '/api/projects'));
		ok(await api('GET', '/api/projects'));
		const p = await createProject(newRepo(), { name: 'rw list' });
		let list = ok(await api('GET', '/api/projects'));
		assert.equal(list.length, list0.length + 1);
		assert.deepEqual(list[0], p, 'new project first');
		for (let i = 0; i < 5; i++) {
			const u = ok(await api('PUT', `/api/projects/${p.id}`, {
				json: { name: `rw list v${i}`, setup_script: `echo ${i}` },
			}));
			list = ok(await api('GET', '/api/projects'));
			assert.deepEqual(list.find((x) => x.id === p.id), u, `list after PUT #${i}`);
			assert.deepEqual(ok(await api('GET', `/api/projects/${p.id}`)), u);
		}
		ok(await api('DELETE', `/api/projects/${p.id}`));
		list = ok(await api('GET', '/api/projects'));
		assert.ok(!list.some((x) => x.id === p.id), 'deleted project gone from list');
		assert.equal(list.length, list0.length);
	});
});
