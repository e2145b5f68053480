# Sourced by the load benchmarks (bench/register-load.sh, bench/call-load.sh): what they
# measure the same way. They set: out (the results folder), server_name (sipwarden or
# kamailio), server_pid, and log(). free_port comes from scripts/lib/free-port.sh.

# One benchmark at a time on this machine: two runs side by side measure each other.
# bench_lock NAME: waits at most an hour for $BENCH_LOCK (/tmp/sipwarden-bench.lock), held
# on descriptor 9 until the script exits.
bench_lock() {
    local lock=${BENCH_LOCK:-/tmp/sipwarden-bench.lock}
    exec 9>"$lock"
    if ! flock -n 9; then
        log "another benchmark holds $lock: waiting for it (at most an hour)"
        flock -w 3600 9 || { log "still locked after an hour"; exit 1; }
    fi
}

# Debian packages, with sudo when not root, logged to $out/apt.log.
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y --no-install-recommends "$@" >>"$out/apt.log" 2>&1 \
        || { $sudo apt-get update >>"$out/apt.log" 2>&1 && $sudo apt-get install -y --no-install-recommends "$@" >>"$out/apt.log" 2>&1; }
}

# What every load benchmark runs: SIPp, python3, sqlite3, GNU time, and Kamailio with its
# SQLite modules when $servers names it.
install_bench_tools() {
    command -v sipp >/dev/null 2>&1 || { log "installing sip-tester"; apt_install sip-tester; }
    command -v python3 >/dev/null 2>&1 || { log "installing python3"; apt_install python3; }
    command -v sqlite3 >/dev/null 2>&1 || { log "installing sqlite3"; apt_install sqlite3; }
    [ -x /usr/bin/time ] || { log "installing time"; apt_install time; }
    kamailio_bin=kamailio
    if [[ " $servers " == *" kamailio "* ]]; then install_kamailio; fi
}

# Kamailio and its SQLite modules, when missing.
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

# The value of column $2 on the last line of SIPp's statistics file $1 (0 when absent).
stat_column() {
    awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
        { last = $col } END { if (col && last != "") print last; else print 0 }' "$1" 2>/dev/null || echo 0
}

now() { date +%s.%N; }

# Busy clock ticks of the whole machine so far (all CPUs: user, nice, system, irq, softirq, steal).
machine_busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat; }

# utime+stime (clock ticks) of one process, all its threads.
process_ticks() { awk '{ line = $0; sub(/^.*\) /, "", line); split(line, f, " "); print f[12] + f[13] }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# utime+stime (clock ticks) of every thread of every given process, one "id name ticks" per
# line; the name is the thread's (sipwarden) or the process's role (Kamailio, from roles.txt).
task_ticks() {
    local pid task roles="$out/$server_name/roles.txt"
    [ -f "$roles" ] || : >"$roles"
    for pid in "$@"; do
        for task in /proc/"$pid"/task/*/stat; do
            [ -r "$task" ] || continue
            awk -v roles="$roles" 'BEGIN { while ((getline r < roles) > 0) { split(r, a, " "); role[a[1]] = a[2] } }
                { line = $0; name = line; sub(/^[0-9]+ \(/, "", name); sub(/\) .*$/, "", name);
                  sub(/^.*\) /, "", line); split(line, f, " ");
                  gsub(/ /, "_", name); if ($1 in role) name = role[$1]; print $1, name, f[12] + f[13] }' "$task" 2>/dev/null || true
        done
    done
}

# task_deltas BEFORE AFTER: "ticks name" per task that ran between two task_ticks files, busiest first.
task_deltas() {
    awk 'NR == FNR { before[$1] = $3; next } { d = $3 - before[$1]; if (d > 0) print d, $2 }' "$1" "$2" | sort -rn
}

# step_cpu DIR T0 T1 BUSY0 BUSY1 GEN_CPU_SECONDS: a step's CPU figures from the task_ticks
# files DIR/ticks.before and DIR/ticks.after (DIR/tasks.txt gets the per-task deltas). Sets
# elapsed (s), server_ticks, busiest (the three busiest tasks, % of one core), server_cpu,
# gen_cpu_pct and other_cpu: everything else the machine ran meanwhile (other users of a
# shared machine); the figures of a step where that is high are not the server's alone.
step_cpu() {
    local dir=$1 t0=$2 t1=$3 busy0=$4 busy1=$5 gen_cpu=$6
    elapsed=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
    task_deltas "$dir/ticks.before" "$dir/ticks.after" >"$dir/tasks.txt"
    server_ticks=$(awk '{ s += $1 } END { print s + 0 }' "$dir/tasks.txt")
    busiest=$(awk -v e="$elapsed" -v hz="$clk_tck" '{ printf "%s%s %.0f", (n++ ? ", " : ""), $2, 100 * $1 / hz / e; if (n == 3) exit }' "$dir/tasks.txt")
    server_cpu=$(awk -v t="$server_ticks" -v hz="$clk_tck" -v e="$elapsed" 'BEGIN { printf "%.0f", 100 * t / hz / e }')
    gen_cpu_pct=$(awk -v c="$gen_cpu" -v e="$elapsed" 'BEGIN { printf "%.0f", 100 * c / e }')
    other_cpu=$(awk -v b=$((busy1 - busy0)) -v hz="$clk_tck" -v e="$elapsed" -v s="$server_cpu" -v g="$gen_cpu_pct" \
        'BEGIN { o = 100 * b / hz / e - s - g; printf "%.0f", (o < 0 ? 0 : o) }')
}

# Kamailio's processes by role ("PID role"): udp0, udp1, timer, slowtimer, ctl, tcpmain...
# $1: its control socket (unix:PATH).
kamailio_roles() {
    "$kamcmd_bin" -s "$1" core.psx 2>/dev/null | awk '
        /PID:/ { pid = $2 }
        /DSC:/ { d = $0; sub(/.*DSC: /, "", d)
                 if (d ~ /^udp receiver child=/) { sub(/^udp receiver child=/, "", d); sub(/ .*/, "", d); d = "udp" d }
                 else if (d ~ /^tcp receiver/) { sub(/.*child=/, "", d); d = "tcp" d }
                 else if (d ~ /^main process/) d = "main"
                 else { gsub(/ process/, "", d); gsub(/ /, "", d) }
                 print pid, d }'
}

# The server's processes: sipwarden is one process; Kamailio is a main process and its children.
server_processes() {
    [ -n "$server_pid" ] || return 0
    echo "$server_pid"
    if [ "$server_name" = kamailio ]; then
        ps -o pid= --ppid "$server_pid" 2>/dev/null | tr -d ' '
    fi
}

# "RSS_KB PSS_KB" summed over the server's processes. For Kamailio (processes sharing one
# shared-memory segment) PSS is the memory it holds; a sum of VmRSS counts the segment once
# per process.
server_memory() {
    local rss=0 pss=0 pid r p
    for pid in $(server_processes); do
        r=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
        p=$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)
        rss=$((rss + ${r:-0}))
        pss=$((pss + ${p:-0}))
    done
    echo "$rss $pss"
}

# Kernel receive-buffer drops on the sockets bound to local UDP port $1.
port_drops() {
    awk -v port="$(printf ':%04X' "$1")" 'NR > 1 && substr($2, length($2) - 4) == port { d += $NF } END { print d + 0 }' /proc/net/udp
}

stop_server() {
    [ -n "$server_pid" ] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# The sipwarden binary to measure: $SERVER_BINARY, or the release build (built here, logged to
# $out/build.log). Sets sipwarden_bin, or sipwarden_skip with the reason it cannot run.
find_sipwarden() {
    sipwarden_bin="" sipwarden_skip=""
    if [ -n "${SERVER_BINARY:-}" ]; then
        sipwarden_bin=$SERVER_BINARY
    else
        log "swift build -c release --product sipwarden"
        if swift build -c release --product sipwarden >"$out/build.log" 2>&1; then
            sipwarden_bin="$root/.build/release/sipwarden"
        else
            tail -30 "$out/build.log" >&2
            sipwarden_skip="the release build failed (see $out/build.log)"
            return 0
        fi
    fi
    [ -x "$sipwarden_bin" ] || sipwarden_skip="no executable at $sipwarden_bin"
}

# Ready when a single OPTIONS to 127.0.0.1:$1 gets its 200 (bench/sipp/options-bench.xml),
# within 10 s; fails when the server exits first ($2: its log, shown then).
wait_ready() {
    local port=$1 server_log=$2 probe_port
    probe_port=$(free_port)
    for _ in $(seq 40); do
        kill -0 "$server_pid" 2>/dev/null || { cat "$server_log" >&2; log "$server_name exited"; server_pid=""; return 1; }
        if (cd "$(dirname "$server_log")" && sipp "127.0.0.1:$port" -sf "$root/bench/sipp/options-bench.xml" -i 127.0.0.1 -p "$probe_port" \
            -m 1 -nostdin -timeout 3s -timeout_error -recv_timeout 500 -nr >/dev/null 2>&1); then
            return 0
        fi
        sleep 0.25
    done
    log "$server_name never answered"
    return 1
}

# Context lines every summary starts with.
machine_context() {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
    echo "sipp: $(sipp -v 2>/dev/null | grep -o 'SIPp v[0-9.]*' | head -1); kamailio $("${kamailio_bin:-kamailio}" -v 2>/dev/null | head -1 | awk '{print $3}')"
    echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
}

# A fresh SQLite database for Kamailio in $1 (tables version, subscriber, location; WAL)
# holding $out/subscriber.sql's rows.
kamailio_database() {
    local dir=$1 table
    rm -f "$dir/kamailio.sqlite"*
    for table in standard auth_db usrloc; do
        sqlite3 "$dir/kamailio.sqlite" <"/usr/share/kamailio/db_sqlite/$table-create.sql"
    done
    sqlite3 "$dir/kamailio.sqlite" 'PRAGMA journal_mode = WAL;' >/dev/null
    sqlite3 "$dir/kamailio.sqlite" <"$out/subscriber.sql"
    log "kamailio: $(sqlite3 "$dir/kamailio.sqlite" 'SELECT count(*) FROM subscriber;') subscribers (HA1 only) in $dir/kamailio.sqlite"
}

# Starts `sipwarden serve` with $1/sipwarden.yaml and $1/data, in the background.
start_sipwarden() {
    local dir=$1
    "$sipwarden_bin" serve --config "$dir/sipwarden.yaml" --data-dir "$dir/data" >"$dir/server.log" 2>&1 &
    server_pid=$!
    server_version=$("$sipwarden_bin" --version 2>/dev/null || echo "release build")
}

# start_kamailio DIR CONFIG SHM_MB [-A DEFINE...]: Kamailio in the foreground of a background
# job, on udp:127.0.0.1:$server_port with $threads workers, its database and control socket in
# DIR, the fast allocator.
start_kamailio() {
    local dir=$1 config=$2 shm=$3
    shift 3
    "$kamailio_bin" -f "$config" -A "DBURL=\"sqlite:///$dir/kamailio.sqlite\"" -A "CTLSOCK=\"unix:$dir/ctl\"" -A "REALM=\"$realm\"" "$@" \
        -l "udp:127.0.0.1:$server_port" -n "$threads" \
        -DD -E -Y "$dir" -P "$dir/kamailio.pid" -m "$shm" -M 16 -x fm -w "$dir" >"$dir/server.log" 2>&1 &
    server_pid=$!
    server_version=$("$kamailio_bin" -v 2>/dev/null | head -1 | awk '{print $3}')
}
