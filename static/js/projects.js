// projects.js: the project list and the create/edit/delete dialogs.

import { useState } from 'preact/hooks';

import { del, get, post, put } from './api.js';
import { navigate } from './router.js';
import { Confirm, Dialog, DialogButtons, ErrorBox, Loading, html, relTime, toast, useLoad } from './ui.js';

export function ProjectList() {
	const list = useLoad(() => get('/api/projects'), []);
	const [editing, setEditing] = useState(null);	// null | 'new' | project
	const [deleting, setDeleting] = useState(null);
	const projects = list.data || [];
	return html`<main class="page projects" id="main">
		<div class="page-head">
			<h1>Projects</h1>
			<button type="button" class="primary" onClick=${() => setEditing('new')}>+ Create project</button>
		</div>
		<${ErrorBox} error=${list.error} onRetry=${list.reload} title="Cannot load projects" />
		${list.loading && !list.data ? html`<${Loading} text="Loading projects…" />` : null}
		${list.data && projects.length === 0 ? html`<div class="empty">
			<p><strong>No projects yet.</strong></p>
			<p>A project is a git repository on this node; agents work on it in worktrees of their own.</p>
			<button type="button" class="primary" onClick=${() => setEditing('new')}>Create your first project</button>
		</div>` : null}
		<ul class="project-grid">
			${projects.map((p) => html`<li key=${p.id} class="project-card">
				<a href=${`/projects/${p.id}/tasks`} class="project-name">${p.name}</a>
				<div class="muted mono small" title=${p.git_repo_path}>${p.git_repo_path}</div>
				<div class="muted small">Created ${relTime(p.created_at)}${p.remote_project_id ? ' · Linked' : ''}</div>
				<div class="card-actions">
					<button type="button" class="small" onClick=${() => setEditing(p)} aria-label=${`Edit ${p.name}`}>Edit</button>
					<button type="button" class="small danger-text" onClick=${() => setDeleting(p)} aria-label=${`Delete ${p.name}`}>Delete</button>
				</div>
			</li>`)}
		</ul>
		${editing ? html`<${ProjectForm} project=${editing === 'new' ? null : editing}
			onClose=${() => setEditing(null)}
			onSaved=${(p, created) => { setEditing(null); list.reload(); if (created) navigate(`/projects/${p.id}/tasks`); }} />` : null}
		${deleting ? html`<${Confirm} title="Delete project" onClose=${() => setDeleting(null)}
			onConfirm=${async () => { await del(`/api/projects/${deleting.id}`); toast(`Deleted ${deleting.name}`); list.reload(); }}>
			<p>Delete <strong>${deleting.name}</strong> with all its tasks and attempts? The repository on disk stays; attempt worktrees are removed (uncommitted work is saved under refs/swarm/snapshots).</p>
		</${Confirm}>` : null}
	</main>`;
}

const SCRIPT_FIELDS = [
	['setup_script', 'Setup script', 'Runs in a new worktree before the agent, e.g. npm ci'],
	['dev_script', 'Dev server script', 'e.g. npm run dev'],
	['cleanup_script', 'Cleanup script', 'Runs after the agent, e.g. npm run format'],
];

export function ProjectForm({ project, onClose, onSaved }) {
	const [f, setF] = useState(() => ({
		name: project ? project.name : '',
		git_repo_path: project ? project.git_repo_path : '',
		use_existing_repo: true,
		setup_script: (project && project.setup_script) || '',
		dev_script: (project && project.dev_script) || '',
		cleanup_script: (project && project.cleanup_script) || '',
		copy_files: (project && project.copy_files) || '',
	}));
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const set = (k) => (ev) => setF({ ...f, [k]: ev.target.type === 'checkbox' ? ev.target.checked : ev.target.value });
	const orNull = (s) => (s.trim() === '' ? null : s);

	const save = async () => {
		setBusy(true);
		setError(null);
		// PUT sets omitted scripts to null: always send every field.
		const body = {
			name: f.name.trim(),
			git_repo_path: f.git_repo_path.trim(),
			setup_script: orNull(f.setup_script),
			dev_script: orNull(f.dev_script),
			cleanup_script: orNull(f.cleanup_script),
			copy_files: orNull(f.copy_files),
		};
		try {
			const p = project ? await put(`/api/projects/${project.id}`, body)
				: await post('/api/projects', { ...body, use_existing_repo: f.use_existing_repo });
			toast(project ? 'Project saved' : `Created ${p.name}`);
			onSaved(p, !project);
		} catch (e) {
			setError(e);
			setBusy(false);
		}
	};
	return html`<${Dialog} title=${project ? 'Edit project' : 'Create project'} onClose=${onClose} onSubmit=${save} busy=${busy} wide>
		<div class="dialog-body form">
			<label>Name <input name="name" required value=${f.name} onInput=${set('name')} autofocus /></label>
			<label>Repository path
				<input name="git_repo_path" required value=${f.git_repo_path} onInput=${set('git_repo_path')}
					placeholder="/home/me/src/app" class="mono" spellcheck="false" autocomplete="off" />
			</label>
			${project ? null : html`<label class="check"><input type="checkbox" name="use_existing_repo"
				checked=${f.use_existing_repo} onChange=${set('use_existing_repo')} />
				Use an existing repository <span class="muted small">(off: create the directory and a new repository on main)</span></label>`}
			${SCRIPT_FIELDS.map(([k, label, ph]) => html`<label key=${k}>${label}
				<textarea name=${k} rows="2" class="mono" placeholder=${ph} value=${f[k]} onInput=${set(k)} spellcheck="false"></textarea></label>`)}
			<label>Copy files <span class="muted small">(comma-separated paths copied into each worktree, e.g. .env)</span>
				<input name="copy_files" value=${f.copy_files} onInput=${set('copy_files')} class="mono" /></label>
			<${ErrorBox} error=${error} />
		</div>
		<${DialogButtons} onClose=${onClose} submit=${project ? 'Save' : 'Create project'} busy=${busy}
			disabled=${!f.name.trim() || !f.git_repo_path.trim()} />
	</${Dialog}>`;
}
