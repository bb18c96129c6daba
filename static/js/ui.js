// ui.js: pieces every screen uses: the htm binding, dialogs, the live
// status badge, spinners, toasts, small formatting helpers and hooks.

import { h } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import htm from 'htm';

import { openStream } from './stream.js';

export const html = htm.bind(h);

export const STATUSES = [
	['todo', 'To Do'],
	['inprogress', 'In Progress'],
	['inreview', 'In Review'],
	['done', 'Done'],
	['cancelled', 'Cancelled'],
];
export const statusLabel = (s) => (STATUSES.find(([k]) => k === s) || [s, s])[1];

/* ------------------------------------------------------------ formatting */

export function relTime(iso) {
	const t = Date.parse(iso);
	if (!Number.isFinite(t))
		return '';
	const s = Math.round((Date.now() - t) / 1000);
	if (s < 45)
		return 'just now';
	const steps = [[60, 'minute'], [3600, 'hour'], [86400, 'day'], [2592000, 'month'], [31536000, 'year']];
	let unit = steps[0];
	for (const st of steps)
		if (s >= st[0])
			unit = st;
	const n = Math.round(s / unit[0]);
	return `${n} ${unit[1]}${n === 1 ? '' : 's'} ago`;
}

export function duration(fromIso, toIso) {
	const a = Date.parse(fromIso);
	const b = toIso ? Date.parse(toIso) : Date.now();
	if (!Number.isFinite(a) || !Number.isFinite(b))
		return '';
	const s = Math.max(0, Math.round((b - a) / 1000));
	return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${Math.floor(s / 3600)}h ${Math.floor(s / 60) % 60}m`;
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

/* ----------------------------------------------------------------- hooks */

// A live document from openStream; restarts when `key` changes.
// Returns {doc, status, message, stream}.
export function useStream(key, makeOpts) {
	const [state, setState] = useState({ doc: null, status: 'connecting', message: null, key });
	const ref = useRef(null);
	useEffect(() => {
		if (key === null || key === undefined)
			return undefined;
		setState({ doc: null, status: 'connecting', message: null, key });
		const opts = makeOpts();
		const s = openStream({
			...opts,
			onDoc: (doc) => setState((st) => ({ ...st, doc, key })),
			onStatus: (status, message) => setState((st) => ({ ...st, status, message, key })),
		});
		ref.current = s;
		return () => {
			s.close();
			ref.current = null;
		};
	}, [key]);
	// A stale state (key just changed) reads as loading.
	const fresh = state.key === key;
	return {
		doc: fresh ? state.doc : null,
		status: fresh ? state.status : 'connecting',
		message: fresh ? state.message : null,
		stream: ref.current,
	};
}

// Re-run an async loader when deps change; {data, error, loading, reload}.
export function useLoad(fn, deps) {
	const [st, setSt] = useState({ data: null, error: null, loading: true });
	const gen = useRef(0);
	const run = () => {
		const g = ++gen.current;
		setSt((s) => ({ ...s, loading: true }));
		fn().then((data) => g === gen.current && setSt({ data, error: null, loading: false }),
			(error) => g === gen.current && setSt((s) => ({ data: s.data, error, loading: false })));
	};
	useEffect(run, deps);
	return { ...st, reload: run };
}

export function useInterval(fn, ms, deps = []) {
	const saved = useRef(fn);
	saved.current = fn;
	useEffect(() => {
		if (!ms)
			return undefined;
		const t = setInterval(() => {
			if (!document.hidden)
				saved.current();
		}, ms);
		return () => clearInterval(t);
	}, [ms, ...deps]);
}

export function useMedia(query) {
	const [on, setOn] = useState(() => matchMedia(query).matches);
	useEffect(() => {
		const m = matchMedia(query);
		const f = () => setOn(m.matches);
		m.addEventListener('change', f);
		return () => m.removeEventListener('change', f);
	}, [query]);
	return on;
}

/* ----------------------------------------------------------- components */

// A component from a module loaded on first use (not on the board's
// critical path): lazy(() => import('./task.js'), 'TaskPanel').
export function lazy(load, name) {
	let mod = null;
	let pending = null;
	const get = () => (pending ||= load().then((m) => { mod = m; return m; }));
	function Lazy(props) {
		const [, setTick] = useState(0);
		const [error, setError] = useState(null);
		useEffect(() => {
			if (!mod)
				get().then(() => setTick((n) => n + 1), setError);
		}, []);
		if (error)
			return html`<${ErrorBox} error=${error} title="Cannot load this part of the page" />`;
		return mod ? h(mod[name], props) : null;
	}
	Lazy.preload = get;
	return Lazy;
}

export const Spinner = ({ label = 'Loading' }) =>
	html`<span class="spinner" role="status" aria-label=${label}></span>`;

export function Loading({ text = 'Loading…' }) {
	return html`<div class="loading"><${Spinner} label=${text} /> <span>${text}</span></div>`;
}

export function ErrorBox({ error, onRetry, title }) {
	if (!error)
		return null;
	return html`<div class="banner error" role="alert">
		${title ? html`<strong>${title}: </strong>` : null}
		<span>${typeof error === 'string' ? error : error.message}</span>
		${onRetry ? html` <button type="button" class="link" onClick=${onRetry}>Retry</button>` : null}
	</div>`;
}

const LIVE_TEXT = {
	connecting: ['Connecting…', 'wait'],
	live: ['Live', 'ok'],
	reconnecting: ['Reconnecting…', 'wait'],
	polling: ['Polling', 'poll'],
	finished: ['Up to date', 'ok'],
	failed: ['Offline', 'bad'],
};
const LIVE_TIP = {
	live: 'Live updates over a WebSocket stream',
	polling: 'The live stream is not available: refreshing from the REST API every few seconds',
	finished: 'Complete: nothing more will change',
};

// The connection state of a view's streams (worst of them).
export function LiveBadge({ status, message }) {
	const [text, cls] = LIVE_TEXT[status] || LIVE_TEXT.connecting;
	return html`<span class=${`live live-${cls}`} role="status" data-live=${status}
		title=${message || LIVE_TIP[status] || text}>${text}</span>`;
}

const RANK = { failed: 5, reconnecting: 4, connecting: 3, polling: 2, live: 1, finished: 0 };
export const worstStatus = (...ss) => ss.filter(Boolean).sort((a, b) => RANK[b] - RANK[a])[0] || 'finished';

/*
 * A modal dialog on the native <dialog>: focus moves into it and is
 * trapped, Esc closes it, the page behind is inert. Ctrl/Cmd+Enter
 * submits its form.
 */
export function Dialog({ title, onClose, children, wide, onSubmit, busy }) {
	const ref = useRef(null);
	const id = useRef(`dlg-${Math.random().toString(36).slice(2)}`).current;
	useEffect(() => {
		const d = ref.current;
		if (d && !d.open)
			d.showModal();
		const auto = d && d.querySelector('[autofocus], input, textarea, select');
		if (auto)
			auto.focus();
	}, []);
	const submit = (ev) => {
		ev.preventDefault();
		if (!busy && onSubmit)
			onSubmit();
	};
	const keydown = (ev) => {
		// Tab wraps around inside the dialog (the modal alone lets focus
		// leave for the browser's own controls).
		if (ev.key === 'Tab') {
			const f = [...ref.current.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')]
				.filter((el) => !el.disabled && el.tabIndex >= 0 && el.offsetParent !== null);
			if (f.length && ev.shiftKey && document.activeElement === f[0]) {
				ev.preventDefault();
				f[f.length - 1].focus();
			} else if (f.length && !ev.shiftKey && document.activeElement === f[f.length - 1]) {
				ev.preventDefault();
				f[0].focus();
			}
			return;
		}
		if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey) && onSubmit) {
			ev.preventDefault();
			if (!busy)
				onSubmit();
		}
	};
	return html`<dialog ref=${ref} class=${wide ? 'wide' : ''} aria-labelledby=${id}
			onCancel=${(ev) => { ev.preventDefault(); onClose(); }} onKeyDown=${keydown}>
		<form method="dialog" onSubmit=${submit}>
			<header class="dialog-head">
				<h2 id=${id}>${title}</h2>
				<button type="button" class="icon" aria-label="Close" onClick=${onClose}>✕</button>
			</header>
			${children}
		</form>
	</dialog>`;
}

export function DialogButtons({ onClose, submit = 'Save', busy, danger, disabled }) {
	return html`<footer class="dialog-foot">
		<button type="button" onClick=${onClose}>Cancel</button>
		<button type="submit" class=${danger ? 'danger' : 'primary'} disabled=${busy || disabled}>
			${busy ? html`<${Spinner} label="Working" /> ` : null}${submit}
		</button>
	</footer>`;
}

// "Are you sure?" for destructive actions; onConfirm may be async.
export function Confirm({ title, children, confirm = 'Delete', danger = true, onConfirm, onClose }) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	const go = async () => {
		setBusy(true);
		setError(null);
		try {
			await onConfirm();
			onClose();
		} catch (e) {
			setError(e);
			setBusy(false);
		}
	};
	return html`<${Dialog} title=${title} onClose=${onClose} onSubmit=${go} busy=${busy}>
		<div class="dialog-body">${children}<${ErrorBox} error=${error} /></div>
		<${DialogButtons} onClose=${onClose} submit=${confirm} busy=${busy} danger=${danger} />
	</${Dialog}>`;
}

/* ---------------------------------------------------------------- toasts */

let toastSet = null;
let toastSeq = 0;

export function toast(text, kind = 'info') {
	if (!toastSet)
		return;
	const id = ++toastSeq;
	toastSet((l) => [...l.slice(-3), { id, text, kind }]);
	setTimeout(() => toastSet((l) => l.filter((t) => t.id !== id)), kind === 'error' ? 8000 : 4000);
}

export function Toasts() {
	const [list, setList] = useState([]);
	toastSet = setList;
	return html`<div class="toasts" aria-live="polite">
		${list.map((t) => html`<div key=${t.id} class=${`toast ${t.kind}`} role=${t.kind === 'error' ? 'alert' : 'status'}>${t.text}</div>`)}
	</div>`;
}
