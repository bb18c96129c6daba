// projects.js: the project list and the create/edit/delete dialogs.

import { useState } from 'preact/hooks';

import { ApiError, del, get, post, put } from './api.js';
import { navigate } from './router.js';
import { Confirm, Dialog, DialogButtons, ErrorBox, Loading, html, relTime, toast, useLoad } from './ui.js';

// Remote projects grouped by node: from GET /api/unified-projects when
// the node has a hive (409 without one: no remote section), else from
// the remote mirrors in GET /api/projects.
async function loadProjects() {
	const [all, unified] = await Promise.all([
		get('/api/projects'),
		get('/api/unified-projects').catch((e) => {
			if (e instanceof ApiError && e.status === 409)
				return null;	// no hive: a local-only node
			throw e;
		}),
	]);
	const local = all.filter((p) => !p.is_remote);
	let groups = [];
	if (unified) {
		groups = unified.remote_by_node.map((g) => ({
			id: g.node_id, name: g.node_name, status: g.node_status, url: g.node_public_url,
			projects: g.projects.map((p) => ({ id: p.id, name: p.project_name, path: p.git_repo_path, created_at: p.created_at })),
		}));
	} else {
		const by = new Map();
		for (const p of all.filter((x) => x.is_remote)) {
			const k = p.source_node_id || 'unknown';
			if (!by.has(k))
				by.set(k, { id: k, name: p.source_node_name || 'Unknown node', status: p.source_node_status, url: p.source_node_public_url, projects: [] });
			by.get(k).projects.push({ id: p.id, name: p.name, path: p.git_repo_path, created_at: p.created_at });
		}
		groups = [...by.values()];
	}
	return { local, groups, hive: unified !== null };
}

export const NodeStatus = ({ status }) => html`<span class=${`node-status node-${status || 'unknown'}`}>
	<span class="dot" aria-hidden="true"></span>${status || 'unknown'}</span>`;

export function ProjectList() {
	const list = useLoad(loadProjects, []);
	const [editing, setEditing] = useState(null);	// null | 'new' | project
	const [deleting, setDeleting] = useState(null);
	const projects = list.data ? list.data.local : [];
	const groups = list.data ? list.data.groups : [];
	return html`<main class="page projects" id="main">
		<div class="page-head">
			<h1>Projects</h1>
			<button type="button" class="primary" onClick=${() => setEditing('new')}>+ Create project</button>
		</div>
		<${ErrorBox} error=${list.error} onRetry=${list.reload} title="Cannot load projects" />
		${list.loading && !list.data ? html`<${Loading} text="Loading projects…" />` : null}
		${list.data && projects.length === 0 && groups.length === 0 ? html`<div class="empty">
			<p><strong>No projects yet.</strong></p>
			<p>A project is a git repository on this node; agents work on it in worktrees of their own.</p>
			<button type="button" class="primary" onClick=${() => setEditing('new')}>Create your first project</button>
		</div>` : null}
		${groups.length ? html`<h2 class="section-title">Local <span class="count">${projects.length}</span></h2>` : null}
		<ul class="project-grid" aria-label="Local projects">
			${projects.map((p) => html`<li key=${p.id} class="project-card">
				<a href=${`/projects/${p.id}/tasks`} class="project-name">${p.name}</a>
				<div class="muted mono small" title=${p.git_repo_path}>${p.git_repo_path}</div>
				<div class="muted small">Created ${relTime(p.created_at)}${p.remote_project_id ? html` · <span class="chip small">Linked</span>` : ''}</div>
				<div class="card-actions">
					<button type="button" class="small" onClick=${() => setEditing(p)} aria-label=${`Edit ${p.name}`}>Edit</button>
					<button type="button" class="small danger-text" onClick=${() => setDeleting(p)} aria-label=${`Delete ${p.name}`}>Delete</button>
				</div>
			</li>`)}
		</ul>
		${groups.map((g) => html`<section key=${g.id} class="node-group" aria-label=${`Projects on ${g.name}`}>
			<h2 class="section-title">${g.name} <${NodeStatus} status=${g.status} /> <span class="count">${g.projects.length}</span></h2>
			<ul class="project-grid">
				${g.projects.map((p) => html`<li key=${p.id || p.name} class="project-card remote" data-remote="true">
					${p.id ? html`<a href=${`/projects/${p.id}/tasks`} class="project-name">${p.name}</a>` : html`<span class="project-name">${p.name}</span>`}
					<div><span class="chip small node-chip" title=${g.url || ''}>${g.name}</span></div>
					<div class="muted mono small" title=${p.path}>${p.path}</div>
					<div class="muted small">Created ${relTime(p.created_at)}</div>
				</li>`)}
			</ul>
		</section>`)}
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
