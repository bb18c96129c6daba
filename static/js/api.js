// api.js: every REST call of the frontend goes through here.
// Replies are the node's envelope {success, data, error_data, message};
// a failure becomes an ApiError carrying the HTTP status, the message and
// the typed error_data, so views can show a helpful text (errorText).

const TIMEOUT_MS = 30000;

export class ApiError extends Error {
	constructor(message, status, errorData) {
		super(message || `request failed (${status})`);
		this.status = status;
		this.errorData = errorData || null;
	}
	get type() {
		return this.errorData && this.errorData.type;
	}
}

// One request; resolves to `data`, rejects with ApiError.
export async function request(method, path, body) {
	const ctl = new AbortController();
	const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
	const init = { method, headers: { Accept: 'application/json' }, signal: ctl.signal };
	if (body !== undefined) {
		init.headers['Content-Type'] = 'application/json';
		init.body = JSON.stringify(body);
	}
	let res;
	try {
		res = await fetch(path, init);
	} catch (e) {
		throw new ApiError(e.name === 'AbortError' ? 'the node did not answer in time'
			: 'cannot reach the node', 0);
	} finally {
		clearTimeout(timer);
	}
	return envelope(res);
}

// The envelope of a reply -> data, or an ApiError.
async function envelope(res) {
	if (res.status === 204)
		return null;
	let env = null;
	try {
		env = await res.json();
	} catch {
		/* not JSON: nginx or a proxy in between */
	}
	if (!res.ok || !env || env.success === false)
		throw new ApiError((env && env.message) || res.statusText, res.status, env && env.error_data);
	return env.data;
}

// GETs started before the first render (see app.js), taken once by get().
const primed = new Map();
export function prime(path) {
	if (!primed.has(path)) {
		// index.html's inline script may have sent it before any module loaded.
		const early = window.swarmEarly && window.swarmEarly[path];
		if (early)
			delete window.swarmEarly[path];
		const pr = early ? early.then(envelope, () => request('GET', path)) : request('GET', path);
		pr.catch(() => {});	// get() reports it
		primed.set(path, pr);
	}
}

export function get(path) {
	const pr = primed.get(path);
	if (pr) {
		primed.delete(path);
		return pr;
	}
	return request('GET', path);
}
export const post = (path, body) => request('POST', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

// Query string from an object, skipping null/undefined values.
export function qs(params) {
	const u = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== null && v !== undefined)
			u.set(k, String(v));
	const s = u.toString();
	return s ? `?${s}` : '';
}

// Path segment(s) of a repository path: each part encoded, '/' kept.
export const encPath = (p) => p.split('/').map(encodeURIComponent).join('/');

// What to tell the user about a failed call, using the typed error_data
// of the git and pull-request routes (docs/API.md §7.3, §7.4).
export function errorText(err) {
	if (!(err instanceof ApiError))
		return String((err && err.message) || err);
	const d = err.errorData || {};
	switch (d.type) {
	case 'merge_conflicts':
		return d.op === 'rebase'
			? `The rebase stopped on conflicts. Resolve them in the worktree and continue, or abort the rebase. ${d.message || ''}`.trim()
			: 'The branch conflicts with the target branch, so it cannot be merged as is. Rebase it onto the target branch and resolve the conflicts, then merge.';
	case 'rebase_in_progress':
		return 'A rebase is already in progress in this worktree. Resolve its conflicts or abort it, then try again.';
	case 'force_push_required':
		return 'The remote branch has commits this branch lacks (it was rebased or changed elsewhere). A force push would overwrite them.';
	case 'github_cli_not_logged_in':
		return `GitHub refused or no token is set: give swarm-node a token allowed to create pull requests (SWARM_GITHUB_TOKEN). (${err.message})`;
	case 'github_cli_not_installed':
	case 'git_cli_not_installed':
	case 'git_cli_not_logged_in':
		return `Git or GitHub is not set up on the node: ${err.message}`;
	case 'target_branch_not_found':
		return `GitHub does not know the base branch${d.branch ? ` '${d.branch}'` : ''}: push it first or pick another.`;
	}
	if (err.status === 0)
		return `${err.message}. Check that the node is running.`;
	if (err.status === 502 || err.status === 504)
		return `${err.message} (the node is busy or restarting; try again).`;
	return err.message;
}
