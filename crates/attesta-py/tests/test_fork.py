"""Processes forked after Attesta was used (multiprocessing's fork start method, gunicorn's
preload): each child gets its own runtime and its own audit file description, so the hash chain
stays intact and timeouts still fire."""

import json
import multiprocessing
import time

from attesta import ActionContext, Attesta, Verdict

from conftest import FAST_POLICY

_attesta = None


class Slow:
    def __init__(self, delay):
        self.delay = delay

    def render_approval(self, ctx, risk):
        time.sleep(self.delay)
        return Verdict.APPROVED


def _child(n):
    verdicts = []
    for i in range(40):
        verdicts.append(_attesta.evaluate_sync(ActionContext("read_file", kwargs={"path": f"{n}-{i}.txt"})).verdict.value)
    return verdicts


def _child_review(delay):
    config = {"policy": {**FAST_POLICY["policy"], "timeout_seconds": 0.5}}
    reviewed = Attesta(config, renderer=Slow(delay), audit=False)
    started = time.monotonic()
    verdict = reviewed.evaluate_sync(ActionContext("deploy"), risk="high").verdict.value
    return verdict, time.monotonic() - started


def test_forked_children_keep_the_chain_intact(attesta_bin):
    global _attesta
    _attesta = Attesta(audit_path="audit.jsonl")
    _attesta.evaluate_sync(ActionContext("read_file", kwargs={"path": "parent.txt"}))
    with multiprocessing.get_context("fork").Pool(4) as pool:
        results = pool.map(_child, range(4))
    _attesta.evaluate_sync(ActionContext("read_file", kwargs={"path": "parent-again.txt"}))
    assert all(v == "approved" for r in results for v in r)
    lines = open("audit.jsonl").read().splitlines()
    assert len(lines) == 2 + 4 * 40
    out = attesta_bin("audit", "verify", "--log", "audit.jsonl")
    assert out.returncode == 0, out.stdout + out.stderr
    assert [json.loads(l)["seq"] for l in lines] == list(range(1, len(lines) + 1))


def test_reviews_and_timeouts_work_in_a_forked_child():
    # The parent has started Attesta's runtime before forking.
    Attesta(FAST_POLICY, renderer=Slow(0.0), audit=False).evaluate_sync(ActionContext("deploy"), risk="high")
    with multiprocessing.get_context("fork").Pool(2) as pool:
        approved, timed_out = pool.map(_child_review, [0.05, 3.0])
    assert approved[0] == "approved"
    assert timed_out[0] == "timed_out"
    assert timed_out[1] < 2.0
