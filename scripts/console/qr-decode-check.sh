#!/usr/bin/env bash
# Decodes the QR Code in an SVG file (the console's enrolment page draws one with
# QRCode.svg) with tools that share no code with SIPWarden: rsvg-convert (librsvg2-bin)
# renders it to PNG, zbarimg (zbar-tools) reads it. Prints the decoded text.
#
#   scripts/console/qr-decode-check.sh FILE.svg [EXPECTED]
#
# FILE.svg may be "-" for standard input. The SVG is rendered at twice its size, on
# white, so that small module sizes still give zbar several pixels per module.
# With EXPECTED, the decoded text must equal it (a trailing newline of zbarimg's output
# aside).
# Exit status: 0 decoded (and equal to EXPECTED if given), 1 nothing decoded or a
# different text, 2 usage or missing tool.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
    echo "usage: $0 FILE.svg [EXPECTED]" >&2
    exit 2
fi
for tool in rsvg-convert zbarimg; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$0: $tool not found (Debian: apt-get install librsvg2-bin zbar-tools)" >&2
        exit 2
    fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ "$1" == "-" ]]; then
    cat >"$work/code.svg"
else
    cp -- "$1" "$work/code.svg"
fi
rsvg-convert --zoom 2 --background-color white --format png --output "$work/code.png" "$work/code.svg"

# --raw: the bytes as encoded, without the "QR-Code:" prefix or a charset conversion;
# --quiet: no statistics; only QR Codes looked for. zbar 0.23 built with D-Bus complains
# on stderr when there is no bus unless told not to use it. zbarimg exits 4 when it finds
# no symbol.
options=(--quiet --raw -Sdisable -Sqrcode.enable)
if zbarimg --help 2>&1 | grep -q -- --nodbus; then options+=(--nodbus); fi
if ! zbarimg "${options[@]}" "$work/code.png" >"$work/decoded"; then
    echo "$0: no QR Code decoded from $1" >&2
    exit 1
fi
# zbarimg ends each symbol with a newline; $(...) drops it (and any the text ended with).
decoded=$(cat "$work/decoded")
printf '%s\n' "$decoded"

if [[ $# -eq 2 && "$decoded" != "$2" ]]; then
    echo "$0: decoded text differs from the expected one" >&2
    exit 1
fi
