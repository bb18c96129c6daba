// taskform.js: create / edit / delete a task.

import { useEffect, useRef, useState } from 'preact/hooks';

import { del, get, post, put } from './api.js';
import { AttemptFields, startAttempt, useAttemptChoices } from './attemptform.js';
import { ImagePicker, imageMarkdown } from './images.js';
import { navigate } from './router.js';
import { Confirm, Dialog, DialogButtons, ErrorBox, STATUSES, html, toast } from './ui.js';

// validation_steps is a JSON array of strings stored as a string.
function stepsToText(s) {
	try {
		const a = JSON.parse(s || '[]');
		return Array.isArray(a) ? a.join('\n') : '';
	} catch {
		return s || '';
	}
}
function textToSteps(text) {
	const a = text.split('\n').map((l) => l.trim()).filter(Boolean);
	return a.length ? JSON.stringify(a) : '';
}

/* task: null to create (in `status`), else the task to edit. */
export function TaskForm({ project, task, status = 'todo', onClose, onSaved }) {
	const [f, setF] = useState(() => ({
		title: task ? task.title : '',
		description: (task && task.description) || '',
		steps: task ? stepsToText(task.validation_steps) : stepsToText(project.default_validation_steps),
		status: task ? task.status : status,
		start: false,
	}));
	const choices = useAttemptChoices(project.id, null, !task && f.start);
	const [images, setImages] = useState([]);
	const descRef = useRef(null);
	// An edited task's images (PUT replaces them with image_ids).
	useEffect(() => {
		if (task)
			get(`/api/images/task/${task.id}`).then(setImages, () => {});
	}, [task && task.id]);
	const addImage = (img) => {
		setImages((l) => (l.some((x) => x.id === img.id) ? l : [...l, img]));
		setF((v) => ({ ...v, description: `${v.description}${v.description && !v.description.endsWith('\n') ? '\n' : ''}${imageMarkdown(img)}\n` }));
	};
	const removeImage = (img) => {
		setImages((l) => l.filter((x) => x.id !== img.id));
		setF((v) => ({ ...v, description: v.description.split(imageMarkdown(img)).join('').replace(/\n{3,}/g, '\n\n') }));
	};
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const set = (k) => (ev) => {
		const v = ev.target.type === 'checkbox' ? ev.target.checked : ev.target.value;
		setF((o) => ({ ...o, [k]: v }));
	};

	const save = async () => {
		if (!f.title.trim())
			return;
		setBusy(true);
		setError(null);
		try {
			const steps = textToSteps(f.steps);
			let t;
			if (task) {
				t = await put(`/api/tasks/${task.id}`, {
					title: f.title, description: f.description, status: f.status, validation_steps: steps,
					image_ids: images.map((i) => i.id),
				});
			} else {
				t = await post('/api/tasks', {
					project_id: project.id, title: f.title, description: f.description || null,
					status: f.status, validation_steps: steps || null,
					image_ids: images.length ? images.map((i) => i.id) : null,
				});
			}
			if (!task && f.start) {
				const a = await startAttempt(t.id, choices.value);
				toast('Task created, attempt started');
				onSaved(t);
				navigate(`/projects/${project.id}/tasks/${t.id}/attempts/${a.id}`);
				return;
			}
			toast(task ? 'Task saved' : 'Task created');
			onSaved(t);
		} catch (e) {
			setError(e);
			setBusy(false);
		}
	};
	return html`<${Dialog} title=${task ? 'Edit task' : 'Create task'} onClose=${onClose} onSubmit=${save} busy=${busy} wide>
		<div class="dialog-body form">
			<label>Title <input name="title" required value=${f.title} onInput=${set('title')} autofocus /></label>
			<label>Description
				<textarea name="description" rows="6" value=${f.description} onInput=${set('description')} ref=${descRef}
					placeholder="What should the agent do? (Markdown)"></textarea></label>
			<${ImagePicker} images=${images} onAdd=${addImage} onRemove=${removeImage} pasteTarget=${descRef} />
			<label>Validation steps <span class="muted small">(one per line; the agent is asked to meet them)</span>
				<textarea name="validation_steps" rows="2" value=${f.steps} onInput=${set('steps')} class="mono"></textarea></label>
			<label>Status
				<select name="status" value=${f.status} onChange=${set('status')}>
					${STATUSES.map(([s, l]) => html`<option value=${s}>${l}</option>`)}
				</select></label>
			${task ? null : html`<label class="check"><input type="checkbox" name="start" checked=${f.start} onChange=${set('start')} />
				Start an attempt right away</label>
				${f.start ? html`<${AttemptFields} choices=${choices} />` : null}`}
			<${ErrorBox} error=${error} />
		</div>
		<${DialogButtons} onClose=${onClose} busy=${busy}
			submit=${task ? 'Save' : f.start ? 'Create and start' : 'Create task'}
			disabled=${!f.title.trim() || (!task && f.start && !choices.ready)} />
	</${Dialog}>`;
}

export function DeleteTask({ task, onClose, onDeleted }) {
	if (!task)
		return null;
	return html`<${Confirm} title="Delete task" onClose=${onClose}
		onConfirm=${async () => { await del(`/api/tasks/${task.id}`); toast('Task deleted'); onDeleted(); }}>
		<p>Delete <strong>${task.title}</strong> and its attempts? Subtasks stay. This cannot be undone.</p>
	</${Confirm}>`;
}
