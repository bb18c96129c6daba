// tests/e2e/lib/procs.mjs: the stack's processes, for the tests that signal
// them (robustness.test.mjs, zz-shutdown.test.mjs).
//
// Pid files live in the stack's run dir: $SWARM_RUN when tests/run.sh passes
// it, else what `contrib/swarm-stack config` reports for this SWARM_VAR (the
// same rule swarm-stack itself uses).
//   $SWARM_RUN/swarm-node.pid   prefork parent of the FastCGI workers
//   $SWARM_RUN/node.sock        its FastCGI socket
//   $SWARM_RUN/mysqld.pid       mariadbd

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DB_DEFAULTS, SWARM_VAR, pause } from './stack.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

function runDirFromConfig()
{
	if (!SWARM_VAR)
		return '';
	const r = spawnSync(path.join(REPO, 'contrib/swarm-stack'), ['config'], {
		encoding: 'utf8', timeout: 20000,
		env: { ...process.env, SWARM_CONF: process.env.SWARM_CONF || '/dev/null', SWARM_VAR },
	});
	const m = /^SWARM_RUN=(.*)$/m.exec(r.stdout || '');
	return m ? m[1] : '';
}

export const SWARM_RUN = process.env.SWARM_RUN || runDirFromConfig();

export const NODE_PID_FILE = SWARM_RUN && path.join(SWARM_RUN, 'swarm-node.pid');
export const NODE_SOCK = SWARM_RUN && path.join(SWARM_RUN, 'node.sock');
export const DB_PID_FILE = SWARM_RUN && path.join(SWARM_RUN, 'mysqld.pid');

/* Why the process tests cannot run here, or false. */
export const CANNOT_SIGNAL = process.platform !== 'linux' ? 'needs /proc (Linux)' :
    !SWARM_VAR ? 'SWARM_VAR is not set' :
    !SWARM_RUN ? 'the stack run dir (SWARM_RUN) is unknown' : false;

/* The pid in a pid file, or null. */
export function readPid(file)
{
	let s;
	try {
		s = fs.readFileSync(file, 'utf8').trim();
	} catch {
		return null;
	}
	return /^[0-9]+$/.test(s) ? Number(s) : null;
}

/* "STATE PPID" of a pid from /proc, or null when there is no such process. */
function procStat(pid)
{
	let s;
	try {
		s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
	} catch {
		return null;
	}
	const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
	return { state: f[0], ppid: Number(f[1]) };
}

/* A live process, not a zombie waiting for its reaper. */
export function isAlive(pid)
{
	const st = procStat(pid);
	return st !== null && st.state !== 'Z' && st.state !== 'X';
}

export function cmdline(pid)
{
	try {
		return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
	} catch {
		return [];
	}
}

/* Live (non-zombie) children of pid, sorted. */
export function childrenOf(pid)
{
	const out = [];
	for (const name of fs.readdirSync('/proc')) {
		if (!/^[0-9]+$/.test(name))
			continue;
		const st = procStat(name);
		if (st && st.ppid === pid && st.state !== 'Z' && st.state !== 'X')
			out.push(Number(name));
	}
	return out.sort((a, b) => a - b);
}

/* Polls cond() every 50 ms until it is truthy or ms have passed; returns its last value. */
export async function waitFor(cond, ms)
{
	const end = Date.now() + ms;
	for (;;) {
		const v = cond();
		if (v || Date.now() >= end)
			return v;
		await pause(50);
	}
}

/* The swarm-node parent: {pid, workers} (workers from its --workers flag). */
export function nodeParent()
{
	const pid = readPid(NODE_PID_FILE);
	assert.ok(pid, `no pid in ${NODE_PID_FILE}`);
	assert.ok(isAlive(pid), `swarm-node parent ${pid} (${NODE_PID_FILE}) is not running`);
	const argv = cmdline(pid);
	assert.ok(argv.includes(NODE_SOCK), `pid ${pid} is not swarm-node on ${NODE_SOCK}: ${argv.join(' ')}`);
	const i = argv.indexOf('--workers');
	const workers = i >= 0 ? Number(argv[i + 1]) : 4;	/* swarm-node's default */
	assert.ok(Number.isInteger(workers) && workers > 0, `--workers of ${argv.join(' ')}`);
	return { pid, workers };
}

/* ---------------------------------------------------------------- MariaDB */

export function dbPing()
{
	const r = spawnSync('mariadb-admin', [`--defaults-file=${DB_DEFAULTS}`, 'ping'],
	    { encoding: 'utf8', timeout: 10000 });
	return r.status === 0;
}

/* mariadbd of this stack: its pid, checked against its command line. */
export function dbPid()
{
	const pid = readPid(DB_PID_FILE);
	if (!pid || !isAlive(pid))
		return null;
	return cmdline(pid).some((a) => a.startsWith('--defaults-file=') &&
	    sameFile(a.slice('--defaults-file='.length), DB_DEFAULTS)) ? pid : null;
}

function sameFile(a, b)
{
	try {
		return fs.realpathSync(a) === fs.realpathSync(b);
	} catch {
		return a === b;
	}
}

function mariadbdPath()
{
	const dirs = (process.env.PATH || '').split(':').concat(['/usr/sbin', '/sbin', '/usr/local/sbin']);
	for (const d of dirs) {
		const p = path.join(d || '.', 'mariadbd');
		try {
			fs.accessSync(p, fs.constants.X_OK);
			return p;
		} catch {
			/* next */
		}
	}
	return 'mariadbd';
}

/*
 * Starts mariadbd exactly as `contrib/swarm-stack start` does: in its own
 * session, `mariadbd --defaults-file=$SWARM_VAR/mariadb.cnf`, output appended
 * to $SWARM_VAR/log/mariadb.err, its pid written to the pid file at once (the
 * server rewrites it when up), then waits for `mariadb-admin ping`.  The
 * server outlives this process, so `swarm-stack stop` finds and stops it as
 * usual.
 */
export async function startDb(timeoutMs = 30000)
{
	const log = path.join(SWARM_VAR, 'log', 'mariadb.err');
	const fd = fs.openSync(log, 'a');
	let child;
	try {
		child = spawn(mariadbdPath(), [`--defaults-file=${DB_DEFAULTS}`],
		    { detached: true, stdio: ['ignore', fd, fd] });
	} finally {
		fs.closeSync(fd);
	}
	let exited = null;
	child.on('exit', (code, sig) => { exited = sig || code; });
	child.on('error', (e) => { exited = e.message; });
	child.unref();
	fs.writeFileSync(DB_PID_FILE, `${child.pid}\n`);
	const up = await waitFor(() => exited !== null || dbPing(), timeoutMs);
	if (exited !== null || !up) {
		let tail = '';
		try {
			tail = fs.readFileSync(log, 'utf8').split('\n').slice(-25).join('\n');
		} catch {
			/* no log */
		}
		assert.fail(`mariadbd ${exited !== null ? `exited (${exited})` : `not ready after ${timeoutMs} ms`}` +
		    `:\n${tail}`);
	}
	return child.pid;
}

/* SIGTERM to mariadbd, then waits until it is gone. */
export async function stopDb(timeoutMs = 30000)
{
	const pid = dbPid();
	assert.ok(pid, `mariadbd of this stack is not running (${DB_PID_FILE})`);
	process.kill(pid, 'SIGTERM');
	const gone = await waitFor(() => !isAlive(pid), timeoutMs);
	assert.ok(gone, `mariadbd ${pid} still running ${timeoutMs} ms after SIGTERM`);
	return pid;
}
