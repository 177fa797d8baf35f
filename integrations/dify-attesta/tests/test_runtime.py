"""The plugin as Dify runs it: `python -m main` in the plugin directory, speaking the plugin
runtime's stdio protocol (what the Dify plugin daemon sends in local mode)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest

from conftest import PLUGIN_DIR, ApprovalServer, audit_entry, verify_audit


class PluginProcess:
    def __init__(self, audit_log: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "main"],
            cwd=PLUGIN_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "ATTESTA_AUDIT_PATH": str(audit_log), "INSTALL_METHOD": "local"},
        )
        self.events: "queue.Queue[Dict[str, Any]]" = queue.Queue()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.strip()
            if line.startswith(b"{"):
                self.events.put(json.loads(line))

    def send(self, session_id: str, data: Dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps({"session_id": session_id, "event": "request", "data": data}).encode() + b"\n")
        self.process.stdin.flush()

    def session(self, session_id: str, timeout: float = 60.0) -> List[Dict[str, Any]]:
        """The session's messages up to its end."""
        out: List[Dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"session {session_id} did not end; got {out}"
            try:
                event = self.events.get(timeout=remaining)
            except queue.Empty:
                continue
            if event.get("event") == "session" and event.get("session_id") == session_id:
                if event["data"]["type"] == "end":
                    return out
                out.append(event["data"])
            elif event.get("event") == "session":
                self.events.put(event)  # another session's message: leave it for its reader
                time.sleep(0.01)

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


@pytest.fixture
def plugin(audit_log: Path) -> Any:
    process = PluginProcess(audit_log)
    try:
        yield process
    finally:
        process.close()


def invoke_request(credentials: Dict[str, Any], **parameters: Any) -> Dict[str, Any]:
    return {
        "type": "tool",
        "action": "invoke_tool",
        "user_id": "user-1",
        "provider": "attesta",
        "tool": "attesta_gate",
        "credentials": credentials,
        "tool_parameters": parameters,
    }


def test_runtime_invokes_the_tool(plugin: PluginProcess, audit_log: Path) -> None:
    plugin.send("s1", invoke_request({"risk_threshold": "0.5"}, function_name="read_customer", action_args='{"id": 1}'))
    [message] = plugin.session("s1")
    assert message["type"] == "stream" and message["data"]["type"] == "json"
    output = message["data"]["message"]["json_object"]
    assert output["verdict"] == "approved" and output["denied"] is False
    assert output["message"] == f"Action 'read_customer' was approved (risk: low, score: {output['risk_score']:.2f})"
    assert audit_entry(audit_log, output["audit_entry_id"])["metadata"]["source"] == "dify"
    verify_audit(audit_log)


def test_runtime_validates_credentials(plugin: PluginProcess) -> None:
    plugin.send("s2", {"type": "tool", "action": "validate_tool_credentials", "user_id": "u", "provider": "attesta", "credentials": {"risk_threshold": "2"}})
    [error] = plugin.session("s2")
    assert error["type"] == "error"
    assert error["data"]["error_type"] == "ToolProviderCredentialValidationError"
    assert "between 0 and 1" in error["data"]["message"]
    plugin.send("s3", {"type": "tool", "action": "validate_tool_credentials", "user_id": "u", "provider": "attesta", "credentials": {"risk_threshold": "0.3"}})
    [ok] = plugin.session("s3")
    assert ok["type"] == "stream" and ok["data"] == {"result": True}


def test_runtime_waits_for_a_human_without_blocking_other_requests(plugin: PluginProcess, approval_server: ApprovalServer, audit_log: Path) -> None:
    # A medium action above a strict threshold: a confirm on the server (a HIGH one would need a quiz).
    credentials = {"risk_threshold": "0.2", "approval_server_url": approval_server.url, "agent_token": approval_server.agent_token}
    plugin.send("flagged", invoke_request(credentials, function_name="send_email", action_args='{"to": "bob@example.com"}', risk_level="medium"))
    pending = approval_server.wait_pending("send_email")
    # While that request waits for a human, the runtime still serves others.
    started = time.monotonic()
    plugin.send("quick", invoke_request(credentials, function_name="read_customer", action_args="{}"))
    [quick] = plugin.session("quick", timeout=30)
    assert quick["data"]["message"]["json_object"]["verdict"] == "approved"
    assert time.monotonic() - started < 5
    status, view = approval_server.api("GET", f"/v1/requests/{pending['request_id']}", approval_server.approver_token)
    assert status == 200, view
    time.sleep(max(0.0, float(view["review_remaining_seconds"])) + 0.2)
    status, answer = approval_server.api(
        "POST", f"/v1/requests/{pending['request_id']}/answer", approval_server.approver_token, {"response": {"kind": "confirm", "answer": "yes"}}
    )
    assert status == 200, answer
    [message] = plugin.session("flagged", timeout=60)
    output = message["data"]["message"]["json_object"]
    assert output["verdict"] == "approved" and output["risk_level"] == "medium", output
    entry = audit_entry(audit_log, output["audit_entry_id"])
    assert entry["approver_ids"] == ["alice"] and entry["approver_authenticated"] is True
    verify_audit(audit_log)
