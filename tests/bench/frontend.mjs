// frontend.mjs: cold load of the board in headless chromium.
// Usage: node frontend.mjs BOARD_URL TASKS (PLAYWRIGHT_CORE set).
// Each run: a fresh browser context with the cache disabled (CDP
// Network.setCacheDisabled), load the board URL, wait for every card.
// Reports per run and the median:
//   interactive  ms from navigation start to the board's
//                'board-interactive' mark (cards rendered, handlers live)
//   seen_ms      ms from goto() until the page shows all TASKS counted in its
//                columns (as seen from outside, includes the test's polling)
//   rendered     cards in the DOM then (columns render their first cards and
//                more as they scroll)
//   bytes        bytes on the wire (encodedDataLength: headers + gzip bodies),
//                split into the app (html/js/css) and the API (json)
import path from 'node:path';

const [url, tasksArg] = process.argv.slice(2);
const TASKS = Number(tasksArg || 1000);
const RUNS = Number(process.env.BENCH_RUNS || 7);
const { chromium } = await import(path.join(process.env.PLAYWRIGHT_CORE, 'index.mjs'));

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const rows = [];
// The first run warms the node's rendered task-list file and the OS; it is reported but not in the median.
for (let i = 0; i <= RUNS; i++) {
	const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	const page = await ctx.newPage();
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	const types = new Map();
	let app = 0;
	let apiBytes = 0;
	let requests = 0;
	const gz = new Set();
	cdp.on('Network.responseReceived', (e) => {
		types.set(e.requestId, e.response.url);
		const enc = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding');
		if (enc && /gzip/.test(enc[1]))
			gz.add(e.requestId);
	});
	// WebSocket frames (the board's task stream): payload bytes as received
	// (no permessage-deflate), not in encodedDataLength.
	let wsBytes = 0;
	cdp.on('Network.webSocketFrameReceived', (e) => {
		wsBytes += Buffer.byteLength(e.response.payloadData || '');
	});
	cdp.on('Network.loadingFinished', (e) => {
		requests++;
		if ((types.get(e.requestId) || '').includes('/api/'))
			apiBytes += e.encodedDataLength;
		else
			app += e.encodedDataLength;
	});
	const t0 = Date.now();
	await page.goto(url);
	// Interactive: the mark is set, and the column counts add up to every task.
	await page.waitForFunction((n) => performance.getEntriesByName('board-interactive').length > 0
		&& [...document.querySelectorAll('.column-head .count')].reduce((s, e) => s + Number(e.textContent), 0) >= n,
	TASKS, { timeout: 30000, polling: 'raf' });
	const cards = Date.now() - t0;
	const wsAtInteractive = wsBytes;
	const rendered = await page.evaluate(() => document.querySelectorAll('.card').length);
	const mark = await page.evaluate(() => {
		const m = performance.getEntriesByName('board-interactive')[0];
		return m ? m.startTime : null;
	});
	await page.waitForTimeout(200);
	rows.push({ run: i, interactive: Math.round(mark), cards, rendered, app, api: apiBytes, total: app + apiBytes, requests, gzipped: gz.size, ws: wsAtInteractive, wsLater: wsBytes });
	await ctx.close();
}
await browser.close();
const measured = rows.slice(1);
console.log(`Board cold load, ${TASKS} tasks, chromium headless, cache disabled, through nginx (gzip)`);
console.log('run  interactive_ms  seen_ms  rendered  app_bytes  api_bytes  total_bytes  requests  gzipped  ws_bytes  ws_after');
for (const r of rows)
	console.log(`${String(r.run).padStart(3)}${r.run === 0 ? '*' : ' '} ${String(r.interactive).padStart(14)} ${String(r.cards).padStart(8)} ${String(r.rendered).padStart(9)} ${String(r.app).padStart(10)} ${String(r.api).padStart(10)} ${String(r.total).padStart(12)} ${String(r.requests).padStart(9)} ${String(r.gzipped).padStart(8)} ${String(r.ws).padStart(9)} ${String(r.wsLater).padStart(9)}`);
console.log('(* warm-up run, not in the median)');
const mi = median(measured.map((r) => r.interactive));
const mt = median(measured.map((r) => r.total));
const mw = median(measured.map((r) => r.ws));
const ml = median(measured.map((r) => r.wsLater));
console.log(`median: interactive ${mi} ms (goal < 300 ms), transferred ${(mt / 1024).toFixed(1)} KB over HTTP (goal < 150 KB)`
	+ ` + ${(mw / 1024).toFixed(1)} KB of WebSocket frames by then; ${(ml / 1024).toFixed(1)} KB within 200 ms after`
	+ ' (the task stream\'s snapshot, sent uncompressed: swarm-stream has no permessage-deflate)');
console.log(`load average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
