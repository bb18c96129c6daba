// hive-swarm.test.mjs: two nodes through the hive: linking, remote projects,
// tasks created on one node shown on the other, status changes both ways,
// stale versions refused, a hive that is down.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { HIVE, HIVE_ORG, HIVE_VAR, NODE_A, NODE_B_VAR, hive, hiveOk, nodeA as api, nodeASql as sql,
	nodeB, nodeBSql, waitFor } from './lib/swarm.mjs';
import { fails, makeRepo, makeScratch, ok, removeScratch } from './lib/stack.mjs';

const STACK = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../contrib/swarm-stack');
let scratch;
const s = {};

async function boardB(projectId)
{
	return ok(await nodeB('GET', `/api/tasks?project_id=${projectId}`));
}

async function boardA(projectId)
{
	return ok(await api('GET', `/api/tasks?project_id=${projectId}`));
}

/* Node B's remote row for hive project rid, once a pull brought it. */
async function remoteOnB(rid)
{
	return waitFor(async () => ok(await nodeB('GET', '/api/projects'))
	    .find((p) => p.remote_project_id === rid && p.is_remote), `project ${rid} on node-b`);
}

function hiveStack(cmd)
{
	const port = new URL(HIVE).port;
	// Only what the hive's stack takes: the tests' SWARM_* describe node-a.
	const r = spawnSync(STACK, [cmd], { encoding: 'utf8', timeout: 120000, env: {
	    PATH: process.env.PATH, HOME: process.env.HOME || '/root', LC_ALL: 'C.UTF-8',
	    SWARM_CONF: '/dev/null', SWARM_ROLE: 'hive', SWARM_VAR: HIVE_VAR, SWARM_LISTEN: '127.0.0.1',
	    SWARM_HTTP_PORT: port, SWARM_HTTPS_PORT: process.env.SWARM_HIVE_HTTPS_PORT,
	    SWARM_WORKERS: '4', SWARM_HIVE_HEARTBEAT_WINDOW: process.env.SWARM_HIVE_WINDOW } });
	assert.equal(r.status, 0, `swarm-stack ${cmd} (hive): ${r.stderr}`);
}

before(async () => {
	scratch = makeScratch('hive-swarm');
	s.repoA = makeRepo(path.join(scratch, 'repo-a'));
	s.repoB = makeRepo(path.join(scratch, 'repo-b'));
	s.projA = ok(await api('POST', '/api/projects', { json: { name: 'swarm A',
	    git_repo_path: s.repoA, use_existing_repo: true } }));
	s.projB = ok(await nodeB('POST', '/api/projects', { json: { name: 'swarm B',
	    git_repo_path: s.repoB, use_existing_repo: true } }));
});

after(async () => {
	for (const [call, p] of [[api, s.projA], [nodeB, s.projB]]) {
		if (!p)
			continue;
		await call('DELETE', `/api/projects/${p.id}/link`);
		await call('DELETE', `/api/projects/${p.id}`);
	}
	removeScratch(scratch);
});

describe('linking', () => {
	test('link/create makes a swarm project held by the node', async () => {
		fails(await api('POST', `/api/projects/${s.projA.id}/link/create`, { json: {
		    organization_id: HIVE_ORG, name: '   ' } }), 409, 'Remote project name cannot be empty.');
		const p = ok(await api('POST', `/api/projects/${s.projA.id}/link/create`, { json: {
		    organization_id: HIVE_ORG, name: ' Swarm A ' } }));
		assert.equal(p.id, s.projA.id);
		assert.equal(p.is_remote, false);
		s.ridA = p.remote_project_id;
		const hp = hiveOk(await hive('GET', `/projects/${s.ridA}`));
		assert.equal(hp.name, 'Swarm A');
		const nodes = hiveOk(await hive('GET', `/projects/${s.ridA}/nodes`)).nodes;
		assert.equal(nodes.length, 1);
		assert.equal(nodes[0].node_name, 'node-a');
		assert.equal(nodes[0].local_project_id, s.projA.id);
		assert.equal(nodes[0].git_repo_path, s.repoA);
		assert.equal(nodes[0].node_public_url, NODE_A);
		s.nodeA = nodes[0].node_id;
		// Linking again elsewhere is refused by the hive.
		fails(await api('POST', `/api/projects/${s.projA.id}/link/create`, { json: {
		    organization_id: HIVE_ORG, name: 'again' } }), 409, new RegExp(`already linked to swarm project ${s.ridA}`));
		fails(await nodeB('POST', `/api/projects/${s.projB.id}/link`, { json: {
		    remote_project_id: s.ridA } }), 409, 'project already linked to a node');
		fails(await nodeB('POST', `/api/projects/${s.projB.id}/link`, { json: {
		    remote_project_id: crypto.randomUUID() } }), 404, 'remote project not found');
	});

	test('the other node shows it as a remote project, kept current', async () => {
		const r = await remoteOnB(s.ridA);
		assert.equal(r.name, 'Swarm A');
		assert.equal(r.git_repo_path, s.repoA);
		assert.equal(r.source_node_id, s.nodeA);
		assert.equal(r.source_node_name, 'node-a');
		assert.equal(r.source_node_public_url, NODE_A);
		assert.ok(['online', 'offline'].includes(r.source_node_status));
		assert.ok(r.remote_last_synced_at);
		s.remoteOnB = r;
		const u = ok(await nodeB('GET', '/api/unified-projects'));
		assert.ok(u.local.some((p) => p.id === s.projB.id));
		assert.ok(u.local.every((p) => !p.is_remote));
		const g = u.remote_by_node.find((x) => x.node_id === s.nodeA);
		assert.equal(g.node_name, 'node-a');
		assert.equal(g.node_public_url, NODE_A);
		assert.deepEqual(g.projects.map((p) => [p.id, p.project_id, p.project_name, p.git_repo_path]),
		    [[r.id, s.ridA, 'Swarm A', s.repoA]]);
		// Node A does not list its own project as remote.
		const ua = ok(await api('GET', '/api/unified-projects'));
		assert.ok(!ua.remote_by_node.some((x) => x.node_id === s.nodeA));
		// A link made on node B shows up on node A as well.
		const pb = ok(await nodeB('POST', `/api/projects/${s.projB.id}/link/create`, { json: {
		    organization_id: HIVE_ORG, name: 'Swarm B' } }));
		s.ridB = pb.remote_project_id;
		await waitFor(async () => ok(await api('GET', '/api/unified-projects')).remote_by_node
		    .some((x) => x.node_name === 'node-b' && x.projects.some((p) => p.project_id === s.ridB)),
		    'node-b project on node-a');
	});
});

describe('shared tasks', () => {
	test('a task created on node A appears on node B as a remote task', async () => {
		const t = ok(await api('POST', '/api/tasks', { json: { project_id: s.projA.id,
		    title: 'made on A', description: 'shared' } }));
		assert.ok(t.shared_task_id, 'shared at once');
		assert.equal(t.remote_version, 1);
		assert.equal(t.is_remote, false);
		s.taskA = t;
		const onB = await waitFor(async () => (await boardB(s.remoteOnB.id))
		    .find((x) => x.shared_task_id === t.shared_task_id), 'task on node-b');
		assert.equal(onB.title, 'made on A');
		assert.equal(onB.description, 'shared');
		assert.equal(onB.status, 'todo');
		assert.equal(onB.is_remote, true);
		assert.equal(onB.remote_version, 1);
		assert.notEqual(onB.id, t.id, 'each node has its own row');
		s.taskB = onB;
	});

	test('status changed on node B flows back to node A, and the other way', async () => {
		const u = ok(await nodeB('PUT', `/api/tasks/${s.taskB.id}`, { json: { status: 'inprogress' } }));
		assert.equal(u.status, 'inprogress');
		assert.equal(u.remote_version, 2);
		const st = hiveOk(await hive('GET', `/tasks/${s.taskA.shared_task_id}`)).task;
		assert.equal(st.status, 'in-progress');
		assert.equal(st.version, 2);
		await waitFor(async () => (await boardA(s.projA.id)).find((x) => x.id === s.taskA.id &&
		    x.status === 'inprogress' && x.remote_version === 2), 'in progress on node-a');
		const a = ok(await api('PUT', `/api/tasks/${s.taskA.id}`, { json: { status: 'inreview',
		    title: 'made on A, reviewed' } }));
		assert.equal(a.remote_version, 3);
		await waitFor(async () => (await boardB(s.remoteOnB.id)).find((x) => x.id === s.taskB.id &&
		    x.status === 'inreview' && x.title === 'made on A, reviewed'), 'in review on node-b');
	});

	test('a stale version gets 409 and changes nothing', async () => {
		hiveOk(await hive('GET', `/tasks/${s.taskA.shared_task_id}`));
		const stale = await hive('PATCH', `/tasks/${s.taskA.shared_task_id}`, { json: { status: 'done',
		    version: 1 } });
		assert.equal(stale.status, 409);
		assert.equal(stale.json.message, 'task version mismatch');
		assert.deepEqual(stale.json.error_data, { version: 3 });
		// Node A changes the title while node B cannot hear of it (its
		// swarm-stream, which gets the hive's pushes, is stopped), so node
		// B still has version 3.
		const streamB = Number(fs.readFileSync(path.join(NODE_B_VAR, 'run', 'swarm-stream.pid'), 'utf8'));
		process.kill(streamB, 'SIGSTOP');
		try {
			ok(await api('PUT', `/api/tasks/${s.taskA.id}`, { json: { title: 'renamed on A' } }));
			const before = nodeBSql(`SELECT title, status, remote_version FROM tasks WHERE id = '${s.taskB.id}'`);
			const r = await nodeB('PUT', `/api/tasks/${s.taskB.id}`, { json: { status: 'done' } });
			fails(r, 409, 'task was changed on another node; reload it and try again');
			assert.equal(r.json.error_data.version, 3);
			assert.deepEqual(nodeBSql(`SELECT title, status, remote_version FROM tasks WHERE id = '${s.taskB.id}'`),
			    before);
			assert.equal(hiveOk(await hive('GET', `/tasks/${s.taskA.shared_task_id}`)).task.status, 'in-review');
		} finally {
			process.kill(streamB, 'SIGCONT');
		}
		// After a pull (the push it missed, or its reconnect) node B can make the change.
		await waitFor(async () => (await boardB(s.remoteOnB.id)).find((x) => x.id === s.taskB.id &&
		    x.title === 'renamed on A'), 'rename on node-b');
		assert.equal(ok(await nodeB('PUT', `/api/tasks/${s.taskB.id}`, { json: { status: 'done' } })).status, 'done');
		await waitFor(async () => (await boardA(s.projA.id)).find((x) => x.id === s.taskA.id &&
		    x.status === 'done'), 'done on node-a');
	});

	test('node B creates and deletes in the remote project; node A follows', async () => {
		fails(await nodeB('POST', '/api/tasks', { json: { project_id: s.remoteOnB.id, title: 'x',
		    image_ids: [crypto.randomUUID()] } }), 400, 'Image attachments are not supported for remote project tasks');
		const t = ok(await nodeB('POST', '/api/tasks', { json: { project_id: s.remoteOnB.id,
		    title: 'made on B' } }));
		assert.equal(t.is_remote, true);
		assert.ok(t.shared_task_id);
		const onA = await waitFor(async () => (await boardA(s.projA.id))
		    .find((x) => x.shared_task_id === t.shared_task_id), 'task from B on node-a');
		assert.equal(onA.is_remote, false, 'node A holds the project');
		assert.equal(onA.title, 'made on B');
		assert.equal((await nodeB('DELETE', `/api/tasks/${t.id}`)).status, 202);
		assert.ok(hiveOk(await hive('GET', `/tasks/${t.shared_task_id}`)).task.deleted_at);
		await waitFor(async () => !(await boardA(s.projA.id)).some((x) => x.id === onA.id),
		    'deleted on node-a');
		assert.equal(sql(`SELECT COUNT(*) FROM tasks WHERE id = '${onA.id}'`)[0][0], '0');
	});
});

describe('a hive that is down', () => {
	test('local routes keep working; hive routes say 502; pending changes go up later', async () => {
		hiveStack('stop');
		try {
			const plain = ok(await api('GET', '/api/projects'));
			assert.ok(plain.some((p) => p.id === s.projA.id));
			ok(await api('GET', `/api/tasks?project_id=${s.projA.id}`));
			const t = ok(await api('POST', '/api/tasks', { json: { project_id: s.projA.id,
			    title: 'made while the hive is down' } }));
			assert.equal(t.shared_task_id, null);
			s.offline = t;
			const u = ok(await api('PUT', `/api/tasks/${s.taskA.id}`, { json: { status: 'cancelled' } }));
			assert.equal(u.status, 'cancelled');
			fails(await nodeB('POST', '/api/tasks', { json: { project_id: s.remoteOnB.id,
			    title: 'cannot' } }), 502, /^hive unreachable/);
			fails(await nodeB('PUT', `/api/tasks/${s.taskB.id}`, { json: { status: 'todo' } }), 502,
			    /^hive unreachable/);
			assert.ok(ok(await nodeB('GET', '/api/unified-projects')).remote_by_node
			    .some((g) => g.node_id === s.nodeA), 'remote projects stay while the hive is away');
		} finally {
			hiveStack('start');
		}
		const shared = await waitFor(async () => (await boardA(s.projA.id))
		    .find((x) => x.id === s.offline.id && x.shared_task_id), 'offline task shared');
		await waitFor(async () => (await boardB(s.remoteOnB.id))
		    .find((x) => x.shared_task_id === shared.shared_task_id), 'offline task on node-b');
		await waitFor(async () => (await boardB(s.remoteOnB.id))
		    .find((x) => x.id === s.taskB.id && x.status === 'cancelled'), 'offline change on node-b');
	});
});

describe('unlinking', () => {
	test('the hive drops the link and the other node drops the remote project', async () => {
		const p = ok(await api('DELETE', `/api/projects/${s.projA.id}/link`));
		assert.equal(p.remote_project_id, null);
		assert.equal(sql(`SELECT COUNT(*) FROM tasks WHERE project_id = '${s.projA.id}' AND shared_task_id IS NOT NULL`)[0][0], '0');
		assert.deepEqual(hiveOk(await hive('GET', `/projects/${s.ridA}/nodes`)).nodes, []);
		await waitFor(async () => !ok(await nodeB('GET', '/api/projects'))
		    .some((x) => x.remote_project_id === s.ridA), 'remote project gone from node-b');
		assert.equal(nodeBSql(`SELECT COUNT(*) FROM tasks WHERE id = '${s.taskB.id}'`)[0][0], '0');
		// Not linked: unlink returns the project unchanged.
		assert.equal(ok(await api('DELETE', `/api/projects/${s.projA.id}/link`)).id, s.projA.id);
	});
});
