# Sourced by the interop, browser and bench scripts (bench/lib/bench-common.sh sources it)
# and by .ci/run: what they all do the same way. Sourcing it only defines functions and the
# state below; a script starts with start_interop (a bench script with start_bench), or with
# the parts of it it needs.
#
# The script sets root (the repository) before, and log_fd when its messages go to another
# descriptor than standard error. Files the functions write (apt.log, pip.log, build.log) go
# to $work, or to $out when the script has no work directory.

server_pid=""          # the server the script started (stopped by the EXIT trap)
child_pid=""           # the command run_in/run_child waits for (stopped by the EXIT trap)
background=()          # what the script runs in the background (stopped by the EXIT trap)
failures=0             # FAIL results so far
summary=()             # the lines of the final summary
started_at=$SECONDS
used_ports=" "         # the ports free_port gave out

# --- Messages and traps ------------------------------------------------------------------

# log MESSAGE...: one line on standard error (or $log_fd), after "$log_name: ".
log() { printf '%s\n' "${log_name:+$log_name: }$*" >&"${log_fd:-2}"; }

# Where the functions below write their logs: the work directory, else the results folder.
log_dir() { printf '%s\n' "${work:-${out:-${TMPDIR:-/tmp}}}"; }

# make_work_dir [PREFIX]: a fresh $work (${TMPDIR:-/tmp}/PREFIX.XXXXXX, by default
# sipwarden-$log_name), removed by the EXIT trap unless the script fails or KEEP_LOGS=1.
make_work_dir() { work=$(mktemp -d "${TMPDIR:-/tmp}/${1:-sipwarden-$log_name}.XXXXXX"); }

# cleanup: the EXIT trap: the script's own on_exit (when it has one), then what runs in the
# background, the running child and the server stopped; $work removed, or kept (and said)
# after a failure or with KEEP_LOGS=1.
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    if declare -F on_exit >/dev/null; then on_exit || true; fi
    for pid in "${background[@]}"; do stop_pid "$pid" 20; done
    stop_pid "$child_pid" 30
    stop_pid "$server_pid" 50
    if [ -n "${work:-}" ]; then
        if [ "$status" -ne 0 ] || [ "${KEEP_LOGS:-0}" = 1 ]; then
            log "${kept_what:-logs} kept in $work"
        else
            rm -rf "$work"
        fi
    fi
    exit "$status"
}

# script_traps: cleanup on exit; "NAME: interrupted" and status 130 on SIGINT or SIGTERM.
script_traps() {
    trap cleanup EXIT
    trap 'printf "%s: interrupted\n" "$log_name" >&"${log_fd:-2}"; exit 130' INT TERM
}

# start_interop NAME [COMMAND:PACKAGE...]: how an interop script starts: messages as NAME, a
# work directory (make_work_dir), the traps, the Debian packages of the commands it needs.
start_interop() {
    log_name=$1
    shift
    make_work_dir
    script_traps
    need_tools "$@"
}

# --- Processes ---------------------------------------------------------------------------

# stop_pid PID TENTHS: SIGTERM, then SIGKILL after TENTHS tenths of a second (SIPp does not
# always stop on TERM); nothing when PID is empty or gone.
stop_pid() {
    local pid=$1 tenths=$2
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# spawn_in DIR OUTPUT COMMAND...: COMMAND in the background, working in DIR (made when
# missing), its output in DIR/OUTPUT; spawned_pid is its pid.
spawn_in() {
    local dir=$1 output=$2
    shift 2
    mkdir -p "$dir"
    (cd "$dir" && exec "$@") >"$dir/$output" 2>&1 &
    spawned_pid=$!
}

# run_in DIR OUTPUT COMMAND...: spawn_in, then waits for it as the script's child (so that a
# signal to the script is handled at once); returns its status.
run_in() {
    spawn_in "$@"
    wait_child "$spawned_pid"
}

# run_child [-o FILE] COMMAND...: COMMAND in the background and waits for it, so that a signal
# to the script is handled at once (a foreground child would delay the trap until it ends);
# returns its status. Its output goes into FILE when given: the redirection is the child's
# alone (on the function call it would also catch the trap's own messages).
run_child() {
    if [ "$1" = -o ]; then
        local output=$2
        shift 2
        "$@" >"$output" 2>&1 &
    else
        "$@" &
    fi
    wait_child "$!"
}

# wait_child PID: waits for PID, which the EXIT trap stops meanwhile; returns its status.
wait_child() {
    local status=0
    child_pid=$1
    wait "$child_pid" || status=$?
    child_pid=""
    return "$status"
}

# lib_python ARGS...: python3 with scripts/lib on its module path (devices.py, sipp_trace.py),
# leaving no bytecode in the tree.
lib_python() { PYTHONPATH="$root/scripts/lib${PYTHONPATH:+:$PYTHONPATH}" PYTHONDONTWRITEBYTECODE=1 python3 "$@"; }

# now_ns: the time in nanoseconds since the epoch.
now_ns() { date +%s%N; }
# ms_since NS: milliseconds since the now_ns value NS.
ms_since() { echo $((($(now_ns) - $1) / 1000000)); }

# --- Tools -------------------------------------------------------------------------------

# apt_install PACKAGE...: Debian packages, with sudo when not root, logged to apt.log; with a
# fresh package index when the first try fails (a fresh image often has none yet).
apt_install() {
    local sudo="" apt_log
    apt_log="$(log_dir)/apt.log"
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y --no-install-recommends "$@" >>"$apt_log" 2>&1; then
        $sudo apt-get update >>"$apt_log" 2>&1 || true
        $sudo apt-get install -y --no-install-recommends "$@" >>"$apt_log" 2>&1
    fi
}

# pip_install PACKAGE...: Python packages from PyPI, logged to pip.log: with the interpreter's
# pip, then past Debian's PEP 668 guard, then after installing pip itself, then with the `pip`
# command (pyenv).
pip_install() {
    local pip_log
    pip_log="$(log_dir)/pip.log"
    python3 -m pip install -q "$@" >>"$pip_log" 2>&1 \
        || python3 -m pip install -q --break-system-packages "$@" >>"$pip_log" 2>&1 \
        || { apt_install python3-pip && python3 -m pip install -q --break-system-packages "$@" >>"$pip_log" 2>&1; } \
        || pip install -q "$@" >>"$pip_log" 2>&1
}

# need_tools COMMAND:PACKAGE...: installs each PACKAGE (Debian) whose COMMAND is missing; says
# which one could not be installed and returns 1.
need_tools() {
    local tool command package
    for tool in "$@"; do
        command=${tool%%:*} package=${tool#*:}
        command -v "$command" >/dev/null 2>&1 && continue
        log "installing $package"
        if ! apt_install "$package"; then
            tail -20 "$(log_dir)/apt.log" >&2
            log "cannot install $package"
            return 1
        fi
    done
}

# need_pip PACKAGE: installs PACKAGE from PyPI; says so and returns 1 when it cannot.
need_pip() {
    log "installing $1"
    pip_install "$1" && return 0
    tail -20 "$(log_dir)/pip.log" >&2
    log "cannot install $1"
    return 1
}

# install_kamailio: Kamailio and its SQLite modules, when missing; sets kamailio_bin and
# kamcmd_bin.
install_kamailio() {
    if ! command -v kamailio >/dev/null 2>&1 && [ ! -x /usr/sbin/kamailio ]; then
        log "installing kamailio"
        apt_install kamailio
    fi
    if [ ! -f /usr/lib/x86_64-linux-gnu/kamailio/modules/db_sqlite.so ]; then
        log "installing kamailio-sqlite-modules"
        apt_install kamailio-sqlite-modules
    fi
    kamailio_bin=$(command -v kamailio || echo /usr/sbin/kamailio)
    kamcmd_bin=$(command -v kamcmd || echo /usr/sbin/kamcmd)
}

# find_server_binary [SCRATCH_PATH]: the sipwarden binary to test, $SERVER_BINARY, or the
# release build (incremental, logged to build.log; in SCRATCH_PATH when given). Sets binary;
# otherwise binary_error says why and the status is 1.
find_server_binary() {
    local build_log scratch=${1:-}
    binary="" binary_error=""
    if [ -n "${SERVER_BINARY:-}" ]; then
        binary=$SERVER_BINARY
    else
        build_log="$(log_dir)/build.log"
        log "swift build -c release --product sipwarden${scratch:+ --scratch-path ${scratch#"$root"/}}"
        if ! run_child -o "$build_log" swift build -c release --product sipwarden ${scratch:+--scratch-path "$scratch"}; then
            tail -50 "$build_log" >&2
            binary_error="release build failed (see $build_log)"
            return 1
        fi
        binary="${scratch:-$root/.build}/release/sipwarden"
    fi
    [ -x "$binary" ] || { binary_error="no executable at $binary"; return 1; }
}

# need_server_binary [SCRATCH_PATH]: find_server_binary, or the reason and exit status 1.
need_server_binary() { find_server_binary "$@" || { log "$binary_error"; exit 1; }; }

# free_port: a loopback port free for both UDP and TCP, outside the ephemeral range
# (32768-60999), never the same twice in one script.
free_port() {
    local port
    for _ in $(seq 200); do
        port=$((20000 + RANDOM % 12000))
        case "$used_ports" in *" $port "*) continue ;; esac
        if [ -z "$(ss -Htuan "( sport = :$port )" 2>/dev/null)" ]; then
            used_ports+="$port "
            echo "$port"
            return 0
        fi
    done
    printf '%s: no free port found\n' "${0##*/}" >&2
    return 1
}

# --- The server --------------------------------------------------------------------------

# launch_server LOG COMMAND...: a server in the background, its output appended to LOG; sets
# server_pid, and what wait_server_ready reads (only what this start logs).
launch_server() {
    server_log=$1
    shift
    : >>"$server_log"
    server_log_lines=$(wc -l <"$server_log")
    server_launched_ns=$(now_ns)
    "$@" >>"$server_log" 2>&1 &
    server_pid=$!
}

# wait_server_ready [PATTERN...]: waits at most $ready_timeout (30) s until the server has
# logged every PATTERN ('sipwarden: ready' by default) since its launch; sets ready_ms. When it
# exits or times out first: its log, the reason, status 1.
wait_server_ready() {
    local pattern logged deadline=$((SECONDS + ${ready_timeout:-30}))
    [ $# -gt 0 ] || set -- 'sipwarden: ready'
    while :; do
        logged=1
        for pattern in "$@"; do server_logged "$pattern" || { logged=0; break; }; done
        [ "$logged" = 0 ] || break
        server_not_ready "$deadline" || return 1
        sleep 0.01
    done
    ready_ms=$(ms_since "$server_launched_ns")
}

# server_logged TEXT: whether the server logged TEXT since its launch.
server_logged() {
    awk -v from="$server_log_lines" -v text="$1" 'NR > from && index($0, text) { found = 1; exit } END { exit !found }' "$server_log"
}

# wait_server_answers PORT SCENARIO: waits at most $ready_timeout (30) s until an OPTIONS
# (the SIPp scenario SCENARIO) to 127.0.0.1:PORT is answered; like wait_server_ready otherwise.
wait_server_answers() {
    local port=$1 scenario=$2 probe_port deadline=$((SECONDS + ${ready_timeout:-30}))
    probe_port=$(free_port)
    until (cd "$(dirname "$server_log")" && sipp "127.0.0.1:$port" -sf "$scenario" -i 127.0.0.1 -p "$probe_port" \
        -m 1 -nostdin -timeout 3s -timeout_error -recv_timeout 500 -nr >/dev/null 2>&1); do
        server_not_ready "$deadline" || return 1
        sleep 0.05
    done
    ready_ms=$(ms_since "$server_launched_ns")
}

# server_not_ready DEADLINE: status 1 (the server's log shown, the reason said) when the
# server has exited (server_pid cleared) or DEADLINE (in $SECONDS) has passed.
server_not_ready() {
    if ! kill -0 "$server_pid" 2>/dev/null; then
        tail -n +"$((server_log_lines + 1))" "$server_log" >&2
        log "the server exited before it was ready"
        server_pid=""
        return 1
    fi
    if [ "$SECONDS" -ge "$1" ]; then
        tail -n +"$((server_log_lines + 1))" "$server_log" >&2
        log "the server was not ready after ${ready_timeout:-30}s"
        return 1
    fi
}

# stop_server_checked [LOG]: SIGTERM to the server, SIGKILL when it has not exited within
# $stop_timeout (10) s. Status 0 when it exited with status 0 (and, given LOG, logged
# `stopped` there); sets server_status (124 when killed) and stop_detail (what happened).
stop_server_checked() {
    local limit=${stop_timeout:-10} deadline
    deadline=$((SECONDS + limit))
    server_status=0
    kill -TERM "$server_pid" 2>/dev/null || true
    while kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    if kill -0 "$server_pid" 2>/dev/null; then
        stop_pid "$server_pid" 10
        server_status=124
        stop_detail="the server did not exit within ${limit}s of SIGTERM"
    else
        wait "$server_pid" || server_status=$?
        stop_detail="the server exited with status $server_status after SIGTERM"
    fi
    server_pid=""
    if [ "$server_status" -ne 0 ]; then
        [ -z "${1:-}" ] || tail -20 "$1" >&2
        return 1
    fi
    if [ -n "${1:-}" ] && ! grep -q ' stopped' "$1"; then
        stop_detail="no 'stopped' line in the server log"
        return 1
    fi
    stop_detail="exit status 0 within ${limit}s"
}

# --- SIPp --------------------------------------------------------------------------------

# sipp_version: "SIPp vX.Y.Z" of the installed SIPp, or nothing.
sipp_version() { { sipp -v 2>/dev/null || true; } | grep -o 'SIPp v[0-9.]*' | head -1 || true; }

# sipp_client NAME LIMIT_S SIPP_OPTIONS...: SIPp from 127.0.0.1 to the server on
# $server_port, working in $work/NAME (its statistics in stat.csv, its errors in errors.log),
# killed after LIMIT_S seconds; waits for it and returns its status.
sipp_client() {
    local name=$1 limit=$2
    shift 2
    run_in "$work/$name" sipp.out timeout "$limit" sipp -i 127.0.0.1 -nostdin -trace_stat -stf stat.csv \
        -trace_err -error_file errors.log "$@" "127.0.0.1:$server_port"
}

# stat_column FILE COLUMN [DEFAULT]: the value of COLUMN on the last line of SIPp's statistics
# file FILE (';'-separated); DEFAULT ("?") when the file or the column is missing.
stat_column() {
    awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
        { last = $col } END { if (col && last != "") print last; else exit 1 }' "$1" 2>/dev/null || echo "${3-?}"
}

# counts_column DIR COLUMN: the value of COLUMN on the last line of SIPp's -trace_counts file
# in DIR ("?" when there is none).
counts_column() {
    local file
    file=$(ls "$1"/*_counts.csv 2>/dev/null | head -1)
    [ -n "$file" ] || { echo "?"; return; }
    stat_column "$file" "$2"
}

# read_sipp_stats FILE: from SIPp's statistics file, sets sipp_ok (successful calls),
# sipp_failed, sipp_created, sipp_retrans and sipp_rate; all "?" when FILE is empty or missing.
read_sipp_stats() {
    sipp_ok="?" sipp_failed="?" sipp_created="?" sipp_retrans="?" sipp_rate="?"
    [ -s "$1" ] || return 0
    sipp_ok=$(stat_column "$1" 'SuccessfulCall(C)')
    sipp_failed=$(stat_column "$1" 'FailedCall(C)')
    sipp_created=$(stat_column "$1" 'TotalCallCreated')
    sipp_retrans=$(stat_column "$1" 'Retransmissions(C)')
    sipp_rate=$(stat_column "$1" 'CallRate(C)')
}

# sipp_errors DIR [HEAD] [TAIL]: on standard error, the first HEAD (40) lines of a failed SIPp
# run's errors.log in DIR and the last TAIL (25) of its output.
sipp_errors() {
    [ ! -s "$1/errors.log" ] || head -"${2:-40}" "$1/errors.log" >&2
    tail -"${3:-25}" "$1/sipp.out" >&2
}

# --- Results -----------------------------------------------------------------------------

# summary_line VERDICT LINE: LINE into the summary as it is; VERDICT FAIL counts as a failure.
summary_line() {
    summary+=("$2")
    [ "$1" != FAIL ] || failures=$((failures + 1))
}

# result NAME VERDICT DETAIL: a summary line in the format $result_format ('%-20s %s %s').
# shellcheck disable=SC2059 # the format is the script's own
result() { summary_line "$2" "$(printf "${result_format:-%-20s %s %s}" "$1" "$2" "$3")"; }

# check_server_log LOG: a server-log FAIL result when LOG has lines at error level or above
# (the first ones on standard error).
check_server_log() {
    local errors
    errors=$(grep -Ec ' (ERROR|CRITICAL) ' "$1" || true)
    [ "$errors" != 0 ] || return 0
    result server-log FAIL "$errors lines at error level"
    grep -E ' (ERROR|CRITICAL) ' "$1" | head -5 >&2
}

# print_summary TITLE [HEADER_FORMAT HEADER...]: the summary on standard output: TITLE, a
# header line, the lines, the time taken.
print_summary() {
    echo
    echo "$1"
    # shellcheck disable=SC2059 # the format is the caller's
    [ $# -lt 2 ] || printf "$2\n" "${@:3}"
    local line
    for line in "${summary[@]}"; do echo "$line"; done
    echo "elapsed: $((SECONDS - started_at)) s"
}

# finish_checks: "NAME: N check(s) FAILED" and exit status 1, or "NAME: all checks passed" and 0.
finish_checks() {
    if [ "$failures" -ne 0 ]; then
        echo "$log_name: $failures check(s) FAILED"
        exit 1
    fi
    echo "$log_name: all checks passed"
    exit 0
}

# log_summary [NOTE...]: the summary lines and the NOTEs as messages, then the time taken and
# the failures; status 0 only when nothing failed.
log_summary() {
    local line
    for line in "${summary[@]}" "$@"; do log "$line"; done
    log "$((SECONDS - started_at)) s, $failures failure(s)"
    [ "$failures" = 0 ]
}

# --- /metrics ----------------------------------------------------------------------------

# metric PORT SERIES: the value of one /metrics series on 127.0.0.1:PORT (the console
# listener), summed over its labels when SERIES gives none
# (`sipwarden_transactions_created_total`, `sipwarden_sip_responses_total{code="407"}`);
# 0 when absent.
metric() {
    python3 - "$1" "$2" <<'PY'
import sys, urllib.request
port, wanted = sys.argv[1], sys.argv[2]
text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
total = 0.0
for line in text.splitlines():
    if line.startswith("#") or not line.strip():
        continue
    name, _, value = line.rpartition(" ")
    if name == wanted or ("{" not in wanted and name.split("{")[0] == wanted):
        total += float(value)
print(int(total))
PY
}
