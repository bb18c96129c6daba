// app.js: the shell of the frontend: header, theme, routes, and the
// project scope (the project and its live task list, shared by the board
// and the attempt view so navigating between them keeps the stream).

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import { get, qs } from './api.js';
import { AttemptView } from './attempt.js';
import { Board } from './board.js';
import { ProjectList } from './projects.js';
import { match, navigate, onLinkClick, useRoute } from './router.js';
import { ErrorBox, Loading, Toasts, html, useLoad, useStream } from './ui.js';

const THEME_KEY = 'swarm.theme';
const LAST_PROJECT = 'swarm.lastProject';

function ThemeToggle() {
	const [theme, setTheme] = useState(() => localStorage.getItem(THEME_KEY) || 'system');
	useEffect(() => {
		if (theme === 'system') {
			delete document.documentElement.dataset.theme;
			localStorage.removeItem(THEME_KEY);
		} else {
			document.documentElement.dataset.theme = theme;
			localStorage.setItem(THEME_KEY, theme);
		}
	}, [theme]);
	const next = { system: 'light', light: 'dark', dark: 'system' }[theme];
	const icon = { system: '◐', light: '☀', dark: '☾' }[theme];
	return html`<button type="button" class="icon" onClick=${() => setTheme(next)}
		aria-label=${`Theme: ${theme}. Switch to ${next}`} title=${`Theme: ${theme} (click: ${next})`}>${icon}</button>`;
}

function Header({ projectId }) {
	const projects = useLoad(() => get('/api/projects'), [projectId]);
	return html`<header class="topbar">
		<a class="logo" href="/projects" aria-label="Swarm: all projects">Swarm</a>
		${projectId && projects.data ? html`<select class="project-switch" aria-label="Project" value=${projectId}
				onChange=${(ev) => navigate(`/projects/${ev.target.value}/tasks`)}>
			${projects.data.map((p) => html`<option value=${p.id}>${p.name}</option>`)}
		</select>` : null}
		<nav class="topnav"><a href="/projects">Projects</a></nav>
		<span class="grow"></span>
		<${ThemeToggle} />
	</header>`;
}

// The task list as a live document {tasks: {id: task}}.
function useTasks(projectId) {
	return useStream(projectId, () => ({
		ws: `/api/tasks/stream/ws${qs({ project_id: projectId })}`,
		initial: { tasks: {}, shared_tasks: {} },
		poll: async () => {
			const list = await get(`/api/tasks${qs({ project_id: projectId })}`);
			return { doc: { tasks: Object.fromEntries(list.map((t) => [t.id, t])), shared_tasks: {} } };
		},
		pollMs: 1500,
	}));
}

function ProjectScope({ projectId, taskId, attemptId, query }) {
	const project = useLoad(() => get(`/api/projects/${projectId}`), [projectId]);
	const tasks = useTasks(projectId);
	useEffect(() => {
		try {
			localStorage.setItem(LAST_PROJECT, projectId);
		} catch {
			/* private mode */
		}
	}, [projectId]);
	if (project.error)
		return html`<main class="page" id="main"><${ErrorBox} error=${project.error} title="Cannot open the project" onRetry=${project.reload} />
			<p><a href="/projects">All projects</a></p></main>`;
	if (!project.data)
		return html`<main class="page" id="main"><${Loading} text="Loading project…" /></main>`;
	const live = { status: tasks.status, message: tasks.message };
	return html`<main id="main" class="project-scope">
		${attemptId
			? html`<${AttemptView} project=${project.data} taskId=${taskId} attemptId=${attemptId}
				task=${tasks.doc && tasks.doc.tasks[taskId]} query=${query} />`
			: html`<${Board} project=${project.data} tasksDoc=${tasks.doc} live=${live} stream=${tasks.stream}
				taskId=${taskId} query=${query} />`}
	</main>`;
}

// '/': the board of the project used last (or the first), else the list.
function Home() {
	useEffect(() => {
		const last = localStorage.getItem(LAST_PROJECT);
		get('/api/projects').then((list) => {
			const p = list.find((x) => x.id === last) || list[0];
			navigate(p ? `/projects/${p.id}/tasks` : '/projects', { replace: true });
		}, () => navigate('/projects', { replace: true }));
	}, []);
	return html`<main class="page" id="main"><${Loading} /></main>`;
}

// attempts/latest: the newest attempt of the task, else the task.
function LatestAttempt({ projectId, taskId }) {
	useEffect(() => {
		get(`/api/task-attempts${qs({ task_id: taskId })}`).then((list) => {
			const to = list.length ? `/attempts/${list[0].id}` : '';
			navigate(`/projects/${projectId}/tasks/${taskId}${to}`, { replace: true });
		}, () => navigate(`/projects/${projectId}/tasks/${taskId}`, { replace: true }));
	}, [projectId, taskId]);
	return html`<main class="page" id="main"><${Loading} /></main>`;
}

function Redirect({ to }) {
	useEffect(() => navigate(to, { replace: true }), [to]);
	return null;
}

function App() {
	const { path, query } = useRoute();
	let m;
	let page;
	let projectId = null;
	if (path === '/' || path === '') {
		page = html`<${Home} />`;
	} else if (path === '/projects' || path === '/projects/') {
		page = html`<${ProjectList} />`;
	} else if ((m = match('/projects/:p', path))) {
		page = html`<${Redirect} to=${`/projects/${m.p}/tasks`} />`;
	} else if ((m = match('/projects/:p/tasks/:t/attempts/latest', path))) {
		page = html`<${LatestAttempt} projectId=${m.p} taskId=${m.t} />`;
	} else if ((m = match('/projects/:p/tasks/:t/attempts/:a', path) || match('/projects/:p/tasks/:t', path)
		|| match('/projects/:p/tasks', path))) {
		projectId = m.p;
		page = html`<${ProjectScope} key=${m.p} projectId=${m.p} taskId=${m.t || null} attemptId=${m.a || null} query=${query} />`;
	} else {
		page = html`<main class="page" id="main"><h1>Not found</h1><p>No page at <code>${path}</code>. <a href="/projects">All projects</a></p></main>`;
	}
	return html`<div class="app" onClick=${onLinkClick}>
		<a class="skip" href="#main">Skip to content</a>
		<${Header} projectId=${projectId} />
		${page}
		<${Toasts} />
	</div>`;
}

const root = document.getElementById('root');
root.textContent = '';
render(html`<${App} />`, root);
