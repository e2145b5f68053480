#!/usr/bin/env bash
# Interoperability test of `sipwarden serve` against SIPp, a real SIP peer.
#
# Starts the release binary from a configuration file on free loopback ports (UDP and TCP on
# the same port number), checks that its `ready` line comes within 2 s, then plays the SIPp
# scenarios of scripts/sipp/:
#   - options-uac.xml         OPTIONS to the server, 200 with To tag, received and rport
#                             (a 20,000-call load at 2,000/s over UDP, then over TCP);
#   - options-retransmit.xml  the same OPTIONS twice: the same To tag both times;
#   - maxforwards-483.xml     OPTIONS to a user, Max-Forwards 0: 483; then 407 (who is calling?);
#   - register-401.xml        REGISTER without credentials: 401 with an MD5 challenge;
#   - methods.xml             unknown method 501, Require 420, stray CANCEL 481;
#   - invite-405.xml          INVITE to the server: one stateless 405, never retransmitted.
# Every run must exit 0 with every call successful (SIPp's exit status and its statistics
# file). Then SIGTERM: the server must exit with status 0 within STOP_TIMEOUT seconds.
#
# Exit status 0 when everything passed, 1 otherwise. Installs SIPp (Debian `sip-tester`)
# when it is missing and builds the release binary (incremental: a no-op when up to date).
#
# Environment: SERVER_BINARY (use this sipwarden binary, skip the build; SIPWARDEN_... variables are server settings), INTEROP_RATE (2000),
# INTEROP_COUNT (20000), KEEP_LOGS=1 (keep the work directory even on success).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios="$root/scripts/sipp"

rate=${INTEROP_RATE:-2000}
count=${INTEROP_COUNT:-20000}
ready_timeout=30       # seconds for the server to bind its listeners
stop_timeout=10        # seconds for the server to exit after SIGTERM
load_timeout=$((count / rate + 60))  # SIPp's global timeout for a load run, in seconds

work=$(mktemp -d "${TMPDIR:-/tmp}/sipwarden-interop.XXXXXX")
server_pid=""
child_pid=""           # the SIPp (or build) running right now
started_at=$SECONDS
failures=0
summary=()

log() { printf '%s\n' "$*" >&2; }

# stop_pid, stat_column, apt_install (scripts/lib/interop-common.sh).
. "$root/scripts/lib/interop-common.sh"

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    if [ -n "$child_pid" ] && kill -0 "$child_pid" 2>/dev/null; then
        kill -TERM "$child_pid" 2>/dev/null || true
        for _ in $(seq 30); do kill -0 "$child_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$child_pid" 2>/dev/null || true
        wait "$child_pid" 2>/dev/null || true
    fi
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [ "$status" -ne 0 ] || [ "${KEEP_LOGS:-0}" = 1 ]; then
        log "interop: logs kept in $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'log "interop: interrupted"; exit 130' INT TERM

# Runs a command in the background and waits for it, so that a signal to this script is
# handled at once (a foreground child would delay the trap until it ends).
run_child() {
    "$@" &
    child_pid=$!
    local status=0
    wait "$child_pid" || status=$?
    child_pid=""
    return "$status"
}

# --- Tools -----------------------------------------------------------------------------

ensure_sipp() {
    command -v sipp >/dev/null 2>&1 && return 0
    log "interop: installing SIPp (sip-tester)"
    apt_install sip-tester || { cat "$work/apt.log" >&2; log "interop: cannot install sip-tester"; return 1; }
    command -v sipp >/dev/null 2>&1
}

ensure_binary() {
    if [ -n "${SERVER_BINARY:-}" ]; then
        binary=$SERVER_BINARY
    else
        log "interop: swift build -c release --product sipwarden"
        run_child swift build -c release --product sipwarden >"$work/build.log" 2>&1 \
            || { tail -50 "$work/build.log" >&2; log "interop: release build failed"; return 1; }
        binary="$root/.build/release/sipwarden"
    fi
    [ -x "$binary" ] || { log "interop: no executable at $binary"; return 1; }
}

# free_port: a loopback port free for UDP and TCP (scripts/lib/free-port.sh).
. "$root/scripts/lib/free-port.sh"

# --- The server ------------------------------------------------------------------------

start_server() {
    server_port=$(free_port)
    mkdir -p "$work/data"
    # Started from a configuration file, as an operator would; info level logs `ready`.
    printf 'sip:\n  listen: ["udp:127.0.0.1:%s", "tcp:127.0.0.1:%s"]\nlog:\n  level: info\n' \
        "$server_port" "$server_port" >"$work/sipwarden.yaml"
    local launched_ns
    launched_ns=$(date +%s%N)
    "$binary" serve --config "$work/sipwarden.yaml" --data-dir "$work/data" >"$work/server.log" 2>&1 &
    server_pid=$!
    local deadline=$((SECONDS + ready_timeout))
    until grep -q 'sipwarden: ready' "$work/server.log"; do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            cat "$work/server.log" >&2
            log "interop: the server exited before it was ready"
            server_pid=""
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            cat "$work/server.log" >&2
            log "interop: the server was not ready after ${ready_timeout}s"
            return 1
        fi
        sleep 0.01
    done
    local startup_ms=$((($(date +%s%N) - launched_ns) / 1000000))
    log "interop: server pid $server_pid ready on udp and tcp 127.0.0.1:$server_port after ${startup_ms} ms"
    # The product promises a start in under 2 s (process start to every listener bound).
    if [ "$startup_ms" -ge 2000 ]; then
        summary+=("$(printf '%-20s %s' start-up "FAIL: ready after ${startup_ms} ms (limit 2000 ms)")")
        failures=$((failures + 1))
    else
        summary+=("$(printf '%-20s %s' start-up "pass: ready after ${startup_ms} ms with --config (limit 2000 ms)")")
    fi
}

stop_server() {
    kill -TERM "$server_pid"
    local deadline=$((SECONDS + stop_timeout)) status=0
    while kill -0 "$server_pid" 2>/dev/null; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "interop: the server did not exit within ${stop_timeout}s of SIGTERM"
            return 1
        fi
        sleep 0.1
    done
    wait "$server_pid" || status=$?
    server_pid=""
    if [ "$status" -ne 0 ]; then
        tail -20 "$work/server.log" >&2
        log "interop: the server exited with status $status after SIGTERM"
        return 1
    fi
    grep -q ' stopped' "$work/server.log" || { log "interop: no 'stopped' line in the server log"; return 1; }
}

# --- SIPp ------------------------------------------------------------------------------

# run_sipp NAME TRANSPORT(udp|tcp) SCENARIO CALLS RATE TIMEOUT_S [EXTRA SIPP OPTIONS...]
# Fails (returns 1) unless SIPp exits 0 with CALLS successful calls and none failed.
run_sipp() {
    local name=$1 transport=$2 scenario=$3 calls=$4 call_rate=$5 timeout_s=$6
    shift 6
    local dir="$work/$name-$transport" port status=0
    mkdir -p "$dir"
    port=$(free_port)
    local mode=(-t u1)
    [ "$transport" = tcp ] && mode=(-t t1)
    (
        cd "$dir"
        exec sipp "127.0.0.1:$server_port" -sf "$scenarios/$scenario" "${mode[@]}" \
            -i 127.0.0.1 -p "$port" -m "$calls" -r "$call_rate" -nostdin \
            -timeout "${timeout_s}s" -timeout_error -recv_timeout 5000 \
            -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log -trace_counts "$@"
    ) >"$dir/sipp.out" 2>&1 &
    child_pid=$!
    wait "$child_pid" || status=$?
    child_pid=""

    local ok failed retrans rate_c unexpected
    if [ -s "$dir/stat.csv" ]; then
        ok=$(stat_column "$dir/stat.csv" 'SuccessfulCall(C)')
        failed=$(stat_column "$dir/stat.csv" 'FailedCall(C)')
        retrans=$(stat_column "$dir/stat.csv" 'Retransmissions(C)')
        unexpected=$(stat_column "$dir/stat.csv" 'FailedUnexpectedMessage(C)')
        rate_c=$(stat_column "$dir/stat.csv" 'CallRate(C)')
    else
        ok="?" failed="?" retrans="?" unexpected="?" rate_c="?"
    fi
    local verdict=pass
    if [ "$status" -ne 0 ] || [ "$ok" != "$calls" ] || [ "$failed" != 0 ]; then
        verdict=FAIL
    fi
    summary+=("$(printf '%-20s %-4s %7s %7s %6s %8s %10s  %s' "$name" "$transport" "$calls" "$ok" "$failed" "$retrans" "$rate_c" "$verdict (sipp exit $status)")")
    if [ "$verdict" != pass ]; then
        failures=$((failures + 1))
        log "interop: $name over $transport FAILED (sipp exit $status, successful $ok/$calls, failed $failed)"
        [ -s "$dir/errors.log" ] && head -40 "$dir/errors.log" >&2
        tail -25 "$dir/sipp.out" >&2
        return 1
    fi
    log "interop: $name over $transport: $ok/$calls calls, $retrans retransmissions"
}

# The value of column $2 on the last line of SIPp's -trace_counts file in directory $1.
counts_column() {
    local file
    file=$(ls "$1"/*_counts.csv 2>/dev/null | head -1)
    [ -n "$file" ] || { echo "?"; return; }
    stat_column "$file" "$2"
}

# --- The run ---------------------------------------------------------------------------

ensure_sipp
ensure_binary
start_server

# A single OPTIONS first: if this fails there is no point in a load.
run_sipp smoke udp options-uac.xml 1 1 20

# The loads: COUNT OPTIONS at RATE per second, over UDP then TCP, every one answered 200.
run_sipp options-load udp options-uac.xml "$count" "$rate" "$load_timeout" || true
run_sipp options-load tcp options-uac.xml "$count" "$rate" "$load_timeout" || true

for transport in udp tcp; do
    run_sipp options-retransmit "$transport" options-retransmit.xml 5 50 20 -nr || true
    run_sipp maxforwards-483 "$transport" maxforwards-483.xml 5 50 20 || true
    run_sipp register-401 "$transport" register-401.xml 5 50 20 || true
    run_sipp methods "$transport" methods.xml 5 50 20 || true
done

# INVITE: one 405, answered statelessly (RFC 3261 §8.2.7): never retransmitted during the
# scenario's 2.5 s pause, ACK or not; SIPp counts received retransmissions per message.
for transport in udp tcp; do
    if run_sipp invite-405 "$transport" invite-405.xml 5 50 30; then
        resent=$(counts_column "$work/invite-405-$transport" '1_405_Retrans')
        if [ "$resent" != 0 ]; then
            failures=$((failures + 1))
            summary+=("$(printf '%-20s %-4s %s' invite-405-once "$transport" "FAIL: $resent retransmitted 405s")")
            log "interop: invite-405 over $transport: the server retransmitted the 405 $resent times"
        else
            summary+=("$(printf '%-20s %-4s %s' invite-405-once "$transport" "pass: one 405, never retransmitted")")
        fi
    fi
done

# Nothing the server logged at error level or above while serving valid traffic.
if grep -E ' (ERROR|CRITICAL) ' "$work/server.log" >&2; then
    failures=$((failures + 1))
    summary+=("server log: error lines (above)")
fi

stop_status=pass
stop_server || { stop_status=FAIL; failures=$((failures + 1)); }
summary+=("$(printf '%-20s %s' 'SIGTERM' "$stop_status (exit status 0 within ${stop_timeout}s, 'stopped' logged)")")

echo
echo "SIPWarden interop with $(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1 || echo SIPp), server 127.0.0.1:$server_port"
printf '%-20s %-4s %7s %7s %6s %8s %10s  %s\n' scenario tran calls ok failed retrans "rate/s" result
for line in "${summary[@]}"; do echo "$line"; done
echo "elapsed: $((SECONDS - started_at)) s"
if [ "$failures" -ne 0 ]; then
    echo "interop: $failures check(s) FAILED"
    exit 1
fi
echo "interop: all checks passed"
