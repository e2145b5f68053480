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

# The shared helpers (scripts/lib/common.sh).
. "$root/scripts/lib/common.sh"
start_interop interop sipp:sip-tester

# --- The server ------------------------------------------------------------------------

start_server() {
    server_port=$(free_port)
    mkdir -p "$work/data"
    # Started from a configuration file, as an operator would; info level logs `ready`.
    printf 'sip:\n  listen: ["udp:127.0.0.1:%s", "tcp:127.0.0.1:%s"]\nlog:\n  level: info\n' \
        "$server_port" "$server_port" >"$work/sipwarden.yaml"
    launch_server "$work/server.log" "$binary" serve --config "$work/sipwarden.yaml" --data-dir "$work/data"
    wait_server_ready
    log "server pid $server_pid ready on udp and tcp 127.0.0.1:$server_port after ${ready_ms} ms"
    # The product promises a start in under 2 s (process start to every listener bound).
    if [ "$ready_ms" -ge 2000 ]; then
        summary_line FAIL "$(printf '%-20s %s' start-up "FAIL: ready after ${ready_ms} ms (limit 2000 ms)")"
    else
        summary_line pass "$(printf '%-20s %s' start-up "pass: ready after ${ready_ms} ms with --config (limit 2000 ms)")"
    fi
}

# --- SIPp ------------------------------------------------------------------------------

# run_sipp NAME TRANSPORT(udp|tcp) SCENARIO CALLS RATE TIMEOUT_S [EXTRA SIPP OPTIONS...]
# Fails (returns 1) unless SIPp exits 0 with CALLS successful calls and none failed.
run_sipp() {
    local name=$1 transport=$2 scenario=$3 calls=$4 call_rate=$5 timeout_s=$6
    shift 6
    local dir="$work/$name-$transport" port mode=(-t u1) status=0
    port=$(free_port)
    [ "$transport" = tcp ] && mode=(-t t1)
    run_in "$dir" sipp.out sipp "127.0.0.1:$server_port" -sf "$scenarios/$scenario" "${mode[@]}" \
        -i 127.0.0.1 -p "$port" -m "$calls" -r "$call_rate" -nostdin \
        -timeout "${timeout_s}s" -timeout_error -recv_timeout 5000 \
        -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log -trace_counts "$@" || status=$?
    read_sipp_stats "$dir/stat.csv"
    local verdict=pass
    if [ "$status" -ne 0 ] || [ "$sipp_ok" != "$calls" ] || [ "$sipp_failed" != 0 ]; then
        verdict=FAIL
    fi
    summary_line "$verdict" "$(printf '%-20s %-4s %7s %7s %6s %8s %10s  %s' "$name" "$transport" "$calls" "$sipp_ok" "$sipp_failed" \
        "$sipp_retrans" "$sipp_rate" "$verdict (sipp exit $status)")"
    if [ "$verdict" != pass ]; then
        log "$name over $transport FAILED (sipp exit $status, successful $sipp_ok/$calls, failed $sipp_failed)"
        sipp_errors "$dir"
        return 1
    fi
    log "$name over $transport: $sipp_ok/$calls calls, $sipp_retrans retransmissions"
}

# --- The run ---------------------------------------------------------------------------

need_server_binary
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
            summary_line FAIL "$(printf '%-20s %-4s %s' invite-405-once "$transport" "FAIL: $resent retransmitted 405s")"
            log "invite-405 over $transport: the server retransmitted the 405 $resent times"
        else
            summary_line pass "$(printf '%-20s %-4s %s' invite-405-once "$transport" "pass: one 405, never retransmitted")"
        fi
    fi
done

# Nothing the server logged at error level or above while serving valid traffic.
if grep -E ' (ERROR|CRITICAL) ' "$work/server.log" >&2; then
    summary_line FAIL "server log: error lines (above)"
fi

stop_status=pass
stop_server_checked "$work/server.log" || { stop_status=FAIL; log "$stop_detail"; }
summary_line "$stop_status" "$(printf '%-20s %s' 'SIGTERM' "$stop_status (exit status 0 within ${stop_timeout}s, 'stopped' logged)")"

sipp_name=$(sipp_version)
print_summary "SIPWarden interop with ${sipp_name:-SIPp}, server 127.0.0.1:$server_port" \
    '%-20s %-4s %7s %7s %6s %8s %10s  %s' scenario tran calls ok failed retrans "rate/s" result
finish_checks
