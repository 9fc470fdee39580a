#!/usr/bin/env python3
"""The soak and fault test (tests/soak/README.md); tests/soak/run is the command to use.

Mixed load against `runnel serve` for a given time while the server is killed with SIGKILL at
random moments and started again on the same data directory; then the load stops, everything
is let finish, and the run history is checked against what the callers were told and what the
flaky target server saw. Prints a summary; exits 1 on any lost or duplicated run (or any other
failed check), 2 when the test itself could not run.
"""
import argparse
import dataclasses
import json
import os
import random
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
import urllib.parse

import check
from flows import write_flows
from load import FlowTarget, Load
from server import RunnelServer, ServerError
from target import Target


def log(message):
    print(f"soak: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_args():
    p = argparse.ArgumentParser(prog="tests/soak/run", description="Soak and fault test of runnel serve.")
    p.add_argument("--binary", required=True, help="the runnel executable (tests/soak/run passes it)")
    p.add_argument("--minutes", type=float, default=10, help="how long the load runs (default 10)")
    p.add_argument("--kill-every-seconds", type=float, default=60,
                   help="mean time between kill -9s, each drawn uniformly from 0.5x to 1.5x (0: never; default 60)")
    p.add_argument("--rate", type=float, default=40, help="trigger requests per second, all flows together (default 40)")
    p.add_argument("--threads", type=int, default=8, help="client threads, each with a keep-alive connection (default 8)")
    p.add_argument("--max-rss-mb", type=float, default=256, help="the server's resident memory must stay below this (default 256)")
    p.add_argument("--http-timeout-seconds", type=int, default=5, help="the Http actions' limit.timeout (default 5)")
    p.add_argument("--drain-seconds", type=float, default=180, help="how long runs may take to finish after the load (default 180)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: random, printed)")
    p.add_argument("--keep", action="store_true", help="keep the work directory (kept anyway when a check fails)")
    a = p.parse_args()
    if a.minutes <= 0 or a.rate <= 0 or a.threads < 1 or a.kill_every_seconds < 0 or a.http_timeout_seconds < 1:
        p.error("--minutes, --rate and --threads must be positive, --kill-every-seconds at least 0, "
                "--http-timeout-seconds at least 1")
    if a.seed is None:
        a.seed = random.randrange(1 << 30)
    return a


def killer(server, args, stop, failures):
    """Kills the server at random moments and starts it again until `stop` is set."""
    rng = random.Random(args.seed + 1)
    mean = args.kill_every_seconds
    while mean > 0 and not stop.wait(rng.uniform(0.5 * mean, 1.5 * mean)):
        server.kill9()
        down = rng.uniform(0, 2)  # down long enough, at times, for a schedule tick to pass
        log(f"kill -9 #{len(server.kills)} at {time.strftime('%H:%M:%S')}; starting again in {down:.1f} s")
        stop.wait(down)  # cut short when the load is over
        try:
            server.start()
        except ServerError as e:
            failures.append(str(e))
            stop.set()
            return


def wait_until(condition, deadline_s, what):
    """Polls `condition` every 0.2 s until it holds; False when `deadline_s` passes first."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.2)
    log(f"{what} did not happen within {deadline_s:.0f} s")
    return False


def run_load(server, target, args, work):
    """Runs the load with the killer; returns (Load, problems that stop the test)."""
    flows = []
    for name, answer in [("soak-sync", "sync"), ("soak-stateless", "sync"), ("soak-queued", "async"), ("soak-http", "async")]:
        url = server.api("POST", f"/management/flows/{name}/triggers/manual/listCallbackUrl")["value"]
        u = urllib.parse.urlsplit(url)
        flows.append(FlowTarget(name, u.path + "?" + u.query, 1.0, answer))
    load = Load("127.0.0.1", server.port, flows, args.rate, args.threads, args.seed)
    problems = []
    stop_killing = threading.Event()
    kill_thread = threading.Thread(target=killer, args=(server, args, stop_killing, problems), daemon=True)
    started = time.monotonic()
    end = started + args.minutes * 60
    load.start()
    kill_thread.start()
    while not stop_killing.wait(min(30.0, max(0.0, end - time.monotonic()))) and time.monotonic() < end:
        attempts = load.snapshot()
        log(f"{(time.monotonic() - started) / 60:.1f} min: {sum(a.outcome == 'accepted' for a in attempts):,} accepted, "
            f"{len(server.kills)} kills, max RSS {server.rss_max_kib / 1024:.1f} MiB, {len(target.snapshot()):,} Http calls")
    stop_killing.set()
    kill_thread.join()
    log(f"load stopped after {(time.monotonic() - started) / 60:.1f} min; finishing the requests in hand")
    if not server.alive():
        server.start()
    stuck = load.stop(deadline_s=320)
    if stuck:
        problems.append(f"{len(stuck)} client threads did not finish their request")
    return load, problems


def drain(server, target, args):
    """Stops the schedule and waits for every run and every call to the target to finish."""
    server.api("POST", "/management/flows/soak-tick/disable")
    quiet = lambda: (server.metric("runnel_runs_in_flight") == 0 and
                     not server.api("GET", "/management/runs?status=Running&top=1")["value"] and
                     not server.api("GET", "/management/runs?status=Waiting&top=1")["value"] and
                     target.busy() == 0)
    return wait_until(quiet, args.drain_seconds, "all runs finishing")


def save(work, attempts, calls, runs, history):
    """What the checks read, kept in the work directory for a closer look (--keep)."""
    with open(os.path.join(work, "attempts.jsonl"), "w") as f:
        for a in attempts:
            f.write(json.dumps(dataclasses.asdict(a)) + "\n")
    with open(os.path.join(work, "calls.jsonl"), "w") as f:
        for c in calls:
            f.write(json.dumps(dataclasses.asdict(c)) + "\n")
    with open(os.path.join(work, "runs.json"), "w") as f:
        json.dump({"runs": runs, "trigger_history": history}, f)


def summary(v, server, args, minutes, problems):
    c = v.counts
    resumed = server.resumed_counts()
    accepted_by_flow = " · ".join(f"{k.split(' ', 1)[1]} {n:,}" for k, n in sorted(c.items()) if k.startswith("accepted soak-"))
    runs_by_flow = " · ".join(f"{k.split(' ', 1)[1]} {n:,}" for k, n in sorted(c.items())
                              if k.startswith("runs soak-") and not k.startswith("runs soak-tick"))
    actions = " · ".join(f"{k} {n:,}" for k, n in sorted(c.items()) if k.startswith("Call_"))
    lines = [
        f"soak: {minutes:.1f} minutes of load, seed {args.seed}, rate {args.rate:g}/s, kill -9 every ~{args.kill_every_seconds:g} s",
        f"requests sent           {c['requests']:,} ({c['attempts']:,} attempts: {c['attempts accepted']:,} accepted, "
        f"{c['attempts rejected']:,} rejected 429/503, {c['attempts refused']:,} refused while down, "
        f"{c['attempts in_doubt']:,} in doubt)",
        f"accepted                {c['accepted']:,} ({accepted_by_flow})",
        f"in doubt                {c['in doubt: started']:,} had started a run, {c['in doubt: not started']:,} had not, "
        f"{c['in doubt: stateless']:,} Stateless (all retried; {c['in doubt without a kill']:,} without a kill)",
        f"runs                    {c['runs']:,} in the history, Stateless runs keep none ({runs_by_flow})",
        f"schedule runs           {c['schedule runs']:,}, one per tick ({c['ticks missed while down']:,} ticks missed while down, "
        f"{c['ticks missed while up']:,} while up, {c['ticks skipped']:,} skipped)",
        f"crashes survived        {len(server.kills)} (runs resumed at each restart: {resumed or 'none'})",
        f"Http calls              {c['http calls']:,} ({c['http calls ok']:,} ok, {c['http calls fail']:,} 500, "
        f"{c['http calls busy']:,} 429, {c['http calls slow']:,} too slow); actions: {actions}",
        f"repeated after crash    {c['repeated after crash']:,} (calls in flight at a kill, made again: at-least-once)",
        f"calls by undone runs    {c['calls by runs whose start a kill undid']:,} (a run's call went out, a kill came before its start was committed)",
        f"attempts != calls       {c['attempt counts differing from calls']:,} (actions with no kill around them)",
        f"duplicates              {c['duplicated'] + c['duplicate calls']:,} ({c['duplicated']:,} runs, {c['duplicate calls']:,} Http calls)",
        f"lost                    {c['lost']:,}",
        f"unexplained runs        {c['unexplained runs']:,}",
        f"not terminal            {c['not terminal']:,} (and {c['not succeeded']:,} ended otherwise than Succeeded)",
        f"max RSS                 {server.rss_max_kib / 1024:.1f} MiB (bound {args.max_rss_mb:g} MiB, {server.rss_samples:,} samples, one a second)",
    ]
    for kind, detail in v.failures:
        lines.append(f"  FAIL {kind}: {detail}")
    for p in problems:
        lines.append(f"  FAIL {p}")
    lines.append("result                  " + ("PASS" if not v.failures and not problems else "FAIL"))
    return "\n".join(lines)


def main():
    args = parse_args()
    work = tempfile.mkdtemp(prefix="runnel-soak-")
    target = Target({"ok": 0.70, "fail": 0.14, "busy": 0.10, "slow": 0.06}, args.http_timeout_seconds + 3, args.seed)
    target.start()
    server = None
    log(f"work directory {work}, seed {args.seed}, {args.minutes:g} min, kill -9 every ~{args.kill_every_seconds:g} s")
    ok = False
    try:
        write_flows(os.path.join(work, "flows"), target.url(""), args.http_timeout_seconds)
        # A copy: the build directory may be rebuilt while the test runs, and every restart must
        # start the same program.
        binary = os.path.join(work, "runnel")
        shutil.copy2(args.binary, binary)
        config = os.path.join(work, "runnel.yaml")
        with open(config, "w") as f:
            f.write("store:\n  sync: normal  # a commit survives kill -9\n")
        server = RunnelServer(binary, config, free_port(), os.path.join(work, "data"), os.path.join(work, "flows"),
                              secrets.token_hex(16), os.path.join(work, "runnel.log"))
        server.start()
        started = time.monotonic()
        load, problems = run_load(server, target, args, work)
        minutes = (time.monotonic() - started) / 60
        if not drain(server, target, args):
            problems.append(f"runs were still in flight {args.drain_seconds:g} s after the load stopped")
        log("checking the run history")
        attempts = load.snapshot()
        runs = server.all_runs()
        history = server.api("GET", "/management/flows/soak-tick/triggers/history?top=1000")["value"]
        calls = target.snapshot()
        save(work, attempts, calls, runs, history)
        v = check.Verdict()
        v.counts["runs"] = sum(1 for r in runs if r["flow"] != check.TICK_FLOW)
        check.check_requests(v, attempts)
        check.check_runs(v, server, attempts, runs)
        check.check_schedule(v, server, runs, history)
        check.check_http_calls(v, server, runs, calls)
        if server.rss_max_kib / 1024 >= args.max_rss_mb:
            problems.append(f"the server's RSS reached {server.rss_max_kib / 1024:.1f} MiB, over {args.max_rss_mb:g} MiB")
        if target.other_requests:
            problems.append(f"the target got {target.other_requests} requests on unexpected paths")
        status = server.stop()
        if status != 0:
            problems.append(f"runnel serve exited with {status} after SIGTERM (expected 0)")
        print(summary(v, server, args, minutes, problems))
        ok = not v.failures and not problems
        return 0 if ok else 1
    except (ServerError, OSError) as e:
        log(f"cannot run: {e}")
        return 2
    finally:
        if server:
            server.stop()
        target.stop()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            log(f"work directory kept: {work} (runnel.log has the server's output)")


if __name__ == "__main__":
    sys.exit(main())
