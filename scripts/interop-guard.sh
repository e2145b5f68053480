#!/usr/bin/env bash
# Interop test of the Guard (SIPWarden's intrusion prevention) against real attack tools,
# sipvicious 0.3.8 (svmap, svwar, svcrack), and SIPp playing both floods and real devices.
#
# Starts the release binary from a configuration file that sets nothing but the listeners
# (UDP and TCP on one free port of 127.0.0.1) and the log level: every Guard setting is the
# shipped default (trusted 127.0.0.1/32 and ::1, jails as in docs, UDP bans dropped before
# parsing, TCP bans refused at accept). Attackers and devices play from their own loopback
# addresses, which Linux routes without any setup:
#   127.0.0.1  trusted (never counted nor banned): only the control runs of svwar, svcrack
#   127.0.0.2  svmap                  127.0.0.3  svwar, User-Agent rewritten to a phone's
#   127.0.0.4  svwar as shipped       127.0.0.5  svcrack, User-Agent rewritten, -t 0.33
#   127.0.0.6  svcrack, --maximumtime 127.0.0.7  SIPp OPTIONS flood, 2,000/s for 5 s
#   127.0.0.8  SIPp device 2001 registering during the flood
#   127.0.0.9  SIPp device 1005 registering (every second) and calling (every 2 s) while
#              checks 1-3 run: NOT trusted, so that it proves real devices go undisturbed
#   127.0.0.10 `ban add` / `ban remove`   127.0.0.11 allow-listed, 10 wrong passwords
#   127.0.0.12 the same 10 wrong passwords, not allow-listed (sip-auth's control)
#
# Passwords: the product's default policy is kept (>= 12 characters, letters, digits and
# other characters, set with `device add --password-stdin`); weakening it to admit
# "password1" would test a configuration nobody should run. Each device gets a random
# 16-character password per run, and the attacker's dictionary (svcrack -d) holds ten common
# wrong passwords, then device 1005's real one, then a few more: any svcrack that gets to
# guess 11 times cracks it. That this dictionary really does crack the device is shown, not
# assumed: a control run of svcrack from the trusted 127.0.0.1 (which the Guard leaves
# alone by design) must report the password. The attackers must not.
#
# The checks (each a numbered PASS/FAIL line, all in the summary at the end):
#   1. svmap from 127.0.0.2: finds nothing; a sip-scanner ban of 127.0.0.2/32 in `ban list
#      --json` within 2 s of svmap's start; `ban explain` shows the friendly-scanner agent.
#   2. svwar -e1000-1010 --force -m REGISTER (device 1005 is in the range) from 127.0.0.3
#      with the User-Agent of a Yealink phone (scripts/guard/launch.py), and as shipped from
#      127.0.0.4: no extension found, both banned by sip-scanner (127.0.0.3 by a structural
#      rule, its evidence showing the Yealink User-Agent). Control (2c): from the trusted
#      127.0.0.1, never banned, svwar finds nothing either (same 401 for every extension).
#   3. svcrack -u 1005 with the dictionary: the trusted control cracks it (3a); from
#      127.0.0.5 (-t 0.33, about 3 guesses/s) and 127.0.0.6 (--maximumtime 5), both with
#      the User-Agent rewritten, the password is never reported; both banned (the jail is
#      reported: sip-scanner, svcrack's fixed first From tag, or sip-auth); `ban explain`
#      lists the events.
#   4. Device 1005 from 127.0.0.9 (scripts/sipp/register-auth.xml every second,
#      scripts/sipp/guard-call.xml every 2 s: INVITE, 407, authenticated INVITE, final
#      answer) during checks 1-3: 100% of its calls succeed; 127.0.0.9 never in `ban list`.
#   5. scripts/sipp/guard-flood.xml from 127.0.0.7: OPTIONS at 2,000/s for 5 s while device
#      2001 registers at 5/s from 127.0.0.8: the registrations all succeed, 127.0.0.7 is
#      banned by sip-flood and at most 10% of its OPTIONS were answered.
#   6. SIGTERM (exit 0), start again on the same data directory: the same active bans; an
#      OPTIONS (scripts/guard/probe.py) from 127.0.0.2 gets no answer over UDP nor TCP, one
#      from 127.0.0.9 is answered over both.
#   7. `ban add 127.0.0.10 --for 10m --reason test`: unanswered within 2 s; `ban remove`:
#      answered within 2 s; `allow add 127.0.0.11/32`: 10 wrong passwords from it
#      (scripts/sipp/register-wrong-password.xml) ban nothing, while the same from 127.0.0.12
#      gets a sip-auth ban; `guard status --json` lists the jails.
#   9. Spoofed packets "from" a carrier: provider carrier is 127.0.0.13 (by address); three
#      OPTIONS with User-Agent friendly-scanner and 100 more at once from 127.0.0.13
#      (scripts/guard/spoof.py): no ban of 127.0.0.13, the would-be ban logged as a provider's
#      address spared, every clean OPTIONS answered (no flood drop); one scanner packet from
#      127.0.0.14 gets a ban of one hour, not a permanent one.
#   8. No line at error level in the server's logs; `ban explain` names the jail and the end
#      of the ban (or "permanent") for every banned source; neither device source
#      (127.0.0.8, 127.0.0.9) in `ban list --all`; SIGTERM again: exit status 0.
#
# Exit status 0 when every check passed, 1 otherwise (with the server log's tail). Installs
# SIPp (Debian `sip-tester`) and sipvicious (`pip install sipvicious`) when missing, builds
# the release binary (`swift build -c release --scratch-path .build-interop`, incremental)
# unless SERVER_BINARY names one. Every tool runs under `timeout` or a deadline; an EXIT
# trap stops whatever is still running. About 1 to 1.5 minutes here (2 shared cores).
#
# Environment: SERVER_BINARY (use this sipwarden binary, skip the build), KEEP_LOGS=1 (keep
# the work directory even on success).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios="$root/scripts/sipp"
guard_tools="$root/scripts/guard"

ready_timeout=30       # seconds for the server to bind its listeners
stop_timeout=10        # seconds for the server to exit after SIGTERM
cli_timeout=20         # seconds for one sipwarden CLI command

# Who plays what (see the header).
trusted_source=127.0.0.1
svmap_source=127.0.0.2
svwar_lying_source=127.0.0.3
svwar_source=127.0.0.4
svcrack_source=127.0.0.5
svcrack2_source=127.0.0.6
flood_source=127.0.0.7
registering_source=127.0.0.8
device_source=127.0.0.9
manual_source=127.0.0.10
allowed_source=127.0.0.11
guesser_source=127.0.0.12
provider_source=127.0.0.13
one_packet_source=127.0.0.14
device=1005            # inside svwar's range -e1000-1010, and svcrack's target
device2=2001           # registers during the flood
spare=3001             # the wrong passwords of check 7
innocent_agent="Yealink SIP-T46S 66.86.0.15"

declare -A bg_pids=()  # background SIPp runs, by name

# Messages go to the script's own standard error, saved as fd 3: a trap that runs while a
# function's output is redirected (sw ... >file) must still be heard.
exec 3>&2
log_fd=3
# The shared helpers (scripts/lib/common.sh).
. "$root/scripts/lib/common.sh"
start_interop interop-guard
server_label=""

# on_exit: the background SIPp runs stopped (the EXIT trap stops the rest).
on_exit() {
    local name
    for name in "${!bg_pids[@]}"; do stop_pid "${bg_pids[$name]}" 30; done
}

# check ID VERDICT DETAIL: one numbered line of the summary; a FAIL counts.
result_format='%-4s %-4s %s'
check() {
    result "$@"
    printf 'check %s\n' "${summary[${#summary[@]} - 1]}" >&3
}

is_number() { [[ $1 =~ ^[0-9]+$ ]]; }

# --- Tools -----------------------------------------------------------------------------

# The sipvicious commands, and the Python they are installed into (the launcher imports
# their modules, so it must run under that interpreter). pyenv's shims are shell scripts:
# a directory counts only when the interpreter in its sipvicious_svwar's shebang imports
# sipvicious.
find_sipvicious() {
    local dir candidate
    svmap_bin="" sv_python=""
    for dir in $(dirname "$(command -v sipvicious_svmap 2>/dev/null || echo /nonexistent/x)") \
        /root/.pyenv/versions/*/bin "$HOME/.local/bin" /usr/local/bin; do
        [ -x "$dir/sipvicious_svmap" ] && [ -x "$dir/sipvicious_svwar" ] && [ -x "$dir/sipvicious_svcrack" ] || continue
        candidate=$(head -1 "$dir/sipvicious_svwar" | sed 's/^#![[:space:]]*//')
        # `#!/usr/bin/env python3`: the interpreter is the second word.
        case "$candidate" in */env\ *) candidate=${candidate#* } ;; esac
        if "$candidate" -c 'import sipvicious.libs.svhelper' >/dev/null 2>&1; then
            svmap_bin="$dir/sipvicious_svmap"
            sv_python=$candidate
            return 0
        fi
    done
    return 1
}

ensure_tools() {
    need_tools sipp:sip-tester python3:python3
    if ! find_sipvicious; then
        need_pip sipvicious || return 1
        hash -r
        find_sipvicious || { log "sipvicious installed, but its commands are not on PATH"; return 1; }
    fi
}

# --- The server and its CLI ------------------------------------------------------------

# sw COMMAND...: a sipwarden management command on the test's data directory.
sw() {
    timeout -k 5 "$cli_timeout" "$binary" "$@" --data-dir "$work/data" --config "$work/sipwarden.yaml"
}

write_config() {
    server_port=$(free_port)
    mkdir -p "$work/data"
    # Listeners and log level only: the Guard runs with the shipped defaults.
    printf 'sip:\n  listen: ["udp:127.0.0.1:%s", "tcp:127.0.0.1:%s"]\nlog:\n  level: info\n' \
        "$server_port" "$server_port" >"$work/sipwarden.yaml"
    timeout 20 "$binary" config check "$work/sipwarden.yaml" >"$work/config-check.out" 2>&1 \
        || { cat "$work/config-check.out" >&2; log "config check refused the configuration"; return 1; }
}

# Random 16-character passwords with letters, digits and specials (the default policy),
# never ';', quotes or brackets (SIPp's -inf and [authentication] syntax); the injection
# files SIPp reads; svcrack's dictionary.
make_devices() {
    lib_python - "$work" "$device" "$device2" "$spare" <<'PY'
import sys
from devices import password, write_injection
work, names = sys.argv[1], sys.argv[2:]
for name in names:
    pw = password()
    with open(f"{work}/{name}.password", "w") as f:
        f.write(pw + "\n")
    write_injection(f"{work}/{name}.csv", [(name, pw)])
# Ten wrong guesses a dictionary would start with, the real password 11th, then more.
real = open(f"{work}/{names[0]}.password").read().strip()
wrong = ["123456", "password", names[0], "admin", "secret", "password1", "qwerty", "letmein", "1234", "changeme"]
more = ["Passw0rd!", "welcome1", "sip" + names[0], "000000"]
with open(f"{work}/dictionary.txt", "w") as f:
    f.write("\n".join(wrong + [real] + more) + "\n")
PY
    if ! sw provider add carrier --host "$provider_source" --port any >>"$work/device-add.log" 2>&1; then
        cat "$work/device-add.log" >&2
        log "sipwarden provider add carrier failed"
        return 1
    fi
    local name
    for name in "$device" "$device2" "$spare"; do
        if ! sw device add "$name" --password-stdin <"$work/$name.password" >>"$work/device-add.log" 2>&1; then
            tail -5 "$work/device-add.log" >&2
            log "sipwarden device add $name failed"
            return 1
        fi
    done
}

# start_server LABEL: starts the server on $server_port; returns when it is ready.
start_server() {
    server_label=$1
    launch_server "$work/server-$server_label.log" "$binary" serve --config "$work/sipwarden.yaml" --data-dir "$work/data"
    wait_server_ready || return 1
    log "server pid $server_pid ($server_label) ready on udp and tcp 127.0.0.1:$server_port after $ready_ms ms"
}

# stop_server: SIGTERM; the server must exit with status 0 within stop_timeout, having
# logged `stopped`. Returns 1 (with $stop_detail) otherwise.
stop_server() {
    stop_server_checked "$work/server-$server_label.log" 2>/dev/null || return 1
    stop_detail="$stop_detail, 'stopped' logged"
}

# --- Bans ------------------------------------------------------------------------------

# active_ban IP: the jail of the active ban of IP/32 (nothing when there is none).
active_ban() {
    sw ban list --json >"$work/bans.json" 2>>"$work/cli.log" || { echo "?cli-failed"; return 0; }
    python3 - "$work/bans.json" "$1/32" <<'PY'
import json, sys
for ban in json.load(open(sys.argv[1])):
    if ban["network"] == sys.argv[2] and ban.get("state", "active") == "active":
        print(ban["jail"])
        break
PY
}

# wait_for_ban IP SINCE_NS LIMIT_MS: polls `ban list --json` until IP has an active ban
# or LIMIT_MS have passed since SINCE_NS (then a last look). Sets ban_jail and ban_ms (the
# time since SINCE_NS when the ban was seen); returns 1 when no ban came in time.
wait_for_ban() {
    local ip=$1 since=$2 limit=$3
    ban_jail="" ban_ms=""
    while :; do
        ban_jail=$(active_ban "$ip")
        case "$ban_jail" in "" | "?"*) ;; *) ban_ms=$(ms_since "$since"); return 0 ;; esac
        [ "$(ms_since "$since")" -lt "$limit" ] || return 1
        sleep 0.1
    done
}

# explain_summary IP: one line from `ban explain IP --json`: the active ban's jail, reason,
# end, and its evidence (event kinds, User-Agents).
explain_summary() {
    sw ban explain "$1" --json >"$work/explain-$1.json" 2>>"$work/cli.log" || { echo "ban explain failed"; return 0; }
    python3 - "$work/explain-$1.json" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
active = [b for b in data["bans"] if b["state"] == "active"]
if not active:
    print("no active ban")
    sys.exit()
b = active[0]
kinds = ",".join(e["kind"] for e in b["evidence"]) or "none"
agents = sorted({e["userAgent"] for e in b["evidence"] if e.get("userAgent")})
print(f"jail {b['jail']}, until {'permanent' if b['permanent'] else b['expiresAt']}, "
      f"{len(b['evidence'])} event(s) [{kinds}], reason: {b['reason'][:150]}"
      + (f", User-Agent {' | '.join(agents)}" if agents else ""))
PY
}

# ever_banned IP: whether `ban list --all --json` has any ban (active or not) covering IP/32.
ever_banned() {
    sw ban list --all --json >"$work/bans-all.json" 2>>"$work/cli.log" || return 0
    python3 - "$work/bans-all.json" "$1" <<'PY'
import ipaddress, json, sys
address = ipaddress.ip_address(sys.argv[2])
hits = [b for b in json.load(open(sys.argv[1])) if address in ipaddress.ip_network(b["network"], strict=False)]
sys.exit(0 if hits else 1)
PY
}

# --- Probes, sipvicious, SIPp -----------------------------------------------------------

# probe SOURCE [udp|tcp] [WAIT_S]: one OPTIONS; status 0 answered, 3 not; $probe_line says.
probe() {
    local status=0
    probe_line=$(timeout 20 python3 "$guard_tools/probe.py" --source "$1" --port "$server_port" \
        --transport "${2:-udp}" --wait "${3:-1}" 2>&1) || status=$?
    return "$status"
}

# probe_until answered|silent SOURCE LIMIT_MS: probes every 0.1 s (each waiting up to
# 0.3 s) until SOURCE is in that state or LIMIT_MS have passed; sets probe_ms, the time
# from the call to the start of the first probe that found that state. "silent" is
# confirmed by one more probe that waits a full second.
probe_until() {
    local want=$1 source=$2 limit=$3 since status sent
    since=$(now_ns)
    probe_ms=""
    while :; do
        status=0
        sent=$(ms_since "$since")
        probe "$source" udp 0.3 || status=$?
        if { [ "$want" = answered ] && [ "$status" = 0 ]; } || { [ "$want" = silent ] && [ "$status" = 3 ]; }; then
            probe_ms=$sent
            [ "$want" = answered ] && return 0
            status=0
            probe "$source" udp 1 || status=$?
            [ "$status" = 3 ] && return 0
        fi
        [ "$(ms_since "$since")" -lt "$limit" ] || return 1
        sleep 0.1
    done
}

# sv NAME LIMIT_S [launch.py options] TOOL ARGS...: a sipvicious tool through the launcher,
# output in NAME.out; sets sv_status (124: killed at the limit).
sv() {
    local name=$1 limit=$2
    shift 2
    sv_status=0
    run_child -o "$work/$name.out" timeout -k 5 "$limit" "$sv_python" "$guard_tools/launch.py" "$@" || sv_status=$?
}

# sipp_start NAME SOURCE SCENARIO CALLS RATE [EXTRA SIPP OPTIONS...]: SIPp in the
# background from SOURCE (own port), in directory NAME, under `timeout` (330 s; SIPp's own
# -timeout is 300 s); sipp_wait's deadline bounds it again. bg_pids[NAME] is timeout's pid.
sipp_start() {
    local name=$1 source=$2 scenario=$3 calls=$4 call_rate=$5
    shift 5
    spawn_in "$work/$name" sipp.out timeout -k 5 330 sipp "127.0.0.1:$server_port" -sf "$scenarios/$scenario" -t u1 \
        -i "$source" -p "$(free_port)" -m "$calls" -r "$call_rate" -nostdin \
        -timeout 300s -timeout_error -recv_timeout 5000 \
        -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log "$@"
    bg_pids[$name]=$spawned_pid
}

# sipp_wait NAME LIMIT_S: waits for it (SIGKILL at the limit); sets sipp_status, sipp_ok,
# sipp_failed and sipp_created from its statistics file.
sipp_wait() {
    local name=$1 limit=$2 pid=${bg_pids[$1]} deadline
    deadline=$((SECONDS + limit))
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        log "SIPp $name still running after ${limit}s: killed"
        stop_pid "$pid" 20
    fi
    sipp_status=0
    wait "$pid" 2>/dev/null || sipp_status=$?
    unset "bg_pids[$name]"
    read_sipp_stats "$work/$name/stat.csv"
}

# sipp_stop NAME LIMIT_S: SIGUSR1 to SIPp, the child of its `timeout` (SIPp places no new
# call and exits when the ongoing ones end), then sipp_wait.
sipp_stop() {
    local sipp_pid
    sipp_pid=$(pgrep -P "${bg_pids[$1]}" | head -1 || true)
    [ -z "$sipp_pid" ] || kill -USR1 "$sipp_pid" 2>/dev/null || true
    sipp_wait "$1" "$2"
}

# The first lines of SIPp's errors for a failed run, on standard error.
sipp_explain() { sipp_errors "$work/$1" 20 15; }

# --- The summary -------------------------------------------------------------------------

finish() {
    local sipp_name sv_version
    sipp_name=$(sipp_version)
    sv_version=$("$sv_python" -c 'import importlib.metadata as m; print(m.version("sipvicious"))' 2>/dev/null || echo '?')
    print_summary "SIPWarden Guard interop with sipvicious $sv_version and ${sipp_name:-SIPp}, server 127.0.0.1:${server_port:-?} (udp, tcp)" \
        '%-4s %-4s %s' check result detail
    if [ "$failures" -ne 0 ]; then
        local file
        for file in "$work"/server-*.log; do
            [ -f "$file" ] || continue
            echo "--- last lines of $(basename "$file") ---"
            tail -30 "$file"
        done
    fi
    finish_checks
}

# --- The run ---------------------------------------------------------------------------

ensure_tools
need_server_binary "$root/.build-interop"
write_config
make_devices
start_server first || { check 0 FAIL "the server did not start (see above)"; finish; }

# 4 (in the background during 1-3). Device 1005 from 127.0.0.9: registers every second,
# calls every 2 s.
sipp_start device-register "$device_source" register-auth.xml 100000 1 -inf "$work/$device.csv"
sipp_start device-call "$device_source" guard-call.xml 100000 1 -rp 2000 -inf "$work/$device.csv" -key callee 9000
sleep 1.5

# 1. svmap.
{
    port=$(free_port)
    since=$(now_ns)
    timeout -k 5 30 "$svmap_bin" -b "$svmap_source" -P "$port" -p "$server_port" 127.0.0.1 >"$work/svmap.out" 2>&1 &
    child_pid=$!
    banned=0
    wait_for_ban "$svmap_source" "$since" 5000 && banned=1
    status=0
    wait "$child_pid" || status=$?
    child_pid=""
    if grep -q 'found nothing' "$work/svmap.out" && ! grep -q "127\.0\.0\.1:$server_port" "$work/svmap.out"; then
        check 1a PASS "svmap -b $svmap_source: \"found nothing\" (exit $status)"
    else
        cat "$work/svmap.out" >&2
        check 1a FAIL "svmap -b $svmap_source reported the server (exit $status; output above)"
    fi
    if [ "$banned" = 1 ] && [ "$ban_jail" = sip-scanner ] && [ "$ban_ms" -le 2000 ]; then
        check 1b PASS "$svmap_source/32 banned by sip-scanner, in ban list ${ban_ms} ms after svmap started"
    else
        check 1b FAIL "$svmap_source: ban '${ban_jail:-none}' seen after ${ban_ms:-never} ms (want sip-scanner within 2000 ms)"
    fi
    sw ban explain "$svmap_source" >"$work/explain-svmap.txt" 2>&1 || true
    if grep -q 'friendly-scanner' "$work/explain-svmap.txt"; then
        check 1c PASS "ban explain $svmap_source: $(explain_summary "$svmap_source")"
    else
        cat "$work/explain-svmap.txt" >&2
        check 1c FAIL "ban explain $svmap_source does not mention friendly-scanner (output above)"
    fi
}

# lied_about SUMMARY: whether an explain_summary line shows a ban by a rule other than the
# User-Agent one, with the rewritten User-Agent in the evidence (the launcher did its job,
# and the Guard saw through it).
lied_about() {
    ! grep -q '): user-agent:' <<<"$1" && grep -qF "User-Agent $innocent_agent" <<<"$1"
}

# 2. svwar, lying about its User-Agent, then as shipped.
for variant in lying plain; do
    if [ "$variant" = lying ]; then
        source=$svwar_lying_source id=2a agent=(--user-agent "$innocent_agent")
    else
        source=$svwar_source id=2b agent=()
    fi
    since=$(now_ns)
    sv "svwar-$variant" 40 --source "$source" "${agent[@]}" svwar -e1000-1010 --force -m REGISTER \
        -P "$(free_port)" -x "$source" -p "$server_port" 127.0.0.1
    found=$(grep -cE "^\| *10(0[0-9]|10) " "$work/svwar-$variant.out" || true)
    if [ "$found" = 0 ] && grep -q 'found nothing' "$work/svwar-$variant.out" && ! grep -q 'we have' "$work/svwar-$variant.out"; then
        result=PASS
    else
        result=FAIL
        cat "$work/svwar-$variant.out" >&2
    fi
    jail=""
    wait_for_ban "$source" "$since" 2000 && jail=$ban_jail
    summary_line=$(explain_summary "$source")
    if [ "$variant" = lying ] && ! lied_about "$summary_line"; then
        check "$id" FAIL "svwar from $source with a rewritten User-Agent: the ban is not by a structural rule, or the evidence lacks that User-Agent: $summary_line"
    elif [ "$jail" = sip-scanner ] && [ "$result" = PASS ]; then
        check "$id" PASS "svwar from $source (${agent[*]:-User-Agent as shipped}): found nothing (exit $sv_status); $summary_line"
    else
        check "$id" FAIL "svwar from $source (${agent[*]:-User-Agent as shipped}): extensions found: $found ($result); ban: ${jail:-none} (want sip-scanner)"
    fi
done
# The control: from the trusted address (not screened, never banned) svwar learns nothing
# either, because the registrar answers every extension, ours or not, with the same 401
# (svwar compares first lines): the "found nothing" above is not only the ban's doing.
sv svwar-control 40 --source "$trusted_source" svwar -e1000-1010 --force -m REGISTER \
    -P "$(free_port)" -x "$trusted_source" -p "$server_port" 127.0.0.1
found=$(grep -cE "^\| *10(0[0-9]|10) " "$work/svwar-control.out" || true)
if [ "$found" = 0 ] && grep -q 'found nothing' "$work/svwar-control.out"; then
    check 2c PASS "control: svwar from the trusted $trusted_source, answered throughout, finds nothing either (exit $sv_status)"
else
    cat "$work/svwar-control.out" >&2
    check 2c FAIL "control: svwar from the trusted $trusted_source found $found extension(s): the registrar's answers tell extensions apart (output above)"
fi

# 3. svcrack. a) The control: from the trusted address, the dictionary cracks the device.
password=$(cat "$work/$device.password")
sv svcrack-control 40 --source "$trusted_source" --user-agent "$innocent_agent" svcrack -u "$device" \
    -d "$work/dictionary.txt" -t 0.33 -P "$(free_port)" -x "$trusted_source" -p "$server_port" 127.0.0.1
if grep -qF -- "$password" "$work/svcrack-control.out"; then
    check 3a PASS "control: svcrack from the trusted $trusted_source cracks $device with this dictionary (guess 11; exit $sv_status)"
else
    cat "$work/svcrack-control.out" >&2
    check 3a FAIL "control: svcrack from the trusted $trusted_source did not crack $device: the test below would prove nothing"
fi
# b) The attackers, at once: -t 0.33 (about 3 guesses/s) and --maximumtime 5.
since=$(now_ns)
timeout -k 5 60 "$sv_python" "$guard_tools/launch.py" --source "$svcrack_source" --user-agent "$innocent_agent" \
    svcrack -u "$device" -d "$work/dictionary.txt" -t 0.33 -P "$(free_port)" -x "$svcrack_source" -p "$server_port" 127.0.0.1 \
    >"$work/svcrack-slow.out" 2>&1 &
bg_pids[svcrack-slow]=$!
sv svcrack-bounded 60 --source "$svcrack2_source" --user-agent "$innocent_agent" svcrack -u "$device" \
    -d "$work/dictionary.txt" -t 0.33 --maximumtime 5 -P "$(free_port)" -x "$svcrack2_source" -p "$server_port" 127.0.0.1
slow_status=0
wait "${bg_pids[svcrack-slow]}" || slow_status=$?
unset "bg_pids[svcrack-slow]"
bounded_status=$sv_status
for variant in slow bounded; do
    if [ "$variant" = slow ]; then
        source=$svcrack_source id=3b status=$slow_status
    else
        source=$svcrack2_source id=3c status=$bounded_status
    fi
    out="$work/svcrack-$variant.out"
    jail=""
    wait_for_ban "$source" "$since" 0 && jail=$ban_jail
    summary_line=$(explain_summary "$source")
    if grep -qF -- "$password" "$out" || grep -q 'cracked users' "$out"; then
        cat "$out" >&2
        check "$id" FAIL "svcrack from $source REPORTED THE PASSWORD of $device (output above)"
    elif ! lied_about "$summary_line"; then
        check "$id" FAIL "svcrack from $source: password not found, but the ban is not by a structural rule or the evidence lacks the rewritten User-Agent: $summary_line"
    elif [ -n "$jail" ] && [ "${jail#\?}" = "$jail" ] && ! grep -qE '(^|[^0-9])0 event' <<<"$summary_line"; then
        said=$(grep -E 'ERROR|WARNING|CRITICAL' "$out" | sed 's/^[A-Z]*:[A-Za-z]*://' | head -3 | tr '\n' ' ' || true)
        check "$id" PASS "svcrack from $source: password not found (exit $status; it said: ${said:-nothing}); banned by $jail; $summary_line"
    else
        check "$id" FAIL "svcrack from $source: password not found, but ban: ${jail:-none}; explain: $summary_line"
    fi
done

# 4. The device, undisturbed: stop its two SIPp runs and read their statistics.
for run in device-register device-call; do
    if [ "$run" = device-register ]; then id=4a; else id=4b; fi
    sipp_stop "$run" 20
    if [ "$sipp_status" = 0 ] && [ "$sipp_failed" = 0 ] && [ "$sipp_ok" = "$sipp_created" ] && [ "$sipp_ok" -ge 5 ] 2>/dev/null; then
        check "$id" PASS "device $device from $device_source, $run: $sipp_ok/$sipp_created calls successful, 0 failed (sipp exit 0)"
    else
        sipp_explain "$run"
        check "$id" FAIL "device $device from $device_source, $run: $sipp_ok/$sipp_created successful, $sipp_failed failed (sipp exit $sipp_status)"
    fi
done
if ever_banned "$device_source"; then
    check 4c FAIL "$device_source appears in ban list --all: $(explain_summary "$device_source")"
else
    check 4c PASS "$device_source never in ban list --all"
fi

# 5. Flood from 127.0.0.7 while device 2001 registers from 127.0.0.8.
sipp_start register-2001 "$registering_source" register-auth.xml 30 5 -inf "$work/$device2.csv"
sleep 0.5
since=$(now_ns)
sipp_start flood "$flood_source" guard-flood.xml 10000 2000 -nr -l 5000 -trace_counts
sipp_wait flood 40
sent=$(counts_column "$work/flood" 0_OPTIONS_Sent)
answered=$(counts_column "$work/flood" 1_200_Recv)
unanswered=$(counts_column "$work/flood" 1_200_Timeout)
sipp_wait register-2001 40
if [ "$sipp_status" = 0 ] && [ "$sipp_ok" = 30 ] && [ "$sipp_failed" = 0 ]; then
    check 5a PASS "device $device2 from $registering_source during the flood: $sipp_ok/30 registrations, 0 failed"
else
    sipp_explain register-2001
    check 5a FAIL "device $device2 from $registering_source during the flood: $sipp_ok/30 successful, $sipp_failed failed (sipp exit $sipp_status)"
fi
jail=""
wait_for_ban "$flood_source" "$since" 0 && jail=$ban_jail
if [ "$jail" = sip-flood ] && is_number "$sent" && is_number "$answered" && [ "$sent" -gt 0 ] \
    && [ $((answered * 10)) -le "$sent" ]; then
    check 5b PASS "flood from $flood_source: $sent OPTIONS sent, $answered answered, $unanswered unanswered; banned by sip-flood; $(explain_summary "$flood_source")"
else
    check 5b FAIL "flood from $flood_source: $sent sent, $answered answered (want <= 10%), $unanswered unanswered; ban: ${jail:-none} (want sip-flood)"
fi

# 6. Bans survive a restart.
sw ban list --json >"$work/bans-before.json" 2>>"$work/cli.log" || true
if stop_server; then
    check 6a PASS "SIGTERM: $stop_detail"
else
    check 6a FAIL "SIGTERM: $stop_detail"
fi
if [ -z "$server_pid" ] && start_server second; then
    sw ban list --json >"$work/bans-after.json" 2>>"$work/cli.log" || true
    comparison=$(python3 - "$work/bans-before.json" "$work/bans-after.json" \
        "$svmap_source $svwar_lying_source $svwar_source $svcrack_source $svcrack2_source $flood_source" <<'PY'
import json, sys
def active(path):
    try:
        return {(b["network"], b["jail"]) for b in json.load(open(path)) if b.get("state", "active") == "active"}
    except (OSError, ValueError):
        return set()
before, after = active(sys.argv[1]), active(sys.argv[2])
wanted = {f"{ip}/32" for ip in sys.argv[3].split()}
missing = wanted - {n for n, _ in after}
ok = before == after and not missing and before
print(("same" if ok else "DIFFERENT") + f": {len(before)} active before, {len(after)} after"
      + (f"; missing {sorted(missing)}" if missing else "") + (f"; lost {sorted(before - after)}" if before - after else ""))
PY
)
    if [ "${comparison#same}" != "$comparison" ]; then
        check 6b PASS "ban list after the restart: $comparison"
    else
        check 6b FAIL "ban list after the restart: $comparison"
    fi
    for transport in udp tcp; do
        if [ "$transport" = udp ]; then id=6c; else id=6d; fi
        status=0
        probe "$svmap_source" "$transport" 2 || status=$?
        if [ "$status" = 3 ]; then
            check "$id" PASS "banned $svmap_source after the restart, OPTIONS over $transport: $probe_line"
        else
            check "$id" FAIL "banned $svmap_source after the restart, OPTIONS over $transport: $probe_line"
        fi
    done
    for transport in udp tcp; do
        if [ "$transport" = udp ]; then id=6e; else id=6f; fi
        status=0
        probe "$device_source" "$transport" 2 || status=$?
        if [ "$status" = 0 ]; then
            check "$id" PASS "device source $device_source after the restart, OPTIONS over $transport: $probe_line"
        else
            check "$id" FAIL "device source $device_source after the restart, OPTIONS over $transport: $probe_line"
        fi
    done
else
    check 6b FAIL "the server did not start again on the same data directory"
    finish
fi

# 7. The CLI. a) A ban by hand, then lifted.
status=0
probe "$manual_source" udp 1 || status=$?
if [ "$status" != 0 ]; then
    check 7a FAIL "before any ban, OPTIONS from $manual_source: $probe_line"
else
    sw ban add "$manual_source" --for 10m --reason test >"$work/ban-add.out" 2>&1 || true
    if probe_until silent "$manual_source" 2000; then
        check 7a PASS "ban add $manual_source --for 10m ($(head -1 "$work/ban-add.out")): an OPTIONS sent ${probe_ms} ms later is unanswered, and one more 1 s later"
    else
        check 7a FAIL "ban add $manual_source ($(head -1 "$work/ban-add.out")): still answered 2 s later ($probe_line)"
    fi
    sw ban remove "$manual_source" >"$work/ban-remove.out" 2>&1 || true
    if probe_until answered "$manual_source" 2000; then
        check 7b PASS "ban remove $manual_source ($(head -1 "$work/ban-remove.out")): an OPTIONS sent ${probe_ms} ms later is answered"
    else
        check 7b FAIL "ban remove $manual_source ($(head -1 "$work/ban-remove.out")): still unanswered 2 s later ($probe_line)"
    fi
fi
# c) The allow-list: 10 wrong passwords from an allowed address ban nothing. d) The same
# from an address that is not allowed: sip-auth bans it after 5.
sw allow add "$allowed_source/32" --note interop-guard >"$work/allow-add.out" 2>&1 || true
sleep 1.5  # the server picks up allow-list changes within a second
sipp_start wrong-allowed "$allowed_source" register-wrong-password.xml 10 5 -inf "$work/$spare.csv"
sipp_wait wrong-allowed 40
allowed_ok=$sipp_ok allowed_status=$sipp_status
since=$(now_ns)
sipp_start wrong-guesser "$guesser_source" register-wrong-password.xml 10 5 -inf "$work/$spare.csv" -recv_timeout 2000
sipp_wait wrong-guesser 40
guesser_ok=$sipp_ok
sleep 1
allowed_jail=$(active_ban "$allowed_source")
if [ "$allowed_ok" = 10 ] && [ "$allowed_status" = 0 ] && [ -z "$allowed_jail" ] && ! ever_banned "$allowed_source"; then
    check 7c PASS "allow add $allowed_source/32 ($(head -1 "$work/allow-add.out")): 10 wrong passwords, all answered 401, never banned"
else
    check 7c FAIL "allow-listed $allowed_source: $allowed_ok/10 wrong-password calls answered (sipp exit $allowed_status); ban: ${allowed_jail:-none}"
fi
jail=""
wait_for_ban "$guesser_source" "$since" 0 && jail=$ban_jail
if [ "$jail" = sip-auth ]; then
    check 7d PASS "the same 10 wrong passwords from $guesser_source (not allowed): $guesser_ok answered, then banned by sip-auth; $(explain_summary "$guesser_source")"
else
    check 7d FAIL "10 wrong passwords from $guesser_source (not allowed): $guesser_ok answered; ban: ${jail:-none} (want sip-auth)"
fi
# e) guard status.
if sw guard status --json >"$work/guard-status.json" 2>"$work/guard-status.err"; then
    jails=$(python3 - "$work/guard-status.json" <<'PY'
import json, sys
status = json.load(open(sys.argv[1]))
print(" ".join(f"{j['name']}({j['mode']},bans={j['bansIssued']},active={j['activeBans']})" for j in status["jails"]))
PY
) || jails=""
    if grep -q 'sip-auth(' <<<"$jails" && grep -q 'sip-scanner(' <<<"$jails" && grep -q 'sip-flood(' <<<"$jails"; then
        check 7e PASS "guard status --json: $jails"
    else
        check 7e FAIL "guard status --json lists: ${jails:-nothing readable}"
    fi
else
    cat "$work/guard-status.err" >&2
    check 7e FAIL "guard status --json failed"
fi

# 9. Spoofed packets from the carrier's address, and one scanner packet from elsewhere.
timeout 20 python3 "$guard_tools/spoof.py" --source "$provider_source" --port "$server_port" --scanner 3 --clean 100 \
    >"$work/spoof-provider.out" 2>&1 || true
sleep 0.5
answered=$(sed -n 's/^answered //p' "$work/spoof-provider.out")
if ever_banned "$provider_source"; then
    check 9a FAIL "the carrier's address $provider_source was banned by spoofed packets: $(explain_summary "$provider_source")"
elif ! grep -q "not banned: the address is a configured provider's" "$work/server-$server_label.log"; then
    check 9a FAIL "no 'not banned: ... provider' line for $provider_source in the server log"
else
    check 9a PASS "3 friendly-scanner packets and a burst from the carrier's address $provider_source: not banned, the spared ban logged"
fi
if [ "${answered:-0}" -ge 100 ]; then
    check 9b PASS "every clean OPTIONS of the burst from $provider_source answered (${answered}/100): a provider is never flood-dropped"
else
    cat "$work/spoof-provider.out" >&2
    check 9b FAIL "from $provider_source ${answered:-0}/100 clean OPTIONS answered"
fi
since=$(now_ns)
timeout 20 python3 "$guard_tools/spoof.py" --source "$one_packet_source" --port "$server_port" --scanner 1 --clean 0 \
    >"$work/spoof-one.out" 2>&1 || true
jail=""
wait_for_ban "$one_packet_source" "$since" 3000 && jail=$ban_jail
sw ban explain "$one_packet_source" >"$work/explain-$one_packet_source.txt" 2>&1 || true
expires=$(grep -m1 -E '^  expires: ' "$work/explain-$one_packet_source.txt" | awk '{ print $2 }' || true)
if [ "$jail" = sip-scanner ] && [ -n "$expires" ] && [ "$expires" != permanent ]; then
    check 9c PASS "one scanner packet from $one_packet_source: a sip-scanner ban until $expires, not permanent"
else
    cat "$work/explain-$one_packet_source.txt" >&2
    check 9c FAIL "one scanner packet from $one_packet_source: ban '${jail:-none}' until '${expires:-?}' (want sip-scanner, not permanent)"
fi

# 8. a) Nothing at error level. b) Every ban says its jail and its end.
if grep -hE ' (ERROR|CRITICAL) ' "$work"/server-*.log >"$work/errors.txt"; then
    head -10 "$work/errors.txt" >&2
    check 8a FAIL "$(wc -l <"$work/errors.txt") error lines in the server logs (first ones above)"
else
    check 8a PASS "no ERROR or CRITICAL line in the server logs ($(cat "$work"/server-*.log | wc -l) lines)"
fi
explained=()
for source in "$svmap_source" "$svwar_lying_source" "$svwar_source" "$svcrack_source" "$svcrack2_source" \
    "$flood_source" "$guesser_source"; do
    sw ban explain "$source" >"$work/explain-$source.txt" 2>&1 || true
    jail_line=$(grep -m1 -E '^  jail: +[a-z-]+$' "$work/explain-$source.txt" | awk '{ print $2 }' || true)
    end_line=$(grep -m1 -E '^  expires: +(permanent|[0-9]{4}-[0-9]{2}-[0-9]{2}T)' "$work/explain-$source.txt" | awk '{ print $2 }' || true)
    if grep -q "^$source is banned" "$work/explain-$source.txt" && [ -n "$jail_line" ] && [ -n "$end_line" ]; then
        explained+=("$source $jail_line until $end_line")
    else
        cat "$work/explain-$source.txt" >&2
        check 8b FAIL "ban explain $source does not say banned, the jail and the end (output above)"
    fi
done
[ "${#explained[@]}" = 7 ] && check 8b PASS "ban explain: $(IFS=';'; echo "${explained[*]}")"

if ever_banned "$device_source" || ever_banned "$registering_source"; then
    check 8c FAIL "a legitimate device's source ($device_source or $registering_source) is in ban list --all"
else
    check 8c PASS "neither $device_source nor $registering_source ever banned (ban list --all)"
fi

if stop_server; then
    check 8d PASS "SIGTERM after the run: $stop_detail"
else
    check 8d FAIL "SIGTERM after the run: $stop_detail"
fi

finish
