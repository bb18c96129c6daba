// tests/e2e/lib/stack.mjs: helpers shared by the end-to-end tests.
//
// The tests talk to a running stack (nginx -> swarm-node -> MariaDB) started
// by tests/run.sh.  Environment:
//   SWARM_URL        http base URL of nginx, e.g. http://127.0.0.1:8080 (required)
//   SWARM_HTTPS_URL  https base URL (optional; self-signed certificate)
//   SWARM_VAR        state dir of the stack; $SWARM_VAR/mariadb.cnf is the
//                    MariaDB defaults file used to inspect the database
//   SWARM_DB_NAME    node schema name (default swarm_node)
//   SWARM_DB_DEFAULTS  overrides the defaults file path
//
// Only node built-ins are used: global fetch, node:net, node:https,
// node:child_process, node:fs, node:os, node:path, node:assert.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const BASE = (process.env.SWARM_URL || '').replace(/\/+$/, '');
export const HTTPS_BASE = (process.env.SWARM_HTTPS_URL || '').replace(/\/+$/, '');
export const SWARM_VAR = process.env.SWARM_VAR || '';
export const DB_NAME = process.env.SWARM_DB_NAME || 'swarm_node';
export const DB_DEFAULTS = process.env.SWARM_DB_DEFAULTS ||
    (SWARM_VAR ? path.join(SWARM_VAR, 'mariadb.cnf') : '');

if (!BASE)
	throw new Error('SWARM_URL is not set: run the e2e tests through tests/run.sh (make test)');

const TIMEOUT_MS = 20000;

export const STATUSES = ['todo', 'inprogress', 'inreview', 'done', 'cancelled'];

export const MSG = {
	invalidJson: /^invalid JSON body/,
	contentType: 'expected Content-Type: application/json',
	tooLarge: 'request body too large',
	invalidId: 'invalid id',
	projectNotFound: 'project not found',
	taskNotFound: 'task not found',
	parentNotFound: 'parent task not found',
	imageNotFound: 'image not found',
	noRoute: 'no such route',
	badMethod: 'method not allowed',
	status: "field 'status' must be one of todo, inprogress, inreview, done, cancelled",
	duplicatePath: 'A project with this git repository path already exists',
	pathMissing: 'The specified path does not exist',
	notDir: 'The specified path is not a directory',
	notRepo: 'The specified directory is not a git repository',
	traversal: 'Path traversal not allowed',
	dirMissing: 'Directory does not exist',
	pathNotDir: 'Path is not a directory',
	fileMissing: 'File does not exist',
	pathNotFile: 'Path is not a file',
	binary: 'Cannot display binary file',
	emptyQuery: "Query parameter 'q' is required and cannot be empty",
	projectIdRequired: "query parameter 'project_id' is required",
	required: (f) => `field '${f}' is required`,
	mustString: (f) => `field '${f}' must be a string`,
	mustBool: (f) => `field '${f}' must be a boolean`,
	mustUuid: (f) => `field '${f}' must be a UUID`,
	mustUuidArray: (f) => `field '${f}' must be an array of UUIDs`,
	notEmpty: (f) => `field '${f}' must not be empty`,
	tooLong: (f, max) => `field '${f}' is too long (max ${max} bytes)`,
	absolute: "field 'git_repo_path' must be an absolute path",
};

// Strings that must be stored and returned byte for byte.
export const NASTY = [
	"'; DROP TABLE tasks; --",
	'Robert"); DROP TABLE projects;-- ',
	'back\\slash \\\\ \\n \\0 \\x27 (literal backslashes)',
	'quotes \' " ` and `tasks`.`title` backticks',
	"'' \"\" '\\'' 1' OR '1'='1",
	'percent % underscore _ LIKE wildcards %%',
	'tab\there\nnewline\r\nCRLF end',
	'unicode: héllo wörld ñ 中文 العربية Ελληνικά',
	'emoji: 🐝🚀👩‍💻🏳️‍🌈 4-byte 𝕏',
	'<script>alert("x")</script>&amp;',
	'  leading and trailing spaces  ',
	'NULL',
	'{"json":"looking",[1,2]}',
	'line\u2028sep\u2029para \u00a0nbsp',
];

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// RFC 3339, UTC, microseconds (the server's stated format).
export const TS_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
// Any RFC 3339 date-time (used for git commit dates).
export const RFC3339_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export function randomUuid()
{
	return crypto.randomUUID();
}

/* ------------------------------------------------------------------ HTTP */

function parseJson(text)
{
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

/*
 * One request through fetch.  opts.json is serialised with
 * Content-Type: application/json; opts.body is sent as is (a Buffer body
 * carries no Content-Type unless opts.headers sets one).
 * Returns {status, headers, text, json, req} and never throws on HTTP errors.
 */
export async function api(method, urlPath, opts = {})
{
	const headers = { ...(opts.headers || {}) };
	let body;
	if (opts.json !== undefined) {
		body = JSON.stringify(opts.json);
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
			headers['Content-Type'] = 'application/json';
	} else if (opts.body !== undefined) {
		body = opts.body;
	}
	const base = opts.base || BASE;
	const res = await fetch(base + urlPath, {
		method,
		headers,
		body,
		redirect: 'manual',
		signal: AbortSignal.timeout(opts.timeout || TIMEOUT_MS),
	});
	const text = await res.text();
	return {
		status: res.status,
		headers: res.headers,
		text,
		json: parseJson(text),
		req: `${method} ${urlPath}`,
	};
}

/* Sends `str` as a body without any Content-Type header. */
export function noTypeBody(str)
{
	return Buffer.from(str, 'utf8');
}

/*
 * A raw HTTP/1.0 request over a socket, for paths that fetch would
 * normalise (literal "..") and for huge bodies where the server may answer
 * before reading everything.  Returns {status, headers, text, json}.
 */
export function rawHttp({ method = 'GET', path: urlPath, headers = {}, body } = {})
{
	const url = new URL(BASE);
	const buf = body === undefined ? null :
	    (Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'));
	let head = `${method} ${urlPath} HTTP/1.0\r\nHost: ${url.host}\r\nConnection: close\r\n`;
	for (const [k, v] of Object.entries(headers))
		head += `${k}: ${v}\r\n`;
	if (buf)
		head += `Content-Length: ${buf.length}\r\n`;
	head += '\r\n';
	return new Promise((resolve, reject) => {
		const chunks = [];
		const sock = net.connect(Number(url.port || 80), url.hostname);
		const timer = setTimeout(() => {
			sock.destroy();
			reject(new Error(`raw request ${method} ${urlPath}: timeout`));
		}, TIMEOUT_MS);
		let done = false;
		const finish = () => {
			if (done)
				return;
			done = true;
			clearTimeout(timer);
			const all = Buffer.concat(chunks);
			const sep = all.indexOf('\r\n\r\n');
			if (sep < 0) {
				reject(new Error(`raw request ${method} ${urlPath}: no HTTP response (${all.length} bytes)`));
				return;
			}
			const lines = all.subarray(0, sep).toString('latin1').split('\r\n');
			const m = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0]);
			const hdrs = {};
			for (const l of lines.slice(1)) {
				const i = l.indexOf(':');
				if (i > 0)
					hdrs[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
			}
			const text = all.subarray(sep + 4).toString('utf8');
			resolve({ status: m ? Number(m[1]) : 0, headers: hdrs, text,
			    json: parseJson(text), req: `${method} ${urlPath} (raw)` });
		};
		sock.on('connect', () => {
			sock.write(head);
			if (buf) {
				// Write in pieces so an early reply and close is tolerated.
				let off = 0;
				const step = () => {
					while (off < buf.length) {
						const piece = buf.subarray(off, off + 65536);
						off += piece.length;
						if (!sock.write(piece)) {
							sock.once('drain', step);
							return;
						}
					}
				};
				step();
			}
		});
		sock.on('data', (d) => chunks.push(d));
		sock.on('end', finish);
		sock.on('close', finish);
		sock.on('error', (e) => {
			if (chunks.length > 0)
				finish();
			else if (!done) {
				done = true;
				clearTimeout(timer);
				reject(e);
			}
		});
	});
}

/* GET over HTTPS accepting the stack's self-signed certificate. */
export function httpsGet(urlPath)
{
	return new Promise((resolve, reject) => {
		const req = https.get(HTTPS_BASE + urlPath, { rejectUnauthorized: false,
		    timeout: TIMEOUT_MS }, (res) => {
			const chunks = [];
			res.on('data', (d) => chunks.push(d));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				resolve({ status: res.statusCode, headers: res.headers, text,
				    json: parseJson(text) });
			});
		});
		req.on('timeout', () => req.destroy(new Error('https timeout')));
		req.on('error', reject);
	});
}

function describeRes(res)
{
	const t = res.text.length > 600 ? res.text.slice(0, 600) + '…' : res.text;
	return `${res.req || ''} -> ${res.status} ${t}`;
}

/* Checks the envelope's four keys and JSON content type. */
export function assertEnvelope(res)
{
	assert.ok(res.json !== undefined && res.json !== null && typeof res.json === 'object' &&
	    !Array.isArray(res.json), `reply is not a JSON object: ${describeRes(res)}`);
	assert.deepEqual(Object.keys(res.json).sort(), ['data', 'error_data', 'message', 'success'],
	    `envelope keys: ${describeRes(res)}`);
	const ct = typeof res.headers.get === 'function' ? res.headers.get('content-type') :
	    res.headers['content-type'];
	assert.match(String(ct), /^application\/json/, `content type of ${describeRes(res)}`);
	assert.equal(typeof res.json.success, 'boolean');
}

/* Asserts a success envelope with the given status and returns data. */
export function ok(res, status = 200)
{
	assert.equal(res.status, status, `expected ${status}: ${describeRes(res)}`);
	assertEnvelope(res);
	assert.equal(res.json.success, true, describeRes(res));
	assert.equal(res.json.error_data, null, describeRes(res));
	assert.equal(res.json.message, null, describeRes(res));
	return res.json.data;
}

/*
 * Asserts an error envelope with the given status; message is a string
 * (exact) or a RegExp.
 */
export function fails(res, status, message)
{
	assert.equal(res.status, status, `expected ${status}: ${describeRes(res)}`);
	assertEnvelope(res);
	assert.equal(res.json.success, false, describeRes(res));
	assert.equal(res.json.data, null, describeRes(res));
	assert.equal(typeof res.json.message, 'string', describeRes(res));
	if (message instanceof RegExp)
		assert.match(res.json.message, message, describeRes(res));
	else if (message !== undefined)
		assert.equal(res.json.message, message, describeRes(res));
}

/* ---------------------------------------------------------------- MariaDB */

/* Runs SQL, returns rows as arrays of strings ("NULL" for NULL). */
export function sql(query)
{
	assert.ok(DB_DEFAULTS, 'SWARM_VAR (or SWARM_DB_DEFAULTS) must be set to inspect MariaDB');
	const r = spawnSync('mariadb', [`--defaults-file=${DB_DEFAULTS}`, DB_NAME, '-N', '-B',
	    '-e', query], { encoding: 'utf8', timeout: TIMEOUT_MS });
	if (r.error)
		throw r.error;
	if (r.status !== 0)
		throw new Error(`mariadb failed (${r.status}): ${r.stderr}\nquery: ${query}`);
	return r.stdout.split('\n').filter((l) => l.length > 0).map((l) => l.split('\t'));
}

export function sqlValue(query)
{
	const rows = sql(query);
	return rows.length ? rows[0][0] : undefined;
}

export function sqlCount(query)
{
	return Number(sqlValue(query));
}

/* Escapes a string for a single-quoted SQL literal (test-side only). */
export function q(s)
{
	return "'" + String(s).replace(/\\/g, '\\\\').replace(/'/g, "''") + "'";
}

/* Decodes a HEX() column: "NULL" -> null, else the UTF-8 string. */
export function unhex(v)
{
	if (v === 'NULL' || v === undefined)
		return null;
	return Buffer.from(v, 'hex').toString('utf8');
}

const TS_SQL = (col) => `DATE_FORMAT(${col}, '%Y-%m-%dT%H:%i:%s.%fZ')`;

/* The projects row with text columns decoded, or null. */
export function dbProject(id)
{
	const cols = ['name', 'git_repo_path', 'setup_script', 'dev_script', 'cleanup_script',
	    'copy_files'];
	const rows = sql(`SELECT ${cols.map((c) => `HEX(${c})`).join(', ')}, ` +
	    `${TS_SQL('created_at')}, ${TS_SQL('updated_at')}, is_remote ` +
	    `FROM projects WHERE id = ${q(id)}`);
	if (rows.length === 0)
		return null;
	const r = rows[0];
	const out = {};
	cols.forEach((c, i) => { out[c] = unhex(r[i]); });
	out.created_at = r[cols.length];
	out.updated_at = r[cols.length + 1];
	out.is_remote = r[cols.length + 2] === '1';
	return out;
}

/* The tasks row with text columns decoded, or null. */
export function dbTask(id)
{
	const rows = sql(`SELECT CAST(project_id AS CHAR), HEX(title), HEX(description), status, ` +
	    `IFNULL(CAST(parent_task_id AS CHAR), 'NULL'), IFNULL(CAST(shared_task_id AS CHAR), 'NULL'), ` +
	    `HEX(validation_steps), ${TS_SQL('created_at')}, ${TS_SQL('updated_at')} ` +
	    `FROM tasks WHERE id = ${q(id)}`);
	if (rows.length === 0)
		return null;
	const r = rows[0];
	const nul = (v) => (v === 'NULL' ? null : v);
	return {
		project_id: r[0],
		title: unhex(r[1]),
		description: unhex(r[2]),
		status: r[3],
		parent_task_id: nul(r[4]),
		shared_task_id: nul(r[5]),
		validation_steps: unhex(r[6]),
		created_at: r[7],
		updated_at: r[8],
	};
}

/*
 * A fingerprint of the projects and tasks tables: row counts plus
 * CHECKSUM TABLE (covers every column of every row).
 */
export function dbSnapshot()
{
	// One client run: the counts row, then one row per checksummed table.
	const rows = sql('SELECT (SELECT COUNT(*) FROM projects), (SELECT COUNT(*) FROM tasks); ' +
	    'CHECKSUM TABLE projects, tasks EXTENDED');
	return { projects: Number(rows[0][0]), tasks: Number(rows[0][1]),
	    checksums: rows.slice(1).map((r) => r.join(':')) };
}

export function assertDbUnchanged(before, what = '')
{
	const now = dbSnapshot();
	assert.deepEqual(now, before, `database changed after rejected request ${what}`);
}

/*
 * Sends a request that must be rejected, checks status/message, and that
 * projects and tasks did not change.
 */
export async function rejects(method, urlPath, opts, status, message)
{
	const before = dbSnapshot();
	const res = await api(method, urlPath, opts);
	fails(res, status, message);
	assertDbUnchanged(before, res.req);
	return res;
}

/* ------------------------------------------------------------------ git */

export function sh(cmd, args, opts = {})
{
	const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: TIMEOUT_MS, ...opts });
	if (r.error)
		throw r.error;
	if (r.status !== 0)
		throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
	return r.stdout;
}

export function git(dir, ...args)
{
	return sh('git', ['-C', dir, '-c', 'user.email=t@t', '-c', 'user.name=t',
	    '-c', 'init.defaultBranch=main', ...args]);
}

/*
 * A per-file scratch directory (canonical path, so paths round-trip
 * exactly).  Kept under $SWARM_VAR when set so run.sh removes it anyway.
 */
export function makeScratch(tag)
{
	let parent = os.tmpdir();
	if (SWARM_VAR && fs.existsSync(SWARM_VAR)) {
		parent = path.join(SWARM_VAR, 'e2e');
		fs.mkdirSync(parent, { recursive: true });
	}
	return fs.realpathSync(fs.mkdtempSync(path.join(parent, `${tag}-`)));
}

export function removeScratch(dir)
{
	if (dir)
		fs.rmSync(dir, { recursive: true, force: true });
}

/* git init -b main + one empty commit at dir (created if needed). */
export function makeRepo(dir, { commit = true } = {})
{
	fs.mkdirSync(dir, { recursive: true });
	git(dir, 'init', '-q', '-b', 'main');
	if (commit)
		git(dir, 'commit', '-q', '--allow-empty', '-m', 'init');
	return dir;
}

/* ----------------------------------------------------------- API helpers */

let seq = 0;

export async function createProject(repoPath, extra = {})
{
	const body = { name: `proj ${++seq} ${path.basename(repoPath)}`, git_repo_path: repoPath,
	    use_existing_repo: true, ...extra };
	const res = await api('POST', '/api/projects', { json: body });
	return ok(res);
}

export async function createTask(projectId, extra = {})
{
	const body = { project_id: projectId, title: `task ${++seq}`, ...extra };
	return ok(await api('POST', '/api/tasks', { json: body }));
}

export async function deleteProjectQuietly(id)
{
	try {
		await api('DELETE', `/api/projects/${id}`);
	} catch {
		/* best effort */
	}
}

/* ---------------------------------------------------------- shape checks */

export function assertTimestamp(v, field, { nullable = false } = {})
{
	if (nullable && v === null)
		return;
	assert.equal(typeof v, 'string', `${field} must be a string, got ${JSON.stringify(v)}`);
	assert.match(v, TS_RE, `${field} must be RFC 3339 UTC with microseconds: ${v}`);
	const t = Date.parse(v);
	assert.ok(Number.isFinite(t), `${field} parses as a date: ${v}`);
}

/* A timestamp created during this test run: within 15 minutes of now. */
export function assertRecent(v, field)
{
	assertTimestamp(v, field);
	const skew = Math.abs(Date.now() - Date.parse(v));
	assert.ok(skew < 15 * 60 * 1000, `${field} ${v} is not close to now (${new Date().toISOString()})`);
}

function assertUuidOrNull(v, field)
{
	if (v === null)
		return;
	assert.equal(typeof v, 'string', `${field} must be a UUID string or null`);
	assert.match(v, UUID_RE, `${field} must be a lowercase hyphenated UUID: ${v}`);
}

function assertStringOrNull(v, field)
{
	assert.ok(v === null || typeof v === 'string', `${field} must be a string or null, got ${JSON.stringify(v)}`);
}

export const PROJECT_KEYS = ['id', 'name', 'git_repo_path', 'setup_script', 'dev_script',
	'cleanup_script', 'copy_files', 'remote_project_id', 'created_at', 'updated_at',
	'is_remote', 'source_node_id', 'source_node_name', 'source_node_public_url',
	'source_node_status', 'remote_last_synced_at', 'default_validation_steps'];

export const TASK_KEYS = ['id', 'project_id', 'title', 'description', 'status',
	'parent_task_id', 'shared_task_id', 'created_at', 'updated_at', 'is_remote',
	'remote_assignee_user_id', 'remote_assignee_name', 'remote_assignee_username',
	'remote_version', 'remote_last_synced_at', 'remote_stream_node_id', 'remote_stream_url',
	'validation_steps'];

export const TASK_STATUS_KEYS = [...TASK_KEYS, 'has_in_progress_attempt',
	'has_merged_attempt', 'last_attempt_failed', 'executor'];

export function assertKeys(obj, keys, what)
{
	assert.ok(obj && typeof obj === 'object' && !Array.isArray(obj), `${what} must be an object`);
	assert.deepEqual(Object.keys(obj).sort(), [...keys].sort(), `${what} field names`);
}

export function assertProjectShape(p)
{
	assertKeys(p, PROJECT_KEYS, 'Project');
	assert.match(p.id, UUID_RE);
	assert.equal(typeof p.name, 'string');
	assert.equal(typeof p.git_repo_path, 'string');
	for (const f of ['setup_script', 'dev_script', 'cleanup_script', 'copy_files',
	    'source_node_name', 'source_node_public_url', 'source_node_status',
	    'default_validation_steps'])
		assertStringOrNull(p[f], f);
	assertUuidOrNull(p.remote_project_id, 'remote_project_id');
	assertUuidOrNull(p.source_node_id, 'source_node_id');
	assertTimestamp(p.created_at, 'created_at');
	assertTimestamp(p.updated_at, 'updated_at');
	assertTimestamp(p.remote_last_synced_at, 'remote_last_synced_at', { nullable: true });
	assert.equal(typeof p.is_remote, 'boolean');
	assert.ok(p.updated_at >= p.created_at, 'updated_at >= created_at');
}

/* A locally created project: no remote fields. */
export function assertLocalProject(p)
{
	assertProjectShape(p);
	assert.equal(p.is_remote, false);
	assert.equal(p.remote_project_id, null);
	assert.equal(p.source_node_id, null);
	assert.equal(p.source_node_name, null);
	assert.equal(p.source_node_public_url, null);
	assert.equal(p.remote_last_synced_at, null);
}

export function assertTaskShape(t, keys = TASK_KEYS)
{
	assertKeys(t, keys, 'Task');
	assert.match(t.id, UUID_RE);
	assert.match(t.project_id, UUID_RE);
	assert.equal(typeof t.title, 'string');
	assertStringOrNull(t.description, 'description');
	assert.ok(STATUSES.includes(t.status), `status ${t.status}`);
	assertUuidOrNull(t.parent_task_id, 'parent_task_id');
	assertUuidOrNull(t.shared_task_id, 'shared_task_id');
	assertTimestamp(t.created_at, 'created_at');
	assertTimestamp(t.updated_at, 'updated_at');
	assert.equal(typeof t.is_remote, 'boolean');
	assertUuidOrNull(t.remote_assignee_user_id, 'remote_assignee_user_id');
	assertStringOrNull(t.remote_assignee_name, 'remote_assignee_name');
	assertStringOrNull(t.remote_assignee_username, 'remote_assignee_username');
	assert.ok(Number.isInteger(t.remote_version), `remote_version must be an integer: ${t.remote_version}`);
	assertTimestamp(t.remote_last_synced_at, 'remote_last_synced_at', { nullable: true });
	assertUuidOrNull(t.remote_stream_node_id, 'remote_stream_node_id');
	assertStringOrNull(t.remote_stream_url, 'remote_stream_url');
	assertStringOrNull(t.validation_steps, 'validation_steps');
	assert.ok(t.updated_at >= t.created_at, 'updated_at >= created_at');
}

/* A locally created task: no remote fields. */
export function assertLocalTask(t, keys = TASK_KEYS)
{
	assertTaskShape(t, keys);
	assert.equal(t.is_remote, false);
	assert.equal(t.remote_assignee_user_id, null);
	assert.equal(t.remote_assignee_name, null);
	assert.equal(t.remote_assignee_username, null);
	assert.equal(t.remote_version, 0);
	assert.equal(t.remote_last_synced_at, null);
	assert.equal(t.remote_stream_node_id, null);
	assert.equal(t.remote_stream_url, null);
}

export function assertTaskWithStatusShape(t)
{
	assertTaskShape(t, TASK_STATUS_KEYS);
	assert.equal(typeof t.has_in_progress_attempt, 'boolean');
	assert.equal(typeof t.has_merged_attempt, 'boolean');
	assert.equal(typeof t.last_attempt_failed, 'boolean');
	assert.equal(typeof t.executor, 'string');
}

/* Task fields of a TaskWithAttemptStatus. */
export function taskPart(t)
{
	const out = {};
	for (const k of TASK_KEYS)
		out[k] = t[k];
	return out;
}

/* Asserts a list is ordered newest first by created_at. */
export function assertNewestFirst(list, what)
{
	for (let i = 1; i < list.length; i++)
		assert.ok(list[i - 1].created_at >= list[i].created_at,
		    `${what} not newest first at ${i}: ${list[i - 1].created_at} < ${list[i].created_at}`);
}

/* Sleeps so two rows get distinct created_at values. */
export function pause(ms = 5)
{
	return new Promise((r) => setTimeout(r, ms));
}
