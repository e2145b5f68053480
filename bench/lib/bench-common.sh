# Sourced by the benchmarks (bench/*.sh): what they measure the same way. They set log_name
# and root before, and out (the results folder, bench_results), server_name (sipwarden or
# kamailio) and server_pid as they go. The helpers every script shares (log, traps, tools,
# free_port, the server's start, SIPp's statistics) are scripts/lib/common.sh's.
. "$root/scripts/lib/common.sh"

gen_pids=()            # the load generators of the running step
ready_timeout=10       # seconds for a server to answer its first OPTIONS
clk_tck=$(getconf CLK_TCK)

# bench_results NAME: out, the results folder: OUT_DIR, or bench/results/NAME-TIMESTAMP.
bench_results() {
    out=${OUT_DIR:-"$root/bench/results/$1-$(date +%Y%m%d-%H%M%S)"}
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
}

# start_bench NAME: how a load benchmark starts: messages as NAME, its results folder
# (bench_results), the traps, the lock (one benchmark at a time), the tools.
start_bench() {
    log_name=$1
    bench_results "$1"
    script_traps
    bench_lock
    install_bench_tools
}

# servers_to_measure [COMMAND...]: when $servers names sipwarden, its binary (find_sipwarden);
# one that cannot run, or has no `sipwarden COMMAND`, is skipped (said loudly, sipwarden_skip)
# and leaves $servers. Exits when no server is left.
servers_to_measure() {
    sipwarden_skip=""
    if [[ " $servers " == *" sipwarden "* ]]; then
        find_sipwarden
        if [ -z "$sipwarden_skip" ] && [ $# -gt 0 ] && ! "$sipwarden_bin" "$@" --help >/dev/null 2>&1; then
            sipwarden_skip="$sipwarden_bin has no '$*' command yet"
        fi
        if [ -n "$sipwarden_skip" ]; then
            log "*** SIPWarden SKIPPED: $sipwarden_skip ***"
            servers=$(echo " $servers " | sed 's/ sipwarden / /; s/^ *//; s/ *$//')
        fi
    fi
    [ -n "$servers" ] || { log "no server left to measure"; exit 1; }
}

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

# What every load benchmark runs: SIPp, python3, sqlite3, GNU time, and Kamailio with its
# SQLite modules when $servers names it.
install_bench_tools() {
    need_tools sipp:sip-tester python3:python3 sqlite3:sqlite3 /usr/bin/time:time
    kamailio_bin=kamailio
    if [[ " ${servers:-} " == *" kamailio "* ]]; then install_kamailio; fi
}

# now: the time in seconds since the epoch, with nine decimals.
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

# --- One step of a load ------------------------------------------------------------------

# step_begin DIR: a fresh step directory DIR and the figures at its start: the server's tasks
# (DIR/ticks.before), the drops on its port, the machine's busy ticks, the time (procs,
# drops_before, busy0, t0).
step_begin() {
    rm -rf "$1"
    mkdir -p "$1"
    procs=$(server_processes | tr '\n' ' ')
    # shellcheck disable=SC2086
    task_ticks $procs >"$1/ticks.before"
    drops_before=$(port_drops "$server_port")
    busy0=$(machine_busy_ticks)
    t0=$(now)
    gen_pids=()
}

# step_end DIR: the same figures at the step's end (t1, busy1, DIR/ticks.after, drops_after).
step_end() {
    t1=$(now)
    busy1=$(machine_busy_ticks)
    # shellcheck disable=SC2086
    task_ticks $procs >"$1/ticks.after"
    drops_after=$(port_drops "$server_port")
}

# start_generator DIR SIPP_OPTIONS...: a load generator in the background: SIPp to the server
# under GNU time (its CPU time in DIR/cpu.txt), working in DIR.
start_generator() {
    local dir=$1
    shift
    spawn_in "$dir" sipp.out /usr/bin/time -f '%U %S' -o cpu.txt sipp "127.0.0.1:$server_port" "$@"
    gen_pids+=("$spawned_pid")
}

# wait_generators: until every load generator has ended.
wait_generators() {
    local pid
    for pid in "${gen_pids[@]}"; do wait "$pid" || true; done
    gen_pids=()
}

# stop_generators: SIGTERM to the load generators still running.
stop_generators() {
    local pid
    for pid in "${gen_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
}

# generator_totals DIR COUNT: summed over the generators DIR/gen0 ... DIR/gen(COUNT-1):
# gen_ok (successful calls), gen_created (calls placed), gen_offered (SIPp's calls per
# second) and gen_cpu (user and system seconds).
generator_totals() {
    local i gdir
    gen_ok=0 gen_created=0 gen_offered=0 gen_cpu=0
    for ((i = 0; i < $2; i++)); do
        gdir="$1/gen$i"
        gen_ok=$((gen_ok + $(stat_column "$gdir/stat.csv" 'SuccessfulCall(C)' 0)))
        gen_created=$((gen_created + $(stat_column "$gdir/stat.csv" 'OutgoingCall(C)' 0)))
        gen_offered=$(awk -v a="$gen_offered" -v b="$(stat_column "$gdir/stat.csv" 'CallRate(C)' 0)" 'BEGIN { print a + b }')
        # GNU time writes "Command exited with non-zero status N" first when SIPp fails:
        # the times are on the last line.
        gen_cpu=$(awk -v a="$gen_cpu" -v f="$gdir/cpu.txt" 'BEGIN { while ((getline x < f) > 0) l = x; split(l, t, " "); print a + t[1] + t[2] }')
    done
}

# step_verdict FAILED_PCT OFFERED_RATE RATE OFFERED_NOTE [OTHER_CPU]: step_pass (1 or 0),
# verdict (pass or FAIL) and note: failures above $fail_limit %, an offered rate below
# $min_offered % of RATE (noted as OFFERED_NOTE), other processes above $noisy_cpu % CPU.
step_verdict() {
    step_pass=1 note=""
    if awk -v f="$1" -v l="$fail_limit" 'BEGIN { exit !(f > l) }'; then step_pass=0; note="failures"; fi
    if awk -v o="$2" -v r="$3" -v m="$min_offered" 'BEGIN { exit !(o < r * m / 100) }'; then
        step_pass=0
        note="${note:+$note, }$4"
    fi
    if [ -n "${5:-}" ] && [ "$5" -gt "$noisy_cpu" ]; then note="${note:+$note, }noisy: other processes used ${5}% CPU"; fi
    verdict=$([ "$step_pass" = 1 ] && echo pass || echo FAIL)
}

# ramp_search: the script's run_rate RATE for each rate of $rates until one fails (every one
# with ramp_all=1), then bisected between the highest that passed and the first that failed,
# down to $resolution; sets best, the highest passing rate (0: none).
ramp_search() {
    local rate lo hi first_fail=0
    best=0
    for rate in $rates; do
        run_rate "$rate"
        if [ "$step_pass" = 1 ]; then
            [ "$rate" -gt "$best" ] && best=$rate
        else
            [ "$first_fail" -ne 0 ] || first_fail=$rate
            [ "$ramp_all" = 1 ] || break
        fi
    done
    if [ "$first_fail" -ne 0 ] && [ "$first_fail" -gt "$best" ]; then
        lo=$best hi=$first_fail
        while [ $((hi - lo)) -gt "$resolution" ]; do
            rate=$(( ((lo + hi) / 2 + resolution / 2) / resolution * resolution ))
            { [ "$rate" -le "$lo" ] || [ "$rate" -ge "$hi" ]; } && break
            run_rate "$rate"
            if [ "$step_pass" = 1 ]; then lo=$rate; else hi=$rate; fi
        done
        best=$lo
    fi
}

# step_line SERVER STEP: SERVER's line of STEP in $results (nothing when there is none).
step_line() { awk -F'\t' -v s="$1" -v r="$2" '$1 == s && $2 == r { print; exit }' "$results"; }

# servers_summary: per server of $servers, why it was skipped (skipped_line), or its highest
# passing rate (maximum) in the script's words (highest_rate SERVER STEP_LINE) and the script's
# other lines about it (server_notes SERVER).
servers_summary() {
    local name line
    for name in $servers; do
        if [ -n "${skipped_line[$name]:-}" ]; then
            echo "$name: SKIPPED: ${skipped_line[$name]}"
            continue
        fi
        line=$(step_line "$name" "rate-${maximum[$name]}")
        echo "$name:"
        if [ -n "$line" ]; then
            echo "  highest passing rate: $(highest_rate "$name" "$line")"
        else
            echo "  highest passing rate: none of $rates passed"
        fi
        server_notes "$name"
    done
}

# noisy_warning: a warning when other processes used more than $noisy_cpu % CPU in a step.
noisy_warning() {
    if grep -q 'noisy:' "$results"; then
        echo "WARNING: other processes used more than ${noisy_cpu}% CPU during some steps (marked noisy): run again on a quiet machine"
    fi
}

# --- Kamailio ----------------------------------------------------------------------------

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

# stop_server: SIGTERM to the server, SIGKILL after 15 s.
stop_server() {
    stop_pid "$server_pid" 150
    server_pid=""
}

# find_sipwarden: the sipwarden binary to measure (find_server_binary). Sets sipwarden_bin, or
# sipwarden_skip with the reason it cannot run.
find_sipwarden() {
    sipwarden_skip=""
    if find_server_binary; then sipwarden_bin=$binary; else sipwarden_skip=$binary_error; fi
}

# wait_ready: the server is ready when a single OPTIONS (bench/sipp/options-bench.xml) to
# 127.0.0.1:$server_port gets its 200, within ready_timeout; said then. Fails when the server
# exits first (its log shown).
wait_ready() {
    wait_server_answers "$server_port" "$root/bench/sipp/options-bench.xml" || return 1
    log "$server_name ($server_version) pid $server_pid ready on udp:127.0.0.1:$server_port"
}

# Context lines every summary starts with.
machine_context() {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $(uname -r)"
    echo "sipp: $(sipp_version); kamailio $("${kamailio_bin:-kamailio}" -v 2>/dev/null | head -1 | awk '{print $3}')"
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

# load_config DIR [SIP_LINE...]: DIR/sipwarden.yaml (and DIR/data) for a load: UDP on
# $server_port (the SIP_LINEs added to the sip section), $threads threads, realm $realm
# offering MD5 first (SIPp answers the first challenge only), info logs, and 127.0.0.1 and the
# load's sources ($generators, $answerers) trusted by the Guard, which would otherwise ban them
# as a flood.
load_config() {
    local dir=$1
    shift
    mkdir -p "$dir/data"
    {
        printf 'sip:\n  listen: ["udp:127.0.0.1:%s"]\n' "$server_port"
        [ $# -eq 0 ] || printf '  %s\n' "$@"
        printf 'server:\n  threads: %s\nauth:\n  realm: "%s"\n  algorithms: ["MD5", "SHA-256"]\nlog:\n  level: info\n' "$threads" "$realm"
        printf 'guard:\n  trusted: [%s]\n' "$(printf '"%s/32", ' 127.0.0.1 "${generators[@]}" ${answerers[@]+"${answerers[@]}"} | sed 's/, $//')"
    } >"$dir/sipwarden.yaml"
}

# prepare_load_server NAME: $out/NAME made ready for a start: for sipwarden by the script's
# sipwarden_setup DIR (its configuration and devices), for Kamailio its database.
prepare_load_server() {
    local dir="$out/$1"
    mkdir -p "$dir"
    case "$1" in
    sipwarden) sipwarden_setup "$dir" ;;
    kamailio) kamailio_database "$dir" ;;
    esac
}

# start_load_server NAME KAMAILIO_CONFIG SHM_MB [-A DEFINE...]: NAME (sipwarden or kamailio)
# started from $out/NAME and ready (wait_ready); for Kamailio its processes' roles noted.
start_load_server() {
    local dir="$out/$1"
    server_name=$1
    case "$server_name" in
    sipwarden) start_sipwarden "$dir" ;;
    kamailio) start_kamailio "$dir" "${@:2}" ;;
    esac
    wait_ready || return 1
    if [ "$server_name" = kamailio ]; then kamailio_roles "unix:$dir/ctl" >"$dir/roles.txt"; fi
}

# start_sipwarden DIR: `sipwarden serve` with DIR/sipwarden.yaml and DIR/data, in the
# background, its output in DIR/server.log.
start_sipwarden() {
    launch_server "$1/server.log" "$sipwarden_bin" serve --config "$1/sipwarden.yaml" --data-dir "$1/data"
    server_version=$("$sipwarden_bin" --version 2>/dev/null || echo "release build")
}

# start_kamailio DIR CONFIG SHM_MB [-A DEFINE...]: Kamailio in the foreground of a background
# job, on udp:127.0.0.1:$server_port with $threads workers, its database and control socket in
# DIR, the fast allocator.
start_kamailio() {
    local dir=$1 config=$2 shm=$3
    shift 3
    launch_server "$dir/server.log" "$kamailio_bin" -f "$config" -A "DBURL=\"sqlite:///$dir/kamailio.sqlite\"" \
        -A "CTLSOCK=\"unix:$dir/ctl\"" -A "REALM=\"$realm\"" "$@" -l "udp:127.0.0.1:$server_port" -n "$threads" \
        -DD -E -Y "$dir" -P "$dir/kamailio.pid" -m "$shm" -M 16 -x fm -w "$dir"
    server_version=$("$kamailio_bin" -v 2>/dev/null | head -1 | awk '{print $3}')
}
