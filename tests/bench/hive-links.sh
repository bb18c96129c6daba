#!/usr/bin/env bash
# tests/bench/hive-links.sh — how many node links one hive host holds (make bench).
#
# A private hive (contrib/swarm-stack, SWARM_ROLE=hive: swarm-hive, nginx,
# MariaDB and swarm-stream --role hive) in a temp dir. tests/bench/linkload.c
# simulates nodes: each a WebSocket on /hive/v1/nodes/ws that authenticates
# with a node key (a node row of its own) and heartbeats every 15 s. Stages:
#
#   nginx   LINKS_NGINX (5,000) links through nginx (TCP): nginx's memory per link
#   10k     10,000 links straight to swarm-stream's unix socket
#   20k     19,900 links to one swarm-stream: the most one process holds here,
#           its open-file limit being 20,000 (hard; one fd per link)
#   max     LINKS_MAX (100,000) links over STREAMS (6) swarm-stream processes
#           on one host (the stack's and 5 more on their own sockets), each
#           fed by its own linkload (which has the same fd limit)
#
# Each stage ramps up, then holds HOLD_S (35) seconds (two heartbeat rounds)
# and reports: links up, heartbeat latency (send to heartbeat_ack) p50/p99/max
# in the hold, swarm-stream and nginx RSS per link, and wrk req/s of GET
# /hive/v1/projects/{id}/nodes (the remote-attempt picker) during the load.
# Figures go to stdout and are appended to tests/bench/last-run.txt. MariaDB
# gets a 256 MB buffer pool for the 100,000 node rows. Performance never fails
# the run; everything started here is stopped by pid and the temp dir goes.
#
# Environment: LINKS_NGINX, LINKS_MAX, STREAMS, HOLD_S, RATE (links opened per
# second per linkload, default 1500; RATE_MAX 200 in the max stage, where the
# registrations' database writes set the pace), BENCH_KEEP=1 keeps the temp dir.
set -u
set -o pipefail

cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd -P)
export LC_ALL=C.UTF-8
case :$PATH: in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
unset SWARM_CONF SWARM_RUN SWARM_VAR SWARM_DB_NAME

OUT=$REPO/tests/bench/last-run.txt
LINKS_NGINX=${LINKS_NGINX:-5000}
LINKS_MAX=${LINKS_MAX:-100000}
STREAMS=${STREAMS:-6}
HOLD_S=${HOLD_S:-35}
RATE=${RATE:-1500}
LOAD=$REPO/build/bench/linkload

mkdir -p build/bench
cc -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$LOAD" tests/bench/linkload.c || exit 1

DIR=$(mktemp -d /tmp/swarm-links-bench.XXXXXX) || exit 1
HIVE_ENV=()
EXTRA_PIDS=()
LOAD_PIDS=()
finish() {
    local p
    for p in "${LOAD_PIDS[@]}" "${EXTRA_PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${LOAD_PIDS[@]}" "${EXTRA_PIDS[@]}"; do wait "$p" 2>/dev/null; done
    [ ${#HIVE_ENV[@]} -eq 0 ] || env "${HIVE_ENV[@]}" contrib/swarm-stack stop >/dev/null 2>&1
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $DIR"; else rm -rf -- "$DIR"; fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '%s\n' "$*" | tee -a "$OUT"; }

read -r PORT TLS <<<"$(node -e '
const net = require("net"); const a = net.createServer(), b = net.createServer();
a.listen(0, "127.0.0.1", () => b.listen(0, "127.0.0.1", () => {
  console.log(a.address().port + " " + b.address().port); a.close(); b.close(); }));')"
HIVE_ENV=(SWARM_CONF=/dev/null SWARM_ROLE=hive SWARM_VAR="$DIR" SWARM_LISTEN=127.0.0.1
    SWARM_HTTP_PORT="$PORT" SWARM_HTTPS_PORT="$TLS" SWARM_WORKERS=4 SWARM_LOG_LEVEL=warn)
env "${HIVE_ENV[@]}" contrib/swarm-stack start >"$DIR/start.log" 2>&1 || {
    cat "$DIR/start.log"; echo "links bench: the hive did not start"; exit 1; }
RUN=$(env "${HIVE_ENV[@]}" contrib/swarm-stack config | sed -n 's/^SWARM_RUN=//p')
mariadb --defaults-file="$DIR/mariadb.cnf" -e "SET GLOBAL innodb_buffer_pool_size = 268435456" ||
    echo "links bench: buffer pool not resized"

H=http://127.0.0.1:$PORT
CTL=(contrib/swarmctl --hive "$H" --token-file "$DIR/hive-admin-token" --json)
ORG=$("${CTL[@]}" org create bench --slug bench | jq -re .id) || exit 1
KEY=$("${CTL[@]}" key create --org "$ORG" bench | jq -re .secret) || exit 1
call() { # METHOD PATH BODY -> data
    curl -sS --noproxy '*' -X "$1" -H "x-api-key: $KEY" -H 'Content-Type: application/json' \
        --data-binary "$3" "$H/hive/v1$2" | jq -ce '.data'
}
NODE=$(call POST /nodes/register '{"name":"holder","machine_id":"holder","public_url":"http://127.0.0.1:1"}' |
    jq -re .node.id) || exit 1
PROJECT=$(call POST /projects "{\"organization_id\":\"$ORG\",\"name\":\"bench\"}" | jq -re .id) || exit 1
call POST "/nodes/$NODE/projects" "{\"project_id\":\"$PROJECT\",\"local_project_id\":\"$ORG\",\"git_repo_path\":\"/srv/bench\"}" \
    >/dev/null || exit 1

# More link servers on this host, as swarm-stack starts its own.
SOCKS=("$RUN/stream.sock")
STREAM_PIDS=("$(cat "$RUN/swarm-stream.pid")")
for i in $(seq 1 $((STREAMS - 1))); do
    env SWARM_DB_SOCKET="$RUN/mysqld.sock" SWARM_DB_USER=root SWARM_DB_NAME=swarm_hive \
        SWARM_LOG_LEVEL=warn SWARM_HIVE_ADMIN_TOKEN_FILE="$DIR/hive-admin-token" \
        bin/swarm-stream --role hive --socket "$RUN/link-$i.sock" --notify "$RUN/link-$i-notify.sock" \
        </dev/null >>"$DIR/link-$i.log" 2>&1 &
    EXTRA_PIDS+=("$!")
    STREAM_PIDS+=("$!")
    SOCKS+=("$RUN/link-$i.sock")
done
for s in "${SOCKS[@]}"; do
    for _ in $(seq 1 100); do [ -S "$s" ] && break; sleep 0.05; done
done

rss_kb() { local s=0 p; for p; do s=$((s + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0))); done; echo "$s"; }
NGINX_WORKERS=$(pgrep -P "$(cat "$RUN/nginx.pid")" | tr '\n' ' ')
IDLE_STREAMS=$(rss_kb "${STREAM_PIDS[@]}")
IDLE_NGINX=$(rss_kb $NGINX_WORKERS)

wrk_rps() {
    wrk -t1 -c16 -d8s -H "x-api-key: $KEY" "$H/hive/v1/projects/$PROJECT/nodes" 2>/dev/null |
        awk '/Requests\/sec/ {printf "%.0f", $2}'
}

# stage NAME TOTAL TARGET... : one linkload per target (unix:PATH or tcp:HOST:PORT).
stage() {
    local name=$1 total=$2 rate=$3 n i per
    shift 3
    n=$#
    per=$(( (total + n - 1) / n ))
    # Per link: over the processes' idle size at the start of the bench
    # (memory freed by an earlier stage stays in the process, so a delta
    # over the previous stage would read low).
    local s0=$IDLE_STREAMS ng0=$IDLE_NGINX
    LOAD_PIDS=()
    i=0
    for t; do
        case $t in
            unix:*) set -- --unix "${t#unix:}" ;;
            tcp:*) set -- --tcp "${t#tcp:}" ;;
        esac
        "$LOAD" "$@" --key "$KEY" --links "$per" --prefix "g$i" --rate "$rate" --hold "$HOLD_S" \
            --hist "$DIR/hist-$name-$i" >"$DIR/load-$name-$i.log" 2>&1 &
        LOAD_PIDS+=("$!")
        i=$((i + 1))
    done
    # Wait for every ramp, then measure in the hold.
    local end=$((SECONDS + 400))
    while [ "$(grep -l '^ramp ' "$DIR"/load-"$name"-*.log 2>/dev/null | wc -l)" -lt "$n" ] &&
        [ "$SECONDS" -lt "$end" ]; do sleep 1; done
    sleep 5
    local s1 ng1 rps online
    s1=$(rss_kb "${STREAM_PIDS[@]}")
    ng1=$(rss_kb $NGINX_WORKERS)
    rps=$(wrk_rps)
    online=$(mariadb --defaults-file="$DIR/mariadb.cnf" swarm_hive -N -B -e \
        "SELECT COUNT(*) FROM nodes WHERE status = 'online' AND last_heartbeat_at > UTC_TIMESTAMP() - INTERVAL 90 SECOND")
    for p in "${LOAD_PIDS[@]}"; do wait "$p"; done
    LOAD_PIDS=()
    local up failed retries ramp lat
    up=$(cat "$DIR"/load-"$name"-*.log | sed -n 's/^RESULT up=\([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
    failed=$(cat "$DIR"/load-"$name"-*.log | sed -n 's/^RESULT .*failed=\([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
    retries=$(cat "$DIR"/load-"$name"-*.log | sed -n 's/^RESULT .*retries=\([0-9]*\).*/\1/p' | awk '{s+=$1} END {print s+0}')
    ramp=$(cat "$DIR"/load-"$name"-*.log | sed -n 's/^RESULT .*ramp_s=\([0-9.]*\).*/\1/p' | sort -n | tail -1)
    lat=$(cat "$DIR"/hist-"$name"-* 2>/dev/null | awk '{c[$1]+=$2; t+=$2} END {
        n = asorti(c, k, "@ind_num_asc"); a = 0; p50 = p99 = mx = 0
        for (i = 1; i <= n; i++) { a += c[k[i]]; if (!p50 && a >= 0.5 * t) p50 = k[i];
            if (!p99 && a >= 0.99 * t) p99 = k[i]; mx = k[i] }
        printf "%d acks p50 %.1f ms p99 %.1f ms max %.1f ms", t, (p50 + 100) / 1000, (p99 + 100) / 1000, (mx + 100) / 1000 }')
    say "$(printf '%-6s links %6d/%-6d (lost %d, retried %d, ramp %ss) online-in-db %6s | heartbeat %s | swarm-stream %5.1f MB (+%4.2f KB/link) nginx %5.1f MB (+%4.2f KB/link) | GET /projects/{id}/nodes %s req/s' \
        "$name" "$up" "$total" "$failed" "$retries" "${ramp:-?}" "$online" "$lat" "$(echo "$s1 / 1024" | bc -l)" \
        "$(echo "($s1 - $s0) / ($total)" | bc -l)" "$(echo "$ng1 / 1024" | bc -l)" \
        "$(echo "($ng1 - $ng0) / ($total)" | bc -l)" "${rps:-?}")"
    # Let the disconnects be written before the next stage.
    sleep 3
}

{
    echo
    echo "# hive node links — $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(git rev-parse --short HEAD 2>/dev/null)"
    echo "# $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), open files $(ulimit -Sn)/$(ulimit -Hn) per process; heartbeat 15 s, window 90 s (written at most every 30 s, batched)"
    echo "# idle: swarm-stream $(rss_kb "${STREAM_PIDS[0]}") KB ($STREAMS processes $IDLE_STREAMS KB), nginx workers $IDLE_NGINX KB; wrk -t1 -c16 -d8s in each hold, from the same 2 cores"
} | tee -a "$OUT"
say "idle   GET /projects/{id}/nodes $(wrk_rps) req/s (no links)"

stage nginx "$LINKS_NGINX" "$RATE" "tcp:127.0.0.1:$PORT"
stage 10k "${LINKS_10K:-10000}" "$RATE" "unix:${SOCKS[0]}"
stage 20k "${LINKS_20K:-19900}" "$RATE" "unix:${SOCKS[0]}"
TARGETS=()
for s in "${SOCKS[@]}"; do TARGETS+=("unix:$s"); done
stage max "$LINKS_MAX" "${RATE_MAX:-200}" "${TARGETS[@]}"
say "limit: one swarm-stream holds one fd per link, so 20,000 open files cap it near 19,990 links; more links on one host take more swarm-stream processes (the max stage uses $STREAMS)"
