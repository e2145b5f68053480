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

work=$(mktemp -d "${TMPDIR:-/tmp}/sipwarden-interop-provider.XXXXXX")
server_pid=""
child_pid=""
failures=0
summary=()
started_at=$SECONDS

log() { printf '%s\n' "$*" >&2; }

# stop_pid, stat_column, apt_install (scripts/lib/interop-common.sh).
. "$root/scripts/lib/interop-common.sh"

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pid "$child_pid" 30
    stop_pid "$server_pid" 50
    if [ "$status" -ne 0 ] || [ "${KEEP_LOGS:-0}" = 1 ]; then
        log "interop-provider: logs kept in $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'log "interop-provider: interrupted"; exit 130' INT TERM

# --- Tools -----------------------------------------------------------------------------

command -v sipp >/dev/null 2>&1 || { log "interop-provider: sipp not found (Debian package sip-tester)"; exit 1; }

if [ -n "${SERVER_BINARY:-}" ]; then
    binary=$SERVER_BINARY
else
    log "interop-provider: swift build -c release --product sipwarden"
    swift build -c release --product sipwarden >"$work/build.log" 2>&1 \
        || { tail -50 "$work/build.log" >&2; log "interop-provider: release build failed"; exit 1; }
    binary="$root/.build/release/sipwarden"
fi
[ -x "$binary" ] || { log "interop-provider: no executable at $binary"; exit 1; }

# free_port: a loopback port free for UDP and TCP (scripts/lib/free-port.sh).
. "$root/scripts/lib/free-port.sh"

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
        summary+=("$(printf '%-6s %s' "$policy" "FAIL: provider add refused")")
        failures=$((failures + 1))
        return 1
    fi

    # The registrar first, so that the first REGISTER finds it.
    (
        cd "$dir"
        exec sipp -sf "$scenario" -t u1 -i 127.0.0.1 -p "$sipp_port" -m "$calls" -nostdin \
            -key user "$username" -key password "$password" -key expires 5 -key policy "$policy" \
            -timeout "${sipp_timeout}s" -timeout_error \
            -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log -trace_msg -message_file messages.log
    ) >"$dir/sipp.out" 2>&1 &
    child_pid=$!

    printf 'sip:\n  listen: ["udp:127.0.0.1:%s"]\nlog:\n  level: info\n' "$server_port" >"$dir/sipwarden.yaml"
    "$binary" serve --config "$dir/sipwarden.yaml" --data-dir "$dir/data" >"$dir/server.log" 2>&1 &
    server_pid=$!
    local deadline=$((SECONDS + ready_timeout))
    until grep -q 'sipwarden: ready' "$dir/server.log"; do
        if ! kill -0 "$server_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            cat "$dir/server.log" >&2
            summary+=("$(printf '%-6s %s' "$policy" "FAIL: the server did not become ready")")
            failures=$((failures + 1))
            return 1
        fi
        sleep 0.05
    done

    # SIPp ends by itself after its calls; a hung one is stopped at the deadline (SIPp's own
    # global timeout does not always fire while a call waits).
    deadline=$((SECONDS + sipp_timeout + 10))
    while kill -0 "$child_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$child_pid" 2>/dev/null; then
        stop_pid "$child_pid" 30
        sipp_status=124
    else
        wait "$child_pid" || sipp_status=$?
    fi
    child_pid=""

    local ok=? failed=?
    if [ -s "$dir/stat.csv" ]; then
        ok=$(stat_column "$dir/stat.csv" 'SuccessfulCall(C)')
        failed=$(stat_column "$dir/stat.csv" 'FailedCall(C)')
    fi
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

    kill -TERM "$server_pid"
    local stop_deadline=$((SECONDS + stop_timeout)) server_status=0
    while kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$stop_deadline" ]; do sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
        stop_pid "$server_pid" 10
        server_status=124
    else
        wait "$server_pid" || server_status=$?
    fi
    server_pid=""
    if [ "$server_status" -ne 0 ] && [ "$verdict" = pass ]; then
        verdict=FAIL
        reason="the server exited with status $server_status after SIGTERM"
    fi

    summary+=("$(printf '%-6s %-5s %s' "$policy" "$verdict" "${reason:-$ok/$calls SIPp calls, digest verified, Call-ID policy held, status registered, clean stop}")")
    if [ "$verdict" != pass ]; then
        failures=$((failures + 1))
        log "interop-provider: $policy FAILED: $reason"
        [ -s "$dir/errors.log" ] && head -40 "$dir/errors.log" >&2
        tail -20 "$dir/server.log" >&2
        return 1
    fi
    log "interop-provider: $policy passed"
}

# --- The run ---------------------------------------------------------------------------

run_policy keep 1 || true
run_policy new 3 || true

echo
sipp_version=$(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1 || true)
echo "SIPWarden outbound registration interop with ${sipp_version:-SIPp}"
for line in "${summary[@]}"; do echo "$line"; done
echo "elapsed: $((SECONDS - started_at)) s"
if [ "$failures" -ne 0 ]; then
    echo "interop-provider: $failures check(s) FAILED"
    exit 1
fi
echo "interop-provider: all checks passed"
