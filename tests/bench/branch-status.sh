#!/usr/bin/env bash
# branch-status.sh: GET /api/task-attempts/{id}/branch-status and
# /diff (libgit2, through nginx and a worker) against `git status
# --porcelain` and `git diff <base>` on the same worktree: a repository of
# 10,000 files with 1,000 changed lines.
# Prints per-call latencies and the ratio. Run by `make bench-git`.
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO_ROOT"
FILES=${BENCH_FILES:-10000}
CHANGED=${BENCH_CHANGED:-1000}
N=${BENCH_RUNS:-50}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
DIR=$(mktemp -d /tmp/swarm-bench-git.XXXXXX)
HTTP=$(free_port); HTTPS=$(free_port)
export SWARM_CONF=/dev/null SWARM_VAR="$DIR/stack" SWARM_HTTP_PORT="$HTTP" \
    SWARM_HTTPS_PORT="$HTTPS" SWARM_WORKERS=4 SWARM_LOG_LEVEL=warn \
    SWARM_SCRIPT_AGENT="cat >/dev/null"
cleanup() { contrib/swarm-stack stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
contrib/swarm-stack start >/dev/null
B="http://127.0.0.1:$HTTP"

# The repository: FILES files of 20 lines in 100 directories.
R="$DIR/repo"; mkdir -p "$R"; git -C "$R" init -q -b main
python3 - "$R" "$FILES" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%03d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.txt" % i), "w") as f:
        f.write("".join("line %d of file %d\n" % (j, i) for j in range(20)))
PY
git -C "$R" add -A; git -C "$R" -c user.name=b -c user.email=b@b commit -qm files
json() { python3 -c "import sys,json; print(json.load(sys.stdin)['data']$1)"; }
P=$(curl -fsS -H 'content-type: application/json' "$B/api/projects" \
    -d "{\"name\":\"bench-git\",\"git_repo_path\":\"$R\",\"use_existing_repo\":true}" | json "['id']")
T=$(curl -fsS -H 'content-type: application/json' "$B/api/tasks" \
    -d "{\"project_id\":\"$P\",\"title\":\"bench\"}" | json "['id']")
A=$(curl -fsS -H 'content-type: application/json' "$B/api/task-attempts" \
    -d "{\"task_id\":\"$T\",\"executor_profile_id\":{\"executor\":\"SCRIPT\"},\"base_branch\":\"main\"}" | json "['id']")
WT=$(curl -fsS "$B/api/task-attempts/$A" | json "['container_ref']")
for _ in $(seq 100); do   # the (empty) agent run finishes
    s=$(curl -fsS "$B/api/execution-processes?task_attempt_id=$A" | json "[-1]['status']")
    [ "$s" != running ] && break; sleep 0.1
done
# CHANGED lines changed, one per file, uncommitted.
python3 - "$WT" "$FILES" "$CHANGED" <<'PY'
import os, sys
wt, n, c = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for i in range(0, n, max(1, n // c))[:c]:
    p = os.path.join(wt, "d%03d" % (i % 100), "f%05d.txt" % i)
    with open(p, "a") as f:
        f.write("changed\n")
PY
ms() { python3 -c 'import time; print(time.monotonic_ns()//1000)'; }
curl -fsS "$B/api/task-attempts/$A/branch-status" -o /dev/null   # warm
t0=$(ms); for _ in $(seq "$N"); do curl -fsS "$B/api/task-attempts/$A/branch-status" -o /dev/null; done; t1=$(ms)
git -C "$WT" status --porcelain >/dev/null
g0=$(ms); for _ in $(seq "$N"); do git -C "$WT" status --porcelain >/dev/null; done; g1=$(ms)
BASE=$(git -C "$WT" merge-base HEAD main)
curl -fsS "$B/api/task-attempts/$A/diff" -o /dev/null
d0=$(ms); for _ in $(seq "$N"); do curl -fsS "$B/api/task-attempts/$A/diff" -o /dev/null; done; d1=$(ms)
git -C "$WT" diff "$BASE" >/dev/null
h0=$(ms); for _ in $(seq "$N"); do git -C "$WT" diff "$BASE" >/dev/null; done; h1=$(ms)
DN=$(curl -fsS "$B/api/task-attempts/$A/diff" | python3 -c "import sys,json; print(len(json.load(sys.stdin)['data']['entries']))")
UC=$(curl -fsS "$B/api/task-attempts/$A/branch-status" | json "['uncommitted_count']")
GC=$(git -C "$WT" status --porcelain | wc -l)
python3 - "$t0" "$t1" "$g0" "$g1" "$N" "$UC" "$GC" "$FILES" "$CHANGED" "$d0" "$d1" "$h0" "$h1" "$DN" <<'PY'
import sys
t0, t1, g0, g1, n, uc, gc, files, changed, d0, d1, h0, h1, dn = map(int, sys.argv[1:])
s = (t1 - t0) / n / 1000; g = (g1 - g0) / n / 1000
print("repository: %d files, %d changed lines (uncommitted)" % (files, changed))
print("branch-status over HTTP: %.1f ms per call (uncommitted_count %d)" % (s, uc))
print("git status --porcelain:  %.1f ms per call (%d lines)" % (g, gc))
print("ratio (git / swarm): %.2f  (>1: branch-status is faster)" % (g / s))
d = (d1 - d0) / n / 1000; h = (h1 - h0) / n / 1000
print("diff over HTTP (full contents): %.1f ms per call (%d files)" % (d, dn))
print("git diff <base>:               %.1f ms per call" % h)
print("ratio (git / swarm): %.2f  (>1: the diff is faster)" % (h / d))
PY
