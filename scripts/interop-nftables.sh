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

log_name=interop-nftables
# The shared helpers (scripts/lib/common.sh).
. "$root/scripts/lib/common.sh"
make_work_dir sipwarden-nftables
# Any KEEP_LOGS but an empty one keeps the work directory.
[ -z "${KEEP_LOGS:-}" ] || KEEP_LOGS=1
pass() { printf 'PASS  %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }

# on_exit: the server stopped, then its network namespace deleted.
on_exit() {
    [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
    server_pid=""
    ip netns delete "$namespace" 2>/dev/null || true
}
script_traps

need_tools nft:nftables ip:iproute2 || { log "cannot install nftables/iproute2: skipped (see $work/apt.log)"; exit 0; }
if ! command -v sipvicious_svmap >/dev/null 2>&1; then
    pip_install sipvicious || { log "cannot install sipvicious"; exit 1; }
fi
svmap=$(command -v sipvicious_svmap)

if ! ip netns add "$namespace" 2>"$work/netns.log"; then
    log "cannot create a network namespace ($(head -1 "$work/netns.log")): skipped, nothing tested"
    exit 0
fi
in_ns() { ip netns exec "$namespace" "$@"; }
# kernel_element PATTERN TENTHS: polls the kernel set for TENTHS tenths of a second until an
# element matches PATTERN (grep -o); element is what matched (nothing when none did).
kernel_element() {
    element=""
    for _ in $(seq 1 "$2"); do
        element=$(in_ns nft list set inet filter sipwarden_banned 2>/dev/null | grep -o "$1" || true)
        [ -n "$element" ] && break
        sleep 0.1
    done
}
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

need_server_binary

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
launch_server "$work/server.log" ip netns exec "$namespace" "$binary" serve --config "$work/sipwarden.yaml" --data-dir "$work/data"
ready_timeout=10 wait_server_ready ' ready ' || exit 1

# 1. A scanner decided by the Guard: banned in the process and in the kernel set, with a timeout.
in_ns timeout 10 "$svmap" 127.0.0.1 -p "$port" -b 127.0.0.2 -P 5072 >"$work/svmap.log" 2>&1 || true
kernel_element '127\.0\.0\.2[^,}]*' 30
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
"$binary" ban add 127.0.0.3 --for 5m --reason "nftables check" --data-dir "$work/data" --config "$work/sipwarden.yaml" >/dev/null
kernel_element '127\.0\.0\.3[^,}]*' 40
if [ -n "$element" ]; then pass "5  a CLI ban reached the kernel set: $element"; else fail "5  127.0.0.3 (CLI ban) is not in the kernel set"; fi

# 6-7. A permanent CLI ban is an element without a timeout; `ban remove` deletes each element
# from the kernel set through the running server (a permanent one would stay forever).
"$binary" ban add 127.0.0.4 --reason "nftables check" --data-dir "$work/data" --config "$work/sipwarden.yaml" >/dev/null
kernel_element '127\.0\.0\.4[^,}]*' 40
if [ -n "$element" ] && [[ "$element" != *timeout* ]]; then
    pass "6  a permanent CLI ban is an element without a timeout: $element"
else
    fail "6  127.0.0.4 (permanent CLI ban): '$element'"
fi
for address in 127.0.0.3 127.0.0.4; do
    "$binary" ban remove "$address" --data-dir "$work/data" --config "$work/sipwarden.yaml" >/dev/null
done
remaining="x"
for _ in $(seq 1 50); do
    remaining=$(in_ns nft list set inet filter sipwarden_banned 2>/dev/null | grep -o '127\.0\.0\.[34]\b' || true)
    [ -z "$remaining" ] && break
    sleep 0.1
done
if [ -z "$remaining" ]; then pass "7  ban remove deleted both kernel elements"; else fail "7  still in the kernel set after ban remove: $remaining"; fi

if stop_timeout=30 stop_server_checked "$work/server.log" 2>/dev/null; then
    pass "8  SIGTERM: exit 0, 'stopped' logged"
else
    fail "8  SIGTERM: non-zero exit or no 'stopped' line"
fi
if [ "$failures" -gt 0 ]; then
    log "$failures check(s) failed"
    tail -20 "$work/server.log" >&2
    exit 1
fi
log "all checks passed"
