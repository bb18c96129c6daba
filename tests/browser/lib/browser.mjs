// tests/browser/lib/browser.mjs: chromium for the browser tests.
//
// playwright-core (installed by tests/run.sh from web/package-lock.json
// into build/web-test, found through PLAYWRIGHT_CORE) drives Debian's
// /usr/bin/chromium, headless, against the stack's nginx (SWARM_URL).
// Screenshots go to SWARM_SCREENSHOTS (tests/run.sh copies them to
// var/test-artifacts/screenshots/).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { BASE, api } from '../../e2e/lib/stack.mjs';

const PW = process.env.PLAYWRIGHT_CORE;
if (!PW)
	throw new Error('PLAYWRIGHT_CORE is not set: run the browser tests through tests/run.sh (make test)');
const { chromium } = await import(path.join(PW, 'index.mjs'));

export { BASE };
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
const SHOTS = process.env.SWARM_SCREENSHOTS || '';

export async function launch() {
	return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true });
}

/*
 * A page in a fresh context. Uncaught page errors are collected in
 * page.errors (tests assert there are none); WebSocket handshake noise
 * while no stream server runs is expected and ignored.
 */
export async function newPage(browser, viewport = DESKTOP, opts = {}) {
	const ctx = await browser.newContext({ viewport, hasTouch: Boolean(opts.touch), isMobile: Boolean(opts.touch), ...opts.context });
	const page = await ctx.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error' && !/WebSocket|Failed to load resource/.test(m.text()))
			page.errors.push(m.text());
	});
	page.setDefaultTimeout(20000);
	return page;
}

export async function shot(page, name) {
	if (!SHOTS)
		return;
	fs.mkdirSync(SHOTS, { recursive: true });
	await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

// Wait until fn() (async) returns a truthy value; fail with `what`.
export async function eventually(fn, what, timeout = 20000) {
	const end = Date.now() + timeout;
	let last;
	while (Date.now() < end) {
		try {
			last = await fn();
			if (last)
				return last;
		} catch (e) {
			last = e;
		}
		await new Promise((r) => setTimeout(r, 150));
	}
	assert.fail(`${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

export async function taskById(id) {
	const r = await api('GET', `/api/tasks/${id}`);
	return r.status === 200 ? r.json.data : null;
}

export async function tasksOf(projectId) {
	const r = await api('GET', `/api/tasks?project_id=${projectId}`);
	assert.equal(r.status, 200, r.text);
	return r.json.data;
}

// Drag an element onto another with the mouse (pointer events).
export async function drag(page, from, to) {
	const a = await page.locator(from).boundingBox();
	const b = await page.locator(to).boundingBox();
	assert.ok(a && b, `drag: ${from} or ${to} not visible`);
	await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
	await page.mouse.down();
	await page.mouse.move(a.x + a.width / 2 + 10, a.y + a.height / 2 + 10, { steps: 3 });
	await page.mouse.move(b.x + b.width / 2, b.y + 60, { steps: 12 });
	await page.mouse.up();
}

// The card elements of a board column, as their titles.
export async function columnTitles(page, status) {
	return page.locator(`.column[data-status="${status}"] .card-title`).allTextContents();
}
