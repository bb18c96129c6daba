// stream.mjs: latency and memory figures of swarm-stream (see stream.sh).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const BASE = process.env.SWARM_URL;
const WS = BASE.replace(/^http/, 'ws');
const EDITS = Number(process.env.BENCH_EDITS);
const IDLE = Number(process.env.BENCH_IDLE);
const PID = Number(process.env.BENCH_STREAM_PID);
const SOCK = process.env.BENCH_STREAM_SOCK;

async function api(method, p, body)
{
	const r = await fetch(BASE + p, { method, headers: { 'content-type': 'application/json' },
	    body: body ? JSON.stringify(body) : undefined });
	const j = await r.json();
	if (!j.success)
		throw new Error(`${method} ${p}: ${j.message}`);
	return j.data;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function pct(v, p)
{
	const s = [...v].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.floor(p / 100 * s.length))];
}

function report(name, v)
{
	console.log(`${name.padEnd(34)} n=${v.length}  p50 ${pct(v, 50).toFixed(1)} ms  ` +
	    `p99 ${pct(v, 99).toFixed(1)} ms  max ${Math.max(...v).toFixed(1)} ms`);
}

/* A socket whose messages resolve waiters matching a predicate. */
function stream(p)
{
	const ws = new WebSocket(WS + p);
	const waiters = [];
	ws.onmessage = (e) => {
		const t = performance.now();
		for (let i = waiters.length - 1; i >= 0; i--)
			if (e.data.includes(waiters[i].needle)) {
				waiters[i].resolve(t);
				waiters.splice(i, 1);
			}
	};
	const opened = new Promise((res, rej) => { ws.onopen = res; ws.onerror = rej; });
	const wait = (needle) => new Promise((resolve) => waiters.push({ needle, resolve }));
	return { ws, opened, wait };
}

function rssKb(pid)
{
	const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
	return Number(m[1]);
}

const repo = process.env.BENCH_REPO;
const feed = process.env.BENCH_FEED;
const proj = await api('POST', '/api/projects', { name: 'bench-stream', git_repo_path: repo,
    use_existing_repo: true, setup_script: `exec tail -n0 -F ${feed}` });
const task = await api('POST', '/api/tasks', { project_id: proj.id, title: 'bench' });
const att = await api('POST', '/api/task-attempts', { task_id: task.id,
    executor_profile_id: { executor: 'SCRIPT' }, base_branch: 'main' });
let setup;
for (let i = 0; i < 100 && !setup; i++) {
	const ps = await api('GET', `/api/execution-processes?task_attempt_id=${att.id}`);
	setup = ps.find((x) => x.run_reason === 'setupscript' && x.status === 'running');
	if (!setup)
		await sleep(100);
}
const wt = (await api('GET', `/api/task-attempts/${att.id}`)).container_ref;
console.log(`\n== swarm-stream (${new Date().toISOString()})`);

// 1. file write -> diff patch
const d = stream(`/api/task-attempts/${att.id}/diff/ws`);
await d.opened;
await sleep(300);
const diffLat = [];
for (let i = 0; i < EDITS; i++) {
	const mark = `edit-${i}-${Math.random()}`;
	const w = d.wait(mark);
	const t0 = performance.now();
	fs.writeFileSync(path.join(wt, `f${(i % 100) + 1}.txt`), `${mark}\n`);
	diffLat.push((await w) - t0);
	await sleep(20);
}
report('file write -> diff patch', diffLat);
d.ws.close();

// 2. log line -> raw-logs patch (the runner batches rows every 100 ms)
const l = stream(`/api/execution-processes/${setup.id}/raw-logs/ws`);
await l.opened;
await sleep(300);
const logLat = [];
for (let i = 0; i < Math.min(EDITS, 100); i++) {
	const mark = `line-${i}-${Math.random()}`;
	const w = l.wait(mark);
	const t0 = performance.now();
	fs.appendFileSync(feed, `${mark}\n`);
	logLat.push((await w) - t0);
	await sleep(20);
}
report('log line -> raw-logs patch', logLat);
l.ws.close();
await api('POST', `/api/task-attempts/${att.id}/stop`);

// 3. REST task edit -> board patch
const b = stream(`/api/tasks/stream/ws?project_id=${proj.id}`);
await b.opened;
await sleep(300);
const boardLat = [];
for (let i = 0; i < Math.min(EDITS, 100); i++) {
	const mark = `title-${i}-${Math.random()}`;
	const w = b.wait(mark);
	const t0 = performance.now();
	await api('PUT', `/api/tasks/${task.id}`, { title: mark });
	boardLat.push((await w) - t0);
}
report('REST task edit -> board patch', boardLat);

// 4. idle clients, straight on swarm-stream's unix socket (one nginx worker
// would need two fds per stream, past this machine's open-file limit): a
// raw upgrade, then nothing but reading what arrives.
function rawIdle(p)
{
	return new Promise((resolve, reject) => {
		const sock = net.connect(SOCK);
		const c = { sock, buf: '', waiters: [] };
		sock.setEncoding('latin1');
		sock.on('connect', () => sock.write(`GET ${p} HTTP/1.1\r\nHost: x\r\n` +
		    'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
		    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'));
		sock.on('data', (d) => {
			c.buf = (c.buf + d).slice(-4096);
			if (c.buf.includes(' 101 '))
				resolve(c);
			for (let i = c.waiters.length - 1; i >= 0; i--)
				if (c.buf.includes(c.waiters[i].needle)) {
					c.waiters[i].resolve(performance.now());
					c.waiters.splice(i, 1);
				}
		});
		sock.on('error', reject);
	});
}
const rss0 = rssKb(PID);
const idle = [];
const BATCH = 500;
let failed = 0;
for (let i = 0; i < IDLE; i += BATCH) {
	const batch = [];
	for (let j = i; j < Math.min(IDLE, i + BATCH); j++)
		batch.push(rawIdle(`/api/tasks/stream/ws?project_id=${proj.id}`)
		    .then((c) => idle.push(c), () => failed++));
	await Promise.all(batch);
}
await sleep(2000);
const rss1 = rssKb(PID);
console.log(`idle clients held                  ${idle.length} (${failed} failed)`);
console.log(`swarm-stream RSS                   ${(rss0 / 1024).toFixed(1)} MB before, ` +
    `${(rss1 / 1024).toFixed(1)} MB with ${idle.length} idle clients ` +
    `(${((rss1 - rss0) / idle.length).toFixed(2)} KB per connection)`);
// Every idle client still gets an update.
const mark = `fanout-${Math.random()}`;
const all = idle.map((c) => new Promise((resolve) => c.waiters.push({ needle: mark, resolve })));
const t0 = performance.now();
await api('PUT', `/api/tasks/${task.id}`, { title: mark });
const times = await Promise.all(all);
console.log(`board update to ${idle.length} clients      last arrived after ` +
    `${(Math.max(...times) - t0).toFixed(0)} ms`);
for (const c of idle)
	c.sock.destroy();
b.ws.close();
await sleep(500);
process.exit(0);
