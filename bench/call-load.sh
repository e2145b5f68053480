#!/usr/bin/env bash
# Call load: how many authenticated calls per second `sipwarden serve` (release build) and
# Kamailio (tm + registrar + auth_db + record-route) each carry, side by side in one run, over
# UDP on loopback, with the same devices and the same SIPp scenarios.
#
# One call (scripts/sipp/call-uac.xml and call-uas.xml): INVITE, 407, ACK; INVITE with
# credentials, 100, INVITE relayed to the callee, 180, RING_MS of ringing, 200 (the proxy's
# Record-Route), ACK through the proxy, HOLD_MS of talk, BYE through the proxy, 200: the
# proxy receives 5 requests and 3 responses and sends 3 requests and 5 responses per call.
#
# Setup:
#   - Callers: CALLERS (10,000) devices dev000001... with random 20-character passwords, each
#     calling callee01..calleeNN in turn (CALLEES, 10), one SIPp injection file per generator
#     (username;password;callee). Enough callers that none has two calls at once below
#     CALLERS / (HOLD_MS s) calls per second (SIPWarden's default: 2 calls per device).
#   - Callees: two SIPp UASs on 127.0.0.6 and 127.0.0.7, each registered as half the callees
#     (register-auth.xml, from the same address and port), answering every call; they copy
#     the Record-Route. Six source addresses, not one: SIPWarden spreads sources over its
#     threads' sockets by hashing (SO_REUSEPORT), as a real population of phones is spread.
#   - SIPWarden: callers imported with `sipwarden device import --max-calls 10` (each its own
#     account, with its default limit of 10 calls): a call whose BYE was lost in an overloaded
#     step stays up until its maximum duration, and with the default 2 calls per device those
#     would make the next steps refuse callers 486; the
#     callees in account "bench" (1000 calls at once each, 10000 for the account); UDP only,
#     server.threads = THREADS (2), MD5 challenges first (SIPp answers the first only), the
#     generators trusted by the Guard (else it bans them as a flood). It writes a call record
#     (CDR) of every call: after the run every successful call must have its record with cause
#     answered-normal-clearing ("every call in a CDR", checked in the database). Its
#     sip.transactions.max is raised to TRANSACTIONS per thread: a call holds its INVITE's
#     transactions for 32 s (RFC 6026), so the default 50,000 carries about 700 calls/s per
#     thread, and with few sources one thread may take most of them (as Kamailio's shared
#     memory is raised from its 64 MB default).
#   - Kamailio 5.6: bench/kamailio/proxy.cfg, auth_db over SQLite (HA1 only), usrloc in
#     memory, -n THREADS UDP workers, -x fm, -m KAMAILIO_SHM_MB (1536) MB of shared memory (its
#     transactions live there: with 512 MB it runs out near 2,800 calls/s). No dialog module and
#     no accounting: it keeps no call state and writes no record.
#   - Load: four SIPp UACs on 127.0.0.2-5, a quarter of the rate each, without
#     retransmissions (-nr): a call any of whose answers does not come within RECV_TIMEOUT_MS
#     (4000) fails.
#
# Per server (skipped, with what it answered, when one call does not complete first): for each
# rate of RATES, rate x MIN_STEP_SECONDS (20) calls; a step passes when failed calls <=
# FAIL_LIMIT_PCT (0.1) % and the generators offered >= MIN_OFFERED_PCT (97) % of the rate. The
# ramp stops at the first failing step (RAMP_ALL=1: runs every rate), then the rate is bisected
# between the last step that passed and the first that failed, down to RESOLUTION (100).
# CPU: utime+stime of the server's threads/processes from /proc, the SIPp processes' (the UACs
# and the UASs) and what the rest of the machine used ("other"; a step where it exceeds
# NOISY_CPU_PCT (20) % is marked noisy), each as % of one core over the step's wall time.
# Memory: the server's RSS (SIPWarden) or summed PSS (Kamailio) after each step.
#
# Output: a table per step and a summary per server with the ratio, printed and written to
# OUT_DIR/summary.txt (default bench/results/call-load-TIMESTAMP/), with every SIPp statistics
# file and server log next to it. Not run in CI (it takes about 15 minutes).
#
# Environment: CALLERS (10000), CALLEES (10), RATES ("1000 2000 2500 3000 3500 4000 5000"),
# RESOLUTION (100), MIN_STEP_SECONDS (20), RING_MS (100), HOLD_MS (1000), RECV_TIMEOUT_MS (4000),
# FAIL_LIMIT_PCT (0.1), MIN_OFFERED_PCT (97), NOISY_CPU_PCT (20), RAMP_ALL (0), THREADS (2),
# REALM (sipwarden), TRANSACTIONS (300000: SIPWarden's sip.transactions.max per thread),
# KAMAILIO_SHM_MB (1536), DRAIN_SECONDS (35: the pause after each step, so that no step
# inherits the transactions and calls of the one before: SIPWarden keeps an answered
# INVITE's transactions for 32 s), TRACE=1 (every SIPp message in messages.log files: large,
# for looking into failures), SERVERS ("sipwarden kamailio"), SERVER_BINARY (this sipwarden
# binary, no build), OUT_DIR, BENCH_LOCK (/tmp/sipwarden-bench.lock: one benchmark at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

callers=${CALLERS:-10000}
callees=${CALLEES:-10}
rates=${RATES:-"1000 2000 2500 3000 3500 4000 5000"}
resolution=${RESOLUTION:-100}
min_step_seconds=${MIN_STEP_SECONDS:-20}
hold_ms=${HOLD_MS:-1000}
ring_ms=${RING_MS:-100}
transactions=${TRANSACTIONS:-300000}
drain_seconds=${DRAIN_SECONDS:-35}
kamailio_shm=${KAMAILIO_SHM_MB:-1536}
recv_timeout=${RECV_TIMEOUT_MS:-4000}
fail_limit=${FAIL_LIMIT_PCT:-0.1}
min_offered=${MIN_OFFERED_PCT:-97}
noisy_cpu=${NOISY_CPU_PCT:-20}
ramp_all=${RAMP_ALL:-0}
threads=${THREADS:-2}
realm=${REALM:-sipwarden}
servers=${SERVERS:-"sipwarden kamailio"}
generators=(127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5)
answerers=(127.0.0.6 127.0.0.7)
domain=127.0.0.1
scenarios="$root/scripts/sipp"
trace_msg=()
[ "${TRACE:-0}" = 0 ] || trace_msg=(-trace_msg -message_file messages.log)

# The benchmarks' helpers (bench/lib/bench-common.sh, with scripts/lib/common.sh).
. "$root/bench/lib/bench-common.sh"
uas_pids=()

# stop_uas: the answering SIPp processes stopped.
stop_uas() {
    local pid
    for pid in "${uas_pids[@]}"; do stop_pid "$pid" 30; done
    uas_pids=()
}

on_exit() { stop_generators; stop_uas; stop_server; }
start_bench call-load
results="$out/steps.tsv"
server_name=""
servers_to_measure

# The callers' scenario dials the injection file's third field (the -key callee of the
# interop tests would send every call to one callee).
sed 's/\[callee\]/[field2]/g' "$scenarios/call-uac.xml" >"$out/call-uac.xml"
uac_scenario="$out/call-uac.xml"

# --- Devices ---------------------------------------------------------------------------

# callers.csv (`device import` input: username;password), genN.csv (each generator's share:
# username;password;callee), callees.csv (username;password) and calleesN.csv (each
# answerer's share) and subscriber.sql (Kamailio's rows: HA1 values only).
make_devices() {
    lib_python - "$callers" "$callees" "$realm" "$domain" "$out" "${#generators[@]}" "${#answerers[@]}" <<'PY'
import sys
from devices import password, write_injection, write_subscribers
count, callee_count, realm, domain, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
generator_count, answerer_count = int(sys.argv[6]), int(sys.argv[7])
callers = [(f"dev{i:06d}", password(20)) for i in range(1, count + 1)]
callees = [(f"callee{i:02d}", password(20)) for i in range(1, callee_count + 1)]
def write(name, rows):
    write_injection(f"{out}/{name}", rows)
write("callers.csv", callers)
write("callees.csv", callees)
dialling = [(u, p, callees[i % callee_count][0]) for i, (u, p) in enumerate(callers)]
for g in range(generator_count):
    write(f"gen{g}.csv", dialling[g::generator_count])
for a in range(answerer_count):
    write(f"callees{a}.csv", callees[a::answerer_count])
write_subscribers(f"{out}/subscriber.sql", callers + callees, realm, domain)
PY
}

# --- Servers ---------------------------------------------------------------------------

# sipwarden_setup DIR: SIPWarden's configuration, the callers imported as its devices and the
# callees added in account bench.
sipwarden_setup() {
    local dir=$1 t0=$SECONDS
    load_config "$dir" "transactions:" "  max: $transactions"
    {
        "$sipwarden_bin" device import "$out/callers.csv" --max-calls 10 --data-dir "$dir/data" --config "$dir/sipwarden.yaml"
        "$sipwarden_bin" account add bench --max-calls 10000 --data-dir "$dir/data" --config "$dir/sipwarden.yaml"
        tail -n +2 "$out/callees.csv" | while IFS=';' read -r user password; do
            printf '%s\n' "$password" | "$sipwarden_bin" device add "$user" --account bench --max-calls 1000 --password-stdin \
                --data-dir "$dir/data" --config "$dir/sipwarden.yaml"
        done
    } >"$dir/setup.log" 2>&1 || { tail -20 "$dir/setup.log" >&2; log "sipwarden setup failed"; return 1; }
    log "sipwarden: $callers callers and $callees callees created in $((SECONDS - t0)) s"
}

# Registers each answerer's callees from its address and port, then starts the answering
# UAS there. Fails, with what the server answered, when a registration does not complete.
start_callees() {
    local dir a share pid
    for ((a = 0; a < ${#answerers[@]}; a++)); do
        dir="$out/$server_name/callees$a"
        mkdir -p "$dir"
        share=$(($(wc -l <"$out/callees$a.csv") - 1))
        if ! (cd "$dir" && sipp "127.0.0.1:$server_port" -sf "$scenarios/register-auth.xml" -inf "$out/callees$a.csv" \
            -i "${answerers[$a]}" -p "${uas_ports[$a]}" -m "$share" -r 50 -nostdin -timeout 20s -timeout_error -recv_timeout 2000 \
            -trace_stat -stf register.csv -trace_err -error_file register-errors.log >register.out 2>&1); then
            smoke_answer=$(grep -ohE 'SIP/2\.0 [0-9]{3} [A-Za-z ]*' "$dir/register-errors.log" 2>/dev/null | head -1 || true)
            smoke_answer="callee registration: ${smoke_answer:-no answer}"
            return 1
        fi
        spawn_in "$dir" uas.out sipp "127.0.0.1:$server_port" -sf "$scenarios/call-uas.xml" -i "${answerers[$a]}" -p "${uas_ports[$a]}" \
            -d "$ring_ms" -nostdin -nr -recv_timeout $((hold_ms + recv_timeout * 2)) -buff_size 4194304 -l 200000 \
            -trace_stat -stf stat.csv -fd 5 ${trace_msg[@]+"${trace_msg[@]}"}
        uas_pids+=("$spawned_pid")
    done
    sleep 0.5
    for pid in "${uas_pids[@]}"; do
        kill -0 "$pid" 2>/dev/null || { smoke_answer="an answering SIPp did not start (see $out/$server_name/callees*/uas.out)"; return 1; }
    done
}

# Successful calls recorded by SIPWarden so far (answered-normal-clearing records).
answered_records() {
    sqlite3 "file:$out/sipwarden/data/sipwarden.sqlite?mode=ro" \
        "PRAGMA busy_timeout = 5000; SELECT count(*) FROM cdr WHERE cause = 'answered-normal-clearing';" 2>/dev/null | tail -1
}
all_records() {
    sqlite3 "file:$out/sipwarden/data/sipwarden.sqlite?mode=ro" "PRAGMA busy_timeout = 5000; SELECT count(*) FROM cdr;" 2>/dev/null | tail -1
}

# Waits until the record count stops growing for 3 s (the writer flushes every second), at
# most 30 s.
settle_records() {
    local last=-1 same=0 current
    for _ in $(seq 60); do
        current=$(all_records)
        if [ "$current" = "$last" ]; then
            same=$((same + 1))
            [ "$same" -ge 6 ] && return 0
        else
            same=0
            last=$current
        fi
        sleep 0.5
    done
}

# --- One step --------------------------------------------------------------------------

# run_step LABEL RATE CALLS: CALLS calls at RATE per second over the generators; appends a
# line to $results and sets step_pass (1 or 0).
run_step() {
    local label=$1 rate=$2 calls=$3
    local count=${#generators[@]}
    local per_gen_rate=$((rate / count)) per_gen_calls=$(((calls + count - 1) / count))
    local dir="$out/$server_name/$label"
    local procs drops_before drops_after t0 t1 busy0 busy1 uas0 uas1 i
    step_begin "$dir"
    uas0=$(for pid in "${uas_pids[@]}"; do process_ticks "$pid"; done | awk '{ s += $1 } END { print s + 0 }')
    for ((i = 0; i < count; i++)); do
        start_generator "$dir/gen$i" -sf "$uac_scenario" \
            -inf "$out/gen$i.csv" -i "${generators[$i]}" -p "${gen_ports[$i]}" \
            -m "$per_gen_calls" -r "$per_gen_rate" -rp 1000 -l 100000 -d "$hold_ms" \
            -nr -recv_timeout "$recv_timeout" -buff_size 4194304 -nostdin \
            -timeout "$((calls / rate * 3 + 60))s" -trace_stat -stf stat.csv -fd 5 -trace_err -error_file errors.log \
            ${trace_msg[@]+"${trace_msg[@]}"}
    done
    wait_generators
    uas1=$(for pid in "${uas_pids[@]}"; do process_ticks "$pid"; done | awk '{ s += $1 } END { print s + 0 }')
    step_end "$dir"

    local gen_ok gen_created gen_offered gen_cpu setup_ms=0
    generator_totals "$dir" "$count"
    for ((i = 0; i < count; i++)); do
        setup_ms=$(awk -v a="$setup_ms" -v t="$(stat_column "$dir/gen$i/stat.csv" 'ResponseTime1(C)' 0)" -v n="$count" \
            'BEGIN { split(t, f, ":"); printf "%.1f", a + (f[1] * 3600000 + f[2] * 60000 + f[3] * 1000 + f[4] / 1000) / n }')
    done
    gen_cpu=$(awk -v a="$gen_cpu" -v t=$((uas1 - uas0)) -v hz="$clk_tck" 'BEGIN { print a + t / hz }')
    local ok=$gen_ok planned=$((per_gen_calls * count))
    local failed=$((planned - ok))
    local elapsed server_ticks busiest server_cpu gen_cpu_pct other_cpu
    step_cpu "$dir" "$t0" "$t1" "$busy0" "$busy1" "$gen_cpu"
    local failed_pct call_rate verdict note cpu_per_call memory
    failed_pct=$(awk -v p="$planned" -v f="$failed" 'BEGIN { printf "%.3f", 100 * f / p }')
    # Completed calls per second of the step: its wall time includes the last calls' ringing and talk.
    call_rate=$(awk -v o="$ok" -v e="$elapsed" -v h=$((hold_ms + ring_ms)) 'BEGIN { w = e - h / 1000; printf "%.0f", o / (w > 0 ? w : e) }')
    cpu_per_call=$(awk -v t="$server_ticks" -v hz="$clk_tck" -v o="$ok" 'BEGIN { if (o > 0) printf "%.0f", 1e6 * t / hz / o; else print "-" }')
    # Calls started per second while the generators were starting them: the step's wall time
    # less the last call's ringing and talk (SIPp's own CallRate(C) counts those too).
    local offered_rate
    offered_rate=$(awk -v c="$gen_created" -v e="$elapsed" -v h=$((hold_ms + ring_ms)) 'BEGIN { w = e - h / 1000; printf "%.0f", c / (w > 0 ? w : e) }')
    memory=$(server_memory | awk -v s="$server_name" '{ printf "%d", (s == "kamailio" ? $2 : $1) / 1024 }')
    local server_drops=$((drops_after - drops_before))
    step_verdict "$failed_pct" "$offered_rate" "$rate" "only $offered_rate/s offered (generators or answers too slow)" "$other_cpu"
    total_ok=$((total_ok + ok))
    printf '%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n' "$server_name" "$label" "$rate" "$offered_rate" \
        "$call_rate" "$ok" "$failed" "$failed_pct" "$server_cpu" "$busiest" "$cpu_per_call" "$gen_cpu_pct" "$other_cpu" "$server_drops" \
        "$memory" "$elapsed" "$verdict" "$note" "$setup_ms" >>"$results"
    log "$(printf '%-9s %-10s %5d/s offered %5s/s completed %5s/s ok %6d failed %5d (%s%%) setup %s ms server CPU %4s%% (%s) %s us/call, SIPp CPU %4s%% other %3s%% drops %d mem %s MB %s %s' \
        "$server_name" "$label" "$rate" "$offered_rate" "$call_rate" "$ok" "$failed" "$failed_pct" "$setup_ms" "$server_cpu" "$busiest" \
        "$cpu_per_call" "$gen_cpu_pct" "$other_cpu" "$server_drops" "$memory" "$verdict" "$note")"
    sleep "$drain_seconds"  # the step's transactions end before the next step starts
}

# highest_rate SERVER STEP_LINE: the summary's words on SERVER's highest passing step.
highest_rate() {
    echo "${maximum[$1]} calls/s offered, $(echo "$2" | cut -f5) calls/s completed, $(echo "$2" | cut -f7) failed, server CPU $(echo "$2" | cut -f9)% ($(echo "$2" | cut -f11) us/call), memory $(echo "$2" | cut -f15) MB, SIPp CPU $(echo "$2" | cut -f12)%, other processes $(echo "$2" | cut -f13)%"
}

# server_notes SERVER: the summary's line on SERVER's call records.
server_notes() { echo "  call records: ${records_line[$1]}"; }

# run_rate RATE: one ramp step, RATE x MIN_STEP_SECONDS calls.
run_rate() { run_step "rate-$1" "$1" $(($1 * min_step_seconds)); }

# smoke_call: one call from the first caller; fails, with what the server answered, when it
# does not complete.
smoke_call() {
    local dir="$out/$server_name/smoke"
    mkdir -p "$dir"
    if (cd "$dir" && sipp "127.0.0.1:$server_port" -sf "$uac_scenario" -inf "$out/gen0.csv" -i "${generators[0]}" -p "${gen_ports[0]}" \
        -m 1 -d 100 -nostdin -timeout 15s -timeout_error -recv_timeout 4000 -trace_stat -stf stat.csv -trace_err -error_file errors.log >sipp.out 2>&1); then
        total_ok=$((total_ok + 1))
        return 0
    fi
    smoke_answer=$(grep -ohE 'SIP/2\.0 [0-9]{3} [A-Za-z ]*' "$dir/errors.log" 2>/dev/null | tail -1 || true)
    return 1
}

# --- The run ---------------------------------------------------------------------------

printf 'server\tstep\ttarget/s\toffered/s\tcompleted/s\tok\tfailed\tfailed%%\tserver CPU%%\tbusiest %%\tserver CPU us/call\tSIPp CPU%%\tother CPU%%\tserver socket drops\tmemory MB\tseconds\tverdict\tnote\tsetup ms\n' >"$results"
{
    machine_context
    echo "calls: INVITE/407/ACK, INVITE with MD5 credentials/100/180, ${ring_ms} ms of ringing, 200/ACK, ${hold_ms} ms of talk, BYE/200, UDP, Record-Route; $callers callers calling $callees callees"
    echo "ramp: $rates calls/s then bisection to ${resolution}/s, ${min_step_seconds}s per step; fail limit ${fail_limit}%, min offered ${min_offered}%, recv timeout ${recv_timeout}ms, no retransmissions"
    echo "threads/workers $threads; callers' SIPp on ${generators[*]}, callees' SIPp on ${answerers[*]}; kamailio: tm + registrar (usrloc in memory) + auth_db (SQLite) + rr, no dialog, no accounting"
    if [ -n "${sipwarden_skip:-}" ]; then echo "SIPWarden SKIPPED: $sipwarden_skip"; fi
} | tee "$out/context.txt" >&2

log "generating $callers callers and $callees callees with random passwords"
make_devices
gen_ports=()
for ((i = 0; i < ${#generators[@]}; i++)); do gen_ports+=("$(free_port)"); done

declare -A maximum skipped_line records_line
for name in $servers; do
    server_port=$(free_port)
    uas_ports=()
    for ((a = 0; a < ${#answerers[@]}; a++)); do uas_ports+=("$(free_port)"); done
    total_ok=0
    smoke_answer=""
    prepare_load_server "$name"
    start_load_server "$name" "$root/bench/kamailio/proxy.cfg" "$kamailio_shm"
    if ! start_callees || ! smoke_call; then
        log "*** $name SKIPPED: a call does not complete (${smoke_answer:-no answer}; see $out/$name) ***"
        skipped_line[$name]="a call does not complete (${smoke_answer:-no answer})"
        stop_uas
        stop_server
        continue
    fi

    ramp_search
    maximum[$name]=$best
    if [ "$name" = sipwarden ]; then
        settle_records
        answered=$(answered_records)
        records_line[$name]="$answered answered-normal-clearing records for $total_ok calls SIPp completed ($(all_records) records in all)"
        [ "$answered" -ge "$total_ok" ] || records_line[$name]="MISSING RECORDS: ${records_line[$name]}"
    else
        records_line[$name]="none (no accounting configured)"
    fi
    stop_uas
    stop_server
    log "$name: highest passing rate ${best}/s; records: ${records_line[$name]}"
done

{
    echo
    cat "$out/context.txt"
    echo
    echo "| server | step | target/s | offered/s | completed/s | ok | failed | failed % | setup ms | server CPU % | busiest % | server CPU us/call | SIPp CPU % | other CPU % | socket drops | memory MB | s | verdict |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|"
    tail -n +2 "$results" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $19, $9, $10, $11, $12, $13, $14, $15, $16, $17, ($18 == "" ? "" : " (" $18 ")") }'
    echo
    servers_summary
    if [ -n "${maximum[sipwarden]:-}" ] && [ -n "${maximum[kamailio]:-}" ] && [ "${maximum[kamailio]}" -gt 0 ]; then
        echo "ratio SIPWarden / Kamailio (highest passing rate): $(awk -v a="${maximum[sipwarden]}" -v b="${maximum[kamailio]}" 'BEGIN { printf "%.2f", a / b }')x"
    fi
    noisy_warning
    echo "results: $out"
} | tee "$out/summary.txt"
