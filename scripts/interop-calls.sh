#!/usr/bin/env bash
# Calls interop test of `sipwarden serve` against SIPp, real SIP peers on loopback.
#
# One server (UDP, a free port, the console's HTTP listener on another for /metrics, a
# temporary data directory) with:
#   - account acme (prepaid, balance 100.00, 1000 calls at once): devices caller and callee,
#     presenter (caller ID +442071230000) and steady;
#   - account cheap (prepaid, balance 0.05): device pocket;
#   - account brief (prepaid, balance 100.00, calls of at most 5 s): device forger;
#   - account xfer (prepaid, balance 100.00, calls of at most 10 minutes, so that a call
#     reserves 6.00 and not the whole balance; transfers refused until step 7): device
#     transferor;
#   - providers down (a SIPp answering 503) and up (a SIPp answering calls), both for +44,
#     down first; victim (127.0.0.32) for +49, transferee (127.0.0.31) for +33 and idcheck
#     (127.0.0.33) for +34, each a SIPp of its own (all providers are trusted with identity,
#     the default); a default rate of 0.60 per minute for each prefix, billed per second.
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
#   6. forged BYE: forger calls 004930123456 (victim answers, call-uas.xml); 1 s after the
#      answer it sends a BYE with the tags swapped (From the callee's tag, To its own:
#      forged-bye-uac.xml): 403 "not from this dialog's callee"; a moment later victim has
#      received no BYE and there is no record; at the account's 5 s the switch's BYE reaches
#      both (victim 4.5-7 s after its ACK, with a Reason header); the record: cause
#      max-duration, 5-6.5 s, hung up by the server;
#   7. transfer (REFER, refer-uac.xml): transferor calls 00442071230001 (up) and asks it to
#      call 00442071230002: 403, and up receives no REFER. Then `account set xfer
#      --transfers allow`; transferor calls 0033144556677 (transferee, refer-transferee.xml)
#      and refers it to 00442071230002: 202; transferee receives the REFER with a Refer-To
#      <sip:00442071230002@SWITCH;xfer=TOKEN> and Referred-By transferor's, sends NOTIFYs
#      through the dialog and, from its own address and port, an INVITE to exactly that URI,
#      which the switch routes like transferor's own call (down 503, then up answers); the
#      new call's record: device transferor, account xfer, caller name transferor,
#      relatedCallID the first call's Call-ID, and a cost; xfer's balance is charged exactly
#      the costs of the two calls;
#   8. caller ID: presenter (device set --caller-id +442071230000) calls 0034911234567
#      (idcheck, callerid-uas.xml) with a forged From ("Forged Name" +15551234567),
#      P-Asserted-Identity, P-Preferred-Identity, Remote-Party-ID and Diversion
#      (callerid-uac.xml), once as it is and once with Privacy: id. idcheck receives From
#      <sip:+442071230000@SWITCH>;tag=the caller's (then "Anonymous"
#      <sip:anonymous@anonymous.invalid> with Privacy: id), P-Asserted-Identity
#      <sip:+442071230000@SWITCH> both times, none of the caller's identity headers; the
#      caller gets its own From back; the switch's 407 has no Server header; both records
#      have callerID +442071230000;
#   9. spoofed INVITE flood: scripts/guard/spoofed_invites.py sends INTEROP_FLOOD_RATE
#      (2,000) INVITEs/s without credentials "from" steady to callee, round robin from 500
#      sockets on 127.0.1.1-127.0.2.246, for INTEROP_FLOOD_SECONDS (10 s), reading no
#      answer; meanwhile steady places authenticated calls to callee (call-uac.xml, 15/s,
#      1 s of talk, up to 100 at once) for all but 2 s of it: every call successful and
#      recorded; the sender reached 90 % of the rate; and the flood took no transactions
#      (/metrics: transactions created during the step at most 4 per legitimate call; 407s
#      sent at most one per INVITE received);
#  10. kill -9 during a call: caller calls callee and stays on the line; 12 s after the
#      answer the server is killed (SIGKILL) and started again: the callee gets a BYE for
#      that call from the restarted server, and the call has one record, cause
#      server-restart, hung up by the server, 4-12.5 s long (ended when last seen up: the
#      server says so every 5 s);
#  11. SIGTERM under load: 300 calls at 60/s with 0.3 s of talk; the server gets SIGTERM
#      after 3 s and must exit 0; every call SIPp saw complete (BYE answered) has its record.
# Nothing logged at error level or above. SIPp answers challenges as it does by default
# (its digest uri is sip:SWITCH:PORT, which names the switch itself and is accepted).
#
# Installs SIPp (Debian sip-tester) and python3 when missing; builds the release binary
# (incremental) unless SERVER_BINARY is set. Takes about a minute and a half after the build.
#
# Environment: SERVER_BINARY, INTEROP_CALLS (1000), INTEROP_CALL_RATE (100 calls/s),
# INTEROP_FLOOD_RATE (2000 INVITEs/s), INTEROP_FLOOD_SECONDS (10), KEEP_LOGS=1 (keep the
# work directory even on success).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios="$root/scripts/sipp"
calls=${INTEROP_CALLS:-1000}
rate=${INTEROP_CALL_RATE:-100}
flood_rate=${INTEROP_FLOOD_RATE:-2000}
flood_seconds=${INTEROP_FLOOD_SECONDS:-10}
ready_timeout=30
stop_timeout=15

# The shared helpers (scripts/lib/common.sh); the EXIT trap stops what runs in the
# background (the peers, the flood).
. "$root/scripts/lib/common.sh"
start_interop interop-calls sipp:sip-tester python3:python3
need_server_binary
result_format='%-22s %s %s'

data="$work/data"
config="$work/sipwarden.yaml"
server_port=$(free_port)
callee_port=$(free_port)
down_port=$(free_port)
up_port=$(free_port)
victim_port=$(free_port)
transferee_port=$(free_port)
idcheck_port=$(free_port)
console_port=$(free_port)
mkdir -p "$data"
printf 'sip:\n  listen: ["udp:127.0.0.1:%s"]\nconsole:\n  listen: "127.0.0.1:%s"\nlog:\n  level: info\n' \
    "$server_port" "$console_port" >"$config"
cli() { "$binary" "$@" --data-dir "$data" --config "$config"; }
password() { printf 'Pw#%s!' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; }

caller_password=$(password)
callee_password=$(password)
pocket_password=$(password)
forger_password=$(password)
transferor_password=$(password)
presenter_password=$(password)
steady_password=$(password)
{
    cli account add acme --balance 100 --max-calls 1000
    cli account add cheap --balance 0.05
    cli account add brief --balance 100 --max-call-duration 5
    cli account add xfer --balance 100 --max-call-duration 600
    printf '%s\n' "$caller_password" | cli device add caller --account acme --max-calls 1000 --password-stdin
    printf '%s\n' "$callee_password" | cli device add callee --account acme --max-calls 1000 --aliases 2001 --password-stdin
    printf '%s\n' "$pocket_password" | cli device add pocket --account cheap --max-calls 5 --password-stdin
    printf '%s\n' "$forger_password" | cli device add forger --account brief --password-stdin
    printf '%s\n' "$transferor_password" | cli device add transferor --account xfer --max-calls 5 --password-stdin
    printf '%s\n' "$presenter_password" | cli device add presenter --account acme --password-stdin
    printf '%s\n' "$steady_password" | cli device add steady --account acme --max-calls 1000 --password-stdin
    cli device set presenter --caller-id +442071230000
    cli provider add down --host 127.0.0.1 --port "$down_port"
    cli provider add up --host 127.0.0.1 --port "$up_port"
    cli provider add victim --host 127.0.0.32 --port "$victim_port"
    cli provider add transferee --host 127.0.0.31 --port "$transferee_port"
    cli provider add idcheck --host 127.0.0.33 --port "$idcheck_port"
    cli route add +44 --provider down --priority 0
    cli route add +44 --provider up --priority 1
    cli route add +49 --provider victim
    cli route add +33 --provider transferee
    cli route add +34 --provider idcheck
    for prefix in +44 +49 +33 +34; do cli rate add "$prefix" --price 0.60; done
} >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; log "setup refused"; exit 1; }
for device in caller callee pocket forger transferor presenter steady; do
    variable="${device}_password"
    printf 'SEQUENTIAL\n%s;%s\n' "$device" "${!variable}" >"$work/$device.csv"
done

start_server() {
    launch_server "$work/server.log" "$binary" serve --config "$config" --data-dir "$data"
    wait_server_ready || exit 1
}

# sipp_run NAME ARGS...: runs SIPp in $work/NAME, in the foreground, for at most 180 s.
sipp_run() { sipp_client "$1" 180 "${@:2}"; }

# sipp_background NAME ARGS...: the same, in the background (a UAS), with its message trace.
sipp_background() { sipp_background_at 127.0.0.1 "$@"; }

# sipp_background_at ADDRESS NAME ARGS...: the same from another loopback address.
sipp_background_at() {
    local address=$1 name=$2
    shift 2
    spawn_in "$work/$name" sipp.out timeout 300 sipp -i "$address" -nostdin -trace_msg -message_file messages.log -trace_err \
        -error_file errors.log "$@" "127.0.0.1:$server_port"
    background+=("$spawned_pid")
}

# sipp_traced NAME ARGS...: like sipp_run, with the message trace (NAME/messages.log).
sipp_traced() {
    local name=$1
    shift
    sipp_run "$name" -trace_msg -message_file messages.log "$@"
}

# wait_exit PID SECONDS: until a background SIPp ends by itself, at most SECONDS; then stopped.
wait_exit() {
    local pid=$1 deadline=$((SECONDS + $2))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    stop_pid "$pid" 20
}

# Python checks read SIPp's message traces with scripts/lib/sipp_trace.py (lib_python).

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
sipp_run d2d -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" -key callee callee \
    -m "$calls" -r "$rate" -l 300 -d 1000 || true
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

run_in "$work/johndoe" sipp.out timeout 30 sipp -sf "$scenarios/john-doe.xml" -i 127.0.0.20 -m 1 -nostdin \
    -trace_msg -message_file messages.log "127.0.0.1:$server_port" || true
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

sipp_run denied -sf "$scenarios/guard-call.xml" -inf "$work/caller.csv" -key callee 00449001234567 \
    -m 1 || true
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
sipp_run failover -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" -key callee 00442071234567 \
    -m 1 -d 2000 || true
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

spawn_in "$work/pocket" sipp.out timeout 60 sipp -i 127.0.0.1 -nostdin -sf "$scenarios/call-uac-hangup.xml" -inf "$work/pocket.csv" \
    -key callee 00442071234567 \
    -m 1 -trace_stat -stf stat.csv -trace_err -error_file errors.log "127.0.0.1:$server_port"
pocket_pid=$spawned_pid
background+=("$pocket_pid")
sleep 2
sipp_run pocket2 -sf "$scenarios/guard-call.xml" -inf "$work/pocket.csv" -key callee 00442071234567 \
    -m 1 || true
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

# --- 6. A forged BYE -------------------------------------------------------------------

sipp_background_at 127.0.0.32 victim -sf "$scenarios/call-uas.xml" -p "$victim_port"
sleep 0.3
spawn_in "$work/forged" sipp.out timeout 60 sipp -i 127.0.0.1 -nostdin -sf "$scenarios/forged-bye-uac.xml" -inf "$work/forger.csv" \
    -key callee 004930123456 \
    -m 1 -trace_stat -stf stat.csv -trace_msg -message_file messages.log -trace_err -error_file errors.log \
    "127.0.0.1:$server_port"
forged_pid=$spawned_pid
background+=("$forged_pid")
# The 403 (within 10 s), then a moment for a wrongly carried BYE to end the call and for
# its record to be written (the writer flushes every second): neither may have happened.
deadline=$((SECONDS + 10))
until grep -q '^SIP/2.0 403' "$work/forged/messages.log" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
sleep 1.5
early_records=$(records --device forger | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
early_byes=$(grep -c '^BYE ' "$work/victim/messages.log" || true)
wait "$forged_pid" || true
ok=$(stat_column "$work/forged/stat.csv" 'SuccessfulCall(C)')
wait_records 1 --device forger --cause max-duration >/dev/null
check=$(records --device forger | lib_python -c '
import json, sys, sipp_trace
rows = json.load(sys.stdin)
caller = sipp_trace.messages(sys.argv[1])
callee = sipp_trace.messages(sys.argv[2])
refused = [m for m in caller if m["received"] and m["start"].startswith("SIP/2.0 403")]
ack = [m for m in callee if m["received"] and m["start"].startswith("ACK ")]
byes = [m for m in callee if m["received"] and m["start"].startswith("BYE ")]
problems = []
if len(rows) != 1 or rows[0]["cause"] != "max-duration" or not 5000 <= rows[0]["durationMillis"] <= 6500 or rows[0]["hangupBy"] != "server":
    problems.append("records %s" % [(r["cause"], r["durationMillis"], r["hangupBy"]) for r in rows])
if len(refused) != 1:
    problems.append("%d 403s" % len(refused))
delay = byes[0]["time"] - ack[0]["time"] if ack and len(byes) == 1 else None
if delay is None:
    problems.append("victim: %d ACKs, %d BYEs" % (len(ack), len(byes)))
elif not 4.5 <= delay <= 7 or not sipp_trace.header(byes[0], "Reason"):
    problems.append("victim BYE %.1f s after ACK, Reason %s" % (delay, sipp_trace.header(byes[0], "Reason")))
print("; ".join(problems) if problems else "ok %.1f %d" % (delay, rows[0]["durationMillis"]))' "$work/forged/messages.log" "$work/victim/messages.log")
if [ "$ok" = 1 ] && [ "$early_records" = 0 ] && [ "$early_byes" = 0 ] && [ "${check%% *}" = ok ]; then
    set -- $check
    result forged-bye pass "403 to the caller, nothing to the provider, switch's BYE $2 s after the answer, record max-duration $3 ms"
else
    result forged-bye FAIL "successful $ok, records before the maximum $early_records, BYEs before it $early_byes, $check"
fi

# --- 7. Transfer (REFER) ---------------------------------------------------------------

balance_before=$(cli account show xfer --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balanceMicros"])')
sipp_traced refer-refused -sf "$scenarios/refer-uac.xml" -inf "$work/transferor.csv" \
    -key callee 00442071230001 -key refer_to 00442071230002 -m 1 || true
refused_ok=$(stat_column "$work/refer-refused/stat.csv" 'SuccessfulCall(C)')
refused_403=$(grep -c '^SIP/2.0 403 Forbidden - call transfer is not allowed' "$work/refer-refused/messages.log" || true)
refers_seen=$(cat "$work/up/messages.log" "$work/down/messages.log" 2>/dev/null | grep -c '^REFER ' || true)
cli account set xfer --transfers allow >>"$work/setup.log" 2>&1
sleep 2  # the server reads the database's changes every second
sipp_background_at 127.0.0.31 transferee -sf "$scenarios/refer-transferee.xml" -p "$transferee_port" -m 1
sleep 0.3
sipp_traced refer-allowed -sf "$scenarios/refer-uac.xml" -inf "$work/transferor.csv" \
    -key callee 0033144556677 -key refer_to 00442071230002 -m 1 || true
allowed_ok=$(stat_column "$work/refer-allowed/stat.csv" 'SuccessfulCall(C)')
wait_exit "${background[${#background[@]} - 1]}" 20  # the transferee's new call: 1 s of talk, BYE
wait_records 3 --device transferor >/dev/null
check=$(records --device transferor | lib_python -c '
import json, re, sys, sipp_trace
rows = json.load(sys.stdin)
account = int(sys.argv[3])
transferee = sipp_trace.messages(sys.argv[1])
transferor = sipp_trace.messages(sys.argv[2])
problems = []
first = [r for r in rows if r["dialledNumber"] == "0033144556677"]
moved = [r for r in rows if r["dialledNumber"] == "00442071230002"]
if len(first) != 1 or len(moved) != 1:
    print("records %s" % [(r["dialledNumber"], r["cause"]) for r in rows]); sys.exit()
first, moved = first[0], moved[0]
refer = [m for m in transferee if m["received"] and m["start"].startswith("REFER ")]
invite = [m for m in transferee if not m["received"] and m["start"].startswith("INVITE ")]
answers = [m["start"] for m in transferor if m["received"] and "REFER" in (sipp_trace.header(m, "CSeq") or "")]
refer_to = sipp_trace.header(refer[0], "Refer-To") if refer else None
referred_by = sipp_trace.header(refer[0], "Referred-By") if refer else None
if not refer_to or not re.fullmatch(r"<sip:00442071230002@127\.0\.0\.1:%s;xfer=[A-Za-z0-9_-]{16,}>" % sys.argv[4], refer_to):
    problems.append("Refer-To %s" % refer_to)
if referred_by != "<sip:transferor@127.0.0.1:%s>" % sys.argv[4]:
    problems.append("Referred-By %s" % referred_by)
if not invite or not refer_to or invite[0]["start"] != "INVITE %s SIP/2.0" % refer_to.strip("<>"):
    problems.append("transferee INVITE %s" % (invite[0]["start"] if invite else None))
if not any(a.startswith("SIP/2.0 202") for a in answers):
    problems.append("REFER answers %s" % answers)
if moved["relatedCallID"] != first["callID"] or moved["accountId"] != account or moved["callerName"] != "transferor":
    problems.append("transferred call: related %s (first %s), account %s, caller %s"
                    % (moved["relatedCallID"], first["callID"], moved["accountId"], moved["callerName"]))
if moved["cause"] != "answered-normal-clearing" or moved["destination"] != "up" or moved["costMicros"] <= 0:
    problems.append("transferred call: %s to %s, cost %s" % (moved["cause"], moved["destination"], moved["costMicros"]))
total = sum(r["costMicros"] for r in rows)
print("; ".join(problems) if problems else "ok %d %d" % (moved["costMicros"], total))' \
    "$work/transferee/messages.log" "$work/refer-allowed/messages.log" \
    "$(cli account show xfer --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')" "$server_port")
balance_after=$(cli account show xfer --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["balanceMicros"])')
if [ "$refused_ok" = 1 ] && [ "$refused_403" = 1 ] && [ "$refers_seen" = 0 ] && [ "$allowed_ok" = 1 ] && [ "${check%% *}" = ok ] \
    && [ "$((balance_before - balance_after))" = "${check##* }" ]; then
    set -- $check
    result transfer pass "403 until allowed, then the Refer-To grant called as transferor's call, linked, $2 micros charged to xfer"
else
    detail="refused: successful $refused_ok, 403s $refused_403, REFERs forwarded $refers_seen"
    result transfer FAIL "$detail; allowed: successful $allowed_ok, $check; xfer $balance_before -> $balance_after"
fi

# --- 8. Caller ID ----------------------------------------------------------------------

sipp_background_at 127.0.0.33 idcheck -sf "$scenarios/callerid-uas.xml" -p "$idcheck_port"
sleep 0.3
sipp_traced callerid -sf "$scenarios/callerid-uac.xml" -inf "$work/presenter.csv" \
    -key callee 0034911234567 -key privacy_header "Privacy: none" -m 1 -d 300 || true
sipp_traced callerid-private -sf "$scenarios/callerid-uac.xml" -inf "$work/presenter.csv" \
    -key callee 0034911234567 -key privacy_header "Privacy: id" -m 1 -d 300 || true
ok=$(( $(stat_column "$work/callerid/stat.csv" 'SuccessfulCall(C)') + $(stat_column "$work/callerid-private/stat.csv" 'SuccessfulCall(C)') ))
wait_records 2 --device presenter >/dev/null
check=$(records --device presenter | lib_python -c '
import json, sys, sipp_trace
rows = json.load(sys.stdin)
port = sys.argv[2]
invites = [m for m in sipp_trace.messages(sys.argv[1]) if m["received"] and m["start"].startswith("INVITE ")]
expected = "<sip:+442071230000@127.0.0.1:%s>" % port
problems = []
if len(invites) != 2:
    print("%d INVITEs at idcheck" % len(invites)); sys.exit()
for invite, private in zip(invites, (False, True)):
    sent_from = sipp_trace.header(invite, "From") or ""
    want = "\"Anonymous\" <sip:anonymous@anonymous.invalid>;tag=" if private else expected + ";tag="
    if not sent_from.startswith(want):
        problems.append("From %s" % sent_from)
    if sipp_trace.headers(invite, "P-Asserted-Identity") != [expected]:
        problems.append("P-Asserted-Identity %s" % sipp_trace.headers(invite, "P-Asserted-Identity"))
    claims = [n for n, _ in invite["headers"] if n.lower() in ("p-preferred-identity", "remote-party-id", "diversion")]
    if claims:
        problems.append("still there: %s" % claims)
    if private and "id" not in (sipp_trace.header(invite, "Privacy") or ""):
        problems.append("Privacy %s" % sipp_trace.header(invite, "Privacy"))
ids = sorted(r.get("callerID") for r in rows)
if ids != ["+442071230000", "+442071230000"]:
    problems.append("records callerID %s" % ids)
print("; ".join(problems) or "ok")' "$work/idcheck/messages.log" "$server_port")
regexp_errors=$(cat "$work"/callerid*/errors.log "$work/idcheck/errors.log" 2>/dev/null | grep -ci 'regexp' || true)
if [ "$ok" = 2 ] && [ "$check" = ok ] && [ "$regexp_errors" = 0 ]; then
    result caller-id pass "the provider saw +442071230000 in From (Anonymous with Privacy: id) and PAI, no caller claims"
else
    result caller-id FAIL "successful $ok/2, $check, $regexp_errors failed checks in the SIPp error logs"
fi

# --- 9. Spoofed INVITE flood -----------------------------------------------------------

mkdir -p "$work/flood"
legit_rate=15
legit_calls=$((legit_rate * (flood_seconds > 3 ? flood_seconds - 2 : 1)))
created_before=$(metric "$console_port" sipwarden_transactions_created_total)
challenges_before=$(metric "$console_port" 'sipwarden_sip_responses_total{code="407"}')
python3 "$root/scripts/guard/spoofed_invites.py" --target "127.0.0.1:$server_port" --rate "$flood_rate" --seconds "$flood_seconds" \
    --sources 500 --first-source 127.0.1.1 --caller steady --callee callee >"$work/flood/flood.txt" 2>&1 &
flood_pid=$!
background+=("$flood_pid")
sleep 0.5
sipp_run flood-calls -sf "$scenarios/call-uac.xml" -inf "$work/steady.csv" -key callee callee \
    -m "$legit_calls" -r "$legit_rate" -l 100 -d 1000 || true
wait "$flood_pid" || true
ok=$(stat_column "$work/flood-calls/stat.csv" 'SuccessfulCall(C)')
failed=$(stat_column "$work/flood-calls/stat.csv" 'FailedCall(C)')
have=$(wait_records "$legit_calls" --device steady --cause answered-normal-clearing)
created=$(($(metric "$console_port" sipwarden_transactions_created_total) - created_before))
challenges=$(($(metric "$console_port" 'sipwarden_sip_responses_total{code="407"}') - challenges_before))
sent=$(awk '$1 == "sent" { print $2 }' "$work/flood/flood.txt")
achieved=$(awk '$1 == "rate" { print $2 }' "$work/flood/flood.txt")
if [ "$ok" = "$legit_calls" ] && [ "$failed" = 0 ] && [ "$have" = "$legit_calls" ] && [ "${achieved:-0}" -ge $((flood_rate * 9 / 10)) ] \
    && [ "$created" -le $((4 * legit_calls)) ] && [ "$challenges" -le $((${sent:-0} + legit_calls)) ]; then
    result invite-flood pass "$ok/$legit_calls calls during $sent spoofed INVITEs ($achieved/s); $challenges 407s, $created transactions"
else
    detail="successful $ok/$legit_calls, failed $failed, records $have; flood $sent at ${achieved:-?}/s"
    result invite-flood FAIL "$detail; 407s $challenges, transactions created $created"
fi

# --- 10. kill -9 during a call ---------------------------------------------------------

spawn_in "$work/crash" sipp.out timeout 90 sipp -i 127.0.0.1 -nostdin -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" \
    -key callee callee -m 1 -d 60000 -trace_msg -message_file messages.log -trace_err -error_file errors.log \
    "127.0.0.1:$server_port"
crash_pid=$spawned_pid
background+=("$crash_pid")
deadline=$((SECONDS + 15))
until grep -q '^ACK ' "$work/crash/messages.log" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
crash_call=$(lib_python -c '
import sys, sipp_trace
sent = [m for m in sipp_trace.messages(sys.argv[1]) if not m["received"] and m["start"].startswith("ACK ")]
print(sipp_trace.header(sent[0], "Call-ID") if sent else "")' "$work/crash/messages.log")
if [ -n "$crash_call" ]; then
    sleep 12
    kill -9 "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    start_server
    deadline=$((SECONDS + 15))
    until grep -q "^Call-ID: *$crash_call" <(grep -A12 '^BYE ' "$work/callee/messages.log") 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; do
        sleep 0.2
    done
fi
stop_pid "$crash_pid" 20
wait_records 1 --device caller --cause server-restart >/dev/null
check=$(records --device caller --cause server-restart | lib_python -c '
import json, sys, sipp_trace
rows = json.load(sys.stdin)
call_id = sys.argv[2]
byes = [m for m in sipp_trace.messages(sys.argv[1]) if m["received"] and m["start"].startswith("BYE ") and sipp_trace.header(m, "Call-ID") == call_id]
problems = []
if not call_id:
    problems.append("the call was not answered")
mine = [r for r in rows if r["callID"] == call_id]
if len(mine) != 1 or mine[0]["hangupBy"] != "server" or not 4000 <= mine[0]["durationMillis"] <= 12500:
    problems.append("records %s" % [(r["cause"], r["durationMillis"], r["hangupBy"]) for r in mine])
if len(byes) < 1:
    problems.append("no BYE to the callee")
print("; ".join(problems) if problems else "ok %d %d" % (mine[0]["durationMillis"], len(byes)))' "$work/callee/messages.log" "$crash_call")
if [ "${check%% *}" = ok ]; then
    set -- $check
    result kill-9-during-call pass "restarted: BYE to the callee, record server-restart, $2 ms (last seen up)"
else
    result kill-9-during-call FAIL "$check"
fi

# --- 11. SIGTERM under load ------------------------------------------------------------

stop_pid "${background[0]}" 20
sipp_background callee2 -sf "$scenarios/call-uas.xml" -p "$callee_port"
sleep 0.3
spawn_in "$work/load" sipp.out timeout 60 sipp -i 127.0.0.1 -nostdin -sf "$scenarios/call-uac.xml" -inf "$work/caller.csv" \
    -key callee callee -m 300 -r 60 -d 300 -recv_timeout 3000 -trace_stat -stf stat.csv -fd 1 \
    -trace_err -error_file errors.log "127.0.0.1:$server_port"
load_pid=$spawned_pid
background+=("$load_pid")
sleep 3
stop_server_checked || true
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

check_server_log "$work/server.log"
log_summary
