// diffs.js: the attempt's changes against the merge base: a summary
// ("N files changed +A −D"), a file tree, and one card per file with a
// unified diff computed here from the old and new contents (the node
// sends whole files, design §2.4). Colours mark added and removed
// lines; no language-specific highlighting.

import { useEffect, useMemo, useState } from 'preact/hooks';

import { get } from './api.js';
import { diffTexts, hunks } from './diff.js';
import { Loading, html, plural, useStream } from './ui.js';

const LABEL = { deleted: 'Deleted', renamed: 'Renamed', copied: 'Copied', permissionChange: 'Permission changed', added: 'Added' };
const START_COLLAPSED = new Set(['deleted', 'renamed', 'copied', 'permissionChange']);
const MAX_RENDER_LINES = 5000;

const pathOf = (d) => d.newPath || d.oldPath || '';

// The diff of an attempt as a live document {entries: {path: PatchType}}:
// one add per file, then live add/remove per changed file (docs/API.md
// §8b). statsOnly: the same without contents (line counts only), for the
// summary; the full stream is open only while its pane is shown.
export function useDiff(attemptId, report, { statsOnly = false, enabled = true } = {}) {
	const name = statsOnly ? 'diff-stats' : 'diff';
	const q = statsOnly ? '?stats_only=true' : '';
	const s = useStream(enabled ? `${attemptId}${q}` : null, () => ({
		ws: `/api/task-attempts/${attemptId}/diff/ws${q}`,
		initial: { entries: {} },
		poll: async () => {
			const d = await get(`/api/task-attempts/${attemptId}/diff${q}`);
			const entries = {};
			for (const [p, diff] of Object.entries(d.entries || {}))
				entries[p] = { type: 'DIFF', content: diff };
			return { doc: { entries } };
		},
		pollMs: 2000,
	}));
	useEffect(() => {
		if (report)
			report(name, enabled ? s.status : null);
	}, [s.status, enabled]);
	useEffect(() => () => report && report(name, null), []);
	return s;
}

// "N files, +A -D" from a stats-only document (counts null for binary files).
export function diffSummary(doc) {
	if (!doc)
		return null;
	let files = 0;
	let additions = 0;
	let deletions = 0;
	for (const e of Object.values(doc.entries || {})) {
		if (!e || e.type !== 'DIFF' || !e.content)
			continue;
		files++;
		additions += e.content.additions || 0;
		deletions += e.content.deletions || 0;
	}
	return { files, additions, deletions };
}

// Diffs with their line diff and counts, in the server's order.
function useFiles(doc, ignoreWs) {
	return useMemo(() => {
		if (!doc)
			return null;
		return Object.values(doc.entries || {})
			.filter((e) => e && e.type === 'DIFF' && e.content)
			.map((e) => {
				const d = e.content;
				if (d.contentOmitted || (d.oldContent === null && d.newContent === null))
					return { d, path: pathOf(d), additions: d.additions || 0, deletions: d.deletions || 0, lines: null };
				const r = diffTexts(d.oldContent, d.newContent, ignoreWs);
				return { d, path: pathOf(d), additions: r.additions, deletions: r.deletions, lines: r.lines };
			});
	}, [doc, ignoreWs]);
}

export function DiffsPanel({ diff, summary }) {
	const [ignoreWs, setIgnoreWs] = useState(false);
	const [collapsed, setCollapsed] = useState({});
	const files = useFiles(diff.doc, ignoreWs);
	if (!files)
		return html`<${Loading} text="Computing the diff…" />`;
	// The header's counts: the stats stream's (git's own line counts) while
	// it agrees on the files, else what this pane computed.
	const own = { additions: files.reduce((s, f) => s + f.additions, 0), deletions: files.reduce((s, f) => s + f.deletions, 0) };
	const sum = summary && summary.files === files.length && !ignoreWs ? summary : own;
	const add = sum.additions;
	const delN = sum.deletions;
	const isCollapsed = (f) => (f.path in collapsed ? collapsed[f.path] : START_COLLAPSED.has(f.d.change));
	const setAll = (v) => setCollapsed(Object.fromEntries(files.map((f) => [f.path, v])));
	if (files.length === 0)
		return html`<div class="empty"><p><strong>No changes yet.</strong></p><p class="muted">Changes the agent makes in the worktree show up here.</p></div>`;
	return html`<div class="diffs">
		<div class="diff-head">
			<span class="diff-summary"><strong>${plural(files.length, 'file')} changed</strong>
				<span class="add"> +${add}</span> <span class="del">−${delN}</span></span>
			<span class="grow"></span>
			<label class="check small"><input type="checkbox" checked=${ignoreWs} onChange=${(ev) => setIgnoreWs(ev.target.checked)} /> Ignore whitespace</label>
			<button type="button" class="small" onClick=${() => setAll(true)}>Collapse all</button>
			<button type="button" class="small" onClick=${() => setAll(false)}>Expand all</button>
		</div>
		<div class="diff-layout">
			<${FileTree} files=${files} />
			<div class="diff-cards">
				${files.map((f) => html`<${DiffCard} key=${f.path} f=${f} collapsed=${isCollapsed(f)}
					onToggle=${() => setCollapsed({ ...collapsed, [f.path]: !isCollapsed(f) })} />`)}
			</div>
		</div>
	</div>`;
}

// Files grouped by directory, with their counts; a click scrolls to the card.
function FileTree({ files }) {
	const dirs = new Map();
	for (const f of files) {
		const i = f.path.lastIndexOf('/');
		const dir = i < 0 ? '' : f.path.slice(0, i);
		if (!dirs.has(dir))
			dirs.set(dir, []);
		dirs.get(dir).push(f);
	}
	const go = (ev, path) => {
		ev.preventDefault();
		const el = document.getElementById(`diff-${path}`);
		if (el) {
			el.scrollIntoView({ block: 'start' });
			const btn = el.querySelector('button');
			if (btn)
				btn.focus({ preventScroll: true });
		}
	};
	return html`<nav class="file-tree" aria-label="Changed files"><ul>
		${[...dirs.keys()].sort().map((dir) => html`<li key=${dir}>
			${dir ? html`<div class="tree-dir mono">${dir}/</div>` : null}
			<ul>${dirs.get(dir).map((f) => html`<li key=${f.path}><a href=${`#diff-${f.path}`} onClick=${(ev) => go(ev, f.path)} class=${`tree-file change-${f.d.change}`}>
				<span class="mono">${f.path.slice(dir ? dir.length + 1 : 0)}</span>
				<span class="counts"><span class="add">+${f.additions}</span> <span class="del">−${f.deletions}</span></span>
			</a></li>`)}</ul></li>`)}
	</ul></nav>`;
}

function DiffCard({ f, collapsed, onToggle }) {
	const d = f.d;
	const title = d.change === 'renamed' || d.change === 'copied' ? `${d.oldPath} → ${d.newPath}` : f.path;
	return html`<section class="diff-card" id=${`diff-${f.path}`}>
		<header>
			<button type="button" class="diff-toggle" aria-expanded=${!collapsed} onClick=${onToggle}>
				<span aria-hidden="true">${collapsed ? '▸' : '▾'}</span>
				<span class="mono path">${title}</span>
			</button>
			${LABEL[d.change] ? html`<span class=${`chip change-${d.change}`}>${LABEL[d.change]}</span>` : null}
			<span class="counts"><span class="add">+${f.additions}</span> <span class="del">−${f.deletions}</span></span>
		</header>
		${collapsed ? null : html`<${DiffBody} f=${f} />`}
	</section>`;
}

function DiffBody({ f }) {
	const [shown, setShown] = useState({});	// gaps the reader opened
	const d = f.d;
	if (!f.lines) {
		const why = d.contentOmitted ? 'Content not shown (file too large or diff budget reached).' : 'Binary file or not UTF-8: no text diff.';
		return html`<p class="muted small diff-note">${why}</p>`;
	}
	if (f.additions === 0 && f.deletions === 0)
		return html`<p class="muted small diff-note">${d.change === 'permissionChange' ? 'Only the file mode changed.' : 'No content changes.'}</p>`;
	if (f.lines.length > MAX_RENDER_LINES && !shown.all)
		return html`<p class="muted small diff-note">A large diff (${f.lines.length} lines).
			<button type="button" class="link" onClick=${() => setShown({ all: true })}>Show it anyway</button></p>`;
	const rows = [];
	for (const h of hunks(f.lines)) {
		if (h.gap !== undefined) {
			if (shown[h.from]) {
				for (let i = h.from; i < h.from + h.gap; i++)
					rows.push(f.lines[i]);
			} else {
				rows.push(h);
			}
		} else {
			rows.push(h);
		}
	}
	return html`<table class="diff-table"><tbody>
		${rows.map((r) => (r.gap !== undefined
			? html`<tr class="gap"><td colspan="4"><button type="button" class="link small" onClick=${() => setShown({ ...shown, [r.from]: true })}>
				⋯ ${plural(r.gap, 'unchanged line')}</button></td></tr>`
			: html`<tr class=${r.t === '+' ? 'add' : r.t === '-' ? 'del' : ''}>
				<td class="ln">${r.o || ''}</td><td class="ln">${r.n || ''}</td><td class="sign">${r.t}</td><td class="code">${r.text}</td></tr>`))}
	</tbody></table>`;
}


