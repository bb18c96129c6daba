// hive-keys.test.mjs: admin token, node API keys (shown once, hashed,
// revoked at once, last_used_at), and swarmctl over the same routes.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { describe, test } from 'node:test';

import { CTL, HIVE_ORG, hive, hiveFails, hiveOk, hiveSql, newOrg, registerNode,
	swarmctl } from './lib/swarm.mjs';
import { UUID_RE } from './lib/stack.mjs';

describe('hive authentication', () => {
	test('health needs nothing; everything else needs credentials', async () => {
		const h = await hive('GET', '/health', { auth: null });
		assert.equal(h.status, 200);
		assert.equal(h.json.status, 'ok');
		for (const [m, p] of [['GET', '/organizations'], ['GET', `/nodes?organization_id=${HIVE_ORG}`],
		    ['GET', `/projects?organization_id=${HIVE_ORG}`], ['POST', '/nodes/register'],
		    ['GET', `/activity?project_id=${HIVE_ORG}`], ['GET', '/nodes/api-keys']]) {
			const r = await hive(m, p, { auth: null, json: m === 'POST' ? {} : undefined });
			assert.equal(r.status, 401, `${m} ${p}: ${r.text}`);
		}
		hiveFails(await hive('GET', '/organizations', { auth: null }), 401, 'admin token required');
		hiveFails(await hive('GET', '/organizations', { auth: null,
		    headers: { Authorization: 'Bearer not-the-token-at-all' } }), 401, 'invalid admin token');
		hiveFails(await hive('GET', `/nodes?organization_id=${HIVE_ORG}`, { auth: null }), 401,
		    'missing API key or admin token');
		hiveFails(await hive('POST', '/nodes/register', { auth: null,
		    json: { name: 'x', machine_id: 'x' } }), 401, 'missing API key');
	});

	test('a node key cannot administer', async () => {
		const { key } = await newOrg('keys-admin');
		hiveFails(await hive('GET', '/organizations', { auth: key }), 401, 'admin token required');
		hiveFails(await hive('POST', '/nodes/api-keys', { auth: key,
		    json: { organization_id: HIVE_ORG, name: 'k' } }), 401, 'admin token required');
	});
});

describe('node API keys', () => {
	test('created once as 64 hex digits, stored as SHA-256 with an 8-digit prefix', async () => {
		const { org } = await newOrg('keys-create');
		const r = hiveOk(await hive('POST', '/nodes/api-keys', { json: { organization_id: org.id,
		    name: 'builder' } }), 201);
		assert.match(r.secret, /^[0-9a-f]{64}$/);
		assert.match(r.api_key.id, UUID_RE);
		assert.equal(r.api_key.key_prefix, r.secret.slice(0, 8));
		assert.equal(r.api_key.name, 'builder');
		assert.equal(r.api_key.revoked_at, null);
		assert.equal(r.api_key.last_used_at, null);
		assert.ok(!('key_hash' in r.api_key), 'the hash is never sent');
		const [[hash, prefix]] = hiveSql(`SELECT key_hash, key_prefix FROM node_api_keys WHERE id = '${r.api_key.id}'`);
		assert.equal(hash, crypto.createHash('sha256').update(r.secret).digest('hex'));
		assert.equal(prefix, r.secret.slice(0, 8));
		assert.equal(hiveSql(`SELECT COUNT(*) FROM node_api_keys WHERE key_hash = '${r.secret}'`)[0][0], '0');
		const list = hiveOk(await hive('GET', `/nodes/api-keys?organization_id=${org.id}`));
		assert.ok(list.some((k) => k.id === r.api_key.id));
		assert.ok(list.every((k) => !('key_hash' in k) && !('secret' in k)));
	});

	test('a key works, touches last_used_at, and is refused at once when revoked', async () => {
		const { org, key, keyId } = await newOrg('keys-revoke');
		const node = await registerNode(key, 'revoke-me');
		assert.equal(node.organization_id, org.id);
		const used = hiveSql(`SELECT last_used_at FROM node_api_keys WHERE id = '${keyId}'`)[0][0];
		assert.notEqual(used, 'NULL');
		hiveOk(await hive('POST', `/nodes/${node.id}/heartbeat`, { auth: key, json: { status: 'online' } }));
		const rev = hiveOk(await hive('DELETE', `/nodes/api-keys/${keyId}`));
		assert.equal(rev.id, keyId);
		assert.ok(rev.revoked_at);
		// The very next request is refused, on every route that takes keys.
		hiveFails(await hive('POST', `/nodes/${node.id}/heartbeat`, { auth: key,
		    json: { status: 'online' } }), 401, 'API key revoked');
		hiveFails(await hive('GET', `/nodes?organization_id=${org.id}`, { auth: key }), 401, 'API key revoked');
		hiveFails(await hive('POST', '/nodes/register', { auth: key,
		    json: { name: 'again', machine_id: 'revoke-me' } }), 401, 'API key revoked');
		// Revoking twice: 404.
		hiveFails(await hive('DELETE', `/nodes/api-keys/${keyId}`), 404, 'API key not found');
	});

	test('wrong, malformed and unknown keys are refused alike', async () => {
		const { key } = await newOrg('keys-wrong');
		const flipped = key.slice(0, 63) + (key[63] === '0' ? '1' : '0');
		for (const k of [flipped, 'f'.repeat(64), 'short', key.toUpperCase(), `${key}0`, `vk_${key}`])
			hiveFails(await hive('GET', '/nodes', { auth: k }), 401, 'invalid API key');
	});

	test('a key only sees its own organization', async () => {
		const a = await newOrg('keys-iso-a');
		const b = await newOrg('keys-iso-b');
		const nodeA = await registerNode(a.key, 'iso-a');
		hiveFails(await hive('GET', `/nodes/${nodeA.id}`, { auth: b.key }), 404, 'node not found');
		hiveFails(await hive('POST', `/nodes/${nodeA.id}/heartbeat`, { auth: b.key,
		    json: { status: 'online' } }), 404, 'node not found');
		hiveFails(await hive('GET', `/nodes?organization_id=${a.org.id}`, { auth: b.key }), 404,
		    'organization not found');
		hiveFails(await hive('GET', `/organizations/${a.org.id}`, { auth: b.key }), 404,
		    'organization not found');
		const own = hiveOk(await hive('GET', '/nodes', { auth: a.key }));
		assert.deepEqual(own.map((n) => n.id), [nodeA.id]);
	});
});

describe('swarmctl', () => {
	test('--help, usage errors and a missing token', () => {
		const h = swarmctl(['--help']);
		assert.equal(h.status, 0);
		assert.match(h.stdout, /org create NAME/);
		assert.equal(swarmctl([]).status, 2);
		assert.equal(swarmctl(['frobnicate']).status, 2);
		const bad = swarmctl(['key', 'revoke', 'not-a-uuid']);
		assert.equal(bad.status, 2);
		assert.match(bad.stderr, /KEY_ID must be a UUID/);
		const noauth = swarmctl(['org', 'list'], { token: false });
		assert.equal(noauth.status, 1);
		assert.match(noauth.stderr, /admin token required \(HTTP 401\)/);
		const down = spawnCtlAt('http://127.0.0.1:9', ['org', 'list']);
		assert.equal(down.status, 1);
		assert.match(down.stderr, /cannot reach the hive/);
	});

	test('org create, key create/list/revoke, nodes and projects', async () => {
		const slug = `ctl-${process.pid}`;
		const c = swarmctl(['--json', 'org', 'create', 'Ctl Org', '--slug', slug]);
		assert.equal(c.status, 0, c.stderr);
		const org = JSON.parse(c.stdout);
		assert.equal(org.slug, slug);
		const dup = swarmctl(['org', 'create', 'Ctl Org', '--slug', slug]);
		assert.equal(dup.status, 1);
		assert.match(dup.stderr, /already exists \(HTTP 409\)/);
		const table = swarmctl(['org', 'list']);
		assert.equal(table.status, 0);
		assert.match(table.stdout, new RegExp(`${org.id}\\s+${slug}\\s+Ctl Org`));
		const k = swarmctl(['key', 'create', '--org', org.id, 'ctl-node']);
		assert.equal(k.status, 0, k.stderr);
		const secret = /key\s+([0-9a-f]{64})/.exec(k.stdout)[1];
		const keyId = /key id\s+(\S+)/.exec(k.stdout)[1];
		const node = await registerNode(secret, 'ctl-machine', { public_url: 'http://127.0.0.1:1' });
		const nodes = swarmctl(['nodes', '--org', org.id]);
		assert.equal(nodes.status, 0);
		assert.match(nodes.stdout, new RegExp(`${node.id}\\s+node ctl-machine\\s+online\\s+http://127.0.0.1:1`));
		const kl = swarmctl(['key', 'list', '--org', org.id]);
		assert.match(kl.stdout, new RegExp(`${keyId}\\s+${secret.slice(0, 8)}\\s+ctl-node`));
		const pr = hiveOk(await hive('POST', '/projects', { auth: secret,
		    json: { organization_id: org.id, name: 'ctl project' } }), 201);
		hiveOk(await hive('POST', `/nodes/${node.id}/projects`, { auth: secret,
		    json: { project_id: pr.id, local_project_id: org.id, git_repo_path: '/srv/ctl' } }), 201);
		const pl = swarmctl(['projects', '--org', org.id]);
		assert.equal(pl.status, 0);
		assert.match(pl.stdout, new RegExp(`${pr.id}\\s+ctl project\\s+node ctl-machine\\s+online\\s+/srv/ctl`));
		const dr = swarmctl(['node', 'drain', node.id]);
		assert.match(dr.stdout, /draining/);
		assert.equal(hiveOk(await hive('GET', `/nodes/${node.id}`)).status, 'draining');
		assert.match(swarmctl(['node', 'undrain', node.id]).stdout, /online/);
		const rv = swarmctl(['key', 'revoke', keyId]);
		assert.equal(rv.status, 0, rv.stderr);
		hiveFails(await hive('GET', '/nodes', { auth: secret }), 401, 'API key revoked');
		assert.equal(swarmctl(['node', 'remove', node.id]).status, 0);
		hiveFails(await hive('GET', `/nodes/${node.id}`), 404, 'node not found');
		assert.equal(hiveSql(`SELECT COUNT(*) FROM node_projects WHERE node_id = '${node.id}'`)[0][0], '0');
		assert.equal(swarmctl(['node', 'remove', node.id]).status, 1);
	});
});

function spawnCtlAt(url, args)
{
	return spawnSync(CTL, ['--hive', url, '--token', 'x'.repeat(20), ...args], { encoding: 'utf8' });
}
