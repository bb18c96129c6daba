#!/usr/bin/env bash
# frontend.sh: the browser frontend's cold load, run by `make bench`.
# A private stack (MariaDB + swarm-node + nginx with gzip) on free ports,
# one project with 1,000 tasks (SEED_TASKS), then tests/bench/frontend.mjs
# in headless chromium (cache disabled): time to an interactive board and
# bytes transferred. Prints the figures (also to
# tests/bench/last-run-frontend.txt); performance never fails the run.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO_ROOT"
TASKS=${SEED_TASKS:-1000}
OUT=$REPO_ROOT/tests/bench/last-run-frontend.txt

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
DIR=$(mktemp -d /tmp/swarm-bench-web.XXXXXX)
HTTP=$(free_port); HTTPS=$(free_port)
export SWARM_CONF=/dev/null SWARM_VAR="$DIR/stack" SWARM_HTTP_PORT="$HTTP" \
    SWARM_HTTPS_PORT="$HTTPS" SWARM_WORKERS=4 SWARM_LOG_LEVEL=warn
cleanup() { contrib/swarm-stack stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT

# playwright-core, as tests/run.sh installs it.
W=build/web-test
if ! cmp -s web/package-lock.json "$W/package-lock.json" || [ ! -f "$W/node_modules/playwright-core/index.mjs" ]; then
    rm -rf "$W" && mkdir -p "$W" && cp web/package.json web/package-lock.json "$W/"
    (cd "$W" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

contrib/swarm-stack start >/dev/null
B="http://127.0.0.1:$HTTP"
R="$DIR/repo"; mkdir -p "$R"; git -C "$R" init -q -b main
git -C "$R" -c user.name=b -c user.email=b@b commit -q --allow-empty -m init
P=$(curl -fsS -H 'content-type: application/json' "$B/api/projects" \
    -d "{\"name\":\"bench-web\",\"git_repo_path\":\"$R\",\"use_existing_repo\":true}" |
    python3 -c "import sys,json; print(json.load(sys.stdin)['data']['id'])")
# 1,000 tasks over the five columns, with descriptions like real ones.
node -e '
const [base, pid, n] = process.argv.slice(1);
const st = ["todo", "inprogress", "inreview", "done", "cancelled"];
(async () => {
  for (let i = 0; i < +n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => fetch(base + "/api/tasks", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ project_id: pid, title: `Task ${i + j}: make the thing number ${i + j} work`,
        description: "Some words about what the agent should do, long enough to be truncated on the card. ".repeat(2),
        status: st[(i + j) % 5] }) }).then((r) => { if (!r.ok) throw new Error(r.status); })));
  }
})().catch((e) => { console.error("seeding failed", e); process.exit(1); });
' "$B" "$P" "$TASKS"
PLAYWRIGHT_CORE="$REPO_ROOT/$W/node_modules/playwright-core" \
    node tests/bench/frontend.mjs "$B/projects/$P/tasks" "$TASKS" | tee "$OUT"
