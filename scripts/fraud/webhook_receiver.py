#!/usr/bin/env python3
"""A webhook receiver for scripts/interop-fraud.sh: accepts POSTs on 127.0.0.1:PORT, checks
the X-SIPWarden-Signature header (HMAC-SHA256 of "TIMESTAMP.BODY" with the shared secret),
and appends one JSON line per request to OUTPUT: the event, whether the signature was right,
and the event-type header. Answers 503 to the first request when FAIL_FIRST=1, so that the
sender's retry is exercised. Stops after --seconds."""
import argparse, hashlib, hmac, json, os, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--secret", required=True)
parser.add_argument("--output", required=True)
parser.add_argument("--seconds", type=float, default=300)
args = parser.parse_args()
lock = threading.Lock()
state = {"requests": 0}


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            state["requests"] += 1
            first = state["requests"] == 1
        if first and os.environ.get("FAIL_FIRST") == "1":
            self.send_response(503)
            self.end_headers()
            return
        stamp = self.headers.get("X-SIPWarden-Timestamp", "")
        given = self.headers.get("X-SIPWarden-Signature", "")
        expected = "sha256=" + hmac.new(args.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 300
        try:
            event = json.loads(body)
        except ValueError:
            event = None
        line = {"signed": hmac.compare_digest(given, expected) and fresh, "type": self.headers.get("X-SIPWarden-Event"), "event": event}
        with lock, open(args.output, "a") as out:
            out.write(json.dumps(line) + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_):
        pass


server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
threading.Timer(args.seconds, server.shutdown).start()
server.serve_forever()
