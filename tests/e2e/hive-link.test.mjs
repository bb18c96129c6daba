// hive-link.test.mjs: the persistent node link (GET /hive/v1/nodes/ws,
// hive-api.md §4) served by the hive's swarm-stream: registration and
// heartbeats over it, liveness without board reads, a node whose
// swarm-stream dies and comes back, revoked keys, changes pushed to the
// other node, and bad messages.
//
// tests/run.sh gives node-a and node-b a 1 s heartbeat and a 10-minute
// REST pull interval: a change that reaches node-b here came through the
// link's push, not a pull.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { HIVE, HIVE_ORG, HIVE_WINDOW, NODE_B_VAR, hive, hiveOk, hiveSnapshot, hiveSql, newOrg,
	nodeA, nodeBSql, waitFor } from './lib/swarm.mjs';
import { makeRepo, makeScratch, ok, removeScratch } from './lib/stack.mjs';

const LINK_URL = `${HIVE.replace(/^http/, 'ws')}/hive/v1/nodes/ws`;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let scratch;

/* A raw node link: every message received, and how it closed. */
class Link {
	static async open()
	{
		const l = new Link();
		l.msgs = [];
		l.closed = null;
		l.ws = new WebSocket(LINK_URL);
		l.ws.onmessage = (e) => l.msgs.push(typeof e.data === 'string' ? JSON.parse(e.data) : e.data);
		l.ws.onclose = (e) => { l.closed = { code: e.code, reason: e.reason }; };
		await new Promise((resolve, reject) => {
			l.ws.onopen = resolve;
			l.ws.onerror = () => reject(new Error(`cannot open ${LINK_URL}`));
		});
		return l;
	}

	send(m)
	{
		this.ws.send(typeof m === 'string' || m instanceof Uint8Array ? m : JSON.stringify(m));
	}

	async next(type, from = 0)
	{
		return waitFor(() => this.msgs.slice(from).find((m) => m.type === type), `a '${type}' message`);
	}

	async closedWith()
	{
		return waitFor(() => this.closed, 'the link to close');
	}

	close()
	{
		if (this.closed === null)
			this.ws.close();
	}
}

function auth(key, machine, extra = {})
{
	return { type: 'auth', data: { api_key: key, machine_id: machine, name: `link ${machine}`,
	    capabilities: { executors: ['CLAUDE_CODE'], max_concurrent_tasks: 2 },
	    public_url: null, protocol_version: 1, ...extra } };
}

/* Open, authenticate, and return [link, auth_result data]. */
async function authed(key, machine)
{
	const l = await Link.open();
	l.send(auth(key, machine));
	const r = await l.next('auth_result');
	assert.equal(r.data.success, true, JSON.stringify(r));
	return [l, r.data];
}

async function node(id)
{
	return hiveOk(await hive('GET', `/nodes/${id}`));
}

async function swarmNodes()
{
	return hiveOk(await hive('GET', `/nodes?organization_id=${HIVE_ORG}`));
}

before(() => {
	scratch = makeScratch('hive-link');
});

after(() => {
	removeScratch(scratch);
});

describe('registration and heartbeats over the link', () => {
	test('auth registers the node; heartbeats are acked and recorded; closing takes it offline', async () => {
		const { org, key } = await newOrg('link-reg');
		const [l, r] = await authed(key, 'reg-1');
		assert.match(r.node_id, UUID_RE);
		assert.equal(r.organization_id, org.id);
		assert.equal(r.error, null);
		assert.equal(r.protocol_version, 1);
		assert.deepEqual(r.linked_projects, []);
		let n = await node(r.node_id);
		assert.equal(n.status, 'online');
		assert.equal(n.name, 'link reg-1');
		assert.deepEqual(n.capabilities.executors, ['CLAUDE_CODE']);
		assert.equal(n.capabilities.max_concurrent_tasks, 2);
		assert.ok(n.connected_at);
		assert.equal(n.disconnected_at, null);

		l.send({ type: 'heartbeat', data: { status: 'busy', active_tasks: 1, available_capacity: 1,
		    memory_usage: null, cpu_usage: null, timestamp: new Date().toISOString() } });
		const ack = await l.next('heartbeat_ack');
		assert.ok(!Number.isNaN(Date.parse(ack.data.server_time)), ack.data.server_time);
		// Written by the next batch (the status changed).
		n = await waitFor(async () => { const x = await node(r.node_id); return x.status === 'busy' && x; },
		    'status busy');
		assert.equal(hiveSql(`SELECT status FROM nodes WHERE id = '${r.node_id}'`)[0][0], 'busy');

		l.close();
		n = await waitFor(async () => { const x = await node(r.node_id); return x.status === 'offline' && x; },
		    'offline after close');
		assert.ok(n.disconnected_at);

		// The same machine again: the same row, online again.
		const [l2, r2] = await authed(key, 'reg-1');
		assert.equal(r2.node_id, r.node_id);
		assert.equal((await node(r.node_id)).status, 'online');
		l2.close();
	});

	test('a second link of the same node replaces the first', async () => {
		const { key } = await newOrg('link-dup');
		const [l1, r1] = await authed(key, 'dup-1');
		const [l2, r2] = await authed(key, 'dup-1');
		assert.equal(r2.node_id, r1.node_id);
		const c = await l1.closedWith();
		assert.equal(c.code, 1008);
		assert.equal(c.reason, 'replaced by a new connection of this node');
		// The old link's end does not take the node offline.
		assert.equal((await node(r1.node_id)).status, 'online');
		l2.close();
	});
});

describe('liveness through the link', () => {
	test('node-a and node-b are online, and stay online while idle (no board reads)', async () => {
		const first = await swarmNodes();
		for (const name of ['node-a', 'node-b'])
			assert.equal(first.find((x) => x.name === name)?.status, 'online', `${name} online`);
		// Idle for more than two windows: only the links' heartbeats.
		await new Promise((r) => setTimeout(r, (2 * HIVE_WINDOW + 1) * 1000));
		const later = await swarmNodes();
		for (const name of ['node-a', 'node-b']) {
			const a = first.find((x) => x.name === name);
			const b = later.find((x) => x.name === name);
			assert.equal(b.status, 'online', `${name} still online`);
			assert.ok(Date.parse(b.last_heartbeat_at) > Date.parse(a.last_heartbeat_at),
			    `${name}: heartbeat moved on`);
		}
	});

	test("node-b's swarm-stream killed: offline within the window; started again: online", async () => {
		const pidFile = path.join(NODE_B_VAR, 'run', 'swarm-stream.pid');
		assert.ok(fs.existsSync(pidFile), `${pidFile} (a long SWARM_VAR moves it)`);
		const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
		// What it ran with, to start it again the same way.
		const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((x) => x);
		const env = Object.fromEntries(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')
		    .filter((x) => x.includes('=')).map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
		const idB = (await swarmNodes()).find((x) => x.name === 'node-b').id;

		process.kill(pid, 'SIGKILL');
		await waitFor(() => { try { process.kill(pid, 0); return false; } catch { return true; } },
		    'swarm-stream gone');
		await waitFor(async () => (await node(idB)).status === 'offline', 'node-b offline',
		    (HIVE_WINDOW + 2) * 1000);

		const log = fs.openSync(path.join(NODE_B_VAR, 'log', 'swarm-stream.log'), 'a');
		const child = spawn(argv[0], argv.slice(1), { env, detached: true, stdio: ['ignore', log, log] });
		fs.closeSync(log);
		child.unref();
		fs.writeFileSync(pidFile, `${child.pid}\n`);
		await waitFor(async () => (await node(idB)).status === 'online', 'node-b online again',
		    (HIVE_WINDOW + 10) * 1000);
	});
});

describe('revoked keys', () => {
	test('an open link is closed at once, and the key is refused on reconnect', async () => {
		const { keyId, key } = await newOrg('link-revoke');
		const [l, r] = await authed(key, 'rev-1');
		hiveOk(await hive('DELETE', `/nodes/api-keys/${keyId}`));
		const c = await l.closedWith();
		assert.equal(c.code, 1008);
		assert.equal(c.reason, 'API key revoked');
		assert.equal(l.msgs.find((m) => m.type === 'error')?.data.error, 'API key revoked');
		await waitFor(async () => (await node(r.node_id)).status === 'offline', 'offline');

		const l2 = await Link.open();
		l2.send(auth(key, 'rev-1'));
		const res = await l2.next('auth_result');
		assert.equal(res.data.success, false);
		assert.equal(res.data.error, 'API key revoked');
		assert.equal(res.data.node_id, null);
		const c2 = await l2.closedWith();
		assert.equal(c2.code, 1008);
		assert.equal(c2.reason, 'API key revoked');
		assert.equal((await node(r.node_id)).status, 'offline');
	});
});

describe('changes pushed to the other node', () => {
	test('a project linked and a task made on node A reach node B by push alone', async () => {
		const repo = makeRepo(path.join(scratch, 'repo-push'));
		const p = ok(await nodeA('POST', '/api/projects', { json: { name: 'pushed project',
		    git_repo_path: repo, use_existing_repo: true } }));
		try {
			const linked = ok(await nodeA('POST', `/api/projects/${p.id}/link/create`,
			    { json: { organization_id: HIVE_ORG, name: 'pushed project' } }));
			const rid = linked.remote_project_id;
			assert.match(rid, UUID_RE);
			// Node B's database only: no request to node B at all.
			await waitFor(() => nodeBSql('SELECT COUNT(*) FROM projects WHERE remote_project_id = ' +
			    `'${rid}' AND is_remote`)[0][0] === '1', 'remote project on node-b');
			const t = ok(await nodeA('POST', '/api/tasks', { json: { project_id: p.id,
			    title: 'pushed over the link' } }));
			assert.match(t.shared_task_id, UUID_RE);
			const row = await waitFor(() => nodeBSql('SELECT title FROM tasks WHERE shared_task_id = ' +
			    `'${t.shared_task_id}'`)[0], 'task on node-b');
			assert.equal(row[0], 'pushed over the link');
		} finally {
			await nodeA('DELETE', `/api/projects/${p.id}/link`);
			await nodeA('DELETE', `/api/projects/${p.id}`);
		}
	});
});

describe('bad messages', () => {
	test('before auth: refused with a clear reason, nothing changes', async () => {
		const { key } = await newOrg('link-bad');
		const before = hiveSnapshot();
		const cases = [
			['not json', /^invalid auth message: invalid JSON/, 1008],
			[{ type: 'heartbeat', data: { status: 'online' } },
			    /^invalid auth message: expected 'auth' first, got 'heartbeat'$/, 1008],
			[{ type: 'launch', data: {} }, /^invalid auth message: unknown message type 'launch'$/, 1008],
			[auth('0'.repeat(64), 'bad-1'), /^invalid API key$/, 1008],
			[auth('short', 'bad-1'), /^invalid API key$/, 1008],
			[auth(key, 'bad-1', { protocol_version: 2 }), /^protocol version mismatch: client=2, server=1$/, 1008],
			[auth(key, 'bad-1', { name: '' }), /^invalid auth message: field 'name'/, 1008],
			[auth(key, 'bad-1', { public_url: 'ftp://x' }), /field 'public_url' must be an http\(s\) URL/, 1008],
			['x'.repeat(70000), /^invalid auth message: message too big$/, 1009],
		];
		for (const [m, why, code] of cases) {
			const l = await Link.open();
			l.send(m);
			const c = await l.closedWith();
			assert.equal(c.code, code, `${JSON.stringify(m).slice(0, 80)}: ${JSON.stringify(c)}`);
			assert.match(c.reason, why);
			const r = l.msgs.find((x) => x.type === 'auth_result');
			assert.equal(r?.data.success, false);
			assert.match(r.data.error, why);
		}
		assert.deepEqual(hiveSnapshot(), before, 'the hive is unchanged');
		assert.equal(hiveSql("SELECT COUNT(*) FROM nodes WHERE machine_id = 'bad-1'")[0][0], '0');
	});

	test('after auth: malformed JSON, unknown type, oversized and binary frames close the link', async () => {
		const { key } = await newOrg('link-bad2');
		const cases = [
			['{"type":', 1007, /^invalid JSON/],
			[{ type: 'launch', data: {} }, 1008, /^unknown message type 'launch'$/],
			[{ type: 'heartbeat', data: { status: 'asleep' } }, 1007, /^invalid heartbeat: field 'status'/],
			[JSON.stringify({ type: 'heartbeat', data: { status: 'online', pad: 'x'.repeat(70000) } }),
			    1009, /^message too big/],
			[new Uint8Array([1, 2, 3]), 1003, /^binary frames are not supported$/],
		];
		let id = null;
		for (const [m, code, why] of cases) {
			const [l, r] = await authed(key, 'bad-2');
			id ??= r.node_id;
			assert.equal(r.node_id, id);
			const links = hiveSql('SELECT COUNT(*) FROM node_projects')[0][0];
			l.send(m);
			const c = await l.closedWith();
			assert.equal(c.code, code, JSON.stringify(c));
			assert.match(c.reason, why);
			assert.match(l.msgs.find((x) => x.type === 'error')?.data.error, why);
			assert.equal(hiveSql('SELECT COUNT(*) FROM node_projects')[0][0], links);
		}
		// A message type the link knows but leaves to REST: told, not closed.
		const [l, r] = await authed(key, 'bad-2');
		l.send({ type: 'task_status', data: {} });
		const e = await l.next('error');
		assert.match(e.data.error, /^'task_status' is not supported over the node link/);
		l.send({ type: 'heartbeat', data: { status: 'online' } });
		await l.next('heartbeat_ack');
		assert.equal(l.closed, null);
		l.close();
		assert.equal(hiveSql(`SELECT COUNT(*) FROM nodes WHERE machine_id = 'bad-2' AND id = '${r.node_id}'`)[0][0], '1');
	});

	test('a node host does not serve the hive endpoint; the hive serves no node streams', async () => {
		for (const url of [`${process.env.SWARM_NODE_A_URL.replace(/^http/, 'ws')}/hive/v1/nodes/ws`,
		    `${HIVE.replace(/^http/, 'ws')}/api/tasks/stream/ws?project_id=${HIVE_ORG}`]) {
			const ws = new WebSocket(url);
			const how = await new Promise((resolve) => {
				ws.onopen = () => resolve('open');
				ws.onerror = () => resolve('refused');
			});
			ws.close();
			assert.equal(how, 'refused', url);
		}
	});
});
