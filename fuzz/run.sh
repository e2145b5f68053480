#!/usr/bin/env bash
# Builds the libFuzzer harness for SIPCore and fuzzes it. See README.md.
#
#   fuzz/run.sh                      # 10 minutes, optimised build with debug checks
#   SECONDS_TO_RUN=3600 fuzz/run.sh  # an hour
#   JOBS=2 fuzz/run.sh               # -fork=2: keeps going after a crash (-ignore_crashes=1)
#   BUILD=debug fuzz/run.sh          # -Onone everywhere: ~50x slower, every check on
#   fuzz/run.sh -only_ascii=1        # extra arguments go to libFuzzer
#   fuzz/run.sh crash-1234           # re-runs one input
#   fuzz/run.sh -minimize_crash=1 -runs=20000 crash-1234   # minimises it
#
# Environment for the harness: SIPFUZZ_INVARIANTS=0 looks for crashes only;
# SIPFUZZ_KNOWN="text|text" ignores broken invariants whose message contains one of the texts.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
build="${BUILD:-release}"
seconds="${SECONDS_TO_RUN:-600}"
work="$here/corpus-work"

flags=(-Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -g)
if [[ "$build" == release ]]; then
    # -O for speed, but keep the checks a debug build has (bounds checks on unsafe buffer
    # pointers, assert()): the parser indexes raw buffers, and ByteBuffer rounds its storage up
    # to a power of two, so AddressSanitizer alone would miss a read just past the message.
    flags+=(-Xswiftc -assert-config -Xswiftc Debug)
fi
mkdir -p "$work/corpus" "$work/artifacts"
echo "Building SIPCoreFuzzer ($build) in $here/.build..."
if ! (cd "$here" && swift build -c "$build" "${flags[@]}") > "$work/build.log" 2>&1; then
    # ld.gold warns about every ASan symbol it cannot export; that is noise.
    grep -v "Cannot export local symbol" "$work/build.log" >&2
    echo "build failed (full log: $work/build.log)" >&2
    exit 1
fi
binary="$here/.build/$build/SIPCoreFuzzer"

# The work corpus starts from the torture corpus and grows with every run (git-ignored).
for seed in "$root"/Tests/Fixtures/conformance/rfc4475/*.dat "$root"/Tests/Fixtures/conformance/rfc5118/*.sip; do
    target="$work/corpus/seed-$(basename "$seed")"
    [[ -e "$target" ]] || cp "$seed" "$target"
done

# The Swift runtime's own crash handler would race libFuzzer's and ASan's reports.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:symbolize=1:detect_leaks=1}"

options=(
    -max_total_time="$seconds"
    -max_len=70000
    -timeout=2
    -rss_limit_mb=2048
    -malloc_limit_mb=2048
    -dict="$here/sip.dict"
    -artifact_prefix="$work/artifacts/"
    -print_final_stats=1
)
if [[ -n "${JOBS:-}" ]]; then
    options+=(-fork="$JOBS" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi

# With a file among the arguments, libFuzzer re-runs it (or minimises it, with
# -minimize_crash=1) instead of fuzzing.
for argument in "$@"; do
    if [[ -f "$argument" ]]; then
        exec "$binary" -timeout=2 -rss_limit_mb=2048 -artifact_prefix="$work/artifacts/" "$@"
    fi
done
exec "$binary" "${options[@]}" "$@" "$work/corpus"
