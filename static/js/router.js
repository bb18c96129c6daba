// router.js: client-side routes on the history API (nginx serves
// index.html for any path that is not a file or /api).

import { useEffect, useState } from 'preact/hooks';

const listeners = new Set();

function current() {
	return { path: location.pathname, query: new URLSearchParams(location.search) };
}

export function navigate(to, { replace = false } = {}) {
	if (to === location.pathname + location.search)
		return;
	if (replace)
		history.replaceState(null, '', to);
	else
		history.pushState(null, '', to);
	listeners.forEach((fn) => fn(current()));
}

addEventListener('popstate', () => listeners.forEach((fn) => fn(current())));

export function useRoute() {
	const [route, setRoute] = useState(current);
	useEffect(() => {
		listeners.add(setRoute);
		return () => listeners.delete(setRoute);
	}, []);
	return route;
}

// Match '/projects/:p/tasks' style patterns; null or {p: ...}.
export function match(pattern, path) {
	const a = pattern.split('/');
	const b = path.replace(/\/+$/, '').split('/');
	if (a.length !== b.length)
		return null;
	const out = {};
	for (let i = 0; i < a.length; i++) {
		if (a[i].startsWith(':'))
			out[a[i].slice(1)] = decodeURIComponent(b[i]);
		else if (a[i] !== b[i])
			return null;
	}
	return out;
}

// A click on an in-app link navigates without a page load (modifier
// clicks and middle clicks keep the browser's behaviour).
export function onLinkClick(ev) {
	const a = ev.target.closest && ev.target.closest('a[href]');
	if (!a || a.target || a.hasAttribute('download') || ev.defaultPrevented)
		return;
	if (ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey)
		return;
	const url = new URL(a.href, location.href);
	if (url.origin !== location.origin || url.pathname.startsWith('/api/'))
		return;
	ev.preventDefault();
	navigate(url.pathname + url.search);
}
