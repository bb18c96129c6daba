// images.js: images attached to tasks (docs/API.md §10): upload from a
// file picker or a paste into the description, thumbnails, the gallery
// of a task. A task's description refers to its images as
// ![name](.vibe-images/<file_path>), as the original does; the node
// rewrites those links for the agent, markdown.js shows them.

import { useEffect, useRef, useState } from 'preact/hooks';

import { ApiError, get } from './api.js';
import { ErrorBox, Spinner, html } from './ui.js';

const MAX_BYTES = 20 * 1024 * 1024;
const ACCEPT = 'image/png,image/jpeg,image/gif,image/webp,image/bmp,image/svg+xml';

export const imageFileUrl = (img) => `/api/images/${img.id}/file`;
export const imageMarkdown = (img) => `![${(img.original_name || 'image').replace(/[[\]]/g, '')}](.vibe-images/${img.file_path})`;

// One upload (multipart, field "image"); resolves to the Image.
export async function uploadImage(file, taskId) {
	if (file.size > MAX_BYTES)
		throw new ApiError(`Image too large: ${file.size} bytes (max: ${MAX_BYTES} bytes)`, 413);
	const body = new FormData();
	body.append('image', file, file.name || 'pasted.png');
	const path = taskId ? `/api/images/task/${taskId}/upload` : '/api/images/upload';
	let res;
	try {
		res = await fetch(path, { method: 'POST', body, headers: { Accept: 'application/json' } });
	} catch {
		throw new ApiError('cannot reach the node', 0);
	}
	let env = null;
	try {
		env = await res.json();
	} catch {
		/* nginx's own error page */
	}
	if (!res.ok || !env || !env.success)
		throw new ApiError((env && env.message) || res.statusText, res.status, env && env.error_data);
	return env.data;
}

/*
 * The images of a task form: a button (and paste) to add, thumbnails
 * with a remove button each. `images` is the list of Image objects;
 * onAdd(img) / onRemove(img) update it (and the description).
 */
export function ImagePicker({ images, taskId, onAdd, onRemove, pasteTarget }) {
	const [busy, setBusy] = useState(0);
	const [error, setError] = useState(null);
	const input = useRef(null);
	const add = async (files) => {
		setError(null);
		for (const f of files) {
			setBusy((n) => n + 1);
			try {
				onAdd(await uploadImage(f, taskId));
			} catch (e) {
				setError(e);
			} finally {
				setBusy((n) => n - 1);
			}
		}
	};
	// A pasted image (screenshot) in the description uploads too.
	useEffect(() => {
		const el = pasteTarget && pasteTarget.current;
		if (!el)
			return undefined;
		const paste = (ev) => {
			const files = [...(ev.clipboardData ? ev.clipboardData.files : [])].filter((f) => f.type.startsWith('image/'));
			if (files.length) {
				ev.preventDefault();
				add(files);
			}
		};
		el.addEventListener('paste', paste);
		return () => el.removeEventListener('paste', paste);
	}, [pasteTarget, taskId]);
	return html`<div class="image-picker">
		<div class="thumbs" role="list" aria-label="Attached images">
			${images.map((img) => html`<figure key=${img.id} class="thumb" role="listitem">
				<img src=${imageFileUrl(img)} alt=${img.original_name || 'image'} loading="lazy" />
				<button type="button" class="icon small" aria-label=${`Remove ${img.original_name || 'image'}`}
					onClick=${() => onRemove(img)}>✕</button>
			</figure>`)}
			${busy ? html`<span class="thumb busy"><${Spinner} label="Uploading" /></span>` : null}
		</div>
		<input ref=${input} type="file" accept=${ACCEPT} multiple class="sr-only" tabindex="-1" aria-label="Image files"
			onChange=${(ev) => { add([...ev.target.files]); ev.target.value = ''; }} />
		<button type="button" class="small" onClick=${() => input.current.click()}>Attach images…</button>
		<span class="muted small"> or paste one into the description</span>
		<${ErrorBox} error=${error} title="Upload failed" />
	</div>`;
}

// The images of a task (read-only), linked to the full size.
export function Gallery({ taskId, version }) {
	const [list, setList] = useState(null);
	useEffect(() => {
		let gone = false;
		get(`/api/images/task/${taskId}`).then((l) => !gone && setList(l), () => !gone && setList([]));
		return () => { gone = true; };
	}, [taskId, version]);
	if (!list || list.length === 0)
		return null;
	return html`<div class="gallery" role="list" aria-label="Images">
		${list.map((img) => html`<a key=${img.id} role="listitem" class="thumb" href=${imageFileUrl(img)} target="_blank" rel="noopener">
			<img src=${imageFileUrl(img)} alt=${img.original_name || 'image'} loading="lazy" /></a>`)}
	</div>`;
}
