#!/usr/bin/env bash
# tests/run.sh — the body of `make test`.
#
# 1. contrib/swarm-stack deps   (Debian packages)
# 2. make all                   (bin/swarm-node)
# 3. make unit                  (cmocka unit tests under ASan/UBSan)
# 4. a private stack (MariaDB + swarm-node + nginx) in a fresh temp dir on two
#    free loopback ports, and the end-to-end tests against it:
#    node --test tests/e2e/
# 5. the stack is always stopped and the temp dir removed (even on failure or
#    Ctrl-C); the last line printed is "N passed, N failed[, N skipped]".
#
# Exit status: 0 only if every step ran and no test failed. A step that fails
# without test counts of its own (build error, crash, stack not starting)
# counts as one failed test.
#
# Environment:
#   SWARM_TEST_KEEP=1   keep the temp dir (logs, database) for inspection
#   SWARM_TEST_ONLY=... run only these e2e files (e.g. tests/e2e/tasks.test.mjs)
#   SWARM_TEST_SKIP_DEPS=1  do not run `swarm-stack deps`
#
# The stack talks to a local GitHub stand-in (tests/e2e/fixtures/
# github-standin.mjs) instead of api.github.com: SWARM_GITHUB_API_URL and
# SWARM_GITHUB_TOKEN point swarm-node at it, GITHUB_STANDIN_URL tells the
# tests where it is.
#
# Swarm: a hive (SWARM_ROLE=hive) and two nodes linked to it with the
# original's VK_* settings (node-a, node-b) start beside the main stack, each
# a contrib/swarm-stack under the temp dir with its own MariaDB and free
# ports. The main stack stays a node without a hive (local-first), as every
# other test expects. The tests find the swarm through SWARM_HIVE_* and
# SWARM_NODE_A_*/SWARM_NODE_B_*.
set -u
set -o pipefail

cd "$(dirname "$0")/.." || exit 1
REPO=$(pwd -P)
export LC_ALL=C.UTF-8

PASSED=0
FAILED=0
SKIPPED=0
FINISHED=0
STACK_STARTED=0
SWARM_STARTED=0
DIR=''
STANDIN_PID=''

note() { printf '\n==> %s\n' "$*"; }
step_failed() {
    printf '==> FAILED: %s\n' "$*"
    FAILED=$((FAILED + 1))
}

# Sum the numbers in every match of an extended regex ($1) in file $2; the
# number is the first run of digits in the matched text. Matches need not
# start a line: a test binary that crashed may leave a line unterminated.
sum_matches() {
    grep -aoE "$1" "$2" 2>/dev/null | sed -E 's/[^0-9]*([0-9]+).*/\1/' |
        awk '{ s += $1 } END { print s + 0 }'
}

finish() {
    local rc=$?
    [ "$FINISHED" = 0 ] || return
    FINISHED=1
    trap '' INT TERM
    if [ "$STACK_STARTED" = 1 ] && [ -d "$DIR" ]; then
        note "stopping the stack"
        SWARM_CONF=/dev/null SWARM_VAR="$DIR" timeout --foreground 90 contrib/swarm-stack stop 2>&1 ||
            printf 'swarm-stack stop failed\n'
    fi
    if [ "$SWARM_STARTED" = 1 ] && [ -d "$DIR" ]; then
        note "stopping node-a, node-b and the hive"
        for n in node-a node-b; do
            SWARM_CONF=/dev/null SWARM_VAR="$DIR/$n" timeout --foreground 90 contrib/swarm-stack stop 2>&1 ||
                printf 'swarm-stack stop (%s) failed\n' "$n"
        done
        SWARM_CONF=/dev/null SWARM_ROLE=hive SWARM_VAR="$DIR/hive" timeout --foreground 90 \
            contrib/swarm-stack stop 2>&1 || printf 'swarm-stack stop (hive) failed\n'
    fi
    if [ -n "$STANDIN_PID" ]; then
        kill "$STANDIN_PID" 2>/dev/null
        wait "$STANDIN_PID" 2>/dev/null
    fi
    if [ -n "$DIR" ] && [ -d "$DIR" ]; then
        if [ "${SWARM_TEST_KEEP:-0}" = 1 ]; then
            printf 'kept %s\n' "$DIR"
        else
            rm -rf -- "$DIR"
        fi
    fi
    if [ "$rc" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
        # Interrupted or an unexpected error in this script.
        FAILED=$((FAILED + 1))
    fi
    echo
    if [ "$SKIPPED" -gt 0 ]; then
        printf '%d passed, %d failed, %d skipped\n' "$PASSED" "$FAILED" "$SKIPPED"
    else
        printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
    fi
    [ "$FAILED" -eq 0 ] && exit 0
    exit 1
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DIR=$(mktemp -d /tmp/swarm-test.XXXXXX) || { step_failed "mktemp"; exit 1; }
LOGS=$DIR/test-logs
mkdir -p "$LOGS"

# ------------------------------------------------------------------ 1. deps
if [ "${SWARM_TEST_SKIP_DEPS:-0}" != 1 ]; then
    note "contrib/swarm-stack deps"
    if ! timeout --foreground 300 contrib/swarm-stack deps; then
        step_failed "contrib/swarm-stack deps"
    fi
fi

# ------------------------------------------------------------------ 2. build
note "make all"
BUILD_OK=1
if ! timeout --foreground 300 make all; then
    step_failed "make all"
    BUILD_OK=0
fi

# ------------------------------------------------------------------ 3. unit
note "make unit"
timeout --foreground 300 make unit 2>&1 | tee "$LOGS/unit.log"
unit_rc=${PIPESTATUS[0]}
unit_pass=$(sum_matches '\[  PASSED  \] [0-9]+ test\(s\)' "$LOGS/unit.log")
unit_fail=$(sum_matches '\[  FAILED  \] [0-9]+ test\(s\)' "$LOGS/unit.log")
unit_skip=$(sum_matches '\[  SKIPPED \] [0-9]+ test\(s\)' "$LOGS/unit.log")
# A binary that crashed (ASan abort, signal) prints its header but no summary.
unit_groups=$(grep -aoE '\[==========\] Running [0-9]+ test' "$LOGS/unit.log" | wc -l)
unit_done=$(grep -aoE '\[==========\] [0-9]+ test\(s\) run\.' "$LOGS/unit.log" | wc -l)
unit_crashed=$((unit_groups - unit_done))
[ "$unit_crashed" -ge 0 ] || unit_crashed=0
PASSED=$((PASSED + unit_pass))
FAILED=$((FAILED + unit_fail + unit_crashed))
SKIPPED=$((SKIPPED + unit_skip))
printf '==> unit: %d passed, %d failed, %d crashed binaries\n' "$unit_pass" "$unit_fail" "$unit_crashed"
if [ "$unit_rc" -ne 0 ] && [ $((unit_fail + unit_crashed)) -eq 0 ]; then
    step_failed "make unit (exit $unit_rc)"
fi

# ------------------------------------------------------------------ 4. e2e
if [ "$BUILD_OK" != 1 ]; then
    step_failed "end-to-end tests not run: the build failed"
    exit 1
fi

# Eight distinct free loopback ports (all held open while choosing): the main
# stack, the hive, node-a and node-b, http and https each. Chosen below the
# kernel's ephemeral range (32768+), so an outgoing connection of anything
# else on the machine cannot take one before its server binds it.
PORTS=$(node -e '
const net = require("net");
const got = [];
function next(tries) {
  if (got.length === 8) {
    console.log(got.map((y) => y.address().port).join(" "));
    for (const y of got) y.close();
    return;
  }
  if (tries > 1000) process.exit(1);
  const port = 20000 + Math.floor(Math.random() * 12000);
  const x = net.createServer();
  x.once("error", () => next(tries + 1));
  x.listen(port, "127.0.0.1", () => { got.push(x); next(tries + 1); });
}
next(0);') || { step_failed "picking free ports"; exit 1; }
read -r HTTP_PORT HTTPS_PORT HIVE_PORT HIVE_TLS_PORT NODE_A_PORT NODE_A_TLS_PORT NODE_B_PORT \
    NODE_B_TLS_PORT <<<"$PORTS"

# The GitHub stand-in on its own free loopback port (it reports the port).
GITHUB_TOKEN_FOR_TESTS=test-token
STANDIN_URL=''
GITHUB_STANDIN_TOKEN=$GITHUB_TOKEN_FOR_TESTS node tests/e2e/fixtures/github-standin.mjs 0 \
    >"$LOGS/github-standin.log" 2>&1 &
STANDIN_PID=$!
for _ in $(seq 1 100); do
    STANDIN_PORT=$(sed -n 's/^listening on \([0-9][0-9]*\)$/\1/p' "$LOGS/github-standin.log")
    [ -n "$STANDIN_PORT" ] && { STANDIN_URL=http://127.0.0.1:$STANDIN_PORT; break; }
    kill -0 "$STANDIN_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$STANDIN_URL" ]; then
    step_failed "the GitHub stand-in did not start"
    cat "$LOGS/github-standin.log"
fi

# Attempts run the SCRIPT executor's stand-in agent (never a real one);
# swarm-stack hands every SWARM_* variable to swarm-node and its runners.
STACK_ENV=(SWARM_CONF=/dev/null SWARM_VAR="$DIR" SWARM_LISTEN=127.0.0.1
    SWARM_HTTP_PORT="$HTTP_PORT" SWARM_HTTPS_PORT="$HTTPS_PORT" SWARM_WORKERS=4
    SWARM_DB_NAME=swarm_node
    SWARM_SCRIPT_AGENT="sh '$REPO/tests/e2e/fixtures/script-agent.sh'"
    SWARM_EXECUTORS_FILE="$REPO/tests/e2e/fixtures/executors-test.json"
    SWARM_TEST_FIXTURES="$REPO/tests/e2e/fixtures" SWARM_AGENT_HANDSHAKE_MS=5000
    CODEX_HOME="$DIR/codex-home"
    SWARM_WORKTREE_QUOTA_MB=100
    SWARM_GITHUB_API_URL="${STANDIN_URL:-http://127.0.0.1:9}" SWARM_GITHUB_TOKEN="$GITHUB_TOKEN_FOR_TESTS")

# ---- swarm: the hive first (its keys go to both nodes), node-b last.
# The heartbeat window is short so liveness tests need not wait minutes.
HIVE_URL=http://127.0.0.1:$HIVE_PORT
HIVE_WINDOW=4
HIVE_ENV=(SWARM_CONF=/dev/null SWARM_ROLE=hive SWARM_VAR="$DIR/hive" SWARM_LISTEN=127.0.0.1
    SWARM_HTTP_PORT="$HIVE_PORT" SWARM_HTTPS_PORT="$HIVE_TLS_PORT" SWARM_WORKERS=4
    SWARM_HIVE_HEARTBEAT_WINDOW=$HIVE_WINDOW)
note "starting the hive in $DIR/hive (http $HIVE_PORT)"
SWARM_STARTED=1
CTL=(contrib/swarmctl --hive "$HIVE_URL" --token-file "$DIR/hive/hive-admin-token" --json)
if ! env "${HIVE_ENV[@]}" timeout --foreground 180 contrib/swarm-stack start ||
    ! HIVE_ORG=$("${CTL[@]}" org create "e2e swarm" --slug e2e-swarm | jq -re .id) ||
    ! KEY_A=$("${CTL[@]}" key create --org "$HIVE_ORG" node-a | jq -re .secret) ||
    ! KEY_B=$("${CTL[@]}" key create --org "$HIVE_ORG" node-b | jq -re .secret); then
    step_failed "starting the hive"
    for f in "$DIR"/hive/log/*; do
        [ -s "$f" ] && { printf -- '--- %s ---\n' "$f"; tail -n 40 "$f"; }
    done
    exit 1
fi
HIVE_SECRET=$(cat "$DIR/hive/hive-token-secret")
# What a node of the swarm takes (the original's VK_* names). Its
# swarm-stream keeps the node link: a heartbeat every second (the window
# is 4 s), reconnects within a second. A board read pulls at most every
# 10 minutes, so a change from another node that shows up here came
# through the link's push (hive-link.test.mjs relies on it).
node_swarm_env() { # NAME PORT KEY
    printf '%s\n' VK_HIVE_URL="$HIVE_URL" VK_NODE_API_KEY="$3" VK_NODE_NAME="$1" \
        VK_NODE_PUBLIC_URL="http://127.0.0.1:$2" VK_CONNECTION_TOKEN_SECRET="$HIVE_SECRET" \
        SWARM_HIVE_SYNC_INTERVAL_MS=600000 SWARM_HIVE_HEARTBEAT_MS=1000 \
        SWARM_HIVE_LINK_BACKOFF_MIN_MS=200 SWARM_HIVE_LINK_BACKOFF_MAX_MS=1000
}
mapfile -t NODE_A_SWARM < <(node_swarm_env node-a "$NODE_A_PORT" "$KEY_A")
mapfile -t NODE_B_SWARM < <(node_swarm_env node-b "$NODE_B_PORT" "$KEY_B")
# ---- end swarm

note "starting the stack in $DIR (http $HTTP_PORT, https $HTTPS_PORT)"
STACK_STARTED=1
if ! env "${STACK_ENV[@]}" timeout --foreground 180 contrib/swarm-stack start; then
    step_failed "contrib/swarm-stack start"
    for f in "$DIR"/log/*; do
        [ -s "$f" ] && { printf -- '--- %s ---\n' "$f"; tail -n 40 "$f"; }
    done
    exit 1
fi

# ---- swarm: node-a and node-b, as the main stack with their own state,
# ports and VK_* settings.
start_swarm_node() { # NAME PORT TLS_PORT ENV...
    local name=$1 port=$2 tls=$3
    shift 3
    note "starting $name in $DIR/$name (http $port)"
    if ! env "${STACK_ENV[@]}" SWARM_VAR="$DIR/$name" SWARM_HTTP_PORT="$port" \
        SWARM_HTTPS_PORT="$tls" SWARM_WORKERS=3 "$@" timeout --foreground 180 contrib/swarm-stack start; then
        step_failed "starting $name"
        for f in "$DIR/$name"/log/*; do
            [ -s "$f" ] && { printf -- '--- %s ---\n' "$f"; tail -n 40 "$f"; }
        done
        exit 1
    fi
}
start_swarm_node node-a "$NODE_A_PORT" "$NODE_A_TLS_PORT" "${NODE_A_SWARM[@]}"
start_swarm_node node-b "$NODE_B_PORT" "$NODE_B_TLS_PORT" "${NODE_B_SWARM[@]}"
# ---- end swarm

# Where the stack keeps its pid files and sockets (robustness and shutdown
# tests signal its processes): $DIR/run, or a short /tmp dir for a long $DIR.
RUN_DIR=$(env "${STACK_ENV[@]}" contrib/swarm-stack config 2>/dev/null | sed -n 's/^SWARM_RUN=//p')

# ------------------------------------------------------------ 4a. browser
# The frontend in headless chromium (tests/browser/, playwright-core from
# web/package-lock.json into build/web-test; Debian's /usr/bin/chromium).
# Before the e2e files: their last one stops swarm-node. Screenshots are
# copied to var/test-artifacts/screenshots/. SWARM_TEST_ONLY: files
# under tests/browser/ run here, the others in the e2e step; no browser
# file named means no browser tests.
BROWSER=(tests/browser/)
E2E_ONLY=''
if [ -n "${SWARM_TEST_ONLY:-}" ]; then
    BROWSER=()
    for f in $SWARM_TEST_ONLY; do
        case $f in
            tests/browser/*) BROWSER+=("$f") ;;
            *) E2E_ONLY="$E2E_ONLY $f" ;;
        esac
    done
fi
browser_deps() {
    local dir=build/web-test
    if ! cmp -s web/package-lock.json "$dir/package-lock.json" ||
        [ ! -f "$dir/node_modules/playwright-core/index.mjs" ]; then
        rm -rf "$dir" && mkdir -p "$dir" &&
            cp web/package.json web/package-lock.json "$dir/" &&
            (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
    fi
}
if [ "${#BROWSER[@]}" -gt 0 ]; then
    note "browser tests"
    if ! browser_deps 2>&1; then
        step_failed "npm ci (playwright-core) for the browser tests"
    elif [ ! -x /usr/bin/chromium ]; then
        step_failed "browser tests: /usr/bin/chromium is missing (contrib/swarm-stack deps installs it)"
    else
        SHOTS=$DIR/screenshots
        env SWARM_URL="http://127.0.0.1:$HTTP_PORT" SWARM_HTTPS_URL="https://127.0.0.1:$HTTPS_PORT" \
            SWARM_VAR="$DIR" SWARM_RUN="$RUN_DIR" SWARM_DB_NAME=swarm_node GITHUB_STANDIN_URL="$STANDIN_URL" \
            SWARM_HIVE_URL="$HIVE_URL" SWARM_HIVE_ORG="$HIVE_ORG" \
            SWARM_NODE_A_URL="http://127.0.0.1:$NODE_A_PORT" SWARM_NODE_B_URL="http://127.0.0.1:$NODE_B_PORT" \
            PLAYWRIGHT_CORE="$REPO/build/web-test/node_modules/playwright-core" SWARM_SCREENSHOTS="$SHOTS" \
            timeout --foreground 420 node --test --test-reporter=spec --test-concurrency=1 "${BROWSER[@]}" 2>&1 |
            tee "$LOGS/browser.log"
        br_rc=${PIPESTATUS[0]}
        sed -i 's/\x1b\[[0-9;]*m//g' "$LOGS/browser.log"
        br_pass=$(sum_matches '^ℹ pass [0-9]+$' "$LOGS/browser.log")
        br_fail=$(sum_matches '^ℹ fail [0-9]+$' "$LOGS/browser.log")
        br_cancel=$(sum_matches '^ℹ cancelled [0-9]+$' "$LOGS/browser.log")
        br_skip=$(sum_matches '^ℹ skipped [0-9]+$' "$LOGS/browser.log")
        PASSED=$((PASSED + br_pass))
        FAILED=$((FAILED + br_fail + br_cancel))
        SKIPPED=$((SKIPPED + br_skip))
        printf '==> browser: %d passed, %d failed, %d cancelled\n' "$br_pass" "$br_fail" "$br_cancel"
        if [ "$br_rc" -ne 0 ] && [ $((br_fail + br_cancel)) -eq 0 ]; then
            step_failed "browser tests (exit $br_rc)"
        fi
        if [ -d "$SHOTS" ]; then
            rm -rf var/test-artifacts/screenshots && mkdir -p var/test-artifacts &&
                cp -r "$SHOTS" var/test-artifacts/screenshots &&
                printf '==> screenshots in %s\n' "$REPO/var/test-artifacts/screenshots"
        fi
    fi
fi

E2E=(tests/e2e/)
if [ -n "${SWARM_TEST_ONLY:-}" ]; then
    read -r -a E2E <<<"$E2E_ONLY"
fi
# Only browser files asked for: no e2e step.
[ "${#E2E[@]}" -gt 0 ] || exit 0
note "end-to-end tests"
# Files run one at a time: the tests compare whole-table checksums in MariaDB
# before and after rejected requests. --experimental-websocket gives the
# stream tests Node's built-in WebSocket client (tests/e2e/lib/ws.mjs).
env SWARM_URL="http://127.0.0.1:$HTTP_PORT" SWARM_HTTPS_URL="https://127.0.0.1:$HTTPS_PORT" \
    SWARM_VAR="$DIR" SWARM_RUN="$RUN_DIR" SWARM_DB_NAME=swarm_node GITHUB_STANDIN_URL="$STANDIN_URL" \
    SWARM_HIVE_URL="$HIVE_URL" SWARM_HIVE_VAR="$DIR/hive" SWARM_HIVE_ORG="$HIVE_ORG" \
    SWARM_HIVE_ADMIN_TOKEN_FILE="$DIR/hive/hive-admin-token" SWARM_HIVE_SECRET="$HIVE_SECRET" \
    SWARM_HIVE_WINDOW="$HIVE_WINDOW" SWARM_HIVE_HTTPS_PORT="$HIVE_TLS_PORT" \
    SWARM_NODE_A_URL="http://127.0.0.1:$NODE_A_PORT" SWARM_NODE_A_VAR="$DIR/node-a" \
    SWARM_NODE_B_URL="http://127.0.0.1:$NODE_B_PORT" SWARM_NODE_B_VAR="$DIR/node-b" \
    timeout --foreground 420 node --experimental-websocket --no-warnings=ExperimentalWarning \
    --test --test-reporter=spec --test-concurrency=1 "${E2E[@]}" 2>&1 |
    tee "$LOGS/e2e.log"
e2e_rc=${PIPESTATUS[0]}
sed -i 's/\x1b\[[0-9;]*m//g' "$LOGS/e2e.log"
e2e_pass=$(sum_matches '^ℹ pass [0-9]+$' "$LOGS/e2e.log")
e2e_fail=$(sum_matches '^ℹ fail [0-9]+$' "$LOGS/e2e.log")
e2e_cancel=$(sum_matches '^ℹ cancelled [0-9]+$' "$LOGS/e2e.log")
e2e_skip=$(sum_matches '^ℹ skipped [0-9]+$' "$LOGS/e2e.log")
PASSED=$((PASSED + e2e_pass))
FAILED=$((FAILED + e2e_fail + e2e_cancel))
SKIPPED=$((SKIPPED + e2e_skip))
printf '==> e2e: %d passed, %d failed, %d cancelled\n' "$e2e_pass" "$e2e_fail" "$e2e_cancel"
if [ "$e2e_rc" -ne 0 ] && [ $((e2e_fail + e2e_cancel)) -eq 0 ]; then
    step_failed "node --test (exit $e2e_rc)"
fi
if [ "$e2e_rc" -ne 0 ] || [ $((e2e_fail + e2e_cancel)) -ne 0 ]; then
    for f in "$DIR/log/swarm-node.log" "$DIR/log/nginx-error.log" "$LOGS/github-standin.log" \
        "$DIR/hive/log/swarm-hive.log" "$DIR/hive/log/swarm-stream.log" "$DIR/node-a/log/swarm-node.log" \
        "$DIR/node-a/log/swarm-stream.log" "$DIR/node-b/log/swarm-node.log" \
        "$DIR/node-b/log/swarm-stream.log"; do
        [ -s "$f" ] && { printf -- '--- last 40 lines of %s ---\n' "$f"; tail -n 40 "$f"; }
    done
fi
exit 0
