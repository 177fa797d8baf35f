"""The gate decorator and Attesta.evaluate: forms, sync/async, verdict behaviour, event loops, GIL."""

import asyncio
import threading
import time

import pytest

from attesta import ActionContext, Attesta, AttestaDenied, ChallengeType, RiskLevel, Verdict, gate

from conftest import FAST_POLICY


class Scripted:
    """A renderer answering with a fixed verdict after an optional delay."""

    def __init__(self, answer, delay=0.0):
        self.answer = answer
        self.delay = delay
        self.calls = 0

    def render_approval(self, ctx, risk):
        self.calls += 1
        if self.delay:
            time.sleep(self.delay)
        return self.answer


def test_bare_and_called_forms():
    @gate
    def read_file(path):
        return f"read {path}"

    @gate()
    def list_dir(path):
        return ["a"]

    assert read_file("notes.txt") == "read notes.txt"
    assert list_dir("/tmp") == ["a"]
    assert read_file.__name__ == "read_file"


async def test_async_function_forms():
    @gate
    async def fetch_status(service):
        await asyncio.sleep(0)
        return "ok"

    @gate(risk="critical")
    async def destroy_cluster(name):
        raise AssertionError("must not run")

    assert await fetch_status("api") == "ok"
    with pytest.raises(AttestaDenied) as info:
        await destroy_cluster("prod")
    assert info.value.result.risk_level is RiskLevel.CRITICAL


def test_all_gate_options_reach_the_context():
    seen = []

    class Recorder:
        name = "recorder"

        def score(self, ctx):
            seen.append(ctx)
            return 0.1

    @gate(
        risk_scorer=Recorder(),
        risk_hints={"pii": True},
        agent_id="agent-7",
        environment="staging",
        min_review_seconds=1,
        metadata={"ticket": "T-1"},
    )
    def export_report(fmt, *, rows=10):
        """Export the monthly report."""
        return "exported"

    assert export_report("csv", rows=5) == "exported"
    ctx = seen[0]
    assert ctx.function_name == "export_report"
    assert ctx.args == ("csv",)
    assert ctx.kwargs == {"rows": 5}
    assert ctx.hints == {"pii": True}
    assert ctx.agent_id == "agent-7"
    assert ctx.environment == "staging"
    assert ctx.function_doc == "Export the monthly report."
    assert ctx.metadata == {"source": "python", "ticket": "T-1"}


def test_unknown_gate_option_is_an_error():
    with pytest.raises(TypeError, match="unexpected option"):
        gate(rsik="high")


def test_min_review_seconds_raises_the_bar():
    renderer = Scripted(Verdict.APPROVED, delay=0.3)
    attesta = Attesta(FAST_POLICY, renderer=renderer, audit=False)

    @attesta.gate(risk="medium", min_review_seconds=1.0)
    def rotate_keys():
        return "rotated"

    with pytest.raises(AttestaDenied, match="before the minimum review time of 1 s"):
        rotate_keys()


def test_approved_after_min_review_time_runs():
    renderer = Scripted(Verdict.APPROVED, delay=0.25)
    attesta = Attesta(FAST_POLICY, renderer=renderer, audit=False)

    @attesta.gate(risk="high", min_review_seconds=0.2)
    def deploy(service):
        return f"deployed {service}"

    assert deploy("api") == "deployed api"
    assert renderer.calls == 1


def test_modified_runs_with_the_modification_never_the_originals():
    renderer = Scripted((Verdict.MODIFIED, {"args": ["staging"], "kwargs": {"force": False}}))
    attesta = Attesta(FAST_POLICY, renderer=renderer, audit_path="audit.jsonl")
    calls = []

    @attesta.gate(risk="high")
    def deploy(env, force=True):
        calls.append((env, force))
        return "ok"

    assert deploy("production", force=True) == "ok"
    assert calls == [("staging", False)]


def test_modified_without_modification_is_denied():
    attesta = Attesta(FAST_POLICY, renderer=Scripted(Verdict.MODIFIED), audit=False)

    @attesta.gate(risk="high")
    def deploy(env):
        raise AssertionError("must not run")

    with pytest.raises(AttestaDenied):
        deploy("production")


@pytest.mark.parametrize(
    "answer, prefix",
    [
        (Verdict.DENIED, "Action denied: "),
        (Verdict.TIMED_OUT, "Action timed out: "),
        (Verdict.ESCALATED, "Action escalated (not yet resolved): "),
    ],
)
def test_verdict_behaviour_table(answer, prefix):
    attesta = Attesta(FAST_POLICY, renderer=Scripted(answer), audit=False)

    @attesta.gate(risk="high")
    def act():
        raise AssertionError("must not run")

    with pytest.raises(AttestaDenied) as info:
        act()
    assert str(info.value).startswith(prefix)
    assert info.value.verdict is answer


@pytest.mark.parametrize("fail_mode, verdict, prefix", [("deny", Verdict.TIMED_OUT, "Action timed out: "), ("escalate", Verdict.ESCALATED, "Action escalated (not yet resolved): ")])
def test_a_reviewer_that_never_answers_times_out(fail_mode, verdict, prefix):
    config = {"policy": {**FAST_POLICY["policy"], "timeout_seconds": 0.3, "fail_mode": fail_mode}}
    attesta = Attesta(config, renderer=Scripted(Verdict.APPROVED, delay=2.0), audit_path="audit.jsonl")

    @attesta.gate(risk="high")
    def act():
        raise AssertionError("must not run")

    started = time.monotonic()
    with pytest.raises(AttestaDenied) as info:
        act()
    assert time.monotonic() - started < 1.5
    assert info.value.verdict is verdict
    assert str(info.value).startswith(prefix)


def test_no_reviewer_denies_and_says_how_to_configure_one():
    @gate(risk="medium")
    def send_email(to):
        raise AssertionError("must not run")

    with pytest.raises(AttestaDenied) as info:
        send_email("a@example.com")
    message = str(info.value)
    assert "no human reviewer is reachable" in message
    assert "policy.unattended: allow" in message


def test_unattended_allow_is_explicit_and_audited(write_config):
    import json

    write_config("policy:\n  unattended: allow\n")
    attesta = Attesta.from_config("attesta.yaml")

    @attesta.gate(risk="high")
    def deploy():
        return "deployed"

    assert deploy() == "deployed"
    entry = json.loads(open(attesta.audit_path).read())
    assert entry["verdict"] == "approved"
    assert "approved unattended" in json.dumps(entry)


def test_critical_is_never_auto_approved_even_unattended_allow(write_config):
    write_config("policy:\n  unattended: allow\n")
    attesta = Attesta.from_config("attesta.yaml")
    result = attesta.evaluate_sync(ActionContext("drop_database", args=("prod",)), risk="critical")
    # Multi-party still needs distinct human approvers: unattended cannot supply them.
    assert result.challenge_type is ChallengeType.MULTI_PARTY
    assert result.verdict is Verdict.DENIED
    assert "2 distinct approvers" in result.reason


def test_sync_gate_inside_a_running_event_loop():
    """Jupyter runs cells inside an event loop; a sync gated function must still work there."""
    attesta = Attesta(FAST_POLICY, renderer=Scripted(Verdict.APPROVED), audit=False)

    @attesta.gate(risk="high")
    def deploy():
        return "deployed"

    async def cell():
        assert asyncio.get_running_loop().is_running()
        return deploy()

    assert asyncio.run(cell()) == "deployed"


async def test_async_renderer_inside_a_running_loop():
    class AsyncRenderer:
        async def render_approval(self, ctx, risk):
            await asyncio.sleep(0.01)
            return {"verdict": "approved", "approvers": ["ops-lead"]}

    attesta = Attesta(FAST_POLICY, renderer=AsyncRenderer(), audit=False)

    @attesta.gate(risk="high")
    def deploy():
        return "deployed"

    assert deploy() == "deployed"
    result = await attesta.evaluate(ActionContext("deploy"), risk="high")
    assert result.verdict is Verdict.APPROVED
    assert result.approvers == ["ops-lead"]


async def test_event_loop_keeps_running_while_a_human_decides():
    attesta = Attesta(FAST_POLICY, renderer=Scripted(Verdict.APPROVED, delay=0.4), audit=False)
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.02)
            ticks += 1

    task = asyncio.create_task(ticker())
    result = await attesta.evaluate(ActionContext("deploy"), risk="high")
    task.cancel()
    assert result.verdict is Verdict.APPROVED
    assert ticks >= 10, ticks


def test_gil_is_released_while_a_human_decides():
    attesta = Attesta(FAST_POLICY, renderer=Scripted(Verdict.APPROVED, delay=0.4), audit=False)
    counter = 0
    stop = threading.Event()

    def spin():
        nonlocal counter
        while not stop.is_set():
            counter += 1

    thread = threading.Thread(target=spin)
    thread.start()
    try:
        before = counter
        result = attesta.evaluate_sync(ActionContext("deploy"), risk="high")
        during = counter - before
    finally:
        stop.set()
        thread.join()
    assert result.verdict is Verdict.APPROVED
    assert during > 10_000, during


async def test_cancelling_an_awaited_review_cancels_it():
    renderer = Scripted(Verdict.APPROVED, delay=0.5)
    attesta = Attesta(FAST_POLICY, renderer=renderer, audit_path="audit.jsonl")
    task = asyncio.create_task(attesta.evaluate(ActionContext("deploy"), risk="high"))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.6)
    # Cancelled before a decision: nothing was approved or recorded as approved.
    import os

    assert not os.path.exists("audit.jsonl") or "approved" not in open("audit.jsonl").read()


async def test_concurrent_evaluations():
    attesta = Attesta(FAST_POLICY, renderer=Scripted(Verdict.APPROVED, delay=0.2), audit_path="audit.jsonl")
    started = time.monotonic()
    results = await asyncio.gather(*(attesta.evaluate(ActionContext(f"deploy_{i}"), risk="high") for i in range(4)))
    assert all(r.verdict is Verdict.APPROVED for r in results)
    assert len({r.audit_entry_id for r in results}) == 4
    assert time.monotonic() - started < 0.75


def test_result_fields():
    attesta = Attesta(FAST_POLICY, renderer=Scripted({"verdict": "approved", "approvers": ["alice"], "reason": "looks fine"}), audit_path="audit.jsonl")
    result = attesta.evaluate_sync(ActionContext("deploy", args=("api",), agent_id="a1"), risk="high")
    assert result.verdict is Verdict.APPROVED and result.allowed and not result.denied
    assert result.risk_level is RiskLevel.HIGH and result.risk_score == pytest.approx(0.7)
    assert result.challenge_type is ChallengeType.QUIZ and result.challenge_passed
    assert result.approvers == ["alice"]
    assert result.reason == "looks fine"
    assert result.modification is None
    assert result.mode == "enforce"
    assert result.audit_entry_id and result.intercepted_at.endswith("Z")
    assert result.to_dict()["verdict"] == "approved"
    assert result.risk_assessment.level is RiskLevel.HIGH
    assert result.risk_factors[0]["name"] == "override"
    assert "ApprovalResult(verdict=approved" in repr(result)


def test_action_context_wire_format():
    ctx = ActionContext(function_name="deploy", args=("api",), kwargs={"force": True}, metadata={"source": "python"})
    assert ctx.to_dict() == {"function_name": "deploy", "args": ["api"], "kwargs": {"force": True}, "hints": {}, "metadata": {"source": "python"}}
    assert ActionContext.from_dict(ctx.to_dict()) == ctx
    with pytest.raises(ValueError, match="unknown ActionContext field"):
        ActionContext.from_dict({"function_name": "x", "kwarg": {}})
    # Dicts in the wire format are accepted wherever a context is.
    assert Attesta(audit=False).assess({"function_name": "read_file"}).level is RiskLevel.LOW


def test_odd_argument_values_are_scored_not_crashed():
    import datetime
    import enum
    import json
    import pathlib

    class Color(enum.Enum):
        RED = "red"

    @gate
    def read_file(path, when, color, data, big, nested):
        return "ok"

    deep = []
    for _ in range(200):
        deep = [deep]
    try:
        read_file(pathlib.Path("/tmp/x"), datetime.date(2024, 1, 1), Color.RED, b"\x00\x01", 2**80, deep)
    except AttestaDenied:
        pass  # whatever the verdict, it was scored and recorded
    entry = json.loads(open(".attesta/audit.jsonl").read().splitlines()[-1])
    args = entry["arguments"]["args"]
    assert args[:5] == ["/tmp/x", "2024-01-01", "red", "<2 bytes>", str(2**80)]
    assert "nested too deeply" in json.dumps(args[5])


def test_ctrl_c_interrupts_a_blocked_gate(tmp_path):
    """KeyboardInterrupt reaches a caller blocked while a human decides, and cancels the review."""
    import signal
    import subprocess
    import sys

    script = tmp_path / "interrupt.py"
    # The child says "reviewing" from inside the renderer, so the signal is sent only once the
    # gate is really blocked on the human; no sleeps, and the bounds are far from the busy-machine
    # range: the review would take 60 s, an interrupt must end it well before.
    script.write_text(
        "import time\n"
        "from attesta import Attesta, ActionContext\n"
        "class Slow:\n"
        "    def render_approval(self, ctx, risk):\n"
        "        print('reviewing', flush=True)\n"
        "        time.sleep(60)\n"
        "        return 'approved'\n"
        "a = Attesta({'policy': {'minimum_review_seconds': {'high': 0}}}, renderer=Slow(), audit=False)\n"
        "started = time.monotonic()\n"
        "try:\n"
        "    a.evaluate_sync(ActionContext('deploy'), risk='high')\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted after %.1f s' % (time.monotonic() - started), flush=True)\n"
    )
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "reviewing"
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=300)
    assert out.startswith("interrupted after"), out
    assert float(out.split()[2]) < 50.0
