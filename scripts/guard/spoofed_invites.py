#!/usr/bin/env python3
"""Spoofed INVITE flood: INVITEs without credentials, as a forger sends them in the name of
a real device, from many source addresses at once, for scripts/interop-calls.sh and
bench/challenge-flood.sh.

    spoofed_invites.py --target 127.0.0.1:5060 --rate 2000 --seconds 10 \
        --sources 500 --first-source 127.0.1.1 --caller phone1 --callee phone2

- Sources: --sources UDP sockets bound to consecutive loopback addresses from
  --first-source (127.0.1.1, 127.0.1.2, ...; addresses ending in .0 or .255 are skipped),
  each on a port of the kernel's choosing, used round robin: packet n leaves from socket
  n mod SOURCES. No socket ever reads: the answers (407) pile up in the kernel's receive
  buffers and are dropped there, as they are for a forger that never sees them.
- Packets: a complete INVITE with an SDP offer, as a phone sends its first INVITE, for
  sip:CALLEE@TARGET with From sip:CALLER@TARGET (both the switch's own users, so no scanner
  fingerprint applies), every one with its own Call-ID, From tag and Via branch (letters
  and digits mixed, unlike sipvicious'), a User-Agent of an ordinary desk phone.
- Pacing: in batches every half millisecond, so the rate holds on average; the sender
  falls behind when the machine cannot keep up, and says so in what it prints.

Prints, when done (or on SIGTERM/SIGINT): `sent N`, `seconds S`, `rate R` (datagrams per
second actually sent), `sources K` and `errors E` (sends the kernel refused, such as a full
send buffer). Exit status 0, or 2 on bad arguments.
"""
import argparse
import ipaddress
import os
import resource
import signal
import socket
import sys
import time


def sources(first, count):
    """`count` IPv4 addresses from `first` on, skipping those ending in .0 and .255."""
    address = int(ipaddress.IPv4Address(first))
    found = []
    while len(found) < count:
        if address & 0xFF not in (0, 255):
            found.append(str(ipaddress.IPv4Address(address)))
        address += 1
    return found


def raise_open_files(needed):
    """Room for one descriptor per source (the soft limit up to the hard one)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", required=True, help="HOST:PORT of the server (UDP)")
    parser.add_argument("--rate", type=int, default=2000, help="INVITEs per second (2000)")
    parser.add_argument("--seconds", type=float, default=10, help="how long (10)")
    parser.add_argument("--sources", type=int, default=500, help="source addresses (500)")
    parser.add_argument("--first-source", default="127.0.1.1", help="the first source address (127.0.1.1)")
    parser.add_argument("--caller", default="caller", help="the From user: the device the forger poses as")
    parser.add_argument("--callee", default="callee", help="the Request-URI and To user")
    options = parser.parse_args()
    host, _, port = options.target.rpartition(":")
    if not host or not port.isdigit() or options.rate <= 0 or options.sources <= 0 or options.seconds <= 0:
        parser.error("--target HOST:PORT, and a positive --rate, --sources and --seconds")
    target = (host, int(port))

    addresses = sources(options.first_source, options.sources)
    raise_open_files(options.sources + 64)
    sockets = []
    for address in addresses:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.bind((address, 0))
        sock.setblocking(False)
        sockets.append((sock, address, sock.getsockname()[1]))

    run = f"{os.getpid():x}"
    sdp = (
        "v=0\r\n"
        "o=- 4242 4242 IN IP4 {ip}\r\n"
        "s=-\r\n"
        "c=IN IP4 {ip}\r\n"
        "t=0 0\r\n"
        "m=audio 40000 RTP/AVP 0 8 101\r\n"
        "a=rtpmap:0 PCMU/8000\r\n"
        "a=rtpmap:8 PCMA/8000\r\n"
        "a=rtpmap:101 telephone-event/8000\r\n"
        "a=sendrecv\r\n"
    )
    template = (
        "INVITE sip:{callee}@{host}:{port} SIP/2.0\r\n"
        "Via: SIP/2.0/UDP {ip}:{sport};branch=z9hG4bK{run}x{n:x}q;rport\r\n"
        "Max-Forwards: 70\r\n"
        "From: <sip:{caller}@{host}:{port}>;tag=t{n}x{run}\r\n"
        "To: <sip:{callee}@{host}:{port}>\r\n"
        "Call-ID: sf{run}-{n:x}-k@{ip}\r\n"
        "CSeq: 1 INVITE\r\n"
        "Contact: <sip:{caller}@{ip}:{sport}>\r\n"
        "User-Agent: Yealink SIP-T46S 66.86.0.15\r\n"
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY\r\n"
        "Content-Type: application/sdp\r\n"
        "Content-Length: {length}\r\n"
        "\r\n"
        "{body}"
    )
    bodies = {ip: sdp.format(ip=ip) for ip in addresses}

    stopping = False

    def stop(_signal, _frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    sent = errors = 0
    start = time.monotonic()
    deadline = start + options.seconds
    count = len(sockets)
    while not stopping:
        now = time.monotonic()
        if now >= deadline:
            break
        due = min(int((now - start) * options.rate), int(options.seconds * options.rate))
        while sent + errors < due:
            n = sent + errors
            sock, ip, sport = sockets[n % count]
            body = bodies[ip]
            packet = template.format(
                callee=options.callee, caller=options.caller, host=host, port=port, ip=ip, sport=sport, run=run, n=n,
                length=len(body), body=body).encode()
            try:
                sock.sendto(packet, target)
                sent += 1
            except OSError:
                errors += 1
        time.sleep(0.0005)
    elapsed = time.monotonic() - start
    print(f"sent {sent}")
    print(f"seconds {elapsed:.2f}")
    print(f"rate {int(sent / elapsed) if elapsed > 0 else 0}")
    print(f"sources {count}")
    print(f"errors {errors}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
