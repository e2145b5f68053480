#!/usr/bin/env python3
"""Packets "from" a chosen source address, as a spoofer would send them: scanner-looking
OPTIONS, then a burst of clean ones, all at once.

    spoof.py --source IP --port PORT [--host 127.0.0.1] [--scanner N] [--clean M] [--wait SECONDS]

Sends N OPTIONS with `User-Agent: friendly-scanner` (a tool fingerprint: one packet is enough
for the sip-scanner jail), then M clean OPTIONS (an innocent User-Agent, distinct Call-IDs)
without pausing, from one UDP socket bound to --source (any 127.0.0.0/8 address works on
loopback without setup). Waits up to --wait seconds (default 3) for the answers of the clean
ones and prints `answered K` (K of M). No retransmission: a dropped request stays unanswered.
Exit status 0, or 2 on a usage or local error (such as a failed bind).
"""
import argparse
import os
import socket
import sys
import time


def options(source, local_port, host, port, agent, token):
    return (
        f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {source}:{local_port};branch=z9hG4bK{token};rport\r\n"
        f"Max-Forwards: 70\r\n"
        f"From: <sip:keepalive@{source}>;tag={token}\r\n"
        f"To: <sip:{host}:{port}>\r\n"
        f"Call-ID: {token}@{source}\r\n"
        f"CSeq: 1 OPTIONS\r\n"
        f"User-Agent: {agent}\r\n"
        f"Content-Length: 0\r\n\r\n"
    ).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--scanner", type=int, default=3)
    parser.add_argument("--clean", type=int, default=100)
    parser.add_argument("--wait", type=float, default=3.0)
    arguments = parser.parse_args()
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        sock.bind((arguments.source, 0))
    except OSError as error:
        print(f"cannot bind {arguments.source}: {error}", file=sys.stderr)
        return 2
    local_port = sock.getsockname()[1]
    target = (arguments.host, arguments.port)
    for _ in range(arguments.scanner):
        sock.sendto(options(arguments.source, local_port, arguments.host, arguments.port, "friendly-scanner", "sc" + os.urandom(6).hex()), target)
    clean = set()
    for _ in range(arguments.clean):
        token = "cl" + os.urandom(6).hex()
        clean.add(f"{token}@{arguments.source}")
        sock.sendto(options(arguments.source, local_port, arguments.host, arguments.port, "Yealink SIP-T46S 66.86.0.15", token), target)
    answered = set()
    deadline = time.monotonic() + arguments.wait
    sock.settimeout(0.2)
    while time.monotonic() < deadline and len(answered) < len(clean):
        try:
            data = sock.recv(65535).decode("utf-8", "replace")
        except socket.timeout:
            continue
        for line in data.split("\r\n"):
            if line.lower().startswith("call-id:"):
                call_id = line.split(":", 1)[1].strip()
                if call_id in clean:
                    answered.add(call_id)
    print(f"answered {len(answered)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
