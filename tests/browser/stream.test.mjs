// stream.test.mjs: static/js/stream.js in chromium against a WebSocket
// server of this file speaking the node's stream protocol (JsonPatch,
// finished, refresh_required): snapshot and patches, RFC 6901 escapes,
// finished (no reconnect), refresh_required (reset and reconnect), a
// dropped connection (backoff, reconnect, fresh snapshot), and the REST
// polling fallback when the upgrade is refused. The page and stream.js
// are served by the same server, so the module sees it as its origin.

import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { eventually, launch, newPage } from './lib/browser.mjs';

const STREAM_JS = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../static/js/stream.js'));
const PAGE = `<!doctype html><script type="module">
import { openStream, applyPatch } from '/stream.js';
window.applyPatch = applyPatch;
window.open_ = (ws, poll) => {
	window.log = { docs: [], statuses: [], finished: 0 };
	window.s = openStream({
		ws, initial: { entries: {} },
		poll: poll ? async () => { const r = await fetch(poll); return { doc: await r.json() }; } : undefined,
		pollMs: 200,
		onDoc: (d) => window.log.docs.push(d),
		onStatus: (st) => window.log.statuses.push(st),
		onFinished: () => window.log.finished++,
	});
};
window.ready = true;
</script>`;

let server;
let base;
let browser;
let page;
const conns = [];	// {path, socket}
let onConnect = () => {};

// A server text frame (unmasked), or a close frame with a code.
function frame(opcode, payload) {
	const len = payload.length;
	const head = len < 126 ? Buffer.from([0x80 | opcode, len])
		: Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]);
	return Buffer.concat([head, payload]);
}
const sendJson = (sock, obj) => sock.write(frame(1, Buffer.from(JSON.stringify(obj))));
const sendClose = (sock, code) => sock.write(frame(8, Buffer.from([code >> 8, code & 255])));

before(async () => {
	server = http.createServer((req, res) => {
		if (req.url === '/')
			res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
		else if (req.url === '/stream.js')
			res.writeHead(200, { 'content-type': 'text/javascript' }).end(STREAM_JS);
		else if (req.url === '/snapshot')
			res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ entries: { polled: 1 } }));
		else
			res.writeHead(404).end('no');
	});
	server.on('upgrade', (req, sock) => {
		if (req.url.startsWith('/refuse')) {
			sock.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
			return;
		}
		const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
		sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
		const c = { path: req.url, sock, closeCodes: [] };
		sock.on('data', (buf) => {
			// Client frames are masked; only close frames matter here.
			if ((buf[0] & 0x0f) === 8 && (buf[1] & 0x7f) >= 2) {
				const mask = buf.subarray(2, 6);
				c.closeCodes.push(((buf[6] ^ mask[0]) << 8) | (buf[7] ^ mask[1]));
				sock.end();
			}
		});
		sock.on('error', () => {});
		conns.push(c);
		onConnect(c);
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	base = `http://127.0.0.1:${server.address().port}`;
	browser = await launch();
	page = await newPage(browser);
	await page.goto(`${base}/`);
	await page.waitForFunction(() => window.ready);
});

after(async () => {
	for (const c of conns)
		c.sock.destroy();
	if (browser)
		await browser.close();
	if (server)
		server.close();
});

const log = () => page.evaluate(() => JSON.parse(JSON.stringify(window.log)));
const lastDoc = async () => (await log()).docs.at(-1);

describe('stream.js', () => {
	test('applyPatch: add, replace, remove on objects and arrays, ~0 and ~1 escapes, no mutation', async () => {
		const r = await page.evaluate(() => {
			const a = { entries: { 'src/a.ts': 1 }, list: [1, 2] };
			const b = applyPatch(a, [
				{ op: 'add', path: '/entries/src~1b.ts', value: 2 },
				{ op: 'replace', path: '/entries/src~1a.ts', value: 3 },
				{ op: 'add', path: '/entries/t~0ilde', value: 4 },
				{ op: 'add', path: '/list/2', value: 9 },
				{ op: 'remove', path: '/list/0' },
				{ op: 'remove', path: '/entries/unknown' },
			]);
			let err = null;
			try {
				applyPatch(a, [{ op: 'add', path: '/list/7', value: 1 }]);
			} catch (e) {
				err = e.message;
			}
			return { a, b, err };
		});
		assert.deepEqual(r.a, { entries: { 'src/a.ts': 1 }, list: [1, 2] });
		assert.deepEqual(r.b, { entries: { 'src/a.ts': 3, 'src/b.ts': 2, 't~ilde': 4 }, list: [2, 9] });
		assert.match(r.err, /out of range/);
	});

	test('snapshot then live patches build the document; finished closes without reconnecting', async () => {
		onConnect = (c) => {
			sendJson(c.sock, { JsonPatch: [{ op: 'add', path: '/entries/a~1b', value: { type: 'DIFF', content: 1 } }] });
			sendJson(c.sock, { JsonPatch: [{ op: 'add', path: '/entries/c', value: 2 }] });
		};
		const n = conns.length;
		await page.evaluate((u) => window.open_(u), '/one/ws');
		await eventually(async () => JSON.stringify(await lastDoc()) === JSON.stringify({ entries: { 'a/b': { type: 'DIFF', content: 1 }, c: 2 } }), 'snapshot applied');
		assert.ok((await log()).statuses.includes('live'));
		const c = conns[n];
		sendJson(c.sock, { JsonPatch: [{ op: 'remove', path: '/entries/c' }] });
		await eventually(async () => !('c' in (await lastDoc()).entries), 'remove applied');
		sendJson(c.sock, { finished: true });
		await eventually(async () => (await log()).finished === 1, 'finished seen');
		await eventually(async () => c.closeCodes[0] === 1000, 'client closed with 1000');
		await new Promise((r) => setTimeout(r, 1500));
		assert.equal(conns.length, n + 1, 'no reconnect after finished');
		assert.equal((await log()).statuses.at(-1), 'finished');
	});

	test('refresh_required: the client closes (4001), reconnects and starts from the new snapshot', async () => {
		let k = 0;
		onConnect = (c) => {
			k++;
			sendJson(c.sock, { JsonPatch: [{ op: 'add', path: `/entries/gen${k}`, value: k }] });
			if (k === 1)
				sendJson(c.sock, { refresh_required: true, reason: 'missed 3 task updates' });
		};
		const n = conns.length;
		await page.evaluate((u) => window.open_(u), '/two/ws');
		await eventually(async () => conns.length === n + 2, 'reconnected');
		assert.deepEqual(conns[n].closeCodes, [4001]);
		await eventually(async () => JSON.stringify(await lastDoc()) === JSON.stringify({ entries: { gen2: 2 } }), 'document reset to the new snapshot');
		await page.evaluate(() => window.s.close());
	});

	test('a dropped connection is retried with backoff; the new snapshot replaces the document', async () => {
		let k = 0;
		onConnect = (c) => {
			k++;
			sendJson(c.sock, { JsonPatch: [{ op: 'replace', path: '/entries', value: k === 1 ? { a: 1, b: 1 } : { a: 2 } }] });
		};
		const n = conns.length;
		await page.evaluate((u) => window.open_(u), '/three/ws');
		await eventually(async () => (await lastDoc())?.entries.b === 1, 'first snapshot');
		conns[n].sock.destroy();	// unclean: no close frame
		await eventually(async () => (await log()).statuses.includes('reconnecting'), 'reconnecting shown');
		await eventually(async () => JSON.stringify(await lastDoc()) === JSON.stringify({ entries: { a: 2 } }), 'second snapshot', 8000);
		assert.equal((await log()).statuses.at(-1), 'live');
		await page.evaluate(() => window.s.close());
	});

	test('a refused upgrade falls back to polling the REST snapshot', async () => {
		await page.evaluate(() => window.open_('/refuse/ws', '/snapshot'));
		await eventually(async () => (await lastDoc())?.entries.polled === 1, 'polled document');
		await eventually(async () => (await log()).statuses.at(-1) === 'polling', 'status polling');
		await page.evaluate(() => window.s.close());
	});
});
