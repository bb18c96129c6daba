// Swarm node frontend (ES module, no bundler, no external resources).
// All text from the API goes into the page through textContent.

const STATUSES = [
  ['todo', 'To do'],
  ['inprogress', 'In progress'],
  ['inreview', 'In review'],
  ['done', 'Done'],
  ['cancelled', 'Cancelled'],
];

const $ = (id) => document.getElementById(id);

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// GET an enveloped API route: {success, data, error_data, message}.
async function api(path) {
  const res = await fetch(path, { headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await res.json();
  } catch {
    throw new Error(`${res.status} ${res.statusText || 'bad reply'}`);
  }
  if (!res.ok || !body || body.success !== true) {
    throw new Error((body && body.message) || `${res.status} ${res.statusText}`);
  }
  return body.data;
}

async function checkHealth() {
  const h = $('health');
  try {
    const res = await fetch('/api/health', { headers: { Accept: 'application/json' } });
    const body = await res.json();
    if (!res.ok || body.status !== 'ok') throw new Error(body.message || `status ${res.status}`);
    h.className = 'ok';
    h.textContent = `node ok${body.version ? ` · ${body.version}` : ''}`;
  } catch (e) {
    h.className = 'bad';
    h.textContent = `node unavailable (${e.message})`;
  }
}

let projects = [];
let currentProject = null;
let boardRequest = 0;

function projectIdFromPath() {
  const m = location.pathname.match(/^\/projects\/([^/]+)/);
  return m ? decodeURIComponent(m[1]) : null;
}

function renderProjects() {
  const list = $('projects');
  list.replaceChildren();
  if (projects.length === 0) {
    list.append(el('li', { class: 'muted', text: 'No projects yet.' }));
    return;
  }
  for (const p of projects) {
    const btn = el('button', { type: 'button', onclick: () => openProject(p.id, true) },
      el('span', { text: p.name || '(unnamed)' }),
      el('span', { class: 'path', text: p.git_repo_path || '' }));
    if (p.id === currentProject) btn.setAttribute('aria-current', 'true');
    list.append(el('li', {}, btn));
  }
}

async function loadProjects() {
  try {
    const data = await api('/api/projects');
    projects = Array.isArray(data) ? data : [];
    renderProjects();
  } catch (e) {
    $('projects').replaceChildren(
      el('li', { class: 'error', text: `Cannot load projects: ${e.message}` }));
  }
}

function renderBoard(tasks) {
  const groups = new Map(STATUSES.map(([s]) => [s, []]));
  const other = [];
  for (const t of tasks) (groups.get(t.status) || other).push(t);
  const columns = STATUSES.map(([s, label]) => [label, groups.get(s)]);
  if (other.length) columns.push(['Other', other]);

  const board = $('board');
  board.replaceChildren();
  for (const [label, items] of columns) {
    const col = el('div', { class: 'column' },
      el('h3', {}, el('span', { text: label }), el('span', { class: 'count', text: String(items.length) })));
    for (const t of items) {
      col.append(el('div', { class: 'task', title: t.id || '', text: t.title || '(untitled)' }));
    }
    board.append(col);
  }
  board.hidden = false;
}

async function openProject(id, push) {
  currentProject = id;
  renderProjects();
  if (push) history.pushState({ id }, '', `/projects/${encodeURIComponent(id)}/tasks`);
  const p = projects.find((x) => x.id === id);
  $('board-title').textContent = p ? `Tasks — ${p.name}` : 'Tasks';
  const hint = $('board-hint');
  hint.className = 'muted';
  hint.textContent = 'Loading tasks…';
  hint.hidden = false;
  const req = ++boardRequest;
  try {
    const data = await api(`/api/tasks?project_id=${encodeURIComponent(id)}`);
    if (req !== boardRequest) return; // another project was picked meanwhile
    const tasks = Array.isArray(data) ? data : [];
    hint.hidden = tasks.length > 0;
    hint.textContent = 'No tasks in this project.';
    renderBoard(tasks);
  } catch (e) {
    if (req !== boardRequest) return;
    $('board').hidden = true;
    hint.className = 'error';
    hint.textContent = `Cannot load tasks: ${e.message}`;
  }
}

function showNoProject() {
  currentProject = null;
  boardRequest++;
  renderProjects();
  $('board-title').textContent = 'Tasks';
  $('board').hidden = true;
  const hint = $('board-hint');
  hint.className = 'muted';
  hint.textContent = 'Pick a project to see its tasks.';
  hint.hidden = false;
}

function route() {
  const id = projectIdFromPath();
  if (id) openProject(id, false);
  else showNoProject();
}

window.addEventListener('popstate', route);

async function main() {
  checkHealth();
  setInterval(checkHealth, 15000);
  await loadProjects();
  route();
}

main();
