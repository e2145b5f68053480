#!/usr/bin/env bash
# Instructions per parse, counted by callgrind (repeatable on a busy machine, unlike time).
# Builds Benchmarks/SIPCoreProfile in release with DWARF 4 (valgrind 3.19 cannot read DWARF 5).
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install -y valgrind)" >&2; exit 2; }
swift build -c release --product SIPCoreProfile -Xswiftc -g -Xswiftc -dwarf-version=4 -Xcc -gdwarf-4 >/dev/null
binary=$(swift build -c release --product SIPCoreProfile --show-bin-path)/SIPCoreProfile
iterations=${ITERATIONS:-10000}
printf '%-10s %12s\n' body "instructions/parse"
for pair in lazy:lazyRegister hot:hotRegister invite:hotInvite validate:validateRegister; do
    mode=${pair%%:*}
    function=${pair#*:}
    out=$(mktemp)
    valgrind --tool=callgrind --toggle-collect="*${function}*" --callgrind-out-file="$out" "$binary" "$mode" "$iterations" >/dev/null 2>&1
    total=$(grep -E '^summary:|^totals:' "$out" | head -1 | awk '{print $2}')
    printf '%-10s %12d\n' "$mode" $((total / iterations))
    rm -f "$out"
done
