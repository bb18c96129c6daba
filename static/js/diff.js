// diff.js: a line diff (Myers' O(ND) algorithm) of two texts and its
// grouping into hunks with context, for the diffs panel: the node sends
// whole old/new file contents, not hunks.

const MAX_D = 4000;	// beyond this many changed lines: show as replaced

function splitLines(s) {
	if (!s)
		return [];
	const a = s.split('\n');
	if (a[a.length - 1] === '')
		a.pop();
	return a;
}

/*
 * The edit script between lines a and b as a list of
 * {t: ' '|'-'|'+', text, o (old line no.), n (new line no.)}.
 */
function myers(a, b) {
	// Common prefix and suffix first: most edits are small.
	let pre = 0;
	while (pre < a.length && pre < b.length && a[pre] === b[pre])
		pre++;
	let suf = 0;
	while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
		suf++;
	const A = a.slice(pre, a.length - suf);
	const B = b.slice(pre, b.length - suf);
	const N = A.length;
	const M = B.length;
	const max = N + M;
	const mid = [];
	if (N === 0 || M === 0 || max === 0) {
		for (const x of A)
			mid.push(['-', x]);
		for (const y of B)
			mid.push(['+', y]);
	} else {
		const off = max + 1;
		let v = new Int32Array(2 * max + 3);
		const trace = [];
		let found = false;
		for (let d = 0; d <= Math.min(max, MAX_D) && !found; d++) {
			trace.push(v.slice());
			for (let k = -d; k <= d; k += 2) {
				let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
				let y = x - k;
				while (x < N && y < M && A[x] === B[y]) {
					x++;
					y++;
				}
				v[off + k] = x;
				if (x >= N && y >= M) {
					found = true;
					break;
				}
			}
		}
		if (!found) {
			for (const x of A)
				mid.push(['-', x]);
			for (const y of B)
				mid.push(['+', y]);
		} else {
			// Walk the trace back from (N, M).
			let x = N;
			let y = M;
			const rev = [];
			for (let d = trace.length - 1; d > 0; d--) {
				v = trace[d];
				const k = x - y;
				const prevK = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? k + 1 : k - 1;
				const px = v[off + prevK];
				const py = px - prevK;
				while (x > px && y > py) {
					rev.push([' ', A[x - 1]]);
					x--;
					y--;
				}
				if (x === px)
					rev.push(['+', B[y - 1]]);
				else
					rev.push(['-', A[x - 1]]);
				x = px;
				y = py;
			}
			while (x > 0 && y > 0) {
				rev.push([' ', A[x - 1]]);
				x--;
				y--;
			}
			mid.push(...rev.reverse());
		}
	}
	const out = [];
	let o = 1;
	let n = 1;
	const push = (t, text) => {
		out.push({ t, text, o: t === '+' ? null : o, n: t === '-' ? null : n });
		if (t !== '+')
			o++;
		if (t !== '-')
			n++;
	};
	for (let i = 0; i < pre; i++)
		push(' ', a[i]);
	for (const [t, text] of mid)
		push(t, text);
	for (let i = a.length - suf; i < a.length; i++)
		push(' ', a[i]);
	return out;
}

/*
 * Diff of two texts (null reads as empty): {lines, additions, deletions}.
 * With ignoreWs, lines equal but for whitespace count as unchanged.
 */
export function diffTexts(oldText, newText, ignoreWs = false) {
	const a = splitLines(oldText);
	const b = splitLines(newText);
	let lines;
	if (ignoreWs) {
		const norm = (s) => s.replace(/\s+/g, ' ').trim();
		const na = a.map(norm);
		const nb = b.map(norm);
		lines = myers(na, nb);
		// Show the new text of unchanged lines, the real text of the others.
		let ia = 0;
		let ib = 0;
		for (const l of lines) {
			if (l.t === ' ') {
				l.text = b[ib++];
				ia++;
			} else if (l.t === '-') {
				l.text = a[ia++];
			} else {
				l.text = b[ib++];
			}
		}
	} else {
		lines = myers(a, b);
	}
	let additions = 0;
	let deletions = 0;
	for (const l of lines) {
		if (l.t === '+')
			additions++;
		else if (l.t === '-')
			deletions++;
	}
	return { lines, additions, deletions };
}

/*
 * Hunks: runs of changes with `context` unchanged lines around them;
 * the unchanged runs between are {gap: count, from} entries.
 */
export function hunks(lines, context = 3) {
	const keep = new Uint8Array(lines.length);
	lines.forEach((l, i) => {
		if (l.t !== ' ')
			for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++)
				keep[j] = 1;
	});
	const out = [];
	let i = 0;
	while (i < lines.length) {
		if (keep[i]) {
			out.push(lines[i]);
			i++;
		} else {
			const from = i;
			while (i < lines.length && !keep[i])
				i++;
			out.push({ gap: i - from, from });
		}
	}
	return out;
}
