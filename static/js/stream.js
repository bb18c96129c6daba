// stream.js: the one live-data client of the frontend.
//
// openStream() follows the JsonPatch WebSocket protocol of the node's
// streams (design: frontend-and-streams §1, §1.1):
//   {"JsonPatch":[ops]}      apply the RFC 6902 ops to the document
//   {"finished":true}        the stream is complete: close, no reconnect
//   {"refresh_required":..}  drop the document, reconnect (fresh snapshot)
// An unclean close reconnects with backoff min(8 s, 1 s·2^n) plus 0–25 %
// jitter, at most 10 times (then, while polling works, every 30 s). Every (re)connect starts from a fresh
// snapshot, so the document is reset when the first message of a new
// connection arrives (not at open: no flash of an empty view).
//
// When the WebSocket cannot connect (no stream server, a proxy without
// upgrade) and the caller gave a `poll` function (a REST snapshot), the
// document is polled every `pollMs` meanwhile, so every view works either
// way; the status says which: connecting | live | reconnecting | polling
// | finished | failed.

const MAX_RETRIES = 10;
const SLOW_RETRY_MS = 30000;
const GIVE_UP = 'Connection failed after multiple retries. Please refresh the page.';

// Absolute ws(s):// URL for a path on this origin.
export function wsUrl(path) {
	return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

function unescapeSeg(s) {
	return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

// Apply JSON Patch ops (add, replace, remove) without mutating `doc`:
// containers on the changed paths are copied once per call, the rest is
// shared, so views can compare by identity. Throws on a bad path.
export function applyPatch(doc, ops) {
	const fresh = new WeakSet();
	const own = (v) => {
		if (fresh.has(v))
			return v;
		const c = Array.isArray(v) ? v.slice() : { ...v };
		fresh.add(c);
		return c;
	};
	let root = doc;
	for (const op of ops) {
		if (typeof op.path !== 'string')
			throw new Error('patch op without a path');
		const parts = op.path === '' ? [] : op.path.split('/').slice(1).map(unescapeSeg);
		if (parts.length === 0) {
			root = op.op === 'remove' ? null : op.value;
			continue;
		}
		if (root === null || typeof root !== 'object')
			throw new Error(`patch path ${op.path} into a non-container`);
		root = own(root);
		let cur = root;
		for (let i = 0; i < parts.length - 1; i++) {
			const child = cur[parts[i]];
			if (child === null || typeof child !== 'object')
				throw new Error(`patch path ${op.path} not found`);
			cur = cur[parts[i]] = own(child);
		}
		const key = parts[parts.length - 1];
		if (Array.isArray(cur)) {
			const idx = key === '-' ? cur.length : Number(key);
			if (!Number.isInteger(idx) || idx < 0 || idx > cur.length)
				throw new Error(`patch index ${op.path} out of range`);
			if (op.op === 'add')
				cur.splice(idx, 0, op.value);
			else if (op.op === 'replace' && idx < cur.length)
				cur[idx] = op.value;
			else if (op.op === 'remove' && idx < cur.length)
				cur.splice(idx, 1);
			else
				throw new Error(`patch ${op.op} at ${op.path} not possible`);
		} else if (op.op === 'remove') {
			delete cur[key];	// removal of an unknown key is ignored (§3)
		} else if (op.op === 'add' || op.op === 'replace') {
			cur[key] = op.value;
		} else {
			throw new Error(`patch op ${op.op} not supported`);
		}
	}
	return root;
}

/*
 * opts:
 *   ws        path of the WebSocket ('/api/…/ws?…'), or null for REST only
 *   initial   the empty document, e.g. {entries: {}}
 *   poll      async () => ({doc, finished}) from REST, optional
 *   pollMs    polling period (default 1500)
 *   restFirst  with poll: paint from one REST snapshot, then open the stream
 *   reconcile(prev, next)  a new snapshot's document, keeping unchanged parts of prev
 *   onDoc(doc), onStatus(status, message), onFinished()
 * Returns {close()}.
 */
export function openStream(opts) {
	const initial = opts.initial;
	const pollMs = opts.pollMs || 1500;
	let doc = initial;
	let sock = null;
	let retries = 0;
	let closed = false;
	let finished = false;
	let wsGaveUp = !opts.ws;
	let retryTimer = null;
	let pollTimer = null;
	let polling = false;
	let pollFails = 0;
	let inflight = false;
	let wsData = false;	// a socket delivered a document
	let status = null;

	const setStatus = (s, msg) => {
		if (s === status && !msg)
			return;
		status = s;
		if (opts.onStatus)
			opts.onStatus(s, msg || null);
	};
	const publish = () => opts.onDoc(doc);

	function finish() {
		finished = true;
		stopPolling();
		clearTimeout(retryTimer);
		setStatus('finished');
		if (opts.onFinished)
			opts.onFinished();
	}

	function connect() {
		if (closed || finished)
			return;
		setStatus(polling ? 'polling' : retries > 0 ? 'reconnecting' : 'connecting');
		let s;
		try {
			s = new WebSocket(wsUrl(opts.ws));
		} catch {
			onDrop();
			return;
		}
		sock = s;
		let fresh = true;	// the next message starts a new snapshot
		s.onopen = () => {
			if (sock !== s)
				return;
			retries = 0;
			wsGaveUp = false;
			stopPolling();
			setStatus('live');
		};
		s.onmessage = (ev) => {
			if (sock !== s)
				return;
			let msg;
			try {
				msg = JSON.parse(ev.data);
			} catch {
				setStatus('live', 'Failed to process stream update');
				return;
			}
			if (msg && msg.JsonPatch) {
				try {
					const base = fresh ? initial : doc;
					let next = applyPatch(base, msg.JsonPatch);
					// A new snapshot: the caller may keep what did not change.
					if (fresh && opts.reconcile && doc !== initial)
						next = opts.reconcile(doc, next);
					fresh = false;
					wsData = true;
					if (next !== doc) {
						doc = next;
						publish();
					}
				} catch (e) {
					console.warn('stream patch', opts.ws, e);
					setStatus('live', 'Failed to process stream update');
				}
			} else if (msg && 'finished' in msg) {
				if (fresh) {	// finished with nothing sent: an empty document
					doc = initial;
					publish();
				}
				sock = null;
				s.close(1000, 'finished');
				finish();
			} else if (msg && 'refresh_required' in msg) {
				fresh = true;
				s.close(4001, 'refresh required');
			}
		};
		s.onclose = (ev) => {
			if (sock !== s)
				return;
			sock = null;
			if (closed || finished)
				return;
			if (ev.code === 1000 && ev.wasClean) {
				setStatus('finished');
				return;
			}
			onDrop();
		};
	}

	// The socket failed or dropped: retry with backoff; poll meanwhile.
	function onDrop() {
		retries += 1;
		if (opts.poll && !polling)
			startPolling();
		if (retries > MAX_RETRIES) {
			wsGaveUp = true;
			if (!opts.poll) {
				setStatus('failed', GIVE_UP);
				return;
			}
			// Polling works: keep trying the stream now and then, so the
			// view goes live again once the stream server is back.
			retryTimer = setTimeout(connect, SLOW_RETRY_MS);
			return;
		}
		if (!opts.poll)
			setStatus('reconnecting');
		const base = Math.min(8000, 1000 * 2 ** (retries - 1));
		retryTimer = setTimeout(connect, base + Math.random() * base * 0.25);
	}

	function startPolling() {
		polling = true;
		setStatus('polling');
		pollOnce();
	}

	function stopPolling() {
		polling = false;
		clearTimeout(pollTimer);
		pollTimer = null;
	}

	async function pollOnce() {
		if (!polling || closed || finished || inflight)
			return;
		let r = null;
		inflight = true;
		try {
			r = await opts.poll();
			pollFails = 0;
		} catch (e) {
			pollFails += 1;
			if (polling && !closed)
				setStatus(pollFails >= 3 && wsGaveUp ? 'failed' : 'polling',
					pollFails >= 3 ? (e.message || GIVE_UP) : null);
		} finally {
			inflight = false;
		}
		if (!polling || closed || finished)
			return;
		if (r) {
			if (status !== 'polling')
				setStatus('polling');
			if (r.doc !== doc) {	// a poll may hand back the same document
				doc = r.doc;
				publish();
			}
			if (r.finished) {
				finish();
				return;
			}
		}
		// Back off while the node does not answer (1.5 s … 12 s).
		const delay = pollMs * Math.min(8, 2 ** Math.min(pollFails, 3));
		pollTimer = setTimeout(pollOnce, document.hidden ? Math.max(delay, 5000) : delay);
	}

	// First paint does not wait for the WebSocket handshake (or its
	// failure): one REST snapshot at once, dropped if the socket has
	// delivered meanwhile.
	async function prefetch() {
		try {
			const r = await opts.poll();
			if (!closed && !finished && !wsData && !polling && r.doc !== doc) {
				doc = r.doc;
				publish();
			}
		} catch {
			/* the stream or the polling says what is wrong */
		}
	}

	if (opts.ws && opts.poll && opts.restFirst) {
		// The first paint from REST (cached, gzipped by nginx), then the
		// stream: its snapshot does not compete with the first render.
		prefetch().finally(() => {
			if (!closed)
				(window.requestIdleCallback || setTimeout)(connect, { timeout: 500 });
		});
	} else if (opts.ws) {
		connect();
		if (opts.poll)
			prefetch();
	} else {
		startPolling();
	}

	return {
		close() {
			closed = true;
			stopPolling();
			clearTimeout(retryTimer);
			if (sock) {
				const s = sock;
				sock = null;
				s.onopen = s.onmessage = s.onclose = s.onerror = null;
				try {
					s.close(1000, 'closed');
				} catch {
					/* already closing */
				}
			}
		},
		// The view applies its own ops after a successful REST call (§1.1 8).
		patch(ops) {
			doc = applyPatch(doc, ops);
			publish();
		},
		// Poll now (e.g. right after a write when not live).
		refresh() {
			if (polling) {
				clearTimeout(pollTimer);
				pollOnce();
			}
		},
	};
}

// Escape one JSON Pointer segment (a file path as a key).
export function ptr(seg) {
	return String(seg).replace(/~/g, '~0').replace(/\//g, '~1');
}
