// zz-shutdown.test.mjs: a clean stop of swarm-node. It stops the shared
// node, so it runs last (files run in name order) and leaves nginx and
// MariaDB to `swarm-stack stop` in tests/run.sh, which must still succeed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, test } from 'node:test';

import { api, fails, randomUuid } from './lib/stack.mjs';
import { CANNOT_SIGNAL, NODE_SOCK, childrenOf, isAlive, nodeParent, waitFor } from './lib/procs.mjs';

const WORKERS_DOWN = 'node workers unavailable';

describe('clean shutdown of swarm-node', { skip: CANNOT_SIGNAL }, () => {
	test('SIGTERM to the parent: it exits within 10 s, its workers are gone, the socket is removed', async () => {
		const { pid, workers } = nodeParent();
		const kids = await waitFor(() => {
			const c = childrenOf(pid);
			return c.length === workers ? c : null;
		}, 5000);
		assert.ok(kids, `premise: ${workers} workers under ${pid}, found ${childrenOf(pid)}`);
		assert.ok(fs.existsSync(NODE_SOCK), `premise: ${NODE_SOCK} exists`);
		assert.equal((await api('GET', '/api/health')).status, 200, 'premise: the node answers');

		const t0 = Date.now();
		process.kill(pid, 'SIGTERM');
		const gone = await waitFor(() => !isAlive(pid), 10000);
		const ms = Date.now() - t0;
		assert.ok(gone, `swarm-node ${pid} still running 10 s after SIGTERM`);
		// The parent waits for its workers before it exits.
		const left = kids.filter((k) => isAlive(k));
		assert.deepEqual(left, [], `workers alive after the parent exited (${ms} ms)`);
		assert.ok(!fs.existsSync(NODE_SOCK), `${NODE_SOCK} left behind`);
		assert.ok(!fs.existsSync(`${NODE_SOCK}.lock`), `${NODE_SOCK}.lock left behind`);
	});

	test('with swarm-node gone, nginx answers 502 node workers unavailable on every route', async () => {
		const id = randomUuid();
		const body = { json: { project_id: id, title: 'x', name: 'x', git_repo_path: '/nonexistent',
		    use_existing_repo: true } };
		const wrong = [];
		for (const [method, url, opts] of [
			['GET', '/api/health'],
			['GET', `/api/projects/${id}`],
			['GET', `/api/projects/${id}/branches`],
			['GET', `/api/tasks/${id}`],
			['GET', `/api/tasks?project_id=${id}`],
			['POST', '/api/projects', body],
			['PUT', `/api/projects/${id}`, body],
			['DELETE', `/api/projects/${id}`],
			['POST', '/api/tasks', body],
			['PUT', `/api/tasks/${id}`, body],
			['DELETE', `/api/tasks/${id}`],
		]) {
			const res = await api(method, url, opts);
			try {
				fails(res, 502, WORKERS_DOWN);
			} catch {
				wrong.push(`${method} ${url} -> ${res.status} ${res.headers.get('content-type')} ` +
				    `${res.text.slice(0, 50).replace(/\s+/g, ' ')}`);
			}
		}
		assert.deepEqual(wrong, [], 'expected the JSON 502 envelope for each');
	});
});
