#!/usr/bin/env bash
# stream.sh: swarm-stream through nginx (make bench runs it). A private
# stack, one attempt worktree, then tests/bench/stream.mjs measures:
#  - file write -> diff patch at the client (p50/p99 over BENCH_EDITS edits)
#  - log line printed by a running process -> raw-logs patch (p50/p99)
#  - REST task edit -> board patch (p50/p99)
#  - RSS of swarm-stream with BENCH_IDLE idle board clients connected
#    straight to its unix socket (per connection), and one update to all
# Figures are printed and appended to tests/bench/last-run.txt; nothing is
# asserted (goals: patch p50 < 30 ms; 10,000 idle clients < 200 MB).
set -euo pipefail
REPO_ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO_ROOT"
export BENCH_EDITS=${BENCH_EDITS:-200} BENCH_IDLE=${BENCH_IDLE:-10000}
# Idle clients need fds (the client and swarm-stream): take the hard limit.
ulimit -n "$(ulimit -Hn)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
DIR=$(mktemp -d /tmp/swarm-bench-stream.XXXXXX)
HTTP=$(free_port); HTTPS=$(free_port)
export SWARM_CONF=/dev/null SWARM_VAR="$DIR/stack" SWARM_HTTP_PORT="$HTTP" \
    SWARM_HTTPS_PORT="$HTTPS" SWARM_WORKERS=4 SWARM_LOG_LEVEL=warn \
    SWARM_SCRIPT_AGENT="cat >/dev/null"
cleanup() { contrib/swarm-stack stop >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT
contrib/swarm-stack start >/dev/null
RUN=$(contrib/swarm-stack config | sed -n 's/^SWARM_RUN=//p')

R="$DIR/repo"; mkdir -p "$R"; git -C "$R" init -q -b main
for i in $(seq 100); do echo "file $i" >"$R/f$i.txt"; done
git -C "$R" add -A; git -C "$R" -c user.name=b -c user.email=b@b commit -qm files
touch "$DIR/feed.txt"

SWARM_URL="http://127.0.0.1:$HTTP" BENCH_REPO="$R" BENCH_FEED="$DIR/feed.txt" \
    BENCH_STREAM_PID="$(cat "$RUN/swarm-stream.pid")" BENCH_STREAM_SOCK="$RUN/stream.sock" \
    node --experimental-websocket --no-warnings=ExperimentalWarning \
    --max-old-space-size=8192 tests/bench/stream.mjs | tee -a tests/bench/last-run.txt
