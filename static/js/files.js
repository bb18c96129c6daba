// files.js: browse the attempt's worktree: directories, then a file's
// text with line numbers (the node refuses binary and over-1-MiB files
// with a message, shown as is).

import { useState } from 'preact/hooks';

import { encPath, get, qs } from './api.js';
import { ErrorBox, Loading, html, useLoad } from './ui.js';

export function FilesPanel({ attempt }) {
	const [dir, setDir] = useState('');
	const [file, setFile] = useState(null);
	const list = useLoad(() => get(`/api/task-attempts/${attempt.id}/files${qs({ path: dir || null })}`), [attempt.id, dir]);
	const parts = dir ? dir.split('/') : [];
	return html`<div class="files">
		<nav class="crumbs" aria-label="Folder">
			<button type="button" class="link" onClick=${() => { setDir(''); setFile(null); }}>worktree</button>
			${parts.map((p, i) => html` / <button type="button" class="link" onClick=${() => { setDir(parts.slice(0, i + 1).join('/')); setFile(null); }}>${p}</button>`)}
			${file ? html` / <strong>${file.split('/').pop()}</strong>` : null}
		</nav>
		${file ? html`<${FileView} attempt=${attempt} path=${file} onBack=${() => setFile(null)} />` : html`
			<${ErrorBox} error=${list.error} onRetry=${list.reload} />
			${list.loading && !list.data ? html`<${Loading} />` : null}
			${list.data ? html`<ul class="dir-list">
				${dir ? html`<li><button type="button" class="link" onClick=${() => setDir(parts.slice(0, -1).join('/'))}>📁 ..</button></li>` : null}
				${list.data.entries.length === 0 ? html`<li class="muted">(empty)</li>` : null}
				${list.data.entries.map((e) => html`<li key=${e.path}>
					<button type="button" class="link" onClick=${() => (e.is_directory ? setDir(e.path) : setFile(e.path))}>
						${e.is_directory ? '📁' : '📄'} ${e.name}</button></li>`)}
			</ul>` : null}`}
	</div>`;
}

function FileView({ attempt, path, onBack }) {
	const f = useLoad(() => get(`/api/task-attempts/${attempt.id}/files/${encPath(path)}`), [attempt.id, path]);
	if (f.error)
		return html`<div><${ErrorBox} error=${f.error} /><button type="button" onClick=${onBack}>Back</button></div>`;
	if (!f.data)
		return html`<${Loading} />`;
	const lines = f.data.content.split('\n');
	if (lines[lines.length - 1] === '')
		lines.pop();
	return html`<div class="file-view">
		<div class="muted small">${f.data.size_bytes} bytes${f.data.language ? ` · ${f.data.language}` : ''}${f.data.truncated ? ' · truncated' : ''}</div>
		<table class="code-table"><tbody>${lines.map((l, i) => html`<tr><td class="ln">${i + 1}</td><td class="code">${l}</td></tr>`)}</tbody></table>
	</div>`;
}
