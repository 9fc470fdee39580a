"""Tests of the soak test's checks on made-up histories: each fault must be caught and named,
and what a kill -9 legitimately causes must not be (python3 -m unittest discover tests/soak -p '*_test.py')."""
import unittest

import check
from load import Attempt
from target import Call

KILL = 100.0


class FakeServer:
    """One kill at t=100, back at t=101; every Http action Succeeded in one attempt."""
    kills = [KILL]
    ready_times = [0.0, KILL + 1]

    def __init__(self, ticks=None):
        self.ticks = ticks or {}

    def kill_between(self, a, b):
        return any(a <= k <= b for k in self.kills)

    def down_at(self, t, margin_s=0.0):
        return KILL - margin_s <= t <= KILL + 1 + margin_s

    def api(self, method, path):
        run_id = path.rsplit("/", 1)[1]
        return {"record": {"actions": {a: {"status": "Succeeded", "attempts": 1} for a in ("Call_a", "Call_b")},
                           "trigger": {"scheduledTime": self.ticks.get(run_id)}}}


def accepted(n, flow, run_id):
    return Attempt(n, 1, flow, "accepted", 10, 11, 5, run_id=run_id)


def run(run_id, flow, request, status="Succeeded"):
    return {"id": run_id, "flow": flow, "status": status, "clientTrackingId": f"soak-{request}-1"}


class CheckRunsTest(unittest.TestCase):
    def verdict(self, attempts, runs):
        v = check.Verdict()
        check.check_requests(v, attempts)
        check.check_runs(v, FakeServer(), attempts, runs)
        return v.counts

    def test_one_run_per_accepted_request_passes(self):
        c = self.verdict([accepted(1, "soak-queued", "r1")], [run("r1", "soak-queued", 1)])
        self.assertEqual((c["lost"], c["duplicated"], c["unexplained runs"]), (0, 0, 0))

    def test_lost_duplicated_and_unexplained_runs_are_caught(self):
        attempts = [accepted(1, "soak-queued", "r1"), accepted(2, "soak-queued", "r2"),
                    Attempt(3, 1, "soak-queued", "rejected", 10, 11, 5, detail="429")]
        runs = [run("r1", "soak-queued", 1), run("r1b", "soak-queued", 1), run("r3", "soak-queued", 3),
                {"id": "r9", "flow": "soak-http", "status": "Succeeded", "clientTrackingId": "someone-else"}]
        c = self.verdict(attempts, runs)
        self.assertEqual(c["lost"], 1)  # request 2
        self.assertEqual(c["duplicated"], 1)  # request 1 has two runs
        self.assertEqual(c["unexplained runs"], 2)  # the rejected attempt's run and r9

    def test_a_run_for_an_answer_lost_in_a_kill_is_explained(self):
        in_doubt = Attempt(1, 1, "soak-sync", "in_doubt", KILL - 0.1, KILL + 0.1, KILL - 5)
        c = self.verdict([in_doubt, Attempt(1, 2, "soak-sync", "accepted", 102, 102.1, 101.5, run_id="r2")],
                         [{"id": "r1", "flow": "soak-sync", "status": "Succeeded", "clientTrackingId": "soak-1-1"},
                          {"id": "r2", "flow": "soak-sync", "status": "Succeeded", "clientTrackingId": "soak-1-2"}])
        self.assertEqual((c["in doubt: started"], c["unexplained runs"], c["duplicated"]), (1, 0, 0))

    def test_unfinished_runs_fail(self):
        c = self.verdict([accepted(1, "soak-http", "r1")], [run("r1", "soak-http", 1, "Running")])
        self.assertEqual(c["not terminal"], 1)


class CheckHttpCallsTest(unittest.TestCase):
    def verdict(self, calls):
        v = check.Verdict()
        check.check_http_calls(v, FakeServer(), [run("r1", "soak-http", 1)], calls)
        return v.counts

    def test_a_second_2xx_without_a_kill_is_a_duplicate(self):
        c = self.verdict([Call(20, "r1", "Call_a", "ok", 200, True), Call(30, "r1", "Call_a", "ok", 200, True),
                          Call(31, "r1", "Call_b", "ok", 200, True)])
        self.assertEqual((c["duplicate calls"], c["repeated after crash"]), (1, 0))

    def test_a_second_2xx_after_a_kill_is_a_repeat(self):
        c = self.verdict([Call(20, "r1", "Call_a", "ok", 200, True), Call(KILL - 0.2, "r1", "Call_b", "ok", 200, True),
                          Call(KILL + 2, "r1", "Call_b", "ok", 200, True)])
        self.assertEqual((c["duplicate calls"], c["repeated after crash"]), (0, 1))

    def test_success_without_a_2xx_is_caught(self):
        c = self.verdict([Call(20, "r1", "Call_a", "fail", 500, True), Call(21, "r1", "Call_b", "ok", 200, True)])
        self.assertEqual(c["succeeded without a 2xx"], 1)


class CheckScheduleTest(unittest.TestCase):
    def test_two_runs_for_one_tick_are_duplicates(self):
        tick = "2026-01-01T00:00:01.0000000Z"
        server = FakeServer({"t1": tick, "t2": tick})
        runs = [{"id": "t1", "flow": "soak-tick", "status": "Succeeded"}, {"id": "t2", "flow": "soak-tick", "status": "Succeeded"}]
        history = [{"time": tick, "outcome": "Fired", "reason": "schedule tick " + tick, "runId": "t1"},
                   {"time": tick, "outcome": "Fired", "reason": "schedule tick " + tick, "runId": "t2"}]
        v = check.Verdict()
        check.check_schedule(v, server, runs, history)
        self.assertEqual(v.counts["duplicated"], 1)
        self.assertEqual(v.counts["schedule runs"], 2)


if __name__ == "__main__":
    unittest.main()
