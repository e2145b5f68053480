#!/usr/bin/env bash
# OPTIONS load: the highest rate `sipwarden serve` (release build) and Kamailio each answer
# with fewer than 0.1% failures, measured side by side in one run, over UDP, on loopback.
#
# Setup (see docs/performance.md, "Server"):
#   - SIPWarden: `sipwarden serve`, UDP only, server.threads = THREADS (2).
#   - Kamailio: bench/kamailio/kamailio.cfg (sl_send_reply("200","OK") for OPTIONS, stateless),
#     in the foreground with -x fm (fast allocator) and -n THREADS UDP worker processes.
#   - Load: two SIPp processes (bench/sipp/options-bench.xml), from 127.0.0.2 and 127.0.0.3,
#     each at half the target rate: one SIPp tops out around 40-60k transactions/s here.
#     Each OPTIONS is one "call"; no retransmissions (-nr); no 200 within RECV_TIMEOUT_MS is a
#     failed call.
#   - Nothing is pinned: the generators and the server share the machine's cores, as a
#     server shares them with everything else; the server's and the generators' CPU use are
#     reported next to every rate.
#
# The search, per server: a step offers RATE OPTIONS/s for STEP_SECONDS seconds. The rate
# goes up by RATE_STEP from START_RATE until a step fails, then is bisected between the last
# step that passed and the first that failed, down to RESOLUTION. A step passes when
#   failed calls <= FAIL_LIMIT_PCT (0.1) % of the calls offered  (failed = no 200 in time,
#       or never sent because the generators fell behind), and
#   the generators actually offered >= MIN_OFFERED_PCT (97) % of the target rate
#       (otherwise the rate was not offered, and it cannot be said to be sustained).
# Kernel UDP receive-buffer drops are reported per step: those on the server's port
# (the server did not read fast enough) and all others (the generators did not).
#
# Output: a table per step, then the maximum per server and the ratio SIPWarden/Kamailio.
# Everything lands in OUT_DIR (default bench/results/options-load-TIMESTAMP/). Not run in CI.
#
# Environment: STEP_SECONDS (10), START_RATE (10000), RATE_STEP (10000), MAX_RATE (150000),
# RESOLUTION (2000), FAIL_LIMIT_PCT (0.1), MIN_OFFERED_PCT (97), RECV_TIMEOUT_MS (1000),
# THREADS (2), SERVERS ("sipwarden kamailio"), SERVER_BINARY (this sipwarden binary, no build; not SIPWARDEN_..., which the server reads as settings), OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step_seconds=${STEP_SECONDS:-10}
start_rate=${START_RATE:-10000}
rate_step=${RATE_STEP:-10000}
max_rate=${MAX_RATE:-150000}
resolution=${RESOLUTION:-2000}
fail_limit=${FAIL_LIMIT_PCT:-0.1}
min_offered=${MIN_OFFERED_PCT:-97}
recv_timeout=${RECV_TIMEOUT_MS:-1000}
threads=${THREADS:-2}
servers=${SERVERS:-"sipwarden kamailio"}
generators=(127.0.0.2 127.0.0.3)
clk_tck=$(getconf CLK_TCK)

out=${OUT_DIR:-"$root/bench/results/options-load-$(date +%Y%m%d-%H%M%S)"}
mkdir -p "$out"
results="$out/steps.tsv"
server_pid=""
gen_pids=()

log() { printf '%s\n' "$*" >&2; }

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${gen_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    stop_server || true
    exit "$status"
}
trap cleanup EXIT
trap 'log "options-load: interrupted"; exit 130' INT TERM

# --- Tools -----------------------------------------------------------------------------

apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y --no-install-recommends "$@" >"$out/apt.log" 2>&1 \
        || { $sudo apt-get update >>"$out/apt.log" 2>&1 && $sudo apt-get install -y --no-install-recommends "$@" >>"$out/apt.log" 2>&1; }
}

command -v sipp >/dev/null 2>&1 || { log "installing sip-tester"; apt_install sip-tester; }
if [[ " $servers " == *" kamailio "* ]] && ! command -v kamailio >/dev/null 2>&1 && [ ! -x /usr/sbin/kamailio ]; then
    log "installing kamailio"
    apt_install kamailio
fi
kamailio_bin=$(command -v kamailio || echo /usr/sbin/kamailio)
[ -x /usr/bin/time ] || { log "installing time"; apt_install time; }

if [ -n "${SERVER_BINARY:-}" ]; then
    sipwarden_bin=$SERVER_BINARY
else
    log "swift build -c release --product sipwarden"
    swift build -c release --product sipwarden >"$out/build.log" 2>&1 || { tail -30 "$out/build.log" >&2; exit 1; }
    sipwarden_bin="$root/.build/release/sipwarden"
fi

. "$root/scripts/lib/free-port.sh"

# --- Measurements ----------------------------------------------------------------------

# utime+stime (clock ticks) of every thread of every given process, one "id name ticks" per
# line; a process's own line covers all its threads.
task_ticks() {
    local pid task
    for pid in "$@"; do
        for task in /proc/"$pid"/task/*/stat; do
            [ -r "$task" ] || continue
            awk '{ line = $0; name = line; sub(/^[0-9]+ \(/, "", name); sub(/\) .*$/, "", name);
                   sub(/^.*\) /, "", line); split(line, f, " ");
                   gsub(/ /, "_", name); print $1, name, f[12] + f[13] }' "$task" 2>/dev/null || true
        done
    done
}

# The server's processes: sipwarden is one process; Kamailio is a main process and its children.
server_processes() {
    [ -n "$server_pid" ] || return 0
    echo "$server_pid"
    if [ "$server_name" = kamailio ]; then
        ps -o pid= --ppid "$server_pid" 2>/dev/null | tr -d ' '
    fi
}

# Kernel receive-buffer drops on the sockets bound to local UDP port $1.
port_drops() {
    awk -v port="$(printf ':%04X' "$1")" 'NR > 1 && substr($2, length($2) - 4) == port { d += $NF } END { print d + 0 }' /proc/net/udp
}

# All UDP receive-buffer errors in this network namespace.
udp_rcvbuf_errors() {
    awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 } else print $col["RcvbufErrors"] }' /proc/net/snmp
}

stat_column() {
    awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
        { last = $col } END { if (col) print last; else print 0 }' "$1"
}

now() { date +%s.%N; }

# --- Servers ---------------------------------------------------------------------------

start_server() {
    server_name=$1
    server_port=$(free_port)
    local dir="$out/$server_name"
    mkdir -p "$dir"
    case "$server_name" in
    sipwarden)
        mkdir -p "$dir/data"
        # The load generators are trusted networks: the Guard would otherwise (rightly) ban
        # them as a flood. Their packets still go through the ingress filter's lookup.
        printf 'server:\n  threads: %d\nguard:\n  trusted: ["127.0.0.1/32", "%s/32", "%s/32"]\n' \
            "$threads" "${generators[0]}" "${generators[1]}" >"$dir/sipwarden.yaml"
        "$sipwarden_bin" serve --config "$dir/sipwarden.yaml" --listen "udp:127.0.0.1:$server_port" \
            --data-dir "$dir/data" --log-level info >"$dir/server.log" 2>&1 &
        server_pid=$!
        server_version=$("$sipwarden_bin" --version 2>/dev/null || echo "release build")
        ;;
    kamailio)
        "$kamailio_bin" -f "$root/bench/kamailio/kamailio.cfg" -l "udp:127.0.0.1:$server_port" -n "$threads" \
            -DD -E -Y "$dir" -P "$dir/kamailio.pid" -m 256 -M 16 -x fm -w "$dir" >"$dir/server.log" 2>&1 &
        server_pid=$!
        server_version=$("$kamailio_bin" -v 2>/dev/null | head -1 | awk '{print $2}')
        ;;
    esac
    # Ready when a single OPTIONS gets its 200.
    local probe_port
    probe_port=$(free_port)
    for attempt in $(seq 40); do
        kill -0 "$server_pid" 2>/dev/null || { cat "$dir/server.log" >&2; log "$server_name exited"; return 1; }
        if (cd "$dir" && sipp "127.0.0.1:$server_port" -sf "$root/bench/sipp/options-bench.xml" -i 127.0.0.1 -p "$probe_port" \
            -m 1 -nostdin -timeout 3s -timeout_error -recv_timeout 500 -nr >/dev/null 2>&1); then
            log "$server_name ($server_version) pid $server_pid ready on udp:127.0.0.1:$server_port"
            return 0
        fi
        sleep 0.25
    done
    log "$server_name never answered"
    return 1
}

stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# --- One step --------------------------------------------------------------------------

# run_step RATE: offers RATE OPTIONS/s for step_seconds; appends a line to $results and sets
# step_pass (1 or 0).
run_step() {
    local rate=$1
    local count=${#generators[@]}
    local per_gen=$((rate / count))
    local calls=$((per_gen * step_seconds))
    local dir="$out/$server_name/rate-$rate"
    rm -rf "$dir"
    mkdir -p "$dir"
    local procs
    procs=$(server_processes | tr '\n' ' ')
    # shellcheck disable=SC2086
    task_ticks $procs >"$dir/ticks.before"
    local drops_before other_before t0 t1
    drops_before=$(port_drops "$server_port")
    other_before=$(udp_rcvbuf_errors)
    t0=$(now)
    gen_pids=()
    local i=0
    for source in "${generators[@]}"; do
        local gdir="$dir/gen$i" port
        port=$(free_port)
        mkdir -p "$gdir"
        (
            cd "$gdir"
            exec /usr/bin/time -f '%U %S' -o cpu.txt sipp "127.0.0.1:$server_port" -sf "$root/bench/sipp/options-bench.xml" \
                -i "$source" -p "$port" -m "$calls" -r "$per_gen" -rp 1000 -l $((per_gen * 2 + 1000)) \
                -nr -recv_timeout "$recv_timeout" -buff_size 1048576 -nostdin \
                -timeout "$((step_seconds * 3 + 10))s" -trace_stat -stf stat.csv -fd 1
        ) >"$gdir/sipp.out" 2>&1 &
        gen_pids+=($!)
        i=$((i + 1))
    done
    for pid in "${gen_pids[@]}"; do wait "$pid" || true; done
    gen_pids=()
    t1=$(now)
    # shellcheck disable=SC2086
    task_ticks $procs >"$dir/ticks.after"
    local drops_after other_after
    drops_after=$(port_drops "$server_port")
    other_after=$(udp_rcvbuf_errors)

    local ok=0 created=0 offered_rate=0 gen_cpu=0
    for ((i = 0; i < count; i++)); do
        local gdir="$dir/gen$i"
        ok=$((ok + $(stat_column "$gdir/stat.csv" 'SuccessfulCall(C)')))
        created=$((created + $(stat_column "$gdir/stat.csv" 'OutgoingCall(C)')))
        offered_rate=$(awk -v a="$offered_rate" -v b="$(stat_column "$gdir/stat.csv" 'CallRate(C)')" 'BEGIN { print a + b }')
        # GNU time writes "Command exited with non-zero status N" first when SIPp fails:
        # the times are on the last line.
        gen_cpu=$(awk -v a="$gen_cpu" -v f="$gdir/cpu.txt" 'BEGIN { while ((getline x < f) > 0) l = x; split(l, t, " "); print a + t[1] + t[2] }')
    done
    local planned=$((calls * count))
    local elapsed server_ticks busiest
    elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    # Per-task deltas (threads of sipwarden, processes of Kamailio); the server's total is their sum.
    awk 'NR == FNR { before[$1] = $3; next } { d = $3 - before[$1]; if (d > 0) print d, $2 }' \
        "$dir/ticks.before" "$dir/ticks.after" | sort -rn >"$dir/tasks.txt"
    server_ticks=$(awk '{ s += $1 } END { print s + 0 }' "$dir/tasks.txt")
    busiest=$(awk -v e="$elapsed" -v hz="$clk_tck" '{ printf "%s%.0f", (n++ ? "/" : ""), 100 * $1 / hz / e; if (n == 3) exit }' "$dir/tasks.txt")
    local failed_pct server_cpu gen_cpu_pct answered_rate verdict note=""
    failed_pct=$(awk -v p="$planned" -v o="$ok" 'BEGIN { printf "%.3f", 100 * (p - o) / p }')
    server_cpu=$(awk -v t="$server_ticks" -v hz="$clk_tck" -v e="$elapsed" 'BEGIN { printf "%.0f", 100 * t / hz / e }')
    gen_cpu_pct=$(awk -v c="$gen_cpu" -v e="$elapsed" 'BEGIN { printf "%.0f", 100 * c / e }')
    answered_rate=$(awk -v o="$ok" -v e="$elapsed" 'BEGIN { printf "%.0f", o / e }')
    offered_rate=$(awk -v r="$offered_rate" 'BEGIN { printf "%.0f", r }')
    local server_drops=$((drops_after - drops_before))
    local other_drops=$((other_after - other_before - server_drops))
    step_pass=1
    if awk -v f="$failed_pct" -v l="$fail_limit" 'BEGIN { exit !(f > l) }'; then step_pass=0; note="failures"; fi
    if awk -v o="$offered_rate" -v r="$rate" -v m="$min_offered" 'BEGIN { exit !(o < r * m / 100) }'; then
        step_pass=0
        note="${note:+$note, }generators offered only $offered_rate/s"
    fi
    verdict=$([ "$step_pass" = 1 ] && echo pass || echo FAIL)
    printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n' "$server_name" "$rate" "$offered_rate" "$answered_rate" \
        "$failed_pct" "$server_cpu" "$busiest" "$gen_cpu_pct" "$server_drops" "$other_drops" "$verdict" "$note" >>"$results"
    log "$(printf '%-9s %7d/s offered %7s/s answered %7s/s failed %7s%% server CPU %4s%% (%s) generators CPU %4s%% drops %d/%d %s %s' \
        "$server_name" "$rate" "$offered_rate" "$answered_rate" "$failed_pct" "$server_cpu" "$busiest" "$gen_cpu_pct" \
        "$server_drops" "$other_drops" "$verdict" "$note")"
    sleep 2  # let queues drain before the next step
}

round_rate() { echo $(( ($1 + 500) / 1000 * 1000 )); }

# search: sets search_result to the highest passing rate for the running server.
search() {
    local lo=0 hi=0 rate=$start_rate
    while [ "$rate" -le "$max_rate" ]; do
        run_step "$rate"
        if [ "$step_pass" = 1 ]; then lo=$rate; rate=$((rate + rate_step)); else hi=$rate; break; fi
    done
    if [ "$hi" -ne 0 ]; then
        while [ $((hi - lo)) -gt "$resolution" ]; do
            rate=$(round_rate $(((lo + hi) / 2)))
            [ "$rate" -le "$lo" ] || [ "$rate" -ge "$hi" ] && break
            run_step "$rate"
            if [ "$step_pass" = 1 ]; then lo=$rate; else hi=$rate; fi
        done
    fi
    search_result=$lo
}

# --- The run ---------------------------------------------------------------------------

printf 'server\ttarget/s\toffered/s\tanswered/s\tfailed%%\tserver CPU%%\tbusiest threads/processes %%\tgenerators CPU%%\tserver socket drops\tother drops\tverdict\tnote\n' >"$results"
{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
    echo "sipp: $(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1)"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "step: ${step_seconds}s, fail limit ${fail_limit}%, min offered ${min_offered}%, recv timeout ${recv_timeout}ms, threads/workers $threads, generators ${generators[*]}"
} | tee "$out/context.txt" >&2

declare -A maximum
for name in $servers; do
    start_server "$name"
    search
    maximum[$name]=$search_result
    stop_server
    log "$name: maximum sustained $((maximum[$name]))/s"
done

echo
echo "OPTIONS over UDP, ${step_seconds} s per step, failure = no 200 within ${recv_timeout} ms (limit ${fail_limit}%)"
echo
echo "| server | target/s | offered/s | answered/s | failed % | server CPU % | busiest threads/processes % | generators CPU % | server socket drops | other drops | verdict |"
echo "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"
tail -n +2 "$results" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, ($12 == "" ? "" : " (" $12 ")") }'
echo
for name in $servers; do
    line=$(awk -F'\t' -v s="$name" -v r="${maximum[$name]}" '$1 == s && $2 == r { print; exit }' "$results")
    cpu=$(echo "$line" | cut -f6)
    echo "maximum $name: ${maximum[$name]}/s${cpu:+ (server CPU ${cpu}%)}"
done
if [ -n "${maximum[sipwarden]:-}" ] && [ -n "${maximum[kamailio]:-}" ] && [ "${maximum[kamailio]}" -gt 0 ]; then
    awk -v s="${maximum[sipwarden]}" -v k="${maximum[kamailio]}" 'BEGIN { printf "ratio SIPWarden/Kamailio: %.2f\n", s / k }'
fi
echo "results: $out"
