"""The Attesta Approval component with the real lfx package: loaded the way Langflow loads custom
components, run on its own, and run inside a real flow (Chat Input -> Attesta -> Chat Output)."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from types import ModuleType
from typing import Any, Dict

import pytest
from attesta import ActionContext, Attesta
from lfx.custom.utils import build_custom_components
from lfx.schema.data import Data

from conftest import COMPONENTS_DIR, ApprovalServer, audit_entries, audit_entry, verify_audit

FIELDS = ["verdict", "risk_score", "risk_level", "denied", "audit_entry_id", "function_name", "message"]


def run(module: ModuleType, **inputs: Any) -> Dict[str, Any]:
    component = module.AttestaApprovalComponent(**inputs)
    data = asyncio.run(component.evaluate_action())
    assert isinstance(data, Data)
    assert component.status is data
    return data.data


def score_of(function_name: str, kwargs: Dict[str, Any], risk: Any = None) -> Any:
    ctx = ActionContext(function_name=function_name, kwargs=kwargs, hints={"threshold": 0.5}, environment="production")
    return Attesta(audit=False, trust=False).assess(ctx, risk=risk)


def test_langflow_loads_the_component_directory() -> None:
    """What Langflow does with LANGFLOW_COMPONENTS_PATH: the category and its component."""
    loaded = build_custom_components([str(COMPONENTS_DIR)])
    templates = loaded["attesta"]
    [(key, template)] = list(templates.items())
    assert template["display_name"] == "Attesta Approval"
    fields = template["template"]
    for name in ("function_name", "risk_level", "action_args", "risk_hints", "risk_threshold", "approval_server_url", "agent_token"):
        assert name in fields, f"{name} missing from the component template"
    assert fields["risk_level"]["options"] == ["Auto (Score-based)", "Low", "Medium", "High", "Critical"]
    assert fields["risk_level"]["value"] == "Auto (Score-based)"
    assert fields["agent_token"]["password"] is True
    assert [o["name"] for o in template["outputs"]] == ["decision"]


def test_low_risk_action_is_approved(component_module: ModuleType, audit_log: Path) -> None:
    output = run(component_module, function_name="read_customer", action_args='{"id": "cust_123"}')
    assert list(output) == FIELDS
    assessment = score_of("read_customer", {"id": "cust_123"})
    assert output["verdict"] == "approved" and output["denied"] is False
    assert output["risk_level"] == assessment.level.value == "low"
    assert re.fullmatch(r"Action 'read_customer' was approved \(risk: low, score: \d\.\d\d\)", output["message"])
    entry = audit_entry(audit_log, output["audit_entry_id"])
    assert entry["metadata"]["source"] == "langflow"
    assert entry["environment"] == "production"
    assert entry["arguments"]["kwargs"] == {"id": "cust_123"}
    verify_audit(audit_log)


@pytest.mark.parametrize(
    ("risk_level", "threshold", "verdict"),
    [
        ("Low", 0.15, "approved"),
        ("Low", 0.1, "denied"),
        ("Medium", 0.5, "approved"),
        ("High", 0.8, "approved"),
        ("High", 0.5, "denied"),
        ("Critical", 1.0, "denied"),
    ],
)
def test_threshold_acts(component_module: ModuleType, audit_log: Path, risk_level: str, threshold: float, verdict: str) -> None:
    output = run(component_module, function_name="send_email", action_args="{}", risk_level=risk_level, risk_threshold=threshold)
    assert output["risk_level"] == risk_level.lower()
    assert output["verdict"] == verdict, output
    assert output["denied"] is (verdict == "denied")
    assert audit_entry(audit_log, output["audit_entry_id"])["verdict"] == verdict
    if verdict == "denied":
        assert "Approval Server URL" in output["message"]


def test_scored_threshold(component_module: ModuleType, audit_log: Path) -> None:
    # In the middle of the scale even in production (the component declares production).
    kwargs = {"table": "invoices", "id": 42, "status": "paid"}
    assessment = score_of("update_record", kwargs)
    assert 0.05 < assessment.score < 0.95 and assessment.level.value != "critical", assessment
    at = run(component_module, function_name="update_record", action_args=kwargs, risk_threshold=assessment.score)
    assert at["verdict"] == "approved"
    below = run(component_module, function_name="update_record", action_args=kwargs, risk_threshold=assessment.score - 0.01)
    assert below["verdict"] == "denied"


def test_hints_reach_the_scorer(component_module: ModuleType) -> None:
    plain = run(component_module, function_name="update_config", action_args='{"key": "x"}')
    hinted = run(component_module, function_name="update_config", action_args='{"key": "x"}', risk_hints={"destructive": "true"}, risk_threshold=1.0)
    assert hinted["risk_score"] > plain["risk_score"], (plain, hinted)


@pytest.mark.parametrize(
    ("action_args", "kwargs"),
    [
        ("not json", {"raw_input": "not json"}),
        ("[1, 2]", {"raw_input": "[1, 2]"}),
        ({"a": {"b": 1}}, {"a": {"b": 1}}),
        ("", {}),
    ],
)
def test_action_args_forms(component_module: ModuleType, audit_log: Path, action_args: Any, kwargs: Dict[str, Any]) -> None:
    output = run(component_module, function_name="read_customer", action_args=action_args)
    assert audit_entry(audit_log, output["audit_entry_id"])["arguments"]["kwargs"] == kwargs


def test_bad_inputs_are_refused(component_module: ModuleType) -> None:
    with pytest.raises(ValueError, match="Function Name is required"):
        run(component_module, function_name="", action_args="{}")
    with pytest.raises(ValueError, match="Risk Threshold must be between 0 and 1"):
        run(component_module, function_name="x", risk_threshold=1.5)
    with pytest.raises(ValueError, match="Agent Token is required"):
        run(component_module, function_name="x", approval_server_url="http://127.0.0.1:9")


def test_in_a_real_flow(local_flow_runner: Any, audit_log: Path) -> None:
    flow = Path(__file__).resolve().parent / "flow_attesta.py"
    result = local_flow_runner(str(flow), input_value='{"customer_id": "cust_123", "amount": 500, "currency": "USD"}')
    assert result.status == "success", result
    assert "Action 'update_billing' was" in result.text, result.text
    [entry] = audit_entries(audit_log)
    assert entry["action_name"] == "update_billing"
    assert entry["metadata"]["source"] == "langflow"
    assert entry["arguments"]["kwargs"] == {"customer_id": "cust_123", "amount": 500, "currency": "USD"}
    verify_audit(audit_log)


def test_flagged_action_waits_for_a_human_on_the_server(component_module: ModuleType, approval_server: ApprovalServer, audit_log: Path) -> None:
    """A flagged action waits on the flow's event loop (other tasks keep running) until a human
    approves it in the approval server; then a denial through the same component."""
    server = approval_server
    # A medium action above a strict threshold: a confirm on the server (HIGH would be a quiz).
    inputs = dict(approval_server_url=server.url, agent_token=server.agent_token, risk_level="Medium", risk_threshold=0.2)

    async def flow() -> Dict[str, Any]:
        component = module.AttestaApprovalComponent(function_name="send_email", action_args='{"to": "bob@example.com"}', **inputs)
        evaluation = asyncio.ensure_future(component.evaluate_action())
        ticks = 0
        while not evaluation.done():  # the loop stays free while the human decides
            ticks += 1
            await asyncio.sleep(0.05)
            if ticks == 3:
                await asyncio.to_thread(approve)
        assert ticks >= 3
        return (await evaluation).data

    def approve() -> None:
        pending = server.wait_pending("send_email")
        status, view = server.api("GET", f"/v1/requests/{pending['request_id']}", server.approver_token)
        assert status == 200, view
        time.sleep(max(0.0, float(view["review_remaining_seconds"])) + 0.2)
        status, body = server.api("POST", f"/v1/requests/{pending['request_id']}/answer", server.approver_token, {"response": {"kind": "confirm", "answer": "y"}})
        assert status == 200, body

    module = component_module
    output = asyncio.run(flow())
    assert output["verdict"] == "approved" and output["denied"] is False, output
    entry = audit_entry(audit_log, output["audit_entry_id"])
    assert entry["approver_ids"] == ["alice"] and entry["approver_authenticated"] is True
    assert entry["metadata"]["source"] == "langflow"

    async def denied_flow() -> Dict[str, Any]:
        component = module.AttestaApprovalComponent(function_name="delete_record", action_args='{"id": 7}', **inputs)
        evaluation = asyncio.ensure_future(component.evaluate_action())
        pending = await asyncio.to_thread(server.wait_pending, "delete_record")
        await asyncio.to_thread(server.api, "POST", f"/v1/requests/{pending['request_id']}/answer", server.approver_token, {"decision": "deny", "reason": "not this one"})
        return (await evaluation).data

    denied = asyncio.run(denied_flow())
    assert denied["verdict"] == "denied" and denied["denied"] is True
    assert "not this one" in denied["message"]
    verify_audit(audit_log)
