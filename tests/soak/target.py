"""The soak test's outside system: a local HTTP server that the flows' Http actions call.

Every request is POST or GET /call/{run id}/{action}. The server picks an answer at random:
  ok     200 at once                          (the action succeeds)
  fail   500 at once                          (retried by the action's retry policy)
  busy   429 with Retry-After: 1              (retried after the second the server asks for)
  slow   200 after `slow_seconds`, longer than the action's limit.timeout (the action times out)
and records every request: when it arrived, the run and action it names, the answer chosen, and
whether writing the answer succeeded. The checks then count, per run and action, the 2xx answers
given at once ("ok"): a completed action must have exactly one, or one more per crash between
them (at-least-once after kill -9, docs/engine.md).
"""
import http.server
import random
import threading
import time
from dataclasses import dataclass


@dataclass
class Call:
    received: float  # time.time() when the request arrived
    run_id: str
    action: str
    kind: str  # ok, fail, busy, slow
    status: int
    delivered: bool  # the answer was written without a socket error


class Target:
    def __init__(self, weights, slow_seconds, seed):
        self.weights = weights  # {"ok": 0.7, "fail": 0.14, ...}
        self.slow_seconds = slow_seconds
        self.random = random.Random(seed)
        self.lock = threading.Lock()
        self.calls = []  # [Call]
        self.other_requests = 0  # paths that are not /call/{run}/{action}
        self.in_progress = 0  # requests received and not answered yet (slow ones wait)
        self.stopping = threading.Event()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self):
        self.thread.start()

    def stop(self):
        self.stopping.set()  # slow answers stop waiting
        self.server.shutdown()
        self.server.server_close()

    def pick(self):
        with self.lock:
            kinds = list(self.weights)
            return self.random.choices(kinds, [self.weights[k] for k in kinds])[0]

    def busy(self):
        with self.lock:
            return self.in_progress

    def snapshot(self):
        with self.lock:
            return list(self.calls)

    def _handler(self):
        target = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as Runnel's client expects

            def log_message(self, *args):
                pass

            def answer(self, status, body, headers=()):
                data = body.encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in headers:
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                    self.wfile.flush()
                    return True
                except OSError:  # the caller went away: a timeout's cancel, or kill -9
                    self.close_connection = True
                    return False

            def handle_call(self):
                received = time.time()
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                parts = self.path.split("?")[0].strip("/").split("/")
                if len(parts) != 3 or parts[0] != "call":
                    with target.lock:
                        target.other_requests += 1
                    self.answer(404, '{"error": "not a /call/{run}/{action} path"}')
                    return
                run_id, action = parts[1], parts[2]
                kind = target.pick()
                with target.lock:
                    target.in_progress += 1
                if kind == "ok":
                    status, ok = 200, self.answer(200, '{"ok": true}')
                elif kind == "fail":
                    status, ok = 500, self.answer(500, '{"error": "random failure"}')
                elif kind == "busy":
                    status, ok = 429, self.answer(429, '{"error": "slow down"}', [("Retry-After", "1")])
                else:
                    target.stopping.wait(target.slow_seconds)
                    status, ok = 200, self.answer(200, '{"ok": true, "slow": true}')
                with target.lock:
                    target.in_progress -= 1
                    target.calls.append(Call(received, run_id, action, kind, status, ok))

            do_GET = handle_call
            do_POST = handle_call

        return Handler
