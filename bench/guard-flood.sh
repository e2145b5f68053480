#!/usr/bin/env bash
# What a flood from a banned source costs: the release server, one device registering from a
# clean source (127.0.0.3, not trusted) at a steady rate, once without load and once while a
# banned source (127.0.0.2, banned with `sipwarden ban add` before the run) sends OPTIONS at
# FLOOD_RATE datagrams per second. For each run: the clean source's success rate and response
# times (SIPp's statistics: every registration is REGISTER, 401, REGISTER with credentials,
# 200; the time of a whole registration, first REGISTER to 200: average, 99th percentile,
# maximum), the flood actually sent (the flooder
# counts), and the server's CPU time over the run.
#
# The flooder is bench/guard/flood.py: UDP datagrams of a real OPTIONS request, paced in
# batches every millisecond from one Python process (it reports the rate it reached; on this
# 2-core machine it shares the cores with the server and SIPp).
#
# Run: swift build -c release && SERVER_BINARY=.build/release/sipwarden bench/guard-flood.sh
# The clean device registers at REGISTER_RATE (5/s: 10 requests a second, under sip-flood's
# 30 in 2 s; one device registering 50 times a second is itself a flood, and is limited).
#
# Environment: SERVER_BINARY, FLOOD_RATE (50000), DURATION (30 s), REGISTER_RATE (5/s),
# OUT_DIR (bench/results/guard-flood-DATE). Results: OUT_DIR/summary.tsv; see
# docs/performance.md ("The Guard").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

flood_rate=${FLOOD_RATE:-50000}
duration=${DURATION:-30}
register_rate=${REGISTER_RATE:-5}
attacker=127.0.0.2
clean=127.0.0.3

log_name=guard-flood
# The benchmarks' helpers (bench/lib/bench-common.sh, with scripts/lib/common.sh).
. "$root/bench/lib/bench-common.sh"
bench_results guard-flood
flood_pid=""

bench_lock

on_exit() {
    [ -z "$flood_pid" ] || kill -TERM "$flood_pid" 2>/dev/null || true
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    server_pid=""
}
script_traps

need_tools sipp:sip-tester
need_server_binary

port=$(free_port)
data="$out/data"
mkdir -p "$data"
cat >"$out/sipwarden.yaml" <<EOF
sip:
  listen: ["udp:127.0.0.1:$port"]
log:
  level: info
EOF
password='Flood-Bench-Pass-1'
printf '%s\n' "$password" | "$binary" device add bench1 --password-stdin --data-dir "$data" --config "$out/sipwarden.yaml" >/dev/null
"$binary" ban add "$attacker" --reason "flood benchmark" --data-dir "$data" --config "$out/sipwarden.yaml" >/dev/null
printf 'SEQUENTIAL\nbench1;%s\n' "$password" >"$out/users.csv"

launch_server "$out/server.log" "$binary" serve --config "$out/sipwarden.yaml" --data-dir "$data"
wait_server_ready || exit 1

printf 'run\tflood_sent_per_s\tregistrations\tsuccessful\tfailed\tregistration_ms_avg\tregistration_ms_p99\tregistration_ms_max\tserver_cpu_percent\n' >"$out/summary.tsv"

run() {
    local name=$1 flood=$2
    local dir="$out/$name"
    mkdir -p "$dir"
    local calls=$((register_rate * duration))
    if [ "$flood" -gt 0 ]; then
        python3 "$root/bench/guard/flood.py" --source "$attacker" --target "127.0.0.1:$port" --rate "$flood" \
            --seconds $((duration + 2)) >"$dir/flood.txt" 2>&1 &
        flood_pid=$!
        sleep 1
    fi
    local before elapsed_start
    before=$(process_ticks "$server_pid")
    elapsed_start=$(now)
    (cd "$dir" && timeout $((duration + 30)) sipp "127.0.0.1:$port" -sf "$root/bench/sipp/register-auth-rtd.xml" \
        -inf "$out/users.csv" -i "$clean" -p "$(free_port)" -r "$register_rate" -m "$calls" -l 100 \
        -recv_timeout 2000 -nr -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 1 -bg >/dev/null 2>&1) || true
    # -bg returns at once: wait for the statistics' last line.
    for _ in $(seq 1 $((duration * 10 + 300))); do
        pgrep -f "sipp 127.0.0.1:$port.*-i $clean" >/dev/null || break
        sleep 0.1
    done
    local after elapsed
    after=$(process_ticks "$server_pid")
    elapsed=$(echo "$(now) - $elapsed_start" | bc)
    if [ -n "$flood_pid" ]; then
        wait "$flood_pid" 2>/dev/null || true
        flood_pid=""
    fi
    local sent=0
    [ -f "$dir/flood.txt" ] && sent=$(awk '/rate/ {print $2}' "$dir/flood.txt")
    python3 - "$dir" "$name" "$sent" "$before" "$after" "$elapsed" "$clk_tck" >>"$out/summary.tsv" <<'PY'
import csv, glob, sys
d, name, sent, before, after, elapsed, tck = sys.argv[1:]
rows = []
for path in glob.glob(d + "/*_.csv") + glob.glob(d + "/stat.csv"):
    with open(path) as f:
        rows = list(csv.reader(f, delimiter=";"))
if len(rows) < 2:
    print(f"{name}\t{sent}\t0\t0\t0\t-\t-\t-\t-")
    sys.exit()
head, last = rows[0], rows[-1]
col = {k: i for i, k in enumerate(head)}
def get(key):
    return last[col[key]] if key in col else ""
cpu = (int(after) - int(before)) / int(tck) / float(elapsed) * 100
# Per-call response times from the -trace_rtt file (SIPp counts whole milliseconds): average,
# 99th percentile, maximum.
times = []
for path in glob.glob(d + "/*_rtt.csv"):
    with open(path) as f:
        for row in csv.reader(f, delimiter=";"):
            try:
                times.append(float(row[1]))
            except (IndexError, ValueError):
                pass
times.sort()
if times:
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    latency = [f"{sum(times) / len(times):.2f}", f"{p99:.2f}", f"{times[-1]:.2f}"]
else:
    latency = ["-", "-", "-"]
print("\t".join([name, sent, get("TotalCallCreated"), get("SuccessfulCall(C)"), get("FailedCall(C)"),
                 *latency, f"{cpu:.0f}"]))
PY
}

log "baseline: $register_rate registrations/s from $clean for ${duration}s, no flood"
run baseline 0
log "flood: $flood_rate datagrams/s from banned $attacker"
run flood "$flood_rate"

log "done: $out/summary.tsv"
column -t -s $'\t' "$out/summary.tsv"
