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

log_name=options-load
# The benchmarks' helpers (bench/lib/bench-common.sh, with scripts/lib/common.sh).
. "$root/bench/lib/bench-common.sh"
# The progress lines stand alone, without the script's name.
log() { printf '%s\n' "$*" >&2; }
bench_results options-load
results="$out/steps.tsv"

on_exit() { stop_generators; stop_server; }
script_traps

# --- Tools -----------------------------------------------------------------------------

install_bench_tools
find_sipwarden
[ -z "$sipwarden_skip" ] || { log "$sipwarden_skip"; exit 1; }

# --- Measurements ----------------------------------------------------------------------

# All UDP receive-buffer errors in this network namespace.
udp_rcvbuf_errors() {
    awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 } else print $col["RcvbufErrors"] }' /proc/net/snmp
}

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
        printf 'sip:\n  listen: ["udp:127.0.0.1:%s"]\nserver:\n  threads: %d\nlog:\n  level: info\nguard:\n  trusted: ["127.0.0.1/32", "%s/32", "%s/32"]\n' \
            "$server_port" "$threads" "${generators[0]}" "${generators[1]}" >"$dir/sipwarden.yaml"
        start_sipwarden "$dir"
        ;;
    kamailio)
        launch_server "$dir/server.log" "$kamailio_bin" -f "$root/bench/kamailio/kamailio.cfg" -l "udp:127.0.0.1:$server_port" \
            -n "$threads" -DD -E -Y "$dir" -P "$dir/kamailio.pid" -m 256 -M 16 -x fm -w "$dir"
        server_version=$("$kamailio_bin" -v 2>/dev/null | head -1 | awk '{print $2}')
        ;;
    esac
    wait_ready
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
    local procs drops_before drops_after t0 t1 busy0 busy1 other_before other_after i=0 source
    step_begin "$dir"
    other_before=$(udp_rcvbuf_errors)
    for source in "${generators[@]}"; do
        start_generator "$dir/gen$i" -sf "$root/bench/sipp/options-bench.xml" \
            -i "$source" -p "$(free_port)" -m "$calls" -r "$per_gen" -rp 1000 -l $((per_gen * 2 + 1000)) \
            -nr -recv_timeout "$recv_timeout" -buff_size 1048576 -nostdin \
            -timeout "$((step_seconds * 3 + 10))s" -trace_stat -stf stat.csv -fd 1
        i=$((i + 1))
    done
    wait_generators
    step_end "$dir"
    other_after=$(udp_rcvbuf_errors)

    local gen_ok gen_created gen_offered gen_cpu
    generator_totals "$dir" "$count"
    local ok=$gen_ok offered_rate=$gen_offered planned=$((calls * count))
    # Per-task deltas (threads of sipwarden, processes of Kamailio); the server's total is their sum.
    local elapsed server_ticks busiest server_cpu gen_cpu_pct other_cpu
    step_cpu "$dir" "$t0" "$t1" "$busy0" "$busy1" "$gen_cpu"
    # The three busiest tasks' shares alone, without their names.
    busiest=$(awk -v e="$elapsed" -v hz="$clk_tck" '{ printf "%s%.0f", (n++ ? "/" : ""), 100 * $1 / hz / e; if (n == 3) exit }' "$dir/tasks.txt")
    local failed_pct answered_rate verdict note
    failed_pct=$(awk -v p="$planned" -v o="$ok" 'BEGIN { printf "%.3f", 100 * (p - o) / p }')
    answered_rate=$(awk -v o="$ok" -v e="$elapsed" 'BEGIN { printf "%.0f", o / e }')
    offered_rate=$(awk -v r="$offered_rate" 'BEGIN { printf "%.0f", r }')
    local server_drops=$((drops_after - drops_before))
    local other_drops=$((other_after - other_before - server_drops))
    step_verdict "$failed_pct" "$offered_rate" "$rate" "generators offered only $offered_rate/s"
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
    machine_context
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
    line=$(step_line "$name" "${maximum[$name]}")
    cpu=$(echo "$line" | cut -f6)
    echo "maximum $name: ${maximum[$name]}/s${cpu:+ (server CPU ${cpu}%)}"
done
if [ -n "${maximum[sipwarden]:-}" ] && [ -n "${maximum[kamailio]:-}" ] && [ "${maximum[kamailio]}" -gt 0 ]; then
    awk -v s="${maximum[sipwarden]}" -v k="${maximum[kamailio]}" 'BEGIN { printf "ratio SIPWarden/Kamailio: %.2f\n", s / k }'
fi
echo "results: $out"
