#!/usr/bin/env python3
"""The durable-step benchmark's flows and client (bench/durable/run starts the server).

  durable.py flows DIR              writes the benchmark flows into DIR
  durable.py measure --base URL --token T --pid PID --out FILE [--sync MODE] [--runs N]
                     [--warmup N] [--queued N] [--connections N] [--processes N]
                     [--only chain40|queued10k]
  durable.py table FILE             prints the markdown tables of the results in FILE

`measure` appends its results to FILE (one JSON object a line) and prints progress on stderr;
it exits 1 when a run does not give the expected answer or the queued runs do not all succeed
in time. Standard library only, so it runs wherever python3 does.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
from datetime import datetime, timezone

from flows import CHAIN_STEPS, write_flows


# ---------------------------------------------------------------------------------------------
# HTTP

class Server:
    def __init__(self, base, token):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port
        self.token = token

    def connect(self, timeout=60):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def api(self, method, path):
        c = self.connect()
        try:
            c.request(method, path, headers={"Authorization": "Bearer " + self.token})
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                raise RuntimeError(f"{method} {path} answered {r.status}: {body[:300]!r}")
            return json.loads(body) if body.startswith(b"{") else body.decode()
        finally:
            c.close()

    def trigger_path(self, flow):
        url = self.api("POST", f"/management/flows/{flow}/triggers/manual/listCallbackUrl")["value"]
        u = urllib.parse.urlsplit(url)
        return u.path + "?" + u.query

    def runs(self, flow):
        """Every run of `flow`, following nextLink."""
        out = []
        path = f"/management/runs?flow={flow}&top=250"
        while path:
            page = self.api("GET", path)
            out.extend(page["value"])
            path = page.get("nextLink")
        return out

    def metric(self, name, labels):
        text = self.api("GET", "/metrics")
        want = ",".join(f'{k}="{v}"' for k, v in labels.items())
        m = re.search(r"^" + re.escape(name + "{" + want + "}") + r" (\S+)$", text, re.M)
        return float(m.group(1)) if m else 0.0


def post(conn, path, body):
    conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
    r = conn.getresponse()
    return r.status, r.getheader("x-ms-workflow-run-id"), r.getheader("Retry-After"), r.read()


def parse_time(s):
    # 2026-11-27T23:56:34.0983640Z: seven fraction digits, which fromisoformat does not take
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", s)
    t = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return t + (int(m.group(2)) / 10 ** len(m.group(2)) if m.group(2) else 0.0)


# ---------------------------------------------------------------------------------------------
# Peak RSS of the server, sampled every 0.2 s

class RssSampler(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak_kib, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            self.peak_kib = max(self.peak_kib, int(line.split()[1]))
            except OSError:
                return
            self.stop.wait(0.2)


# ---------------------------------------------------------------------------------------------
# chain40: sequential runs, one at a time, on one keep-alive connection

def measure_chain(server, flow, steps, runs, warmup):
    path = server.trigger_path(flow)
    conn = server.connect()
    latencies, ids = [], []
    for i in range(warmup + runs):
        body = json.dumps({"n": i})
        start = time.perf_counter()
        status, run_id, _, answer = post(conn, path, body)
        elapsed = time.perf_counter() - start
        if status != 200 or json.loads(answer) != {"n": i + steps}:
            raise RuntimeError(f"{flow}: run {i} answered {status} {answer[:200]!r}, expected {{\"n\": {i + steps}}}")
        if i >= warmup:
            latencies.append(elapsed * 1000)
            ids.append(run_id)
    conn.close()
    # The run records: the run's own start and end, as the server recorded them. The Response
    # is the last action, so the run ends just after the caller's answer was released.
    spans = []
    for run_id in ids:
        run = server.api("GET", f"/management/runs/{run_id}")
        if run["status"] != "Succeeded":
            raise RuntimeError(f"{flow}: run {run_id} is {run['status']}")
        spans.append((parse_time(run["endTime"]) - parse_time(run["startTime"])) * 1000)
    return {
        "p50": statistics.median(latencies),
        "p90": statistics.quantiles(latencies, n=10)[-1] if len(latencies) >= 2 else latencies[0],
        "record_p50": statistics.median(spans),
    }


# ---------------------------------------------------------------------------------------------
# queued10k: fire N requests from several keep-alive connections, then wait for all to succeed

def send_share(server, path, numbers, threads, results):
    """One client process: sends the requests `numbers` from `threads` keep-alive connections
    and puts ({run id: n}, 429 count, first error or None) on `results`."""
    lock = threading.Lock()
    todo = list(reversed(numbers))
    accepted, rejected, errors = {}, [0], []

    def client():
        conn = server.connect()
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    n = todo.pop()
                while True:
                    status, run_id, retry_after, answer = post(conn, path, json.dumps({"n": n}))
                    if status != 429:
                        break
                    with lock:
                        rejected[0] += 1
                    time.sleep(float(retry_after or 1))  # the server's own instruction
                if status != 202 or not run_id:
                    raise RuntimeError(f"request {n} answered {status} {answer[:200]!r}")
                with lock:
                    accepted[run_id] = n
        except Exception as e:  # handed to the parent
            errors.append(f"{type(e).__name__}: {e}")
        finally:
            conn.close()

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    results.put((accepted, rejected[0], errors[0] if errors else None))


def cpu_seconds(pid):
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_queued(server, pid, flow, total, connections, processes, deadline_s):
    """Fires `total` requests from `connections` connections spread over `processes` client
    processes (one Python process cannot keep a fast server busy), then waits for every run."""
    path = server.trigger_path(flow)
    processes = max(1, min(processes, connections))
    results = multiprocessing.Queue()
    shares = [list(range(i, total, processes)) for i in range(processes)]
    children = [multiprocessing.Process(target=send_share,
                                        args=(server, path, share, connections // processes + (i < connections % processes), results))
                for i, share in enumerate(shares)]
    cpu_before = cpu_seconds(pid)
    start = time.perf_counter()
    for c in children:
        c.start()
    accepted, rejected, errors = {}, 0, []
    for _ in children:
        a, r, e = results.get(timeout=deadline_s)
        accepted.update(a)
        rejected += r
        if e:
            errors.append(e)
    accepted_at = time.perf_counter()
    for c in children:
        c.join()
    if errors:
        raise RuntimeError("the client failed: " + errors[0])
    if len(accepted) != total:
        raise RuntimeError(f"{len(accepted)} distinct run ids accepted for {total} requests")
    print(f"  {total} accepted in {accepted_at - start:.2f} s; waiting for them to finish", file=sys.stderr)

    # Wait for completion: a condition polled every 50 ms, with a deadline.
    labels = {"flow": flow, "status": "Succeeded"}
    deadline = accepted_at + deadline_s
    while True:
        done = server.metric("runnel_runs_total", labels)
        failed = server.metric("runnel_runs_total", {"flow": flow, "status": "Failed"})
        if failed:
            raise RuntimeError(f"{failed:.0f} runs of {flow} failed")
        if done >= total:
            break
        if time.perf_counter() > deadline:
            raise RuntimeError(f"only {done:.0f} of {total} runs succeeded within {deadline_s} s")
        time.sleep(0.05)
    finished_at = time.perf_counter()
    server_cpu = cpu_seconds(pid) - cpu_before

    # The store must agree: exactly the accepted runs, each Succeeded, no other.
    runs = server.runs(flow)
    ids = {r["id"] for r in runs}
    bad = [r for r in runs if r["status"] != "Succeeded"]
    if len(runs) != total or ids != set(accepted) or bad:
        raise RuntimeError(f"the run list has {len(runs)} runs ({len(ids)} distinct, {len(bad)} not Succeeded); "
                           f"{len(set(accepted) - ids)} accepted runs are missing")
    first_start = min(parse_time(r["startTime"]) for r in runs)
    last_end = max(parse_time(r["endTime"]) for r in runs)
    return {
        "accept_s": accepted_at - start,
        "finish_s": finished_at - start,
        "accepted_per_s": total / (accepted_at - start),
        "completed_per_s": total / (finished_at - start),
        "record_span_s": last_end - first_start,
        "rejected": rejected,
        "server_cpu_pct": 100 * server_cpu / (finished_at - start),
    }


# ---------------------------------------------------------------------------------------------

def measure(args):
    """Measures one server (one store.sync mode) and appends one JSON line per result to --out."""
    server = Server(args.base, args.token)
    rss = RssSampler(args.pid)
    rss.start()
    results = []
    if args.only in (None, "chain40"):
        print(f"chain40, store.sync {args.sync}: {args.warmup} warm-up and {args.runs} measured runs per flow",
              file=sys.stderr)
        base = measure_chain(server, "chain0", 0, args.runs, args.warmup)
        results.append(dict(kind="chain", sync=args.sync, variant="none", steps=0, runs=args.runs, **base))
        for flow, variant in [("chain40-awaited", "awaited"), ("chain40-deterministic", "deterministic")]:
            r = measure_chain(server, flow, CHAIN_STEPS, args.runs, args.warmup)
            results.append(dict(kind="chain", sync=args.sync, variant=variant, steps=CHAIN_STEPS, runs=args.runs,
                                per_step=(r["p50"] - base["p50"]) / CHAIN_STEPS, **r))
    if args.only in (None, "queued10k"):
        print(f"queued10k, store.sync {args.sync}: {args.queued} requests on {args.connections} connections",
              file=sys.stderr)
        q = measure_queued(server, args.pid, "queued3", args.queued, args.connections, args.processes, args.deadline)
        results.append(dict(kind="queued", sync=args.sync, total=args.queued, connections=args.connections,
                            processes=args.processes, **q))
    rss.stop.set()
    rss.join()
    with open(args.out, "a") as f:
        for r in results:
            f.write(json.dumps(dict(r, peak_rss_mib=rss.peak_kib / 1024)) + "\n")


def table(path):
    """The markdown tables of every result in `path`."""
    rows = [json.loads(line) for line in open(path)]
    chains = [r for r in rows if r["kind"] == "chain"]
    queued = [r for r in rows if r["kind"] == "queued"]
    out = []
    if chains:
        runs = chains[0]["runs"]
        out.append(f"chain40: Request → 40 sequential Compose steps → Response, Stateful; {runs} runs one after "
                   "another on one keep-alive connection, after warm-up runs. Per step (client) = (p50 − p50 of "
                   "the same flow without steps) / 40; per step (record) = the run record's end − start, / 40.\n")
        out.append("| store.sync | chain40 steps | client p50 ms | client p90 ms | record p50 ms | "
                   "per step ms (client) | per step ms (record) |")
        out.append("|---|---|---:|---:|---:|---:|---:|")
        labels = {"none": "none (Request → Response)", "awaited": "(a) volatile: each awaits its commit",
                  "deterministic": "(b) deterministic: journaled, not awaited"}
        for r in chains:
            # Below the no-step flow's own noise (e.g. an fsync that took longer in that run): ≈0.
            per_step = ("—" if not r["steps"] else f"**{r['per_step']:.3f}**" if r["per_step"] >= 0.0005 else "**≈0**")
            per_record = f"{r['record_p50'] / r['steps']:.3f}" if r["steps"] else "—"
            out.append(f"| {r['sync']} | {labels[r['variant']]} | {r['p50']:.2f} | {r['p90']:.2f} | "
                       f"{r['record_p50']:.2f} | {per_step} | {per_record} |")
        out.append("")
    if queued:
        q0 = queued[0]
        out.append(f"queued10k: {q0['total']:,} requests to a 3-step Stateful flow (volatile Composes, no Response: "
                   f"202) from {q0['connections']} keep-alive connections (http.client, in "
                   f"{q0['processes']} processes), as fast as they send; done when every run has Succeeded (polled on /metrics, then checked one by one in "
                   "the run list: exactly the accepted run ids, all Succeeded).\n")
        out.append("| store.sync | runs | accepted in s | accepted/s | all Succeeded after s | completed runs/s | "
                   "failed | 429 answers | server CPU |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for q in queued:
            out.append(f"| {q['sync']} | {q['total']:,} | {q['accept_s']:.2f} | {q['accepted_per_s']:,.0f} | "
                       f"{q['finish_s']:.2f} | {q['completed_per_s']:,.0f} | 0 | {q['rejected']} | "
                       f"{q['server_cpu_pct']:.0f}% |")
        out.append("")
    peak = max(r["peak_rss_mib"] for r in rows)
    out.append(f"Server peak RSS over all runs: {peak:.1f} MiB.")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(prog="bench/durable/durable.py")
    sub = p.add_subparsers(dest="command", required=True)
    f = sub.add_parser("flows")
    f.add_argument("dir")
    m = sub.add_parser("measure")
    m.add_argument("--base", required=True)
    m.add_argument("--token", required=True)
    m.add_argument("--pid", type=int, required=True)
    m.add_argument("--runs", type=int, default=50)
    m.add_argument("--warmup", type=int, default=5)
    m.add_argument("--queued", type=int, default=10000)
    m.add_argument("--connections", type=int, default=8)
    m.add_argument("--processes", type=int, default=2, help="client processes the connections are spread over")
    m.add_argument("--deadline", type=float, default=600, help="seconds the queued runs may take to finish")
    m.add_argument("--only", choices=["chain40", "queued10k"])
    m.add_argument("--sync", default="normal", help="the server's store.sync, for the table")
    m.add_argument("--out", required=True, help="results are appended here, one JSON object a line")
    t = sub.add_parser("table")
    t.add_argument("results")
    a = p.parse_args()
    if a.command == "flows":
        write_flows(a.dir)
        return 0
    if a.command == "table":
        print(table(a.results))
        return 0
    try:
        measure(a)
    except (RuntimeError, OSError, http.client.HTTPException) as e:
        print(f"bench/durable/run: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
