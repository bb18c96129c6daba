#!/usr/bin/env bash
# tests/bench/hive.sh — hive figures for `make bench` (after deps and build).
#
# A private hive (contrib/swarm-stack, SWARM_ROLE=hive) in a fresh temp dir on
# free loopback ports, one organization, a node key, a registered node holding
# one project; then wrk through nginx, -t2 -c32, 10 s after a 3 s warm-up:
#   GET  /hive/v1/projects/{id}/nodes     (node key; the remote-attempt picker)
#   POST /hive/v1/nodes/{id}/heartbeat    (node key; the REST heartbeat)
# One line per endpoint: "name rps p50_ms p99_ms non2xx errors", also written
# to tests/bench/hive-last-run.txt. Performance never fails the run; the hive
# always stops and the temp dir goes.
#
# Environment: SWARM_WORKERS (default 8), WRK_T, WRK_C, WRK_D, WARM_D,
# BENCH_KEEP=1 keeps the temp dir.
set -u
set -o pipefail

cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd -P)
export LC_ALL=C.UTF-8
case :$PATH: in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac
unset SWARM_CONF SWARM_RUN SWARM_VAR SWARM_DB_NAME

OUT=$REPO/tests/bench/hive-last-run.txt
WORKERS=${SWARM_WORKERS:-8}
T=${WRK_T:-2} C=${WRK_C:-32} D=${WRK_D:-10s} WARM=${WARM_D:-3s}

DIR=$(mktemp -d /tmp/swarm-hive-bench.XXXXXX) || exit 1
HIVE_ENV=()
finish() {
    [ ${#HIVE_ENV[@]} -eq 0 ] || env "${HIVE_ENV[@]}" contrib/swarm-stack stop >/dev/null 2>&1
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $DIR"; else rm -rf -- "$DIR"; fi
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

read -r PORT TLS <<<"$(node -e '
const net = require("net"); const a = net.createServer(), b = net.createServer();
a.listen(0, "127.0.0.1", () => b.listen(0, "127.0.0.1", () => {
  console.log(a.address().port + " " + b.address().port); a.close(); b.close(); }));')"
HIVE_ENV=(SWARM_CONF=/dev/null SWARM_ROLE=hive SWARM_VAR="$DIR" SWARM_LISTEN=127.0.0.1
    SWARM_HTTP_PORT="$PORT" SWARM_HTTPS_PORT="$TLS" SWARM_WORKERS="$WORKERS" SWARM_LOG_LEVEL=warn)
env "${HIVE_ENV[@]}" contrib/swarm-stack start >"$DIR/start.log" 2>&1 || {
    cat "$DIR/start.log"; echo "hive bench: the hive did not start"; exit 1; }

H=http://127.0.0.1:$PORT
CTL=(contrib/swarmctl --hive "$H" --token-file "$DIR/hive-admin-token" --json)
ORG=$("${CTL[@]}" org create bench --slug bench | jq -re .id) || exit 1
KEY=$("${CTL[@]}" key create --org "$ORG" bench-node | jq -re .secret) || exit 1
call() { # METHOD PATH BODY -> data
    curl -sS --noproxy '*' -X "$1" -H "x-api-key: $KEY" -H 'Content-Type: application/json' \
        --data-binary "$3" "$H/hive/v1$2" | jq -ce '.data'
}
NODE=$(call POST /nodes/register '{"name":"bench","machine_id":"bench","public_url":"http://127.0.0.1:1"}' |
    jq -re .node.id) || exit 1
PROJECT=$(call POST /projects "{\"organization_id\":\"$ORG\",\"name\":\"bench\"}" | jq -re .id) || exit 1
call POST "/nodes/$NODE/projects" "{\"project_id\":\"$PROJECT\",\"local_project_id\":\"$ORG\",\"git_repo_path\":\"/srv/bench\"}" \
    >/dev/null || exit 1

cat >"$DIR/heartbeat.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"status":"online"}'
wrk.headers["Content-Type"] = "application/json"
LUA
# p50/p99 from wrk --latency; non-2xx and socket errors as wrk counts them.
measure() { # NAME URL [wrk args...]
    local name=$1 url=$2 out rps p50 p99 non2xx errs
    shift 2
    wrk -t"$T" -c"$C" -d"$WARM" "$@" "$url" >/dev/null 2>&1
    out=$(wrk -t"$T" -c"$C" -d"$D" --latency "$@" "$url" 2>&1)
    rps=$(awk '/^Requests\/sec/ { print $2 }' <<<"$out")
    p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
    p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
    non2xx=$(awk '/Non-2xx/ { print $NF }' <<<"$out")
    errs=$(awk -F'[ ,]+' '/Socket errors/ { print $4 + $6 + $8 + $10 }' <<<"$out")
    printf '%-28s %10s rps  p50 %8s  p99 %8s  non2xx %s  errors %s\n' "$name" "${rps:-?}" \
        "${p50:-?}" "${p99:-?}" "${non2xx:-0}" "${errs:-0}"
}
{
    echo "hive bench $(date -u +%Y-%m-%dT%H:%M:%SZ) ($WORKERS workers, wrk -t$T -c$C -d$D, $(nproc) cores)"
    measure "GET projects/{id}/nodes" "$H/hive/v1/projects/$PROJECT/nodes" -H "x-api-key: $KEY"
    measure "POST nodes/{id}/heartbeat" "$H/hive/v1/nodes/$NODE/heartbeat" -H "x-api-key: $KEY" \
        -s "$DIR/heartbeat.lua"
} | tee "$OUT"
