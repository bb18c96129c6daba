// markdown.js: a small Markdown renderer for task descriptions, building
// Preact vnodes (never HTML strings, never innerHTML): text is always a
// text node, so nothing in a description can inject markup or script.
//
// Blocks: paragraphs (a single newline is a line break, as task
// descriptions are written), # headings, ``` fenced code, - * + and 1.
// lists, > quotes. Inline: `code`, **bold**, *em* / _em_, [text](url),
// ![alt](src) and bare http(s) URLs.
// Links: http(s), mailto and same-origin paths only (no javascript:).
// Images load only from this node: `.vibe-images/<id>.<ext>` (how a task
// refers to its attached images, docs/API.md §10) and /api/images/...;
// any other image source is shown as a link.

import { h } from 'preact';

const SAFE_LINK = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;

// The node URL of an image source, or null when it is not one of ours.
export function imageUrl(src) {
	const m = /^(?:\.\/)?\.vibe-images\/([0-9a-f-]{36})\.[a-z0-9]+$/i.exec(src);
	if (m)
		return `/api/images/${m[1]}/file`;
	if (/^\/api\/images\/[0-9a-f-]{36}\/file$/i.test(src))
		return src;
	return null;
}

// Inline spans of one text run -> array of strings and vnodes.
const INLINE = /(`+)([\s\S]*?[^`])\1(?!`)|!\[([^\]]*)\]\(([^)\s]*)\)|\[([^\]]+)\]\(([^)\s]*)\)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|\b_([^_\s][^_]*)_\b|(https?:\/\/[^\s<>()]+[^\s<>().,;:!?'"])/g;

export function inline(text) {
	const out = [];
	const re = new RegExp(INLINE.source, 'g');	// own lastIndex: inline() recurses
	let last = 0;
	let m;
	while ((m = re.exec(text)) !== null) {
		if (m.index > last)
			out.push(text.slice(last, m.index));
		if (m[1] !== undefined) {
			out.push(h('code', null, m[2]));
		} else if (m[4] !== undefined) {
			const url = imageUrl(m[4]);
			out.push(url ? h('img', { src: url, alt: m[3], loading: 'lazy', class: 'md-img' })
				: SAFE_LINK.test(m[4]) ? h('a', { href: m[4], target: '_blank', rel: 'noopener noreferrer' }, m[3] || m[4])
				: `![${m[3]}](${m[4]})`);
		} else if (m[5] !== undefined) {
			out.push(SAFE_LINK.test(m[6])
				? h('a', { href: m[6], target: m[6].startsWith('/') || m[6].startsWith('#') ? undefined : '_blank', rel: 'noopener noreferrer' }, inline(m[5]))
				: m[0]);
		} else if (m[7] !== undefined || m[8] !== undefined) {
			out.push(h('strong', null, inline(m[7] || m[8])));
		} else if (m[9] !== undefined || m[10] !== undefined) {
			out.push(h('em', null, inline(m[9] || m[10])));
		} else {
			out.push(h('a', { href: m[11], target: '_blank', rel: 'noopener noreferrer' }, m[11]));
		}
		last = m.index + m[0].length;
	}
	if (last < text.length)
		out.push(text.slice(last));
	return out;
}

// Paragraph lines: inline markup, a <br> between lines.
function lines(ls) {
	const out = [];
	ls.forEach((l, i) => {
		if (i > 0)
			out.push(h('br', null));
		out.push(...inline(l));
	});
	return out;
}

const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;

// Markdown source -> array of block vnodes.
export function blocks(src) {
	const ls = String(src || '').replace(/\r\n?/g, '\n').split('\n');
	const out = [];
	let i = 0;
	while (i < ls.length) {
		const l = ls[i];
		let m;
		if (/^\s*$/.test(l)) {
			i++;
		} else if ((m = /^\s*(```+|~~~+)\s*([\w+-]*)\s*$/.exec(l))) {
			const fence = m[1];
			const body = [];
			for (i++; i < ls.length && !ls[i].trim().startsWith(fence); i++)
				body.push(ls[i]);
			i++;
			out.push(h('pre', { class: 'md-code' }, h('code', m[2] ? { 'data-lang': m[2] } : null, body.join('\n'))));
		} else if ((m = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l))) {
			// Inside a panel the levels start below its title.
			out.push(h(`h${Math.min(6, m[1].length + 2)}`, { class: 'md-h' }, inline(m[2])));
			i++;
		} else if (/^\s*>/.test(l)) {
			const q = [];
			for (; i < ls.length && /^\s*>/.test(ls[i]); i++)
				q.push(ls[i].replace(/^\s*>\s?/, ''));
			out.push(h('blockquote', null, blocks(q.join('\n'))));
		} else if ((m = LIST_ITEM.exec(l))) {
			const ordered = /\d/.test(m[2]);
			const items = [];
			for (; i < ls.length; i++) {
				const im = LIST_ITEM.exec(ls[i]);
				if (im && /\d/.test(im[2]) === ordered)
					items.push([im[3]]);
				else if (items.length && /^\s{2,}\S/.test(ls[i]))
					items[items.length - 1].push(ls[i].trim());	// continuation line
				else
					break;
			}
			const start = ordered ? parseInt(m[2], 10) : null;
			out.push(h(ordered ? 'ol' : 'ul', start && start !== 1 ? { start } : null,
				items.map((it) => h('li', null, lines(it)))));
		} else {
			const p = [];
			// The first line always belongs here (e.g. "``` x y", not a fence).
			for (; i < ls.length && !/^\s*$/.test(ls[i]) && (p.length === 0 || (!/^\s*(```|~~~)/.test(ls[i])
				&& !/^#{1,6}\s/.test(ls[i]) && !/^\s*>/.test(ls[i]) && !LIST_ITEM.test(ls[i]))); i++)
				p.push(ls[i]);
			out.push(h('p', null, lines(p)));
		}
	}
	return out;
}

export function Markdown({ text, class: cls }) {
	return h('div', { class: `markdown${cls ? ` ${cls}` : ''}` }, blocks(text));
}

// Plain text of a description for a card: markup dropped, images named.
export function plainText(src) {
	return String(src || '')
		.replace(/!\[([^\]]*)\]\([^)]*\)/g, (_, a) => (a ? `[${a}]` : '[image]'))
		.replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
		.replace(/```+[\w+-]*|`|\*\*|__|^#{1,6}\s+|^\s*>\s?/gm, '')
		.replace(/\s+/g, ' ')
		.trim();
}
