#!/usr/bin/env bash
# Registration interop test of `sipwarden serve` against SIPp and baresip, real SIP peers.
#
# Starts the release binary from a configuration file on free loopback ports (UDP and TCP on
# the same port number) with a temporary data directory, after creating the devices:
#   - DEVICES (1,000) devices dev0001... with random passwords, in one `device import` (SIPp
#     injection format, one transaction);
#   - 11 more one by one with `device add --password-stdin`: ten that will only ever try a
#     wrong password (spare0001...) and the soft-phone's (phone0001).
# Then, over UDP, with the SIPp scenarios of scripts/sipp/ (every run: SIPp exit 0 and, in its
# statistics file, every call successful and none failed):
#   - register-auth.xml           every device registers (401, then 200 with its binding),
#                                  from one source port; then `registration list --json` lists
#                                  exactly those DEVICES bindings;
#   - register-wrong-password.xml the ten spare devices with a wrong password: 401, 401 (fresh
#                                  challenge, no stale=true); none of them gets a binding;
#   - register-unknown-user.xml   ten names no device has: 401, 401; no binding;
#   - register-unregister.xml     the first UNREGISTER (100) devices remove their binding
#                                  (Expires 0, from the same source port): the list no longer
#                                  has them, and still has every other one;
#   - scripts/baresip/register.sh baresip registers phone0001 (killed afterwards, so that its
#                                  binding stays); the list shows it. Skipped, loudly, only
#                                  when baresip cannot be installed.
#   - restart: SIGTERM (exit status 0 within STOP_TIMEOUT, `stopped` logged), start again on
#     the same data directory: the list is the same, binding for binding; a few devices
#     register again (refresh); SIGTERM, exit status 0.
# Nothing logged at error level or above meanwhile.
#
# INTEROP_PEER=kamailio plays the same steps against Kamailio (bench/kamailio/registrar.cfg:
# auth_db on SQLite with HA1 values, usrloc write-back) instead of SIPWarden: devices go into
# its subscriber table, the list comes from its location table (the write-back timer runs
# every second here), and its exit status after SIGTERM is checked the same way. It is the
# reference the scenarios and this script were validated with.
#
# Exit status 0 when everything passed, 1 otherwise. Installs SIPp (Debian `sip-tester`),
# baresip and python3 when missing (kamailio and kamailio-sqlite-modules for the peer run),
# builds the release binary (incremental) unless SERVER_BINARY is set. Takes well under five
# minutes.
#
# Environment: SERVER_BINARY (use this sipwarden binary, skip the build), INTEROP_PEER
# (sipwarden | kamailio), INTEROP_DEVICES (1000), INTEROP_RATE (200 registrations/s),
# INTEROP_UNREGISTER (100), INTEROP_AUTH_ALGORITHMS (written as auth.algorithms when set, e.g.
# '"MD5"' or '"MD5", "SHA-256"'; unset: the product's default), BARESIP_TRANSPORT (udp),
# KEEP_LOGS=1 (keep the work directory even on success).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
scenarios="$root/scripts/sipp"

peer=${INTEROP_PEER:-sipwarden}
devices=${INTEROP_DEVICES:-1000}
rate=${INTEROP_RATE:-200}
unregister_count=${INTEROP_UNREGISTER:-100}
baresip_transport=${BARESIP_TRANSPORT:-udp}
realm=sipwarden        # SIPWarden's default auth.realm; Kamailio is given the same
ready_timeout=30       # seconds for the server to bind its listeners
stop_timeout=10        # seconds for the server to exit after SIGTERM
case "$peer" in sipwarden | kamailio) ;; *) echo "INTEROP_PEER must be sipwarden or kamailio" >&2; exit 1 ;; esac
[ "$unregister_count" -le "$devices" ] || { echo "INTEROP_UNREGISTER must not exceed INTEROP_DEVICES" >&2; exit 1; }

# The shared helpers (scripts/lib/common.sh).
. "$root/scripts/lib/common.sh"
start_interop interop-register

# record NAME VERDICT DETAIL: one line of the summary, said at once; a FAIL counts.
result_format='%-24s %-5s %s'
record() {
    result "$@"
    if [ "$2" = FAIL ]; then log "$1: $2: $3"; else log "$1: $2 ($3)"; fi
}

# --- Tools -----------------------------------------------------------------------------

ensure_tools() {
    need_tools sipp:sip-tester python3:python3
    have_baresip=1
    need_tools baresip:baresip || have_baresip=0
    if [ "$peer" = kamailio ]; then
        need_tools sqlite3:sqlite3
        install_kamailio
    fi
}

# --- Devices ---------------------------------------------------------------------------

# devices.csv (the import), spares.csv, phone.csv (added one by one), unknown.csv, and the
# subsets the scenarios play; for Kamailio, subscriber.sql (HA1 values only).
make_devices() {
    lib_python - "$devices" "$unregister_count" "$realm" "$work" <<'PY'
import sys
from devices import password, write_injection, write_subscribers
count, unregister, realm, work = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
def write(name, rows):
    write_injection(f"{work}/{name}", rows)
devs = [(f"dev{i:04d}", password()) for i in range(1, count + 1)]
spares = [(f"spare{i:04d}", password()) for i in range(1, 11)]
phone = [("phone0001", password())]
unknown = [(f"nobody{i:04d}", password()) for i in range(1, 11)]
write("devices.csv", devs)
write("unregister.csv", devs[:unregister])
write("refresh.csv", devs[-10:])
write("spares.csv", spares)
write("phone.csv", phone)
write("unknown.csv", unknown)
write_subscribers(f"{work}/subscriber.sql", devs + spares + phone, realm, "127.0.0.1")
PY
}

create_devices() {
    local t0=$SECONDS
    case "$peer" in
    sipwarden)
        if ! "$binary" device import "$work/devices.csv" --data-dir "$work/data" --config "$work/sipwarden.yaml" \
            >"$work/import.log" 2>&1; then
            tail -20 "$work/import.log" >&2
            record device-import FAIL "sipwarden device import of $devices devices failed"
            return 1
        fi
        local user pw
        while IFS=';' read -r user pw; do
            [ "$user" != SEQUENTIAL ] || continue
            if ! printf '%s' "$pw" | "$binary" device add "$user" --password-stdin --data-dir "$work/data" --config "$work/sipwarden.yaml" \
                >>"$work/device-add.log" 2>&1; then
                tail -5 "$work/device-add.log" >&2
                record device-add FAIL "sipwarden device add $user failed"
                return 1
            fi
        done < <(cat "$work/spares.csv" <(tail -n +2 "$work/phone.csv"))
        ;;
    kamailio)
        rm -f "$work/kamailio.sqlite"*
        local table
        for table in standard auth_db usrloc; do
            sqlite3 "$work/kamailio.sqlite" <"/usr/share/kamailio/db_sqlite/$table-create.sql"
        done
        sqlite3 "$work/kamailio.sqlite" 'PRAGMA journal_mode = WAL;' >/dev/null
        sqlite3 "$work/kamailio.sqlite" <"$work/subscriber.sql"
        ;;
    esac
    record devices pass "$devices imported in one transaction, 11 added one by one ($((SECONDS - t0)) s)"
}

# --- The server ------------------------------------------------------------------------

write_config() {
    server_port=$(free_port)
    mkdir -p "$work/data"
    {
        printf 'sip:\n  listen: ["udp:127.0.0.1:%s", "tcp:127.0.0.1:%s"]\n' "$server_port" "$server_port"
        printf 'auth:\n  realm: "%s"\n' "$realm"
        if [ -n "${INTEROP_AUTH_ALGORITHMS:-}" ]; then
            printf '  algorithms: [%s]\n' "$INTEROP_AUTH_ALGORITHMS"
        fi
        printf 'log:\n  level: info\n'
    } >"$work/sipwarden.yaml"
}

# start_server LABEL: starts the server on $server_port; returns when it is ready.
start_server() {
    local label=$1
    case "$peer" in
    sipwarden)
        launch_server "$work/server-$label.log" "$binary" serve --config "$work/sipwarden.yaml" --data-dir "$work/data"
        wait_server_ready || return 1
        ;;
    kamailio)
        launch_server "$work/server-$label.log" "$kamailio_bin" -f "${INTEROP_KAMAILIO_CFG:-$root/bench/kamailio/registrar.cfg}" \
            -A "DBURL=\"sqlite:///$work/kamailio.sqlite\"" -A "CTLSOCK=\"unix:$work/ctl\"" \
            -A "REALM=\"$realm\"" -A "UL_TIMER=1" \
            -l "udp:127.0.0.1:$server_port" -l "tcp:127.0.0.1:$server_port" -n 2 \
            -DD -E -Y "$work" -P "$work/kamailio.pid" -m 64 -M 8 -x fm -w "$work"
        wait_server_answers "$server_port" "$scenarios/options-uac.xml" || return 1
        ;;
    esac
    log "$peer pid $server_pid ($label) ready on udp and tcp 127.0.0.1:$server_port after $ready_ms ms"
}

# stop_server LABEL: SIGTERM; the server must exit with status 0 within stop_timeout.
stop_server() {
    local label=$1 logged=""
    [ "$peer" != sipwarden ] || logged="$work/server-$label.log"
    if stop_server_checked "$logged"; then
        record "sigterm-$label" pass "$stop_detail"
    else
        record "sigterm-$label" FAIL "$stop_detail"
        return 1
    fi
}

# The current bindings, one "username contact" per line, sorted, into file $1.
list_bindings() {
    local file=$1
    case "$peer" in
    sipwarden)
        # The server writes binding changes to the database in a batch every second (the
        # command reads the database): wait for two batches so the list is current.
        [ -z "${server_pid:-}" ] || ! kill -0 "$server_pid" 2>/dev/null || sleep 2.5
        if ! "$binary" registration list --json --data-dir "$work/data" >"$file.json" 2>"$file.err"; then
            cat "$file.err" >&2
            log "sipwarden registration list --json failed"
            : >"$file"
            return 1
        fi
        python3 - "$file.json" >"$file" <<'PY' || { log "registration list --json: not a JSON array of bindings"; return 1; }
import json, sys
for b in json.load(open(sys.argv[1])):
    print(b["username"], str(b["contact"]).strip().strip("<>"))
PY
        ;;
    kamailio)
        sleep 2.5  # two write-back flushes (UL_TIMER=1): the table is current
        sqlite3 "$work/kamailio.sqlite" 'PRAGMA busy_timeout = 3000; SELECT username, contact FROM location;' \
            | tail -n +2 | tr '|' ' ' >"$file"
        ;;
    esac
    sort -o "$file" "$file"
}

# Usernames (field0) of an injection file.
users_of() { tail -n +2 "$1" | cut -d';' -f1 | sort; }

# --- SIPp ------------------------------------------------------------------------------

# run_sipp NAME SCENARIO INF_FILE RATE SOURCE_PORT [EXTRA SIPP OPTIONS...]
# One call per line of INF_FILE; fails unless SIPp exits 0 with every call successful.
run_sipp() {
    local name=$1 scenario=$2 inf=$3 call_rate=$4 port=$5
    shift 5
    local dir="$work/$name" status=0 calls
    calls=$(($(wc -l <"$inf") - 1))
    run_in "$dir" sipp.out sipp "127.0.0.1:$server_port" -sf "$scenarios/$scenario" -inf "$inf" -t u1 \
        -i 127.0.0.1 -p "$port" -m "$calls" -r "$call_rate" -nostdin \
        -timeout "$((calls / call_rate + 30))s" -timeout_error -recv_timeout 5000 \
        -trace_stat -stf stat.csv -fd 1 -trace_err -error_file errors.log "$@" || status=$?
    read_sipp_stats "$dir/stat.csv"
    if [ "$status" -ne 0 ] || [ "$sipp_ok" != "$calls" ] || [ "$sipp_failed" != 0 ]; then
        sipp_errors "$dir"
        record "$name" FAIL "sipp exit $status, successful $sipp_ok/$calls, failed $sipp_failed"
        return 1
    fi
    record "$name" pass "sipp exit 0, successful $sipp_ok/$calls, failed 0"
}

# The summary, and the exit status: 0 only when every check passed.
finish() {
    local tools
    tools=$(sipp_version)
    if [ "${have_baresip:-0}" = 1 ]; then
        tools="$tools and $({ baresip -h 2>&1 || true; } | grep -o 'baresip v[0-9.]*' | head -1 || true)"
    fi
    print_summary "SIPWarden registration interop ($peer) with ${tools:-SIPp}, server 127.0.0.1:${server_port:-?}" \
        '%-24s %-5s %s' step result detail
    finish_checks
}

# --- The run ---------------------------------------------------------------------------

ensure_tools
[ "$peer" != sipwarden ] || need_server_binary
make_devices
write_config
create_devices || finish
start_server first || { record start FAIL "the server did not start"; finish; }

# 1. Every device registers once, from one source port (kept for the unregistration).
reg_port=$(free_port)
run_sipp register-auth register-auth.xml "$work/devices.csv" "$rate" "$reg_port" || true
{
    list_bindings "$work/list-1" || true
    count=$(wc -l <"$work/list-1")
    expected_contacts=$(users_of "$work/devices.csv" | awk -v p="$reg_port" '{ print $1, "sip:" $1 "@127.0.0.1:" p }')
    if [ "$count" = "$devices" ] && diff <(echo "$expected_contacts") <(awk '{ c = $2; sub(/;.*/, "", c); print $1, c }' "$work/list-1") >"$work/list-1.diff"; then
        record bindings-after-register pass "registration list: $count bindings, one per device, each with its Contact"
    else
        record bindings-after-register FAIL "registration list: $count bindings, expected $devices (one per device, Contact sip:USER@127.0.0.1:$reg_port)"
    fi
}

# 2. A wrong password for devices that have no binding: 401 twice, and still no binding.
run_sipp wrong-password register-wrong-password.xml "$work/spares.csv" 20 "$(free_port)" || true
{
    list_bindings "$work/list-2" || true
    bound=$(join <(users_of "$work/spares.csv") <(cut -d' ' -f1 "$work/list-2" | sort -u) | wc -l)
    if [ "$bound" = 0 ] && [ "$(wc -l <"$work/list-2")" = "$devices" ]; then
        record no-binding-wrong-pw pass "none of the 10 devices got a binding; still $devices bindings"
    else
        record no-binding-wrong-pw FAIL "$bound of the 10 devices with a wrong password have a binding ($(wc -l <"$work/list-2") bindings in all)"
    fi
}

# 3. Unknown users: 401 twice, the same shape as a wrong password; no binding.
run_sipp unknown-user register-unknown-user.xml "$work/unknown.csv" 20 "$(free_port)" || true
{
    list_bindings "$work/list-3" || true
    bound=$(join <(users_of "$work/unknown.csv") <(cut -d' ' -f1 "$work/list-3" | sort -u) | wc -l)
    if [ "$bound" = 0 ] && [ "$(wc -l <"$work/list-3")" = "$devices" ]; then
        record no-binding-unknown pass "none of the 10 unknown names has a binding; still $devices bindings"
    else
        record no-binding-unknown FAIL "$bound unknown names have a binding ($(wc -l <"$work/list-3") bindings in all, expected $devices)"
    fi
}

# 4. The first devices remove their binding (same source port as their registration).
run_sipp unregister register-unregister.xml "$work/unregister.csv" "$rate" "$reg_port" || true
{
    list_bindings "$work/list-4" || true
    left=$(join <(users_of "$work/unregister.csv") <(cut -d' ' -f1 "$work/list-4" | sort -u) | wc -l)
    remaining=$((devices - unregister_count))
    if [ "$left" = 0 ] && [ "$(wc -l <"$work/list-4")" = "$remaining" ]; then
        record bindings-after-unreg pass "the $unregister_count bindings are gone, the other $remaining remain"
    else
        record bindings-after-unreg FAIL "$left of the $unregister_count removed bindings remain; $(wc -l <"$work/list-4") bindings in all, expected $remaining"
    fi
}

# 5. A real soft-phone registers (and is killed, so that its binding stays).
expected_final=$((devices - unregister_count))
if [ "$have_baresip" = 1 ]; then
    phone_user=$(tail -1 "$work/phone.csv" | cut -d';' -f1)
    phone_pw=$(tail -1 "$work/phone.csv" | cut -d';' -f2-)
    phone_port=$(free_port)
    if BARESIP_KEEP_BINDING=1 BARESIP_LOCAL_PORT=$phone_port REGISTER_TIMEOUT=10 KEEP_LOGS=0 \
        BARESIP_TRACE_FILE="$work/baresip.log" \
        run_child "$root/scripts/baresip/register.sh" 127.0.0.1 "$server_port" "$phone_user" "$phone_pw" "$baresip_transport" \
        >"$work/baresip-register.out" 2>&1; then
        list_bindings "$work/list-5" || true
        if grep -q "^$phone_user sip:[^ ]*@127\.0\.0\.1:$phone_port" "$work/list-5"; then
            expected_final=$((expected_final + 1))
            record baresip pass "$(sed 's/\x1b\[[0-9;]*m//g' "$work/baresip.log" | grep -m1 "^$phone_user@" || echo registered); binding listed"
        else
            record baresip FAIL "baresip registered but registration list has no binding of $phone_user at 127.0.0.1:$phone_port"
        fi
    else
        cat "$work/baresip-register.out" >&2
        detail=$(grep -m1 'NOT registered' "$work/baresip-register.out" | sed 's/^baresip-register: //' || true)
        if grep -q 'Function not implemented' "$work/baresip-register.out"; then
            detail="$detail -- baresip 1.0 (libre 1.1) refuses a 401 that offers any algorithm but MD5 (see /tmp/register-findings.md); INTEROP_AUTH_ALGORITHMS='\"MD5\"' to offer MD5 only"
        fi
        record baresip FAIL "${detail:-see $work/baresip-register.out}"
    fi
else
    log "**************************************************************************"
    log "*** baresip could not be installed: the soft-phone step is SKIPPED     ***"
    log "**************************************************************************"
    record baresip skip "baresip could not be installed (see $work/apt.log)"
fi

# 6. Restart on the same data: the same bindings, binding for binding.
list_bindings "$work/list-before-restart" || true
stop_server first || true
if [ "$server_status" != 124 ]; then  # not after a server that had to be killed
    if start_server second; then
        list_bindings "$work/list-after-restart" || true
        before=$(wc -l <"$work/list-before-restart")
        if [ "$before" = "$expected_final" ] && cmp -s "$work/list-before-restart" "$work/list-after-restart"; then
            record bindings-after-restart pass "the same $before bindings after the restart"
        else
            diff "$work/list-before-restart" "$work/list-after-restart" | head -10 >&2 || true
            record bindings-after-restart FAIL "$before bindings before (expected $expected_final), $(wc -l <"$work/list-after-restart") after the restart, or different ones"
        fi
        # Registered devices refresh their binding after the restart (from the same port).
        run_sipp refresh-after-restart register-auth.xml "$work/refresh.csv" 20 "$reg_port" || true
        list_bindings "$work/list-6" || true
        if [ "$(wc -l <"$work/list-6")" = "$expected_final" ]; then
            record bindings-after-refresh pass "still $expected_final bindings (refreshed, not added)"
        else
            record bindings-after-refresh FAIL "$(wc -l <"$work/list-6") bindings after 10 refreshes, expected $expected_final"
        fi
        if [ "$peer" = sipwarden ] && grep -E ' (ERROR|CRITICAL) ' "$work/server-first.log" "$work/server-second.log" >&2; then
            record server-log FAIL "error lines in the server log (above)"
        fi
        stop_server second || true
    else
        record restart FAIL "the server did not start again on the same data directory"
    fi
fi

finish
