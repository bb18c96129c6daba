// task.js: the task details panel beside the board: the task, its status,
// its attempts (newest first), and the way to a new attempt.

import { useEffect, useRef, useState } from 'preact/hooks';

import { get, qs } from './api.js';
import { CreateAttemptDialog } from './attemptform.js';
import { navigate } from './router.js';
import { Gallery } from './images.js';
import { Markdown } from './markdown.js';
import { TaskForm } from './taskform.js';
import { ErrorBox, Loading, STATUSES, html, relTime, useLoad } from './ui.js';

export function TaskPanel({ project, taskId, task: streamed, onMove, onDelete }) {
	// The board's stream has the task; a direct link before it loads reads it.
	const fetched = useLoad(() => (streamed ? Promise.resolve(null) : get(`/api/tasks/${taskId}`)), [taskId, Boolean(streamed)]);
	const task = streamed || fetched.data;
	const attempts = useLoad(() => get(`/api/task-attempts${qs({ task_id: taskId })}`),
		[taskId, task && task.updated_at, task && task.has_in_progress_attempt]);
	const [editing, setEditing] = useState(false);
	const [starting, setStarting] = useState(false);
	const ref = useRef(null);
	const close = () => navigate(`/projects/${project.id}/tasks`);

	useEffect(() => {
		if (ref.current)
			ref.current.focus();
	}, [taskId]);

	return html`<aside class="panel task-panel" aria-labelledby="task-panel-title" tabindex="-1" ref=${ref}
			onKeyDown=${(ev) => { if (ev.key === 'Escape' && !document.querySelector('dialog[open]')) { ev.stopPropagation(); close(); } }}>
		<header class="panel-head">
			<span class="muted small">Task</span>
			<button type="button" class="icon" aria-label="Close task details" onClick=${close}>✕</button>
		</header>
		${!task && fetched.error ? html`<${ErrorBox} error=${fetched.error} />` : null}
		${!task && !fetched.error ? html`<${Loading} />` : null}
		${task ? html`<div class="panel-body">
			<h2 id="task-panel-title" class="task-title">${task.title}</h2>
			<div class="task-controls">
				<label class="inline">Status
					<select value=${task.status} onChange=${(ev) => onMove(ev.target.value)} aria-label="Status">
						${STATUSES.map(([s, l]) => html`<option value=${s}>${l}</option>`)}
					</select></label>
				<button type="button" onClick=${() => setEditing(true)}>Edit</button>
				<button type="button" class="danger-text" onClick=${onDelete}>Delete</button>
			</div>
			${task.parent_task_id ? html`<p class="small"><a href=${`/projects/${project.id}/tasks/${task.parent_task_id}`}>↑ Parent task</a></p>` : null}
			${task.is_remote ? html`<p class="banner info remote-note">A task of a project on <strong>${project.source_node_name || 'another node'}</strong>${project.source_node_status ? ` (${project.source_node_status})` : ''}: its attempts run there.</p>` : null}
			${task.description ? html`<${Markdown} class="description" text=${task.description} />` : html`<p class="muted">No description.</p>`}
			<${Gallery} taskId=${task.id} version=${task.updated_at} />
			<${Steps} json=${task.validation_steps} />
			<div class="section-head">
				<h3>Attempts</h3>
				<button type="button" class="primary" onClick=${() => setStarting(true)}
					title=${task.is_remote ? 'Tasks of a remote project run on their own node' : 'Start a coding agent on this task'}>+ New attempt</button>
			</div>
			<${ErrorBox} error=${attempts.error} onRetry=${attempts.reload} />
			${attempts.loading && !attempts.data ? html`<${Loading} />` : null}
			${attempts.data && attempts.data.length === 0 ? html`<p class="muted">No attempts yet. Start one to let an agent work on this task.</p>` : null}
			${attempts.data && attempts.data.length ? html`<ul class="attempt-list">
				${attempts.data.map((a) => html`<li key=${a.id}>
					<a href=${`/projects/${project.id}/tasks/${task.id}/attempts/${a.id}`}>
						<span class="mono">${a.branch}</span>
						<span class="muted small">${a.executor || 'Base Agent'} · ${relTime(a.created_at)}</span>
					</a></li>`)}
			</ul>` : null}
		</div>` : null}
		${editing ? html`<${TaskForm} project=${project} task=${task} onClose=${() => setEditing(false)} onSaved=${() => setEditing(false)} />` : null}
		${starting ? html`<${CreateAttemptDialog} project=${project} task=${task} onClose=${() => setStarting(false)} />` : null}
	</aside>`;
}

function Steps({ json }) {
	let steps = [];
	try {
		steps = JSON.parse(json || '[]');
	} catch {
		steps = [];
	}
	if (!Array.isArray(steps) || steps.length === 0)
		return null;
	return html`<div class="steps"><h3>Validation steps</h3><ul>${steps.map((s) => html`<li>${String(s)}</li>`)}</ul></div>`;
}
