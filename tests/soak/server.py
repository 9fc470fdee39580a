"""`runnel serve` under test: started, killed with SIGKILL and started again on the same data
directory and port, with its memory sampled every second across all its lives."""
import http.client
import json
import os
import signal
import subprocess
import threading
import time


class ServerError(Exception):
    pass


class RunnelServer:
    def __init__(self, binary, config, port, data, flows, token, log_path):
        self.binary, self.config, self.port = binary, config, port
        self.data, self.flows, self.token = data, flows, token
        self.log_path = log_path
        self.lock = threading.Lock()
        self.process = None
        self.kills = []  # time.time() of each SIGKILL
        self.ready_times = []  # time.time() each start answered /healthz
        self.rss_max_kib = 0
        self.rss_samples = 0
        self.sampling = threading.Event()
        self.sampler = threading.Thread(target=self._sample_rss, daemon=True)

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, deadline_s=60):
        with open(self.log_path, "a") as log:
            log.write(f"--- start at {time.time():.3f}\n")
            log.flush()
            process = subprocess.Popen(
                [self.binary, "serve", "--config", self.config, "--listen", f"127.0.0.1:{self.port}",
                 "--data", self.data, "--flows", self.flows, "--token", self.token],
                stdout=log, stderr=log)
        with self.lock:
            self.process = process
        deadline = time.monotonic() + deadline_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServerError(f"runnel serve exited with {process.returncode} while starting; see {self.log_path}")
            if self.healthy():
                self.ready_times.append(time.time())
                if not self.sampler.is_alive():
                    self.sampler.start()
                return
            time.sleep(0.05)
        raise ServerError(f"runnel serve did not answer /healthz within {deadline_s} s; see {self.log_path}")

    def kill9(self):
        with self.lock:
            process = self.process
        self.kills.append(time.time())
        process.send_signal(signal.SIGKILL)
        process.wait()

    def stop(self, grace_s=30):
        """SIGTERM, then SIGKILL after `grace_s`. Returns the exit status."""
        with self.lock:
            process = self.process
        self.sampling.set()
        if process is None or process.poll() is not None:
            return process.returncode if process else 0
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(grace_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            return None

    def alive(self):
        with self.lock:
            return self.process is not None and self.process.poll() is None

    def down_at(self, t, margin_s=0.0):
        """Whether the server was down (killed and not yet answering again) at time `t`."""
        for i, killed in enumerate(self.kills):
            ready = self.ready_times[i + 1] if i + 1 < len(self.ready_times) else float("inf")
            if killed - margin_s <= t <= ready + margin_s:
                return True
        return False

    def kill_between(self, a, b):
        """Whether a SIGKILL happened in [a, b]."""
        return any(a <= k <= b for k in self.kills)

    # -- memory --------------------------------------------------------------------------------

    def _sample_rss(self):
        while not self.sampling.wait(1.0):
            with self.lock:
                pid = self.process.pid if self.process and self.process.poll() is None else None
            if pid is None:
                continue
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            self.rss_max_kib = max(self.rss_max_kib, int(line.split()[1]))
                            self.rss_samples += 1
            except OSError:
                pass  # it died between the check and the read

    # -- HTTP ----------------------------------------------------------------------------------

    def healthy(self):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
            return ok
        except OSError:
            return False

    def api(self, method, path, body=None, ok=(200,)):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Authorization": "Bearer " + self.token}
            if body is not None:
                headers["Content-Type"] = "application/json"
            conn.request(method, path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            if r.status not in ok:
                raise ServerError(f"{method} {path} answered {r.status}: {data[:300]!r}")
            return json.loads(data) if data.startswith(b"{") else data.decode()
        finally:
            conn.close()

    def all_runs(self, query=""):
        out, path = [], f"/management/runs?top=250{query}"
        while path:
            page = self.api("GET", path)
            out.extend(page["value"])
            path = page.get("nextLink")
        return out

    def metric(self, line_prefix):
        for line in self.api("GET", "/metrics").splitlines():
            if line.startswith(line_prefix + " "):
                return float(line.split()[-1])
        return 0.0

    def resumed_counts(self):
        """The `resumed N runs` numbers the server logged at its starts."""
        out = []
        with open(self.log_path) as log:
            for line in log:
                if line.startswith("runnel: resumed "):
                    out.append(int(line.split()[2]))
        return out
