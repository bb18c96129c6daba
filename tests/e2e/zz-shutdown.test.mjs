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

	test('with swarm-node gone, nginx answers 502 node workers unavailable', async () => {
		fails(await api('GET', `/api/projects/${randomUuid()}`), 502, WORKERS_DOWN);
		fails(await api('POST', '/api/tasks', { json: { project_id: randomUuid(), title: 'x' } }),
		    502, WORKERS_DOWN);
		fails(await api('GET', '/api/health'), 502, WORKERS_DOWN);
	});
});
