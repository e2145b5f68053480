#!/usr/bin/env python3
"""UDP flood for bench/guard-flood.sh: the same OPTIONS datagram (new Call-ID and branch
every 1,000 packets) from --source to --target at --rate datagrams per second for --seconds,
paced in batches every millisecond. Prints 'rate N' (datagrams per second actually sent)."""
import argparse
import socket
import time

parser = argparse.ArgumentParser()
parser.add_argument("--source", required=True)
parser.add_argument("--target", required=True)
parser.add_argument("--rate", type=int, default=50000)
parser.add_argument("--seconds", type=float, default=10)
args = parser.parse_args()
host, port = args.target.rsplit(":", 1)
target = (host, int(port))

sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind((args.source, 0))
local_port = sock.getsockname()[1]


def packet(serial):
    return (
        f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {args.source}:{local_port};branch=z9hG4bKflood{serial};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:flood@{args.source}>;tag=f{serial}\r\n"
        f"To: <sip:{host}:{port}>\r\n"
        f"Call-ID: flood-{serial}@{args.source}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Content-Length: 0\r\n\r\n"
    ).encode()


batch = max(1, args.rate // 1000)
start = time.monotonic()
deadline = start + args.seconds
sent = 0
serial = 0
data = packet(serial)
while True:
    now = time.monotonic()
    if now >= deadline:
        break
    due = int((now - start) * args.rate)
    while sent < due:
        for _ in range(min(batch, due - sent)):
            sock.sendto(data, target)
            sent += 1
        if sent // 1000 != serial:
            serial = sent // 1000
            data = packet(serial)
    time.sleep(0.0005)
elapsed = time.monotonic() - start
print(f"sent {sent}")
print(f"rate {int(sent / elapsed)}")
