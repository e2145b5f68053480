# Sourced by the interop scripts: free_port prints a loopback port free for both UDP and TCP,
# outside the ephemeral range (32768-60999), never the same twice in one script.
used_ports=" "
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
