#!/usr/bin/env bash
# tests/bench/run.sh — the body of `make bench` (after deps and the build).
#
# 1. A private Swarm stack (MariaDB + swarm-node + nginx) in a fresh temp dir
#    on free loopback ports; always stopped and removed on exit.
# 2. One project (a temp git repo, use_existing_repo) and 1,000 tasks, seeded
#    through nginx with the reference harness's seed.sh.
# 3. wrk through nginx with the reference harness's parameters: -t2 -c32,
#    GETs 10 s measured after a 3 s warm-up, POST 5 s without warm-up.
#    One line per endpoint: "name rps p50_ms p99_ms non2xx errors".
# 4. Memory after the load: VmRSS and Pss (smaps_rollup) of nginx (master +
#    workers) and swarm-node (parent + workers), and of mariadbd.
# 5. Side by side (BENCH_PEER=0 skips): the reference, vibe-kanban 0.0.71 from
#    npm, started with ../shared/bench/peer/*.sh, seeded and measured with the
#    same wrk runs in this same invocation, ref and Swarm interleaved per
#    endpoint. A table of ratios with the targets next to them (reported,
#    never asserted).
# Everything printed also goes to tests/bench/last-run.txt; the raw wrk output
# to tests/bench/last-run.wrk.log.
#
# Exit status: 0 unless the stack did not start, seeding failed, wrk failed to
# run, or the side-by-side part was asked for and could not run. Performance
# never fails the run.
#
# Environment:
#   SWARM_WORKERS=8       swarm-node workers
#   SWARM_LOG_LEVEL=warn  swarm-node log level; "info" logs one line per
#                         request (the reference logs none at its default)
#   BENCH_PEER=1          0: Swarm alone, no reference
#   BENCH_SHARED=DIR      the shared dir (default: <checkout>/../shared)
#   BENCH_KEEP=1          keep the temp dir (logs, database)
#   WRK_T WRK_C WRK_D WARM_D POST_D   wrk threads, connections, durations
#   SEED_TASKS=1000
set -u
set -o pipefail

cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd -P)
export LC_ALL=C.UTF-8
case :$PATH: in *:/usr/sbin:*) ;; *) PATH=$PATH:/usr/sbin:/sbin ;; esac

OUT=$REPO/tests/bench/last-run.txt
RAW=$REPO/tests/bench/last-run.wrk.log
WORKERS=${SWARM_WORKERS:-16}   # the stack default (contrib/swarm-stack)
LOG_LEVEL=${SWARM_LOG_LEVEL:-warn}
PEER=${BENCH_PEER:-1}
T=${WRK_T:-2} C=${WRK_C:-32} D=${WRK_D:-10s} WARM=${WARM_D:-3s} PD=${POST_D:-5s}
export SEED_TASKS=${SEED_TASKS:-1000}
# The private stack must not read a swarm.conf or SWARM_* meant for another one.
unset SWARM_CONF SWARM_RUN SWARM_VAR SWARM_STATIC SWARM_NODE_BIN SWARM_DB_NAME
unset VK_STATE VK_PORT BASE_URL VK_PROJECT_ID VK_REPORT_LUA

# ------------------------------------------------------------ output, cleanup
exec 3>&1 4>&2
exec > >(tee -i "$OUT") 2>&1
TEE_PID=$!
: >"$RAW"

DIR='' STACK_STARTED=0 VK_STARTED=0 FINISHED=0
STACK_ENV=()
say() { printf '%s\n' "$*"; }
die() { say "bench: FAILED: $*"; exit 1; }

finish() {
    local rc=$?
    [ "$FINISHED" = 0 ] || return
    FINISHED=1
    trap '' INT TERM
    if [ "$VK_STARTED" = 1 ]; then
        VK_STATE=$DIR/vk timeout 30 "$PEER_DIR/stop-vk.sh" >/dev/null 2>&1 ||
            say "bench: stop-vk.sh failed (pid file $DIR/vk/vk.pid)"
    fi
    if [ "$STACK_STARTED" = 1 ]; then
        env "${STACK_ENV[@]}" timeout 90 contrib/swarm-stack stop >/dev/null 2>&1 ||
            say "bench: swarm-stack stop failed (SWARM_VAR=$DIR)"
    fi
    if [ -n "$DIR" ] && [ -d "$DIR" ]; then
        local r
        r=$(cat "$DIR/sw/repo" 2>/dev/null) || r=''
        case $r in /tmp/vkrepo.*) rm -rf -- "$r" ;; esac
        if [ "${BENCH_KEEP:-0}" = 1 ]; then
            say "kept $DIR"
        else
            rm -rf -- "$DIR"
        fi
    fi
    # Flush tee before the shell exits.
    exec 1>&3 2>&4 3>&- 4>&-
    wait "$TEE_PID" 2>/dev/null
    exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DIR=$(mktemp -d /tmp/swarm-bench.XXXXXX) || die "mktemp"
mkdir -p "$DIR/sw" "$DIR/vk"

# ------------------------------------------------------------ tools, harness
if ! command -v wrk >/dev/null 2>&1; then
    say "installing wrk (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1 ||
        { apt-get update -q >/dev/null 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk >/dev/null 2>&1; } ||
        die "wrk is missing and apt-get install wrk failed"
fi
for c in curl git python3 awk pgrep; do
    command -v "$c" >/dev/null 2>&1 || die "$c not found"
done

TOP=$(git rev-parse --show-toplevel 2>/dev/null) || TOP=$REPO
SHARED=${BENCH_SHARED:-$TOP/../shared}
PEER_DIR=$SHARED/bench/peer
HAVE_PEER_DIR=0
if [ -r "$PEER_DIR/seed.sh" ] && [ -r "$PEER_DIR/report.lua" ] && [ -r "$PEER_DIR/post-task.lua" ]; then
    PEER_DIR=$(cd "$PEER_DIR" && pwd -P)
    HAVE_PEER_DIR=1
fi
if [ "$PEER" != 0 ] && [ "$HAVE_PEER_DIR" = 0 ]; then
    die "side by side needs the reference harness at $PEER_DIR (run-vk.sh, seed.sh, ...): not found.
  CI puts shared/ beside the clone; set BENCH_SHARED=DIR to point at it, or BENCH_PEER=0 to bench Swarm alone."
fi

if [ "$HAVE_PEER_DIR" = 1 ]; then
    LIB=$PEER_DIR
else
    # Swarm alone without the shared dir: equivalents of the harness files.
    LIB=$DIR/lib
    mkdir -p "$LIB"
    cat >"$LIB/report.lua" <<'EOF'
-- WRKRESULT requests duration_s rps p50_ms p99_ms non2xx sock_errors
done = function(summary, latency, requests)
  local e = summary.errors
  local dur = summary.duration / 1e6
  io.write(string.format("WRKRESULT %d %.3f %.1f %.3f %.3f %d %d\n",
    summary.requests, dur, summary.requests / dur,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    e.status, e.connect + e.read + e.write + e.timeout))
end
EOF
    cat >"$LIB/post-task.lua" <<'EOF'
local pid = os.getenv("VK_PROJECT_ID")
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"project_id":"' .. pid .. '","title":"wrk task","description":"created by wrk"}'
dofile(os.getenv("VK_REPORT_LUA"))
EOF
    cat >"$LIB/seed.sh" <<'EOF'
#!/usr/bin/env bash
# Same requests as shared/bench/peer/seed.sh.
set -eu
STATE=$VK_STATE N=${SEED_TASKS:-1000} B=$BASE_URL
R=$(mktemp -d /tmp/vkrepo.XXXXXX)
git -C "$R" init -q -b main
git -C "$R" -c user.email=bench@localhost -c user.name=bench commit -q --allow-empty -m init
echo "$R" >"$STATE/repo"
OUT=$(curl -fsS -H 'content-type: application/json' -X POST "$B/api/projects" \
  -d "{\"name\":\"bench\",\"git_repo_path\":\"$R\",\"use_existing_repo\":true}")
PROJ=$(printf '%s' "$OUT" | python3 -c 'import sys,json; d=json.load(sys.stdin); assert d["success"], d; print(d["data"]["id"])')
echo "$PROJ" >"$STATE/project_id"
CFG=$STATE/seed.curl; : >"$CFG"
for i in $(seq "$N"); do
  [ "$i" -gt 1 ] && echo next >>"$CFG"
  printf 'url = "%s/api/tasks"\nrequest = "POST"\nheader = "content-type: application/json"\ndata = "{\\"project_id\\":\\"%s\\",\\"title\\":\\"Task %d\\",\\"description\\":\\"Seeded task %d for the benchmark: some descriptive text of moderate length.\\"}"\noutput = "/dev/null"\nwrite-out = "%%{http_code}\\n"\n' \
    "$B" "$PROJ" "$i" "$i" >>"$CFG"
done
BAD=$(curl -sS -K "$CFG" | grep -vc '^200$' || true)
[ "$BAD" = 0 ] || { echo "seed: $BAD task POSTs failed" >&2; exit 1; }
curl -fsS "$B/api/tasks?project_id=$PROJ" | python3 -c '
import sys,json; d=json.load(sys.stdin); t=d["data"]; print(len(t)); print(t[len(t)//2]["id"])' >"$STATE/seed.out"
CNT=$(sed -n 1p "$STATE/seed.out"); sed -n 2p "$STATE/seed.out" >"$STATE/task_id"
[ "$CNT" = "$N" ] || { echo "seed: expected $N tasks, got $CNT" >&2; exit 1; }
echo "seeded project=$PROJ tasks=$CNT sample_task=$(cat "$STATE/task_id") repo=$R"
EOF
    chmod +x "$LIB/seed.sh"
fi

# ------------------------------------------------------------ header
say "# Swarm benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
say "# checkout: $(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
say "# host: $(uname -sr), $(nproc) cores ($(awk -F': ' '/model name/{print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, loadavg $(cut -d' ' -f1-3 /proc/loadavg)"
say "# wrk $(wrk -v 2>&1 | head -1 | awk '{print $2}'): -t$T -c$C --timeout 10s --latency; GET -d$D after a $WARM warm-up, POST -d$PD no warm-up; client and servers share the cores"
say "# swarm: SWARM_WORKERS=$WORKERS SWARM_LOG_LEVEL=$LOG_LEVEL, through nginx; seed $SEED_TASKS tasks"
if [ "$PEER" != 0 ]; then
    say "# reference: vibe-kanban 0.0.71 (npm), harness $PEER_DIR"
else
    say "# reference: skipped (BENCH_PEER=0)"
fi
say

# ------------------------------------------------------------ free ports
PORTS=$(node -e '
const net = require("net");
const s = [net.createServer(), net.createServer(), net.createServer()];
s[0].listen(0, "127.0.0.1", () => s[1].listen(0, "127.0.0.1", () => s[2].listen(0, "127.0.0.1", () => {
  console.log(s.map((x) => x.address().port).join(" "));
  s.forEach((x) => x.close());
})));' 2>/dev/null) ||
    PORTS=$(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))') || die "picking free ports"
read -r HTTP_PORT HTTPS_PORT VK_FREE_PORT <<<"$PORTS"
SW=http://127.0.0.1:$HTTP_PORT

# ------------------------------------------------------------ reference: fetch
SIDE_FAIL=''
if [ "$PEER" != 0 ]; then
    say "==> reference: setup-vk.sh (npm pack vibe-kanban@0.0.71, cached in ${VK_CACHE:-/tmp/vkpeer})"
    if ! timeout 300 "$PEER_DIR/setup-vk.sh" >"$DIR/vk/setup.log" 2>&1; then
        tail -n 20 "$DIR/vk/setup.log"
        SIDE_FAIL="setup-vk.sh failed (npm registry unreachable?)"
        say "bench: side by side NOT RUN: $SIDE_FAIL"
        PEER=0
    fi
fi

# ------------------------------------------------------------ Swarm: start
STACK_ENV=(SWARM_CONF=/dev/null SWARM_VAR="$DIR/stack" SWARM_LISTEN=127.0.0.1
    SWARM_HTTP_PORT="$HTTP_PORT" SWARM_HTTPS_PORT="$HTTPS_PORT"
    SWARM_WORKERS="$WORKERS" SWARM_LOG_LEVEL="$LOG_LEVEL" SWARM_DB_NAME=swarm_node)
say "==> swarm: starting the stack in $DIR/stack (http $HTTP_PORT, https $HTTPS_PORT, $WORKERS workers)"
STACK_STARTED=1
if ! env "${STACK_ENV[@]}" timeout 180 contrib/swarm-stack start; then
    for f in "$DIR"/stack/log/*; do
        [ -s "$f" ] && { printf -- '--- %s ---\n' "$f"; tail -n 40 "$f"; }
    done
    die "contrib/swarm-stack start"
fi
SWARM_RUN=$(env "${STACK_ENV[@]}" contrib/swarm-stack config | sed -n 's/^SWARM_RUN=//p')
LOGDIR=$DIR/stack/log

say "==> swarm: seeding 1 project + $SEED_TASKS tasks"
VK_STATE=$DIR/sw BASE_URL=$SW timeout 180 "$LIB/seed.sh" || die "seeding Swarm failed"
SP=$(cat "$DIR/sw/project_id") ST=$(cat "$DIR/sw/task_id")

# ------------------------------------------------------------ reference: start
VK=''
if [ "$PEER" != 0 ]; then
    VKP=$VK_FREE_PORT
    VK=http://127.0.0.1:$VKP
    say "==> reference: run-vk.sh on 127.0.0.1:$VKP"
    VK_STARTED=1
    if ! VK_STATE=$DIR/vk VK_PORT=$VKP timeout 60 "$PEER_DIR/run-vk.sh"; then
        tail -n 20 "$DIR/vk/vk.log" 2>/dev/null
        SIDE_FAIL="run-vk.sh failed"
    elif ! VK_STATE=$DIR/vk VK_PORT=$VKP BASE_URL=$VK timeout 180 "$PEER_DIR/seed.sh"; then
        SIDE_FAIL="seeding the reference failed"
    fi
    if [ -n "$SIDE_FAIL" ]; then
        say "bench: side by side NOT RUN: $SIDE_FAIL"
        PEER=0
    else
        RP=$(cat "$DIR/vk/project_id") RT=$(cat "$DIR/vk/task_id") VKPID=$(cat "$DIR/vk/vk.pid")
    fi
fi

# ------------------------------------------------------------ wrk
declare -A RES=() SIZE=()
# measure SIDE NAME URL [post]: warm-up (GET only), then the measured run.
# Sets RES[SIDE.NAME] = "rps p50 p99 non2xx errors requests".
measure() {
    local side=$1 name=$2 url=$3 post=${4:-} script dur out=$DIR/wrk.out rc line proj
    if [ "$side" = ref ]; then proj=${RP:-}; else proj=$SP; fi
    if [ -n "$post" ]; then
        script=$LIB/post-task.lua dur=$PD
    else
        script=$LIB/report.lua dur=$D
        timeout 120 wrk -t"$T" -c"$C" -d"$WARM" "$url" >/dev/null 2>&1
    fi
    printf '== %s %s %s\n' "$side" "$name" "$url" >>"$RAW"
    VK_REPORT_LUA=$LIB/report.lua VK_PROJECT_ID=$proj \
        timeout 120 wrk -t"$T" -c"$C" -d"$dur" --timeout 10s --latency -s "$script" "$url" >"$out" 2>&1
    rc=$?
    cat "$out" >>"$RAW"
    line=$(awk '$1=="WRKRESULT"{print $4, $5, $6, $7, $8, $2}' "$out")
    if [ "$rc" -ne 0 ] || [ -z "$line" ]; then
        cat "$out"
        die "wrk failed on $side $name $url (exit $rc)"
    fi
    RES[$side.$name]=$line
    if [ -z "$post" ]; then
        SIZE[$side.$name]=$(curl -sS --max-time 30 -o /dev/null -w '%{size_download}' "$url" 2>/dev/null || echo '?')
    else
        SIZE[$side.$name]=$(curl -sS --max-time 30 -o /dev/null -w '%{size_download}' \
            -H 'content-type: application/json' -d "{\"project_id\":\"$proj\",\"title\":\"wrk task\",\"description\":\"created by wrk\"}" \
            "$url" 2>/dev/null || echo '?')
    fi
    set -- $line
    printf '  %-5s %-16s rps %-9s p50 %-8s p99 %-9s non2xx %s errors %s\n' "$side" "$name" "$1" "$2" "$3" "$4" "$5"
}

say "==> wrk (ref and Swarm interleaved per endpoint)"
EPS="health projects tasks_list_1000 task_get task_create"
for ep in $EPS; do
    case $ep in
        health) path=/api/health ;;
        projects) path=/api/projects ;;
        tasks_list_1000) path="/api/tasks?project_id=@P" ;;
        task_get) path=/api/tasks/@T ;;
        task_create) path=/api/tasks ;;
    esac
    post=''; [ "$ep" = task_create ] && post=post
    if [ "$PEER" != 0 ]; then
        u=${path//@P/$RP}; measure ref "$ep" "$VK${u//@T/$RT}" $post
    fi
    u=${path//@P/$SP}; measure swarm "$ep" "$SW${u//@T/$ST}" $post
done

# ------------------------------------------------------------ memory
# mem PID... -> "rss_kb pss_kb nprocs" (processes that vanished are skipped)
mem() {
    local rss=0 pss=0 n=0 p r s
    for p; do
        r=$(awk '$1=="VmRSS:"{print $2}' "/proc/$p/status" 2>/dev/null)
        s=$(awk '$1=="Pss:"{print $2}' "/proc/$p/smaps_rollup" 2>/dev/null)
        [ -n "$r" ] && [ -n "$s" ] || continue
        rss=$((rss + r)) pss=$((pss + s)) n=$((n + 1))
    done
    echo "$rss $pss $n"
}
proc_tree() { # pidfile -> the pid and its children
    local p
    p=$(cat "$1" 2>/dev/null) || return 0
    case $p in '' | *[!0-9]*) return 0 ;; esac
    echo "$p"
    pgrep -P "$p"
}
sleep 1 # let in-flight requests finish
NG_PIDS=$(proc_tree "$SWARM_RUN/nginx.pid")
ND_PIDS=$(proc_tree "$SWARM_RUN/swarm-node.pid")
DB_PIDS=$(cat "$SWARM_RUN/mysqld.pid" 2>/dev/null)
# shellcheck disable=SC2086 # pid lists are split on purpose
{
    read -r NG_RSS NG_PSS NG_N <<<"$(mem $NG_PIDS)"
    read -r ND_RSS ND_PSS ND_N <<<"$(mem $ND_PIDS)"
    read -r DB_RSS DB_PSS DB_N <<<"$(mem $DB_PIDS)"
    read -r FE_RSS FE_PSS FE_N <<<"$(mem $NG_PIDS $ND_PIDS)"
}
if [ "$PEER" != 0 ]; then
    read -r VK_RSS VK_PSS _ <<<"$(mem "$VKPID")"
    VK_HWM=$(awk '$1=="VmHWM:"{print $2}' "/proc/$VKPID/status" 2>/dev/null)
fi

count_tasks() {
    curl -fsS --max-time 30 "$1/api/tasks?project_id=$2" 2>/dev/null |
        python3 -c 'import sys,json; print(len(json.load(sys.stdin)["data"]))' 2>/dev/null || echo '?'
}
SW_TASKS=$(count_tasks "$SW" "$SP")
[ "$PEER" = 0 ] || VK_TASKS=$(count_tasks "$VK" "$RP")

# ------------------------------------------------------------ report
say
say "## Swarm (workers=$WORKERS): name rps p50_ms p99_ms non2xx errors"
for ep in $EPS; do
    set -- ${RES[swarm.$ep]}
    say "$ep $1 $2 $3 $4 $5"
done
say "# requests:$(for ep in $EPS; do set -- ${RES[swarm.$ep]}; printf ' %s=%s' "$ep" "$6"; done)"
say "# response bytes:$(for ep in $EPS; do printf ' %s=%s' "$ep" "${SIZE[swarm.$ep]}"; done)"
say "# tasks after create: $SW_TASKS"
if [ "$PEER" != 0 ]; then
    say
    say "## reference vibe-kanban 0.0.71: name rps p50_ms p99_ms non2xx errors"
    for ep in $EPS; do
        set -- ${RES[ref.$ep]}
        say "$ep $1 $2 $3 $4 $5"
    done
    say "# requests:$(for ep in $EPS; do set -- ${RES[ref.$ep]}; printf ' %s=%s' "$ep" "$6"; done)"
say "# response bytes:$(for ep in $EPS; do printf ' %s=%s' "$ep" "${SIZE[ref.$ep]}"; done)"
    say "# tasks after create: $VK_TASKS"
fi

say
say "## memory after the load (kB): VmRSS sum, Pss sum (smaps_rollup), processes"
say "swarm_nginx        rss $NG_RSS pss $NG_PSS procs $NG_N"
say "swarm_node         rss $ND_RSS pss $ND_PSS procs $ND_N"
say "swarm_nginx+node   rss $FE_RSS pss $FE_PSS procs $FE_N"
say "swarm_mariadbd     rss $DB_RSS pss $DB_PSS procs $DB_N"
say "swarm_total        rss $((FE_RSS + DB_RSS)) pss $((FE_PSS + DB_PSS))"
[ "$PEER" = 0 ] || say "ref_vibe-kanban    rss $VK_RSS pss $VK_PSS peak(VmHWM) $VK_HWM"

if [ "$PEER" != 0 ]; then
    say
    say "## side by side (targets are reported, not asserted)"
    {
        echo "endpoint ref_rps swarm_rps ratio ref_p99 swarm_p99 target verdict"
        for ep in $EPS; do
            set -- ${RES[ref.$ep]}
            r_rps=$1 r_p99=$3
            set -- ${RES[swarm.$ep]}
            awk -v n="$ep" -v r="$r_rps" -v s="$1" -v rp="$r_p99" -v sp="$3" 'BEGIN {
                ratio = (r > 0) ? s / r : 0
                if (n == "tasks_list_1000") { t = ">=20x"; ok = ratio >= 20 }
                else if (n == "task_get" || n == "projects") { t = ">=1x,p99<=ref"; ok = ratio >= 1 && sp <= rp }
                else if (n == "task_create") { t = ">=5x,p99<50ms"; ok = ratio >= 5 && sp < 50 }
                else { t = "-"; ok = -1 }
                printf "%s %.1f %.1f %.2fx %.2f %.2f %s %s\n", n, r, s, ratio, rp, sp, t,
                    ok < 0 ? "-" : (ok ? "met" : "MISSED")
            }'
        done
    } | column -t
    say
    {
        echo "memory_kB ref swarm target verdict"
        awk -v v="$VK_RSS" -v r="$FE_RSS" -v p="$FE_PSS" -v d="$DB_RSS" 'BEGIN {
            printf "nginx+node_rss %d %d <=ref_rss %s\n", v, r, r <= v ? "met" : "MISSED"
            printf "nginx+node_pss %d %d <=ref_rss %s\n", v, p, p <= v ? "met" : "MISSED"
            printf "mariadbd_rss - %d <100MB %s\n", d, d < 102400 ? "met" : "MISSED"
        }'
    } | column -t
fi

# ------------------------------------------------------------ anomalies
bad=0
for ep in $EPS; do
    set -- ${RES[swarm.$ep]}
    [ "$4" = 0 ] && [ "$5" = 0 ] || bad=1
done
nlog_err=$(grep -acE '\] (warn|fatal|error) ' "$LOGDIR/swarm-node.log" 2>/dev/null)
nginx_err=$(grep -acE '\[(error|crit|alert|emerg)\]' "$LOGDIR/nginx-error.log" 2>/dev/null)
say
say "# swarm logs: swarm-node.log $nlog_err warn/fatal lines, nginx-error.log $nginx_err error lines"
if [ "$bad" = 1 ] || [ "${nlog_err:-0}" -gt 0 ] || [ "${nginx_err:-0}" -gt 0 ]; then
    for f in "$LOGDIR/swarm-node.log" "$LOGDIR/nginx-error.log"; do
        [ -s "$f" ] || continue
        say "--- $f: most frequent messages (timestamps/pids stripped) ---"
        sed -E 's/^[0-9T:.-]+Z [a-z-]+\[[0-9]+\] //; s/^[0-9\/]+ [0-9:]+ //; s/[0-9]+#[0-9]+: \*[0-9]+ //; s/client: [0-9.]+, //' "$f" |
            sort | uniq -c | sort -rn | head -n 10
        say "--- $f: last 10 lines ---"
        tail -n 10 "$f"
    done
fi

if [ -n "$SIDE_FAIL" ]; then
    say
    die "side by side was asked for but did not run: $SIDE_FAIL (BENCH_PEER=0 skips it)"
fi
say
say "bench: done ($SECONDS s)"
exit 0
