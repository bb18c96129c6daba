// live.test.mjs: the frontend on the real streams (swarm-stream behind
// nginx): the board follows tasks created, moved and deleted over REST
// without a reload and says Live; an attempt's log lines and diff files
// appear in order while its agent runs (the SCRIPT stand-in with SLEEP
// lines); a finished log stream is not reopened; swarm-stream killed
// under an open board and attempt: Reconnecting/Polling (changes still
// arrive), started again: Live with a correct snapshot.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, createProject, createTask, deleteProjectQuietly, makeRepo, makeScratch, removeScratch } from '../e2e/lib/stack.mjs';
import { BASE, columnTitles, eventually, killStream, launch, newPage, recordSockets, startStream, streamProcess } from './lib/browser.mjs';

let browser;
let scratch;
let project;
const attempts = [];

before(async () => {
	browser = await launch();
	scratch = makeScratch('browser-live');
	project = await createProject(makeRepo(path.join(scratch, 'repo')), { name: 'Browser live' });
});

after(async () => {
	for (const id of attempts)
		await api('POST', `/api/task-attempts/${id}/stop`).catch(() => {});
	if (browser)
		await browser.close();
	if (project) {
		await eventually(async () => (await api('DELETE', `/api/projects/${project.id}`)).status !== 409, 'project deletable', 15000).catch(() => {});
		await deleteProjectQuietly(project.id);
	}
	removeScratch(scratch);
});

const badge = (page, sel = '.toolbar .live') => page.locator(sel).getAttribute('data-live');
const boardUrl = () => `${BASE}/projects/${project.id}/tasks`;

async function startScript(title, description) {
	const task = await createTask(project.id, { title, description });
	const r = await api('POST', '/api/task-attempts', { json: { task_id: task.id, executor_profile_id: { executor: 'SCRIPT' }, base_branch: 'main' } });
	assert.equal(r.status, 200, r.text);
	attempts.push(r.json.data.id);
	return { task, attempt: r.json.data };
}

describe('live streams', () => {
	test('the board follows REST changes without a reload, over the task stream (Live)', async () => {
		const page = await newPage(browser);
		const socks = recordSockets(page);
		await page.goto(boardUrl());
		await page.locator('.board[data-board-ready="true"]').waitFor();
		await eventually(async () => (await badge(page)) === 'live', 'badge Live');
		assert.equal(await page.locator('.toolbar .live').textContent(), 'Live');

		const t = await createTask(project.id, { title: 'Arrives live' });
		await page.locator('.column[data-status="todo"] .card', { hasText: 'Arrives live' }).waitFor();
		// It came over the WebSocket (polling is off while live).
		const board = socks.find((s) => s.url.includes('/api/tasks/stream/ws'));
		assert.ok(board, 'a task stream socket');
		assert.ok(board.frames.some((f) => f.includes(t.id) && f.includes('"add"')), 'an add op for the new task');

		assert.equal((await api('PUT', `/api/tasks/${t.id}`, { json: { status: 'inreview' } })).status, 200);
		await page.locator('.column[data-status="inreview"] .card', { hasText: 'Arrives live' }).waitFor();
		assert.ok(!(await columnTitles(page, 'todo')).includes('Arrives live'));
		assert.ok(board.frames.some((f) => f.includes(`/tasks/${t.id}`) && f.includes('inreview')), 'a replace op');

		assert.ok([200, 202].includes((await api('DELETE', `/api/tasks/${t.id}`)).status));
		await page.locator('.card', { hasText: 'Arrives live' }).waitFor({ state: 'detached' });
		assert.equal(await badge(page), 'live');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('an attempt\'s log lines and diff files appear in order while it runs; finished logs are not reopened', async () => {
		const s = await startScript('Step by step', 'WRITE one.txt first\nSLEEP 2\nWRITE two.txt second\nSLEEP 2\nWRITE three.txt third');
		const page = await newPage(browser);
		const socks = recordSockets(page);
		await page.goto(`${BASE}/projects/${project.id}/tasks/${s.task.id}/attempts/${s.attempt.id}`);
		const seen = (text) => `[...document.querySelectorAll('.conversation .entry')].some((e) => e.textContent.includes(${JSON.stringify(text)}))`;
		const card = (file) => `[...document.querySelectorAll('.diff-card .path')].some((e) => e.textContent === ${JSON.stringify(file)})`;
		const running = 'Boolean(document.querySelector(".followup button.danger"))';
		// Each step while the agent still runs, before the next one.
		await page.waitForFunction(`${seen('I wrote one.txt')} && !${seen('I wrote two.txt')} && ${running}`, null, { timeout: 20000, polling: 50 });
		await page.waitForFunction(`${card('one.txt')} && !${card('two.txt')} && ${running}`, null, { timeout: 20000, polling: 50 });
		await page.waitForFunction(`${seen('I wrote two.txt')} && !${seen('I wrote three.txt')} && ${running}`, null, { timeout: 20000, polling: 50 });
		await page.waitForFunction(`${card('two.txt')} && !${card('three.txt')}`, null, { timeout: 20000, polling: 50 });
		assert.equal(await badge(page, '.attempt-head .live'), 'live', 'every stream of the view is live');
		await page.locator('.conversation').getByText('I wrote three.txt').waitFor();
		await page.locator('.diff-card', { hasText: 'three.txt' }).waitFor();
		await page.locator('.diff-summary', { hasText: '3 files changed' }).waitFor();
		// The tab's counts come from the stats_only stream.
		assert.ok(socks.some((x) => x.url.includes(`/task-attempts/${s.attempt.id}/diff/ws?stats_only=true`)), 'a stats_only diff stream');
		await page.locator('.entry.next-action').waitFor();

		// Every log stream of the finished processes got `finished` and closed.
		const logs = () => socks.filter((x) => /\/(raw|normalized)-logs\/ws$/.test(x.url));
		const done = () => logs().length >= 1 && logs().every((x) => x.closed && x.frames.at(-1) === '{"finished":true}');
		await eventually(async () => done(), 'log streams finished').catch(() => {
			assert.fail(`log streams: ${JSON.stringify(logs().map((x) => [x.url, x.closed, x.frames.length, x.frames.at(-1)]))}`);
		});
		const opened = logs().length;
		await page.waitForTimeout(2500);	// longer than the first reconnect delay
		assert.equal(logs().length, opened, 'no log stream reopened after finished');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('swarm-stream killed: Reconnecting/Polling and changes still show; restarted: Live with a correct snapshot', async () => {
		const keep = await createTask(project.id, { title: 'Stays' });
		const gone = await createTask(project.id, { title: 'Deleted while down' });
		const page = await newPage(browser);
		const socks = recordSockets(page);
		await page.goto(boardUrl());
		await page.locator('.card', { hasText: 'Deleted while down' }).waitFor();
		await eventually(async () => (await badge(page)) === 'live', 'live at first');
		const proc = streamProcess();
		let restarted = false;
		try {
			await killStream(proc);
			await eventually(async () => ['reconnecting', 'polling'].includes(await badge(page)), 'badge Reconnecting or Polling');
			assert.match(await page.locator('.toolbar .live').textContent(), /Reconnecting|Polling/);
			// While down: REST polling still shows changes.
			const made = await createTask(project.id, { title: 'Made while down' });
			assert.ok([200, 202].includes((await api('DELETE', `/api/tasks/${gone.id}`)).status));
			await page.locator('.card', { hasText: 'Made while down' }).waitFor();
			await page.locator('.card', { hasText: 'Deleted while down' }).waitFor({ state: 'detached' });
			assert.equal(await badge(page), 'polling');
			const before = socks.length;
			await startStream(proc);
			restarted = true;
			await eventually(async () => (await badge(page)) === 'live', 'Live again', 30000);
			const fresh = await eventually(async () => socks.slice(before).find((x) => x.url.includes('/api/tasks/stream/ws') && x.frames.length > 0),
				'a new task stream with a snapshot');
			const snap = JSON.parse(fresh.frames[0]).JsonPatch.find((op) => op.path === '/tasks').value;
			assert.ok(snap[keep.id] && snap[made.id] && !snap[gone.id], 'the snapshot is current');
			// And live again: a change arrives over the new socket.
			const later = await createTask(project.id, { title: 'After restart' });
			await page.locator('.card', { hasText: 'After restart' }).waitFor();
			assert.ok(fresh.frames.some((f) => f.includes(later.id)), 'delivered by the stream');
			assert.deepEqual((await page.locator('.card-title').allTextContents()).sort(), ['After restart', 'Made while down', 'Stays', 'Step by step'].sort());
		} finally {
			if (!restarted)
				await startStream(proc);
		}
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});
