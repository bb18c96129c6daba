// app.js: the shell of the frontend: header, theme, routes, and the
// project scope (the project and its live task list, shared by the board
// and the attempt view so navigating between them keeps the stream).

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';

import { get, prime, qs } from './api.js';
import { Board, preloadBoardParts } from './board.js';
import { match, navigate, onLinkClick, useRoute } from './router.js';
import { ErrorBox, Loading, Toasts, html, lazy, useLoad, useStream } from './ui.js';

const ProjectList = lazy(() => import('./projects.js'), 'ProjectList');

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

const tasksPath = (projectId) => `/api/tasks${qs({ project_id: projectId })}`;
// What a card shows changes only with these.
const taskKey = (t) => `${t.updated_at}|${t.status}|${t.has_in_progress_attempt}|${t.has_merged_attempt}|${t.last_attempt_failed}`;

// The task list as a live document {tasks: {id: task}}. A poll keeps the
// task objects that did not change (and the whole document when nothing
// did), so the board re-renders only what changed.
const sameTask = (o, t) => o && taskKey(o) === taskKey(t) && o.title === t.title && o.description === t.description
	&& o.shared_task_id === t.shared_task_id && o.is_remote === t.is_remote;

// A task list (REST or a stream snapshot) against the document shown:
// unchanged tasks keep their objects, an unchanged list keeps the document.
function reconcile(prev, list) {
	const old = prev ? prev.tasks : {};
	let same = prev !== null && list.length === Object.keys(old).length;
	const tasks = {};
	for (const t of list) {
		const o = old[t.id];
		if (sameTask(o, t)) {
			tasks[t.id] = o;
		} else {
			tasks[t.id] = t;
			same = false;
		}
	}
	return same ? prev : { tasks, shared_tasks: {} };
}

function useTasks(projectId) {
	return useStream(projectId, () => ({
		ws: `/api/tasks/stream/ws${qs({ project_id: projectId })}`,
		initial: { tasks: {}, shared_tasks: {} },
		restFirst: true,
		poll: (() => {
			let prev = null;
			return async () => {
				prev = reconcile(prev, await get(tasksPath(projectId)));
				return { doc: prev };
			};
		})(),
		reconcile: (prev, next) => {
			const r = reconcile(prev, Object.values(next.tasks || {}));
			return r === prev ? prev : { ...next, tasks: r.tasks };
		},
		pollMs: 1500,
	}));
}

// Start the board's first requests while the page renders (index.html
// has started them already, before the modules loaded).
{
	const m = match('/projects/:p/tasks', location.pathname) || match('/projects/:p/tasks/:t', location.pathname);
	if (m && /^[0-9a-f-]{36}$/.test(m.p)) {
		prime(`/api/projects/${m.p}`);
		prime(tasksPath(m.p));
		prime('/api/projects');
	}
}

// The attempt view's modules (log, diff, git, files) load on first use,
// and in idle time once a board is up: the board does not wait for them.
let attemptModule = null;
const loadAttempt = () => (attemptModule ||= import('./attempt.js'));

function AttemptLazy(props) {
	const [mod, setMod] = useState(null);
	const [error, setError] = useState(null);
	useEffect(() => { loadAttempt().then(setMod, setError); }, []);
	if (error)
		return html`<div class="page"><${ErrorBox} error=${error} title="Cannot load the attempt view" /></div>`;
	return mod ? html`<${mod.AttemptView} ...${props} />` : html`<div class="page"><${Loading} /></div>`;
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
	if (tasks.doc && !attemptModule)
		(window.requestIdleCallback || setTimeout)(() => { preloadBoardParts(); loadAttempt(); });
	return html`<main id="main" class="project-scope">
		${attemptId
			? html`<${AttemptLazy} project=${project.data} taskId=${taskId} attemptId=${attemptId}
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
