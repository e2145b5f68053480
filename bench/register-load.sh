#!/usr/bin/env bash
# Registration load: how many digest-authenticated registrations per second `sipwarden serve`
# (release build) and Kamailio each complete, and what a binding costs in memory, measured
# side by side in one run, over UDP, on loopback, with the same users and the same scenario.
#
# Setup:
#   - Users: USERS (10,000) devices dev000001... with random 20-character passwords (letters,
#     digits and specials, SIPWarden's policy), written once as a SIPp injection file
#     (users.csv: SEQUENTIAL, then username;password).
#   - SIPWarden: the devices imported with `sipwarden device import users.csv` (one
#     transaction) into a fresh data directory; `sipwarden serve` from a config file: UDP only,
#     server.threads = THREADS (2), auth.realm = REALM, algorithms MD5 then SHA-256 (SIPp
#     answers the first challenge only and knows only MD5). Skipped, with a message, when the
#     binary has no `device import` yet (or does not build).
#   - Kamailio: bench/kamailio/registrar.cfg, auth_db over SQLite: the subscriber table holds
#     ha1 = MD5(user:REALM:password) and ha1b = MD5(user@127.0.0.1:REALM:password) (no
#     passwords, calculate_ha1 off), usrloc db_mode 2 (write-back every UL_TIMER s, 10), -n
#     THREADS UDP workers, -x fm, in the foreground.
#   - Load: bench/sipp/register-auth.xml (REGISTER, 401, REGISTER with MD5 credentials, 200:
#     one call = one registration = two transactions), from two SIPp processes on 127.0.0.2
#     and 127.0.0.3, each with half the users and a fixed source port, so that every step
#     refreshes the same USERS bindings. No retransmissions (-nr): a registration without its
#     401 and 200 within RECV_TIMEOUT_MS (2000) is a failed call.
#
# Per server (skipped, with what it answered, when one registration does not complete first):
#   1. fill: every user registers once at FILL_RATE (1000/s); the server's memory is read
#      before (ready, no binding) and after (all USERS bindings in place), and the bindings
#      are counted (Kamailio: usrloc statistics; SIPWarden: `registration list --json`), then
#      the wait until they are all in the database is timed (Kamailio: rows of `location`;
#      SIPWarden: `registration list` reads the database).
#   2. ramp: for each rate of RATES, max(USERS, rate x MIN_STEP_SECONDS) registrations (every
#      user at least once) at that rate; a step passes when failed registrations <=
#      FAIL_LIMIT_PCT (0.1) % and the generators offered >= MIN_OFFERED_PCT (97) % of the rate.
#      The ramp stops at the first failing step (RAMP_ALL=1: runs every rate), then the rate is
#      bisected between the last step that passed and the first that failed, down to
#      RESOLUTION (1000). A step lasts MIN_STEP_SECONDS (20): at least two of Kamailio's
#      write-back flushes, which hold the location table's slot locks while they write to
#      SQLite (one fdatasync per binding), so every step pays for persistence.
# Memory: for SIPWarden (one process) VmRSS; for Kamailio (a main process and its children
# sharing one shared-memory segment) the sum of every process's Pss (shared pages divided
# among the processes that map them: their sum is the memory the server holds; a sum of
# VmRSS would count the shared segment once per process), and the growth of its shm
# allocator's "used" (kamcmd core.shmmem). Memory per binding = (after - before) / USERS.
# CPU: utime+stime of every thread/process of the server from /proc, the SIPp generators'
# user+system time (GNU time), both as % of one core over the step's wall time, and what the
# rest of the machine used meanwhile ("other": /proc/stat's busy time minus both). A step
# where other processes used more than NOISY_CPU_PCT (20) % is marked "noisy": on a shared
# machine (a build running next to the benchmark) its ceiling is not the server's alone.
#
# Output: a table per step and a summary per server, printed and written to
# OUT_DIR/summary.txt (default bench/results/register-load-TIMESTAMP/), with every SIPp
# statistics file and server log next to it. Not run in CI.
#
# Environment: USERS (10000), RATES ("4000 8000 12000 16000 20000 24000 28000 32000"),
# RESOLUTION (1000), FILL_RATE (1000), MIN_STEP_SECONDS (20), RECV_TIMEOUT_MS (2000),
# FAIL_LIMIT_PCT (0.1), MIN_OFFERED_PCT (97), NOISY_CPU_PCT (20), RAMP_ALL (0), THREADS (2),
# REALM (sipwarden), UL_TIMER (10), KAMAILIO_DB_MODE (2; 0 = bindings in memory only, a
# reference for what the database costs Kamailio), SERVERS ("sipwarden kamailio"),
# SERVER_BINARY (this sipwarden binary, no build), OUT_DIR, BENCH_LOCK (/tmp/sipwarden-bench.lock:
# held for the whole run, so that two runs of this script never measure each other).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

users=${USERS:-10000}
rates=${RATES:-"4000 8000 12000 16000 20000 24000 28000 32000"}
resolution=${RESOLUTION:-1000}
fill_rate=${FILL_RATE:-1000}
min_step_seconds=${MIN_STEP_SECONDS:-20}
recv_timeout=${RECV_TIMEOUT_MS:-2000}
fail_limit=${FAIL_LIMIT_PCT:-0.1}
min_offered=${MIN_OFFERED_PCT:-97}
ramp_all=${RAMP_ALL:-0}
threads=${THREADS:-2}
realm=${REALM:-sipwarden}
ul_timer=${UL_TIMER:-10}
ul_db_mode=${KAMAILIO_DB_MODE:-2}
noisy_cpu=${NOISY_CPU_PCT:-20}
servers=${SERVERS:-"sipwarden kamailio"}
generators=(127.0.0.2 127.0.0.3)
domain=127.0.0.1
scenario="$root/bench/sipp/register-auth.xml"

# The benchmarks' helpers (bench/lib/bench-common.sh, with scripts/lib/common.sh).
. "$root/bench/lib/bench-common.sh"
on_exit() { stop_generators; stop_server; }
start_bench register-load
results="$out/steps.tsv"
server_name=""

# SIPWarden: skipped (loudly) when it cannot take part yet.
servers_to_measure device import

# --- Users -----------------------------------------------------------------------------

# users.csv (SIPp injection file and `device import` input), gen0.csv and gen1.csv (one half
# each), subscriber.sql (Kamailio's rows: HA1 values only).
make_users() {
    lib_python - "$users" "$realm" "$domain" "$out" <<'PY'
import sys
from devices import password, write_injection, write_subscribers
count, realm, domain, out = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
rows = [(f"dev{i:06d}", password(20)) for i in range(1, count + 1)]
half = (count + 1) // 2
for name, part in (("users.csv", rows), ("gen0.csv", rows[:half]), ("gen1.csv", rows[half:])):
    write_injection(f"{out}/{name}", part)
write_subscribers(f"{out}/subscriber.sql", rows, realm, domain)
PY
}

# --- Measurements ----------------------------------------------------------------------

# Kamailio's shared-memory allocator: bytes used.
kamailio_shm_used() {
    "$kamcmd_bin" -s "unix:$out/kamailio/ctl" core.shmmem 2>/dev/null | awk '$1 == "used:" { print $2 }'
}

# Bindings the server holds now (in memory for Kamailio, in the database for SIPWarden).
bindings_in_memory() {
    case "$server_name" in
    kamailio) "$kamcmd_bin" -s "unix:$out/kamailio/ctl" stats.get_statistics location_contacts 2>/dev/null \
        | awk -F'= ' '{ print $2 + 0 }' ;;
    sipwarden) bindings_in_database ;;
    esac
}
bindings_in_database() {
    case "$server_name" in
    kamailio) sqlite3 "$out/kamailio/kamailio.sqlite" 'PRAGMA busy_timeout = 2000; SELECT count(*) FROM location;' 2>/dev/null | tail -1 ;;
    sipwarden) "$sipwarden_bin" registration list --json --data-dir "$out/sipwarden/data" 2>/dev/null \
        | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo "?" ;;
    esac
}

# --- Servers ---------------------------------------------------------------------------

# sipwarden_setup DIR: SIPWarden's configuration, and the users imported as its devices.
sipwarden_setup() {
    local dir=$1 t0=$SECONDS
    load_config "$dir"
    if ! "$sipwarden_bin" device import "$out/users.csv" --data-dir "$dir/data" --config "$dir/sipwarden.yaml" \
        >"$dir/import.log" 2>&1; then
        tail -20 "$dir/import.log" >&2
        log "sipwarden device import failed"
        return 1
    fi
    log "sipwarden: $users devices imported in $((SECONDS - t0)) s"
}

# --- One step --------------------------------------------------------------------------

# run_step LABEL RATE CALLS: CALLS registrations at RATE per second over the generators;
# appends a line to $results and sets step_pass (1 or 0).
run_step() {
    local label=$1 rate=$2 calls=$3
    local count=${#generators[@]}
    local per_gen_rate=$((rate / count)) per_gen_calls=$(((calls + count - 1) / count))
    local dir="$out/$server_name/$label"
    local procs drops_before drops_after t0 t1 busy0 busy1 i
    step_begin "$dir"
    for ((i = 0; i < count; i++)); do
        start_generator "$dir/gen$i" -sf "$scenario" \
            -inf "$out/gen$i.csv" -i "${generators[$i]}" -p "${gen_ports[$i]}" \
            -m "$per_gen_calls" -r "$per_gen_rate" -rp 1000 -l $((per_gen_rate * 4 + 1000)) \
            -nr -recv_timeout "$recv_timeout" -buff_size 4194304 -nostdin \
            -timeout "$((calls / rate * 3 + 30))s" -trace_stat -stf stat.csv -fd 1
    done
    wait_generators
    step_end "$dir"

    local gen_ok gen_created gen_offered gen_cpu
    generator_totals "$dir" "$count"
    local ok=$gen_ok planned=$((per_gen_calls * count))
    local failed=$((planned - ok))
    local elapsed server_ticks busiest server_cpu gen_cpu_pct other_cpu
    step_cpu "$dir" "$t0" "$t1" "$busy0" "$busy1" "$gen_cpu"
    local failed_pct reg_rate offered_rate verdict note cpu_per_reg
    failed_pct=$(awk -v p="$planned" -v f="$failed" 'BEGIN { printf "%.3f", 100 * f / p }')
    reg_rate=$(awk -v o="$ok" -v e="$elapsed" 'BEGIN { printf "%.0f", o / e }')
    cpu_per_reg=$(awk -v t="$server_ticks" -v hz="$clk_tck" -v o="$ok" 'BEGIN { if (o > 0) printf "%.0f", 1e6 * t / hz / o; else print "-" }')
    offered_rate=$(awk -v r="$gen_offered" 'BEGIN { printf "%.0f", r }')
    local server_drops=$((drops_after - drops_before))
    step_verdict "$failed_pct" "$offered_rate" "$rate" "generators offered only $offered_rate/s" "$other_cpu"
    printf '%s\t%s\t%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n' "$server_name" "$label" "$rate" "$offered_rate" \
        "$reg_rate" "$ok" "$failed" "$failed_pct" "$server_cpu" "$busiest" "$cpu_per_reg" "$gen_cpu_pct" "$other_cpu" "$server_drops" \
        "$elapsed" "$verdict" "$note" >>"$results"
    log "$(printf '%-9s %-10s %6d/s offered %6s/s registered %6s/s ok %6d failed %5d (%s%%) server CPU %4s%% (%s) %s us/reg, SIPp CPU %4s%% other CPU %3s%% drops %d %s %s' \
        "$server_name" "$label" "$rate" "$offered_rate" "$reg_rate" "$ok" "$failed" "$failed_pct" "$server_cpu" "$busiest" \
        "$cpu_per_reg" "$gen_cpu_pct" "$other_cpu" "$server_drops" "$verdict" "$note")"
    sleep 2  # let queues drain before the next step
}

# smoke_register: one registration (the first user, from the first generator's address and
# port, so the fill refreshes it); fails, with what the server answered, when it does not
# complete.
smoke_register() {
    local dir="$out/$server_name/smoke"
    mkdir -p "$dir"
    if (cd "$dir" && sipp "127.0.0.1:$server_port" -sf "$scenario" -inf "$out/gen0.csv" -i "${generators[0]}" -p "${gen_ports[0]}" \
        -m 1 -nostdin -timeout 10s -timeout_error -recv_timeout 2000 -trace_err -error_file errors.log >sipp.out 2>&1); then
        return 0
    fi
    smoke_answer=$(grep -ohE 'SIP/2\.0 [0-9]{3} [A-Za-z ]*' "$dir/errors.log" 2>/dev/null | head -1 || true)
    return 1
}

# highest_rate SERVER STEP_LINE: the summary's words on SERVER's highest passing step.
highest_rate() {
    echo "${maximum[$1]}/s offered, $(echo "$2" | cut -f5) registrations/s completed, $(echo "$2" | cut -f7) failed, server CPU $(echo "$2" | cut -f9)% ($(echo "$2" | cut -f11) us/registration), SIPp CPU $(echo "$2" | cut -f12)%, other processes $(echo "$2" | cut -f13)%"
}

# server_notes SERVER: the summary's memory and persistence lines of SERVER.
server_notes() {
    echo "  memory: ${memory_line[$1]}"
    echo "  persistence: ${persist_line[$1]}"
}

# run_rate RATE: one ramp step, max(USERS, RATE x MIN_STEP_SECONDS) registrations.
run_rate() {
    local calls=$(($1 * min_step_seconds))
    [ "$calls" -ge "$users" ] || calls=$users
    run_step "rate-$1" "$1" "$calls"
}

# --- The run ---------------------------------------------------------------------------

printf 'server\tstep\ttarget/s\toffered/s\tregistered/s\tok\tfailed\tfailed%%\tserver CPU%%\tbusiest %%\tserver CPU us/registration\tSIPp CPU%%\tother CPU%%\tserver socket drops\tseconds\tverdict\tnote\n' >"$results"
{
    machine_context
    echo "users: $users, realm \"$realm\", fill ${fill_rate}/s, ramp: $rates then bisection to ${resolution}/s (at least ${min_step_seconds}s and every user once per step)"
    echo "fail limit ${fail_limit}%, min offered ${min_offered}%, recv timeout ${recv_timeout}ms, no retransmissions, threads/workers $threads, generators ${generators[*]}"
    echo "kamailio: usrloc db_mode $ul_db_mode, write-back every ${ul_timer}s, auth_db on SQLite (WAL), UDP receive buffer up to 4 MB"
    if [ -n "$sipwarden_skip" ]; then echo "SIPWarden SKIPPED: $sipwarden_skip"; fi
} | tee "$out/context.txt" >&2

log "generating $users users with random passwords"
make_users
gen_ports=()
for ((i = 0; i < ${#generators[@]}; i++)); do gen_ports+=("$(free_port)"); done

declare -A maximum memory_line persist_line skipped_line
for name in $servers; do
    server_port=$(free_port)
    prepare_load_server "$name"
    start_load_server "$name" "$root/bench/kamailio/registrar.cfg" 256 -A "UL_TIMER=$ul_timer" -A "UL_DB_MODE=$ul_db_mode"
    sleep 1  # let start-up allocations settle before the first memory reading
    if ! smoke_register; then
        log "*** $name SKIPPED: it does not complete a registration (${smoke_answer:-no answer}; see $out/$name/smoke) ***"
        skipped_line[$name]="it does not complete a registration (${smoke_answer:-no answer})"
        stop_server
        continue
    fi

    read -r rss0 pss0 < <(server_memory)
    shm0=$([ "$name" = kamailio ] && kamailio_shm_used || echo 0)
    run_step fill "$fill_rate" "$users"
    bound=$(bindings_in_memory)
    read -r rss1 pss1 < <(server_memory)
    shm1=$([ "$name" = kamailio ] && kamailio_shm_used || echo 0)
    mem_kb=$([ "$name" = kamailio ] && echo $((pss1 - pss0)) || echo $((rss1 - rss0)))
    per_binding=$(awk -v k="$mem_kb" -v n="$users" 'BEGIN { printf "%.0f", k * 1024 / n }')
    if [ "$name" = kamailio ]; then
        shm_per=$(awk -v a="$shm0" -v b="$shm1" -v n="$users" 'BEGIN { printf "%.0f", (b - a) / n }')
        memory_line[$name]="bindings $bound; PSS (all processes) $pss0 -> $pss1 kB = $per_binding B/binding; shm used $shm0 -> $shm1 B = $shm_per B/binding; (VmRSS sum $rss0 -> $rss1 kB counts the shared segment once per process)"
    else
        memory_line[$name]="bindings $bound; VmRSS $rss0 -> $rss1 kB = $per_binding B/binding (PSS $pss0 -> $pss1 kB)"
    fi
    log "$name memory: ${memory_line[$name]}"

    # Persistence: every binding in the database (Kamailio writes back every UL_TIMER s).
    if [ "$name" = kamailio ] && [ "$ul_db_mode" = 0 ]; then
        persist_line[$name]="none: KAMAILIO_DB_MODE=0 (bindings in memory only)"
    else
        t0=$SECONDS
        persisted=$(bindings_in_database)
        while [ "$persisted" != "$users" ] && [ $((SECONDS - t0)) -lt $((ul_timer * 3 + 30)) ]; do
            sleep 1
            persisted=$(bindings_in_database)
        done
        persist_line[$name]="$persisted of $users bindings in the database $((SECONDS - t0)) s after the fill ended"
    fi
    log "$name: ${persist_line[$name]}"

    ramp_search
    maximum[$name]=$best
    stop_server
    log "$name: highest passing rate ${best}/s"
done

{
    echo
    cat "$out/context.txt"
    echo
    echo "REGISTER with digest authentication (401, then 200), UDP, one SIPp call = one registration; failure = no 401 or 200 within ${recv_timeout} ms"
    echo
    echo "| server | step | target/s | offered/s | registered/s | ok | failed | failed % | server CPU % | busiest % | server CPU us/reg | SIPp CPU % | other CPU % | socket drops | s | verdict |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|"
    tail -n +2 "$results" | awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s%s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, ($17 == "" ? "" : " (" $17 ")") }'
    echo
    servers_summary
    if [ -n "$sipwarden_skip" ]; then echo "SIPWarden SKIPPED: $sipwarden_skip"; fi
    noisy_warning
    echo "results: $out"
} | tee "$out/summary.txt"
