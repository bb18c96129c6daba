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

/* --------------------------------------------------- swarm-stream control */
// The stack's stream server, killed and started again by the liveness
// tests as tests/e2e/stream-diff.test.mjs does: same environment and
// arguments (from /proc), its pid file rewritten, output to its log.

const RUN = process.env.SWARM_RUN || '';

export function streamProcess() {
	assert.ok(RUN, 'SWARM_RUN must be set (tests/run.sh does)');
	const pidFile = path.join(RUN, 'swarm-stream.pid');
	const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
	assert.ok(pid > 0, `no pid in ${pidFile}`);
	const env = {};
	for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
		const i = kv.indexOf('=');
		if (i > 0)
			env[kv.slice(0, i)] = kv.slice(i + 1);
	}
	const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
	assert.match(argv[0], /swarm-stream/, `pid ${pid} is swarm-stream`);
	return { pid, pidFile, env, argv };
}

const alive = (pid) => {
	try {
		const st = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return !/^[^)]*\) [ZX]/.test(st);
	} catch {
		return false;
	}
};

export async function killStream(proc) {
	process.kill(proc.pid, 'SIGKILL');
	for (let i = 0; i < 200 && alive(proc.pid); i++)
		await new Promise((r) => setTimeout(r, 25));
	assert.ok(!alive(proc.pid), 'swarm-stream is gone');
}

export async function startStream(proc) {
	const { spawn } = await import('node:child_process');
	const logFd = fs.openSync(path.join(process.env.SWARM_VAR, 'log', 'swarm-stream.log'), 'a');
	const child = spawn(proc.argv[0], proc.argv.slice(1), { env: proc.env, detached: true, stdio: ['ignore', logFd, logFd] });
	child.unref();
	fs.closeSync(logFd);
	fs.writeFileSync(proc.pidFile, `${child.pid}\n`);
	return child.pid;
}

// Every WebSocket the page opens: {url, frames: [text], closed}.
export function recordSockets(page) {
	const list = [];
	page.on('websocket', (ws) => {
		const rec = { url: ws.url(), frames: [], closed: false };
		list.push(rec);
		ws.on('framereceived', (f) => rec.frames.push(String(f.payload)));
		ws.on('close', () => { rec.closed = true; });
	});
	return list;
}
