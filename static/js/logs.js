// logs.js: the conversation of an attempt, built from its execution
// processes (design §3.1): per coding-agent run the prompt, then its
// normalized entries (messages, tool calls, commands, errors); per
// script one card with its command and output.

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

import { get } from './api.js';
import { Spinner, html, useStream } from './ui.js';

const SCRIPT_NAMES = { SetupScript: 'Setup script', CleanupScript: 'Cleanup script', DevServer: 'Dev server', ToolInstallScript: 'Tool install script' };
const VISIBLE = new Set(['setupscript', 'codingagent', 'cleanupscript']);

export const isAgent = (p) => p.run_reason === 'codingagent';
const actionTyp = (p) => (p.executor_action && p.executor_action.typ) || {};

// Processes shown in the conversation: not dropped, chain order.
export function timeline(processes) {
	return processes.filter((p) => !p.dropped && VISIBLE.has(p.run_reason))
		.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
}

// Raw log entries as {type: STDOUT|STDERR, content}, from REST or WS.
function rawEntry(e) {
	if (e && e.type)
		return e;
	if (e && 'Stdout' in e)
		return { type: 'STDOUT', content: e.Stdout };
	if (e && 'Stderr' in e)
		return { type: 'STDERR', content: e.Stderr };
	return { type: 'STDOUT', content: '' };
}

// One process's log as a live document {entries: [...]}.
export function useProcessLog(proc, kind, report) {
	const key = proc ? `${proc.id}:${kind}` : null;
	const s = useStream(key, () => ({
		ws: `/api/execution-processes/${proc.id}/${kind}/ws`,
		initial: { entries: [] },
		poll: async () => {
			const d = await get(`/api/execution-processes/${proc.id}/${kind}`);
			return { doc: { entries: d.entries }, finished: d.finished };
		},
		pollMs: 1000,
	}));
	useEffect(() => {
		if (report && proc)
			report(`log:${proc.id}`, s.status);
		return () => report && proc && report(`log:${proc.id}`, null);
	}, [s.status, key]);
	return s;
}

export function Conversation({ processes, report, running }) {
	const list = timeline(processes);
	const box = useRef(null);
	const stick = useRef(true);
	// Follow the end while the reader is at the end.
	const onScroll = () => {
		const el = box.current;
		stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
	};
	useLayoutEffect(() => {
		const el = box.current;
		if (el && stick.current)
			el.scrollTop = el.scrollHeight;
	});
	const last = list[list.length - 1];
	return html`<div class="conversation" ref=${box} onScroll=${onScroll} aria-label="Conversation" role="log">
		${list.length === 0 ? html`<p class="muted empty">Nothing has run yet.</p>` : null}
		${list.map((p) => html`<${ProcessBlock} key=${p.id} proc=${p} report=${report} />`)}
		${running ? html`<div class="entry loading-entry"><${Spinner} label="Agent working" /> Working…</div>` : null}
		${!running && last ? html`<${NextAction} proc=${last} />` : null}
	</div>`;
}

function NextAction({ proc }) {
	if (proc.status === 'failed' || proc.status === 'killed')
		return html`<div class="entry next-action bad">
			${proc.status === 'killed' ? 'Stopped.' : `The ${isAgent(proc) ? 'agent' : 'script'} failed${proc.exit_code !== null ? ` (exit code ${proc.exit_code})` : ''}.`}
			Send a follow-up below to try again.</div>`;
	return html`<div class="entry next-action">Done. Review the changes, send a follow-up, or merge.</div>`;
}

function ProcessBlock({ proc, report }) {
	return isAgent(proc) ? html`<${AgentRun} proc=${proc} report=${report} />` : html`<${ScriptRun} proc=${proc} report=${report} />`;
}

function AgentRun({ proc, report }) {
	const log = useProcessLog(proc, 'normalized-logs', report);
	const typ = actionTyp(proc);
	const entries = (log.doc && log.doc.entries) || [];
	return html`<section class="run" aria-label="Agent run">
		${typ.prompt ? html`<div class="entry user"><div class="who">You</div><div class="text">${typ.prompt}</div></div>` : null}
		${entries.map((e, i) => (e && e.type === 'NORMALIZED_ENTRY' ? html`<${Entry} key=${i} e=${e.content} />` : null))}
		${!log.doc && proc.status !== 'running' ? html`<div class="entry muted"><${Spinner} /> Loading log…</div>` : null}
	</section>`;
}

function ScriptRun({ proc, report }) {
	const [open, setOpen] = useState(proc.status !== 'completed');
	const log = useProcessLog(proc, 'raw-logs', report);
	const typ = actionTyp(proc);
	const name = SCRIPT_NAMES[typ.context] || 'Script';
	const lines = ((log.doc && log.doc.entries) || []).map(rawEntry);
	return html`<details class=${`entry tool script status-${proc.status}`} open=${open} onToggle=${(ev) => setOpen(ev.target.open)}>
		<summary><${StatusIcon} status=${proc.status} /> <strong>${name}</strong>
			${proc.exit_code !== null && proc.exit_code !== 0 ? html` <span class="bad">exit ${proc.exit_code}</span>` : null}</summary>
		${typ.script ? html`<pre class="cmd">$ ${typ.script}</pre>` : null}
		<pre class="output">${lines.map((l, i) => html`<span key=${i} class=${l.type === 'STDERR' ? 'stderr' : ''}>${l.content}</span>`)}</pre>
	</details>`;
}

const TOOL_STATUS = { created: 'running', success: 'completed', failed: 'failed', denied: 'failed', timed_out: 'failed' };

function StatusIcon({ status }) {
	if (status === 'running' || status === 'created' || status === 'pending_approval' || status === 'pending_question')
		return html`<${Spinner} label="Running" />`;
	if (status === 'completed' || status === 'success')
		return html`<span class="ok-mark" aria-label="Succeeded">✓</span>`;
	if (status === 'failed' || status === 'killed' || status === 'denied' || status === 'timed_out')
		return html`<span class="bad-mark" aria-label=${status}>✕</span>`;
	return null;
}

// One NormalizedEntry.
function Entry({ e }) {
	const t = (e.entry_type && e.entry_type.type) || 'system_message';
	switch (t) {
	case 'user_message':
		return null;	// the prompt is shown from the process itself
	case 'assistant_message':
		return html`<div class="entry assistant"><div class="who">Agent</div><div class="text">${e.content}</div></div>`;
	case 'thinking':
		return html`<details class="entry thinking"><summary>Thinking</summary><div class="text">${e.content}</div></details>`;
	case 'error_message': {
		const setup = e.entry_type.error_type && e.entry_type.error_type.type === 'setup_required';
		return html`<div class="entry error" role="note"><strong>${setup ? 'Setup required: ' : 'Error: '}</strong><span class="text">${e.content}</span></div>`;
	}
	case 'tool_use':
		return html`<${ToolUse} e=${e} />`;
	case 'loading':
		return html`<div class="entry muted"><${Spinner} /> ${e.content}</div>`;
	case 'user_feedback':
		return html`<div class="entry user"><div class="who">Feedback</div><div class="text">${e.content}</div></div>`;
	default:
		return html`<div class="entry system"><pre class="text">${e.content}</pre></div>`;
	}
}

function ToolUse({ e }) {
	const et = e.entry_type;
	const a = et.action_type || {};
	const st = (et.status && et.status.status) || 'success';
	const icon = html`<${StatusIcon} status=${TOOL_STATUS[st] || st} />`;
	const head = (label, detail) => html`<summary>${icon} <span class="tool-name">${label}</span> ${detail ? html`<code>${detail}</code>` : null}</summary>`;
	switch (a.action) {
	case 'command_run': {
		const out = a.result && a.result.output;
		const exit = a.result && a.result.exit_status;
		return html`<details class="entry tool command" open=${st === 'failed'}>
			${head('Ran', a.command)}
			${out ? html`<pre class="output">${out}</pre>` : null}
			${exit && exit.type === 'exit_code' ? html`<div class="small muted">exit code ${exit.code}</div>` : null}
		</details>`;
	}
	case 'file_read':
		return html`<div class="entry tool line">${icon} <span class="tool-name">Read</span> <code>${a.path}</code></div>`;
	case 'file_edit':
		return html`<details class="entry tool edit">${head('Edited', a.path)}
			${(a.changes || []).map((c, i) => html`<${FileChange} key=${i} c=${c} />`)}</details>`;
	case 'search':
		return html`<div class="entry tool line">${icon} <span class="tool-name">Searched</span> <code>${a.query}</code></div>`;
	case 'web_fetch':
		return html`<div class="entry tool line">${icon} <span class="tool-name">Fetched</span> <code>${a.url}</code></div>`;
	case 'todo_management':
		return html`<div class="entry tool todo"><span class="tool-name">To-do</span>
			<ul>${(a.todos || []).map((t, i) => html`<li key=${i} class=${`todo-${t.status}`}>${t.status === 'completed' ? '☑' : '☐'} ${t.content}</li>`)}</ul></div>`;
	case 'plan_presentation':
		return html`<div class="entry tool plan"><span class="tool-name">Plan</span><div class="text">${a.plan}</div></div>`;
	case 'task_create':
		return html`<div class="entry tool line">${icon} <span class="tool-name">Subtask</span> ${a.description}</div>`;
	case 'tool':
		return html`<details class="entry tool">${head(a.tool_name || et.tool_name || 'Tool')}
			${a.arguments ? html`<pre class="output">${JSON.stringify(a.arguments, null, 2)}</pre>` : null}
			${a.result ? html`<pre class="output">${typeof a.result === 'string' ? a.result : JSON.stringify(a.result, null, 2)}</pre>` : null}
		</details>`;
	default:
		return html`<div class="entry tool line">${icon} <span class="tool-name">${et.tool_name || 'Tool'}</span> ${e.content}</div>`;
	}
}

function FileChange({ c }) {
	switch (c.action) {
	case 'write':
		return html`<pre class="output diff-add">${c.content}</pre>`;
	case 'delete':
		return html`<div class="small bad">deleted</div>`;
	case 'rename':
		return html`<div class="small">renamed to <code>${c.new_path}</code></div>`;
	case 'edit':
		return html`<pre class="output udiff">${(c.unified_diff || '').split('\n').map((l, i) => html`<span key=${i}
			class=${l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : l.startsWith('@@') ? 'hunk' : ''}>${l}\n</span>`)}</pre>`;
	default:
		return null;
	}
}

// Raw output of one process (the processes tab).
export function RawLog({ proc, report }) {
	const log = useProcessLog(proc, 'raw-logs', report);
	const lines = ((log.doc && log.doc.entries) || []).map(rawEntry);
	if (!log.doc)
		return html`<div class="muted"><${Spinner} /> Loading…</div>`;
	return html`<pre class="output raw">${lines.length === 0 ? html`<span class="muted">(no output)</span>` : null}${lines.map((l, i) => html`<span key=${i} class=${l.type === 'STDERR' ? 'stderr' : ''}>${l.content}</span>`)}</pre>`;
}
