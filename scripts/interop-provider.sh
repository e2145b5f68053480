#!/usr/bin/env bash
# Interoperability test of SIPWarden's outbound registration (RFC 3261 §10.2) against SIPp
# playing a provider's registrar (scripts/sipp/provider-registrar-uas.xml).
#
# For each Call-ID policy (keep, then new) in a fresh data directory:
#   1. `sipwarden provider add` makes a provider identified by registration, pointing at the
#      SIPp port, password given on standard input (only its HA1 values are stored);
#   2. SIPp starts as the registrar: 401 with an MD5 qop=auth challenge, the answer checked
#      with verifyauth, 200 granting 5 s so that refreshes come every 2.5 s; the Call-ID of
#      each cycle is checked (keep: always the first one; new: never the previous one);
#   3. `sipwarden serve` starts and registers; SIPp must exit 0 with every call successful
#      (keep: 1 call of 3 registrations; new: 3 calls of 1 registration each);
#   4. `sipwarden provider status` must show the provider registered;
#   5. SIGTERM: the server must exit with status 0 within STOP_TIMEOUT seconds.
#
# Exit status 0 when everything passed, 1 otherwise. Builds the release binary unless
# SERVER_BINARY names one (incremental: a no-op when up to date). KEEP_LOGS=1 keeps the work
# directory even on success.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenario="$root/scripts/sipp/provider-registrar-uas.xml"

ready_timeout=30       # seconds for the server to bind its listeners
stop_timeout=10        # seconds for the server to exit after SIGTERM
sipp_timeout=60        # seconds for SIPp to see every registration
username=trunk
realm=provider.example
# Random per run: nothing else knows it. Letters and digits only, so that it passes the
# CLI's checks and SIPp's -key unchanged.
password="Pw$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"

# The shared helpers (scripts/lib/common.sh).
. "$root/scripts/lib/common.sh"
start_interop interop-provider

# --- Tools -----------------------------------------------------------------------------

command -v sipp >/dev/null 2>&1 || { log "sipp not found (Debian package sip-tester)"; exit 1; }
need_server_binary

# --- One policy --------------------------------------------------------------------------

# run_policy keep|new CALLS
run_policy() {
    local policy=$1 calls=$2
    local dir="$work/$policy" sipp_port server_port sipp_status=0 verdict=pass reason=""
    mkdir -p "$dir/data"
    sipp_port=$(free_port)
    server_port=$(free_port)

    if ! printf '%s\n' "$password" | "$binary" provider add "carrier-$policy" --host 127.0.0.1 --port "$sipp_port" \
        --identification registration --register-username "$username" --register-realm "$realm" \
        --password-stdin --register-call-id "$policy" --data-dir "$dir/data" >"$dir/cli.log" 2>&1; then
        cat "$dir/cli.log" >&2
        summary_line FAIL "$(printf '%-6s %s' "$policy" "FAIL: provider add refused")"
        return 1
    fi

    # The registrar first, so that the first REGISTER finds it.
    spawn_in "$dir" sipp.out sipp -sf "$scenario" -t u1 -i 127.0.0.1 -p "$sipp_port" -m "$calls" -nostdin \
        -key user "$username" -key password "$password" -key expires 5 -key policy "$policy" \
        -timeout "${sipp_timeout}s" -timeout_error \
        -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log -trace_msg -message_file messages.log
    child_pid=$spawned_pid

    printf 'sip:\n  listen: ["udp:127.0.0.1:%s"]\nlog:\n  level: info\n' "$server_port" >"$dir/sipwarden.yaml"
    launch_server "$dir/server.log" "$binary" serve --config "$dir/sipwarden.yaml" --data-dir "$dir/data"
    if ! wait_server_ready; then
        summary_line FAIL "$(printf '%-6s %s' "$policy" "FAIL: the server did not become ready")"
        return 1
    fi

    # SIPp ends by itself after its calls; a hung one is stopped at the deadline (SIPp's own
    # global timeout does not always fire while a call waits).
    local deadline=$((SECONDS + sipp_timeout + 10))
    while kill -0 "$child_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$child_pid" 2>/dev/null; then
        stop_pid "$child_pid" 30
        sipp_status=124
    else
        wait "$child_pid" || sipp_status=$?
    fi
    child_pid=""

    read_sipp_stats "$dir/stat.csv"
    local ok=$sipp_ok failed=$sipp_failed
    if [ "$sipp_status" -ne 0 ] || [ "$ok" != "$calls" ] || [ "$failed" != 0 ]; then
        verdict=FAIL
        reason="sipp exit $sipp_status, successful $ok/$calls, failed $failed"
    fi

    # What the server wrote for `provider status` while registered.
    "$binary" provider status --json --data-dir "$dir/data" >"$dir/status.json" 2>&1 || true
    if [ "$verdict" = pass ] && ! grep -Eq '"state": *"registered"' "$dir/status.json"; then
        verdict=FAIL
        reason="provider status is not registered: $(tr -d '\n' <"$dir/status.json" | cut -c1-300)"
    fi

    if ! stop_server_checked && [ "$verdict" = pass ]; then
        verdict=FAIL
        reason="the server exited with status $server_status after SIGTERM"
    fi

    summary_line "$verdict" "$(printf '%-6s %-5s %s' "$policy" "$verdict" "${reason:-$ok/$calls SIPp calls, digest verified, Call-ID policy held, status registered, clean stop}")"
    if [ "$verdict" != pass ]; then
        log "$policy FAILED: $reason"
        [ ! -s "$dir/errors.log" ] || head -40 "$dir/errors.log" >&2
        tail -20 "$dir/server.log" >&2
        return 1
    fi
    log "$policy passed"
}

# --- The run ---------------------------------------------------------------------------

run_policy keep 1 || true
run_policy new 3 || true

sipp_name=$(sipp_version)
print_summary "SIPWarden outbound registration interop with ${sipp_name:-SIPp}"
finish_checks
