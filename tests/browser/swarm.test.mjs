// swarm.test.mjs: the swarm in the frontend, with the hive and the two
// nodes tests/run.sh starts: node-b's project list shows node-a's linked
// project under node-a with its status; its board marks the tasks as
// remote; starting an attempt there is refused with a clear message. A
// node without a hive (the main stack) shows local projects only.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { api, makeRepo, makeScratch, removeScratch } from '../e2e/lib/stack.mjs';
import { BASE, eventually, launch, newPage, shot } from './lib/browser.mjs';

const NODE_A = (process.env.SWARM_NODE_A_URL || '').replace(/\/+$/, '');
const NODE_B = (process.env.SWARM_NODE_B_URL || '').replace(/\/+$/, '');
const ORG = process.env.SWARM_HIVE_ORG || '';
const onA = (m, p, opts = {}) => api(m, p, { ...opts, base: NODE_A });
const onB = (m, p, opts = {}) => api(m, p, { ...opts, base: NODE_B });
const ok = (r) => {
	assert.equal(r.status, 200, r.text);
	return r.json.data;
};

let browser;
let scratch;
let projA = null;
const name = `Browser swarm ${process.pid}`;

before(async () => {
	assert.ok(NODE_A && NODE_B && ORG, 'SWARM_NODE_A_URL, SWARM_NODE_B_URL, SWARM_HIVE_ORG (tests/run.sh)');
	browser = await launch();
	scratch = makeScratch('browser-swarm');
	const repo = makeRepo(path.join(scratch, 'repo'));
	projA = ok(await onA('POST', '/api/projects', { json: { name: 'browser swarm', git_repo_path: repo, use_existing_repo: true } }));
	projA = ok(await onA('POST', `/api/projects/${projA.id}/link/create`, { json: { organization_id: ORG, name } }));
	assert.ok(projA.remote_project_id);
});

after(async () => {
	if (browser)
		await browser.close();
	if (projA) {
		// Unlinked, node-b drops its mirror (the hive tests count node-a's projects).
		await onA('DELETE', `/api/projects/${projA.id}/link`);
		await eventually(async () => !ok(await onB('GET', '/api/projects')).some((p) => p.remote_project_id === projA.remote_project_id),
			'node-b dropped the remote project', 20000).catch(() => {});
		await onA('DELETE', `/api/projects/${projA.id}`);
	}
	removeScratch(scratch);
});

describe('swarm', () => {
	let mirror;

	test('node-b lists node-a\'s project under node-a with its status', async () => {
		mirror = await eventually(async () => ok(await onB('GET', '/api/projects')).find((p) => p.remote_project_id === projA.remote_project_id && p.is_remote),
			'the remote project on node-b');
		const page = await newPage(browser);
		await page.goto(`${NODE_B}/projects`);
		const group = page.locator('section.node-group', { has: page.locator('h2', { hasText: 'node-a' }) });
		await group.waitFor();
		const card = group.locator('.project-card', { hasText: name });
		await card.waitFor();
		assert.equal(await card.getAttribute('data-remote'), 'true');
		assert.match(await group.locator('.node-status').textContent(), /online|offline|busy|pending|draining/);
		// Local projects stay in their own list, without node-a's.
		assert.equal(await page.locator('ul[aria-label="Local projects"] .project-card', { hasText: name }).count(), 0);
		await shot(page, 'projects-swarm-desktop');
		await card.getByRole('link', { name }).click();
		await page.waitForURL(`${NODE_B}/projects/${mirror.id}/tasks`);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('a task of node-a shows on node-b\'s board with a remote badge; starting an attempt is refused clearly', async () => {
		const t = ok(await onA('POST', '/api/tasks', { json: { project_id: projA.id, title: 'Made on node-a' } }));
		assert.ok(t.shared_task_id);
		const page = await newPage(browser);
		await page.goto(`${NODE_B}/projects/${mirror.id}/tasks`);
		const card = page.locator('.card', { hasText: 'Made on node-a' });
		await card.waitFor({ timeout: 30000 });
		assert.match(await card.getAttribute('class'), /\bremote\b/);
		assert.equal((await card.locator('.remote-badge').textContent()).trim(), '⇄ node-a');
		// node-a's own board marks it as shared.
		const pa = await newPage(browser);
		await pa.goto(`${NODE_A}/projects/${projA.id}/tasks`);
		await pa.locator('.card', { hasText: 'Made on node-a' }).locator('.shared-badge').waitFor();
		await pa.context().close();

		await card.click();
		const panel = page.locator('.task-panel');
		await panel.locator('.remote-note', { hasText: 'node-a' }).waitFor();
		await panel.getByRole('button', { name: '+ New attempt' }).click();
		const dlg = page.locator('dialog[open]');
		await dlg.locator('.banner.warn', { hasText: 'node-a' }).waitFor();
		await dlg.getByLabel('Agent').selectOption('SCRIPT');
		await dlg.getByRole('button', { name: 'Start' }).click();
		await dlg.locator('.banner.error', { hasText: 'Cannot start task attempts on remote projects. Tasks execute on their origin node.' }).waitFor();
		assert.match(await dlg.locator('.banner.error').textContent(), /^Not started: /);
		const local = ok(await onB('GET', `/api/task-attempts?task_id=${await card.getAttribute('data-task-id')}`));
		assert.deepEqual(local, [], 'nothing started');
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});

	test('a node without a hive lists its projects and no remote section', async () => {
		// No hive: 409, or (as built) 200 with no remote groups; either way no section.
		const r = await api('GET', '/api/unified-projects');
		assert.ok(r.status === 409 || (r.status === 200 && r.json.data.remote_by_node.length === 0), r.text);
		const page = await newPage(browser);
		await page.goto(`${BASE}/projects`);
		await page.locator('h1', { hasText: 'Projects' }).waitFor();
		await page.locator('.loading').waitFor({ state: 'detached' });
		assert.equal(await page.locator('section.node-group').count(), 0);
		assert.equal(await page.locator('.banner.error').count(), 0);
		assert.deepEqual(page.errors, []);
		await page.context().close();
	});
});
