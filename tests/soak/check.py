"""The soak test's verdict: reads the server's run history through the management API and
compares it with what the callers were told and what the target server saw.

  - every accepted attempt of a Stateful flow has exactly one run (by clientTrackingId), with
    the run id the caller got, in a terminal state ("lost" when none, "duplicated" when more);
  - an attempt whose connection broke (in doubt) has at most one run; a rejected or refused
    attempt has none;
  - no run exists that no attempt explains, except schedule runs, which must be one per tick;
  - each Http action got exactly one immediate 2xx answer if it Succeeded; a further 2xx for the
    same run and action is "repeated after crash" when a kill -9 fell between the two calls
    (at-least-once, docs/engine.md) and a duplicate call otherwise.
"""
import collections
import re
from datetime import datetime, timezone

from flows import HTTP_ACTIONS

TERMINAL = {"Succeeded", "Failed", "Cancelled"}
TICK_FLOW = "soak-tick"
STATELESS_FLOW = "soak-stateless"
HTTP_FLOW = "soak-http"
# Two records of the same machine's clock taken by different threads and processes: a call
# received this long before a kill still counts as "in flight at the kill".
CLOCK_SLACK_S = 0.5


def parse_time(s):
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z$", s or "")
    if not m:
        return None
    t = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc).timestamp()
    return t + (int(m.group(2)) / 10 ** len(m.group(2)) if m.group(2) else 0.0)


class Verdict:
    def __init__(self):
        self.counts = collections.Counter()
        self.failures = []  # (kind, detail), kind in lost/duplicated/...

    def fail(self, kind, detail):
        self.counts[kind] += 1
        if sum(1 for k, _ in self.failures if k == kind) < 10:  # examples, not all of them
            self.failures.append((kind, detail))


def check_runs(v, server, attempts, runs):
    by_tracking = collections.defaultdict(list)
    for r in runs:
        by_tracking[r.get("clientTrackingId", "")].append(r)
    explained = set()
    for a in attempts:
        v.counts["attempts"] += 1
        v.counts["attempts " + a.outcome] += 1
        found = by_tracking.get(a.tracking_id, [])
        explained.add(a.tracking_id)
        if a.flow == STATELESS_FLOW:
            if a.outcome == "in_doubt":
                v.counts["in doubt: stateless"] += 1
            continue  # Stateless runs keep no history; the caller checked the answer
        if a.outcome == "accepted":
            if not found:
                v.fail("lost", f"{a.flow} request {a.request} attempt {a.attempt}: run {a.run_id} accepted, not in the history")
            elif len(found) > 1:
                v.fail("duplicated", f"{a.flow} {a.tracking_id}: {len(found)} runs {[r['id'] for r in found]}")
            elif found[0]["id"] != a.run_id:
                v.fail("duplicated", f"{a.flow} {a.tracking_id}: caller got run {a.run_id}, history has {found[0]['id']}")
        elif a.outcome == "in_doubt":
            if len(found) > 1:
                v.fail("duplicated", f"{a.flow} {a.tracking_id} (in doubt): {len(found)} runs")
            v.counts["in doubt: started" if found else "in doubt: not started"] += 1
            if not server.kill_between(a.connected - CLOCK_SLACK_S, a.ended + CLOCK_SLACK_S):
                v.counts["in doubt without a kill"] += 1
        elif found:  # rejected, refused, unexpected
            v.fail("unexplained runs", f"{a.flow} {a.tracking_id} was {a.outcome} ({a.detail}) but started {len(found)} runs")
    for r in runs:
        v.counts[f"runs {r['flow']} {r['status']}"] += 1
        if r["status"] not in TERMINAL:
            v.fail("not terminal", f"run {r['id']} of {r['flow']} is {r['status']}")
        elif r["status"] != "Succeeded":
            # Every soak flow ends in Succeeded whatever the target answers (the last action runs
            # after its predecessor Succeeded, Failed or TimedOut): anything else is a fault.
            v.fail("not succeeded", f"run {r['id']} of {r['flow']} ended {r['status']} ({r.get('errorCode')})")
        if r["flow"] == TICK_FLOW:
            continue
        if r.get("clientTrackingId", "") not in explained:
            v.fail("unexplained runs", f"run {r['id']} of {r['flow']} (tracking id {r.get('clientTrackingId')}): no caller sent it")


def check_requests(v, attempts):
    """Every logical request ended accepted (or with an unexpected answer, a failure itself)."""
    final = {}
    for a in attempts:
        if a.outcome in ("accepted", "unexpected"):
            final[a.request] = a
    requests = {a.request for a in attempts}
    v.counts["requests"] = len(requests)
    v.counts["accepted"] = sum(1 for a in final.values() if a.outcome == "accepted")
    for a in final.values():
        if a.outcome == "accepted":
            v.counts["accepted " + a.flow] += 1
        else:
            v.fail("unexpected answers", f"{a.flow} request {a.request}: {a.detail}")
    for n in sorted(requests - set(final))[:10]:
        v.fail("given up", f"request {n} was never accepted (retried for 300 s)")


def check_schedule(v, server, runs, history):
    tick_runs = [r for r in runs if r["flow"] == TICK_FLOW]
    v.counts["schedule runs"] = len(tick_runs)
    ticks = collections.Counter()
    run_tick = {}
    for r in tick_runs:
        record = server.api("GET", f"/management/runs/{r['id']}").get("record", {})
        t = record.get("trigger", {}).get("scheduledTime")
        run_tick[r["id"]] = t
        ticks[t] += 1
    for t, n in ticks.items():
        if t is None:
            v.fail("duplicated", f"a schedule run has no scheduledTime: {[i for i, x in run_tick.items() if x is None]}")
        elif n > 1:
            v.fail("duplicated", f"tick {t} started {n} runs")
    fired = [e for e in history if e["outcome"] == "Fired"]
    v.counts["ticks skipped"] = sum(1 for e in history if e["outcome"] == "Skipped")
    oldest = min((parse_time(e["time"]) for e in history), default=0.0)
    for e in fired:
        if e.get("runId") not in run_tick:
            v.fail("lost", f"tick fired run {e.get('runId')} ({e['reason']}), which is not in the history")
        elif not e["reason"].endswith(run_tick[e["runId"]] or "?"):
            v.fail("duplicated", f"trigger history says {e['reason']} for run {e['runId']}, the run says {run_tick[e['runId']]}")
    fired_ids = {e.get("runId") for e in fired}
    for run_id, t in run_tick.items():
        # The history answers the newest 1000 events; older ticks are checked by the run alone.
        if run_id not in fired_ids and t and parse_time(t) >= oldest + 1:
            v.fail("unexplained runs", f"schedule run {run_id} (tick {t}) is not in the trigger history")
    # Ticks that started no run: missed while the server was down (never replayed, as documented)
    # or, unexpectedly, while it was up.
    times = sorted(parse_time(t) for t in ticks if t)
    for a, b in zip(times, times[1:]):
        for k in range(1, round(b - a)):
            missed = a + k
            if server.down_at(missed, margin_s=1.0):
                v.counts["ticks missed while down"] += 1
            else:
                v.counts["ticks missed while up"] += 1


def check_http_calls(v, server, runs, calls):
    by_action = collections.defaultdict(list)
    for c in calls:
        by_action[(c.run_id, c.action)].append(c)
    v.counts["http calls"] = len(calls)
    for kind in ("ok", "fail", "busy", "slow"):
        v.counts["http calls " + kind] = sum(1 for c in calls if c.kind == kind)
    run_ids = {r["id"] for r in runs}
    for run_id in sorted({c.run_id for c in calls} - run_ids):
        first = min(c.received for c in calls if c.run_id == run_id)
        if server.kill_between(first - CLOCK_SLACK_S, first + 5.0):
            v.counts["calls by runs whose start a kill undid"] += 1
        else:
            v.fail("unexplained runs", f"the target was called by run {run_id}, which is not in the history")
    for r in runs:
        if r["flow"] != HTTP_FLOW:
            continue
        record = server.api("GET", f"/management/runs/{r['id']}").get("record", {})
        for action in HTTP_ACTIONS:
            status = record.get("actions", {}).get(action, {}).get("status", "?")
            v.counts[f"{action} {status}"] += 1
            mine = sorted(by_action.get((r["id"], action), []), key=lambda c: c.received)
            oks = [c for c in mine if c.kind == "ok"]
            if status == "Succeeded" and not oks:
                v.fail("succeeded without a 2xx", f"run {r['id']} {action} Succeeded but the target gave it no 2xx answer")
            for first, again in zip(oks, oks[1:]):
                if server.kill_between(first.received - CLOCK_SLACK_S, again.received):
                    v.counts["repeated after crash"] += 1
                else:
                    v.fail("duplicate calls", f"run {r['id']} {action}: 2xx answers at {first.received:.3f} and "
                                              f"{again.received:.3f} with no kill between")
            if oks and status != "Succeeded":
                v.counts["2xx answers to actions that ended otherwise"] += 1
            # Without a kill during the action, the record's attempts are exactly the calls made.
            if mine and status in ("Succeeded", "Failed") and not server.kill_between(
                    mine[0].received - CLOCK_SLACK_S, mine[-1].received + 10.0):
                attempts = record["actions"][action].get("attempts")
                if attempts != len(mine):
                    v.counts["attempt counts differing from calls"] += 1
