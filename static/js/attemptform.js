// attemptform.js: choosing an executor profile (executor + variant) and a
// base branch, and the create-attempt dialog.

import { useEffect, useState } from 'preact/hooks';

import { get, post, qs } from './api.js';
import { navigate } from './router.js';
import { Dialog, DialogButtons, ErrorBox, Loading, html } from './ui.js';

const LAST_PROFILE = 'swarm.lastProfile';

function remembered() {
	try {
		return JSON.parse(localStorage.getItem(LAST_PROFILE)) || null;
	} catch {
		return null;
	}
}

/*
 * Executors (GET /api/profiles), branches (GET /api/projects/{id}/branches)
 * and, for an existing task, its attempts (for the defaults). Returns
 * {profiles, branches, value, set, ready, error, loading}.
 */
export function useAttemptChoices(projectId, taskId, enabled = true) {
	const [st, setSt] = useState({ profiles: null, branches: null, value: null, error: null });
	useEffect(() => {
		if (!enabled)
			return undefined;
		let gone = false;
		Promise.all([
			get('/api/profiles'),
			get(`/api/projects/${projectId}/branches`),
			taskId ? get(`/api/task-attempts${qs({ task_id: taskId })}`) : Promise.resolve([]),
		]).then(([prof, branches, attempts]) => {
			if (gone)
				return;
			const execs = prof.executors || [];
			const latest = attempts[0];
			const last = remembered();
			// Executor: the latest attempt's, else the one last used here, else the first.
			let executor = (latest && latest.executor) || (last && last.executor);
			if (!execs.some((e) => e.executor === executor))
				executor = execs.length ? execs[0].executor : '';
			const variants = (execs.find((e) => e.executor === executor) || { variants: ['DEFAULT'] }).variants;
			const variant = last && last.executor === executor && variants.includes(last.variant) ? last.variant : 'DEFAULT';
			// Base branch: the checked-out branch, else the latest attempt's target, else the first.
			const cur = branches.find((b) => b.is_current);
			const base = (cur && cur.name) || (latest && latest.target_branch) || (branches[0] && branches[0].name) || '';
			setSt({ profiles: execs, branches, value: { executor, variant, base_branch: base }, error: null });
		}, (error) => !gone && setSt((s) => ({ ...s, error })));
		return () => { gone = true; };
	}, [projectId, taskId, enabled]);
	const set = (patch) => setSt((s) => {
		const value = { ...s.value, ...patch };
		if (patch.executor)
			value.variant = 'DEFAULT';
		return { ...s, value };
	});
	const ready = Boolean(st.value && st.value.executor && st.value.base_branch);
	return { ...st, set, ready, loading: enabled && !st.value && !st.error };
}

export function AttemptFields({ choices }) {
	if (choices.error)
		return html`<${ErrorBox} error=${choices.error} title="Cannot load executors or branches" />`;
	if (!choices.value)
		return html`<${Loading} text="Loading executors and branches…" />`;
	const v = choices.value;
	const exec = choices.profiles.find((e) => e.executor === v.executor);
	return html`<div class="row-fields">
		<label>Agent
			<select name="executor" value=${v.executor} onChange=${(ev) => choices.set({ executor: ev.target.value })}>
				${choices.profiles.map((e) => html`<option value=${e.executor}>${e.executor}</option>`)}
			</select></label>
		<label>Variant
			<select name="variant" value=${v.variant} onChange=${(ev) => choices.set({ variant: ev.target.value })}>
				${(exec ? exec.variants : ['DEFAULT']).map((n) => html`<option value=${n}>${n}</option>`)}
			</select></label>
		<label>Base branch
			<select name="base_branch" value=${v.base_branch} onChange=${(ev) => choices.set({ base_branch: ev.target.value })}>
				${choices.branches.length === 0 ? html`<option value="">(no branches)</option>` : null}
				${choices.branches.map((b) => html`<option value=${b.name}>${b.name}${b.is_current ? ' (current)' : ''}</option>`)}
			</select></label>
	</div>`;
}

export async function startAttempt(taskId, v) {
	const profile = { executor: v.executor };
	if (v.variant && v.variant !== 'DEFAULT')
		profile.variant = v.variant;
	const a = await post('/api/task-attempts', { task_id: taskId, executor_profile_id: profile, base_branch: v.base_branch });
	try {
		localStorage.setItem(LAST_PROFILE, JSON.stringify({ executor: v.executor, variant: v.variant }));
	} catch {
		/* private mode */
	}
	return a;
}

export function CreateAttemptDialog({ project, task, onClose }) {
	const choices = useAttemptChoices(project.id, task.id);
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const go = async () => {
		if (!choices.ready)
			return;
		setBusy(true);
		setError(null);
		try {
			const a = await startAttempt(task.id, choices.value);
			onClose();
			navigate(`/projects/${project.id}/tasks/${task.id}/attempts/${a.id}`);
		} catch (e) {
			setError(e);
			setBusy(false);
		}
	};
	return html`<${Dialog} title="Start an attempt" onClose=${onClose} onSubmit=${go} busy=${busy}>
		<div class="dialog-body form">
			<p class="muted">An agent works on <strong>${task.title}</strong> on a new branch in its own worktree.</p>
			${project.is_remote ? html`<p class="banner warn">This project belongs to <strong>${project.source_node_name || 'another node'}</strong>: its tasks run there, so this node will likely refuse.</p>` : null}
			<${AttemptFields} choices=${choices} />
			<${ErrorBox} error=${error} title="Not started" />
		</div>
		<${DialogButtons} onClose=${onClose} submit="Start" busy=${busy} disabled=${!choices.ready} />
	</${Dialog}>`;
}
