// git.js: the attempt's branch: status (ahead/behind, conflicts,
// uncommitted changes, PR) and every git action of the node (merge, push,
// force push, rebase, change target, rename, create/attach PR, abort
// conflicts), with the typed errors (error_data) as helpful messages.

import { useRef, useState } from 'preact/hooks';

import { ApiError, errorText, get, post } from './api.js';
import { Confirm, Dialog, DialogButtons, ErrorBox, Spinner, html, plural, toast, useInterval, useLoad } from './ui.js';

const BRANCH_POLL_MS = 5000;

export function useBranchStatus(attemptId) {
	const st = useLoad(() => get(`/api/task-attempts/${attemptId}/branch-status`), [attemptId]);
	useInterval(st.reload, BRANCH_POLL_MS, [attemptId]);
	return st;
}

function latestPr(bs) {
	const m = bs && (bs.merges || []).find((x) => x.type === 'pr');
	return m ? m.pr_info : null;
}

function StatusChip({ bs }) {
	if (!bs)
		return html`<span class="chip"><${Spinner} label="Loading branch status" /></span>`;
	const pr = latestPr(bs);
	if (bs.conflicted_files && bs.conflicted_files.length)
		return html`<span class="chip bad">Conflicts</span>`;
	if (bs.is_rebase_in_progress)
		return html`<span class="chip warn">Rebasing</span>`;
	if (pr && pr.status === 'merged')
		return html`<span class="chip ok">Merged (PR #${pr.number})</span>`;
	if ((bs.merges || [])[0] && bs.merges[0].type === 'direct' && !bs.commits_ahead)
		return html`<span class="chip ok">Merged</span>`;
	const chips = [];
	if (pr && pr.status === 'open')
		chips.push(html`<a class="chip info" href=${pr.url} target="_blank" rel="noopener">PR #${pr.number}</a>`);
	if (bs.commits_ahead)
		chips.push(html`<span class="chip info">${plural(bs.commits_ahead, 'commit')} ahead</span>`);
	if (bs.commits_behind)
		chips.push(html`<span class="chip warn">${plural(bs.commits_behind, 'commit')} behind</span>`);
	if (bs.has_uncommitted_changes || bs.untracked_count)
		chips.push(html`<span class="chip warn" title="Changes in the worktree not yet committed">${plural((bs.uncommitted_count || 0) + (bs.untracked_count || 0), 'uncommitted file')}</span>`);
	if (chips.length === 0)
		chips.push(html`<span class="chip">Up to date</span>`);
	return chips;
}

export function GitBar({ attempt, task, running, branchStatus, onAttemptChanged, branches }) {
	const bs = branchStatus.data;
	const [busy, setBusy] = useState(null);	// name of the running action
	const [error, setError] = useState(null);
	const [dialog, setDialog] = useState(null);
	const menu = useRef(null);
	const base = `/api/task-attempts/${attempt.id}`;
	const pr = latestPr(bs);
	const conflicts = bs && ((bs.conflicted_files && bs.conflicted_files.length > 0) || bs.is_rebase_in_progress);

	// Run one git action; errors go to the banner (typed ones explained).
	const act = async (name, fn, done) => {
		if (menu.current)
			menu.current.open = false;
		setBusy(name);
		setError(null);
		try {
			await fn();
			if (done)
				toast(done);
			return true;
		} catch (e) {
			if (e instanceof ApiError && e.type === 'force_push_required')
				setDialog('force');
			setError(e);
			return false;
		} finally {
			setBusy(null);
			branchStatus.reload();
			onAttemptChanged();
		}
	};

	const changed = () => {
		branchStatus.reload();
		onAttemptChanged();
	};
	const merge = () => act('merge', () => post(`${base}/merge`), `Merged into ${attempt.target_branch}`);
	const push = () => act('push', () => post(`${base}/push`), 'Pushed');
	const abort = () => act('abort', () => post(`${base}/conflicts/abort`), 'Aborted');
	const attach = () => act('attach', async () => {
		const r = await post(`${base}/pr/attach`);
		toast(r.pr_attached ? `Attached PR #${r.pr_number} (${r.pr_status})` : 'No pull request found for this branch');
	});

	const mergeOff = !bs || running || conflicts || !bs.commits_ahead || (pr && (pr.status === 'open' || pr.status === 'merged'));
	const prOff = !bs || running || conflicts || (pr && pr.status === 'merged');
	return html`<div class="gitbar" aria-label="Branch">
		<div class="branches">
			<span class="chip mono" title="Task branch">${attempt.branch}</span>
			<span aria-hidden="true">→</span>
			<button type="button" class="chip mono link" title="Change the target branch" disabled=${running || conflicts}
				onClick=${() => setDialog('target')}>${(bs && bs.target_branch_name) || attempt.target_branch}</button>
			<${StatusChip} bs=${bs} />
		</div>
		<div class="git-actions">
			<button type="button" class="primary" disabled=${mergeOff || busy} onClick=${merge}
				title=${bs && !bs.commits_ahead ? 'Nothing to merge yet' : `Squash-merge into ${attempt.target_branch}`}>
				${busy === 'merge' ? html`<${Spinner} /> Merging…` : 'Merge'}</button>
			${pr && pr.status === 'open'
				? html`<button type="button" disabled=${prOff || busy} onClick=${push}>${busy === 'push' ? html`<${Spinner} /> Pushing…` : 'Push'}</button>`
				: html`<button type="button" disabled=${prOff || busy} onClick=${() => setDialog('pr')}>Create PR</button>`}
			<button type="button" disabled=${running || busy || (bs && bs.is_rebase_in_progress)} onClick=${() => setDialog('rebase')}>
				${busy === 'rebase' ? html`<${Spinner} /> Rebasing…` : 'Rebase'}</button>
			<details class="menu" ref=${menu}>
				<summary class="button" aria-label="More git actions">More ▾</summary>
				<div class="menu-items" role="menu">
					<button type="button" role="menuitem" onClick=${push} disabled=${busy || running}>Push branch</button>
					<button type="button" role="menuitem" onClick=${() => setDialog('force')} disabled=${busy || running}>Force push…</button>
					<button type="button" role="menuitem" onClick=${attach} disabled=${busy}>Attach existing PR</button>
					<button type="button" role="menuitem" onClick=${() => setDialog('rename')} disabled=${busy || running}>Rename branch…</button>
					<button type="button" role="menuitem" onClick=${() => setDialog('target')} disabled=${busy || running || conflicts}>Change target branch…</button>
					<button type="button" role="menuitem" onClick=${abort} disabled=${busy}>Abort merge / rebase</button>
				</div>
			</details>
		</div>
		${conflicts ? html`<div class="banner warn" role="alert">
			<strong>${bs.is_rebase_in_progress ? 'A rebase is in progress' : `A ${bs.conflict_op || 'merge'} stopped on conflicts`}.</strong>
			${bs.conflicted_files.length ? html` Conflicted: <span class="mono">${bs.conflicted_files.join(', ')}</span>. ` : null}
			Resolve them in the worktree (<span class="mono">${attempt.container_ref}</span>) and continue with git, or
			<button type="button" class="link" onClick=${abort}>abort</button>.
		</div>` : null}
		${error ? html`<div class="banner error git-error" role="alert">
			<span>${errorText(error)}</span>
			${(error.type === 'merge_conflicts' && error.errorData.op !== 'merge') || error.type === 'rebase_in_progress'
				? html` <button type="button" class="link" onClick=${abort}>Abort</button>` : null}
			${(error.type === 'merge_conflicts' && error.errorData.op === 'merge') || /moved forward|ahead of task branch/.test(error.message)
				? html` <button type="button" class="link" onClick=${() => setDialog('rebase')}>Rebase now</button>` : null}
			<button type="button" class="icon small" aria-label="Dismiss" onClick=${() => setError(null)}>✕</button>
		</div>` : null}
		${dialog === 'force' ? html`<${Confirm} title="Force push" confirm="Force push" onClose=${() => setDialog(null)}
			onConfirm=${async () => { setError(null); await post(`${base}/push/force`); toast('Force pushed'); branchStatus.reload(); }}>
			<p>The remote branch <span class="mono">${attempt.branch}</span> has commits this branch does not. A force push overwrites them: they are lost on the remote.</p>
		</${Confirm}>` : null}
		${dialog === 'pr' ? html`<${PrDialog} attempt=${attempt} task=${task} branches=${branches} onClose=${() => setDialog(null)}
			onDone=${(url) => { setDialog(null); setError(null); toast(`Pull request created: ${url}`); branchStatus.reload(); }}
			onForce=${() => setDialog('force')} />` : null}
		${dialog === 'rebase' ? html`<${BranchDialog} title="Rebase" label="Rebase onto" submit="Rebase" branches=${branches}
			initial=${attempt.target_branch} onClose=${() => setDialog(null)}
			onSubmit=${(b) => act('rebase', () => post(`${base}/rebase`, { new_base_branch: b }), `Rebased onto ${b}`)} />` : null}
		${dialog === 'target' ? html`<${BranchDialog} title="Change target branch" label="Target branch" submit="Change" branches=${branches}
			initial=${(bs && bs.target_branch_name) || attempt.target_branch} onClose=${() => setDialog(null)} inline
			onSubmit=${async (b) => { await post(`${base}/change-target-branch`, { new_target_branch: b }); toast(`Target is now ${b}`); changed(); }} />` : null}
		${dialog === 'rename' ? html`<${RenameDialog} attempt=${attempt} onClose=${() => setDialog(null)}
			onSubmit=${async (n) => { const r = await post(`${base}/rename-branch`, { new_branch_name: n }); toast(`Branch renamed to ${r.branch}`); changed(); }} />` : null}
	</div>`;
}

// A branch picker dialog. With `inline`, onSubmit throws on failure and
// the error shows in the dialog (it stays open); else the caller reports.
function BranchDialog({ title, label, submit, branches, initial, onClose, onSubmit, inline }) {
	const [b, setB] = useState(initial);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const names = (branches || []).map((x) => x.name);
	if (initial && !names.includes(initial))
		names.unshift(initial);
	const go = async () => {
		setBusy(true);
		setError(null);
		try {
			await onSubmit(b);
		} catch (e) {
			if (inline) {
				setError(errorText(e));
				setBusy(false);
				return;
			}
		}
		onClose();
	};
	return html`<${Dialog} title=${title} onClose=${onClose} onSubmit=${go} busy=${busy}>
		<div class="dialog-body form"><label>${label}
			<select value=${b} onChange=${(ev) => setB(ev.target.value)}>${names.map((n) => html`<option value=${n}>${n}</option>`)}</select>
		</label>
		<${ErrorBox} error=${error} /></div>
		<${DialogButtons} onClose=${onClose} submit=${submit} busy=${busy} disabled=${!b} />
	</${Dialog}>`;
}

// Git's own rules, checked before asking the node (which checks again).
export function branchNameProblem(n) {
	if (!n)
		return 'Branch name cannot be empty';
	if (/[\s~^:?*[\\]|\.\.|@\{|\/\/|^[-/.]|[/.]$|\.lock$|^@$/.test(n) || /[\x00-\x1f\x7f]/.test(n))
		return 'Not a valid git branch name (no spaces, ~ ^ : ? * [ \\ or "..", not starting with - or ending with / . or .lock)';
	return null;
}

function RenameDialog({ attempt, onClose, onSubmit }) {
	const [name, setName] = useState(attempt.branch);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const [touched, setTouched] = useState(false);
	const n = name.trim();
	const problem = touched ? branchNameProblem(n) : null;
	const go = async () => {
		setTouched(true);
		if (branchNameProblem(n) || n === attempt.branch)
			return;
		setBusy(true);
		setError(null);
		try {
			await onSubmit(n);
			onClose();
		} catch (e) {
			setError(errorText(e));	// e.g. 409 A branch with this name already exists
			setBusy(false);
		}
	};
	return html`<${Dialog} title="Rename branch" onClose=${onClose} onSubmit=${go} busy=${busy}>
		<div class="dialog-body form"><label for="rename-branch">New branch name</label>
			<input id="rename-branch" class="mono" value=${name} spellcheck="false" autofocus
				aria-invalid=${problem || error ? 'true' : undefined} aria-describedby="rename-branch-error"
				onInput=${(ev) => { setName(ev.target.value); setTouched(true); setError(null); }} />
			<div id="rename-branch-error" class="field-error" role="alert">${problem || error || ''}</div>
			<p class="muted small">Subtasks targeting the old name are retargeted.</p>
		</div>
		<${DialogButtons} onClose=${onClose} submit="Rename" busy=${busy} disabled=${!n || n === attempt.branch || Boolean(problem)} />
	</${Dialog}>`;
}

function PrDialog({ attempt, task, branches, onClose, onDone, onForce }) {
	const [f, setF] = useState({ title: task ? task.title : '', body: (task && task.description) || '', target: attempt.target_branch });
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const go = async () => {
		setBusy(true);
		setError(null);
		try {
			const url = await post(`/api/task-attempts/${attempt.id}/pr`, { title: f.title, body: f.body || null, target_branch: f.target });
			onDone(url);
		} catch (e) {
			setBusy(false);
			if (e instanceof ApiError && e.type === 'force_push_required') {
				onForce();
				return;
			}
			setError(errorText(e));
		}
	};
	const names = (branches || []).map((x) => x.name);
	return html`<${Dialog} title="Create pull request" onClose=${onClose} onSubmit=${go} busy=${busy} wide>
		<div class="dialog-body form">
			<label>Title <input value=${f.title} onInput=${(ev) => setF({ ...f, title: ev.target.value })} required autofocus /></label>
			<label>Description <textarea rows="5" value=${f.body} onInput=${(ev) => setF({ ...f, body: ev.target.value })}></textarea></label>
			<label>Base branch <select value=${f.target} onChange=${(ev) => setF({ ...f, target: ev.target.value })}>
				${(names.includes(f.target) ? names : [f.target, ...names]).map((n) => html`<option value=${n}>${n}</option>`)}</select></label>
			<p class="muted small">The branch is pushed first, then the pull request is opened on GitHub.</p>
			<${ErrorBox} error=${error} />
		</div>
		<${DialogButtons} onClose=${onClose} submit="Create PR" busy=${busy} disabled=${!f.title.trim()} />
	</${Dialog}>`;
}
