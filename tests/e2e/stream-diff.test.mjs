// stream-diff.test.mjs: /api/task-attempts/{id}/diff/ws through nginx to
// swarm-stream: the snapshot of the worktree against its base, then live
// patches as files are edited, added, deleted, renamed, reverted or
// chmodded; stats_only; a merged attempt's merge diff and finished; 200
// clients on one stream; a client that stops reading; swarm-stream killed
// and restarted under its clients.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';

import {
	api, createProject, createTask, deleteProjectQuietly, git, makeRepo, makeScratch, ok,
	removeScratch,
} from './lib/stack.mjs';
import { startAttempt, waitChainDone } from './lib/attempt-helpers.mjs';
import { isAlive, readPid } from './lib/procs.mjs';
import { openStream, rawUpgrade } from './lib/ws.mjs';

const RUN = process.env.SWARM_RUN || '';
const INITIAL = { entries: {} };

let scratch;
let seq = 0;
const projects = [];
const streams = [];

before(() => {
	scratch = makeScratch('stream-diff');
});

after(async () => {
	for (const s of streams)
		await s.close();
	for (const id of projects)
		await deleteProjectQuietly(id);
	removeScratch(scratch);
});

/*
 * A repository with a few files on main, a project, and a finished
 * attempt whose agent wrote agent.txt (committed on the attempt branch).
 */
async function attemptWithWorktree()
{
	const repo = makeRepo(path.join(scratch, `r${++seq}`));
	fs.writeFileSync(path.join(repo, 'README.md'), '# readme\n');
	fs.writeFileSync(path.join(repo, 'keep.txt'), 'keep me\n');
	fs.writeFileSync(path.join(repo, 'old.txt'), 'a file that moves\nwith two lines\n');
	fs.writeFileSync(path.join(repo, 'run.sh'), 'echo hi\n');
	git(repo, 'add', '.');
	git(repo, 'commit', '-q', '-m', 'base');
	const project = await createProject(repo);
	projects.push(project.id);
	const task = await createTask(project.id, { title: 'diff', description: 'WRITE agent.txt from the agent' });
	const attempt = await startAttempt(task.id);
	await waitChainDone(attempt);
	const a = ok(await api('GET', `/api/task-attempts/${attempt.id}`));
	assert.ok(fs.existsSync(a.container_ref), `worktree ${a.container_ref}`);
	return { repo, project, attempt: a, wt: a.container_ref };
}

function diffStream(attemptId, query = '')
{
	const s = openStream(`/api/task-attempts/${attemptId}/diff/ws${query}`, INITIAL);
	streams.push(s);
	return s;
}

const content = (d, key) => d.entries[key]?.content;

test('snapshot, then edit, add, delete, rename, chmod, binary and revert', async () => {
	const { attempt, wt } = await attemptWithWorktree();
	const s = diffStream(attempt.id);
	await s.until((d) => content(d, 'agent.txt'), undefined, 'agent.txt in the snapshot');
	assert.deepEqual(Object.keys(s.doc.entries), ['agent.txt']);
	assert.deepEqual(s.doc.entries['agent.txt'], { type: 'DIFF', content: {
		change: 'added', oldPath: null, newPath: 'agent.txt', oldContent: null,
		newContent: 'from the agent\n', contentOmitted: false, additions: null, deletions: null,
	} });
	// The snapshot equals the REST diff.
	const rest = ok(await api('GET', `/api/task-attempts/${attempt.id}/diff`));
	assert.deepEqual(Object.fromEntries(Object.entries(s.doc.entries).map(([k, e]) =>
	    [k, e.content])), rest.entries);

	// Edit a tracked file.
	fs.writeFileSync(path.join(wt, 'README.md'), '# readme\nmore\n');
	await s.until((d) => content(d, 'README.md')?.newContent === '# readme\nmore\n', undefined,
	    'README.md edited');
	assert.equal(content(s.doc, 'README.md').change, 'modified');
	assert.equal(content(s.doc, 'README.md').oldContent, '# readme\n');

	// A new file in new directories (keys are escaped paths).
	fs.mkdirSync(path.join(wt, 'src/deep'), { recursive: true });
	fs.writeFileSync(path.join(wt, 'src/deep/x.js'), 'export const x = 1;\n');
	await s.until((d) => content(d, 'src/deep/x.js'), undefined, 'src/deep/x.js added');
	assert.equal(content(s.doc, 'src/deep/x.js').change, 'added');
	assert.ok(s.msgs.some((m) => m.JsonPatch?.[0].path === '/entries/src~1deep~1x.js'),
	    'the path is escaped as a JSON pointer');
	// ... and a later file in the new directory is seen too (it is watched).
	fs.writeFileSync(path.join(wt, 'src/deep/y.js'), 'export const y = 2;\n');
	await s.until((d) => content(d, 'src/deep/y.js'), undefined, 'src/deep/y.js added');

	// Delete a tracked file.
	fs.rmSync(path.join(wt, 'keep.txt'));
	await s.until((d) => content(d, 'keep.txt')?.change === 'deleted', undefined, 'keep.txt deleted');
	assert.equal(content(s.doc, 'keep.txt').newPath, null);
	assert.equal(content(s.doc, 'keep.txt').oldContent, 'keep me\n');

	// Rename: one renamed entry under the new path, none under the old.
	fs.renameSync(path.join(wt, 'old.txt'), path.join(wt, 'new.txt'));
	await s.until((d) => content(d, 'new.txt')?.change === 'renamed', undefined, 'the rename');
	assert.equal(content(s.doc, 'new.txt').oldPath, 'old.txt');
	assert.ok(!('old.txt' in s.doc.entries));

	// A mode change alone.
	fs.chmodSync(path.join(wt, 'run.sh'), 0o755);
	await s.until((d) => content(d, 'run.sh')?.change === 'permissionChange', undefined,
	    'the chmod');

	// Binary content is not sent.
	fs.writeFileSync(path.join(wt, 'blob.bin'), Buffer.from([0, 1, 2, 3, 0, 255]));
	await s.until((d) => content(d, 'blob.bin'), undefined, 'blob.bin');
	assert.equal(content(s.doc, 'blob.bin').newContent, null);

	// Back to base: the entry goes.
	fs.writeFileSync(path.join(wt, 'README.md'), '# readme\n');
	await s.until((d) => !('README.md' in d.entries), undefined, 'README.md removed');
	const rm = s.msgs.find((m) => m.JsonPatch?.[0].op === 'remove' &&
	    m.JsonPatch[0].path === '/entries/README.md');
	assert.ok(rm, 'a remove op for README.md');

	// A whole directory removed: its files go.
	fs.rmSync(path.join(wt, 'src'), { recursive: true });
	await s.until((d) => !('src/deep/x.js' in d.entries) && !('src/deep/y.js' in d.entries),
	    undefined, 'src/ removed');

	// .git is not watched: a commit changes nothing in the diff.
	const before = s.msgs.length;
	git(wt, 'add', '-A');
	git(wt, 'commit', '-q', '-m', 'wip');
	fs.writeFileSync(path.join(wt, 'marker.txt'), 'm\n');
	await s.until((d) => content(d, 'marker.txt'), undefined, 'marker.txt');
	const between = s.msgs.slice(before).filter((m) => m.JsonPatch &&
	    m.JsonPatch[0].path !== '/entries/marker.txt');
	assert.deepEqual(between, [], 'no patches from the commit itself');

	// A new client gets the same document as a snapshot.
	const late = diffStream(attempt.id);
	await late.until((d) => Object.keys(d.entries).length === Object.keys(s.doc.entries).length,
	    undefined, 'the late snapshot');
	assert.deepEqual(late.doc, s.doc);
	const rest2 = ok(await api('GET', `/api/task-attempts/${attempt.id}/diff`));
	assert.deepEqual(Object.fromEntries(Object.entries(s.doc.entries).map(([k, e]) =>
	    [k, e.content])), rest2.entries);
});

test('stats_only: contents omitted, line counts filled', async () => {
	const { attempt, wt } = await attemptWithWorktree();
	const s = diffStream(attempt.id, '?stats_only=true');
	await s.until((d) => content(d, 'agent.txt'), undefined, 'the snapshot');
	assert.deepEqual(content(s.doc, 'agent.txt'), {
		change: 'added', oldPath: null, newPath: 'agent.txt', oldContent: null,
		newContent: null, contentOmitted: true, additions: 1, deletions: 0,
	});
	fs.writeFileSync(path.join(wt, 'README.md'), 'one\ntwo\nthree\n');
	await s.until((d) => content(d, 'README.md'), undefined, 'README.md');
	assert.equal(content(s.doc, 'README.md').additions, 3);
	assert.equal(content(s.doc, 'README.md').deletions, 1);
	assert.equal(content(s.doc, 'README.md').newContent, null);
});

test('a merged attempt streams its merge commit, then finished', async () => {
	const { attempt, repo } = await attemptWithWorktree();
	ok(await api('POST', `/api/task-attempts/${attempt.id}/merge`, { json: {} }));
	const mergeSha = git(repo, 'rev-parse', 'main').trim();
	const s = diffStream(attempt.id);
	await s.until((d, st) => st.finished, undefined, 'finished');
	assert.deepEqual(Object.keys(s.doc.entries), ['agent.txt']);
	assert.equal(content(s.doc, 'agent.txt').newContent, 'from the agent\n');
	assert.equal(content(s.doc, 'agent.txt').change, 'added');
	assert.deepEqual(s.msgs[s.msgs.length - 1], { finished: true });
	assert.equal((await s.closed).code, 1000);
	assert.match(mergeSha, /^[0-9a-f]{40}$/);
});

test('200 clients on one diff stream all get an update; a client that stops reading delays none', async () => {
	const { attempt, wt } = await attemptWithWorktree();
	// A client that upgrades and then never reads a byte.
	const stalled = await rawUpgrade(`/api/task-attempts/${attempt.id}/diff/ws`, { keep: true });
	assert.equal(stalled.status, 101);
	const clients = [];
	for (let i = 0; i < 200; i++)
		clients.push(diffStream(attempt.id));
	await Promise.all(clients.map((c) => c.until((d) => content(d, 'agent.txt'), 30000,
	    'the snapshot')));
	// Big updates, several times: the stalled client's buffers fill up.
	const big = 'x'.repeat(200 * 1024) + '\n';
	for (let i = 0; i < 5; i++) {
		fs.writeFileSync(path.join(wt, 'big.txt'), `${i}\n${big}`);
		await Promise.all(clients.map((c) => c.until((d) =>
		    content(d, 'big.txt')?.newContent?.startsWith(`${i}\n`), 30000, `update ${i}`)));
	}
	stalled.socket.destroy();
	for (const c of clients)
		await c.close();
});

/*
 * Server-to-client WebSocket frames (never masked) in buf from off: each
 * {opcode, payload}; stops at an incomplete frame. Returns [frames, used].
 */
function parseFrames(buf)
{
	const frames = [];
	let off = 0;
	for (;;) {
		if (buf.length - off < 2)
			break;
		const opcode = buf[off] & 0x0f;
		let len = buf[off + 1] & 0x7f, hdr = 2;
		if (len === 126) {
			if (buf.length - off < 4)
				break;
			len = buf.readUInt16BE(off + 2);
			hdr = 4;
		} else if (len === 127) {
			if (buf.length - off < 10)
				break;
			len = Number(buf.readBigUInt64BE(off + 2));
			hdr = 10;
		}
		if (buf.length - off < hdr + len)
			break;
		frames.push({ opcode, payload: buf.subarray(off + hdr, off + hdr + len) });
		off += hdr + len;
	}
	return [frames, off];
}

test('a client that stops reading past its queue bound gets refresh_required, then is closed', { timeout: 120000 }, async () => {
	const { attempt, wt } = await attemptWithWorktree();
	const stalled = await rawUpgrade(`/api/task-attempts/${attempt.id}/diff/ws`, { keep: true });
	assert.equal(stalled.status, 101);
	const reader = diffStream(attempt.id);
	await reader.until((d) => content(d, 'agent.txt'), 30000, 'the snapshot');
	// Updates of ~1.9 MB each (under the 2 MiB inline limit): past the
	// kernel's and nginx's buffers, then past the queue's 64 MiB.
	const big = 'y'.repeat(1900 * 1024) + '\n';
	for (let i = 0; i < 48; i++) {
		fs.writeFileSync(path.join(wt, 'huge.txt'), `${i}\n${big}`);
		await reader.until((d) => content(d, 'huge.txt')?.newContent?.startsWith(`${i}\n`), 30000,
		    `update ${i} to the reading client`);
	}
	// Now read what the stalled client was sent: the old updates, then
	// refresh_required, then the end of the connection.
	const sock = stalled.socket;
	let buf = Buffer.alloc(0), refresh = false, closeFrame = false;
	const ended = new Promise((resolve) => {
		sock.on('data', (d) => {
			buf = Buffer.concat([buf, d]);
			const [frames, used] = parseFrames(buf);
			buf = buf.subarray(used);
			for (const f of frames) {
				if (f.opcode === 1 && f.payload.length < 4096 &&
				    /"refresh_required"\s*:\s*true/.test(f.payload.toString('utf8')))
					refresh = true;
				if (f.opcode === 8)
					closeFrame = true;
			}
		});
		sock.on('end', resolve);
		sock.on('close', resolve);
		sock.on('error', resolve);
	});
	sock.resume();
	const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 30000));
	assert.notEqual(await Promise.race([ended, timeout]), 'timeout', 'the stalled client is disconnected');
	assert.ok(refresh, 'the stalled client got refresh_required');
	assert.ok(closeFrame || sock.destroyed || sock.readableEnded, 'and the connection ended');
	sock.destroy();
	await reader.close();
});

/* The env and arguments of the running swarm-stream, to start it again. */
function streamProcess()
{
	const pidFile = path.join(RUN, 'swarm-stream.pid');
	const pid = readPid(pidFile);
	const env = {};
	for (const kv of fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
		const i = kv.indexOf('=');
		if (i > 0)
			env[kv.slice(0, i)] = kv.slice(i + 1);
	}
	const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
	return { pid, pidFile, env, argv };
}

test('swarm-stream killed mid-stream: a reconnecting client gets a correct snapshot', async () => {
	assert.ok(RUN, 'SWARM_RUN must be set (tests/run.sh does)');
	const { attempt, wt } = await attemptWithWorktree();
	const s = diffStream(attempt.id);
	await s.until((d) => content(d, 'agent.txt'), undefined, 'the snapshot');
	fs.writeFileSync(path.join(wt, 'before.txt'), 'before\n');
	await s.until((d) => content(d, 'before.txt'), undefined, 'before.txt');

	const proc = streamProcess();
	process.kill(proc.pid, 'SIGKILL');
	const closed = await s.closed;
	assert.notEqual(closed.code, 1000, 'an unclean close: the client reconnects');
	for (let i = 0; i < 100 && isAlive(proc.pid); i++)
		await new Promise((r) => setTimeout(r, 50));

	// Changes while it is down.
	fs.writeFileSync(path.join(wt, 'during.txt'), 'during\n');
	fs.rmSync(path.join(wt, 'before.txt'));

	// Start it again as swarm-stack did (same environment and arguments).
	const logFd = fs.openSync(path.join(process.env.SWARM_VAR, 'log', 'swarm-stream.log'), 'a');
	const child = spawn(proc.argv[0], proc.argv.slice(1), { env: proc.env, detached: true,
	    stdio: ['ignore', logFd, logFd] });
	child.unref();
	fs.closeSync(logFd);
	fs.writeFileSync(proc.pidFile, `${child.pid}\n`);

	// The client's reconnect (fresh document, as after any reconnect).
	let again;
	for (let i = 0; i < 100; i++) {
		again = diffStream(attempt.id);
		try {
			await again.opened;
			break;
		} catch {
			again = null;
			await new Promise((r) => setTimeout(r, 100));
		}
	}
	assert.ok(again, 'reconnected');
	await again.until((d) => content(d, 'during.txt'), undefined, 'the fresh snapshot');
	assert.deepEqual(Object.keys(again.doc.entries).sort(), ['agent.txt', 'during.txt']);
	fs.writeFileSync(path.join(wt, 'after.txt'), 'after\n');
	await again.until((d) => content(d, 'after.txt'), undefined, 'a live update after the restart');
});
