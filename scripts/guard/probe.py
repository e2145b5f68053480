#!/usr/bin/env python3
"""One OPTIONS to the server from a chosen source address: is this source answered?

    probe.py --source IP --port PORT [--host 127.0.0.1] [--transport udp|tcp] [--wait SECONDS]

Sends an OPTIONS addressed to the server itself (no user part), shaped like an ordinary
phone's keep-alive (no scanner fingerprint: a token tag, an RFC 3261 branch, a Call-ID with
@host, an innocent User-Agent), and waits up to --wait seconds (default 1) for any response.
Over UDP the request is retransmitted at 0.5 s intervals as RFC 3261 §17.1.2.2 does (T1).
Over TCP a refused or closed connection counts as no answer.

Prints one line: `answered: SIP/2.0 200 OK (12 ms)` or `no answer within 1.0 s (...)`.
Exit status 0: answered; 3: no answer; 2: usage or local error (such as a failed bind).
"""
import argparse
import os
import socket
import sys
import time


def request(source, host, port, transport):
    token = os.urandom(8).hex()
    return (
        f"OPTIONS sip:{host}:{port} SIP/2.0\r\n"
        f"Via: SIP/2.0/{transport.upper()} {source}:{{local_port}};branch=z9hG4bK{token}pr;rport\r\n"
        f"Max-Forwards: 70\r\n"
        f"From: <sip:probe@{source}>;tag=pr{token}\r\n"
        f"To: <sip:{host}:{port}>\r\n"
        f"Call-ID: probe{token}@{source}\r\n"
        f"CSeq: 1 OPTIONS\r\n"
        f"Contact: <sip:probe@{source}:{{local_port}}>\r\n"
        f"User-Agent: guard-probe/1.0\r\n"
        f"Accept: application/sdp\r\n"
        f"Content-Length: 0\r\n\r\n"
    )


def probe_udp(source, host, port, wait):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((source, 0))
    data = request(source, host, port, "udp").replace("{local_port}", str(sock.getsockname()[1])).encode()
    start = time.monotonic()
    deadline = start + wait
    next_send = start
    interval = 0.5
    while True:
        now = time.monotonic()
        if now >= next_send:
            sock.sendto(data, (host, port))
            next_send = now + interval
            interval = min(interval * 2, 4.0)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None, "no response"
        sock.settimeout(max(0.001, min(remaining, next_send - time.monotonic())))
        try:
            reply, _ = sock.recvfrom(65535)
        except socket.timeout:
            continue
        return reply, time.monotonic() - start


def probe_tcp(source, host, port, wait):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((source, 0))
    start = time.monotonic()
    sock.settimeout(wait)
    try:
        sock.connect((host, port))
        data = request(source, host, port, "tcp").replace("{local_port}", str(sock.getsockname()[1])).encode()
        sock.sendall(data)
        reply = b""
        while b"\r\n" not in reply:
            remaining = start + wait - time.monotonic()
            if remaining <= 0:
                return None, "no response"
            sock.settimeout(remaining)
            chunk = sock.recv(65535)
            if not chunk:
                return None, "connection closed by the server"
            reply += chunk
        return reply, time.monotonic() - start
    except socket.timeout:
        return None, "no response"
    except ConnectionError as error:
        return None, f"connection {type(error).__name__}"
    finally:
        sock.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--transport", choices=["udp", "tcp"], default="udp")
    parser.add_argument("--wait", type=float, default=1.0)
    options = parser.parse_args()
    try:
        probe = probe_udp if options.transport == "udp" else probe_tcp
        reply, detail = probe(options.source, options.host, options.port, options.wait)
    except OSError as error:
        print(f"probe.py: {error}", file=sys.stderr)
        return 2
    if reply is None:
        print(f"no answer within {options.wait:.1f} s ({options.transport} from {options.source}: {detail})")
        return 3
    first = reply.split(b"\r\n", 1)[0].decode("utf-8", "replace")
    print(f"answered: {first} ({detail * 1000:.0f} ms, {options.transport} from {options.source})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
