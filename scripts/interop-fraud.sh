#!/usr/bin/env bash
# Toll-fraud interop test of `sipwarden serve`: stolen credentials used the way fraudsters
# use them, with SIPp as the phone and the provider, a local webhook receiver and a client
# of the live event channel, all on loopback.
#
# One server (UDP, free ports, a temporary data directory, the default monitors) with:
#   - provider carrier (a SIPp answering every call), routes +882 and +44 to it;
#   - account victim (prepaid 100.00, allowed +882 although it is on the high-risk list),
#     device stolen; rate +882 at 3.00 per minute;
#   - account office (prepaid 100.00, 100 calls at once), device desk; rate +44 at 1.00;
#   - both with calls of at most 60 s (a prepaid call reserves the cost of its longest
#     duration, so this lets 30 calls run at once on 100.00);
#   - fraud.webhooks: the receiver (scripts/fraud/webhook_receiver.py, which checks the
#     HMAC signature and answers its first request 503, so the retry is exercised);
#   - fraud.email: an SMTP relay on loopback (Python's smtpd, or aiosmtpd from PyPI);
#   - an API key for the event channel.
# Steps (each a line of the summary; any failure makes the exit status 1):
#   1. event channel: without a key 401, with a wrong key 401, from 127.0.0.2 (not in
#      events.allowed_networks) 403; an authorised client streams events;
#   2. premium burst: stolen dials 40 different +88216 numbers at 5 calls/s with 2 s of
#      talk. The default monitor account-risky-destinations-hour (critical at 5, block)
#      must block victim at its 5th call: at most 4 calls answered, the rest refused 403
#      (cause account-blocked), victim blocked in the database, spend far below the
#      default money limit (50.00 an hour), and a signed webhook for the critical level
#      with figure 5, threshold 5, the account's name, country 882 and the numbers called;
#   3. burst with hang-up: desk dials 60 +44 numbers at 20 calls/s, each meant to last
#      20 s. At the 30th call both account-concurrent-calls and device-calls-per-minute
#      reach their critical level (30: block and hang up); the first blocks office, that
#      call is refused and the switch hangs up the calls in progress: no call lasts 20 s,
#      records with cause account-blocked, a signed webhook with figure 30 and the
#      number of calls hung up;
#   4. the action log has both blocks (actor fraud-monitor) and the hang-up;
#   5. `sipwarden account unblock victim` lifts the block (logged, actor cli) and a call
#      from stolen goes through again;
#   6. the event channel client received call.start, call.end, fraud.alert, fraud.block
#      and the api_key_failure security event of step 1;
#   6b. the alerts also reached an SMTP relay (Python's smtpd) as e-mails;
#   7. `sipwarden report calls` over the run: the attempts, answered, ASR and ACD agree
#      with the records.
# Nothing logged at error level or above.
#
# Installs SIPp (Debian sip-tester) and python3 when missing; builds the release binary
# (incremental) unless SERVER_BINARY is set. Takes about a minute after the build.
#
# Environment: SERVER_BINARY, KEEP_LOGS=1 (keep the work directory even on success).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios="$root/scripts/sipp"
ready_timeout=30

# The shared helpers (scripts/lib/common.sh); the EXIT trap stops what runs in the
# background (the carrier, the webhook receiver, the SMTP relay, the event client).
. "$root/scripts/lib/common.sh"
start_interop interop-fraud sipp:sip-tester python3:python3
need_server_binary

data="$work/data"
config="$work/sipwarden.yaml"
server_port=$(free_port)
carrier_port=$(free_port)
console_port=$(free_port)
webhook_port=$(free_port)
smtp_port=$(free_port)
secret="whsec-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
mkdir -p "$data"
cat >"$config" <<EOF
sip:
  listen: ["udp:127.0.0.1:$server_port"]
log:
  level: info
console:
  listen: "127.0.0.1:$console_port"
fraud:
  webhooks: ["http://127.0.0.1:$webhook_port/hooks/fraud"]
  webhook_secret: "$secret"
  email:
    smtp_host: "127.0.0.1"
    smtp_port: $smtp_port
    from: "sipwarden@example.test"
    to: ["noc@example.test"]
EOF
cli() { "$binary" "$@" --data-dir "$data" --config "$config"; }
password() { printf 'Pw#%s!' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; }
stolen_password=$(password)
desk_password=$(password)
{
    cli account add victim --balance 100 --max-calls 100 --max-call-duration 60 --allow-prefixes +882
    cli account add office --balance 100 --max-calls 100 --max-call-duration 60
    printf '%s\n' "$stolen_password" | cli device add stolen --account victim --max-calls 100 --password-stdin
    printf '%s\n' "$desk_password" | cli device add desk --account office --max-calls 100 --password-stdin
    cli provider add carrier --host 127.0.0.1 --port "$carrier_port"
    cli route add +882 --provider carrier
    cli route add +44 --provider carrier
    cli rate add +882 --price 3.00
    cli rate add +44 --price 1.00
} >"$work/setup.log" 2>&1 || { cat "$work/setup.log" >&2; log "setup refused"; exit 1; }
api_key=$(cli apikey add monitoring --role operator | grep "^sw_")
case "$api_key" in sw_*) ;; *) log "no API key made: $api_key"; exit 1 ;; esac
{
    echo SEQUENTIAL
    for n in $(seq -w 1 40); do printf 'stolen;%s;008821600000%s\n' "$stolen_password" "$n"; done
} >"$work/stolen.csv"
{
    echo SEQUENTIAL
    for n in $(seq -w 1 60); do printf 'desk;%s;00442071230%s\n' "$desk_password" "$n"; done
} >"$work/desk.csv"

# The webhook receiver, failing its first request (the sender must retry).
FAIL_FIRST=1 python3 "$root/scripts/fraud/webhook_receiver.py" --port "$webhook_port" --secret "$secret" \
    --output "$work/webhooks.jsonl" --seconds 300 >"$work/webhook.log" 2>&1 &
background+=($!)

# An SMTP relay that prints what it receives (Python's smtpd; aiosmtpd where it is gone).
if python3 -c 'import smtpd' 2>/dev/null; then
    python3 -W ignore -m smtpd -n -c DebuggingServer "127.0.0.1:$smtp_port" >"$work/smtp.log" 2>&1 &
else
    python3 -c 'import aiosmtpd' 2>/dev/null || pip_install aiosmtpd
    python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" >"$work/smtp.log" 2>&1 &
fi
background+=($!)

launch_server "$work/server.log" "$binary" serve --config "$config" --data-dir "$data"
wait_server_ready 'sipwarden: ready' 'console listening' || exit 1

# sipp_run NAME ARGS...: runs SIPp in $work/NAME, in the foreground, for at most 120 s.
sipp_run() { sipp_client "$1" 120 "${@:2}"; }
records() { cli cdr list --json --limit 10000 "$@"; }
account_json() { cli account show "$1" --json; }

spawn_in "$work/carrier" sipp.out timeout 300 sipp -i 127.0.0.1 -nostdin -trace_err -error_file errors.log \
    -sf "$scenarios/call-uas.xml" -p "$carrier_port" "127.0.0.1:$server_port"
background+=("$spawned_pid")

# --- 1. Who may open the event channel ---------------------------------------------------

client() { python3 "$root/scripts/fraud/event_client.py" "$@" --port "$console_port"; }
no_key=$(client probe)
wrong_key=$(client probe --key "sw_not-a-key-$RANDOM")
other_network=$(client probe --key "$api_key" --source 127.0.0.2)
client stream --key "$api_key" --types call,fraud,security,guard --output "$work/events.jsonl" --seconds 120 \
    >"$work/events.log" 2>&1 &
background+=($!)
deadline=$((SECONDS + 10))
until grep -q stream.open "$work/events.jsonl" 2>/dev/null || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.1; done
# A wrong key while the authorised client listens: its security event must reach it.
client probe --key "sw_still-wrong-$RANDOM" >/dev/null
if [ "$no_key" = 401 ] && [ "$wrong_key" = 401 ] && [ "$other_network" = 403 ] && grep -q stream.open "$work/events.jsonl"; then
    result channel-access pass "no key 401, wrong key 401, 127.0.0.2 403, key from 127.0.0.1 streams"
else
    result channel-access FAIL "no key $no_key, wrong key $wrong_key, 127.0.0.2 $other_network, stream $(head -c 200 "$work/events.log")"
fi

# --- 2. Premium-rate burst ---------------------------------------------------------------

sipp_run premium -sf "$scenarios/fraud-uac.xml" -inf "$work/stolen.csv" -m 40 -r 5 -l 40 -d 2000 -timeout 60s || true
sleep 1.5
check=$(records --account victim | python3 -c '
import json, sys
rows = json.load(sys.stdin)
answered = [r for r in rows if r["answeredAt"]]
blocked = [r for r in rows if r["cause"] == "account-blocked"]
cost = sum(r["costMicros"] for r in rows)
print(len(rows), len(answered), len(blocked), cost)')
read -r total answered blocked cost <<<"$check"
is_blocked=$(account_json victim | python3 -c 'import json,sys; a=json.load(sys.stdin); print("yes" if a["blocked"] and "account-risky-destinations-hour" in a["blockedReason"] else "no")')
hook=$(python3 - "$work/webhooks.jsonl" <<'PY'
import json, sys
found = "none"
for line in open(sys.argv[1]):
    item = json.loads(line)
    e = item["event"] or {}
    if e.get("rule") == "account-risky-destinations-hour" and e.get("level") == "critical":
        ok = (item["signed"] and item["type"] == "fraud.alert" and e["figure"] == 5 and e["threshold"] == 5
              and e["account"]["name"] == "victim" and e["countries"] == ["882"] and e["numbers"][0] == "+882160000005"
              and e["source_ips"] == ["127.0.0.1"] and e["account_blocked"] is True and e["action"] == "blockAccount")
        found = "ok" if ok else "wrong: %s" % line.strip()
print(found)
PY
)
if [ "$total" -ge 40 ] && [ "$answered" -le 4 ] && [ "$blocked" -ge 36 ] && [ "$cost" -lt 1000000 ] && [ "$is_blocked" = yes ] && [ "$hook" = ok ]; then
    result premium-burst pass "blocked at the 5th call: $answered answered, $blocked refused, spent $cost micros; signed webhook with figure 5/5"
else
    result premium-burst FAIL "records $total, answered $answered, refused $blocked, cost $cost, blocked $is_blocked, webhook $hook"
fi

# --- 3. Burst with hang-up ---------------------------------------------------------------

burst_start=$SECONDS
sipp_run burst -sf "$scenarios/fraud-uac.xml" -inf "$work/desk.csv" -m 60 -r 20 -l 100 -d 20000 -timeout 40s || true
sleep 1.5
check=$(records --account office | python3 -c '
import json, sys
rows = json.load(sys.stdin)
long = [r for r in rows if r["durationMillis"] >= 19000]
hung = [r for r in rows if r["cause"] == "account-blocked" and r["hangupBy"] == "server" and r["answeredAt"]]
refused = [r for r in rows if r["cause"] == "account-blocked" and not r["answeredAt"]]
print(len(rows), len(long), len(hung), len(refused))')
read -r total long hung refused <<<"$check"
is_blocked=$(account_json office | python3 -c 'import json,sys; a=json.load(sys.stdin); print("yes" if a["blocked"] and "calls at 30 calls" in a["blockedReason"] else "no")')
hook=$(python3 - "$work/webhooks.jsonl" <<'PY'
import json, sys
found = "none"
for line in open(sys.argv[1]):
    item = json.loads(line)
    e = item["event"] or {}
    if (e.get("rule") in ("device-calls-per-minute", "account-concurrent-calls") and e.get("level") == "critical"
            and e.get("account_blocked")):
        ok = (item["signed"] and e["figure"] == 30 and e["threshold"] == 30 and e["account"]["name"] == "office"
              and e["action"] == "blockAccountAndHangUp" and e["calls_hung_up"] >= 1)
        found = "ok" if ok else "wrong: %s" % line.strip()
print(found)
PY
)
if [ "$total" -ge 60 ] && [ "$long" = 0 ] && [ "$hung" -ge 1 ] && [ "$refused" -ge 30 ] && [ "$is_blocked" = yes ] && [ "$hook" = ok ]; then
    result burst-hang-up pass "blocked at the 30th call, $hung calls hung up by the switch, $refused refused, none lasted 20 s"
else
    result burst-hang-up FAIL "records $total, long $long, hung up $hung, refused $refused, blocked $is_blocked, webhook $hook"
fi

# --- 4. The action log -------------------------------------------------------------------

check=$(cli actions --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
blocks = {r["target"].split()[-1] for r in rows if r["action"] == "account.block" and r["actor"] == "fraud-monitor"}
hangups = [r for r in rows if r["action"] == "account.hang-up" and r["details"]["calls"] >= 1]
alerts = [r for r in rows if r["action"] == "fraud.alert"]
print("ok" if blocks == {"victim", "office"} and hangups and alerts else "blocks %s, hang-ups %d, alerts %d" % (sorted(blocks), len(hangups), len(alerts)))')
if [ "$check" = ok ]; then
    result action-log pass "both blocks, the hang-up and the alerts, by fraud-monitor"
else
    result action-log FAIL "$check"
fi

# --- 5. An operator lifts the block ------------------------------------------------------

cli account unblock victim --reason "customer called, password changed" >"$work/unblock.log" 2>&1 || true
sleep 1.5
{ echo SEQUENTIAL; printf 'stolen;%s;0088216000099\n' "$stolen_password"; } >"$work/again.csv"
sipp_run again -sf "$scenarios/fraud-uac.xml" -inf "$work/again.csv" -m 1 -d 200 -timeout 20s || true
ok=$(stat_column "$work/again/stat.csv" 'SuccessfulCall(C)')
logged=$(cli actions --json | python3 -c '
import json, sys
rows = json.load(sys.stdin)
print(len([r for r in rows if r["action"] == "account.unblock" and r["actor"] == "cli" and r["target"].endswith("victim")]))')
if [ "$ok" = 1 ] && [ "$logged" = 1 ]; then
    result unblock pass "the call went through; the unblock is in the action log"
else
    result unblock FAIL "successful $ok, logged $logged, $(cat "$work/unblock.log")"
fi

# --- 6. What the event channel carried ---------------------------------------------------

check=$(python3 - "$work/events.jsonl" <<'PY'
import json, sys
types = set()
for line in open(sys.argv[1]):
    types.add(json.loads(line).get("type"))
want = {"call.start", "call.end", "fraud.alert", "fraud.block", "security.api_key_failure"}
print("ok" if want <= types else "missing %s (got %s)" % (sorted(want - types), sorted(t for t in types if t)))
PY
)
if [ "$check" = ok ]; then
    result event-stream pass "call, fraud and security events streamed"
else
    result event-stream FAIL "$check"
fi

# --- 6b. Alert e-mail ---------------------------------------------------------------------

mails=$(grep -c 'Subject: SIPWarden fraud alert' "$work/smtp.log" || true)
critical=$(grep -c 'account-risky-destinations-hour' "$work/smtp.log" || true)
if [ "$mails" -ge 2 ] && [ "$critical" -ge 1 ]; then
    result alert-email pass "$mails alert e-mails reached the SMTP relay"
else
    result alert-email FAIL "$mails e-mails, $critical about the premium burst: $(head -c 300 "$work/smtp.log")"
fi

# --- 7. The calls report -----------------------------------------------------------------

from=$(date -u -d "-1 hour" +%Y-%m-%dT%H:00:00Z)
to=$(date -u -d "+1 hour" +%Y-%m-%dT%H:00:00Z)
check=$( { cli report calls --from "$from" --to "$to" --json; records; } | python3 -c '
import json, sys
text = sys.stdin.read()
decoder = json.JSONDecoder()
report, end = decoder.raw_decode(text)
rows, _ = decoder.raw_decode(text[end:].lstrip())
from decimal import Decimal, ROUND_HALF_UP
def one_decimal(numerator, denominator):
    return float((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
calls = [r for r in rows if r["callerKind"] != "unidentified"]
answered = [r for r in calls if r["answeredAt"]]
total = report["total"]
acd = one_decimal(sum(r["durationMillis"] for r in answered), 1000 * len(answered)) if answered else None
asr = one_decimal(100 * len(answered), len(calls)) if calls else None
print("ok" if total["attempts"] == len(calls) and total["answered"] == len(answered) and total["asr"] == asr and total["acdSeconds"] == acd
      else "report %s, records: %d attempts %d answered asr %s acd %s" % (total, len(calls), len(answered), asr, acd))') \
    || check="no report: $( (cli report calls --from "$from" --to "$to" --json 2>&1 || true) | head -c 300)"
if [ "$check" = ok ]; then
    result report-calls pass "attempts, answered, ASR and ACD agree with the records"
else
    result report-calls FAIL "$check"
fi

check_server_log "$work/server.log"
log_summary
