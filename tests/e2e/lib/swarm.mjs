// tests/e2e/lib/swarm.mjs: helpers for the hive tests (a hive and node-b
// started by tests/run.sh beside the main stack, which is node-a).
//
//   SWARM_HIVE_URL              http base of the hive's nginx
//   SWARM_HIVE_VAR              its SWARM_VAR (mariadb.cnf, admin token)
//   SWARM_HIVE_ORG              the organization both nodes' keys belong to
//   SWARM_HIVE_ADMIN_TOKEN_FILE the admin token
//   SWARM_HIVE_SECRET           the connection token secret (base64)
//   SWARM_HIVE_WINDOW           the heartbeat window, seconds
//   SWARM_NODE_A_URL, SWARM_NODE_A_VAR   the nodes linked to the hive (the
//   SWARM_NODE_B_URL, SWARM_NODE_B_VAR   main stack is a node without one)

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { api } from './stack.mjs';

export const HIVE = (process.env.SWARM_HIVE_URL || '').replace(/\/+$/, '');
export const HIVE_VAR = process.env.SWARM_HIVE_VAR || '';
export const HIVE_ORG = process.env.SWARM_HIVE_ORG || '';
export const HIVE_SECRET = process.env.SWARM_HIVE_SECRET || '';
export const HIVE_WINDOW = Number(process.env.SWARM_HIVE_WINDOW || 90);
export const NODE_A = (process.env.SWARM_NODE_A_URL || '').replace(/\/+$/, '');
export const NODE_A_VAR = process.env.SWARM_NODE_A_VAR || '';
export const NODE_B = (process.env.SWARM_NODE_B_URL || '').replace(/\/+$/, '');
export const NODE_B_VAR = process.env.SWARM_NODE_B_VAR || '';
export const ADMIN_TOKEN_FILE = process.env.SWARM_HIVE_ADMIN_TOKEN_FILE || '';
export const CTL = path.resolve(path.dirname(new URL(import.meta.url).pathname),
    '../../../contrib/swarmctl');

if (!HIVE || !NODE_A || !NODE_B)
	throw new Error('SWARM_HIVE_URL / SWARM_NODE_[AB]_URL are not set: run through tests/run.sh');

export function adminToken()
{
	return fs.readFileSync(ADMIN_TOKEN_FILE, 'utf8').trim();
}

/*
 * A hive request. auth: 'admin' (default), a node key string, or null.
 * Other options as api() (json, body, headers).
 */
export async function hive(method, urlPath, opts = {})
{
	const headers = { ...(opts.headers || {}) };
	const auth = opts.auth === undefined ? 'admin' : opts.auth;
	if (auth === 'admin')
		headers.Authorization = `Bearer ${adminToken()}`;
	else if (auth)
		headers['x-api-key'] = auth;
	return api(method, `/hive/v1${urlPath}`, { ...opts, headers, base: HIVE });
}

export async function nodeA(method, urlPath, opts = {})
{
	return api(method, urlPath, { ...opts, base: NODE_A });
}

export async function nodeB(method, urlPath, opts = {})
{
	return api(method, urlPath, { ...opts, base: NODE_B });
}

function mariadb(defaults, db, query)
{
	const r = spawnSync('mariadb', [`--defaults-file=${defaults}`, db, '-N', '-B', '-e', query],
	    { encoding: 'utf8', timeout: 20000 });
	if (r.error)
		throw r.error;
	if (r.status !== 0)
		throw new Error(`mariadb failed (${r.status}): ${r.stderr}\nquery: ${query}`);
	return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

export function hiveSql(query)
{
	return mariadb(path.join(HIVE_VAR, 'mariadb.cnf'), 'swarm_hive', query);
}

export function nodeASql(query)
{
	return mariadb(path.join(NODE_A_VAR, 'mariadb.cnf'), 'swarm_node', query);
}

export function nodeBSql(query)
{
	return mariadb(path.join(NODE_B_VAR, 'mariadb.cnf'), 'swarm_node', query);
}

const HIVE_TABLES = ['organizations', 'users', 'organization_member_metadata', 'node_api_keys',
	'projects', 'project_activity_counters', 'node_projects', 'shared_tasks',
	'activity', 'node_task_assignments', 'node_task_output_logs'];

/*
 * Checksums of every hive table, to show a refused request changed
 * nothing. The nodes table without last_heartbeat_at: node-a and node-b
 * heartbeat over their links all the time (written in batches).
 */
export function hiveSnapshot()
{
	const tables = hiveSql(`CHECKSUM TABLE ${HIVE_TABLES.join(', ')} EXTENDED`).map((r) => r.join(':'));
	const nodes = hiveSql('SET SESSION group_concat_max_len = 16777216; ' +
	    "SELECT COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', id, organization_id, " +
	    "name, machine_id, status, draining, capabilities, IFNULL(public_url, '-'), " +
	    "IFNULL(api_key_id, '-'), IFNULL(connected_at, '-'), IFNULL(disconnected_at, '-'), " +
	    'created_at, updated_at) ORDER BY id)) FROM nodes')[0].join(':');
	return [...tables, `nodes:${nodes}`];
}

/* Poll fn (async) until it returns a truthy value; fail after ms. */
export async function waitFor(fn, what, ms = 15000, step = 100)
{
	const end = Date.now() + ms;
	let last;
	for (;;) {
		last = await fn();
		if (last)
			return last;
		if (Date.now() > end)
			assert.fail(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, step));
	}
}

/* ok() for hive envelopes, returning data. */
export function hiveOk(res, status = 200)
{
	assert.equal(res.status, status, `${res.req} -> ${res.status} ${res.text.slice(0, 400)}`);
	assert.equal(res.json?.success, true, res.text.slice(0, 400));
	return res.json.data;
}

export function hiveFails(res, status, message)
{
	assert.equal(res.status, status, `${res.req} -> ${res.status} ${res.text.slice(0, 400)}`);
	assert.equal(res.json?.success, false, res.text.slice(0, 400));
	assert.equal(res.json.data, null);
	if (message instanceof RegExp)
		assert.match(res.json.message, message);
	else if (message !== undefined)
		assert.equal(res.json.message, message);
}

let n = 0;

/* A fresh organization with one node key: {org, key, keyId}. */
export async function newOrg(tag)
{
	const slug = `${tag}-${process.pid}-${++n}`;
	const org = hiveOk(await hive('POST', '/organizations', { json: { name: `org ${slug}`, slug } }), 201);
	const k = hiveOk(await hive('POST', '/nodes/api-keys', { json: { organization_id: org.id,
	    name: `key ${slug}` } }), 201);
	return { org, key: k.secret, keyId: k.api_key.id };
}

/* Register a node of a test's own with a key: the Node. */
export async function registerNode(key, machine, extra = {})
{
	const d = hiveOk(await hive('POST', '/nodes/register', { auth: key,
	    json: { name: `node ${machine}`, machine_id: machine, ...extra } }));
	return d.node;
}

/* HS256 check of a JWT with the swarm secret (base64): its claims, or null. */
export function verifyJwt(token, secret = HIVE_SECRET)
{
	const [h, c, s] = token.split('.');
	const mac = crypto.createHmac('sha256', Buffer.from(secret, 'base64'))
	    .update(`${h}.${c}`).digest('base64url');
	if (mac !== s)
		return null;
	return { header: JSON.parse(Buffer.from(h, 'base64url')), claims: JSON.parse(Buffer.from(c, 'base64url')) };
}

/* Sign claims as the hive would (to forge expired or other-audience tokens). */
export function signJwt(claims, secret = HIVE_SECRET)
{
	const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
	const c = Buffer.from(JSON.stringify(claims)).toString('base64url');
	const s = crypto.createHmac('sha256', Buffer.from(secret, 'base64')).update(`${h}.${c}`)
	    .digest('base64url');
	return `${h}.${c}.${s}`;
}

/* Run contrib/swarmctl against the hive: {status, stdout, stderr}. */
export function swarmctl(args, { token = true } = {})
{
	const base = ['--hive', HIVE];
	if (token)
		base.push('--token-file', ADMIN_TOKEN_FILE);
	const r = spawnSync(CTL, [...base, ...args], { encoding: 'utf8', timeout: 20000,
	    env: { ...process.env, SWARM_HIVE_ADMIN_TOKEN: '', SWARM_HIVE_ADMIN_TOKEN_FILE: '' } });
	if (r.error)
		throw r.error;
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
