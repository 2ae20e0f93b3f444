"""A small model server in plain Python 3 (standard library only), run by easel as a
container service: it listens on $PORT, answers GET /health, and scores POST / requests.

The model is a gradient-boosted stump ensemble stored as JSON next to this file: each tree
is (feature, threshold, left value, right value); the score is the logistic of the sum.
"""
import json
import math
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(HERE, "model.json"), encoding="utf-8") as f:
    MODEL = json.load(f)
FEATURES = MODEL["features"]


def score(row):
    total = MODEL["base_score"]
    for tree in MODEL["trees"]:
        value = row[tree["feature"]]
        total += tree["left"] if value < tree["threshold"] else tree["right"]
    return 1.0 / (1.0 + math.exp(-total))


def parse_rows(body):
    data = json.loads(body)
    rows = data if isinstance(data, list) else [data]
    parsed = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValueError(f"row {i}: expected an object keyed by feature name")
        values = {}
        for name in FEATURES:
            v = row.get(name)
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                raise ValueError(f"row {i}: feature {name!r} must be a number, got {v!r}")
            values[name] = float(v)
        unknown = sorted(set(row) - set(FEATURES))
        if unknown:
            raise ValueError(f"row {i}: unknown feature(s) {', '.join(unknown)}; expected {', '.join(FEATURES)}")
        parsed.append(values)
    return parsed


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def send_json(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/health":
            self.send_json(200, {"status": "ok"})
        else:
            self.send_json(200, {"model": MODEL["name"], "features": FEATURES})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        try:
            rows = parse_rows(body)
        except (ValueError, json.JSONDecodeError) as e:
            self.send_json(400, {"error": str(e)})
            return
        self.send_json(200, [{"probability": score(r)} for r in rows])

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))


class Server(ThreadingHTTPServer):
    # Handler threads are joined on close, so requests in hand finish before the exit.
    daemon_threads = False
    block_on_close = True


def main():
    port = int(os.environ.get("PORT", "8000"))
    server = Server(("127.0.0.1", port), Handler)
    stop = threading.Event()
    # easel stops an instance with SIGTERM: stop accepting, finish what is in hand, exit.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"model {MODEL['name']} serving on port {port}", flush=True)
    stop.wait()
    server.shutdown()
    server.server_close()
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
