#!/usr/bin/env bash
# Registers one account with baresip (a real soft-phone), headless, and says whether the
# registrar accepted it.
#
#   scripts/baresip/register.sh SERVER_IP PORT USER PASSWORD [TRANSPORT]
#
# TRANSPORT is udp (default) or tcp. baresip runs from a fresh configuration directory made
# from scripts/baresip/config.template (no UI, no audio or video: registration only), bound to
# BARESIP_LOCAL_IP on a free port, with its SIP trace (-s) in the log. The account is
#   <sip:USER@SERVER_IP:PORT;transport=TRANSPORT>;auth_pass="PASSWORD";regint=REGINT
# so the REGISTER goes to sip:SERVER_IP:PORT;transport=TRANSPORT, To/From sip:USER@SERVER_IP:PORT.
#
# Success: baresip logs "USER@SERVER_IP: {0/UDP/v4} 200 OK (...) [N bindings]" within
# REGISTER_TIMEOUT seconds. Failure: a "reg: ..." line (401 after the credentials, 403,
# connection refused...), baresip exiting, or the timeout. Then baresip is stopped:
#   - by default with SIGTERM: it unregisters (REGISTER Expires 0, authenticated again), which
#     is reported (not required) on the last line;
#   - with BARESIP_KEEP_BINDING=1 with SIGKILL: nothing is sent, the binding stays on the
#     registrar until it expires (REGINT seconds), for a caller that wants to look at it.
#
# Exit status: 0 registered, 1 not registered (or bad arguments, or baresip missing).
#
# Environment: REGISTER_TIMEOUT (10 s), BARESIP_LOCAL_IP (127.0.0.1), BARESIP_LOCAL_PORT (a free
# port), BARESIP_REGINT (600 s), BARESIP_KEEP_BINDING (0), BARESIP_TRACE_FILE (copy baresip's
# log and SIP trace there), BARESIP_MODULE_PATH (/usr/lib/baresip/modules), KEEP_LOGS=1.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

log_name=baresip-register
# The shared helpers (scripts/lib/common.sh).
. "$here/../lib/common.sh"

if [ $# -lt 4 ] || [ $# -gt 5 ]; then
    echo "usage: $0 SERVER_IP PORT USER PASSWORD [udp|tcp]" >&2
    exit 1
fi
server_ip=$1 server_port=$2 user=$3 password=$4 transport=${5:-udp}
case "$transport" in udp | tcp) ;; *) log "transport must be udp or tcp, not '$transport'"; exit 1 ;; esac
case "$server_port" in '' | *[!0-9]*) log "port must be a number, not '$server_port'"; exit 1 ;; esac
# The account line quotes the password; a quote, backslash or blank inside cannot be written.
case "$password" in *'"'* | *'\'* | *[[:space:]]*) log "the password cannot contain '\"', '\\' or blanks"; exit 1 ;; esac
case "$user" in '' | *[!A-Za-z0-9._~+-]*) log "the user must be a plain SIP user name, not '$user'"; exit 1 ;; esac

register_timeout=${REGISTER_TIMEOUT:-10}
local_ip=${BARESIP_LOCAL_IP:-127.0.0.1}
regint=${BARESIP_REGINT:-600}
keep_binding=${BARESIP_KEEP_BINDING:-0}
module_path=${BARESIP_MODULE_PATH:-/usr/lib/baresip/modules}

command -v baresip >/dev/null 2>&1 || { log "baresip is not installed (Debian: apt-get install -y baresip)"; exit 1; }
[ -f "$module_path/account.so" ] || { log "no baresip modules in $module_path (set BARESIP_MODULE_PATH)"; exit 1; }

make_work_dir baresip-register
kept_what=files
baresip_pid=""

# on_exit: baresip killed (no unregistration), its log and SIP trace copied to
# BARESIP_TRACE_FILE when asked.
on_exit() {
    if [ -n "$baresip_pid" ] && kill -0 "$baresip_pid" 2>/dev/null; then
        kill -KILL "$baresip_pid" 2>/dev/null || true
        wait "$baresip_pid" 2>/dev/null || true
    fi
    if [ -n "${BARESIP_TRACE_FILE:-}" ] && [ -f "$work/baresip.log" ]; then
        cp "$work/baresip.log" "$BARESIP_TRACE_FILE" || true
    fi
}
script_traps

local_port=${BARESIP_LOCAL_PORT:-$(free_port)} || { log "no free local port"; exit 1; }

sed -e "s|@LOCAL_IP@|$local_ip|g" -e "s|@LOCAL_PORT@|$local_port|g" -e "s|@MODULE_PATH@|$module_path|g" \
    "$here/config.template" >"$work/config"
printf '<sip:%s@%s:%s;transport=%s>;auth_pass="%s";regint=%s;mwi=no;pubint=0\n' \
    "$user" "$server_ip" "$server_port" "$transport" "$password" "$regint" >"$work/accounts"
: >"$work/contacts"

# baresip's log without its colour escapes, refreshed into plain.log (grep reads a file, so
# no early-closing pipe can fail a test under pipefail).
refresh_log() { sed 's/\x1b\[[0-9;]*m//g' "$work/baresip.log" >"$work/plain.log" 2>/dev/null || true; }
# The line that says the registration succeeded: "USER@HOST: {0/UDP/v4} 200 OK (...)" (any 2xx).
registered_line() {
    awk -v u="$user@" 'index($0, u) == 1 && / \{[0-9]+\/[A-Z]+\/v[46]\} 2[0-9][0-9] / { print; exit }' "$work/plain.log"
}

# -t: baresip quits by itself a little after our own deadline, should this script be killed.
baresip -f "$work" -s -t $((register_timeout + 10)) </dev/null >"$work/baresip.log" 2>&1 &
baresip_pid=$!
log "baresip pid $baresip_pid registering $user at $server_ip:$server_port over $transport from $local_ip:$local_port (limit ${register_timeout}s)"

started=$(now_ns)
deadline=$((SECONDS + register_timeout))
outcome=""
while [ -z "$outcome" ]; do
    refresh_log
    if [ -n "$(registered_line)" ]; then
        outcome=registered
    # Failure: "reg: sip:USER@HOST:PORT: 401 Unauthorized (Server)", "reg: ...: Connection refused"...
    elif grep -q '^reg: ' "$work/plain.log"; then
        outcome=refused
    elif ! kill -0 "$baresip_pid" 2>/dev/null; then
        outcome=exited
    elif [ "$SECONDS" -ge "$deadline" ]; then
        outcome=timeout
    else
        sleep 0.05
    fi
done
elapsed_ms=$(ms_since "$started")

# What the registrar answered, for the log: every status line baresip received.
refresh_log
answers=$(awk '/^SIP\/2\.0 [0-9][0-9][0-9]/ { printf "%s%s", (n++ ? ", " : ""), $2 }' "$work/plain.log")
auth_line=$(awk '/^Authorization:/ { l = $0 } END { print l }' "$work/plain.log")

case "$outcome" in
registered)
    log "$(registered_line)"
    log "registered in ${elapsed_ms} ms (answers: ${answers:-none})"
    [ -n "$auth_line" ] && log "sent $auth_line"
    if [ "$keep_binding" = 1 ]; then
        kill -KILL "$baresip_pid" 2>/dev/null || true
        wait "$baresip_pid" 2>/dev/null || true
        baresip_pid=""
        log "baresip killed (SIGKILL): the binding stays until it expires (${regint}s)"
    else
        kill -TERM "$baresip_pid" 2>/dev/null || true
        for _ in $(seq 50); do kill -0 "$baresip_pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$baresip_pid" 2>/dev/null; then
            log "baresip did not stop within 5 s of SIGTERM: killed"
        else
            wait "$baresip_pid" 2>/dev/null || true
            baresip_pid=""
        fi
        # The un-REGISTER (Expires 0 / expires=0) and the last answer to it.
        refresh_log
        if grep -Eq 'expires=0|^Expires: 0' "$work/plain.log"; then
            last=$(awk '/^SIP\/2\.0 [0-9][0-9][0-9]/ { l = $0 } END { sub(/^SIP\/2\.0 /, "", l); print l }' "$work/plain.log")
            log "stopped; unregistration sent, last answer: ${last:-none}"
        else
            log "stopped; no unregistration seen"
        fi
    fi
    exit 0
    ;;
refused)
    log "NOT registered: $(grep -m1 '^reg: ' "$work/plain.log") (answers: ${answers:-none}, ${elapsed_ms} ms)"
    ;;
exited)
    log "NOT registered: baresip exited first (answers: ${answers:-none})"
    tail -20 "$work/baresip.log" >&2
    ;;
timeout)
    log "NOT registered within ${register_timeout}s (answers: ${answers:-none})"
    ;;
esac
exit 1
