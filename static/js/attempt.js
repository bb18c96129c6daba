// attempt.js: one attempt: header, branch bar with the git actions, the
// conversation, and the diffs / files / processes panes; the follow-up
// box and the stop button stay at the bottom (in thumb reach on a phone).

import { useCallback, useEffect, useState } from 'preact/hooks';

import { errorText, get, post, qs } from './api.js';
import { DiffsPanel, diffSummary, useDiff } from './diffs.js';
import { FilesPanel } from './files.js';
import { GitBar, useBranchStatus } from './git.js';
import { Conversation, RawLog, isAgent, timeline } from './logs.js';
import { navigate } from './router.js';
import { ErrorBox, LiveBadge, Loading, Spinner, html, duration, relTime, statusLabel, toast, useLoad, useMedia, useStream, worstStatus } from './ui.js';

const RUNNING_REASONS = new Set(['setupscript', 'codingagent', 'cleanupscript']);

function useProcesses(attemptId, report) {
	const s = useStream(attemptId, () => ({
		ws: `/api/execution-processes/stream/ws${qs({ task_attempt_id: attemptId, show_soft_deleted: true })}`,
		initial: { execution_processes: {} },
		poll: async () => {
			const list = await get(`/api/execution-processes${qs({ task_attempt_id: attemptId, show_soft_deleted: true })}`);
			return { doc: { execution_processes: Object.fromEntries(list.map((p) => [p.id, p])) } };
		},
		pollMs: 1500,
	}));
	useEffect(() => report('processes', s.status), [s.status]);
	return s;
}

export function AttemptView({ project, taskId, attemptId, task: streamedTask, query }) {
	const [statuses, setStatuses] = useState({});
	const report = useCallback((k, s) => setStatuses((m) => (m[k] === s ? m : { ...m, [k]: s })), []);
	const attempt = useLoad(() => get(`/api/task-attempts/${attemptId}`), [attemptId]);
	const taskLoad = useLoad(() => (streamedTask ? Promise.resolve(null) : get(`/api/tasks/${taskId}`)), [taskId, Boolean(streamedTask)]);
	const task = streamedTask || taskLoad.data;
	const procs = useProcesses(attemptId, report);
	const stats = useDiff(attemptId, report, { statsOnly: true });
	const summary = diffSummary(stats.doc);
	const branchStatus = useBranchStatus(attemptId);
	const branches = useLoad(() => get(`/api/projects/${project.id}/branches`), [project.id]);
	const wide = useMedia('(min-width: 1100px)');
	const [tab, setTab] = useState(query.get('view') || null);
	const current = (wide && tab === 'log') || !tab ? (wide ? 'diffs' : 'log') : tab;
	const diff = useDiff(attemptId, report, { enabled: current === 'diffs' });

	const processes = procs.doc ? Object.values(procs.doc.execution_processes) : [];
	const running = processes.some((p) => p.status === 'running' && RUNNING_REASONS.has(p.run_reason) && !p.dropped);
	// A finished process changes the branch: refresh its status.
	const runKey = processes.map((p) => p.status).join();
	useEffect(() => { branchStatus.reload(); }, [runKey]);

	const close = () => navigate(`/projects/${project.id}/tasks/${taskId}`);
	const setView = (v) => {
		setTab(v);
		const u = new URL(location.href);
		u.searchParams.set('view', v);
		history.replaceState(null, '', u.pathname + u.search);
	};
	const live = worstStatus(...Object.values(statuses));

	if (attempt.error && !attempt.data)
		return html`<div class="page"><${ErrorBox} error=${attempt.error} title="Cannot open the attempt" onRetry=${attempt.reload} /></div>`;
	if (!attempt.data)
		return html`<div class="page"><${Loading} text="Loading attempt…" /></div>`;
	const a = attempt.data;
	const tabs = [
		...(wide ? [] : [['log', 'Log']]),
		['diffs', summary && summary.files ? html`Diffs <span class="count" title="changed">${summary.files}</span> <span class="add small">+${summary.additions}</span> <span class="del small">−${summary.deletions}</span>` : 'Diffs'],
		['files', 'Files'],
		['processes', `Processes (${processes.length})`],
	];
	return html`<div class=${`attempt-view${wide ? ' wide' : ''}`}>
		<header class="attempt-head">
			<nav class="crumbs" aria-label="Breadcrumb">
				<a href=${`/projects/${project.id}/tasks`}>${project.name}</a> ›
				<a href=${`/projects/${project.id}/tasks/${taskId}`}>${task ? task.title : 'Task'}</a> ›
				<span class="mono">${a.executor}</span>
			</nav>
			${task ? html`<span class=${`chip status-${task.status}`}>${statusLabel(task.status)}</span>` : null}
			<${LiveBadge} status=${live} />
			<button type="button" class="icon" aria-label="Close attempt" onClick=${close}>✕</button>
		</header>
		<${GitBar} attempt=${a} task=${task} running=${running} branchStatus=${branchStatus} branches=${branches.data}
			onAttemptChanged=${attempt.reload} />
		${a.worktree_deleted ? html`<p class="banner info">The worktree was cleaned up; it is recreated from the branch when needed.</p>` : null}
		<div class="attempt-body">
			${wide ? html`<section class="pane conversation-pane" aria-label="Conversation">
				<${Conversation} processes=${processes} report=${report} running=${running} />
			</section>` : null}
			<section class="pane aux-pane">
				<div class="tabs" role="tablist" aria-label="Attempt views">
					${tabs.map(([k, label]) => html`<button type="button" role="tab" key=${k} id=${`tab-${k}`} aria-selected=${current === k}
						aria-controls="tabpanel" onClick=${() => setView(k)}>${label}</button>`)}
				</div>
				<div class="tabpanel" id="tabpanel" role="tabpanel" aria-labelledby=${`tab-${current}`}>
					${current === 'log' ? html`<${Conversation} processes=${processes} report=${report} running=${running} />` : null}
					${current === 'diffs' ? html`<${DiffsPanel} diff=${diff} summary=${summary} />` : null}
					${current === 'files' ? html`<${FilesPanel} attempt=${a} />` : null}
					${current === 'processes' ? html`<${Processes} processes=${processes} report=${report} />` : null}
				</div>
			</section>
		</div>
		<${FollowUp} attempt=${a} running=${running} processes=${processes} />
	</div>`;
}

const REASON = { setupscript: 'Setup script', codingagent: 'Coding agent', cleanupscript: 'Cleanup script', devserver: 'Dev server' };

function Processes({ processes, report }) {
	const [open, setOpen] = useState(null);
	const [stopping, setStopping] = useState(null);
	const list = [...processes].sort((x, y) => (x.created_at < y.created_at ? -1 : 1));
	const stop = async (p) => {
		setStopping(p.id);
		try {
			await post(`/api/execution-processes/${p.id}/stop`);
			toast('Stopped');
		} catch (e) {
			toast(errorText(e), 'error');
		} finally {
			setStopping(null);
		}
	};
	if (list.length === 0)
		return html`<p class="muted empty">No processes yet.</p>`;
	return html`<ul class="process-list">
		${list.map((p) => html`<li key=${p.id} class=${p.dropped ? 'dropped' : ''}>
			<div class="process-row">
				<span class=${`chip proc-${p.status}`}>${p.status === 'running' ? html`<${Spinner} /> ` : null}${p.status}</span>
				<strong>${REASON[p.run_reason] || p.run_reason}</strong>
				<span class="muted small">${relTime(p.started_at)} · ${duration(p.started_at, p.completed_at)}${p.exit_code !== null ? ` · exit ${p.exit_code}` : ''}${p.dropped ? ' · dropped' : ''}</span>
				<span class="grow"></span>
				${p.status === 'running' ? html`<button type="button" class="danger small" disabled=${stopping === p.id} onClick=${() => stop(p)}>Stop</button>` : null}
				<button type="button" class="small" aria-expanded=${open === p.id} onClick=${() => setOpen(open === p.id ? null : p.id)}>${open === p.id ? 'Hide log' : 'Raw log'}</button>
			</div>
			${open === p.id ? html`<${RawLog} proc=${p} report=${report} />` : null}
		</li>`)}
	</ul>`;
}

function FollowUp({ attempt, running, processes }) {
	const [text, setText] = useState('');
	const [busy, setBusy] = useState(false);
	const [stopping, setStopping] = useState(false);
	const [error, setError] = useState(null);
	const hasAgent = timeline(processes).some(isAgent);
	const send = async () => {
		if (!text.trim() || busy)
			return;
		setBusy(true);
		setError(null);
		try {
			await post(`/api/task-attempts/${attempt.id}/follow-up`, { prompt: text });
			setText('');
		} catch (e) {
			setError(errorText(e));
		} finally {
			setBusy(false);
		}
	};
	const stop = async () => {
		setStopping(true);
		try {
			await post(`/api/task-attempts/${attempt.id}/stop`);
			toast('Stopped');
		} catch (e) {
			setError(errorText(e));
		} finally {
			setStopping(false);
		}
	};
	return html`<form class="followup" onSubmit=${(ev) => { ev.preventDefault(); send(); }}>
		${error ? html`<div class="banner error" role="alert">${error}</div>` : null}
		<div class="followup-row">
			<label class="sr-only" for="followup-text">Follow-up instructions</label>
			<textarea id="followup-text" rows="2" value=${text} disabled=${busy}
				placeholder=${running ? 'The agent is working… (you can send once it stops)' : hasAgent ? 'Follow-up instructions for the agent (Ctrl+Enter to send)' : 'Instructions for the agent'}
				onInput=${(ev) => setText(ev.target.value)}
				onKeyDown=${(ev) => { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); send(); } }}></textarea>
			${running
				? html`<button type="button" class="danger big" onClick=${stop} disabled=${stopping}>${stopping ? html`<${Spinner} /> Stopping…` : 'Stop'}</button>`
				: html`<button type="submit" class="primary big" disabled=${busy || !text.trim()}>${busy ? html`<${Spinner} /> Sending…` : 'Send'}</button>`}
		</div>
	</form>`;
}
