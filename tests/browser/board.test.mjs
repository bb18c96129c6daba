// board.test.mjs: the project list and the kanban board in chromium,
// through nginx, against the test stack: create a project on a temporary
// repository with the form, create tasks (dialog, shortcut), drag a task
// to another column and find the change persisted (REST, and after a
// reload), move one with the keyboard, search, delete; screenshots of
// the board at desktop and phone sizes.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, createTask, deleteProjectQuietly, git, makeRepo, makeScratch, removeScratch } from '../e2e/lib/stack.mjs';
import { BASE, PHONE, columnTitles, drag, eventually, launch, newPage, shot, taskById, tasksOf } from './lib/browser.mjs';

let browser;
let scratch;
let project = null;

before(async () => {
	browser = await launch();
	scratch = makeScratch('browser-board');
});

after(async () => {
	if (browser)
		await browser.close();
	if (project)
		await deleteProjectQuietly(project.id);
	removeScratch(scratch);
});

describe('project list and board', () => {
	test('the project form creates a project on a repository and opens its board', async () => {
		const repo = makeRepo(path.join(scratch, 'repo'));
		fs.writeFileSync(path.join(repo, 'README.md'), '# board\n');
		git(repo, 'add', '.');
		git(repo, 'commit', '-q', '-m', 'readme');
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects`);
		await page.getByRole('button', { name: '+ Create project' }).click();
		const dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Name').fill('Browser board');
		await dlg.getByLabel('Repository path').fill(`${repo}/`);
		await dlg.getByRole('button', { name: 'Create project' }).click();
		await page.waitForURL(/\/projects\/[0-9a-f-]{36}\/tasks$/);
		const id = page.url().match(/projects\/([0-9a-f-]{36})/)[1];
		const r = await api('GET', `/api/projects/${id}`);
		assert.equal(r.status, 200);
		project = r.json.data;
		assert.equal(project.name, 'Browser board');
		assert.equal(project.git_repo_path, repo, 'stored in canonical form');
		await page.locator('.board[data-board-ready="true"]').waitFor();
		assert.match(await page.locator('.column[data-status="todo"] .column-empty').textContent(), /No tasks yet/);
		// The project list shows it too.
		await page.goto(`${BASE}/projects`);
		await page.locator('.project-card', { hasText: 'Browser board' }).waitFor();
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('a project form error (not a repository) is shown and nothing is created', async () => {
		const plain = path.join(scratch, 'plain');
		fs.mkdirSync(plain);
		const before = (await api('GET', '/api/projects')).json.data.length;
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects`);
		await page.getByRole('button', { name: '+ Create project' }).click();
		const dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Name').fill('Not a repo');
		await dlg.getByLabel('Repository path').fill(plain);
		await dlg.getByRole('button', { name: 'Create project' }).click();
		await dlg.getByRole('alert').filter({ hasText: 'The specified directory is not a git repository' }).waitFor();
		assert.equal((await api('GET', '/api/projects')).json.data.length, before);
		await page.context().close();
	});

	test('tasks created with the dialog and the c shortcut appear in To Do and in the API', async () => {
		assert.ok(project, 'needs the project of the first test');
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		await page.getByRole('button', { name: '+ Task' }).click();
		let dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Title').fill('First task');
		await dlg.getByLabel('Description').fill('Something to do');
		await dlg.getByRole('button', { name: 'Create task' }).click();
		await page.locator('dialog[open]').waitFor({ state: 'detached' });
		// The c shortcut and Ctrl+Enter.
		await page.locator('body').click({ position: { x: 5, y: 300 } });
		await page.keyboard.press('c');
		dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Title').fill('Second task');
		await page.keyboard.press('Control+Enter');
		await eventually(async () => (await columnTitles(page, 'todo')).length === 2, 'two cards in To Do');
		assert.deepEqual(await columnTitles(page, 'todo'), ['Second task', 'First task'], 'newest first');
		const tasks = await tasksOf(project.id);
		assert.deepEqual(tasks.map((t) => [t.title, t.status]).sort(), [['First task', 'todo'], ['Second task', 'todo']]);
		assert.equal(tasks.find((t) => t.title === 'First task').description, 'Something to do');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('dragging a card to In Progress persists the status (REST, and after a reload)', async () => {
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		const task = (await tasksOf(project.id)).find((t) => t.title === 'First task');
		await drag(page, `.card[data-task-id="${task.id}"]`, '.column[data-status="inprogress"]');
		await eventually(async () => (await taskById(task.id)).status === 'inprogress', 'the task is inprogress in the API');
		assert.deepEqual(await columnTitles(page, 'inprogress'), ['First task']);
		// The drag did not open the task.
		assert.doesNotMatch(page.url(), /tasks\/[0-9a-f-]{36}$/);
		await page.reload();
		await page.locator('.board[data-board-ready="true"]').waitFor();
		assert.deepEqual(await columnTitles(page, 'inprogress'), ['First task']);
		assert.deepEqual(await columnTitles(page, 'todo'), ['Second task']);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('keyboard: j/k focus cards, Shift+L moves the focused task to the next column', async () => {
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		const task = (await tasksOf(project.id)).find((t) => t.title === 'Second task');
		await page.keyboard.press('j');
		assert.equal(await page.evaluate(() => document.activeElement.dataset.taskId), task.id);
		await page.keyboard.press('Shift+L');
		await eventually(async () => (await taskById(task.id)).status === 'inprogress', 'Shift+L moved it to inprogress');
		// The card is shown in its new column and keeps the keyboard focus.
		await eventually(() => page.evaluate((id) => {
			const a = document.activeElement;
			return a && a.dataset.taskId === id && a.closest('.column').dataset.status === 'inprogress';
		}, task.id), 'the moved card focused in In Progress');
		await page.keyboard.press('Enter');
		await page.waitForURL(new RegExp(`/tasks/${task.id}$`));
		await page.locator('.task-panel h2', { hasText: 'Second task' }).waitFor();
		await page.keyboard.press('Escape');
		await page.waitForURL(/\/tasks$/);
		await page.context().close();
	});

	test('the task panel changes status and edits the task; search filters cards', async () => {
		const page = await newPage(browser);
		const task = (await tasksOf(project.id)).find((t) => t.title === 'Second task');
		await page.goto(`${BASE}/projects/${project.id}/tasks/${task.id}`);
		const panel = page.locator('.task-panel');
		await panel.getByLabel('Status').selectOption('inreview');
		await eventually(async () => (await taskById(task.id)).status === 'inreview', 'status select saved');
		await panel.getByRole('button', { name: 'Edit' }).click();
		const dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Title').fill('Second task, renamed');
		await dlg.getByRole('button', { name: 'Save' }).click();
		await eventually(async () => (await taskById(task.id)).title === 'Second task, renamed', 'title saved');
		await panel.locator('h2', { hasText: 'Second task, renamed' }).waitFor();
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		await page.getByLabel('Search tasks').fill('renamed');
		await eventually(async () => (await page.locator('.card').count()) === 1, 'one card matches');
		await page.getByLabel('Search tasks').fill('');
		await eventually(async () => (await page.locator('.card').count()) === 2, 'both cards back');
		await page.context().close();
	});

	test('deleting a task through its confirmation dialog removes it', async () => {
		const doomed = await createTask(project.id, { title: 'Doomed task' });
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks/${doomed.id}`);
		await page.locator('.task-panel').getByRole('button', { name: 'Delete' }).click();
		await page.locator('dialog[open]').getByRole('button', { name: 'Delete' }).click();
		await eventually(async () => (await api('GET', `/api/tasks/${doomed.id}`)).status === 404, 'task gone from the API');
		await page.waitForURL(/\/tasks$/);
		await eventually(async () => (await page.locator(`.card[data-task-id="${doomed.id}"]`).count()) === 0, 'card gone');
		await page.context().close();
	});

	test('the board shows its live status and changes made elsewhere', async () => {
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		// Painted from REST first, then the task stream connects: Live.
		await eventually(async () => (await page.locator('.toolbar [data-live]').getAttribute('data-live')) === 'live', 'status badge Live');
		const t = await createTask(project.id, { title: 'Made by another client' });
		await page.locator(`.card[data-task-id="${t.id}"]`).waitFor();
		await page.context().close();
	});

	test('screenshots: board at desktop and phone sizes; the phone board snaps column by column', async () => {
		for (const [i, st] of ['todo', 'inprogress', 'done', 'done', 'cancelled'].entries())
			await createTask(project.id, { title: `Sample task ${i + 1}`, description: 'A description long enough to wrap onto a second line of the card on a phone.', status: st });
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		await shot(page, 'board-desktop-1280x800');
		await page.context().close();

		const phone = await newPage(browser, PHONE, { touch: true });
		await phone.goto(`${BASE}/projects/${project.id}/tasks`);
		await phone.locator('.board[data-board-ready="true"]').waitFor();
		const snap = await phone.locator('.board').evaluate((el) => getComputedStyle(el).scrollSnapType);
		assert.match(snap, /x mandatory/);
		const w = (await phone.locator('.column').first().boundingBox()).width;
		assert.ok(w > PHONE.width * 0.7 && w < PHONE.width, `one column fills the phone: ${w}px`);
		await shot(phone, 'board-phone-390x844');
		// The column tabs jump to a column.
		await phone.locator('.column-tabs a', { hasText: 'Done' }).tap();
		await eventually(async () => {
			const box = await phone.locator('.column[data-status="done"]').boundingBox();
			return box.x >= 0 && box.x < 40;
		}, 'the Done column scrolled into view');
		assert.deepEqual(phone.errors, []);
		await phone.context().close();
	});

	test('dark theme toggle applies and sticks across a reload', async () => {
		const page = await newPage(browser, undefined, { context: { colorScheme: 'light' } });
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
		const light = await bg();
		await page.getByRole('button', { name: /^Theme: system/ }).click();	// → light
		await page.getByRole('button', { name: /^Theme: light/ }).click();	// → dark
		await eventually(async () => (await bg()) !== light, 'background changed');
		const dark = await bg();
		await page.reload();
		await page.locator('.board[data-board-ready="true"]').waitFor();
		assert.equal(await bg(), dark);
		await shot(page, 'board-desktop-dark');
		await page.context().close();
	});
});

