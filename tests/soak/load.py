"""The soak test's callers: threads sending trigger requests on keep-alive connections at a
steady total rate, retrying what did not go through, and recording every attempt's outcome.

A logical request is retried until one attempt is accepted. Each attempt carries its own
x-ms-client-tracking-id (`soak-{request}-{attempt}`), which the server stores as the run's
clientTrackingId, so every run can be traced back to exactly one attempt. Outcomes:
  accepted   200/202 with x-ms-workflow-run-id (and, for a synchronous answer, the right body)
  rejected   429 or 503 (retried after Retry-After): no run may exist for it
  refused    the connection was refused (the server is down): nothing was sent
  in_doubt   the connection broke after the request may have been sent (kill -9): a run may
             or may not exist for it, at most one
  unexpected any other answer, or a 200 with the wrong body
"""
import http.client
import json
import random
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Attempt:
    request: int
    attempt: int
    flow: str
    outcome: str
    sent: float  # time.time()
    ended: float
    connected: float  # when the connection used was opened
    run_id: str = ""
    detail: str = ""

    @property
    def tracking_id(self):
        return f"soak-{self.request}-{self.attempt}"


@dataclass
class FlowTarget:
    name: str
    path: str  # the signed trigger URL's path and query
    weight: float
    answer: str  # "sync": 200 with {"n": request}; "async": 202


@dataclass
class Load:
    host: str
    port: int
    flows: list  # [FlowTarget]
    rate: float  # requests per second, all threads together
    threads: int
    seed: int
    attempts: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)
    next_request: int = 0
    next_slot: float = 0.0

    def start(self):
        self.workers = [threading.Thread(target=self._worker, args=(i,), daemon=True) for i in range(self.threads)]
        self.next_slot = time.monotonic()
        for w in self.workers:
            w.start()

    def stop(self, deadline_s):
        """Stops sending new requests; each thread finishes (retries) the one it holds."""
        self.stopping.set()
        end = time.monotonic() + deadline_s
        for w in self.workers:
            w.join(max(0.0, end - time.monotonic()))
        return [w for w in self.workers if w.is_alive()]

    def snapshot(self):
        with self.lock:
            return list(self.attempts)

    def _take(self, rng):
        """The next logical request and its flow, at the pace of `rate`; None once stopping."""
        with self.lock:
            slot = max(self.next_slot, time.monotonic())
            self.next_slot = slot + 1.0 / self.rate
            n = self.next_request
            self.next_request += 1
        if self.stopping.wait(max(0.0, slot - time.monotonic())):
            return None
        flow = rng.choices(self.flows, [f.weight for f in self.flows])[0]
        return n, flow

    def _worker(self, index):
        rng = random.Random(self.seed * 1000 + index)
        conn, connected = None, 0.0
        while True:
            taken = self._take(rng)
            if taken is None:
                break
            n, flow = taken
            attempt, give_up = 0, time.monotonic() + 300
            while time.monotonic() < give_up:
                attempt += 1
                if conn is None:
                    conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                    sent = time.time()
                    try:
                        conn.connect()
                    except OSError as e:
                        self._record(Attempt(n, attempt, flow.name, "refused", sent, time.time(), sent, detail=str(e)))
                        conn = None
                        time.sleep(0.1)  # the server is restarting: try again shortly
                        continue
                    connected = sent
                a = Attempt(n, attempt, flow.name, "", time.time(), 0.0, connected)
                try:
                    conn.request("POST", flow.path, body=json.dumps({"n": n}),
                                 headers={"Content-Type": "application/json", "x-ms-client-tracking-id": a.tracking_id})
                    r = conn.getresponse()
                    body = r.read()
                except (OSError, http.client.HTTPException) as e:
                    a.outcome, a.ended, a.detail = "in_doubt", time.time(), f"{type(e).__name__}: {e}"
                    self._record(a)
                    conn.close()
                    conn = None
                    continue
                a.ended = time.time()
                a.run_id = r.getheader("x-ms-workflow-run-id") or ""
                if r.status in (429, 503):
                    a.outcome, a.detail = "rejected", str(r.status)
                    self._record(a)
                    retry_after = r.getheader("Retry-After") or "1"
                    time.sleep(min(5.0, float(retry_after) if retry_after.isdigit() else 1.0))
                    continue
                expected = 200 if flow.answer == "sync" else 202
                good = r.status == expected and a.run_id
                if good and flow.answer == "sync":
                    try:
                        good = json.loads(body) == {"n": n}
                    except ValueError:
                        good = False
                a.outcome = "accepted" if good else "unexpected"
                if not good:
                    a.detail = f"{r.status} {body[:200]!r}"
                self._record(a)
                break
        if conn is not None:
            conn.close()

    def _record(self, a):
        with self.lock:
            self.attempts.append(a)
