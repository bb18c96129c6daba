// hive-nodes.test.mjs: registration (upsert on machine id), liveness from
// the heartbeat window, drain and removal, project links.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HIVE_WINDOW, hive, hiveFails, hiveOk, hiveSql, newOrg, registerNode,
	waitFor } from './lib/swarm.mjs';
import { TS_RE, UUID_RE, randomUuid } from './lib/stack.mjs';

describe('registration', () => {
	test('register returns the Node and its links; again on the same machine updates it', async () => {
		const { org, key } = await newOrg('reg');
		const d = hiveOk(await hive('POST', '/nodes/register', { auth: key, json: {
			name: 'builder-1', machine_id: 'machine-1', public_url: 'http://10.0.0.5:3000',
			capabilities: { executors: ['CLAUDE_CODE', 'CODEX'], max_concurrent_tasks: 3,
			    os: 'linux', arch: 'x86_64', version: '1.2', extra: 'ignored' } } }));
		assert.deepEqual(Object.keys(d).sort(), ['linked_projects', 'node']);
		assert.deepEqual(d.linked_projects, []);
		const n = d.node;
		assert.match(n.id, UUID_RE);
		assert.equal(n.organization_id, org.id);
		assert.equal(n.name, 'builder-1');
		assert.equal(n.machine_id, 'machine-1');
		assert.equal(n.status, 'online');
		assert.equal(n.public_url, 'http://10.0.0.5:3000');
		assert.deepEqual(n.capabilities, { executors: ['CLAUDE_CODE', 'CODEX'],
		    max_concurrent_tasks: 3, os: 'linux', arch: 'x86_64', version: '1.2' });
		assert.match(n.last_heartbeat_at, TS_RE);
		assert.match(n.connected_at, TS_RE, 'set on first insert too (quirk 6)');
		const again = hiveOk(await hive('POST', '/nodes/register', { auth: key, json: {
			name: 'builder-renamed', machine_id: 'machine-1' } })).node;
		assert.equal(again.id, n.id, 'upsert on (organization, machine_id)');
		assert.equal(again.name, 'builder-renamed');
		assert.equal(again.public_url, null);
		assert.deepEqual(again.capabilities, { executors: [], max_concurrent_tasks: 1,
		    os: '', arch: '', version: '' });
		assert.equal(hiveSql(`SELECT COUNT(*) FROM nodes WHERE organization_id = '${org.id}'`)[0][0], '1');
		const other = await registerNode(key, 'machine-2');
		assert.notEqual(other.id, n.id);
	});
});

describe('liveness', () => {
	test('no heartbeat within the window: offline; a heartbeat: online again', async () => {
		const { org, key } = await newOrg('live');
		const n = await registerNode(key, 'live-1');
		assert.equal(n.status, 'online');
		// Never heard from: pending.
		hiveSql(`INSERT INTO nodes (id, organization_id, name, machine_id) VALUES ('${randomUuid()}', '${org.id}', 'quiet', 'quiet')`);
		const list = hiveOk(await hive('GET', `/nodes?organization_id=${org.id}`));
		assert.equal(list.find((x) => x.name === 'quiet').status, 'pending');
		// Nothing stored changes: the status is read against the clock.
		await waitFor(async () => hiveOk(await hive('GET', `/nodes/${n.id}`)).status === 'offline',
		    `node offline after ${HIVE_WINDOW}s without heartbeat`, (HIVE_WINDOW + 10) * 1000, 250);
		assert.equal(hiveSql(`SELECT status FROM nodes WHERE id = '${n.id}'`)[0][0], 'online');
		const hb = hiveOk(await hive('POST', `/nodes/${n.id}/heartbeat`, { auth: key,
		    json: { status: 'busy', active_tasks: [] } }));
		assert.match(hb.server_time, TS_RE);
		assert.equal(hiveOk(await hive('GET', `/nodes/${n.id}`)).status, 'busy');
		hiveOk(await hive('POST', `/nodes/${n.id}/heartbeat`, { auth: key, json: { status: 'online' } }));
		const seen = hiveOk(await hive('GET', `/nodes/${n.id}`));
		assert.equal(seen.status, 'online');
		assert.ok(seen.last_heartbeat_at > n.last_heartbeat_at);
		// A node that says goodbye is offline at once.
		hiveOk(await hive('POST', `/nodes/${n.id}/heartbeat`, { auth: key, json: { status: 'offline' } }));
		assert.equal(hiveOk(await hive('GET', `/nodes/${n.id}`)).status, 'offline');
	});

	test('drain (admin) shows draining while alive; undrain; remove cascades', async () => {
		const { org, key } = await newOrg('drain');
		const n = await registerNode(key, 'drain-1');
		hiveFails(await hive('POST', `/nodes/${n.id}/drain`, { auth: key }), 401, 'admin token required');
		assert.equal(hiveOk(await hive('POST', `/nodes/${n.id}/drain`)).status, 'draining');
		hiveOk(await hive('POST', `/nodes/${n.id}/heartbeat`, { auth: key, json: { status: 'online' } }));
		assert.equal(hiveOk(await hive('GET', `/nodes/${n.id}`)).status, 'draining', 'heartbeats do not undrain');
		assert.equal(hiveOk(await hive('POST', `/nodes/${n.id}/drain`, { json: { draining: false } })).status, 'online');
		const p = hiveOk(await hive('POST', '/projects', { auth: key, json: { organization_id: org.id,
		    name: 'to cascade' } }), 201);
		hiveOk(await hive('POST', `/nodes/${n.id}/projects`, { auth: key, json: { project_id: p.id,
		    local_project_id: randomUuid(), git_repo_path: '/r' } }), 201);
		hiveFails(await hive('DELETE', `/nodes/${n.id}`, { auth: key }), 401, 'admin token required');
		hiveOk(await hive('DELETE', `/nodes/${n.id}`));
		hiveFails(await hive('GET', `/nodes/${n.id}`), 404, 'node not found');
		assert.deepEqual(hiveOk(await hive('GET', `/projects/${p.id}/nodes`)).nodes, []);
		hiveFails(await hive('POST', `/nodes/${n.id}/heartbeat`, { auth: key, json: { status: 'online' } }),
		    404, 'node not found');
		// It may come back: registering makes a new node.
		const back = await registerNode(key, 'drain-1');
		assert.notEqual(back.id, n.id);
	});
});

describe('project links', () => {
	test('link, the same again, conflicts, project nodes, unlink by link id', async () => {
		const { org, key } = await newOrg('links');
		const a = await registerNode(key, 'links-a', { public_url: 'http://127.0.0.1:4001' });
		const b = await registerNode(key, 'links-b');
		const p = hiveOk(await hive('POST', '/projects', { auth: key, json: { organization_id: org.id,
		    name: 'shared repo', metadata: { color: 'red' } } }), 201);
		assert.deepEqual(p.metadata, { color: 'red' });
		const local = randomUuid();
		const link = hiveOk(await hive('POST', `/nodes/${a.id}/projects`, { auth: key, json: {
			project_id: p.id, local_project_id: local, git_repo_path: '/home/a/repo' } }), 201);
		assert.equal(link.default_branch, 'main');
		assert.equal(link.node_id, a.id);
		const same = hiveOk(await hive('POST', `/nodes/${a.id}/projects`, { auth: key, json: {
			project_id: p.id, local_project_id: local, git_repo_path: '/home/a/repo' } }), 200);
		assert.equal(same.id, link.id, 'a retry is not a conflict');
		hiveFails(await hive('POST', `/nodes/${b.id}/projects`, { auth: key, json: {
			project_id: p.id, local_project_id: randomUuid(), git_repo_path: '/b' } }), 409,
		    'project already linked to a node');
		const p2 = hiveOk(await hive('POST', '/projects', { auth: key, json: { organization_id: org.id,
		    name: 'second' } }), 201);
		hiveFails(await hive('POST', `/nodes/${a.id}/projects`, { auth: key, json: {
			project_id: p2.id, local_project_id: local, git_repo_path: '/x' } }), 409,
		    'local project already linked to another swarm project');
		const pn = hiveOk(await hive('GET', `/projects/${p.id}/nodes`, { auth: key }));
		assert.deepEqual(pn, { nodes: [{ node_id: a.id, node_name: 'node links-a', node_status: 'online',
		    node_public_url: 'http://127.0.0.1:4001', node_project_id: link.id, local_project_id: local,
		    git_repo_path: '/home/a/repo', default_branch: 'main' }] });
		const reg = hiveOk(await hive('POST', '/nodes/register', { auth: key,
		    json: { name: 'again', machine_id: 'links-a' } }));
		assert.deepEqual(reg.linked_projects.map((l) => l.id), [link.id]);
		// Unlink takes the link id (not the project id, the original's quirk 1).
		hiveFails(await hive('DELETE', `/nodes/${a.id}/projects/${p.id}`, { auth: key }), 404, 'link not found');
		hiveFails(await hive('DELETE', `/nodes/${b.id}/projects/${link.id}`, { auth: key }), 404, 'link not found');
		hiveOk(await hive('DELETE', `/nodes/${a.id}/projects/${link.id}`, { auth: key }));
		assert.deepEqual(hiveOk(await hive('GET', `/projects/${p.id}/nodes`, { auth: key })).nodes, []);
		hiveOk(await hive('POST', `/nodes/${b.id}/projects`, { auth: key, json: {
			project_id: p.id, local_project_id: randomUuid(), git_repo_path: '/b' } }), 201);
	});
});
