// hive-bad-input.test.mjs: every hive route refuses bad input with a clear
// JSON error and the right status, and changes nothing in the hive.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';

import { HIVE, hive, hiveFails, hiveOk, hiveSnapshot, newOrg, nodeA, nodeASql,
	registerNode } from './lib/swarm.mjs';
import { api, assertDbUnchanged, dbSnapshot, fails, noTypeBody, ok, randomUuid } from './lib/stack.mjs';

let s;
const U = randomUuid();	// unknown everywhere

before(async () => {
	const { org, key } = await newOrg('bad');
	const node = await registerNode(key, 'bad-node');
	const project = hiveOk(await hive('POST', '/projects', { auth: key,
	    json: { organization_id: org.id, name: 'bad input' } }), 201);
	hiveOk(await hive('POST', `/nodes/${node.id}/projects`, { auth: key,
	    json: { project_id: project.id, local_project_id: U, git_repo_path: '/b' } }), 201);
	const task = hiveOk(await hive('POST', '/tasks', { auth: key,
	    json: { project_id: project.id, title: 'bad input' } }), 201).task;
	const assignment = hiveOk(await hive('POST', `/tasks/${task.id}/assignments`, { auth: key,
	    json: { node_id: node.id } }), 201);
	s = { org, key, node, project, task, assignment };
});

const long = (n) => 'x'.repeat(n);

/* [method, path, options, status, message] with A = admin, K = the node key. */
function cases()
{
	const { org, node, project, task, assignment } = s;
	const K = s.key;
	return [
		['POST', '/organizations', { body: '{"name":', headers: { 'Content-Type': 'application/json' } }, 400, /^invalid JSON body/],
		['POST', '/organizations', { body: noTypeBody('{"name":"x"}') }, 415, 'expected Content-Type: application/json'],
		['POST', '/organizations', { json: [] }, 400, 'invalid JSON body: expected an object'],
		['POST', '/organizations', { json: {} }, 400, "field 'name' is required"],
		['POST', '/organizations', { json: { name: 5 } }, 400, "field 'name' must be a string"],
		['POST', '/organizations', { json: { name: '  ' } }, 400, "field 'name' must not be empty"],
		['POST', '/organizations', { json: { name: 'x', slug: 'Bad Slug' } }, 400, /^field 'slug' may contain only/],
		['POST', '/organizations', { json: { name: 'x', slug: 'a--b' } }, 400, /^field 'slug'/],
		['POST', '/organizations', { json: { name: '!!!' } }, 400, /^field 'slug' is required/],
		['POST', '/organizations', { json: { name: long(256) } }, 400, "field 'name' is too long (max 255 bytes)"],
		['GET', '/organizations/nope', {}, 400, 'invalid id'],
		['GET', `/organizations/${U}`, {}, 404, 'organization not found'],
		['POST', '/nodes/api-keys', { json: { organization_id: 'nope', name: 'k' } }, 400, "field 'organization_id' must be a UUID"],
		['POST', '/nodes/api-keys', { json: { organization_id: U, name: 'k' } }, 404, 'organization not found'],
		['POST', '/nodes/api-keys', { json: { organization_id: org.id, name: '' } }, 400, "field 'name' must not be empty"],
		['POST', '/nodes/api-keys', { json: { organization_id: org.id } }, 400, "field 'name' is required"],
		['GET', '/nodes/api-keys', {}, 400, "query parameter 'organization_id' is required"],
		['GET', '/nodes/api-keys?organization_id=x', {}, 400, "query parameter 'organization_id' must be a UUID"],
		['DELETE', '/nodes/api-keys/nope', {}, 400, 'invalid id'],
		['DELETE', `/nodes/api-keys/${U}`, {}, 404, 'API key not found'],
		['POST', '/nodes/register', { auth: K, json: {} }, 400, "field 'name' is required"],
		['POST', '/nodes/register', { auth: K, json: { name: 'n' } }, 400, "field 'machine_id' is required"],
		['POST', '/nodes/register', { auth: K, json: { name: 'n', machine_id: 'm', capabilities: 'x' } }, 400, "field 'capabilities' must be an object"],
		['POST', '/nodes/register', { auth: K, json: { name: 'n', machine_id: 'm', capabilities: { executors: [1] } } }, 400, /^field 'capabilities.executors'/],
		['POST', '/nodes/register', { auth: K, json: { name: 'n', machine_id: 'm', capabilities: { max_concurrent_tasks: -1 } } }, 400, /^field 'capabilities.max_concurrent_tasks'/],
		['POST', '/nodes/register', { auth: K, json: { name: 'n', machine_id: 'm', capabilities: { os: long(65) } } }, 400, /^field 'capabilities.os'/],
		['POST', '/nodes/register', { auth: K, json: { name: 'n', machine_id: 'm', public_url: 'ftp://x' } }, 400, "field 'public_url' must be an http or https URL"],
		['POST', '/nodes/register', { auth: K, json: { name: 'n', machine_id: 'm', public_url: 'http://a b' } }, 400, "field 'public_url' must be an http or https URL"],
		['POST', '/nodes/register', { auth: K, json: { name: 'n', machine_id: long(256) } }, 400, "field 'machine_id' is too long (max 255 bytes)"],
		['GET', '/nodes', {}, 400, "query parameter 'organization_id' is required"],
		['GET', '/nodes/nope', {}, 400, 'invalid id'],
		['GET', `/nodes/${U}`, {}, 404, 'node not found'],
		['DELETE', `/nodes/${U}`, {}, 404, 'node not found'],
		['POST', `/nodes/${node.id}/drain`, { json: { draining: 'yes' } }, 400, "field 'draining' must be a boolean"],
		['POST', `/nodes/${U}/drain`, {}, 404, 'node not found'],
		['POST', `/nodes/${node.id}/heartbeat`, { auth: K, json: {} }, 400, "field 'status' is required"],
		['POST', `/nodes/${node.id}/heartbeat`, { auth: K, json: { status: 'sleeping' } }, 400, /^field 'status' must be one of/],
		['POST', `/nodes/${node.id}/heartbeat`, { auth: K, json: { status: 'online', active_tasks: ['x'] } }, 400, /^field 'active_tasks' must be an array of/],
		['POST', '/nodes/nope/heartbeat', { auth: K, json: { status: 'online' } }, 400, 'invalid id'],
		['POST', `/nodes/${U}/heartbeat`, { auth: K, json: { status: 'online' } }, 404, 'node not found'],
		['POST', `/nodes/${node.id}/projects`, { auth: K, json: { local_project_id: U, git_repo_path: '/x' } }, 400, "field 'project_id' is required"],
		['POST', `/nodes/${node.id}/projects`, { auth: K, json: { project_id: U, local_project_id: U, git_repo_path: '' } }, 400, "field 'git_repo_path' must not be empty"],
		['POST', `/nodes/${node.id}/projects`, { auth: K, json: { project_id: U, local_project_id: randomUuid(), git_repo_path: '/x' } }, 404, 'project not found'],
		['POST', `/nodes/${U}/projects`, { auth: K, json: { project_id: project.id, local_project_id: U, git_repo_path: '/x' } }, 404, 'node not found'],
		['DELETE', `/nodes/${node.id}/projects/nope`, { auth: K }, 400, 'invalid id'],
		['DELETE', `/nodes/${node.id}/projects/${U}`, { auth: K }, 404, 'link not found'],
		['GET', `/nodes/${U}/projects`, {}, 404, 'node not found'],
		['GET', '/projects', {}, 400, "query parameter 'organization_id' is required"],
		['POST', '/projects', { json: { organization_id: org.id } }, 400, "field 'name' is required"],
		['POST', '/projects', { json: { organization_id: org.id, name: 'p', metadata: [] } }, 400, "field 'metadata' must be an object"],
		['POST', '/projects', { json: { organization_id: U, name: 'p' } }, 404, 'organization not found'],
		['POST', '/projects', { auth: K, json: { organization_id: U, name: 'p' } }, 404, 'organization not found'],
		['GET', `/projects/${U}`, {}, 404, 'project not found'],
		['GET', `/projects/${U}/nodes`, {}, 404, 'project not found'],
		['GET', '/activity', {}, 400, "query parameter 'project_id' is required"],
		['GET', `/activity?project_id=${project.id}&after=-1`, {}, 400, /^query parameter 'after' must be an integer/],
		['GET', `/activity?project_id=${project.id}&limit=0`, {}, 400, /^query parameter 'limit' must be an integer from 1 to 500/],
		['GET', `/activity?project_id=${project.id}&limit=x`, {}, 400, /^query parameter 'limit'/],
		['GET', `/activity?project_id=${U}`, {}, 404, 'project not found'],
		['GET', '/tasks/bulk', {}, 400, "query parameter 'project_id' is required"],
		['POST', '/tasks', { json: { title: 't' } }, 400, "field 'project_id' is required"],
		['POST', '/tasks', { json: { project_id: project.id, title: '' } }, 400, "field 'title' must not be empty"],
		['POST', '/tasks', { json: { project_id: project.id, title: 't', status: 'inprogress' } }, 400, /^field 'status' must be one of todo, in-progress/],
		['POST', '/tasks', { json: { project_id: project.id, title: long(30000), description: long(30000) } }, 400, 'title and description together exceed 51200 bytes'],
		['POST', '/tasks', { json: { project_id: project.id, title: long(51201) } }, 400, "field 'title' is too long (max 51200 bytes)"],
		['POST', '/tasks', { json: { project_id: U, title: 't' } }, 404, 'project not found'],
		['PATCH', `/tasks/${task.id}`, { json: { version: 'x' } }, 400, /^field 'version' must be an integer/],
		['PATCH', `/tasks/${task.id}`, { json: { title: '' } }, 400, "field 'title' must not be empty"],
		['PATCH', `/tasks/${task.id}`, { json: { description: long(51200) } }, 400, 'title and description together exceed 51200 bytes'],
		['PATCH', `/tasks/${task.id}`, { json: { status: 'done', version: 99 } }, 409, 'task version mismatch'],
		['PATCH', `/tasks/${U}`, { json: { status: 'done' } }, 404, 'task not found'],
		['DELETE', `/tasks/${task.id}`, { json: { version: 99 } }, 409, 'task version mismatch'],
		['DELETE', `/tasks/${U}`, {}, 404, 'task not found'],
		['POST', `/tasks/${task.id}/assignments`, { auth: K, json: {} }, 400, "field 'node_id' is required"],
		['POST', `/tasks/${task.id}/assignments`, { auth: K, json: { node_id: node.id, execution_status: 'ok' } }, 400, /^field 'execution_status' must be one of/],
		['POST', `/tasks/${task.id}/assignments`, { auth: K, json: { node_id: node.id } }, 409, 'task already has an active assignment'],
		['POST', `/tasks/${U}/assignments`, { auth: K, json: { node_id: node.id } }, 404, 'task not found'],
		['PATCH', `/nodes/assignments/${assignment.id}`, { auth: K, json: {} }, 400, "field 'execution_status' is required"],
		['PATCH', `/nodes/assignments/${assignment.id}`, { auth: K, json: { execution_status: 'running', local_attempt_id: 'x' } }, 400, "field 'local_attempt_id' must be a UUID"],
		['PATCH', `/nodes/assignments/${U}`, { auth: K, json: { execution_status: 'running' } }, 404, 'assignment not found'],
		['GET', `/nodes/assignments/${assignment.id}/logs?limit=0`, {}, 400, /^query parameter 'limit'/],
		['GET', `/tasks/${U}/stream-connection-info`, {}, 404, 'task not found'],
		['GET', '/nowhere', {}, 404, 'no such route'],
		['PUT', `/tasks/${task.id}`, { json: {} }, 405, 'method not allowed'],
	];
}

describe('bad input on every hive route', () => {
	test('a clear JSON error with the right status, and no change in the hive', async () => {
		// A key used now is not "touched" again for a minute (last_used_at).
		hiveOk(await hive('GET', '/nodes', { auth: s.key }));
		const before = hiveSnapshot();
		const wrong = [];
		for (const [m, p, o, status, message] of cases()) {
			const r = await hive(m, p, o);
			try {
				hiveFails(r, status, message);
				assert.match(String(r.headers.get('content-type')), /^application\/json/);
			} catch (e) {
				wrong.push(`${m} ${p.slice(0, 80)} -> ${r.status} ${r.text.slice(0, 120)}`);
			}
		}
		assert.deepEqual(wrong, [], 'every case answered as expected');
		assert.deepEqual(hiveSnapshot(), before, 'the hive is unchanged');
	});

	test('a body over the limit is 413 before anything else', async () => {
		const before = hiveSnapshot();
		const r = await api('POST', '/hive/v1/tasks', { base: HIVE, body: `{"title":"${long(11 * 1024 * 1024)}"}`,
		    headers: { 'Content-Type': 'application/json' } });
		assert.equal(r.status, 413);
		assert.equal(r.json.success, false);
		assert.deepEqual(hiveSnapshot(), before);
	});
});

describe('the node swarm routes', () => {
	test('link, link/create and unlink refuse bad input and change nothing', async () => {
		const snap = () => nodeASql('SELECT (SELECT COUNT(*) FROM projects), (SELECT COUNT(*) FROM tasks); ' +
		    'CHECKSUM TABLE projects, tasks EXTENDED');
		const before = snap();
		fails(await nodeA('POST', `/api/projects/${U}/link`, { json: { remote_project_id: 'x' } }), 400,
		    "field 'remote_project_id' must be a UUID");
		fails(await nodeA('POST', `/api/projects/${U}/link`, { json: {} }), 400,
		    "field 'remote_project_id' is required");
		fails(await nodeA('POST', `/api/projects/${U}/link`, { json: { remote_project_id: U } }), 404,
		    'project not found');
		fails(await nodeA('POST', `/api/projects/${U}/link/create`, { json: { organization_id: 'x', name: 'n' } }),
		    400, "field 'organization_id' must be a UUID");
		fails(await nodeA('POST', `/api/projects/${U}/link/create`, { json: { organization_id: U } }),
		    400, "field 'name' is required");
		fails(await nodeA('DELETE', `/api/projects/${U}/link`), 404, 'project not found');
		fails(await nodeA('DELETE', '/api/projects/nope/link'), 400, 'invalid id');
		assert.deepEqual(snap(), before);
	});

	test('a node without a hive works alone and says so on the swarm routes', async () => {
		const before = dbSnapshot();
		fails(await api('POST', `/api/projects/${U}/link`, { json: { remote_project_id: U } }), 409,
		    'this node is not connected to a hive (set VK_HIVE_URL and VK_NODE_API_KEY)');
		fails(await api('DELETE', `/api/projects/${U}/link`), 409, /not connected to a hive/);
		const u = ok(await api('GET', '/api/unified-projects'));
		assert.deepEqual(u.remote_by_node, []);
		assert.ok(Array.isArray(u.local));
		assertDbUnchanged(before, 'swarm routes without a hive');
	});
});
