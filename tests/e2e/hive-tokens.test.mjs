// hive-tokens.test.mjs: assignments and connection tokens (stream-connection-
// info, connection-info, the token-guarded log route).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { HIVE, hive, hiveFails, hiveOk, hiveSql, newOrg, registerNode, signJwt,
	verifyJwt } from './lib/swarm.mjs';
import { randomUuid } from './lib/stack.mjs';

let s;

before(async () => {
	const { org, key } = await newOrg('tok');
	const node = await registerNode(key, 'tok-node', { public_url: 'http://127.0.0.1:4555' });
	const other = await registerNode(key, 'tok-other');
	const project = hiveOk(await hive('POST', '/projects', { auth: key,
	    json: { organization_id: org.id, name: 'tokens' } }), 201);
	hiveOk(await hive('POST', `/nodes/${node.id}/projects`, { auth: key,
	    json: { project_id: project.id, local_project_id: randomUuid(), git_repo_path: '/t' } }), 201);
	const task = hiveOk(await hive('POST', '/tasks', { auth: key,
	    json: { project_id: project.id, title: 'stream me' } }), 201).task;
	s = { org, key, node, other, project, task };
});

describe('assignments', () => {
	test('one active per task; status moves the shared task; completed ends it', async () => {
		const { key, node, other, project } = s;
		const t = hiveOk(await hive('POST', '/tasks', { auth: key,
		    json: { project_id: project.id, title: 'assign me' } }), 201).task;
		hiveFails(await hive('GET', `/tasks/${t.id}/assignment`, { auth: key }), 404,
		    'no assignment for this task');
		hiveFails(await hive('POST', `/tasks/${t.id}/assignments`, { auth: key,
		    json: { node_id: other.id } }), 409, "node has not linked the task's project");
		const a = hiveOk(await hive('POST', `/tasks/${t.id}/assignments`, { auth: key,
		    json: { node_id: node.id } }), 201);
		assert.equal(a.execution_status, 'pending');
		assert.equal(a.started_at, null);
		hiveFails(await hive('POST', `/tasks/${t.id}/assignments`, { auth: key,
		    json: { node_id: node.id } }), 409, 'task already has an active assignment');
		const attempt = randomUuid();
		const r = hiveOk(await hive('PATCH', `/nodes/assignments/${a.id}`, { auth: key,
		    json: { execution_status: 'running', local_attempt_id: attempt } }));
		assert.equal(r.local_attempt_id, attempt);
		assert.ok(r.started_at);
		let st = hiveOk(await hive('GET', `/tasks/${t.id}`, { auth: key })).task;
		assert.equal(st.status, 'in-progress');
		assert.equal(st.version, 2);
		const c = hiveOk(await hive('PATCH', `/nodes/assignments/${a.id}`, { auth: key,
		    json: { execution_status: 'completed' } }));
		assert.ok(c.completed_at, 'completed_at is set (quirk 5)');
		assert.equal(c.started_at, r.started_at);
		st = hiveOk(await hive('GET', `/tasks/${t.id}`, { auth: key })).task;
		assert.equal(st.status, 'in-review');
		const events = hiveOk(await hive('GET', `/activity?project_id=${project.id}`, { auth: key }))
		    .filter((e) => e.payload.task.id === t.id).map((e) => e.payload.task.status);
		assert.deepEqual(events, ['todo', 'in-progress', 'in-review'], 'other nodes see it');
		const a2 = hiveOk(await hive('POST', `/tasks/${t.id}/assignments`, { auth: key,
		    json: { node_id: node.id, execution_status: 'starting' } }), 201);
		assert.equal(hiveOk(await hive('GET', `/tasks/${t.id}/assignment`, { auth: key })).id, a2.id);
	});
});

describe('stream-connection-info', () => {
	test('no assignment: 404', async () => {
		hiveFails(await hive('GET', `/tasks/${s.task.id}/stream-connection-info`, { auth: s.key }), 404,
		    'no active assignment for this task');
		hiveFails(await hive('GET', `/tasks/${randomUuid()}/stream-connection-info`), 404, 'task not found');
	});

	test('a token that verifies with the swarm secret and expires in 15 minutes', async () => {
		const attempt = randomUuid();
		const a = hiveOk(await hive('POST', `/tasks/${s.task.id}/assignments`, { auth: s.key,
		    json: { node_id: s.node.id, execution_status: 'running', local_attempt_id: attempt } }), 201);
		const before = Math.floor(Date.now() / 1000);
		const info = hiveOk(await hive('GET', `/tasks/${s.task.id}/stream-connection-info`, { auth: s.key }));
		const after = Math.floor(Date.now() / 1000);
		assert.deepEqual(Object.keys(info).sort(), ['attempt_id', 'connection_token', 'direct_url',
		    'expires_at', 'node_id', 'relay_url', 'task_id']);
		assert.equal(info.task_id, s.task.id);
		assert.equal(info.node_id, s.node.id);
		assert.equal(info.attempt_id, attempt);
		assert.equal(info.direct_url, 'http://127.0.0.1:4555');
		assert.equal(info.relay_url, `${HIVE}/hive/v1/tasks/${s.task.id}/diff/relay`);
		const v = verifyJwt(info.connection_token);
		assert.ok(v, 'HS256 with the decoded swarm secret');
		assert.deepEqual(v.header, { alg: 'HS256', typ: 'JWT' });
		const c = v.claims;
		assert.equal(c.aud, 'connection');
		assert.equal(c.node_id, s.node.id);
		assert.equal(c.assignment_id, a.id);
		assert.equal(c.execution_process_id, attempt);
		assert.equal(c.task_id, s.task.id);
		assert.equal(typeof c.sub, 'string');
		assert.ok(c.iat >= before && c.iat <= after);
		assert.equal(c.exp - c.iat, 900);
		assert.equal(Date.parse(info.expires_at) / 1000, c.exp);
		// Tampered: the claims changed, the signature kept.
		const [h, , sig] = info.connection_token.split('.');
		const forged = Buffer.from(JSON.stringify({ ...c, node_id: s.other.id })).toString('base64url');
		assert.equal(verifyJwt(`${h}.${forged}.${sig}`), null);
		s.assignment = a;
		s.token = info.connection_token;
	});

	test('the token opens the assignment log route; tampered, expired or foreign ones do not', async () => {
		const a = s.assignment;
		const url = (tok, id = a.id) => `/nodes/assignments/${id}/logs?token=${encodeURIComponent(tok)}`;
		assert.deepEqual(hiveOk(await hive('GET', url(s.token), { auth: null })), { logs: [] });
		hiveSql(`INSERT INTO node_task_output_logs (assignment_id, output_type, content, \`timestamp\`) VALUES ('${a.id}', 'stdout', 'hello', UTC_TIMESTAMP(6))`);
		const logs = hiveOk(await hive('GET', url(s.token), { auth: null })).logs;
		assert.equal(logs.length, 1);
		assert.equal(logs[0].content, 'hello');
		assert.equal(logs[0].output_type, 'stdout');
		const [h, c, sig] = s.token.split('.');
		const flip = sig.slice(0, -2) + (sig.at(-2) === 'A' ? 'B' : 'A') + sig.at(-1);
		hiveFails(await hive('GET', url(`${h}.${c}.${flip}`), { auth: null }), 401, 'invalid token');
		const claims = verifyJwt(s.token).claims;
		const now = Math.floor(Date.now() / 1000);
		hiveFails(await hive('GET', url(signJwt({ ...claims, iat: now - 2000, exp: now - 1000 })),
		    { auth: null }), 401, 'token expired');
		hiveFails(await hive('GET', url(signJwt({ ...claims, aud: 'node_proxy' })), { auth: null }), 401,
		    'invalid token');
		hiveFails(await hive('GET', url(signJwt(claims, Buffer.alloc(48, 7).toString('base64'))),
		    { auth: null }), 401, 'invalid token');
		const { assignment_id: _drop, ...noAssignment } = claims;
		hiveFails(await hive('GET', url(signJwt(noAssignment)), { auth: null }), 401, 'invalid token');
		hiveFails(await hive('GET', url(s.token, randomUuid()), { auth: null }), 403,
		    'token does not match assignment');
		hiveFails(await hive('GET', url('garbage'), { auth: null }), 401, 'invalid token');
		hiveFails(await hive('GET', `/nodes/assignments/${a.id}/logs`, { auth: null }), 401,
		    'missing API key or admin token');
		// The organization's key works without a token.
		assert.equal(hiveOk(await hive('GET', `/nodes/assignments/${a.id}/logs?after_id=0&limit=5`,
		    { auth: s.key })).logs.length, 1);
	});

	test('assignment connection-info points at the log relay', async () => {
		const a = s.assignment;
		const info = hiveOk(await hive('GET', `/nodes/assignments/${a.id}/connection-info`, { auth: s.key }));
		assert.equal(info.assignment_id, a.id);
		assert.equal(info.node_id, s.node.id);
		assert.equal(info.direct_url, 'http://127.0.0.1:4555');
		assert.equal(info.relay_url, `${HIVE}/hive/v1/nodes/assignments/${a.id}/logs/ws`);
		assert.equal(verifyJwt(info.connection_token).claims.assignment_id, a.id);
	});
});
