// board.js: the kanban board of a project: a column per status, cards
// newest first, search, drag and drop (pointer events: mouse and pen
// anywhere on a card, touch from the card's grip so a swipe still
// scrolls the columns), and keyboard navigation.

import { Component } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';

import { errorText, put } from './api.js';
import { navigate } from './router.js';
import { plainText } from './markdown.js';
import { Dialog, ErrorBox, LiveBadge, Loading, STATUSES, html, lazy, statusLabel, toast } from './ui.js';

// The panel and the dialogs load on first use (and in idle time once the
// board is up): the board's first paint does not wait for them.
const TaskPanel = lazy(() => import('./task.js'), 'TaskPanel');
const TaskForm = lazy(() => import('./taskform.js'), 'TaskForm');
const DeleteTask = lazy(() => import('./taskform.js'), 'DeleteTask');
export const preloadBoardParts = () => Promise.all([TaskPanel.preload(), TaskForm.preload()]);

const SHORTCUTS = [
	['c', 'Create a task'],
	['/', 'Search'],
	['j / k  or  ↓ / ↑', 'Next / previous card in a column'],
	['h / l  or  ← / →', 'Previous / next column'],
	['Shift+H / Shift+L', 'Move the focused task to the previous / next column'],
	['Enter', 'Open the focused task'],
	['d', 'Delete the focused task'],
	['Esc', 'Close the panel or dialog'],
	['Ctrl+Enter', 'Submit a dialog'],
	['?', 'This help'],
];

// A column renders its first cards, more as it is scrolled: a board of
// 1,000 tasks is interactive at once (the search still covers them all).
const FIRST_CARDS = 12;
const MORE_CARDS = 200;

function More({ left, onMore }) {
	const ref = useRef(null);
	useEffect(() => {
		const io = new IntersectionObserver((es) => es.some((e) => e.isIntersecting) && onMore(), { rootMargin: '400px' });
		io.observe(ref.current);
		return () => io.disconnect();
	}, [left]);
	return html`<button type="button" ref=${ref} class="more small" onClick=${onMore}>Show ${left} more</button>`;
}

const inField = (el) => el && (el.closest('input, textarea, select, [contenteditable], dialog') !== null);

function sortTasks(tasks) {
	return tasks.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
}

// Change a task's status: optimistic patch, then PUT; undone on failure.
export async function moveTask(stream, task, status) {
	if (!task || task.status === status)
		return;
	const path = `/tasks/${task.id}/status`;
	if (stream)
		stream.patch([{ op: 'replace', path, value: status }]);
	try {
		await put(`/api/tasks/${task.id}`, { status });
		if (stream)
			stream.refresh();
	} catch (e) {
		if (stream)
			stream.patch([{ op: 'replace', path, value: task.status }]);
		toast(`Could not move “${task.title}”: ${errorText(e)}`, 'error');
	}
}

export function Board({ project, tasksDoc, live, stream, taskId, query }) {
	const [search, setSearch] = useState(query.get('q') || '');
	const [creating, setCreating] = useState(null);	// status to create in
	const [deleting, setDeleting] = useState(null);
	const [help, setHelp] = useState(false);
	const [limits, setLimits] = useState({});	// cards rendered per column
	const searchRef = useRef(null);
	const boardRef = useRef(null);

	const tasks = tasksDoc ? tasksDoc.tasks : null;
	const columns = useMemo(() => {
		const by = Object.fromEntries(STATUSES.map(([s]) => [s, []]));
		if (!tasks)
			return by;
		const q = search.trim().toLowerCase();
		for (const t of Object.values(tasks)) {
			if (q && !t.title.toLowerCase().includes(q) && !(t.description || '').toLowerCase().includes(q))
				continue;
			(by[t.status] || by.todo).push(t);
		}
		for (const s in by)
			sortTasks(by[s]);
		return by;
	}, [tasks, search]);

	useEffect(() => {
		if (tasks)
			performance.mark('board-interactive');
	}, [tasks !== null]);

	// A card that moves to another column is a new element: keep the
	// keyboard focus on it (a live update may move it at any time).
	const focused = useRef(null);
	useEffect(() => {
		const f = (ev) => {
			const c = ev.target.closest && ev.target.closest('.card');
			focused.current = c ? c.dataset.taskId : null;
		};
		document.addEventListener('focusin', f);
		document.addEventListener('pointerdown', f);	// a click elsewhere lets go
		return () => {
			document.removeEventListener('focusin', f);
			document.removeEventListener('pointerdown', f);
		};
	}, []);
	useLayoutEffect(() => {
		if (focused.current && (document.activeElement === document.body || document.activeElement === null)) {
			const el = document.querySelector(`.card[data-task-id="${focused.current}"]`);
			if (el)
				el.focus({ preventScroll: true });
		}
	});

	const onDrop = (id, status) => moveTask(stream, tasks && tasks[id], status);
	const startDrag = useDrag(boardRef, onDrop);

	// Keyboard: the board's shortcuts (not while typing or in a dialog).
	useEffect(() => {
		const key = (ev) => {
			if (ev.defaultPrevented || ev.altKey || ev.ctrlKey || ev.metaKey || inField(document.activeElement))
				return;
			if (document.querySelector('dialog[open]'))
				return;
			const card = document.activeElement && document.activeElement.closest('.card');
			const k = ev.key;
			if (k === 'c') {
				setCreating('todo');
			} else if (k === '/') {
				searchRef.current.focus();
			} else if (k === '?') {
				setHelp(true);
			} else if (k === 'Escape' && taskId) {
				navigate(`/projects/${project.id}/tasks`);
			} else if (k === 'd' && card) {
				setDeleting(tasks[card.dataset.taskId]);
			} else if ((k === 'H' || k === 'L') && card) {
				const i = STATUSES.findIndex(([s]) => s === card.dataset.status);
				const next = STATUSES[i + (k === 'L' ? 1 : -1)];
				if (next) {
					const id = card.dataset.taskId;
					onDrop(id, next[0]);
					requestAnimationFrame(() => focusCard(id));
				}
			} else if ('jkhl'.includes(k) || k.startsWith('Arrow')) {
				if (!moveFocus(boardRef.current, card, k))
					return;
			} else {
				return;
			}
			ev.preventDefault();
		};
		document.addEventListener('keydown', key);
		return () => document.removeEventListener('keydown', key);
	}, [tasks, taskId, project.id]);

	const total = tasks ? Object.keys(tasks).length : 0;
	const panelTask = taskId && tasks ? tasks[taskId] : null;
	return html`<div class=${`board-page${taskId ? ' with-panel' : ''}`}>
		<div class="toolbar">
			<h1 class="board-title" title=${project.git_repo_path}>${project.name}</h1>
			<input ref=${searchRef} type="search" class="search" placeholder="Search tasks  /" aria-label="Search tasks"
				value=${search} onInput=${(ev) => setSearch(ev.target.value)}
				onKeyDown=${(ev) => ev.key === 'Escape' && (setSearch(''), ev.target.blur())} />
			<${LiveBadge} status=${live.status} message=${live.message} />
			<button type="button" class="primary" onClick=${() => setCreating('todo')} title="Create a task (c)">+ Task</button>
			<button type="button" class="icon" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" onClick=${() => setHelp(true)}>?</button>
		</div>
		${live.status === 'failed' ? html`<${ErrorBox} error=${live.message || 'Cannot reach the node.'} />` : null}
		<nav class="column-tabs" aria-label="Columns">
			${STATUSES.map(([s, label]) => html`<a key=${s} href=${`#col-${s}`} onClick=${(ev) => {
				ev.preventDefault();
				document.getElementById(`col-${s}`).scrollIntoView({ behavior: 'smooth', inline: 'start', block: 'nearest' });
			}}>${label} <span class="count">${columns[s].length}</span></a>`)}
		</nav>
		${tasks === null ? html`<${Loading} text="Loading tasks…" />` : html`
		<div class="board" ref=${boardRef} data-board-ready=${tasks !== null}>
			${STATUSES.map(([s, label]) => html`<section key=${s} class="column" id=${`col-${s}`} data-status=${s}
					aria-labelledby=${`colh-${s}`}>
				<header class="column-head">
					<h2 id=${`colh-${s}`}>${label} <span class="count">${columns[s].length}</span></h2>
					<button type="button" class="icon small" aria-label=${`Create a task in ${label}`}
						onClick=${() => setCreating(s)}>+</button>
				</header>
				<div class="cards" role="list">
					${columns[s].slice(0, limits[s] || FIRST_CARDS).map((t) => html`<${Card} key=${t.id} task=${t} projectId=${project.id} node=${project.source_node_name}
						selected=${t.id === taskId} onPointerDown=${startDrag} />`)}
					${columns[s].length > (limits[s] || FIRST_CARDS) ? html`<${More} left=${columns[s].length - (limits[s] || FIRST_CARDS)}
						onMore=${() => setLimits((l) => ({ ...l, [s]: (l[s] || FIRST_CARDS) + MORE_CARDS }))} />` : null}
					${columns[s].length === 0 ? html`<p class="column-empty">${search ? 'No match' : total === 0 && s === 'todo' ? 'No tasks yet: press + to add one' : 'Nothing here'}</p>` : null}
				</div>
			</section>`)}
		</div>`}
		${taskId ? html`<${TaskPanel} project=${project} taskId=${taskId} task=${panelTask}
			onMove=${(st) => moveTask(stream, panelTask, st)} onDelete=${() => setDeleting(panelTask)} />` : null}
		${creating ? html`<${TaskForm} project=${project} status=${creating} onClose=${() => setCreating(null)}
			onSaved=${(t) => { setCreating(null); if (stream) { stream.patch([{ op: 'add', path: `/tasks/${t.id}`, value: { has_in_progress_attempt: false, has_merged_attempt: false, last_attempt_failed: false, executor: '', ...t } }]); stream.refresh(); } }} />` : null}
		${deleting ? html`<${DeleteTask} task=${deleting} onClose=${() => setDeleting(null)}
			onDeleted=${() => { if (stream) { stream.patch([{ op: 'remove', path: `/tasks/${deleting.id}` }]); stream.refresh(); } if (deleting.id === taskId) navigate(`/projects/${project.id}/tasks`); }} />` : null}
		${help ? html`<${Dialog} title="Keyboard shortcuts" onClose=${() => setHelp(false)}>
			<dl class="dialog-body shortcuts">${SHORTCUTS.map(([k, d]) => html`<dt><kbd>${k}</kbd></dt><dd>${d}</dd>`)}</dl>
		</${Dialog}>` : null}
	</div>`;
}

// Re-renders only when its task object (or selection) changes: polls keep
// unchanged task objects.
class Card extends Component {
	shouldComponentUpdate(next) {
		return next.task !== this.props.task || next.selected !== this.props.selected || next.projectId !== this.props.projectId
			|| next.node !== this.props.node;
	}
	render(props) {
		return CardBody(props);
	}
}

// The node name up to its first dot, as the original shows it.
const shortNode = (n) => (n ? String(n).split('.')[0] : 'remote');

function CardBody({ task: t, projectId, node, selected, onPointerDown }) {
	const failed = t.last_attempt_failed && !t.has_merged_attempt;
	const text = t.description ? plainText(t.description) : '';
	const desc = text.length > 130 ? `${text.slice(0, 130)}…` : text;
	const owner = t.remote_assignee_name || t.remote_assignee_username;
	return html`<a role="listitem" class=${`card${selected ? ' selected' : ''}${t.is_remote ? ' remote' : t.shared_task_id ? ' shared' : ''}`} href=${`/projects/${projectId}/tasks/${t.id}`}
			draggable="false" data-task-id=${t.id} data-status=${t.status} onPointerDown=${onPointerDown}
			aria-current=${selected ? 'true' : undefined}>
		<span class="grip" data-grip aria-hidden="true" title="Drag to another column">⋮⋮</span>
		<span class="card-title">${t.title}</span>
		<span class="card-icons">
			${t.has_in_progress_attempt ? html`<span class="spinner" role="img" aria-label="Agent running" title="Agent running"></span>` : null}
			${t.has_merged_attempt ? html`<span class="ok-mark" role="img" aria-label="Merged" title="Merged">✓</span>` : null}
			${failed ? html`<span class="bad-mark" role="img" aria-label="Last attempt failed" title="Last attempt failed">✕</span>` : null}
		</span>
		${desc ? html`<span class="card-desc">${desc}</span>` : null}
		${t.parent_task_id || t.is_remote || t.shared_task_id ? html`<span class="card-meta small">
			${t.parent_task_id ? html`<span class="muted">subtask</span>` : null}
			${t.is_remote ? html`<span class="chip small remote-badge" title=${`A task of a project on ${node || 'another node'}`}>⇄ ${shortNode(node)}</span>`
				: t.shared_task_id ? html`<span class="chip small shared-badge" title="Shared with the swarm">shared</span>` : null}
			${owner ? html`<span class="muted">${owner}</span>` : null}
		</span>` : null}
	</a>`;
}

function focusCard(id) {
	const el = document.querySelector(`.card[data-task-id="${id}"]`);
	if (el) {
		el.focus();
		el.scrollIntoView({ block: 'nearest', inline: 'nearest' });
	}
}

// j/k/h/l and arrows between cards; returns false when nothing moved.
function moveFocus(board, card, key) {
	if (!board)
		return false;
	const cols = [...board.querySelectorAll('.column')].map((c) => [...c.querySelectorAll('.card')]);
	if (!card) {
		const first = cols.flat()[0];
		if (first)
			first.focus();
		return Boolean(first);
	}
	const ci = cols.findIndex((c) => c.includes(card));
	const ri = cols[ci].indexOf(card);
	let target = null;
	if (key === 'j' || key === 'ArrowDown')
		target = cols[ci][ri + 1];
	else if (key === 'k' || key === 'ArrowUp')
		target = cols[ci][ri - 1];
	else {
		const step = key === 'l' || key === 'ArrowRight' ? 1 : -1;
		for (let c = ci + step; c >= 0 && c < cols.length && !target; c += step)
			target = cols[c][Math.min(ri, cols[c].length - 1)];
	}
	if (!target)
		return false;
	target.focus();
	target.scrollIntoView({ block: 'nearest', inline: 'nearest' });
	return true;
}

/*
 * Drag and drop with pointer events. A drag starts after the pointer
 * moved 5 px with the button down (mouse, pen) or at once from the grip
 * (touch: the grip has touch-action: none, the rest of the card lets the
 * browser scroll). A ghost copy follows the pointer; the column under it
 * is highlighted; near the board's edges it scrolls. On release over
 * another column onDrop(taskId, status) runs; the click that follows a
 * drag is swallowed so the card does not open.
 */
function useDrag(boardRef, onDrop) {
	const drop = useRef(onDrop);
	drop.current = onDrop;
	return (ev) => {
		if (ev.button !== 0 || (ev.pointerType === 'touch' && !ev.target.closest('[data-grip]')))
			return;
		const card = ev.currentTarget;
		const start = { x: ev.clientX, y: ev.clientY };
		let ghost = null;
		let over = null;
		const immediate = ev.pointerType === 'touch';
		const activate = () => {
			const r = card.getBoundingClientRect();
			ghost = card.cloneNode(true);
			ghost.classList.add('ghost');
			ghost.removeAttribute('href');
			Object.assign(ghost.style, { width: `${r.width}px`, left: `${r.left}px`, top: `${r.top}px` });
			ghost.dataset.dx = String(start.x - r.left);
			ghost.dataset.dy = String(start.y - r.top);
			document.body.appendChild(ghost);
			card.classList.add('dragging');
			document.body.classList.add('is-dragging');
		};
		const move = (e) => {
			if (e.pointerId !== ev.pointerId)
				return;
			if (!ghost) {
				if (Math.hypot(e.clientX - start.x, e.clientY - start.y) < 5)
					return;
				activate();
			}
			e.preventDefault();
			ghost.style.transform = `translate(${e.clientX - start.x}px, ${e.clientY - start.y}px)`;
			const col = document.elementFromPoint(e.clientX, e.clientY);
			const target = col && col.closest('.column');
			if (target !== over) {
				if (over)
					over.classList.remove('drop-target');
				over = target;
				if (over)
					over.classList.add('drop-target');
			}
			const b = boardRef.current;
			if (b) {
				const r = b.getBoundingClientRect();
				if (e.clientX < r.left + 40)
					b.scrollLeft -= 16;
				else if (e.clientX > r.right - 40)
					b.scrollLeft += 16;
			}
		};
		const end = (e) => {
			if (e.pointerId !== ev.pointerId)
				return;
			removeEventListener('pointermove', move);
			removeEventListener('pointerup', end);
			removeEventListener('pointercancel', end);
			if (!ghost)
				return;
			ghost.remove();
			card.classList.remove('dragging');
			document.body.classList.remove('is-dragging');
			if (over)
				over.classList.remove('drop-target');
			// The click after a drag must not open the card.
			const swallow = (c) => {
				c.preventDefault();
				c.stopPropagation();
			};
			addEventListener('click', swallow, { capture: true, once: true });
			setTimeout(() => removeEventListener('click', swallow, { capture: true }), 0);
			if (e.type === 'pointerup' && over && over.dataset.status !== card.dataset.status)
				drop.current(card.dataset.taskId, over.dataset.status);
		};
		addEventListener('pointermove', move, { passive: false });
		addEventListener('pointerup', end);
		addEventListener('pointercancel', end);
		if (immediate) {
			ev.preventDefault();
			activate();
		}
	};
}

export { statusLabel };
