// attempt.test.mjs: an attempt in chromium, with the SCRIPT executor's
// stand-in agent (tests/e2e/fixtures/script-agent.sh: prompt lines WRITE
// path text, SLEEP s, FAIL code): start it from the task panel, see its
// log lines and diff, browse its files, send a follow-up, stop a run,
// git errors shown as messages (no remote; a rebase that stops on
// conflicts, then aborted), merge it and find the task in Done;
// screenshots of the attempt view at desktop and phone sizes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, createProject, createTask, deleteProjectQuietly, git, makeRepo, makeScratch, removeScratch } from '../e2e/lib/stack.mjs';
import { BASE, DESKTOP, PHONE, columnTitles, eventually, launch, newPage, shot, taskById } from './lib/browser.mjs';

let browser;
let scratch;
let project;
let repo;
const attempts = [];

before(async () => {
	browser = await launch();
	scratch = makeScratch('browser-attempt');
	repo = makeRepo(path.join(scratch, 'repo'));
	fs.writeFileSync(path.join(repo, 'README.md'), '# attempt\n');
	git(repo, 'add', '.');
	git(repo, 'commit', '-q', '-m', 'readme');
	project = await createProject(repo, { name: 'Browser attempts' });
});

after(async () => {
	for (const id of attempts)
		await api('POST', `/api/task-attempts/${id}/stop`).catch(() => {});
	if (browser)
		await browser.close();
	if (project) {
		// Deleting refuses while a run goes on: wait for the stops to land.
		await eventually(async () => (await api('DELETE', `/api/projects/${project.id}`)).status !== 409, 'project deletable', 15000).catch(() => {});
		await deleteProjectQuietly(project.id);
	}
	removeScratch(scratch);
});

async function processes(attemptId) {
	const r = await api('GET', `/api/execution-processes?task_attempt_id=${attemptId}`);
	assert.equal(r.status, 200, r.text);
	return r.json.data;
}

// The attempt's chain is over: nothing runs and the task is in review.
async function settled(attemptId, taskId) {
	await eventually(async () => {
		const ps = await processes(attemptId);
		return ps.length > 0 && ps.every((p) => p.status !== 'running') && (await taskById(taskId)).status === 'inreview';
	}, `attempt ${attemptId} finished`, 30000);
}

// Start an attempt over REST (setup for the git tests).
async function startScript(title, description) {
	const task = await createTask(project.id, { title, description });
	const r = await api('POST', '/api/task-attempts', { json: { task_id: task.id, executor_profile_id: { executor: 'SCRIPT' }, base_branch: 'main' } });
	assert.equal(r.status, 200, r.text);
	attempts.push(r.json.data.id);
	return { task, attempt: r.json.data };
}

const attemptUrl = (task, attempt) => `${BASE}/projects/${project.id}/tasks/${task.id}/attempts/${attempt.id}`;

describe('attempt view', () => {
	let task;
	let attemptId;

	test('starting an attempt from the task panel with the SCRIPT executor shows its log lines and its diff', async () => {
		task = await createTask(project.id, { title: 'Say hello', description: 'WRITE hello.txt hello world\nWRITE src/lib/util.js export const two = 2;' });
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks/${task.id}`);
		await page.locator('.task-panel').getByText('No attempts yet').waitFor();
		await page.getByRole('button', { name: '+ New attempt' }).click();
		const dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Agent').selectOption('SCRIPT');
		assert.equal(await dlg.getByLabel('Variant').inputValue(), 'DEFAULT');
		assert.equal(await dlg.getByLabel('Base branch').inputValue(), 'main');
		await dlg.getByRole('button', { name: 'Start' }).click();
		await page.waitForURL(/\/attempts\/[0-9a-f-]{36}$/);
		attemptId = page.url().match(/attempts\/([0-9a-f-]{36})/)[1];
		attempts.push(attemptId);
		const a = (await api('GET', `/api/task-attempts/${attemptId}`)).json.data;
		assert.equal(a.executor, 'SCRIPT');
		assert.equal(a.target_branch, 'main');

		const conv = page.locator('.conversation');
		await conv.getByText('I wrote hello.txt').waitFor();
		await conv.getByText('I wrote src/lib/util.js').waitFor();
		await conv.locator('.entry.user', { hasText: 'WRITE hello.txt hello world' }).waitFor();
		const card = page.locator('.diff-card', { hasText: 'hello.txt' });
		await card.locator('tr.add', { hasText: 'hello world' }).waitFor();
		await page.locator('.diff-summary', { hasText: '2 files changed' }).waitFor();
		assert.match(await page.locator('.diff-summary').textContent(), /\+2\s*−0/);
		await page.locator('.file-tree .tree-dir', { hasText: 'src/lib/' }).waitFor();
		await settled(attemptId, task.id);
		await page.locator('.gitbar .chip', { hasText: '1 commit ahead' }).waitFor();
		await page.locator('.entry.next-action').waitFor();
		await shot(page, 'attempt-desktop-1280x800');
		// Collapsing a file hides its lines.
		await card.getByRole('button', { name: /hello\.txt/ }).click();
		assert.equal(await card.locator('tr.add').count(), 0);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('phone: the attempt view has tabs, and follow-up and stop sit at the bottom', async () => {
		assert.ok(attemptId, 'needs the attempt of the first test');
		const page = await newPage(browser, PHONE, { touch: true });
		await page.goto(attemptUrl(task, { id: attemptId }));
		await page.locator('.conversation').getByText('I wrote hello.txt').waitFor();
		const send = await page.getByRole('button', { name: 'Send' }).boundingBox();
		assert.ok(send.y + send.height <= PHONE.height && send.y > PHONE.height - 140, `Send in thumb reach: y=${send.y}`);
		assert.ok(send.height >= 40, 'a big enough target');
		await shot(page, 'attempt-phone-390x844');
		await page.getByRole('tab', { name: 'Diffs' }).tap();
		await page.locator('.diff-card', { hasText: 'hello.txt' }).waitFor();
		await shot(page, 'attempt-phone-diffs-390x844');
		await page.context().close();
	});

	test('screenshots in light and dark, desktop and phone; phone: Stop in thumb reach; dialogs: focus inside, every field labelled', async () => {
		assert.ok(attemptId, 'needs the attempt of the first test');
		for (const scheme of ['light', 'dark']) {
			for (const [vp, size] of [['desktop', DESKTOP], ['phone', PHONE]]) {
				const page = await newPage(browser, size, { touch: vp === 'phone', context: { colorScheme: scheme } });
				await page.goto(`${BASE}/projects/${project.id}/tasks`);
				await page.locator('.board[data-board-ready="true"]').waitFor();
				await shot(page, `board-${vp}-${scheme}`);
				await page.goto(attemptUrl(task, { id: attemptId }));
				await page.locator('.conversation').getByText('I wrote hello.txt').waitFor();
				await page.locator('.attempt-head [data-live="live"]').waitFor();
				await shot(page, `attempt-${vp}-${scheme}`);
				assert.deepEqual(page.errors, []);
				await page.context().close();
			}
		}
		// A running attempt on a phone: Stop is big and at the bottom.
		const s = await startScript('Long on a phone', 'SLEEP 20');
		const phone = await newPage(browser, PHONE, { touch: true });
		await phone.goto(attemptUrl(s.task, s.attempt));
		const stop = phone.locator('.followup').getByRole('button', { name: 'Stop' });
		await stop.waitFor();
		const b = await stop.boundingBox();
		assert.ok(b.y + b.height <= PHONE.height && b.y > PHONE.height - 140 && b.height >= 40 && b.width >= 44, `Stop in thumb reach: ${JSON.stringify(b)}`);
		assert.equal(await phone.getByLabel('Follow-up instructions').count(), 1);
		await stop.tap();
		await phone.locator('.followup').getByRole('button', { name: 'Send' }).waitFor();
		await phone.context().close();

		// The task dialog: focus starts in Title and stays in the dialog; every field has a label.
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		await page.keyboard.press('c');
		const dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Title').waitFor();
		assert.equal(await page.evaluate(() => document.activeElement.name), 'title');
		await page.keyboard.type('Focus order');
		const order = [];
		for (let i = 0; i < 12; i++) {
			await page.keyboard.press('Tab');
			order.push(await page.evaluate(() => {
				const a = document.activeElement;
				return a.closest('dialog[open]') ? (a.name || a.getAttribute('aria-label') || a.textContent.trim()) : `OUTSIDE:${a.tagName}`;
			}));
		}
		assert.ok(order.every((x) => !x.startsWith('OUTSIDE')), `focus stays in the dialog: ${order}`);
		assert.deepEqual(order.slice(0, 7), ['description', 'Attach images…', 'validation_steps', 'status', 'start', 'Cancel', 'Create task']);
		const unlabelled = await dlg.evaluate((d) => [...d.querySelectorAll('input, select, textarea, button')]
			.filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
			.map((el) => el.outerHTML));
		assert.deepEqual(unlabelled, []);
		await page.keyboard.press('Escape');
		await dlg.waitFor({ state: 'detached' });
		await page.context().close();
	});

	test('the files tab browses the worktree and shows a file', async () => {
		const page = await newPage(browser);
		await page.goto(attemptUrl(task, { id: attemptId }));
		await page.getByRole('tab', { name: 'Files' }).click();
		await page.locator('.dir-list').getByRole('button', { name: /src/ }).click();
		await page.locator('.dir-list').getByRole('button', { name: /lib/ }).click();
		await page.locator('.dir-list').getByRole('button', { name: /util\.js/ }).click();
		await page.locator('.code-table', { hasText: 'export const two = 2;' }).waitFor();
		await page.context().close();
	});

	test('a follow-up runs the agent again; its lines and new file appear; processes are listed', async () => {
		const page = await newPage(browser);
		await page.goto(attemptUrl(task, { id: attemptId }));
		await page.getByLabel('Follow-up instructions').fill('WRITE second.txt more');
		await page.keyboard.press('Control+Enter');
		await page.locator('.conversation').getByText('I wrote second.txt').waitFor();
		await page.locator('.diff-card', { hasText: 'second.txt' }).waitFor();
		await settled(attemptId, task.id);
		const ps = await processes(attemptId);
		assert.equal(ps.filter((p) => p.run_reason === 'codingagent').length, 2);
		await page.getByRole('tab', { name: /Processes/ }).click();
		assert.equal(await page.locator('.process-list > li').count(), ps.length);
		await page.locator('.process-list > li').first().getByRole('button', { name: 'Raw log' }).click();
		await page.locator('.process-list pre.raw', { hasText: 'I wrote hello.txt' }).waitFor();
		await page.context().close();
	});

	test('a git error is shown as a message: push without a remote', async () => {
		const page = await newPage(browser);
		await page.goto(attemptUrl(task, { id: attemptId }));
		await page.getByText('More ▾').click();
		await page.getByRole('menuitem', { name: 'Push branch' }).click();
		await page.locator('.git-error', { hasText: 'the repository has no remote' }).waitFor();
		await page.context().close();
	});

	test('merge: the task goes to Done and the board shows it there', async () => {
		const page = await newPage(browser);
		await page.goto(attemptUrl(task, { id: attemptId }));
		await page.getByRole('button', { name: 'Merge', exact: true }).click();
		await eventually(async () => (await taskById(task.id)).status === 'done', 'task done after merge');
		assert.equal(git(repo, 'show', 'main:hello.txt'), 'hello world\n');
		await page.locator('.gitbar .chip', { hasText: 'Merged' }).waitFor();
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		assert.ok((await columnTitles(page, 'done')).includes('Say hello'));
		await page.context().close();
	});

	test('typed git errors: a merge that conflicts, a rebase stopped on conflicts, then aborted', async () => {
		const b = await startScript('Conflict B', 'WRITE clash.txt from b');
		const c = await startScript('Conflict C', 'WRITE clash.txt from c');
		await settled(b.attempt.id, b.task.id);
		await settled(c.attempt.id, c.task.id);
		assert.equal((await api('POST', `/api/task-attempts/${c.attempt.id}/merge`)).status, 200);

		const page = await newPage(browser);
		await page.goto(attemptUrl(b.task, b.attempt));
		await page.locator('.gitbar .chip', { hasText: 'behind' }).waitFor();
		await page.getByRole('button', { name: 'Merge', exact: true }).click();
		const banner = page.locator('.git-error');
		await banner.getByText('The branch conflicts with the target branch').waitFor();
		await banner.getByRole('button', { name: 'Rebase now' }).click();
		await page.locator('dialog[open]').getByRole('button', { name: 'Rebase' }).click();
		await banner.getByText('The rebase stopped on conflicts').waitFor();
		await page.locator('.gitbar .banner.warn', { hasText: 'A rebase is in progress' }).waitFor();
		await page.locator('.gitbar .chip', { hasText: 'Conflicts' }).or(page.locator('.gitbar .chip', { hasText: 'Rebasing' })).first().waitFor();
		const bs = (await api('GET', `/api/task-attempts/${b.attempt.id}/branch-status`)).json.data;
		assert.equal(bs.is_rebase_in_progress, true);
		assert.deepEqual(bs.conflicted_files, ['clash.txt']);
		await shot(page, 'attempt-conflict-desktop');
		await page.locator('.gitbar .banner.warn').getByRole('button', { name: 'abort' }).click();
		await eventually(async () => !(await api('GET', `/api/task-attempts/${b.attempt.id}/branch-status`)).json.data.is_rebase_in_progress,
			'rebase aborted');
		await page.locator('.gitbar .banner.warn').waitFor({ state: 'detached' });
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('stop: a long run shows Stop at the bottom; pressing it kills the process', async () => {
		const s = await startScript('Sleepy', 'SLEEP 30\nWRITE late.txt never');
		const page = await newPage(browser);
		await page.goto(attemptUrl(s.task, s.attempt));
		const stop = page.locator('.followup').getByRole('button', { name: 'Stop' });
		await stop.click();
		await eventually(async () => (await processes(s.attempt.id)).some((p) => p.status === 'killed'), 'a process was killed');
		await page.locator('.followup').getByRole('button', { name: 'Send' }).waitFor();
		await page.locator('.entry.next-action', { hasText: 'Stopped' }).waitFor();
		await page.context().close();
	});
});
