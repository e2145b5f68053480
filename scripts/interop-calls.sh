#!/usr/bin/env bash
# Calls interop test of `sipwarden serve` against SIPp, real SIP peers on loopback.
#
# One server (UDP, a free port, a temporary data directory) with:
#   - account acme (prepaid, balance 100.00, 1000 calls at once): devices caller and callee;
#   - account cheap (prepaid, balance 0.05): device pocket;
#   - providers down (a SIPp answering 503) and up (a SIPp answering calls), both for +44,
#     down first; a default rate of 0.60 per minute for +44, billed per second.
# Steps (each a line of the summary; any failure makes the exit status 1):
#   1. device to device: callee registers (register-auth.xml) and answers (call-uas.xml);
#      caller places CALLS (1,000) authenticated calls (call-uac.xml, 407 then INVITE with
#      credentials, 1 s of talk, BYE): every call successful, and once written, exactly
#      CALLS records with cause answered-normal-clearing, caller and callee named, and a
#      duration of 0.9-3 s each;
#   1b. alias: callee also answers to 2001; caller dials 2001: the call reaches callee and
#      its record names callee as the destination;
#   2. John Doe: the seed's INVITE for 0033147310370 from 127.0.0.20, without credentials:
#      never answered, never reaches a provider, recorded (cause scanner-detected, source
#      127.0.0.20, User-Agent "John Doe");
#   3. denied destination: caller dials 00449001234567 (+449, premium rate on the deny
#      list): 403, cause not-allowed, nothing sent to a provider;
#   4. failover: caller dials 00442071234567: provider down answers 503, provider up
#      answers; the record names up as the destination and lists both attempts (503, 200),
#      and the cost (billable seconds x 0.01) is charged to acme;
#   5. prepaid running out: pocket (0.05: 5 s at 0.01/s) calls and keeps talking; the
#      switch sends BYE to both sides after 5 s (the call ends 5-7 s after the answer),
#      cause max-duration, cost 0.05, and pocket's balance is 0.00, never below; a second
#      call started during the first is refused 402 (no-balance);
#   6. SIGTERM under load: 300 calls at 60/s with 0.3 s of talk; the server gets SIGTERM
#      after 3 s and must exit 0; every call SIPp saw complete (BYE answered) has its record.
# Nothing logged at error level or above.
#
# Installs SIPp (Debian sip-tester) and python3 when missing; builds the release binary
# (incremental) unless SERVER_BINARY is set. Takes about a minute after the build.
#
# Environment: SERVER_BINARY, INTEROP_CALLS (1000), INTEROP_CALL_RATE (100 calls/s),
# KEEP_LOGS=1 (keep the work directory even on success).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios="$root/scripts/sipp"
calls=${INTEROP_CALLS:-1000}
rate=${INTEROP_CALL_RATE:-100}
ready_timeout=30
stop_timeout=15

work=$(mktemp -d "${TMPDIR:-/tmp}/sipwarden-interop-calls.XXXXXX")
server_pid=""
background=()
failures=0
summary=()
started_at=$SECONDS

log() { printf 'interop-calls: %s\n' "$*" >&2; }

# stop_pid, stat_column, apt_install (scripts/lib/interop-common.sh).
. "$root/scripts/lib/interop-common.sh"

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for pid in "${background[@]}"; do stop_pid "$pid" 20; done
    stop_pid "$server_pid" 50
    if [ "$status" -ne 0 ] || [ "${KEEP_LOGS:-0}" = 1 ]; then
        log "logs kept in $work"
    else
        rm -rf "$work"
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

for tool in sipp:sip-tester python3:python3; do
    command -v "${tool%%:*}" >/dev/null 2>&1 && continue
    log "installing ${tool#*:}"
    apt_install "${tool#*:}" || { cat "$work/apt.log" >&2; log "cannot install ${tool#*:}"; exit 1; }
done
if [ -n "${SERVER_BINARY:-}" ]; then
    binary=$SERVER_BINARY
else
    log "swift build -c release --product sipwarden"
    swift build -c release --product sipwarden >"$work/build.log" 2>&1 \
        || { tail -50 "$work/build.log" >&2; log "release build failed"; exit 1; }
    binary="$root/.build/release/sipwarden"
fi
[ -x "$binary" ] || { log "no executable at $binary"; exit 1; }
. "$root/scripts/lib/free-port.sh"

result() {  # result NAME pass|FAIL DETAIL
    summary+=("$(printf '%-22s %s %s' "$1" "$2" "$3")")
    [ "$2" = pass ] || failures=$((failures + 1))
}

data="$work/data"
config="$work/sipwarden.yaml"
server_port=$(free_port)
callee_port=$(free_port)
down_port=$(free_port)
up_port=$(free_port)
mkdir -p "$data"
printf 'sip:\n  listen: ["udp:127.0.0.1:%s"]\nlog:\n  level: info\n' "$server_port" >"$config"
cli() { "$binary" "$@" --data-dir "$data" --config "$config"; }
password() { printf 'Pw#%s!' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; }

caller_password=$(password)
callee_password=$(password)
pocket_password=$(password)
{
    cli account add acme --balance 100 --max-calls 1000
    cli account add cheap --balance 0.05
    printf '%s\n' "$caller_password" | cli device add caller --account acme --max-calls 1000 --password-stdin
    printf '%s\n' "$callee_password" | cli device add callee --account acme --max-calls 1000 --aliases 2001 --password-stdin
    printf '%s\n' "$pocket_password" | cli device add pocket --account cheap --max-calls 5 --password-stdin
    cli provider add down --host 127.0.0.1 --port "$down_port"
    cli provider add up --host 127.0.0.1 --port "$up_port"
    cli route add +44 --provider down --priority 0
    cli route add +44 --provider up --priority 1
    cli rate add +44 --price 0.60
} >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; log "setup refused"; exit 1; }
printf 'SEQUENTIAL\ncaller;%s\n' "$caller_password" >"$work/caller.csv"
printf 'SEQUENTIAL\ncallee;%s\n' "$callee_password" >"$work/callee.csv"
printf 'SEQUENTIAL\npocket;%s\n' "$pocket_password" >"$work/pocket.csv"

start_server() {
    "$binary" serve --config "$config" --data-dir "$data" >>"$work/server.log" 2>&1 &
    server_pid=$!
    local deadline=$((SECONDS + ready_timeout)) lines
    lines=$(grep -c 'sipwarden: ready' "$work/server.log" || true)
    until [ "$(grep -c 'sipwarden: ready' "$work/server.log" || true)" -gt "$lines" ]; do
        if ! kill -0 "$server_pid" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            tail -30 "$work/server.log" >&2
            log "the server did not become ready"
            exit 1
        fi
        sleep 0.05
    done
}

# sipp_run NAME ARGS...: runs SIPp in $work/NAME, in the foreground, bounded.
sipp_run() {
    local name=$1
    shift
    mkdir -p "$work/$name"
    (cd "$work/$name" && timeout 180 sipp -i 127.0.0.1 -nostdin -trace_stat -stf stat.csv -trace_err -error_file errors.log "$@" \
        "127.0.0.1:$server_port" >sipp.out 2>&1)
}

# sipp_background NAME ARGS...: the same, in the background (a UAS).
sipp_background() {
    local name=$1
    shift
    mkdir -p "$work/$name"
    (cd "$work/$name" && exec timeout 300 sipp -i 127.0.0.1 -nostdin -trace_msg -message_file messages.log -trace_err \
        -error_file errors.log "$@" "127.0.0.1:$server_port" >sipp.out 2>&1) &
    background+=($!)
}

# The records as JSON (after the writer's next flush, within about 1 s).
records() { cli cdr list --json --limit 10000 "$@"; }
wait_records() {  # wait_records COUNT ARGS...: until at least COUNT records match
    local want=$1 deadline=$((SECONDS + 10)) have
    shift
    while :; do
        have=$(records "$@" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
        [ "$have" -ge "$want" ] || [ "$SECONDS" -ge "$deadline" ] || { sleep 0.3; continue; }
        echo "$have"
        return
    done
}

start_server

# --- 1. Device to device --------------------------------------------------------------

sipp_run register -sf "$scenarios/register-auth.xml" -inf "$work/callee.csv" -m 1 -p "$callee_port" || true
sipp_background callee -sf "$scenarios/call-uas.xml" -p "$callee_port"
sleep 0.3
sipp_run d2d -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" -key callee callee -m "$calls" -r "$rate" -l 300 -d 1000 || true
ok=$(stat_column "$work/d2d/stat.csv" 'SuccessfulCall(C)')
failed=$(stat_column "$work/d2d/stat.csv" 'FailedCall(C)')
have=$(wait_records "$calls" --device caller --cause answered-normal-clearing)
check=$(records --device caller --cause answered-normal-clearing | python3 -c '
import json, sys
rows = json.load(sys.stdin)
bad = [r for r in rows if not (900 <= r["durationMillis"] <= 3000) or r["destination"] != "callee"
       or r["callerName"] != "caller" or r["hangupBy"] != "caller" or r["status"] != 200]
print(len(bad))')
if [ "$ok" = "$calls" ] && [ "$failed" = 0 ] && [ "$have" = "$calls" ] && [ "$check" = 0 ]; then
    result device-to-device pass "$ok/$calls calls, $have records, durations 0.9-3 s"
else
    result device-to-device FAIL "successful $ok/$calls, failed $failed, records $have, wrong records $check"
fi

# --- 1b. An alias ----------------------------------------------------------------------

sipp_run alias -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" -key callee 2001 -m 1 -d 200 || true
ok=$(stat_column "$work/alias/stat.csv" 'SuccessfulCall(C)')
have=$(wait_records $((calls + 1)) --device caller --cause answered-normal-clearing)
check=$(records --device caller --cause answered-normal-clearing | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["dialledNumber"] == "2001"]
print("ok" if len(rows) == 1 and rows[0]["destination"] == "callee" and rows[0]["destinationKind"] == "device" else "bad %s" % rows)')
if [ "$ok" = 1 ] && [ "$check" = ok ]; then
    result alias pass "a call to 2001 rang callee and was recorded"
else
    result alias FAIL "successful $ok, record: $check"
fi

# --- Providers for the next steps ------------------------------------------------------

sipp_background down -sf "$scenarios/provider-503.xml" -p "$down_port"
sipp_background up -sf "$scenarios/call-uas.xml" -p "$up_port"
sleep 0.3

# --- 2. John Doe -----------------------------------------------------------------------

mkdir -p "$work/johndoe"
(cd "$work/johndoe" && timeout 30 sipp -sf "$scenarios/john-doe.xml" -i 127.0.0.20 -m 1 -nostdin -trace_msg -message_file messages.log \
    "127.0.0.1:$server_port" >sipp.out 2>&1) || true
have=$(wait_records 1 --cause scanner-detected)
detail=$(records --cause scanner-detected | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["dialledNumber"] == "0033147310370"]
print("ok" if rows and rows[0]["sourceIP"] == "127.0.0.20" and rows[0]["userAgent"] == "John Doe"
      and rows[0]["destinationKind"] == "none" else "missing")')
answered=$(grep -c '^SIP/2.0' "$work/johndoe/messages.log" || true)
forwarded=$(cat "$work/down/messages.log" "$work/up/messages.log" 2>/dev/null | grep -c '0033147310370' || true)
if [ "$detail" = ok ] && [ "$answered" = 0 ] && [ "$forwarded" = 0 ]; then
    result john-doe pass "dropped unanswered, recorded from 127.0.0.20, never forwarded"
else
    result john-doe FAIL "record $detail, answers $answered, forwarded $forwarded"
fi

# --- 3. Denied destination -------------------------------------------------------------

sipp_run denied -sf "$scenarios/guard-call.xml" -inf "$work/caller.csv" -key callee 00449001234567 -m 1 || true
have=$(wait_records 1 --cause not-allowed)
forwarded=$(cat "$work/down/messages.log" "$work/up/messages.log" 2>/dev/null | grep -c '449001234567' || true)
status=$(records --cause not-allowed | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r[0]["status"] if r else 0)')
if [ "$have" = 1 ] && [ "$status" = 403 ] && [ "$forwarded" = 0 ]; then
    result denied-destination pass "403, cause not-allowed, nothing forwarded"
else
    result denied-destination FAIL "records $have, status $status, forwarded $forwarded"
fi

# --- 4. Failover -----------------------------------------------------------------------

balance_before=$(cli account show acme --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balanceMicros"])')
sipp_run failover -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" -key callee 00442071234567 -m 1 -d 2000 || true
ok=$(stat_column "$work/failover/stat.csv" 'SuccessfulCall(C)')
wait_records 1 --device caller --cause answered-normal-clearing >/dev/null
sleep 1.5
check=$(records --device caller | python3 -c '
import json, sys
rows = [r for r in json.load(sys.stdin) if r["dialledNumber"] == "00442071234567" and r["cause"] == "answered-normal-clearing"]
if not rows: print("no record"); sys.exit()
r = rows[0]
attempts = [(a["providerName"], a.get("status")) for a in r["attempts"]]
ok = r["destination"] == "up" and attempts == [("down", 503), ("up", 200)] and r["costMicros"] == r["billableSeconds"] * 10000 and r["billableSeconds"] >= 2
print("ok %d" % r["costMicros"] if ok else "bad %s %s %s %s" % (r["destination"], attempts, r["costMicros"], r["billableSeconds"]))')
balance_after=$(cli account show acme --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balanceMicros"])')
cost=${check#ok }
if [ "$ok" = 1 ] && [ "${check%% *}" = ok ] && [ "$((balance_before - balance_after))" = "$cost" ]; then
    result failover pass "503 from down, answered by up, $cost micros charged"
else
    result failover FAIL "successful $ok, record: $check, balance $balance_before -> $balance_after"
fi

# --- 5. Prepaid running out ------------------------------------------------------------

mkdir -p "$work/pocket"
(cd "$work/pocket" && exec timeout 60 sipp -i 127.0.0.1 -nostdin -sf "$scenarios/call-uac-hangup.xml" -inf "$work/pocket.csv" \
    -key callee 00442071234567 -m 1 -trace_stat -stf stat.csv -trace_err -error_file errors.log "127.0.0.1:$server_port" >sipp.out 2>&1) &
pocket_pid=$!
background+=("$pocket_pid")
sleep 2
sipp_run pocket2 -sf "$scenarios/guard-call.xml" -inf "$work/pocket.csv" -key callee 00442071234567 -m 1 || true
wait "$pocket_pid" || true
ok=$(stat_column "$work/pocket/stat.csv" 'SuccessfulCall(C)')
wait_records 1 --device pocket --cause max-duration >/dev/null
check=$(records --device pocket | python3 -c '
import json, sys
rows = json.load(sys.stdin)
ended = [r for r in rows if r["cause"] == "max-duration"]
refused = [r for r in rows if r["cause"] == "no-balance" and r["status"] == 402]
if not ended: print("no max-duration record"); sys.exit()
r = ended[0]
ok = 5000 <= r["durationMillis"] <= 7000 and r["costMicros"] == 50000 and r["hangupBy"] == "server" and len(refused) == 1
print("ok" if ok else "bad duration %d cost %d refused %d" % (r["durationMillis"], r["costMicros"], len(refused)))')
balance=$(cli account show cheap --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balanceMicros"])')
if [ "$ok" = 1 ] && [ "$check" = ok ] && [ "$balance" = 0 ]; then
    result prepaid-runs-out pass "BYE to both after 5 s, 0.05 charged, balance 0.00, second call 402"
else
    result prepaid-runs-out FAIL "successful $ok, $check, balance $balance micros"
fi

# --- 6. SIGTERM under load -------------------------------------------------------------

stop_pid "${background[0]}" 20
sipp_background callee2 -sf "$scenarios/call-uas.xml" -p "$callee_port"
sleep 0.3
mkdir -p "$work/load"
(cd "$work/load" && exec timeout 60 sipp -i 127.0.0.1 -nostdin -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" \
    -key callee callee -m 300 -r 60 -d 300 -recv_timeout 3000 -trace_stat -stf stat.csv -fd 1 \
    -trace_err -error_file errors.log "127.0.0.1:$server_port" >sipp.out 2>&1) &
load_pid=$!
background+=("$load_pid")
sleep 3
kill -TERM "$server_pid"
stop_deadline=$((SECONDS + stop_timeout))
server_status=0
while kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$stop_deadline" ]; do sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then
    stop_pid "$server_pid" 10
    server_status=124
else
    wait "$server_pid" || server_status=$?
fi
server_pid=""
wait "$load_pid" || true
completed=$(stat_column "$work/load/stat.csv" 'SuccessfulCall(C)')
total=$(records --device caller --cause answered-normal-clearing | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
# Records of this batch: everything answered beyond step 1, the alias call and the failover call.
batch=$((total - calls - 2))
if [ "$server_status" = 0 ] && [ "$completed" != "?" ] && [ "$completed" -gt 0 ] && [ "$batch" -ge "$completed" ]; then
    result sigterm-under-load pass "exit 0; $completed calls completed, $batch records"
else
    result sigterm-under-load FAIL "exit $server_status; $completed calls completed, $batch records"
fi

errors=$(grep -Ec ' (ERROR|CRITICAL) ' "$work/server.log" || true)
if [ "$errors" != 0 ]; then
    result server-log FAIL "$errors lines at error level"
    grep -E ' (ERROR|CRITICAL) ' "$work/server.log" | head -5 >&2
fi

for line in "${summary[@]}"; do log "$line"; done
log "$((SECONDS - started_at)) s, $failures failure(s)"
[ "$failures" = 0 ]
