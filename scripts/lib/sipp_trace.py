"""Reads SIPp's message trace (-trace_msg -message_file FILE), for the interop scripts' checks.

Each entry of the trace is a line of dashes with the local time, a line saying whether the
message was sent or received, a blank line and the message. `messages(path)` returns them in
order as dictionaries:
    time      seconds since the epoch (float, local time as SIPp wrote it);
    received  True for a message SIPp received, False for one it sent;
    start     the request or status line ("INVITE sip:... SIP/2.0", "SIP/2.0 200 OK");
    headers   [(name, value)] in order, names as written;
    body      the text after the blank line.
`header(message, name)` is the first value of a header (case-insensitive), or None;
`headers(message, name)` every value.
"""
import re
import time as _time
from datetime import datetime

_ENTRY = re.compile(r"^-{20,} (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+)\s*$")


def messages(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            lines = f.read().split("\n")
    except FileNotFoundError:
        return []
    found = []
    index = 0
    while index < len(lines):
        match = _ENTRY.match(lines[index])
        if not match:
            index += 1
            continue
        stamp = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S.%f")
        when = _time.mktime(stamp.timetuple()) + stamp.microsecond / 1e6
        kind = lines[index + 1] if index + 1 < len(lines) else ""
        index += 2
        while index < len(lines) and lines[index].strip() == "":
            index += 1
        text = []
        while index < len(lines) and not _ENTRY.match(lines[index]):
            text.append(lines[index].rstrip("\r"))
            index += 1
        if not text:
            continue
        start, rest = text[0], text[1:]
        head, body = [], []
        in_body = False
        for line in rest:
            if not in_body and line == "":
                in_body = True
                continue
            if in_body:
                body.append(line)
            elif ":" in line:
                name, _, value = line.partition(":")
                head.append((name.strip(), value.strip()))
        found.append({
            "time": when,
            "received": "received" in kind,
            "start": start,
            "headers": head,
            "body": "\n".join(body).strip(),
        })
    return found


def headers(message, name):
    wanted = name.lower()
    return [value for key, value in message["headers"] if key.lower() == wanted]


def header(message, name):
    values = headers(message, name)
    return values[0] if values else None
