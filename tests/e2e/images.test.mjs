// images.test.mjs: task images end to end. Upload (multipart/form-data),
// the stored file served by nginx, deduplication by content, task images,
// delete, every refusal changing nothing, and an attempt that finds its
// task's images in <worktree>/.vibe-images/ with the prompt's links made
// absolute (the stand-in agent reports each "![..](path)" line it reads).

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	BASE, SWARM_VAR, UUID_RE, api, assertTimestamp, createProject, createTask,
	deleteProjectQuietly, fails, git, makeRepo, makeScratch, ok, pause, q, randomUuid,
	removeScratch, sql, sqlValue,
} from './lib/stack.mjs';
import { isAlive, waitFor } from './lib/procs.mjs';

// A 1x1 PNG, a GIF header and an SVG: small real files of three formats.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(1)</script></svg>');
const IMAGE_KEYS = ['id', 'file_path', 'original_name', 'mime_type', 'size_bytes', 'hash',
	'created_at', 'updated_at'];

let scratch;
const projects = [];
const attempts = [];

before(() => {
	scratch = makeScratch('images');
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
		const pids = sqlValue('SELECT GROUP_CONCAT(DISTINCT runner_pid) FROM execution_processes ' +
		    `WHERE task_attempt_id IN (${attempts.map(q).join(', ')})`);
		const list = String(pids || '').split(',').filter(Boolean).map(Number);
		await waitFor(() => list.every((p) => !isAlive(p)), 10000);
	}
	for (const id of projects)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

/* POST a form with one file part; name is the form field. */
async function upload(urlPath, data, filename, { field = 'image', type = 'image/png' } = {})
{
	const form = new FormData();
	form.append(field, new Blob([data], { type }), filename);
	const res = await fetch(BASE + urlPath, { method: 'POST', body: form });
	const text = await res.text();
	let json = null;
	try {
		json = JSON.parse(text);
	} catch {
		/* not JSON */
	}
	return { status: res.status, headers: res.headers, text, json, req: `POST ${urlPath}` };
}

/* A raw body with a chosen content type. */
async function post(urlPath, body, contentType)
{
	return api('POST', urlPath, { body, headers: contentType ? { 'Content-Type': contentType } : {} });
}

function sha256(buf)
{
	return crypto.createHash('sha256').update(buf).digest('hex');
}

function imageCount()
{
	return Number(sqlValue('SELECT COUNT(*) FROM images')) * 1000 +
	    Number(sqlValue('SELECT COUNT(*) FROM task_images'));
}

function storeFiles()
{
	const dir = path.join(SWARM_VAR, 'images');
	return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort() : [];
}

async function newProject()
{
	const repo = makeRepo(path.join(scratch, `r${projects.length}`));
	const p = await createProject(repo, { name: `images ${projects.length}` });
	projects.push(p.id);
	return { repo, project: p };
}

describe('upload and serve', () => {
	test('a PNG is stored once, described as the original does, and served by nginx', async () => {
		const data = Buffer.concat([PNG, crypto.randomBytes(16)]);
		const img = ok(await upload('/api/images/upload', data, 'shot one.png'));
		assert.deepEqual(Object.keys(img).sort(), [...IMAGE_KEYS].sort());
		assert.match(img.id, UUID_RE);
		assert.equal(img.file_path, `${img.id}.png`);
		assert.equal(img.original_name, 'shot one.png');
		assert.equal(img.mime_type, 'image/png');
		assert.equal(img.size_bytes, data.length);
		assert.equal(img.hash, sha256(data));
		assertTimestamp(img.created_at, 'created_at');
		assert.equal(sqlValue(`SELECT hash FROM images WHERE id = ${q(img.id)}`), sha256(data));
		assert.ok(fs.readFileSync(path.join(SWARM_VAR, 'images', img.file_path)).equals(data));

		// The same bytes under another name: the same image.
		const again = ok(await upload('/api/images/upload', data, 'other.png'));
		assert.equal(again.id, img.id);

		const res = await fetch(`${BASE}/api/images/${img.id}/file`);
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'image/png');
		assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
		assert.ok(Buffer.from(await res.arrayBuffer()).equals(data));
	});

	test('an SVG is served sandboxed, so its script cannot run on this origin', async () => {
		const img = ok(await upload('/api/images/upload', SVG, 'x.svg', { type: 'image/svg+xml' }));
		assert.equal(img.mime_type, 'image/svg+xml');
		const res = await fetch(`${BASE}/api/images/${img.id}/file`);
		assert.equal(res.status, 200);
		assert.equal(res.headers.get('content-type'), 'image/svg+xml');
		assert.match(res.headers.get('content-security-policy') || '', /sandbox/);
		assert.match(res.headers.get('content-security-policy') || '', /default-src 'none'/);
		ok(await api('DELETE', `/api/images/${img.id}`));
	});

	test('bad uploads are refused with a clear error and change nothing', async () => {
		const before = imageCount();
		const files = storeFiles();
		const B = 'XyZbOuNdArY';
		const part = (head, body) => `--${B}\r\n${head}\r\n\r\n${body}\r\n--${B}--\r\n`;
		const mp = `multipart/form-data; boundary=${B}`;
		fails(await post('/api/images/upload', JSON.stringify({ image: 'x' }), 'application/json'),
		    415, 'expected Content-Type: multipart/form-data');
		fails(await post('/api/images/upload', 'x', undefined), 415,
		    'expected Content-Type: multipart/form-data');
		fails(await post('/api/images/upload', part('Content-Disposition: form-data; name="image"', 'x'),
		    'multipart/form-data'), 400, 'invalid multipart/form-data content type: no boundary');
		fails(await post('/api/images/upload', part('Content-Disposition: form-data; name="other"; filename="a.png"',
		    PNG.toString('latin1')), mp), 400, "field 'image' is missing");
		fails(await post('/api/images/upload', `--${B}\r\nContent-Disposition: form-data; name="image"\r\n\r\nno end`, mp),
		    400, 'invalid multipart/form-data body');
		fails(await post('/api/images/upload', 'not multipart at all', mp), 400, 'invalid multipart/form-data body');
		fails(await upload('/api/images/upload', Buffer.alloc(0), 'empty.png'), 400, "field 'image' is empty");
		fails(await upload('/api/images/upload', PNG, 'run.exe'), 400,
		    'Invalid image format: use png, jpg, jpeg, gif, webp, bmp or svg');
		fails(await upload('/api/images/upload', GIF, 'lies.png'), 400,
		    'Invalid image format: the content is not image/png');
		fails(await upload('/api/images/upload', Buffer.from('hello'), 'text.svg'), 400,
		    'Invalid image format: the content is not image/svg+xml');
		fails(await upload('/api/images/upload', PNG, 'a\u0001b.png'), 400, 'invalid multipart/form-data body');
		fails(await api('GET', '/api/images/upload'), 405);
		assert.equal(imageCount(), before);
		assert.deepEqual(storeFiles(), files);
	});

	test('an image over 20 MiB is 413 and stores nothing', async () => {
		const before = imageCount();
		const big = Buffer.alloc(20 * 1024 * 1024 + 1);
		PNG.copy(big);
		const res = await upload('/api/images/upload', big, 'big.png');
		fails(res, 413);
		assert.match(res.json.message, /^Image too large: 20971521 bytes \(max: 20971520 bytes\)$/);
		// Past what nginx takes at all: its own 413, still JSON.
		fails(await upload('/api/images/upload', Buffer.alloc(22 * 1024 * 1024), 'huge.png'), 413,
		    'request body too large');
		assert.equal(imageCount(), before);
	});

	test('unknown and malformed ids', async () => {
		const id = randomUuid();
		fails(await api('GET', `/api/images/${id}/file`), 404, 'image not found');
		fails(await api('DELETE', `/api/images/${id}`), 404, 'image not found');
		fails(await api('GET', '/api/images/nope/file'), 400, 'invalid id');
		fails(await api('GET', `/api/images/task/${id}`), 404, 'task not found');
		fails(await upload(`/api/images/task/${id}/upload`, PNG, 'a.png'), 404, 'task not found');
		fails(await api('GET', '/api/images/task/nope'), 400, 'invalid id');
	});
});

describe('task images', () => {
	test('upload to a task, list, delete: the file and the links go', async () => {
		const { project } = await newProject();
		const task = await createTask(project.id, { title: 'with a picture' });
		const before = imageCount();
		const data = Buffer.concat([GIF, crypto.randomBytes(8)]);
		const img = ok(await upload(`/api/images/task/${task.id}/upload`, data, 'diagram.gif',
		    { type: 'image/gif' }));
		assert.equal(img.mime_type, 'image/gif');
		assert.equal(imageCount(), before + 1001);
		const list = ok(await api('GET', `/api/images/task/${task.id}`));
		assert.deepEqual(list.map((i) => i.id), [img.id]);
		// Uploading the same bytes to the same task again adds no link.
		ok(await upload(`/api/images/task/${task.id}/upload`, data, 'again.gif', { type: 'image/gif' }));
		assert.equal(imageCount(), before + 1001);

		ok(await api('DELETE', `/api/images/${img.id}`));
		assert.equal(imageCount(), before);
		assert.ok(!fs.existsSync(path.join(SWARM_VAR, 'images', img.file_path)));
		fails(await api('GET', `/api/images/${img.id}/file`), 404, 'image not found');
		assert.deepEqual(ok(await api('GET', `/api/images/task/${task.id}`)), []);
	});

	test("an attempt finds its task's images in the worktree and the prompt's links absolute", async () => {
		const { repo, project } = await newProject();
		const data = Buffer.concat([PNG, crypto.randomBytes(8)]);
		const img = ok(await upload('/api/images/upload', data, 'screen.png'));
		const task = await createTask(project.id, {
			title: 'look at the screenshot',
			description: `![screen](.vibe-images/${img.file_path})\nWRITE notes.txt seen`,
			image_ids: [img.id],
		});
		assert.deepEqual(ok(await api('GET', `/api/images/task/${task.id}`)).map((i) => i.id), [img.id]);
		const a = ok(await api('POST', '/api/task-attempts', {
			json: { task_id: task.id, executor_profile_id: { executor: 'SCRIPT' }, base_branch: 'main' },
		}));
		attempts.push(a.id);
		const copy = path.join(a.container_ref, '.vibe-images', img.file_path);
		assert.ok(fs.readFileSync(copy).equals(data), 'the image is in the worktree');
		assert.equal(fs.readFileSync(path.join(a.container_ref, '.vibe-images', '.gitignore'), 'utf8'), '*\n');

		// The agent read an absolute link to the copy, and found the file.
		let text = '';
		for (let i = 0; i < 150 && !text.includes('image '); i++) {
			const procs = ok(await api('GET', `/api/execution-processes?task_attempt_id=${a.id}`));
			const agent = procs.find((p) => p.run_reason === 'codingagent');
			if (agent)
				text = JSON.stringify(ok(await api('GET', `/api/execution-processes/${agent.id}/raw-logs`)));
			await pause(100);
		}
		assert.ok(text.includes(`image ${copy} found`), `agent output: ${text.slice(0, 400)}`);

		// The agent's commit has its file, not the ignored images.
		let tree = '';
		for (let i = 0; i < 150 && !tree.includes('notes.txt'); i++) {
			tree = git(repo, 'ls-tree', '-r', '--name-only', a.branch);
			await pause(100);
		}
		assert.ok(tree.includes('notes.txt'), tree);
		assert.ok(!tree.includes('.vibe-images'), tree);
	});
});

describe('orphaned images', () => {
	test('an image no task took is deleted a day later (row and file); task images stay', async () => {
		const { project } = await newProject();
		const old = ok(await upload('/api/images/upload', Buffer.concat([PNG, crypto.randomBytes(8)]), 'old.png'));
		const kept = ok(await upload('/api/images/upload', Buffer.concat([PNG, crypto.randomBytes(8)]), 'kept.png'));
		const task = await createTask(project.id, { title: 'keeps its image', image_ids: [kept.id] });
		// Both a day and an hour old; the next upload sweeps.
		sql(`UPDATE images SET created_at = UTC_TIMESTAMP(6) - INTERVAL 25 HOUR WHERE id IN (${q(old.id)}, ${q(kept.id)})`);
		const fresh = ok(await upload('/api/images/upload', Buffer.concat([PNG, crypto.randomBytes(8)]), 'fresh.png'));
		assert.equal(Number(sqlValue(`SELECT COUNT(*) FROM images WHERE id = ${q(old.id)}`)), 0, 'the orphan is gone');
		assert.ok(!fs.existsSync(path.join(SWARM_VAR, 'images', old.file_path)), 'its file is gone');
		fails(await api('GET', `/api/images/${old.id}/file`), 404, 'image not found');
		assert.deepEqual(ok(await api('GET', `/api/images/task/${task.id}`)).map((i) => i.id), [kept.id]);
		assert.ok(fs.existsSync(path.join(SWARM_VAR, 'images', kept.file_path)), "the task's image stays");
		assert.ok(fs.existsSync(path.join(SWARM_VAR, 'images', fresh.file_path)), 'a new upload stays');
		ok(await api('DELETE', `/api/images/${fresh.id}`));
	});
});
