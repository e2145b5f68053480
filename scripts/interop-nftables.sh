#!/usr/bin/env bash
# The Guard's kernel offload against the real nftables: in a network namespace of its own
# (so the host's firewall is never touched), with the sets and the drop rules of
# docs/guard.md, the release server configured with `guard.nftables_set`: svmap from
# 127.0.0.2 gets itself banned, and the ban must then be an element of the kernel set with a
# timeout (the scanner jail's ban is set to 10 minutes here), and the kernel must then drop
# the source's packets (the rule's counter moves); a `ban add --for` from the CLI reaches the
# kernel set too, through the running server, a permanent one without a timeout, and
# `ban remove` deletes both elements from the kernel set.
#
# Needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN) for `ip netns` and `nft`; installs
# nftables and iproute2 when missing. Where namespaces cannot be made (an unprivileged
# container), it says so and exits 0 without testing anything: the in-process filter, which
# holds every ban either way, is tested by scripts/interop-guard.sh.
#
# Environment: SERVER_BINARY (else the release build), KEEP_LOGS=1.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
namespace="sipwarden-nft-$$"
work=$(mktemp -d /tmp/sipwarden-nftables.XXXXXX)
server_pid=""
failures=0

log() { printf 'interop-nftables: %s\n' "$*" >&2; }
pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    ip netns delete "$namespace" 2>/dev/null || true
    if [ "$status" -eq 0 ] && [ -z "${KEEP_LOGS:-}" ]; then rm -rf "$work"; else log "logs kept in $work"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

install_missing() {
    local packages=()
    command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || packages+=(nftables)
    command -v ip >/dev/null 2>&1 || packages+=(iproute2)
    [ "${#packages[@]}" -eq 0 ] && return 0
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq "${packages[@]}" >"$work/apt.log" 2>&1 \
        || { $sudo apt-get update -qq >>"$work/apt.log" 2>&1 && $sudo apt-get install -y -qq "${packages[@]}" >>"$work/apt.log" 2>&1; }
}
install_missing || { log "cannot install nftables/iproute2: skipped (see $work/apt.log)"; exit 0; }
if ! command -v sipvicious_svmap >/dev/null 2>&1; then
    pip install -q sipvicious >"$work/pip.log" 2>&1 || { log "cannot install sipvicious"; exit 1; }
fi
svmap=$(command -v sipvicious_svmap)

if ! ip netns add "$namespace" 2>"$work/netns.log"; then
    log "cannot create a network namespace ($(head -1 "$work/netns.log")): skipped, nothing tested"
    exit 0
fi
in_ns() { ip netns exec "$namespace" "$@"; }
in_ns ip link set lo up
in_ns nft -f - <<'EOF'
table inet filter {
    set sipwarden_banned { type ipv4_addr; flags interval, timeout; }
    set sipwarden_banned6 { type ipv6_addr; flags interval, timeout; }
    chain input {
        type filter hook input priority 0;
        ip saddr @sipwarden_banned counter drop
        ip6 saddr @sipwarden_banned6 counter drop
    }
}
EOF

if [ -n "${SERVER_BINARY:-}" ]; then
    bin=$SERVER_BINARY
else
    swift build -c release --product sipwarden >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
    bin="$root/.build/release/sipwarden"
fi

port=5060
cat >"$work/sipwarden.yaml" <<EOF
sip:
  listen: ["udp:127.0.0.1:$port"]
guard:
  nftables_set: "inet filter sipwarden_banned"
  jails:
    sip_scanner:
      ban: 10m
EOF
mkdir -p "$work/data"
# Not through the in_ns function: a backgrounded function is a subshell, and $! would be its
# PID, not the server's (`ip netns exec` executes the server in its own process).
ip netns exec "$namespace" "$bin" serve --config "$work/sipwarden.yaml" --data-dir "$work/data" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do grep -q " ready " "$work/server.log" && break; sleep 0.1; done
grep -q " ready " "$work/server.log" || { log "server did not start"; cat "$work/server.log" >&2; exit 1; }

# 1. A scanner decided by the Guard: banned in the process and in the kernel set, with a timeout.
in_ns timeout 10 "$svmap" 127.0.0.1 -p "$port" -b 127.0.0.2 -P 5072 >"$work/svmap.log" 2>&1 || true
element=""
for _ in $(seq 1 30); do
    element=$(in_ns nft list set inet filter sipwarden_banned 2>/dev/null | grep -o '127\.0\.0\.2[^,}]*' || true)
    [ -n "$element" ] && break
    sleep 0.1
done
if [ -n "$element" ]; then pass "1  the scanner's ban is in the kernel set: $element"; else fail "1  127.0.0.2 is not in the kernel set"; fi
if [[ "$element" == *timeout* ]] || [[ "$element" == *expires* ]]; then
    pass "2  the kernel element expires with the ban ($element)"
else
    fail "2  the kernel element has no timeout: $element"
fi

# 3. The kernel now drops 127.0.0.2 before the server sees it.
before=$(in_ns nft list chain inet filter input | grep -o 'packets [0-9]*' | head -1 | awk '{print $2}')
in_ns timeout 10 "$svmap" 127.0.0.1 -p "$port" -b 127.0.0.2 -P 5074 >"$work/svmap2.log" 2>&1 || true
after=$(in_ns nft list chain inet filter input | grep -o 'packets [0-9]*' | head -1 | awk '{print $2}')
if [ "${after:-0}" -gt "${before:-0}" ]; then
    pass "3  the kernel dropped the banned source's packets ($before -> $after)"
else
    fail "3  the kernel's drop counter did not move ($before -> $after)"
fi
if grep -q "kernel offload turned off" "$work/server.log"; then fail "4  the server turned the offload off"; else pass "4  no offload error logged"; fi

# 5. A ban from the CLI reaches the kernel set through the running server.
"$bin" ban add 127.0.0.3 --for 5m --reason "nftables check" --data-dir "$work/data" --config "$work/sipwarden.yaml" >/dev/null
element=""
for _ in $(seq 1 40); do
    element=$(in_ns nft list set inet filter sipwarden_banned 2>/dev/null | grep -o '127\.0\.0\.3[^,}]*' || true)
    [ -n "$element" ] && break
    sleep 0.1
done
if [ -n "$element" ]; then pass "5  a CLI ban reached the kernel set: $element"; else fail "5  127.0.0.3 (CLI ban) is not in the kernel set"; fi

# 6-7. A permanent CLI ban is an element without a timeout; `ban remove` deletes each element
# from the kernel set through the running server (a permanent one would stay forever).
"$bin" ban add 127.0.0.4 --reason "nftables check" --data-dir "$work/data" --config "$work/sipwarden.yaml" >/dev/null
element=""
for _ in $(seq 1 40); do
    element=$(in_ns nft list set inet filter sipwarden_banned 2>/dev/null | grep -o '127\.0\.0\.4[^,}]*' || true)
    [ -n "$element" ] && break
    sleep 0.1
done
if [ -n "$element" ] && [[ "$element" != *timeout* ]]; then
    pass "6  a permanent CLI ban is an element without a timeout: $element"
else
    fail "6  127.0.0.4 (permanent CLI ban): '$element'"
fi
for address in 127.0.0.3 127.0.0.4; do
    "$bin" ban remove "$address" --data-dir "$work/data" --config "$work/sipwarden.yaml" >/dev/null
done
remaining="x"
for _ in $(seq 1 50); do
    remaining=$(in_ns nft list set inet filter sipwarden_banned 2>/dev/null | grep -o '127\.0\.0\.[34]\b' || true)
    [ -z "$remaining" ] && break
    sleep 0.1
done
if [ -z "$remaining" ]; then pass "7  ban remove deleted both kernel elements"; else fail "7  still in the kernel set after ban remove: $remaining"; fi

kill -TERM "$server_pid"
if wait "$server_pid" 2>/dev/null && grep -q " stopped" "$work/server.log"; then
    pass "8  SIGTERM: exit 0, 'stopped' logged"
else
    fail "8  SIGTERM: non-zero exit or no 'stopped' line"
fi
server_pid=""
if [ "$failures" -gt 0 ]; then
    log "$failures check(s) failed"
    tail -20 "$work/server.log" >&2
    exit 1
fi
log "all checks passed"
