#!/usr/bin/env bash
# Challenge flood: what a flood of spoofed INVITEs without credentials costs `sipwarden serve`
# (release build), and whether authenticated calls still get through it. Every such INVITE
# is answered with one stateless 407 and holds no transaction, so the flood should cost CPU
# and nothing else.
#
# Setup: UDP on a free port of 127.0.0.1, the console's HTTP listener on another (for
# /metrics); account bench (10,000 calls at once) with devices caller and callee (1,000
# calls at once each). callee registers (scripts/sipp/register-auth.xml) and answers
# (call-uas.xml) from 127.0.0.1; caller calls from 127.0.0.1 too: the Guard trusts the
# server's own host by default, so the legitimate calls are not flood-metered (one source
# placing 50 calls a second is itself over sip-flood's 30 requests in 2 s).
#
# The run:
#   1. scripts/guard/spoofed_invites.py sends FLOOD_RATE INVITEs/s for FLOOD_SECONDS, round
#      robin from FLOOD_SOURCES sockets on 127.0.1.1 onwards (each source well under
#      sip-flood's threshold at the defaults), "from" caller to callee, reading no answer;
#   2. 1 s in, SIPp (call-uac.xml: INVITE, 407, ACK, INVITE with credentials, 180, 200, ACK,
#      HOLD_MS of talk, BYE, 200) places CALL_RATE calls/s for FLOOD_SECONDS - 2 s, at most
#      CALL_LIMIT at once, with SIPp's retransmissions (a phone's), answering the challenge as
#      SIPp does by default;
#   3. when both are done: the figures.
# Figures: legitimate calls attempted and successful (the run passes only at 100 %); the
# server's CPU (utime+stime from /proc/PID/stat, before the flood and after it, as % of one
# core over the flood's wall time); the flood rate the sender reached; the server's RSS at the
# end; from /metrics (counters before and after): UDP datagrams received, INVITEs parsed,
# 407s sent, transactions created, datagrams the Guard dropped (banned or over the flood
# limit) and bans issued, with the time of the first ban (the server's log). The 407s and
# drops show how much of the flood the server answered: sources it bans (an unanswered
# challenge becomes an unidentified call attempt after 32 s, or at once when the tracker of
# 50,000 pending challenges is full; 20 make a ban in sip-unidentified) are dropped at the
# door from then on.
#
# Output: printed and written to OUT_DIR/summary.txt (default
# bench/results/challenge-flood-TIMESTAMP/), with the flood's report, SIPp's statistics and
# the server's log. Exit status 1 when a legitimate call failed.
#
# Environment: FLOOD_RATE (5000), FLOOD_SECONDS (30), FLOOD_SOURCES (1000), CALL_RATE (50),
# CALL_LIMIT (200), HOLD_MS (1000), SERVER_BINARY (this sipwarden binary, no build),
# OUT_DIR, BENCH_LOCK (/tmp/sipwarden-bench.lock: one benchmark at a time).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

flood_rate=${FLOOD_RATE:-5000}
flood_seconds=${FLOOD_SECONDS:-30}
flood_sources=${FLOOD_SOURCES:-1000}
call_rate=${CALL_RATE:-50}
call_limit=${CALL_LIMIT:-200}
hold_ms=${HOLD_MS:-1000}
servers=sipwarden
server_name=sipwarden
scenarios="$root/scripts/sipp"

# The benchmarks' helpers (bench/lib/bench-common.sh, with scripts/lib/common.sh).
. "$root/bench/lib/bench-common.sh"
uas_pid=""
flood_pid=""

on_exit() {
    [ -z "$flood_pid" ] || kill -TERM "$flood_pid" 2>/dev/null || true
    stop_pid "$uas_pid" 30
    stop_server
}
start_bench challenge-flood
find_sipwarden
[ -z "$sipwarden_skip" ] || { log "$sipwarden_skip"; exit 1; }

# --- The server ------------------------------------------------------------------------

server_port=$(free_port)
console_port=$(free_port)
callee_port=$(free_port)
dir="$out/sipwarden"
mkdir -p "$dir/data"
cat >"$dir/sipwarden.yaml" <<EOF
sip:
  listen: ["udp:127.0.0.1:$server_port"]
console:
  listen: "127.0.0.1:$console_port"
log:
  level: info
EOF
password() { printf 'Pw#%s!' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; }
caller_password=$(password)
callee_password=$(password)
{
    cli() { "$sipwarden_bin" "$@" --data-dir "$dir/data" --config "$dir/sipwarden.yaml"; }
    cli account add bench --max-calls 10000
    printf '%s\n' "$caller_password" | cli device add caller --account bench --max-calls 1000 --password-stdin
    printf '%s\n' "$callee_password" | cli device add callee --account bench --max-calls 1000 --password-stdin
} >"$dir/setup.log" 2>&1 || { cat "$dir/setup.log" >&2; log "setup refused"; exit 1; }
printf 'SEQUENTIAL\ncaller;%s\n' "$caller_password" >"$out/caller.csv"
printf 'SEQUENTIAL\ncallee;%s\n' "$callee_password" >"$out/callee.csv"

start_sipwarden "$dir"
wait_ready || exit 1

series=(
    'sipwarden_sip_requests_total{method="INVITE"}'
    'sipwarden_packets_received_total{transport="udp"}'
    'sipwarden_sip_responses_total{code="407"}'
    sipwarden_transactions_created_total
    'sipwarden_guard_dropped_packets_total{reason="banned"}'
    'sipwarden_guard_dropped_packets_total{reason="flood"}'
    sipwarden_bans_total
)
metrics_snapshot() { for name in "${series[@]}"; do metric "$console_port" "$name"; done; }

# --- The callee ------------------------------------------------------------------------

run_in "$out/callee" register.out sipp "127.0.0.1:$server_port" -sf "$scenarios/register-auth.xml" -inf "$out/callee.csv" \
    -i 127.0.0.1 -p "$callee_port" -m 1 -nostdin -timeout 10s -timeout_error -trace_stat -stf register.csv \
    -trace_err -error_file register-errors.log || { log "callee registration failed (see $out/callee)"; exit 1; }
spawn_in "$out/callee" uas.out sipp "127.0.0.1:$server_port" -sf "$scenarios/call-uas.xml" -i 127.0.0.1 -p "$callee_port" -nostdin \
    -l 100000 -buff_size 4194304 -trace_stat -stf stat.csv -fd 5 -trace_err -error_file errors.log
uas_pid=$spawned_pid
sleep 0.5
kill -0 "$uas_pid" 2>/dev/null || { log "the answering SIPp did not start (see $out/callee/uas.out)"; exit 1; }

# --- The run ---------------------------------------------------------------------------

legit_calls=$((call_rate * (flood_seconds > 3 ? flood_seconds - 2 : 1)))
log "flood: $flood_rate INVITEs/s for $flood_seconds s from $flood_sources sources; calls: $call_rate/s, $legit_calls in all"
read -r -a before <<<"$(metrics_snapshot | tr '\n' ' ')"
ticks0=$(process_ticks "$server_pid")
t0=$(now)
python3 "$root/scripts/guard/spoofed_invites.py" --target "127.0.0.1:$server_port" --rate "$flood_rate" --seconds "$flood_seconds" \
    --sources "$flood_sources" --first-source 127.0.1.1 --caller caller --callee callee >"$out/flood.txt" 2>&1 &
flood_pid=$!
sleep 1
run_in "$out/calls" sipp.out timeout $((flood_seconds * 3 + 60)) sipp "127.0.0.1:$server_port" -sf "$scenarios/call-uac.xml" \
    -inf "$out/caller.csv" -key callee callee -i 127.0.0.1 -m "$legit_calls" -r "$call_rate" -l "$call_limit" -d "$hold_ms" \
    -nostdin -buff_size 4194304 -trace_stat -stf stat.csv -fd 5 -trace_err -error_file errors.log || true
wait "$flood_pid" || true
flood_pid=""
t1=$(now)
ticks1=$(process_ticks "$server_pid")
read -r -a after <<<"$(metrics_snapshot | tr '\n' ' ')"
rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")

attempted=$(stat_column "$out/calls/stat.csv" 'OutgoingCall(C)' 0)
succeeded=$(stat_column "$out/calls/stat.csv" 'SuccessfulCall(C)' 0)
failed=$(stat_column "$out/calls/stat.csv" 'FailedCall(C)' 0)
sent=$(awk '$1 == "sent" { print $2 }' "$out/flood.txt")
achieved=$(awk '$1 == "rate" { print $2 }' "$out/flood.txt")
elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
cpu=$(awk -v t=$((ticks1 - ticks0)) -v hz="$clk_tck" -v e="$elapsed" 'BEGIN { printf "%.0f", 100 * t / hz / e }')
cpu_seconds=$(awk -v t=$((ticks1 - ticks0)) -v hz="$clk_tck" 'BEGIN { printf "%.1f", t / hz }')
delta() { echo $((after[$1] - before[$1])); }
invites=$(delta 0)
datagrams=$(delta 1)
challenges=$(delta 2)
transactions=$(delta 3)
dropped_banned=$(delta 4)
dropped_flood=$(delta 5)
bans=$(delta 6)
# When the Guard's first ban came, in seconds from the flood's start (its log is in UTC).
first_ban=$(grep -m1 'sipwarden.guard: ban ' "$dir/server.log" | cut -d' ' -f1 || true)
if [ -n "$first_ban" ]; then
    first_ban=$(awk -v b="$(date -d "$first_ban" +%s.%N)" -v a="$t0" 'BEGIN { printf "the first %.1f s into the flood", b - a }')
else
    first_ban="none"
fi
pct=$(awk -v s="$succeeded" -v a="$legit_calls" 'BEGIN { printf "%.1f", (a > 0 ? 100 * s / a : 0) }')
us_per_datagram=$(awk -v t=$((ticks1 - ticks0)) -v hz="$clk_tck" -v n="$datagrams" 'BEGIN { if (n > 0) printf "%.1f", 1e6 * t / hz / n; else print "-" }')

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
    echo "sipwarden: $server_version ($sipwarden_bin); $(sipp_version)"
    echo "flood: asked $flood_rate INVITEs/s for $flood_seconds s from $flood_sources sources; sent $sent, achieved ${achieved:-?}/s"
    echo "legitimate calls: $legit_calls planned at $call_rate/s, $attempted attempted, $succeeded successful ($pct %), $failed failed"
    echo "server CPU: $cpu % of one core over $elapsed s ($cpu_seconds s of CPU: $us_per_datagram us per datagram received, calls included)"
    echo "server RSS at the end: $((rss_kb / 1024)) MB ($rss_kb kB)"
    echo "datagrams received: $datagrams; INVITEs parsed: $invites; 407s sent: $challenges; transactions created: $transactions"
    echo "Guard: $dropped_banned datagrams dropped from banned sources, $dropped_flood over the flood limit; $bans bans ($first_ban)"
    if [ "$succeeded" = "$legit_calls" ] && [ "$failed" = 0 ]; then
        echo "verdict: pass (every legitimate call succeeded)"
    else
        echo "verdict: FAIL ($((legit_calls - succeeded)) legitimate calls did not succeed; see $out/calls/errors.log)"
    fi
    echo "results: $out"
} | tee "$out/summary.txt"
[ "$succeeded" = "$legit_calls" ] && [ "$failed" = 0 ]
