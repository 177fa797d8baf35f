"""The Attesta Approval tool driven through the real dify_plugin SDK (`Tool.from_credentials`,
`Tool.invoke`), with the real pipeline, audit log and (for flagged actions) approval server."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest
from attesta import Attesta
from dify_plugin.entities.tool import ToolInvokeMessage
from dify_plugin.errors.tool import ToolProviderCredentialValidationError

import attesta_dify
from conftest import ApprovalServer, audit_entries, audit_entry, free_port, verify_audit
from provider.attesta import AttestaProvider
from tools.attesta_gate import AttestaGateTool

FIELDS = ["verdict", "risk_score", "risk_level", "denied", "audit_entry_id", "function_name", "message"]


def invoke(credentials: Dict[str, Any], **parameters: Any) -> Dict[str, Any]:
    tool = AttestaGateTool.from_credentials(credentials)
    assert tool.runtime.credentials == credentials
    messages: List[ToolInvokeMessage] = list(tool.invoke(parameters))
    assert len(messages) == 1, messages
    [message] = messages
    assert message.type == ToolInvokeMessage.MessageType.JSON
    return message.message.json_object


def score_of(function_name: str, kwargs: Dict[str, Any], risk: Any = None) -> Any:
    """What the pipeline's scorer says about the context the tool builds (nothing recorded)."""
    ctx = attesta_dify.build_context(function_name, kwargs, 0.5)
    return Attesta(audit=False, trust=False).assess(ctx, risk=risk)


def expected_message(output: Dict[str, Any], word: str) -> str:
    return f"Action '{output['function_name']}' was {word} (risk: {output['risk_level']}, score: {output['risk_score']:.2f})"


# -- output and audit -----------------------------------------------------------------------------


def test_low_risk_action_is_approved_with_the_seed_output(audit_log: Path) -> None:
    output = invoke({}, function_name="read_customer", action_args='{"id": "cust_123"}', risk_level="auto")
    assert list(output) == FIELDS
    assessment = score_of("read_customer", {"id": "cust_123"})
    assert output["verdict"] == "approved"
    assert output["denied"] is False
    assert output["risk_level"] == assessment.level.value == "low"
    assert output["risk_score"] == pytest.approx(assessment.score, abs=1e-4)
    assert output["function_name"] == "read_customer"
    assert output["message"] == expected_message(output, "approved")
    assert re.fullmatch(r"Action 'read_customer' was approved \(risk: low, score: \d\.\d\d\)", output["message"])

    entry = audit_entry(audit_log, output["audit_entry_id"])
    assert entry["action_name"] == "read_customer"
    assert entry["arguments"]["kwargs"] == {"id": "cust_123"}
    assert entry["environment"] == "production"
    assert entry["metadata"]["source"] == "dify"
    assert entry["verdict"] == "approved"
    assert entry["challenge_type"] == "auto_approve"
    verify_audit(audit_log)


def test_seed_message_example(audit_log: Path) -> None:
    """The seed's example: a LOW send_email is approved with its score to two decimals."""
    output = invoke({}, function_name="send_email", action_args='{"to": "bob@example.com"}', risk_level="low")
    assert output["message"] == "Action 'send_email' was approved (risk: low, score: 0.15)"
    assert output["risk_score"] == pytest.approx(0.15)


def test_context_carries_the_threshold_environment_and_source() -> None:
    ctx = attesta_dify.build_context("send_email", {"to": "a@b.c"}, 0.3)
    assert ctx.function_name == "send_email"
    assert ctx.kwargs == {"to": "a@b.c"}
    assert ctx.hints == {"threshold": 0.3}
    assert ctx.environment == "production"
    assert ctx.metadata == {"source": "dify"}


# -- the threshold acts ---------------------------------------------------------------------------


# In the middle of the scale even in production (the plugin declares production, which only raises).
MEDIUM_ACTION = ("update_record", {"table": "invoices", "id": 42, "status": "paid"})


def test_threshold_at_and_below_the_score(audit_log: Path) -> None:
    name, kwargs = MEDIUM_ACTION
    assessment = score_of(name, kwargs)
    assert 0.05 < assessment.score < 0.95 and assessment.level.value != "critical", assessment

    at = invoke({"risk_threshold": repr(assessment.score)}, function_name=name, action_args=kwargs)
    assert at["verdict"] == "approved" and at["denied"] is False, at
    assert audit_entry(audit_log, at["audit_entry_id"])["challenge_type"] == "auto_approve"

    below = invoke({"risk_threshold": f"{assessment.score - 0.01:.4f}"}, function_name=name, action_args=kwargs)
    assert below["verdict"] == "denied" and below["denied"] is True, below
    assert below["message"].startswith(expected_message(below, "denied") + ": ")
    assert "Approval Server URL" in below["message"] and "attesta serve add-agent" in below["message"]
    entry = audit_entry(audit_log, below["audit_entry_id"])
    assert entry["verdict"] == "denied"
    assert entry["challenge_type"] not in (None, "auto_approve")
    assert "approval server" in entry["reason"]
    verify_audit(audit_log)


@pytest.mark.parametrize(
    ("risk_level", "threshold", "verdict"),
    [
        ("low", "0.15", "approved"),  # LOW's score is 0.15: at the threshold
        ("low", "0.1", "denied"),  # a low score above a strict threshold is still flagged
        ("medium", "0.5", "approved"),  # default threshold, MEDIUM (0.45) below it
        ("medium", "", "approved"),  # blank threshold = the default 0.5
        ("high", "0.8", "approved"),  # a lenient threshold lets HIGH (0.7) through
        ("high", "0.5", "denied"),
        ("critical", "1", "denied"),  # CRITICAL is always flagged
        ("critical", "1.0", "denied"),
    ],
)
def test_threshold_with_risk_overrides(audit_log: Path, risk_level: str, threshold: str, verdict: str) -> None:
    output = invoke({"risk_threshold": threshold}, function_name="send_email", action_args='{"to": "x@y.z"}', risk_level=risk_level)
    assert output["risk_level"] == risk_level
    assert output["verdict"] == verdict, output
    assert output["denied"] is (verdict != "approved")
    entry = audit_entry(audit_log, output["audit_entry_id"])
    assert entry["verdict"] == verdict
    if verdict == "approved":
        assert entry["challenge_type"] == "auto_approve"


def test_naturally_critical_action_is_flagged_at_any_threshold(audit_log: Path) -> None:
    kwargs = {"query": "DROP DATABASE production"}
    assessment = score_of("execute_sql", kwargs)
    assert assessment.level.value == "critical", assessment
    output = invoke({"risk_threshold": "1"}, function_name="execute_sql", action_args=kwargs)
    assert output["verdict"] == "denied" and output["risk_level"] == "critical"
    assert audit_entry(audit_log, output["audit_entry_id"])["verdict"] == "denied"


# -- parameters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action_args", "kwargs"),
    [
        ('{"id": "cust_123", "fields": ["name"]}', {"id": "cust_123", "fields": ["name"]}),
        ("id=cust_123", {"raw_input": "id=cust_123"}),  # not JSON
        ('["cust_123"]', {"raw_input": '["cust_123"]'}),  # JSON but not an object
        ({"id": "cust_123", "nested": {"a": 1}}, {"id": "cust_123", "nested": {"a": 1}}),  # workflow dict, as is
        (None, {}),
        ("", {}),
    ],
)
def test_action_args_forms(audit_log: Path, action_args: Any, kwargs: Dict[str, Any]) -> None:
    parameters: Dict[str, Any] = {"function_name": "read_customer"}
    if action_args is not None:
        parameters["action_args"] = action_args
    output = invoke({}, **parameters)
    assert audit_entry(audit_log, output["audit_entry_id"])["arguments"]["kwargs"] == kwargs
    assert attesta_dify.parse_action_args(action_args) == kwargs


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ValueError, match="function_name is required"):
        invoke({}, action_args="{}")
    with pytest.raises(ValueError, match="risk_level must be one of auto, low, medium, high, critical"):
        invoke({}, function_name="x", risk_level="extreme")


def test_invalid_credentials_at_invoke_time_fail_closed() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        invoke({"risk_threshold": "7"}, function_name="read_customer")


# -- credential validation ------------------------------------------------------------------------


@pytest.mark.parametrize("threshold", [None, "", "0", "1", "0.3", " 0.8 ", 0.5, 1, "1e-1"])
def test_valid_thresholds(threshold: Any) -> None:
    AttestaProvider().validate_credentials({"risk_threshold": threshold})


@pytest.mark.parametrize("threshold", ["abc", "1.5", "-0.1", "nan", "inf", True, [0.5], "0,5"])
def test_invalid_thresholds(threshold: Any) -> None:
    with pytest.raises(ToolProviderCredentialValidationError, match="Risk Threshold must be"):
        AttestaProvider().validate_credentials({"risk_threshold": threshold})


def test_server_credentials_need_each_other() -> None:
    with pytest.raises(ToolProviderCredentialValidationError, match="Agent Token is required"):
        AttestaProvider().validate_credentials({"approval_server_url": "http://127.0.0.1:9"})
    with pytest.raises(ToolProviderCredentialValidationError, match="needs an Approval Server URL"):
        AttestaProvider().validate_credentials({"agent_token": "att_agent_x"})
    with pytest.raises(ToolProviderCredentialValidationError, match="http\\(s\\) URL"):
        AttestaProvider().validate_credentials({"approval_server_url": "ftp://example.com", "agent_token": "t"})


def test_unreachable_server_is_refused() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(ToolProviderCredentialValidationError, match="unreachable"):
        AttestaProvider().validate_credentials({"approval_server_url": url, "agent_token": "att_agent_x"})


def test_server_checks_the_agent_token(approval_server: ApprovalServer) -> None:
    url = approval_server.url
    AttestaProvider().validate_credentials({"approval_server_url": url, "agent_token": approval_server.agent_token})
    AttestaProvider().validate_credentials({"approval_server_url": url + "/", "agent_token": approval_server.agent_token, "risk_threshold": "0.3"})
    with pytest.raises(ToolProviderCredentialValidationError, match="refused the Agent Token"):
        AttestaProvider().validate_credentials({"approval_server_url": url, "agent_token": approval_server.agent_token[:-4] + "0000"})
    with pytest.raises(ToolProviderCredentialValidationError, match="must be an agent token"):
        AttestaProvider().validate_credentials({"approval_server_url": url, "agent_token": approval_server.approver_token})


def test_settings_never_show_the_token() -> None:
    settings = attesta_dify.parse_settings({"approval_server_url": "http://127.0.0.1:1", "agent_token": "att_agent_secret"})
    assert "att_agent_secret" not in repr(settings)


# -- event loops ----------------------------------------------------------------------------------


@pytest.fixture
def helper_threads(monkeypatch: pytest.MonkeyPatch) -> List[int]:
    """Counts evaluations that ran on a helper thread (the running-loop path)."""
    started: List[int] = []
    original = attesta_dify._helper_executor

    def counting() -> Any:
        started.append(1)
        return original()

    monkeypatch.setattr(attesta_dify, "_helper_executor", counting)
    return started


def test_without_a_running_loop_asyncio_run_is_used(helper_threads: List[int]) -> None:
    output = invoke({}, function_name="read_customer", action_args='{"id": 1}')
    assert output["verdict"] == "approved"
    assert helper_threads == []


def test_inside_a_running_loop_a_helper_thread_evaluates(helper_threads: List[int], audit_log: Path) -> None:
    async def in_loop() -> Dict[str, Any]:
        asyncio.get_running_loop()
        return invoke({}, function_name="read_customer", action_args='{"id": 1}')

    started = time.monotonic()
    output = asyncio.run(in_loop())
    assert time.monotonic() - started < 5, "the waiting thread was not woken when the helper finished"
    assert output["verdict"] == "approved"
    assert helper_threads == [1]
    assert audit_entry(audit_log, output["audit_entry_id"])["verdict"] == "approved"
    # Denials take the same path.
    denied = asyncio.run(_in_loop(lambda: invoke({"risk_threshold": "0.1"}, function_name="send_email", risk_level="high")))
    assert denied["verdict"] == "denied" and helper_threads == [1, 1]


async def _in_loop(call: Any) -> Any:
    return call()


# -- a flagged action completed by a human through a running approval server ----------------------


def _approve_when_pending(server: ApprovalServer, action: str, errors: List[BaseException], answer: Dict[str, Any]) -> threading.Thread:
    def approve() -> None:
        try:
            pending = server.wait_pending(action)
            request_id = pending["request_id"]
            status, view = server.api("GET", f"/v1/requests/{request_id}", server.approver_token)
            assert status == 200, view
            assert view["challenge"]["challenge_type"] == "confirm"
            time.sleep(max(0.0, float(view["review_remaining_seconds"])) + 0.2)
            body = dict(answer, action_digest=view["action_digest"])
            status, result = server.api("POST", f"/v1/requests/{request_id}/answer", server.approver_token, body)
            assert status == 200, result
        except BaseException as error:  # handed to the test
            errors.append(error)

    thread = threading.Thread(target=approve, daemon=True)
    thread.start()
    return thread


def _server_credentials(server: ApprovalServer, threshold: str = "0.5") -> Dict[str, Any]:
    return {"risk_threshold": threshold, "approval_server_url": server.url, "agent_token": server.agent_token}


def test_flagged_action_is_approved_by_a_human_on_the_server(approval_server: ApprovalServer, audit_log: Path) -> None:
    errors: List[BaseException] = []
    approver = _approve_when_pending(approval_server, "send_email", errors, {"response": {"kind": "confirm", "answer": "y"}})
    started = time.monotonic()
    # Medium above a strict threshold is a confirm on the server; HIGH would be a quiz there too.
    output = invoke(_server_credentials(approval_server, "0.2"), function_name="send_email", action_args='{"to": "bob@example.com", "subject": "Invoice"}', risk_level="medium")
    approver.join(timeout=60)
    assert not errors, errors
    assert time.monotonic() - started >= 1.0  # it really waited for the human's review time
    assert output["verdict"] == "approved" and output["denied"] is False, output
    assert output["risk_level"] == "medium"
    assert output["message"] == expected_message(output, "approved")
    entry = audit_entry(audit_log, output["audit_entry_id"])
    assert entry["verdict"] == "approved"
    assert entry["approver_ids"] == ["alice"]
    assert entry["approver_authenticated"] is True
    assert entry["metadata"]["source"] == "dify"
    verify_audit(audit_log)
    # The server decided and recorded it too.
    status, decided = approval_server.api("GET", "/v1/requests?status=decided", approval_server.approver_token)
    assert status == 200 and [r["status"] for r in decided["requests"]] == ["approved"]


def test_flagged_action_denied_by_a_human_on_the_server(approval_server: ApprovalServer, audit_log: Path) -> None:
    errors: List[BaseException] = []
    approver = _approve_when_pending(approval_server, "delete_record", errors, {"decision": "deny", "reason": "wrong record"})
    output = invoke(_server_credentials(approval_server, "0.2"), function_name="delete_record", action_args={"table": "orders", "id": 7}, risk_level="medium")
    approver.join(timeout=60)
    assert not errors, errors
    assert output["verdict"] == "denied" and output["denied"] is True, output
    assert "wrong record" in output["message"]
    assert audit_entry(audit_log, output["audit_entry_id"])["verdict"] == "denied"


def test_below_threshold_never_reaches_the_server(approval_server: ApprovalServer, audit_log: Path) -> None:
    output = invoke(_server_credentials(approval_server, "0.8"), function_name="send_email", action_args="{}", risk_level="high")
    assert output["verdict"] == "approved"
    status, listing = approval_server.api("GET", "/v1/requests?status=decided", approval_server.approver_token)
    assert status == 200 and listing["requests"] == []
    status, listing = approval_server.api("GET", "/v1/requests?status=pending", approval_server.approver_token)
    assert status == 200 and listing["requests"] == []


def test_running_loop_approval_within_the_wait(approval_server: ApprovalServer, helper_threads: List[int]) -> None:
    errors: List[BaseException] = []
    approver = _approve_when_pending(approval_server, "send_email", errors, {"response": {"kind": "confirm", "answer": "y"}})
    started = time.monotonic()
    output = asyncio.run(_in_loop(lambda: invoke(_server_credentials(approval_server, "0.2"), function_name="send_email", action_args="{}", risk_level="medium")))
    approver.join(timeout=60)
    assert not errors, errors
    assert output["verdict"] == "approved"
    assert helper_threads == [1]
    assert time.monotonic() - started < 15, "the decision was not picked up when the human answered"


def test_running_loop_wait_times_out_closed(approval_server: ApprovalServer, monkeypatch: pytest.MonkeyPatch, audit_log: Path) -> None:
    monkeypatch.setattr(attesta_dify, "EVALUATION_TIMEOUT_SECONDS", 1.5)
    started = time.monotonic()
    with pytest.raises(attesta_dify.EvaluationTimeout, match="within 1.5 seconds"):
        asyncio.run(_in_loop(lambda: invoke(_server_credentials(approval_server), function_name="send_email", action_args="{}", risk_level="high")))
    elapsed = time.monotonic() - started
    assert 1.4 <= elapsed < 10, elapsed
    # The request did reach the server (nobody answered it) and nothing was approved locally.
    assert approval_server.wait_pending("send_email")
    assert not [e for e in (audit_entries(audit_log) if audit_log.exists() else []) if e["verdict"] == "approved"]


def test_concurrent_requests_as_the_plugin_runtime_serves_them(approval_server: ApprovalServer, audit_log: Path) -> None:
    """The runtime runs each request on a ThreadPoolExecutor worker (greenlets once the SDK has
    patched threading). Two flagged actions wait for humans at the same time, plus a low-risk one
    that must not wait behind them."""
    import concurrent.futures

    errors: List[BaseException] = []
    approvers = [
        _approve_when_pending(approval_server, name, errors, {"response": {"kind": "confirm", "answer": "y"}})
        for name in ("send_email", "send_invoice")
    ]
    credentials = _server_credentials(approval_server, "0.2")
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        flagged = [
            pool.submit(invoke, credentials, function_name=name, action_args="{}", risk_level="medium")
            for name in ("send_email", "send_invoice")
        ]
        started = time.monotonic()
        quick = pool.submit(invoke, credentials, function_name="read_customer", action_args='{"id": 1}').result(timeout=30)
        assert time.monotonic() - started < 1.0, "a low-risk request waited behind the reviews"
        assert quick["verdict"] == "approved"
        outputs = [f.result(timeout=60) for f in flagged]
    for approver in approvers:
        approver.join(timeout=60)
    assert not errors, errors
    assert [o["verdict"] for o in outputs] == ["approved", "approved"], outputs
    assert {audit_entry(audit_log, o["audit_entry_id"])["approver_ids"][0] for o in outputs} == {"alice"}
    verify_audit(audit_log)


def test_unreachable_server_denies_flagged_actions(audit_log: Path) -> None:
    """The server went away after the credentials were saved: flagged actions are denied (the
    default fail_mode), low-risk ones still pass."""
    credentials = {"approval_server_url": f"http://127.0.0.1:{free_port()}", "agent_token": "att_agent_0_0"}
    output = invoke(credentials, function_name="send_email", action_args="{}", risk_level="high")
    assert output["verdict"] in ("denied", "timed_out") and output["denied"] is True, output
    assert "unreachable" in output["message"], output
    assert audit_entry(audit_log, output["audit_entry_id"])["verdict"] == output["verdict"]
    assert invoke(credentials, function_name="read_customer", action_args="{}")["verdict"] == "approved"
