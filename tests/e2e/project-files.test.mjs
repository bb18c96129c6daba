// project-files.test.mjs: /api/projects/{id}/branches, /files, /files/{path}
// and /search against a fixture repository, including traversal attempts.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
	MSG, RFC3339_RE, api, createProject, deleteProjectQuietly, fails, git, makeRepo,
	makeScratch, ok, randomUuid, rawHttp, rejects, removeScratch,
} from './lib/stack.mjs';

const MiB = 1024 * 1024;
let scratch;
let repo;
let proj;
let emptyProj;
let emptyRepo;

function write(rel, data)
{
	const f = path.join(repo, rel);
	fs.mkdirSync(path.dirname(f), { recursive: true });
	fs.writeFileSync(f, data);
}

before(async () => {
	scratch = makeScratch('files');
	repo = makeRepo(path.join(scratch, 'fixture'));
	// Tracked files.
	write('README.md', '# hello\n');
	write('Apple.txt', 'apple\n');
	write('b.txt', 'bee\n');
	write('src/main.c', 'int main(void) { return 0; }\n');
	write('src/util/helpers.h', '#pragma once\n');
	write('src/unicode.txt', 'héllo wörld ✓ 🐝\n');
	write('Docs/guide.md', 'guide\n');
	write('odd/sp ace & ü #%+?.txt', 'odd name\n');
	write('src/latin1.txt', Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0x0a]));
	for (let i = 1; i <= 15; i++)
		write(`many/needle-${String(i).padStart(2, '0')}.txt`, `${i}\n`);
	git(repo, 'add', '-A');
	git(repo, 'commit', '-q', '-m', 'fixture files');
	// Untracked: hidden entries, binary, large files, nested repo, symlinks.
	write('.hidden-file', 'secret\n');
	write('.hidden-dir/inside.txt', 'secret\n');
	const bin = Buffer.alloc(64, 0x41);
	bin[10] = 0;
	write('binary.bin', bin);
	write('big.txt', Buffer.alloc(MiB + 1, 0x61));
	write('links/exact.txt', Buffer.alloc(MiB, 0x62));
	makeRepo(path.join(repo, 'lib'));
	fs.mkdirSync(path.join(repo, 'links'), { recursive: true });
	fs.symlinkSync('/etc', path.join(repo, 'links', 'etc-dir'));
	fs.symlinkSync('/etc/passwd', path.join(repo, 'links', 'passwd'));
	fs.symlinkSync('../../outside', path.join(repo, 'links', 'up'));
	fs.symlinkSync('../README.md', path.join(repo, 'links', 'readme-inside'));
	fs.writeFileSync(path.join(scratch, 'outside'), 'outside the repo\n');
	proj = await createProject(repo, { name: 'files fixture' });

	emptyRepo = makeRepo(path.join(scratch, 'bare-tree'));
	emptyProj = await createProject(emptyRepo, { name: 'empty tree' });
});

after(async () => {
	if (proj)
		await deleteProjectQuietly(proj.id);
	if (emptyProj)
		await deleteProjectQuietly(emptyProj.id);
	removeScratch(scratch);
});

function url(suffix)
{
	return `/api/projects/${proj.id}${suffix}`;
}

/* Asserts a reply did not leak /etc/passwd or the outside file. */
function assertNoLeak(res, { allow200 = false } = {})
{
	assert.ok(!/root:.*:0:0:/.test(res.text), `leaked /etc/passwd: ${res.req} -> ${res.text.slice(0, 200)}`);
	assert.ok(!res.text.includes('outside the repo'), `leaked a file outside the repo: ${res.req}`);
	if (!allow200)
		assert.notEqual(res.status, 200, `${res.req} must not succeed: ${res.text.slice(0, 200)}`);
}

describe('GET /api/projects/{id}/branches', () => {
	test('lists main as the current local branch with its commit date', async () => {
		const list = ok(await api('GET', url('/branches')));
		assert.ok(Array.isArray(list));
		for (const b of list) {
			assert.deepEqual(Object.keys(b).sort(), ['is_current', 'is_remote', 'last_commit_date', 'name']);
			assert.equal(typeof b.name, 'string');
			assert.equal(typeof b.is_current, 'boolean');
			assert.equal(typeof b.is_remote, 'boolean');
			assert.equal(typeof b.last_commit_date, 'string');
			assert.match(b.last_commit_date, RFC3339_RE);
		}
		const main = list.find((b) => b.name === 'main');
		assert.ok(main, JSON.stringify(list));
		assert.equal(main.is_current, true);
		assert.equal(main.is_remote, false);
		const ct = Number(git(repo, 'log', '-1', '--format=%ct', 'main').trim()) * 1000;
		assert.ok(Math.abs(Date.parse(main.last_commit_date) - ct) < 1000,
		    `last_commit_date ${main.last_commit_date} vs commit time ${new Date(ct).toISOString()}`);
		assert.equal(list.filter((b) => b.is_current).length, 1, 'exactly one current branch');
	});

	test('reflects a branch created with git, and a checkout', async () => {
		git(repo, 'branch', 'feature/second');
		git(repo, 'branch', 'zzz-third');
		let list = ok(await api('GET', url('/branches')));
		const names = list.map((b) => b.name);
		assert.ok(names.includes('feature/second'), JSON.stringify(names));
		assert.ok(names.includes('zzz-third'), JSON.stringify(names));
		assert.equal(list.find((b) => b.name === 'feature/second').is_current, false);
		assert.equal(list.find((b) => b.name === 'feature/second').is_remote, false);

		git(repo, 'checkout', '-q', 'feature/second');
		try {
			list = ok(await api('GET', url('/branches')));
			assert.equal(list.find((b) => b.name === 'feature/second').is_current, true);
			assert.equal(list.find((b) => b.name === 'main').is_current, false);
		} finally {
			git(repo, 'checkout', '-q', 'main');
		}
		git(repo, 'branch', '-D', 'zzz-third');
		list = ok(await api('GET', url('/branches')));
		assert.ok(!list.some((b) => b.name === 'zzz-third'), 'deleted branch gone');
	});

	test('unknown project -> 404, invalid id -> 400', async () => {
		fails(await api('GET', `/api/projects/${randomUuid()}/branches`), 404, MSG.projectNotFound);
		fails(await api('GET', '/api/projects/not-a-uuid/branches'), 400, MSG.invalidId);
	});
});

describe('GET /api/projects/{id}/files', () => {
	test('root listing: hidden skipped, directories first, then files, case-insensitive', async () => {
		const d = ok(await api('GET', url('/files')));
		assert.deepEqual(Object.keys(d).sort(), ['current_path', 'entries']);
		assert.equal(typeof d.current_path, 'string');
		assert.equal(d.current_path, '.');
		for (const e of d.entries) {
			assert.deepEqual(Object.keys(e).sort(),
			    ['is_directory', 'is_git_repo', 'last_modified', 'name', 'path']);
			assert.equal(typeof e.name, 'string');
			assert.equal(typeof e.path, 'string');
			assert.equal(typeof e.is_directory, 'boolean');
			assert.equal(typeof e.is_git_repo, 'boolean');
			assert.ok(e.last_modified === null ||
			    (Number.isInteger(e.last_modified) && e.last_modified >= 0),
			    `last_modified ${e.last_modified}`);
		}
		const names = d.entries.map((e) => e.name);
		assert.deepEqual(names, ['Docs', 'lib', 'links', 'many', 'odd', 'src',
			'Apple.txt', 'b.txt', 'big.txt', 'binary.bin', 'README.md']);
		const byName = Object.fromEntries(d.entries.map((e) => [e.name, e]));
		assert.equal(byName.src.is_directory, true);
		assert.equal(byName.src.is_git_repo, false);
		assert.equal(byName.src.path, 'src');
		assert.equal(byName.lib.is_directory, true);
		assert.equal(byName.lib.is_git_repo, true, 'nested repository flagged');
		assert.equal(byName['README.md'].is_directory, false);
		assert.equal(byName['README.md'].is_git_repo, false);
		assert.equal(byName['README.md'].path, 'README.md');
	});

	test('explicit ?path=. and empty ?path= equal the root listing', async () => {
		const root = ok(await api('GET', url('/files'))).entries.map((e) => e.name);
		for (const p of ['.', '']) {
			const d = ok(await api('GET', url(`/files?path=${encodeURIComponent(p)}`)));
			assert.deepEqual(d.entries.map((e) => e.name), root, `path=${p}`);
		}
	});

	test('subdirectory listing: paths relative to the repo', async () => {
		const d = ok(await api('GET', url('/files?path=src')));
		assert.equal(d.current_path, 'src');
		assert.deepEqual(d.entries.map((e) => [e.name, e.path, e.is_directory]), [
			['util', 'src/util', true],
			['latin1.txt', 'src/latin1.txt', false],
			['main.c', 'src/main.c', false],
			['unicode.txt', 'src/unicode.txt', false],
		]);
		const deeper = ok(await api('GET', url('/files?path=' + encodeURIComponent('src/util'))));
		assert.deepEqual(deeper.entries.map((e) => e.path), ['src/util/helpers.h']);
	});

	test('missing directory -> 404, file -> 400', async () => {
		fails(await api('GET', url('/files?path=nope')), 404, MSG.dirMissing);
		fails(await api('GET', url('/files?path=src%2Fnope%2Fdeeper')), 404, MSG.dirMissing);
		fails(await api('GET', url('/files?path=README.md')), 400, MSG.pathNotDir);
	});

	test('traversal in ?path= -> 403 and nothing outside is listed', async () => {
		const bad = ['..', '../..', '../../etc', '..%2F..%2Fetc', '%2Fetc', '/etc', '/',
			'src/../..', 'src%2F..%2F..%2F..', 'links/etc-dir', 'links%2Fetc-dir'];
		for (const p of bad) {
			const res = await api('GET', url(`/files?path=${p.includes('%') ? p : encodeURIComponent(p)}`));
			assert.ok(!/"name":"passwd"/.test(res.text), `listed /etc for path=${p}`);
			assert.notEqual(res.status, 200, `path=${p}: ${res.text.slice(0, 200)}`);
			fails(res, 403, MSG.traversal);
		}
	});

	test('?path= with SQL metacharacters is just a missing directory', async () => {
		fails(await api('GET', url(`/files?path=${encodeURIComponent("'; DROP TABLE tasks; --")}`)),
		    404, MSG.dirMissing);
	});

	test('unknown project -> 404, invalid id -> 400', async () => {
		fails(await api('GET', `/api/projects/${randomUuid()}/files`), 404, MSG.projectNotFound);
		fails(await api('GET', '/api/projects/123/files'), 400, MSG.invalidId);
	});
});

describe('GET /api/projects/{id}/files/{path}', () => {
	test('reads a file: path, content, size, truncated false, language', async () => {
		const d = ok(await api('GET', url('/files/README.md')));
		assert.deepEqual(Object.keys(d).sort(), ['content', 'language', 'path', 'size_bytes', 'truncated']);
		assert.equal(d.path, 'README.md');
		assert.equal(d.content, '# hello\n');
		assert.equal(d.size_bytes, 8);
		assert.equal(d.truncated, false);
		assert.ok(d.language === null || typeof d.language === 'string');
	});

	test('reads nested and unicode files exactly', async () => {
		const c = ok(await api('GET', url('/files/src/main.c')));
		assert.equal(c.path, 'src/main.c');
		assert.equal(c.content, 'int main(void) { return 0; }\n');
		const u = ok(await api('GET', url('/files/src/unicode.txt')));
		assert.equal(u.content, 'héllo wörld ✓ 🐝\n');
		assert.equal(u.size_bytes, Buffer.byteLength('héllo wörld ✓ 🐝\n'));
		const e = ok(await api('GET', url('/files/src%2Futil%2Fhelpers.h')));
		assert.equal(e.content, '#pragma once\n');
	});

	test('names with spaces, unicode and URL metacharacters are decoded once', async () => {
		const name = 'sp ace & ü #%+?.txt';
		const d = ok(await api('GET', url('/files?path=odd')));
		assert.deepEqual(d.entries.map((e) => [e.name, e.path]), [[name, `odd/${name}`]]);
		const f = ok(await api('GET', url(`/files/odd/${encodeURIComponent(name)}`)));
		assert.equal(f.content, 'odd name\n');
		assert.equal(f.path, `odd/${name}`);
		// "%2B" is a plus sign, a raw "+" in the path is a plus too (not a space).
		fails(await api('GET', url('/files/odd/sp%20ace%20%26%20%C3%BC%20%23%25%2B%3F.txtx')), 404,
		    MSG.fileMissing);
		const found = ok(await api('GET', url(`/search?q=${encodeURIComponent('ace & ü')}`)));
		assert.ok(found.some((r) => r.path === `odd/${name}`), JSON.stringify(found));
	});

	test('invalid UTF-8 is replaced with U+FFFD, size is the byte size', async () => {
		const d = ok(await api('GET', url('/files/src/latin1.txt')));
		assert.equal(d.content, 'a\uFFFDb\uFFFD(\n');
		assert.equal(d.size_bytes, 6);
	});

	test('a symlink that stays inside the repository is readable', async () => {
		const d = ok(await api('GET', url('/files/links/readme-inside')));
		assert.equal(d.content, '# hello\n');
	});

	test('exactly 1 MiB is allowed', async () => {
		const d = ok(await api('GET', url('/files/links/exact.txt')));
		assert.equal(d.size_bytes, MiB);
		assert.equal(d.content.length, MiB);
		assert.equal(d.truncated, false);
	});

	test('missing file -> 404, directory -> 400, binary -> 415, over 1 MiB -> 413', async () => {
		fails(await api('GET', url('/files/nope.txt')), 404, MSG.fileMissing);
		fails(await api('GET', url('/files/src/nope/x.c')), 404, MSG.fileMissing);
		fails(await api('GET', url('/files/src')), 400, MSG.pathNotFile);
		fails(await api('GET', url('/files/binary.bin')), 415, MSG.binary);
		fails(await api('GET', url('/files/big.txt')), 413,
		    `File too large (${MiB + 1} bytes, max ${MiB} bytes)`);
	});

	test('reading a hidden file by explicit path is not a server error', async () => {
		// Not specified whether hidden files can be read; it must not be a 500.
		const res = await api('GET', url('/files/.hidden-file'));
		assert.ok(res.status < 500, `${res.status} ${res.text}`);
	});

	test('encoded ../../etc/passwd -> 403 Path traversal not allowed', async () => {
		const bad = [
			'..%2F..%2Fetc%2Fpasswd',
			'%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
			'src%2F..%2F..%2F..%2Fetc%2Fpasswd',
			'%2Fetc%2Fpasswd',
			'..%2Foutside',
			'src/..%2F..%2Foutside',
		];
		for (const p of bad) {
			const res = await api('GET', url(`/files/${p}`));
			assertNoLeak(res);
			fails(res, 403, MSG.traversal);
		}
	});

	test('symlinks pointing outside the repository -> 403', async () => {
		for (const p of ['links/passwd', 'links/up', 'links/etc-dir/passwd', 'links/etc-dir/hostname']) {
			const res = await api('GET', url(`/files/${p}`));
			assertNoLeak(res);
			fails(res, 403, MSG.traversal);
		}
	});

	test('literal ../ in the request line never leaks (raw socket)', async () => {
		for (const p of ['/files/../../../../etc/passwd', '/files/src/../../../../../../etc/passwd',
		    '/files/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
		    '/files/..%2F..%2F..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
		    '/files?path=../../../../etc']) {
			// nginx may resolve the dots before routing (and then serve
			// something else entirely); what matters is that no file
			// outside the repository comes back and nothing crashes.
			const res = await rawHttp({ path: url(p) });
			assertNoLeak(res, { allow200: true });
			assert.ok(res.status > 0 && res.status < 500, `${res.req} -> ${res.status}`);
		}
	});

	test('unknown project -> 404, invalid id -> 400', async () => {
		fails(await api('GET', `/api/projects/${randomUuid()}/files/README.md`), 404,
		    MSG.projectNotFound);
		fails(await api('GET', '/api/projects/zz/files/README.md'), 400, MSG.invalidId);
	});
});

describe('GET /api/projects/{id}/search', () => {
	function assertResults(list)
	{
		assert.ok(Array.isArray(list));
		assert.ok(list.length <= 10, `at most 10 results, got ${list.length}`);
		for (const r of list) {
			assert.deepEqual(Object.keys(r).sort(), ['is_file', 'match_type', 'path']);
			assert.equal(typeof r.path, 'string');
			assert.equal(typeof r.is_file, 'boolean');
			assert.ok(['FileName', 'DirectoryName', 'FullPath'].includes(r.match_type), r.match_type);
		}
	}

	test('finds a file by name in both modes', async () => {
		for (const mode of ['settings', 'task_form']) {
			const list = ok(await api('GET', url(`/search?q=main.c&mode=${mode}`)));
			assertResults(list);
			const hit = list.find((r) => r.path === 'src/main.c');
			assert.ok(hit, `${mode}: ${JSON.stringify(list)}`);
			assert.equal(hit.is_file, true);
			assert.equal(hit.match_type, 'FileName');
		}
	});

	test('partial file name and no mode', async () => {
		const list = ok(await api('GET', url('/search?q=helpers')));
		assertResults(list);
		assert.ok(list.some((r) => r.path === 'src/util/helpers.h' && r.is_file), JSON.stringify(list));
	});

	test('finds a directory by name', async () => {
		const list = ok(await api('GET', url('/search?q=util&mode=settings')));
		assertResults(list);
		const dir = list.find((r) => r.path === 'src/util');
		if (dir) {
			assert.equal(dir.is_file, false);
			assert.equal(dir.match_type, 'DirectoryName');
		}
		assert.ok(list.some((r) => r.path.startsWith('src/util')), JSON.stringify(list));
	});

	test('at most 10 results', async () => {
		const list = ok(await api('GET', url('/search?q=needle&mode=settings')));
		assertResults(list);
		assert.equal(list.length, 10);
		for (const r of list)
			assert.match(r.path, /^many\/needle-\d\d\.txt$/);
	});

	test('no match -> empty list; SQL metacharacters are only a query', async () => {
		assert.deepEqual(ok(await api('GET', url('/search?q=zzzz-no-such-file&mode=settings'))), []);
		const before = ok(await api('GET', `/api/projects/${proj.id}`));
		const list = ok(await api('GET',
		    url(`/search?q=${encodeURIComponent("'; DROP TABLE tasks; --")}&mode=task_form`)));
		assertResults(list);
		assert.deepEqual(ok(await api('GET', `/api/projects/${proj.id}`)), before);
	});

	test('hidden and .git content is not searched', async () => {
		const list = ok(await api('GET', url('/search?q=hidden&mode=settings')));
		assertResults(list);
		assert.ok(!list.some((r) => r.path.startsWith('.git/')), JSON.stringify(list));
		const heads = ok(await api('GET', url('/search?q=HEAD&mode=settings')));
		assert.ok(!heads.some((r) => r.path.startsWith('.git/')), JSON.stringify(heads));
	});

	test('missing or empty q -> 400', async () => {
		await rejects('GET', url('/search'), {}, 400, MSG.emptyQuery);
		await rejects('GET', url('/search?q='), {}, 400, MSG.emptyQuery);
		await rejects('GET', url('/search?q=&mode=settings'), {}, 400, MSG.emptyQuery);
	});

	test('q over 256 bytes -> 400', async () => {
		await rejects('GET', url(`/search?q=${'q'.repeat(257)}`), {}, 400,
		    "query parameter 'q' is too long (max 256 bytes)");
		ok(await api('GET', url(`/search?q=${'q'.repeat(256)}`)));
	});

	test('unknown mode -> 400', async () => {
		await rejects('GET', url('/search?q=main&mode=bogus'), {}, 400,
		    "query parameter 'mode' must be one of settings, task_form");
		await rejects('GET', url('/search?q=main&mode='), {}, 400);
	});

	test('unknown project -> 404, invalid id -> 400', async () => {
		fails(await api('GET', `/api/projects/${randomUuid()}/search?q=x`), 404, MSG.projectNotFound);
		fails(await api('GET', '/api/projects/not-a-uuid/search?q=x'), 400, MSG.invalidId);
	});

	test('a repository with no files gives an empty listing and no results', async () => {
		const d = ok(await api('GET', `/api/projects/${emptyProj.id}/files`));
		assert.deepEqual(d.entries, []);
		assert.deepEqual(ok(await api('GET', `/api/projects/${emptyProj.id}/search?q=x`)), []);
	});
});

describe('a project whose directory is gone', () => {
	test('branches and search -> 404 project repository not found; files -> 404', async () => {
		const dir = makeRepo(path.join(scratch, 'vanishing'));
		const p = await createProject(dir, { name: 'vanishing' });
		try {
			fs.rmSync(dir, { recursive: true, force: true });
			const base = `/api/projects/${p.id}`;
			fails(await api('GET', `${base}/branches`), 404, 'project repository not found');
			fails(await api('GET', `${base}/search?q=x`), 404, 'project repository not found');
			fails(await api('GET', `${base}/files`), 404, MSG.dirMissing);
			fails(await api('GET', `${base}/files/README.md`), 404, MSG.fileMissing);
			// The project itself is still there.
			assert.equal(ok(await api('GET', base)).id, p.id);
		} finally {
			await deleteProjectQuietly(p.id);
		}
	});
});
