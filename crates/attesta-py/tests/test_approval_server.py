"""From Python to a human through the real approval server: `attesta serve` runs, the Python
pipeline (`reviewer: server`) posts the request and waits, an approver answers with the real
`attesta approve`/`deny` client, and the awaiting coroutine or blocked gate is released."""

import asyncio
import json
import os
import subprocess
import threading
import time

import pytest

from attesta import ActionContext, Attesta, AttestaDenied, Verdict

from conftest import _find_binary

CONFIG = {"policy": {"minimum_review_seconds": {"medium": 1, "high": 1, "critical": 1}, "timeout_seconds": 60}}


@pytest.fixture
def server(tmp_path):
    binary = _find_binary()
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("ATTESTA_CONFIG", None)
    db = str(tmp_path / "server.db")
    proc = subprocess.Popen(
        [binary, "serve", "--listen", "127.0.0.1:0", "--db", db],
        cwd=tmp_path,
        env=env,
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    line = proc.stderr.readline()
    url = next((w for w in line.split() if w.startswith("http://")), None)
    assert url, f"no address in: {line!r}"
    # Keep draining the server's log so it never blocks on a full pipe.
    threading.Thread(target=proc.stderr.read, daemon=True).start()

    def cli(*args, token=None, stdin=""):
        run_env = dict(env)
        if token:
            run_env["ATTESTA_APPROVER_TOKEN"] = token
        return subprocess.run([binary, *args], cwd=tmp_path, env=run_env, input=stdin, capture_output=True, text=True, timeout=60)

    def identity(kind, name):
        out = cli("serve", "--db", db, kind, name)
        assert out.returncode == 0, out.stderr
        return out.stdout.strip()

    def pending_id(token, action):
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            out = cli("--json", "pending", "--server", url, token=token)
            assert out.returncode == 0, out.stderr
            for request in json.loads(out.stdout):
                if request["action"] == action:
                    return request["request_id"]
            time.sleep(0.1)
        raise AssertionError(f"{action} never showed up as pending")

    yield {"url": url, "cli": cli, "identity": identity, "pending_id": pending_id}
    proc.kill()
    proc.wait()


def pipeline(server, monkeypatch):
    agent = server["identity"]("add-agent", "py-bot")
    monkeypatch.setenv("ATTESTA_AGENT_TOKEN", agent)
    return Attesta({**CONFIG, "reviewer": "server", "server": {"url": server["url"]}}, audit_path="audit.jsonl")


async def test_awaited_evaluation_is_released_by_an_approver(server, monkeypatch):
    attesta = pipeline(server, monkeypatch)
    alice = server["identity"]("add-approver", "alice")
    assert attesta.reviewer_name == "server"

    ctx = ActionContext("update_record", kwargs={"table": "invoices", "id": 42}, agent_id="py-bot")
    task = asyncio.create_task(attesta.evaluate(ctx, risk="medium"))
    request_id = await asyncio.to_thread(server["pending_id"], alice, "update_record")
    out = await asyncio.to_thread(server["cli"], "approve", request_id, "--server", server["url"], token=alice, stdin="y\n")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "update_record" in out.stderr  # the approver was shown the action
    result = await asyncio.wait_for(task, 30)
    assert result.verdict is Verdict.APPROVED, result.reason
    assert result.approvers == ["alice"]
    assert result.approver_authenticated is True
    entry = json.loads(open("audit.jsonl").read().splitlines()[-1])
    assert entry["approver_ids"] == ["alice"] and entry["approver_authenticated"] is True
    assert entry["metadata"]["source"] == "python"


def test_blocked_gate_is_released_by_a_denial_with_reason(server, monkeypatch):
    attesta = pipeline(server, monkeypatch)
    bob = server["identity"]("add-approver", "bob")
    ran = []

    @attesta.gate(risk="high")
    def pay_invoice(invoice, amount):
        ran.append(invoice)

    def approver():
        request_id = server["pending_id"](bob, "pay_invoice")
        server["cli"]("deny", request_id, "--reason", "wrong invoice", "--server", server["url"], token=bob)

    thread = threading.Thread(target=approver)
    thread.start()
    with pytest.raises(AttestaDenied) as info:
        pay_invoice("INV-7", 990)
    thread.join()
    assert ran == []
    assert info.value.verdict is Verdict.DENIED
    assert "wrong invoice" in str(info.value)


def test_unreachable_server_denies(monkeypatch):
    monkeypatch.setenv("ATTESTA_AGENT_TOKEN", "whatever")
    attesta = Attesta({**CONFIG, "reviewer": "server", "server": {"url": "http://127.0.0.1:9"}}, audit=False)
    result = attesta.evaluate_sync(ActionContext("update_record"), risk="medium")
    assert result.verdict is Verdict.DENIED
