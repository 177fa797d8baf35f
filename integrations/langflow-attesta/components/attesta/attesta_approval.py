"""Attesta Approval: a Langflow component that runs an action through the Attesta pipeline
(risk scoring, a human challenge when needed, hash-chained audit log) and outputs the decision.

Same behaviour and output as the Dify plugin's Attesta Approval tool: scores at or below the risk
threshold are auto-approved, scores above it (and every critical action) are flagged for a human
in the approval server's web inbox; without an approval server flagged actions are denied with a
message saying how to connect one.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import threading
from typing import Any, Dict, Optional, Tuple

from attesta import ActionContext, Attesta, ChallengeType, RiskLevel, Verdict
from lfx.custom.custom_component.component import Component
from lfx.io import DictInput, DropdownInput, FloatInput, MessageTextInput, MultilineInput, Output, SecretStrInput
from lfx.schema.data import Data

RISK_LEVEL_OPTIONS = ["Auto (Score-based)", "Low", "Medium", "High", "Critical"]
_RISK_LEVELS: Dict[str, Optional[RiskLevel]] = {
    "auto (score-based)": None,
    "auto": None,
    "low": RiskLevel.LOW,
    "medium": RiskLevel.MEDIUM,
    "high": RiskLevel.HIGH,
    "critical": RiskLevel.CRITICAL,
}
_DENIED = frozenset({Verdict.DENIED, Verdict.TIMED_OUT, Verdict.ESCALATED})
_WORDS = {
    Verdict.APPROVED: "approved",
    Verdict.DENIED: "denied",
    Verdict.MODIFIED: "modified",
    Verdict.TIMED_OUT: "timed out",
    Verdict.ESCALATED: "escalated",
}
AUDIT_PATH_ENV = "ATTESTA_AUDIT_PATH"
DEFAULT_AUDIT_PATH = ".attesta/audit.jsonl"
CONNECT_HINT = (
    "connect an approval server: run `attesta serve`, create a token with "
    "`attesta serve add-agent NAME`, and set Approval Server URL and Agent Token on the component"
)


def _text(value: Any) -> str:
    """A Message (connected input) or plain text."""
    if value is None:
        return ""
    text = getattr(value, "text", value)
    return text if isinstance(text, str) else str(text)


def parse_action_args(value: Any) -> Dict[str, Any]:
    """A dict is used as is, text is parsed as JSON; anything else becomes ``{"raw_input": …}``."""
    data = getattr(value, "data", None)
    if isinstance(data, dict) and not isinstance(value, dict):  # a Data object
        return dict(data)
    if isinstance(value, dict):
        return dict(value)
    text = _text(value)
    if not text.strip():
        return {}
    try:
        parsed = json.loads(text)
    except ValueError:
        return {"raw_input": text}
    return parsed if isinstance(parsed, dict) else {"raw_input": text}


def _hint_value(value: Any) -> Any:
    """Key-value fields hold text; `true`/`false` and numbers mean what they say."""
    if not isinstance(value, str):
        return value
    lowered = value.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    try:
        number = float(lowered)
    except ValueError:
        return value
    return number if math.isfinite(number) else value


def parse_hints(value: Any) -> Dict[str, Any]:
    if not value:
        return {}
    if isinstance(value, str):
        value = json.loads(value)
    if not isinstance(value, dict):
        raise ValueError(f"Risk Hints must be key-value pairs, got {type(value).__name__}")
    return {str(k): _hint_value(v) for k, v in value.items() if str(k).strip()}


def parse_threshold(value: Any) -> float:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.5
    if isinstance(value, bool):
        raise ValueError(f"Risk Threshold must be a number between 0 and 1, got {value!r}")
    try:
        threshold = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"Risk Threshold must be a number between 0 and 1, got {value!r}") from None
    if not math.isfinite(threshold) or not 0.0 <= threshold <= 1.0:
        raise ValueError(f"Risk Threshold must be between 0 and 1, got {value!r}")
    return threshold


class _DenyWithoutServer:
    """Reviewer when no approval server is set: the pipeline records a denial saying why."""

    def render_approval(self, ctx: Any, risk: Any) -> Dict[str, Any]:
        return {"verdict": "denied", "reason": f"this action needs human review; {CONNECT_HINT}"}


_ENV_LOCK = threading.Lock()
_CACHE_LOCK = threading.Lock()
_CACHE: Dict[Tuple[Optional[str], Optional[str], str], Tuple[Attesta, Attesta, Attesta]] = {}


def _pipelines(server_url: Optional[str], token: Optional[str]) -> Tuple[Attesta, Attesta, Attesta]:
    """(scorer view, within-threshold pipeline, flagged pipeline), sharing one audit log.

    Within the threshold every non-critical level maps to auto_approve; flagged actions keep
    their challenges (LOW asks for a confirm), so a human must pass one.
    """
    audit_path = os.environ.get(AUDIT_PATH_ENV) or DEFAULT_AUDIT_PATH
    key = (server_url, token, audit_path)
    with _CACHE_LOCK:
        if key in _CACHE:
            return _CACHE[key]
        config: Dict[str, Any] = {"trust": {"enabled": False}}
        renderer = None
        token_env = None
        if server_url:
            # The server reviewer reads the token from the variable the config names when the
            # pipeline is built; it is set only for that moment so it stays in memory only.
            token_env = "ATTESTA_LANGFLOW_AGENT_TOKEN_" + hashlib.sha256(str(token).encode()).hexdigest()[:16].upper()
            config["reviewer"] = "server"
            config["server"] = {"url": server_url, "agent_token_env": token_env}
        else:
            renderer = _DenyWithoutServer()
        with _ENV_LOCK:
            if token_env:
                os.environ[token_env] = str(token)
            try:
                base = Attesta(config, renderer=renderer, audit_path=audit_path, trust=False)
                within = base.derive(
                    challenge_map={level: ChallengeType.AUTO_APPROVE for level in (RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH)}
                )
                flagged = base.derive(challenge_map={RiskLevel.LOW: ChallengeType.CONFIRM})
            finally:
                if token_env:
                    os.environ.pop(token_env, None)
        _CACHE[key] = (base, within, flagged)
        return _CACHE[key]


class AttestaApprovalComponent(Component):
    display_name = "Attesta Approval"
    description = (
        "Human-in-the-loop approval for AI agent actions: scores the action for risk, asks a human "
        "when it is above the threshold, and records every decision in a hash-chained audit log."
    )
    icon = "shield-check"
    name = "AttestaApproval"

    inputs = [
        MessageTextInput(
            name="function_name",
            display_name="Function Name",
            info="Name of the action being evaluated (e.g. send_email, delete_record).",
            required=True,
            tool_mode=True,
        ),
        DropdownInput(
            name="risk_level",
            display_name="Risk Level",
            info="Override the risk level, or let Attesta score the action.",
            options=RISK_LEVEL_OPTIONS,
            value="Auto (Score-based)",
        ),
        MultilineInput(
            name="action_args",
            display_name="Action Arguments",
            info='JSON object with the action\'s arguments, e.g. {"to": "bob@example.com"}. Text that is not a JSON object is kept as {"raw_input": text}.',
            tool_mode=True,
        ),
        DictInput(
            name="risk_hints",
            display_name="Risk Hints",
            info="Extra risk hints, e.g. production: true, destructive: true.",
            is_list=True,
            advanced=True,
        ),
        FloatInput(
            name="risk_threshold",
            display_name="Risk Threshold",
            info="0-1. Actions scoring above it are flagged for review; critical actions always are.",
            value=0.5,
            advanced=True,
        ),
        MessageTextInput(
            name="approval_server_url",
            display_name="Approval Server URL",
            info="An Attesta approval server (attesta serve). Without one, flagged actions are denied.",
            advanced=True,
        ),
        SecretStrInput(
            name="agent_token",
            display_name="Agent Token",
            info="The agent token the approval server issued (attesta serve add-agent NAME).",
            advanced=True,
        ),
    ]

    outputs = [
        Output(display_name="Decision", name="decision", method="evaluate_action"),
    ]

    async def evaluate_action(self) -> Data:
        function_name = _text(self.function_name).strip()
        if not function_name:
            raise ValueError("Function Name is required: the name of the action to evaluate, e.g. send_email")
        choice = _text(self.risk_level).strip().lower() or "auto"
        if choice not in _RISK_LEVELS:
            raise ValueError(f"Risk Level must be one of {', '.join(RISK_LEVEL_OPTIONS)}, got {self.risk_level!r}")
        risk = _RISK_LEVELS[choice]
        threshold = parse_threshold(self.risk_threshold)
        server_url = _text(getattr(self, "approval_server_url", "")).strip().rstrip("/") or None
        token = _text(getattr(self, "agent_token", "")).strip() or None
        if server_url and not server_url.startswith(("http://", "https://")):
            raise ValueError(f"Approval Server URL must be an http(s) URL, got {server_url!r}")
        if server_url and not token:
            raise ValueError("Agent Token is required with an Approval Server URL: create one with `attesta serve add-agent NAME`")

        hints = parse_hints(getattr(self, "risk_hints", None))
        hints["threshold"] = threshold
        ctx = ActionContext(
            function_name=function_name,
            kwargs=parse_action_args(self.action_args),
            hints=hints,
            environment="production",
            metadata={"source": "langflow"},
        )
        base, within, flagged_pipeline = _pipelines(server_url, token)
        assessment = base.assess(ctx, risk=risk)
        flagged = assessment.level is RiskLevel.CRITICAL or assessment.score > threshold
        result = await (flagged_pipeline if flagged else within).evaluate(ctx, risk=risk)

        verdict = result.verdict
        # Scoring is deterministic here (no trust, fixed environment); a change would fail closed.
        guard = not flagged and (result.risk_level is RiskLevel.CRITICAL or result.risk_score > threshold)
        shown = Verdict.DENIED if guard else verdict
        denied = guard or verdict in _DENIED
        score = float(result.risk_score)
        level = result.risk_level.value
        message = f"Action '{function_name}' was {_WORDS[shown]} (risk: {level}, score: {score:.2f})"
        reason = "the score changed between assessment and evaluation" if guard else (result.reason if denied else "")
        if reason:
            message += f": {reason}"
        output: Dict[str, Any] = {
            "verdict": shown.value,
            "risk_score": round(score, 4),
            "risk_level": level,
            "denied": denied,
            "audit_entry_id": result.audit_entry_id,
            "function_name": function_name,
            "message": message,
        }
        if shown is Verdict.MODIFIED:
            output["modification"] = result.modification
        data = Data(data=output, text_key="message")
        self.status = data
        return data
