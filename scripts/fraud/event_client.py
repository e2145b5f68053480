#!/usr/bin/env python3
"""A client of the live event channel for scripts/interop-fraud.sh.

  event_client.py stream --port P --key K --output F [--types call,fraud] [--seconds S]
      reads Server-Sent Events from /api/v1/events and appends each event's JSON as a line.
  event_client.py probe --port P [--key K] [--source IP]
      one request, prints the HTTP status (the channel must refuse what it should)."""
import argparse, http.client, json, socket, sys, time

parser = argparse.ArgumentParser()
parser.add_argument("mode", choices=["stream", "probe"])
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--key")
parser.add_argument("--output")
parser.add_argument("--types")
parser.add_argument("--source", default="127.0.0.1")
parser.add_argument("--seconds", type=float, default=120)
args = parser.parse_args()

path = "/api/v1/events" + (("?types=" + args.types) if args.types else "")
headers = {"Accept": "text/event-stream"}
if args.key:
    headers["Authorization"] = "Bearer " + args.key
connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.seconds, source_address=(args.source, 0))
connection.request("GET", path, headers=headers)
response = connection.getresponse()
if args.mode == "probe":
    print(response.status)
    sys.exit(0)
if response.status != 200:
    print("status %d" % response.status, file=sys.stderr)
    sys.exit(1)
deadline = time.time() + args.seconds
event_type = None
with open(args.output, "a") as out:
    out.write(json.dumps({"type": "stream.open"}) + "\n")
    out.flush()
    while time.time() < deadline:
        try:
            line = response.fp.readline()
        except socket.timeout:
            break
        if not line:
            break
        line = line.decode().rstrip("\n")
        if line.startswith("event: "):
            event_type = line[7:]
        elif line.startswith("data: "):
            out.write(line[6:] + "\n")
            out.flush()
