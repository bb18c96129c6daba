// tests/e2e/lib/ws.mjs: a WebSocket test client for the streams (through
// nginx to swarm-stream), with the client-side JSON-patch document the
// frontend keeps (frontend-and-streams.md §1.1).
//
// Uses Node's built-in WebSocket (tests/run.sh passes
// --experimental-websocket to node --test) and node:net for raw upgrades.

import assert from 'node:assert/strict';
import net from 'node:net';

import { BASE } from './stack.mjs';

const WS_BASE = BASE.replace(/^http/, 'ws');
const TIMEOUT_MS = 20000;

/* RFC 6901 token decoding. */
function unescapeToken(t)
{
	return t.replace(/~1/g, '/').replace(/~0/g, '~');
}

/*
 * Applies RFC 6902 add / replace / remove to doc in place, strictly: a
 * remove or replace of a missing member throws (a real client would fail
 * on it too).
 */
export function applyPatch(doc, ops)
{
	for (const op of ops) {
		assert.ok(typeof op.path === 'string' && op.path.startsWith('/'),
		    `bad path in ${JSON.stringify(op)}`);
		const toks = op.path.slice(1).split('/').map(unescapeToken);
		let parent = doc;
		for (const t of toks.slice(0, -1)) {
			assert.ok(parent !== null && typeof parent === 'object' && t in parent,
			    `path ${op.path} does not exist`);
			parent = parent[t];
		}
		const last = toks[toks.length - 1];
		if (op.op === 'add') {
			if (Array.isArray(parent)) {
				const i = last === '-' ? parent.length : Number(last);
				assert.ok(Number.isInteger(i) && i >= 0 && i <= parent.length,
				    `add index ${last} out of range ${parent.length}`);
				parent.splice(i, 0, op.value);
			} else
				parent[last] = op.value;
		} else if (op.op === 'replace') {
			assert.ok(last in parent, `replace of missing ${op.path}`);
			parent[last] = op.value;
		} else if (op.op === 'remove') {
			assert.ok(last in parent, `remove of missing ${op.path}`);
			if (Array.isArray(parent))
				parent.splice(Number(last), 1);
			else
				delete parent[last];
		} else
			throw new Error(`unexpected op ${op.op}`);
	}
}

/*
 * Opens a stream and keeps its document. Returns {ws, doc, msgs, opened,
 * closed (promise of {code, reason}), until(pred, ms, what), close()}.
 * initial is the document the frontend starts from.
 */
export function openStream(urlPath, initial = {})
{
	const s = {
		doc: structuredClone(initial),
		msgs: [],
		finished: false,
		refresh: null,
		closeInfo: null,
		waiters: new Set(),
	};
	const ws = new WebSocket(WS_BASE + urlPath);
	s.ws = ws;
	s.opened = new Promise((resolve, reject) => {
		ws.onopen = () => resolve();
		ws.onerror = () => reject(new Error(`websocket ${urlPath} failed to open`));
	});
	s.closed = new Promise((resolve) => {
		ws.onclose = (e) => {
			s.closeInfo = { code: e.code, reason: e.reason };
			resolve(s.closeInfo);
			for (const w of s.waiters)
				w();
		};
	});
	ws.onmessage = (e) => {
		const m = JSON.parse(e.data);
		s.msgs.push(m);
		if (m.JsonPatch)
			applyPatch(s.doc, m.JsonPatch);
		else if (m.finished)
			s.finished = true;
		else if ('refresh_required' in m)
			s.refresh = m;
		for (const w of s.waiters)
			w();
	};
	/* Resolves once pred() holds (checked after every message). */
	s.until = (pred, ms = TIMEOUT_MS, what = 'condition') => new Promise((resolve, reject) => {
		const check = () => {
			let v;
			try {
				v = pred(s.doc, s);
			} catch (err) {
				done();
				reject(err);
				return;
			}
			if (v) {
				done();
				resolve(v);
			} else if (s.closeInfo && !s.finished) {
				done();
				reject(new Error(`${urlPath}: closed (${s.closeInfo.code} ` +
				    `${s.closeInfo.reason}) before ${what}`));
			}
		};
		const timer = setTimeout(() => {
			done();
			reject(new Error(`${urlPath}: timed out waiting for ${what}; doc: ` +
			    JSON.stringify(s.doc).slice(0, 1500)));
		}, ms);
		const done = () => {
			clearTimeout(timer);
			s.waiters.delete(check);
		};
		s.waiters.add(check);
		check();
	});
	s.close = () => {
		try {
			ws.close();
		} catch {
			/* already closed */
		}
		return s.closed;
	};
	return s;
}

/*
 * A raw upgrade request through nginx: resolves {status, headers, json,
 * socket} once the response head (and body, for refusals) arrived. With
 * keep set and a 101 the socket is left open and never read from again
 * (a client that stops reading).
 */
export function rawUpgrade(urlPath, { keep = false } = {})
{
	const url = new URL(BASE);
	return new Promise((resolve, reject) => {
		const sock = net.connect(Number(url.port || 80), url.hostname);
		let buf = Buffer.alloc(0);
		const timer = setTimeout(() => {
			sock.destroy();
			reject(new Error(`raw upgrade ${urlPath}: timeout`));
		}, TIMEOUT_MS);
		sock.on('connect', () => {
			sock.write(`GET ${urlPath} HTTP/1.1\r\nHost: ${url.host}\r\n` +
			    'Upgrade: websocket\r\nConnection: Upgrade\r\n' +
			    'Sec-WebSocket-Version: 13\r\n' +
			    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
		});
		const onData = (d) => {
			buf = Buffer.concat([buf, d]);
			const sep = buf.indexOf('\r\n\r\n');
			if (sep < 0)
				return;
			const lines = buf.subarray(0, sep).toString('latin1').split('\r\n');
			const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(lines[0])?.[1] || 0);
			const headers = {};
			for (const l of lines.slice(1)) {
				const i = l.indexOf(':');
				headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
			}
			if (status === 101) {
				clearTimeout(timer);
				sock.off('data', onData);
				if (keep)
					sock.pause();	/* never read again */
				else
					sock.destroy();
				resolve({ status, headers, socket: sock });
				return;
			}
			const len = Number(headers['content-length'] || 0);
			const body = buf.subarray(sep + 4);
			if (body.length < len)
				return;
			clearTimeout(timer);
			sock.destroy();
			let json;
			try {
				json = JSON.parse(body.toString('utf8'));
			} catch {
				json = undefined;
			}
			resolve({ status, headers, json, text: body.toString('utf8') });
		};
		sock.on('data', onData);
		sock.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
	});
}

/* Asserts that an upgrade is refused with status and message. */
export async function assertRefused(urlPath, status, message)
{
	const r = await rawUpgrade(urlPath);
	assert.equal(r.status, status, `${urlPath}: ${r.status} ${r.text}`);
	assert.equal(r.json?.success, false, r.text);
	if (message instanceof RegExp)
		assert.match(r.json.message, message);
	else if (message !== undefined)
		assert.equal(r.json.message, message);
}
