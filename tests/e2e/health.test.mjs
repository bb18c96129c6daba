// health.test.mjs: GET /api/health over http and https, and the router's
// generic replies (unknown route, wrong method).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { HTTPS_BASE, MSG, api, fails, httpsGet } from './lib/stack.mjs';

const HEALTH_KEYS = ['build_timestamp', 'git_branch', 'git_commit', 'status', 'version'];

function assertHealth(status, headers, json, text)
{
	assert.equal(status, 200, text);
	const ct = typeof headers.get === 'function' ? headers.get('content-type') : headers['content-type'];
	assert.match(String(ct), /^application\/json/);
	assert.ok(json && typeof json === 'object', `health reply is JSON: ${text}`);
	// Not enveloped: exactly the five build-info fields.
	assert.deepEqual(Object.keys(json).sort(), HEALTH_KEYS);
	assert.equal(json.status, 'ok');
	for (const k of HEALTH_KEYS)
		assert.equal(typeof json[k], 'string', `${k} is a string`);
	assert.ok(json.version.length > 0, 'version is not empty');
}

describe('GET /api/health', () => {
	test('http: 200 with status ok and build info, not enveloped', async () => {
		const res = await api('GET', '/api/health');
		assertHealth(res.status, res.headers, res.json, res.text);
	});

	test('answers repeatedly (every worker serves it)', async () => {
		const all = await Promise.all(Array.from({ length: 12 }, () => api('GET', '/api/health')));
		for (const res of all)
			assertHealth(res.status, res.headers, res.json, res.text);
		// Every worker reports the same build.
		const versions = new Set(all.map((r) => JSON.stringify(r.json)));
		assert.equal(versions.size, 1);
	});

	test('https: same reply through TLS', { skip: HTTPS_BASE ? false : 'SWARM_HTTPS_URL not set' },
	    async () => {
		const res = await httpsGet('/api/health');
		assertHealth(res.status, res.headers, res.json, res.text);
		const plain = await api('GET', '/api/health');
		assert.deepEqual(res.json, plain.json);
	});

	test('https: an enveloped API route works through TLS',
	    { skip: HTTPS_BASE ? false : 'SWARM_HTTPS_URL not set' }, async () => {
		const res = await httpsGet('/api/projects');
		assert.equal(res.status, 200, res.text);
		assert.equal(res.json.success, true);
		assert.ok(Array.isArray(res.json.data));
	});

	test('POST /api/health -> 405 method not allowed', async () => {
		fails(await api('POST', '/api/health', { json: {} }), 405, MSG.badMethod);
	});

	test('DELETE /api/health -> 405 method not allowed', async () => {
		fails(await api('DELETE', '/api/health'), 405, MSG.badMethod);
	});
});

describe('router', () => {
	test('unknown route under /api -> 404 no such route', async () => {
		fails(await api('GET', '/api/no-such-thing'), 404, MSG.noRoute);
		fails(await api('GET', '/api/projects/00000000-0000-4000-8000-000000000000/no-such-thing'),
		    404, MSG.noRoute);
		fails(await api('POST', '/api/nope', { json: {} }), 404, MSG.noRoute);
		fails(await api('GET', '/api/tasks/00000000-0000-4000-8000-000000000000/x/y/z'), 404,
		    MSG.noRoute);
	});

	test('known paths with the wrong method -> 405 method not allowed', async () => {
		const id = '00000000-0000-4000-8000-000000000000';
		const cases = [
			['PATCH', '/api/projects'],
			['DELETE', '/api/projects'],
			['PUT', '/api/projects'],
			['POST', `/api/projects/${id}`],
			['PATCH', `/api/projects/${id}`],
			['POST', `/api/projects/${id}/branches`],
			['DELETE', `/api/projects/${id}/files`],
			['PUT', `/api/projects/${id}/search`],
			['PUT', '/api/tasks'],
			['DELETE', '/api/tasks'],
			['POST', `/api/tasks/${id}`],
			['PATCH', `/api/tasks/${id}`],
		];
		for (const [m, p] of cases) {
			const opts = (m === 'POST' || m === 'PUT' || m === 'PATCH') ? { json: {} } : {};
			fails(await api(m, p, opts), 405, MSG.badMethod);
		}
	});
});
