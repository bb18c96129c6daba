// flows.test.mjs: the attempt's git flows against the GitHub stand-in
// (create a PR, attach one opened on GitHub, rename the branch with its
// validation errors, change the target branch), images attached in the
// task dialog and shown in the task details, and markdown descriptions
// rendered safely.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, createProject, createTask, deleteProjectQuietly, git, makeScratch, removeScratch } from '../e2e/lib/stack.mjs';
import { BASE, eventually, launch, newPage, taskById } from './lib/browser.mjs';

const STANDIN = (process.env.GITHUB_STANDIN_URL || '').replace(/\/+$/, '');
const OWNER = 'acme';
let browser;
let scratch;
let project;
let repo;
let name;
const attempts = [];

async function standin(method, p, json) {
	const r = await fetch(`${STANDIN}${p}`, { method, headers: { 'content-type': 'application/json', 'user-agent': 'swarm-tests', authorization: 'Bearer test-token' },
		body: json ? JSON.stringify(json) : undefined });
	return { status: r.status, json: await r.json().catch(() => null) };
}

before(async () => {
	assert.ok(STANDIN, 'GITHUB_STANDIN_URL (tests/run.sh starts the stand-in)');
	browser = await launch();
	scratch = makeScratch('browser-flows');
	// A repository whose origin is a bare repository the stand-in knows.
	name = `browser-${process.pid}`;
	repo = path.join(scratch, 'repo');
	const bare = path.join(scratch, OWNER, `${name}.git`);
	fs.mkdirSync(repo, { recursive: true });
	git(repo, 'init', '-q', '-b', 'main');
	fs.writeFileSync(path.join(repo, 'README.md'), '# flows\n');
	git(repo, 'add', '-A');
	git(repo, 'commit', '-q', '-m', 'seed');
	git(repo, 'branch', 'dev');
	fs.mkdirSync(path.dirname(bare), { recursive: true });
	git(scratch, 'init', '-q', '--bare', '-b', 'main', bare);
	git(repo, 'remote', 'add', 'origin', bare);
	git(repo, 'push', '-q', 'origin', 'main', 'dev');
	const reg = await standin('POST', '/_control/repos', { owner: OWNER, repo: name, bare_path: bare });
	assert.equal(reg.status, 200, JSON.stringify(reg.json));
	project = await createProject(repo, { name: 'Browser flows' });
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

// A finished SCRIPT attempt (one commit ahead of main).
async function finishedAttempt(title) {
	const task = await createTask(project.id, { title, description: `WRITE ${title.replace(/\W+/g, '-')}.txt work` });
	const r = await api('POST', '/api/task-attempts', { json: { task_id: task.id, executor_profile_id: { executor: 'SCRIPT' }, base_branch: 'main' } });
	assert.equal(r.status, 200, r.text);
	const attempt = r.json.data;
	attempts.push(attempt.id);
	await eventually(async () => (await taskById(task.id)).status === 'inreview', `${title} finished`, 30000);
	return { task, attempt, url: `${BASE}/projects/${project.id}/tasks/${task.id}/attempts/${attempt.id}` };
}

const branchStatus = async (id) => (await api('GET', `/api/task-attempts/${id}/branch-status`)).json.data;

describe('git flows', () => {
	test('create a pull request from the dialog: pushed, opened on GitHub, shown as PR #n', async () => {
		const s = await finishedAttempt('Open a PR');
		const page = await newPage(browser);
		await page.goto(s.url);
		await page.locator('.gitbar .chip', { hasText: '1 commit ahead' }).waitFor();
		await page.getByRole('button', { name: 'Create PR' }).click();
		const dlg = page.locator('dialog[open]');
		assert.equal(await dlg.getByLabel('Title').inputValue(), 'Open a PR');
		assert.equal(await dlg.getByLabel('Base branch').inputValue(), 'main');
		await dlg.getByLabel('Title').fill('Browser PR');
		await dlg.getByRole('button', { name: 'Create PR' }).click();
		await dlg.waitFor({ state: 'detached' });
		await page.locator('.toast', { hasText: /Pull request created: .*\/pull\/\d+/ }).waitFor();
		const chip = page.locator('.gitbar a.chip', { hasText: /^PR #\d+$/ });
		await chip.waitFor();
		const bs = await branchStatus(s.attempt.id);
		const pr = bs.merges.find((m) => m.type === 'pr').pr_info;
		assert.equal(pr.status, 'open');
		assert.equal(await chip.textContent(), `PR #${pr.number}`);
		assert.equal(await chip.getAttribute('href'), pr.url);
		// With an open PR, the button pushes instead.
		await page.getByRole('button', { name: 'Push', exact: true }).waitFor();
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('attach a PR opened on GitHub', async () => {
		const s = await finishedAttempt('Attach a PR');
		git(repo, 'push', '-q', 'origin', `${s.attempt.branch}:refs/heads/${s.attempt.branch}`);
		const made = await standin('POST', `/repos/${OWNER}/${name}/pulls`, { title: 'made on GitHub', head: s.attempt.branch, base: 'main' });
		assert.equal(made.status, 201, JSON.stringify(made.json));
		const page = await newPage(browser);
		await page.goto(s.url);
		await page.locator('.gitbar .chip', { hasText: '1 commit ahead' }).waitFor();
		await page.getByText('More ▾').click();
		await page.getByRole('menuitem', { name: 'Attach existing PR' }).click();
		await page.locator('.toast', { hasText: `Attached PR #${made.json.number} (open)` }).waitFor();
		await page.locator('.gitbar a.chip', { hasText: `PR #${made.json.number}` }).waitFor();
		await page.context().close();
	});

	test('rename the branch: invalid names and a taken name are explained in the dialog; a good one renames it', async () => {
		const s = await finishedAttempt('Rename me');
		const page = await newPage(browser);
		await page.goto(s.url);
		await page.locator('.gitbar .chip', { hasText: s.attempt.branch }).waitFor();
		await page.getByText('More ▾').click();
		await page.getByRole('menuitem', { name: 'Rename branch…' }).click();
		const dlg = page.locator('dialog[open]');
		const input = dlg.getByLabel('New branch name');
		assert.equal(await input.inputValue(), s.attempt.branch);
		await input.fill('has space..x');
		await dlg.locator('.field-error', { hasText: 'Not a valid git branch name' }).waitFor();
		assert.equal(await input.getAttribute('aria-invalid'), 'true');
		assert.ok(await dlg.getByRole('button', { name: 'Rename' }).isDisabled());
		// Taken: the node's 409, shown in the dialog, which stays open.
		await input.fill('dev');
		await dlg.getByRole('button', { name: 'Rename' }).click();
		await dlg.locator('.field-error', { hasText: 'A branch with this name already exists' }).waitFor();
		assert.equal((await api('GET', `/api/task-attempts/${s.attempt.id}`)).json.data.branch, s.attempt.branch);
		await input.fill('feature/renamed-in-browser');
		await dlg.getByRole('button', { name: 'Rename' }).click();
		await dlg.waitFor({ state: 'detached' });
		await page.locator('.gitbar .chip', { hasText: 'feature/renamed-in-browser' }).waitFor();
		assert.equal((await api('GET', `/api/task-attempts/${s.attempt.id}`)).json.data.branch, 'feature/renamed-in-browser');
		assert.match(git(repo, 'branch', '--list', 'feature/renamed-in-browser'), /feature\/renamed-in-browser/);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('change the target branch from the branch bar', async () => {
		const s = await finishedAttempt('Retarget me');
		const page = await newPage(browser);
		await page.goto(s.url);
		await page.locator('.gitbar .chip', { hasText: '1 commit ahead' }).waitFor();
		const target = page.getByTitle('Change the target branch');
		assert.equal(await target.textContent(), 'main');
		await target.click();
		const dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Target branch').selectOption('dev');
		await dlg.getByRole('button', { name: 'Change' }).click();
		await dlg.waitFor({ state: 'detached' });
		await page.locator('.gitbar button.chip', { hasText: /^dev$/ }).waitFor();
		assert.equal((await api('GET', `/api/task-attempts/${s.attempt.id}`)).json.data.target_branch, 'dev');
		assert.equal((await branchStatus(s.attempt.id)).target_branch_name, 'dev');
		await page.context().close();
	});
});

// A 2x2 PNG (red).
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==', 'base64');

describe('task details', () => {
	test('an image attached in the task dialog is uploaded, linked to the task and shown in its details', async () => {
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks`);
		await page.locator('.board[data-board-ready="true"]').waitFor();
		await page.getByRole('button', { name: '+ Task' }).click();
		const dlg = page.locator('dialog[open]');
		await dlg.getByLabel('Title').fill('With a picture');
		await dlg.getByLabel('Description').fill('Look at **this**:');
		await dlg.locator('input[type=file]').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: PNG });
		const thumb = dlg.locator('.thumbs img');
		await thumb.waitFor();
		await eventually(() => thumb.evaluate((i) => i.complete && i.naturalWidth === 2), 'thumbnail loaded');
		const desc = await dlg.getByLabel('Description').inputValue();
		assert.match(desc, /^Look at \*\*this\*\*:\n!\[red\.png\]\(\.vibe-images\/[0-9a-f-]{36}\.png\)\n$/);
		await dlg.getByRole('button', { name: 'Create task' }).click();
		await dlg.waitFor({ state: 'detached' });
		const card = page.locator('.card', { hasText: 'With a picture' });
		await card.waitFor();
		const id = await card.getAttribute('data-task-id');
		const imgs = (await api('GET', `/api/images/task/${id}`)).json.data;
		assert.equal(imgs.length, 1);
		assert.equal(imgs[0].original_name, 'red.png');
		assert.ok(desc.includes(imgs[0].file_path));
		// Card: plain text, no markup.
		assert.match(await card.locator('.card-desc').textContent(), /^Look at this: \[red\.png\]$/);
		await card.click();
		const panel = page.locator('.task-panel');
		await panel.locator('.description strong', { hasText: 'this' }).waitFor();
		const inDesc = panel.locator('.description img');
		await eventually(() => inDesc.evaluate((i) => i.complete && i.naturalWidth === 2), 'image in the description');
		assert.equal(await inDesc.getAttribute('src'), `/api/images/${imgs[0].id}/file`);
		await eventually(() => panel.locator('.gallery img').evaluate((i) => i.complete && i.naturalWidth === 2), 'gallery image');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('descriptions are markdown, rendered without letting markup or script through', async () => {
		const t = await createTask(project.id, { title: 'Markdown',
			description: '# Plan\nDo `this` and **that** <img src=x onerror="window.pwned=1">\n\n1. first\n2. second\n\n- [docs](https://example.com/d)\n- [bad](javascript:window.pwned=2)\n\n```\n<script>window.pwned=3</script>\n```\n![remote](http://example.com/x.png)' });
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects/${project.id}/tasks/${t.id}`);
		const d = page.locator('.task-panel .description');
		await d.locator('h3', { hasText: 'Plan' }).waitFor();
		assert.equal(await d.locator('code').first().textContent(), 'this');
		assert.deepEqual(await d.locator('ol li').allTextContents(), ['first', 'second']);
		assert.equal(await d.locator('a', { hasText: 'docs' }).getAttribute('href'), 'https://example.com/d');
		assert.equal(await d.locator('a[href^="javascript"]').count(), 0);
		assert.equal(await d.locator('script, img[onerror]').count(), 0);
		assert.equal(await d.locator('img').count(), 0, 'no image from outside the node');
		assert.match(await d.locator('pre').textContent(), /<script>window.pwned=3<\/script>/);
		assert.match(await d.textContent(), /<img src=x onerror/);
		assert.equal(await page.evaluate(() => window.pwned), undefined);
		// The renderer always terminates, whatever the input.
		const n = await page.evaluate(async () => {
			const { blocks } = await import('/js/markdown.js');
			const bits = ['```', '~~~', '# ', '> ', '- ', '1. ', '*', '**', '_', '`', '[', ']', '(', ')', '!', '\n', ' ', 'x', 'http://a.b'];
			let seed = 7;
			let count = 0;
			for (let i = 0; i < 2000; i++) {
				let s = '';
				for (let j = 0; j < 30; j++) {
					seed = (seed * 1103515245 + 12345) & 0x7fffffff;
					s += bits[seed % bits.length];
				}
				count += blocks(s).length >= 0 ? 1 : 0;
			}
			return count;
		});
		assert.equal(n, 2000);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});
