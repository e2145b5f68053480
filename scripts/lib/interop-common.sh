# Sourced by the interop scripts: what they all do the same way.

# SIGTERM, then SIGKILL after `$2` tenths of a second (SIPp does not always stop on TERM).
stop_pid() {
    local pid=$1 tenths=$2
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq "$tenths"); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# The value of column $2 on the last line of SIPp's statistics file $1 (';'-separated).
stat_column() {
    awk -F';' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) col = i; next }
        { last = $col } END { if (col) print last; else print "?" }' "$1"
}

# Installs Debian packages, with sudo when not root, logging to $work/apt.log.
apt_install() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get install -y --no-install-recommends "$@" >>"$work/apt.log" 2>&1; then
        # A fresh image often has no package index yet.
        $sudo apt-get update >>"$work/apt.log" 2>&1 || true
        $sudo apt-get install -y --no-install-recommends "$@" >>"$work/apt.log" 2>&1
    fi
}

# Installs Python packages from PyPI, logging to $work/pip.log: with the interpreter's pip,
# then past Debian's PEP 668 guard, then after installing pip itself.
pip_install() {
    python3 -m pip install -q "$@" >>"$work/pip.log" 2>&1 \
        || python3 -m pip install -q --break-system-packages "$@" >>"$work/pip.log" 2>&1 \
        || { apt_install python3-pip && python3 -m pip install -q --break-system-packages "$@" >>"$work/pip.log" 2>&1; }
}
