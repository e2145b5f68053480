#!/usr/bin/env bash
# Real-browser test of the web console: headless Chromium driven by selenium
# (scripts/browser/console_test.py) against `sipwarden serve` on loopback.
#
# One server (UDP, free ports, a temporary data directory, the console on
# SIPWARDEN_CONSOLE_LISTEN) with an admin made by `sipwarden admin create`.
# Steps (each a line of the summary; any failure makes the exit status 1):
#   1. refused-call: a raw INVITE over UDP from an unknown user, with the User-Agent
#      <script>alert(1)</script> and the From display name "<img src=x onerror=alert(2)>",
#      answering the 407 with credentials of nobody: refused, and its record is in
#      `sipwarden cdr list --json` within a few seconds, markup kept as received;
#   2. login: the password takes the admin to TOTP enrolment;
#   3. totp-enrolment: the code computed from the key shown (RFC 6238) turns on two-factor
#      login, 10 recovery codes are shown, then the dashboard, whose live view connects to
#      the event stream with the session (dashboard-live);
#   4. qr-code: the enrolment page's SVG QR code decodes (rsvg-convert and zbarimg, or
#      scripts/console/qr-decode-check.sh where it exists) to otpauth://totp/ with the key
#      shown as text (both installed from Debian when missing: librsvg2-bin, zbar-tools);
#   5. device-create: /devices/new makes browser-phone, with a success flash;
#   6. cdr-search, call-detail-escaped: the refused call is found by its number; its page
#      shows the User-Agent and From as text (escaped in the server's HTML), no alert opens;
#   7. pages: dashboard, devices, calls, reports, bans, action log, users, country rules and
#      fraud monitors render, with no console error or CSP violation; a screenshot of each
#      (and of login, enrolment and the call) in .build/browser-screenshots/;
#   8. logout: #logout, then /dashboard redirects to /login;
#   9. login-wait: in a fresh browser, three wrong passwords, then the right one is refused
#      with "wait" (429).
# Nothing logged at error level or above by the server.
#
# Installs chromium, chromium-driver and python3 (Debian) and selenium (PyPI) when missing;
# builds the release binary (incremental) unless SERVER_BINARY is set. Takes about half a
# minute after the build.
#
# Environment: SERVER_BINARY, KEEP_LOGS=1 (keep the work directory even on success).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
ready_timeout=30
shots="$root/.build/browser-screenshots"

# The shared helpers (scripts/lib/common.sh).
. "$root/scripts/lib/common.sh"
start_interop browser-test python3:python3 chromium:chromium chromedriver:chromium-driver
python3 -c 'import selenium' 2>/dev/null || need_pip selenium
need_server_binary

data="$work/data"
mkdir -p "$data"
rm -rf "$shots"
mkdir -p "$shots"
sip_port=$(free_port)
http_port=$(free_port)
cli() { "$binary" "$@" --data-dir "$data"; }
password() { printf 'Pw#%s!9' "$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"; }
admin_password=$(password)
device_password=$(password)
number="00998877$(printf '%06d' $((RANDOM * 32 % 1000000)))"

printf '%s\n' "$admin_password" | cli admin create alice --password-stdin >"$work/setup.log" 2>&1 \
    || { cat "$work/setup.log" >&2; log "admin create refused"; exit 1; }

SIPWARDEN_CONSOLE_LISTEN="127.0.0.1:$http_port" launch_server "$work/server.log" \
    "$binary" serve --data-dir "$data" --listen "udp:127.0.0.1:$sip_port"
wait_server_ready 'sipwarden: ready' 'console listening' || exit 1

# --- 1. A refused call with markup in what the caller sent --------------------------------

sent=$(timeout 20 python3 "$root/scripts/browser/console_test.py" invite --port "$sip_port" --number "$number" 2>&1) || true
check=missing
deadline=$((SECONDS + 5))
while [ "$SECONDS" -lt "$deadline" ]; do
    check=$(cli cdr list --json --limit 100 | python3 -c '
import json, sys
number = sys.argv[1]
rows = [r for r in json.load(sys.stdin) if r["dialledNumber"] == number]
if not rows:
    print("missing")
else:
    r = rows[0]
    ok = ("<script>alert(1)</script>" in (r["userAgent"] or "") and "<img src=x onerror=alert(2)>" in r["fromHeader"]
          and r["status"] >= 400 and not r["answeredAt"])
    print("ok" if ok else "wrong: %s" % json.dumps(r)[:400])' "$number" 2>&1) || true
    [ "$check" = missing ] || break
    sleep 0.2
done
if [ "$check" = ok ]; then
    result refused-call PASS "answers $(printf '%s' "$sent" | python3 -c 'import json,sys; print(json.load(sys.stdin)["statuses"])' 2>/dev/null || echo "?"); recorded with the User-Agent and From as sent"
else
    result refused-call FAIL "sent: $sent; record: $check"
fi

# --- 2-9. The browser ----------------------------------------------------------------------

qr="$work/totp-qr.svg"
CONSOLE_PASSWORD=$admin_password DEVICE_PASSWORD=$device_password timeout 150 python3 "$root/scripts/browser/console_test.py" browser \
    --base-url "http://127.0.0.1:$http_port" --username alice --number "$number" --screenshots "$shots" --qr-output "$qr" \
    --chromium "$(command -v chromium)" --chromedriver "$(command -v chromedriver)" >"$work/browser.out" 2>"$work/browser.log" &
browser_status=0
wait_child $! || browser_status=$?
while read -r status name detail; do
    case "$status" in
        PASS | FAIL | SKIP) result "$name" "$status" "$detail" ;;
    esac
done <"$work/browser.out"
if [ "$browser_status" -ne 0 ] && ! grep -q '^FAIL ' "$work/browser.out"; then
    result browser FAIL "exit status $browser_status: $(tail -5 "$work/browser.log" | tr '\n' ' ' | head -c 400)"
fi

# --- A persistent guesser is banned ------------------------------------------------------------

# From 127.0.0.2, which the Guard does not trust: wrong passwords, then tries during the wait,
# until the console-login jail bans the address and the listener answers it 403.
guesser_reported=0
while read -r status name detail; do
    case "$status" in
        PASS | FAIL | SKIP) result "$name" "$status" "$detail"; guesser_reported=1 ;;
    esac
done < <(timeout 40 python3 "$root/scripts/browser/console_test.py" guesser --port "$http_port" 2>"$work/guesser.log" || true)
# A helper that died or hung says nothing: that is a failure, not a step to leave out.
if [ "$guesser_reported" -eq 0 ]; then
    result guesser-banned FAIL "the check reported nothing: $(tail -3 "$work/guesser.log" | tr '\n' ' ' | head -c 300)"
fi

# --- 4. The QR code decodes to the key shown ---------------------------------------------------

qr_text() {  # the text of the QR code in $1, or nothing
    if [ -x "$root/scripts/console/qr-decode-check.sh" ]; then
        "$root/scripts/console/qr-decode-check.sh" "$1" 2>>"$work/qr.log" | grep -o 'otpauth://[^[:space:]]*' | head -1
        return 0
    fi
    rsvg-convert --zoom 4 --background-color white -o "$work/totp-qr.png" "$1" 2>>"$work/qr.log" || return 0
    zbarimg --quiet --raw "$work/totp-qr.png" 2>>"$work/qr.log" | head -1
}
if [ ! -s "$qr" ]; then
    result qr-code FAIL "no QR code saved from the enrolment page"
else
    # Both ways of decoding need rsvg-convert and zbarimg, whatever is installed already.
    for tool in rsvg-convert:librsvg2-bin zbarimg:zbar-tools; do
        command -v "${tool%%:*}" >/dev/null 2>&1 || apt_install "${tool#*:}" || true
    done
    if ! { command -v rsvg-convert && command -v zbarimg; } >/dev/null 2>&1; then
        result qr-code FAIL "rsvg-convert or zbarimg could not be installed (Debian librsvg2-bin, zbar-tools): $(tail -3 "$work/apt.log" 2>/dev/null)"
    else
        text=$(qr_text "$qr")
        key=$(tr -d '[:space:]' <"$qr.key" 2>/dev/null || true)
        case "$text" in
            otpauth://totp/*)
                if [ -n "$key" ] && printf '%s' "$text" | grep -qi "secret=$key"; then
                    result qr-code PASS "decodes to otpauth://totp/… with the key shown as text"
                else
                    result qr-code FAIL "decodes to $text, not with the key $key"
                fi
                ;;
            *) result qr-code FAIL "decoded text: '${text:-nothing}' $(head -c 200 "$work/qr.log" 2>/dev/null)" ;;
        esac
    fi
fi

check_server_log "$work/server.log"
log_summary "screenshots in $shots"
