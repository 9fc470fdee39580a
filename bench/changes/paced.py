#!/usr/bin/env python3
"""Paced writes and their event-to-run-start latency, for bench/changes/run.

  paced.py BASE TOKEN WRITES RATE WATCHED_FLOW|-

Creates WRITES rows of benchorder (region 0, so only the flow watching region 0 matches) at
RATE per second over one keep-alive connection, then — unless WATCHED_FLOW is "-" — waits until
that flow has a succeeded run for each write and reads every run: the latency of one event is
the run's startTime minus the change's commit time (the trigger's x-runnel-change-time header),
both stamped by the server's clock. Prints one JSON object with the write latencies and the
event-to-run-start latencies (p50, p99, max, in milliseconds).
"""
import http.client
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from urllib.parse import urlparse


def parse_time(text):
    # "2026-11-28T10:00:00.1234567Z": Python reads six fractional digits.
    head, _, frac = text.rstrip("Z").partition(".")
    t = datetime.strptime(head, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return t + (int(frac[:6].ljust(6, "0")) / 1e6 if frac else 0.0)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(values):
    return {"p50": round(statistics.median(values), 2), "p99": round(percentile(values, 99), 2),
            "max": round(max(values), 2)}


def main():
    base, token, writes, rate, watched = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}

    def call(method, path, body=None):
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return answer.status, answer.read()

    write_ms = []
    start = time.monotonic()
    for i in range(writes):
        due = start + i / rate
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)  # pacing the load, not synchronization
        sent = time.monotonic()
        status, body = call("POST", "/api/data/v9.2/benchorders",
                            json.dumps({"name": "paced %d" % i, "region": 0, "amount": 12.5}))
        if status != 204:
            sys.exit("write %d answered %d: %s" % (i, status, body[:300]))
        write_ms.append((time.monotonic() - sent) * 1000)
    result = {"writes": writes, "rate": rate, "write_ms": summary(write_ms)}

    if watched != "-":
        runs, deadline = [], time.monotonic() + 120
        while True:
            runs, skip = [], None
            while True:
                path = "/management/runs?flow=%s&status=Succeeded&top=250" % watched
                status, body = call("GET", path + ("&skipToken=" + skip if skip else ""))
                if status != 200:
                    sys.exit("listing runs answered %d: %s" % (status, body[:300]))
                page = json.loads(body)
                runs += page["value"]
                if "nextLink" not in page:
                    break
                skip = page["value"][-1]["id"]
            if len(runs) >= writes:
                break
            if time.monotonic() > deadline:
                sys.exit("only %d of %d runs succeeded within 120 s" % (len(runs), writes))
            time.sleep(0.2)  # polling a condition with a deadline
        lag_ms = []
        for run in runs:
            status, body = call("GET", "/management/runs/" + run["id"])
            record = json.loads(body)["record"]
            changed = record["trigger"]["outputs"]["headers"]["x-runnel-change-time"]
            lag_ms.append((parse_time(run["startTime"]) - parse_time(changed)) * 1000)
        result["runs"] = len(runs)
        result["lag_ms"] = summary(lag_ms)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
